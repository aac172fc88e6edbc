//! The fabric's configuration as Hedgehog's rules read it (`meta.FabricConfig`,
//! `api/meta/types.go:77-135`): only the fields a `Validate()` reads, with their JSON names,
//! so that a `fabric-ctrl-config` `config.yaml` or a Go test's config reads unchanged.
//! Absent fields are Go's zero values; [`FabricConfig::fabricator_defaults`] is what a
//! fabric installed with an empty `spec.config` runs with (fabricator's
//! [`pkg/fab/defaults.go`](https://github.com/githedgehog/fabricator/blob/v0.47.4/pkg/fab/defaults.go#L12-L57), mapped to these fields
//! by `GetFabricConfig()` in
//! [`pkg/fab/comp/fabric/fabric.go`](https://github.com/githedgehog/fabricator/blob/v0.47.4/pkg/fab/comp/fabric/fabric.go#L194)).

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::net;

/// A VLAN range (`meta.VLANRange`); `to: 0` means `to = from` once normalised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(default)]
pub struct VlanRange {
    /// First VLAN.
    pub from: u16,
    /// Last VLAN (inclusive).
    pub to: u16,
}

impl VlanRange {
    /// `meta.NormalizedVLANRanges` (`api/meta/vlan.go:38-70`): `to: 0` becomes `from`, each
    /// bound in 1..=4094 with `from <= to`, sorted, and touching or overlapping ranges
    /// merged (keeping Go's quirk: the merged range ends at the later range's `to`, so a
    /// nested range shrinks the outer one).
    pub fn normalized(ranges: &[VlanRange]) -> Result<Vec<VlanRange>, String> {
        let mut ranges = ranges.to_vec();
        for (idx, range) in ranges.iter_mut().enumerate() {
            if range.to == 0 {
                range.to = range.from;
            }
            if range.from > range.to {
                return Err(format!(
                    "range {idx} ({}-{}): from is above to",
                    range.from, range.to
                ));
            }
            if !(1..=4094).contains(&range.from) || !(1..=4094).contains(&range.to) {
                return Err(format!(
                    "range {idx} ({}-{}): VLANs go from 1 to 4094",
                    range.from, range.to
                ));
            }
        }
        if ranges.len() < 2 {
            return Ok(ranges);
        }
        ranges.sort();
        let mut merged: Vec<VlanRange> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if last.to >= range.from => last.to = range.to,
                _ => merged.push(range),
            }
        }
        Ok(merged)
    }
}

/// `meta.FabricConfig`, the fields admission reads. It serialises with the same JSON
/// names, so the JSON report can say which config was used and the fabric's own code can
/// be handed the same config.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FabricConfig {
    /// `controlVIP`: a prefix (`172.30.0.1/32`); a Switch's `ip` must differ from it.
    #[serde(rename = "controlVIP")]
    pub control_vip: String,
    /// `vpcIRBVLANRange`: VLANs a VLANNamespace may not use.
    #[serde(rename = "vpcIRBVLANRange")]
    pub vpc_irb_vlan_ranges: Vec<VlanRange>,
    /// `th5WorkaroundVLANRange`: VLANs a VLANNamespace may not use.
    #[serde(rename = "th5WorkaroundVLANRange")]
    pub th5_workaround_vlan_range: Vec<VlanRange>,
    /// `vpcPeeringDisabled`: every VPCPeering is rejected when set.
    #[serde(rename = "vpcPeeringDisabled")]
    pub vpc_peering_disabled: bool,
    /// `reservedSubnets`: no VPC, IPv4Namespace or static-external subnet may overlap them.
    #[serde(rename = "reservedSubnets")]
    pub reserved_subnets: Vec<String>,
    /// `fabricMode`: only `spine-leaf` exists.
    #[serde(rename = "fabricMode")]
    pub fabric_mode: String,
    /// `fabricMTU`.
    #[serde(rename = "fabricMTU")]
    pub fabric_mtu: u16,
    /// `serverFacingMTUOffset`: server-facing connections allow `fabricMTU - offset`.
    #[serde(rename = "serverFacingMTUOffset")]
    pub server_facing_mtu_offset: u16,
    /// `allowExtraSwitchProfiles`.
    #[serde(rename = "allowExtraSwitchProfiles")]
    pub allow_extra_switch_profiles: bool,
    /// `includeSONiCCLSPlus`: registers the `*-clsp` switch profiles.
    #[serde(rename = "includeSONiCCLSPlus")]
    pub include_sonic_clsp: bool,
    /// `includeCumulus`: registers the `cumulus-vx` switch profile.
    #[serde(rename = "includeCumulus")]
    pub include_cumulus: bool,
    /// `protocolSubnet`: Switch `protocolIP` is a /32 inside it.
    #[serde(rename = "protocolSubnet")]
    pub protocol_subnet: String,
    /// `vtepSubnet`: leaf `vtepIP` is a /32 inside it.
    #[serde(rename = "vtepSubnet")]
    pub vtep_subnet: String,
    /// `fabricSubnet`: fabric, mesh and gateway link IPs lie inside it.
    #[serde(rename = "fabricSubnet")]
    pub fabric_subnet: String,
    /// `spineASN`.
    #[serde(rename = "spineASN")]
    pub spine_asn: u32,
    /// `leafASNStart`.
    #[serde(rename = "leafASNStart")]
    pub leaf_asn_start: u32,
    /// `leafASNEnd`.
    #[serde(rename = "leafASNEnd")]
    pub leaf_asn_end: u32,
    /// `managementSubnet`: a Switch's `ip` lies inside it.
    #[serde(rename = "managementSubnet")]
    pub management_subnet: String,
    /// `managementDHCPStart`: a Switch's `ip` lies below it.
    #[serde(rename = "managementDHCPStart")]
    pub management_dhcp_start: String,
    /// `gatewayCommunities`: a GatewayGroup holds at most this many gateways.
    #[serde(rename = "gatewayCommunities")]
    pub gateway_communities: BTreeMap<u32, String>,
    /// `enableGateway`: Gateway, GatewayGroup and GatewayPeering are rejected without it.
    #[serde(rename = "enableGateway")]
    pub enable_gateway: bool,
    /// `reservedSubnets` parsed (`WithReservedSubnets()`); empty until then, and the
    /// reserved-subnet checks are skipped while it is, as in Go.
    #[serde(skip)]
    pub parsed_reserved_subnets: Vec<IpNet>,
}

