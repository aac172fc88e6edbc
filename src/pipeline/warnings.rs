//! How much each warning matters: the one place where a warning becomes an error
//! (`--deny-warnings`, a rule set to `error` in the repository config) or is not reported
//! (a rule set to `off`). Applied to what discovery found, before planning, so every later
//! stage sees ordinary findings and rejections. Errors are never changed: an error is what
//! the fabric or the API server refuses, and no setting makes that acceptable.
//!
//! In the check of a change (a known base), only the change's own warnings become errors: a
//! warning already on the base branch (in a file the change leaves alone, or an error there
//! reported as one) never fails the change, as it would fail every change until someone
//! fixes it.

use std::collections::HashMap;

use crate::crosscheck::Scope;
use crate::finding::{Finding, Severity, rules};
use crate::flags::config::Policy;
use crate::plan::{FabricInput, MissingObjects, RawOutcome};
use crate::repo_config::{RuleLevel, RuleLevels};
use crate::report::CheckedFile;
use crate::validate::Resource;

/// The levels a run applies: `deny_warnings` for every warning, unless the repository
/// config (named `source` in messages) sets a level for its rule.
pub struct Levels<'a> {
    deny_warnings: bool,
    rules: &'a RuleLevels,
    source: &'a str,
}

impl<'a> Levels<'a> {
    /// The levels of a run's policy.
    pub fn of(policy: &'a Policy) -> Self {
        Levels {
            deny_warnings: policy.deny_warnings,
            rules: &policy.rule_levels,
            source: policy.repo_config.as_deref().unwrap_or_default(),
        }
    }

    /// Whether this changes nothing.
    fn is_identity(&self) -> bool {
        !self.deny_warnings && self.rules.is_empty()
    }

    /// `finding` at its level: `None` when its rule is off, else the finding, a warning of
    /// the change (or of a check without a base) made an error saying why.
    fn apply(&self, mut finding: Finding) -> Option<Finding> {
        if finding.severity != Severity::Warning {
            return Some(finding);
        }
        let rule = finding.rule_id();
        match self.rules.get(&rule) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Warning) => Some(finding),
            _ if finding.is_on_base() => Some(finding),
            Some(RuleLevel::Error) => {
                finding.severity = Severity::Error;
                finding.message.push_str(&format!(
                    " (a warning, rejected because {} sets `{rule}: error`)",
                    self.source
                ));
                Some(finding)
            }
            None if self.deny_warnings => {
                finding.severity = Severity::Error;
                finding.message.push_str(
                    " (a warning, rejected because warnings are denied: --deny-warnings)",
                );
                Some(finding)
            }
            None => Some(finding),
        }
    }

    fn apply_all(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|finding| self.apply(finding))
            .collect()
    }

    /// A valid raw file whose warning became an error is rejected, with all its findings;
    /// a rejected file's findings take their levels too.
    pub fn apply_to_outcome(&self, outcome: &mut RawOutcome) {
        if self.is_identity() {
            return;
        }
        match outcome {
            RawOutcome::Valid(resources) => {
                for resource in resources.iter_mut() {
                    resource.warnings = self.apply_all(std::mem::take(&mut resource.warnings));
                }
                if resources
                    .iter()
                    .any(|resource| resource.warnings.iter().any(Finding::is_error))
                {
                    let findings = resources
                        .iter()
                        .flat_map(|resource| resource.warnings.clone())
                        .collect();
                    *outcome = RawOutcome::Rejected(findings);
                }
            }
            RawOutcome::Rejected(findings) => {
                *findings = self.apply_all(std::mem::take(findings));
            }
            RawOutcome::Ignored => {}
        }
    }

    /// The objects referred to but nowhere in the repository, without those of the fabric
    /// when `ref/missing` is off (its warning is one line per kind, made from this list).
    pub fn apply_to_missing(&self, missing: &mut Vec<MissingObjects>) {
        if self.rules.get(rules::REF_MISSING) == Some(RuleLevel::Off) {
            missing.clear();
        }
    }

    /// A checked file whose warning became an error is rejected: it counts no valid
    /// resource.
    pub fn apply_to_checked(&self, file: &mut CheckedFile) {
        if self.is_identity() {
            return;
        }
        file.findings = self.apply_all(std::mem::take(&mut file.findings));
        if file.is_rejected() {
            file.resources = 0;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::rules;

    fn rule_levels(pairs: &[(&str, RuleLevel)]) -> RuleLevels {
        RuleLevels {
            levels: pairs.iter().map(|(id, l)| ((*id).to_owned(), *l)).collect(),
        }
    }

    fn warning(rule: &'static str) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::at(3, 1, "w").with_rule(rule)
        }
    }

    fn checked(findings: Vec<Finding>) -> CheckedFile {
        CheckedFile {
            path: "raw/a.yaml".into(),
            fabric: String::new(),
            resources: 1,
            findings,
            ignored: None,
        }
    }

    #[test]
    fn a_rule_turns_its_warnings_off_or_into_errors_and_wins_over_deny_warnings() {
        let rules = rule_levels(&[
            (rules::EXPORT_FIELDS, RuleLevel::Off),
            (rules::KIND_FABRIC_MANAGED, RuleLevel::Warning),
        ]);
        let levels = Levels {
            deny_warnings: true,
            rules: &rules,
            source: ".hh-gitops.yaml",
        };
        let mut file = checked(vec![
            warning(rules::EXPORT_FIELDS),
            warning(rules::KIND_FABRIC_MANAGED),
        ]);
        levels.apply_to_checked(&mut file);
        assert_eq!(file.findings.len(), 1, "the off rule's warning is gone");
        assert_eq!(file.findings[0].severity, Severity::Warning);
        assert_eq!(file.resources, 1, "a warning left alone rejects nothing");

        let rules = rule_levels(&[(rules::EXPORT_FIELDS, RuleLevel::Error)]);
        let levels = Levels {
            deny_warnings: false,
            rules: &rules,
            source: ".hh-gitops.yaml",
        };
        let mut file = checked(vec![
            warning(rules::EXPORT_FIELDS),
            warning(rules::KIND_LIST),
        ]);
        levels.apply_to_checked(&mut file);
        assert_eq!(
            file.findings[0].message,
            "w (a warning, rejected because .hh-gitops.yaml sets `export/server-fields: error`)"
        );
        assert_eq!(file.findings[1].severity, Severity::Warning);
        assert_eq!(file.resources, 0);
    }

    #[test]
    fn an_error_stays_an_error_whatever_its_rule_is_set_to() {
        let rules = rule_levels(&[(rules::SCHEMA_TYPE, RuleLevel::Off)]);
        let levels = Levels {
            deny_warnings: false,
            rules: &rules,
            source: ".hh-gitops.yaml",
        };
        let error = Finding::at(1, 1, "e").with_rule(rules::SCHEMA_TYPE);
        let mut outcome = RawOutcome::Rejected(vec![error.clone()]);
        levels.apply_to_outcome(&mut outcome);
        assert!(matches!(outcome, RawOutcome::Rejected(findings) if findings == [error]));
    }
}
