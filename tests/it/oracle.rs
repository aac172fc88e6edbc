//! Differential test against Hedgehog's own admission code: `hhoracle` (the team's, not in
//! this repository; `.ci/run` builds it when a `../shared/oracle/` is beside the checkout)
//! runs the fabric's unmodified `Default()` + `Validate()` offline. Every admission case of
//! `tests/admission/*.yaml`, and every single-field mutation of those cases' objects and
//! of Hedgehog's own example resources, goes through both, and the verdicts (accept or
//! reject) must agree.
//!
//! What is not compared (counted as skipped, with the reason): objects the CRD schema (or
//! the name rules) rejects, since the oracle does not apply the schema, objects the oracle
//! cannot decode for a reason the schema also refuses. The first test runs the oracle with
//! `kube: false` (except for the Switch hydration checks, see `with_hydration`); the second,
//! `cross_object_verdicts_agree_with_hedgehogs_own_code`, runs the rules between objects:
//! each object of a consistent fabric, varied (`oracle/cross.rs`), against the rest. The
//! third, `change_transitions_agree_with_hedgehogs_own_code`, applies changes of that fabric
//! (`oracle/changes.rs`) one object at a time (`oracle/transitions.rs`): each step against
//! the fabric as it stands, then whether the change applies in some order.
//! A disagreement that is hh-gitops's design is counted apart as excused, each class by a
//! rule stated in one sentence (`Excuse::rule`); any other fails the test. Run with
//! `HH_ORACLE=path/to/hhoracle cargo test --test it oracle:: -- --ignored --nocapture`; it
//! prints the agreement per kind, the excused classes and the skip reasons.
//!
//! `HH_ORACLE_RELEASE=26.01|26.02|26.03` says which Hedgehog release the oracle was built
//! for (its build's `RELEASE=`): hh-gitops then checks at that release,
//! only the admission cases that hold at it take part, and the cross-object fabric gains the
//! objects only that release has (`cross::fabric`). Unset, the oracle is the 78827deb
//! baseline and hh-gitops checks at its newest release.

mod by_hand;
mod changes;
mod cross;
mod families;
mod hhoracle;
mod hydration;
mod mutations;
mod outcomes;
mod transitions;

use std::collections::BTreeMap;

use serde_json::Value;

use hh_gitops::finding::Finding;
use hh_gitops::manifest;
use hh_gitops::rules::config::FabricConfig;
use hh_gitops::rules::{self, Context, Release};
use hh_gitops::schema::Registry;
use hh_gitops::validate::check_file;

use crate::admission::cases;
use hh_gitops::kind::Kind;
use hydration::{hydrated, hydrated_fields, unset};
use mutations::{integral_floats_as_integers, mutations};

#[test]
#[ignore = "needs hhoracle (HH_ORACLE), which .ci/run builds from ../shared/oracle"]
fn cross_object_verdicts_agree_with_hedgehogs_own_code() {
    let binary = std::env::var("HH_ORACLE").expect("set HH_ORACLE to the hhoracle binary");
    let registry = Registry::embedded();
    let config = full_config();
    let objects = cross::fabric();
    let mut subjects = Vec::new();
    let mut clusters = Vec::new();
    for index in 0..objects.len() {
        for (what, object, cluster) in cross::variations(&objects, index) {
            let mut object = object;
            integral_floats_as_integers(&mut object);
            subjects.push(Subject {
                label: format!("{} {what}", cross::label(&objects[index])),
                source: "fabric variation",
                kind: objects[index]["kind"].as_str().unwrap().to_owned(),
                object,
                config: Some(config.clone()),
                config_given: true,
            });
            clusters.push(cluster);
        }
    }
    let theirs = hhoracle::theirs_in_clusters(&binary, &subjects, &clusters);
    let mut comparison = Comparison::default();
    for ((subject, cluster), their) in subjects.iter().zip(&clusters).zip(&theirs) {
        let our = ours_in_fabric(&registry, subject, cluster);
        comparison.add(subject, &our, their, &subject.label, || None);
    }
    comparison.print();
    comparison.assert_agreed();
}

