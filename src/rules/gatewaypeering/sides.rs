//! The sides of a peering against the fabric (`gatewaypeering_types.go:545-649`): each side
//! is an existing VPC or External (`ext.<name>`); what a VPC side exposes by `cidr` lies
//! inside one of its subnets and what it names by `vpcSubnet` is one of them; and an ACL
//! match by `vpcSubnet` names a subnet of the VPC on its side. An External's prefixes are
//! not checked, as Go does not: a BGP External's reachable prefixes are unknown.

use std::collections::BTreeMap;

use ipnet::IpNet;

use super::acl::rule_label;
use super::{AclEndpoint, EXTERNAL_PREFIX, PeeringSpec, side_names, side_pointer};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::backticked;
use crate::rules::state::{Entry, FabricState};
use crate::rules::vpc::Object as Vpc;
use crate::rules::{Release, Violations, net};

/// Checks the sides of `spec` (from Hedgehog 26.02) and its ACL's subnet references.
pub(super) fn validate(
    spec: &PeeringSpec,
    state: &FabricState,
    release: Release,
    out: &mut Violations,
) {
    // The VPCs of the sides that are VPCs and exist, for the ACL check; `None` for a side
    // that is an External.
    let mut vpcs: BTreeMap<&str, Option<&Entry<Vpc>>> = BTreeMap::new();
    for (side, entry) in spec.peering.iter().flatten() {
        // fabric v0.115.4 api/gateway/v1alpha1/gatewaypeering_types.go:363-366 ends the
        // cross-object checks after the overlaps; v0.120.3 :374-436 adds these.
        if entry.is_none() || release < Release::V26_02 {
            continue;
        }
        let at = side_pointer(side);
        if let Some(external) = side.strip_prefix(EXTERNAL_PREFIX) {
            state.lookup(
                &state.externals,
                Kind::External,
                external,
                &at,
                "the check that the peered External exists",
                out,
            );
            vpcs.insert(side, None);
            continue;
        }
        let Some(vpc) = state.lookup(
            &state.vpcs,
            Kind::Vpc,
            side,
            &at,
            "the check that the exposed prefixes belong to the VPC",
            out,
        ) else {
            continue;
        };
        vpcs.insert(side, Some(vpc));
        check_exposed(side, spec, vpc, out);
    }
    check_acl(spec, &vpcs, out);
}

/// What VPC side `side` exposes (`gatewaypeering_types.go:575-607`): each `cidr` inside a
/// subnet of `vpc`, each `vpcSubnet` one of its subnets.
fn check_exposed(side: &str, spec: &PeeringSpec, vpc: &Entry<Vpc>, out: &mut Violations) {
    let Some(Some(entry)) = spec.peering.as_ref().and_then(|p| p.get(side)) else {
        return;
    };
    let subnets = vpc.object.spec.subnets.as_ref();
    let prefixes: Vec<IpNet> = subnets
        .into_iter()
        .flatten()
        .filter_map(|(_, subnet)| net::parse_prefix(&subnet.subnet).ok())
        .collect();
    for (index, expose) in entry.expose.iter().enumerate() {
        if expose.default_destination {
            continue;
        }
        for (position, ip) in expose.ips.iter().enumerate() {
            let at = format!("{}/expose/{index}/ips/{position}", side_pointer(side));
            if let Ok(cidr) = net::parse_prefix(&ip.cidr)
                && !prefixes.iter().any(|subnet| is_subset(&cidr, subnet))
            {
                out.error(
                    format!("{at}/cidr"),
                    format!(
                        "`{side}` exposes `{}`, which is not inside any subnet of VPC `{side}` ({}; subnets {}): a VPC exposes only its own addresses; use a prefix inside one of its subnets",
                        ip.cidr,
                        vpc.origin,
                        list(subnets.into_iter().flatten().map(|(_, s)| s.subnet.as_str())),
                    ),
                );
                out.rule_of_last(rules::GATEWAYPEERING_EXPOSE_OUTSIDE_VPC);
                out.involving_last(Kind::Vpc, side, &vpc.origin);
            }
            if !ip.vpc_subnet.is_empty() && !subnets.is_some_and(|s| s.contains_key(&ip.vpc_subnet))
            {
                out.error(
                    format!("{at}/vpcSubnet"),
                    format!(
                        "`vpcSubnet: {}` is not a subnet of VPC `{side}` ({}; subnets {}): name one of them",
                        ip.vpc_subnet,
                        vpc.origin,
                        list(subnets.into_iter().flatten().map(|(name, _)| name.as_str())),
                    ),
                );
                out.rule_of_last(rules::GATEWAYPEERING_SUBNET_MISSING);
                out.involving_last(Kind::Vpc, side, &vpc.origin);
            }
        }
    }
}

