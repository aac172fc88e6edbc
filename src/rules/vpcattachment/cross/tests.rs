//! The cross-object VPCAttachment rules against a small fabric.

use serde_json::{Value, json};

use crate::kind::Kind;
use crate::rules::config::FabricConfig;
use crate::rules::state::{FabricState, References};
use crate::rules::{Context, CrossViolation, Severity, admit_typed, cross_check};

/// A profile that is not built in, so not in the fabric.
const UNKNOWN_PROFILE: &str = "acme-9000";

fn vpc(name: &str, spec: Value) -> (String, Value) {
    (
        format!("managed/vpcs/{name}.yaml"),
        json!({"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC",
               "metadata": {"name": name}, "spec": spec}),
    )
}

fn connection(name: &str, spec: Value) -> (String, Value) {
    (
        format!("managed/connections/{name}.yaml"),
        json!({"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Connection",
               "metadata": {"name": name}, "spec": spec}),
    )
}

fn switch(name: &str, spec: Value) -> (String, Value) {
    (
        format!("managed/switches/{name}.yaml"),
        json!({"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "Switch",
               "metadata": {"name": name}, "spec": spec}),
    )
}

fn attachment(name: &str, spec: Value) -> (String, Value) {
    (
        format!("managed/vpcattachments/{name}.yaml"),
        json!({"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPCAttachment",
               "metadata": {"name": name}, "spec": spec}),
    )
}

fn link(server: &str, switch: &str) -> Value {
    json!({"server": {"port": format!("{server}/enp2s1")}, "switch": {"port": format!("{switch}/E1/1")}})
}

/// A small fabric: VPCs of each mode, one connection of each kind the rules tell
/// apart, and switches of the built-in profile `vs`, which supports every VPC mode.
fn fabric() -> Vec<(String, Value)> {
    vec![
        vpc(
            "vpc-1",
            json!({"subnets": {
                "default": {"subnet": "10.0.1.0/24", "vlan": 1001},
                "bgp": {"subnet": "10.0.2.0/24", "hostBGP": true}}}),
        ),
        vpc(
            "vpc-l3",
            json!({"mode": "l3vni", "subnets": {"default": {"subnet": "10.0.3.0/24", "vlan": 1003}}}),
        ),
        vpc(
            "vpc-ns2",
            json!({"vlanNamespace": "ns2", "subnets": {"default": {"subnet": "10.0.4.0/24", "vlan": 1004}}}),
        ),
        connection(
            "unbundled",
            json!({"unbundled": {"link": link("server-01", "leaf-01")}}),
        ),
        connection(
            "bundled",
            json!({"bundled": {"links": [link("server-02", "leaf-01")]}}),
        ),
        connection(
            "eslag",
            json!({"eslag": {"links": [link("server-03", "leaf-01"), link("server-03", "leaf-02")]}}),
        ),
        connection(
            "fabric",
            json!({"fabric": {"links": [{"spine": {"port": "spine-01/E1/1"}, "leaf": {"port": "leaf-01/E1/9"}}]}}),
        ),
        connection(
            "to-mclag",
            json!({"unbundled": {"link": link("server-04", "leaf-03")}}),
        ),
        connection(
            "to-nowhere",
            json!({"unbundled": {"link": link("server-05", "leaf-09")}}),
        ),
        switch("leaf-01", json!({"role": "server-leaf", "profile": "vs"})),
        switch("leaf-02", json!({"role": "server-leaf", "profile": "vs"})),
        switch(
            "leaf-03",
            json!({"role": "server-leaf", "profile": "vs",
                   "redundancy": {"group": "mclag-1", "type": "mclag"}}),
        ),
    ]
}

/// The findings of the cross-object check of `subject` (at `raw/attach.yaml`) in
/// `objects` plus the subject, as (severity, pointer, message).
fn check_in(
    objects: Vec<(String, Value)>,
    subject: Value,
    references: References,
) -> Vec<(Severity, String, String)> {
    cross(
        &Context::fabricator_defaults(),
        objects,
        subject,
        references,
    )
    .into_iter()
    .map(|v| v.violation)
    .map(|v| (v.severity, v.pointer, v.message))
    .collect()
}

/// The pointer and the involved objects of each finding of the check of `subject` in
/// [`fabric`] plus `extra`.
fn involved(extra: Vec<(String, Value)>, subject: Value) -> Vec<(String, Vec<String>)> {
    let mut objects = fabric();
    objects.extend(extra);
    cross(
        &Context::fabricator_defaults(),
        objects,
        subject,
        References::Strict,
    )
    .iter()
    .map(CrossViolation::involved_described)
    .collect()
}

