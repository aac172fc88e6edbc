//! The cross-object ExternalAttachment rules against a small fabric.

use serde_json::{Value, json};

use crate::kind::Kind;
use crate::rules::state::{FabricState, References};
use crate::rules::{Context, CrossViolation, Severity, admit_typed, cross_check};

fn object(path: &str, kind: &str, name: &str, spec: Value) -> (String, Value) {
    let group = if kind == "Connection" {
        "wiring"
    } else {
        "vpc"
    };
    (
        path.to_owned(),
        json!({"apiVersion": format!("{group}.githedgehog.com/v1beta1"), "kind": kind,
               "metadata": {"name": name}, "spec": spec}),
    )
}

/// A BGP and a static External, an external and a staticExternal Connection, and a
/// static attachment on VLAN 100 of the external Connection.
fn fabric() -> Vec<(String, Value)> {
    vec![
        object(
            "managed/externals/bgp.yaml",
            "External",
            "bgp",
            json!({"inboundCommunity": "50000:1001", "outboundCommunity": "50000:1002"}),
        ),
        object(
            "managed/externals/static.yaml",
            "External",
            "static",
            json!({"static": {"prefixes": ["0.0.0.0/0"]}}),
        ),
        object(
            "managed/connections/ext.yaml",
            "Connection",
            "ext",
            json!({"external": {"link": {"switch": {"port": "leaf-01/E1/1"}}}}),
        ),
        object(
            "managed/connections/static-ext.yaml",
            "Connection",
            "static-ext",
            json!({"staticExternal": {"link": {"switch": {
                "port": "leaf-01/E1/2", "ip": "10.5.0.1/24", "nextHop": "10.5.0.2", "subnets": ["10.6.0.0/16"]}}}}),
        ),
        object(
            "managed/externalattachments/taken.yaml",
            "ExternalAttachment",
            "taken",
            json!({"external": "static", "connection": "ext",
                   "static": {"remoteIP": "10.45.0.2", "vlan": 100, "proxy": true}}),
        ),
    ]
}

/// The findings of the cross-object check of `subject` (named `subject`, at
/// `raw/attach.yaml`) in `objects` plus the subject, as (severity, pointer, message).
fn check_in(
    objects: Vec<(String, Value)>,
    subject: Value,
    references: References,
) -> Vec<(Severity, String, String)> {
    cross(objects, subject, references)
        .into_iter()
        .map(|v| v.violation)
        .map(|v| (v.severity, v.pointer, v.message))
        .collect()
}

/// [`check_in`] as the rules return it, with the objects each finding involves.
fn cross(
    objects: Vec<(String, Value)>,
    subject: Value,
    references: References,
) -> Vec<CrossViolation> {
    let ctx = Context::fabricator_defaults();
    let (path, subject) = object("raw/attach.yaml", "ExternalAttachment", "subject", subject);
    let mut all: Vec<(&str, Value)> = objects
        .iter()
        .map(|(path, object)| (path.as_str(), object.clone()))
        .collect();
    all.push((&path, subject.clone()));
    let state = FabricState::of_objects(&all, &ctx, references);
    let (_, typed) = admit_typed(&Kind::ExternalAttachment, &subject, &ctx);
    cross_check(&typed.unwrap(), &state, &ctx)
}

/// The findings of the check of `subject` in [`fabric`], references strict, as (pointer,
/// message); all of them are errors.
fn errors(subject: Value) -> Vec<(String, String)> {
    check_in(fabric(), subject, References::Strict)
        .into_iter()
        .map(|(severity, pointer, message)| {
            assert_eq!(severity, Severity::Error, "{message}");
            (pointer, message)
        })
        .collect()
}

fn bgp(external: &str, connection: &str, vlan: Option<u64>) -> Value {
    let mut switch = json!({"ip": "10.90.0.5/31"});
    if let Some(vlan) = vlan {
        switch["vlan"] = vlan.into();
    }
    json!({"external": external, "connection": connection, "switch": switch,
           "neighbor": {"asn": 64000, "ip": "10.90.0.4"}})
}

fn static_(external: &str, connection: &str, vlan: u64) -> Value {
    json!({"external": external, "connection": connection,
           "static": {"remoteIP": "10.45.0.2", "vlan": vlan, "ip": "10.45.0.1/24"}})
}

#[test]
fn an_attachment_matching_its_external_on_a_free_vlan_of_an_external_connection_passes() {
    assert_eq!(errors(bgp("bgp", "ext", Some(200))), vec![]);
    assert_eq!(errors(bgp("bgp", "ext", None)), vec![]);
    assert_eq!(errors(static_("static", "ext", 300)), vec![]);
}

