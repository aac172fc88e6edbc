//! Schema violations as findings: each located at the node or key it is about. A document
//! can violate its schema hundreds of thousands of times (one unknown key per line), so
//! locating must cost the same per violation however many there are.

use jsonschema::JsonType;
use jsonschema::error::{TypeKind, ValidationErrorKind};

use super::{finding_at, hints};
use crate::finding::{Finding, rules};
use crate::manifest::{Locator, Node};
use crate::schema::KnownKind;

/// Longest schema message shown before the offending value is elided.
const MAX_MESSAGE_LENGTH: usize = 200;

/// Every schema violation of `instance` (the document after null pruning and the webhook
/// defaults), each located at its node in `root`, in words that say the fix where there
/// is one: the field a misspelt one meant, the quotes to remove.
pub(super) fn schema_findings(
    kind: &KnownKind,
    root: &Node,
    instance: &serde_json::Value,
) -> Vec<Finding> {
    let (validator, schema) = match (kind.validator(), kind.schema()) {
        (Ok(validator), Ok(schema)) => (validator, schema),
        (Err(message), _) | (_, Err(message)) => {
            return vec![finding_at(root.pos, "", message).with_rule(rules::SCHEMA_INVALID)];
        }
    };
    let mut locator = Locator::new(root);
    // Built at the first unknown field only: most documents have none.
    let key_lines = std::cell::OnceCell::new();
    let key_lines = || key_lines.get_or_init(|| hints::KeyLines::new(root));
    let mut findings = Vec::new();
    for error in validator.iter_errors(instance) {
        let pointer = error.instance_path().as_str().to_owned();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = hints::allowed_fields(schema, error.schema_path().as_str());
                for field in unexpected {
                    findings.push(unknown_field(
                        key_lines(),
                        &mut locator,
                        &pointer,
                        field,
                        &allowed,
                    ));
                }
            }
            // `additionalProperties: false` on a mapping that allows no field at all (the
            // error names the mapping and its first value): every key of it is unknown.
            ValidationErrorKind::FalseSchema
                if error
                    .schema_path()
                    .as_str()
                    .ends_with("/additionalProperties") =>
            {
                let mapping = instance.pointer(&pointer).and_then(|m| m.as_object());
                let keys = mapping.into_iter().flat_map(|m| m.keys());
                for field in keys {
                    findings.push(unknown_field(
                        key_lines(),
                        &mut locator,
                        &pointer,
                        field,
                        &[],
                    ));
                }
            }
            // A schema of `false` on a field: the field is not allowed.
            ValidationErrorKind::FalseSchema => {
                let (parent, field) = pointer.rsplit_once('/').unwrap_or(("", &pointer));
                let field = field.replace("~1", "/").replace("~0", "~");
                let pos = locator
                    .locate_key(parent, &field)
                    .unwrap_or_else(|| locator.locate(&pointer));
                findings.push(
                    finding_at(
                        pos,
                        &pointer,
                        format!("field `{field}` is not allowed here: remove it"),
                    )
                    .with_rule(rules::SCHEMA_NOT_ALLOWED),
                );
            }
            ValidationErrorKind::Type {
                kind: TypeKind::Single(expected),
            } if hints::quoted_scalar(error.instance(), expected.as_str()).is_some() => {
                let what =
                    hints::quoted_scalar(error.instance(), expected.as_str()).unwrap_or_default();
                let name = pointer.rsplit('/').next().unwrap_or_default();
                let value = error.instance().as_str().unwrap_or_default().trim();
                findings.push(
                    finding_at(
                        locator.locate(&pointer),
                        &pointer,
                        format!(
                            "`{name}` must be {what}, not text: remove the quotes (`{name}: {value}`)"
                        ),
                    )
                    .with_rule(rules::SCHEMA_TYPE),
                );
            }
            // A value where the schema wants a mapping: most often a key indented too little
            // (`vlan:` under `subnets:` instead of under its subnet), read as an entry of
            // the mapping above.
            ValidationErrorKind::Type {
                kind: TypeKind::Single(JsonType::Object),
            } if !error.instance().is_object() => {
                findings.push(not_a_mapping(
                    key_lines(),
                    &mut locator,
                    &pointer,
                    error.instance(),
                ));
            }
            ValidationErrorKind::Required { property } => {
                let property = property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned);
                findings.push(
                    finding_at(
                        locator.locate_introduction(&pointer),
                        &pointer,
                        format!("missing required field `{property}`"),
                    )
                    .with_rule(rules::SCHEMA_REQUIRED),
                );
            }
            other => {
                let rule = schema_rule(other);
                let mut message = error.to_string();
                if message.len() > MAX_MESSAGE_LENGTH {
                    message = error.masked().to_string();
                }
                findings
                    .push(finding_at(locator.locate(&pointer), &pointer, message).with_rule(rule));
            }
        }
    }
    findings
}

