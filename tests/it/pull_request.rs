//! The pull-request gate (issue 9): the whole fabric checked, hand edits to managed/
//! included; findings in the files a pull request touches (or caused by them) fail the
//! check, the others are reported as already on the base branch. Real git repositories:
//! a bare origin whose `main` is the base, a clone on a pull-request branch, hh-gitops run
//! as the action runs it on a `pull_request` event.

use std::process::Output;

use crate::common::{
    Repo, WIRED_FABRIC, assert_exit, assert_expected, attachment, bin, output, stderr, stdout,
    vpc_on as vpc,
};

const F: &str = "gitops/hedgehog/f";

/// A repository whose `main` holds a consistent fabric in managed/ (two VPCs, one attached)
/// plus `base_extra`, and a clone on branch `pr` ready for the pull request's edits.
fn base(base_extra: &[(&str, String)]) -> Repo {
    let repo = Repo::new(None);
    let managed = [
        ("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
        ("vpcs/vpc-2.yaml", vpc("vpc-2", "10.0.2.0/24", 1002)),
        ("vpcattachments/vpc-1--server-01.yaml", attachment("vpc-1")),
    ];
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    for (path, text) in &managed {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    for (path, text) in base_extra {
        repo.write(&format!("{F}/{path}"), text.as_bytes());
    }
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    repo.commit_all("the fabric");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo
}

/// hh-gitops as the action runs it on a pull_request event into main, in `dir`.
fn pull_request_check_in(repo: &Repo, dir: &std::path::Path) -> Output {
    let mut command = bin();
    command
        .args(["sync", "--references", "strict", "--repo"])
        .arg(dir)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_BASE_REF", "main")
        .env("GITHUB_REF", "refs/pull/7/merge");
    output(repo.isolate(&mut command))
}

/// [`pull_request_check_in`] the clone.
fn pull_request_check(repo: &Repo) -> Output {
    pull_request_check_in(repo, &repo.work)
}

/// The run's stdout with the base commit (which differs from run to run) replaced.
fn normalised(out: &Output) -> String {
    let text = stdout(out);
    match text.find("checked as a change from ") {
        Some(at) => {
            let start = at + "checked as a change from ".len();
            format!("{}<base>{}", &text[..start], &text[start + 12..])
        }
        None => text,
    }
}

#[test]
fn a_hand_edit_to_managed_that_overlaps_another_vpc_fails_the_pull_request() {
    let repo = base(&[]);
    repo.write(
        &format!("{F}/managed/vpcs/vpc-2.yaml"),
        vpc("vpc-2", "10.0.1.128/25", 1002).as_bytes(),
    );
    repo.commit_all("vpc-2 moves into vpc-1's range");
    let out = pull_request_check(&repo);
    assert_exit(&out, 1);
    assert_expected("pull-request-managed-edit.stdout", &normalised(&out));
}

#[test]
fn a_renamed_or_pasted_managed_file_is_a_finding_with_the_path_it_should_have() {
    let repo = base(&[]);
    repo.git(&[
        "mv",
        &format!("{F}/managed/vpcs/vpc-2.yaml"),
        &format!("{F}/managed/vpcs/second.yaml"),
    ]);
    let pasted = format!(
        "{}---\n{}",
        vpc("vpc-3", "10.0.3.0/24", 1003),
        vpc("vpc-4", "10.0.4.0/24", 1004)
    );
    repo.write(&format!("{F}/managed/vpcs/vpc-3.yaml"), pasted.as_bytes());
    repo.write(&format!("{F}/managed/vpcs/notes.json"), b"{}\n");
    repo.commit_all("a rename, a paste and a note");
    let out = pull_request_check(&repo);
    assert_exit(&out, 1);
    assert_expected("pull-request-layout.stdout", &normalised(&out));
}

#[test]
fn deleting_a_vpc_that_an_attachment_still_names_fails_on_both_files() {
    let repo = base(&[]);
    repo.git(&["rm", "-q", &format!("{F}/managed/vpcs/vpc-1.yaml")]);
    repo.commit_all("delete vpc-1");
    let out = pull_request_check(&repo);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{F}/managed/vpcs/vpc-1.yaml:1:1: error: deleting this file breaks managed/vpcattachments/vpc-1--server-01.yaml:"
        )),
        "the deleted path has the error:\n{text}"
    );
    assert!(
        text.contains(&format!(
            "{F}/managed/vpcattachments/vpc-1--server-01.yaml:6:11: error: VPC `vpc-1` is deleted by this change (managed/vpcs/vpc-1.yaml)"
        )),
        "the attachment has it too, though the change does not touch it:\n{text}"
    );
}

