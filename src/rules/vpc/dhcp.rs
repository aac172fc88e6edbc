//! A VPC subnet's DHCP settings (`VPCDHCP`, `vpc_types.go:100-178`): what `Default()` fills
//! in (`:293-359`) and what `Validate()` checks (`:446-623`): relay or server, the range,
//! the options and the static leases.
//!
//! Defaults that change no verdict are left out, so that list indexes and map keys stay
//! those of the document: the sorting of `dnsServers`, `timeServers` and `advertisedRoutes`
//! and the empty lists for unset ones (`:328-345`), and the rewriting of static-lease MACs
//! to lowercase colon form (`:348-359`; the checks parse MACs, so the form does not matter;
//! two keys naming one MAC, where Go keeps an arbitrary one, get a warning instead).

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;
use serde_json::Number;

use super::{fits, integer, nth_address};
use crate::rules::{Violations, net, pointer_segment};

/// The MTU `Default()` gives options without one (`:324-326`), also the largest allowed.
const MAX_INTERFACE_MTU: i128 = 9036;
/// The smallest DHCP interface MTU (`:546-548`).
const MIN_INTERFACE_MTU: i128 = 96;
/// The lease time `Default()` gives options without one (`:338-340`).
const DEFAULT_LEASE_TIME_SECONDS: u64 = 3600;

/// `VPCDHCP`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Dhcp {
    /// `relay`: the relay's address, written as a prefix (`10.99.0.100/24`).
    pub relay: String,
    /// `relayVPC`: the VPC the relay lives in.
    #[serde(rename = "relayVPC")]
    pub relay_vpc: String,
    /// `enable`: the fabric's own DHCP server.
    pub enable: bool,
    /// `range`.
    pub range: Option<Range>,
    /// `options`.
    pub options: Option<Options>,
    /// `static`: IP by MAC, keys as written.
    #[serde(rename = "static")]
    pub static_leases: BTreeMap<String, StaticLease>,
    /// Whether `Default()` added `range` (the document has none).
    #[serde(skip)]
    range_defaulted: bool,
}

/// `VPCDHCPRange`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Range {
    /// `start`.
    pub start: String,
    /// `end`.
    pub end: String,
    /// Whether `Default()` filled `start` (the subnet's third address).
    #[serde(skip)]
    start_defaulted: bool,
    /// Whether `Default()` filled `end` (the subnet's last address).
    #[serde(skip)]
    end_defaulted: bool,
}

/// One end of a [`Range`], for the checks both ends share.
#[derive(Clone, Copy)]
struct RangeEnd<'a> {
    /// `start` or `end`.
    which: &'static str,
    /// The address as written or defaulted.
    text: &'a str,
    /// Whether `Default()` filled it.
    defaulted: bool,
}

impl Range {
    /// Both ends, start first.
    fn ends(&self) -> [RangeEnd<'_>; 2] {
        [
            RangeEnd {
                which: "start",
                text: &self.start,
                defaulted: self.start_defaulted,
            },
            RangeEnd {
                which: "end",
                text: &self.end,
                defaulted: self.end_defaulted,
            },
        ]
    }
}

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

/// `VPCDHCPStatic`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StaticLease {
    /// `ip`.
    pub ip: String,
}

/// What the DHCP checks need to know about their subnet.
pub struct Scope<'a> {
    /// The subnet's prefix as written (host bits kept).
    prefix: IpNet,
    /// JSON pointer of the subnet.
    at: &'a str,
    /// `None` for a hostBGP subnet, which has no gateway and no DHCP server.
    gateway: Option<Gateway<'a>>,
}

/// A routed subnet's gateway.
struct Gateway<'a> {
    /// Parsed; `None` when it does not parse or lies outside the subnet (reported already).
    addr: Option<IpAddr>,
    /// As written or defaulted: Go compares static-lease IPs with this text.
    text: &'a str,
}

impl<'a> Scope<'a> {
    /// A hostBGP subnet's scope.
    pub fn host_bgp(prefix: IpNet, at: &'a str) -> Self {
        Scope {
            prefix,
            at,
            gateway: None,
        }
    }

    /// A routed subnet's scope, with its gateway parsed (`addr`) and as text.
    pub fn routed(prefix: IpNet, at: &'a str, addr: Option<IpAddr>, text: &'a str) -> Self {
        Scope {
            prefix,
            at,
            gateway: Some(Gateway { addr, text }),
        }
    }
}

