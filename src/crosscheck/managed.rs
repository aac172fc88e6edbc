//! The problems of a fabric's managed/ folder, and how much they count.
//!
//! A managed file must hold what the fabric holds: exactly one resource, in its kind's
//! folder, named after it (`managed/<plural>/<metadata.name>.yaml`), valid alone and against
//! the fabric state after the move; `managed/<plural>/` holds nothing else but `.gitkeep`.
//! A managed file that the change being checked deletes must leave no reference behind.
//!
//! How much a problem counts is the check's [`Scope`]: a sync moves raw files and leaves
//! managed/ alone, so its problems are warnings there; a check of a fabric counts them all;
//! a check of a change (a pull request) counts those in the files the change touches and
//! those it causes, and reports the rest as warnings, so that a change is never blocked
//! for what it did not do.

use std::collections::BTreeSet;

use super::cross_findings;
use super::fabric::Objects;
use super::missing::MissingReferences;
use crate::finding::{Finding, Severity};
use crate::parallel;
use crate::plan::{FabricInput, ManagedFinding};
use crate::rules::refs::{Reference, references};
use crate::rules::state::{FabricState, Origin};
use crate::rules::{Context, Involved};
use crate::validate::Resource;

/// How much the problems of managed/ count in a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A sync: problems already in managed/ are warnings ("already in managed/"), never a
    /// reason to reject a raw file; only errors are listed.
    AlreadyThere,
    /// A check of the whole fabric: every problem counts as found.
    Whole,
    /// A check of a change: the files it adds, changes or deletes (relative to the fabric
    /// folder). Problems in them, or caused by them, count as found; errors elsewhere are
    /// warnings ("already on the base branch"), warnings elsewhere are left out.
    Change(BTreeSet<String>),
}

impl Scope {
    /// Whether this is the check of a change (a known base): its findings then say whether
    /// they are the change's own ([`Finding::in_change`]).
    pub fn is_change(&self) -> bool {
        matches!(self, Scope::Change(_))
    }

    /// Whether the change being checked adds, edits or deletes the file `path`.
    pub fn touches(&self, path: &str) -> bool {
        matches!(self, Scope::Change(files) if files.contains(path))
    }

    /// Whether the findings of the raw file `path` count (block the check).
    pub fn raw_counts(&self, path: &str) -> bool {
        match self {
            Scope::Change(files) => files.contains(path),
            Scope::AlreadyThere | Scope::Whole => true,
        }
    }

    /// Whether a finding of the managed file `path`, caused by the file at `cause` if any,
    /// counts as found.
    fn managed_counts(&self, path: &str, cause: Option<&Origin>) -> bool {
        match self {
            Scope::AlreadyThere => false,
            Scope::Whole => true,
            Scope::Change(files) => {
                files.contains(path) || cause.is_some_and(|c| files.contains(&c.path))
            }
        }
    }

    /// Where the first of the objects a finding is about (`involved`) that the change
    /// touches is written: an overlap with a VPC the change edits is the change's doing,
    /// whichever of the two files it is reported in.
    fn changed_among(&self, involved: &[Involved]) -> Option<Origin> {
        let Scope::Change(files) = self else {
            return None;
        };
        involved
            .iter()
            .find(|object| files.contains(&object.origin.path))
            .map(|object| object.origin.clone())
    }

    /// A finding as this scope reports it, or `None` when it is left out. A finding that
    /// does not count is labelled with why: `named_before_created` when it is about an
    /// object the change creates, which the finding's object named before it existed.
    fn apply(
        &self,
        path: &str,
        cause: Option<&Origin>,
        named_before_created: Option<&Involved>,
        finding: Finding,
    ) -> Option<Finding> {
        let in_change = self.is_change().then_some(true);
        if self.managed_counts(path, cause) {
            return Some(Finding {
                in_change,
                ..finding
            });
        }
        if !finding.is_error() {
            return None;
        }
        let label = match (named_before_created, self) {
            (Some(created), _) => format!(
                "not this change's doing ({} `{}` is new, and the fabric admits it whatever the objects that named it before it existed need)",
                created.kind, created.name
            ),
            (None, Scope::Change(_)) => "already on the base branch".to_owned(),
            (None, Scope::AlreadyThere | Scope::Whole) => "already in managed/".to_owned(),
        };
        Some(Finding {
            message: format!("{label}: {}", finding.message),
            severity: Severity::Warning,
            in_change: in_change.map(|_| false),
            ..finding
        })
    }
}

/// What the change does to managed/ beyond the rules of each object, for [`findings`].
pub(super) struct ChangeEffects<'a> {
    /// What the fabric holds before the change: a finding of a managed object about an
    /// object it refers to that the change creates is not the change's doing (the object
    /// referred to one the fabric does not hold), as a create breaks nothing (`breaks`).
    pub base: &'a Objects,
    /// The raw files' findings caused by another file (path, finding, cause): a deleted
    /// managed file gets a finding for each reference it breaks, in raw/ and managed/ alike.
    pub raw_caused: Vec<(String, Finding, Origin)>,
    /// The findings of the change's steps in managed/ that no order admits (path, finding).
    pub unordered: Vec<(String, Finding)>,
    /// The warnings of managed objects that cluster/ holds too (path, finding, the
    /// cluster/ object): the change's doing when it touches either file.
    pub managed_over_cluster: Vec<(String, Finding, Origin)>,
}

