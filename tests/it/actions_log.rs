//! Inside GitHub Actions nothing derived from input may start a line of the log: the runner
//! obeys any line of stdout or stderr starting with `::` (issue 6, item 2). Each input
//! channel carries a payload after a line break; only hh-gitops' own commands may start a
//! line. And `--format json` keeps stdout pure JSON (item 12).

use std::process::Output;

use crate::common::{Repo, assert_exit, assert_expected, bin, output, stderr, stdout, vpc};

/// Lines hh-gitops itself writes as workflow commands.
const OURS: &[&str] = &[
    "::error file=",
    "::warning file=",
    "::error title=hh-gitops::",
    "::notice title=hh-gitops::",
    "::group::",
    "::endgroup::",
];

/// Fails if a line of `text` (split as the runner splits: at LF and at a lone CR) would be
/// read as a workflow command that is not one of ours.
#[track_caller]
fn assert_no_foreign_command(channel: &str, text: &str) {
    for line in text.split(['\n', '\r']) {
        let start = line.trim_start();
        if start.starts_with("::") || start.starts_with("##[") {
            assert!(
                OURS.iter().any(|ours| line.starts_with(ours)),
                "{channel} has a line that starts a workflow command: {line:?}\n{text}"
            );
        }
    }
}

/// A repository whose raw files carry a payload through every input channel.
fn hostile_repo() -> Repo {
    let repo = Repo::new(None);
    let raw = "gitops/hedgehog/f/raw";
    let good = vpc("v", 1001);
    let cases = [
        (
            "name.yaml",
            good.replace("name: v", "name: \"x\\n::warning::INJECTED-name\""),
        ),
        (
            "field.yaml",
            good.replace(
                "  subnets:\n",
                "  \"evil\\n::stop-commands::t\": 1\n  subnets:\n",
            ),
        ),
        (
            "kind.yaml",
            good.replace("kind: VPC", "kind: \"K\\n::error::INJECTED-kind\""),
        ),
        (
            "api.yaml",
            good.replace(
                "apiVersion: vpc.githedgehog.com/v1beta1",
                "apiVersion: \"v\\n::error::INJECTED-api\"",
            ),
        ),
        (
            "namespace.yaml",
            good.replace(
                "  name: v\n",
                "  name: v\n  namespace: \"n\\r::error::INJECTED-ns\"\n",
            ),
        ),
        ("f\n::error::INJECTED-file.yaml", "kind: [\n".to_owned()),
    ];
    for (name, content) in cases {
        repo.write(&format!("{raw}/{name}"), content.as_bytes());
    }
    // managed/ is read too: a stray file and a misplaced resource file are named in findings.
    let managed = "gitops/hedgehog/f/managed/vpcs";
    repo.write(
        &format!("{managed}/s\n::error::INJECTED-stray.json"),
        b"{}\n",
    );
    repo.write(
        &format!("{managed}/m\n::error::INJECTED-managed.yaml"),
        vpc("w", 1002).as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/fab\n::error::INJECTED-dir/raw/x.yaml",
        b"kind: [\n",
    );
    repo
}

fn sync_in_actions(repo: &Repo, args: &[&str]) -> Output {
    let mut command = bin();
    command
        .current_dir(&repo.work)
        .args(["sync", "--repo", ".", "--commit", "none"])
        .args(args)
        .env("GITHUB_ACTIONS", "true");
    output(repo.isolate(&mut command))
}

#[test]
fn no_input_channel_can_start_a_workflow_command_in_the_log() {
    let repo = hostile_repo();
    let out = sync_in_actions(&repo, &[]);
    assert_exit(&out, 1);
    let log = stdout(&out);
    assert_no_foreign_command("stdout", &log);
    assert_no_foreign_command("stderr", &stderr(&out));
    // Each payload reached the log, shown and inert.
    for payload in [
        "\\::warning::INJECTED-name",
        "\\::stop-commands::t",
        "\\::error::INJECTED-kind",
        "\\::error::INJECTED-api",
        "\\r::error::INJECTED-ns",
        "\\::error::INJECTED-file.yaml",
        "\\::error::INJECTED-dir",
        "\\::error::INJECTED-stray.json",
        "\\::error::INJECTED-managed.yaml",
    ] {
        assert!(log.contains(payload), "{payload} not shown in:\n{log}");
    }
    // hh-gitops' own groups still work: one per fabric.
    assert_eq!(
        log.lines().filter(|l| l.starts_with("::group::")).count(),
        2
    );
    assert_eq!(log.lines().filter(|l| *l == "::endgroup::").count(), 2);
    assert_expected("actions-injection.stdout", &log);
}

#[test]
fn a_value_quoted_in_a_message_cannot_start_a_workflow_command() {
    // The message for a value where a mapping belongs quotes the value (`dhcp: "..."`).
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/f/raw/mapping.yaml",
        vpc("v", 1001)
            .replace(
                "      vlan: 1001\n",
                "      vlan: 1001\n      dhcp: \"d\\n::error::INJECTED-mapping\"\n",
            )
            .as_bytes(),
    );
    repo.commit_all("a value with a payload where a mapping belongs");
    let out = sync_in_actions(&repo, &[]);
    assert_exit(&out, 1);
    let log = stdout(&out);
    assert_no_foreign_command("stdout", &log);
    assert_no_foreign_command("stderr", &stderr(&out));
    assert!(
        log.contains(
            "must be a mapping (keys indented under it), not `d\n\\::error::INJECTED-mapping`"
        ),
        "{log}"
    );
    assert!(
        log.contains("not `d%0A::error::INJECTED-mapping`"),
        "the annotation does not escape the line break:\n{log}"
    );
}

#[test]
fn the_final_error_line_on_stderr_cannot_start_a_workflow_command() {
    let repo = hostile_repo();
    let out = sync_in_actions(&repo, &["--fabrics", "none\n::error::INJECTED-stderr"]);
    assert_exit(&out, 2);
    assert_no_foreign_command("stdout", &stdout(&out));
    assert_no_foreign_command("stderr", &stderr(&out));
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: no fabric found under . matching none\n\\::error::INJECTED-stderr: a fabric is a folder with a raw/ folder (see --fabrics)\n"
    );
    assert_eq!(
        stdout(&out),
        "::error title=hh-gitops::no fabric found under . matching none%0A::error::INJECTED-stderr: a fabric is a folder with a raw/ folder (see --fabrics)\n"
    );
}

#[test]
fn json_inside_actions_is_the_only_thing_on_stdout_and_commands_go_to_stderr() {
    let repo = hostile_repo();
    let out = sync_in_actions(&repo, &["--format", "json"]);
    assert_exit(&out, 1);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", stdout(&out)));
    assert_eq!(report["totals"]["rejected_files"], 7);
    let err = stderr(&out);
    assert_no_foreign_command("stderr", &err);
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("::error file="))
            .count(),
        7,
        "{err}"
    );

    // The same for the final error line of a failed run.
    let out = sync_in_actions(&repo, &["--format", "json", "--fabrics", "none"]);
    assert_exit(&out, 2);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).ends_with("::error title=hh-gitops::no fabric found under . matching none: a fabric is a folder with a raw/ folder (see --fabrics)\n"),
        "{}",
        stderr(&out)
    );
}