impl Options {
    /// `:315-318`: options with every field unset are dropped.
    fn is_unset(&self) -> bool {
        let zero = |n: &Option<Number>| n.as_ref().is_none_or(|n| integer(n) == Some(0));
        self.pxe_url.is_empty()
            && self.dns_servers.is_none()
            && self.time_servers.is_none()
            && zero(&self.interface_mtu)
            && zero(&self.lease_time_seconds)
            && !self.disable_default_route
            && self.advertised_routes.is_none()
    }
}

impl Dhcp {
    /// The options' integers Go's decoder refuses, as (pointer, message) for the VPC's
    /// decoding findings; `at` is this `dhcp`'s pointer.
    pub fn undecodable_integers(&self, at: &str, found: &mut Vec<(String, String)>) {
        let Some(options) = &self.options else {
            return;
        };
        if let Some(mtu) = &options.interface_mtu
            && !fits::<u16>(mtu)
        {
            found.push((format!("{at}/options/interfaceMTU"), mtu_message(mtu)));
        }
        if let Some(lease) = &options.lease_time_seconds
            && !fits::<u32>(lease)
        {
            found.push((
                format!("{at}/options/leaseTimeSeconds"),
                format!(
                    "lease time `{lease}` is out of range: give 1 to {} seconds",
                    u32::MAX
                ),
            ));
        }
    }

    /// `Default()` for a subnet whose prefix parsed and is /30 or shorter (`:293-346`).
    pub fn default(&mut self, prefix: &IpNet) {
        if !self.enable {
            self.range = None;
            self.options = None;
            return;
        }
        let range = match &mut self.range {
            Some(range) => range,
            None => {
                self.range_defaulted = true;
                self.range.insert(Range::default())
            }
        };
        if range.start.is_empty()
            && let Some(start) = nth_address(prefix, 2)
        {
            range.start = start.to_string();
            range.start_defaulted = true;
        }
        if range.end.is_empty() {
            range.end = prefix.broadcast().to_string();
            range.end_defaulted = true;
        }
        match &mut self.options {
            Some(options) if options.is_unset() => self.options = None,
            Some(options) => {
                let zero = |n: &Option<Number>| n.as_ref().is_none_or(|n| integer(n) == Some(0));
                if zero(&options.interface_mtu) {
                    options.interface_mtu = Some(Number::from(MAX_INTERFACE_MTU as u64));
                }
                if zero(&options.lease_time_seconds) {
                    options.lease_time_seconds = Some(Number::from(DEFAULT_LEASE_TIME_SECONDS));
                }
            }
            None => {}
        }
    }

    /// `Validate()` of the subnet's DHCP settings (`:446-623`). A hostBGP subnet with
    /// `enable: true` is reported by the caller; its server settings are not checked.
    ///
    /// `:459-487` (options while DHCP is off) and `:616-618` (a range while DHCP is off)
    /// are not ported: `Default()` removes both when DHCP is off, so they cannot fire.
    pub fn validate(&self, scope: &Scope, out: &mut Violations) {
        let at = format!("{}/dhcp", scope.at);
        if !self.relay.is_empty() {
            if self.enable {
                out.error(
                    format!("{at}/relay"),
                    format!("DHCP relay `{}` and the fabric's DHCP server (`enable: true`) cannot both be on: remove one of them", self.relay),
                );
            }
            if let Err(e) = net::parse_prefix(&self.relay) {
                out.error(
                    format!("{at}/relay"),
                    format!("DHCP relay {e}: write the relay's address with its prefix length, such as `10.99.0.100/24`"),
                );
            }
        } else if !self.relay_vpc.is_empty() {
            out.error(
                format!("{at}/relayVPC"),
                format!(
                    "`relayVPC: {}` needs `relay`, the relay's address, as well",
                    self.relay_vpc
                ),
            );
        }
        if !self.enable {
            if !self.static_leases.is_empty() {
                out.error(
                    format!("{at}/static"),
                    "static DHCP leases need the fabric's DHCP server: set `enable: true` or remove `static`",
                );
            }
            return;
        }
        let Some(gateway) = &scope.gateway else {
            return;
        };
        // Default() always leaves a range when DHCP is on.
        if let Some(range) = &self.range {
            self.check_range(range, scope, gateway, &at, out);
        }
        if let Some(options) = &self.options {
            check_options(options, scope, &format!("{at}/options"), out);
        }
        self.check_static_leases(scope, gateway, &at, out);
    }

