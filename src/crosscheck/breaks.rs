//! What moving raw files breaks in managed/ objects they do not replace.
//!
//! The fabric checks only the object it admits: an update of a Switch's breakouts is
//! admitted even when a Connection in managed/ then names a port the switch no longer has,
//! and an update of a VPC that drops a subnet even when an attachment in managed/ uses it.
//! Such a move leaves managed/, and so the fabric, with an object that its own rules refuse:
//! it is the move's error, whether the change comes as a push (the raw file is rejected
//! here) or as a pull request (the managed object's finding is the change's, see
//! `managed`), so that both give one verdict.
//!
//! Only managed objects that refer to an object the move replaces, directly or through one
//! object between (a VPCAttachment reads the switches of its Connection), can be broken this
//! way (a conflict of values is reported on the raw document itself), and a problem the object
//! already had before the move is not the move's. A create breaks nothing: an object that
//! refers to one the fabric does not hold was never admitted against it, and Hedgehog admits
//! the create whatever its referrers need (its webhooks check the object they admit).

use std::collections::{BTreeMap, BTreeSet};

use super::fabric::{Fabric, Key};
use crate::finding::{Finding, Severity};
use crate::parallel;
use crate::plan::{FabricInput, RawOutcome};
use crate::rules::refs::references;
use crate::rules::state::{FabricState, Member, References};
use crate::rules::{self, Context};

/// For each accepted raw file (by index) whose move breaks a managed object it does not
/// replace, the findings that say so, at the document of the object the move changes.
pub(super) fn broken_by_moves(
    input: &FabricInput,
    fabric: &Fabric,
    accepted: &BTreeSet<usize>,
    state: &FabricState,
    ctx: &Context,
    references_policy: References,
) -> BTreeMap<usize, Vec<Finding>> {
    // The raw files in play, by path, and the objects they replace.
    let raw_files: BTreeMap<&str, usize> = accepted
        .iter()
        .map(|&index| (input.files[index].path.as_str(), index))
        .collect();
    let moved: BTreeSet<Key> = accepted
        .iter()
        .filter_map(|&index| match &input.files[index].outcome {
            RawOutcome::Valid(resources) => Some(resources),
            _ => None,
        })
        .flatten()
        .map(|r| (r.kind.clone(), r.name.clone()))
        .filter(|key| fabric.base.holds(key))
        .collect();
    if moved.is_empty() {
        return BTreeMap::new();
    }
    // Managed objects the move leaves in place that refer to what it writes, directly or
    // through one object between (an attachment reads the switches of its connection).
    let kept = |key: &Key, member: &Member| {
        !moved.contains(key) && state.origin_of(&key.0, &key.1) == Some(&member.origin)
    };
    let refers_to = |member: &Member, keys: &BTreeSet<Key>| {
        references(&member.object)
            .iter()
            .any(|(kind, name)| keys.contains(&((*kind).to_owned(), name.clone())))
    };
    let mut reached = moved.clone();
    reached.extend(
        fabric
            .managed
            .members
            .iter()
            .filter(|(key, member)| kept(key, member) && refers_to(member, &moved))
            .map(|(key, _)| key.clone()),
    );
    let candidates: Vec<(&Key, &Member)> = fabric
        .managed
        .members
        .iter()
        .filter(|(key, member)| kept(key, member) && refers_to(member, &reached))
        .collect();
    let errors_now = parallel::map(&candidates, |(_, member)| {
        errors_involving_moves(&member.object, state, ctx, &raw_files)
    });
    if errors_now.iter().all(Vec::is_empty) {
        return BTreeMap::new();
    }
    let mut base = FabricState::build_at(
        ctx.release,
        fabric.base.members.values().cloned(),
        [],
        ctx.config,
        references_policy,
    );
    fabric.base.hold_unreadable_in(&mut base);
    let mut out: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    for ((key, member), errors) in candidates.into_iter().zip(errors_now) {
        if errors.is_empty() {
            continue;
        }
        let before: BTreeSet<String> = rules::cross_check(&member.object, &base, ctx)
            .into_iter()
            .filter(|cross| cross.violation.severity == Severity::Error)
            .map(|cross| cross.violation.pointer)
            .collect();
        for MoveError {
            pointer,
            message,
            raw,
        } in errors
        {
            if before.contains(&pointer) {
                continue; // the object had this problem before the move
            }
            for (index, line) in raw {
                out.entry(index).or_default().push(Finding::at(
                    line,
                    1,
                    format!(
                        "moving this breaks {} `{}` ({}), which managed/ keeps: {message} (at {pointer}); change that object in the same change, or keep what it relies on",
                        key.0, key.1, member.origin
                    ),
                ));
            }
        }
    }
    out
}

/// An error of a managed object that involves objects written in raw files in play.
struct MoveError {
    pointer: String,
    message: String,
    /// The raw files (index) and the lines of the objects it involves.
    raw: Vec<(usize, u32)>,
}

/// The errors of `object` against `state` that involve an object written in one of the raw
/// files in play.
fn errors_involving_moves(
    object: &rules::Typed,
    state: &FabricState,
    ctx: &Context,
    raw_files: &BTreeMap<&str, usize>,
) -> Vec<MoveError> {
    rules::cross_check(object, state, ctx)
        .into_iter()
        .filter(|cross| cross.violation.severity == Severity::Error)
        .filter_map(|cross| {
            let raw: Vec<(usize, u32)> = cross
                .involved
                .iter()
                .filter_map(|involved| {
                    let index = raw_files.get(involved.origin.path.as_str())?;
                    Some((*index, involved.origin.line))
                })
                .collect();
            (!raw.is_empty()).then_some(MoveError {
                pointer: cross.violation.pointer,
                message: cross.violation.message,
                raw,
            })
        })
        .collect()
}
