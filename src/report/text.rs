//! The terminal report: what moved where, what was rejected and why (one compiler-style
//! line per finding, so editors can jump to it), and the totals; and the tables of `list`.

use std::fmt::Write;

use super::{CheckReport, SyncReport};
use crate::list::{self, Columns, KindTable, Listing};
use crate::plan::diff::Diff;
use crate::plan::{Status, plural};

/// `sync --quiet`: per fabric only what fails the run (rejected raw files that count, with
/// their errors, and errors in managed/), then the closing line.
fn quiet_sync(report: &SyncReport) -> Vec<Section> {
    let mut sections = Vec::new();
    for fabric in &report.fabrics {
        let mut out = String::new();
        for rejected in fabric.rejected.iter().filter(|r| !r.untouched) {
            for finding in rejected.findings.iter().filter(|f| f.is_error()) {
                let path = format!("{}/{}", fabric.dir, rejected.path);
                let _ = writeln!(out, "{}", finding.display(&path));
            }
        }
        for managed in fabric
            .managed_findings
            .iter()
            .filter(|m| m.finding.is_error())
        {
            let path = format!("{}/{}", fabric.dir, managed.path);
            let _ = writeln!(out, "{}", managed.finding.display(&path));
        }
        if !out.is_empty() {
            sections.push(Section {
                title: Some(fabric.dir.clone()),
                body: out,
            });
        }
    }
    sections.push(Section {
        title: None,
        body: format!("{}\n", closing_line(report)),
    });
    sections
}

/// `text` with the `error` and `warning` labels of its findings in colour (ANSI), for a
/// terminal.
pub fn coloured(text: &str) -> String {
    const RED: &str = "\x1b[1;31m";
    const YELLOW: &str = "\x1b[1;33m";
    const RESET: &str = "\x1b[0m";
    text.lines()
        .map(|line| {
            let line = line
                .replacen(": error: ", &format!(": {RED}error{RESET}: "), 1)
                .replacen(": warning: ", &format!(": {YELLOW}warning{RESET}: "), 1);
            match line.strip_prefix("warning: ") {
                Some(rest) => format!("{YELLOW}warning{RESET}: {rest}\n"),
                None => format!("{line}\n"),
            }
        })
        .collect()
}

/// `check`: one line per finding, then a totals line. `quiet`: errors and totals only.
pub fn check(report: &CheckReport, quiet: bool) -> String {
    let mut out = String::new();
    for file in &report.files {
        for finding in file.findings.iter().filter(|f| !quiet || f.is_error()) {
            let _ = writeln!(out, "{}", finding.display(&file.path));
        }
    }
    if quiet {
        let _ = writeln!(out, "checked {}", check_totals(report));
        return out;
    }
    for missing in &report.missing {
        let _ = writeln!(out, "warning: {}", missing.message());
    }
    for file in &report.files {
        if let Some(why) = &file.ignored {
            let _ = writeln!(out, "ignored {} ({why})", file.path);
        }
    }
    if let Some(base) = &report.base {
        let _ = writeln!(out, "{}", base.describe());
    }
    let _ = writeln!(out, "checked {}", check_totals(report));
    out
}

/// The totals of a check, shared by the text and Markdown reports:
/// `3 files: 2 valid (5 resources), 1 rejected (2 errors), 4 warnings`.
pub fn check_totals(report: &CheckReport) -> String {
    let t = &report.totals;
    format!(
        "{} {}: {} valid ({} {}), {} rejected ({}), {}",
        t.files,
        plural(t.files, "file", "files"),
        t.valid_files,
        t.resources,
        plural(t.resources, "resource", "resources"),
        t.rejected_files,
        count(t.errors, "error", "errors"),
        count(t.warnings, "warning", "warnings"),
    ) + &if t.ignored_files > 0 {
        format!(", {} ignored", t.ignored_files)
    } else {
        String::new()
    }
}

/// `1 warning`, `2 warnings`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// A part of the sync report: one fabric (titled, so the Actions log can fold it into a
/// group), or the untitled closing lines.
pub struct Section {
    /// The fabric folder, or `None` for the closing lines.
    pub title: Option<String>,
    /// The lines, each ending in a newline.
    pub body: String,
}

