//! Issue 21, item 2: `<fabric>/cluster/` holds objects exported from the running fabric that
//! GitOps must not apply (the `default` namespaces, wiring applied by hhfab). They count in
//! the fabric state, so the checks that need them run; nothing moves them, they are never
//! stray, and the export fields they carry are no finding. The objects the fabric creates
//! itself count under strict references. Real git repositories, the real binary.

use std::process::Output;

use crate::common::{
    Repo, assert_exit, attachment, bin, fixtures, output, stdout, vpc_on as vpc, without_shas,
};

const F: &str = "gitops/hedgehog/f";

/// `kubectl get vlannamespaces.wiring.githedgehog.com default -o yaml`, as the fabric
/// answers it: server fields, `resourceVersion`, `status` and all.
const VLAN_NAMESPACE_EXPORT: &str = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  creationTimestamp: \"2025-08-01T10:00:00Z\"\n  generation: 1\n  name: default\n  namespace: default\n  resourceVersion: \"1234\"\n  uid: 0b6f6c1e-8f4e-4d59-9a44-1f1f1f1f1f1f\nspec:\n  ranges:\n  - from: 1000\n    to: 2999\nstatus: {}\n";

/// The same for `ipv4namespaces.vpc.githedgehog.com default`.
const IPV4_NAMESPACE_EXPORT: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\n  namespace: default\n  resourceVersion: \"1235\"\nspec:\n  subnets:\n  - 10.0.0.0/16\nstatus: {}\n";

/// Wiring hhfab applied, as `kubectl get switches,servers,connections -o yaml` exports it:
/// one `kind: List` of a switch of the built-in profile `vs`, a server and their link.
const WIRING_EXPORT: &str = "apiVersion: v1\nitems:\n- apiVersion: wiring.githedgehog.com/v1beta1\n  kind: Switch\n  metadata:\n    name: leaf-01\n    resourceVersion: \"77\"\n  spec:\n    role: server-leaf\n    profile: vs\n    asn: 65101\n    ip: 172.30.0.8/21\n    protocolIP: 172.30.8.2/32\n    vtepIP: 172.30.12.0/32\n- apiVersion: wiring.githedgehog.com/v1beta1\n  kind: Server\n  metadata:\n    name: server-01\n  spec: {}\n- apiVersion: wiring.githedgehog.com/v1beta1\n  kind: Connection\n  metadata:\n    name: server-01--unbundled--leaf-01\n  spec:\n    unbundled:\n      link:\n        server:\n          port: server-01/enp2s1\n        switch:\n          port: leaf-01/E1/1\nkind: List\nmetadata:\n  resourceVersion: \"\"\n";

/// A repository whose fabric `f` has the namespace and wiring exports in cluster/, and
/// `raw` (path, text) in raw/, committed. managed/ is empty.
fn fabric_with_exports(raw: &[(&str, String)]) -> Repo {
    let repo = Repo::new(None);
    repo.write(
        &format!("{F}/cluster/vlannamespace-default.yaml"),
        VLAN_NAMESPACE_EXPORT.as_bytes(),
    );
    repo.write(
        &format!("{F}/cluster/ipv4namespace-default.yaml"),
        IPV4_NAMESPACE_EXPORT.as_bytes(),
    );
    repo.write(
        &format!("{F}/cluster/wiring.yaml"),
        WIRING_EXPORT.as_bytes(),
    );
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    for (path, text) in raw {
        repo.write(&format!("{F}/raw/{path}"), text.as_bytes());
    }
    repo.commit_all("the fabric");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    repo
}

/// `hh-gitops check` at the top of the clone, with `args`.
fn check(repo: &Repo, args: &[&str]) -> Output {
    let mut command = bin();
    command.current_dir(&repo.work).arg("check").args(args);
    output(repo.isolate(&mut command))
}

const DEFAULTS: &str = "fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n";

