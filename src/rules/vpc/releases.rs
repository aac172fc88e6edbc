//! How the VPC rules differ between Hedgehog releases (26.01 against the later ones; the
//! 26.03 hostBGP prefixes are in `hostbgp/tests.rs`), case by case at each release, each
//! verdict the one that release's own code (`hhoracle` of 26.01, 26.02, 26.03) gives.

use serde_json::{Value, json};

use super::{Object, default, validate, validate_cross};
use crate::rules::state::{FabricState, References};
use crate::rules::{Context, Release, Violations};

/// Each finding of VPC `spec` on its own at `release`, as (pointer, message).
pub(super) fn standalone(spec: Value, release: Release) -> Vec<(String, String)> {
    let mut vpc: Object =
        serde_json::from_value(json!({"metadata": {"name": "vpc-1"}, "spec": spec})).unwrap();
    default(&mut vpc);
    let mut out = Violations::default();
    let ctx = Context {
        release,
        ..Context::fabricator_defaults()
    };
    validate(&vpc, &ctx, &mut out);
    out.into_vec()
        .into_iter()
        .map(|v| (v.pointer, v.message))
        .collect()
}

/// The cross-object findings of VPC `subnets` at `release`, in a fabric with the default
/// namespaces (10.0.0.0/16 and 10.9.0.0/16; VLANs 1000-2999) and `others`.
pub(super) fn cross(
    subnets: Value,
    others: &[(&str, Value)],
    release: Release,
) -> Vec<(String, String)> {
    let ctx = Context {
        release,
        ..Context::fabricator_defaults()
    };
    let mut objects = vec![
        (
            "managed/ipv4namespaces/default.yaml",
            json!({"kind": "IPv4Namespace", "metadata": {"name": "default"},
                   "spec": {"subnets": ["10.0.0.0/16", "10.9.0.0/16"]}}),
        ),
        (
            "managed/vlannamespaces/default.yaml",
            json!({"kind": "VLANNamespace", "metadata": {"name": "default"},
                   "spec": {"ranges": [{"from": 1000, "to": 2999}]}}),
        ),
        (
            "raw/vpc-1.yaml",
            json!({"kind": "VPC", "metadata": {"name": "vpc-1"}, "spec": {"subnets": subnets}}),
        ),
    ];
    objects.extend(others.iter().cloned());
    let state = FabricState::of_objects(&objects, &ctx, References::Strict);
    let mut out = Violations::default();
    validate_cross(
        &state.vpcs.get("vpc-1").unwrap().object,
        &state,
        &ctx,
        &mut out,
    );
    out.into_vec()
        .into_iter()
        .map(|v| (v.pointer, v.message))
        .collect()
}

/// VPC `other` with one subnet `wide`, 10.0.0.0/20.
fn other_vpc() -> (&'static str, Value) {
    (
        "managed/vpcs/other.yaml",
        json!({"kind": "VPC", "metadata": {"name": "other"},
               "spec": {"subnets": {"wide": {"subnet": "10.0.0.0/20", "vlan": 1100}}}}),
    )
}

/// Oracle: `vpc.json` subject `range`: 26.01 accepts; 26.02 and 26.03 "subnet a: dhcp range
/// start 10.0.100.200 does not come before dhcp range end 10.0.100.100".
#[test]
fn a_dhcp_range_ending_before_its_start_is_refused_from_26_02() {
    let spec = json!({"subnets": {"a": {"subnet": "10.0.100.0/24", "vlan": 1001,
        "dhcp": {"enable": true, "range": {"start": "10.0.100.200", "end": "10.0.100.100"}}}}});
    assert_eq!(standalone(spec.clone(), Release::V26_01), vec![]);
    for release in [Release::V26_02, Release::V26_03] {
        assert_eq!(
            standalone(spec.clone(), release),
            vec![(
                "/spec/subnets/a/dhcp/range/end".to_owned(),
                "DHCP range start `10.0.100.200` does not come before its end `10.0.100.100`: the range runs from start to end".to_owned()
            )],
            "{release}"
        );
    }
}

/// Oracle (`kube: false`, reservedSubnets 172.30.0.0/21): 172.16.0.0/12 holds that reserved
/// subnet but does not start inside it: 26.01 accepts, 26.02 "subnet a: subnet
/// 172.16.0.0/12 is reserved". A subnet starting inside it is refused at every release.
#[test]
fn at_26_01_a_subnet_is_reserved_only_when_it_starts_inside_a_reserved_subnet() {
    let wider = json!({"subnets": {"a": {"subnet": "172.16.0.0/12", "vlan": 1001}}});
    assert_eq!(standalone(wider.clone(), Release::V26_01), vec![]);
    let found = standalone(wider, Release::V26_02);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "/spec/subnets/a/subnet");
    assert!(
        found[0]
            .1
            .starts_with("subnet `172.16.0.0/12` overlaps `172.30.0.0/21`"),
        "{found:?}"
    );
    let inside = json!({"subnets": {"a": {"subnet": "172.30.1.0/24", "vlan": 1001}}});
    for release in Release::ALL {
        assert_eq!(standalone(inside.clone(), release).len(), 1, "{release}");
    }
}

