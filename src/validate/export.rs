//! Fields the fabric writes itself, found in a document: the sign of a pasted
//! `kubectl get -o yaml` export. They are harmless to the schema but not to the people who
//! read `managed/` (and a stale `resourceVersion` makes `kubectl apply` fail with a
//! conflict), so each such document gets one warning naming the lines to delete. The text
//! that moves is never changed.

use crate::finding::{Finding, Severity};
use crate::manifest::{Entry, Node, Value};

/// `metadata` fields the API server sets.
const SERVER_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
];

/// The annotation `kubectl apply` writes.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The last line a node's text reaches, as far as positions tell.
fn last_line(node: &Node) -> u32 {
    match &node.value {
        Value::Seq(items) => items.iter().map(last_line).max().unwrap_or(node.pos.line),
        Value::Map(entries) => entries
            .iter()
            .map(|e| last_line(&e.value).max(e.key_pos.line))
            .max()
            .unwrap_or(node.pos.line),
        _ => node.pos.line,
    }
}

/// The lines of `entries[index]`: from its key to the line before the next key of the same
/// mapping (which also covers a multi-line scalar), or to its own last line.
fn lines_of(entries: &[Entry], index: usize) -> (u32, u32) {
    let entry = &entries[index];
    let end = match entries.get(index + 1) {
        Some(next) => next.key_pos.line.saturating_sub(1).max(entry.key_pos.line),
        None => last_line(&entry.value).max(entry.key_pos.line),
    };
    (entry.key_pos.line, end)
}

/// A field the fabric writes, where it is written.
struct Written {
    from: u32,
    to: u32,
    col: u32,
    /// How the message names it.
    name: String,
    pointer: String,
}

fn written(entries: &[Entry], index: usize, name: String, pointer: &str) -> Written {
    let (from, to) = lines_of(entries, index);
    Written {
        from,
        to,
        col: entries[index].key_pos.col,
        name,
        pointer: pointer.to_owned(),
    }
}

/// One warning for a document holding fields the fabric writes, or `None`.
pub fn exported_fields_warning(root: &Node) -> Option<Finding> {
    let Value::Map(top) = &root.value else {
        return None;
    };
    let mut found: Vec<Written> = Vec::new();
    for (i, entry) in top.iter().enumerate() {
        if entry.key == "status" {
            found.push(written(top, i, "`status`".into(), "/status"));
        }
        let ("metadata", Value::Map(metadata)) = (entry.key.as_str(), &entry.value.value) else {
            continue;
        };
        for (j, field) in metadata.iter().enumerate() {
            if SERVER_METADATA.contains(&field.key.as_str()) {
                let pointer = format!("/metadata/{}", field.key);
                found.push(written(
                    metadata,
                    j,
                    format!("`metadata.{}`", field.key),
                    &pointer,
                ));
            }
            let ("annotations", Value::Map(annotations)) = (field.key.as_str(), &field.value.value)
            else {
                continue;
            };
            if let Some(k) = annotations.iter().position(|a| a.key == LAST_APPLIED) {
                found.push(written(
                    annotations,
                    k,
                    format!("the `{LAST_APPLIED}` annotation"),
                    "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
                ));
            }
        }
    }
    found.sort_by_key(|w| (w.from, w.to));
    let first = found.first()?;
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for w in &found {
        match ranges.last_mut() {
            Some(last) if w.from <= last.1 + 1 => last.1 = last.1.max(w.to),
            _ => ranges.push((w.from, w.to)),
        }
    }
    let single_line = matches!(ranges.as_slice(), [(from, to)] if from == to);
    let lines = ranges
        .iter()
        .map(|(from, to)| {
            if from == to {
                from.to_string()
            } else {
                format!("{from}–{to}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let names = found
        .iter()
        .map(|w| w.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut message = format!(
        "this looks like a `kubectl get -o yaml` export: delete line{} {lines} ({names}); the fabric fills these in",
        if single_line { "" } else { "s" }
    );
    if found
        .iter()
        .any(|w| w.pointer == "/metadata/resourceVersion")
    {
        message
            .push_str(", and a stale `resourceVersion` makes `kubectl apply` fail with a conflict");
    }
    Some(Finding {
        line: first.from,
        col: first.col,
        pointer: first.pointer.clone(),
        message,
        severity: Severity::Warning,
        rule: None,
    })
}
