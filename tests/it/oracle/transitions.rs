//! The transitions mode: each change of `changes` applied one object at a time, as a live
//! fabric admits it, Hedgehog's own code judging each step against the fabric as it stands
//! and hh-gitops judging the same step against the same objects; then the change's overall
//! verdict on both sides (compared in `outcomes`).
//!
//! The simulation goes in rounds from the fabric's objects. Each round, every step still
//! waiting is judged by hhoracle (the step's new object as the subject, the objects as they
//! stand as its store, the step's own old version included for an update, as the live fabric
//! holds it) and by hh-gitops (`ours_in_fabric` with the same objects); the steps Hedgehog
//! admitted are applied. It stops when every step is applied or a round admits none. One
//! exception: an update that Go's update webhook refuses (`Excuse::UpdateWebhook`), which
//! hhoracle does not run, is taken as refused, as the live fabric refuses it.
//!
//! An update that breaks another object of the fabric (`Excuse::BreaksAnother`: a VPC's
//! update that drops a subnet an attachment uses) is admitted, as the live fabric admits it.
//!
//! Applying a round's steps together stands for applying them one by one only if they do
//! not conflict with each other, and an update may break an object it does not touch; so
//! once every step is applied, each object of the fabric it leaves (the change's own, and
//! every other that passed before) is judged once more ([`Outcome::RefusedAtEnd`]).
//!
//! hh-gitops judges the whole change as a sync does (the fabric's objects in managed/, each
//! new object a raw file of its own, `--references strict`) and accepts it when it rejects
//! no raw file. It must accept exactly the changes that apply: hh-gitops requires the
//! fabric a change leaves to hold the change's objects and every object it breaks (see
//! `crosscheck`), which is what `RefusedAtEnd` fails.

use std::collections::BTreeSet;

use serde_json::Value;

use hh_gitops::crosscheck::{self, Scope};
use hh_gitops::plan::{FabricInput, RawFile, RawOutcome};
use hh_gitops::rules::Context;
use hh_gitops::rules::config::FabricConfig;
use hh_gitops::rules::state::References;
use hh_gitops::schema::Registry;
use hh_gitops::validate::check_file_named;

use super::changes::{Change, put, subject};
use super::{
    Comparison, Excuse, Ours, Subject, Theirs, Verdict, cases, cross, hhoracle, ours,
    ours_in_fabric,
};

/// Hedgehog's outcome of a change applied one object at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Every step admitted in some round, and each of the change's objects passes against
    /// the fabric it leaves.
    Applies,
    /// A round admits none of the steps still waiting.
    Stuck,
    /// Every step admitted in some round, but one of the change's objects fails against the
    /// fabric it leaves: two steps of one round conflict (one at a time, whichever came
    /// second would be refused), or a later step takes away what an earlier one needs (a
    /// new attachment's subnet, which the VPC's update drops: Go checks the attachment, never
    /// the VPC's attachments).
    RefusedAtEnd,
}

impl Outcome {
    /// The outcome in words, for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Outcome::Applies => "applies in some order",
            Outcome::Stuck => "stuck (a round admits none)",
            Outcome::RefusedAtEnd => "applies, but its objects fail at the end",
        }
    }
}

/// Where a change stands in the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// Steps still wait.
    Waiting,
    /// Every step applied; the final fabric is still to be judged.
    AllApplied,
    Done(Outcome),
    /// Hedgehog's verdict on a step cannot be compared (why).
    NotComparable(&'static str),
}

/// One change on its way through the rounds.
struct Run<'a> {
    change: &'a Change,
    /// The fabric's objects as they stand.
    store: Vec<Value>,
    /// The steps not yet applied.
    waiting: Vec<usize>,
    rounds: usize,
    progress: Progress,
}

/// The outcome of one change on both sides.
pub struct Verdicts<'a> {
    pub change: &'a Change,
    /// Hedgehog's outcome; `None` when a step's verdict cannot be compared.
    pub theirs: Option<Outcome>,
    /// The rounds the simulation ran for the change.
    pub rounds: usize,
    /// The first error of each raw file hh-gitops rejects (none: it accepts the change).
    pub ours: Vec<String>,
}

