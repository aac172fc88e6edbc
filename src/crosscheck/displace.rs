//! What moving a raw file takes out of managed/ besides the files it writes.
//!
//! A move writes each resource to `managed/<plural>/<name>.yaml`, whole. So:
//! - a managed copy of one of its objects at another path (a misplaced file) must go, or
//!   the fabric would hold two definitions: the move removes that file, and the document is
//!   an update of the copy;
//! - the other objects of a managed file it replaces or removes leave managed/: they are
//!   deletions, checked as deletions (nothing may still refer to them) and reported.

use std::collections::{BTreeMap, BTreeSet};

use super::fabric::{Fabric, Key};
use crate::plan::{Displaces, FabricInput, Leaving, MisplacedCopy};
use crate::rules::refs::references;
use crate::rules::state::FabricState;
use crate::validate::Resource;

/// Whether the managed file `path` (as the fabric's files are shown) is the fabric path
/// `expected` (`managed/vpcs/vpc-1.yaml`): `check` shows paths under the folder the user
/// named.
pub(super) fn is_path(path: &str, expected: &str) -> bool {
    path == expected
        || path
            .strip_suffix(expected)
            .is_some_and(|prefix| prefix.ends_with('/'))
}

/// What moving the raw file holding `resources` takes out of managed/.
pub(super) fn displaces(input: &FabricInput, fabric: &Fabric, resources: &[Resource]) -> Displaces {
    let own: BTreeSet<Key> = resources
        .iter()
        .map(|r| (r.kind.clone(), r.name.clone()))
        .collect();
    let mut displaces = Displaces::default();
    // The managed files the move replaces or removes, each with the raw line that does it.
    let mut gone: BTreeMap<&str, u32> = BTreeMap::new();
    for resource in resources {
        let target = resource.managed_path();
        let key = (resource.kind.clone(), resource.name.clone());
        if let Some(holder) = holder(fabric, &key)
            && !is_path(holder, &target)
            && let Some(copy) = held_in(input, holder).find(|held| same_key(held, &key))
        {
            displaces.misplaced.push(MisplacedCopy {
                line: resource.line,
                path: holder.to_owned(),
                text: copy.text.clone(),
            });
            gone.entry(holder).or_insert(resource.line);
        }
        if let Some(file) = input.managed.iter().find(|f| is_path(&f.path, &target)) {
            gone.entry(file.path.as_str()).or_insert(resource.line);
        }
    }
    for (&path, &line) in &gone {
        for held in held_in(input, path) {
            let key = (held.kind.clone(), held.name.clone());
            if own.contains(&key) || holder(fabric, &key) != Some(path) {
                continue;
            }
            displaces.leaving.push(Leaving {
                kind: held.kind.clone(),
                name: held.name.clone(),
                path: path.to_owned(),
                line: held.line,
                because_of_line: line,
            });
        }
    }
    displaces
}

/// The managed file that holds the object `key` in managed/ after the change's edits.
fn holder<'f>(fabric: &'f Fabric, key: &Key) -> Option<&'f str> {
    fabric
        .managed
        .members
        .get(key)
        .map(|member| member.origin.path.as_str())
        .or_else(|| fabric.managed.unreadable.get(key).map(|o| o.path.as_str()))
}

/// What the managed file `path` holds.
fn held_in<'i>(input: &'i FabricInput, path: &str) -> impl Iterator<Item = &'i Resource> {
    let path = path.to_owned();
    input
        .managed
        .iter()
        .filter(move |file| file.path == path)
        .flat_map(|file| file.held())
}

fn same_key(resource: &Resource, key: &Key) -> bool {
    resource.kind == key.0 && resource.name == key.1
}

/// Which objects refer to each object, among `members` (the objects the fabric may hold
/// after the move), with where each referrer is written.
pub(super) struct Referrers(BTreeMap<Key, Vec<(Key, crate::rules::state::Origin)>>);

impl Referrers {
    pub fn of<'m>(
        members: impl IntoIterator<Item = (Key, &'m crate::rules::state::Member)>,
    ) -> Self {
        let mut map: BTreeMap<Key, Vec<(Key, crate::rules::state::Origin)>> = BTreeMap::new();
        for (key, member) in members {
            for (kind, name) in references(&member.object) {
                map.entry((kind.to_owned(), name))
                    .or_default()
                    .push((key.clone(), member.origin.clone()));
            }
        }
        Referrers(map)
    }

    /// The objects of `state` that refer to `key`, as `kind `name` (file:line)`.
    pub fn live_in(&self, key: &Key, state: &FabricState) -> Vec<String> {
        self.0
            .get(key)
            .into_iter()
            .flatten()
            .filter(|((kind, name), origin)| state.origin_of(kind, name) == Some(origin))
            .map(|((kind, name), origin)| format!("{kind} `{name}` ({origin})"))
            .collect()
    }
}
