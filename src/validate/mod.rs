//! Checking raw files: every document against its kind's schema and Hedgehog's naming
//! rules. Pure: bytes and a registry in, resources or findings out.

mod admission;
mod export;
mod fab_yaml;
mod held;
mod hints;
mod metadata;
mod schema_errors;

use std::collections::HashMap;

use crate::finding::{Finding, Severity};
use crate::kind::Kind;
use crate::limits::MAX_FINDINGS_PER_DOCUMENT;
use crate::manifest::{self, Document, Node, Pos, Value};
use crate::rules;
use crate::schema::{Lookup, Registry};
pub use fab_yaml::fab_yaml_findings;
pub use held::{exported_resources, held_resources, named_by_path, unreadable_warnings};

/// A valid resource, ready to become one managed file.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The resource's kind.
    pub kind: Kind,
    /// `apiVersion` as written.
    pub api_version: String,
    /// The kind's plural: its managed/ folder.
    pub plural: String,
    /// `metadata.name`.
    pub name: String,
    /// 1-based line of the document in its raw file.
    pub line: u32,
    /// The document's original text.
    pub text: String,
    /// Warnings about it (they do not stop the move).
    pub warnings: Vec<Finding>,
    /// The object read into its kind's model and defaulted, for the cross-object rules
    /// (`None` for a kind without rules).
    pub object: Option<rules::Typed>,
}

impl Resource {
    /// The path of this resource's file under the fabric's managed/ folder.
    pub fn managed_path(&self) -> String {
        format!("managed/{}/{}.yaml", self.plural, self.name)
    }

    /// The line and column in its file of the node at `pointer` in this resource (the
    /// closest node that is written, for a pointer into what `Default()` added). Parses the
    /// document's text again: only findings need it, so the tree is not kept.
    pub fn locate(&self, pointer: &str) -> Pos {
        self.locate_all([pointer]).pop().unwrap_or(Pos {
            line: self.line,
            col: 1,
        })
    }

    /// [`Resource::locate`] for several pointers, parsing the document once.
    pub fn locate_all<'p>(&self, pointers: impl IntoIterator<Item = &'p str>) -> Vec<Pos> {
        let pointers: Vec<&str> = pointers.into_iter().collect();
        if pointers.is_empty() {
            return Vec::new();
        }
        let parsed = manifest::parse(self.text.as_bytes()).ok();
        let document = parsed.as_ref().and_then(|documents| documents.first());
        pointers
            .into_iter()
            .map(|pointer| match document {
                Some(document) => {
                    let pos = document.root.locate(pointer);
                    Pos {
                        line: pos.line + self.line - document.start_line,
                        col: pos.col,
                    }
                }
                None => Pos {
                    line: self.line,
                    col: 1,
                },
            })
            .collect()
    }
}

/// The kind and name a document declares, whether or not it is valid: a rejected file's
/// documents are still known by name, so that a reference to one can say why it is missing.
/// [`names_in`] reads them from a file, one that does not parse included (for a managed
/// file a change deletes, read at the base).
pub use crate::manifest::{Named, names_in};

/// A raw file checked alone: its resources or why it is rejected, and, when rejected, what
/// its documents name (documents without a string kind and name left out), whatever
/// rejected it, so that a reference to one of them can say the file is rejected.
pub struct FileCheck {
    /// The resources, or every finding.
    pub result: Result<Vec<Resource>, Vec<Finding>>,
    /// What the documents of a rejected file name (empty for a valid one).
    pub names: Vec<Named>,
}

/// [`check_file`], also returning what a rejected file's documents name (found while
/// checking, so the file is parsed once).
pub fn check_file_named(registry: &Registry, rules: &rules::Context, bytes: &[u8]) -> FileCheck {
    let mut names = Vec::new();
    let result = check_documents(registry, rules, bytes, &mut names);
    FileCheck { result, names }
}

/// Checks a whole raw file against the schemas and Hedgehog's rules (read with `rules`).
/// The file is valid only if no document has an error; then all its resources are returned
/// (with their warnings), else every finding of every document, warnings included.
pub fn check_file(
    registry: &Registry,
    rules: &rules::Context,
    bytes: &[u8],
) -> Result<Vec<Resource>, Vec<Finding>> {
    check_documents(registry, rules, bytes, &mut Vec::new())
}

