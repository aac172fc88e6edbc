//! The changes of the transitions test: sets of creates and updates of the consistent
//! fabric of `cross::fabric()` (no deletes: hhoracle has no delete path).
//!
//! - `by_hand::changes`: the changes the order rules exist for, each with the outcome
//!   Hedgehog is to give it.
//! - `families`: systematic ones, built from the variations of `cross::variations` that the
//!   fabric accepts alone (`singles`): two related objects each changed by one, one object
//!   taking the value another's frees, two objects swapping a value, and a renamed copy of
//!   an object created with its referrers pointed at it.

use std::collections::BTreeSet;

use serde_json::Value;

use super::mutations::integral_floats_as_integers;
use super::transitions::Outcome;
use super::{Subject, Verdict, by_hand, cross, families, hhoracle, ours};
use hh_gitops::rules::config::FabricConfig;
use hh_gitops::schema::Registry;

/// Which family a change belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    ByHand,
    Pair,
    FreesAndTakes,
    Retargeted,
}

/// A set of transitions: the new version of each object the change creates or updates.
pub struct Change {
    pub label: String,
    pub family: Family,
    pub steps: Vec<Value>,
    /// The outcome a change written by hand is written to have.
    pub expected: Option<Outcome>,
}

/// A variation of the fabric object at `index` that the fabric accepts alone.
pub struct Single {
    pub index: usize,
    /// The variation, in words.
    pub what: String,
    pub object: Value,
    /// The pointers of the values it changes.
    pub changed: BTreeSet<String>,
}

/// A subject for both sides, under `config`.
pub fn subject(label: String, object: Value, config: &FabricConfig) -> Subject {
    Subject {
        label,
        source: "transition",
        kind: object["kind"].as_str().unwrap_or_default().to_owned(),
        object,
        config: Some(config.clone()),
        config_given: true,
    }
}

/// `objects` with `object` in place of the object of its kind and name, or added last.
pub fn put(objects: &[Value], object: &Value) -> Vec<Value> {
    let mut out = objects.to_vec();
    match out
        .iter_mut()
        .find(|o| cross::label(o) == cross::label(object))
    {
        Some(old) => *old = object.clone(),
        None => out.push(object.clone()),
    }
    out
}

/// Every change of the test, on the fabric `base`.
pub fn all(
    binary: &str,
    registry: &Registry,
    config: &FabricConfig,
    base: &[Value],
) -> Vec<Change> {
    let singles = singles(binary, registry, config, base);
    let mut changes = by_hand::changes(base, super::release());
    changes.extend(families::pairs(base, &singles));
    changes.extend(families::frees_and_takes(base, &singles));
    changes.extend(families::retargeted(binary, registry, config, base));
    changes
}

/// The variations of `cross::variations` (the object changed, the rest of the fabric
/// kept) that the fabric accepts alone: Hedgehog admits the update against the fabric, and
/// every object of the fabric after it still passes against the rest. Variations that
/// hh-gitops leaves to the CRD schema or the name rules are left out: the oracle does not
/// apply those.
fn singles(
    binary: &str,
    registry: &Registry,
    config: &FabricConfig,
    base: &[Value],
) -> Vec<Single> {
    assert!(
        consistent(binary, config, &[base.to_vec()])[0],
        "the fabric of cross::fabric() must pass Hedgehog's own checks, each object against all"
    );
    let mut candidates = Vec::new();
    for index in 0..base.len() {
        for (what, mut object, cluster) in cross::variations(base, index) {
            integral_floats_as_integers(&mut object);
            if cluster.len() + 1 != base.len() || object == base[index] {
                continue; // another object missing, or no change at all
            }
            let label = format!("{} {what}", cross::label(&base[index]));
            let alone = subject(label, object.clone(), config);
            if matches!(ours(registry, &alone).verdict, Verdict::Skip(_)) {
                continue;
            }
            let changed = changed_pointers(&base[index], &object);
            candidates.push(Single {
                index,
                what,
                object,
                changed,
            });
        }
    }
    let subjects: Vec<Subject> = candidates
        .iter()
        .map(|c| subject(c.what.clone(), c.object.clone(), config))
        .collect();
    let theirs =
        hhoracle::theirs_in_clusters(binary, &subjects, &vec![base.to_vec(); subjects.len()]);
    let admitted: Vec<Single> = candidates
        .into_iter()
        .zip(theirs)
        .filter(|(_, theirs)| theirs.verdict == Verdict::Accept)
        .map(|(single, _)| single)
        .collect();
    let after: Vec<Vec<Value>> = admitted.iter().map(|s| put(base, &s.object)).collect();
    admitted
        .into_iter()
        .zip(consistent(binary, config, &after))
        .filter(|(_, consistent)| *consistent)
        .map(|(single, _)| single)
        .collect()
}

/// For each fabric, whether Hedgehog accepts every one of its objects against it.
fn consistent(binary: &str, config: &FabricConfig, fabrics: &[Vec<Value>]) -> Vec<bool> {
    let mut subjects = Vec::new();
    let mut clusters = Vec::new();
    let mut owner = Vec::new();
    for (index, fabric) in fabrics.iter().enumerate() {
        for object in fabric {
            subjects.push(subject(cross::label(object), object.clone(), config));
            clusters.push(fabric.clone());
            owner.push(index);
        }
    }
    let theirs = hhoracle::theirs_in_clusters(binary, &subjects, &clusters);
    let mut out = vec![true; fabrics.len()];
    for (index, theirs) in owner.into_iter().zip(theirs) {
        out[index] &= theirs.verdict == Verdict::Accept;
    }
    out
}

/// The pointers at which `new` differs from `old`: changed or removed values, added keys.
fn changed_pointers(old: &Value, new: &Value) -> BTreeSet<String> {
    fn walk(old: Option<&Value>, new: Option<&Value>, at: String, out: &mut BTreeSet<String>) {
        match (old, new) {
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                for key in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
                    let segment = key.replace('~', "~0").replace('/', "~1");
                    walk(a.get(key), b.get(key), format!("{at}/{segment}"), out);
                }
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    walk(Some(x), Some(y), format!("{at}/{i}"), out);
                }
            }
            (a, b) if a != b => {
                out.insert(at);
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(Some(old), Some(new), String::new(), &mut out);
    out
}
