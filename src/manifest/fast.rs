//! A fast reader for the plain block YAML that Kubernetes manifests are nearly always
//! written in: block mappings and sequences, one-line plain and simple quoted scalars,
//! empty `[]` and `{}`, comments and `---` between documents. For such a text it produces
//! exactly the events and spans `saphyr-parser` produces; for any other text it returns
//! `None` and the caller lets `saphyr-parser` read it, so errors, anchors, tags, block
//! scalars, flow collections, multi-line scalars, tabs and non-ASCII text always take the
//! general path. Each place that declines says what and why, on a line of its own starting
//! "Declined:". [`compare_fast_reader`] states the rule; the tests below hold the reader to
//! it on every YAML file of the test suite and on thousands of mutations of them, and the
//! fuzz target in `fuzz/` on whatever libFuzzer makes of them.
//!
//! Why: the general scanner looks at every character through a token queue and was the
//! largest single cost of a run; this reader looks at each line once.

use std::borrow::Cow;
use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span};

use super::lines::split_lines;
use crate::limits::MAX_NESTING_DEPTH;

/// The longest key taken here; `saphyr-parser` limits implicit keys to 1024 characters.
const MAX_KEY_LEN: usize = 1000;

/// Which event a [`Recorded`] is.
#[derive(Clone, Copy, Debug)]
enum Kind {
    StreamStart,
    StreamEnd,
    /// `true` for an explicit `---`.
    DocumentStart(bool),
    DocumentEnd,
    MappingStart,
    MappingEnd,
    SequenceStart,
    SequenceEnd,
    Scalar(ScalarStyle),
}

/// One event of the fast reader. It borrows nothing, so that one buffer can serve every
/// file a thread reads: a fresh `Vec` of `saphyr_parser` events for each file doubled the
/// memory the allocator committed.
#[derive(Debug)]
pub struct Recorded {
    kind: Kind,
    /// A scalar's value, as a byte range of the text.
    value: Range<usize>,
    span: Span,
}

impl Recorded {
    /// The event as `saphyr_parser::Parser::next_event` gives it, for the `text` read.
    pub fn event<'a>(&self, text: &'a str) -> (Event<'a>, Span) {
        let event = match self.kind {
            Kind::StreamStart => Event::StreamStart,
            Kind::StreamEnd => Event::StreamEnd,
            Kind::DocumentStart(explicit) => Event::DocumentStart(explicit),
            Kind::DocumentEnd => Event::DocumentEnd,
            Kind::MappingStart => Event::MappingStart(0, None),
            Kind::MappingEnd => Event::MappingEnd,
            Kind::SequenceStart => Event::SequenceStart(0, None),
            Kind::SequenceEnd => Event::SequenceEnd,
            Kind::Scalar(style) => {
                Event::Scalar(Cow::Borrowed(&text[self.value.clone()]), style, 0, None)
            }
        };
        (event, self.span)
    }
}

/// Reads `text` (cut into `lines` by `lines::split_lines`) into `out`, replacing what it
/// held; `None` when the text uses YAML beyond what this reader takes (`out` then holds
/// nothing of use).
pub fn read(text: &str, lines: &[&str], out: &mut Vec<Recorded>) -> Option<()> {
    out.clear();
    // Declined: a text without a final line break, whose end the general parser places by
    // how its last token ended (rare enough to leave to it).
    if !text.ends_with('\n') || !plain_ascii(text.as_bytes()) {
        return None;
    }
    Reader {
        text,
        lines,
        out,
        eof: Marker::new(text.len(), lines.len() + 1, 0),
    }
    .stream()
}

