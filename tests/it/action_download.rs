//! The action's download path (issue 10, items 9 and 10) against a release server on
//! 127.0.0.1 over HTTPS (a certificate made by openssl here, trusted through
//! `CURL_CA_BUNDLE`): which version is fetched and why, and one clear error for a missing
//! release, a SHA256SUMS without the runner's line, and a binary that does not match it.

use std::path::Path;

use crate::action_support::{ASSET, Job, ReleaseServer, Step};

/// A commit SHA the action is pinned to, and a wrapping action's repository: the values
/// `github.action_ref`/`action_repository` have when hh-gitops is used inside another
/// composite action, which must not decide what is downloaded.
const PINNED_SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const WRAPPER: &str = "someone/wrapper-action";

fn test_binary() -> std::ffi::OsString {
    crate::common::bin().get_program().to_owned()
}

/// Runs the action with no `binary`, downloading from `server`.
fn download_step(job: &Job, server: &ReleaseServer, inputs: &[(&str, &str)]) -> Step {
    let mut all = vec![("binary", "")];
    all.extend_from_slice(inputs);
    job.step(
        &all,
        &[
            ("GITHUB_SERVER_URL", server.url.as_str()),
            ("CURL_CA_BUNDLE", server.ca.to_str().unwrap()),
            ("ACTION_REF", PINNED_SHA),
            ("ACTION_REPOSITORY", WRAPPER),
        ],
    )
}

/// A copy of the action as a release commit has it: action/run.sh and the release file.
fn release_commit(dir: &Path, release: &str) -> std::path::PathBuf {
    let action = dir.join("action-at-release");
    std::fs::create_dir_all(action.join("action")).unwrap();
    std::fs::copy(
        crate::action_support::root().join("action/run.sh"),
        action.join("action/run.sh"),
    )
    .unwrap();
    std::fs::write(action.join("action/release"), release).unwrap();
    action
}

fn error(message: &str) -> String {
    format!("::error title=hh-gitops::{message}\n")
}

#[test]
fn a_sha_pin_of_a_release_commit_downloads_that_release_through_its_release_file() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    server.publish(
        "example/hh-gitops",
        "v9.9.9",
        Path::new(&test_binary()),
        |s| s,
    );
    let mut job = Job::new();
    job.action_path = release_commit(dir.path(), "version=9.9.9\nrepository=example/hh-gitops\n");
    let step = download_step(&job, &server, &[]);
    step.assert_success();
    let releases = format!("{}/example/hh-gitops/releases", server.url);
    let log = step.stdout();
    assert!(
        log.starts_with(&format!(
            "Downloading hh-gitops 9.9.9 (the action's release file) from {releases}\n"
        )),
        "{log}"
    );
    assert!(log.contains(&format!("{ASSET}: sha256 ")), "{log}");
    assert!(log.contains("\nRunning hh-gitops 0.1.0\n"), "{log}");
    assert_eq!(
        server.requests(),
        [
            format!("/example/hh-gitops/releases/download/v9.9.9/{ASSET}"),
            "/example/hh-gitops/releases/download/v9.9.9/SHA256SUMS".to_owned(),
        ]
    );
    assert_eq!(job.fake.commits_made(), 1);
    assert_eq!(step.outputs()["processed-files"], "4");
}

#[test]
fn the_version_input_is_fetched_with_or_without_its_v() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    server.publish(
        "hh-gitops/hh-gitops",
        "v9.9.9",
        Path::new(&test_binary()),
        |s| s,
    );
    let job = Job::new();
    for version in ["9.9.9", "v9.9.9", " v9.9.9 "] {
        let step = download_step(&job, &server, &[("version", version), ("mode", "check")]);
        step.assert_success();
        assert!(
            step.stdout().starts_with(&format!(
                "Downloading hh-gitops 9.9.9 (the version input) from {}/hh-gitops/hh-gitops/releases\n",
                server.url
            )),
            "{}",
            step.stdout()
        );
    }
}