    /// `:489-531`: both ends inside the subnet, neither the network address nor the
    /// gateway, start before end.
    fn check_range(
        &self,
        range: &Range,
        scope: &Scope,
        gateway: &Gateway,
        at: &str,
        out: &mut Violations,
    ) {
        let [start, end] = range
            .ends()
            .map(|bound| self.check_range_end(&bound, scope, gateway, at, out));
        if let (Some(start), Some(end)) = (start, end)
            && start >= end
        {
            let (pointer, describe_end) = if range.end_defaulted {
                (
                    self.range_pointer("start", range.start_defaulted, at),
                    format!("its default end `{end}` (the subnet's last address)"),
                )
            } else {
                (format!("{at}/range/end"), format!("its end `{end}`"))
            };
            out.error(
                pointer,
                format!("DHCP range start `{start}` does not come before {describe_end}: the range runs from start to end"),
            );
        }
    }

    /// Where a finding about the range's `which` end points: the field, or for a defaulted
    /// one the closest written field (`range`, else `enable`).
    fn range_pointer(&self, which: &str, defaulted: bool, at: &str) -> String {
        if !defaulted {
            format!("{at}/range/{which}")
        } else if !self.range_defaulted {
            format!("{at}/range")
        } else {
            format!("{at}/enable")
        }
    }

    /// One end of the range: parsed, inside the subnet, not its network address, not the
    /// gateway.
    fn check_range_end(
        &self,
        bound: &RangeEnd,
        scope: &Scope,
        gateway: &Gateway,
        at: &str,
        out: &mut Violations,
    ) -> Option<IpAddr> {
        let RangeEnd {
            which,
            text,
            defaulted,
        } = *bound;
        let pointer = self.range_pointer(which, defaulted, at);
        let describe = if defaulted {
            format!("the DHCP range {which} (by default `{text}`)")
        } else {
            format!("DHCP range {which} `{text}`")
        };
        let prefix = &scope.prefix;
        let addr = match net::parse_addr(text) {
            Ok(addr) => addr,
            Err(_) => {
                out.error(pointer, format!("{describe} is not an IP address"));
                return None;
            }
        };
        if addr == prefix.network() {
            out.error(
                pointer,
                format!("{describe} is the network address of subnet `{prefix}`: start the range after it"),
            );
        } else if Some(addr) == gateway.addr {
            out.error(
                pointer,
                format!(
                    "{describe} is the subnet's gateway: the range must leave the gateway out{}",
                    if defaulted {
                        format!("; set `range.{which}`")
                    } else {
                        String::new()
                    }
                ),
            );
        } else if !prefix.contains(&addr) {
            out.error(pointer, format!("{describe} is outside subnet `{prefix}`"));
        } else {
            return Some(addr);
        }
        None
    }

