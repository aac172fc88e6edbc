//! The merge queue (issue 18 item 5): a `merge_group` run judges the queued change against
//! the commit the merge group was built on (`merge_group.base_sha` of the event payload at
//! `GITHUB_EVENT_PATH`), as a pull request is judged against its base. Real git: a bare
//! origin whose `main` is the base, the queue's temporary branch pushed to it, and a
//! one-commit clone of that branch, as actions/checkout makes it; hh-gitops run as the
//! action runs it on a `merge_group` event.

use std::path::Path;
use std::process::Output;

use crate::common::{Repo, WIRED_FABRIC, assert_exit, bin, output, stdout, vpc_on as vpc};

const F: &str = "gitops/hedgehog/f";

/// The warning lines of a raw file rejected on the base branch, untouched by the change.
const ALREADY: [&str; 2] = [
    "      gitops/hedgehog/f/raw/broken.yaml:1:1: warning: already on the base branch: missing required field `apiVersion`",
    "      gitops/hedgehog/f/raw/broken.yaml:1:1: warning: already on the base branch: missing required field `metadata` (with `name`)",
];

/// A repository whose `main` (pushed to origin) holds a consistent fabric, plus
/// `base_raw` files in its raw/ folder; the clone is left on branch `queued` at main.
/// Returns it and main's commit.
fn base(base_raw: &[(&str, &str)]) -> (Repo, String) {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(
        &format!("{F}/managed/vpcs/vpc-1.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    for (name, text) in base_raw {
        repo.write(&format!("{F}/raw/{name}"), text.as_bytes());
    }
    repo.commit_all("the fabric");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["checkout", "-q", "-b", "queued"]);
    let main = head(&repo);
    (repo, main)
}

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

/// The queue's temporary branch for pull request `pr` (as GitHub names it).
fn queue_branch(pr: u32) -> String {
    format!("gh-readonly-queue/main/pr-{pr}-0123456789abcdef0123456789abcdef01234567")
}

/// Commits the clone's work tree as the merge group of pull request `pr`, pushes it to
/// the queue's branch and returns that branch.
fn queue(repo: &Repo, pr: u32, message: &str) -> String {
    repo.commit_all(message);
    let branch = queue_branch(pr);
    repo.git(&["push", "-q", "origin", &format!("HEAD:refs/heads/{branch}")]);
    branch
}

/// hh-gitops as the action runs it on a `merge_group` event for the queue branch
/// `branch` whose payload names `base_sha`, in a one-commit clone of that branch. The job
/// summary is written to `summary.md` in the repository's temp folder.
fn merge_group_run(repo: &Repo, branch: &str, base_sha: &str) -> Output {
    let checkout = repo.tmp.path().join(branch.replace('/', "-"));
    repo.git_in(
        repo.tmp.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            branch,
            &format!("file://{}", repo.origin.display()),
            checkout.to_str().unwrap(),
        ],
    );
    let payload = repo.tmp.path().join("event.json");
    let event = serde_json::json!({
        "action": "checks_requested",
        "merge_group": {
            "head_sha": repo.git_in(&checkout, &["rev-parse", "HEAD"]).trim(),
            "head_ref": format!("refs/heads/{branch}"),
            "base_sha": base_sha,
            "base_ref": "refs/heads/main",
        },
    });
    std::fs::write(&payload, event.to_string()).unwrap();
    run_in(repo, &checkout, branch, Some(&payload))
}

/// hh-gitops on a `merge_group` event in `dir`, with the event payload at `payload`.
fn run_in(repo: &Repo, dir: &Path, branch: &str, payload: Option<&Path>) -> Output {
    run_in_with(repo, dir, branch, payload, &[])
}

/// [`run_in`] with `extra` arguments.
fn run_in_with(
    repo: &Repo,
    dir: &Path,
    branch: &str,
    payload: Option<&Path>,
    extra: &[&str],
) -> Output {
    let mut command = bin();
    command
        .args(["sync", "--references", "strict"])
        .args(extra)
        .arg("--repo")
        .arg(dir)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "merge_group")
        .env("GITHUB_REF", format!("refs/heads/{branch}"))
        .env("GITHUB_STEP_SUMMARY", repo.tmp.path().join("summary.md"));
    if let Some(payload) = payload {
        command.env("GITHUB_EVENT_PATH", payload);
    }
    output(repo.isolate(&mut command))
}

