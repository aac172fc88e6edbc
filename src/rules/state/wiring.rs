//! The index of the wiring's unique values, for the Connection and Switch uniqueness rules:
//! switch ports used by connections, fabric link addresses, and the switches' (and
//! gateways') ASNs, management, protocol and VTEP IPs. Each rule looks a value up here
//! instead of scanning every connection or switch, as Go's webhooks do on each admission.
//!
//! Every entry lists all the objects holding the value, in name order: the object being
//! checked is in the state too, and a rule skips its own name, as Go skips it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;

use super::FabricState;
use crate::kind::Kind;
use crate::rules::connection::{LAST_WITH_MCLAG, mclag_validated};
use crate::rules::{Release, net};

/// See the module documentation.
#[derive(Debug, Default)]
pub struct WiringIndex {
    /// Port key ([`WiringIndex::port_key`]) to the connections using the port, each with
    /// the port as it writes it.
    ports: HashMap<String, Vec<(String, String)>>,
    /// The same for the connections with `mclag` or `mclagDomain` set, whose ports only the
    /// releases that validate MCLAG count (`connection::mclag_validated`); they have none in
    /// `ports`.
    mclag_ports: HashMap<String, Vec<(String, String)>>,
    /// Fabric, mesh and gateway link address to the connections using it.
    link_ips: HashMap<IpAddr, Vec<String>>,
    /// A leaf's non-zero ASN to the leaves with it.
    leaf_asns: HashMap<u32, Vec<String>>,
    /// Management IP address (`ip` without its length) to the switches with it.
    management_ips: HashMap<IpAddr, Vec<String>>,
    /// `protocolIP`, as written, to the switches and gateways with it.
    protocol_ips: HashMap<String, Vec<Holder>>,
    /// `vtepIP`, as written, to the switches and gateways with it.
    vtep_ips: HashMap<String, Vec<Holder>>,
}

/// A switch or gateway holding a protocol or VTEP IP: its kind (`Switch`, `Gateway`) and
/// name.
pub type Holder = (Kind, String);

/// The address of a link or management `ip` (a prefix), when it parses, as Go keys them.
fn prefix_addr(ip: &str) -> Option<IpAddr> {
    net::parse_prefix(ip).ok().map(|prefix| prefix.addr())
}

