//! Updates show what changes: a raw document that replaces a managed one is compared with it
//! as data, and the text report, `sync --dry-run`, the job summary and the JSON report show
//! the changed, added and removed fields (issue 11, item 3).

use crate::common::{Repo, assert_exit, assert_expected, stdout, vpc};

const F: &str = "gitops/hedgehog/f1";

/// A repository whose fabric holds `vpc-1` (VLAN 1001) and `vpc-2` in managed/, and raw
/// files that update them: `vpc-1` gets VLAN 1002, a second subnet and an annotation whose
/// value is Markdown and HTML; `vpc-2` only changes its comments and key order.
fn repo_with_updates() -> Repo {
    let repo = Repo::new(None);
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    repo.write(
        &format!("{F}/managed/vpcs/vpc-1.yaml"),
        vpc("vpc-1", 1001).as_bytes(),
    );
    repo.write(
        &format!("{F}/managed/vpcs/vpc-2.yaml"),
        vpc("vpc-2", 1005).as_bytes(),
    );
    repo.commit_all("managed VPCs");
    let updated = vpc("vpc-1", 1002)
        .replace(
            "  name: vpc-1\n",
            "  name: vpc-1\n  annotations:\n    note: \"a|b <img src=x> **c**\"\n",
        )
        .replace(
            "      vlan: 1002\n",
            "      vlan: 1002\n    db:\n      subnet: 10.0.9.0/24\n      vlan: 1009\n",
        );
    repo.write(&format!("{F}/raw/vpc-1.yaml"), updated.as_bytes());
    let reordered = "# only the comments and the key order change\nkind: VPC\napiVersion: vpc.githedgehog.com/v1beta1\nmetadata:\n  name: vpc-2\nspec:\n  subnets:\n    default:\n      vlan: 1005\n      subnet: 10.0.5.0/24\n";
    repo.write(&format!("{F}/raw/vpc-2.yaml"), reordered.as_bytes());
    repo.commit_all("update both");
    repo
}

#[test]
fn a_dry_run_prints_the_changed_added_and_removed_fields_under_each_updated_file() {
    let repo = repo_with_updates();
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    assert_expected("diff-dry-run.stdout", &stdout(&out));
}

#[test]
fn the_job_summary_shows_the_changes_inert_and_folds_long_ones() {
    let repo = repo_with_updates();
    let summary = repo.tmp.path().join("summary.md");
    let out = repo.sync(&["--commit", "none", "--summary", summary.to_str().unwrap()]);
    assert_exit(&out, 0);
    assert_expected(
        "diff.summary.md",
        &std::fs::read_to_string(&summary).unwrap(),
    );
}

#[test]
fn the_json_report_carries_every_change_as_data() {
    let repo = repo_with_updates();
    let out = repo.sync(&["--dry-run", "--format", "json"]);
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let resources = &report["fabrics"][0]["moved"];
    assert_eq!(
        resources[0]["resources"][0]["diff"],
        serde_json::json!({"fields": [
            {"path": "metadata.annotations", "change": "added",
             "new": {"note": "a|b <img src=x> **c**"}},
            {"path": "spec.subnets.db", "change": "added",
             "new": {"subnet": "10.0.9.0/24", "vlan": 1009}},
            {"path": "spec.subnets.default.subnet", "change": "changed",
             "old": "10.0.1.0/24", "new": "10.0.2.0/24"},
            {"path": "spec.subnets.default.vlan", "change": "changed", "old": 1001, "new": 1002},
        ]})
    );
    assert_eq!(
        resources[1]["resources"][0]["diff"],
        serde_json::json!({"fields": []}),
        "same data, other bytes: updated with no field change"
    );
    assert_eq!(
        report["version"], 2,
        "adding a field keeps the format version"
    );
}

#[test]
fn a_long_diff_is_capped_in_the_text_with_a_count_of_the_rest() {
    let repo = Repo::new(None);
    let labels = |value: &str| -> String {
        (0..30)
            .map(|i| format!("    l{i:02}: {value}{i}\n"))
            .collect()
    };
    let with_labels = |value: &str| {
        vpc("vpc-1", 1001).replace(
            "  name: vpc-1\n",
            &format!("  name: vpc-1\n  labels:\n{}", labels(value)),
        )
    };
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    repo.write(
        &format!("{F}/managed/vpcs/vpc-1.yaml"),
        with_labels("old").as_bytes(),
    );
    repo.commit_all("managed");
    repo.write(
        &format!("{F}/raw/vpc-1.yaml"),
        with_labels("new").as_bytes(),
    );
    repo.commit_all("raw");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let diff: Vec<&str> = text
        .lines()
        .skip_while(|line| !line.contains("updated   managed/vpcs/vpc-1.yaml"))
        .skip(1)
        .take_while(|line| line.starts_with("                "))
        .collect();
    assert_eq!(diff.len(), 21, "{text}");
    assert_eq!(
        diff[0],
        "                  metadata.labels.l00: old0 → new0"
    );
    assert_eq!(
        diff[20],
        "                  … and 10 more changes (every one is in the JSON report)"
    );
}

#[test]
fn a_managed_file_that_is_not_one_document_is_said_to_be_replaced_whole() {
    let repo = Repo::new(None);
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    let two = format!("{}---\n{}", vpc("vpc-1", 1001), vpc("vpc-9", 1009));
    repo.write(&format!("{F}/managed/vpcs/vpc-1.yaml"), two.as_bytes());
    repo.commit_all("managed");
    repo.write(
        &format!("{F}/raw/vpc-1.yaml"),
        vpc("vpc-1", 1002).as_bytes(),
    );
    repo.commit_all("raw");
    let out = repo.sync(&["--dry-run"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "      updated   managed/vpcs/vpc-1.yaml\n                  the managed file holds 2 documents, not one: it is replaced whole\n"
        ),
        "{text}"
    );
}
