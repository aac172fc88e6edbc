//! The exposure-overlap rule (`gatewaypeering_types.go:493-543`): what one side of a
//! peering exposes to the other must not overlap what any other peering already exposes to
//! that same side, since the receiving VPC or External would reach those addresses through
//! two peerings. An exposure translated by NAT counts as its `as` prefixes.
//!
//! Go lists an `ips` or `as` entry that has no `cidr` (a `not` or a `vpcSubnet`) as an empty
//! string and then fails to parse it, so the fabric rejects such a peering whenever another
//! peering also exposes prefixes to the same side (hhoracle agrees). That is what the fabric
//! will say, so it is reported too, with the way around it.

use super::{PeeringEntry, PeeringSpec, side_names, side_pointer};
use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::state::FabricState;
use crate::rules::{Violations, net};

/// One prefix a side exposes, as Go's `collectExposedCIDRs` (`gatewaypeering_types.go:655-673`)
/// lists them: an entry's `as` prefixes when it has any, else its `ips`; none of a
/// `default: true` entry.
#[derive(Debug)]
pub(crate) struct Exposed<'a> {
    /// Index of the expose entry.
    expose: usize,
    /// `as` (translated) rather than `ips`.
    translated: bool,
    /// Index in `ips` or `as`.
    position: usize,
    /// `cidr`, empty when the entry has none.
    pub cidr: &'a str,
    /// What the entry writes instead of a `cidr` (`vpcSubnet: s1`), when it has none.
    instead: Option<(&'static str, &'a str)>,
}

impl Exposed<'_> {
    /// The JSON pointer of the entry (of its `cidr` when it has one) on side `side`.
    fn pointer(&self, side: &str) -> String {
        let list = if self.translated { "as" } else { "ips" };
        let entry = format!(
            "{}/expose/{}/{list}/{}",
            side_pointer(side),
            self.expose,
            self.position
        );
        if self.cidr.is_empty() {
            entry
        } else {
            format!("{entry}/cidr")
        }
    }

    /// The entry as a reader finds it: `` `cidr: 10.0.1.0/24` ``, `` `vpcSubnet: s1` ``.
    pub(crate) fn describe(&self) -> String {
        match self.instead {
            _ if !self.cidr.is_empty() => format!("`cidr: {}`", self.cidr),
            Some((field, value)) => format!("`{field}: {value}`"),
            None => "an entry without `cidr`".to_owned(),
        }
    }
}

/// What `entry` exposes to the other side, in written order.
pub(crate) fn exposed(entry: &PeeringEntry) -> impl Iterator<Item = Exposed<'_>> {
    entry
        .expose
        .iter()
        .enumerate()
        .filter(|(_, expose)| !expose.default_destination)
        .flat_map(|(index, expose)| {
            let translated =
                expose
                    .as_prefixes
                    .iter()
                    .enumerate()
                    .map(move |(position, as_prefix)| Exposed {
                        expose: index,
                        translated: true,
                        position,
                        cidr: &as_prefix.cidr,
                        instead: (!as_prefix.not.is_empty())
                            .then_some(("not", as_prefix.not.as_str())),
                    });
            let own = expose
                .ips
                .iter()
                .enumerate()
                .map(move |(position, ip)| Exposed {
                    expose: index,
                    translated: false,
                    position,
                    cidr: &ip.cidr,
                    instead: if !ip.not.is_empty() {
                        Some(("not", ip.not.as_str()))
                    } else if !ip.vpc_subnet.is_empty() {
                        Some(("vpcSubnet", ip.vpc_subnet.as_str()))
                    } else {
                        None
                    },
                });
            let use_as = !expose.as_prefixes.is_empty();
            translated
                .filter(move |_| use_as)
                .chain(own.filter(move |_| !use_as))
        })
}

