//! What the user asked for: the command line as clap defines and parses it (`args`), the
//! repository config file and the fabrics a command reads (`repo`), and the configuration
//! resolved from them and the environment (`config`), once and before any work. All sit
//! below the pipeline and the CLI driver: the pipeline reads `config`, the driver parses
//! `args`, and nothing here reads either.

pub mod args;
pub mod config;
pub mod repo;
