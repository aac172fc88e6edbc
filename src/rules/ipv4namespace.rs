//! IPv4Namespace (`api/vpc/v1beta1/ipv4namespace_types.go` at 78827deb): the stand-alone
//! part of `Validate()` (`:117-151`): subnets are prefixes, at most ten, overlapping neither
//! each other nor the fabric's reserved subnets. The name limit (`:122-124`, 11 characters)
//! lives with the other naming rules in `validate/names.rs`.
//!
//! The webhook's update check (`pkg/ctrl/ipv4namespace_wh.go:72-118`) is the cross-object
//! part: an update may not leave a subnet of a VPC already in the fabric outside the
//! namespace.
//!
//! `Default()` (`:103-115`) sets labels and sorts `subnets`; neither changes a verdict
//! (every check is per subnet or per pair), so the list keeps the document's order and the
//! findings point at the entries as written.

use ipnet::IpNet;
use serde::Deserialize;

use super::state::{Entry, FabricState};
use super::vpc;
use super::{Context, Release, Resource, Violations, net};
use crate::finding::rules;
use crate::kind::Kind;

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
    /// Whether `prefix` lies inside one of the namespace's subnets, as `release` decides:
    /// `iputil.IsSubset` since fabric v0.120.3 (the same address family, the network
    /// address inside, and a prefix at least as long), only the network address inside at
    /// 26.01. A subnet that does not parse covers nothing: the namespace is rejected for it.
    pub fn covers(&self, prefix: &IpNet, release: Release) -> bool {
        let inner = prefix.trunc();
        self.subnets
            .iter()
            .filter_map(|subnet| net::parse_subnet(subnet, release).ok())
            .any(|outer| {
                if release < Release::V26_02 {
                    // fabric v0.115.4 api/vpc/v1beta1/vpc_types.go:693 and
                    // pkg/ctrl/ipv4namespace_wh.go:102: `nsSubnet.Contains(vpcSubnet.IP)`.
                    net::contains_network(&outer, &inner)
                } else {
                    outer.trunc().contains(&inner.network())
                        && inner.prefix_len() >= outer.prefix_len()
                }
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
        match net::parse_subnet(subnet, ctx.release) {
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
    // fabric v0.115.4 api/vpc/v1beta1/ipv4namespace_types.go:138 checks the overlaps
    // with go-cidr's `VerifyNoOverlap` inside 0.0.0.0/0 (pkg/util/iputil/ip.go:63-71),
    // which refuses any IPv6 subnet; v0.120.3 compares the prefixes only.
    if ctx.release < Release::V26_02 {
        for (i, prefix) in parsed.iter().filter(|(_, p)| matches!(p, IpNet::V6(_))) {
            out.error(
                format!("/spec/subnets/{i}"),
                format!("subnet `{prefix}` is IPv6: 0.0.0.0/0 does not fully contain it, and Hedgehog {} takes only IPv4 subnets in an IPv4Namespace", ctx.release),
            );
        }
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
            out.against_config(
                ctx,
                &["reservedSubnets"],
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

/// `Validate()` has no cross-object part; an update runs the webhook's check
/// (`ipv4namespace_wh.go:72-118`): every VPC labelled with this namespace keeps each of its
/// subnets inside one of the updated subnets. Only VPCs already in the fabric (managed/)
/// count: a raw VPC is checked against the updated namespace by its own rules. Go runs
/// `Validate()` first and stops at a subnet that does not parse, reported already.
pub fn validate_cross(
    namespace: &Object,
    state: &FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    let name = &namespace.metadata.name;
    let is_update = state
        .ipv4_namespaces
        .get(name)
        .is_some_and(|entry| entry.previous.is_some());
    let spec = &namespace.spec;
    if !is_update
        || spec
            .subnets
            .iter()
            .any(|s| net::parse_subnet(s, ctx.release).is_err())
    {
        return;
    }
    let stranded: Vec<(String, &Entry<vpc::Object>)> = state
        .vpc_index
        .subnets_in(name)
        .iter()
        .filter(|subnet| !spec.covers(&subnet.prefix, ctx.release))
        .filter_map(|subnet| {
            let vpc = state.vpcs.get(&subnet.vpc)?;
            vpc.origin.is_managed().then(|| {
                let described = format!(
                    "subnet `{}` ({}) of VPC `{}` ({})",
                    subnet.subnet, subnet.prefix, subnet.vpc, vpc.origin
                );
                (described, vpc)
            })
        })
        .collect();
    if stranded.is_empty() {
        return;
    }
    let described: Vec<String> = stranded.iter().map(|(d, _)| d.clone()).collect();
    out.error(
        "/spec/subnets",
        format!(
            "the fabric refuses this update: {} would lie outside every subnet of the updated namespace; keep subnets that cover the VPCs already in it, or change those VPCs' subnets in the same run",
            super::vpc::first_few(&described),
        ),
    );
    out.rule_of_last(rules::IPV4NAMESPACE_STRANDS_VPCS);
    for (_, vpc) in stranded {
        out.involving_last(Kind::Vpc, &vpc.object.metadata.name, &vpc.origin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations(subnets: serde_json::Value) -> Vec<(String, String)> {
        violations_at(subnets, Release::NEWEST)
    }

    fn violations_at(subnets: serde_json::Value, release: Release) -> Vec<(String, String)> {
        let mut namespace: Object =
            serde_json::from_value(json!({"spec": {"subnets": subnets}})).unwrap();
        default(&mut namespace);
        let mut out = Violations::default();
        let ctx = Context {
            release,
            ..Context::fabricator_defaults()
        };
        validate(&namespace, &ctx, &mut out);
        out.into_vec()
            .into_iter()
            .map(|v| (v.pointer, v.message))
            .collect()
    }

    /// Oracle `v6.json` (`ns6`): 26.01 "subnets overlap: failed to verify no overlap
    /// subnets: 0.0.0.0/0 does not fully contain fd00::/64"; 26.02 and 26.03 accept it.
    #[test]
    fn an_ipv6_subnet_is_refused_at_26_01_only() {
        assert_eq!(
            violations_at(json!(["10.0.0.0/16", "fd00::/64"]), Release::V26_01),
            vec![(
                "/spec/subnets/1".into(),
                "subnet `fd00::/64` is IPv6: 0.0.0.0/0 does not fully contain it, and Hedgehog 26.01 takes only IPv4 subnets in an IPv4Namespace".into()
            )]
        );
        for release in [Release::V26_02, Release::V26_03] {
            assert_eq!(violations_at(json!(["fd00::/64"]), release), vec![]);
        }
    }

    /// Oracle `lz.json` (`ns`): 26.01 accepts `10.0.0.0/016` (`net.ParseCIDR`); 26.02
    /// "failed to parse cidr 10.0.0.0/016: netip.ParsePrefix(...): bad bits after slash".
    #[test]
    fn a_length_with_leading_zeros_parses_at_26_01_only() {
        assert_eq!(
            violations_at(json!(["10.0.0.0/016"]), Release::V26_01),
            vec![]
        );
        let found = violations_at(json!(["10.0.0.0/016"]), Release::V26_02);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "/spec/subnets/0");
        let spec = Ipv4NamespaceSpec {
            subnets: vec!["10.0.0.0/016".to_owned()],
        };
        let inner = net::parse_prefix("10.0.1.0/24").unwrap();
        assert!(spec.covers(&inner, Release::V26_01));
        assert!(!spec.covers(&inner, Release::V26_02));
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

    mod update {
        use super::*;
        use crate::rules::state::{Member, Origin, References};

        fn typed(object: serde_json::Value) -> crate::rules::Typed {
            let kind = Kind::from_name(object["kind"].as_str().unwrap());
            let (_, typed) =
                crate::rules::admit_typed(&kind, &object, &Context::fabricator_defaults());
            typed.unwrap()
        }

        fn member(path: &str, object: serde_json::Value) -> Member {
            Member {
                object: typed(object),
                origin: Origin {
                    path: path.into(),
                    line: 1,
                },
                previous: None,
            }
        }

        fn namespace(subnets: serde_json::Value) -> serde_json::Value {
            json!({"kind": "IPv4Namespace", "metadata": {"name": "default"}, "spec": {"subnets": subnets}})
        }

        fn vpc(name: &str, subnet: &str) -> serde_json::Value {
            json!({"kind": "VPC", "metadata": {"name": name},
                   "spec": {"subnets": {"a": {"subnet": subnet, "vlan": 1001}}}})
        }

        /// The findings of the raw namespace `subnets` against managed VPCs `vpcs` and raw
        /// VPC `new`, as an update when `previous` is given.
        fn findings(
            subnets: serde_json::Value,
            previous: Option<serde_json::Value>,
            vpcs: &[(&str, &str)],
        ) -> Vec<(String, String)> {
            cross(subnets, previous, vpcs)
                .into_iter()
                .map(|v| (v.violation.pointer, v.violation.message))
                .collect()
        }

        /// [`findings`] with the objects each involves.
        fn cross(
            subnets: serde_json::Value,
            previous: Option<serde_json::Value>,
            vpcs: &[(&str, &str)],
        ) -> Vec<crate::rules::CrossViolation> {
            let mut members: Vec<Member> = vpcs
                .iter()
                .map(|(name, subnet)| {
                    member(&format!("managed/vpcs/{name}.yaml"), vpc(name, subnet))
                })
                .collect();
            members.push(member("raw/new.yaml", vpc("new", "10.7.0.0/24")));
            let mut raw = member("raw/ns.yaml", namespace(subnets));
            raw.previous = previous.map(typed);
            members.push(raw);
            let state = FabricState::build(members, [], None, References::Strict);
            let entry = state.ipv4_namespaces.get("default").unwrap();
            let mut out = Violations::default();
            validate_cross(
                &entry.object,
                &state,
                &Context::fabricator_defaults(),
                &mut out,
            );
            out.into_cross()
        }

        #[test]
        fn an_update_may_not_leave_a_managed_vpc_subnet_outside_the_namespace() {
            let old = Some(namespace(json!(["10.0.0.0/8"])));
            let vpcs = [
                ("vpc-1", "10.1.0.0/24"),
                ("vpc-2", "10.2.0.0/24"),
                ("vpc-3", "10.1.5.0/24"),
            ];
            assert_eq!(
                findings(json!(["10.2.0.0/16"]), old.clone(), &vpcs),
                [(
                    "/spec/subnets".into(),
                    "the fabric refuses this update: subnet `a` (10.1.0.0/24) of VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1), subnet `a` (10.1.5.0/24) of VPC `vpc-3` (managed/vpcs/vpc-3.yaml:1) would lie outside every subnet of the updated namespace; keep subnets that cover the VPCs already in it, or change those VPCs' subnets in the same run".into()
                )],
                "the raw VPC `new` (10.7.0.0/24) is left to its own containment check"
            );
            assert_eq!(findings(json!(["10.0.0.0/14"]), old.clone(), &vpcs), []);
            let involved: Vec<_> = cross(json!(["10.2.0.0/16"]), old, &vpcs)
                .iter()
                .map(crate::rules::CrossViolation::involved_described)
                .collect();
            assert_eq!(
                involved,
                [(
                    "/spec/subnets".to_owned(),
                    vec![
                        "VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1)".to_owned(),
                        "VPC `vpc-3` (managed/vpcs/vpc-3.yaml:1)".to_owned(),
                    ]
                )]
            );
        }

        #[test]
        fn a_new_namespace_or_one_with_a_broken_subnet_is_not_checked() {
            let vpcs = [("vpc-1", "10.1.0.0/24")];
            assert_eq!(findings(json!(["10.2.0.0/16"]), None, &vpcs), []);
            let old = Some(namespace(json!(["10.0.0.0/8"])));
            assert_eq!(findings(json!(["10.2.0.0/16", "nope"]), old, &vpcs), []);
        }
    }
}
