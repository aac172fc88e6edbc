//! The Connection's cross-object rules: the `kube != nil` part of `Validate()`
//! (`connection_types.go:816-1115`) and the webhook's create and update checks
//! (`pkg/ctrl/connection_wh.go:65-112`).
//!
//! Its switches and servers exist; an ESLAG connection's switches share one redundancy
//! group of type `eslag`; each switch's profile is a SwitchProfile of the fabric, and each
//! switch port is a port of it after the switch's breakouts; no port is another connection's (Go's alias rule: see
//! `WiringIndex::port_key`); fabric, mesh and gateway link IPs are /31s inside `fabricSubnet`, unique
//! in the fabric, both ends of a link in one /31. On update, the type and a static
//! external's `withinVPC` do not change. Port reuse and link IPs are lookups in the
//! fabric's `WiringIndex`.

use std::collections::{BTreeMap, HashSet};

use ipnet::IpNet;

use super::super::config::FabricConfig;
use super::super::state::profiles::{self, Absent};
use super::super::state::{Entry, FabricState};
use super::super::{Context, Violations, net, switch};
use super::{ConnectionSpec, End, Endpoint, Object};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::backticked;

/// Every cross-object rule of `object`.
pub(super) fn validate(object: &Object, state: &FabricState, ctx: &Context, out: &mut Violations) {
    let name = object.metadata.name.as_str();
    let spec = &object.spec;
    // From 26.03 the fabric no longer checks MCLAG connections (fabric v0.129.1
    // connection_types.go:754-756, 78827deb `:741-743`); up to 26.02 it does (v0.120.3
    // `:893-1000`).
    if spec.has_mclag() && !super::mclag_validated(ctx.release) {
        return;
    }
    validate_update(name, spec, state, ctx, out);
    validate_within_vpc(spec, state, out);
    let endpoints = spec.endpoints(ctx.release);
    // A malformed port is the stand-alone rules' finding; nothing to look up with it.
    if endpoints
        .iter()
        .any(|e| e.port_name().is_empty() || e.device().is_empty())
    {
        return;
    }
    validate_switches(spec, &endpoints, state, ctx, out);
    validate_servers(&endpoints, state, out);
    validate_port_reuse(name, &endpoints, state, ctx, out);
    if let Some(config) = ctx.config {
        validate_link_ips(name, spec, state, config, ctx, out);
    }
}

/// The devices of kind `end`, each with its first endpoint, in the order written.
fn devices<'e, 'a>(endpoints: &'e [Endpoint<'a>], end: End) -> Vec<(&'e str, &'e Endpoint<'a>)> {
    let mut seen: Vec<(&str, &Endpoint)> = Vec::new();
    for endpoint in endpoints.iter().filter(|e| e.end == end) {
        if !seen.iter().any(|(device, _)| *device == endpoint.device()) {
            seen.push((endpoint.device(), endpoint));
        }
    }
    seen
}

/// `:820-879`: every switch exists, its profile is a SwitchProfile of the fabric and has
/// each of the connection's ports on it (after the switch's breakouts), and an ESLAG
/// connection's switches share one redundancy group of type `eslag`.
fn validate_switches(
    spec: &ConnectionSpec,
    endpoints: &[Endpoint],
    state: &FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    let mut found: Vec<(&str, &Entry<switch::Object>)> = Vec::new();
    let mut all_found = true;
    for (device, first) in devices(endpoints, End::Switch) {
        let at = first.pointer();
        let Some(entry) = state.lookup(
            &state.switches,
            Kind::Switch,
            device,
            &at,
            "the checks of its ports",
            out,
        ) else {
            all_found = false;
            continue;
        };
        let switch = &entry.object;
        found.push((device, entry));
        let Some(profile) = profile(device, entry, &at, state, ctx, out) else {
            continue;
        };
        for endpoint in endpoints
            .iter()
            .filter(|e| e.end == End::Switch && e.device() == device)
        {
            let port = endpoint.port_name();
            if !profile
                .object
                .spec
                .has_port(port, &switch.spec.port_breakouts)
            {
                out.error(
                    endpoint.pointer(),
                    format!(
                        "port `{port}` is not a port of switch `{device}` ({}): its SwitchProfile `{}` with its `portBreakouts` has no such port; a breakout lane `<port>/<n>` exists only when the switch breaks `<port>` out into n or more lanes",
                        entry.origin, switch.spec.profile
                    ),
                );
                out.rule_of_last(rules::CONNECTION_UNKNOWN_PORT);
                out.involving_last(Kind::Switch, device, &entry.origin);
                out.involving_last(Kind::SwitchProfile, &switch.spec.profile, &profile.origin);
            }
        }
    }
    if all_found && let Some(lag) = Lag::of(spec, ctx) {
        validate_redundancy(&found, &lag, out);
    }
}

