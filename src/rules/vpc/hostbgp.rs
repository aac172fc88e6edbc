//! The prefixes a hostBGP subnet accepts from its hosts, added in fabric v0.127.0 and so
//! checked from Hedgehog 26.03 (fabric v0.129.1 `api/vpc/v1beta1/vpc_types.go`):
//! `hostBGPMinPrefixLen` and `hostBGPMaxPrefixLen` bound the lengths a host may announce
//! inside the subnet (32 by default, `:132-143`), and `hostBGPExtraPrefixes` adds prefixes
//! outside it, each with its own bounds or the subnet's (`:146-157`). `Validate()` checks
//! the bounds, the extra prefixes' form and their clash with reserved subnets (`:483-517`),
//! refuses the fields on other subnets (`:519-524`), and with the cluster keeps the extra
//! prefixes inside the IPv4Namespace (`:808-820`) and clear of other VPCs (`:865-873`).
//!
//! Older releases have none of these fields (their schemas refuse them), so no rule here
//! runs before 26.03, whatever the model read.

use ipnet::IpNet;
use serde::Deserialize;
use serde_json::Number;

use super::Subnet;
use crate::rules::decode::unsigned;
use crate::rules::{Context, Release, Violations, net, pointer_segment};

/// `DefaultHostBGPPrefixLen` (`:84`): the one length accepted unless configured, and the
/// longest there is.
const DEFAULT_PREFIX_LEN: u64 = 32;
/// `MaxHostBGPExtraPrefixes` (`:86`).
const MAX_EXTRA_PREFIXES: usize = 100;

/// `VPCSubnetHostBGPPrefix` (`:119-129`): the lengths accepted inside one extra prefix.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExtraPrefix {
    /// `minPrefixLen`; absent or 0: the subnet's.
    #[serde(rename = "minPrefixLen")]
    pub min_prefix_len: Option<Number>,
    /// `maxPrefixLen`; absent or 0: the subnet's.
    #[serde(rename = "maxPrefixLen")]
    pub max_prefix_len: Option<Number>,
}

/// Whether the hostBGP prefix rules apply at all: the fields exist from 26.03.
fn applies(ctx: &Context) -> bool {
    ctx.release >= Release::V26_03
}

/// The extra prefixes of a hostBGP subnet that parse, are IPv4 and canonical, with their
/// pointer: what the overlap checks compare. Empty before 26.03, for other subnets, and for
/// a subnet rejected for its own prefix (which gets no second finding).
pub fn extra_prefixes(subnet: &Subnet, at: &str, ctx: &Context) -> Vec<(String, IpNet)> {
    if !applies(ctx) || !subnet.host_bgp || subnet.usable_prefix(ctx.release).is_none() {
        return Vec::new();
    }
    subnet
        .host_bgp_extra_prefixes
        .keys()
        .filter_map(|text| {
            let prefix = parse_extra(text).ok()?;
            Some((extra_pointer(at, text), prefix))
        })
        .collect()
}

/// The pointer of extra prefix `text` of the subnet at `at`.
fn extra_pointer(at: &str, text: &str) -> String {
    format!("{at}/hostBGPExtraPrefixes/{}", pointer_segment(text))
}

/// An extra prefix's key as `:492-501` accepts it: a prefix, IPv4, without host bits.
fn parse_extra(text: &str) -> Result<IpNet, String> {
    let prefix = net::parse_prefix(text)?;
    if !matches!(prefix, IpNet::V4(_)) {
        return Err(format!("`{text}` is not an IPv4 prefix"));
    }
    if prefix.addr() != prefix.network() {
        return Err(format!(
            "`{text}` has host bits set (not in canonical form): write `{}`",
            prefix.trunc()
        ));
    }
    Ok(prefix)
}

/// `:519-524`: a subnet that is not hostBGP sets none of the hostBGP prefix fields.
pub fn check_routed(name: &str, subnet: &Subnet, at: &str, ctx: &Context, out: &mut Violations) {
    if !applies(ctx) {
        return;
    }
    if !subnet.host_bgp_extra_prefixes.is_empty() {
        out.error(
            format!("{at}/hostBGPExtraPrefixes"),
            format!("subnet `{name}` is not a hostBGP subnet: hostBGP extra prefixes cannot be specified on it; remove `hostBGPExtraPrefixes` or set `hostBGP: true`"),
        );
    }
    for (field, value) in [
        ("hostBGPMinPrefixLen", &subnet.host_bgp_min_prefix_len),
        ("hostBGPMaxPrefixLen", &subnet.host_bgp_max_prefix_len),
    ] {
        // Go compares with 0: an explicit 0 is the same as leaving the field out.
        if value.as_ref().is_some_and(|n| n.as_u64() != Some(0)) {
            out.error(
                format!("{at}/{field}"),
                format!("subnet `{name}` is not a hostBGP subnet: hostBGP prefix lengths cannot be specified on it; remove `{field}` or set `hostBGP: true`"),
            );
        }
    }
}

