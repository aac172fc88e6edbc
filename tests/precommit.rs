//! The pre-commit hook (`.pre-commit-hooks.yaml`) through pre-commit itself: `pre-commit
//! try-repo` on this checkout, in a GitOps repository made from the gitops-test-1 fixture
//! with one bad raw file staged, must refuse the commit with the `file:line:col` finding.
//!
//! pre-commit builds the hook with `cargo install` of this checkout. The test points
//! `CARGO_TARGET_DIR` at this checkout's own `target/` (its release dependencies are already
//! built there, so only hh-gitops itself is compiled) and `CARGO_HOME` at the machine's (the
//! registry is already downloaded); `HH_PRE_COMMIT_BUILD_TARGET` picks the target triple it
//! builds for. Run with
//! `HH_PRE_COMMIT=path/to/pre-commit cargo test --test precommit -- --ignored --nocapture`
//! (`.ci/run` does, with pre-commit from PyPI in its venv).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Repo, output, stderr, stdout, vpc};

const F1: &str = "gitops/hedgehog/fabric-1";

/// Where cargo keeps its registry for this test process (`CARGO_HOME`, else `~/.cargo`).
fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME").map_or_else(
        || Path::new(&std::env::var_os("HOME").expect("HOME is set")).join(".cargo"),
        PathBuf::from,
    )
}

#[test]
#[ignore = "needs pre-commit (HH_PRE_COMMIT) and builds hh-gitops in release mode"]
fn a_staged_bad_raw_file_is_refused_by_the_pre_commit_hook_with_its_finding() {
    let pre_commit = std::env::var("HH_PRE_COMMIT").expect("set HH_PRE_COMMIT to pre-commit");
    let this_repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = Repo::new(Some("gitops-test-1"));
    let bad = format!("{F1}/raw/vpc-2.yaml");
    repo.write(
        &bad,
        vpc("vpc-2", 1002).replace("vlan:", "vlna:").as_bytes(),
    );
    // A good file staged beside it, and a bad one left unstaged: neither is reported.
    repo.write(
        &format!("{F1}/raw/vpc-3.yaml"),
        vpc("vpc-3", 1003).as_bytes(),
    );
    repo.git(&["add", &bad, &format!("{F1}/raw/vpc-3.yaml")]);
    repo.write(&format!("{F1}/raw/unstaged.yaml"), b"kind: [\n");

    let mut command = Command::new(&pre_commit);
    command
        .current_dir(&repo.work)
        .args(["try-repo", this_repo.to_str().unwrap(), "hh-gitops-check"])
        .env("PRE_COMMIT_HOME", repo.tmp.path().join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", this_repo.join("target"))
        .env("CARGO_HOME", cargo_home());
    if let Some(rustup_home) = std::env::var_os("RUSTUP_HOME").or_else(|| {
        std::env::var_os("HOME").map(|home| Path::new(&home).join(".rustup").into_os_string())
    }) {
        command.env("RUSTUP_HOME", rustup_home);
    }
    // `.ci/run` builds the hook for the target of its static release build, so that the
    // hook's `cargo install` reuses that build's dependencies.
    if let Some(target) = std::env::var_os("HH_PRE_COMMIT_BUILD_TARGET") {
        command.env("CARGO_BUILD_TARGET", target);
    }
    let started = std::time::Instant::now();
    let out = output(repo.isolate(&mut command));
    eprintln!(
        "pre-commit try-repo took {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{log}\n{}", stderr(&out));
    assert!(
        log.lines()
            .any(|line| line.starts_with("hh-gitops check.") && line.ends_with(".Failed")),
        "{log}"
    );
    let findings: Vec<&str> = log
        .lines()
        .filter(|line| line.starts_with("gitops/") || line.starts_with("checked "))
        .collect();
    assert_eq!(
        findings,
        [
            "gitops/hedgehog/fabric-1/raw/vpc-2.yaml:9:7: error: unknown field `vlna`: did you mean `vlan`? (at /spec/subnets/default/vlna)",
            // The staged files are checked with their whole fabric, whose VPCs and switches
            // use the default namespaces the fixture does not hold: one warning each.
            "checked 2 files: 1 valid (1 resource), 1 rejected (1 error), 2 warnings",
        ],
        "{log}"
    );
}