/// Checks what each side of `peering` (named `name`) exposes against what the other
/// peerings of the state expose to the same side.
pub(super) fn validate(name: &str, spec: &PeeringSpec, state: &FabricState, out: &mut Violations) {
    let sides: Vec<&str> = side_names(spec).collect();
    let [first, second] = sides.as_slice() else {
        return;
    };
    for (origin, entry) in spec.peering.iter().flatten() {
        let Some(entry) = entry else { continue };
        let target = if origin == first { second } else { first };
        let ours: Vec<Exposed> = exposed(entry).collect();
        if ours.is_empty() {
            continue;
        }
        let Some(toward) = state.gateway_index.exposures_toward(target) else {
            continue;
        };
        // Go compares only when another peering exposes something to the same side.
        let Some(another) = toward.any_besides(name) else {
            continue;
        };
        for exposed in ours.iter().filter(|e| e.cidr.is_empty()) {
            out.error(
                exposed.pointer(origin),
                format!(
                    "{} of `{origin}` has no `cidr`, and {} already exposes prefixes to `{target}`: the fabric's overlap check then fails to parse it (\"failed to parse exposed CIDR\") and rejects the peering; expose the prefixes as `cidr` entries",
                    exposed.describe(),
                    peering_named(state, &another.peering),
                ),
            );
            out.rule_of_last(rules::GATEWAYPEERING_EXPOSE_WITHOUT_CIDR);
            involve_peering(state, &another.peering, out);
        }
        if let Some(other) = toward.first_without_prefix_besides(name) {
            out.error(
                side_pointer(origin),
                format!(
                    "{} exposes {} to `{target}` from `{}`, which has no readable `cidr`: once another peering exposes to `{target}`, the fabric's overlap check fails to parse it (\"failed to parse existing exposed CIDR\") and rejects this peering; write that entry of `{}` as a `cidr`",
                    peering_named(state, &other.peering),
                    other.written,
                    other.side,
                    other.peering,
                ),
            );
            out.rule_of_last(rules::GATEWAYPEERING_EXPOSE_WITHOUT_CIDR);
            involve_peering(state, &other.peering, out);
        }
        for exposed in &ours {
            let Ok(prefix) = net::parse_prefix(exposed.cidr) else {
                continue;
            };
            if let Some((other, other_prefix)) = toward.first_overlap(&prefix, name) {
                out.error(
                    exposed.pointer(origin),
                    format!(
                        "`{origin}` exposes `{}` to `{target}`, which overlaps `{}` that {} already exposes to `{target}` from `{}`: `{target}` would reach those addresses through two peerings; expose prefixes that do not overlap (translate them with `as` and `nat` if the addresses clash)",
                        exposed.cidr,
                        other_prefix,
                        peering_named(state, &other.peering),
                        other.side,
                    ),
                );
                out.rule_of_last(rules::GATEWAYPEERING_EXPOSE_OVERLAP);
                involve_peering(state, &other.peering, out);
            }
        }
    }
}

/// Marks the violation recorded last as about GatewayPeering `name` of the state too.
fn involve_peering(state: &FabricState, name: &str, out: &mut Violations) {
    if let Some(entry) = state.gateway_peerings.get(name) {
        out.involving_last(Kind::GatewayPeering, name, &entry.origin);
    }
}

