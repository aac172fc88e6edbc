//! Server (`api/wiring/v1beta1/server_types.go`): the typed model only. Its `Default()`
//! (`:91-99`) sets the namespace and strips fabric labels, and its `Validate()` (`:101-107`)
//! checks only the metadata, which `validate/names.rs` already does for every kind; the
//! fabric config is ignored. The webhook's only other rule, no delete while connections
//! use the server (`pkg/ctrl/server_wh.go:77-88`), is not about admitting a new object.

use serde::Deserialize;

use super::{Context, Violations};

/// `Server`.
pub type Object = super::Resource<ServerSpec>;

/// `ServerSpec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ServerSpec {
    /// `description`.
    pub description: String,
    /// `profile`: a ServerProfile's name, not used by the fabric.
    pub profile: String,
}

/// `Default()` changes nothing a rule reads.
pub fn default(_object: &mut Object) {}

/// `Validate()` has no rule beyond the metadata checks done for every kind.
pub fn validate(_object: &Object, _ctx: &Context, _out: &mut Violations) {}

/// Go's `Validate()` never reads the cluster (`server_types.go:101-107`), and the webhook's
/// only other check is on delete (`pkg/ctrl/server_wh.go:77-88`), which raw/ cannot do: a
/// Server has no cross-object rule. The connections naming it look it up.
pub fn validate_cross(
    _object: &Object,
    _state: &super::state::FabricState,
    _ctx: &Context,
    _out: &mut Violations,
) {
}
