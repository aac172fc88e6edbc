//! Conversion of Kubernetes CustomResourceDefinitions into strict JSON Schemas (draft-07).
//! Pure: CRD documents in, schema values out; `hh-gitops schemas import` does the I/O.
//!
//! Rules: objects are closed (`additionalProperties: false`) unless the CRD gives them
//! `additionalProperties` or `x-kubernetes-preserve-unknown-fields`; `apiVersion` and `kind`
//! are pinned; `pattern`, `enum`, bounds and `required` are kept; `format` is dropped (the
//! CRDs write `format: int32` on 4-byte ASNs that Go accepts, so it is informational);
//! descriptions and defaults are dropped (they do not validate). The walk is structural:
//! only values under `properties` are property names, so Hedgehog properties literally
//! named `default`, `type`, `not` or `description` are handled like any other.

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

use crate::kind::Kind;
use crate::limits::MAX_NAME_LENGTH;
use crate::names::{is_rfc1123_label, is_rfc1123_subdomain};

/// The identity of a kind, as written into each generated schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindId {
    /// API group, e.g. `vpc.githedgehog.com`.
    pub group: String,
    /// API version, e.g. `v1beta1`.
    pub version: String,
    /// Kind, e.g. `VPC`.
    pub kind: Kind,
    /// Plural resource name, e.g. `vpcs`: the `managed/` directory of the kind.
    pub plural: String,
}

impl KindId {
    /// `group/version`, as written in `apiVersion`.
    pub fn api_version(&self) -> String {
        format!("{}/{}", self.group, self.version)
    }

    /// The file name of this kind's schema: `<plural>.<group>_<version>.json`.
    pub fn file_name(&self) -> String {
        format!("{}.{}_{}.json", self.plural, self.group, self.version)
    }

    /// Why this identity cannot name the folders and files built from it, or `None`.
    ///
    /// The plural becomes `managed/<plural>/` and all three become a schema file name, so
    /// each must hold the shape Kubernetes itself requires of it (plural and version: a
    /// lowercase RFC 1123 label; group: an RFC 1123 subdomain); then none can hold `/`, be
    /// `.` or `..`, or leave the folder it is joined to.
    pub fn path_problem(&self) -> Option<String> {
        if !is_rfc1123_label(&self.plural) {
            return Some(format!(
                "the plural `{}` is not a lowercase RFC 1123 label: it names the kind's folder under managed/, so use a-z, 0-9 and `-` (at most 63 characters, starting and ending with a letter or digit), like `vpcs`",
                self.plural
            ));
        }
        if !is_rfc1123_label(&self.version) {
            return Some(format!(
                "the version `{}` is not a lowercase RFC 1123 label (like `v1beta1`)",
                self.version
            ));
        }
        if self.group.len() > MAX_NAME_LENGTH || !is_rfc1123_subdomain(&self.group) {
            return Some(format!(
                "the group `{}` is not a lowercase RFC 1123 subdomain (like `vpc.githedgehog.com`)",
                self.group
            ));
        }
        None
    }
}

/// The extension keyword that records which kind a schema file describes (the same
/// keyword Kubernetes' own OpenAPI documents use).
pub const GVK_KEYWORD: &str = "x-kubernetes-group-version-kind";
/// The extension keyword that records the plural name of a schema file's kind.
pub const PLURAL_KEYWORD: &str = "x-hh-gitops-plural";

/// Reads the kind identity recorded in a generated schema.
pub fn kind_of(schema: &Value) -> Option<KindId> {
    let gvk = schema.get(GVK_KEYWORD)?.get(0)?;
    Some(KindId {
        group: gvk.get("group")?.as_str()?.to_owned(),
        version: gvk.get("version")?.as_str()?.to_owned(),
        kind: Kind::from_name(gvk.get("kind")?.as_str()?),
        plural: schema.get(PLURAL_KEYWORD)?.as_str()?.to_owned(),
    })
}

/// Converts one CRD document into one schema per served version.
pub fn convert_crd(crd: &Value) -> Result<Vec<(KindId, Value)>> {
    if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
        bail!(
            "not a CustomResourceDefinition (kind is {})",
            crd.get("kind").unwrap_or(&Value::Null)
        );
    }
    let spec = crd.get("spec").context("CRD has no spec")?;
    let text = |v: Option<&Value>, what: &str| -> Result<String> {
        v.and_then(Value::as_str)
            .map(str::to_owned)
            .with_context(|| format!("CRD has no {what}"))
    };
    let group = text(spec.get("group"), "spec.group")?;
    let names = spec.get("names").context("CRD has no spec.names")?;
    let kind = text(names.get("kind"), "spec.names.kind")?;
    let plural = text(names.get("plural"), "spec.names.plural")?;
    let versions = spec
        .get("versions")
        .and_then(Value::as_array)
        .context("CRD has no spec.versions")?;
    let mut out = Vec::new();
    for version in versions {
        if version.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let name = text(version.get("name"), "version name")?;
        let schema = version
            .pointer("/schema/openAPIV3Schema")
            .with_context(|| format!("version {name} has no schema.openAPIV3Schema"))?;
        let id = KindId {
            group: group.clone(),
            version: name,
            kind: Kind::from_name(&kind),
            plural: plural.clone(),
        };
        if let Some(problem) = id.path_problem() {
            bail!(
                "{problem}; Kubernetes would refuse this CRD (spec.names.plural, spec.group, spec.versions[].name)"
            );
        }
        let converted = convert_root(&id, schema);
        out.push((id, converted));
    }
    Ok(out)
}

