//! The fabric state (issue 8): raw files checked against the fabric's managed/ and against
//! each other, on real git repositories (a bare origin and a clone), through the binary.
//! Rejections propagate, conflicts between raw files reject both, conflicts already inside
//! managed/ are warnings, and the result never depends on file order.

use crate::common::{
    Repo, WIRED_FABRIC, assert_exit, assert_expected, attachment, stdout, vpc_on as vpc,
};

const F: &str = "gitops/hedgehog/f";

/// A repository whose fabric `f` holds, in managed/, the namespaces and a switch, a server
/// and their connection, plus `managed` (path, text) and the raw files `raw`, committed.
fn fabric(managed: &[(&str, String)], raw: &[(&str, String)]) -> Repo {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    for (path, text) in managed {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    for (path, text) in raw {
        repo.write(&format!("{F}/raw/{path}"), text.as_bytes());
    }
    repo.commit_all("the fabric");
    repo
}

/// `sync --references strict`: the repository holds the whole fabric.
fn strict_sync(repo: &Repo) -> std::process::Output {
    repo.sync(&["--commit", "git", "--references", "strict"])
}

#[test]
fn a_vpc_and_its_attachment_move_together() {
    let repo = fabric(
        &[],
        &[
            ("vpc.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
            ("attach.yaml", attachment("vpc-1")),
        ],
    );
    let before = repo.commit_count();
    let out = strict_sync(&repo);
    assert_exit(&out, 0);
    assert_eq!(repo.commit_count(), before + 1, "{}", stdout(&out));
    assert_eq!(repo.files_under(&format!("{F}/raw")), [".gitkeep"]);
    assert!(
        repo.files_under(&format!("{F}/managed"))
            .contains(&"vpcattachments/vpc-1--server-01.yaml".to_owned())
    );
}

#[test]
fn an_attachment_to_a_rejected_vpc_is_rejected_naming_the_vpc_file() {
    // The VPC's VLAN is outside the VLANNamespace: the VPC is rejected, so the attachment
    // would point at nothing.
    let repo = fabric(
        &[],
        &[
            ("vpc.yaml", vpc("vpc-1", "10.0.1.0/24", 3500)),
            ("attach.yaml", attachment("vpc-1")),
        ],
    );
    let before = repo.commit_count();
    let out = strict_sync(&repo);
    assert_exit(&out, 1);
    assert_eq!(repo.commit_count(), before);
    assert_expected("fabric-state-propagation.stdout", &stdout(&out));
}

#[test]
fn two_raw_vpcs_that_overlap_are_both_rejected_each_naming_the_other() {
    let repo = fabric(
        &[],
        &[
            ("a.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
            ("b.yaml", vpc("vpc-2", "10.0.1.0/25", 1002)),
        ],
    );
    let out = strict_sync(&repo);
    assert_exit(&out, 1);
    assert_eq!(
        repo.files_under(&format!("{F}/raw")),
        [".gitkeep", "a.yaml", "b.yaml"]
    );
    assert_expected("fabric-state-raw-conflict.stdout", &stdout(&out));
}

#[test]
fn a_raw_vpc_that_overlaps_a_managed_vpc_is_rejected_and_managed_is_untouched() {
    let managed = vpc("vpc-1", "10.0.1.0/24", 1001);
    let repo = fabric(
        &[("vpcs/vpc-1.yaml", managed.clone())],
        &[("new.yaml", vpc("vpc-2", "10.0.1.128/25", 1002))],
    );
    let out = strict_sync(&repo);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("managed/vpcs/vpc-1.yaml:1"),
        "the finding names the managed VPC's file:\n{text}"
    );
    assert_eq!(
        repo.read(&format!("{F}/managed/vpcs/vpc-1.yaml")),
        managed.as_bytes()
    );
    assert_eq!(
        repo.files_under(&format!("{F}/raw")),
        [".gitkeep", "new.yaml"]
    );
}

#[test]
fn a_reference_to_namespaces_nowhere_in_the_repository_warns_unless_strict() {
    let repo = Repo::new(None);
    repo.write(
        &format!("{F}/raw/vpc.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.commit_all("a VPC in the default namespaces, which the repo does not hold");
    let strict = strict_sync(&repo);
    assert_exit(&strict, 1);
    assert!(
        stdout(&strict).contains(
            "IPv4Namespace `default` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/"
        ),
        "{}",
        stdout(&strict)
    );
    let warned = repo.sync(&["--commit", "git"]);
    assert_exit(&warned, 0);
    assert_expected(
        "fabric-state-missing-reference.stdout",
        &crate::common::without_shas(&stdout(&warned)),
    );
    assert!(
        repo.files_under(&format!("{F}/managed"))
            .contains(&"vpcs/vpc-1.yaml".to_owned())
    );
}

#[test]
fn a_conflict_already_inside_managed_is_a_warning_and_rejects_no_raw_file() {
    let repo = fabric(
        &[
            ("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
            ("vpcs/vpc-2.yaml", vpc("vpc-2", "10.0.1.0/24", 1002)),
        ],
        &[("new.yaml", vpc("vpc-3", "10.0.3.0/24", 1003))],
    );
    let out = strict_sync(&repo);
    assert_exit(&out, 0);
    assert_expected(
        "fabric-state-managed-conflict.stdout",
        &crate::common::without_shas(&stdout(&out)),
    );
    assert!(
        repo.files_under(&format!("{F}/managed"))
            .contains(&"vpcs/vpc-3.yaml".to_owned())
    );
}

/// The run's report with the raw file names swapped back, for comparing two runs whose
/// files were named in the opposite order.
fn verdicts(repo: &Repo) -> Vec<(String, bool)> {
    let out = repo.sync(&["--dry-run", "--references", "strict", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fabric = &report["fabrics"][0];
    let mut verdicts: Vec<(String, bool)> = fabric["moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["raw"].as_str().unwrap().to_owned(), true))
        .chain(
            fabric["rejected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["path"].as_str().unwrap().to_owned(), false)),
        )
        .collect();
    verdicts.sort();
    verdicts
}

#[test]
fn the_outcome_does_not_depend_on_the_order_of_the_files() {
    // A chain (the VPC is rejected, so its attachment is), a conflict (two VPCs overlap)
    // and a VPC that moves, written once in one name order and once in the reverse order.
    fn files(names: [&'static str; 5]) -> Vec<(&'static str, String)> {
        vec![
            (names[0], vpc("vpc-1", "10.0.1.0/24", 3500)),
            (names[1], attachment("vpc-1")),
            (names[2], vpc("vpc-2", "10.0.2.0/24", 1002)),
            (names[3], vpc("vpc-3", "10.0.2.0/25", 1003)),
            (names[4], vpc("vpc-4", "10.0.4.0/24", 1004)),
        ]
    }
    let names = ["a.yaml", "b.yaml", "c.yaml", "d.yaml", "e.yaml"];
    let mut reversed = names;
    reversed.reverse();
    let forward = fabric(&[], &files(names));
    let backward = fabric(&[], &files(reversed));
    let rename = |(path, moved): (String, bool)| {
        let at = names
            .iter()
            .position(|n| path == format!("raw/{n}"))
            .unwrap();
        (format!("raw/{}", reversed[at]), moved)
    };
    let mut backward_verdicts: Vec<_> = verdicts(&backward).into_iter().map(rename).collect();
    backward_verdicts.sort();
    assert_eq!(verdicts(&forward), backward_verdicts);
    assert_eq!(
        verdicts(&forward),
        [
            ("raw/a.yaml".to_owned(), false),
            ("raw/b.yaml".to_owned(), false),
            ("raw/c.yaml".to_owned(), false),
            ("raw/d.yaml".to_owned(), false),
            ("raw/e.yaml".to_owned(), true),
        ]
    );
}

#[test]
fn check_of_a_raw_file_uses_the_whole_fabric_as_sync_does() {
    let repo = fabric(
        &[("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001))],
        &[("new.yaml", vpc("vpc-2", "10.0.1.0/25", 1002))],
    );
    let mut command = crate::common::bin();
    command
        .current_dir(&repo.work)
        .args(["check", "--references", "strict"])
        .arg(format!("{F}/raw/new.yaml"));
    let out = crate::common::output(&mut command);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains(&format!("{F}/managed/vpcs/vpc-1.yaml:1")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_of_loose_files_checks_them_against_each_other() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), vpc("vpc-1", "10.0.1.0/24", 1001)).unwrap();
    std::fs::write(dir.path().join("b.yaml"), vpc("vpc-2", "10.0.1.0/25", 1002)).unwrap();
    let out = crate::common::output(
        crate::common::bin()
            .current_dir(dir.path())
            .args(["check", "a.yaml", "b.yaml"]),
    );
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("b.yaml:1"), "a.yaml names b.yaml:\n{text}");
    assert!(text.contains("a.yaml:1"), "b.yaml names a.yaml:\n{text}");
    // Each alone is fine.
    let alone = crate::common::output(
        crate::common::bin()
            .current_dir(dir.path())
            .args(["check", "a.yaml"]),
    );
    assert_exit(&alone, 0);
}

/// `hh-gitops check` with `args`, run from the clone as a person or the pre-commit hook
/// (which names the staged files) runs it.
fn check(repo: &Repo, args: &[&str]) -> std::process::Output {
    let mut command = crate::common::bin();
    command
        .current_dir(&repo.work)
        .args(["check", "--references", "strict"])
        .args(args);
    crate::common::output(repo.isolate(&mut command))
}

/// Issue 17, item G: a scratch raw file that `.gitignore` ignores is no part of the fabric
/// for `check`, as for `sync`: its clash with a managed VPC fails neither, and both list
/// it as ignored, whether found in a folder or named. Once no longer ignored, it clashes.
#[test]
fn check_leaves_a_gitignored_raw_file_out_of_the_fabric_as_sync_does() {
    let repo = fabric(
        &[("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001))],
        &[],
    );
    repo.write(".gitignore", b"wip.yaml\n");
    repo.commit_all("ignore scratch files");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    repo.write(
        &format!("{F}/raw/wip.yaml"),
        vpc("vpc-2", "10.0.1.0/25", 1002).as_bytes(),
    );
    let folder = check(&repo, &[F]);
    assert_exit(&folder, 0);
    assert_eq!(
        stdout(&folder),
        "ignored gitops/hedgehog/f/raw/wip.yaml (ignored by .gitignore)\n\
         fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n\
         checked 6 files: 6 valid (6 resources), 0 rejected (0 errors), 0 warnings, 1 ignored\n"
    );
    // As a change (the pull-request gate), the same: the base line aside, the same lines.
    let since = check(&repo, &["--changed-since", "HEAD", F]);
    assert_exit(&since, 0);
    let since = stdout(&since);
    let lines: Vec<&str> = since
        .lines()
        .filter(|line| !line.starts_with("checked as a change from "))
        .collect();
    assert_eq!(lines.join("\n") + "\n", stdout(&folder));
    let named = check(&repo, &[&format!("{F}/raw/wip.yaml")]);
    assert_exit(&named, 0);
    assert_eq!(
        stdout(&named),
        "ignored gitops/hedgehog/f/raw/wip.yaml (ignored by .gitignore)\n\
         fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n\
         checked 0 files: 0 valid (0 resources), 0 rejected (0 errors), 0 warnings, 1 ignored\n"
    );
    let sync = repo.sync(&["--dry-run", "--references", "strict"]);
    assert_exit(&sync, 0);
    assert_eq!(
        stdout(&sync),
        "gitops/hedgehog/f\n  \
         fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n  \
         ignored  raw/.gitkeep\n  \
         ignored  raw/wip.yaml (ignored by .gitignore)\n  \
         nothing to move\n\
         dry run, nothing changed: 0 raw files would move (0 resources: 0 created, 0 updated, 0 unchanged), 0 rejected (0 errors), 2 ignored, 0 warnings\n"
    );

    std::fs::remove_file(repo.work.join(".gitignore")).unwrap();
    let unignored = check(&repo, &[F]);
    assert_exit(&unignored, 1);
    assert_eq!(
        stdout(&unignored),
        "gitops/hedgehog/f/raw/wip.yaml:8:15: error: subnet `default` (10.0.1.0/25) overlaps subnet `default` (10.0.1.0/24) of VPC `vpc-1` (gitops/hedgehog/f/managed/vpcs/vpc-1.yaml:1): the VPCs of IPv4Namespace `default` must not share addresses, so pick a prefix no other VPC uses (at /spec/subnets/default/subnet)\n\
         fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n\
         checked 7 files: 6 valid (6 resources), 1 rejected (1 error), 0 warnings\n"
    );
    assert_exit(&repo.sync(&["--dry-run", "--references", "strict"]), 1);
}

/// Issue 17, item G: a gitignored raw file does not satisfy a reference under `check`,
/// as it does not under `sync`: an attachment staged (and so named, as by the pre-commit
/// hook) beside its VPC in an ignored file is refused by both, with the same finding.
#[test]
fn a_gitignored_raw_file_satisfies_no_reference_under_check_as_under_sync() {
    let repo = fabric(&[], &[]);
    repo.write(".gitignore", b"*.wip.yaml\n");
    repo.commit_all("ignore scratch files");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    repo.write(
        &format!("{F}/raw/vpc.wip.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    let attach = format!("{F}/raw/attach.yaml");
    repo.write(&attach, attachment("vpc-1").as_bytes());
    repo.git(&["add", &attach]);
    let finding = "gitops/hedgehog/f/raw/attach.yaml:6:11: error: VPC `vpc-1` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/ (at /spec/subnet)";
    let staged = check(&repo, &[&attach]);
    assert_exit(&staged, 1);
    assert_eq!(
        stdout(&staged),
        format!(
            "{finding}\nfabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\nchecked 1 file: 0 valid (0 resources), 1 rejected (1 error), 0 warnings\n"
        )
    );
    let everything = check(&repo, &[]);
    assert_exit(&everything, 1);
    assert_eq!(
        stdout(&everything),
        format!(
            "{finding}\n\
             ignored gitops/hedgehog/f/raw/vpc.wip.yaml (ignored by .gitignore)\n\
             fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n\
             checked 6 files: 5 valid (5 resources), 1 rejected (1 error), 0 warnings, 1 ignored\n"
        )
    );
    let sync = repo.sync(&["--dry-run", "--references", "strict"]);
    assert_exit(&sync, 1);
    assert_eq!(
        stdout(&sync),
        format!(
            "gitops/hedgehog/f\n  \
             fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n  \
             rejected raw/attach.yaml (left in raw/)\n      \
             {finding}\n  \
             ignored  raw/.gitkeep\n  \
             ignored  raw/vpc.wip.yaml (ignored by .gitignore)\n\
             dry run, nothing changed: 0 raw files would move (0 resources: 0 created, 0 updated, 0 unchanged), 1 rejected (1 error), 2 ignored, 0 warnings\n"
        )
    );
}