    /// `:580-612`: each static lease has a MAC and an IP of its own inside the subnet that
    /// is not its network, gateway or broadcast address.
    fn check_static_leases(
        &self,
        scope: &Scope,
        gateway: &Gateway,
        at: &str,
        out: &mut Violations,
    ) {
        let prefix = &scope.prefix;
        let broadcast = prefix.broadcast().to_string();
        let mut macs: BTreeMap<Vec<u8>, &str> = BTreeMap::new();
        let mut ips: BTreeMap<&str, (&str, Option<Vec<u8>>)> = BTreeMap::new();
        for (mac, lease) in &self.static_leases {
            let lease_at = format!("{at}/static/{}", pointer_segment(mac));
            let parsed_mac = if mac.is_empty() {
                out.error(
                    &lease_at,
                    format!(
                        "a static lease (IP `{}`) has an empty MAC address",
                        lease.ip
                    ),
                );
                None
            } else {
                match net::parse_mac(mac) {
                    Ok(octets) => Some(octets),
                    Err(e) => {
                        out.error(
                            &lease_at,
                            format!("{e}: write a static lease's MAC as six octets, such as `aa:bb:cc:dd:ee:ff`"),
                        );
                        None
                    }
                }
            };
            if let Some(octets) = &parsed_mac {
                match macs.get(octets) {
                    Some(first) => out.warning(
                        &lease_at,
                        format!("MACs `{first}` and `{mac}` are the same address (`{}`): the fabric keeps only one of these two leases, either one: write each MAC once", net::format_mac(octets)),
                    ),
                    None => {
                        macs.insert(octets.clone(), mac);
                    }
                }
            }
            let ip_at = format!("{lease_at}/ip");
            let ip = &lease.ip;
            if ip.is_empty() {
                out.error(
                    ip_at,
                    format!("the static lease of MAC `{mac}` has an empty `ip`"),
                );
                continue;
            }
            let addr = match net::parse_addr(ip) {
                Ok(addr) => addr,
                Err(e) => {
                    out.error(ip_at, format!("static lease of MAC `{mac}`: {e}"));
                    continue;
                }
            };
            let problem = if !prefix.contains(&addr) {
                Some(format!("is outside subnet `{prefix}`"))
            } else if addr == prefix.network() {
                Some(format!("is the network address of subnet `{prefix}`"))
            } else if ip == gateway.text {
                Some("is the subnet's gateway".to_owned())
            } else if *ip == broadcast {
                Some(format!("is the broadcast address of subnet `{prefix}`"))
            } else {
                None
            };
            if let Some(problem) = problem {
                out.error(
                    ip_at,
                    format!("static IP `{ip}` of MAC `{mac}` {problem}: hosts cannot use it"),
                );
                continue;
            }
            match ips.get(ip.as_str()) {
                // The same MAC written twice was warned about above.
                Some((_, first)) if first.is_some() && *first == parsed_mac => {}
                Some((other, _)) => out.error(
                    ip_at,
                    format!("static IP `{ip}` is leased to MAC `{other}` as well as `{mac}`: each static lease needs its own IP"),
                ),
                None => {
                    ips.insert(ip, (mac, parsed_mac));
                }
            }
        }
    }
}

/// `:533-577`: server addresses parse, the MTU is 96 to 9036, advertised routes have a
/// prefix and a gateway inside the subnet. (`:552-554`, a lease time below 1, cannot fire:
/// `Default()` makes 0 into 3600.)
fn check_options(options: &Options, scope: &Scope, at: &str, out: &mut Violations) {
    for (field, what) in [
        (&options.dns_servers, "dnsServers"),
        (&options.time_servers, "timeServers"),
    ] {
        for (i, server) in field.iter().flatten().enumerate() {
            if let Err(e) = net::parse_addr(server) {
                out.error(format!("{at}/{what}/{i}"), format!("{what}: {e}"));
            }
        }
    }
    // An MTU or lease time beyond its Go type was reported with the decoding findings.
    if let Some(mtu) = &options.interface_mtu
        && integer(mtu).is_some_and(|m| {
            u16::try_from(m).is_ok() && !(MIN_INTERFACE_MTU..=MAX_INTERFACE_MTU).contains(&m)
        })
    {
        out.error(format!("{at}/interfaceMTU"), mtu_message(mtu));
    }
    for (i, route) in options.advertised_routes.iter().flatten().enumerate() {
        let route_at = format!("{at}/advertisedRoutes/{i}");
        if route.destination.is_empty() {
            out.error(&route_at, format!("advertised route #{i} has no `destination`: give a prefix such as `10.10.0.0/16`"));
        } else if let Err(e) = net::parse_prefix(&route.destination) {
            out.error(
                format!("{route_at}/destination"),
                format!("advertised route destination {e}: write a prefix such as `10.10.0.0/16`"),
            );
        }
        if route.gateway.is_empty() {
            out.error(
                &route_at,
                format!(
                    "advertised route #{i} has no `gateway`: give an address inside subnet `{}`",
                    scope.prefix
                ),
            );
            continue;
        }
        match net::parse_addr(&route.gateway) {
            Err(e) => out.error(format!("{route_at}/gateway"), format!("advertised route gateway {e}")),
            Ok(gateway) if !scope.prefix.contains(&gateway) => out.error(
                format!("{route_at}/gateway"),
                format!("advertised route gateway `{gateway}` is outside subnet `{}`: clients reach a route through an address of their own subnet", scope.prefix),
            ),
            Ok(_) => {}
        }
    }
}

/// The finding for an interface MTU outside 96 to 9036.
fn mtu_message(mtu: &Number) -> String {
    format!(
        "DHCP interface MTU `{mtu}` is out of range: it must be {MIN_INTERFACE_MTU} to {MAX_INTERFACE_MTU}"
    )
}
