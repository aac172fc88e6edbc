//! The hydration rules for MCLAG peers that 26.01 and 26.02 run (fabric v0.120.3, the
//! same at v0.115.4, `api/wiring/v1beta1/switch_types.go:242-400`): the two leaves of an
//! MCLAG pair act as one, so they share their ASN and VTEP IP, and a leaf of type `mclag`
//! without a peer is held to the uniqueness rules of any leaf. From 26.03 (as at
//! 78827deb) an MCLAG leaf is exempt from both and has no peer rule.

use super::super::state::{Entry, FabricState};
use super::super::{Release, Violations};
use super::{Object, SwitchSpec};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::connection::mclag_validated;

/// What the uniqueness checks of a leaf do with its MCLAG redundancy at a release.
pub(super) enum Uniqueness<'s> {
    /// Not an MCLAG leaf, or one without a peer up to 26.02: ASN and VTEP IP are unique.
    Unique,
    /// An MCLAG leaf from 26.03: exempt from both checks.
    Exempt,
    /// An MCLAG leaf with its peer up to 26.02: both values are the peer's instead.
    SameAsPeer(&'s str, &'s Entry<Object>),
}

/// How the leaf `name` is checked at `release`. Its peer is the other switch of its
/// redundancy group of type `mclag`; with several, Go keeps the last one it lists
/// (`:283-286`), the last by name here.
pub(super) fn uniqueness<'s>(
    name: &str,
    spec: &SwitchSpec,
    state: &'s FabricState,
    release: Release,
) -> Uniqueness<'s> {
    if spec.redundancy.kind != "mclag" {
        return Uniqueness::Unique;
    }
    if !mclag_validated(release) {
        return Uniqueness::Exempt;
    }
    state
        .switches
        .iter()
        .filter(|(other, entry)| {
            *other != name
                && entry.object.spec.redundancy.kind == "mclag"
                && entry.object.spec.redundancy.group == spec.redundancy.group
        })
        .last()
        .map_or(Uniqueness::Unique, |(peer, entry)| {
            Uniqueness::SameAsPeer(peer, entry)
        })
}

/// `:351-356` and `:389-394`: the leaf's ASN and VTEP IP are its peer's. A value that
/// either of them lacks is not compared: hhfab hydrates the pair together.
pub(super) fn validate_same_as_peer(
    spec: &SwitchSpec,
    peer: &str,
    entry: &Entry<Object>,
    out: &mut Violations,
) {
    let other = &entry.object.spec;
    if let (Some(asn), Some(peer_asn)) = (spec.asn, other.asn)
        && asn != peer_asn
    {
        out.error(
            "/spec/asn",
            format!(
                "ASN `{asn}` differs from `{peer_asn}` of its MCLAG peer `{peer}` ({}): the two switches of an MCLAG pair have the same ASN",
                entry.origin
            ),
        );
        out.rule_of_last(rules::SWITCH_MCLAG_PEER_MISMATCH);
        out.involving_last(Kind::Switch, peer, &entry.origin);
    }
    if !spec.vtep_ip.is_empty() && !other.vtep_ip.is_empty() && spec.vtep_ip != other.vtep_ip {
        out.error(
            "/spec/vtepIP",
            format!(
                "VTEP IP `{}` differs from `{}` of its MCLAG peer `{peer}` ({}): the two switches of an MCLAG pair have the same VTEP IP",
                spec.vtep_ip, other.vtep_ip, entry.origin
            ),
        );
        out.rule_of_last(rules::SWITCH_MCLAG_PEER_MISMATCH);
        out.involving_last(Kind::Switch, peer, &entry.origin);
    }
}

#[cfg(test)]
mod tests {
    use crate::kind::Kind;
    use serde_json::{Value, json};

    use crate::rules::config::FabricConfig;
    use crate::rules::state::{FabricState, References};
    use crate::rules::{Release, Severity, admit, cross_check};

    /// A protocol IP as unique as the management IP `ip`: `172.30.8.<its last byte>/32`.
    fn protocol_ip(ip: &str) -> String {
        let last = ip.split('/').next().unwrap().rsplit('.').next().unwrap();
        format!("172.30.8.{last}/32")
    }