/// Converts the root schema: pins `apiVersion`/`kind`, closes `metadata` to ObjectMeta.
fn convert_root(id: &KindId, schema: &Value) -> Value {
    let mut root = convert(schema);
    let object = root.as_object_mut().expect("convert returns an object");
    let properties = object
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("properties is an object");
    properties.insert(
        "apiVersion".into(),
        json!({"type": "string", "const": id.api_version()}),
    );
    properties.insert("kind".into(), json!({"type": "string", "const": id.kind}));
    properties.insert("metadata".into(), object_meta());
    let mut required: Vec<String> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    required.extend(["apiVersion", "kind", "metadata"].map(String::from));
    required.sort();
    required.dedup();
    object.insert("required".into(), json!(required));
    object.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    object.insert(
        GVK_KEYWORD.into(),
        json!([{"group": id.group, "kind": id.kind, "version": id.version}]),
    );
    object.insert(PLURAL_KEYWORD.into(), json!(id.plural));
    root
}

/// Kubernetes ObjectMeta as found in authored files and in `kubectl get -o yaml` exports.
fn object_meta() -> Value {
    let string = json!({"type": "string"});
    let string_map = json!({"type": "object", "additionalProperties": {"type": "string"}});
    let objects = json!({"type": "array", "items": {"type": "object"}});
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
            "name": string,
            "namespace": string,
            "generateName": string,
            "labels": string_map,
            "annotations": string_map,
            "uid": string,
            "resourceVersion": string,
            "generation": {"type": "integer"},
            "creationTimestamp": string,
            "deletionTimestamp": string,
            "deletionGracePeriodSeconds": {"type": "integer"},
            "selfLink": string,
            "finalizers": {"type": "array", "items": string},
            "ownerReferences": objects,
            "managedFields": objects,
        }
    })
}

/// Keywords copied unchanged from OpenAPI v3 to JSON Schema draft-07.
const COPIED: &[&str] = &[
    "required",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minProperties",
    "maxProperties",
    "uniqueItems",
    "multipleOf",
];

