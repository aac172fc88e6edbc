//! The GitHub Actions log printer: the only place that writes workflow commands
//! (`::error`, `::notice`, `::group::`/`::endgroup::`) and the only gate any other text
//! passes on its way into an Actions log.
//!
//! The runner treats every line of stdout and stderr that starts with `::` (or the legacy
//! `##[`), after leading whitespace, as a command, and it splits lines at LF and at a lone
//! CR. Anything derived from input (names, keys, file and folder names, error messages) can
//! hold those characters, so [`neutralise`] makes sure no line of ours starts a command
//! unless this module wrote it. Escaping of command data follows actions/toolkit
//! (`@actions/core` `command.ts`). Pure: returns strings, prints nothing.

use crate::finding::Finding;

/// At most this many annotations of each kind per step are shown by GitHub; hh-gitops
/// writes at most this many in all, errors first.
pub const MAX_ANNOTATIONS: usize = 10;

/// Makes `text` safe to print in an Actions log: every lone CR becomes the visible `\r`
/// (the runner would start a new line there), and a line that would read as a workflow
/// command after leading whitespace gets a `\` in front, so the runner shows it instead of
/// obeying it. LF line breaks are kept.
pub fn neutralise(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\\r");
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let start = line.trim_start();
        if start.starts_with("::") || start.starts_with("##[") {
            out.push('\\');
        }
        out.push_str(line);
    }
    out
}

/// Escapes a workflow-command message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::error` and `::warning` annotations for the first [`MAX_ANNOTATIONS`] findings (the
/// caller puts errors first), then a notice that points at the job summary for the rest.
/// `findings` pairs a repository path with a finding.
pub fn annotations(findings: &[(String, &Finding)]) -> String {
    let mut out = String::new();
    for (path, finding) in findings.iter().take(MAX_ANNOTATIONS) {
        let title = if finding.pointer.is_empty() {
            "hh-gitops".to_owned()
        } else {
            format!("hh-gitops: {}", finding.pointer)
        };
        let command = match finding.severity {
            crate::finding::Severity::Error => "error",
            crate::finding::Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            escape_property(path),
            finding.line,
            finding.col,
            escape_property(&title),
            escape_data(&finding.message)
        ));
    }
    if findings.len() > MAX_ANNOTATIONS {
        out.push_str(&format!(
            "::notice title=hh-gitops::{} more findings are listed in the job summary\n",
            findings.len() - MAX_ANNOTATIONS
        ));
    }
    out
}

/// A `::warning` annotation about the whole run (no file to point at).
pub fn warning(message: &str) -> String {
    format!("::warning title=hh-gitops::{}\n", escape_data(message))
}

/// An `::error` annotation for a failure of the whole run (no file to point at).
pub fn error(message: &str) -> String {
    format!("::error title=hh-gitops::{}\n", escape_data(message))
}

/// Wraps `body` (neutralised here) in a collapsible log group titled `title`.
pub fn group(title: &str, body: &str) -> String {
    format!(
        "::group::{}\n{}::endgroup::\n",
        escape_data(title),
        neutralise(body)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_of_input_can_start_a_command() {
        assert_eq!(
            neutralise("ok\nx\n::warning::INJECTED\n  ::stop-commands::t\n##[error]e\n"),
            "ok\nx\n\\::warning::INJECTED\n\\  ::stop-commands::t\n\\##[error]e\n"
        );
        assert_eq!(neutralise("a\r::error::b\r\n"), "a\\r::error::b\n");
        assert_eq!(neutralise("a: b::c\n"), "a: b::c\n");
    }

    #[test]
    fn a_group_title_and_body_cannot_close_the_group_early() {
        assert_eq!(
            group("f\n::endgroup::", "line\n::endgroup::\n"),
            "::group::f%0A::endgroup::\nline\n\\::endgroup::\n::endgroup::\n"
        );
    }

    #[test]
    fn annotations_are_escaped_and_capped() {
        let finding = Finding {
            line: 3,
            col: 7,
            pointer: "/spec/a,b".into(),
            message: "100% wrong\nreally".into(),
            severity: crate::finding::Severity::Error,
            ..Finding::default()
        };
        let many: Vec<(String, &Finding)> = (0..12)
            .map(|i| (format!("raw/f{i}:x.yaml"), &finding))
            .collect();
        let text = annotations(&many);
        assert!(text.starts_with("::error file=raw/f0%3Ax.yaml,line=3,col=7,title=hh-gitops%3A /spec/a%2Cb::100%25 wrong%0Areally\n"), "{text}");
        assert_eq!(
            text.lines().filter(|l| l.starts_with("::error")).count(),
            10
        );
        assert!(text.ends_with(
            "::notice title=hh-gitops::2 more findings are listed in the job summary\n"
        ));
    }
}
