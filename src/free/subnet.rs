//! Free subnets: the first `/N` prefixes inside each IPv4Namespace's subnets that share no
//! address with a VPC subnet (or hostBGP extra prefix) of that namespace, found with the
//! overlap index the VPC rules use, skipping past each used block instead of stepping
//! through it.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};
use serde::Serialize;

use crate::rules::net;
use crate::rules::state::FabricState;

/// One IPv4Namespace and its first free subnets.
#[derive(Debug, Clone, Serialize)]
pub struct NamespaceSubnets {
    /// `metadata.name`.
    pub name: String,
    /// `path:line` of its document, relative to the fabric folder; `None` when managed/
    /// does not hold it (it is named by VPCs only).
    pub origin: Option<String>,
    /// Its subnets; `None` when managed/ does not hold it.
    pub subnets: Option<Vec<String>>,
    /// How many VPC subnets it holds.
    pub used: usize,
    /// The first free `/N` prefixes, at most the count asked for; `None` when its subnets
    /// are unknown.
    pub free: Option<Vec<String>>,
}

/// The first `count` free `/prefix_len` subnets of every IPv4Namespace of `state` (or only
/// `namespace`), and of every one a VPC names that managed/ does not hold, in name order.
pub fn free_subnets(
    state: &FabricState,
    prefix_len: u8,
    count: usize,
    namespace: Option<&str>,
) -> Vec<NamespaceSubnets> {
    let mut names: Vec<&str> = state
        .ipv4_namespaces
        .iter()
        .map(|(name, _)| name)
        .chain(
            state
                .vpcs
                .iter()
                .map(|(_, entry)| entry.object.spec.ipv4_namespace.as_str()),
        )
        .filter(|name| namespace.is_none_or(|wanted| wanted == *name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let entry = state.ipv4_namespaces.get(name);
            let subnets = entry.map(|entry| entry.object.spec.subnets.clone());
            let free = subnets.as_ref().map(|subnets| {
                let mut free = Vec::new();
                for outer in subnets.iter().filter_map(|s| net::parse_prefix_v4(s).ok()) {
                    first_free_in(state, name, outer.trunc(), prefix_len, count, &mut free);
                }
                free.into_iter().map(|net| net.to_string()).collect()
            });
            NamespaceSubnets {
                name: name.to_owned(),
                origin: entry.map(|entry| entry.origin.to_string()),
                used: state.vpc_index.subnets_in(name).len(),
                subnets,
                free,
            }
        })
        .collect()
}

/// Adds to `free` the free `/prefix_len` blocks of `outer`, in address order, until it
/// holds `count`.
fn first_free_in(
    state: &FabricState,
    namespace: &str,
    outer: Ipv4Net,
    prefix_len: u8,
    count: usize,
    free: &mut Vec<Ipv4Net>,
) {
    if prefix_len < outer.prefix_len() || prefix_len > 32 {
        return;
    }
    let block = 1u64 << (32 - prefix_len);
    let end = u64::from(u32::from(outer.broadcast()));
    let mut start = u64::from(u32::from(outer.network()));
    while free.len() < count && start + block - 1 <= end {
        let addr = Ipv4Addr::from_bits(u32::try_from(start).unwrap_or(u32::MAX));
        let Ok(candidate) = Ipv4Net::new(addr, prefix_len) else {
            return;
        };
        let as_ip = IpNet::V4(candidate);
        let index = &state.vpc_index;
        let used_end = index
            .overlapping(namespace, &as_ip)
            .into_iter()
            .chain(index.overlapping_extra_prefixes(namespace, &as_ip))
            .filter_map(|used| match used.prefix {
                IpNet::V4(used) => Some(u64::from(u32::from(used.broadcast()))),
                IpNet::V6(_) => None,
            })
            .max();
        match used_end {
            None => {
                free.push(candidate);
                start += block;
            }
            // Past the used block, on the next /N boundary.
            Some(used_end) => start = (used_end + 1).div_ceil(block) * block,
        }
    }
}