/// [`check_in`] with `ctx`, as the rules return the findings.
fn cross(
    ctx: &Context,
    objects: Vec<(String, Value)>,
    subject: Value,
    references: References,
) -> Vec<CrossViolation> {
    let mut all: Vec<(&str, Value)> = objects
        .iter()
        .map(|(path, object)| (path.as_str(), object.clone()))
        .collect();
    let subject = json!({"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPCAttachment",
                         "metadata": {"name": "subject"}, "spec": subject});
    all.push(("raw/attach.yaml", subject.clone()));
    let state = FabricState::of_objects(&all, ctx, references);
    let (_, typed) = admit_typed(&Kind::VpcAttachment, &subject, ctx);
    cross_check(&typed.unwrap(), &state, ctx)
}

/// The errors of the check of `subject` in [`fabric`] plus `extra`, as (pointer, message).
fn errors(extra: Vec<(String, Value)>, subject: Value) -> Vec<(String, String)> {
    let mut objects = fabric();
    objects.extend(extra);
    check_in(objects, subject, References::Warn)
        .into_iter()
        .filter(|(severity, _, _)| *severity == Severity::Error)
        .map(|(_, pointer, message)| (pointer, message))
        .collect()
}

fn error(pointer: &str, message: &str) -> Vec<(String, String)> {
    vec![(pointer.to_owned(), message.to_owned())]
}

#[test]
fn an_attachment_to_an_existing_subnet_over_a_server_connection_passes() {
    for (subnet, connection) in [
        ("vpc-1/default", "unbundled"),
        ("vpc-1", "bundled"),
        ("vpc-1/default", "eslag"),
        ("vpc-1/bgp", "unbundled"),
        ("vpc-l3/default", "unbundled"),
    ] {
        assert_eq!(
            errors(vec![], json!({"subnet": subnet, "connection": connection})),
            vec![],
            "{subnet} on {connection}"
        );
    }
}

#[test]
fn the_vpc_must_have_the_subnet_and_the_message_lists_those_it_has() {
    assert_eq!(
        errors(
            vec![],
            json!({"subnet": "vpc-1/nope", "connection": "unbundled"})
        ),
        error(
            "/spec/subnet",
            "VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1) has no subnet `nope` (its subnets: `bgp`, `default`): attach one of its subnets, or add `nope` to the VPC"
        )
    );
}

#[test]
fn a_missing_subnet_still_lets_the_vpc_be_checked_against_the_switches() {
    assert_eq!(
        errors(
            vec![],
            json!({"subnet": "vpc-ns2/nope", "connection": "unbundled"})
        ),
        vec![
            (
                "/spec/subnet".to_owned(),
                "VPC `vpc-ns2` (managed/vpcs/vpc-ns2.yaml:1) has no subnet `nope` (its subnets: `default`): attach one of its subnets, or add `nope` to the VPC".to_owned()
            ),
            (
                "/spec/connection".to_owned(),
                "Switch `leaf-01` (managed/switches/leaf-01.yaml:1) of Connection `unbundled` does not have VLANNamespace `ns2` of VPC `vpc-ns2` (managed/vpcs/vpc-ns2.yaml:1) in its `vlanNamespaces` (it lists `default`): add it to the switch, or attach a VPC of one of its namespaces".to_owned()
            ),
        ]
    );
}

#[test]
fn a_missing_vpc_or_connection_is_the_lookups_finding_and_nothing_more() {
    let found = check_in(
        fabric(),
        json!({"subnet": "vpc-9/default", "connection": "conn-9"}),
        References::Strict,
    );
    assert_eq!(
        found,
        vec![
            (
                Severity::Error,
                "/spec/subnet".to_owned(),
                "VPC `vpc-9` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/".to_owned()
            ),
            (
                Severity::Error,
                "/spec/connection".to_owned(),
                "Connection `conn-9` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/".to_owned()
            ),
        ]
    );
}

#[test]
fn only_server_connections_carry_a_vpc() {
    assert_eq!(
        errors(
            vec![],
            json!({"subnet": "vpc-1/bgp", "connection": "fabric"})
        ),
        error(
            "/spec/connection",
            "Connection `fabric` (managed/connections/fabric.yaml:1) has type `fabric`: a VPC subnet attaches only to a server connection (`unbundled`, `bundled` or `eslag`)"
        )
    );
}

