//! A git work tree driven through the git CLI: the operations both backends need (HEAD,
//! uncommitted paths, tracked paths, fetching, pushing; moving the branch and the work tree
//! is in `checkout`). It never reads or writes the user's index beyond the entries of the
//! paths a change set touches, and never puts a list of paths on a command line whole:
//! lists go in batches or through stdin, so no number of files exceeds the system's limit.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::waits::Waits;
use crate::secret::Secret;

/// Identity used when git has none configured (a fresh CI machine or container).
const FALLBACK_NAME: &str = "hh-gitops";
const FALLBACK_EMAIL: &str = "hh-gitops@users.noreply.github.com";
/// The all-zero object id: "must not exist" in a compare-and-swap.
pub const ZERO_OID: &str = "0000000000000000000000000000000000000000";
/// Most bytes of paths given to one git command: far below any system's argument limit
/// (Linux allows 2 MiB in all, Windows 32 KiB), so long lists are split into batches.
const MAX_BATCH_BYTES: usize = 16 * 1024;

/// A git work tree, addressed through the git CLI.
#[derive(Debug, Clone)]
pub struct GitRepo {
    /// That folder's path inside the repository (`""` at the top, else ending in `/`).
    prefix: String,
    /// The top of the work tree.
    top: PathBuf,
    /// An HTTP `Authorization` header for fetches from an https remote, when a token is
    /// known (so the checkout need not persist credentials). Given to git through
    /// `GIT_CONFIG_*` variables, never on the command line.
    auth_header: Option<Secret>,
    /// How long its locks are waited for ([`Waits::default`] unless [`Self::with_waits`]).
    waits: Waits,
}

/// The outcome of running git.
pub(super) struct GitOutput {
    pub(super) stdout: Vec<u8>,
}

