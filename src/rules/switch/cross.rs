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
            "VLANNamespace",
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
                out.involving_last("VLANNamespace", name, origin);
                out.involving_last("VLANNamespace", other, other_origin);
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
            "SwitchGroup",
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
                origin(state, "Switch", other)
            ),
        );
        involve(state, "Switch", other, out);
    }
    // Go lists gateways only in a fabric that has them (`:349-370`).
    let counts = |(kind, _): &&(&str, String)| config.enable_gateway || *kind == "Switch";
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
        involve(state, other.0, &other.1, out);
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
                origin(state, "Switch", other)
            ),
        );
        involve(state, "Switch", other, out);
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
        involve(state, other.0, &other.1, out);
    }
}

/// Where the switch or gateway `name` is written.
fn origin_of<'s>(state: &'s FabricState, kind: &str, name: &str) -> Option<&'s Origin> {
    if kind == "Gateway" {
        state.gateways.get(name).map(|e| &e.origin)
    } else {
        state.switches.get(name).map(|e| &e.origin)
    }
}

/// [`origin_of`], as the messages show it.
fn origin(state: &FabricState, kind: &str, name: &str) -> String {
    origin_of(state, kind, name).map_or_else(String::new, ToString::to_string)
}

/// Marks the violation recorded last as about the switch or gateway `name` too.
fn involve(state: &FabricState, kind: &str, name: &str, out: &mut Violations) {
    if let Some(origin) = origin_of(state, kind, name) {
        out.involving_last(kind, name, origin);
    }
}

