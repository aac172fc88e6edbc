//! Quiet output (issue 21 items 4 and 7): the unhydrated switches of a fabric in one line,
//! a warning of an object's raw and managed copies once, repository-relative paths from
//! any folder, `--deny-warnings` counting only a change's warnings, rule ids with
//! `--show-rule`, and `in_change` in the JSON report of a change.

use std::path::Path;

use serde_json::Value;

use crate::common::{Repo, WIRED_FABRIC, assert_exit, assert_expected, bin, output, stdout, vpc};

const F1: &str = "gitops/hedgehog/fabric-1";

/// A switch that hhfab has not hydrated yet (no `asn`, `ip`, `protocolIP`, `vtepIP`).
fn unhydrated_leaf(name: &str, description: &str) -> String {
    format!(
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: {name}\nspec:\n  description: {description}\n  profile: vs\n  role: server-leaf\n"
    )
}

/// `hh-gitops check ARGS` run in `dir` of `repo`.
fn check_in(repo: &Repo, dir: &Path, args: &[&str]) -> std::process::Output {
    let mut command = bin();
    command.current_dir(dir).arg("check").args(args);
    output(repo.isolate(&mut command))
}

/// The finding lines of a text report (those naming a file).
fn finding_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| line.contains(": warning: ") || line.contains(": error: "))
        .collect()
}

#[test]
fn the_example_repository_checks_in_a_few_lines() {
    let repo = Repo::new(Some("gitops-test-1"));
    let out = check_in(&repo, &repo.work, &[]);
    assert_exit(&out, 0);
    assert_expected("check-warnings.stdout", &stdout(&out));
}

#[test]
fn show_rule_ends_each_finding_with_the_rule_id_of_the_json_report() {
    let repo = Repo::new(Some("gitops-test-1"));
    let text = stdout(&check_in(&repo, &repo.work, &["--show-rule"]));
    let lines = finding_lines(&text);
    assert_eq!(
        lines.first().map(|line| line.rsplit(' ').next()),
        Some(Some("[switch/hydration]")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.ends_with("(at /spec/redundancy/type) [field/spec.redundancy.type]")),
        "{text}"
    );
    assert!(lines.iter().all(|line| line.ends_with(']')), "{text}");
    let plain = stdout(&check_in(&repo, &repo.work, &[]));
    assert!(!plain.contains("[switch/hydration]"), "{plain}");

    let json = stdout(&check_in(&repo, &repo.work, &["--format", "json"]));
    let report: Value = serde_json::from_str(&json).unwrap();
    let rules: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| file["findings"].as_array().unwrap())
        .map(|finding| finding["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules.iter().filter(|r| **r == "switch/hydration").count(),
        7,
        "the JSON report keeps one finding per switch: {rules:?}"
    );
}

#[test]
fn a_warning_of_both_copies_of_an_object_is_shown_once_in_the_raw_one() {
    let repo = Repo::new(None);
    repo.write(&format!("{F1}/raw/.gitkeep"), b"");
    repo.write(
        &format!("{F1}/managed/switches/leaf-01.yaml"),
        unhydrated_leaf("leaf-01", "old").as_bytes(),
    );
    repo.write(
        &format!("{F1}/raw/leaf-01.yaml"),
        unhydrated_leaf("leaf-01", "new").as_bytes(),
    );
    repo.commit_all("a raw update of a managed switch");
    let out = check_in(&repo, &repo.work, &[]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let hydration: Vec<&str> = finding_lines(&text)
        .into_iter()
        .filter(|line| line.contains("hhfab fills"))
        .collect();
    assert_eq!(
        hydration,
        [format!(
            "{F1}/raw/leaf-01.yaml:6:3: warning: `asn`, `ip`, `protocolIP` and `vtepIP` are not set: hhfab fills them when it hydrates the wiring; the fabric requires them (`vtepIP` on every leaf) (at /spec)"
        )],
        "{text}"
    );
}

#[test]
fn paths_are_repository_relative_from_any_folder() {
    let repo = Repo::new(Some("gitops-test-1"));
    let raw = repo.work.join(F1).join("raw");
    for args in [
        &[][..],
        &["."][..],
        &["../../test-fabric-1754101157"][..],
        &["prepop.yaml", "--format", "json"][..],
        &["..", "--format", "sarif"][..],
    ] {
        let text = stdout(&check_in(&repo, &raw, args));
        assert!(
            !text.contains("../") && !text.contains("./"),
            "check {args:?} from {F1}/raw shows a relative path:\n{text}"
        );
        assert!(text.contains("gitops/hedgehog/"), "check {args:?}:\n{text}");
    }
    let named = stdout(&check_in(&repo, &raw, &["prepop.yaml"]));
    assert!(
        named.starts_with(&format!(
            "{F1}/raw/prepop.yaml:28:3: warning: 7 switches lack"
        )),
        "{named}"
    );
}

/// The example repository, its default namespaces added on `main` (so that
/// `--deny-warnings`, which makes references strict, finds them), then on branch `change`
/// one commit that adds the raw `file`.
fn change_adding(file: &str, content: &str) -> Repo {
    let repo = Repo::new(Some("gitops-test-1"));
    for fabric in [F1, "gitops/hedgehog/test-fabric-1754101157"] {
        for (path, text) in &WIRED_FABRIC[..2] {
            repo.write(&format!("{fabric}/managed/{path}"), text.as_bytes());
        }
    }
    repo.commit_all("the default namespaces");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write(&format!("{F1}/raw/{file}"), content.as_bytes());
    repo.commit_all("the change");
    repo
}

#[test]
fn deny_warnings_in_a_change_counts_only_the_changes_warnings() {
    // main's raw/prepop.yaml has warnings: they are not this change's.
    let clean = change_adding("vpc-new.yaml", &vpc("vpc-new", 1234));
    let denied = ["--changed-since", "main", "--deny-warnings"];
    let out = check_in(&clean, &clean.work, &denied);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("checked 9 files: 9 valid (54 resources), 0 rejected (0 errors)"),
        "{text}"
    );
    // Without a base, every warning is denied.
    assert_exit(&check_in(&clean, &clean.work, &["--deny-warnings"]), 1);
    // A sync of the change moves the files with the base branch's warnings too.
    let out = clean.sync(&[&["--dry-run"][..], &denied[..]].concat());
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("5 raw files would move (50 resources: 50 created, 0 updated, 0 unchanged), 0 rejected (0 errors)"),
        "{text}"
    );

    let noisy = change_adding("leaf-09.yaml", &unhydrated_leaf("leaf-09", "new"));
    let out = check_in(&noisy, &noisy.work, &denied);
    assert_exit(&out, 1);
    let text = stdout(&out);
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 1, "{text}");
    assert!(
        errors[0].starts_with(&format!("{F1}/raw/leaf-09.yaml:6:3: error: `asn`")),
        "{text}"
    );
}

