//! What the README shows is what the product does: the consumer workflow has the parts the
//! README promises, the sample job summary and the finding, update and deletion examples
//! are real output, the SARIF and pre-commit snippets use what the action and the hook
//! have, and every link to a section of the README lands on one.

use crate::action_support::action_names;
use crate::common::{
    Repo, WIRED_FABRIC, assert_exit, attachment, bin, output, readme,
    readme_block_after as block_after, readme_section, stdout, vpc_on,
};

#[test]
fn the_consumer_workflow_has_every_promised_part() {
    let workflow = block_after("<!-- consumer-workflow -->");
    for part in [
        "paths: [\"**/raw/**\"]",
        "schedule:",
        "workflow_dispatch:",
        "dry-run:",
        "pull_request:",
        // The pull-request gate covers hand edits to managed/ too, the objects exported into
        // cluster/, and the fabric config and the repository config, which change every
        // verdict.
        "paths: [\"**/raw/**\", \"**/managed/**\", \"**/cluster/**\", \"**/fab.yaml\", \".hh-gitops.yaml\"]",
        "concurrency:",
        "contents: write",
        "uses: hh-gitops/hh-gitops@v0",
    ] {
        assert!(workflow.contains(part), "README workflow lacks {part}");
    }
    // The end-to-end test runs the same triggers, permissions and concurrency.
    let tested =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e/gitops.yml"))
            .unwrap();
    for part in [
        "concurrency:",
        "contents: write",
        "pull_request:",
        "paths: [\"**/raw/**\"]",
    ] {
        assert!(tested.contains(part), "e2e workflow lacks {part}");
    }
}

/// The fabric of the README's examples, in a clone: the default namespaces exported into
/// cluster/, as the README tells a team to keep them.
fn fabric_with_namespaces() -> Repo {
    let repo = Repo::new(None);
    for (path, text) in &WIRED_FABRIC[..2] {
        repo.write(
            &format!(
                "gitops/hedgehog/fabric-1/cluster/{}",
                path.replace("s/", "-")
            ),
            text.as_bytes(),
        );
    }
    repo
}

#[test]
fn the_summary_sample_is_real_output_with_a_blank_line_before_each_section() {
    let repo = fabric_with_namespaces();
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpc-1.yaml",
        vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpc-2.yaml",
        vpc_on("vpc-2", "10.0.2.0/24", 1002)
            .replace("vlan:", "vlna:")
            .as_bytes(),
    );
    repo.commit_all("a good VPC and one with a typo");
    let summary = repo.tmp.path().join("summary.md");
    let out = repo.sync(&["--summary", summary.to_str().unwrap()]);
    assert_exit(&out, 1);
    let actual = std::fs::read_to_string(summary).unwrap();
    let sample = block_after("<!-- summary-sample -->");
    // A contiguous piece of the real summary, whole lines, blank lines included.
    assert!(
        actual.starts_with(&sample) || actual.contains(&format!("\n{sample}")),
        "the README's sample is not a contiguous piece of the real summary:\n--- README\n{sample}--- real\n{actual}"
    );
    // Markdown renders a heading or a bold section line after a table as one more row
    // unless a blank line separates them.
    let lines: Vec<&str> = sample.lines().collect();
    for (i, line) in lines.iter().enumerate().skip(1) {
        if line.starts_with('#') || line.starts_with("**") {
            assert_eq!(lines[i - 1], "", "no blank line before `{line}`");
        }
    }
}

#[test]
fn the_deletion_example_is_what_the_pull_request_gate_prints() {
    let repo = fabric_with_namespaces();
    repo.write(
        "gitops/hedgehog/fabric-1/managed/vpcs/vpc-1.yaml",
        vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/fabric-1/managed/vpcattachments/vpc-1--server-01.yaml",
        attachment("vpc-1").as_bytes(),
    );
    repo.write("gitops/hedgehog/fabric-1/raw/.gitkeep", b"");
    repo.commit_all("a VPC and its attachment");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["checkout", "-q", "-b", "delete-vpc-1"]);
    repo.git(&[
        "rm",
        "-q",
        "gitops/hedgehog/fabric-1/managed/vpcs/vpc-1.yaml",
    ]);
    repo.commit_all("delete vpc-1");
    let mut command = bin();
    command
        .args(["sync", "--repo"])
        .arg(&repo.work)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_BASE_REF", "main")
        .env("GITHUB_REF", "refs/pull/7/merge");
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 1);
    let printed = stdout(&out);
    let findings: Vec<&str> = printed
        .lines()
        .map(str::trim_start)
        .filter(|l| l.contains(": error: "))
        .collect();
    let example = block_after("<!-- delete-sample -->");
    assert_eq!(
        example.lines().collect::<Vec<_>>(),
        findings,
        "the README's deletion example differs from the gate's errors:\n{printed}"
    );
}

