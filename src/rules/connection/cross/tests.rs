//! The Connection's cross-object rules against small fabrics.

use serde_json::{Value, json};

use super::*;
use crate::rules::state::{Member, Origin, References};
use crate::rules::test_support::object;
use crate::rules::{CrossViolation, Typed, Violation, admit_typed};

fn switches() -> Vec<Value> {
    vec![
        object(
            "VLANNamespace",
            "default",
            json!({"ranges": [{"from": 1000, "to": 2999}]}),
        ),
        object(
            "Switch",
            "spine-01",
            json!({"role": "spine", "profile": "dell-s5232f-on"}),
        ),
        object(
            "Switch",
            "leaf-01",
            json!({"role": "server-leaf", "profile": "dell-s5232f-on",
            "portBreakouts": {"E1/2": "4x25G"}}),
        ),
        object(
            "Switch",
            "leaf-02",
            json!({"role": "server-leaf", "profile": "vs"}),
        ),
        object("Server", "server-01", json!({})),
    ]
}

fn fabric(spine: &str, spine_ip: &str, leaf: &str, leaf_ip: &str) -> Value {
    json!({"fabric": {"links": [{"spine": {"port": spine, "ip": spine_ip}, "leaf": {"port": leaf, "ip": leaf_ip}}]}})
}

fn unbundled(server: &str, switch: &str) -> Value {
    json!({"unbundled": {"link": {"server": {"port": server}, "switch": {"port": switch}}}})
}

/// The findings of the Connection `subject` (raw/conn.yaml) against `others`
/// (managed/<n>.yaml), with the fabricator's default config, `--references strict`.
fn check(subject: Value, others: &[Value]) -> Vec<(String, String)> {
    cross(&Context::fabricator_defaults(), subject, others)
        .into_iter()
        .map(
            |CrossViolation {
                 violation: Violation {
                     pointer, message, ..
                 },
                 ..
             }| (pointer, message),
        )
        .collect()
}

/// The pointer and the involved objects of each finding of [`check`].
fn involved(subject: Value, others: &[Value]) -> Vec<(String, Vec<String>)> {
    cross(&Context::fabricator_defaults(), subject, others)
        .iter()
        .map(CrossViolation::involved_described)
        .collect()
}

/// [`check`] with `ctx`, as the rules return the findings.
fn cross(ctx: &Context, subject: Value, others: &[Value]) -> Vec<CrossViolation> {
    let paths: Vec<String> = (0..others.len())
        .map(|i| format!("managed/{i}.yaml"))
        .collect();
    let mut objects: Vec<(&str, Value)> = paths
        .iter()
        .map(String::as_str)
        .zip(others.iter().cloned())
        .collect();
    objects.push(("raw/conn.yaml", subject.clone()));
    let state = FabricState::of_objects(&objects, ctx, References::Strict);
    let name = subject["metadata"]["name"].as_str().unwrap();
    let mut out = Violations::default();
    validate(
        &state.connections.get(name).unwrap().object,
        &state,
        ctx,
        &mut out,
    );
    out.into_cross()
}

#[test]
fn a_connection_between_existing_devices_on_free_ports_passes() {
    let subject = object(
        "Connection",
        "c",
        fabric(
            "spine-01/E1/1",
            "172.30.128.0/31",
            "leaf-01/E1/2/4",
            "172.30.128.1/31",
        ),
    );
    assert_eq!(check(subject, &switches()), []);
}

#[test]
fn missing_devices_and_ports_the_profile_lacks_after_breakouts_are_each_reported() {
    let subject = object(
        "Connection",
        "c",
        json!({"bundled": {"links": [
            {"server": {"port": "server-09/enp2s1"}, "switch": {"port": "leaf-01/E1/1/2"}},
            {"server": {"port": "server-09/enp2s2"}, "switch": {"port": "leaf-01/E1/2/4"}}
        ]}}),
    );
    let found = check(subject, &switches());
    assert_eq!(
        found,
        [
            (
                "/spec/bundled/links/0/switch/port".to_owned(),
                "port `E1/1/2` is not a port of switch `leaf-01` (managed/2.yaml:1): its SwitchProfile `dell-s5232f-on` with its `portBreakouts` has no such port; a breakout lane `<port>/<n>` exists only when the switch breaks `<port>` out into n or more lanes".to_owned()
            ),
            (
                "/spec/bundled/links/0/server/port".to_owned(),
                "Server `server-09` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/".to_owned()
            ),
        ]
    );
}

