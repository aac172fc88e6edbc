//! The one emit path of `check` and `sync`: step outputs, the report on stdout, the JSON
//! report file, the SARIF file, annotations, the job summary and the exit code, in that
//! order. Every line
//! goes through a [`Terminal`], which inside GitHub Actions passes it through the Actions
//! printer so nothing derived from input can start a workflow command.

use std::cell::RefCell;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::finding::Finding;
use crate::flags::config::EmitConfig;
use crate::gha;
use crate::report::markdown::Links;
use crate::report::text::{Colour, Section, Style};
use crate::report::wire::json;
use crate::report::wire::sarif::ReleaseEntry;
use crate::report::{CheckReport, SyncReport, actions, markdown, sarif, text};

use crate::console::{self, Stream};
use crate::flags::args::Format;

/// Exit code when everything was valid.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code when something was rejected.
pub const EXIT_REJECTED: u8 = 1;
/// Exit code for usage and I/O errors (clap uses it for usage errors too).
pub const EXIT_ERROR: u8 = 2;

/// stdout and stderr of the process. Inside GitHub Actions every line is neutralised, and
/// hh-gitops' own workflow commands go to stdout, or to stderr when stdout holds JSON (so
/// that stdout is nothing but the JSON document; the runner reads both).
///
/// Every write goes through [`console`], which waits out a full non-blocking pipe. Once
/// stdout is closed or failing, nothing more is written to it: a closed pipe (`| head`) is
/// taken quietly, as ripgrep does, and workflow commands go to stderr instead.
pub struct Terminal {
    actions: bool,
    json: bool,
    stdout: RefCell<Stdout>,
}

/// What became of stdout.
enum Stdout {
    /// Written to so far.
    Open,
    /// The reader went away (`EPIPE`).
    Closed,
    /// A write failed for this reason (a full disk, an I/O error).
    Failed(String),
}

impl Terminal {
    /// A terminal inside GitHub Actions or not, with stdout holding JSON or not.
    pub fn new(actions: bool, json: bool) -> Self {
        Terminal {
            actions,
            json,
            stdout: RefCell::new(Stdout::Open),
        }
    }

    fn safe(&self, text: &str) -> String {
        if self.actions {
            actions::neutralise(text)
        } else {
            text.to_owned()
        }
    }

    /// Prints report text on stdout. A closed pipe is no error (the reader has all it
    /// wanted); any other failure is returned once, and stdout is written no more.
    pub fn out(&self, text: &str) -> Result<()> {
        self.write_stdout(&self.safe(text))
    }

    fn write_stdout(&self, text: &str) -> Result<()> {
        if !matches!(*self.stdout.borrow(), Stdout::Open) {
            return Ok(());
        }
        match console::write(Stream::Stdout, text.as_bytes()) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == ErrorKind::BrokenPipe => {
                *self.stdout.borrow_mut() = Stdout::Closed;
                Ok(())
            }
            Err(error) => {
                let failure = format!("cannot write to stdout: {error}");
                *self.stdout.borrow_mut() = Stdout::Failed(failure.clone());
                Err(anyhow!(failure))
            }
        }
    }

    /// Why stdout could not be written, if it could not (a closed pipe is no failure).
    fn stdout_failure(&self) -> Option<String> {
        match &*self.stdout.borrow() {
            Stdout::Failed(failure) => Some(failure.clone()),
            Stdout::Open | Stdout::Closed => None,
        }
    }

    /// Prints a message on stderr. A closed stderr is no reason to fail a run.
    fn err(&self, text: &str) {
        let _ = console::write(Stream::Stderr, self.safe(text).as_bytes());
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
        self.write_stdout(&text)
    }

    /// Prints workflow commands made by [`actions`] (inside Actions only): on stdout, or
    /// on stderr when stdout holds JSON or cannot be written.
    fn commands(&self, commands: &str) {
        if !self.actions {
            return;
        }
        let open = || matches!(*self.stdout.borrow(), Stdout::Open);
        let written = !self.json && open() && self.write_stdout(commands).is_ok() && open();
        if !written {
            let _ = console::write(Stream::Stderr, commands.as_bytes());
        }
    }

    /// Reports a failure of the whole run: the error line on stderr and, inside Actions, an
    /// `::error` annotation.
    pub fn fail(&self, message: &str) {
        self.err(&format!("hh-gitops: error: {message}\n"));
        self.commands(&actions::error(message));
    }

    /// Reports a problem that does not fail the run: a line on stderr and, inside Actions,
    /// a `::warning` annotation.
    fn warn(&self, message: &str) {
        self.err(&format!("hh-gitops: warning: {message}\n"));
        self.commands(&actions::warning(message));
    }
}

