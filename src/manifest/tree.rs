//! A YAML node tree that remembers where every node and key came from, and finds the
//! place a JSON pointer refers to. `build` makes these trees from parser events.

use std::borrow::Cow;
use std::collections::HashMap;

/// A 1-based line and column in the source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub col: u32,
}

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The typed value.
    pub value: Value,
    /// Where the node starts.
    pub pos: Pos,
}

/// The typed content of a node, after Kubernetes-style scalar resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or an empty value.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping in source order; keys are unique strings.
    Map(Vec<Entry>),
}

/// One key and value of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, as the string Kubernetes would see.
    pub key: String,
    /// Where the key is written.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// One YAML document of a stream: where it starts and its root node (`None` for an empty
/// document, such as a comment-only file or a stray `---`).
#[derive(Debug)]
pub struct RawDocument {
    /// The line of the document's `---`, or of its first token when the start is implicit.
    pub start_line: u32,
    /// The last line that holds content of this document (the end of its last scalar).
    pub last_content_line: u32,
    /// The root node.
    pub root: Option<Node>,
}

impl Value {
    /// Looks up a key of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// A short name of the value's type for messages ("a mapping", "a string", ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }

    /// How many nodes this value holds, itself included (for alias expansion accounting).
    pub(super) fn node_count(&self) -> usize {
        1 + match self {
            Value::Seq(items) => items.iter().map(|n| n.value.node_count()).sum(),
            Value::Map(entries) => entries.iter().map(|e| e.value.value.node_count()).sum(),
            _ => 0,
        }
    }
}

impl Node {
    /// The position of the deepest existing node on the way to `pointer` (an RFC 6901 JSON
    /// pointer). For a missing property this is its parent, which is where the fix goes.
    pub fn locate(&self, pointer: &str) -> Pos {
        Locator::new(self).locate(pointer)
    }

    /// The position of the key `name` inside the mapping at `pointer`, if both exist.
    pub fn locate_key(&self, pointer: &str, name: &str) -> Option<Pos> {
        Locator::new(self).locate_key(pointer, name)
    }

    /// Where the node at `pointer` is introduced (see [`Locator::locate_introduction`]).
    pub fn locate_introduction(&self, pointer: &str) -> Pos {
        Locator::new(self).locate_introduction(pointer)
    }

    /// Converts the tree to JSON, the form the schema validator reads.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Mappings with at most this many keys are searched by scanning: hashing them costs more
/// than it saves.
const SCAN_LIMIT: usize = 16;

/// Finds the places JSON pointers point at in one tree. Locating one finding per key of a
/// mapping with n keys must not take n² steps (400,000 unknown keys once took minutes), so a
/// large mapping is indexed by key the first time it is searched, and the index is reused.
pub struct Locator<'a> {
    root: &'a Node,
    /// Key -> entry position, per large mapping searched so far (keyed by the address of its
    /// entries, which cannot move while the tree is borrowed).
    indexes: HashMap<*const Entry, HashMap<&'a str, usize>>,
}

impl<'a> Locator<'a> {
    /// A locator for the tree under `root`; it builds indexes only as lookups need them.
    pub fn new(root: &'a Node) -> Self {
        Locator {
            root,
            indexes: HashMap::new(),
        }
    }

    /// The entry of `entries` (a mapping of the tree) with this key.
    fn entry(&mut self, entries: &'a [Entry], key: &str) -> Option<&'a Entry> {
        if entries.len() <= SCAN_LIMIT {
            return entries.iter().find(|e| e.key == key);
        }
        let index = self.indexes.entry(entries.as_ptr()).or_insert_with(|| {
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.as_str(), i))
                .collect()
        });
        index.get(key).map(|i| &entries[*i])
    }

    /// The child of `node` named by one unescaped pointer token.
    fn child(&mut self, node: &'a Node, token: &str) -> Option<&'a Node> {
        match &node.value {
            Value::Map(entries) => self.entry(entries, token).map(|e| &e.value),
            Value::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
    }

    /// Follows `pointer` as far as it exists: the deepest node reached, and whether that is
    /// the node `pointer` names.
    fn walk(&mut self, pointer: &str) -> (&'a Node, bool) {
        let mut node = self.root;
        for token in pointer.split('/').skip(1) {
            match self.child(node, &unescape(token)) {
                Some(child) => node = child,
                None => return (node, false),
            }
        }
        (node, true)
    }

    /// The position of the deepest existing node on the way to `pointer` (an RFC 6901 JSON
    /// pointer). For a missing property this is its parent, which is where the fix goes.
    pub fn locate(&mut self, pointer: &str) -> Pos {
        self.walk(pointer).0.pos
    }

    /// The position of the key `name` inside the mapping at `pointer`, if both exist.
    pub fn locate_key(&mut self, pointer: &str, name: &str) -> Option<Pos> {
        let (node, complete) = self.walk(pointer);
        match &node.value {
            Value::Map(entries) if complete => self.entry(entries, name).map(|e| e.key_pos),
            _ => None,
        }
    }

    /// Where the node at `pointer` is introduced: the position of its key when it is a
    /// mapping value (`spec:` for `/spec`), else the node itself. Findings about what a
    /// node lacks point here, at the line a person reads as the node's start.
    pub fn locate_introduction(&mut self, pointer: &str) -> Pos {
        match pointer.rsplit_once('/') {
            Some((parent, last)) if !pointer.is_empty() => self
                .locate_key(parent, &unescape(last))
                .unwrap_or_else(|| self.locate(pointer)),
            _ => self.root.pos,
        }
    }
}

/// Undoes RFC 6901 escaping of one pointer token; borrowed when there is none to undo (most
/// tokens: every finding is located through its pointer).
fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}
