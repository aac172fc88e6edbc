//! The systematic families of changes of the transitions test, on the fabric of
//! `cross::fabric()` and the variations it accepts alone (`changes::singles`):
//!
//! - `pairs`: two objects of the fabric that can meet (`related`), each changed by such a
//!   variation.
//! - `frees_and_takes`: such a variation of one object, with another object of its kind
//!   taking the value the variation frees (it waits for the first), and two objects of a
//!   kind swapping a value (each waits for the other).
//! - `retargeted`: a renamed copy of an object, created, with the objects that name it
//!   pointed at the copy (they wait for it).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::changes::{Change, Family, Single, subject};
use super::{Subject, Verdict, cross, hhoracle, ours};
use hh_gitops::rules::config::FabricConfig;
use hh_gitops::schema::Registry;

/// How many variation pairs `pairs` takes for one pair of objects.
const PAIRS_PER_OBJECT_PAIR: usize = 4;

/// Every name written in `object`'s spec, as a value or a key, with the device or VPC of a
/// `<name>/<port or subnet>` value.
fn names_in_spec(object: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    out.insert(key.clone());
                    walk(child, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            Value::String(text) => {
                out.insert(text.clone());
                if let Some((name, _)) = text.split_once('/') {
                    out.insert(name.to_owned());
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(&object["spec"], &mut out);
    out
}

/// Whether two objects can meet in a rule: one kind, one naming the other, or a VPC and a
/// namespace (each VPC takes an IPv4Namespace and a VLANNamespace, `default` unless it
/// names others).
fn related(a: &Value, b: &Value) -> bool {
    let names = |o: &Value| {
        o["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let namespace = |o: &Value| o["kind"] == "IPv4Namespace" || o["kind"] == "VLANNamespace";
    a["kind"] == b["kind"]
        || names_in_spec(a).contains(&names(b))
        || names_in_spec(b).contains(&names(a))
        || (a["kind"] == "VPC" && namespace(b))
        || (b["kind"] == "VPC" && namespace(a))
}

/// Two related objects of the fabric, each changed by a variation it accepts alone: for
/// each pair of objects, at most `PAIRS_PER_OBJECT_PAIR` variation pairs, taken first from
/// those that set one field to one value (the collisions), then from those that change one
/// field, then from the others along the diagonal (each variation of either object once),
/// spread evenly over each list.
pub fn pairs(base: &[Value], singles: &[Single]) -> Vec<Change> {
    let mut changes = Vec::new();
    for i in 0..base.len() {
        for j in i + 1..base.len() {
            if !related(&base[i], &base[j]) {
                continue;
            }
            let of = |index| singles.iter().filter(move |s| s.index == index);
            let (firsts, seconds): (Vec<&Single>, Vec<&Single>) =
                (of(i).collect(), of(j).collect());
            if firsts.is_empty() || seconds.is_empty() {
                continue;
            }
            let values = |s: &Single| {
                s.changed
                    .iter()
                    .map(|p| s.object.pointer(p).cloned())
                    .collect::<Vec<_>>()
            };
            let (mut same_value, mut same_field) = (Vec::new(), Vec::new());
            for &a in &firsts {
                for &b in seconds.iter().filter(|b| b.changed == a.changed) {
                    if values(a) == values(b) {
                        same_value.push((a, b));
                    } else {
                        same_field.push((a, b));
                    }
                }
            }
            let diagonal: Vec<(&Single, &Single)> = (0..firsts.len().max(seconds.len()))
                .map(|k| (firsts[k % firsts.len()], seconds[k % seconds.len()]))
                .filter(|(a, b)| a.changed != b.changed)
                .collect();
            let mut chosen = Vec::new();
            for tier in [same_value, same_field, diagonal] {
                chosen.extend(spread(&tier, PAIRS_PER_OBJECT_PAIR - chosen.len()));
            }
            for (a, b) in chosen {
                changes.push(Change {
                    label: format!(
                        "{} {} + {} {}",
                        cross::label(&base[i]),
                        a.what,
                        cross::label(&base[j]),
                        b.what
                    ),
                    family: Family::Pair,
                    steps: vec![a.object.clone(), b.object.clone()],
                    expected: None,
                });
            }
        }
    }
    changes
}

/// At most `count` items of `items`, spread evenly over it.
fn spread<T: Copy>(items: &[T], count: usize) -> Vec<T> {
    let take = items.len().min(count);
    (0..take).map(|k| items[k * items.len() / take]).collect()
}

/// For each object and field with a variation the fabric accepts alone, every other object
/// of its kind taking the field's old value (it waits for the variation), and for every two
/// objects of a kind and each field both set to different values, the two swapping them.
pub fn frees_and_takes(base: &[Value], singles: &[Single]) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut freed = BTreeSet::new();
    for single in singles {
        let Some(field) = single.changed.first() else {
            continue;
        };
        if single.changed.len() > 1 || !freed.insert((single.index, field.clone())) {
            continue; // one variation per object and field
        }
        let owner = &base[single.index];
        let Some(value) = owner
            .pointer(field)
            .filter(|v| !v.is_object() && !v.is_array())
        else {
            continue;
        };
        for (j, other) in base.iter().enumerate() {
            let Some(theirs) = other.pointer(field) else {
                continue;
            };
            if j == single.index
                || other["kind"] != owner["kind"]
                || theirs == value
                || theirs.is_object()
            {
                continue;
            }
            let mut taker = other.clone();
            *taker.pointer_mut(field).unwrap() = value.clone();
            changes.push(Change {
                label: format!(
                    "{} {} frees {value} for {}",
                    cross::label(owner),
                    single.what,
                    cross::label(other)
                ),
                family: Family::FreesAndTakes,
                steps: vec![taker, single.object.clone()],
                expected: None,
            });
        }
    }
    for i in 0..base.len() {
        for j in i + 1..base.len() {
            if base[i]["kind"] != base[j]["kind"] {
                continue;
            }
            for (field, a) in scalars(&base[i]["spec"], "/spec") {
                let Some(b) = base[j].pointer(&field) else {
                    continue;
                };
                if *b == a || b.is_object() || b.is_array() {
                    continue;
                }
                let mut first = base[i].clone();
                *first.pointer_mut(&field).unwrap() = b.clone();
                let mut second = base[j].clone();
                *second.pointer_mut(&field).unwrap() = a.clone();
                changes.push(Change {
                    label: format!(
                        "{} and {} swap {field}",
                        cross::label(&base[i]),
                        cross::label(&base[j])
                    ),
                    family: Family::FreesAndTakes,
                    steps: vec![first, second],
                    expected: None,
                });
            }
        }
    }
    changes
}

/// Every scalar under `value` (at `at`), with its pointer.
fn scalars(value: &Value, at: &str) -> Vec<(String, Value)> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, child)| {
                let segment = key.replace('~', "~0").replace('/', "~1");
                scalars(child, &format!("{at}/{segment}"))
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, child)| scalars(child, &format!("{at}/{i}")))
            .collect(),
        scalar => vec![(at.to_owned(), scalar.clone())],
    }
}

