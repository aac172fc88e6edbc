//! The Markdown job summary: the totals, then per fabric the rejected files with every
//! finding, the warnings, the moved raw files and the managed files they became, and the
//! ignored files. Long lists fold into `<details>`; the whole never exceeds
//! [`MAX_SUMMARY_BYTES`] (GitHub refuses larger step summaries): moved-file rows are what
//! gets cut, with a visible note.

use std::fmt::Write;

use std::path::Path;

use super::text::{check_totals, closing_line, split_line};
use super::{CheckReport, SyncReport};
use crate::finding::Finding;
use crate::limits::MAX_SUMMARY_BYTES;
use crate::plan::diff::Diff;
use crate::plan::{FabricPlan, GITKEEP, MissingObjects, MovedFile, Status, plural};
use crate::rules::config_file::ConfigSource;

/// Rows shown before a table folds into `<details>`.
const FOLD_AFTER_ROWS: usize = 20;

/// Bytes kept free per fabric, when moved rows are cut, for the `<details>` fold around the
/// cut table and the longer figures of its note.
const FOLD_ROOM: usize = 256;

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

/// Where the files of a run can be seen on GitHub: `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/
/// blob/$GITHUB_SHA`, so that each finding links to its file and line at the run's commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// The URL every repository path is appended to (no trailing `/`).
    pub blob: String,
}

impl Links {
    /// The URL of line `line` of the repository path `path`. Every byte of the path but
    /// letters, digits, `-._~` and `/` is percent-encoded, so no input can end the link or
    /// the attribute around it.
    pub fn url(&self, path: &str, line: u32) -> String {
        let mut encoded = String::with_capacity(path.len());
        for byte in path.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
                encoded.push(char::from(byte));
            } else {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
        format!("{}/{encoded}#L{line}", self.blob)
    }
}

