//! Which fabric config each check reads, and reading it: `--fabric-config` when given, else
//! the fabric's own `fab.yaml` (beside its raw/ folder) when there is one, else
//! fabricator's defaults. Reading is the shell's job; `rules::config_file` turns the bytes
//! into the config. A config file that cannot be read is an error for the whole run, naming
//! the file, line and column: checking against a config the user did not mean would give
//! verdicts they cannot trust.
//!
//! The Hedgehog release is resolved here too, once per fabric and with its config: the
//! fabric version the config (a fab.yaml) pins, else `--hedgehog-release`, else the newest
//! release. A declared release the pin contradicts stops the run, for the same reason.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::backend::git::GitRepo;
use crate::finding::Finding;
use crate::flags::config::Policy;
use crate::limits::DEFAULT_MAX_FILE_SIZE;
use crate::rules::config::FabricConfig;
use crate::rules::config_file::{self, ChosenRelease, ConfigSource, Declared};
use crate::rules::{Context, Release};
use crate::source::{self, Read};
use crate::validate;

/// The name of a fabric's own config file, next to its raw/ folder.
pub const FAB_YAML: &str = "fab.yaml";

/// What the user gave for the fabrics of a run, each config read once, before any work:
/// `--fabric-config`, the repository config's `fabric-config:` and the declared release.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// `--fabric-config`: the config of every fabric instead of each one's fab.yaml.
    pub config: Option<LoadedConfig>,
    /// The repository config's `fabric-config:`: (canonical fabric folder, its config).
    pub per_fabric: Vec<(PathBuf, LoadedConfig)>,
    /// The declared release of every fabric whose config pins none.
    pub release: Option<Declared>,
}

