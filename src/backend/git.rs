//! A git work tree driven through the git CLI: the operations both backends need (HEAD,
//! uncommitted paths, moving a branch with a compare-and-swap and bringing the work tree
//! along, fetching, pushing). It never reads or writes the user's index beyond the entries
//! of the paths a change set touches.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::BranchMoved;
use crate::plan::Changes;

/// Identity used when git has none configured (a fresh CI machine or container).
const FALLBACK_NAME: &str = "hh-gitops";
const FALLBACK_EMAIL: &str = "hh-gitops@users.noreply.github.com";
/// The all-zero object id: "must not exist" in a compare-and-swap.
pub const ZERO_OID: &str = "0000000000000000000000000000000000000000";

/// A git work tree, addressed through the git CLI.
#[derive(Debug, Clone)]
pub struct GitRepo {
    /// The folder hh-gitops was pointed at.
    dir: PathBuf,
    /// That folder's path inside the repository (`""` at the top, else ending in `/`).
    prefix: String,
    /// The top of the work tree.
    top: PathBuf,
    /// An HTTP `Authorization` header for fetches from an https remote, when a token is
    /// known (so the checkout need not persist credentials). Given to git through
    /// `GIT_CONFIG_*` variables, never on the command line.
    auth_header: Option<String>,
}

/// The outcome of running git.
pub(super) struct Output {
    pub(super) stdout: Vec<u8>,
}

