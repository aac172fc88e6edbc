//! The local git backend: one commit made with the git CLI, without the user's index.
//!
//! The commit is built by `git fast-import` from the base commit plus the change set (so
//! staged or unstaged work never leaks in), under a ref of its own run (so concurrent runs
//! never see each other's commit), then `checkout` moves the branch with a compare-and-swap
//! and brings the work tree along, crash-safely.

use anyhow::{Context, Result};

use super::git::GitRepo;
use super::{CommitError, Committer};
use crate::plan::FileChanges;

/// Where fast-import puts the commit of one run (followed by the process id and the time)
/// until the branch is moved to it.
const PENDING_REF_PREFIX: &str = "refs/hh-gitops/pending-";

/// Quotes a path for fast-import when it needs it (C-style, as git does).
fn quote_path(path: &str) -> String {
    if !path.contains(['"', '\n', '\\']) && !path.starts_with('"') {
        return path.to_owned();
    }
    let mut quoted = String::from("\"");
    for c in path.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

/// Commits with the local git CLI.
pub struct LocalGit {
    repo: GitRepo,
    base: Option<String>,
    branch: String,
    now: i64,
}

impl LocalGit {
    /// A committer for the current branch of `repo`, based on its HEAD now (after finishing
    /// the work-tree update of an interrupted run). `now` (seconds since the epoch) stamps
    /// the commit when git has no identity configured.
    pub fn new(repo: GitRepo, now: i64) -> Result<Self> {
        repo.finish_interrupted()?;
        let base = repo.head()?;
        let branch = repo.branch_ref().unwrap_or_else(|| "HEAD".to_owned());
        Ok(LocalGit {
            repo,
            base,
            branch,
            now,
        })
    }

    fn fast_import_stream(
        &self,
        pending_ref: &str,
        changes: &FileChanges,
        message: &str,
    ) -> Vec<u8> {
        let mut stream = Vec::new();
        let author = self.repo.ident("GIT_AUTHOR_IDENT", self.now);
        let committer = self.repo.ident("GIT_COMMITTER_IDENT", self.now);
        stream.extend_from_slice(
            format!(
                "commit {pending_ref}\nauthor {author}\ncommitter {committer}\ndata {}\n{message}\n",
                message.len()
            )
            .as_bytes(),
        );
        if let Some(base) = &self.base {
            stream.extend_from_slice(format!("from {base}\n").as_bytes());
        }
        for delete in &changes.deletes {
            stream.extend_from_slice(
                format!("D {}\n", quote_path(&self.repo.repo_path(delete))).as_bytes(),
            );
        }
        for write in &changes.writes {
            stream.extend_from_slice(
                format!(
                    "M 100644 inline {}\ndata {}\n",
                    quote_path(&self.repo.repo_path(&write.path)),
                    write.content.len()
                )
                .as_bytes(),
            );
            stream.extend_from_slice(&write.content);
            stream.push(b'\n');
        }
        stream.extend_from_slice(b"\ndone\n");
        stream
    }
}

impl Committer for LocalGit {
    fn catch_up(&mut self) -> Result<()> {
        self.base = self.repo.head()?;
        Ok(())
    }

    fn commit(&mut self, changes: &FileChanges, message: &str) -> Result<String, CommitError> {
        self.repo.check_can_commit(changes)?;
        let sha = self.build_commit(changes, message)?;
        self.repo
            .advance(&self.branch, self.base.as_deref(), &sha, changes)?;
        self.base = Some(sha.clone());
        Ok(sha)
    }
}

impl LocalGit {
    /// Writes the commit's objects and returns its id; no branch moves.
    fn build_commit(&self, changes: &FileChanges, message: &str) -> Result<String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let pending_ref = format!("{PENDING_REF_PREFIX}{}-{nanos}", std::process::id());
        let stored = self.repo.as_stored(std::slice::from_ref(changes))?;
        let stream = self.fast_import_stream(&pending_ref, &stored[0], message);
        self.repo
            .run(
                &["fast-import", "--quiet", "--force", "--done"],
                Some(&stream),
            )
            .context("building the commit")?;
        let sha = self
            .repo
            .run_text(&["rev-parse", "--verify", &pending_ref])?;
        self.repo
            .run(&["update-ref", "-d", &pending_ref, &sha], None)
            .with_context(|| format!("removing {pending_ref}"))?;
        Ok(sha)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(quote_path("a b/c.yaml"), "a b/c.yaml");
        assert_eq!(quote_path("a\"b"), "\"a\\\"b\"");
        assert_eq!(quote_path("a\nb"), "\"a\\nb\"");
    }
}
