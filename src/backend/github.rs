//! The GitHub backend: the commit is made on the server through the GraphQL API
//! (`graphql`), then the local checkout is brought to it, the same crash-safe way the local
//! backend does (`checkout`).

use std::collections::BTreeSet;

use anyhow::{Context, anyhow, bail};

pub use super::graphql::{GithubApi, GithubTarget};

use super::git::GitRepo;
use super::graphql::MutationError;
use super::landed::RunMarker;
use super::{CommitError, Commits, Committer, Unfinished, split};
use crate::plan::{FileChanges, Write};

/// Commits through GitHub's API, keeping the local checkout in step with the branch.
pub struct GithubCommitter {
    api: GithubApi,
    repo: GitRepo,
    base: Option<String>,
    max_commit_bytes: usize,
    marker: RunMarker,
}

/// Why one part of a move failed.
enum PartError {
    /// Its mutation failed: it did not land.
    Mutation(MutationError),
    /// It landed as this commit, but the checkout could not follow it.
    Checkout(String, anyhow::Error),
}

impl From<MutationError> for PartError {
    fn from(error: MutationError) -> Self {
        PartError::Mutation(error)
    }
}

impl GithubCommitter {
    /// A committer whose plans start from the checkout's HEAD, after finishing the
    /// work-tree update of an interrupted run, and whose requests stay under
    /// `max_commit_bytes` where whole raw files allow; its commits carry a run marker of
    /// their own. Fails at once, before any plan or request to the API, when HEAD is a
    /// local commit that was never pushed. A fetch of a commit just made that fails is
    /// tried again after `repo`'s [`retry`](super::waits::Waits::retry) wait, doubled each
    /// time.
    pub fn new(api: GithubApi, repo: GitRepo, max_commit_bytes: u64) -> anyhow::Result<Self> {
        let marker = RunMarker::new(&api.target().run)?;
        let repo = repo.with_token(api.target().token.expose());
        repo.finish_interrupted()?;
        let base = repo.head()?;
        if let Some(head) = &base {
            check_pushed(&repo, head, &api.target().branch)?;
        }
        Ok(GithubCommitter {
            api,
            repo,
            base,
            max_commit_bytes: usize::try_from(max_commit_bytes).unwrap_or(usize::MAX),
            marker,
        })
    }

    /// `changes` with repository paths, and without deletions of paths outside `tracked`
    /// (what the base commit tracks): GitHub refuses to delete a path its tree does not have
    /// (a raw file a previous step created but never committed), so such files are only
    /// added to managed/.
    fn remote_changes(&self, tracked: &BTreeSet<String>, changes: &FileChanges) -> FileChanges {
        FileChanges {
            writes: changes
                .writes
                .iter()
                .map(|w| Write {
                    path: self.repo.repo_path(&w.path),
                    content: w.content.clone(),
                })
                .collect(),
            deletes: changes
                .deletes
                .iter()
                .filter(|d| tracked.contains(*d))
                .map(|d| self.repo.repo_path(d))
                .collect(),
        }
    }

    /// The units as GitHub gets them (see [`Self::remote_changes`]), once checked that they
    /// may be committed now.
    fn prepare(&self, units: &[FileChanges]) -> Result<Vec<FileChanges>, CommitError> {
        let base = self
            .base
            .clone()
            .context("the checkout has no commit: GitHub commits need an existing branch")?;
        let all = split::merged(units);
        self.repo.check_can_commit(&all)?;
        let tracked = self.repo.tracked(&base, &all.deletes)?;
        Ok(self
            .repo
            .as_stored(units)?
            .iter()
            .map(|unit| self.remote_changes(&tracked, unit))
            .collect())
    }

    /// Sends one commit of `remote` on top of the current base and brings the checkout to
    /// it (`local` is the same change set with local paths); returns the commit's id.
    fn commit_part(
        &mut self,
        local: &FileChanges,
        remote: &FileChanges,
        message: &str,
        divisible: bool,
    ) -> Result<String, PartError> {
        let base = self
            .base
            .clone()
            .context("the checkout has no commit: GitHub commits need an existing branch")
            .map_err(MutationError::from)?;
        let sha = self
            .api
            .create_commit(&base, remote, message, &self.marker, divisible)?;
        // From here on the commit is on the branch: the next part builds on it, and a local
        // failure is not the server's branch moving, so it never triggers a second commit.
        self.base = Some(sha.clone());
        self.repo
            .follow(
                &self.api.target().branch,
                &base,
                &sha,
                local,
                self.repo.waits().retry,
            )
            .map_err(|error| {
                let error = match error {
                    CommitError::Landed { error, .. } => error,
                    other => anyhow!("{other}"),
                };
                PartError::Checkout(sha.clone(), error)
            })?;
        Ok(sha)
    }
}

