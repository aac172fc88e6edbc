//! JSON merge patches (RFC 7396): how the binary carries what differs between Hedgehog
//! releases compactly, and the patches of the embedded schemas. A patch is an object whose
//! members replace, add or (with `null`) remove members of the target; any other patch
//! replaces the target whole. The schemas and the built-in SwitchProfiles contain no
//! `null`, so a patch can express any change.

use std::sync::LazyLock;

use serde_json::Value;

use crate::release::Release;

/// What each release changes in the base schemas: schema file name to merge patch.
const RELEASE_PATCHES: [(Release, &str); 3] = [
    (
        Release::V26_01,
        include_str!("../../schemas/releases/26.01.json"),
    ),
    (
        Release::V26_02,
        include_str!("../../schemas/releases/26.02.json"),
    ),
    (
        Release::V26_03,
        include_str!("../../schemas/releases/26.03.json"),
    ),
];

/// [`RELEASE_PATCHES`], parsed on first use. The data is checked in and tested, so a
/// failure is a build defect, not a user error.
static PATCHES: LazyLock<Vec<(Release, Value)>> = LazyLock::new(|| {
    RELEASE_PATCHES
        .iter()
        .map(|(release, text)| {
            let patches = serde_json::from_str(text).unwrap_or_else(|e| {
                panic!("the embedded schema patches of {release} do not read: {e}")
            });
            (*release, patches)
        })
        .collect()
});

/// The merge patch that turns the base schema `file_name` into `release`'s, if it differs.
pub fn for_release(release: Release, file_name: &str) -> Option<&'static Value> {
    PATCHES
        .iter()
        .find(|(r, _)| *r == release)
        .and_then(|(_, patches)| patches.get(file_name))
}

/// The schema file names `release`'s patches change.
pub fn file_names(release: Release) -> impl Iterator<Item = &'static String> {
    PATCHES
        .iter()
        .filter(move |(r, _)| *r == release)
        .filter_map(|(_, patches)| patches.as_object())
        .flat_map(|patches| patches.keys())
}

/// The fields (dotted paths, `*` for any key of a map) that `newer` has and `older` lacks,
/// outermost only: what a schema of an older release refuses as unknown.
pub fn fields_missing(older: &Value, newer: &Value) -> Vec<String> {
    let mut out = Vec::new();
    missing_under(older, newer, "", &mut out);
    out
}

fn missing_under(older: &Value, newer: &Value, path: &str, out: &mut Vec<String>) {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(properties) = newer.get("properties").and_then(Value::as_object) {
        for (name, schema) in properties {
            match older.get("properties").and_then(|p| p.get(name)) {
                Some(old) => missing_under(old, schema, &join(name), out),
                None => out.push(join(name)),
            }
        }
    }
    if let (Some(old), Some(new)) = (
        older.get("additionalProperties"),
        newer.get("additionalProperties"),
    ) {
        missing_under(old, new, &join("*"), out);
    }
}

/// Applies `patch` to `target` (RFC 7396 `MergePatch`).
pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(object) = target else {
        unreachable!("made an object above")
    };
    for (key, value) in members {
        if value.is_null() {
            object.remove(key);
        } else {
            merge(object.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_fields_are_the_outermost_properties_only_the_newer_schema_has() {
        let older = json!({"properties": {"spec": {"properties": {
            "a": {"type": "string"},
            "m": {"additionalProperties": {"properties": {"x": {}}}}
        }}}});
        let newer = json!({"properties": {"spec": {"properties": {
            "a": {"type": "string"},
            "b": {"properties": {"c": {}}},
            "m": {"additionalProperties": {"properties": {"x": {}, "y": {}}}}
        }}}});
        assert_eq!(fields_missing(&older, &newer), ["spec.b", "spec.m.*.y"]);
        assert!(fields_missing(&newer, &older).is_empty());
    }

    /// The examples of RFC 7396, appendix A.
    #[test]
    fn the_rfc_examples() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (
                json!({"a": "b", "b": "c"}),
                json!({"a": null}),
                json!({"b": "c"}),
            ),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a": "b"}), json!(["c"]), json!(["c"])),
            (json!({"a": "foo"}), json!("bar"), json!("bar")),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ];
        for (mut target, patch, want) in cases {
            merge(&mut target, &patch);
            assert_eq!(target, want, "patch {patch}");
        }
    }
}
