//! `hh-gitops check` on real files: Hedgehog's own examples, mutations of them, and every
//! kind of bad input, each with the exact place it is reported at.

use std::path::Path;

use crate::common::{assert_exit, bin, fixtures, output, stderr, stdout, vpc};

/// Checks one file named `name` holding `content`, asserting the exit code; returns stdout
/// and stderr.
#[track_caller]
fn check_file(name: &str, content: &[u8], code: i32) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    let out = output(bin().current_dir(dir.path()).args(["check", name]));
    assert_exit(&out, code);
    (stdout(&out), stderr(&out))
}

/// The examples INDEX.md marks as not full, valid CRs (by file-name suffix).
const NOT_FULL: &[&str] = &[
    ".PARTIAL.",
    ".TEMPLATE.",
    ".LEGACY.",
    ".OUT-OF-SCOPE.",
    ".INTERNAL.",
    ".FUTURE-API.",
];

/// Full examples that a fabric itself rejects, with the reason we must give.
const INVALID_FULL: &[(&str, &str)] = &[
    (
        "demo-gitops--env-1--demo.reset.yaml",
        "no resources in this file",
    ),
    (
        "docs--gateway-add--gateway.yaml",
        "namespace `fab` is not supported",
    ),
    (
        "docs--build-wiring--wiring-diagram.yaml",
        "namespace `fab` is not supported",
    ),
    // `vpc_types.go:450-454` parses the relay as a prefix.
    (
        "docs--dhcp--vpc-dhcp-relay.yaml",
        "DHCP relay `10.99.0.100` is not a prefix",
    ),
    // `permit: [{vpc-01: , vpc-02: }]`: the API server prunes the nulls, and
    // `vpcpeering_types.go:115-116` refuses the empty entry.
    (
        "docs--vpcs--dhcp-relay-vpc.yaml",
        "permit entry #0 names 0 VPC(s)",
    ),
    // The docs' fabric links use 172.30.30.0/31 and .2/31, outside the fabric subnet of a
    // fabric installed with defaults, 172.30.128.0/17 (`connection_types.go:960-968`).
    (
        "docs--connections--fabric.yaml",
        "spine IP `172.30.30.0` is outside the fabric subnet `172.30.128.0/17`",
    ),
    // The docs' switch sets a speed and auto-negotiation on ports of port groups, which its
    // profile `dell-s5248f-on` refuses (`switch_types.go:573-591`, `:613-622`; hhoracle:
    // "port profile  for port E1/1 not found in switch profile").
    (
        "docs--devices--switch.yaml",
        "port `E1/1` of SwitchProfile `dell-s5248f-on` is in port group `1`",
    ),
    // `ds4000` is a placeholder ("MATCH TO YOUR NEEDS"), not a SwitchProfile of the fabric
    // (`switch_types.go:543-551`).
    (
        "docs--shrink-expand--switch-new.yaml",
        "SwitchProfile `ds4000` does not exist",
    ),
    // The docs leave `peering:` empty ("Peering definition, unchanged"); Go rejects a
    // peering without two sides (`gatewaypeering_types.go:299-302`).
    (
        "docs--gateway-peering--gw-acl-peer.yaml",
        "the peering has 0 sides",
    ),
    // The docs show `kubectl get -o yaml` output: its resourceVersion and uid are one
    // object's in one cluster, which `kubectl apply` refuses anywhere else.
    (
        "docs--virt-externals--externalpeering-exported.yaml",
        "delete lines 11–12 (`metadata.resourceVersion`, `metadata.uid`); the applier refuses them",
    ),
];

fn examples() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(fixtures().join("hedgehog-examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 65);
    files
}

#[test]
fn every_valid_full_hedgehog_example_is_accepted() {
    let mut accepted = 0;
    for path in examples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if NOT_FULL.iter().any(|s| name.contains(s)) || INVALID_FULL.iter().any(|(n, _)| *n == name)
        {
            continue;
        }
        let out = output(bin().arg("check").arg(&path));
        assert_exit(&out, 0);
        accepted += 1;
    }
    assert_eq!(accepted, 36);
}