/// `object` with every value naming `old` (`old`, or `old/<port or subnet>`) naming `new`.
fn renamed_references(object: &Value, old: &str, new: &str) -> Value {
    fn walk(value: &mut Value, old: &str, new: &str) {
        match value {
            Value::Object(map) => map.values_mut().for_each(|v| walk(v, old, new)),
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, old, new)),
            Value::String(text) => {
                if text == old {
                    *text = new.to_owned();
                } else if let Some(rest) = text.strip_prefix(&format!("{old}/")) {
                    *text = format!("{new}/{rest}");
                }
            }
            _ => {}
        }
    }
    let mut out = object.clone();
    walk(&mut out["spec"], old, new);
    out
}

/// For each object (but those named `default`, which objects take without naming them)
/// whose copy under a new name Hedgehog admits against the fabric, the copy created and
/// each object that names the original pointed at the copy; and all of them at once when
/// there are several.
pub fn retargeted(
    binary: &str,
    registry: &Registry,
    config: &FabricConfig,
    base: &[Value],
) -> Vec<Change> {
    let (originals, copies): (Vec<&Value>, Vec<Subject>) = base
        .iter()
        .filter(|original| original["metadata"]["name"] != "default")
        .map(|original| {
            let mut copy = original.clone();
            let name = original["metadata"]["name"].as_str().unwrap_or_default();
            copy["metadata"]["name"] = json!(format!("{name}-new"));
            (original, subject(cross::label(&copy), copy, config))
        })
        .filter(|(_, copy)| !matches!(ours(registry, copy).verdict, Verdict::Skip(_)))
        .unzip();
    let theirs = hhoracle::theirs_in_clusters(binary, &copies, &vec![base.to_vec(); copies.len()]);
    let mut changes = Vec::new();
    for ((original, copy), theirs) in originals.into_iter().zip(&copies).zip(theirs) {
        if theirs.verdict != Verdict::Accept {
            continue;
        }
        let copy = &copy.object;
        let old = original["metadata"]["name"].as_str().unwrap_or_default();
        let new = copy["metadata"]["name"].as_str().unwrap_or_default();
        let referrers: Vec<Value> = base
            .iter()
            .filter(|o| names_in_spec(o).contains(old) && o["kind"] != original["kind"])
            .map(|o| renamed_references(o, old, new))
            .collect();
        let mut sets: Vec<Vec<Value>> = referrers.iter().map(|r| vec![r.clone()]).collect();
        if referrers.len() > 1 {
            sets.push(referrers);
        }
        for set in sets {
            let names: Vec<String> = set.iter().map(cross::label).collect();
            let mut steps = set;
            steps.push(copy.clone());
            changes.push(Change {
                label: format!(
                    "{} created, {} pointed at it",
                    cross::label(copy),
                    names.join(", ")
                ),
                family: Family::Retargeted,
                steps,
                expected: None,
            });
        }
    }
    changes
}
