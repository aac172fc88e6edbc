//! The Hedgehog release each fabric is checked against (issue 19, item 1): the fabric version
//! a fab.yaml pins, else `--hedgehog-release`, else the newest; a flag the pin contradicts,
//! an unknown release and a pinned version of no release stop the run; every output (text,
//! Markdown summary, JSON, SARIF) names the release of each fabric and how it was chosen.

use crate::common::{Repo, assert_exit, assert_expected, bin, output, stderr, stdout, vpc};

/// A fab.yaml that pins the fabric of 26.02 through the webhooks' version.
const PINNED_26_02: &str = "apiVersion: fabricator.githedgehog.com/v1beta1\nkind: Fabricator\nmetadata:\n  name: default\n  namespace: fab\nspec:\n  config: {}\n  overrides:\n    versions:\n      fabric:\n        agent: v0.129.1\n        controller: v0.120.3\n";

/// Two fabrics: `pinned` (its fab.yaml pins 26.02) and `plain` (no fab.yaml), one VPC each.
fn two_fabrics() -> Repo {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/pinned/fab.yaml", PINNED_26_02.as_bytes());
    repo.write(
        "gitops/hedgehog/pinned/raw/vpc.yaml",
        vpc("vpc-1", 1001).as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/plain/raw/vpc.yaml",
        vpc("vpc-2", 1002).as_bytes(),
    );
    repo.commit_all("two fabrics, one pinned");
    repo
}

/// Lines of `text` that name a release, in order.
fn release_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| line.contains("Hedgehog release: "))
        .collect()
}

