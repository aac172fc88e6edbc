//! fabric-ctrl's own config file, `config.yaml` (`meta.FabricConfig` with its JSON names):
//! decoded strictly, as fabric-ctrl decodes it, then checked and normalised as
//! `FabricConfig.Init()` does at fabric-ctrl's start, by the rules of the release the fabric
//! runs: a config the fabric would not start with is refused, naming the field.

use super::at;
use crate::finding::Finding;
use crate::manifest::{self, Node, Value};
use crate::rules::Release;
use crate::rules::config::{FabricConfig, SPINE_LEAF, VlanRange};
use crate::rules::net;

/// The JSON names of every `meta.FabricConfig` field (`api/meta/types.go:77-135`): fabric-ctrl
/// decodes its config strictly, so any other key is an error there too. 26.01 has all but
/// [`NEWER_THAN_26_01`].
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

/// The fields fabric v0.115.4 (26.01) does not have yet: there, `UnmarshalStrict` refuses
/// them (fabric v0.115.4 `api/meta/types.go:76-133` ends at `frrMetricsPort`; v0.120.3
/// `api/meta/types.go:132` adds `dataplaneValidatorRef`).
const NEWER_THAN_26_01: &[&str] = &["dataplaneValidatorRef"];

/// A config.yaml's text (the `data.config.yaml` of the ConfigMap), read as [`read`] reads it.
pub fn read_text(bytes: &[u8], release: Release) -> Result<FabricConfig, Finding> {
    match manifest::parse(bytes)?.as_slice() {
        [document] => read(&document.root, release),
        _ => Err(Finding::at(
            1,
            1,
            "config.yaml must hold exactly one mapping",
        )),
    }
}

/// fabric-ctrl's `config.yaml`: decoded strictly, then checked and normalised as `Init()`
/// does, both as `release` does them.
pub fn read(root: &Node, release: Release) -> Result<FabricConfig, Finding> {
    let Value::Map(entries) = &root.value else {
        return Err(at(root, "a fabric config must be a mapping"));
    };
    for entry in entries {
        let key = entry.key.as_str();
        let known = FABRIC_CONFIG_FIELDS.contains(&key)
            && (release > Release::V26_01 || !NEWER_THAN_26_01.contains(&key));
        if !known {
            return Err(Finding::at(
                entry.key_pos.line,
                entry.key_pos.col,
                format!(
                    "unknown field `{}` in fabric-ctrl's config.yaml of Hedgehog {release} (a fab.yaml starts with `kind: Fabricator`)",
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
    init(root, &mut config, release)?;
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
fn init(root: &Node, config: &mut FabricConfig, release: Release) -> Result<(), Finding> {
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
    if release < Release::V26_03 {
        // fabric v0.120.3 api/meta/types.go:347-349 (v0.115.4 api/meta/types.go:345-347):
        // MCLAG still runs, so its session subnet is required; v0.129.1 drops the check.
        required("mclagSessionSubnet")?;
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

#[cfg(test)]
mod tests {
    use super::super::{ConfigFile, ConfigForm, read};
    use super::*;

    /// A whole fabric-ctrl config.yaml, as fabricator writes it for a default install.
    const CONFIG_YAML: &str = include_str!("../../../tests/fixtures/fabric-config/config.yaml");

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
        let ConfigFile { config, form, .. } = read(text.as_bytes(), Release::NEWEST).unwrap();
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
        let unknown = read(b"fabricMTU: 9100\nspineAsn: 1\n", Release::NEWEST).unwrap_err();
        assert_eq!((unknown.line, unknown.col), (2, 1));
        assert!(unknown.message.contains("unknown field `spineAsn`"));
        let wrong_type = read(b"fabricMTU: big\n", Release::NEWEST).unwrap_err();
        assert_eq!((wrong_type.line, wrong_type.col), (1, 12));
    }

    #[test]
    fn a_partial_config_yaml_is_refused_at_the_first_field_init_requires() {
        let refusal = |text: &str| {
            read(text.as_bytes(), Release::NEWEST)
                .unwrap_err()
                .display("config.yaml")
        };
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

    /// Checked against each release's own `Init()` with
    /// `{"fabricConfig": ..., "fabricConfigInit": true}` on the release's `hhoracle`
    /// (see `tests/oracle.rs`):
    /// 26.01 and 26.02 refuse the config without `mclagSessionSubnet`, 26.01 refuses
    /// `dataplaneValidatorRef` as an unknown field, 26.03 takes all three.
    #[test]
    fn what_init_requires_and_knows_follows_the_release() {
        let with_mclag = CONFIG_YAML.replace(
            "defaultMaxPathsEBGP:",
            "mclagSessionSubnet: 172.30.95.0/31\ndefaultMaxPathsEBGP:",
        );
        let with_validator = format!("{with_mclag}dataplaneValidatorRef: x:1\n");
        let verdict = |text: &str, release| {
            read(text.as_bytes(), release)
                .map(|_| ())
                .map_err(|f| f.display("config.yaml"))
        };
        for release in [Release::V26_01, Release::V26_02] {
            assert_eq!(
                verdict(CONFIG_YAML, release),
                Err("config.yaml:5:1: error: config.yaml has no `mclagSessionSubnet`: fabric-ctrl's Init() requires it, so the fabric would not start with this config; give the whole config (`kubectl get cm -n fab fabric-ctrl-config -o yaml`) or the fabric's fab.yaml".to_owned()),
                "{release}"
            );
            assert_eq!(verdict(&with_mclag, release), Ok(()), "{release}");
        }
        assert_eq!(verdict(CONFIG_YAML, Release::V26_03), Ok(()));
        assert_eq!(verdict(&with_validator, Release::V26_03), Ok(()));
        assert_eq!(verdict(&with_validator, Release::V26_02), Ok(()));
        let line = with_validator.lines().count();
        assert_eq!(
            verdict(&with_validator, Release::V26_01),
            Err(format!(
                "config.yaml:{line}:1: error: unknown field `dataplaneValidatorRef` in fabric-ctrl's config.yaml of Hedgehog 26.01 (a fab.yaml starts with `kind: Fabricator`)"
            ))
        );
    }
}
