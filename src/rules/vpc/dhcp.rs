//! A VPC subnet's DHCP settings (`VPCDHCP`, `vpc_types.go:100-178`): what `Default()` fills
//! in (`:293-359`) and what `Validate()` checks (`:446-623`): relay or server and the range
//! here, the options the server hands out in [`options`], the static leases in [`leases`].

mod leases;
mod options;

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;

use super::nth_address;
use crate::rules::{Release, Violations, net};
use options::Options;

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
    pub static_leases: BTreeMap<String, leases::StaticLease>,
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

impl Dhcp {
    /// The integers Go's decoder refuses, as (pointer, message) for the VPC's decoding
    /// findings; `at` is this `dhcp`'s pointer.
    pub fn undecodable_integers(&self, at: &str, found: &mut Vec<(String, String)>) {
        if let Some(options) = &self.options {
            options.undecodable_integers(&format!("{at}/options"), found);
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
            Some(options) => options.default(),
            None => {}
        }
    }

    /// `Validate()` of the subnet's DHCP settings (`:446-623`). A hostBGP subnet with
    /// `enable: true` is reported by the caller; its server settings are not checked.
    ///
    /// `:459-487` (options while DHCP is off) and `:616-618` (a range while DHCP is off)
    /// are not ported: `Default()` removes both when DHCP is off, so they cannot fire.
    pub fn validate(&self, scope: &Scope, release: Release, out: &mut Violations) {
        let at = format!("{}/dhcp", scope.at);
        if !self.relay.is_empty() {
            if self.enable {
                out.error(
                    format!("{at}/relay"),
                    format!("DHCP relay `{}` and the fabric's DHCP server (`enable: true`) cannot both be on: remove one of them", self.relay),
                );
            }
            // fabric v0.115.4 vpc_types.go:439-443: 26.01 parses the relay with
            // net.ParseCIDR, which takes leading zeros in the length (`10.99.0.100/016`).
            if let Err(e) = net::parse_subnet(&self.relay, release) {
                out.error(
                    format!("{at}/relay"),
                    format!("DHCP relay {e}: write the relay's address with its prefix length, such as `10.99.0.100/24`"),
                );
            }
        } else if release >= Release::V26_02 && !self.relay_vpc.is_empty() {
            // fabric v0.120.3 vpc_types.go:450: `relayVPC` came with 26.02; 26.01's type has
            // no such field (its schema refuses it as unknown).
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
            self.check_range(range, scope, gateway, &at, release, out);
        }
        if let Some(options) = &self.options {
            options.validate(&scope.prefix, &format!("{at}/options"), release, out);
        }
        leases::check(
            &self.static_leases,
            scope,
            gateway,
            &format!("{at}/static"),
            out,
        );
    }

    /// `:489-531`: both ends inside the subnet, neither the network address nor the
    /// gateway, start before end.
    fn check_range(
        &self,
        range: &Range,
        scope: &Scope,
        gateway: &Gateway,
        at: &str,
        release: Release,
        out: &mut Violations,
    ) {
        let [start, end] = range
            .ends()
            .map(|bound| self.check_range_end(&bound, scope, gateway, at, release, out));
        // fabric v0.115.4 api/vpc/v1beta1/vpc_types.go:516 leaves the order unchecked
        // (`// TODO check start < end`); v0.120.3 vpc_types.go:524-526 adds it.
        if let (Some(start), Some(end)) = (start, end)
            && start >= end
            && release >= Release::V26_02
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
        release: Release,
        out: &mut Violations,
    ) -> Option<IpAddr> {
        let RangeEnd {
            which,
            text,
            defaulted,
        } = *bound;
        // Built only for a finding: a valid range is the common case.
        let pointer = || self.range_pointer(which, defaulted, at);
        let describe = || {
            if defaulted {
                format!("the DHCP range {which} (by default `{text}`)")
            } else {
                format!("DHCP range {which} `{text}`")
            }
        };
        let prefix = &scope.prefix;
        let addr = match net::parse_subnet_addr(text, release) {
            Ok(addr) => addr,
            Err(_) => {
                out.error(pointer(), format!("{} is not an IP address", describe()));
                return None;
            }
        };
        if addr == prefix.network() {
            out.error(
                pointer(),
                format!(
                    "{} is the network address of subnet `{prefix}`: start the range after it",
                    describe()
                ),
            );
        } else if Some(addr) == gateway.addr {
            out.error(
                pointer(),
                format!(
                    "{} is the subnet's gateway: the range must leave the gateway out{}",
                    describe(),
                    if defaulted {
                        format!("; set `range.{which}`")
                    } else {
                        String::new()
                    }
                ),
            );
        } else if !prefix.contains(&addr) {
            out.error(
                pointer(),
                format!("{} is outside subnet `{prefix}`", describe()),
            );
        } else {
            return Some(addr);
        }
        None
    }
}
