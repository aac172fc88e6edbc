//! External (`api/vpc/v1beta1/external_types.go`): an outside system reachable from one
//! IPv4Namespace, either over BGP (optionally filtered and stamped with communities) or
//! through static prefixes. `Default()` and `Validate()`, whose only cross-object check is
//! that the IPv4Namespace exists (`:176-186`); the webhook's update check is `Validate()`
//! again (`pkg/ctrl/external_wh.go:70-81`).

use serde::Deserialize;

use super::state::FabricState;
use super::{Context, Release, Violations, default_metadata, net};
use crate::kind::Kind;

/// The IPv4Namespace an External without one belongs to (`vpc/v1beta1/meta.go:17`).
const DEFAULT_IPV4_NAMESPACE: &str = "default";

/// `spec` (`ExternalSpec`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Spec {
    /// The IPv4Namespace this External belongs to (`default` when empty).
    pub ipv4_namespace: String,
    /// Community that filters the routes received from a BGP external (`65102:5000`).
    pub inbound_community: String,
    /// Community stamped on every route sent to a BGP external.
    pub outbound_community: String,
    /// Present for a static external.
    #[serde(rename = "static")]
    pub static_: Option<Static>,
}

/// `spec.static` (`ExternalStaticSpec`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Static {
    /// The prefixes reachable through the external.
    pub prefixes: Vec<String>,
}

/// An External as `Validate()` reads it.
pub type Object = super::Resource<Spec>;

/// `External.Default()` (`external_types.go:115-129`).
pub fn default(external: &mut Object) {
    if external.spec.ipv4_namespace.is_empty() {
        external.spec.ipv4_namespace = DEFAULT_IPV4_NAMESPACE.to_owned();
    }
    let ipv4_namespace = external.spec.ipv4_namespace.clone();
    default_metadata(&mut external.metadata, &[("ipv4ns", &ipv4_namespace)]);
}

/// `External.Validate()` without the checks that need other objects
/// (`external_types.go:131-189`). The name limit of 11 characters (`:136-138`) is checked
/// with the other name rules (`validate/names.rs`); `ipv4Namespace` can not be empty
/// (`:139-141`) once `Default()` ran.
pub fn validate(external: &Object, ctx: &Context, out: &mut Violations) {
    let spec = &external.spec;
    let communities = [
        ("inboundCommunity", &spec.inbound_community),
        ("outboundCommunity", &spec.outbound_community),
    ];
    match &spec.static_ {
        // `:143-150`
        None => {
            for (field, community) in communities {
                if community.is_empty() {
                    // fabric v0.115.4 api/vpc/v1beta1/external_types.go:139-145: a BGP
                    // external needs both communities; v0.120.3 made them optional.
                    if ctx.release < Release::V26_02 {
                        out.error(
                            "/spec",
                            format!("{field} is required at Hedgehog {}: a BGP external filters received routes by `inboundCommunity` and stamps sent ones with `outboundCommunity` (e.g. `50000:50001`); give both, or make the external static", ctx.release),
                        );
                    }
                } else if !is_community(community) {
                    out.error(
                        format!("/spec/{field}"),
                        format!("{field} `{community}` is not a BGP community: write `ASN:VALUE`, two numbers from 0 to 65535 without leading zeros, e.g. `50000:50001`"),
                    );
                }
            }
        }
        // `:151-174`
        Some(static_) => {
            for (field, community) in communities {
                if !community.is_empty() {
                    out.error(
                        format!("/spec/{field}"),
                        format!("a static external takes no communities: remove {field} `{community}` (communities filter BGP routes) or remove `static`"),
                    );
                }
            }
            validate_static_prefixes(&static_.prefixes, out);
        }
    }
}

/// A static external's prefixes: at least one, each a prefix (IPv4 or IPv6, as
/// `netip.ParsePrefix` reads it), no two overlapping (`external_types.go:156-173`).
fn validate_static_prefixes(prefixes: &[String], out: &mut Violations) {
    if prefixes.is_empty() {
        out.error(
            "/spec/static/prefixes",
            "a static external needs at least one prefix in `static.prefixes`: the routes the fabric sends to it, e.g. `0.0.0.0/0`",
        );
        return;
    }
    let mut parsed = Vec::with_capacity(prefixes.len());
    for (index, text) in prefixes.iter().enumerate() {
        match net::parse_prefix(text) {
            Ok(prefix) => parsed.push((index, prefix)),
            Err(problem) => out.error(
                format!("/spec/static/prefixes/{index}"),
                format!(
                    "static prefix {problem}; write an address and its length, e.g. `10.10.0.0/24`"
                ),
            ),
        }
    }
    for (at, (index, prefix)) in parsed.iter().enumerate() {
        let earlier = parsed.get(..at).unwrap_or_default();
        if let Some((other_index, other)) = earlier.iter().find(|(_, p)| net::overlaps(p, prefix)) {
            out.error(
                format!("/spec/static/prefixes/{index}"),
                format!("static prefix `{prefix}` overlaps `{other}` (prefix {other_index}): the prefixes of a static external must not overlap; keep the wider one or split them"),
            );
        }
    }
}

/// Whether `text` is `ASN:VALUE` with both parts decimal 0..=65535 without leading zeros
/// (`communityCheck`, `external_types.go:38`).
fn is_community(text: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p == "0" || !p.starts_with('0'))
            && p.parse::<u32>().is_ok_and(|n| n <= 65535)
    };
    text.split_once(':')
        .is_some_and(|(asn, value)| part(asn) && part(value))
}