/// `GatewayPeering `name` (raw/peerings.yaml:3)`.
fn peering_named(state: &FabricState, name: &str) -> String {
    match state.gateway_peerings.get(name) {
        Some(entry) => format!("GatewayPeering `{name}` ({})", entry.origin),
        None => format!("GatewayPeering `{name}`"),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use serde_json::{Value, json};

    use crate::rules::state::{FabricState, References};
    use crate::rules::{Context, CrossViolation, Release, Typed, cross_check};

    pub(in crate::rules::gatewaypeering) fn peering(name: &str, spec: Value) -> Value {
        json!({"apiVersion": "gateway.githedgehog.com/v1alpha1", "kind": "GatewayPeering",
            "metadata": {"name": name}, "spec": spec})
    }

    pub(in crate::rules::gatewaypeering) fn vpc(name: &str, subnets: &[(&str, &str)]) -> Value {
        let subnets: serde_json::Map<String, Value> = subnets
            .iter()
            .enumerate()
            .map(|(i, (n, s))| ((*n).to_owned(), json!({"subnet": s, "vlan": 1000 + i})))
            .collect();
        json!({"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC", "metadata": {"name": name},
            "spec": {"subnets": subnets}})
    }

    pub(in crate::rules::gatewaypeering) fn cidrs(cidrs: &[&str]) -> Value {
        json!({"expose": [{"ips": cidrs.iter().map(|c| json!({"cidr": c})).collect::<Vec<_>>()}]})
    }

    /// The (pointer, message) of the errors of peering `subject` against `objects`, each
    /// in `managed/<name>.yaml`, with the `default` group and VPCs `vpc-1` to `vpc-3`.
    pub(in crate::rules::gatewaypeering) fn errors(
        objects: &[Value],
        subject: &str,
    ) -> Vec<(String, String)> {
        errors_at(objects, subject, Release::NEWEST)
    }

    /// [`errors`] at `release`.
    pub(in crate::rules::gatewaypeering) fn errors_at(
        objects: &[Value],
        subject: &str,
        release: Release,
    ) -> Vec<(String, String)> {
        cross(objects, subject, release)
            .into_iter()
            .map(|v| (v.violation.pointer, v.violation.message))
            .collect()
    }

    /// The pointer and the involved objects of each finding of [`errors`].
    pub(in crate::rules::gatewaypeering) fn involved(
        objects: &[Value],
        subject: &str,
    ) -> Vec<(String, Vec<String>)> {
        cross(objects, subject, Release::NEWEST)
            .iter()
            .map(CrossViolation::involved_described)
            .collect()
    }

    /// [`errors`] at `release` as the rules return them.
    fn cross(objects: &[Value], subject: &str, release: Release) -> Vec<CrossViolation> {
        let mut all = vec![
            json!({"apiVersion": "gateway.githedgehog.com/v1alpha1", "kind": "GatewayGroup", "metadata": {"name": "default"}}),
            vpc("vpc-1", &[("s1", "10.0.1.0/24")]),
            vpc("vpc-2", &[("s1", "10.0.2.0/24")]),
            vpc("vpc-3", &[("s1", "10.0.3.0/24"), ("s2", "10.0.4.0/24")]),
        ];
        all.extend(objects.iter().cloned());
        let paths: Vec<String> = all
            .iter()
            .map(|o| format!("managed/{}.yaml", o["metadata"]["name"].as_str().unwrap()))
            .collect();
        let members: Vec<_> = paths.iter().map(String::as_str).zip(all).collect();
        let ctx = Context {
            config: None,
            config_given: false,
            release,
        };
        let state = FabricState::of_objects(&members, &ctx, References::Strict);
        let object =
            Typed::GatewayPeering(state.gateway_peerings.get(subject).unwrap().object.clone());
        cross_check(&object, &state, &ctx)
    }

    fn base() -> Value {
        peering(
            "base",
            json!({"peering": {"vpc-1": cidrs(&["10.0.1.0/24"]), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        )
    }

    /// `TestValidateCIDROverlap` "IP clash" (`gatewaypeering_types_test.go:761`): vpc-3
    /// exposes to vpc-2 a prefix inside what vpc-1 already exposes to it.
    #[test]
    fn a_prefix_overlapping_what_another_peering_exposes_to_the_same_side_is_an_error() {
        let subject = peering(
            "new",
            json!({"peering": {"vpc-3": cidrs(&["10.0.3.0/24", "10.0.1.128/25"]), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        let found = errors(&[base(), subject], "new");
        let overlap = (
            "/spec/peering/vpc-3/expose/0/ips/1/cidr".to_owned(),
            "`vpc-3` exposes `10.0.1.128/25` to `vpc-2`, which overlaps `10.0.1.0/24` that GatewayPeering `base` (managed/base.yaml:1) already exposes to `vpc-2` from `vpc-1`: `vpc-2` would reach those addresses through two peerings; expose prefixes that do not overlap (translate them with `as` and `nat` if the addresses clash)".to_owned(),
        );
        assert!(found.contains(&overlap), "{found:#?}");
        // vpc-2's own exposure toward vpc-3 meets no other peering toward vpc-3.
        assert!(
            found
                .iter()
                .all(|(p, _)| !p.starts_with("/spec/peering/vpc-2")),
            "{found:#?}"
        );
    }

    #[test]
    fn an_overlap_or_an_unreadable_entry_involves_the_other_peering() {
        let subject = peering(
            "new",
            json!({"peering": {"vpc-3": cidrs(&["10.0.1.128/25"]), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        let the_base = "GatewayPeering `base` (managed/base.yaml:1)".to_owned();
        assert_eq!(
            involved(&[base(), subject], "new"),
            [
                (
                    "/spec/peering/vpc-3/expose/0/ips/0/cidr".to_owned(),
                    vec![the_base.clone()]
                ),
                // The prefix is not vpc-3's either: that finding is about vpc-3.
                (
                    "/spec/peering/vpc-3/expose/0/ips/0/cidr".to_owned(),
                    vec!["VPC `vpc-3` (managed/vpc-3.yaml:1)".to_owned()]
                ),
            ]
        );
        let without_cidr = peering(
            "new",
            json!({"peering": {"vpc-3": {"expose": [{"ips": [{"vpcSubnet": "s1"}]}]}, "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        assert_eq!(
            involved(&[base(), without_cidr.clone()], "new"),
            [(
                "/spec/peering/vpc-3/expose/0/ips/0".to_owned(),
                vec![the_base]
            )]
        );
        let newcomer = peering(
            "z-new",
            json!({"peering": {"vpc-1": cidrs(&["10.0.1.0/24"]), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        assert_eq!(
            involved(&[without_cidr, newcomer], "z-new"),
            [(
                "/spec/peering/vpc-1".to_owned(),
                vec!["GatewayPeering `new` (managed/new.yaml:1)".to_owned()]
            )]
        );
    }

    #[test]
    fn a_prefix_containing_another_peerings_prefix_overlaps_too_and_disjoint_ones_do_not() {
        let wide = peering(
            "new",
            json!({"peering": {"vpc-3": cidrs(&["10.0.0.0/16"]), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        let found = errors(&[base(), wide], "new");
        assert!(
            found
                .iter()
                .any(|(p, m)| p == "/spec/peering/vpc-3/expose/0/ips/0/cidr"
                    && m.contains("overlaps `10.0.1.0/24`")),
            "{found:#?}"
        );
        let disjoint = peering(
            "new",
            json!({"peering": {"vpc-3": cidrs(&["10.0.3.0/24"]), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        assert_eq!(errors(&[base(), disjoint], "new"), []);
    }

    /// `TestValidateCIDROverlap` "NAT clash" and "NAT does not clash": a NATed entry
    /// counts as its `as` prefixes.
    #[test]
    fn a_nated_exposure_counts_as_its_translated_prefixes() {
        let nat = |ips: &str, to: &str| json!({"expose": [{"ips": [{"cidr": ips}], "as": [{"cidr": to}], "nat": {"static": {}}}]});
        let clash = peering(
            "new",
            json!({"peering": {"vpc-3": nat("10.0.3.0/24", "10.0.1.0/24"), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        let found = errors(&[base(), clash], "new");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].0, "/spec/peering/vpc-3/expose/0/as/0/cidr");
        let translated_away = peering(
            "new",
            json!({"peering": {"vpc-3": nat("10.0.3.0/24", "192.168.0.0/24"), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        assert_eq!(errors(&[base(), translated_away], "new"), []);
    }

    /// The peering's own older version, under its own name, is not another peering.
    #[test]
    fn a_peering_never_overlaps_itself() {
        assert_eq!(errors(&[base()], "base"), []);
    }

    /// What the fabric does with an entry without `cidr` once another peering exposes to
    /// the same side (hhoracle: "failed to parse exposed CIDR : netip.ParsePrefix(\"\")").
    #[test]
    fn an_entry_without_cidr_toward_a_side_another_peering_exposes_to_is_rejected_as_the_fabric_does()
     {
        let subnet = peering(
            "new",
            json!({"peering": {"vpc-3": {"expose": [{"ips": [{"vpcSubnet": "s1"}]}]}, "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        assert_eq!(
            errors(&[base(), subnet.clone()], "new"),
            [(
                "/spec/peering/vpc-3/expose/0/ips/0".to_owned(),
                "`vpcSubnet: s1` of `vpc-3` has no `cidr`, and GatewayPeering `base` (managed/base.yaml:1) already exposes prefixes to `vpc-2`: the fabric's overlap check then fails to parse it (\"failed to parse exposed CIDR\") and rejects the peering; expose the prefixes as `cidr` entries".to_owned(),
            )]
        );
        // The same entry in the existing peering rejects a newcomer toward the same side.
        let newcomer = peering(
            "z-new",
            json!({"peering": {"vpc-1": cidrs(&["10.0.1.0/24"]), "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        let subnet = peering(
            "new",
            json!({"peering": {"vpc-3": {"expose": [{"ips": [{"vpcSubnet": "s1"}]}]}, "vpc-2": cidrs(&["10.0.2.0/24"])}}),
        );
        let found = errors(&[subnet, newcomer], "z-new");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].0, "/spec/peering/vpc-1");
        assert!(found[0].1.starts_with("GatewayPeering `new` (managed/new.yaml:1) exposes `vpcSubnet: s1` to `vpc-2` from `vpc-3`"), "{}", found[0].1);
        // Alone toward its side, the entry is fine.
        let alone = peering(
            "new",
            json!({"peering": {"vpc-3": {"expose": [{"ips": [{"vpcSubnet": "s1"}]}]}, "vpc-1": cidrs(&["10.0.1.0/24"])}}),
        );
        assert_eq!(errors(&[alone], "new"), []);
    }
}
