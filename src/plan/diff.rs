//! What an update changes: the managed file's document and the raw document that replaces
//! it, compared as data (both parsed by `manifest`, as JSON), so that a reformatted file or
//! reordered keys show no change and a changed VLAN shows as one line. Pure: two texts in,
//! the changed leaves out, and the lines every printer shows for them (capped, so a
//! rewritten file cannot flood a report; the JSON report carries every change).

use serde_json::Value;

use crate::manifest;

/// One changed leaf (or added or removed subtree) of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// Where, as people write it: `spec.subnets.default.vlan`, `spec.links[0]`, and a key
    /// that is not a plain word in quotes (`metadata.labels["fabric.githedgehog.com/x"]`).
    pub path: String,
    /// What happens there.
    pub change: Change,
}

/// What happens at a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A value replaced by another (a leaf, or a subtree replaced by a value of another type).
    Changed {
        /// The managed file's value.
        old: Value,
        /// The raw file's value.
        new: Value,
    },
    /// A key or list item only the raw document has.
    Added {
        /// Its value.
        new: Value,
    },
    /// A key or list item only the managed file has.
    Removed {
        /// Its value.
        old: Value,
    },
}

/// What an updated resource changes in its managed file.
#[derive(Debug, Clone, PartialEq)]
pub enum Diff {
    /// The data changes in these places, in key order (none: only comments, formatting or
    /// key order change).
    Fields(Vec<FieldChange>),
    /// The managed file cannot be compared as data (it is not one YAML document): it is
    /// replaced whole.
    Unreadable(String),
}

/// Compares the managed file's bytes `old` with the raw document `new` that replaces it.
pub fn diff(old: &[u8], new: &str) -> Diff {
    let old = match one_document(old) {
        Ok(old) => old,
        Err(why) => return Diff::Unreadable(format!("the managed file {why}")),
    };
    let new = match one_document(new.as_bytes()) {
        Ok(new) => new,
        // The raw document parsed once already; reaching this is a bug, said plainly.
        Err(why) => return Diff::Unreadable(format!("the raw document {why}")),
    };
    let mut changes = Vec::new();
    compare(&mut String::new(), &old, &new, &mut changes);
    Diff::Fields(changes)
}

/// The one document of `bytes`, as JSON, or why there is not exactly one.
fn one_document(bytes: &[u8]) -> Result<Value, String> {
    let documents = manifest::parse(bytes).map_err(|finding| {
        format!(
            "is not valid YAML (line {}: {})",
            finding.line, finding.message
        )
    })?;
    match documents.as_slice() {
        [document] => Ok(document.root.to_json()),
        others => Err(format!("holds {} documents, not one", others.len())),
    }
}

fn compare(path: &mut String, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                let len = path.len();
                push_key(path, key);
                match (old.get(key), new.get(key)) {
                    (Some(old), Some(new)) => compare(path, old, new, out),
                    (Some(old), None) => out.push(removed(path, old)),
                    (None, Some(new)) => out.push(added(path, new)),
                    (None, None) => unreachable!("the key comes from one of the two maps"),
                }
                path.truncate(len);
            }
        }
        (Value::Array(old), Value::Array(new)) => {
            for i in 0..old.len().max(new.len()) {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                match (old.get(i), new.get(i)) {
                    (Some(old), Some(new)) => compare(path, old, new, out),
                    (Some(old), None) => out.push(removed(path, old)),
                    (None, Some(new)) => out.push(added(path, new)),
                    (None, None) => unreachable!("i is below the longer length"),
                }
                path.truncate(len);
            }
        }
        (old, new) if old != new => out.push(FieldChange {
            path: path.clone(),
            change: Change::Changed {
                old: old.clone(),
                new: new.clone(),
            },
        }),
        _ => {}
    }
}

fn added(path: &str, new: &Value) -> FieldChange {
    FieldChange {
        path: path.to_owned(),
        change: Change::Added { new: new.clone() },
    }
}

fn removed(path: &str, old: &Value) -> FieldChange {
    FieldChange {
        path: path.to_owned(),
        change: Change::Removed { old: old.clone() },
    }
}

/// Appends `.key`, or `["key"]` for a key that is not a plain word (so the path stays
/// unambiguous: a dot or a bracket inside a key cannot pass for a separator).
fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&Value::String(key.to_owned()).to_string());
        path.push(']');
    }
}

/// Longest value shown on one line; a longer one ends in `…`.
const MAX_SHOWN_VALUE_CHARS: usize = 80;

/// Changes shown per updated file; the rest are counted.
pub const MAX_SHOWN_CHANGES: usize = 20;

impl Diff {
    /// The lines people see, at most [`MAX_SHOWN_CHANGES`] changes and then a count of the
    /// rest; a diff with no change, or none possible, is one line saying so.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Diff::Fields(changes) if changes.is_empty() => {
                vec!["no change to the data: only comments, formatting or key order".to_owned()]
            }
            Diff::Fields(changes) => {
                let mut lines: Vec<String> = changes
                    .iter()
                    .take(MAX_SHOWN_CHANGES)
                    .map(FieldChange::line)
                    .collect();
                let rest = changes.len().saturating_sub(MAX_SHOWN_CHANGES);
                if rest > 0 {
                    lines.push(format!(
                        "… and {rest} more {} (every one is in the JSON report)",
                        if rest == 1 { "change" } else { "changes" }
                    ));
                }
                lines
            }
            Diff::Unreadable(why) => vec![format!("{why}: it is replaced whole")],
        }
    }
}

