//! Every way the admission rules of Hedgehog 26.01, 26.02 and 26.03 differ (githedgehog/fabric
//! at [v0.115.4](https://github.com/githedgehog/fabric/tree/v0.115.4), [v0.120.3](https://github.com/githedgehog/fabric/tree/v0.120.3) and v0.129.1, the one
//! fabricator's master [vendors](https://github.com/githedgehog/fabricator/blob/fee556700e61d700cc1914d41ddff26c9f571268/go.mod#L40)), as cases checked at all three releases: the
//! object is accepted where that release accepts it and refused where it refuses it. Each
//! document of `tests/releases/*.yaml` is one case:
//!
//! ```yaml
//! case: an MCLAG connection with one port on two links
//! difference: MCLAG is still supported     # the difference, in a few words
//! object: {apiVersion: ..., kind: Connection, ...}
//! accept: ["26.03"]                        # the releases that accept it
//! reject:                                  # the others, each with Hedgehog's own message,
//!   "26.01": unique ports must be used for mclag connection
//!   "26.02": unique ports must be used for mclag connection
//!   # or `unknown field /spec/portFECs`: the release's CRD schema has no such field
//! ```
//!
//! Every object is admitted into the fabric of `tests/releases/fabric.yaml` (in place of the
//! fabric's object of the same kind and name, if any): a small consistent fabric with an
//! MCLAG pair, its mclagDomain, a server's MCLAG connection and an attachment to it, which
//! 26.01 and 26.02 accept whole. hh-gitops checks it through `check_file` (the schema, then
//! the rules) and then against the fabric's state as a raw file whose managed/ holds the rest
//! (`--references strict`), with a context of that release and a config that turns every
//! feature on.
//!
//! `the_expected_verdicts_are_hedgehogs_own` proves the expected table with Hedgehog's own
//! code: run with `HH_ORACLE=<hhoracle built with RELEASE=r> HH_ORACLE_RELEASE=r cargo test
//! --test it releases:: -- --ignored` (`.ci/run` does, for each release), it admits every object
//! with `kube: true` and the same fabric and config, and requires Hedgehog's exact message
//! for every refusal. The one exception is the schema: Hedgehog's decoder drops a field its
//! Go types lack, so for an `unknown field` refusal the oracle must accept the object and its
//! `Default()`ed result must lack the field, while every release that accepts the object must
//! keep it.

mod cases;

use serde_json::{Value, json};

use hh_gitops::rules::config::FabricConfig;
use hh_gitops::rules::{Context, Release};
use hh_gitops::schema::Registry;
use hh_gitops::validate::check_file;

use crate::admission::cases as admission;
use cases::{Case, Expected};

/// A config that turns on every feature switch (gateway, the `-clsp` and Cumulus profiles),
/// so the rules behind them run on both sides.
fn full_config() -> FabricConfig {
    let mut config = FabricConfig::fabricator_defaults();
    config.enable_gateway = true;
    config.include_sonic_clsp = true;
    config.include_cumulus = true;
    config
}

/// hh-gitops's verdict on `case` at `release`: `Ok` with its warnings, or its findings.
fn ours(
    registry: &Registry,
    config: &FabricConfig,
    fabric: &[Value],
    case: &Case,
    release: Release,
) -> Result<(), Vec<String>> {
    let ctx = Context {
        config: Some(config),
        config_given: true,
        release,
    };
    let text = serde_json::to_string_pretty(&case.object).unwrap();
    let cluster = cases::cluster_for(fabric, &case.object);
    check_file(registry, &ctx, text.as_bytes())
        .and_then(|resources| admission::in_fabric(resources, &cluster, &ctx))
        .map(|_| ())
        .map_err(|findings| {
            findings
                .into_iter()
                .filter(|f| f.is_error())
                .map(|f| format!("{} (at {})", f.message, f.pointer))
                .collect()
        })
}

