//! `hh-gitops list`: the managed resources of each fabric as tables people pick values from
//! (issue 11, item 4), compared whole against `tests/cmd/list-*`.

use crate::common::{
    Repo, assert_exit, assert_expected, bin, output, readme_section, stderr, stdout, vpc,
};

const F1: &str = "gitops/hedgehog/fabric-1";
const F2: &str = "gitops/hedgehog/fabric-2";

const CONNECTIONS: &str = "apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: spine-01--fabric--leaf-01
spec:
  fabric:
    links:
    - spine:
        port: spine-01/E1/1
        ip: 172.30.128.0/31
      leaf:
        port: leaf-01/E1/8
        ip: 172.30.128.1/31
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: server-01--unbundled--leaf-01
spec:
  unbundled:
    link:
      server:
        port: server-01/enp2s1
      switch:
        port: leaf-01/E1/1
";

const SWITCH: &str = "apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  profile: edgecore-eps202
  asn: 65101
  portBreakouts:
    E1/54: 4x10G
    E1/53: 4x25G
";

const EXTERNAL: &str = "apiVersion: vpc.githedgehog.com/v1beta1
kind: External
metadata:
  name: internet
spec:
  ipv4Namespace: default
  inboundCommunity: 65102:5000
  outboundCommunity: 50000:50001
";

const ATTACHMENT: &str = "apiVersion: wiring.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: vpc-1--server-01
spec:
  subnet: vpc-1/default
  connection: server-01--unbundled--leaf-01
";

const NAMESPACE: &str = "apiVersion: vpc.githedgehog.com/v1beta1
kind: IPv4Namespace
metadata:
  name: default
spec:
  subnets:
  - 10.0.0.0/16
";

const VLAN_NAMESPACE: &str = "apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
  - from: 1000
    to: 2999
  - from: 3500
";

/// Two fabrics: f1 holds one resource of each listed kind (a VPC with two subnets, a Switch
/// with two breakouts, namespaces with their ranges), a file that does not parse and a
/// ConfigMap folder that is not a kind's; f2 holds nothing.
fn repo() -> Repo {
    let repo = Repo::new(None);
    let two_subnets = vpc("vpc-1", 1001).replace(
        "      vlan: 1001\n",
        "      vlan: 1001\n    db:\n      subnet: 10.0.9.0/24\n      vlan: 1009\n",
    );
    let files: [(&str, &str); 11] = [
        ("raw/.gitkeep", ""),
        ("managed/vpcs/vpc-1.yaml", &two_subnets),
        ("managed/vpcs/vpc-10.yaml", &vpc("vpc-10", 1010)),
        (
            "managed/vpcs/broken.yaml",
            "kind: VPC\nmetadata:\n  name: [broken\n",
        ),
        ("managed/connections/all.yaml", CONNECTIONS),
        ("managed/switches/leaf-01.yaml", SWITCH),
        ("managed/externals/internet.yaml", EXTERNAL),
        ("managed/vpcattachments/vpc-1--server-01.yaml", ATTACHMENT),
        ("managed/ipv4namespaces/default.yaml", NAMESPACE),
        ("managed/vlannamespaces/default.yaml", VLAN_NAMESPACE),
        ("managed/tests/configmap.yaml", "kind: ConfigMap\n"),
    ];
    for (path, text) in files {
        repo.write(&format!("{F1}/{path}"), text.as_bytes());
    }
    repo.write(&format!("{F2}/raw/.gitkeep"), b"");
    repo.commit_all("two fabrics");
    repo
}

fn list(repo: &Repo, args: &[&str]) -> std::process::Output {
    let mut command = bin();
    command.arg("list").arg("--repo").arg(&repo.work).args(args);
    output(repo.isolate(&mut command))
}

#[test]
fn list_prints_a_sorted_aligned_table_per_kind_and_the_files_it_cannot_read() {
    let repo = repo();
    let out = list(&repo, &[]);
    assert_exit(&out, 0);
    assert_expected("list.stdout", &stdout(&out));
}

#[test]
fn continuation_rows_repeat_the_name_so_grep_finds_every_row_of_an_object() {
    let repo = repo();
    let text = stdout(&list(&repo, &[]));
    let rows: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("leaf-01 ") || line.starts_with("vpc-1 "))
        .map(str::trim_end)
        .collect();
    assert_eq!(
        rows,
        [
            "leaf-01  server-leaf  edgecore-eps202  65101  E1/53          4x25G",
            "leaf-01                                       E1/54          4x10G",
            "vpc-1   -               -               db       10.0.9.0/24   1009",
            "vpc-1                                   default  10.0.1.0/24   1001",
        ]
    );
}

#[test]
fn kind_and_fabric_narrow_the_listing_and_the_kind_is_matched_by_name_or_plural() {
    let repo = repo();
    let out = list(
        &repo,
        &["--kind", "vpc", "--fabric", "gitops/hedgehog/fabric-1"],
    );
    assert_exit(&out, 0);
    assert_expected("list-vpc.stdout", &stdout(&out));
    let plural = list(
        &repo,
        &["--kind", "VPCs", "--fabric", "gitops/hedgehog/fabric-1"],
    );
    assert_eq!(stdout(&plural), stdout(&out));
}

#[test]
fn list_as_json_gives_the_same_as_data() {
    let repo = repo();
    let out = list(
        &repo,
        &["--format", "json", "--fabric", "gitops/hedgehog/fabric-1"],
    );
    assert_exit(&out, 0);
    assert_expected("list.json", &stdout(&out));
}

#[test]
fn an_unknown_kind_is_a_usage_error_naming_the_known_ones() {
    let repo = repo();
    let out = list(&repo, &["--kind", "vcp"]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: --kind `vcp` is not a kind hh-gitops knows: use one of Connection, External, ExternalAttachment, ExternalPeering, Gateway, GatewayGroup, GatewayPeering, IPv4Namespace, Server, Switch, SwitchGroup, VLANNamespace, VPC, VPCAttachment, VPCPeering\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_glob_matching_no_fabric_is_a_warning_beside_one_that_matches_and_an_error_alone() {
    let repo = repo();
    let out = list(
        &repo,
        &["--fabric", "gitops/hedgehog/fabric-2", "--fabric", "nope/*"],
    );
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "warning: --fabric `nope/*` matches no fabric (a folder with a raw/ folder): check its spelling\ngitops/hedgehog/fabric-2\n  nothing in managed/\n"
    );
    // `--fabrics`, as sync spells it, is accepted too.
    let none = list(
        &repo,
        &["--fabrics", "gitops/hedgehog/fabric-2", "--kind", "switch"],
    );
    assert_eq!(
        stdout(&none),
        "gitops/hedgehog/fabric-2\n  no Switch in managed/\n"
    );
    let alone = list(&repo, &["--fabric", "nope/*"]);
    assert_exit(&alone, 2);
    assert!(
        stderr(&alone).starts_with("hh-gitops: error: no fabric found under "),
        "{}",
        stderr(&alone)
    );
}

#[test]
fn the_readme_sample_is_real_output() {
    let section = readme_section("### Find a free VLAN or port");
    let sample = section
        .split("```\n")
        .nth(2)
        .expect("the second code block of the section is the sample");
    let actual = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cmd/list-vpc.stdout"
    ))
    .unwrap();
    assert!(
        actual.starts_with(sample),
        "README sample is not the start of tests/cmd/list-vpc.stdout:\n{sample}"
    );
}
