//! The fields hhfab fills when it hydrates a Switch or a Gateway: which they are, Go's
//! error when one is unset, and a hydrated copy of an object for the mutations.

use serde_json::{Value, json};

use hh_gitops::rules::{self, config::FabricConfig};

/// The fields hhfab fills when it hydrates a Switch or a Gateway (fabricator
/// `pkg/hhfab/hydrate.go`), each with the start of Go's error when it is unset:
/// `(pointer, field as our warning names it, Go's error)`; a field Go requires in two
/// places has an entry for each.
pub fn hydrated_fields(kind: &str, object: &Value) -> Vec<(String, String, String)> {
    let plain = |fields: &[(&str, &str)]| -> Vec<(String, String, String)> {
        fields
            .iter()
            .map(|(field, go)| {
                (
                    format!("/spec/{field}"),
                    format!("`{field}`"),
                    (*go).to_owned(),
                )
            })
            .collect()
    };
    match kind {
        // `switch_types.go:457-468`, and for a leaf's VTEP IP outside spine-leaf mode the
        // hydration checks (`:425-429`).
        "Switch" => {
            let mut fields = plain(&[
                ("asn", "ASN is required"),
                ("ip", "IP is required"),
                ("protocolIP", "protocol IP is required"),
                (
                    "vtepIP",
                    "VTEP IP is required for leaf switches in spine-leaf mode",
                ),
            ]);
            let name = object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            fields.push((
                "/spec/vtepIP".into(),
                "`vtepIP`".into(),
                format!("failed hydration validation: parsing switch {name} VTEP IP : "),
            ));
            fields
        }
        // `gateway_types.go:226-388`
        "Gateway" => {
            let mut fields = plain(&[
                ("protocolIP", "invalid ProtocolIP : "),
                ("vtepIP", "invalid VTEPIP : "),
                ("vtepMAC", "VTEPMAC must be set"),
                ("asn", "ASN must be set"),
                ("neighbors", "at least one BGP neighbor must be defined"),
            ]);
            for (name, pointer) in interface_ips(object) {
                fields.push((
                    pointer,
                    format!("`{name}` has no `ips`"),
                    format!("interface {name} must have at least one IP address"),
                ));
            }
            fields
        }
        _ => Vec::new(),
    }
}

/// Each Gateway interface's name and the pointer of its `ips`.
fn interface_ips(gateway: &Value) -> Vec<(String, String)> {
    let interfaces = gateway
        .pointer("/spec/interfaces")
        .and_then(Value::as_object);
    interfaces
        .into_iter()
        .flat_map(|m| m.keys())
        .map(|name| {
            let pointer = format!("/spec/interfaces/{}/ips", rules::pointer_segment(name));
            (name.clone(), pointer)
        })
        .collect()
}

/// Absent, null, empty or Go's zero value: what `Default()` leaves unset.
pub fn unset(object: &Value, pointer: &str) -> bool {
    match object.pointer(pointer) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// `object` with every unset hydrated field (`hydrated_fields`) filled as hhfab would, with
/// values valid for `config`. Most of Hedgehog's example Switches and Gateways are
/// unhydrated, and Go stops at the first unset field: mutating them as written would test
/// that one rule (an excused class) and hide every other. Mutations start from this copy.
pub fn hydrated(kind: &str, object: &Value, config: &FabricConfig) -> Value {
    let mut object = object.clone();
    let host = |subnet: &str, suffix: &str| -> String {
        let subnet: ipnet::Ipv4Net = subnet.parse().expect("full_config's subnets parse");
        let address = std::net::Ipv4Addr::from(u32::from(subnet.network()) + 10);
        format!(
            "{address}/{}",
            if suffix.is_empty() {
                subnet.prefix_len().to_string()
            } else {
                suffix.to_owned()
            }
        )
    };
    let role = object
        .pointer("/spec/role")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let protocol_ip = (
        "/spec/protocolIP".to_owned(),
        json!(host(&config.protocol_subnet, "32")),
    );
    let vtep_ip = (
        "/spec/vtepIP".to_owned(),
        json!(host(&config.vtep_subnet, "32")),
    );
    let values: Vec<(String, Value)> = match kind {
        "Switch" => {
            let asn = if role == "spine" {
                config.spine_asn
            } else {
                config.leaf_asn_start
            };
            let mut values = vec![
                (
                    "/spec/ip".to_owned(),
                    json!(host(&config.management_subnet, "")),
                ),
                protocol_ip,
                ("/spec/asn".to_owned(), json!(asn)),
            ];
            if role.ends_with("-leaf") {
                values.push(vtep_ip);
            }
            values
        }
        "Gateway" => {
            let mut values = vec![
                protocol_ip,
                vtep_ip,
                ("/spec/vtepMAC".to_owned(), json!("ca:fe:ba:be:00:01")),
                ("/spec/asn".to_owned(), json!(65534)),
                (
                    "/spec/neighbors".to_owned(),
                    json!([{"ip": "172.30.128.0", "asn": config.spine_asn}]),
                ),
            ];
            for (_, pointer) in interface_ips(&object) {
                values.push((pointer, json!(["172.30.128.1/31"])));
            }
            values
        }
        _ => Vec::new(),
    };
    for (pointer, value) in values {
        if unset(&object, &pointer) {
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            if let Some(parent) = object.pointer_mut(parent).and_then(Value::as_object_mut) {
                parent.insert(key, value);
            }
        }
    }
    object
}
