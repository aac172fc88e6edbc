//! Planning the move: which raw files go, which managed files they become and which raw
//! files stay, with the reason. Pure: validated files and the state of the target paths in,
//! a plan out; the plan's change set is what a backend commits.
//!
//! Rules: a raw file moves only if every document in it is valid (per-file atomicity, after
//! the cross-object check of `crosscheck`) and every managed path it maps to can be written;
//! a raw/ folder that would become empty keeps a `.gitkeep`; nothing outside raw/ and
//! managed/ is ever part of a change.

pub mod diff;
mod missing;
mod settle;
mod summary;
mod units;

pub use missing::{MissingObjects, MissingReference, Referrer, missing_by_kind};
pub use settle::{CrossVerdicts, FileVerdict};
pub use summary::plural;

use std::collections::BTreeMap;

use crate::finding::Finding;
use crate::kind::Kind;
use crate::paths;
use crate::rules::config_file::ConfigSource;
use crate::validate::{Named, Resource};

/// What a raw file turned out to be after validation.
#[derive(Debug, Clone)]
pub enum RawOutcome {
    /// Every document is a valid resource.
    Valid(Vec<Resource>),
    /// The file is rejected for these reasons.
    Rejected(Vec<Finding>),
    /// Not a YAML file: listed, never touched.
    Ignored,
}

/// One file under a fabric's raw/ folder.
#[derive(Debug, Clone)]
pub struct RawFile {
    /// Path relative to the fabric folder (`raw/vpcs.yaml`).
    pub path: String,
    /// The validation outcome.
    pub outcome: RawOutcome,
    /// What its documents name, for a file that validation rejected: a reference to one of
    /// them then says the file is rejected rather than that the object does not exist.
    pub names: Vec<Named>,
    /// Whether the change being checked leaves this file untouched, so that its findings
    /// are already on the base branch and do not block the check (settled from the
    /// cross-object check's verdict).
    pub untouched: bool,
    /// What moving this file takes out of managed/ besides the files it writes (settled
    /// from the cross-object check's verdict).
    pub displaces: Displaces,
}

/// What moving a raw file takes out of managed/ besides the files it writes: a managed file
/// holding one of its objects at another path goes (the object moves to its own path: an
/// update, never a second definition), and the other objects of the managed files it
/// replaces or removes leave the fabric's managed/ (deletions, checked as such).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Displaces {
    /// Managed copies of its objects at other paths, each removed by the move.
    pub misplaced: Vec<MisplacedCopy>,
    /// Objects that leave managed/ with the move.
    pub leaving: Vec<Leaving>,
}

/// A managed copy of a raw document's object at a path other than its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MisplacedCopy {
    /// The raw document's line.
    pub line: u32,
    /// The managed file holding the copy (relative to the fabric), removed by the move.
    pub path: String,
    /// The copy's text, which the document updates.
    pub text: String,
}

/// An object that leaves managed/ when a raw file moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaving {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// The managed file it was held in (relative to the fabric).
    pub path: String,
    /// Its line there.
    pub line: u32,
    /// The line of the raw document whose move takes its file away.
    pub because_of_line: u32,
}

/// A file of a fabric's cluster/ folder: objects exported from the running fabric that
/// GitOps does not apply (the `default` namespaces, wiring applied by hhfab). They count in
/// the fabric state; nothing ever moves them.
#[derive(Debug, Clone)]
pub struct ClusterFile {
    /// Path relative to the fabric folder (`cluster/vlannamespace-default.yaml`).
    pub path: String,
    /// What the fabric holds from it, read as far as it can be (see
    /// `validate::held_resources`).
    pub held: Vec<Resource>,
    /// Its own findings, without those about the fields an export holds (`status`,
    /// `resourceVersion`…): reported as the fabric's, they reject nothing.
    pub findings: Vec<Finding>,
}

/// A managed file that the change being checked deletes.
#[derive(Debug, Clone)]
pub struct DeletedFile {
    /// Path relative to the fabric folder (`managed/vpcs/vpc-1.yaml`).
    pub path: String,
    /// What its documents named before the change.
    pub names: Vec<Named>,
    /// What the fabric held from it before the change (see `validate::held_resources`).
    pub base: Vec<Resource>,
}

