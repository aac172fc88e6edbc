//! The SARIF 2.1.0 log's own types and its text: one run of hh-gitops, a rule per rule id
//! used, one result per finding, each result on one compact line (so that a run of code
//! scanning's maximum size stays readable and within its upload limit).
//!
//! Every object's keys are written in sorted order, as the log has always been written:
//! the fields of each type below are declared in that order.
//!
//! Code scanning keeps one alert per problem across runs by `partialFingerprints`: a hash
//! of the rule id, the path and the JSON pointer, never the line (an edit above the problem
//! must not make it a new alert), with a count added when one file has the same problem
//! twice at the same pointer (two documents of one file).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

use super::parts::HedgehogRelease;
use crate::finding::{self, Severity, rules};
use crate::rules::config_file::{ChosenRelease, ConfigSource};

/// Where SARIF consumers find out about the tool.
pub const INFORMATION_URI: &str = "https://github.com/hh-gitops/hh-gitops";

/// The name of hh-gitops's fingerprint in `partialFingerprints` (versioned: a change of
/// what it hashes must change its name, or every alert would be closed and reopened).
pub const FINGERPRINT_NAME: &str = "hhGitopsFinding/v1";

/// One entry of the run's `properties.hedgehogReleases`: the release a fabric (a sync) or a
/// fabric config (a check) was checked against, and how it was chosen.
#[derive(Debug, Serialize)]
pub struct ReleaseEntry<'a> {
    /// The fabric folder, for a sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    fabric: Option<&'a str>,
    /// The fabric config file, for a check that read one.
    #[serde(rename = "fabricConfig", skip_serializing_if = "Option::is_none")]
    fabric_config: Option<&'a str>,
    /// The release, its keys sorted (a [`HedgehogRelease`] as a JSON value).
    #[serde(rename = "hedgehogRelease")]
    hedgehog_release: Value,
}

impl<'a> ReleaseEntry<'a> {
    /// The release of the fabric folder `dir` (a sync).
    pub fn fabric(dir: &'a str, release: &'a ChosenRelease) -> Self {
        ReleaseEntry {
            fabric: Some(dir),
            fabric_config: None,
            hedgehog_release: sorted(release),
        }
    }

    /// The release of a fabric config (a check): no file for fabricator's defaults.
    pub fn config(source: &'a ConfigSource) -> Self {
        ReleaseEntry {
            fabric: None,
            fabric_config: source.file.as_deref(),
            hedgehog_release: sorted(&source.release),
        }
    }
}

/// `release` as a JSON value, whose keys serde_json writes in sorted order.
fn sorted(release: &ChosenRelease) -> Value {
    serde_json::to_value(HedgehogRelease::from(release)).expect("a release serialises")
}

/// The whole log, but for its results.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    invocations: Option<[Invocation; 1]>,
    properties: Properties<'a>,
    /// `null` here: [`text`] writes the results in its place, one per line.
    results: (),
    tool: Tool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: [Notification; 1],
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Properties<'a> {
    hedgehog_releases: &'a [ReleaseEntry<'a>],
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<Rule>,
    version: String,
}

/// The `reportingDescriptor` of a rule id.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    help: Text,
    id: String,
    short_description: Text,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Text,
    partial_fingerprints: BTreeMap<&'static str, String>,
    rule_id: &'a str,
    rule_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: String,
    uri_base_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_column: u32,
    start_line: u32,
}

