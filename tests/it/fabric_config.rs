//! The fabric config the rules read: a fabric's own `fab.yaml`, `--fabric-config` (a fab.yaml
//! or fabric-ctrl's config.yaml), or fabricator's defaults, and the reports saying which.

use crate::common::{Repo, assert_exit, bin, output, stderr, stdout};

/// A VPC whose subnet lies in 10.99.0.0/16: free with the default config, inside the
/// protocol subnet of `FAB_YAML`.
const VPC_IN_10_99: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.99.1.0/24\n      vlan: 1001\n";

/// A fab.yaml that moves the protocol subnet (a reserved subnet) to 10.99.0.0/16.
const FAB_YAML: &str = "apiVersion: fabricator.githedgehog.com/v1beta1\nkind: Fabricator\nmetadata:\n  name: default\n  namespace: fab\nspec:\n  config:\n    fabric:\n      protocolSubnet: 10.99.0.0/16\n---\napiVersion: fabricator.githedgehog.com/v1beta1\nkind: ControlNode\nmetadata:\n  name: control-1\n  namespace: fab\nspec: {}\n";

/// What the JSON report says of a fabric checked against the default release.
fn defaulted() -> serde_json::Value {
    serde_json::json!({"release": "26.03", "chosen": "defaulted", "fabric_version": "v0.129.4", "checked_as": "v0.129.1"})
}

/// The whole fabric-ctrl config.yaml of the fixtures with `reservedSubnets` set to `subnet`
/// alone.
fn config_yaml_reserving(subnet: &str) -> String {
    let whole =
        std::fs::read_to_string(crate::common::fixtures().join("fabric-config/config.yaml"))
            .unwrap();
    whole
        .lines()
        .filter(|line| !line.starts_with("  - 172.30."))
        .map(|line| match line {
            "reservedSubnets:" => format!("reservedSubnets: [{subnet}]\n"),
            line => format!("{line}\n"),
        })
        .collect()
}

const GATEWAY_GROUP: &str = "apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata:\n  name: group-1\nspec: {}\n";

#[test]
fn each_fabric_is_checked_against_its_own_fab_yaml() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/with/fab.yaml", FAB_YAML.as_bytes());
    repo.write("gitops/hedgehog/with/raw/vpc.yaml", VPC_IN_10_99.as_bytes());
    repo.write(
        "gitops/hedgehog/without/raw/vpc.yaml",
        VPC_IN_10_99.as_bytes(),
    );
    repo.commit_all("two fabrics");
    let report = repo.work.join("../report.json");
    let out = repo.sync(&["--report-json", report.to_str().unwrap()]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("\n      gitops/hedgehog/with/raw/vpc.yaml:8:15: error: subnet `10.99.1.0/24` overlaps `10.99.0.0/16`, which the fabric reserves for its own addresses (`reservedSubnets`: management, fabric links, loopbacks, VTEPs): pick a subnet outside it (at /spec/subnets/default/subnet)\n"),
        "{}",
        stdout(&out)
    );
    // The same file moves in the fabric that has no fab.yaml.
    assert_eq!(
        repo.files_under("gitops/hedgehog/without/managed"),
        ["vpcs/vpc-1.yaml"]
    );
    assert_eq!(
        repo.files_under("gitops/hedgehog/with/raw"),
        ["vpc.yaml"],
        "the rejected file stays"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(
        json["fabrics"][0]["fabric_config"],
        serde_json::json!({"file": "gitops/hedgehog/with/fab.yaml", "form": "fab.yaml", "hedgehog_release": defaulted()})
    );
    assert_eq!(
        json["fabrics"][1]["fabric_config"],
        serde_json::json!({"hedgehog_release": defaulted()})
    );
}

#[test]
fn fabric_config_overrides_every_fabric_and_takes_fabric_ctrls_config_too() {
    let dir = tempfile::tempdir().unwrap();
    let vpc = dir.path().join("vpc.yaml");
    std::fs::write(&vpc, VPC_IN_10_99).unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, config_yaml_reserving("10.99.0.0/16")).unwrap();
    let out = output(bin().current_dir(dir.path()).args(["check", "vpc.yaml"]));
    assert_exit(&out, 0);
    let out = output(bin().current_dir(dir.path()).args([
        "check",
        "--fabric-config",
        "config.yaml",
        "--format",
        "json",
        "vpc.yaml",
    ]));
    assert_exit(&out, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["fabric_configs"],
        serde_json::json!([{"file": "config.yaml", "form": "fabric-ctrl-config", "hedgehog_release": defaulted()}])
    );
    assert_eq!(json["files"][0]["findings"][0]["line"], 8);
}

