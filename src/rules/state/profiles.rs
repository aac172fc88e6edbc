//! SwitchProfiles: the typed model (`api/wiring/v1beta1/switchprofile_types.go`), the helpers
//! the Switch and Connection rules call on it (which ports a switch has after its breakouts,
//! where auto-negotiation and FEC may be set), and the profiles the fabric has built in
//! (`pkg/ctrl/switchprofile/catalog.go`).
//!
//! The built-in profiles are `schemas/switchprofiles/*.yaml` (extracted from the fabric's Go
//! catalogue, see its `SOURCE.md`), embedded and parsed once per process. A SwitchProfile in
//! the repository never reaches the state: the fabric manages them itself.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use serde::Deserialize;

use crate::rules::config::FabricConfig;

/// `SwitchProfile`.
pub type Object = crate::rules::Resource<SwitchProfileSpec>;

/// `SwitchProfileSpec`, the fields the cross-object rules read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SwitchProfileSpec {
    /// `features`.
    pub features: Features,
    /// `ports`: port name (`M1`, `E1/1`) to port.
    pub ports: BTreeMap<String, Port>,
    /// `portGroups`: group name to group.
    pub port_groups: BTreeMap<String, PortGroup>,
    /// `portProfiles`: profile name to its speeds or breakouts.
    pub port_profiles: BTreeMap<String, PortProfile>,
    /// `pipelines`: pipeline name to its port limit.
    pub pipelines: BTreeMap<String, Pipeline>,
    /// `maxPorts`: the switch's port limit, breakouts counted per lane; 0 for none.
    pub max_ports: u16,
}

/// `SwitchProfileFeatures`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Features {
    /// `subinterfaces`.
    pub subinterfaces: bool,
    /// `acls`.
    pub acls: bool,
    /// `l2vni`.
    pub l2vni: bool,
    /// `l3vni`.
    pub l3vni: bool,
    /// `roce`.
    pub roce: bool,
    /// `mclag`.
    pub mclag: bool,
    /// `eslag`.
    pub eslag: bool,
    /// `ecmpRoCEQPN`: ECMP hashing on the RoCE queue pair number.
    #[serde(rename = "ecmpRoCEQPN")]
    pub ecmp_roce_qpn: bool,
    /// `portLocator`: port locator LED control (`Switch.spec.portLocators`), from 26.03
    /// (fabric v0.129.0; no profile has it before).
    #[serde(rename = "portLocator")]
    pub port_locator: bool,
}

/// `SwitchProfilePort`: a port is in a group, or has a profile, or is a management port.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Port {
    /// `group`: the port group whose speed it follows.
    pub group: String,
    /// `profile`: the port profile it is configured by.
    pub profile: String,
    /// `management`.
    pub management: bool,
    /// `pipeline`: the pipeline it shares with other ports.
    pub pipeline: String,
}

/// `SwitchProfilePortGroup`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PortGroup {
    /// `profile`: the port profile giving the group's speeds.
    pub profile: String,
}

/// `SwitchProfilePortProfile`: speeds or breakouts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PortProfile {
    /// `speed`.
    pub speed: Option<Speed>,
    /// `breakout`.
    pub breakout: Option<Breakout>,
    /// `autoNegAllowed`.
    pub auto_neg_allowed: bool,
}

/// `SwitchProfilePortProfileSpeed`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Speed {
    /// `supported`: the speeds a port may be set to (`25G`).
    pub supported: Vec<String>,
}

/// `SwitchProfilePortProfileBreakout`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Breakout {
    /// `default`: the mode a port has when the switch names none.
    pub default: String,
    /// `supported`: mode (`4x25G`) to its lanes.
    pub supported: BTreeMap<String, BreakoutMode>,
}

/// `SwitchProfilePortProfileBreakoutMode`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BreakoutMode {
    /// `offsets`: one per lane, so a mode has `offsets.len()` breakout ports.
    pub offsets: Vec<String>,
}

/// `SwitchProfilePipeline`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Pipeline {
    /// `maxPorts`.
    pub max_ports: u16,
}

