//! The command-line front end: parses the flags, resolves them with the environment into one
//! configuration before any work, runs the pipeline and hands its report to `emit`, which
//! writes every output and picks the exit code (0 clean, 1 something rejected, 2 usage or
//! I/O error).

mod emit;
mod free;
mod schemas;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{CommandFactory, Parser};

use crate::flags::args::{Cli, Command, ListFormat, SchemasCommand};
use crate::flags::config::{CheckConfig, EmitConfig, SyncConfig};
use crate::flags::repo::ReadFabrics;
use crate::gha::{ActionsEnv, ProcessEnv};
use crate::limits::DEFAULT_MAX_FILE_SIZE;
use crate::pipeline;
use crate::report::text;
use crate::report::wire::json;
use crate::schema::Registry;
use emit::{EXIT_CLEAN, EXIT_ERROR, Report, Terminal};

/// Runs `hh-gitops` with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let actions = ActionsEnv::read(&ProcessEnv);
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Inside Actions a usage error is an input the action passes on unchecked (the
        // releases of `hedgehog-release` are the binary's to know): an annotation says it.
        Err(error) if actions.in_actions && error.use_stderr() => {
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            Terminal::new(true, false).fail(first.strip_prefix("error: ").unwrap_or(first));
            return ExitCode::from(EXIT_ERROR);
        }
        Err(error) => error.exit(),
    };
    let json = match &cli.command {
        Command::Check(args) => args.common.format.is_document(),
        Command::Sync(args) => args.common.format.is_document(),
        Command::List(args) => args.format == ListFormat::Json,
        Command::Free(command) => free::query(command).format == ListFormat::Json,
        Command::Refs(args) => args.query.format == ListFormat::Json,
        Command::Init { .. }
        | Command::Schemas(_)
        | Command::Completions { .. }
        | Command::Man { .. } => false,
    };
    let terminal = Terminal::new(actions.in_actions, json);
    match run(cli, &actions, &terminal) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            terminal.fail(&format!("{e:#}"));
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

fn run(cli: Cli, actions: &ActionsEnv, terminal: &Terminal) -> Result<u8> {
    match cli.command {
        Command::Check(args) => {
            let emit = EmitConfig::for_check(&args.common, actions);
            emit.check_paths()?;
            let registry = registry(args.common.schemas.as_deref())?;
            let config = CheckConfig::resolve(&args, actions)?;
            let report = pipeline::check(&registry, &config)?;
            Ok(emit::emit(&emit, &Report::Check(&report), terminal))
        }
        Command::Sync(args) => {
            let config = SyncConfig::resolve(&args, actions)?;
            let emit = EmitConfig::for_sync(&args, actions);
            emit.check_paths()?;
            let registry = registry(args.common.schemas.as_deref())?;
            let report = pipeline::sync(&registry, &config)?;
            Ok(emit::emit(&emit, &Report::Sync(&report), terminal))
        }
        Command::List(args) => {
            let read = ReadFabrics::resolve(args.repo.as_deref(), &args.fabric)?;
            let listing = pipeline::list(
                &Registry::embedded(),
                &read.repo,
                &read.fabrics,
                args.kind.as_deref(),
                DEFAULT_MAX_FILE_SIZE,
            )?;
            terminal.out(&match args.format {
                ListFormat::Text => text::list(&listing),
                ListFormat::Json => json::render(&json::Listing::from(&listing)),
            })?;
            Ok(EXIT_CLEAN)
        }
        Command::Free(command) => {
            terminal.out(&free::free(&command)?)?;
            Ok(EXIT_CLEAN)
        }
        Command::Refs(args) => {
            terminal.out(&free::refs(&args)?)?;
            Ok(EXIT_CLEAN)
        }
        Command::Schemas(SchemasCommand::Import { crds, out }) => {
            let mut printed = Vec::new();
            let result = schemas::import(&crds, &out, &mut printed);
            terminal.out(&String::from_utf8_lossy(&printed))?;
            result?;
            Ok(EXIT_CLEAN)
        }
        Command::Init { repo } => {
            let repo = repo.unwrap_or_else(crate::flags::repo::current_repository);
            for path in crate::init::init(&repo)? {
                terminal.out(&format!("wrote {}\n", repo.join(path).display()))?;
            }
            Ok(EXIT_CLEAN)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "hh-gitops", &mut script);
            terminal.out(&String::from_utf8_lossy(&script))?;
            Ok(EXIT_CLEAN)
        }
        Command::Man { out: None } => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("rendering the manual page")?;
            terminal.out(&String::from_utf8_lossy(&page))?;
            Ok(EXIT_CLEAN)
        }
        Command::Man { out: Some(dir) } => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(Cli::command(), &dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
            Ok(EXIT_CLEAN)
        }
        Command::Schemas(SchemasCommand::List { schemas: dir }) => {
            let mut printed = Vec::new();
            schemas::list(&registry(dir.as_deref())?, &mut printed)?;
            terminal.out(&String::from_utf8_lossy(&printed))?;
            Ok(EXIT_CLEAN)
        }
    }
}
