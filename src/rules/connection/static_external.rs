//! The static external link (`connection_types.go:756-806`): the switch port's address, the
//! next hop behind it, and the subnets routed through it.

use ipnet::IpNet;

use super::super::{Context, Release, Violations, net};
use super::StaticExternalSwitch;

/// `:756-806`: the static external link's IP, next hop and routed subnets.
pub(super) fn validate(switch: &StaticExternalSwitch, ctx: &Context, out: &mut Violations) {
    let base = "/spec/staticExternal/link/switch";
    let ip_net = match net::parse_cidr(&switch.ip) {
        Ok((_, network)) => Some(network),
        Err(_) if switch.ip.is_empty() => {
            out.error(
                base,
                "`ip` is not set: give the switch port's address with its subnet length, e.g. `192.168.1.2/24`",
            );
            None
        }
        Err(_) => {
            out.error(
                format!("{base}/ip"),
                format!(
                    "`ip` `{}` is not an address with its subnet length: write the switch port's address as e.g. `192.168.1.2/24`",
                    switch.ip
                ),
            );
            None
        }
    };
    let next_hop = net::parse_ip(&switch.next_hop);
    if switch.next_hop.is_empty() {
        out.error(
            base,
            "`nextHop` is not set: give the external device's address, e.g. `192.168.1.1`",
        );
    } else if next_hop.is_none() {
        out.error(
            format!("{base}/nextHop"),
            format!(
                "`nextHop` `{}` is not an IP address: it is the external device's address, e.g. `192.168.1.1`",
                switch.next_hop
            ),
        );
    }
    if let (Some(ip_net), Some(next_hop)) = (ip_net, next_hop)
        && !ip_net.contains(&next_hop)
    {
        out.error(
            format!("{base}/nextHop"),
            format!(
                "next hop `{next_hop}` is outside the link's subnet `{ip_net}` (from `ip`): the external device must be reachable on the link"
            ),
        );
    }
    let mut routed: Vec<(usize, IpNet)> = Vec::new();
    for (i, subnet) in switch.subnets.iter().enumerate() {
        let pointer = format!("{base}/subnets/{i}");
        // fabric v0.115.4 connection_types.go:852: 26.01 parses a subnet with net.ParseCIDR,
        // which takes leading zeros in the length (`10.10.0.0/016`).
        let prefix = match net::parse_subnet(subnet, ctx.release) {
            Ok(prefix) => prefix,
            Err(e) => {
                out.error(
                    pointer,
                    format!("subnet {e}: write it as e.g. `10.10.0.0/16`"),
                );
                continue;
            }
        };
        // `:780-786`: the default route stands alone, and ends Go's loop.
        if subnet == "0.0.0.0/0" {
            if switch.subnets.len() > 1 {
                out.error(
                    pointer,
                    "the default route `0.0.0.0/0` must be the only subnet: it already covers every other",
                );
            }
            break;
        }
        if prefix.addr() != prefix.network() {
            out.error(
                pointer,
                format!(
                    "subnet `{subnet}` has host bits set: write its network, `{}`",
                    prefix.trunc()
                ),
            );
            continue;
        }
        // fabric v0.115.4 api/wiring/v1beta1/connection_types.go:872-874: 26.01 checks the
        // subnets with go-cidr's `VerifyNoOverlap` inside 0.0.0.0/0, which refuses any IPv6
        // subnet; 26.02 moved to `netip` and takes it.
        if ctx.release < Release::V26_02 && prefix.addr().is_ipv6() {
            out.error(
                pointer,
                format!(
                    "subnet `{prefix}` is IPv6: 0.0.0.0/0 does not fully contain it, and Hedgehog {} routes only IPv4 subnets to a static external",
                    ctx.release
                ),
            );
            continue;
        }
        if let Some((j, other)) = routed
            .iter()
            .find(|(_, other)| net::overlaps(other, &prefix))
        {
            out.error(
                pointer.clone(),
                format!(
                    "subnet `{prefix}` overlaps subnet {j} `{other}`: the routed subnets must not overlap"
                ),
            );
        }
        if let Some(reserved) = ctx.config.and_then(|c| {
            c.parsed_reserved_subnets
                .iter()
                .find(|r| net::overlaps(r, &prefix))
        }) {
            out.against_config(
                ctx,
                &["reservedSubnets"],
                pointer,
                format!(
                    "subnet `{prefix}` overlaps `{reserved}`, which the fabric reserves for itself (`reservedSubnets`: management, fabric, protocol, VTEP, ...)"
                ),
            );
        }
        routed.push((i, prefix));
    }
}
