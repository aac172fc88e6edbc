//! VPCPeering (`api/vpc/v1beta1/vpcpeering_types.go` at 78827deb): the stand-alone part
//! of `Validate()` (`:155-177`): peering must be on in the fabric, no deprecated `remote`,
//! and the permit entries name exactly two VPCs; and the cross-object part (`:179-255`):
//! both VPCs exist and share their namespaces, and every listed subnet exists. `Default()`
//! (`:135-153`) only sets labels, which no rule reads. The webhook's update check is
//! `Validate()` again (`pkg/ctrl/vpcpeering_wh.go:70-81`).
//!
//! Up to 26.02 `remote` names a SwitchGroup that must exist instead of being refused, and
//! 26.01 also refuses peering VPCs of different modes; each gate cites its release's code.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::state::FabricState;
use super::{Context, Release, Resource, Violations, pointer_segment};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::backticked;

/// A VPCPeering as the rules read it.
pub type Object = Resource<VpcPeeringSpec>;

/// `VPCPeeringSpec`, the fields `Validate()` reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VpcPeeringSpec {
    /// `remote`: a SwitchGroup up to 26.02; deprecated and rejected when set from 26.03.
    pub remote: String,
    /// `permit`: each entry maps the two VPCs' names to the subnets they expose. `None`
    /// when absent.
    pub permit: Option<Vec<BTreeMap<String, Option<VpcPeer>>>>,
}

/// `VPCPeer`: one VPC's side of a permit entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VpcPeer {
    /// `subnets`: the VPC's subnets that the other VPC may reach; empty for all of them.
    pub subnets: Vec<String>,
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
    // From 26.03 (fabric v0.129.1 vpcpeering_types.go:164-166, as at 78827deb); up to 26.02
    // `remote` names a SwitchGroup, checked with the cluster (`validate_cross`).
    if !spec.remote.is_empty() && ctx.release >= Release::V26_03 {
        out.error(
            "/spec/remote",
            format!(
                "`remote: {}` is deprecated and no longer supported by the fabric: remove it",
                spec.remote
            ),
        );
    }
    check_two_vpcs(spec, out);
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
    let names = backticked(names);
    if names.is_empty() {
        String::new()
    } else {
        format!(" ({names})")
    }
}

