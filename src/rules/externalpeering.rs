//! ExternalPeering (`api/vpc/v1beta1/externalpeering_types.go`): which subnets of a VPC
//! are advertised to an External and which of its prefixes the VPC accepts. `Default()` and
//! `Validate()`, whose cross-object part (`:178-206`) wants the VPC and the External to exist,
//! share their IPv4Namespace, and the VPC to have every listed subnet. The webhook's update
//! check is `Validate()` again (`pkg/ctrl/externalpeering_wh.go:70-81`).

use serde::Deserialize;

use super::state::FabricState;
use super::{Context, Violations, default_metadata};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::backticked;

/// `spec` (`ExternalPeeringSpec`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Spec {
    /// The peering policy.
    pub permit: Permit,
}

/// `spec.permit` (`ExternalPeeringSpecPermit`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Permit {
    /// The VPC side.
    pub vpc: VpcSide,
    /// The External side.
    pub external: ExternalSide,
}

/// `spec.permit.vpc` (`ExternalPeeringSpecVPC`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VpcSide {
    /// The VPC's name.
    pub name: String,
    /// Names of the VPC's subnets advertised to the External (sorted by `Default()`).
    pub subnets: Vec<String>,
    /// `subnets` in the order written, so that findings point at them after `Default()`
    /// sorted the list.
    #[serde(skip)]
    pub subnets_as_written: Vec<String>,
}

/// `spec.permit.external` (`ExternalPeeringSpecExternal`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExternalSide {
    /// The External's name.
    pub name: String,
    /// Prefixes accepted from the External (sorted by `Default()`).
    pub prefixes: Vec<Prefix>,
}

/// One entry of `spec.permit.external.prefixes` (`ExternalPeeringSpecPrefix`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Prefix {
    /// The prefix; every longer prefix inside it is accepted too.
    pub prefix: String,
    /// Its index as written, so that findings point at it after `Default()` sorted the list.
    #[serde(skip)]
    pub written_at: usize,
}

/// An ExternalPeering as `Validate()` reads it.
pub type Object = super::Resource<Spec>;

/// `ExternalPeering.Default()` (`externalpeering_types.go:131-147`): labels, then the VPC
/// subnets and the external prefixes sorted.
pub fn default(peering: &mut Object) {
    let permit = &mut peering.spec.permit;
    default_metadata(
        &mut peering.metadata,
        &[
            ("vpc", &permit.vpc.name),
            ("external", &permit.external.name),
        ],
    );
    permit.vpc.subnets_as_written = permit.vpc.subnets.clone();
    permit.vpc.subnets.sort();
    for (index, prefix) in permit.external.prefixes.iter_mut().enumerate() {
        prefix.written_at = index;
    }
    permit
        .external
        .prefixes
        .sort_by(|a, b| a.prefix.cmp(&b.prefix));
}

/// `ExternalPeering.Validate()` without the checks that need other objects
/// (`externalpeering_types.go:149-209`).
pub fn validate(peering: &Object, _ctx: &Context, out: &mut Violations) {
    let permit = &peering.spec.permit;
    // `:154-159`
    if permit.vpc.name.is_empty() {
        out.error(
            "/spec/permit/vpc/name",
            "`permit.vpc.name` is empty: name the VPC to peer with the external",
        );
    }
    if permit.external.name.is_empty() {
        out.error(
            "/spec/permit/external/name",
            "`permit.external.name` is empty: name the External to peer with the VPC",
        );
    }
    // `:161-176`: the prefix itself is not parsed upstream.
    let mut empty: Vec<usize> = permit
        .external
        .prefixes
        .iter()
        .filter(|p| p.prefix.is_empty())
        .map(|p| p.written_at)
        .collect();
    empty.sort_unstable();
    for index in empty {
        out.error(
            format!("/spec/permit/external/prefixes/{index}/prefix"),
            "an external prefix is empty: write the prefix to accept from the external, e.g. `0.0.0.0/0` for every route",
        );
    }
}