impl Given {
    /// Reads `--fabric-config` and each fabric's config of the repository config, with
    /// the declared `release`. A fabric folder that does not exist stops the run: the
    /// config meant for it would silently apply to nothing.
    pub fn read(policy: &Policy) -> Result<Self> {
        let release = policy.release;
        let config = policy
            .fabric_config
            .as_deref()
            .map(|path| LoadedConfig::read(path, &path.display().to_string(), release))
            .transpose()?;
        let repo_config = policy.repo_config.as_deref().unwrap_or_default();
        let per_fabric = policy
            .fabric_configs
            .iter()
            .map(|(fabric, file, display)| {
                let dir = std::fs::canonicalize(fabric)
                    .ok()
                    .filter(|dir| dir.is_dir())
                    .with_context(|| {
                        format!(
                            "{repo_config}: `fabric-config` names the fabric folder {}, which does not exist: fix the path (from the repository root)",
                            fabric.display()
                        )
                    })?;
                Ok((dir, LoadedConfig::read(file, display, release)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Given {
            config,
            per_fabric,
            release,
        })
    }

    /// The config given for the fabric folder `dir`: `--fabric-config`, else the
    /// repository config's entry for that folder.
    fn for_folder(&self, dir: &Path) -> Option<&LoadedConfig> {
        if let Some(config) = &self.config {
            return Some(config);
        }
        if self.per_fabric.is_empty() {
            return None;
        }
        let dir = std::fs::canonicalize(dir).ok()?;
        self.per_fabric
            .iter()
            .find(|(fabric, _)| *fabric == dir)
            .map(|(_, config)| config)
    }
}

/// A fabric config, where it came from and the release it is checked against.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The config the rules read.
    pub config: FabricConfig,
    /// Where it came from and the release, for the reports.
    pub source: ConfigSource,
}

impl LoadedConfig {
    /// Fabricator's defaults (no file given or found), checked against the `declared`
    /// release or the newest.
    pub fn defaults(declared: Option<Declared>) -> Self {
        LoadedConfig {
            config: FabricConfig::fabricator_defaults(),
            source: ConfigSource {
                release: ChosenRelease::resolve(declared, None).expect("no pin, no conflict"),
                ..ConfigSource::default()
            },
        }
    }

    /// Reads the config file at `path`, shown as `display` in messages and reports, and
    /// resolves its release: the pin of a fab.yaml, else `declared`, else the newest; a
    /// `declared` release that the pin contradicts is refused at the pin's line.
    pub fn read(path: &Path, display: &str, declared: Option<Declared>) -> Result<Self> {
        let bytes = match source::read_limited(path, DEFAULT_MAX_FILE_SIZE)
            .with_context(|| format!("cannot read the fabric config {display}"))?
        {
            Read::Bytes(bytes) => bytes,
            Read::TooLarge(size) => {
                bail!("the fabric config {display} is {size} bytes: that is not a fab.yaml")
            }
        };
        let refused: Vec<String> = validate::fab_yaml_findings(&bytes)
            .into_iter()
            .filter(Finding::is_error)
            .map(|finding| finding.display(display))
            .collect();
        if !refused.is_empty() {
            bail!(
                "{}\nhhfab would refuse this fab.yaml, so the fabric config cannot be used: fix it or pass another with --fabric-config",
                refused.join("\n")
            );
        }
        let file = config_file::read(&bytes, declared.map_or(Release::NEWEST, |d| d.release)).map_err(
            |finding| {
                anyhow::anyhow!(
                    "{}: the fabric config cannot be used; fix it or pass another with --fabric-config",
                    finding.display(display)
                )
            },
        )?;
        let release = ChosenRelease::resolve(declared, file.pin.as_ref()).map_err(|conflict| {
            let (line, col) = (conflict.pin.line, conflict.pin.col);
            anyhow::anyhow!("{display}:{line}:{col}: {}", conflict.message())
        })?;
        Ok(LoadedConfig {
            config: file.config,
            source: ConfigSource {
                file: Some(display.to_owned()),
                form: Some(file.form),
                release,
            },
        })
    }

    /// The config for the fabric folder `dir` (shown as `display`) of the repository at
    /// `root`: the one the user gave if they did, else `dir/fab.yaml` if there is one, else
    /// the defaults; each with its release (see [`LoadedConfig::read`]). A fab.yaml that is a symbolic link is followed to a file inside `root`
    /// (fabrics of a monorepo share one); one that leads elsewhere or nowhere stops the
    /// run, as checking against a config the repository does not hold, or none, would give
    /// verdicts the user cannot trust.
    pub fn for_fabric(dir: &Path, display: &str, given: &Given, root: &Path) -> Result<Self> {
        if let Some(config) = given.for_folder(dir) {
            return Ok(config.clone());
        }
        let display = if display.is_empty() {
            FAB_YAML.to_owned()
        } else {
            format!("{}/{FAB_YAML}", display.trim_end_matches('/'))
        };
        match fab_yaml_in(dir, &display, root)? {
            Some(path) => Self::read(&path, &display, given.release),
            None => Ok(Self::defaults(given.release)),
        }
    }

    /// The rules' view of this config.
    pub fn context(&self) -> Context<'_> {
        Context {
            config: Some(&self.config),
            config_given: self.source.file.is_some(),
            release: self.source.release.release,
        }
    }
}

/// The file to read for the fab.yaml of fabric folder `dir` (shown as `display`) of the
/// repository at `root`: the file itself, or the file a symbolic link leads to when it is
/// inside `root`; `None` when there is none (or a folder has the name).
fn fab_yaml_in(dir: &Path, display: &str, root: &Path) -> Result<Option<PathBuf>> {
    let path = dir.join(FAB_YAML);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read the fabric config {display}"));
        }
    };
    if !meta.file_type().is_symlink() {
        return Ok(meta.is_file().then_some(path));
    }
    let link = std::fs::read_link(&path)
        .with_context(|| format!("cannot read the symbolic link {display}"))?;
    let target = match std::fs::canonicalize(&path) {
        Ok(target) => target,
        Err(e) if e.kind() == ErrorKind::NotFound => bail!(
            "{display} links to {}, which does not exist: point the link at the fabric's fab.yaml, or remove it to check against fabricator's defaults",
            link.display()
        ),
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot follow {display}, a symbolic link to {}",
                    link.display()
                )
            });
        }
    };
    let root = std::fs::canonicalize(root)
        .with_context(|| format!("cannot read the repository folder {}", root.display()))?;
    if !target.starts_with(&root) {
        bail!(
            "{display} links to {}, outside the repository ({}): hh-gitops reads a fabric's config only from the repository it checks, so that every run of every clone checks against the same file; copy the file into the repository and link to that, or give it with --fabric-config",
            target.display(),
            root.display()
        );
    }
    if !target.is_file() {
        bail!(
            "{display} links to {}, which is not a file: point the link at the fabric's fab.yaml",
            target.display()
        );
    }
    Ok(Some(target))
}