/// Each change of `changes` (creates and updates of the fabric of `cross::fabric()`)
/// applied one object at a time (`transitions`): both sides' verdicts on every step in every
/// round must agree, and hh-gitops must accept exactly the changes Hedgehog applies in some
/// order (`outcomes`).
#[test]
#[ignore = "needs hhoracle (HH_ORACLE), which .ci/run builds from ../shared/oracle"]
fn change_transitions_agree_with_hedgehogs_own_code() {
    let binary = std::env::var("HH_ORACLE").expect("set HH_ORACLE to the hhoracle binary");
    let registry = Registry::embedded();
    let config = full_config();
    let mut base = cross::fabric();
    base.iter_mut().for_each(integral_floats_as_integers);
    let changes = changes::all(&binary, &registry, &config, &base);
    let simulation = transitions::simulate(&binary, &registry, &config, &base, &changes);
    let steps = &simulation.steps;
    println!("each step, in each round:");
    steps.comparison.print();
    println!(
        "steps both sides accept: {}, both refuse: {}",
        steps.both_accept, steps.both_refuse
    );
    let outcomes = outcomes::Outcomes::of(&simulation.verdicts);
    outcomes.print();
    outcomes.assert_written_outcomes();
    steps.comparison.assert_agreed();
    outcomes.assert_agreed();
}

/// hh-gitops's answer for `subject` as a raw file of a fabric whose managed/ holds
/// `cluster`, with `--references strict` (the cluster is the whole fabric).
fn ours_in_fabric(registry: &Registry, subject: &Subject, cluster: &[Value]) -> Ours {
    let alone = ours(registry, subject);
    if alone.verdict != Verdict::Accept {
        return alone;
    }
    let ctx = Context {
        config: subject.config.as_ref(),
        config_given: subject.config_given,
        release: release(),
    };
    let text = serde_json::to_string_pretty(&subject.object).unwrap();
    let resources = check_file(registry, &ctx, text.as_bytes()).expect("accepted alone");
    match cases::in_fabric(resources, cluster, &ctx) {
        Ok(resources) => Ours {
            verdict: Verdict::Accept,
            first_error: String::new(),
            warnings: resources.into_iter().flat_map(|r| r.warnings).collect(),
        },
        Err(findings) => Ours {
            verdict: Verdict::Reject,
            first_error: findings
                .iter()
                .find(|f| f.is_error())
                .map(|f| format!("{} (at {})", f.message, f.pointer))
                .unwrap_or_default(),
            warnings: Vec::new(),
        },
    }
}

/// The release the oracle was built for: `HH_ORACLE_RELEASE`, or, unset, the newest (the
/// 78827deb baseline oracle, which no release ships, sits between 26.02 and 26.03).
fn release() -> Release {
    match std::env::var("HH_ORACLE_RELEASE") {
        Ok(name) => name
            .parse()
            .unwrap_or_else(|e| panic!("HH_ORACLE_RELEASE: {e}")),
        Err(_) => Release::NEWEST,
    }
}

/// Whether `HH_ORACLE_RELEASE` names a release (not the 78827deb baseline).
fn release_named() -> bool {
    std::env::var_os("HH_ORACLE_RELEASE").is_some()
}

