//! The index of gateway addresses and gateway peerings by VPC, for the gateway uniqueness and exposure rules.

use super::FabricState;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct GatewayIndex {}

impl GatewayIndex {
    /// Builds the index from the objects of `state`.
    pub fn build(_state: &FabricState) -> Self {
        GatewayIndex {}
    }
}
