//! VPCPeering (`api/vpc/v1beta1/vpcpeering_types.go` at 78827deb): the stand-alone part
//! of `Validate()` (`:155-177`): peering must be on in the fabric, no deprecated `remote`,
//! and the permit entries name exactly two VPCs. `Default()` (`:135-153`) only sets
//! labels, which no rule reads.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{Context, Resource, Violations};

/// A VPCPeering as the rules read it.
pub type Object = Resource<VpcPeeringSpec>;

/// `VPCPeeringSpec`, the fields `Validate()` reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VpcPeeringSpec {
    /// `remote`: deprecated, rejected when set.
    pub remote: String,
    /// `permit`: each entry maps the two VPCs' names to the subnets they expose (not read
    /// here: whether they exist is cross-object). `None` when absent.
    pub permit: Option<Vec<BTreeMap<String, IgnoredAny>>>,
}

/// `Default()`: labels only.
pub fn default(_peering: &mut Object) {}

/// The stand-alone part of `Validate()` (`:160-177`).
pub fn validate(peering: &Object, ctx: &Context, out: &mut Violations) {
    let spec = &peering.spec;
    if ctx.config.is_some_and(|c| c.vpc_peering_disabled) {
        out.error(
            "/kind",
            "VPC peering is turned off in this fabric (`vpcPeeringDisabled: true` in its config): the fabric refuses every VPCPeering",
        );
    }
    if !spec.remote.is_empty() {
        out.error(
            "/spec/remote",
            format!(
                "`remote: {}` is deprecated and no longer supported by the fabric: remove it",
                spec.remote
            ),
        );
    }
    check_two_vpcs(spec, out);

    // cross-object (issue 8): `:189-218` both VPCs exist and share their IPv4Namespace and
    // VLANNamespace; `:240-255` every listed subnet exists in its VPC.
}

/// `VPCs()` (`:112-133`) and `:173-177`: every permit entry names two VPCs, and all entries
/// together name the same two.
fn check_two_vpcs(spec: &VpcPeeringSpec, out: &mut Violations) {
    let entries = spec.permit.as_deref().unwrap_or_default();
    let mut all_pairs = true;
    for (i, entry) in entries.iter().enumerate() {
        if entry.len() != 2 {
            all_pairs = false;
            // The API server drops a VPC written with no value (`vpc-1:`, a null) before
            // the fabric sees it, which is the usual way to end up with fewer than two.
            let null_hint = if entry.len() < 2 {
                " (a VPC written with no value, `vpc-1:`, is dropped by the API server as a null: write `vpc-1: {}`)"
            } else {
                ""
            };
            out.error(
                format!("/spec/permit/{i}"),
                format!(
                    "permit entry #{i} names {} VPC(s){}: each entry names exactly the two peered VPCs{null_hint}",
                    entry.len(),
                    quoted_list(entry.keys()),
                ),
            );
        }
    }
    if !all_pairs {
        return;
    }
    let vpcs: BTreeSet<&String> = entries.iter().flat_map(BTreeMap::keys).collect();
    if vpcs.is_empty() {
        out.error(
            if spec.permit.is_some() { "/spec/permit" } else { "/spec" },
            "a VPCPeering needs `permit` with an entry naming its two VPCs, such as `vpc-1: {}` and `vpc-2: {}`",
        );
    } else if vpcs.len() != 2 {
        out.error(
            "/spec/permit",
            format!(
                "the permit entries name {} different VPCs{}: a VPCPeering joins exactly two VPCs, and every entry names both",
                vpcs.len(),
                quoted_list(vpcs.into_iter()),
            ),
        );
    }
}

/// ` (`a`, `b`)`, or nothing for no names.
fn quoted_list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    }
}

/// The cross-object part of `Validate()`: none yet for this kind.
pub fn validate_cross(
    _object: &Object,
    _state: &super::state::FabricState,
    _ctx: &Context,
    _out: &mut Violations,
) {
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::config::FabricConfig;
    use serde_json::json;

    fn violations(spec: serde_json::Value, ctx: &Context) -> Vec<(String, String)> {
        let mut peering: Object = serde_json::from_value(json!({"spec": spec})).unwrap();
        default(&mut peering);
        let mut out = Violations::default();
        validate(&peering, ctx, &mut out);
        out.into_vec()
            .into_iter()
            .map(|v| (v.pointer, v.message))
            .collect()
    }

    #[test]
    fn a_third_vpc_across_entries_is_one_finding_naming_all_three() {
        let spec = json!({"permit": [{"a": {}, "b": {}}, {"a": {}, "c": {}}]});
        assert_eq!(
            violations(spec, &Context::fabricator_defaults()),
            vec![(
                "/spec/permit".into(),
                "the permit entries name 3 different VPCs (`a`, `b`, `c`): a VPCPeering joins exactly two VPCs, and every entry names both".into()
            )]
        );
    }

    #[test]
    fn an_entry_with_one_vpc_is_not_also_reported_as_a_wrong_total() {
        let found = violations(
            json!({"permit": [{"a": {}}]}),
            &Context::fabricator_defaults(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "/spec/permit/0");
    }

    #[test]
    fn peering_disabled_in_the_config_rejects_every_peering() {
        let config = FabricConfig {
            vpc_peering_disabled: true,
            ..FabricConfig::default()
        };
        let ctx = Context {
            config: Some(&config),
            config_given: true,
        };
        let spec = json!({"permit": [{"a": {}, "b": {}}]});
        assert_eq!(violations(spec.clone(), &ctx).len(), 1);
        let no_config = Context {
            config: None,
            config_given: false,
        };
        assert_eq!(violations(spec, &no_config), vec![]);
    }
}
