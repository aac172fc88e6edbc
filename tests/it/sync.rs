//! `hh-gitops sync` on real git repositories: the gitops-test-1 acceptance case, the commit
//! rules, and every way a raw file can be refused without being lost.

use crate::common::{Repo, assert_exit, bin, output, stderr, stdout, vpc};

const F1: &str = "gitops/hedgehog/fabric-1";
const F2: &str = "gitops/hedgehog/test-fabric-1754101157";

fn yaml_files(repo: &Repo, dir: &str) -> Vec<String> {
    repo.files_under(dir)
        .into_iter()
        .filter(|f| f.ends_with(".yaml"))
        .collect()
}

#[test]
fn gitops_test_1_moves_every_raw_file_in_one_commit() {
    let repo = Repo::new(Some("gitops-test-1"));
    let prepop = String::from_utf8(repo.read(&format!("{F1}/raw/prepop.yaml"))).unwrap();
    let before = repo.commit_count();
    let base = repo.git(&["rev-parse", "HEAD"]);

    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    assert_eq!(repo.commit_count(), before + 1, "exactly one commit");

    // raw/ keeps only .gitkeep in both fabrics.
    assert_eq!(repo.files_under(&format!("{F1}/raw")), [".gitkeep"]);
    assert_eq!(repo.files_under(&format!("{F2}/raw")), [".gitkeep"]);

    // fabric-1 gains exactly 48 managed files, by kind.
    let managed = yaml_files(&repo, &format!("{F1}/managed"));
    let count = |dir: &str| {
        managed
            .iter()
            .filter(|f| f.starts_with(&format!("{dir}/")))
            .count()
    };
    assert_eq!(
        [
            count("connections"),
            count("servers"),
            count("switches"),
            count("switchgroups"),
            count("vpcs")
        ],
        [26, 10, 7, 3, 2]
    );
    assert_eq!(managed.len(), 48);
    assert_eq!(
        yaml_files(&repo, &format!("{F2}/managed")),
        ["vpcs/test-vpc.yaml"]
    );
    assert_eq!(
        repo.files_under(&format!("{F1}/test")),
        ["test_gitops_workflow_20250806_072842.yaml"]
    );

    // The commit holds exactly the moves: 49 additions and 4 deletions, nothing else.
    let changes = repo.git(&["diff", "--name-status", "--no-renames", base.trim(), "HEAD"]);
    let added = changes.lines().filter(|l| l.starts_with("A\t")).count();
    let deleted: Vec<&str> = changes.lines().filter(|l| l.starts_with("D\t")).collect();
    assert_eq!(added, 49, "{changes}");
    assert_eq!(deleted.len(), 4, "{changes}");
    assert_eq!(changes.lines().count(), 53, "{changes}");
    assert!(
        repo.git(&["status", "--porcelain"]).is_empty(),
        "work tree matches the commit"
    );

    // No line of prepop.yaml is lost: its lines minus the `---` separators are exactly the
    // lines of the 46 managed files that came from it.
    let mut original: Vec<&str> = prepop.lines().filter(|l| *l != "---").collect();
    let from_prepop: Vec<String> = managed
        .iter()
        .filter(|f| !f.starts_with("vpcs/") && !f.starts_with("tests/"))
        .map(|f| String::from_utf8(repo.read(&format!("{F1}/managed/{f}"))).unwrap())
        .collect();
    assert_eq!(from_prepop.len(), 46);
    let mut moved: Vec<&str> = from_prepop.iter().flat_map(|t| t.lines()).collect();
    original.sort_unstable();
    moved.sort_unstable();
    assert_eq!(original, moved);
    // The `# SwitchList` banner introduces the first switch.
    let leaf =
        String::from_utf8(repo.read(&format!("{F1}/managed/switches/leaf-01.yaml"))).unwrap();
    assert!(
        leaf.starts_with(
            "#\n# SwitchList\n#\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\n"
        ),
        "{leaf}"
    );
    // Single-document raw files move byte for byte.
    let fixture_vpc = std::fs::read(
        crate::common::fixtures()
            .join("gitops-test-1")
            .join(F1)
            .join("raw/test-vpc.yaml"),
    )
    .unwrap();
    assert_eq!(
        repo.read(&format!("{F1}/managed/vpcs/test-vpc.yaml")),
        fixture_vpc
    );

    // Every managed file is itself one valid resource.
    let check = output(
        bin()
            .arg("check")
            .arg(repo.work.join(F1).join("managed/switches")),
    );
    assert_exit(&check, 0);
    assert!(stdout(&check).contains("7 valid (7 resources)"));

    // The message says what moved.
    let message = repo.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.starts_with("hh-gitops: move 4 raw files to managed (49 resources)"),
        "{message}"
    );
    assert!(message.contains("gitops/hedgehog/fabric-1: 3 files -> 48 resources (26 Connection, 10 Server, 7 Switch, 3 SwitchGroup, 2 VPC)"), "{message}");

    // A second sync has nothing to do and makes no commit.
    let again = repo.sync(&[]);
    assert_exit(&again, 0);
    assert_eq!(repo.commit_count(), before + 1);
    assert!(stdout(&again).contains("no commit (nothing to change)"));
}