/// A connection type whose switches share a redundancy group, as its rules name it.
struct Lag {
    /// The connection type's name in the messages (`ESLAG`).
    what: &'static str,
    /// The redundancy type its switches have (`eslag`).
    kind: &'static str,
    /// Where the findings point.
    pointer: &'static str,
}

impl Lag {
    /// The redundancy rule `spec`'s type follows, if any: ESLAG's; up to 26.02 MCLAG's and
    /// MCLAG domains' too (fabric v0.120.3 connection_types.go:907-920 and :949-972). The
    /// first type set decides, as `Endpoints()` lists that type's switches.
    fn of(spec: &ConnectionSpec, ctx: &Context) -> Option<Lag> {
        let lag = |what, kind, pointer| {
            Some(Lag {
                what,
                kind,
                pointer,
            })
        };
        match spec.types_set(ctx.release).first().copied()? {
            "eslag" => lag("ESLAG", "eslag", "/spec/eslag/links"),
            "mclag" => lag("MCLAG", "mclag", "/spec/mclag/links"),
            "mclagDomain" => lag("MCLAG domain", "mclag", "/spec/mclagDomain"),
            _ => None,
        }
    }
}

/// `:845-852`: the SwitchProfile of switch `device` (`entry`), whose first endpoint in the
/// connection is at `pointer`. When the fabric does not have it, the fabric refuses the
/// connection ("switch profile … not found"): an error here, besides the Switch's own
/// finding, unless the profile is an opt-in one and no fab.yaml says whether the fabric
/// includes it. A switch without a profile is only the Switch's finding.
fn profile<'s>(
    device: &str,
    entry: &Entry<switch::Object>,
    pointer: &str,
    state: &'s FabricState,
    ctx: &Context,
    out: &mut Violations,
) -> Option<&'s Entry<profiles::Object>> {
    let name = entry.object.spec.profile.as_str();
    if name.is_empty() {
        return None;
    }
    if let Some(profile) = state.switch_profiles.get(name) {
        return Some(profile);
    }
    if let Some(refusal) = Absent::of(name, ctx).refusal("this connection") {
        out.error(
            pointer,
            format!(
                "Switch `{device}` ({}) has SwitchProfile `{name}`, {refusal}",
                entry.origin
            ),
        );
        out.rule_of_last(rules::SWITCH_PROFILE_MISSING);
        out.involving_last(Kind::Switch, device, &entry.origin);
    }
    None
}