/// A managed file that the change being checked edits by hand.
#[derive(Debug, Clone)]
pub struct EditedFile {
    /// Path relative to the fabric folder (`managed/vpcs/vpc-1.yaml`).
    pub path: String,
    /// What the fabric held from it before the change: the versions the edit updates.
    pub base: Vec<Resource>,
}

/// One resource file under a fabric's `managed/<plural>/` folder: what the fabric holds.
#[derive(Debug, Clone)]
pub struct ManagedFile {
    /// Path relative to the fabric folder (`managed/vpcs/vpc-1.yaml`).
    pub path: String,
    /// Its resources, or its findings when it is not valid.
    pub outcome: Result<Vec<Resource>, Vec<Finding>>,
    /// For a file that is not valid: what the fabric holds from it all the same, read as far
    /// as it can be (see `validate::held_resources`). Empty for a valid file.
    pub held_despite_findings: Vec<Resource>,
}

impl ManagedFile {
    /// What the fabric holds from this file: its resources, whatever its own findings.
    pub fn held(&self) -> &[Resource] {
        match &self.outcome {
            Ok(resources) => resources,
            Err(_) => &self.held_despite_findings,
        }
    }
}

/// A problem of a managed file, or of a cluster/ file (the fabric's own objects), found
/// while checking the raw files: never a reason to reject a raw file.
#[derive(Debug, Clone)]
pub struct ManagedFinding {
    /// Path relative to the fabric folder.
    pub path: String,
    /// The problem (a warning).
    pub finding: Finding,
}

/// The state of a managed path before the move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetState {
    /// Nothing there.
    Absent,
    /// A regular file with these bytes, committed as they are.
    File(Vec<u8>),
    /// A file with uncommitted changes (or untracked): replacing it could lose work.
    Uncommitted,
    /// A folder occupies the path.
    Directory,
    /// The path, or the folder at this prefix, is a symbolic link.
    Symlink(String),
    /// A file at this prefix stands where a folder should be.
    BlockedBy(String),
    /// Something that is neither a file nor a folder.
    Special,
}

/// Everything known about one fabric before planning.
#[derive(Debug, Clone)]
pub struct FabricInput {
    /// The fabric folder relative to the repository (`gitops/hedgehog/fabric-1`).
    pub dir: String,
    /// Every entry under raw/.
    pub files: Vec<RawFile>,
    /// The state of each managed path (relative to the fabric) a valid resource maps to.
    pub targets: BTreeMap<String, TargetState>,
    /// The fabric config its files were checked against.
    pub config: ConfigSource,
    /// Every resource file of its managed/ folder: with the raw files, the fabric state.
    pub managed: Vec<ManagedFile>,
    /// Problems of managed/ and cluster/, found by the cross-object check.
    pub managed_findings: Vec<ManagedFinding>,
    /// The managed files the change being checked deletes.
    pub deleted: Vec<DeletedFile>,
    /// The managed files the change being checked edits.
    pub edited: Vec<EditedFile>,
    /// Files in a `managed/<plural>/` folder that are not resource files or `.gitkeep`.
    pub strays: Vec<String>,
    /// The files of its cluster/ folder: objects the fabric holds that are never applied.
    pub cluster: Vec<ClusterFile>,
    /// Objects referred to but nowhere in the repository (found by the cross-object check),
    /// by kind.
    pub missing: Vec<MissingObjects>,
}

/// What happens to a managed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A new file.
    Created,
    /// An existing file replaced by different content.
    Updated,
    /// An existing file that already has exactly this content.
    Unchanged,
}

/// One resource of a moved file.
#[derive(Debug, Clone)]
pub struct PlannedResource {
    /// The resource.
    pub resource: Resource,
    /// Its managed path relative to the fabric.
    pub path: String,
    /// What happens to that path.
    pub status: Status,
    /// For an updated file, what changes in it.
    pub diff: Option<diff::Diff>,
}

