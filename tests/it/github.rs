//! `hh-gitops sync` as the GitHub Action runs it: commits through the GraphQL API of a
//! stateful fake GitHub on 127.0.0.1 backed by the test's bare `origin`.

use std::path::Path;
use std::process::Output;

use crate::common::fake_github::{FakeGithub, Fault};
use crate::common::{Repo, SHORT_WAITS, assert_exit, bin, output, stderr, stdout, unique_vpc, vpc};

const TOKEN: &str = "ghs_test_token_value";
const F1: &str = "gitops/hedgehog/fabric-1";

struct Setup {
    repo: Repo,
    fake: FakeGithub,
}

impl Setup {
    fn new(fixture: Option<&str>) -> Setup {
        let repo = Repo::new(fixture);
        let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
        Setup { repo, fake }
    }

    /// Runs the sync as the action does, with GitHub Actions' environment.
    fn sync(&self, token: &str, event: &str, git_ref: &str, extra: &[&str]) -> Output {
        self.sync_at(&self.fake.graphql_url, token, event, git_ref, extra)
    }

    fn sync_at(
        &self,
        graphql_url: &str,
        token: &str,
        event: &str,
        git_ref: &str,
        extra: &[&str],
    ) -> Output {
        output(&mut self.command(graphql_url, token, event, git_ref, extra))
    }

    /// Runs the sync as `action.yml` does for its `mode` input (passed as `INPUT_MODE`).
    fn action_sync(&self, mode: &str, event: &str, git_ref: &str, extra: &[&str]) -> Output {
        let mut command = self.command(&self.fake.graphql_url, TOKEN, event, git_ref, extra);
        output(command.env("INPUT_MODE", mode))
    }

    /// The sync command with GitHub Actions' environment.
    fn command(
        &self,
        graphql_url: &str,
        token: &str,
        event: &str,
        git_ref: &str,
        extra: &[&str],
    ) -> std::process::Command {
        self.command_in(
            &self.repo.work,
            self.repo.tmp.path(),
            graphql_url,
            token,
            event,
            git_ref,
            extra,
        )
    }

    /// The sync command of a run on the checkout `work`, writing its report, outputs and
    /// summary into `files`.
    #[allow(clippy::too_many_arguments)]
    fn command_in(
        &self,
        work: &Path,
        files: &Path,
        graphql_url: &str,
        token: &str,
        event: &str,
        git_ref: &str,
        extra: &[&str],
    ) -> std::process::Command {
        let mut command = bin();
        command
            .args(["sync", "--repo"])
            .arg(work)
            .args(SHORT_WAITS)
            .args(["--report-json"])
            .arg(files.join("report.json"))
            .args(extra)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_REPOSITORY", "example/gitops")
            .env("GITHUB_REF", git_ref)
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_GRAPHQL_URL", graphql_url)
            .env("GITHUB_TOKEN", token)
            .env("GITHUB_OUTPUT", files.join("output"))
            .env("GITHUB_STEP_SUMMARY", files.join("summary.md"));
        self.repo.isolate(&mut command);
        command
    }

    fn push_sync(&self) -> Output {
        self.sync(TOKEN, "push", "refs/heads/main", &[])
    }

    fn origin_head(&self) -> String {
        self.repo
            .git_in(&self.repo.origin, &["rev-parse", "main"])
            .trim()
            .to_owned()
    }

    fn origin_count(&self) -> usize {
        self.repo
            .git_in(&self.repo.origin, &["rev-list", "--count", "main"])
            .trim()
            .parse()
            .unwrap()
    }

    fn outputs(&self) -> String {
        std::fs::read_to_string(self.repo.tmp.path().join("output")).unwrap_or_default()
    }

    fn report(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.repo.tmp.path().join("report.json")).unwrap())
            .unwrap()
    }
}

/// Someone else's push to `origin`: a clone in `clone` (made once), `content` written to
/// `path`, committed with `message` and pushed.
fn push_from_elsewhere(origin: &Path, clone: &Path, path: &str, content: &str, message: &str) {
    let git = |dir: &Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    if !clone.exists() {
        git(
            origin.parent().unwrap(),
            &[
                "clone",
                "-q",
                origin.to_str().unwrap(),
                clone.to_str().unwrap(),
            ],
        );
    }
    git(clone, &["pull", "-q", "--ff-only"]);
    let file = clone.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, content).unwrap();
    git(clone, &["add", "-A"]);
    git(
        clone,
        &[
            "-c",
            "user.name=O",
            "-c",
            "user.email=o@example.com",
            "commit",
            "-qm",
            message,
        ],
    );
    git(clone, &["push", "-q", "origin", "HEAD:main"]);
}

#[test]
fn gitops_test_1_lands_as_one_api_commit_with_the_exact_tree() {
    let setup = Setup::new(Some("gitops-test-1"));
    let seed = setup.origin_head();

    // The tree the local git backend makes from the same state, computed independently.
    let reference = Repo::new(Some("gitops-test-1"));
    assert_exit(&reference.sync(&[]), 0);
    let expected_tree = reference.git(&["rev-parse", "HEAD^{tree}"]);

    let out = setup.push_sync();
    assert_exit(&out, 0);
    assert_eq!(setup.fake.commits_made(), 1);
    assert_eq!(setup.fake.requests(), 1, "one API call for the whole run");
    assert_eq!(
        setup.origin_count(),
        2,
        "exactly one new commit on the branch"
    );
    let head = setup.origin_head();
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["rev-parse", "main^"])
            .trim(),
        seed
    );
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["rev-parse", "main^{tree}"]),
        expected_tree
    );
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["log", "-1", "--format=%cn", "main"])
            .trim(),
        "GitHub"
    );

    // The checkout followed the commit: later steps see the moved files.
    assert_eq!(setup.repo.git(&["rev-parse", "HEAD"]).trim(), head);
    assert!(
        setup
            .repo
            .git(&["status", "--porcelain", "--untracked-files=all"])
            .is_empty()
    );
    assert_eq!(setup.repo.files_under(&format!("{F1}/raw")), [".gitkeep"]);

    // Outputs, report and summary.
    let outputs = setup.outputs();
    assert!(
        outputs.contains(&format!("commit-sha<<ghadelimiter_hh_gitops\n{head}\n")),
        "{outputs}"
    );
    assert!(
        outputs.contains("processed-files<<ghadelimiter_hh_gitops\n4\n"),
        "{outputs}"
    );
    assert!(
        outputs.contains("resources<<ghadelimiter_hh_gitops\n49\n"),
        "{outputs}"
    );
    assert!(
        outputs.contains("rejected-files<<ghadelimiter_hh_gitops\n0\n"),
        "{outputs}"
    );
    assert_eq!(setup.report()["commit"]["api_requests"], 1);
    let summary = std::fs::read_to_string(setup.repo.tmp.path().join("summary.md")).unwrap();
    assert!(summary.contains("## hh-gitops sync"), "{summary}");
    assert!(
        stdout(&out).contains("::group::gitops/hedgehog/fabric-1\n"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains(TOKEN) && !stderr(&out).contains(TOKEN));

    // A second run has nothing to do: no API call, no commit.
    let again = setup.push_sync();
    assert_exit(&again, 0);
    assert_eq!(setup.fake.requests(), 1);
    assert_eq!(setup.origin_count(), 2);
}