/// `:483-517`: a hostBGP subnet's prefix lengths, then each extra prefix's form, lengths
/// and clash with the fabric's reserved subnets.
pub fn check_host_bgp(
    name: &str,
    subnet: &Subnet,
    prefix: &IpNet,
    at: &str,
    ctx: &Context,
    out: &mut Violations,
) {
    if !applies(ctx) {
        return;
    }
    let (Some(min), Some(max)) = (
        length(
            subnet.host_bgp_min_prefix_len.as_ref(),
            at,
            "hostBGPMinPrefixLen",
            out,
        ),
        length(
            subnet.host_bgp_max_prefix_len.as_ref(),
            at,
            "hostBGPMaxPrefixLen",
            out,
        ),
    ) else {
        return;
    };
    // `HostBGPPrefixLens` (`:132-143`): 0 (or absent) is 32.
    let or_default = |len: u64| {
        if len == 0 {
            (DEFAULT_PREFIX_LEN, Some(" (by default)"))
        } else {
            (len, None)
        }
    };
    let lens = Lens {
        min: or_default(min),
        max: or_default(max),
    };
    lens.check(&format!("subnet `{name}`"), prefix, at, "hostBGP", out);
    let extras = &subnet.host_bgp_extra_prefixes;
    if extras.len() > MAX_EXTRA_PREFIXES {
        out.error(
            format!("{at}/hostBGPExtraPrefixes"),
            format!(
                "subnet `{name}` has {} hostBGP extra prefixes: at most {MAX_EXTRA_PREFIXES} are allowed",
                extras.len()
            ),
        );
    }
    let reserved = ctx
        .config
        .map_or(&[][..], |c| &c.parsed_reserved_subnets[..]);
    for (text, extra) in extras {
        let pointer = extra_pointer(at, text);
        let extra_prefix = match parse_extra(text) {
            Ok(extra_prefix) => extra_prefix,
            Err(e) => {
                out.error(
                    &pointer,
                    format!("invalid hostBGP extra prefix of subnet `{name}`: {e}; key each extra prefix by an IPv4 prefix such as `10.99.0.0/24`"),
                );
                continue;
            }
        };
        let (Some(extra_min), Some(extra_max)) = (
            length(extra.min_prefix_len.as_ref(), &pointer, "minPrefixLen", out),
            length(extra.max_prefix_len.as_ref(), &pointer, "maxPrefixLen", out),
        ) else {
            continue;
        };
        // `HostBGPExtraPrefixLens` (`:146-157`): an unset length is the subnet's.
        let inherit = |own: u64, subnet: (u64, Option<&'static str>)| {
            if own != 0 {
                (own, None)
            } else {
                (subnet.0, Some(" (the subnet's)"))
            }
        };
        let extra_lens = Lens {
            min: inherit(extra_min, lens.min),
            max: inherit(extra_max, lens.max),
        };
        extra_lens.check(
            &format!("hostBGP extra prefix `{text}` of subnet `{name}`"),
            &extra_prefix,
            &pointer,
            "",
            out,
        );
        if let Some(taken) = reserved.iter().find(|r| net::overlaps(r, &extra_prefix)) {
            out.against_config(
                ctx,
                &["reservedSubnets"],
                pointer,
                format!("hostBGP extra prefix `{text}` of subnet `{name}` overlaps `{taken}`, which the fabric reserves for its own addresses (`reservedSubnets`): pick a prefix outside it"),
            );
        }
    }
}

/// One prefix-length field as Go's `uint8` holds it (0 when absent); `None`, reported,
/// when Go cannot decode it.
fn length(value: Option<&Number>, at: &str, field: &str, out: &mut Violations) -> Option<u64> {
    unsigned(value, u8::MAX.into(), &format!("{at}/{field}"), out)
}

/// The lengths accepted inside one prefix, each with `None` when written here, else how it
/// came (`" (by default)"`, `" (the subnet's)"`): a finding then points at the prefix
/// rather than the field.
struct Lens {
    min: (u64, Option<&'static str>),
    max: (u64, Option<&'static str>),
}

impl Lens {
    /// `validateHostBGPPrefixLens` (`:929-941`): min ≤ max ≤ 32, and min no shorter than
    /// the prefix's own length. `what` names the prefix; `field_prefix` is `hostBGP` for a
    /// subnet's fields (`hostBGPMinPrefixLen`), empty for an extra prefix's (`minPrefixLen`).
    fn check(
        &self,
        what: &str,
        prefix: &IpNet,
        at: &str,
        field_prefix: &str,
        out: &mut Violations,
    ) {
        let field = |name: &str, came: Option<&str>| {
            if came.is_some() {
                return at.to_owned();
            }
            if field_prefix.is_empty() {
                format!("{at}/{}PrefixLen", name.to_lowercase())
            } else {
                format!("{at}/{field_prefix}{name}PrefixLen")
            }
        };
        let (min, min_came) = self.min;
        let (max, max_came) = self.max;
        let note = |came: Option<&'static str>| came.unwrap_or_default();
        if min > max {
            out.error(
                field("Min", min_came),
                format!("{what}: hostBGP min prefix length {min}{} is greater than max prefix length {max}{}: the min must not exceed the max", note(min_came), note(max_came)),
            );
        } else if max > DEFAULT_PREFIX_LEN {
            out.error(
                field("Max", max_came),
                format!("{what}: hostBGP max prefix length {max} is greater than {DEFAULT_PREFIX_LEN}: an IPv4 prefix is at most /32"),
            );
        } else if min < u64::from(prefix.prefix_len()) {
            out.error(
                field("Min", min_came),
                format!("{what}: hostBGP min prefix length {min}{} is shorter than the prefix length of {prefix}: hosts may announce only prefixes inside it, so use {} or more", note(min_came), prefix.prefix_len()),
            );
        }
    }
}

/// The extra prefixes of every subnet of `subnets` at 26.03, as (label, pointer, prefix),
/// for the overlap checks inside the VPC and against other VPCs.
pub fn all_extra_prefixes<'a>(
    subnets: impl Iterator<Item = (&'a String, &'a Subnet)>,
    ctx: &Context,
) -> Vec<(String, String, IpNet)> {
    let mut found = Vec::new();
    for (name, subnet) in subnets {
        let at = format!("/spec/subnets/{}", pointer_segment(name));
        for (pointer, prefix) in extra_prefixes(subnet, &at, ctx) {
            found.push((
                format!("hostBGP extra prefix `{prefix}` of subnet `{name}`"),
                pointer,
                prefix,
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests;
