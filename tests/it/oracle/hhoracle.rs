//! Hedgehog's verdicts: runs `hhoracle` on the subjects, without the cluster, and for
//! Switches also with one, for the hydration checks Go runs only then.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Subject, Theirs, Verdict};

/// Runs hhoracle on `subjects`, one run per config (the config is per run), with the cluster
/// `objects` when `kube` is set.
fn oracle(binary: &str, subjects: &[&Subject], kube: bool, objects: &[Value]) -> Vec<Theirs> {
    let not_run = Theirs {
        verdict: Verdict::Skip("not run"),
        error: String::new(),
    };
    let mut verdicts = vec![not_run; subjects.len()];
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in subjects.iter().enumerate() {
        groups
            .entry(serde_json::to_string(&s.config).unwrap())
            .or_default()
            .push(i);
    }
    for indexes in groups.values() {
        let config = &subjects[indexes[0]].config;
        let input = json!({
            "kube": kube,
            "objects": objects,
            "fabricConfigNil": config.is_none(),
            "fabricConfig": config,
            "subjects": indexes.iter().map(|i| &subjects[*i].object).collect::<Vec<_>>(),
        });
        let lines = crate::common::hhoracle::run(binary, &input);
        assert_eq!(lines.len(), indexes.len());
        for (i, line) in indexes.iter().zip(lines) {
            let error = line["error"].as_str().unwrap_or_default().to_owned();
            let verdict = if line.get("panic").is_some() {
                Verdict::Skip("hhoracle panicked")
            } else if error.starts_with("decode: json: cannot unmarshal number")
                || error.starts_with("decode: time: ")
            {
                // The webhook decodes the object into these same Go types (controller-
                // runtime's admission decoder) and denies the request when a number does
                // not fit its field or a duration does not parse, which the CRD schema lets
                // through: Hedgehog's rejection, not a value the oracle cannot compare.
                Verdict::Reject
            } else if error.starts_with("decode:") || error == "unsupported kind" {
                Verdict::Skip("hhoracle cannot decode it")
            } else if error.is_empty() {
                Verdict::Accept
            } else {
                Verdict::Reject
            };
            verdicts[*i] = Theirs { verdict, error };
        }
    }
    verdicts
}

/// Go runs a Switch's hydration checks (`HydrationValidation()`, `switch_types.go:291-445`,
/// which hh-gitops ports where they need no other switch) only with the cluster at hand
/// (`kube != nil`), after the checks that look up other objects. So each Switch with a
/// config is admitted a second time against `switch_cluster()`, and a hydration error there
/// is Go's verdict; when a look-up fails first, Go's hydration verdict is unknown. (With a
/// nil config Go's hydration checks dereference it and panic, while hh-gitops skips them:
/// those Switches keep the stand-alone verdict.)
fn with_hydration(standalone: Theirs, with_cluster: Theirs) -> Theirs {
    match (standalone.verdict, with_cluster.verdict) {
        (Verdict::Accept, Verdict::Reject)
            if with_cluster
                .error
                .starts_with("failed hydration validation") =>
        {
            with_cluster
        }
        (Verdict::Accept, Verdict::Reject) => Theirs {
            verdict: Verdict::Skip(
                "a look-up of another object fails before Go's hydration checks",
            ),
            error: with_cluster.error,
        },
        (Verdict::Accept, Verdict::Skip(why)) => Theirs {
            verdict: Verdict::Skip(why),
            error: with_cluster.error,
        },
        _ => standalone,
    }
}