#[test]
fn the_pin_decides_its_fabric_the_flag_the_others_and_every_output_says_so() {
    let repo = two_fabrics();
    let dir = repo.work.join("..");
    let (json, sarif, summary) = (
        dir.join("report.json"),
        dir.join("report.sarif"),
        dir.join("summary.md"),
    );
    let out = repo.sync(&[
        "--dry-run",
        "--hedgehog-release",
        "26.02",
        "--report-json",
        json.to_str().unwrap(),
        "--sarif",
        sarif.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    assert_exit(&out, 0);
    assert_expected("release-choice.stdout", &stdout(&out));
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert_expected("release-choice.summary.md", &summary);
    assert_eq!(
        release_lines(&summary),
        [
            "Hedgehog release: 26.02 (pinned by the fab.yaml's <code>spec\\.overrides\\.versions\\.fabric\\.controller\\: v0\\.120\\.3</code>)",
            "Hedgehog release: 26.02 (declared with `--hedgehog-release`)",
        ]
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(
        json["fabrics"][0]["fabric_config"]["hedgehog_release"],
        serde_json::json!({"release": "26.02", "chosen": "pinned", "pin": "spec.overrides.versions.fabric.controller: v0.120.3", "fabric_version": "v0.120.3", "checked_as": "v0.120.3"})
    );
    assert_eq!(
        json["fabrics"][1]["fabric_config"]["hedgehog_release"],
        serde_json::json!({"release": "26.02", "chosen": "declared", "fabric_version": "v0.120.3", "checked_as": "v0.120.3"})
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["properties"]["hedgehogReleases"],
        serde_json::json!([
            {"fabric": "gitops/hedgehog/pinned", "hedgehogRelease": json["fabrics"][0]["fabric_config"]["hedgehog_release"]},
            {"fabric": "gitops/hedgehog/plain", "hedgehogRelease": json["fabrics"][1]["fabric_config"]["hedgehog_release"]},
        ])
    );
}

#[test]
fn without_a_flag_the_pin_still_decides_and_the_other_fabric_gets_the_newest_as_v0_129_1() {
    let repo = two_fabrics();
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    assert_eq!(
        release_lines(&stdout(&out)),
        [
            "  Hedgehog release: 26.02 (pinned by the fab.yaml's spec.overrides.versions.fabric.controller: v0.120.3)",
            "  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)",
        ]
    );
}

#[test]
fn a_flag_the_pin_contradicts_stops_the_run_naming_both_releases() {
    let repo = two_fabrics();
    let head = repo.git(&["rev-parse", "HEAD"]);
    let out = repo.sync(&["--hedgehog-release", "26.03"]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: gitops/hedgehog/pinned/fab.yaml:12:21: spec.overrides.versions.fabric.controller: v0.120.3 pins Hedgehog 26.02, but `--hedgehog-release` declares 26.03: a fabric runs one release; drop that (the pin decides) or change the pin\n"
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head, "nothing committed");
    // check refuses it alike, for the fabric holding the named file.
    let out = output(bin().current_dir(&repo.work).args([
        "check",
        "--hedgehog-release",
        "26.01.2",
        "gitops/hedgehog/pinned/raw/vpc.yaml",
    ]));
    assert_exit(&out, 2);
    assert!(
        stderr(&out)
            .contains("v0.120.3 pins Hedgehog 26.02, but `--hedgehog-release` declares 26.01: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_release_hh_gitops_does_not_know_is_a_usage_error_naming_the_known_ones() {
    let repo = two_fabrics();
    for command in ["check", "sync"] {
        let out =
            output(
                bin()
                    .current_dir(&repo.work)
                    .args([command, "--hedgehog-release", "25.05"]),
            );
        assert_exit(&out, 2);
        assert_eq!(
            stderr(&out),
            "error: invalid value '25.05' for '--hedgehog-release <RELEASE>': `25.05` is not a Hedgehog release hh-gitops knows: use one of 26.01, 26.02, 26.03\n\nFor more information, try '--help'.\n",
            "{command}"
        );
    }
}

#[test]
fn a_pinned_fabric_version_of_no_release_stops_the_run_at_its_line() {
    let repo = two_fabrics();
    repo.write(
        "gitops/hedgehog/pinned/fab.yaml",
        PINNED_26_02
            .replace("controller: v0.120.3", "api: v0.124.0")
            .as_bytes(),
    );
    repo.commit_all("a dev build of the fabric");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: gitops/hedgehog/pinned/fab.yaml:12:14: error: spec.overrides.versions.fabric.api `v0.124.0` is the fabric of no Hedgehog release hh-gitops knows (26.01 ships v0.115.x, 26.02 ships v0.120.x, 26.03 ships v0.129.x): pin the fabric version of your release, or remove the pin and use --hedgehog-release: the fabric config cannot be used; fix it or pass another with --fabric-config\n"
    );
}

#[test]
fn check_names_the_declared_release_in_its_text_and_json_reports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vpc.yaml"), vpc("vpc-1", 1001)).unwrap();
    let check = |format: &str| {
        output(bin().current_dir(dir.path()).args([
            "check",
            "--hedgehog-release",
            "26.01",
            "--format",
            format,
            "vpc.yaml",
        ]))
    };
    let text = check("text");
    assert_exit(&text, 0);
    assert_eq!(
        stdout(&text)
            .lines()
            .filter(|line| !line.starts_with("warning: "))
            .collect::<Vec<_>>(),
        [
            "fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)",
            "Hedgehog release: 26.01 (declared with `--hedgehog-release`)",
            "checked 1 file: 1 valid (1 resource), 0 rejected (0 errors), 2 warnings",
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&check("json"))).unwrap();
    assert_eq!(
        json["fabric_configs"],
        serde_json::json!([{"hedgehog_release": {"release": "26.01", "chosen": "declared", "fabric_version": "v0.115.4", "checked_as": "v0.115.4"}}])
    );
}

/// The declared release reaches the config check: fabric-ctrl's `Init()` of 26.02 requires
/// `mclagSessionSubnet`, that of 26.03 does not (each release's hhoracle with
/// `fabricConfigInit` agrees).
#[test]
fn a_config_yaml_is_checked_as_the_declared_releases_fabric_ctrl_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vpc.yaml"), vpc("vpc-1", 1001)).unwrap();
    std::fs::copy(
        crate::common::fixtures().join("fabric-config/config.yaml"),
        dir.path().join("config.yaml"),
    )
    .unwrap();
    let check = |release: &str| {
        output(bin().current_dir(dir.path()).args([
            "check",
            "--fabric-config",
            "config.yaml",
            "--hedgehog-release",
            release,
            "vpc.yaml",
        ]))
    };
    let old = check("26.02");
    assert_exit(&old, 2);
    assert_eq!(
        stderr(&old),
        "hh-gitops: error: config.yaml:5:1: error: config.yaml has no `mclagSessionSubnet`: fabric-ctrl's Init() requires it, so the fabric would not start with this config; give the whole config (`kubectl get cm -n fab fabric-ctrl-config -o yaml`) or the fabric's fab.yaml: the fabric config cannot be used; fix it or pass another with --fabric-config\n"
    );
    let new = check("26.03");
    assert_exit(&new, 0);
    assert!(
        stdout(&new).ends_with("fabric config: config.yaml (fabric-ctrl config.yaml)\nHedgehog release: 26.03 (declared with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\nchecked 1 file: 1 valid (1 resource), 0 rejected (0 errors), 2 warnings\n"),
        "{}",
        stdout(&new)
    );
}