/// The log's text: every finding of `findings` (each with its path relative to the
/// repository root) a result, made by hh-gitops `version` against the Hedgehog `releases`;
/// `cut_note`, when findings were left out, says so in a tool notification.
pub fn text(
    findings: &[&(String, &finding::Finding)],
    cut_note: Option<String>,
    version: &str,
    releases: &[ReleaseEntry],
) -> String {
    let mut rule_index: BTreeMap<String, usize> = BTreeMap::new();
    for (_, finding) in findings {
        rule_index
            .entry(finding.rule_id().into_owned())
            .or_default();
    }
    for (index, slot) in rule_index.values_mut().enumerate() {
        *slot = index;
    }
    let rules: Vec<Rule> = rule_index.keys().map(|id| rule(id)).collect();
    let mut seen: HashMap<(String, &str, &str), usize> = HashMap::new();
    let results: Vec<String> = findings
        .iter()
        .map(|(path, finding)| {
            let id = finding.rule_id().into_owned();
            let occurrence = seen
                .entry((id.clone(), path.as_str(), finding.pointer.as_str()))
                .or_default();
            *occurrence += 1;
            let fingerprint = fingerprint(&id, path, &finding.pointer, *occurrence);
            let result = SarifResult {
                level: level(finding.severity),
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: uri(path),
                            uri_base_id: "%SRCROOT%",
                        },
                        region: Region {
                            start_column: finding.col.max(1),
                            start_line: finding.line.max(1),
                        },
                    },
                }],
                message: Text {
                    text: finding.message.clone(),
                },
                partial_fingerprints: BTreeMap::from([(FINGERPRINT_NAME, fingerprint)]),
                rule_id: &id,
                rule_index: rule_index[&id],
            };
            serde_json::to_string(&result).expect("a SARIF result serialises")
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: cut_note.map(|note| {
                [Invocation {
                    execution_successful: true,
                    tool_execution_notifications: [Notification {
                        level: "warning",
                        message: Text { text: note },
                    }],
                }]
            }),
            properties: Properties {
                hedgehog_releases: releases,
            },
            results: (),
            tool: Tool {
                driver: Driver {
                    information_uri: INFORMATION_URI,
                    name: "hh-gitops",
                    rules,
                    version: version.to_owned(),
                },
            },
        }],
        version: "2.1.0",
    };
    let pretty = serde_json::to_string_pretty(&log).expect("a SARIF log serialises");
    // The only `"results": null` of the text: a string holding it would be escaped.
    let (before, after) = pretty
        .split_once("\"results\": null")
        .expect("the run has its results");
    let indent = " ".repeat(8);
    let lines: Vec<String> = results.iter().map(|r| format!("{indent}{r}")).collect();
    let array = if lines.is_empty() {
        "[]".to_owned()
    } else {
        format!("[\n{}\n      ]", lines.join(",\n"))
    };
    format!("{before}\"results\": {array}{after}\n")
}

/// The descriptor of a rule id: an explicit rule's own words, or for an id derived from a
/// field the words shared by the fabric's admission rules.
fn rule(id: &str) -> Rule {
    let info = rules::info(id);
    let description = match id.strip_prefix(crate::finding::FIELD_RULE_PREFIX) {
        Some(field) if info.id.is_empty() => format!("{} (`{field}`)", info.description),
        _ => info.description.to_owned(),
    };
    Rule {
        help: Text {
            text: info.help.to_owned(),
        },
        id: id.to_owned(),
        short_description: Text { text: description },
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative path as a URI reference: every byte but the unreserved ones and `/`
/// percent-encoded (a file name may hold spaces, `#`, `%` or non-ASCII letters).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// FNV-1a (64 bits) of the rule id, path, pointer and occurrence, in hex: stable across
/// runs, platforms and Rust versions, unlike `std`'s hasher.
fn fingerprint(rule: &str, path: &str, pointer: &str, occurrence: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let occurrence = occurrence.to_string();
    for part in [rule, path, pointer, &occurrence] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Finding;

    fn finding(line: u32, pointer: &str) -> Finding {
        Finding {
            pointer: pointer.to_owned(),
            ..Finding::at(line, 3, "m")
        }
    }

    /// The log of `findings`, every one a result.
    fn log_of(findings: &[(String, &Finding)]) -> String {
        let all: Vec<&(String, &Finding)> = findings.iter().collect();
        text(&all, None, "1.0.0", &[])
    }

    fn fingerprints(findings: &[(String, &Finding)]) -> Vec<String> {
        let log: Value = serde_json::from_str(&log_of(findings)).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"][FINGERPRINT_NAME]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn a_fingerprint_ignores_the_line_and_tells_apart_the_same_problem_twice() {
        let (moved, moved_again) = (finding(40, "/spec/a"), finding(41, "/spec/a"));
        let before = fingerprints(&[("raw/a.yaml".into(), &finding(4, "/spec/a"))]);
        let after = fingerprints(&[
            ("raw/a.yaml".into(), &moved),
            ("raw/a.yaml".into(), &moved_again),
        ]);
        assert_eq!(before[0], after[0]);
        assert_ne!(after[0], after[1]);
        let other_file = fingerprints(&[("raw/b.yaml".into(), &moved)]);
        assert_ne!(before[0], other_file[0]);
    }

    #[test]
    fn each_result_is_one_line() {
        let owned: Vec<(String, Finding)> = (0..3)
            .map(|i| (format!("raw/e{i}.yaml"), finding(1, "/spec/a")))
            .collect();
        let findings: Vec<(String, &Finding)> = owned.iter().map(|(p, f)| (p.clone(), f)).collect();
        let text = log_of(&findings);
        let lines: Vec<&str> = text
            .lines()
            .filter(|line| line.contains("\"ruleId\""))
            .collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("        {\"") && lines[0].ends_with("},"),
            "{text}"
        );
        assert!(lines[2].ends_with('}'), "{text}");
        assert_eq!(log_of(&[]).matches("\"results\": []").count(), 1);
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("raw/my vpc#1%.yaml"), "raw/my%20vpc%231%25.yaml");
        assert_eq!(uri("raw/é.yaml"), "raw/%C3%A9.yaml");
    }
}