/// Reads `text` with this reader and with `saphyr-parser` and holds the first to the rule it
/// exists under: `Ok(true)` when it took the text and gave exactly the general parser's
/// events and spans, `Ok(false)` when it declined, and `Err` saying where the two part (or
/// that it took a text the general parser rejects). The one statement of that rule, for
/// the unit tests below and the fuzz target `fuzz/fuzz_targets/yaml_readers.rs`.
pub fn compare_fast_reader(text: &str) -> Result<bool, String> {
    let lines = split_lines(text);
    let mut recorded = Vec::new();
    if read(text, &lines, &mut recorded).is_none() {
        return Ok(false);
    }
    let fast: Vec<(Event<'_>, Span)> = recorded.iter().map(|r| r.event(text)).collect();
    let mut general = Vec::with_capacity(fast.len());
    for event in Parser::new_from_str(text) {
        general.push(event.map_err(|error| {
            format!("the fast reader took a text the general parser rejects ({error}):\n{text:?}")
        })?);
    }
    if fast == general {
        return Ok(true);
    }
    let at = fast
        .iter()
        .zip(&general)
        .position(|(a, b)| a != b)
        .unwrap_or(fast.len().min(general.len()));
    Err(format!(
        "events differ at {at} for:\n{text:?}\nfast:    {:?}\ngeneral: {:?}",
        fast.get(at),
        general.get(at)
    ))
}

/// Whether `bytes` is ASCII without the characters declined here. Branch-free over chunks
/// so that it vectorises.
fn plain_ascii(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|chunk| {
        !chunk.iter().fold(false, |odd, &b| {
            odd
                // Declined: non-ASCII, whose columns count characters, not bytes.
                | (b >= 0x80)
                // Declined: tabs, which YAML allows as separators in some places only.
                | (b == b'\t')
                // Declined: carriage returns, line breaks alone or before `\n`.
                | (b == b'\r')
                // Declined: NUL, where the general parser stops its input with an error
                // (`parse` refuses NUL before either reader; the fuzzer found it here).
                | (b == 0)
        })
    })
}

/// The next thing after a node: the end of the text, a `---` line, or a line of content
/// (its index and indentation).
#[derive(Clone, Copy)]
enum Next {
    End,
    DocumentMarker(usize),
    Content(usize, usize),
}

/// Reads one text, a line at a time, into `out`.
struct Reader<'a, 'o> {
    text: &'a str,
    lines: &'a [&'a str],
    out: &'o mut Vec<Recorded>,
    /// Where `saphyr-parser` puts the end of the stream: the line after the last one.
    eof: Marker,
}

