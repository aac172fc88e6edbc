//! `hh-gitops sync` as the GitHub Action runs it: commits through the GraphQL API of a
//! stateful fake GitHub on 127.0.0.1 backed by the test's bare `origin`.

mod common;

use std::process::Output;

use common::fake_github::{FakeGithub, Fault};
use common::{Repo, assert_exit, bin, output, stderr, stdout, unique_vpc, vpc};

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
        let mut command = self.command(graphql_url, token, event, git_ref, extra);
        output(self.repo.isolate(&mut command))
    }

    /// Runs the sync as `action.yml` does for its `mode` input (passed as `INPUT_MODE`).
    fn action_sync(&self, mode: &str, event: &str, git_ref: &str, extra: &[&str]) -> Output {
        let mut command = self.command(&self.fake.graphql_url, TOKEN, event, git_ref, extra);
        command.env("INPUT_MODE", mode);
        output(self.repo.isolate(&mut command))
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
        let mut command = bin();
        command
            .args(["sync", "--repo"])
            .arg(&self.repo.work)
            .args(["--report-json"])
            .arg(self.repo.tmp.path().join("report.json"))
            .args(extra)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_REPOSITORY", "example/gitops")
            .env("GITHUB_REF", git_ref)
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_GRAPHQL_URL", graphql_url)
            .env("GITHUB_TOKEN", token)
            .env("GITHUB_OUTPUT", self.repo.tmp.path().join("output"))
            .env(
                "GITHUB_STEP_SUMMARY",
                self.repo.tmp.path().join("summary.md"),
            );
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
        let git = |dir: &std::path::Path, args: &[&str]| {
            let status = std::process::Command::new("git")
                .args(args)
                .current_dir(dir)
                .output()
                .unwrap();
            assert!(
                status.status.success(),
                "{}",
                String::from_utf8_lossy(&status.stderr)
            );
        };
        git(
            origin.parent().unwrap(),
            &[
                "clone",
                "-q",
                origin.to_str().unwrap(),
                other.to_str().unwrap(),
            ],
        );
        std::fs::write(other.join("gitops/hedgehog/f/raw/late.yaml"), late).unwrap();
        git(&other, &["add", "-A"]);
        git(
            &other,
            &[
                "-c",
                "user.name=O",
                "-c",
                "user.email=o@example.com",
                "commit",
                "-qm",
                "late raw file",
            ],
        );
        git(&other, &["push", "-q", "origin", "main"]);
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
    let setup = Setup::new(Some("gitops-test-1"));
    setup.fake.inject(Fault::Status(
        403,
        vec![("retry-after", "1".into())],
        r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}"#.into(),
    ));
    setup.fake.inject(Fault::Status(
        429,
        vec![("retry-after", "1".into())],
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
    let started = std::time::Instant::now();
    let out = setup.push_sync();
    assert_exit(&out, 2);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
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
