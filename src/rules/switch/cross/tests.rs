//! The Switch's cross-object rules against small fabrics.

use serde_json::{Value, json};

use super::*;
use crate::rules::state::{Member, Origin, References};
use crate::rules::{CrossViolation, Severity, Typed, Violation, admit_typed};

fn switch(name: &str, spec: Value) -> Value {
    json!({"kind": "Switch", "metadata": {"name": name}, "spec": spec})
}

fn vlan_namespace(name: &str, from: u16, to: u16) -> Value {
    json!({"kind": "VLANNamespace", "metadata": {"name": name}, "spec": {"ranges": [{"from": from, "to": to}]}})
}

fn default_namespace() -> Value {
    vlan_namespace("default", 1000, 2999)
}

/// The cross-object findings of the switch `subject` (in raw/switch.yaml) against
/// `others` (each in managed/<n>.yaml), `--references strict`.
fn check_with(ctx: &Context, subject: Value, others: &[Value]) -> Vec<Violation> {
    cross_with(ctx, subject, others)
        .into_iter()
        .map(|cross| cross.violation)
        .collect()
}

/// [`check_with`] with the objects each finding involves.
fn cross_with(ctx: &Context, subject: Value, others: &[Value]) -> Vec<CrossViolation> {
    let paths: Vec<String> = (0..others.len())
        .map(|i| format!("managed/{i}.yaml"))
        .collect();
    let mut objects: Vec<(&str, Value)> = paths
        .iter()
        .map(String::as_str)
        .zip(others.iter().cloned())
        .collect();
    objects.push(("raw/switch.yaml", subject.clone()));
    let state = FabricState::of_objects(&objects, ctx, References::Strict);
    let name = subject["metadata"]["name"].as_str().unwrap();
    let object = &state.switches.get(name).unwrap().object;
    let mut out = Violations::default();
    validate(object, &state, ctx, &mut out);
    out.into_cross()
}

fn check(subject: Value, others: &[Value]) -> Vec<(String, String)> {
    let ctx = Context::fabricator_defaults();
    check_with(&ctx, subject, others)
        .into_iter()
        .map(|v| (v.pointer, v.message))
        .collect()
}

fn pointers(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(p, _)| p.as_str()).collect()
}

#[test]
fn a_switch_of_the_bundled_example_passes() {
    let found = check(
        switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "vs", "groups": ["g"]}),
        ),
        &[
            default_namespace(),
            json!({"kind": "SwitchGroup", "metadata": {"name": "g"}, "spec": {}}),
        ],
    );
    assert_eq!(found, []);
}

#[test]
fn a_missing_namespace_or_group_is_reported_and_overlapping_namespaces_name_each_other() {
    let found = check(
        switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "vs",
            "vlanNamespaces": ["a", "b", "gone"], "groups": ["nope", ""]}),
        ),
        &[vlan_namespace("a", 100, 200), vlan_namespace("b", 150, 300)],
    );
    assert_eq!(
        found,
        [
            (
                "/spec/vlanNamespaces".to_owned(),
                "VLANNamespace `b` (managed/1.yaml:1) range `150-300` overlaps range `100-200` of VLANNamespace `a` (managed/0.yaml:1): a switch's VLAN namespaces must not share VLANs; drop one of them".to_owned()
            ),
            (
                "/spec/vlanNamespaces".to_owned(),
                "VLANNamespace `gone` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/".to_owned()
            ),
            (
                "/spec/groups".to_owned(),
                "a group name is empty: name a SwitchGroup, or remove the entry".to_owned()
            ),
            (
                "/spec/groups".to_owned(),
                "SwitchGroup `nope` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/".to_owned()
            ),
        ]
    );
}

#[test]
fn overlapping_namespaces_and_the_profile_a_port_is_checked_against_are_involved() {
    let involved: Vec<_> = cross_with(
        &Context::fabricator_defaults(),
        switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "vs",
            "vlanNamespaces": ["a", "b", "a"], "portSpeeds": {"E9/99": "25G"}}),
        ),
        &[vlan_namespace("a", 100, 200), vlan_namespace("b", 150, 300)],
    )
    .iter()
    .map(CrossViolation::involved_described)
    .collect();
    let (a, b) = (
        "VLANNamespace `a` (managed/0.yaml:1)".to_owned(),
        "VLANNamespace `b` (managed/1.yaml:1)".to_owned(),
    );
    assert_eq!(
        involved,
        [
            // `Default()` sorts the list: `a` twice, then `b`.
            ("/spec/vlanNamespaces".to_owned(), vec![a.clone()]),
            ("/spec/vlanNamespaces".to_owned(), vec![b, a]),
            (
                "/spec/portSpeeds/E9~199".to_owned(),
                vec!["SwitchProfile `vs` (the fabric's built-in objects)".to_owned()]
            ),
        ]
    );
}

