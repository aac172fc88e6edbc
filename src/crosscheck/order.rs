//! Whether a change can be applied one object at a time.
//!
//! Argo CD, Flux and `kubectl apply -R` apply a change object by object, and the fabric
//! admits each one against what it holds at that moment. A change whose final state is
//! consistent can still have no such order: two VPCs swapping VLANs (each update finds the
//! other's VLAN taken), a VPC renamed while attachments point at it (the new VPC overlaps the
//! old one, the old one cannot be deleted while attached, the attachment cannot point at the
//! new one before it exists), two new VPCs relaying DHCP to each other.
//!
//! The search goes in rounds from the base: every step still waiting is tried against the
//! fabric as it stands, and all that are admitted are applied together before the next
//! round. Applying them together is sound because the final state was checked whole: two
//! steps admitted in one round are consistent with each other there. A round that admits
//! nothing leaves the steps that block each other, each with what it waits for. Each round
//! applies at least one step, and a step waiting for an object this change creates is
//! not checked again until that object exists, so the rounds are as many as the longest
//! chain of steps that wait for each other, not as many as the steps.
//!
//! What admits a step:
//! - a create or update: nothing it refers to is still to be created by the change, and the
//!   cross-object rules of its kind pass against the fabric as it stands (the update checks,
//!   which compare two versions of one object, were made on the final state already);
//! - a delete: no object of the fabric as it stands refers to it (the delete webhooks,
//!   `pkg/ctrl/*_wh.go`, refuse a delete while referrers exist).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::fabric::{Action, Key, Objects, Step};
use crate::parallel;
use crate::rules::refs::references;
use crate::rules::state::{FabricState, Member, References, Withdrawn, WithdrawnBecause};
use crate::rules::{self, Context, Severity};

/// A step no order admits, and what it waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Blocked {
    /// Its index in the steps given.
    pub step: usize,
    /// What it waits for, in words: a clause that follows "only when".
    pub waits_for: String,
    /// Advice for splitting the change at this step.
    pub advice: String,
}

/// Which objects refer to each object: hashed by the object referred to, which is only
/// looked up (a B-tree search compared key bytes at each level), the referrers in order.
#[derive(Default)]
struct Referrers(HashMap<Key, BTreeSet<Key>>);

impl Referrers {
    fn add(&mut self, from: &Key, object: &rules::Typed) {
        for (kind, name) in references(object) {
            self.0
                .entry((kind.to_owned(), name))
                .or_default()
                .insert(from.clone());
        }
    }

    fn remove(&mut self, from: &Key, object: &rules::Typed) {
        for (kind, name) in references(object) {
            if let Some(set) = self.0.get_mut(&(kind.to_owned(), name)) {
                set.remove(from);
            }
        }
    }

    fn of(&self, key: &Key) -> impl Iterator<Item = &Key> {
        self.0
            .get(key)
            .into_iter()
            .flatten()
            .filter(move |k| *k != key)
    }
}

/// The steps of a change (`steps`, from the fabric `base`) that no order admits one at a
/// time; empty when an order exists.
pub(super) fn blocked(
    base: &Objects,
    steps: &[Step],
    ctx: &Context,
    references_policy: References,
) -> Vec<Blocked> {
    if steps.is_empty() {
        return Vec::new();
    }
    // The objects the change creates, by key (borrowed from the steps), with their step:
    // hashed, as they are only looked up, and a search of a map of every object of a big
    // fabric compared thousands of bytes per lookup.
    let mut to_create: HashMap<&Key, usize> = HashMap::new();
    for (index, step) in steps.iter().enumerate() {
        if matches!(step.action, Action::Put(_)) && !base.holds(&step.key) {
            to_create.insert(&step.key, index);
        }
    }
    let pending_creates = to_create.iter().map(|(&(kind, name), &index)| Withdrawn {
        kind: kind.clone(),
        name: name.clone(),
        origin: steps[index].origin.clone(),
        reason: WithdrawnBecause::Pending,
    });
    let mut state = FabricState::build_at(
        ctx.release,
        base.members.values().cloned(),
        pending_creates,
        ctx.config,
        references_policy,
    );
    base.hold_unreadable_in(&mut state);
    let mut referrers = Referrers::default();
    for (key, member) in &base.members {
        referrers.add(key, &member.object);
    }

    // Steps waiting for objects this change creates are parked until those exist: each
    // with how many it still waits for, and by the key it waits for.
    let mut parked: BTreeMap<usize, usize> = BTreeMap::new();
    let mut parked_on: HashMap<Key, Vec<usize>> = HashMap::new();
    for (index, step) in steps.iter().enumerate() {
        let later = to_be_created(step, &to_create);
        if !later.is_empty() && !step.reported {
            parked.insert(index, later.len());
            for key in later {
                parked_on.entry(key).or_default().push(index);
            }
        }
    }
    let mut waiting: BTreeSet<usize> = (0..steps.len()).collect();
    loop {
        let ready: Vec<usize> = waiting
            .iter()
            .copied()
            .filter(|index| !parked.contains_key(index))
            .collect();
        // What the waiting steps change: a delete waits only for referrers that a step
        // changes (one that keeps referring is a problem of the final state, reported there).
        // Only deletes read it: without one ready, sorting every waiting key is skipped.
        let changing: BTreeSet<&Key> = if ready
            .iter()
            .any(|&index| matches!(steps[index].action, Action::Delete))
        {
            waiting.iter().map(|&index| &steps[index].key).collect()
        } else {
            BTreeSet::new()
        };
        let tried = parallel::map(&ready, |&index| {
            let step = &steps[index];
            if step.reported {
                return None;
            }
            waits_for(step, &state, &referrers, &changing, ctx)
        });
        let mut admitted = Vec::new();
        let mut failing = Vec::new();
        for (index, waits) in ready.into_iter().zip(tried) {
            match waits {
                None => admitted.push(index),
                Some(waits) => failing.push((index, waits)),
            }
        }
        if admitted.is_empty() {
            let parked_waits = parked.keys().map(|&index| {
                let later = to_be_created(&steps[index], &to_create);
                (index, created_later(&later, &to_create, steps))
            });
            let mut blocked: Vec<Blocked> = failing
                .into_iter()
                .chain(parked_waits)
                .map(|(step, (waits_for, advice))| Blocked {
                    step,
                    waits_for,
                    advice,
                })
                .collect();
            blocked.sort_by_key(|b| b.step);
            return blocked;
        }
        for &index in &admitted {
            let step = &steps[index];
            apply(step, &mut state, &mut referrers);
            to_create.remove(&step.key);
            waiting.remove(&index);
            for waiter in parked_on.remove(&step.key).unwrap_or_default() {
                if let Some(count) = parked.get_mut(&waiter) {
                    *count -= 1;
                    if *count == 0 {
                        parked.remove(&waiter);
                    }
                }
            }
        }
        state.reindex();
        if waiting.is_empty() {
            return Vec::new();
        }
    }
}

