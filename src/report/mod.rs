//! Reports: the plain data a run produced, and its printers (text for people, Markdown for
//! the GitHub job summary, JSON for machines, SARIF for code scanning, workflow commands for
//! the GitHub Actions log).
//! Printers are pure functions from a report to a string; only `cli` writes them anywhere.
//! The machine formats are written from their own types, in [`wire`]: the report's data
//! types serialise nothing themselves.

pub mod actions;
pub mod markdown;
mod order;
pub mod sarif;
pub mod text;
pub mod wire;

use std::collections::BTreeSet;

use crate::backend::Commits;
use crate::backend::diff::{BaseDiff, BaseSpec};
use crate::finding::Finding;
use crate::plan::{FabricPlan, MissingObjects, Plan, Totals};
use crate::rules::config_file::ConfigSource;
use order::{causes_first, errors_first};

/// Why a raw file is listed rather than read, by `sync` and `check` alike: `.gitignore`
/// ignores it and git does not track it.
pub const GITIGNORED: &str = "ignored by .gitignore";

/// One file checked by `hh-gitops check`.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    /// The path as the user gave it (or as found under a folder they gave).
    pub path: String,
    /// The fabric folder it was checked with, as shown (empty for files checked without
    /// one): the text report groups the same warning of many objects per fabric.
    pub fabric: String,
    /// How many valid resources it holds (0 when rejected).
    pub resources: usize,
    /// Every problem found: errors (then the file is rejected) and warnings.
    pub findings: Vec<Finding>,
    /// Why the file was listed but not checked (a file of a fabric folder that is no
    /// resource of the fabric, or a raw file `.gitignore` ignores).
    pub ignored: Option<String>,
}

impl CheckedFile {
    /// Whether an error rejects the file (warnings alone never do).
    pub fn is_rejected(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }
}

/// What `hh-gitops check` found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Every file checked, in path order, but for a file whose rejection causes findings in
    /// others: it comes before them (see `report::order`).
    pub files: Vec<CheckedFile>,
    /// The fabric configs the files were checked against, each with the Hedgehog release
    /// it was checked by (one unless several paths of different fabrics were given).
    pub fabric_configs: Vec<ConfigSource>,
    /// Counts.
    pub totals: CheckTotals,
    /// The base a checked change was compared with (`--changed-since`, a pull request).
    pub base: Option<Base>,
    /// Objects referred to but nowhere in the checked files' fabrics: one warning per
    /// fabric and kind.
    pub missing: Vec<MissingObjects>,
}

/// Counts of a check.
#[derive(Debug, Clone, Copy)]
pub struct CheckTotals {
    /// Files checked.
    pub files: usize,
    /// Files with no error (they may have warnings).
    pub valid_files: usize,
    /// Files with at least one error.
    pub rejected_files: usize,
    /// Valid resources.
    pub resources: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings, of valid and rejected files alike.
    pub warnings: usize,
    /// Files listed but not checked (no resource of a fabric).
    pub ignored_files: usize,
}

impl CheckReport {
    /// Builds the report and its totals.
    pub fn new(
        mut files: Vec<CheckedFile>,
        fabric_configs: Vec<ConfigSource>,
        missing: Vec<MissingObjects>,
    ) -> Self {
        for file in &mut files {
            errors_first(&mut file.findings);
        }
        let files = causes_first(files, |file| &file.path, |file| &file.findings);
        let rejected = files.iter().filter(|f| f.is_rejected()).count();
        let ignored = files.iter().filter(|f| f.ignored.is_some()).count();
        let all = || files.iter().flat_map(|f| &f.findings);
        let errors = all().filter(|f| f.is_error()).count();
        let totals = CheckTotals {
            files: files.len() - ignored,
            valid_files: files.len() - ignored - rejected,
            ignored_files: ignored,
            rejected_files: rejected,
            resources: files.iter().map(|f| f.resources).sum(),
            errors,
            warnings: all().count() - errors + missing.len(),
        };
        CheckReport {
            files,
            fabric_configs,
            totals,
            base: None,
            missing,
        }
    }
}

/// A folder that matched `--fabrics` but is not a fabric.
#[derive(Debug, Clone)]
pub struct SkippedDir {
    /// The folder, relative to the repository.
    pub dir: String,
    /// Why it was skipped.
    pub reason: String,
}