/// The `spine-leaf` fabric mode, the only one (`api/meta/types.go:137-145`).
pub const SPINE_LEAF: &str = "spine-leaf";

impl FabricConfig {
    /// The config of a fabric installed from an empty `spec.config` (fabricator
    /// `pkg/fab/defaults.go:12-58`, `pkg/fab/comp/fabric/fabric.go:194-317`), with its
    /// reserved subnets parsed.
    pub fn fabricator_defaults() -> Self {
        let mut config = FabricConfig {
            control_vip: "172.30.0.1/32".into(),
            vpc_irb_vlan_ranges: vec![VlanRange {
                from: 3000,
                to: 3899,
            }],
            th5_workaround_vlan_range: vec![VlanRange {
                from: 3900,
                to: 3999,
            }],
            vpc_peering_disabled: false,
            reserved_subnets: [
                "172.30.0.0/21",
                "172.30.128.0/17",
                "172.30.8.0/22",
                "172.30.12.0/22",
                "172.30.96.0/19",
                "172.30.95.0/31",
                "172.30.16.0/22",
            ]
            .map(String::from)
            .to_vec(),
            fabric_mode: SPINE_LEAF.into(),
            fabric_mtu: 9100,
            server_facing_mtu_offset: 64,
            allow_extra_switch_profiles: false,
            include_sonic_clsp: false,
            include_cumulus: false,
            protocol_subnet: "172.30.8.0/22".into(),
            vtep_subnet: "172.30.12.0/22".into(),
            fabric_subnet: "172.30.128.0/17".into(),
            spine_asn: 65100,
            leaf_asn_start: 65101,
            leaf_asn_end: 65533,
            management_subnet: "172.30.0.0/21".into(),
            management_dhcp_start: "172.30.4.0".into(),
            gateway_communities: (0..10).map(|i| (i, format!("50001:{i}"))).collect(),
            enable_gateway: false,
            parsed_reserved_subnets: Vec::new(),
        };
        config
            .with_reserved_subnets()
            .expect("the default reserved subnets parse");
        config
    }

    /// `WithReservedSubnets()` (`api/meta/types.go:419-433`): parses `reservedSubnets`
    /// (each masked to its network) into [`FabricConfig::parsed_reserved_subnets`].
    pub fn with_reserved_subnets(&mut self) -> Result<(), String> {
        self.parsed_reserved_subnets = self
            .reserved_subnets
            .iter()
            .map(|s| {
                net::parse_prefix(s)
                    .map(|p| p.trunc())
                    .map_err(|e| format!("config: reservedSubnets: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vlan_ranges_normalise_as_go_does() {
        let r = |from, to| VlanRange { from, to };
        assert_eq!(
            VlanRange::normalized(&[r(200, 0), r(100, 300), r(150, 200)]).unwrap(),
            [r(100, 200)]
        );
        assert_eq!(
            VlanRange::normalized(&[r(10, 20), r(30, 40)]).unwrap(),
            [r(10, 20), r(30, 40)]
        );
        assert!(VlanRange::normalized(&[r(5, 4)]).is_err());
        assert!(VlanRange::normalized(&[r(4000, 4095)]).is_err());
    }

    #[test]
    fn defaults_parse_their_reserved_subnets() {
        let config = FabricConfig::fabricator_defaults();
        assert_eq!(config.parsed_reserved_subnets.len(), 7);
        assert_eq!(config.gateway_communities.len(), 10);
    }

    #[test]
    fn a_go_config_reads_with_its_json_names_and_zero_values() {
        let config: FabricConfig = serde_json::from_value(serde_json::json!({
            "reservedSubnets": ["10.0.0.0/8"],
            "vpcIRBVLANRange": [{"from": 3000, "to": 3100}],
            "fabricMTU": 9100,
            "includeSONiCCLSPlus": true
        }))
        .unwrap();
        assert_eq!(config.fabric_mtu, 9100);
        assert!(config.include_sonic_clsp);
        assert_eq!(config.server_facing_mtu_offset, 0);
        assert!(config.parsed_reserved_subnets.is_empty());
    }
}