/// The objects `step` refers to that this change creates and that do not exist yet.
fn to_be_created(step: &Step, to_create: &HashMap<&Key, usize>) -> Vec<Key> {
    let Action::Put(member) = &step.action else {
        return Vec::new();
    };
    references(&member.object)
        .into_iter()
        .map(|(kind, name)| (kind.to_owned(), name))
        .filter(|key| *key != step.key && to_create.contains_key(key))
        .collect()
}

/// What a step waiting for the objects `later` waits for, with advice.
fn created_later(
    later: &[Key],
    to_create: &HashMap<&Key, usize>,
    steps: &[Step],
) -> (String, String) {
    let waits: Vec<String> = later
        .iter()
        .map(|key| {
            let (kind, name) = key;
            format!("{kind} `{name}` ({}) exists", steps[to_create[key]].origin)
        })
        .collect();
    (
        waits.join(", "),
        "first create what it refers to (in a change of its own when that waits too), then this"
            .to_owned(),
    )
}

/// Applies an admitted step to the fabric as it stands.
fn apply(step: &Step, state: &mut FabricState, referrers: &mut Referrers) {
    let (kind, name) = &step.key;
    if let Some(old) = state.typed(kind, name) {
        referrers.remove(&step.key, &old);
    }
    match &step.action {
        Action::Put(member) => {
            referrers.add(&step.key, &member.object);
            state.put(Member {
                previous: None,
                ..member.clone()
            });
        }
        Action::Delete => state.delete(kind, name),
    }
}

/// What `step` (whose references all exist) waits for in the fabric as it stands, with
/// advice; `None` when the fabric admits it now.
fn waits_for(
    step: &Step,
    state: &FabricState,
    referrers: &Referrers,
    changing: &BTreeSet<&Key>,
    ctx: &Context,
) -> Option<(String, String)> {
    let (kind, name) = &step.key;
    match &step.action {
        Action::Put(member) => {
            let errors: Vec<String> = rules::cross_check(&member.object, state, ctx)
                .into_iter()
                .filter(|cross| cross.violation.severity == Severity::Error)
                .map(|cross| cross.violation.message)
                .collect();
            if errors.is_empty() {
                return None;
            }
            Some((
                format!(
                    "the fabric no longer holds what it clashes with ({})",
                    errors.join("; ")
                ),
                format!(
                    "first give {kind} `{name}` values no other object holds now (a free VLAN, prefix or port), or free them in a change of their own, then the rest"
                ),
            ))
        }
        Action::Delete => {
            let still: Vec<String> = referrers
                .of(&step.key)
                .filter(|referrer| changing.contains(referrer))
                .filter_map(|(other_kind, other_name)| {
                    let origin = state.origin_of(other_kind, other_name)?;
                    Some(format!("{other_kind} `{other_name}` ({origin})"))
                })
                .collect();
            if still.is_empty() {
                return None;
            }
            Some((
                format!(
                    "{} no longer {} to it",
                    still.join(", "),
                    if still.len() == 1 { "refers" } else { "refer" }
                ),
                format!(
                    "first delete what refers to {kind} `{name}` (or give it a new name, so that it is created anew), then delete {kind} `{name}`"
                ),
            ))
        }
    }
}
