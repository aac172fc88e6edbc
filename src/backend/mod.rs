//! Committing a plan's changes. A `Committer` turns a change set into exactly one commit on
//! top of the commit the plan was made from, or fails without changing the branch. Two
//! backends: the local git CLI (`local`) and GitHub's GraphQL API (`github`); both bring the
//! local checkout along through `checkout`.

mod attributes;
mod checkout;
pub mod diff;
pub mod git;
pub mod github;
mod graphql;
mod guard;
mod journal;
mod landed;
pub mod local;
mod reply;
pub mod split;
pub mod waits;

pub use github::GithubCommitter;

use crate::console::{self, Stream};
use crate::plan::FileChanges;

/// The commits that carried out a plan: one, unless the backend had to split the move.
/// The same type records every commit of a run, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commits {
    /// Every commit made, oldest first; the last is the branch's new head.
    pub shas: Vec<String>,
    /// Why the move was split into more than one commit, if it was.
    pub split_reason: Option<String>,
}

impl Commits {
    /// Adds `later`, commits made after these: its reason for a split, if it has one,
    /// replaces ours.
    pub fn append(&mut self, later: Commits) {
        self.shas.extend(later.shas);
        self.split_reason = later.split_reason.or(self.split_reason.take());
    }

    /// The newest commit, the branch's head after them.
    pub fn head(&self) -> Option<&str> {
        self.shas.last().map(String::as_str)
    }
}

/// Why a commit was not made.
#[derive(Debug)]
pub enum CommitError {
    /// The branch moved after the plan was made: nothing was committed, and the caller
    /// should catch up and plan again.
    BranchMoved,
    /// A commit reached the branch, then the checkout could not follow it: it is the run's,
    /// never a reason to commit again, and the run fails naming it.
    Landed {
        /// The commits on the branch, oldest first.
        shas: Vec<String>,
        /// What failed after them.
        error: anyhow::Error,
    },
    /// Anything else, with nothing committed; planning again would not help.
    Other(anyhow::Error),
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

/// A move that was not wholly committed: what landed before the failure, and the failure.
#[derive(Debug)]
pub struct Unfinished {
    /// The commits that landed, oldest first: parts of a split move made before the failure
    /// (or the commit the checkout could not follow).
    pub landed: Commits,
    /// How many of the units given those commits carry: always the first ones.
    pub units: usize,
    /// Why the rest was not committed.
    pub error: CommitError,
}

impl Unfinished {
    /// A failure before anything landed.
    fn nothing(error: CommitError) -> Self {
        Unfinished {
            landed: Commits::default(),
            units: 0,
            error,
        }
    }
}

/// Says on stderr what the backend waits for (a rate limit's reset, a retry), as a line of
/// hh-gitops' own: the text is put on one line, so nothing in it can start a workflow
/// command in an Actions log. A closed stderr is no reason to stop.
fn notice(text: &str) {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let _ = console::write(Stream::Stderr, format!("hh-gitops: {line}\n").as_bytes());
}

/// Records a change set as one commit.
pub trait Committer {
    /// Makes one commit holding exactly `changes` on top of `base()`, with `message`, and
    /// brings the checkout to it. Nothing else (no staged or unstaged work of the user) may
    /// end up in it. Fails with [`CommitError::BranchMoved`] if the branch moved since the
    /// base was taken. Returns the new commit's id.
    fn commit(&mut self, changes: &FileChanges, message: &str) -> Result<String, CommitError>;

    /// Commits the plan's change units (each a raw file's whole move, in an order whose
    /// every prefix is a consistent fabric) in as few commits as the backend can take, each
    /// on top of the last. Backends without a size limit make one commit of them all. On a
    /// failure, says which commits landed and how many units they carry.
    fn commit_units(
        &mut self,
        units: &[FileChanges],
        message: &str,
    ) -> Result<Commits, Unfinished> {
        let committed =
            self.commit(&split::merged(units), message)
                .map_err(|error| match error {
                    // The one commit carries every unit.
                    CommitError::Landed { shas, error } => Unfinished {
                        landed: Commits {
                            shas,
                            split_reason: None,
                        },
                        units: units.len(),
                        error: CommitError::Other(error),
                    },
                    error => Unfinished::nothing(error),
                })?;
        Ok(Commits {
            shas: vec![committed],
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
