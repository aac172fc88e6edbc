//! The command-line front end: parses flags, resolves them, runs the pipeline, writes the
//! reports and picks the exit code (0 clean, 1 something rejected, 2 usage or I/O error).

pub mod args;
mod check;
mod parallel;
mod schemas;
mod sync;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use crate::finding::Finding;
use crate::gha::{self, CommitPlace, Env, ProcessEnv};
use crate::report::{CheckReport, SyncReport, json, markdown, text};
use crate::schema::Registry;
use args::{Cli, Command, CommitMode, CommonArgs, Format, SchemasCommand};
use sync::Backend;

/// Exit code when everything was valid.
const EXIT_CLEAN: u8 = 0;
/// Exit code when something was rejected.
const EXIT_REJECTED: u8 = 1;
/// Exit code for usage and I/O errors (clap uses it for usage errors too).
const EXIT_ERROR: u8 = 2;

/// Runs `hh-gitops` with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli, &ProcessEnv) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("hh-gitops: error: {e:#}");
            if gha::in_actions(&ProcessEnv) {
                println!("{}", gha::annotations_error(&format!("{e:#}")).trim_end());
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn registry(schemas: Option<&Path>) -> Result<Registry> {
    let mut registry = Registry::embedded();
    if let Some(dir) = schemas {
        schemas::load_dir(&mut registry, dir)?;
    }
    Ok(registry)
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

/// Writes the JSON report file asked for with `--report-json`.
fn write_report_json(common: &CommonArgs, rendered: &str) -> Result<()> {
    if let Some(path) = &common.report_json {
        std::fs::write(path, rendered)
            .with_context(|| format!("cannot write report {}", path.display()))?;
    }
    Ok(())
}

/// Resolves `--commit` (default: GitHub inside Actions, else git) into a backend.
fn backend(mode: Option<CommitMode>, env: &dyn Env) -> Result<Backend> {
    let mode = mode.unwrap_or(if gha::in_actions(env) {
        CommitMode::Github
    } else {
        CommitMode::Git
    });
    Ok(match mode {
        CommitMode::Git => Backend::Git,
        CommitMode::None => Backend::None("--commit none".into()),
        CommitMode::Github => match gha::commit_place(env)? {
            CommitPlace::Branch(target) => Backend::Github(target),
            CommitPlace::CheckOnly(reason) => Backend::None(reason),
        },
    })
}

/// Every finding of a sync with its repository path, for annotations.
fn sync_findings(report: &SyncReport) -> Vec<(String, &Finding)> {
    report
        .fabrics
        .iter()
        .flat_map(|fabric| {
            fabric.rejected.iter().flat_map(move |rejected| {
                rejected
                    .findings
                    .iter()
                    .map(move |f| (format!("{}/{}", fabric.dir, rejected.path), f))
            })
        })
        .collect()
}

fn check_findings(report: &CheckReport) -> Vec<(String, &Finding)> {
    report
        .files
        .iter()
        .flat_map(|file| file.findings.iter().map(move |f| (file.path.clone(), f)))
        .collect()
}

fn run(cli: Cli, env: &dyn Env) -> Result<u8> {
    let mut stdout = std::io::stdout().lock();
    let actions = gha::in_actions(env);
    match cli.command {
        Command::Check(args) => {
            let registry = registry(args.common.schemas.as_deref())?;
            let report = check::run(&registry, &args.paths, args.common.max_file_size)?;
            let json_text = json::render(&report);
            let rendered = match args.common.format {
                Format::Text => text::check(&report),
                Format::Json => json_text.clone(),
            };
            stdout.write_all(rendered.as_bytes())?;
            write_report_json(&args.common, &json_text)?;
            if actions {
                stdout.write_all(gha::annotations(&check_findings(&report)).as_bytes())?;
            }
            if let Some(path) = gha::step_summary_path(env) {
                append_summary(&path, &markdown::check(&report))?;
            }
            Ok(if report.totals.rejected_files > 0 {
                EXIT_REJECTED
            } else {
                EXIT_CLEAN
            })
        }
        Command::Sync(args) => {
            let registry = registry(args.common.schemas.as_deref())?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            let config = sync::SyncConfig {
                repo: &args.repo,
                fabrics: &args.fabrics,
                max_file_size: args.common.max_file_size,
                dry_run: args.dry_run,
                backend: backend(args.commit, env)?,
                push: args.push,
                commit_message: args.commit_message.as_deref(),
                now,
            };
            let report = sync::run(&registry, &config)?;
            let json_text = json::render(&report);
            let rendered = match args.common.format {
                Format::Json => json_text.clone(),
                Format::Text if actions => text::sync_grouped(&report),
                Format::Text => text::sync(&report),
            };
            stdout.write_all(rendered.as_bytes())?;
            write_report_json(&args.common, &json_text)?;
            if actions {
                stdout.write_all(gha::annotations(&sync_findings(&report)).as_bytes())?;
            }
            if let Some(path) = args.summary.clone().or_else(|| gha::step_summary_path(env)) {
                append_summary(&path, &markdown::sync(&report))?;
            }
            let t = report.totals;
            gha::write_outputs(
                env,
                &[
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
                        "report",
                        args.common
                            .report_json
                            .as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                    ),
                ],
            )?;
            if let Some(error) = report.commit.as_ref().and_then(|c| c.push_error.as_ref()) {
                eprintln!("hh-gitops: error: {error}");
                return Ok(EXIT_ERROR);
            }
            let rejected = report.totals.rejected_files > 0 && !args.no_fail_on_rejected;
            Ok(if rejected { EXIT_REJECTED } else { EXIT_CLEAN })
        }
        Command::Schemas(SchemasCommand::Import { crds, out }) => {
            schemas::import(&crds, &out, &mut stdout)?;
            Ok(EXIT_CLEAN)
        }
        Command::Schemas(SchemasCommand::List { schemas: dir }) => {
            schemas::list(&registry(dir.as_deref())?, &mut stdout)?;
            Ok(EXIT_CLEAN)
        }
    }
}
