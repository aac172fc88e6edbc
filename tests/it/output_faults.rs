//! Issue 18, items 3 and 6: every report is written whatever fails at commit time, and the
//! output survives the runner (a non-blocking log pipe that fills up, a full disk, a reader
//! that goes away), against the fake GitHub and real git.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::os::fd::{FromRawFd as _, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::fake_github::{FakeGithub, Fault};
use crate::common::{
    Repo, SHORT_WAITS, assert_exit, assert_expected, bin, output, stderr, stdout, vpc, without_shas,
};

const TOKEN: &str = "ghs_output_faults";
const FABRIC: &str = "gitops/hedgehog/f";

/// A VPC with a misspelt key: rejected, with one finding.
const MISSPELT: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: bad\nspec:\n  subnets:\n    default:\n      subnet: 10.0.9.0/24\n      vlna: 1009\n";

/// A repository on GitHub (the fake, backed by the test's origin) whose one fabric has a
/// valid raw file and a rejected one, pushed; and the runner's files of one step.
struct Setup {
    repo: Repo,
    fake: FakeGithub,
}

impl Setup {
    fn new() -> Setup {
        let repo = Repo::new(None);
        repo.write(&format!("{FABRIC}/raw/a.yaml"), vpc("a", 1001).as_bytes());
        repo.write(&format!("{FABRIC}/raw/bad.yaml"), MISSPELT.as_bytes());
        repo.commit_all("raw files");
        repo.git(&["push", "-q", "origin", "main"]);
        let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
        Setup { repo, fake }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.repo.tmp.path().join(name)
    }

    /// `hh-gitops sync` as the action runs it on a push to main, writing every report.
    fn command(&self) -> Command {
        let mut command = bin();
        command
            .arg("sync")
            .args(SHORT_WAITS)
            .arg("--repo")
            .arg(&self.repo.work)
            .arg(format!(
                "--report-json={}",
                self.file("report.json").display()
            ))
            .arg(format!("--sarif={}", self.file("out.sarif").display()))
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_REPOSITORY", "example/gitops")
            .env("GITHUB_REF", "refs/heads/main")
            .env("GITHUB_EVENT_NAME", "push")
            .env("GITHUB_GRAPHQL_URL", &self.fake.graphql_url)
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_OUTPUT", self.file("output"))
            .env("GITHUB_STEP_SUMMARY", self.file("summary.md"));
        self.repo.isolate(&mut command);
        command
    }

    fn sync(&self) -> Output {
        output(&mut self.command())
    }

    /// The step outputs, by name.
    fn outputs(&self) -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(self.file("output")).unwrap();
        let mut outputs = BTreeMap::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let (name, delimiter) = line.split_once("<<").unwrap();
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            outputs.insert(name.to_owned(), value.join("\n"));
        }
        outputs
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.file("summary.md")).unwrap()
    }

    fn json(&self, name: &str) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.file(name)).unwrap()).unwrap()
    }

    fn origin_head(&self) -> String {
        self.repo
            .git_in(&self.repo.origin, &["rev-parse", "main"])
            .trim()
            .to_owned()
    }

    fn head(&self) -> String {
        self.repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// Asserts the reports every run writes, whatever happened to the commit: the SARIF
    /// file and the annotation with the rejected file's finding, and the JSON report.
    #[track_caller]
    fn assert_findings_reported(&self, out: &Output) {
        let annotation = format!(
            "::error file={FABRIC}/raw/bad.yaml,line=9,col=7,title=hh-gitops%3A /spec/subnets/default/vlna::unknown field `vlna`: did you mean `vlan`?\n"
        );
        assert!(stdout(out).contains(&annotation), "{}", stdout(out));
        let sarif = self.json("out.sarif");
        let errors: Vec<&serde_json::Value> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|result| result["level"] == "error")
            .collect();
        assert_eq!(errors.len(), 1, "{sarif}");
        assert_eq!(
            errors[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            format!("{FABRIC}/raw/bad.yaml")
        );
        assert_eq!(self.json("report.json")["totals"]["rejected_files"], 1);
    }
}