#[test]
fn a_branch_that_moves_before_the_commit_is_re_planned_and_nothing_is_lost() {
    let setup = Setup::new(None);
    setup.repo.write(
        "gitops/hedgehog/f/raw/first.yaml",
        vpc("first", 1001).as_bytes(),
    );
    setup.repo.commit_all("first raw file");
    setup.repo.git(&["push", "-q", "origin", "main"]);
    // While hh-gitops plans, someone pushes a second raw file.
    let origin = setup.repo.origin.clone();
    let other = setup.repo.tmp.path().join("other");
    let late = vpc("late", 1002);
    setup.fake.inject(Fault::Before(Box::new(move |_| {
        push_from_elsewhere(
            &origin,
            &other,
            "gitops/hedgehog/f/raw/late.yaml",
            &late,
            "late raw file",
        );
    })));

    let out = setup.push_sync();
    assert_exit(&out, 0);
    assert_eq!(setup.fake.commits_made(), 1);
    assert_eq!(setup.report()["commit"]["plans"], 2);
    let log = setup
        .repo
        .git_in(&setup.repo.origin, &["log", "--format=%s", "main"]);
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "hh-gitops: move 2 raw files to managed (2 resources)",
            "late raw file",
            "first raw file",
            "seed"
        ]
    );
    let files = setup.repo.git_in(
        &setup.repo.origin,
        &["ls-tree", "-r", "--name-only", "main", "gitops"],
    );
    assert_eq!(
        files.lines().collect::<Vec<_>>(),
        [
            "gitops/hedgehog/f/managed/vpcs/first.yaml",
            "gitops/hedgehog/f/managed/vpcs/late.yaml",
            "gitops/hedgehog/f/raw/.gitkeep"
        ]
    );
    assert_eq!(
        setup.repo.git(&["rev-parse", "HEAD"]).trim(),
        setup.origin_head()
    );
}

#[test]
fn a_lost_answer_after_a_successful_mutation_is_neither_a_failure_nor_a_second_commit() {
    let setup = Setup::new(Some("gitops-test-1"));
    setup.fake.inject(Fault::LoseAnswer);
    let out = setup.push_sync();
    assert_exit(&out, 0);
    assert_eq!(setup.fake.commits_made(), 1);
    assert_eq!(setup.origin_count(), 2);
    assert_eq!(setup.report()["commit"]["sha"], setup.origin_head());
    assert_eq!(
        setup.repo.git(&["rev-parse", "HEAD"]).trim(),
        setup.origin_head()
    );
}

#[test]
fn rate_limits_and_server_errors_are_retried() {
    // `retry-after: 0`, so that the test sleeps no second: what a `retry-after` asks for
    // is proven by `reply`'s unit tests.
    let setup = Setup::new(Some("gitops-test-1"));
    setup.fake.inject(Fault::Status(
        403,
        vec![("retry-after", "0".into())],
        r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}"#.into(),
    ));
    setup.fake.inject(Fault::Status(
        429,
        vec![("retry-after", "0".into())],
        r#"{"message":"API rate limit exceeded"}"#.into(),
    ));
    let out = setup.push_sync();
    assert_exit(&out, 0);
    assert_eq!(setup.fake.commits_made(), 1);
    assert_eq!(setup.origin_count(), 2);

    let second = Setup::new(Some("gitops-test-1"));
    second.fake.inject(Fault::Status(
        502,
        vec![],
        "<html>Bad Gateway</html>".into(),
    ));
    let out = second.push_sync();
    assert_exit(&out, 0);
    assert_eq!(second.fake.commits_made(), 1);
}

