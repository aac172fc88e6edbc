//! The local git backend: one commit made with the git CLI, without the user's index.
//!
//! The commit is built by `git fast-import` from the base commit plus the change set (so
//! staged or unstaged work never leaks in), then the branch is moved with a compare-and-swap
//! `update-ref` (so a concurrent commit is never overwritten). Only then is the work tree
//! brought along: managed files written first, raw files deleted last, and the index
//! entries of exactly those paths updated. A crash at any point loses no file.

use anyhow::{Context, Result};

use super::git::GitRepo;
use super::{Committed, Committer};
use crate::plan::Changes;

/// The ref fast-import writes to before the branch is moved.
const SCRATCH_REF: &str = "refs/hh-gitops/pending";

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
    /// A committer for the current branch of `repo`, based on its HEAD now. `now` (seconds
    /// since the epoch) stamps the commit when git has no identity configured.
    pub fn new(repo: GitRepo, now: i64) -> Result<Self> {
        let base = repo.head()?;
        let branch = repo.branch_ref().unwrap_or_else(|| "HEAD".to_owned());
        Ok(LocalGit {
            repo,
            base,
            branch,
            now,
        })
    }

    fn fast_import_stream(&self, changes: &Changes, message: &str) -> Vec<u8> {
        let mut stream = Vec::new();
        let author = self.repo.ident("GIT_AUTHOR_IDENT", self.now);
        let committer = self.repo.ident("GIT_COMMITTER_IDENT", self.now);
        stream.extend_from_slice(
            format!(
                "commit {SCRATCH_REF}\nauthor {author}\ncommitter {committer}\ndata {}\n{message}\n",
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

    fn commit(&mut self, changes: &Changes, message: &str) -> Result<Committed> {
        let stream = self.fast_import_stream(changes, message);
        // A scratch ref left by a crashed run would otherwise become the parent.
        let _ = self.repo.run(&["update-ref", "-d", SCRATCH_REF], None);
        self.repo
            .run(
                &["fast-import", "--quiet", "--force", "--done"],
                Some(&stream),
            )
            .context("building the commit")?;
        let sha = self
            .repo
            .run_text(&["rev-parse", "--verify", SCRATCH_REF])?;
        let _ = self.repo.run(&["update-ref", "-d", SCRATCH_REF], None);
        self.repo
            .advance(&self.branch, self.base.as_deref(), &sha, changes)?;
        self.base = Some(sha.clone());
        Ok(Committed { sha })
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