/// What a sync's commits became: the commits (at least one), and where they were pushed.
#[derive(Debug, Clone)]
pub struct CommitOutcome {
    /// Every commit made, oldest first (one, unless the move was split), and why the move
    /// was split, if it was.
    commits: Commits,
    /// Where it was pushed (`origin refs/heads/main`), if it was.
    pub pushed_to: Option<String>,
    /// Why the push failed, if it did (the commit stays in place locally).
    pub push_error: Option<String>,
    /// HTTP requests made to the GitHub API, for the GitHub backend.
    pub api_requests: Option<usize>,
    /// How many plans the run made (more than one when the branch moved meanwhile).
    pub plans: u32,
}

impl CommitOutcome {
    /// The outcome of `commits`, made by `plans` plans with `api_requests` requests to
    /// GitHub, before any push; `None` when no commit was made.
    pub fn of(commits: Commits, api_requests: Option<usize>, plans: u32) -> Option<Self> {
        commits.head()?;
        Some(CommitOutcome {
            commits,
            pushed_to: None,
            push_error: None,
            api_requests,
            plans,
        })
    }

    /// The newest commit id (the last part's, when the move was split).
    pub fn sha(&self) -> &str {
        self.commits
            .head()
            .expect("an outcome holds at least one commit")
    }

    /// Every commit id, oldest first.
    pub fn shas(&self) -> &[String] {
        &self.commits.shas
    }

    /// Why the move was split into several commits, if it was.
    pub fn split_reason(&self) -> Option<&str> {
        self.commits.split_reason.as_deref()
    }
}

/// What `hh-gitops sync` did (or, with `--dry-run`, would do).
#[derive(Debug, Clone)]
pub struct SyncReport {
    /// Whether nothing was changed on purpose.
    pub dry_run: bool,
    /// Per fabric: what moved, what was rejected, what was ignored.
    pub fabrics: Vec<FabricPlan>,
    /// Folders matched by `--fabrics` that are not fabrics.
    pub skipped: Vec<SkippedDir>,
    /// Raw files (`<fabric>/raw/...`) that `.gitignore` ignores: not part of the plan, listed
    /// with the fabric's ignored files and counted in `totals.ignored_files`.
    pub gitignored: BTreeSet<String>,
    /// `--fabrics` globs that matched no fabric (each one a warning).
    pub unmatched_fabrics: Vec<String>,
    /// Counts over all fabrics.
    pub totals: Totals,
    /// The commit, when one was made: every commit that reached the branch, also when the
    /// run failed after them ([`commit_error`](Self::commit_error)).
    pub commit: Option<CommitOutcome>,
    /// Why committing failed (a refused token, a protected branch, GitHub giving up, the
    /// checkout that could not follow a commit that landed): the run fails after reporting.
    pub commit_error: Option<String>,
    /// Why this run commits nothing on purpose (dry run, `--commit none`, the action's
    /// `mode: check`, a pull request), whether or not files would move.
    pub no_commit_reason: Option<String>,
    /// The base a checked change was compared with (a pull request, `--changed-since`).
    pub base: Option<Base>,
}

/// The base a change was compared with.
#[derive(Debug, Clone)]
pub struct Base {
    /// The base commit, when it was found.
    pub commit: Option<String>,
    /// Why it was not, in which case every finding counts.
    pub unknown: Option<String>,
    /// The branch's upstream, when the base is its merge base with HEAD because no other
    /// was given (`check` of unpushed commits).
    pub upstream: Option<String>,
}

impl Base {
    /// The base of `changes`, which `spec` named.
    pub fn of(changes: &BaseDiff, spec: &BaseSpec) -> Self {
        let upstream = match spec {
            BaseSpec::Upstream(upstream) => Some(upstream.clone()),
            _ => None,
        };
        match changes {
            BaseDiff::Known(set) => Base {
                commit: Some(set.base.clone()),
                unknown: None,
                upstream,
            },
            BaseDiff::BaseUnknown(why) => Base {
                commit: None,
                unknown: Some(why.clone()),
                upstream,
            },
        }
    }

    /// One line for people: what the change was compared with and what that means.
    pub fn describe(&self) -> String {
        match (&self.commit, &self.unknown) {
            (Some(commit), _) => format!(
                "checked as a change from {}{}: findings in files the change does not touch are already on the base branch and do not fail the check",
                &commit[..commit.len().min(12)],
                self.upstream.as_ref().map_or(String::new(), |upstream| format!(
                    " (where HEAD left {upstream}, its upstream: the commits not pushed yet; --changed-since REF compares with another)"
                ))
            ),
            (None, Some(why)) => format!(
                "the base of the change is unknown ({why}): every finding counts, as if every file were changed"
            ),
            (None, None) => String::new(),
        }
    }
}

