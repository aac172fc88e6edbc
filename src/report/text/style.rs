//! How the text report writes a finding: the colour of its label, and its rule id.

use crate::finding::{Finding, Severity};

/// How the report writes the `error` and `warning` labels: plain, or in ANSI colour for a
/// terminal (`--color`). The renderer colours each label as it writes it, so a message that
/// holds `: error: ` (a user's YAML key, say) is never coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// No escape codes: a file, a pipe, `NO_COLOR`, `--color never`.
    Plain,
    /// `error` in bold red, `warning` in bold yellow.
    Ansi,
}

impl Colour {
    /// The label of `severity` as written.
    fn label(self, severity: Severity) -> &'static str {
        match (self, severity) {
            (Colour::Plain, severity) => severity.label(),
            (Colour::Ansi, Severity::Error) => "\x1b[1;31merror\x1b[0m",
            (Colour::Ansi, Severity::Warning) => "\x1b[1;33mwarning\x1b[0m",
        }
    }
}

/// How the text report writes a finding: its label's colour, and whether its rule id
/// follows it (`--show-rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// The colour of the labels.
    pub colour: Colour,
    /// Whether each finding ends in its rule id, `[switch/hydration]`, as SARIF and the
    /// JSON report name it (the id a rule's severity is set by).
    pub show_rule: bool,
}

impl Style {
    /// No colour, no rule ids: what a file or a pipe gets by default.
    pub const PLAIN: Style = Style {
        colour: Colour::Plain,
        show_rule: false,
    };

    /// The label of `severity` as written.
    pub(super) fn label(self, severity: Severity) -> &'static str {
        self.colour.label(severity)
    }

    /// `finding` as one compiler-style line, its label in this colour, then its rule id
    /// when asked for.
    pub(super) fn finding(self, finding: &Finding, path: &str) -> String {
        let line = finding.display_labelled(path, self.label(finding.severity));
        if self.show_rule {
            format!("{line} [{}]", finding.rule_id())
        } else {
            line
        }
    }
}
