//! `hh-gitops schemas`: the committed schemas are exactly what importing the committed CRDs
//! gives, `list` shows every kind of each release, and `--schemas` adds or overrides kinds
//! at run time, at every release.

use std::path::Path;

use crate::common::{assert_exit, bin, output, stderr, stdout, vpc};

fn schemas_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas"))
}

/// Imports every CRD of `schemas/<crds>/` afresh and requires each schema in `schemas/<out>/`
/// to be exactly what it gives, and nothing else there (`count` CRDs, one schema each).
fn assert_committed_schemas_are_a_fresh_import(crds: &str, out: &str, count: usize) {
    let out_dir = tempfile::tempdir().unwrap();
    let mut crd_files: Vec<_> = std::fs::read_dir(schemas_dir().join(crds))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    crd_files.sort();
    assert_eq!(crd_files.len(), count);
    let imported = output(
        bin()
            .args(["schemas", "import"])
            .args(&crd_files)
            .arg("--out")
            .arg(out_dir.path()),
    );
    assert_exit(&imported, 0);
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".json"))
            .collect();
        names.sort();
        names
    };
    let generated = names(out_dir.path());
    assert_eq!(generated, names(&schemas_dir().join(out)));
    for name in generated {
        let fresh = std::fs::read(out_dir.path().join(&name)).unwrap();
        let committed = std::fs::read(schemas_dir().join(out).join(&name)).unwrap();
        assert!(
            fresh == committed,
            "{name} differs from a fresh import: run `hh-gitops schemas import schemas/{crds}/*.yaml --out schemas/{out}`"
        );
    }
}

#[test]
fn regenerating_from_the_crds_gives_exactly_the_committed_schemas() {
    assert_committed_schemas_are_a_fresh_import("crds", "", 15);
}

/// The fab.yaml schemas (`schemas/fabricator/`) are exactly what importing fabricator's
/// committed CRDs (`schemas/crds/fabricator/`) gives.
#[test]
fn regenerating_the_fab_yaml_schemas_gives_exactly_the_committed_ones() {
    assert_committed_schemas_are_a_fresh_import("crds/fabricator", "fabricator", 3);
}

/// `schemas list`, whole: each release's kinds, and what an older release's schema lacks
/// (`schemas/releases/`, field by field).
const LIST: &str = r"Hedgehog 26.01 (fabric v0.115.4):
  Gateway              gateway.githedgehog.com/v1alpha1 managed/gateways/              embedded, without spec.flowTableCapacity, spec.logs.rateLimit
  GatewayGroup         gateway.githedgehog.com/v1alpha1 managed/gatewaygroups/         embedded
  GatewayPeering       gateway.githedgehog.com/v1alpha1 managed/gatewaypeerings/       embedded, without spec.acl
  External             vpc.githedgehog.com/v1beta1      managed/externals/             embedded
  ExternalAttachment   vpc.githedgehog.com/v1beta1      managed/externalattachments/   embedded, without spec.inboundACL
  ExternalPeering      vpc.githedgehog.com/v1beta1      managed/externalpeerings/      embedded
  IPv4Namespace        vpc.githedgehog.com/v1beta1      managed/ipv4namespaces/        embedded
  VPC                  vpc.githedgehog.com/v1beta1      managed/vpcs/                  embedded, without spec.subnets.*.dhcp.relayVPC, spec.subnets.*.hostBGPExtraPrefixes, spec.subnets.*.hostBGPMaxPrefixLen, spec.subnets.*.hostBGPMinPrefixLen
  VPCAttachment        vpc.githedgehog.com/v1beta1      managed/vpcattachments/        embedded
  VPCPeering           vpc.githedgehog.com/v1beta1      managed/vpcpeerings/           embedded
  Connection           wiring.githedgehog.com/v1beta1   managed/connections/           embedded
  Server               wiring.githedgehog.com/v1beta1   managed/servers/               embedded
  Switch               wiring.githedgehog.com/v1beta1   managed/switches/              embedded, without spec.linkFlapErrDisable, spec.portFECs, spec.portLocators
  SwitchGroup          wiring.githedgehog.com/v1beta1   managed/switchgroups/          embedded
  VLANNamespace        wiring.githedgehog.com/v1beta1   managed/vlannamespaces/        embedded