impl<'a> Reader<'a, '_> {
    fn push(&mut self, kind: Kind, span: Span) {
        self.out.push(Recorded {
            kind,
            value: 0..0,
            span,
        });
    }

    fn scalar(&mut self, value: Range<usize>, style: ScalarStyle, span: Span) {
        self.out.push(Recorded {
            kind: Kind::Scalar(style),
            value,
            span,
        });
    }

    /// The byte range of columns `from..to` of line `index` in the text.
    fn range(&self, index: usize, from: usize, to: usize) -> Range<usize> {
        let start = self.lines[index].as_ptr() as usize - self.text.as_ptr() as usize;
        start + from..start + to
    }

    /// Line `index` without its line break.
    fn body(&self, index: usize) -> &'a str {
        let line = self.lines[index];
        line.strip_suffix('\n').unwrap_or(line)
    }

    fn marker(&self, index: usize, col: usize) -> Marker {
        Marker::new(self.range(index, col, col).start, index + 1, col)
    }

    fn span(&self, index: usize, from: usize, to: usize) -> Span {
        Span::new(self.marker(index, from), self.marker(index, to))
    }

    /// The empty span at the start of the token `next` begins with: where the general parser
    /// ends block collections.
    fn token_start(&self, next: Next) -> Span {
        let span = self.token_span(next);
        Span::empty(span.start)
    }

    /// The span of the token `next` starts with (`---` is three characters wide).
    fn token_span(&self, next: Next) -> Span {
        match next {
            Next::End => Span::empty(self.eof),
            Next::DocumentMarker(index) => self.span(index, 0, 3),
            Next::Content(index, indent) => Span::empty(self.marker(index, indent)),
        }
    }

    /// The first line from `from` on that is neither blank nor a comment; `None` for a line
    /// this reader does not take (`...`, `--- value`, a directive).
    fn next_significant(&self, from: usize) -> Option<Next> {
        for index in from..self.lines.len() {
            let body = self.body(index);
            if body.starts_with("---") || body.starts_with("...") || body.starts_with('%') {
                // Declined: `...`, `--- value` and directives, which end or open documents
                // by rules of their own (and `---x`, a plain scalar this check cannot tell).
                return (body == "---").then_some(Next::DocumentMarker(index));
            }
            let indent = body.len() - body.trim_start_matches(' ').len();
            match body.as_bytes().get(indent) {
                None | Some(b'#') => {}
                Some(_) => return Some(Next::Content(index, indent)),
            }
        }
        Some(Next::End)
    }

    /// The whole stream: documents, each a block mapping or empty, between `---` lines.
    fn stream(&mut self) -> Option<()> {
        self.push(Kind::StreamStart, Span::empty(Marker::new(0, 1, 0)));
        let mut next = self.next_significant(0)?;
        if matches!(next, Next::End) {
            // Declined: a text of only blank lines and comments (no document at all).
            return None;
        }
        loop {
            next = match next {
                Next::End => break,
                Next::DocumentMarker(index) => {
                    self.push(Kind::DocumentStart(true), self.token_span(next));
                    match self.next_significant(index + 1)? {
                        Next::Content(line, indent) => self.mapping(line, indent, 1)?,
                        empty => {
                            self.scalar(0..0, ScalarStyle::Plain, self.token_span(empty));
                            empty
                        }
                    }
                }
                Next::Content(line, indent) => {
                    self.push(Kind::DocumentStart(false), self.token_span(next));
                    self.mapping(line, indent, 1)?
                }
            };
            if matches!(next, Next::Content(..)) {
                // Declined: content after a document's root at a lesser indentation, an
                // error or a top-level sequence; the general parser words the error.
                return None;
            }
            self.push(Kind::DocumentEnd, self.token_span(next));
        }
        self.push(Kind::StreamEnd, Span::empty(self.eof));
        Some(())
    }

    /// A block mapping whose first key starts at column `indent` of line `line` (later keys
    /// start their own lines at that column). Returns what follows it.
    fn mapping(&mut self, mut line: usize, indent: usize, depth: usize) -> Option<Next> {
        if depth > MAX_NESTING_DEPTH {
            // Declined: nesting past the limit, which the general path reports as an error.
            return None;
        }
        self.push(Kind::MappingStart, Span::empty(self.marker(line, indent)));
        loop {
            let body = self.body(line);
            // Declined (in `key_end`): any key but a plain one of the characters
            // Kubernetes keys use, ended by `: ` or `:` at the end of the line.
            let colon = key_end(body, indent)?;
            self.scalar(
                self.range(line, indent, colon),
                ScalarStyle::Plain,
                self.span(line, indent, colon),
            );
            let value = skip_spaces(body, colon + 1);
            let next = if ends_line(body, value) {
                let next = self.next_significant(line + 1)?;
                match next {
                    Next::Content(below, col) if col > indent => {
                        self.block(below, col, depth + 1)?
                    }
                    Next::Content(below, col)
                        if col == indent && is_item(self.body(below), col) =>
                    {
                        self.sequence(below, col, true, depth + 1)?
                    }
                    _ => {
                        self.scalar(0..0, ScalarStyle::Plain, self.span(line, colon, colon));
                        next
                    }
                }
            } else {
                self.inline(line, value)?;
                self.after_inline(line, indent)?
            };
            match next {
                Next::Content(below, col) if col == indent => line = below,
                // Declined: a line indented deeper after a complete entry, an error.
                Next::Content(_, col) if col > indent => return None,
                _ => {
                    self.push(Kind::MappingEnd, self.token_start(next));
                    return Some(next);
                }
            }
        }
    }

    /// The block node that starts at column `indent` of line `line`, on a line of its own
    /// below its key or `-`: a sequence when it is an item, else a mapping.
    fn block(&mut self, line: usize, indent: usize, depth: usize) -> Option<Next> {
        if is_item(self.body(line), indent) {
            self.sequence(line, indent, false, depth)
        } else {
            self.mapping(line, indent, depth)
        }
    }

    /// A block sequence whose first `-` is at column `indent` of line `line` (later items
    /// start their own lines at that column); `indentless` when it is written at its parent
    /// key's column. Returns what follows it.
    fn sequence(
        &mut self,
        mut line: usize,
        indent: usize,
        indentless: bool,
        depth: usize,
    ) -> Option<Next> {
        if depth > MAX_NESTING_DEPTH {
            // Declined: nesting past the limit, which the general path reports as an error.
            return None;
        }
        // `saphyr-parser` starts an indentless sequence after its first `-` and the spaces
        // that follow it.
        let start = if indentless {
            let body = self.body(line);
            let content = skip_spaces(body, indent + 1);
            if body.as_bytes().get(content) == Some(&b'#') {
                // Declined: a comment after an indentless sequence's first `-`, which moves
                // where the general parser starts the sequence.
                return None;
            }
            Span::empty(self.marker(line, content))
        } else {
            Span::empty(self.marker(line, indent))
        };
        self.push(Kind::SequenceStart, start);
        loop {
            let body = self.body(line);
            let content = skip_spaces(body, indent + 1);
            let next = if ends_line(body, content) {
                match self.next_significant(line + 1)? {
                    Next::Content(below, col) if col > indent => {
                        self.block(below, col, depth + 1)?
                    }
                    // Declined: an empty item (`-` alone, nothing deeper below), whose null
                    // the general parser places by rules not reproduced here.
                    _ => return None,
                }
            } else if is_item(body, content) {
                // `- - x`: a sequence in a sequence, its first item on this line.
                self.sequence(line, content, false, depth + 1)?
            } else if key_end(body, content).is_some() {
                self.mapping(line, content, depth + 1)?
            } else {
                self.inline(line, content)?;
                self.after_inline(line, indent)?
            };
            match next {
                Next::Content(below, col) if col == indent && is_item(self.body(below), col) => {
                    line = below;
                }
                Next::Content(_, col) if col > indent || (col == indent && !indentless) => {
                    // Declined: a line after an item that is neither the next item nor less
                    // indented (an error, or a key beside an indented sequence).
                    return None;
                }
                _ => {
                    self.push(Kind::SequenceEnd, self.token_start(next));
                    return Some(next);
                }
            }
        }
    }

    /// A value written on the line of its key or `-`, from column `col`: a one-line plain
    /// or quoted scalar, `[]` or `{}`, optionally followed by a comment.
    fn inline(&mut self, line: usize, col: usize) -> Option<()> {
        let body = self.body(line);
        let bytes = body.as_bytes();
        // The general parser ends the span of a quoted scalar or a closing bracket where it
        // stopped looking for the next token: the end of the line.
        let line_end = self.span(line, col, body.len());
        let end = match bytes[col] {
            quote @ (b'"' | b'\'') => {
                // Declined: a quoted scalar not closed on its line (multi-line, or an error).
                let close = col + 1 + body[col + 1..].find(char::from(quote))?;
                let (escaped, style) = if quote == b'"' {
                    let escaped = body[col + 1..close].contains('\\');
                    (escaped, ScalarStyle::DoubleQuoted)
                } else {
                    (
                        bytes.get(close + 1) == Some(&b'\''),
                        ScalarStyle::SingleQuoted,
                    )
                };
                if escaped {
                    // Declined: an escape (`\` in double quotes, `''` in single quotes),
                    // which makes the value differ from the text.
                    return None;
                }
                self.scalar(self.range(line, col + 1, close), style, line_end);
                close + 1
            }
            open @ (b'[' | b'{') => {
                let (start, end, close) = if open == b'[' {
                    (Kind::SequenceStart, Kind::SequenceEnd, b']')
                } else {
                    (Kind::MappingStart, Kind::MappingEnd, b'}')
                };
                if bytes.get(col + 1) != Some(&close) {
                    // Declined: a flow collection with content, read by the general parser.
                    return None;
                }
                self.push(start, self.span(line, col, col + 1));
                self.push(end, self.span(line, col + 1, body.len()));
                col + 2
            }
            _ => {
                // Declined (in `plain_end`): anchors, aliases, tags, block scalars and any
                // other value an indicator starts, and a `: ` inside a value.
                let end = plain_end(bytes, col)?;
                self.scalar(
                    self.range(line, col, end),
                    ScalarStyle::Plain,
                    self.span(line, col, end),
                );
                end
            }
        };
        let rest = skip_spaces(body, end);
        // Declined: anything after a quoted scalar or `[]`/`{}` on its line but a comment
        // set off by a space (an error, or a key written after a quoted scalar).
        (rest == bytes.len() || (bytes[rest] == b'#' && rest > end)).then_some(())
    }

    /// What follows a value written on line `line` of a node indented by `indent`. Any
    /// later line indented deeper, comments included, would continue a multi-line scalar
    /// (or be an error): the general parser reads those.
    fn after_inline(&self, line: usize, indent: usize) -> Option<Next> {
        for index in line + 1..self.lines.len() {
            let body = self.body(index);
            let text = body.trim_start_matches(' ');
            if text.is_empty() {
                continue;
            }
            if body.len() - text.len() > indent {
                // Declined: a deeper line after a one-line value (a multi-line scalar's
                // continuation, or an error).
                return None;
            }
            return self.next_significant(index);
        }
        Some(Next::End)
    }
}

