//! The reports are the product: the text report and the Markdown job summary of `check` and
//! `sync`, compared whole against the files in `tests/cmd/` (`HH_GITOPS_BLESS=1` rewrites
//! them after a reviewed change).

use crate::common::{
    Repo, WIRED_FABRIC, assert_exit, assert_expected, bin, output, stdout, vpc, vpc_on,
};

const F1: &str = "gitops/hedgehog/fabric-1";

/// gitops-test-1 plus one raw file with an unknown field.
fn repo_with_one_bad_file() -> Repo {
    let repo = Repo::new(Some("gitops-test-1"));
    repo.write(
        &format!("{F1}/raw/vpc-2.yaml"),
        vpc("vpc-2", 1002).replace("vlan:", "vlna:").as_bytes(),
    );
    repo.commit_all("one bad file");
    repo
}

#[test]
fn a_sync_with_commit_none_says_would_move_in_the_log_the_summary_and_the_outputs() {
    let repo = repo_with_one_bad_file();
    let summary = repo.tmp.path().join("summary.md");
    let outputs = repo.tmp.path().join("outputs");
    let out = repo.sync(&["--commit", "none", "--summary", summary.to_str().unwrap()]);
    assert_exit(&out, 1);
    let log = stdout(&out);
    assert_expected("sync-commit-none.stdout", &log);
    assert!(!log.contains(" moved"), "{log}");
    assert_expected(
        "sync-commit-none.summary.md",
        &std::fs::read_to_string(&summary).unwrap(),
    );
    // The same run with GitHub's output file: processed-files counts what would move.
    let mut command = bin();
    command
        .args(["sync", "--commit", "none", "--repo"])
        .arg(&repo.work)
        .env("GITHUB_OUTPUT", &outputs);
    assert_exit(&output(repo.isolate(&mut command)), 1);
    assert_expected(
        "sync-commit-none.outputs",
        &std::fs::read_to_string(&outputs).unwrap(),
    );
    assert_eq!(repo.commit_count(), 2, "nothing was committed");
}

#[test]
fn a_fabrics_text_report_shows_the_rejected_file_before_the_file_that_moves() {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(
            &format!("gitops/hedgehog/f/managed/{path}"),
            text.as_bytes(),
        );
    }
    repo.write(
        "gitops/hedgehog/f/raw/a-good.yaml",
        vpc_on("vpc-a", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/f/raw/b-bad.yaml",
        vpc_on("vpc-b", "10.0.2.0/24", 1002)
            .replace("vlan:", "vlna:")
            .as_bytes(),
    );
    repo.commit_all("one good and one bad raw file");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        "gitops/hedgehog/f\n\
         \x20 fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n\
         \x20 rejected raw/b-bad.yaml (left in raw/)\n\
         \x20     gitops/hedgehog/f/raw/b-bad.yaml:9:7: error: unknown field `vlna`: did you mean `vlan`? (at /spec/subnets/default/vlna)\n\
         \x20 would move raw/a-good.yaml -> 1 resource\n\
         \x20     created   managed/vpcs/vpc-a.yaml\n\
         dry run, nothing changed: 1 raw file would move (1 resource: 1 created, 0 updated, 0 unchanged), 1 rejected (1 error), 0 ignored, 0 warnings\n"
    );
}

#[test]
fn a_check_prints_exact_text_and_inside_actions_exact_annotations_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("good.yaml"), vpc("good", 1001)).unwrap();
    std::fs::write(
        files.join("bad.yaml"),
        vpc("bad", 1002).replace("vlan: 1002", "vlan: x\n      extra: 1"),
    )
    .unwrap();
    let out = output(bin().current_dir(dir.path()).args(["check", "files"]));
    assert_exit(&out, 1);
    assert_expected("check.stdout", &stdout(&out));

    let summary = dir.path().join("summary.md");
    let out = output(
        bin()
            .current_dir(dir.path())
            .args(["check", "files"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &summary),
    );
    assert_exit(&out, 1);
    assert_expected("check-actions.stdout", &stdout(&out));
    assert_expected(
        "check-actions.summary.md",
        &std::fs::read_to_string(&summary).unwrap(),
    );
}