#[test]
fn a_version_that_is_no_release_fails_clearly_and_builds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    let job = Job::new();
    for version in ["main", "v1", "1.2"] {
        let step = download_step(&job, &server, &[("version", version)]);
        assert_eq!(step.code(), Some(2), "{version}");
        assert_eq!(
            step.stdout(),
            error(&format!(
                "version '{version}' is not a release: give one such as 1.2.3 or v1.2.3; to run a branch or commit instead, pin the action to it and leave version empty"
            ))
        );
    }
    assert!(server.requests().is_empty());
}

#[test]
fn a_missing_release_is_one_error_with_the_url_and_the_fix_and_no_retry() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    let job = Job::new();
    let step = download_step(&job, &server, &[("version", "v9.9.9")]);
    assert_eq!(step.code(), Some(2));
    let releases = format!("{}/hh-gitops/hh-gitops/releases", server.url);
    assert_eq!(
        step.stdout(),
        format!(
            "Downloading hh-gitops 9.9.9 (the version input) from {releases}\n{}",
            error(&format!(
                "cannot download hh-gitops 9.9.9 (the version input): {releases}/download/v9.9.9/{ASSET} answered HTTP 404. \
                 Check that release v9.9.9 exists ({releases}/tag/v9.9.9); \
                 on GitHub Enterprise Server, hh-gitops's releases must be mirrored to {}; \
                 or install hh-gitops yourself and give its path in the binary input",
                server.url
            ))
        )
    );
    assert_eq!(server.requests().len(), 1, "a 404 is not retried");
    assert_eq!(job.fake.requests(), 0);
}

#[test]
fn a_sha256sums_without_the_runners_line_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    server.publish(
        "hh-gitops/hh-gitops",
        "v9.9.9",
        Path::new(&test_binary()),
        |real| real.replace("x86_64", "aarch64"),
    );
    let job = Job::new();
    let step = download_step(&job, &server, &[("version", "9.9.9")]);
    assert_eq!(step.code(), Some(2));
    let releases = format!("{}/hh-gitops/hh-gitops/releases", server.url);
    assert_eq!(
        step.stdout(),
        format!(
            "Downloading hh-gitops 9.9.9 (the version input) from {releases}\n{}",
            error(&format!(
                "SHA256SUMS of hh-gitops 9.9.9 ({releases}/download/v9.9.9/SHA256SUMS) has no line for {ASSET}: \
                 the release is incomplete; use another version or give an hh-gitops in the binary input"
            ))
        )
    );
    assert_eq!(job.fake.requests(), 0);
}

#[test]
fn a_binary_that_does_not_match_its_checksum_never_runs() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    server.publish(
        "hh-gitops/hh-gitops",
        "v9.9.9",
        Path::new(&test_binary()),
        |real| format!("{}{}", "0".repeat(64), &real[64..]),
    );
    let job = Job::new();
    let step = download_step(&job, &server, &[("version", "9.9.9")]);
    assert_eq!(step.code(), Some(2));
    let actual = crate::common::stdout(&crate::common::output(
        std::process::Command::new("sha256sum").arg(test_binary()),
    ))[..64]
        .to_owned();
    let releases = format!("{}/hh-gitops/hh-gitops/releases", server.url);
    assert_eq!(
        step.stdout(),
        format!(
            "Downloading hh-gitops 9.9.9 (the version input) from {releases}\n{}",
            error(&format!(
                "{ASSET} of hh-gitops 9.9.9 does not match its SHA256SUMS (expected {}, got {actual}): \
                 it was not run. Run the job again; if it fails again, the release's files were changed: \
                 report it at {}/hh-gitops/hh-gitops/issues",
                "0".repeat(64),
                server.url
            ))
        )
    );
    assert_eq!(job.fake.requests(), 0, "the binary never ran");
}