#[test]
fn problems_the_pull_request_did_not_make_are_warnings_and_do_not_fail_it() {
    // The base already holds a managed VPC overlapping vpc-1, and a rejected raw file.
    let repo = base(&[
        ("managed/vpcs/old.yaml", vpc("old", "10.0.1.0/24", 1009)),
        ("raw/broken.yaml", "kind: VPC\n".to_owned()),
    ]);
    repo.write(
        &format!("{F}/raw/new.yaml"),
        vpc("vpc-3", "10.0.3.0/24", 1003).as_bytes(),
    );
    repo.commit_all("a good new VPC");
    let out = pull_request_check(&repo);
    assert_exit(&out, 0);
    assert_expected("pull-request-untouched.stdout", &normalised(&out));
}

/// The findings of a run's text output (`path:line:col: severity: message`), each once, in
/// order, whatever the report's layout around them. Other files named in a message are
/// shown from the fabric folder (`check` shows them as the user named the fabric).
fn findings(out: &Output) -> Vec<String> {
    let mut found: Vec<String> = stdout(out)
        .lines()
        .map(str::trim)
        .filter(|line| line.contains(": error: ") || line.contains(": warning: "))
        .filter_map(|line| line.strip_prefix(&format!("{F}/")))
        .map(|line| line.replace(&format!("{F}/"), ""))
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn check_changed_since_sees_the_same_as_the_pull_request_run() {
    type Change = fn(&Repo);
    let changes: [(&str, Change); 3] = [
        ("a deletion that breaks an attachment", |repo| {
            repo.git(&["rm", "-q", &format!("{F}/managed/vpcs/vpc-1.yaml")]);
        }),
        ("a rename and a stray note", |repo| {
            repo.git(&[
                "mv",
                &format!("{F}/managed/vpcs/vpc-2.yaml"),
                &format!("{F}/managed/vpcs/second.yaml"),
            ]);
            repo.write(&format!("{F}/managed/vpcs/notes.json"), b"{}\n");
        }),
        (
            "a good raw file and a problem already on the base branch",
            |repo| {
                repo.write(
                    &format!("{F}/raw/new.yaml"),
                    vpc("vpc-3", "10.0.3.0/24", 1003).as_bytes(),
                );
            },
        ),
    ];
    for (name, change) in changes {
        // On the base branch already: a managed VPC overlapping vpc-2.
        let repo = base(&[("managed/vpcs/old.yaml", vpc("old", "10.0.2.0/24", 1009))]);
        change(&repo);
        repo.commit_all(name);
        let gate = pull_request_check(&repo);
        let mut command = bin();
        command
            .current_dir(&repo.work)
            .args(["check", "--references", "strict", "--changed-since", "main"])
            .arg(F);
        let check = output(repo.isolate(&mut command));
        assert_eq!(
            check.status.code(),
            gate.status.code(),
            "{name}: check and the gate exit alike\ncheck:\n{}\ngate:\n{}",
            stdout(&check),
            stdout(&gate)
        );
        let gate_errors: Vec<String> = findings(&gate)
            .into_iter()
            .filter(|f| f.contains(": error: "))
            .collect();
        let check_errors: Vec<String> = findings(&check)
            .into_iter()
            .filter(|f| f.contains(": error: "))
            .collect();
        assert!(
            !gate_errors.is_empty() || name.contains("already"),
            "{name}: the gate finds the errors"
        );
        assert_eq!(check_errors, gate_errors, "{name}: the same errors");
        // The problem already on the base branch is a warning in both, unless the change
        // touches one of its files (the rename does).
        if name.contains("rename") {
            continue;
        }
        let already = "managed/vpcs/old.yaml:8:15: warning: already on the base branch:";
        for (run, out) in [("check", &check), ("gate", &gate)] {
            assert!(
                findings(out).iter().any(|f| f.starts_with(already)),
                "{name}: {run} reports the old overlap as already there:\n{}",
                stdout(out)
            );
        }
    }
}

#[test]
fn a_changed_since_ref_that_names_nothing_is_a_usage_error_naming_it() {
    let repo = base(&[("managed/vpcs/old.yaml", vpc("old", "10.0.1.0/24", 1009))]);
    let mut check = bin();
    check
        .current_dir(&repo.work)
        .args(["check", "--changed-since", "mian"]);
    let runs = [
        (
            "sync",
            repo.sync(&["--commit", "none", "--changed-since", "mian"]),
        ),
        ("check", output(repo.isolate(&mut check))),
    ];
    for (run, out) in runs {
        assert_exit(&out, 2);
        assert_eq!(
            stderr(&out),
            "hh-gitops: error: --changed-since mian: no commit, branch or tag of this repository is named `mian` (see `git branch -a`)\n",
            "{run}"
        );
        assert_eq!(stdout(&out), "", "{run}");
    }
}

#[test]
fn a_shallow_checkout_fetches_the_history_down_to_the_merge_base() {
    let repo = base(&[]);
    repo.git(&["rm", "-q", &format!("{F}/managed/vpcs/vpc-1.yaml")]);
    repo.commit_all("delete vpc-1");
    repo.git(&["push", "-q", "origin", "pr"]);
    // A one-commit clone of the pull request's branch, as actions/checkout makes.
    let shallow = repo.work.parent().unwrap().join("shallow");
    repo.git_in(
        repo.work.parent().unwrap(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "pr",
            &format!("file://{}", repo.origin.display()),
            shallow.to_str().unwrap(),
        ],
    );
    let out = pull_request_check_in(&repo, &shallow);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("checked as a change from "),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("VPC `vpc-1` is deleted by this change"),
        "{}",
        stdout(&out)
    );
}

