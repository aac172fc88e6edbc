//! MCLAG connections at each release: validated as fabric v0.120.3 (26.02) and v0.115.4
//! (26.01) validate them, only warned about from 26.03 (v0.129.1). Each case was checked
//! with that release's oracle (`hhoracle`, see `tests/oracle.rs`; `kube: true`).

use serde_json::{Value, json};

use crate::rules::Release;
use crate::rules::test_support::{findings, object};

fn switch(name: &str, redundancy: Option<(&str, &str)>) -> Value {
    let mut spec = json!({"role": "server-leaf", "profile": "vs", "vlanNamespaces": ["default"]});
    if let Some((group, kind)) = redundancy {
        spec["redundancy"] = json!({"group": group, "type": kind});
    }
    object("Switch", name, spec)
}

/// Two MCLAG leaves (`leaf-01`, `leaf-02` in group `mlag-1`), an ESLAG leaf (`leaf-03`), a
/// leaf without redundancy (`leaf-04`), two servers.
fn fabric() -> Vec<Value> {
    vec![
        object(
            "VLANNamespace",
            "default",
            json!({"ranges": [{"from": 1000, "to": 2999}]}),
        ),
        object("SwitchGroup", "mlag-1", json!({})),
        object("SwitchGroup", "es-1", json!({})),
        switch("leaf-01", Some(("mlag-1", "mclag"))),
        switch("leaf-02", Some(("mlag-1", "mclag"))),
        switch("leaf-03", Some(("es-1", "eslag"))),
        switch("leaf-04", None),
        object("Server", "server-01", json!({})),
        object("Server", "server-02", json!({})),
    ]
}

fn mclag(a: &str, b: &str) -> Value {
    json!({"mclag": {"links": [
        {"server": {"port": "server-01/enp2s1"}, "switch": {"port": a}},
        {"server": {"port": "server-01/enp2s2"}, "switch": {"port": b}}
    ]}})
}

fn domain(peer: [&str; 2], session: Option<[&str; 2]>) -> Value {
    let link = |[a, b]: [&str; 2]| json!({"switch1": {"port": a}, "switch2": {"port": b}});
    let mut spec = json!({"peerLinks": [link(peer)]});
    if let Some(session) = session {
        spec["sessionLinks"] = json!([link(session)]);
    }
    json!({"mclagDomain": spec})
}

const NOT_FOUND: &str = "does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/";

/// Asserts each case's findings at 26.01 and 26.02 (the same code there), and that 26.03
/// only warns about it.
fn assert_by_release(name: &str, spec: Value, expected: &[String]) {
    let subject = object("Connection", name, spec);
    for release in [Release::V26_01, Release::V26_02] {
        assert_eq!(
            findings(release, &subject, &fabric()),
            expected,
            "{name} at {release}"
        );
    }
    let field = if subject["spec"]["mclag"].is_null() {
        "mclagDomain"
    } else {
        "mclag"
    };
    assert_eq!(
        findings(Release::V26_03, &subject, &fabric()),
        [format!(
            "W /spec/{field}: MCLAG is deprecated and no longer supported: use an ESLAG connection (`eslag`)"
        )],
        "{name} at 26.03"
    );
}

#[test]
fn an_mclag_connection_to_both_switches_of_an_mclag_pair_passes() {
    // Oracle: 26.01 and 26.02 accept; 26.03 accepts with "MCLAG is deprecated and no
    // longer supported".
    assert_by_release("ok", mclag("leaf-01/E1/1", "leaf-02/E1/1"), &[]);
    assert_by_release(
        "dom",
        domain(
            ["leaf-01/E1/3", "leaf-02/E1/3"],
            Some(["leaf-01/E1/5", "leaf-02/E1/5"]),
        ),
        &[],
    );
}

#[test]
fn mclag_switches_must_be_in_a_redundancy_group_of_type_mclag() {
    // Oracle 26.02: "all switches in MCLAG connection should have MCLAG redundancy type,
    // found eslag"; "all switches in MCLAG connection should have redundancy group".
    assert_by_release(
        "eslag-sw",
        mclag("leaf-03/E1/1", "leaf-03/E1/2"),
        &["E /spec/mclag/links: the switches of an MCLAG connection have redundancy type `mclag`, and these have `eslag` (`leaf-03`): set `redundancy.type: mclag` on them".to_owned()],
    );
    assert_by_release(
        "nogroup",
        mclag("leaf-04/E1/1", "leaf-04/E1/2"),
        &["E /spec/mclag/links: none of the switches of this MCLAG connection is in a redundancy group: give them one `redundancy: {group: <SwitchGroup>, type: mclag}`".to_owned()],
    );
}

#[test]
fn mclag_switches_and_ports_must_exist() {
    // Oracle 26.02: "switch leaf-09 not found"; "port leaf-01/E1/99 is not allowed for
    // switch leaf-01".
    assert_by_release(
        "nosw",
        mclag("leaf-09/E1/1", "leaf-02/E1/1"),
        &[format!(
            "E /spec/mclag/links/0/switch/port: Switch `leaf-09` {NOT_FOUND}"
        )],
    );
    assert_by_release(
        "badport",
        mclag("leaf-01/E1/99", "leaf-02/E1/1"),
        &["E /spec/mclag/links/0/switch/port: port `E1/99` is not a port of switch `leaf-01` (managed/3.yaml:1): its SwitchProfile `vs` with its `portBreakouts` has no such port; a breakout lane `<port>/<n>` exists only when the switch breaks `<port>` out into n or more lanes".to_owned()],
    );
}