/// ``Switch `leaf-01` (raw/wiring.yaml:12)``.
fn described(state: &FabricState, (kind, name): &(&str, String)) -> String {
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
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::rules::state::{Member, Origin, References};
    use crate::rules::{CrossViolation, Severity, Typed, Violation, admit_typed};

    fn switch(name: &str, spec: Value) -> Value {
        json!({"kind": "Switch", "metadata": {"name": name}, "spec": spec})
    }

    fn vlan_namespace(name: &str, from: u16, to: u16) -> Value {
        json!({"kind": "VLANNamespace", "metadata": {"name": name}, "spec": {"ranges": [{"from": from, "to": to}]}})
    }

    fn default_namespace() -> Value {
        vlan_namespace("default", 1000, 2999)
    }

    /// The cross-object findings of the switch `subject` (in raw/switch.yaml) against
    /// `others` (each in managed/<n>.yaml), `--references strict`.
    fn check_with(ctx: &Context, subject: Value, others: &[Value]) -> Vec<Violation> {
        cross_with(ctx, subject, others)
            .into_iter()
            .map(|cross| cross.violation)
            .collect()
    }

    /// [`check_with`] with the objects each finding involves.
    fn cross_with(ctx: &Context, subject: Value, others: &[Value]) -> Vec<CrossViolation> {
        let paths: Vec<String> = (0..others.len())
            .map(|i| format!("managed/{i}.yaml"))
            .collect();
        let mut objects: Vec<(&str, Value)> = paths
            .iter()
            .map(String::as_str)
            .zip(others.iter().cloned())
            .collect();
        objects.push(("raw/switch.yaml", subject.clone()));
        let state = FabricState::of_objects(&objects, ctx, References::Strict);
        let name = subject["metadata"]["name"].as_str().unwrap();
        let object = &state.switches.get(name).unwrap().object;
        let mut out = Violations::default();
        validate(object, &state, ctx, &mut out);
        out.into_cross()
    }

    fn check(subject: Value, others: &[Value]) -> Vec<(String, String)> {
        let ctx = Context::fabricator_defaults();
        check_with(&ctx, subject, others)
            .into_iter()
            .map(|v| (v.pointer, v.message))
            .collect()
    }

    fn pointers(found: &[(String, String)]) -> Vec<&str> {
        found.iter().map(|(p, _)| p.as_str()).collect()
    }

    #[test]
    fn a_switch_of_the_bundled_example_passes() {
        let found = check(
            switch(
                "leaf-01",
                json!({"role": "server-leaf", "profile": "vs", "groups": ["g"]}),
            ),
            &[
                default_namespace(),
                json!({"kind": "SwitchGroup", "metadata": {"name": "g"}, "spec": {}}),
            ],
        );
        assert_eq!(found, []);
    }

    #[test]
    fn a_missing_namespace_or_group_is_reported_and_overlapping_namespaces_name_each_other() {
        let found = check(
            switch(
                "leaf-01",
                json!({"role": "server-leaf", "profile": "vs",
                "vlanNamespaces": ["a", "b", "gone"], "groups": ["nope", ""]}),
            ),
            &[vlan_namespace("a", 100, 200), vlan_namespace("b", 150, 300)],
        );
        assert_eq!(
            found,
            [
                (
                    "/spec/vlanNamespaces".to_owned(),
                    "VLANNamespace `b` (managed/1.yaml:1) range `150-300` overlaps range `100-200` of VLANNamespace `a` (managed/0.yaml:1): a switch's VLAN namespaces must not share VLANs; drop one of them".to_owned()
                ),
                (
                    "/spec/vlanNamespaces".to_owned(),
                    "VLANNamespace `gone` does not exist: it is in neither this fabric's managed/ nor raw/ (references must resolve with --references strict or --deny-warnings)".to_owned()
                ),
                (
                    "/spec/groups".to_owned(),
                    "a group name is empty: name a SwitchGroup, or remove the entry".to_owned()
                ),
                (
                    "/spec/groups".to_owned(),
                    "SwitchGroup `nope` does not exist: it is in neither this fabric's managed/ nor raw/ (references must resolve with --references strict or --deny-warnings)".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn overlapping_namespaces_and_the_profile_a_port_is_checked_against_are_involved() {
        let involved: Vec<_> = cross_with(
            &Context::fabricator_defaults(),
            switch(
                "leaf-01",
                json!({"role": "server-leaf", "profile": "vs",
                "vlanNamespaces": ["a", "b", "a"], "portSpeeds": {"E9/99": "25G"}}),
            ),
            &[vlan_namespace("a", 100, 200), vlan_namespace("b", 150, 300)],
        )
        .iter()
        .map(CrossViolation::involved_described)
        .collect();
        let (a, b) = (
            "VLANNamespace `a` (managed/0.yaml:1)".to_owned(),
            "VLANNamespace `b` (managed/1.yaml:1)".to_owned(),
        );
        assert_eq!(
            involved,
            [
                // `Default()` sorts the list: `a` twice, then `b`.
                ("/spec/vlanNamespaces".to_owned(), vec![a.clone()]),
                ("/spec/vlanNamespaces".to_owned(), vec![b, a]),
                (
                    "/spec/portSpeeds/E9~199".to_owned(),
                    vec!["SwitchProfile `vs` (the fabric's built-in objects)".to_owned()]
                ),
            ]
        );
    }

    #[test]
    fn a_namespace_listed_twice_overlaps_itself_as_go_finds() {
        let found = check(
            switch(
                "leaf-01",
                json!({"role": "server-leaf", "profile": "vs",
                "vlanNamespaces": ["a", "a"]}),
            ),
            &[json!({"kind": "VLANNamespace", "metadata": {"name": "a"},
                     "spec": {"ranges": [{"from": 100, "to": 110}, {"from": 200, "to": 210}]}})],
        );
        assert_eq!(
            found,
            [(
                "/spec/vlanNamespaces".to_owned(),
                "VLANNamespace `a` (managed/0.yaml:1) is listed twice: its VLANs would overlap themselves; list it once".to_owned()
            )]
        );
    }

    #[test]
    fn an_unknown_profile_is_an_error_and_an_opt_in_one_only_a_warning_without_a_fab_yaml() {
        let unknown = check(
            switch(
                "leaf-01",
                json!({"role": "server-leaf", "profile": "ds4000"}),
            ),
            &[default_namespace()],
        );
        assert_eq!(pointers(&unknown), ["/spec/profile"]);
        assert!(unknown[0].1.starts_with("SwitchProfile `ds4000` does not exist: the fabric has only its built-in profiles (`celestica-ds2000`, "));
        let subject = switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "vs-clsp"}),
        );
        let guessed = check_with(
            &Context::fabricator_defaults(),
            subject.clone(),
            &[default_namespace()],
        );
        assert_eq!(guessed.len(), 1);
        assert_eq!(guessed[0].severity, Severity::Warning);
        let config = FabricConfig::fabricator_defaults();
        let given = Context {
            config: Some(&config),
            config_given: true,
            release: crate::rules::Release::NEWEST,
        };
        let refused = check_with(&given, subject, &[default_namespace()]);
        assert_eq!(
            refused
                .iter()
                .map(|v| (v.severity, v.message.as_str()))
                .collect::<Vec<_>>(),
            [(
                Severity::Error,
                "SwitchProfile `vs-clsp` is not in this fabric: its config does not set `includeSONiCCLSPlus: true`; set it, or use another profile"
            )]
        );
    }

    #[test]
    fn speeds_breakouts_auto_negotiation_fec_and_features_must_be_the_profile_s() {
        let found = check(
            switch(
                "leaf-01",
                json!({"role": "server-leaf", "profile": "dell-s5232f-on",
                "portGroupSpeeds": {"1": "25G"},
                "portSpeeds": {"E1/33": "25G", "E1/99": "25G"},
                "portBreakouts": {"E1/1": "4x25G", "E1/2": "3x33G", "E1/33": "4x25G"},
                "portAutoNegs": {"E1/1/1": true},
                "portFECs": {"E1/1": "rs", "E1/1/2": "rs"},
                "ecmp": {"roceQPN": true}, "roce": true}),
            ),
            &[default_namespace()],
        );
        assert_eq!(
            pointers(&found),
            [
                "/spec/portGroupSpeeds/1",
                "/spec/portSpeeds/E1~133",
                "/spec/portSpeeds/E1~199",
                "/spec/portBreakouts/E1~12",
                "/spec/portBreakouts/E1~133",
                "/spec/portAutoNegs/E1~11~11",
                "/spec/portFECs/E1~11",
                "/spec/ecmp/roceQPN",
            ]
        );
        assert_eq!(
            found[3].1,
            "port `E1/2` of SwitchProfile `dell-s5232f-on` does not support breakout `3x33G`: it supports `1x100G`, `1x10G`, `1x25G`, `1x40G`, `1x50G`, `2x50G`, `4x10G`, `4x25G`"
        );
    }

    #[test]
    fn breakouts_that_overfill_a_pipeline_name_its_ports() {
        let mut breakouts = serde_json::Map::new();
        for port in ["E1/1", "E1/2"] {
            breakouts.insert(port.to_owned(), "8x25G".into());
        }
        let spec = |breakouts: &serde_json::Map<String, Value>| json!({"role": "server-leaf", "profile": "celestica-ds4000", "portBreakouts": breakouts});
        assert_eq!(
            check(switch("leaf-01", spec(&breakouts)), &[default_namespace()]),
            []
        );
        breakouts.insert("E1/3".to_owned(), "8x25G".into());
        assert_eq!(
            check(switch("leaf-01", spec(&breakouts)), &[default_namespace()]),
            [(
                "/spec/portBreakouts".to_owned(),
                "pipeline `1` of SwitchProfile `celestica-ds4000` (ports E1/1, E1/2, E1/3, E1/4) has 25 ports with the switch's breakouts, over its limit of 18: break out fewer of those ports".to_owned()
            )]
        );
    }

    #[test]
    fn eslag_needs_the_profile_feature() {
        let found = check(
            switch(
                "leaf-01",
                json!({"role": "server-leaf", "profile": "celestica-ds4000",
                "redundancy": {"group": "g", "type": "eslag"}}),
            ),
            &[
                default_namespace(),
                json!({"kind": "SwitchGroup", "metadata": {"name": "g"}, "spec": {}}),
            ],
        );
        assert_eq!(pointers(&found), ["/spec/redundancy/type"]);
    }

    fn hydrated(asn: u32, ip: &str, protocol: &str, vtep: &str) -> Value {
        json!({"role": "server-leaf", "profile": "vs", "asn": asn, "ip": ip, "protocolIP": protocol, "vtepIP": vtep})
    }

    #[test]
    fn hydrated_values_taken_by_another_switch_name_it_and_where_it_is() {
        let found = check(
            switch(
                "leaf-01",
                hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32"),
            ),
            &[
                default_namespace(),
                switch(
                    "leaf-02",
                    hydrated(65101, "172.30.0.8/24", "172.30.8.2/32", "172.30.12.0/32"),
                ),
            ],
        );
        assert_eq!(
            found,
            [
                ("/spec/ip".to_owned(), "management IP `172.30.0.8` is already used by Switch `leaf-02` (managed/1.yaml:1): give each switch its own".to_owned()),
                ("/spec/protocolIP".to_owned(), "protocol IP `172.30.8.2/32` is already used by Switch `leaf-02` (managed/1.yaml:1): give each switch and gateway its own".to_owned()),
                ("/spec/asn".to_owned(), "leaf ASN `65101` is already used by leaf `leaf-02` (managed/1.yaml:1): give each leaf its own".to_owned()),
                ("/spec/vtepIP".to_owned(), "VTEP IP `172.30.12.0/32` is already used by Switch `leaf-02` (managed/1.yaml:1): give each leaf and gateway its own".to_owned()),
            ]
        );
    }

    #[test]
    fn hydrated_values_taken_by_another_switch_involve_it() {
        let involved: Vec<_> = cross_with(
            &Context::fabricator_defaults(),
            switch(
                "leaf-01",
                hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32"),
            ),
            &[
                default_namespace(),
                switch(
                    "leaf-02",
                    hydrated(65101, "172.30.0.8/24", "172.30.8.2/32", "172.30.12.0/32"),
                ),
            ],
        )
        .iter()
        .map(CrossViolation::involved_described)
        .collect();
        let leaf_02 = vec!["Switch `leaf-02` (managed/1.yaml:1)".to_owned()];
        assert_eq!(
            involved,
            ["/spec/ip", "/spec/protocolIP", "/spec/asn", "/spec/vtepIP"]
                .map(|pointer| (pointer.to_owned(), leaf_02.clone()))
        );
    }
    #[test]
    fn gateways_count_only_in_a_fabric_with_gateways_and_mclag_leaves_share_asn_and_vtep() {
        let gateway = json!({"kind": "Gateway", "metadata": {"name": "gw-1"}, "spec": {"protocolIP": "172.30.8.2/32", "vtepIP": "172.30.12.9/32"}});
        let subject = switch(
            "leaf-01",
            hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32"),
        );
        assert_eq!(
            check(subject.clone(), &[default_namespace(), gateway.clone()]),
            []
        );
        let mut config = FabricConfig::fabricator_defaults();
        config.enable_gateway = true;
        let ctx = Context {
            config: Some(&config),
            config_given: true,
            release: crate::rules::Release::NEWEST,
        };
        let found = check_with(&ctx, subject, &[default_namespace(), gateway]);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("Gateway `gw-1` (managed/1.yaml:1)"),
            "{}",
            found[0].message
        );

        let mut peer = hydrated(65101, "172.30.0.9/21", "172.30.8.3/32", "172.30.12.0/32");
        peer["redundancy"] = json!({"group": "m", "type": "mclag"});
        let mut mclag = hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32");
        mclag["redundancy"] = json!({"group": "m", "type": "mclag"});
        let group = json!({"kind": "SwitchGroup", "metadata": {"name": "m"}, "spec": {}});
        assert_eq!(
            check(
                switch("leaf-01", mclag),
                &[default_namespace(), group, switch("leaf-02", peer)]
            ),
            []
        );
    }

    #[test]
    fn breakouts_are_immutable_while_roce_is_on() {
        let findings = |old: Value, new: Value| -> Vec<String> {
            update_findings(old, new)
                .into_iter()
                .map(|(pointer, _, _)| pointer)
                .collect()
        };
        let old = json!({"role": "server-leaf", "profile": "dell-s5232f-on", "roce": true});
        let new = json!({"role": "server-leaf", "profile": "dell-s5232f-on", "roce": true,
            "portBreakouts": {"E1/1": "4x25G"}});
        assert_eq!(findings(old.clone(), new.clone()), ["/spec/portBreakouts"]);
        assert_eq!(findings(old.clone(), old), Vec::<String>::new());
        let mut without_roce = new.clone();
        without_roce["roce"] = false.into();
        let mut old_without_roce = json!({"role": "server-leaf", "profile": "dell-s5232f-on"});
        assert_eq!(
            findings(old_without_roce.clone(), without_roce),
            Vec::<String>::new()
        );
        old_without_roce["roce"] = false.into();
        assert_eq!(findings(old_without_roce, new), ["/spec/portBreakouts"]);
    }

    /// The findings of a raw update of `leaf-01` from the managed `old` to `new` (specs).
    fn update_findings(old: Value, new: Value) -> Vec<(String, Severity, String)> {
        let ctx = Context::fabricator_defaults();
        let typed = |spec: Value| -> Typed {
            admit_typed("Switch", &switch("leaf-01", spec), &ctx)
                .1
                .unwrap()
        };
        let namespace = admit_typed("VLANNamespace", &default_namespace(), &ctx)
            .1
            .unwrap();
        let members = [
            Member {
                object: namespace,
                origin: Origin {
                    path: "managed/ns.yaml".into(),
                    line: 1,
                },
                previous: None,
            },
            Member {
                object: typed(new),
                origin: Origin {
                    path: "raw/s.yaml".into(),
                    line: 1,
                },
                previous: Some(typed(old)),
            },
        ];
        let state = FabricState::build(members, [], ctx.config, References::Strict);
        let mut out = Violations::default();
        validate(
            &state.switches.get("leaf-01").unwrap().object,
            &state,
            &ctx,
            &mut out,
        );
        out.into_vec()
            .into_iter()
            .map(|v| (v.pointer, v.severity, v.message))
            .collect()
    }

    #[test]
    fn an_update_that_drops_the_managed_switch_s_hydrated_values_is_an_error() {
        let managed = hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32");
        let unhydrated = json!({"role": "server-leaf", "profile": "vs"});
        assert_eq!(
            update_findings(managed.clone(), unhydrated),
            [(
                "/spec".to_owned(),
                Severity::Error,
                "this update drops `asn`, `ip`, `protocolIP` and `vtepIP`, which the managed Switch has (managed/switches/leaf-01.yaml): hhfab fills them only in wiring it applies itself, nothing fills them between Git and the fabric, and the fabric requires them; copy them from managed/switches/leaf-01.yaml".to_owned()
            )]
        );
        let mut without_ip = managed.clone();
        without_ip.as_object_mut().unwrap().remove("ip");
        assert_eq!(
            update_findings(managed.clone(), without_ip),
            [(
                "/spec".to_owned(),
                Severity::Error,
                "this update drops `ip`, which the managed Switch has (managed/switches/leaf-01.yaml): hhfab fills it only in wiring it applies itself, nothing fills it between Git and the fabric, and the fabric requires it; copy it from managed/switches/leaf-01.yaml".to_owned()
            )]
        );
        // `asn: 0` is Go's unset.
        let mut asn_zero = managed.clone();
        asn_zero["asn"] = 0.into();
        assert!(
            update_findings(managed.clone(), asn_zero)[0]
                .2
                .starts_with("this update drops `asn`, which")
        );
        assert_eq!(update_findings(managed.clone(), managed), []);
    }

    #[test]
    fn a_switch_never_held_hydrated_may_stay_unhydrated() {
        let unhydrated = json!({"role": "server-leaf", "profile": "vs"});
        let mut edited = unhydrated.clone();
        edited["groups"] = json!([]);
        assert_eq!(update_findings(unhydrated, edited), []);
        // A managed copy with some values: only those are kept.
        let partly = json!({"role": "server-leaf", "profile": "vs", "asn": 65101});
        let unhydrated = json!({"role": "server-leaf", "profile": "vs"});
        assert_eq!(
            update_findings(partly, unhydrated)
                .into_iter()
                .map(|(_, _, message)| message)
                .collect::<Vec<_>>(),
            [
                "this update drops `asn`, which the managed Switch has (managed/switches/leaf-01.yaml): hhfab fills it only in wiring it applies itself, nothing fills it between Git and the fabric, and the fabric requires it; copy it from managed/switches/leaf-01.yaml"
            ]
        );
    }

    #[test]
    fn a_leaf_that_becomes_a_spine_drops_its_vtep_ip_rightly() {
        let leaf = hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32");
        let mut spine = leaf.clone();
        spine["role"] = "spine".into();
        spine.as_object_mut().unwrap().remove("vtepIP");
        assert_eq!(update_findings(leaf.clone(), spine), []);
        let mut leaf_without_vtep = leaf.clone();
        leaf_without_vtep.as_object_mut().unwrap().remove("vtepIP");
        assert!(
            update_findings(leaf, leaf_without_vtep)[0]
                .2
                .starts_with("this update drops `vtepIP`, which")
        );
    }
}
