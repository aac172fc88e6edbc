//! NAT of an expose entry (`gatewaypeering_types.go:366-418`): one mode per `nat`, port
//! forwarding rules, idle timeouts that parse, and the pairing of the two sides (stateful
//! NAT on one side only, never against static NAT).

use std::collections::BTreeMap;

use super::ports::{PORT_RULE, check_port};
use super::{PeeringNat, duration};
use crate::rules::Violations;

/// A `nat` section (`gatewaypeering_types.go:366-410`): one mode; port forwarding rules.
pub(super) fn validate(
    side: &str,
    at: &str,
    nat: &PeeringNat,
    nat_modes: &mut NatModes,
    out: &mut Violations,
) {
    let mut modes = Vec::new();
    if nat.static_nat.is_some() {
        modes.push("`static`");
        nat_modes
            .stateless
            .entry(side.to_owned())
            .or_insert_with(|| format!("{at}/static"));
    }
    if let Some(masquerade) = &nat.masquerade {
        modes.push("`masquerade`");
        nat_modes
            .stateful
            .entry(side.to_owned())
            .or_insert_with(|| format!("{at}/masquerade"));
        check_idle_timeout(
            masquerade.idle_timeout.as_deref(),
            &format!("{at}/masquerade"),
            out,
        );
    }
    if let Some(port_forward) = &nat.port_forward {
        modes.push("`portForward`");
        let at = format!("{at}/portForward");
        nat_modes
            .stateful
            .entry(side.to_owned())
            .or_insert_with(|| at.clone());
        check_idle_timeout(port_forward.idle_timeout.as_deref(), &at, out);
        if port_forward.ports.is_empty() {
            out.error(
                &at,
                format!("port forwarding of `{side}` has no `ports`: give at least one rule, e.g. `{{proto: tcp, port: \"80\", as: \"8080\"}}`"),
            );
        }
        for (index, rule) in port_forward.ports.iter().enumerate() {
            let at = format!("{at}/ports/{index}");
            for (field, value) in [("port", &rule.port), ("as", &rule.as_port)] {
                if let Err(problem) = check_port(value) {
                    out.error(
                        format!("{at}/{field}"),
                        format!("port forwarding rule {index} of `{side}`: `{field}: {value}` is not valid ({problem}): {PORT_RULE}"),
                    );
                }
            }
            if !["", "tcp", "udp"].contains(&rule.proto.as_str()) {
                out.error(
                    format!("{at}/proto"),
                    format!("port forwarding rule {index} of `{side}`: protocol `{}` is not allowed: use `tcp`, `udp`, or leave it out for both", rule.proto),
                );
            }
        }
    }
    if modes.len() != 1 {
        out.error(
            at,
            format!(
                "the `nat` of `{side}` sets {}: it takes exactly one of `masquerade`, `static` and `portForward`",
                if modes.is_empty() { "no mode".to_owned() } else { modes.join(" and ") }
            ),
        );
    }
}

/// An `idleTimeout`, when written: a Go duration such as `2m` or `90s`.
fn check_idle_timeout(value: Option<&str>, at: &str, out: &mut Violations) {
    if let Some(text) = value
        && !duration::is_go_duration(text)
    {
        out.error(
            format!("{at}/idleTimeout"),
            format!("idleTimeout `{text}` is not a duration: write a number with a unit (`h`, `m`, `s`, `ms`), e.g. `2m` or `90s`"),
        );
    }
}

/// Which sides use stateful NAT (masquerade, port forwarding) and which static NAT, each
/// with the pointer of its first such `nat` mode.
#[derive(Debug, Default)]
pub(super) struct NatModes {
    stateful: BTreeMap<String, String>,
    stateless: BTreeMap<String, String>,
}

impl NatModes {
    /// `gatewaypeering_types.go:413-418`: stateful NAT on one side only, and never
    /// against static NAT on the other.
    pub(super) fn check_pair(&self, first: &str, second: &str, out: &mut Violations) {
        let stateful = |side: &str| self.stateful.get(side);
        let stateless = |side: &str| self.stateless.get(side);
        if let (Some(_), Some(at)) = (stateful(first), stateful(second)) {
            out.error(
                at,
                format!("both `{first}` and `{second}` use stateful NAT (masquerade or portForward): only one side of a peering may"),
            );
            return;
        }
        for (static_side, stateful_side) in [(first, second), (second, first)] {
            if let (Some(_), Some(at)) = (stateless(static_side), stateful(stateful_side)) {
                out.error(
                    at,
                    format!("`{stateful_side}` uses stateful NAT (masquerade or portForward) while `{static_side}` uses static NAT: a side with static NAT cannot peer with a side using stateful NAT"),
                );
                return;
            }
        }
    }
}
