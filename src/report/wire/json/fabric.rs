//! One fabric of a sync's JSON report: the raw files that move and what they become, the
//! raw files that stay and why, and the warnings about the fabric's managed/ folder.

use serde::Serialize;
use serde_json::Value;

use super::super::parts::{FabricConfig, Finding, findings};
use crate::plan::{self, diff};

/// The plan for one fabric.
#[derive(Debug, Serialize)]
pub struct Fabric<'a> {
    /// The fabric folder relative to the repository.
    pub dir: &'a str,
    /// Raw files that move.
    pub moved: Vec<MovedFile<'a>>,
    /// Raw files that stay because something is wrong with them.
    pub rejected: Vec<RejectedFile<'a>>,
    /// Raw files that are not YAML and stay.
    pub ignored: &'a [String],
    /// Whether raw/.gitkeep is added because raw/ would otherwise be empty.
    pub adds_gitkeep: bool,
    /// The fabric config its files were checked against.
    pub fabric_config: FabricConfig<'a>,
    /// Problems already in managed/ (warnings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub managed_findings: Vec<ManagedFinding<'a>>,
    /// Objects referred to but nowhere in the repository.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingReference<'a>>,
}

impl<'a> From<&'a plan::FabricPlan> for Fabric<'a> {
    fn from(fabric: &'a plan::FabricPlan) -> Self {
        Fabric {
            dir: &fabric.dir,
            moved: fabric.moved.iter().map(MovedFile::from).collect(),
            rejected: fabric.rejected.iter().map(RejectedFile::from).collect(),
            ignored: &fabric.ignored,
            adds_gitkeep: fabric.adds_gitkeep,
            fabric_config: FabricConfig::from(&fabric.fabric_config),
            managed_findings: fabric
                .managed_findings
                .iter()
                .map(ManagedFinding::from)
                .collect(),
            missing: missing(&fabric.missing),
        }
    }
}

/// A raw file that moves.
#[derive(Debug, Serialize)]
pub struct MovedFile<'a> {
    /// Path relative to the fabric.
    pub raw: &'a str,
    /// The resources it becomes, in document order.
    pub resources: Vec<PlannedResource<'a>>,
    /// What else the move takes out of managed/, when it takes anything.
    #[serde(skip_serializing_if = "Displaces::is_empty")]
    pub displaces: Displaces<'a>,
}

impl<'a> From<&'a plan::MovedFile> for MovedFile<'a> {
    fn from(moved: &'a plan::MovedFile) -> Self {
        MovedFile {
            raw: &moved.raw,
            resources: moved.resources.iter().map(PlannedResource::from).collect(),
            displaces: Displaces::from(&moved.displaces),
        }
    }
}

/// One resource of a moved file and the managed file it becomes.
#[derive(Debug, Serialize)]
pub struct PlannedResource<'a> {
    /// Its kind.
    pub kind: &'a str,
    /// `apiVersion` as written.
    pub api_version: &'a str,
    /// The kind's plural: its managed/ folder.
    pub plural: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
    /// 1-based line of the document in its raw file.
    pub line: u32,
    /// Warnings about it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Finding<'a>>,
    /// Its managed path relative to the fabric.
    pub path: &'a str,
    /// `created`, `updated` or `unchanged`.
    pub status: &'static str,
    /// For an updated file, what changes in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Diff<'a>>,
}

impl<'a> From<&'a plan::PlannedResource> for PlannedResource<'a> {
    fn from(planned: &'a plan::PlannedResource) -> Self {
        let resource = &planned.resource;
        PlannedResource {
            kind: resource.kind.as_str(),
            api_version: &resource.api_version,
            plural: &resource.plural,
            name: &resource.name,
            line: resource.line,
            warnings: findings(&resource.warnings),
            path: &planned.path,
            status: match planned.status {
                plan::Status::Created => "created",
                plan::Status::Updated => "updated",
                plan::Status::Unchanged => "unchanged",
            },
            diff: planned.diff.as_ref().map(Diff::from),
        }
    }
}

/// What an update changes: `{"fields": [...]}`, or `{"unreadable": why}` when the managed
/// file cannot be compared as data.
#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Diff<'a> {
    /// The changed places, in key order.
    Fields(Vec<FieldChange<'a>>),
    /// Why the managed file is replaced whole.
    Unreadable(&'a str),
}

impl<'a> From<&'a diff::Diff> for Diff<'a> {
    fn from(diff: &'a diff::Diff) -> Self {
        match diff {
            diff::Diff::Fields(changes) => {
                Diff::Fields(changes.iter().map(FieldChange::from).collect())
            }
            diff::Diff::Unreadable(why) => Diff::Unreadable(why),
        }
    }
}

/// One changed place: `{"path", "change", "old"?, "new"?}`.
#[derive(Debug, Serialize)]
pub struct FieldChange<'a> {
    /// Where, as people write it (`spec.subnets.default.vlan`).
    pub path: &'a str,
    /// `changed`, `added` or `removed`.
    pub change: &'static str,
    /// The managed file's value (changed, removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<&'a Value>,
    /// The raw file's value (changed, added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<&'a Value>,
}