impl SyncReport {
    /// A report of `plan`.
    pub fn new(
        plan: Plan,
        skipped: Vec<SkippedDir>,
        gitignored: BTreeSet<String>,
        dry_run: bool,
    ) -> Self {
        let mut report = SyncReport {
            dry_run,
            fabrics: Vec::new(),
            skipped,
            gitignored,
            unmatched_fabrics: Vec::new(),
            totals: Totals::default(),
            commit: None,
            commit_error: None,
            no_commit_reason: None,
            base: None,
        };
        report.replace_plan(plan);
        report
    }

    /// Shows `plan` instead of the plan the report was made of (what landed of it, when
    /// its commit failed), with its totals.
    pub fn replace_plan(&mut self, plan: Plan) {
        let mut totals = plan.totals();
        totals.ignored_files += self.gitignored.len();
        self.totals = totals;
        self.fabrics = plan.fabrics;
        for fabric in &mut self.fabrics {
            for rejected in &mut fabric.rejected {
                errors_first(&mut rejected.findings);
            }
            fabric.rejected = causes_first(
                std::mem::take(&mut fabric.rejected),
                |rejected| &rejected.path,
                |rejected| &rejected.findings,
            );
            // Sorted by path already: each file's errors come first, in line order.
            fabric
                .managed_findings
                .sort_by(|a, b| (&a.path, a.finding.severity).cmp(&(&b.path, b.finding.severity)));
        }
    }

    /// How many problems fail the run: rejected raw files the change touches (all of them
    /// outside a change) and errors in managed/.
    pub fn blocking(&self) -> usize {
        let rejected = self
            .fabrics
            .iter()
            .flat_map(|f| &f.rejected)
            .filter(|r| !r.untouched)
            .count();
        rejected + self.totals.managed_errors
    }

    /// Whether this run commits nothing on purpose (a dry run, `--commit none`, a pull
    /// request, a tag) although files would move.
    pub fn commits_nothing(&self) -> bool {
        self.no_commit_reason.is_some()
    }

    /// Whether no file moved on the branch although some would: the run [commits
    /// nothing](Self::commits_nothing), or its commit failed before any landed.
    pub fn moved_nothing(&self) -> bool {
        self.commits_nothing() || (self.commit.is_none() && self.commit_error.is_some())
    }

    /// `moved`, or `would move` when [nothing moved](Self::moved_nothing): every printer
    /// says it the same way.
    pub fn move_verb(&self) -> &'static str {
        if self.moved_nothing() {
            "would move"
        } else {
            "moved"
        }
    }

    /// The failure of the commit, for people: what failed and what had landed on the branch
    /// by then. Shared by every printer and by the run's error line.
    pub fn commit_failure(&self) -> Option<String> {
        let error = self.commit_error.as_ref()?;
        Some(match &self.commit {
            None => error.clone(),
            Some(commit) if commit.shas().len() > 1 => format!(
                "commits {} landed on the branch (commit-sha {}), then: {error}",
                commit.shas().join(", "),
                commit.sha()
            ),
            Some(commit) => format!("the commit landed: {}, then: {error}", commit.sha()),
        })
    }

    /// The warning about a `--fabrics` glob that matched no fabric, shared by every printer.
    pub fn unmatched_warning(glob: &str) -> String {
        format!(
            "--fabrics `{glob}` matches no fabric (a folder with a raw/ folder): check its spelling; the other patterns were synced"
        )
    }

    /// The ignored files of `fabric` with the reason each stays, in path order: files that
    /// are not YAML (`None`) and files `.gitignore` ignores.
    pub fn ignored_files<'a>(
        &'a self,
        fabric: &'a FabricPlan,
    ) -> Vec<(&'a str, Option<&'static str>)> {
        let prefix = format!("{}/", fabric.dir);
        let mut files: Vec<(&str, Option<&'static str>)> = fabric
            .ignored
            .iter()
            .map(|path| (path.as_str(), None))
            .chain(
                self.gitignored
                    .iter()
                    .filter_map(|path| path.strip_prefix(prefix.as_str()))
                    .filter(|path| path.starts_with("raw/"))
                    .map(|path| (path, Some(GITIGNORED))),
            )
            .collect();
        files.sort_unstable();
        files
    }
}