#[test]
fn gateway_kinds_warn_without_a_fab_yaml_and_fail_with_one_that_leaves_gateways_off() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("group.yaml"), GATEWAY_GROUP).unwrap();
    let out = output(bin().current_dir(dir.path()).args(["check", "group.yaml"]));
    assert_exit(&out, 0);
    std::fs::write(dir.path().join("fab.yaml"), FAB_YAML).unwrap();
    let out = output(bin().current_dir(dir.path()).args([
        "check",
        "--fabric-config",
        "fab.yaml",
        "group.yaml",
    ]));
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("group.yaml:"), "{}", stdout(&out));
    let enabled = FAB_YAML.replace(
        "    fabric:\n",
        "    gateway:\n      enable: true\n    fabric:\n",
    );
    std::fs::write(dir.path().join("fab.yaml"), enabled).unwrap();
    let out = output(bin().current_dir(dir.path()).args([
        "check",
        "--fabric-config",
        "fab.yaml",
        "group.yaml",
    ]));
    assert_exit(&out, 0);
}

#[test]
fn a_malformed_fab_yaml_stops_the_run_naming_its_line() {
    let repo = Repo::new(None);
    let bad = FAB_YAML.replace("protocolSubnet: 10.99.0.0/16", "protocolSubnet: [oops]");
    repo.write("gitops/hedgehog/f/fab.yaml", bad.as_bytes());
    repo.write("gitops/hedgehog/f/raw/vpc.yaml", VPC_IN_10_99.as_bytes());
    repo.commit_all("bad config");
    let commits = repo.commit_count();
    let out = repo.sync(&[]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: gitops/hedgehog/f/fab.yaml:9:23: error: [\"oops\"] is not of type \"string\" (at /spec/config/fabric/protocolSubnet)\nhhfab would refuse this fab.yaml, so the fabric config cannot be used: fix it or pass another with --fabric-config\n"
    );
    assert_eq!(repo.commit_count(), commits, "nothing was committed");
}

/// hhfab decodes a fab.yaml strictly: a misspelt section would otherwise read as the
/// default it hides (`gatway:` as gateways off), and an unknown fabric mode as spine-leaf.
#[test]
fn a_fab_yaml_with_a_misspelt_field_or_an_unknown_mode_stops_the_run_at_each_line() {
    let repo = Repo::new(None);
    let typos = FAB_YAML
        .replace(
            "    fabric:\n",
            "    gatway:\n      enable: true\n    fabric:\n      mode: spine-leef\n",
        )
        .replace("spec: {}", "spec:\n  managment:\n    interface: enp2s1");
    repo.write("gitops/hedgehog/f/fab.yaml", typos.as_bytes());
    repo.write("gitops/hedgehog/f/raw/vpc.yaml", VPC_IN_10_99.as_bytes());
    repo.commit_all("typos in the config");
    let commits = repo.commit_count();
    let out = repo.sync(&[]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: gitops/hedgehog/f/fab.yaml:8:5: error: unknown field `gatway`: did you mean `gateway`? (at /spec/config/gatway)\n\
         gitops/hedgehog/f/fab.yaml:11:13: error: `spec.config.fabric.mode: spine-leef` is not a fabric mode: write `spine-leaf` (fabricator refuses any other: invalid fabric mode) (at /spec/config/fabric/mode)\n\
         gitops/hedgehog/f/fab.yaml:20:3: error: unknown field `managment`: did you mean `management`? (at /spec/managment)\n\
         hhfab would refuse this fab.yaml, so the fabric config cannot be used: fix it or pass another with --fabric-config\n"
    );
    assert_eq!(repo.commit_count(), commits, "nothing was committed");
}

/// The fab.yaml as `hhfab init --gateway` writes it (fabricator's
/// `pkg/fab/initconfig.tmpl.yaml` at e9b05b8d, rendered) is read, and `check` names it as
/// the config, never as an ignored file.
#[test]
fn the_fab_yaml_hhfab_init_writes_is_read_and_never_listed_as_ignored() {
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/f/fab.yaml",
        include_bytes!("../fixtures/fab-yaml/hhfab-init-gateway.yaml"),
    );
    repo.write("gitops/hedgehog/f/raw/vpc.yaml", VPC_IN_172_30.as_bytes());
    repo.commit_all("hhfab init");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    let mut check = bin();
    check
        .current_dir(&repo.work)
        .args(["check", "gitops/hedgehog/f"]);
    let out = output(repo.isolate(&mut check));
    assert_eq!(stderr(&out), "");
    assert_eq!(
        stdout(&out),
        "gitops/hedgehog/f/raw/vpc.yaml:8:15: error: subnet `172.30.1.0/24` overlaps `172.30.0.0/21`, which the fabric reserves for its own addresses (`reservedSubnets`: management, fabric links, loopbacks, VTEPs): pick a subnet outside it (at /spec/subnets/default/subnet)\n\
         fabric config: gitops/hedgehog/f/fab.yaml (fab.yaml)\n\
         Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n\
         checked 1 file: 0 valid (0 resources), 1 rejected (1 error), 0 warnings\n"
    );
    assert_exit(&out, 1);
}