#[test]
fn permission_problems_fail_at_once_with_the_fix() {
    let setup = Setup::new(Some("gitops-test-1"));
    let out = setup.sync("read-only-token", "push", "refs/heads/main", &[]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("permissions: contents: write"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("::error title=hh-gitops::"),
        "{}",
        stdout(&out)
    );
    assert_eq!(setup.fake.requests(), 1, "no retry of a permanent failure");
    assert_eq!(setup.origin_count(), 1);
    assert!(setup.repo.work.join(F1).join("raw/prepop.yaml").exists());

    let out = setup.sync("wrong-token", "push", "refs/heads/main", &[]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("refused the token (401 Bad credentials)"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("wrong-token"));

    let forbidden = Setup::new(Some("gitops-test-1"));
    forbidden.fake.inject(Fault::Status(
        403,
        vec![],
        r#"{"message":"Resource not accessible by integration"}"#.into(),
    ));
    let out = forbidden.push_sync();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("permissions: contents: write"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pull_requests_and_tags_check_only() {
    let setup = Setup::new(Some("gitops-test-1"));
    setup.repo.write(
        &format!("{F1}/raw/bad.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    setup.repo.commit_all("bad");
    let out = setup.sync(TOKEN, "pull_request", "refs/pull/7/merge", &[]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("check only, nothing committed (a pull_request event is checked only; the move happens when the change reaches the branch): "),
        "{text}"
    );
    assert!(text.contains("::error file=gitops/hedgehog/fabric-1/raw/bad.yaml,line=2,col=7,title=hh-gitops%3A /kind::unknown kind ConfigMap"), "{text}");
    // Nothing moved, and no output says it did (issue 6, item 15).
    assert!(
        text.contains("\n  would move raw/prepop.yaml -> 46 resources\n"),
        "{text}"
    );
    assert!(
        text.contains(": 4 raw files would move (49 resources: "),
        "{text}"
    );
    assert!(!text.contains(" moved"), "{text}");
    let summary = std::fs::read_to_string(setup.repo.tmp.path().join("summary.md")).unwrap();
    assert!(
        summary.contains("4 raw files would move \\(49 resources"),
        "{summary}"
    );
    assert!(
        setup
            .outputs()
            .starts_with("processed-files<<ghadelimiter_hh_gitops\n4\n"),
        "{}",
        setup.outputs()
    );
    assert_eq!(setup.fake.requests(), 0);
    let out = setup.sync(TOKEN, "push", "refs/tags/v1", &["--no-fail-on-rejected"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("refs/tags/v1 is a tag"),
        "{}",
        stdout(&out)
    );
    assert_eq!(setup.fake.requests(), 0);
}

/// Issue 10 item 2: a merge queue's `merge_group` run checks and never sends a mutation, so
/// a required hh-gitops check cannot block the queue.
#[test]
fn a_merge_queue_run_checks_only_and_sends_no_request() {
    let setup = Setup::new(Some("gitops-test-1"));
    let before = setup.origin_head();
    let out = setup.action_sync(
        "auto",
        "merge_group",
        "refs/heads/gh-readonly-queue/main/pr-7-0123456789abcdef0123456789abcdef01234567",
        &[],
    );
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("\ncheck only, nothing committed (a merge queue run (merge_group) is checked only; the move happens when the queue merges into main): 4 raw files would move (49 resources: "),
        "{text}"
    );
    assert_eq!(setup.fake.requests(), 0);
    assert_eq!(setup.origin_head(), before);
    let summary = std::fs::read_to_string(setup.repo.tmp.path().join("summary.md")).unwrap();
    assert!(
        summary.starts_with("## hh-gitops sync (check only)\n"),
        "{summary}"
    );
}

/// Issue 10 item 14: the action's `mode: check` (which passes `--commit=none`) and
/// `mode: sync` on a pull request say what ran and why in the workflow's words.
#[test]
fn check_only_runs_say_why_in_the_words_of_the_action() {
    let setup = Setup::new(Some("gitops-test-1"));
    let out = setup.action_sync("check", "push", "refs/heads/main", &["--commit=none"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("\ncheck only, nothing committed (the action's `mode: check` never commits): 4 raw files would move"),
        "{text}"
    );
    assert!(
        !text.contains("--commit"),
        "no CLI flag in the action's log: {text}"
    );
    let summary = std::fs::read_to_string(setup.repo.tmp.path().join("summary.md")).unwrap();
    assert!(
        summary.starts_with("## hh-gitops sync (check only)\n"),
        "{summary}"
    );

    let out = setup.action_sync("sync", "pull_request", "refs/pull/7/merge", &[]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("\ncheck only, nothing committed (`mode: sync` only checks here: a pull_request event is checked only; the move happens when the change reaches the branch): "),
        "{}",
        stdout(&out)
    );
    assert_eq!(setup.fake.requests(), 0);
}

/// Issue 10 item 6: a commit made in the job and never pushed is found before planning:
/// no request to the API, no backoff, and a message that says what to do.
#[test]
fn an_unpushed_local_commit_fails_at_once_and_says_to_push_first() {
    let setup = Setup::new(Some("gitops-test-1"));
    let before = setup.origin_head();
    setup.repo.write(
        &format!("{F1}/raw/vpc-9.yaml"),
        vpc("vpc-9", 1009).as_bytes(),
    );
    setup.repo.commit_all("local only");
    let head = setup.repo.git(&["rev-parse", "HEAD"]);
    let out = setup.push_sync();
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        format!(
            "hh-gitops: error: the checkout's HEAD {} is not on the remote branch main (which is at {before}): it is a commit made in this job and never pushed, and GitHub can only commit on top of the branch as it is there. Nothing was done: push that commit first, or run hh-gitops before making it\n",
            head.trim()
        )
    );
    assert_eq!(setup.fake.requests(), 0, "no request, no mutation");
    assert_eq!(setup.origin_head(), before);
    assert_eq!(
        setup.repo.git(&["rev-parse", "HEAD"]),
        head,
        "the checkout is untouched"
    );
}

#[test]
fn api_calls_per_sync_do_not_grow_with_the_number_of_files() {
    for files in [1usize, 100, 1000] {
        let setup = Setup::new(None);
        for i in 0..files {
            setup.repo.write(
                &format!("gitops/hedgehog/f/raw/v{i}.yaml"),
                unique_vpc(&format!("v{i}"), i as u32).as_bytes(),
            );
        }
        setup.repo.commit_all("raw files");
        setup.repo.git(&["push", "-q", "origin", "main"]);
        let out = setup.push_sync();
        assert_exit(&out, 0);
        assert_eq!(setup.fake.requests(), 1, "{files} raw files");
        let managed = setup.repo.git_in(
            &setup.repo.origin,
            &[
                "ls-tree",
                "-r",
                "--name-only",
                "main",
                "gitops/hedgehog/f/managed/vpcs",
            ],
        );
        assert_eq!(managed.lines().count(), files);
        println!(
            "{files} raw files: {} API request(s)",
            setup.fake.requests()
        );
    }
}

#[test]
fn github_enterprise_endpoints_work_and_a_wrong_one_fails_clearly() {
    let setup = Setup::new(Some("gitops-test-1"));
    let ghes = setup.fake.graphql_url.replace("/graphql", "/api/graphql");
    let out = setup.sync_at(&ghes, TOKEN, "push", "refs/heads/main", &[]);
    assert_exit(&out, 0);
    assert_eq!(setup.fake.commits_made(), 1);

    let other = Setup::new(Some("gitops-test-1"));
    let wrong = other.fake.graphql_url.replace("/graphql", "/v3/graphql");
    let out = other.sync_at(&wrong, TOKEN, "push", "refs/heads/main", &[]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("(404 Not Found): check GITHUB_REPOSITORY, GITHUB_GRAPHQL_URL"),
        "{}",
        stderr(&out)
    );
    assert_eq!(other.fake.requests(), 1, "a 404 is not retried");
    assert!(other.repo.work.join(F1).join("raw/prepop.yaml").exists());
}

/// Ten raw files of three VPCs each, pushed; returns the tree the local git backend makes
/// of the same repository (one commit), to compare the split result with.
fn ten_raw_files(setup: &Setup) -> String {
    let write = |repo: &Repo| {
        for file in 0..10 {
            let docs: Vec<String> = (0..3)
                .map(|i| unique_vpc(&format!("v{file}-{i}"), file * 3 + i))
                .collect();
            repo.write(
                &format!("gitops/hedgehog/f/raw/v{file}.yaml"),
                docs.join("---\n").as_bytes(),
            );
        }
        repo.commit_all("raw files");
    };
    write(&setup.repo);
    setup.repo.git(&["push", "-q", "origin", "main"]);
    let reference = Repo::new(None);
    write(&reference);
    assert_exit(&reference.sync(&[]), 0);
    reference.git(&["rev-parse", "HEAD^{tree}"])
}

/// Asserts that every commit in `range` on origin moves whole raw files: each deleted
/// `raw/vN.yaml` comes with its three managed files, and no managed file comes without its
/// raw file. Returns the commits, oldest first.
fn assert_whole_raw_files_per_commit(setup: &Setup, range: &str) -> Vec<String> {
    let commits: Vec<String> = setup
        .repo
        .git_in(&setup.repo.origin, &["rev-list", "--reverse", range])
        .lines()
        .map(str::to_owned)
        .collect();
    for commit in &commits {
        let changed = setup.repo.git_in(
            &setup.repo.origin,
            &["diff-tree", "--no-commit-id", "--name-status", "-r", commit],
        );
        let mut deleted: Vec<String> = Vec::new();
        let mut added: Vec<String> = Vec::new();
        for line in changed.lines() {
            let (status, path) = line.split_once('\t').unwrap();
            if path == "gitops/hedgehog/f/raw/.gitkeep" {
                assert_eq!(
                    (status, commit),
                    ("A", &commits[0]),
                    "raw/ keeps its .gitkeep from the first part on"
                );
            } else if let Some(raw) = path.strip_prefix("gitops/hedgehog/f/raw/") {
                assert_eq!(status, "D", "{line}");
                deleted.push(raw.trim_end_matches(".yaml").to_owned());
            } else if let Some(vpc) = path.strip_prefix("gitops/hedgehog/f/managed/vpcs/") {
                assert_eq!(status, "A", "{line}");
                added.push(vpc.trim_end_matches(".yaml").to_owned());
            }
        }
        let mut expected: Vec<String> = deleted
            .iter()
            .flat_map(|raw| (0..3).map(move |i| format!("{raw}-{i}")))
            .collect();
        expected.sort();
        added.sort();
        assert_eq!(added, expected, "commit {commit} moves whole raw files");
    }
    commits
}

/// Issue 10 item 8: a move over `--max-commit-size` becomes as few chained commits as fit,
/// each holding whole raw files; every output and report names them all.
#[test]
fn a_move_over_the_size_limit_is_split_into_chained_commits_of_whole_raw_files() {
    let setup = Setup::new(None);
    let expected_tree = ten_raw_files(&setup);
    let base = setup.origin_head();
    let out = setup.sync(
        TOKEN,
        "push",
        "refs/heads/main",
        &["--max-commit-size=4000"],
    );
    assert_exit(&out, 0);
    let commits = assert_whole_raw_files_per_commit(&setup, &format!("{base}..main"));
    assert_eq!(commits.len(), 5, "as few commits as fit");
    assert_eq!(setup.fake.commits_made(), 5);
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["rev-parse", "main^{tree}"]),
        expected_tree
    );
    assert_eq!(
        setup.repo.git(&["rev-parse", "HEAD"]).trim(),
        commits[4],
        "the checkout follows"
    );
    let text = stdout(&out);
    assert!(
        text.contains(
            "\nthe move was split into 5 commits, each holding whole raw files, because the move is about "
        ) && text.contains(&format!(
            " bytes as sent, over the 4000-byte limit of one API commit (--max-commit-size): {}\ncommitted {}: 10 raw files moved (30 resources: ",
            commits.join(", "),
            commits[4]
        )),
        "{text}"
    );
    let outputs = setup.outputs();
    assert!(
        outputs.contains(&format!(
            "commit-sha<<ghadelimiter_hh_gitops\n{}\nghadelimiter_hh_gitops\ncommits<<ghadelimiter_hh_gitops\n{}\n",
            commits[4],
            commits.join(" ")
        )),
        "{outputs}"
    );
    let report = setup.report();
    assert_eq!(report["commit"]["commits"], serde_json::json!(commits));
    let first = setup.repo.git_in(
        &setup.repo.origin,
        &["log", "-1", "--format=%B", &commits[0]],
    );
    assert!(
        first.starts_with("hh-gitops: move 10 raw files to managed (30 resources) (part 1)\n\nThis part moves:\n  gitops/hedgehog/f/raw/v0.yaml\n  gitops/hedgehog/f/raw/v1.yaml\n\nThe whole move, split into parts GitHub accepts:\ngitops/hedgehog/f: 10 files -> 30 resources"),
        "{first}"
    );
    let summary = std::fs::read_to_string(setup.repo.tmp.path().join("summary.md")).unwrap();
    assert!(
        summary.contains(
            "\n\n**the move was split into 5 commits, each holding whole raw files, because"
        ),
        "{summary}"
    );
    let titles = setup.repo.git_in(
        &setup.repo.origin,
        &["log", "--format=%s", &format!("{base}..main")],
    );
    assert_eq!(
        titles,
        "hh-gitops: move 10 raw files to managed (30 resources) (part 5)\nhh-gitops: move 10 raw files to managed (30 resources) (part 4)\nhh-gitops: move 10 raw files to managed (30 resources) (part 3)\nhh-gitops: move 10 raw files to managed (30 resources) (part 2)\nhh-gitops: move 10 raw files to managed (30 resources) (part 1)\n"
    );
}

/// Issue 10 item 8: a commit GitHub refuses as too large (413, or no answer while it did not
/// land) is halved and sent again, never resent whole; a single raw file too large on its
/// own fails with the fix.
#[test]
fn a_commit_github_refuses_as_too_large_is_halved_and_a_lone_raw_file_fails_clearly() {
    let setup = Setup::new(None);
    let expected_tree = ten_raw_files(&setup);
    let base = setup.origin_head();
    setup.fake.limit_body(9000);
    let out = setup.push_sync();
    assert_exit(&out, 0);
    let commits = assert_whole_raw_files_per_commit(&setup, &format!("{base}..main"));
    assert!(commits.len() > 1);
    assert!(setup.fake.refused_too_large() >= 1);
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["rev-parse", "main^{tree}"]),
        expected_tree
    );
    assert!(
        stdout(&out).contains(" bytes as too large (413 Request body too large): "),
        "{}",
        stdout(&out)
    );

    // No answer to a large request that did not land: split, not resent whole.
    let timed_out = Setup::new(None);
    let expected_tree = ten_raw_files(&timed_out);
    let base = timed_out.origin_head();
    timed_out.fake.inject(Fault::Drop);
    let out = timed_out.push_sync();
    assert_exit(&out, 0);
    assert_eq!(
        assert_whole_raw_files_per_commit(&timed_out, &format!("{base}..main")).len(),
        2,
        "halved once"
    );
    assert_eq!(
        timed_out
            .repo
            .git_in(&timed_out.repo.origin, &["rev-parse", "main^{tree}"]),
        expected_tree
    );
    assert!(
        stdout(&out)
            .contains(" bytes as too large (no answer in time, and the commit did not land): "),
        "{}",
        stdout(&out)
    );

    let lone = Setup::new(None);
    ten_raw_files(&lone);
    let before = lone.origin_head();
    lone.fake.limit_body(1200);
    let out = lone.push_sync();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).starts_with("hh-gitops: error: GitHub refused the commit as too large (413 Request body too large), and it holds one raw file's move, which is never cut: split that raw file into smaller ones"),
        "{}",
        stderr(&out)
    );
    assert_eq!(lone.origin_head(), before, "nothing was committed");
}

