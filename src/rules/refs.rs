//! The objects an object refers to by name: what must exist before the fabric admits it,
//! and what the fabric refuses to delete while it exists.
//!
//! Read from the defaulted typed models, so the namespaces `Default()` fills in count: a VPC
//! without `ipv4Namespace` refers to IPv4Namespace `default`. These are the fields the
//! cross-object rules look up (the Go `kube.Get` calls of each kind's `Validate()`) and the
//! ones the delete webhooks (`pkg/ctrl/*_wh.go`) list referrers by.

use super::connection::{End, LAST_WITH_MCLAG};
use super::{Typed, pointer_segment};
use crate::kind::Kind;

/// How a GatewayPeering names an External among its sides (`ext.<name>`,
/// `gatewaypeering_types.go`); any other side is a VPC.
const EXTERNAL_SIDE_PREFIX: &str = "ext.";

/// One reference: the referred object's kind and name.
pub type Reference = (Kind, String);

/// One reference and the field that makes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReferenceAt {
    /// The referred object's kind (`VPC`).
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// JSON pointer of the field naming it in the referring document
    /// (`/spec/subnet`); for a name `Default()` filled in, the field it defaults.
    pub pointer: String,
}

/// Every object `object` refers to, each once, in a stable order.
pub fn references(object: &Typed) -> Vec<Reference> {
    let mut out: Vec<Reference> = Vec::new();
    each_reference(object, |kind, name, _| out.push((kind, name.to_owned())));
    out.sort();
    out.dedup();
    out
}

/// Every reference `object` makes, with the field that makes it: the one list of what
/// refers to what, which [`references`] (the cross-object checks) and `hh-gitops refs`
/// both read. In a stable order; a name referred to from two fields is there twice.
pub fn references_at(object: &Typed) -> Vec<ReferenceAt> {
    let mut out: Vec<ReferenceAt> = Vec::new();
    each_reference(object, |kind, name, pointer| {
        out.push(ReferenceAt {
            kind,
            name: name.to_owned(),
            pointer: pointer(),
        });
    });
    out
}