#[test]
fn check_reads_the_fab_yaml_of_the_fabric_holding_each_path() {
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("gitops/hedgehog/with");
    let without = dir.path().join("gitops/hedgehog/without");
    for fabric in [&with, &without] {
        std::fs::create_dir_all(fabric.join("raw")).unwrap();
        std::fs::write(fabric.join("raw/vpc.yaml"), VPC_IN_10_99).unwrap();
    }
    std::fs::write(with.join("fab.yaml"), FAB_YAML).unwrap();
    let out = output(bin().current_dir(dir.path()).args([
        "check",
        "--format",
        "json",
        "gitops/hedgehog/with/raw/vpc.yaml",
        "gitops/hedgehog/without/raw",
    ]));
    assert_exit(&out, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["fabric_configs"],
        serde_json::json!([{"file": "gitops/hedgehog/with/fab.yaml", "form": "fab.yaml", "hedgehog_release": defaulted()}, {"hedgehog_release": defaulted()}])
    );
    assert_eq!(json["totals"]["rejected_files"], 1, "{json}");
    assert_eq!(
        json["files"][0]["path"], "gitops/hedgehog/with/raw/vpc.yaml",
        "the file of the fabric with the fab.yaml is the rejected one"
    );
    assert_eq!(json["files"][0]["findings"][0]["line"], 8);
}

/// A VPC whose subnet lies in fabricator's default management subnet, 172.30.0.0/21: a
/// reserved subnet only if the fabric kept that default.
const VPC_IN_172_30: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 172.30.1.0/24\n      vlan: 1001\n";

/// A fab.yaml that keeps every default.
const DEFAULT_FAB_YAML: &str = "apiVersion: fabricator.githedgehog.com/v1beta1\nkind: Fabricator\nmetadata:\n  name: default\n  namespace: fab\nspec:\n  config: {}\n";

