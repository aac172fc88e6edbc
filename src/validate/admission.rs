//! What a live fabric does to a resource before its schema is checked, done in memory so
//! that a file the fabric accepts is accepted here: the API server prunes `null` values of
//! non-nullable fields ([Kubernetes: defaulting and nullable](https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#defaulting-and-nullable)),
//! then Hedgehog's mutating webhooks fill some CRD-required fields (each kind's `Default()`
//! in githedgehog/fabric's `api/`, e.g.
//! [`VPC.Default()`](https://github.com/githedgehog/fabric/blob/78827debafabbd0fafc6f6abd154a89da7fb69da/api/vpc/v1beta1/vpc_types.go#L260)). Only the copy being validated changes: the text
//! that lands in managed/ is never touched.

use serde_json::{Value, json};

use crate::kind::Kind;

/// Applies null pruning and the webhook defaults for `kind` to `resource`.
pub fn admit(kind: &Kind, resource: &mut Value) {
    prune_nulls(resource);
    match kind {
        // A static ExternalAttachment has no switch/neighbor; the defaulter re-marshals the Go
        // struct and adds them empty, which Validate accepts only for static attachments
        // (`externalattachment_types.go:324-346`). A BGP attachment without them is rejected
        // by the fabric, so the CRD's requirement stands there.
        Kind::ExternalAttachment => {
            if let Some(spec) = resource.get_mut("spec").and_then(Value::as_object_mut)
                && spec.contains_key("static")
            {
                spec.entry("switch").or_insert_with(|| json!({}));
                spec.entry("neighbor").or_insert_with(|| json!({}));
            }
        }
        // `vpc_types.go:315-340`: empty options are removed, others get MTU and lease time.
        Kind::Vpc => {
            let subnets = resource
                .pointer_mut("/spec/subnets")
                .and_then(Value::as_object_mut);
            for subnet in subnets.into_iter().flat_map(|s| s.values_mut()) {
                let Some(dhcp) = subnet.get_mut("dhcp").and_then(Value::as_object_mut) else {
                    continue;
                };
                match dhcp.get_mut("options").and_then(Value::as_object_mut) {
                    Some(options) if options.is_empty() => {
                        dhcp.remove("options");
                    }
                    Some(options) => {
                        options.entry("interfaceMTU").or_insert_with(|| json!(9036));
                        options
                            .entry("leaseTimeSeconds")
                            .or_insert_with(|| json!(3600));
                    }
                    None => {}
                }
            }
        }
        // `gatewaypeering_types.go`: an ACL without a default gets `deny-unless-exposed`.
        Kind::GatewayPeering => {
            if let Some(acl) = resource
                .pointer_mut("/spec/acl")
                .and_then(Value::as_object_mut)
            {
                acl.entry("default")
                    .or_insert_with(|| json!("deny-unless-exposed"));
            }
        }
        _ => {}
    }
}

/// Drops `null` mapping values at every depth, as the API server does for non-nullable
/// fields without defaults (no Hedgehog CRD declares a nullable field). List items stay.
fn prune_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(prune_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_are_pruned_in_maps_only() {
        let mut value =
            json!({"spec": {"permit": [{"vpc-01": null, "vpc-02": null}], "list": [null]}});
        admit(&Kind::VpcPeering, &mut value);
        assert_eq!(value, json!({"spec": {"permit": [{}], "list": [null]}}));
    }

    #[test]
    fn static_external_attachment_gets_switch_and_neighbor() {
        let mut value = json!({"spec": {"static": {"remoteIP": "1.2.3.4"}}});
        admit(&Kind::ExternalAttachment, &mut value);
        assert_eq!(value["spec"]["switch"], json!({}));
        assert_eq!(value["spec"]["neighbor"], json!({}));
        let mut kept = json!({"spec": {"static": {}, "switch": {"vlan": 1}}});
        admit(&Kind::ExternalAttachment, &mut kept);
        assert_eq!(kept["spec"]["switch"], json!({"vlan": 1}));
        let mut bgp = json!({"spec": {"switch": {"ip": "10.0.0.1/24"}}});
        admit(&Kind::ExternalAttachment, &mut bgp);
        assert!(
            bgp["spec"].get("neighbor").is_none(),
            "BGP attachments need a real neighbor"
        );
    }

    #[test]
    fn vpc_dhcp_options_defaults() {
        let mut value = json!({"spec": {"subnets": {
            "a": {"dhcp": {"options": {"pxeURL": "x"}}},
            "b": {"dhcp": {"options": {}}},
            "c": {"dhcp": {"options": {"interfaceMTU": 1500}}}
        }}});
        admit(&Kind::Vpc, &mut value);
        let subnets = &value["spec"]["subnets"];
        assert_eq!(
            subnets["a"]["dhcp"]["options"],
            json!({"pxeURL": "x", "interfaceMTU": 9036, "leaseTimeSeconds": 3600})
        );
        assert_eq!(subnets["b"]["dhcp"], json!({}));
        assert_eq!(subnets["c"]["dhcp"]["options"]["interfaceMTU"], json!(1500));
    }

    #[test]
    fn gateway_peering_acl_default() {
        let mut value = json!({"spec": {"acl": {"rules": []}}});
        admit(&Kind::GatewayPeering, &mut value);
        assert_eq!(
            value["spec"]["acl"]["default"],
            json!("deny-unless-exposed")
        );
    }
}
