//! Reading the fabric config the rules check against from a file, in either form a user
//! has: the `fab.yaml` that `hhfab init` wrote (kind `Fabricator`,
//! `fabricator.githedgehog.com/v1beta1`, its `spec.config`), or the `config.yaml` the running
//! fabric reads (`meta.FabricConfig` with its JSON field names, from the
//! `fab/fabric-ctrl-config` ConfigMap, alone or as the whole ConfigMap). Told apart by
//! content. Pure: bytes in, a config or a finding with its line out.
//!
//! A fab.yaml becomes a `FabricConfig` as fabricator derives it
//! (`../shared/hedgehog/fabric-config.md` §2): fabricator's defaults fill every field the file
//! leaves out or sets to zero (mergo), then `Fabricator.Default()`'s fixups, then
//! `GetFabricConfig()`'s mapping (reserved subnets derived from the subnets). A config.yaml is
//! used as written, then checked and normalised as `FabricConfig.Init()` does: a config
//! that lacks a field `Init()` requires is refused, naming it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::config::{FabricConfig, SPINE_LEAF, VlanRange};
use super::net;
use crate::finding::Finding;
use crate::manifest::{self, Node, Value};

/// Which kind of file the config came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ConfigForm {
    /// A fab.yaml (`kind: Fabricator`).
    #[serde(rename = "fab.yaml")]
    FabYaml,
    /// fabric-ctrl's `config.yaml` (or the ConfigMap holding it).
    #[serde(rename = "fabric-ctrl-config")]
    FabricCtrlConfig,
}

/// Which fabric config a check used, for the reports: a file, or fabricator's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConfigSource {
    /// The file, as the user named it or relative to the repository; `None` for
    /// fabricator's defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// What kind of file it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<ConfigForm>,
}

impl ConfigSource {
    /// Which config this is, in the words every report uses, the file shown by `show_file`
    /// (the Markdown summary quotes it as code): `f/fab.yaml (fab.yaml)`, or fabricator's
    /// defaults and how to give a config.
    pub fn describe(&self, show_file: impl Fn(&str) -> String) -> String {
        match (&self.file, self.form) {
            (Some(file), Some(ConfigForm::FabYaml)) => format!("{} (fab.yaml)", show_file(file)),
            (Some(file), _) => format!("{} (fabric-ctrl config.yaml)", show_file(file)),
            (None, _) => {
                "fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)"
                    .to_owned()
            }
        }
    }
}

/// The JSON names of every `meta.FabricConfig` field (`api/meta/types.go:77-135`): fabric-ctrl
/// decodes its config strictly, so any other key is an error there too.
const FABRIC_CONFIG_FIELDS: &[&str] = &[
    "deploymentID",
    "controlVIP",
    "apiServer",
    "agentRepo",
    "vpcIRBVLANRange",
    "vpcPeeringVLANRange",
    "th5WorkaroundVLANRange",
    "vpcPeeringDisabled",
    "reservedSubnets",
    "users",
    "fabricMode",
    "baseVPCCommunity",
    "vpcLoopbackSubnet",
    "fabricMTU",
    "serverFacingMTUOffset",
    "eslagMACBase",
    "eslagESIPrefix",
    "alloyRepo",
    "alloyVersion",
    "alloy",
    "alloyTargets",
    "observability",
    "controlProxyURL",
    "defaultMaxPathsEBGP",
    "allowExtraSwitchProfiles",
    "mclagSessionSubnet",
    "gatewayASN",
    "gatewayAPISync",
    "loopbackWorkaround",
    "includeSONiCCLSPlus",
    "includeCumulus",
    "protocolSubnet",
    "vtepSubnet",
    "fabricSubnet",
    "disableBFD",
    "gatewayBFD",
    "spineASN",
    "leafASNStart",
    "leafASNEnd",
    "managementSubnet",
    "managementDHCPStart",
    "managementDHCPEnd",
    "gatewayCommunities",
    "l2ProxyExternalSubnet",
    "enableGateway",
    "gatewayNamespace",
    "gatewayTolerations",
    "dataplaneRef",
    "frrRef",
    "toolboxRef",
    "dataplaneMetricsPort",
    "frrMetricsPort",
    "dataplaneValidatorRef",
];

