//! The cross-object part of VPCAttachment `Validate()` (`vpcattachment_types.go:192-297`):
//! the attachment against its VPC, its Connection, the Connection's switches and their
//! SwitchProfiles, and the other attachments of the Connection. The update webhook
//! (`pkg/ctrl/vpcattachment_wh.go`) runs the same `Validate()` and adds nothing.
//!
//! Go stops at its first error; here every independent problem is reported, and a check
//! that needs an object the state lacks is skipped (the lookup already said why).

use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::connection::{Object as Connection, mclag_validated};
use crate::rules::state::profiles::{self, Absent};
use crate::rules::state::{Entry, FabricState};
use crate::rules::switch::Object as Switch;
use crate::rules::vpc::{Object as Vpc, Subnet};
use crate::rules::{Context, Release, Violations};

use super::Object;
use super::wiring::{connection_type_at, server_switches};
use crate::rules::backticked;

/// The `type` of a Switch's redundancy group that makes it an MCLAG peer
/// (`meta.RedundancyTypeMCLAG`).
const MCLAG: &str = "mclag";

/// The VPC an attachment names, once found, and its subnet if the VPC has it: the rules
/// about the VPC's mode and VLANNamespace still apply when the subnet is missing.
struct Target<'s> {
    vpc: &'s Entry<Vpc>,
    subnet_name: &'s str,
    subnet: Option<&'s Subnet>,
}

impl Target<'_> {
    /// Whether the subnet is found and is a hostBGP one.
    fn host_bgp(&self) -> bool {
        self.subnet.is_some_and(|subnet| subnet.host_bgp)
    }
}

/// The cross-object part of `Validate()` (`:192-297`).
pub fn validate_cross(
    attachment: &Object,
    state: &FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    let spec = &attachment.spec;
    // The stand-alone part reported a missing or malformed subnet or connection.
    let (Some(full_subnet), Some(connection_name)) = (&spec.subnet, &spec.connection) else {
        return;
    };
    let Some((vpc_name, subnet_name)) = full_subnet.split_once('/') else {
        return;
    };
    if vpc_name.is_empty() || connection_name.is_empty() {
        return;
    }
    let target = find_subnet(state, vpc_name, subnet_name, out);
    let connection = state.lookup(
        &state.connections,
        Kind::Connection,
        connection_name,
        "/spec/connection",
        "the check of the connection's type and switches",
        out,
    );
    if let Some(connection) = connection {
        check_connection(
            full_subnet,
            connection_name,
            connection,
            target.as_ref(),
            state,
            ctx,
            out,
        );
        // From 26.03 (fabric v0.129.1 vpcattachment_types.go:218-224): a hostBGP subnet
        // goes tagged; its VLAN is chosen in the VPC instead.
        if ctx.release >= Release::V26_03
            && spec.native_vlan
            && connection.object.spec.unbundled.is_some()
            && target.as_ref().is_some_and(Target::host_bgp)
        {
            out.error(
                "/spec/nativeVLAN",
                format!(
                    "subnet `{full_subnet}` is a hostBGP subnet, which cannot be attached with `nativeVLAN: true`: remove it, and use `vlan: 0` in the VPC subnet instead"
                ),
            );
            out.rule_of_last(rules::VPCATTACHMENT_HOST_BGP);
        }
    }
    check_unique(attachment, connection_name, full_subnet, state, out);
}

