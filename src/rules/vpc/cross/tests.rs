//! The cross-object VPC rules at the newest release (their differences between releases
//! are in `../releases.rs`).

use super::*;
use crate::rules::Severity;
use crate::rules::state::References;
use serde_json::{Value, json};

fn namespaces() -> Vec<(&'static str, Value)> {
    vec![
        (
            "managed/ipv4namespaces/default.yaml",
            json!({"kind": "IPv4Namespace", "metadata": {"name": "default"},
                   "spec": {"subnets": ["10.0.0.0/16", "10.9.0.0/16"]}}),
        ),
        (
            "managed/vlannamespaces/default.yaml",
            json!({"kind": "VLANNamespace", "metadata": {"name": "default"},
                   "spec": {"ranges": [{"from": 1000, "to": 1999}, {"from": 2500}]}}),
        ),
    ]
}

fn vpc(name: &str, spec: Value) -> Value {
    json!({"kind": "VPC", "metadata": {"name": name}, "spec": spec})
}

/// The findings of VPC `subject` against a state of `objects`, as (severity, pointer,
/// message).
fn findings(
    objects: &[(&str, Value)],
    subject: &str,
    references: References,
) -> Vec<(Severity, String, String)> {
    let ctx = Context::fabricator_defaults();
    let state = FabricState::of_objects(objects, &ctx, references);
    let entry = state
        .vpcs
        .get(subject)
        .expect("the subject is in the state");
    let mut out = Violations::default();
    validate_cross(&entry.object, &state, &ctx, &mut out);
    out.into_vec()
        .into_iter()
        .map(|v| (v.severity, v.pointer, v.message))
        .collect()
}

/// The pointer and involved objects of each finding of VPC `subject` against a state
/// of `objects`.
fn involved(objects: &[(&str, Value)], subject: &str) -> Vec<(String, Vec<String>)> {
    let ctx = Context::fabricator_defaults();
    let state = FabricState::of_objects(objects, &ctx, References::Strict);
    let mut out = Violations::default();
    validate_cross(
        &state.vpcs.get(subject).unwrap().object,
        &state,
        &ctx,
        &mut out,
    );
    out.into_cross()
        .iter()
        .map(crate::rules::CrossViolation::involved_described)
        .collect()
}

#[test]
fn overlaps_taken_vlans_and_namespaces_a_subnet_is_outside_involve_those_objects() {
    let mut objects = namespaces();
    objects.extend([
        (
            "managed/vpcs/big.yaml",
            vpc(
                "big",
                json!({"subnets": {"all": {"subnet": "10.0.0.0/20", "vlan": 1100},
                                   "more": {"subnet": "10.0.16.0/20", "vlan": 1101}}}),
            ),
        ),
        (
            "raw/small.yaml",
            vpc(
                "small",
                json!({"subnets": {"x": {"subnet": "10.0.1.128/25", "vlan": 1001}}}),
            ),
        ),
        (
            "raw/vpc-1.yaml",
            vpc(
                "vpc-1",
                json!({"subnets": {"a": {"subnet": "10.0.1.0/19", "vlan": 1001},
                                   "out": {"subnet": "10.1.0.0/24", "vlan": 2400}}}),
            ),
        ),
    ]);
    assert_eq!(
        involved(&objects, "vpc-1"),
        [
            (
                "/spec/subnets/a/subnet".to_owned(),
                vec![
                    "VPC `big` (managed/vpcs/big.yaml:1)".to_owned(),
                    "VPC `small` (raw/small.yaml:1)".to_owned(),
                ]
            ),
            (
                "/spec/subnets/a/vlan".to_owned(),
                vec!["VPC `small` (raw/small.yaml:1)".to_owned()]
            ),
            (
                "/spec/subnets/out/subnet".to_owned(),
                vec!["IPv4Namespace `default` (managed/ipv4namespaces/default.yaml:1)".to_owned()]
            ),
            (
                "/spec/subnets/out/vlan".to_owned(),
                vec!["VLANNamespace `default` (managed/vlannamespaces/default.yaml:1)".to_owned()]
            ),
        ]
    );
}

#[test]
fn a_vpc_inside_its_namespaces_with_its_own_addresses_and_vlans_passes() {
    let mut objects = namespaces();
    objects.push((
        "raw/vpcs.yaml",
        vpc(
            "vpc-1",
            json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001},
                               "b": {"subnet": "10.9.0.0/24", "vlan": 2500},
                               "bgp": {"subnet": "10.0.2.0/24", "hostBGP": true}}}),
        ),
    ));
    objects.push((
        "raw/vpcs.yaml",
        vpc(
            "vpc-2",
            json!({"subnets": {"a": {"subnet": "10.0.3.0/24", "vlan": 1002},
                               "bgp": {"subnet": "10.0.4.0/24", "hostBGP": true}}}),
        ),
    ));
    assert_eq!(findings(&objects, "vpc-1", References::Strict), []);
}