#[test]
fn invalid_full_examples_are_rejected_for_the_right_reason() {
    // Checked against a fabric installed with defaults, given as its fab.yaml: without a
    // config, a finding on a default value (the fabric subnet) is only a warning.
    let dir = tempfile::tempdir().unwrap();
    let fab_yaml = dir.path().join("fab.yaml");
    std::fs::write(
        &fab_yaml,
        "apiVersion: fabricator.githedgehog.com/v1beta1\nkind: Fabricator\nmetadata:\n  name: default\n  namespace: fab\nspec:\n  config: {}\n",
    )
    .unwrap();
    for (name, reason) in INVALID_FULL {
        let out = output(
            bin()
                .arg("check")
                .arg("--fabric-config")
                .arg(&fab_yaml)
                .arg(fixtures().join("hedgehog-examples").join(name)),
        );
        assert_exit(&out, 1);
        assert!(stdout(&out).contains(reason), "{name}: {}", stdout(&out));
    }
}

#[test]
fn partial_template_legacy_and_internal_examples_are_clear_rejections() {
    let mut rejected = 0;
    for path in examples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !NOT_FULL.iter().any(|s| name.contains(s)) {
            continue;
        }
        let out = output(bin().arg("check").arg(&path));
        assert_exit(&out, 1);
        assert!(
            stderr(&out).is_empty(),
            "{name}: no crash, no error: {}",
            stderr(&out)
        );
        let first = stdout(&out).lines().next().unwrap_or_default().to_owned();
        assert!(first.contains(": error: "), "{name}: {first}");
        rejected += 1;
    }
    assert_eq!(rejected, 19);
}

