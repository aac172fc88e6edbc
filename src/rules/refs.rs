//! The objects an object refers to by name: what must exist before the fabric admits it,
//! and what the fabric refuses to delete while it exists.
//!
//! Read from the defaulted typed models, so the namespaces `Default()` fills in count: a VPC
//! without `ipv4Namespace` refers to IPv4Namespace `default`. These are the fields the
//! cross-object rules look up (the Go `kube.Get` calls of each kind's `Validate()`) and the
//! ones the delete webhooks (`pkg/ctrl/*_wh.go`) list referrers by.

use super::Typed;
use super::connection::{End, LAST_WITH_MCLAG};

/// How a GatewayPeering names an External among its sides (`ext.<name>`,
/// `gatewaypeering_types.go`); any other side is a VPC.
const EXTERNAL_SIDE_PREFIX: &str = "ext.";

/// One reference: the referred object's kind and name.
pub type Reference = (&'static str, String);

/// Every object `object` refers to, each once, in a stable order.
pub fn references(object: &Typed) -> Vec<Reference> {
    let mut out: Vec<Reference> = Vec::new();
    let mut add = |kind: &'static str, name: &str| {
        if !name.is_empty() {
            out.push((kind, name.to_owned()));
        }
    };
    match object {
        Typed::Vpc(vpc) => {
            add("IPv4Namespace", &vpc.spec.ipv4_namespace);
            add("VLANNamespace", &vpc.spec.vlan_namespace);
            for subnet in vpc.spec.subnets.iter().flat_map(|s| s.values()) {
                if subnet.dhcp.relay_vpc != vpc.metadata.name {
                    add("VPC", &subnet.dhcp.relay_vpc);
                }
            }
        }
        Typed::VpcAttachment(attachment) => {
            // `<vpc>/<subnet>` once defaulted.
            let subnet = attachment.spec.subnet.as_deref().unwrap_or_default();
            add("VPC", subnet.split_once('/').map_or(subnet, |(vpc, _)| vpc));
            add(
                "Connection",
                attachment.spec.connection.as_deref().unwrap_or_default(),
            );
        }
        Typed::VpcPeering(peering) => {
            for permit in peering.spec.permit.iter().flatten() {
                for vpc in permit.keys() {
                    add("VPC", vpc);
                }
            }
        }
        Typed::External(external) => add("IPv4Namespace", &external.spec.ipv4_namespace),
        Typed::ExternalAttachment(attachment) => {
            add("External", &attachment.spec.external);
            add("Connection", &attachment.spec.connection);
        }
        Typed::ExternalPeering(peering) => {
            add("VPC", &peering.spec.permit.vpc.name);
            add("External", &peering.spec.permit.external.name);
        }
        Typed::Connection(connection) => {
            // The devices as the releases that validate MCLAG list them, so that an MCLAG
            // connection's switches and server count as referred to (from 26.03 the fabric
            // checks none of them, and nothing else changes).
            for endpoint in connection.spec.endpoints(LAST_WITH_MCLAG) {
                let kind = match endpoint.end {
                    End::Switch => "Switch",
                    End::Server => "Server",
                    End::Gateway => "Gateway",
                };
                add(kind, endpoint.device());
            }
            if let Some(static_external) = &connection.spec.static_external {
                add("VPC", &static_external.within_vpc);
            }
        }
        Typed::Switch(switch) => {
            for namespace in &switch.spec.vlan_namespaces {
                add("VLANNamespace", namespace);
            }
            for group in &switch.spec.groups {
                add("SwitchGroup", group);
            }
        }
        Typed::Gateway(gateway) => {
            for group in &gateway.spec.groups {
                add("GatewayGroup", &group.name);
            }
        }
        Typed::GatewayPeering(peering) => {
            add("GatewayGroup", &peering.spec.gateway_group);
            for side in peering.spec.peering.iter().flat_map(|p| p.keys()) {
                match side.strip_prefix(EXTERNAL_SIDE_PREFIX) {
                    Some(external) => add("External", external),
                    None => add("VPC", side),
                }
            }
        }
        Typed::Ipv4Namespace(_)
        | Typed::Server(_)
        | Typed::SwitchGroup(_)
        | Typed::VlanNamespace(_)
        | Typed::GatewayGroup(_) => {}
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Context, admit_typed};
    use serde_json::json;

    fn refs(object: serde_json::Value) -> Vec<(String, String)> {
        let kind = object["kind"].as_str().unwrap().to_owned();
        let (_, typed) = admit_typed(&kind, &object, &Context::fabricator_defaults());
        references(&typed.unwrap())
            .into_iter()
            .map(|(kind, name)| (kind.to_owned(), name))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, n)| ((*k).to_owned(), (*n).to_owned()))
            .collect()
    }

    #[test]
    fn a_vpc_refers_to_its_defaulted_namespaces_and_relay_vpc() {
        let vpc = json!({"kind": "VPC", "metadata": {"name": "a"}, "spec": {"subnets": {
            "s": {"subnet": "10.0.0.0/24", "vlan": 1001, "dhcp": {"relay": "10.9.0.1/32", "relayVPC": "infra"}},
            "t": {"subnet": "10.0.1.0/24", "vlan": 1002, "dhcp": {"relay": "10.9.0.1/32", "relayVPC": "a"}}}}});
        assert_eq!(
            refs(vpc),
            pairs(&[
                ("IPv4Namespace", "default"),
                ("VLANNamespace", "default"),
                ("VPC", "infra")
            ])
        );
    }

    #[test]
    fn attachments_connections_and_peerings_refer_to_what_they_join() {
        let attachment = json!({"kind": "VPCAttachment", "metadata": {"name": "a"},
            "spec": {"subnet": "vpc-1/default", "connection": "s1--unbundled--leaf-01"}});
        assert_eq!(
            refs(attachment),
            pairs(&[("Connection", "s1--unbundled--leaf-01"), ("VPC", "vpc-1")])
        );
        let connection = json!({"kind": "Connection", "metadata": {"name": "c"}, "spec": {"unbundled": {
            "link": {"server": {"port": "server-01/enp2s1"}, "switch": {"port": "leaf-01/E1/1"}}}}});
        assert_eq!(
            refs(connection),
            pairs(&[("Server", "server-01"), ("Switch", "leaf-01")])
        );
        let mclag = json!({"kind": "Connection", "metadata": {"name": "m"}, "spec": {"mclag": {"links": [
            {"server": {"port": "server-01/enp2s1"}, "switch": {"port": "leaf-01/E1/1"}},
            {"server": {"port": "server-01/enp2s2"}, "switch": {"port": "leaf-02/E1/1"}}]}}});
        assert_eq!(
            refs(mclag),
            pairs(&[
                ("Server", "server-01"),
                ("Switch", "leaf-01"),
                ("Switch", "leaf-02")
            ])
        );
        let domain = json!({"kind": "Connection", "metadata": {"name": "d"}, "spec": {"mclagDomain": {
            "peerLinks": [{"switch1": {"port": "leaf-01/E1/3"}, "switch2": {"port": "leaf-02/E1/3"}}],
            "sessionLinks": [{"switch1": {"port": "leaf-01/E1/5"}, "switch2": {"port": "leaf-03/E1/5"}}]}}});
        assert_eq!(
            refs(domain),
            pairs(&[
                ("Switch", "leaf-01"),
                ("Switch", "leaf-02"),
                ("Switch", "leaf-03")
            ])
        );
        let peering = json!({"kind": "GatewayPeering", "apiVersion": "gateway.githedgehog.com/v1alpha1",
            "metadata": {"name": "p"}, "spec": {"peering": {"vpc-1": {"expose": []}, "ext.out": {"expose": []}}}});
        assert_eq!(
            refs(peering),
            pairs(&[
                ("External", "out"),
                ("GatewayGroup", "default"),
                ("VPC", "vpc-1")
            ])
        );
    }
}