#[test]
fn push_sends_the_commit_to_the_upstream() {
    let repo = Repo::new(Some("gitops-test-1"));
    let out = repo.sync(&["--push"]);
    assert_exit(&out, 0);
    let local = repo.git(&["rev-parse", "HEAD"]);
    let remote = repo.git_in(&repo.origin, &["rev-parse", "main"]);
    assert_eq!(local, remote);
    assert!(stdout(&out).contains("pushed to origin refs/heads/main"));
}

#[test]
fn a_rejected_push_keeps_the_local_commit_and_says_so() {
    let repo = Repo::new(Some("gitops-test-1"));
    // Someone else pushes first.
    let other = repo.tmp.path().join("other");
    repo.git_in(
        repo.tmp.path(),
        &[
            "clone",
            "-q",
            repo.origin.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );
    std::fs::write(other.join("README.md"), "changed elsewhere\n").unwrap();
    repo.git_in(
        &other,
        &[
            "-c",
            "user.name=O",
            "-c",
            "user.email=o@example.com",
            "commit",
            "-qam",
            "elsewhere",
        ],
    );
    repo.git_in(&other, &["push", "-q", "origin", "main"]);

    let before = repo.commit_count();
    let out = repo.sync(&["--push"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("push to origin was rejected"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("NOT pushed"), "{}", stdout(&out));
    assert_eq!(repo.commit_count(), before + 1, "the local commit stays");
    assert_eq!(repo.files_under(&format!("{F1}/raw")), [".gitkeep"]);
}

#[test]
fn the_users_other_changes_stay_out_of_the_commit() {
    let repo = Repo::new(Some("gitops-test-1"));
    std::fs::write(repo.work.join("README.md"), "staged edit\n").unwrap();
    repo.git(&["add", "README.md"]);
    std::fs::write(repo.work.join(F1).join("README.md"), "unstaged edit\n").unwrap();
    repo.write("notes.txt", b"untracked\n");

    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    let files = repo.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert!(
        !files.contains("README.md") && !files.contains("notes.txt"),
        "{files}"
    );
    let status = repo.git(&["status", "--porcelain"]);
    let mut lines: Vec<&str> = status.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            " M gitops/hedgehog/fabric-1/README.md",
            "?? notes.txt",
            "M  README.md"
        ]
    );
}

#[test]
fn works_without_a_configured_git_identity() {
    let repo = Repo::new(Some("gitops-test-1"));
    assert!(
        output(
            repo.isolate(
                std::process::Command::new("git")
                    .args(["config", "user.name"])
                    .current_dir(&repo.work)
            )
        )
        .status
        .code()
            != Some(0)
    );
    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "hh-gitops <hh-gitops@users.noreply.github.com>"
    );
}

#[test]
fn dry_run_changes_nothing() {
    let repo = Repo::new(Some("gitops-test-1"));
    let head = repo.git(&["rev-parse", "HEAD"]);
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("would move raw/prepop.yaml -> 46 resources"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("dry run, nothing changed: "));
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
    assert!(
        repo.git(&["status", "--porcelain", "--untracked-files=all"])
            .is_empty()
    );
}