/// A raw file that moves.
#[derive(Debug, Clone)]
pub struct MovedFile {
    /// Path relative to the fabric.
    pub raw: String,
    /// The resources it becomes, in document order.
    pub resources: Vec<PlannedResource>,
    /// What else the move takes out of managed/: misplaced copies of its objects (files
    /// removed) and the other objects of the files it replaces or removes.
    pub displaces: Displaces,
    /// The raw files (of the same fabric) whose moves must land before or with this one:
    /// see [`Plan::change_units`].
    pub needs: Vec<String>,
}

impl MovedFile {
    /// The managed files the move removes (misplaced copies of its objects), each once.
    pub fn removed_files(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self
            .displaces
            .misplaced
            .iter()
            .map(|copy| copy.path.as_str())
            .collect();
        paths.sort_unstable();
        paths.dedup();
        paths
    }
}

/// A raw file that stays, and why.
#[derive(Debug, Clone)]
pub struct RejectedFile {
    /// Path relative to the fabric.
    pub path: String,
    /// Every reason, in line order.
    pub findings: Vec<Finding>,
    /// Whether the change being checked leaves the file untouched: it was rejected before
    /// the change, and does not fail the check of the change.
    pub untouched: bool,
}

/// The plan for one fabric.
#[derive(Debug, Clone)]
pub struct FabricPlan {
    /// The fabric folder relative to the repository.
    pub dir: String,
    /// Files that move.
    pub moved: Vec<MovedFile>,
    /// Files that stay because something is wrong with them.
    pub rejected: Vec<RejectedFile>,
    /// Files that are not YAML and stay.
    pub ignored: Vec<String>,
    /// Whether raw/.gitkeep is added because raw/ would otherwise be empty.
    pub adds_gitkeep: bool,
    /// The fabric config its files were checked against.
    pub fabric_config: ConfigSource,
    /// Problems already in managed/ and cluster/ (warnings; they reject no raw file).
    pub managed_findings: Vec<ManagedFinding>,
    /// Objects referred to but nowhere in the repository: one warning per kind.
    pub missing: Vec<MissingObjects>,
}

/// The plan for a whole run.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// One entry per fabric, in path order.
    pub fabrics: Vec<FabricPlan>,
}

/// One file written by a change, relative to the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// Repository-relative path.
    pub path: String,
    /// The full new content.
    pub content: Vec<u8>,
}

/// Exactly what a commit must contain: files written and files deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileChanges {
    /// Files created or replaced.
    pub writes: Vec<Write>,
    /// Files deleted (the moved raw files).
    pub deletes: Vec<String>,
}

impl FileChanges {
    /// Whether there is nothing to commit.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.deletes.is_empty()
    }
}

/// Counts over a plan, for reports and messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Raw files that move.
    pub moved_files: usize,
    /// Raw files rejected.
    pub rejected_files: usize,
    /// Files ignored.
    pub ignored_files: usize,
    /// Resources in moved files.
    pub resources: usize,
    /// Managed files created.
    pub created: usize,
    /// Managed files replaced.
    pub updated: usize,
    /// Managed files already identical.
    pub unchanged: usize,
    /// Error findings (in rejected files).
    pub errors: usize,
    /// Warning findings, in rejected and moved files alike.
    pub warnings: usize,
    /// Error findings of managed/ files (they fail a check of the fabric or of a change).
    pub managed_errors: usize,
}

/// The file kept in an otherwise empty raw/ folder so that git keeps the folder.
pub const GITKEEP: &str = "raw/.gitkeep";