/// `unknown field `subnts`` at the key in the mapping at `pointer`, with the field it
/// probably meant, or what is allowed there.
fn unknown_field(
    keys: &hints::KeyLines,
    locator: &mut Locator,
    pointer: &str,
    field: &str,
    allowed: &[&str],
) -> Finding {
    let pos = locator
        .locate_key(pointer, field)
        .unwrap_or_else(|| locator.locate(pointer));
    let escaped = field.replace('~', "~0").replace('/', "~1");
    let mut message = unknown_field_message(field, allowed);
    // A key written right under a deeper mapping, less indented than the key above it, most
    // often belongs to that mapping: say so, with both columns.
    if crate::similar::closest(field, allowed).is_none()
        && let Some((above, above_pos)) = keys.just_above(pos.line)
        && above_pos.col > pos.col
    {
        message.push_str(&format!(
            "; it is indented less than `{above}` on the line above (column {} against {}): if it belongs with `{above}`, indent it to match",
            pos.col, above_pos.col
        ));
    }
    finding_at(pos, &format!("{pointer}/{escaped}"), message).with_rule(rules::SCHEMA_UNKNOWN_FIELD)
}

/// ``vlan` must be a mapping (keys indented under it), not `1007``, at the key of the value at
/// `pointer`, saying when that key is indented less than the key above it.
fn not_a_mapping(
    keys: &hints::KeyLines,
    locator: &mut Locator,
    pointer: &str,
    value: &serde_json::Value,
) -> Finding {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let name = last.replace("~1", "/").replace("~0", "~");
    let pos = locator
        .locate_key(parent, &name)
        .unwrap_or_else(|| locator.locate(pointer));
    let mut shown = match value {
        serde_json::Value::String(text) => format!("`{text}`"),
        other => format!("`{other}`"),
    };
    if shown.len() > 60 {
        shown = "a single value".to_owned();
    }
    let mut message = format!("`{name}` must be a mapping (keys indented under it), not {shown}");
    if let Some((above, above_pos)) = keys.just_above(pos.line)
        && above_pos.col > pos.col
    {
        message.push_str(&format!(
            ": it is indented less than `{above}` on the line above (column {} against {}); if it belongs with `{above}`, indent it to match",
            pos.col, above_pos.col
        ));
    }
    finding_at(pos, pointer, message).with_rule(rules::SCHEMA_TYPE)
}

/// The rule id of a schema violation the cases above do not word themselves.
fn schema_rule(kind: &ValidationErrorKind) -> &'static str {
    use ValidationErrorKind as K;
    match kind {
        K::Type { .. } => rules::SCHEMA_TYPE,
        K::Enum { .. } | K::Constant { .. } => rules::SCHEMA_ENUM,
        K::Pattern { .. } | K::Format { .. } => rules::SCHEMA_FORMAT,
        K::Minimum { .. }
        | K::Maximum { .. }
        | K::ExclusiveMinimum { .. }
        | K::ExclusiveMaximum { .. }
        | K::MinLength { .. }
        | K::MaxLength { .. }
        | K::MinItems { .. }
        | K::MaxItems { .. }
        | K::MinProperties { .. }
        | K::MaxProperties { .. }
        | K::MultipleOf { .. } => rules::SCHEMA_RANGE,
        K::AdditionalProperties { .. } | K::UnevaluatedProperties { .. } => {
            rules::SCHEMA_UNKNOWN_FIELD
        }
        K::Required { .. } => rules::SCHEMA_REQUIRED,
        _ => rules::SCHEMA_INVALID,
    }
}

fn unknown_field_message(field: &str, allowed: &[&str]) -> String {
    match crate::similar::closest(field, allowed) {
        Some(meant) => format!("unknown field `{field}`: did you mean `{meant}`?"),
        None if allowed.is_empty() => {
            format!("unknown field `{field}`: this mapping takes no fields")
        }
        None if allowed.len() <= 12 => format!(
            "unknown field `{field}`: the fields here are {}",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("unknown field `{field}`"),
    }
}
