//! The cross-object check of one fabric, between `validate` (each document alone) and `plan`:
//! every raw document against the fabric state it will join, with rejections propagating
//! until nothing changes. Pure: the fabric's validated raw and managed files in, the
//! verdicts that settle them out ([`CrossVerdicts`], applied by [`FabricInput::settle`]).
//!
//! Rules:
//! - The state is what the fabric holds, every managed/ object whatever its own findings
//!   (hand edits of the change being checked included, see `fabric`), with the accepted raw
//!   documents laid over them (the same kind and name replaces the managed one, as the move
//!   will). A document that replaces an object is an update of it: its kind's update checks
//!   compare it with the version it replaces.
//! - A raw file is accepted only if all its documents pass against that state. Two raw files
//!   that define the same resource are both rejected, each naming the other.
//! - A rejected file leaves the state, and the files still accepted are checked again
//!   against the smaller state, until a round rejects nothing. A file once rejected stays
//!   rejected. Each round checks every file against the same state, so the outcome depends
//!   only on the files, never on their order: two raw files that conflict with each other
//!   are rejected together, each naming the other's file:line.
//! - A file failing only for conflicts with other raw files still in play waits while any
//!   file fails for a reason of its own, so that its verdict never depends on why the
//!   other side fails.
//! - A move that breaks a managed object it does not replace (an attachment using the
//!   subnet an update drops) is rejected (`breaks`), as the pull-request gate refuses the
//!   same change made by hand.
//! - Once a round rejects nothing, the change's creates, updates and deletes must be
//!   admitted one at a time in some order (`order`); the raw files of steps that no order
//!   admits are rejected, and the rounds go on. Steps of managed/ that no order admits are
//!   problems of managed/.
//! - Problems among managed objects never reject a raw file. How much they count depends on
//!   the [`Scope`] of the check (see `managed`).
//! - The objects of cluster/ are the fabric's own, in the state on both sides of a change;
//!   they never move, and their problems are warnings (see `cluster`).

mod breaks;
mod cluster;
mod displace;
mod fabric;
mod findings;
mod managed;
mod missing;
mod order;

pub use managed::Scope;
use missing::MissingReferences;

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::{Finding, Severity};
use crate::parallel;
use crate::plan::{CrossVerdicts, Displaces, FabricInput, FileVerdict, Leaving, RawOutcome};
use crate::rules::Context;
use crate::rules::state::{FabricState, Member, Origin, References, Withdrawn, WithdrawnBecause};
use crate::validate::Resource;
use fabric::{Action, Fabric, Key, Step};
use findings::{Unplaced, cross_findings, place, violations};