fn at(node: &Node, message: impl Into<String>) -> Finding {
    Finding::at(node.pos.line, node.pos.col, message)
}

/// Reads a fabric config file: a fab.yaml or a fabric-ctrl-config `config.yaml`.
pub fn read(bytes: &[u8]) -> Result<(FabricConfig, ConfigForm), Finding> {
    let documents = manifest::parse(bytes)?;
    let kind_of = |root: &Node| match root.value.get("kind").map(|n| &n.value) {
        Some(Value::Str(kind)) => Some(kind.clone()),
        _ => None,
    };
    if let Some(fabricator) = documents
        .iter()
        .find(|d| kind_of(&d.root).as_deref() == Some("Fabricator"))
    {
        return from_fab_yaml(&fabricator.root).map(|c| (c, ConfigForm::FabYaml));
    }
    let [document] = documents.as_slice() else {
        return Err(Finding::at(
            1,
            1,
            "not a fabric config: expected a fab.yaml with a `kind: Fabricator` document, or fabric-ctrl's config.yaml (one mapping)",
        ));
    };
    let root = &document.root;
    match kind_of(root).as_deref() {
        Some("ConfigMap") => {
            let data = root
                .value
                .get("data")
                .and_then(|d| d.value.get("config.yaml"))
                .ok_or_else(|| at(root, "this ConfigMap has no `data.config.yaml`: use the fabric-ctrl-config ConfigMap (`kubectl get cm -n fab fabric-ctrl-config -o yaml`)"))?;
            let Value::Str(text) = &data.value else {
                return Err(at(data, "`data.config.yaml` must be a string"));
            };
            // Positions inside the embedded text are relative to it: say where it starts.
            from_fabric_ctrl_config_text(text.as_bytes()).map_err(|f| {
                at(
                    data,
                    format!("in `data.config.yaml`, line {}: {}", f.line, f.message),
                )
            })
        }
        Some(kind) => Err(at(
            root,
            format!("a {kind} is not a fabric config: give a fab.yaml (kind Fabricator) or fabric-ctrl's config.yaml"),
        )),
        None => from_fabric_ctrl_config(root),
    }
    .map(|c| (c, ConfigForm::FabricCtrlConfig))
}

fn from_fabric_ctrl_config_text(bytes: &[u8]) -> Result<FabricConfig, Finding> {
    match manifest::parse(bytes)?.as_slice() {
        [document] => from_fabric_ctrl_config(&document.root),
        _ => Err(Finding::at(
            1,
            1,
            "config.yaml must hold exactly one mapping",
        )),
    }
}

/// fabric-ctrl's `config.yaml`: decoded strictly, then checked and normalised as `Init()`
/// does.
fn from_fabric_ctrl_config(root: &Node) -> Result<FabricConfig, Finding> {
    let Value::Map(entries) = &root.value else {
        return Err(at(root, "a fabric config must be a mapping"));
    };
    for entry in entries {
        if !FABRIC_CONFIG_FIELDS.contains(&entry.key.as_str()) {
            return Err(Finding::at(
                entry.key_pos.line,
                entry.key_pos.col,
                format!(
                    "unknown field `{}` in fabric-ctrl's config.yaml (a fab.yaml starts with `kind: Fabricator`)",
                    entry.key
                ),
            ));
        }
        // Decoding one field at a time names the line of a field of the wrong type.
        let single = serde_json::json!({ entry.key.clone(): entry.value.to_json() });
        if let Err(e) = serde_json::from_value::<FabricConfig>(single) {
            return Err(at(&entry.value, format!("`{}`: {e}", entry.key)));
        }
    }
    let mut config: FabricConfig = serde_json::from_value(root.to_json())
        .map_err(|e| at(root, format!("cannot read the fabric config: {e}")))?;
    init(root, &mut config)?;
    Ok(config)
}

/// `strconv.ParseUint(part, 10, 16)` succeeds: decimal digits only, no sign.
fn is_u16(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) && part.parse::<u16>().is_ok()
}

/// Whether a config.yaml value counts as set for `Init()`: Go's zero values (absent, `""`,
/// `0`, an empty list or map, `null`) do not.
fn is_set(value: Option<&serde_json::Value>) -> bool {
    use serde_json::Value as Json;
    match value {
        None | Some(Json::Null) => false,
        Some(Json::String(s)) => !s.is_empty(),
        Some(Json::Number(n)) => n.as_f64() != Some(0.0),
        Some(Json::Array(items)) => !items.is_empty(),
        Some(Json::Object(entries)) => !entries.is_empty(),
        Some(Json::Bool(_)) => true,
    }
}

