//! Warnings (issue 7 item 4): findings that never block a move are shown in every output —
//! text, JSON, the job summary and annotations (errors first) — counted apart from errors,
//! and `--deny-warnings` makes them reject their file.

use crate::common::{Repo, assert_exit, assert_expected, bin, fixtures, output, stdout, vpc};

const F1: &str = "gitops/hedgehog/fabric-1";

/// A folder holding gitops-test-1's raw files (its switches lack the values hhfab's
/// hydration adds, so they carry warnings) plus one file with two errors.
fn folder_with_warnings_and_one_bad_file() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("raw");
    crate::common::copy_dir(
        &fixtures().join("gitops-test-1").join(F1).join("raw"),
        &files,
    );
    std::fs::write(
        files.join("zz-bad.yaml"),
        vpc("bad", 1002).replace("vlan: 1002", "vlan: x\n      extra: 1"),
    )
    .unwrap();
    dir
}

#[test]
fn inside_actions_errors_are_annotated_first_and_the_summary_has_a_warnings_section() {
    let dir = folder_with_warnings_and_one_bad_file();
    let summary = dir.path().join("summary.md");
    let out = output(
        bin()
            .current_dir(dir.path())
            .args(["check", "raw"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &summary),
    );
    assert_exit(&out, 1);
    let log = stdout(&out);
    let annotations: Vec<&str> = log.lines().filter(|l| l.starts_with("::")).collect();
    assert!(
        annotations[0].starts_with("::error file=raw/zz-bad.yaml,line=9,col=13,")
            && annotations[1].starts_with("::error file=raw/zz-bad.yaml,line=10,col=7,")
            && annotations[2].starts_with("::warning file=raw/prepop.yaml,line=28,col=3,"),
        "errors come before warnings, although the bad file sorts last:\n{log}"
    );
    assert_expected("check-warnings-actions.stdout", &log);
    assert_expected(
        "check-warnings.summary.md",
        &std::fs::read_to_string(&summary).unwrap(),
    );
}

#[test]
fn the_json_reports_carry_each_findings_severity_and_the_warnings_of_valid_files() {
    let dir = folder_with_warnings_and_one_bad_file();
    let out = output(
        bin()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "raw"]),
    );
    assert_exit(&out, 1);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["totals"],
        serde_json::json!({"files": 4, "valid_files": 3, "rejected_files": 1, "resources": 48, "errors": 2, "warnings": 14, "ignored_files": 0})
    );
    let prepop = &report["files"][0];
    assert_eq!(prepop["path"], "raw/prepop.yaml");
    assert_eq!(prepop["resources"], 46);
    assert_eq!(prepop["findings"][0]["severity"], "warning");
    assert_eq!(report["files"][3]["findings"][0]["severity"], "error");

    let repo = Repo::new(Some("gitops-test-1"));
    let out = repo.sync(&["--dry-run", "--format", "json"]);
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 12 in the files, and one per fabric for each default namespace the repo lacks.
    assert_eq!(report["totals"]["warnings"], 16);
    assert_eq!(report["totals"]["errors"], 0);
    let leaf = &report["fabrics"][0]["moved"][0]["resources"][3];
    assert_eq!(leaf["name"], "leaf-01");
    assert_eq!(
        leaf["warnings"][0],
        serde_json::json!({"line": 28, "col": 3, "pointer": "/spec", "severity": "warning", "rule": "switch/hydration",
            "message": "`asn`, `ip`, `protocolIP` and `vtepIP` are not set: hhfab fills them when it hydrates the wiring; the fabric requires them (`vtepIP` on every leaf)"})
    );
}

#[test]
fn deny_warnings_rejects_the_files_that_have_warnings_in_check_and_sync() {
    let repo = Repo::new(Some("gitops-test-1"));
    let mut check = bin();
    check.current_dir(&repo.work).args([
        "check",
        "--deny-warnings",
        "gitops/hedgehog/fabric-1/raw",
    ]);
    let out = output(repo.isolate(&mut check));
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.starts_with("gitops/hedgehog/fabric-1/raw/prepop.yaml:28:3: error: `asn`, `ip`, `protocolIP` and `vtepIP` are not set: hhfab fills them when it hydrates the wiring; the fabric requires them (`vtepIP` on every leaf) (a warning, rejected because warnings are denied: --deny-warnings) (at /spec)\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "checked 3 files: 0 valid (0 resources), 3 rejected (23 errors), 0 warnings\n"
        ),
        "{text}"
    );

    let out = repo.sync(&["--deny-warnings"]);
    assert_exit(&out, 1);
    // The VPCs warn too (their namespaces are nowhere in the repository): every raw file
    // of both fabrics stays.
    assert!(
        stdout(&out).ends_with(
            "no commit (nothing to change): 0 raw files moved (0 resources: 0 created, 0 updated, 0 unchanged), 4 rejected (25 errors), 2 ignored, 0 warnings\n"
        ),
        "{}",
        stdout(&out)
    );
    assert!(
        !repo.read(&format!("{F1}/raw/prepop.yaml")).is_empty(),
        "the file with warnings stays in raw/"
    );
}
