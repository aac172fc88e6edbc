//! Paths built from input stay inside their root, and names fit on a file system: fabric
//! globs, kind plurals from extra schemas and imported CRDs, resource names, and file and
//! folder names that are not valid UTF-8. Each case runs the real binary on a real git
//! repository (a bare origin and a clone) and checks that nothing outside was written or
//! deleted and that no commit was made where none may be.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::common::{Repo, assert_exit, bin, files_in, output, stderr, stdout, vpc};

const FABRIC: &str = "gitops/hedgehog/fab";

/// A repository with one fabric holding one valid raw file, committed.
fn repo_with_a_fabric() -> Repo {
    let repo = Repo::new(None);
    repo.write(
        &format!("{FABRIC}/raw/vpc.yaml"),
        vpc("vpc-1", 1001).as_bytes(),
    );
    repo.commit_all("a fabric");
    repo
}

/// A folder next to the clone (outside the repository) with `raw/esc.yaml` in it.
fn outside_fabric(repo: &Repo, name: &str) -> PathBuf {
    let outside = repo.tmp.path().join(name);
    std::fs::create_dir_all(outside.join("raw")).unwrap();
    std::fs::write(outside.join("raw/esc.yaml"), vpc("esc", 1002)).unwrap();
    outside
}

/// Asserts that a sync refused to start: exit 2 with exactly `error` on stderr, nothing on
/// stdout, no commit, the fabric's raw file still in place and the outside folder as it was.
#[track_caller]
fn assert_refused(repo: &Repo, args: &[&str], error: &str, outside: &Path) {
    let before = repo.commit_count();
    let outside_before = files_in(outside);
    let out = repo.sync(args);
    assert_exit(&out, 2);
    assert_eq!(stderr(&out), format!("hh-gitops: error: {error}\n"));
    assert_eq!(stdout(&out), "");
    assert_eq!(repo.commit_count(), before, "no commit");
    assert_eq!(files_in(outside), outside_before, "nothing outside touched");
    assert_eq!(
        repo.files_under(FABRIC),
        ["raw/vpc.yaml"],
        "the fabric is untouched"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

/// What a sync says of a VPC in the `default` namespaces, which these repositories do not
/// hold.
const NAMESPACES_MISSING: &str = "  warning: 1 IPv4Namespace the fabric's objects refer to is not in the repository (default): 1 reference went unchecked (the check that the VPC's subnets lie inside it); export it into gitops/hedgehog/fab/cluster/ (see README) or use --references strict\n  warning: 1 VLANNamespace the fabric's objects refer to is not in the repository (default): 1 reference went unchecked (the check that the VPC's VLANs lie inside it); export it into gitops/hedgehog/fab/cluster/ (see README) or use --references strict\n";

#[test]
fn a_fabric_glob_that_climbs_out_of_the_repository_is_refused_before_any_work() {
    let repo = repo_with_a_fabric();
    let outside = outside_fabric(&repo, "outside");
    assert_refused(
        &repo,
        &["--fabrics", "gitops/hedgehog/*", "--fabrics", "../outside"],
        "--fabrics `../outside` has a `..` segment: fabric folders must be inside the repository, given relative to it",
        &outside,
    );
    assert_refused(
        &repo,
        &["--fabrics", "gitops/../../outside"],
        "--fabrics `gitops/../../outside` has a `..` segment: fabric folders must be inside the repository, given relative to it",
        &outside,
    );
    let absolute = outside.to_str().unwrap();
    assert_refused(
        &repo,
        &["--fabrics", absolute],
        &format!(
            "--fabrics `{absolute}` is absolute: fabric folders must be inside the repository, given relative to it"
        ),
        &outside,
    );
    assert_eq!(files_in(&outside), ["raw/esc.yaml"]);
}

#[test]
fn a_fabric_glob_that_goes_through_a_symbolic_link_is_refused_before_any_work() {
    let repo = repo_with_a_fabric();
    let outside = repo.tmp.path().join("elsewhere");
    outside_fabric(&repo, "elsewhere/fab");
    std::os::unix::fs::symlink(&outside, repo.work.join("gitops/linked")).unwrap();
    repo.commit_all("a link out of the repository");
    for glob in ["gitops/linked/*", "gitops/*/fab"] {
        assert_refused(
            &repo,
            &["--fabrics", glob],
            &format!(
                "--fabrics `{glob}` goes through gitops/linked, a symbolic link: hh-gitops never follows links, as the fabrics past it could lie outside the repository; make it a real folder or change --fabrics"
            ),
            &outside,
        );
    }
    assert_eq!(files_in(&outside), ["fab/raw/esc.yaml"]);
}

#[test]
fn a_symbolic_link_to_a_fabric_folder_is_listed_as_skipped_and_never_followed() {
    let repo = repo_with_a_fabric();
    let outside = outside_fabric(&repo, "outside");
    std::os::unix::fs::symlink(&outside, repo.work.join("gitops/hedgehog/linked")).unwrap();
    repo.commit_all("a linked fabric");

    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(
        stdout(&out),
        format!(
            "gitops/hedgehog/fab\n  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n{NAMESPACES_MISSING}  moved raw/vpc.yaml -> 1 resource\n      created   managed/vpcs/vpc-1.yaml\nskipped gitops/hedgehog/linked: is a symbolic link: hh-gitops never follows links; make it a real folder, or point --fabrics at the folder it links to\ncommitted {}: 1 raw file moved (1 resource: 1 created, 0 updated, 0 unchanged), 0 rejected (0 errors), 0 ignored, 2 warnings\n",
            head.trim()
        )
    );
    assert_eq!(
        files_in(&outside),
        ["raw/esc.yaml"],
        "the link is not followed"
    );
}

/// A schema folder with one schema for `example.com/v1` Thing whose plural is `plural`, and
/// a fabric with a raw Thing named `t`.
fn repo_with_an_extra_kind(plural: &str) -> (Repo, PathBuf) {
    let repo = Repo::new(None);
    let schemas = repo.tmp.path().join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    let schema = serde_json::json!({
        "type": "object",
        "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Thing"}],
        "x-hh-gitops-plural": plural
    });
    std::fs::write(schemas.join("thing.json"), schema.to_string()).unwrap();
    repo.write(
        &format!("{FABRIC}/raw/thing.yaml"),
        b"apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\n",
    );
    repo.commit_all("a thing");
    (repo, schemas)
}