/// `(path, finding)` pairs as the printers take them.
fn borrowed(findings: &[(String, Finding)]) -> Vec<(String, &Finding)> {
    findings.iter().map(|(path, f)| (path.clone(), f)).collect()
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
            Report::Check(report) => json::render(&json::CheckReport::from(*report)),
            Report::Sync(report) => json::render(&json::SyncReport::from(*report)),
        }
    }

    /// The text report, in sections (one per fabric for a sync).
    fn text(&self, quiet: bool, style: Style) -> Vec<Section> {
        match self {
            Report::Check(report) => vec![Section {
                title: None,
                body: text::check(report, quiet, style),
            }],
            Report::Sync(report) => text::sync_sections(report, quiet, style),
        }
    }

    /// The job summary; `full_report` is the JSON report file a cut summary points at,
    /// `notes` are warnings about the run's outputs.
    fn markdown(
        &self,
        full_report: Option<&Path>,
        links: Option<&Links>,
        notes: &[String],
    ) -> String {
        match self {
            Report::Check(report) => markdown::check(report, notes),
            Report::Sync(report) => markdown::sync(report, full_report, links, notes),
        }
    }

    /// Every finding with its path, errors first (the annotation cap must not hide an
    /// error behind warnings), then in report order.
    fn findings(&self) -> Vec<(String, Finding)> {
        let mut findings: Vec<(String, Finding)> =
            match self {
                Report::Check(report) => report
                    .files
                    .iter()
                    .flat_map(|file| {
                        file.findings
                            .iter()
                            .map(move |f| (file.path.clone(), f.clone()))
                    })
                    .chain(
                        report
                            .missing
                            .iter()
                            .map(|m| (m.path().to_owned(), m.finding())),
                    )
                    .collect(),
                Report::Sync(report) => report
                    .fabrics
                    .iter()
                    .flat_map(|fabric| {
                        let rejected = fabric.rejected.iter().flat_map(move |rejected| {
                            rejected.findings.iter().map(move |f| {
                                (format!("{}/{}", fabric.dir, rejected.path), f.clone())
                            })
                        });
                        let moved = fabric.moved.iter().flat_map(move |moved| {
                            moved
                                .warnings()
                                .map(move |f| (format!("{}/{}", fabric.dir, moved.raw), f.clone()))
                        });
                        let managed = fabric.managed_findings.iter().map(move |m| {
                            (format!("{}/{}", fabric.dir, m.path), m.finding.clone())
                        });
                        let missing = fabric
                            .missing
                            .iter()
                            .map(move |m| (format!("{}/{}", fabric.dir, m.path()), m.finding()));
                        rejected.chain(moved).chain(managed).chain(missing)
                    })
                    .collect(),
            };
        findings.sort_by_key(|(_, f)| f.severity);
        findings
    }

    /// The SARIF log of every finding, each path relative to the repository root: a sync's
    /// paths already are (`<fabric dir>/<path>`); a check's are as the user gave them, made
    /// relative to the git repository of the current directory when they are inside it.
    fn sarif(&self) -> Result<sarif::Sarif> {
        let mut findings = self.findings();
        if let Report::Check(_) = self {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            let root = repository_root(&cwd);
            for (path, _) in &mut findings {
                *path = relative_to_repository(root.as_deref(), &cwd, path);
            }
        }
        let releases: Vec<ReleaseEntry> = match self {
            Report::Check(report) => report
                .fabric_configs
                .iter()
                .map(ReleaseEntry::config)
                .collect(),
            Report::Sync(report) => report
                .fabrics
                .iter()
                .map(|fabric| ReleaseEntry::fabric(&fabric.dir, &fabric.fabric_config.release))
                .collect(),
        };
        Ok(sarif::render(
            &borrowed(&findings),
            env!("CARGO_PKG_VERSION"),
            &releases,
        ))
    }

    /// How many problems fail the run (rejected files, errors in managed/).
    fn blocking(&self) -> usize {
        match self {
            Report::Check(report) => report.totals.rejected_files,
            Report::Sync(report) => report.blocking(),
        }
    }
}

