//! What a finding suggests: the key written above a line, the unquoted form of a quoted
//! number (the field a misspelt one meant is `similar::closest`). Pure helpers for
//! `schema_errors`; the messages themselves live there.

use serde_json::Value;

use crate::manifest::{Node, Pos, Value as Yaml};

/// Every mapping key of a document by line, to find the key written just above a line in
/// logarithmic time (a document may hold a great many unknown fields).
pub struct KeyLines<'a> {
    keys: Vec<(u32, &'a str, Pos)>,
}

impl<'a> KeyLines<'a> {
    /// The keys of `root`, at any depth.
    pub fn new(root: &'a Node) -> Self {
        let mut keys = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match &node.value {
                Yaml::Map(entries) => {
                    for entry in entries {
                        keys.push((entry.key_pos.line, entry.key.as_str(), entry.key_pos));
                        stack.push(&entry.value);
                    }
                }
                Yaml::Seq(items) => stack.extend(items),
                _ => {}
            }
        }
        keys.sort_by_key(|(line, _, pos)| (*line, pos.col));
        KeyLines { keys }
    }

    /// The key written on the line just above `line`, if one is.
    pub fn just_above(&self, line: u32) -> Option<(&'a str, Pos)> {
        let at = self.keys.partition_point(|(l, _, _)| *l < line);
        let (found, key, pos) = *self.keys.get(at.checked_sub(1)?)?;
        (found + 1 == line).then_some((key, pos))
    }
}

/// The fields a mapping may have, read from the schema object that holds the
/// `additionalProperties` keyword an error came from (`schema_path` ends with it).
pub fn allowed_fields<'a>(schema: &'a Value, schema_path: &str) -> Vec<&'a str> {
    let parent = schema_path
        .rsplit_once('/')
        .map_or("", |(parent, _keyword)| parent);
    schema
        .pointer(parent)
        .and_then(|object| object.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// For a string where the schema wants `expected` (`integer`, `number`, `boolean`): the
/// word for the type, when the string is that type's value in quotes (`"1023"`, `"true"`).
pub fn quoted_scalar(instance: &Value, expected: &str) -> Option<&'static str> {
    let text = instance.as_str()?.trim();
    match expected {
        "integer" if text.parse::<i64>().is_ok() => Some("a number"),
        "number" if text.parse::<f64>().is_ok_and(f64::is_finite) => Some("a number"),
        "boolean" if matches!(text, "true" | "false") => Some("true or false"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_numbers_and_booleans() {
        assert_eq!(
            quoted_scalar(&Value::from("1023"), "integer"),
            Some("a number")
        );
        assert_eq!(
            quoted_scalar(&Value::from("true"), "boolean"),
            Some("true or false")
        );
        assert_eq!(quoted_scalar(&Value::from("ten"), "integer"), None);
        assert_eq!(quoted_scalar(&Value::from(5), "integer"), None);
    }
}
