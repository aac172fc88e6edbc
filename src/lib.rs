//! hh-gitops: a GitOps gate for Hedgehog Open Network Fabric.
//!
//! The pipeline is `source` (discover) -> `manifest` (parse) -> `validate` -> `crosscheck`
//! (each fabric's documents against each other) -> `plan` -> `backend` (commit) -> `report`.
//! `hh-gitops list` reads each fabric's managed/ (`pipeline`) into the tables of `list`.
//! `manifest`, `validate`, `crosscheck`, `plan` and `list` are pure: they take
//! bytes and plain data and return plain data, so the rules live where unit tests reach them.
//! Everything that touches the file system, git, the network or the terminal sits in
//! `source`, `backend`, `report` and `cli`. `cli` parses the flags, `config` resolves them
//! with the environment (`gha` reads the `GITHUB_*` variables and writes the step outputs)
//! into one configuration, and `pipeline` runs the stages on it. `parallel` spreads a
//! stage's work over the cores without changing its result (the order is kept).
#![warn(missing_docs)]
// Only `cli` writes to the terminal, through its `Terminal` (and so the Actions printer).
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod backend;
pub mod cli;
pub mod console;
pub mod crosscheck;
pub mod finding;
pub mod flags;
pub mod free;
pub mod gha;
pub mod init;
pub mod kind;
pub mod limits;
pub mod list;
pub mod manifest;
pub mod names;
pub mod parallel;
pub mod paths;
pub mod pipeline;
pub mod plan;
pub mod refs;
pub mod release;
pub mod repo_config;
pub mod report;
pub mod rules;
pub mod schema;
pub mod secret;
pub mod similar;
pub mod source;
pub mod validate;
