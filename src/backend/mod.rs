//! Committing a plan's changes. A `Committer` turns a change set into exactly one commit on
//! top of the commit the plan was made from, or fails without touching anything; the local
//! git CLI backend is in `git`.

pub mod git;

use anyhow::Result;

use crate::plan::Changes;

/// A commit that was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The new commit's id.
    pub sha: String,
}

/// Records a change set as one commit.
pub trait Committer {
    /// The commit the plan is based on (`None` for a branch with no commits yet).
    fn base(&self) -> Option<&str>;

    /// Makes one commit holding exactly `changes` on top of `base()`, with `message`.
    /// Nothing else (no staged or unstaged work of the user) may end up in it. Fails if the
    /// branch moved since `base()`, leaving the branch as it was.
    fn commit(&mut self, changes: &Changes, message: &str) -> Result<Committed>;
}
