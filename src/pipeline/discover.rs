//! The reading half of the pipeline: which files a run looks at, each one read and checked
//! (in parallel), and the state of every managed path a valid resource maps to. It reads
//! the file system and asks git; it changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, bail};

use super::changes;
use super::fabric_config::{Given, LoadedConfig};
use crate::backend::diff::BaseDiff;
use crate::backend::git::GitRepo;
use crate::crosscheck::{self, Scope};
use crate::finding::Finding;
use crate::flags::config::SyncConfig;
use crate::parallel;
use crate::plan::{ClusterFile, FabricInput, ManagedFile, RawFile, RawOutcome, TargetState};
use crate::report::SkippedDir;
use crate::rules::state::References;
use crate::schema::Registry;
use crate::source::{self, EntryKind, Read};
use crate::validate::{self, FileCheck, Named};

/// Reads and checks one file against `rules`; a file-level problem becomes a finding at
/// line 1.
pub fn check_path(
    registry: &Registry,
    rules: &crate::rules::Context,
    path: &Path,
    kind: &EntryKind,
    max_size: u64,
) -> FileCheck {
    let mut names = Vec::new();
    let result = check_path_alone(registry, rules, path, kind, max_size, &mut names);
    FileCheck { result, names }
}

fn check_path_alone(
    registry: &Registry,
    rules: &crate::rules::Context,
    path: &Path,
    kind: &EntryKind,
    max_size: u64,
    names: &mut Vec<Named>,
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
        Ok(Read::Bytes(bytes)) => {
            let checked = validate::check_file_named(registry, rules, &bytes);
            *names = checked.names;
            checked.result
        }
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

/// Reads every fabric under `config.repo` matching its globs, checks its raw files alone
/// and then against the fabric state (its managed/ and cluster/ files with the raw files laid
/// over, see `crosscheck`), and reads the state of the managed paths they map to.
///
/// `git` is the work tree addressed from its top, and `below` the path of `config.repo`
/// inside it (`""` or ending in `/`): every fabric folder, and so every path of the plan,
/// is a repository path. Without a work tree paths are from `config.repo`.
pub fn fabrics(
    registry: &Registry,
    config: &SyncConfig,
    below: &str,
    given: &Given,
    git: Option<&GitRepo>,
    changes: Option<&BaseDiff>,
) -> Result<Fabrics> {
    let (repo, globs, max_size) = (&config.repo, &config.fabrics, config.max_file_size);
    let root = git.map_or(repo.as_path(), GitRepo::top);
    let source::FabricDirs { dirs, unmatched } = source::find_fabric_dirs(repo, globs)?;
    let mut skipped = Vec::new();
    let mut inputs = Vec::new();
    let mut configs = Vec::new();
    let mut files = Vec::new();
    let mut scopes = Vec::new();
    for dir in dirs {
        let rel = format!("{below}{}", dir.rel);
        match dir.skip_reason {
            None => {
                let path = root.join(&rel);
                files.push(fabric_files(registry, &path, "")?);
                let config = LoadedConfig::for_fabric(&path, &rel, given, root)?;
                let ctx = config.context();
                let change =
                    changes::for_fabric(changes, &rel, "", Scope::AlreadyThere, |path, bytes| {
                        validate::held_resources(registry, &ctx, path, bytes)
                    });
                scopes.push(change.scope);
                inputs.push(FabricInput {
                    dir: rel,
                    files: Vec::new(),
                    targets: BTreeMap::new(),
                    config: config.source.clone(),
                    managed: Vec::new(),
                    managed_findings: Vec::new(),
                    deleted: change.deleted,
                    edited: change.edited,
                    strays: Vec::new(),
                    cluster: Vec::new(),
                    missing: Vec::new(),
                });
                configs.push(config);
            }
            Some(reason) => skipped.push(SkippedDir { dir: rel, reason }),
        }
    }
    if inputs.is_empty() {
        bail!(
            "no fabric found under {} matching {}: a fabric is a folder with a raw/ folder (see --fabrics)",
            repo.display(),
            globs.join(", ")
        );
    }
    let mut gitignored = BTreeSet::new();
    if let Some(git) = git {
        let in_repo =
            |fabric: usize, entry: &source::Entry| format!("{}/{}", inputs[fabric].dir, entry.rel);
        let taken = take_gitignored(git, &mut files, in_repo)?;
        for (fabric, entries) in taken.iter().enumerate() {
            gitignored.extend(entries.iter().map(|entry| in_repo(fabric, entry)));
        }
    }
    let contexts: Vec<_> = configs.iter().map(LoadedConfig::context).collect();
    read_fabrics(
        registry,
        &mut inputs,
        &files,
        &contexts,
        &scopes,
        max_size,
        config.policy.references,
    );
    for input in &mut inputs {
        input.targets = targets(root, input, git)?;
    }
    Ok(Fabrics {
        inputs,
        skipped,
        gitignored,
        unmatched,
    })
}

/// The files of one fabric folder that a run reads.
#[derive(Default)]
pub struct FabricFiles {
    /// Everything under raw/.
    pub raw: Vec<source::Entry>,
    /// The resource files of managed/ (see [`managed_files`]).
    pub managed: Vec<source::Entry>,
    /// Other files in managed/'s resource folders (`.gitkeep` aside).
    pub strays: Vec<String>,
    /// The YAML files under cluster/ (and what cannot be read there: links, odd names),
    /// see [`source::cluster_files`].
    pub cluster: Vec<source::Entry>,
}

/// Lists the files of the fabric folder `dir`, their `rel` paths starting with `prefix`
/// (empty, or a folder path ending in `/`).
pub fn fabric_files(registry: &Registry, dir: &Path, prefix: &str) -> Result<FabricFiles> {
    let (managed, strays) = managed_files(registry, dir, prefix)?;
    Ok(FabricFiles {
        raw: source::walk(&dir.join("raw"), &format!("{prefix}raw"))?,
        managed,
        strays,
        cluster: source::cluster_files(dir, prefix)?,
    })
}

/// Takes the untracked raw YAML files that `.gitignore` ignores out of each fabric's
/// `files` and returns them, fabric by fabric. Such files are not part of the repository
/// (a scratch file, a local override): they are no part of the fabric state, for `sync`
/// (which still gives a raw/ left with only them its .gitkeep) as for `check`, and both
/// list them as ignored. A file git tracks is never ignored, whatever `.gitignore` says.
/// `in_git(fabric, entry)` is the path of a raw file from the folder `git` was opened at;
/// git is asked once for all of them.
pub fn take_gitignored(
    git: &GitRepo,
    files: &mut [FabricFiles],
    in_git: impl Fn(usize, &source::Entry) -> String,
) -> Result<Vec<Vec<source::Entry>>> {
    let yaml: Vec<String> = files
        .iter()
        .enumerate()
        .flat_map(|(fabric, files)| {
            files
                .raw
                .iter()
                .filter(|entry| entry.kind == EntryKind::Yaml)
                .map(move |entry| (fabric, entry))
        })
        .map(|(fabric, entry)| in_git(fabric, entry))
        .collect();
    let ignored = git.ignored(&yaml)?;
    Ok(files
        .iter_mut()
        .enumerate()
        .map(|(fabric, files)| {
            let (taken, kept) = std::mem::take(&mut files.raw)
                .into_iter()
                .partition(|entry| {
                    entry.kind == EntryKind::Yaml && ignored.contains(&in_git(fabric, entry))
                });
            files.raw = kept;
            taken
        })
        .collect())
}

/// Reads and checks the files of every fabric (raw/, managed/ and cluster/; in parallel, all
/// fabrics together), each against its fabric's rules `contexts`, then checks each fabric's
/// raw files against its fabric state (`crosscheck`), as much as each fabric's scope says
/// managed/ counts.
/// `inputs`, `files`, `contexts` and `scopes` go together by index.
pub fn read_fabrics(
    registry: &Registry,
    inputs: &mut [FabricInput],
    files: &[FabricFiles],
    contexts: &[crate::rules::Context],
    scopes: &[Scope],
    max_size: u64,
    references: References,
) {
    let raw: Vec<(usize, &source::Entry)> = files
        .iter()
        .enumerate()
        .flat_map(|(fabric, files)| files.raw.iter().map(move |entry| (fabric, entry)))
        .collect();
    let outcomes = parallel::map(&raw, |(fabric, entry)| match entry.kind {
        EntryKind::Ignored => (RawOutcome::Ignored, Vec::new()),
        _ => {
            let checked = check_path(
                registry,
                &contexts[*fabric],
                &entry.path,
                &entry.kind,
                max_size,
            );
            match checked.result {
                Ok(resources) => (RawOutcome::Valid(resources), checked.names),
                Err(findings) => (RawOutcome::Rejected(findings), checked.names),
            }
        }
    });
    for ((fabric, entry), (outcome, names)) in raw.into_iter().zip(outcomes) {
        inputs[fabric].files.push(RawFile {
            path: entry.rel.clone(),
            outcome,
            names,
            untouched: false,
            displaces: Default::default(),
        });
    }
    let managed: Vec<(usize, &source::Entry)> = files
        .iter()
        .enumerate()
        .flat_map(|(fabric, files)| files.managed.iter().map(move |entry| (fabric, entry)))
        .collect();
    let outcomes = parallel::map(&managed, |(fabric, entry)| {
        let ctx = &contexts[*fabric];
        let mut outcome = check_path(registry, ctx, &entry.path, &entry.kind, max_size).result;
        let held = match &mut outcome {
            Ok(_) => Vec::new(),
            Err(findings) => {
                let held = held_despite_findings(registry, ctx, entry, max_size);
                findings.extend(validate::unreadable_warnings(&held));
                held
            }
        };
        (outcome, held)
    });
    for ((fabric, entry), (outcome, held)) in managed.into_iter().zip(outcomes) {
        inputs[fabric].managed.push(ManagedFile {
            path: entry.rel.clone(),
            outcome,
            held_despite_findings: held,
        });
    }
    let cluster: Vec<(usize, &source::Entry)> = files
        .iter()
        .enumerate()
        .flat_map(|(fabric, files)| files.cluster.iter().map(move |entry| (fabric, entry)))
        .collect();
    let read = parallel::map(&cluster, |(fabric, entry)| {
        cluster_file(registry, &contexts[*fabric], entry, max_size)
    });
    for ((fabric, _), file) in cluster.into_iter().zip(read) {
        inputs[fabric].cluster.push(file);
    }
    for (fabric, input) in inputs.iter_mut().enumerate() {
        input.strays = files[fabric].strays.clone();
        let verdicts =
            crosscheck::check_fabric(input, &contexts[fabric], references, &scopes[fabric]);
        input.settle(verdicts);
    }
}

/// Reads the cluster/ file `entry`: what the fabric holds from it (read as far as it can
/// be whatever its findings; a `kind: List` export stands for its items), and its findings
/// but for those about what an export is made of (`status`, `resourceVersion`…, a List).
fn cluster_file(
    registry: &Registry,
    ctx: &crate::rules::Context,
    entry: &source::Entry,
    max_size: u64,
) -> ClusterFile {
    let mut findings = match check_path(registry, ctx, &entry.path, &entry.kind, max_size).result {
        Ok(resources) => resources.into_iter().flat_map(|r| r.warnings).collect(),
        Err(findings) => findings,
    };
    let held = match (&entry.kind, source::read_limited(&entry.path, max_size)) {
        (EntryKind::Yaml, Ok(Read::Bytes(bytes))) => {
            validate::exported_resources(registry, ctx, &bytes)
        }
        _ => Vec::new(),
    };
    findings.extend(validate::unreadable_warnings(&held));
    let exported = [
        crate::finding::rules::EXPORT_IDENTITY,
        crate::finding::rules::EXPORT_FIELDS,
        crate::finding::rules::KIND_LIST,
    ];
    findings.retain(|f| f.rule.is_none_or(|rule| !exported.contains(&rule)));
    ClusterFile {
        path: entry.rel.clone(),
        held,
        findings,
    }
}

/// What the fabric holds from the managed file `entry`, which is not valid: read as far as
/// it can be, or named by its path when it cannot be read at all (a link, a file too large).
fn held_despite_findings(
    registry: &Registry,
    ctx: &crate::rules::Context,
    entry: &source::Entry,
    max_size: u64,
) -> Vec<validate::Resource> {
    match (&entry.kind, source::read_limited(&entry.path, max_size)) {
        (EntryKind::Yaml, Ok(Read::Bytes(bytes))) => {
            validate::held_resources(registry, ctx, &entry.rel, &bytes)
        }
        _ => validate::named_by_path(registry, &entry.rel)
            .into_iter()
            .collect(),
    }
}

/// The resource files of the fabric folder `dir`'s managed/: the YAML files (and links,
/// reported) in each `managed/<plural>/` folder of a kind the registry knows; and the strays,
/// every other file under managed/ that an applier would read (`kubectl apply -R`, Argo CD
/// and Flux apply every `.yaml`, `.yml` and `.json` file), or whose name or type cannot be
/// told. A README or `.gitkeep` is no one's business.
fn managed_files(
    registry: &Registry,
    dir: &Path,
    prefix: &str,
) -> Result<(Vec<source::Entry>, Vec<String>)> {
    let managed = dir.join("managed");
    if !std::fs::symlink_metadata(&managed).is_ok_and(|m| m.is_dir()) {
        return Ok((Vec::new(), Vec::new()));
    }
    let kind_folder = |rel: &str| {
        let inside = rel.strip_prefix(&format!("{prefix}managed/"))?;
        let (plural, _) = inside.split_once('/')?;
        registry
            .kinds()
            .iter()
            .any(|k| k.id.plural == plural)
            .then_some(())
    };
    let mut files = Vec::new();
    let mut strays = Vec::new();
    for entry in source::walk(&managed, &format!("{prefix}managed"))? {
        let in_kind_folder = kind_folder(&entry.rel).is_some();
        let resource_file = entry.kind == EntryKind::Yaml
            || (entry.kind == EntryKind::Symlink && source::is_yaml_name(&entry.rel));
        if in_kind_folder && resource_file {
            files.push(entry);
        } else if source::is_applied_name(&entry.rel)
            || matches!(entry.kind, EntryKind::Special | EntryKind::NotUtf8 { .. })
        {
            strays.push(entry.rel);
        }
    }
    Ok((files, strays))
}

/// The state of every managed path a valid resource of `fabric` maps to (its folder a path
/// from `root`, the top of the work tree `git`). A managed file with uncommitted changes
/// (or untracked) is `Uncommitted`, so the plan never overwrites work that is not in git
/// yet.
fn targets(
    root: &Path,
    fabric: &FabricInput,
    git: Option<&GitRepo>,
) -> Result<BTreeMap<String, TargetState>> {
    let base = root.join(&fabric.dir);
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
        if matches!(state, TargetState::File(_) | TargetState::Absent)
            && uncommitted.contains(&format!("{}/{path}", fabric.dir))
        {
            state = TargetState::Uncommitted;
        }
        states.insert(path, state);
    }
    Ok(states)
}
