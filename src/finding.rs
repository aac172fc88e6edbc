//! A `Finding` is one problem found in a file or document, with the place it points at and
//! how much it matters. Every stage reports problems this way so that every printer can
//! show `file:line:col`.

use serde::Serialize;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file is rejected: the fabric would refuse it, or it cannot be moved safely.
    #[default]
    Error,
    /// Reported, never blocks a move (unless warnings are denied): what the fabric only
    /// warns about, or what hhfab fills in before the fabric sees it.
    Warning,
}

impl Severity {
    /// The word printed before the message (`error`, `warning`).
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a file, located by line and column (1-based) and, for problems
/// inside a resource, by the JSON pointer of the offending node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// 1-based line in the file.
    pub line: u32,
    /// 1-based column in the file.
    pub col: u32,
    /// JSON pointer inside the document (`/spec/subnets/a/vlan`); empty for file-level problems.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pointer: String,
    /// What is wrong and, where it helps, what to do about it.
    pub message: String,
    /// Whether it rejects the file.
    pub severity: Severity,
}

impl Finding {
    /// An error at `line:col` with no JSON pointer (syntax and file-level problems).
    pub fn at(line: u32, col: u32, message: impl Into<String>) -> Self {
        Finding {
            line,
            col,
            pointer: String::new(),
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// Whether this finding rejects its file.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Formats the finding compiler-style: `path:line:col: error: message (at /pointer)`.
    pub fn display(&self, path: &str) -> String {
        let label = self.severity.label();
        if self.pointer.is_empty() {
            format!(
                "{path}:{}:{}: {label}: {}",
                self.line, self.col, self.message
            )
        } else {
            format!(
                "{path}:{}:{}: {label}: {} (at {})",
                self.line, self.col, self.message, self.pointer
            )
        }
    }
}