#[test]
fn a_finding_on_a_default_value_warns_without_a_config_and_rejects_with_one_or_denied() {
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/assumed/raw/vpc.yaml",
        VPC_IN_172_30.as_bytes(),
    );
    repo.commit_all("a VPC in the default management subnet");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("\n      gitops/hedgehog/assumed/raw/vpc.yaml:8:15: warning: subnet `172.30.1.0/24` overlaps `172.30.0.0/21`, which the fabric reserves for its own addresses (`reservedSubnets`: management, fabric links, loopbacks, VTEPs): pick a subnet outside it; that value is fabricator's default `reservedSubnets`, assumed for want of a fabric config: if your fabric uses another, give its config with --fabric-config or <fabric>/fab.yaml (at /spec/subnets/default/subnet)\n"),
        "{}",
        stdout(&out)
    );
    let out = repo.sync(&["--dry-run", "--deny-warnings"]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("\n      gitops/hedgehog/assumed/raw/vpc.yaml:8:15: error: subnet `172.30.1.0/24` overlaps `172.30.0.0/21`, which the fabric reserves for its own addresses (`reservedSubnets`: management, fabric links, loopbacks, VTEPs): pick a subnet outside it; that value is fabricator's default `reservedSubnets`, assumed for want of a fabric config: if your fabric uses another, give its config with --fabric-config or <fabric>/fab.yaml (a warning, rejected because warnings are denied: --deny-warnings) (at /spec/subnets/default/subnet)\n"),
        "{}",
        stdout(&out)
    );
    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    assert_eq!(
        repo.files_under("gitops/hedgehog/assumed/managed"),
        ["vpcs/vpc-1.yaml"],
        "the file moves"
    );
    // The same VPC in a fabric whose fab.yaml keeps the defaults: the user chose them.
    repo.write(
        "gitops/hedgehog/chosen/fab.yaml",
        DEFAULT_FAB_YAML.as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/chosen/raw/vpc.yaml",
        VPC_IN_172_30.as_bytes(),
    );
    repo.commit_all("the same VPC in a fabric with a fab.yaml");
    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("\n      gitops/hedgehog/chosen/raw/vpc.yaml:8:15: error: subnet `172.30.1.0/24` overlaps `172.30.0.0/21`, which the fabric reserves for its own addresses (`reservedSubnets`: management, fabric links, loopbacks, VTEPs): pick a subnet outside it (at /spec/subnets/default/subnet)\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(repo.files_under("gitops/hedgehog/chosen/raw"), ["vpc.yaml"]);
}

#[test]
fn a_switch_on_the_air_demos_management_network_warns_unless_the_config_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let switch = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-01\nspec:\n  role: server-leaf\n  profile: vs\n  asn: 65101\n  ip: 192.168.200.8/24\n  protocolIP: 172.30.8.2/32\n  vtepIP: 172.30.12.0/32\n";
    std::fs::write(dir.path().join("switch.yaml"), switch).unwrap();
    let out = output(bin().current_dir(dir.path()).args(["check", "switch.yaml"]));
    assert_exit(&out, 0);
    assert!(
        stdout(&out).starts_with("switch.yaml:9:7: warning: management IP `192.168.200.8` is outside the fabric's management subnet `172.30.0.0/21` (`managementSubnet`); that value is fabricator's default `managementSubnet`, assumed for want of a fabric config: if your fabric uses another, give its config with --fabric-config or <fabric>/fab.yaml (at /spec/ip)\n"),
        "{}",
        stdout(&out)
    );
    let check_with = |config: &str| {
        std::fs::write(dir.path().join("fab.yaml"), config).unwrap();
        output(bin().current_dir(dir.path()).args([
            "check",
            "--fabric-config",
            "fab.yaml",
            "switch.yaml",
        ]))
    };
    let out = check_with(DEFAULT_FAB_YAML);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).starts_with("switch.yaml:9:7: error: management IP `192.168.200.8` is outside the fabric's management subnet `172.30.0.0/21` (`managementSubnet`) (at /spec/ip)\n"),
        "{}",
        stdout(&out)
    );
    let air = DEFAULT_FAB_YAML.replace(
        "  config: {}\n",
        "  config:\n    control:\n      managementSubnet: 192.168.200.0/24\n      controlVIP: 192.168.200.1/32\n    fabric:\n      managementDHCPStart: 192.168.200.100\n",
    );
    let out = check_with(&air);
    assert_exit(&out, 0);
    assert!(
        stdout(&out)
            .ends_with("checked 1 file: 1 valid (1 resource), 0 rejected (0 errors), 1 warning\n"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("management"), "{}", stdout(&out));
}

