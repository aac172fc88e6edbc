//! `metadata.labels` and `metadata.annotations` as the Kubernetes API server checks them
//! before any webhook sees the object (k8s.io/apimachinery: `ValidateLabels` in
//! `pkg/apis/meta/v1/validation/validation.go`, `ValidateAnnotations` in
//! `pkg/api/validation/objectmeta.go`, and the name rules they call, `IsQualifiedName` and
//! `IsValidLabelValue`):
//! - a label key and an annotation key are qualified names: an optional prefix, a DNS-1123
//!   subdomain of at most 253 bytes, and `/`, then a name of at most 63 bytes of
//!   alphanumerics, `-`, `_` and `.` that starts and ends with an alphanumeric (an
//!   annotation key is checked lowercased: its case does not matter);
//! - a label value is empty, or at most 63 bytes of the same form as a name;
//! - keys and values of the annotations add up to at most 256 KiB.
//!
//! A value that is not a string is the schema's to report (`labels` and `annotations` are
//! maps of strings there), and a `null` one is dropped as the API server drops it; both are
//! left out here.

use crate::finding::{Finding, rules};
use crate::manifest::{Entry, Node, Value};
use crate::rules::pointer_segment;

use super::finding_at;

/// The longest name (and label value) a qualified name allows, in bytes.
const MAX_NAME_BYTES: usize = 63;
/// The longest prefix of a qualified name (a DNS-1123 subdomain), in bytes.
const MAX_PREFIX_BYTES: usize = 253;
/// The most bytes the keys and values of an object's annotations may add up to.
const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

/// Which of the two maps a key is in.
#[derive(Clone, Copy)]
enum Map {
    Labels,
    Annotations,
}

impl Map {
    fn field(self) -> &'static str {
        match self {
            Map::Labels => "labels",
            Map::Annotations => "annotations",
        }
    }

    fn key_word(self) -> &'static str {
        match self {
            Map::Labels => "label key",
            Map::Annotations => "annotation key",
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Map::Labels => rules::METADATA_LABEL,
            Map::Annotations => rules::METADATA_ANNOTATION,
        }
    }
}

/// Every problem the API server finds in the labels and annotations of `metadata` (a
/// mapping), each at the key or value it is about.
pub(super) fn label_and_annotation_findings(metadata: &Node) -> Vec<Finding> {
    let mut findings = Vec::new();
    for map in [Map::Labels, Map::Annotations] {
        let Some(Node {
            value: Value::Map(entries),
            ..
        }) = metadata.value.get(map.field())
        else {
            continue;
        };
        for entry in entries {
            findings.extend(entry_findings(map, entry));
        }
        if let Map::Annotations = map {
            findings.extend(annotations_size_finding(metadata, entries));
        }
    }
    findings
}

/// The problems of one label or annotation: its key, and a label's value.
fn entry_findings(map: Map, entry: &Entry) -> Vec<Finding> {
    let pointer = format!("/metadata/{}/{}", map.field(), pointer_segment(&entry.key));
    let at = |pos, message: String| finding_at(pos, &pointer, message).with_rule(map.rule());
    let checked_key = match map {
        Map::Labels => entry.key.clone(),
        // `ValidateAnnotations`: "the rule is QualifiedName except that case doesn't matter".
        Map::Annotations => entry.key.to_lowercase(),
    };
    let mut findings: Vec<Finding> = key_problems(map, &entry.key, &checked_key)
        .into_iter()
        .map(|message| at(entry.key_pos, message))
        .collect();
    if let (Map::Labels, Value::Str(value)) = (map, &entry.value.value) {
        findings.extend(
            label_value_problems(&entry.key, value)
                .into_iter()
                .map(|message| at(entry.value.pos, message)),
        );
    }
    findings
}

