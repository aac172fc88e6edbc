//! Lines as the YAML parser counts them. YAML breaks a line at `\r\n`, `\n` and a lone `\r`;
//! cutting documents apart or numbering lines any other way would disagree with the parser
//! about where a document ends (a file saved with old Mac `\r` endings is one "line" to
//! `str::lines` but many to YAML).

/// Splits `text` into lines, each keeping its own line break (`\r\n`, `\n` or `\r`); the
/// last line has none when the text does not end with a break. Concatenated, the lines are
/// `text` again.
pub fn split_lines(text: &str) -> Vec<&str> {
    let mut start = 0;
    line_ends(text.as_bytes())
        .map(|end| {
            let line = &text[start..end];
            start = end;
            line
        })
        .collect()
}

/// [`split_lines`] for bytes that may not be UTF-8 (line breaks are ASCII, so the lines are
/// the same): for reading what a file that does not parse still says.
pub fn split_byte_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut start = 0;
    line_ends(bytes)
        .map(|end| {
            let line = &bytes[start..end];
            start = end;
            line
        })
        .collect()
}

/// Where each line of `bytes` ends: just after its line break, or at the end of the bytes
/// for a last line without one.
fn line_ends(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let mut i = start;
        let end = loop {
            match bytes.get(i) {
                None => break bytes.len(),
                Some(b'\n') => break i + 1,
                Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => break i + 2,
                Some(b'\r') => break i + 1,
                Some(_) => i += 1,
            }
        };
        start = end;
        Some(end)
    })
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
        assert_eq!(
            split_byte_lines(b"a\xff\r\nb\rc"),
            [&b"a\xff\r\n"[..], b"b\r", b"c"]
        );
        assert!(split_byte_lines(b"").is_empty());
    }

    #[test]
    fn positions_count_lone_carriage_returns_as_breaks() {
        let text = b"a\rb\r\nc: \x00";
        assert_eq!(line_col(text, 8), (3, 4));
        assert_eq!(line_col(text, 0), (1, 1));
    }
}