#[test]
fn a_switch_whose_profile_the_fabric_lacks_refuses_the_connection_at_its_first_port() {
    let mut others = switches();
    others.push(object(
        "Switch",
        "leaf-09",
        json!({"role": "server-leaf", "profile": "no-such-profile"}),
    ));
    let subject = object(
        "Connection",
        "c",
        json!({"bundled": {"links": [
            {"server": {"port": "server-01/enp2s1"}, "switch": {"port": "leaf-09/E1/1"}},
            {"server": {"port": "server-01/enp2s2"}, "switch": {"port": "leaf-09/E1/2"}}
        ]}}),
    );
    assert_eq!(
        check(subject.clone(), &others),
        [(
            "/spec/bundled/links/0/switch/port".to_owned(),
            "Switch `leaf-09` (managed/5.yaml:1) has SwitchProfile `no-such-profile`, which is not in this fabric, so the fabric refuses this connection: set the switch's `profile` to one of the fabric's built-in profiles (the Switch's own finding lists them), or add the SwitchProfile to the fabric".to_owned()
        )]
    );
    assert_eq!(
        involved(subject, &others),
        [(
            "/spec/bundled/links/0/switch/port".to_owned(),
            vec!["Switch `leaf-09` (managed/5.yaml:1)".to_owned()]
        )]
    );
}

/// Every kind of connection looks its switches' profiles up (`Endpoints()` lists the
/// switches of each), both ends of a fabric link included.
#[test]
fn every_switch_of_any_connection_type_needs_a_profile_of_the_fabric() {
    let mut others = switches();
    for (name, role) in [("spine-09", "spine"), ("leaf-09", "server-leaf")] {
        others.push(object(
            "Switch",
            name,
            json!({"role": role, "profile": "no-such-profile"}),
        ));
    }
    let cases = [
        (
            fabric(
                "spine-09/E1/1",
                "172.30.128.0/31",
                "leaf-09/E1/1",
                "172.30.128.1/31",
            ),
            vec![
                "/spec/fabric/links/0/spine/port",
                "/spec/fabric/links/0/leaf/port",
            ],
        ),
        (
            unbundled("server-01/enp2s1", "leaf-09/E1/1"),
            vec!["/spec/unbundled/link/switch/port"],
        ),
        (
            json!({"external": {"link": {"switch": {"port": "leaf-09/E1/3"}}}}),
            vec!["/spec/external/link/switch/port"],
        ),
        (
            json!({"vpcLoopback": {"links": [{"switch1": {"port": "leaf-09/E1/4"}, "switch2": {"port": "leaf-09/E1/5"}}]}}),
            vec!["/spec/vpcLoopback/links/0/switch1/port"],
        ),
    ];
    for (spec, expected) in cases {
        let found = check(object("Connection", "c", spec.clone()), &others);
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, expected, "{spec}");
        assert!(
            found.iter().all(|(_, m)| m
                .contains("has SwitchProfile `no-such-profile`, which is not in this fabric")),
            "{found:?}"
        );
    }
}

#[test]
fn an_opt_in_profile_refuses_the_connection_only_when_a_given_config_leaves_it_out() {
    let mut others = switches();
    others.push(object(
        "Switch",
        "leaf-09",
        json!({"role": "server-leaf", "profile": "vs-clsp"}),
    ));
    let subject = object(
        "Connection",
        "c",
        unbundled("server-01/enp2s1", "leaf-09/E1/1"),
    );
    // Without a fab.yaml the fabric may include it: the Switch warns, nothing here.
    assert_eq!(check(subject.clone(), &others), []);
    let config = FabricConfig::fabricator_defaults();
    let given =
        crate::rules::test_support::given_config(Some(&config), crate::rules::Release::NEWEST);
    let found: Vec<_> = cross(&given, subject.clone(), &others)
        .into_iter()
        .map(|cross| cross.violation.message)
        .collect();
    assert_eq!(
        found,
        [
            "Switch `leaf-09` (managed/5.yaml:1) has SwitchProfile `vs-clsp`, which is not in this fabric (its config does not set `includeSONiCCLSPlus: true`), so the fabric refuses this connection: set it, or give the switch another profile"
        ]
    );
    let included = FabricConfig {
        include_sonic_clsp: true,
        ..FabricConfig::fabricator_defaults()
    };
    let ctx =
        crate::rules::test_support::given_config(Some(&included), crate::rules::Release::NEWEST);
    assert!(cross(&ctx, subject, &others).is_empty());
}

