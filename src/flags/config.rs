//! The resolved configuration: command-line flags and the GitHub Actions environment turned,
//! once and before any work, into the plain values the pipeline and the emitter run on.
//! Every default that depends on where hh-gitops runs is decided here and nowhere else.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::backend::diff::BaseSpec;
use crate::backend::git::GitRepo;
use crate::backend::github::GithubTarget;
use crate::backend::waits::Waits;
use crate::finding::rules;
use crate::flags::args::{CheckArgs, ColorArg, CommitMode, CommonArgs, Format, SyncArgs};
use crate::flags::repo::{FoundRepoConfig, current_repository, work_tree_top};
use crate::gha::{ActionsEnv, ActionsTarget};
use crate::repo_config::{RuleLevel, RuleLevels};
use crate::report::markdown::Links;
use crate::rules::Release;
use crate::rules::config_file::{Declared, DeclaredBy};
use crate::rules::state::References;
use crate::secret::Secret;

/// How a sync records the move: the one decision `--commit`, `--dry-run`, `--push` and the
/// Actions environment (event, ref, token) together make.
#[derive(Debug)]
pub enum SyncTarget {
    /// A commit made with the local git CLI, then pushed to the upstream if `push`.
    Git {
        /// Push the commit to the branch's upstream.
        push: bool,
    },
    /// A commit made through GitHub's GraphQL API on this branch.
    Github(GithubTarget),
    /// `--dry-run`: plan, report, change nothing.
    DryRun,
    /// No commit, for this reason (`--commit none`, a pull request, a tag): the run only
    /// checks and says what would move.
    CheckOnly(String),
}

impl SyncTarget {
    /// Resolves `--commit` (default: GitHub inside Actions, else git), `--dry-run` and
    /// `--push`.
    pub fn resolve(args: &SyncArgs, actions: &ActionsEnv) -> Result<SyncTarget> {
        if args.dry_run {
            return Ok(SyncTarget::DryRun);
        }
        let mode = args.commit.unwrap_or(if actions.in_actions {
            CommitMode::Github
        } else {
            CommitMode::Git
        });
        Ok(match mode {
            CommitMode::Git => SyncTarget::Git { push: args.push },
            CommitMode::None if actions.action_mode.as_deref() == Some("check") => {
                SyncTarget::CheckOnly("the action's `mode: check` never commits".into())
            }
            CommitMode::None => SyncTarget::CheckOnly("`--commit none` never commits".into()),
            CommitMode::Github => match actions.actions_target()? {
                ActionsTarget::Branch(target) => SyncTarget::Github(target),
                ActionsTarget::CheckOnly(reason) => SyncTarget::CheckOnly(reason),
            },
        })
    }

    /// Whether this run writes a commit (and so needs a git work tree).
    pub fn commits(&self) -> bool {
        self.no_commit_reason().is_none()
    }

    /// Why this run commits nothing (`dry run`, `--commit none`, a pull request event...),
    /// or `None` when it commits.
    pub fn no_commit_reason(&self) -> Option<String> {
        match self {
            SyncTarget::Git { .. } | SyncTarget::Github(_) => None,
            SyncTarget::DryRun => Some("dry run".to_owned()),
            SyncTarget::CheckOnly(reason) => Some(reason.clone()),
        }
    }
}

/// The base a run's change is compared with: `--changed-since REF`, else the base branch of
/// the pull request the Actions run checks, else the base commit of the merge group a
/// merge queue run checks, else none.
fn changed_since(common: &CommonArgs, actions: &ActionsEnv) -> Option<BaseSpec> {
    if let Some(reference) = &common.changed_since {
        return Some(BaseSpec::Ref(reference.clone()));
    }
    if let Some(branch) = actions.pull_request_base() {
        return Some(BaseSpec::PullRequest { branch });
    }
    actions.merge_group_base().map(|base| match base {
        Ok(base_sha) => BaseSpec::MergeGroup { base_sha },
        Err(why) => BaseSpec::Unknown(why),
    })
}

/// Whether to colour the text output.
fn color(arg: ColorArg, actions: &ActionsEnv) -> bool {
    use std::io::IsTerminal as _;
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            !actions.in_actions
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// The settings every run of check and sync shares: each flag (or its `HH_GITOPS_*`
/// variable), else the repository config, else the built-in default.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Whether a warning rejects its file.
    pub deny_warnings: bool,
    /// What a reference to an object nowhere in the repository is; `deny_warnings` makes it
    /// strict, as the warning that would say so is gathered per fabric, not per file.
    pub references: References,
    /// The release of every fabric whose fab.yaml pins none, and who declared it.
    pub release: Option<Declared>,
    /// The fabric config of every fabric (`--fabric-config`).
    pub fabric_config: Option<PathBuf>,
    /// The repository config's config file per fabric folder: (folder, file, how the file
    /// is named), paths from the current folder.
    pub fabric_configs: Vec<(PathBuf, PathBuf, String)>,
    /// The repository config's level per rule id.
    pub rule_levels: RuleLevels,
    /// The repository config file read, as messages name it.
    pub repo_config: Option<String>,
}

