//! The kind and name of a document that does not parse, read line by line: its top-level
//! `kind:` and its `metadata:` -> `name:` (a block mapping, or a one-line flow mapping such
//! as `{name: a}`), each a plain or quoted scalar on its key's line.
//!
//! The scan is conservative, since it reads text a parser refused:
//! - a line it cannot be sure about ends the scan: what follows an unclosed quote or
//!   bracket, a tab in the indentation or a line that is not `key: value` where a key
//!   belongs may mean anything, so only what was read before it counts;
//! - a field written twice, on more than one line, or in a form the scan does not read (an
//!   alias, a tag, an escape sequence, a block scalar, a control character) is not known;
//! - a document whose root is not a block mapping names nothing.

use super::Named;
use super::line::{
    After, after_line, flow, is_empty, is_item, split_pair, string_value, value_after,
};
use crate::kind::Kind;
use crate::manifest::lines::split_lines;

/// What the scan knows of one field.
#[derive(Debug, Default, PartialEq)]
enum Field {
    /// Not seen (yet).
    #[default]
    Unset,
    /// Seen once, with this string value.
    Found(String),
    /// Seen in a form the scan does not read, or more than once.
    Unknown,
}

impl Field {
    /// Records one occurrence of the field, with its value if it could be read.
    fn set(&mut self, value: Option<String>) {
        *self = match (&self, value) {
            (Field::Unset, Some(value)) => Field::Found(value),
            _ => Field::Unknown,
        };
    }

    /// Marks the field as not known for sure.
    fn forget(&mut self) {
        *self = Field::Unknown;
    }
}

/// Which of the two fields a line set.
#[derive(Clone, Copy)]
enum Which {
    Kind,
    Name,
}

/// The state of a scan of one document.
#[derive(Default)]
struct Scan {
    kind: Field,
    name: Field,
    /// 1-based line of the document's first content.
    first_line: Option<u32>,
    /// The indentation of the root mapping's keys.
    root: Option<usize>,
    /// Inside `metadata:`'s block: the indentation of its keys, once known.
    metadata: Option<Option<usize>>,
    /// Whether a `metadata:` key was read: a second one leaves the name unknown.
    metadata_seen: bool,
    /// Lines indented more than this are the text of a block scalar.
    block_scalar: Option<usize>,
    /// The field set by the last content line and the indentation of its key: a line
    /// indented deeper right after it continues its value.
    just_set: Option<(Which, usize)>,
    /// The indentation of the last key without a value on its line, at the root or in
    /// `metadata`: a `- ` item at that indentation belongs to it.
    open_key: Option<usize>,
}

impl Scan {
    fn field(&mut self, which: Which) -> &mut Field {
        match which {
            Which::Kind => &mut self.kind,
            Which::Name => &mut self.name,
        }
    }

    /// Reads one content line (not blank, not a comment); `false` ends the scan.
    fn line(&mut self, line_no: u32, indent: usize, rest: &str) -> bool {
        if let Some(owner) = self.block_scalar {
            if indent > owner {
                return true;
            }
            self.block_scalar = None;
        }
        if let Some((which, key_indent)) = self.just_set.take()
            && indent > key_indent
        {
            self.field(which).forget();
        }
        if rest.starts_with('\t') {
            return false;
        }
        self.first_line.get_or_insert(line_no);
        let root = *self.root.get_or_insert(indent);
        if indent < root {
            return false;
        }
        let after = if indent == root {
            self.metadata = None;
            match self.root_line(indent, rest) {
                Some(after) => after,
                None => return false,
            }
        } else {
            match self.metadata {
                Some(keys) => match self.metadata_line(keys, indent, rest) {
                    Some(after) => after,
                    None => return false,
                },
                None => after_line(rest, indent),
            }
        };
        match after {
            After::Nothing => true,
            After::BlockScalar(owner) => {
                self.block_scalar = Some(owner);
                true
            }
            After::Unreadable => false,
        }
    }

    /// A line at the root mapping's indentation; `None` when it is not a `key: value` line.
    fn root_line(&mut self, indent: usize, rest: &str) -> Option<After> {
        if is_item(rest) {
            return (self.open_key == Some(indent)).then(|| after_line(rest, indent));
        }
        let (key, value) = split_pair(rest)?;
        self.open_key = is_empty(value).then_some(indent);
        match key.as_str() {
            "kind" => {
                self.kind.set(string_value(value));
                self.just_set = Some((Which::Kind, indent));
            }
            "metadata" => {
                if std::mem::replace(&mut self.metadata_seen, true) {
                    self.name.forget();
                }
                if is_empty(value) {
                    self.metadata = Some(None);
                } else if value.starts_with('{') {
                    match flow_name(value) {
                        Field::Unset => {}
                        Field::Found(name) => self.name.set(Some(name)),
                        Field::Unknown => self.name.forget(),
                    }
                    self.just_set = Some((Which::Name, indent));
                } else {
                    self.name.forget();
                }
            }
            _ => {}
        }
        Some(value_after(value, indent))
    }

