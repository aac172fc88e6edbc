//! The one emit path of `check` and `sync`: step outputs, the report on stdout, the JSON
//! report file, annotations, the job summary and the exit code, in that order. Every line
//! goes through a [`Terminal`], which inside GitHub Actions passes it through the Actions
//! printer so nothing derived from input can start a workflow command.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::config::EmitConfig;
use crate::finding::Finding;
use crate::gha;
use crate::report::text::Section;
use crate::report::{CheckReport, SyncReport, actions, json, markdown, text};

use super::args::Format;

/// Exit code when everything was valid.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code when something was rejected.
pub const EXIT_REJECTED: u8 = 1;
/// Exit code for usage and I/O errors (clap uses it for usage errors too).
pub const EXIT_ERROR: u8 = 2;

/// stdout and stderr of the process. Inside GitHub Actions every line is neutralised, and
/// hh-gitops' own workflow commands go to stdout, or to stderr when stdout holds JSON (so
/// that stdout is nothing but the JSON document; the runner reads both).
pub struct Terminal {
    actions: bool,
    json: bool,
}

impl Terminal {
    /// A terminal inside GitHub Actions or not, with stdout holding JSON or not.
    pub fn new(actions: bool, json: bool) -> Self {
        Terminal { actions, json }
    }

    fn safe(&self, text: &str) -> String {
        if self.actions {
            actions::neutralise(text)
        } else {
            text.to_owned()
        }
    }

    /// Prints report text on stdout.
    pub fn out(&self, text: &str) -> Result<()> {
        write_stdout(&self.safe(text))
    }

    /// Prints a message on stderr. A closed stderr is no reason to fail a run.
    fn err(&self, text: &str) {
        let _ = std::io::stderr()
            .lock()
            .write_all(self.safe(text).as_bytes());
    }

    /// Prints a report made of sections on stdout: inside Actions each titled section is a
    /// collapsible log group.
    fn sections(&self, sections: Vec<Section>) -> Result<()> {
        let text: String = sections
            .into_iter()
            .map(|section| match section.title {
                Some(title) if self.actions => actions::group(&title, &section.body),
                _ => self.safe(&section.body),
            })
            .collect();
        write_stdout(&text)
    }

    /// Prints workflow commands made by [`actions`] (inside Actions only).
    fn commands(&self, commands: &str) -> Result<()> {
        if !self.actions {
            return Ok(());
        }
        if self.json {
            let _ = std::io::stderr().lock().write_all(commands.as_bytes());
            Ok(())
        } else {
            write_stdout(commands)
        }
    }

    /// Reports a failure of the whole run: the error line on stderr and, inside Actions, an
    /// `::error` annotation.
    pub fn fail(&self, message: &str) {
        self.err(&format!("hh-gitops: error: {message}\n"));
        let _ = self.commands(&actions::error(message));
    }
}

fn write_stdout(text: &str) -> Result<()> {
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to stdout")
}

/// The report of a finished run, whichever command made it.
pub enum Report<'a> {
    /// `check`.
    Check(&'a CheckReport),
    /// `sync`.
    Sync(&'a SyncReport),
}

impl Report<'_> {
    fn json(&self) -> String {
        match self {
            Report::Check(report) => json::render(report),
            Report::Sync(report) => json::render(report),
        }
    }

    /// The text report, in sections (one per fabric for a sync).
    fn text(&self) -> Vec<Section> {
        match self {
            Report::Check(report) => vec![Section {
                title: None,
                body: text::check(report),
            }],
            Report::Sync(report) => text::sync_sections(report),
        }
    }

    /// The job summary; `full_report` is the JSON report file a cut summary points at.
    fn markdown(&self, full_report: Option<&Path>) -> String {
        match self {
            Report::Check(report) => markdown::check(report),
            Report::Sync(report) => markdown::sync(report, full_report),
        }
    }

    /// Every finding with its path, errors first (the annotation cap must not hide an
    /// error behind warnings), then in report order.
    fn findings(&self) -> Vec<(String, &Finding)> {
        let mut findings: Vec<(String, &Finding)> = match self {
            Report::Check(report) => report
                .files
                .iter()
                .flat_map(|file| file.findings.iter().map(move |f| (file.path.clone(), f)))
                .collect(),
            Report::Sync(report) => report
                .fabrics
                .iter()
                .flat_map(|fabric| {
                    let rejected = fabric.rejected.iter().flat_map(move |rejected| {
                        rejected
                            .findings
                            .iter()
                            .map(move |f| (format!("{}/{}", fabric.dir, rejected.path), f))
                    });
                    let moved = fabric.moved.iter().flat_map(move |moved| {
                        moved
                            .warnings()
                            .map(move |f| (format!("{}/{}", fabric.dir, moved.raw), f))
                    });
                    let managed = fabric
                        .managed_findings
                        .iter()
                        .map(move |m| (format!("{}/{}", fabric.dir, m.path), &m.finding));
                    rejected.chain(moved).chain(managed)
                })
                .collect(),
        };
        findings.sort_by_key(|(_, f)| f.severity);
        findings
    }

    /// How many problems fail the run (rejected files, errors in managed/).
    fn blocking(&self) -> usize {
        match self {
            Report::Check(report) => report.totals.rejected_files,
            Report::Sync(report) => report.blocking(),
        }
    }
}