#[test]
fn an_eslag_connection_carries_only_l2vni_vpcs() {
    assert_eq!(
        errors(
            vec![],
            json!({"subnet": "vpc-l3/default", "connection": "eslag"})
        ),
        error(
            "/spec/connection",
            "Connection `eslag` (managed/connections/eslag.yaml:1) is an ESLAG connection, which carries only l2vni VPCs, and VPC `vpc-l3` (managed/vpcs/vpc-l3.yaml:1) has mode `l3vni`: attach the subnet to an unbundled or bundled connection, or use an l2vni VPC"
        )
    );
}

#[test]
fn a_host_bgp_subnet_needs_an_unbundled_connection_to_a_switch_without_mclag() {
    assert_eq!(
        errors(
            vec![],
            json!({"subnet": "vpc-1/bgp", "connection": "bundled"})
        ),
        error(
            "/spec/subnet",
            "subnet `vpc-1/bgp` (managed/vpcs/vpc-1.yaml:1) is a hostBGP subnet, which attaches only to an unbundled connection, and Connection `bundled` (managed/connections/bundled.yaml:1) has type `bundled`: attach it to an unbundled connection"
        )
    );
    assert_eq!(
        errors(
            vec![],
            json!({"subnet": "vpc-1/bgp", "connection": "to-mclag"})
        ),
        error(
            "/spec/subnet",
            "subnet `vpc-1/bgp` is a hostBGP subnet, and Switch `leaf-03` (managed/switches/leaf-03.yaml:1) of Connection `to-mclag` is an MCLAG peer (redundancy group `mclag-1`): attach hostBGP subnets only to switches without MCLAG"
        )
    );
    assert_eq!(
        errors(
            vec![],
            json!({"subnet": "vpc-1/default", "connection": "to-mclag"})
        ),
        vec![]
    );
}

#[test]
fn every_switch_of_the_connection_must_exist_and_have_the_vpcs_vlan_namespace() {
    assert_eq!(
        check_in(
            fabric(),
            json!({"subnet": "vpc-1/default", "connection": "to-nowhere"}),
            References::Warn
        ),
        vec![(
            Severity::Warning,
            "/spec/connection".to_owned(),
            "Switch `leaf-09` is not in this fabric's managed/, cluster/ or raw/; the check of the switch's VLANNamespaces and SwitchProfile was skipped (with --references strict this is an error)".to_owned()
        )]
    );
    let found = errors(
        vec![],
        json!({"subnet": "vpc-ns2/default", "connection": "eslag"}),
    );
    let expected = |switch: &str| {
        (
            "/spec/connection".to_owned(),
            format!(
                "Switch `{switch}` (managed/switches/{switch}.yaml:1) of Connection `eslag` does not have VLANNamespace `ns2` of VPC `vpc-ns2` (managed/vpcs/vpc-ns2.yaml:1) in its `vlanNamespaces` (it lists `default`): add it to the switch, or attach a VPC of one of its namespaces"
            ),
        )
    };
    assert_eq!(found, vec![expected("leaf-01"), expected("leaf-02")]);
}

/// `:250-254`: a switch whose profile the fabric lacks refuses the attachment, one finding
/// per switch, naming it, whatever the references policy.
#[test]
fn a_switch_whose_profile_the_fabric_lacks_refuses_the_attachment() {
    let mut objects = fabric();
    objects.retain(|(path, _)| !path.starts_with("managed/switches/leaf-0"));
    for name in ["leaf-01", "leaf-02"] {
        objects.push(switch(
            name,
            json!({"role": "server-leaf", "profile": UNKNOWN_PROFILE}),
        ));
    }
    let refused = |switch: &str, connection: &str| {
        (
            Severity::Error,
            "/spec/connection".to_owned(),
            format!(
                "Switch `{switch}` (managed/switches/{switch}.yaml:1) of Connection `{connection}` has SwitchProfile `{UNKNOWN_PROFILE}`, which is not in this fabric, so the fabric refuses this attachment: set the switch's `profile` to one of the fabric's built-in profiles (the Switch's own finding lists them), or add the SwitchProfile to the fabric"
            ),
        )
    };
    assert_eq!(
        check_in(
            objects.clone(),
            json!({"subnet": "vpc-1/default", "connection": "unbundled"}),
            References::Warn
        ),
        vec![refused("leaf-01", "unbundled")]
    );
    assert_eq!(
        check_in(
            objects.clone(),
            json!({"subnet": "vpc-1/default", "connection": "eslag"}),
            References::Strict
        ),
        vec![refused("leaf-01", "eslag"), refused("leaf-02", "eslag")]
    );
    // Go looks the profile up once the VPC is found; a VPC nowhere in the repository does
    // not hide it.
    let found = check_in(
        objects.clone(),
        json!({"subnet": "vpc-9/default", "connection": "unbundled"}),
        References::Warn,
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].0, Severity::Warning);
    assert_eq!(found[1], refused("leaf-01", "unbundled"));
    let subject = json!({"subnet": "vpc-1/default", "connection": "unbundled"});
    let extra = vec![switch(
        "leaf-01",
        json!({"role": "server-leaf", "profile": UNKNOWN_PROFILE}),
    )];
    assert_eq!(
        involved(extra, subject),
        [(
            "/spec/connection".to_owned(),
            vec!["Switch `leaf-01` (managed/switches/leaf-01.yaml:1)".to_owned()]
        )]
    );
}

