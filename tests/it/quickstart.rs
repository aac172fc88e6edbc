//! The README's quick start on your machine works as written: the install lines name this
//! repository (Cargo.toml's `repository`) and the assets the release workflow publishes
//! (they download, so they cannot run here), and the commands after them run as written, in
//! a clone of the bundled example repository with the built binary first on PATH, and exit
//! as the README says: 0 when no file is rejected, 1 when one is, with `sync` committing the
//! valid files either way. The commands of "Find a free VLAN or port" run as written too.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{Repo, output, readme, readme_block_after, vpc};

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap()
}

/// The lines of the fenced block that follows `<!-- marker -->` in the README, without
/// comment lines.
fn commands_after(marker: &str) -> Vec<String> {
    readme_block_after(marker)
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The `repository` of Cargo.toml.
fn repository() -> String {
    let manifest = read("Cargo.toml");
    let line = manifest
        .lines()
        .find(|l| l.starts_with("repository = "))
        .expect("Cargo.toml has a repository");
    line.trim_start_matches("repository = ")
        .trim_matches('"')
        .to_owned()
}

/// The release asset names `.github/workflows/release.yml` builds: `hh-gitops-<target>`
/// for each target of its build matrix.
fn release_assets() -> Vec<String> {
    let workflow = read(".github/workflows/release.yml");
    assert!(
        workflow.contains("cp \"${bin}\" \"dist/hh-gitops-${TARGET}\""),
        "the release workflow names its assets hh-gitops-<target>"
    );
    workflow
        .lines()
        .filter_map(|l| l.trim().strip_prefix("target: "))
        .map(|target| format!("hh-gitops-{target}"))
        .collect()
}

#[test]
fn the_install_lines_name_this_repository_and_the_released_assets() {
    let repository = repository();
    let assets = release_assets();
    assert!(assets.len() >= 2, "{assets:?}");
    let lines = commands_after("<!-- quickstart-install -->");
    let text = lines.join("\n");
    assert!(
        text.contains(&format!("base={repository}/releases/latest/download\n")),
        "the download is not from {repository}'s latest release:\n{text}"
    );
    assert!(
        lines.contains(&format!("cargo install --locked --git {repository}")),
        "no `cargo install --git {repository}`:\n{text}"
    );
    // Every asset the README names, in the block or in the sentence before it, is one the
    // release publishes; the block downloads one of them and its checksums.
    let readme = readme();
    let quick_start = &readme[readme.find("### On your machine").unwrap()
        ..readme.find("<!-- quickstart-cli -->").unwrap()];
    let named: Vec<&str> = quick_start
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|word| word.starts_with("hh-gitops-"))
        .collect();
    assert!(!named.is_empty());
    for asset in &named {
        assert!(
            assets.iter().any(|a| a == asset),
            "{asset} is not a release asset ({assets:?})"
        );
    }
    assert!(text.contains("\"$base/SHA256SUMS\""), "{text}");
    assert!(text.contains("sha256sum --check"), "{text}");
}

/// Runs `line` as written with `sh -c` in the clone, the built hh-gitops first on PATH and
/// no GitHub Actions variables in sight.
fn shell(repo: &Repo, line: &str) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hh-gitops")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin_dir.to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(line)
        .current_dir(&repo.work)
        .env("PATH", path);
    for (key, _) in std::env::vars() {
        if key.starts_with("GITHUB_") || key.starts_with("RUNNER_") {
            command.env_remove(key);
        }
    }
    output(repo.isolate(&mut command))
}

/// [`shell`] on each line, with its exit code.
fn run_as_written(repo: &Repo, lines: &[String]) -> Vec<(String, i32)> {
    lines
        .iter()
        .map(|line| (line.clone(), shell(repo, line).status.code().unwrap_or(-1)))
        .collect()
}

#[test]
fn the_commands_run_as_written_and_exit_0_when_nothing_is_rejected() {
    let lines = commands_after("<!-- quickstart-cli -->");
    assert!(lines.iter().any(|l| l.starts_with("hh-gitops check")));
    let repo = Repo::new(Some("gitops-test-1"));
    let before = repo.commit_count();
    let codes = run_as_written(&repo, &lines);
    for (line, code) in &codes {
        assert_eq!(*code, 0, "`{line}` exited {code}");
    }
    assert_eq!(
        repo.commit_count(),
        before + 1,
        "`hh-gitops sync` made one commit"
    );
    assert_eq!(
        repo.files_under("gitops/hedgehog/fabric-1/raw"),
        [".gitkeep"]
    );
}

#[test]
fn the_commands_exit_1_when_a_file_is_rejected_and_sync_still_commits_the_valid_ones() {
    let lines = commands_after("<!-- quickstart-cli -->");
    let repo = Repo::new(Some("gitops-test-1"));
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpc-2.yaml",
        vpc("vpc-2", 1002).replace("vlan:", "vlna:").as_bytes(),
    );
    repo.commit_all("one bad file");
    let before = repo.commit_count();
    let codes = run_as_written(&repo, &lines);
    for (line, code) in &codes {
        assert_eq!(*code, 1, "`{line}` exited {code}");
    }
    assert_eq!(
        repo.commit_count(),
        before + 1,
        "the valid files were committed"
    );
    assert_eq!(
        repo.files_under("gitops/hedgehog/fabric-1/raw"),
        [".gitkeep", "vpc-2.yaml"],
        "only the rejected file stays in raw/"
    );
}

#[test]
fn the_list_commands_run_as_written_and_print_what_the_sync_moved() {
    let repo = Repo::new(Some("gitops-test-1"));
    assert_eq!(
        shell(&repo, "hh-gitops sync").status.code(),
        Some(0),
        "the example repository syncs"
    );
    let jq = Command::new("jq").arg("--version").output().is_ok();
    for line in commands_after("<!-- list-commands -->") {
        if line.contains("| jq ") && !jq {
            eprintln!("jq is not installed: `{line}` not run");
            continue;
        }
        let out = shell(&repo, &line);
        assert_eq!(out.status.code(), Some(0), "`{line}` failed");
        assert!(!out.stdout.is_empty(), "`{line}` printed nothing");
    }
}
