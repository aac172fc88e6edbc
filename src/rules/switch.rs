//! Switch: `Default()` and `Validate()` of `api/wiring/v1beta1/switch_types.go` (`:240-723`),
//! with the checks of `HydrationValidation()` (`:291-445`) that need only the switch and the
//! fabric config.
//!
//! Git usually holds switches unhydrated: hhfab fills `asn`, `ip`, `protocolIP` and `vtepIP`
//! before the fabric sees them. So where Go requires one of those (`:457-468`), an absent
//! value is a warning naming hydration, while a value that is present is checked as an
//! error. Go runs the hydration checks only with the cluster at hand (`kube != nil`), as a
//! live fabric always has it; those that compare a switch with no other object run here, in
//! `hydration`.

use std::collections::BTreeMap;

use serde::Deserialize;

mod cross;
mod hydration;
mod mclag;
mod port_locators;
mod ports;

use super::decode::go_integer;
use super::{Context, Release, Violations};

/// `Switch`.
pub type Object = super::Resource<SwitchSpec>;

/// `SwitchSpec`, the fields `Default()` and `Validate()` read. `linkFlapErrDisable` is left
/// out: `Default()` fills its three fields, so the checks that they are set (`:487-497`) can
/// never fire, and the CRD bounds their values.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SwitchSpec {
    /// `role`: `spine`, a leaf role, or `virtual-edge` (neither spine nor leaf for Go).
    pub role: String,
    /// `profile`: the SwitchProfile's name.
    pub profile: String,
    /// `groups`: SwitchGroup names.
    pub groups: Vec<String>,
    /// `redundancy`.
    pub redundancy: Redundancy,
    /// `vlanNamespaces`.
    pub vlan_namespaces: Vec<String>,
    /// `asn` (Go `uint32`; wider here so that any schema-valid integer is read and judged).
    #[serde(deserialize_with = "go_integer")]
    pub asn: Option<i128>,
    /// `ip`: the management IP with the management subnet's length (`172.30.0.8/21`).
    pub ip: String,
    /// `vtepIP`: a /32.
    #[serde(rename = "vtepIP")]
    pub vtep_ip: String,
    /// `protocolIP`: a /32, the BGP router ID.
    #[serde(rename = "protocolIP")]
    pub protocol_ip: String,
    /// `portGroupSpeeds`: port group to speed.
    pub port_group_speeds: BTreeMap<String, String>,
    /// `portSpeeds`: port to speed.
    pub port_speeds: BTreeMap<String, String>,
    /// `portBreakouts`: port to breakout mode (`4x25G`).
    pub port_breakouts: BTreeMap<String, String>,
    /// `portLocators` (26.03): port (or `*`) to its locator LED's expire time.
    pub port_locators: BTreeMap<String, String>,
    /// `portAutoNegs`: port to whether auto-negotiation is on.
    pub port_auto_negs: BTreeMap<String, bool>,
    /// `portFECs`: port to FEC mode.
    #[serde(rename = "portFECs")]
    pub port_fecs: BTreeMap<String, String>,
    /// `roce`: RoCEv2 on.
    #[serde(rename = "roce")]
    pub roce: bool,
    /// `ecmp`.
    pub ecmp: Ecmp,
}

/// `SwitchECMP`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Ecmp {
    /// `roceQPN`: ECMP hashing on the RoCE queue pair number.
    #[serde(rename = "roceQPN")]
    pub roce_qpn: bool,
}

/// `SwitchRedundancy`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Redundancy {
    /// `group`: the redundancy group (a SwitchGroup).
    pub group: String,
    /// `type`: `""`, `mclag` (deprecated) or `eslag` (`api/meta/redundancy.go:22-32`).
    #[serde(rename = "type")]
    pub kind: String,
}

/// The leaf roles (`:56-69`).
const LEAF_ROLES: [&str; 3] = ["server-leaf", "border-leaf", "mixed-leaf"];
/// The spine role.
const SPINE: &str = "spine";
/// `meta.RedundancyTypes`.
const REDUNDANCY_TYPES: [&str; 3] = ["", "mclag", "eslag"];
/// How a hydration warning ends: who fills the field and who needs it.
const HYDRATION: &str = "hhfab fills it when it hydrates the wiring; the fabric requires it";

