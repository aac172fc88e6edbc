//! `Endpoints()` (`connection_types.go:485-658`): which devices and ports a connection joins.
//! Each port is checked for the `<device>/<port>` form first, and the device counts and
//! port uniqueness only when every port has it, so that one typo gives one finding (Go
//! stops at its first error, the counts before the form).

use std::collections::BTreeSet;

use super::super::{Release, Violations};
use super::{ConnectionSpec, PortWithIp, ServerToSwitchLink, SwitchToSwitchLink, mclag_validated};
use crate::rules::backticked;

/// Which device a port belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// A switch.
    Switch,
    /// A server.
    Server,
    /// A gateway.
    Gateway,
}

/// One port of a connection, with where its `port` field is.
#[derive(Debug)]
pub struct Endpoint<'a> {
    /// The connection type (`fabric`), or the list holding the link when the type names
    /// it (`mclagDomain/peerLinks`).
    list: &'static str,
    /// The link's index in its list; `None` for the one link of a single-link type.
    index: Option<usize>,
    /// The end of the link (`switch`, `server`, `leaf`).
    field: &'static str,
    /// `<device>/<port>`, as written.
    pub port: &'a str,
    /// Which device it belongs to.
    pub end: End,
}

impl Endpoint<'_> {
    /// The pointer of the `port` field (`/spec/fabric/links/0/leaf/port`), made when a
    /// finding or reference needs it: every connection's ports are listed on each check,
    /// and few of them end up in a finding.
    pub fn pointer(&self) -> String {
        let (list, field) = (self.list, self.field);
        match self.index {
            None => format!("/spec/{list}/link/{field}/port"),
            Some(i) if list.contains('/') => format!("/spec/{list}/{i}/{field}/port"),
            Some(i) => format!("/spec/{list}/links/{i}/{field}/port"),
        }
    }

    /// The device's name, the part before the first `/` (`leaf-01` of `leaf-01/E1/1`).
    pub fn device(&self) -> &str {
        self.port
            .split_once('/')
            .map_or(self.port, |(device, _)| device)
    }

    /// The port's name on its device (`E1/1` of `leaf-01/E1/1`).
    pub fn port_name(&self) -> &str {
        self.port.split_once('/').map_or("", |(_, name)| name)
    }
}

/// The two ends of one link: the field holding each end's `port`, the port, its device.
type LinkEnds<'a> = [(&'static str, &'a str, End); 2];

/// The ends of the links of `links` (at `/spec/<kind>/links`, or at `/spec/<list>` when
/// `kind` names the list itself, as `mclagDomain/peerLinks` does), as `ends` reads each link.
fn linked<'a, Link>(
    kind: &'static str,
    links: &'a [Link],
    ends: impl Fn(&'a Link) -> LinkEnds<'a>,
) -> Vec<Endpoint<'a>> {
    links
        .iter()
        .enumerate()
        .flat_map(|(i, link)| {
            ends(link).map(|(field, port, end)| Endpoint {
                list: kind,
                index: Some(i),
                field,
                port,
                end,
            })
        })
        .collect()
}

/// The one port of a single-link type's end `field` (at `/spec/<kind>/link`).
fn single<'a>(kind: &'static str, field: &'static str, port: &'a str, end: End) -> Endpoint<'a> {
    Endpoint {
        list: kind,
        index: None,
        field,
        port,
        end,
    }
}

/// A server-to-switch link's ends.
fn server_link(link: &ServerToSwitchLink) -> LinkEnds<'_> {
    [
        ("switch", &link.switch.port, End::Switch),
        ("server", &link.server.port, End::Server),
    ]
}

/// A switch-to-switch link's ends.
fn switch_link(link: &SwitchToSwitchLink) -> LinkEnds<'_> {
    [
        ("switch1", &link.switch1.port, End::Switch),
        ("switch2", &link.switch2.port, End::Switch),
    ]
}

