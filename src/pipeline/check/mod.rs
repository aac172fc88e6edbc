//! `check`'s reading: the files the user named, each checked with the others it belongs
//! with. A file in a fabric's raw/ or managed/ is checked as `sync` would check it: with
//! that fabric's whole managed/ and raw/ as the fabric state. Other files are checked
//! against each other (`check wiring.yaml vpcs.yaml` checks them together, as hhfab would).
//! A raw file that `.gitignore` ignores is no part of the fabric, as for `sync`: it is
//! listed as ignored, never read, even when named.

mod candidates;

pub use candidates::Selection;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::discover::{self, FabricFiles};
use super::fabric_config::{self, Given, LoadedConfig};
use crate::backend::diff::BaseDiff;
use crate::backend::git::GitRepo;
use crate::crosscheck::Scope;
use crate::finding::Finding;
use crate::plan::{FabricInput, MissingObjects, RawOutcome};
use crate::report::{CheckedFile, GITIGNORED};
use crate::rules::state::References;
use crate::schema::Registry;
use crate::source::{self, EntryKind};
use candidates::{Candidate, FabricFinder, collect};

/// The folder prefix under which the user sees the files of the fabric `dir`: the part of
/// `display` (how a file `path` of that fabric was shown) before its path inside the fabric.
fn fabric_prefix(dir: &Path, canonical: &Path, display: &str) -> String {
    let inside = canonical
        .strip_prefix(dir)
        .ok()
        .map(|rest| rest.to_string_lossy().into_owned());
    match inside {
        Some(inside) if display.ends_with(&inside) => {
            display[..display.len() - inside.len()].to_owned()
        }
        _ => format!("{}/", dir.display()),
    }
}

/// What `check` found.
pub struct Checked {
    /// Every file named or found, checked or listed as ignored.
    pub files: Vec<CheckedFile>,
    /// The fabric configs used.
    pub configs: Vec<LoadedConfig>,
    /// Objects referred to but nowhere among the files read, by fabric and kind.
    pub missing: Vec<MissingObjects>,
}

/// A group of files checked together: a fabric, or the loose files of one fabric config.
struct Group {
    /// Whether the group is loose files rather than a fabric.
    loose: bool,
    input: FabricInput,
    files: FabricFiles,
    config: LoadedConfig,
    /// How much the problems of its managed/ count.
    scope: Scope,
    /// The paths of its raw files that `.gitignore` ignores, left out of `files`.
    gitignored: HashSet<PathBuf>,
}