#[test]
fn an_opt_in_profile_refuses_the_attachment_only_when_a_given_config_leaves_it_out() {
    let mut objects = fabric();
    objects.push(switch(
        "leaf-01",
        json!({"role": "server-leaf", "profile": "vs-clsp"}),
    ));
    let subject = json!({"subnet": "vpc-1/default", "connection": "unbundled"});
    // No fab.yaml: the fabric may include it, the Switch warns and the mode check is skipped.
    assert_eq!(
        check_in(objects.clone(), subject.clone(), References::Strict),
        vec![]
    );
    let config = FabricConfig::fabricator_defaults();
    let given =
        crate::rules::test_support::given_config(Some(&config), crate::rules::Release::NEWEST);
    let found: Vec<_> = cross(&given, objects, subject, References::Strict)
        .into_iter()
        .map(|v| v.violation.message)
        .collect();
    assert_eq!(
        found,
        [
            "Switch `leaf-01` (managed/switches/leaf-01.yaml:1) of Connection `unbundled` has SwitchProfile `vs-clsp`, which is not in this fabric (its config does not set `includeSONiCCLSPlus: true`), so the fabric refuses this attachment: set it, or give the switch another profile"
        ]
    );
}

#[test]
fn each_conflict_involves_the_objects_it_is_about() {
    let vpc_1 = "VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1)".to_owned();
    let leaf_01 = "Switch `leaf-01` (managed/switches/leaf-01.yaml:1)".to_owned();
    let connection =
        |name: &str| format!("Connection `{name}` (managed/connections/{name}.yaml:1)");
    let case = |subject: Value| involved(vec![], subject);
    assert_eq!(
        case(json!({"subnet": "vpc-1/nope", "connection": "unbundled"})),
        [("/spec/subnet".to_owned(), vec![vpc_1.clone()])]
    );
    assert_eq!(
        case(json!({"subnet": "vpc-1/bgp", "connection": "fabric"})),
        [("/spec/connection".to_owned(), vec![connection("fabric")])]
    );
    assert_eq!(
        case(json!({"subnet": "vpc-l3/default", "connection": "eslag"})),
        [(
            "/spec/connection".to_owned(),
            vec![
                connection("eslag"),
                "VPC `vpc-l3` (managed/vpcs/vpc-l3.yaml:1)".to_owned()
            ]
        )]
    );
    assert_eq!(
        case(json!({"subnet": "vpc-1/bgp", "connection": "bundled"})),
        [(
            "/spec/subnet".to_owned(),
            vec![vpc_1.clone(), connection("bundled")]
        )]
    );
    assert_eq!(
        case(json!({"subnet": "vpc-1/bgp", "connection": "to-mclag"})),
        [(
            "/spec/subnet".to_owned(),
            vec![
                "Switch `leaf-03` (managed/switches/leaf-03.yaml:1)".to_owned(),
                vpc_1.clone()
            ]
        )]
    );
    assert_eq!(
        case(json!({"subnet": "vpc-ns2/default", "connection": "unbundled"})),
        [(
            "/spec/connection".to_owned(),
            vec![
                leaf_01.clone(),
                "VPC `vpc-ns2` (managed/vpcs/vpc-ns2.yaml:1)".to_owned()
            ]
        )]
    );
    let mode = involved(
        vec![switch(
            "leaf-01",
            json!({"role": "server-leaf", "profile": "celestica-ds5000"}),
        )],
        json!({"subnet": "vpc-1/default", "connection": "unbundled"}),
    );
    assert_eq!(
        mode,
        [(
            "/spec/connection".to_owned(),
            vec![
                vpc_1,
                leaf_01,
                "SwitchProfile `celestica-ds5000` (the fabric's built-in objects)".to_owned()
            ]
        )]
    );
    let first = attachment(
        "first",
        json!({"subnet": "vpc-1/default", "connection": "unbundled", "nativeVLAN": true}),
    );
    let first_described = "VPCAttachment `first` (managed/vpcattachments/first.yaml:1)".to_owned();
    assert_eq!(
        involved(
            vec![first],
            json!({"subnet": "vpc-1/default", "connection": "unbundled", "nativeVLAN": true})
        ),
        [
            ("/spec/subnet".to_owned(), vec![first_described.clone()]),
            ("/spec/nativeVLAN".to_owned(), vec![first_described]),
        ]
    );
}

