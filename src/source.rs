//! Discovery: finding fabrics, the files under their raw/ folders and the state of managed
//! paths on disk. This is the file-system edge of the pipeline; it never follows a symbolic
//! link (to a fabric folder, or under one), reads no file larger than the configured limit,
//! and hands on only paths that are valid UTF-8 and stay inside the repository: anything
//! else is reported with its reason, never silently dropped or mangled into another path.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::paths;
use crate::plan::TargetState;

/// What a directory walk found at one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file named `*.yaml` or `*.yml`.
    Yaml,
    /// A regular file with another name (`.gitkeep`, README): listed, never touched.
    Ignored,
    /// A symbolic link: reported, never followed.
    Symlink,
    /// Neither file, directory nor link (a socket, a FIFO).
    Special,
    /// A file or (when `folder`) a folder whose name is not valid UTF-8: its reported path
    /// is a lossy stand-in that names no file, so nothing may be planned from it, and a
    /// folder is not looked into.
    NotUtf8 {
        /// Whether it is a folder.
        folder: bool,
    },
}

/// One entry found by a walk.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The path on disk.
    pub path: PathBuf,
    /// The path relative to the walk's base, with `/` separators, for reports.
    pub rel: String,
    /// What it is.
    pub kind: EntryKind,
}

/// Where `sync` looks for fabrics unless told otherwise, and what `check` checks without a
/// path.
pub const DEFAULT_FABRICS: &str = "gitops/hedgehog/*";

/// Whether a file name is a YAML file hh-gitops processes.
pub fn is_yaml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// Whether appliers read a file by this name: `kubectl apply -R`, Argo CD's directory source
/// and Flux's generated kustomization take every `.yaml`, `.yml` and `.json` file.
pub fn is_applied_name(name: &str) -> bool {
    is_yaml_name(name) || name.to_ascii_lowercase().ends_with(".json")
}

/// Lists every non-directory entry under `dir`, recursively, sorted by path. Symbolic links
/// (to files or folders) are listed as such and not followed.
pub fn walk(dir: &Path, rel_prefix: &str) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    walk_into(dir, rel_prefix, &mut entries)?;
    entries.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(entries)
}

fn walk_into(dir: &Path, rel: &str, out: &mut Vec<Entry>) -> Result<()> {
    let listing = fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for item in listing {
        let item = item.with_context(|| format!("cannot list {}", dir.display()))?;
        let file_name = item.file_name();
        let name = file_name.to_string_lossy();
        let path = item.path();
        let child_rel = if rel.is_empty() {
            name.clone().into_owned()
        } else {
            format!("{rel}/{name}")
        };
        let file_type = item
            .file_type()
            .with_context(|| format!("cannot inspect {}", path.display()))?;
        let kind = if file_name.to_str().is_none() {
            EntryKind::NotUtf8 {
                folder: file_type.is_dir(),
            }
        } else if file_type.is_symlink() {
            EntryKind::Symlink
        } else if file_type.is_dir() {
            walk_into(&path, &child_rel, out)?;
            continue;
        } else if !file_type.is_file() {
            EntryKind::Special
        } else if is_yaml_name(&name) {
            EntryKind::Yaml
        } else {
            EntryKind::Ignored
        };
        out.push(Entry {
            path,
            rel: child_rel,
            kind,
        });
    }
    Ok(())
}

/// The folder of a fabric that holds objects exported from the running fabric, which the
/// fabric state counts and nothing applies or moves.
pub const CLUSTER: &str = "cluster";

/// The files of the fabric folder `dir`'s cluster/ folder that a run reads, their `rel`
/// paths starting with `prefix` (empty, or a folder path ending in `/`): every YAML file at
/// any depth, and what cannot be read there (a link, a name that is not UTF-8), reported.
/// Other files (a README) are no one's business. No cluster/ folder is an empty list; a
/// link in its place is listed as such, never followed.
pub fn cluster_files(dir: &Path, prefix: &str) -> Result<Vec<Entry>> {
    let folder = dir.join(CLUSTER);
    match fs::symlink_metadata(&folder) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Ok(vec![Entry {
                path: folder,
                rel: format!("{prefix}{CLUSTER}"),
                kind: EntryKind::Symlink,
            }]);
        }
        Ok(meta) if meta.is_dir() => {}
        _ => return Ok(Vec::new()),
    }
    let mut entries = walk(&folder, &format!("{prefix}{CLUSTER}"))?;
    entries.retain(|entry| match entry.kind {
        EntryKind::Yaml | EntryKind::Special | EntryKind::NotUtf8 { .. } => true,
        EntryKind::Symlink => is_yaml_name(&entry.rel),
        EntryKind::Ignored => false,
    });
    Ok(entries)
}

