//! The repository lock and the journal of a work-tree update in progress, both kept in the
//! work tree's git directory (`git rev-parse --git-path`, so linked work trees each have
//! theirs).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::git::GitRepo;

/// The lock file, under the work tree's git directory. It stays on disk: the lock is the
/// advisory lock on it, which the OS releases when its holder exits or is killed, so it can
/// never be left stale (deleting the file would let two runs lock two different files).
const LOCK_FILE: &str = "hh-gitops.lock";
/// The journal of a work-tree update in progress, under the work tree's git directory.
const JOURNAL_FILE: &str = "hh-gitops-journal.json";
/// Pause between two tries at a lock (also used for git's index.lock).
pub(super) const LOCK_POLL: Duration = Duration::from_millis(20);

/// Held while a run moves the branch and updates the work tree; released when dropped.
pub(super) struct RepoLock {
    _file: File,
}

/// What a work-tree update in progress will change, written before the branch moves.
/// Paths are relative to the top of the work tree.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(super) struct Journal {
    /// The commit the branch is moved to.
    pub(super) commit: String,
    /// Files the commit adds or replaces (their content is in the commit).
    pub(super) writes: Vec<String>,
    /// Files the commit deletes.
    pub(super) deletes: Vec<String>,
}

impl GitRepo {
    /// Takes the repository lock, waiting for another run to finish up to the
    /// [`repo_lock`](super::waits::Waits::repo_lock) wait.
    pub(super) fn lock(&self) -> Result<RepoLock> {
        let path = self.git_path(LOCK_FILE)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        let wait = self.waits().repo_lock;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(RepoLock { _file: file }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(LOCK_POLL);
                }
                Err(TryLockError::WouldBlock) => bail!(
                    "another hh-gitops run has held {} for over {}s while committing: let it finish, then sync again",
                    path.display(),
                    wait.as_secs()
                ),
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
    }

    /// Where the journal of this work tree lives.
    pub(super) fn journal_path(&self) -> Result<PathBuf> {
        self.git_path(JOURNAL_FILE)
    }
}

impl Journal {
    /// Writes the journal whole or not at all (a temporary file renamed into place).
    pub(super) fn save(&self, path: &Path) -> Result<()> {
        let temporary = path.with_extension("tmp");
        let text = serde_json::to_vec(self).context("encoding the journal")?;
        std::fs::write(&temporary, text)
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Removes the journal once its update is complete (or known never to have started).
    pub(super) fn remove(path: &Path) -> Result<()> {
        std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))
    }

    /// The journal at `path`, or `None` when no update is in progress.
    pub(super) fn load(path: &Path) -> Result<Option<Journal>> {
        match std::fs::read(path) {
            Ok(text) => serde_json::from_slice(&text).map(Some).with_context(|| {
                format!(
                    "{} is not a journal hh-gitops can read: check `git status`, then delete it",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_survives_a_round_trip_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.json");
        assert_eq!(Journal::load(&path).unwrap(), None);
        let journal = Journal {
            commit: "abc".into(),
            writes: vec!["m/a\nb.yaml".into()],
            deletes: vec!["r/x.yaml".into()],
        };
        journal.save(&path).unwrap();
        assert_eq!(Journal::load(&path).unwrap(), Some(journal));
        assert!(!path.with_extension("tmp").exists());
    }
}