#[test]
fn checking_a_folder_reports_every_file_and_exits_1() {
    // Files given together are checked against each other, and the examples come from
    // separate pages that reuse names (`vpc-1`, `leaf-01`) and ports: checked as one fabric
    // they conflict, which is why many more are rejected here than one by one (see
    // `every_valid_full_hedgehog_example_is_accepted`). Without a fabric config, the docs'
    // fabric links outside fabricator's default fabric subnet are warnings.
    let out = output(bin().arg("check").arg(fixtures().join("hedgehog-examples")));
    assert_exit(&out, 1);
    assert!(
        stdout(&out).ends_with(
            "checked 65 files: 19 valid (27 resources), 46 rejected (90 errors), 59 warnings\n"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_report_has_the_same_facts() {
    let target = fixtures().join("hedgehog-examples/docs--gateway-add--gateway.yaml");
    let out = output(bin().args(["check", "--format", "json"]).arg(&target));
    assert_exit(&out, 1);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["version"], 2);
    assert_eq!(report["command"], "check");
    let finding = &report["files"][0]["findings"][0];
    assert_eq!(finding["line"], 5);
    assert_eq!(finding["col"], 14);
    assert_eq!(finding["pointer"], "/metadata/namespace");
    assert_eq!(report["totals"]["rejected_files"], 1);
}

/// Mutations of a real example, each rejected at the right line.
#[test]
fn mutations_of_valid_examples_are_rejected_at_the_right_line() {
    let example =
        std::fs::read_to_string(fixtures().join("hedgehog-examples/docs--devices--switch.yaml"))
            .unwrap();
    // Without the speed and auto-negotiation its profile refuses (see INVALID_FULL).
    let refused = [
        "  portSpeeds:",
        "    E1/1: ",
        "  portAutoNegs:",
        "    E1/18: ",
        "    E1/19: ",
    ];
    let original: String = example
        .lines()
        .filter(|l| !refused.iter().any(|r| l.starts_with(r)))
        .map(|l| format!("{l}\n"))
        .collect();
    check_file("switch.yaml", original.as_bytes(), 0);
    let line_of = |needle: &str| original.lines().position(|l| l.contains(needle)).unwrap() + 1;

    let cases: Vec<(String, String)> = vec![
        (
            original.replace(
                "  description: leaf-1\n",
                "  description: leaf-1\n  descripton: typo\n",
            ),
            format!(
                "switch.yaml:{}:3: error: unknown field `descripton`: did you mean `description`? (at /spec/descripton)",
                line_of("description: leaf-1") + 1
            ),
        ),
        (
            original.replace("  role: server-leaf #", "  role: leaf #"),
            format!(
                "switch.yaml:{}:9: error: \"leaf\" is not one of",
                line_of("role: server-leaf")
            ),
        ),
        (
            original
                .lines()
                .filter(|l| !l.starts_with("  role:"))
                .map(|l| format!("{l}\n"))
                .collect(),
            format!(
                "switch.yaml:{}:1: error: missing required field `role` (at /spec)",
                line_of("spec:")
            ),
        ),
        (
            original.replace("name: s5248-01", "name: S5248_01"),
            format!(
                "switch.yaml:{}:9: error: metadata.name `S5248_01` is not a lowercase RFC 1123 subdomain",
                line_of("name: s5248-01")
            ),
        ),
    ];
    for (mutated, expected) in cases {
        assert_ne!(mutated, original, "the mutation applies");
        let (out, _) = check_file("switch.yaml", mutated.as_bytes(), 1);
        assert!(out.contains(&expected), "expected {expected:?} in:\n{out}");
    }
    // A wrong type in a VPC.
    let (out, _) = check_file(
        "vpc.yaml",
        vpc("v", 1001)
            .replace("vlan: 1001", "vlan: \"1001\"")
            .as_bytes(),
        1,
    );
    assert!(out.contains("vpc.yaml:9:13: error: `vlan` must be a number, not text: remove the quotes (`vlan: 1001`) (at /spec/subnets/default/vlan)"), "{out}");
}

#[test]
fn bad_input_is_a_clear_rejection_never_a_crash() {
    let good = vpc("v", 1001);
    let deep: String = (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in ('a'..='j').zip('b'..='k') {
        bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("nul.yaml", b"a: 1\nb: \0\n".to_vec(), "nul.yaml:2:4: error: file contains a NUL byte"),
        ("latin1.yaml", b"a: 1\nb: caf\xe9\n".to_vec(), "latin1.yaml:2:7: error: file is not valid UTF-8"),
        ("tabs.yaml", b"a:\n\t- b\n".to_vec(), "tabs.yaml:2:"),
        ("empty.yaml", Vec::new(), "empty.yaml:1:1: error: no resources in this file"),
        ("comments.yaml", b"# only\n# comments\n".to_vec(), "comments.yaml:1:1: error: no resources in this file"),
        ("dup.yaml", good.replace("kind: VPC\n", "kind: VPC\nkind: VPC\n").into_bytes(), "dup.yaml:3:1: error: duplicate key `kind` (first defined at line 2)"),
        ("slash.yaml", good.replace("name: v", "name: a/b").into_bytes(), "slash.yaml:4:9: error: metadata.name `a/b` is not a lowercase RFC 1123 subdomain"),
        ("dots.yaml", good.replace("name: v", "name: ..").into_bytes(), "dots.yaml:4:9: error: metadata.name `..`"),
        ("upper.yaml", good.replace("name: v", "name: Vpc").into_bytes(), "upper.yaml:4:9: error: metadata.name `Vpc`"),
        ("long.yaml", good.replace("kind: VPC", "kind: Server").replace("apiVersion: vpc.githedgehog.com/v1beta1", "apiVersion: wiring.githedgehog.com/v1beta1").replace("spec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n", "spec: {}\n").replace("name: v", &format!("name: {}", "a".repeat(254))).into_bytes(), "the limit is 253"),
        ("deep.yaml", deep.into_bytes(), "error: YAML nesting deeper than 64 levels"),
        ("bomb.yaml", bomb.into_bytes(), "error: aliases expand to more than 100000 nodes"),
        ("list.yaml", b"- a\n- b\n".to_vec(), "list.yaml:1:1: error: a document must be a mapping"),
        ("scalar.yaml", b"just text\n".to_vec(), "scalar.yaml:1:1: error: a document must be a mapping"),
        ("syntax.yaml", b"a: [1, 2\nb: 3\n".to_vec(), "syntax.yaml:"),
    ];
    for (name, content, expected) in cases {
        let (out, err) = check_file(name, &content, 1);
        assert!(err.is_empty(), "{name}: {err}");
        assert!(
            out.contains(expected),
            "{name}: expected {expected:?} in:\n{out}"
        );
    }
}

#[test]
fn crlf_and_a_byte_order_mark_are_accepted() {
    let crlf = vpc("v", 1001).replace('\n', "\r\n");
    check_file("crlf.yaml", crlf.as_bytes(), 0);
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend_from_slice(vpc("v", 1001).as_bytes());
    check_file("bom.yaml", &bom, 0);
}

#[test]
fn the_api_servers_null_pruning_and_webhook_defaults_apply() {
    // Hedgehog's docs write `permit: [{vpc-01: , vpc-02: }]`: the API server prunes the
    // nulls, and the fabric refuses the entry that is left empty.
    let docs = fixtures().join("hedgehog-examples/docs--vpcs--dhcp-relay-vpc.yaml");
    let out = output(bin().arg("check").arg(&docs));
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("dhcp-relay-vpc.yaml:58:5: error: permit entry #0 names 0 VPC(s): each entry names exactly the two peered VPCs (a VPC written with no value, `vpc-1:`, is dropped by the API server as a null: write `vpc-1: {}`) (at /spec/permit/0)"),
        "{}",
        stdout(&out)
    );
    // A static ExternalAttachment without switch/neighbor (filled by the mutating webhook).
    let attachment = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalAttachment\nmetadata:\n  name: a\nspec:\n  connection: c\n  external: e\n  static:\n    remoteIP: 10.0.0.1\n    ip: 10.0.0.2/31\n";
    check_file("attach.yaml", attachment.as_bytes(), 0);
    // A BGP attachment without a neighbor is rejected by the fabric: no default for it.
    let bgp = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalAttachment\nmetadata:\n  name: a\nspec:\n  connection: c\n  external: e\n  switch:\n    ip: 10.0.0.2/31\n";
    let (out, _) = check_file("bgp.yaml", bgp.as_bytes(), 1);
    assert!(
        out.contains("bgp.yaml:5:1: error: missing required field `neighbor` (at /spec)"),
        "{out}"
    );
}

#[test]
fn exit_2_for_usage_and_io_errors() {
    let out = output(bin().args(["check", "/nonexistent/path.yaml"]));
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("cannot read /nonexistent/path.yaml"),
        "{}",
        stderr(&out)
    );
    let out = output(bin().args(["check"]));
    assert_exit(&out, 2);
    let out = output(bin().args(["frobnicate"]));
    assert_exit(&out, 2);
}

#[test]
fn links_inside_a_checked_folder_are_reported_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real.yaml"), vpc("v", 1001)).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link.yaml")).unwrap();
    let out = output(bin().arg("check").arg(dir.path()));
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("link.yaml:1:1: error: is a symbolic link"),
        "{}",
        stdout(&out)
    );
    assert!(Path::new(&dir.path().join("link.yaml")).is_symlink());
}