#[test]
fn a_checkout_that_is_no_release_is_built_only_when_cargo_is_there_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    let job = Job::new();
    let step = job.step(
        &[("binary", "")],
        &[
            ("GITHUB_SERVER_URL", server.url.as_str()),
            ("ACTION_REF", "main"),
            ("PATH", "/usr/bin:/bin"),
        ],
    );
    assert_eq!(step.code(), Some(2));
    assert_eq!(
        step.stdout(),
        error(
            "the action's checkout (ref main) is not a release commit and there is no cargo to build it: \
             pin the action to a release (@v0, a vX.Y.Z tag or its commit), set version, or give an hh-gitops in the binary input"
        )
    );
    assert!(server.requests().is_empty());
}

/// A `gh` that records how it was called and answers `exit` (with `boom` on stderr when
/// it fails), in a folder to put first on PATH.
fn fake_gh(dir: &Path, exit: i32) -> std::path::PathBuf {
    let bin = dir.join(format!("gh-{exit}"));
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"GH_TOKEN=$GH_TOKEN $*\" >> '{}'\nif [ {exit} != 0 ]; then echo boom >&2; fi\nexit {exit}\n",
        dir.join("gh-calls").display()
    );
    std::fs::write(bin.join("gh"), script).unwrap();
    std::fs::set_permissions(
        bin.join("gh"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    bin
}

#[test]
fn on_github_com_the_build_provenance_is_verified_with_gh_before_the_binary_runs() {
    let dir = tempfile::tempdir().unwrap();
    let server = ReleaseServer::start(dir.path());
    server.publish(
        "hh-gitops/hh-gitops",
        "v9.9.9",
        Path::new(&test_binary()),
        |s| s,
    );
    // curl reads $CURL_HOME/.curlrc: github.com is this server for the test.
    let curl_home = dir.path().join("curl-home");
    std::fs::create_dir_all(&curl_home).unwrap();
    std::fs::write(
        curl_home.join(".curlrc"),
        format!("connect-to = github.com:443:127.0.0.1:{}\n", server.port()),
    )
    .unwrap();
    let job = Job::new();
    let step_with_gh = |exit: i32| {
        let path = format!(
            "{}:{}",
            fake_gh(dir.path(), exit).display(),
            std::env::var("PATH").unwrap()
        );
        job.step(
            &[("binary", ""), ("version", "9.9.9"), ("mode", "check")],
            &[
                ("GITHUB_SERVER_URL", "https://github.com"),
                ("CURL_HOME", curl_home.to_str().unwrap()),
                ("CURL_CA_BUNDLE", server.ca.to_str().unwrap()),
                ("PATH", &path),
            ],
        )
    };

    let refused = step_with_gh(1);
    assert_eq!(refused.code(), Some(2));
    assert!(
        refused.stdout().ends_with(&error(&format!(
            "the build-provenance attestation of {ASSET} (hh-gitops 9.9.9) from hh-gitops/hh-gitops could not be verified, so it was not run: boom"
        ))),
        "{}",
        refused.stdout()
    );
    assert!(!refused.stdout().contains("Running hh-gitops"));

    let verified = step_with_gh(0);
    verified.assert_success();
    assert!(
        verified.stdout().contains(&format!(
            "{ASSET}: build provenance verified (gh attestation verify)\nRunning hh-gitops 0.1.0\n"
        )),
        "{}",
        verified.stdout()
    );
    let calls = std::fs::read_to_string(dir.path().join("gh-calls")).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    assert_eq!(calls.len(), 2);
    for call in calls {
        let (token, rest) = call.split_once(' ').unwrap();
        assert_eq!(token, format!("GH_TOKEN={}", crate::action_support::TOKEN));
        assert!(
            rest.starts_with("attestation verify ")
                && rest.ends_with(&format!("/{ASSET} --repo hh-gitops/hh-gitops")),
            "{rest}"
        );
    }
}
