//! The Markdown job summary: per fabric, a table of processed raw files and the managed
//! files they became, a table of rejected files with every finding, the ignored files and
//! the totals. Long lists fold into `<details>`; the whole never exceeds
//! [`MAX_SUMMARY_BYTES`] (GitHub refuses larger step summaries).

use std::fmt::Write;

use super::text::{check_totals, closing_line};
use super::{CheckReport, SyncReport};
use crate::finding::Finding;
use crate::limits::MAX_SUMMARY_BYTES;
use crate::plan::{Status, plural};
use crate::rules::config_file::{ConfigForm, ConfigSource};

/// Rows shown before a table folds into `<details>`.
const FOLD_AFTER_ROWS: usize = 20;

/// Makes text derived from input inert wherever the summary shows it (table cells, headings,
/// list items): `<`, `>` and `&` become entities (no raw HTML), line breaks become spaces, and
/// every character to which Markdown or GitHub's extensions give a meaning inside a line is
/// backslash-escaped: the backslash itself and `|` (so a cell cannot be split), `` ` ``,
/// `*`, `_`, `~` (code and emphasis), `[`, `]`, `(`, `)`, `!` (links, images), `:`, `.`,
/// `@` (bare URL, `www.` and e-mail autolinks) and `$` (math). What is shown is the text
/// itself, character for character.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            '\\' | '|' | '`' | '*' | '_' | '~' | '[' | ']' | '(' | ')' | '!' | ':' | '.' | '@'
            | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Inline code in a table cell: `<code>` rather than backticks, because GitHub splits a
/// table row at a `|` even inside a code span; the text inside is made inert by [`cell`].
fn code(text: &str) -> String {
    format!("<code>{}</code>", cell(text))
}

/// One row of a findings table: `file:line:col`, JSON pointer, message.
fn finding_row(path: &str, finding: &Finding) -> String {
    let pointer = if finding.pointer.is_empty() {
        String::new()
    } else {
        code(&finding.pointer)
    };
    format!(
        "| {} | {pointer} | {} |",
        code(&format!("{path}:{}:{}", finding.line, finding.col)),
        cell(&finding.message)
    )
}

fn table(out: &mut String, summary: &str, header: &str, rows: &[String]) {
    let fold = rows.len() > FOLD_AFTER_ROWS;
    if fold {
        let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
    }
    let _ = writeln!(out, "{header}");
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
    if fold {
        let _ = writeln!(out, "\n</details>");
    }
    out.push('\n');
}

/// The summary of a sync.
pub fn sync(report: &SyncReport) -> String {
    let mut out = String::new();
    let title = if report.dry_run {
        "hh-gitops sync (dry run)"
    } else {
        "hh-gitops sync"
    };
    let _ = writeln!(out, "## {title}\n\n{}\n", cell(&closing_line(report)));
    for fabric in &report.fabrics {
        let t = fabric.totals();
        let _ = writeln!(out, "### {}\n", cell(&fabric.dir));
        let _ = writeln!(out, "{}\n", fabric_config(&fabric.fabric_config));
        if !fabric.moved.is_empty() {
            let rows: Vec<String> = fabric
                .moved
                .iter()
                .flat_map(|m| m.resources.iter().map(move |r| (m, r)))
                .map(|(m, r)| {
                    let status = match r.status {
                        Status::Created => "created",
                        Status::Updated => "updated",
                        Status::Unchanged => "unchanged",
                    };
                    format!(
                        "| {} | {} | {} | {} |",
                        code(&format!("{}:{}", m.raw, r.resource.line)),
                        code(&r.path),
                        cell(&r.resource.kind),
                        status
                    )
                })
                .collect();
            let heading = if report.commits_nothing() {
                "Would move"
            } else {
                "Processed"
            };
            let _ = writeln!(
                out,
                "**{heading}**: {} raw {} -> {} managed {}\n",
                t.moved_files,
                plural(t.moved_files, "file", "files"),
                t.resources,
                plural(t.resources, "file", "files")
            );
            table(
                &mut out,
                &format!("{} managed files", rows.len()),
                "| raw file | managed file | kind | status |\n|---|---|---|---|",
                &rows,
            );
        }
        if !fabric.rejected.is_empty() {
            let rows: Vec<String> = fabric
                .rejected
                .iter()
                .flat_map(|r| r.findings.iter().map(move |f| finding_row(&r.path, f)))
                .collect();
            let _ = writeln!(
                out,
                "**Rejected** (left in raw/): {} {}\n",
                t.rejected_files,
                plural(t.rejected_files, "file", "files")
            );
            table(
                &mut out,
                &format!("{} findings", rows.len()),
                "| file | at | problem |\n|---|---|---|",
                &rows,
            );
        }
        let ignored = report.ignored_files(fabric);
        if !ignored.is_empty() {
            let rows: Vec<String> = ignored
                .iter()
                .map(|(path, why)| format!("| {} | {} |", code(path), why.unwrap_or("not YAML")))
                .collect();
            table(
                &mut out,
                &format!("{} ignored files", rows.len()),
                "| ignored | why |\n|---|---|",
                &rows,
            );
        }
        if fabric.moved.is_empty() && fabric.rejected.is_empty() {
            out.push_str("Nothing to move.\n\n");
        }
    }
    for skipped in &report.skipped {
        let _ = writeln!(
            out,
            "- skipped {}: {}",
            code(&skipped.dir),
            cell(&skipped.reason)
        );
    }
    cap(out)
}

