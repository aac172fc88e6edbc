//! The index of switch ports, link addresses and switch/ASN addresses, for the Connection and Switch uniqueness rules.

use super::FabricState;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct WiringIndex {}

impl WiringIndex {
    /// Builds the index from the objects of `state`.
    pub fn build(_state: &FabricState) -> Self {
        WiringIndex {}
    }
}