Hedgehog 26.02 (fabric v0.120.3):
  Gateway              gateway.githedgehog.com/v1alpha1 managed/gateways/              embedded, without spec.logs.rateLimit
  GatewayGroup         gateway.githedgehog.com/v1alpha1 managed/gatewaygroups/         embedded
  GatewayPeering       gateway.githedgehog.com/v1alpha1 managed/gatewaypeerings/       embedded, without spec.acl
  External             vpc.githedgehog.com/v1beta1      managed/externals/             embedded
  ExternalAttachment   vpc.githedgehog.com/v1beta1      managed/externalattachments/   embedded
  ExternalPeering      vpc.githedgehog.com/v1beta1      managed/externalpeerings/      embedded
  IPv4Namespace        vpc.githedgehog.com/v1beta1      managed/ipv4namespaces/        embedded
  VPC                  vpc.githedgehog.com/v1beta1      managed/vpcs/                  embedded, without spec.subnets.*.hostBGPExtraPrefixes, spec.subnets.*.hostBGPMaxPrefixLen, spec.subnets.*.hostBGPMinPrefixLen
  VPCAttachment        vpc.githedgehog.com/v1beta1      managed/vpcattachments/        embedded
  VPCPeering           vpc.githedgehog.com/v1beta1      managed/vpcpeerings/           embedded
  Connection           wiring.githedgehog.com/v1beta1   managed/connections/           embedded
  Server               wiring.githedgehog.com/v1beta1   managed/servers/               embedded
  Switch               wiring.githedgehog.com/v1beta1   managed/switches/              embedded, without spec.linkFlapErrDisable, spec.portFECs, spec.portLocators
  SwitchGroup          wiring.githedgehog.com/v1beta1   managed/switchgroups/          embedded
  VLANNamespace        wiring.githedgehog.com/v1beta1   managed/vlannamespaces/        embedded
Hedgehog 26.03 (fabric v0.129.4, checked as v0.129.1):
  Gateway              gateway.githedgehog.com/v1alpha1 managed/gateways/              embedded
  GatewayGroup         gateway.githedgehog.com/v1alpha1 managed/gatewaygroups/         embedded
  GatewayPeering       gateway.githedgehog.com/v1alpha1 managed/gatewaypeerings/       embedded
  External             vpc.githedgehog.com/v1beta1      managed/externals/             embedded
  ExternalAttachment   vpc.githedgehog.com/v1beta1      managed/externalattachments/   embedded
  ExternalPeering      vpc.githedgehog.com/v1beta1      managed/externalpeerings/      embedded
  IPv4Namespace        vpc.githedgehog.com/v1beta1      managed/ipv4namespaces/        embedded
  VPC                  vpc.githedgehog.com/v1beta1      managed/vpcs/                  embedded
  VPCAttachment        vpc.githedgehog.com/v1beta1      managed/vpcattachments/        embedded
  VPCPeering           vpc.githedgehog.com/v1beta1      managed/vpcpeerings/           embedded
  Connection           wiring.githedgehog.com/v1beta1   managed/connections/           embedded
  Server               wiring.githedgehog.com/v1beta1   managed/servers/               embedded
  Switch               wiring.githedgehog.com/v1beta1   managed/switches/              embedded
  SwitchGroup          wiring.githedgehog.com/v1beta1   managed/switchgroups/          embedded
  VLANNamespace        wiring.githedgehog.com/v1beta1   managed/vlannamespaces/        embedded
";

#[test]
fn list_shows_the_kinds_of_each_release_and_the_fields_an_older_one_lacks() {
    let out = output(bin().args(["schemas", "list"]));
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), LIST);
}

#[test]
fn extra_schemas_add_and_override_kinds() {
    let dir = tempfile::tempdir().unwrap();
    // A newer VPC schema that knows a field the embedded one does not.
    let mut schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(schemas_dir().join("vpcs.vpc.githedgehog.com_v1beta1.json")).unwrap(),
    )
    .unwrap();
    schema["properties"]["spec"]["properties"]["newField"] = serde_json::json!({"type": "string"});
    std::fs::write(
        dir.path().join("vpcs.vpc.githedgehog.com_v1beta1.json"),
        schema.to_string(),
    )
    .unwrap();
    let file = dir.path().join("vpc.yaml");
    std::fs::write(
        &file,
        vpc("v", 1001).replace("spec:\n", "spec:\n  newField: x\n"),
    )
    .unwrap();

    let embedded = output(bin().arg("check").arg(&file));
    assert_exit(&embedded, 1);
    assert!(stdout(&embedded).contains("unknown field `newField`"));
    let extended = output(
        bin()
            .arg("check")
            .arg("--schemas")
            .arg(dir.path())
            .arg(&file),
    );
    assert_exit(&extended, 0);
    let listed = stdout(&output(
        bin().args(["schemas", "list", "--schemas"]).arg(dir.path()),
    ));
    // The added schema replaces the embedded one at every release.
    let added: Vec<&str> = listed
        .lines()
        .filter(|l| l.starts_with("  VPC "))
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    let file = dir
        .path()
        .join("vpcs.vpc.githedgehog.com_v1beta1.json")
        .display()
        .to_string();
    assert_eq!(added, [file.as_str(); 3], "{listed}");

    std::fs::write(dir.path().join("broken.json"), "{}").unwrap();
    let broken = output(
        bin()
            .arg("check")
            .arg("--schemas")
            .arg(dir.path())
            .arg(&file),
    );
    assert_exit(&broken, 2);
    assert!(
        stderr(&broken).contains("does not say which kind it describes"),
        "{}",
        stderr(&broken)
    );
}
