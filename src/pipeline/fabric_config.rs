//! Which fabric config each check reads, and reading it: `--fabric-config` when given, else
//! the fabric's own `fab.yaml` (beside its raw/ folder) when there is one, else
//! fabricator's defaults. Reading is the shell's job; `rules::config_file` turns the bytes
//! into the config. A config file that cannot be read is an error for the whole run, naming
//! the file, line and column: checking against a config the user did not mean would give
//! verdicts they cannot trust.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::limits::DEFAULT_MAX_FILE_SIZE;
use crate::rules::Context;
use crate::rules::config::FabricConfig;
use crate::rules::config_file::{self, ConfigSource};
use crate::source::{self, Read};

/// The name of a fabric's own config file, next to its raw/ folder.
pub const FAB_YAML: &str = "fab.yaml";

/// A fabric config and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The config the rules read.
    pub config: FabricConfig,
    /// Where it came from, for the reports.
    pub source: ConfigSource,
}

impl LoadedConfig {
    /// Fabricator's defaults: no file given or found.
    pub fn defaults() -> Self {
        LoadedConfig {
            config: FabricConfig::fabricator_defaults(),
            source: ConfigSource::default(),
        }
    }

    /// Reads the config file at `path`, shown as `display` in messages and reports.
    pub fn read(path: &Path, display: &str) -> Result<Self> {
        let bytes = match source::read_limited(path, DEFAULT_MAX_FILE_SIZE)
            .with_context(|| format!("cannot read the fabric config {display}"))?
        {
            Read::Bytes(bytes) => bytes,
            Read::TooLarge(size) => {
                bail!("the fabric config {display} is {size} bytes: that is not a fab.yaml")
            }
        };
        let (config, form) = config_file::read(&bytes).map_err(|finding| {
            anyhow::anyhow!(
                "{}: the fabric config cannot be used; fix it or pass another with --fabric-config",
                finding.display(display)
            )
        })?;
        Ok(LoadedConfig {
            config,
            source: ConfigSource {
                file: Some(display.to_owned()),
                form: Some(form),
            },
        })
    }

    /// The config for the fabric folder `dir` (shown as `display`): `given` if the user gave
    /// one, else `dir/fab.yaml` if it is a regular file, else the defaults.
    pub fn for_fabric(dir: &Path, display: &str, given: Option<&LoadedConfig>) -> Result<Self> {
        if let Some(given) = given {
            return Ok(given.clone());
        }
        let path = dir.join(FAB_YAML);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {
                let display = if display.is_empty() {
                    FAB_YAML.to_owned()
                } else {
                    format!("{}/{FAB_YAML}", display.trim_end_matches('/'))
                };
                Self::read(&path, &display)
            }
            _ => Ok(Self::defaults()),
        }
    }

    /// The rules' view of this config.
    pub fn context(&self) -> Context<'_> {
        Context {
            config: Some(&self.config),
            config_given: self.source.file.is_some(),
        }
    }
}

/// The config `check` reads for a path: `given`, else the `fab.yaml` of the nearest fabric
/// folder (a folder with a raw/ folder and a fab.yaml) that holds `path`, else the defaults.
pub fn for_checked_path(path: &Path, given: Option<&LoadedConfig>) -> Result<LoadedConfig> {
    if let Some(given) = given {
        return Ok(given.clone());
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
        if dir.join("raw").is_dir() && dir.join(FAB_YAML).is_file() {
            return LoadedConfig::for_fabric(dir, &dir.display().to_string(), None);
        }
    }
    Ok(LoadedConfig::defaults())
}
