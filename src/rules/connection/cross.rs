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
        let Some(entry) = state.lookup(
            &state.switches,
            "Switch",
            device,
            &first.pointer,
            "the checks of its ports",
            out,
        ) else {
            all_found = false;
            continue;
        };
        let switch = &entry.object;
        found.push((device, entry));
        let Some(profile) = profile(device, entry, &first.pointer, state, ctx, out) else {
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
                    endpoint.pointer.clone(),
                    format!(
                        "port `{port}` is not a port of switch `{device}` ({}): its SwitchProfile `{}` with its `portBreakouts` has no such port; a breakout lane `<port>/<n>` exists only when the switch breaks `<port>` out into n or more lanes",
                        entry.origin, switch.spec.profile
                    ),
                );
                out.involving_last("Switch", device, &entry.origin);
                out.involving_last("SwitchProfile", &switch.spec.profile, &profile.origin);
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
        out.involving_last("Switch", device, &entry.origin);
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
            out.involving_last("Switch", name, &entry.origin);
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
        involve_all(out);
    } else if kinds.keys().next().is_none_or(|kind| *kind != wanted) && !groups.is_empty() {
        out.error(
            pointer,
            format!(
                "the switches of an {what} connection have redundancy type `{wanted}`, and these have {}: set `redundancy.type: {wanted}` on them",
                if kinds.is_empty() { "none".to_owned() } else { spread(&kinds) }
            ),
        );
        involve_all(out);
    }
}

