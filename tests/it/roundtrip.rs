//! Round trip of document texts: whatever a raw file looks like, each managed text, parsed on
//! its own, is the same value as the document it was cut from. Generated files mix what
//! changes values when cut carelessly: block scalars with every chomping indicator, trailing
//! spaces, trailing blank lines, LF, CRLF and lone-CR line breaks, comments between and after
//! documents, `...` and `---` with and without content.

use crate::common::{Repo, assert_exit, vpc};
use hh_gitops::manifest;
use proptest::prelude::*;

/// The break after each line: one style per document, or a mix chosen line by line.
#[derive(Debug, Clone)]
enum Breaks {
    Lf,
    CrLf,
    Cr,
    Mixed(Vec<u8>),
}

impl Breaks {
    fn nth(&self, n: usize) -> &'static str {
        const ALL: [&str; 3] = ["\n", "\r\n", "\r"];
        match self {
            Breaks::Lf => ALL[0],
            Breaks::CrLf => ALL[1],
            Breaks::Cr => ALL[2],
            Breaks::Mixed(choices) => ALL[usize::from(choices[n % choices.len()]) % 3],
        }
    }
}

fn breaks() -> impl Strategy<Value = Breaks> {
    prop_oneof![
        Just(Breaks::Lf),
        Just(Breaks::CrLf),
        Just(Breaks::Cr),
        prop::collection::vec(any::<u8>(), 1..16).prop_map(Breaks::Mixed),
    ]
}

fn word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "x",
        "text",
        "yes",
        "10",
        "a b",
        "# not a comment",
        "-",
    ])
}

fn trailing_spaces() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", " ", "  ", "\t", " \t "])
}

/// A blank line inside or after a block scalar indented `indent`: empty, spaces within the
/// indentation, or more (then it is content: spaces).
fn blank_line(indent: usize) -> impl Strategy<Value = String> {
    (0..=indent + 2).prop_map(|spaces| " ".repeat(spaces))
}

/// A block scalar under `key` at column `indent`: header, content lines, inner and trailing
/// blank lines.
fn block_scalar(key: String, indent: usize) -> impl Strategy<Value = Vec<String>> {
    let header = prop::sample::select(vec![
        "|",
        "|-",
        "|+",
        ">",
        ">-",
        ">+",
        "|2",
        "|2+",
        ">2-",
        "|+ # keep",
    ]);
    let body = indent + 2;
    (
        header,
        prop::collection::vec(
            (
                word(),
                trailing_spaces(),
                prop::option::of(blank_line(body)),
            ),
            1..4,
        ),
        prop::collection::vec(blank_line(body), 0..4),
    )
        .prop_map(move |(header, content, trailing)| {
            let pad = " ".repeat(indent);
            let content_pad = " ".repeat(body);
            let mut lines = vec![format!("{pad}{key}: {header}")];
            for (word, spaces, blank) in content {
                lines.push(format!("{content_pad}{word}{spaces}"));
                lines.extend(blank);
            }
            lines.extend(trailing);
            lines
        })
}

/// One mapping entry (possibly several lines) under `key` at column `indent`.
fn entry(key: String, indent: usize) -> impl Strategy<Value = Vec<String>> {
    let pad = " ".repeat(indent);
    let plain = {
        let (key, pad) = (key.clone(), pad.clone());
        (word(), trailing_spaces(), prop::bool::ANY).prop_map(move |(word, spaces, comment)| {
            let word = if word.starts_with(['#', '-']) {
                "w"
            } else {
                word
            };
            let comment = if comment { " # note" } else { "" };
            vec![format!("{pad}{key}: {word}{spaces}{comment}")]
        })
    };
    let quoted = {
        let (key, pad) = (key.clone(), pad.clone());
        (word(), word(), trailing_spaces()).prop_map(move |(a, b, spaces)| {
            vec![
                format!("{pad}{key}: \"{a}{spaces}"),
                String::new(),
                format!("{pad}  {b}\""),
            ]
        })
    };
    let flow = {
        let (key, pad) = (key.clone(), pad.clone());
        word().prop_map(move |w| {
            let w = if w.starts_with(['#', '-']) { "w" } else { w };
            vec![
                format!("{pad}{key}: [{w},"),
                format!("{pad}  {w}"),
                format!("{pad}]"),
            ]
        })
    };
    prop_oneof![plain, quoted, flow, block_scalar(key, indent)]
}