/// The cross-object part of `Validate()` (`external_types.go:176-186`): the IPv4Namespace
/// exists.
pub fn validate_cross(
    external: &Object,
    state: &FabricState,
    _ctx: &Context,
    out: &mut Violations,
) {
    state.lookup(
        &state.ipv4_namespaces,
        Kind::Ipv4Namespace,
        &external.spec.ipv4_namespace,
        "/spec/ipv4Namespace",
        "the check that the External's IPv4Namespace exists",
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Violation;

    fn check(spec: serde_json::Value) -> Vec<Violation> {
        check_at(spec, Release::NEWEST)
    }

    fn check_at(spec: serde_json::Value, release: Release) -> Vec<Violation> {
        let object = serde_json::json!({"metadata": {"name": "ext"}, "spec": spec});
        let mut external: Object = serde_json::from_value(object).unwrap();
        default(&mut external);
        let mut out = Violations::default();
        let ctx = Context {
            release,
            ..Context::fabricator_defaults()
        };
        validate(&external, &ctx, &mut out);
        out.into_vec()
    }

    #[test]
    fn a_bgp_external_needs_both_communities_only_at_26_01() {
        let only_inbound = serde_json::json!({"inboundCommunity": "65102:5000"});
        let messages = |release| -> Vec<String> {
            check_at(only_inbound.clone(), release)
                .into_iter()
                .map(|v| format!("{} {}", v.pointer, v.message))
                .collect()
        };
        assert_eq!(
            messages(Release::V26_01),
            [
                "/spec outboundCommunity is required at Hedgehog 26.01: a BGP external filters received routes by `inboundCommunity` and stamps sent ones with `outboundCommunity` (e.g. `50000:50001`); give both, or make the external static"
            ]
        );
        assert!(messages(Release::V26_02).is_empty());
        assert!(messages(Release::V26_03).is_empty());
        let neither = check_at(serde_json::json!({}), Release::V26_01);
        assert!(
            neither[0]
                .message
                .starts_with("inboundCommunity is required")
        );
        assert!(
            neither[1]
                .message
                .starts_with("outboundCommunity is required")
        );
        let static_ = serde_json::json!({"static": {"prefixes": ["0.0.0.0/0"]}});
        assert!(check_at(static_, Release::V26_01).is_empty());
    }

    #[test]
    fn communities_are_two_16_bit_numbers_without_leading_zeros() {
        for good in ["0:0", "65535:65535", "50000:1001", "9:10"] {
            assert!(is_community(good), "{good}");
        }
        for bad in [
            "65536:1",
            "1:65536",
            "01:1",
            "1:00",
            "1",
            "1:2:3",
            ":1",
            "1:",
            "+1:1",
            "a:b",
            "1:2\n",
            "99999999999999999999:1",
        ] {
            assert!(!is_community(bad), "{bad}");
        }
    }

    #[test]
    fn every_bad_community_and_prefix_is_reported_once() {
        let found =
            check(serde_json::json!({"inboundCommunity": "1:x", "outboundCommunity": "2:y"}));
        let pointers: Vec<_> = found.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/spec/inboundCommunity", "/spec/outboundCommunity"]
        );

        let found = check(serde_json::json!({"static": {"prefixes": [
            "0.0.0.0/0", "10.0.0.0/33", "10.10.0.0/24", "10.10.0.0/16", "fd00::/8"
        ]}}));
        let pointers: Vec<_> = found.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/spec/static/prefixes/1",
                "/spec/static/prefixes/2",
                "/spec/static/prefixes/3"
            ]
        );
        assert_eq!(
            found[1].message,
            "static prefix `10.10.0.0/24` overlaps `0.0.0.0/0` (prefix 0): the prefixes of a static external must not overlap; keep the wider one or split them"
        );
    }

    #[test]
    fn default_sets_the_namespace_and_replaces_fabric_labels() {
        let mut external: Object = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "ext", "labels": {
                "fabric.githedgehog.com/ipv4ns": "stale", "vpc.fabric.githedgehog.com/x": "true", "team": "a"
            }},
            "spec": {}
        }))
        .unwrap();
        default(&mut external);
        assert_eq!(external.metadata.namespace, "default");
        assert_eq!(external.spec.ipv4_namespace, "default");
        let labels: Vec<_> = external.metadata.labels.iter().collect();
        assert_eq!(
            labels,
            [
                (
                    &"fabric.githedgehog.com/ipv4ns".to_owned(),
                    &"default".to_owned()
                ),
                (&"team".to_owned(), &"a".to_owned()),
            ]
        );
    }

    #[test]
    fn the_ipv4_namespace_must_exist() {
        use crate::rules::state::References;
        let namespace = serde_json::json!({"kind": "IPv4Namespace", "metadata": {"name": "blue"},
                                           "spec": {"subnets": ["10.0.0.0/16"]}});
        let ctx = Context::fabricator_defaults();
        let state = FabricState::of_objects(
            &[("managed/ipv4namespaces/blue.yaml", namespace)],
            &ctx,
            References::Strict,
        );
        let check = |namespace: &str| {
            let mut external: Object = serde_json::from_value(serde_json::json!({
                "metadata": {"name": "ext"}, "spec": {"ipv4Namespace": namespace}
            }))
            .unwrap();
            default(&mut external);
            let mut out = Violations::default();
            validate_cross(&external, &state, &ctx, &mut out);
            out.into_vec()
        };
        assert_eq!(check("blue"), []);
        let found = check("");
        assert_eq!(
            (found[0].pointer.as_str(), found[0].message.as_str()),
            (
                "/spec/ipv4Namespace",
                "IPv4Namespace `default` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/"
            )
        );
    }
}