#[test]
fn taken_ports_and_ips_involve_the_other_connection_and_a_missing_port_the_switch_and_profile() {
    let mut others = switches();
    others.push(object(
        "Connection",
        "other",
        fabric(
            "spine-01/E1/5",
            "172.30.128.4/31",
            "leaf-01/E1/5",
            "172.30.128.5/31",
        ),
    ));
    let subject = object(
        "Connection",
        "c",
        fabric(
            "spine-01/E1/5",
            "172.30.128.4/31",
            "leaf-01/E1/99",
            "172.30.128.5/31",
        ),
    );
    let other = vec!["Connection `other` (managed/5.yaml:1)".to_owned()];
    assert_eq!(
        involved(subject, &others),
        [
            (
                "/spec/fabric/links/0/leaf/port".to_owned(),
                vec![
                    "Switch `leaf-01` (managed/2.yaml:1)".to_owned(),
                    "SwitchProfile `dell-s5232f-on` (the fabric's built-in objects)".to_owned()
                ]
            ),
            ("/spec/fabric/links/0/spine/port".to_owned(), other.clone()),
            ("/spec/fabric/links/0/spine/ip".to_owned(), other.clone()),
            ("/spec/fabric/links/0/leaf/ip".to_owned(), other),
        ]
    );
}

#[test]
fn a_port_taken_by_another_connection_through_an_alias_names_it() {
    let mut others = switches();
    others.push(object(
        "Connection",
        "existing",
        unbundled("server-01/enp2s1", "leaf-01/E1/1/1"),
    ));
    let subject = object(
        "Connection",
        "c",
        fabric(
            "spine-01/E1/1",
            "172.30.128.0/31",
            "leaf-01/E1/1",
            "172.30.128.1/31",
        ),
    );
    assert_eq!(
        check(subject, &others),
        [(
            "/spec/fabric/links/0/leaf/port".to_owned(),
            "port `leaf-01/E1/1` is already used by Connection `existing` (managed/5.yaml:1) as `leaf-01/E1/1/1`, the same port (a port without a lane is its first lane): a port is one end of one link; pick a free port".to_owned()
        )]
    );
    // Another lane of the same port is a different port.
    let second_lane = object(
        "Connection",
        "c",
        unbundled("server-01/enp2s2", "leaf-01/E1/2/2"),
    );
    let mut others = switches();
    others.push(object(
        "Connection",
        "existing",
        unbundled("server-01/enp2s1", "leaf-01/E1/2/1"),
    ));
    assert_eq!(check(second_lane, &others), []);
}

#[test]
fn link_ips_are_slash_31s_of_the_fabric_subnet_unique_and_paired() {
    let mut others = switches();
    others.push(object(
        "Connection",
        "other",
        fabric(
            "spine-01/E1/5",
            "172.30.128.4/31",
            "leaf-01/E1/5",
            "172.30.128.5/31",
        ),
    ));
    let subject = object(
        "Connection",
        "c",
        fabric(
            "spine-01/E1/1",
            "172.30.128.4/31",
            "leaf-01/E1/1",
            "10.0.0.3/30",
        ),
    );
    let found = check(subject, &others);
    assert_eq!(
        found,
        [
            ("/spec/fabric/links/0/spine/ip".to_owned(), "spine IP `172.30.128.4` is already used by Connection `other` (managed/5.yaml:1): each link end has its own address".to_owned()),
            ("/spec/fabric/links/0/leaf/ip".to_owned(), "leaf IP `10.0.0.3/30` is not a /31: each end of a link has one address of the link's /31, e.g. `10.0.0.3/31`".to_owned()),
            ("/spec/fabric/links/0/leaf/ip".to_owned(), "leaf IP `10.0.0.3` is outside the fabric subnet `172.30.128.0/17` (`fabricSubnet`); that value is fabricator's default `fabricSubnet`, assumed for want of a fabric config: if your fabric uses another, give its config with --fabric-config or <fabric>/fab.yaml".to_owned()),
            ("/spec/fabric/links/0/leaf/ip".to_owned(), "leaf IP `10.0.0.3` and spine IP `172.30.128.4` are not in the same /31: the two ends of a link share one, e.g. `172.30.128.4/31` and `172.30.128.5`".to_owned()),
        ]
    );
}