/// ACL matches by `vpcSubnet` (`gatewaypeering_types.go:610-649`): a source names a subnet
/// of the rule's `from` side, a destination one of its `to` side (a rule naming only one
/// side means the other for the other), and that side must be a VPC. `vpcs` holds the
/// sides checked so far: a VPC that is not in the state was already reported.
fn check_acl(spec: &PeeringSpec, vpcs: &BTreeMap<&str, Option<&Entry<Vpc>>>, out: &mut Violations) {
    let Some(acl) = &spec.acl else { return };
    let sides: Vec<&str> = side_names(spec).collect();
    let [first, second] = sides.as_slice() else {
        return;
    };
    let other = |side: &str| if side == *first { *second } else { *first };
    for (index, rule) in acl.rules.iter().enumerate() {
        let (from, to) = match (rule.from.as_str(), rule.to.as_str()) {
            ("", to) => (other(to), to),
            (from, "") => (from, other(from)),
            (from, to) => (from, to),
        };
        let at = format!("/spec/acl/rules/{index}/match");
        for (direction, key, side, endpoints) in [
            ("source", "src", from, &rule.matches.src),
            ("destination", "dst", to, &rule.matches.dst),
        ] {
            for (position, endpoint) in endpoints.iter().enumerate() {
                let at = format!("{at}/{key}/{position}/vpcSubnet");
                let rule = rule_label(index, rule);
                check_acl_subnet(&rule, direction, side, endpoint, vpcs, &at, out);
            }
        }
    }
}

fn check_acl_subnet(
    rule: &str,
    direction: &str,
    side: &str,
    endpoint: &AclEndpoint,
    vpcs: &BTreeMap<&str, Option<&Entry<Vpc>>>,
    at: &str,
    out: &mut Violations,
) {
    let subnet = &endpoint.vpc_subnet;
    if subnet.is_empty() {
        return;
    }
    // A side that is not one of the peering's (already reported) or whose VPC is missing.
    let Some(vpc) = vpcs.get(side) else { return };
    let Some(vpc) = vpc else {
        out.error(
            at,
            format!("{rule}: the {direction} `vpcSubnet: {subnet}` is on side `{side}`, an External, which has no subnets: match its addresses by `cidr`"),
        );
        return;
    };
    let subnets = vpc.object.spec.subnets.as_ref();
    if !subnets.is_some_and(|s| s.contains_key(subnet)) {
        out.error(
            at,
            format!(
                "{rule}: the {direction} `vpcSubnet: {subnet}` is not a subnet of VPC `{side}` ({}; subnets {}): name one of them",
                vpc.origin,
                list(subnets.into_iter().flatten().map(|(name, _)| name.as_str())),
            ),
        );
        out.rule_of_last(rules::GATEWAYPEERING_SUBNET_MISSING);
        out.involving_last(Kind::Vpc, side, &vpc.origin);
    }
}

/// `iputil.IsSubset` (`pkg/util/iputil/ip.go:55-62`): `inner` lies inside `outer`.
fn is_subset(inner: &IpNet, outer: &IpNet) -> bool {
    outer.trunc().contains(&inner.trunc())
}

