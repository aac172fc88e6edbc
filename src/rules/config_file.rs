//! Reading the fabric config the rules check against from a file, in either form a user
//! has: the `fab.yaml` that `hhfab init` wrote (kind `Fabricator`,
//! `fabricator.githedgehog.com/v1beta1`, its `spec.config`), or the `config.yaml` the running
//! fabric reads (`meta.FabricConfig` with its JSON field names, from the
//! `fab/fabric-ctrl-config` ConfigMap, alone or as the whole ConfigMap). Told apart by
//! content. Pure: bytes in, a config or a finding with its line out.
//!
//! A fab.yaml becomes a `FabricConfig` as fabricator derives it: fabricator's defaults fill
//! every field the file leaves out or sets to zero (mergo), then `Fabricator.Default()`'s
//! fixups, then `GetFabricConfig()`'s mapping (reserved subnets derived from the subnets). A
//! config.yaml is used as written, then checked and normalised as `FabricConfig.Init()`
//! does: a config that lacks a field `Init()` requires is refused, naming it (`ctrl_config`).
//! A fab.yaml may also pin the fabric version, and so the Hedgehog release (`pin`).
//!
//! Fabricator's defaults, fixups and mapping are the same in the fabricator of every
//! release (v0.45.5 for 26.01, v0.47.4 for 26.02, master for 26.03:
//! [`pkg/fab/defaults.go`](https://github.com/githedgehog/fabricator/blob/v0.47.4/pkg/fab/defaults.go#L12-L57),
//! [`api/fabricator/v1beta1/fabricator_types.go`](https://github.com/githedgehog/fabricator/blob/v0.47.4/api/fabricator/v1beta1/fabricator_types.go#L501)'s
//! `Default()` and
//! [`pkg/fab/comp/fabric/fabric.go`](https://github.com/githedgehog/fabricator/blob/v0.47.4/pkg/fab/comp/fabric/fabric.go#L194)'s
//! `GetFabricConfig()` differ only in fields admission never reads), so a fab.yaml reads the
//! same whatever the release.

mod ctrl_config;
pub mod pin;

use std::collections::BTreeMap;

use super::Release;
use super::config::{FabricConfig, VlanRange};
use crate::finding::Finding;
use crate::kind::Kind;
use crate::manifest::{self, Node, Value};
pub use pin::{ChosenBy, ChosenRelease, Declared, DeclaredBy, Pin};

/// Which kind of file the config came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigForm {
    /// A fab.yaml (`kind: Fabricator`).
    FabYaml,
    /// fabric-ctrl's `config.yaml` (or the ConfigMap holding it).
    FabricCtrlConfig,
}

/// Which fabric config a check used, for the reports: a file, or fabricator's defaults;
/// and the Hedgehog release it was checked against, resolved with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigSource {
    /// The file, as the user named it or relative to the repository; `None` for
    /// fabricator's defaults.
    pub file: Option<String>,
    /// What kind of file it is.
    pub form: Option<ConfigForm>,
    /// The Hedgehog release whose rules the fabric was checked by.
    pub release: ChosenRelease,
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

/// What a fabric config file holds.
#[derive(Debug)]
pub struct ConfigFile {
    /// The config the rules read.
    pub config: FabricConfig,
    /// Which kind of file it is.
    pub form: ConfigForm,
    /// The release a fab.yaml pins, if it does.
    pub pin: Option<Pin>,
}

fn at(node: &Node, message: impl Into<String>) -> Finding {
    Finding::at(node.pos.line, node.pos.col, message)
}

/// Reads a fabric config file: a fab.yaml or a fabric-ctrl-config `config.yaml`, the
/// latter checked as `release`'s fabric-ctrl checks it at start-up (a fab.yaml is read
/// alike for every release, and may pin one itself).
pub fn read(bytes: &[u8], release: Release) -> Result<ConfigFile, Finding> {
    let documents = manifest::parse(bytes)?;
    let kind_of = |root: &Node| match root.value.get("kind").map(|n| &n.value) {
        Some(Value::Str(kind)) => Some(Kind::from_name(kind)),
        _ => None,
    };
    if let Some(fabricator) = documents
        .iter()
        .find(|d| kind_of(&d.root) == Some(Kind::Fabricator))
    {
        let root = &fabricator.root;
        return Ok(ConfigFile {
            config: from_fab_yaml(root)?,
            form: ConfigForm::FabYaml,
            pin: pin::pin(root)?,
        });
    }
    let [document] = documents.as_slice() else {
        return Err(Finding::at(
            1,
            1,
            "not a fabric config: expected a fab.yaml with a `kind: Fabricator` document, or fabric-ctrl's config.yaml (one mapping)",
        ));
    };
    let root = &document.root;
    // ConfigMap is a core Kubernetes kind, not one of hh-gitops' own: matched by name.
    match kind_of(root).as_ref().map(Kind::as_str) {
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
            ctrl_config::read_text(text.as_bytes(), release).map_err(|f| {
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
        None => ctrl_config::read(root, release),
    }
    .map(|config| ConfigFile {
        config,
        form: ConfigForm::FabricCtrlConfig,
        pin: None,
    })
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
        let ConfigFile { config, form, .. } = read(FAB_YAML.as_bytes(), Release::NEWEST).unwrap();
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
        let config = read(b"kind: Fabricator\nspec: {config: {}}\n", Release::NEWEST)
            .unwrap()
            .config;
        let defaults = FabricConfig::fabricator_defaults();
        assert_eq!(config.reserved_subnets, defaults.reserved_subnets);
        assert_eq!(config.gateway_communities, defaults.gateway_communities);
        assert!(!config.enable_gateway);
    }

    #[test]
    fn a_malformed_fab_yaml_names_its_line() {
        let text = FAB_YAML.replace("spineASN: 65000", "spineASN: lots");
        let finding = read(text.as_bytes(), Release::NEWEST).unwrap_err();
        assert_eq!(
            finding.display("fab.yaml"),
            "fab.yaml:12:17: error: spec.config.fabric.spineASN must be a number"
        );
        let bad_subnet = FAB_YAML.replace("172.30.0.0/21", "172.30.0.0/33");
        assert!(
            read(bad_subnet.as_bytes(), Release::NEWEST)
                .unwrap_err()
                .message
                .contains("reservedSubnets")
        );
    }

    /// A whole fabric-ctrl config.yaml, as fabricator writes it for a default install.
    const CONFIG_YAML: &str = include_str!("../../tests/fixtures/fabric-config/config.yaml");

    #[test]
    fn the_whole_configmap_works_too_and_other_kinds_are_refused() {
        let embedded: String = format!("{CONFIG_YAML}enableGateway: true\n")
            .lines()
            .map(|line| format!("    {line}\n"))
            .collect();
        let cm = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: fabric-ctrl-config, namespace: fab}}\ndata:\n  config.yaml: |\n{embedded}"
        );
        assert!(
            read(cm.as_bytes(), Release::NEWEST)
                .unwrap()
                .config
                .enable_gateway
        );
        let partial = "apiVersion: v1\nkind: ConfigMap\ndata:\n  config.yaml: |\n    controlVIP: 172.30.0.1/32\n";
        assert!(
            read(partial.as_bytes(), Release::NEWEST)
                .unwrap_err()
                .display("cm.yaml")
                .starts_with("cm.yaml:5:5: error: in `data.config.yaml`, line 1: config.yaml has no `apiServer`:")
        );
        let vpc = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: a}\n";
        assert!(
            read(vpc.as_bytes(), Release::NEWEST)
                .unwrap_err()
                .message
                .contains("a VPC is not a fabric config")
        );
    }
}
