//! `Endpoints()` (`connection_types.go:485-658`): which devices and ports a connection joins.
//! Each port is checked for the `<device>/<port>` form first, and the device counts and
//! port uniqueness only when every port has it, so that one typo gives one finding (Go
//! stops at its first error, the counts before the form).

use std::collections::BTreeSet;

use super::super::Violations;
use super::{ConnectionSpec, ServerToSwitchLink};

/// Which device a port belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Switch,
    Server,
    Gateway,
}

/// One port of a connection, with the pointer of its `port` field.
struct Endpoint<'a> {
    pointer: String,
    port: &'a str,
    end: End,
}

/// The two ends of one link: the field holding each end's `port`, the port, its device.
type LinkEnds<'a> = [(&'static str, &'a str, End); 2];

/// The ends of the links of `links` (at `/spec/<kind>/links`), as `ends` reads each link.
fn linked<'a, Link>(
    kind: &str,
    links: &'a [Link],
    ends: impl Fn(&'a Link) -> LinkEnds<'a>,
) -> Vec<Endpoint<'a>> {
    links
        .iter()
        .enumerate()
        .flat_map(|(i, link)| {
            ends(link).map(|(field, port, end)| Endpoint {
                pointer: format!("/spec/{kind}/links/{i}/{field}/port"),
                port,
                end,
            })
        })
        .collect()
}

/// The one port of a single-link type's end `field` (at `/spec/<kind>/link`).
fn single<'a>(kind: &str, field: &str, port: &'a str, end: End) -> Endpoint<'a> {
    Endpoint {
        pointer: format!("/spec/{kind}/link/{field}/port"),
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

/// Every port of the connection type `kind`, in the order written.
fn endpoints<'a>(spec: &'a ConnectionSpec, kind: &str) -> Vec<Endpoint<'a>> {
    match kind {
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
pub(super) fn validate(spec: &ConnectionSpec, kind: &str, out: &mut Violations) {
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
                end.pointer.clone(),
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
                end.pointer.clone(),
                format!(
                    "port `{}` is used twice in this connection (also at `{}`): each port is one end of one link",
                    end.port, first.pointer
                ),
            );
        }
    }
}

/// ``2 switches: `a`, `b` ``, for the device-count messages.
fn count(one: &str, many: &str, names: &BTreeSet<&str>) -> String {
    let listed = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match names.len() {
        0 => format!("no {one}"),
        1 => format!("1 {one}: {listed}"),
        n => format!("{n} {many}: {listed}"),
    }
}