#[test]
fn the_json_report_of_a_change_says_which_findings_are_its_own() {
    let repo = change_adding("leaf-09.yaml", &unhydrated_leaf("leaf-09", "new"));
    let json = stdout(&check_in(
        &repo,
        &repo.work,
        &["--changed-since", "main", "--format", "json"],
    ));
    let report: Value = serde_json::from_str(&json).unwrap();
    let in_change = |path: &str| -> Vec<Value> {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|file| file["path"] == format!("{F1}/raw/{path}"))
            .flat_map(|file| file["findings"].as_array().unwrap())
            .map(|finding| finding["in_change"].clone())
            .collect()
    };
    assert_eq!(in_change("leaf-09.yaml"), [Value::Bool(true)]);
    let base = in_change("prepop.yaml");
    assert_eq!(base.len(), 12);
    assert!(base.iter().all(|v| *v == Value::Bool(false)), "{base:?}");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report/report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(validator.is_valid(&report), "{json}");

    // Without a base, no finding says.
    let json = stdout(&check_in(&repo, &repo.work, &["--format", "json"]));
    assert!(!json.contains("in_change"), "{json}");
}

/// A VPC `name` in the IPv4Namespace `lab`, which no file defines.
fn vpc_in_lab(name: &str, third_octet: u32) -> String {
    format!(
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: {name}\nspec:\n  ipv4Namespace: lab\n  subnets:\n    default:\n      subnet: 10.0.{third_octet}.0/24\n      vlan: {}\n",
        1000 + third_octet
    )
}

#[test]
fn the_json_report_names_every_file_that_refers_to_a_missing_object() {
    let repo = Repo::new(None);
    repo.write(&format!("{F1}/raw/a.yaml"), vpc_in_lab("a", 1).as_bytes());
    repo.write(
        &format!("{F1}/raw/b.yaml"),
        format!("{}---\n{}", vpc_in_lab("b", 2), vpc_in_lab("c", 3)).as_bytes(),
    );
    repo.commit_all("two files refer to the namespace lab");
    let out = check_in(&repo, &repo.work, &["--format", "json"]);
    assert_exit(&out, 0);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let lab = report["missing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|missing| missing["kind"] == "IPv4Namespace")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(lab["name"], "lab");
    assert_eq!(lab["references"], 3, "one from a.yaml, two from b.yaml");
    assert_eq!(
        lab["referred_from"],
        serde_json::json!([
            { "path": format!("{F1}/raw/a.yaml"), "line": 6, "col": 18 },
            { "path": format!("{F1}/raw/b.yaml"), "line": 6, "col": 18 },
        ])
    );
    assert_eq!(
        (&lab["path"], &lab["line"], &lab["col"]),
        (
            &lab["referred_from"][0]["path"],
            &lab["referred_from"][0]["line"],
            &lab["referred_from"][0]["col"]
        ),
        "path, line and col are the first reference of all"
    );
}
