//! What one line of YAML says when it is read alone, without the parser: whether it is a
//! `key: value` pair or a `- ` item, the string a one-line scalar is, and whether its value
//! goes on below (a block scalar, or a quote or bracket the line does not close). The
//! readers decline (`None`) whatever they cannot be sure of.

use crate::manifest::Value;
use crate::manifest::scalar::resolve_plain;

/// What a line's value means for the lines after it.
#[derive(Debug, PartialEq)]
pub(super) enum After {
    /// Nothing: the value ends on this line.
    Nothing,
    /// A block scalar: the lines indented more than this many spaces are its text.
    BlockScalar(usize),
    /// A quote or bracket that this line does not close: nothing after it can be read.
    Unreadable,
}

/// Whether a line's content is a `- ` sequence item.
pub(super) fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ") || content.starts_with("-\t")
}

/// Whether a value is empty on its line (nothing, or only a comment): its content, if any,
/// is on the lines below.
pub(super) fn is_empty(value: &str) -> bool {
    value.is_empty() || value.starts_with('#')
}

/// Characters that cannot start a plain scalar (or a plain key).
const INDICATORS: &[char] = &[
    '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
];

/// Whether a plain scalar (or plain key) may start `text`: not with an indicator, nor with
/// `?`, `:` or `-` and a space.
fn can_start_plain(text: &str) -> bool {
    let indicator_and_space = text.starts_with(['?', ':', '-'])
        && text[1..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t');
    !(text.starts_with(INDICATORS) || indicator_and_space)
}

/// Splits `key: value` into the key (unquoted) and the value (after the `:` and its
/// spaces); `None` when the text is not a pair the scan can read.
pub(super) fn split_pair(content: &str) -> Option<(String, &str)> {
    let (key, rest) = if content.starts_with(['"', '\'']) {
        let end = closing_quote(content)?;
        (
            unquote(&content[..end])?,
            content[end..].trim_start_matches([' ', '\t']),
        )
    } else {
        if !can_start_plain(content) {
            return None;
        }
        let colon = content.char_indices().find_map(|(i, c)| {
            let next = content[i + c.len_utf8()..].chars().next();
            (c == ':' && next.is_none_or(|n| n == ' ' || n == '\t')).then_some(i)
        })?;
        if comment_start(&content[..colon]).is_some() {
            return None;
        }
        (
            content[..colon].trim_end_matches([' ', '\t']).to_owned(),
            &content[colon..],
        )
    };
    let value = rest.strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with([' ', '\t'])) {
        return None;
    }
    Some((key, value.trim_start_matches([' ', '\t'])))
}

/// The string a one-line scalar value is: plain (as Kubernetes resolves it, so `yes` or
/// `12` is no string), single-quoted, or double-quoted without escapes. `None` for any
/// other value, and for a string with a control character.
pub(super) fn string_value(value: &str) -> Option<String> {
    let text = if value.starts_with(['"', '\'']) {
        let end = closing_quote(value)?;
        if !is_empty(value[end..].trim_start_matches([' ', '\t'])) {
            return None;
        }
        unquote(&value[..end])?
    } else {
        let plain =
            value[..comment_start(value).unwrap_or(value.len())].trim_end_matches([' ', '\t']);
        if plain.is_empty()
            || !can_start_plain(plain)
            || plain.contains(": ")
            || plain.ends_with(':')
        {
            return None;
        }
        match resolve_plain(plain) {
            Value::Str(text) => text,
            _ => return None,
        }
    };
    let unclear =
        |c: char| c.is_control() || matches!(c, '\u{fffd}' | '\u{feff}' | '\u{2028}' | '\u{2029}');
    (!text.chars().any(unclear)).then_some(text)
}

/// Where a comment starts in a plain scalar: a `#` after a space or a tab.
fn comment_start(text: &str) -> Option<usize> {
    text.char_indices()
        .zip(text.chars().skip(1))
        .find_map(|((i, c), next)| (matches!(c, ' ' | '\t') && next == '#').then_some(i))
}

/// The byte index just past the quote that closes the quoted scalar `text` starts, if it
/// closes on this line.
fn closing_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.first()?;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            byte if byte == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The text of a quoted scalar (quotes included in `quoted`); `None` for a double-quoted
/// one with an escape sequence, which the scan does not decode.
fn unquote(quoted: &str) -> Option<String> {
    let inner = &quoted[1..quoted.len() - 1];
    if quoted.starts_with('"') {
        (!inner.contains('\\')).then(|| inner.to_owned())
    } else {
        Some(inner.replace("''", "'"))
    }
}

/// What a whole line (items and a key peeled off) means for the lines after it.
pub(super) fn after_line(content: &str, indent: usize) -> After {
    let mut col = indent;
    let mut rest = content;
    let mut owner = indent;
    while is_item(rest) {
        owner = col;
        let after_dash = rest[1..].trim_start_matches([' ', '\t']);
        col += rest.len() - after_dash.len();
        rest = after_dash;
    }
    match split_pair(rest) {
        Some((_, value)) => value_after(value, col),
        None => value_after(rest, owner),
    }
}