/// Checks the raw files of `input` against its fabric state, read with `ctx` and
/// `references`: the verdict on each raw file, and the problems of managed/, as much as
/// `scope` says they count.
pub fn check_fabric(
    input: &FabricInput,
    ctx: &Context,
    references: References,
    scope: &Scope,
) -> CrossVerdicts {
    let fabric = Fabric::of(input, scope);
    let exported = cluster::ClusterObjects::of(input);
    let mut accepted: BTreeSet<usize> = input
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| matches!(file.outcome, RawOutcome::Valid(_)))
        .map(|(index, _)| index)
        .collect();
    let mut verdicts: BTreeMap<usize, Vec<Finding>> = duplicates(input);
    accepted.retain(|index| !verdicts.contains_key(index));

    let displaced: BTreeMap<usize, Displaces> = accepted
        .iter()
        .map(|&index| {
            (
                index,
                displace::displaces(input, &fabric, resources(input, index)),
            )
        })
        .filter(|(_, displaces)| *displaces != Displaces::default())
        .collect();
    let referrers = (!displaced.is_empty()).then(|| {
        let raw = accepted.iter().flat_map(|&index| raw_members(input, index));
        let managed = fabric.managed.members.iter().map(|(k, m)| (k.clone(), m));
        let raw: Vec<(Key, Member)> = raw.collect();
        displace::Referrers::of(managed.chain(raw.iter().map(|(k, m)| (k.clone(), m))))
    });
    let mut state = build_state(input, &fabric, &accepted, &displaced, ctx, references);
    // Each file's violations in the last round that checked it, placed once its verdict is
    // final. A round checks every accepted file against the same state (on all cores, the
    // results in file order), then takes the files it rejected out of the state. Once no
    // round rejects anything, the change must also apply in some order (`order`): the raw
    // files of steps that no order admits are rejected too, and the rounds go on.
    let mut found: BTreeMap<usize, Vec<Unplaced>> = BTreeMap::new();
    let blocked_managed = loop {
        let round: Vec<usize> = accepted.iter().copied().collect();
        let checked = parallel::map(&round, |&index| {
            violations(resources(input, index), &state, ctx)
        });
        // A file failing only for conflicts with other files still accepted waits while
        // any file fails for a reason of its own: once those are out, it is checked again,
        // so its verdict never depends on why the other side of its conflict fails.
        let in_play: BTreeSet<&str> = accepted
            .iter()
            .map(|&index| input.files[index].path.as_str())
            .collect();
        let mut failing = Vec::new();
        for (index, violations) in round.into_iter().zip(checked) {
            let breaks = displaced
                .get(&index)
                .zip(referrers.as_ref())
                .map(|(displaces, referrers)| still_referred(displaces, referrers, &state))
                .unwrap_or_default();
            let own_path = input.files[index].path.as_str();
            let conflict_only = |unplaced: &Unplaced| {
                unplaced.cross.involved.iter().any(|object| {
                    object.origin.path != own_path && in_play.contains(object.origin.path.as_str())
                })
            };
            let mut errors = violations.iter().filter(|u| u.is_error()).peekable();
            if errors.peek().is_some() || !breaks.is_empty() {
                let own = !breaks.is_empty() || errors.any(|u| !conflict_only(u));
                failing.push((index, own, breaks));
            }
            found.insert(index, violations);
        }
        let any_own = failing.iter().any(|(_, own, _)| *own);
        let mut rejected_now = Vec::new();
        for (index, own, breaks) in failing {
            if own || !any_own {
                rejected_now.push(index);
                if !breaks.is_empty() {
                    verdicts.entry(index).or_default().extend(breaks);
                }
            }
        }
        if rejected_now.is_empty() {
            let broken =
                breaks::broken_by_moves(input, &fabric, &accepted, &state, ctx, references);
            for (index, findings) in broken {
                rejected_now.push(index);
                verdicts.entry(index).or_default().extend(findings);
            }
        }
        if rejected_now.is_empty() {
            let (mut steps, raw_of_step) = change_steps(input, &fabric, &accepted, &displaced);
            for (step, raw) in steps.iter_mut().zip(&raw_of_step) {
                step.reported = raw.is_none() && breaks_final_state(step, &state, ctx);
            }
            let blocked = order::blocked(&fabric.base, &steps, ctx, references);
            let mut blocked_managed = Vec::new();
            let stuck = blocked_steps(&steps, &blocked);
            for blocked in &blocked {
                let finding = unordered_finding(&steps, blocked, &stuck);
                match raw_of_step[blocked.step] {
                    Some(index) => {
                        rejected_now.push(index);
                        verdicts.entry(index).or_default().push(finding);
                    }
                    None => {
                        blocked_managed.push((steps[blocked.step].origin.path.clone(), finding))
                    }
                }
            }
            if rejected_now.is_empty() {
                break blocked_managed;
            }
            rejected_now.sort_unstable();
            rejected_now.dedup();
        }
        for index in rejected_now {
            accepted.remove(&index);
            take_out(
                &mut state,
                input,
                &fabric.managed.members,
                &displaced,
                index,
            );
        }
        state.reindex();
    };

    // A rejected file lists every finding of its own; an accepted one leaves its references
    // to objects nowhere in the repository to be gathered per object.
    let found: Vec<(usize, Vec<Unplaced>)> = found.into_iter().collect();
    let placed = parallel::map(&found, |(index, violations)| {
        place(violations, accepted.contains(index))
    });
    let mut gathered = MissingReferences::default();
    let mut raw_caused: Vec<(String, Finding, Origin)> = Vec::new();
    for ((index, _), cross) in found.iter().zip(placed) {
        let path = &input.files[*index].path;
        for (missing, unplaced) in cross.missing {
            gathered.add(path, missing, unplaced);
        }
        raw_caused.extend(
            cross
                .caused
                .into_iter()
                .map(|(finding, origin)| (path.clone(), finding, origin)),
        );
        verdicts.entry(*index).or_default().extend(cross.findings);
    }
    let mut files: Vec<FileVerdict> = input
        .files
        .iter()
        .map(|file| {
            let untouched = !scope.raw_counts(&file.path);
            FileVerdict {
                untouched,
                in_change: scope.is_change().then_some(!untouched),
                ..FileVerdict::default()
            }
        })
        .collect();
    for (index, displaces) in displaced {
        if accepted.contains(&index) {
            files[index].displaces = displaces;
        }
    }
    for (index, findings) in verdicts {
        files[index].findings = findings;
    }
    for (file, verdict) in input.files.iter().zip(&mut files) {
        if let RawOutcome::Valid(resources) = &file.outcome {
            let applied = exported.applied_over(resources, "once this file moves");
            verdict.findings.extend(applied.map(|(finding, _)| finding));
        }
    }
    let managed_over_cluster = input
        .managed
        .iter()
        .flat_map(|file| {
            exported
                .applied_over(file.held(), "as it is in managed/")
                .map(|(finding, origin)| (file.path.clone(), finding, origin))
        })
        .collect();
    let mut managed_findings = managed::findings(
        input,
        &state,
        ctx,
        scope,
        managed::ChangeEffects {
            base: &fabric.base,
            raw_caused,
            unordered: blocked_managed,
            managed_over_cluster,
        },
        &mut gathered,
    );
    managed_findings.extend(cluster::findings(input, &state, ctx, scope, &mut gathered));
    managed_findings.sort_by(|a, b| {
        (&a.path, a.finding.line, a.finding.col).cmp(&(&b.path, b.finding.line, b.finding.col))
    });
    CrossVerdicts {
        files,
        managed_findings,
        missing: gathered.into_list(&input.dir),
    }
}

