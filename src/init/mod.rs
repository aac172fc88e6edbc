//! `hh-gitops init`: writes a repository's first `.hh-gitops.yaml`, every setting
//! commented and set to its default (with the fabric folders it found), and the workflow
//! file the README's quick start shows. It never overwrites a file: a repository that has
//! either already decided.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::repo_config;
use crate::source;

/// Where the workflow goes, from the repository root.
pub const WORKFLOW_PATH: &str = ".github/workflows/hh-gitops.yml";

/// The workflow of the README's quick start (a test keeps the two the same).
pub const WORKFLOW: &str = include_str!("hh-gitops.yml");

/// The repository config `init` writes for a repository whose fabric folders (matching the
/// default glob) are `fabrics`.
pub fn repo_config_text(fabrics: &[String]) -> String {
    let found = if fabrics.is_empty() {
        "# No fabric folder found yet: create gitops/hedgehog/<fabric>/raw/, or change the glob.\n"
            .to_owned()
    } else {
        format!("# Found by `hh-gitops init`: {}.\n", fabrics.join(", "))
    };
    format!(
        "\
# hh-gitops settings for this repository, read by every run from any folder of it (the
# action, `hh-gitops check`, `hh-gitops sync`, the pre-commit hook). A flag, an
# HH_GITOPS_* variable or an action input overrides a setting; delete a line for the default.

# The fabric folders, as globs from this folder; a fabric is a matching folder with a raw/.
{found}fabrics:
  - {default}

# A reference to an object in neither a fabric's managed/ nor its raw/ (the `default`
# namespaces, objects applied by hand): warn (reported; the checks that needed it are
# skipped) or strict (rejected; for repositories that hold the whole fabric).
references: warn

# true: a warning rejects its file, as an error does.
deny-warnings: false

# The Hedgehog release the fabrics run, quoted: \"26.01\", \"26.02\" or \"26.03\" (the default).
# A fabric whose fab.yaml pins its fabric version is checked against that version's release.
# hedgehog-release: \"26.03\"

# The fabric config of a fabric whose folder has no fab.yaml (from `hhfab init`).
# fabric-config:
#   gitops/hedgehog/fabric-1: configs/fabric-1.fab.yaml

# How much a rule's warnings matter: off, warning or error, by rule id (`hh-gitops check
# --show-rule` prints each finding's). Errors are what the fabric refuses: never changed.
# rules:
#   export/server-fields: error
",
        default = source::DEFAULT_FABRICS
    )
}

/// Writes the repository config and the workflow into `repo`, after checking that neither
/// exists; returns the files written, from `repo`.
pub fn init(repo: &Path) -> Result<Vec<String>> {
    let files = [
        (repo_config::FILE_NAME, None),
        (WORKFLOW_PATH, Some(WORKFLOW)),
    ];
    let existing: Vec<&str> = files
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| repo.join(path).symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() {
        bail!(
            "{} already exist{} in {}: nothing was written; edit {}, or delete {} and run `hh-gitops init` again",
            existing.join(" and "),
            if existing.len() == 1 { "s" } else { "" },
            repo.display(),
            if existing.len() == 1 { "it" } else { "them" },
            if existing.len() == 1 { "it" } else { "them" },
        );
    }
    let found = source::find_fabric_dirs(repo, &[source::DEFAULT_FABRICS.to_owned()])?;
    let fabrics: Vec<String> = found
        .dirs
        .into_iter()
        .filter(|dir| dir.skip_reason.is_none())
        .map(|dir| dir.rel)
        .collect();
    let config = repo_config_text(&fabrics);
    for (path, text) in files {
        let target = repo.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, text.unwrap_or(&config))
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(files.iter().map(|(path, _)| (*path).to_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_config_reads_as_the_defaults_with_the_default_glob() {
        let written =
            repo_config::parse(repo_config_text(&["gitops/hedgehog/a".into()]).as_bytes())
                .expect("init writes a config hh-gitops reads");
        assert_eq!(
            written,
            repo_config::RepoConfig {
                fabrics: Some(vec![source::DEFAULT_FABRICS.to_owned()]),
                references: Some(crate::rules::state::References::Warn),
                deny_warnings: Some(false),
                ..repo_config::RepoConfig::default()
            }
        );
    }

    #[test]
    fn the_commented_examples_read_when_uncommented() {
        let uncommented: String = repo_config_text(&[])
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(example)
                    if [
                        "hedgehog-release:",
                        "fabric-config:",
                        "  gitops/",
                        "rules:",
                        "  export/",
                    ]
                    .iter()
                    .any(|key| example.starts_with(key)) =>
                {
                    example
                }
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        let config = repo_config::parse(uncommented.as_bytes()).unwrap_or_else(|finding| {
            panic!("{}\n{uncommented}", finding.display(".hh-gitops.yaml"))
        });
        assert_eq!(config.hedgehog_release, Some(crate::rules::Release::V26_03));
        assert_eq!(config.fabric_configs.len(), 1);
        assert_eq!(
            config.rules.get("export/server-fields"),
            Some(repo_config::RuleLevel::Error)
        );
    }
}