/// One object to admit, with the config both sides use.
struct Subject {
    label: String,
    /// `case`, `case mutation` (a mutation of a case's object) or `mutation` (of an example).
    source: &'static str,
    kind: String,
    object: Value,
    /// `None`: a nil config (Go tests that pass none).
    config: Option<FabricConfig>,
    /// Whether hh-gitops is told the config was given: a case without `config:` runs on
    /// fabricator's defaults, not given, as `tests/it/admission.rs` runs it.
    config_given: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
    /// Not comparable, and why.
    Skip(&'static str),
}

/// hh-gitops's answer: its verdict, its first error and its warnings.
struct Ours {
    verdict: Verdict,
    first_error: String,
    warnings: Vec<Finding>,
}

/// hhoracle's answer: its verdict and Hedgehog's error message.
#[derive(Clone)]
struct Theirs {
    verdict: Verdict,
    error: String,
}

/// A config that turns on every feature switch, so the rules behind them run on both sides.
fn full_config() -> FabricConfig {
    let mut config = FabricConfig::fabricator_defaults();
    config.enable_gateway = true;
    config.include_sonic_clsp = true;
    config.include_cumulus = true;
    config
}

fn ours(registry: &Registry, subject: &Subject) -> Ours {
    let ctx = Context {
        config: subject.config.as_ref(),
        config_given: subject.config_given,
        release: release(),
    };
    let text = serde_json::to_string_pretty(&subject.object).unwrap();
    match check_file(registry, &ctx, text.as_bytes()) {
        Ok(resources) => Ours {
            verdict: Verdict::Accept,
            first_error: String::new(),
            warnings: resources.into_iter().flat_map(|r| r.warnings).collect(),
        },
        Err(findings) => {
            let first_error = findings
                .iter()
                .find(|f| f.is_error())
                .map(|f| format!("{} (at {})", f.message, f.pointer))
                .unwrap_or_default();
            let by_rules = rules::admit(&Kind::from_name(&subject.kind), &subject.object, &ctx)
                .iter()
                .any(|v| v.severity == rules::Severity::Error);
            let verdict = if by_rules {
                Verdict::Reject
            } else {
                Verdict::Skip("the CRD schema or the name rules decide")
            };
            Ours {
                verdict,
                first_error,
                warnings: Vec::new(),
            }
        }
    }
}

/// A disagreement that is hh-gitops's design, not a bug. Each is counted and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Excuse {
    UnhydratedField,
    GatewaySupportNotGiven,
    DefaultConfigValue,
    StaticLeaseByMapOrder,
    UpdateWebhook,
    BreaksAnother,
    FabricCreatedGatewayGroup,
}

impl Excuse {
    /// The rule that excuses the class, in one sentence.
    fn rule(self) -> &'static str {
        match self {
            Excuse::UnhydratedField => {
                "Go rejects for a field that hhfab fills when it hydrates the wiring and the subject leaves unset, and hh-gitops accepts with a warning naming that field"
            }
            Excuse::StaticLeaseByMapOrder => {
                "a VPC subnet writes one MAC's static lease under two keys, neither in lowercase colon form, so Go's Default() keeps one of them by map order and its verdict is chance, while hh-gitops checks both"
            }
            Excuse::UpdateWebhook => {
                "Go's update webhook (`pkg/ctrl/*_wh.go`), which hhoracle does not run, refuses an update that would strand objects already in the fabric (a namespace dropping its VPCs' subnets or VLANs), and hh-gitops, which ports it, refuses the update while it accepts the same object as a create"
            }
            Excuse::BreaksAnother => {
                "Go admits an update because its webhooks check only the object they admit, and hh-gitops refuses it because another object of the fabric fails Go's own check once the update is in (hhoracle admits that object before the step and refuses it after); the step is applied, and the broken object fails the change at the end"
            }
            Excuse::DefaultConfigValue => {
                "Go rejects for a value of fabricator's default config (a reserved subnet, the management, protocol, VTEP or fabric subnet, the ASNs, the reserved VLANs), and hh-gitops, given no config, accepts with a warning naming that default and how to give the real config"
            }
            Excuse::FabricCreatedGatewayGroup => {
                "Go refuses a Gateway or GatewayPeering of GatewayGroup `default` in a cluster that lacks that group, and hh-gitops, with gateways on, counts `default` present as an object the fabric creates itself (fabric-ctrl's peering reconciler `CreateOrUpdate`s it), as issue 21 asks: a repository never holds it"
            }
            Excuse::GatewaySupportNotGiven => {
                "Go rejects a gateway kind because fabricator's default config leaves gateway support off, and hh-gitops, given no config, accepts with a warning that it needs `spec.config.gateway.enable`"
            }
        }
    }
}

/// Whether a VPC subnet of `object` has two static-lease keys for one MAC, neither in the
/// lowercase colon form `Default()` moves them to (`vpc_types.go:348-359`).
fn lease_kept_by_map_order(object: &Value) -> bool {
    let subnets = object.pointer("/spec/subnets").and_then(Value::as_object);
    subnets.into_iter().flat_map(|s| s.values()).any(|subnet| {
        let mut forms: BTreeMap<String, usize> = BTreeMap::new();
        let leases = subnet.pointer("/dhcp/static").and_then(Value::as_object);
        for mac in leases.into_iter().flat_map(|l| l.keys()) {
            if let Ok(octets) = rules::net::parse_mac(mac) {
                let canonical = rules::net::format_mac(&octets);
                if canonical != *mac {
                    *forms.entry(canonical).or_default() += 1;
                }
            }
        }
        forms.values().any(|count| *count >= 2)
    })
}

