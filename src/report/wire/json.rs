//! The JSON report of `check` and `sync` (`--format json`, `--report-json`) and the listing
//! of `list --format json`: their types, in the order their fields are written, and the
//! printer. `schemas/report/report.schema.json` describes the report; [`FORMAT_VERSION`] says which
//! version of the format a document is.

pub mod fabric;
pub mod list;

use std::collections::BTreeSet;

use serde::Serialize;

use super::parts::{FabricConfig, Finding, findings};
use crate::plan;
use crate::report;
use fabric::{Fabric, MissingReference, missing};
pub use list::Listing;

/// The version of the JSON report format, written as each report's `version`. Bumped on any
/// incompatible change: a field removed, renamed or of another type, a value that means
/// something else. An added field is not one (a reader ignores what it does not know).
/// `tests/json_golden.rs` fails when the report's shape changes and this does not.
pub const FORMAT_VERSION: u32 = 2;

/// Pretty-printed JSON of a report, ending in a newline.
pub fn render<T: Serialize>(report: &T) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("reports serialise");
    text.push('\n');
    text
}

/// What `hh-gitops check` found.
#[derive(Debug, Serialize)]
pub struct CheckReport<'a> {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// Always `check`.
    pub command: &'static str,
    /// Every file checked, in path order.
    pub files: Vec<CheckedFile<'a>>,
    /// The fabric configs the files were checked against.
    pub fabric_configs: Vec<FabricConfig<'a>>,
    /// Counts.
    pub totals: CheckTotals,
    /// The base a checked change was compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<Base<'a>>,
    /// Objects referred to but nowhere in the checked files' fabrics.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingReference<'a>>,
}

impl<'a> From<&'a report::CheckReport> for CheckReport<'a> {
    fn from(report: &'a report::CheckReport) -> Self {
        CheckReport {
            version: FORMAT_VERSION,
            command: "check",
            files: report.files.iter().map(CheckedFile::from).collect(),
            fabric_configs: report
                .fabric_configs
                .iter()
                .map(FabricConfig::from)
                .collect(),
            totals: CheckTotals::from(&report.totals),
            base: report.base.as_ref().map(Base::from),
            missing: missing(&report.missing),
        }
    }
}

/// One file checked.
#[derive(Debug, Serialize)]
pub struct CheckedFile<'a> {
    /// The path as the user gave it (or as found under a folder they gave).
    pub path: &'a str,
    /// How many valid resources it holds (0 when rejected).
    pub resources: usize,
    /// Its errors and warnings.
    pub findings: Vec<Finding<'a>>,
    /// Why it was listed but not checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<&'a str>,
}

impl<'a> From<&'a report::CheckedFile> for CheckedFile<'a> {
    fn from(file: &'a report::CheckedFile) -> Self {
        CheckedFile {
            path: &file.path,
            resources: file.resources,
            findings: findings(&file.findings),
            ignored: file.ignored.as_deref(),
        }
    }
}

/// The counts of a check.
#[derive(Debug, Serialize)]
pub struct CheckTotals {
    /// Files checked.
    pub files: usize,
    /// Files with no error.
    pub valid_files: usize,
    /// Files with at least one error.
    pub rejected_files: usize,
    /// Valid resources.
    pub resources: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Files listed but not checked.
    pub ignored_files: usize,
}

impl From<&report::CheckTotals> for CheckTotals {
    fn from(totals: &report::CheckTotals) -> Self {
        CheckTotals {
            files: totals.files,
            valid_files: totals.valid_files,
            rejected_files: totals.rejected_files,
            resources: totals.resources,
            errors: totals.errors,
            warnings: totals.warnings,
            ignored_files: totals.ignored_files,
        }
    }
}

/// The base a change was compared with: its commit, or why it is unknown.
#[derive(Debug, Serialize)]
pub struct Base<'a> {
    /// The base commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<&'a str>,
    /// Why the base is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<&'a str>,
}

impl<'a> From<&'a report::Base> for Base<'a> {
    fn from(base: &'a report::Base) -> Self {
        Base {
            commit: base.commit.as_deref(),
            unknown: base.unknown.as_deref(),
        }
    }
}