/// The breakout mode a switch gives one breakout port: its `portBreakouts` entry, or the
/// profile's default.
pub struct ActiveBreakout<'a> {
    /// The mode's name (`4x25G`).
    pub mode: &'a str,
    /// Its lanes, `None` when the profile does not support the mode.
    pub lanes: Option<&'a BreakoutMode>,
}

impl SwitchProfileSpec {
    /// The port profile of `port`, when it names one the profile has.
    pub fn port_profile(&self, port: &Port) -> Option<&PortProfile> {
        self.port_profiles.get(&port.profile)
    }

    /// The breakout mode of the port `name` on a switch with `breakouts` (its
    /// `portBreakouts`), when the port's profile is a breakout profile.
    pub fn active_breakout<'a>(
        &'a self,
        name: &str,
        port: &Port,
        breakouts: &'a BTreeMap<String, String>,
    ) -> Option<ActiveBreakout<'a>> {
        let breakout = self.port_profile(port)?.breakout.as_ref()?;
        let mode = breakouts
            .get(name)
            .map_or(breakout.default.as_str(), String::as_str);
        Some(ActiveBreakout {
            mode,
            lanes: breakout.supported.get(mode),
        })
    }

    /// Whether `name` is a port of a switch with `breakouts`: the keys of
    /// `GetAPI2NOSPortsFor()` (`:618-676`). A breakout port is there by its own name (its
    /// first lane) and as `<port>/<lane>` for each lane of its mode; any other port by its
    /// name. A breakout port whose mode the profile does not support has no lanes (the
    /// Switch rule reports that mode).
    pub fn has_port(&self, name: &str, breakouts: &BTreeMap<String, String>) -> bool {
        if let Some(port) = self.ports.get(name) {
            return match self.active_breakout(name, port, breakouts) {
                Some(active) => active.lanes.is_some(),
                None => true,
            };
        }
        self.lane_of(name, breakouts, |_| true)
    }

    /// Whether `name` is `<port>/<lane>` for a lane of a breakout port of a switch with
    /// `breakouts`, whose port profile passes `allowed`.
    fn lane_of(
        &self,
        name: &str,
        breakouts: &BTreeMap<String, String>,
        allowed: impl Fn(&PortProfile) -> bool,
    ) -> bool {
        let Some((base, lane)) = name.rsplit_once('/') else {
            return false;
        };
        let Some(port) = self.ports.get(base).filter(|p| !p.management) else {
            return false;
        };
        let Some(active) = self.active_breakout(base, port, breakouts) else {
            return false;
        };
        // Go writes lanes with `%d`: `E1/1/1`, never `E1/1/01`.
        let lanes = active.lanes.map_or(0, |mode| mode.offsets.len());
        let lane_ok = lane
            .parse::<usize>()
            .is_ok_and(|n| (1..=lanes).contains(&n) && n.to_string() == lane);
        lane_ok && self.port_profile(port).is_some_and(allowed)
    }

    /// Whether auto-negotiation may be set on `name` (`GetAutoNegsDefaultsFor()`,
    /// `:923-974`): a port whose profile has speeds and allows it, or a lane of a breakout
    /// port whose profile allows it; never a port of a group.
    pub fn auto_neg_allowed(&self, name: &str, breakouts: &BTreeMap<String, String>) -> bool {
        if let Some(port) = self.ports.get(name).filter(|p| !p.management) {
            return self
                .port_profile(port)
                .is_some_and(|p| p.speed.is_some() && p.auto_neg_allowed);
        }
        self.lane_of(name, breakouts, |p| p.auto_neg_allowed)
    }

    /// Whether FEC may be set on `name` (`GetFECConfigurablePorts()`, `:1066-1097`): a
    /// port of a group or with speeds, a breakout lane, or a breakout port whose mode has
    /// one lane (it is not broken out).
    pub fn fec_configurable(&self, name: &str, breakouts: &BTreeMap<String, String>) -> bool {
        if let Some(port) = self.ports.get(name).filter(|p| !p.management) {
            if !port.group.is_empty() {
                return true;
            }
            return match self.active_breakout(name, port, breakouts) {
                Some(active) => active.lanes.is_some_and(|mode| mode.offsets.len() == 1),
                None => self.port_profile(port).is_some_and(|p| p.speed.is_some()),
            };
        }
        self.lane_of(name, breakouts, |_| true)
    }
}

