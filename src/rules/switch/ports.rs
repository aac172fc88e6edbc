//! What a Switch asks of its SwitchProfile (`switch_types.go:553-715`): the port group
//! speeds, port speeds and breakouts it sets are ones the profile supports,
//! auto-negotiation and FEC only on ports that take them, the RoCE, RoCE QPN hashing,
//! ESLAG and (up to 26.02) MCLAG features it turns on are the profile's, and its breakouts keep the port count of
//! each pipeline and of the switch within the profile's limits.

use std::collections::BTreeMap;

use super::super::state::Origin;
use super::super::state::profiles::{PortProfile, SwitchProfileSpec};
use super::super::{Release, Violations, pointer_segment};
use super::SwitchSpec;
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::backticked;

/// The switch's profile, named for the messages.
pub(super) struct Profile<'a> {
    /// `spec.profile`.
    pub name: &'a str,
    /// The profile's spec.
    pub spec: &'a SwitchProfileSpec,
    /// Where the fabric state has it (built in, for every profile today).
    pub origin: &'a Origin,
}

impl Profile<'_> {
    /// Records an error at `pointer`: every finding here is the switch against its profile,
    /// so each involves the profile.
    pub(super) fn error(&self, out: &mut Violations, pointer: impl Into<String>, message: String) {
        out.error(pointer, message);
        out.rule_of_last(rules::SWITCH_PROFILE_MISMATCH);
        out.involving_last(Kind::SwitchProfile, self.name, self.origin);
    }
}

/// Every check of the switch against its profile `profile`.
pub(super) fn validate(
    spec: &SwitchSpec,
    profile: &Profile,
    release: Release,
    out: &mut Violations,
) {
    validate_group_speeds(spec, profile, out);
    validate_port_speeds(spec, profile, out);
    let breakouts_valid = validate_breakouts(spec, profile, out);
    validate_auto_negs_and_fecs(spec, profile, out);
    validate_features(spec, profile, release, out);
    // From 26.03 (fabric v0.129.1 switch_types.go:677-694); the field does not exist before.
    if release >= Release::V26_03 {
        super::port_locators::validate(spec, profile, out);
    }
    if breakouts_valid {
        validate_port_counts(spec, profile, out);
    }
}

/// The speeds of the port profile `name` (of `what`), or the finding that it has none.
fn speeds<'p>(
    profile: &'p Profile,
    port_profile: &str,
    what: &str,
    pointer: &str,
    out: &mut Violations,
) -> Option<&'p [String]> {
    match profile.spec.port_profiles.get(port_profile) {
        Some(PortProfile {
            speed: Some(speed), ..
        }) => Some(&speed.supported),
        Some(PortProfile {
            breakout: Some(_), ..
        }) => {
            profile.error(
                out,
                pointer,
                format!(
                    "{what} of SwitchProfile `{}` takes a breakout mode, not a speed: set it in `portBreakouts`",
                    profile.name
                ),
            );
            None
        }
        _ => {
            profile.error(
                out,
                pointer,
                format!(
                    "{what} of SwitchProfile `{}` has no speeds to choose from (its port profile `{port_profile}` gives none)",
                    profile.name
                ),
            );
            None
        }
    }
}

/// `:553-571`.
fn validate_group_speeds(spec: &SwitchSpec, profile: &Profile, out: &mut Violations) {
    for (group, speed) in &spec.port_group_speeds {
        let pointer = format!("/spec/portGroupSpeeds/{}", pointer_segment(group));
        let Some(port_group) = profile.spec.port_groups.get(group) else {
            profile.error(
                out,
                pointer,
                format!(
                    "port group `{group}` is not in SwitchProfile `{}`: its port groups are {}",
                    profile.name,
                    if profile.spec.port_groups.is_empty() {
                        "none".to_owned()
                    } else {
                        backticked(profile.spec.port_groups.keys())
                    }
                ),
            );
            continue;
        };
        let what = format!("port group `{group}`");
        if let Some(supported) = speeds(profile, &port_group.profile, &what, &pointer, out)
            && !supported.contains(speed)
        {
            profile.error(
                out,
                pointer,
                format!(
                    "port group `{group}` of SwitchProfile `{}` does not support speed `{speed}`: it supports {}",
                    profile.name,
                    backticked(supported)
                ),
            );
        }
    }
}