/// Converts one OpenAPI v3 schema node.
fn convert(schema: &Value) -> Value {
    let Some(node) = schema.as_object() else {
        return json!({});
    };
    let mut out = Map::new();
    let flag = |key: &str| node.get(key).and_then(Value::as_bool) == Some(true);
    if flag("x-kubernetes-int-or-string") {
        out.insert("type".into(), json!(["integer", "string"]));
    } else if let Some(ty) = node.get("type").and_then(Value::as_str) {
        if flag("nullable") {
            out.insert("type".into(), json!([ty, "null"]));
        } else {
            out.insert("type".into(), json!(ty));
        }
    }
    for key in COPIED {
        if let Some(value) = node.get(*key) {
            out.insert((*key).into(), value.clone());
        }
    }
    // OpenAPI v3.0 writes exclusive bounds as booleans beside minimum/maximum.
    for (flag_key, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if flag(flag_key)
            && let Some(value) = out.remove(bound)
        {
            out.insert(flag_key.into(), value);
        }
    }
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        let converted: Map<String, Value> = properties
            .iter()
            .map(|(name, s)| (name.clone(), convert(s)))
            .collect();
        out.insert("properties".into(), Value::Object(converted));
    }
    match node.get("additionalProperties") {
        Some(Value::Bool(b)) => {
            out.insert("additionalProperties".into(), json!(b));
        }
        Some(value @ Value::Object(_)) => {
            out.insert("additionalProperties".into(), convert(value));
        }
        _ => {
            let is_object = node.get("type").and_then(Value::as_str) == Some("object")
                || node.contains_key("properties");
            if is_object && !flag("x-kubernetes-preserve-unknown-fields") {
                out.insert("additionalProperties".into(), json!(false));
            }
        }
    }
    if let Some(items) = node.get("items").filter(|i| i.is_object()) {
        out.insert("items".into(), convert(items));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = node.get(key).and_then(Value::as_array) {
            out.insert(key.into(), Value::Array(list.iter().map(convert).collect()));
        }
    }
    if let Some(not) = node.get("not").filter(|n| n.is_object()) {
        out.insert("not".into(), convert(not));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd(schema: Value) -> Value {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "spec": {
                "group": "example.githedgehog.com",
                "names": {"kind": "Thing", "plural": "things"},
                "versions": [{"name": "v1", "served": true, "schema": {"openAPIV3Schema": schema}}]
            }
        })
    }

    fn convert_one(schema: Value) -> Value {
        convert_crd(&crd(schema)).unwrap().remove(0).1
    }

    #[test]
    fn objects_are_closed_and_identity_pinned() {
        let out = convert_one(json!({
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}}}
        }));
        assert_eq!(out["additionalProperties"], json!(false));
        assert_eq!(
            out["properties"]["spec"]["additionalProperties"],
            json!(false)
        );
        assert_eq!(
            out["properties"]["apiVersion"]["const"],
            json!("example.githedgehog.com/v1")
        );
        assert_eq!(out["properties"]["kind"]["const"], json!("Thing"));
        assert_eq!(out["required"], json!(["apiVersion", "kind", "metadata"]));
        let id = kind_of(&out).unwrap();
        assert_eq!(id.file_name(), "things.example.githedgehog.com_v1.json");
    }

    #[test]
    fn maps_and_preserved_objects_stay_open() {
        let out = convert_one(json!({
            "type": "object",
            "properties": {
                "map": {"type": "object", "additionalProperties": {"type": "integer", "format": "int32"}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "empty": {"type": "object"}
            }
        }));
        let props = &out["properties"];
        assert_eq!(
            props["map"]["additionalProperties"],
            json!({"type": "integer"})
        );
        assert!(props["free"].get("additionalProperties").is_none());
        assert_eq!(props["empty"]["additionalProperties"], json!(false));
    }

    #[test]
    fn keyword_named_properties_are_properties() {
        let out = convert_one(json!({
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {
                "default": {"type": "boolean", "description": "x"},
                "not": {"type": "string"},
                "type": {"type": "string", "enum": ["mclag", "eslag"]},
                "description": {"type": "string"}
            }}}
        }));
        let spec = &out["properties"]["spec"]["properties"];
        assert_eq!(spec["default"], json!({"type": "boolean"}));
        assert_eq!(spec["not"], json!({"type": "string"}));
        assert_eq!(spec["type"]["enum"], json!(["mclag", "eslag"]));
        assert_eq!(spec["description"], json!({"type": "string"}));
    }

    #[test]
    fn bounds_patterns_nullable_and_int_or_string() {
        let out = convert_one(json!({
            "type": "object",
            "required": ["spec"],
            "properties": {"spec": {"type": "object", "properties": {
                "n": {"type": "integer", "minimum": 1, "maximum": 50, "exclusiveMaximum": true},
                "s": {"type": "string", "pattern": "^a$", "nullable": true},
                "p": {"x-kubernetes-int-or-string": true},
                "l": {"type": "array", "minItems": 1, "items": {"type": "object", "properties": {}}}
            }}}
        }));
        let spec = &out["properties"]["spec"]["properties"];
        assert_eq!(
            spec["n"],
            json!({"type": "integer", "minimum": 1, "exclusiveMaximum": 50})
        );
        assert_eq!(
            spec["s"],
            json!({"type": ["string", "null"], "pattern": "^a$"})
        );
        assert_eq!(spec["p"], json!({"type": ["integer", "string"]}));
        assert_eq!(spec["l"]["items"]["additionalProperties"], json!(false));
        assert_eq!(
            out["required"],
            json!(["apiVersion", "kind", "metadata", "spec"])
        );
    }

    #[test]
    fn identities_that_would_leave_their_folder_are_refused() {
        let with_plural = |plural: &str| {
            let mut crd = crd(json!({"type": "object"}));
            crd["spec"]["names"]["plural"] = json!(plural);
            convert_crd(&crd).map(|_| ()).unwrap_err().to_string()
        };
        for plural in ["../../x", "/", ".", "..", "", "VPCs", "a/b", "a.b"] {
            assert!(
                with_plural(plural).starts_with(&format!(
                    "the plural `{plural}` is not a lowercase RFC 1123 label"
                )),
                "{plural}: {}",
                with_plural(plural)
            );
        }
        let mut bad_group = crd(json!({"type": "object"}));
        bad_group["spec"]["group"] = json!("../up");
        assert!(
            convert_crd(&bad_group)
                .unwrap_err()
                .to_string()
                .starts_with("the group `../up` is not")
        );
        let mut bad_version = crd(json!({"type": "object"}));
        bad_version["spec"]["versions"][0]["name"] = json!("v1/../../x");
        assert!(
            convert_crd(&bad_version)
                .unwrap_err()
                .to_string()
                .starts_with("the version `v1/../../x` is not")
        );
    }

    #[test]
    fn non_crds_are_refused() {
        assert!(convert_crd(&json!({"kind": "ConfigMap"})).is_err());
    }
}
