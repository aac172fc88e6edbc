//! `hh-gitops free vlan|subnet|port` (issue 21, item 8): what is left to pick in each
//! fabric's managed/, compared whole against `tests/cmd/free-*`, on a small hand-made fabric
//! (a namespace fully used, one not in Git, a switch with a breakout) and on the bundled
//! example once synced.

use std::path::Path;
use std::process::Command;

use crate::common::{
    Repo, assert_exit, assert_expected, bin, output, readme, readme_block_after, stderr, stdout,
};

pub(crate) const FABRIC: &str = "gitops/hedgehog/fabric-1";

/// The managed files of the small fabric: VLANNamespace `default` (1000-1009) with VLANs
/// 1001-1002 used, `full` (2000-2001) with both used, and `other`, named by a VPC but not in
/// Git; IPv4Namespace `default` (10.0.0.0/16) and `small` (10.9.0.0/24, all used); Switch
/// `leaf-01` on edgecore-eps202 with E1/53 broken out 4x25G and E1/1, E1/53/2 and E1/54
/// used; two ExternalAttachments on `leaf-01--external` (VLAN 100 and untagged).
const FILES: &[(&str, &str)] = &[
    (
        "managed/vlannamespaces/default.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
  - from: 1000
    to: 1009
",
    ),
    (
        "managed/vlannamespaces/full.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: full
spec:
  ranges:
  - from: 2000
    to: 2001
",
    ),
    (
        "managed/ipv4namespaces/default.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: IPv4Namespace
metadata:
  name: default
spec:
  subnets:
  - 10.0.0.0/16
",
    ),
    (
        "managed/ipv4namespaces/small.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: IPv4Namespace
metadata:
  name: small
spec:
  subnets:
  - 10.9.0.0/24
",
    ),
    (
        "managed/vpcs/vpc-1.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
spec:
  subnets:
    default:
      subnet: 10.0.1.0/24
      vlan: 1001
    db:
      subnet: 10.0.0.0/24
      vlan: 1002
",
    ),
    (
        "managed/vpcs/vpc-full.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-full
spec:
  ipv4Namespace: small
  vlanNamespace: full
  subnets:
    a:
      subnet: 10.9.0.0/25
      vlan: 2000
    b:
      subnet: 10.9.0.128/25
      vlan: 2001
",
    ),
    (
        "managed/vpcs/vpc-other.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-other
spec:
  vlanNamespace: other
  subnets:
    default:
      subnet: 10.0.3.0/24
      vlan: 1500
",
    ),
    (
        "managed/switches/leaf-01.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  profile: edgecore-eps202
  portBreakouts:
    E1/53: 4x25G
  vlanNamespaces:
  - default
  - full
",
    ),
    (
        "managed/connections/server-01--unbundled--leaf-01.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1
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
",
    ),
    (
        "managed/connections/server-02--unbundled--leaf-01.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: server-02--unbundled--leaf-01
spec:
  unbundled:
    link:
      server:
        port: server-02/enp2s1
      switch:
        port: leaf-01/E1/53/2
",
    ),
    (
        "managed/connections/leaf-01--external.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: leaf-01--external
spec:
  external:
    link:
      switch:
        port: leaf-01/E1/54
",
    ),
    (
        "managed/externals/internet.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: External
metadata:
  name: internet
spec:
  ipv4Namespace: default
  inboundCommunity: 65102:5000
  outboundCommunity: 50000:50001
",
    ),
    (
        "managed/externalattachments/internet-100.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: ExternalAttachment
metadata:
  name: internet-100
spec:
  connection: leaf-01--external
  external: internet
  neighbor:
    asn: 65102
    ip: 100.100.0.6
  switch:
    ip: 100.100.0.1/24
    vlan: 100
",
    ),
    (
        "managed/externalattachments/internet-untagged.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: ExternalAttachment
metadata:
  name: internet-untagged
spec:
  connection: leaf-01--external
  external: internet
  neighbor:
    asn: 65102
    ip: 100.101.0.6
  switch:
    ip: 100.101.0.1/24
",
    ),
    (
        "managed/vpcattachments/vpc-1--server-01.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: vpc-1--server-01
spec:
  subnet: vpc-1/default
  connection: server-01--unbundled--leaf-01
",
    ),
];

/// The small fabric, committed in a git repository.
pub(crate) fn small_repo() -> Repo {
    let repo = Repo::new(None);
    repo.write(&format!("{FABRIC}/raw/.gitkeep"), b"");
    for (path, text) in FILES {
        repo.write(&format!("{FABRIC}/{path}"), text.as_bytes());
    }
    repo.commit_all("a small fabric");
    repo
}

/// The bundled example (tests/fixtures/gitops-test-1) after one sync: what its users ask
/// about.
pub(crate) fn example_repo() -> Repo {
    let repo = Repo::new(Some("gitops-test-1"));
    let synced = repo.sync(&["--commit", "git"]);
    assert_exit(&synced, 0);
    repo
}

/// Runs `hh-gitops <args> --repo <repo>`.
pub(crate) fn run(repo: &Repo, args: &[&str]) -> std::process::Output {
    let mut command = bin();
    command.args(args).arg("--repo").arg(&repo.work);
    output(repo.isolate(&mut command))
}

