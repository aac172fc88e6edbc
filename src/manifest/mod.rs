//! Parsing a raw file: bytes in, documents out, each with a located node tree and the exact
//! text that will become its managed file. Pure: no I/O.
//!
//! Text rules (so that no line of a raw file is lost and no value changes): a document's
//! text runs from its own start to the next document's start; comment lines between two
//! documents go with the one that follows (hhfab's `# SwitchList` banners introduce what
//! comes after them); trailing comments at the end of the file stay with the last
//! document; a bare `---` before a document is dropped. Lines are copied byte for byte with
//! their own line breaks; only blank lines and markers after a document's last content are
//! dropped (blank lines that belong to a `|+` value are content), and a file that ends
//! without a line break gets one in the document's own style (unless its last line is only
//! spaces, which a block scalar may count as a line of its value). Lines are cut where YAML
//! cuts them: at `\r\n`, `\n` and a lone `\r`.

mod build;
mod fast;
mod lines;
mod named;
mod scalar;
mod syntax;
mod tags;
pub mod tree;

use crate::finding::Finding;
use lines::{line_break, line_col, split_lines};
pub use named::{Named, names_in, names_in_unparsable};
pub use tree::{Entry, Locator, Node, Pos, Value};

/// Public only for the fuzz target in `fuzz/`, which holds the fast YAML reader to
/// `saphyr-parser`'s events and spans: not part of the library's interface.
#[doc(hidden)]
pub use fast::compare_fast_reader;

/// One non-empty YAML document of a raw file.
#[derive(Debug)]
pub struct Document {
    /// 0-based index among the file's non-empty documents.
    pub index: usize,
    /// 1-based line of the document's first content (its root node), after any `---`.
    pub start_line: u32,
    /// The parsed, located tree.
    pub root: Node,
    /// The document's original text, destined for `managed/` byte for byte.
    pub text: String,
}

