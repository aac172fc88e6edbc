//! What the attachment rules read of a Connection: its type as Go names it (`Type()`,
//! `connection_types.go:436-458`) and the switches of a server connection (the switch
//! half of `Endpoints()`, `:485-548`).

use std::collections::BTreeSet;

use crate::rules::Release;
use crate::rules::connection::{ConnectionSpec, ServerToSwitchLink, mclag_validated};

/// The connection's type, as `release`'s `Type()` names it: the first type set in Go's
/// order (from 26.03 `mclag` for a deprecated MCLAG connection, `invalid` when none is; up
/// to 26.02 MCLAG's types come after `bundled`, fabric v0.120.3
/// connection_types.go:454-480).
pub fn connection_type_at(spec: &ConnectionSpec, release: Release) -> &'static str {
    if mclag_validated(release) {
        return spec
            .types_set(release)
            .first()
            .copied()
            .unwrap_or("invalid");
    }
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

/// [`connection_type_at`] the newest release, for the rules whose releases agree on it (an
/// ExternalAttachment's connection must be `external` in all of them).
pub fn connection_type(spec: &ConnectionSpec) -> &'static str {
    connection_type_at(spec, Release::NEWEST)
}

/// The switches a server connection (unbundled, bundled, ESLAG, and up to 26.02 MCLAG)
/// reaches at `release`, each once, in name order: the device part of each link's
/// `switch.port` (`<switch>/<port>`). Like `Endpoints()`, an MCLAG connection reaches none
/// from 26.03. A port without `/` names no switch: the Connection's own check reports it.
pub fn server_switches(spec: &ConnectionSpec, release: Release) -> BTreeSet<&str> {
    let mclag = mclag_validated(release);
    if spec.has_mclag() && !mclag {
        return BTreeSet::new();
    }
    let links: &[ServerToSwitchLink] = if let Some(unbundled) = &spec.unbundled {
        std::slice::from_ref(&unbundled.link)
    } else if let Some(bundled) = &spec.bundled {
        &bundled.links
    } else if spec.mclag_domain.is_some() {
        // Up to 26.02 a domain comes first in `Endpoints()` and has no server links.
        &[]
    } else if let Some(mclag) = spec.mclag.as_ref().filter(|_| mclag) {
        &mclag.links
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
