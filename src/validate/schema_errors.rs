//! Schema violations as findings: each located at the node or key it is about. A document
//! can violate its schema hundreds of thousands of times (one unknown key per line), so
//! locating must cost the same per violation however many there are.

use jsonschema::error::ValidationErrorKind;

use super::finding_at;
use crate::finding::Finding;
use crate::manifest::{Locator, Node};

/// Longest schema message shown before the offending value is elided.
const MAX_MESSAGE_LENGTH: usize = 200;

/// Every schema violation of `instance` (the document after null pruning and the webhook
/// defaults), each located at its node in `root`.
pub(super) fn schema_findings(
    validator: Result<&jsonschema::Validator, String>,
    root: &Node,
    instance: &serde_json::Value,
) -> Vec<Finding> {
    let validator = match validator {
        Ok(validator) => validator,
        Err(message) => return vec![finding_at(root.pos, "", message)],
    };
    let mut locator = Locator::new(root);
    let mut findings = Vec::new();
    for error in validator.iter_errors(instance) {
        let pointer = error.instance_path().as_str().to_owned();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for field in unexpected {
                    let pos = locator
                        .locate_key(&pointer, field)
                        .unwrap_or_else(|| locator.locate(&pointer));
                    let escaped = field.replace('~', "~0").replace('/', "~1");
                    findings.push(finding_at(
                        pos,
                        &format!("{pointer}/{escaped}"),
                        format!("unknown field `{field}`"),
                    ));
                }
            }
            ValidationErrorKind::Required { property } => {
                let property = property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned);
                findings.push(finding_at(
                    locator.locate_introduction(&pointer),
                    &pointer,
                    format!("missing required field `{property}`"),
                ));
            }
            _ => {
                let mut message = error.to_string();
                if message.len() > MAX_MESSAGE_LENGTH {
                    message = error.masked().to_string();
                }
                findings.push(finding_at(locator.locate(&pointer), &pointer, message));
            }
        }
    }
    findings
}
