//! Connection: `Default()` and `Validate()` of `api/wiring/v1beta1/connection_types.go`
//! (`:710-1118`): the typed model, the type and MTU rules; the port rules of `Endpoints()`
//! are in `endpoints`, the static external link's in `static_external`.
//!
//! MCLAG (`mclag`, `mclagDomain`) is validated like any other type up to 26.02, and only
//! warned about from 26.03 (as at 78827deb): [`mclag_validated`] says which.

mod cross;
mod endpoints;
#[cfg(test)]
mod mclag_tests;
mod static_external;

pub use endpoints::{End, Endpoint};

use serde::Deserialize;

use super::config::{FabricConfig, SPINE_LEAF};
use super::decode::go_integer;
use super::{Context, Release, Violations};

/// `Connection`.
pub type Object = super::Resource<ConnectionSpec>;

/// `ConnectionSpec`: one field per connection type, exactly one of which should be set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConnectionSpec {
    /// `unbundled`: one server port to one switch port.
    pub unbundled: Option<Unbundled>,
    /// `bundled`: a port channel from one server to one switch.
    pub bundled: Option<ServerLinks>,
    /// `mclag`: a port channel from one server to 1-2 switches of an MCLAG pair; checked up
    /// to 26.02, deprecated (warned about, not checked) from 26.03.
    pub mclag: Option<ServerLinks>,
    /// `eslag`: a port channel from one server to 1-4 switches.
    pub eslag: Option<ServerLinks>,
    /// `mclagDomain`: the peer and session links of an MCLAG pair; checked up to 26.02,
    /// deprecated from 26.03.
    pub mclag_domain: Option<McLagDomain>,
    /// `fabric`: spine to leaf links.
    pub fabric: Option<Links<FabricLink>>,
    /// `mesh`: leaf to leaf links.
    pub mesh: Option<Links<MeshLink>>,
    /// `gateway`: switch to gateway links.
    pub gateway: Option<Links<GatewayLink>>,
    /// `vpcLoopback`: port pairs on one switch.
    pub vpc_loopback: Option<Links<SwitchToSwitchLink>>,
    /// `external`: one switch port to an external device.
    pub external: Option<External>,
    /// `staticExternal`: one switch port to an external device, with static routes.
    pub static_external: Option<StaticExternal>,
}

/// `BasePortName`: `<device>/<port>`, e.g. `leaf-01/E1/1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Port {
    /// `port`.
    pub port: String,
}

/// `ConnFabricLinkSwitch` and `ConnGatewayLinkGateway`: a port with its link IP.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PortWithIp {
    /// `port`.
    pub port: String,
    /// `ip`: the link's /31, filled by hhfab's hydration.
    pub ip: String,
}

/// `ServerToSwitchLink`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ServerToSwitchLink {
    /// `server`.
    pub server: Port,
    /// `switch`.
    pub switch: Port,
}

/// `ConnUnbundled`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Unbundled {
    /// `link`.
    pub link: ServerToSwitchLink,
    /// `mtu` (Go `uint16`; wider here so that any schema-valid integer is read and judged).
    #[serde(deserialize_with = "go_integer")]
    pub mtu: Option<i128>,
}

/// `ConnBundled`, `ConnESLAG`, `ConnMCLAG`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ServerLinks {
    /// `links`.
    pub links: Vec<ServerToSwitchLink>,
    /// `mtu` (Go `uint16`).
    #[serde(deserialize_with = "go_integer")]
    pub mtu: Option<i128>,
}

/// `ConnFabric`, `ConnMesh`, `ConnGateway`, `ConnVPCLoopback`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Links<Link> {
    /// `links`.
    pub links: Vec<Link>,
}

impl<Link> Default for Links<Link> {
    fn default() -> Self {
        Links { links: Vec::new() }
    }
}

/// `ConnMCLAGDomain`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct McLagDomain {
    /// `peerLinks`: carry server traffic between the pair.
    pub peer_links: Vec<SwitchToSwitchLink>,
    /// `sessionLinks`: carry the MCLAG control plane and BGP between the pair.
    pub session_links: Vec<SwitchToSwitchLink>,
}

/// `FabricLink`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FabricLink {
    /// `spine`.
    pub spine: PortWithIp,
    /// `leaf`.
    pub leaf: PortWithIp,
}

/// `MeshLink`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MeshLink {
    /// `leaf1`.
    pub leaf1: PortWithIp,
    /// `leaf2`.
    pub leaf2: PortWithIp,
}

