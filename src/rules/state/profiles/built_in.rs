//! The SwitchProfiles a fabric has built in, per Hedgehog release
//! (`pkg/ctrl/switchprofile/catalog.go` and its `p_*.go` at the release's fabric version).
//!
//! The profiles are `schemas/switchprofiles/<release>/*.yaml` (extracted from the fabric's
//! Go catalogue, see each folder's `SOURCE.md`). The binary embeds the newest release's
//! catalogue as JSON (`built-in.json`: parsing the YAML on every run cost more than checking
//! a small repository) and, for each older release, a JSON merge patch keyed by profile name
//! (`built-in-<release>.json`): `null` for a profile the release does not have, else what
//! differs. The releases share most profiles whole, so each of those is stored once.
//! `tests::the_embedded_catalogues_are_the_yaml_profiles` proves the data equal to the YAML
//! (`HH_GITOPS_BLESS=1` rewrites it). A release's catalogue is read on first use.

use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::Value;

use super::Object;
use crate::rules::Release;
use crate::rules::config::FabricConfig;
use crate::schema::patch;

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

/// The newest release's profiles as JSON, `[{"catalog": "Default", "profile": {...}}, ...]`
/// in catalogue order.
const BUILT_IN_JSON: &str = include_str!("../../../../schemas/switchprofiles/built-in.json");

/// Per release older than the newest, what its catalogue changes in [`BUILT_IN_JSON`]:
/// profile name to `null` (not built in at that release) or a merge patch of the profile.
const OLDER_RELEASES: [(Release, &str); 2] = [
    (
        Release::V26_01,
        include_str!("../../../../schemas/switchprofiles/built-in-26.01.json"),
    ),
    (
        Release::V26_02,
        include_str!("../../../../schemas/switchprofiles/built-in-26.02.json"),
    ),
];

/// One entry of a catalogue.
#[derive(Deserialize)]
struct BuiltIn {
    catalog: Catalog,
    profile: Object,
}

/// A release's catalogue: name, object, catalogue list, in catalogue order.
type Catalogue = Vec<(String, Arc<Object>, Catalog)>;

/// The catalogues read so far, one slot per release of [`Release::ALL`].
static CATALOGUES: [OnceLock<Catalogue>; Release::ALL.len()] =
    [const { OnceLock::new() }; Release::ALL.len()];

/// `release`'s catalogue entries as JSON: the newest ones with the release's patch applied.
fn entries(release: Release) -> Vec<Value> {
    let mut entries: Vec<Value> = serde_json::from_str(BUILT_IN_JSON)
        .unwrap_or_else(|e| panic!("the embedded SwitchProfiles do not read: {e}"));
    if let Some((_, text)) = OLDER_RELEASES.iter().find(|(r, _)| *r == release) {
        let patches: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("the SwitchProfiles patch of {release} does not read: {e}"));
        entries.retain_mut(|entry| {
            let name = entry["profile"]["metadata"]["name"].as_str().unwrap_or("");
            match patches.get(name) {
                Some(Value::Null) => false,
                Some(diff) => {
                    patch::merge(&mut entry["profile"], diff);
                    true
                }
                None => true,
            }
        });
    }
    entries
}

/// `release`'s catalogue, read once. The data is checked in and tested, so a failure is a
/// build defect, not a user error.
fn catalogue(release: Release) -> &'static Catalogue {
    let slot = Release::ALL
        .iter()
        .position(|r| *r == release)
        .expect("every release is in Release::ALL");
    CATALOGUES[slot].get_or_init(|| {
        let built_in: Vec<BuiltIn> = serde_json::from_value(Value::Array(entries(release)))
            .unwrap_or_else(|e| {
                panic!("the embedded SwitchProfiles of {release} do not read: {e}")
            });
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
    })
}

