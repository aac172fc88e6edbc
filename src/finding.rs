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
        REF_WITHDRAWN = "ref/withdrawn": "A reference to an object this run will not have: the file that defines it is rejected, deleted by the change, moved out of managed/, or created at a later step of the change",
            "Fix the file the message names first, keep the object, give it a file of its own, or remove the reference, as the message says.";
        SWITCH_PROFILE_MISSING = "switch/profile-missing": "A switch names a SwitchProfile the fabric does not have (or, without a fabric config, may not have): not built in, or an opt-in one the config leaves off",
            "Set the switch's `profile` to one of the fabric's built-in profiles, or turn the opt-in profile on in the fabric config (the message names the field); give --fabric-config when the fabric has it.";
        SWITCH_PROFILE_MISMATCH = "switch/profile-mismatch": "A switch sets what its SwitchProfile does not support: a port, speed, breakout, auto-negotiation, FEC, port locator or feature, or more ports than the profile allows",
            "Use the ports, speeds, breakouts and features the message lists for the profile, or give the switch a profile that has them.";
        SWITCH_VLAN_NAMESPACE_OVERLAP = "switch/vlan-namespace-overlap": "A switch lists VLANNamespaces whose ranges overlap (or one namespace twice)",
            "List each VLANNamespace once, and drop one of two namespaces that share VLANs.";
        SWITCH_ADDRESS_IN_USE = "switch/address-in-use": "A switch's management IP, protocol IP or VTEP IP is already used by another switch or gateway",
            "Give each switch (and gateway) its own address, as hhfab does when it hydrates the wiring.";
        SWITCH_ASN_IN_USE = "switch/asn-in-use": "A leaf's ASN is already used by another leaf (that is not its MCLAG peer)",
            "Give each leaf its own ASN, as hhfab does when it hydrates the wiring.";
        SWITCH_MCLAG_PEER_MISMATCH = "switch/mclag-peer-mismatch": "A switch of an MCLAG pair has another ASN or VTEP IP than its peer",
            "Give both switches of the MCLAG pair the same ASN and VTEP IP.";
        SWITCH_HYDRATION_DROPPED = "switch/hydration-dropped": "An update of a switch drops hydration values (`asn`, `ip`, `protocolIP`, `vtepIP`) that the managed switch has",
            "Copy the values from the managed switch file the message names: nothing fills them between Git and the fabric.";
        SWITCH_IMMUTABLE = "switch/immutable": "An update of a switch changes what the fabric does not let change (`portBreakouts` while RoCEv2 is on)",
            "Keep the managed value, or turn `roce` off in an update of its own first.";
        CONNECTION_UNKNOWN_PORT = "connection/unknown-port": "A connection names a port its switch does not have (by its SwitchProfile and breakouts)",
            "Use a port of the switch's SwitchProfile, or break the port out into the lane named.";
        CONNECTION_REDUNDANCY = "connection/redundancy": "The switches of an MCLAG or ESLAG connection are not in one redundancy group of the connection's type",
            "Put the connection's switches in one redundancy group (`redundancy.group`) with the type the message gives, or connect switches of one group.";
        CONNECTION_PORT_IN_USE = "connection/port-in-use": "A port is already one end of another connection",
            "Pick a free port: a port is one end of one link.";
        CONNECTION_LINK_IP_IN_USE = "connection/link-ip-in-use": "A link IP is already used by another connection",
            "Give each link end its own address.";
        CONNECTION_IMMUTABLE = "connection/immutable": "An update of a connection changes what the fabric does not let change (its type, `withinVPC`)",
            "Give the new connection another name, and remove the old one from managed/ by hand.";
        VPC_SUBNET_OVERLAP = "vpc/subnet-overlap": "A VPC subnet (or hostBGP extra prefix) overlaps one of another VPC of the same IPv4Namespace",
            "Pick a prefix no other VPC of the IPv4Namespace uses: the VPCs of a namespace must not share addresses.";
        VPC_SUBNET_OUTSIDE_NAMESPACE = "vpc/subnet-outside-namespace": "A VPC subnet (or hostBGP extra prefix) lies outside every subnet of the VPC's IPv4Namespace",
            "Pick a prefix inside one of the IPv4Namespace's subnets, or widen the namespace.";
        VPC_VLAN_IN_USE = "vpc/vlan-in-use": "A VPC subnet's VLAN is already used by another VPC of the same VLANNamespace",
            "Pick a VLAN no other VPC of the VLANNamespace uses: a VLAN of a namespace belongs to one VPC.";
        VPC_VLAN_OUTSIDE_NAMESPACE = "vpc/vlan-outside-namespace": "A VPC subnet's VLAN is outside the ranges of the VPC's VLANNamespace",
            "Pick a VLAN from the VLANNamespace's ranges, or widen them.";
        VPC_DHCP_RELAY_SELF = "vpc/dhcp-relay-self": "A new VPC's subnet relays DHCP to the VPC itself, which does not exist yet",
            "Create the VPC first, then add `relayVPC` in a later change.";
        VPCATTACHMENT_SUBNET_MISSING = "vpcattachment/subnet-missing": "An attachment names a subnet its VPC does not have",
            "Attach one of the VPC's subnets (the message lists them), or add the subnet to the VPC.";
        VPCATTACHMENT_CONNECTION_TYPE = "vpcattachment/connection-type": "An attachment's Connection is not a server connection with switch ports",
            "Attach the subnet to an unbundled, bundled or ESLAG (up to 26.02 also MCLAG) connection, or fix the connection's links.";
        VPCATTACHMENT_MODE_UNSUPPORTED = "vpcattachment/mode-unsupported": "The VPC's mode is one the attachment's Connection or its switches' SwitchProfiles cannot carry",
            "Attach the subnet to a connection that carries the VPC's mode (on other switches), or change the VPC's mode.";
        VPCATTACHMENT_HOST_BGP = "vpcattachment/host-bgp": "A hostBGP subnet attached where hostBGP cannot go: a connection that is not unbundled, a switch with MCLAG, or with `nativeVLAN: true`",
            "Attach hostBGP subnets only to unbundled connections on switches without MCLAG, tagged (choose the VLAN in the VPC subnet).";
        VPCATTACHMENT_SWITCH_VLAN_NAMESPACE = "vpcattachment/switch-vlan-namespace": "A switch of the attachment's Connection does not have the VPC's VLANNamespace",
            "Add the VLANNamespace to the switch's `vlanNamespaces`, or attach a VPC of one of the switch's namespaces.";
        VPCATTACHMENT_DUPLICATE = "vpcattachment/duplicate": "The Connection is already attached to the subnet by another VPCAttachment",
            "Keep one of the two attachments.";
        VPCATTACHMENT_NATIVE_VLAN_IN_USE = "vpcattachment/native-vlan-in-use": "The Connection already carries a native VLAN, for another VPCAttachment",
            "Set `nativeVLAN: true` on at most one attachment per connection.";
        VPCPEERING_MODE_MISMATCH = "vpcpeering/mode-mismatch": "The peered VPCs have different modes (refused by Hedgehog 26.01)",
            "Peer VPCs of the same mode, or use a release that peers VPCs of different modes.";
        VPCPEERING_NAMESPACE_MISMATCH = "vpcpeering/namespace-mismatch": "The peered VPCs are in different IPv4Namespaces or VLANNamespaces",
            "Peer only VPCs of the same IPv4Namespace and VLANNamespace.";
        VPCPEERING_SUBNET_MISSING = "vpcpeering/subnet-missing": "A peering lists a subnet its VPC does not have",
            "Name one of the VPC's subnets (the message lists them), or list none to peer them all.";
        EXTERNALPEERING_NAMESPACE_MISMATCH = "externalpeering/namespace-mismatch": "The External and the VPC of an ExternalPeering are in different IPv4Namespaces",
            "Peer the VPC with an External of its own IPv4Namespace.";
        EXTERNALPEERING_SUBNET_MISSING = "externalpeering/subnet-missing": "An ExternalPeering lists a subnet its VPC does not have",
            "Name one of the VPC's subnets (the message lists them).";
        EXTERNALATTACHMENT_CONNECTION_TYPE = "externalattachment/connection-type": "An ExternalAttachment's Connection is not an `external` connection",
            "Attach the External to an `external` connection.";
        EXTERNALATTACHMENT_STATIC_MISMATCH = "externalattachment/static-mismatch": "An ExternalAttachment is static and its External a BGP one, or the other way round",
            "Make both static or both BGP: `static` for a static External, `switch` and `neighbor` for a BGP one.";
        EXTERNALATTACHMENT_VLAN_IN_USE = "externalattachment/vlan-in-use": "Another ExternalAttachment of the same Connection uses the same VLAN (or is untagged too)",
            "Give each attachment of a connection its own VLAN.";
        GATEWAY_ADDRESS_IN_USE = "gateway/address-in-use": "A gateway's protocol IP, VTEP IP or VTEP MAC is already used by another gateway or switch",
            "Pick a free address: gateways and switches share the ranges, and each needs its own.";
        GATEWAY_GROUP_FULL = "gateway/group-full": "A gateway group has as many gateways as the fabric config has gateway communities",
            "Add gateway communities (`spec.config.gateway.communities` in fab.yaml), or put the gateway in another group.";
        GATEWAYPEERING_EXPOSE_OUTSIDE_VPC = "gatewaypeering/expose-outside-vpc": "A VPC side of a GatewayPeering exposes a prefix inside none of the VPC's subnets",
            "Expose only prefixes inside the VPC's subnets: a VPC exposes only its own addresses.";
        GATEWAYPEERING_SUBNET_MISSING = "gatewaypeering/subnet-missing": "A GatewayPeering's `vpcSubnet` (exposed, or in an ACL rule) names a subnet its VPC does not have",
            "Name one of the VPC's subnets (the message lists them).";
        GATEWAYPEERING_EXPOSE_OVERLAP = "gatewaypeering/expose-overlap": "A prefix a GatewayPeering exposes to a side overlaps one another peering already exposes to it",
            "Expose prefixes that do not overlap (translate them with `as` and `nat` if the addresses clash).";
        GATEWAYPEERING_EXPOSE_WITHOUT_CIDR = "gatewaypeering/expose-without-cidr": "An exposed entry without a readable `cidr` toward a side another peering exposes to: the fabric's overlap check fails on it",
            "Write the exposed entries the message names as `cidr` entries.";
        IPV4NAMESPACE_STRANDS_VPCS = "ipv4namespace/strands-vpcs": "An update of an IPv4Namespace leaves subnets of VPCs already in the fabric outside its subnets",
            "Keep namespace subnets that cover the VPCs already in it, or change those VPCs' subnets in the same run.";
        VLANNAMESPACE_STRANDS_VPCS = "vlannamespace/strands-vpcs": "An update of a VLANNamespace leaves VLANs of VPCs already in the fabric outside its ranges",
            "Keep ranges that hold the VLANs of the VPCs already in the fabric, or change those VPCs' VLANs first.";
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