/// Item 3: GitHub refuses the commit (a 403, a ruleset answered as a GraphQL error): the
/// summary, the annotations, the step outputs and the SARIF file are all written, then the
/// step fails with GitHub's words; nothing moved.
#[test]
fn a_commit_refused_by_github_still_writes_every_report_and_names_the_failure() {
    let refusals = [
        (
            "403",
            Fault::Status(
                403,
                vec![],
                r#"{"message":"Resource not accessible by integration"}"#.into(),
            ),
            "Resource not accessible by integration",
        ),
        (
            "ruleset",
            Fault::Status(
                200,
                vec![],
                r#"{"data":null,"errors":[{"type":"UNPROCESSABLE","path":["createCommitOnBranch"],"message":"Repository rule violations found\n\nChanges must be made through a pull request.\n\n"}]}"#.into(),
            ),
            "Repository rule violations found",
        ),
    ];
    for (name, fault, says) in refusals {
        let setup = Setup::new();
        let before = setup.origin_head();
        setup.fake.inject(fault);
        let out = setup.sync();
        assert_exit(&out, 2);
        let error = stderr(&out);
        assert!(
            error.starts_with("hh-gitops: error: GitHub ") && error.contains(says),
            "{name}: {error}"
        );
        assert!(
            stdout(&out).contains("::error title=hh-gitops::GitHub "),
            "{name}: {}",
            stdout(&out)
        );
        setup.assert_findings_reported(&out);
        let outputs = setup.outputs();
        assert_eq!(outputs["commit-sha"], "", "{name}");
        assert_eq!(outputs["commits"], "", "{name}");
        assert_eq!(outputs["processed-files"], "0", "{name}: nothing landed");
        assert_eq!(outputs["rejected-files"], "1", "{name}");
        let report = setup.json("report.json");
        assert_eq!(report["commit"], serde_json::Value::Null, "{name}");
        assert!(
            report["commit_error"].as_str().unwrap().contains(says),
            "{name}: {report}"
        );
        let summary = setup.summary();
        assert!(summary.contains("**Error**: GitHub "), "{summary}");
        if name == "403" {
            assert_expected("sync-commit-refused.summary.md", &summary);
        }
        assert_eq!(setup.origin_head(), before, "{name}: nothing landed");
        assert!(setup.repo.work.join(FABRIC).join("raw/a.yaml").exists());
    }
}

/// Item 3: a move split into parts (`--max-commit-size`) whose second part GitHub refuses:
/// the first part's commit is in the outputs and the report, the summary and every finding
/// are written, and the step fails saying what landed and what failed.
#[test]
fn a_split_move_cut_short_reports_the_part_that_landed() {
    let setup = Setup::new();
    setup
        .repo
        .write(&format!("{FABRIC}/raw/b.yaml"), vpc("b", 1002).as_bytes());
    setup.repo.commit_all("a second raw file");
    setup.repo.git(&["push", "-q", "origin", "main"]);
    // The first mutation goes through; the second is refused.
    setup.fake.inject(Fault::Before(Box::new(|_| {})));
    setup.fake.inject(Fault::Status(
        403,
        vec![],
        r#"{"message":"Resource not accessible by integration"}"#.into(),
    ));
    let out = output(setup.command().arg("--max-commit-size=1700"));
    assert_exit(&out, 2);
    assert_eq!(setup.fake.commits_made(), 1, "one part landed");
    let part = setup.origin_head();
    let outputs = setup.outputs();
    assert_eq!(outputs["commit-sha"], part);
    assert_eq!(outputs["commits"], part);
    assert_eq!(outputs["processed-files"], "1", "only the part that landed");
    assert_eq!(setup.json("report.json")["commit"]["commits"][0], part);
    let error = stderr(&out);
    assert!(
        error.starts_with(&format!("hh-gitops: error: the commit landed: {part}, then: GitHub forbids this (403 Resource not accessible by integration)")),
        "{error}"
    );
    setup.assert_findings_reported(&out);
    assert!(
        setup.summary().starts_with(&format!(
            "## hh-gitops sync (failed)\n\nFAILED after committing {part}\\: 1 raw file moved"
        )),
        "{}",
        setup.summary()
    );
    // The checkout is at the part that landed.
    assert_eq!(setup.head(), part);
}

/// Writes a stand-in for `git upload-pack` that fails while `counter` holds a number above
/// zero (counting down), and makes the clone fetch through it.
fn flaky_upload_pack(setup: &Setup, counter: &Path) {
    let script = setup.file("upload-pack");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nn=$(cat '{0}' 2>/dev/null || echo 0)\nif [ \"$n\" -gt 0 ]; then\n  echo $((n - 1)) > '{0}'\n  echo 'fatal: the remote end hung up unexpectedly' >&2\n  exit 128\nfi\nexec git upload-pack \"$@\"\n",
            counter.display()
        ),
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&script, permissions).unwrap();
    setup.repo.git(&[
        "config",
        "remote.origin.uploadpack",
        script.to_str().unwrap(),
    ]);
}

