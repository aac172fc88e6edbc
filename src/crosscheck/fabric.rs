//! The fabric before and after a change, and the change as steps the fabric admits one at a
//! time.
//!
//! - The **base** is what the fabric holds before the change: every object of `managed/` at
//!   the base, whatever its own findings (see `validate::held_resources`), the managed files
//!   the change edits or deletes read at the base; and the objects of `cluster/`, which the
//!   fabric holds without Git applying them (an object managed/ also holds is managed/'s:
//!   the applier applies it over the fabric's own).
//! - **managed/ after** is the base with the change's hand edits of `managed/` applied: the
//!   state that raw files are laid over. `cluster/` is the same on both sides: it is what
//!   the fabric holds, which no change applies. An edited object keeps its base version as the
//!   `previous` its update checks compare with.
//! - The change's **steps** are its creates, updates and deletes of managed/ objects; the
//!   raw documents that move add theirs (see `crosscheck`).

use std::collections::{BTreeMap, BTreeSet};

use super::Scope;
use crate::kind::Kind;
use crate::plan::FabricInput;
use crate::rules::state::{FabricState, Member, Origin};
use crate::validate::Resource;

/// The key of an object: its kind and name.
pub(super) type Key = (Kind, String);

/// What a step does to its object.
#[derive(Debug, Clone)]
pub(super) enum Action {
    /// Creates it, or updates it to this version (its `previous` is the version it updates).
    Put(Member),
    /// Deletes it.
    Delete,
}

/// One object's transition in a change.
#[derive(Debug, Clone)]
pub(super) struct Step {
    /// The object's kind and name.
    pub key: Key,
    /// What happens to it.
    pub action: Action,
    /// Where the change writes it: the new version's document, or the deleted document at
    /// the base.
    pub origin: Origin,
    /// Whether the step breaks a rule in the final state already: that is reported as it
    /// is, so the search for an order admits the step whenever it comes.
    pub reported: bool,
}

impl Step {
    /// `created`, `updated` or `deleted`.
    pub fn verb(&self) -> &'static str {
        match &self.action {
            Action::Put(member) if member.previous.is_some() => "updated",
            Action::Put(_) => "created",
            Action::Delete => "deleted",
        }
    }
}

/// One side of the change: the readable objects and the unreadable ones.
#[derive(Debug, Clone, Default)]
pub(super) struct Objects {
    pub members: BTreeMap<Key, Member>,
    pub unreadable: BTreeMap<Key, Origin>,
}

impl Objects {
    /// Adds what `resources` (of the file `path`) hold; the first of a kind and name wins.
    fn hold(&mut self, path: &str, resources: &[Resource]) {
        for resource in resources {
            let key = (resource.kind.clone(), resource.name.clone());
            if self.members.contains_key(&key) || self.unreadable.contains_key(&key) {
                continue;
            }
            let origin = Origin {
                path: path.to_owned(),
                line: resource.line,
            };
            match &resource.object {
                Some(object) => {
                    let member = Member {
                        object: object.clone(),
                        origin,
                        previous: None,
                    };
                    self.members.insert(key, member);
                }
                None if resource.kind.has_rules() => {
                    self.unreadable.insert(key, origin);
                }
                None => {}
            }
        }
    }

    /// Whether the kind and name is held, readable or not.
    pub fn holds(&self, key: &Key) -> bool {
        self.members.contains_key(key) || self.unreadable.contains_key(key)
    }

    /// Records the unreadable objects in `state`.
    pub fn hold_unreadable_in(&self, state: &mut FabricState) {
        for ((kind, name), origin) in &self.unreadable {
            state.hold_unreadable(kind, name, origin.clone());
        }
    }
}

/// The fabric before the change and managed/ after its hand edits, with the edits as steps.
pub(super) struct Fabric {
    /// What the fabric holds before the change.
    pub base: Objects,
    /// managed/ after the change's edits; an edited object's `previous` is its base version.
    pub managed: Objects,
    /// The creates, updates and deletes of managed/ objects the change makes by hand.
    pub managed_steps: Vec<Step>,
}

impl Fabric {
    /// Reads the fabric of `input`, whose change `scope` describes.
    pub fn of(input: &FabricInput, scope: &Scope) -> Self {
        let edited: BTreeSet<&str> = input.edited.iter().map(|e| e.path.as_str()).collect();
        let mut base = Objects::default();
        let mut managed = Objects::default();
        // Managed files the change adds: what they hold is new.
        let mut added: BTreeSet<&str> = BTreeSet::new();
        for file in &input.managed {
            managed.hold(&file.path, file.held());
            let path = file.path.as_str();
            if scope.touches(path) && !edited.contains(path) {
                added.insert(path);
            } else if !edited.contains(path) {
                base.hold(path, file.held());
            }
        }
        for file in &input.edited {
            base.hold(&file.path, &file.base);
        }
        for file in &input.deleted {
            base.hold(&file.path, &file.base);
        }
        for file in &input.cluster {
            managed.hold(&file.path, &file.held);
            base.hold(&file.path, &file.held);
        }
        let mut managed_steps = Vec::new();
        // The objects of the files the change edits or adds: created or updated.
        for file in input.managed.iter() {
            let path = file.path.as_str();
            if !(edited.contains(path) || added.contains(path)) {
                continue;
            }
            for resource in file.held() {
                let key = (resource.kind.clone(), resource.name.clone());
                let Some(member) = managed.members.get_mut(&key) else {
                    continue;
                };
                if member.origin.path != path {
                    continue; // held from another file, which wins
                }
                let before = base.members.get(&key);
                if before.is_some_and(|old| same_text(input, &old.origin, resource)) {
                    continue;
                }
                member.previous = before.map(|old| old.object.clone());
                managed_steps.push(Step {
                    key,
                    action: Action::Put(member.clone()),
                    origin: member.origin.clone(),
                    reported: false,
                });
            }
        }
        // The base objects managed/ no longer holds: deleted.
        for (key, member) in &base.members {
            if !managed.holds(key) {
                managed_steps.push(Step {
                    key: key.clone(),
                    action: Action::Delete,
                    origin: member.origin.clone(),
                    reported: false,
                });
            }
        }
        for (key, origin) in &base.unreadable {
            if !managed.holds(key) {
                managed_steps.push(Step {
                    key: key.clone(),
                    action: Action::Delete,
                    origin: origin.clone(),
                    reported: false,
                });
            }
        }
        Fabric {
            base,
            managed,
            managed_steps,
        }
    }
}

/// Whether `resource`, now written in an edited or added file, has the same text as its
/// base version written at `at` (an edit elsewhere in its file leaves it unchanged).
fn same_text(input: &FabricInput, at: &Origin, resource: &Resource) -> bool {
    let edited = input.edited.iter().map(|f| (&f.path, f.base.as_slice()));
    let deleted = input.deleted.iter().map(|f| (&f.path, f.base.as_slice()));
    let unchanged = input
        .managed
        .iter()
        .filter(|f| !input.edited.iter().any(|e| e.path == f.path))
        .map(|f| (&f.path, f.held()));
    edited
        .chain(deleted)
        .chain(unchanged)
        .filter(|(path, _)| **path == at.path)
        .flat_map(|(_, held)| held)
        .any(|old| old.line == at.line && old.text == resource.text)
}