    /// A hydrated server leaf, in MCLAG group `m` when `mclag`.
    fn leaf(name: &str, asn: u32, ip: &str, vtep: &str, mclag: bool, profile: &str) -> Value {
        let mut spec = json!({"role": "server-leaf", "profile": profile, "vlanNamespaces": ["default"],
            "asn": asn, "ip": ip, "protocolIP": protocol_ip(ip), "vtepIP": vtep});
        if mclag {
            spec["redundancy"] = json!({"group": "m", "type": "mclag"});
        }
        json!({"kind": "Switch", "metadata": {"name": name}, "spec": spec})
    }

    /// Every error of `subject` (stand-alone and cross-object) at `release` against
    /// `others` and the group `m`, with fabricator's default config given.
    fn errors(release: Release, subject: &Value, others: &[Value]) -> Vec<String> {
        let config = FabricConfig::fabricator_defaults();
        let ctx = crate::rules::test_support::given_config(Some(&config), release);
        let mut objects = vec![
            (
                "managed/ns.yaml",
                json!({"kind": "VLANNamespace", "metadata": {"name": "default"}, "spec": {"ranges": [{"from": 1000, "to": 2999}]}}),
            ),
            (
                "managed/m.yaml",
                json!({"kind": "SwitchGroup", "metadata": {"name": "m"}, "spec": {}}),
            ),
        ];
        objects.extend(others.iter().map(|o| ("managed/other.yaml", o.clone())));
        objects.push(("raw/switch.yaml", subject.clone()));
        let state = FabricState::of_objects(&objects, &ctx, References::Strict);
        let name = subject["metadata"]["name"].as_str().unwrap();
        let mut found = admit(&Kind::Switch, subject, &ctx);
        let typed = state.typed(&Kind::Switch, name).unwrap();
        found.extend(
            cross_check(&typed, &state, &ctx)
                .into_iter()
                .map(|c| c.violation),
        );
        found
            .into_iter()
            .filter(|v| v.severity == Severity::Error)
            .map(|v| format!("{}: {}", v.pointer, v.message))
            .collect()
    }

    const OLDER: [Release; 2] = [Release::V26_01, Release::V26_02];

