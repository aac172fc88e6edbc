//! VLANNamespace: `Default()` and `Validate()` of `api/wiring/v1beta1/vlannamespace_types.go`
//! (`:106-141`) with the range normaliser they call (`api/meta/vlan.go:38-86`).
//!
//! The quirk, ported as is: `Default()` keeps the normaliser's result only when it *fails*
//! (`:117-119`), so one invalid range (`from: 5000`, `from: 20, to: 10`) makes the fabric's
//! defaulter drop every range of the namespace, and `Validate()` then accepts the empty
//! namespace. The fabric accepts the file, so hh-gitops does too, with a warning saying
//! what the fabric will store. A number that does not fit Go's `uint16` cannot even be
//! decoded: the fabric rejects it.
//!
//! The webhook's update check (`pkg/ctrl/vlannamespace_wh.go:77-99`) is the cross-object
//! part, ported with its quirks: it selects the VPCs by the *IPv4Namespace* label with this
//! namespace's name (`:83-85`), so it checks the VPCs of the IPv4Namespace named like this
//! VLANNamespace, whatever their VLANNamespace; and it checks every subnet, so a hostBGP
//! subnet (VLAN 0, in no range) makes the fabric refuse every update while it exists. The
//! VPCs that do use this VLANNamespace but escape that selection get a warning instead.

use std::collections::HashSet;

use serde::Deserialize;

use super::config::VlanRange;
use super::decode::go_integer;
use super::state::FabricState;
use super::{Context, Violations};
use crate::finding::rules;
use crate::kind::Kind;

/// `VLANNamespace`.
pub type Object = super::Resource<VlanNamespaceSpec>;

/// `VLANNamespaceSpec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VlanNamespaceSpec {
    /// `ranges`, as written (numbers wider than Go's `uint16`, so that any integer the schema
    /// lets through is read and then judged).
    pub ranges: Vec<WrittenRange>,
    /// The invalid ranges for which `Default()` dropped `ranges`, each with what is wrong
    /// with it; empty when it kept them. Not a field of the document.
    #[serde(skip)]
    pub dropped_for: Vec<InvalidRange>,
}

impl VlanNamespaceSpec {
    /// Whether a range of the defaulted namespace holds `vlan` (`VLANNamespaceSpec.Contains`,
    /// `vlannamespace_types.go:91-99`). After `Default()` dropped the ranges, none does.
    pub fn contains(&self, vlan: u16) -> bool {
        let vlan = i128::from(vlan);
        self.ranges.iter().any(|r| r.from <= vlan && vlan <= r.to)
    }

    /// The ranges as a person reads them (`1000-2999, 3500`), or `no VLANs` when empty.
    pub fn describe(&self) -> String {
        if self.ranges.is_empty() {
            return "no VLANs".to_owned();
        }
        let ranges: Vec<String> = self
            .ranges
            .iter()
            .map(|r| {
                if r.from == r.to {
                    r.from.to_string()
                } else {
                    format!("{}-{}", r.from, r.to)
                }
            })
            .collect();
        ranges.join(", ")
    }

    /// Whether Go could decode every range (each number fits its `uint16` field); the
    /// fabric rejects the namespace outright when not.
    pub fn decodable(&self) -> bool {
        self.ranges.iter().all(fits_uint16)
    }
}

/// One `meta.VLANRange` as written; `to: 0` (or absent) means `to = from` once normalised.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct WrittenRange {
    /// First VLAN.
    #[serde(deserialize_with = "go_integer")]
    pub from: i128,
    /// Last VLAN (inclusive).
    #[serde(deserialize_with = "go_integer")]
    pub to: i128,
}

/// A range the normaliser refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRange {
    /// Its index in `ranges`.
    pub index: usize,
    /// Its field at fault (`from` or `to`).
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

/// Highest VLAN ID the normaliser accepts.
const MAX_VLAN: i128 = 4094;

