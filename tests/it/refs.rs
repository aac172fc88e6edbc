//! `hh-gitops refs KIND/NAME` (issue 21, item 8): every object of managed/ referring to one,
//! at the line of the field naming it, on the small fabric of `free` and on the bundled
//! example once synced.

use crate::common::{assert_exit, assert_expected, stderr, stdout};
use crate::free::{example_repo, run, small_repo};

#[test]
fn refs_lists_each_referring_field_at_its_line() {
    let repo = small_repo();
    let out = run(&repo, &["refs", "vpc/vpc-1"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "gitops/hedgehog/fabric-1
VPC vpc-1 (gitops/hedgehog/fabric-1/managed/vpcs/vpc-1.yaml:1)
  gitops/hedgehog/fabric-1/managed/vpcattachments/vpc-1--server-01.yaml:6  VPCAttachment vpc-1--server-01  /spec/subnet
"
    );
    // Kinds by name or plural, in any case; defaulted references count, at the field
    // they default (a VPC without `ipv4Namespace` refers to `default` from its spec).
    let namespace = run(&repo, &["refs", "IPv4Namespaces/default"]);
    assert_exit(&namespace, 0);
    assert_expected("refs-ipv4namespace.stdout", &stdout(&namespace));
    let switch = run(&repo, &["refs", "switch/leaf-01", "--format", "json"]);
    assert_exit(&switch, 0);
    assert_expected("refs-switch.json", &stdout(&switch));
}

#[test]
fn refs_to_an_object_nothing_uses_or_no_file_holds() {
    let repo = small_repo();
    let out = run(&repo, &["refs", "vlannamespace/other"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "gitops/hedgehog/fabric-1
VLANNamespace other: in neither managed/ nor cluster/
  gitops/hedgehog/fabric-1/managed/vpcs/vpc-other.yaml:6  VPC vpc-other  /spec/vlanNamespace
"
    );
    let unused = run(&repo, &["refs", "vpc/vpc-full"]);
    assert_eq!(
        stdout(&unused),
        "gitops/hedgehog/fabric-1
VPC vpc-full (gitops/hedgehog/fabric-1/managed/vpcs/vpc-full.yaml:1)
  nothing in managed/ refers to it
"
    );
}

#[test]
fn refs_needs_a_known_kind_and_a_name() {
    let repo = small_repo();
    let out = run(&repo, &["refs", "vpc-1"]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "hh-gitops: error: `vpc-1` is not KIND/NAME: name the object as its kind and name, e.g. `vpc/vpc-1`\n"
    );
    let unknown = run(&repo, &["refs", "vcp/vpc-1"]);
    assert_exit(&unknown, 2);
    assert!(
        stderr(&unknown)
            .starts_with("hh-gitops: error: KIND `vcp` is not a kind hh-gitops knows: use one of "),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn refs_on_the_bundled_example() {
    let repo = example_repo();
    let out = run(
        &repo,
        &[
            "refs",
            "switch/leaf-01",
            "--fabric",
            "gitops/hedgehog/fabric-1",
        ],
    );
    assert_exit(&out, 0);
    assert_expected("refs-example.stdout", &stdout(&out));
}