/// Both sides' verdicts on every step in every round.
#[derive(Default)]
pub struct Steps {
    pub comparison: Comparison,
    /// Steps both sides admit.
    pub both_accept: usize,
    /// Steps both sides refuse.
    pub both_refuse: usize,
}

/// What the simulation found: each change's outcome on both sides, and the verdicts on its
/// steps.
pub struct Simulation<'a> {
    pub verdicts: Vec<Verdicts<'a>>,
    pub steps: Steps,
}

/// Runs every change through the rounds and judges each change on both sides.
pub fn simulate<'a>(
    binary: &str,
    registry: &Registry,
    config: &FabricConfig,
    base: &[Value],
    changes: &'a [Change],
) -> Simulation<'a> {
    let mut runs: Vec<Run> = changes
        .iter()
        .map(|change| Run {
            change,
            store: base.to_vec(),
            waiting: (0..change.steps.len()).collect(),
            rounds: 0,
            progress: comparable_alone(registry, config, change),
        })
        .collect();
    let mut steps = Steps::default();
    while runs.iter().any(|run| run.progress == Progress::Waiting) {
        round(binary, registry, config, &mut runs, &mut steps);
    }
    let passing = passing_at_base(binary, config, base);
    judge_final_fabrics(binary, config, &passing, &mut runs);
    let verdicts = runs
        .into_iter()
        .map(|run| Verdicts {
            change: run.change,
            theirs: match run.progress {
                Progress::Done(outcome) => Some(outcome),
                _ => None,
            },
            rounds: run.rounds,
            ours: ours_on_change(registry, config, base, &run.change.steps),
        })
        .collect();
    Simulation { verdicts, steps }
}

/// `Waiting`, or why a change cannot be compared: hh-gitops leaves one of its objects to the
/// CRD schema or the name rules, which the oracle does not apply.
fn comparable_alone(registry: &Registry, config: &FabricConfig, change: &Change) -> Progress {
    for object in &change.steps {
        if let Verdict::Skip(why) = ours(
            registry,
            &subject(cross::label(object), object.clone(), config),
        )
        .verdict
        {
            return Progress::NotComparable(why);
        }
    }
    Progress::Waiting
}

/// One round of every change still waiting: each waiting step judged on both sides against
/// the change's fabric as it stands, the steps Hedgehog admits applied.
fn round(
    binary: &str,
    registry: &Registry,
    config: &FabricConfig,
    runs: &mut [Run],
    steps: &mut Steps,
) {
    let mut subjects: Vec<Subject> = Vec::new();
    let mut stores: Vec<Vec<Value>> = Vec::new();
    let mut judged: Vec<(usize, usize)> = Vec::new();
    for (index, run) in runs.iter_mut().enumerate() {
        if run.progress != Progress::Waiting {
            continue;
        }
        run.rounds += 1;
        for &step in &run.waiting {
            let object = &run.change.steps[step];
            let label = format!(
                "{} (round {}): {}",
                run.change.label,
                run.rounds,
                cross::label(object)
            );
            subjects.push(subject(label, object.clone(), config));
            stores.push(run.store.clone());
            judged.push((index, step));
        }
    }
    let theirs = hhoracle::theirs_in_clusters(binary, &subjects, &stores);
    let mut admitted: Vec<Vec<usize>> = vec![Vec::new(); runs.len()];
    for (((subject, store), their), (index, step)) in
        subjects.iter().zip(&stores).zip(&theirs).zip(judged)
    {
        let our = ours_in_fabric(registry, subject, store);
        let excused = steps
            .comparison
            .add(subject, &our, their, &subject.label, || {
                excuse_step(binary, registry, subject, store, &our, their)
            });
        match (our.verdict, their.verdict) {
            (Verdict::Accept, Verdict::Accept) => steps.both_accept += 1,
            (Verdict::Reject, Verdict::Reject) => steps.both_refuse += 1,
            _ => {}
        }
        match their.verdict {
            // The live fabric's update webhook refuses what hhoracle admits.
            Verdict::Accept if excused == Some(Excuse::UpdateWebhook) => {}
            Verdict::Accept => admitted[index].push(step),
            Verdict::Reject => {}
            Verdict::Skip(why) => runs[index].progress = Progress::NotComparable(why),
        }
    }
    for (run, admitted) in runs.iter_mut().zip(admitted) {
        if run.progress != Progress::Waiting {
            continue;
        }
        if admitted.is_empty() {
            run.progress = Progress::Done(Outcome::Stuck);
            continue;
        }
        for step in &admitted {
            run.store = put(&run.store, &run.change.steps[*step]);
        }
        run.waiting.retain(|step| !admitted.contains(step));
        if run.waiting.is_empty() {
            run.progress = Progress::AllApplied;
        }
    }
}

