//! GatewayPeering (`gateway.githedgehog.com/v1alpha1`): `Default()` and the stand-alone part
//! of `Validate()` from `api/gateway/v1alpha1/gatewaypeering_types.go:236-483`: exactly two
//! sides (VPCs or `ext.<external>`), each side's expose entries (`ips`, `as`, `default`),
//! NAT (one mode per entry; stateful NAT on one side only; port forwarding rules) and the
//! ACL. The `idleTimeout`s must parse as Go durations, as the webhook decodes them before
//! `Validate()` runs.

mod acl;
mod duration;
mod expose;
mod nat;
mod overlap;
mod ports;
mod sides;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Context, Release, Violations, default_namespace, pointer_segment};
use crate::kind::Kind;
use nat::NatModes;
pub(crate) use overlap::{Exposed, exposed};

/// The name prefix of a side that is an External (`v1beta1.VPCInfoExtPrefix`).
const EXTERNAL_PREFIX: &str = "ext.";

/// A GatewayPeering as `Default()` and `Validate()` read it.
pub type Object = super::Resource<PeeringSpec>;

/// `PeeringSpec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeeringSpec {
    /// `gatewayGroup` (`Default()`: `default`).
    #[serde(rename = "gatewayGroup")]
    pub gateway_group: String,
    /// `peering`: the two sides, keyed by VPC name or `ext.<external>`; `None` when absent.
    pub peering: Option<BTreeMap<String, Option<PeeringEntry>>>,
    /// `acl`.
    pub acl: Option<PeeringAcl>,
}

/// `PeeringEntry`: what one side exposes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeeringEntry {
    /// `expose`.
    pub expose: Vec<PeeringExpose>,
}

/// `PeeringEntryExpose`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeeringExpose {
    /// `ips`: the side's own prefixes.
    pub ips: Vec<PeeringIp>,
    /// `as`: the prefixes they are translated to.
    #[serde(rename = "as")]
    pub as_prefixes: Vec<PeeringAs>,
    /// `nat`.
    pub nat: Option<PeeringNat>,
    /// `default`: this side is the default destination.
    #[serde(rename = "default")]
    pub default_destination: bool,
}

/// `PeeringEntryIP`: exactly one of the three.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeeringIp {
    /// `cidr`: a prefix to include.
    pub cidr: String,
    /// `not`: a prefix to exclude.
    pub not: String,
    /// `vpcSubnet`: a subnet of the VPC, by name.
    #[serde(rename = "vpcSubnet")]
    pub vpc_subnet: String,
}

/// `PeeringEntryAs`: exactly one of the two.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeeringAs {
    /// `cidr`.
    pub cidr: String,
    /// `not`.
    pub not: String,
}

/// `PeeringNAT`: exactly one mode.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeeringNat {
    /// `masquerade` (stateful).
    pub masquerade: Option<NatMasquerade>,
    /// `portForward` (stateful).
    #[serde(rename = "portForward")]
    pub port_forward: Option<NatPortForward>,
    /// `static` (stateless).
    #[serde(rename = "static")]
    pub static_nat: Option<NatStatic>,
}

/// `PeeringNATMasquerade`. `Default()` sets a zero `idleTimeout` to 2m, which changes no
/// verdict, so it is not ported.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NatMasquerade {
    /// `idleTimeout`: a Go duration.
    #[serde(rename = "idleTimeout")]
    pub idle_timeout: Option<String>,
}

/// `PeeringNATPortForward` (its 2m `idleTimeout` default is not ported either).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NatPortForward {
    /// `idleTimeout`: a Go duration.
    #[serde(rename = "idleTimeout")]
    pub idle_timeout: Option<String>,
    /// `ports`: at least one rule.
    pub ports: Vec<PortForwardRule>,
}

/// `PeeringNATPortForwardEntry`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PortForwardRule {
    /// `proto`: `tcp`, `udp` or empty (both).
    pub proto: String,
    /// `port`: a port or range.
    pub port: String,
    /// `as`: the port or range it is forwarded to.
    #[serde(rename = "as")]
    pub as_port: String,
}

/// `PeeringNATStatic`: no fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NatStatic {}

/// `PeeringACL`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeeringAcl {
    /// `default`: `deny` or `deny-unless-exposed` (`Default()`: the latter).
    pub default: String,
    /// `rules`. `Default()` also sets an empty `scope` to `flow`, which nothing validates.
    pub rules: Vec<AclRule>,
}

/// `PeeringACLRule`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AclRule {
    /// `name`: optional, for logs.
    pub name: String,
    /// `from`: a side of the peering.
    pub from: String,
    /// `to`: a side of the peering.
    pub to: String,
    /// `action`: `allow` or `deny`.
    pub action: String,
    /// `match`.
    #[serde(rename = "match")]
    pub matches: AclMatch,
}