#[test]
fn a_namespace_listed_twice_overlaps_itself_as_go_finds() {
    let found = check(
        switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "vs",
            "vlanNamespaces": ["a", "a"]}),
        ),
        &[json!({"kind": "VLANNamespace", "metadata": {"name": "a"},
                 "spec": {"ranges": [{"from": 100, "to": 110}, {"from": 200, "to": 210}]}})],
    );
    assert_eq!(
        found,
        [(
            "/spec/vlanNamespaces".to_owned(),
            "VLANNamespace `a` (managed/0.yaml:1) is listed twice: its VLANs would overlap themselves; list it once".to_owned()
        )]
    );
}

#[test]
fn an_unknown_profile_is_an_error_and_an_opt_in_one_only_a_warning_without_a_fab_yaml() {
    let unknown = check(
        switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "ds4000"}),
        ),
        &[default_namespace()],
    );
    assert_eq!(pointers(&unknown), ["/spec/profile"]);
    assert!(unknown[0].1.starts_with("SwitchProfile `ds4000` does not exist: the fabric has only its built-in profiles (`celestica-ds2000`, "));
    let subject = switch(
        "leaf-01",
        json!({"role": "server-leaf", "profile": "vs-clsp"}),
    );
    let guessed = check_with(
        &Context::fabricator_defaults(),
        subject.clone(),
        &[default_namespace()],
    );
    assert_eq!(guessed.len(), 1);
    assert_eq!(guessed[0].severity, Severity::Warning);
    let config = FabricConfig::fabricator_defaults();
    let given =
        crate::rules::test_support::given_config(Some(&config), crate::rules::Release::NEWEST);
    let refused = check_with(&given, subject, &[default_namespace()]);
    assert_eq!(
        refused
            .iter()
            .map(|v| (v.severity, v.message.as_str()))
            .collect::<Vec<_>>(),
        [(
            Severity::Error,
            "SwitchProfile `vs-clsp` is not in this fabric: its config does not set `includeSONiCCLSPlus: true`; set it, or use another profile"
        )]
    );
}

#[test]
fn speeds_breakouts_auto_negotiation_fec_and_features_must_be_the_profile_s() {
    let found = check(
        switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "dell-s5232f-on",
            "portGroupSpeeds": {"1": "25G"},
            "portSpeeds": {"E1/33": "25G", "E1/99": "25G"},
            "portBreakouts": {"E1/1": "4x25G", "E1/2": "3x33G", "E1/33": "4x25G"},
            "portAutoNegs": {"E1/1/1": true},
            "portFECs": {"E1/1": "rs", "E1/1/2": "rs"},
            "ecmp": {"roceQPN": true}, "roce": true}),
        ),
        &[default_namespace()],
    );
    assert_eq!(
        pointers(&found),
        [
            "/spec/portGroupSpeeds/1",
            "/spec/portSpeeds/E1~133",
            "/spec/portSpeeds/E1~199",
            "/spec/portBreakouts/E1~12",
            "/spec/portBreakouts/E1~133",
            "/spec/portAutoNegs/E1~11~11",
            "/spec/portFECs/E1~11",
            "/spec/ecmp/roceQPN",
        ]
    );
    assert_eq!(
        found[3].1,
        "port `E1/2` of SwitchProfile `dell-s5232f-on` does not support breakout `3x33G`: it supports `1x100G`, `1x10G`, `1x25G`, `1x40G`, `1x50G`, `2x50G`, `4x10G`, `4x25G`"
    );
}

#[test]
fn breakouts_that_overfill_a_pipeline_name_its_ports() {
    let mut breakouts = serde_json::Map::new();
    for port in ["E1/1", "E1/2"] {
        breakouts.insert(port.to_owned(), "8x25G".into());
    }
    let spec = |breakouts: &serde_json::Map<String, Value>| json!({"role": "server-leaf", "profile": "celestica-ds4000", "portBreakouts": breakouts});
    assert_eq!(
        check(switch("leaf-01", spec(&breakouts)), &[default_namespace()]),
        []
    );
    breakouts.insert("E1/3".to_owned(), "8x25G".into());
    assert_eq!(
        check(switch("leaf-01", spec(&breakouts)), &[default_namespace()]),
        [(
            "/spec/portBreakouts".to_owned(),
            "pipeline `1` of SwitchProfile `celestica-ds4000` (ports E1/1, E1/2, E1/3, E1/4) has 25 ports with the switch's breakouts, over its limit of 18: break out fewer of those ports".to_owned()
        )]
    );
}

