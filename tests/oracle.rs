//! Differential test against Hedgehog's own admission code: `hhoracle`
//! (`../shared/oracle/`, built by `.ci/run` when the shared folder is present) runs the
//! fabric's unmodified `Default()` + `Validate()` offline. Every admission case of
//! `tests/admission/*.yaml` and every mutation of Hedgehog's own example resources goes
//! through both, and the verdicts (accept or reject) must agree.
//!
//! What is not compared: objects the CRD schema (or the name rules) rejects, since the
//! oracle does not apply the schema (`../shared/oracle/README.md`, "What it does NOT
//! model"), objects the oracle cannot decode, and the cross-object cases (the oracle runs
//! with `kube: false` here). Run with `HH_ORACLE=path/to/hhoracle cargo test --test oracle
//! -- --ignored --nocapture`; it prints the agreement per kind.

mod common;

#[path = "admission/cases.rs"]
mod cases;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use hh_gitops::manifest;
use hh_gitops::rules::config::FabricConfig;
use hh_gitops::rules::{self, Context};
use hh_gitops::schema::Registry;
use hh_gitops::validate::check_file;

/// One object to admit, with the config both sides use.
struct Subject {
    label: String,
    kind: String,
    object: Value,
    /// `None`: a nil config (Go tests that pass none).
    config: Option<FabricConfig>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
    /// Not comparable: the schema or name rules decide, or the oracle cannot decode it.
    Skip(&'static str),
}

/// A config that turns on every feature switch, so the rules behind them run on both sides.
fn full_config() -> FabricConfig {
    let mut config = FabricConfig::fabricator_defaults();
    config.enable_gateway = true;
    config.include_sonic_clsp = true;
    config.include_cumulus = true;
    config
}

fn ours(registry: &Registry, subject: &Subject) -> (Verdict, String) {
    let ctx = Context {
        config: subject.config.as_ref(),
        config_given: true,
    };
    let text = serde_json::to_string_pretty(&subject.object).unwrap();
    match check_file(registry, &ctx, text.as_bytes()) {
        Ok(_) => (Verdict::Accept, String::new()),
        Err(findings) => {
            let first = findings
                .iter()
                .find(|f| f.is_error())
                .map(|f| format!("{} (at {})", f.message, f.pointer))
                .unwrap_or_default();
            let by_rules = rules::admit(&subject.kind, &subject.object, &ctx)
                .iter()
                .any(|v| v.severity == rules::Severity::Error);
            if by_rules {
                (Verdict::Reject, first)
            } else {
                (Verdict::Skip("schema or name rules"), first)
            }
        }
    }
}

fn oracle(binary: &str, subjects: &[Subject]) -> Vec<(Verdict, String)> {
    // One oracle run per config, as the config is per run.
    let mut verdicts = vec![(Verdict::Skip("not run"), String::new()); subjects.len()];
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
            "kube": false,
            "fabricConfigNil": config.is_none(),
            "fabricConfig": config,
            "subjects": indexes.iter().map(|i| &subjects[*i].object).collect::<Vec<_>>(),
        });
        let mut child = Command::new(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {binary}: {e}"));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.to_string().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "hhoracle failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), indexes.len());
        for (i, line) in indexes.iter().zip(lines) {
            let error = line["error"].as_str().unwrap_or_default().to_owned();
            let verdict = if line.get("panic").is_some() {
                Verdict::Skip("oracle panicked")
            } else if error.starts_with("decode:") || error == "unsupported kind" {
                Verdict::Skip("oracle cannot decode it")
            } else if error.is_empty() {
                Verdict::Accept
            } else {
                Verdict::Reject
            };
            verdicts[*i] = (verdict, error);
        }
    }
    verdicts
}

