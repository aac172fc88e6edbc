//! A Gateway against the rest of the fabric (`gateway_types.go:401-478`): its loopback and
//! VTEP addresses are unused by the other Gateways and by every Switch (they share the
//! fabric's protocol and VTEP ranges), its VTEP MAC by the other Gateways; each of its
//! groups exists, and holds fewer other gateways than the fabric config has gateway
//! communities (one community per gateway of a group). The webhook's update check compares
//! nothing with the old version (`pkg/ctrl/gateway_wh.go:70-71`), so an update is checked
//! as a create.

use super::{GatewayGroupMembership, Object};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::state::{FabricState, GatewayIndex, Origin};
use crate::rules::{Context, Release, Violations, net};

/// How many holders of a taken address or members of a full group a finding names.
const NAMED_AT_MOST: usize = 3;

/// Checks `gateway` against the other objects of `state`.
pub(super) fn validate(gateway: &Object, state: &FabricState, ctx: &Context, out: &mut Violations) {
    let name = gateway.metadata.name.as_str();
    let spec = &gateway.spec;
    let index = &state.gateway_index;
    let addresses = [
        ("protocolIP", "loopback", spec.protocol_ip.as_deref(), true),
        ("vtepIP", "VTEP", spec.vtep_ip.as_deref(), false),
    ];
    for (field, purpose, value, is_protocol) in addresses {
        // A value that is not an IPv4 /32 is already an error of its own (Go stops there).
        let Some(text) =
            value.filter(|text| net::parse_prefix_v4(text).is_ok_and(|p| p.prefix_len() == 32))
        else {
            continue;
        };
        let Some(addr) = GatewayIndex::address_key(text) else {
            continue;
        };
        let others = if is_protocol {
            index.protocol_ip_holders(&addr, name)
        } else {
            index.vtep_ip_holders(&addr, name)
        };
        if others.count > 0 {
            out.error(
                format!("/spec/{field}"),
                format!(
                    "{field} `{text}` is already used by {}: gateways and switches share the {purpose} range and each needs its own address; pick a free one",
                    name_some(others.count, others.first(NAMED_AT_MOST)),
                ),
            );
            out.rule_of_last(rules::GATEWAY_ADDRESS_IN_USE);
            involve(
                others.all().map(|h| (&h.kind, h.name.as_str(), &h.origin)),
                out,
            );
        }
    }
    // fabric v0.115.4 api/gateway/v1alpha1/gateway_types.go:362-412 compares protocol and
    // VTEP IPs only; v0.120.3 gateway_types.go:367,387-391,420-422 adds the VTEP MAC.
    if let Some(text) = spec.vtep_mac.as_deref()
        && let Some(mac) = GatewayIndex::mac_key(text)
        && ctx.release >= Release::V26_02
    {
        let others = index.vtep_mac_holders(&mac, name);
        if others.count > 0 {
            out.error(
                "/spec/vtepMAC",
                format!(
                    "vtepMAC `{text}` is already used by {}: each gateway needs its own VTEP MAC; pick a free one",
                    name_some(others.count, others.first(NAMED_AT_MOST)),
                ),
            );
            out.rule_of_last(rules::GATEWAY_ADDRESS_IN_USE);
            involve(
                others.all().map(|h| (&h.kind, h.name.as_str(), &h.origin)),
                out,
            );
        }
    }
    for group in &spec.groups {
        check_group(name, group, state, ctx, out);
    }
}

/// Group `group` of gateway `name` exists and has room for it (`gateway_types.go:464-477`).
fn check_group(
    name: &str,
    group: &GatewayGroupMembership,
    state: &FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    // `Default()` adds `default` to a gateway without groups: `groups` is then not written,
    // and the finding lands on the closest field that is.
    let at = group.written_at.map_or_else(
        || "/spec/groups".to_owned(),
        |i| format!("/spec/groups/{i}/name"),
    );
    state.lookup(
        &state.gateway_groups,
        Kind::GatewayGroup,
        &group.name,
        &at,
        "the check that the gateway's group exists",
        out,
    );
    let Some(config) = ctx.config else { return };
    let communities = config.gateway_communities.len();
    if communities == 0 {
        return;
    }
    let others = state.gateway_index.group_members(&group.name, name);
    if others.count >= communities {
        out.against_config(
            ctx,
            &["gatewayCommunities"],
            at,
            format!(
                "gateway group `{}` already has {} other gateway{} ({}), and the fabric config has {communities} gateway communit{}, one per gateway of a group: add communities (`spec.config.gateway.communities` in fab.yaml) or put this gateway in another group",
                group.name,
                others.count,
                if others.count == 1 { "" } else { "s" },
                name_some(others.count, others.first(NAMED_AT_MOST)),
                if communities == 1 { "y" } else { "ies" },
            ),
        );
        out.rule_of_last(rules::GATEWAY_GROUP_FULL);
        involve(
            others.all().map(|h| (&h.kind, h.name.as_str(), &h.origin)),
            out,
        );
    }
}

