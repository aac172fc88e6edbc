//! The cross-object part of VPC `Validate()` (`vpc_types.go:672-796` at 78827deb), against
//! the fabric state: the IPv4Namespace and VLANNamespace exist (`:675-693`); every subnet
//! lies inside one of the IPv4Namespace's subnets (`:695-717`); a routed subnet's VLAN lies
//! in the VLANNamespace (`:719-721`); `dhcp.relayVPC` names an existing VPC (`:723-733`);
//! no subnet overlaps a subnet of another VPC of the same IPv4Namespace (`:736-764`); no
//! VLAN is used by another VPC of the same VLANNamespace (`:766-794`). The VPC webhook's
//! update check is `Validate()` again (`pkg/ctrl/vpc_wh.go:71-91`), so updates need nothing
//! more.
//!
//! Go stops at the first problem, and at a missing namespace before the overlap checks;
//! here each is reported, and the overlap and VLAN checks, which need only the other VPCs,
//! run whether or not the namespaces are known. Subnets the stand-alone rules reject for
//! their prefix or VLAN are left out, so they get no second finding.

use std::fmt::Write as _;

use super::{Object, Subnet, hostbgp};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::state::FabricState;
use crate::rules::{Context, Release, Violations, net, pointer_segment};

/// At most this many VPC subnets are named in one finding; the rest are counted.
const NAMED_SUBNETS: usize = 3;

/// The first few of `subnets` (each already described, with its VPC's file:line), joined,
/// and how many more there are: a finding stays readable when a change touches thousands.
pub fn first_few(subnets: &[String]) -> String {
    let mut text = subnets[..subnets.len().min(NAMED_SUBNETS)].join(", ");
    if subnets.len() > NAMED_SUBNETS {
        let _ = write!(text, " and {} more", subnets.len() - NAMED_SUBNETS);
    }
    text
}

/// The cross-object part of `Validate()`.
pub fn validate_cross(vpc: &Object, state: &FabricState, ctx: &Context, out: &mut Violations) {
    let spec = &vpc.spec;
    let ipv4_namespace = state.lookup(
        &state.ipv4_namespaces,
        Kind::Ipv4Namespace,
        &spec.ipv4_namespace,
        "/spec/ipv4Namespace",
        "the check that the VPC's subnets lie inside it",
        out,
    );
    let vlan_namespace = state.lookup(
        &state.vlan_namespaces,
        Kind::VlanNamespace,
        &spec.vlan_namespace,
        "/spec/vlanNamespace",
        "the check that the VPC's VLANs lie inside it",
        out,
    );
    for (name, subnet) in spec.subnets.iter().flatten() {
        let at = format!("/spec/subnets/{}", pointer_segment(name));
        if let Some(prefix) = subnet.usable_prefix(ctx.release) {
            if let Some(namespace) = ipv4_namespace
                && !namespace.object.spec.covers(&prefix, ctx.release)
            {
                out.error(
                    format!("{at}/subnet"),
                    format!(
                        "subnet `{name}` ({prefix}) is outside IPv4Namespace `{}` ({}; {}): a VPC subnet must lie inside one of its namespace's subnets, so pick a prefix inside them or widen the namespace",
                        spec.ipv4_namespace,
                        namespace.object.spec.subnets.join(", "),
                        namespace.origin
                    ),
                );
                out.rule_of_last(rules::VPC_SUBNET_OUTSIDE_NAMESPACE);
                out.involving_last(Kind::Ipv4Namespace, &spec.ipv4_namespace, &namespace.origin);
            }
            let subject = Overlapping {
                described: format!("subnet `{name}` ({prefix})"),
                pointer: format!("{at}/subnet"),
                prefix,
            };
            check_overlaps(vpc, &subject, state, ctx.release, out);
        }
        for (pointer, prefix) in hostbgp::extra_prefixes(subnet, &at, ctx) {
            // fabric v0.129.1 api/vpc/v1beta1/vpc_types.go:808-820: each extra prefix lies
            // inside the IPv4Namespace.
            if let Some(namespace) = ipv4_namespace
                && !namespace.object.spec.covers(&prefix, ctx.release)
            {
                out.error(
                    &pointer,
                    format!(
                        "hostBGP extra prefix {prefix} in vpc subnet `{name}` doesn't belong to IPv4Namespace `{}` ({}; {}): an extra prefix must lie inside one of its namespace's subnets",
                        spec.ipv4_namespace,
                        namespace.object.spec.subnets.join(", "),
                        namespace.origin
                    ),
                );
                out.rule_of_last(rules::VPC_SUBNET_OUTSIDE_NAMESPACE);
                out.involving_last(Kind::Ipv4Namespace, &spec.ipv4_namespace, &namespace.origin);
            }
            let subject = Overlapping {
                described: format!("hostBGP extra prefix {prefix} of subnet `{name}`"),
                pointer,
                prefix,
            };
            check_overlaps(vpc, &subject, state, ctx.release, out);
        }
        let vlan = subnet.vlan_id().unwrap_or(0);
        if let Some(namespace) = vlan_namespace
            && !subnet.host_bgp
            && vlan != 0
            && !namespace.object.spec.contains(vlan)
        {
            out.error(
                format!("{at}/vlan"),
                format!(
                    "VLAN `{vlan}` of subnet `{name}` is outside VLANNamespace `{}` ({}; {}): pick a VLAN from the namespace's ranges",
                    spec.vlan_namespace,
                    namespace.object.spec.describe(),
                    namespace.origin
                ),
            );
            out.rule_of_last(rules::VPC_VLAN_OUTSIDE_NAMESPACE);
            out.involving_last(Kind::VlanNamespace, &spec.vlan_namespace, &namespace.origin);
        }
        check_vlan_taken(vpc, name, subnet, &at, state, out);
        // fabric v0.115.4 api/vpc/v1beta1/vpc_types.go:99-111 (`VPCDHCP`) has no `dhcp.relayVPC`
        // (its schema refuses the field): no lookup of a VPC the release cannot name.
        if ctx.release >= Release::V26_02 {
            check_relay_vpc(vpc, name, subnet, &at, state, out);
        }
    }
}