impl WiringIndex {
    /// The key under which a connection's port is unique: Go's alias rule
    /// (`connection_types.go:891-935`) says `leaf-01/E1/4` (a port without a breakout lane) is
    /// the same port as `leaf-01/E1/4/1`, its first lane, so both have the key
    /// `leaf-01/E1/4/1`; every other port is its own key.
    pub fn port_key(port: &str) -> Cow<'_, str> {
        if port.matches('/').count() == 2 {
            Cow::Owned([port, "/1"].concat())
        } else {
            Cow::Borrowed(port)
        }
    }

    /// Builds the index from the objects of `state`.
    pub fn build(state: &FabricState) -> Self {
        let mut index = WiringIndex::default();
        for (name, entry) in state.connections.iter() {
            let spec = &entry.object.spec;
            let (ports, endpoints) = if spec.has_mclag() {
                (&mut index.mclag_ports, spec.endpoints(LAST_WITH_MCLAG))
            } else {
                (&mut index.ports, spec.endpoints(Release::NEWEST))
            };
            for endpoint in endpoints {
                ports
                    .entry(Self::port_key(endpoint.port).into_owned())
                    .or_default()
                    .push((name.to_owned(), endpoint.port.to_owned()));
            }
            for ends in spec.addressed_links() {
                for end in ends {
                    if let Some(addr) = prefix_addr(end.ip) {
                        push(&mut index.link_ips, addr, name);
                    }
                }
            }
        }
        for (name, entry) in state.switches.iter() {
            let spec = &entry.object.spec;
            if let Some(asn) = spec.asn.and_then(|asn| u32::try_from(asn).ok())
                && asn != 0
                && spec.is_leaf()
            {
                push(&mut index.leaf_asns, asn, name);
            }
            if let Some(addr) = prefix_addr(&spec.ip) {
                push(&mut index.management_ips, addr, name);
            }
            let holder = || (Kind::Switch, name.to_owned());
            if !spec.protocol_ip.is_empty() {
                push_holder(&mut index.protocol_ips, &spec.protocol_ip, holder());
            }
            if !spec.vtep_ip.is_empty() {
                push_holder(&mut index.vtep_ips, &spec.vtep_ip, holder());
            }
        }
        for (name, entry) in state.gateways.iter() {
            let spec = &entry.object.spec;
            let holder = || (Kind::Gateway, name.to_owned());
            if let Some(ip) = spec.protocol_ip.as_deref().filter(|ip| !ip.is_empty()) {
                push_holder(&mut index.protocol_ips, ip, holder());
            }
            if let Some(ip) = spec.vtep_ip.as_deref().filter(|ip| !ip.is_empty()) {
                push_holder(&mut index.vtep_ips, ip, holder());
            }
        }
        index
    }

    /// The connections other than `except` that use `port` or its alias at `release`, each
    /// with the port as it writes it.
    pub fn port_users<'s>(
        &'s self,
        port: &str,
        except: &'s str,
        release: Release,
    ) -> impl Iterator<Item = (&'s str, &'s str)> {
        let key = Self::port_key(port);
        let mclag = mclag_validated(release)
            .then(|| self.mclag_ports.get(key.as_ref()))
            .flatten();
        self.ports
            .get(key.as_ref())
            .into_iter()
            .chain(mclag)
            .flatten()
            .filter(move |(name, _)| name != except)
            .map(|(name, port)| (name.as_str(), port.as_str()))
    }

    /// The connections other than `except` with a link end at `addr`.
    pub fn link_ip_users<'s>(
        &'s self,
        addr: &IpAddr,
        except: &'s str,
    ) -> impl Iterator<Item = &'s str> {
        others(self.link_ips.get(addr), except)
    }

    /// The leaves other than `except` with the ASN `asn`.
    pub fn leaf_asn_users<'s>(
        &'s self,
        asn: u32,
        except: &'s str,
    ) -> impl Iterator<Item = &'s str> {
        others(self.leaf_asns.get(&asn), except)
    }

    /// The switches other than `except` whose management IP is `addr`.
    pub fn management_ip_users<'s>(
        &'s self,
        addr: &IpAddr,
        except: &'s str,
    ) -> impl Iterator<Item = &'s str> {
        others(self.management_ips.get(addr), except)
    }

    /// The switches other than the switch `except`, and the gateways, with the protocol IP
    /// `ip` (compared as written, as Go does).
    pub fn protocol_ip_holders<'s>(
        &'s self,
        ip: &str,
        except: &'s str,
    ) -> impl Iterator<Item = &'s Holder> {
        other_holders(self.protocol_ips.get(ip), except)
    }

    /// The switches other than the switch `except`, and the gateways, with the VTEP IP `ip`
    /// (compared as written, as Go does).
    pub fn vtep_ip_holders<'s>(
        &'s self,
        ip: &str,
        except: &'s str,
    ) -> impl Iterator<Item = &'s Holder> {
        other_holders(self.vtep_ips.get(ip), except)
    }
}

fn push<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<String>>, key: K, name: &str) {
    let names = map.entry(key).or_default();
    // A connection may list a value twice (its own duplicate): keep each holder once.
    if names.last().is_none_or(|last| last != name) {
        names.push(name.to_owned());
    }
}

fn push_holder(map: &mut HashMap<String, Vec<Holder>>, key: &str, holder: Holder) {
    map.entry(key.to_owned()).or_default().push(holder);
}

fn others<'s>(names: Option<&'s Vec<String>>, except: &'s str) -> impl Iterator<Item = &'s str> {
    names
        .into_iter()
        .flatten()
        .map(String::as_str)
        .filter(move |name| *name != except)
}

fn other_holders<'s>(
    holders: Option<&'s Vec<Holder>>,
    except: &'s str,
) -> impl Iterator<Item = &'s Holder> {
    holders
        .into_iter()
        .flatten()
        .filter(move |(kind, name)| !(*kind == Kind::Switch && name == except))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_without_a_lane_and_its_first_lane_share_a_key() {
        assert_eq!(WiringIndex::port_key("leaf-01/E1/4"), "leaf-01/E1/4/1");
        assert_eq!(WiringIndex::port_key("leaf-01/E1/4/1"), "leaf-01/E1/4/1");
        assert_ne!(
            WiringIndex::port_key("leaf-01/E1/4/2"),
            WiringIndex::port_key("leaf-01/E1/4")
        );
        assert_eq!(
            WiringIndex::port_key("server-01/enp2s1"),
            "server-01/enp2s1"
        );
    }
}
