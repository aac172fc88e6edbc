//! The reading half of `free` and `refs`: builds each fabric's state from what `list`
//! reads, its `managed/` resource files (those the answer needs, see [`Reading`]), and from
//! its `cluster/` files (the fabric's own objects Git does not apply: the `default`
//! namespaces whose ranges `free` subtracts from), with the fabric's own config (its `fab.yaml`, else fabricator's defaults) for the release and the
//! built-in SwitchProfiles. raw/ is not read: these commands answer what the fabric holds
//! once `sync` has moved the raw files.

use std::path::Path;

use anyhow::Result;

use super::fabric_config::{Given, LoadedConfig};
use super::list::{ManagedTexts, managed_texts, resolve_kind};
use crate::kind::Kind;
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
    /// The state: managed/ and cluster/ objects, defaulted, and the built-in SwitchProfiles.
    pub state: FabricState,
    /// Every resource of managed/ with its file (relative to the fabric folder), readable
    /// or not, in path order.
    pub resources: Vec<(String, Resource)>,
    /// The managed files that could not be read at all (a link, over the size limit, an
    /// I/O error), each with why.
    pub unreadable: Vec<(String, String)>,
}

/// The one name `Default()` fills references in with (the `default` namespaces,
/// VLANNamespace list and GatewayGroup): a file may refer to it without writing it.
const DEFAULTED_NAME: &str = "default";

/// Which managed files an answer needs: reading and modelling only those keeps an answer
/// on a fabric of tens of thousands of objects well under a second.
#[derive(Debug, Clone, Copy)]
pub enum Reading<'a> {
    /// The files of these kinds' folders (`managed/vpcs/`…).
    Kinds(&'a [Kind]),
    /// The files whose text holds this name (a reference to an object names it, unless
    /// `Default()` fills it in: for `default`, every file), and those that cannot be read.
    Mentioning(&'a str),
}

/// The fabrics under `repo` matching `globs`, each loaded from the managed files `reading`
/// names, and the globs that matched none.
pub fn load_fabrics(
    registry: &Registry,
    repo: &Path,
    globs: &[String],
    reading: Reading,
    max_size: u64,
) -> Result<(Vec<LoadedFabric>, Vec<String>)> {
    let folders: Vec<String> = match reading {
        Reading::Kinds(kinds) => kinds
            .iter()
            .map(|kind| {
                resolve_kind(registry, kind.as_str(), "KIND")
                    .map(|(_, plural)| format!("managed/{plural}/"))
            })
            .collect::<Result<_>>()?,
        Reading::Mentioning(_) => Vec::new(),
    };
    let wanted = |path: &str| {
        matches!(reading, Reading::Mentioning(_)) || folders.iter().any(|f| path.starts_with(f))
    };
    let (found, unmatched) = managed_texts(registry, repo, globs, &wanted, true, max_size)?;
    let mut fabrics = Vec::new();
    for ManagedTexts {
        dir,
        mut texts,
        mut cluster,
    } in found
    {
        if let Reading::Mentioning(name) = reading
            && name != DEFAULTED_NAME
        {
            let keep = |text: &ManagedText| match &text.bytes {
                Ok(bytes) => mentions(bytes, name.as_bytes()),
                Err(_) => true,
            };
            texts.retain(keep);
            cluster.retain(keep);
        }
        let config = LoadedConfig::for_fabric(&repo.join(&dir), &dir, &Given::default(), repo)?;
        fabrics.push(load(registry, dir, texts, cluster, &config.context()));
    }
    Ok((fabrics, unmatched))
}

/// Whether `text` holds `name`.
fn mentions(text: &[u8], name: &[u8]) -> bool {
    !name.is_empty() && text.windows(name.len()).any(|window| window == name)
}

/// The kind `refs` names (`vpc`, `VPCs`) as the registry spells it.
pub fn kind_named(registry: &Registry, wanted: &str) -> Result<Kind> {
    resolve_kind(registry, wanted, "KIND").map(|(kind, _)| kind.clone())
}

/// Builds the state of the fabric `dir` from its managed files `texts` and its cluster/
/// files `cluster` (an export, a `kind: List` of them: read as the checks read them). An
/// object in both is the managed one, as the applier applies it over the fabric's own.
fn load(
    registry: &Registry,
    dir: String,
    texts: Vec<ManagedText>,
    cluster: Vec<ManagedText>,
    ctx: &Context,
) -> LoadedFabric {
    let cluster_from = texts.len();
    let texts: Vec<ManagedText> = texts.into_iter().chain(cluster).collect();
    let held = parallel::map(
        &texts.iter().enumerate().collect::<Vec<_>>(),
        |(index, text)| match &text.bytes {
            Ok(bytes) if *index >= cluster_from => {
                Ok(validate::exported_resources(registry, ctx, bytes))
            }
            Ok(bytes) => Ok(validate::held_resources(registry, ctx, &text.path, bytes)),
            Err(why) => Err(why.clone()),
        },
    );
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
        if resource.object.is_none() && resource.kind.has_rules() {
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

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn a_file_mentions_a_name_anywhere_in_its_text() {
        assert!(mentions(b"spec:\n  subnet: vpc-1/default\n", b"vpc-1"));
        assert!(!mentions(b"spec:\n  subnet: vpc-2/default\n", b"vpc-1"));
        assert!(!mentions(b"anything", b""));
    }
}