#[test]
fn a_partial_config_yaml_is_refused_naming_the_first_field_init_requires() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vpc.yaml"), VPC_IN_10_99).unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        "controlVIP: 172.30.0.1/32\nreservedSubnets: [10.99.0.0/16]\n",
    )
    .unwrap();
    let out = output(bin().current_dir(dir.path()).args([
        "check",
        "--fabric-config",
        "config.yaml",
        "vpc.yaml",
    ]));
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: config.yaml:1:1: error: config.yaml has no `apiServer`: fabric-ctrl's Init() requires it, so the fabric would not start with this config; give the whole config (`kubectl get cm -n fab fabric-ctrl-config -o yaml`) or the fabric's fab.yaml: the fabric config cannot be used; fix it or pass another with --fabric-config\n"
    );
    // A config.yaml without its leaf ASNs never reaches a Switch as a range `0-0`.
    let without_asns: String = config_yaml_reserving("10.99.0.0/16")
        .lines()
        .filter(|line| !line.starts_with("leafASN"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(dir.path().join("config.yaml"), without_asns).unwrap();
    let out = output(bin().current_dir(dir.path()).args([
        "check",
        "--fabric-config",
        "config.yaml",
        "vpc.yaml",
    ]));
    assert_exit(&out, 2);
    assert!(
        stderr(&out)
            .contains("config.yaml has no `leafASNStart`: fabric-ctrl's Init() requires it"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("0-0") && !stderr(&out).contains("0-0"));
}

#[test]
fn a_fab_yaml_linked_to_a_file_inside_the_repository_is_followed_and_named() {
    let repo = Repo::new(None);
    repo.write("shared/fab.yaml", FAB_YAML.as_bytes());
    repo.write("gitops/hedgehog/f/raw/vpc.yaml", VPC_IN_10_99.as_bytes());
    std::os::unix::fs::symlink(
        "../../../shared/fab.yaml",
        repo.work.join("gitops/hedgehog/f/fab.yaml"),
    )
    .unwrap();
    repo.commit_all("a fabric whose fab.yaml is the monorepo's shared one");
    let report = repo.work.join("../report.json");
    let out = repo.sync(&["--dry-run", "--report-json", report.to_str().unwrap()]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).starts_with("gitops/hedgehog/f\n  fabric config: gitops/hedgehog/f/fab.yaml (fab.yaml)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n  rejected raw/vpc.yaml (left in raw/)\n      gitops/hedgehog/f/raw/vpc.yaml:8:15: error: subnet `10.99.1.0/24` overlaps `10.99.0.0/16`, which the fabric reserves for its own addresses"),
        "the shared fab.yaml's protocol subnet applies: {}",
        stdout(&out)
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(
        json["fabrics"][0]["fabric_config"],
        serde_json::json!({"file": "gitops/hedgehog/f/fab.yaml", "form": "fab.yaml", "hedgehog_release": defaulted()})
    );
    // check finds it too, from inside the fabric.
    let out = output(
        repo.isolate(&mut bin())
            .current_dir(&repo.work)
            .args(["check", "gitops/hedgehog/f/raw/vpc.yaml"]),
    );
    assert_exit(&out, 1);
    assert!(
        stdout(&out)
            .ends_with("fabric config: gitops/hedgehog/f/fab.yaml (fab.yaml)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\nchecked 1 file: 0 valid (0 resources), 1 rejected (1 error), 0 warnings\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_fab_yaml_linked_outside_the_repository_or_nowhere_stops_the_run() {
    let repo = Repo::new(None);
    let outside = repo.tmp.path().join("elsewhere.yaml");
    std::fs::write(&outside, FAB_YAML).unwrap();
    repo.write("gitops/hedgehog/f/raw/vpc.yaml", VPC_IN_10_99.as_bytes());
    let link = repo.work.join("gitops/hedgehog/f/fab.yaml");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    repo.commit_all("a fab.yaml that leaves the repository");
    let commits = repo.commit_count();
    let out = repo.sync(&[]);
    assert_exit(&out, 2);
    let outside = outside.canonicalize().unwrap();
    let top = repo.work.canonicalize().unwrap();
    assert_eq!(
        stderr(&out),
        format!(
            "hh-gitops: error: gitops/hedgehog/f/fab.yaml links to {}, outside the repository ({}): hh-gitops reads a fabric's config only from the repository it checks, so that every run of every clone checks against the same file; copy the file into the repository and link to that, or give it with --fabric-config\n",
            outside.display(),
            top.display()
        )
    );
    assert_eq!(repo.commit_count(), commits, "nothing was committed");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("missing.yaml", &link).unwrap();
    let out = repo.sync(&[]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: gitops/hedgehog/f/fab.yaml links to missing.yaml, which does not exist: point the link at the fabric's fab.yaml, or remove it to check against fabricator's defaults\n"
    );
}