    /// A line deeper than the root inside `metadata:`'s block, whose keys are indented
    /// `keys` spaces (`None`: this is its first line); `None` ends the scan.
    fn metadata_line(&mut self, keys: Option<usize>, indent: usize, rest: &str) -> Option<After> {
        let keys = keys.unwrap_or(indent);
        self.metadata = Some(Some(keys));
        if indent < keys {
            return None;
        }
        if indent > keys || (is_item(rest) && self.open_key == Some(indent)) {
            return Some(after_line(rest, indent));
        }
        let Some((key, value)) = split_pair(rest).filter(|_| !is_item(rest)) else {
            // `metadata` is not a mapping, or this line cannot be read.
            self.name.forget();
            return None;
        };
        self.open_key = is_empty(value).then_some(indent);
        if key == "name" {
            self.name.set(string_value(value));
            self.just_set = Some((Which::Name, indent));
        }
        Some(value_after(value, indent))
    }
}

/// What the document in `text` names, if its kind and name can be read for sure (see the
/// module documentation). The line is 1-based in `text`.
pub(super) fn named(text: &str) -> Option<Named> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut scan = Scan::default();
    for (index, line) in split_lines(text).into_iter().enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = line.trim_end_matches(['\n', '\r']);
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        let content = rest.trim_start_matches([' ', '\t']);
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if indent == 0
            && let Some(after_marker) = line.strip_prefix("---").or(line.strip_prefix("..."))
            && (after_marker.is_empty() || after_marker.starts_with([' ', '\t']))
        {
            // `---` may open the document; `...` ends it, and so does a `---` after its
            // content. Content on a marker's line (`--- kind: VPC`) is not read.
            if line.starts_with("---")
                && is_empty(after_marker.trim_start_matches([' ', '\t']))
                && scan.first_line.is_none()
            {
                continue;
            }
            break;
        }
        if !scan.line(line_no, indent, rest) {
            break;
        }
    }
    match (scan.kind, scan.name, scan.first_line) {
        (Field::Found(kind), Field::Found(name), Some(line)) => Some(Named {
            kind: Kind::from_name(&kind),
            name,
            line,
        }),
        _ => None,
    }
}