/// Item 4 of issue 6: file names, YAML keys and messages holding Markdown reach the job
/// summary as plain text: no cell split by `\|`, no live link, emphasis or code span.
#[test]
fn markdown_in_file_names_keys_and_messages_is_inert_in_the_summary() {
    let repo = Repo::new(None);
    let raw = "gitops/hedgehog/f/raw";
    let key_doc = |key: &str| {
        vpc("v", 1001).replace(
            "  subnets:\n",
            &format!("  {}: 1\n  subnets:\n", serde_json::to_string(key).unwrap()),
        )
    };
    repo.write(&format!("{raw}/a\\|b.yaml"), key_doc("a\\|b").as_bytes());
    repo.write(
        &format!("{raw}/[l](http:evil.example).yaml"),
        key_doc("[l](http://evil.example)").as_bytes(),
    );
    repo.write(
        &format!("{raw}/**bold**.yaml"),
        key_doc("**bold**").as_bytes(),
    );
    repo.write(&format!("{raw}/`tick`.yaml"), key_doc("`x` | y").as_bytes());
    repo.write(&format!("{raw}/www.evil.example $x$"), b"not yaml\n");
    // managed/ is read too: its file names reach the summary's managed/ table.
    repo.write(
        "gitops/hedgehog/f/managed/vpcs/<img src=x>|**m**.yaml",
        vpc("w", 1002).as_bytes(),
    );
    let summary = repo.tmp.path().join("summary.md");
    let out = repo.sync(&["--dry-run", "--summary", summary.to_str().unwrap()]);
    assert_exit(&out, 1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_expected("markdown-injection.summary.md", &text);
    // Every table row keeps its columns: no `|` splits a cell.
    for row in text.lines().filter(|l| l.starts_with("| <code>")) {
        let unescaped_pipes = row
            .char_indices()
            .filter(|(i, c)| *c == '|' && !escaped(row, *i))
            .count();
        assert!(
            unescaped_pipes == 4 || unescaped_pipes == 3,
            "a cell was split: {row}"
        );
    }
}

/// Whether the character at byte `i` of `row` is preceded by an odd number of backslashes.
fn escaped(row: &str, i: usize) -> bool {
    row[..i].chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

#[test]
fn inside_actions_each_finding_of_the_summary_links_to_its_file_and_line_at_the_runs_commit() {
    let repo = Repo::new(None);
    let bad = vpc("vpc-2", 1002).replace("vlan:", "vlna:");
    repo.write("gitops/hedgehog/f/raw/a b\"<x>.yaml", bad.as_bytes());
    repo.commit_all("a bad file with an awkward name");
    let summary = repo.tmp.path().join("summary.md");
    let mut command = bin();
    command
        .args(["sync", "--commit", "none", "--repo"])
        .arg(&repo.work)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_SERVER_URL", "https://github.example/")
        .env("GITHUB_REPOSITORY", "acme/fabrics")
        .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567");
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("| <a href=\"https://github.example/acme/fabrics/blob/0123456789abcdef0123456789abcdef01234567/gitops/hedgehog/f/raw/a%20b%22%3Cx%3E.yaml#L9\"><code>raw/a b\"&lt;x&gt;\\.yaml\\:9\\:7</code></a> |"),
        "{text}"
    );
    // Outside Actions there is nothing to link to.
    let plain = repo.tmp.path().join("plain.md");
    let out = repo.sync(&["--commit", "none", "--summary", plain.to_str().unwrap()]);
    assert_exit(&out, 1);
    assert!(!std::fs::read_to_string(&plain).unwrap().contains("<a href"));
}