/// One row of a findings table: `file:line:col` (a link to the line when `links` is known;
/// `dir` is the file's fabric folder), JSON pointer, message. In a table that mixes errors
/// and warnings (`mixed`), a warning says so.
fn finding_row(
    links: Option<(&Links, &str)>,
    path: &str,
    finding: &Finding,
    mixed: bool,
) -> String {
    let pointer = if finding.pointer.is_empty() {
        String::new()
    } else {
        code(&finding.pointer)
    };
    let level = if mixed && !finding.is_error() {
        "warning: "
    } else {
        ""
    };
    let place = code(&format!("{path}:{}:{}", finding.line, finding.col));
    let place = match links {
        Some((links, dir)) => format!(
            "<a href=\"{}\">{place}</a>",
            links.url(&format!("{dir}/{path}"), finding.line)
        ),
        None => place,
    };
    format!(
        "| {place} | {pointer} | {level}{} |",
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

/// Lines of an update's diff shown in its row before they fold into `<details>`.
const FOLD_DIFF_AFTER_LINES: usize = 3;

/// An update's diff, to follow `updated` in its status cell: each line inert code on its
/// own line, folded under a count when there are more than [`FOLD_DIFF_AFTER_LINES`]. A row
/// carries its own diff, so the size cut of moved rows keeps or drops them together.
fn diff_cell(diff: &Diff) -> String {
    let lines: Vec<String> = diff.lines().iter().map(|line| code(line)).collect();
    if lines.len() <= FOLD_DIFF_AFTER_LINES {
        return format!("<br>{}", lines.join("<br>"));
    }
    let count = match diff {
        Diff::Fields(changes) => changes.len(),
        Diff::Unreadable(_) => lines.len(),
    };
    format!(
        "<details><summary>{count} changes</summary>{}</details>",
        lines.join("<br>")
    )
}

/// The parts of one fabric's summary, rendered, so that only the moved-file rows can be
/// cut to fit the size limit.
struct FabricBlocks {
    /// Heading, rejected files, warnings: always written whole.
    head: String,
    /// The line introducing the moved-file table (empty when nothing moves).
    moved_intro: String,
    /// One table row per managed file.
    moved_rows: Vec<String>,
    /// Ignored files and the "nothing to move" line.
    tail: String,
}

fn fabric_blocks(report: &SyncReport, fabric: &FabricPlan, links: Option<&Links>) -> FabricBlocks {
    let links = links.map(|links| (links, fabric.dir.as_str()));
    let t = fabric.totals();
    let mut head = String::new();
    let _ = writeln!(head, "### {}\n", cell(&fabric.dir));
    let _ = writeln!(head, "{}\n", fabric_config(&fabric.fabric_config));
    if !fabric.rejected.is_empty() {
        let rows: Vec<String> = fabric
            .rejected
            .iter()
            .flat_map(|r| {
                r.findings
                    .iter()
                    .map(move |f| finding_row(links, &r.path, f, true))
            })
            .collect();
        let _ = writeln!(
            head,
            "**Rejected** (left in raw/): {} {}\n",
            t.rejected_files,
            plural(t.rejected_files, "file", "files")
        );
        table(
            &mut head,
            &format!("{} findings", rows.len()),
            "| file | at | problem |\n|---|---|---|",
            &rows,
        );
        let _ = writeln!(
            head,
            "To do: fix each rejected file in `raw/` at the lines above and push again; {} without them.\n",
            if report.moved_nothing() {
                "the valid files would move"
            } else {
                "the valid files moved"
            }
        );
        let untouched: Vec<String> = fabric
            .rejected
            .iter()
            .filter(|r| r.untouched)
            .map(|r| code(&r.path))
            .collect();
        if !untouched.is_empty() {
            let _ = writeln!(
                head,
                "Already on the base branch (this change does not touch them, so they do not fail the check): {}\n",
                untouched.join(", ")
            );
        }
    }
    let warning_rows: Vec<String> = fabric
        .moved
        .iter()
        .flat_map(|m| {
            m.warnings()
                .map(move |f| finding_row(links, &m.raw, f, false))
        })
        .collect();
    if !warning_rows.is_empty() {
        let _ = writeln!(
            head,
            "**Warnings** ({} anyway): {} {}\n",
            report.move_verb(),
            warning_rows.len(),
            plural(warning_rows.len(), "warning", "warnings")
        );
        table(
            &mut head,
            &format!("{} warnings", warning_rows.len()),
            "| file | at | warning |\n|---|---|---|",
            &warning_rows,
        );
    }
    missing_table(&mut head, &fabric.missing);
    let managed_rows: Vec<String> = fabric
        .managed_findings
        .iter()
        .map(|m| finding_row(links, &m.path, &m.finding, false))
        .collect();
    if !managed_rows.is_empty() {
        let _ = writeln!(
            head,
            "**Already in managed/** (no raw file is rejected for these): {} {}\n",
            managed_rows.len(),
            plural(managed_rows.len(), "warning", "warnings")
        );
        table(
            &mut head,
            &format!("{} warnings", managed_rows.len()),
            "| file | at | warning |\n|---|---|---|",
            &managed_rows,
        );
    }
    let mut moved_intro = String::new();
    let moved_rows: Vec<String> = fabric
        .moved
        .iter()
        .flat_map(|m| m.resources.iter().map(move |r| (m, r)))
        .map(|(m, r)| {
            let status = match (r.status, report.moved_nothing()) {
                (Status::Created, false) => "created",
                (Status::Created, true) => "would create",
                (Status::Updated, false) => "updated",
                (Status::Updated, true) => "would update",
                (Status::Unchanged, _) => "unchanged",
            };
            let changes = r.diff.as_ref().map(diff_cell).unwrap_or_default();
            format!(
                "| {} | {} | {} | {status}{changes} |",
                code(&format!("{}:{}", m.raw, r.resource.line)),
                code(&r.path),
                cell(r.resource.kind.as_str()),
            )
        })
        .chain(
            fabric
                .moved
                .iter()
                .flat_map(|m| displaced_rows(m, report.moved_nothing())),
        )
        .collect();
    if !fabric.moved.is_empty() {
        let heading = if report.moved_nothing() {
            "Would move"
        } else {
            "Processed"
        };
        let _ = writeln!(
            moved_intro,
            "**{heading}**: {} raw {} -> {} managed {}\n",
            t.moved_files,
            plural(t.moved_files, "file", "files"),
            t.resources,
            plural(t.resources, "file", "files")
        );
    }
    let mut tail = String::new();
    // raw/.gitkeep is how raw/ stays in git, not a file anyone forgot.
    let ignored: Vec<_> = report
        .ignored_files(fabric)
        .into_iter()
        .filter(|(path, _)| *path != GITKEEP)
        .collect();
    if !ignored.is_empty() {
        let rows: Vec<String> = ignored
            .iter()
            .map(|(path, why)| format!("| {} | {} |", code(path), why.unwrap_or("not YAML")))
            .collect();
        table(
            &mut tail,
            &format!("{} ignored files", rows.len()),
            "| ignored | why |\n|---|---|",
            &rows,
        );
    }
    if fabric.moved.is_empty() && fabric.rejected.is_empty() {
        tail.push_str("Nothing to move.\n\n");
    }
    FabricBlocks {
        head,
        moved_intro,
        moved_rows,
        tail,
    }
}

/// Renders the fabrics, showing at most `shown[i]` moved-file rows of fabric `i`; a cut
/// table is followed by a visible note saying how many rows were left out and where the
/// full list is.
fn render_fabrics(blocks: &[FabricBlocks], shown: &[usize], full_report: &str) -> String {
    let mut out = String::new();
    for (fabric, &shown) in blocks.iter().zip(shown) {
        out.push_str(&fabric.head);
        if !fabric.moved_rows.is_empty() {
            out.push_str(&fabric.moved_intro);
            let rows = &fabric.moved_rows[..shown];
            table(
                &mut out,
                &format!("{} managed files", rows.len()),
                "| raw file | managed file | kind | status |\n|---|---|---|---|",
                rows,
            );
            let left_out = fabric.moved_rows.len() - shown;
            if left_out > 0 {
                let _ = writeln!(
                    out,
                    "**{left_out} of {} managed-file rows are left out** to keep this summary under GitHub's 1 MiB limit: {full_report}.\n",
                    fabric.moved_rows.len()
                );
            }
        }
        out.push_str(&fabric.tail);
    }
    out
}

/// Warnings about the run's outputs (a SARIF file cut to code scanning's limits), one
/// line each.
fn output_notes(out: &mut String, notes: &[String]) {
    for note in notes {
        let _ = writeln!(out, "- **warning**: {}\n", cell(note));
    }
}

/// The summary of a sync. `full_report` is where the JSON report was written, named in the
/// note of a summary cut to fit [`MAX_SUMMARY_BYTES`]; `notes` are warnings about the
/// run's outputs.
///
/// What matters comes first in each fabric: rejected files with every finding, then
/// warnings, then the moved files. When the whole is too large, only moved-file rows are
/// left out (the room is shared among fabrics, smallest first); every block opened is
/// closed.
pub fn sync(
    report: &SyncReport,
    full_report: Option<&Path>,
    links: Option<&Links>,
    notes: &[String],
) -> String {
    let mut out = String::new();
    let title = if report.commit_error.is_some() {
        "hh-gitops sync (failed)"
    } else if report.dry_run {
        "hh-gitops sync (dry run)"
    } else if report.commits_nothing() {
        "hh-gitops sync (check only)"
    } else {
        "hh-gitops sync"
    };
    let _ = writeln!(out, "## {title}\n\n{}\n", cell(&closing_line(report)));
    if let Some(failure) = report.commit_failure() {
        let _ = writeln!(out, "**Error**: {}\n", cell(&failure));
    }
    if let Some(base) = &report.base {
        let _ = writeln!(out, "{}\n", cell(&base.describe()));
    }
    if let Some(line) = split_line(report) {
        let _ = writeln!(out, "**{}**\n", cell(&line));
    }
    for glob in &report.unmatched_fabrics {
        let _ = writeln!(
            out,
            "- **warning**: {}\n",
            cell(&SyncReport::unmatched_warning(glob))
        );
    }
    output_notes(&mut out, notes);
    let blocks: Vec<FabricBlocks> = report
        .fabrics
        .iter()
        .map(|fabric| fabric_blocks(report, fabric, links))
        .collect();
    let mut closing = String::new();
    for skipped in &report.skipped {
        let _ = writeln!(
            closing,
            "- skipped {}: {}",
            code(&skipped.dir),
            cell(&skipped.reason)
        );
    }
    let full_report = match full_report {
        Some(path) => format!(
            "every row is in the JSON report {}",
            code(&path.display().to_string())
        ),
        None => "run <code>hh-gitops sync --format json</code> for every row".to_owned(),
    };
    let all: Vec<usize> = blocks.iter().map(|b| b.moved_rows.len()).collect();
    let whole = render_fabrics(&blocks, &all, &full_report);
    if out.len() + whole.len() + closing.len() <= MAX_SUMMARY_BYTES {
        return out + &whole + &closing;
    }
    // Too large: measure everything but the moved rows (each note counted as shown, with
    // room for the fold around a cut table), then share the room left among the fabrics,
    // smallest first, so that a small fabric keeps every row beside a huge one.
    let none: Vec<usize> = vec![0; blocks.len()];
    let fixed = out.len()
        + render_fabrics(&blocks, &none, &full_report).len()
        + closing.len()
        + FOLD_ROOM * blocks.len();
    let mut budget = MAX_SUMMARY_BYTES.saturating_sub(fixed);
    let row_bytes = |rows: &[String]| rows.iter().map(|r| r.len() + 1).sum::<usize>();
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&i| row_bytes(&blocks[i].moved_rows));
    let mut shown = vec![0; blocks.len()];
    for (done, &i) in order.iter().enumerate() {
        let mut share = budget / (blocks.len() - done);
        for row in &blocks[i].moved_rows {
            if row.len() + 1 > share {
                break;
            }
            share -= row.len() + 1;
            budget -= row.len() + 1;
            shown[i] += 1;
        }
    }
    // Findings alone over the limit are the last resort of `cap`.
    cap(out + &render_fabrics(&blocks, &shown, &full_report) + &closing)
}

/// Which fabric config the rules read (the file, inert, as it comes from input, or the
/// defaults), then which Hedgehog release's rules and how it was chosen: two paragraphs.
fn fabric_config(source: &ConfigSource) -> String {
    format!(
        "Fabric config: {}\n\nHedgehog release: {}",
        source.describe(code),
        source.release.describe(code)
    )
}

/// The summary of a check: the totals, the findings of rejected files, then the warnings
/// of valid files; `notes` are warnings about the run's outputs.
pub fn check(report: &CheckReport, notes: &[String]) -> String {
    // Counts only: nothing in the totals line comes from input.
    let mut out = format!("## hh-gitops check\n\nchecked {}\n\n", check_totals(report));
    output_notes(&mut out, notes);
    if let Some(base) = &report.base {
        let _ = writeln!(out, "{}\n", cell(&base.describe()));
    }
    for config in &report.fabric_configs {
        let _ = writeln!(out, "{}\n", fabric_config(config));
    }
    let rows = |rejected: bool| -> Vec<String> {
        report
            .files
            .iter()
            .filter(|file| file.is_rejected() == rejected)
            .flat_map(|file| {
                file.findings
                    .iter()
                    .map(move |f| finding_row(None, &file.path, f, rejected))
            })
            .collect()
    };
    let rejected = rows(true);
    if !rejected.is_empty() {
        table(
            &mut out,
            &format!("{} findings", rejected.len()),
            "| file | at | problem |\n|---|---|---|",
            &rejected,
        );
    }
    let warnings = rows(false);
    if !warnings.is_empty() {
        let _ = writeln!(
            out,
            "**Warnings** (in valid files): {} {}\n",
            warnings.len(),
            plural(warnings.len(), "warning", "warnings")
        );
        table(
            &mut out,
            &format!("{} warnings", warnings.len()),
            "| file | at | warning |\n|---|---|---|",
            &warnings,
        );
    }
    missing_table(&mut out, &report.missing);
    cap(out)
}

/// The objects referred to but nowhere in the repository, one row each (the text report
/// has one line per kind).
fn missing_table(out: &mut String, missing: &[MissingObjects]) {
    if missing.is_empty() {
        return;
    }
    let rows: Vec<String> = missing
        .iter()
        .flat_map(|kind| &kind.objects)
        .map(|m| {
            format!(
                "| {} | {} |",
                code(&format!("{}:{}", m.first().path, m.first().line)),
                cell(&m.message())
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "**Not in the repository** (the checks that need these objects were skipped; export them into the fabric's `cluster/` folder, or use `--references strict`): {} {}\n",
        rows.len(),
        plural(rows.len(), "object", "objects")
    );
    table(
        out,
        &format!("{} objects", rows.len()),
        "| first reference | warning |\n|---|---|",
        &rows,
    );
}

/// The last resort when even the findings exceed [`MAX_SUMMARY_BYTES`]: cuts at a line
/// boundary, closes a `<details>` block left open, and ends with a visible note.
fn cap(mut out: String) -> String {
    if out.len() <= MAX_SUMMARY_BYTES {
        return out;
    }
    let note = "\n**This summary was cut at 1 MiB.** Run `hh-gitops sync --format json` (or `check`) for the full report.\n";
    let close = "\n</details>\n";
    let mut end = MAX_SUMMARY_BYTES - note.len() - close.len();
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    end = out[..end].rfind('\n').unwrap_or(0);
    out.truncate(end);
    if out.matches("<details>").count() > out.matches("</details>").count() {
        out.push_str(close);
    }
    out.push_str(note);
    out
}

/// The rows of what a move takes out of managed/ besides what it writes: the misplaced
/// copies it removes and the objects that leave with the files it replaces or removes.
fn displaced_rows(moved: &MovedFile, dry_run: bool) -> Vec<String> {
    let (removed, deleted) = if dry_run {
        ("would remove", "would delete")
    } else {
        ("removed", "deleted")
    };
    let copies = moved.displaces.misplaced.iter().map(|copy| {
        format!(
            "| {} | {} | | {removed} (the object moves to its own file) |",
            code(&format!("{}:{}", moved.raw, copy.line)),
            code(&copy.path),
        )
    });
    let leaving = moved.displaces.leaving.iter().map(|leaving| {
        format!(
            "| {} | {} | {} | {deleted} {} (its file is replaced or removed) |",
            code(&format!("{}:{}", moved.raw, leaving.because_of_line)),
            code(&format!("{}:{}", leaving.path, leaving.line)),
            cell(leaving.kind.as_str()),
            code(&leaving.name),
        )
    });
    copies.chain(leaving).collect()
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
        let folded = format!(
            "<details><summary>x</summary>\n\n{long}",
            long = "| row |\n".repeat(MAX_SUMMARY_BYTES / 4)
        );
        let capped = cap(folded);
        assert!(capped.len() <= MAX_SUMMARY_BYTES);
        assert!(
            capped.contains("\n</details>\n\n**This summary was cut"),
            "the open block is closed before the note"
        );
    }
}