/// `:193-204`: the VPC exists and has the subnet; `None` when the VPC is missing.
fn find_subnet<'s>(
    state: &'s FabricState,
    vpc_name: &str,
    subnet_name: &'s str,
    out: &mut Violations,
) -> Option<Target<'s>> {
    let vpc = state.lookup(
        &state.vpcs,
        Kind::Vpc,
        vpc_name,
        "/spec/subnet",
        "the check against the VPC and its subnet",
        out,
    )?;
    let subnets = vpc.object.spec.subnets.as_ref();
    let subnet = subnets.and_then(|subnets| subnets.get(subnet_name));
    let target = Target {
        vpc,
        subnet_name,
        subnet,
    };
    if subnet.is_some() {
        return Some(target);
    }
    let known = backticked(subnets.into_iter().flat_map(|subnets| subnets.keys()));
    let has = if known.is_empty() {
        "it has no subnets".to_owned()
    } else {
        format!("its subnets: {known}")
    };
    out.error(
        "/spec/subnet",
        format!(
            "VPC `{vpc_name}` ({}) has no subnet `{subnet_name}` ({has}): attach one of its subnets, or add `{subnet_name}` to the VPC",
            vpc.origin
        ),
    );
    out.rule_of_last(rules::VPCATTACHMENT_SUBNET_MISSING);
    out.involving_last(Kind::Vpc, vpc_name, &vpc.origin);
    Some(target)
}

/// `:215-273`: the Connection is a server connection whose switches can carry the subnet.
fn check_connection(
    full_subnet: &str,
    name: &str,
    connection: &Entry<Connection>,
    target: Option<&Target>,
    state: &FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    let spec = &connection.object.spec;
    let kind = connection_type_at(spec, ctx.release);
    // Up to 26.02 an MCLAG connection carries VPCs too (fabric v0.120.3
    // vpcattachment_types.go:218-225).
    let (allowed, listed) = if mclag_validated(ctx.release) {
        (
            &["unbundled", "bundled", "mclag", "eslag"][..],
            "`unbundled`, `bundled`, `mclag` or `eslag`",
        )
    } else {
        (
            &["unbundled", "bundled", "eslag"][..],
            "`unbundled`, `bundled` or `eslag`",
        )
    };
    if !allowed.contains(&kind) {
        // `:223-230`; the hostBGP and ESLAG rules (`:215-220`) concern server connections
        // only, so a wrong type is the one finding.
        out.error(
            "/spec/connection",
            format!(
                "Connection `{name}` ({}) has type `{kind}`: a VPC subnet attaches only to a server connection ({listed})",
                connection.origin
            ),
        );
        out.rule_of_last(rules::VPCATTACHMENT_CONNECTION_TYPE);
        out.involving_last(Kind::Connection, name, &connection.origin);
        return;
    }
    if let Some(target) = target {
        let vpc = &target.vpc.object;
        // `:215-217`
        if spec.eslag.is_some() && !vpc.spec.mode.is_empty() {
            out.error(
                "/spec/connection",
                format!(
                    "Connection `{name}` ({}) is an ESLAG connection, which carries only l2vni VPCs, and VPC `{}` ({}) has mode `{}`: attach the subnet to an unbundled or bundled connection, or use an l2vni VPC",
                    connection.origin, vpc.metadata.name, target.vpc.origin, vpc.spec.mode
                ),
            );
            out.rule_of_last(rules::VPCATTACHMENT_MODE_UNSUPPORTED);
            out.involving_last(Kind::Connection, name, &connection.origin);
            out.involving_last(Kind::Vpc, &vpc.metadata.name, &target.vpc.origin);
        }
        // `:218-220`
        if target.host_bgp() && spec.unbundled.is_none() {
            out.error(
                "/spec/subnet",
                format!(
                    "subnet `{full_subnet}` ({}) is a hostBGP subnet, which attaches only to an unbundled connection, and Connection `{name}` ({}) has type `{kind}`: attach it to an unbundled connection",
                    target.vpc.origin, connection.origin
                ),
            );
            out.rule_of_last(rules::VPCATTACHMENT_HOST_BGP);
            out.involving_last(Kind::Vpc, &vpc.metadata.name, &target.vpc.origin);
            out.involving_last(Kind::Connection, name, &connection.origin);
        }
    }
    let switches = server_switches(spec, ctx.release);
    if switches.is_empty() {
        // `:232-234`
        out.error(
            "/spec/connection",
            format!(
                "Connection `{name}` ({}) has no switch port (`<switch>/<port>`): fix its links",
                connection.origin
            ),
        );
        out.rule_of_last(rules::VPCATTACHMENT_CONNECTION_TYPE);
        out.involving_last(Kind::Connection, name, &connection.origin);
    }
    for switch_name in switches {
        let Some(switch) = state.lookup(
            &state.switches,
            Kind::Switch,
            switch_name,
            "/spec/connection",
            "the check of the switch's VLANNamespaces and SwitchProfile",
            out,
        ) else {
            continue;
        };
        let profile = switch_profile(name, switch, state, ctx, out);
        if let Some(target) = target {
            check_switch(name, switch, profile, target, out);
        }
    }
}

