//! The index of VPC and External attachments by connection and subnet, for the attachment uniqueness rules.

use super::FabricState;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct AttachmentIndex {}

impl AttachmentIndex {
    /// Builds the index from the objects of `state`.
    pub fn build(_state: &FabricState) -> Self {
        AttachmentIndex {}
    }
}
