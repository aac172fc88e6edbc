//! What the cross-object check decided about one fabric, as plain data, and how it settles
//! the fabric's input: `crosscheck` judges without writing into the input it reads, and the
//! caller applies its verdicts here, before planning.

use super::{Displaces, FabricInput, ManagedFinding, MissingObjects, RawOutcome};
use crate::finding::{Finding, Severity};

/// The cross-object check's result for one fabric.
#[derive(Debug, Default)]
#[must_use = "the verdicts change nothing until the fabric's input is settled with them"]
pub struct CrossVerdicts {
    /// One per raw file, in the order of [`FabricInput::files`].
    pub files: Vec<FileVerdict>,
    /// Problems of managed/ and cluster/, sorted by path and position.
    pub managed_findings: Vec<ManagedFinding>,
    /// Objects referred to but nowhere in the repository, by kind.
    pub missing: Vec<MissingObjects>,
}

/// The cross-object check's verdict on one raw file.
#[derive(Debug, Default)]
pub struct FileVerdict {
    /// Its cross-object findings: any error rejects a file that validation accepted, and
    /// warnings join the resources they are about.
    pub findings: Vec<Finding>,
    /// What moving it takes out of managed/ besides the files it writes (for a file that
    /// stays accepted).
    pub displaces: Displaces,
    /// Whether the change being checked leaves the file untouched.
    pub untouched: bool,
    /// For the check of a change: whether the file's findings belong to the change (every
    /// finding's `in_change`); `None` when the whole fabric is checked.
    pub in_change: Option<bool>,
}

impl FabricInput {
    /// Applies the cross-object check's `verdicts` to the raw files' outcomes and records
    /// the problems of managed/ and cluster/. A rejected file the change leaves untouched
    /// keeps its errors as warnings: they are already on the base branch, and do not block
    /// the change.
    pub fn settle(&mut self, verdicts: CrossVerdicts) {
        for (file, verdict) in self.files.iter_mut().zip(verdicts.files) {
            settle_outcome(&mut file.outcome, verdict.findings);
            file.displaces = verdict.displaces;
            file.untouched = verdict.untouched;
            if let (true, RawOutcome::Rejected(findings)) = (file.untouched, &mut file.outcome) {
                for finding in findings.iter_mut().filter(|f| f.is_error()) {
                    finding.message = format!("already on the base branch: {}", finding.message);
                    finding.severity = Severity::Warning;
                }
            }
            if let Some(in_change) = verdict.in_change {
                match &mut file.outcome {
                    RawOutcome::Rejected(findings) => {
                        findings
                            .iter_mut()
                            .for_each(|f| f.in_change = Some(in_change));
                    }
                    RawOutcome::Valid(resources) => resources
                        .iter_mut()
                        .flat_map(|r| &mut r.warnings)
                        .for_each(|f| f.in_change = Some(in_change)),
                    RawOutcome::Ignored => {}
                }
            }
        }
        self.managed_findings = verdicts.managed_findings;
        self.missing = verdicts.missing;
    }
}

/// Settles a validated file's outcome with its cross-object `findings`: any error rejects
/// it (with its resources' warnings), else each warning joins the resource it is about.
fn settle_outcome(outcome: &mut RawOutcome, findings: Vec<Finding>) {
    let RawOutcome::Valid(resources) = outcome else {
        return;
    };
    if findings.iter().any(Finding::is_error) {
        let mut all: Vec<Finding> = resources
            .iter_mut()
            .flat_map(|r| std::mem::take(&mut r.warnings))
            .chain(findings)
            .collect();
        all.sort_by_key(|f| (f.line, f.col));
        *outcome = RawOutcome::Rejected(all);
        return;
    }
    for finding in findings {
        // A resource's document starts at its line; the finding belongs to the last one
        // starting at or before it.
        let owner = resources.iter_mut().rev().find(|r| r.line <= finding.line);
        if let Some(owner) = owner {
            owner.warnings.push(finding);
            owner.warnings.sort_by_key(|f| (f.line, f.col));
        }
    }
}