/// `PeeringACLMatch`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AclMatch {
    /// `src`.
    pub src: Vec<AclEndpoint>,
    /// `dst`.
    pub dst: Vec<AclEndpoint>,
    /// `proto`: `tcp`, `udp`, a number, or empty (any).
    pub proto: String,
}

/// `PeeringACLMatchEndpoint`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AclEndpoint {
    /// `cidr`.
    pub cidr: String,
    /// `vpcSubnet`.
    #[serde(rename = "vpcSubnet")]
    pub vpc_subnet: String,
    /// `ports`.
    pub ports: Vec<String>,
}

/// `Default()` (`gatewaypeering_types.go:236-286`), the parts `Validate()` reads or that
/// identify the object. Like Go, it stops after the labels unless there are two sides.
pub fn default(peering: &mut Object) {
    default_namespace(&mut peering.metadata);
    let sides: Vec<String> = side_names(&peering.spec).map(str::to_owned).collect();
    if sides.len() != 2 {
        return;
    }
    for side in sides {
        peering
            .metadata
            .labels
            .insert(format!("vpc.gateway.githedgehog.com/{side}"), "true".into());
    }
    if peering.spec.gateway_group.is_empty() {
        peering.spec.gateway_group = "default".into();
    }
    if let Some(acl) = &mut peering.spec.acl
        && acl.default.is_empty()
    {
        acl.default = "deny-unless-exposed".into();
    }
}

/// The stand-alone part of `Validate()` (`gatewaypeering_types.go:288-483`).
pub fn validate(peering: &Object, ctx: &Context, out: &mut Violations) {
    super::gateway::require_gateway_support(Kind::GatewayPeering, ctx, out);
    // `:292-294` (namespace must be `default`) is the metadata rule that validate::names
    // already applies to every kind. `:295-297` (gatewayGroup must be set) can only fail
    // when `Default()` returned early on a peering without two sides, reported below.
    let spec = &peering.spec;
    let sides: Vec<&str> = side_names(spec).collect();
    if sides.len() != 2 {
        let written = sides.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>();
        out.error(
            if spec.peering.is_some() { "/spec/peering" } else { "/spec" },
            format!(
                "the peering has {} side{}{}: a GatewayPeering joins exactly two, each a VPC name or `ext.<external name>`",
                sides.len(),
                if sides.len() == 1 { "" } else { "s" },
                if written.is_empty() { String::new() } else { format!(" ({})", written.join(", ")) },
            ),
        );
    }
    let mut nat_modes = NatModes::default();
    for (side, entry) in spec.peering.iter().flatten() {
        let Some(entry) = entry else { continue };
        for (index, expose) in entry.expose.iter().enumerate() {
            let at = format!("{}/expose/{index}", side_pointer(side));
            expose::validate(side, &at, expose, &mut nat_modes, ctx.release, out);
        }
    }
    if let [first, second] = sides.as_slice() {
        nat_modes.check_pair(first, second, out);
    }
    // `spec.acl` came with fabric v0.129 (26.03): v0.120.3's GatewayPeeringSpec has no such
    // field, so its Validate() never sees one (the release's schema refuses it first).
    if let Some(acl) = spec.acl.as_ref().filter(|_| ctx.release >= Release::V26_03) {
        acl::validate(acl, &sides, out);
    }
}

/// The sides of the peering, in name order.
fn side_names(spec: &PeeringSpec) -> impl Iterator<Item = &str> {
    spec.peering
        .iter()
        .flat_map(|map| map.keys().map(String::as_str))
}

/// The pointer of side `name`.
fn side_pointer(name: &str) -> String {
    format!("/spec/peering/{}", pointer_segment(name))
}