/// The cross-object part of `Validate()` (`:179-255`): both VPCs exist (a lookup each),
/// are in the same IPv4Namespace and VLANNamespace, and have every subnet the permit
/// entries list. Skipped when the entries do not name exactly two VPCs (already reported).
pub fn validate_cross(peering: &Object, state: &FabricState, ctx: &Context, out: &mut Violations) {
    // Up to 26.02 (fabric v0.120.3 and v0.115.4 vpcpeering_types.go:210-220): `remote` is a
    // SwitchGroup of the fabric.
    if !peering.spec.remote.is_empty() && ctx.release < Release::V26_03 {
        state.lookup(
            &state.switch_groups,
            Kind::SwitchGroup,
            &peering.spec.remote,
            "/spec/remote",
            "the check of the remote peering's switch group",
            out,
        );
    }
    let entries = peering.spec.permit.as_deref().unwrap_or_default();
    let names: BTreeSet<&String> = entries.iter().flat_map(BTreeMap::keys).collect();
    if names.len() != 2 || entries.iter().any(|entry| entry.len() != 2) {
        return;
    }
    let mut vpcs = Vec::with_capacity(2);
    for name in names {
        let pointer = format!("/spec/permit/0/{}", pointer_segment(name));
        if let Some(vpc) = state.lookup(
            &state.vpcs,
            Kind::Vpc,
            name,
            &pointer,
            "the checks of the peered VPC's namespaces and subnets",
            out,
        ) {
            vpcs.push((name, vpc));
        }
    }
    if let [(first, a), (second, b)] = vpcs[..] {
        // 26.01 only (fabric v0.115.4 vpcpeering_types.go:242-244).
        if ctx.release == Release::V26_01 && a.object.spec.mode != b.object.spec.mode {
            let mode = |m: &str| {
                if m.is_empty() {
                    "l2vni (the default)".to_owned()
                } else {
                    format!("`{m}`")
                }
            };
            out.error(
                "/spec/permit",
                format!(
                    "VPC `{first}` ({}) has mode {} but VPC `{second}` ({}) has mode {}: Hedgehog 26.01 peers only VPCs of the same mode",
                    a.origin,
                    mode(&a.object.spec.mode),
                    b.origin,
                    mode(&b.object.spec.mode)
                ),
            );
            out.rule_of_last(rules::VPCPEERING_MODE_MISMATCH);
            out.involving_last(Kind::Vpc, first, &a.origin);
            out.involving_last(Kind::Vpc, second, &b.origin);
        }
        for (what, of_a, of_b) in [
            (
                "IPv4Namespace",
                &a.object.spec.ipv4_namespace,
                &b.object.spec.ipv4_namespace,
            ),
            (
                "VLANNamespace",
                &a.object.spec.vlan_namespace,
                &b.object.spec.vlan_namespace,
            ),
        ] {
            if of_a != of_b {
                out.error(
                    "/spec/permit",
                    format!(
                        "VPC `{first}` ({}) is in {what} `{of_a}` but VPC `{second}` ({}) is in `{of_b}`: only VPCs of the same {what} can be peered",
                        a.origin, b.origin
                    ),
                );
                out.rule_of_last(rules::VPCPEERING_NAMESPACE_MISMATCH);
                out.involving_last(Kind::Vpc, first, &a.origin);
                out.involving_last(Kind::Vpc, second, &b.origin);
            }
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        for (name, peer) in entry {
            let Some((_, vpc)) = vpcs.iter().find(|(found, _)| *found == name) else {
                continue;
            };
            let subnets = vpc.object.spec.subnets.as_ref();
            let listed = peer.as_ref().map_or(&[][..], |p| &p.subnets[..]);
            for (j, subnet) in listed.iter().enumerate() {
                if !subnets.is_some_and(|s| s.contains_key(subnet)) {
                    let known = backticked(subnets.into_iter().flat_map(BTreeMap::keys));
                    out.error(
                        format!("/spec/permit/{i}/{}/subnets/{j}", pointer_segment(name)),
                        format!(
                            "VPC `{name}` ({}) has no subnet `{subnet}`: name one of its subnets ({}), or list none to peer them all",
                            vpc.origin,
                            known
                        ),
                    );
                    out.rule_of_last(rules::VPCPEERING_SUBNET_MISSING);
                    out.involving_last(Kind::Vpc, name, &vpc.origin);
                }
            }
        }
    }
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
        let ctx =
            crate::rules::test_support::given_config(Some(&config), crate::rules::Release::NEWEST);
        let spec = json!({"permit": [{"a": {}, "b": {}}]});
        assert_eq!(violations(spec.clone(), &ctx).len(), 1);
        let no_config = Context {
            config: None,
            config_given: false,
            release: crate::rules::Release::NEWEST,
        };
        assert_eq!(violations(spec, &no_config), vec![]);
    }

    mod cross {
        use super::*;
        use crate::rules::Severity;
        use crate::rules::state::References;

        fn vpc(name: &str, spec: serde_json::Value) -> (&'static str, serde_json::Value) {
            let object = json!({"kind": "VPC", "metadata": {"name": name}, "spec": spec});
            ("managed/vpcs.yaml", object)
        }

        fn findings(
            objects: &[(&str, serde_json::Value)],
            permit: serde_json::Value,
            references: References,
        ) -> Vec<(Severity, String, String)> {
            cross(objects, permit, references)
                .into_iter()
                .map(|cross| cross.violation)
                .map(|v| (v.severity, v.pointer, v.message))
                .collect()
        }

        /// The pointer and the involved objects of each finding.
        fn involved(
            objects: &[(&str, serde_json::Value)],
            permit: serde_json::Value,
        ) -> Vec<(String, Vec<String>)> {
            cross(objects, permit, References::Strict)
                .iter()
                .map(crate::rules::CrossViolation::involved_described)
                .collect()
        }

        fn cross(
            objects: &[(&str, serde_json::Value)],
            permit: serde_json::Value,
            references: References,
        ) -> Vec<crate::rules::CrossViolation> {
            let ctx = Context::fabricator_defaults();
            let state = FabricState::of_objects(objects, &ctx, references);
            let mut peering: Object = serde_json::from_value(
                json!({"metadata": {"name": "a--b"}, "spec": {"permit": permit}}),
            )
            .unwrap();
            default(&mut peering);
            let mut out = Violations::default();
            validate_cross(&peering, &state, &ctx, &mut out);
            out.into_cross()
        }

        fn two_vpcs(b_spec: serde_json::Value) -> Vec<(&'static str, serde_json::Value)> {
            vec![
                vpc(
                    "a",
                    json!({"subnets": {"x": {"subnet": "10.0.1.0/24", "vlan": 1001},
                                       "y": {"subnet": "10.0.2.0/24", "vlan": 1002}}}),
                ),
                vpc("b", b_spec),
            ]
        }

        #[test]
        fn listed_subnets_must_exist_in_their_vpc() {
            let objects =
                two_vpcs(json!({"subnets": {"z": {"subnet": "10.0.3.0/24", "vlan": 1003}}}));
            let permit = json!([
                {"a": {"subnets": ["x", "nope"]}, "b": {}},
                {"a": {}, "b": {"subnets": ["z", "x"]}}
            ]);
            assert_eq!(
                findings(&objects, permit, References::Strict),
                [
                    (
                        Severity::Error,
                        "/spec/permit/0/a/subnets/1".into(),
                        "VPC `a` (managed/vpcs.yaml:1) has no subnet `nope`: name one of its subnets (`x`, `y`), or list none to peer them all".into()
                    ),
                    (
                        Severity::Error,
                        "/spec/permit/1/b/subnets/1".into(),
                        "VPC `b` (managed/vpcs.yaml:1) has no subnet `x`: name one of its subnets (`z`), or list none to peer them all".into()
                    ),
                ]
            );
        }

        #[test]
        fn the_two_vpcs_must_share_both_namespaces() {
            let objects = two_vpcs(json!({"ipv4Namespace": "blue", "vlanNamespace": "blue",
                "subnets": {"z": {"subnet": "10.0.3.0/24", "vlan": 1003}}}));
            let found = findings(&objects, json!([{"a": {}, "b": {}}]), References::Strict);
            let messages: Vec<_> = found
                .iter()
                .map(|(_, p, m)| (p.as_str(), m.as_str()))
                .collect();
            assert_eq!(
                messages,
                [
                    (
                        "/spec/permit",
                        "VPC `a` (managed/vpcs.yaml:1) is in IPv4Namespace `default` but VPC `b` (managed/vpcs.yaml:1) is in `blue`: only VPCs of the same IPv4Namespace can be peered"
                    ),
                    (
                        "/spec/permit",
                        "VPC `a` (managed/vpcs.yaml:1) is in VLANNamespace `default` but VPC `b` (managed/vpcs.yaml:1) is in `blue`: only VPCs of the same VLANNamespace can be peered"
                    ),
                ]
            );
        }

        #[test]
        fn a_namespace_mismatch_involves_both_vpcs_and_a_missing_subnet_its_vpc() {
            let objects = two_vpcs(json!({"ipv4Namespace": "blue",
                "subnets": {"z": {"subnet": "10.0.3.0/24", "vlan": 1003}}}));
            let both = vec![
                "VPC `a` (managed/vpcs.yaml:1)".to_owned(),
                "VPC `b` (managed/vpcs.yaml:1)".to_owned(),
            ];
            assert_eq!(
                involved(&objects, json!([{"a": {}, "b": {"subnets": ["nope"]}}])),
                [
                    ("/spec/permit".to_owned(), both),
                    (
                        "/spec/permit/0/b/subnets/0".to_owned(),
                        vec!["VPC `b` (managed/vpcs.yaml:1)".to_owned()]
                    ),
                ]
            );
        }

        #[test]
        fn a_missing_vpc_is_one_lookup_finding_and_the_other_side_is_still_checked() {
            let objects = [vpc(
                "a",
                json!({"subnets": {"x": {"subnet": "10.0.1.0/24", "vlan": 1001}}}),
            )];
            let permit = json!([{"a": {"subnets": ["gone"]}, "b": {"subnets": ["any"]}}]);
            let found: Vec<_> = findings(&objects, permit, References::Warn)
                .into_iter()
                .map(|(severity, pointer, _)| (severity, pointer))
                .collect();
            assert_eq!(
                found,
                [
                    (Severity::Warning, "/spec/permit/0/b".into()),
                    (Severity::Error, "/spec/permit/0/a/subnets/0".into()),
                ]
            );
        }

        #[test]
        fn entries_that_do_not_name_two_vpcs_are_left_to_the_stand_alone_finding() {
            let found = findings(&[], json!([{"a": {}}]), References::Strict);
            assert_eq!(found, []);
        }
    }

    /// The rules that differ between releases, each case checked with that release's
    /// oracle (`hhoracle`, see `tests/oracle.rs`; `kube: true`).
    mod releases {
        use serde_json::{Value, json};

        use crate::rules::Release;
        use crate::rules::test_support::{findings, object};

        /// Two l2vni VPCs (`vpc-1`, `vpc-2`), an l3vni one (`vpc-l3`), SwitchGroup `mlag-1`.
        fn fabric() -> Vec<Value> {
            let vpc = |name: &str, mode: &str, subnet: &str, vlan: u16| {
                object(
                    "VPC",
                    name,
                    json!({"mode": mode, "subnets": {"default": {"subnet": subnet, "vlan": vlan}}}),
                )
            };
            vec![
                object(
                    "VLANNamespace",
                    "default",
                    json!({"ranges": [{"from": 1000, "to": 2999}]}),
                ),
                object(
                    "IPv4Namespace",
                    "default",
                    json!({"subnets": ["10.0.0.0/16"]}),
                ),
                object("SwitchGroup", "mlag-1", json!({})),
                vpc("vpc-1", "", "10.0.1.0/24", 1001),
                vpc("vpc-2", "", "10.0.5.0/24", 1005),
                vpc("vpc-l3", "l3vni", "10.0.3.0/24", 1003),
            ]
        }

        fn peering(remote: Option<&str>, other: &str) -> Value {
            let mut spec = json!({"permit": [{"vpc-1": {}, other: {}}]});
            if let Some(remote) = remote {
                spec["remote"] = remote.into();
            }
            object("VPCPeering", "p", spec)
        }

        fn errors(release: Release, subject: &Value) -> Vec<String> {
            findings(release, subject, &fabric())
                .into_iter()
                .filter(|f| f.starts_with("E "))
                .collect()
        }

        #[test]
        fn remote_names_an_existing_switch_group_until_26_03() {
            // Oracle: 26.01 and 26.02 accept `remote: mlag-1` and refuse `remote: nope`
            // ("switch group nope not found"); 26.03 refuses both ("remote field is
            // deprecated and no longer supported").
            let (known, unknown) = (
                peering(Some("mlag-1"), "vpc-2"),
                peering(Some("nope"), "vpc-2"),
            );
            for release in [Release::V26_01, Release::V26_02] {
                assert_eq!(errors(release, &known), Vec::<String>::new(), "{release}");
                assert_eq!(
                    errors(release, &unknown),
                    [
                        "E /spec/remote: SwitchGroup `nope` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/"
                    ],
                    "{release}"
                );
            }
            for subject in [known, unknown] {
                assert_eq!(errors(Release::V26_03, &subject).len(), 1);
                assert!(
                    errors(Release::V26_03, &subject)[0].starts_with("E /spec/remote: `remote: ")
                );
            }
        }

        #[test]
        fn only_26_01_refuses_peering_vpcs_of_different_modes() {
            // Oracle: 26.01 "peering is only allowed between VPCs with the same mode"; 26.02
            // and 26.03 accept; all accept two l2vni VPCs.
            let mixed = peering(None, "vpc-l3");
            assert_eq!(
                errors(Release::V26_01, &mixed),
                [
                    "E /spec/permit: VPC `vpc-1` (managed/3.yaml:1) has mode l2vni (the default) but VPC `vpc-l3` (managed/5.yaml:1) has mode `l3vni`: Hedgehog 26.01 peers only VPCs of the same mode"
                ]
            );
            for release in [Release::V26_02, Release::V26_03] {
                assert_eq!(errors(release, &mixed), Vec::<String>::new(), "{release}");
            }
            for release in Release::ALL {
                assert_eq!(
                    errors(release, &peering(None, "vpc-2")),
                    Vec::<String>::new(),
                    "{release}"
                );
            }
        }
    }
}
