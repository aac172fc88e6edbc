//! SARIF for GitHub code scanning: `--format sarif` and `--sarif FILE` of `check` and `sync`,
//! compared whole against `tests/cmd/*.sarif` (the version normalised) and validated against
//! the official SARIF 2.1.0 schema (`tests/fixtures/sarif/`, see its SOURCE note).

use crate::common::{Repo, assert_exit, assert_expected, bin, fixtures, output, stdout, vpc};

const F1: &str = "gitops/hedgehog/fabric-1";

/// The crate version in the tool's `version` replaced, so the expected files outlive a
/// release.
fn normalised(sarif: &str) -> String {
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert_eq!(sarif.matches(&version).count(), 1, "{sarif}");
    sarif.replacen(&version, "\"version\": \"VERSION\"", 1)
}

/// Fails the test with every schema violation when `sarif` is not a SARIF 2.1.0 log.
#[track_caller]
fn assert_valid_sarif(sarif: &str) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let log: serde_json::Value = serde_json::from_str(sarif).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}\n{sarif}", errors.join("\n"));
}

/// gitops-test-1 plus raw files with one problem of each class: an unknown field and a
/// quoted number (schema), a name over its kind's limit, broken YAML, and two overlapping
/// subnets (a Hedgehog rule, with an id derived from its field).
fn repo_with_bad_files() -> Repo {
    let repo = Repo::new(Some("gitops-test-1"));
    repo.write(
        &format!("{F1}/raw/schema.yaml"),
        vpc("vpc-2", 1002)
            .replace("subnet:", "subnt:")
            .replace("vlan: 1002", "vlan: \"1002\"")
            .as_bytes(),
    );
    repo.write(
        &format!("{F1}/raw/name.yaml"),
        vpc("vpc-123456789", 1003).as_bytes(),
    );
    repo.write(&format!("{F1}/raw/broken.yaml"), b"kind: VPC\nspec: [\n");
    repo.write(
        &format!("{F1}/raw/overlap.yaml"),
        format!(
            "{}    second:\n      subnet: 10.0.4.0/25\n      vlan: 1005\n",
            vpc("vpc-4", 1004)
        )
        .as_bytes(),
    );
    repo.commit_all("bad files");
    repo
}

#[test]
fn a_check_writes_sarif_with_paths_from_the_repository_root_whatever_the_current_folder() {
    let repo = repo_with_bad_files();
    // Run from a subfolder, with the path as given from there.
    let out = output(bin().current_dir(repo.work.join("gitops")).args([
        "check",
        "--format",
        "sarif",
        "hedgehog/fabric-1/raw",
    ]));
    assert_exit(&out, 1);
    let sarif = stdout(&out);
    assert_valid_sarif(&sarif);
    assert_expected("check.sarif", &normalised(&sarif));

    // --sarif writes the same log beside the text report.
    let file = repo.tmp.path().join("check.sarif");
    let out = output(
        bin()
            .current_dir(repo.work.join("gitops"))
            .args(["check", "hedgehog/fabric-1/raw", "--sarif"])
            .arg(&file),
    );
    assert_exit(&out, 1);
    // The text report names files as SARIF does: from the repository root.
    assert!(stdout(&out).starts_with("gitops/hedgehog/fabric-1/raw/broken.yaml:3:1: error: "));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), sarif);
}

#[test]
fn a_check_outside_any_repository_keeps_the_paths_as_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        vpc("bad", 1).replace("vlan:", "vlna:"),
    )
    .unwrap();
    let out = output(
        bin()
            .current_dir(dir.path())
            .args(["check", "--format", "sarif", "bad.yaml"]),
    );
    assert_exit(&out, 1);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "bad.yaml");
}

#[test]
fn a_sync_writes_sarif_of_every_fabric_and_names_the_file_in_its_step_output() {
    let repo = repo_with_bad_files();
    let out = repo.sync(&["--dry-run", "--format", "sarif"]);
    assert_exit(&out, 1);
    let sarif = stdout(&out);
    assert_valid_sarif(&sarif);
    assert_expected("sync.sarif", &normalised(&sarif));

    let file = repo.tmp.path().join("sync.sarif");
    let outputs = repo.tmp.path().join("outputs");
    let mut command = bin();
    command
        .args(["sync", "--dry-run", "--repo"])
        .arg(&repo.work)
        .arg(format!("--sarif={}", file.display()))
        .env("GITHUB_OUTPUT", &outputs);
    assert_exit(&output(repo.isolate(&mut command)), 1);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), sarif);
    let written = std::fs::read_to_string(&outputs).unwrap();
    assert!(
        written.contains(&format!(
            "sarif<<ghadelimiter_hh_gitops\n{}\nghadelimiter_hh_gitops\n",
            file.display()
        )),
        "{written}"
    );
}