/// Plans one fabric.
pub fn plan_fabric(input: &FabricInput) -> FabricPlan {
    let mut rejected: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    let untouched: BTreeMap<&str, bool> = input
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.untouched))
        .collect();
    let mut ignored = Vec::new();
    let mut candidates: Vec<(&str, &[Resource])> = Vec::new();
    for file in &input.files {
        match &file.outcome {
            RawOutcome::Valid(resources) => candidates.push((&file.path, resources)),
            RawOutcome::Rejected(findings) => {
                rejected.insert(file.path.clone(), findings.clone());
            }
            RawOutcome::Ignored => ignored.push(file.path.clone()),
        }
    }

    let mut moved = Vec::new();
    for (path, resources) in candidates {
        let mut planned = Vec::with_capacity(resources.len());
        let mut problems = Vec::new();
        if let Some(problem) = unsafe_path(&input.dir, path) {
            problems.push(Finding::at(1, 1, problem));
        }
        for resource in resources {
            let target = resource.managed_path();
            if let Some(problem) = unsafe_path(&input.dir, &target) {
                problems.push(Finding::at(resource.line, 1, problem));
                continue;
            }
            let state = input.targets.get(&target).unwrap_or(&TargetState::Absent);
            let misplaced = file_displaces(input, path)
                .misplaced
                .iter()
                .find(|copy| copy.line == resource.line);
            let (status, diff) = match (state, misplaced) {
                // The object moves from a misplaced file to its own path: an update.
                (TargetState::Absent, Some(copy)) => (
                    Status::Updated,
                    Some(diff::diff(copy.text.as_bytes(), &resource.text)),
                ),
                (state, _) => match state {
                    TargetState::Absent => (Status::Created, None),
                    TargetState::File(bytes) if bytes == resource.text.as_bytes() => {
                        (Status::Unchanged, None)
                    }
                    TargetState::File(bytes) => {
                        (Status::Updated, Some(diff::diff(bytes, &resource.text)))
                    }
                    other => {
                        problems.push(Finding::at(
                            resource.line,
                            1,
                            blocked_message(&target, other),
                        ));
                        continue;
                    }
                },
            };
            planned.push(PlannedResource {
                resource: resource.clone(),
                path: target,
                status,
                diff,
            });
        }
        if !problems.is_empty() {
            rejected
                .entry(path.to_owned())
                .or_default()
                .extend(problems);
        } else if !rejected.contains_key(path) {
            moved.push(MovedFile {
                raw: path.to_owned(),
                resources: planned,
                displaces: file_displaces(input, path).clone(),
                needs: Vec::new(),
            });
        }
    }
    let needs = units::needs(input, &moved);
    for (file, needs) in moved.iter_mut().zip(needs) {
        file.needs = needs;
    }

    // A valid file that planning rejects keeps its warnings with its other findings.
    for (path, resources) in &candidates_warnings(&input.files) {
        if let Some(findings) = rejected.get_mut(*path) {
            findings.extend(resources.iter().cloned());
        }
    }
    let rejected: Vec<RejectedFile> = rejected
        .into_iter()
        .map(|(path, mut findings)| {
            findings.sort_by_key(|f| (f.line, f.col));
            let untouched = untouched.get(path.as_str()).copied().unwrap_or(false);
            RejectedFile {
                path,
                findings,
                untouched,
            }
        })
        .collect();
    let adds_gitkeep = !moved.is_empty() && rejected.is_empty() && ignored.is_empty();
    FabricPlan {
        dir: input.dir.clone(),
        moved,
        rejected,
        ignored,
        adds_gitkeep,
        fabric_config: input.config.clone(),
        managed_findings: input.managed_findings.clone(),
        missing: input.missing.clone(),
    }
}

/// What moving the raw file `path` takes out of managed/ besides what it writes.
fn file_displaces<'i>(input: &'i FabricInput, path: &str) -> &'i Displaces {
    static NOTHING: Displaces = Displaces {
        misplaced: Vec::new(),
        leaving: Vec::new(),
    };
    input
        .files
        .iter()
        .find(|file| file.path == path)
        .map_or(&NOTHING, |file| &file.displaces)
}

