//! The command-line front end: parses flags, runs the pipeline, picks the exit code.

pub mod args;
mod schemas;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, SchemasCommand};

/// Runs `hh-gitops` with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let result = match cli.command {
        Command::Schemas(SchemasCommand::Import { crds, out }) => schemas::import(&crds, &out, &mut stdout),
        _ => todo!(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hh-gitops: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