#[test]
fn an_extra_schema_whose_plural_climbs_out_is_refused_when_the_folder_is_loaded() {
    let (repo, schemas) = repo_with_an_extra_kind("../../../../../pwned");
    let before = repo.commit_count();
    let everything_before = files_in(repo.tmp.path());
    let schemas_arg = schemas.to_str().unwrap();
    let expected = format!(
        "hh-gitops: error: {schemas_arg}/thing.json: the plural `../../../../../pwned` is not a lowercase RFC 1123 label: it names the kind's folder under managed/, so use a-z, 0-9 and `-` (at most 63 characters, starting and ending with a letter or digit), like `vpcs` (from `x-kubernetes-group-version-kind`/`x-hh-gitops-plural`); fix it or generate the file again with `hh-gitops schemas import`\n"
    );

    let out = repo.sync(&["--schemas", schemas_arg]);
    assert_exit(&out, 2);
    assert_eq!(stderr(&out), expected);
    assert_eq!(repo.commit_count(), before, "no commit");
    let check = output(
        bin()
            .args(["check", "--schemas", schemas_arg])
            .arg(repo.work.join(FABRIC)),
    );
    assert_exit(&check, 2);
    assert_eq!(stderr(&check), expected);
    assert_eq!(
        files_in(repo.tmp.path()),
        everything_before,
        "nothing written"
    );
    assert_eq!(repo.files_under(FABRIC), ["raw/thing.yaml"]);
}

