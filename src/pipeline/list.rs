//! The reading half of `list`: finds the fabrics, reads the resource files of each one's
//! managed/ (of one kind, with `--kind`) and hands their bytes to `crate::list`, which
//! builds the tables. It reads and changes nothing else; a file it cannot read is listed
//! with why.

use std::path::Path;

use anyhow::{Result, bail};

use super::discover::fabric_files;
use crate::kind::Kind;
use crate::list::{self, Listing, ManagedText};
use crate::schema::Registry;
use crate::source::{self, EntryKind, Read};

/// Lists the managed resources of every fabric under `repo` matching `globs`; with `kind`
/// (a kind or its plural, in any case: `vpc`, `VPCs`), only that kind's. Files over
/// `max_size` bytes are listed as unreadable, unread.
pub fn list(
    registry: &Registry,
    repo: &Path,
    globs: &[String],
    kind: Option<&str>,
    max_size: u64,
) -> Result<Listing> {
    let kind = kind
        .map(|kind| resolve_kind(registry, kind, "--kind"))
        .transpose()?;
    let wanted = kind.map(|(_, plural)| format!("managed/{plural}/"));
    let wanted = |path: &str| wanted.as_ref().is_none_or(|w| path.starts_with(w));
    let (found, unmatched) = managed_texts(registry, repo, globs, &wanted, false, max_size)?;
    let fabrics = found
        .into_iter()
        .map(|fabric| list::fabric_listing(&fabric.dir, fabric.texts, kind.map(|(kind, _)| kind)))
        .collect();
    Ok(Listing::new(fabrics, kind.map(|(kind, _)| kind), unmatched))
}

/// The managed files of one fabric, as read.
pub(super) struct ManagedTexts {
    /// The fabric folder relative to the repository.
    pub dir: String,
    /// Its managed resource files (those under `wanted`, when given).
    pub texts: Vec<ManagedText>,
    /// Its cluster/ files, the objects the fabric holds that Git does not apply (every one,
    /// when asked for: they are few).
    pub cluster: Vec<ManagedText>,
}

/// The managed resource files of every fabric under `repo` matching `globs` whose path
/// (relative to the fabric folder) is `wanted` (the others are not read), with its cluster/
/// files when `with_cluster`, and the globs that matched no fabric. Finding no fabric at all
/// is an error.
pub(super) fn managed_texts(
    registry: &Registry,
    repo: &Path,
    globs: &[String],
    wanted: &dyn Fn(&str) -> bool,
    with_cluster: bool,
    max_size: u64,
) -> Result<(Vec<ManagedTexts>, Vec<String>)> {
    let source::FabricDirs { dirs, unmatched } = source::find_fabric_dirs(repo, globs)?;
    let mut fabrics = Vec::new();
    for dir in dirs.into_iter().filter(|dir| dir.skip_reason.is_none()) {
        let folder = repo.join(&dir.rel);
        let files = fabric_files(registry, &folder, "")?;
        let read_all = |entries: Vec<source::Entry>| -> Vec<ManagedText> {
            entries
                .into_iter()
                .map(|entry| ManagedText {
                    bytes: read(&entry, max_size),
                    path: entry.rel,
                })
                .collect()
        };
        let texts = read_all(
            files
                .managed
                .into_iter()
                .filter(|entry| wanted(&entry.rel))
                .collect(),
        );
        let cluster = if with_cluster {
            read_all(files.cluster)
        } else {
            Vec::new()
        };
        fabrics.push(ManagedTexts {
            dir: dir.rel,
            texts,
            cluster,
        });
    }
    if fabrics.is_empty() {
        bail!(
            "no fabric found under {} matching {}: a fabric is a folder with a raw/ folder (see --fabric)",
            repo.display(),
            globs.join(", ")
        );
    }
    Ok((fabrics, unmatched))
}

/// The kind `wanted` names (as a kind or its plural, in any case), and its plural;
/// `named_by` says where the user wrote it, for the error.
pub(super) fn resolve_kind<'r>(
    registry: &'r Registry,
    wanted: &str,
    named_by: &str,
) -> Result<(&'r Kind, &'r str)> {
    let kinds = registry.kinds();
    if let Some(known) = kinds.iter().find(|k| {
        k.id.kind.as_str().eq_ignore_ascii_case(wanted) || k.id.plural.eq_ignore_ascii_case(wanted)
    }) {
        return Ok((&known.id.kind, &known.id.plural));
    }
    let mut names: Vec<&str> = kinds.iter().map(|k| k.id.kind.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    bail!(
        "{named_by} `{wanted}` is not a kind hh-gitops knows: use one of {}",
        names.join(", ")
    )
}

/// The bytes of a managed file, or why `list` cannot show it.
fn read(entry: &source::Entry, max_size: u64) -> Result<Vec<u8>, String> {
    if entry.kind == EntryKind::Symlink {
        return Err(
            "is a symbolic link: hh-gitops never follows links under managed/; replace it with the file itself"
                .to_owned(),
        );
    }
    match source::read_limited(&entry.path, max_size) {
        Ok(Read::Bytes(bytes)) => Ok(bytes),
        Ok(Read::TooLarge(size)) => Err(format!(
            "file is {size} bytes, over the {max_size}-byte limit: not read"
        )),
        Err(e) => Err(format!("{e:#}")),
    }
}