/// `:723-733`: `dhcp.relayVPC` names a VPC that exists. A VPC naming itself does not exist
/// yet when the fabric admits its creation (it does once the VPC is in the fabric).
fn check_relay_vpc(
    vpc: &Object,
    name: &str,
    subnet: &Subnet,
    at: &str,
    state: &FabricState,
    out: &mut Violations,
) {
    let relay_vpc = &subnet.dhcp.relay_vpc;
    if relay_vpc.is_empty() {
        return;
    }
    let at = format!("{at}/dhcp/relayVPC");
    if *relay_vpc == vpc.metadata.name {
        let exists = state
            .vpcs
            .get(relay_vpc)
            .is_some_and(|own| own.previous.is_some() || own.origin.is_managed());
        if !exists {
            out.error(
                at,
                format!("subnet `{name}` relays DHCP to this VPC itself, which the fabric refuses while creating it (the relay VPC must already exist): create the VPC first, then add `relayVPC`"),
            );
            out.rule_of_last(rules::VPC_DHCP_RELAY_SELF);
        }
        return;
    }
    state.lookup(
        &state.vpcs,
        Kind::Vpc,
        relay_vpc,
        &at,
        "the check that the DHCP relay VPC exists",
        out,
    );
}

/// A subnet or hostBGP extra prefix of the VPC being checked, for [`check_overlaps`].
struct Overlapping {
    /// How a finding names it: ``subnet `a` (10.0.1.0/24)``.
    described: String,
    /// Where a finding points.
    pointer: String,
    /// The prefix.
    prefix: ipnet::IpNet,
}

