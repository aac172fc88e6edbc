//! VPC (`api/vpc/v1beta1/vpc_types.go` at 78827deb): `Default()` (`:260-361`) and the
//! stand-alone part of `Validate()` (`:363-670`): subnet count and mode, each subnet's
//! prefix, gateway and VLAN, VLAN uniqueness and overlaps inside the VPC, permit lists and
//! static routes. One subnet's own checks are in [`subnet`], its DHCP settings in [`dhcp`],
//! its hostBGP prefixes (26.03) in [`hostbgp`]; the checks against the rest of the fabric
//! (namespaces, other VPCs' subnets and VLANs) in [`cross`]. How the rules differ between
//! Hedgehog releases is tested case by case in `releases.rs`.
//!
//! Go returns its first error; here every independent problem is reported, each at the
//! field as written. A subnet whose prefix is missing, malformed or longer than /30 gets
//! that one finding and nothing else: `Default()` skips such subnets, so the rest of their
//! settings are not what the fabric would check.
//!
//! Not here: the name limits (`:368-373`, at most 11 characters, no `ext.` prefix), which
//! live with the other naming rules in `validate/names.rs`; and the `ipv4Namespace` /
//! `vlanNamespace` required checks (`:374-379`), which never fire because `Default()` sets
//! both.

mod cross;
mod dhcp;
mod hostbgp;
#[cfg(test)]
mod releases;
mod subnet;

pub use cross::{first_few, validate_cross};
use subnet::{check_subnet, subnet_prefix};

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;
use serde_json::Number;

use super::decode::{fits, integer};
use super::{Context, Release, Resource, Violations, net, pointer_segment};

/// A VPC as the rules read it.
pub type Object = Resource<VpcSpec>;

/// The name `Default()` gives an unset IPv4Namespace or VLANNamespace.
const DEFAULT_NAMESPACE: &str = "default";
/// At most this many subnets per VPC (`:383`).
const MAX_SUBNETS: usize = 20;
/// The longest prefix a VPC subnet may have (`:407`): /30 leaves two usable hosts.
const MAX_PREFIX_LEN: u8 = 30;

/// `VPCSpec`, the fields `Default()` and `Validate()` read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VpcSpec {
    /// `mode`: empty (L2VNI), `l3vni` or `l3flat`.
    pub mode: String,
    /// `subnets`, by name; `None` when the document has no `subnets`.
    pub subnets: Option<BTreeMap<String, Subnet>>,
    /// `ipv4Namespace`.
    #[serde(rename = "ipv4Namespace")]
    pub ipv4_namespace: String,
    /// `vlanNamespace`.
    #[serde(rename = "vlanNamespace")]
    pub vlan_namespace: String,
    /// `permit`: lists of subnet names that may reach each other.
    pub permit: Vec<Vec<String>>,
    /// `staticRoutes`.
    #[serde(rename = "staticRoutes")]
    pub static_routes: Vec<StaticRoute>,
    /// Integers Go's decoder refuses (pointer, message), found by [`default`] before it
    /// drops anything: Go decodes into `uint16`/`uint32` before `Default()` runs, so a value
    /// that does not fit rejects the VPC even where `Default()` or `Validate()` ignore it.
    #[serde(skip)]
    undecodable: Vec<(String, String)>,
}

/// `VPCSubnet`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Subnet {
    /// `subnet`: the prefix, such as `10.0.1.0/24`.
    pub subnet: String,
    /// `gateway`: `Default()` makes it the prefix's first host.
    pub gateway: String,
    /// `dhcp`.
    pub dhcp: dhcp::Dhcp,
    /// `vlan` as written: a schema `integer` of any size, a `uint16` in Go.
    pub vlan: Option<Number>,
    /// `hostBGP`: hosts announce their own addresses; no gateway, VLAN or DHCP.
    #[serde(rename = "hostBGP")]
    pub host_bgp: bool,
    /// `hostBGPMinPrefixLen` (from 26.03): the shortest prefix a host may announce inside
    /// the subnet; absent or 0 means 32.
    #[serde(rename = "hostBGPMinPrefixLen")]
    pub host_bgp_min_prefix_len: Option<Number>,
    /// `hostBGPMaxPrefixLen` (from 26.03): the longest; absent or 0 means 32.
    #[serde(rename = "hostBGPMaxPrefixLen")]
    pub host_bgp_max_prefix_len: Option<Number>,
    /// `hostBGPExtraPrefixes` (from 26.03): prefixes outside the subnet that its hosts may
    /// announce too, keyed by prefix.
    #[serde(rename = "hostBGPExtraPrefixes")]
    pub host_bgp_extra_prefixes: BTreeMap<String, hostbgp::ExtraPrefix>,
}

impl Subnet {
    /// The VLAN as Go's `uint16` field holds it, when it is written and fits; 0 means none.
    pub fn vlan_id(&self) -> Option<u16> {
        self.vlan
            .as_ref()
            .and_then(integer)
            .and_then(|vlan| u16::try_from(vlan).ok())
    }

