//! A raw file rejected for a YAML error still withdraws the objects its documents name: a
//! raw file that refers to one of them is rejected too, naming the broken file, instead of
//! moving to managed/ with only a warning that the object is nowhere in the repository
//! (which it is: in a file that will not move). Once the broken file is fixed, both move.
//! On real git repositories (a bare origin and a clone), through the binary.

use crate::common::{Repo, WIRED_FABRIC, assert_exit, attachment, bin, output, stdout, vpc_on};

const F: &str = "gitops/hedgehog/f";

/// The good VPC `vpc-1` the attachments refer to.
fn good_vpc() -> String {
    vpc_on("vpc-1", "10.0.1.0/24", 1001)
}

/// A repository whose fabric `f` holds [`WIRED_FABRIC`] in managed/ and the raw files
/// `raw` (path under raw/, bytes), committed.
fn fabric(raw: &[(&str, &[u8])]) -> Repo {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    for (path, bytes) in raw {
        repo.write(&format!("{F}/raw/{path}"), bytes);
    }
    repo.commit_all("the fabric");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    repo
}

/// `sync --dry-run`'s report of a fabric where raw/vpc.yaml is rejected with `vpc_error`
/// (its line after the path) and raw/attach.yaml with `attach_errors` (likewise): the
/// broken VPC file first, as the attachment's rejection follows from it.
fn rejected_both(attach_errors: &[&str], vpc_error: &str) -> String {
    let attach: String = attach_errors
        .iter()
        .map(|error| format!("      {F}/raw/attach.yaml:{error}\n"))
        .collect();
    format!(
        "{F}
  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)
  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)
  rejected raw/vpc.yaml (left in raw/)
      {F}/raw/vpc.yaml:{vpc_error}
  rejected raw/attach.yaml (left in raw/)
{attach}  ignored  raw/.gitkeep
dry run, nothing changed: 0 raw files would move (0 resources: 0 created, 0 updated, 0 unchanged), 2 rejected ({} errors), 1 ignored, 0 warnings
",
        attach_errors.len() + 1
    )
}

/// The attachment's error when the VPC `vpc` is defined at `line` of the rejected
/// raw/vpc.yaml.
fn withdrawn(vpc: &str, line: u32) -> String {
    format!(
        "6:11: error: VPC `{vpc}` is defined in raw/vpc.yaml:{line}, which is rejected, so it will not exist: fix that file first (at /spec/subnet)"
    )
}

/// Checks the story of one broken VPC file: next to an attachment to `vpc-1`, both are
/// rejected (`sync --dry-run` prints exactly that, the VPC file with `vpc_error`); with the
/// VPC file fixed, a sync moves both to managed/.
#[track_caller]
fn the_attachment_waits_for_the_broken_vpc_file(vpc_file: &[u8], vpc_error: &str) {
    let repo = fabric(&[
        ("vpc.yaml", vpc_file),
        ("attach.yaml", attachment("vpc-1").as_bytes()),
    ]);
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        rejected_both(&[&withdrawn("vpc-1", 1)], vpc_error)
    );

    repo.write(&format!("{F}/raw/vpc.yaml"), good_vpc().as_bytes());
    repo.commit_all("the VPC file fixed");
    let before = repo.commit_count();
    let out = repo.sync(&["--commit", "git"]);
    assert_exit(&out, 0);
    assert_eq!(repo.commit_count(), before + 1, "{}", stdout(&out));
    assert_eq!(repo.files_under(&format!("{F}/raw")), [".gitkeep"]);
    let managed = repo.files_under(&format!("{F}/managed"));
    for moved in ["vpcs/vpc-1.yaml", "vpcattachments/vpc-1--server-01.yaml"] {
        assert!(
            managed.contains(&moved.to_owned()),
            "{moved} in {managed:?}"
        );
    }
}

#[test]
fn a_duplicate_key() {
    let broken = good_vpc().replace("      vlan: 1001\n", "      vlan: 1001\n      vlan: 1002\n");
    the_attachment_waits_for_the_broken_vpc_file(
        broken.as_bytes(),
        "10:7: error: duplicate key `vlan` (first defined at line 9)",
    );
}