/// `check`: every file under `paths`, checked alone and then with its group (see the
/// module documentation), each group against its fabric config (`given`, else the fab.yaml
/// of the fabric holding it, else the defaults); also returns the configs used.
///
/// A fabric's raw files that `.gitignore` ignores (asked of the git work tree holding the
/// fabric; outside one, none) are left out of its fabric state, as `sync` leaves them out
/// of its plan, and listed as ignored when named or found under a named folder. A file the
/// user names is treated the same: checking it would give a verdict `sync` never gives,
/// and `git add` of it would need `--force` (once staged, git tracks it and it is read).
pub fn checked_files(
    registry: &Registry,
    selection: &Selection,
    max_size: u64,
    given: &Given,
    references: References,
    changes: Option<&BaseDiff>,
) -> Result<Checked> {
    let candidates = collect(registry, selection)?;
    let paths = &selection.paths;
    let path_configs = paths
        .iter()
        .map(|path| fabric_config::for_checked_path(path, given))
        .collect::<Result<Vec<_>>>()?;
    let mut groups: Vec<Group> = Vec::new();
    let mut fabric_groups: BTreeMap<PathBuf, usize> = BTreeMap::new();
    // Where each candidate is: its group, and its path as that group lists it.
    let mut placed: Vec<(usize, PathBuf)> = Vec::with_capacity(candidates.len());
    let mut finder = FabricFinder::default();
    let here = std::env::current_dir().context("cannot read the current folder")?;
    for candidate in &candidates {
        if candidate.ignored.is_some() {
            // Never read: listed as ignored below.
            placed.push((usize::MAX, candidate.path.clone()));
            continue;
        }
        // Resolving a path costs a system call per component: only a file with a fabric
        // folder somewhere above it needs its canonical path.
        let absolute = here.join(&candidate.path);
        let canonical = match candidate.kind {
            EntryKind::Yaml
                if absolute
                    .parent()
                    .and_then(|dir| finder.nearest(dir))
                    .is_some() =>
            {
                std::fs::canonicalize(&candidate.path).ok()
            }
            _ => None,
        };
        let fabric = canonical.as_deref().and_then(|path| finder.fabric_of(path));
        let group = match fabric {
            Some(dir) => match fabric_groups.get(&dir) {
                Some(&group) => group,
                None => {
                    let canonical = canonical.as_deref().unwrap_or(&candidate.path);
                    let prefix = fabric_prefix(&dir, canonical, &candidate.display);
                    let shown = prefix.trim_end_matches('/');
                    let git = GitRepo::open(&dir).ok();
                    let pointed = &paths[candidate.config];
                    let root = fabric_config::repository_root(git.as_ref(), &dir, pointed);
                    let config = LoadedConfig::for_fabric(&dir, shown, given, &root)?;
                    let mut input = empty_input(shown, &config);
                    let repo_dir = git
                        .as_ref()
                        .map(|git| git.repo_path("").trim_end_matches('/').to_owned())
                        .unwrap_or_default();
                    let ctx = config.context();
                    let change = super::changes::for_fabric(
                        changes,
                        &repo_dir,
                        &prefix,
                        Scope::Whole,
                        |path, bytes| crate::validate::held_resources(registry, &ctx, path, bytes),
                    );
                    let scope = change.scope;
                    input.deleted = change.deleted;
                    input.edited = change.edited;
                    let mut files = discover::fabric_files(registry, &dir, &prefix)?;
                    let gitignored = match &git {
                        // Git is opened at the fabric folder: a raw file's path from there
                        // is its path as listed, without the prefix.
                        Some(git) => discover::take_gitignored(
                            git,
                            std::slice::from_mut(&mut files),
                            |_, entry| entry.rel[prefix.len()..].to_owned(),
                        )?
                        .into_iter()
                        .flatten()
                        .map(|entry| entry.path)
                        .collect(),
                        None => HashSet::new(),
                    };
                    groups.push(Group {
                        loose: false,
                        input,
                        files,
                        config,
                        scope,
                        gitignored,
                    });
                    fabric_groups.insert(dir, groups.len() - 1);
                    groups.len() - 1
                }
            },
            None => {
                let config = &path_configs[candidate.config];
                let existing = groups
                    .iter()
                    .position(|g| g.loose && g.config.source == config.source);
                let group = existing.unwrap_or_else(|| {
                    groups.push(Group {
                        loose: true,
                        input: empty_input("", config),
                        files: FabricFiles::default(),
                        scope: Scope::Whole,
                        config: config.clone(),
                        gitignored: HashSet::new(),
                    });
                    groups.len() - 1
                });
                groups[group].files.raw.push(source::Entry {
                    path: candidate.path.clone(),
                    rel: candidate.display.clone(),
                    kind: candidate.kind.clone(),
                });
                group
            }
        };
        let listed = match canonical {
            Some(canonical) if !groups[group].loose => canonical,
            _ => candidate.path.clone(),
        };
        placed.push((group, listed));
    }
    let mut inputs = Vec::with_capacity(groups.len());
    let mut files = Vec::with_capacity(groups.len());
    let mut configs = Vec::with_capacity(groups.len());
    let mut scopes = Vec::with_capacity(groups.len());
    let mut gitignored = Vec::with_capacity(groups.len());
    for group in groups {
        inputs.push(group.input);
        files.push(group.files);
        configs.push(group.config);
        scopes.push(group.scope);
        gitignored.push(group.gitignored);
    }
    let contexts: Vec<_> = configs.iter().map(LoadedConfig::context).collect();
    discover::read_fabrics(
        registry,
        &mut inputs,
        &files,
        &contexts,
        &scopes,
        max_size,
        references,
    );
    // Where each file a group read is in its input: raw/ or managed/, and which one; and
    // the cluster/ files, whose findings are with managed/'s.
    let mut read: HashMap<(usize, &Path), (bool, usize)> = HashMap::new();
    let mut cluster: HashMap<(usize, &Path), usize> = HashMap::new();
    for (group, files) in files.iter().enumerate() {
        for (index, entry) in files.raw.iter().enumerate() {
            read.insert((group, entry.path.as_path()), (true, index));
        }
        for (index, entry) in files.managed.iter().enumerate() {
            read.insert((group, entry.path.as_path()), (false, index));
        }
        for (index, entry) in files.cluster.iter().enumerate() {
            cluster.insert((group, entry.path.as_path()), index);
        }
    }
    let raw_copies: Vec<_> = inputs.iter().map(super::warnings::RawCopies::of).collect();
    let mut checked = Vec::with_capacity(candidates.len());
    for (candidate, (group, listed)) in candidates.iter().zip(&placed) {
        let why = candidate
            .ignored
            .or_else(|| gitignored[*group].contains(listed).then_some(GITIGNORED));
        if let Some(why) = why {
            checked.push(CheckedFile {
                path: candidate.display.clone(),
                fabric: String::new(),
                resources: 0,
                findings: Vec::new(),
                ignored: Some(why.to_owned()),
            });
            continue;
        }
        let input = &inputs[*group];
        if let Some(&index) = cluster.get(&(*group, listed.as_path())) {
            let file = &input.cluster[index];
            checked.push(CheckedFile {
                path: candidate.display.clone(),
                fabric: input.dir.clone(),
                resources: file.held.len(),
                findings: managed_findings_of(input, &file.path),
                ignored: None,
            });
            continue;
        }
        let found = read.get(&(*group, listed.as_path())).copied();
        let raw = found.and_then(|(raw, index)| raw.then_some(index));
        let managed = found.and_then(|(raw, index)| (!raw).then_some(index));
        let (resources, findings) = match (raw, managed) {
            (Some(index), _) => match &input.files[index].outcome {
                RawOutcome::Valid(resources) => (
                    resources.len(),
                    resources.iter().flat_map(|r| r.warnings.clone()).collect(),
                ),
                RawOutcome::Rejected(findings) => (0, findings.clone()),
                RawOutcome::Ignored => alone(registry, &contexts[*group], candidate, max_size),
            },
            (None, Some(index)) => {
                let file = &input.managed[index];
                let (count, mut findings) = match &file.outcome {
                    Ok(resources) => (
                        resources.len(),
                        resources
                            .iter()
                            .flat_map(|r| raw_copies[*group].unrepeated_warnings(r))
                            .collect(),
                    ),
                    Err(findings) => (0, findings.clone()),
                };
                if file.outcome.is_ok() {
                    findings.extend(managed_findings_of(input, &file.path));
                    findings.sort_by_key(|f| (f.line, f.col));
                }
                (count, findings)
            }
            (None, None) => alone(registry, &contexts[*group], candidate, max_size),
        };
        let mut findings = findings;
        super::warnings::mark_change(&mut findings, &scopes[*group], &candidate.display);
        checked.push(CheckedFile {
            path: candidate.display.clone(),
            fabric: input.dir.clone(),
            resources,
            findings,
            ignored: None,
        });
    }
    let unlisted = unlisted_findings(&inputs, &checked, paths);
    checked.extend(unlisted);
    // Missing references are only known for the files read together: keep the groups'
    // (their paths are as the user sees them already).
    let missing = inputs.into_iter().flat_map(|input| input.missing).collect();
    Ok(Checked {
        files: checked,
        configs,
        missing,
    })
}