/// The kinds whose update webhook refuses an update that strands the objects using them
/// (`pkg/ctrl/ipv4namespace_wh.go:72-140`, `pkg/ctrl/vlannamespace_wh.go:71-115`): no other
/// kind's webhook looks beyond the object it admits.
const GUARDED_BY_UPDATE_WEBHOOK: [&str; 2] = ["IPv4Namespace", "VLANNamespace"];

/// Why hh-gitops refuses an update Hedgehog's `Validate()` admits, when the live fabric
/// explains it; hh-gitops must accept the same object as a create (the fabric `store`
/// without its old version), so that the refusal is about the objects already there.
///
/// - `Excuse::UpdateWebhook`: a namespace's update that Go's update webhook refuses, which
///   hhoracle does not run. The simulation takes the step as refused, as the live fabric does.
/// - `Excuse::BreaksAnother`: an update that makes another object of the fabric fail
///   Hedgehog's own check (hhoracle admits it before the step and refuses it after). The
///   live fabric admits the step, so the simulation does, and the broken object fails the
///   change at the end (`judge_final_fabrics`), as hh-gitops's refusal says.
fn excuse_step(
    binary: &str,
    registry: &Registry,
    subject: &Subject,
    store: &[Value],
    our: &Ours,
    their: &Theirs,
) -> Option<Excuse> {
    if (our.verdict, their.verdict) != (Verdict::Reject, Verdict::Accept) {
        return None;
    }
    let own = cross::label(&subject.object);
    let without_old: Vec<Value> = store
        .iter()
        .filter(|object| cross::label(object) != own)
        .cloned()
        .collect();
    let is_update = without_old.len() < store.len();
    if !is_update || ours_in_fabric(registry, subject, &without_old).verdict != Verdict::Accept {
        return None;
    }
    if GUARDED_BY_UPDATE_WEBHOOK.contains(&subject.kind.as_str()) {
        return Some(Excuse::UpdateWebhook);
    }
    let config = subject
        .config
        .as_ref()
        .expect("the transitions run with a config");
    let after = put(store, &subject.object);
    let others: Vec<Subject> = without_old
        .iter()
        .map(|object| super::changes::subject(cross::label(object), object.clone(), config))
        .collect();
    let before = hhoracle::theirs_in_clusters(binary, &others, &vec![store.to_vec(); others.len()]);
    let after = hhoracle::theirs_in_clusters(binary, &others, &vec![after; others.len()]);
    before
        .iter()
        .zip(&after)
        .any(|(before, after)| {
            (before.verdict, after.verdict) == (Verdict::Accept, Verdict::Reject)
        })
        .then_some(Excuse::BreaksAnother)
}

/// The labels of the objects of `base` that Hedgehog admits against `base` itself.
fn passing_at_base(binary: &str, config: &FabricConfig, base: &[Value]) -> BTreeSet<String> {
    let subjects: Vec<Subject> = base
        .iter()
        .map(|object| subject(cross::label(object), object.clone(), config))
        .collect();
    let theirs = hhoracle::theirs_in_clusters(binary, &subjects, &vec![base.to_vec(); base.len()]);
    subjects
        .into_iter()
        .zip(theirs)
        .filter(|(_, their)| their.verdict == Verdict::Accept)
        .map(|(subject, _)| subject.label)
        .collect()
}