/// Oracle `vpc-noother.json`: 10.0.0.0/8 starts inside IPv4Namespace subnet 10.0.0.0/16:
/// 26.01 accepts, 26.02 "vpc subnet a (10.0.0.0/8) doesn't belong to the IPv4Namespace
/// default", 26.03 "... to IPv4Namespace default".
#[test]
fn at_26_01_a_subnet_belongs_to_the_namespace_when_it_starts_inside_it() {
    let subnets = json!({"a": {"subnet": "10.0.0.0/8", "vlan": 1001}});
    assert_eq!(cross(subnets.clone(), &[], Release::V26_01), vec![]);
    for release in [Release::V26_02, Release::V26_03] {
        assert_eq!(
            cross(subnets.clone(), &[], release),
            vec![(
                "/spec/subnets/a/subnet".to_owned(),
                "subnet `a` (10.0.0.0/8) is outside IPv4Namespace `default` (10.0.0.0/16, 10.9.0.0/16; managed/ipv4namespaces/default.yaml:1): a VPC subnet must lie inside one of its namespace's subnets, so pick a prefix inside them or widen the namespace".to_owned()
            )],
            "{release}"
        );
    }
}

/// Oracle `vpc.json` subjects `inside` and `same` against VPC `other` (10.0.0.0/20): 26.01
/// accepts 10.0.1.0/24 (it does not hold 10.0.0.0) and refuses 10.0.0.0/24 ("subnet
/// 10.0.0.0/24 overlaps with subnet 10.0.0.0/20 of VPC other"); 26.02 and 26.03 refuse both.
#[test]
fn at_26_01_a_subnet_overlaps_another_vpc_only_when_it_holds_that_subnet_s_start() {
    let inside = json!({"a": {"subnet": "10.0.1.0/24", "vlan": 1001}});
    let same_start = json!({"a": {"subnet": "10.0.0.0/24", "vlan": 1001}});
    assert_eq!(
        cross(inside.clone(), &[other_vpc()], Release::V26_01),
        vec![]
    );
    let expected = |prefix: &str| {
        vec![(
            "/spec/subnets/a/subnet".to_owned(),
            format!(
                "subnet `a` ({prefix}) overlaps subnet `wide` (10.0.0.0/20) of VPC `other` (managed/vpcs/other.yaml:1): the VPCs of IPv4Namespace `default` must not share addresses, so pick a prefix no other VPC uses"
            ),
        )]
    };
    assert_eq!(
        cross(same_start.clone(), &[other_vpc()], Release::V26_01),
        expected("10.0.0.0/24")
    );
    for release in [Release::V26_02, Release::V26_03] {
        assert_eq!(
            cross(inside.clone(), &[other_vpc()], release),
            expected("10.0.1.0/24")
        );
        assert_eq!(
            cross(same_start.clone(), &[other_vpc()], release),
            expected("10.0.0.0/24")
        );
    }
}

/// Oracle `v6.json` (`v6`, `kube: false`): 26.01 "failed to verify no overlap subnets:
/// failed to verify no overlap subnets: 0.0.0.0/0 does not fully contain fd00::/24"; 26.02
/// and 26.03 accept the subnet on its own (the IPv4Namespace check refuses it later).
#[test]
fn an_ipv6_subnet_is_refused_on_its_own_at_26_01_only() {
    let spec = json!({"subnets": {"a": {"subnet": "fd00::/24", "vlan": 1001}}});
    assert_eq!(
        standalone(spec.clone(), Release::V26_01),
        vec![(
            "/spec/subnets/a/subnet".to_owned(),
            "subnet `fd00::/24` is IPv6: 0.0.0.0/0 does not fully contain it, and Hedgehog 26.01 takes only IPv4 VPC subnets".to_owned()
        )]
    );
    for release in [Release::V26_02, Release::V26_03] {
        assert_eq!(standalone(spec.clone(), release), vec![], "{release}");
    }
}

