//! A change's reach into each fabric: which of its files the change touches, which managed
//! files it deletes and which it edits, from the [`BaseDiff`] read once from git; and so the
//! [`Scope`] of the fabric's check.

use std::collections::BTreeMap;

use crate::backend::diff::BaseDiff;
use crate::crosscheck::Scope;
use crate::plan::{DeletedFile, EditedFile};
use crate::validate::{self, Resource};

/// What a change does to one fabric.
pub struct FabricChange {
    /// How much the problems of its managed/ count.
    pub scope: Scope,
    /// The managed files it deletes.
    pub deleted: Vec<DeletedFile>,
    /// The managed files it edits.
    pub edited: Vec<EditedFile>,
}

/// The change to the fabric at repository path `dir` (no trailing `/`), each path as the
/// fabric's files are shown: `shown` (`gitops/hedgehog/fabric-1/` when `check` was given
/// that folder; empty for a sync) followed by the path inside the fabric folder. `held`
/// reads a managed file's content at the base (its shown path and bytes) as the fabric held
/// it. Without change information the scope is `default`; with an unknown base every
/// finding counts.
pub fn for_fabric(
    changes: Option<&BaseDiff>,
    dir: &str,
    shown: &str,
    default: Scope,
    held: impl Fn(&str, &[u8]) -> Vec<Resource>,
) -> FabricChange {
    let set = match changes {
        None => return unchanged(default),
        Some(BaseDiff::BaseUnknown(_)) => return unchanged(Scope::Whole),
        Some(BaseDiff::Known(set)) => set,
    };
    let inside = |path: &str| -> Option<String> {
        if dir.is_empty() {
            Some(path.to_owned())
        } else {
            path.strip_prefix(dir)
                .and_then(|rest| rest.strip_prefix('/'))
                .map(str::to_owned)
        }
    };
    let touched = set
        .touched
        .iter()
        .filter_map(|p| inside(p))
        .map(|path| format!("{shown}{path}"))
        .collect();
    let deleted = managed_at_base(&set.deleted, &inside, shown)
        .into_iter()
        .map(|(path, bytes)| DeletedFile {
            names: validate::names_in(bytes),
            base: held(&path, bytes),
            path,
        })
        .collect();
    let edited = managed_at_base(&set.modified, &inside, shown)
        .into_iter()
        .map(|(path, bytes)| EditedFile {
            base: held(&path, bytes),
            path,
        })
        .collect();
    FabricChange {
        scope: Scope::Change(touched),
        deleted,
        edited,
    }
}

/// The managed files of this fabric among `files` (read at the base), each with its shown
/// path (`shown` and the path `inside` the fabric gives) and content.
fn managed_at_base<'b>(
    files: &'b BTreeMap<String, Vec<u8>>,
    inside: &dyn Fn(&str) -> Option<String>,
    shown: &str,
) -> Vec<(String, &'b [u8])> {
    files
        .iter()
        .filter_map(|(path, bytes)| {
            let path = inside(path)?;
            path.starts_with("managed/")
                .then(|| (format!("{shown}{path}"), bytes.as_slice()))
        })
        .collect()
}

/// A fabric the change does not reach, checked with `scope`.
fn unchanged(scope: Scope) -> FabricChange {
    FabricChange {
        scope,
        deleted: Vec::new(),
        edited: Vec::new(),
    }
}

/// Whether a repository path is in some fabric's managed/ folder (only those deleted or
/// modified files are read at the base).
pub fn is_managed_path(path: &str) -> bool {
    path.starts_with("managed/") || path.contains("/managed/")
}
