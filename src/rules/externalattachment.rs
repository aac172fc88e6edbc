//! ExternalAttachment (`api/vpc/v1beta1/externalattachment_types.go`): how one switch port
//! (an external Connection) reaches an External, either as a BGP session or as a static
//! next hop, with an optional inbound ACL. `Default()` and the stand-alone part of
//! `Validate()`, including the whole `ACLSpec.Validate()`.

use serde::Deserialize;
use serde_json::Number;

mod acl;
mod cross;

pub use cross::validate_cross;

use super::decode::unsigned;
use super::default_metadata;
use super::{Context, Release, Violations, net};

/// `spec` (`ExternalAttachmentSpec`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Spec {
    /// The External this attachment connects to.
    pub external: String,
    /// The external Connection (switch port) it uses.
    pub connection: String,
    /// Switch side of a BGP attachment.
    pub switch: Switch,
    /// BGP neighbor of a BGP attachment.
    pub neighbor: Neighbor,
    /// Present for a static attachment.
    #[serde(rename = "static")]
    pub static_: Option<Static>,
    /// `inboundACL`: statements applied to traffic arriving from the external.
    #[serde(rename = "inboundACL")]
    pub inbound_acl: Option<acl::Acl>,
}

/// `spec.switch` (`ExternalAttachmentSwitch`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Switch {
    /// Subinterface VLAN (`uint16`, 0: none).
    pub vlan: Option<Number>,
    /// The switch's address on the link, with prefix length.
    pub ip: String,
}

/// `spec.neighbor` (`ExternalAttachmentNeighbor`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Neighbor {
    /// The neighbor's AS number (`uint32`).
    pub asn: Option<Number>,
    /// The neighbor's address, without prefix length.
    pub ip: String,
}

/// `spec.static` (`ExternalAttachmentStatic`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Static {
    /// The external's address: the next hop of its prefixes.
    #[serde(rename = "remoteIP")]
    pub remote_ip: String,
    /// Subinterface VLAN (`uint16`, 0: none).
    pub vlan: Option<Number>,
    /// The switch's address with prefix length, unless `proxy`.
    pub ip: String,
    /// Proxy-ARP instead of an address on the switch.
    pub proxy: bool,
}

/// An ExternalAttachment as `Validate()` reads it.
pub type Object = super::Resource<Spec>;

/// The VLAN the attachment uses on its connection (`:387-390`): `static.vlan` for a static
/// attachment, else `switch.vlan`; 0 (untagged) when not written. `None` when the number is
/// not one Go would decode (the stand-alone part reports it).
pub fn vlan(spec: &Spec) -> Option<u64> {
    let written = match &spec.static_ {
        Some(static_) => static_.vlan.as_ref(),
        None => spec.switch.vlan.as_ref(),
    };
    match written {
        None => Some(0),
        Some(number) => number.as_u64().filter(|vlan| *vlan <= u16::MAX.into()),
    }
}

/// `ExternalAttachment.Default()` (`externalattachment_types.go:284-295`).
pub fn default(attach: &mut Object) {
    let connection = attach.spec.connection.clone();
    let external = attach.spec.external.clone();
    default_metadata(
        &mut attach.metadata,
        &[("connection", &connection), ("external", &external)],
    );
}

/// `ExternalAttachment.Validate()` without the checks that need other objects
/// (`externalattachment_types.go:297-405`).
pub fn validate(attach: &Object, ctx: &Context, out: &mut Violations) {
    let spec = &attach.spec;
    // `:302-307`
    if spec.external.is_empty() {
        out.error(
            "/spec/external",
            "`spec.external` is empty: name the External this attachment connects to",
        );
    }
    if spec.connection.is_empty() {
        out.error(
            "/spec/connection",
            "`spec.connection` is empty: name the external Connection (the switch port) this attachment uses",
        );
    }
    match &spec.static_ {
        None => validate_bgp(spec, out),
        Some(static_) => validate_static(spec, static_, out),
    }
    // `:348-350`; `inboundACL` came with fabric v0.120 (26.02): v0.115.4's
    // ExternalAttachmentSpec has no such field (the release's schema refuses it first).
    if let Some(acl) = spec
        .inbound_acl
        .as_ref()
        .filter(|_| ctx.release >= Release::V26_02)
    {
        acl::validate(acl, out);
    }
}

