//! Committing a plan's changes. A `Committer` turns a change set into exactly one commit on
//! top of the commit the plan was made from, or fails without changing the branch. Two
//! backends: the local git CLI (`git`) and GitHub's GraphQL API (`github`).

pub mod git;
pub mod github;
pub mod local;

use anyhow::{Context, Result, anyhow};

use crate::plan::Changes;

/// A commit that was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The new commit's id.
    pub sha: String,
}

/// The branch moved after the plan was made: nothing was committed, and the caller should
/// catch up and plan again.
#[derive(Debug, Clone, Copy)]
pub struct BranchMoved;

impl std::fmt::Display for BranchMoved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the branch moved since the plan was made")
    }
}

impl std::error::Error for BranchMoved {}

/// Whether an error means "the branch moved, plan again".
pub fn is_branch_moved(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| cause.is::<BranchMoved>())
}

/// Records a change set as one commit.
pub trait Committer {
    /// Makes one commit holding exactly `changes` on top of `base()`, with `message`, and
    /// brings the checkout to it. Nothing else (no staged or unstaged work of the user) may
    /// end up in it. Fails with [`BranchMoved`] if the branch moved since `base()`.
    fn commit(&mut self, changes: &Changes, message: &str) -> Result<Committed>;

    /// After [`BranchMoved`]: brings the checkout to the branch's current head, so that the
    /// next plan is made from it.
    fn catch_up(&mut self) -> Result<()>;

    /// How many API requests the backend made, for backends that talk to an API.
    fn api_requests(&self) -> Option<usize> {
        None
    }
}

/// Commits through GitHub's API, keeping the local checkout in step with the branch.
pub struct GithubCommitter {
    api: github::GithubApi,
    repo: git::GitRepo,
    base: Option<String>,
}

impl GithubCommitter {
    /// A committer whose plans start from the checkout's HEAD.
    pub fn new(api: github::GithubApi, repo: git::GitRepo) -> Result<Self> {
        let repo = repo.with_token(&api.target().token);
        let base = repo.head()?;
        Ok(GithubCommitter { api, repo, base })
    }
}

impl Committer for GithubCommitter {
    fn api_requests(&self) -> Option<usize> {
        Some(self.api.requests())
    }

    fn commit(&mut self, changes: &Changes, message: &str) -> Result<Committed> {
        let base = self
            .base
            .clone()
            .context("the checkout has no commit: GitHub commits need an existing branch")?;
        // GitHub refuses to delete a path its tree does not have (a raw file a previous step
        // created but never committed): such files are only added to managed/.
        let tracked = self.repo.tracked(&base, &changes.deletes)?;
        let remote_changes = Changes {
            writes: changes
                .writes
                .iter()
                .map(|w| crate::plan::Write {
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
        };
        let committed = self.api.create_commit(&base, &remote_changes, message)?;
        // Fetching the branch brings our commit (it is the head, or in the head's history
        // if someone pushed right after it).
        self.repo.fetch_branch(&self.api.target().branch)?;
        let branch = self.repo.branch_ref().unwrap_or_else(|| "HEAD".to_owned());
        // A local failure here is not the server's branch moving: it must not trigger a
        // second commit, so BranchMoved is not passed on.
        self.repo
            .advance(&branch, Some(&base), &committed.sha, changes)
            .map_err(|e| anyhow!("{e:#}"))
            .with_context(|| {
                format!(
                    "GitHub made commit {}, but the checkout could not follow it",
                    committed.sha
                )
            })?;
        self.base = Some(committed.sha.clone());
        Ok(committed)
    }

    fn catch_up(&mut self) -> Result<()> {
        let head = self.repo.fetch_branch(&self.api.target().branch)?;
        self.repo.fast_forward(&head)?;
        self.base = self.repo.head()?;
        Ok(())
    }
}
