//! The terminal report: what moved where, what was rejected and why (one compiler-style
//! line per finding, so editors can jump to it), and the totals; the tables of `list` are in
//! `text/list.rs`.

pub mod free;
mod grouped;
mod list;
mod style;

use std::fmt::Write;

use super::{Base, CheckReport, SyncReport};
use crate::finding::Severity;
use crate::plan::diff::Diff;
use crate::plan::{Status, plural};
use crate::rules::config_file::ConfigSource;

use grouped::{Shown, Unhydrated};
pub use list::{aligned, list, shown_cell};
pub use style::{Colour, Style};

/// `sync --quiet`: per fabric only what fails the run (rejected raw files that count, with
/// their errors, and errors in managed/), then the closing line.
fn quiet_sync(report: &SyncReport, style: Style) -> Vec<Section> {
    let mut sections = Vec::new();
    for fabric in &report.fabrics {
        let mut out = String::new();
        for rejected in fabric.rejected.iter().filter(|r| !r.untouched) {
            for finding in rejected.findings.iter().filter(|f| f.is_error()) {
                let path = format!("{}/{}", fabric.dir, rejected.path);
                let _ = writeln!(out, "{}", style.finding(finding, &path));
            }
        }
        for managed in fabric
            .managed_findings
            .iter()
            .filter(|m| m.finding.is_error())
        {
            let path = format!("{}/{}", fabric.dir, managed.path);
            let _ = writeln!(out, "{}", style.finding(&managed.finding, &path));
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
        body: format!(
            "{}{}\n",
            unknown_base_line(report.base.as_ref()),
            closing_line(report)
        ),
    });
    sections
}

/// For `--quiet`: the line saying the base of a change was not found, when it was not. Every
/// finding then counts, which a quiet run must not leave unsaid: it explains an exit 1 that
/// the same change with its base found would not have.
fn unknown_base_line(base: Option<&Base>) -> String {
    match base {
        Some(base) if base.unknown.is_some() => format!("{}\n", base.describe()),
        _ => String::new(),
    }
}

