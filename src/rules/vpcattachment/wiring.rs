//! What the attachment rules read of a Connection: its type as Go names it (`Type()`,
//! `connection_types.go:436-458`) and the switches of a server connection (the switch
//! half of `Endpoints()`, `:485-548`).

use std::collections::BTreeSet;

use crate::rules::connection::{ConnectionSpec, ServerToSwitchLink};

/// The connection's type, as `Type()` names it: the first type set in Go's order (`mclag`
/// for a deprecated MCLAG connection, `invalid` when none is).
pub fn connection_type(spec: &ConnectionSpec) -> &'static str {
    [
        (spec.unbundled.is_some(), "unbundled"),
        (spec.bundled.is_some(), "bundled"),
        (spec.eslag.is_some(), "eslag"),
        (spec.fabric.is_some(), "fabric"),
        (spec.mesh.is_some(), "mesh"),
        (spec.gateway.is_some(), "gateway"),
        (spec.vpc_loopback.is_some(), "vpcLoopback"),
        (spec.external.is_some(), "external"),
        (spec.static_external.is_some(), "staticExternal"),
        (spec.mclag.is_some() || spec.mclag_domain.is_some(), "mclag"),
    ]
    .into_iter()
    .find_map(|(set, name)| set.then_some(name))
    .unwrap_or("invalid")
}

/// The switches a server connection (unbundled, bundled or ESLAG) reaches, each once, in
/// name order: the device part of each link's `switch.port` (`<switch>/<port>`). Like
/// `Endpoints()`, an MCLAG connection reaches none. A port without `/` names no switch:
/// the Connection's own check reports it.
pub fn server_switches(spec: &ConnectionSpec) -> BTreeSet<&str> {
    if spec.mclag.is_some() || spec.mclag_domain.is_some() {
        return BTreeSet::new();
    }
    let links: &[ServerToSwitchLink] = if let Some(unbundled) = &spec.unbundled {
        std::slice::from_ref(&unbundled.link)
    } else if let Some(bundled) = &spec.bundled {
        &bundled.links
    } else if let Some(eslag) = &spec.eslag {
        &eslag.links
    } else {
        &[]
    };
    links
        .iter()
        .filter_map(|link| link.switch.port.split_once('/'))
        .map(|(switch, _)| switch)
        .collect()
}