#[test]
fn an_extra_schema_with_a_folder_name_for_a_plural_still_moves_its_kind() {
    let (repo, schemas) = repo_with_an_extra_kind("things");
    let out = repo.sync(&["--schemas", schemas.to_str().unwrap()]);
    assert_exit(&out, 0);
    assert_eq!(
        repo.files_under(FABRIC),
        ["managed/things/t.yaml", "raw/.gitkeep"]
    );
}

/// A CRD of `example.com` Thing whose plural is `plural`.
fn crd(plural: &str) -> String {
    format!(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  group: example.com\n  names:\n    kind: Thing\n    plural: \"{plural}\"\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n"
    )
}

#[test]
fn schemas_import_of_a_crd_whose_plural_climbs_out_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.yaml");
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&good, crd("things")).unwrap();
    std::fs::write(&bad, crd("../../x")).unwrap();
    let out_dir = tmp.path().join("a/b/out");

    let out = output(
        bin()
            .args(["schemas", "import"])
            .arg(&good)
            .arg(&bad)
            .arg("--out")
            .arg(&out_dir),
    );
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        format!(
            "hh-gitops: error: {}: document 1: the plural `../../x` is not a lowercase RFC 1123 label: it names the kind's folder under managed/, so use a-z, 0-9 and `-` (at most 63 characters, starting and ending with a letter or digit), like `vpcs`; Kubernetes would refuse this CRD (spec.names.plural, spec.group, spec.versions[].name)\n",
            bad.display()
        )
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(
        files_in(tmp.path()),
        ["bad.yaml", "good.yaml"],
        "nothing written, not even the good CRD's schema"
    );

    let out = output(
        bin()
            .args(["schemas", "import"])
            .arg(&good)
            .arg("--out")
            .arg(&out_dir),
    );
    assert_exit(&out, 0);
    assert_eq!(files_in(&out_dir), ["things.example.com_v1.json"]);
}

/// A SwitchGroup named with 253 characters: a legal Kubernetes name whose managed file name
/// (258 bytes) no common file system can hold.
fn long_switchgroup() -> (String, String) {
    let name = "s".repeat(253);
    let text = format!(
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: {name}\nspec: {{}}\n"
    );
    (name, text)
}

const LONG_NAME_FINDING: &str = "4:9: error: `metadata.name` is 253 characters: its managed file name would be 258 bytes, over the 255-byte file-name limit of common file systems; use a name of at most 250 characters (at /metadata/name)";

#[test]
fn check_rejects_a_name_whose_managed_file_name_is_over_255_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("group.yaml");
    std::fs::write(&file, long_switchgroup().1).unwrap();
    let out = output(bin().arg("check").arg(&file));
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        format!(
            "{}:{LONG_NAME_FINDING}\nfabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\nchecked 1 file: 0 valid (0 resources), 1 rejected (1 error), 0 warnings\n",
            file.display()
        )
    );
}

#[test]
fn sync_rejects_a_name_whose_managed_file_name_is_over_255_bytes_and_commits_nothing() {
    let repo = Repo::new(None);
    let (_, text) = long_switchgroup();
    repo.write(&format!("{FABRIC}/raw/group.yaml"), text.as_bytes());
    repo.commit_all("a long name");
    let before = repo.commit_count();

    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        format!(
            "{FABRIC}\n  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n  rejected raw/group.yaml (left in raw/)\n      {FABRIC}/raw/group.yaml:{LONG_NAME_FINDING}\nno commit (nothing to change): 0 raw files moved (0 resources: 0 created, 0 updated, 0 unchanged), 1 rejected (1 error), 0 ignored, 0 warnings\n"
        )
    );
    assert_eq!(repo.commit_count(), before, "no commit");
    assert_eq!(repo.files_under(FABRIC), ["raw/group.yaml"]);
    assert_eq!(
        repo.read(&format!("{FABRIC}/raw/group.yaml")),
        text.as_bytes()
    );
}

