//! The Switch's cross-object rules: the `kube != nil` part of `Validate()`
//! (`switch_types.go:499-719`), the uniqueness checks of `HydrationValidation()`
//! (`:291-445`) and the update webhook (`pkg/ctrl/switch_wh.go:68-79`).
//!
//! Hydrated values (`asn`, `ip`, `protocolIP`, `vtepIP`) are compared only where present:
//! a repository usually holds switches unhydrated, and hhfab assigns unique values then.
//! An update of a switch that managed/ holds hydrated keeps them, though: nothing hydrates
//! it between Git and the fabric.

use super::super::config::{FabricConfig, VlanRange};
use super::super::state::profiles::Absent;
use super::super::state::{FabricState, Origin};
use super::super::{Context, Violations, net};
use super::mclag::{self, Uniqueness};
use super::ports::{self, Profile};
use super::{Object, SwitchSpec};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::backticked;

/// Every cross-object rule of `object`.
pub(super) fn validate(object: &Object, state: &FabricState, ctx: &Context, out: &mut Violations) {
    let spec = &object.spec;
    validate_vlan_namespaces(spec, state, out);
    validate_groups(spec, state, out);
    if let Some(profile) = profile(spec, state, ctx, out) {
        ports::validate(spec, &profile, ctx.release, out);
    }
    if let Some(config) = ctx.config {
        validate_unique_values(&object.metadata.name, spec, state, config, ctx, out);
    }
    validate_update(&object.metadata.name, spec, state, out);
}

/// `:500-525`: each VLANNamespace exists, and the ranges of different namespaces do not
/// overlap (a namespace's own ranges are its own rule).
fn validate_vlan_namespaces(spec: &SwitchSpec, state: &FabricState, out: &mut Violations) {
    let pointer = "/spec/vlanNamespaces";
    // Go checks the ranges of every listed namespace together (`CheckVLANRangesOverlap`), so
    // a namespace listed twice overlaps itself: compare list entries, not names.
    let mut seen: Vec<(usize, &str, &Origin, VlanRange)> = Vec::new();
    for (position, name) in spec.vlan_namespaces.iter().enumerate() {
        let Some(entry) = state.lookup(
            &state.vlan_namespaces,
            Kind::VlanNamespace,
            name,
            pointer,
            "the switch's VLAN namespace check",
            out,
        ) else {
            continue;
        };
        let origin = &entry.origin;
        let mut listed_twice = false;
        for range in &entry.object.spec.ranges {
            let (Ok(from), Ok(to)) = (u16::try_from(range.from), u16::try_from(range.to)) else {
                continue;
            };
            let range = VlanRange { from, to };
            if let Some((_, other, other_origin, taken)) = seen
                .iter()
                .find(|(at, _, _, taken)| *at != position && overlap(taken, &range))
            {
                let message = if other == name {
                    if listed_twice {
                        continue;
                    }
                    listed_twice = true;
                    format!(
                        "VLANNamespace `{name}` ({origin}) is listed twice: its VLANs would overlap themselves; list it once"
                    )
                } else {
                    format!(
                        "VLANNamespace `{name}` ({origin}) range `{}-{}` overlaps range `{}-{}` of VLANNamespace `{other}` ({other_origin}): a switch's VLAN namespaces must not share VLANs; drop one of them",
                        range.from, range.to, taken.from, taken.to
                    )
                };
                out.error(pointer, message);
                out.rule_of_last(rules::SWITCH_VLAN_NAMESPACE_OVERLAP);
                out.involving_last(Kind::VlanNamespace, name, origin);
                out.involving_last(Kind::VlanNamespace, other, other_origin);
            }
            seen.push((position, name, origin, range));
        }
    }
}

fn overlap(a: &VlanRange, b: &VlanRange) -> bool {
    a.from <= b.to && b.from <= a.to
}

/// `:527-541`: every group is a named SwitchGroup.
fn validate_groups(spec: &SwitchSpec, state: &FabricState, out: &mut Violations) {
    for group in &spec.groups {
        let pointer = if *group == spec.redundancy.group {
            "/spec/redundancy/group"
        } else {
            "/spec/groups"
        };
        if group.is_empty() {
            out.error(
                "/spec/groups",
                "a group name is empty: name a SwitchGroup, or remove the entry",
            );
            continue;
        }
        state.lookup(
            &state.switch_groups,
            Kind::SwitchGroup,
            group,
            pointer,
            "the switch group check",
            out,
        );
    }
}

