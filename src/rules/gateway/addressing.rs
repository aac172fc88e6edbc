//! A Gateway's underlay identity (`gateway_types.go:226-274,367-388`): its loopback
//! (`protocolIP`), VTEP address and MAC, ASN and BGP neighbors. hhfab's hydration fills all
//! of them, so an absent one is a warning and a present one is checked.

use std::net::{IpAddr, Ipv4Addr};

use super::{GatewayBgpNeighbor, GatewaySpec, HYDRATION, check_u32, present_or_parent};
use crate::rules::{Violations, net};

/// Checks the addresses, the ASN and the neighbors of `spec`.
pub(super) fn validate(spec: &GatewaySpec, out: &mut Violations) {
    check_single_ipv4(
        "protocolIP",
        spec.protocol_ip.as_deref(),
        "the gateway's loopback and BGP router ID",
        out,
    );
    let vtep = check_single_ipv4(
        "vtepIP",
        spec.vtep_ip.as_deref(),
        "the gateway's VTEP address",
        out,
    );
    if let Some(vtep) = vtep
        && (vtep.is_multicast() || vtep.is_loopback() || vtep.is_unspecified())
    {
        out.error(
            "/spec/vtepIP",
            format!("vtepIP `{vtep}/32` is a multicast, loopback (127.0.0.0/8) or unspecified address: the VTEP needs a unicast IPv4 address"),
        );
    }
    check_vtep_mac(spec.vtep_mac.as_deref(), out);
    match spec.asn {
        Some(asn) if asn.0 != 0 => check_u32(asn, "/spec/asn", out),
        asn => out.warning(
            present_or_parent(asn.is_some(), "/spec", "asn"),
            format!("`asn` is not set: {HYDRATION} (`spec.config.gateway.asn` in fab.yaml, 65534 by default)"),
        ),
    }
    validate_neighbors(spec.neighbors.as_deref(), out);
}

/// protocolIP and vtepIP (`gateway_types.go:226-246`): an IPv4 `/32`. Returns the address
/// when it is one.
fn check_single_ipv4(
    field: &str,
    value: Option<&str>,
    purpose: &str,
    out: &mut Violations,
) -> Option<Ipv4Addr> {
    let pointer = format!("/spec/{field}");
    let text = match value {
        Some(text) if !text.is_empty() => text,
        _ => {
            out.warning(
                present_or_parent(value.is_some(), "/spec", field),
                format!("`{field}` is not set: {HYDRATION}"),
            );
            return None;
        }
    };
    let prefix = match net::parse_prefix(text) {
        Ok(prefix) => prefix,
        Err(_) => {
            out.error(
                pointer,
                format!("{field} `{text}` is not an IP prefix: write {purpose} as `a.b.c.d/32`"),
            );
            return None;
        }
    };
    let ipnet::IpNet::V4(v4) = prefix else {
        out.error(
            pointer,
            format!("{field} `{text}` is IPv6: {purpose} must be an IPv4 `/32`"),
        );
        return None;
    };
    if v4.prefix_len() != 32 {
        out.error(
            pointer,
            format!(
                "{field} `{text}` is a /{}: {purpose} is a single address, `{}/32`",
                v4.prefix_len(),
                v4.addr()
            ),
        );
        return None;
    }
    Some(v4.addr())
}

/// vtepMAC (`gateway_types.go:258-270`): set, a MAC, not all zeros, unicast.
fn check_vtep_mac(value: Option<&str>, out: &mut Violations) {
    let text = match value {
        Some(text) if !text.is_empty() => text,
        _ => {
            out.warning(
                present_or_parent(value.is_some(), "/spec", "vtepMAC"),
                format!("`vtepMAC` is not set: {HYDRATION}"),
            );
            return;
        }
    };
    let pointer = "/spec/vtepMAC";
    let Ok(octets) = net::parse_mac(text) else {
        out.error(
            pointer,
            format!("vtepMAC `{text}` is not a MAC address: write six hex octets such as `ca:fe:ba:be:00:01`"),
        );
        return;
    };
    if net::format_mac(&octets) == "00:00:00:00:00:00" {
        out.error(
            pointer,
            format!("vtepMAC `{text}` is all zeros: use a unicast MAC address"),
        );
    } else if octets.first().is_some_and(|first| first & 1 == 1) {
        out.error(
            pointer,
            format!("vtepMAC `{text}` is a multicast address (the lowest bit of its first octet is set): use a unicast MAC, e.g. `ca:fe:ba:be:00:01`"),
        );
    }
}

/// BGP neighbors (`gateway_types.go:367-388`): at least one, each with a unicast IPv4
/// address and an ASN.
fn validate_neighbors(neighbors: Option<&[GatewayBgpNeighbor]>, out: &mut Violations) {
    let neighbors = match neighbors {
        Some(neighbors) if !neighbors.is_empty() => neighbors,
        _ => {
            out.warning(
                present_or_parent(neighbors.is_some(), "/spec", "neighbors"),
                "no BGP `neighbors`: hhfab adds one per link of the gateway's Connections when it hydrates the wiring; the fabric requires at least one",
            );
            return;
        }
    };
    for (index, neighbor) in neighbors.iter().enumerate() {
        let at = format!("/spec/neighbors/{index}");
        let ip = neighbor.ip.as_deref().unwrap_or_default();
        if ip.is_empty() {
            out.error(
                present_or_parent(neighbor.ip.is_some(), &at, "ip"),
                format!("BGP neighbor {index} has no `ip`: give the neighbor's IPv4 address"),
            );
        } else {
            match net::parse_addr(ip) {
                Err(_) => out.error(
                    format!("{at}/ip"),
                    format!("BGP neighbor IP `{ip}` is not an IP address: write an IPv4 address such as `172.30.128.0`"),
                ),
                Ok(IpAddr::V6(_)) => out.error(
                    format!("{at}/ip"),
                    format!("BGP neighbor IP `{ip}` is IPv6: only IPv4 neighbors are supported"),
                ),
                Ok(IpAddr::V4(v4)) if v4.is_multicast() || v4.is_unspecified() => out
                    .error(
                        format!("{at}/ip"),
                        format!("BGP neighbor IP `{ip}` is a multicast or unspecified address: a neighbor has a unicast IPv4 address"),
                    ),
                Ok(_) => {}
            }
        }
        match neighbor.asn {
            Some(asn) if asn.0 != 0 => check_u32(asn, &format!("{at}/asn"), out),
            asn => out.error(
                present_or_parent(asn.is_some(), &at, "asn"),
                format!("BGP neighbor {} has no `asn`: set the neighbor's ASN (the spine ASN, 65100 by default)", if ip.is_empty() { index.to_string() } else { format!("`{ip}`") }),
            ),
        }
    }
}