/// One warning for the hydrated fields a switch leaves out (a GitOps repository usually
/// holds the wiring unhydrated, so this is the common case: one line per switch, not one
/// per field): `` `asn`, `ip` and `protocolIP` are not set: hhfab fills them ... ``.
fn unhydrated_warning(missing: &[&str], leaf_only_vtep: bool) -> String {
    let names: Vec<String> = missing.iter().map(|f| format!("`{f}`")).collect();
    let list = match names.as_slice() {
        [one] => {
            return format!(
                "{one} is not set: {HYDRATION}{}",
                if leaf_only_vtep { " on every leaf" } else { "" }
            );
        }
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    format!(
        "{list} are not set: hhfab fills them when it hydrates the wiring; the fabric requires them{}",
        if leaf_only_vtep {
            " (`vtepIP` on every leaf)"
        } else {
            ""
        }
    )
}

impl SwitchSpec {
    /// Whether the role is a leaf role (`SwitchRole.IsLeaf()`).
    pub fn is_leaf(&self) -> bool {
        LEAF_ROLES.contains(&self.role.as_str())
    }

    fn is_spine(&self) -> bool {
        self.role == SPINE
    }
}

/// `Default()` (`:240-289`), minus labels: port speeds lose a `SPEED_` prefix, no VLAN
/// namespace means `default`, the redundancy group joins `groups`, and both lists are
/// sorted.
pub fn default(object: &mut Object) {
    let spec = &mut object.spec;
    for speed in spec
        .port_group_speeds
        .values_mut()
        .chain(spec.port_speeds.values_mut())
    {
        if let Some(bare) = speed.strip_prefix("SPEED_") {
            *speed = bare.to_owned();
        }
    }
    if spec.vlan_namespaces.is_empty() {
        spec.vlan_namespaces = vec!["default".to_owned()];
    }
    if !spec.redundancy.group.is_empty() && !spec.groups.contains(&spec.redundancy.group) {
        spec.groups.push(spec.redundancy.group.clone());
    }
    spec.groups.sort();
    spec.vlan_namespaces.sort();
}

/// `Validate()`, stand-alone part, plus the hydration checks that need only the config.
pub fn validate(object: &Object, ctx: &Context, out: &mut Violations) {
    let spec = &object.spec;
    // `:454-456` (at least one VLAN namespace) cannot fail after `default`.
    let mut unhydrated: Vec<&str> = Vec::new();
    let asn = match spec.asn {
        None => {
            unhydrated.push("asn");
            None
        }
        // Go's zero value: unset, for hhfab and for the fabric alike.
        Some(0) => {
            out.warning(
                "/spec/asn",
                format!("`asn` is 0, i.e. not set: {HYDRATION}"),
            );
            None
        }
        Some(asn) => match u32::try_from(asn) {
            Ok(asn) => Some(asn),
            Err(_) => {
                out.error(
                    "/spec/asn",
                    format!("`asn` `{asn}` is not an ASN: a 4-byte ASN is 1..4294967295"),
                );
                None
            }
        },
    };
    if spec.ip.is_empty() {
        unhydrated.push("ip");
    }
    if spec.protocol_ip.is_empty() {
        unhydrated.push("protocolIP");
    }
    // `:466-468` in spine-leaf mode, and `HydrationValidation()` for any leaf (`:425-429`).
    let vtep_missing = spec.is_leaf() && spec.vtep_ip.is_empty() && ctx.config.is_some();
    if vtep_missing {
        unhydrated.push("vtepIP");
    }
    if !unhydrated.is_empty() {
        out.warning("/spec", unhydrated_warning(&unhydrated, vtep_missing));
        out.rule_of_last(crate::finding::rules::SWITCH_HYDRATION);
    }
    if spec.is_spine() && !spec.vtep_ip.is_empty() {
        out.error(
            "/spec/vtepIP",
            format!(
                "`vtepIP` `{}` is set on a spine: only leaves have a VTEP; remove it",
                spec.vtep_ip
            ),
        );
    }
    if spec.profile.is_empty() {
        out.error(
            "/spec",
            "`profile` is not set: a switch names its SwitchProfile, e.g. `vs` or `dell-s5248f-on`",
        );
    }
    validate_redundancy(&spec.redundancy, ctx.release, out);
    if let Some(config) = ctx.config {
        hydration::validate(spec, asn, config, ctx, out);
    }
}

/// `:477-485`, and from 26.03 MCLAG's deprecation warning (fabric v0.129.1
/// switch_types.go:707-708, 78827deb `:647-648`, given by Go only with the cluster at
/// hand, but it needs nothing from it). Up to 26.02 MCLAG is supported (its profile
/// feature is checked in `ports`).
fn validate_redundancy(redundancy: &Redundancy, release: Release, out: &mut Violations) {
    let (group, kind) = (&redundancy.group, &redundancy.kind);
    if !REDUNDANCY_TYPES.contains(&kind.as_str()) {
        out.error(
            "/spec/redundancy/type",
            format!("redundancy type `{kind}` is not known: use `eslag` (or `mclag`, deprecated)"),
        );
    }
    if !group.is_empty() && kind.is_empty() {
        out.error(
            "/spec/redundancy/group",
            format!(
                "redundancy group `{group}` is set without a redundancy type: set `type: eslag` too"
            ),
        );
    }
    if group.is_empty() && !kind.is_empty() {
        out.error(
            "/spec/redundancy/type",
            format!(
                "redundancy type `{kind}` is set without a redundancy group: set `group` to the SwitchGroup of the pair"
            ),
        );
    }
    if kind == "mclag" && !super::connection::mclag_validated(release) {
        out.warning(
            "/spec/redundancy/type",
            "MCLAG is deprecated and no longer supported: use ESLAG (`type: eslag`)",
        );
    }
}

/// The cross-object part of `Validate()` (`:499-719`, the `HydrationValidation()`
/// uniqueness checks) and the update webhook's (`pkg/ctrl/switch_wh.go`): see `cross`.
pub fn validate_cross(
    object: &Object,
    state: &super::state::FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    cross::validate(object, state, ctx, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;
    use crate::rules::{Severity, Violation};

    fn admit(spec: serde_json::Value) -> Vec<(String, Severity)> {
        let object = serde_json::json!({"metadata": {"name": "leaf-01"}, "spec": spec});
        crate::rules::admit(&Kind::Switch, &object, &Context::fabricator_defaults())
            .into_iter()
            .map(
                |Violation {
                     pointer, severity, ..
                 }| (pointer, severity),
            )
            .collect()
    }

    fn hydrated_leaf() -> serde_json::Value {
        serde_json::json!({
            "role": "server-leaf", "profile": "vs", "asn": 65101, "ip": "172.30.0.8/21",
            "protocolIP": "172.30.8.2/32", "vtepIP": "172.30.12.0/32"
        })
    }

    #[test]
    fn default_adds_the_redundancy_group_and_the_default_namespace_and_strips_speed_prefixes() {
        let mut object: Object = serde_json::from_value(serde_json::json!({"spec": {
            "groups": ["z"], "redundancy": {"group": "eslag-1", "type": "eslag"},
            "portSpeeds": {"E1/1": "SPEED_25GB"}
        }}))
        .unwrap();
        default(&mut object);
        assert_eq!(object.spec.groups, ["eslag-1", "z"]);
        assert_eq!(object.spec.vlan_namespaces, ["default"]);
        assert_eq!(object.spec.port_speeds["E1/1"], "25GB");
    }

    #[test]
    fn the_missing_hydration_values_are_one_warning_at_the_spec() {
        let found = admit(serde_json::json!({"role": "server-leaf", "profile": "vs"}));
        assert_eq!(found, vec![("/spec".to_owned(), Severity::Warning)]);
        assert_eq!(
            unhydrated_warning(&["asn", "ip", "protocolIP", "vtepIP"], true),
            "`asn`, `ip`, `protocolIP` and `vtepIP` are not set: hhfab fills them when it hydrates the wiring; the fabric requires them (`vtepIP` on every leaf)"
        );
        assert_eq!(
            unhydrated_warning(&["ip"], false),
            "`ip` is not set: hhfab fills it when it hydrates the wiring; the fabric requires it"
        );
    }

    #[test]
    fn independent_problems_are_each_reported_and_a_bad_address_is_not_checked_further() {
        let mut spec = hydrated_leaf();
        spec["protocolIP"] = "10.0.0.1/24".into();
        spec["ip"] = "172.30.0.8/33".into();
        spec["asn"] = 1.into();
        assert_eq!(
            admit(spec),
            [
                ("/spec/ip".to_owned(), Severity::Error),
                ("/spec/protocolIP".to_owned(), Severity::Error),
                // These two rest on fabricator's default protocol subnet and leaf ASNs.
                ("/spec/protocolIP".to_owned(), Severity::Warning),
                ("/spec/asn".to_owned(), Severity::Warning),
            ]
        );
    }

    #[test]
    fn an_ip_outside_the_management_subnet_is_not_also_called_inside_the_dhcp_range() {
        let mut spec = hydrated_leaf();
        spec["ip"] = "10.0.0.8/21".into();
        assert_eq!(admit(spec), [("/spec/ip".to_owned(), Severity::Warning)]);
    }

    #[test]
    fn a_finding_on_a_config_value_is_an_error_only_when_the_config_is_given() {
        let config = crate::rules::config::FabricConfig::fabricator_defaults();
        let given =
            crate::rules::test_support::given_config(Some(&config), crate::rules::Release::NEWEST);
        let mut spec = hydrated_leaf();
        spec["ip"] = "192.168.200.8/24".into();
        let object = serde_json::json!({"metadata": {"name": "leaf-01"}, "spec": spec});
        let found = crate::rules::admit(&Kind::Switch, &object, &given);
        assert_eq!(
            found
                .iter()
                .map(|v| (v.severity, v.message.as_str()))
                .collect::<Vec<_>>(),
            [(
                Severity::Error,
                "management IP `192.168.200.8` is outside the fabric's management subnet `172.30.0.0/21` (`managementSubnet`)"
            )]
        );
        let assumed = crate::rules::admit(&Kind::Switch, &object, &Context::fabricator_defaults());
        assert_eq!(
            assumed
                .iter()
                .map(|v| (v.severity, v.message.as_str()))
                .collect::<Vec<_>>(),
            [(
                Severity::Warning,
                "management IP `192.168.200.8` is outside the fabric's management subnet `172.30.0.0/21` (`managementSubnet`); that value is fabricator's default `managementSubnet`, assumed for want of a fabric config: if your fabric uses another, give its config with --fabric-config or <fabric>/fab.yaml"
            )]
        );
    }

    #[test]
    fn a_config_field_that_does_not_parse_skips_its_check() {
        let mut config = crate::rules::config::FabricConfig::fabricator_defaults();
        config.protocol_subnet = String::new();
        let ctx =
            crate::rules::test_support::given_config(Some(&config), crate::rules::Release::NEWEST);
        let mut spec = hydrated_leaf();
        spec["protocolIP"] = "10.0.0.1/32".into();
        let object = serde_json::json!({"metadata": {"name": "leaf-01"}, "spec": spec});
        assert!(crate::rules::admit(&Kind::Switch, &object, &ctx).is_empty());
    }

    #[test]
    fn gitops_test_1_switches_move_with_hydration_and_mclag_warnings() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/gitops-test-1/gitops/hedgehog/fabric-1/raw/prepop.yaml"
        );
        let bytes = std::fs::read(path).unwrap();
        let registry = crate::schema::Registry::embedded();
        let resources =
            crate::validate::check_file(&registry, &Context::fabricator_defaults(), &bytes)
                .unwrap();
        let warned: Vec<String> = resources
            .iter()
            .filter(|r| r.kind == Kind::Switch)
            .flat_map(|r| {
                r.warnings
                    .iter()
                    .map(move |w| format!("{} {}:{} {}", r.name, w.line, w.col, w.message))
            })
            .collect();
        let hydration = |name: &str, line: u32, leaf: bool| {
            vec![if leaf {
                format!(
                    "{name} {line}:3 `asn`, `ip`, `protocolIP` and `vtepIP` are not set: hhfab fills them when it hydrates the wiring; the fabric requires them (`vtepIP` on every leaf)"
                )
            } else {
                format!(
                    "{name} {line}:3 `asn`, `ip` and `protocolIP` are not set: hhfab fills them when it hydrates the wiring; the fabric requires them"
                )
            }]
        };
        let mclag = |name: &str, line: u32| {
            format!(
                "{name} {line}:11 MCLAG is deprecated and no longer supported: use ESLAG (`type: eslag`)"
            )
        };
        let mut expected = Vec::new();
        for (name, spec_line, mclag_line) in [
            ("leaf-01", 28, Some(37)),
            ("leaf-02", 45, Some(54)),
            ("leaf-03", 62, None),
            ("leaf-04", 79, None),
            ("leaf-05", 96, None),
        ] {
            expected.extend(hydration(name, spec_line, true));
            expected.extend(mclag_line.map(|line| mclag(name, line)));
        }
        expected.extend(hydration("spine-01", 109, false));
        expected.extend(hydration("spine-02", 122, false));
        assert_eq!(warned, expected);
        assert_eq!(resources.len(), 46);
    }
}