/// The root of the git repository holding `dir` (the nearest folder with a `.git`),
/// canonical, or `None` outside any repository.
fn repository_root(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors()
        .find(|folder| folder.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `path` (relative to `cwd`, or absolute) relative to `root`, with `/` separators, when the
/// file is inside it; else `path` as given.
fn relative_to_repository(root: Option<&Path>, cwd: &Path, path: &str) -> String {
    let Some(root) = root else {
        return path.to_owned();
    };
    let Ok(file) = cwd.join(path).canonicalize() else {
        return path.to_owned();
    };
    match file.strip_prefix(root) {
        Ok(inside) => inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_owned(),
    }
}

/// The step outputs of a sync. On a check-only run `processed-files` counts the raw files
/// that would move; when the commit failed, those that landed (none when no commit did). `commit-sha` is the last commit; `commits` lists every one, oldest
/// first, separated by spaces (more than one when the move was split).
fn step_outputs(report: &SyncReport, emit: &EmitConfig) -> Vec<(&'static str, String)> {
    let t = report.totals;
    let processed = match (&report.commit_error, &report.commit) {
        (Some(_), None) => 0,
        _ => t.moved_files,
    };
    vec![
        ("processed-files", processed.to_string()),
        ("rejected-files", t.rejected_files.to_string()),
        ("resources", t.resources.to_string()),
        (
            "commit-sha",
            report
                .commit
                .as_ref()
                .map(|c| c.sha().to_owned())
                .unwrap_or_default(),
        ),
        (
            "commits",
            report
                .commit
                .as_ref()
                .map(|c| c.shas().join(" "))
                .unwrap_or_default(),
        ),
        (
            "report",
            emit.report_json
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        ),
        (
            "sarif",
            emit.sarif
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
/// have run, every failure is reported, each as an error line and an annotation, and the
/// run exits with [`EXIT_ERROR`]. A commit that failed is one of them, named after every
/// finding, output and summary is written.
///
/// Stdout is only the report's copy for the log once a commit landed: when it cannot be
/// written then, a warning says so and the exit status stays the sync's. A closed pipe is
/// never a failure.
pub fn emit(emit: &EmitConfig, report: &Report, terminal: &Terminal) -> u8 {
    let mut errors: Vec<anyhow::Error> = Vec::new();
    let mut keep = |result: Result<()>| {
        if let Err(error) = result {
            errors.push(error);
        }
    };
    if let (Report::Sync(sync), Some(path)) = (report, &emit.step_outputs) {
        keep(gha::write_outputs(path, &step_outputs(sync, emit)));
    }
    // Serialised once when wanted (stdout, the report file or both), never for nothing: on
    // a large run it costs as much as the text report.
    let json_text = std::cell::OnceCell::new();
    let json_text = || json_text.get_or_init(|| report.json());
    // What a SARIF log cut to code scanning's limits leaves out, said in the log and the
    // summary.
    let mut sarif_note = None;
    let mut sarif_cut = |log: &sarif::Sarif| {
        sarif_note = log.cut_note().map(|note| {
            let whole = match &emit.report_json {
                Some(path) => format!("every finding is in the JSON report {}", path.display()),
                None => "`--report-json FILE` writes every finding".to_owned(),
            };
            format!("{note}; {whole}")
        });
    };
    // A stdout that fails is remembered by the terminal and judged below.
    let _ = match emit.format {
        Format::Json => terminal.out(json_text()),
        Format::Sarif => match report.sarif() {
            Ok(log) => {
                sarif_cut(&log);
                terminal.out(&log.text)
            }
            Err(error) => {
                keep(Err(error));
                Ok(())
            }
        },
        Format::Text => {
            let colour = if emit.color {
                Colour::Ansi
            } else {
                Colour::Plain
            };
            let style = Style {
                colour,
                show_rule: emit.show_rule,
            };
            terminal.sections(report.text(emit.quiet, style))
        }
    };
    if let Some(path) = &emit.report_json {
        keep(
            std::fs::write(path, json_text())
                .with_context(|| format!("cannot write report {}", path.display())),
        );
    }
    if let Some(path) = &emit.sarif {
        keep(report.sarif().and_then(|log| {
            sarif_cut(&log);
            std::fs::write(path, log.text)
                .with_context(|| format!("cannot write SARIF file {}", path.display()))
        }));
    }
    let notes: Vec<String> = sarif_note.into_iter().collect();
    for note in &notes {
        terminal.warn(note);
    }
    terminal.commands(&actions::annotations(&borrowed(&report.findings())));
    if let Report::Sync(sync) = report {
        for glob in &sync.unmatched_fabrics {
            terminal.commands(&actions::warning(&SyncReport::unmatched_warning(glob)));
        }
    }
    if let Some(path) = &emit.summary {
        keep(append_summary(
            path,
            &report.markdown(emit.report_json.as_deref(), emit.links.as_ref(), &notes),
        ));
    }
    let mut failures: Vec<String> = errors.iter().map(|e| format!("{e:#}")).collect();
    let landed = match report {
        Report::Sync(sync) => sync.commit.as_ref().map(|c| c.sha()),
        Report::Check(_) => None,
    };
    if let Some(failure) = terminal.stdout_failure() {
        match landed {
            Some(sha) => terminal.warn(&format!(
                "{failure}; the commit {sha} landed, so the exit status is the sync's"
            )),
            None => failures.push(failure),
        }
    }
    if let Report::Sync(sync) = report {
        failures.extend(sync.commit.as_ref().and_then(|c| c.push_error.clone()));
        failures.extend(sync.commit_failure());
    }
    if !failures.is_empty() {
        for failure in &failures {
            terminal.fail(failure);
        }
        return EXIT_ERROR;
    }
    if report.blocking() > 0 && emit.fail_on_rejected {
        EXIT_REJECTED
    } else {
        EXIT_CLEAN
    }
}
