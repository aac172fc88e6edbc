//! The index the gateway rules read: which Gateways and Switches hold each loopback and
//! VTEP address, which Gateways hold each VTEP MAC, the members of each gateway group, and
//! every prefix the GatewayPeerings expose, by the side they expose it to. Each gateway
//! rule is then a lookup: a fabric of thousands of gateways or peerings stays linear.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use super::{FabricState, Origin};
use crate::kind::Kind;
use crate::rules::gatewaypeering::{Exposed, exposed};
use crate::rules::net;

/// The label Go lists a VPC's peerings by (`ListLabelVPC`, `api/gateway/v1alpha1/meta.go`):
/// `vpc.gateway.githedgehog.com/<side>: "true"`, which `Default()` sets for both sides.
const PEERING_SIDE_LABEL: &str = "vpc.gateway.githedgehog.com/";

/// A Gateway or Switch holding an address, or a Gateway in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// `Gateway` or `Switch`.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Where it is written.
    pub origin: Origin,
}

impl fmt::Display for Holder {
    /// `` Gateway `gw-2` (raw/gateways.yaml:12) ``, as findings name it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}` ({})", self.kind, self.name, self.origin)
    }
}

/// One prefix a GatewayPeering exposes to one of its sides.
#[derive(Debug, Clone)]
pub struct Exposure {
    /// The peering.
    pub peering: String,
    /// The side that exposes it.
    pub side: String,
    /// The entry as written (`` `cidr: 10.0.1.0/24` ``, `` `vpcSubnet: s1` ``).
    pub written: String,
    /// The prefix, when the entry has a `cidr` that parses.
    pub prefix: Option<IpNet>,
}

/// The exposures toward one side, with the prefixes by (family, network, length), so that
/// the overlaps of a prefix are its at most 129 containing prefixes plus a range.
#[derive(Debug, Default)]
pub struct Exposures {
    all: Vec<Exposure>,
    by_prefix: BTreeMap<PrefixKey, Vec<usize>>,
    without_prefix: Vec<usize>,
}

/// A prefix, masked, ordered by family, network address, length.
type PrefixKey = (u8, u128, u8);

fn prefix_key(prefix: &IpNet) -> PrefixKey {
    match prefix.trunc() {
        IpNet::V4(v4) => (4, u128::from(u32::from(v4.network())), v4.prefix_len()),
        IpNet::V6(v6) => (6, u128::from(v6.network()), v6.prefix_len()),
    }
}

impl Exposure {
    /// The exposure of entry `exposed` of peering `peering`'s side `side`.
    fn of(peering: &str, side: &str, exposed: &Exposed) -> Self {
        Exposure {
            peering: peering.to_owned(),
            side: side.to_owned(),
            written: exposed.describe(),
            prefix: net::parse_prefix(exposed.cidr).ok(),
        }
    }
}

impl Exposures {
    fn push(&mut self, exposure: Exposure) {
        let at = self.all.len();
        match &exposure.prefix {
            Some(prefix) => self
                .by_prefix
                .entry(prefix_key(prefix))
                .or_default()
                .push(at),
            None => self.without_prefix.push(at),
        }
        self.all.push(exposure);
    }

    /// An exposure of a peering other than `peering`. The exposures are grouped by peering,
    /// so this passes over at most `peering`'s own.
    pub fn any_besides(&self, peering: &str) -> Option<&Exposure> {
        self.all.iter().find(|e| e.peering != peering)
    }

    /// The first exposure without a readable prefix of a peering other than `peering`.
    pub fn first_without_prefix_besides(&self, peering: &str) -> Option<&Exposure> {
        self.without_prefix
            .iter()
            .map(|&at| &self.all[at])
            .find(|e| e.peering != peering)
    }

    /// The first exposure of a peering other than `peering` whose prefix overlaps `prefix`:
    /// one that contains it (shortest first), else one inside it (in address order).
    pub fn first_overlap(&self, prefix: &IpNet, peering: &str) -> Option<(&Exposure, IpNet)> {
        let (family, _, len) = prefix_key(prefix);
        let containing = (0..=len).filter_map(|shorter| {
            let wider = IpNet::new(prefix.addr(), shorter).ok()?;
            self.by_prefix.get(&prefix_key(&wider))
        });
        let inside = (len < prefix.max_prefix_len())
            .then(|| {
                let start = (family, prefix_key(prefix).1, len + 1);
                let end = (family, last_address(prefix), prefix.max_prefix_len());
                self.by_prefix.range(start..=end).map(|(_, ats)| ats)
            })
            .into_iter()
            .flatten();
        containing
            .chain(inside)
            .flatten()
            .map(|&at| &self.all[at])
            .find(|e| e.peering != peering)
            .and_then(|e| Some((e, e.prefix?)))
    }
}