#[test]
fn each_difference_gets_each_releases_verdict() {
    let registry = Registry::embedded();
    let config = full_config();
    let fabric = cases::fabric();
    let all = cases::all();
    let mut failures = Vec::new();
    let mut differences = std::collections::BTreeSet::new();
    for case in &all {
        differences.insert(case.difference.as_str());
        for (release, expected) in &case.expected {
            let got = ours(&registry, &config, &fabric, case, *release);
            let wrong = match (expected, &got) {
                (Expected::Accept, Ok(())) => None,
                (Expected::Accept, Err(findings)) => Some(format!("refused: {}", findings[0])),
                (_, Ok(())) => Some("accepted".to_owned()),
                // hh-gitops's own words name the field it does not know, or point at it.
                (Expected::UnknownField(pointer), Err(findings)) => {
                    let field = pointer.rsplit('/').next().unwrap_or_default();
                    (!findings.iter().any(|f| f.contains(field)))
                        .then(|| format!("refused, but not for `{field}`: {}", findings[0]))
                }
                (Expected::Reject(_), Err(_)) => None,
            };
            if let Some(wrong) = wrong {
                failures.push(format!(
                    "{} at {release}: expected {}, {wrong}",
                    case.label,
                    describe(expected)
                ));
            }
        }
    }
    println!(
        "{} cases for {} differences, each at {} releases",
        all.len(),
        differences.len(),
        Release::ALL.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} verdicts are not the release's:\n{}",
        failures.len(),
        all.len() * Release::ALL.len(),
        failures.join("\n")
    );
}

fn describe(expected: &Expected) -> String {
    match expected {
        Expected::Accept => "accept".to_owned(),
        Expected::Reject(message) => format!("reject (Hedgehog: `{message}`)"),
        Expected::UnknownField(pointer) => format!("reject: no field {pointer} in its schema"),
    }
}

/// Hedgehog's answer on `object` admitted into `cluster`: its error (empty when accepted)
/// and the object after `Default()`.
fn theirs(
    binary: &str,
    config: &FabricConfig,
    cluster: &[Value],
    object: &Value,
) -> (String, Value) {
    let input = json!({
        "kube": true,
        "objects": cluster,
        "fabricConfig": config,
        "printDefaulted": true,
        "subjects": [object],
    });
    let answers = crate::common::hhoracle::run(binary, &input);
    let [line] = answers.as_slice() else {
        panic!("hhoracle gave {} answers to one subject", answers.len());
    };
    assert!(line.get("panic").is_none(), "hhoracle panicked: {line}");
    let error = line["error"].as_str().unwrap_or_default().to_owned();
    (error, line["defaulted"].clone())
}

#[test]
#[ignore = "needs hhoracle built for a release (HH_ORACLE, HH_ORACLE_RELEASE), which .ci/run builds"]
fn the_expected_verdicts_are_hedgehogs_own() {
    let binary = std::env::var("HH_ORACLE").expect("set HH_ORACLE to the hhoracle binary");
    let release: Release = std::env::var("HH_ORACLE_RELEASE")
        .expect("set HH_ORACLE_RELEASE to the release hhoracle was built for")
        .parse()
        .unwrap();
    let config = full_config();
    let fabric = cases::fabric();
    let all = cases::all();
    let mut failures = Vec::new();
    for case in &all {
        let expected = &case.expected.iter().find(|(r, _)| *r == release).unwrap().1;
        let cluster = cases::cluster_for(&fabric, &case.object);
        let (error, defaulted) = theirs(&binary, &config, &cluster, &case.object);
        let has = |pointer: &str| defaulted.pointer(pointer).is_some();
        let wrong = match expected {
            Expected::Accept if !error.is_empty() => Some(format!("Hedgehog refuses: `{error}`")),
            Expected::Accept => case
                .unknown_somewhere()
                .into_iter()
                .find(|pointer| !has(pointer))
                .map(|pointer| format!("{pointer} is not a field of this release")),
            Expected::Reject(message) if error != *message => {
                Some(format!("Hedgehog says `{error}`"))
            }
            Expected::Reject(_) => None,
            Expected::UnknownField(_) if !error.is_empty() => {
                Some(format!("Hedgehog refuses: `{error}`"))
            }
            Expected::UnknownField(pointer) => has(pointer)
                .then(|| format!("{pointer} is a field of this release: `Default()` keeps it")),
        };
        if let Some(wrong) = wrong {
            failures.push(format!(
                "{}: expected {}, {wrong}",
                case.label,
                describe(expected)
            ));
        }
    }
    println!(
        "{} cases at {release}, {} not Hedgehog's",
        all.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} expected verdicts at {release} are not Hedgehog's:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