/// The resources of the raw file at `index` (a file whose outcome is valid).
fn resources(input: &FabricInput, index: usize) -> &[Resource] {
    match &input.files[index].outcome {
        RawOutcome::Valid(resources) => resources,
        _ => &[],
    }
}

/// Two raw documents naming the same resource: neither can win, so every file involved is
/// rejected, each finding naming the others.
fn duplicates(input: &FabricInput) -> BTreeMap<usize, Vec<Finding>> {
    let mut owners: BTreeMap<String, Vec<(usize, &Resource)>> = BTreeMap::new();
    for (index, file) in input.files.iter().enumerate() {
        if let RawOutcome::Valid(resources) = &file.outcome {
            for resource in resources {
                owners
                    .entry(resource.managed_path())
                    .or_default()
                    .push((index, resource));
            }
        }
    }
    let mut verdicts: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    for claims in owners.values().filter(|claims| claims.len() > 1) {
        for &(index, resource) in claims {
            let others: Vec<String> = claims
                .iter()
                .filter(|(i, r)| !(*i == index && r.line == resource.line))
                .map(|(i, r)| format!("{}:{}", input.files[*i].path, r.line))
                .collect();
            verdicts.entry(index).or_default().push(Finding::at(
                resource.line,
                1,
                format!(
                    "{} `{}` is also defined at {}: keep it in one raw file",
                    resource.kind,
                    resource.name,
                    others.join(", ")
                ),
            ));
        }
    }
    verdicts
}

