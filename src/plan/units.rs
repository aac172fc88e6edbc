//! The plan's change units: the smallest parts a move may be committed in, and their order.
//!
//! A unit is one raw file's whole move (its deletion with every managed file it becomes),
//! never cut. A move too big for one API commit lands in several commits, and the branch
//! must hold a consistent fabric after each of them, since an applier may read it at any
//! time and a later part may fail. So units come in an order where each follows every unit
//! it needs: those that write an object it refers to (a VPCAttachment after its VPC), and,
//! for a move that takes objects out of managed/, those that stop an object referring to
//! them. Raw files that need each other form one unit. Any prefix of the units is then
//! closed under references: cut anywhere, the commits before the cut leave no reference
//! dangling that the whole move does not leave.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use super::{FabricInput, FileChanges, GITKEEP, MovedFile, Plan, Status, Write};
use crate::kind::Kind;
use crate::rules::refs::references;

/// An object's identity in a fabric: its kind and name.
type Key = (Kind, String);

/// For each moved file, the raw paths of the other moved files of the fabric it needs
/// before or with it: those writing an object it refers to, and, when its move takes
/// objects out of managed/, those that update an object of managed/ referring to one of
/// them (the updated version stops referring, or the move would have been rejected).
pub(super) fn needs(input: &FabricInput, moved: &[MovedFile]) -> Vec<Vec<String>> {
    let mut writer: BTreeMap<Key, usize> = BTreeMap::new();
    for (i, file) in moved.iter().enumerate() {
        for planned in &file.resources {
            let resource = &planned.resource;
            writer.insert((resource.kind.clone(), resource.name.clone()), i);
        }
    }
    // Which objects of managed/ refer to each object, before the move.
    let mut referrers: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
    for resource in input.managed.iter().flat_map(|file| file.held()) {
        for (kind, name) in resource.object.iter().flat_map(references) {
            referrers
                .entry((kind.to_owned(), name))
                .or_default()
                .push((resource.kind.clone(), resource.name.clone()));
        }
    }
    moved
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let refers_to = file
                .resources
                .iter()
                .filter_map(|planned| planned.resource.object.as_ref())
                .flat_map(references)
                .map(|(kind, name)| (kind.to_owned(), name));
            let stops_referring = file
                .displaces
                .leaving
                .iter()
                .flat_map(|leaving| {
                    referrers
                        .get(&(leaving.kind.clone(), leaving.name.clone()))
                        .into_iter()
                        .flatten()
                        .cloned()
                })
                .collect::<Vec<Key>>();
            let needed: BTreeSet<usize> = refers_to
                .chain(stops_referring)
                .filter_map(|key| writer.get(&key).copied())
                .filter(|&j| j != i)
                .collect();
            needed.into_iter().map(|j| moved[j].raw.clone()).collect()
        })
        .collect()
}

/// Groups of the nodes `0..needs.len()` (node `i` needs the nodes `needs[i]`) in an order
/// where every group comes after the groups holding what its nodes need. Nodes that need
/// each other, directly or through others, share a group. Among groups free to go, the one
/// with the lowest node goes first, so without needs the order is the nodes' own.
pub(super) fn order(needs: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let group = strongly_connected(needs);
    let groups = group.iter().max().map_or(0, |g| g + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for (node, &g) in group.iter().enumerate() {
        members[g].push(node);
    }
    // Edges between groups: `needed -> needing`, each once.
    let mut needed_by: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); groups];
    let mut waiting: Vec<usize> = vec![0; groups];
    for (node, needed) in needs.iter().enumerate() {
        for &other in needed {
            let (from, to) = (group[other], group[node]);
            if from != to && needed_by[from].insert(to) {
                waiting[to] += 1;
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..groups)
        .filter(|&g| waiting[g] == 0)
        .map(|g| Reverse((members[g][0], g)))
        .collect();
    let mut ordered = Vec::with_capacity(groups);
    while let Some(Reverse((_, g))) = ready.pop() {
        for &next in &needed_by[g] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(Reverse((members[next][0], next)));
            }
        }
        ordered.push(std::mem::take(&mut members[g]));
    }
    ordered
}