impl GitRepo {
    /// Opens the work tree containing `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let repo = GitRepo {
            dir: dir.to_path_buf(),
            prefix: String::new(),
            top: dir.to_path_buf(),
            auth_header: None,
        };
        let out = repo
            .run(&["rev-parse", "--show-prefix", "--show-toplevel"], None)
            .with_context(|| format!("{} is not inside a git work tree", dir.display()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let prefix = lines.next().unwrap_or_default().trim().to_owned();
        let top = PathBuf::from(lines.next().unwrap_or_default().trim());
        Ok(GitRepo {
            dir: dir.to_path_buf(),
            prefix,
            top,
            auth_header: None,
        })
    }

    /// The repository path of a path given relative to the folder hh-gitops was pointed at.
    pub fn repo_path(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }

    /// The same repository, fetching from https remotes with `token` (as actions/checkout
    /// does: basic auth as `x-access-token`).
    pub fn with_token(self, token: &str) -> Self {
        use base64::Engine as _;
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("x-access-token:{token}"));
        GitRepo {
            auth_header: Some(format!("AUTHORIZATION: basic {credentials}")),
            ..self
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("git");
        command
            .args(args)
            .current_dir(&self.top)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C");
        if let (Some(header), Some(&"fetch")) = (&self.auth_header, args.first()) {
            command
                .env("GIT_CONFIG_COUNT", "1")
                .env("GIT_CONFIG_KEY_0", "http.extraHeader")
                .env("GIT_CONFIG_VALUE_0", header);
        }
        command
    }

    /// Runs git, feeding `stdin`, and fails with git's own message if it fails.
    pub(super) fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<Output> {
        let mut command = self.command(args);
        command.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .context("cannot run git: is it installed and on PATH?")?;
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().context("git stdin")?;
            // Write from a thread so a chatty git cannot deadlock on a full stdout pipe.
            let input = input.to_vec();
            let writer = std::thread::spawn(move || pipe.write_all(&input));
            let output = child.wait_with_output().context("waiting for git")?;
            writer
                .join()
                .map_err(|_| anyhow::anyhow!("git stdin writer panicked"))?
                .with_context(|| format!("writing to git {}", args[0]))?;
            return check(args, output);
        }
        let output = child.wait_with_output().context("waiting for git")?;
        check(args, output)
    }

    pub(super) fn run_text(&self, args: &[&str]) -> Result<String> {
        Ok(String::from_utf8_lossy(&self.run(args, None)?.stdout)
            .trim()
            .to_owned())
    }

    /// The commit HEAD points at, or `None` on a branch with no commits yet.
    pub fn head(&self) -> Result<Option<String>> {
        match self.run(&["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], None) {
            Ok(out) => Ok(Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())),
            Err(_) => Ok(None),
        }
    }

    /// The ref HEAD points at (`refs/heads/main`), or `None` when HEAD is detached.
    pub fn branch_ref(&self) -> Option<String> {
        self.run_text(&["symbolic-ref", "-q", "HEAD"])
            .ok()
            .filter(|r| !r.is_empty())
    }

    /// Repository paths under `pathspecs` whose work-tree or index state differs from HEAD,
    /// untracked files included.
    pub fn uncommitted(&self, pathspecs: &[String]) -> Result<BTreeSet<String>> {
        if pathspecs.is_empty() {
            return Ok(BTreeSet::new());
        }
        let mut args = vec![
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--no-renames",
            "--",
        ];
        let specs: Vec<String> = pathspecs
            .iter()
            .map(|p| format!(":(top,literal){}", self.repo_path(p)))
            .collect();
        args.extend(specs.iter().map(String::as_str));
        let out = self.run(&args, None)?;
        Ok(out
            .stdout
            .split(|b| *b == 0)
            .filter(|record| record.len() > 3)
            .map(|record| String::from_utf8_lossy(&record[3..]).into_owned())
            .collect())
    }

    /// Author and committer identity: git's own when configured, else hh-gitops'.
    pub(super) fn ident(&self, which: &str, now: i64) -> String {
        self.run_text(&["var", which])
            .unwrap_or_else(|_| format!("{FALLBACK_NAME} <{FALLBACK_EMAIL}> {now} +0000"))
    }

    /// Brings the work tree and the index entries of exactly the changed paths to `sha`:
    /// managed files are written first and raw files deleted last, so no file is ever lost.
    pub fn update_work_tree(&self, sha: &str, changes: &Changes) -> Result<()> {
        for write in &changes.writes {
            let path = self.dir.join(&write.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(&path, &write.content)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        for delete in &changes.deletes {
            let path = self.dir.join(delete);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot delete {}", path.display()));
                }
            }
        }
        // Index entries: written paths take the new commit's blobs, deleted paths go away.
        let mut args = vec!["ls-tree", "-r", "-z", sha, "--"];
        let written: Vec<String> = changes
            .writes
            .iter()
            .map(|w| self.repo_path(&w.path))
            .collect();
        args.extend(written.iter().map(String::as_str));
        let listing = if written.is_empty() {
            Vec::new()
        } else {
            self.run(&args, None)?.stdout
        };
        let mut info = Vec::new();
        for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            // "<mode> blob <oid>\t<path>" -> "<mode> <oid>\t<path>"
            let text = String::from_utf8_lossy(record);
            let (meta, path) = text.split_once('\t').context("unexpected ls-tree output")?;
            let fields: Vec<&str> = meta.split(' ').collect();
            info.extend_from_slice(format!("{} {}\t{path}", fields[0], fields[2]).as_bytes());
            info.push(0);
        }
        for delete in &changes.deletes {
            info.extend_from_slice(format!("0 {ZERO_OID}\t{}", self.repo_path(delete)).as_bytes());
            info.push(0);
        }
        if !info.is_empty() {
            self.run(&["update-index", "-z", "--index-info"], Some(&info))?;
        }
        Ok(())
    }

    /// Moves `branch` (a ref, or `HEAD` when detached) from `old` to `sha` with a
    /// compare-and-swap, then brings the work tree along for `changes`.
    pub fn advance(
        &self,
        branch: &str,
        old: Option<&str>,
        sha: &str,
        changes: &Changes,
    ) -> Result<()> {
        let old = old.unwrap_or(ZERO_OID);
        self.run(
            &["update-ref", "-m", "hh-gitops sync", branch, sha, old],
            None,
        )
        .map_err(|_| anyhow::anyhow!(BranchMoved))
        .with_context(|| {
            format!("{branch} moved while hh-gitops was working; nothing was changed")
        })?;
        self.update_work_tree(sha, changes).with_context(|| {
            format!("commit {sha} was made, but updating the work tree failed: see `git status`")
        })
    }

    /// The remote the current branch tracks (`origin` when none is configured).
    pub fn remote(&self) -> String {
        self.branch_ref()
            .and_then(|b| {
                self.run_text(&[
                    "config",
                    "--get",
                    &format!("branch.{}.remote", b.trim_start_matches("refs/heads/")),
                ])
                .ok()
            })
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "origin".to_owned())
    }

    /// Fetches `branch` from the remote and returns the commit it points at there.
    pub fn fetch_branch(&self, branch: &str) -> Result<String> {
        let remote = self.remote();
        self.run(
            &[
                "fetch",
                "--quiet",
                "--no-tags",
                &remote,
                &format!("refs/heads/{branch}"),
            ],
            None,
        )
        .with_context(|| format!("fetching {branch} from {remote}"))?;
        self.run_text(&["rev-parse", "--verify", "FETCH_HEAD^{commit}"])
    }

    /// Fast-forwards the checkout to `sha` (after the branch moved on the server).
    pub fn fast_forward(&self, sha: &str) -> Result<()> {
        self.run(&["merge", "--ff-only", "--quiet", sha], None)
            .with_context(|| format!("bringing the checkout to {sha}"))?;
        Ok(())
    }

    /// Which of `paths` (relative to the folder hh-gitops was pointed at) `commit` tracks.
    pub fn tracked(&self, commit: &str, paths: &[String]) -> Result<BTreeSet<String>> {
        if paths.is_empty() {
            return Ok(BTreeSet::new());
        }
        let mut args = vec!["ls-tree", "-r", "-z", "--name-only", commit, "--"];
        let full: Vec<String> = paths.iter().map(|p| self.repo_path(p)).collect();
        args.extend(full.iter().map(String::as_str));
        let out = self.run(&args, None)?;
        Ok(out
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| {
                String::from_utf8_lossy(p)
                    .trim_start_matches(self.prefix.as_str())
                    .to_owned()
            })
            .collect())
    }

    /// Pushes `sha` to the upstream of the current branch.
    pub fn push(&self, sha: &str) -> Result<String> {
        let branch = self
            .branch_ref()
            .context("HEAD is detached: there is no branch to push")?;
        let short = branch.trim_start_matches("refs/heads/");
        let remote = self
            .run_text(&["config", "--get", &format!("branch.{short}.remote")])
            .ok()
            .filter(|r| !r.is_empty())
            .with_context(|| {
                format!(
                    "branch {short} has no upstream: set one with `git push -u <remote> {short}`"
                )
            })?;
        let merge = self
            .run_text(&["config", "--get", &format!("branch.{short}.merge")])
            .unwrap_or_else(|_| branch.clone());
        self.run(&["push", "--porcelain", &remote, &format!("{sha}:{merge}")], None)
            .with_context(|| {
                format!("push to {remote} was rejected; the commit {sha} is kept locally: run `git pull --rebase` and push it, or sync again")
            })?;
        Ok(format!("{remote} {merge}"))
    }
}