/// The excused class a disagreement belongs to, if any.
fn excuse(subject: &Subject, ours: &Ours, theirs: &Theirs) -> Option<Excuse> {
    if subject.kind == "VPC" && lease_kept_by_map_order(&subject.object) {
        return Some(Excuse::StaticLeaseByMapOrder);
    }
    if (ours.verdict, theirs.verdict) != (Verdict::Accept, Verdict::Reject) {
        return None;
    }
    let warned = |words: &str| ours.warnings.iter().any(|w| w.message.contains(words));
    let unhydrated = hydrated_fields(&subject.kind, &subject.object)
        .into_iter()
        .any(|(pointer, named, go)| {
            unset(&subject.object, &pointer) && theirs.error.starts_with(&go) && warned(&named)
        });
    if unhydrated {
        return Some(Excuse::UnhydratedField);
    }
    let gateway_off = subject.config.as_ref().is_some_and(|c| !c.enable_gateway);
    if !subject.config_given
        && gateway_off
        && theirs.error.starts_with("gateway support is not enabled")
        && warned("needs `spec.config.gateway.enable: true`")
    {
        return Some(Excuse::GatewaySupportNotGiven);
    }
    if !subject.config_given && warned("that value is fabricator's default") {
        return Some(Excuse::DefaultConfigValue);
    }
    let gateway_on = subject.config.as_ref().is_some_and(|c| c.enable_gateway);
    if gateway_on && theirs.error.starts_with("gateway group default not found") {
        return Some(Excuse::FabricCreatedGatewayGroup);
    }
    None
}

/// The full resources of Hedgehog's examples (not partial, template, legacy or internal).
fn example_objects() -> Vec<(String, Value)> {
    let dir = crate::common::fixtures().join("hedgehog-examples");
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
    let cases = cases::all_cases().into_iter();
    for case in cases.filter(|c| !c.cross_object && c.holds_at(release())) {
        let (config, config_given) = match &case.config {
            None => (Some(FabricConfig::fabricator_defaults()), false),
            Some(config) => (config.clone(), true),
        };
        let kind = case.object["kind"].as_str().unwrap_or_default().to_owned();
        // The cases reach fields and configs that the examples leave out: their mutations
        // run the rules behind those too. A Gateway case is mutated hydrated (see
        // `hydrated`); Go's Gateway rules read no config subnet, so the full config's
        // values serve whatever the case's config. A Switch's hydration values must suit
        // the case's config, which may lack them: Switch cases are mutated as written.
        let mutated_from = if kind == "Gateway" {
            hydrated(&kind, &case.object, &full_config())
        } else {
            case.object.clone()
        };
        for (edit, object) in
            std::iter::once((String::new(), case.object.clone())).chain(mutations(&mutated_from))
        {
            subjects.push(Subject {
                label: format!("{} {edit}", case.label()).trim_end().to_owned(),
                source: if edit.is_empty() {
                    "case"
                } else {
                    "case mutation"
                },
                kind: kind.clone(),
                object,
                config: config.clone(),
                config_given,
            });
        }
    }
    let config = full_config();
    for (label, object) in example_objects() {
        let kind = object["kind"].as_str().unwrap_or_default().to_owned();
        let mutated_from = hydrated(&kind, &object, &config);
        for (edit, mutated) in std::iter::once(("as written".to_owned(), object.clone()))
            .chain(mutations(&mutated_from))
        {
            subjects.push(Subject {
                label: format!("{label} {edit}"),
                source: "mutation",
                kind: kind.clone(),
                object: mutated,
                config: Some(config.clone()),
                config_given: true,
            });
        }
    }
    for subject in &mut subjects {
        integral_floats_as_integers(&mut subject.object);
    }
    let theirs = hhoracle::theirs(&binary, &subjects);
    let mut comparison = Comparison::default();
    for (subject, their) in subjects.iter().zip(&theirs) {
        let our = ours(&registry, subject);
        let at = format!("{} {}", subject.source, subject.label);
        comparison.add(subject, &our, their, &at, || None);
    }
    comparison.print();
    comparison.assert_agreed();
}