/// The fingerprints of a check's results, with the lines they are at.
fn fingerprints(repo: &Repo) -> Vec<(String, u64)> {
    let out = output(
        bin()
            .current_dir(&repo.work)
            .args(["check", "--format", "sarif", F1]),
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            (
                result["partialFingerprints"]["hhGitopsFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                result["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_problem_keeps_its_fingerprint_when_lines_above_it_change() {
    let repo = repo_with_bad_files();
    let before = fingerprints(&repo);
    let path = format!("{F1}/raw/schema.yaml");
    let text = String::from_utf8(repo.read(&path)).unwrap();
    repo.write(
        &path,
        format!("# a comment\n# and another\n{text}").as_bytes(),
    );
    let after = fingerprints(&repo);
    assert_eq!(before.len(), after.len());
    let moved = before
        .iter()
        .zip(&after)
        .filter(|((_, line_before), (_, line_after))| line_before + 2 == *line_after)
        .count();
    assert_eq!(
        moved, 2,
        "the two findings of schema.yaml moved down two lines"
    );
    let ids = |all: &[(String, u64)]| all.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&before), ids(&after));
}

#[test]
fn the_schema_check_refuses_a_result_without_a_message() {
    let repo = repo_with_bad_files();
    let out = repo.sync(&["--dry-run", "--format", "sarif"]);
    let mut log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    log["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    let refused = std::panic::catch_unwind(|| assert_valid_sarif(&log.to_string()));
    assert!(refused.is_err(), "a result must have a message");
}

#[test]
fn the_action_writes_sarif_where_its_input_says_and_names_the_file_in_its_output() {
    let job = crate::action_support::Job::new();
    let step = job.step(&[("mode", "check"), ("sarif", " results.sarif ")], &[]);
    step.assert_success();
    let written = job.workspace.join("results.sarif");
    assert_eq!(step.outputs()["sarif"], written.to_str().unwrap());
    assert_valid_sarif(&std::fs::read_to_string(&written).unwrap());

    let step = job.step(&[("mode", "check"), ("sarif", "../elsewhere.sarif")], &[]);
    assert_eq!(step.code(), Some(2));
    assert_eq!(
        step.stdout(),
        format!(
            "::error title=hh-gitops::input sarif '../elsewhere.sarif' is outside the workspace {} and the runner's temp folder: give a path inside the workspace\n",
            job.workspace.canonicalize().unwrap().display()
        )
    );
    // Without the input, the output is empty.
    assert_eq!(job.step(&[("mode", "check")], &[]).outputs()["sarif"], "");
}

/// Issue 18 item 8: code scanning refuses a run of more than 25,000 results. A sync with
/// more findings writes a valid SARIF file of the first 25,000, errors first, and says how
/// many it left out, and where they all are, in the log and in the job summary.
#[test]
fn a_sarif_log_over_code_scanning_s_limit_keeps_25000_results_errors_first_and_says_so() {
    let repo = Repo::new(None);
    let raw = "gitops/hedgehog/f/raw";
    // Listed first in the report: three switches, each warned about (fields hhfab fills in).
    let switches: Vec<String> = (0..3)
        .map(|i| {
            format!(
                "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-{i}\nspec:\n  role: server-leaf\n  profile: vs\n"
            )
        })
        .collect();
    repo.write(
        &format!("{raw}/a-switches.yaml"),
        switches.join("---\n").as_bytes(),
    );
    // Then 12,550 documents with two errors each.
    repo.write(
        &format!("{raw}/b-errors.yaml"),
        vec!["kind: VPC\n"; 12_550].join("---\n").as_bytes(),
    );
    repo.commit_all("too many problems");
    let mut command = bin();
    command
        .current_dir(repo.tmp.path())
        .args([
            "sync",
            "--dry-run",
            "--sarif=out.sarif",
            "--report-json=report.json",
        ])
        .arg("--repo")
        .arg(&repo.work)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", repo.tmp.path().join("summary.md"));
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("\ndry run, nothing changed: 1 raw file would move (3 resources: 3 created, 0 updated, 0 unchanged), 1 rejected (25100 errors), 0 ignored, 4 warnings\n"),
        "{}",
        &text[text.len().saturating_sub(3000)..]
    );
    let note = "104 of 25,104 findings are left out of the SARIF file (GitHub code scanning takes at most 25,000 results per run and 10 MB per upload; errors are kept first)";
    assert_eq!(
        text.lines()
            .filter(|line| line.starts_with("::warning title=hh-gitops::"))
            .collect::<Vec<_>>(),
        [format!(
            "::warning title=hh-gitops::{note}; every finding is in the JSON report report.json"
        )],
    );
    let summary = std::fs::read_to_string(repo.tmp.path().join("summary.md")).unwrap();
    assert!(
        summary.contains("\n- **warning**: 104 of 25,104 findings are left out of the SARIF file \\(GitHub code scanning takes at most 25,000 results per run and 10 MB per upload; errors are kept first\\); every finding is in the JSON report report\\.json\n"),
        "{}",
        &summary[..summary.len().min(2000)]
    );

    let sarif = std::fs::read_to_string(repo.tmp.path().join("out.sarif")).unwrap();
    assert!(sarif.len() <= 10_000_000, "{} bytes", sarif.len());
    assert_valid_sarif(&sarif);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    assert!(
        results.iter().all(|result| result["level"] == "error"),
        "the errors come first: no warning is kept while errors are left out"
    );
    assert_eq!(
        log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
        note
    );
    // Every finding is in the JSON report.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.tmp.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["totals"]["errors"], 25_100);
}