/// Settles the changes whose steps all applied: `Applies` when Hedgehog accepts each object
/// of the fabric they leave (the change's own, and every other that passed before the
/// change: an update may break an object it does not touch, which the live fabric admits),
/// `RefusedAtEnd` otherwise.
fn judge_final_fabrics(
    binary: &str,
    config: &FabricConfig,
    passing_at_base: &BTreeSet<String>,
    runs: &mut [Run],
) {
    let mut subjects = Vec::new();
    let mut stores = Vec::new();
    let mut owners = Vec::new();
    for (index, run) in runs.iter().enumerate() {
        if run.progress != Progress::AllApplied {
            continue;
        }
        let changed: BTreeSet<String> = run.change.steps.iter().map(cross::label).collect();
        let untouched = run.store.iter().filter(|object| {
            let label = cross::label(object);
            passing_at_base.contains(&label) && !changed.contains(&label)
        });
        for object in run.change.steps.iter().chain(untouched) {
            subjects.push(subject(cross::label(object), object.clone(), config));
            stores.push(run.store.clone());
            owners.push(index);
        }
    }
    let theirs = hhoracle::theirs_in_clusters(binary, &subjects, &stores);
    for run in runs.iter_mut() {
        if run.progress == Progress::AllApplied {
            run.progress = Progress::Done(Outcome::Applies);
        }
    }
    for (index, their) in owners.into_iter().zip(theirs) {
        match their.verdict {
            Verdict::Accept => {}
            Verdict::Reject => runs[index].progress = Progress::Done(Outcome::RefusedAtEnd),
            Verdict::Skip(why) => runs[index].progress = Progress::NotComparable(why),
        }
    }
}

/// hh-gitops's verdict on the whole change as a sync judges it: the fabric `base` in
/// managed/, each of the change's objects a raw file of its own. Returns the first error of
/// each raw file it rejects.
fn ours_on_change(
    registry: &Registry,
    config: &FabricConfig,
    base: &[Value],
    objects: &[Value],
) -> Vec<String> {
    let ctx = Context {
        config: Some(config),
        config_given: true,
        release: super::release(),
    };
    let files = objects
        .iter()
        .enumerate()
        .map(|(index, object)| {
            let text = serde_json::to_string_pretty(object).unwrap();
            let checked = check_file_named(registry, &ctx, text.as_bytes());
            let (outcome, names) = match checked.result {
                Ok(resources) => (RawOutcome::Valid(resources), Vec::new()),
                Err(findings) => (RawOutcome::Rejected(findings), checked.names),
            };
            RawFile {
                path: format!(
                    "raw/{index}-{}.yaml",
                    cross::label(object).replace('/', "-")
                ),
                outcome,
                names,
                untouched: false,
                displaces: Default::default(),
            }
        })
        .collect();
    let mut input = FabricInput {
        dir: "fabric".into(),
        files,
        targets: Default::default(),
        config: Default::default(),
        managed: base
            .iter()
            .enumerate()
            .map(|(index, object)| cases::managed(object, &ctx, index))
            .collect(),
        managed_findings: Vec::new(),
        deleted: Vec::new(),
        edited: Vec::new(),
        strays: Vec::new(),
        cluster: Vec::new(),
        missing: Vec::new(),
    };
    input.settle(crosscheck::check_fabric(
        &input,
        &ctx,
        References::Strict,
        &Scope::AlreadyThere,
    ));
    input
        .files
        .iter()
        .filter_map(|file| match &file.outcome {
            RawOutcome::Rejected(findings) => {
                Some(findings.iter().find(|f| f.is_error()).map_or_else(
                    || format!("{}: rejected", file.path),
                    |f| f.display(&file.path),
                ))
            }
            _ => None,
        })
        .collect()
}
