//! Gateway (`gateway.githedgehog.com/v1alpha1`): `Default()` and the stand-alone part of
//! `Validate()` from `api/gateway/v1alpha1/gateway_types.go:167-481`: worker count, the
//! loopback and VTEP addresses, the VTEP MAC, the ASN, interfaces (names, IPs, PCI
//! addresses, kernel names), BGP neighbors and group memberships. Also home of the rule the
//! three gateway kinds share: gateway support must be enabled in the fabric config.
//!
//! hhfab's hydration fills the addresses, the ASN, the neighbors and the interface IPs, so a
//! Gateway in Git usually has none of them: their absence is a warning, a value that is
//! present is checked as an error. A Go `uint32`/`uint8` field refuses a number that does
//! not fit when the webhook decodes the object, so such a number is reported too.

mod addressing;
mod cross;
mod interfaces;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::decode::JsonInt;
use super::{Context, Violations, default_namespace};
use crate::kind::Kind;

/// A Gateway as `Default()` and `Validate()` read it.
pub type Object = super::Resource<GatewaySpec>;

/// `GatewaySpec`. Options mark the fields whose absence is reported, so that the finding
/// points at what is written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewaySpec {
    /// `protocolIP`: the loopback, an IPv4 `/32`.
    #[serde(rename = "protocolIP")]
    pub protocol_ip: Option<String>,
    /// `vtepIP`: an IPv4 unicast `/32`.
    #[serde(rename = "vtepIP")]
    pub vtep_ip: Option<String>,
    /// `vtepMAC`: a unicast MAC.
    #[serde(rename = "vtepMAC")]
    pub vtep_mac: Option<String>,
    /// `asn` (uint32, required non-zero).
    pub asn: Option<JsonInt>,
    /// `vtepMTU` (uint32).
    #[serde(rename = "vtepMTU")]
    pub vtep_mtu: JsonInt,
    /// `interfaces`, by name.
    pub interfaces: Option<BTreeMap<String, GatewayInterface>>,
    /// `neighbors`: BGP neighbors.
    pub neighbors: Option<Vec<GatewayBgpNeighbor>>,
    /// `logs`.
    pub logs: GatewayLogs,
    /// `workers` (uint8; `Default()` makes 0 into 4).
    pub workers: JsonInt,
    /// `groups`: `Default()` sorts them by name and adds `default` to an empty list.
    pub groups: Vec<GatewayGroupMembership>,
    /// `flowTableCapacity` (uint32).
    #[serde(rename = "flowTableCapacity")]
    pub flow_table_capacity: JsonInt,
}

/// `GatewayInterface`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewayInterface {
    /// `pci`: a PCI address such as `0000:02:00.0` (DPDK driver).
    pub pci: String,
    /// `kernel`: a kernel interface name (kernel driver).
    pub kernel: String,
    /// `ips`: IPv4 prefixes.
    pub ips: Option<Vec<String>>,
    /// `mtu` (uint32).
    pub mtu: JsonInt,
}

/// `GatewayBGPNeighbor`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewayBgpNeighbor {
    /// `ip`: an IPv4 unicast address.
    pub ip: Option<String>,
    /// `asn` (uint32, required non-zero).
    pub asn: Option<JsonInt>,
}

/// `GatewayLogs`: `Default()` also fills `default` and `tags`, which nothing validates, so
/// they are not modelled.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewayLogs {
    /// `rateLimit`: absent means no rate limit.
    #[serde(rename = "rateLimit")]
    pub rate_limit: Option<GatewayLogRateLimit>,
}

/// `GatewayLogRateLimit`: `Default()` fills zeros with 50 and 5.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewayLogRateLimit {
    /// `burst` (uint32).
    pub burst: JsonInt,
    /// `replenishPerSecond` (uint32).
    #[serde(rename = "replenishPerSecond")]
    pub replenish_per_second: JsonInt,
}

/// `GatewayGroupMembership`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewayGroupMembership {
    /// `name`: a GatewayGroup.
    pub name: String,
    /// `priority` (uint32).
    pub priority: JsonInt,
    /// Index in `groups` as written, kept through `Default()`'s sort so findings point at
    /// the written entry; `None` for the `default` group `Default()` adds.
    #[serde(skip)]
    pub written_at: Option<usize>,
}

