//! The SARIF 2.1.0 printer, for GitHub code scanning: one run of hh-gitops, a rule per rule
//! id used, one result per finding. Pure: the caller gives each finding's path relative to
//! the repository root (code scanning shows a result only on a file of the repository).
//!
//! Code scanning keeps one alert per problem across runs by `partialFingerprints`: a hash
//! of the rule id, the path and the JSON pointer, never the line (an edit above the problem
//! must not make it a new alert), with a count added when one file has the same problem
//! twice at the same pointer (two documents of one file).
//!
//! Code scanning refuses a run of more than [`MAX_SARIF_RESULTS`] results and an upload
//! over 10 MB: the log holds at most that many results, errors first, in at most
//! [`MAX_SARIF_BYTES`], and says in the run (a tool notification) how many findings it
//! leaves out. Each result is one compact line, so that a full run fits.
//!
//! The run's `properties.hedgehogReleases` names the Hedgehog release each fabric (a
//! sync) or fabric config (a check) was checked against and how it was chosen.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::finding::{Finding, Severity, rules};
use crate::limits::{MAX_SARIF_BYTES, MAX_SARIF_RESULTS};
use crate::rules::config_file::{ChosenRelease, ConfigSource};

/// Where SARIF consumers find out about the tool.
pub const INFORMATION_URI: &str = "https://github.com/hh-gitops/hh-gitops";

/// The name of hh-gitops's fingerprint in `partialFingerprints` (versioned: a change of
/// what it hashes must change its name, or every alert would be closed and reopened).
pub const FINGERPRINT_NAME: &str = "hhGitopsFinding/v1";

/// A rendered SARIF log.
#[derive(Debug)]
pub struct Sarif {
    /// The log, pretty-printed around one line per result, ending in a newline.
    pub text: String,
    /// How many findings it holds as results.
    pub results: usize,
    /// How many findings it leaves out to stay within code scanning's limits.
    pub left_out: usize,
}

impl Sarif {
    /// When findings were left out, what the log and the job summary say about it.
    pub fn cut_note(&self) -> Option<String> {
        (self.left_out > 0).then(|| cut_note(self.left_out, self.results + self.left_out))
    }
}

/// The words for a log that leaves out `left_out` of `total` findings.
fn cut_note(left_out: usize, total: usize) -> String {
    format!(
        "{} of {} findings are left out of the SARIF file (GitHub code scanning takes at most {} results per run and 10 MB per upload; errors are kept first)",
        thousands(left_out),
        thousands(total),
        thousands(MAX_SARIF_RESULTS),
    )
}

/// `25000` as `25,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// One entry of the run's `hedgehogReleases`: the fabric folder `dir` and its release.
pub fn fabric_release(dir: &str, release: &ChosenRelease) -> Value {
    json!({"fabric": dir, "hedgehogRelease": release})
}

/// One entry of the run's `hedgehogReleases` for `check`: the fabric config (absent for
/// fabricator's defaults) and its release.
pub fn config_release(source: &ConfigSource) -> Value {
    let mut entry = json!({"hedgehogRelease": source.release});
    if let Some(file) = &source.file {
        entry["fabricConfig"] = json!(file);
    }
    entry
}

/// The SARIF log of `findings` (each with its path relative to the repository root), made
/// by hh-gitops `version` against the Hedgehog `releases` ([`fabric_release`],
/// [`config_release`]): errors first, within code scanning's limits.
pub fn render(findings: &[(String, &Finding)], version: &str, releases: &[Value]) -> Sarif {
    render_within(
        findings,
        version,
        releases,
        MAX_SARIF_RESULTS,
        MAX_SARIF_BYTES,
    )
}

/// [`render`] with at most `max_results` results in at most `max_bytes` (unless even the
/// log without results is larger): the most results, errors first, that fit.
fn render_within(
    findings: &[(String, &Finding)],
    version: &str,
    releases: &[Value],
    max_results: usize,
    max_bytes: usize,
) -> Sarif {
    let mut ordered: Vec<&(String, &Finding)> = findings.iter().collect();
    ordered.sort_by_key(|(_, finding)| finding.severity);
    let total = ordered.len();
    let log = |kept: usize| log(&ordered[..kept], total - kept, version, releases);
    let most = total.min(max_results);
    let text = log(most);
    if text.len() <= max_bytes {
        return Sarif {
            text,
            results: most,
            left_out: total - most,
        };
    }
    // The log grows with every result kept (by far more than the note shrinks): the most
    // that fit is found by bisection.
    let (mut fits, mut too_many) = (0, most);
    while too_many - fits > 1 {
        let middle = fits + (too_many - fits) / 2;
        if log(middle).len() <= max_bytes {
            fits = middle;
        } else {
            too_many = middle;
        }
    }
    Sarif {
        text: log(fits),
        results: fits,
        left_out: total - fits,
    }
}

