//! The index of VPC subnets per IPv4Namespace and VLANs per VLANNamespace, for the VPC overlap and uniqueness rules.

use super::FabricState;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct VpcIndex {}

impl VpcIndex {
    /// Builds the index from the objects of `state`.
    pub fn build(_state: &FabricState) -> Self {
        VpcIndex {}
    }
}
