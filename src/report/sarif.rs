//! The SARIF 2.1.0 printer, for GitHub code scanning: which findings the log holds. Pure:
//! the caller gives each finding's path relative to the repository root (code scanning
//! shows a result only on a file of the repository); [`wire::sarif`](super::wire::sarif)
//! writes the log itself.
//!
//! Code scanning refuses a run of more than [`MAX_SARIF_RESULTS`] results and an upload
//! over 10 MB: the log holds at most that many results, errors first, in at most
//! [`MAX_SARIF_BYTES`], and says in the run (a tool notification) how many findings it
//! leaves out.
//!
//! The run's `properties.hedgehogReleases` names the Hedgehog release each fabric (a
//! sync) or fabric config (a check) was checked against and how it was chosen.

use super::wire::sarif::{self, ReleaseEntry};
use crate::finding::Finding;
use crate::limits::{MAX_SARIF_BYTES, MAX_SARIF_RESULTS};

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

/// The SARIF log of `findings` (each with its path relative to the repository root), made
/// by hh-gitops `version` against the Hedgehog `releases`: errors first, within code scanning's limits.
pub fn render(findings: &[(String, &Finding)], version: &str, releases: &[ReleaseEntry]) -> Sarif {
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
    releases: &[ReleaseEntry],
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
    releases: &[ReleaseEntry],
) -> String {
    let note = (left_out > 0).then(|| cut_note(left_out, findings.len() + left_out));
    sarif::text(findings, note, version, releases)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::finding::Severity;

    fn finding(line: u32, pointer: &str) -> Finding {
        Finding {
            pointer: pointer.to_owned(),
            ..Finding::at(line, 3, "m")
        }
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
}