#[test]
fn rejected_files_stay_untouched_and_set_the_exit_code() {
    let repo = Repo::new(None);
    let bad = format!(
        "{}---\n{}",
        vpc("good-1", 1001),
        vpc("bad-1", 1002).replace("vlan: 1002", "vlan: 1002\n      vlna: 3")
    );
    repo.write("gitops/hedgehog/f/raw/mixed.yaml", bad.as_bytes());
    repo.write(
        "gitops/hedgehog/f/raw/ok.yaml",
        vpc("ok-1", 1003).as_bytes(),
    );
    repo.commit_all("raw files");

    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    // Per-file atomicity: the valid first document of mixed.yaml does not move either.
    assert_eq!(
        repo.read("gitops/hedgehog/f/raw/mixed.yaml"),
        bad.as_bytes()
    );
    assert_eq!(
        repo.files_under("gitops/hedgehog/f/managed"),
        ["vpcs/ok-1.yaml"]
    );
    assert!(stdout(&out).contains("gitops/hedgehog/f/raw/mixed.yaml:20:7: error: unknown field `vlna`: did you mean `vlan`? (at /spec/subnets/default/vlna)"), "{}", stdout(&out));
    // raw/ is not empty, so no .gitkeep is added.
    assert_eq!(repo.files_under("gitops/hedgehog/f/raw"), ["mixed.yaml"]);

    // With --no-fail-on-rejected the same situation exits 0.
    let again = repo.sync(&["--no-fail-on-rejected"]);
    assert_exit(&again, 0);
}

#[test]
fn raw_keeps_a_gitkeep_when_it_empties() {
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/f/raw/sub/one.yaml",
        vpc("one", 1001).as_bytes(),
    );
    repo.commit_all("raw");
    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    assert_eq!(repo.files_under("gitops/hedgehog/f/raw"), [".gitkeep"]);
    assert!(
        repo.git(&["ls-files", "gitops/hedgehog/f/raw"])
            .contains("raw/.gitkeep")
    );
}

#[test]
fn untracked_raw_files_move_too() {
    let repo = Repo::new(None);
    std::fs::create_dir_all(repo.work.join("gitops/hedgehog/f/raw")).unwrap();
    repo.write("gitops/hedgehog/f/raw/.gitkeep", b"");
    repo.commit_all("fabric");
    repo.write(
        "gitops/hedgehog/f/raw/new.yaml",
        vpc("new", 1001).as_bytes(),
    );
    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    assert_eq!(
        repo.git(&["show", "--name-status", "--format=", "HEAD"])
            .trim(),
        "A\tgitops/hedgehog/f/managed/vpcs/new.yaml"
    );
    assert!(!repo.work.join("gitops/hedgehog/f/raw/new.yaml").exists());
    assert!(
        repo.git(&["status", "--porcelain", "--untracked-files=all"])
            .is_empty()
    );
}

#[test]
fn existing_managed_files_are_updated_or_left_unchanged() {
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/f/managed/vpcs/same.yaml",
        vpc("same", 1001).as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/f/managed/vpcs/diff.yaml",
        vpc("diff", 1002).as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/f/raw/a.yaml",
        format!("{}---\n{}", vpc("same", 1001), vpc("diff", 1012)).as_bytes(),
    );
    repo.commit_all("state");
    let out = repo.sync(&["--format", "json"]);
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["version"], 2);
    let resources = &report["fabrics"][0]["moved"][0]["resources"];
    assert_eq!(resources[0]["status"], "unchanged");
    assert_eq!(resources[1]["status"], "updated");
    assert_eq!(report["totals"]["updated"], 1);
    assert_eq!(
        repo.read("gitops/hedgehog/f/managed/vpcs/diff.yaml"),
        vpc("diff", 1012).as_bytes()
    );
    let changed = repo.git(&["show", "--name-status", "--format=", "HEAD"]);
    assert_eq!(
        changed.lines().count(),
        3,
        "one update, one delete, the .gitkeep: {changed}"
    );
    assert!(
        changed.contains("A\tgitops/hedgehog/f/raw/.gitkeep"),
        "{changed}"
    );
}

#[test]
fn the_same_resource_in_two_raw_files_rejects_both() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/f/raw/a.yaml", vpc("twin", 1001).as_bytes());
    repo.write(
        "gitops/hedgehog/f/raw/b.yaml",
        format!("# c\n{}", vpc("twin", 1002)).as_bytes(),
    );
    repo.commit_all("twins");
    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("raw/a.yaml:1:1: error: VPC `twin` is also defined at raw/b.yaml:2"),
        "{text}"
    );
    assert!(
        text.contains("raw/b.yaml:2:1: error: VPC `twin` is also defined at raw/a.yaml:1"),
        "{text}"
    );
    assert_eq!(
        repo.files_under("gitops/hedgehog/f/raw"),
        ["a.yaml", "b.yaml"]
    );
}

