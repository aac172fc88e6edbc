//! A `Finding` is one problem found in a file or document, with the place it points at, how
//! much it matters and the rule it breaks. Every stage reports problems this way so that
//! every printer can show `file:line:col`, and code scanning can follow one problem across
//! runs by its rule id.
//!
//! Rule ids are stable: they never hold a line, a value or an object's name. A finding gets
//! its id in one of two ways:
//! - explicitly, from the check that made it, for each class of problem that is not one
//!   field's rule: the ids of [`rules`] (`yaml/syntax`, `schema/unknown-field`,
//!   `name/too-long`, ...), each with its description and help;
//! - else derived from its JSON pointer: `field/` and the pointer as a dotted path, with
//!   list indexes and the keys of maps of user-named entries (subnets, permits, labels...)
//!   replaced by `*` (`/spec/subnets/db/vlan` is `field/spec.subnets.*.vlan`), or `file` for
//!   a finding about a whole file.

use std::borrow::Cow;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file is rejected: the fabric would refuse it, or it cannot be moved safely.
    #[default]
    Error,
    /// Reported, never blocks a move (unless warnings are denied): what the fabric only
    /// warns about, or what hhfab fills in before the fabric sees it.
    Warning,
}

impl Severity {
    /// The word printed before the message (`error`, `warning`).
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a file, located by line and column (1-based) and, for problems
/// inside a resource, by the JSON pointer of the offending node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line in the file.
    pub line: u32,
    /// 1-based column in the file.
    pub col: u32,
    /// JSON pointer inside the document (`/spec/subnets/a/vlan`); empty for file-level problems.
    pub pointer: String,
    /// What is wrong and, where it helps, what to do about it.
    pub message: String,
    /// Whether it rejects the file.
    pub severity: Severity,
    /// The class of problem, when the check that found it named one (one of [`rules`]);
    /// `None` means an id derived from the pointer (see [`Finding::rule_id`]).
    pub rule: Option<&'static str>,
    /// The `metadata.name` of the resource the finding is about, when it is one resource's
    /// own problem (its admission rules): reports group the same problem of many resources
    /// by it (the switches hhfab has not hydrated yet).
    pub object: Option<Box<str>>,
    /// The file whose rejection (or deletion) caused it, as its path is shown: a reference
    /// to an object that file defines. Reports show that file's findings first.
    pub caused_by: Option<Box<str>>,
    /// For a check of a change (a known base): whether the finding is the change's own (in
    /// a file it touches, or caused by it) rather than already on the base branch. `None`
    /// when no base is known.
    pub in_change: Option<bool>,
}

impl Finding {
    /// An error at `line:col` with no JSON pointer (syntax and file-level problems).
    pub fn at(line: u32, col: u32, message: impl Into<String>) -> Self {
        Finding {
            line,
            col,
            message: message.into(),
            ..Finding::default()
        }
    }

    /// The same finding, of the class `rule` (one of [`rules`]).
    #[must_use]
    pub fn with_rule(self, rule: &'static str) -> Self {
        Finding {
            rule: Some(rule),
            ..self
        }
    }

    /// The finding's stable rule id: the explicit one, else one derived from the pointer
    /// (see the module documentation).
    pub fn rule_id(&self) -> Cow<'static, str> {
        match self.rule {
            Some(rule) => Cow::Borrowed(rule),
            None if self.pointer.is_empty() => Cow::Borrowed(rules::FILE),
            None => Cow::Owned(format!("{FIELD_RULE_PREFIX}{}", field_path(&self.pointer))),
        }
    }

    /// Whether this finding rejects its file.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether a check of a change found it already on the base branch (not the change's
    /// own): then it never fails the run, not even as a denied warning.
    pub fn is_on_base(&self) -> bool {
        self.in_change == Some(false)
    }

    /// Formats the finding compiler-style: `path:line:col: error: message (at /pointer)`.
    pub fn display(&self, path: &str) -> String {
        self.display_labelled(path, self.severity.label())
    }

    /// [`Finding::display`] with `label` written for the severity: the text report passes
    /// the word in colour, so that only the label is ever coloured, never the message.
    pub fn display_labelled(&self, path: &str, label: &str) -> String {
        if self.pointer.is_empty() {
            format!(
                "{path}:{}:{}: {label}: {}",
                self.line, self.col, self.message
            )
        } else {
            format!(
                "{path}:{}:{}: {label}: {} (at {})",
                self.line, self.col, self.message, self.pointer
            )
        }
    }
}

