//! Managed files committed as Git would store them. hh-gitops moves a raw file's bytes
//! unchanged, but a repository's `.gitattributes` (`text`, `eol`, `crlf`, `ident`,
//! `working-tree-encoding`) or `core.autocrlf` can make Git store a file otherwise than the
//! work tree holds it: with `* text eol=crlf`, a file is CRLF in the work tree and LF in the
//! blob. A blob made from the work-tree bytes as they are would differ from what `git add`
//! stores, and every fresh clone would show the file modified.
//!
//! So both backends take the blobs they write (fast-import for a local commit, the file
//! contents of a GitHub API commit) from here, and Git itself does the converting: `git
//! check-attr` says which paths have a conversion, and `git hash-object --path` stores each
//! of them as `git add` would. Attribute matching and conversion rules stay Git's. The work
//! tree keeps the raw file's bytes. External `filter=` drivers (Git LFS, git-crypt) are
//! never run: a written path that has one stops the commit before anything is made.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};

use super::git::GitRepo;
use crate::plan::FileChanges;

/// The attributes under which Git stores a file's content converted.
const CONVERSIONS: [&str; 5] = ["text", "eol", "crlf", "ident", "working-tree-encoding"];

/// The attribute naming an external filter driver.
const FILTER: &str = "filter";

impl GitRepo {
    /// `units` with the content of every write as Git stores it at its path: unchanged
    /// unless a conversion applies there. Fails, naming the path and the fix, when a
    /// written path has an external filter.
    pub(super) fn as_stored(&self, units: &[FileChanges]) -> Result<Vec<FileChanges>> {
        let mut stored = units.to_vec();
        let paths: Vec<String> = units
            .iter()
            .flat_map(|unit| &unit.writes)
            .map(|write| self.repo_path(&write.path))
            .collect();
        let converted = self.converted(&paths)?;
        if converted.is_empty() {
            return Ok(stored);
        }
        let mut oids = Vec::new();
        let mut slots = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            for (w, write) in unit.writes.iter().enumerate() {
                let path = self.repo_path(&write.path);
                if converted.contains(&path) {
                    oids.push(self.store(&path, &write.content)?);
                    slots.push((u, w));
                }
            }
        }
        for ((u, w), content) in slots.into_iter().zip(self.read_blobs(&oids)?) {
            stored[u].writes[w].content = content;
        }
        Ok(stored)
    }

    /// Which of `paths` (repository paths) Git may store converted: those with a
    /// conversion attribute, or all of them when `core.autocrlf` is on. Git is asked once
    /// for every path.
    fn converted(&self, paths: &[String]) -> Result<BTreeSet<String>> {
        if paths.is_empty() {
            return Ok(BTreeSet::new());
        }
        let mut input = Vec::new();
        for path in paths {
            input.extend_from_slice(path.as_bytes());
            input.push(0);
        }
        let mut args = vec!["check-attr", "-z", "--stdin", FILTER];
        args.extend(CONVERSIONS);
        let out = self.run(&args, Some(&input))?.stdout;
        let autocrlf = self
            .run_text(&["config", "--get", "core.autocrlf"])
            .is_ok_and(|value| {
                !matches!(
                    value.to_ascii_lowercase().as_str(),
                    "false" | "no" | "off" | "0"
                )
            });
        let mut converted = BTreeSet::new();
        // Each answer: "<path>\0<attribute>\0<value>\0".
        let fields: Vec<String> = out
            .split(|b| *b == 0)
            .map(|field| String::from_utf8_lossy(field).into_owned())
            .collect();
        for answer in fields.chunks_exact(3) {
            let [path, attribute, value] = answer else {
                continue;
            };
            if matches!(value.as_str(), "unspecified" | "unset") {
                if autocrlf {
                    converted.insert(path.clone());
                }
                continue;
            }
            if attribute == FILTER {
                bail!(
                    "nothing was committed: .gitattributes gives {path} the external filter `filter={value}`, which hh-gitops does not run (its managed files are committed as their bytes, normalised only by `text`, `eol` and the like): exempt the fabric folders from it with a line such as `{} -filter` in .gitattributes",
                    fabric_pattern(path)
                );
            }
            converted.insert(path.clone());
        }
        Ok(converted)
    }

    /// Writes `content` as the blob Git stores for a file at `path` (a repository path) and
    /// returns its id. `core.safecrlf` is off: the work tree keeps the raw bytes, so the
    /// conversion loses nothing there.
    fn store(&self, path: &str, content: &[u8]) -> Result<String> {
        let out = self
            .run(
                &[
                    "-c",
                    "core.safecrlf=false",
                    "hash-object",
                    "-w",
                    "--stdin",
                    &format!("--path={path}"),
                ],
                Some(content),
            )
            .with_context(|| format!("storing {path} as git would"))?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

/// A `.gitattributes` pattern for the fabric folder holding `path`, a managed file or a
/// raw/ folder's `.gitkeep` (`gitops/hedgehog/f/managed/vpcs/a.yaml` gives
/// `gitops/hedgehog/f/**`).
fn fabric_pattern(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let fabric = segments
        .iter()
        .rposition(|segment| *segment == "managed" || *segment == "raw")
        .map_or(&segments[..0], |at| &segments[..at]);
    match fabric.join("/") {
        top if top.is_empty() => "**".to_owned(),
        fabric => format!("{fabric}/**"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_names_the_fabric_folder() {
        assert_eq!(
            fabric_pattern("gitops/hedgehog/f/managed/vpcs/raw.yaml"),
            "gitops/hedgehog/f/**"
        );
        assert_eq!(fabric_pattern("infra/f/raw/.gitkeep"), "infra/f/**");
        assert_eq!(fabric_pattern("managed/vpcs/a.yaml"), "**");
    }
}