/// Which catalogue list of `catalog.go` a built-in profile is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
enum Catalog {
    /// `defaultSwitchProfiles` (`:32`): always registered.
    Default,
    /// `sonicCLSPlusSwitchProfiles` (`:51`): only with `includeSONiCCLSPlus`.
    SonicClsPlus,
    /// `cumulusSwitchProfiles` (`:60`): only with `includeCumulus`.
    Cumulus,
}

/// `schemas/switchprofiles/<name>.yaml` with the catalogue list it is in: the source of
/// the embedded data, which is [`BUILT_IN_JSON`] (parsing the YAML on every run cost more
/// than checking a small repository).
#[cfg(test)]
macro_rules! embedded {
    ($($file:literal => $catalog:ident),* $(,)?) => {
        [$((include_str!(concat!("../../../schemas/switchprofiles/", $file, ".yaml")), Catalog::$catalog)),*]
    };
}

#[cfg(test)]
const EMBEDDED: [(&str, Catalog); 23] = embedded! {
    "dell-s5232f-on" => Default,
    "dell-s5248f-on" => Default,
    "dell-z9332f-on" => Default,
    "celestica-ds2000" => Default,
    "celestica-ds3000" => Default,
    "celestica-ds4000" => Default,
    "celestica-ds4101" => Default,
    "celestica-ds5000" => Default,
    "edgecore-dcs203" => Default,
    "edgecore-dcs204" => Default,
    "edgecore-dcs240" => Default,
    "edgecore-dcs501" => Default,
    "edgecore-eps202" => Default,
    "edgecore-eps203" => Default,
    "supermicro-sse-c4632sb" => Default,
    "vs" => Default,
    "celestica-ds2000-clsp" => SonicClsPlus,
    "celestica-ds3000-clsp" => SonicClsPlus,
    "celestica-ds4000-clsp" => SonicClsPlus,
    "celestica-ds4101-clsp" => SonicClsPlus,
    "celestica-ds5000-clsp" => SonicClsPlus,
    "vs-clsp" => SonicClsPlus,
    "cumulus-vx" => Cumulus,
};

/// The built-in profiles as JSON, made from the YAML files by
/// `tests::the_built_in_json_is_the_yaml_profiles` (`HH_GITOPS_BLESS=1` rewrites it):
/// `[{"catalog": "Default", "profile": {...}}, ...]` in catalogue order.
const BUILT_IN_JSON: &str = include_str!("../../../schemas/switchprofiles/built-in.json");

/// One entry of [`BUILT_IN_JSON`].
#[derive(Deserialize)]
struct BuiltIn {
    catalog: Catalog,
    profile: Object,
}

/// Every embedded profile, read once: name, object, catalogue list. The data is checked in
/// and tested, so a failure is a build defect, not a user error.
static CATALOGUE: LazyLock<Vec<(String, Arc<Object>, Catalog)>> = LazyLock::new(|| {
    let built_in: Vec<BuiltIn> = serde_json::from_str(BUILT_IN_JSON)
        .unwrap_or_else(|e| panic!("the embedded SwitchProfiles do not read: {e}"));
    built_in
        .into_iter()
        .map(|b| {
            (
                b.profile.metadata.name.clone(),
                Arc::new(b.profile),
                b.catalog,
            )
        })
        .collect()
});

/// Parses one profile's YAML into JSON.
#[cfg(test)]
fn yaml_to_json(text: &str) -> serde_json::Value {
    let documents = crate::manifest::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("an embedded SwitchProfile does not parse: {e:?}"));
    documents
        .first()
        .expect("an embedded SwitchProfile has one document")
        .root
        .to_json()
}

/// The SwitchProfiles a fabric with `config` has built in, by name (`RegisterAll()`,
/// `catalog.go:94-110`): the default list, plus the SONiC CLS+ ones with
/// `includeSONiCCLSPlus` and `cumulus-vx` with `includeCumulus`.
pub fn built_in(config: Option<&FabricConfig>) -> Vec<(String, Arc<Object>)> {
    CATALOGUE
        .iter()
        .filter(|(_, _, catalog)| match catalog {
            Catalog::Default => true,
            Catalog::SonicClsPlus => config.is_some_and(|c| c.include_sonic_clsp),
            Catalog::Cumulus => config.is_some_and(|c| c.include_cumulus),
        })
        .map(|(name, object, _)| (name.clone(), Arc::clone(object)))
        .collect()
}

