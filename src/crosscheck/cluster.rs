//! The fabric's own objects, exported into `<fabric>/cluster/`: what the fabric holds that
//! Git does not apply (the `default` namespaces, wiring applied by hhfab).
//!
//! They are in the fabric state like managed/ objects (see `fabric`), so every check that
//! needs them runs; they never move and never reject a raw file. Their own problems are
//! reported as the fabric's, as warnings: the repository cannot change what the fabric
//! holds. An object that managed/ or raw/ holds too is managed/'s or raw/'s in the state, as
//! the applier applies it over the fabric's own; that is a warning on the file applied.

use std::collections::BTreeMap;

use super::Scope;
use super::fabric::Key;
use super::findings::cross_findings;
use super::missing::MissingReferences;
use crate::finding::{Finding, Severity};
use crate::plan::{FabricInput, ManagedFinding};
use crate::rules::Context;
use crate::rules::state::{FabricState, Origin};
use crate::validate::Resource;

/// Where each object of cluster/ is written (the first file holding it).
pub(super) struct ClusterObjects(BTreeMap<Key, Origin>);

impl ClusterObjects {
    /// The objects of `input`'s cluster/ files.
    pub fn of(input: &FabricInput) -> Self {
        let mut objects = BTreeMap::new();
        for file in &input.cluster {
            for resource in &file.held {
                let origin = Origin {
                    path: file.path.clone(),
                    line: resource.line,
                };
                objects
                    .entry((resource.kind.clone(), resource.name.clone()))
                    .or_insert(origin);
            }
        }
        ClusterObjects(objects)
    }

    /// The warnings of `resources` (of a raw or managed file, which an applier applies) that
    /// are objects cluster/ holds too, each with the cluster/ object's origin. `applied`
    /// says when the applier applies the file (`once this file moves`).
    pub fn applied_over<'r>(
        &'r self,
        resources: &'r [Resource],
        applied: &'r str,
    ) -> impl Iterator<Item = (Finding, Origin)> + 'r {
        resources.iter().filter_map(move |resource| {
            let key = (resource.kind.clone(), resource.name.clone());
            let exported = self.0.get(&key)?;
            let finding = Finding {
                severity: Severity::Warning,
                ..Finding::at(
                    resource.line,
                    1,
                    format!(
                        "{} `{}` is also exported in {exported} (cluster/ holds the fabric's own objects, never applied): {applied}, the applier applies this version over the fabric's own, and the checks use this one; to manage it with GitOps from now on, delete the export, else delete it here",
                        resource.kind, resource.name
                    ),
                )
            };
            Some((finding, exported.clone()))
        })
    }
}

/// The problems of `input`'s cluster/ files as `scope` reports them: their own findings
/// (export fields aside, see `pipeline::discover`) and those of their objects against the
/// fabric `state`, each a warning labelled as the fabric's. A check of the fabric shows
/// them all, a check of a change those of the cluster/ files it touches, a sync those that
/// would be errors elsewhere. Their references to objects nowhere in the repository join
/// `missing`.
pub(super) fn findings(
    input: &FabricInput,
    state: &FabricState,
    ctx: &Context,
    scope: &Scope,
    missing: &mut MissingReferences,
) -> Vec<ManagedFinding> {
    let mut out = Vec::new();
    for file in &input.cluster {
        let in_state = file.held.iter().filter(|resource| {
            state
                .origin_of(&resource.kind, &resource.name)
                .is_some_and(|origin| origin.path == file.path)
        });
        let cross = cross_findings(in_state, state, ctx);
        for (object, unplaced) in cross.missing {
            missing.add(&file.path, object, unplaced);
        }
        let shown = |finding: &Finding| match scope {
            Scope::Whole => true,
            Scope::Change(_) => scope.touches(&file.path),
            Scope::AlreadyThere => finding.is_error(),
        };
        out.extend(
            file.findings
                .iter()
                .cloned()
                .chain(cross.findings)
                .filter(shown)
                .map(|finding| ManagedFinding {
                    path: file.path.clone(),
                    finding: Finding {
                        message: format!(
                            "the fabric's own object, exported in cluster/: {}",
                            finding.message
                        ),
                        severity: Severity::Warning,
                        ..finding
                    },
                }),
        );
    }
    out
}