#[test]
fn eslag_needs_the_profile_feature() {
    let found = check(
        switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "celestica-ds4000",
            "redundancy": {"group": "g", "type": "eslag"}}),
        ),
        &[
            default_namespace(),
            json!({"kind": "SwitchGroup", "metadata": {"name": "g"}, "spec": {}}),
        ],
    );
    assert_eq!(pointers(&found), ["/spec/redundancy/type"]);
}

fn hydrated(asn: u32, ip: &str, protocol: &str, vtep: &str) -> Value {
    json!({"role": "server-leaf", "profile": "vs", "asn": asn, "ip": ip, "protocolIP": protocol, "vtepIP": vtep})
}

#[test]
fn hydrated_values_taken_by_another_switch_name_it_and_where_it_is() {
    let found = check(
        switch(
            "leaf-01",
            hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32"),
        ),
        &[
            default_namespace(),
            switch(
                "leaf-02",
                hydrated(65101, "172.30.0.8/24", "172.30.8.2/32", "172.30.12.0/32"),
            ),
        ],
    );
    assert_eq!(
        found,
        [
            ("/spec/ip".to_owned(), "management IP `172.30.0.8` is already used by Switch `leaf-02` (managed/1.yaml:1): give each switch its own".to_owned()),
            ("/spec/protocolIP".to_owned(), "protocol IP `172.30.8.2/32` is already used by Switch `leaf-02` (managed/1.yaml:1): give each switch and gateway its own".to_owned()),
            ("/spec/asn".to_owned(), "leaf ASN `65101` is already used by leaf `leaf-02` (managed/1.yaml:1): give each leaf its own".to_owned()),
            ("/spec/vtepIP".to_owned(), "VTEP IP `172.30.12.0/32` is already used by Switch `leaf-02` (managed/1.yaml:1): give each leaf and gateway its own".to_owned()),
        ]
    );
}

#[test]
fn hydrated_values_taken_by_another_switch_involve_it() {
    let involved: Vec<_> = cross_with(
        &Context::fabricator_defaults(),
        switch(
            "leaf-01",
            hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32"),
        ),
        &[
            default_namespace(),
            switch(
                "leaf-02",
                hydrated(65101, "172.30.0.8/24", "172.30.8.2/32", "172.30.12.0/32"),
            ),
        ],
    )
    .iter()
    .map(CrossViolation::involved_described)
    .collect();
    let leaf_02 = vec!["Switch `leaf-02` (managed/1.yaml:1)".to_owned()];
    assert_eq!(
        involved,
        ["/spec/ip", "/spec/protocolIP", "/spec/asn", "/spec/vtepIP"]
            .map(|pointer| (pointer.to_owned(), leaf_02.clone()))
    );
}
#[test]
fn gateways_count_only_in_a_fabric_with_gateways_and_mclag_leaves_share_asn_and_vtep() {
    let gateway = json!({"kind": "Gateway", "metadata": {"name": "gw-1"}, "spec": {"protocolIP": "172.30.8.2/32", "vtepIP": "172.30.12.9/32"}});
    let subject = switch(
        "leaf-01",
        hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32"),
    );
    assert_eq!(
        check(subject.clone(), &[default_namespace(), gateway.clone()]),
        []
    );
    let mut config = FabricConfig::fabricator_defaults();
    config.enable_gateway = true;
    let ctx =
        crate::rules::test_support::given_config(Some(&config), crate::rules::Release::NEWEST);
    let found = check_with(&ctx, subject, &[default_namespace(), gateway]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .contains("Gateway `gw-1` (managed/1.yaml:1)"),
        "{}",
        found[0].message
    );

    let mut peer = hydrated(65101, "172.30.0.9/21", "172.30.8.3/32", "172.30.12.0/32");
    peer["redundancy"] = json!({"group": "m", "type": "mclag"});
    let mut mclag = hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32");
    mclag["redundancy"] = json!({"group": "m", "type": "mclag"});
    let group = json!({"kind": "SwitchGroup", "metadata": {"name": "m"}, "spec": {}});
    assert_eq!(
        check(
            switch("leaf-01", mclag),
            &[default_namespace(), group, switch("leaf-02", peer)]
        ),
        []
    );
}

#[test]
fn breakouts_are_immutable_while_roce_is_on() {
    let findings = |old: Value, new: Value| -> Vec<String> {
        update_findings(old, new)
            .into_iter()
            .map(|(pointer, _, _)| pointer)
            .collect()
    };
    let old = json!({"role": "server-leaf", "profile": "dell-s5232f-on", "roce": true});
    let new = json!({"role": "server-leaf", "profile": "dell-s5232f-on", "roce": true,
        "portBreakouts": {"E1/1": "4x25G"}});
    assert_eq!(findings(old.clone(), new.clone()), ["/spec/portBreakouts"]);
    assert_eq!(findings(old.clone(), old), Vec::<String>::new());
    let mut without_roce = new.clone();
    without_roce["roce"] = false.into();
    let mut old_without_roce = json!({"role": "server-leaf", "profile": "dell-s5232f-on"});
    assert_eq!(
        findings(old_without_roce.clone(), without_roce),
        Vec::<String>::new()
    );
    old_without_roce["roce"] = false.into();
    assert_eq!(findings(old_without_roce, new), ["/spec/portBreakouts"]);
}