/// The trailers `Hh-Gitops-Run: …` of a commit on origin.
fn run_markers(setup: &Setup, commit: &str) -> Vec<String> {
    setup
        .repo
        .git_in(
            &setup.repo.origin,
            &[
                "log",
                "-1",
                "--format=%(trailers:key=Hh-Gitops-Run,valueonly)",
                commit,
            ],
        )
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The value of a step output in an outputs file.
fn output_value(outputs: &str, name: &str) -> String {
    let start = format!("{name}<<ghadelimiter_hh_gitops\n");
    let rest = &outputs[outputs
        .find(&start)
        .unwrap_or_else(|| panic!("{name} in {outputs}"))
        + start.len()..];
    rest[..rest.find("\nghadelimiter_hh_gitops\n").unwrap()].to_owned()
}

/// Issue 18 item 1: two jobs of one matrix (same run id and attempt, same default title)
/// race. Job A's mutation meets a secondary rate limit while job B commits; A recognises
/// its commit by its run marker only, so it does not take B's for its own: it plans again
/// on top of B's, and each job reports the commit that moved its file.
#[test]
fn two_matrix_jobs_with_the_same_title_each_report_their_own_commit() {
    let setup = Setup::new(None);
    setup
        .repo
        .write("gitops/hedgehog/fa/raw/a.yaml", vpc("a", 1001).as_bytes());
    setup
        .repo
        .write("gitops/hedgehog/fb/raw/b.yaml", vpc("b", 1002).as_bytes());
    setup.repo.commit_all("raw files of two fabrics");
    setup.repo.git(&["push", "-q", "origin", "main"]);
    let seed = setup.origin_head();
    let b_work = setup.repo.tmp.path().join("b");
    let b_files = setup.repo.tmp.path().join("b-files");
    std::fs::create_dir_all(&b_files).unwrap();
    setup.repo.git_in(
        setup.repo.tmp.path(),
        &[
            "clone",
            "-q",
            setup.repo.origin.to_str().unwrap(),
            b_work.to_str().unwrap(),
        ],
    );
    let job = |work: &Path, files: &Path, fabric: &str| {
        let mut command = setup.command_in(
            work,
            files,
            &setup.fake.graphql_url,
            TOKEN,
            "push",
            "refs/heads/main",
            &[&format!("--fabrics=gitops/hedgehog/{fabric}")],
        );
        command
            .env("GITHUB_RUN_ID", "4242")
            .env("GITHUB_RUN_ATTEMPT", "1");
        command
    };
    // Job B runs while job A's mutation is held up by a secondary rate limit.
    let mut job_b = job(&b_work, &b_files, "fb");
    let b_out = std::sync::Arc::new(std::sync::Mutex::new(None));
    let b_result = std::sync::Arc::clone(&b_out);
    setup.fake.inject_on_mutation(
        1,
        Fault::Meanwhile(
            Box::new(move |_| *b_result.lock().unwrap() = Some(output(&mut job_b))),
            Box::new(Fault::Status(
                403,
                vec![("retry-after", "0".into())],
                r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#.into(),
            )),
        ),
    );
    let a_out = output(&mut job(&setup.repo.work, setup.repo.tmp.path(), "fa"));
    assert_exit(&a_out, 0);
    let b_out = b_out.lock().unwrap().take().expect("job B ran");
    assert_exit(&b_out, 0);
    assert!(
        stderr(&a_out).contains("hh-gitops: GitHub's rate limit is used up (You have exceeded a secondary rate limit. Please wait a few minutes before you try again.): waiting 0.0s for its reset, then trying again (retry 1 of 4)\n"),
        "{}",
        stderr(&a_out)
    );

    // Each job names its own commit, and each commit moves that job's file.
    let a_sha = output_value(&setup.outputs(), "commit-sha");
    let b_sha = output_value(
        &std::fs::read_to_string(b_files.join("output")).unwrap(),
        "commit-sha",
    );
    assert_eq!(setup.origin_head(), a_sha, "A planned again on top of B");
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["rev-parse", "main^"])
            .trim(),
        b_sha
    );
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["rev-parse", "main^^"])
            .trim(),
        seed
    );
    let moved = |commit: &str| {
        setup.repo.git_in(
            &setup.repo.origin,
            &["diff-tree", "--no-commit-id", "--name-status", "-r", commit],
        )
    };
    assert_eq!(
        moved(&a_sha),
        "A\tgitops/hedgehog/fa/managed/vpcs/a.yaml\nA\tgitops/hedgehog/fa/raw/.gitkeep\nD\tgitops/hedgehog/fa/raw/a.yaml\n"
    );
    assert_eq!(
        moved(&b_sha),
        "A\tgitops/hedgehog/fb/managed/vpcs/b.yaml\nA\tgitops/hedgehog/fb/raw/.gitkeep\nD\tgitops/hedgehog/fb/raw/b.yaml\n"
    );
    // Same run, same title, each with a marker of its own.
    let (a_marker, b_marker) = (run_markers(&setup, &a_sha), run_markers(&setup, &b_sha));
    assert_eq!(a_marker.len(), 1);
    assert!(a_marker[0].starts_with("4242.1.") && b_marker[0].starts_with("4242.1."));
    assert_ne!(a_marker, b_marker);
    let title = |commit: &str| {
        setup
            .repo
            .git_in(&setup.repo.origin, &["log", "-1", "--format=%s", commit])
    };
    assert_eq!(title(&a_sha), title(&b_sha));

    // A's checkout is at its commit, whole: nothing left in raw/, no journal, and a later
    // sync in it has nothing to do.
    assert_eq!(setup.repo.git(&["rev-parse", "HEAD"]).trim(), a_sha);
    assert_eq!(
        setup.repo.files_under("gitops/hedgehog/fa/raw"),
        [".gitkeep"]
    );
    assert_eq!(
        setup
            .repo
            .git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    assert!(!setup.repo.work.join(".git/hh-gitops-journal.json").exists());
    let requests = setup.fake.requests();
    let again = output(&mut job(&setup.repo.work, setup.repo.tmp.path(), "fa"));
    assert_exit(&again, 0);
    assert!(
        stdout(&again).contains("no commit (nothing to change)"),
        "{}",
        stdout(&again)
    );
    assert_eq!(setup.fake.requests(), requests);
}

