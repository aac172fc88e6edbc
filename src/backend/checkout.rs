//! Bringing the checkout to a commit that was just made, safe against crashes, concurrent
//! runs and paths that would leave the work tree. Both backends go through [`GitRepo::advance`].
//!
//! The order of steps is the crash-safety argument:
//! 1. take the repository lock (one hh-gitops run at a time moves a branch and touches the
//!    index of a work tree);
//! 2. write a journal naming the commit and the paths it changes;
//! 3. move the branch with a compare-and-swap (a concurrent commit is never overwritten);
//! 4. write managed files, then delete raw files (so no content is ever only in the old
//!    commit), then update the index entries of exactly those paths;
//! 5. remove the journal.
//!
//! A run killed between 3 and 5 leaves HEAD ahead of the index and work tree for exactly the
//! journal's paths; the next run finishes steps 4 and 5 from the journal before it plans
//! ([`GitRepo::finish_interrupted`]). A journal whose commit is not HEAD is from a run killed
//! before step 3 and changed nothing: it is dropped.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::CommitError;
use super::git::{GitRepo, ZERO_OID};
use super::guard::PathGuard;
use super::journal::{Journal, LOCK_POLL};
use crate::plan::FileChanges;

/// How many times [`GitRepo::follow`] fetches a commit just made before it gives up.
const FOLLOW_FETCHES: u32 = 4;
/// Operations during which committing would mix hh-gitops' commit into the user's: the
/// marker git keeps in its directory, what is in progress, how to finish it, how to undo it.
const OPERATIONS: [(&str, &str, &str, &str); 5] = [
    (
        "rebase-merge",
        "a rebase",
        "git rebase --continue",
        "git rebase --abort",
    ),
    (
        "rebase-apply",
        "a rebase",
        "git rebase --continue",
        "git rebase --abort",
    ),
    ("MERGE_HEAD", "a merge", "git commit", "git merge --abort"),
    (
        "CHERRY_PICK_HEAD",
        "a cherry-pick",
        "git cherry-pick --continue",
        "git cherry-pick --abort",
    ),
    (
        "REVERT_HEAD",
        "a revert",
        "git revert --continue",
        "git revert --abort",
    ),
];

impl GitRepo {
    /// Refuses a commit that must not be made now: a merge, rebase, cherry-pick or revert
    /// is in progress, or a path of `changes` would leave the work tree.
    pub fn check_can_commit(&self, changes: &FileChanges) -> Result<()> {
        let names: Vec<&str> = OPERATIONS.iter().map(|op| op.0).collect();
        for (marker, (name, what, finish, undo)) in self.git_paths(&names)?.iter().zip(OPERATIONS) {
            if marker.exists() {
                bail!(
                    "nothing was committed: {what} is in progress ({name}): finish it with `{finish}` or undo it with `{undo}`, then sync again"
                );
            }
        }
        let mut guard = PathGuard::new(self.top());
        let paths = changes
            .writes
            .iter()
            .map(|w| &w.path)
            .chain(&changes.deletes);
        for path in paths {
            guard.check(&self.repo_path(path))?;
        }
        Ok(())
    }

    /// Moves `branch` (a ref, or `HEAD` when detached) from `old` to `sha` with a
    /// compare-and-swap, then brings the work tree and index along for `changes`.
    pub fn advance(
        &self,
        branch: &str,
        old: Option<&str>,
        sha: &str,
        changes: &FileChanges,
    ) -> Result<(), CommitError> {
        let writes: Vec<(String, &[u8])> = changes
            .writes
            .iter()
            .map(|w| (self.repo_path(&w.path), w.content.as_slice()))
            .collect();
        let deletes: Vec<String> = changes.deletes.iter().map(|d| self.repo_path(d)).collect();
        let _lock = self.lock()?;
        let journal_path = self.journal_path()?;
        Journal {
            commit: sha.to_owned(),
            writes: writes.iter().map(|(path, _)| path.clone()).collect(),
            deletes: deletes.clone(),
        }
        .save(&journal_path)?;
        let old = old.unwrap_or(ZERO_OID);
        if let Err(error) = self.run(
            &["update-ref", "-m", "hh-gitops sync", branch, sha, old],
            None,
        ) {
            Journal::remove(&journal_path)?;
            let now = self
                .run_text(&["rev-parse", "--verify", "--quiet", branch])
                .unwrap_or_default();
            if now != old && !(now.is_empty() && old == ZERO_OID) {
                return Err(CommitError::BranchMoved);
            }
            return Err(error
                .context(format!("cannot move {branch} to {sha}"))
                .into());
        }
        // The branch is at `sha` from here on: whatever fails, the commit landed.
        let landed = |error: anyhow::Error| CommitError::Landed {
            shas: vec![sha.to_owned()],
            error,
        };
        self.update_work_tree(sha, &writes, &deletes)
            .context(
                "the work tree was not fully brought to it: run hh-gitops sync again to finish",
            )
            .map_err(landed)?;
        Journal::remove(&journal_path).map_err(landed)?;
        Ok(())
    }

