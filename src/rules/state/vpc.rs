//! The index of VPC subnets per IPv4Namespace and VLANs per VLANNamespace, for the VPC
//! overlap and VLAN uniqueness rules and the namespaces' update checks.
//!
//! Overlap is a lookup, not a scan: a namespace's subnets are sorted by (network address,
//! prefix length). The subnets that overlap a prefix `P` are those that contain it, found
//! by one binary search for each of the at most 33 (129 for IPv6) prefixes that contain
//! `P`, and those inside it, which form one contiguous run of network addresses inside `P`.

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;

use super::FabricState;
use crate::rules::net;

/// One subnet of a VPC, as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedSubnet {
    /// The prefix, host bits cleared (as `netip.Prefix.Overlaps` compares them).
    pub prefix: IpNet,
    /// The VPC's name.
    pub vpc: String,
    /// The subnet's name in the VPC.
    pub subnet: String,
    /// The VLAN as Go holds it: 0 when none is written.
    pub vlan: u16,
    /// Whether it is a hostBGP subnet (no VLAN of its own).
    pub host_bgp: bool,
}

/// A VLAN used by a VPC subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlanUse {
    /// The VPC's name.
    pub vpc: String,
    /// The subnet's name in the VPC.
    pub subnet: String,
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct VpcIndex {
    /// Every parsable VPC subnet, by the VPC's IPv4Namespace, sorted by (network, length),
    /// then by VPC and subnet name.
    subnets: HashMap<String, Vec<IndexedSubnet>>,
    /// Every parsable `hostBGPExtraPrefixes` key (a 26.03 field), kept like `subnets`
    /// with the extra prefix as `prefix`. Like Go (v0.129.1 `vpc_types.go:865-873`), those
    /// of any subnet, hostBGP or not; the rules consult them only at 26.03.
    extra_prefixes: HashMap<String, Vec<IndexedSubnet>>,
    /// The subnets using each non-zero VLAN, by the VPC's VLANNamespace, in VPC and subnet
    /// name order.
    vlans: HashMap<String, HashMap<u16, Vec<VlanUse>>>,
}

impl VpcIndex {
    /// Builds the index from the VPCs of `state`. A subnet whose prefix does not parse is
    /// left out: its own VPC is rejected for it, and it overlaps nothing.
    pub fn build(state: &FabricState) -> Self {
        let mut index = VpcIndex::default();
        for (name, entry) in state.vpcs.iter() {
            let spec = &entry.object.spec;
            for (subnet_name, subnet) in spec.subnets.iter().flatten() {
                let vlan = subnet.vlan_id().unwrap_or(0);
                if vlan != 0 {
                    index
                        .vlans
                        .entry(spec.vlan_namespace.clone())
                        .or_default()
                        .entry(vlan)
                        .or_default()
                        .push(VlanUse {
                            vpc: name.to_owned(),
                            subnet: subnet_name.clone(),
                        });
                }
                let indexed = |prefix: IpNet| IndexedSubnet {
                    prefix: prefix.trunc(),
                    vpc: name.to_owned(),
                    subnet: subnet_name.clone(),
                    vlan,
                    host_bgp: subnet.host_bgp,
                };
                // The widest parser of any release (26.01's): a subnet a later release
                // cannot parse is rejected in its own VPC there.
                if let Ok(prefix) = net::parse_cidr_as_written(&subnet.subnet) {
                    index
                        .subnets
                        .entry(spec.ipv4_namespace.clone())
                        .or_default()
                        .push(indexed(prefix));
                }
                let extras = subnet
                    .host_bgp_extra_prefixes
                    .keys()
                    .filter_map(|text| net::parse_prefix(text).ok());
                for prefix in extras {
                    index
                        .extra_prefixes
                        .entry(spec.ipv4_namespace.clone())
                        .or_default()
                        .push(indexed(prefix));
                }
            }
        }
        for subnets in index
            .subnets
            .values_mut()
            .chain(index.extra_prefixes.values_mut())
        {
            // Stable: equal prefixes keep the VPC and subnet name order they were added in.
            subnets.sort_by_key(|s| key(&s.prefix));
        }
        index
    }

