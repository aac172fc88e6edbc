//! References to objects that are nowhere in the repository, gathered per object for the
//! whole fabric: a repository without the `default` namespaces would otherwise warn once
//! for every VPC and switch, thousands of times, about the same two objects.

use std::collections::BTreeMap;

use super::Unplaced;
use crate::kind::Kind;
use crate::plan::{MissingObjects, MissingReference, Referrer, missing_by_kind};
use crate::rules::Missing;

/// The references gathered so far, by kind and name.
#[derive(Debug, Default)]
pub struct MissingReferences {
    by_object: BTreeMap<(Kind, String), MissingReference>,
}

impl MissingReferences {
    /// Counts the reference to `missing` that `unplaced` (in the file `path`) reports; only
    /// the first reference from each file is placed at its line.
    pub(super) fn add(&mut self, path: &str, missing: Missing, unplaced: Unplaced) {
        let entry = self
            .by_object
            .entry((missing.kind.clone(), missing.name.clone()))
            .or_insert_with(|| MissingReference {
                kind: missing.kind,
                name: missing.name,
                references: 0,
                referred_from: Vec::new(),
                skipped: Vec::new(),
            });
        entry.references += 1;
        // A file's references come together, so the last referrer answers at once for all
        // but its first; the scan runs once per file and object.
        let known = entry
            .referred_from
            .last()
            .is_some_and(|from| from.path == path)
            || entry.referred_from.iter().any(|from| from.path == path);
        if !known {
            let finding = unplaced.place();
            entry.referred_from.push(Referrer {
                path: path.to_owned(),
                line: finding.line,
                col: finding.col,
            });
        }
        if !entry.skipped.contains(&missing.needed_for) {
            entry.skipped.push(missing.needed_for);
        }
    }

    /// Every object referred to but missing, by kind and name, grouped by kind, for the
    /// fabric shown as `fabric`.
    pub fn into_list(self, fabric: &str) -> Vec<MissingObjects> {
        missing_by_kind(fabric, self.by_object.into_values().collect())
    }
}