fn skip_spaces(body: &str, from: usize) -> usize {
    from + body.as_bytes()[from..]
        .iter()
        .take_while(|&&b| b == b' ')
        .count()
}

/// Whether nothing but an optional comment follows column `col` (already past spaces).
fn ends_line(body: &str, col: usize) -> bool {
    matches!(body.as_bytes().get(col), None | Some(b'#'))
}

/// Whether column `col` holds a block sequence item's `-`.
fn is_item(body: &str, col: usize) -> bool {
    let bytes = body.as_bytes();
    bytes.get(col) == Some(&b'-') && matches!(bytes.get(col + 1), None | Some(b' '))
}

/// The column of the `:` ending a key that starts at `col`, when the line holds
/// `key: ...` with a key of the characters Kubernetes keys use.
fn key_end(body: &str, col: usize) -> Option<usize> {
    let bytes = body.as_bytes();
    if !bytes.get(col)?.is_ascii_alphanumeric() && !matches!(bytes[col], b'_' | b'/') {
        // Declined: a key that starts with an indicator or quote (`?`, `"`, `&`, `-`, ...).
        return None;
    }
    let mut at = col;
    while at < bytes.len() {
        match bytes[at] {
            b':' if matches!(bytes.get(at + 1), None | Some(b' ')) => {
                // Declined: a key longer than the general parser's limit for implicit keys.
                return (at - col <= MAX_KEY_LEN).then_some(at);
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-' | b':') => {
                at += 1;
            }
            // Declined: a key with a space or other character Kubernetes keys do not use.
            _ => return None,
        }
    }
    // Declined: a line with no `: ` (a multi-line key or value, or an error).
    None
}