/// Parses a raw file into its non-empty documents.
///
/// Rejects what Kubernetes would reject or what cannot be moved without loss: NUL bytes,
/// invalid UTF-8, line breaks only YAML 1.1 knows, YAML syntax errors, duplicate keys,
/// alias bombs, absurd nesting, tags that change a value's meaning and `%` directives.
/// A UTF-8 byte-order mark is allowed (YAML permits it) and is not part of any document.
pub fn parse(bytes: &[u8]) -> Result<Vec<Document>, Finding> {
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let (line, col) = line_col(bytes, at);
        return Err(Finding::at(
            line,
            col,
            "file contains a NUL byte: it is binary, not YAML",
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, col) = line_col(bytes, e.valid_up_to());
            return Err(Finding::at(
                line,
                col,
                "file is not valid UTF-8: save it as UTF-8",
            ));
        }
    };
    if let Some((at, c)) = text
        .char_indices()
        .find(|(_, c)| YAML_1_1_BREAKS.contains(c))
    {
        let (line, col) = line_col(bytes, at);
        return Err(Finding::at(
            line,
            col,
            format!(
                "file contains U+{:04X}, a line break to kubectl (YAML 1.1) but not to YAML 1.2 tools: the two would read different documents; replace it with a plain line break or remove it",
                u32::from(c)
            ),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = split_lines(text);
    let raw = build::parse_stream(text, &lines)?;
    Ok(split(text, &lines, raw))
}

/// NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR: line breaks in YAML 1.1, which kubectl's
/// go-yaml follows, and ordinary characters in YAML 1.2, which the parser here follows.
const YAML_1_1_BREAKS: [char; 3] = ['\u{85}', '\u{2028}', '\u{2029}'];

/// How a line may be treated when documents are cut apart.
#[derive(PartialEq)]
enum LineKind {
    Blank,
    /// A comment starting in column 1: never part of a value of a mapping document.
    Comment,
    /// A bare `---` or `...`.
    Marker,
    Content,
}

fn classify(line: &str) -> LineKind {
    let trimmed = line.trim_end_matches(['\n', '\r']);
    if trimmed.trim().is_empty() {
        LineKind::Blank
    } else if trimmed.starts_with('#') {
        LineKind::Comment
    } else if matches!(trimmed.trim_end(), "---" | "...") {
        LineKind::Marker
    } else {
        LineKind::Content
    }
}

/// Cuts the lines of `text` into one text per non-empty document (see the module docs for
/// the rules).
fn split(text: &str, lines: &[&str], raw: Vec<tree::RawDocument>) -> Vec<Document> {
    let docs: Vec<(u32, u32, Node)> = raw
        .into_iter()
        .filter_map(|d| d.root.map(|root| (d.start_line, d.last_content_line, root)))
        .collect();
    let count = docs.len();
    // Document i owns the lines from its start to the next document's start; the first
    // document also owns everything before it.
    let starts: Vec<usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| if i == 0 { 1 } else { d.0 as usize })
        .collect();
    let offsets = line_offsets(lines);
    // Lines (0-based indices) carried from the previous document's tail to the next document.
    let mut carried: Vec<usize> = Vec::new();
    let mut documents = Vec::with_capacity(count);
    for (i, (_, last_content_line, root)) in docs.into_iter().enumerate() {
        let from = starts[i];
        let to = starts.get(i + 1).copied().unwrap_or(lines.len() + 1);
        let region_start = (from - 1).min(lines.len());
        let region = &lines[region_start..(to - 1).min(lines.len())];
        // The tail: blank, column-1 comment and bare marker lines after the last content.
        let mut tail_start = region.len();
        while tail_start > 0 {
            let line_no = from + tail_start - 1;
            if line_no as u32 <= last_content_line
                || classify(region[tail_start - 1]) == LineKind::Content
            {
                break;
            }
            tail_start -= 1;
        }
        let own = region_start..region_start + tail_start;
        let tail = own.end..region_start + region.len();
        let mut own_lines = own.peekable();
        let mut body: Vec<usize> = std::mem::take(&mut carried);
        // Before the first content line, only comments and blank lines are kept.
        while let Some(line) = own_lines.next_if(|&l| classify(lines[l]) != LineKind::Content) {
            body.push(line);
        }
        body.retain(|&l| classify(lines[l]) != LineKind::Marker);
        let first_kept = body
            .iter()
            .position(|&l| classify(lines[l]) != LineKind::Blank)
            .unwrap_or(body.len());
        body.drain(..first_kept);
        body.extend(own_lines);
        if i + 1 == count {
            // Trailing comments stay with the last document; blank lines and markers after
            // them (an empty last document) carry nothing.
            let kept = tail
                .clone()
                .rposition(|l| classify(lines[l]) == LineKind::Comment)
                .map_or(0, |p| p + 1);
            body.extend(tail.take(kept));
        } else {
            carried = tail
                .skip_while(|&l| classify(lines[l]) == LineKind::Blank)
                .collect();
        }
        let mut text = concat_lines(text, &offsets, &body);
        let last_line = body.last().map_or("", |&l| lines[l]);
        if line_break(last_line).is_empty() && classify(last_line) != LineKind::Blank {
            // Only the file's last line lacks a break: end it the way the document's other
            // lines end. A last line of spaces is left alone: it may be inside a block
            // scalar, where a break would add a line to the value.
            let nearest = lines[..(to - 1).min(lines.len())]
                .iter()
                .rev()
                .map(|l| line_break(l))
                .find(|b| !b.is_empty())
                .unwrap_or("\n");
            text.push_str(nearest);
        }
        documents.push(Document {
            index: i,
            start_line: root.pos.line,
            root,
            text,
        });
    }
    documents
}

/// Where each of `lines` starts in the text they were split from, and (last) where the text
/// ends.
fn line_offsets(lines: &[&str]) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(lines.len() + 1);
    let mut at = 0;
    offsets.push(at);
    for line in lines {
        at += line.len();
        offsets.push(at);
    }
    offsets
}

