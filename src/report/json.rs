//! The JSON report: the report data itself, serialised. It adds no fields of its own.

use serde::Serialize;

/// Pretty-printed JSON of any report, ending in a newline.
pub fn render<T: Serialize>(report: &T) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("reports serialise");
    text.push('\n');
    text
}