    /// Every VPC subnet of IPv4Namespace `namespace`, in prefix order.
    pub fn subnets_in(&self, namespace: &str) -> &[IndexedSubnet] {
        self.subnets.get(namespace).map_or(&[], Vec::as_slice)
    }

    /// The VPC subnets of IPv4Namespace `namespace` that share an address with `prefix`:
    /// first those containing it (widest first), then those inside it, in prefix order.
    pub fn overlapping(&self, namespace: &str, prefix: &IpNet) -> Vec<&IndexedSubnet> {
        overlapping_in(self.subnets_in(namespace), prefix)
    }

    /// The hostBGP extra prefixes of the VPC subnets of IPv4Namespace `namespace` that share
    /// an address with `prefix`, in the order of [`VpcIndex::overlapping`].
    pub fn overlapping_extra_prefixes(
        &self,
        namespace: &str,
        prefix: &IpNet,
    ) -> Vec<&IndexedSubnet> {
        overlapping_in(
            self.extra_prefixes
                .get(namespace)
                .map_or(&[], Vec::as_slice),
            prefix,
        )
    }

    /// The subnets of VLANNamespace `namespace` that use VLAN `vlan` (never 0: a subnet
    /// without a VLAN shares none).
    pub fn vlan_users(&self, namespace: &str, vlan: u16) -> &[VlanUse] {
        self.vlans
            .get(namespace)
            .and_then(|vlans| vlans.get(&vlan))
            .map_or(&[], Vec::as_slice)
    }
}

impl VpcIndex {
    /// Every non-zero VLAN of VLANNamespace `namespace` with the subnets using it, in VLAN
    /// order.
    pub fn vlans_in(&self, namespace: &str) -> Vec<(u16, &[VlanUse])> {
        let mut vlans: Vec<(u16, &[VlanUse])> = self
            .vlans
            .get(namespace)
            .into_iter()
            .flatten()
            .map(|(vlan, users)| (*vlan, users.as_slice()))
            .collect();
        vlans.sort_unstable_by_key(|(vlan, _)| *vlan);
        vlans
    }
}

/// The entries of `subnets` (sorted by [`key`]) that share an address with `prefix`: first
/// those containing it (widest first), then those inside it, in prefix order.
fn overlapping_in<'a>(subnets: &'a [IndexedSubnet], prefix: &IpNet) -> Vec<&'a IndexedSubnet> {
    let prefix = prefix.trunc();
    let mut found = Vec::new();
    for len in 0..=prefix.prefix_len() {
        let Ok(wider) = IpNet::new(prefix.network(), len) else {
            continue;
        };
        let wanted = key(&wider.trunc());
        let start = subnets.partition_point(|s| key(&s.prefix) < wanted);
        let end = subnets.partition_point(|s| key(&s.prefix) <= wanted);
        found.extend(&subnets[start..end]);
    }
    let start = subnets.partition_point(|s| key(&s.prefix) <= key(&prefix));
    let end = subnets.partition_point(|s| s.prefix.network() <= prefix.broadcast());
    found.extend(subnets.get(start..end).unwrap_or_default());
    found
}