/// Issue 18 item 1: the answer to the mutation is lost and someone pushes right after our
/// commit landed: the branch head is not ours, yet the search by run marker finds our
/// commit below it (page by page) and reports it; nothing is sent twice.
#[test]
fn a_lost_answer_followed_by_another_push_still_finds_and_reports_the_commit() {
    let setup = Setup::new(Some("gitops-test-1"));
    setup.fake.page_size(1);
    let origin = setup.repo.origin.clone();
    let other = setup.repo.tmp.path().join("other");
    setup.fake.inject(Fault::LoseAnswerThen(Box::new(move |_| {
        push_from_elsewhere(&origin, &other, "README.md", "changed\n", "someone else");
    })));
    let out = setup.push_sync();
    assert_exit(&out, 0);
    assert_eq!(setup.fake.mutation_requests(), 1, "never resent");
    assert_eq!(setup.fake.commits_made(), 1);
    let ours = setup
        .repo
        .git_in(&setup.repo.origin, &["rev-parse", "main^"])
        .trim()
        .to_owned();
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["log", "-1", "--format=%s", "main"])
            .trim(),
        "someone else"
    );
    assert_eq!(output_value(&setup.outputs(), "commit-sha"), ours);
    assert_eq!(setup.report()["commit"]["sha"], ours.as_str());
    assert_eq!(setup.report()["commit"]["plans"], 1);
    assert_eq!(setup.repo.git(&["rev-parse", "HEAD"]).trim(), ours);
    assert_eq!(setup.repo.files_under(&format!("{F1}/raw")), [".gitkeep"]);
}

const SOMETHING_WENT_WRONG: &str = r#"{"data":null,"errors":[{"message":"Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `E4A2:1B3C:5D6E7F:8090A1:6789ABCD` when reporting this issue."}]}"#;