    /// The prefix, when the stand-alone rules of `release` accept it (it parses and is /30
    /// or shorter): the cross-object rules skip the other subnets, already rejected for
    /// their prefix.
    pub fn usable_prefix(&self, release: Release) -> Option<IpNet> {
        net::parse_subnet(&self.subnet, release)
            .ok()
            .filter(|prefix| prefix.prefix_len() <= MAX_PREFIX_LEN)
    }
}

/// `VPCStaticRoute`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StaticRoute {
    /// `prefix`.
    pub prefix: String,
    /// `nextHops`; `None` when not written.
    #[serde(rename = "nextHops")]
    pub next_hops: Option<Vec<String>>,
}

/// `Default()` (`:260-361`): both namespaces, then each subnet's gateway and DHCP settings.
/// Labels are not ported: no rule reads them.
pub fn default(vpc: &mut Object) {
    let spec = &mut vpc.spec;
    spec.undecodable = undecodable_integers(spec);
    if spec.ipv4_namespace.is_empty() {
        spec.ipv4_namespace = DEFAULT_NAMESPACE.into();
    }
    if spec.vlan_namespace.is_empty() {
        spec.vlan_namespace = DEFAULT_NAMESPACE.into();
    }
    for subnet in spec.subnets.iter_mut().flat_map(BTreeMap::values_mut) {
        // `:280-283`: subnets that do not parse are left alone.
        let Ok(prefix) = net::parse_cidr_as_written(&subnet.subnet) else {
            continue;
        };
        let prefix = prefix.trunc();
        if subnet.gateway.is_empty()
            && !subnet.host_bgp
            && let Some(gateway) = nth_address(&prefix, 1)
        {
            subnet.gateway = gateway.to_string();
        }
        if prefix.prefix_len() <= MAX_PREFIX_LEN {
            subnet.dhcp.default(&prefix);
        }
    }
}

/// The stand-alone part of `Validate()` (`:363-670`).
pub fn validate(vpc: &Object, ctx: &Context, out: &mut Violations) {
    let spec = &vpc.spec;
    for (pointer, message) in &spec.undecodable {
        out.error(pointer, message);
    }
    let subnets = spec.subnets.as_ref();
    let count = subnets.map_or(0, BTreeMap::len);
    let subnets_at = if subnets.is_some() {
        "/spec/subnets"
    } else {
        "/spec"
    };
    if count == 0 {
        out.error(subnets_at, "a VPC needs at least one subnet in `subnets`");
    } else if count > MAX_SUBNETS {
        out.error(
            subnets_at,
            format!("a VPC may have at most {MAX_SUBNETS} subnets; this one has {count}"),
        );
    }
    check_mode(&spec.mode, out);

    // Each usable subnet and hostBGP extra prefix, described, with its pointer: Go checks
    // them all for overlap together.
    let mut prefixes: Vec<(String, String, IpNet)> = Vec::new();
    let mut vlans: BTreeMap<u16, &str> = BTreeMap::new();
    for (name, subnet) in subnets.into_iter().flatten() {
        let at = format!("/spec/subnets/{}", pointer_segment(name));
        let Some(prefix) = subnet_prefix(name, subnet, &at, ctx.release, out) else {
            continue;
        };
        prefixes.push((
            format!("subnet `{name}` (`{prefix}`)"),
            format!("{at}/subnet"),
            prefix,
        ));
        let Some(vlan) = check_subnet(name, subnet, prefix, &at, ctx, out) else {
            continue;
        };
        match vlans.get(&vlan) {
            Some(first) => out.error(
                format!("{at}/vlan"),
                format!("VLAN `{vlan}` of subnet `{name}` is also the VLAN of subnet `{first}`: each subnet of a VPC needs its own VLAN"),
            ),
            None => {
                vlans.insert(vlan, name);
            }
        }
    }
    // fabric v0.115.4 api/vpc/v1beta1/vpc_types.go:615 checks the overlaps with go-cidr's
    // `VerifyNoOverlap` inside 0.0.0.0/0 (pkg/util/iputil/ip.go:63-71), which refuses any
    // IPv6 subnet; v0.120.3 compares the prefixes only.
    if ctx.release < Release::V26_02 {
        for (_, pointer, prefix) in prefixes
            .iter()
            .filter(|(_, _, p)| matches!(p, IpNet::V6(_)))
        {
            out.error(
                pointer,
                format!("subnet `{prefix}` is IPv6: 0.0.0.0/0 does not fully contain it, and Hedgehog {} takes only IPv4 VPC subnets", ctx.release),
            );
        }
    }
    // fabric v0.129.1 api/vpc/v1beta1/vpc_types.go:516: the extra prefixes join the
    // subnets in the overlap check (from 26.03; none before).
    prefixes.extend(hostbgp::all_extra_prefixes(
        subnets.into_iter().flatten(),
        ctx,
    ));
    for (i, (described, pointer, prefix)) in prefixes.iter().enumerate() {
        if let Some((other, _, _)) = prefixes[..i]
            .iter()
            .find(|(_, _, earlier)| net::overlaps(earlier, prefix))
        {
            out.error(
                pointer,
                format!(
                    "{described} overlaps {other}: the subnets of one VPC must not share addresses"
                ),
            );
        }
    }
    check_permit(spec, out);
    check_static_routes(&spec.static_routes, ctx.release, out);
}