#[test]
fn uncommitted_managed_files_are_never_overwritten() {
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/f/managed/vpcs/v.yaml",
        vpc("v", 1001).as_bytes(),
    );
    repo.write("gitops/hedgehog/f/raw/a.yaml", vpc("v", 1002).as_bytes());
    repo.commit_all("state");
    repo.write(
        "gitops/hedgehog/f/managed/vpcs/v.yaml",
        b"# my local edit\n",
    );
    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("managed/vpcs/v.yaml has uncommitted changes"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        repo.read("gitops/hedgehog/f/managed/vpcs/v.yaml"),
        b"# my local edit\n"
    );
}

#[test]
fn a_folder_or_link_at_a_managed_path_rejects_the_file() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/f/managed/vpcs/dir.yaml/keep", b"x\n");
    repo.write("gitops/hedgehog/f/raw/a.yaml", vpc("dir", 1001).as_bytes());
    repo.write(
        "gitops/hedgehog/g/raw/b.yaml",
        vpc("linked", 1001).as_bytes(),
    );
    std::fs::create_dir_all(repo.work.join("elsewhere")).unwrap();
    std::fs::create_dir_all(repo.work.join("gitops/hedgehog/g/managed")).unwrap();
    std::os::unix::fs::symlink(
        "../../../../elsewhere",
        repo.work.join("gitops/hedgehog/g/managed/vpcs"),
    )
    .unwrap();
    repo.commit_all("traps");
    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("managed/vpcs/dir.yaml is a folder"), "{text}");
    assert!(text.contains("managed/vpcs is a symbolic link"), "{text}");
    assert!(
        std::fs::read_dir(repo.work.join("elsewhere"))
            .unwrap()
            .next()
            .is_none(),
        "nothing written through the link"
    );
    assert_eq!(repo.commit_count(), 2);
}

#[test]
fn links_under_raw_are_never_followed() {
    let repo = Repo::new(None);
    repo.write("outside.yaml", vpc("outside", 1001).as_bytes());
    repo.write("gitops/hedgehog/f/raw/.gitkeep", b"");
    std::os::unix::fs::symlink(
        "../../../../outside.yaml",
        repo.work.join("gitops/hedgehog/f/raw/link.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc", repo.work.join("gitops/hedgehog/f/raw/etc")).unwrap();
    repo.commit_all("links");
    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("raw/link.yaml:1:1: error: is a symbolic link"),
        "{text}"
    );
    assert!(
        text.contains("raw/etc:1:1: error: is a symbolic link"),
        "{text}"
    );
    assert!(
        repo.work
            .join("gitops/hedgehog/f/raw/link.yaml")
            .is_symlink()
    );
    assert!(repo.files_under("gitops/hedgehog/f/managed").is_empty());
    assert_eq!(repo.read("outside.yaml"), vpc("outside", 1001).as_bytes());
}

#[test]
fn oversized_files_are_rejected_unread() {
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/f/raw/big.yaml",
        vpc("big", 1001).as_bytes(),
    );
    repo.commit_all("big");
    let out = repo.sync(&["--max-file-size", "50"]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("over the 50-byte limit"),
        "{}",
        stdout(&out)
    );
    assert!(repo.work.join("gitops/hedgehog/f/raw/big.yaml").exists());
}

#[test]
fn folders_without_raw_are_skipped_and_no_fabric_is_an_error() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/no-raw/managed/.gitkeep", b"");
    repo.write("gitops/hedgehog/f/raw/a.yaml", vpc("a", 1001).as_bytes());
    repo.commit_all("layout");
    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("skipped gitops/hedgehog/no-raw: no raw/ folder"));

    let none = repo.sync(&["--fabrics", "nowhere/*"]);
    assert_exit(&none, 2);
    assert!(
        stderr(&none).contains("no fabric found"),
        "{}",
        stderr(&none)
    );
}