/// The outcome of reading a file under the size limit.
pub enum Read {
    /// The file's bytes.
    Bytes(Vec<u8>),
    /// The file is larger than the limit; it was not read.
    TooLarge(u64),
}

/// Reads a file unless it is larger than `max` bytes. The limit is enforced on the bytes
/// actually read too, so a file that grows while being read cannot exceed it.
pub fn read_limited(path: &Path, max: u64) -> Result<Read> {
    let file = fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot inspect {}", path.display()))?
        .len();
    if size > max {
        return Ok(Read::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > max {
        return Ok(Read::TooLarge(bytes.len() as u64));
    }
    Ok(Read::Bytes(bytes))
}

/// A folder matched by a `--fabrics` glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FabricDir {
    /// Path relative to the repository, `/`-separated (a lossy stand-in when the folder's
    /// name is not valid UTF-8; then `skip_reason` says so).
    pub rel: String,
    /// Why the folder is not a fabric and is left alone, or `None` when it is one (a real
    /// folder with a real raw/ folder).
    pub skip_reason: Option<String>,
}

/// The folders the `--fabrics` globs matched, and the globs that matched no fabric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FabricDirs {
    /// Every matched folder, sorted, without duplicates.
    pub dirs: Vec<FabricDir>,
    /// Globs under which no fabric was found (a typo next to a valid glob): each is a
    /// warning, and an error when no glob found one.
    pub unmatched: Vec<String>,
}

/// Finds the folders matching each glob under `repo`, in sorted order, without duplicates.
///
/// A glob must be relative to the repository and have no `..` (`.` and empty segments are
/// ignored); one that is absolute or climbs out, or that uses a pattern hh-gitops does not
/// support (`**`, `[...]`, `{a,b}`), is an error before anything is read. The walk never
/// follows a link: a link (or a name that is not valid UTF-8) where the glob ends is listed
/// with its reason, and a link where the glob must go on through it is an error, since the
/// fabrics past it may lie outside the repository.
pub fn find_fabric_dirs(repo: &Path, globs: &[String]) -> Result<FabricDirs> {
    let mut found: Vec<FabricDir> = Vec::new();
    let mut unmatched = Vec::new();
    for glob in globs {
        if let Some(problem) = unsupported_pattern(glob) {
            bail!("--fabrics `{glob}`: {problem}");
        }
        let segments = paths::typed_segments(glob).map_err(|problem| {
            anyhow::anyhow!(
                "--fabrics `{glob}` {problem}: fabric folders must be inside the repository, given relative to it"
            )
        })?;
        let mut matched = Vec::new();
        expand(repo, "", &segments, glob, &mut matched)?;
        for dir in &mut matched {
            if dir.skip_reason.is_none() {
                dir.skip_reason = raw_problem(&repo.join(&dir.rel));
            }
        }
        if matched.iter().all(|dir| dir.skip_reason.is_some()) {
            unmatched.push(glob.clone());
        }
        found.append(&mut matched);
    }
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    found.dedup_by(|a, b| a.rel == b.rel);
    Ok(FabricDirs {
        dirs: found,
        unmatched,
    })
}

/// Why the folder `dir` is not a fabric (no real raw/ folder), or `None` when it is one.
fn raw_problem(dir: &Path) -> Option<String> {
    match fs::symlink_metadata(dir.join("raw")) {
        Ok(meta) if meta.file_type().is_symlink() => Some(
            "raw/ is a symbolic link: hh-gitops never follows links; make it a real folder"
                .to_owned(),
        ),
        Ok(meta) if meta.is_dir() => None,
        _ => Some("no raw/ folder".to_owned()),
    }
}

/// What is wrong with a glob that uses pattern syntax hh-gitops does not support, which
/// would otherwise be taken literally and silently match nothing.
fn unsupported_pattern(glob: &str) -> Option<String> {
    const SUPPORTED: &str = "hh-gitops matches `*` and `?` within one folder name";
    if glob.split('/').any(|segment| segment.contains("**")) {
        return Some(format!(
            "`**` (any depth) is not supported: {SUPPORTED}; give one pattern per depth, e.g. `gitops/*` and `gitops/*/*`"
        ));
    }
    if glob.contains(['[', ']']) {
        return Some(format!(
            "`[...]` character classes are not supported: {SUPPORTED}; use `?` or give each folder as its own pattern"
        ));
    }
    if glob.contains(['{', '}']) {
        return Some(format!(
            "`{{a,b}}` alternatives are not supported: {SUPPORTED}; give each alternative as its own pattern"
        ));
    }
    None
}

