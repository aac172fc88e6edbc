//! Lines as the YAML parser counts them. YAML breaks a line at `\r\n`, `\n` and a lone `\r`;
//! cutting documents apart or numbering lines any other way would disagree with the parser
//! about where a document ends (a file saved with old Mac `\r` endings is one "line" to
//! `str::lines` but many to YAML).

/// Splits `text` into lines, each keeping its own line break (`\r\n`, `\n` or `\r`); the
/// last line has none when the text does not end with a break. Concatenated, the lines are
/// `text` again.
pub fn split_lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = match bytes[i] {
            b'\n' => i + 1,
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            b'\r' => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        lines.push(&text[start..end]);
        start = end;
        i = end;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// The line break that ends `line` (`"\r\n"`, `"\n"`, `"\r"`), or `""` for a last line
/// without one.
pub fn line_break(line: &str) -> &str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with(['\n', '\r']) {
        &line[line.len() - 1..]
    } else {
        ""
    }
}

/// 1-based line and column (in bytes) of byte offset `at`, counting line breaks as the
/// parser does.
pub fn line_col(bytes: &[u8], at: usize) -> (u32, u32) {
    let before = &bytes[..at];
    let mut line = 1;
    let mut line_start = 0;
    for (i, byte) in before.iter().enumerate() {
        let breaks = match byte {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        if breaks {
            line += 1;
            line_start = i + 1;
        }
    }
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(at - line_start + 1).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_yaml_line_break_ends_a_line() {
        let text = "a\r\nb\nc\rd";
        assert_eq!(split_lines(text), ["a\r\n", "b\n", "c\r", "d"]);
        assert_eq!(split_lines(text).concat(), text);
        assert_eq!(
            split_lines(text)
                .iter()
                .map(|l| line_break(l))
                .collect::<Vec<_>>(),
            ["\r\n", "\n", "\r", ""]
        );
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn positions_count_lone_carriage_returns_as_breaks() {
        let text = b"a\rb\r\nc: \x00";
        assert_eq!(line_col(text, 8), (3, 4));
        assert_eq!(line_col(text, 0), (1, 1));
    }
}
