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

use crate::report::{json, markdown, text};
use crate::schema::Registry;
use args::{Cli, Command, CommitMode, CommonArgs, Format, SchemasCommand};

/// Exit code when everything was valid.
const EXIT_CLEAN: u8 = 0;
/// Exit code when something was rejected.
const EXIT_REJECTED: u8 = 1;
/// Exit code for usage and I/O errors (clap uses it for usage errors too).
const EXIT_ERROR: u8 = 2;

/// Runs `hh-gitops` with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("hh-gitops: error: {e:#}");
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

fn registry_for(common: &CommonArgs) -> Result<Registry> {
    registry(common.schemas.as_deref())
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

fn run(cli: Cli) -> Result<u8> {
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Check(args) => {
            let registry = registry_for(&args.common)?;
            let report = check::run(&registry, &args.paths, args.common.max_file_size)?;
            let rendered = match args.common.format {
                Format::Text => text::check(&report),
                Format::Json => json::render(&report),
            };
            stdout.write_all(rendered.as_bytes())?;
            if let Some(path) = crate::gha::step_summary_path() {
                append_summary(&path, &markdown::check(&report))?;
            }
            Ok(if report.totals.rejected_files > 0 {
                EXIT_REJECTED
            } else {
                EXIT_CLEAN
            })
        }
        Command::Sync(args) => {
            let registry = registry_for(&args.common)?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            let config = sync::SyncConfig {
                repo: &args.repo,
                fabrics: &args.fabrics,
                max_file_size: args.common.max_file_size,
                dry_run: args.dry_run,
                commit: args.commit == CommitMode::Git,
                push: args.push,
                commit_message: args.commit_message.as_deref(),
                now,
            };
            let report = sync::run(&registry, &config)?;
            let rendered = match args.common.format {
                Format::Text => text::sync(&report),
                Format::Json => json::render(&report),
            };
            stdout.write_all(rendered.as_bytes())?;
            if let Some(path) = args.summary.clone().or_else(crate::gha::step_summary_path) {
                append_summary(&path, &markdown::sync(&report))?;
            }
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