/// How a hydration warning ends: hhfab fills these fields (fabricator
/// `pkg/hhfab/hydrate.go:862-957`), so a Gateway in Git usually lacks them, while the fabric
/// rejects a Gateway without them. A value that is present is checked as an error.
const HYDRATION: &str = "hhfab fills it when it hydrates the wiring; the fabric requires it";

/// `DefaultGatewayGroup`.
const DEFAULT_GROUP: &str = "default";

/// `Default()` (`gateway_types.go:167-201`), the parts `Validate()` reads: namespace, the
/// log rate limit, workers and groups.
pub fn default(gateway: &mut Object) {
    default_namespace(&mut gateway.metadata);
    let spec = &mut gateway.spec;
    if let Some(rate_limit) = &mut spec.logs.rate_limit {
        if rate_limit.burst.0 == 0 {
            rate_limit.burst = JsonInt(50);
        }
        if rate_limit.replenish_per_second.0 == 0 {
            rate_limit.replenish_per_second = JsonInt(5);
        }
    }
    if spec.workers.0 == 0 {
        spec.workers = JsonInt(4);
    }
    for (index, group) in spec.groups.iter_mut().enumerate() {
        group.written_at = Some(index);
    }
    spec.groups.sort_by(|a, b| a.name.cmp(&b.name));
    if spec.groups.is_empty() {
        spec.groups.push(GatewayGroupMembership {
            name: DEFAULT_GROUP.into(),
            ..Default::default()
        });
    }
}

/// The stand-alone part of `Validate()` (`gateway_types.go:205-399`).
pub fn validate(gateway: &Object, ctx: &Context, out: &mut Violations) {
    require_gateway_support(Kind::Gateway, ctx, out);
    // `gateway_types.go:209-211` (namespace must be `default`) is the metadata rule that
    // validate::names already applies to every kind.
    let spec = &gateway.spec;

    if !(1..=64).contains(&spec.workers.0) {
        out.error(
            "/spec/workers",
            format!(
                "workers `{}` is out of range: a gateway runs 1 to 64 dataplane worker threads (4 when unset)",
                spec.workers.0
            ),
        );
    }
    // `gateway_types.go:217-224` (rate limit burst and replenishPerSecond > 0) cannot fail
    // once `Default()` has replaced their zeros; only their width is checked.
    if let Some(rate_limit) = &spec.logs.rate_limit {
        check_u32(rate_limit.burst, "/spec/logs/rateLimit/burst", out);
        check_u32(
            rate_limit.replenish_per_second,
            "/spec/logs/rateLimit/replenishPerSecond",
            out,
        );
    }
    check_u32(spec.vtep_mtu, "/spec/vtepMTU", out);
    check_u32(spec.flow_table_capacity, "/spec/flowTableCapacity", out);

    addressing::validate(spec, out);
    interfaces::validate(spec.interfaces.as_ref(), out);
    validate_groups(&spec.groups, out);
}

/// The rule all three gateway kinds share (`gateway_types.go:206-208`,
/// `gatewaygroup_types.go:72-74`, `gatewaypeering_types.go:289-291`): a fabric without
/// gateway support rejects them. Fabricator's defaults leave it off while many fabrics turn
/// it on, so without a given config it is only a warning.
pub(super) fn require_gateway_support(kind: Kind, ctx: &Context, out: &mut Violations) {
    let Some(config) = ctx.config else {
        return;
    };
    if config.enable_gateway {
        return;
    }
    if ctx.config_given {
        out.error(
            "/kind",
            format!("gateway support is off in the fabric config: a {kind} needs `spec.config.gateway.enable: true` in fab.yaml (`enableGateway: true` in fabric-ctrl-config)"),
        );
    } else {
        out.warning(
            "/kind",
            format!("a {kind} needs `spec.config.gateway.enable: true` in fab.yaml; no fab.yaml given, not checked"),
        );
    }
}

/// `pointer`'s `field` when it is written, else `pointer` itself: where a finding about a
/// missing or empty value points.
fn present_or_parent(present: bool, pointer: &str, field: &str) -> String {
    if present {
        format!("{pointer}/{field}")
    } else {
        pointer.to_owned()
    }
}

