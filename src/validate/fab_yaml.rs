//! A fab.yaml read as hhfab reads it: strictly. The fabric config reader
//! (`rules::config_file`) takes only the fields admission depends on and fills the rest
//! from fabricator's defaults, so a misspelt section (`gatway:`) would silently read as
//! "gateway off"; hhfab decodes the file strictly (fabricator `pkg/util/apiutil/scheme.go:65`)
//! and refuses it. These findings say so first, at the line, before any rule trusts the
//! config.

use super::{finding_at, schema_errors};
use crate::finding::{Finding, rules};
use crate::kind::Kind;
use crate::manifest::{self, Node, Value};
use crate::schema;

/// The fabric modes fabricator knows (fabric `api/meta` `FabricModes`, checked by
/// fabricator `api/fabricator/v1beta1/fabricator_types.go:859-862` at e9b05b8d).
const FABRIC_MODES: &[&str] = &["spine-leaf"];

/// Every finding of the fabricator documents (`Fabricator`, `ControlNode`, `FabNode`) of a
/// fab.yaml, in file order: a field their CRD schema lacks, a value of the wrong type, a
/// fabric mode fabricator does not know. Other documents and YAML errors are left to the
/// config reader, which reports them.
pub fn fab_yaml_findings(bytes: &[u8]) -> Vec<Finding> {
    let Ok(documents) = manifest::parse(bytes) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for document in &documents {
        let root = &document.root;
        let text = |key: &str| match root.value.get(key).map(|n| &n.value) {
            Some(Value::Str(text)) => Some(text.as_str()),
            _ => None,
        };
        let (Some(api_version), Some(kind)) = (text("apiVersion"), text("kind")) else {
            continue;
        };
        let kind = Kind::from_name(kind);
        let Some(known) = schema::fab_yaml_kinds()
            .iter()
            .find(|k| k.id.kind == kind && k.id.api_version() == api_version)
        else {
            continue;
        };
        findings.extend(schema_errors::schema_findings(known, root, &root.to_json()));
        if kind == Kind::Fabricator {
            findings.extend(unknown_fabric_mode(root));
        }
    }
    findings.sort_by_key(|f| (f.line, f.col));
    findings
}

/// `spec.config.fabric.mode`, when it is set and not a mode fabricator knows.
fn unknown_fabric_mode(fabricator: &Node) -> Option<Finding> {
    let mode = ["spec", "config", "fabric", "mode"]
        .iter()
        .try_fold(fabricator, |node, key| node.value.get(key))?;
    let Value::Str(text) = &mode.value else {
        return None;
    };
    if text.is_empty() || FABRIC_MODES.contains(&text.as_str()) {
        return None;
    }
    Some(
        finding_at(
            mode.pos,
            "/spec/config/fabric/mode",
            format!(
                "`spec.config.fabric.mode: {text}` is not a fabric mode: write `{}` (fabricator refuses any other: invalid fabric mode)",
                FABRIC_MODES.join("` or `")
            ),
        )
        .with_rule(rules::SCHEMA_ENUM),
    )
}