/// The finding for a port the profile does not have.
fn unknown_port(port: &str, profile: &Profile, pointer: String, out: &mut Violations) {
    profile.error(
        out,
        pointer,
        format!(
            "port `{port}` is not in SwitchProfile `{}`: use a port of its `ports` (e.g. `E1/1`)",
            profile.name
        ),
    );
}

/// `:573-591`. A port in a group has no profile of its own, so it cannot take a speed.
fn validate_port_speeds(spec: &SwitchSpec, profile: &Profile, out: &mut Violations) {
    for (port, speed) in &spec.port_speeds {
        let pointer = format!("/spec/portSpeeds/{}", pointer_segment(port));
        let Some(profile_port) = profile.spec.ports.get(port) else {
            unknown_port(port, profile, pointer, out);
            continue;
        };
        if !profile_port.group.is_empty() {
            profile.error(
                out,
                pointer,
                format!(
                    "port `{port}` of SwitchProfile `{}` is in port group `{}`: set the group's speed in `portGroupSpeeds`",
                    profile.name, profile_port.group
                ),
            );
            continue;
        }
        let what = format!("port `{port}`");
        if let Some(supported) = speeds(profile, &profile_port.profile, &what, &pointer, out)
            && !supported.contains(speed)
        {
            profile.error(
                out,
                pointer,
                format!(
                    "port `{port}` of SwitchProfile `{}` does not support speed `{speed}`: it supports {}",
                    profile.name,
                    backticked(supported)
                ),
            );
        }
    }
}

/// `:593-611`; returns whether every breakout is one the profile supports.
fn validate_breakouts(spec: &SwitchSpec, profile: &Profile, out: &mut Violations) -> bool {
    let mut valid = true;
    for (port, mode) in &spec.port_breakouts {
        let pointer = format!("/spec/portBreakouts/{}", pointer_segment(port));
        let Some(profile_port) = profile.spec.ports.get(port) else {
            unknown_port(port, profile, pointer, out);
            valid = false;
            continue;
        };
        let breakout = profile
            .spec
            .port_profile(profile_port)
            .and_then(|p| p.breakout.as_ref());
        let Some(breakout) = breakout else {
            profile.error(
                out,
                pointer,
                format!(
                    "port `{port}` of SwitchProfile `{}` cannot be broken out: remove it from `portBreakouts` (set its speed in `portSpeeds` or `portGroupSpeeds`)",
                    profile.name
                ),
            );
            valid = false;
            continue;
        };
        if !breakout.supported.contains_key(mode) {
            profile.error(
                out,
                pointer,
                format!(
                    "port `{port}` of SwitchProfile `{}` does not support breakout `{mode}`: it supports {}",
                    profile.name,
                    backticked(breakout.supported.keys())
                ),
            );
            valid = false;
        }
    }
    valid
}

/// `:613-634`, against the ports as the switch's breakouts make them.
fn validate_auto_negs_and_fecs(spec: &SwitchSpec, profile: &Profile, out: &mut Violations) {
    for port in spec.port_auto_negs.keys() {
        if !profile.spec.auto_neg_allowed(port, &spec.port_breakouts) {
            profile.error(
                out,
                format!("/spec/portAutoNegs/{}", pointer_segment(port)),
                format!(
                    "port `{port}` of SwitchProfile `{}` does not support configuring auto-negotiation (with this switch's breakouts): remove it from `portAutoNegs`",
                    profile.name
                ),
            );
        }
    }
    for port in spec.port_fecs.keys() {
        if !profile.spec.fec_configurable(port, &spec.port_breakouts) {
            profile.error(
                out,
                format!("/spec/portFECs/{}", pointer_segment(port)),
                format!(
                    "port `{port}` of SwitchProfile `{}` does not support configuring FEC (a broken-out port is configured per lane, e.g. `E1/53/1`)",
                    profile.name
                ),
            );
        }
    }
}

