//! A reference one slip away from an object the fabric has (`dbb` where `db` exists) is a
//! typo, not an object the cluster may hold: it keeps its file in raw/ whatever the
//! references mode, naming the object it probably meant. Numbered names are not typos of
//! each other.

use crate::common::{Repo, WIRED_FABRIC, assert_exit, attachment, stdout, vpc_on};

const F: &str = "gitops/hedgehog/f";

/// A repository whose managed/ holds the wired fabric and VPC `db`, with `raw` in raw/.
fn fabric_with_db(raw: &[(&str, String)]) -> Repo {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(
        &format!("{F}/managed/vpcs/db.yaml"),
        vpc_on("db", "10.0.1.0/24", 1001).as_bytes(),
    );
    for (path, text) in raw {
        repo.write(&format!("{F}/raw/{path}"), text.as_bytes());
    }
    repo.commit_all("the fabric");
    repo
}

#[test]
fn a_reference_one_slip_from_an_object_stays_in_raw_in_every_references_mode() {
    let repo = fabric_with_db(&[("attach.yaml", attachment("dbb"))]);
    for mode in ["warn", "strict"] {
        let out = repo.sync(&["--dry-run", "--references", mode]);
        assert_exit(&out, 1);
        assert_eq!(
            stdout(&out),
            "gitops/hedgehog/f\n  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n  rejected raw/attach.yaml (left in raw/)\n      gitops/hedgehog/f/raw/attach.yaml:6:11: error: VPC `dbb` does not exist: did you mean `db`? (this fabric has VPC `db`, and no `dbb` in its managed/, cluster/ or raw/) (at /spec/subnet)\ndry run, nothing changed: 0 raw files would move (0 resources: 0 created, 0 updated, 0 unchanged), 1 rejected (1 error), 0 ignored, 0 warnings\n",
            "{mode}"
        );
    }
    // Its class in every format: `ref/typo`, apart from a missing object's `ref/missing`.
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&repo.sync(&["--dry-run", "--format", "json"]))).unwrap();
    assert_eq!(
        json["fabrics"][0]["rejected"][0]["findings"][0]["rule"], "ref/typo",
        "{json:#}"
    );
    let shown = stdout(&repo.sync(&["--dry-run", "--show-rule"]));
    assert!(
        shown.contains("or raw/) (at /spec/subnet) [ref/typo]\n"),
        "{shown}"
    );
}

#[test]
fn a_numbered_name_beside_another_is_no_typo() {
    // `db1` is one digit from `db`: another object, which the cluster may hold. With the
    // default references mode the attachment moves, with the usual warning.
    let repo = fabric_with_db(&[("attach.yaml", attachment("db1"))]);
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "gitops/hedgehog/f\n  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n  warning: 1 VPC the fabric's objects refer to is not in the repository (db1): 1 reference went unchecked (the check against the VPC and its subnet); export it into gitops/hedgehog/f/cluster/ (see README) or use --references strict\n  would move raw/attach.yaml -> 1 resource\n      created   managed/vpcattachments/db1--server-01.yaml\ndry run, nothing changed: 1 raw file would move (1 resource: 1 created, 0 updated, 0 unchanged), 0 rejected (0 errors), 0 ignored, 1 warning\n"
    );
}