/// `FabricConfig.Init()` (`api/meta/types.go:233-395`), which fabric-ctrl runs on its config
/// before anything else: in its order, the first required field that is missing or zero,
/// or the first value it refuses. A partial config.yaml is refused there, as the fabric
/// would refuse it, instead of being checked with Go's zero values (a leaf ASN range
/// `0-0`). Normalises the VLAN ranges and parses the reserved subnets as `Init()` does.
/// Not mirrored: the `deploymentID`, `users` and `alloyTargets` checks, which concern
/// nothing hh-gitops reads.
fn init(root: &Node, config: &mut FabricConfig) -> Result<(), Finding> {
    let json = root.to_json();
    let located = |key: &str| root.value.get(key).unwrap_or(root);
    let required = |key: &str| -> Result<(), Finding> {
        if is_set(json.get(key)) {
            return Ok(());
        }
        let what = if json.get(key).is_some() {
            format!("config.yaml's `{key}` is empty or zero")
        } else {
            format!("config.yaml has no `{key}`")
        };
        Err(at(
            located(key),
            format!(
                "{what}: fabric-ctrl's Init() requires it, so the fabric would not start with this config; give the whole config (`kubectl get cm -n fab fabric-ctrl-config -o yaml`) or the fabric's fab.yaml"
            ),
        ))
    };
    let refused = |key: &str, why: String| at(located(key), format!("`{key}`: {why}"));
    let ranges = |key: &str, ranges: &[VlanRange]| -> Result<Vec<VlanRange>, Finding> {
        let normalized = VlanRange::normalized(ranges).map_err(|e| refused(key, e))?;
        if normalized.is_empty() {
            required(key)?;
        }
        Ok(normalized)
    };
    required("controlVIP")?;
    required("apiServer")?;
    required("agentRepo")?;
    config.vpc_irb_vlan_ranges = ranges("vpcIRBVLANRange", &config.vpc_irb_vlan_ranges)?;
    // Decoded field by field before this, so it reads.
    let peering: Vec<VlanRange> = json
        .get("vpcPeeringVLANRange")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    ranges("vpcPeeringVLANRange", &peering)?;
    config.th5_workaround_vlan_range =
        ranges("th5WorkaroundVLANRange", &config.th5_workaround_vlan_range)?;
    required("fabricMode")?;
    if config.fabric_mode != SPINE_LEAF {
        return Err(refused(
            "fabricMode",
            format!(
                "`{}` is not a fabric mode: the only one is `{SPINE_LEAF}`",
                config.fabric_mode
            ),
        ));
    }
    config
        .with_reserved_subnets()
        .map_err(|e| at(located("reservedSubnets"), e))?;
    required("baseVPCCommunity")?;
    required("vpcLoopbackSubnet")?;
    required("fabricMTU")?;
    if config.fabric_mtu > 9216 {
        return Err(refused(
            "fabricMTU",
            format!("{} is above the largest MTU, 9216", config.fabric_mtu),
        ));
    }
    required("serverFacingMTUOffset")?;
    required("eslagMACBase")?;
    let mac = json["eslagMACBase"].as_str().unwrap_or_default();
    if net::parse_mac(mac).map_or(true, |octets| octets.len() != 6) {
        return Err(refused(
            "eslagMACBase",
            format!("`{mac}` is not a 48-bit MAC address"),
        ));
    }
    required("eslagESIPrefix")?;
    let prefix = json["eslagESIPrefix"].as_str().unwrap_or_default();
    if prefix.len() != 12 {
        return Err(refused(
            "eslagESIPrefix",
            format!("`{prefix}` is not 12 characters long, e.g. `00:f2:00:00:`"),
        ));
    }
    required("defaultMaxPathsEBGP")?;
    required("gatewayASN")?;
    required("spineASN")?;
    required("leafASNStart")?;
    required("leafASNEnd")?;
    let (start, end, spine) = (config.leaf_asn_start, config.leaf_asn_end, config.spine_asn);
    if end < start {
        return Err(refused(
            "leafASNEnd",
            format!("{end} is below `leafASNStart` {start}"),
        ));
    }
    if (start..=end).contains(&spine) {
        return Err(refused(
            "spineASN",
            format!("{spine} is in the leaf ASN range {start}-{end}"),
        ));
    }
    required("managementSubnet")?;
    required("managementDHCPStart")?;
    required("managementDHCPEnd")?;
    let subnet = net::parse_prefix(&config.management_subnet)
        .map_err(|e| refused("managementSubnet", e))?
        .trunc();
    let dhcp_end = json["managementDHCPEnd"].as_str().unwrap_or_default();
    for (key, address) in [
        ("managementDHCPStart", config.management_dhcp_start.as_str()),
        ("managementDHCPEnd", dhcp_end),
    ] {
        if !net::parse_addr(address).is_ok_and(|a| subnet.contains(&a)) {
            return Err(refused(
                key,
                format!("`{address}` is not an address in `managementSubnet` `{subnet}`"),
            ));
        }
    }
    for community in config.gateway_communities.values() {
        let valid = community
            .split_once(':')
            .is_some_and(|(asn, value)| [asn, value].iter().all(|part| is_u16(part)));
        if !valid {
            return Err(refused(
                "gatewayCommunities",
                format!("`{community}` is not a community `ASN16:VALUE16`, e.g. `50001:0`"),
            ));
        }
    }
    Ok(())
}

