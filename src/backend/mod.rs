//! Committing a plan's changes. A `Committer` turns a change set into exactly one commit on
//! top of the commit the plan was made from, or fails without changing the branch. Two
//! backends: the local git CLI (`local`) and GitHub's GraphQL API (`github`); both bring the
//! local checkout along through `checkout`.

mod checkout;
pub mod diff;
pub mod git;
pub mod github;
mod graphql;
mod guard;
mod journal;
pub mod local;
mod reply;
pub mod split;

pub use github::GithubCommitter;

use crate::plan::Changes;

/// A commit that was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The new commit's id.
    pub sha: String,
}

/// The commits that carried out a plan: one, unless the backend had to split the move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commits {
    /// Every commit made, oldest first; the last is the branch's new head.
    pub shas: Vec<String>,
    /// Why the move was split into more than one commit, if it was.
    pub split_reason: Option<String>,
}

/// Why a commit was not made.
#[derive(Debug)]
pub enum CommitError {
    /// The branch moved after the plan was made: nothing was committed, and the caller
    /// should catch up and plan again.
    BranchMoved,
    /// Commits reached the branch, then something failed (the checkout could not follow
    /// them, a later part of a split move was refused): they are the run's, and it fails.
    Landed {
        /// The commits on the branch, oldest first.
        shas: Vec<String>,
        /// What failed after them.
        error: anyhow::Error,
    },
    /// Anything else, with nothing committed; planning again would not help.
    Other(anyhow::Error),
}

impl CommitError {
    /// The commits that reached the branch before the failure, oldest first.
    pub fn landed(&self) -> &[String] {
        match self {
            CommitError::Landed { shas, .. } => shas,
            CommitError::BranchMoved | CommitError::Other(_) => &[],
        }
    }
}

impl std::fmt::Display for CommitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommitError::BranchMoved => {
                f.write_str("the branch moved while hh-gitops was working; nothing was committed")
            }
            CommitError::Landed { error, .. } | CommitError::Other(error) => write!(f, "{error:#}"),
        }
    }
}

impl std::error::Error for CommitError {}

impl From<anyhow::Error> for CommitError {
    fn from(error: anyhow::Error) -> Self {
        CommitError::Other(error)
    }
}

/// Records a change set as one commit.
pub trait Committer {
    /// Makes one commit holding exactly `changes` on top of `base()`, with `message`, and
    /// brings the checkout to it. Nothing else (no staged or unstaged work of the user) may
    /// end up in it. Fails with [`CommitError::BranchMoved`] if the branch moved since the
    /// base was taken.
    fn commit(&mut self, changes: &Changes, message: &str) -> Result<Committed, CommitError>;

    /// Commits the plan's change units (each a raw file's whole move) in as few commits as
    /// the backend can take, each on top of the last. Backends without a size limit make
    /// one commit of them all.
    fn commit_units(&mut self, units: &[Changes], message: &str) -> Result<Commits, CommitError> {
        let committed = self.commit(&split::merged(units), message)?;
        Ok(Commits {
            shas: vec![committed.sha],
            split_reason: None,
        })
    }

    /// After [`CommitError::BranchMoved`]: brings the checkout to the branch's current head,
    /// so that the next plan is made from it.
    fn catch_up(&mut self) -> anyhow::Result<()>;

    /// How many API requests the backend made, for backends that talk to an API.
    fn api_requests(&self) -> Option<usize> {
        None
    }
}
