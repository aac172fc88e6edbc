//! What the documents of a file name (their kind and `metadata.name`), also when the file
//! does not parse. The objects of a rejected raw file are withdrawn from the fabric state,
//! so that a file that refers to one of them is told the object will not exist and which
//! file to fix; that must hold whatever rejected the file, a YAML error included.
//!
//! A file that does not parse is cut into its documents at its `---` and `...` lines and
//! each document is parsed alone, so a broken document does not hide the good ones beside
//! it; a document that still does not parse is read by a conservative line scan
//! ([`scan`], with the one-line readers of [`line`]).

mod line;
mod scan;

use super::lines::split_byte_lines;
use super::{Document, Node, Value, parse};
use crate::kind::Kind;

/// The kind and name a document declares, whether or not it is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// `kind`.
    pub kind: Kind,
    /// `metadata.name`.
    pub name: String,
    /// 1-based line of the document (of its first content).
    pub line: u32,
}

impl Document {
    /// What this document names, if it has a string `kind` and a string `metadata.name`.
    pub fn named(&self) -> Option<Named> {
        let root = &self.root;
        let string = |node: Option<&Node>| match node {
            Some(Node {
                value: Value::Str(s),
                ..
            }) => Some(s.clone()),
            _ => None,
        };
        let kind = string(root.value.get("kind"))?;
        let name = string(root.value.get("metadata").and_then(|m| m.value.get("name")))?;
        Some(Named {
            kind: Kind::from_name(&kind),
            name,
            line: self.start_line,
        })
    }
}

/// What each document of `bytes` names (documents without a string kind and name left
/// out), whether or not the file parses.
pub fn names_in(bytes: &[u8]) -> Vec<Named> {
    match parse(bytes) {
        Ok(documents) => documents.iter().filter_map(Document::named).collect(),
        Err(_) => names_in_unparsable(bytes),
    }
}

/// What each document of `bytes`, a file that does not parse as a whole, names: each
/// document parsed alone, and one that still does not parse read line by line.
pub fn names_in_unparsable(bytes: &[u8]) -> Vec<Named> {
    let mut names = Vec::new();
    for (first_line, document) in documents_of(bytes) {
        let at_file_line = |named: Named| Named {
            line: named.line + first_line - 1,
            ..named
        };
        match parse(document) {
            Ok(parsed) => names.extend(parsed.iter().filter_map(Document::named).map(at_file_line)),
            Err(_) => {
                names.extend(scan::named(&String::from_utf8_lossy(document)).map(at_file_line))
            }
        }
    }
    names
}

/// The documents of `bytes` as their markers cut them, before any parse: each with the
/// 1-based line it starts at. A `---` line starts a document and belongs to it; a `...`
/// line ends one and belongs to the one it ends. (A marker is at column 1, so one inside an
/// indented block scalar is left alone.)
fn documents_of(bytes: &[u8]) -> Vec<(u32, &[u8])> {
    let mut documents = Vec::new();
    let (mut start, mut start_line) = (0, 1);
    let mut offset = 0;
    for (index, line) in split_byte_lines(bytes).into_iter().enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if is_marker(line, b"---") && offset > start {
            documents.push((start_line, &bytes[start..offset]));
            (start, start_line) = (offset, line_no);
        }
        offset += line.len();
        if is_marker(line, b"...") {
            documents.push((start_line, &bytes[start..offset]));
            (start, start_line) = (offset, line_no.saturating_add(1));
        }
    }
    if start < bytes.len() {
        documents.push((start_line, &bytes[start..]));
    }
    documents
}

/// Whether `line` is the document marker `marker` (`---` or `...`), alone or followed by
/// a space or tab.
fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| matches!(rest.first(), None | Some(b' ' | b'\t' | b'\r' | b'\n')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(kind: Kind, name: &str, line: u32) -> Named {
        Named {
            kind,
            name: name.into(),
            line,
        }
    }

    const VPC: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n";

    #[test]
    fn a_file_that_parses_names_each_document() {
        let text = format!("# head\n{VPC}---\n{}", VPC.replace("vpc-1", "vpc-2"));
        assert_eq!(
            names_in(text.as_bytes()),
            [named(Kind::Vpc, "vpc-1", 2), named(Kind::Vpc, "vpc-2", 12)]
        );
    }

    #[test]
    fn a_good_document_before_a_broken_one_is_named_from_its_parse_and_the_broken_one_by_its_lines()
    {
        let broken = VPC
            .replace("vpc-1", "vpc-2")
            .replace("      vlan: 1001\n", "      vlan: 1001\n      vlan: 1002\n");
        let text = format!("{VPC}---\n{broken}");
        assert!(parse(text.as_bytes()).is_err());
        assert_eq!(
            names_in(text.as_bytes()),
            [named(Kind::Vpc, "vpc-1", 1), named(Kind::Vpc, "vpc-2", 11)]
        );
    }

    #[test]
    fn each_kind_of_yaml_error_still_names_the_document() {
        for (what, broken) in [
            (
                "duplicate key",
                VPC.replace("vlan: 1001\n", "vlan: 1001\n      vlan: 1002\n"),
            ),
            (
                "unclosed flow mapping",
                VPC.replace("spec:\n", "spec: {subnets: {default: {vlan: 1001}}\n"),
            ),
            (
                "undefined alias",
                VPC.replace("vlan: 1001", "vlan: *nowhere"),
            ),
            ("disallowed tag", VPC.replace("vlan: 1001", "vlan: !x 1001")),
            ("NUL byte", VPC.replace("vlan: 1001", "vlan: 10\u{0}01")),
            (
                "invalid UTF-8",
                VPC.replace("spec:\n", "spec: # \u{fffd}\n"),
            ),
        ] {
            let mut bytes = broken.into_bytes();
            if what == "invalid UTF-8" {
                let at = bytes
                    .windows(3)
                    .position(|w| w == "\u{fffd}".as_bytes())
                    .unwrap();
                bytes.splice(at..at + 3, [0xff]);
            }
            assert!(parse(&bytes).is_err(), "{what} parses");
            assert_eq!(names_in(&bytes), [named(Kind::Vpc, "vpc-1", 1)], "{what}");
        }
    }

    #[test]
    fn markers_cut_documents_and_keep_their_lines() {
        let text = b"a: 1\n...\n# c\n---\nb: 2\n--- # x\r\nc: 3\n----\nd: 4";
        let cut: Vec<(u32, &[u8])> = documents_of(text);
        assert_eq!(
            cut,
            [
                (1, &b"a: 1\n...\n"[..]),
                (3, b"# c\n"),
                (4, b"---\nb: 2\n"),
                (6, b"--- # x\r\nc: 3\n----\nd: 4"),
            ]
        );
        assert!(documents_of(b"").is_empty());
    }

    #[test]
    fn a_broken_document_s_lines_count_from_the_file_s_start() {
        let text = format!(
            "{VPC}...\n# c\n\n---\n{}: [\n",
            VPC.replace("vpc-1", "vpc-9")
        );
        assert_eq!(
            names_in(text.as_bytes()),
            [named(Kind::Vpc, "vpc-1", 1), named(Kind::Vpc, "vpc-9", 14)]
        );
    }
}
