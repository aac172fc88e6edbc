//! Which files `check` looks at: the files named, and the YAML files under the folders
//! named (or, without a path, under the repository's fabrics), each with the fabric folder
//! it belongs to, if any, and whether it is a resource of that fabric at all.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::backend::git::GitRepo;
use crate::pipeline::fabric_config::FAB_YAML;
use crate::schema::Registry;
use crate::source::{self, DEFAULT_FABRICS, EntryKind};

/// A file `check` looks at and how it was found.
pub(super) struct Candidate {
    pub path: PathBuf,
    pub display: String,
    pub kind: EntryKind,
    /// Index of its fabric config in the run's list.
    pub config: usize,
    /// Why it is listed rather than checked: a file found in a fabric folder outside the
    /// fabric's resources (`.hnp/` metadata, `managed/tests/`). Named files are checked
    /// (unless `.gitignore` ignores them, which `checked_files` finds out).
    pub ignored: Option<&'static str>,
}

/// Why a file is listed rather than checked under `--fabrics`: it belongs to no fabric
/// matching the globs (a Helm chart's `managed/`, a fabric folder elsewhere).
pub(super) const NOT_IN_FABRICS: &str = "not in one of the fabrics checked";

/// What `check` reads: the files and folders to collect and, under `--fabrics`, the
/// fabric folders (canonical) a file must belong to to be checked.
pub struct Selection {
    /// The files and folders to check.
    pub paths: Vec<PathBuf>,
    /// `--fabrics`: only the files of these fabric folders are checked.
    pub fabrics: Option<HashSet<PathBuf>>,
}

impl Selection {
    /// The selection of `check PATH... [--fabrics GLOB...]`: the paths given, or without
    /// one the fabrics matching `fabrics` (default `gitops/hedgehog/*`) of the git
    /// repository the current folder is in. With `fabrics` and paths, the fabric folders
    /// the globs match in that repository, so that a named file outside them is listed as
    /// not in a fabric: the files the pre-commit hook is given are then exactly those a sync
    /// reads.
    pub fn resolve(paths: &[PathBuf], fabrics: Option<&[String]>) -> Result<Selection> {
        let default = [DEFAULT_FABRICS.to_owned()];
        if paths.is_empty() {
            let globs = fabrics.unwrap_or(&default);
            let found = repository_fabrics(
                globs,
                "`hh-gitops check` without a path checks the git repository it runs in",
            )?;
            if found.is_empty() {
                bail!(
                    "no fabric matches {} in the git repository of the current folder: a fabric is a matching folder with a raw/ folder; pass --fabrics, or name the files to check",
                    globs
                        .iter()
                        .map(|glob| format!("`{glob}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            return Ok(Selection {
                paths: found,
                fabrics: None,
            });
        }
        let fabrics = match fabrics {
            Some(globs) => Some(
                repository_fabrics(
                    globs,
                    "`hh-gitops check --fabrics` picks fabrics of the git repository it runs in",
                )?
                .iter()
                .map(|dir| {
                    std::fs::canonicalize(dir)
                        .with_context(|| format!("cannot read {}", dir.display()))
                })
                .collect::<Result<HashSet<_>>>()?,
            ),
            None => None,
        };
        Ok(Selection {
            paths: paths.to_vec(),
            fabrics,
        })
    }
}

/// Why a YAML file under managed/ but outside every kind's folder is no resource.
const OUTSIDE_KIND_FOLDERS: &str = "in managed/ but not in a folder of a resource kind";

/// Why a file found under a folder is no resource of a fabric: it lies in a fabric folder
/// (one with a raw/ folder) but neither in its raw/ or cluster/ nor in a managed/<plural>/
/// folder of a known kind. `None` for every other file.
fn outside_resources(
    registry: &Registry,
    finder: &mut FabricFinder,
    path: &Path,
) -> Option<&'static str> {
    let fabric = finder.nearest(path.parent()?)?;
    let fabric = fabric.as_path();
    let inside = path.strip_prefix(fabric).ok()?;
    let mut parts = inside.components().map(|c| c.as_os_str().to_string_lossy());
    match parts.next().as_deref() {
        Some("raw" | source::CLUSTER) => None,
        Some("managed") => {
            let plural = parts.next()?;
            let known = registry.kinds().iter().any(|k| k.id.plural == plural);
            (!known).then_some(OUTSIDE_KIND_FOLDERS)
        }
        _ => Some("not in the fabric's raw/, managed/ or cluster/"),
    }
}

/// Whether `path` is a fabric's own `fab.yaml` (beside its raw/ folder): the config its
/// check reads and names, neither a resource nor a file to list as ignored.
fn is_fabric_config(finder: &mut FabricFinder, path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == FAB_YAML)
        && path
            .parent()
            .is_some_and(|dir| finder.nearest(dir).as_deref() == Some(dir))
}

/// Finds the nearest folder with a raw/ folder at or above a folder, remembering each answer:
/// the files of one folder share it, and asking the file system for every file's every
/// parent cost more than checking them.
#[derive(Default)]
pub(super) struct FabricFinder {
    known: HashMap<PathBuf, Option<PathBuf>>,
}

impl FabricFinder {
    /// The nearest folder at or above `dir` that has a raw/ folder.
    pub fn nearest(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(answer) = self.known.get(dir) {
            return answer.clone();
        }
        let answer = if dir.join("raw").is_dir() {
            Some(dir.to_path_buf())
        } else {
            dir.parent().and_then(|parent| self.nearest(parent))
        };
        self.known.insert(dir.to_path_buf(), answer.clone());
        answer
    }