/// What a value that starts on a line owned by a node at column `owner` means for the
/// lines after it.
pub(super) fn value_after(value: &str, owner: usize) -> After {
    // Anchors and tags before the value.
    let mut value = value;
    while value.starts_with(['&', '!']) {
        let end = value.find([' ', '\t']).unwrap_or(value.len());
        value = value[end..].trim_start_matches([' ', '\t']);
    }
    match value.chars().next() {
        Some('|' | '>') => After::BlockScalar(owner),
        Some('"' | '\'') if closing_quote(value).is_none() => After::Unreadable,
        Some('[' | '{') if flow(value).is_none() => After::Unreadable,
        _ => After::Nothing,
    }
}

/// The flow collection `text` starts (`[` or `{`), if it closes on this line: the byte
/// index of its closing bracket and the ranges of its entries.
pub(super) fn flow(text: &str) -> Option<(usize, Vec<(usize, usize)>)> {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut entries = Vec::new();
    let mut entry_start = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    entries.push((entry_start, i));
                    return Some((i, entries));
                }
            }
            b',' if depth == 1 => {
                entries.push((entry_start, i));
                entry_start = i + 1;
            }
            b'"' | b'\'' => {
                i += closing_quote(&text[i..])?;
                continue;
            }
            // A comment: the collection goes on below.
            b'#' if matches!(bytes[i - 1], b' ' | b'\t') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_with_plain_and_quoted_keys() {
        assert_eq!(
            split_pair("kind: VPC # c"),
            Some(("kind".to_owned(), "VPC # c"))
        );
        assert_eq!(split_pair("a:b: c"), Some(("a:b".to_owned(), "c")));
        assert_eq!(
            split_pair("\u{fffd}é:x: y"),
            Some(("\u{fffd}é:x".to_owned(), "y"))
        );
        assert_eq!(split_pair("'it''s':\tx"), Some(("it's".to_owned(), "x")));
        assert_eq!(split_pair("\"k\":"), Some(("k".to_owned(), "")));
        for not_a_pair in [
            "just text",
            "a # b: c",
            "\"a\\x\": 1",
            "\"open: 1",
            "- a: 1",
            "{a: 1}",
            "? a",
            "'k'x: 1",
        ] {
            assert_eq!(split_pair(not_a_pair), None, "{not_a_pair}");
        }
    }

    #[test]
    fn one_line_strings() {
        assert_eq!(string_value("vpc-1  # c").as_deref(), Some("vpc-1"));
        assert_eq!(string_value("'a ''b'''").as_deref(), Some("a 'b'"));
        assert_eq!(string_value("\"a#b\" # c").as_deref(), Some("a#b"));
        assert_eq!(string_value("a#b").as_deref(), Some("a#b"));
        for not_a_string in [
            "",
            "# c",
            "12",
            "true",
            "~",
            "*a",
            "&a x",
            "!!str a",
            "|",
            "[a]",
            "'a' b",
            "\"a\\tb\"",
            "a: b",
            "a:",
            "- a",
            "a\u{7f}",
        ] {
            assert_eq!(string_value(not_a_string), None, "{not_a_string:?}");
        }
    }

    #[test]
    fn values_that_go_on_below() {
        assert_eq!(after_line("key: |", 2), After::BlockScalar(2));
        assert_eq!(after_line("- - key: >-", 2), After::BlockScalar(6));
        assert_eq!(after_line("- !t &a |", 0), After::BlockScalar(0));
        assert_eq!(after_line("key: \"a", 0), After::Unreadable);
        assert_eq!(after_line("- 'a''", 0), After::Unreadable);
        assert_eq!(after_line("key: {a: [1, 2]", 0), After::Unreadable);
        assert_eq!(after_line("key: [1, # c", 0), After::Unreadable);
        for ends_here in [
            "key: {a: '}'}",
            "key: \"a\\\"b\"",
            "key: a \"b",
            "plain text",
            "key:",
        ] {
            assert_eq!(after_line(ends_here, 0), After::Nothing, "{ends_here}");
        }
    }

    #[test]
    fn flow_collections_and_their_entries() {
        let text = "{a: 1, b: [2, 3], c: 'x,}'} # c";
        let (end, entries) = flow(text).unwrap();
        assert_eq!(&text[end..], "} # c");
        let entries: Vec<&str> = entries
            .iter()
            .map(|&(from, to)| text[from..to].trim())
            .collect();
        assert_eq!(entries, ["a: 1", "b: [2, 3]", "c: 'x,}'"]);
        assert_eq!(flow("[a, {b: c]"), None);
    }
}