/// Marks the violation recorded last as about each of `holders` (kind, name, origin) too.
fn involve<'a>(
    holders: impl Iterator<Item = (&'a Kind, &'a str, &'a Origin)>,
    out: &mut Violations,
) {
    for (kind, name, origin) in holders {
        out.involving_last(kind.clone(), name, origin);
    }
}

/// The first [`NAMED_AT_MOST`] of the `count` objects `first` starts with, joined, and
/// how many more there are.
fn name_some<'a, T: ToString + 'a>(count: usize, first: impl Iterator<Item = &'a T>) -> String {
    let shown: Vec<String> = first.take(NAMED_AT_MOST).map(ToString::to_string).collect();
    match count.saturating_sub(shown.len()) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::rules::config::FabricConfig;
    use crate::rules::state::{FabricState, References};
    use crate::rules::{CrossViolation, Release, Severity, Typed, cross_check};

    fn gateway(name: &str, last: u8, groups: Value) -> Value {
        json!({"apiVersion": "gateway.githedgehog.com/v1alpha1", "kind": "Gateway",
            "metadata": {"name": name},
            "spec": {"protocolIP": format!("172.30.8.{last}/32"), "vtepIP": format!("172.30.12.{last}/32"),
                "vtepMAC": format!("ca:fe:ba:be:00:{last:02x}"), "asn": 65534, "groups": groups}})
    }

    fn group(name: &str) -> Value {
        json!({"apiVersion": "gateway.githedgehog.com/v1alpha1", "kind": "GatewayGroup", "metadata": {"name": name}})
    }

    fn switch(name: &str, protocol_ip: &str, vtep_ip: &str) -> Value {
        json!({"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Switch", "metadata": {"name": name},
            "spec": {"role": "server-leaf", "protocolIP": protocol_ip, "vtepIP": vtep_ip}})
    }

    /// The findings of Gateway `subject` against a state of `objects` (each in
    /// `managed/<name>.yaml`) with `communities` gateway communities.
    fn findings(
        objects: &[Value],
        subject: &str,
        communities: u32,
    ) -> Vec<(Severity, String, String)> {
        cross(objects, subject, communities)
            .into_iter()
            .map(|v| {
                (
                    v.violation.severity,
                    v.violation.pointer,
                    v.violation.message,
                )
            })
            .collect()
    }

    /// [`findings`] as the rules return them, with the objects each involves.
    fn cross(objects: &[Value], subject: &str, communities: u32) -> Vec<CrossViolation> {
        cross_at(objects, subject, communities, Release::NEWEST)
    }

    /// [`cross`] at `release`.
    fn cross_at(
        objects: &[Value],
        subject: &str,
        communities: u32,
        release: Release,
    ) -> Vec<CrossViolation> {
        let mut config = FabricConfig::fabricator_defaults();
        config.enable_gateway = true;
        config.gateway_communities = (0..communities)
            .map(|i| (i, format!("50000:{i}")))
            .collect();
        let ctx = crate::rules::test_support::given_config(Some(&config), release);
        let paths: Vec<String> = objects
            .iter()
            .map(|o| format!("managed/{}.yaml", o["metadata"]["name"].as_str().unwrap()))
            .collect();
        let members: Vec<_> = paths
            .iter()
            .map(String::as_str)
            .zip(objects.iter().cloned())
            .collect();
        let state = FabricState::of_objects(&members, &ctx, References::Strict);
        let object = Typed::Gateway(state.gateways.get(subject).unwrap().object.clone());
        cross_check(&object, &state, &ctx)
    }

    /// Oracle `gw-mac.json`: a second gateway with gw-2's VTEP MAC: 26.01 accepts it, 26.02
    /// "gateway gw-1 VTEP MAC ca:fe:ba:be:00:02 is already in use: invalid gateway".
    #[test]
    fn a_vtep_mac_taken_by_another_gateway_is_refused_from_26_02() {
        let mut subject = gateway("gw-1", 1, json!([{"name": "gr1"}]));
        subject["spec"]["vtepMAC"] = json!("ca:fe:ba:be:00:02");
        let objects = [
            group("gr1"),
            subject,
            gateway("gw-2", 2, json!([{"name": "gr1"}])),
        ];
        let pointers = |release| -> Vec<String> {
            cross_at(&objects, "gw-1", 2, release)
                .into_iter()
                .map(|v| v.violation.pointer)
                .collect()
        };
        assert_eq!(pointers(Release::V26_01), Vec::<String>::new());
        assert_eq!(pointers(Release::V26_02), ["/spec/vtepMAC"]);
        assert_eq!(pointers(Release::V26_03), ["/spec/vtepMAC"]);
    }

    #[test]
    fn distinct_addresses_and_an_existing_group_with_room_pass() {
        let objects = [
            group("gr1"),
            gateway("gw-1", 1, json!([{"name": "gr1"}])),
            gateway("gw-2", 2, json!([{"name": "gr1"}])),
        ];
        assert_eq!(findings(&objects, "gw-1", 2), []);
    }

    /// `test-proto-ip-overlap`, `test-vtep-ip-overlap`, `test-vtep-mac-overlap` and the
    /// switch variants of `gateway_types_test.go`, all at once: each taken value is its own
    /// finding, naming every holder and where it is written.
    #[test]
    fn each_address_taken_by_another_gateway_or_a_switch_is_reported_with_its_holders() {
        let mut other = gateway("gw-2", 2, json!([{"name": "gr1"}]));
        other["spec"]["protocolIP"] = json!("172.30.8.1/32");
        other["spec"]["vtepMAC"] = json!("CA-FE-BA-BE-00-01");
        let objects = [
            group("gr1"),
            gateway("gw-1", 1, json!([{"name": "gr1"}])),
            other,
            switch("sw-1", "172.30.8.1/32", "172.30.12.1/32"),
        ];
        let found = findings(&objects, "gw-1", 2);
        assert_eq!(
            found,
            [
                (Severity::Error, "/spec/protocolIP".to_owned(), "protocolIP `172.30.8.1/32` is already used by Gateway `gw-2` (managed/gw-2.yaml:1), Switch `sw-1` (managed/sw-1.yaml:1): gateways and switches share the loopback range and each needs its own address; pick a free one".to_owned()),
                (Severity::Error, "/spec/vtepIP".to_owned(), "vtepIP `172.30.12.1/32` is already used by Switch `sw-1` (managed/sw-1.yaml:1): gateways and switches share the VTEP range and each needs its own address; pick a free one".to_owned()),
                (Severity::Error, "/spec/vtepMAC".to_owned(), "vtepMAC `ca:fe:ba:be:00:01` is already used by Gateway `gw-2` (managed/gw-2.yaml:1): each gateway needs its own VTEP MAC; pick a free one".to_owned()),
            ]
        );
    }

    /// Every holder of a taken value is involved, those the message leaves out too, and so
    /// is every other member of a full group.
    #[test]
    fn every_holder_of_a_taken_value_and_every_member_of_a_full_group_is_involved() {
        let mut objects = vec![group("gr1"), switch("sw-1", "172.30.8.9/32", "")];
        for i in 1..=4 {
            let mut other = gateway(&format!("gw-{i}"), i, json!([{"name": "gr1"}]));
            other["spec"]["protocolIP"] = json!("172.30.8.9/32");
            objects.push(other);
        }
        let involved: Vec<_> = cross(&objects, "gw-1", 3)
            .iter()
            .map(CrossViolation::involved_described)
            .collect();
        let gateways = |numbers: &[u8]| -> Vec<String> {
            numbers
                .iter()
                .map(|i| format!("Gateway `gw-{i}` (managed/gw-{i}.yaml:1)"))
                .collect()
        };
        let mut holders = gateways(&[2, 3, 4]);
        holders.push("Switch `sw-1` (managed/sw-1.yaml:1)".to_owned());
        assert_eq!(
            involved,
            [
                ("/spec/protocolIP".to_owned(), holders),
                ("/spec/groups/0/name".to_owned(), gateways(&[2, 3, 4])),
            ]
        );
    }

    /// A value many objects share costs each a lookup, and its finding names a few.
    #[test]
    fn a_loopback_many_share_names_three_holders_and_counts_the_rest() {
        let mut objects = vec![group("gr1")];
        for i in 1..=6 {
            let mut other = gateway(&format!("gw-{i}"), i, json!([{"name": "gr1"}]));
            other["spec"]["protocolIP"] = json!("172.30.8.9/32");
            objects.push(other);
        }
        let found = findings(&objects, "gw-3", 10);
        assert_eq!(
            found,
            [(Severity::Error, "/spec/protocolIP".to_owned(), "protocolIP `172.30.8.9/32` is already used by Gateway `gw-1` (managed/gw-1.yaml:1), Gateway `gw-2` (managed/gw-2.yaml:1), Gateway `gw-4` (managed/gw-4.yaml:1) and 2 more: gateways and switches share the loopback range and each needs its own address; pick a free one".to_owned())]
        );
    }

    /// `test-proto-ip-no-overlap-with-switch-vtep`: the loopback is compared with loopbacks,
    /// the VTEP with VTEPs.
    #[test]
    fn a_loopback_equal_to_a_switch_vtep_is_not_a_clash() {
        let objects = [
            group("gr1"),
            gateway("gw-1", 1, json!([{"name": "gr1"}])),
            switch("sw-1", "10.0.0.1/32", "172.30.8.1/32"),
        ];
        assert_eq!(findings(&objects, "gw-1", 2), []);
    }

    /// `test-non-32-vtep-ip`: the stand-alone rules reject the /24; its address equal to
    /// another gateway's VTEP is not a second problem.
    #[test]
    fn an_address_that_is_not_a_slash_32_is_not_compared() {
        let mut subject = gateway("gw-1", 1, json!([{"name": "gr1"}]));
        subject["spec"]["vtepIP"] = json!("172.30.12.2/24");
        let objects = [
            group("gr1"),
            subject,
            gateway("gw-2", 2, json!([{"name": "gr1"}])),
        ];
        assert_eq!(findings(&objects, "gw-1", 2), []);
    }

    /// `test-too-many-gws-in-group` and `test-fits-in-gw-group`.
    #[test]
    fn a_group_full_for_the_communities_rejects_one_more_member() {
        let objects = [
            group("default"),
            group("gr1"),
            gateway("gw-1", 1, json!([{"name": "default"}, {"name": "gr1"}])),
            gateway("gw-3", 3, json!([{"name": "gr1"}])),
            gateway("gw-4", 4, json!([{"name": "gr1"}])),
        ];
        assert_eq!(
            findings(&objects, "gw-1", 2),
            [(Severity::Error, "/spec/groups/1/name".to_owned(), "gateway group `gr1` already has 2 other gateways (Gateway `gw-3` (managed/gw-3.yaml:1), Gateway `gw-4` (managed/gw-4.yaml:1)), and the fabric config has 2 gateway communities, one per gateway of a group: add communities (`spec.config.gateway.communities` in fab.yaml) or put this gateway in another group".to_owned())]
        );
        assert_eq!(findings(&objects, "gw-1", 3), []);
        assert_eq!(
            findings(&objects, "gw-1", 0),
            [],
            "no communities: no limit, as Go"
        );
    }

    #[test]
    fn a_missing_group_is_a_reference_finding_and_the_defaulted_one_is_the_fabrics_own() {
        let objects = [
            gateway("gw-1", 1, json!([{"name": "gr1"}])),
            gateway("gw-2", 2, json!([])),
        ];
        let found = findings(&objects, "gw-1", 2);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].0, found[0].1.as_str()),
            (Severity::Error, "/spec/groups/0/name")
        );
        assert!(
            found[0].2.starts_with("GatewayGroup `gr1` does not exist"),
            "{}",
            found[0].2
        );
        // A gateway without groups joins `default`, which a fabric with gateways on
        // creates itself: no repository holds it, and none needs to.
        assert_eq!(findings(&objects, "gw-2", 2), []);
    }
}
