//! The pipeline driver: runs the stages in order on a resolved configuration and returns a
//! report. `discover` reads and checks, `plan` decides, a `Committer` records; nothing here
//! parses flags or prints.

mod carried;
mod changes;
mod check;
mod discover;
pub mod fabric_config;
mod list;
mod state;
mod warnings;

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::backend::diff::{BaseDiff, BaseSpec};
use crate::backend::git::GitRepo;
use crate::backend::github::GithubApi;
use crate::backend::local::LocalGit;
use crate::backend::{CommitError, Commits, Committer, GithubCommitter, Unfinished};
use crate::flags::config::{CheckConfig, SyncConfig, SyncTarget};
use crate::plan::{self, Plan};
use crate::report::{Base, CheckReport, SyncReport};
use crate::rules::config_file::ConfigSource;
use crate::schema::Registry;
use fabric_config::Given;
pub use list::list;
pub use state::{LoadedFabric, Reading, kind_named, load_fabrics};

/// How many plans a run makes before it gives up on a branch that keeps moving.
const MAX_PLANS: u32 = 4;

/// `check`: validates every file under the configured paths and moves nothing. A warning
/// rejects its file like an error when the policy says so (`pipeline::warnings`).
pub fn check(registry: &Registry, config: &CheckConfig) -> Result<CheckReport> {
    let given = Given::read(&config.policy)?;
    let changes = match &config.changed_since {
        Some(spec) => Some(read_changes(&GitRepo::open(Path::new("."))?, spec)?),
        None => None,
    };
    let selection = check::Selection::resolve(&config.paths, config.fabrics.as_deref())?;
    let check::Checked {
        mut files,
        configs,
        mut missing,
    } = check::checked_files(
        registry,
        &selection,
        config.max_file_size,
        &given,
        config.policy.references,
        changes.as_ref(),
    )?;
    let levels = warnings::Levels::of(&config.policy);
    files
        .iter_mut()
        .for_each(|file| levels.apply_to_checked(file));
    levels.apply_to_missing(&mut missing);
    let mut sources: Vec<ConfigSource> = Vec::new();
    for config in configs {
        if !sources.contains(&config.source) {
            sources.push(config.source);
        }
    }
    let mut report = CheckReport::new(files, sources, missing);
    report.base = changes
        .as_ref()
        .zip(config.changed_since.as_ref())
        .map(|(changes, spec)| Base::of(changes, spec));
    Ok(report)
}

/// What the change touches, relative to the base `spec` names.
fn read_changes(git: &GitRepo, spec: &BaseSpec) -> Result<BaseDiff> {
    git.changes(spec, changes::is_managed_path)
}

/// The committer `config` asks for, with its base taken now: before anything is read, so
/// that a commit made meanwhile makes the commit fail with `BranchMoved` instead of being
/// overwritten.
fn committer(config: &SyncConfig, git: Option<&GitRepo>) -> Result<Option<Box<dyn Committer>>> {
    let Some(git) = git else { return Ok(None) };
    Ok(match &config.target {
        SyncTarget::Git { .. } => Some(Box::new(LocalGit::new(git.clone(), config.now)?)),
        SyncTarget::Github(target) => Some(Box::new(GithubCommitter::new(
            GithubApi::new(target.clone(), config.waits.github_backoff)?,
            git.clone(),
            config.max_commit_bytes,
        )?)),
        SyncTarget::DryRun | SyncTarget::CheckOnly(_) => None,
    })
}