#[test]
fn the_external_and_the_attachment_are_both_static_or_both_bgp() {
    assert_eq!(
        errors(static_("bgp", "ext", 300)),
        vec![(
            "/spec/static".to_owned(),
            "this attachment is static, and External `bgp` (managed/externals/bgp.yaml:1) is a BGP external: remove `static` and give `switch` and `neighbor`, or attach a static External".to_owned()
        )]
    );
    assert_eq!(
        errors(bgp("static", "ext", Some(200))),
        vec![(
            "/spec/external".to_owned(),
            "External `static` (managed/externals/static.yaml:1) is static, and this attachment is a BGP one: give `static` (remoteIP, and ip or proxy) instead of `switch` and `neighbor`, or attach a BGP External".to_owned()
        )]
    );
}

#[test]
fn the_connection_must_be_an_external_one() {
    assert_eq!(
        errors(static_("static", "static-ext", 300)),
        vec![(
            "/spec/connection".to_owned(),
            "Connection `static-ext` (managed/connections/static-ext.yaml:1) has type `staticExternal`: an ExternalAttachment needs an `external` connection".to_owned()
        )]
    );
}

#[test]
fn a_missing_external_or_connection_is_the_lookups_finding_and_nothing_more() {
    let found = check_in(fabric(), static_("nowhere", "ext-9", 100), References::Warn);
    let skipped = |kind: &str, name: &str, check: &str| {
        format!(
            "{kind} `{name}` is not in this fabric's managed/, cluster/ or raw/; {check} was skipped (with --references strict this is an error)"
        )
    };
    assert_eq!(
        found,
        vec![
            (
                Severity::Warning,
                "/spec/external".to_owned(),
                skipped(
                    "External",
                    "nowhere",
                    "the check that both are static or both BGP"
                )
            ),
            (
                Severity::Warning,
                "/spec/connection".to_owned(),
                skipped(
                    "Connection",
                    "ext-9",
                    "the check that it is an `external` connection"
                )
            ),
        ]
    );
}

#[test]
fn a_vlan_is_used_once_per_connection_untagged_included() {
    assert_eq!(
        errors(bgp("bgp", "ext", Some(100))),
        vec![(
            "/spec/switch/vlan".to_owned(),
            "Connection `ext` is already used with VLAN 100 by ExternalAttachment `taken` (managed/externalattachments/taken.yaml:1): give each attachment of a connection its own `switch.vlan`".to_owned()
        )]
    );
    assert_eq!(
        errors(static_("static", "ext", 100)),
        vec![(
            "/spec/static/vlan".to_owned(),
            "Connection `ext` is already used with VLAN 100 by ExternalAttachment `taken` (managed/externalattachments/taken.yaml:1): give each attachment of a connection its own `static.vlan`".to_owned()
        )]
    );
    let mut untagged = fabric();
    untagged.push(object(
        "raw/untagged.yaml",
        "ExternalAttachment",
        "untagged",
        bgp("bgp", "ext", Some(0)),
    ));
    let found = check_in(untagged, bgp("bgp", "ext", None), References::Strict);
    assert_eq!(
        found,
        vec![(
            Severity::Error,
            "/spec".to_owned(),
            "Connection `ext` is already used untagged (no VLAN) by ExternalAttachment `untagged` (raw/untagged.yaml:1): give each attachment of a connection its own `switch.vlan`".to_owned()
        )]
    );
}

#[test]
fn an_attachment_does_not_clash_with_its_own_managed_version() {
    let mut objects = fabric();
    objects.push(object(
        "managed/externalattachments/subject.yaml",
        "ExternalAttachment",
        "subject",
        static_("static", "ext", 300),
    ));
    assert_eq!(
        check_in(objects, static_("static", "ext", 300), References::Strict),
        vec![]
    );
}

#[test]
fn each_conflict_involves_the_external_connection_or_attachment_it_names() {
    let involved = |subject: Value| -> Vec<(String, Vec<String>)> {
        cross(fabric(), subject, References::Strict)
            .iter()
            .map(CrossViolation::involved_described)
            .collect()
    };
    assert_eq!(
        involved(static_("bgp", "static-ext", 100)),
        vec![
            (
                "/spec/static".to_owned(),
                vec!["External `bgp` (managed/externals/bgp.yaml:1)".to_owned()]
            ),
            (
                "/spec/connection".to_owned(),
                vec!["Connection `static-ext` (managed/connections/static-ext.yaml:1)".to_owned()]
            ),
        ]
    );
    assert_eq!(
        involved(bgp("bgp", "ext", Some(100))),
        vec![(
            "/spec/switch/vlan".to_owned(),
            vec![
                "ExternalAttachment `taken` (managed/externalattachments/taken.yaml:1)".to_owned()
            ]
        )]
    );
}
