//! The parts the JSON report and the SARIF log share: a finding, the fabric config a check
//! used and the Hedgehog release it was checked against.

use std::borrow::Cow;

use serde::Serialize;

use crate::finding;
use crate::rules::config_file::{ChosenBy, ChosenRelease, ConfigForm, ConfigSource};

/// One problem: `{"line", "col", "pointer"?, "message", "severity", "rule", "in_change"?}`.
#[derive(Debug, Serialize)]
pub struct Finding<'a> {
    /// 1-based line in the file.
    pub line: u32,
    /// 1-based column in the file.
    pub col: u32,
    /// JSON pointer inside the document; absent for a problem of the whole file.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub pointer: &'a str,
    /// What is wrong and what to do.
    pub message: &'a str,
    /// `error` (the file is rejected) or `warning`.
    pub severity: &'static str,
    /// The stable rule id (`schema/unknown-field`, `field/spec.subnets.*.vlan`), as SARIF
    /// and `--show-rule` name it.
    pub rule: Cow<'static, str>,
    /// Whether the change being checked made it (rather than the base branch holding it
    /// already); only when a base is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_change: Option<bool>,
}

impl<'a> From<&'a finding::Finding> for Finding<'a> {
    fn from(finding: &'a finding::Finding) -> Self {
        Finding {
            line: finding.line,
            col: finding.col,
            pointer: &finding.pointer,
            message: &finding.message,
            severity: finding.severity.label(),
            rule: finding.rule_id(),
            in_change: finding.in_change,
        }
    }
}

/// Every finding of `findings`, in order.
pub fn findings(findings: &[finding::Finding]) -> Vec<Finding<'_>> {
    findings.iter().map(Finding::from).collect()
}

/// The Hedgehog release a fabric was checked against and how it was chosen:
/// `{"release", "chosen", "pin"?, "fabric_version", "checked_as"}`.
#[derive(Debug, Serialize)]
pub struct HedgehogRelease<'a> {
    /// The release (`26.02`).
    pub release: &'static str,
    /// `declared`, `pinned` or `defaulted`.
    pub chosen: &'static str,
    /// The fab.yaml field and version that pin it, when pinned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<&'a str>,
    /// The fabric version the release ships.
    pub fabric_version: &'static str,
    /// The fabric version whose rules hh-gitops follows for it.
    pub checked_as: &'static str,
}

impl<'a> From<&'a ChosenRelease> for HedgehogRelease<'a> {
    fn from(chosen: &'a ChosenRelease) -> Self {
        let (how, pin) = match &chosen.by {
            ChosenBy::Declared(_) => ("declared", None),
            ChosenBy::Pinned { pin, .. } => ("pinned", Some(pin.as_str())),
            ChosenBy::Defaulted => ("defaulted", None),
        };
        HedgehogRelease {
            release: chosen.release.name(),
            chosen: how,
            pin,
            fabric_version: chosen.release.fabric_version(),
            checked_as: chosen.release.checked_as(),
        }
    }
}

/// The fabric config a fabric was checked against: `{"file"?, "form"?, "hedgehog_release"}`
/// (no file for fabricator's defaults).
#[derive(Debug, Serialize)]
pub struct FabricConfig<'a> {
    /// The file, as the user named it or relative to the repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
    /// `fab.yaml` or `fabric-ctrl-config`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<&'static str>,
    /// The release whose rules the fabric was checked by.
    pub hedgehog_release: HedgehogRelease<'a>,
}

impl<'a> From<&'a ConfigSource> for FabricConfig<'a> {
    fn from(source: &'a ConfigSource) -> Self {
        FabricConfig {
            file: source.file.as_deref(),
            form: source.form.map(|form| match form {
                ConfigForm::FabYaml => "fab.yaml",
                ConfigForm::FabricCtrlConfig => "fabric-ctrl-config",
            }),
            hedgehog_release: HedgehogRelease::from(&source.release),
        }
    }
}