/// The lines `body` (ascending indices) of `text`, whose lines start at `offsets`, as one
/// string. Each run of consecutive lines is one slice of `text`, copied at once: a document
/// is mostly one run, where copying it line by line took a copy per line. The capacity
/// leaves room for a line break to end the last line.
fn concat_lines(text: &str, offsets: &[usize], body: &[usize]) -> String {
    let len: usize = body.iter().map(|&l| offsets[l + 1] - offsets[l]).sum();
    let mut out = String::with_capacity(len + 2);
    let mut rest = body;
    while let Some(&first) = rest.first() {
        let run = rest
            .iter()
            .enumerate()
            .take_while(|&(k, &l)| l == first + k)
            .count();
        out.push_str(&text[offsets[first]..offsets[first + run]]);
        rest = &rest[run..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<String> {
        parse(input.as_bytes())
            .unwrap()
            .into_iter()
            .map(|d| d.text)
            .collect()
    }

    #[test]
    fn banners_go_with_the_next_document() {
        let input = "---\na: 1\n#\n# SwitchList\n#\n---\nb: 2\n# end\n";
        assert_eq!(
            texts(input),
            ["a: 1\n", "#\n# SwitchList\n#\nb: 2\n# end\n"]
        );
    }

    #[test]
    fn leading_comments_stay_and_one_newline_ends_each_text() {
        let input = "# header\n\n---\na: 1\n\n\n---\n\nb: 2";
        assert_eq!(texts(input), ["# header\n\na: 1\n", "b: 2\n"]);
    }

    #[test]
    fn comments_inside_a_document_stay_put() {
        let input = "a: 1 # inline\n# between keys\nb:\n  # indented\n  c: 2\n";
        assert_eq!(texts(input), [input]);
    }

    #[test]
    fn empty_documents_are_skipped_and_their_comments_kept() {
        let input = "a: 1\n---\n# nothing here\n---\nb: 2\n---\n";
        assert_eq!(texts(input), ["a: 1\n", "# nothing here\nb: 2\n"]);
    }

    #[test]
    fn block_scalars_keep_comment_like_lines() {
        let input = "a: |\n  # not a comment\n  x\n---\nb: 1\n";
        assert_eq!(texts(input), ["a: |\n  # not a comment\n  x\n", "b: 1\n"]);
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let input = "\u{feff}a: 1\r\n---\r\nb: 2\r\n";
        assert_eq!(texts(input), ["a: 1\r\n", "b: 2\r\n"]);
    }

    #[test]
    fn no_line_is_lost() {
        let input = "# top\n---\na: 1\n# mid\n\n---\n# lead\nb: 2\n# tail\n";
        let joined = texts(input).concat();
        for line in input.lines().filter(|l| *l != "---" && !l.is_empty()) {
            assert!(joined.contains(line), "lost {line:?}");
        }
    }

    #[test]
    fn comment_only_and_empty_files_have_no_documents() {
        assert!(parse(b"# just a comment\n").unwrap().is_empty());
        assert!(parse(b"").unwrap().is_empty());
        assert!(parse(b"---\n---\n").unwrap().is_empty());
    }

    #[test]
    fn keep_chomped_trailing_lines_belong_to_the_value() {
        let input = "keep: |+\n  text\n\n\n";
        assert_eq!(texts(input), [input]);
        let input = "keep: >+\n  text\n\n---\nb: 1\n";
        assert_eq!(texts(input), ["keep: >+\n  text\n\n", "b: 1\n"]);
    }

    #[test]
    fn trailing_spaces_of_a_value_are_kept() {
        let input = "a: |\n  x  \n  y\t \n";
        assert_eq!(texts(input), [input]);
        assert_eq!(texts("a: 1\nb: |\n  x  "), ["a: 1\nb: |\n  x  \n"]);
    }

    #[test]
    fn each_document_keeps_its_own_line_breaks() {
        let input = "a: 1\r\nb: 2\r\n---\nc: 3\nd: 4\n";
        assert_eq!(texts(input), ["a: 1\r\nb: 2\r\n", "c: 3\nd: 4\n"]);
        // A missing break at the end of the file is added in the document's style.
        assert_eq!(
            texts("a: 1\r\n---\nc: 3\nd: 4"),
            ["a: 1\r\n", "c: 3\nd: 4\n"]
        );
    }

    #[test]
    fn lone_carriage_returns_split_documents_as_yaml_does() {
        let input = "# c\rkind: a\r---\rkind: b\r";
        assert_eq!(texts(input), ["# c\rkind: a\r", "kind: b\r"]);
        let documents = parse(input.as_bytes()).unwrap();
        assert_eq!(documents[1].start_line, 4);
    }

    #[test]
    fn line_breaks_only_kubectl_sees_are_rejected_at_their_place() {
        for (c, code) in [
            ('\u{85}', "0085"),
            ('\u{2028}', "2028"),
            ('\u{2029}', "2029"),
        ] {
            let input = format!("a: 1\rb: x{c}c: 2\n");
            let err = parse(input.as_bytes()).unwrap_err();
            assert_eq!((err.line, err.col), (2, 5), "{code}");
            assert_eq!(
                err.message,
                format!(
                    "file contains U+{code}, a line break to kubectl (YAML 1.1) but not to YAML 1.2 tools: the two would read different documents; replace it with a plain line break or remove it"
                )
            );
        }
    }

    #[test]
    fn directives_are_rejected_at_their_line() {
        let input = "%YAML 1.1\n---\na: 1\n...\n%TAG !e! tag:x:\n---\nb: !e!x {}\n";
        let err = parse(input.as_bytes()).unwrap_err();
        assert_eq!((err.line, err.col), (1, 1));
        assert_eq!(
            err.message,
            "YAML directive `%YAML 1.1` is not supported (each managed file holds one document, and Kubernetes tooling does not use directives): remove the `%YAML` directive"
        );
        let err = parse(&input.as_bytes()[10..]).unwrap_err();
        assert_eq!((err.line, err.col), (4, 1));
        assert!(
            err.message.ends_with("remove the `%TAG` directive"),
            "{}",
            err.message
        );
    }

    #[test]
    fn binary_and_invalid_utf8_are_rejected_with_a_place() {
        let err = parse(b"a: 1\nb: \x00\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 4));
        assert!(err.message.contains("NUL"));
        let err = parse(b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 4));
        assert!(err.message.contains("UTF-8"));
    }
}
