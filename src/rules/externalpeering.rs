//! ExternalPeering (`api/vpc/v1beta1/externalpeering_types.go`): which subnets of a VPC
//! are advertised to an External and which of its prefixes the VPC accepts. `Default()` and
//! the stand-alone part of `Validate()`.

use serde::Deserialize;

use super::default_metadata;
use super::{Context, Violations};

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
    // cross-object (issue 8): the VPC exists (`:179-186`), the External exists (`:188-195`),
    // both are in the same IPv4Namespace (`:197-199`), and the VPC has every subnet listed
    // in `permit.vpc.subnets` (`:201-205`).
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
}