/// Expands the glob `segments` below the folder `rel` of `base`; `glob` is for messages.
fn expand(
    base: &Path,
    rel: &str,
    segments: &[&str],
    glob: &str,
    out: &mut Vec<FabricDir>,
) -> Result<()> {
    let Some((first, rest)) = segments.split_first() else {
        if !rel.is_empty() {
            out.push(FabricDir {
                rel: rel.to_owned(),
                skip_reason: None,
            });
        }
        return Ok(());
    };
    let dir = base.join(rel);
    let child_rel = |name: &str| {
        if rel.is_empty() {
            name.to_owned()
        } else {
            format!("{rel}/{name}")
        }
    };
    let mut names = Vec::new();
    if first.contains(['*', '?']) {
        let Ok(listing) = fs::read_dir(&dir) else {
            return Ok(());
        };
        for item in listing {
            let item = item.with_context(|| format!("cannot list {}", dir.display()))?;
            let file_name = item.file_name();
            let name = file_name.to_string_lossy();
            if name.starts_with('.') || !glob_match(first, &name) {
                continue;
            }
            if file_name.to_str().is_none() {
                if item.file_type().is_ok_and(|t| t.is_dir()) {
                    out.push(FabricDir {
                        rel: child_rel(&name),
                        skip_reason: Some("folder name is not valid UTF-8: rename it".to_owned()),
                    });
                }
                continue;
            }
            names.push(name.into_owned());
        }
    } else {
        names.push((*first).to_owned());
    }
    for name in names {
        let child = child_rel(&name);
        let Ok(meta) = fs::symlink_metadata(dir.join(&name)) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            if !rest.is_empty() {
                bail!(
                    "--fabrics `{glob}` goes through {child}, a symbolic link: hh-gitops never follows links, as the fabrics past it could lie outside the repository; make it a real folder or change --fabrics"
                );
            }
            out.push(FabricDir {
                rel: child,
                skip_reason: Some(
                    "is a symbolic link: hh-gitops never follows links; make it a real folder, or point --fabrics at the folder it links to"
                        .to_owned(),
                ),
            });
        } else if meta.is_dir() {
            expand(base, &child, rest, glob, out)?;
        }
    }
    Ok(())
}

/// Matches one path segment against a pattern of literal characters, `*` and `?`.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            backtrack = Some((pi, ni));
            pi += 1;
        } else if let Some((star, matched)) = backtrack {
            pi = star + 1;
            ni = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The state on disk of a managed path (relative to `base`), checking every folder on the
/// way so that a linked `managed/` or `managed/vpcs/` is never written through.
pub fn target_state(base: &Path, rel: &str) -> Result<TargetState> {
    let parts: Vec<&str> = rel.split('/').collect();
    let mut path = base.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(TargetState::Absent),
            Err(e) => return Err(e).with_context(|| format!("cannot inspect {}", path.display())),
        };
        let last = i + 1 == parts.len();
        if meta.file_type().is_symlink() {
            return Ok(TargetState::Symlink(parts[..=i].join("/")));
        }
        if last {
            if meta.is_dir() {
                return Ok(TargetState::Directory);
            }
            if !meta.is_file() {
                return Ok(TargetState::Special);
            }
            let bytes =
                fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            return Ok(TargetState::File(bytes));
        }
        if !meta.is_dir() {
            return Ok(TargetState::BlockedBy(parts[..=i].join("/")));
        }
    }
    Ok(TargetState::Absent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*", "fabric-1"));
        assert!(glob_match("fabric-?", "fabric-1"));
        assert!(glob_match("f*c-*", "fabric-1"));
        assert!(!glob_match("fabric-?", "fabric-10"));
        assert!(!glob_match("x*", "fabric"));
        assert!(glob_match("a*b*c", "aXbYbc"));
    }

    #[test]
    fn unsupported_patterns_say_so() {
        for (glob, start) in [
            ("gitops/**", "`**` (any depth) is not supported"),
            ("gitops/**/x", "`**` (any depth) is not supported"),
            (
                "gitops/fabric-[12]",
                "`[...]` character classes are not supported",
            ),
            ("gitops/{a,b}", "`{a,b}` alternatives are not supported"),
        ] {
            let problem = unsupported_pattern(glob).unwrap_or_default();
            assert!(problem.starts_with(start), "{glob}: {problem}");
        }
        assert_eq!(unsupported_pattern("gitops/hedgehog/fab*-?"), None);
    }

    #[test]
    fn yaml_names() {
        assert!(is_yaml_name("a.yaml"));
        assert!(is_yaml_name("A.YML"));
        assert!(!is_yaml_name(".gitkeep"));
        assert!(!is_yaml_name("yaml"));
    }
}