/// A fabric's findings at paths that are no YAML file `check` read: the managed files a
/// change deletes ("deleting this file breaks …"), and other files in managed/<plural>/
/// under a folder the user named (`paths`); listed as a sync lists them, so that check and
/// sync agree. `checked` is what is listed already.
fn unlisted_findings(
    inputs: &[FabricInput],
    checked: &[CheckedFile],
    paths: &[PathBuf],
) -> Vec<CheckedFile> {
    let listed: std::collections::HashSet<&str> =
        checked.iter().map(|file| file.path.as_str()).collect();
    let named: Vec<String> = paths
        .iter()
        .map(|path| match candidates::shown(path) {
            top if top.is_empty() => top,
            shown => format!("{}/", shown.trim_end_matches('/')),
        })
        .collect();
    let mut elsewhere: BTreeMap<&str, (&str, Vec<Finding>)> = BTreeMap::new();
    for input in inputs {
        let shown = |path: &str| {
            input.deleted.iter().any(|deleted| deleted.path == path)
                || (input.strays.iter().any(|stray| stray == path)
                    && named.iter().any(|folder| path.starts_with(folder.as_str())))
        };
        for found in input
            .managed_findings
            .iter()
            .filter(|m| !listed.contains(m.path.as_str()) && shown(&m.path))
        {
            elsewhere
                .entry(found.path.as_str())
                .or_insert_with(|| (input.dir.as_str(), Vec::new()))
                .1
                .push(found.finding.clone());
        }
    }
    elsewhere
        .into_iter()
        .map(|(path, (fabric, mut findings))| {
            findings.sort_by_key(|f| (f.line, f.col));
            CheckedFile {
                path: path.to_owned(),
                fabric: fabric.to_owned(),
                resources: 0,
                findings,
                ignored: None,
            }
        })
        .collect()
}

/// The findings of the cross-object check at the managed/ or cluster/ file `path`.
fn managed_findings_of(input: &FabricInput, path: &str) -> Vec<Finding> {
    input
        .managed_findings
        .iter()
        .filter(|m| m.path == path)
        .map(|m| m.finding.clone())
        .collect()
}

/// A group's input before its files are read.
fn empty_input(dir: &str, config: &LoadedConfig) -> FabricInput {
    FabricInput {
        dir: dir.to_owned(),
        files: Vec::new(),
        targets: BTreeMap::new(),
        config: config.source.clone(),
        managed: Vec::new(),
        managed_findings: Vec::new(),
        deleted: Vec::new(),
        edited: Vec::new(),
        strays: Vec::new(),
        cluster: Vec::new(),
        missing: Vec::new(),
    }
}

/// A named file that its fabric does not read (outside managed/'s resource folders, or not
/// a YAML name): checked on its own.
fn alone(
    registry: &Registry,
    rules: &crate::rules::Context,
    candidate: &Candidate,
    max_size: u64,
) -> (usize, Vec<Finding>) {
    match discover::check_path(registry, rules, &candidate.path, &candidate.kind, max_size).result {
        Ok(resources) => (
            resources.len(),
            resources.into_iter().flat_map(|r| r.warnings).collect(),
        ),
        Err(findings) => (0, findings),
    }
}