/// Issue 18 item 4: GitHub's "Something went wrong" comes with HTTP 200 and says nothing of
/// whether the mutation was carried out. When it was, the commit is found by its marker and
/// not sent again; when it was not, the mutation is sent again.
#[test]
fn something_went_wrong_after_the_commit_landed_is_not_resent() {
    let setup = Setup::new(Some("gitops-test-1"));
    setup
        .fake
        .inject(Fault::Answer(200, vec![], SOMETHING_WENT_WRONG.into()));
    let out = setup.push_sync();
    assert_exit(&out, 0);
    assert_eq!(setup.fake.mutation_requests(), 1, "not resent");
    assert_eq!(setup.origin_count(), 2);
    assert_eq!(setup.report()["commit"]["sha"], setup.origin_head());
    assert!(
        stderr(&out).contains("hh-gitops: GitHub could not finish the request (Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `E4A2:1B3C:5D6E7F:8090A1:6789ABCD` when reporting this issue.): waiting 0.0s before trying again (retry 1 of 4)\n"),
        "{}",
        stderr(&out)
    );

    let not_landed = Setup::new(Some("gitops-test-1"));
    not_landed
        .fake
        .inject(Fault::Status(200, vec![], SOMETHING_WENT_WRONG.into()));
    let out = not_landed.push_sync();
    assert_exit(&out, 0);
    assert_eq!(not_landed.fake.mutation_requests(), 2, "sent again");
    assert_eq!(not_landed.fake.commits_made(), 1);
    assert_eq!(not_landed.origin_count(), 2);
}

/// Issue 18 item 4: GraphQL's rate limit comes as `RATE_LIMITED` with HTTP 200 and
/// `x-ratelimit-remaining: 0`: the run waits for `x-ratelimit-reset` (here due now, so the
/// test waits no second; `reply`'s unit tests prove the wait is the time to the reset),
/// says so in the log, and commits; a reset too far away fails at once, naming it.
#[test]
fn a_graphql_rate_limit_with_http_200_is_waited_out_or_named() {
    const LIMITED: &str = r#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for installation ID 1234."}]}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let limited = |reset: u64| {
        Fault::Status(
            200,
            vec![
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", reset.to_string()),
            ],
            LIMITED.into(),
        )
    };
    let setup = Setup::new(Some("gitops-test-1"));
    setup.fake.inject(limited(now));
    let out = setup.push_sync();
    assert_exit(&out, 0);
    assert_eq!(setup.fake.commits_made(), 1);
    assert_eq!(setup.fake.mutation_requests(), 2);
    let log = stderr(&out);
    assert!(
        log.contains("hh-gitops: GitHub's rate limit is used up (RATE_LIMITED: API rate limit exceeded for installation ID 1234.): waiting ")
            && log.contains("s for its reset, then trying again (retry 1 of 4)\n"),
        "{log}"
    );

    let later = Setup::new(Some("gitops-test-1"));
    later.fake.inject(limited(now + 7200));
    let out = later.push_sync();
    assert_exit(&out, 2);
    let error = stderr(&out);
    assert!(
        error.starts_with("hh-gitops: error: GitHub's rate limit is used up until ")
            && error.contains("s from now), longer than hh-gitops waits (600s): run again after that (API rate limit exceeded for installation ID 1234.)\n"),
        "{error}"
    );
    assert_eq!(later.fake.requests(), 1, "no wait, no retry");
    assert_eq!(later.origin_count(), 1);
    assert!(later.repo.work.join(F1).join("raw/prepop.yaml").exists());
}

/// Issue 18 item 4: a ruleset or branch protection refusing the commit fails at once with
/// the two ways out the README gives: a token that may bypass the rule, or a pull-request
/// flow.
#[test]
fn a_protected_branch_refusal_names_both_ways_out() {
    let setup = Setup::new(Some("gitops-test-1"));
    setup.fake.inject(Fault::Status(
        200,
        vec![],
        r#"{"data":{"createCommitOnBranch":null},"errors":[{"type":"UNPROCESSABLE","path":["createCommitOnBranch"],"message":"Repository rule violations found\n\nChanges must be made through a pull request.\n\n"}]}"#.into(),
    ));
    let out = setup.push_sync();
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: GitHub refused the commit: main is protected by a ruleset or branch protection (Repository rule violations found Changes must be made through a pull request.). hh-gitops commits as the owner of the `token` input, so either let that token bypass the rule (put a GitHub App or user on the rule's bypass list and pass its token as the `token` input; the workflow's own GITHUB_TOKEN cannot be put on one), or move the files by pull request (run the workflow on pushes to other branches, where hh-gitops commits the move, and merge those into main)\n"
    );
    assert_eq!(setup.fake.requests(), 1, "not retried");
    assert_eq!(setup.origin_count(), 1);
    let readme = crate::common::readme();
    assert!(
        readme.contains("bypass list") && readme.contains("pushes to other branches"),
        "the README gives the same two ways out"
    );

    let classic = Setup::new(Some("gitops-test-1"));
    classic.fake.inject(Fault::Status(
        200,
        vec![],
        r#"{"data":{"createCommitOnBranch":null},"errors":[{"type":"BRANCH_PROTECTION_RULE_VIOLATION","message":"Protected branch update failed for refs/heads/main."}]}"#.into(),
    ));
    let out = classic.push_sync();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).starts_with("hh-gitops: error: GitHub refused the commit: main is protected by a ruleset or branch protection (Protected branch update failed for refs/heads/main.). hh-gitops commits as the owner of the `token` input, so either let that token bypass the rule"),
        "{}",
        stderr(&out)
    );
}

/// Writes [`crate::common::WIRED_FABRIC`] into the fabric `f`'s `managed/`.
fn wired(setup: &Setup) {
    for (path, text) in crate::common::WIRED_FABRIC {
        setup.repo.write(
            &format!("gitops/hedgehog/f/managed/{path}"),
            text.as_bytes(),
        );
    }
}

/// A fabric of [`crate::common::WIRED_FABRIC`] in `managed/`, and two raw files where the first in
/// path order attaches to the VPC of the second.
fn attachment_before_its_vpc(setup: &Setup) {
    wired(setup);
    setup.repo.write(
        "gitops/hedgehog/f/raw/a-attach.yaml",
        crate::common::attachment("zz").as_bytes(),
    );
    setup.repo.write(
        "gitops/hedgehog/f/raw/m-vpc.yaml",
        crate::common::vpc_on("zz", "10.0.5.0/24", 1005).as_bytes(),
    );
    setup.repo.commit_all("an attachment and its VPC");
    setup.repo.git(&["push", "-q", "origin", "main"]);
}