/// The repository a fabric folder `dir` belongs to, for following a symlinked fab.yaml:
/// the top of its git work tree `git`, else `pointed` (the folder the run was pointed at)
/// when it holds `dir`, else `dir` itself.
pub fn repository_root(git: Option<&GitRepo>, dir: &Path, pointed: &Path) -> PathBuf {
    if let Some(git) = git {
        return git.top().to_path_buf();
    }
    match (std::fs::canonicalize(dir), std::fs::canonicalize(pointed)) {
        (Ok(dir), Ok(pointed)) if dir.starts_with(&pointed) => pointed,
        _ => dir.to_path_buf(),
    }
}

/// The config `check` reads for a path: the one the user gave (for every fabric, or for
/// the fabric folder holding `path`), else the `fab.yaml` of the nearest fabric
/// folder (a folder with a raw/ folder and a fab.yaml, or a link of that name) that holds
/// `path`, else the defaults.
pub fn for_checked_path(path: &Path, given: &Given) -> Result<LoadedConfig> {
    if let Some(config) = &given.config {
        return Ok(config.clone());
    }
    let start = if path.is_dir() {
        Some(path)
    } else {
        path.parent()
    };
    for dir in start.into_iter().flat_map(Path::ancestors) {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Some(config) = given.for_folder(dir) {
            return Ok(config.clone());
        }
        let fab_yaml = std::fs::symlink_metadata(dir.join(FAB_YAML));
        if dir.join("raw").is_dir() && fab_yaml.is_ok_and(|meta| !meta.is_dir()) {
            let root = repository_root(GitRepo::open(dir).ok().as_ref(), dir, path);
            return LoadedConfig::for_fabric(dir, &dir.display().to_string(), given, &root);
        }
    }
    Ok(LoadedConfig::defaults(given.release))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::config_file::DeclaredBy;

    #[test]
    fn the_chosen_release_is_the_one_the_rules_run_by() {
        let dir = tempfile::tempdir().unwrap();
        let fab_yaml = dir.path().join(FAB_YAML);
        std::fs::write(
            &fab_yaml,
            "kind: Fabricator\nspec:\n  overrides:\n    versions:\n      fabric:\n        api: v0.115.4\n",
        )
        .unwrap();
        let pinned = LoadedConfig::read(&fab_yaml, "fab.yaml", None).unwrap();
        assert_eq!(pinned.context().release, Release::V26_01);
        let declared = LoadedConfig::defaults(Some(Declared {
            release: Release::V26_02,
            by: DeclaredBy::Flag,
        }));
        assert_eq!(declared.context().release, Release::V26_02);
        assert_eq!(
            LoadedConfig::defaults(None).context().release,
            Release::NEWEST
        );
        // The fabric's own fab.yaml, pin and all, is read when no config is given.
        let given = Given::default();
        let found = LoadedConfig::for_fabric(dir.path(), "", &given, dir.path()).unwrap();
        assert_eq!(found.context().release, Release::V26_01);
    }
}
