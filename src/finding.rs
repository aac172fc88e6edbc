//! A `Finding` is one reason a file or document was rejected, with the place it points at.
//! Every stage reports problems this way so that every printer can show `file:line:col`.

use serde::Serialize;

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
}

impl Finding {
    /// A finding at `line:col` with no JSON pointer (syntax and file-level problems).
    pub fn at(line: u32, col: u32, message: impl Into<String>) -> Self {
        Finding {
            line,
            col,
            pointer: String::new(),
            message: message.into(),
        }
    }

    /// Formats the finding compiler-style: `path:line:col: error: message (at /pointer)`.
    pub fn display(&self, path: &str) -> String {
        if self.pointer.is_empty() {
            format!("{path}:{}:{}: error: {}", self.line, self.col, self.message)
        } else {
            format!(
                "{path}:{}:{}: error: {} (at {})",
                self.line, self.col, self.message, self.pointer
            )
        }
    }
}
