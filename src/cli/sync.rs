//! `hh-gitops sync`: discover -> parse and validate -> plan -> commit, for every fabric.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use anyhow::{Result, bail};

use super::check::check_path;
use super::parallel;
use crate::backend::git::GitRepo;
use crate::backend::github::{GithubApi, GithubTarget};
use crate::backend::local::LocalGit;
use crate::backend::{CommitError, Committer, GithubCommitter};
use crate::plan::{self, FabricInput, Plan, RawFile, RawOutcome, TargetState};
use crate::report::{CommitInfo, SkippedDir, SyncReport};
use crate::schema::Registry;
use crate::source::{self, EntryKind};

/// How the move is recorded.
pub enum Backend {
    /// A commit made with the local git CLI.
    Git,
    /// A commit made through GitHub's GraphQL API.
    Github(GithubTarget),
    /// No commit, for this reason (`--commit none`, a pull request, a tag).
    None(String),
}

/// How a sync run is configured, resolved from the flags.
pub struct SyncConfig<'a> {
    /// The repository folder.
    pub repo: &'a Path,
    /// Fabric globs.
    pub fabrics: &'a [String],
    /// Largest file read.
    pub max_file_size: u64,
    /// Plan only.
    pub dry_run: bool,
    /// How to record the move.
    pub backend: Backend,
    /// Push after committing (git backend).
    pub push: bool,
    /// Commit title.
    pub commit_message: Option<&'a str>,
    /// Seconds since the epoch, for commits made without a configured identity.
    pub now: i64,
}

/// How many plans a run makes before it gives up on a branch that keeps moving.
const MAX_PLANS: u32 = 4;
/// The wait before the second plan; doubled for each further one.
const FIRST_REPLAN_WAIT: Duration = Duration::from_secs(1);

/// Reads every fabric and returns the inputs of the planner plus the skipped folders.
fn discover(
    registry: &Registry,
    config: &SyncConfig,
    git: Option<&GitRepo>,
) -> Result<(Vec<FabricInput>, Vec<SkippedDir>)> {
    let dirs = source::find_fabric_dirs(config.repo, config.fabrics)?;
    let mut skipped = Vec::new();
    let mut fabrics = Vec::new();
    let mut entries = Vec::new();
    for dir in dirs {
        match dir.skip_reason {
            None => {
                let raw = config.repo.join(&dir.rel).join("raw");
                for entry in source::walk(&raw, "raw")? {
                    entries.push((fabrics.len(), entry));
                }
                fabrics.push(FabricInput {
                    dir: dir.rel,
                    files: Vec::new(),
                    targets: BTreeMap::new(),
                });
            }
            Some(reason) => skipped.push(SkippedDir {
                dir: dir.rel,
                reason,
            }),
        }
    }
    if fabrics.is_empty() {
        bail!(
            "no fabric found under {} matching {}: a fabric is a folder with a raw/ folder (see --fabrics)",
            config.repo.display(),
            config.fabrics.join(", ")
        );
    }
    let outcomes = parallel::map(&entries, |(_, entry)| match entry.kind {
        EntryKind::Ignored => RawOutcome::Ignored,
        _ => match check_path(registry, &entry.path, &entry.kind, config.max_file_size) {
            Ok(resources) => RawOutcome::Valid(resources),
            Err(findings) => RawOutcome::Rejected(findings),
        },
    });
    for ((fabric, entry), outcome) in entries.into_iter().zip(outcomes) {
        fabrics[fabric].files.push(RawFile {
            path: entry.rel,
            outcome,
        });
    }
    for fabric in &mut fabrics {
        fabric.targets = targets(config.repo, fabric, git)?;
    }
    Ok((fabrics, skipped))
}