/// Issue 18 item 2: a split move lands what others refer to first. When the second part
/// fails, the first holds the VPC (not the attachment that comes first by path), so
/// managed/ on the branch is a consistent fabric on its own: `hh-gitops check
/// --references strict` passes on a clone of it without raw/. The failure names the part
/// that landed and never says that nothing was committed; a later run moves the rest.
#[test]
fn a_split_move_interrupted_after_its_first_part_leaves_no_dangling_reference() {
    let setup = Setup::new(None);
    attachment_before_its_vpc(&setup);
    let base = setup.origin_head();
    setup.fake.fail_mutations_from(
        2,
        200,
        vec![],
        r#"{"data":null,"errors":[{"type":"FORBIDDEN","message":"Resource not accessible by integration"}]}"#,
    );
    let out = setup.sync(TOKEN, "push", "refs/heads/main", &["--max-commit-size=1"]);
    assert_exit(&out, 2);
    let part_1 = setup.origin_head();
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["rev-parse", "main^"])
            .trim(),
        base,
        "one part landed"
    );
    assert_eq!(
        stderr(&out),
        format!(
            "hh-gitops: error: the commit landed: {part_1}, then: GitHub refused the commit (Resource not accessible by integration): give the workflow `permissions: contents: write`, or pass a token that may push to main; run hh-gitops again to move the rest\n"
        )
    );
    assert!(!stderr(&out).contains("nothing was committed"));
    assert_eq!(
        setup.repo.git_in(
            &setup.repo.origin,
            &[
                "diff-tree",
                "--no-commit-id",
                "--name-status",
                "-r",
                &part_1
            ],
        ),
        "A\tgitops/hedgehog/f/managed/vpcs/zz.yaml\nA\tgitops/hedgehog/f/raw/.gitkeep\nD\tgitops/hedgehog/f/raw/m-vpc.yaml\n"
    );

    // managed/ on the branch, alone, is a consistent fabric.
    let branch = setup.repo.tmp.path().join("branch");
    setup.repo.git_in(
        setup.repo.tmp.path(),
        &[
            "clone",
            "-q",
            setup.repo.origin.to_str().unwrap(),
            branch.to_str().unwrap(),
        ],
    );
    std::fs::remove_file(branch.join("gitops/hedgehog/f/raw/a-attach.yaml")).unwrap();
    let check = output(
        bin()
            .args(["check", "--references", "strict"])
            .current_dir(&branch),
    );
    assert_exit(&check, 0);

    // The checkout is at the part that landed; the next run moves the rest.
    assert_eq!(setup.repo.git(&["rev-parse", "HEAD"]).trim(), part_1);
    setup.fake.heal();
    let out = setup.sync(TOKEN, "push", "refs/heads/main", &["--max-commit-size=1"]);
    assert_exit(&out, 0);
    assert_eq!(
        setup
            .repo
            .git_in(&setup.repo.origin, &["rev-parse", "main^"])
            .trim(),
        part_1
    );
    assert_eq!(
        setup.repo.files_under("gitops/hedgehog/f/raw"),
        [".gitkeep"]
    );
}