/// `Default()`: the namespace and label defaults touch nothing a rule reads; then the
/// normaliser runs on `ranges` and, when it fails, `ranges` is dropped (`:117-119`). When
/// it succeeds it has already set each `to: 0` to `from` in place (it also sorts them,
/// which no check here depends on). Ranges that Go could not decode are left for
/// [`validate`] to reject.
pub fn default(object: &mut Object) {
    let spec = &mut object.spec;
    if spec.ranges.iter().any(|r| !fits_uint16(r)) {
        return;
    }
    let invalid: Vec<InvalidRange> = spec
        .ranges
        .iter_mut()
        .enumerate()
        .filter_map(|(index, range)| normalise(index, range))
        .collect();
    if !invalid.is_empty() {
        spec.ranges.clear();
        spec.dropped_for = invalid;
    }
}

/// `meta.NormalizedVLANRanges` for one range (`vlan.go:39-52`): fills `to`, then returns
/// the first of its checks the range fails. Go stops at the first invalid range; every
/// one is kept here, to report each.
fn normalise(index: usize, range: &mut WrittenRange) -> Option<InvalidRange> {
    if range.to == 0 {
        range.to = range.from;
    }
    let invalid = |field, reason: String| {
        Some(InvalidRange {
            index,
            field,
            reason,
        })
    };
    if range.from > range.to {
        invalid(
            "to",
            format!("ends at `{}`, before its start `{}`", range.to, range.from),
        )
    } else if !(1..=MAX_VLAN).contains(&range.from) {
        invalid(
            "from",
            format!("starts at `{}`, outside 1..{MAX_VLAN}", range.from),
        )
    } else if !(1..=MAX_VLAN).contains(&range.to) {
        invalid(
            "to",
            format!("ends at `{}`, outside 1..{MAX_VLAN}", range.to),
        )
    } else {
        None
    }
}

/// Whether Go's `uint16` fields can hold the range as written.
fn fits_uint16(range: &WrittenRange) -> bool {
    u16::try_from(range.from).is_ok() && u16::try_from(range.to).is_ok()
}

/// `Validate()`, which needs no other object; the webhook's update check is
/// [`validate_cross`].
pub fn validate(object: &Object, ctx: &Context, out: &mut Violations) {
    let spec = &object.spec;
    let mut undecodable = false;
    for (index, range) in spec.ranges.iter().enumerate() {
        for (field, value) in [("from", range.from), ("to", range.to)] {
            if u16::try_from(value).is_err() {
                undecodable = true;
                out.error(
                    format!("/spec/ranges/{index}/{field}"),
                    format!(
                        "`{field}` `{value}` is not a VLAN: VLAN IDs are 1..{MAX_VLAN} (the fabric cannot even read a number outside 0..65535)"
                    ),
                );
            }
        }
    }
    if undecodable {
        return;
    }
    for invalid in &spec.dropped_for {
        out.warning(
            format!("/spec/ranges/{}/{}", invalid.index, invalid.field),
            format!(
                "VLAN range {} {}: a range is `from`..`to` within 1..{MAX_VLAN}; the fabric's defaulter then drops every range of this namespace and stores it with no VLANs, so fix the range",
                invalid.index, invalid.reason
            ),
        );
    }
    if !spec.dropped_for.is_empty() {
        return;
    }
    // `meta.NormalizedVLANRanges` again (`:127-129`): it passed in `default`, so it passes.
    let Some(config) = ctx.config else {
        return;
    };
    // `:131-138`: `CheckVLANRangesOverlap` of the config's ranges plus the namespace's,
    // once for the VPC IRB VLANs and once for the TH5 workaround VLANs. The namespace's own
    // ranges are only sorted, not merged, so two of them that overlap fail there too.
    let ranges: Vec<VlanRange> = spec
        .ranges
        .iter()
        .map(|r| VlanRange {
            from: u16::try_from(r.from).unwrap_or_default(),
            to: u16::try_from(r.to).unwrap_or_default(),
        })
        .collect();
    for (index, range) in ranges.iter().enumerate() {
        if let Some(earlier) = ranges[..index].iter().find(|r| overlap(r, range)) {
            out.error(
                format!("/spec/ranges/{index}"),
                format!(
                    "VLAN range `{}` overlaps `{}` of the same namespace: the ranges of a namespace must not overlap",
                    show(range),
                    show(earlier)
                ),
            );
        }
        for (reserved, field, what) in [
            (
                &config.vpc_irb_vlan_ranges,
                "vpcIRBVLANRange",
                "reserved for VPC IRB interfaces (`vpcIRBVLANRange`)",
            ),
            (
                &config.th5_workaround_vlan_range,
                "th5WorkaroundVLANRange",
                "reserved for the TH5 workaround (`th5WorkaroundVLANRange`)",
            ),
        ] {
            if let Some(taken) = reserved.iter().find(|r| overlap(r, range)) {
                out.against_config(
                    ctx,
                    &[field],
                    format!("/spec/ranges/{index}"),
                    format!(
                        "VLAN range `{}` overlaps `{}`, {what}: a VLANNamespace may not use those VLANs",
                        show(range),
                        show(taken)
                    ),
                );
            }
        }
    }
}

