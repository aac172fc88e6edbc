//! Command-line flags, defined once with their documentation (clap derive). `--help` is
//! generated from these doc comments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::backend::split::DEFAULT_MAX_COMMIT_BYTES;
use crate::limits::DEFAULT_MAX_FILE_SIZE;
use crate::rules::Release;

/// GitOps gate for Hedgehog Open Network Fabric: checks the YAML dropped into each
/// fabric's raw/ folder against the Hedgehog CRD schemas and moves the valid resources to
/// `managed/<kind plural>/<name>.yaml` in one commit.
///
/// Exit status: 0 everything valid, 1 something was rejected, 2 usage or I/O error.
#[derive(Debug, Parser)]
#[command(name = "hh-gitops", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate files and folders (recursively) and move nothing.
    Check(CheckArgs),
    /// Move the valid raw/ files of every fabric into managed/ in one commit.
    Sync(SyncArgs),
    /// Print what each fabric's managed/ holds: a table per kind with the fields values are
    /// picked from (VPC subnets and VLANs, Connection ports, Switch ASNs...).
    List(ListArgs),
    /// Start using hh-gitops in a repository: write a commented `.hh-gitops.yaml` (with the
    /// fabric folders found) and the workflow `.github/workflows/hh-gitops.yml`. Never
    /// overwrites a file.
    Init {
        /// The repository [default: the top of the git work tree of the current folder].
        #[arg(long, value_name = "DIR")]
        repo: Option<PathBuf>,
    },
    /// Print what is still free in each fabric: VLANs of a VLANNamespace or an external
    /// connection, subnets of an IPv4Namespace, ports of a switch. Reads what `list` reads,
    /// each fabric's managed/ (what the fabric holds once `sync` has moved raw/), with the
    /// fabric's fab.yaml for its release and built-in SwitchProfiles; never raw/, never the
    /// running fabric.
    #[command(subcommand)]
    Free(FreeCommand),
    /// Print every object of each fabric's managed/ that refers to KIND/NAME, at the
    /// file:line of the field naming it (defaulted references count: a VPC without
    /// `ipv4Namespace` refers to IPv4Namespace `default`). Reads what `list` reads.
    Refs(RefsArgs),
    /// Work with the JSON Schemas hh-gitops validates against.
    #[command(subcommand)]
    Schemas(SchemasCommand),
    /// Print a shell completion script, generated from these flags: e.g.
    /// `hh-gitops completions bash > ~/.local/share/bash-completion/completions/hh-gitops`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from these flags: e.g.
    /// `hh-gitops man > ~/.local/share/man/man1/hh-gitops.1`; with `--out DIR`, write it and
    /// one page per subcommand (`hh-gitops-check.1`, ...) into DIR.
    Man {
        /// The folder to write every page into, instead of printing the main one.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Lines for people (findings compiler-style: path:line:col: error: ...).
    Text,
    /// A versioned machine-readable report.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning: one result per finding, with its rule id and
    /// its path relative to the repository root.
    Sarif,
}

/// `list --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned tables.
    Text,
    /// The same as JSON data.
    Json,
}

