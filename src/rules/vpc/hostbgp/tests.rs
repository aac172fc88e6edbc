//! The hostBGP prefix rules at 26.03, each case also at 26.02, which has no such fields.

use serde_json::{Value, json};

use super::super::releases::{cross, standalone};
use crate::rules::Release;

/// A hostBGP subnet 10.0.1.0/24 with `extra` fields.
fn host_bgp(extra: Value) -> Value {
    let mut subnet = json!({"subnet": "10.0.1.0/24", "hostBGP": true});
    subnet
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({"subnets": {"a": subnet}})
}

/// Oracle `hostbgp.json` at 26.03, one case a subject: `minshort` "subnet a: hostBGP min
/// prefix length 16 is shorter than the prefix length of 10.0.1.0/24", `minmax` "... min
/// prefix length 30 is greater than max prefix length 28", `maxonly` "... min prefix length
/// 32 is greater than max prefix length 28", `extraok` accepted. 26.02 accepts them all
/// (it has no such fields; its schema refuses them).
#[test]
fn a_host_bgp_subnet_s_prefix_lengths_are_checked_at_26_03_only() {
    let cases = [
        (
            json!({"hostBGPMinPrefixLen": 16}),
            Some((
                "/spec/subnets/a/hostBGPMinPrefixLen",
                "subnet `a`: hostBGP min prefix length 16 is shorter than the prefix length of 10.0.1.0/24: hosts may announce only prefixes inside it, so use 24 or more",
            )),
        ),
        (
            json!({"hostBGPMinPrefixLen": 30, "hostBGPMaxPrefixLen": 28}),
            Some((
                "/spec/subnets/a/hostBGPMinPrefixLen",
                "subnet `a`: hostBGP min prefix length 30 is greater than max prefix length 28: the min must not exceed the max",
            )),
        ),
        (
            json!({"hostBGPMaxPrefixLen": 28}),
            Some((
                "/spec/subnets/a",
                "subnet `a`: hostBGP min prefix length 32 (by default) is greater than max prefix length 28: the min must not exceed the max",
            )),
        ),
        (
            json!({"hostBGPMinPrefixLen": 24, "hostBGPExtraPrefixes": {"10.0.9.0/24": {}}}),
            None,
        ),
    ];
    for (fields, expected) in cases {
        let spec = host_bgp(fields.clone());
        assert_eq!(
            standalone(spec.clone(), Release::V26_02),
            vec![],
            "{fields}"
        );
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(p, m)| (p.to_owned(), m.to_owned()))
            .collect();
        assert_eq!(standalone(spec, Release::V26_03), expected, "{fields}");
    }
}

