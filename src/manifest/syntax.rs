//! YAML syntax errors in the words a person uses. The parser reports what its grammar
//! expected where it stopped (`mapping values are not allowed in this context`); a person
//! needs the line to change and how: a tab used for indentation, a key indented unlike the
//! keys around it, a quote that is never closed. Each explanation keeps the parser's own
//! words at the end, for anyone who knows them.

use crate::finding::Finding;

/// The finding for the parser error `info` at 1-based `line`:`col`, in a text cut into
/// `lines`.
pub fn explain(info: &str, line: u32, col: u32, lines: &[&str]) -> Finding {
    let text = |n: u32| -> &str {
        n.checked_sub(1)
            .and_then(|i| lines.get(i as usize))
            .copied()
            .unwrap_or_default()
    };
    let parser_says = format!("(YAML parser: {info})");
    if let Some((tab_line, tab_col)) = indentation_tab(lines, line) {
        return Finding::at(
            tab_line,
            tab_col,
            format!(
                "line {tab_line} is indented with a tab: YAML indents with spaces only; replace the tab with spaces {parser_says}"
            ),
        );
    }
    if info.contains("quoted scalar") {
        // The parser points at the opening quote (or at the end of the file).
        if let Some((quote_line, quote)) = opening_quote(lines, line, col) {
            return Finding::at(
                quote_line,
                col,
                format!(
                    "the {quote} opened on line {quote_line} is never closed: add the closing {quote} on that line, or remove the opening one {parser_says}"
                ),
            );
        }
    }
    let here = text(line);
    if !here.trim().is_empty()
        && (info.contains("did not find expected key")
            || info.contains("mapping values are not allowed")
            || info.contains("did not find expected '-'"))
        && let Some(above) = previous_content_line(lines, line)
    {
        let indent = indentation(here);
        let above_indent = indentation(text(above));
        let key = key_of(here);
        let above_key = key_of(text(above));
        if indent != above_indent {
            let what = match key {
                Some(key) => format!("`{key}:` on line {line}"),
                None => format!("line {line}"),
            };
            let other = match above_key {
                Some(key) => format!("`{key}:` on line {above}"),
                None => format!("line {above}"),
            };
            let more_or_less = if indent > above_indent {
                "more"
            } else {
                "less"
            };
            return Finding::at(
                line,
                1,
                format!(
                    "{what} is indented {indent} {}, {more_or_less} than {other} ({above_indent}): keys of one mapping line up, and a key indented deeper needs its parent to end with `:` and no value {parser_says}",
                    plural(indent)
                ),
            );
        }
    }
    Finding::at(line, col, format!("YAML syntax error: {info}"))
}

/// The first tab in the leading whitespace of a line up to `line`, scanning back from it:
/// the parser often stops a line after the tab.
fn indentation_tab(lines: &[&str], line: u32) -> Option<(u32, u32)> {
    let last = (line as usize).min(lines.len());
    let first = last.saturating_sub(2);
    (first..last).find_map(|i| {
        let text = lines[i];
        let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
        text[..lead]
            .find('\t')
            .map(|at| (i as u32 + 1, at as u32 + 1))
    })
}

/// The line and quote character of a quoted scalar that starts at `line`:`col` and is not
/// closed on that line.
fn opening_quote(lines: &[&str], line: u32, col: u32) -> Option<(u32, char)> {
    let text = lines.get(line.checked_sub(1)? as usize)?;
    let quote = text.chars().nth(col.checked_sub(1)? as usize)?;
    matches!(quote, '"' | '\'').then_some((line, quote))
}

/// The nearest line before `line` that holds something other than blanks and comments.
fn previous_content_line(lines: &[&str], line: u32) -> Option<u32> {
    (1..line).rev().find(|n| {
        let text = lines[*n as usize - 1].trim();
        !text.is_empty() && !text.starts_with('#') && text != "---"
    })
}

/// How many spaces start `text` (a `- ` list marker counts as indentation).
fn indentation(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '-']).len()
}

/// The key a `key: value` (or `key:`) line starts with, if it is one.
fn key_of(text: &str) -> Option<&str> {
    let trimmed = text.trim_start_matches([' ', '-']);
    let (key, _) = trimmed.split_once(':')?;
    (!key.is_empty() && !key.contains(char::is_whitespace) && !key.starts_with(['"', '\'', '#']))
        .then_some(key)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "space" } else { "spaces" }
}

#[cfg(test)]
mod tests {
    use crate::manifest::parse;

    fn message(text: &str) -> String {
        let finding = parse(text.as_bytes()).unwrap_err();
        format!("{}:{}: {}", finding.line, finding.col, finding.message)
    }

    #[test]
    fn a_tab_used_for_indentation_is_named_at_the_tab() {
        assert_eq!(
            message("apiVersion: v1\nkind: VPC\nmetadata:\n\tname: x\n"),
            "4:1: line 4 is indented with a tab: YAML indents with spaces only; replace the tab with spaces (YAML parser: tabs disallowed within this context (block indentation))"
        );
    }

    #[test]
    fn a_key_indented_more_than_the_one_above_says_both_indentations() {
        assert_eq!(
            message("apiVersion: v1\nkind: VPC\nmetadata:\n  name: x\n   labels: {}\n"),
            "5:1: `labels:` on line 5 is indented 3 spaces, more than `name:` on line 4 (2): keys of one mapping line up, and a key indented deeper needs its parent to end with `:` and no value (YAML parser: mapping values are not allowed in this context)"
        );
    }

    #[test]
    fn a_key_indented_less_than_the_one_above_says_both_indentations() {
        assert_eq!(
            message("apiVersion: v1\nkind: VPC\nmetadata:\n  name: x\n labels: {}\n"),
            "5:1: `labels:` on line 5 is indented 1 space, less than `name:` on line 4 (2): keys of one mapping line up, and a key indented deeper needs its parent to end with `:` and no value (YAML parser: while parsing a block mapping, did not find expected key)"
        );
    }

    #[test]
    fn an_unclosed_quote_points_at_where_it_opens() {
        assert_eq!(
            message("apiVersion: v1\nkind: \"VPC\nmetadata:\n  name: x\n"),
            "2:7: the \" opened on line 2 is never closed: add the closing \" on that line, or remove the opening one (YAML parser: invalid indentation in quoted scalar)"
        );
        assert!(message("kind: 'VPC\n").starts_with("1:7: the ' opened on line 1 is never closed"));
    }

    #[test]
    fn other_errors_keep_the_parsers_words() {
        assert!(message("a: [1, 2\n").contains("YAML syntax error: "));
    }
}