/// The `name` of a one-line flow mapping `{name: a, ...}`.
fn flow_name(value: &str) -> Field {
    let Some((end, entries)) = flow(value) else {
        return Field::Unknown;
    };
    if !is_empty(value[end + 1..].trim_start_matches([' ', '\t'])) {
        return Field::Unknown;
    }
    let mut name = Field::Unset;
    for (from, to) in entries {
        let entry = value[from..to].trim_matches([' ', '\t']);
        match split_pair(entry) {
            Some((key, value)) if key == "name" => name.set(string_value(value)),
            Some(_) => {}
            // `{name}`: a key without a value.
            None if entry == "name" => name.forget(),
            None => {}
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(Kind, String, u32)> {
        named(text).map(|n| (n.kind, n.name, n.line))
    }

    fn found(kind: Kind, name: &str, line: u32) -> Option<(Kind, String, u32)> {
        Some((kind, name.to_owned(), line))
    }

    #[test]
    fn block_metadata_with_comments_and_crlf() {
        let text = "# a VPC\r\n---\r\napiVersion: v1 # x\r\nkind: VPC # the kind\r\nmetadata:\r\n  # its name\r\n  labels:\r\n    a: b\r\n  name: vpc-1   # here\r\nspec:\r\n  x: [\r\n";
        assert_eq!(read(text), found(Kind::Vpc, "vpc-1", 3));
    }

    #[test]
    fn quoted_names_and_kinds() {
        assert_eq!(
            read("kind: \"VPC\"\nmetadata:\n  name: 'it''s'\n"),
            found(Kind::Vpc, "it's", 1)
        );
        assert_eq!(
            read("'kind': VPC\nmetadata:\n  \"name\": \"a b\" # c\n"),
            found(Kind::Vpc, "a b", 1)
        );
        // An escape sequence is not decoded: the name is not known.
        assert_eq!(read("kind: VPC\nmetadata:\n  name: \"a\\x41\"\n"), None);
        // A quote that does not close on its line.
        assert_eq!(read("kind: VPC\nmetadata:\n  name: \"a\n  b\"\n"), None);
    }

    #[test]
    fn kind_after_metadata() {
        assert_eq!(
            read("metadata:\n  name: a\nspec: {}\nkind: VPC\n"),
            found(Kind::Vpc, "a", 1)
        );
    }

    #[test]
    fn flow_style_metadata() {
        assert_eq!(
            read("kind: VPC\nmetadata: {name: a}\n"),
            found(Kind::Vpc, "a", 1)
        );
        assert_eq!(
            read("kind: VPC\nmetadata: {labels: {x: 'y, }'}, \"name\": 'a'} # c\n"),
            found(Kind::Vpc, "a", 1)
        );
        for unknown in [
            "metadata: {name: a, name: b}\n",
            "metadata: {name}\n",
            "metadata: {name: a\n",
            "metadata: {name: [a]}\n",
            "metadata: {name: a} x\n",
            "metadata: {name: a}\n  labels: {}\n",
        ] {
            assert_eq!(read(&format!("kind: VPC\n{unknown}")), None, "{unknown}");
        }
        assert_eq!(read("kind: VPC\nmetadata: {labels: {}}\n"), None);
    }

    #[test]
    fn documents_that_name_nothing() {
        for text in [
            "",
            "# only a comment\n",
            "---\n",
            "kind: VPC\n",
            "metadata:\n  name: a\n",
            "- kind: VPC\n  metadata: {name: a}\n",
            "{kind: VPC, metadata: {name: a}}\n",
            "kind: VPC\nmetadata: a\n",
            "kind: VPC\nmetadata:\n- name: a\n",
            "kind: 12\nmetadata:\n  name: a\n",
            "kind: VPC\nmetadata:\n  name: yes\n",
            "kind: VPC\nmetadata:\n  name:\n",
            "kind: VPC\nmetadata:\n  name: *alias\n",
            "kind: VPC\nmetadata:\n  name: !!str a\n",
            "kind: VPC\nmetadata:\n  name: |\n    a\n",
            "kind: VPC\nmetadata:\n  name: a\0b\n",
            "kind: VPC\nmetadata:\n  name: a\u{fffd}\n",
            "kind: VPC\nmetadata:\n  name: a: b\n",
            "kind: VPC\nmetadata:\n  name: a\n    b\n",
            "kind: VPC\nkind: VPC\nmetadata:\n  name: a\n",
            "kind: VPC\nmetadata:\n  name: a\nmetadata:\n  name: a\n",
            "kind: VPC\nmetadata:\n  name: a\n  name: b\n",
            "kind: VPC\nspec: \"open\nmetadata:\n  name: a\n",
            "kind: VPC\nspec: [1,\nmetadata:\n  name: a\n",
            "kind: VPC\nmetadata:\n\tname: a\n",
            "kind: VPC\nspec:\n  \t\"open\nmetadata:\n  name: a\n",
            "kind: VPC\nmetadata:\n    labels: {}\n  name: a\n",
            "kind: VPC\n...\nmetadata:\n  name: a\n",
            "--- kind: VPC\nmetadata:\n  name: a\n",
        ] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }

    #[test]
    fn what_comes_before_an_unreadable_line_counts() {
        assert_eq!(
            read("kind: VPC\nmetadata:\n  name: a\nspec: {subnets: [\n  kind: other\n"),
            found(Kind::Vpc, "a", 1)
        );
        // A `- ` item at a key's indentation is that key's value.
        assert_eq!(
            read("kind: VPC\nitems:\n- a\nmetadata:\n  finalizers:\n  - f\n  name: a\n"),
            found(Kind::Vpc, "a", 1)
        );
    }

    #[test]
    fn block_scalars_hide_their_text() {
        let text = "kind: VPC\nnote: |\n  kind: Other\n  metadata:\n    name: b\nmetadata:\n  annotations:\n    x: >-\n      name: c\n  name: a\n";
        assert_eq!(read(text), found(Kind::Vpc, "a", 1));
        assert_eq!(
            read("kind: VPC\nlist:\n  - |\n    \"not a quote\n  - x\nmetadata:\n  name: a\n"),
            found(Kind::Vpc, "a", 1)
        );
    }

    #[test]
    fn the_line_is_the_first_content_of_the_document() {
        assert_eq!(
            read("\u{feff}# c\n\n--- # start\n\n  kind: VPC\n  metadata:\n    name: a\n"),
            found(Kind::Vpc, "a", 5)
        );
    }
}