/// [`check_file`], recording in `names` what each document of a rejected file names.
fn check_documents(
    registry: &Registry,
    rules: &rules::Context,
    bytes: &[u8],
    names: &mut Vec<Named>,
) -> Result<Vec<Resource>, Vec<Finding>> {
    let mut documents = match manifest::parse(bytes) {
        Ok(documents) => documents,
        Err(finding) => {
            // A file that does not parse still withdraws what it defines.
            names.extend(manifest::names_in_unparsable(bytes));
            return Err(vec![finding.with_rule(crate::finding::rules::YAML_SYNTAX)]);
        }
    };
    if documents.is_empty() {
        return Err(vec![Finding::at(
            1,
            1,
            "no resources in this file (it is empty or only comments): nothing to move; delete it or add a resource",
        )]);
    }
    let mut resources = Vec::with_capacity(documents.len());
    let mut findings = Vec::new();
    for document in &mut documents {
        match check_document(registry, rules, document) {
            Ok(resource) => resources.push(resource),
            Err(mut found) => findings.append(&mut found),
        }
    }
    // Two documents of one file for the same resource would overwrite each other.
    let mut first_seen: HashMap<(&str, &str), u32> = HashMap::new();
    for resource in &resources {
        let key = (resource.plural.as_str(), resource.name.as_str());
        if let Some(first) = first_seen.insert(key, resource.line) {
            findings.push(Finding::at(
                resource.line,
                1,
                format!(
                    "{} `{}` is defined twice in this file (first at line {first}); keep one",
                    resource.kind, resource.name
                ),
            ));
        }
    }
    if findings.is_empty() {
        Ok(resources)
    } else {
        // Only a rejected file's names are wanted: a valid file's resources name themselves.
        names.extend(documents.iter().filter_map(Document::named));
        findings.sort_by_key(|f| (f.line, f.col));
        Err(findings)
    }
}

/// A string field of a mapping, with a finding when it is missing or not a string.
fn required_string<'a>(
    root: &Node,
    parent: &'a Node,
    parent_pointer: &str,
    key: &str,
) -> Result<&'a str, Finding> {
    match parent.value.get(key) {
        Some(Node {
            value: Value::Str(s),
            ..
        }) => Ok(s),
        Some(node) => Err(Finding {
            line: node.pos.line,
            col: node.pos.col,
            pointer: format!("{parent_pointer}/{key}"),
            message: format!("{key} must be a string, not {}", node.value.type_name()),
            severity: Severity::Error,
            rule: Some(crate::finding::rules::SCHEMA_TYPE),
            ..Finding::default()
        }),
        None => Err(Finding {
            line: root.locate_introduction(parent_pointer).line,
            col: root.locate_introduction(parent_pointer).col,
            pointer: parent_pointer.to_owned(),
            message: format!("missing required field `{key}`"),
            severity: Severity::Error,
            rule: Some(crate::finding::rules::SCHEMA_REQUIRED),
            ..Finding::default()
        }),
    }
}

pub(super) fn finding_at(pos: Pos, pointer: &str, message: impl Into<String>) -> Finding {
    Finding {
        line: pos.line,
        col: pos.col,
        pointer: pointer.to_owned(),
        message: message.into(),
        ..Finding::default()
    }
}

