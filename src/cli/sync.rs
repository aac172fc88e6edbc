//! `hh-gitops sync`: discover -> parse and validate -> plan -> commit, for every fabric.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, bail};

use super::check::check_path;
use super::parallel;
use crate::backend::Committer;
use crate::backend::git::{GitRepo, LocalGit};
use crate::plan::{self, FabricInput, Plan, RawFile, RawOutcome, TargetState};
use crate::report::{CommitInfo, SkippedDir, SyncReport};
use crate::schema::Registry;
use crate::source::{self, EntryKind, RawFolder};

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
    /// Commit with git (else: check only).
    pub commit: bool,
    /// Push after committing.
    pub push: bool,
    /// Commit title.
    pub commit_message: Option<&'a str>,
    /// Seconds since the epoch, for commits made without a configured identity.
    pub now: i64,
}

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
        match dir.raw {
            RawFolder::Present => {
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
            RawFolder::Missing => skipped.push(SkippedDir {
                dir: dir.rel,
                reason: "no raw/ folder".into(),
            }),
            RawFolder::Symlink => skipped.push(SkippedDir {
                dir: dir.rel,
                reason:
                    "raw/ is a symbolic link: hh-gitops never follows links; make it a real folder"
                        .into(),
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
pub fn run(registry: &Registry, config: &SyncConfig) -> Result<SyncReport> {
    let git = if config.commit && !config.dry_run {
        Some(GitRepo::open(config.repo)?)
    } else {
        GitRepo::open(config.repo).ok()
    };
    // The commit's base is taken before anything is read, so that a commit made meanwhile
    // makes the compare-and-swap fail instead of being overwritten.
    let committer = match &git {
        Some(git) if config.commit && !config.dry_run => {
            Some(LocalGit::new(git.clone(), config.now)?)
        }
        _ => None,
    };
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
    let (Some(git), Some(mut committer)) = (git, committer) else {
        report.no_commit_reason = Some("--commit none".into());
        return Ok(report);
    };
    let committed = committer.commit(&changes, &message)?;
    let mut commit = CommitInfo {
        sha: committed.sha,
        pushed_to: None,
        push_error: None,
    };
    if config.push {
        match git.push(&commit.sha) {
            Ok(to) => commit.pushed_to = Some(to),
            Err(e) => commit.push_error = Some(format!("{e:#}")),
        }
    }
    report.commit = Some(commit);
    Ok(report)
}