/// `:250-257`: the SwitchProfile of `switch`, a switch of the Connection named
/// `connection`. When the fabric does not have it, the fabric refuses the attachment
/// ("switch profile … used in switch … not found"): an error here, besides the Switch's
/// own finding, unless the profile is an opt-in one and no fab.yaml says whether the
/// fabric includes it. A switch without a profile is only the Switch's finding. Go looks
/// the profile up only once the VPC is found; its absence is reported whatever the VPC.
fn switch_profile<'s>(
    connection: &str,
    switch: &Entry<Switch>,
    state: &'s FabricState,
    ctx: &Context,
    out: &mut Violations,
) -> Option<&'s Entry<profiles::Object>> {
    let (sw, name) = (&switch.object, switch.object.spec.profile.as_str());
    if name.is_empty() {
        return None;
    }
    if let Some(profile) = state.switch_profiles.get(name) {
        return Some(profile);
    }
    if let Some(refusal) = Absent::of(name, ctx).refusal("this attachment") {
        out.error(
            "/spec/connection",
            format!(
                "Switch `{}` ({}) of Connection `{connection}` has SwitchProfile `{name}`, {refusal}",
                sw.metadata.name, switch.origin
            ),
        );
        out.rule_of_last(rules::SWITCH_PROFILE_MISSING);
        out.involving_last(Kind::Switch, &sw.metadata.name, &switch.origin);
    }
    None
}

/// `:236-273`, for one switch of the Connection named `connection`, with its SwitchProfile
/// when the fabric has it.
fn check_switch(
    connection: &str,
    switch: &Entry<Switch>,
    profile: Option<&Entry<profiles::Object>>,
    target: &Target,
    out: &mut Violations,
) {
    let (vpc, sw) = (&target.vpc.object, &switch.object);
    let (vpc_name, switch_name) = (&vpc.metadata.name, &sw.metadata.name);
    let namespace = &vpc.spec.vlan_namespace;
    // `:243-245`
    if !sw.spec.vlan_namespaces.contains(namespace) {
        let listed = backticked(&sw.spec.vlan_namespaces);
        let listed = if listed.is_empty() {
            "it lists none".to_owned()
        } else {
            format!("it lists {listed}")
        };
        out.error(
            "/spec/connection",
            format!(
                "Switch `{switch_name}` ({}) of Connection `{connection}` does not have VLANNamespace `{namespace}` of VPC `{vpc_name}` ({}) in its `vlanNamespaces` ({listed}): add it to the switch, or attach a VPC of one of its namespaces",
                switch.origin, target.vpc.origin
            ),
        );
        out.rule_of_last(rules::VPCATTACHMENT_SWITCH_VLAN_NAMESPACE);
        out.involving_last(Kind::Switch, switch_name, &switch.origin);
        out.involving_last(Kind::Vpc, vpc_name, &target.vpc.origin);
    }
    if let Some(profile) = profile {
        check_mode(connection, switch, profile, target, out);
    }
    // `:271-273`
    let redundancy = &sw.spec.redundancy;
    if target.host_bgp() && !redundancy.group.is_empty() && redundancy.kind == MCLAG {
        out.error(
            "/spec/subnet",
            format!(
                "subnet `{vpc_name}/{}` is a hostBGP subnet, and Switch `{switch_name}` ({}) of Connection `{connection}` is an MCLAG peer (redundancy group `{}`): attach hostBGP subnets only to switches without MCLAG",
                target.subnet_name, switch.origin, redundancy.group
            ),
        );
        out.rule_of_last(rules::VPCATTACHMENT_HOST_BGP);
        out.involving_last(Kind::Switch, switch_name, &switch.origin);
        out.involving_last(Kind::Vpc, vpc_name, &target.vpc.origin);
    }
}