#[test]
fn eslag_switches_must_share_a_redundancy_group_of_type_eslag() {
    let mut others = switches();
    others.push(object("SwitchGroup", "g1", json!({})));
    others.push(object("SwitchGroup", "g2", json!({})));
    others.push(object("Switch", "leaf-03", json!({"role": "server-leaf", "profile": "vs", "redundancy": {"group": "g1", "type": "eslag"}})));
    others.push(object("Switch", "leaf-04", json!({"role": "server-leaf", "profile": "vs", "redundancy": {"group": "g2", "type": "eslag"}})));
    let eslag = |a: &str, b: &str| {
        object(
            "Connection",
            "c",
            json!({"eslag": {"links": [
                {"server": {"port": "server-01/enp2s1"}, "switch": {"port": format!("{a}/E1/1")}},
                {"server": {"port": "server-01/enp2s2"}, "switch": {"port": format!("{b}/E1/1")}}
            ]}}),
        )
    };
    assert_eq!(
        check(eslag("leaf-03", "leaf-04"), &others),
        [(
            "/spec/eslag/links".to_owned(),
            "the switches of an ESLAG connection share one redundancy group, and these are in `g1` (`leaf-03`), `g2` (`leaf-04`): connect the server to switches of one group".to_owned()
        )]
    );
    assert_eq!(
        involved(eslag("leaf-03", "leaf-04"), &others),
        [(
            "/spec/eslag/links".to_owned(),
            vec![
                "Switch `leaf-03` (managed/7.yaml:1)".to_owned(),
                "Switch `leaf-04` (managed/8.yaml:1)".to_owned()
            ]
        )]
    );
    let found = check(eslag("leaf-02", "leaf-01"), &others);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].1.starts_with("none of the switches"),
        "{}",
        found[0].1
    );
}

#[test]
fn the_type_and_within_vpc_are_immutable_and_within_vpc_must_exist() {
    let ctx = Context::fabricator_defaults();
    let typed = |spec: Value| -> Typed {
        admit_typed(&Kind::Connection, &object("Connection", "c", spec), &ctx)
            .1
            .unwrap()
    };
    let static_external = |vpc: &str| json!({"staticExternal": {"withinVPC": vpc, "link": {"switch": {"port": "leaf-02/E1/9", "ip": "192.168.1.2/24", "nextHop": "192.168.1.1"}}}});
    let findings = |old: Value, new: Value| {
        let mut members: Vec<Member> = switches()
            .iter()
            .map(|o| Member {
                object: admit_typed(&Kind::from_name(o["kind"].as_str().unwrap()), o, &ctx)
                    .1
                    .unwrap(),
                origin: Origin {
                    path: "managed/w.yaml".into(),
                    line: 1,
                },
                previous: None,
            })
            .collect();
        members.push(Member {
            object: typed(new),
            origin: Origin {
                path: "raw/c.yaml".into(),
                line: 1,
            },
            previous: Some(typed(old)),
        });
        let state = FabricState::build(members, [], ctx.config, References::Warn);
        let mut out = Violations::default();
        validate(
            &state.connections.get("c").unwrap().object,
            &state,
            &ctx,
            &mut out,
        );
        out.into_vec()
            .into_iter()
            .map(|v| (v.pointer, v.severity))
            .collect::<Vec<_>>()
    };
    use crate::rules::Severity::{Error, Warning};
    assert_eq!(
        findings(
            unbundled("server-01/enp2s1", "leaf-02/E1/9"),
            static_external("vpc-1")
        ),
        [
            ("/spec/staticExternal".to_owned(), Error),
            ("/spec/staticExternal/withinVPC".to_owned(), Warning),
        ]
    );
    assert_eq!(
        findings(static_external("vpc-1"), static_external("vpc-2")),
        [
            ("/spec/staticExternal/withinVPC".to_owned(), Error),
            ("/spec/staticExternal/withinVPC".to_owned(), Warning),
        ]
    );
}