/// The steps of the change once the `accepted` raw files move: the hand edits of managed/
/// and each accepted raw document (a create, or an update of what managed/ holds), with the
/// raw file of each step (`None` for a step of managed/).
fn change_steps(
    input: &FabricInput,
    fabric: &Fabric,
    accepted: &BTreeSet<usize>,
    displaced: &BTreeMap<usize, Displaces>,
) -> (Vec<Step>, Vec<Option<usize>>) {
    let mut steps = fabric.managed_steps.clone();
    let mut raw_of_step = vec![None; steps.len()];
    for &index in accepted {
        for leaving in displaced.get(&index).map_or(&[][..], |d| &d.leaving) {
            steps.push(Step {
                key: (leaving.kind.clone(), leaving.name.clone()),
                action: Action::Delete,
                origin: Origin {
                    path: leaving.path.clone(),
                    line: leaving.line,
                },
                reported: false,
            });
            raw_of_step.push(Some(index));
        }
        let path = &input.files[index].path;
        for resource in resources(input, index) {
            let Some(object) = &resource.object else {
                continue;
            };
            let key = (resource.kind.clone(), resource.name.clone());
            let origin = Origin {
                path: path.clone(),
                line: resource.line,
            };
            let previous = fabric.managed.members.get(&key).map(|m| m.object.clone());
            steps.push(Step {
                key,
                action: Action::Put(Member {
                    object: object.clone(),
                    origin: origin.clone(),
                    previous,
                }),
                origin,
                reported: false,
            });
            raw_of_step.push(Some(index));
        }
    }
    (steps, raw_of_step)
}

/// Whether a step of managed/ breaks a rule in the final `state` (a put with errors of its
/// own there, a delete of an object something still refers to there): that is reported as
/// such, and is no matter of order.
fn breaks_final_state(step: &Step, state: &FabricState, ctx: &Context) -> bool {
    let (kind, name) = &step.key;
    match &step.action {
        Action::Put(_) => state.typed(kind, name).is_some_and(|object| {
            crate::rules::cross_check(&object, state, ctx)
                .iter()
                .any(|cross| cross.violation.severity == Severity::Error)
        }),
        Action::Delete => false,
    }
}

/// The objects of the raw file at `index` (a valid one), as members of the state: each an
/// update of what managed/ holds under its kind and name, if anything.
fn raw_members(input: &FabricInput, index: usize) -> Vec<(Key, Member)> {
    let path = &input.files[index].path;
    resources(input, index)
        .iter()
        .filter_map(|resource| {
            let object = resource.object.clone()?;
            let key = (resource.kind.clone(), resource.name.clone());
            let origin = Origin {
                path: path.clone(),
                line: resource.line,
            };
            Some((
                key,
                Member {
                    object,
                    origin,
                    previous: None,
                },
            ))
        })
        .collect()
}

/// The errors of a raw file whose move takes objects out of managed/ that objects of
/// `state` still refer to.
fn still_referred(
    displaces: &Displaces,
    referrers: &displace::Referrers,
    state: &FabricState,
) -> Vec<Finding> {
    displaces
        .leaving
        .iter()
        .filter_map(|leaving| {
            let key = (leaving.kind.clone(), leaving.name.clone());
            let users = referrers.live_in(&key, state);
            (!users.is_empty()).then(|| {
                Finding::at(
                    leaving.because_of_line,
                    1,
                    format!(
                        "moving this replaces or removes {}, which also holds {} `{}` (line {}): it would leave managed/ while {} still refer{} to it; give {} `{}` a file of its own first",
                        leaving.path,
                        leaving.kind,
                        leaving.name,
                        leaving.line,
                        users.join(", "),
                        if users.len() == 1 { "s" } else { "" },
                        leaving.kind,
                        leaving.name
                    ),
                )
            })
        })
        .collect()
}

/// The steps that block each other, as the messages name them.
fn blocked_steps(steps: &[Step], blocked: &[order::Blocked]) -> Vec<String> {
    blocked
        .iter()
        .map(|b| {
            let step = &steps[b.step];
            format!("{} `{}` ({})", step.key.0, step.key.1, step.origin)
        })
        .collect()
}

