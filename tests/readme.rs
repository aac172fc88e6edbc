//! What the README shows is what the product does: the consumer workflow has the parts the
//! README promises, and the sample job summary is real output.

mod common;

use common::{Repo, assert_exit};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The fenced block that follows `<!-- marker -->`.
fn block_after(marker: &str) -> String {
    let text = readme();
    let start = text.find(marker).expect("marker in README");
    let rest = &text[start..];
    let open = rest.find("```").unwrap();
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_consumer_workflow_has_every_promised_part() {
    let workflow = block_after("<!-- consumer-workflow -->");
    for part in [
        "paths: [\"**/raw/**\"]",
        "schedule:",
        "workflow_dispatch:",
        "dry-run:",
        "pull_request:",
        // The pull-request gate covers hand edits to managed/ too.
        "paths: [\"**/raw/**\", \"**/managed/**\"]",
        "concurrency:",
        "contents: write",
        "uses: hh-gitops/hh-gitops@v1",
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

#[test]
fn the_summary_sample_is_real_output() {
    let repo = Repo::new(Some("gitops-test-1"));
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpc-2.yaml",
        b"apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-2\nspec:\n  subnets:\n    default:\n      subnet: 10.0.2.0/24\n      vlna: 1002\n",
    );
    repo.commit_all("one bad file");
    let summary = repo.tmp.path().join("summary.md");
    let out = repo.sync(&["--summary", summary.to_str().unwrap()]);
    assert_exit(&out, 1);
    let actual = std::fs::read_to_string(summary).unwrap();
    let actual_lines: Vec<&str> = actual.lines().collect();
    for line in block_after("<!-- summary-sample -->")
        .lines()
        .filter(|l| !l.is_empty())
    {
        assert!(
            actual_lines.contains(&line),
            "README sample line not in real output: {line}\n{actual}"
        );
    }
}