/// `sync`, in sections: per fabric, then the skipped folders and a closing line saying what
/// was committed.
///
/// A fabric's problems come before what moved, so they are read first and not lost above a
/// long list of created files: the rejected files with their findings, then the fabric's
/// own warnings (missing references, problems already in managed/), then what moved or
/// would move (each file with its warnings), then the ignored files. The totals stay the
/// last line, as on a terminal the last line is the one read first.
pub fn sync_sections(report: &SyncReport, quiet: bool) -> Vec<Section> {
    if quiet {
        return quiet_sync(report);
    }
    let mut sections = Vec::new();
    let verb = report.move_verb();
    for fabric in &report.fabrics {
        let mut out = String::new();
        let _ = writeln!(out, "{}", fabric.dir);
        for rejected in &fabric.rejected {
            let why = if rejected.untouched {
                "left in raw/; already on the base branch"
            } else {
                "left in raw/"
            };
            let _ = writeln!(out, "  rejected {} ({why})", rejected.path);
            for finding in &rejected.findings {
                let _ = writeln!(
                    out,
                    "      {}",
                    finding.display(&format!("{}/{}", fabric.dir, rejected.path))
                );
            }
        }
        for missing in &fabric.missing {
            let _ = writeln!(out, "  warning: {}", missing.message());
        }
        for managed in &fabric.managed_findings {
            let _ = writeln!(
                out,
                "  {}",
                managed
                    .finding
                    .display(&format!("{}/{}", fabric.dir, managed.path))
            );
        }
        for moved in &fabric.moved {
            let n = moved.resources.len();
            let _ = writeln!(
                out,
                "  {verb} {} -> {n} {}",
                moved.raw,
                plural(n, "resource", "resources")
            );
            for planned in &moved.resources {
                let status = match planned.status {
                    Status::Created => "created  ",
                    Status::Updated => "updated  ",
                    Status::Unchanged => "unchanged",
                };
                let _ = writeln!(out, "      {status} {}", planned.path);
                for line in planned.diff.iter().flat_map(Diff::lines) {
                    let _ = writeln!(out, "{}{line}", diff_indent(&line));
                }
            }
            for warning in moved.warnings() {
                let _ = writeln!(
                    out,
                    "      {}",
                    warning.display(&format!("{}/{}", fabric.dir, moved.raw))
                );
            }
        }
        for (ignored, reason) in report.ignored_files(fabric) {
            let _ = match reason {
                Some(reason) => writeln!(out, "  ignored  {ignored} ({reason})"),
                None => writeln!(out, "  ignored  {ignored}"),
            };
        }
        if fabric.moved.is_empty() && fabric.rejected.is_empty() {
            let _ = writeln!(out, "  nothing to move");
        }
        sections.push(Section {
            title: Some(fabric.dir.clone()),
            body: out,
        });
    }
    let mut closing = String::new();
    if let Some(base) = &report.base {
        let _ = writeln!(closing, "{}", base.describe());
    }
    for glob in &report.unmatched_fabrics {
        let _ = writeln!(closing, "warning: {}", SyncReport::unmatched_warning(glob));
    }
    for skipped in &report.skipped {
        let _ = writeln!(closing, "skipped {}: {}", skipped.dir, skipped.reason);
    }
    if let Some(line) = split_line(report) {
        let _ = writeln!(closing, "{line}");
    }
    let _ = writeln!(closing, "{}", closing_line(report));
    sections.push(Section {
        title: None,
        body: closing,
    });
    sections
}

/// The indent of a line of an update's diff: under the managed path, with `+ ` and `- `
/// hanging to its left so that every changed path starts in the same column.
fn diff_indent(line: &str) -> &'static str {
    if line.starts_with("+ ") || line.starts_with("- ") {
        "                "
    } else {
        "                  "
    }
}

/// `the move was split into N commits (why): sha, sha`, when it was; shared by the text
/// and Markdown reports.
pub fn split_line(report: &SyncReport) -> Option<String> {
    let commit = report.commit.as_ref()?;
    let reason = commit.split_reason.as_ref()?;
    Some(format!(
        "the move was split into {} commits, each holding whole raw files, because {reason}: {}",
        commit.commits.len(),
        commit.commits.join(", ")
    ))
}

/// The one-line outcome, shared by the text and Markdown reports.
pub fn closing_line(report: &SyncReport) -> String {
    let t = &report.totals;
    let counts = format!(
        "{} raw {} {} ({} {}: {} created, {} updated, {} unchanged), {} rejected ({}), {} ignored, {}",
        t.moved_files,
        plural(t.moved_files, "file", "files"),
        report.move_verb(),
        t.resources,
        plural(t.resources, "resource", "resources"),
        t.created,
        t.updated,
        t.unchanged,
        t.rejected_files,
        count(t.errors, "error", "errors"),
        t.ignored_files,
        count(t.warnings, "warning", "warnings"),
    );
    match (&report.commit, &report.no_commit_reason) {
        (Some(commit), _) => {
            let pushed = match (&commit.pushed_to, &commit.push_error) {
                (Some(to), _) => format!(", pushed to {to}"),
                (None, Some(error)) => format!(", NOT pushed ({error})"),
                (None, None) => String::new(),
            };
            format!("committed {}{pushed}: {counts}", commit.sha)
        }
        (None, Some(_)) if report.dry_run => format!("dry run, nothing changed: {counts}"),
        (None, Some(reason)) => format!("check only, nothing committed ({reason}): {counts}"),
        (None, None) => format!("no commit (nothing to change): {counts}"),
    }
}