#[test]
fn inside_github_actions_check_annotates_and_writes_the_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        vpc("v", 1001).replace("vlan: 1001", "vlan: x"),
    )
    .unwrap();
    let summary = dir.path().join("summary.md");
    let out = output(
        bin()
            .current_dir(dir.path())
            .args(["check", "bad.yaml"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &summary),
    );
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("::error file=bad.yaml,line=9,col=13,title=hh-gitops%3A /spec/subnets/default/vlan::\"x\" is not of type \"integer\""),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(summary).unwrap();
    assert!(
        text.starts_with(
            "## hh-gitops check\n\nchecked 1 file: 0 valid (0 resources), 1 rejected (1 error), 0 warnings\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "| <code>bad\\.yaml\\:9\\:13</code> | <code>/spec/subnets/default/vlan</code> |"
        ),
        "{text}"
    );
}

/// Issue 6, item 15: a FIFO named on the command line is refused, not opened (opening it
/// would wait for a writer forever), exactly as `sync` refuses one under raw/.
#[test]
fn an_explicitly_named_fifo_is_refused_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let made = output(std::process::Command::new("mkfifo").arg(&fifo));
    assert_exit(&made, 0);
    let out = crate::common::output_within(
        bin().current_dir(dir.path()).args(["check", "pipe.yaml"]),
        20,
    );
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        "pipe.yaml:1:1: error: is not a regular file\nfabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\nchecked 1 file: 0 valid (0 resources), 1 rejected (1 error), 0 warnings\n"
    );
}
