//! The reading half of the pipeline: which files a run looks at, each one read and checked
//! (in parallel), and the state of every managed path a valid resource maps to. It reads
//! the file system and asks git; it changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::fabric_config::{self, LoadedConfig};
use super::parallel;
use crate::backend::git::GitRepo;
use crate::finding::Finding;
use crate::plan::{FabricInput, RawFile, RawOutcome, TargetState};
use crate::report::{CheckedFile, SkippedDir};
use crate::schema::Registry;
use crate::source::{self, EntryKind, Read};
use crate::validate;

/// Reads and checks one file against `rules`; a file-level problem becomes a finding at
/// line 1.
pub fn check_path(
    registry: &Registry,
    rules: &crate::rules::Context,
    path: &Path,
    kind: &EntryKind,
    max_size: u64,
) -> Result<Vec<validate::Resource>, Vec<Finding>> {
    match kind {
        EntryKind::Symlink => {
            return Err(vec![Finding::at(
                1,
                1,
                "is a symbolic link: hh-gitops never follows links inside a folder; replace it with the file itself",
            )]);
        }
        EntryKind::Special => return Err(vec![Finding::at(1, 1, "is not a regular file")]),
        EntryKind::NotUtf8 { folder: false } => {
            return Err(vec![Finding::at(
                1,
                1,
                "file name is not valid UTF-8: rename it",
            )]);
        }
        EntryKind::NotUtf8 { folder: true } => {
            return Err(vec![Finding::at(
                1,
                1,
                "folder name is not valid UTF-8: rename it (hh-gitops does not look inside)",
            )]);
        }
        EntryKind::Yaml | EntryKind::Ignored => {}
    }
    match source::read_limited(path, max_size) {
        Ok(Read::Bytes(bytes)) => validate::check_file(registry, rules, &bytes),
        Ok(Read::TooLarge(size)) => Err(vec![Finding::at(
            1,
            1,
            format!(
                "file is {size} bytes, over the {max_size}-byte limit: split it, or raise --max-file-size"
            ),
        )]),
        Err(e) => Err(vec![Finding::at(1, 1, format!("{e:#}"))]),
    }
}

/// A file `check` looks at and how it was found.
struct Candidate {
    path: PathBuf,
    display: String,
    kind: EntryKind,
    /// Index of its fabric config in the run's list.
    config: usize,
}