/// Reports a number a Go `uint32` field cannot hold (named by its pointer's last segment).
fn check_u32(value: JsonInt, pointer: &str, out: &mut Violations) {
    if u32::try_from(value.0).is_err() {
        let field = pointer.rsplit('/').next().unwrap_or(pointer);
        out.error(
            pointer,
            format!(
                "{field} `{}` is out of range: allowed 0 to {}",
                value.0,
                u32::MAX
            ),
        );
    }
}

/// Group memberships (`gateway_types.go:390-399`): each group once. `Default()` sorted
/// them, so a duplicate follows its first occurrence; it also added `default` to an empty
/// list, so "at least one group" (`:390-392`) cannot fail.
fn validate_groups(groups: &[GatewayGroupMembership], out: &mut Violations) {
    for group in groups {
        if let Some(index) = group.written_at {
            check_u32(
                group.priority,
                &format!("/spec/groups/{index}/priority"),
                out,
            );
        }
    }
    for pair in groups.windows(2) {
        if let [first, second] = pair
            && first.name == second.name
        {
            let at = second.written_at.map_or_else(
                || "/spec/groups".to_owned(),
                |i| format!("/spec/groups/{i}/name"),
            );
            out.error(
                at,
                format!(
                    "group `{}` is listed twice: a gateway joins each group once",
                    second.name
                ),
            );
        }
    }
}

/// The cross-object part of `Validate()` (`gateway_types.go:401-478`): see [`cross`].
pub fn validate_cross(
    gateway: &Object,
    state: &super::state::FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    cross::validate(gateway, state, ctx, out);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn defaulted(spec: serde_json::Value) -> Object {
        let mut gateway: Object =
            serde_json::from_value(json!({"metadata": {"name": "gw-1"}, "spec": spec})).unwrap();
        default(&mut gateway);
        gateway
    }

    /// `TestGatewayLogRateLimitDefaulting` (`gateway_types_test.go:328-354`).
    #[test]
    fn the_log_rate_limit_stays_off_when_absent_and_fills_zeros_when_present() {
        assert!(defaulted(json!({})).spec.logs.rate_limit.is_none());
        let empty = defaulted(json!({"logs": {"rateLimit": {}}}));
        let limit = empty.spec.logs.rate_limit.unwrap();
        assert_eq!(
            (limit.burst, limit.replenish_per_second),
            (JsonInt(50), JsonInt(5))
        );
        let explicit =
            defaulted(json!({"logs": {"rateLimit": {"burst": 100, "replenishPerSecond": 10}}}));
        let limit = explicit.spec.logs.rate_limit.unwrap();
        assert_eq!(
            (limit.burst, limit.replenish_per_second),
            (JsonInt(100), JsonInt(10))
        );
    }

    #[test]
    fn groups_are_sorted_keeping_their_written_index_and_default_to_default() {
        let gateway = defaulted(json!({"groups": [{"name": "b"}, {"name": "a"}]}));
        let groups: Vec<_> = gateway
            .spec
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.written_at))
            .collect();
        assert_eq!(groups, [("a", Some(1)), ("b", Some(0))]);
        let gateway = defaulted(json!({}));
        assert_eq!(gateway.spec.groups[0].name, "default");
        assert_eq!(gateway.spec.groups[0].written_at, None);
        assert_eq!(gateway.spec.workers, JsonInt(4));
        assert_eq!(gateway.metadata.namespace, "default");
    }

    #[test]
    fn numbers_of_any_width_are_read_and_judged_not_dropped() {
        let gateway =
            defaulted(json!({"asn": 1e30, "vtepMTU": -1, "workers": 18446744073709551615u64}));
        assert_eq!(
            gateway.spec.asn,
            Some(JsonInt(1_000_000_000_000_000_019_884_624_838_656))
        );
        let mut out = Violations::default();
        validate(
            &gateway,
            &Context {
                config: None,
                config_given: false,
                release: crate::rules::Release::NEWEST,
            },
            &mut out,
        );
        let pointers: Vec<_> = out.into_vec().into_iter().map(|v| v.pointer).collect();
        for pointer in ["/spec/workers", "/spec/vtepMTU", "/spec/asn"] {
            assert!(
                pointers.iter().any(|p| p == pointer),
                "{pointer}: {pointers:?}"
            );
        }
    }
}