/// Which fabric config the rules read: the file (inert, as it comes from input) or the
/// defaults.
fn fabric_config(source: &ConfigSource) -> String {
    match (&source.file, source.form) {
        (Some(file), Some(ConfigForm::FabYaml)) => format!("Fabric config: {} (fab.yaml)", code(file)),
        (Some(file), _) => format!("Fabric config: {} (fabric-ctrl config.yaml)", code(file)),
        (None, _) => {
            "Fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)".to_owned()
        }
    }
}

/// The summary of a check.
pub fn check(report: &CheckReport) -> String {
    // Counts only: nothing in the totals line comes from input.
    let mut out = format!("## hh-gitops check\n\nchecked {}\n\n", check_totals(report));
    for config in &report.fabric_configs {
        let _ = writeln!(out, "{}\n", fabric_config(config));
    }
    let rows: Vec<String> = report
        .files
        .iter()
        .flat_map(|file| {
            file.findings
                .iter()
                .map(move |f| finding_row(&file.path, f))
        })
        .collect();
    if !rows.is_empty() {
        table(
            &mut out,
            &format!("{} findings", rows.len()),
            "| file | at | problem |\n|---|---|---|",
            &rows,
        );
    }
    cap(out)
}

/// Cuts a summary at a line boundary so that it fits in [`MAX_SUMMARY_BYTES`], with a note.
fn cap(mut out: String) -> String {
    if out.len() <= MAX_SUMMARY_BYTES {
        return out;
    }
    let note = "\n\n**This summary was cut at 1 MiB.** Run `hh-gitops sync --format json` (or `check`) for the full report.\n";
    let mut end = MAX_SUMMARY_BYTES - note.len();
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    end = out[..end].rfind('\n').unwrap_or(0);
    out.truncate(end);
    out.push_str(note);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_inject_html_or_markdown() {
        assert_eq!(cell("a|b\nc<script>"), "a\\|b c&lt;script&gt;");
        assert_eq!(cell("x\\|y"), "x\\\\\\|y");
        assert_eq!(
            cell("[l](http://evil.example) **b** `c` $x$ a@b.c"),
            "\\[l\\]\\(http\\://evil\\.example\\) \\*\\*b\\*\\* \\`c\\` \\$x\\$ a\\@b\\.c"
        );
    }

    #[test]
    fn long_summaries_are_cut_with_a_note() {
        let long = "line\n".repeat(MAX_SUMMARY_BYTES);
        let capped = cap(long);
        assert!(capped.len() <= MAX_SUMMARY_BYTES);
        assert!(capped.ends_with("for the full report.\n"));
    }
}