/// Item 3: fetching the commit just made fails twice (GitHub not serving it yet, a dropped
/// connection): the checkout tries again and follows it; one commit, a clean sync.
#[test]
fn a_fetch_that_fails_after_the_commit_is_tried_again() {
    let setup = Setup::new();
    let counter = setup.file("failing-fetches");
    flaky_upload_pack(&setup, &counter);
    let arm = counter.clone();
    // The fetches after the mutation fail twice.
    setup.fake.inject(Fault::Before(Box::new(move |_| {
        std::fs::write(arm, "2").unwrap();
    })));
    let out = setup.sync();
    assert_exit(&out, 1);
    assert_eq!(std::fs::read_to_string(&counter).unwrap().trim(), "0");
    assert_eq!(setup.fake.commits_made(), 1);
    assert_eq!(setup.head(), setup.origin_head());
    assert_eq!(setup.outputs()["commit-sha"], setup.origin_head());
    assert!(!setup.repo.work.join(FABRIC).join("raw/a.yaml").exists());
    assert_eq!(setup.repo.git(&["status", "--porcelain"]), "");
    assert_eq!(stderr(&out), "");
}

/// Item 3: the commit landed but the checkout can never fetch it (an SSH remote whose key
/// actions/checkout removed with `persist-credentials: false`): after its tries, the run
/// says that the commit landed and names it, writes it to the outputs with every report,
/// and fails; no second commit is made.
#[test]
fn a_checkout_that_cannot_follow_a_landed_commit_names_it_and_writes_the_outputs() {
    let setup = Setup::new();
    let base = setup.head();
    setup.repo.git(&[
        "remote",
        "set-url",
        "origin",
        "ssh://git@github.com/example/gitops.git",
    ]);
    let out = output(setup.command().env("GIT_SSH_COMMAND", "false"));
    assert_exit(&out, 2);
    let sha = setup.origin_head();
    assert_ne!(sha, base);
    assert_eq!(setup.fake.commits_made(), 1);
    let error = stderr(&out);
    let expected = format!(
        "hh-gitops: error: the commit landed: {sha}, then: the checkout could not fetch it (4 tries) and stays at {base}: a later step that needs the commit must fetch it (hh-gitops fetches with the token from an https remote; another remote, such as SSH with `persist-credentials: false`, needs its own credentials): fetching main from origin: git fetch failed: "
    );
    assert!(error.starts_with(&expected), "{error}");
    assert_eq!(error.matches("hh-gitops: error:").count(), 1, "{error}");
    setup.assert_findings_reported(&out);
    let outputs = setup.outputs();
    assert_eq!(outputs["commit-sha"], sha);
    assert_eq!(outputs["commits"], sha);
    assert_eq!(outputs["processed-files"], "1");
    assert_eq!(setup.json("report.json")["commit"]["sha"], sha);
    let summary = setup.summary();
    assert!(
        summary.starts_with(&format!(
            "## hh-gitops sync (failed)\n\nFAILED after committing {sha}\\: 1 raw file moved"
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("**Error**: the commit landed\\: {sha}, then\\: ")),
        "{summary}"
    );
    // The checkout stays where it was, whole: the raw file is still there.
    assert_eq!(setup.head(), base);
    assert!(setup.repo.work.join(FABRIC).join("raw/a.yaml").exists());
}

/// A pipe whose write end is non-blocking and holds only `capacity` bytes, as a runner's
/// log pipe can be: (read end, write end).
fn non_blocking_pipe(capacity: libc::c_int) -> (std::fs::File, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: both descriptors were just made and are owned here only.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: fcntl on a descriptor owned here.
    unsafe {
        assert!(libc::fcntl(fds[1], libc::F_SETPIPE_SZ, capacity) >= capacity);
        let flags = libc::fcntl(fds[1], libc::F_GETFL);
        assert_eq!(
            libc::fcntl(fds[1], libc::F_SETFL, flags | libc::O_NONBLOCK),
            0
        );
    }
    (std::fs::File::from(read), write)
}

/// Runs `command` with stdout and stderr both on one pipe (as a runner's log), read 512
/// bytes at a time with a pause between reads when `slow`; returns the exit code and what
/// arrived.
fn run_into_pipe(
    mut command: Command,
    pipe: (std::fs::File, OwnedFd),
    slow: bool,
) -> (i32, String) {
    let (mut read, write) = pipe;
    command
        .stdout(Stdio::from(write.try_clone().unwrap()))
        .stderr(Stdio::from(write));
    let mut child = command.spawn().unwrap();
    // The parent's copies of the write end go, so the reader sees the end of the output.
    drop(command);
    let mut log = Vec::new();
    let mut chunk = [0; 512];
    loop {
        let n = read.read(&mut chunk).unwrap();
        if n == 0 {
            break;
        }
        log.extend_from_slice(&chunk[..n]);
        if slow {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
    let status = child.wait().unwrap();
    (status.code().unwrap(), String::from_utf8(log).unwrap())
}

/// Many valid raw files and one rejected, committed and pushed.
fn many_raw_files(setup: &Setup) {
    for i in 0..120 {
        setup.repo.write(
            &format!("{FABRIC}/raw/vpc-{i:03}.yaml"),
            crate::common::unique_vpc(&format!("vpc-{i:03}"), i + 10).as_bytes(),
        );
    }
    setup.repo.commit_all("many raw files");
    setup.repo.git(&["push", "-q", "origin", "main"]);
}

/// Item 6: the runner's log pipe is non-blocking and fills up (4 KiB, read slowly) while
/// the sync prints a long report, in text and in JSON (workflow commands on stderr then):
/// every line arrives, exactly as through an ordinary pipe, and the exit status is the
/// sync's (1: a file was rejected).
#[test]
fn a_full_non_blocking_log_pipe_loses_no_line() {
    for format in ["text", "json"] {
        let mut logs = Vec::new();
        for slow in [false, true] {
            let setup = Setup::new();
            many_raw_files(&setup);
            let mut command = setup.command();
            command.arg(format!("--format={format}"));
            let pipe = if slow {
                non_blocking_pipe(4096)
            } else {
                let (read, write) = std::io::pipe().unwrap();
                (
                    std::fs::File::from(OwnedFd::from(read)),
                    OwnedFd::from(write),
                )
            };
            let (code, log) = run_into_pipe(command, pipe, slow);
            assert_eq!(code, 1, "{format}, slow {slow}:\n{log}");
            assert!(log.len() > 2 * 4096, "{format}: {} bytes", log.len());
            logs.push(without_shas(&log));
        }
        assert_eq!(logs[0], logs[1], "{format}");
    }
}

/// Item 6: stdout on a full disk after the commit: the sync's exit status stands, a warning
/// (on stderr, with the annotations, since stdout takes nothing) says what was lost, and
/// the outputs and summary are written. A check, whose report is its stdout, fails.
#[test]
fn stdout_on_a_full_disk_after_the_commit_keeps_the_syncs_status() {
    let setup = Setup::new();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = output(setup.command().stdout(full));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let sha = setup.origin_head();
    let error = stderr(&out);
    assert!(
        error.contains(&format!(
            "\nhh-gitops: warning: cannot write to stdout: No space left on device (os error 28); the commit {sha} landed, so the exit status is the sync's\n"
        )),
        "{error}"
    );
    assert!(
        error.contains(&format!("::error file={FABRIC}/raw/bad.yaml,line=9,col=7,")),
        "{error}"
    );
    assert!(
        error.contains("::warning title=hh-gitops::cannot write to stdout"),
        "{error}"
    );
    assert_eq!(setup.outputs()["commit-sha"], sha);
    assert!(
        setup.summary().starts_with(&format!(
            "## hh-gitops sync\n\ncommitted {sha}\\: 1 raw file moved"
        )),
        "{}",
        setup.summary()
    );
    assert_eq!(setup.head(), sha);

    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let mut check = bin();
    check
        .arg("check")
        .arg(setup.repo.work.join(FABRIC))
        .stdout(full);
    let out = output(&mut check);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: cannot write to stdout: No space left on device (os error 28)\n"
    );
}

/// Item 6: a reader that goes away (`hh-gitops check … | head -1`) ends the output quietly,
/// as ripgrep does: no message, and the exit status is the check's.
#[test]
fn a_closed_pipe_on_stdout_ends_the_output_quietly() {
    let repo = Repo::new(None);
    for i in 0..2000 {
        repo.write(
            &format!("{FABRIC}/raw/bad-{i:03}.yaml"),
            MISSPELT
                .replace("name: bad", &format!("name: bad-{i:03}"))
                .as_bytes(),
        );
    }
    // More than a pipe holds, so the check meets the closed pipe.
    let mut check = bin();
    check.arg("check").arg(repo.work.join(FABRIC));
    let all = output(&mut check);
    assert_exit(&all, 1);
    assert!(all.stdout.len() > 3 * 64 * 1024, "{}", all.stdout.len());

    let out = output(
        Command::new("bash")
            .arg("-c")
            .arg("\"$0\" check \"$1\" | head -1; echo \"exit ${PIPESTATUS[0]}\"")
            .arg(env!("CARGO_BIN_EXE_hh-gitops"))
            .arg(repo.work.join(FABRIC)),
    );
    let first = stdout(&all).lines().next().unwrap().to_owned();
    assert_eq!(stdout(&out), format!("{first}\nexit 1\n"));
    assert_eq!(stderr(&out), "");

    // The reader gone before the first line: the same.
    let (read, write) = std::io::pipe().unwrap();
    drop(read);
    check.stdout(write);
    let out = output(&mut check);
    assert_exit(&out, 1);
    assert_eq!(stderr(&out), "");
}
