//! The repository a command works on: its config file, `.hh-gitops.yaml`, found from any
//! folder of it and read before any work, and the fabrics `list`, `free` and `refs` read.
//! What the settings mean for `check` and `sync` is `config`'s.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::flags::args::CommonArgs;
use crate::repo_config::{self, RepoConfig};

/// The repository config file a run reads, found and parsed before any work.
#[derive(Debug, Clone)]
pub struct FoundRepoConfig {
    /// The folder it is in: where the globs and paths it holds start.
    pub dir: PathBuf,
    /// How messages name it (`.hh-gitops.yaml` at the repository root).
    pub display: String,
    /// Its settings.
    pub settings: RepoConfig,
}

impl FoundRepoConfig {
    /// `--config FILE`, else the `.hh-gitops.yaml` of the repository `start` is in (the
    /// first one in `start` and the folders above it, up to the top of the git work tree);
    /// none with `--no-config`. A file that cannot be read or holds a mistake stops the
    /// run at its line: settings the user believes in but hh-gitops ignores would give
    /// verdicts they cannot trust.
    pub fn locate(common: &CommonArgs, start: &Path) -> Result<Option<Self>> {
        if common.no_config {
            return Ok(None);
        }
        match &common.config {
            Some(path) => Self::read(path.clone(), path.display().to_string()).map(Some),
            None => Self::find(start),
        }
    }

    /// The `.hh-gitops.yaml` of the repository `start` is in, if it has one.
    pub fn find(start: &Path) -> Result<Option<Self>> {
        find_upwards(start)
            .map(|path| Self::read(path, repo_config::FILE_NAME.to_owned()))
            .transpose()
    }

    /// Reads the config file at `path`, shown as `display`.
    fn read(path: PathBuf, display: String) -> Result<Self> {
        let bytes = std::fs::read(&path)
            .with_context(|| format!("cannot read the repository config {display}"))?;
        let settings = repo_config::parse(&bytes).map_err(|finding| {
            anyhow!(
                "{}\nthe repository config cannot be used: fix it, or run with --no-config",
                finding.display(&display)
            )
        })?;
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(FoundRepoConfig {
            dir,
            display,
            settings,
        })
    }
}

/// The fabrics `list`, `free` and `refs` read: where their globs start, and the globs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFabrics {
    /// The folder the globs start at.
    pub repo: PathBuf,
    /// The fabric globs.
    pub fabrics: Vec<String>,
}

impl ReadFabrics {
    /// `--repo` and `--fabric` when given; else the repository config's folder and its
    /// `fabrics`, else the top of the current git work tree and `gitops/hedgehog/*`: the
    /// fabrics check and sync work on, from any subfolder.
    pub fn resolve(repo: Option<&Path>, fabrics: &[String]) -> Result<Self> {
        let start = repo.unwrap_or(Path::new("."));
        let found = FoundRepoConfig::find(start)?;
        let config_globs = found
            .as_ref()
            .and_then(|found| Some((found.dir.clone(), found.settings.fabrics.clone()?)));
        let folder = || {
            repo.map(Path::to_path_buf)
                .or_else(|| found.as_ref().map(|found| found.dir.clone()))
                .unwrap_or_else(current_repository)
        };
        Ok(match (fabrics.is_empty(), config_globs) {
            (false, _) => ReadFabrics {
                repo: folder(),
                fabrics: fabrics.to_vec(),
            },
            (true, Some((dir, globs))) => ReadFabrics {
                repo: dir,
                fabrics: globs,
            },
            (true, None) => ReadFabrics {
                repo: folder(),
                fabrics: vec![crate::source::DEFAULT_FABRICS.to_owned()],
            },
        })
    }
}

/// The first `.hh-gitops.yaml` in `start` or a folder above it, stopping at the top of the
/// git work tree (the folder holding `.git`). A `start` that cannot be read has none: the
/// run then names the folder where it first needs it.
fn find_upwards(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(repo_config::FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// The top of the git work tree `start` is in (the nearest folder holding `.git`).
pub(super) fn work_tree_top(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The repository a command that names none works on: the top of the git work tree the
/// current folder is in, else the current folder.
pub fn current_repository() -> PathBuf {
    work_tree_top(Path::new(".")).unwrap_or_else(|| PathBuf::from("."))
}
