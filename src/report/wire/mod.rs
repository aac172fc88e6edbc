//! The machine formats' own types: what the JSON report and the SARIF log hold, field by
//! field, converted from the internal types by plain `From` impls. The internal types
//! (`plan`, `validate`, `finding`, ...) derive no `Serialize`: a refactor of them cannot
//! change a byte of a machine format without a change here, where the golden files
//! (`tests/fixtures/golden/`) and the JSON Schema (`schemas/report/report.schema.json`) catch it.
//!
//! Every type borrows from the report it is made of: converting copies no string.

pub mod json;
mod parts;
pub mod sarif;

pub use parts::{FabricConfig, Finding, HedgehogRelease};