/// Whether two inclusive ranges share a VLAN (`vlan.go:80`, once sorted).
fn overlap(a: &VlanRange, b: &VlanRange) -> bool {
    a.from <= b.to && b.from <= a.to
}

/// `from-to`, as Go's messages write a range.
fn show(range: &VlanRange) -> String {
    format!("{}-{}", range.from, range.to)
}

/// An update runs the webhook's check (`vlannamespace_wh.go:77-99`, see the module
/// comment): every subnet of the VPCs it selects keeps its VLAN inside the updated ranges.
/// Only VPCs already in the fabric (managed/) count: a raw VPC is checked against its
/// VLANNamespace by its own rules. A namespace Go cannot decode was rejected already.
pub fn validate_cross(
    namespace: &Object,
    state: &FabricState,
    _ctx: &Context,
    out: &mut Violations,
) {
    let name = &namespace.metadata.name;
    let is_update = state
        .vlan_namespaces
        .get(name)
        .is_some_and(|entry| entry.previous.is_some());
    let spec = &namespace.spec;
    if !is_update || !spec.decodable() {
        return;
    }
    let managed = |vpc: &str| {
        state
            .vpcs
            .get(vpc)
            .filter(|entry| entry.origin.is_managed())
    };
    // The webhook's selection: the VPCs of the IPv4Namespace with this name.
    let (mut refused, mut refused_vpcs) = (Vec::new(), Vec::new());
    let mut checked = HashSet::new();
    let (mut host_bgp, mut other_namespace) = (false, false);
    for subnet in state.vpc_index.subnets_in(name) {
        if spec.contains(subnet.vlan) {
            continue;
        }
        let Some(vpc) = managed(&subnet.vpc) else {
            continue;
        };
        host_bgp |= subnet.host_bgp && subnet.vlan == 0;
        other_namespace |= vpc.object.spec.vlan_namespace != *name;
        checked.insert((subnet.vpc.as_str(), subnet.subnet.as_str()));
        refused.push(format!(
            "subnet `{}` (VLAN {}) of VPC `{}` ({})",
            subnet.subnet, subnet.vlan, subnet.vpc, vpc.origin
        ));
        refused_vpcs.push((subnet.vpc.as_str(), &vpc.origin));
    }
    if !refused.is_empty() {
        let host_bgp = if host_bgp {
            "; a hostBGP subnet counts as VLAN 0, which no range holds, so while it exists the fabric refuses every update of this namespace"
        } else {
            ""
        };
        let other_namespace = if other_namespace {
            format!(
                "; the fabric checks the VPCs of IPv4Namespace `{name}` here, whatever their VLANNamespace"
            )
        } else {
            String::new()
        };
        out.error(
            "/spec/ranges",
            format!(
                "the fabric refuses this update: {} would be outside the updated ranges ({}){host_bgp}{other_namespace}; keep ranges that hold the VLANs of the VPCs already in the fabric",
                super::vpc::first_few(&refused),
                spec.describe()
            ),
        );
        out.rule_of_last(rules::VLANNAMESPACE_STRANDS_VPCS);
        for (vpc, origin) in refused_vpcs {
            out.involving_last(Kind::Vpc, vpc, origin);
        }
    }
    // The VPCs that use this VLANNamespace, which the webhook's selection may miss.
    let (mut stranded, mut stranded_vpcs) = (Vec::new(), Vec::new());
    for (vlan, users) in state.vpc_index.vlans_in(name) {
        if spec.contains(vlan) {
            continue;
        }
        for user in users {
            if checked.contains(&(user.vpc.as_str(), user.subnet.as_str())) {
                continue;
            }
            if let Some(vpc) = managed(&user.vpc) {
                stranded.push(format!(
                    "subnet `{}` (VLAN {vlan}) of VPC `{}` ({})",
                    user.subnet, user.vpc, vpc.origin
                ));
                stranded_vpcs.push((user.vpc.as_str(), &vpc.origin));
            }
        }
    }
    if !stranded.is_empty() {
        out.warning(
            "/spec/ranges",
            format!(
                "{} would be outside the updated ranges ({}): the fabric accepts this update (its check looks at the VPCs of the IPv4Namespace named `{name}` instead), but refuses any later change to those VPCs until their VLANs are back in the namespace",
                super::vpc::first_few(&stranded),
                spec.describe()
            ),
        );
        out.rule_of_last(rules::VLANNAMESPACE_STRANDS_VPCS);
        for (vpc, origin) in stranded_vpcs {
            out.involving_last(Kind::Vpc, vpc, origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::config::FabricConfig;
    use crate::rules::{Severity, Violation};

    fn admit(ranges: serde_json::Value, config: Option<&FabricConfig>) -> Vec<Violation> {
        let object = serde_json::json!({"metadata": {"name": "ns"}, "spec": {"ranges": ranges}});
        let ctx = crate::rules::test_support::given_config(config, crate::rules::Release::NEWEST);
        crate::rules::admit(&Kind::VlanNamespace, &object, &ctx)
    }

    #[test]
    fn a_missing_to_is_the_from_and_valid_ranges_pass() {
        let mut object: Object = serde_json::from_value(serde_json::json!({
            "spec": {"ranges": [{"from": 2000, "to": 2999}, {"from": 1000}]}
        }))
        .unwrap();
        default(&mut object);
        let to: Vec<i128> = object.spec.ranges.iter().map(|r| r.to).collect();
        assert_eq!(to, [2999, 1000]);
        assert!(object.spec.dropped_for.is_empty());
    }

    #[test]
    fn every_invalid_range_is_warned_about_and_drops_them_all_as_the_fabric_does() {
        let found = admit(
            serde_json::json!([{"from": 1000, "to": 2999}, {"from": 20, "to": 10}, {"from": 3000}, {"from": 4095}]),
            Some(&FabricConfig::fabricator_defaults()),
        );
        let tail = ": a range is `from`..`to` within 1..4094; the fabric's defaulter then drops every range of this namespace and stores it with no VLANs, so fix the range";
        assert_eq!(
            found,
            [
                Violation {
                    pointer: "/spec/ranges/1/to".into(),
                    message: format!("VLAN range 1 ends at `10`, before its start `20`{tail}"),
                    severity: Severity::Warning,
                    rule: None,
                },
                Violation {
                    pointer: "/spec/ranges/3/from".into(),
                    message: format!("VLAN range 3 starts at `4095`, outside 1..4094{tail}"),
                    severity: Severity::Warning,
                    rule: None,
                },
            ],
            "the reserved VLAN 3000 is not reported: the fabric drops it with the rest"
        );
    }

    #[test]
    fn a_number_go_cannot_decode_is_an_error_at_each_field() {
        let found = admit(serde_json::json!([{"from": 70000, "to": -1}]), None);
        let pointers: Vec<_> = found
            .iter()
            .map(|v| (v.pointer.as_str(), v.severity))
            .collect();
        assert_eq!(
            pointers,
            [
                ("/spec/ranges/0/from", Severity::Error),
                ("/spec/ranges/0/to", Severity::Error)
            ]
        );
    }

    #[test]
    fn overlaps_are_checked_only_with_a_config_and_name_the_reserved_range() {
        let ranges =
            serde_json::json!([{"from": 100, "to": 200}, {"from": 150, "to": 300}, {"from": 3899}]);
        assert!(admit(ranges.clone(), None).is_empty());
        let found = admit(ranges, Some(&FabricConfig::fabricator_defaults()));
        let messages: Vec<_> = found
            .iter()
            .map(|v| (v.pointer.as_str(), v.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "/spec/ranges/1",
                    "VLAN range `150-300` overlaps `100-200` of the same namespace: the ranges of a namespace must not overlap"
                ),
                (
                    "/spec/ranges/2",
                    "VLAN range `3899-3899` overlaps `3000-3899`, reserved for VPC IRB interfaces (`vpcIRBVLANRange`): a VLANNamespace may not use those VLANs"
                ),
            ]
        );
    }

    mod update {
        use super::*;
        use crate::rules::state::{Member, Origin, References};
        use serde_json::{Value, json};

        fn member(path: &str, object: Value) -> Member {
            let kind = Kind::from_name(object["kind"].as_str().unwrap());
            let (_, typed) =
                crate::rules::admit_typed(&kind, &object, &Context::fabricator_defaults());
            Member {
                object: typed.unwrap(),
                origin: Origin {
                    path: path.into(),
                    line: 1,
                },
                previous: None,
            }
        }

        fn namespace(ranges: Value) -> Value {
            json!({"kind": "VLANNamespace", "metadata": {"name": "default"}, "spec": {"ranges": ranges}})
        }

        /// The findings of raw namespace `ranges`, an update of `from: 1000, to: 2999` when
        /// `update`, against managed VPCs `vpcs` (name, spec) and a raw VPC with VLAN 2900.
        fn findings(ranges: Value, update: bool, vpcs: &[(&str, Value)]) -> Vec<Violation> {
            cross(ranges, update, vpcs)
                .into_iter()
                .map(|cross| cross.violation)
                .collect()
        }

        /// [`findings`] with the objects each involves.
        fn cross(
            ranges: Value,
            update: bool,
            vpcs: &[(&str, Value)],
        ) -> Vec<crate::rules::CrossViolation> {
            let mut members: Vec<Member> = vpcs
                .iter()
                .map(|(name, spec)| {
                    let vpc = json!({"kind": "VPC", "metadata": {"name": name}, "spec": spec});
                    member(&format!("managed/vpcs/{name}.yaml"), vpc)
                })
                .collect();
            let raw_vpc = json!({"kind": "VPC", "metadata": {"name": "new"},
                "spec": {"subnets": {"a": {"subnet": "10.9.0.0/24", "vlan": 2900}}}});
            members.push(member("raw/new.yaml", raw_vpc));
            let mut raw = member("raw/ns.yaml", namespace(ranges));
            if update {
                raw.previous =
                    Some(member("", namespace(json!([{"from": 1000, "to": 2999}]))).object);
            }
            members.push(raw);
            let state = FabricState::build(members, [], None, References::Strict);
            let entry = state.vlan_namespaces.get("default").unwrap();
            let mut out = Violations::default();
            validate_cross(
                &entry.object,
                &state,
                &Context::fabricator_defaults(),
                &mut out,
            );
            out.into_cross()
        }

        fn subnet(prefix: &str, vlan: u16) -> Value {
            json!({"subnet": prefix, "vlan": vlan})
        }

        #[test]
        fn an_update_may_not_strand_the_vlans_of_managed_vpcs_of_the_same_named_ipv4_namespace() {
            let vpcs = [
                (
                    "vpc-1",
                    json!({"subnets": {"a": subnet("10.0.1.0/24", 1001), "b": subnet("10.0.2.0/24", 2001)}}),
                ),
                (
                    "vpc-2",
                    json!({"subnets": {"a": subnet("10.0.3.0/24", 1500)}}),
                ),
            ];
            let shrunk = json!([{"from": 1000, "to": 1999}]);
            assert_eq!(
                findings(shrunk.clone(), true, &vpcs),
                [Violation {
                    pointer: "/spec/ranges".into(),
                    message: "the fabric refuses this update: subnet `b` (VLAN 2001) of VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1) would be outside the updated ranges (1000-1999); keep ranges that hold the VLANs of the VPCs already in the fabric".into(),
                    severity: Severity::Error,
                    rule: Some(rules::VLANNAMESPACE_STRANDS_VPCS),
                }],
                "the raw VPC's VLAN 2900 is left to its own check"
            );
            assert_eq!(
                findings(shrunk, false, &vpcs),
                [],
                "a new namespace is not an update"
            );
            assert_eq!(
                findings(json!([{"from": 1000, "to": 2999}]), true, &vpcs),
                []
            );
        }

        #[test]
        fn the_webhook_quirks_a_host_bgp_subnet_and_vpcs_selected_by_ipv4_namespace_are_ported() {
            let vpcs = [
                (
                    "bgp",
                    json!({"subnets": {"h": {"subnet": "10.0.1.0/24", "hostBGP": true}}}),
                ),
                (
                    "blue",
                    json!({"ipv4Namespace": "blue", "subnets": {"a": subnet("10.0.2.0/24", 2500)}}),
                ),
            ];
            let found = findings(json!([{"from": 1000, "to": 2999}]), true, &vpcs);
            assert_eq!(
                found,
                [
                    Violation {
                        pointer: "/spec/ranges".into(),
                        message: "the fabric refuses this update: subnet `h` (VLAN 0) of VPC `bgp` (managed/vpcs/bgp.yaml:1) would be outside the updated ranges (1000-2999); a hostBGP subnet counts as VLAN 0, which no range holds, so while it exists the fabric refuses every update of this namespace; keep ranges that hold the VLANs of the VPCs already in the fabric".into(),
                        severity: Severity::Error,
                        rule: Some(rules::VLANNAMESPACE_STRANDS_VPCS),
                    },
                ]
            );
            let found = findings(json!([{"from": 1000, "to": 1999}]), true, &vpcs[1..]);
            assert_eq!(
                found,
                [Violation {
                    pointer: "/spec/ranges".into(),
                    message: "subnet `a` (VLAN 2500) of VPC `blue` (managed/vpcs/blue.yaml:1) would be outside the updated ranges (1000-1999): the fabric accepts this update (its check looks at the VPCs of the IPv4Namespace named `default` instead), but refuses any later change to those VPCs until their VLANs are back in the namespace".into(),
                    severity: Severity::Warning,
                    rule: Some(rules::VLANNAMESPACE_STRANDS_VPCS),
                }],
                "VPC `blue` uses this VLANNamespace, but the fabric's check selects IPv4Namespace `default`"
            );
            let involved: Vec<_> = cross(json!([{"from": 1000, "to": 1999}]), true, &vpcs)
                .iter()
                .map(crate::rules::CrossViolation::involved_described)
                .collect();
            assert_eq!(
                involved,
                [
                    (
                        "/spec/ranges".to_owned(),
                        vec!["VPC `bgp` (managed/vpcs/bgp.yaml:1)".to_owned()]
                    ),
                    (
                        "/spec/ranges".to_owned(),
                        vec!["VPC `blue` (managed/vpcs/blue.yaml:1)".to_owned()]
                    ),
                ],
                "the refusal and the warning each involve the VPCs they name"
            );
            let green = [(
                "green",
                json!({"vlanNamespace": "green", "subnets": {"a": subnet("10.0.2.0/24", 500)}}),
            )];
            let found = findings(json!([{"from": 1000, "to": 2999}]), true, &green);
            assert_eq!(
                found[0].message,
                "the fabric refuses this update: subnet `a` (VLAN 500) of VPC `green` (managed/vpcs/green.yaml:1) would be outside the updated ranges (1000-2999); the fabric checks the VPCs of IPv4Namespace `default` here, whatever their VLANNamespace; keep ranges that hold the VLANs of the VPCs already in the fabric"
            );
        }
    }
}