/// The message of part `number` of a split move: the move's title marked with the part,
/// the raw files this part moves, then the whole move's summary.
fn part_message(message: &str, number: usize, part: &FileChanges) -> String {
    let (headline, body) = message.split_once('\n').unwrap_or((message, ""));
    let moves: String = part
        .deletes
        .iter()
        .map(|raw| format!("\n  {raw}"))
        .collect();
    format!(
        "{headline} (part {number})\n\nThis part moves:{moves}\n\nThe whole move, split into parts GitHub accepts:\n{}",
        body.trim_start_matches('\n')
    )
}

/// A commit error as the pipeline sees it: a part too large on its own is an ordinary
/// failure with the fix.
fn single(error: MutationError) -> CommitError {
    match error {
        MutationError::Commit(error) => error,
        MutationError::TooLarge(why) => CommitError::Other(anyhow!(
            "GitHub refused the commit as too large ({why}), and it holds one raw file's move, which is never cut: split that raw file into smaller ones"
        )),
    }
}

impl Committer for GithubCommitter {
    fn api_requests(&self) -> Option<usize> {
        Some(self.api.requests())
    }

    fn commit(&mut self, changes: &FileChanges, message: &str) -> Result<String, CommitError> {
        let mut committed = self
            .commit_units(std::slice::from_ref(changes), message)
            .map_err(|unfinished| unfinished.error)?;
        Ok(committed.shas.pop().context("no commit was made")?)
    }

    /// One commit when the move fits `max_commit_bytes`; else as few commits as fit, each
    /// holding whole units in their order and chained by `expectedHeadOid`. A part GitHub
    /// refuses as too large (413, "too large", no answer) is halved and sent again.
    fn commit_units(
        &mut self,
        units: &[FileChanges],
        message: &str,
    ) -> Result<Commits, Unfinished> {
        let prepared = self.prepare(units).map_err(Unfinished::nothing)?;
        let sizes: Vec<usize> = prepared.iter().map(split::request_bytes).collect();
        let overhead = message.len() + 1024;
        let total = overhead + sizes.iter().sum::<usize>();
        let mut parts = split::pack(&sizes, self.max_commit_bytes, overhead);
        let mut landed = Commits {
            shas: Vec::new(),
            split_reason: (parts.len() > 1).then(|| {
                format!(
                    "the move is about {total} bytes as sent, over the {}-byte limit of one API commit (--max-commit-size)",
                    self.max_commit_bytes
                )
            }),
        };
        let mut next = 0;
        while next < parts.len() {
            let range = parts[next].clone();
            let part_message = if parts.len() == 1 {
                message.to_owned()
            } else {
                part_message(message, next + 1, &split::merged(&units[range.clone()]))
            };
            let sent = self.commit_part(
                &split::merged(&units[range.clone()]),
                &split::merged(&prepared[range.clone()]),
                &part_message,
                range.len() > 1,
            );
            match sent {
                Ok(sha) => {
                    landed.shas.push(sha);
                    next += 1;
                }
                Err(PartError::Mutation(MutationError::TooLarge(why))) if range.len() > 1 => {
                    let bytes: usize = overhead + sizes[range.clone()].iter().sum::<usize>();
                    landed.split_reason = Some(format!(
                        "GitHub refused one commit of about {bytes} bytes as too large ({why})"
                    ));
                    let middle = range.start + range.len() / 2;
                    parts.splice(next..=next, [range.start..middle, middle..range.end]);
                }
                Err(PartError::Mutation(error)) => {
                    return Err(Unfinished {
                        landed,
                        units: range.start,
                        error: single(error),
                    });
                }
                Err(PartError::Checkout(sha, error)) => {
                    landed.shas.push(sha);
                    return Err(Unfinished {
                        landed,
                        units: range.end,
                        error: CommitError::Other(error),
                    });
                }
            }
        }
        Ok(landed)
    }

    fn catch_up(&mut self) -> anyhow::Result<()> {
        let head = self.repo.fetch_branch(&self.api.target().branch)?;
        self.repo.fast_forward(&head)?;
        self.base = self.repo.head()?;
        Ok(())
    }
}

/// Fails when `head` is not on the remote `branch`: a commit made in the job and never
/// pushed. GitHub would refuse every commit on top of it as a moved branch, and planning
/// again cannot help. A remote branch that cannot be fetched is left to the API to report.
fn check_pushed(repo: &GitRepo, head: &str, branch: &str) -> anyhow::Result<()> {
    let Ok(remote) = repo.fetch_branch(branch) else {
        return Ok(());
    };
    let on_branch = head == remote
        || repo
            .run(&["merge-base", "--is-ancestor", head, &remote], None)
            .is_ok();
    if !on_branch {
        bail!(
            "the checkout's HEAD {head} is not on the remote branch {branch} (which is at {remote}): it is a commit made in this job and never pushed, and GitHub can only commit on top of the branch as it is there. Nothing was done: push that commit first, or run hh-gitops before making it"
        );
    }
    Ok(())
}