/// What is wrong with the key `key` of `map` as a qualified name (`checked` is the key as
/// checked: lowercased for an annotation), each problem with what is allowed.
fn key_problems(map: Map, key: &str, checked: &str) -> Vec<String> {
    let what = map.key_word();
    if checked.is_empty() {
        return vec![format!(
            "{what} is empty: write a name such as `MyName`, optionally after a DNS subdomain and `/` (`example.com/MyName`)"
        )];
    }
    // Lowercasing keeps every `/`: the parts as written are shown, the parts checked are
    // judged.
    let (shown_parts, parts): (Vec<&str>, Vec<&str>) =
        (key.split('/').collect(), checked.split('/').collect());
    let (prefix, name, shown_prefix, shown_name) = match (shown_parts.as_slice(), parts.as_slice())
    {
        ([shown_name], [name]) => (None, *name, "", *shown_name),
        ([shown_prefix, shown_name], [prefix, name]) => {
            (Some(*prefix), *name, *shown_prefix, *shown_name)
        }
        _ => {
            return vec![format!(
                "{what} `{}` has more than one `/`: a key is a name, optionally after a DNS subdomain prefix and one `/` (e.g. `example.com/MyName`)",
                shown(key)
            )];
        }
    };
    let mut problems = Vec::new();
    match prefix {
        Some("") => problems.push(format!(
            "{what} `{}` has an empty prefix before its `/`: write a DNS subdomain there (e.g. `example.com/{}`), or remove the `/`",
            shown(key),
            shown(shown_name)
        )),
        Some(prefix) => {
            if prefix.len() > MAX_PREFIX_BYTES {
                problems.push(format!(
                    "the prefix of {what} `{}` is {} bytes long; the limit is {MAX_PREFIX_BYTES}",
                    shown(key),
                    prefix.len()
                ));
            }
            if !is_dns1123_subdomain(prefix) {
                problems.push(format!(
                    "the prefix `{}` of {what} `{}` is not a lowercase RFC 1123 subdomain: use a-z, 0-9, `-` and `.`, each dot-separated part starting and ending with a letter or digit (e.g. `example.com`)",
                    shown(shown_prefix),
                    shown(key)
                ));
            }
        }
        None => {}
    }
    // How the name is called in a message: the whole key when it has no prefix.
    let subject = match prefix {
        Some(_) => format!(
            "the name `{}` of {what} `{}`",
            shown(shown_name),
            shown(key)
        ),
        None => format!("{what} `{}`", shown(key)),
    };
    if name.is_empty() {
        problems.push(format!(
            "{what} `{}` has no name after its `/`: add one (e.g. `{}/MyName`)",
            shown(key),
            shown(shown_prefix)
        ));
    } else {
        if name.len() > MAX_NAME_BYTES {
            problems.push(format!(
                "{subject} is {} bytes long; the limit is {MAX_NAME_BYTES}",
                name.len()
            ));
        }
        if !is_name(name) {
            problems.push(format!(
                "{subject} must consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyName`, `my.name`, `123-abc`)"
            ));
        }
    }
    problems
}

/// What is wrong with `value` as the value of the label `key` (`IsValidLabelValue`).
fn label_value_problems(key: &str, value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.len() > MAX_NAME_BYTES {
        problems.push(format!(
            "the value of label `{}` is {} bytes long; the limit is {MAX_NAME_BYTES}: shorten it, or make it an annotation",
            shown(key),
            value.len()
        ));
    }
    if !value.is_empty() && !is_name(value) {
        problems.push(format!(
            "the value `{}` of label `{}` must be empty or consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyValue`, `my_value`, `12345`); free text belongs in an annotation",
            shown(value),
            shown(key)
        ));
    }
    problems
}

/// The finding when the annotations (`entries`, string values only) add up to more than
/// the API server's limit, at `annotations:`.
fn annotations_size_finding(metadata: &Node, entries: &[Entry]) -> Option<Finding> {
    let total: usize = entries
        .iter()
        .filter_map(|entry| match &entry.value.value {
            Value::Str(value) => Some(entry.key.len() + value.len()),
            _ => None,
        })
        .sum();
    if total <= MAX_ANNOTATIONS_BYTES {
        return None;
    }
    let pos = metadata.locate_key("", "annotations")?;
    Some(
        finding_at(
            pos,
            "/metadata/annotations",
            format!(
                "the annotations' keys and values add up to {total} bytes; the limit is {MAX_ANNOTATIONS_BYTES} (256 KiB): shorten them, or keep large data out of annotations"
            ),
        )
        .with_rule(rules::METADATA_ANNOTATION),
    )
}

/// Whether `text` is the name part of a qualified name, or a non-empty label value, as
/// far as its characters go: `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn is_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Whether `text` is a lowercase RFC 1123 subdomain as far as its characters go:
/// dot-separated labels of a-z, 0-9 and `-`, each starting and ending with a letter or
/// digit (`[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`).
fn is_dns1123_subdomain(text: &str) -> bool {
    text.split('.').all(|label| {
        let bytes = label.as_bytes();
        let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        edge(bytes.first())
            && edge(bytes.last())
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    })
}

