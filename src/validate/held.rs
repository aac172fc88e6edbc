//! What the fabric holds from a managed file, whatever the file's own findings.
//!
//! A managed file that fails its schema or Hedgehog's rules today (a hand edit the fabric
//! refused, a rule that tightened since the file moved) still stands for an object of the
//! fabric: the fabric kept its last good version. The fabric state therefore holds every
//! managed object, read as far as it can be read: a document that parses and names a known
//! kind is read into its kind's model and defaulted, its own findings ignored here (they are
//! reported with the file); a document that cannot be read into the model is held
//! *unreadable*: it exists, and the checks that need its contents are skipped. A file that
//! does not parse at all still names its object by its path, `managed/<plural>/<name>.yaml`.

use crate::finding::{Finding, Severity};
use crate::kind::Kind;
use crate::manifest::{self, Node, Value};
use crate::rules;
use crate::schema::{Lookup, Registry};

use super::{Resource, admission};

/// The resources the fabric holds from the managed file `path` (relative to its fabric
/// folder or to the folder the user named) with the content `bytes`: one per document that
/// names a known kind, read as far as it can be (`object` is `None` when its contents cannot
/// be read, for a kind with rules). When the file does not parse, the one resource its path
/// names, unreadable.
pub fn held_resources(
    registry: &Registry,
    ctx: &rules::Context,
    path: &str,
    bytes: &[u8],
) -> Vec<Resource> {
    match manifest::parse(bytes) {
        Ok(documents) => documents
            .iter()
            .filter_map(|document| held_document(registry, ctx, &document.root, document))
            .collect(),
        Err(_) => named_by_path(registry, path).into_iter().collect(),
    }
}

/// The resources an export from the fabric (a file of `<fabric>/cluster/`, content `bytes`)
/// holds, read as [`held_resources`] reads a managed file; a `kind: List` document (what
/// `kubectl get KIND -o yaml` writes for several objects) stands for its items, each at its
/// own line. A file that does not parse holds nothing: its path names no object.
pub fn exported_resources(
    registry: &Registry,
    ctx: &rules::Context,
    bytes: &[u8],
) -> Vec<Resource> {
    let Ok(documents) = manifest::parse(bytes) else {
        return Vec::new();
    };
    let mut held = Vec::new();
    for document in &documents {
        match list_items(&document.root) {
            Some(items) => {
                held.extend(items.iter().filter_map(|item| {
                    held_node(registry, ctx, item, item.pos.line, String::new())
                }))
            }
            None => held.extend(held_document(registry, ctx, &document.root, document)),
        }
    }
    held
}

/// The items of a `kind: List` (or `…List`) document, or `None` for any other document.
fn list_items(root: &Node) -> Option<&[Node]> {
    let Some(Node {
        value: Value::Str(kind),
        ..
    }) = root.value.get("kind")
    else {
        return None;
    };
    match root.value.get("items") {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) if kind.ends_with("List") => Some(items),
        _ => None,
    }
}

/// The resource `document` stands for, if it names a known kind and a name.
fn held_document(
    registry: &Registry,
    ctx: &rules::Context,
    root: &Node,
    document: &manifest::Document,
) -> Option<Resource> {
    held_node(
        registry,
        ctx,
        root,
        document.start_line,
        document.text.clone(),
    )
}

/// The resource the object `root` (at `line`, written as `text`) stands for, if it names a
/// known kind and a name.
fn held_node(
    registry: &Registry,
    ctx: &rules::Context,
    root: &Node,
    line: u32,
    text: String,
) -> Option<Resource> {
    let field = |key: &str| match root.value.get(key) {
        Some(Node {
            value: Value::Str(s),
            ..
        }) => Some(s.as_str()),
        _ => None,
    };
    let api_version = field("apiVersion")?;
    let kind = Kind::from_name(field("kind")?);
    let name = match root.value.get("metadata")?.value.get("name") {
        Some(Node {
            value: Value::Str(s),
            ..
        }) => s.clone(),
        _ => return None,
    };
    let Lookup::Known(known) = registry.lookup(api_version, &kind) else {
        return None;
    };
    let mut instance = root.to_json();
    admission::admit(&known.id.kind, &mut instance);
    let (_, object) = rules::admit_typed(&known.id.kind, &instance, ctx);
    Some(Resource {
        kind: known.id.kind.clone(),
        api_version: api_version.to_owned(),
        plural: known.id.plural.clone(),
        name,
        line,
        text,
        warnings: Vec::new(),
        object,
    })
}