/// For a built-in profile that only some fabrics register, the fabric config field that
/// registers it (`includeSONiCCLSPlus`, `includeCumulus`).
pub fn opt_in_field(name: &str) -> Option<&'static str> {
    CATALOGUE
        .iter()
        .find(|(known, _, _)| known == name)
        .and_then(|(_, _, catalog)| match catalog {
            Catalog::Default => None,
            Catalog::SonicClsPlus => Some("includeSONiCCLSPlus"),
            Catalog::Cumulus => Some("includeCumulus"),
        })
}

/// Why the profile a switch names is not a SwitchProfile of the fabric state, as the rules
/// of the Switch and of the objects on it (Connections, VPCAttachments) tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// An opt-in built-in profile, and no fab.yaml says whether the fabric includes it: the
    /// fabric's real config may, so the checks that need the profile are skipped.
    Unknown {
        /// The config field that includes it.
        field: &'static str,
    },
    /// An opt-in built-in profile that the given config does not include.
    NotIncluded {
        /// The config field that would include it.
        field: &'static str,
    },
    /// No profile of the fabric has the name: the fabric has only its built-in profiles.
    Missing,
}

impl Absent {
    /// Why `name`, which the state does not hold, is absent, given the rules' `ctx`.
    pub fn of(name: &str, ctx: &crate::rules::Context) -> Self {
        match opt_in_field(name) {
            Some(field) if !ctx.config_given => Absent::Unknown { field },
            Some(field) => Absent::NotIncluded { field },
            None => Absent::Missing,
        }
    }