/// Collects the files under `paths`: named files whatever their name, folders recursively
/// for `*.yaml`/`*.yml` (links inside folders are reported, not followed). A named path
/// that is neither a file nor a folder (a FIFO, a socket) is reported, never opened: opening
/// a FIFO would wait for a writer forever.
fn collect(paths: &[PathBuf]) -> Result<Vec<Candidate>> {
    let mut candidates = Vec::new();
    for (config, path) in paths.iter().enumerate() {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        let display = path.display().to_string();
        if meta.is_dir() {
            let base = display.trim_end_matches('/');
            for entry in source::walk(path, base)? {
                if matches!(entry.kind, EntryKind::Yaml | EntryKind::NotUtf8 { .. })
                    || (entry.kind == EntryKind::Symlink && source::is_yaml_name(&entry.rel))
                {
                    candidates.push(Candidate {
                        path: entry.path,
                        display: entry.rel,
                        kind: entry.kind,
                        config,
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
            });
        }
    }
    Ok(candidates)
}

/// `check`: every file under `paths`, checked, each against the fabric config of its path
/// (`given`, else the fab.yaml of the fabric holding it, else the defaults); also returns
/// the configs used, one per path.
pub fn checked_files(
    registry: &Registry,
    paths: &[PathBuf],
    max_size: u64,
    given: Option<&LoadedConfig>,
) -> Result<(Vec<CheckedFile>, Vec<LoadedConfig>)> {
    let candidates = collect(paths)?;
    let configs = paths
        .iter()
        .map(|path| fabric_config::for_checked_path(path, given))
        .collect::<Result<Vec<_>>>()?;
    let contexts: Vec<_> = configs.iter().map(LoadedConfig::context).collect();
    let files = parallel::map(&candidates, |c| {
        let rules = &contexts[c.config];
        let (resources, findings) = match check_path(registry, rules, &c.path, &c.kind, max_size) {
            Ok(resources) => (
                resources.len(),
                resources.into_iter().flat_map(|r| r.warnings).collect(),
            ),
            Err(findings) => (0, findings),
        };
        CheckedFile {
            path: c.display.clone(),
            resources,
            findings,
        }
    });
    Ok((files, configs))
}

/// What a look at the fabrics found: the planner's inputs and what stays out of the plan.
pub struct Fabrics {
    /// One input per fabric, in path order.
    pub inputs: Vec<FabricInput>,
    /// Folders matched by `--fabrics` that are not fabrics.
    pub skipped: Vec<SkippedDir>,
    /// Raw files (`<fabric>/raw/...`) left out of the plan because `.gitignore` ignores them.
    pub gitignored: BTreeSet<String>,
    /// `--fabrics` globs that matched no fabric.
    pub unmatched: Vec<String>,
}

/// Reads every fabric under `repo` matching `globs`, checks its raw files and the state of
/// the managed paths they map to.
pub fn fabrics(
    registry: &Registry,
    repo: &Path,
    globs: &[String],
    max_size: u64,
    given: Option<&LoadedConfig>,
    git: Option<&GitRepo>,
) -> Result<Fabrics> {
    let source::FabricDirs { dirs, unmatched } = source::find_fabric_dirs(repo, globs)?;
    let mut skipped = Vec::new();
    let mut inputs = Vec::new();
    let mut configs = Vec::new();
    let mut entries = Vec::new();
    for dir in dirs {
        match dir.skip_reason {
            None => {
                let raw = repo.join(&dir.rel).join("raw");
                for entry in source::walk(&raw, "raw")? {
                    entries.push((inputs.len(), entry));
                }
                let config = LoadedConfig::for_fabric(&repo.join(&dir.rel), &dir.rel, given)?;
                inputs.push(FabricInput {
                    dir: dir.rel,
                    files: Vec::new(),
                    targets: BTreeMap::new(),
                    config: config.source.clone(),
                });
                configs.push(config);
            }
            Some(reason) => skipped.push(SkippedDir {
                dir: dir.rel,
                reason,
            }),
        }
    }
    if inputs.is_empty() {
        bail!(
            "no fabric found under {} matching {}: a fabric is a folder with a raw/ folder (see --fabrics)",
            repo.display(),
            globs.join(", ")
        );
    }
    // Untracked files that .gitignore ignores are not part of the repository: they stay out
    // of the plan altogether, so a raw/ left with only them still gets its .gitkeep.
    let mut gitignored = BTreeSet::new();
    if let Some(git) = git {
        let yaml: Vec<String> = entries
            .iter()
            .filter(|(_, entry)| entry.kind == EntryKind::Yaml)
            .map(|(fabric, entry)| format!("{}/{}", inputs[*fabric].dir, entry.rel))
            .collect();
        gitignored = git.ignored(&yaml)?;
        entries.retain(|(fabric, entry)| {
            !gitignored.contains(&format!("{}/{}", inputs[*fabric].dir, entry.rel))
        });
    }
    let contexts: Vec<_> = configs.iter().map(LoadedConfig::context).collect();
    let outcomes = parallel::map(&entries, |(fabric, entry)| match entry.kind {
        EntryKind::Ignored => RawOutcome::Ignored,
        _ => match check_path(
            registry,
            &contexts[*fabric],
            &entry.path,
            &entry.kind,
            max_size,
        ) {
            Ok(resources) => RawOutcome::Valid(resources),
            Err(findings) => RawOutcome::Rejected(findings),
        },
    });
    for ((fabric, entry), outcome) in entries.into_iter().zip(outcomes) {
        inputs[fabric].files.push(RawFile {
            path: entry.rel,
            outcome,
        });
    }
    for input in &mut inputs {
        input.targets = targets(repo, input, git)?;
    }
    Ok(Fabrics {
        inputs,
        skipped,
        gitignored,
        unmatched,
    })
}

/// The state of every managed path a valid resource of `fabric` maps to. A managed file
/// with uncommitted changes (or untracked) is `Uncommitted`, so the plan never overwrites
/// work that is not in git yet.
fn targets(
    repo: &Path,
    fabric: &FabricInput,
    git: Option<&GitRepo>,
) -> Result<BTreeMap<String, TargetState>> {
    let base = repo.join(&fabric.dir);
    let wanted: BTreeSet<String> = fabric
        .files
        .iter()
        .filter_map(|f| match &f.outcome {
            RawOutcome::Valid(resources) => Some(resources.iter().map(|r| r.managed_path())),
            _ => None,
        })
        .flatten()
        .collect();
    let uncommitted = match git {
        Some(git) if !wanted.is_empty() => git.uncommitted(&[format!("{}/managed", fabric.dir)])?,
        _ => BTreeSet::new(),
    };
    let mut states = BTreeMap::new();
    for path in wanted {
        let mut state = source::target_state(&base, &path)?;
        let repo_path = git.map(|g| g.repo_path(&format!("{}/{path}", fabric.dir)));
        if matches!(state, TargetState::File(_) | TargetState::Absent)
            && repo_path.is_some_and(|p| uncommitted.contains(&p))
        {
            state = TargetState::Uncommitted;
        }
        states.insert(path, state);
    }
    Ok(states)
}