#[test]
fn free_vlan_subtracts_vpc_vlans_per_namespace_and_says_when_ranges_are_unknown() {
    let repo = small_repo();
    let out = run(&repo, &["free", "vlan"]);
    assert_exit(&out, 0);
    assert_expected("free-vlan.stdout", &stdout(&out));
    let one = run(
        &repo,
        &["free", "vlan", "--namespace", "full", "--format", "json"],
    );
    assert_exit(&one, 0);
    assert_expected("free-vlan-full.json", &stdout(&one));
}

#[test]
fn free_vlan_of_a_connection_is_what_its_external_attachments_leave() {
    let repo = small_repo();
    let out = run(
        &repo,
        &["free", "vlan", "--connection", "leaf-01--external"],
    );
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "gitops/hedgehog/fabric-1
CONNECTION         UNTAGGED                                      USED  FREE
leaf-01--external  used by ExternalAttachment internet-untagged  100   1-99, 101-4094
"
    );
}

#[test]
fn free_subnet_skips_every_vpc_subnet_of_the_namespace() {
    let repo = small_repo();
    let out = run(&repo, &["free", "subnet", "--prefix", "24"]);
    assert_exit(&out, 0);
    assert_expected("free-subnet.stdout", &stdout(&out));
    let wide = run(
        &repo,
        &[
            "free",
            "subnet",
            "--prefix",
            "23",
            "--count",
            "2",
            "--namespace",
            "default",
        ],
    );
    assert_exit(&wide, 0);
    assert_eq!(
        stdout(&wide),
        "gitops/hedgehog/fabric-1
IPV4 NAMESPACE  SUBNETS      VPC SUBNETS  FREE /23
default         10.0.0.0/16  3            10.0.4.0/23, 10.0.6.0/23
"
    );
}

#[test]
fn free_port_lists_a_switchs_unused_ports_after_its_breakouts() {
    let repo = small_repo();
    let out = run(&repo, &["free", "port", "--switch", "leaf-01"]);
    assert_exit(&out, 0);
    assert_expected("free-port.stdout", &stdout(&out));
    let missing = run(&repo, &["free", "port", "--switch", "leaf-9"]);
    assert_exit(&missing, 0);
    assert_eq!(
        stdout(&missing),
        "gitops/hedgehog/fabric-1\nSwitch `leaf-9` is in neither managed/ nor cluster/\n"
    );
}

#[test]
fn free_answers_on_the_bundled_example() {
    let repo = example_repo();
    let fabric = ["--fabric", "gitops/hedgehog/fabric-1"];
    let mut text = String::new();
    for args in [
        &["free", "vlan"][..],
        &["free", "subnet", "--prefix", "24"],
        &["free", "port", "--switch", "leaf-01"],
    ] {
        let out = run(&repo, &[args, &fabric[..]].concat());
        assert_exit(&out, 0);
        text.push_str(&format!("$ hh-gitops {}\n{}", args.join(" "), stdout(&out)));
    }
    assert_expected("free-example.stdout", &text);
}

#[test]
fn a_subnet_prefix_out_of_range_is_a_usage_error() {
    let repo = small_repo();
    let out = run(&repo, &["free", "subnet", "--prefix", "33"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("33 is not in 1..=32"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_readme_free_commands_run_as_written_on_the_small_fabric() {
    let repo = small_repo();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hh-gitops")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin_dir.to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let block = readme_block_after("<!-- free-commands -->");
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(lines.len(), 5, "{block}");
    for line in lines {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(line)
            .current_dir(&repo.work)
            .env("PATH", &path);
        let out = output(repo.isolate(&mut command));
        assert_exit(&out, 0);
        assert!(!out.stdout.is_empty(), "`{line}` printed nothing");
    }
}

#[test]
fn the_readme_free_sample_is_real_output() {
    let text = readme();
    let after = &text[text.find("<!-- free-commands -->").expect("the marker")..];
    let sample = after
        .split("```\n")
        .nth(2)
        .expect("the block after the commands is the sample");
    let actual = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cmd/free-vlan.stdout"
    ))
    .unwrap();
    assert_eq!(
        sample, actual,
        "README sample is not tests/cmd/free-vlan.stdout"
    );
}

/// A namespace Git does not apply but the fabric holds, exported into cluster/ (as
/// `kubectl get -o yaml` writes it), gives `free` its ranges.
#[test]
fn free_vlan_reads_a_namespace_exported_into_cluster() {
    let repo = small_repo();
    repo.write(
        &format!("{FABRIC}/cluster/vlannamespace-other.yaml"),
        b"apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: other
  resourceVersion: \"4242\"
  uid: 0f6a3c1e-0000-4000-8000-000000000000
spec:
  ranges:
  - from: 1500
    to: 1503
status: {}
",
    );
    let out = run(&repo, &["free", "vlan", "--namespace", "other"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!(
            "{FABRIC}\nVLAN NAMESPACE  RANGES     USED  FREE\nother           1500-1503  1500  1501-1503\n"
        )
    );
}