impl Format {
    /// Whether stdout holds one machine-readable document (so nothing else may go there).
    pub fn is_document(self) -> bool {
        matches!(self, Format::Json | Format::Sarif)
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless `NO_COLOR` is set (and never inside GitHub Actions).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Flags shared by `check` and `sync`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Print only the errors and the totals (text output).
    #[arg(long, short)]
    pub quiet: bool,
    /// End each finding of the text output with its rule id (`[switch/hydration]`,
    /// `[field/spec.subnets.*.vlan]`): the id the JSON report and SARIF give it.
    #[arg(long)]
    pub show_rule: bool,
    /// Colour errors and warnings in the text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write the JSON report to this file.
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Also write the findings as SARIF 2.1.0 to this file, for GitHub code scanning
    /// (`github/codeql-action/upload-sarif`).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// A folder of extra JSON Schemas (made by `hh-gitops schemas import`); they add kinds
    /// or replace the embedded schema of the same kind and version.
    #[arg(long, env = "HH_GITOPS_SCHEMAS", value_name = "DIR")]
    pub schemas: Option<PathBuf>,
    /// Largest file read, in bytes; larger files are rejected unread.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Treat warnings as errors: a file with a warning is rejected (left in raw/). Without
    /// it, warnings are reported and never block a move.
    /// `--deny-warnings=false` keeps warnings from rejecting where the repository config
    /// (`deny-warnings: true`) says otherwise.
    #[arg(
        long,
        env = "HH_GITOPS_DENY_WARNINGS",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub deny_warnings: Option<bool>,
    /// The fabric config Hedgehog's rules read (reserved subnets, VLAN ranges, ASNs, gateway
    /// support...): a fab.yaml from `hhfab init`, or the config.yaml of the running fabric's
    /// fab/fabric-ctrl-config ConfigMap. Without it, each fabric's own `fab.yaml` (next to
    /// its raw/ folder) is used when there is one, else fabricator's defaults. It wins over
    /// the repository config's `fabric-config:`.
    #[arg(long, env = "HH_GITOPS_FABRIC_CONFIG", value_name = "FILE")]
    pub fabric_config: Option<PathBuf>,
    /// The Hedgehog release the fabrics run, whose admission rules they are checked by:
    /// 26.01, 26.02 or 26.03 (a patch release such as 26.02.1 names its release). A
    /// fabric whose fab.yaml pins its fabric version (`spec.overrides.versions.fabric`:
    /// `controller` or `api`) is checked against that version's release, and this flag
    /// must then name the same one. Without either (or the repository config's
    /// `hedgehog-release:`), the newest release, 26.03.
    #[arg(long, env = "HH_GITOPS_HEDGEHOG_RELEASE", value_name = "RELEASE")]
    pub hedgehog_release: Option<Release>,
    /// What a reference to an object that is in none of the fabric's managed/, cluster/
    /// and raw/ is (the `default` namespaces, objects applied by hand): `warn` reports it
    /// and skips the checks that needed the object; `strict` rejects the file, for
    /// repositories that hold the whole fabric. Default: the repository config's
    /// `references:` (or `ref/missing: error` in its `rules:`), else `warn`.
    #[arg(long, env = "HH_GITOPS_REFERENCES", value_enum)]
    pub references: Option<ReferencesArg>,
    /// Check a change: compare the work tree with the merge base of REF and HEAD. Findings
    /// in the files the change adds, edits or deletes (or that those cause elsewhere) count;
    /// the others are reported as already on the base branch and do not fail the run.
    /// Inside GitHub Actions, a pull_request event sets it to the pull request's base, and a
    /// merge_group event to the merge group's base commit (`merge_group.base_sha`).
    #[arg(long, env = "HH_GITOPS_CHANGED_SINCE", value_name = "REF")]
    pub changed_since: Option<String>,
    /// The repository config file to read instead of the `.hh-gitops.yaml` found at the
    /// root of the repository (searched from the current folder, or from `--repo`).
    #[arg(
        long,
        env = "HH_GITOPS_CONFIG",
        value_name = "FILE",
        conflicts_with = "no_config"
    )]
    pub config: Option<PathBuf>,
    /// Read no repository config file: flags and built-in defaults only.
    #[arg(long)]
    pub no_config: bool,
}

/// `--references`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReferencesArg {
    /// A warning; the checks that needed the object are skipped.
    Warn,
    /// An error.
    Strict,
}

impl From<ReferencesArg> for crate::rules::state::References {
    fn from(arg: ReferencesArg) -> Self {
        match arg {
            ReferencesArg::Warn => Self::Warn,
            ReferencesArg::Strict => Self::Strict,
        }
    }
}

