//! The options a VPC subnet's DHCP server hands out (`VPCDHCPOptions`,
//! `vpc_types.go:153-178`): their defaults (`:314-346`) and checks (`:533-577`).
//!
//! The sorting of `dnsServers`, `timeServers` and `advertisedRoutes` and the empty lists for
//! unset ones (`:328-345`) are left out: they change no verdict, and without them the list
//! indexes in findings are those of the document.

use ipnet::IpNet;
use serde::Deserialize;
use serde_json::Number;

use crate::rules::decode::{fits, integer};
use crate::rules::{Release, Violations, net};

/// The MTU `Default()` gives options without one (`:324-326`), also the largest allowed.
const MAX_INTERFACE_MTU: i128 = 9036;
/// The smallest DHCP interface MTU (`:546-548`).
const MIN_INTERFACE_MTU: i128 = 96;
/// The lease time `Default()` gives options without one (`:338-340`).
const DEFAULT_LEASE_TIME_SECONDS: u64 = 3600;

/// `VPCDHCPOptions`, the fields `Default()` and `Validate()` read; `None` lists are absent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Options {
    /// `pxeURL`.
    #[serde(rename = "pxeURL")]
    pub pxe_url: String,
    /// `dnsServers`.
    #[serde(rename = "dnsServers")]
    pub dns_servers: Option<Vec<String>>,
    /// `timeServers`.
    #[serde(rename = "timeServers")]
    pub time_servers: Option<Vec<String>>,
    /// `interfaceMTU` as written (a `uint16` in Go).
    #[serde(rename = "interfaceMTU")]
    pub interface_mtu: Option<Number>,
    /// `leaseTimeSeconds` as written (a `uint32` in Go).
    #[serde(rename = "leaseTimeSeconds")]
    pub lease_time_seconds: Option<Number>,
    /// `disableDefaultRoute`.
    #[serde(rename = "disableDefaultRoute")]
    pub disable_default_route: bool,
    /// `advertisedRoutes`.
    #[serde(rename = "advertisedRoutes")]
    pub advertised_routes: Option<Vec<Route>>,
}

/// `VPCDHCPRoute`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Route {
    /// `destination`: a prefix.
    pub destination: String,
    /// `gateway`: an address inside the subnet.
    pub gateway: String,
}

impl Options {
    /// `:315-318`: options with every field unset are dropped.
    pub(super) fn is_unset(&self) -> bool {
        self.pxe_url.is_empty()
            && self.dns_servers.is_none()
            && self.time_servers.is_none()
            && is_zero(&self.interface_mtu)
            && is_zero(&self.lease_time_seconds)
            && !self.disable_default_route
            && self.advertised_routes.is_none()
    }

    /// `:324-340`: an unset MTU or lease time gets its default.
    pub(super) fn default(&mut self) {
        if is_zero(&self.interface_mtu) {
            self.interface_mtu = Some(Number::from(MAX_INTERFACE_MTU as u64));
        }
        if is_zero(&self.lease_time_seconds) {
            self.lease_time_seconds = Some(Number::from(DEFAULT_LEASE_TIME_SECONDS));
        }
    }

    /// The integers Go's decoder refuses (`at` is the options' pointer).
    pub(super) fn undecodable_integers(&self, at: &str, found: &mut Vec<(String, String)>) {
        if let Some(mtu) = &self.interface_mtu
            && !fits::<u16>(mtu)
        {
            found.push((format!("{at}/interfaceMTU"), mtu_message(mtu)));
        }
        if let Some(lease) = &self.lease_time_seconds
            && !fits::<u32>(lease)
        {
            found.push((
                format!("{at}/leaseTimeSeconds"),
                format!(
                    "lease time `{lease}` is out of range: give 1 to {} seconds",
                    u32::MAX
                ),
            ));
        }
    }

    /// `:533-577`: server addresses parse, the MTU is 96 to 9036, advertised routes have a
    /// prefix and a gateway inside the subnet. (`:552-554`, a lease time below 1, cannot fire:
    /// `Default()` makes 0 into 3600.)
    pub(super) fn validate(
        &self,
        prefix: &IpNet,
        at: &str,
        release: Release,
        out: &mut Violations,
    ) {
        for (field, what) in [
            (&self.dns_servers, "dnsServers"),
            (&self.time_servers, "timeServers"),
        ] {
            for (i, server) in field.iter().flatten().enumerate() {
                if let Err(e) = server_addr(server, release) {
                    out.error(format!("{at}/{what}/{i}"), format!("{what}: {e}"));
                }
            }
        }
        // An MTU or lease time beyond its Go type was reported with the decoding findings.
        if let Some(mtu) = &self.interface_mtu
            && integer(mtu).is_some_and(|m| {
                u16::try_from(m).is_ok() && !(MIN_INTERFACE_MTU..=MAX_INTERFACE_MTU).contains(&m)
            })
        {
            out.error(format!("{at}/interfaceMTU"), mtu_message(mtu));
        }
        for (i, route) in self.advertised_routes.iter().flatten().enumerate() {
            let route_at = format!("{at}/advertisedRoutes/{i}");
            if route.destination.is_empty() {
                out.error(&route_at, format!("advertised route #{i} has no `destination`: give a prefix such as `10.10.0.0/16`"));
            } else if let Err(e) = net::parse_subnet(&route.destination, release) {
                out.error(
                    format!("{route_at}/destination"),
                    format!(
                        "advertised route destination {e}: write a prefix such as `10.10.0.0/16`"
                    ),
                );
            }
            if route.gateway.is_empty() {
                out.error(
                    &route_at,
                    format!(
                        "advertised route #{i} has no `gateway`: give an address inside subnet `{}`",
                        prefix
                    ),
                );
                continue;
            }
            match net::parse_subnet_addr(&route.gateway, release) {
                Err(e) => out.error(format!("{route_at}/gateway"), format!("advertised route gateway {e}")),
                Ok(gateway) if !prefix.contains(&gateway) => out.error(
                    format!("{route_at}/gateway"),
                    format!("advertised route gateway `{gateway}` is outside subnet `{}`: clients reach a route through an address of their own subnet", prefix),
                ),
                Ok(_) => {}
            }
        }
    }
}

/// A DNS or time server's address as the release's Go parses it: `netip.ParseAddr` from 26.02
/// (fabric v0.120.3 `vpc_types.go:529-538`), which takes a zoned IPv6 address
/// (`fe80::1%eth0`); `net.ParseIP` at 26.01 (fabric v0.115.4 `vpc_types.go:519-529`), which
/// refuses the zone.
fn server_addr(text: &str, release: Release) -> Result<std::net::IpAddr, String> {
    if release < Release::V26_02 {
        net::parse_ip(text).ok_or_else(|| {
            let zone = if text.contains('%') {
                format!(": Hedgehog {release} takes no IPv6 zone (`%...`)")
            } else {
                String::new()
            };
            format!("`{text}` is not an IP address{zone}")
        })
    } else {
        net::parse_addr_zoned(text)
    }
}

/// The finding for an interface MTU outside 96 to 9036.
fn mtu_message(mtu: &Number) -> String {
    format!(
        "DHCP interface MTU `{mtu}` is out of range: it must be {MIN_INTERFACE_MTU} to {MAX_INTERFACE_MTU}"
    )
}

/// Go's zero value for an integer field: absent or 0.
fn is_zero(number: &Option<Number>) -> bool {
    number.as_ref().is_none_or(|n| integer(n) == Some(0))
}