    /// Brings the checkout to `sha`, a commit just made on the remote `branch` on top of
    /// `base` (the checkout's HEAD), for `changes`: fetches it, then [advances](Self::advance).
    /// A failed fetch (GitHub not serving the new commit yet, a dropped connection) is tried
    /// again, `FOLLOW_FETCHES` times in all, waiting `wait`, then twice as long each time.
    /// The commit is on the branch whatever happens here, so every failure is
    /// [`CommitError::Landed`], never a reason to commit again.
    pub fn follow(
        &self,
        branch: &str,
        base: &str,
        sha: &str,
        changes: &FileChanges,
        mut wait: Duration,
    ) -> Result<(), CommitError> {
        let landed = |error: anyhow::Error| CommitError::Landed {
            shas: vec![sha.to_owned()],
            error,
        };
        let mut fetches = 1;
        // Fetching the branch brings the commit (it is the head, or in the head's history if
        // someone pushed right after it).
        while let Err(error) = self.fetch_branch(branch) {
            if fetches == FOLLOW_FETCHES {
                return Err(landed(error.context(format!(
                    "the checkout could not fetch it ({FOLLOW_FETCHES} tries) and stays at {base}: a later step that needs the commit must fetch it (hh-gitops fetches with the token from an https remote; another remote, such as SSH with `persist-credentials: false`, needs its own credentials)"
                ))));
            }
            std::thread::sleep(wait);
            wait *= 2;
            fetches += 1;
        }
        let local = self.branch_ref().unwrap_or_else(|| "HEAD".to_owned());
        // A local failure here is not the server's branch moving: it must not trigger a
        // second commit, so it is never BranchMoved.
        self.advance(&local, Some(base), sha, changes)
            .map_err(|error| match error {
                CommitError::Landed { .. } => error,
                other => landed(anyhow::anyhow!("the checkout could not follow it: {other}")),
            })
    }

    /// Finishes the work-tree and index update of a run that was killed after moving the
    /// branch, so that the next plan starts from a clean checkout.
    pub fn finish_interrupted(&self) -> Result<()> {
        let journal_path = self.journal_path()?;
        if !journal_path.exists() {
            return Ok(());
        }
        let _lock = self.lock()?;
        // Another run may have finished it while this one waited for the lock.
        let Some(journal) = Journal::load(&journal_path)? else {
            return Ok(());
        };
        if self.head()?.as_deref() == Some(journal.commit.as_str()) {
            let contents = self.blobs(&journal.commit, &journal.writes)?;
            let writes: Vec<(String, &[u8])> = journal
                .writes
                .iter()
                .cloned()
                .zip(contents.iter().map(Vec::as_slice))
                .collect();
            self.update_work_tree(&journal.commit, &writes, &journal.deletes)
                .with_context(|| {
                    format!(
                        "finishing the work-tree update of an interrupted sync (commit {})",
                        journal.commit
                    )
                })?;
        }
        Journal::remove(&journal_path)
    }