/// `GatewayLink`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewayLink {
    /// `switch`.
    pub switch: PortWithIp,
    /// `gateway`.
    pub gateway: PortWithIp,
}

/// `SwitchToSwitchLink`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SwitchToSwitchLink {
    /// `switch1`.
    pub switch1: Port,
    /// `switch2`.
    pub switch2: Port,
}

/// `ConnExternal`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct External {
    /// `link.switch`.
    pub link: ExternalLink,
}

/// `ConnExternalLink`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExternalLink {
    /// `switch`.
    pub switch: Port,
}

/// `ConnStaticExternal`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StaticExternal {
    /// `link`.
    pub link: StaticExternalLink,
    /// `withinVPC`: the VPC whose VRF holds the link, instead of the default VRF.
    #[serde(rename = "withinVPC")]
    pub within_vpc: String,
}

/// `ConnStaticExternalLink`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StaticExternalLink {
    /// `switch`.
    pub switch: StaticExternalSwitch,
}

/// `ConnStaticExternalLinkSwitch`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StaticExternalSwitch {
    /// `port`.
    pub port: String,
    /// `ip`: the switch port's address with its subnet (`192.168.1.2/24`).
    pub ip: String,
    /// `nextHop`: the external device's address, inside `ip`'s subnet.
    pub next_hop: String,
    /// `subnets`: routed through `nextHop`.
    pub subnets: Vec<String>,
    /// `vlan` (Go `uint16`).
    #[serde(deserialize_with = "go_integer")]
    pub vlan: Option<i128>,
}

/// The newest release that validates MCLAG connections; from 26.03 on (as at 78827deb,
/// `connection_types.go:741-743`) they are only warned about and no other rule sees them.
pub const LAST_WITH_MCLAG: Release = Release::V26_02;

/// Whether `release` validates MCLAG connections and counts their ports.
pub fn mclag_validated(release: Release) -> bool {
    release <= LAST_WITH_MCLAG
}

/// The connection types in the order Go tests them (`Type()`, `:436-458`): when several
/// are set, the fabric goes by the first.
const TYPES: [&str; 9] = [
    "unbundled",
    "bundled",
    "eslag",
    "fabric",
    "mesh",
    "gateway",
    "vpcLoopback",
    "external",
    "staticExternal",
];

/// [`TYPES`] as 26.01 and 26.02 order them, MCLAG's two after `bundled` (fabric v0.120.3
/// `api/wiring/v1beta1/connection_types.go:454-480` and `:507-610`; the same at v0.115.4).
const TYPES_WITH_MCLAG: [&str; 11] = [
    "unbundled",
    "bundled",
    "mclagDomain",
    "mclag",
    "eslag",
    "fabric",
    "mesh",
    "gateway",
    "vpcLoopback",
    "external",
    "staticExternal",
];

impl ConnectionSpec {
    /// Whether `mclag` or `mclagDomain` is set.
    pub fn has_mclag(&self) -> bool {
        self.mclag.is_some() || self.mclag_domain.is_some()
    }

    /// Whether the connection type `kind` (its JSON name) is set.
    fn is_set(&self, kind: &str) -> bool {
        match kind {
            "unbundled" => self.unbundled.is_some(),
            "bundled" => self.bundled.is_some(),
            "mclagDomain" => self.mclag_domain.is_some(),
            "mclag" => self.mclag.is_some(),
            "eslag" => self.eslag.is_some(),
            "fabric" => self.fabric.is_some(),
            "mesh" => self.mesh.is_some(),
            "gateway" => self.gateway.is_some(),
            "vpcLoopback" => self.vpc_loopback.is_some(),
            "external" => self.external.is_some(),
            "staticExternal" => self.static_external.is_some(),
            _ => false,
        }
    }

    /// The JSON names of the types that are set, in the order of `release`'s Go code: MCLAG's
    /// types count only where [`mclag_validated`].
    pub fn types_set(&self, release: Release) -> Vec<&'static str> {
        let order: &[&'static str] = if mclag_validated(release) {
            &TYPES_WITH_MCLAG
        } else {
            &TYPES
        };
        order
            .iter()
            .copied()
            .filter(|kind| self.is_set(kind))
            .collect()
    }
}

/// `Default()` (`:710-723`) only sets the namespace and the labels, which no rule reads.
pub fn default(_object: &mut Object) {}

