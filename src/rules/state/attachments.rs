//! The VPC and External attachments of each connection, for the attachment uniqueness rules
//! (`vpcattachment_types.go:276-296`, `externalattachment_types.go:381-401`). Go lists the
//! attachments labelled with the connection and compares each with the subject; here each
//! rule is one lookup by connection and subnet, or by connection and VLAN, so that a
//! connection with thousands of attachments does not make the check quadratic.

use std::collections::{BTreeMap, HashMap};

use super::FabricState;
use crate::rules::{externalattachment, vpcattachment};

/// See the module documentation. Every list of names is in name order (the state's order),
/// so the attachment a finding names does not depend on file order.
#[derive(Debug, Default)]
pub struct AttachmentIndex {
    vpc: HashMap<String, VpcAttachments>,
    external: HashMap<String, BTreeMap<u64, Vec<String>>>,
}

/// The VPCAttachments of one connection.
#[derive(Debug, Default)]
struct VpcAttachments {
    /// By `spec.subnet` (`<vpc>/<subnet>`, defaulted).
    by_subnet: HashMap<String, Vec<String>>,
    /// Those with `nativeVLAN: true`.
    native_vlan: Vec<String>,
}

impl AttachmentIndex {
    /// Builds the index from the VPCAttachments and ExternalAttachments of `state`.
    pub fn build(state: &FabricState) -> Self {
        let mut index = AttachmentIndex::default();
        for (name, entry) in state.vpc_attachments.iter() {
            let spec = &entry.object.spec;
            let (Some(connection), Some(subnet)) = (&spec.connection, &spec.subnet) else {
                continue;
            };
            let of_connection = index.vpc.entry(connection.clone()).or_default();
            of_connection
                .by_subnet
                .entry(subnet.clone())
                .or_default()
                .push(name.to_owned());
            if spec.native_vlan {
                of_connection.native_vlan.push(name.to_owned());
            }
        }
        for (name, entry) in state.external_attachments.iter() {
            let Some(vlan) = externalattachment::vlan(&entry.object.spec) else {
                continue;
            };
            index
                .external
                .entry(entry.object.spec.connection.clone())
                .or_default()
                .entry(vlan)
                .or_default()
                .push(name.to_owned());
        }
        index
    }

    /// The first VPCAttachment other than `attachment` that attaches its connection to its
    /// subnet.
    pub fn same_subnet(&self, attachment: &vpcattachment::Object) -> Option<&str> {
        let spec = &attachment.spec;
        let (connection, subnet) = (spec.connection.as_deref()?, spec.subnet.as_deref()?);
        let names = self.vpc.get(connection)?.by_subnet.get(subnet)?;
        other_than(names, &attachment.metadata.name)
    }

    /// The first VPCAttachment other than the one named `name` that uses `connection`'s
    /// native VLAN.
    pub fn native_vlan(&self, connection: &str, name: &str) -> Option<&str> {
        other_than(&self.vpc.get(connection)?.native_vlan, name)
    }

    /// The first ExternalAttachment other than the one named `name` that uses VLAN `vlan`
    /// (0: untagged) on `connection`.
    pub fn external_vlan(&self, connection: &str, vlan: u64, name: &str) -> Option<&str> {
        other_than(self.external.get(connection)?.get(&vlan)?, name)
    }
}

/// The first of `names` that is not `own`: the state holds the subject itself, which Go's
/// list skips by name.
fn other_than<'a>(names: &'a [String], own: &str) -> Option<&'a str> {
    names.iter().map(String::as_str).find(|name| *name != own)
}
