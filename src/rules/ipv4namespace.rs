//! IPv4Namespace (`api/vpc/v1beta1/ipv4namespace_types.go` at 78827deb): the stand-alone
//! part of `Validate()` (`:117-151`): subnets are prefixes, at most ten, overlapping neither
//! each other nor the fabric's reserved subnets. The name limit (`:122-124`, 11 characters)
//! lives with the other naming rules in `validate/names.rs`.
//!
//! `Default()` (`:103-115`) sets labels and sorts `subnets`; neither changes a verdict
//! (every check is per subnet or per pair), so the list keeps the document's order and the
//! findings point at the entries as written.

use ipnet::IpNet;
use serde::Deserialize;

use super::{Context, Resource, Violations, net};

/// An IPv4Namespace as the rules read it.
pub type Object = Resource<Ipv4NamespaceSpec>;

/// At most this many subnets (`MaxIPv4NamespaceSubnets`, `:33`): the fabric needs ACLs
/// between each pair, and switches hold few.
const MAX_SUBNETS: usize = 10;

/// `IPv4NamespaceSpec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Ipv4NamespaceSpec {
    /// `subnets`.
    pub subnets: Vec<String>,
}

impl Ipv4NamespaceSpec {
    /// Whether `prefix` lies inside one of the namespace's subnets, as `iputil.IsSubset`
    /// decides (`pkg/util/iputil/ip.go`): the same address family, the network address
    /// inside, and a prefix at least as long. A subnet that does not parse covers nothing:
    /// the namespace is rejected for it.
    pub fn covers(&self, prefix: &IpNet) -> bool {
        let inner = prefix.trunc();
        self.subnets
            .iter()
            .filter_map(|subnet| net::parse_prefix(subnet).ok())
            .any(|outer| {
                outer.trunc().contains(&inner.network()) && inner.prefix_len() >= outer.prefix_len()
            })
    }
}

/// `Default()`: labels and sorting only (see the module comment).
pub fn default(_namespace: &mut Object) {}

/// `Validate()` (`:126-151`); it needs no other object.
pub fn validate(namespace: &Object, ctx: &Context, out: &mut Violations) {
    let subnets = &namespace.spec.subnets;
    let mut parsed: Vec<(usize, IpNet)> = Vec::new();
    for (i, subnet) in subnets.iter().enumerate() {
        match net::parse_prefix(subnet) {
            Ok(prefix) => parsed.push((i, prefix.trunc())),
            Err(e) => out.error(
                format!("/spec/subnets/{i}"),
                format!(
                    "{e}: an IPv4Namespace subnet is written as a prefix such as `10.0.0.0/16`"
                ),
            ),
        }
    }
    if subnets.len() > MAX_SUBNETS {
        out.error(
            "/spec/subnets",
            format!(
                "an IPv4Namespace may have at most {MAX_SUBNETS} subnets; this one has {}: merge some, or split them over several namespaces",
                subnets.len()
            ),
        );
    }
    for (n, (i, prefix)) in parsed.iter().enumerate() {
        if let Some((j, _)) = parsed[..n].iter().find(|(_, p)| net::overlaps(p, prefix)) {
            out.error(
                format!("/spec/subnets/{i}"),
                format!(
                    "subnet `{}` overlaps subnet `{}` (#{j}) of this namespace: the subnets of an IPv4Namespace must not share addresses",
                    subnets[*i], subnets[*j]
                ),
            );
        }
    }
    let reserved = ctx
        .config
        .map_or(&[][..], |c| &c.parsed_reserved_subnets[..]);
    for (i, prefix) in &parsed {
        if let Some(taken) = reserved.iter().find(|r| net::overlaps(r, prefix)) {
            out.error(
                format!("/spec/subnets/{i}"),
                format!(
                    "subnet `{}` overlaps `{taken}`, which the fabric reserves for its own addresses (`reservedSubnets`: management, fabric links, loopbacks, VTEPs): pick a subnet outside it",
                    subnets[*i]
                ),
            );
        }
    }
    // `:151` checks the reserved subnets against each other too, so a config whose reserved
    // subnets overlap makes the fabric refuse every IPv4Namespace.
    for (n, first) in reserved.iter().enumerate() {
        if let Some(second) = reserved[n + 1..].iter().find(|r| net::overlaps(first, r)) {
            out.error(
                "/spec",
                format!("the fabric config's reserved subnets `{first}` and `{second}` overlap, so the fabric refuses every IPv4Namespace: fix `reservedSubnets`"),
            );
        }
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
    use serde_json::json;

    fn violations(subnets: serde_json::Value) -> Vec<(String, String)> {
        let mut namespace: Object =
            serde_json::from_value(json!({"spec": {"subnets": subnets}})).unwrap();
        default(&mut namespace);
        let mut out = Violations::default();
        validate(&namespace, &Context::fabricator_defaults(), &mut out);
        out.into_vec()
            .into_iter()
            .map(|v| (v.pointer, v.message))
            .collect()
    }

    #[test]
    fn overlaps_point_at_the_later_entry_as_written() {
        let found = violations(json!(["10.0.5.0/24", "10.1.0.0/16", "10.0.0.0/16"]));
        assert_eq!(
            found,
            vec![(
                "/spec/subnets/2".into(),
                "subnet `10.0.0.0/16` overlaps subnet `10.0.5.0/24` (#0) of this namespace: the subnets of an IPv4Namespace must not share addresses".into()
            )]
        );
    }

    #[test]
    fn an_unparsable_subnet_is_reported_and_left_out_of_the_overlap_checks() {
        let found = violations(json!(["10.0.0.0/33", "10.0.0.0/16"]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "/spec/subnets/0");
    }

    #[test]
    fn host_bits_are_masked_before_comparing() {
        let found = violations(json!(["10.0.0.1/16", "10.0.200.0/24"]));
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