impl<'a> From<&'a diff::FieldChange> for FieldChange<'a> {
    fn from(field: &'a diff::FieldChange) -> Self {
        let (change, old, new) = match &field.change {
            diff::Change::Changed { old, new } => ("changed", Some(old), Some(new)),
            diff::Change::Added { new } => ("added", None, Some(new)),
            diff::Change::Removed { old } => ("removed", Some(old), None),
        };
        FieldChange {
            path: &field.path,
            change,
            old,
            new,
        }
    }
}

/// What moving a raw file takes out of managed/ besides the files it writes.
#[derive(Debug, Serialize)]
pub struct Displaces<'a> {
    /// Managed copies of its objects at other paths, each removed by the move.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misplaced: Vec<MisplacedCopy<'a>>,
    /// Objects that leave managed/ with the move.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub leaving: Vec<Leaving<'a>>,
}

impl Displaces<'_> {
    fn is_empty(&self) -> bool {
        self.misplaced.is_empty() && self.leaving.is_empty()
    }
}

impl<'a> From<&'a plan::Displaces> for Displaces<'a> {
    fn from(displaces: &'a plan::Displaces) -> Self {
        Displaces {
            misplaced: displaces
                .misplaced
                .iter()
                .map(|copy| MisplacedCopy {
                    line: copy.line,
                    path: &copy.path,
                })
                .collect(),
            leaving: displaces
                .leaving
                .iter()
                .map(|object| Leaving {
                    kind: object.kind.as_str(),
                    name: &object.name,
                    path: &object.path,
                    line: object.line,
                })
                .collect(),
        }
    }
}

/// A managed copy of a raw document's object at a path other than its own.
#[derive(Debug, Serialize)]
pub struct MisplacedCopy<'a> {
    /// The raw document's line.
    pub line: u32,
    /// The managed file holding the copy, removed by the move.
    pub path: &'a str,
}

/// An object that leaves managed/ when a raw file moves.
#[derive(Debug, Serialize)]
pub struct Leaving<'a> {
    /// Its kind.
    pub kind: &'a str,
    /// Its name.
    pub name: &'a str,
    /// The managed file it was held in.
    pub path: &'a str,
    /// Its line there.
    pub line: u32,
}

/// A raw file that stays, and why.
#[derive(Debug, Serialize)]
pub struct RejectedFile<'a> {
    /// Path relative to the fabric.
    pub path: &'a str,
    /// Every reason, in line order.
    pub findings: Vec<Finding<'a>>,
    /// Present (and `true`) when the change being checked leaves the file untouched.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub untouched: bool,
}

impl<'a> From<&'a plan::RejectedFile> for RejectedFile<'a> {
    fn from(rejected: &'a plan::RejectedFile) -> Self {
        RejectedFile {
            path: &rejected.path,
            findings: findings(&rejected.findings),
            untouched: rejected.untouched,
        }
    }
}

/// A problem of a managed file: its path, then the finding's fields.
#[derive(Debug, Serialize)]
pub struct ManagedFinding<'a> {
    /// Path relative to the fabric folder.
    pub path: &'a str,
    /// The problem.
    #[serde(flatten)]
    pub finding: Finding<'a>,
}

impl<'a> From<&'a plan::ManagedFinding> for ManagedFinding<'a> {
    fn from(managed: &'a plan::ManagedFinding) -> Self {
        ManagedFinding {
            path: &managed.path,
            finding: Finding::from(&managed.finding),
        }
    }
}

/// An object referred to but nowhere in the repository.
#[derive(Debug, Serialize)]
pub struct MissingReference<'a> {
    /// Its kind.
    pub kind: &'a str,
    /// Its name.
    pub name: &'a str,
    /// How many references to it were found.
    pub references: usize,
    /// The file of the first one.
    pub path: &'a str,
    /// Its line.
    pub line: u32,
    /// Its column.
    pub col: u32,
    /// Each file that refers to it, at its first reference there.
    pub referred_from: Vec<Referrer<'a>>,
    /// The checks skipped for want of it.
    pub skipped: &'a [String],
}

/// Where a file first refers to a missing object.
#[derive(Debug, Serialize)]
pub struct Referrer<'a> {
    /// The file (relative to the fabric for a sync).
    pub path: &'a str,
    /// The line of its first reference.
    pub line: u32,
    /// Its column.
    pub col: u32,
}

/// Every missing object of `missing` (grouped by kind), in order: one entry per object.
pub fn missing(missing: &[plan::MissingObjects]) -> Vec<MissingReference<'_>> {
    missing
        .iter()
        .flat_map(|kind| &kind.objects)
        .map(|m| MissingReference {
            kind: m.kind.as_str(),
            name: &m.name,
            references: m.references,
            path: &m.first().path,
            line: m.first().line,
            col: m.first().col,
            referred_from: m
                .referred_from
                .iter()
                .map(|from| Referrer {
                    path: &from.path,
                    line: from.line,
                    col: from.col,
                })
                .collect(),
            skipped: &m.skipped,
        })
        .collect()
}
