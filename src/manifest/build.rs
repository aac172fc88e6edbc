//! Building located trees from the event stream of `saphyr-parser`, with the checks
//! Kubernetes' strict decoder makes (duplicate keys, non-string keys) and hard bounds on
//! nesting and alias expansion.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScanError, Span};

use super::fast;
use super::tags::{check_collection_tag, scalar_value};
use super::tree::{Entry, Node, Pos, RawDocument, Value};
use crate::finding::Finding;
use crate::limits::{MAX_ALIAS_EXPANSION, MAX_NESTING_DEPTH};

/// A collection under construction.
enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        seen: HashSet<String>,
        pending_key: Option<(String, Pos)>,
        merged: Vec<Node>,
    },
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        col: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
    }
}

fn error_at(pos: Pos, message: impl Into<String>) -> Finding {
    Finding::at(pos.line, pos.col, message)
}

/// Mappings up to this many entries are searched for a duplicate key by scanning them;
/// larger ones through `seen`. Almost every mapping of a resource is small, and a scan
/// costs less than hashing and copying each key.
const SCAN_KEYS_UP_TO: usize = 16;

/// Whether `key` is already a key of `entries`, else records it as one (the caller pushes
/// the entry). `seen` indexes the keys of a large mapping, built when it grows past
/// [`SCAN_KEYS_UP_TO`], so a mapping of any size costs linear time.
fn has_key(entries: &[Entry], seen: &mut HashSet<String>, key: &str) -> bool {
    if entries.len() < SCAN_KEYS_UP_TO {
        return entries.iter().any(|e| e.key == key);
    }
    if seen.is_empty() {
        seen.extend(entries.iter().map(|e| e.key.clone()));
    }
    !seen.insert(key.to_owned())
}