/// Checks one document: identity, names, the schema of its kind, then Hedgehog's
/// admission rules (only once the schema holds, as a live fabric's webhooks only see objects
/// the API server accepted). A resource takes the document's text, which only it needs:
/// moved rather than copied.
pub fn check_document(
    registry: &Registry,
    rules: &rules::Context,
    document: &mut Document,
) -> Result<Resource, Vec<Finding>> {
    let root = &document.root;
    if !matches!(root.value, Value::Map(_)) {
        return Err(vec![
            finding_at(
                root.pos,
                "",
                format!(
                    "a document must be a mapping (a Kubernetes resource), not {}",
                    root.value.type_name()
                ),
            )
            .with_rule(crate::finding::rules::SCHEMA_TYPE),
        ]);
    }
    if let Some(list) = list_export_finding(root) {
        return Err(vec![list]);
    }
    let mut findings = Vec::new();
    let api_version = required_string(root, root, "", "apiVersion")
        .map_err(|f| findings.push(f))
        .ok();
    let kind = required_string(root, root, "", "kind")
        .map_err(|f| findings.push(f))
        .ok();
    let name = match root.value.get("metadata") {
        Some(
            metadata @ Node {
                value: Value::Map(_),
                ..
            },
        ) => {
            let name = required_string(root, metadata, "/metadata", "name")
                .map_err(|f| findings.push(f))
                .ok();
            findings.extend(metadata::label_and_annotation_findings(metadata));
            if let Some(namespace) = metadata.value.get("namespace") {
                match &namespace.value {
                    Value::Str(ns) => {
                        if let Some(problem) = crate::names::namespace_problem(ns) {
                            findings.push(problem.at(namespace.pos, "/metadata/namespace"));
                        }
                    }
                    Value::Null => {}
                    other => findings.push(
                        finding_at(
                            namespace.pos,
                            "/metadata/namespace",
                            format!("namespace must be a string, not {}", other.type_name()),
                        )
                        .with_rule(crate::finding::rules::SCHEMA_TYPE),
                    ),
                }
            }
            name
        }
        Some(other) => {
            findings.push(
                finding_at(
                    other.pos,
                    "/metadata",
                    format!(
                        "metadata must be a mapping, not {}",
                        other.value.type_name()
                    ),
                )
                .with_rule(crate::finding::rules::SCHEMA_TYPE),
            );
            None
        }
        None => {
            findings.push(
                finding_at(
                    root.pos,
                    "",
                    "missing required field `metadata` (with `name`)",
                )
                .with_rule(crate::finding::rules::SCHEMA_REQUIRED),
            );
            None
        }
    };
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        return Err(findings);
    };
    let kind = Kind::from_name(kind);
    let known = match registry.lookup_at(rules.release, api_version, &kind) {
        Lookup::Known(known) => known,
        Lookup::FabricManaged => {
            findings.push(finding_at(root.pos, "", format!(
                "{kind} ({api_version}) is managed by the fabric, not authored in Git: remove it from the repository"
            )).with_rule(crate::finding::rules::KIND_FABRIC_MANAGED));
            return Err(findings);
        }
        Lookup::OtherVersion(supported) => {
            let pos = root.value.get("apiVersion").map_or(root.pos, |n| n.pos);
            findings.push(
                finding_at(
                    pos,
                    "/apiVersion",
                    format!(
                        "{kind} is not supported at {api_version}; supported: {}",
                        supported.join(", ")
                    ),
                )
                .with_rule(crate::finding::rules::KIND_UNKNOWN),
            );
            return Err(findings);
        }
        Lookup::Unknown => {
            let pos = root.value.get("kind").map_or(root.pos, |n| n.pos);
            let meant = registry
                .kinds()
                .iter()
                .find(|k| k.id.kind.as_str().eq_ignore_ascii_case(kind.as_str()));
            let message = match meant {
                Some(k) => format!(
                    "unknown kind `{kind}` ({api_version}): did you mean `kind: {}` with `apiVersion: {}/{}`?",
                    k.id.kind, k.id.group, k.id.version
                ),
                None => format!(
                    "unknown kind {kind} ({api_version}): hh-gitops checks the Hedgehog kinds of vpc.githedgehog.com/v1beta1, wiring.githedgehog.com/v1beta1 and gateway.githedgehog.com/v1alpha1 (see `hh-gitops schemas list`)"
                ),
            };
            findings.push(
                finding_at(pos, "/kind", message).with_rule(crate::finding::rules::KIND_UNKNOWN),
            );
            return Err(findings);
        }
    };
    if let Some(name) = name
        && let Some(problem) = crate::names::name_problem(&kind, name)
    {
        let pos = root
            .value
            .get("metadata")
            .and_then(|m| m.value.get("name"))
            .map_or(root.pos, |n| n.pos);
        findings.push(problem.at(pos, "/metadata/name"));
    }
    let mut instance = root.to_json();
    admission::admit(&known.id.kind, &mut instance);
    findings.extend(schema_errors::schema_findings(known, root, &instance));
    let mut object = None;
    if findings.is_empty() {
        let (violations, typed) = rules::admit_typed(&known.id.kind, &instance, rules);
        object = typed;
        let of: Option<Box<str>> = name.map(Into::into);
        findings.extend(violations.into_iter().map(|v| Finding {
            severity: v.severity,
            rule: v.rule,
            object: of.clone(),
            ..finding_at(root.locate(&v.pointer), &v.pointer, v.message)
        }));
    }
    findings.extend(export::exported_fields_findings(root));
    let findings = capped(findings);
    match name {
        Some(name) if !findings.iter().any(Finding::is_error) => Ok(Resource {
            kind,
            api_version: api_version.to_owned(),
            plural: known.id.plural.clone(),
            name: name.to_owned(),
            line: document.start_line,
            text: std::mem::take(&mut document.text),
            warnings: findings,
            object,
        }),
        _ => Err(findings),
    }
}