/// `hh-gitops check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check; folders are searched recursively for .yaml/.yml files.
    /// Without one, every fabric (`gitops/hedgehog/*`) of the git repository the current
    /// folder is in.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check only the fabrics matching GLOB, as `sync --fabrics` finds them in the git
    /// repository (repeatable): a named file outside them (a Helm chart's managed/) is
    /// listed as not in a fabric, never read. Without it, a named file is checked with
    /// whatever fabric folder holds it, or alone; without PATH, the repository config's
    /// `fabrics:`, else `gitops/hedgehog/*`.
    #[arg(long = "fabrics", env = "HH_GITOPS_FABRICS", value_name = "GLOB")]
    pub fabrics: Vec<String>,
    /// Check only the files of the repository's fabrics: those `--fabrics` or the
    /// repository config names, else `gitops/hedgehog/*`; any other named file is listed as
    /// not in a fabric (what the pre-commit hook runs, so that it follows the config).
    #[arg(long)]
    pub only_fabrics: bool,
    /// Shared flags.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// How `sync` records the move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CommitMode {
    /// A commit made with the local git CLI.
    Git,
    /// A verified commit through GitHub's GraphQL API (GITHUB_REPOSITORY, GITHUB_REF,
    /// GITHUB_GRAPHQL_URL, GITHUB_TOKEN).
    Github,
    /// Check only: report what would move and change nothing.
    None,
}