/// The end of a plain scalar value starting at `col`, before trailing spaces and any
/// comment; `None` when it would not be a one-line plain scalar (an indicator first, or a
/// `: ` inside, which is an error in this position).
fn plain_end(bytes: &[u8], col: usize) -> Option<usize> {
    let first = bytes[col];
    let dash_scalar = first == b'-' && !matches!(bytes.get(col + 1), None | Some(b' '));
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) && !dash_scalar {
        // Declined: a value an indicator starts (anchor, alias, tag, block scalar, flow
        // collection, explicit key, reserved character).
        return None;
    }
    let mut end = col;
    let mut at = col;
    while at < bytes.len() {
        match bytes[at] {
            // Declined: `: ` inside a value, an error in this position.
            b':' if matches!(bytes.get(at + 1), None | Some(b' ')) => return None,
            b'#' if bytes[at - 1] == b' ' => break,
            b' ' => {}
            _ => end = at + 1,
        }
        at += 1;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that the fast reader either declines `text` or agrees with the general parser
    /// on every event and span; returns whether it took the text.
    fn agrees(text: &str) -> bool {
        compare_fast_reader(text).unwrap_or_else(|divergence| panic!("{divergence}"))
    }

    /// Every YAML file under `tests/`.
    fn suite_files() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                    // Files that are not UTF-8 are there to test that error.
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    out.push(text);
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
            &mut out,
        );
        out
    }

    #[test]
    fn agrees_with_the_general_parser_on_the_test_suites_yaml() {
        let files = suite_files();
        let taken = files.iter().filter(|text| agrees(text)).count();
        // Most manifests are plain block YAML: if the fast reader stops taking them, the
        // speed it exists for is gone.
        assert!(
            taken * 2 > files.len(),
            "took {taken} of {} files",
            files.len()
        );
    }

    #[test]
    fn takes_the_shapes_manifests_use_and_agrees() {
        let taken = [
            "a: 1\n",
            "# c\na:\n  b: \"q\"\n  c: 'q'\n",
            "a:\n- x\n- y: 1\n  z:\n-\n  k: v\nb: []\nc:   # c\nd: -1\n",
            "a:\n  - x\n  - y: 1\n    z:\n  -\n    k: v\n",
            "a:\n  - - x\n    - y\n  - - z\n",
            "a:\n- - x\n  - y\n- - - z\n    -\n      k: v\n",
            "---\na: 1\n---\n",
            "---\n---\na: 1\n# end\n\n",
            "a: 1\n---\nb: 2\n",
            "a: {}\nb: [] # c\n",
            "a: 'x'  \nb: \"y\" #\nc: [] \n",
            "a: x y  # c\nb: http://h:80/p\nc: a#b\n",
            "a:\n  b:\n    c:\n    - 1\n    - 2\n  d: e\n",
            "  a: 1\n  b: 2\n",
            "a:\n# c\n  b: 1\n",
            "a:\n-\n  - x\n",
            "apiVersion: v1\nkind: VPC\nmetadata:\n  name: x\n",
        ];
        for text in taken {
            assert!(agrees(text), "not taken:\n{text}");
        }
    }

    #[test]
    fn leaves_everything_else_to_the_general_parser() {
        let declined = [
            "a: 1\nb: x",
            "a: 1\n ",
            "a: |\n  x\n",
            "a: b\n  c\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: [1, 2]\n",
            "a: \"x\\ny\"\n",
            "a: 'it''s'\n",
            "\"a\": 1\n",
            "a:\tb\n",
            "a: 1\r\n",
            "a: \u{e9}\n",
            "- a\n",
            "a: 1\n...\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: b: c\n",
            "a:\n  - x\n  b: 1\n",
            "# only\n",
            "",
        ];
        for text in declined {
            assert_eq!(compare_fast_reader(text), Ok(false), "taken:\n{text}");
        }
    }

    /// The smallest form of each divergence the fuzz target (`fuzz/`) found, with whether
    /// the fast reader now takes it: each must stay declined or agreeing.
    const FUZZ_FINDINGS: [(&str, bool); 1] = [
        // NUL: the general parser stops there with an error; the fast reader took it.
        ("a: b\0\n", false),
    ];

    #[test]
    fn holds_to_the_general_parser_on_what_the_fuzzer_found() {
        for (text, taken) in FUZZ_FINDINGS {
            assert_eq!(compare_fast_reader(text), Ok(taken), "{text:?}");
        }
    }

    /// A small deterministic generator (xorshift), so the mutations are the same each run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % (1 << 31)).unwrap()
        }
        fn below(&mut self, n: usize) -> usize {
            self.next() % n
        }
    }

    /// Texts that change YAML's reading of a line when dropped into it.
    const SNIPPETS: [&str; 24] = [
        " ", "  ", "\n", "\n  ", "- ", "-", ":", ": ", " #", "#", "'", "\"", "[", "]", "{}", "[]",
        ",", "---", "...", "\\", "&a ", "*a", "? ", "!",
    ];

    fn mutate(text: &str, rng: &mut Rng) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for _ in 0..=rng.below(2) {
            let at = if bytes.is_empty() {
                0
            } else {
                rng.below(bytes.len() + 1)
            };
            match rng.below(4) {
                0 if at < bytes.len() => {
                    bytes.remove(at);
                }
                1 => {
                    // Re-indent a line by a space more or less.
                    let start = bytes[..at]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1);
                    if rng.below(2) == 0 {
                        bytes.insert(start, b' ');
                    } else if bytes.get(start) == Some(&b' ') {
                        bytes.remove(start);
                    }
                }
                _ => {
                    let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                    bytes.splice(at..at, snippet.bytes());
                }
            }
        }
        String::from_utf8(bytes).unwrap_or_default()
    }

    #[test]
    fn agrees_with_the_general_parser_on_mutations() {
        let files = suite_files();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut tried, mut taken) = (0, 0);
        for text in files.iter().filter(|t| t.len() < 20_000) {
            for _ in 0..60 {
                let mutated = mutate(text, &mut rng);
                tried += 1;
                taken += usize::from(agrees(&mutated));
            }
        }
        // The mutations must exercise the fast reader, not only its refusals.
        assert!(taken * 4 > tried, "took {taken} of {tried} mutations");
    }
}