/// The step outputs of a sync. On a check-only run `processed-files` counts the raw files
/// that would move. `commit-sha` is the last commit; `commits` lists every one, oldest
/// first, separated by spaces (more than one when the move was split).
fn step_outputs(report: &SyncReport, emit: &EmitConfig) -> Vec<(&'static str, String)> {
    let t = report.totals;
    vec![
        ("processed-files", t.moved_files.to_string()),
        ("rejected-files", t.rejected_files.to_string()),
        ("resources", t.resources.to_string()),
        (
            "commit-sha",
            report
                .commit
                .as_ref()
                .map(|c| c.sha.clone())
                .unwrap_or_default(),
        ),
        (
            "commits",
            report
                .commit
                .as_ref()
                .map(|c| c.commits.join(" "))
                .unwrap_or_default(),
        ),
        (
            "report",
            emit.report_json
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        ),
    ]
}

/// Appends a Markdown report to the summary file.
fn append_summary(path: &Path, markdown: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open summary file {}", path.display()))?;
    file.write_all(markdown.as_bytes())
        .with_context(|| format!("cannot write summary file {}", path.display()))
}

/// Writes every output of `report` and returns the exit code. A failing step does not stop
/// the ones after it (the commit is made: its outputs must reach the workflow); once all
/// have run, every failure is reported, the last one as the run's error.
pub fn emit(emit: &EmitConfig, report: &Report, terminal: &Terminal) -> Result<u8> {
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut keep = |result: Result<()>| {
        if let Err(error) = result {
            errors.push(error);
        }
    };
    if let (Report::Sync(sync), Some(path)) = (report, &emit.step_outputs) {
        keep(gha::write_outputs(path, &step_outputs(sync, emit)));
    }
    let json_text = report.json();
    keep(match emit.format {
        Format::Json => terminal.out(&json_text),
        Format::Text => terminal.sections(report.text()),
    });
    if let Some(path) = &emit.report_json {
        keep(
            std::fs::write(path, &json_text)
                .with_context(|| format!("cannot write report {}", path.display())),
        );
    }
    keep(terminal.commands(&actions::annotations(&report.findings())));
    if let Report::Sync(sync) = report {
        for glob in &sync.unmatched_fabrics {
            keep(terminal.commands(&actions::warning(&SyncReport::unmatched_warning(glob))));
        }
    }
    if let Some(path) = &emit.summary {
        keep(append_summary(
            path,
            &report.markdown(emit.report_json.as_deref()),
        ));
    }
    if let Some(last) = errors.pop() {
        for error in &errors {
            terminal.fail(&format!("{error:#}"));
        }
        return Err(last);
    }
    if let Report::Sync(sync) = report
        && let Some(error) = sync.commit.as_ref().and_then(|c| c.push_error.as_ref())
    {
        terminal.fail(error);
        return Ok(EXIT_ERROR);
    }
    Ok(if report.blocking() > 0 && emit.fail_on_rejected {
        EXIT_REJECTED
    } else {
        EXIT_CLEAN
    })
}