/// `:543-551`: the profile is a SwitchProfile of the fabric. Only built-in profiles exist
/// (the fabric refuses others), so one that is not built in is an error whatever the
/// references policy; except that, without a fab.yaml, an opt-in profile (`-clsp`,
/// `cumulus-vx`) may be included by the fabric's real config: a warning then.
fn profile<'s>(
    spec: &'s SwitchSpec,
    state: &'s FabricState,
    ctx: &Context,
    out: &mut Violations,
) -> Option<Profile<'s>> {
    let name = spec.profile.as_str();
    if name.is_empty() {
        return None;
    }
    if let Some(entry) = state.switch_profiles.get(name) {
        return Some(Profile {
            name,
            spec: &entry.object.spec,
            origin: &entry.origin,
        });
    }
    let pointer = "/spec/profile";
    match Absent::of(name, ctx) {
        Absent::Unknown { field } => out.warning(
            pointer,
            format!(
                "SwitchProfile `{name}` is built in only when the fabric config sets `{field}: true`, and no fab.yaml was given: the checks against the profile were skipped (give --fabric-config to check them)"
            ),
        ),
        Absent::NotIncluded { field } => out.error(
            pointer,
            format!(
                "SwitchProfile `{name}` is not in this fabric: its config does not set `{field}: true`; set it, or use another profile"
            ),
        ),
        Absent::Missing => out.error(
            pointer,
            format!(
                "SwitchProfile `{name}` does not exist: the fabric has only its built-in profiles ({})",
                built_in_names(state)
            ),
        ),
    }
    out.rule_of_last(rules::SWITCH_PROFILE_MISSING);
    None
}

/// `` `a`, `b` ``: the fabric's profiles.
fn built_in_names(state: &FabricState) -> String {
    backticked(state.switch_profiles.iter().map(|(name, _)| name))
}

/// `:327-441`: the values hhfab assigns are unique. The management IP among switches (by
/// address); the protocol IP and, for a leaf, the VTEP IP among switches and, when the
/// fabric has gateways, gateways (as written); a leaf's ASN among leaves. An MCLAG leaf
/// is exempt from 26.03, and has its peer's ASN and VTEP IP up to 26.02 (`mclag`).
fn validate_unique_values(
    name: &str,
    spec: &SwitchSpec,
    state: &FabricState,
    config: &FabricConfig,
    ctx: &Context,
    out: &mut Violations,
) {
    let index = &state.wiring_index;
    if let Ok(prefix) = net::parse_prefix(&spec.ip)
        && let Some(other) = index.management_ip_users(&prefix.addr(), name).next()
    {
        out.error(
            "/spec/ip",
            format!(
                "management IP `{}` is already used by Switch `{other}` ({}): give each switch its own",
                prefix.addr(),
                origin(state, &Kind::Switch, other)
            ),
        );
        out.rule_of_last(rules::SWITCH_ADDRESS_IN_USE);
        involve(state, &Kind::Switch, other, out);
    }
    // Go lists gateways only in a fabric that has them (`:349-370`).
    let counts = |(kind, _): &&(Kind, String)| config.enable_gateway || *kind == Kind::Switch;
    if !spec.protocol_ip.is_empty()
        && let Some(other) = index
            .protocol_ip_holders(&spec.protocol_ip, name)
            .find(counts)
    {
        out.error(
            "/spec/protocolIP",
            format!(
                "protocol IP `{}` is already used by {}: give each switch and gateway its own",
                spec.protocol_ip,
                described(state, other)
            ),
        );
        out.rule_of_last(rules::SWITCH_ADDRESS_IN_USE);
        involve(state, &other.0, &other.1, out);
    }
    if !spec.is_leaf() {
        return;
    }
    match mclag::uniqueness(name, spec, state, ctx.release) {
        Uniqueness::Unique => {}
        Uniqueness::Exempt => return,
        Uniqueness::SameAsPeer(peer, entry) => {
            mclag::validate_same_as_peer(spec, peer, entry, out);
            return;
        }
    }
    if let Some(asn) = spec.asn.and_then(|asn| u32::try_from(asn).ok())
        && let Some(other) = index.leaf_asn_users(asn, name).next()
    {
        out.error(
            "/spec/asn",
            format!(
                "leaf ASN `{asn}` is already used by leaf `{other}` ({}): give each leaf its own",
                origin(state, &Kind::Switch, other)
            ),
        );
        out.rule_of_last(rules::SWITCH_ASN_IN_USE);
        involve(state, &Kind::Switch, other, out);
    }
    if !spec.vtep_ip.is_empty()
        && let Some(other) = index.vtep_ip_holders(&spec.vtep_ip, name).find(counts)
    {
        out.error(
            "/spec/vtepIP",
            format!(
                "VTEP IP `{}` is already used by {}: give each leaf and gateway its own",
                spec.vtep_ip,
                described(state, other)
            ),
        );
        out.rule_of_last(rules::SWITCH_ADDRESS_IN_USE);
        involve(state, &other.0, &other.1, out);
    }
}