/// Every port of the connection type `kind`, in the order written.
pub(super) fn endpoints<'a>(spec: &'a ConnectionSpec, kind: &'static str) -> Vec<Endpoint<'a>> {
    match kind {
        // fabric v0.120.3 connection_types.go:553-611: a domain's peer links, then its
        // session links; an MCLAG connection's server links.
        "mclagDomain" => spec
            .mclag_domain
            .iter()
            .flat_map(|c| {
                let mut ends = linked("mclagDomain/peerLinks", &c.peer_links, switch_link);
                ends.extend(linked(
                    "mclagDomain/sessionLinks",
                    &c.session_links,
                    switch_link,
                ));
                ends
            })
            .collect(),
        "mclag" => spec
            .mclag
            .iter()
            .flat_map(|c| linked(kind, &c.links, server_link))
            .collect(),
        "unbundled" => spec
            .unbundled
            .iter()
            .flat_map(|c| {
                server_link(&c.link).map(|(field, port, end)| single(kind, field, port, end))
            })
            .collect(),
        "bundled" => spec
            .bundled
            .iter()
            .flat_map(|c| linked(kind, &c.links, server_link))
            .collect(),
        "eslag" => spec
            .eslag
            .iter()
            .flat_map(|c| linked(kind, &c.links, server_link))
            .collect(),
        "fabric" => spec
            .fabric
            .iter()
            .flat_map(|c| {
                linked(kind, &c.links, |l| {
                    [
                        ("spine", &l.spine.port, End::Switch),
                        ("leaf", &l.leaf.port, End::Switch),
                    ]
                })
            })
            .collect(),
        "mesh" => spec
            .mesh
            .iter()
            .flat_map(|c| {
                linked(kind, &c.links, |l| {
                    [
                        ("leaf1", &l.leaf1.port, End::Switch),
                        ("leaf2", &l.leaf2.port, End::Switch),
                    ]
                })
            })
            .collect(),
        "gateway" => spec
            .gateway
            .iter()
            .flat_map(|c| {
                linked(kind, &c.links, |l| {
                    [
                        ("switch", &l.switch.port, End::Switch),
                        ("gateway", &l.gateway.port, End::Gateway),
                    ]
                })
            })
            .collect(),
        "vpcLoopback" => spec
            .vpc_loopback
            .iter()
            .flat_map(|c| {
                linked(kind, &c.links, |l| {
                    [
                        ("switch1", &l.switch1.port, End::Switch),
                        ("switch2", &l.switch2.port, End::Switch),
                    ]
                })
            })
            .collect(),
        "external" => spec
            .external
            .iter()
            .map(|c| single(kind, "switch", &c.link.switch.port, End::Switch))
            .collect(),
        "staticExternal" => spec
            .static_external
            .iter()
            .map(|c| single(kind, "switch", &c.link.switch.port, End::Switch))
            .collect(),
        _ => Vec::new(),
    }
}

/// How many switches (and whether exactly one server) the connection type `kind` joins,
/// with the sentence that says so (`:507-626`).
fn shape(kind: &str) -> (std::ops::RangeInclusive<usize>, bool, &'static str) {
    match kind {
        "unbundled" => (
            1..=1,
            true,
            "an unbundled connection joins one server to one switch",
        ),
        "bundled" => (
            1..=1,
            true,
            "a bundled connection joins one server to one switch",
        ),
        "eslag" => (
            1..=4,
            true,
            "an ESLAG connection joins one server to 1 to 4 switches",
        ),
        // fabric v0.120.3 connection_types.go:577-582 and :594-605.
        "mclagDomain" => (
            2..=2,
            false,
            "an MCLAG domain connection joins the two switches of an MCLAG pair",
        ),
        "mclag" => (
            1..=2,
            true,
            "an MCLAG connection joins one server to 1 or 2 switches",
        ),
        "fabric" => (
            2..=2,
            false,
            "a fabric connection joins one spine and one leaf",
        ),
        "mesh" => (2..=2, false, "a mesh connection joins two leaves"),
        "gateway" => (
            1..=1,
            false,
            "a gateway connection joins one switch to a gateway",
        ),
        "vpcLoopback" => (
            1..=1,
            false,
            "a VPC loopback connection joins ports of one switch",
        ),
        _ => (0..=usize::MAX, false, ""),
    }
}