/// `check`: one line per finding (the unhydrated switches of a fabric in one), then a
/// totals line. `quiet`: errors and totals only.
pub fn check(report: &CheckReport, quiet: bool, style: Style) -> String {
    let mut out = String::new();
    let unhydrated = Unhydrated::of(
        report
            .files
            .iter()
            .flat_map(|file| file.findings.iter().map(|f| (file.fabric.as_str(), f))),
    );
    for file in &report.files {
        for finding in file.findings.iter().filter(|f| !quiet || f.is_error()) {
            let shown = match unhydrated.shown(&file.fabric, finding) {
                Shown::Alone => style.finding(finding, &file.path),
                Shown::Group(grouped) => style.finding(&grouped, &file.path),
                Shown::InGroup => continue,
            };
            let _ = writeln!(out, "{shown}");
        }
    }
    if quiet {
        out.push_str(&unknown_base_line(report.base.as_ref()));
        let _ = writeln!(out, "checked {}", check_totals(report));
        return out;
    }
    let warning = style.label(Severity::Warning);
    for missing in &report.missing {
        let _ = writeln!(out, "{warning}: {}", missing.message());
    }
    for file in &report.files {
        if let Some(why) = &file.ignored {
            let _ = writeln!(out, "ignored {} ({why})", file.path);
        }
    }
    if let Some(base) = &report.base {
        let _ = writeln!(out, "{}", base.describe());
    }
    for config in &report.fabric_configs {
        let _ = writeln!(out, "{}", fabric_config(config));
        let _ = writeln!(out, "{}", release(config));
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

/// Which fabric config the rules read, as the summary says it: the file, or fabricator's
/// defaults (then findings resting on them are warnings).
fn fabric_config(source: &ConfigSource) -> String {
    format!("fabric config: {}", source.describe(str::to_owned))
}

/// Which Hedgehog release's rules the files were checked by, and how it was chosen.
fn release(source: &ConfigSource) -> String {
    format!("Hedgehog release: {}", source.release)
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
pub fn sync_sections(report: &SyncReport, quiet: bool, style: Style) -> Vec<Section> {
    if quiet {
        return quiet_sync(report, style);
    }
    let warning = style.label(Severity::Warning);
    let mut sections = Vec::new();
    let verb = report.move_verb();
    for fabric in &report.fabrics {
        let mut out = String::new();
        let unhydrated = Unhydrated::of(
            fabric
                .moved
                .iter()
                .flat_map(|moved| moved.warnings())
                .map(|f| (fabric.dir.as_str(), f)),
        );
        let _ = writeln!(out, "{}", fabric.dir);
        let _ = writeln!(out, "  {}", fabric_config(&fabric.fabric_config));
        let _ = writeln!(out, "  {}", release(&fabric.fabric_config));
        for rejected in &fabric.rejected {
            let why = if rejected.untouched {
                "left in raw/; already on the base branch"
            } else {
                "left in raw/"
            };
            let _ = writeln!(out, "  rejected {} ({why})", rejected.path);
            for finding in &rejected.findings {
                let path = format!("{}/{}", fabric.dir, rejected.path);
                let _ = writeln!(out, "      {}", style.finding(finding, &path));
            }
        }
        for missing in &fabric.missing {
            let _ = writeln!(out, "  {warning}: {}", missing.message());
        }
        for managed in &fabric.managed_findings {
            let path = format!("{}/{}", fabric.dir, managed.path);
            let _ = writeln!(out, "  {}", style.finding(&managed.finding, &path));
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
            for removed in moved.removed_files() {
                let _ = writeln!(out, "      removed   {removed}");
            }
            for leaving in &moved.displaces.leaving {
                let _ = writeln!(
                    out,
                    "      deleted   {} `{}` (it was in {}:{}, which this move replaces or removes)",
                    leaving.kind, leaving.name, leaving.path, leaving.line
                );
            }
            let path = format!("{}/{}", fabric.dir, moved.raw);
            for finding in moved.warnings() {
                let shown = match unhydrated.shown(&fabric.dir, finding) {
                    Shown::Alone => style.finding(finding, &path),
                    Shown::Group(grouped) => style.finding(&grouped, &path),
                    Shown::InGroup => continue,
                };
                let _ = writeln!(out, "      {shown}");
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
        let _ = writeln!(
            closing,
            "{warning}: {}",
            SyncReport::unmatched_warning(glob)
        );
    }
    for skipped in &report.skipped {
        let _ = writeln!(closing, "skipped {}: {}", skipped.dir, skipped.reason);
    }
    if let Some(line) = split_line(report) {
        let _ = writeln!(closing, "{line}");
    }
    if let Some(failure) = report.commit_failure() {
        let error = style.label(Severity::Error);
        let _ = writeln!(closing, "{error}: {failure}");
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
    let reason = commit.split_reason()?;
    Some(format!(
        "the move was split into {} commits, each holding whole raw files, because {reason}: {}",
        commit.shas().len(),
        commit.shas().join(", ")
    ))
}

/// The one-line outcome, shared by the text and Markdown reports.
pub fn closing_line(report: &SyncReport) -> String {
    let t = &report.totals;
    let verb = report.move_verb();
    let counts = format!(
        "{} raw {} {} ({} {}: {} created, {} updated, {} unchanged), {} rejected ({}), {} ignored, {}",
        t.moved_files,
        plural(t.moved_files, "file", "files"),
        verb,
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
        _ if report.commit_error.is_some() => match &report.commit {
            Some(commit) => format!("FAILED after committing {}: {counts}", commit.sha()),
            None => format!("FAILED, the commit was not made: {counts}"),
        },
        (Some(commit), _) => {
            let pushed = match (&commit.pushed_to, &commit.push_error) {
                (Some(to), _) => format!(", pushed to {to}"),
                (None, Some(error)) => format!(", NOT pushed ({error})"),
                (None, None) => String::new(),
            };
            format!("committed {}{pushed}: {counts}", commit.sha())
        }
        (None, Some(_)) if report.dry_run => format!("dry run, nothing changed: {counts}"),
        (None, Some(reason)) => format!("check only, nothing committed ({reason}): {counts}"),
        (None, None) => format!("no commit (nothing to change): {counts}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Finding;
    use crate::report::CheckedFile;

    /// A rejected file whose error and warning both quote `: error: ` and `: warning: `, as
    /// a message quoting a user's YAML key can.
    fn report_quoting_labels() -> CheckReport {
        let error = Finding::at(3, 5, "unknown field `x: error: y: warning: z`");
        let warning = Finding {
            severity: Severity::Warning,
            ..Finding::at(4, 1, "the comment says `: warning: ` and `: error: `")
        };
        let file = CheckedFile {
            path: "f.yaml".to_owned(),
            fabric: String::new(),
            resources: 0,
            findings: vec![error, warning],
            ignored: None,
        };
        CheckReport::new(vec![file], Vec::new(), Vec::new())
    }

    #[test]
    fn only_each_findings_own_label_is_coloured() {
        assert_eq!(
            check(
                &report_quoting_labels(),
                false,
                Style {
                    colour: Colour::Ansi,
                    show_rule: false
                }
            ),
            "f.yaml:3:5: \x1b[1;31merror\x1b[0m: unknown field `x: error: y: warning: z`\n\
             f.yaml:4:1: \x1b[1;33mwarning\x1b[0m: the comment says `: warning: ` and `: error: `\n\
             checked 1 file: 0 valid (0 resources), 1 rejected (1 error), 1 warning\n"
        );
    }

    #[test]
    fn plain_text_has_no_escape_codes() {
        assert_eq!(
            check(&report_quoting_labels(), false, Style::PLAIN),
            "f.yaml:3:5: error: unknown field `x: error: y: warning: z`\n\
             f.yaml:4:1: warning: the comment says `: warning: ` and `: error: `\n\
             checked 1 file: 0 valid (0 resources), 1 rejected (1 error), 1 warning\n"
        );
    }
}
