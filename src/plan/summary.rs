//! What a plan amounts to, for people: counts per fabric and kind, and the commit message.

use std::collections::BTreeMap;

use super::{FabricPlan, Plan, Status, Totals};
use crate::kind::Kind;

impl FabricPlan {
    /// Counts for this fabric.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals {
            moved_files: self.moved.len(),
            rejected_files: self.rejected.len(),
            ignored_files: self.ignored.len(),
            ..Totals::default()
        };
        for finding in self.rejected.iter().flat_map(|r| &r.findings) {
            if finding.is_error() {
                totals.errors += 1;
            } else {
                totals.warnings += 1;
            }
        }
        totals.warnings += self.missing.len();
        for managed in &self.managed_findings {
            if managed.finding.is_error() {
                totals.managed_errors += 1;
                totals.errors += 1;
            } else {
                totals.warnings += 1;
            }
        }
        for resource in self.moved.iter().flat_map(|m| &m.resources) {
            totals.warnings += resource.resource.warnings.len();
            totals.resources += 1;
            match resource.status {
                Status::Created => totals.created += 1,
                Status::Updated => totals.updated += 1,
                Status::Unchanged => totals.unchanged += 1,
            }
        }
        totals
    }

    /// Resource counts per kind among moved files, most frequent first.
    pub fn kinds(&self) -> Vec<(Kind, usize)> {
        let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
        for resource in self.moved.iter().flat_map(|m| &m.resources) {
            *counts.entry(resource.resource.kind.clone()).or_default() += 1;
        }
        let mut kinds: Vec<_> = counts.into_iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kinds
    }
}

impl Plan {
    /// Counts over every fabric.
    pub fn totals(&self) -> Totals {
        self.fabrics
            .iter()
            .map(FabricPlan::totals)
            .fold(Totals::default(), |a, b| Totals {
                moved_files: a.moved_files + b.moved_files,
                rejected_files: a.rejected_files + b.rejected_files,
                ignored_files: a.ignored_files + b.ignored_files,
                resources: a.resources + b.resources,
                created: a.created + b.created,
                updated: a.updated + b.updated,
                unchanged: a.unchanged + b.unchanged,
                errors: a.errors + b.errors,
                warnings: a.warnings + b.warnings,
                managed_errors: a.managed_errors + b.managed_errors,
            })
    }

    /// The commit message: a title, then per fabric what moved.
    pub fn commit_message(&self, title: Option<&str>) -> String {
        let totals = self.totals();
        let mut message = match title {
            Some(title) => title.trim().to_owned(),
            None => format!(
                "hh-gitops: move {} raw {} to managed ({} {})",
                totals.moved_files,
                plural(totals.moved_files, "file", "files"),
                totals.resources,
                plural(totals.resources, "resource", "resources"),
            ),
        };
        message.push('\n');
        for fabric in self.fabrics.iter().filter(|f| !f.moved.is_empty()) {
            let t = fabric.totals();
            let kinds: Vec<String> = fabric
                .kinds()
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            message.push_str(&format!(
                "\n{}: {} {} -> {} {} ({}); {} created, {} updated, {} unchanged",
                fabric.dir,
                t.moved_files,
                plural(t.moved_files, "file", "files"),
                t.resources,
                plural(t.resources, "resource", "resources"),
                kinds.join(", "),
                t.created,
                t.updated,
                t.unchanged,
            ));
            for moved in &fabric.moved {
                message.push_str(&format!(
                    "\n  {} -> {} {}",
                    moved.raw,
                    moved.resources.len(),
                    plural(moved.resources.len(), "resource", "resources")
                ));
            }
        }
        if totals.rejected_files > 0 {
            message.push_str(&format!(
                "\n\n{} raw {} rejected and left in place.",
                totals.rejected_files,
                plural(totals.rejected_files, "file", "files")
            ));
        }
        message.push('\n');
        message
    }
}

impl super::MovedFile {
    /// Every warning about this file's resources, in document order.
    pub fn warnings(&self) -> impl Iterator<Item = &crate::finding::Finding> {
        self.resources.iter().flat_map(|r| &r.resource.warnings)
    }
}

/// `one` or `many` by count.
pub fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}