/// Reads typed values out of `spec.config`, each error naming its line.
struct Fields<'a> {
    config: Option<&'a Node>,
}

impl<'a> Fields<'a> {
    fn node(&self, path: &[&str]) -> Option<&'a Node> {
        let mut node = self.config?;
        for key in path {
            node = node.value.get(key)?;
        }
        Some(node).filter(|n| !matches!(n.value, Value::Null))
    }

    fn name(path: &[&str]) -> String {
        format!("spec.config.{}", path.join("."))
    }

    /// A string field; empty counts as absent (mergo fills zero values).
    fn string(&self, path: &[&str]) -> Result<Option<String>, Finding> {
        match self.node(path) {
            None => Ok(None),
            Some(Node {
                value: Value::Str(s),
                ..
            }) => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
            Some(other) => Err(at(other, format!("{} must be a string", Self::name(path)))),
        }
    }

    /// An unsigned number field; zero counts as absent.
    fn number(&self, path: &[&str]) -> Result<Option<u32>, Finding> {
        match self.node(path) {
            None => Ok(None),
            Some(
                node @ Node {
                    value: Value::Int(i),
                    ..
                },
            ) => match u32::try_from(*i) {
                Ok(0) => Ok(None),
                Ok(n) => Ok(Some(n)),
                Err(_) => Err(at(
                    node,
                    format!(
                        "{} must be a number from 0 to 4294967295, not {i}",
                        Self::name(path)
                    ),
                )),
            },
            Some(other) => Err(at(other, format!("{} must be a number", Self::name(path)))),
        }
    }

    fn boolean(&self, path: &[&str]) -> Result<bool, Finding> {
        match self.node(path) {
            None => Ok(false),
            Some(Node {
                value: Value::Bool(b),
                ..
            }) => Ok(*b),
            Some(other) => Err(at(
                other,
                format!("{} must be true or false", Self::name(path)),
            )),
        }
    }

    /// A list of `{from, to}` VLAN ranges; empty counts as absent.
    fn vlan_ranges(&self, path: &[&str]) -> Result<Option<Vec<VlanRange>>, Finding> {
        let Some(node) = self.node(path) else {
            return Ok(None);
        };
        let Value::Seq(items) = &node.value else {
            return Err(at(
                node,
                format!("{} must be a list of {{from, to}} ranges", Self::name(path)),
            ));
        };
        let ranges = items
            .iter()
            .map(|item| {
                serde_json::from_value::<VlanRange>(item.to_json())
                    .map_err(|e| at(item, format!("{}: {e}", Self::name(path))))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(ranges).filter(|r| !r.is_empty()))
    }
}