/// For a `kind: List` (or `<Kind>List`) document, what `kubectl get -o yaml` writes for
/// several objects: one finding saying to split it. Each object must be a document of its
/// own, to move byte for byte to a managed file of its own; an item's text inside the list
/// is indented, so moving it would change it.
fn list_export_finding(root: &Node) -> Option<Finding> {
    let kind = root.value.get("kind")?;
    let Value::Str(kind_name) = &kind.value else {
        return None;
    };
    let items = match root.value.get("items").map(|items| &items.value) {
        Some(Value::Seq(items)) => items,
        _ => return None,
    };
    if kind_name != "List" && !kind_name.ends_with("List") {
        return None;
    }
    let named: Vec<String> = items
        .iter()
        .take(3)
        .filter_map(|item| {
            let text = |node: Option<&Node>| match node.map(|n| &n.value) {
                Some(Value::Str(text)) => Some(text.clone()),
                _ => None,
            };
            let name = text(item.value.get("metadata").and_then(|m| m.value.get("name")))?;
            Some(format!("{} `{name}`", text(item.value.get("kind"))?))
        })
        .collect();
    let listed = match (named.is_empty(), items.len() > named.len()) {
        (true, _) => String::new(),
        (false, more) => format!(" ({}{})", named.join(", "), if more { ", ..." } else { "" }),
    };
    Some(
        finding_at(
            kind.pos,
            "/kind",
            format!(
                "this is a `kind: {kind_name}` of {} object{}{listed}, as `kubectl get -o yaml` writes several: hh-gitops moves one object per document, so write each item as a document of its own (`yq '.items[] | split_doc' FILE` does) and check again",
                items.len(),
                if items.len() == 1 { "" } else { "s" },
            ),
        )
        .with_rule(crate::finding::rules::KIND_LIST),
    )
}