/// `hh-gitops sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The GitOps repository (a git work tree), or a folder inside one where the --fabrics
    /// globs start; paths are reported and committed from the repository's root.
    /// Default: the folder of the repository config file, else the top of the git
    /// repository the current folder is in (so `sync` runs from any subfolder), else `.`.
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Fabric folders, as globs relative to the repository (`*` and `?` match within one
    /// path segment). A fabric is a matching folder that has a raw/ folder. Repeatable.
    /// Default: the repository config's `fabrics:`, else `gitops/hedgehog/*`.
    #[arg(long = "fabrics", env = "HH_GITOPS_FABRICS", value_name = "GLOB")]
    pub fabrics: Vec<String>,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Push the commit to the branch's upstream.
    #[arg(long)]
    pub push: bool,
    /// Append a Markdown report to this file (default: $GITHUB_STEP_SUMMARY when set).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Exit 0 even when some files were rejected (the valid ones are still moved).
    #[arg(long)]
    pub no_fail_on_rejected: bool,
    /// How to record the move [default: github inside GitHub Actions, else git].
    #[arg(long, value_enum)]
    pub commit: Option<CommitMode>,
    /// The first line of the commit message (a summary of what moved follows it). Blank
    /// means the default, `hh-gitops: move N raw files to managed (M resources)`.
    #[arg(long, value_name = "TEXT")]
    pub commit_message: Option<String>,
    /// Largest request of one GitHub API commit, in bytes (contents count in base64). A
    /// larger move is split into as few commits as fit, each holding whole raw files; it is
    /// also split when GitHub refuses a commit as too large.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_COMMIT_BYTES)]
    pub max_commit_size: u64,
    /// The first wait before trying again after a transient failure (a branch that moved,
    /// a commit not yet fetchable), in milliseconds; doubled for each further try. Hidden,
    /// as the three below: the tests make the waits short (unset: `Waits::default`).
    #[arg(long, value_name = "MS", hide = true)]
    pub retry_wait_ms: Option<u64>,
    /// The first wait after a transient GitHub fault, in milliseconds.
    #[arg(long, value_name = "MS", hide = true)]
    pub github_backoff_ms: Option<u64>,
    /// How long the repository lock is waited for, in milliseconds.
    #[arg(long, value_name = "MS", hide = true)]
    pub repo_lock_wait_ms: Option<u64>,
    /// How long a `.git/index.lock` held by another git process is waited for, in
    /// milliseconds.
    #[arg(long, value_name = "MS", hide = true)]
    pub index_lock_wait_ms: Option<u64>,
    /// Shared flags.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `hh-gitops list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The GitOps repository [default: the repository config's folder, else the top of
    /// the current git work tree].
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Fabric folders, as globs relative to the repository, as `sync --fabrics` (which is
    /// also accepted here). Repeatable. Default: the repository config's `fabrics`, else
    /// `gitops/hedgehog/*`.
    #[arg(long, visible_alias = "fabrics", value_name = "GLOB")]
    pub fabric: Vec<String>,
    /// Only this kind: its name or plural, in any case (`vpc`, `VPCs`, `connection`).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Output format: aligned tables, or the same as JSON data.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// The fabrics `free` and `refs` answer for, and how.
#[derive(Debug, Args)]
pub struct FabricQuery {
    /// The GitOps repository [default: as `list --repo`].
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Fabric folders, as globs relative to the repository, as `list --fabric`. Repeatable.
    #[arg(long, visible_alias = "fabrics", value_name = "GLOB")]
    pub fabric: Vec<String>,
    /// Output format: aligned tables, or the same as JSON data.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// `hh-gitops free ...`.
#[derive(Debug, Subcommand)]
pub enum FreeCommand {
    /// The free VLANs of each VLANNamespace: its ranges minus the VLANs of the VPC subnets
    /// of VPCs naming it. With --connection, the VLANs (1-4094, and untagged) that no
    /// ExternalAttachment of that Connection uses.
    Vlan {
        /// Only this VLANNamespace.
        #[arg(long, value_name = "NAME", conflicts_with = "connection")]
        namespace: Option<String>,
        /// The VLANs of this external Connection's attachments instead.
        #[arg(long, value_name = "NAME")]
        connection: Option<String>,
        /// Which fabrics, and how.
        #[command(flatten)]
        query: FabricQuery,
    },
    /// The first free /N subnets of each IPv4Namespace: inside its subnets, sharing no
    /// address with a VPC subnet of that namespace.
    Subnet {
        /// The prefix length N of the subnets wanted (`24` for /24).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=32))]
        prefix: u8,
        /// How many to print per namespace.
        #[arg(long, value_name = "COUNT", default_value_t = 3)]
        count: usize,
        /// Only this IPv4Namespace.
        #[arg(long, value_name = "NAME")]
        namespace: Option<String>,
        /// Which fabrics, and how.
        #[command(flatten)]
        query: FabricQuery,
    },
    /// The ports of a switch no Connection uses, after its SwitchProfile's breakouts (a
    /// broken-out port is listed by its lanes), with each port's group.
    Port {
        /// The Switch.
        #[arg(long, value_name = "NAME")]
        switch: String,
        /// Which fabrics, and how.
        #[command(flatten)]
        query: FabricQuery,
    },
}

/// `hh-gitops refs`.
#[derive(Debug, Args)]
pub struct RefsArgs {
    /// The object: its kind (name or plural, any case) and name, `vpc/vpc-1`.
    #[arg(value_name = "KIND/NAME")]
    pub object: String,
    /// Which fabrics, and how.
    #[command(flatten)]
    pub query: FabricQuery,
}

/// `hh-gitops schemas ...`.
#[derive(Debug, Subcommand)]
pub enum SchemasCommand {
    /// Convert CustomResourceDefinitions into strict JSON Schemas, one file per kind and version.
    Import {
        /// CRD YAML files.
        #[arg(required = true, value_name = "CRD.yaml")]
        crds: Vec<PathBuf>,
        /// Where to write the schemas.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Print the kinds and versions hh-gitops knows, and where each managed file goes.
    List {
        /// A folder of extra JSON Schemas, as for `check --schemas`.
        #[arg(long, value_name = "DIR")]
        schemas: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn fabrics_default_and_repeat() {
        let cli = Cli::parse_from(["hh-gitops", "sync"]);
        let Command::Sync(args) = cli.command else {
            panic!()
        };
        assert!(
            args.fabrics.is_empty(),
            "the default is resolved with the repository config"
        );
        let cli = Cli::parse_from(["hh-gitops", "sync", "--fabrics", "a/*", "--fabrics", "b"]);
        let Command::Sync(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.fabrics, ["a/*", "b"]);
    }
}