/// A fab.yaml's Fabricator: fabricator's defaults, fixups and mapping.
fn from_fab_yaml(fabricator: &Node) -> Result<FabricConfig, Finding> {
    let fields = Fields {
        config: fabricator
            .value
            .get("spec")
            .and_then(|s| s.value.get("config")),
    };
    let defaults = FabricConfig::fabricator_defaults();
    let string = |path: &[&str], default: &str| -> Result<String, Finding> {
        Ok(fields.string(path)?.unwrap_or_else(|| default.to_owned()))
    };
    let mut config = FabricConfig {
        control_vip: string(&["control", "controlVIP"], &defaults.control_vip)?,
        management_subnet: string(
            &["control", "managementSubnet"],
            &defaults.management_subnet,
        )?,
        fabric_mode: string(&["fabric", "mode"], &defaults.fabric_mode)?,
        management_dhcp_start: string(
            &["fabric", "managementDHCPStart"],
            &defaults.management_dhcp_start,
        )?,
        protocol_subnet: string(&["fabric", "protocolSubnet"], &defaults.protocol_subnet)?,
        vtep_subnet: string(&["fabric", "vtepSubnet"], &defaults.vtep_subnet)?,
        fabric_subnet: string(&["fabric", "fabricSubnet"], &defaults.fabric_subnet)?,
        spine_asn: fields
            .number(&["fabric", "spineASN"])?
            .unwrap_or(defaults.spine_asn),
        leaf_asn_start: fields
            .number(&["fabric", "leafASNStart"])?
            .unwrap_or(defaults.leaf_asn_start),
        leaf_asn_end: fields
            .number(&["fabric", "leafASNEnd"])?
            .unwrap_or(defaults.leaf_asn_end),
        include_sonic_clsp: fields.boolean(&["fabric", "includeCLSP"])?,
        include_cumulus: fields.boolean(&["fabric", "includeCumulus"])?,
        enable_gateway: fields.boolean(&["gateway", "enable"])?,
        vpc_irb_vlan_ranges: fields
            .vlan_ranges(&["fabric", "vpcIRBVLANs"])?
            .unwrap_or_else(|| defaults.vpc_irb_vlan_ranges.clone()),
        th5_workaround_vlan_range: fields
            .vlan_ranges(&["fabric", "th5WorkaroundVLANs"])?
            .unwrap_or_else(|| defaults.th5_workaround_vlan_range.clone()),
        gateway_communities: communities(&fields)?
            .unwrap_or_else(|| defaults.gateway_communities.clone()),
        // Not settable in a fab.yaml (`fabric.go:256,271-272,281`).
        vpc_peering_disabled: false,
        fabric_mtu: defaults.fabric_mtu,
        server_facing_mtu_offset: defaults.server_facing_mtu_offset,
        allow_extra_switch_profiles: false,
        reserved_subnets: Vec::new(),
        parsed_reserved_subnets: Vec::new(),
    };
    // Fabricator.Default() fixups (`fabricator_types.go:520-530`).
    let gateway_asn = fields.number(&["gateway", "asn"])?.unwrap_or(65534);
    if config.leaf_asn_end == 65534 && gateway_asn == 65534 {
        config.leaf_asn_end = 65533;
    }
    if config.vpc_irb_vlan_ranges
        == [VlanRange {
            from: 3000,
            to: 3999,
        }]
    {
        config.vpc_irb_vlan_ranges = defaults.vpc_irb_vlan_ranges.clone();
    }
    // GetFabricConfig(): the reserved subnets, in fabricator's order (`fabric.go:257-266`).
    config.reserved_subnets = vec![
        config.management_subnet.clone(),
        config.fabric_subnet.clone(),
        config.protocol_subnet.clone(),
        config.vtep_subnet.clone(),
        string(&["fabric", "vpcWorkaroundSubnet"], "172.30.96.0/19")?,
        string(&["fabric", "mclagSessionSubnet"], "172.30.95.0/31")?,
        string(&["fabric", "proxyExternalSubnet"], "172.30.16.0/22")?,
    ];
    // Init(): normalised VLAN ranges and parsed reserved subnets.
    let located = |path: &[&str]| fields.node(path).or(fields.config).unwrap_or(fabricator);
    config.vpc_irb_vlan_ranges =
        VlanRange::normalized(&config.vpc_irb_vlan_ranges).map_err(|e| {
            at(
                located(&["fabric", "vpcIRBVLANs"]),
                format!("spec.config.fabric.vpcIRBVLANs: {e}"),
            )
        })?;
    config.th5_workaround_vlan_range = VlanRange::normalized(&config.th5_workaround_vlan_range)
        .map_err(|e| {
            at(
                located(&["fabric", "th5WorkaroundVLANs"]),
                format!("spec.config.fabric.th5WorkaroundVLANs: {e}"),
            )
        })?;
    config.with_reserved_subnets().map_err(|e| {
        at(
            located(&["fabric"]),
            format!("{e}: check the subnets in spec.config.control and spec.config.fabric"),
        )
    })?;
    Ok(config)
}

