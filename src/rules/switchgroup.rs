//! PORT PENDING: `Default()` and `Validate()` of this kind (see rules/mod.rs).

use serde::Deserialize;

use super::{Context, Violations};

/// The typed model of this kind (to be filled in with the Go type's JSON fields).
#[derive(Debug, Deserialize)]
pub struct Object {}

/// `Default()`.
pub fn default(_object: &mut Object) {}

/// `Validate()`, stand-alone part.
pub fn validate(_object: &Object, _ctx: &Context, _out: &mut Violations) {}
