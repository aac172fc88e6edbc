//! A VPC subnet's static DHCP leases (`VPCDHCPStatic`, `vpc_types.go:116-120`), checked as
//! `Validate()` does (`:580-612`).
//!
//! `Default()` rewrites each MAC key to lowercase colon form (`:348-359`); here the keys stay
//! as written, so that findings name them: the checks parse MACs, so the form does not
//! matter, and two keys naming one MAC (where Go keeps one lease) get a warning. The lease
//! Go drops is not checked, as Go never sees it ([`overwritten_by_default`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{Gateway, Scope};
use crate::rules::{Violations, net, pointer_segment};

/// `VPCDHCPStatic`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StaticLease {
    /// `ip`.
    pub ip: String,
}

/// `:580-612`: each static lease has a MAC and an IP of its own inside the subnet that
/// is not its network, gateway or broadcast address.
pub(super) fn check(
    leases: &BTreeMap<String, StaticLease>,
    scope: &Scope,
    gateway: &Gateway,
    at: &str,
    out: &mut Violations,
) {
    let prefix = &scope.prefix;
    let broadcast = prefix.broadcast().to_string();
    let mut macs: BTreeMap<Vec<u8>, &str> = BTreeMap::new();
    let mut ips: BTreeMap<&str, (&str, Option<Vec<u8>>)> = BTreeMap::new();
    let overwritten = overwritten_by_default(leases);
    for (mac, lease) in leases {
        let lease_at = format!("{at}/{}", pointer_segment(mac));
        let parsed_mac = if mac.is_empty() {
            out.error(
                &lease_at,
                format!(
                    "a static lease (IP `{}`) has an empty MAC address",
                    lease.ip
                ),
            );
            None
        } else {
            match net::parse_mac(mac) {
                Ok(octets) => Some(octets),
                Err(e) => {
                    out.error(
                            &lease_at,
                            format!("{e}: write a static lease's MAC as six octets, such as `aa:bb:cc:dd:ee:ff`"),
                        );
                    None
                }
            }
        };
        if let Some(octets) = &parsed_mac {
            let canonical = net::format_mac(octets);
            match macs.get(octets) {
                Some(first) => {
                    let kept = match (overwritten.contains(&canonical), *first == canonical) {
                        (true, true) => format!("keeps the lease of `{mac}`"),
                        (true, false) => format!("keeps the lease of `{first}`"),
                        (false, _) => {
                            "keeps only one of these leases, whichever its map order gives"
                                .to_owned()
                        }
                    };
                    out.warning(
                        &lease_at,
                        format!("MACs `{first}` and `{mac}` are the same address (`{canonical}`): the fabric {kept}: write each MAC once"),
                    );
                }
                None => {
                    macs.insert(octets.clone(), mac);
                }
            }
        }
        if overwritten.contains(mac) {
            continue;
        }
        let ip_at = format!("{lease_at}/ip");
        let ip = &lease.ip;
        if ip.is_empty() {
            out.error(
                ip_at,
                format!("the static lease of MAC `{mac}` has an empty `ip`"),
            );
            continue;
        }
        let addr = match net::parse_addr(ip) {
            Ok(addr) => addr,
            Err(e) => {
                out.error(ip_at, format!("static lease of MAC `{mac}`: {e}"));
                continue;
            }
        };
        let problem = if !prefix.contains(&addr) {
            Some(format!("is outside subnet `{prefix}`"))
        } else if addr == prefix.network() {
            Some(format!("is the network address of subnet `{prefix}`"))
        } else if ip == gateway.text {
            Some("is the subnet's gateway".to_owned())
        } else if *ip == broadcast {
            Some(format!("is the broadcast address of subnet `{prefix}`"))
        } else {
            None
        };
        if let Some(problem) = problem {
            out.error(
                ip_at,
                format!("static IP `{ip}` of MAC `{mac}` {problem}: hosts cannot use it"),
            );
            continue;
        }
        match ips.get(ip.as_str()) {
                // The same MAC written twice was warned about above.
                Some((_, first)) if first.is_some() && *first == parsed_mac => {}
                Some((other, _)) => out.error(
                    ip_at,
                    format!("static IP `{ip}` is leased to MAC `{other}` as well as `{mac}`: each static lease needs its own IP"),
                ),
                None => {
                    ips.insert(ip, (mac, parsed_mac));
                }
            }
    }
}

/// The keys whose lease `Default()` overwrites (`:348-359`): it moves the lease of each key
/// not in lowercase colon form to that form, replacing the lease already written there.
/// So a MAC written in that form and in exactly one other keeps the other's lease. (With
/// two other forms, Go keeps whichever its map order moves last: all are checked here.)
fn overwritten_by_default(leases: &BTreeMap<String, StaticLease>) -> BTreeSet<String> {
    let mut forms: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for mac in leases.keys() {
        if let Ok(octets) = net::parse_mac(mac) {
            forms.entry(net::format_mac(&octets)).or_default().push(mac);
        }
    }
    forms
        .into_iter()
        .filter(|(canonical, written)| written.len() == 2 && written.contains(&canonical.as_str()))
        .map(|(canonical, _)| canonical)
        .collect()
}