/// The lines of `out` that say how the raw file `name` fared, with its findings.
fn raw_file_lines(out: &Output, name: &str) -> Vec<String> {
    stdout(out)
        .lines()
        .filter(|line| line.contains(&format!("raw/{name}")))
        .filter(|line| !line.starts_with("::"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_rejected_file_already_on_the_base_branch_does_not_fail_the_queue() {
    let (repo, main) = base(&[("broken.yaml", "kind: VPC\n")]);
    repo.write(
        &format!("{F}/raw/vpc-2.yaml"),
        vpc("vpc-2", "10.0.2.0/24", 1002).as_bytes(),
    );
    let branch = queue(&repo, 7, "a good new VPC");
    let out = merge_group_run(&repo, &branch, &main);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "\nchecked as a change from {}: findings in files the change does not touch are already on the base branch and do not fail the check\n",
            &main[..12]
        )),
        "{text}"
    );
    assert_eq!(
        raw_file_lines(&out, "broken.yaml"),
        [
            "  rejected raw/broken.yaml (left in raw/; already on the base branch)",
            ALREADY[0],
            ALREADY[1],
        ],
        "{text}"
    );
    assert!(
        text.contains("\ncheck only, nothing committed (a merge queue run (merge_group) is checked only; the move happens when the queue merges into main): 1 raw file would move (1 resource: 1 created, 0 updated, 0 unchanged), 1 rejected (0 errors), 1 ignored, 2 warnings\n"),
        "{text}"
    );
    let summary = std::fs::read_to_string(repo.tmp.path().join("summary.md")).unwrap();
    assert!(
        summary.contains(&format!("\nchecked as a change from {}\\: ", &main[..12])),
        "{summary}"
    );
}

#[test]
fn a_queued_change_that_adds_a_rejected_file_fails_the_queue() {
    let (repo, main) = base(&[("broken.yaml", "kind: VPC\n")]);
    repo.write(
        &format!("{F}/raw/bad.yaml"),
        vpc("vpc-2", "10.0.2.0/24", 1002)
            .replace("vlan:", "vlna:")
            .as_bytes(),
    );
    let branch = queue(&repo, 7, "a VPC with a typo");
    let out = merge_group_run(&repo, &branch, &main);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert_eq!(
        raw_file_lines(&out, "bad.yaml"),
        [
            "  rejected raw/bad.yaml (left in raw/)",
            "      gitops/hedgehog/f/raw/bad.yaml:9:7: error: unknown field `vlna`: did you mean `vlan`? (at /spec/subnets/default/vlna)",
        ],
        "{text}"
    );
    // The file already on the base branch still only informs.
    assert_eq!(raw_file_lines(&out, "broken.yaml")[1..], ALREADY, "{text}");
}

/// A merge group queued behind another is built on that group's head, not on main: the
/// first group's change is its base (the first group's own run judges it).
#[test]
fn a_group_queued_behind_another_is_judged_against_the_group_it_was_built_on() {
    let (repo, main) = base(&[]);
    repo.write(&format!("{F}/raw/broken.yaml"), b"kind: VPC\n");
    let first_branch = queue(&repo, 7, "the first queued change: a broken file");
    let first = head(&repo);
    repo.write(
        &format!("{F}/raw/vpc-2.yaml"),
        vpc("vpc-2", "10.0.2.0/24", 1002).as_bytes(),
    );
    let second_branch = queue(&repo, 8, "the second queued change: a good VPC");
    assert_exit(&merge_group_run(&repo, &first_branch, &main), 1);
    let out = merge_group_run(&repo, &second_branch, &first);
    assert_exit(&out, 0);
    assert_eq!(
        raw_file_lines(&out, "broken.yaml")[1..],
        ALREADY,
        "{}",
        stdout(&out)
    );
}

#[test]
fn without_a_readable_payload_every_finding_counts_and_the_run_says_why() {
    let (repo, _) = base(&[("broken.yaml", "kind: VPC\n")]);
    let out = run_in(&repo, &repo.work, &queue_branch(7), None);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("\nthe base of the change is unknown (GITHUB_EVENT_PATH is not set, so the merge group's base is unknown): every finding counts, as if every file were changed\n"),
        "{}",
        stdout(&out)
    );
    // `--quiet` still says it: it is why this run fails where a found base would not.
    let quiet = run_in_with(&repo, &repo.work, &queue_branch(7), None, &["--quiet"]);
    assert_exit(&quiet, 1);
    assert!(
        stdout(&quiet).contains("\nthe base of the change is unknown (GITHUB_EVENT_PATH is not set, so the merge group's base is unknown): every finding counts, as if every file were changed\n"),
        "{}",
        stdout(&quiet)
    );
}
