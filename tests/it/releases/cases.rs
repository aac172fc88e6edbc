//! Reading the release cases of `tests/releases/*.yaml` (format: `tests/it/releases.rs`) and the
//! fabric they are checked against, `tests/releases/fabric.yaml`.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use hh_gitops::manifest::{self, Value};
use hh_gitops::rules::Release;

/// The message of an expected refusal that the CRD schema of the release makes: the field at
/// the pointer after it does not exist there.
const UNKNOWN_FIELD: &str = "unknown field ";

/// What a release says about a case's object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Accepted (warnings allowed).
    Accept,
    /// Refused by Hedgehog's code, with its exact message.
    Reject(String),
    /// Refused by the release's CRD schema: the field at this JSON pointer does not exist in
    /// the release. Hedgehog's code never sees it (the decoder drops unknown fields).
    UnknownField(String),
}

/// One case: an object, admitted into the fabric, and what each release says.
pub struct Case {
    /// `file:line name`, for messages.
    pub label: String,
    /// The line of `DIFFERENCES.md` the case shows, by its opening words.
    pub difference: String,
    pub object: Json,
    /// One entry per release, oldest first.
    pub expected: Vec<(Release, Expected)>,
}

impl Case {
    /// The fields this case's object has that some release lacks.
    pub fn unknown_somewhere(&self) -> Vec<&str> {
        self.expected
            .iter()
            .filter_map(|(_, e)| match e {
                Expected::UnknownField(pointer) => Some(pointer.as_str()),
                _ => None,
            })
            .collect()
    }
}

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/releases")
}

/// The fabric's objects, in file order.
pub fn fabric() -> Vec<Json> {
    let text = std::fs::read(folder().join("fabric.yaml")).unwrap();
    manifest::parse(&text)
        .unwrap()
        .into_iter()
        .map(|document| document.root.to_json())
        .collect()
}

/// The fabric without the object that `object` replaces (same kind and name), as the state
/// `object` is admitted into.
pub fn cluster_for(fabric: &[Json], object: &Json) -> Vec<Json> {
    let key = |o: &Json| (o["kind"].clone(), o["metadata"]["name"].clone());
    fabric
        .iter()
        .filter(|o| key(o) != key(object))
        .cloned()
        .collect()
}

/// Every case of every case file (all but `fabric.yaml`), in name order.
pub fn all() -> Vec<Case> {
    let mut paths: Vec<_> = std::fs::read_dir(folder())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter(|p| !p.ends_with("fabric.yaml"))
        .collect();
    paths.sort();
    paths.iter().flat_map(|p| read(p)).collect()
}

fn read(path: &Path) -> Vec<Case> {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let documents = manifest::parse(&std::fs::read(path).unwrap())
        .unwrap_or_else(|f| panic!("{file}:{}:{}: {}", f.line, f.col, f.message));
    documents
        .into_iter()
        .map(|doc| {
            let at = format!("{file}:{}", doc.start_line);
            let root = &doc.root.value;
            let string = |key: &str| match root.get(key).map(|n| &n.value) {
                Some(Value::Str(s)) => s.clone(),
                _ => panic!("{at}: `{key}` must be a string"),
            };
            let mut expected = Vec::new();
            if let Some(node) = root.get("accept") {
                let Value::Seq(items) = &node.value else {
                    panic!("{at}: `accept` must be a list of releases");
                };
                for item in items {
                    let Value::Str(name) = &item.value else {
                        panic!("{at}: accept: quote each release (`\"26.01\"`)");
                    };
                    expected.push((release(&at, name), Expected::Accept));
                }
            }
            if let Some(node) = root.get("reject") {
                let Value::Map(entries) = &node.value else {
                    panic!("{at}: `reject` must map releases to Hedgehog's messages");
                };
                for entry in entries {
                    let Value::Str(message) = &entry.value.value else {
                        panic!("{at}: reject: {}: the message must be a string", entry.key);
                    };
                    let outcome = match message.strip_prefix(UNKNOWN_FIELD) {
                        Some(pointer) => Expected::UnknownField(pointer.to_owned()),
                        None => Expected::Reject(message.clone()),
                    };
                    expected.push((release(&at, &entry.key), outcome));
                }
            }
            expected.sort_by_key(|(r, _)| *r);
            let releases: Vec<Release> = expected.iter().map(|(r, _)| *r).collect();
            assert_eq!(
                releases,
                Release::ALL,
                "{at}: each release must appear once, in `accept` or `reject`"
            );
            let object = root
                .get("object")
                .unwrap_or_else(|| panic!("{at}: no `object`"))
                .to_json();
            for (_, outcome) in &expected {
                if let Expected::UnknownField(pointer) = outcome {
                    assert!(
                        object.pointer(pointer).is_some(),
                        "{at}: the object has no {pointer}"
                    );
                }
            }
            Case {
                label: format!("{at} {}", string("case")),
                difference: string("difference"),
                object,
                expected,
            }
        })
        .collect()
}

fn release(at: &str, name: &str) -> Release {
    name.parse().unwrap_or_else(|e| panic!("{at}: {e}"))
}