/// The cross-object part of `Validate()`: the VPC exists (`:179-186`), the External
/// exists (`:188-195`), both are in the same IPv4Namespace (`:197-199`), and the VPC has
/// every subnet listed in `permit.vpc.subnets` (`:201-205`). An empty name was reported
/// by the stand-alone part and is not looked up.
pub fn validate_cross(peering: &Object, state: &FabricState, _ctx: &Context, out: &mut Violations) {
    let permit = &peering.spec.permit;
    let vpc = (!permit.vpc.name.is_empty())
        .then(|| {
            state.lookup(
                &state.vpcs,
                Kind::Vpc,
                &permit.vpc.name,
                "/spec/permit/vpc/name",
                "the checks of the VPC's namespace and subnets",
                out,
            )
        })
        .flatten();
    let external = (!permit.external.name.is_empty())
        .then(|| {
            state.lookup(
                &state.externals,
                Kind::External,
                &permit.external.name,
                "/spec/permit/external/name",
                "the check that it shares the VPC's IPv4Namespace",
                out,
            )
        })
        .flatten();
    let Some(vpc) = vpc else {
        return;
    };
    if let Some(external) = external {
        let (of_vpc, of_external) = (
            &vpc.object.spec.ipv4_namespace,
            &external.object.spec.ipv4_namespace,
        );
        if of_vpc != of_external {
            out.error(
                "/spec/permit/external/name",
                format!(
                    "External `{}` ({}) is in IPv4Namespace `{of_external}` but VPC `{}` ({}) is in `{of_vpc}`: a VPC can only peer with an External of its own IPv4Namespace",
                    permit.external.name, external.origin, permit.vpc.name, vpc.origin
                ),
            );
            out.rule_of_last(rules::EXTERNALPEERING_NAMESPACE_MISMATCH);
            out.involving_last(Kind::External, &permit.external.name, &external.origin);
            out.involving_last(Kind::Vpc, &permit.vpc.name, &vpc.origin);
        }
    }
    let subnets = vpc.object.spec.subnets.as_ref();
    for (index, subnet) in permit.vpc.subnets_as_written.iter().enumerate() {
        if !subnets.is_some_and(|s| s.contains_key(subnet)) {
            let known = backticked(subnets.into_iter().flat_map(|s| s.keys()));
            out.error(
                format!("/spec/permit/vpc/subnets/{index}"),
                format!(
                    "VPC `{}` ({}) has no subnet `{}`: name one of its subnets ({})",
                    permit.vpc.name, vpc.origin, subnet, known
                ),
            );
            out.rule_of_last(rules::EXTERNALPEERING_SUBNET_MISSING);
            out.involving_last(Kind::Vpc, &permit.vpc.name, &vpc.origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_prefixes_are_reported_where_written_though_default_sorts_them() {
        let mut peering: Object = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "spec": {"permit": {
                "vpc": {"name": "vpc-1", "subnets": ["b", "a"]},
                "external": {"name": "ext", "prefixes": [
                    {"prefix": "10.0.0.0/8"}, {"prefix": ""}, {"prefix": "0.0.0.0/0"}, {}
                ]}
            }}
        }))
        .unwrap();
        default(&mut peering);
        assert_eq!(peering.spec.permit.vpc.subnets, ["a", "b"]);
        let sorted: Vec<_> = peering
            .spec
            .permit
            .external
            .prefixes
            .iter()
            .map(|p| p.prefix.as_str())
            .collect();
        assert_eq!(sorted, ["", "", "0.0.0.0/0", "10.0.0.0/8"]);
        assert_eq!(
            peering.metadata.labels["fabric.githedgehog.com/vpc"],
            "vpc-1"
        );
        let mut out = Violations::default();
        validate(&peering, &Context::fabricator_defaults(), &mut out);
        let pointers: Vec<_> = out.into_vec().into_iter().map(|v| v.pointer).collect();
        assert_eq!(
            pointers,
            [
                "/spec/permit/external/prefixes/1/prefix",
                "/spec/permit/external/prefixes/3/prefix"
            ]
        );
    }

    mod cross {
        use super::*;
        use crate::rules::Severity;
        use crate::rules::state::References;
        use serde_json::{Value, json};

        fn objects() -> Vec<(&'static str, Value)> {
            vec![
                (
                    "managed/vpcs/vpc-1.yaml",
                    json!({"kind": "VPC", "metadata": {"name": "vpc-1"},
                           "spec": {"subnets": {"a": {"subnet": "10.0.1.0/24", "vlan": 1001},
                                                "b": {"subnet": "10.0.2.0/24", "vlan": 1002}}}}),
                ),
                (
                    "raw/externals.yaml",
                    json!({"kind": "External", "metadata": {"name": "ext"}, "spec": {}}),
                ),
                (
                    "raw/externals.yaml",
                    json!({"kind": "External", "metadata": {"name": "blue"},
                           "spec": {"ipv4Namespace": "blue"}}),
                ),
            ]
        }

        fn findings(permit: Value, references: References) -> Vec<(Severity, String, String)> {
            cross(permit, references)
                .into_iter()
                .map(|cross| cross.violation)
                .map(|v| (v.severity, v.pointer, v.message))
                .collect()
        }

        fn cross(permit: Value, references: References) -> Vec<crate::rules::CrossViolation> {
            let ctx = Context::fabricator_defaults();
            let state = FabricState::of_objects(&objects(), &ctx, references);
            let mut peering: Object = serde_json::from_value(
                json!({"metadata": {"name": "p"}, "spec": {"permit": permit}}),
            )
            .unwrap();
            default(&mut peering);
            let mut out = Violations::default();
            validate_cross(&peering, &state, &ctx, &mut out);
            out.into_cross()
        }

        #[test]
        fn listed_subnets_are_found_where_written_though_default_sorts_them() {
            let permit = json!({"vpc": {"name": "vpc-1", "subnets": ["z", "b", "a"]},
                                "external": {"name": "ext"}});
            assert_eq!(
                findings(permit, References::Strict),
                [(
                    Severity::Error,
                    "/spec/permit/vpc/subnets/0".into(),
                    "VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1) has no subnet `z`: name one of its subnets (`a`, `b`)".into()
                )]
            );
        }

        #[test]
        fn vpc_and_external_must_share_the_ipv4_namespace() {
            let permit = json!({"vpc": {"name": "vpc-1"}, "external": {"name": "blue"}});
            assert_eq!(
                findings(permit, References::Strict),
                [(
                    Severity::Error,
                    "/spec/permit/external/name".into(),
                    "External `blue` (raw/externals.yaml:1) is in IPv4Namespace `blue` but VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1) is in `default`: a VPC can only peer with an External of its own IPv4Namespace".into()
                )]
            );
        }

        #[test]
        fn a_namespace_mismatch_involves_both_sides_and_a_missing_subnet_the_vpc() {
            let permit =
                json!({"vpc": {"name": "vpc-1", "subnets": ["z"]}, "external": {"name": "blue"}});
            let involved: Vec<_> = cross(permit, References::Strict)
                .iter()
                .map(crate::rules::CrossViolation::involved_described)
                .collect();
            let vpc = "VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1)".to_owned();
            assert_eq!(
                involved,
                [
                    (
                        "/spec/permit/external/name".to_owned(),
                        vec![
                            "External `blue` (raw/externals.yaml:1)".to_owned(),
                            vpc.clone()
                        ]
                    ),
                    ("/spec/permit/vpc/subnets/0".to_owned(), vec![vpc]),
                ]
            );
        }

        #[test]
        fn missing_objects_are_lookups_and_empty_names_are_not_looked_up() {
            let permit =
                json!({"vpc": {"name": "gone", "subnets": ["a"]}, "external": {"name": ""}});
            let found: Vec<_> = findings(permit, References::Warn)
                .into_iter()
                .map(|(severity, pointer, _)| (severity, pointer))
                .collect();
            assert_eq!(found, [(Severity::Warning, "/spec/permit/vpc/name".into())]);
        }
    }
}
