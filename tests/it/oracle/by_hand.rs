//! The changes of the transitions test written by hand: the ones the order rules exist for
//! (swaps, DHCP relays between new VPCs, a new VPC with an attachment to it, a value one
//! update frees and another step takes), each with the outcome Hedgehog is to give it, so
//! that a change that fails for some other reason is caught rather than counted.

use serde_json::{Value, json};

use hh_gitops::rules::Release;

use super::changes::{Change, Family};
use super::transitions::Outcome;

/// The fabric object of `kind` and `name`.
fn object(base: &[Value], kind: &str, name: &str) -> Value {
    base.iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("the fabric has no {kind}/{name}"))
        .clone()
}

/// `object` with the value at `pointer` (which exists, or whose parent does) set.
fn with(object: &Value, pointer: &str, value: Value) -> Value {
    let mut out = object.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    out.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no mapping at {parent}"))
        .insert(key.to_owned(), value);
    out
}

/// A new VPC with one subnet, `default`.
fn vpc(name: &str, subnet: &str, vlan: u32) -> Value {
    json!({"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPC", "metadata": {"name": name},
           "spec": {"subnets": {"default": {"subnet": subnet, "vlan": vlan}}}})
}

/// `vpc` in the IPv4Namespace `ipv4` and the VLANNamespace `vlans`.
fn in_namespaces(vpc: Value, ipv4: &str, vlans: &str) -> Value {
    let vpc = with(&vpc, "/spec/ipv4Namespace", json!(ipv4));
    with(&vpc, "/spec/vlanNamespace", json!(vlans))
}

/// `vpc` with its subnet `default` relaying DHCP to the VPC `relay_vpc`.
fn relaying(vpc: Value, relay_vpc: &str) -> Value {
    with(
        &vpc,
        "/spec/subnets/default/dhcp",
        json!({"relay": "10.99.0.100/24", "relayVPC": relay_vpc}),
    )
}

/// A new attachment of `subnet` (`vpc/subnet`) to the connection `connection`.
fn attachment(name: &str, subnet: &str, connection: &str) -> Value {
    json!({"apiVersion": "vpc.githedgehog.com/v1beta1", "kind": "VPCAttachment",
           "metadata": {"name": name}, "spec": {"subnet": subnet, "connection": connection}})
}

/// The changes written by hand, each with its outcome on a live fabric, at `release`: the
/// DHCP relays between VPCs only from 26.02, as 26.01's VPC has no `relayVPC` (fabric
/// v0.115.4 `vpc_types.go`), so its decoder drops the field and nothing is left to order.
pub fn changes(base: &[Value], release: Release) -> Vec<Change> {
    let mut changes = every_change(base);
    if release < Release::V26_02 {
        changes.retain(|change| !change.steps.iter().any(relays_to_a_vpc));
    }
    changes
}

/// Whether `object` is a VPC with a subnet relaying DHCP into a VPC (`relayVPC`).
fn relays_to_a_vpc(object: &Value) -> bool {
    object["spec"]["subnets"]
        .as_object()
        .is_some_and(|subnets| {
            subnets
                .values()
                .any(|s| s["dhcp"].get("relayVPC").is_some())
        })
}

/// Every change written by hand, whatever the release.
fn every_change(base: &[Value]) -> Vec<Change> {
    let vpc_1 = object(base, "VPC", "vpc-1");
    let vpc_2 = object(base, "VPC", "vpc-2");
    // Nothing refers to vpc-3's subnet by its prefix (vpc-2's is exposed by a
    // GatewayPeering, which a change of that prefix would break).
    let vpc_3 = object(base, "VPC", "vpc-3");
    let eslag = "server-02--eslag--leaf-01--leaf-02";
    let change = |label: &str, expected: Outcome, steps: Vec<Value>| Change {
        label: label.to_owned(),
        family: Family::ByHand,
        steps,
        expected: Some(expected),
    };
    vec![
        change(
            "(a) two VPCs swap VLANs",
            Outcome::Stuck,
            vec![
                with(&vpc_1, "/spec/subnets/default/vlan", json!(1002)),
                with(&vpc_2, "/spec/subnets/default/vlan", json!(1001)),
            ],
        ),
        change(
            "(b) two VPCs swap subnets",
            Outcome::Stuck,
            vec![
                with(&vpc_1, "/spec/subnets/default/subnet", json!("10.0.2.0/24")),
                with(&vpc_2, "/spec/subnets/default/subnet", json!("10.0.1.0/24")),
            ],
        ),
        change(
            "(c) two new VPCs relay DHCP to each other",
            Outcome::Stuck,
            vec![
                relaying(vpc("vpc-a", "10.0.5.0/24", 1005), "vpc-b"),
                relaying(vpc("vpc-b", "10.0.6.0/24", 1006), "vpc-a"),
            ],
        ),
        change(
            "(d) a new VPC and a new attachment to it",
            Outcome::Applies,
            vec![
                attachment("vpc-9--eslag", "vpc-9/default", eslag),
                vpc("vpc-9", "10.0.9.0/24", 1009),
            ],
        ),
        change(
            "(e) a new VPC relays DHCP to another new VPC",
            Outcome::Applies,
            vec![
                relaying(vpc("vpc-a", "10.0.5.0/24", 1005), "vpc-b"),
                vpc("vpc-b", "10.0.6.0/24", 1006),
            ],
        ),
        change(
            "(f) a new VPC takes the VLAN another VPC's update frees",
            Outcome::Applies,
            vec![
                vpc("vpc-9", "10.0.9.0/24", 1002),
                with(&vpc_2, "/spec/subnets/default/vlan", json!(1003)),
            ],
        ),
        change(
            "(g) a new VPC takes the subnet another VPC's update frees",
            Outcome::Applies,
            vec![
                in_namespaces(vpc("vpc-9", "10.1.3.0/24", 109), "other", "extra"),
                with(&vpc_3, "/spec/subnets/default/subnet", json!("10.1.4.0/24")),
            ],
        ),
        change(
            "(h) three VLANs move down a chain",
            Outcome::Applies,
            vec![
                vpc("vpc-9", "10.0.9.0/24", 1002),
                with(&vpc_2, "/spec/subnets/default/vlan", json!(1001)),
                with(&vpc_1, "/spec/subnets/default/vlan", json!(1000)),
            ],
        ),
        change(
            "(i) a new attachment to a subnet its VPC's update adds",
            Outcome::Applies,
            vec![
                attachment("vpc-1-web--eslag", "vpc-1/web", eslag),
                with(
                    &vpc_1,
                    "/spec/subnets/web",
                    json!({"subnet": "10.0.21.0/24", "vlan": 1021}),
                ),
            ],
        ),
        change(
            "(j) a new attachment to a subnet its VPC's update removes",
            Outcome::RefusedAtEnd,
            vec![attachment("vpc-1-db--eslag", "vpc-1/db", eslag), {
                let mut vpc_1 = vpc_1.clone();
                vpc_1["spec"]["subnets"]
                    .as_object_mut()
                    .unwrap()
                    .remove("db");
                vpc_1
            }],
        ),
        change(
            "(k) two new VPCs take one VLAN",
            Outcome::RefusedAtEnd,
            vec![
                vpc("vpc-a", "10.0.5.0/24", 1005),
                vpc("vpc-b", "10.0.6.0/24", 1005),
            ],
        ),
        change(
            "(l) a new VPC relays DHCP to itself",
            Outcome::Stuck,
            vec![relaying(vpc("vpc-a", "10.0.5.0/24", 1005), "vpc-a")],
        ),
    ]
}
