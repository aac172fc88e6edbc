//! Free VLANs: of each VLANNamespace (its ranges minus the VLANs of the VPC subnets whose
//! VPC names it, as the VPC rules decide membership), and of an external connection (the
//! VLANs its ExternalAttachments do not use, as the ExternalAttachment rule counts them).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Span, spans_minus};
use crate::rules::external_attachment_vlan;
use crate::rules::state::FabricState;

/// The VLANs an external connection's attachments may use (`uint16` VLAN IDs Go accepts).
const ATTACHMENT_VLANS: Span = Span { from: 1, to: 4094 };

/// One VLANNamespace and what is free in it.
#[derive(Debug, Clone, Serialize)]
pub struct NamespaceVlans {
    /// `metadata.name`.
    pub name: String,
    /// `path:line` of its document, relative to the fabric folder; `None` when managed/
    /// does not hold it (it is named by VPCs only).
    pub origin: Option<String>,
    /// Its ranges; `None` when managed/ does not hold it, so they are unknown.
    pub ranges: Option<Vec<Span>>,
    /// Every VLAN used in it, by the VPC subnets using it, in VLAN order.
    pub used: Vec<VlanUser>,
    /// The free VLANs; `None` when the ranges are unknown.
    pub free: Option<Vec<Span>>,
}

/// One VLAN and who uses it.
#[derive(Debug, Clone, Serialize)]
pub struct VlanUser {
    /// The VLAN (0: untagged, for an ExternalAttachment).
    pub vlan: u16,
    /// Who uses it: `VPC vpc-1 subnet default`, `ExternalAttachment ext-1`.
    pub by: Vec<String>,
}

/// The VLANs of every VLANNamespace of `state` (or only `namespace`) and of every one a VPC
/// names that managed/ does not hold, in name order.
pub fn free_vlans(state: &FabricState, namespace: Option<&str>) -> Vec<NamespaceVlans> {
    let mut users: BTreeMap<&str, BTreeMap<u16, Vec<String>>> = BTreeMap::new();
    for (vpc, entry) in state.vpcs.iter() {
        let spec = &entry.object.spec;
        for (subnet_name, subnet) in spec.subnets.iter().flatten() {
            let vlan = subnet.vlan_id().unwrap_or(0);
            if subnet.host_bgp || vlan == 0 {
                continue;
            }
            users
                .entry(spec.vlan_namespace.as_str())
                .or_default()
                .entry(vlan)
                .or_default()
                .push(format!("VPC {vpc} subnet {subnet_name}"));
        }
    }
    let names: BTreeSet<&str> = state
        .vlan_namespaces
        .iter()
        .map(|(name, _)| name)
        .chain(users.keys().copied())
        .filter(|name| namespace.is_none_or(|wanted| wanted == *name))
        .collect();
    names
        .into_iter()
        .map(|name| {
            let used: Vec<VlanUser> = users
                .remove(name)
                .unwrap_or_default()
                .into_iter()
                .map(|(vlan, by)| VlanUser { vlan, by })
                .collect();
            let entry = state.vlan_namespaces.get(name);
            let ranges: Option<Vec<Span>> = entry.map(|entry| {
                entry
                    .object
                    .spec
                    .ranges
                    .iter()
                    .filter_map(|range| {
                        Some(Span {
                            from: u16::try_from(range.from).ok()?,
                            to: u16::try_from(range.to).ok()?,
                        })
                    })
                    .collect()
            });
            let taken: Vec<u16> = used.iter().map(|user| user.vlan).collect();
            NamespaceVlans {
                name: name.to_owned(),
                origin: entry.map(|entry| entry.origin.to_string()),
                free: ranges.as_deref().map(|ranges| spans_minus(ranges, &taken)),
                ranges,
                used,
            }
        })
        .collect()
}

/// The VLANs on one external connection.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionVlans {
    /// The Connection's name.
    pub connection: String,
    /// `path:line` of the Connection, relative to the fabric folder; `None` when managed/
    /// does not hold it.
    pub origin: Option<String>,
    /// The VLANs its ExternalAttachments use (0: untagged), in VLAN order.
    pub used: Vec<VlanUser>,
    /// The VLANs 1-4094 none of them uses.
    pub free: Vec<Span>,
}

/// The VLANs the ExternalAttachments of `connection` use and those left.
pub fn free_connection_vlans(state: &FabricState, connection: &str) -> ConnectionVlans {
    let mut users: BTreeMap<u16, Vec<String>> = BTreeMap::new();
    for (name, entry) in state.external_attachments.iter() {
        let spec = &entry.object.spec;
        if spec.connection != connection {
            continue;
        }
        if let Some(vlan) = external_attachment_vlan(spec).and_then(|v| u16::try_from(v).ok()) {
            users
                .entry(vlan)
                .or_default()
                .push(format!("ExternalAttachment {name}"));
        }
    }
    let taken: Vec<u16> = users.keys().copied().collect();
    ConnectionVlans {
        connection: connection.to_owned(),
        origin: state
            .connections
            .get(connection)
            .map(|entry| entry.origin.to_string()),
        free: spans_minus(&[ATTACHMENT_VLANS], &taken),
        used: users
            .into_iter()
            .map(|(vlan, by)| VlanUser { vlan, by })
            .collect(),
    }
}
