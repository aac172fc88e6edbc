//! The stand-alone VPC rules at the newest release (their differences between releases
//! are in `releases.rs`).

use super::*;
use crate::rules::config::FabricConfig;
use serde_json::json;

fn violations(spec: serde_json::Value) -> Vec<(String, String)> {
    violations_with(spec, &Context::fabricator_defaults())
}

fn violations_with(spec: serde_json::Value, ctx: &Context) -> Vec<(String, String)> {
    let mut vpc: Object =
        serde_json::from_value(json!({"metadata": {"name": "vpc-1"}, "spec": spec})).unwrap();
    default(&mut vpc);
    let mut out = Violations::default();
    validate(&vpc, ctx, &mut out);
    out.into_vec()
        .into_iter()
        .map(|v| (v.pointer, v.message))
        .collect()
}

#[test]
fn defaults_fill_gateway_and_dhcp_range_from_the_prefix() {
    let mut vpc: Object = serde_json::from_value(json!({"spec": {"subnets": {
        "a": {"subnet": "10.0.1.77/24", "vlan": 1, "dhcp": {"enable": true}},
        "v6": {"subnet": "fd00::/24", "vlan": 2},
        "bgp": {"subnet": "10.0.2.0/24", "hostBGP": true}
    }}}))
    .unwrap();
    default(&mut vpc);
    let subnets = vpc.spec.subnets.as_ref().unwrap();
    let a = &subnets["a"];
    assert_eq!(a.gateway, "10.0.1.1");
    let range = a.dhcp.range.as_ref().unwrap();
    assert_eq!(
        (range.start.as_str(), range.end.as_str()),
        ("10.0.1.2", "10.0.1.255")
    );
    assert_eq!(subnets["v6"].gateway, "fd00::1");
    assert_eq!(subnets["bgp"].gateway, "", "hostBGP subnets get no gateway");
    assert_eq!(vpc.spec.ipv4_namespace, "default");
}

#[test]
fn a_valid_vpc_has_no_violations() {
    let spec = json!({"subnets": {"default": {"subnet": "10.0.1.0/24", "vlan": 1001}}});
    assert_eq!(violations(spec), vec![]);
}

#[test]
fn every_independent_problem_is_reported_once_at_its_field() {
    let spec = json!({
        "subnets": {
            "default": {
                "subnet": "10.0.1.0/24", "gateway": "10.0.2.1", "vlan": 1001,
                "dhcp": {"enable": true, "range": {"start": "10.0.1.200", "end": "10.0.1.100"}}
            },
            "tiny": {"subnet": "10.0.3.0/31", "vlan": 1001},
            "second": {"subnet": "10.0.1.128/25", "vlan": 1001}
        },
        "permit": [["default", "nope"]]
    });
    let d = "/spec/subnets/default";
    assert_eq!(
        violations(spec),
        vec![
            (
                format!("{d}/gateway"),
                "gateway `10.0.2.1` is outside subnet `10.0.1.0/24`: use an address inside it, or leave `gateway` out to use `10.0.1.1`".into()
            ),
            (
                format!("{d}/dhcp/range/end"),
                "DHCP range start `10.0.1.200` does not come before its end `10.0.1.100`: the range runs from start to end".into()
            ),
            (
                "/spec/subnets/second/vlan".into(),
                "VLAN `1001` of subnet `second` is also the VLAN of subnet `default`: each subnet of a VPC needs its own VLAN".into()
            ),
            (
                "/spec/subnets/tiny/subnet".into(),
                "subnet `10.0.3.0/31` is smaller than /30: a VPC subnet needs at least 4 addresses".into()
            ),
            (
                "/spec/subnets/second/subnet".into(),
                "subnet `second` (`10.0.1.128/25`) overlaps subnet `default` (`10.0.1.0/24`): the subnets of one VPC must not share addresses".into()
            ),
            (
                "/spec/permit/0/1".into(),
                "permit list #0 names subnet `nope`, which this VPC does not have".into()
            ),
        ]
    );
}

#[test]
fn an_unusable_prefix_is_the_only_finding_for_its_subnet() {
    // Default() skips the subnet, so its DHCP options would look set-while-disabled.
    let spec = json!({"subnets": {"a": {"subnet": "10.0.1.0/31", "dhcp": {"relayVPC": "x"}}}});
    assert_eq!(
        violations(spec),
        vec![(
            "/spec/subnets/a/subnet".into(),
            "subnet `10.0.1.0/31` is smaller than /30: a VPC subnet needs at least 4 addresses"
                .into()
        )]
    );
}

#[test]
fn malformed_values_are_violations_not_panics() {
    for (subnet, fragment) in [
        ("10.0.0.0/33", "prefix length out of range"),
        ("300.1.1.1/24", "bad address"),
        ("10.0.0.0", "no '/'"),
    ] {
        let found = violations(json!({"subnets": {"a": {"subnet": subnet, "vlan": 5}}}));
        assert_eq!(found.len(), 1, "{subnet}: {found:?}");
        assert!(found[0].1.contains(fragment), "{subnet}: {found:?}");
    }
    for vlan in [json!(70000), json!(-1), json!(1.0e40)] {
        let found = violations(json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": vlan}}}));
        assert_eq!(found.len(), 1, "{vlan}: {found:?}");
        assert!(
            found[0].1.ends_with("VLAN IDs go from 1 to 4094"),
            "{found:?}"
        );
    }
}

#[test]
fn integers_go_cannot_decode_are_found_before_default_drops_them() {
    // DHCP is off, so Default() drops the options; Go refuses the lease time first.
    let spec = json!({"subnets": {
        "a": {"subnet": "10.0.1.0/24", "vlan": 1, "dhcp": {"options": {"leaseTimeSeconds": -1}}},
        "bgp": {"subnet": "10.0.2.0/24", "hostBGP": true, "vlan": 65536}
    }});
    assert_eq!(
        violations(spec),
        vec![
            (
                "/spec/subnets/a/dhcp/options/leaseTimeSeconds".into(),
                "lease time `-1` is out of range: give 1 to 4294967295 seconds".into()
            ),
            (
                "/spec/subnets/bgp/vlan".into(),
                "`65536` is not a VLAN ID: VLAN IDs go from 1 to 4094".into()
            ),
        ]
    );
}

#[test]
fn map_keys_are_escaped_in_pointers() {
    let spec = json!({"subnets": {"a/b": {"subnet": "10.0.1.0/24"}}});
    assert_eq!(violations(spec)[0].0, "/spec/subnets/a~1b");
}

#[test]
fn reserved_subnets_follow_the_config() {
    let spec = json!({"subnets": {"a": {"subnet": "172.30.0.0/24", "vlan": 5}}});
    let found = violations(spec.clone());
    assert_eq!(found.len(), 1);
    assert!(found[0].1.contains("`172.30.0.0/21`"), "{found:?}");
    let unparsed = FabricConfig::default();
    let ctx =
        crate::rules::test_support::given_config(Some(&unparsed), crate::rules::Release::NEWEST);
    assert_eq!(
        violations_with(spec, &ctx),
        vec![],
        "no parsed reserved subnets: skipped"
    );
}
