//! VPCAttachment (`api/vpc/v1beta1/vpcattachment_types.go` at 78827deb): `Default()`
//! (`:136-154`) and the stand-alone part of `Validate()` (`:156-190`): the `<vpc>/<subnet>`
//! reference, the connection, and the optional point-to-point link annotation. The part
//! that reads the VPC, the Connection, its switches and the other attachments is in
//! [`cross`].

mod cross;
#[cfg(test)]
mod release_tests;
mod wiring;

pub use cross::validate_cross;
pub(super) use wiring::connection_type;

use serde::Deserialize;

use super::{Context, Resource, Violations, net, pointer_segment};

/// A VPCAttachment as the rules read it.
pub type Object = Resource<VpcAttachmentSpec>;

/// The annotation that gives a hostBGP attachment its point-to-point /31 (`:37`).
const P2P_LINK_ANNOTATION: &str = "fabric.githedgehog.com/p2p-link";

/// `VPCAttachmentSpec`, the fields `Default()` and `Validate()` read; `None` when absent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VpcAttachmentSpec {
    /// `subnet`: `<vpc>/<subnet>`; `Default()` turns a bare `<vpc>` into `<vpc>/default`.
    pub subnet: Option<String>,
    /// `connection`: the Connection's name.
    pub connection: Option<String>,
    /// `nativeVLAN`: the subnet goes untagged on the connection's ports.
    #[serde(rename = "nativeVLAN")]
    pub native_vlan: bool,
}

/// `Default()` (`:139-145`): a subnet without `/` means the VPC's `default` subnet. Labels
/// are not ported: no rule reads them.
pub fn default(attachment: &mut Object) {
    if let Some(subnet) = &mut attachment.spec.subnet
        && !subnet.is_empty()
        && !subnet.contains('/')
    {
        subnet.push_str("/default");
    }
}

/// The stand-alone part of `Validate()` (`:161-190`). `:168-170` (no `/` after the VPC
/// name) cannot fire: `Default()` added `/default`.
pub fn validate(attachment: &Object, _ctx: &Context, out: &mut Violations) {
    let spec = &attachment.spec;
    match spec.subnet.as_deref() {
        None | Some("") => out.error(
            if spec.subnet.is_some() { "/spec/subnet" } else { "/spec" },
            "a VPCAttachment needs `subnet`: the VPC subnet to attach, as `<vpc>/<subnet>` such as `vpc-1/default`",
        ),
        Some(subnet) if subnet.starts_with('/') => out.error(
            "/spec/subnet",
            format!("subnet `{subnet}` has no VPC name before the `/`: write `<vpc>/<subnet>`, such as `vpc-1/default`"),
        ),
        Some(_) => {}
    }
    if spec.connection.as_deref().is_none_or(str::is_empty) {
        out.error(
            if spec.connection.is_some() { "/spec/connection" } else { "/spec" },
            "a VPCAttachment needs `connection`: the name of the server Connection to attach the subnet to",
        );
    }
    if let Some(p2p) = attachment.metadata.annotations.get(P2P_LINK_ANNOTATION) {
        check_p2p_link(p2p, out);
    }
}

/// `:177-190`: the annotation, when present, is an IPv4 /31.
fn check_p2p_link(p2p: &str, out: &mut Violations) {
    let at = format!(
        "/metadata/annotations/{}",
        pointer_segment(P2P_LINK_ANNOTATION)
    );
    let problem = match net::parse_prefix(p2p) {
        _ if p2p.is_empty() => "is empty".to_owned(),
        Err(e) => e,
        Ok(prefix) if !prefix.addr().is_ipv4() || prefix.prefix_len() != 31 => {
            format!("`{prefix}` is not an IPv4 /31")
        }
        Ok(_) => return,
    };
    out.error(
        at,
        format!("annotation `{P2P_LINK_ANNOTATION}` {problem}: give the point-to-point link as an IPv4 /31 such as `10.0.0.0/31`"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations(object: serde_json::Value) -> Vec<(String, String)> {
        let mut attachment: Object = serde_json::from_value(object).unwrap();
        default(&mut attachment);
        let mut out = Violations::default();
        validate(&attachment, &Context::fabricator_defaults(), &mut out);
        out.into_vec()
            .into_iter()
            .map(|v| (v.pointer, v.message))
            .collect()
    }

    #[test]
    fn a_bare_vpc_name_means_its_default_subnet() {
        let mut attachment: Object =
            serde_json::from_value(json!({"spec": {"subnet": "vpc-1", "connection": "c"}}))
                .unwrap();
        default(&mut attachment);
        assert_eq!(attachment.spec.subnet.as_deref(), Some("vpc-1/default"));
        assert_eq!(
            violations(json!({"spec": {"subnet": "vpc-1", "connection": "c"}})),
            vec![]
        );
    }

    #[test]
    fn p2p_link_annotation_must_be_an_ipv4_slash_31() {
        let with = |p2p: &str| {
            violations(json!({
                "metadata": {"annotations": {P2P_LINK_ANNOTATION: p2p}},
                "spec": {"subnet": "vpc-1/default", "connection": "c"}
            }))
        };
        assert_eq!(with("10.0.0.0/31"), vec![]);
        for bad in ["", "10.0.0.0/30", "fd00::/31", "10.0.0.0", "300.0.0.0/31"] {
            let found = with(bad);
            assert_eq!(found.len(), 1, "{bad}");
            assert_eq!(
                found[0].0,
                "/metadata/annotations/fabric.githedgehog.com~1p2p-link"
            );
        }
        assert_eq!(
            with("10.0.0.0/30")[0].1,
            "annotation `fabric.githedgehog.com/p2p-link` `10.0.0.0/30` is not an IPv4 /31: give the point-to-point link as an IPv4 /31 such as `10.0.0.0/31`"
        );
    }

    #[test]
    fn missing_fields_point_at_the_closest_written_field() {
        let found = violations(json!({"spec": {"subnet": ""}}));
        let pointers: Vec<_> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, ["/spec/subnet", "/spec"]);
    }
}