/// `` `a`, `b` `` or `none`.
fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items = backticked(items);
    if items.is_empty() {
        "none".to_owned()
    } else {
        items
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::overlap::tests::{cidrs, errors, errors_at, involved, peering};
    use crate::rules::Release;

    /// `TestValidateCIDRBelongsToVPC` (`gatewaypeering_types_test.go:900-995`).
    #[test]
    fn exposed_cidrs_lie_inside_the_vpcs_subnets() {
        for (cidr, inside) in [
            ("10.0.3.0/24", true),
            ("10.0.3.128/25", true),
            ("10.0.3.0/23", false),
            ("10.0.1.0/24", false),
        ] {
            let subject = peering(
                "p",
                json!({"peering": {"vpc-3": cidrs(&[cidr]), "vpc-1": cidrs(&["10.0.1.0/24"])}}),
            );
            let found = errors(&[subject], "p");
            if inside {
                assert_eq!(found, [], "{cidr}");
            } else {
                assert_eq!(
                    found,
                    [(
                        "/spec/peering/vpc-3/expose/0/ips/0/cidr".to_owned(),
                        format!(
                            "`vpc-3` exposes `{cidr}`, which is not inside any subnet of VPC `vpc-3` (managed/vpc-3.yaml:1; subnets `10.0.3.0/24`, `10.0.4.0/24`): a VPC exposes only its own addresses; use a prefix inside one of its subnets"
                        ),
                    )],
                    "{cidr}"
                );
            }
        }
    }

    #[test]
    fn a_vpc_subnet_must_exist_and_a_default_destination_is_not_checked() {
        let subject = peering(
            "p",
            json!({"peering": {
            "vpc-3": {"expose": [{"ips": [{"vpcSubnet": "s2"}, {"vpcSubnet": "s9"}]}, {"default": true}]},
            "vpc-1": cidrs(&["10.0.1.0/24"])}}),
        );
        assert_eq!(
            errors(&[subject], "p"),
            [(
                "/spec/peering/vpc-3/expose/0/ips/1/vpcSubnet".to_owned(),
                "`vpcSubnet: s9` is not a subnet of VPC `vpc-3` (managed/vpc-3.yaml:1; subnets `s1`, `s2`): name one of them".to_owned(),
            )]
        );
    }

    #[test]
    fn what_a_side_exposes_or_matches_outside_its_vpc_involves_that_vpc() {
        let subject = peering(
            "p",
            json!({"peering": {
            "vpc-3": {"expose": [{"ips": [{"cidr": "10.9.0.0/24"}, {"vpcSubnet": "s9"}]}]},
            "vpc-1": cidrs(&["10.0.1.0/24"])},
            "acl": {"rules": [{"from": "vpc-1", "action": "allow", "match": {"src": [{"vpcSubnet": "s9"}]}}]}}),
        );
        let vpc = |n: u8| vec![format!("VPC `vpc-{n}` (managed/vpc-{n}.yaml:1)")];
        assert_eq!(
            involved(&[subject], "p"),
            [
                ("/spec/peering/vpc-3/expose/0/ips/0/cidr".to_owned(), vpc(3)),
                (
                    "/spec/peering/vpc-3/expose/0/ips/1/vpcSubnet".to_owned(),
                    vpc(3)
                ),
                ("/spec/acl/rules/0/match/src/0/vpcSubnet".to_owned(), vpc(1)),
            ]
        );
    }

    /// Oracle `gwp.json` (each paired with vpc-1): a side that is no VPC, an External that
    /// does not exist and a CIDR outside its VPC all pass 26.01 (v0.115.4 checks none of
    /// them); 26.02 and 26.03 refuse each ("VPC vpc-9 not found", "external out-1 not
    /// found", "CIDR 10.0.9.0/24 is not part of VPC vpc-3").
    #[test]
    fn sides_and_what_they_expose_are_checked_only_from_26_02() {
        let subject = peering(
            "p",
            json!({"peering": {"vpc-9": cidrs(&["192.168.0.0/24"]), "ext.out-1": cidrs(&["0.0.0.0/0"]),
                "vpc-3": cidrs(&["10.0.9.0/24"])}}),
        );
        let pointers = |release| -> Vec<String> {
            errors_at(std::slice::from_ref(&subject), "p", release)
                .into_iter()
                .map(|(pointer, _)| pointer)
                .collect()
        };
        assert_eq!(pointers(Release::V26_01), Vec::<String>::new());
        for release in [Release::V26_02, Release::V26_03] {
            assert_eq!(
                pointers(release),
                [
                    "/spec/peering/ext.out-1",
                    "/spec/peering/vpc-3/expose/0/ips/0/cidr",
                    "/spec/peering/vpc-9"
                ],
                "{release}"
            );
        }
    }

    /// "VPC not found", "external not found", and the group (`:484-492`), with
    /// `--references strict`: each missing object once, and nothing that needed it.
    #[test]
    fn missing_sides_and_group_are_each_one_reference_error() {
        let subject = peering(
            "p",
            json!({"gatewayGroup": "gr9", "peering": {
            "vpc-9": cidrs(&["192.168.0.0/24"]), "ext.out-1": cidrs(&["0.0.0.0/0"])},
            "acl": {"rules": [{"from": "vpc-9", "action": "allow", "match": {"src": [{"vpcSubnet": "s1"}]}}]}}),
        );
        let found = errors(&[subject], "p");
        let pointers: Vec<_> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/spec/gatewayGroup",
                "/spec/peering/ext.out-1",
                "/spec/peering/vpc-9"
            ],
            "{found:#?}"
        );
        assert!(
            found[0].1.starts_with("GatewayGroup `gr9` does not exist"),
            "{}",
            found[0].1
        );
        assert!(
            found[1].1.starts_with("External `out-1` does not exist"),
            "{}",
            found[1].1
        );
        assert!(
            found[2].1.starts_with("VPC `vpc-9` does not exist"),
            "{}",
            found[2].1
        );
    }

    /// `TestValidateACLVPCSubnet` (`gatewaypeering_types_test.go:1320-1420`): a rule's
    /// source names a subnet of its `from` side, its destination one of its `to` side; a
    /// rule naming one side means the other one for the other direction.
    #[test]
    fn acl_vpc_subnets_belong_to_the_vpc_on_their_side() {
        let rule = |from: &str, to: &str, src: &str, dst: &str| {
            let mut rule = json!({"action": "allow", "match": {}});
            for (key, value) in [("from", from), ("to", to)] {
                if !value.is_empty() {
                    rule[key] = json!(value);
                }
            }
            for (key, value) in [("src", src), ("dst", dst)] {
                if !value.is_empty() {
                    rule["match"][key] = json!([{"vpcSubnet": value}]);
                }
            }
            rule
        };
        let check = |rules: Vec<serde_json::Value>| {
            let subject = peering(
                "p",
                json!({"peering": {"vpc-3": cidrs(&["10.0.3.0/24"]), "vpc-1": cidrs(&["10.0.1.0/24"])}, "acl": {"rules": rules}}),
            );
            errors(&[subject], "p")
        };
        assert_eq!(
            check(vec![
                rule("", "vpc-1", "s2", "s1"),
                rule("vpc-3", "", "s2", "s1")
            ]),
            []
        );
        assert_eq!(
            check(vec![rule("vpc-1", "vpc-3", "s2", "s2")]),
            [(
                "/spec/acl/rules/0/match/src/0/vpcSubnet".to_owned(),
                "ACL rule 0: the source `vpcSubnet: s2` is not a subnet of VPC `vpc-1` (managed/vpc-1.yaml:1; subnets `s1`): name one of them".to_owned(),
            )]
        );
    }

    #[test]
    fn an_acl_vpc_subnet_on_an_external_side_is_an_error() {
        let external = json!({"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "External",
            "metadata": {"name": "out-1"}, "spec": {"ipv4Namespace": "default", "inboundCommunity": "65102:5000", "outboundCommunity": "50000:50001"}});
        let subject = peering(
            "p",
            json!({"peering": {"vpc-1": cidrs(&["10.0.1.0/24"]), "ext.out-1": {"expose": [{"default": true}]}},
            "acl": {"rules": [{"name": "web", "to": "vpc-1", "action": "allow", "match": {"src": [{"vpcSubnet": "s1"}]}}]}}),
        );
        assert_eq!(
            errors(&[external, subject], "p"),
            [(
                "/spec/acl/rules/0/match/src/0/vpcSubnet".to_owned(),
                "ACL rule 0 (`web`): the source `vpcSubnet: s1` is on side `ext.out-1`, an External, which has no subnets: match its addresses by `cidr`".to_owned(),
            )]
        );
    }
}