/// Oracle `hostbgp.json` at 26.03: `noncanon` "subnet a: invalid hostBGP extra prefix
/// 10.0.9.5/24: prefix is not in canonical form", `v6` "... fd00::/64: prefix is not a
/// valid IPv4 prefix", `extramin` "subnet a: hostBGP extra prefix 10.0.9.0/24: hostBGP min
/// prefix length 16 is shorter than the prefix length of 10.0.9.0/24", `extrainh` (the
/// subnet's min 24 inherited by a /28) "... 24 is shorter than the prefix length of
/// 10.0.9.0/28", `reserved` "subnet a: hostBGP extra prefix 172.30.0.0/24 is reserved",
/// `ownoverlap` "failed to verify no overlap subnets: subnets 10.0.2.0/25 and 10.0.2.0/24
/// overlap". 26.02 accepts them all.
#[test]
fn a_host_bgp_subnet_s_extra_prefixes_are_checked_at_26_03_only() {
    let at = "/spec/subnets/a/hostBGPExtraPrefixes";
    let cases = [
        (
            json!({"hostBGPExtraPrefixes": {"10.0.9.5/24": {}}}),
            format!("{at}/10.0.9.5~124"),
            "invalid hostBGP extra prefix of subnet `a`: `10.0.9.5/24` has host bits set (not in canonical form): write `10.0.9.0/24`; key each extra prefix by an IPv4 prefix such as `10.99.0.0/24`",
        ),
        (
            json!({"hostBGPExtraPrefixes": {"fd00::/64": {}}}),
            format!("{at}/fd00::~164"),
            "invalid hostBGP extra prefix of subnet `a`: `fd00::/64` is not an IPv4 prefix; key each extra prefix by an IPv4 prefix such as `10.99.0.0/24`",
        ),
        (
            json!({"hostBGPExtraPrefixes": {"10.0.9.0/24": {"minPrefixLen": 16}}}),
            format!("{at}/10.0.9.0~124/minPrefixLen"),
            "hostBGP extra prefix `10.0.9.0/24` of subnet `a`: hostBGP min prefix length 16 is shorter than the prefix length of 10.0.9.0/24: hosts may announce only prefixes inside it, so use 24 or more",
        ),
        (
            json!({"hostBGPMinPrefixLen": 24, "hostBGPExtraPrefixes": {"10.0.9.0/28": {}}}),
            format!("{at}/10.0.9.0~128"),
            "hostBGP extra prefix `10.0.9.0/28` of subnet `a`: hostBGP min prefix length 24 (the subnet's) is shorter than the prefix length of 10.0.9.0/28: hosts may announce only prefixes inside it, so use 28 or more",
        ),
        (
            json!({"hostBGPExtraPrefixes": {"172.30.0.0/24": {}}}),
            format!("{at}/172.30.0.0~124"),
            "hostBGP extra prefix `172.30.0.0/24` of subnet `a` overlaps `172.30.0.0/21`, which the fabric reserves for its own addresses (`reservedSubnets`): pick a prefix outside it; that value is fabricator's default `reservedSubnets`, assumed for want of a fabric config: if your fabric uses another, give its config with --fabric-config or <fabric>/fab.yaml",
        ),
        (
            json!({"hostBGPExtraPrefixes": {"10.0.1.128/25": {}}}),
            format!("{at}/10.0.1.128~125"),
            "hostBGP extra prefix `10.0.1.128/25` of subnet `a` overlaps subnet `a` (`10.0.1.0/24`): the subnets of one VPC must not share addresses",
        ),
    ];
    for (fields, pointer, message) in cases {
        let spec = host_bgp(fields.clone());
        assert_eq!(
            standalone(spec.clone(), Release::V26_02),
            vec![],
            "{fields}"
        );
        assert_eq!(
            standalone(spec, Release::V26_03),
            vec![(pointer, message.to_owned())],
            "{fields}"
        );
    }
}

/// Oracle `hostbgp.json` at 26.03: `routedlen` "subnet a: cannot specify hostBGP prefix
/// lengths on non-hostBGP subnet", `routedextra` "subnet a: cannot specify hostBGP extra
/// prefixes on non-hostBGP subnet"; 26.02 accepts both.
#[test]
fn a_routed_subnet_takes_no_host_bgp_prefix_fields_at_26_03() {
    let spec = json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001,
        "hostBGPMinPrefixLen": 28, "hostBGPExtraPrefixes": {"10.0.9.0/24": {}}}}});
    assert_eq!(standalone(spec.clone(), Release::V26_02), vec![]);
    assert_eq!(
        standalone(spec, Release::V26_03),
        vec![
            ("/spec/subnets/a/hostBGPExtraPrefixes".to_owned(), "subnet `a` is not a hostBGP subnet: hostBGP extra prefixes cannot be specified on it; remove `hostBGPExtraPrefixes` or set `hostBGP: true`".to_owned()),
            ("/spec/subnets/a/hostBGPMinPrefixLen".to_owned(), "subnet `a` is not a hostBGP subnet: hostBGP prefix lengths cannot be specified on it; remove `hostBGPMinPrefixLen` or set `hostBGP: true`".to_owned()),
        ]
    );
}

