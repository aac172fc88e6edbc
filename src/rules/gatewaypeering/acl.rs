//! A GatewayPeering's ACL (`gatewaypeering_types.go:420-483`): the default action, and per
//! rule its name, action, direction (`from`/`to`, sides of this peering) and match
//! (source and destination CIDRs, VPC subnets and ports; the protocol).

use super::ports::{PORT_RULE, check_port};
use super::{AclEndpoint, AclRule, PeeringAcl};
use crate::names::is_rfc1123_subdomain;
use crate::rules::backticked;
use crate::rules::decode::go_atoi;
use crate::rules::{Violations, net};

/// `ACLDefaultActions`.
const DEFAULT_ACTIONS: &[&str] = &["deny", "deny-unless-exposed"];
/// `ACLActions`.
const ACTIONS: &[&str] = &["allow", "deny"];
/// `ACLMatchProtocols`; any other protocol must be a number.
const PROTOCOLS: &[&str] = &["tcp", "udp", ""];
/// Longest rule name.
const MAX_RULE_NAME: usize = 64;

/// Checks `acl` of a peering between `sides` (its entry names).
pub(super) fn validate(acl: &PeeringAcl, sides: &[&str], out: &mut Violations) {
    // An empty default is what `Default()` leaves on a peering without exactly two sides
    // (it returns early); that problem is reported as itself.
    if !acl.default.is_empty() && !DEFAULT_ACTIONS.contains(&acl.default.as_str()) {
        out.error(
            "/spec/acl/default",
            format!(
                "ACL default action `{}` is not allowed: use `deny` or `deny-unless-exposed`",
                acl.default
            ),
        );
    }
    let side_list = backticked(sides);
    for (index, rule) in acl.rules.iter().enumerate() {
        validate_rule(index, rule, sides, &side_list, out);
    }
}

fn validate_rule(
    index: usize,
    rule: &AclRule,
    sides: &[&str],
    side_list: &str,
    out: &mut Violations,
) {
    let at = format!("/spec/acl/rules/{index}");
    let label = rule_label(index, rule);
    if !rule.name.is_empty() {
        if !is_rfc1123_subdomain(&rule.name) {
            out.error(
                format!("{at}/name"),
                format!("{label}: the name is not a lowercase RFC 1123 name: use a-z, 0-9, `-` and `.`, starting and ending with a letter or digit"),
            );
        }
        if rule.name.len() > MAX_RULE_NAME {
            out.error(
                format!("{at}/name"),
                format!(
                    "{label}: the name has {} characters, at most {MAX_RULE_NAME} are allowed",
                    rule.name.len()
                ),
            );
        }
    }
    if !ACTIONS.contains(&rule.action.as_str()) {
        out.error(
            format!("{at}/action"),
            format!(
                "{label}: action `{}` is not allowed: use `allow` or `deny`",
                rule.action
            ),
        );
    }
    if rule.from.is_empty() && rule.to.is_empty() {
        out.error(
            &at,
            format!("{label} has neither `from` nor `to`: name at least one side of the peering ({side_list})"),
        );
    }
    // With other than two sides the peering itself is wrong; naming its sides here too
    // would only repeat that.
    for (field, side) in [("from", &rule.from), ("to", &rule.to)] {
        if sides.len() == 2 && !side.is_empty() && !sides.contains(&side.as_str()) {
            out.error(
                format!("{at}/{field}"),
                format!("{label}: `{field}: {side}` is not a side of this peering: use one of {side_list}"),
            );
        }
    }
    for (direction, key, endpoints) in [
        ("source", "src", &rule.matches.src),
        ("destination", "dst", &rule.matches.dst),
    ] {
        for (position, endpoint) in endpoints.iter().enumerate() {
            let at = format!("{at}/match/{key}/{position}");
            validate_endpoint(&label, direction, &at, endpoint, out);
        }
    }
    let protocol = &rule.matches.proto;
    if !PROTOCOLS.contains(&protocol.as_str()) && go_atoi(protocol).is_none() {
        out.error(
            format!("{at}/match/proto"),
            format!("{label}: protocol `{protocol}` is not `tcp`, `udp` or an IP protocol number (e.g. `1` for ICMP)"),
        );
    }
}

/// How findings name rule `index`: `ACL rule 2 (`allow-web`)`.
pub(super) fn rule_label(index: usize, rule: &AclRule) -> String {
    if rule.name.is_empty() {
        format!("ACL rule {index}")
    } else {
        format!("ACL rule {index} (`{}`)", rule.name)
    }
}

fn validate_endpoint(
    label: &str,
    direction: &str,
    at: &str,
    endpoint: &AclEndpoint,
    out: &mut Violations,
) {
    if !endpoint.cidr.is_empty() && !endpoint.vpc_subnet.is_empty() {
        out.error(
            at,
            format!(
                "{label}: a {direction} match sets both `cidr` and `vpcSubnet`: set at most one"
            ),
        );
    }
    if !endpoint.cidr.is_empty() && net::parse_prefix(&endpoint.cidr).is_err() {
        out.error(
            format!("{at}/cidr"),
            format!("{label}: {direction} CIDR `{}` is not an IP prefix: write `a.b.c.d/len`, e.g. `10.0.1.0/24`", endpoint.cidr),
        );
    }
    for (position, port) in endpoint.ports.iter().enumerate() {
        if let Err(problem) = check_port(port) {
            out.error(
                format!("{at}/ports/{position}"),
                format!("{label}: {direction} port `{port}` is not valid ({problem}): {PORT_RULE}"),
            );
        }
    }
}
