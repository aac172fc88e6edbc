//! The cross-object violations of resources, and their placing at a line and column.
//!
//! The two are apart because placing costs a parse of the document: a round of the
//! propagation only needs to know whether a file has an error, so violations stay unplaced
//! until the file's verdict is final, and then each document is parsed once for all of its
//! findings.

use crate::finding::{Finding, Severity};
use crate::rules::state::{FabricState, Origin, WithdrawnBecause};
use crate::rules::{self, Context, CrossViolation, Involved, Missing};
use crate::validate::Resource;

/// A cross-object violation of a resource, not yet placed at its line.
#[derive(Clone)]
pub(super) struct Unplaced<'r> {
    /// The resource it is in.
    pub resource: &'r Resource,
    /// The violation, with its cause and the missing object it is about, if any.
    pub cross: CrossViolation,
}

impl Unplaced<'_> {
    /// Whether it rejects its file.
    pub fn is_error(&self) -> bool {
        self.cross.violation.severity == Severity::Error
    }

    /// The violation as a finding at its line and column.
    pub fn place(self) -> Finding {
        let pos = self.resource.locate(&self.cross.violation.pointer);
        finding(self.cross, pos.line, pos.col)
    }
}

/// The cross-object violations of `resources` against `state`, in the resources' order.
pub(super) fn violations<'r>(
    resources: impl IntoIterator<Item = &'r Resource>,
    state: &FabricState,
    ctx: &Context,
) -> Vec<Unplaced<'r>> {
    let mut found = Vec::new();
    for resource in resources {
        let Some(object) = &resource.object else {
            continue;
        };
        found.extend(
            rules::cross_check(object, state, ctx)
                .into_iter()
                .map(|cross| Unplaced {
                    resource,
                    cross: naming_rejected_updates(cross, state),
                }),
        );
    }
    found
}

/// `cross`, saying which rejected raw file would have changed an object it is about: the
/// state holds the managed version of an object whose raw update is rejected, and a finding
/// about that version should send the reader to the raw file, not only the managed copy.
fn naming_rejected_updates(mut cross: CrossViolation, state: &FabricState) -> CrossViolation {
    if cross.violation.severity != Severity::Error {
        return cross;
    }
    for involved in &cross.involved {
        let Some((origin, WithdrawnBecause::Rejected)) =
            state.withdrawn_of(&involved.kind, &involved.name)
        else {
            continue;
        };
        if *origin == involved.origin {
            continue;
        }
        cross.violation.message = format!(
            "{}; {} `{}` in {origin}, which is rejected, would change it: fix that file first",
            cross.violation.message, involved.kind, involved.name
        );
        cross.cause.get_or_insert_with(|| origin.clone());
    }
    cross
}

/// The cross-object findings of some resources, placed.
pub(super) struct Cross<'r> {
    /// Every finding but the references to objects nowhere in the repository (all of them
    /// when those are placed too).
    pub findings: Vec<Finding>,
    /// The objects each of `findings` is about, by the same index.
    pub involved: Vec<Vec<Involved>>,
    /// A copy of those caused by another file (rejected or deleted), with that file.
    pub caused: Vec<(Finding, Origin)>,
    /// The warnings that a referenced object is nowhere in the repository, with that
    /// object, left unplaced: they are gathered per object for the whole fabric (see
    /// `MissingReference`) instead of one per reference, and only the first of each object
    /// is placed.
    pub missing: Vec<(Missing, Unplaced<'r>)>,
}

/// Places `found` (violations of resources in one file, as [`violations`] returns them),
/// parsing each document once for all its findings. With `keep_missing`, the references to
/// objects nowhere in the repository stay unplaced in [`Cross::missing`].
pub(super) fn place<'r>(found: &[Unplaced<'r>], keep_missing: bool) -> Cross<'r> {
    let mut cross = Cross {
        findings: Vec::new(),
        involved: Vec::new(),
        caused: Vec::new(),
        missing: Vec::new(),
    };
    let mut to_place: Vec<&Unplaced> = Vec::new();
    for unplaced in found {
        match &unplaced.cross.missing {
            Some(missing) if keep_missing => {
                cross.missing.push((missing.clone(), unplaced.clone()))
            }
            _ => to_place.push(unplaced),
        }
    }
    // The violations of one resource are next to each other.
    for run in to_place.chunk_by(|a, b| std::ptr::eq(a.resource, b.resource)) {
        let positions = run[0]
            .resource
            .locate_all(run.iter().map(|u| u.cross.violation.pointer.as_str()));
        for (unplaced, pos) in run.iter().zip(positions) {
            let placed = finding(unplaced.cross.clone(), pos.line, pos.col);
            if let Some(cause) = &unplaced.cross.cause {
                cross.caused.push((placed.clone(), cause.clone()));
            }
            cross.findings.push(placed);
            cross.involved.push(unplaced.cross.involved.clone());
        }
    }
    cross
}

/// The cross-object findings of `resources` against `state`, placed but for the references
/// to objects nowhere in the repository.
pub(super) fn cross_findings<'r>(
    resources: impl IntoIterator<Item = &'r Resource>,
    state: &FabricState,
    ctx: &Context,
) -> Cross<'r> {
    place(&violations(resources, state, ctx), true)
}

fn finding(cross: CrossViolation, line: u32, col: u32) -> Finding {
    Finding {
        line,
        col,
        pointer: cross.violation.pointer,
        message: cross.violation.message,
        severity: cross.violation.severity,
        rule: cross.violation.rule,
        caused_by: cross.cause.map(|origin| origin.path.into()),
        ..Finding::default()
    }
}
