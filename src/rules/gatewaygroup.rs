//! GatewayGroup (`gateway.githedgehog.com/v1alpha1`): `Default()` and `Validate()` from
//! `api/gateway/v1alpha1/gatewaygroup_types.go:65-80`. The spec is empty; the only rules are
//! gateway support and the namespace.

use serde::Deserialize;

use super::{Context, Violations, default_namespace};
use crate::kind::Kind;

/// A GatewayGroup as `Default()` and `Validate()` read it.
pub type Object = super::Resource<GatewayGroupSpec>;

/// `GatewayGroupSpec`: no fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GatewayGroupSpec {}

/// `Default()` (`gatewaygroup_types.go:65-69`): the namespace.
pub fn default(group: &mut Object) {
    default_namespace(&mut group.metadata);
}

/// `Validate()` (`gatewaygroup_types.go:71-80`); it reads no other object.
pub fn validate(_group: &Object, ctx: &Context, out: &mut Violations) {
    super::gateway::require_gateway_support(Kind::GatewayGroup, ctx, out);
    // `gatewaygroup_types.go:75-77` (namespace must be `default`) is the metadata rule that
    // validate::names already applies to every kind.
}

/// The cross-object part of `Validate()`: there is none. A GatewayGroup reads no other
/// object (`gatewaygroup_types.go:71-80`), and its webhook adds no create or update check
/// (`pkg/ctrl/gatewaygroup_wh.go:53-61`); deletion, which raw/ cannot express, is not checked.
pub fn validate_cross(
    _object: &Object,
    _state: &super::state::FabricState,
    _ctx: &Context,
    _out: &mut Violations,
) {
}
