//! Which YAML tags a value may carry. kubectl rejects tags that change what a value is
//! (`!!set`, `!!binary`, `!foo`), so they are rejected here, on scalars and collections
//! alike; core tags that keep the meaning (`!!str`, `!!int`, `!!map`, `!!seq`...) are
//! honoured.

use saphyr_parser::ScalarStyle;

use super::scalar::resolve_plain;
use super::tree::{Pos, Value};
use crate::finding::Finding;

/// How a tag is written in messages: `!!set` for the core schema, `!foo` for a local tag,
/// else the full tag as resolved from its `%TAG` handle.
fn tag_name(tag: &saphyr_parser::Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn unsupported_tag(tag: &saphyr_parser::Tag, pos: Pos) -> Finding {
    Finding::at(
        pos.line,
        pos.col,
        format!(
            "unsupported YAML tag `{}`: remove it (kubectl accepts only tags that keep a value's meaning, such as `!!str`)",
            tag_name(tag)
        ),
    )
}

/// Resolves a scalar event to a typed value, honouring core-schema tags.
pub(super) fn scalar_value(
    text: &str,
    style: ScalarStyle,
    tag: Option<&saphyr_parser::Tag>,
    pos: Pos,
) -> Result<Value, Finding> {
    if let Some(tag) = tag {
        let core = tag.is_yaml_core_schema();
        return match (core, tag.suffix.as_str()) {
            (true, "str") => Ok(Value::Str(text.to_owned())),
            (true, "null" | "bool" | "int" | "float") => {
                let value = resolve_plain(text);
                let ok = matches!(
                    (tag.suffix.as_str(), &value),
                    ("null", Value::Null)
                        | ("bool", Value::Bool(_))
                        | ("int", Value::Int(_))
                        | ("float", Value::Float(_) | Value::Int(_))
                );
                if ok {
                    Ok(value)
                } else {
                    Err(Finding::at(
                        pos.line,
                        pos.col,
                        format!("`{text}` is not a valid !!{}", tag.suffix),
                    ))
                }
            }
            _ => Err(unsupported_tag(tag, pos)),
        };
    }
    Ok(match style {
        ScalarStyle::Plain => resolve_plain(text),
        _ => Value::Str(text.to_owned()),
    })
}

/// Checks the tag of a mapping or sequence the way scalar tags are checked: only the core tag
/// of its own kind (`!!map`, `!!seq`) leaves the meaning unchanged; any other (`!!set`,
/// `!!omap`, `!foo`) is rejected, as kubectl rejects it.
pub(super) fn check_collection_tag(
    tag: Option<&saphyr_parser::Tag>,
    own_core_tag: &str,
    pos: Pos,
) -> Result<(), Finding> {
    match tag {
        Some(tag) if !(tag.is_yaml_core_schema() && tag.suffix == own_core_tag) => {
            Err(unsupported_tag(tag, pos))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::Finding;
    use crate::manifest::parse;

    fn root_json(text: &str) -> serde_json::Value {
        parse(text.as_bytes()).unwrap()[0].root.to_json()
    }

    fn error(text: &str) -> Finding {
        parse(text.as_bytes()).unwrap_err()
    }

    #[test]
    fn tags() {
        assert_eq!(
            root_json("a: !!str 10\nb: !!int 10\n"),
            serde_json::json!({"a": "10", "b": 10})
        );
        assert!(
            error("a: !custom x\n")
                .message
                .contains("unsupported YAML tag")
        );
        assert!(error("a: !!int x\n").message.contains("not a valid !!int"));
    }

    #[test]
    fn tags_on_collections_are_checked_like_tags_on_scalars() {
        assert_eq!(
            root_json("a: !!map {x: 1}\nb: !!seq [1]\n"),
            serde_json::json!({"a": {"x": 1}, "b": [1]})
        );
        for (text, tag) in [
            ("a: !!set {x: null}\n", "!!set"),
            ("a: !!omap [x: 1]\n", "!!omap"),
            ("a: !foo {}\n", "!foo"),
            ("--- !foo\na: 1\n", "!foo"),
            ("a: !!seq {}\n", "!!seq"),
            ("a: !!map [1]\n", "!!map"),
        ] {
            let err = error(text);
            assert_eq!(
                err.message,
                format!(
                    "unsupported YAML tag `{tag}`: remove it (kubectl accepts only tags that keep a value's meaning, such as `!!str`)"
                ),
                "{text}"
            );
        }
    }
}