#[test]
fn the_namespace_checks_run_against_the_exports_and_nothing_moves_from_cluster() {
    let repo = fabric_with_exports(&[
        ("inside.yaml", vpc("inside", "10.0.1.0/24", 1001)),
        ("outside.yaml", vpc("outside", "10.0.2.0/24", 3500)),
        ("elsewhere.yaml", vpc("elsewhere", "10.1.0.0/24", 1002)),
        ("attach.yaml", attachment("inside")),
    ]);
    let out = repo.sync(&["--commit", "git", "--references", "strict"]);
    assert_exit(&out, 1);
    assert_eq!(
        without_shas(&stdout(&out)),
        format!(
            "{F}\n  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n  rejected raw/elsewhere.yaml (left in raw/)\n      {F}/raw/elsewhere.yaml:8:15: error: subnet `default` (10.1.0.0/24) is outside IPv4Namespace `default` (10.0.0.0/16; cluster/ipv4namespace-default.yaml:1): a VPC subnet must lie inside one of its namespace's subnets, so pick a prefix inside them or widen the namespace (at /spec/subnets/default/subnet)\n  rejected raw/outside.yaml (left in raw/)\n      {F}/raw/outside.yaml:9:13: error: VLAN `3500` of subnet `default` is outside VLANNamespace `default` (1000-2999; cluster/vlannamespace-default.yaml:1): pick a VLAN from the namespace's ranges (at /spec/subnets/default/vlan)\n  moved raw/attach.yaml -> 1 resource\n      created   managed/vpcattachments/inside--server-01.yaml\n  moved raw/inside.yaml -> 1 resource\n      created   managed/vpcs/inside.yaml\n  ignored  raw/.gitkeep\ncommitted <sha>: 2 raw files moved (2 resources: 2 created, 0 updated, 0 unchanged), 2 rejected (2 errors), 1 ignored, 0 warnings\n"
        )
    );
    // The commit touches raw/ and managed/ only: the exports stay where they are.
    let files = repo.git(&["show", "--no-renames", "--name-status", "--format=", "HEAD"]);
    assert_eq!(
        files,
        format!(
            "A\t{F}/managed/vpcattachments/inside--server-01.yaml\nA\t{F}/managed/vpcs/inside.yaml\nD\t{F}/raw/attach.yaml\nD\t{F}/raw/inside.yaml\n"
        )
    );
    assert_eq!(
        repo.files_under(&format!("{F}/cluster")),
        [
            "ipv4namespace-default.yaml",
            "vlannamespace-default.yaml",
            "wiring.yaml"
        ]
    );
    assert_eq!(
        repo.read(&format!("{F}/cluster/vlannamespace-default.yaml")),
        VLAN_NAMESPACE_EXPORT.as_bytes()
    );
}

