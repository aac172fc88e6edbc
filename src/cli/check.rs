//! `hh-gitops check PATH...`: validate files and folders, move nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::parallel;
use crate::finding::Finding;
use crate::report::{CheckReport, CheckedFile};
use crate::schema::Registry;
use crate::source::{self, EntryKind, Read};
use crate::validate;

/// A file to check and how it was found.
struct Candidate {
    path: PathBuf,
    display: String,
    kind: EntryKind,
}

/// Collects the files under `paths`: named files whatever their name, folders recursively
/// for `*.yaml`/`*.yml` (links inside folders are reported, not followed).
fn collect(paths: &[PathBuf]) -> Result<Vec<Candidate>> {
    let mut candidates = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        let display = path.display().to_string();
        if meta.is_dir() {
            let base = display.trim_end_matches('/');
            for entry in source::walk(path, base)? {
                if matches!(entry.kind, EntryKind::Yaml | EntryKind::NotUtf8 { .. })
                    || (entry.kind == EntryKind::Symlink && source::is_yaml_name(&entry.rel))
                {
                    candidates.push(Candidate {
                        path: entry.path,
                        display: entry.rel,
                        kind: entry.kind,
                    });
                }
            }
        } else {
            candidates.push(Candidate {
                path: path.clone(),
                display,
                kind: EntryKind::Yaml,
            });
        }
    }
    Ok(candidates)
}

/// Reads and checks one file; a file-level problem becomes a finding at line 1.
pub fn check_path(
    registry: &Registry,
    path: &Path,
    kind: &EntryKind,
    max_size: u64,
) -> Result<Vec<validate::Resource>, Vec<Finding>> {
    match kind {
        EntryKind::Symlink => {
            return Err(vec![Finding::at(
                1,
                1,
                "is a symbolic link: hh-gitops never follows links inside a folder; replace it with the file itself",
            )]);
        }
        EntryKind::Special => return Err(vec![Finding::at(1, 1, "is not a regular file")]),
        EntryKind::NotUtf8 { folder: false } => {
            return Err(vec![Finding::at(
                1,
                1,
                "file name is not valid UTF-8: rename it",
            )]);
        }
        EntryKind::NotUtf8 { folder: true } => {
            return Err(vec![Finding::at(
                1,
                1,
                "folder name is not valid UTF-8: rename it (hh-gitops does not look inside)",
            )]);
        }
        EntryKind::Yaml | EntryKind::Ignored => {}
    }
    match source::read_limited(path, max_size) {
        Ok(Read::Bytes(bytes)) => validate::check_file(
            registry,
            &crate::rules::Context::fabricator_defaults(),
            &bytes,
        ),
        Ok(Read::TooLarge(size)) => Err(vec![Finding::at(
            1,
            1,
            format!(
                "file is {size} bytes, over the {max_size}-byte limit: split it, or raise --max-file-size"
            ),
        )]),
        Err(e) => Err(vec![Finding::at(1, 1, format!("{e:#}"))]),
    }
}

/// Runs the check and returns the report.
pub fn run(registry: &Registry, paths: &[PathBuf], max_size: u64) -> Result<CheckReport> {
    let candidates = collect(paths)?;
    let files = parallel::map(&candidates, |c| {
        let (resources, findings) = match check_path(registry, &c.path, &c.kind, max_size) {
            Ok(resources) => (resources.len(), Vec::new()),
            Err(findings) => (0, findings),
        };
        CheckedFile {
            path: c.display.clone(),
            resources,
            findings,
        }
    });
    Ok(CheckReport::new(files))
}