/// The error lines `check`, run in the repository, prints.
fn check_errors(repo: &Repo) -> Vec<String> {
    let mut command = bin();
    command.arg("check").current_dir(&repo.work);
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 1);
    stdout(&out)
        .lines()
        .filter(|line| line.contains(": error: "))
        .map(str::to_owned)
        .collect()
}

/// The lines of the README's block after `marker`, without the indentation of a block
/// inside a list item.
fn sample_lines(marker: &str) -> Vec<String> {
    block_after(marker)
        .lines()
        .map(str::trim_start)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_daily_loop_error_is_what_check_prints_for_a_vlan_in_use() {
    let repo = fabric_with_namespaces();
    repo.write(
        "gitops/hedgehog/fabric-1/managed/vpcs/vpc-1.yaml",
        vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpc-db.yaml",
        vpc_on("vpc-db", "10.0.9.0/24", 1001).as_bytes(),
    );
    repo.commit_all("a VPC on a VLAN in use");
    assert_eq!(check_errors(&repo), sample_lines("<!-- add-sample -->"));
}

#[test]
fn the_compiler_style_finding_is_what_check_prints_for_a_misspelt_key() {
    let repo = fabric_with_namespaces();
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpcs.yaml",
        format!(
            "# the database VPC\n{}",
            vpc_on("vpc-db", "10.0.9.0/24", 1009).replace("vlan:", "vlna:")
        )
        .as_bytes(),
    );
    repo.commit_all("a VPC with a typo");
    assert_eq!(check_errors(&repo), sample_lines("<!-- finding-sample -->"));
}

#[test]
fn the_update_sample_is_what_sync_dry_run_prints_for_a_changed_vpc() {
    let repo = fabric_with_namespaces();
    repo.write(
        "gitops/hedgehog/fabric-1/managed/vpcs/vpc-1.yaml",
        vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.commit_all("vpc-1");
    let changed = vpc_on("vpc-1", "10.0.1.0/24", 1002)
        + "    db:\n      subnet: 10.0.9.0/24\n      vlan: 1009\n";
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpc-1.yaml",
        changed.as_bytes(),
    );
    repo.commit_all("vpc-1: a new subnet, another VLAN");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    let printed = stdout(&out);
    let sample = block_after("<!-- update-sample -->");
    assert!(
        printed.contains(&sample),
        "the README's update sample is not a piece of the dry run's output:\n--- README\n{sample}--- real\n{printed}"
    );
}

/// The anchor GitHub gives a heading: lower case, spaces to `-`, punctuation other than
/// `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The lines of `text` outside fenced code blocks, with their line numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut fenced = false;
    let mut prose = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            prose.push((i + 1, line));
        }
    }
    prose
}

#[test]
fn every_link_to_a_section_lands_on_a_heading() {
    for (name, text) in [
        ("README.md", readme()),
        (
            "CONTRIBUTING.md",
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/CONTRIBUTING.md"))
                .unwrap(),
        ),
    ] {
        let prose = prose_lines(&text);
        let anchors: Vec<String> = prose
            .iter()
            .filter_map(|(_, line)| line.strip_prefix('#'))
            .map(|heading| anchor(heading.trim_start_matches('#')))
            .collect();
        for (number, line) in &prose {
            for link in line.split("](#").skip(1) {
                let target = &link[..link.find(')').expect("a link ends with `)`")];
                assert!(
                    anchors.iter().any(|a| a == target),
                    "{name}:{number}: no heading has the anchor #{target}"
                );
            }
        }
    }
}