/// The sort key of a prefix: IPv4 before IPv6, then network address, then length.
fn key(prefix: &IpNet) -> (IpAddr, u8) {
    (prefix.network(), prefix.prefix_len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Context;
    use crate::rules::state::References;
    use serde_json::json;

    fn vpc(name: &str, subnets: serde_json::Value) -> (&'static str, serde_json::Value) {
        let object = json!({
            "apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
            "metadata": {"name": name}, "spec": {"subnets": subnets}
        });
        ("raw/vpcs.yaml", object)
    }

    fn overlapping(index: &VpcIndex, prefix: &str) -> Vec<String> {
        index
            .overlapping("default", &prefix.parse().unwrap())
            .iter()
            .map(|s| format!("{}/{} {}", s.vpc, s.subnet, s.prefix))
            .collect()
    }

    #[test]
    fn overlaps_are_found_both_ways_and_only_in_the_same_namespace() {
        let objects = [
            vpc("wide", json!({"a": {"subnet": "10.0.0.0/16", "vlan": 10}})),
            vpc(
                "inner",
                json!({
                    "a": {"subnet": "10.1.2.0/24", "vlan": 11},
                    "b": {"subnet": "10.1.3.128/25", "vlan": 12},
                    "v6": {"subnet": "fd00::/64", "vlan": 13}
                }),
            ),
            vpc("next", json!({"a": {"subnet": "10.2.0.0/24", "vlan": 14}})),
            (
                "raw/other.yaml",
                json!({
                    "apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
                    "metadata": {"name": "elsewhere"},
                    "spec": {"ipv4Namespace": "other", "vlanNamespace": "other", "subnets": {"a": {"subnet": "10.1.0.0/16", "vlan": 10}}}
                }),
            ),
        ];
        let state = FabricState::of_objects(
            &objects,
            &Context::fabricator_defaults(),
            References::Strict,
        );
        let index = &state.vpc_index;
        assert_eq!(
            overlapping(index, "10.1.0.0/16"),
            ["inner/a 10.1.2.0/24", "inner/b 10.1.3.128/25"]
        );
        assert_eq!(overlapping(index, "10.0.5.0/24"), ["wide/a 10.0.0.0/16"]);
        assert_eq!(
            overlapping(index, "0.0.0.0/0"),
            [
                "wide/a 10.0.0.0/16",
                "inner/a 10.1.2.0/24",
                "inner/b 10.1.3.128/25",
                "next/a 10.2.0.0/24"
            ]
        );
        assert_eq!(overlapping(index, "10.2.0.0/24"), ["next/a 10.2.0.0/24"]);
        assert_eq!(overlapping(index, "10.2.1.0/24"), Vec::<String>::new());
        assert_eq!(overlapping(index, "fd00::/16"), ["inner/v6 fd00::/64"]);
        assert_eq!(
            index.vlan_users("default", 10).len(),
            1,
            "`other` not counted"
        );
        assert_eq!(index.vlan_users("default", 99), []);
    }

    #[test]
    fn the_lookup_finds_exactly_what_comparing_every_pair_finds() {
        // Prefixes crowded into 10.0.0.0/22 with every length from /20 to /30, so that many
        // contain, equal or sit inside one another; a small LCG keeps the test repeatable.
        let mut seed: u32 = 7;
        let mut next = |bound: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 8) % bound
        };
        let mut random_prefix = || {
            let len = 20 + next(11) as u8;
            let addr = std::net::Ipv4Addr::from(0x0a00_0000 | next(1 << 10) << 2);
            IpNet::new(addr.into(), len).unwrap().trunc()
        };
        let objects: Vec<_> = (0..200)
            .map(|i| {
                let prefix = random_prefix().to_string();
                vpc(
                    &format!("v{i}"),
                    json!({"a": {"subnet": prefix, "vlan": 1}}),
                )
            })
            .collect();
        let state = FabricState::of_objects(
            &objects,
            &Context::fabricator_defaults(),
            References::Strict,
        );
        let all = state.vpc_index.subnets_in("default");
        assert_eq!(all.len(), 200);
        for _ in 0..500 {
            let query = random_prefix();
            let mut found: Vec<&str> = state
                .vpc_index
                .overlapping("default", &query)
                .iter()
                .map(|s| s.vpc.as_str())
                .collect();
            let mut expected: Vec<&str> = all
                .iter()
                .filter(|s| net::overlaps(&s.prefix, &query))
                .map(|s| s.vpc.as_str())
                .collect();
            found.sort_unstable();
            expected.sort_unstable();
            assert_eq!(found, expected, "{query}");
        }
    }
}