/// Issue 10 item 4: a typo'd fabrics line next to a valid one is a warning naming it in
/// the log, the summary and an annotation; a pattern hh-gitops cannot match says so.
#[test]
fn a_fabrics_glob_that_matches_no_fabric_is_a_warning_and_an_unsupported_one_an_error() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/f/raw/a.yaml", vpc("a", 1001).as_bytes());
    repo.write("gitops/hedgehog/test-no-raw/managed/.gitkeep", b"");
    repo.commit_all("layout");
    let summary = repo.tmp.path().join("summary.md");
    let mut command = bin();
    command
        .args(["sync", "--repo"])
        .arg(&repo.work)
        .args([
            "--fabrics=gitops/hedgehog/f",
            "--fabrics=gitops/hedgehog/tset-*",
            "--fabrics=gitops/hedgehog/test-*",
            "--commit=none",
        ])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary);
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 0);
    let warning = "--fabrics `gitops/hedgehog/tset-*` matches no fabric (a folder with a raw/ folder): check its spelling; the other patterns were synced";
    let no_raw = "--fabrics `gitops/hedgehog/test-*` matches no fabric (a folder with a raw/ folder): check its spelling; the other patterns were synced";
    assert!(
        stdout(&out).contains(&format!(
            "::endgroup::\nwarning: {warning}\nwarning: {no_raw}\nskipped gitops/hedgehog/test-no-raw: no raw/ folder\ncheck only, nothing committed (`--commit none` never commits): 1 raw file would move (1 resource: 1 created, 0 updated, 0 unchanged), 0 rejected (0 errors), 0 ignored, 2 warnings\n"
        )),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).ends_with(&format!(
            "::warning title=hh-gitops::{warning}\n::warning title=hh-gitops::{no_raw}\n"
        )),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains(
            "\n- **warning**: --fabrics \\`gitops/hedgehog/tset-\\*\\` matches no fabric"
        ),
        "{text}"
    );

    for (glob, problem) in [
        (
            "gitops/**",
            "`**` (any depth) is not supported: hh-gitops matches `*` and `?` within one folder name; give one pattern per depth, e.g. `gitops/*` and `gitops/*/*`",
        ),
        (
            "gitops/hedgehog/{f,g}",
            "`{a,b}` alternatives are not supported: hh-gitops matches `*` and `?` within one folder name; give each alternative as its own pattern",
        ),
    ] {
        let out = repo.sync(&["--fabrics", glob]);
        assert_exit(&out, 2);
        assert_eq!(
            stderr(&out),
            format!("hh-gitops: error: --fabrics `{glob}`: {problem}\n")
        );
    }
}

#[test]
fn fabrics_glob_selects_folders() {
    let repo = Repo::new(None);
    repo.write("sites/a/raw/x.yaml", vpc("x", 1001).as_bytes());
    repo.write("sites/b/raw/y.yaml", vpc("y", 1001).as_bytes());
    repo.commit_all("sites");
    let out = repo.sync(&["--fabrics", "sites/a"]);
    assert_exit(&out, 0);
    assert!(repo.work.join("sites/a/managed/vpcs/x.yaml").exists());
    assert!(repo.work.join("sites/b/raw/y.yaml").exists());
}

#[test]
fn summary_file_gets_a_markdown_report() {
    let repo = Repo::new(Some("gitops-test-1"));
    repo.write(
        &format!("{F1}/raw/bad.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x|y\n",
    );
    repo.commit_all("bad");
    let summary = repo.tmp.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = repo.sync(&["--summary", summary.to_str().unwrap()]);
    assert_exit(&out, 1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n## hh-gitops sync\n"),
        "appends: {text}"
    );
    assert!(text.contains("### gitops/hedgehog/fabric-1"));
    assert!(
        text.contains("<details><summary>48 managed files</summary>"),
        "{text}"
    );
    assert!(text.contains("| <code>raw/prepop\\.yaml\\:2</code> | <code>managed/switchgroups/empty\\.yaml</code> | SwitchGroup | created |"), "{text}");
    assert!(
        text.contains(
            "| <code>raw/bad\\.yaml\\:2\\:7</code> | <code>/kind</code> | unknown kind ConfigMap"
        ),
        "{text}"
    );
    // raw/.gitkeep keeps raw/ in git: the summary does not list it as ignored.
    assert!(!text.contains(".gitkeep"), "{text}");
}

#[test]
fn github_step_summary_is_the_default_summary_file() {
    let repo = Repo::new(Some("gitops-test-1"));
    let summary = repo.tmp.path().join("step-summary.md");
    let mut command = bin();
    command
        .args(["sync", "--dry-run", "--repo"])
        .arg(&repo.work)
        .env("GITHUB_STEP_SUMMARY", &summary);
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 0);
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("## hh-gitops sync (dry run)")
    );
}

