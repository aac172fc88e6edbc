//! Hedgehog's own validation test tables (githedgehog/fabric `api/**/*_types_test.go` at
//! commit 78827deb), ported case by case, plus cases the tables miss. Each document of
//! `tests/admission/*.yaml` is one case:
//!
//! ```yaml
//! case: subnet smaller than /30        # what the case shows
//! go: api/vpc/v1beta1/vpc_types_test.go:123   # the Go table entry, or `none` for our own
//! releases: ["26.02", "26.03"]         # the Hedgehog releases that give this verdict;
//!                                      # absent: all, or the release of the case's folder
//! config: {fabricMTU: 9100}            # the Go test's FabricConfig (JSON names); `null` for a
//!                                      # nil config; absent: fabricator's defaults, not given
//! crossObject: true                    # the Go test passes other objects: the case is
//!                                      # checked against a fabric state of them
//! objects: [...]                       # those objects (the Go test's cluster), as written
//! expect: reject                       # accept | reject | warn (accepted with a warning)
//! message: smaller than /30            # optional: a part of the first finding's message
//! object: {apiVersion: ..., kind: VPC, metadata: {name: vpc-1}, spec: {...}}
//! ```
//!
//! The object goes through the whole check (schema, then the rules), as a raw file would.
//! A cross-object case is then checked as a raw file of a fabric whose managed/ holds the
//! case's `objects`, with `--references strict` (the Go test's objects are its whole
//! cluster). Like Hedgehog's harness, the objects are defaulted but not validated.
//! When hh-gitops's verdict differs from Go's because the CRD schema decides (Go tests skip
//! the schema), `expect` is hh-gitops's verdict and a `note:` says why.
//!
//! Each case runs once per release it holds at, with that release in the rules' context.
//! The cases of `tests/admission/` are the 78827deb tables; a case whose verdict an older
//! release does not give (a check or a field that release lacks, as hhoracle built at that
//! release shows) names the releases it holds at. `tests/admission/26.01/` and `26.02/`
//! hold the entries of the tables at fabric v0.115.4 and v0.120.3 that differ from
//! 78827deb's, each holding at its folder's release unless it says more.

pub mod cases;

use hh_gitops::rules::Release;
use hh_gitops::schema::Registry;
use hh_gitops::validate::check_file;

#[test]
fn hedgehog_validation_tables_and_our_own_cases() {
    let registry = Registry::embedded();
    let (mut ran, mut cross, mut failures) = (0, 0, Vec::new());
    let mut per_release = [0; Release::ALL.len()];
    for path in cases::case_files() {
        for case in cases::read_cases(&path) {
            for (slot, release) in Release::ALL.into_iter().enumerate() {
                if !case.holds_at(release) {
                    continue;
                }
                ran += 1;
                per_release[slot] += 1;
                cross += usize::from(case.cross_object);
                if let Some(failure) = run_case(&registry, &case, release) {
                    failures.push(failure);
                }
            }
        }
    }
    for (release, count) in Release::ALL.iter().zip(per_release) {
        println!("{count} cases at {release}");
    }
    println!("{ran} cases run, {cross} of them against a fabric state");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs `case` at `release`: `None` when hh-gitops gives the expected verdict (and message).
fn run_case(registry: &Registry, case: &cases::Case, release: Release) -> Option<String> {
    let ctx = case.context(release);
    let text = serde_json::to_string_pretty(&case.object).unwrap();
    let mut outcome = check_file(registry, &ctx, text.as_bytes());
    if case.cross_object {
        outcome = outcome.and_then(|resources| cases::in_fabric(resources, &case.objects, &ctx));
    }
    let (verdict, findings) = match &outcome {
        Ok(resources) if resources.iter().all(|r| r.warnings.is_empty()) => ("accept", Vec::new()),
        Ok(resources) => ("warn", resources[0].warnings.clone()),
        Err(findings) => ("reject", findings.clone()),
    };
    let first = findings
        .first()
        .map(|f| f.message.clone())
        .unwrap_or_default();
    let message_ok = case
        .message
        .as_ref()
        .is_none_or(|m| findings.iter().any(|f| f.message.contains(m.as_str())));
    (verdict != case.expect || !message_ok).then(|| {
        format!(
            "{} at {release}: expected {}{}, got {verdict}: {first}",
            case.label(),
            case.expect,
            case.message
                .as_ref()
                .map(|m| format!(" with `{m}`"))
                .unwrap_or_default(),
        )
    })
}
