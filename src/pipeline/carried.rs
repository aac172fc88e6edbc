//! What the earlier plans of a run committed. When the branch moves between two parts of a
//! split move, the parts that landed stay, and the run plans the rest again from the new
//! head; the report still shows every move and commit of the run, also when it fails.

use crate::backend::Commits;
use crate::plan::{FileChanges, MovedFile, Plan};
use crate::report::CommitOutcome;

/// The commits of earlier plans and the moves they carried.
#[derive(Default)]
pub(super) struct Carried {
    /// Commits made so far, oldest first, and why the move was split, if it was.
    commits: Commits,
    /// The moves those commits carried, each with its fabric folder.
    moved: Vec<(String, MovedFile)>,
}

impl Carried {
    /// Records `landed`, the commits that carried `units` of `plan`.
    pub(super) fn add(&mut self, plan: &Plan, units: &[FileChanges], landed: Commits) {
        let deleted: std::collections::BTreeSet<&str> = units
            .iter()
            .flat_map(|unit| unit.deletes.iter().map(String::as_str))
            .collect();
        for fabric in &plan.fabrics {
            for moved in &fabric.moved {
                if deleted.contains(format!("{}/{}", fabric.dir, moved.raw).as_str()) {
                    self.moved.push((fabric.dir.clone(), moved.clone()));
                }
            }
        }
        self.commits.append(landed);
    }

    /// `plan` with the moves committed by earlier plans, for the report.
    pub(super) fn shown(&self, plan: &Plan) -> Plan {
        let mut shown = plan.clone();
        for (dir, moved) in &self.moved {
            if let Some(fabric) = shown.fabrics.iter_mut().find(|f| &f.dir == dir) {
                fabric.moved.push(moved.clone());
            }
        }
        for fabric in &mut shown.fabrics {
            fabric.moved.sort_by(|a, b| a.raw.cmp(&b.raw));
        }
        shown
    }

    /// `plan` with only the moves that landed, of earlier plans and this one, for the
    /// report of a run whose commit failed: its counts and `processed-files` say what is
    /// on the branch, and the files that did not move are still in raw/.
    pub(super) fn landed_only(&self, plan: &Plan) -> Plan {
        let mut landed = plan.clone();
        for fabric in &mut landed.fabrics {
            fabric.moved.clear();
        }
        self.shown(&landed)
    }

    /// Every commit of the run: the earlier ones, then `later`'s.
    pub(super) fn commits(
        &self,
        later: Commits,
        api_requests: Option<usize>,
        plans: u32,
    ) -> Option<CommitOutcome> {
        let mut commits = self.commits.clone();
        commits.append(later);
        CommitOutcome::of(commits, api_requests, plans)
    }

    /// Whether an earlier plan committed anything.
    pub(super) fn is_empty(&self) -> bool {
        self.commits.shas.is_empty()
    }
}