#[test]
fn an_mclag_connection_has_one_server_at_most_two_switches_unique_ports_and_a_server_mtu() {
    // Oracle 26.02: "unique ports must be used for mclag connection"; "at most two switches
    // must be used for mclag connection" (Go stops there; the server count is also wrong);
    // "mclag connection mtu 9100 is greater than fabric mtu 9100 - server facing mtu offset 64".
    assert_by_release(
        "dup",
        mclag("leaf-01/E1/1", "leaf-01/E1/1"),
        &["E /spec/mclag/links/1/switch/port: port `leaf-01/E1/1` is used twice in this connection (also at `/spec/mclag/links/0/switch/port`): each port is one end of one link".to_owned()],
    );
    assert_by_release(
        "three",
        json!({"mclag": {"links": [
            {"server": {"port": "server-01/a"}, "switch": {"port": "leaf-01/E1/1"}},
            {"server": {"port": "server-02/b"}, "switch": {"port": "leaf-02/E1/1"}},
            {"server": {"port": "server-01/c"}, "switch": {"port": "leaf-04/E1/1"}}]}}),
        &[
            "E /spec/mclag/links: an MCLAG connection joins one server to 1 or 2 switches, and this one has 3 switches: `leaf-01`, `leaf-02`, `leaf-04`".to_owned(),
            "E /spec/mclag/links: an MCLAG connection joins one server to 1 or 2 switches, and this one has 2 servers: `server-01`, `server-02`".to_owned(),
        ],
    );
    assert_by_release(
        "mtu",
        json!({"mclag": {"mtu": 9100, "links": [
            {"server": {"port": "server-01/a"}, "switch": {"port": "leaf-01/E1/1"}},
            {"server": {"port": "server-01/b"}, "switch": {"port": "leaf-02/E1/1"}}]}}),
        &["E /spec/mclag/mtu: mclag connection `mtu` `9100` is above the server-facing limit `9036`: the fabric MTU `9100` minus the server-facing offset `64`".to_owned()],
    );
}

#[test]
fn an_mclag_domain_has_peer_and_session_links_between_two_switches() {
    // Oracle 26.02: "at least one session link must be used for mclag domain connection";
    // "two switches must be used for mclag domain connection".
    assert_by_release(
        "dom-nosession",
        domain(["leaf-01/E1/3", "leaf-02/E1/3"], None),
        &["E /spec/mclagDomain/sessionLinks: an MCLAG domain connection has at least one session link: list it under `sessionLinks`".to_owned()],
    );
    assert_by_release(
        "dom-3sw",
        domain(["leaf-01/E1/3", "leaf-02/E1/3"], Some(["leaf-01/E1/5", "leaf-04/E1/5"])),
        &["E /spec/mclagDomain: an MCLAG domain connection joins the two switches of an MCLAG pair, and this one has 3 switches: `leaf-01`, `leaf-02`, `leaf-04`".to_owned()],
    );
}

#[test]
fn mclag_ports_collide_with_other_connections_both_ways_until_26_03() {
    // Oracle 26.02: "port leaf-01/E1/1 is already used by other connection m" for both
    // subjects; 26.03 accepts both (the MCLAG one with its deprecation warning).
    let unbundled = |name: &str, server: &str, switch: &str| {
        object(
            "Connection",
            name,
            json!({"unbundled": {"link": {"server": {"port": server}, "switch": {"port": switch}}}}),
        )
    };
    let mut others = fabric();
    others.push(object(
        "Connection",
        "m",
        mclag("leaf-01/E1/1", "leaf-02/E1/1"),
    ));
    others.push(unbundled("u", "server-02/e", "leaf-01/E1/7"));
    let onto_mclag = unbundled("u2", "server-02/f", "leaf-01/E1/1");
    let mclag_onto = object(
        "Connection",
        "m2",
        json!({"mclag": {"links": [
        {"server": {"port": "server-01/x"}, "switch": {"port": "leaf-01/E1/7"}},
        {"server": {"port": "server-01/y"}, "switch": {"port": "leaf-02/E1/8"}}]}}),
    );
    for release in [Release::V26_01, Release::V26_02] {
        assert_eq!(
            findings(release, &onto_mclag, &others),
            [
                "E /spec/unbundled/link/switch/port: port `leaf-01/E1/1` is already used by Connection `m` (managed/9.yaml:1): a port is one end of one link; pick a free port"
            ],
            "{release}"
        );
        assert_eq!(
            findings(release, &mclag_onto, &others),
            [
                "E /spec/mclag/links/0/switch/port: port `leaf-01/E1/7` is already used by Connection `u` (managed/10.yaml:1): a port is one end of one link; pick a free port"
            ],
            "{release}"
        );
    }
    assert_eq!(
        findings(Release::V26_03, &onto_mclag, &others),
        Vec::<String>::new()
    );
    assert_eq!(
        findings(Release::V26_03, &mclag_onto, &others),
        [
            "W /spec/mclag: MCLAG is deprecated and no longer supported: use an ESLAG connection (`eslag`)"
        ]
    );
}
