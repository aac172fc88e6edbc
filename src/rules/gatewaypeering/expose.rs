//! One expose entry of a peering side (`gatewaypeering_types.go:312-365`): `default: true`
//! alone, otherwise `ips` entries with exactly one of `cidr`/`not`/`vpcSubnet` (no
//! `vpcSubnet` for an External), `as` entries with exactly one of `cidr`/`not`, and `as`
//! together with `nat`.

use super::nat::{self, NatModes};
use super::{EXTERNAL_PREFIX, PeeringExpose};
use crate::rules::backticked;
use crate::rules::{Release, Violations, net};

/// One expose entry of `side` (`gatewaypeering_types.go:312-411`).
pub(super) fn validate(
    side: &str,
    at: &str,
    expose: &PeeringExpose,
    nat_modes: &mut NatModes,
    release: Release,
    out: &mut Violations,
) {
    let has_as = !expose.as_prefixes.is_empty();
    if expose.default_destination && (!expose.ips.is_empty() || has_as || expose.nat.is_some()) {
        out.error(
            format!("{at}/default"),
            format!("`{side}` exposes `default: true` together with `ips`, `as` or `nat`: a default-destination entry has nothing else; move the prefixes to their own entry"),
        );
    }
    if expose.ips.is_empty() && !expose.default_destination {
        out.error(
            at,
            format!("an expose entry of `{side}` has no `ips`: list at least one `cidr`, `not` or `vpcSubnet`, or make it `default: true`"),
        );
    }
    for (index, ip) in expose.ips.iter().enumerate() {
        let at = format!("{at}/ips/{index}");
        check_prefix(side, &at, "cidr", &ip.cidr, out);
        check_prefix(side, &at, "not", &ip.not, out);
        // fabric v0.115.4 api/gateway/v1alpha1/gatewaypeering_types.go:223-225 counts a
        // `vpcSubnet` of an External like any other; v0.120.3 :224-229 refuses it.
        if !ip.vpc_subnet.is_empty()
            && side.starts_with(EXTERNAL_PREFIX)
            && release >= Release::V26_02
        {
            out.error(
                format!("{at}/vpcSubnet"),
                format!("`{side}` is an External: it exposes prefixes (`cidr`, `not`), not VPC subnets (`vpcSubnet: {}`)", ip.vpc_subnet),
            );
        }
        exactly_one(
            side,
            &at,
            "ips",
            &[
                ("cidr", &ip.cidr),
                ("not", &ip.not),
                ("vpcSubnet", &ip.vpc_subnet),
            ],
            out,
        );
    }
    for (index, prefix) in expose.as_prefixes.iter().enumerate() {
        let at = format!("{at}/as/{index}");
        check_prefix(side, &at, "cidr", &prefix.cidr, out);
        check_prefix(side, &at, "not", &prefix.not, out);
        exactly_one(
            side,
            &at,
            "as",
            &[("cidr", &prefix.cidr), ("not", &prefix.not)],
            out,
        );
    }
    match (has_as, &expose.nat) {
        (true, None) => out.error(
            format!("{at}/as"),
            format!("an expose entry of `{side}` has `as` but no `nat`: translated prefixes need a NAT mode (`static`, `masquerade` or `portForward`)"),
        ),
        (false, Some(_)) => out.error(
            format!("{at}/nat"),
            format!("an expose entry of `{side}` has `nat` but no `as`: list the prefixes to translate to in `as`"),
        ),
        _ => {}
    }
    if let Some(nat) = &expose.nat {
        nat::validate(side, &format!("{at}/nat"), nat, nat_modes, out);
    }
}

/// A `cidr` or `not` of an `ips` or `as` entry, when set: a prefix (IPv4 or IPv6).
fn check_prefix(side: &str, at: &str, field: &str, value: &str, out: &mut Violations) {
    if !value.is_empty() && net::parse_prefix(value).is_err() {
        out.error(
            format!("{at}/{field}"),
            format!("`{field}: {value}` exposed by `{side}` is not an IP prefix: write `a.b.c.d/len`, e.g. `10.0.1.0/24`"),
        );
    }
}

/// An `ips` or `as` entry sets exactly one of `fields`.
fn exactly_one(side: &str, at: &str, list: &str, fields: &[(&str, &String)], out: &mut Violations) {
    let set: Vec<String> = fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    if set.len() != 1 {
        let allowed = backticked(fields.iter().map(|(name, _)| name));
        out.error(
            at,
            format!(
                "an `{list}` entry of `{side}` sets {}: it takes exactly one of {}",
                if set.is_empty() {
                    "nothing".to_owned()
                } else {
                    set.join(" and ")
                },
                allowed
            ),
        );
    }
}