/// `spec.config.gateway.communities` (`{"<priority>": "ASN16:VAL16"}`); empty counts as absent.
fn communities(fields: &Fields) -> Result<Option<BTreeMap<u32, String>>, Finding> {
    let Some(node) = fields.node(&["gateway", "communities"]) else {
        return Ok(None);
    };
    let Value::Map(entries) = &node.value else {
        return Err(at(
            node,
            "spec.config.gateway.communities must be a mapping of priority to community",
        ));
    };
    let mut map = BTreeMap::new();
    for entry in entries {
        let priority: u32 = entry.key.parse().map_err(|_| {
            Finding::at(
                entry.key_pos.line,
                entry.key_pos.col,
                format!(
                    "gateway community priority `{}` must be a number",
                    entry.key
                ),
            )
        })?;
        let Value::Str(community) = &entry.value.value else {
            return Err(at(
                &entry.value,
                "a gateway community must be a string such as \"50001:0\"",
            ));
        };
        map.insert(priority, community.clone());
    }
    Ok(Some(map).filter(|m| !m.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAB_YAML: &str = "apiVersion: fabricator.githedgehog.com/v1beta1
kind: Fabricator
metadata:
  name: default
  namespace: fab
spec:
  config:
    control:
      managementSubnet: 172.30.0.0/21
    fabric:
      mode: spine-leaf
      spineASN: 65000
      includeCLSP: true
      vpcIRBVLANs:
        - {from: 3000, to: 3999}
    gateway:
      enable: true
      communities:
        \"0\": \"50001:10\"
        \"1\": \"50001:11\"
---
apiVersion: fabricator.githedgehog.com/v1beta1
kind: ControlNode
metadata:
  name: control-1
  namespace: fab
spec: {}
";

    #[test]
    fn a_fab_yaml_is_fabricators_defaults_overridden_and_fixed_up() {
        let (config, form) = read(FAB_YAML.as_bytes()).unwrap();
        assert_eq!(form, ConfigForm::FabYaml);
        assert_eq!(config.spine_asn, 65000);
        assert_eq!(config.leaf_asn_start, 65101);
        assert!(config.include_sonic_clsp && config.enable_gateway);
        assert_eq!(
            config.vpc_irb_vlan_ranges,
            [VlanRange {
                from: 3000,
                to: 3899
            }]
        );
        assert_eq!(config.gateway_communities.len(), 2);
        assert_eq!(config.parsed_reserved_subnets.len(), 7);
        assert_eq!(config.fabric_mtu, 9100);
    }

    #[test]
    fn an_empty_fab_yaml_is_the_defaults() {
        let (config, _) = read(b"kind: Fabricator\nspec: {config: {}}\n").unwrap();
        let defaults = FabricConfig::fabricator_defaults();
        assert_eq!(config.reserved_subnets, defaults.reserved_subnets);
        assert_eq!(config.gateway_communities, defaults.gateway_communities);
        assert!(!config.enable_gateway);
    }

    #[test]
    fn a_malformed_fab_yaml_names_its_line() {
        let text = FAB_YAML.replace("spineASN: 65000", "spineASN: lots");
        let finding = read(text.as_bytes()).unwrap_err();
        assert_eq!(
            finding.display("fab.yaml"),
            "fab.yaml:12:17: error: spec.config.fabric.spineASN must be a number"
        );
        let bad_subnet = FAB_YAML.replace("172.30.0.0/21", "172.30.0.0/33");
        assert!(
            read(bad_subnet.as_bytes())
                .unwrap_err()
                .message
                .contains("reservedSubnets")
        );
    }

    /// A whole fabric-ctrl config.yaml, as fabricator writes it for a default install.
    const CONFIG_YAML: &str = include_str!("../../tests/fixtures/fabric-config/config.yaml");

    #[test]
    fn fabric_ctrl_config_reads_as_written_then_normalised() {
        let text = CONFIG_YAML
            .replace(
                "reservedSubnets:\n",
                "reservedSubnets: [10.0.0.0/8]\nunused:\n",
            )
            .replace("unused:\n", "")
            .replace("  - 172.30.", "#  - 172.30.")
            .replace(
                "vpcIRBVLANRange:\n  - {from: 3000, to: 3899}",
                "vpcIRBVLANRange: [{from: 3100}, {from: 3000, to: 3050}]",
            );
        let (config, form) = read(text.as_bytes()).unwrap();
        assert_eq!(form, ConfigForm::FabricCtrlConfig);
        assert_eq!(
            config.vpc_irb_vlan_ranges,
            [
                VlanRange {
                    from: 3000,
                    to: 3050
                },
                VlanRange {
                    from: 3100,
                    to: 3100
                }
            ]
        );
        assert_eq!(config.parsed_reserved_subnets.len(), 1);
        assert!(!config.enable_gateway, "absent fields are Go's zero values");
        let unknown = read(b"fabricMTU: 9100\nspineAsn: 1\n").unwrap_err();
        assert_eq!((unknown.line, unknown.col), (2, 1));
        assert!(unknown.message.contains("unknown field `spineAsn`"));
        let wrong_type = read(b"fabricMTU: big\n").unwrap_err();
        assert_eq!((wrong_type.line, wrong_type.col), (1, 12));
    }

    #[test]
    fn a_partial_config_yaml_is_refused_at_the_first_field_init_requires() {
        let refusal = |text: &str| read(text.as_bytes()).unwrap_err().display("config.yaml");
        assert_eq!(
            refusal("reservedSubnets: [10.0.0.0/8]\nfabricMTU: 9100\n"),
            "config.yaml:1:1: error: config.yaml has no `controlVIP`: fabric-ctrl's Init() requires it, so the fabric would not start with this config; give the whole config (`kubectl get cm -n fab fabric-ctrl-config -o yaml`) or the fabric's fab.yaml"
        );
        // Init()'s order: the leaf ASNs come after the MTU fields, the management subnet
        // after the ASNs.
        let without = |key: &str| {
            CONFIG_YAML
                .lines()
                .filter(|line| !line.starts_with(&format!("{key}:")))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(
            refusal(&without("leafASNStart").replace("fabricMTU: 9100", "fabricMTU: 0"))
                .contains("error: config.yaml's `fabricMTU` is empty or zero: fabric-ctrl's Init() requires it")
        );
        assert!(
            refusal(&without("leafASNEnd").replace("managementSubnet: 172.30.0.0/21\n", ""))
                .contains("error: config.yaml has no `leafASNEnd`:")
        );
        assert!(
            refusal(&CONFIG_YAML.replace("spineASN: 65100", "spineASN: 65200"))
                .contains("`spineASN`: 65200 is in the leaf ASN range 65101-65533")
        );
        assert!(
            refusal(&CONFIG_YAML.replace("managementDHCPEnd: 172.30.7.254", "managementDHCPEnd: 10.0.0.1"))
                .contains("`managementDHCPEnd`: `10.0.0.1` is not an address in `managementSubnet` `172.30.0.0/21`")
        );
    }

    #[test]
    fn the_whole_configmap_works_too_and_other_kinds_are_refused() {
        let embedded: String = format!("{CONFIG_YAML}enableGateway: true\n")
            .lines()
            .map(|line| format!("    {line}\n"))
            .collect();
        let cm = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: fabric-ctrl-config, namespace: fab}}\ndata:\n  config.yaml: |\n{embedded}"
        );
        assert!(read(cm.as_bytes()).unwrap().0.enable_gateway);
        let partial = "apiVersion: v1\nkind: ConfigMap\ndata:\n  config.yaml: |\n    controlVIP: 172.30.0.1/32\n";
        assert!(
            read(partial.as_bytes())
                .unwrap_err()
                .display("cm.yaml")
                .starts_with("cm.yaml:5:5: error: in `data.config.yaml`, line 1: config.yaml has no `apiServer`:")
        );
        let vpc = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: a}\n";
        assert!(
            read(vpc.as_bytes())
                .unwrap_err()
                .message
                .contains("a VPC is not a fabric config")
        );
    }
}
