//! One VPC subnet whose prefix is usable (`vpc_types.go:411-623` at 78827deb): not
//! reserved, then the hostBGP settings ([`hostbgp`](super::hostbgp)) or the gateway and
//! VLAN, then DHCP ([`dhcp`](super::dhcp)).

use std::net::IpAddr;

use ipnet::IpNet;

use super::{MAX_PREFIX_LEN, Subnet, dhcp, hostbgp, nth_address};
use crate::rules::decode::integer;
use crate::rules::{Context, Release, Violations, net};

/// `:411-623`: one subnet whose prefix is usable: not reserved, then hostBGP or gateway and
/// VLAN, then DHCP. Returns the VLAN of a routed subnet, for the uniqueness check.
pub(super) fn check_subnet(
    name: &str,
    subnet: &Subnet,
    prefix: IpNet,
    at: &str,
    ctx: &Context,
    out: &mut Violations,
) -> Option<u16> {
    check_reserved(subnet, &prefix, at, ctx, out);
    if subnet.host_bgp {
        if subnet.dhcp.enable {
            out.error(
                format!("{at}/dhcp/enable"),
                format!("subnet `{name}` is a hostBGP subnet, whose hosts bring their own addresses: DHCP cannot be enabled on it"),
            );
        }
        hostbgp::check_host_bgp(name, subnet, &prefix, at, ctx, out);
        subnet
            .dhcp
            .validate(&dhcp::Scope::host_bgp(prefix, at), ctx.release, out);
        return None;
    }
    hostbgp::check_routed(name, subnet, at, ctx, out);
    let gateway = subnet_gateway(name, subnet, &prefix, at, ctx.release, out);
    let vlan = subnet_vlan(name, subnet, at, out);
    let scope = dhcp::Scope::routed(prefix, at, gateway, &subnet.gateway);
    subnet.dhcp.validate(&scope, ctx.release, out);
    vlan
}

/// `:398-409`: the subnet's prefix, when it is present, parses and is /30 or shorter.
pub(super) fn subnet_prefix(
    name: &str,
    subnet: &Subnet,
    at: &str,
    release: Release,
    out: &mut Violations,
) -> Option<IpNet> {
    if subnet.subnet.is_empty() {
        out.error(
            at,
            format!("subnet `{name}` has no `subnet`: give it a prefix such as `10.0.1.0/24`"),
        );
        return None;
    }
    let field = format!("{at}/subnet");
    match net::parse_subnet(&subnet.subnet, release) {
        Err(e) => {
            out.error(
                field,
                format!("{e}: a VPC subnet is written as a prefix such as `10.0.1.0/24`"),
            );
            None
        }
        Ok(prefix) if prefix.prefix_len() > MAX_PREFIX_LEN => {
            out.error(
                field,
                format!(
                    "subnet `{prefix}` is smaller than /30: a VPC subnet needs at least 4 addresses"
                ),
            );
            None
        }
        Ok(prefix) => Some(prefix),
    }
}

/// `:411-417`: no subnet overlaps what the fabric reserves for itself.
fn check_reserved(subnet: &Subnet, prefix: &IpNet, at: &str, ctx: &Context, out: &mut Violations) {
    let reserved = ctx
        .config
        .map_or(&[][..], |c| &c.parsed_reserved_subnets[..]);
    let clashes = |reserved: &IpNet| {
        if ctx.release < Release::V26_02 {
            // fabric v0.115.4 api/vpc/v1beta1/vpc_types.go:403-409: `reserved.Contains(ipNet.IP)`,
            // only the subnet's network address is looked for in the reserved subnet.
            net::contains_network(reserved, prefix)
        } else {
            net::overlaps(reserved, prefix)
        }
    };
    if let Some(reserved) = reserved.iter().find(|r| clashes(r)) {
        out.against_config(
            ctx,
            &["reservedSubnets"],
            format!("{at}/subnet"),
            format!(
                "subnet `{}` overlaps `{reserved}`, which the fabric reserves for its own addresses (`reservedSubnets`: management, fabric links, loopbacks, VTEPs): pick a subnet outside it",
                subnet.subnet
            ),
        );
    }
}

/// `:426-436`: the gateway (written or defaulted) is an address inside the subnet.
fn subnet_gateway(
    name: &str,
    subnet: &Subnet,
    prefix: &IpNet,
    at: &str,
    release: Release,
    out: &mut Violations,
) -> Option<IpAddr> {
    let field = format!("{at}/gateway");
    let first_host = nth_address(&prefix.trunc(), 1).map_or_else(String::new, |a| a.to_string());
    match net::parse_subnet_addr(&subnet.gateway, release) {
        Err(e) => {
            out.error(
                field,
                format!("subnet `{name}`: gateway {e}: write an address such as `{first_host}`, or leave `gateway` out to use the subnet's first address"),
            );
            None
        }
        Ok(gateway) if !prefix.contains(&gateway) => {
            out.error(
                field,
                format!("gateway `{gateway}` is outside subnet `{prefix}`: use an address inside it, or leave `gateway` out to use `{first_host}`"),
            );
            None
        }
        Ok(gateway) => Some(gateway),
    }
}

/// `:438-441`: a routed subnet has a VLAN. The VLANNamespace decides the allowed range
/// (cross-object); one beyond 16 bits was reported with the other undecodable integers.
fn subnet_vlan(name: &str, subnet: &Subnet, at: &str, out: &mut Violations) -> Option<u16> {
    let Some(written) = &subnet.vlan else {
        out.error(
            at,
            format!("subnet `{name}` has no `vlan`: give it a VLAN (1-4094) from the VPC's VLANNamespace"),
        );
        return None;
    };
    match integer(written).map(u16::try_from) {
        Some(Ok(0)) => {
            out.error(
                format!("{at}/vlan"),
                format!("subnet `{name}` has VLAN `0`, which means none: give it a VLAN (1-4094) from the VPC's VLANNamespace"),
            );
            None
        }
        Some(Ok(vlan)) => Some(vlan),
        _ => None,
    }
}
