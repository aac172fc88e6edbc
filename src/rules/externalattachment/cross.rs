//! The cross-object part of ExternalAttachment `Validate()` (`externalattachment_types.go:352-402`):
//! the attachment against its External, its Connection and the other attachments of that
//! Connection. The update webhook (`pkg/ctrl/externalattachment_wh.go`) runs the same
//! `Validate()` and adds nothing.
//!
//! Go stops at its first error; here every independent problem is reported, and a check
//! that needs an object the state lacks is skipped (the lookup already said why).

use crate::finding::rules;
use crate::kind::Kind;
use crate::rules::state::FabricState;
use crate::rules::vpcattachment::connection_type;
use crate::rules::{Context, Violations};

use super::{Object, vlan};

/// The cross-object part of `Validate()` (`:352-402`).
pub fn validate_cross(attach: &Object, state: &FabricState, _ctx: &Context, out: &mut Violations) {
    let spec = &attach.spec;
    if !spec.external.is_empty() {
        check_external(attach, state, out);
    }
    if spec.connection.is_empty() {
        return;
    }
    // `:368-379`
    if let Some(connection) = state.lookup(
        &state.connections,
        Kind::Connection,
        &spec.connection,
        "/spec/connection",
        "the check that it is an `external` connection",
        out,
    ) && connection.object.spec.external.is_none()
    {
        out.error(
            "/spec/connection",
            format!(
                "Connection `{}` ({}) has type `{}`: an ExternalAttachment needs an `external` connection",
                spec.connection,
                connection.origin,
                connection_type(&connection.object.spec)
            ),
        );
        out.rule_of_last(rules::EXTERNALATTACHMENT_CONNECTION_TYPE);
        out.involving_last(Kind::Connection, &spec.connection, &connection.origin);
    }
    check_vlan(attach, state, out);
}

/// `:353-366`: the External exists, and it is static exactly when the attachment is.
fn check_external(attach: &Object, state: &FabricState, out: &mut Violations) {
    let spec = &attach.spec;
    let Some(external) = state.lookup(
        &state.externals,
        Kind::External,
        &spec.external,
        "/spec/external",
        "the check that both are static or both BGP",
        out,
    ) else {
        return;
    };
    match (spec.static_.is_some(), external.object.spec.static_.is_some()) {
        (true, false) => out.error(
            "/spec/static",
            format!(
                "this attachment is static, and External `{}` ({}) is a BGP external: remove `static` and give `switch` and `neighbor`, or attach a static External",
                spec.external, external.origin
            ),
        ),
        (false, true) => out.error(
            "/spec/external",
            format!(
                "External `{}` ({}) is static, and this attachment is a BGP one: give `static` (remoteIP, and ip or proxy) instead of `switch` and `neighbor`, or attach a BGP External",
                spec.external, external.origin
            ),
        ),
        _ => return,
    }
    out.rule_of_last(rules::EXTERNALATTACHMENT_STATIC_MISMATCH);
    out.involving_last(Kind::External, &spec.external, &external.origin);
}

/// `:381-401`: no other attachment of the Connection uses the same VLAN.
fn check_vlan(attach: &Object, state: &FabricState, out: &mut Violations) {
    let spec = &attach.spec;
    let Some(vlan) = vlan(spec) else {
        return;
    };
    let Some(other) =
        state
            .attachment_index
            .external_vlan(&spec.connection, vlan, &attach.metadata.name)
    else {
        return;
    };
    let entry = state.external_attachments.get(other);
    let origin = entry
        .map(|entry| entry.origin.to_string())
        .unwrap_or_default();
    let (pointer, field) = match &spec.static_ {
        Some(static_) if static_.vlan.is_some() => ("/spec/static/vlan", "static.vlan"),
        Some(_) => ("/spec/static", "static.vlan"),
        None if spec.switch.vlan.is_some() => ("/spec/switch/vlan", "switch.vlan"),
        None => ("/spec", "switch.vlan"),
    };
    let used = if vlan == 0 {
        "untagged (no VLAN)".to_owned()
    } else {
        format!("with VLAN {vlan}")
    };
    out.error(
        pointer,
        format!(
            "Connection `{}` is already used {used} by ExternalAttachment `{other}` ({origin}): give each attachment of a connection its own `{field}`",
            spec.connection
        ),
    );
    out.rule_of_last(rules::EXTERNALATTACHMENT_VLAN_IN_USE);
    if let Some(entry) = entry {
        out.involving_last(Kind::ExternalAttachment, other, &entry.origin);
    }
}

#[cfg(test)]
mod tests;
