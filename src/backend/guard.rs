//! The last line of defence before a write or delete in the work tree. Input is validated
//! upstream; this guard holds even when that validation misses something.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The last line of defence before a write or delete in the work tree: a path must be
/// relative, made of plain components (no empty, `.`, `..` or `.git` one), and reach its file
/// through real folders, never through a symbolic link. Folders already checked are
/// remembered, so checking many files in one folder costs one look each.
pub(super) struct PathGuard<'a> {
    top: &'a Path,
    checked: HashSet<PathBuf>,
}

impl<'a> PathGuard<'a> {
    pub(super) fn new(top: &'a Path) -> Self {
        PathGuard {
            top,
            checked: HashSet::new(),
        }
    }

    /// The full path of `path` (from the top of the work tree), if it is safe to touch.
    pub(super) fn check(&mut self, path: &str) -> Result<PathBuf> {
        let plain = path.split('/').all(|component| {
            !matches!(component, "" | "." | "..")
                && !component.eq_ignore_ascii_case(".git")
                && !component.contains('\0')
        });
        if !plain {
            bail!("refusing to touch `{path}`: not a plain relative path inside the repository");
        }
        let mut full = self.top.to_path_buf();
        for component in path.split('/') {
            full.push(component);
            if self.checked.contains(&full) {
                continue;
            }
            match std::fs::symlink_metadata(&full) {
                Ok(meta) if meta.file_type().is_symlink() => bail!(
                    "refusing to touch `{path}`: {} is a symbolic link, and hh-gitops never writes through links",
                    full.display()
                ),
                Ok(meta) if meta.is_dir() => {
                    self.checked.insert(full.clone());
                }
                Ok(_) => {}
                // Missing folders are created as real folders.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot inspect {}", full.display()));
                }
            }
        }
        Ok(self.top.join(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_pass_the_guard() {
        let top = tempfile::tempdir().unwrap();
        let mut guard = PathGuard::new(top.path());
        for bad in [
            "", "/abs", "a//b", "a/", "./a", "a/./b", "..", "a/../b", ".git", "a/.Git/b", "a\0b",
        ] {
            let error = guard.check(bad).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!(
                    "refusing to touch `{bad}`: not a plain relative path inside the repository"
                )
            );
        }
        for good in [
            "a",
            "a/b.yaml",
            "a/.gitkeep",
            "..a/b..",
            ".github/x",
            "a b/c",
        ] {
            assert_eq!(guard.check(good).unwrap(), top.path().join(good));
        }
    }
}