/// Builds nodes from events, enforcing the strict-decoder rules and the limits.
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    expanded: usize,
    root: Option<Node>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            stack: Vec::new(),
            anchors: HashMap::new(),
            expanded: 0,
            root: None,
        }
    }

    fn open(&mut self, frame: Frame, pos: Pos) -> Result<(), Finding> {
        if self.stack.len() >= MAX_NESTING_DEPTH {
            return Err(error_at(
                pos,
                format!("YAML nesting deeper than {MAX_NESTING_DEPTH} levels"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self) -> Result<(), Finding> {
        let node = match self.stack.pop() {
            Some(Frame::Seq { pos, anchor, items }) => {
                let node = Node {
                    value: Value::Seq(items),
                    pos,
                };
                self.remember(anchor, &node);
                node
            }
            Some(Frame::Map {
                pos,
                anchor,
                mut entries,
                mut seen,
                merged,
                ..
            }) => {
                // `<<` merge keys: explicit keys win, then earlier merged maps win.
                for source in merged {
                    if let Value::Map(extra) = source.value {
                        for entry in extra {
                            if !has_key(&entries, &mut seen, &entry.key) {
                                entries.push(entry);
                            }
                        }
                    }
                }
                let node = Node {
                    value: Value::Map(entries),
                    pos,
                };
                self.remember(anchor, &node);
                node
            }
            None => return Ok(()),
        };
        self.add(node)
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    /// Adds a finished node to the collection being built (or makes it the root).
    fn add(&mut self, node: Node) -> Result<(), Finding> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match frame {
            Frame::Seq { items, .. } => items.push(node),
            Frame::Map {
                entries,
                seen,
                pending_key,
                merged,
                ..
            } => match pending_key.take() {
                None => {
                    let pos = node.pos;
                    *pending_key = Some((key_string(node)?, pos));
                }
                Some((key, key_pos)) if key == "<<" => {
                    let _ = key_pos;
                    match node.value {
                        Value::Map(_) => merged.push(node),
                        Value::Seq(items) => merged.extend(items),
                        _ => {
                            return Err(error_at(
                                node.pos,
                                "a `<<` merge key needs a mapping or a list of mappings",
                            ));
                        }
                    }
                }
                Some((key, key_pos)) => {
                    if has_key(entries, seen, &key) {
                        let first = entries
                            .iter()
                            .find(|e| e.key == key)
                            .map_or(0, |e| e.key_pos.line);
                        return Err(error_at(
                            key_pos,
                            format!("duplicate key `{key}` (first defined at line {first})"),
                        ));
                    }
                    entries.push(Entry {
                        key,
                        key_pos,
                        value: node,
                    });
                }
            },
        }
        Ok(())
    }

    fn alias(&mut self, id: usize, pos: Pos) -> Result<(), Finding> {
        let Some(target) = self.anchors.get(&id) else {
            return Err(error_at(pos, "alias to an unknown anchor"));
        };
        self.expanded += target.value.node_count();
        if self.expanded > MAX_ALIAS_EXPANSION {
            return Err(error_at(
                pos,
                format!(
                    "aliases expand to more than {MAX_ALIAS_EXPANSION} nodes (a YAML alias bomb?)"
                ),
            ));
        }
        let node = Node {
            value: target.value.clone(),
            pos,
        };
        self.add(node)
    }
}

/// The string Kubernetes makes of a mapping key (sigs.k8s.io/yaml stringifies scalars),
/// taken from the key node, which is not needed after.
fn key_string(node: Node) -> Result<String, Finding> {
    Ok(match node.value {
        Value::Str(s) => s,
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Seq(_) | Value::Map(_) => {
            return Err(error_at(node.pos, "mapping keys must be plain scalars"));
        }
    })
}

/// The last line that holds bytes of the node spanning `span`, or `None` for an empty node
/// (an omitted value takes the position of the next token, which is not its text). A span
/// that ends at column 0 ends just after a line break (a block scalar swallows its trailing
/// lines), so its last line is the one before.
fn last_line_of(span: &Span) -> Option<u32> {
    if span.end.index() == span.start.index() {
        return None;
    }
    let line = if span.end.col() == 0 {
        span.end.line() - 1
    } else {
        span.end.line()
    };
    Some(u32::try_from(line).unwrap_or(u32::MAX))
}

/// Rejects a `%YAML`, `%TAG` or reserved directive on the lines outside any document, from
/// `from` up to (not including) `to`. A managed file holds one document, and a directive
/// written before another document would not travel with it; Kubernetes tooling has no use
/// for directives, so they are refused rather than moved.
fn reject_directives(lines: &[&str], from: u32, to: u32) -> Result<(), Finding> {
    for line_no in from..to {
        let Some(line) = lines.get(line_no as usize - 1) else {
            break;
        };
        if line.starts_with('%') {
            let directive = line.trim_end();
            let name = directive.split_whitespace().next().unwrap_or(directive);
            return Err(Finding::at(
                line_no,
                1,
                format!(
                    "YAML directive `{directive}` is not supported (each managed file holds one document, and Kubernetes tooling does not use directives): remove the `{name}` directive"
                ),
            ));
        }
    }
    Ok(())
}

/// Parses a whole YAML stream into documents. The first syntax or strictness error stops
/// the parse: after it, document boundaries cannot be trusted. `lines` is `text` cut by
/// `lines::split_lines`, for the directive check.
///
/// Plain block YAML (nearly every manifest) is read by `fast`, which gives the same events
/// as `saphyr-parser`; anything else by `saphyr-parser` itself.
pub fn parse_stream(text: &str, lines: &[&str]) -> Result<Vec<RawDocument>, Finding> {
    FAST_EVENTS.with_borrow_mut(|recorded| {
        let documents = if fast::read(text, lines, recorded).is_some() {
            build_documents(recorded.iter().map(|r| Ok(r.event(text))), lines)
        } else {
            let mut parser = Parser::new_from_str(text);
            build_documents(std::iter::from_fn(|| parser.next_event()), lines)
        };
        recorded.clear();
        recorded.shrink_to(KEEP_FAST_EVENTS);
        documents
    })
}

thread_local! {
    /// The fast reader's events, one buffer for all the files a thread parses.
    static FAST_EVENTS: RefCell<Vec<fast::Recorded>> = const { RefCell::new(Vec::new()) };
}

/// The most events [`FAST_EVENTS`] keeps room for between files (about a thousand
/// manifests' worth), so that one huge file does not hold its memory for the whole run.
const KEEP_FAST_EVENTS: usize = 1 << 16;

/// Builds the documents of a stream from its events.
fn build_documents<'a>(
    events: impl Iterator<Item = Result<(Event<'a>, Span), ScanError>>,
    lines: &[&str],
) -> Result<Vec<RawDocument>, Finding> {
    let mut documents = Vec::new();
    let mut builder = Builder::new();
    let mut start_line = 1;
    let mut last_content_line = 0;
    // The first line after the previous document's end: lines from here to the next
    // document's start are outside every document.
    let mut outside_from = 1;
    for event in events {
        let (event, span) = event.map_err(|e| {
            super::syntax::explain(
                e.info(),
                u32::try_from(e.marker().line()).unwrap_or(u32::MAX),
                u32::try_from(e.marker().col() + 1).unwrap_or(u32::MAX),
                lines,
            )
        })?;
        let pos = pos_of(&span);
        match event {
            Event::DocumentStart(_) => {
                reject_directives(lines, outside_from, pos.line)?;
                start_line = pos.line;
                last_content_line = pos.line;
                builder = Builder::new();
            }
            Event::DocumentEnd => {
                // A document that is only `null` (or nothing) is no resource; Kubernetes'
                // decoders skip it too.
                let root = builder.root.take().filter(|n| n.value != Value::Null);
                documents.push(RawDocument {
                    start_line,
                    last_content_line,
                    root,
                });
                outside_from = pos.line.saturating_add(1);
            }
            Event::Scalar(text, style, anchor, tag) => {
                last_content_line = last_content_line.max(last_line_of(&span).unwrap_or(0));
                let value = scalar_value(&text, style, tag.as_deref(), pos)?;
                let node = Node { value, pos };
                builder.remember(anchor, &node);
                builder.add(node)?;
            }
            Event::Alias(id) => {
                last_content_line = last_content_line.max(last_line_of(&span).unwrap_or(0));
                builder.alias(id, pos)?;
            }
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "seq", pos)?;
                last_content_line = last_content_line.max(pos.line);
                builder.open(
                    Frame::Seq {
                        pos,
                        anchor,
                        items: Vec::new(),
                    },
                    pos,
                )?;
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "map", pos)?;
                last_content_line = last_content_line.max(pos.line);
                builder.open(
                    Frame::Map {
                        pos,
                        anchor,
                        entries: Vec::new(),
                        seen: HashSet::new(),
                        pending_key: None,
                        merged: Vec::new(),
                    },
                    pos,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A flow collection's closing bracket is content; a block collection's end
                // is an empty span at the next token.
                last_content_line = last_content_line.max(last_line_of(&span).unwrap_or(0));
                builder.close()?;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::lines::split_lines;

    fn parse_text(text: &str) -> Result<Vec<RawDocument>, Finding> {
        parse_stream(text, &split_lines(text))
    }

    fn root(text: &str) -> Node {
        parse_text(text).unwrap().remove(0).root.unwrap()
    }

    #[test]
    fn positions_are_one_based() {
        let node = root("a:\n  b: 1\n  c: [x, y]\n");
        assert_eq!(node.locate("/a/b"), Pos { line: 2, col: 6 });
        assert_eq!(node.locate("/a/c/1"), Pos { line: 3, col: 10 });
        assert_eq!(node.locate_key("/a", "c"), Some(Pos { line: 3, col: 3 }));
        // A missing node resolves to its deepest existing parent.
        assert_eq!(node.locate("/a/missing/deeper"), Pos { line: 2, col: 3 });
        assert_eq!(node.locate_introduction("/a"), Pos { line: 1, col: 1 });
        assert_eq!(node.locate_introduction("/a/c/0"), Pos { line: 3, col: 7 });
        assert_eq!(node.locate_introduction(""), Pos { line: 1, col: 1 });
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let err = parse_text("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((err.line, err.col), (3, 1));
        assert!(
            err.message
                .contains("duplicate key `a` (first defined at line 1)")
        );
    }

    #[test]
    fn duplicate_keys_are_found_in_mappings_of_every_size() {
        for size in [SCAN_KEYS_UP_TO - 1, SCAN_KEYS_UP_TO, 3 * SCAN_KEYS_UP_TO] {
            let mut text: String = (0..size).map(|i| format!("k{i}: {i}\n")).collect();
            assert!(parse_text(&text).is_ok(), "{size} distinct keys");
            text.push_str("k0: again\n");
            let err = parse_text(&text).unwrap_err();
            assert_eq!(err.line as usize, size + 1, "{size} keys");
            assert!(
                err.message.contains("duplicate key `k0`"),
                "{}",
                err.message
            );
        }
        // Merged keys never override written ones, whatever the size.
        let keys: String = (0..20).map(|i| format!("  k{i}: {i}\n")).collect();
        let text = format!("base: &b\n{keys}out:\n  <<: *b\n  k3: mine\n");
        let merged = root(&text);
        let out = merged.value.get("out").unwrap();
        assert_eq!(
            out.value.get("k3").unwrap().value,
            Value::Str("mine".into())
        );
        assert_eq!(out.value.get("k19").unwrap().value, Value::Int(19));
    }

    #[test]
    fn complex_keys_are_errors() {
        let err = parse_text("? [a, b]\n: 1\n").unwrap_err();
        assert!(err.message.contains("plain scalars"), "{}", err.message);
    }

    #[test]
    fn aliases_and_merge_keys_expand() {
        let node = root("base: &b {x: 1, z: 2}\nuse:\n  <<: *b\n  z: 3\n");
        let json = node.to_json();
        assert_eq!(json["use"], serde_json::json!({"z": 3, "x": 1}));
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            text.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = name;
        }
        let err = parse_text(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        // Flow nesting: the parser's own recursion limit answers.
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse_text(&text).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{}", err.message);
        // Block nesting: ours does.
        let text: String = (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let err = parse_text(&text).unwrap_err();
        assert!(err.message.contains("nesting deeper"), "{}", err.message);
    }

    #[test]
    fn yaml_1_1_keys_become_strings_as_in_kubernetes() {
        assert_eq!(
            root("y: 1\n1: 2\n").to_json(),
            serde_json::json!({"true": 1, "1": 2})
        );
    }

    #[test]
    fn documents_and_their_lines() {
        let docs =
            parse_text("# c\n---\na: 1\n---\n# only a comment\n---\nb: |\n  x\n  y\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].start_line, 2);
        assert!(docs[1].root.is_none());
        assert_eq!(docs[2].start_line, 6);
        assert!(docs[2].last_content_line >= 9);
    }

    #[test]
    fn a_huge_file_does_not_keep_the_fast_readers_buffer_large() {
        // 40,000 keys: over 80,000 events, all read by the fast reader.
        let text: String = (0..40_000).map(|i| format!("k{i}: {i}\n")).collect();
        let docs = parse_text(&text).unwrap();
        assert_eq!(docs.len(), 1);
        let kept = FAST_EVENTS.with_borrow(Vec::capacity);
        assert!(kept <= KEEP_FAST_EVENTS, "kept room for {kept} events");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse_text("a: 1\nb: [\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.message.starts_with("YAML syntax error"),
            "{}",
            err.message
        );
    }
}