#[test]
fn subnets_and_vlans_outside_the_namespaces_and_a_missing_relay_vpc_are_each_reported() {
    let mut objects = namespaces();
    objects.push((
        "raw/vpcs.yaml",
        vpc(
            "vpc-1",
            json!({"subnets": {
                "out": {"subnet": "10.1.0.0/24", "vlan": 1001},
                "wide": {"subnet": "10.0.0.0/15", "vlan": 2400},
                "relayed": {"subnet": "10.0.5.0/24", "vlan": 1005,
                            "dhcp": {"relay": "10.99.0.1/24", "relayVPC": "infra"}},
                "bgp": {"subnet": "10.0.6.0/24", "hostBGP": true}
            }}),
        ),
    ));
    let ns = "(10.0.0.0/16, 10.9.0.0/16; managed/ipv4namespaces/default.yaml:1): a VPC subnet must lie inside one of its namespace's subnets, so pick a prefix inside them or widen the namespace";
    assert_eq!(
        findings(&objects, "vpc-1", References::Strict),
        [
            (
                Severity::Error,
                "/spec/subnets/out/subnet".into(),
                format!("subnet `out` (10.1.0.0/24) is outside IPv4Namespace `default` {ns}")
            ),
            (
                Severity::Error,
                "/spec/subnets/relayed/dhcp/relayVPC".into(),
                "VPC `infra` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/".into()
            ),
            (
                Severity::Error,
                "/spec/subnets/wide/subnet".into(),
                format!("subnet `wide` (10.0.0.0/15) is outside IPv4Namespace `default` {ns}")
            ),
            (
                Severity::Error,
                "/spec/subnets/wide/vlan".into(),
                "VLAN `2400` of subnet `wide` is outside VLANNamespace `default` (1000-1999, 2500; managed/vlannamespaces/default.yaml:1): pick a VLAN from the namespace's ranges".into()
            ),
        ]
    );
}

#[test]
fn overlaps_with_other_vpcs_of_the_namespace_name_each_other_vpc_and_its_file() {
    let mut objects = namespaces();
    objects.extend([
        (
            "managed/vpcs/big.yaml",
            vpc(
                "big",
                json!({"subnets": {"all": {"subnet": "10.0.0.0/20", "vlan": 1100}}}),
            ),
        ),
        (
            "raw/small.yaml",
            vpc(
                "small",
                json!({"subnets": {"x": {"subnet": "10.0.1.128/25", "vlan": 1101}}}),
            ),
        ),
        (
            "raw/elsewhere.yaml",
            vpc(
                "elsewhere",
                json!({"ipv4Namespace": "other", "vlanNamespace": "other",
                       "subnets": {"x": {"subnet": "10.0.1.0/24", "vlan": 1001}}}),
            ),
        ),
        (
            "raw/vpc-1.yaml",
            vpc(
                "vpc-1",
                json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001},
                                   "b": {"subnet": "10.0.1.0/30", "vlan": 1002}}}),
            ),
        ),
    ]);
    let found = findings(&objects, "vpc-1", References::Strict);
    let tail = ": the VPCs of IPv4Namespace `default` must not share addresses, so pick a prefix no other VPC uses";
    assert_eq!(
        found,
        [
            (
                Severity::Error,
                "/spec/subnets/a/subnet".into(),
                format!(
                    "subnet `a` (10.0.1.0/24) overlaps subnet `all` (10.0.0.0/20) of VPC `big` (managed/vpcs/big.yaml:1), subnet `x` (10.0.1.128/25) of VPC `small` (raw/small.yaml:1){tail}"
                )
            ),
            (
                Severity::Error,
                "/spec/subnets/b/subnet".into(),
                format!(
                    "subnet `b` (10.0.1.0/30) overlaps subnet `all` (10.0.0.0/20) of VPC `big` (managed/vpcs/big.yaml:1){tail}"
                )
            ),
        ],
        "its own subnets and VPC `elsewhere` (another namespace) are no conflict"
    );
    let from_the_other_side = findings(&objects, "small", References::Strict);
    assert_eq!(from_the_other_side.len(), 1, "{from_the_other_side:?}");
    assert!(
        from_the_other_side[0]
            .2
            .contains("of VPC `vpc-1` (raw/vpc-1.yaml:1)"),
        "{from_the_other_side:?}"
    );
}