/// The state of every managed path a valid resource of `fabric` maps to.
fn targets(
    repo: &Path,
    fabric: &FabricInput,
    git: Option<&GitRepo>,
) -> Result<BTreeMap<String, TargetState>> {
    let base = repo.join(&fabric.dir);
    let wanted: BTreeSet<String> = fabric
        .files
        .iter()
        .filter_map(|f| match &f.outcome {
            RawOutcome::Valid(resources) => Some(resources.iter().map(|r| r.managed_path())),
            _ => None,
        })
        .flatten()
        .collect();
    let uncommitted = match git {
        Some(git) if !wanted.is_empty() => git.uncommitted(&[format!("{}/managed", fabric.dir)])?,
        _ => BTreeSet::new(),
    };
    let mut states = BTreeMap::new();
    for path in wanted {
        let mut state = source::target_state(&base, &path)?;
        let repo_path = git.map(|g| g.repo_path(&format!("{}/{path}", fabric.dir)));
        if matches!(state, TargetState::File(_) | TargetState::Absent)
            && repo_path.is_some_and(|p| uncommitted.contains(&p))
        {
            state = TargetState::Uncommitted;
        }
        states.insert(path, state);
    }
    Ok(states)
}

/// Runs a sync and returns its report.
///
/// When the branch moves between the plan and the commit, the backend catches up with it
/// and the whole run is planned again from the new head, so a raw file added or changed
/// meanwhile is handled like any other, never lost or moved twice.
pub fn run(registry: &Registry, config: &SyncConfig) -> Result<SyncReport> {
    let needs_git = !config.dry_run && !matches!(config.backend, Backend::None(_));
    let git = if needs_git {
        Some(GitRepo::open(config.repo)?)
    } else {
        GitRepo::open(config.repo).ok()
    };
    // The commit's base is taken before anything is read, so that a commit made meanwhile
    // makes the commit fail with BranchMoved instead of being overwritten.
    let mut committer: Option<Box<dyn Committer>> = match (&git, &config.backend) {
        (Some(git), Backend::Git) if needs_git => {
            Some(Box::new(LocalGit::new(git.clone(), config.now)?))
        }
        (Some(git), Backend::Github(target)) if needs_git => Some(Box::new(GithubCommitter::new(
            GithubApi::new(target.clone())?,
            git.clone(),
        )?)),
        _ => None,
    };
    let mut wait = FIRST_REPLAN_WAIT;
    for attempt in 1..=MAX_PLANS {
        let (inputs, skipped) = discover(registry, config, git.as_ref())?;
        let plan = Plan {
            fabrics: inputs.iter().map(plan::plan_fabric).collect(),
        };
        let changes = plan.changes();
        let message = plan.commit_message(config.commit_message);
        let mut report = SyncReport::new(plan, skipped, config.dry_run);
        if changes.is_empty() {
            return Ok(report);
        }
        if config.dry_run {
            report.no_commit_reason = Some("dry run".into());
            return Ok(report);
        }
        let Some(committer) = committer.as_mut() else {
            let reason = match &config.backend {
                Backend::None(reason) => reason.clone(),
                _ => "no git repository".to_owned(),
            };
            report.no_commit_reason = Some(reason);
            return Ok(report);
        };
        match committer.commit(&changes, &message) {
            Ok(committed) => {
                let mut commit = CommitInfo {
                    sha: committed.sha,
                    pushed_to: None,
                    push_error: None,
                    api_requests: committer.api_requests(),
                    plans: attempt,
                };
                if config.push
                    && let Some(git) = &git
                {
                    match git.push(&commit.sha) {
                        Ok(to) => commit.pushed_to = Some(to),
                        Err(e) => commit.push_error = Some(format!("{e:#}")),
                    }
                }
                report.commit = Some(commit);
                return Ok(report);
            }
            Err(CommitError::BranchMoved) if attempt < MAX_PLANS => {
                std::thread::sleep(wait);
                wait *= 2;
                committer.catch_up()?;
            }
            Err(error @ CommitError::BranchMoved) => {
                return Err(anyhow::Error::new(error).context(format!(
                    "the branch kept moving: gave up after {MAX_PLANS} plans; nothing was committed, run again"
                )));
            }
            Err(CommitError::Other(error)) => return Err(error),
        }
    }
    unreachable!("the loop returns on its last attempt")
}
