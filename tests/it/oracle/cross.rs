//! The cross-object subjects: each object of a small consistent fabric
//! (`tests/fixtures/oracle/fabric.yaml`, every object of which Hedgehog accepts against the
//! others), varied in ways that break the rules between objects, and admitted against the
//! rest of the fabric: by hh-gitops as a raw file of a fabric whose managed/ holds the rest
//! (`--references strict`), by hhoracle with `kube: true` and the rest as its cluster.
//!
//! The variations of one object:
//! - every single-field mutation of `mutations` (prefix lengths, numbers at the edges, ...);
//! - each field given the value another object of the same kind has there (another VPC's
//!   subnet or VLAN, another connection's port or link address, another attachment's
//!   connection): the overlaps and reuses the uniqueness rules exist for;
//! - each port given every other port of the fabric;
//! - the object as written, with one other object of the fabric missing: references to
//!   objects that do not exist.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use hh_gitops::manifest;
use hh_gitops::rules::Release;

/// The fabric's objects, in file order, followed by those only the oracle's release has:
/// against 26.01 and 26.02, which still validate MCLAG, the MCLAG objects of
/// `tests/oracle/mclag.yaml` (26.03 no longer accepts them); against 26.03, the objects of
/// `tests/oracle/v26.03.yaml`, whose fields older releases lack.
pub fn fabric() -> Vec<Value> {
    let mut objects = objects_of(&crate::common::fixtures().join("oracle/fabric.yaml"));
    let extra = match super::release() {
        _ if !super::release_named() => None,
        // fabric v0.120.3 api/wiring/v1beta1/connection_types.go:553-605 and 900-975
        // validate MCLAG (v0.115.4 alike); fabric v0.129.1 connection_types.go:755 warns.
        Release::V26_01 | Release::V26_02 => Some("mclag.yaml"),
        // fabric v0.129.1 api/vpc/v1beta1/vpc_types.go:105-116: the hostBGP prefix fields.
        Release::V26_03 => Some("v26.03.yaml"),
    };
    if let Some(file) = extra {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle");
        objects.extend(objects_of(&folder.join(file)));
    }
    objects
}

/// The documents of a YAML file, as JSON.
fn objects_of(path: &Path) -> Vec<Value> {
    manifest::parse(&std::fs::read(path).unwrap())
        .unwrap()
        .into_iter()
        .map(|document| document.root.to_json())
        .collect()
}

/// `kind/name` of an object, for labels.
pub fn label(object: &Value) -> String {
    format!(
        "{}/{}",
        object["kind"].as_str().unwrap_or_default(),
        object["metadata"]["name"].as_str().unwrap_or_default()
    )
}

/// Every scalar of `value` with its JSON pointer.
fn leaves(value: &Value, pointer: String, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                leaves(child, format!("{pointer}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                leaves(child, format!("{pointer}/{i}"), out);
            }
        }
        scalar => out.push((pointer, scalar.clone())),
    }
}

/// Whether a string is a switch or server port (`<device>/<port>`).
fn is_port(text: &str) -> bool {
    text.split_once('/')
        .is_some_and(|(device, port)| !device.is_empty() && !port.is_empty() && !text.contains('.'))
}

/// The variations of the fabric object at `index` (see the module documentation), each with
/// a description and the cluster it is admitted against (the rest of the fabric, or less).
pub fn variations(objects: &[Value], index: usize) -> Vec<(String, Value, Vec<Value>)> {
    let subject = &objects[index];
    let rest: Vec<Value> = objects
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, o)| o.clone())
        .collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |what: String, object: Value, cluster: &Vec<Value>| {
        if seen.insert((serde_json::to_string(&object).unwrap(), cluster.len())) {
            out.push((what, object, cluster.clone()));
        }
    };
    push("as written".into(), subject.clone(), &rest);
    for (edit, mutated) in super::mutations::mutations(subject) {
        push(edit, mutated, &rest);
    }
    let mut own = Vec::new();
    leaves(subject, String::new(), &mut own);
    let mut ports = BTreeSet::new();
    for object in objects {
        let mut all = Vec::new();
        leaves(object, String::new(), &mut all);
        ports.extend(
            all.into_iter()
                .filter_map(|(_, v)| v.as_str().filter(|s| is_port(s)).map(str::to_owned)),
        );
    }
    for (pointer, value) in &own {
        if pointer.starts_with("/metadata") || pointer == "/kind" || pointer == "/apiVersion" {
            continue;
        }
        let mut borrowed = BTreeSet::new();
        for other in rest.iter().filter(|o| o["kind"] == subject["kind"]) {
            if let Some(theirs) = other.pointer(pointer)
                && theirs != value
                && !theirs.is_object()
                && !theirs.is_array()
            {
                borrowed.insert(serde_json::to_string(theirs).unwrap());
            }
        }
        if value.as_str().is_some_and(is_port) {
            borrowed.extend(ports.iter().map(|p| serde_json::to_string(p).unwrap()));
        }
        for text in borrowed {
            let new: Value = serde_json::from_str(&text).unwrap();
            if &new == value {
                continue;
            }
            let mut mutated = subject.clone();
            *mutated.pointer_mut(pointer).unwrap() = new;
            push(format!("{pointer} = {text}"), mutated, &rest);
        }
    }
    for (i, missing) in rest.iter().enumerate() {
        let cluster: Vec<Value> = rest
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, o)| o.clone())
            .collect();
        out.push((
            format!("without {}", label(missing)),
            subject.clone(),
            cluster,
        ));
    }
    out
}
