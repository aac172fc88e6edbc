//! Paths built from input stay inside their root, and names fit on a file system: fabric
//! globs, kind plurals from extra schemas and imported CRDs, resource names, and file and
//! folder names that are not valid UTF-8. Each case runs the real binary on a real git
//! repository (a bare origin and a clone) and checks that nothing outside was written or
//! deleted and that no commit was made where none may be.

mod common;

use common::{Repo, assert_exit, bin, output, stdout};

const FABRIC: &str = "gitops/hedgehog/fab";

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
            "{}:{LONG_NAME_FINDING}\nchecked 1 file: 0 valid (0 resources), 1 rejected (1 error)\n",
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
            "{FABRIC}\n  rejected raw/group.yaml (left in raw/)\n      {FABRIC}/raw/group.yaml:{LONG_NAME_FINDING}\nno commit (nothing to change): 0 raw files moved (0 resources: 0 created, 0 updated, 0 unchanged), 1 rejected, 0 ignored\n"
        )
    );
    assert_eq!(repo.commit_count(), before, "no commit");
    assert_eq!(repo.files_under(FABRIC), ["raw/group.yaml"]);
    assert_eq!(
        repo.read(&format!("{FABRIC}/raw/group.yaml")),
        text.as_bytes()
    );
}