/// The finding of a step that no order admits, at its document.
fn unordered_finding(steps: &[Step], blocked: &order::Blocked, all: &[String]) -> Finding {
    let step = &steps[blocked.step];
    let (kind, name) = &step.key;
    let own = format!("{kind} `{name}` ({})", step.origin);
    let others: Vec<&str> = all
        .iter()
        .filter(|other| **other != own)
        .map(String::as_str)
        .collect();
    let others = if others.is_empty() {
        String::new()
    } else {
        format!(" (stuck with it: {})", others.join(", "))
    };
    Finding::at(
        step.origin.line,
        1,
        format!(
            "no order applies this change: the fabric admits one object at a time, and {kind} `{name}` can be {} only when {}, which no order of this change reaches first{others}. Split the change into steps that each apply alone: {}",
            step.verb(),
            blocked.waits_for,
            blocked.advice
        ),
    )
}

/// The state once the `accepted` raw files have moved: managed/ with them laid over, and
/// the names every other raw file defines withdrawn. Built once; each round of rejections
/// then takes the rejected files out ([`take_out`]).
fn build_state(
    input: &FabricInput,
    fabric: &Fabric,
    accepted: &BTreeSet<usize>,
    displaced: &BTreeMap<usize, Displaces>,
    ctx: &Context,
    references: References,
) -> FabricState {
    let managed = &fabric.managed.members;
    let mut members = managed.clone();
    let mut leaving_withdrawn = Vec::new();
    for (index, displaces) in displaced.iter().filter(|(i, _)| accepted.contains(i)) {
        for leaving in &displaces.leaving {
            members.remove(&(leaving.kind.clone(), leaving.name.clone()));
            leaving_withdrawn.push(displaced_withdrawn(input, *index, leaving));
        }
    }
    for &index in accepted {
        let path = &input.files[index].path;
        for resource in resources(input, index) {
            let Some(object) = &resource.object else {
                continue;
            };
            let key = (resource.kind.clone(), resource.name.clone());
            let previous = managed.get(&key).map(|old| old.object.clone());
            let origin = Origin {
                path: path.clone(),
                line: resource.line,
            };
            members.insert(
                key,
                Member {
                    object: object.clone(),
                    origin,
                    previous,
                },
            );
        }
    }
    let mut withdrawn: Vec<Withdrawn> = leaving_withdrawn;
    withdrawn.extend(input.deleted.iter().flat_map(|file| {
        file.names.iter().map(|named| Withdrawn {
            kind: named.kind.clone(),
            name: named.name.clone(),
            origin: Origin {
                path: file.path.clone(),
                line: named.line,
            },
            reason: WithdrawnBecause::Deleted,
        })
    }));
    for (index, file) in input.files.iter().enumerate() {
        if accepted.contains(&index) {
            continue;
        }
        let origin = |line| Origin {
            path: file.path.clone(),
            line,
        };
        match &file.outcome {
            RawOutcome::Valid(resources) => {
                withdrawn.extend(resources.iter().map(|r| Withdrawn {
                    kind: r.kind.clone(),
                    name: r.name.clone(),
                    origin: origin(r.line),
                    reason: WithdrawnBecause::Rejected,
                }));
            }
            RawOutcome::Rejected(_) => {
                withdrawn.extend(file.names.iter().map(|named| Withdrawn {
                    kind: named.kind.clone(),
                    name: named.name.clone(),
                    origin: origin(named.line),
                    reason: WithdrawnBecause::Rejected,
                }));
            }
            RawOutcome::Ignored => {}
        }
    }
    let mut state = FabricState::build_at(
        ctx.release,
        members.into_values(),
        withdrawn,
        ctx.config,
        references,
    );
    fabric.managed.hold_unreadable_in(&mut state);
    state
}

