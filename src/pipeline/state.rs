//! The reading half of `free` and `refs`: builds each fabric's state from what `list`
//! reads, its `managed/` resource files, with the fabric's own config (its `fab.yaml`, else
//! fabricator's defaults) for the release and the built-in SwitchProfiles. raw/ is not
//! read: these commands answer what the fabric holds once `sync` has moved the raw files.

use std::path::Path;

use anyhow::Result;

use super::fabric_config::{Given, LoadedConfig};
use super::list::{ManagedTexts, managed_texts, resolve_kind};
use crate::list::ManagedText;
use crate::parallel;
use crate::rules::state::{FabricState, Member, Origin, References};
use crate::rules::{Context, Release};
use crate::schema::Registry;
use crate::validate::{self, Resource};

/// One fabric's state and the resources it was built from.
pub struct LoadedFabric {
    /// The fabric folder relative to the repository.
    pub dir: String,
    /// The Hedgehog release its rules (and built-in profiles) are those of.
    pub release: Release,
    /// The state: managed/ objects, defaulted, and the built-in SwitchProfiles.
    pub state: FabricState,
    /// Every resource of managed/ with its file (relative to the fabric folder), readable
    /// or not, in path order.
    pub resources: Vec<(String, Resource)>,
    /// The managed files that could not be read at all (a link, over the size limit, an
    /// I/O error), each with why.
    pub unreadable: Vec<(String, String)>,
}

/// The fabrics under `repo` matching `globs`, each loaded, and the globs that matched none.
pub fn load_fabrics(
    registry: &Registry,
    repo: &Path,
    globs: &[String],
    max_size: u64,
) -> Result<(Vec<LoadedFabric>, Vec<String>)> {
    let (found, unmatched) = managed_texts(registry, repo, globs, None, max_size)?;
    let mut fabrics = Vec::new();
    for ManagedTexts { dir, texts } in found {
        let config = LoadedConfig::for_fabric(&repo.join(&dir), &dir, &Given::default(), repo)?;
        fabrics.push(load(registry, dir, texts, &config.context()));
    }
    Ok((fabrics, unmatched))
}

/// The kind `refs` names (`vpc`, `VPCs`) as the registry spells it.
pub fn kind_named(registry: &Registry, wanted: &str) -> Result<String> {
    resolve_kind(registry, wanted, "KIND").map(|(kind, _)| kind.to_owned())
}

/// Builds the state of the fabric `dir` from its managed files `texts`.
fn load(registry: &Registry, dir: String, texts: Vec<ManagedText>, ctx: &Context) -> LoadedFabric {
    let held = parallel::map(&texts, |text| match &text.bytes {
        Ok(bytes) => Ok(validate::held_resources(registry, ctx, &text.path, bytes)),
        Err(why) => Err(why.clone()),
    });
    let mut resources = Vec::new();
    let mut unreadable = Vec::new();
    for (text, held) in texts.into_iter().zip(held) {
        match held {
            Ok(held) => resources.extend(held.into_iter().map(|r| (text.path.clone(), r))),
            Err(why) => unreadable.push((text.path, why)),
        }
    }
    let origin = |path: &str, resource: &Resource| Origin {
        path: path.to_owned(),
        line: resource.line,
    };
    // The first of a kind and name wins, as the cross-object checks hold managed/.
    let members = resources
        .iter()
        .rev()
        .filter_map(|(path, resource)| {
            Some(Member {
                object: resource.object.clone()?,
                origin: origin(path, resource),
                previous: None,
            })
        })
        .collect::<Vec<_>>();
    let mut state = FabricState::build_at(ctx.release, members, [], ctx.config, References::Warn);
    for (path, resource) in &resources {
        if resource.object.is_none() && FabricState::has_kind(&resource.kind) {
            state.hold_unreadable(&resource.kind, &resource.name, origin(path, resource));
        }
    }
    LoadedFabric {
        dir,
        release: ctx.release,
        state,
        resources,
        unreadable,
    }
}