/// A key or value as a message shows it: whole up to 64 characters, else its first 60 and
/// an ellipsis (a 300-character value need not be printed to say it is too long).
fn shown(text: &str) -> String {
    const SHOWN: usize = 64;
    if text.chars().count() <= SHOWN {
        return text.to_owned();
    }
    let head: String = text.chars().take(SHOWN - 4).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse;

    /// The findings of the metadata of `yaml` (a document's `metadata:` mapping, indented
    /// by two spaces under it), as `line:col message (at pointer) [rule]`.
    fn findings(metadata: &str) -> Vec<String> {
        let text = format!("metadata:\n{metadata}");
        let documents = parse(text.as_bytes()).unwrap();
        let metadata = documents[0].root.value.get("metadata").unwrap();
        label_and_annotation_findings(metadata)
            .into_iter()
            .map(|f| {
                format!(
                    "{}:{} {} (at {}) [{}]",
                    f.line,
                    f.col,
                    f.message,
                    f.pointer,
                    f.rule_id()
                )
            })
            .collect()
    }

    #[test]
    fn valid_labels_and_annotations_pass() {
        let valid = "  labels:\n    app: web\n    example.com/Tier: Front_end.1\n    a: ''\n    x.y-z/a_b.c: '123'\n  annotations:\n    Example.COM/Note: 'any text at all, even: this'\n    note: ''\n";
        assert_eq!(findings(valid), Vec::<String>::new());
        // Not strings, or not mappings: the schema's to report.
        assert_eq!(
            findings("  labels:\n    a: 1\n    b: null\n  annotations: [x]\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_label_key_s_name_is_alphanumeric_with_dashes_underscores_and_dots() {
        assert_eq!(
            findings("  labels:\n    -app: web\n    'my app': web\n"),
            [
                "3:5 label key `-app` must consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyName`, `my.name`, `123-abc`) (at /metadata/labels/-app) [metadata/label]",
                "4:5 label key `my app` must consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyName`, `my.name`, `123-abc`) (at /metadata/labels/my app) [metadata/label]",
            ]
        );
    }

    #[test]
    fn a_label_key_s_name_is_at_most_63_bytes() {
        let name = "a".repeat(64);
        assert_eq!(
            findings(&format!(
                "  labels:\n    {name}: x\n    {}: x\n",
                &name[1..]
            )),
            [format!(
                "3:5 label key `{name}` is 64 bytes long; the limit is 63 (at /metadata/labels/{name}) [metadata/label]"
            )]
        );
    }

    #[test]
    fn a_label_key_s_prefix_is_a_lowercase_dns_subdomain_of_at_most_253_bytes() {
        let long = format!("{}.com", "a".repeat(250));
        assert_eq!(
            findings(&format!(
                "  labels:\n    Example.com/app: x\n    /app: x\n    a..b/app: x\n    {long}/app: x\n    a/b/c: x\n    example.com/: x\n"
            )),
            [
                "3:5 the prefix `Example.com` of label key `Example.com/app` is not a lowercase RFC 1123 subdomain: use a-z, 0-9, `-` and `.`, each dot-separated part starting and ending with a letter or digit (e.g. `example.com`) (at /metadata/labels/Example.com~1app) [metadata/label]".to_owned(),
                "4:5 label key `/app` has an empty prefix before its `/`: write a DNS subdomain there (e.g. `example.com/app`), or remove the `/` (at /metadata/labels/~1app) [metadata/label]".to_owned(),
                "5:5 the prefix `a..b` of label key `a..b/app` is not a lowercase RFC 1123 subdomain: use a-z, 0-9, `-` and `.`, each dot-separated part starting and ending with a letter or digit (e.g. `example.com`) (at /metadata/labels/a..b~1app) [metadata/label]".to_owned(),
                format!(
                    "6:5 the prefix of label key `{}…` is 254 bytes long; the limit is 253 (at /metadata/labels/{long}~1app) [metadata/label]",
                    "a".repeat(60)
                ),
                "7:5 label key `a/b/c` has more than one `/`: a key is a name, optionally after a DNS subdomain prefix and one `/` (e.g. `example.com/MyName`) (at /metadata/labels/a~1b~1c) [metadata/label]".to_owned(),
                "8:5 label key `example.com/` has no name after its `/`: add one (e.g. `example.com/MyName`) (at /metadata/labels/example.com~1) [metadata/label]".to_owned(),
            ]
        );
    }

    #[test]
    fn a_label_key_with_a_prefix_names_its_name_part() {
        assert_eq!(
            findings("  labels:\n    example.com/my_app_: x\n    '': x\n"),
            [
                "3:5 the name `my_app_` of label key `example.com/my_app_` must consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyName`, `my.name`, `123-abc`) (at /metadata/labels/example.com~1my_app_) [metadata/label]",
                "4:5 label key is empty: write a name such as `MyName`, optionally after a DNS subdomain and `/` (`example.com/MyName`) (at /metadata/labels/) [metadata/label]",
            ]
        );
    }

    #[test]
    fn a_label_value_is_empty_or_at_most_63_bytes_of_a_name_s_characters() {
        let long = "v".repeat(64);
        assert_eq!(
            findings(&format!(
                "  labels:\n    a: 'two words'\n    b: {long}\n    c: -x-\n    d: {}\n",
                &long[1..]
            )),
            [
                "3:8 the value `two words` of label `a` must be empty or consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyValue`, `my_value`, `12345`); free text belongs in an annotation (at /metadata/labels/a) [metadata/label]",
                "4:8 the value of label `b` is 64 bytes long; the limit is 63: shorten it, or make it an annotation (at /metadata/labels/b) [metadata/label]",
                "5:8 the value `-x-` of label `c` must be empty or consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyValue`, `my_value`, `12345`); free text belongs in an annotation (at /metadata/labels/c) [metadata/label]",
            ]
        );
    }

    #[test]
    fn an_annotation_key_is_a_qualified_name_of_any_case() {
        assert_eq!(
            findings(
                "  annotations:\n    EXAMPLE.com/Note: x\n    bad key: x\n    a/b/c: x\n    Ex_ample.com/Bad_: x\n"
            ),
            [
                "4:5 annotation key `bad key` must consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyName`, `my.name`, `123-abc`) (at /metadata/annotations/bad key) [metadata/annotation]",
                "5:5 annotation key `a/b/c` has more than one `/`: a key is a name, optionally after a DNS subdomain prefix and one `/` (e.g. `example.com/MyName`) (at /metadata/annotations/a~1b~1c) [metadata/annotation]",
                "6:5 the prefix `Ex_ample.com` of annotation key `Ex_ample.com/Bad_` is not a lowercase RFC 1123 subdomain: use a-z, 0-9, `-` and `.`, each dot-separated part starting and ending with a letter or digit (e.g. `example.com`) (at /metadata/annotations/Ex_ample.com~1Bad_) [metadata/annotation]",
                "6:5 the name `Bad_` of annotation key `Ex_ample.com/Bad_` must consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyName`, `my.name`, `123-abc`) (at /metadata/annotations/Ex_ample.com~1Bad_) [metadata/annotation]",
            ]
        );
    }

    #[test]
    fn annotations_add_up_to_at_most_256_kib() {
        // Key `a` (1 byte) and `b` (1 byte) with values filling the limit exactly.
        let half = MAX_ANNOTATIONS_BYTES / 2 - 1;
        let at_limit = format!(
            "  annotations:\n    a: {}\n    b: {}\n",
            "x".repeat(half),
            "x".repeat(half)
        );
        assert_eq!(findings(&at_limit), Vec::<String>::new());
        let over = at_limit.replacen("x\n", "xx\n", 1);
        assert_eq!(
            findings(&over),
            [
                "2:3 the annotations' keys and values add up to 262145 bytes; the limit is 262144 (256 KiB): shorten them, or keep large data out of annotations (at /metadata/annotations) [metadata/annotation]"
            ]
        );
    }

    #[test]
    fn the_character_classes() {
        assert!(is_name("a") && is_name("A-b_c.9") && is_name("0"));
        assert!(!is_name("") && !is_name("a-") && !is_name("_a") && !is_name("é"));
        assert!(is_dns1123_subdomain("a") && is_dns1123_subdomain("a-1.b2.c"));
        for not_one in ["", "A", "a.", ".a", "a..b", "-a", "a-", "a_b"] {
            assert!(!is_dns1123_subdomain(not_one), "{not_one}");
        }
    }
}