    /// The fabric folder whose raw/, managed/ or cluster/ holds the file at the canonical
    /// `path`: the nearest folder above it that has a raw/ folder and holds it in one of them.
    pub fn fabric_of(&mut self, path: &Path) -> Option<PathBuf> {
        let mut above = path.parent()?.to_path_buf();
        loop {
            let dir = self.nearest(&above)?;
            let holds = ["raw", "managed", source::CLUSTER]
                .iter()
                .any(|folder| path.starts_with(dir.join(folder)));
            if holds {
                return Some(dir);
            }
            above = dir.parent()?.to_path_buf();
        }
    }
}

/// Whether the file at `path` lies in the raw/, managed/ or cluster/ folder of one of `fabrics`
/// (canonical fabric folders).
fn in_fabrics(finder: &mut FabricFinder, fabrics: &HashSet<PathBuf>, path: &Path) -> bool {
    std::fs::canonicalize(path)
        .ok()
        .and_then(|canonical| finder.fabric_of(&canonical))
        .is_some_and(|dir| fabrics.contains(&dir))
}

/// Collects the files under the selection's paths: named files whatever their name,
/// folders recursively for `*.yaml`/`*.yml` (links inside folders are reported, not
/// followed). A named path that is neither a file nor a folder (a FIFO, a socket) is
/// reported, never opened: opening a FIFO would wait for a writer forever. Under
/// `--fabrics`, a file outside the selected fabrics is listed as such, never read.
pub(super) fn collect(registry: &Registry, selection: &Selection) -> Result<Vec<Candidate>> {
    let mut candidates = Vec::new();
    let mut finder = FabricFinder::default();
    let outside = |finder: &mut FabricFinder, path: &Path| {
        selection
            .fabrics
            .as_ref()
            .is_some_and(|fabrics| !in_fabrics(finder, fabrics, path))
            .then_some(NOT_IN_FABRICS)
    };
    for (config, path) in selection.paths.iter().enumerate() {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        let display = shown(path);
        if meta.is_dir() {
            let base = display.trim_end_matches('/');
            for entry in source::walk(path, base)? {
                if matches!(entry.kind, EntryKind::Yaml | EntryKind::NotUtf8 { .. })
                    || (entry.kind == EntryKind::Symlink && source::is_yaml_name(&entry.rel))
                {
                    if is_fabric_config(&mut finder, &entry.path) {
                        continue;
                    }
                    let ignored = outside(&mut finder, &entry.path)
                        .or_else(|| outside_resources(registry, &mut finder, &entry.path));
                    // The fabric's managed/ scan reports it as a file appliers would apply.
                    if ignored == Some(OUTSIDE_KIND_FOLDERS) {
                        continue;
                    }
                    candidates.push(Candidate {
                        path: entry.path,
                        display: entry.rel,
                        kind: entry.kind,
                        config,
                        ignored,
                    });
                }
            }
        } else {
            candidates.push(Candidate {
                path: path.clone(),
                display,
                kind: if meta.is_file() {
                    EntryKind::Yaml
                } else {
                    EntryKind::Special
                },
                config,
                ignored: outside(&mut finder, path),
            });
        }
    }
    Ok(candidates)
}

/// How the named `path` is shown in the report: relative to the top of the git work tree
/// holding it, as a sync and SARIF show paths, from whatever folder `check` runs (never
/// `../../gitops/...`), and empty for the top of the work tree; as given outside a work
/// tree, or when it cannot be resolved. A named link is shown where it is, not where it
/// points.
pub(super) fn shown(path: &Path) -> String {
    let as_given = || path.display().to_string();
    let absolute = match (path.parent(), path.file_name()) {
        // `.` and `..` have no file name: resolve them whole.
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => {
            std::fs::canonicalize(parent).map(|dir| dir.join(name))
        }
        (_, Some(name)) => std::env::current_dir().map(|dir| dir.join(name)),
        _ => std::fs::canonicalize(path),
    };
    let Ok(absolute) = absolute else {
        return as_given();
    };
    let Some(top) = absolute
        .ancestors()
        .find(|folder| folder.join(".git").exists())
    else {
        return as_given();
    };
    let inside: Vec<String> = absolute
        .strip_prefix(top)
        .map(|rest| {
            rest.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    // Empty for the top of the work tree itself: its files are shown from there.
    inside.join("/")
}

/// The fabric folders matching `globs` (as `sync --fabrics` finds them) in the git
/// repository the current folder is in, as paths from the current folder. `needs` says
/// why a repository is needed, for when there is none.
fn repository_fabrics(globs: &[String], needs: &'static str) -> Result<Vec<PathBuf>> {
    let git = GitRepo::open(Path::new(".")).context(needs)?;
    let top = std::fs::canonicalize(git.top())
        .with_context(|| format!("cannot read {}", git.top().display()))?;
    let here = std::fs::canonicalize(".").context("cannot read the current folder")?;
    let up = match here.strip_prefix(&top) {
        Ok(below) => below
            .components()
            .map(|_| "..")
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => top.display().to_string(),
    };
    let found = source::find_fabric_dirs(&top, globs)?;
    Ok(found
        .dirs
        .into_iter()
        .filter(|dir| dir.skip_reason.is_none())
        .map(|dir| {
            if up.is_empty() {
                PathBuf::from(dir.rel)
            } else {
                PathBuf::from(format!("{up}/{}", dir.rel))
            }
        })
        .collect())
}