/// Takes the objects of the raw file at `index`, now rejected, out of `state`: the managed
/// objects they were to replace, and those its move was to take out of managed/, come back.
fn take_out(
    state: &mut FabricState,
    input: &FabricInput,
    managed: &BTreeMap<Key, Member>,
    displaced: &BTreeMap<usize, Displaces>,
    index: usize,
) {
    let path = &input.files[index].path;
    for resource in resources(input, index) {
        let key = (resource.kind.clone(), resource.name.clone());
        let withdrawn = Withdrawn {
            kind: resource.kind.clone(),
            name: resource.name.clone(),
            origin: Origin {
                path: path.clone(),
                line: resource.line,
            },
            reason: WithdrawnBecause::Rejected,
        };
        state.reject(withdrawn, managed.get(&key).cloned());
    }
    for leaving in displaced.get(&index).map_or(&[][..], |d| &d.leaving) {
        let key = (leaving.kind.clone(), leaving.name.clone());
        if let Some(member) = managed.get(&key) {
            state.put(member.clone());
        }
    }
}

/// How an object that the move of the raw file at `index` takes out of managed/ is missing
/// from the state.
fn displaced_withdrawn(input: &FabricInput, index: usize, leaving: &Leaving) -> Withdrawn {
    Withdrawn {
        kind: leaving.kind.clone(),
        name: leaving.name.clone(),
        origin: Origin {
            path: input.files[index].path.clone(),
            line: leaving.because_of_line,
        },
        reason: WithdrawnBecause::Displaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;
    use crate::plan::RawFile;

    fn resource(kind: Kind, plural: &str, name: &str, line: u32) -> Resource {
        Resource {
            kind,
            api_version: "vpc.githedgehog.com/v1beta1".into(),
            plural: plural.into(),
            name: name.into(),
            line,
            text: format!("name: {name}\n"),
            warnings: Vec::new(),
            object: None,
        }
    }

    fn valid(path: &str, resources: Vec<Resource>) -> RawFile {
        RawFile {
            path: path.into(),
            outcome: RawOutcome::Valid(resources),
            names: Vec::new(),
            untouched: false,
            displaces: Default::default(),
        }
    }

    fn input(files: Vec<RawFile>) -> FabricInput {
        FabricInput {
            dir: "f".into(),
            files,
            targets: BTreeMap::new(),
            config: Default::default(),
            managed: Vec::new(),
            managed_findings: Vec::new(),
            deleted: Vec::new(),
            edited: Vec::new(),
            strays: Vec::new(),
            cluster: Vec::new(),
            missing: Vec::new(),
        }
    }

    #[test]
    fn cross_file_duplicates_reject_every_file_involved() {
        let mut fabric = input(vec![
            valid("raw/a.yaml", vec![resource(Kind::Vpc, "vpcs", "v1", 3)]),
            valid(
                "raw/b.yaml",
                vec![
                    resource(Kind::Vpc, "vpcs", "v1", 7),
                    resource(Kind::Vpc, "vpcs", "v2", 12),
                ],
            ),
            valid("raw/c.yaml", vec![resource(Kind::Vpc, "vpcs", "v3", 1)]),
        ]);
        fabric.settle(check_fabric(
            &fabric,
            &Context::fabricator_defaults(),
            References::Warn,
            &Scope::AlreadyThere,
        ));
        let messages: Vec<(&str, Vec<String>)> = fabric
            .files
            .iter()
            .map(|file| match &file.outcome {
                RawOutcome::Rejected(findings) => (
                    file.path.as_str(),
                    findings.iter().map(|f| f.display(&file.path)).collect(),
                ),
                _ => (file.path.as_str(), Vec::new()),
            })
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "raw/a.yaml",
                    vec![
                        "raw/a.yaml:3:1: error: VPC `v1` is also defined at raw/b.yaml:7: keep it in one raw file".to_owned()
                    ]
                ),
                (
                    "raw/b.yaml",
                    vec![
                        "raw/b.yaml:7:1: error: VPC `v1` is also defined at raw/a.yaml:3: keep it in one raw file".to_owned()
                    ]
                ),
                ("raw/c.yaml", vec![]),
            ]
        );
    }
}