#[test]
fn an_unclosed_flow_mapping() {
    let broken = good_vpc().replace(
        "  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n",
        "  subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001}\n",
    );
    the_attachment_waits_for_the_broken_vpc_file(
        broken.as_bytes(),
        "7:1: error: YAML syntax error: while parsing a flow mapping, did not find expected ',' or '}'",
    );
}

#[test]
fn an_undefined_alias() {
    let broken = good_vpc().replace("vlan: 1001", "vlan: *vlan");
    the_attachment_waits_for_the_broken_vpc_file(
        broken.as_bytes(),
        "9:13: error: YAML syntax error: while parsing node, found unknown anchor",
    );
}

#[test]
fn a_disallowed_tag() {
    let broken = good_vpc().replace("vlan: 1001", "vlan: !vlan 1001");
    the_attachment_waits_for_the_broken_vpc_file(
        broken.as_bytes(),
        "9:13: error: unsupported YAML tag `!vlan`: remove it (kubectl accepts only tags that keep a value's meaning, such as `!!str`)",
    );
}

#[test]
fn a_nul_byte() {
    let broken = good_vpc().replace("vlan: 1001", "vlan: 1001 # \0");
    the_attachment_waits_for_the_broken_vpc_file(
        broken.as_bytes(),
        "9:20: error: file contains a NUL byte: it is binary, not YAML",
    );
}

#[test]
fn a_broken_second_document_after_a_good_first_one_withdraws_both() {
    let second = vpc_on("vpc-2", "10.0.2.0/24", 1002).replace("vlan: 1002", "vlan: [1002");
    let vpc_file = format!("{}---\n{second}", good_vpc());
    let attachments = format!("{}---\n{}", attachment("vpc-1"), attachment("vpc-2"));
    let repo = fabric(&[
        ("vpc.yaml", vpc_file.as_bytes()),
        ("attach.yaml", attachments.as_bytes()),
    ]);
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    let second_attachment = withdrawn("vpc-2", 11).replacen("6:11", "14:11", 1);
    assert_eq!(
        stdout(&out),
        rejected_both(
            &[&withdrawn("vpc-1", 1), &second_attachment],
            "20:1: error: YAML syntax error: while parsing a flow sequence, expected ',' or ']'",
        )
    );

    let fixed = format!(
        "{}---\n{}",
        good_vpc(),
        vpc_on("vpc-2", "10.0.2.0/24", 1002)
    );
    repo.write(&format!("{F}/raw/vpc.yaml"), fixed.as_bytes());
    repo.commit_all("the second VPC fixed");
    let out = repo.sync(&["--commit", "git"]);
    assert_exit(&out, 0);
    assert_eq!(repo.files_under(&format!("{F}/raw")), [".gitkeep"]);
    let managed = repo.files_under(&format!("{F}/managed"));
    for moved in [
        "vpcs/vpc-1.yaml",
        "vpcs/vpc-2.yaml",
        "vpcattachments/vpc-1--server-01.yaml",
        "vpcattachments/vpc-2--server-01.yaml",
    ] {
        assert!(
            managed.contains(&moved.to_owned()),
            "{moved} in {managed:?}"
        );
    }
}

#[test]
fn check_rejects_the_attachment_naming_the_broken_file_by_its_repository_path() {
    let broken = good_vpc().replace("vlan: 1001", "vlan: *vlan");
    let repo = fabric(&[
        ("vpc.yaml", broken.as_bytes()),
        ("attach.yaml", attachment("vpc-1").as_bytes()),
    ]);
    let mut command = bin();
    command.current_dir(&repo.work).arg("check");
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        format!(
            "{F}/raw/vpc.yaml:9:13: error: YAML syntax error: while parsing node, found unknown anchor
{F}/raw/attach.yaml:6:11: error: VPC `vpc-1` is defined in {F}/raw/vpc.yaml:1, which is rejected, so it will not exist: fix that file first (at /spec/subnet)
fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)
Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)
checked 7 files: 5 valid (5 resources), 2 rejected (2 errors), 0 warnings
"
        )
    );
}
