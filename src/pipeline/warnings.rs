//! `--deny-warnings`: the one place where a warning becomes an error. Applied to what
//! discovery found, before planning, so every later stage sees ordinary rejections.
//!
//! In the check of a change (a known base), only the change's own warnings are denied: a
//! warning already on the base branch (in a file the change leaves alone, or an error there
//! reported as one) never fails the change, as it would fail every change until someone
//! fixes it.

use std::collections::HashMap;

use crate::crosscheck::Scope;
use crate::finding::{Finding, Severity};
use crate::plan::{FabricInput, RawOutcome};
use crate::report::CheckedFile;
use crate::validate::Resource;

/// Turns a warning of the change (or of a check without a base) into an error that says
/// why it now rejects its file.
fn deny(finding: &mut Finding) {
    if finding.severity == Severity::Warning && !finding.is_on_base() {
        finding.severity = Severity::Error;
        finding
            .message
            .push_str(" (a warning, rejected because warnings are denied: --deny-warnings)");
    }
}

/// A valid raw file with warnings becomes a rejected one; a rejected file's warnings
/// become errors too.
pub fn deny_in_outcome(outcome: &mut RawOutcome) {
    match outcome {
        RawOutcome::Valid(resources)
            if resources
                .iter()
                .flat_map(|r| &r.warnings)
                .any(|w| !w.is_on_base()) =>
        {
            let mut findings: Vec<Finding> =
                resources.iter().flat_map(|r| r.warnings.clone()).collect();
            findings.iter_mut().for_each(deny);
            *outcome = RawOutcome::Rejected(findings);
        }
        RawOutcome::Rejected(findings) => findings.iter_mut().for_each(deny),
        RawOutcome::Valid(_) | RawOutcome::Ignored => {}
    }
}

/// A checked file with warnings is rejected: its warnings become errors and it counts no
/// valid resource.
pub fn deny_in_checked(file: &mut CheckedFile) {
    if file.findings.iter().all(Finding::is_on_base) {
        return;
    }
    file.findings.iter_mut().for_each(deny);
    file.resources = 0;
}

/// Says of each of `findings` (of the file shown as `path`) not marked yet whether it is
/// the change's own, when `scope` is the check of a change: it is when the change touches
/// the file. The findings of the rules between objects are marked where they are made, by
/// their cause.
pub fn mark_change(findings: &mut [Finding], scope: &Scope, path: &str) {
    if !scope.is_change() {
        return;
    }
    let touched = scope.touches(path);
    for finding in findings.iter_mut().filter(|f| f.in_change.is_none()) {
        finding.in_change = Some(touched);
    }
}

/// The objects of a fabric's valid raw files, each with its warnings: a raw copy of an
/// object that managed/ holds replaces the managed copy when it moves, so a warning that
/// both copies have is shown once, in the raw file that is about to be applied.
pub struct RawCopies<'a> {
    warnings: HashMap<(&'a str, &'a str), &'a [Finding]>,
}

impl<'a> RawCopies<'a> {
    /// The raw copies of `input`'s objects.
    pub fn of(input: &'a FabricInput) -> Self {
        let warnings = input
            .files
            .iter()
            .filter_map(|file| match &file.outcome {
                RawOutcome::Valid(resources) => Some(resources),
                _ => None,
            })
            .flatten()
            .map(|r| ((r.kind.as_str(), r.name.as_str()), r.warnings.as_slice()))
            .collect();
        RawCopies { warnings }
    }

    /// The warnings of the managed `resource` that its raw copy, if any, does not repeat.
    pub fn unrepeated_warnings(&self, resource: &Resource) -> Vec<Finding> {
        let repeated = self
            .warnings
            .get(&(resource.kind.as_str(), resource.name.as_str()))
            .copied()
            .unwrap_or_default();
        resource
            .warnings
            .iter()
            .filter(|warning| !repeated.iter().any(|raw| same_warning(raw, warning)))
            .cloned()
            .collect()
    }
}

/// Whether two copies of one object have the same warning: the same rule, at the same
/// field, saying the same.
fn same_warning(a: &Finding, b: &Finding) -> bool {
    a.rule_id() == b.rule_id() && a.pointer == b.pointer && a.message == b.message
}
