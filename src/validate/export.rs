//! Fields the fabric writes itself, found in a document: the sign of a pasted
//! `kubectl get -o yaml` export. Most are harmless to the schema but not to the people who
//! read `managed/`: a warning names the lines to delete. `metadata.resourceVersion` and
//! `metadata.uid` make the applier refuse the file: an error, so it stays in raw/. The text
//! that moves is never changed.

use crate::finding::{Finding, Severity, rules};
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

/// The fields of one object in one cluster: `kubectl apply` refuses a `resourceVersion`
/// when it creates the object and a stale one when it updates it (a conflict), and a `uid`
/// that is not the live object's.
const IDENTITY: &[&str] = &["/metadata/resourceVersion", "/metadata/uid"];

/// The findings for a document holding fields the fabric writes: an error for the ones the
/// applier refuses ([`IDENTITY`]), a warning for the rest, each naming the lines to delete.
pub fn exported_fields_findings(root: &Node) -> Vec<Finding> {
    let (identity, other): (Vec<Written>, Vec<Written>) = written_fields(root)
        .into_iter()
        .partition(|w| IDENTITY.contains(&w.pointer.as_str()));
    let mut findings = Vec::new();
    if let Some(mut error) = delete_these(
        &identity,
        "the applier refuses them: `kubectl apply` rejects a `resourceVersion` when it creates the object and a stale one when it updates it, and a `uid` that is not the live object's",
    ) {
        error.severity = Severity::Error;
        findings.push(error.with_rule(rules::EXPORT_IDENTITY));
    }
    findings.extend(
        delete_these(&other, "the fabric fills these in")
            .map(|warning| warning.with_rule(rules::EXPORT_FIELDS)),
    );
    findings
}

/// Every field of `root` the fabric writes, in line order.
fn written_fields(root: &Node) -> Vec<Written> {
    let Value::Map(top) = &root.value else {
        return Vec::new();
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
    found
}

/// A warning at the first of `found` (in line order) saying which lines to delete and
/// `why`; `None` when nothing was found.
fn delete_these(found: &[Written], why: &str) -> Option<Finding> {
    let first = found.first()?;
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for w in found {
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
    Some(Finding {
        line: first.from,
        col: first.col,
        pointer: first.pointer.clone(),
        message: format!(
            "this looks like a `kubectl get -o yaml` export: delete line{} {lines} ({names}); {why}",
            if single_line { "" } else { "s" }
        ),
        severity: Severity::Warning,
        ..Finding::default()
    })
}