/// `subject` for the hydration run: on the built-in profile `vs` (which has every feature),
/// without the per-port settings that only the profile look-ups read. Neither touches a
/// hydration check, and an example naming a profile that is not built in (`ds4000`) or a
/// port its profile lacks still reaches them.
fn on_profile_vs(subject: &Subject) -> Subject {
    let mut object = subject.object.clone();
    if let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) {
        if spec.contains_key("profile") {
            spec.insert("profile".into(), json!("vs"));
        }
        for per_port in [
            "portGroupSpeeds",
            "portSpeeds",
            "portBreakouts",
            "portAutoNegs",
            "portFECs",
        ] {
            spec.remove(per_port);
        }
    }
    Subject {
        label: subject.label.clone(),
        source: subject.source,
        kind: subject.kind.clone(),
        object,
        config: subject.config.clone(),
        config_given: subject.config_given,
    }
}

/// The cluster the Switches are admitted against: every VLANNamespace (each with its own
/// range, so that none overlap) and SwitchGroup that one of them names after `Default()`,
/// and nothing else, so no uniqueness check among switches can fire.
fn switch_cluster(switches: &[&Subject]) -> Vec<Value> {
    let mut namespaces = BTreeSet::from(["default".to_owned()]);
    let mut groups = BTreeSet::new();
    for subject in switches {
        let object = &subject.object;
        let namespace = object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or("default");
        let names = |pointer: &str| -> Vec<String> {
            object
                .pointer(pointer)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        };
        namespaces.extend(names("/spec/vlanNamespaces"));
        let mut named_groups = names("/spec/groups");
        if let Some(group) = object
            .pointer("/spec/redundancy/group")
            .and_then(Value::as_str)
        {
            named_groups.push(group.to_owned());
        }
        for group in named_groups {
            groups.insert((namespace.to_owned(), group));
        }
    }
    let vlan_namespaces = namespaces.into_iter().enumerate().map(|(i, name)| {
        let from = 1000 + 10 * i;
        json!({"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "VLANNamespace",
               "metadata": {"name": name}, "spec": {"ranges": [{"from": from, "to": from + 9}]}})
    });
    let switch_groups = groups.into_iter().map(|(namespace, name)| {
        json!({"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "SwitchGroup",
               "metadata": {"name": name, "namespace": namespace}, "spec": {}})
    });
    vlan_namespaces.chain(switch_groups).collect()
}

/// Go's verdict on every subject admitted against its own cluster (`kube: true`): one
/// hhoracle run per distinct cluster and config.
pub fn theirs_in_clusters(
    binary: &str,
    subjects: &[Subject],
    clusters: &[Vec<Value>],
) -> Vec<Theirs> {
    let mut verdicts: Vec<Option<Theirs>> = vec![None; subjects.len()];
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, cluster) in clusters.iter().enumerate() {
        groups
            .entry(serde_json::to_string(cluster).unwrap())
            .or_default()
            .push(i);
    }
    for indexes in groups.values() {
        let group: Vec<&Subject> = indexes.iter().map(|i| &subjects[*i]).collect();
        let found = oracle(binary, &group, true, &clusters[indexes[0]]);
        for (i, theirs) in indexes.iter().zip(found) {
            verdicts[*i] = Some(theirs);
        }
    }
    verdicts.into_iter().map(Option::unwrap).collect()
}

/// Go's verdict on every subject: `Default()` + `Validate()` without the cluster, and for
/// Switches also their hydration checks (`with_hydration`).
pub fn theirs(binary: &str, subjects: &[Subject]) -> Vec<Theirs> {
    let all: Vec<&Subject> = subjects.iter().collect();
    let mut verdicts = oracle(binary, &all, false, &[]);
    let switches: Vec<usize> = (0..subjects.len())
        .filter(|i| subjects[*i].kind == "Switch" && subjects[*i].config.is_some())
        .collect();
    let on_vs: Vec<Subject> = switches
        .iter()
        .map(|i| on_profile_vs(&subjects[*i]))
        .collect();
    let on_vs: Vec<&Subject> = on_vs.iter().collect();
    let with_cluster = oracle(binary, &on_vs, true, &switch_cluster(&on_vs));
    for (i, hydrated) in switches.into_iter().zip(with_cluster) {
        verdicts[i] = with_hydration(verdicts[i].clone(), hydrated);
    }
    verdicts
}