/// Every problem of managed/ as `scope` reports it, with what the change does (`effects`).
pub(super) fn findings(
    input: &FabricInput,
    state: &FabricState,
    ctx: &Context,
    scope: &Scope,
    effects: ChangeEffects,
    missing: &mut MissingReferences,
) -> Vec<ManagedFinding> {
    let ChangeEffects {
        base,
        raw_caused,
        unordered,
        managed_over_cluster,
    } = effects;
    // The steps of managed/ that no order admits are the change's own.
    // Each finding with its cause and, when it is about an object the change creates that
    // its object named before it existed, that object (see `Scope::apply`).
    let mut found: Vec<(String, Finding, Option<Origin>, Option<Involved>)> = unordered
        .into_iter()
        .map(|(path, finding)| {
            let cause = Origin {
                path: path.clone(),
                line: finding.line,
            };
            (path, finding, Some(cause), None)
        })
        .collect();
    found.extend(
        managed_over_cluster
            .into_iter()
            .map(|(path, finding, exported)| (path, finding, Some(exported), None)),
    );
    let mut caused = raw_caused;
    // The rules between objects for every managed file, on all cores, in file order.
    let crosses = parallel::map(&input.managed, |file| {
        let resources = file.outcome.as_deref().unwrap_or_default();
        let in_place = resources
            .iter()
            .filter(|r| still_managed(state, r, &file.path));
        cross_findings(in_place, state, ctx)
    });
    for (file, cross) in input.managed.iter().zip(crosses) {
        let resources = match &file.outcome {
            Err(findings) => {
                found.extend(
                    findings
                        .iter()
                        .map(|f| (file.path.clone(), f.clone(), None, None)),
                );
                continue;
            }
            Ok(resources) => resources,
        };
        found.extend(layout(&file.path, resources).map(|f| (file.path.clone(), f, None, None)));
        let referred: BTreeSet<Reference> = resources
            .iter()
            .filter_map(|r| r.object.as_ref())
            .flat_map(references)
            .collect();
        let created_referred = |object: &&Involved| {
            let key = (object.kind.clone(), object.name.clone());
            !base.holds(&key) && referred.contains(&key)
        };
        for (finding, involved) in cross.findings.into_iter().zip(&cross.involved) {
            let (created, changed): (Vec<Involved>, Vec<Involved>) = involved
                .iter()
                .cloned()
                .partition(|object| created_referred(&object));
            let cause = cross
                .caused
                .iter()
                .find(|(f, _)| *f == finding)
                .map(|(_, cause)| cause.clone())
                .or_else(|| scope.changed_among(&changed));
            let created = cause
                .is_none()
                .then(|| created.into_iter().next())
                .flatten();
            found.push((file.path.clone(), finding, cause, created));
        }
        caused.extend(
            cross
                .caused
                .into_iter()
                .map(|(finding, cause)| (file.path.clone(), finding, cause)),
        );
        for (object, unplaced) in cross.missing {
            missing.add(&file.path, object, unplaced);
        }
    }
    for stray in &input.strays {
        found.push((
            stray.clone(),
            Finding::at(
                1,
                1,
                "`kubectl apply -R` (and Argo CD, and Flux) would apply this file: under managed/ only resource files belong, each in its kind's folder as `managed/<plural>/<metadata.name>.yaml`; move it out of managed/",
            ),
            None,
            None,
        ));
    }
    let deleted: BTreeSet<&str> = input.deleted.iter().map(|d| d.path.as_str()).collect();
    for (referrer, finding, cause) in &caused {
        if deleted.contains(cause.path.as_str()) {
            found.push((
                cause.path.clone(),
                Finding::at(
                    cause.line,
                    1,
                    format!(
                        "deleting this file breaks {referrer}:{}: {}",
                        finding.line, finding.message
                    ),
                ),
                Some(cause.clone()),
                None,
            ));
        }
    }
    let mut out: Vec<ManagedFinding> = found
        .into_iter()
        .filter_map(|(path, finding, cause, created)| {
            scope
                .apply(&path, cause.as_ref(), created.as_ref(), finding)
                .map(|finding| ManagedFinding { path, finding })
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.path, a.finding.line, a.finding.col).cmp(&(&b.path, b.finding.line, b.finding.col))
    });
    out
}

/// The layout problems of the managed file `path` holding `resources`: more than one
/// resource, or a resource that is not where its kind and name put it.
fn layout<'a>(path: &'a str, resources: &'a [Resource]) -> impl Iterator<Item = Finding> + 'a {
    let count = resources.len();
    let extra = resources.iter().skip(1).map(move |resource| {
        Finding::at(
            resource.line,
            1,
            format!(
                "a managed file holds exactly one resource, and this one holds {count}: move {} `{}` to {}",
                resource.kind,
                resource.name,
                resource.managed_path()
            ),
        )
    });
    let misplaced = resources.first().and_then(|resource| {
        let expected = resource.managed_path();
        // `check` shows a fabric's files under the folder the user named: compare the part
        // inside the fabric.
        let in_place = path == expected || path.ends_with(&format!("/{expected}"));
        (!in_place).then(|| {
            Finding::at(
                resource.line,
                1,
                format!(
                    "{} `{}` belongs at {expected} (its kind's folder and its metadata.name): rename or move this file",
                    resource.kind, resource.name
                ),
            )
        })
    });
    misplaced.into_iter().chain(extra)
}

/// Whether `resource` of the managed file `path` is the object the state holds (no raw
/// document replaces it).
fn still_managed(state: &FabricState, resource: &Resource, path: &str) -> bool {
    let Some(object) = &resource.object else {
        return false;
    };
    state
        .origin_of(&object.kind(), &resource.name)
        .is_some_and(|o| o.path == path)
}