#[test]
fn a_vlan_of_another_vpc_in_the_namespace_is_taken_but_subnets_without_one_never_clash() {
    let mut objects = namespaces();
    objects.extend([
        (
            "managed/vpcs/vpc-2.yaml",
            vpc(
                "vpc-2",
                json!({"subnets": {"a": {"subnet": "10.0.2.0/24", "vlan": 1001},
                                   "bgp": {"subnet": "10.0.3.0/24", "hostBGP": true},
                                   "bgpv": {"subnet": "10.0.4.0/24", "hostBGP": true, "vlan": 1003}}}),
            ),
        ),
        (
            "raw/vpc-1.yaml",
            vpc(
                "vpc-1",
                json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001},
                                   "bgp": {"subnet": "10.0.5.0/24", "hostBGP": true},
                                   "c": {"subnet": "10.0.6.0/24", "vlan": 1003}}}),
            ),
        ),
    ]);
    let found: Vec<_> = findings(&objects, "vpc-1", References::Strict)
        .into_iter()
        .map(|(_, pointer, message)| (pointer, message))
        .collect();
    assert_eq!(
        found,
        [
            (
                "/spec/subnets/a/vlan".into(),
                "VLAN `1001` of subnet `a` is already used by subnet `a` of VPC `vpc-2` (managed/vpcs/vpc-2.yaml:1) in VLANNamespace `default`: a VLAN of a namespace belongs to one VPC, so pick a free one".into()
            ),
            (
                "/spec/subnets/c/vlan".into(),
                "VLAN `1003` of subnet `c` is already used by subnet `bgpv` of VPC `vpc-2` (managed/vpcs/vpc-2.yaml:1) in VLANNamespace `default`: a VLAN of a namespace belongs to one VPC, so pick a free one".into()
            ),
        ]
    );
}

#[test]
fn namespaces_nowhere_in_the_repository_skip_their_checks_with_a_warning_but_not_the_overlap_check()
{
    let objects = [
        (
            "managed/vpcs/vpc-2.yaml",
            vpc(
                "vpc-2",
                json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001}}}),
            ),
        ),
        (
            "raw/vpc-1.yaml",
            vpc(
                "vpc-1",
                json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1002}}}),
            ),
        ),
    ];
    let found: Vec<_> = findings(&objects, "vpc-1", References::Warn)
        .into_iter()
        .map(|(severity, pointer, _)| (severity, pointer))
        .collect();
    assert_eq!(
        found,
        [
            (Severity::Warning, "/spec/ipv4Namespace".into()),
            (Severity::Warning, "/spec/vlanNamespace".into()),
            (Severity::Error, "/spec/subnets/a/subnet".into()),
        ]
    );
}

#[test]
fn subnets_the_stand_alone_rules_reject_get_no_second_finding() {
    let mut objects = namespaces();
    objects.push((
        "raw/vpc-1.yaml",
        vpc(
            "vpc-1",
            json!({"subnets": {"tiny": {"subnet": "10.1.0.0/31", "vlan": 70000},
                               "bad": {"subnet": "10.1.0.0/40", "vlan": 0}}}),
        ),
    ));
    assert_eq!(findings(&objects, "vpc-1", References::Strict), []);
}

#[test]
fn a_vpc_relaying_to_itself_is_refused_on_creation_only() {
    let mut objects = namespaces();
    let spec = json!({"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001,
                                        "dhcp": {"relay": "10.0.1.10/24", "relayVPC": "vpc-1"}}}});
    objects.push(("raw/vpc-1.yaml", vpc("vpc-1", spec.clone())));
    assert_eq!(
        findings(&objects, "vpc-1", References::Strict),
        [(
            Severity::Error,
            "/spec/subnets/a/dhcp/relayVPC".into(),
            "subnet `a` relays DHCP to this VPC itself, which the fabric refuses while creating it (the relay VPC must already exist): create the VPC first, then add `relayVPC`".into()
        )]
    );
    objects.pop();
    objects.push(("managed/vpcs/vpc-1.yaml", vpc("vpc-1", spec)));
    assert_eq!(findings(&objects, "vpc-1", References::Strict), []);
}

#[test]
fn a_finding_names_three_subnets_and_counts_the_rest() {
    let subnets: Vec<String> = (1..=5).map(|i| format!("`s{i}`")).collect();
    assert_eq!(first_few(&subnets[..2]), "`s1`, `s2`");
    assert_eq!(first_few(&subnets), "`s1`, `s2`, `s3` and 2 more");
}