impl GitRepo {
    /// Opens the work tree containing `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        if !dir.exists() {
            bail!(
                "{} does not exist: pass the repository folder with --repo",
                dir.display()
            );
        }
        if !dir.is_dir() {
            bail!(
                "{} is not a folder: pass the repository folder with --repo",
                dir.display()
            );
        }
        let repo = GitRepo {
            prefix: String::new(),
            top: dir.to_path_buf(),
            auth_header: None,
            waits: Waits::default(),
        };
        let args = ["rev-parse", "--show-prefix", "--show-toplevel"];
        let out = repo.execute(&args, None)?;
        if !out.status.success() {
            bail!(
                "{} is not inside a git work tree: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let prefix = lines.next().unwrap_or_default().trim().to_owned();
        let top = PathBuf::from(lines.next().unwrap_or_default().trim());
        Ok(GitRepo {
            prefix,
            top,
            auth_header: None,
            waits: Waits::default(),
        })
    }

    /// The top of the work tree.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// The folder `open` was given, as a path from the top of the work tree (`""` at the
    /// top, else ending in `/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The same work tree addressed from its top: every path given to it, and every path
    /// it gives back, is a repository path.
    pub fn at_top(&self) -> Self {
        GitRepo {
            prefix: String::new(),
            ..self.clone()
        }
    }

    /// Paths of files in the work tree's git directory (`git rev-parse --git-path`), which
    /// differ from `.git/<name>` in linked work trees.
    pub(super) fn git_paths(&self, names: &[&str]) -> Result<Vec<PathBuf>> {
        let mut args = vec!["rev-parse"];
        for name in names {
            args.extend(["--git-path", name]);
        }
        let out = self.run(&args, None)?;
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|line| self.top().join(line))
            .collect())
    }

    pub(super) fn git_path(&self, name: &str) -> Result<PathBuf> {
        self.git_paths(&[name])?
            .pop()
            .context("git rev-parse --git-path printed nothing")
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
            auth_header: Some(Secret::new(format!("AUTHORIZATION: basic {credentials}"))),
            ..self
        }
    }

    /// The same work tree, waiting `waits` for its locks.
    pub fn with_waits(self, waits: Waits) -> Self {
        GitRepo { waits, ..self }
    }

    /// How long its locks are waited for.
    pub(super) fn waits(&self) -> &Waits {
        &self.waits
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
                .env("GIT_CONFIG_VALUE_0", header.expose());
        }
        command
    }

    /// Runs git, feeding `stdin`, and fails with git's own message if it fails.
    pub(super) fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<GitOutput> {
        check(args, self.execute(args, stdin)?)
    }

    /// Runs git, feeding `stdin`, whatever its exit status; fails only when git cannot run.
    fn execute(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<std::process::Output> {
        let mut command = self.command(args);
        command.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = match command.spawn() {
            Ok(child) => child,
            // Spawning also fails with "not found" when the folder to run in is missing.
            Err(_) if !self.top.is_dir() => {
                bail!("{} does not exist", self.top.display())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(e).context("cannot run git: is it installed and on PATH?");
            }
            Err(e) => return Err(e).context("cannot run git"),
        };
        let Some(input) = stdin else {
            return child.wait_with_output().context("waiting for git");
        };
        let mut pipe = child.stdin.take().context("git stdin")?;
        // Write from a thread so a chatty git cannot deadlock on a full stdout pipe.
        let input = input.to_vec();
        let writer = std::thread::spawn(move || pipe.write_all(&input));
        let output = child.wait_with_output().context("waiting for git")?;
        writer
            .join()
            .map_err(|_| anyhow::anyhow!("git stdin writer panicked"))?
            .with_context(|| format!("writing to git {}", args[0]))?;
        Ok(output)
    }

    /// Runs git once per batch of `paths` appended to `args`, and returns the stdout of all
    /// runs in order. Nothing runs when `paths` is empty.
    pub(super) fn run_batched(&self, args: &[&str], paths: &[String]) -> Result<Vec<u8>> {
        let mut stdout = Vec::new();
        let mut batch: Vec<&str> = Vec::new();
        let mut bytes = 0;
        for (i, path) in paths.iter().enumerate() {
            batch.push(path);
            bytes += path.len() + 1;
            if bytes >= MAX_BATCH_BYTES || i + 1 == paths.len() {
                let mut all = args.to_vec();
                all.append(&mut batch);
                stdout.extend(self.run(&all, None)?.stdout);
                bytes = 0;
            }
        }
        Ok(stdout)
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
        let specs: Vec<String> = pathspecs
            .iter()
            .map(|p| format!(":(top,literal){}", self.repo_path(p)))
            .collect();
        let out = self.run_batched(
            &[
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=all",
                "--no-renames",
                "--",
            ],
            &specs,
        )?;
        Ok(out
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
        let full: Vec<String> = paths.iter().map(|p| self.repo_path(p)).collect();
        let entries = self.tree_entries(commit, &full)?;
        Ok(paths
            .iter()
            .zip(&full)
            .filter(|(_, full)| entries.contains_key(*full))
            .map(|(path, _)| path.clone())
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

impl GitRepo {
    /// The contents of the blobs `oids`, in order, read by one `git cat-file --batch`.
    pub(super) fn read_blobs(&self, oids: &[String]) -> Result<Vec<Vec<u8>>> {
        if oids.is_empty() {
            return Ok(Vec::new());
        }
        let request: String = oids.iter().map(|oid| format!("{oid}\n")).collect();
        let out = self
            .run(&["cat-file", "--batch"], Some(request.as_bytes()))?
            .stdout;
        // Each answer: "<oid> blob <size>\n<content>\n".
        let mut rest = out.as_slice();
        let mut contents = Vec::with_capacity(oids.len());
        for oid in oids {
            let header_end = rest
                .iter()
                .position(|b| *b == b'\n')
                .with_context(|| format!("git cat-file gave no header for {oid}"))?;
            let header = String::from_utf8_lossy(&rest[..header_end]);
            let size: usize = header
                .rsplit(' ')
                .next()
                .and_then(|size| size.parse().ok())
                .with_context(|| format!("git cat-file: unexpected header `{header}` for {oid}"))?;
            let body = &rest[header_end + 1..];
            if body.len() < size + 1 {
                bail!("git cat-file: content of {oid} is cut short");
            }
            contents.push(body[..size].to_vec());
            rest = &body[size + 1..];
        }
        Ok(contents)
    }
}

fn check(args: &[&str], output: std::process::Output) -> Result<GitOutput> {
    if output.status.success() {
        Ok(GitOutput {
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
            prefix: String::new(),
            top: dir.path().into(),
            auth_header: None,
            waits: Waits::default(),
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
        assert!(!format!("{repo:?}").contains("eC1h"), "{repo:?}");
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
