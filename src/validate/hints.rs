//! What a finding suggests: the field a misspelt one probably meant, the unquoted form of a
//! quoted number. Pure helpers for `schema_errors`; the messages themselves live there.

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

/// The allowed field `unknown` was most likely meant to be: the same name in other case
/// (`nativeVlan` for `nativeVLAN`), else the nearest by edit distance when it is at most 2
/// and less than a third of the name (`subnts` for `subnets`); ties go to the first.
pub fn closest<'a>(unknown: &str, allowed: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = allowed.iter().find(|a| a.eq_ignore_ascii_case(unknown)) {
        return Some(same);
    }
    let limit = (unknown.chars().count() / 3).min(2);
    allowed
        .iter()
        .map(|a| (crate::similar::edit_distance(unknown, a), *a))
        .filter(|(distance, _)| *distance <= limit && *distance > 0)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, a)| a)
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
    fn misspelt_fields_find_what_they_meant() {
        let allowed = ["subnets", "permit", "nativeVLAN", "vlan", "ipv4Namespace"];
        assert_eq!(closest("subnts", &allowed), Some("subnets"));
        assert_eq!(closest("nativeVlan", &allowed), Some("nativeVLAN"));
        assert_eq!(closest("vlna", &allowed), Some("vlan"));
        assert_eq!(closest("ipv4namespace", &allowed), Some("ipv4Namespace"));
        assert_eq!(closest("foo", &allowed), None);
        assert_eq!(closest("x", &allowed), None, "too short to guess");
    }

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