/// Calls `add` with the kind and name of each reference `object` makes (skipping empty
/// names), in a stable order, and a maker of the pointer of the field that makes it: the
/// pointer is made only for [`references_at`], as the cross-object checks, which read
/// [`references`] for every object of the fabric, never show it.
fn each_reference(object: &Typed, mut add: impl FnMut(Kind, &str, &dyn Fn() -> String)) {
    let mut add = |kind: Kind, name: &str, pointer: &dyn Fn() -> String| {
        if !name.is_empty() {
            add(kind, name, pointer);
        }
    };
    match object {
        Typed::Vpc(vpc) => {
            add(Kind::Ipv4Namespace, &vpc.spec.ipv4_namespace, &|| {
                "/spec/ipv4Namespace".into()
            });
            add(Kind::VlanNamespace, &vpc.spec.vlan_namespace, &|| {
                "/spec/vlanNamespace".into()
            });
            for (name, subnet) in vpc.spec.subnets.iter().flatten() {
                if subnet.dhcp.relay_vpc != vpc.metadata.name {
                    let at = || format!("/spec/subnets/{}/dhcp/relayVPC", pointer_segment(name));
                    add(Kind::Vpc, &subnet.dhcp.relay_vpc, &at);
                }
            }
        }
        Typed::VpcAttachment(attachment) => {
            // `<vpc>/<subnet>` once defaulted.
            let subnet = attachment.spec.subnet.as_deref().unwrap_or_default();
            add(
                Kind::Vpc,
                subnet.split_once('/').map_or(subnet, |(vpc, _)| vpc),
                &|| "/spec/subnet".into(),
            );
            add(
                Kind::Connection,
                attachment.spec.connection.as_deref().unwrap_or_default(),
                &|| "/spec/connection".into(),
            );
        }
        Typed::VpcPeering(peering) => {
            for (index, permit) in peering.spec.permit.iter().flatten().enumerate() {
                for vpc in permit.keys() {
                    let at = || format!("/spec/permit/{index}/{}", pointer_segment(vpc));
                    add(Kind::Vpc, vpc, &at);
                }
            }
        }
        Typed::External(external) => {
            add(Kind::Ipv4Namespace, &external.spec.ipv4_namespace, &|| {
                "/spec/ipv4Namespace".into()
            })
        }
        Typed::ExternalAttachment(attachment) => {
            add(Kind::External, &attachment.spec.external, &|| {
                "/spec/external".into()
            });
            add(Kind::Connection, &attachment.spec.connection, &|| {
                "/spec/connection".into()
            });
        }
        Typed::ExternalPeering(peering) => {
            add(Kind::Vpc, &peering.spec.permit.vpc.name, &|| {
                "/spec/permit/vpc/name".into()
            });
            add(Kind::External, &peering.spec.permit.external.name, &|| {
                "/spec/permit/external/name".into()
            });
        }
        Typed::Connection(connection) => {
            // The devices as the releases that validate MCLAG list them, so that an MCLAG
            // connection's switches and server count as referred to (from 26.03 the fabric
            // checks none of them, and nothing else changes).
            for endpoint in connection.spec.endpoints(LAST_WITH_MCLAG) {
                let kind = match endpoint.end {
                    End::Switch => Kind::Switch,
                    End::Server => Kind::Server,
                    End::Gateway => Kind::Gateway,
                };
                add(kind, endpoint.device(), &|| endpoint.pointer());
            }
            if let Some(static_external) = &connection.spec.static_external {
                add(Kind::Vpc, &static_external.within_vpc, &|| {
                    "/spec/staticExternal/withinVPC".into()
                });
            }
        }
        Typed::Switch(switch) => {
            // `Default()` sorts both lists, so an index may not be the written one.
            for namespace in &switch.spec.vlan_namespaces {
                add(Kind::VlanNamespace, namespace, &|| {
                    "/spec/vlanNamespaces".into()
                });
            }
            for group in &switch.spec.groups {
                add(Kind::SwitchGroup, group, &|| "/spec/groups".into());
            }
        }
        Typed::Gateway(gateway) => {
            // Sorted by `Default()` too.
            for group in &gateway.spec.groups {
                add(Kind::GatewayGroup, &group.name, &|| "/spec/groups".into());
            }
        }
        Typed::GatewayPeering(peering) => {
            add(Kind::GatewayGroup, &peering.spec.gateway_group, &|| {
                "/spec/gatewayGroup".into()
            });
            for side in peering.spec.peering.iter().flat_map(|p| p.keys()) {
                let at = || format!("/spec/peering/{}", pointer_segment(side));
                match side.strip_prefix(EXTERNAL_SIDE_PREFIX) {
                    Some(external) => add(Kind::External, external, &at),
                    None => add(Kind::Vpc, side, &at),
                }
            }
        }
        Typed::Ipv4Namespace(_)
        | Typed::Server(_)
        | Typed::SwitchGroup(_)
        | Typed::VlanNamespace(_)
        | Typed::GatewayGroup(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Context, admit_typed};
    use serde_json::json;

    fn refs(object: serde_json::Value) -> Vec<(Kind, String)> {
        let kind = Kind::from_name(object["kind"].as_str().unwrap());
        let (_, typed) = admit_typed(&kind, &object, &Context::fabricator_defaults());
        references(&typed.unwrap()).into_iter().collect()
    }

    fn pairs(list: &[(Kind, &str)]) -> Vec<(Kind, String)> {
        list.iter()
            .map(|(k, n)| (k.clone(), (*n).to_owned()))
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
                (Kind::Ipv4Namespace, "default"),
                (Kind::VlanNamespace, "default"),
                (Kind::Vpc, "infra")
            ])
        );
    }

    #[test]
    fn attachments_connections_and_peerings_refer_to_what_they_join() {
        let attachment = json!({"kind": "VPCAttachment", "metadata": {"name": "a"},
            "spec": {"subnet": "vpc-1/default", "connection": "s1--unbundled--leaf-01"}});
        assert_eq!(
            refs(attachment),
            pairs(&[
                (Kind::Connection, "s1--unbundled--leaf-01"),
                (Kind::Vpc, "vpc-1")
            ])
        );
        let connection = json!({"kind": "Connection", "metadata": {"name": "c"}, "spec": {"unbundled": {
            "link": {"server": {"port": "server-01/enp2s1"}, "switch": {"port": "leaf-01/E1/1"}}}}});
        assert_eq!(
            refs(connection),
            pairs(&[(Kind::Server, "server-01"), (Kind::Switch, "leaf-01")])
        );
        let mclag = json!({"kind": "Connection", "metadata": {"name": "m"}, "spec": {"mclag": {"links": [
            {"server": {"port": "server-01/enp2s1"}, "switch": {"port": "leaf-01/E1/1"}},
            {"server": {"port": "server-01/enp2s2"}, "switch": {"port": "leaf-02/E1/1"}}]}}});
        assert_eq!(
            refs(mclag),
            pairs(&[
                (Kind::Server, "server-01"),
                (Kind::Switch, "leaf-01"),
                (Kind::Switch, "leaf-02")
            ])
        );
        let domain = json!({"kind": "Connection", "metadata": {"name": "d"}, "spec": {"mclagDomain": {
            "peerLinks": [{"switch1": {"port": "leaf-01/E1/3"}, "switch2": {"port": "leaf-02/E1/3"}}],
            "sessionLinks": [{"switch1": {"port": "leaf-01/E1/5"}, "switch2": {"port": "leaf-03/E1/5"}}]}}});
        assert_eq!(
            refs(domain),
            pairs(&[
                (Kind::Switch, "leaf-01"),
                (Kind::Switch, "leaf-02"),
                (Kind::Switch, "leaf-03")
            ])
        );
        let peering = json!({"kind": "GatewayPeering", "apiVersion": "gateway.githedgehog.com/v1alpha1",
            "metadata": {"name": "p"}, "spec": {"peering": {"vpc-1": {"expose": []}, "ext.out": {"expose": []}}}});
        assert_eq!(
            refs(peering),
            pairs(&[
                (Kind::External, "out"),
                (Kind::GatewayGroup, "default"),
                (Kind::Vpc, "vpc-1")
            ])
        );
    }

    #[test]
    fn each_reference_names_the_field_that_makes_it() {
        let attachment = json!({"kind": "VPCAttachment", "metadata": {"name": "a"},
            "spec": {"subnet": "vpc-1/default", "connection": "c"}});
        let (_, typed) = admit_typed(
            &Kind::VpcAttachment,
            &attachment,
            &Context::fabricator_defaults(),
        );
        let at: Vec<(Kind, String, String)> = references_at(&typed.unwrap())
            .into_iter()
            .map(|r| (r.kind, r.name, r.pointer))
            .collect();
        assert_eq!(
            at,
            [
                (Kind::Vpc, "vpc-1".into(), "/spec/subnet".into()),
                (Kind::Connection, "c".into(), "/spec/connection".into())
            ]
        );
        let peering = json!({"kind": "VPCPeering", "metadata": {"name": "p"},
            "spec": {"permit": [{"vpc-1": {}, "vpc/2": {}}]}});
        let (_, typed) = admit_typed(&Kind::VpcPeering, &peering, &Context::fabricator_defaults());
        let pointers: Vec<String> = references_at(&typed.unwrap())
            .into_iter()
            .map(|r| r.pointer)
            .collect();
        assert_eq!(pointers, ["/spec/permit/0/vpc-1", "/spec/permit/0/vpc~12"]);
    }
}