/// Issue 6, item 15: an empty subject is never committed.
#[test]
fn a_blank_commit_message_falls_back_to_the_default_title() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/f/raw/v.yaml", vpc("v", 1001).as_bytes());
    let out = repo.sync(&["--commit-message", "  "]);
    assert_exit(&out, 0);
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]),
        "hh-gitops: move 1 raw file to managed (1 resource)\n"
    );
}

/// Issue 6, item 15: a raw file that .gitignore ignores (a local override) stays out of
/// the move and is listed with the reason; git does not hold it, so raw/ keeps a .gitkeep.
#[test]
fn gitignored_raw_files_stay_out_of_the_move_and_say_why() {
    let repo = Repo::new(None);
    repo.write(".gitignore", b"*.local.yaml\n");
    repo.write("gitops/hedgehog/f/raw/v.yaml", vpc("v", 1001).as_bytes());
    repo.commit_all("gitignore");
    repo.write(
        "gitops/hedgehog/f/raw/w.local.yaml",
        vpc("w", 1002).as_bytes(),
    );
    let summary = repo.tmp.path().join("summary.md");
    let out = repo.sync(&["--summary", summary.to_str().unwrap()]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert!(
        text.ends_with(&format!(
            "\n  ignored  raw/w.local.yaml (ignored by .gitignore)\ncommitted {}: 1 raw file moved (1 resource: 1 created, 0 updated, 0 unchanged), 0 rejected (0 errors), 1 ignored, 2 warnings\n",
            head.trim()
        )),
        "{text}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains("| <code>raw/w\\.local\\.yaml</code> | ignored by .gitignore |"),
        "{summary}"
    );
    assert_eq!(
        yaml_files(&repo, "gitops/hedgehog/f"),
        ["managed/vpcs/v.yaml", "raw/w.local.yaml"]
    );
    assert_eq!(
        repo.git(&["show", "--no-renames", "--name-status", "--format=", "HEAD"]),
        "A\tgitops/hedgehog/f/managed/vpcs/v.yaml\nA\tgitops/hedgehog/f/raw/.gitkeep\nD\tgitops/hedgehog/f/raw/v.yaml\n",
        "raw/ keeps a .gitkeep: the ignored file is not in the repository"
    );
}

/// Issue 6, item 13: an output path that cannot be written stops the run before the commit.
#[test]
fn an_unwritable_report_path_is_found_before_the_commit() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/f/raw/v.yaml", vpc("v", 1001).as_bytes());
    let missing = repo.tmp.path().join("no/such/folder/report.json");
    let out = repo.sync(&["--report-json", missing.to_str().unwrap()]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        format!(
            "hh-gitops: error: cannot write --report-json {}: nothing was done; fix the path and run again: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
    assert_eq!(repo.commit_count(), 1, "nothing was committed");
    assert!(repo.work.join("gitops/hedgehog/f/raw/v.yaml").exists());
}

/// Issue 6, item 13: once the commit is made, its outputs reach `$GITHUB_OUTPUT` even when
/// the reports written after them fail (here on a full disk), and every failure is shown.
#[test]
fn outputs_are_written_even_when_a_later_report_fails() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/f/raw/v.yaml", vpc("v", 1001).as_bytes());
    let outputs = repo.tmp.path().join("outputs");
    let mut command = bin();
    command
        .args(["sync", "--commit", "git", "--repo"])
        .arg(&repo.work)
        .args(["--report-json", "/dev/full", "--summary", "/dev/full"])
        .env("GITHUB_OUTPUT", &outputs);
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: cannot write report /dev/full: No space left on device (os error 28)\n\
         hh-gitops: error: cannot write summary file /dev/full: No space left on device (os error 28)\n"
    );
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(repo.commit_count(), 2, "the commit was made");
    let written = std::fs::read_to_string(&outputs).unwrap();
    assert!(
        written.contains(&format!(
            "commit-sha<<ghadelimiter_hh_gitops\n{}ghadelimiter_hh_gitops\n",
            head
        )),
        "{written}"
    );
    let log = stdout(&out);
    assert!(log.starts_with("gitops/hedgehog/f\n"), "{log}");
    assert!(
        log.contains("\n  moved raw/v.yaml -> 1 resource\n"),
        "{log}"
    );
}
