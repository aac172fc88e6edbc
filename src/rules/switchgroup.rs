//! SwitchGroup (`api/wiring/v1beta1/switchgroup_types.go`): the typed model only. It is a
//! marker that switches name in `groups` and `redundancy.group`; its spec is empty, its
//! `Default()` (`:84-86`) sets the namespace, and its `Validate()` (`:88-94`) checks only
//! the metadata, which `validate/names.rs` already does for every kind. The fabric has no
//! webhook for it at all (`config/webhook/manifests.yaml`), so only the CRD schema and
//! hhfab's loader apply.

use serde::Deserialize;

use super::{Context, Violations};

/// `SwitchGroup`.
pub type Object = super::Resource<SwitchGroupSpec>;

/// `SwitchGroupSpec`: no fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SwitchGroupSpec {}

/// `Default()` changes nothing a rule reads.
pub fn default(_object: &mut Object) {}

/// `Validate()` has no rule beyond the metadata checks done for every kind.
pub fn validate(_object: &Object, _ctx: &Context, _out: &mut Violations) {}

/// Go's `Validate()` never reads the cluster (`switchgroup_types.go:88-94`) and the fabric
/// has no webhook for the kind: a SwitchGroup has no cross-object rule. The switches naming
/// it look it up.
pub fn validate_cross(
    _object: &Object,
    _state: &super::state::FabricState,
    _ctx: &Context,
    _out: &mut Violations,
) {
}