/// The warnings of each valid raw file's resources, by raw path.
fn candidates_warnings(files: &[RawFile]) -> Vec<(&str, Vec<Finding>)> {
    files
        .iter()
        .filter_map(|file| match &file.outcome {
            RawOutcome::Valid(resources) => Some((
                file.path.as_str(),
                resources
                    .iter()
                    .flat_map(|r| r.warnings.iter().cloned())
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// Why the path `rel` of the fabric `dir` cannot be part of a change (it would leave the
/// repository or break its tree), or `None`. Discovery and validation already refuse every
/// input that could build such a path; this is the last check before a change exists.
fn unsafe_path(dir: &str, rel: &str) -> Option<String> {
    let path = format!("{dir}/{rel}");
    paths::relative_problem(&path).map(|problem| {
        format!("`{path}` {problem}: hh-gitops only writes and deletes relative paths of normal segments inside the repository")
    })
}

/// Why a managed path cannot be written, and what to do.
fn blocked_message(target: &str, state: &TargetState) -> String {
    match state {
        TargetState::Uncommitted => {
            format!("{target} has uncommitted changes: commit or discard them, then sync again")
        }
        TargetState::Directory => format!("{target} is a folder: move it out of the way"),
        TargetState::Symlink(at) => format!(
            "{at} is a symbolic link: hh-gitops never writes through links under managed/; replace it with a real folder or file"
        ),
        TargetState::BlockedBy(at) => {
            format!("{at} is a file where {target} needs a folder: move it out of the way")
        }
        TargetState::Special => format!("{target} is not a regular file: remove it"),
        TargetState::Absent | TargetState::File(_) => {
            unreachable!("writable states are not blocked")
        }
    }
}

impl Plan {
    /// The exact set of writes and deletes that carries out the plan.
    pub fn changes(&self) -> FileChanges {
        let mut changes = FileChanges::default();
        for unit in self.change_units() {
            changes.writes.extend(unit.writes);
            changes.deletes.extend(unit.deletes);
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(kind: Kind, plural: &str, name: &str, line: u32) -> Resource {
        Resource {
            kind,
            api_version: "vpc.githedgehog.com/v1beta1".into(),
            plural: plural.into(),
            name: name.into(),
            line,
            text: format!("name: {name}\n"),
            warnings: Vec::new(),
            object: None,
        }
    }

    fn input(files: Vec<RawFile>) -> FabricInput {
        FabricInput {
            dir: "f".into(),
            files,
            targets: BTreeMap::new(),
            config: ConfigSource::default(),
            managed: Vec::new(),
            managed_findings: Vec::new(),
            deleted: Vec::new(),
            edited: Vec::new(),
            strays: Vec::new(),
            cluster: Vec::new(),
            missing: Vec::new(),
        }
    }

    fn valid(path: &str, resources: Vec<Resource>) -> RawFile {
        RawFile {
            path: path.into(),
            outcome: RawOutcome::Valid(resources),
            names: Vec::new(),
            untouched: false,
            displaces: Default::default(),
        }
    }

    #[test]
    fn valid_files_move_and_raw_keeps_a_gitkeep() {
        let plan = plan_fabric(&input(vec![valid(
            "raw/a.yaml",
            vec![
                resource(Kind::Vpc, "vpcs", "v1", 1),
                resource(Kind::Vpc, "vpcs", "v2", 5),
            ],
        )]));
        assert_eq!(plan.moved.len(), 1);
        assert!(plan.adds_gitkeep);
        let changes = Plan {
            fabrics: vec![plan],
        }
        .changes();
        let paths: Vec<&str> = changes.writes.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "f/managed/vpcs/v1.yaml",
                "f/managed/vpcs/v2.yaml",
                "f/raw/.gitkeep"
            ]
        );
        assert_eq!(changes.deletes, ["f/raw/a.yaml"]);
    }

    #[test]
    fn existing_gitkeep_or_rejected_files_mean_no_new_gitkeep() {
        let files = vec![
            RawFile {
                path: "raw/.gitkeep".into(),
                outcome: RawOutcome::Ignored,
                names: Vec::new(),
                untouched: false,
                displaces: Default::default(),
            },
            valid("raw/a.yaml", vec![resource(Kind::Vpc, "vpcs", "v1", 1)]),
        ];
        assert!(!plan_fabric(&input(files)).adds_gitkeep);
    }

    #[test]
    fn target_states_decide_status_or_rejection() {
        let mut fabric = input(vec![
            valid(
                "raw/a.yaml",
                vec![
                    resource(Kind::Vpc, "vpcs", "same", 1),
                    resource(Kind::Vpc, "vpcs", "diff", 4),
                ],
            ),
            valid("raw/b.yaml", vec![resource(Kind::Vpc, "vpcs", "dir", 1)]),
            valid("raw/c.yaml", vec![resource(Kind::Vpc, "vpcs", "dirty", 1)]),
            valid("raw/d.yaml", vec![resource(Kind::Vpc, "vpcs", "link", 1)]),
        ]);
        fabric.targets.insert(
            "managed/vpcs/same.yaml".into(),
            TargetState::File(b"name: same\n".to_vec()),
        );
        fabric.targets.insert(
            "managed/vpcs/diff.yaml".into(),
            TargetState::File(b"old\n".to_vec()),
        );
        fabric
            .targets
            .insert("managed/vpcs/dir.yaml".into(), TargetState::Directory);
        fabric
            .targets
            .insert("managed/vpcs/dirty.yaml".into(), TargetState::Uncommitted);
        fabric.targets.insert(
            "managed/vpcs/link.yaml".into(),
            TargetState::Symlink("managed/vpcs".into()),
        );
        let plan = plan_fabric(&fabric);
        let statuses: Vec<Status> = plan.moved[0].resources.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Status::Unchanged, Status::Updated]);
        let diffs: Vec<Option<Vec<String>>> = plan.moved[0]
            .resources
            .iter()
            .map(|r| r.diff.as_ref().map(diff::Diff::lines))
            .collect();
        assert_eq!(
            diffs,
            [
                None,
                Some(vec!["(the whole document): old → {name: diff}".to_owned()])
            ],
            "an update carries what changes"
        );
        let messages: Vec<&str> = plan
            .rejected
            .iter()
            .map(|r| r.findings[0].message.as_str())
            .collect();
        assert!(messages[0].contains("is a folder"));
        assert!(messages[1].contains("uncommitted changes"));
        assert!(messages[2].contains("managed/vpcs is a symbolic link"));
        let changes = Plan {
            fabrics: vec![plan],
        }
        .changes();
        assert_eq!(changes.writes.len(), 1, "unchanged files are not rewritten");
        assert_eq!(changes.deletes, ["f/raw/a.yaml"]);
    }

    #[test]
    fn paths_that_would_leave_the_repository_are_never_part_of_a_change() {
        let plan = plan_fabric(&input(vec![
            valid(
                "raw/a.yaml",
                vec![resource(Kind::from_name("Thing"), "../../..", "pwned", 4)],
            ),
            valid("raw/../b.yaml", vec![resource(Kind::Vpc, "vpcs", "v1", 1)]),
            valid("raw/c.yaml", vec![resource(Kind::Vpc, "vpcs", "v2", 1)]),
        ]));
        assert_eq!(
            plan.moved
                .iter()
                .map(|m| m.raw.as_str())
                .collect::<Vec<_>>(),
            ["raw/c.yaml"]
        );
        let findings: Vec<(&str, u32, &str)> = plan
            .rejected
            .iter()
            .flat_map(|r| {
                r.findings
                    .iter()
                    .map(|f| (r.path.as_str(), f.line, f.message.as_str()))
            })
            .collect();
        assert_eq!(
            findings,
            [
                (
                    "raw/../b.yaml",
                    1,
                    "`f/raw/../b.yaml` has a `..` segment: hh-gitops only writes and deletes relative paths of normal segments inside the repository"
                ),
                (
                    "raw/a.yaml",
                    4,
                    "`f/managed/../../../pwned.yaml` has a `..` segment: hh-gitops only writes and deletes relative paths of normal segments inside the repository"
                ),
            ]
        );
        assert!(!plan.adds_gitkeep);
    }

    #[test]
    fn commit_message_counts_per_fabric_and_kind() {
        let plan = Plan {
            fabrics: vec![plan_fabric(&input(vec![valid(
                "raw/a.yaml",
                vec![
                    resource(Kind::Vpc, "vpcs", "v1", 1),
                    resource(Kind::Switch, "switches", "s1", 3),
                    resource(Kind::Vpc, "vpcs", "v2", 5),
                ],
            )]))],
        };
        let message = plan.commit_message(None);
        assert!(
            message.starts_with("hh-gitops: move 1 raw file to managed (3 resources)\n\n"),
            "{message}"
        );
        assert!(
            message.contains(
                "f: 1 file -> 3 resources (2 VPC, 1 Switch); 3 created, 0 updated, 0 unchanged"
            ),
            "{message}"
        );
        assert!(
            plan.commit_message(Some("custom"))
                .starts_with("custom\n\nf:")
        );
    }
}