/// What every derived, per-field rule id starts with.
pub(crate) const FIELD_RULE_PREFIX: &str = "field/";

/// Fields whose values are maps keyed by names the user picks (a VPC's subnets, a
/// gateway's interfaces, switch ports, labels): their keys are data, never part of a rule
/// id. These are the maps of the embedded schemas (a test keeps the list in step).
const USER_KEYED_MAPS: &[&str] = &[
    "annotations",
    "hostBGPExtraPrefixes",
    "interfaces",
    "labels",
    "peering",
    "portAutoNegs",
    "portBreakouts",
    "portFECs",
    "portGroupSpeeds",
    "portLocators",
    "portSpeeds",
    "static",
    "subnets",
    "tags",
];

/// Fields whose values are lists of such maps (a VPCPeering's `permit`: one map of VPC
/// names per entry).
const USER_KEYED_MAP_LISTS: &[&str] = &["permit"];

/// `/spec/subnets/db/dhcp/range/0/start` as `spec.subnets.*.dhcp.range.*.start`: list
/// indexes and the keys of user-keyed maps become `*`.
fn field_path(pointer: &str) -> String {
    let mut path: Vec<&str> = Vec::new();
    // How many segments from here on are user keys or indexes.
    let mut data_segments = 0;
    for segment in pointer.split('/').skip(1) {
        let is_index = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
        if data_segments > 0 || is_index {
            path.push("*");
            data_segments -= usize::from(data_segments > 0);
            continue;
        }
        path.push(segment);
        if USER_KEYED_MAPS.contains(&segment) {
            data_segments = 1;
        } else if USER_KEYED_MAP_LISTS.contains(&segment) {
            data_segments = 2;
        }
    }
    path.join(".")
}

/// One class of finding, as code scanning lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// The stable id (`schema/unknown-field`).
    pub id: &'static str,
    /// One line: what the problem is.
    pub description: &'static str,
    /// What to do about it.
    pub help: &'static str,
}

/// The explicit rule ids, each with its description and help: the one place a class of
/// finding is named.
pub mod rules {
    use super::RuleInfo;

    macro_rules! rule_ids {
        ($($name:ident = $id:literal: $description:literal, $help:literal;)*) => {
            $(
                #[doc = concat!("`", $id, "`: ", $description)]
                pub const $name: &str = $id;
            )*
            /// Every explicit rule, in the order above.
            pub const ALL: &[RuleInfo] = &[
                $(RuleInfo { id: $id, description: $description, help: $help },)*
            ];
        };
    }