fn check(args: &[&str], output: std::process::Output) -> Result<Output> {
    if output.status.success() {
        Ok(Output {
            stdout: output.stdout,
        })
    } else {
        bail!(
            "git {} failed: {}",
            args.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&output.stderr).trim()
        )
    }
}

impl GitRepo {
    /// Which of `paths` (relative to the folder hh-gitops was pointed at) `.gitignore` and
    /// the other exclude files ignore. Tracked files are never ignored (`git check-ignore`'s
    /// own rule). The paths go through stdin, so any number of them fits.
    pub fn ignored(&self, paths: &[String]) -> Result<BTreeSet<String>> {
        if paths.is_empty() {
            return Ok(BTreeSet::new());
        }
        let mut input = Vec::new();
        for path in paths {
            input.extend_from_slice(self.repo_path(path).as_bytes());
            input.push(0);
        }
        let mut child = self
            .command(&["check-ignore", "--stdin", "-z"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run git: is it installed and on PATH?")?;
        let mut pipe = child.stdin.take().context("git check-ignore stdin")?;
        let writer = std::thread::spawn(move || pipe.write_all(&input));
        let output = child
            .wait_with_output()
            .context("waiting for git check-ignore")?;
        writer
            .join()
            .map_err(|_| anyhow::anyhow!("git stdin writer panicked"))?
            .context("writing to git check-ignore")?;
        // Exit 1 means "none of them is ignored"; anything else but 0 is a failure.
        if output.status.code() == Some(1) {
            return Ok(BTreeSet::new());
        }
        check(&["check-ignore"], output)?
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let path = String::from_utf8_lossy(p);
                Ok(path
                    .strip_prefix(self.prefix.as_str())
                    .unwrap_or(&path)
                    .to_owned())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_reaches_fetch_only_through_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let repo = GitRepo {
            dir: dir.path().into(),
            prefix: String::new(),
            top: dir.path().into(),
            auth_header: None,
        }
        .with_token("secret");
        let fetch = repo.command(&["fetch", "origin"]);
        let envs: Vec<_> = fetch
            .get_envs()
            .map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned())))
            .collect();
        let value = envs
            .iter()
            .find(|(k, _)| k == "GIT_CONFIG_VALUE_0")
            .and_then(|(_, v)| v.clone())
            .unwrap();
        // base64("x-access-token:secret")
        assert_eq!(value, "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46c2VjcmV0");
        assert!(
            fetch
                .get_args()
                .all(|a| !a.to_string_lossy().contains("secret")
                    && !a.to_string_lossy().contains("eC1h"))
        );
        assert!(
            repo.command(&["status"])
                .get_envs()
                .all(|(k, _)| k != "GIT_CONFIG_VALUE_0")
        );
    }
}
