//! SwitchProfiles: the typed model (`api/wiring/v1beta1/switchprofile_types.go`), the helpers
//! the Switch and Connection rules call on it (which ports a switch has after its breakouts,
//! where auto-negotiation and FEC may be set), and the profiles the fabric has built in
//! (`pkg/ctrl/switchprofile/catalog.go`).
//!
//! The built-in profiles differ by Hedgehog release (`built_in`). A SwitchProfile in the
//! repository never reaches the state: the fabric manages them itself.

mod built_in;

use std::collections::BTreeMap;

use serde::Deserialize;

pub use built_in::{built_in, opt_in_field};

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
        match opt_in_field(name, ctx.release) {
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
    use std::sync::Arc;

    use super::*;
    use crate::rules::Release;
    use crate::rules::config::FabricConfig;

    /// Every built-in profile of `release`, the opt-in ones included.
    fn every_profile(release: Release) -> Vec<(String, Arc<Object>)> {
        let all = FabricConfig {
            include_sonic_clsp: true,
            include_cumulus: true,
            ..FabricConfig::default()
        };
        built_in(Some(&all), release)
    }

    fn profile_at(release: Release, name: &str) -> Option<Arc<Object>> {
        every_profile(release)
            .into_iter()
            .find(|(known, _)| known == name)
            .map(|(_, object)| object)
    }

    fn profile(name: &str) -> Arc<Object> {
        profile_at(Release::NEWEST, name).unwrap()
    }

    #[test]
    fn eps203_ports_53_and_54_break_out_only_from_26_03() {
        let default = BTreeMap::new();
        let four = BTreeMap::from([("E1/53".to_owned(), "4x25G".to_owned())]);
        for release in Release::ALL {
            let spec = &profile_at(release, "edgecore-eps203").unwrap().spec;
            let port = &spec.ports["E1/53"];
            let breakout = spec.port_profile(port).unwrap().breakout.is_some();
            // 26.01/26.02 (fabric v0.115.4/v0.120.3 p_bcm_edgecore_eps203.go): a speed port.
            assert_eq!(breakout, release >= Release::V26_03, "{release}");
            assert_eq!(spec.has_port("E1/53/1", &default), breakout, "{release}");
            assert_eq!(spec.has_port("E1/53/4", &four), breakout, "{release}");
            assert!(spec.has_port("E1/53", &default), "{release}");
        }
    }

    #[test]
    fn only_26_03_profiles_have_port_locators() {
        for release in Release::ALL {
            let with: Vec<String> = every_profile(release)
                .into_iter()
                .filter(|(_, object)| object.spec.features.port_locator)
                .map(|(name, _)| name)
                .collect();
            // 26.03/SOURCE.md: the PortLocator column of the v0.129.0 Switch Catalog.
            let want = if release == Release::V26_03 { 9 } else { 0 };
            assert_eq!(with.len(), want, "{release}: {with:?}");
        }
        assert!(profile("celestica-ds3000").spec.features.port_locator);
        assert!(!profile("dell-z9332f-on").spec.features.port_locator);
    }

    #[test]
    fn every_embedded_profile_reads_with_its_ports_and_port_profiles() {
        for (name, object) in Release::ALL.into_iter().flat_map(every_profile) {
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
        let (name, allowing) = every_profile(Release::NEWEST)
            .iter()
            .find_map(|(name, object)| {
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