/// Oracle `mapped.json` (`kube: false`): 26.01 reads `::ffff:10.0.1.1` as 10.0.1.1
/// (`net.ParseIP`): it accepts it as the gateway and as DHCP range ends, and refuses a range
/// starting at it as "equal to gateway"; 26.02 "subnet a: gateway ::ffff:10.0.1.1 is not in
/// the subnet", "subnet a: dhcp range start ::ffff:10.0.1.10 is not in the subnet".
#[test]
fn ipv4_mapped_addresses_are_ipv4_in_a_subnet_at_26_01_only() {
    let gateway = json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001, "gateway": "::ffff:10.0.1.1"}}});
    let range = json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001,
        "dhcp": {"enable": true, "range": {"start": "::ffff:10.0.1.10", "end": "::ffff:10.0.1.20"}}}}});
    let on_gateway = json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001,
        "dhcp": {"enable": true, "range": {"start": "::ffff:10.0.1.1", "end": "10.0.1.20"}}}}});
    let pointers = |spec: &Value, release| -> Vec<String> {
        standalone(spec.clone(), release)
            .into_iter()
            .map(|(pointer, _)| pointer)
            .collect()
    };
    assert_eq!(pointers(&gateway, Release::V26_01), Vec::<String>::new());
    assert_eq!(pointers(&range, Release::V26_01), Vec::<String>::new());
    let start = "/spec/subnets/a/dhcp/range/start";
    assert_eq!(pointers(&on_gateway, Release::V26_01), [start]);
    assert!(
        standalone(on_gateway.clone(), Release::V26_01)[0]
            .1
            .contains("is the subnet's gateway")
    );
    for release in [Release::V26_02, Release::V26_03] {
        assert_eq!(pointers(&gateway, release), ["/spec/subnets/a/gateway"]);
        assert_eq!(
            pointers(&range, release),
            [start, "/spec/subnets/a/dhcp/range/end"]
        );
        assert!(
            standalone(on_gateway.clone(), release)[0]
                .1
                .contains("is outside subnet")
        );
    }
}

/// Oracle `lz.json` (`kube: false`, `lz`): 26.01 accepts subnet `10.0.1.0/024`
/// (`net.ParseCIDR`); 26.02 "subnet a: failed to parse subnet 10.0.1.0/024:
/// netip.ParsePrefix(\"10.0.1.0/024\"): bad bits after slash: \"024\"".
#[test]
fn a_subnet_length_with_leading_zeros_parses_at_26_01_only() {
    let spec = json!({"subnets": {"a": {"subnet": "10.0.1.0/024", "vlan": 1001,
        "dhcp": {"enable": true}}}});
    assert_eq!(standalone(spec.clone(), Release::V26_01), vec![]);
    assert_eq!(cross(spec["subnets"].clone(), &[], Release::V26_01), vec![]);
    for release in [Release::V26_02, Release::V26_03] {
        let found = standalone(spec.clone(), release);
        assert_eq!(found.len(), 1, "{release}: {found:?}");
        assert_eq!(found[0].0, "/spec/subnets/a/subnet");
        assert!(found[0].1.contains("bad bits after slash"), "{found:?}");
    }
}

/// 26.01 has no `dhcp.relayVPC`: no lookup of the VPC it names. From 26.02 a relay VPC
/// that does not exist is an error.
#[test]
fn the_relay_vpc_is_looked_up_only_from_26_02() {
    let subnets = json!({"a": {"subnet": "10.0.1.0/24", "vlan": 1001,
        "dhcp": {"relay": "10.99.0.1/24", "relayVPC": "nowhere"}}});
    assert_eq!(cross(subnets.clone(), &[], Release::V26_01), vec![]);
    for release in [Release::V26_02, Release::V26_03] {
        let found = cross(subnets.clone(), &[], release);
        assert_eq!(found.len(), 1, "{release}: {found:?}");
        assert_eq!(found[0].0, "/spec/subnets/a/dhcp/relayVPC");
    }
}

/// 26.01 parses a DHCP relay with net.ParseCIDR (v0.115.4 `vpc_types.go:440`), so
/// `10.99.0.100/016` passes there (the 26.01 oracle's cross-object run); 26.02 refuses it.
#[test]
fn a_relay_length_with_leading_zeros_parses_at_26_01_only() {
    let spec = json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001,
        "dhcp": {"relay": "10.99.0.100/016"}}}});
    assert_eq!(standalone(spec.clone(), Release::V26_01), vec![]);
    for release in [Release::V26_02, Release::V26_03] {
        let found = standalone(spec.clone(), release);
        assert_eq!(found.len(), 1, "{release}: {found:?}");
        assert_eq!(found[0].0, "/spec/subnets/a/dhcp/relay");
        assert!(found[0].1.contains("bad bits after slash"), "{found:?}");
    }
}