/// The cross-object part of `Validate()` (`gatewaypeering_types.go:484-649`): the gateway
/// group exists, the exposed prefixes overlap no other peering's toward the same side, and
/// the sides and their subnets exist. The webhook's update check compares nothing with the
/// old version (`pkg/ctrl/gatewaypeering_wh.go:71-72`), so an update is checked as a create.
pub fn validate_cross(
    peering: &Object,
    state: &super::state::FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    let spec = &peering.spec;
    // `Default()` fills the group only for a peering with two sides; without one the
    // stand-alone rules already reported the sides.
    if !spec.gateway_group.is_empty() {
        state.lookup(
            &state.gateway_groups,
            Kind::GatewayGroup,
            &spec.gateway_group,
            "/spec/gatewayGroup",
            "the check that the peering's gateway group exists",
            out,
        );
    }
    overlap::validate(&peering.metadata.name, spec, state, out);
    sides::validate(spec, state, ctx.release, out);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rules::{Release, Severity};

    fn read(value: serde_json::Value) -> Object {
        serde_json::from_value(value).unwrap()
    }

    /// `TestPeeringDefaultEmpty` (`gatewaypeering_types_test.go:20-32`): only the namespace.
    #[test]
    fn an_empty_peering_gets_only_its_namespace() {
        let mut peering = read(json!({"metadata": {"name": "p"}}));
        default(&mut peering);
        assert_eq!(peering.metadata.namespace, "default");
        assert!(peering.metadata.labels.is_empty());
        assert_eq!(peering.spec.gateway_group, "");
    }

    /// The defaulted reference of `TestPeeringWithVpcsNoNAT` (`:61-72`): a label per side
    /// and the `default` group; and the ACL default (`:276-285`).
    #[test]
    fn two_sides_get_labels_the_default_group_and_the_acl_default() {
        let mut peering = read(json!({"metadata": {"name": "p"}, "spec": {
            "peering": {"vpc1": {}, "vpc2": {}}, "acl": {}}}));
        default(&mut peering);
        let labels: Vec<_> = peering.metadata.labels.iter().collect();
        assert_eq!(
            labels,
            [
                (
                    &"vpc.gateway.githedgehog.com/vpc1".to_owned(),
                    &"true".to_owned()
                ),
                (
                    &"vpc.gateway.githedgehog.com/vpc2".to_owned(),
                    &"true".to_owned()
                ),
            ]
        );
        assert_eq!(peering.spec.gateway_group, "default");
        assert_eq!(peering.spec.acl.unwrap().default, "deny-unless-exposed");
    }

    /// Oracle `gwp-ext.json` (`kube: false`): an External side exposing a `vpcSubnet` passes
    /// 26.01; 26.02 "external out-1 cannot have an IP block with VPC Subnets specified".
    #[test]
    fn an_external_exposing_a_vpc_subnet_is_refused_from_26_02() {
        let mut peering = read(json!({"metadata": {"name": "p"}, "spec": {"peering": {
            "vpc-1": {"expose": [{"ips": [{"cidr": "10.0.1.0/24"}]}]},
            "ext.out-1": {"expose": [{"ips": [{"vpcSubnet": "s1"}]}]}}}}));
        default(&mut peering);
        let errors = |release| -> Vec<String> {
            let mut config = crate::rules::config::FabricConfig::fabricator_defaults();
            config.enable_gateway = true;
            let ctx = crate::rules::test_support::given_config(Some(&config), release);
            let mut out = Violations::default();
            validate(&peering, &ctx, &mut out);
            out.into_vec().into_iter().map(|v| v.pointer).collect()
        };
        assert_eq!(errors(Release::V26_01), Vec::<String>::new());
        for release in [Release::V26_02, Release::V26_03] {
            assert_eq!(
                errors(release),
                ["/spec/peering/ext.out-1/expose/0/ips/0/vpcSubnet"],
                "{release}"
            );
        }
    }

    /// 26.02's GatewayPeering has no `acl` (fabric v0.120.3 `gatewaypeering_types.go`), so
    /// its Validate() never checks one: the 26.02 oracle accepts a bad ACL action (the
    /// field dropped), 26.03 refuses it.
    #[test]
    fn acl_rules_run_only_from_26_03() {
        let mut peering = read(json!({"metadata": {"name": "p"}, "spec": {
            "peering": {"vpc-1": {}, "vpc-2": {}},
            "acl": {"rules": [{"name": "r", "action": "x", "from": "vpc-1"}]}}}));
        default(&mut peering);
        let errors = |release| -> usize {
            let mut config = crate::rules::config::FabricConfig::fabricator_defaults();
            config.enable_gateway = true;
            let ctx = crate::rules::test_support::given_config(Some(&config), release);
            let mut out = Violations::default();
            validate(&peering, &ctx, &mut out);
            out.into_vec()
                .into_iter()
                .filter(|v| v.pointer.starts_with("/spec/acl"))
                .count()
        };
        assert_eq!(errors(Release::V26_01), 0);
        assert_eq!(errors(Release::V26_02), 0);
        assert!(errors(Release::V26_03) > 0);
    }

    #[test]
    fn independent_problems_each_get_a_finding_at_their_escaped_pointer() {
        let mut peering = read(json!({"metadata": {"name": "p"}, "spec": {"peering": {
            "a/b": {"expose": [{"ips": [{"cidr": "10.0.0.0/33"}, {}]}]},
            "c~d": {"expose": [{"ips": [{"cidr": "10.1.0.0/16"}], "as": [{"cidr": "10.9.0.0/16"}]}]}}}}));
        default(&mut peering);
        let mut out = Violations::default();
        validate(&peering, &Context::fabricator_defaults(), &mut out);
        let found: Vec<_> = out
            .into_vec()
            .into_iter()
            .map(|v| (v.severity, v.pointer))
            .collect();
        assert_eq!(
            found,
            [
                (Severity::Warning, "/kind".to_owned()),
                (
                    Severity::Error,
                    "/spec/peering/a~1b/expose/0/ips/0/cidr".to_owned()
                ),
                (
                    Severity::Error,
                    "/spec/peering/a~1b/expose/0/ips/1".to_owned()
                ),
                (Severity::Error, "/spec/peering/c~0d/expose/0/as".to_owned()),
            ]
        );
    }
}