/// The last address of `prefix`, as a number.
fn last_address(prefix: &IpNet) -> u128 {
    match prefix.trunc() {
        IpNet::V4(v4) => u128::from(u32::from(v4.broadcast())),
        IpNet::V6(v6) => u128::from(v6.broadcast()),
    }
}

/// The holders of a value other than the gateway asking, without a scan: a value every
/// gateway shares costs each of them a lookup, not a pass over all the others.
#[derive(Debug)]
pub struct Others<'a> {
    holders: &'a [Holder],
    gateway: &'a str,
    /// How many there are.
    pub count: usize,
}

impl<'a> Others<'a> {
    /// `holders` lists Gateways first, each in name order (a gateway twice when it lists a
    /// group twice), so `gateway`'s own entries are found by binary search.
    fn of(holders: Option<&'a Vec<Holder>>, gateway: &'a str) -> Self {
        let holders = holders.map_or(&[][..], Vec::as_slice);
        let gateways = &holders[..holders.partition_point(|h| h.kind == Kind::Gateway)];
        let own = gateways.partition_point(|h| h.name.as_str() <= gateway)
            - gateways.partition_point(|h| h.name.as_str() < gateway);
        Others {
            holders,
            gateway,
            count: holders.len() - own,
        }
    }

    /// The first `limit` of them, in index order.
    pub fn first(&self, limit: usize) -> impl Iterator<Item = &'a Holder> {
        self.all().take(limit)
    }

    /// All of them, in index order.
    pub fn all(&self) -> impl Iterator<Item = &'a Holder> {
        let gateway = self.gateway;
        self.holders
            .iter()
            .filter(move |h| !(h.kind == Kind::Gateway && h.name == gateway))
    }
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct GatewayIndex {
    protocol_ips: HashMap<IpAddr, Vec<Holder>>,
    vtep_ips: HashMap<IpAddr, Vec<Holder>>,
    vtep_macs: HashMap<String, Vec<Holder>>,
    group_members: HashMap<String, Vec<Holder>>,
    exposures: HashMap<String, Exposures>,
}

impl GatewayIndex {
    /// Builds the index from the objects of `state`.
    pub fn build(state: &FabricState) -> Self {
        let mut index = GatewayIndex::default();
        for (name, entry) in state.gateways.iter() {
            let spec = &entry.object.spec;
            let holder = Holder {
                kind: Kind::Gateway,
                name: name.to_owned(),
                origin: entry.origin.clone(),
            };
            index.hold(
                spec.protocol_ip.as_deref(),
                spec.vtep_ip.as_deref(),
                &holder,
            );
            if let Some(mac) = spec.vtep_mac.as_deref().and_then(Self::mac_key) {
                index.vtep_macs.entry(mac).or_default().push(holder.clone());
            }
            for group in &spec.groups {
                let members = index.group_members.entry(group.name.clone()).or_default();
                members.push(holder.clone());
            }
        }
        for (name, entry) in state.switches.iter() {
            let spec = &entry.object.spec;
            let holder = Holder {
                kind: Kind::Switch,
                name: name.to_owned(),
                origin: entry.origin.clone(),
            };
            index.hold(Some(&spec.protocol_ip), Some(&spec.vtep_ip), &holder);
        }
        for (name, entry) in state.gateway_peerings.iter() {
            let peering = &entry.object;
            // Go lists the peerings toward a side by label, as `Default()` set it.
            let targets = peering.metadata.labels.iter().filter_map(|(key, value)| {
                let target = key.strip_prefix(PEERING_SIDE_LABEL)?;
                (value == "true").then_some(target)
            });
            for target in targets {
                for (side, side_entry) in peering.spec.peering.iter().flatten() {
                    let Some(side_entry) = side_entry else {
                        continue;
                    };
                    if side == target {
                        continue;
                    }
                    let toward = index.exposures.entry(target.to_owned()).or_default();
                    for exposed in exposed(side_entry) {
                        toward.push(Exposure::of(name, side, &exposed));
                    }
                }
            }
        }
        index
    }

    /// The address of a loopback or VTEP prefix as Go keys it
    /// (`netip.ParsePrefix(..).Addr()`); `None` for an empty or unreadable value, which Go
    /// skips.
    pub fn address_key(prefix: &str) -> Option<IpAddr> {
        net::parse_prefix(prefix).ok().map(|p| p.addr())
    }