impl FieldChange {
    /// One line for people: `spec.subnets.default.vlan: 1001 → 1002`,
    /// `+ spec.subnets.db: {subnet: 10.0.2.0/24, vlan: 1002}`, `- spec.ipv4Namespace: default`.
    /// Values are shown in YAML flow style, strings quoted only where YAML would read them as
    /// something else, and cut at `MAX_SHOWN_VALUE_CHARS`.
    pub fn line(&self) -> String {
        let path = if self.path.is_empty() {
            "(the whole document)"
        } else {
            &self.path
        };
        match &self.change {
            Change::Changed { old, new } => format!("{path}: {} → {}", shown(old), shown(new)),
            Change::Added { new } => format!("+ {path}: {}", shown(new)),
            Change::Removed { old } => format!("- {path}: {}", shown(old)),
        }
    }
}

fn shown(value: &Value) -> String {
    let mut text = String::new();
    flow(value, &mut text);
    match text.char_indices().nth(MAX_SHOWN_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// `value` in YAML flow style.
fn flow(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(&flow_string(s)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&flow_string(key));
                out.push_str(": ");
                flow(item, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A string as YAML flow would need it: plain when YAML (1.1 as kubectl reads it, so `y` and
/// `on` too) reads it back as this same string, else double-quoted (so `"1001"` is told apart from `1001`, and control characters show).
fn flow_string(s: &str) -> String {
    let reads_as_other = s.is_empty()
        || s.parse::<f64>().is_ok()
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "~" | "y" | "n" | "yes" | "no" | "on" | "off"
        );
    let special = s.starts_with(|c: char| c.is_whitespace() || "-?:!&*|>'\"%@`#".contains(c))
        || s.ends_with(char::is_whitespace)
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(|c| c.is_control() || "{}[],".contains(c));
    if reads_as_other || special {
        Value::String(s.to_owned()).to_string()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n    old:\n      subnet: 10.0.9.0/24\n      vlan: 1009\n";

    fn lines(diff: &Diff) -> Vec<String> {
        diff.lines()
    }

    #[test]
    fn changed_added_and_removed_leaves_are_listed_in_key_order() {
        let new = "# a comment\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\n  labels:\n    fabric.githedgehog.com/x: \"1\"\nspec:\n  subnets:\n    default:\n      vlan: 1002\n      subnet: 10.0.1.0/24\n    db:\n      subnet: 10.0.2.0/24\n      vlan: 1003\n";
        assert_eq!(
            lines(&diff(OLD.as_bytes(), new)),
            [
                "+ metadata.labels: {fabric.githedgehog.com/x: \"1\"}",
                "+ spec.subnets.db: {subnet: 10.0.2.0/24, vlan: 1003}",
                "spec.subnets.default.vlan: 1001 → 1002",
                "- spec.subnets.old: {subnet: 10.0.9.0/24, vlan: 1009}",
            ]
        );
    }

    #[test]
    fn reformatting_and_reordering_change_nothing() {
        let new = "kind: VPC\napiVersion: vpc.githedgehog.com/v1beta1\nmetadata: {name: vpc-1}\nspec:\n  subnets:\n    old: {vlan: 1009, subnet: 10.0.9.0/24}\n    default: {subnet: 10.0.1.0/24, vlan: 1001}\n";
        let unchanged = diff(OLD.as_bytes(), new);
        assert_eq!(unchanged, Diff::Fields(Vec::new()));
        assert_eq!(
            unchanged.lines(),
            ["no change to the data: only comments, formatting or key order"]
        );
    }

    #[test]
    fn a_long_diff_shows_its_first_changes_and_counts_the_rest() {
        let old: String = (0..25).map(|i| format!("k{i:02}: {i}\n")).collect();
        let new: String = (0..25).map(|i| format!("k{i:02}: {}\n", i + 1)).collect();
        let lines = diff(old.as_bytes(), &new).lines();
        assert_eq!(lines.len(), MAX_SHOWN_CHANGES + 1);
        assert_eq!(lines[0], "k00: 0 → 1");
        assert_eq!(lines[19], "k19: 19 → 20");
        assert_eq!(
            lines[20],
            "… and 5 more changes (every one is in the JSON report)"
        );
    }

    #[test]
    fn list_items_compare_by_position_and_odd_keys_are_quoted() {
        let old = "a:\n  - x\n  - v\nb:\n  \"odd.key\": 1\n";
        let new = "a:\n  - x\n  - z\n  - w\nb:\n  \"odd.key\": \"1\"\n";
        assert_eq!(
            lines(&diff(old.as_bytes(), new)),
            ["a[1]: v → z", "+ a[2]: w", "b[\"odd.key\"]: 1 → \"1\""]
        );
    }

    #[test]
    fn a_managed_file_that_is_not_one_document_is_replaced_whole() {
        assert_eq!(
            lines(&diff(b"a: 1\n---\nb: 2\n", "a: 1\n")),
            ["the managed file holds 2 documents, not one: it is replaced whole"]
        );
        let Diff::Unreadable(why) = diff(b"a: [1\n", "a: 1\n") else {
            panic!("a broken managed file cannot be compared")
        };
        assert!(
            why.starts_with("the managed file is not valid YAML (line "),
            "{why}"
        );
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = "é".repeat(200);
        let line = FieldChange {
            path: "x".into(),
            change: Change::Added {
                new: Value::String(long),
            },
        }
        .line();
        assert_eq!(line, format!("+ x: {}…", "é".repeat(MAX_SHOWN_VALUE_CHARS)));
    }
}