/// The strongly connected component of each node (Kosaraju's two passes, without
/// recursion, so a long chain of needs cannot exhaust the stack).
fn strongly_connected(needs: &[Vec<usize>]) -> Vec<usize> {
    let n = needs.len();
    // First pass: nodes in the order their depth-first search finishes.
    let mut finished = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&other) = needs[node].get(next) {
                stack.push((node, next + 1));
                if !seen[other] {
                    seen[other] = true;
                    stack.push((other, 0));
                }
            } else {
                finished.push(node);
            }
        }
    }
    // Second pass, on the reversed edges, latest finished first.
    let mut reversed: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (node, needed) in needs.iter().enumerate() {
        for &other in needed {
            reversed[other].push(node);
        }
    }
    let mut group = vec![usize::MAX; n];
    let mut groups = 0;
    for &start in finished.iter().rev() {
        if group[start] != usize::MAX {
            continue;
        }
        group[start] = groups;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &other in &reversed[node] {
                if group[other] == usize::MAX {
                    group[other] = groups;
                    stack.push(other);
                }
            }
        }
        groups += 1;
    }
    group
}

impl Plan {
    /// The changes cut into the smallest parts that may be committed apart, in an order
    /// whose every prefix leaves managed/ consistent (see the module documentation): one
    /// per moved raw file (its deletion with every managed file it becomes), or per group
    /// of raw files that need each other, so that no commit ever holds half a move. A
    /// fabric's new raw/.gitkeep goes with its first unit, so raw/ never disappears between
    /// two parts.
    pub fn change_units(&self) -> Vec<FileChanges> {
        let mut units = Vec::new();
        for fabric in &self.fabrics {
            let index: BTreeMap<&str, usize> = fabric
                .moved
                .iter()
                .enumerate()
                .map(|(i, moved)| (moved.raw.as_str(), i))
                .collect();
            let needs: Vec<Vec<usize>> = fabric
                .moved
                .iter()
                .map(|moved| {
                    moved
                        .needs
                        .iter()
                        .filter_map(|raw| index.get(raw.as_str()).copied())
                        .collect()
                })
                .collect();
            for (n, group) in order(&needs).into_iter().enumerate() {
                let mut unit = FileChanges::default();
                for moved in group.into_iter().map(|i| &fabric.moved[i]) {
                    add_move(&mut unit, &fabric.dir, moved);
                }
                if n == 0 && fabric.adds_gitkeep {
                    unit.writes.push(Write {
                        path: format!("{}/{GITKEEP}", fabric.dir),
                        content: Vec::new(),
                    });
                }
                units.push(unit);
            }
        }
        units
    }
}

/// Adds one raw file's whole move to `unit`: its managed files that change, its deletion,
/// and the misplaced copies it removes.
fn add_move(unit: &mut FileChanges, dir: &str, moved: &MovedFile) {
    for planned in &moved.resources {
        if planned.status != Status::Unchanged {
            unit.writes.push(Write {
                path: format!("{dir}/{}", planned.path),
                content: planned.resource.text.clone().into_bytes(),
            });
        }
    }
    unit.deletes.push(format!("{dir}/{}", moved.raw));
    for removed in moved.removed_files() {
        unit.deletes.push(format!("{dir}/{removed}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_needs_the_order_is_the_nodes_own() {
        assert_eq!(order(&[vec![], vec![], vec![]]), [[0], [1], [2]]);
        assert_eq!(order(&[]), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn a_node_comes_after_what_it_needs() {
        // 0 needs 2 (an attachment before its VPC in path order), 1 needs nothing.
        assert_eq!(order(&[vec![2], vec![], vec![]]), [[1], [2], [0]]);
        // A chain: 0 needs 1 needs 2 needs 3.
        assert_eq!(
            order(&[vec![1], vec![2], vec![3], vec![]]),
            [[3], [2], [1], [0]]
        );
    }

    #[test]
    fn nodes_that_need_each_other_share_a_group() {
        // 0 and 2 need each other; 1 needs 2; 3 is free.
        assert_eq!(
            order(&[vec![2], vec![2], vec![0], vec![]]),
            vec![vec![0, 2], vec![1], vec![3]]
        );
        // A cycle through three nodes, and a node needing it.
        assert_eq!(
            order(&[vec![3], vec![0], vec![], vec![1]]),
            vec![vec![0, 1, 3], vec![2]]
        );
    }

    #[test]
    fn a_long_chain_does_not_exhaust_the_stack() {
        let n = 200_000;
        let needs: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let ordered = order(&needs);
        assert_eq!(ordered.len(), n);
        assert_eq!(ordered[0], [n - 1]);
        assert_eq!(ordered[n - 1], [0]);
    }
}