/// `Validate()` (`:736-815`), stand-alone part.
pub fn validate(object: &Object, ctx: &Context, out: &mut Violations) {
    let spec = &object.spec;
    validate_uint16_fields(spec, out);
    // From 26.03 (fabric v0.129.1 connection_types.go:754-756, as at 78827deb `:741-743`):
    // MCLAG connections are only warned about, and nothing else is checked. Up to 26.02
    // (v0.120.3 `:817-830`) they are checked like the other types.
    if !mclag_validated(ctx.release) {
        for (pointer, set) in [
            ("/spec/mclag", spec.mclag.is_some()),
            ("/spec/mclagDomain", spec.mclag_domain.is_some()),
        ] {
            if set {
                out.warning(
                    pointer,
                    "MCLAG is deprecated and no longer supported: use an ESLAG connection (`eslag`)",
                );
                return;
            }
        }
    }
    if let Some(config) = ctx.config {
        validate_server_facing_mtu(spec, config, ctx.release, out);
    }
    let types = spec.types_set(ctx.release);
    match types.as_slice() {
        [] => out.error(
            "/spec",
            format!(
                "no connection type is set: set exactly one of {}",
                if mclag_validated(ctx.release) {
                    super::backticked(TYPES_WITH_MCLAG)
                } else {
                    super::backticked(TYPES)
                }
            ),
        ),
        [first, rest @ ..] => {
            // Go counts only the first type set (`:498-641` is an if/else chain), so the
            // fabric accepts the others and ignores them.
            for other in rest {
                out.warning(
                    format!("/spec/{other}"),
                    format!(
                        "`{other}` is set besides `{first}`: a connection has exactly one type, and the fabric uses `{first}` and ignores `{other}`; split it into two connections"
                    ),
                );
            }
            endpoints::validate(spec, first, out);
        }
    }
    if let Some(static_external) = &spec.static_external {
        static_external::validate(&static_external.link.switch, ctx, out);
    }
    if let Some(config) = ctx.config
        && config.fabric_mode != SPINE_LEAF
    {
        // `:808-814`.
        for (pointer, set, what) in [
            ("/spec/eslag", spec.eslag.is_some(), "ESLAG"),
            ("/spec/gateway", spec.gateway.is_some(), "gateway"),
        ] {
            if set {
                out.error(
                    pointer,
                    format!(
                        "{what} connections need the `spine-leaf` fabric mode, and this fabric's `fabricMode` is `{}`",
                        config.fabric_mode
                    ),
                );
            }
        }
    }
}

/// The numbers of Go `uint16` fields that do not fit one: the webhook cannot even decode
/// the object. The checks that read such a number skip it.
fn validate_uint16_fields(spec: &ConnectionSpec, out: &mut Violations) {
    let fields = [
        (
            "/spec/unbundled/mtu",
            spec.unbundled.as_ref().and_then(|c| c.mtu),
        ),
        (
            "/spec/bundled/mtu",
            spec.bundled.as_ref().and_then(|c| c.mtu),
        ),
        ("/spec/mclag/mtu", spec.mclag.as_ref().and_then(|c| c.mtu)),
        ("/spec/eslag/mtu", spec.eslag.as_ref().and_then(|c| c.mtu)),
        (
            "/spec/staticExternal/link/switch/vlan",
            spec.static_external
                .as_ref()
                .and_then(|c| c.link.switch.vlan),
        ),
    ];
    for (pointer, value) in fields {
        if let Some(value) = value
            && u16::try_from(value).is_err()
        {
            let field = pointer.rsplit('/').next().unwrap_or(pointer);
            out.error(
                pointer,
                format!("`{field}` `{value}` does not fit the fabric's 16-bit field: it must be within 0..65535"),
            );
        }
    }
}

/// `ValidateServerFacingMTU()` (`:725-734`), with Go's `uint16` arithmetic: an offset larger
/// than the MTU wraps around and allows any MTU, as in the fabric.
fn validate_server_facing_mtu(
    spec: &ConnectionSpec,
    config: &FabricConfig,
    release: Release,
    out: &mut Violations,
) {
    let limit = config
        .fabric_mtu
        .wrapping_sub(config.server_facing_mtu_offset);
    // ESLAG's MTU is not checked by Go; MCLAG's is, up to 26.02 (fabric v0.120.3
    // connection_types.go:810-812).
    let mclag_mtu = spec
        .mclag
        .as_ref()
        .filter(|_| mclag_validated(release))
        .and_then(|c| c.mtu);
    let mtus = [
        ("unbundled", spec.unbundled.as_ref().and_then(|c| c.mtu)),
        ("bundled", spec.bundled.as_ref().and_then(|c| c.mtu)),
        ("mclag", mclag_mtu),
    ];
    for (kind, mtu) in mtus {
        match mtu.map(u16::try_from) {
            Some(Ok(mtu)) if mtu > limit => out.error(
                format!("/spec/{kind}/mtu"),
                format!(
                    "{kind} connection `mtu` `{mtu}` is above the server-facing limit `{limit}`: the fabric MTU `{}` minus the server-facing offset `{}`",
                    config.fabric_mtu, config.server_facing_mtu_offset
                ),
            ),
            _ => {}
        }
    }
}

