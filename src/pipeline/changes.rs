//! A change's reach into each fabric: which of its files the change touches and which
//! managed files it deletes, from the [`Changes`] read once from git; and so the [`Scope`] of
//! the fabric's check.

use crate::backend::diff::Changes;
use crate::crosscheck::Scope;
use crate::plan::DeletedFile;
use crate::validate;

/// The scope of the check of the fabric at repository path `dir` (no trailing `/`), and the
/// managed files the change deletes there, each path as the fabric's files are shown:
/// `shown` (`gitops/hedgehog/fabric-1/` when `check` was given that folder; empty for a
/// sync) followed by the path inside the fabric folder. Without change information the
/// scope is `default`; with an unknown base every finding counts.
pub fn for_fabric(
    changes: Option<&Changes>,
    dir: &str,
    shown: &str,
    default: Scope,
) -> (Scope, Vec<DeletedFile>) {
    let set = match changes {
        None => return (default, Vec::new()),
        Some(Changes::BaseUnknown(_)) => return (Scope::Whole, Vec::new()),
        Some(Changes::Known(set)) => set,
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
    let deleted = set
        .deleted
        .iter()
        .filter_map(|(path, bytes)| {
            let path = inside(path)?;
            path.starts_with("managed/").then(|| DeletedFile {
                names: validate::names_in(bytes),
                path: format!("{shown}{path}"),
            })
        })
        .collect();
    (Scope::Change(touched), deleted)
}

/// Whether a repository path is in some fabric's managed/ folder (only those deleted
/// files are read at the base).
pub fn is_managed_path(path: &str) -> bool {
    path.starts_with("managed/") || path.contains("/managed/")
}