    rule_ids! {
        FILE = "file": "The file cannot be checked as a whole",
            "The message says what is wrong with the file (unreadable, too large, empty, not a regular file, a resource twice); fix the file and check again.";
        YAML_SYNTAX = "yaml/syntax": "The file is not valid YAML, or YAML that Kubernetes tools would read differently",
            "Fix the YAML at the line and column shown (the message says how); every document of the file must parse before any resource in it is checked.";
        SCHEMA_UNKNOWN_FIELD = "schema/unknown-field": "A field the resource's CRD schema does not have",
            "Remove the field or fix its spelling (the message names the field it probably meant); the API server would drop or refuse it.";
        SCHEMA_NOT_ALLOWED = "schema/not-allowed": "A field the schema forbids here",
            "Remove the field.";
        SCHEMA_REQUIRED = "schema/required": "A required field is missing",
            "Add the field the message names.";
        SCHEMA_TYPE = "schema/type": "A value of the wrong type",
            "Give the value the type the schema expects (a number not in quotes, a list, a mapping...).";
        SCHEMA_ENUM = "schema/enum": "A value outside the allowed set",
            "Use one of the values the message lists.";
        SCHEMA_FORMAT = "schema/format": "A value that does not match the schema's pattern or format",
            "Write the value in the form the message gives.";
        SCHEMA_RANGE = "schema/range": "A number or length outside the schema's limits",
            "Bring the value within the limits the message gives.";
        SCHEMA_INVALID = "schema/invalid": "The resource breaks its CRD schema",
            "Fix the value at the pointer as the message says.";
        KIND_UNKNOWN = "kind/unknown": "A kind or apiVersion hh-gitops does not check",
            "Use a Hedgehog kind and version (`hh-gitops schemas list`), or remove the resource.";
        KIND_LIST = "kind/list": "A `kind: List` of several objects, as `kubectl get -o yaml` writes them",
            "Write each item as a YAML document of its own (`yq '.items[] | split_doc' FILE`): each moves to a managed file of its own.";
        KIND_FABRIC_MANAGED = "kind/fabric-managed": "A kind the fabric manages itself",
            "Remove it from the repository: the fabric creates and updates it.";
        NAME_INVALID = "name/invalid": "metadata.name is not a valid Kubernetes name",
            "Use a lowercase RFC 1123 subdomain: a-z, 0-9, `-` and `.`, starting and ending with a letter or digit.";
        NAME_TOO_LONG = "name/too-long": "metadata.name is longer than its kind allows",
            "Shorten the name to the limit the message gives.";
        NAME_RESERVED = "name/reserved": "metadata.name uses a reserved prefix",
            "Rename the resource without the prefix.";
        NAMESPACE_UNSUPPORTED = "name/namespace": "A namespace Hedgehog does not support",
            "Remove metadata.namespace or set it to `default`.";
        EXPORT_IDENTITY = "export/identity": "A `metadata.resourceVersion` or `metadata.uid` from a `kubectl get -o yaml` export",
            "Delete the lines the message names: `kubectl apply` refuses a resourceVersion on create and a stale one on update, and a uid that is not the live object's.";
        EXPORT_FIELDS = "export/server-fields": "Fields the API server writes (status, creationTimestamp, managedFields, ...), from a `kubectl get -o yaml` export",
            "Delete the lines the message names: the fabric fills these in.";
        REF_MISSING = "ref/missing": "A reference to an object that is in none of the fabric's managed/, cluster/ and raw/",
            "Add the object, export it from the fabric into the fabric's cluster/ folder (see the README), or fix the name: the checks that need it are skipped until then. A warning with `--references warn`, an error with `--references strict` or `ref/missing: error` in the repository config.";
        REF_TYPO = "ref/typo": "A reference to a missing object whose name is one edit away from an object of that kind in the fabric",
            "Use the name the message suggests (the fabric would refuse the reference as it is), or add the object it names.";
        SWITCH_HYDRATION = "switch/hydration": "A switch without the values hhfab fills when it hydrates the wiring (`asn`, `ip`, `protocolIP`, a leaf's `vtepIP`)",
            "Nothing to do when hhfab applies the wiring: it fills them. When the repository's switches are applied as they are (GitOps without hhfab), set them as `hhfab` would: unique per switch, inside the fabric config's subnets.";
        METADATA_LABEL = "metadata/label": "A label key or value the Kubernetes API server refuses",
            "A key is a name of at most 63 alphanumeric characters, `-`, `_` or `.` (starting and ending alphanumeric), optionally after a lowercase DNS subdomain and `/`; a value is empty or at most 63 such characters.";
        METADATA_ANNOTATION = "metadata/annotation": "An annotation key the Kubernetes API server refuses, or annotations over its total size",
            "A key is a name of at most 63 alphanumeric characters, `-`, `_` or `.` (starting and ending alphanumeric), optionally after a DNS subdomain and `/`; keys and values together stay within 262144 bytes (256 KiB).";
    }