#[test]
fn every_heading_and_fence_follows_a_blank_line_and_no_line_ends_in_spaces() {
    for name in ["README.md", "CONTRIBUTING.md"] {
        let text =
            std::fs::read_to_string(format!("{}/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut fenced = false;
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(line.trim_end(), *line, "{name}:{}: trailing spaces", i + 1);
            let fence = line.trim_start().starts_with("```");
            let opens = fence && !fenced;
            if fence {
                fenced = !fenced;
            }
            let heading = !fenced && !fence && line.starts_with('#');
            if i > 0 && (opens || heading) {
                let before = lines[i - 1].trim();
                assert!(
                    before.is_empty() || before.starts_with("<!--"),
                    "{name}:{}: no blank line before `{line}`",
                    i + 1
                );
            }
        }
        assert!(!fenced, "{name}: a fence is never closed");
    }
}

/// Issue 21, item 10: the action pin the README (and `hh-gitops init`) tells people to
/// copy names the major version the release workflow tags for this Cargo version, and the
/// binary prints that version: `vX` moves to every `vX.Y.Z` release, and release.yml
/// refuses a tag other than Cargo.toml's version.
#[test]
fn the_readme_pins_the_major_release_of_the_version_the_binary_prints() {
    let major = format!("@v{}", env!("CARGO_PKG_VERSION_MAJOR"));
    let text = readme();
    let pins: Vec<&str> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("uses: hh-gitops/hh-gitops"))
        .collect();
    assert!(!pins.is_empty());
    for pin in pins {
        assert_eq!(pin, major, "README pins hh-gitops/hh-gitops{pin}");
    }
    let out = output(bin().arg("--version"));
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!("hh-gitops {}\n", env!("CARGO_PKG_VERSION"))
    );
    let release = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/release.yml"
    ))
    .unwrap();
    assert!(
        release.contains(r#"if [ "${cargo_version}" != "${VERSION}" ]; then"#),
        "release.yml checks the tag against Cargo.toml's version"
    );
}

/// The pre-commit snippets (README and `.pre-commit-hooks.yaml`) pin the release tag of
/// this version: pre-commit checks out exactly that tag, and builds what it holds.
#[test]
fn the_pre_commit_rev_is_the_release_tag_of_this_version() {
    let tag = format!("rev: v{}", env!("CARGO_PKG_VERSION"));
    let hooks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    for (file, text) in [("README.md", readme()), (".pre-commit-hooks.yaml", hooks)] {
        let revs: Vec<&str> = text
            .lines()
            .map(|line| line.trim_start_matches(['#', ' ']))
            .filter(|line| line.starts_with("rev: "))
            .collect();
        assert!(!revs.is_empty(), "{file} has a pre-commit snippet");
        for rev in revs {
            assert_eq!(rev, tag, "{file}");
        }
    }
}

#[test]
fn the_sarif_snippet_uses_an_input_and_an_output_the_action_has() {
    let snippet = block_after("<!-- sarif-snippet -->");
    let inputs = action_names("inputs:");
    let outputs = action_names("outputs:");
    assert!(inputs.contains(&"sarif".to_owned()) && outputs.contains(&"sarif".to_owned()));
    // The `with:` keys of the hh-gitops step: the lines between its `with:` and the next step.
    let step = &snippet[snippet
        .find("uses: hh-gitops/hh-gitops@")
        .expect("the step")..];
    let with = &step[step.find("with:\n").expect("its inputs") + 5..];
    let keys: Vec<&str> = with
        .lines()
        .take_while(|line| !line.trim_start().starts_with("- "))
        .filter_map(|line| line.trim().split_once(':').map(|(key, _)| key))
        .collect();
    assert_eq!(keys, ["sarif"]);
    for key in keys {
        assert!(inputs.iter().any(|input| input == key), "input `{key}`");
    }
    let used: Vec<&str> = snippet
        .split("steps.hh-gitops.outputs.")
        .skip(1)
        .map(|rest| rest.split([' ', '}']).next().unwrap())
        .collect();
    assert_eq!(used, ["sarif", "sarif"]);
    for output in used {
        assert!(outputs.iter().any(|o| o == output), "output `{output}`");
    }
}