/// `sync`: discover, check, plan and commit every fabric; returns the report.
///
/// When the branch moves between the plan and the commit, the backend catches up with it
/// and the whole run is planned again from the new head, so a raw file added or changed
/// meanwhile is handled like any other, never lost or moved twice. When it moves between
/// two parts of a split move, the parts that landed stay and the rest is planned again the
/// same way.
///
/// Once a plan is made, a failure to commit it is part of the report
/// ([`SyncReport::commit_error`], with every commit that landed in [`SyncReport::commit`]),
/// not an error: the findings, outputs and summary are written whatever happened to the
/// commit.
pub fn sync(registry: &Registry, config: &SyncConfig) -> Result<SyncReport> {
    let opened = if config.target.commits() {
        Some(GitRepo::open(&config.repo)?)
    } else {
        GitRepo::open(&config.repo).ok()
    };
    // `--repo` may be a folder inside the work tree (the action's `path:`, a monorepo's
    // `infra/`): the fabric globs start there, and the run works from the top of the work
    // tree, so that every path it reports and commits is the repository's own, as GitHub's
    // annotations, code scanning and links name files.
    let below = opened.as_ref().map_or("", GitRepo::prefix).to_owned();
    let git = opened.map(|opened| opened.at_top().with_waits(config.waits));
    let given = Given::read(&config.policy)?;
    let changes = match (&config.changed_since, &git) {
        (Some(spec), Some(git)) => {
            let git = match &config.fetch_token {
                Some(token) => git.clone().with_token(token.expose()),
                None => git.clone(),
            };
            Some(read_changes(&git, spec)?)
        }
        (Some(_), None) => bail!(
            "{} is not a git work tree: a change can only be checked in one (--changed-since)",
            config.repo.display()
        ),
        (None, _) => None,
    };
    let mut committer = committer(config, git.as_ref())?;
    let mut carried = carried::Carried::default();
    let mut wait = config.waits.retry;
    // The report of what earlier plans landed, should planning again fail.
    let mut landed_report: Option<SyncReport> = None;
    for attempt in 1..=MAX_PLANS {
        let found = discover::fabrics(
            registry,
            config,
            &below,
            &given,
            git.as_ref(),
            changes.as_ref(),
        );
        let mut found = match (found, landed_report.take()) {
            (Ok(found), _) => found,
            (Err(error), Some(mut report)) => {
                report.commit_error = Some(format!(
                    "the branch moved, and planning the rest again failed: {error:#}"
                ));
                return Ok(report);
            }
            (Err(error), None) => return Err(error),
        };
        let levels = warnings::Levels::of(&config.policy);
        for input in &mut found.inputs {
            for file in &mut input.files {
                levels.apply_to_outcome(&mut file.outcome);
            }
            levels.apply_to_missing(&mut input.missing);
        }
        let plan = Plan {
            fabrics: found.inputs.iter().map(plan::plan_fabric).collect(),
        };
        let units = plan.change_units();
        let message = plan.commit_message(config.commit_message.as_deref());
        let mut report = SyncReport::new(
            carried.shown(&plan),
            found.skipped,
            found.gitignored,
            matches!(config.target, SyncTarget::DryRun),
        );
        report.no_commit_reason = config.target.no_commit_reason();
        report.base = changes
            .as_ref()
            .zip(config.changed_since.as_ref())
            .map(|(changes, spec)| Base::of(changes, spec));
        report.unmatched_fabrics = found.unmatched;
        let Some(committer) = committer.as_mut() else {
            return Ok(report);
        };
        let api_requests = committer.api_requests();
        if units.is_empty() {
            report.commit = carried.commits(Commits::default(), api_requests, attempt);
            return Ok(report);
        }
        match committer.commit_units(&units, &message) {
            Ok(committed) => {
                let mut commit = carried
                    .commits(committed, committer.api_requests(), attempt)
                    .context("no commit was made")?;
                if let (SyncTarget::Git { push: true }, Some(git)) = (&config.target, &git) {
                    match git.push(commit.sha()) {
                        Ok(to) => commit.pushed_to = Some(to),
                        Err(e) => commit.push_error = Some(format!("{e:#}")),
                    }
                }
                report.commit = Some(commit);
                return Ok(report);
            }
            Err(Unfinished {
                landed,
                units: landed_units,
                error,
            }) => {
                carried.add(&plan, &units[..landed_units], landed);
                let failure = match error {
                    // The only place that asks whether the branch moved. The second plan
                    // follows at once: the branch moved once (a push), and waiting helps
                    // only a branch that keeps moving.
                    CommitError::BranchMoved if attempt < MAX_PLANS => {
                        if attempt > 1 {
                            std::thread::sleep(wait);
                            wait *= 2;
                        }
                        match committer.catch_up() {
                            Ok(()) => {
                                if !carried.is_empty() {
                                    report.replace_plan(carried.landed_only(&plan));
                                    report.commit = carried.commits(
                                        Commits::default(),
                                        committer.api_requests(),
                                        attempt,
                                    );
                                    landed_report = Some(report);
                                }
                                continue;
                            }
                            Err(error) => format!(
                                "the branch moved, and the checkout could not catch up with it: {error:#}"
                            ),
                        }
                    }
                    CommitError::BranchMoved => {
                        let rest = if carried.is_empty() {
                            "; nothing was committed"
                        } else {
                            ""
                        };
                        format!(
                            "the branch kept moving: gave up after {MAX_PLANS} plans{rest}; run again"
                        )
                    }
                    error if landed_units < units.len() && !carried.is_empty() => {
                        format!("{error}; run hh-gitops again to move the rest")
                    }
                    error => error.to_string(),
                };
                // Whatever failed, the report is made of the plan's findings and what landed:
                // when nothing did, it shows what would have moved.
                if !carried.is_empty() {
                    report.replace_plan(carried.landed_only(&plan));
                }
                report.commit =
                    carried.commits(Commits::default(), committer.api_requests(), attempt);
                report.commit_error = Some(failure);
                return Ok(report);
            }
        }
    }
    unreachable!("the loop returns on its last attempt")
}