/// One kind's counts. Compared = agreed + excused + disagreed.
#[derive(Default, Clone, Copy)]
struct Tally {
    agreed: usize,
    excused: usize,
    disagreed: usize,
    skipped: usize,
}

impl Tally {
    fn compared(&self) -> usize {
        self.agreed + self.excused + self.disagreed
    }

    fn add(&mut self, other: &Tally) {
        self.agreed += other.agreed;
        self.excused += other.excused;
        self.disagreed += other.disagreed;
        self.skipped += other.skipped;
    }
}

/// The verdicts of both sides on many subjects: counts per kind, the excused classes, why
/// subjects were skipped, and the disagreements no excuse covers.
#[derive(Default)]
struct Comparison {
    tally: BTreeMap<String, Tally>,
    excused: BTreeMap<Excuse, usize>,
    skipped: BTreeMap<&'static str, usize>,
    disagreements: Vec<String>,
}

impl Comparison {
    /// Counts the verdicts on `subject`; a disagreement no excuse covers (`excuse`, then
    /// `also_excuse`, asked only then) is kept, named `at`. Returns the excused class of an
    /// excused disagreement.
    fn add(
        &mut self,
        subject: &Subject,
        our: &Ours,
        their: &Theirs,
        at: &str,
        also_excuse: impl FnOnce() -> Option<Excuse>,
    ) -> Option<Excuse> {
        let counts = self.tally.entry(subject.kind.clone()).or_default();
        match (our.verdict, their.verdict) {
            (Verdict::Skip(why), _) | (_, Verdict::Skip(why)) => {
                counts.skipped += 1;
                *self.skipped.entry(why).or_default() += 1;
            }
            (a, b) if a == b => counts.agreed += 1,
            _ => match excuse(subject, our, their).or_else(also_excuse) {
                Some(class) => {
                    counts.excused += 1;
                    *self.excused.entry(class).or_default() += 1;
                    return Some(class);
                }
                None => {
                    counts.disagreed += 1;
                    self.disagreements.push(format!(
                        "{at}: hh-gitops {:?} `{}`, Hedgehog {:?} `{}`",
                        our.verdict, our.first_error, their.verdict, their.error
                    ));
                }
            },
        }
        None
    }

    /// Prints the report (`print_report`) and the count of unexplained disagreements.
    fn print(&self) {
        print_report(&self.tally, &self.excused, &self.skipped);
        println!("{} unexplained disagreements", self.disagreements.len());
    }

    /// Fails with every disagreement no excuse covers.
    fn assert_agreed(&self) {
        assert!(
            self.disagreements.is_empty(),
            "{} disagreements with Hedgehog's own code:\n{}",
            self.disagreements.len(),
            self.disagreements.join("\n")
        );
    }
}

/// The per-kind table (agreement = agreed / compared), then each excused class with its
/// rule and count, then why subjects were skipped.
fn print_report(
    tally: &BTreeMap<String, Tally>,
    excused: &BTreeMap<Excuse, usize>,
    skipped: &BTreeMap<&str, usize>,
) {
    println!(
        "{:<20} {:>9} {:>7} {:>8} {:>9} {:>8} {:>10}",
        "kind", "compared", "agreed", "excused", "disagreed", "skipped", "agreement"
    );
    let row = |name: &str, t: &Tally| {
        let agreement = 100.0 * t.agreed as f64 / t.compared().max(1) as f64;
        println!(
            "{name:<20} {:>9} {:>7} {:>8} {:>9} {:>8} {:>9.1}%",
            t.compared(),
            t.agreed,
            t.excused,
            t.disagreed,
            t.skipped,
            agreement
        );
    };
    let mut total = Tally::default();
    for (kind, t) in tally {
        row(kind, t);
        total.add(t);
    }
    row("all", &total);
    println!("\nexcused disagreements:");
    for (class, count) in excused {
        println!("{count:>6}  {class:?}: {}", class.rule());
    }
    println!("\nskipped subjects:");
    for (why, count) in skipped {
        println!("{count:>6}  {why}");
    }
}