/// VPC `other`: subnet `x` 10.0.50.0/24 and hostBGP subnet `y` with extra prefix
/// 10.0.60.0/25.
fn other_with_extra_prefix() -> (&'static str, Value) {
    (
        "managed/vpcs/other.yaml",
        json!({"kind": "VPC", "metadata": {"name": "other"}, "spec": {"subnets": {
            "x": {"subnet": "10.0.50.0/24", "vlan": 1100},
            "y": {"subnet": "10.0.70.0/24", "hostBGP": true,
                  "hostBGPExtraPrefixes": {"10.0.60.0/25": {}}}}}}),
    )
}

/// Oracle `hostbgp.json` at 26.03: `outsidens` "hostBGP extra prefix 10.1.0.0/24 in vpc
/// subnet a (10.0.1.0/24) doesn't belong to IPv4Namespace default", `xothersub` (extra
/// 10.0.50.0/24) "subnet 10.0.50.0/24 overlaps with subnet 10.0.50.0/24 of VPC other",
/// `subothx` (subnet 10.0.60.0/24) "subnet 10.0.60.0/24 overlaps with hostBGP extra prefix
/// 10.0.60.0/25 of VPC other". Before 26.03 extra prefixes take part in none of these.
#[test]
fn extra_prefixes_stay_inside_the_namespace_and_clear_of_other_vpcs_at_26_03() {
    let outside = host_bgp(json!({"hostBGPExtraPrefixes": {"10.1.0.0/24": {}}}))["subnets"].clone();
    assert_eq!(
        cross(outside.clone(), &[], Release::V26_03),
        vec![(
            "/spec/subnets/a/hostBGPExtraPrefixes/10.1.0.0~124".to_owned(),
            "hostBGP extra prefix 10.1.0.0/24 in vpc subnet `a` doesn't belong to IPv4Namespace `default` (10.0.0.0/16, 10.9.0.0/16; managed/ipv4namespaces/default.yaml:1): an extra prefix must lie inside one of its namespace's subnets".to_owned()
        )]
    );
    assert_eq!(cross(outside, &[], Release::V26_02), vec![]);

    // The subnet's own prefix is refused: no second finding for its extra prefix.
    let unusable = json!({"a": {"subnet": "10.0.1.0/31", "hostBGP": true,
        "hostBGPExtraPrefixes": {"10.1.0.0/24": {}}}});
    assert_eq!(cross(unusable, &[], Release::V26_03), vec![]);

    let over_subnet =
        host_bgp(json!({"hostBGPExtraPrefixes": {"10.0.50.0/24": {}}}))["subnets"].clone();
    assert_eq!(
        cross(over_subnet.clone(), &[other_with_extra_prefix()], Release::V26_03),
        vec![(
            "/spec/subnets/a/hostBGPExtraPrefixes/10.0.50.0~124".to_owned(),
            "hostBGP extra prefix 10.0.50.0/24 of subnet `a` overlaps subnet `x` (10.0.50.0/24) of VPC `other` (managed/vpcs/other.yaml:1): the VPCs of IPv4Namespace `default` must not share addresses, so pick a prefix no other VPC uses".to_owned()
        )]
    );
    assert_eq!(
        cross(over_subnet, &[other_with_extra_prefix()], Release::V26_02),
        vec![]
    );

    let under_extra = json!({"a": {"subnet": "10.0.60.0/24", "vlan": 1003}});
    assert_eq!(
        cross(under_extra.clone(), &[other_with_extra_prefix()], Release::V26_03),
        vec![(
            "/spec/subnets/a/subnet".to_owned(),
            "subnet `a` (10.0.60.0/24) overlaps hostBGP extra prefix 10.0.60.0/25 of subnet `y` of VPC `other` (managed/vpcs/other.yaml:1): the VPCs of IPv4Namespace `default` must not share addresses, so pick a prefix no other VPC uses".to_owned()
        )]
    );
    assert_eq!(
        cross(under_extra, &[other_with_extra_prefix()], Release::V26_02),
        vec![]
    );
}