/// Replacement values for a scalar: the values the rules care about (prefix lengths,
/// host bits, address families, ranges' edges, malformed forms).
fn replacements(value: &Value) -> Vec<Value> {
    match value {
        Value::Bool(b) => vec![json!(!b)],
        Value::Number(n) => {
            let n = n.as_i64().unwrap_or(0);
            [
                0,
                1,
                n + 1,
                n - 1,
                95,
                4094,
                4095,
                9037,
                65535,
                4_294_967_295,
            ]
            .into_iter()
            .filter(|m| *m != n && *m >= 0)
            .map(|m| json!(m))
            .collect()
        }
        Value::String(s) => {
            let mut out: Vec<String> = Vec::new();
            if let Some((addr, len)) = s.split_once('/')
                && len.parse::<u8>().is_ok()
            {
                let octets: Vec<&str> = addr.split('.').collect();
                for l in ["31", "32", "33", "0", "16"] {
                    out.push(format!("{addr}/{l}"));
                }
                if octets.len() == 4 {
                    out.push(format!("{}.{}.{}.5/{len}", octets[0], octets[1], octets[2]));
                }
                out.push(format!("300.1.1.1/{len}"));
                out.push("fd00::/64".into());
                out.push(addr.to_owned());
            } else if s.parse::<std::net::Ipv4Addr>().is_ok() {
                let octets: Vec<&str> = s.split('.').collect();
                out.extend([
                    "300.1.1.1".to_owned(),
                    "0.0.0.0".into(),
                    "224.0.0.1".into(),
                    "fd00::1".into(),
                    format!("{}.{}.{}.255", octets[0], octets[1], octets[2]),
                    format!("{}.{}.{}.0", octets[0], octets[1], octets[2]),
                    format!("{s}/24"),
                ]);
            } else if hh_gitops::rules::net::parse_mac(s).is_ok() {
                out.extend([
                    "0c:20:12:fe:01".into(),
                    "01:00:5e:00:00:01".into(),
                    "00:00:00:00:00:00".into(),
                    "zz:20:12:fe:01:00".into(),
                ]);
            } else if let Some((a, b)) = s.split_once(':')
                && a.parse::<u32>().is_ok()
                && b.parse::<u32>().is_ok()
            {
                out.extend([
                    "65536:1".into(),
                    "01:1".into(),
                    a.to_owned(),
                    format!("{a}:{b}:1"),
                ]);
            } else if let Some((device, port)) = s.split_once('/') {
                out.extend([device.to_owned(), format!("/{port}"), format!("{device}/")]);
            } else {
                out.extend([String::new(), "x".into()]);
            }
            out.into_iter()
                .filter(|m| m != s)
                .map(Value::String)
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Every single-field mutation of `object`'s spec and annotations: each scalar replaced,
/// each mapping key removed.
fn mutations(object: &Value) -> Vec<(String, Value)> {
    fn walk(value: &Value, pointer: String, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let child_pointer = format!("{pointer}/{}", rules::pointer_segment(key));
                    out.push((child_pointer.clone(), Value::Null));
                    walk(child, child_pointer, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{pointer}/{i}"), out);
                }
            }
            scalar => {
                for replacement in replacements(scalar) {
                    out.push((pointer.clone(), replacement));
                }
            }
        }
    }
    let mut edits = Vec::new();
    if let Some(spec) = object.get("spec") {
        walk(spec, "/spec".into(), &mut edits);
    }
    edits
        .into_iter()
        .filter_map(|(pointer, replacement)| {
            let mut mutated = object.clone();
            if replacement.is_null() {
                let (parent, key) = pointer.rsplit_once('/')?;
                let key = key.replace("~1", "/").replace("~0", "~");
                mutated.pointer_mut(parent)?.as_object_mut()?.remove(&key)?;
                Some((format!("{pointer} removed"), mutated))
            } else {
                let label = format!("{pointer} = {replacement}");
                *mutated.pointer_mut(&pointer)? = replacement;
                Some((label, mutated))
            }
        })
        .collect()
}

/// The full resources of Hedgehog's examples (not partial, template, legacy or internal).
fn example_objects() -> Vec<(String, Value)> {
    let dir = common::fixtures().join("hedgehog-examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".yaml") && name.matches('.').count() == 1
        })
        .collect();
    files.sort();
    let mut objects = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(documents) = manifest::parse(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        for document in documents {
            let object = document.root.to_json();
            if object.get("kind").and_then(Value::as_str).is_some() {
                objects.push((format!("{name}:{}", document.start_line), object));
            }
        }
    }
    objects
}

#[test]
#[ignore = "needs hhoracle (HH_ORACLE), which .ci/run builds from ../shared/oracle"]
fn hh_gitops_and_hedgehogs_own_code_agree() {
    let binary = std::env::var("HH_ORACLE").expect("set HH_ORACLE to the hhoracle binary");
    let registry = Registry::embedded();
    let mut subjects = Vec::new();
    for case in cases::all_cases().into_iter().filter(|c| !c.cross_object) {
        let config = match &case.config {
            None => Some(FabricConfig::fabricator_defaults()),
            Some(config) => config.clone(),
        };
        let kind = case.object["kind"].as_str().unwrap_or_default().to_owned();
        subjects.push(Subject {
            label: case.label(),
            kind,
            object: case.object,
            config,
        });
    }
    let table_cases = subjects.len();
    for (label, object) in example_objects() {
        let kind = object["kind"].as_str().unwrap_or_default().to_owned();
        for (edit, mutated) in
            std::iter::once(("as written".to_owned(), object.clone())).chain(mutations(&object))
        {
            subjects.push(Subject {
                label: format!("{label} {edit}"),
                kind: kind.clone(),
                object: mutated,
                config: Some(full_config()),
            });
        }
    }
    let theirs = oracle(&binary, &subjects);
    // kind -> [compared, agreed, skipped]
    let mut tally: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for (i, (subject, (their, their_message))) in subjects.iter().zip(&theirs).enumerate() {
        let (our, our_message) = ours(&registry, subject);
        let counts = tally.entry(&subject.kind).or_default();
        match (our, *their) {
            (Verdict::Skip(_), _) | (_, Verdict::Skip(_)) => counts[2] += 1,
            (a, b) => {
                counts[0] += 1;
                if a == b {
                    counts[1] += 1;
                } else {
                    let source = if i < table_cases { "case" } else { "mutation" };
                    disagreements.push(format!(
                        "{source} {}: hh-gitops {our:?} `{our_message}`, Hedgehog {their:?} `{their_message}`",
                        subject.label
                    ));
                }
            }
        }
    }
    println!(
        "{:<20} {:>9} {:>7} {:>8}",
        "kind", "compared", "agreed", "skipped"
    );
    let mut total = [0; 3];
    for (kind, counts) in &tally {
        println!(
            "{kind:<20} {:>9} {:>7} {:>8}",
            counts[0], counts[1], counts[2]
        );
        for k in 0..3 {
            total[k] += counts[k];
        }
    }
    println!(
        "{:<20} {:>9} {:>7} {:>8}",
        "all", total[0], total[1], total[2]
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with Hedgehog's own code:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