    /// For an object on a switch whose profile is absent, described as `what` (`this
    /// connection`): why the fabric refuses it and the fix, to follow ``Switch `leaf-01`
    /// (path:line) has SwitchProfile `x`, ``; `None` when the profile may exist.
    pub fn refusal(self, what: &str) -> Option<String> {
        match self {
            Absent::Unknown { .. } => None,
            Absent::NotIncluded { field } => Some(format!(
                "which is not in this fabric (its config does not set `{field}: true`), so the fabric refuses {what}: set it, or give the switch another profile"
            )),
            Absent::Missing => Some(format!(
                "which is not in this fabric, so the fabric refuses {what}: set the switch's `profile` to one of the fabric's built-in profiles (the Switch's own finding lists them), or add the SwitchProfile to the fabric"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> Arc<Object> {
        let all = FabricConfig {
            include_sonic_clsp: true,
            include_cumulus: true,
            ..FabricConfig::default()
        };
        built_in(Some(&all))
            .into_iter()
            .find(|(known, _)| known == name)
            .map(|(_, object)| object)
            .unwrap()
    }

    #[test]
    fn the_catalogue_registers_the_opt_in_lists_only_when_the_config_includes_them() {
        let names = |config: Option<&FabricConfig>| -> Vec<String> {
            built_in(config).into_iter().map(|(name, _)| name).collect()
        };
        assert_eq!(names(None).len(), 16);
        assert!(names(None).contains(&"vs".to_owned()));
        let clsp = FabricConfig {
            include_sonic_clsp: true,
            ..FabricConfig::default()
        };
        assert_eq!(names(Some(&clsp)).len(), 22);
        assert!(!names(Some(&clsp)).contains(&"cumulus-vx".to_owned()));
        let cumulus = FabricConfig {
            include_cumulus: true,
            ..FabricConfig::default()
        };
        assert_eq!(names(Some(&cumulus)).len(), 17);
        assert_eq!(opt_in_field("vs-clsp"), Some("includeSONiCCLSPlus"));
        assert_eq!(opt_in_field("cumulus-vx"), Some("includeCumulus"));
        assert_eq!(opt_in_field("vs"), None);
        assert_eq!(opt_in_field("ds4000"), None);
    }

    #[test]
    fn the_built_in_json_is_the_yaml_profiles() {
        let made: Vec<serde_json::Value> = EMBEDDED
            .iter()
            .map(|(text, catalog)| {
                serde_json::json!({"catalog": format!("{catalog:?}"), "profile": yaml_to_json(text)})
            })
            .collect();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/switchprofiles/built-in.json"
        );
        if std::env::var_os("HH_GITOPS_BLESS").is_some() {
            std::fs::write(path, serde_json::to_string(&made).unwrap() + "\n").unwrap();
        }
        let embedded: Vec<serde_json::Value> = serde_json::from_str(BUILT_IN_JSON).unwrap();
        assert_eq!(
            embedded, made,
            "schemas/switchprofiles/built-in.json is not the YAML profiles: HH_GITOPS_BLESS=1 rewrites it"
        );
    }

    #[test]
    fn every_embedded_profile_reads_with_its_ports_and_port_profiles() {
        for (name, object, _) in CATALOGUE.iter() {
            let spec = &object.spec;
            assert!(spec.ports.contains_key("M1"), "{name}");
            for (port_name, port) in &spec.ports {
                assert!(
                    port.management
                        || spec.port_groups.contains_key(&port.group)
                        || spec.port_profiles.contains_key(&port.profile),
                    "{name} {port_name}"
                );
            }
        }
        assert!(profile("dell-s5232f-on").spec.features.roce);
        assert_eq!(profile("celestica-ds4000").spec.max_ports, 144);
    }

    #[test]
    fn breakout_lanes_exist_only_for_the_switch_s_mode() {
        let spec = &profile("dell-s5232f-on").spec;
        let default = BTreeMap::new();
        // Default mode 1x100G: the port and its one lane.
        assert!(spec.has_port("E1/1", &default));
        assert!(spec.has_port("E1/1/1", &default));
        assert!(!spec.has_port("E1/1/2", &default));
        assert!(!spec.has_port("E1/1/01", &default));
        let broken = BTreeMap::from([("E1/1".to_owned(), "4x25G".to_owned())]);
        assert!(spec.has_port("E1/1/4", &broken));
        assert!(!spec.has_port("E1/1/5", &broken));
        assert!(spec.has_port("M1", &default));
        assert!(!spec.has_port("E1/99", &default));
        // A speed port has no lanes.
        assert!(spec.has_port("E1/33", &default));
        assert!(!spec.has_port("E1/33/1", &default));
        // An unsupported mode leaves the port without lanes.
        let unsupported = BTreeMap::from([("E1/1".to_owned(), "3x33G".to_owned())]);
        assert!(!spec.has_port("E1/1", &unsupported));
    }

    #[test]
    fn fec_goes_on_lanes_of_a_broken_out_port_and_on_the_port_itself_otherwise() {
        let spec = &profile("dell-s5232f-on").spec;
        let broken = BTreeMap::from([("E1/1".to_owned(), "4x25G".to_owned())]);
        assert!(!spec.fec_configurable("E1/1", &broken));
        assert!(spec.fec_configurable("E1/1/2", &broken));
        assert!(spec.fec_configurable("E1/2", &broken));
        assert!(!spec.fec_configurable("M1", &broken));
        let vs = &profile("vs").spec;
        assert!(
            vs.fec_configurable("E1/1", &BTreeMap::new()),
            "a port of a group"
        );
    }

    #[test]
    fn auto_negotiation_needs_a_profile_that_allows_it_and_never_a_group() {
        let vs = &profile("vs").spec;
        assert!(!vs.auto_neg_allowed("E1/1", &BTreeMap::new()));
        let (name, allowing) = CATALOGUE
            .iter()
            .find_map(|(name, object, _)| {
                let spec = &object.spec;
                spec.ports
                    .iter()
                    .find(|(_, port)| {
                        spec.port_profile(port)
                            .is_some_and(|p| p.auto_neg_allowed && p.speed.is_some())
                    })
                    .map(|(port, _)| (name.clone(), port.clone()))
            })
            .expect("some built-in profile allows auto-negotiation");
        assert!(
            profile(&name)
                .spec
                .auto_neg_allowed(&allowing, &BTreeMap::new())
        );
    }
}