/// `:386-392`: the mode is one Go knows, and not the unfinished `l3flat`.
fn check_mode(mode: &str, out: &mut Violations) {
    match mode {
        "" | "l3vni" => {}
        "l3flat" => out.error(
            "/spec/mode",
            "mode `l3flat` is not supported by the fabric yet: leave `mode` out (L2VNI) or use `l3vni`",
        ),
        other => out.error(
            "/spec/mode",
            format!("mode `{other}` is not a VPC mode: leave `mode` out (L2VNI) or use `l3vni`"),
        ),
    }
}

/// Every integer of the spec that Go's decoder cannot fit into its field's type.
fn undecodable_integers(spec: &VpcSpec) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (name, subnet) in spec.subnets.iter().flatten() {
        let at = format!("/spec/subnets/{}", pointer_segment(name));
        if let Some(vlan) = &subnet.vlan
            && !fits::<u16>(vlan)
        {
            found.push((
                format!("{at}/vlan"),
                format!("`{vlan}` is not a VLAN ID: VLAN IDs go from 1 to 4094"),
            ));
        }
        subnet
            .dhcp
            .undecodable_integers(&format!("{at}/dhcp"), &mut found);
    }
    found
}

/// `:634-651`: each permit list names at least two subnets of this VPC, each once.
fn check_permit(spec: &VpcSpec, out: &mut Violations) {
    let known = |name: &str| spec.subnets.as_ref().is_some_and(|s| s.contains_key(name));
    for (i, list) in spec.permit.iter().enumerate() {
        let at = format!("/spec/permit/{i}");
        if list.len() < 2 {
            out.error(
                &at,
                format!("permit list #{i} names {} subnet(s): a permit list says which subnets may reach each other, so it needs at least two", list.len()),
            );
        }
        for (j, name) in list.iter().enumerate() {
            if !known(name) {
                out.error(
                    format!("{at}/{j}"),
                    format!("permit list #{i} names subnet `{name}`, which this VPC does not have"),
                );
            } else if list[..j].contains(name) {
                out.error(
                    format!("{at}/{j}"),
                    format!("permit list #{i} names subnet `{name}` twice: list each subnet once"),
                );
            }
        }
    }
}

/// `:653-670`: each static route has a canonical prefix and at least one next hop (next
/// hops are not parsed by Go either). 26.01 parses the prefix with `net.ParseCIDR` (fabric
/// v0.115.4 `vpc_types.go:643`), which takes leading zeros in the length.
fn check_static_routes(routes: &[StaticRoute], release: Release, out: &mut Violations) {
    for (i, route) in routes.iter().enumerate() {
        let at = format!("/spec/staticRoutes/{i}");
        if route.prefix.is_empty() {
            out.error(
                &at,
                format!("static route #{i} has no `prefix`: give the destination, such as `10.42.0.0/24`"),
            );
        } else {
            match net::parse_subnet(&route.prefix, release) {
                Err(e) => out.error(
                    format!("{at}/prefix"),
                    format!("static route #{i}: {e}: write the destination as a prefix such as `10.42.0.0/24`"),
                ),
                Ok(prefix) if prefix.addr() != prefix.network() => out.error(
                    format!("{at}/prefix"),
                    format!("static route prefix `{prefix}` has host bits set: write `{}`", prefix.trunc()),
                ),
                Ok(_) => {}
            }
        }
        match &route.next_hops {
            Some(hops) if !hops.is_empty() => {}
            written => out.error(
                if written.is_some() {
                    format!("{at}/nextHops")
                } else {
                    at
                },
                format!("static route #{i} has no next hop: give at least one in `nextHops`"),
            ),
        }
    }
}

/// The `n`th address of `prefix` counted from its network address, or `None` past the end
/// of the address space (`netip.Addr.Next()` gives an invalid address there).
fn nth_address(prefix: &IpNet, n: u8) -> Option<IpAddr> {
    match prefix.network() {
        IpAddr::V4(a) => u32::from(a)
            .checked_add(n.into())
            .map(|a| IpAddr::V4(a.into())),
        IpAddr::V6(a) => u128::from(a)
            .checked_add(n.into())
            .map(|a| IpAddr::V6(a.into())),
    }
}

#[cfg(test)]
mod tests;