/// `:636-653`; MCLAG's up to 26.02 (fabric v0.120.3 switch_types.go:581-584; from 26.03
/// a warning only, `Switch`'s own).
fn validate_features(spec: &SwitchSpec, profile: &Profile, release: Release, out: &mut Violations) {
    let features = &profile.spec.features;
    let mclag = crate::rules::connection::mclag_validated(release);
    let wanted = [
        (spec.roce && !features.roce, "/spec/roce", "RoCEv2 (`roce`)"),
        (
            spec.ecmp.roce_qpn && !features.ecmp_roce_qpn,
            "/spec/ecmp/roceQPN",
            "ECMP RoCE QPN hashing (`ecmp.roceQPN`)",
        ),
        (
            spec.redundancy.kind == "eslag" && !features.eslag,
            "/spec/redundancy/type",
            "ESLAG (`redundancy.type: eslag`)",
        ),
        (
            mclag && spec.redundancy.kind == "mclag" && !features.mclag,
            "/spec/redundancy/type",
            "MCLAG (`redundancy.type: mclag`)",
        ),
    ];
    for (missing, pointer, feature) in wanted {
        if missing {
            profile.error(
                out,
                pointer,
                format!(
                    "{feature} is not supported by SwitchProfile `{}`: turn it off, or use a profile that supports it",
                    profile.name
                ),
            );
        }
    }
}

/// `:655-715`: each data port counts 1, a breakout port as many as its mode has lanes;
/// the total stays within the profile's `maxPorts` and each pipeline's count within its
/// own. Called only when every breakout the switch sets is supported.
fn validate_port_counts(spec: &SwitchSpec, profile: &Profile, out: &mut Violations) {
    let mut total: u32 = 0;
    let mut pipelines: BTreeMap<&str, (u32, Vec<&str>)> = BTreeMap::new();
    for (name, port) in &profile.spec.ports {
        if port.management {
            continue;
        }
        let lanes = match profile
            .spec
            .active_breakout(name, port, &spec.port_breakouts)
        {
            // A profile whose default mode it does not support: the profile's defect,
            // not the switch's, and the fabric refuses to register such a profile.
            Some(active) => match active.lanes {
                Some(mode) => u32::try_from(mode.offsets.len()).unwrap_or(u32::MAX),
                None => return,
            },
            None => 1,
        };
        total += lanes;
        if !port.pipeline.is_empty() {
            let pipeline = pipelines.entry(port.pipeline.as_str()).or_default();
            pipeline.0 += lanes;
            pipeline.1.push(name);
        }
    }
    let pointer = if spec.port_breakouts.is_empty() {
        "/spec/profile"
    } else {
        "/spec/portBreakouts"
    };
    let max = u32::from(profile.spec.max_ports);
    if max > 0 && total > max {
        profile.error(
                out,
            pointer,
            format!(
                "the switch has {total} ports with its breakouts, over the {max} SwitchProfile `{}` allows (`maxPorts`): break out fewer ports",
                profile.name
            ),
        );
    }
    for (pipeline, (count, ports)) in pipelines {
        let Some(limit) = profile.spec.pipelines.get(pipeline) else {
            continue;
        };
        let limit = u32::from(limit.max_ports);
        if count > limit {
            profile.error(
                out,
                pointer,
                format!(
                    "pipeline `{pipeline}` of SwitchProfile `{}` (ports {}) has {count} ports with the switch's breakouts, over its limit of {limit}: break out fewer of those ports",
                    profile.name,
                    ports.join(", ")
                ),
            );
        }
    }
}