/// Issue 18 item 2: someone pushes between two parts of a split move. The part that landed
/// stays, the rest (with the raw file pushed meanwhile) is planned again from the new head
/// and committed, and the run reports every commit and every moved file.
#[test]
fn a_push_between_two_parts_of_a_split_move_re_plans_the_rest() {
    let setup = Setup::new(None);
    for i in 0..3 {
        setup.repo.write(
            &format!("gitops/hedgehog/f/raw/v{i}.yaml"),
            unique_vpc(&format!("v{i}"), i).as_bytes(),
        );
    }
    setup.repo.commit_all("raw files");
    setup.repo.git(&["push", "-q", "origin", "main"]);
    let base = setup.origin_head();
    let origin = setup.repo.origin.clone();
    let other = setup.repo.tmp.path().join("other");
    let late = unique_vpc("late", 9);
    setup.fake.inject_on_mutation(
        2,
        Fault::Before(Box::new(move |_| {
            push_from_elsewhere(
                &origin,
                &other,
                "gitops/hedgehog/f/raw/late.yaml",
                &late,
                "late raw file",
            );
        })),
    );
    let out = setup.sync(TOKEN, "push", "refs/heads/main", &["--max-commit-size=1"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(!text.contains("nothing was committed"), "{text}");
    let titles = setup.repo.git_in(
        &setup.repo.origin,
        &["log", "--reverse", "--format=%s", &format!("{base}..main")],
    );
    assert_eq!(
        titles.lines().collect::<Vec<_>>(),
        [
            "hh-gitops: move 3 raw files to managed (3 resources) (part 1)",
            "late raw file",
            "hh-gitops: move 3 raw files to managed (3 resources) (part 1)",
            "hh-gitops: move 3 raw files to managed (3 resources) (part 2)",
            "hh-gitops: move 3 raw files to managed (3 resources) (part 3)",
        ]
    );
    let ours: Vec<String> = setup
        .repo
        .git_in(
            &setup.repo.origin,
            &[
                "log",
                "--reverse",
                "--format=%H %s",
                &format!("{base}..main"),
            ],
        )
        .lines()
        .filter(|line| !line.ends_with("late raw file"))
        .map(|line| line[..40].to_owned())
        .collect();
    let report = setup.report();
    assert_eq!(report["commit"]["commits"], serde_json::json!(ours));
    assert_eq!(report["commit"]["plans"], 2);
    let outputs = setup.outputs();
    assert_eq!(output_value(&outputs, "commits"), ours.join(" "));
    assert_eq!(output_value(&outputs, "commit-sha"), ours[3]);
    assert_eq!(output_value(&outputs, "processed-files"), "4");
    assert!(
        text.contains(&format!(
            "\ncommitted {}: 4 raw files moved (4 resources",
            ours[3]
        )),
        "{text}"
    );
    let files = setup.repo.git_in(
        &setup.repo.origin,
        &["ls-tree", "-r", "--name-only", "main", "gitops"],
    );
    assert_eq!(
        files.lines().collect::<Vec<_>>(),
        [
            "gitops/hedgehog/f/managed/vpcs/late.yaml",
            "gitops/hedgehog/f/managed/vpcs/v0.yaml",
            "gitops/hedgehog/f/managed/vpcs/v1.yaml",
            "gitops/hedgehog/f/managed/vpcs/v2.yaml",
            "gitops/hedgehog/f/raw/.gitkeep"
        ]
    );
    assert_eq!(setup.repo.git(&["rev-parse", "HEAD"]).trim(), ours[3]);
}

/// The commits of origin's main after `base`, oldest first, each with the files it changes
/// (`<status>\t<path>` lines).
fn commits_since(setup: &Setup, base: &str) -> Vec<(String, String)> {
    setup
        .repo
        .git_in(
            &setup.repo.origin,
            &["rev-list", "--reverse", &format!("{base}..main")],
        )
        .lines()
        .map(|commit| {
            let changed = setup.repo.git_in(
                &setup.repo.origin,
                &["diff-tree", "--no-commit-id", "--name-status", "-r", commit],
            );
            (commit.to_owned(), changed)
        })
        .collect()
}

/// A VPC `name` on `subnet` and `vlan` that relays DHCP to `relay` in the VPC `relay_vpc`.
fn relaying_vpc(name: &str, subnet: &str, vlan: u32, relay: &str, relay_vpc: &str) -> String {
    format!(
        "{}      dhcp:\n        relay: {relay}\n        relayVPC: {relay_vpc}\n",
        crate::common::vpc_on(name, subnet, vlan)
    )
}

/// Issue 18 item 2: the order of the parts of a split move. Raw files that refer to each
/// other (an update of VPC `a` relaying DHCP to a new VPC `b`, which relays to `a`) land in
/// one part; a move that takes an object out of managed/ (VPC `w`, which shared a managed
/// file with the VPC `v` a raw file replaces) lands after the move that stops a managed
/// attachment referring to it (the attachment moves to VPC `u`), though its raw file comes
/// first by path.
#[test]
fn split_parts_keep_what_refers_to_each_other_together_and_deletions_after_their_referrers() {
    let setup = Setup::new(None);
    wired(&setup);
    setup.repo.write(
        "gitops/hedgehog/f/managed/vpcs/a.yaml",
        crate::common::vpc_on("a", "10.0.1.0/24", 1001).as_bytes(),
    );
    setup.repo.write(
        "gitops/hedgehog/f/raw/a.yaml",
        relaying_vpc("a", "10.0.1.0/24", 1001, "10.0.2.200/32", "b").as_bytes(),
    );
    setup.repo.write(
        "gitops/hedgehog/f/raw/b.yaml",
        relaying_vpc("b", "10.0.2.0/24", 1002, "10.0.1.200/32", "a").as_bytes(),
    );
    setup.repo.write(
        "gitops/hedgehog/f/raw/c.yaml",
        crate::common::vpc_on("c", "10.0.3.0/24", 1003).as_bytes(),
    );
    setup
        .repo
        .commit_all("two VPCs relaying to each other, and one more");
    setup.repo.git(&["push", "-q", "origin", "main"]);
    let base = setup.origin_head();
    let out = setup.sync(TOKEN, "push", "refs/heads/main", &["--max-commit-size=1"]);
    assert_exit(&out, 0);
    let changed: Vec<String> = commits_since(&setup, &base)
        .into_iter()
        .map(|(_, changed)| changed)
        .collect();
    assert_eq!(
        changed,
        [
            "M\tgitops/hedgehog/f/managed/vpcs/a.yaml\nA\tgitops/hedgehog/f/managed/vpcs/b.yaml\nA\tgitops/hedgehog/f/raw/.gitkeep\nD\tgitops/hedgehog/f/raw/a.yaml\nD\tgitops/hedgehog/f/raw/b.yaml\n",
            "A\tgitops/hedgehog/f/managed/vpcs/c.yaml\nD\tgitops/hedgehog/f/raw/c.yaml\n",
        ]
    );

    let leaving = Setup::new(None);
    wired(&leaving);
    let two_vpcs = format!(
        "{}---\n{}",
        crate::common::vpc_on("v", "10.0.1.0/24", 1001),
        crate::common::vpc_on("w", "10.0.2.0/24", 1002)
    );
    leaving
        .repo
        .write("gitops/hedgehog/f/managed/vpcs/v.yaml", two_vpcs.as_bytes());
    leaving.repo.write(
        "gitops/hedgehog/f/managed/vpcs/u.yaml",
        crate::common::vpc_on("u", "10.0.3.0/24", 1003).as_bytes(),
    );
    leaving.repo.write(
        "gitops/hedgehog/f/managed/vpcattachments/att.yaml",
        crate::common::attachment("w")
            .replace("w--server-01", "att")
            .as_bytes(),
    );
    leaving.repo.write(
        "gitops/hedgehog/f/raw/a-v.yaml",
        crate::common::vpc_on("v", "10.0.1.0/24", 1001).as_bytes(),
    );
    leaving.repo.write(
        "gitops/hedgehog/f/raw/z-att.yaml",
        crate::common::attachment("u")
            .replace("u--server-01", "att")
            .as_bytes(),
    );
    leaving
        .repo
        .commit_all("VPC w leaves with v's file; att moves from w to u");
    leaving.repo.git(&["push", "-q", "origin", "main"]);
    let base = leaving.origin_head();
    let out = leaving.sync(TOKEN, "push", "refs/heads/main", &["--max-commit-size=1"]);
    assert_exit(&out, 0);
    let changed: Vec<String> = commits_since(&leaving, &base)
        .into_iter()
        .map(|(_, changed)| changed)
        .collect();
    assert_eq!(
        changed,
        [
            "M\tgitops/hedgehog/f/managed/vpcattachments/att.yaml\nA\tgitops/hedgehog/f/raw/.gitkeep\nD\tgitops/hedgehog/f/raw/z-att.yaml\n",
            "M\tgitops/hedgehog/f/managed/vpcs/v.yaml\nD\tgitops/hedgehog/f/raw/a-v.yaml\n",
        ]
    );
}

/// Issue 18 item 1: GitHub fails every attempt, and the last one lands all the same (its
/// answer a 502): no retry is left to look for it, so the run looks once more before it
/// gives up, finds its commit by its marker and reports it as made, not as a failure.
#[test]
fn a_commit_that_lands_on_the_last_attempt_is_found_and_reported() {
    let setup = Setup::new(Some("gitops-test-1"));
    let bad_gateway = || (502, vec![], r#"{"message":"Bad Gateway"}"#.to_owned());
    for n in 1..=4 {
        let (status, headers, body) = bad_gateway();
        setup
            .fake
            .inject_on_mutation(n, Fault::Status(status, headers, body));
    }
    let (status, headers, body) = bad_gateway();
    setup
        .fake
        .inject_on_mutation(5, Fault::Answer(status, headers, body));
    let out = setup.push_sync();
    assert_exit(&out, 0);
    assert_eq!(setup.fake.mutation_requests(), 5);
    assert_eq!(setup.fake.commits_made(), 1);
    assert_eq!(setup.origin_count(), 2);
    assert_eq!(setup.report()["commit"]["sha"], setup.origin_head());
}

/// Issue 18 item 3: someone pushes a broken fab.yaml between two parts of a split move.
/// Planning the rest fails, yet the part that landed is reported (outputs, report, summary)
/// and the run fails naming both.
#[test]
fn a_failed_re_plan_after_a_part_landed_still_reports_that_part() {
    let setup = Setup::new(None);
    for i in 0..3 {
        setup.repo.write(
            &format!("gitops/hedgehog/f/raw/v{i}.yaml"),
            unique_vpc(&format!("v{i}"), i).as_bytes(),
        );
    }
    setup.repo.commit_all("raw files");
    setup.repo.git(&["push", "-q", "origin", "main"]);
    let origin = setup.repo.origin.clone();
    let other = setup.repo.tmp.path().join("other");
    setup.fake.inject_on_mutation(
        2,
        Fault::Before(Box::new(move |_| {
            push_from_elsewhere(
                &origin,
                &other,
                "gitops/hedgehog/f/fab.yaml",
                "spec: [\n",
                "a broken fab.yaml",
            );
        })),
    );
    let out = setup.sync(TOKEN, "push", "refs/heads/main", &["--max-commit-size=1"]);
    assert_exit(&out, 2);
    let part_1 = setup
        .repo
        .git_in(&setup.repo.origin, &["rev-parse", "main^"])
        .trim()
        .to_owned();
    let report = setup.report();
    assert_eq!(report["commit"]["commits"], serde_json::json!([part_1]));
    assert_eq!(report["totals"]["moved_files"], 1, "{report}");
    let error = report["commit_error"].as_str().unwrap();
    assert!(
        error.starts_with("the branch moved, and planning the rest again failed: "),
        "{error}"
    );
    assert!(
        stderr(&out).contains(&format!(
            "the commit landed: {part_1}, then: the branch moved"
        )),
        "{}",
        stderr(&out)
    );
}