/// `list`: per fabric, one aligned table per kind (the items of a list field, such as a
/// VPC's subnets, one line each under their resource), then the files that could not be
/// listed, compiler-style.
pub fn list(listing: &Listing) -> String {
    let mut out = String::new();
    for glob in &listing.unmatched_fabrics {
        let _ = writeln!(
            out,
            "warning: --fabric `{}` matches no fabric (a folder with a raw/ folder): check its spelling",
            shown_cell(glob)
        );
    }
    for (i, fabric) in listing.fabrics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", shown_cell(&fabric.dir));
        if fabric.kinds.is_empty() {
            let _ = match &listing.kind {
                Some(kind) => writeln!(out, "  no {} in managed/", shown_cell(kind)),
                None => writeln!(out, "  nothing in managed/"),
            };
        }
        for table in &fabric.kinds {
            let n = table.resources.len();
            let _ = writeln!(out, "\n{} ({n})", shown_cell(&table.kind));
            for line in aligned(&kind_rows(table)) {
                let _ = writeln!(out, "{line}");
            }
        }
        if !fabric.unreadable.is_empty() {
            let n = fabric.unreadable.len();
            let _ = writeln!(
                out,
                "\n{n} managed {} could not be listed:",
                plural(n, "file", "files")
            );
            for file in &fabric.unreadable {
                let path = format!("{}/{}", fabric.dir, file.path);
                let _ = writeln!(out, "{}", shown_cell(&file.finding.display(&path)));
            }
        }
    }
    out
}

/// The header and the lines of one kind's table, cell by cell.
fn kind_rows(table: &KindTable) -> Vec<Vec<String>> {
    let (own_columns, list_field, item_columns) = match list::columns(&table.kind) {
        Columns::Flat(own) => (own, None, &[][..]),
        Columns::Nested { own, list, item } => (own, Some(list), item),
    };
    let mut rows = vec![
        std::iter::once("NAME")
            .chain(own_columns.iter().chain(item_columns).map(|c| c.header))
            .map(str::to_owned)
            .collect::<Vec<_>>(),
    ];
    for resource in &table.resources {
        let items: &[serde_json::Value] = list_field
            .and_then(|field| resource.fields.get(field))
            .and_then(serde_json::Value::as_array)
            .map_or(&[], Vec::as_slice);
        let field = |value: Option<&serde_json::Value>| shown_value(value.unwrap_or_default());
        for line in 0..items.len().max(1) {
            let first = line == 0;
            let mut row = vec![if first {
                shown_cell(&resource.name)
            } else {
                String::new()
            }];
            for column in own_columns {
                row.push(if first {
                    field(resource.fields.get(column.field))
                } else {
                    String::new()
                });
            }
            for column in item_columns {
                row.push(field(
                    items.get(line).and_then(|item| item.get(column.field)),
                ));
            }
            rows.push(row);
        }
    }
    rows
}

/// A listed value in a cell: `-` where it is not set, lists joined by commas.
fn shown_value(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => shown_cell(s),
        Value::Array(items) => {
            if items.is_empty() {
                return "-".to_owned();
            }
            items.iter().map(shown_value).collect::<Vec<_>>().join(", ")
        }
        other => shown_cell(&other.to_string()),
    }
}

/// Text from input made safe for a terminal: control characters (escape sequences, line
/// breaks) are shown escaped instead of acting.
fn shown_cell(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Rows padded into columns two spaces apart, without trailing spaces.
fn aligned(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (cell, width) in row.iter().zip(&widths) {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', width + 2 - cell.chars().count()));
            }
            line.trim_end().to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list::{FabricListing, ListedResource};

    #[test]
    fn list_escapes_control_characters_and_aligns_without_trailing_spaces() {
        let resource = |name: &str, role: serde_json::Value| ListedResource {
            name: name.into(),
            file: "managed/switches/x.yaml".into(),
            fields: serde_json::json!({"role": role, "profile": "vs", "asn": null})
                .as_object()
                .cloned()
                .unwrap(),
        };
        let listing = Listing::new(
            vec![FabricListing {
                dir: "f".into(),
                kinds: vec![KindTable {
                    kind: "Switch".into(),
                    resources: vec![
                        resource("evil\u{1b}[31m", "spine".into()),
                        resource("leaf-01", serde_json::Value::Null),
                    ],
                }],
                unreadable: Vec::new(),
            }],
            None,
            Vec::new(),
        );
        assert_eq!(
            list(&listing),
            "f\n\nSwitch (2)\nNAME            ROLE   PROFILE  ASN\nevil\\u{1b}[31m  spine  vs       -\nleaf-01         -      vs       -\n"
        );
    }
}