impl Policy {
    fn resolve(common: &CommonArgs, found: Option<&FoundRepoConfig>) -> Policy {
        let settings = found.map(|found| &found.settings);
        let deny_warnings = common
            .deny_warnings
            .or(settings.and_then(|s| s.deny_warnings))
            .unwrap_or(false);
        // `ref/missing` in the config's `rules:` is the references policy by another name:
        // `error` makes references strict unless `--references` says otherwise, and a level
        // set there (as for every rule) decides over `--deny-warnings`.
        let missing_level = settings.and_then(|s| s.rules.get(rules::REF_MISSING));
        let references = match (common.references.map(References::from), missing_level) {
            (_, None | Some(RuleLevel::Error)) if deny_warnings => References::Strict,
            (Some(references), _) => references,
            (None, Some(RuleLevel::Error)) => References::Strict,
            (None, _) => settings.and_then(|s| s.references).unwrap_or_default(),
        };
        let fabric_configs = found
            .map(|found| {
                found
                    .settings
                    .fabric_configs
                    .iter()
                    .map(|entry| {
                        (
                            found.dir.join(&entry.fabric),
                            found.dir.join(&entry.file),
                            entry.file.clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Policy {
            deny_warnings,
            references,
            release: declared(common.hedgehog_release, DeclaredBy::Flag).or(declared(
                settings.and_then(|s| s.hedgehog_release),
                DeclaredBy::RepoConfig,
            )),
            fabric_config: common.fabric_config.clone(),
            fabric_configs,
            rule_levels: settings.map(|s| s.rules.clone()).unwrap_or_default(),
            repo_config: found.map(|found| found.display.clone()),
        }
    }
}

/// Everything a check run needs, resolved.
#[derive(Debug)]
pub struct CheckConfig {
    /// The files and folders to check.
    pub paths: Vec<PathBuf>,
    /// `--fabrics`: check only the files of these fabrics (and, without a path, these
    /// fabrics instead of the default ones).
    pub fabrics: Option<Vec<String>>,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// What the flags and the repository config decide together.
    pub policy: Policy,
    /// The base the change is compared with, if the run checks a change.
    pub changed_since: Option<BaseSpec>,
}

impl CheckConfig {
    /// Resolves the flags of `check` and the repository config (searched from the current
    /// folder) against the Actions environment.
    pub fn resolve(args: &CheckArgs, actions: &ActionsEnv) -> Result<CheckConfig> {
        let found = FoundRepoConfig::locate(&args.common, Path::new("."))?;
        let fabrics = if args.fabrics.is_empty() {
            found.as_ref().and_then(|found| {
                let globs = found.settings.fabrics.as_ref()?;
                // `check` finds fabrics from the top of the work tree; the file's globs
                // start at its own folder.
                let below = work_tree_top(&found.dir)
                    .zip(std::fs::canonicalize(&found.dir).ok())
                    .and_then(|(top, dir)| {
                        dir.strip_prefix(top)
                            .ok()
                            .map(|below| below.to_string_lossy().into_owned())
                    })
                    .unwrap_or_default();
                Some(
                    globs
                        .iter()
                        .map(|glob| {
                            if below.is_empty() {
                                glob.clone()
                            } else {
                                format!("{below}/{glob}")
                            }
                        })
                        .collect(),
                )
            })
        } else {
            Some(args.fabrics.clone())
        }
        .or_else(|| {
            args.only_fabrics
                .then(|| vec![crate::source::DEFAULT_FABRICS.to_owned()])
        });
        Ok(CheckConfig {
            paths: args.paths.clone(),
            fabrics,
            max_file_size: args.common.max_file_size,
            policy: Policy::resolve(&args.common, found.as_ref()),
            changed_since: changed_since(&args.common, actions).or_else(unpushed_change),
        })
    }
}

/// `check`'s base when none is given: the branch's upstream, when HEAD holds commits it
/// lacks, so that a change's deletions are checked before it is pushed (a pre-commit hook
/// or a plain `check` never sees a deleted file otherwise).
fn unpushed_change() -> Option<BaseSpec> {
    let git = GitRepo::open(Path::new(".")).ok()?;
    git.unpushed_upstream().map(BaseSpec::Upstream)
}

/// Everything a sync run needs, resolved.
#[derive(Debug)]
pub struct SyncConfig {
    /// The repository folder.
    pub repo: PathBuf,
    /// Fabric globs, relative to the repository.
    pub fabrics: Vec<String>,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// What the flags and the repository config decide together.
    pub policy: Policy,
    /// How the move is recorded.
    pub target: SyncTarget,
    /// The commit title; `None` (also for a blank `--commit-message`) means the default.
    pub commit_message: Option<String>,
    /// Seconds since the epoch, for commits made without a configured identity.
    pub now: i64,
    /// The base the change is compared with, if the run checks a change.
    pub changed_since: Option<BaseSpec>,
    /// The token to fetch a pull request's base with (`GITHUB_TOKEN` in Actions): the
    /// checkout need not persist credentials.
    pub fetch_token: Option<Secret>,
    /// `--max-commit-size`: the largest request of one GitHub API commit.
    pub max_commit_bytes: u64,
    /// Every wait before trying again or for a lock: the production values unless the
    /// (hidden) flags of the tests shorten them.
    pub waits: Waits,
}

impl SyncConfig {
    /// Resolves the flags of `sync` and the repository config (searched from `--repo`, else
    /// the current folder) against the Actions environment.
    ///
    /// The fabric globs start at `--repo`, else at the repository config's folder, else at
    /// the top of the current git work tree, so that `sync` runs alike from any subfolder;
    /// globs the repository config gives start at its folder.
    pub fn resolve(args: &SyncArgs, actions: &ActionsEnv) -> Result<SyncConfig> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let start = args.repo.clone().unwrap_or_else(|| PathBuf::from("."));
        let found = FoundRepoConfig::locate(&args.common, &start)?;
        let config_globs = found
            .as_ref()
            .and_then(|found| Some((found.dir.clone(), found.settings.fabrics.clone()?)));
        let (repo, fabrics) = match (args.fabrics.is_empty(), config_globs) {
            (false, _) => (start_folder(args, found.as_ref()), args.fabrics.clone()),
            (true, Some((dir, globs))) => (dir, globs),
            (true, None) => (
                start_folder(args, found.as_ref()),
                vec![crate::source::DEFAULT_FABRICS.to_owned()],
            ),
        };
        Ok(SyncConfig {
            repo,
            fabrics,
            max_file_size: args.common.max_file_size,
            policy: Policy::resolve(&args.common, found.as_ref()),
            target: SyncTarget::resolve(args, actions)?,
            commit_message: args
                .commit_message
                .as_deref()
                .map(str::trim)
                .filter(|title| !title.is_empty())
                .map(str::to_owned),
            now,
            changed_since: changed_since(&args.common, actions),
            fetch_token: actions.token().cloned(),
            max_commit_bytes: args.max_commit_size,
            waits: waits(args),
        })
    }
}

fn declared(release: Option<Release>, by: DeclaredBy) -> Option<Declared> {
    release.map(|release| Declared { release, by })
}

/// Where `sync`'s own fabric globs start: `--repo`, else the repository config's folder,
/// else the top of the current git work tree, else the current folder.
fn start_folder(args: &SyncArgs, found: Option<&FoundRepoConfig>) -> PathBuf {
    if let Some(repo) = &args.repo {
        return repo.clone();
    }
    found
        .map(|found| found.dir.clone())
        .unwrap_or_else(current_repository)
}

/// The waits of `sync`: each one a hidden flag sets, else the production value.
fn waits(args: &SyncArgs) -> Waits {
    let production = Waits::default();
    let or = |ms: Option<u64>, default: Duration| ms.map_or(default, Duration::from_millis);
    Waits {
        retry: or(args.retry_wait_ms, production.retry),
        github_backoff: or(args.github_backoff_ms, production.github_backoff),
        repo_lock: or(args.repo_lock_wait_ms, production.repo_lock),
        index_lock: or(args.index_lock_wait_ms, production.index_lock),
    }
}

/// Where and how a run's results are written: decided before any work, so that a path that
/// cannot be written fails the run before anything is committed.
#[derive(Debug, Clone)]
pub struct EmitConfig {
    /// What goes to stdout.
    pub format: Format,
    /// Links from the job summary to each finding's file and line (inside Actions).
    pub links: Option<Links>,
    /// `--quiet`: only errors and totals in the text output.
    pub quiet: bool,
    /// `--show-rule`: each finding of the text output ends in its rule id.
    pub show_rule: bool,
    /// Whether the text output is coloured: `--color`, `NO_COLOR`, whether stdout is a
    /// terminal, and never inside GitHub Actions (its log is not a terminal).
    pub color: bool,
    /// `--report-json`.
    pub report_json: Option<PathBuf>,
    /// `--sarif`.
    pub sarif: Option<PathBuf>,
    /// The Markdown summary: `--summary`, else `$GITHUB_STEP_SUMMARY`.
    pub summary: Option<PathBuf>,
    /// `$GITHUB_OUTPUT`, written by `sync` only.
    pub step_outputs: Option<PathBuf>,
    /// Exit 1 when a file was rejected (`--no-fail-on-rejected` turns it off for `sync`).
    pub fail_on_rejected: bool,
}

impl EmitConfig {
    /// The emit settings of `check`.
    pub fn for_check(common: &CommonArgs, actions: &ActionsEnv) -> EmitConfig {
        EmitConfig {
            format: common.format,
            links: None,
            quiet: common.quiet,
            show_rule: common.show_rule,
            color: color(common.color, actions),
            report_json: common.report_json.clone(),
            sarif: common.sarif.clone(),
            summary: actions.step_summary.clone(),
            step_outputs: None,
            fail_on_rejected: true,
        }
    }

    /// The emit settings of `sync`.
    pub fn for_sync(args: &SyncArgs, actions: &ActionsEnv) -> EmitConfig {
        EmitConfig {
            format: args.common.format,
            links: actions.blob_url().map(|blob| Links { blob }),
            quiet: args.common.quiet,
            show_rule: args.common.show_rule,
            color: color(args.common.color, actions),
            report_json: args.common.report_json.clone(),
            sarif: args.common.sarif.clone(),
            summary: args
                .summary
                .clone()
                .or_else(|| actions.step_summary.clone()),
            step_outputs: actions.output.clone(),
            fail_on_rejected: !args.no_fail_on_rejected,
        }
    }

    /// Fails if any output file cannot be created or appended to. Files that did not exist
    /// are removed again, so a run that fails later leaves nothing behind.
    pub fn check_paths(&self) -> Result<()> {
        let paths = [
            ("--report-json", &self.report_json),
            ("--sarif", &self.sarif),
            ("the summary file", &self.summary),
            ("GITHUB_OUTPUT", &self.step_outputs),
        ];
        for (what, path) in paths {
            let Some(path) = path else { continue };
            let existed = std::fs::symlink_metadata(path).is_ok();
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| {
                    format!(
                        "cannot write {what} {}: nothing was done; fix the path and run again",
                        path.display()
                    )
                })?;
            if !existed {
                std::fs::remove_file(path)
                    .with_context(|| format!("cannot remove the probe {}", path.display()))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::args::{Cli, Command};
    use clap::Parser;

    fn sync_args(args: &[&str]) -> SyncArgs {
        let mut all = vec!["hh-gitops", "sync"];
        all.extend_from_slice(args);
        match Cli::parse_from(all).command {
            Command::Sync(args) => args,
            _ => unreachable!("parsed a sync"),
        }
    }

    #[test]
    fn a_blank_commit_message_means_the_default() {
        let actions = ActionsEnv::default();
        for blank in ["", "   ", "\n\t"] {
            let config =
                SyncConfig::resolve(&sync_args(&["--commit-message", blank]), &actions).unwrap();
            assert_eq!(config.commit_message, None, "{blank:?}");
        }
        let config =
            SyncConfig::resolve(&sync_args(&["--commit-message", " move "]), &actions).unwrap();
        assert_eq!(config.commit_message.as_deref(), Some("move"));
    }

    #[test]
    fn dry_run_wins_over_every_commit_mode_and_git_is_the_default_outside_actions() {
        let actions = ActionsEnv::default();
        let commit =
            SyncTarget::resolve(&sync_args(&["--dry-run", "--commit", "github"]), &actions);
        assert!(matches!(commit.unwrap(), SyncTarget::DryRun));
        let commit = SyncTarget::resolve(&sync_args(&["--push"]), &actions).unwrap();
        assert!(matches!(commit, SyncTarget::Git { push: true }));
        let commit = SyncTarget::resolve(&sync_args(&["--commit", "none"]), &actions).unwrap();
        assert!(
            matches!(commit, SyncTarget::CheckOnly(reason) if reason == "`--commit none` never commits")
        );
    }

    #[test]
    fn unwritable_output_paths_are_found_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("report.json");
        let emit = EmitConfig {
            format: Format::Text,
            links: None,
            quiet: false,
            show_rule: false,
            color: false,
            report_json: Some(fresh.clone()),
            sarif: None,
            summary: Some(dir.path().join("no/such/folder/summary.md")),
            step_outputs: None,
            fail_on_rejected: true,
        };
        let error = format!("{:#}", emit.check_paths().unwrap_err());
        assert!(
            error.starts_with(&format!(
                "cannot write the summary file {}/no/such/folder/summary.md: nothing was done",
                dir.path().display()
            )),
            "{error}"
        );
        assert!(!fresh.exists(), "the probe of a new file leaves nothing");
    }
}