    /// The description and help of `id`: an explicit rule's own, or for a derived per-field
    /// id the words shared by every rule of the fabric's admission webhooks.
    pub fn info(id: &str) -> RuleInfo {
        ALL.iter().copied().find(|rule| rule.id == id).unwrap_or(RuleInfo {
            id: "",
            description: "A Hedgehog admission rule on this field",
            help: "The fabric's admission webhooks would refuse (or warn about) this value: fix the field at the pointer as the message says.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_pointer(pointer: &str) -> Finding {
        Finding {
            pointer: pointer.to_owned(),
            ..Finding::at(3, 5, "m")
        }
    }

    #[test]
    fn derived_rule_ids_hold_no_names_and_no_indexes() {
        for (pointer, id) in [
            ("/spec/subnets/db/vlan", "field/spec.subnets.*.vlan"),
            ("/spec/subnets/subnets/vlan", "field/spec.subnets.*.vlan"),
            (
                "/spec/subnets/db/dhcp/range/0/start",
                "field/spec.subnets.*.dhcp.range.*.start",
            ),
            (
                "/spec/permit/1/vpc-1/subnets",
                "field/spec.permit.*.*.subnets",
            ),
            ("/spec/portSpeeds/E1~11", "field/spec.portSpeeds.*"),
            ("/metadata/labels/a~1b", "field/metadata.labels.*"),
            ("/spec", "field/spec"),
        ] {
            assert_eq!(at_pointer(pointer).rule_id(), id, "{pointer}");
        }
        assert_eq!(Finding::at(1, 1, "empty").rule_id(), "file");
    }

    /// Every map of the embedded schemas (`type: object` with `additionalProperties` a
    /// schema) is keyed by user data, so its field is in [`USER_KEYED_MAPS`] (or, for a list
    /// of maps, [`USER_KEYED_MAP_LISTS`]).
    #[test]
    fn the_user_keyed_maps_are_those_of_the_embedded_schemas() {
        fn walk(schema: &serde_json::Value, field: &str, in_list: bool, out: &mut Vec<String>) {
            let additional = schema.get("additionalProperties");
            if schema.get("type").and_then(|t| t.as_str()) == Some("object")
                && additional.is_some_and(serde_json::Value::is_object)
            {
                out.push(format!("{field}{}", if in_list { "[]" } else { "" }));
            }
            for (name, property) in schema
                .get("properties")
                .and_then(|p| p.as_object())
                .into_iter()
                .flatten()
            {
                walk(property, name, false, out);
            }
            if let Some(items) = schema.get("items") {
                walk(items, field, true, out);
            }
            if let Some(additional) = additional.filter(|a| a.is_object()) {
                walk(additional, "*", false, out);
            }
        }
        let registry = crate::schema::Registry::embedded();
        let mut maps = Vec::new();
        for kind in registry.kinds() {
            walk(kind.schema().unwrap(), "", false, &mut maps);
        }
        maps.sort_unstable();
        maps.dedup();
        let mut expected: Vec<String> = USER_KEYED_MAPS
            .iter()
            .map(|m| (*m).to_owned())
            .chain(USER_KEYED_MAP_LISTS.iter().map(|m| format!("{m}[]")))
            .collect();
        expected.sort_unstable();
        assert_eq!(maps, expected);
    }

    #[test]
    fn an_explicit_rule_wins_and_every_explicit_rule_is_described_once() {
        let finding = at_pointer("/spec/x").with_rule(rules::SCHEMA_UNKNOWN_FIELD);
        assert_eq!(finding.rule_id(), "schema/unknown-field");
        let mut ids: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules::ALL.len());
        assert_eq!(
            rules::info("name/too-long").description,
            "metadata.name is longer than its kind allows"
        );
        assert_eq!(rules::info("field/spec.vlan").id, "");
    }
}