/// `:881-889`: every server exists.
fn validate_servers(endpoints: &[Endpoint], state: &FabricState, out: &mut Violations) {
    for (device, first) in devices(endpoints, End::Server) {
        state.lookup(
            &state.servers,
            "Server",
            device,
            &first.pointer,
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
            endpoint.pointer.clone(),
            format!(
                "port `{}` is already used by Connection `{other}`{origin}{alias}: a port is one end of one link; pick a free port",
                endpoint.port
            ),
        );
        if let Some(entry) = other_entry {
            out.involving_last("Connection", other, &entry.origin);
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
                if let Some(entry) = other_entry {
                    out.involving_last("Connection", other, &entry.origin);
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
    }
}

/// `connection_wh.go:65-79`: a static external's `withinVPC` names an existing VPC.
fn validate_within_vpc(spec: &ConnectionSpec, state: &FabricState, out: &mut Violations) {
    if let Some(static_external) = &spec.static_external
        && !static_external.within_vpc.is_empty()
    {
        state.lookup(
            &state.vpcs,
            "VPC",
            &static_external.within_vpc,
            "/spec/staticExternal/withinVPC",
            "the static external's VPC check",
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::rules::state::{Member, Origin, References};
    use crate::rules::{CrossViolation, Typed, Violation, admit_typed};

    fn object(kind: &str, name: &str, spec: Value) -> Value {
        json!({"kind": kind, "metadata": {"name": name}, "spec": spec})
    }

    fn switches() -> Vec<Value> {
        vec![
            object(
                "VLANNamespace",
                "default",
                json!({"ranges": [{"from": 1000, "to": 2999}]}),
            ),
            object(
                "Switch",
                "spine-01",
                json!({"role": "spine", "profile": "dell-s5232f-on"}),
            ),
            object(
                "Switch",
                "leaf-01",
                json!({"role": "server-leaf", "profile": "dell-s5232f-on",
                "portBreakouts": {"E1/2": "4x25G"}}),
            ),
            object(
                "Switch",
                "leaf-02",
                json!({"role": "server-leaf", "profile": "vs"}),
            ),
            object("Server", "server-01", json!({})),
        ]
    }

    fn fabric(spine: &str, spine_ip: &str, leaf: &str, leaf_ip: &str) -> Value {
        json!({"fabric": {"links": [{"spine": {"port": spine, "ip": spine_ip}, "leaf": {"port": leaf, "ip": leaf_ip}}]}})
    }

    fn unbundled(server: &str, switch: &str) -> Value {
        json!({"unbundled": {"link": {"server": {"port": server}, "switch": {"port": switch}}}})
    }

    /// The findings of the Connection `subject` (raw/conn.yaml) against `others`
    /// (managed/<n>.yaml), with the fabricator's default config, `--references strict`.
    fn check(subject: Value, others: &[Value]) -> Vec<(String, String)> {
        cross(&Context::fabricator_defaults(), subject, others)
            .into_iter()
            .map(
                |CrossViolation {
                     violation:
                         Violation {
                             pointer, message, ..
                         },
                     ..
                 }| (pointer, message),
            )
            .collect()
    }

    /// The pointer and the involved objects of each finding of [`check`].
    fn involved(subject: Value, others: &[Value]) -> Vec<(String, Vec<String>)> {
        cross(&Context::fabricator_defaults(), subject, others)
            .iter()
            .map(CrossViolation::involved_described)
            .collect()
    }

    /// [`check`] with `ctx`, as the rules return the findings.
    fn cross(ctx: &Context, subject: Value, others: &[Value]) -> Vec<CrossViolation> {
        let paths: Vec<String> = (0..others.len())
            .map(|i| format!("managed/{i}.yaml"))
            .collect();
        let mut objects: Vec<(&str, Value)> = paths
            .iter()
            .map(String::as_str)
            .zip(others.iter().cloned())
            .collect();
        objects.push(("raw/conn.yaml", subject.clone()));
        let state = FabricState::of_objects(&objects, ctx, References::Strict);
        let name = subject["metadata"]["name"].as_str().unwrap();
        let mut out = Violations::default();
        validate(
            &state.connections.get(name).unwrap().object,
            &state,
            ctx,
            &mut out,
        );
        out.into_cross()
    }

    #[test]
    fn a_connection_between_existing_devices_on_free_ports_passes() {
        let subject = object(
            "Connection",
            "c",
            fabric(
                "spine-01/E1/1",
                "172.30.128.0/31",
                "leaf-01/E1/2/4",
                "172.30.128.1/31",
            ),
        );
        assert_eq!(check(subject, &switches()), []);
    }

    #[test]
    fn missing_devices_and_ports_the_profile_lacks_after_breakouts_are_each_reported() {
        let subject = object(
            "Connection",
            "c",
            json!({"bundled": {"links": [
                {"server": {"port": "server-09/enp2s1"}, "switch": {"port": "leaf-01/E1/1/2"}},
                {"server": {"port": "server-09/enp2s2"}, "switch": {"port": "leaf-01/E1/2/4"}}
            ]}}),
        );
        let found = check(subject, &switches());
        assert_eq!(
            found,
            [
                (
                    "/spec/bundled/links/0/switch/port".to_owned(),
                    "port `E1/1/2` is not a port of switch `leaf-01` (managed/2.yaml:1): its SwitchProfile `dell-s5232f-on` with its `portBreakouts` has no such port; a breakout lane `<port>/<n>` exists only when the switch breaks `<port>` out into n or more lanes".to_owned()
                ),
                (
                    "/spec/bundled/links/0/server/port".to_owned(),
                    "Server `server-09` does not exist: it is in neither this fabric's managed/ nor raw/ (references must resolve with --references strict or --deny-warnings)".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_switch_whose_profile_the_fabric_lacks_refuses_the_connection_at_its_first_port() {
        let mut others = switches();
        others.push(object(
            "Switch",
            "leaf-09",
            json!({"role": "server-leaf", "profile": "no-such-profile"}),
        ));
        let subject = object(
            "Connection",
            "c",
            json!({"bundled": {"links": [
                {"server": {"port": "server-01/enp2s1"}, "switch": {"port": "leaf-09/E1/1"}},
                {"server": {"port": "server-01/enp2s2"}, "switch": {"port": "leaf-09/E1/2"}}
            ]}}),
        );
        assert_eq!(
            check(subject.clone(), &others),
            [(
                "/spec/bundled/links/0/switch/port".to_owned(),
                "Switch `leaf-09` (managed/5.yaml:1) has SwitchProfile `no-such-profile`, which is not in this fabric, so the fabric refuses this connection: set the switch's `profile` to one of the fabric's built-in profiles (the Switch's own finding lists them), or add the SwitchProfile to the fabric".to_owned()
            )]
        );
        assert_eq!(
            involved(subject, &others),
            [(
                "/spec/bundled/links/0/switch/port".to_owned(),
                vec!["Switch `leaf-09` (managed/5.yaml:1)".to_owned()]
            )]
        );
    }

    /// Every kind of connection looks its switches' profiles up (`Endpoints()` lists the
    /// switches of each), both ends of a fabric link included.
    #[test]
    fn every_switch_of_any_connection_type_needs_a_profile_of_the_fabric() {
        let mut others = switches();
        for (name, role) in [("spine-09", "spine"), ("leaf-09", "server-leaf")] {
            others.push(object(
                "Switch",
                name,
                json!({"role": role, "profile": "no-such-profile"}),
            ));
        }
        let cases = [
            (
                fabric(
                    "spine-09/E1/1",
                    "172.30.128.0/31",
                    "leaf-09/E1/1",
                    "172.30.128.1/31",
                ),
                vec![
                    "/spec/fabric/links/0/spine/port",
                    "/spec/fabric/links/0/leaf/port",
                ],
            ),
            (
                unbundled("server-01/enp2s1", "leaf-09/E1/1"),
                vec!["/spec/unbundled/link/switch/port"],
            ),
            (
                json!({"external": {"link": {"switch": {"port": "leaf-09/E1/3"}}}}),
                vec!["/spec/external/link/switch/port"],
            ),
            (
                json!({"vpcLoopback": {"links": [{"switch1": {"port": "leaf-09/E1/4"}, "switch2": {"port": "leaf-09/E1/5"}}]}}),
                vec!["/spec/vpcLoopback/links/0/switch1/port"],
            ),
        ];
        for (spec, expected) in cases {
            let found = check(object("Connection", "c", spec.clone()), &others);
            let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(pointers, expected, "{spec}");
            assert!(
                found.iter().all(|(_, m)| m
                    .contains("has SwitchProfile `no-such-profile`, which is not in this fabric")),
                "{found:?}"
            );
        }
    }

    #[test]
    fn an_opt_in_profile_refuses_the_connection_only_when_a_given_config_leaves_it_out() {
        let mut others = switches();
        others.push(object(
            "Switch",
            "leaf-09",
            json!({"role": "server-leaf", "profile": "vs-clsp"}),
        ));
        let subject = object(
            "Connection",
            "c",
            unbundled("server-01/enp2s1", "leaf-09/E1/1"),
        );
        // Without a fab.yaml the fabric may include it: the Switch warns, nothing here.
        assert_eq!(check(subject.clone(), &others), []);
        let config = FabricConfig::fabricator_defaults();
        let given = Context {
            config: Some(&config),
            config_given: true,
            release: crate::rules::Release::NEWEST,
        };
        let found: Vec<_> = cross(&given, subject.clone(), &others)
            .into_iter()
            .map(|cross| cross.violation.message)
            .collect();
        assert_eq!(
            found,
            [
                "Switch `leaf-09` (managed/5.yaml:1) has SwitchProfile `vs-clsp`, which is not in this fabric (its config does not set `includeSONiCCLSPlus: true`), so the fabric refuses this connection: set it, or give the switch another profile"
            ]
        );
        let included = FabricConfig {
            include_sonic_clsp: true,
            ..FabricConfig::fabricator_defaults()
        };
        let ctx = Context {
            config: Some(&included),
            config_given: true,
            release: crate::rules::Release::NEWEST,
        };
        assert!(cross(&ctx, subject, &others).is_empty());
    }

    #[test]
    fn taken_ports_and_ips_involve_the_other_connection_and_a_missing_port_the_switch_and_profile()
    {
        let mut others = switches();
        others.push(object(
            "Connection",
            "other",
            fabric(
                "spine-01/E1/5",
                "172.30.128.4/31",
                "leaf-01/E1/5",
                "172.30.128.5/31",
            ),
        ));
        let subject = object(
            "Connection",
            "c",
            fabric(
                "spine-01/E1/5",
                "172.30.128.4/31",
                "leaf-01/E1/99",
                "172.30.128.5/31",
            ),
        );
        let other = vec!["Connection `other` (managed/5.yaml:1)".to_owned()];
        assert_eq!(
            involved(subject, &others),
            [
                (
                    "/spec/fabric/links/0/leaf/port".to_owned(),
                    vec![
                        "Switch `leaf-01` (managed/2.yaml:1)".to_owned(),
                        "SwitchProfile `dell-s5232f-on` (the fabric's built-in objects)".to_owned()
                    ]
                ),
                ("/spec/fabric/links/0/spine/port".to_owned(), other.clone()),
                ("/spec/fabric/links/0/spine/ip".to_owned(), other.clone()),
                ("/spec/fabric/links/0/leaf/ip".to_owned(), other),
            ]
        );
    }

    #[test]
    fn a_port_taken_by_another_connection_through_an_alias_names_it() {
        let mut others = switches();
        others.push(object(
            "Connection",
            "existing",
            unbundled("server-01/enp2s1", "leaf-01/E1/1/1"),
        ));
        let subject = object(
            "Connection",
            "c",
            fabric(
                "spine-01/E1/1",
                "172.30.128.0/31",
                "leaf-01/E1/1",
                "172.30.128.1/31",
            ),
        );
        assert_eq!(
            check(subject, &others),
            [(
                "/spec/fabric/links/0/leaf/port".to_owned(),
                "port `leaf-01/E1/1` is already used by Connection `existing` (managed/5.yaml:1) as `leaf-01/E1/1/1`, the same port (a port without a lane is its first lane): a port is one end of one link; pick a free port".to_owned()
            )]
        );
        // Another lane of the same port is a different port.
        let second_lane = object(
            "Connection",
            "c",
            unbundled("server-01/enp2s2", "leaf-01/E1/2/2"),
        );
        let mut others = switches();
        others.push(object(
            "Connection",
            "existing",
            unbundled("server-01/enp2s1", "leaf-01/E1/2/1"),
        ));
        assert_eq!(check(second_lane, &others), []);
    }

    #[test]
    fn link_ips_are_slash_31s_of_the_fabric_subnet_unique_and_paired() {
        let mut others = switches();
        others.push(object(
            "Connection",
            "other",
            fabric(
                "spine-01/E1/5",
                "172.30.128.4/31",
                "leaf-01/E1/5",
                "172.30.128.5/31",
            ),
        ));
        let subject = object(
            "Connection",
            "c",
            fabric(
                "spine-01/E1/1",
                "172.30.128.4/31",
                "leaf-01/E1/1",
                "10.0.0.3/30",
            ),
        );
        let found = check(subject, &others);
        assert_eq!(
            found,
            [
                ("/spec/fabric/links/0/spine/ip".to_owned(), "spine IP `172.30.128.4` is already used by Connection `other` (managed/5.yaml:1): each link end has its own address".to_owned()),
                ("/spec/fabric/links/0/leaf/ip".to_owned(), "leaf IP `10.0.0.3/30` is not a /31: each end of a link has one address of the link's /31, e.g. `10.0.0.3/31`".to_owned()),
                ("/spec/fabric/links/0/leaf/ip".to_owned(), "leaf IP `10.0.0.3` is outside the fabric subnet `172.30.128.0/17` (`fabricSubnet`); that value is fabricator's default `fabricSubnet`, assumed for want of a fabric config: if your fabric uses another, give its config with --fabric-config or <fabric>/fab.yaml".to_owned()),
                ("/spec/fabric/links/0/leaf/ip".to_owned(), "leaf IP `10.0.0.3` and spine IP `172.30.128.4` are not in the same /31: the two ends of a link share one, e.g. `172.30.128.4/31` and `172.30.128.5`".to_owned()),
            ]
        );
    }

    #[test]
    fn eslag_switches_must_share_a_redundancy_group_of_type_eslag() {
        let mut others = switches();
        others.push(object("SwitchGroup", "g1", json!({})));
        others.push(object("SwitchGroup", "g2", json!({})));
        others.push(object("Switch", "leaf-03", json!({"role": "server-leaf", "profile": "vs", "redundancy": {"group": "g1", "type": "eslag"}})));
        others.push(object("Switch", "leaf-04", json!({"role": "server-leaf", "profile": "vs", "redundancy": {"group": "g2", "type": "eslag"}})));
        let eslag = |a: &str, b: &str| {
            object(
                "Connection",
                "c",
                json!({"eslag": {"links": [
                    {"server": {"port": "server-01/enp2s1"}, "switch": {"port": format!("{a}/E1/1")}},
                    {"server": {"port": "server-01/enp2s2"}, "switch": {"port": format!("{b}/E1/1")}}
                ]}}),
            )
        };
        assert_eq!(
            check(eslag("leaf-03", "leaf-04"), &others),
            [(
                "/spec/eslag/links".to_owned(),
                "the switches of an ESLAG connection share one redundancy group, and these are in `g1` (`leaf-03`), `g2` (`leaf-04`): connect the server to switches of one group".to_owned()
            )]
        );
        assert_eq!(
            involved(eslag("leaf-03", "leaf-04"), &others),
            [(
                "/spec/eslag/links".to_owned(),
                vec![
                    "Switch `leaf-03` (managed/7.yaml:1)".to_owned(),
                    "Switch `leaf-04` (managed/8.yaml:1)".to_owned()
                ]
            )]
        );
        let found = check(eslag("leaf-02", "leaf-01"), &others);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].1.starts_with("none of the switches"),
            "{}",
            found[0].1
        );
    }

    #[test]
    fn the_type_and_within_vpc_are_immutable_and_within_vpc_must_exist() {
        let ctx = Context::fabricator_defaults();
        let typed = |spec: Value| -> Typed {
            admit_typed("Connection", &object("Connection", "c", spec), &ctx)
                .1
                .unwrap()
        };
        let static_external = |vpc: &str| json!({"staticExternal": {"withinVPC": vpc, "link": {"switch": {"port": "leaf-02/E1/9", "ip": "192.168.1.2/24", "nextHop": "192.168.1.1"}}}});
        let findings = |old: Value, new: Value| {
            let mut members: Vec<Member> = switches()
                .iter()
                .map(|o| Member {
                    object: admit_typed(o["kind"].as_str().unwrap(), o, &ctx).1.unwrap(),
                    origin: Origin {
                        path: "managed/w.yaml".into(),
                        line: 1,
                    },
                    previous: None,
                })
                .collect();
            members.push(Member {
                object: typed(new),
                origin: Origin {
                    path: "raw/c.yaml".into(),
                    line: 1,
                },
                previous: Some(typed(old)),
            });
            let state = FabricState::build(members, [], ctx.config, References::Warn);
            let mut out = Violations::default();
            validate(
                &state.connections.get("c").unwrap().object,
                &state,
                &ctx,
                &mut out,
            );
            out.into_vec()
                .into_iter()
                .map(|v| (v.pointer, v.severity))
                .collect::<Vec<_>>()
        };
        use crate::rules::Severity::{Error, Warning};
        assert_eq!(
            findings(
                unbundled("server-01/enp2s1", "leaf-02/E1/9"),
                static_external("vpc-1")
            ),
            [
                ("/spec/staticExternal".to_owned(), Error),
                ("/spec/staticExternal/withinVPC".to_owned(), Warning),
            ]
        );
        assert_eq!(
            findings(static_external("vpc-1"), static_external("vpc-2")),
            [
                ("/spec/staticExternal/withinVPC".to_owned(), Error),
                ("/spec/staticExternal/withinVPC".to_owned(), Warning),
            ]
        );
    }
}
