//! The GitHub backend: the commit is made on the server through the GraphQL API
//! (`graphql`), then the local checkout is brought to it, the same crash-safe way the local
//! backend does (`checkout`).

use anyhow::{Context, anyhow, bail};

pub use super::graphql::{GithubApi, GithubTarget};

use super::git::GitRepo;
use super::{CommitError, Committed, Committer};
use crate::plan::{Changes, Write};

/// Commits through GitHub's API, keeping the local checkout in step with the branch.
pub struct GithubCommitter {
    api: GithubApi,
    repo: GitRepo,
    base: Option<String>,
}

impl GithubCommitter {
    /// A committer whose plans start from the checkout's HEAD, after finishing the
    /// work-tree update of an interrupted run. Fails at once, before any plan or request
    /// to the API, when HEAD is a local commit that was never pushed.
    pub fn new(api: GithubApi, repo: GitRepo) -> anyhow::Result<Self> {
        let repo = repo.with_token(&api.target().token);
        repo.finish_interrupted()?;
        let base = repo.head()?;
        if let Some(head) = &base {
            check_pushed(&repo, head, &api.target().branch)?;
        }
        Ok(GithubCommitter { api, repo, base })
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

impl Committer for GithubCommitter {
    fn api_requests(&self) -> Option<usize> {
        Some(self.api.requests())
    }

    fn commit(&mut self, changes: &Changes, message: &str) -> Result<Committed, CommitError> {
        let base = self
            .base
            .clone()
            .context("the checkout has no commit: GitHub commits need an existing branch")?;
        self.repo.check_can_commit(changes)?;
        // GitHub refuses to delete a path its tree does not have (a raw file a previous step
        // created but never committed): such files are only added to managed/.
        let tracked = self.repo.tracked(&base, &changes.deletes)?;
        let remote_changes = Changes {
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
        };
        let committed = self.api.create_commit(&base, &remote_changes, message)?;
        // Fetching the branch brings our commit (it is the head, or in the head's history
        // if someone pushed right after it).
        self.repo.fetch_branch(&self.api.target().branch)?;
        let branch = self.repo.branch_ref().unwrap_or_else(|| "HEAD".to_owned());
        // A local failure here is not the server's branch moving: it must not trigger a
        // second commit, so it is never BranchMoved.
        self.repo
            .advance(&branch, Some(&base), &committed.sha, changes)
            .map_err(|e| {
                anyhow!(
                    "GitHub made commit {}, but the checkout could not follow it: {e:#}",
                    committed.sha
                )
            })?;
        self.base = Some(committed.sha.clone());
        Ok(committed)
    }

    fn catch_up(&mut self) -> anyhow::Result<()> {
        let head = self.repo.fetch_branch(&self.api.target().branch)?;
        self.repo.fast_forward(&head)?;
        self.base = self.repo.head()?;
        Ok(())
    }
}