/// What `hh-gitops sync` did (or, with `--dry-run`, would do).
#[derive(Debug, Serialize)]
pub struct SyncReport<'a> {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// Always `sync`.
    pub command: &'static str,
    /// Whether nothing was changed on purpose.
    pub dry_run: bool,
    /// Per fabric: what moved, what was rejected, what was ignored.
    pub fabrics: Vec<Fabric<'a>>,
    /// Folders matched by `--fabrics` that are not fabrics.
    pub skipped: Vec<SkippedDir<'a>>,
    /// Raw files that `.gitignore` ignores, in path order.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub gitignored: &'a BTreeSet<String>,
    /// `--fabrics` globs that matched no fabric.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub unmatched_fabrics: &'a [String],
    /// Counts over all fabrics.
    pub totals: SyncTotals,
    /// The commit, when one was made (`null` otherwise).
    pub commit: Option<Commit<'a>>,
    /// Why committing failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_error: Option<&'a str>,
    /// Why this run commits nothing on purpose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_commit_reason: Option<&'a str>,
    /// The base a checked change was compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<Base<'a>>,
}

impl<'a> From<&'a report::SyncReport> for SyncReport<'a> {
    fn from(report: &'a report::SyncReport) -> Self {
        SyncReport {
            version: FORMAT_VERSION,
            command: "sync",
            dry_run: report.dry_run,
            fabrics: report.fabrics.iter().map(Fabric::from).collect(),
            skipped: report.skipped.iter().map(SkippedDir::from).collect(),
            gitignored: &report.gitignored,
            unmatched_fabrics: &report.unmatched_fabrics,
            totals: SyncTotals::from(&report.totals),
            commit: report.commit.as_ref().map(Commit::from),
            commit_error: report.commit_error.as_deref(),
            no_commit_reason: report.no_commit_reason.as_deref(),
            base: report.base.as_ref().map(Base::from),
        }
    }
}

/// A folder that matched `--fabrics` but is not a fabric.
#[derive(Debug, Serialize)]
pub struct SkippedDir<'a> {
    /// The folder, relative to the repository.
    pub dir: &'a str,
    /// Why it was skipped.
    pub reason: &'a str,
}

impl<'a> From<&'a report::SkippedDir> for SkippedDir<'a> {
    fn from(skipped: &'a report::SkippedDir) -> Self {
        SkippedDir {
            dir: &skipped.dir,
            reason: &skipped.reason,
        }
    }
}

/// The counts of a sync.
#[derive(Debug, Serialize)]
pub struct SyncTotals {
    /// Raw files that move.
    pub moved_files: usize,
    /// Raw files rejected.
    pub rejected_files: usize,
    /// Files ignored.
    pub ignored_files: usize,
    /// Resources in moved files.
    pub resources: usize,
    /// Managed files created.
    pub created: usize,
    /// Managed files replaced.
    pub updated: usize,
    /// Managed files already identical.
    pub unchanged: usize,
    /// Error findings of rejected files.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Error findings of managed/ files.
    pub managed_errors: usize,
}

impl From<&plan::Totals> for SyncTotals {
    fn from(totals: &plan::Totals) -> Self {
        SyncTotals {
            moved_files: totals.moved_files,
            rejected_files: totals.rejected_files,
            ignored_files: totals.ignored_files,
            resources: totals.resources,
            created: totals.created,
            updated: totals.updated,
            unchanged: totals.unchanged,
            errors: totals.errors,
            warnings: totals.warnings,
            managed_errors: totals.managed_errors,
        }
    }
}

/// The commits a sync made.
#[derive(Debug, Serialize)]
pub struct Commit<'a> {
    /// The last commit.
    pub sha: &'a str,
    /// Every commit, oldest first.
    pub commits: &'a [String],
    /// Why the move was split into several commits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split_reason: Option<&'a str>,
    /// Where it was pushed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pushed_to: Option<&'a str>,
    /// Why the push failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_error: Option<&'a str>,
    /// HTTP requests made to the GitHub API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_requests: Option<usize>,
    /// How many plans the run made.
    pub plans: u32,
}

impl<'a> From<&'a report::CommitOutcome> for Commit<'a> {
    fn from(commit: &'a report::CommitOutcome) -> Self {
        Commit {
            sha: commit.sha(),
            commits: commit.shas(),
            split_reason: commit.split_reason(),
            pushed_to: commit.pushed_to.as_deref(),
            push_error: commit.push_error.as_deref(),
            api_requests: commit.api_requests,
            plans: commit.plans,
        }
    }
}
