//! The VPCAttachment rules that differ between releases, each case checked with that
//! release's oracle (`hhoracle`, see `tests/oracle.rs`; `kube: true`).

use serde_json::{Value, json};

use crate::rules::Release;
use crate::rules::test_support::{findings, object};

/// A VPC with a plain and a hostBGP subnet, an MCLAG connection `m` to the MCLAG pair
/// `leaf-01`/`leaf-02`, and an unbundled connection `u` to `leaf-04`.
fn fabric() -> Vec<Value> {
    let leaf = |name: &str, mclag: bool| {
        let mut spec =
            json!({"role": "server-leaf", "profile": "vs", "vlanNamespaces": ["default"]});
        if mclag {
            spec["redundancy"] = json!({"group": "mlag-1", "type": "mclag"});
        }
        object("Switch", name, spec)
    };
    let link = |server: &str, switch: &str| json!({"server": {"port": server}, "switch": {"port": switch}});
    vec![
        object(
            "VLANNamespace",
            "default",
            json!({"ranges": [{"from": 1000, "to": 2999}]}),
        ),
        object(
            "IPv4Namespace",
            "default",
            json!({"subnets": ["10.0.0.0/16"]}),
        ),
        object("SwitchGroup", "mlag-1", json!({})),
        leaf("leaf-01", true),
        leaf("leaf-02", true),
        leaf("leaf-04", false),
        object("Server", "server-01", json!({})),
        object("Server", "server-02", json!({})),
        object(
            "VPC",
            "vpc-1",
            json!({"subnets": {
                "default": {"subnet": "10.0.1.0/24", "vlan": 1001},
                "bgp": {"subnet": "10.0.2.0/24", "hostBGP": true}}}),
        ),
        object(
            "Connection",
            "m",
            json!({"mclag": {"links": [
                link("server-01/enp2s1", "leaf-01/E1/1"),
                link("server-01/enp2s2", "leaf-02/E1/1")]}}),
        ),
        object(
            "Connection",
            "u",
            json!({"unbundled": {"link": link("server-02/e", "leaf-04/E1/7")}}),
        ),
    ]
}

fn errors(release: Release, subject: &Value) -> Vec<String> {
    findings(release, subject, &fabric())
        .into_iter()
        .filter(|f| f.starts_with("E "))
        .collect()
}

#[test]
fn an_mclag_connection_carries_a_vpc_until_26_03() {
    // Oracle: 26.01 and 26.02 accept; 26.03 "vpc can be attached only to Unbundled,
    // Bundled or ESLAG connections".
    let subject = object(
        "VPCAttachment",
        "a",
        json!({"subnet": "vpc-1/default", "connection": "m"}),
    );
    for release in [Release::V26_01, Release::V26_02] {
        assert_eq!(errors(release, &subject), Vec::<String>::new(), "{release}");
    }
    assert_eq!(
        errors(Release::V26_03, &subject),
        [
            "E /spec/connection: Connection `m` (managed/9.yaml:1) has type `mclag`: a VPC subnet attaches only to a server connection (`unbundled`, `bundled` or `eslag`)"
        ]
    );
}

#[test]
fn a_host_bgp_subnet_is_attached_without_native_vlan_from_26_03() {
    // Oracle: 26.01 and 26.02 accept; 26.03 "native VLAN is not supported for hostBGP
    // subnets, use vlan=0 in the VPC subnet spec instead".
    let subject = object(
        "VPCAttachment",
        "a",
        json!({"subnet": "vpc-1/bgp", "connection": "u", "nativeVLAN": true}),
    );
    for release in [Release::V26_01, Release::V26_02] {
        assert_eq!(errors(release, &subject), Vec::<String>::new(), "{release}");
    }
    assert_eq!(
        errors(Release::V26_03, &subject),
        [
            "E /spec/nativeVLAN: subnet `vpc-1/bgp` is a hostBGP subnet, which cannot be attached with `nativeVLAN: true`: remove it, and use `vlan: 0` in the VPC subnet instead"
        ]
    );
}