    #[test]
    fn mclag_peers_share_their_asn_and_vtep_ip_until_26_03() {
        // Oracle 26.01/26.02: "failed hydration validation: mclag peers should have same
        // ASNs: leaf-01 and leaf-02" (and "... same VTEP IPs ..."); 26.03 accepts both with
        // "MCLAG is deprecated and no longer supported".
        let peer = leaf(
            "leaf-02",
            65101,
            "172.30.0.9/21",
            "172.30.12.0/32",
            true,
            "vs",
        );
        let same = leaf(
            "leaf-01",
            65101,
            "172.30.0.8/21",
            "172.30.12.0/32",
            true,
            "vs",
        );
        let other_asn = leaf(
            "leaf-01",
            65102,
            "172.30.0.8/21",
            "172.30.12.0/32",
            true,
            "vs",
        );
        let other_vtep = leaf(
            "leaf-01",
            65101,
            "172.30.0.8/21",
            "172.30.12.1/32",
            true,
            "vs",
        );
        for release in Release::ALL {
            assert_eq!(
                errors(release, &same, std::slice::from_ref(&peer)),
                Vec::<String>::new()
            );
        }
        for release in OLDER {
            assert_eq!(
                errors(release, &other_asn, std::slice::from_ref(&peer)),
                [
                    "/spec/asn: ASN `65102` differs from `65101` of its MCLAG peer `leaf-02` (managed/other.yaml:1): the two switches of an MCLAG pair have the same ASN"
                ]
            );
            assert_eq!(
                errors(release, &other_vtep, std::slice::from_ref(&peer)),
                [
                    "/spec/vtepIP: VTEP IP `172.30.12.1/32` differs from `172.30.12.0/32` of its MCLAG peer `leaf-02` (managed/other.yaml:1): the two switches of an MCLAG pair have the same VTEP IP"
                ]
            );
        }
        assert_eq!(
            errors(Release::V26_03, &other_asn, std::slice::from_ref(&peer)),
            Vec::<String>::new()
        );
        assert_eq!(
            errors(Release::V26_03, &other_vtep, &[peer]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_mclag_leaf_without_a_peer_is_not_exempt_from_leaf_uniqueness_until_26_03() {
        // Oracle 26.02: "leaf leaf-01 ASN 65105 is already in use"; "switch leaf-01 VTEP IP
        // 172.30.12.5/32 is already in use"; 26.03 accepts both.
        let other = leaf(
            "leaf-03",
            65105,
            "172.30.0.10/21",
            "172.30.12.5/32",
            false,
            "vs",
        );
        let shares_asn = leaf(
            "leaf-01",
            65105,
            "172.30.0.8/21",
            "172.30.12.0/32",
            true,
            "vs",
        );
        let shares_vtep = leaf(
            "leaf-01",
            65101,
            "172.30.0.8/21",
            "172.30.12.5/32",
            true,
            "vs",
        );
        for release in OLDER {
            assert_eq!(
                errors(release, &shares_asn, std::slice::from_ref(&other)),
                [
                    "/spec/asn: leaf ASN `65105` is already used by leaf `leaf-03` (managed/other.yaml:1): give each leaf its own"
                ]
            );
            assert_eq!(
                errors(release, &shares_vtep, std::slice::from_ref(&other)),
                [
                    "/spec/vtepIP: VTEP IP `172.30.12.5/32` is already used by Switch `leaf-03` (managed/other.yaml:1): give each leaf and gateway its own"
                ]
            );
        }
        assert_eq!(
            errors(Release::V26_03, &shares_asn, std::slice::from_ref(&other)),
            Vec::<String>::new()
        );
        assert_eq!(
            errors(Release::V26_03, &shares_vtep, &[other]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn mclag_needs_the_profile_feature_until_26_03() {
        // Oracle 26.01/26.02: "MCLAG is not supported on switch profile celestica-ds4000";
        // 26.03 accepts it with the deprecation warning.
        let subject = leaf(
            "leaf-01",
            65101,
            "172.30.0.8/21",
            "172.30.12.0/32",
            true,
            "celestica-ds4000",
        );
        for release in OLDER {
            assert_eq!(
                errors(release, &subject, &[]),
                [
                    "/spec/redundancy/type: MCLAG (`redundancy.type: mclag`) is not supported by SwitchProfile `celestica-ds4000`: turn it off, or use a profile that supports it"
                ]
            );
        }
        assert_eq!(errors(Release::V26_03, &subject, &[]), Vec::<String>::new());
    }

    #[test]
    fn only_26_03_warns_that_mclag_is_deprecated() {
        // Oracle: 26.03 warns "MCLAG is deprecated and no longer supported"; 26.01 and
        // 26.02 accept the pair without a warning.
        let peer = leaf(
            "leaf-02",
            65101,
            "172.30.0.9/21",
            "172.30.12.0/32",
            true,
            "vs",
        );
        let subject = leaf(
            "leaf-01",
            65101,
            "172.30.0.8/21",
            "172.30.12.0/32",
            true,
            "vs",
        );
        let group = json!({"kind": "SwitchGroup", "metadata": {"name": "m"}, "spec": {}});
        let namespace = json!({"kind": "VLANNamespace", "metadata": {"name": "default"},
            "spec": {"ranges": [{"from": 1000, "to": 2999}]}});
        let all = |release| {
            crate::rules::test_support::findings(
                release,
                &subject,
                &[namespace.clone(), group.clone(), peer.clone()],
            )
        };
        for release in OLDER {
            assert_eq!(all(release), Vec::<String>::new(), "{release}");
        }
        assert_eq!(
            all(Release::V26_03),
            [
                "W /spec/redundancy/type: MCLAG is deprecated and no longer supported: use ESLAG (`type: eslag`)"
            ]
        );
    }
}