/// Issue 21, item 5: a plain `check` on a branch holding commits its upstream lacks
/// compares with their merge base, as the pull-request gate will, so that a deletion the
/// change makes is checked; once pushed, nothing is a change and every finding counts.
#[test]
fn check_of_unpushed_commits_compares_with_the_upstream_and_sees_their_deletions() {
    let repo = base(&[]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["rm", "-q", &format!("{F}/managed/vpcs/vpc-1.yaml")]);
    repo.commit_all("delete vpc-1, which an attachment still uses");
    let check = || {
        let mut command = bin();
        command.current_dir(&repo.work).arg("check");
        output(repo.isolate(&mut command))
    };
    let unpushed = check();
    assert_exit(&unpushed, 1);
    let text = stdout(&unpushed);
    assert!(
        text.contains(" (where HEAD left origin/main, its upstream: the commits not pushed yet; --changed-since REF compares with another): "),
        "{text}"
    );
    assert!(
        text.contains(&format!("{F}/managed/vpcs/vpc-1.yaml:1:1: error: deleting this file breaks {F}/managed/vpcattachments/vpc-1--server-01.yaml:6: VPC `vpc-1` is deleted by this change")),
        "the deletion's break is reported:\n{text}"
    );
    repo.git(&["push", "-q", "origin", "main"]);
    let pushed = check();
    assert!(
        !stdout(&pushed).contains("checked as a change"),
        "{}",
        stdout(&pushed)
    );
}
