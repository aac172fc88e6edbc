//! The SARIF 2.1.0 printer, for GitHub code scanning: one run of hh-gitops, a rule per rule
//! id used, one result per finding. Pure: the caller gives each finding's path relative to
//! the repository root (code scanning shows a result only on a file of the repository).
//!
//! Code scanning keeps one alert per problem across runs by `partialFingerprints`: a hash
//! of the rule id, the path and the JSON pointer, never the line (an edit above the problem
//! must not make it a new alert), with a count added when one file has the same problem
//! twice at the same pointer (two documents of one file).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::finding::{Finding, Severity, rules};

/// Where SARIF consumers find out about the tool.
pub const INFORMATION_URI: &str = "https://github.com/hh-gitops/hh-gitops";

/// The name of hh-gitops's fingerprint in `partialFingerprints` (versioned: a change of
/// what it hashes must change its name, or every alert would be closed and reopened).
pub const FINGERPRINT_NAME: &str = "hhGitopsFinding/v1";

/// The SARIF log of `findings` (each with its path relative to the repository root), made
/// by hh-gitops `version`, pretty-printed and ending in a newline.
pub fn render(findings: &[(String, &Finding)], version: &str) -> String {
    let mut rule_index: BTreeMap<String, usize> = BTreeMap::new();
    for (_, finding) in findings {
        rule_index
            .entry(finding.rule_id().into_owned())
            .or_default();
    }
    for (index, slot) in rule_index.values_mut().enumerate() {
        *slot = index;
    }
    let rules: Vec<Value> = rule_index.keys().map(|id| rule(id)).collect();
    let mut seen: HashMap<(String, &str, &str), usize> = HashMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|(path, finding)| {
            let id = finding.rule_id().into_owned();
            let occurrence = seen
                .entry((id.clone(), path.as_str(), finding.pointer.as_str()))
                .or_default();
            *occurrence += 1;
            let fingerprint = fingerprint(&id, path, &finding.pointer, *occurrence);
            json!({
                "ruleId": id,
                "ruleIndex": rule_index[&id],
                "level": level(finding.severity),
                "message": {"text": finding.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": finding.line.max(1), "startColumn": finding.col.max(1)},
                    },
                }],
                "partialFingerprints": {FINGERPRINT_NAME: fingerprint},
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hh-gitops",
                "version": version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("a SARIF log serialises");
    text.push('\n');
    text
}

/// The `reportingDescriptor` of a rule id: an explicit rule's own words, or for an id
/// derived from a field the words shared by the fabric's admission rules.
fn rule(id: &str) -> Value {
    let info = rules::info(id);
    let description = match id.strip_prefix(crate::finding::FIELD_RULE_PREFIX) {
        Some(field) if info.id.is_empty() => format!("{} (`{field}`)", info.description),
        _ => info.description.to_owned(),
    };
    json!({
        "id": id,
        "shortDescription": {"text": description},
        "help": {"text": info.help},
    })
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

    fn finding(line: u32, pointer: &str) -> Finding {
        Finding {
            pointer: pointer.to_owned(),
            ..Finding::at(line, 3, "m")
        }
    }

    fn fingerprints(findings: &[(String, &Finding)]) -> Vec<String> {
        let log: Value = serde_json::from_str(&render(findings, "1.0.0")).unwrap();
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
    fn paths_become_uri_references() {
        assert_eq!(uri("raw/my vpc#1%.yaml"), "raw/my%20vpc%231%25.yaml");
        assert_eq!(uri("raw/é.yaml"), "raw/%C3%A9.yaml");
    }
}