/// `:830-843` and `:872-879`, as Go decides: the switches that name a redundancy group
/// name the same one, and at least one does; likewise the type, which must be `lag`'s.
/// Each finding involves every switch of the connection: their groups and types decide it.
fn validate_redundancy(
    switches: &[(&str, &Entry<switch::Object>)],
    lag: &Lag,
    out: &mut Violations,
) {
    let Lag {
        what,
        kind: wanted,
        pointer,
    } = *lag;
    let involve_all = |out: &mut Violations| {
        for (name, entry) in switches {
            out.involving_last(Kind::Switch, name, &entry.origin);
        }
    };
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut kinds: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, entry) in switches {
        let redundancy = &entry.object.spec.redundancy;
        if !redundancy.group.is_empty() {
            groups.entry(&redundancy.group).or_default().push(name);
        }
        if !redundancy.kind.is_empty() {
            kinds.entry(&redundancy.kind).or_default().push(name);
        }
    }
    let spread = |values: &BTreeMap<&str, Vec<&str>>| {
        values
            .iter()
            .map(|(value, names)| format!("`{value}` ({})", backticked(names)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if groups.is_empty() {
        out.error(
            pointer,
            format!(
                "none of the switches of this {what} connection is in a redundancy group: give them one `redundancy: {{group: <SwitchGroup>, type: {wanted}}}`"
            ),
        );
        out.rule_of_last(rules::CONNECTION_REDUNDANCY);
        involve_all(out);
    } else if groups.len() > 1 {
        out.error(
            pointer,
            format!(
                "the switches of an {what} connection share one redundancy group, and these are in {}: connect {} switches of one group",
                spread(&groups),
                if what == "MCLAG domain" { "the" } else { "the server to" }
            ),
        );
        out.rule_of_last(rules::CONNECTION_REDUNDANCY);
        involve_all(out);
    }
    if kinds.len() > 1 {
        out.error(
            pointer,
            format!(
                "the switches of an {what} connection share one redundancy type, and these have {}: use `{wanted}` on all of them",
                spread(&kinds)
            ),
        );
        out.rule_of_last(rules::CONNECTION_REDUNDANCY);
        involve_all(out);
    } else if kinds.keys().next().is_none_or(|kind| *kind != wanted) && !groups.is_empty() {
        out.error(
            pointer,
            format!(
                "the switches of an {what} connection have redundancy type `{wanted}`, and these have {}: set `redundancy.type: {wanted}` on them",
                if kinds.is_empty() { "none".to_owned() } else { spread(&kinds) }
            ),
        );
        out.rule_of_last(rules::CONNECTION_REDUNDANCY);
        involve_all(out);
    }
}

/// `:881-889`: every server exists.
fn validate_servers(endpoints: &[Endpoint], state: &FabricState, out: &mut Violations) {
    for (device, first) in devices(endpoints, End::Server) {
        state.lookup(
            &state.servers,
            Kind::Server,
            device,
            &first.pointer(),
            "the server check",
            out,
        );
    }
}

/// `:891-935`: no port of the connection is a port of another connection (up to 26.02 an
/// MCLAG connection's included, fabric v0.120.3 connection_types.go:984-1025).
fn validate_port_reuse(
    name: &str,
    endpoints: &[Endpoint],
    state: &FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    for endpoint in endpoints {
        let Some((other, written)) = state
            .wiring_index
            .port_users(endpoint.port, name, ctx.release)
            .next()
        else {
            continue;
        };
        let other_entry = state.connections.get(other);
        let origin = other_entry.map_or_else(String::new, |entry| format!(" ({})", entry.origin));
        let alias = if written == endpoint.port {
            String::new()
        } else {
            format!(" as `{written}`, the same port (a port without a lane is its first lane)")
        };
        out.error(
            endpoint.pointer(),
            format!(
                "port `{}` is already used by Connection `{other}`{origin}{alias}: a port is one end of one link; pick a free port",
                endpoint.port
            ),
        );
        out.rule_of_last(rules::CONNECTION_PORT_IN_USE);
        if let Some(entry) = other_entry {
            out.involving_last(Kind::Connection, other, &entry.origin);
        }
    }
}

/// `:937-1114`: the IPs of each fabric, mesh or gateway link whose two ends both have one.
fn validate_link_ips(
    name: &str,
    spec: &ConnectionSpec,
    state: &FabricState,
    config: &FabricConfig,
    ctx: &Context,
    out: &mut Violations,
) {
    // A config field that does not parse is not the connection's fault.
    let fabric_subnet = net::parse_prefix(&config.fabric_subnet)
        .ok()
        .map(|p| p.trunc());
    let mut own: HashSet<std::net::IpAddr> = HashSet::new();
    for ends in spec.addressed_links() {
        if ends.iter().any(|end| end.ip.is_empty()) {
            continue;
        }
        let mut prefixes: Vec<(IpNet, &str)> = Vec::new();
        for end in &ends {
            let prefix = match net::parse_prefix(end.ip) {
                Ok(prefix) => prefix,
                Err(e) => {
                    out.error(
                        end.pointer.clone(),
                        format!(
                            "{} IP {e}: write it as a /31, e.g. `172.30.128.0/31`",
                            end.field
                        ),
                    );
                    continue;
                }
            };
            let addr = prefix.addr();
            if prefix.prefix_len() != 31 {
                out.error(
                    end.pointer.clone(),
                    format!(
                        "{} IP `{}` is not a /31: each end of a link has one address of the link's /31, e.g. `{addr}/31`",
                        end.field, end.ip
                    ),
                );
            }
            if let Some(subnet) = fabric_subnet
                && !subnet.contains(&addr)
            {
                out.against_config(
                    ctx,
                    &["fabricSubnet"],
                    end.pointer.clone(),
                    format!(
                        "{} IP `{addr}` is outside the fabric subnet `{subnet}` (`fabricSubnet`)",
                        end.field
                    ),
                );
            }
            if let Some(other) = state.wiring_index.link_ip_users(&addr, name).next() {
                let other_entry = state.connections.get(other);
                let origin =
                    other_entry.map_or_else(String::new, |entry| format!(" ({})", entry.origin));
                out.error(
                    end.pointer.clone(),
                    format!(
                        "{} IP `{addr}` is already used by Connection `{other}`{origin}: each link end has its own address",
                        end.field
                    ),
                );
                out.rule_of_last(rules::CONNECTION_LINK_IP_IN_USE);
                if let Some(entry) = other_entry {
                    out.involving_last(Kind::Connection, other, &entry.origin);
                }
            } else if !own.insert(addr) {
                out.error(
                    end.pointer.clone(),
                    format!(
                        "{} IP `{addr}` is used twice in this connection: each link end has its own address",
                        end.field
                    ),
                );
            }
            prefixes.push((prefix, end.field));
        }
        if let [(first, first_field), (second, second_field)] = prefixes.as_slice()
            && first.trunc() != second.trunc()
        {
            out.error(
                ends[1].pointer.clone(),
                format!(
                    "{second_field} IP `{}` and {first_field} IP `{}` are not in the same /31: the two ends of a link share one, e.g. `{}` and `{}`",
                    second.addr(),
                    first.addr(),
                    first.trunc(),
                    first.trunc().broadcast()
                ),
            );
        }
    }
}

/// The connection's type as `release`'s `Type()` names it (`:436-458`): the first type set.
fn type_name(spec: &ConnectionSpec, release: crate::rules::Release) -> &'static str {
    spec.types_set(release).first().copied().unwrap_or("none")
}

/// `connection_wh.go:87-97`: a managed connection keeps its type and a static external's
/// `withinVPC`.
fn validate_update(
    name: &str,
    spec: &ConnectionSpec,
    state: &FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    let Some(previous) = state
        .connections
        .get(name)
        .and_then(|entry| entry.previous.as_ref())
    else {
        return;
    };
    let (old, new) = (
        type_name(&previous.spec, ctx.release),
        type_name(spec, ctx.release),
    );
    if old != new {
        out.error(
            format!("/spec/{new}"),
            format!(
                "a connection's type cannot change: managed/ has Connection `{name}` as `{old}`, and this makes it `{new}`; give the new connection another name (and remove the old one from managed/ by hand)"
            ),
        );
        out.rule_of_last(rules::CONNECTION_IMMUTABLE);
    }
    if let (Some(old), Some(new)) = (&previous.spec.static_external, &spec.static_external)
        && old.within_vpc != new.within_vpc
    {
        out.error(
            "/spec/staticExternal/withinVPC",
            format!(
                "`withinVPC` cannot change: managed/ has `{}`, and this sets `{}`; give the new connection another name",
                old.within_vpc, new.within_vpc
            ),
        );
        out.rule_of_last(rules::CONNECTION_IMMUTABLE);
    }
}

/// `connection_wh.go:65-79`: a static external's `withinVPC` names an existing VPC.
fn validate_within_vpc(spec: &ConnectionSpec, state: &FabricState, out: &mut Violations) {
    if let Some(static_external) = &spec.static_external
        && !static_external.within_vpc.is_empty()
    {
        state.lookup(
            &state.vpcs,
            Kind::Vpc,
            &static_external.within_vpc,
            "/spec/staticExternal/withinVPC",
            "the static external's VPC check",
            out,
        );
    }
}

#[cfg(test)]
mod tests;
