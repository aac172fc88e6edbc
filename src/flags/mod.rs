//! What the user asked for: the command line as clap defines and parses it (`args`), and
//! the configuration resolved from it, the environment and the repository config
//! (`config`), once and before any work. Both sit below the pipeline and the CLI driver:
//! the pipeline reads `config`, the driver parses `args`, and nothing here reads either.

pub mod args;
pub mod config;