#[test]
fn exports_are_checked_as_the_fabrics_objects_never_stray_and_their_export_fields_pass() {
    let repo = fabric_with_exports(&[]);
    let out = check(&repo, &["--references", "strict"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!(
            "{DEFAULTS}checked 3 files: 3 valid (5 resources), 0 rejected (0 errors), 0 warnings\n"
        )
    );
    // A problem of an export is the fabric's: a warning, which rejects no raw file.
    repo.write(
        &format!("{F}/cluster/leaf-02.yaml"),
        b"apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: other\nspec:\n  ranges:\n  - from: 2000\n    to: 2100\n---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-02\nspec:\n  role: server-leaf\n  profile: vs\n  asn: 65102\n  ip: 172.30.0.9/21\n  protocolIP: 172.30.8.4/32\n  vtepIP: 172.30.12.2/32\n  vlanNamespaces: [default, other]\n",
    );
    repo.write(
        &format!("{F}/raw/vpc.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    let out = check(&repo, &["--references", "strict"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!(
            "{F}/cluster/leaf-02.yaml:21:19: warning: the fabric's own object, exported in cluster/: VLANNamespace `other` ({F}/cluster/leaf-02.yaml:1) range `2000-2100` overlaps range `1000-2999` of VLANNamespace `default` ({F}/cluster/vlannamespace-default.yaml:1): a switch's VLAN namespaces must not share VLANs; drop one of them (at /spec/vlanNamespaces)\n{DEFAULTS}checked 5 files: 5 valid (8 resources), 0 rejected (0 errors), 1 warning\n"
        )
    );
}

#[test]
fn an_object_in_cluster_and_in_managed_or_raw_says_the_applier_applies_the_repositorys() {
    let repo = fabric_with_exports(&[(
        "ns.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets:\n  - 10.0.0.0/16\n".to_owned(),
    )]);
    repo.write(
        &format!("{F}/managed/vlannamespaces/default.yaml"),
        b"apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges:\n  - from: 1000\n    to: 1099\n",
    );
    repo.write(
        &format!("{F}/raw/vpc.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1500).as_bytes(),
    );
    repo.commit_all("a managed copy of an export");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    let out = check(&repo, &[]);
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        format!(
            "{F}/managed/vlannamespaces/default.yaml:1:1: warning: VLANNamespace `default` is also exported in {F}/cluster/vlannamespace-default.yaml:1 (cluster/ holds the fabric's own objects, never applied): as it is in managed/, the applier applies this version over the fabric's own, and the checks use this one; to manage it with GitOps from now on, delete the export, else delete it here\n{F}/raw/ns.yaml:1:1: warning: IPv4Namespace `default` is also exported in {F}/cluster/ipv4namespace-default.yaml:1 (cluster/ holds the fabric's own objects, never applied): once this file moves, the applier applies this version over the fabric's own, and the checks use this one; to manage it with GitOps from now on, delete the export, else delete it here\n{F}/raw/vpc.yaml:9:13: error: VLAN `1500` of subnet `default` is outside VLANNamespace `default` (1000-1099; {F}/managed/vlannamespaces/default.yaml:1): pick a VLAN from the namespace's ranges (at /spec/subnets/default/vlan)\n{DEFAULTS}checked 6 files: 5 valid (7 resources), 1 rejected (1 error), 2 warnings\n"
        )
    );
}

/// A Gateway in no group: it joins `default`, which the fabric creates when gateways are on.
const GATEWAY: &str = "apiVersion: gateway.githedgehog.com/v1alpha1\nkind: Gateway\nmetadata:\n  name: gw-1\nspec:\n  protocolIP: 172.30.8.3/32\n  vtepIP: 172.30.12.1/32\n  asn: 65101\n  vtepMAC: ca:fe:ba:be:00:01\n  vtepMTU: 1500\n  interfaces:\n    port0:\n      kernel: eth0\n      ips: [172.30.128.3/31]\n      mtu: 1500\n  neighbors:\n  - {source: eth0, ip: 172.30.128.1, asn: 65100}\n";

#[test]
fn strict_references_accept_the_built_in_profiles_and_the_default_gateway_group() {
    let repo = fabric_with_exports(&[("gw.yaml", GATEWAY.to_owned())]);
    let fab = std::fs::read(fixtures().join("fab-yaml/hhfab-init-gateway.yaml")).unwrap();
    repo.write(&format!("{F}/fab.yaml"), &fab);
    repo.commit_all("gateways on");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    let out = check(&repo, &["--references", "strict"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!(
            "fabric config: {F}/fab.yaml (fab.yaml)\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\nchecked 4 files: 4 valid (6 resources), 0 rejected (0 errors), 0 warnings\n"
        )
    );
    // Another group is no built-in: the repository must hold it.
    repo.write(
        &format!("{F}/raw/gw.yaml"),
        format!("{GATEWAY}  groups:\n  - name: edge\n").as_bytes(),
    );
    let out = check(&repo, &["--references", "strict"]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).starts_with(&format!("{F}/raw/gw.yaml:19:11: error: GatewayGroup `edge` does not exist: it is in none of this fabric's managed/, cluster/ and raw/")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn missing_objects_are_one_warning_line_per_kind_and_every_object_in_the_json() {
    let repo = Repo::new(None);
    let in_namespace = |name: &str, namespace: &str, vlan: u32| {
        format!(
            "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: {name}\nspec:\n  ipv4Namespace: {namespace}\n  vlanNamespace: {namespace}\n  subnets:\n    default:\n      subnet: 10.0.{vlan}.0/24\n      vlan: {vlan}\n"
        )
    };
    for (name, namespace, vlan) in [
        ("a", "default", 11),
        ("b", "default", 12),
        ("c", "blue", 13),
        ("d", "green", 14),
        ("e", "red", 15),
    ] {
        repo.write(
            &format!("{F}/raw/{name}.yaml"),
            in_namespace(name, namespace, vlan).as_bytes(),
        );
    }
    repo.commit_all("VPCs in namespaces Git does not hold");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    let warnings: Vec<String> = stdout(&out)
        .lines()
        .filter(|line| line.contains("warning:"))
        .map(|line| line.trim().to_owned())
        .collect();
    assert_eq!(
        warnings,
        [
            format!(
                "warning: 4 IPv4Namespaces the fabric's objects refer to are not in the repository (blue, default, green and 1 more): 5 references went unchecked (the check that the VPC's subnets lie inside it); export them into {F}/cluster/ (see README) or use --references strict"
            ),
            format!(
                "warning: 4 VLANNamespaces the fabric's objects refer to are not in the repository (blue, default, green and 1 more): 5 references went unchecked (the check that the VPC's VLANs lie inside it); export them into {F}/cluster/ (see README) or use --references strict"
            ),
        ]
    );
    let out = repo.sync(&["--dry-run", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<(String, String, u64)> = report["fabrics"][0]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap().to_owned(),
                m["name"].as_str().unwrap().to_owned(),
                m["references"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, u64)> = ["IPv4Namespace", "VLANNamespace"]
        .iter()
        .flat_map(|kind| {
            [("blue", 1), ("default", 2), ("green", 1), ("red", 1)]
                .map(|(name, count)| (kind.to_string(), name.to_owned(), count))
        })
        .collect();
    assert_eq!(missing, expected);
}

#[test]
fn the_readme_exports_into_cluster_and_its_appliers_read_managed_only() {
    let export = crate::common::readme_block_after("<!-- cluster-export -->");
    assert_eq!(
        export.lines().collect::<Vec<_>>(),
        [
            "kubectl get vlannamespaces.wiring.githedgehog.com default -o yaml > gitops/hedgehog/fabric-1/cluster/vlannamespace-default.yaml",
            "kubectl get ipv4namespaces.vpc.githedgehog.com default -o yaml > gitops/hedgehog/fabric-1/cluster/ipv4namespace-default.yaml",
        ]
    );
    // Argo CD's and Flux's `path` and kubectl's `-f`: managed/ only, which cluster/ is beside.
    let appliers = crate::common::readme_section("## Who applies managed/ to the fabric");
    let read: Vec<&str> = appliers
        .lines()
        .map(str::trim)
        .filter_map(|line| {
            line.strip_prefix("path: ")
                .or_else(|| line.strip_prefix("kubectl apply -R -f "))
        })
        .collect();
    assert_eq!(
        read,
        [
            "gitops/hedgehog/fabric-1/managed",
            "./gitops/hedgehog/fabric-1/managed",
            "gitops/hedgehog/fabric-1/managed/"
        ]
    );
}