#[test]
fn the_pre_commit_snippets_name_the_hook_and_arguments_check_accepts() {
    let hooks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    assert!(hooks.contains("\n- id: hh-gitops-check\n"));
    assert!(hooks.contains("\n  entry: hh-gitops check\n"));
    assert!(hooks.contains("\n  args: [\"--only-fabrics\"]\n"));
    assert!(block_after("<!-- pre-commit-config -->").contains("      - id: hh-gitops-check\n"));
    let extra = block_after("<!-- pre-commit-args -->");
    assert!(extra.contains("- id: hh-gitops-check\n"));
    let list = &extra[extra.find("args: [").expect("args") + 7..extra.find(']').unwrap()];
    let args: Vec<&str> = list.split(", ").map(|a| a.trim_matches('"')).collect();
    assert_eq!(args, ["--fabrics=clusters/*", "--fabrics=lab/*"]);
    // What pre-commit runs: the entry, the hook's args, the snippet's args, the staged files.
    let repo = Repo::new(None);
    let vpc = "clusters/fabric-1/raw/vpc-1.yaml";
    let stray = "charts/app/managed/values.yaml";
    repo.write(vpc, vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes());
    repo.write(stray, b"replicas: 1\n");
    repo.commit_all("a VPC of a fabric outside gitops/hedgehog, and a chart");
    let mut command = bin();
    command
        .args(["check", "--only-fabrics"])
        .args(&args)
        .args([vpc, stray])
        .current_dir(&repo.work);
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 0);
    let printed = stdout(&out);
    assert!(
        printed.contains("checked 1 file: 1 valid (1 resource)"),
        "{printed}"
    );
    assert!(
        printed.contains(&format!(
            "\nignored {stray} (not in one of the fabrics checked)\n"
        )),
        "{printed}"
    );
}

#[test]
fn the_list_sample_is_what_list_prints_for_two_vpcs() {
    let repo = fabric_with_namespaces();
    let vpc_1 = vpc_on("vpc-1", "10.0.1.0/24", 1001).replace(
        "  subnets:\n",
        "  subnets:\n    db:\n      subnet: 10.0.9.0/24\n      vlan: 1009\n",
    );
    repo.write(
        "gitops/hedgehog/fabric-1/managed/vpcs/vpc-1.yaml",
        vpc_1.as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/fabric-1/managed/vpcs/vpc-10.yaml",
        vpc_on("vpc-10", "10.0.10.0/24", 1010).as_bytes(),
    );
    repo.write("gitops/hedgehog/fabric-1/raw/.gitkeep", b"");
    repo.commit_all("two VPCs");
    let mut command = bin();
    command
        .args(["list", "--kind", "vpc"])
        .current_dir(&repo.work);
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), block_after("<!-- list-sample -->"));
}

/// The subcommands `hh-gitops --help` lists, without `help`.
fn subcommands() -> Vec<String> {
    let out = output(bin().arg("--help"));
    stdout(&out)
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_command_line_reference_names_every_subcommand_and_only_those() {
    let reference = block_after("<!-- cli-reference -->");
    let mut named: Vec<String> = reference
        .lines()
        .filter_map(|line| line.strip_prefix("hh-gitops "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    named.dedup();
    let mut expected = subcommands();
    expected.sort();
    named.sort();
    assert_eq!(named, expected);
}

#[test]
fn every_flag_in_the_reference_tables_is_one_the_command_takes() {
    let section = readme_section("## Command-line reference");
    let help = |command: &str| stdout(&output(bin().args([command, "--help"])));
    let (check, sync) = (help("check"), help("sync"));
    // Each table follows its `commands:` line; its flags are the first column's `--words`.
    let mut table = "";
    let mut seen = 0;
    for line in section.lines() {
        if line.ends_with("only:") || line.ends_with(" and `sync`:") {
            table = line;
        }
        let Some(cell) = line.strip_prefix("| `") else {
            continue;
        };
        let cell = &cell[..cell.find(" |").unwrap_or(cell.len())];
        for flag in cell.split('`').filter(|part| part.starts_with("--")) {
            let flag = flag.split([' ', '[', '=']).next().unwrap();
            let takes: Vec<(&str, &String)> = match table {
                "`check` and `sync`:" => vec![("check", &check), ("sync", &sync)],
                "`check` only:" => vec![("check", &check)],
                "`sync` only:" => vec![("sync", &sync)],
                _ => continue,
            };
            for (command, help) in takes {
                let documented = help.lines().any(|line| {
                    line.trim_start()
                        .split([' ', ',', '=', '[', '<'])
                        .any(|word| word == flag)
                });
                assert!(
                    documented,
                    "`hh-gitops {command}` does not take `{flag}` ({table})"
                );
                seen += 1;
            }
        }
    }
    assert!(
        seen > 30,
        "only {seen} flags found: the tables' shape changed"
    );
}