/// The first `MAX_FINDINGS_PER_DOCUMENT` findings in file order, then one that counts the
/// rest: a document with 400,000 unknown keys needs fixing, not 400,000 lines of report.
fn capped(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by_key(|f| (f.line, f.col));
    if findings.len() <= MAX_FINDINGS_PER_DOCUMENT {
        return findings;
    }
    let rest = findings.split_off(MAX_FINDINGS_PER_DOCUMENT);
    let first_hidden = &rest[0];
    let severity = if rest.iter().any(Finding::is_error) {
        Severity::Error
    } else {
        Severity::Warning
    };
    findings.push(Finding {
        severity,
        ..Finding::at(
            first_hidden.line,
            first_hidden.col,
            format!(
                "{} more findings in this document are not shown (only the first {MAX_FINDINGS_PER_DOCUMENT} are): fix these and check again",
                rest.len()
            ),
        )
    });
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Vec<Resource>, Vec<Finding>> {
        check_file(
            &Registry::embedded(),
            &rules::Context::fabricator_defaults(),
            text.as_bytes(),
        )
    }

    fn messages(text: &str) -> Vec<String> {
        check(text)
            .unwrap_err()
            .iter()
            .map(|f| f.display("f.yaml"))
            .collect()
    }

    const VPC: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n";

    #[test]
    fn a_valid_vpc() {
        let resources = check(VPC).unwrap();
        assert_eq!(resources[0].managed_path(), "managed/vpcs/vpc-1.yaml");
        assert_eq!(resources[0].text, VPC);
    }

    #[test]
    fn unknown_field_points_at_the_key() {
        let text = VPC.replace("      vlan: 1001\n", "      vlan: 1001\n      vlna: 3\n");
        assert_eq!(
            messages(&text),
            [
                "f.yaml:10:7: error: unknown field `vlna`: did you mean `vlan`? (at /spec/subnets/default/vlna)"
            ]
        );
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let text = VPC.replace("vlan: 1001", "vlan: ten");
        assert_eq!(
            messages(&text),
            [
                "f.yaml:9:13: error: \"ten\" is not of type \"integer\" (at /spec/subnets/default/vlan)"
            ]
        );
    }

    #[test]
    fn missing_required_points_at_the_parent() {
        let text = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: s1\nspec:\n  profile: vs\n";
        assert_eq!(
            messages(text),
            ["f.yaml:5:1: error: missing required field `role` (at /spec)"]
        );
    }

    #[test]
    fn every_violation_is_reported() {
        let text = VPC.replace("vlan: 1001", "vlan: x\n      foo: 1\n      bar: 2");
        assert_eq!(messages(&text).len(), 3);
    }

    #[test]
    fn identity_and_name_problems() {
        assert!(
            messages("kind: VPC\nmetadata: {name: a}\n")[0]
                .contains("missing required field `apiVersion`")
        );
        assert!(
            messages("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")[0]
                .contains("unknown kind ConfigMap")
        );
        assert!(
            messages(
                "apiVersion: agent.githedgehog.com/v1beta1\nkind: Agent\nmetadata: {name: a}\n"
            )[0]
            .contains("managed by the fabric")
        );
        assert!(
            messages("apiVersion: vpc.githedgehog.com/v1alpha2\nkind: VPC\nmetadata: {name: a}\n")
                [0]
            .contains("supported: vpc.githedgehog.com/v1beta1")
        );
        assert!(messages("- a\n- b\n")[0].contains("must be a mapping"));
        let upper = VPC.replace("name: vpc-1", "name: VPC-1");
        assert_eq!(messages(&upper).len(), 1);
        assert!(messages(&upper)[0].starts_with("f.yaml:4:9: error: metadata.name `VPC-1`"));
        let ns = VPC.replace("  name: vpc-1\n", "  name: vpc-1\n  namespace: fab\n");
        assert!(messages(&ns)[0].contains("(at /metadata/namespace)"));
        let no_name = VPC.replace("  name: vpc-1\n", "  labels: {}\n");
        assert!(messages(&no_name)[0].contains("missing required field `name` (at /metadata)"));
    }

    #[test]
    fn duplicates_within_a_file() {
        let text = format!("{VPC}---\n{VPC}");
        assert!(messages(&text)[0].contains("defined twice in this file (first at line 1)"));
    }

    #[test]
    fn findings_are_capped_per_document_with_a_count_of_the_rest() {
        let unknown: String = (0..150).map(|i| format!("  u{i:03}: 1\n")).collect();
        let text = format!("{VPC}{unknown}");
        let shown = messages(&text);
        assert_eq!(shown.len(), MAX_FINDINGS_PER_DOCUMENT + 1);
        assert_eq!(
            shown[0],
            "f.yaml:10:3: error: unknown field `u000`: the fields here are `defaultIsolated`, `defaultRestricted`, `ipv4Namespace`, `mode`, `permit`, `staticRoutes`, `subnets`, `vlanNamespace`; it is indented less than `vlan` on the line above (column 3 against 7): if it belongs with `vlan`, indent it to match (at /spec/u000)"
        );
        assert_eq!(
            shown[99],
            "f.yaml:109:3: error: unknown field `u099`: the fields here are `defaultIsolated`, `defaultRestricted`, `ipv4Namespace`, `mode`, `permit`, `staticRoutes`, `subnets`, `vlanNamespace` (at /spec/u099)"
        );
        assert_eq!(
            shown[100],
            "f.yaml:110:3: error: 50 more findings in this document are not shown (only the first 100 are): fix these and check again"
        );
    }

    #[test]
    fn a_rejected_file_names_its_documents_whatever_rejected_it() {
        let check = |text: &str| {
            check_file_named(
                &Registry::embedded(),
                &rules::Context::fabricator_defaults(),
                text.as_bytes(),
            )
        };
        let vpc_1 = Named {
            kind: Kind::Vpc,
            name: "vpc-1".into(),
            line: 1,
        };
        let valid = check(VPC);
        assert!(valid.result.is_ok());
        assert_eq!(valid.names, []);
        let schema_error = check(&VPC.replace("vlan: 1001", "vlan: ten"));
        assert!(schema_error.result.is_err());
        assert_eq!(schema_error.names, std::slice::from_ref(&vpc_1));
        let yaml_error = check(&format!("{VPC}      vlan: 1002\n"));
        assert_eq!(
            yaml_error.result.unwrap_err()[0].rule_id(),
            crate::finding::rules::YAML_SYNTAX
        );
        assert_eq!(yaml_error.names, [vpc_1]);
    }

    #[test]
    fn empty_files_are_rejected_with_advice() {
        assert!(messages("# nothing\n")[0].contains("no resources in this file"));
    }
}