/// Writes `content` at the clone's path `rel`, given as bytes (not always UTF-8).
fn write_bytes_path(repo: &Repo, rel: &[u8], content: &[u8]) -> PathBuf {
    let path = repo.work.join(OsStr::from_bytes(rel));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn raw_file_and_folder_names_that_are_not_utf8_are_rejected_untouched_and_make_no_commit() {
    let repo = repo_with_a_fabric();
    let bad_file = write_bytes_path(
        &repo,
        b"gitops/hedgehog/fab/raw/bad\xffname.yaml",
        vpc("vpc-2", 1002).as_bytes(),
    );
    let bad_folder = write_bytes_path(
        &repo,
        b"gitops/hedgehog/fab/raw/sub\xfe/x.yaml",
        vpc("vpc-3", 1003).as_bytes(),
    );
    repo.commit_all("names that are not text");
    let before = repo.commit_count();

    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(
        stdout(&out),
        format!(
            "{FABRIC}\n  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n  rejected raw/bad\u{fffd}name.yaml (left in raw/)\n      {FABRIC}/raw/bad\u{fffd}name.yaml:1:1: error: file name is not valid UTF-8: rename it\n  rejected raw/sub\u{fffd} (left in raw/)\n      {FABRIC}/raw/sub\u{fffd}:1:1: error: folder name is not valid UTF-8: rename it (hh-gitops does not look inside)\n{NAMESPACES_MISSING}  moved raw/vpc.yaml -> 1 resource\n      created   managed/vpcs/vpc-1.yaml\ncommitted {}: 1 raw file moved (1 resource: 1 created, 0 updated, 0 unchanged), 2 rejected (2 errors), 0 ignored, 2 warnings\n",
            head.trim()
        )
    );
    assert_eq!(repo.commit_count(), before + 1, "only the valid file moved");
    assert_eq!(
        std::fs::read(&bad_file).unwrap(),
        vpc("vpc-2", 1002).as_bytes()
    );
    assert_eq!(
        std::fs::read(&bad_folder).unwrap(),
        vpc("vpc-3", 1003).as_bytes()
    );
    assert_eq!(
        repo.files_under(&format!("{FABRIC}/managed")),
        ["vpcs/vpc-1.yaml"]
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "");

    let again = repo.sync(&[]);
    assert_exit(&again, 1);
    assert_eq!(
        repo.commit_count(),
        before + 1,
        "a second sync makes no commit"
    );
    assert!(
        stdout(&again).ends_with(
            "no commit (nothing to change): 0 raw files moved (0 resources: 0 created, 0 updated, 0 unchanged), 2 rejected (2 errors), 0 ignored, 2 warnings\n"
        ),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_fabric_folder_whose_name_is_not_utf8_is_listed_as_skipped() {
    let repo = repo_with_a_fabric();
    let bad = write_bytes_path(
        &repo,
        b"gitops/hedgehog/fab\xff/raw/vpc.yaml",
        vpc("vpc-2", 1002).as_bytes(),
    );
    repo.commit_all("a fabric name that is not text");

    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!(
            "gitops/hedgehog/fab\n  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n{NAMESPACES_MISSING}  would move raw/vpc.yaml -> 1 resource\n      created   managed/vpcs/vpc-1.yaml\nskipped gitops/hedgehog/fab\u{fffd}: folder name is not valid UTF-8: rename it\ndry run, nothing changed: 1 raw file would move (1 resource: 1 created, 0 updated, 0 unchanged), 0 rejected (0 errors), 0 ignored, 2 warnings\n"
        )
    );
    assert_eq!(std::fs::read(&bad).unwrap(), vpc("vpc-2", 1002).as_bytes());
}
