//! SwitchProfiles: the typed model (`api/wiring/v1beta1/switchprofile_types.go`) and the
//! profiles the fabric has built in (`pkg/ctrl/switchprofile/catalog.go`).

use std::sync::Arc;

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
}

/// The SwitchProfiles a fabric with `config` has built in, by name.
pub fn built_in(_config: Option<&FabricConfig>) -> Vec<(String, Arc<Object>)> {
    Vec::new()
}