    /// A MAC as Go keys it (`net.ParseMAC(..).String()`).
    pub fn mac_key(mac: &str) -> Option<String> {
        net::parse_mac(mac)
            .ok()
            .map(|octets| net::format_mac(&octets))
    }

    fn hold(&mut self, protocol_ip: Option<&str>, vtep_ip: Option<&str>, holder: &Holder) {
        if let Some(addr) = protocol_ip.and_then(Self::address_key) {
            self.protocol_ips
                .entry(addr)
                .or_default()
                .push(holder.clone());
        }
        if let Some(addr) = vtep_ip.and_then(Self::address_key) {
            self.vtep_ips.entry(addr).or_default().push(holder.clone());
        }
    }

    /// The Gateways, then Switches, besides Gateway `gateway` whose `protocolIP` has
    /// address `addr`.
    pub fn protocol_ip_holders<'a>(&'a self, addr: &IpAddr, gateway: &'a str) -> Others<'a> {
        Others::of(self.protocol_ips.get(addr), gateway)
    }

    /// The Gateways, then Switches, besides Gateway `gateway` whose `vtepIP` has address
    /// `addr`.
    pub fn vtep_ip_holders<'a>(&'a self, addr: &IpAddr, gateway: &'a str) -> Others<'a> {
        Others::of(self.vtep_ips.get(addr), gateway)
    }

    /// The Gateways besides `gateway` whose `vtepMAC` is `mac` (as [`Self::mac_key`]
    /// writes it).
    pub fn vtep_mac_holders<'a>(&'a self, mac: &str, gateway: &'a str) -> Others<'a> {
        Others::of(self.vtep_macs.get(mac), gateway)
    }

    /// The Gateways besides `gateway` that list group `group`.
    pub fn group_members<'a>(&'a self, group: &str, gateway: &'a str) -> Others<'a> {
        Others::of(self.group_members.get(group), gateway)
    }

    /// What the peerings expose to side `side` (a VPC name or `ext.<external>`).
    pub fn exposures_toward(&self, side: &str) -> Option<&Exposures> {
        self.exposures.get(side)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposures(prefixes: &[(&str, &str)]) -> Exposures {
        let mut exposures = Exposures::default();
        for (peering, cidr) in prefixes {
            exposures.push(Exposure {
                peering: (*peering).to_owned(),
                side: "vpc-1".to_owned(),
                written: format!("`cidr: {cidr}`"),
                prefix: net::parse_prefix(cidr).ok(),
            });
        }
        exposures
    }

    fn overlap(exposures: &Exposures, cidr: &str, besides: &str) -> Option<String> {
        let prefix = net::parse_prefix(cidr).unwrap();
        exposures
            .first_overlap(&prefix, besides)
            .map(|(e, p)| format!("{} {p}", e.peering))
    }

    #[test]
    fn overlaps_are_found_by_lookup_in_both_directions_never_across_families_or_edges() {
        let index = exposures(&[
            ("a", "10.0.0.0/16"),
            ("b", "10.1.2.0/24"),
            ("c", "10.1.3.5/32"),
            ("d", "fd00::/64"),
            ("self", "10.2.0.0/16"),
        ]);
        assert_eq!(
            overlap(&index, "10.0.7.0/24", "x").as_deref(),
            Some("a 10.0.0.0/16")
        );
        assert_eq!(
            overlap(&index, "10.0.0.0/16", "x").as_deref(),
            Some("a 10.0.0.0/16")
        );
        assert_eq!(
            overlap(&index, "10.1.0.0/16", "x").as_deref(),
            Some("b 10.1.2.0/24")
        );
        assert_eq!(
            overlap(&index, "10.1.3.0/24", "x").as_deref(),
            Some("c 10.1.3.5/32")
        );
        assert_eq!(overlap(&index, "10.1.4.0/24", "x"), None);
        assert_eq!(
            overlap(&index, "10.3.0.0/16", "x"),
            None,
            "adjacent to 10.2.0.0/16"
        );
        assert_eq!(
            overlap(&index, "0.0.0.0/0", "x").as_deref(),
            Some("a 10.0.0.0/16")
        );
        assert_eq!(
            overlap(&index, "fd00::1/128", "x").as_deref(),
            Some("d fd00::/64")
        );
        assert_eq!(
            overlap(&index, "10.2.1.0/24", "self"),
            None,
            "a peering's own exposures"
        );
        assert!(index.any_besides("self").is_some());
        assert!(
            exposures(&[("self", "10.0.0.0/8")])
                .any_besides("self")
                .is_none()
        );
    }
}