/// The cross-object part of `Validate()` (`:816-1115`) and the webhook's
/// (`pkg/ctrl/connection_wh.go:65-112`): see `cross`.
pub fn validate_cross(
    object: &Object,
    state: &super::state::FabricState,
    ctx: &Context,
    out: &mut Violations,
) {
    cross::validate(object, state, ctx, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;
    use crate::rules::Violation;

    fn admit(spec: serde_json::Value, config: Option<&FabricConfig>) -> Vec<(String, String)> {
        let object = serde_json::json!({"metadata": {"name": "c"}, "spec": spec});
        let ctx = crate::rules::test_support::given_config(config, crate::rules::Release::NEWEST);
        crate::rules::admit(&Kind::Connection, &object, &ctx)
            .into_iter()
            .map(
                |Violation {
                     pointer, message, ..
                 }| (pointer, message),
            )
            .collect()
    }

    #[test]
    fn a_malformed_port_is_one_finding_not_also_a_wrong_device_count() {
        let found = admit(
            serde_json::json!({"bundled": {"links": [
                {"server": {"port": "server-01/enp2s1"}, "switch": {"port": "leaf-01"}},
                {"server": {"port": "server-01/enp2s2"}, "switch": {"port": "leaf-01/E1/2"}}
            ]}}),
            None,
        );
        assert_eq!(
            found,
            [(
                "/spec/bundled/links/0/switch/port".to_owned(),
                "port `leaf-01` is not `<device>/<port>`: name the switch, server or gateway and its port, e.g. `leaf-01/E1/1`".to_owned()
            )]
        );
    }

    #[test]
    fn the_mtu_limit_wraps_as_go_uint16_does_when_the_offset_exceeds_the_mtu() {
        let config = FabricConfig {
            fabric_mtu: 64,
            server_facing_mtu_offset: 100,
            ..FabricConfig::default()
        };
        let unbundled = serde_json::json!({"unbundled": {"mtu": 9000, "link": {
            "server": {"port": "server-01/enp2s1"}, "switch": {"port": "leaf-01/E1/1"}
        }}});
        assert!(admit(unbundled, Some(&config)).is_empty());
    }

    #[test]
    fn static_external_problems_are_reported_each_at_its_field() {
        let found = admit(
            serde_json::json!({"staticExternal": {"link": {"switch": {
                "port": "leaf-01/E1/1", "ip": "192.168.1.2/24", "nextHop": "10.0.0.1",
                "subnets": ["10.1.0.0/16", "10.1.2.3/24", "10.1.4.0/24"]
            }}}}),
            None,
        );
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/spec/staticExternal/link/switch/nextHop",
                "/spec/staticExternal/link/switch/subnets/1",
                "/spec/staticExternal/link/switch/subnets/2",
            ]
        );
    }

    /// At 26.01 go-cidr's overlap check inside 0.0.0.0/0 refuses an IPv6 static route
    /// ("0.0.0.0/0 does not fully contain fd00::/64", the 26.01 oracle); 26.02 takes it.
    #[test]
    fn an_ipv6_static_external_subnet_is_refused_at_26_01_only() {
        let spec = serde_json::json!({"staticExternal": {"link": {"switch": {
            "port": "leaf-01/E1/1", "ip": "192.168.1.2/24", "nextHop": "192.168.1.1",
            "subnets": ["fd00::/64"]
        }}}});
        let object = serde_json::json!({"metadata": {"name": "c"}, "spec": spec});
        for release in crate::rules::Release::ALL {
            let ctx = crate::rules::test_support::given_config(None, release);
            let found: Vec<String> = crate::rules::admit(&Kind::Connection, &object, &ctx)
                .into_iter()
                .map(|v| v.message)
                .collect();
            if release == crate::rules::Release::V26_01 {
                assert_eq!(
                    found,
                    [
                        "subnet `fd00::/64` is IPv6: 0.0.0.0/0 does not fully contain it, and Hedgehog 26.01 routes only IPv4 subnets to a static external"
                    ]
                );
            } else {
                assert!(found.is_empty(), "{release}: {found:?}");
            }
        }
    }
}