/// The findings of a raw update of `leaf-01` from the managed `old` to `new` (specs).
fn update_findings(old: Value, new: Value) -> Vec<(String, Severity, String)> {
    let ctx = Context::fabricator_defaults();
    let typed = |spec: Value| -> Typed {
        admit_typed(&Kind::Switch, &switch("leaf-01", spec), &ctx)
            .1
            .unwrap()
    };
    let namespace = admit_typed(&Kind::VlanNamespace, &default_namespace(), &ctx)
        .1
        .unwrap();
    let members = [
        Member {
            object: namespace,
            origin: Origin {
                path: "managed/ns.yaml".into(),
                line: 1,
            },
            previous: None,
        },
        Member {
            object: typed(new),
            origin: Origin {
                path: "raw/s.yaml".into(),
                line: 1,
            },
            previous: Some(typed(old)),
        },
    ];
    let state = FabricState::build(members, [], ctx.config, References::Strict);
    let mut out = Violations::default();
    validate(
        &state.switches.get("leaf-01").unwrap().object,
        &state,
        &ctx,
        &mut out,
    );
    out.into_vec()
        .into_iter()
        .map(|v| (v.pointer, v.severity, v.message))
        .collect()
}

#[test]
fn an_update_that_drops_the_managed_switch_s_hydrated_values_is_an_error() {
    let managed = hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32");
    let unhydrated = json!({"role": "server-leaf", "profile": "vs"});
    assert_eq!(
        update_findings(managed.clone(), unhydrated),
        [(
            "/spec".to_owned(),
            Severity::Error,
            "this update drops `asn`, `ip`, `protocolIP` and `vtepIP`, which the managed Switch has (managed/switches/leaf-01.yaml): hhfab fills them only in wiring it applies itself, nothing fills them between Git and the fabric, and the fabric requires them; copy them from managed/switches/leaf-01.yaml".to_owned()
        )]
    );
    let mut without_ip = managed.clone();
    without_ip.as_object_mut().unwrap().remove("ip");
    assert_eq!(
        update_findings(managed.clone(), without_ip),
        [(
            "/spec".to_owned(),
            Severity::Error,
            "this update drops `ip`, which the managed Switch has (managed/switches/leaf-01.yaml): hhfab fills it only in wiring it applies itself, nothing fills it between Git and the fabric, and the fabric requires it; copy it from managed/switches/leaf-01.yaml".to_owned()
        )]
    );
    // `asn: 0` is Go's unset.
    let mut asn_zero = managed.clone();
    asn_zero["asn"] = 0.into();
    assert!(
        update_findings(managed.clone(), asn_zero)[0]
            .2
            .starts_with("this update drops `asn`, which")
    );
    assert_eq!(update_findings(managed.clone(), managed), []);
}

#[test]
fn a_switch_never_held_hydrated_may_stay_unhydrated() {
    let unhydrated = json!({"role": "server-leaf", "profile": "vs"});
    let mut edited = unhydrated.clone();
    edited["groups"] = json!([]);
    assert_eq!(update_findings(unhydrated, edited), []);
    // A managed copy with some values: only those are kept.
    let partly = json!({"role": "server-leaf", "profile": "vs", "asn": 65101});
    let unhydrated = json!({"role": "server-leaf", "profile": "vs"});
    assert_eq!(
        update_findings(partly, unhydrated)
            .into_iter()
            .map(|(_, _, message)| message)
            .collect::<Vec<_>>(),
        [
            "this update drops `asn`, which the managed Switch has (managed/switches/leaf-01.yaml): hhfab fills it only in wiring it applies itself, nothing fills it between Git and the fabric, and the fabric requires it; copy it from managed/switches/leaf-01.yaml"
        ]
    );
}

#[test]
fn a_leaf_that_becomes_a_spine_drops_its_vtep_ip_rightly() {
    let leaf = hydrated(65101, "172.30.0.8/21", "172.30.8.2/32", "172.30.12.0/32");
    let mut spine = leaf.clone();
    spine["role"] = "spine".into();
    spine.as_object_mut().unwrap().remove("vtepIP");
    assert_eq!(update_findings(leaf.clone(), spine), []);
    let mut leaf_without_vtep = leaf.clone();
    leaf_without_vtep.as_object_mut().unwrap().remove("vtepIP");
    assert!(
        update_findings(leaf, leaf_without_vtep)[0]
            .2
            .starts_with("this update drops `vtepIP`, which")
    );
}