/// `Endpoints()` for the connection type `kind`: every port is `<device>/<port>`, the type
/// joins the right number of switches and servers, and no port appears twice.
pub(super) fn validate(spec: &ConnectionSpec, kind: &'static str, out: &mut Violations) {
    if let Some(domain) = spec.mclag_domain.as_ref().filter(|_| kind == "mclagDomain") {
        // fabric v0.120.3 connection_types.go:571-576: at least one link of each kind.
        let mut missing = false;
        for (field, links, what) in [
            ("peerLinks", &domain.peer_links, "peer"),
            ("sessionLinks", &domain.session_links, "session"),
        ] {
            if links.is_empty() {
                missing = true;
                out.error(
                    format!("/spec/mclagDomain/{field}"),
                    format!("an MCLAG domain connection has at least one {what} link: list it under `{field}`"),
                );
            }
        }
        if missing {
            return;
        }
    }
    let ends = endpoints(spec, kind);
    if ends.is_empty() {
        out.error(
            format!("/spec/{kind}"),
            format!("`{kind}` has no links: list the ports it joins under `links`"),
        );
        return;
    }
    let mut well_formed = true;
    for end in &ends {
        if !matches!(end.port.split_once('/'), Some((device, port)) if !device.is_empty() && !port.is_empty())
        {
            well_formed = false;
            out.error(
                end.pointer(),
                format!(
                    "port `{}` is not `<device>/<port>`: name the switch, server or gateway and its port, e.g. `leaf-01/E1/1`",
                    end.port
                ),
            );
        }
    }
    if !well_formed {
        return;
    }
    let devices = |which: End| -> BTreeSet<&str> {
        ends.iter()
            .filter(|e| e.end == which)
            .filter_map(|e| e.port.split_once('/').map(|(device, _)| device))
            .collect()
    };
    let (switches, servers) = (devices(End::Switch), devices(End::Server));
    let links = match kind {
        "unbundled" | "external" | "staticExternal" => format!("/spec/{kind}/link"),
        "mclagDomain" => "/spec/mclagDomain".to_owned(),
        _ => format!("/spec/{kind}/links"),
    };
    let (switches_allowed, one_server, what) = shape(kind);
    if !switches_allowed.contains(&switches.len()) {
        out.error(
            links.clone(),
            format!(
                "{what}, and this one has {}",
                count("switch", "switches", &switches)
            ),
        );
    }
    if one_server && servers.len() != 1 {
        out.error(
            links,
            format!(
                "{what}, and this one has {}",
                count("server", "servers", &servers)
            ),
        );
    }
    for (i, end) in ends.iter().enumerate() {
        if let Some(first) = ends[..i].iter().find(|e| e.port == end.port) {
            out.error(
                end.pointer(),
                format!(
                    "port `{}` is used twice in this connection (also at `{}`): each port is one end of one link",
                    end.port, first.pointer()
                ),
            );
        }
    }
}

/// ``2 switches: `a`, `b` ``, for the device-count messages.
fn count(one: &str, many: &str, names: &BTreeSet<&str>) -> String {
    let listed = backticked(names);
    match names.len() {
        0 => format!("no {one}"),
        1 => format!("1 {one}: {listed}"),
        n => format!("{n} {many}: {listed}"),
    }
}

impl ConnectionSpec {
    /// Every port of the connection, as `release`'s `Endpoints()` lists them for the other
    /// rules: the ports of its type (the first set, as Go's if/else chain takes it). From
    /// 26.03 none for an MCLAG connection, which the fabric no longer checks (fabric v0.129.1
    /// connection_types.go:504-507); up to 26.02 an MCLAG connection's ports like any other
    /// (v0.120.3 `:553-611`).
    pub fn endpoints(&self, release: Release) -> Vec<Endpoint<'_>> {
        if self.has_mclag() && !mclag_validated(release) {
            return Vec::new();
        }
        self.types_set(release)
            .first()
            .map_or_else(Vec::new, |kind| endpoints(self, kind))
    }

    /// The links that carry a /31 each (`fabric`, else `mesh`, else `gateway`, as Go's
    /// switch takes them, `connection_types.go:941-995`), each as its two ends.
    pub fn addressed_links(&self) -> Vec<[LinkIp<'_>; 2]> {
        fn ends<'a, Link>(
            kind: &str,
            links: &'a [Link],
            ends: impl Fn(&'a Link) -> [(&'static str, &'a PortWithIp); 2],
        ) -> Vec<[LinkIp<'a>; 2]> {
            links
                .iter()
                .enumerate()
                .map(|(i, link)| {
                    ends(link).map(|(field, end)| LinkIp {
                        pointer: format!("/spec/{kind}/links/{i}/{field}/ip"),
                        field,
                        ip: &end.ip,
                    })
                })
                .collect()
        }
        if let Some(fabric) = &self.fabric {
            ends("fabric", &fabric.links, |l| {
                [("spine", &l.spine), ("leaf", &l.leaf)]
            })
        } else if let Some(mesh) = &self.mesh {
            ends("mesh", &mesh.links, |l| {
                [("leaf1", &l.leaf1), ("leaf2", &l.leaf2)]
            })
        } else if let Some(gateway) = &self.gateway {
            ends("gateway", &gateway.links, |l| {
                [("switch", &l.switch), ("gateway", &l.gateway)]
            })
        } else {
            Vec::new()
        }
    }
}

/// One end of a fabric, mesh or gateway link, with its `ip` (empty until hhfab hydrates it).
#[derive(Debug)]
pub struct LinkIp<'a> {
    /// The pointer of the `ip` field (`/spec/fabric/links/0/spine/ip`).
    pub pointer: String,
    /// The end's field name (`spine`, `leaf1`, `gateway`).
    pub field: &'static str,
    /// The `ip` as written: a /31 prefix.
    pub ip: &'a str,
}