    /// Writes `writes` and deletes `deletes` (paths from the top of the work tree) and sets
    /// the index entries of exactly those paths to `sha`'s. Managed files are written before
    /// raw files are deleted, so no file is ever lost.
    fn update_work_tree(
        &self,
        sha: &str,
        writes: &[(String, &[u8])],
        deletes: &[String],
    ) -> Result<()> {
        let mut guard = PathGuard::new(self.top());
        for (path, content) in writes {
            let full = guard.check(path)?;
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(&full, content)
                .with_context(|| format!("cannot write {}", full.display()))?;
        }
        for path in deletes {
            let full = guard.check(path)?;
            match std::fs::remove_file(&full) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot delete {}", full.display()));
                }
            }
        }
        let written: Vec<String> = writes.iter().map(|(path, _)| path.clone()).collect();
        let entries = self.tree_entries(sha, &written)?;
        let mut info = Vec::new();
        for path in &written {
            let (mode, oid) = entries
                .get(path)
                .with_context(|| format!("commit {sha} has no {path}"))?;
            info.extend_from_slice(format!("{mode} {oid}\t{path}\0").as_bytes());
        }
        for path in deletes {
            info.extend_from_slice(format!("0 {ZERO_OID}\t{path}\0").as_bytes());
        }
        if !info.is_empty() {
            self.update_index(&info)?;
        }
        Ok(())
    }

    /// `git update-index --index-info`, waiting a little while another git process holds
    /// `index.lock` (a `git status` refreshing the index, the user's editor, or a git
    /// command left running by a killed run).
    fn update_index(&self, info: &[u8]) -> Result<()> {
        let deadline = Instant::now() + self.waits().index_lock;
        loop {
            match self.run(&["update-index", "-z", "--index-info"], Some(info)) {
                Ok(_) => return Ok(()),
                // git runs with LC_ALL=C, so its message is stable.
                Err(error)
                    if format!("{error:#}").contains("index.lock': File exists")
                        && Instant::now() < deadline =>
                {
                    std::thread::sleep(LOCK_POLL);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// The contents of `paths` (from the top of the work tree) in commit `sha`, in order.
    fn blobs(&self, sha: &str, paths: &[String]) -> Result<Vec<Vec<u8>>> {
        let entries = self.tree_entries(sha, paths)?;
        let oids = paths
            .iter()
            .map(|path| {
                entries
                    .get(path)
                    .map(|(_, oid)| oid.clone())
                    .with_context(|| format!("commit {sha} has no {path}"))
            })
            .collect::<Result<Vec<_>>>()?;
        self.read_blobs(&oids)
    }

    /// Mode and object id in commit `sha` of each of `paths` (from the top of the work tree)
    /// it holds. Lists their folders in batches, so no command line grows with the number of
    /// paths.
    pub(super) fn tree_entries(
        &self,
        sha: &str,
        paths: &[String],
    ) -> Result<BTreeMap<String, (String, String)>> {
        let wanted: HashSet<&str> = paths.iter().map(String::as_str).collect();
        let folders: BTreeSet<String> = paths
            .iter()
            .map(|p| p.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned())
            .collect();
        let listing = if folders.contains("") {
            // A file at the top: list the whole tree.
            self.run(&["ls-tree", "-r", "-z", "--full-tree", sha], None)?
                .stdout
        } else {
            let folders: Vec<String> = folders.into_iter().collect();
            self.run_batched(
                &[
                    "--literal-pathspecs",
                    "ls-tree",
                    "-r",
                    "-z",
                    "--full-tree",
                    sha,
                    "--",
                ],
                &folders,
            )?
        };
        let mut entries = BTreeMap::new();
        for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            // "<mode> <type> <oid>\t<path>"
            let text = String::from_utf8_lossy(record);
            let (meta, path) = text.split_once('\t').context("unexpected ls-tree output")?;
            if !wanted.contains(path) {
                continue;
            }
            let mut fields = meta.split(' ');
            let (Some(mode), Some(_), Some(oid)) = (fields.next(), fields.next(), fields.next())
            else {
                bail!("unexpected ls-tree output: {text}");
            };
            entries.insert(path.to_owned(), (mode.to_owned(), oid.to_owned()));
        }
        Ok(entries)
    }
}