/// A mapping document: a few entries, some nested one level, with comment lines between.
fn document() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec((prop::bool::ANY, prop::option::of(comment_line())), 1..4).prop_flat_map(
        |shape| {
            let entries: Vec<_> = shape
                .into_iter()
                .enumerate()
                .map(|(i, (nested, comment))| {
                    let key = format!("k{i}");
                    let inner = if nested {
                        entry("inner".to_owned(), 2)
                            .prop_map(move |lines| {
                                let mut all = vec![format!("k{i}:")];
                                all.extend(lines);
                                all
                            })
                            .boxed()
                    } else {
                        entry(key, 0).boxed()
                    };
                    inner.prop_map(move |mut lines| {
                        lines.extend(comment.clone());
                        lines
                    })
                })
                .collect();
            entries.prop_map(|entries| entries.concat())
        },
    )
}

fn comment_line() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["# SwitchList", "#", "# note  ", ""]).prop_map(str::to_owned)
}

/// What stands between two documents (or before the first, or after the last).
fn separator(needs_start: bool) -> impl Strategy<Value = Vec<String>> {
    let lines = || prop::collection::vec(comment_line(), 0..3);
    let start = if needs_start {
        prop::sample::select(vec!["---", "--- # next", "...\n---", "---\n---", "---  "]).boxed()
    } else {
        prop::sample::select(vec!["", "---", "...\n---"]).boxed()
    };
    (lines(), start, lines()).prop_map(|(before, start, after)| {
        let mut all = before;
        all.extend(
            start
                .split('\n')
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
        all.extend(after);
        all
    })
}

/// A whole raw file: its text, with each document's lines broken its own way.
fn raw_file() -> impl Strategy<Value = String> {
    let documents = prop::collection::vec((separator(true), document(), breaks()), 1..4);
    let ending = prop::sample::select(vec!["", "...", "# trailing", "---", "...\n# after"]);
    (separator(false), documents, ending, prop::bool::ANY).prop_map(
        |(lead, documents, ending, final_break)| {
            let mut text = String::new();
            for (i, (separator, document, breaks)) in documents.iter().enumerate() {
                let before = if i == 0 { &lead } else { separator };
                for (n, line) in before.iter().chain(document).enumerate() {
                    text.push_str(line);
                    text.push_str(breaks.nth(n));
                }
            }
            for line in ending.split('\n').filter(|l| !l.is_empty()) {
                text.push_str(line);
                text.push('\n');
            }
            if !final_break {
                text.truncate(text.trim_end_matches(['\n', '\r']).len());
            }
            text
        },
    )
}

fn as_json(documents: &[manifest::Document]) -> Vec<serde_json::Value> {
    documents.iter().map(|d| d.root.to_json()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Bounded for CI (a few seconds); `PROPTEST_CASES` raises it.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_managed_text_parses_to_the_value_of_its_document(text in raw_file()) {
        let documents = manifest::parse(text.as_bytes())
            .map_err(|f| TestCaseError::fail(format!("{f:?} in {text:?}")))?;
        for document in &documents {
            let alone = manifest::parse(document.text.as_bytes())
                .map_err(|f| TestCaseError::fail(format!("{f:?} in {:?}", document.text)))?;
            prop_assert_eq!(
                as_json(&alone),
                vec![document.root.to_json()],
                "document {} of {:?} became {:?}",
                document.index,
                text,
                document.text
            );
        }
    }
}

/// The same promise through a real sync: each managed file holds its document byte for
/// byte, whatever its line breaks (CRLF, LF, lone CR) and however its last value ends.
#[test]
fn sync_moves_each_document_byte_for_byte() {
    let with_crlf = concat!(
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\n",
        "spec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n",
        "metadata:\n  name: cra\n  annotations:\n    note: |+\n      kept  \n\n\n",
    )
    .replace('\n', "\r\n");
    let with_lf = vpc("crb", 1002);
    let with_cr = vpc("crc", 1003).replace('\n', "\r");
    let repo = Repo::new(None);
    let fabric = "gitops/hedgehog/f1";
    repo.write(
        &format!("{fabric}/raw/mixed.yaml"),
        format!("{with_crlf}---\n{with_lf}---\r{with_cr}").as_bytes(),
    );
    repo.commit_all("raw");

    assert_exit(&repo.sync(&[]), 0);
    for (name, text) in [("cra", &with_crlf), ("crb", &with_lf), ("crc", &with_cr)] {
        let managed = repo.read(&format!("{fabric}/managed/vpcs/{name}.yaml"));
        assert_eq!(String::from_utf8_lossy(&managed), text.as_str(), "{name}");
    }
}