#[test]
fn a_connection_is_attached_to_a_subnet_once_and_natively_to_one_subnet() {
    let others = vec![
        attachment(
            "first",
            json!({"subnet": "vpc-1/default", "connection": "unbundled"}),
        ),
        attachment(
            "native",
            json!({"subnet": "vpc-l3/default", "connection": "unbundled", "nativeVLAN": true}),
        ),
    ];
    assert_eq!(
        errors(
            others.clone(),
            json!({"subnet": "vpc-1", "connection": "unbundled", "nativeVLAN": true})
        ),
        vec![
            (
                "/spec/subnet".to_owned(),
                "Connection `unbundled` is already attached to subnet `vpc-1/default` by VPCAttachment `first` (managed/vpcattachments/first.yaml:1): keep one of the two".to_owned()
            ),
            (
                "/spec/nativeVLAN".to_owned(),
                "Connection `unbundled` already carries a native VLAN, for VPCAttachment `native` (managed/vpcattachments/native.yaml:1): at most one attachment per connection may set `nativeVLAN: true`".to_owned()
            ),
        ]
    );
    // Another subnet, without nativeVLAN, on the same connection; the same subnet on
    // another connection.
    assert_eq!(
        errors(
            others.clone(),
            json!({"subnet": "vpc-1/bgp", "connection": "unbundled"})
        ),
        vec![]
    );
    assert_eq!(
        errors(
            others,
            json!({"subnet": "vpc-1/default", "connection": "bundled"})
        ),
        vec![]
    );
}

#[test]
fn an_attachment_does_not_conflict_with_its_own_managed_version() {
    let own = attachment(
        "subject",
        json!({"subnet": "vpc-1/default", "connection": "unbundled", "nativeVLAN": true}),
    );
    assert_eq!(
        errors(
            vec![own],
            json!({"subnet": "vpc-1/default", "connection": "unbundled", "nativeVLAN": true})
        ),
        vec![]
    );
}

#[test]
fn the_switch_profile_must_support_the_vpc_mode() {
    // celestica-ds5000 has L3VNI without L2VNI (its notes: no non-L3 VPC modes).
    let switches = vec![
        switch("leaf-01", json!({"role": "server-leaf", "profile": "vs"})),
        switch(
            "leaf-02",
            json!({"role": "server-leaf", "profile": "celestica-ds5000"}),
        ),
    ];
    let on = |subnet: &str, connection: &str| {
        let mut objects = fabric();
        objects.retain(|(path, _)| !path.starts_with("managed/switches/"));
        objects.extend(switches.clone());
        check_in(
            objects,
            json!({"subnet": subnet, "connection": connection}),
            References::Strict,
        )
    };
    assert_eq!(on("vpc-1/default", "unbundled"), vec![]);
    assert_eq!(on("vpc-l3/default", "bundled"), vec![]);
    assert_eq!(
        on("vpc-1/default", "eslag"),
        vec![(
            Severity::Error,
            "/spec/connection".to_owned(),
            "VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1) has mode `l2vni`, which needs the L2VNI and L3VNI features, and Switch `leaf-02` (managed/switches/leaf-02.yaml:1) of Connection `eslag` has SwitchProfile `celestica-ds5000` (the fabric's built-in objects) without them: attach the subnet to a connection on other switches, or change the VPC's mode".to_owned()
        )]
    );
}