/// Where the switch or gateway `name` is written.
fn origin_of<'s>(state: &'s FabricState, kind: &Kind, name: &str) -> Option<&'s Origin> {
    if *kind == Kind::Gateway {
        state.gateways.get(name).map(|e| &e.origin)
    } else {
        state.switches.get(name).map(|e| &e.origin)
    }
}

/// [`origin_of`], as the messages show it.
fn origin(state: &FabricState, kind: &Kind, name: &str) -> String {
    origin_of(state, kind, name).map_or_else(String::new, ToString::to_string)
}

/// Marks the violation recorded last as about the switch or gateway `name` too.
fn involve(state: &FabricState, kind: &Kind, name: &str, out: &mut Violations) {
    if let Some(origin) = origin_of(state, kind, name) {
        out.involving_last(kind.clone(), name, origin);
    }
}

/// ``Switch `leaf-01` (raw/wiring.yaml:12)``.
fn described(state: &FabricState, (kind, name): &(Kind, String)) -> String {
    format!("{kind} `{name}` ({})", origin(state, kind, name))
}

/// The update rules of a raw document that replaces a managed switch (`entry.previous`):
/// the hydrated values it must keep, and `switch_wh.go:68-79`: a switch that has or gets
/// RoCE keeps its breakouts (changing them while RoCE is on needs the switch reinstalled).
fn validate_update(name: &str, spec: &SwitchSpec, state: &FabricState, out: &mut Violations) {
    let Some(previous) = state
        .switches
        .get(name)
        .and_then(|entry| entry.previous.as_ref())
    else {
        return;
    };
    let old = &previous.spec;
    validate_hydration_kept(name, old, spec, out);
    if (old.roce || spec.roce) && old.port_breakouts != spec.port_breakouts {
        out.error(
            "/spec/portBreakouts",
            "`portBreakouts` cannot change while RoCEv2 (`roce`) is on, before or after this update: keep the managed breakouts, or turn `roce` off first",
        );
        out.rule_of_last(rules::SWITCH_IMMUTABLE);
    }
}

/// An update keeps the hydrated values (`asn`, `ip`, `protocolIP`, and a leaf's `vtepIP`)
/// that the managed switch holds. A switch Git has never held hydrated may leave them out,
/// as hhfab fills them when it hydrates the wiring it applies (a warning, in `switch.rs`);
/// but on the GitOps path what Git holds is applied as it is, nothing hydrates it, and the
/// fabric requires them (`switch_types.go:457-468`): dropping them breaks the update.
fn validate_hydration_kept(name: &str, old: &SwitchSpec, new: &SwitchSpec, out: &mut Violations) {
    let asn_set = |spec: &SwitchSpec| spec.asn.is_some_and(|asn| asn != 0);
    let dropped: Vec<&str> = [
        ("asn", asn_set(old) && !asn_set(new)),
        ("ip", !old.ip.is_empty() && new.ip.is_empty()),
        (
            "protocolIP",
            !old.protocol_ip.is_empty() && new.protocol_ip.is_empty(),
        ),
        (
            "vtepIP",
            new.is_leaf() && !old.vtep_ip.is_empty() && new.vtep_ip.is_empty(),
        ),
    ]
    .into_iter()
    .filter_map(|(field, dropped)| dropped.then_some(field))
    .collect();
    let (list, them) = match dropped.as_slice() {
        [] => return,
        [one] => (format!("`{one}`"), "it"),
        [rest @ .., last] => (format!("{} and `{last}`", backticked(rest)), "them"),
    };
    let managed = format!("managed/switches/{name}.yaml");
    out.error(
        "/spec",
        format!(
            "this update drops {list}, which the managed Switch has ({managed}): hhfab fills {them} only in wiring it applies itself, nothing fills {them} between Git and the fabric, and the fabric requires {them}; copy {them} from {managed}"
        ),
    );
    out.rule_of_last(rules::SWITCH_HYDRATION_DROPPED);
}

#[cfg(test)]
mod tests;