/// The log of `findings`, all of them results, noting that `left_out` more were left out.
fn log(
    findings: &[&(String, &Finding)],
    left_out: usize,
    version: &str,
    releases: &[Value],
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
    let rules: Vec<Value> = rule_index.keys().map(|id| rule(id)).collect();
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
            .to_string()
        })
        .collect();
    let mut run = json!({
        "tool": {"driver": {
            "name": "hh-gitops",
            "version": version,
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        // Filled in below, one result per line.
        "results": null,
        "properties": {"hedgehogReleases": releases},
    });
    if left_out > 0 {
        run["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": [{
                "level": "warning",
                "message": {"text": cut_note(left_out, findings.len() + left_out)},
            }],
        }]);
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
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
        let log: Value = serde_json::from_str(&render(findings, "1.0.0", &[]).text).unwrap();
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

    /// `n` findings of `severity`, each at its own file.
    fn many(n: usize, severity: Severity, prefix: &str) -> Vec<(String, Finding)> {
        (0..n)
            .map(|i| {
                let finding = Finding {
                    severity,
                    ..finding(1, "/spec/a")
                };
                (format!("raw/{prefix}{i}.yaml"), finding)
            })
            .collect()
    }

    fn results(sarif: &Sarif) -> Vec<Value> {
        let log: Value = serde_json::from_str(&sarif.text).unwrap();
        log["runs"][0]["results"].as_array().unwrap().clone()
    }

    /// Issue 18 item 8: at most so many results, errors first, and the run says how many
    /// findings it leaves out.
    #[test]
    fn a_log_keeps_at_most_the_results_code_scanning_takes_errors_first() {
        let mut owned = many(4, Severity::Warning, "w");
        owned.extend(many(2, Severity::Error, "e"));
        let findings: Vec<(String, &Finding)> = owned.iter().map(|(p, f)| (p.clone(), f)).collect();
        let sarif = render_within(&findings, "1.0.0", &[], 3, usize::MAX);
        assert_eq!((sarif.results, sarif.left_out), (3, 3));
        let uris: Vec<String> = results(&sarif)
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(uris, ["raw/e0.yaml", "raw/e1.yaml", "raw/w0.yaml"]);
        let note = "3 of 6 findings are left out of the SARIF file (GitHub code scanning takes at most 25,000 results per run and 10 MB per upload; errors are kept first)";
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(sarif.cut_note().as_deref(), Some(note));
        let log: Value = serde_json::from_str(&sarif.text).unwrap();
        assert_eq!(
            log["runs"][0]["invocations"],
            json!([{
                "executionSuccessful": true,
                "toolExecutionNotifications": [{"level": "warning", "message": {"text": note}}],
            }])
        );
        // Within the limits: every finding, and no note.
        let whole = render_within(&findings, "1.0.0", &[], 6, usize::MAX);
        assert_eq!(
            (whole.results, whole.left_out, whole.cut_note()),
            (6, 0, None)
        );
        assert!(!whole.text.contains("invocations"), "{}", whole.text);
    }

    #[test]
    fn a_log_keeps_the_most_results_that_fit_its_size_bound() {
        let owned = many(50, Severity::Error, "e");
        let findings: Vec<(String, &Finding)> = owned.iter().map(|(p, f)| (p.clone(), f)).collect();
        let all: Vec<&(String, &Finding)> = findings.iter().collect();
        let bound = log(&all[..20], 30, "1.0.0", &[]).len();
        let sarif = render_within(&findings, "1.0.0", &[], 50, bound);
        assert_eq!((sarif.results, sarif.left_out), (20, 30));
        assert_eq!(sarif.text.len(), bound);
        assert_eq!(results(&sarif).len(), 20);
        let sarif = render_within(&findings, "1.0.0", &[], 50, bound - 1);
        assert_eq!((sarif.results, sarif.left_out), (19, 31));
        assert!(sarif.text.len() < bound);
    }

    #[test]
    fn each_result_is_one_line() {
        let owned = many(3, Severity::Error, "e");
        let findings: Vec<(String, &Finding)> = owned.iter().map(|(p, f)| (p.clone(), f)).collect();
        let text = render(&findings, "1.0.0", &[]).text;
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
        assert_eq!(
            render(&[], "1.0.0", &[])
                .text
                .matches("\"results\": []")
                .count(),
            1
        );
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("raw/my vpc#1%.yaml"), "raw/my%20vpc%231%25.yaml");
        assert_eq!(uri("raw/é.yaml"), "raw/%C3%A9.yaml");
    }
}