/// A BGP attachment: switch address, neighbor AS and address (`:308-323`).
fn validate_bgp(spec: &Spec, out: &mut Violations) {
    // Only decoded: Go takes any `uint16` here (0 is an untagged port).
    unsigned(
        spec.switch.vlan.as_ref(),
        u16::MAX.into(),
        "/spec/switch/vlan",
        out,
    );
    if spec.switch.ip.is_empty() {
        out.error(
            "/spec/switch/ip",
            "a BGP attachment needs `switch.ip`, the switch's address on the link with its prefix length, e.g. `10.90.0.5/31` (or add `static` for a static attachment)",
        );
    } else if net::parse_cidr(&spec.switch.ip).is_err() {
        out.error(
            "/spec/switch/ip",
            format!(
                "switch.ip `{}` is not an address with a prefix length: write e.g. `10.90.0.5/31`",
                spec.switch.ip
            ),
        );
    }
    if unsigned(
        spec.neighbor.asn.as_ref(),
        u32::MAX.into(),
        "/spec/neighbor/asn",
        out,
    ) == Some(0)
    {
        out.error(
            "/spec/neighbor/asn",
            "a BGP attachment needs `neighbor.asn`, the external router's AS number (1 to 4294967295)",
        );
    }
    if spec.neighbor.ip.is_empty() {
        out.error(
            "/spec/neighbor/ip",
            "a BGP attachment needs `neighbor.ip`, the external router's address without prefix length, e.g. `10.90.0.4`",
        );
    } else if net::parse_ip(&spec.neighbor.ip).is_none() {
        out.error(
            "/spec/neighbor/ip",
            format!("neighbor.ip `{}` is not an IP address: write it without prefix length, e.g. `10.90.0.4`", spec.neighbor.ip),
        );
    }
}

/// A static attachment: no BGP settings, a next hop, and an address or proxy-ARP
/// (`:324-346`).
fn validate_static(spec: &Spec, static_: &Static, out: &mut Violations) {
    if !spec.switch.ip.is_empty() {
        out.error(
            "/spec/switch/ip",
            format!("a static attachment takes no `switch` settings: remove switch.ip `{}` (the switch's address goes in `static.ip`)", spec.switch.ip),
        );
    }
    match unsigned(spec.switch.vlan.as_ref(), u16::MAX.into(), "/spec/switch/vlan", out) {
        Some(0) | None => {}
        Some(vlan) => out.error(
            "/spec/switch/vlan",
            format!("a static attachment takes no `switch` settings: remove switch.vlan `{vlan}` (the VLAN goes in `static.vlan`)"),
        ),
    }
    match unsigned(
        spec.neighbor.asn.as_ref(),
        u32::MAX.into(),
        "/spec/neighbor/asn",
        out,
    ) {
        Some(0) | None => {}
        Some(asn) => out.error(
            "/spec/neighbor/asn",
            format!("a static attachment has no BGP neighbor: remove neighbor.asn `{asn}`"),
        ),
    }
    if !spec.neighbor.ip.is_empty() {
        out.error(
            "/spec/neighbor/ip",
            format!("a static attachment has no BGP neighbor: remove neighbor.ip `{}` (the external's address goes in `static.remoteIP`)", spec.neighbor.ip),
        );
    }
    unsigned(
        static_.vlan.as_ref(),
        u16::MAX.into(),
        "/spec/static/vlan",
        out,
    );
    if static_.remote_ip.is_empty() {
        out.error(
            "/spec/static/remoteIP",
            "a static attachment needs `static.remoteIP`, the external's address that the switch sends the external's prefixes to, e.g. `10.45.0.2`",
        );
    } else if net::parse_addr_zoned(&static_.remote_ip).is_err() {
        out.error(
            "/spec/static/remoteIP",
            format!("static.remoteIP `{}` is not an IP address: write it without prefix length, e.g. `10.45.0.2`", static_.remote_ip),
        );
    }
    match (static_.ip.is_empty(), static_.proxy) {
        (true, false) => out.error(
            "/spec/static",
            "a static attachment needs either `static.ip` (the switch's address with prefix length, e.g. `10.45.0.1/24`) or `static.proxy: true` (proxy-ARP, used with gateway peering)",
        ),
        (false, true) => out.error(
            "/spec/static/proxy",
            format!("set either static.ip `{}` or `static.proxy: true`, not both: proxy-ARP replaces the switch's address", static_.ip),
        ),
        _ => {}
    }
    if !static_.ip.is_empty() && net::parse_cidr(&static_.ip).is_err() {
        out.error(
            "/spec/static/ip",
            format!(
                "static.ip `{}` is not an address with a prefix length: write e.g. `10.45.0.1/24`",
                static_.ip
            ),
        );
    }
}
