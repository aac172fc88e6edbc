//! `--deny-warnings`: the one place where a warning becomes an error. Applied to what
//! discovery found, before planning, so every later stage sees ordinary rejections.

use crate::finding::{Finding, Severity};
use crate::plan::RawOutcome;
use crate::report::CheckedFile;

/// Turns a warning into an error that says why it now rejects its file.
fn deny(finding: &mut Finding) {
    if finding.severity == Severity::Warning {
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
        RawOutcome::Valid(resources) if resources.iter().any(|r| !r.warnings.is_empty()) => {
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
    if file.findings.is_empty() {
        return;
    }
    file.findings.iter_mut().for_each(deny);
    file.resources = 0;
}