/// `:258-269`: the switch's SwitchProfile `profile` supports the VPC's mode.
fn check_mode(
    connection: &str,
    switch: &Entry<Switch>,
    profile: &Entry<profiles::Object>,
    target: &Target,
    out: &mut Violations,
) {
    let (vpc, sw) = (&target.vpc.object, &switch.object);
    let profile_name = sw.spec.profile.as_str();
    let features = &profile.object.spec.features;
    let (mode, needs, supported) = match vpc.spec.mode.as_str() {
        "" => ("l2vni", "L2VNI and L3VNI", features.l2vni && features.l3vni),
        "l3vni" => ("l3vni", "L3VNI", features.l3vni),
        "l3flat" => ("l3flat", "L3VNI", features.l3vni),
        // An unknown mode is the VPC's own finding.
        _ => return,
    };
    if !supported {
        out.error(
            "/spec/connection",
            format!(
                "VPC `{}` ({}) has mode `{mode}`, which needs the {needs} features, and Switch `{}` ({}) of Connection `{connection}` has SwitchProfile `{profile_name}` ({}) without them: attach the subnet to a connection on other switches, or change the VPC's mode",
                vpc.metadata.name, target.vpc.origin, sw.metadata.name, switch.origin, profile.origin
            ),
        );
        out.rule_of_last(rules::VPCATTACHMENT_MODE_UNSUPPORTED);
        out.involving_last(Kind::Vpc, &vpc.metadata.name, &target.vpc.origin);
        out.involving_last(Kind::Switch, &sw.metadata.name, &switch.origin);
        out.involving_last(Kind::SwitchProfile, profile_name, &profile.origin);
    }
}

/// `:276-296`: the Connection is attached to the subnet once, and to at most one subnet
/// with `nativeVLAN`.
fn check_unique(
    attachment: &Object,
    connection: &str,
    full_subnet: &str,
    state: &FabricState,
    out: &mut Violations,
) {
    let index = &state.attachment_index;
    let origin_of = |name: &str| {
        state
            .vpc_attachments
            .get(name)
            .map(|entry| entry.origin.to_string())
            .unwrap_or_default()
    };
    let involve = |name: &str, out: &mut Violations| {
        if let Some(entry) = state.vpc_attachments.get(name) {
            out.involving_last(Kind::VpcAttachment, name, &entry.origin);
        }
    };
    if let Some(other) = index.same_subnet(attachment) {
        out.error(
            "/spec/subnet",
            format!(
                "Connection `{connection}` is already attached to subnet `{full_subnet}` by VPCAttachment `{other}` ({}): keep one of the two",
                origin_of(other)
            ),
        );
        out.rule_of_last(rules::VPCATTACHMENT_DUPLICATE);
        involve(other, out);
    }
    if attachment.spec.native_vlan
        && let Some(other) = index.native_vlan(connection, &attachment.metadata.name)
    {
        out.error(
            "/spec/nativeVLAN",
            format!(
                "Connection `{connection}` already carries a native VLAN, for VPCAttachment `{other}` ({}): at most one attachment per connection may set `nativeVLAN: true`",
                origin_of(other)
            ),
        );
        out.rule_of_last(rules::VPCATTACHMENT_NATIVE_VLAN_IN_USE);
        involve(other, out);
    }
}

#[cfg(test)]
mod tests;