/// `:736-764`: `subject` shares no address with a subnet of another VPC of the same
/// IPv4Namespace (nor, from 26.03, with another VPC's hostBGP extra prefix). One finding
/// per subject, naming the first few it overlaps.
fn check_overlaps(
    vpc: &Object,
    subject: &Overlapping,
    state: &FabricState,
    release: Release,
    out: &mut Violations,
) {
    let own = &vpc.metadata.name;
    let namespace = &vpc.spec.ipv4_namespace;
    let prefix = &subject.prefix;
    let subnets = state.vpc_index.overlapping(namespace, prefix);
    // fabric v0.129.1 api/vpc/v1beta1/vpc_types.go:865-873: other VPCs' extra prefixes too.
    let extra_prefixes = if release >= Release::V26_03 {
        state
            .vpc_index
            .overlapping_extra_prefixes(namespace, prefix)
    } else {
        Vec::new()
    };
    let others: Vec<_> = subnets
        .into_iter()
        .map(|other| (other, false))
        .chain(extra_prefixes.into_iter().map(|other| (other, true)))
        .filter(|(other, _)| &other.vpc != own)
        // fabric v0.115.4 api/vpc/v1beta1/vpc_types.go:731-735: `subnet.Contains(otherNet.IP)`,
        // so only the other subnets starting inside this one count, not the wider ones
        // around it.
        .filter(|(other, _)| {
            release >= Release::V26_02 || net::contains_network(prefix, &other.prefix)
        })
        .collect();
    if others.is_empty() {
        return;
    }
    let described: Vec<String> = others
        .iter()
        .map(|(other, extra)| {
            let what = if *extra {
                format!(
                    "hostBGP extra prefix {} of subnet `{}`",
                    other.prefix, other.subnet
                )
            } else {
                format!("subnet `{}` ({})", other.subnet, other.prefix)
            };
            format!(
                "{what} of VPC `{}` ({})",
                other.vpc,
                origin(state, &other.vpc)
            )
        })
        .collect();
    let message = format!(
        "{} overlaps {}: the VPCs of IPv4Namespace `{namespace}` must not share addresses, so pick a prefix no other VPC uses",
        subject.described,
        first_few(&described)
    );
    out.error(&subject.pointer, message);
    out.rule_of_last(rules::VPC_SUBNET_OVERLAP);
    for (other, _) in &others {
        involve_vpc(state, &other.vpc, out);
    }
}

/// `:766-794`: the VLAN of subnet `name` is used by no other VPC of the same
/// VLANNamespace. Go compares every subnet's VLAN, hostBGP ones included, except that
/// subnets without one (VLAN 0) never clash.
fn check_vlan_taken(
    vpc: &Object,
    name: &str,
    subnet: &Subnet,
    at: &str,
    state: &FabricState,
    out: &mut Violations,
) {
    let vlan = subnet.vlan_id().unwrap_or(0);
    if vlan == 0 {
        return;
    }
    let namespace = &vpc.spec.vlan_namespace;
    let Some(other) = state
        .vpc_index
        .vlan_users(namespace, vlan)
        .iter()
        .find(|other| other.vpc != vpc.metadata.name)
    else {
        return;
    };
    let host_bgp = if subnet.host_bgp {
        " (Hedgehog compares the VLAN of a hostBGP subnet too: leave `vlan` out of it)"
    } else {
        ""
    };
    out.error(
        format!("{at}/vlan"),
        format!(
            "VLAN `{vlan}` of subnet `{name}` is already used by subnet `{}` of VPC `{}` ({}) in VLANNamespace `{namespace}`: a VLAN of a namespace belongs to one VPC, so pick a free one{host_bgp}",
            other.subnet,
            other.vpc,
            origin(state, &other.vpc)
        ),
    );
    out.rule_of_last(rules::VPC_VLAN_IN_USE);
    involve_vpc(state, &other.vpc, out);
}

/// Marks the violation recorded last as about VPC `name` of the state too.
fn involve_vpc(state: &FabricState, name: &str, out: &mut Violations) {
    if let Some(entry) = state.vpcs.get(name) {
        out.involving_last(Kind::Vpc, name, &entry.origin);
    }
}

/// Where VPC `name` of the state is written.
fn origin(state: &FabricState, name: &str) -> String {
    state
        .vpcs
        .get(name)
        .map_or_else(String::new, |entry| entry.origin.to_string())
}

#[cfg(test)]
mod tests;