/// The SwitchProfiles a fabric of `release` with `config` has built in, by name
/// (`RegisterAll()`, `catalog.go:94-110`): the release's default list, plus its SONiC CLS+
/// ones with `includeSONiCCLSPlus` and `cumulus-vx` with `includeCumulus`.
pub fn built_in(config: Option<&FabricConfig>, release: Release) -> Vec<(String, Arc<Object>)> {
    catalogue(release)
        .iter()
        .filter(|(_, _, catalog)| match catalog {
            Catalog::Default => true,
            Catalog::SonicClsPlus => config.is_some_and(|c| c.include_sonic_clsp),
            Catalog::Cumulus => config.is_some_and(|c| c.include_cumulus),
        })
        .map(|(name, object, _)| (name.clone(), Arc::clone(object)))
        .collect()
}

/// For a built-in profile of `release` that only some fabrics register, the fabric config
/// field that registers it (`includeSONiCCLSPlus`, `includeCumulus`).
pub fn opt_in_field(name: &str, release: Release) -> Option<&'static str> {
    catalogue(release)
        .iter()
        .find(|(known, _, _)| known == name)
        .and_then(|(_, _, catalog)| match catalog {
            Catalog::Default => None,
            Catalog::SonicClsPlus => Some("includeSONiCCLSPlus"),
            Catalog::Cumulus => Some("includeCumulus"),
        })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Every profile any release has, with its catalogue list, in catalogue order.
    const PROFILES: [(&str, Catalog); 23] = [
        ("dell-s5232f-on", Catalog::Default),
        ("dell-s5248f-on", Catalog::Default),
        ("dell-z9332f-on", Catalog::Default),
        ("celestica-ds2000", Catalog::Default),
        ("celestica-ds3000", Catalog::Default),
        ("celestica-ds4000", Catalog::Default),
        ("celestica-ds4101", Catalog::Default),
        ("celestica-ds5000", Catalog::Default),
        ("edgecore-dcs203", Catalog::Default),
        ("edgecore-dcs204", Catalog::Default),
        ("edgecore-dcs240", Catalog::Default),
        ("edgecore-dcs501", Catalog::Default),
        ("edgecore-eps202", Catalog::Default),
        ("edgecore-eps203", Catalog::Default),
        ("supermicro-sse-c4632sb", Catalog::Default),
        ("vs", Catalog::Default),
        ("celestica-ds2000-clsp", Catalog::SonicClsPlus),
        ("celestica-ds3000-clsp", Catalog::SonicClsPlus),
        ("celestica-ds4000-clsp", Catalog::SonicClsPlus),
        ("celestica-ds4101-clsp", Catalog::SonicClsPlus),
        ("celestica-ds5000-clsp", Catalog::SonicClsPlus),
        ("vs-clsp", Catalog::SonicClsPlus),
        ("cumulus-vx", Catalog::Cumulus),
    ];

    fn folder(release: Release) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas/switchprofiles")
            .join(release.name())
    }

    /// `release`'s catalogue made from its YAML files, as [`entries`] gives it.
    fn from_yaml(release: Release) -> Vec<Value> {
        let dir = folder(release);
        let files = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "yaml")
            })
            .count();
        let made: Vec<Value> = PROFILES
            .iter()
            .filter_map(|(name, catalog)| {
                let text = std::fs::read_to_string(dir.join(format!("{name}.yaml"))).ok()?;
                let documents = crate::manifest::parse(text.as_bytes()).unwrap();
                let profile = documents[0].root.to_json();
                Some(serde_json::json!({"catalog": format!("{catalog:?}"), "profile": profile}))
            })
            .collect();
        assert_eq!(made.len(), files, "{release}: a profile outside PROFILES");
        made
    }

    /// The RFC 7396 merge patch that turns `base` into `target` (which holds no null).
    fn merge_diff(base: &Value, target: &Value) -> Value {
        match (base, target) {
            (Value::Object(base), Value::Object(target)) => {
                let mut diff = serde_json::Map::new();
                for key in base.keys().filter(|k| !target.contains_key(*k)) {
                    diff.insert(key.clone(), Value::Null);
                }
                for (key, value) in target {
                    match base.get(key) {
                        Some(old) if old == value => {}
                        Some(old) => _ = diff.insert(key.clone(), merge_diff(old, value)),
                        None => _ = diff.insert(key.clone(), value.clone()),
                    }
                }
                Value::Object(diff)
            }
            _ => target.clone(),
        }
    }

    /// Profile name to profile, of catalogue entries.
    fn by_name(entries: &[Value]) -> BTreeMap<String, Value> {
        entries
            .iter()
            .map(|e| {
                let name = e["profile"]["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                (name, e["profile"].clone())
            })
            .collect()
    }

    #[test]
    fn the_embedded_catalogues_are_the_yaml_profiles() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/switchprofiles");
        let newest = from_yaml(Release::NEWEST);
        if std::env::var_os("HH_GITOPS_BLESS").is_some() {
            let text = serde_json::to_string(&newest).unwrap() + "\n";
            std::fs::write(dir.join("built-in.json"), text).unwrap();
            let newest = by_name(&newest);
            for (release, _) in OLDER_RELEASES {
                let older = by_name(&from_yaml(release));
                let mut patches = serde_json::Map::new();
                for (name, profile) in &newest {
                    match older.get(name) {
                        None => _ = patches.insert(name.clone(), Value::Null),
                        Some(old) if old != profile => {
                            _ = patches.insert(name.clone(), merge_diff(profile, old))
                        }
                        Some(_) => {}
                    }
                }
                assert!(older.keys().all(|name| newest.contains_key(name)));
                let text = serde_json::to_string_pretty(&patches).unwrap() + "\n";
                let file = format!("built-in-{}.json", release.name());
                std::fs::write(dir.join(file), text).unwrap();
            }
        }
        assert!(!OLDER_RELEASES.iter().any(|(r, _)| *r == Release::NEWEST));
        assert_eq!(OLDER_RELEASES.len() + 1, Release::ALL.len());
        for release in Release::ALL {
            assert!(
                entries(release) == from_yaml(release),
                "the embedded SwitchProfiles of {release} are not schemas/switchprofiles/{release}/: HH_GITOPS_BLESS=1 rewrites them"
            );
        }
    }

    #[test]
    fn each_release_registers_its_own_profiles() {
        let all = FabricConfig {
            include_sonic_clsp: true,
            include_cumulus: true,
            ..FabricConfig::default()
        };
        let names = |release| -> Vec<String> {
            built_in(Some(&all), release)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        };
        // 26.01/SOURCE.md: 21 profiles, no dcs240 and no eps202; 26.02: 22, no eps202.
        assert_eq!(names(Release::V26_01).len(), 21);
        assert_eq!(names(Release::V26_02).len(), 22);
        assert_eq!(names(Release::V26_03).len(), 23);
        for (name, since) in [
            ("edgecore-dcs240", Release::V26_02),
            ("edgecore-eps202", Release::V26_03),
            ("vs", Release::V26_01),
        ] {
            for release in Release::ALL {
                assert_eq!(
                    names(release).contains(&name.to_owned()),
                    release >= since,
                    "{name} at {release}"
                );
            }
        }
        assert_eq!(
            opt_in_field("cumulus-vx", Release::V26_01),
            Some("includeCumulus")
        );
        assert_eq!(opt_in_field("edgecore-eps202", Release::V26_02), None);
    }

    #[test]
    fn the_opt_in_lists_are_registered_only_when_the_config_includes_them() {
        let names = |config: Option<&FabricConfig>| -> Vec<String> {
            built_in(config, Release::NEWEST)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
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
        assert_eq!(
            opt_in_field("vs-clsp", Release::NEWEST),
            Some("includeSONiCCLSPlus")
        );
        assert_eq!(
            opt_in_field("cumulus-vx", Release::NEWEST),
            Some("includeCumulus")
        );
        assert_eq!(opt_in_field("vs", Release::NEWEST), None);
        assert_eq!(opt_in_field("ds4000", Release::NEWEST), None);
    }
}