/// The resource a managed path names (`…managed/<plural>/<name>.yaml`), unreadable: for a
/// file that cannot be read at all.
pub fn named_by_path(registry: &Registry, path: &str) -> Option<Resource> {
    let mut segments = path.rsplit('/');
    let file = segments.next()?;
    let plural = segments.next()?;
    let name = file
        .strip_suffix(".yaml")
        .or_else(|| file.strip_suffix(".yml"))?;
    let known = registry.kinds().iter().find(|k| k.id.plural == plural)?;
    Some(Resource {
        kind: known.id.kind.clone(),
        api_version: format!("{}/{}", known.id.group, known.id.version),
        plural: plural.to_owned(),
        name: name.to_owned(),
        line: 1,
        text: String::new(),
        warnings: Vec::new(),
        object: None,
    })
}

/// The warning of each object of `held` that cannot be read: the fabric holds it, and the
/// checks that need its contents are skipped until its file is fixed.
pub fn unreadable_warnings(held: &[Resource]) -> impl Iterator<Item = Finding> + '_ {
    held.iter()
        .filter(|resource| resource.object.is_none() && resource.kind.has_rules())
        .map(|resource| Finding {
            severity: Severity::Warning,
            ..Finding::at(
                resource.line,
                1,
                format!(
                    "the fabric holds {} `{}` from this file, but its contents cannot be read: the checks that need them (overlaps, ports, what refers to it) are skipped until this file is fixed",
                    resource.kind, resource.name
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, text: &str) -> Vec<Resource> {
        held_resources(
            &Registry::embedded(),
            &rules::Context::fabricator_defaults(),
            path,
            text.as_bytes(),
        )
    }

    #[test]
    fn an_object_with_an_unknown_field_is_held_with_its_contents() {
        let text = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnetz: {}\n  subnets:\n    default: {subnet: 10.0.1.0/24, vlan: 1001}\n";
        let held = read("managed/vpcs/vpc-1.yaml", text);
        assert_eq!(held.len(), 1);
        assert_eq!(
            (&held[0].kind, held[0].name.as_str()),
            (&Kind::Vpc, "vpc-1")
        );
        let Some(rules::Typed::Vpc(vpc)) = &held[0].object else {
            panic!("the VPC is read into its model");
        };
        assert_eq!(
            vpc.spec.subnets.as_ref().unwrap()["default"].subnet,
            "10.0.1.0/24"
        );
    }

    #[test]
    fn an_object_of_the_wrong_shape_is_held_unreadable() {
        let text = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets: [1, 2]\n";
        let held = read("managed/vpcs/vpc-1.yaml", text);
        assert_eq!(held.len(), 1);
        assert!(held[0].object.is_none());
    }

    #[test]
    fn a_file_that_does_not_parse_is_named_by_its_path() {
        let held = read("managed/vpcs/vpc-1.yaml", "kind: VPC\nmetadata: {name: [\n");
        assert_eq!(held.len(), 1);
        assert_eq!(
            (
                &held[0].kind,
                held[0].name.as_str(),
                held[0].object.is_none()
            ),
            (&Kind::Vpc, "vpc-1", true)
        );
        assert!(read("managed/nothing/x.yaml", "a: [\n").is_empty());
    }

    #[test]
    fn an_export_list_holds_its_items_each_at_its_line() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: vpc.githedgehog.com/v1beta1\n  kind: VPC\n  metadata: {name: vpc-1, resourceVersion: \"7\"}\n  spec: {}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n- apiVersion: wiring.githedgehog.com/v1beta1\n  kind: Server\n  metadata: {name: server-01}\n---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata: {name: server-02}\n";
        let held = exported_resources(
            &Registry::embedded(),
            &rules::Context::fabricator_defaults(),
            text.as_bytes(),
        );
        let named: Vec<(&Kind, &str, u32, bool)> = held
            .iter()
            .map(|r| (&r.kind, r.name.as_str(), r.line, r.object.is_some()))
            .collect();
        assert_eq!(
            named,
            [
                (&Kind::Vpc, "vpc-1", 4, true),
                (&Kind::Server, "server-01", 11, true),
                (&Kind::Server, "server-02", 15, true)
            ]
        );
    }

    #[test]
    fn documents_of_unknown_kinds_are_not_held() {
        assert!(
            read(
                "managed/vpcs/x.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
            )
            .is_empty()
        );
    }
}
