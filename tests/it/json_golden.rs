//! The JSON report is a contract with every script that reads it: `check --format json` and
//! `sync --dry-run --format json` on the bundled example repository (`gitops-test-1`) and on
//! a repository with errors (`golden/with-errors`) are compared whole with the golden files
//! in `tests/fixtures/golden/` (`HH_GITOPS_BLESS=1` rewrites them after a reviewed change),
//! validated against the shipped `schemas/report/report.schema.json`, and their shape (every JSON
//! path with its value type) is held to the recorded `report.shape`: a path that goes or
//! changes type under the same `version` fails, whatever is blessed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Repo, assert_exit, stdout};

/// The folder of the golden files.
fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

/// Whether this run rewrites the golden files instead of comparing with them.
fn blessing() -> bool {
    std::env::var_os("HH_GITOPS_BLESS").is_some()
}

/// Asserts that `actual` is exactly the golden file `name` (or writes it when blessing).
#[track_caller]
fn assert_golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if blessing() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (HH_GITOPS_BLESS=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "{} differs from the report (HH_GITOPS_BLESS=1 rewrites it after review)\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// The four reports, each with its golden file's name: `check` and `sync --dry-run` of the
/// example repository and of the repository with errors.
fn reports() -> Vec<(String, String)> {
    let mut reports = Vec::new();
    for (fixture, name, exit) in [
        ("gitops-test-1", "example", 0),
        ("golden/with-errors", "with-errors", 1),
    ] {
        let repo = Repo::new(Some(fixture));
        let mut check = crate::common::bin();
        check
            .current_dir(&repo.work)
            .args(["check", "--format", "json"]);
        let check = crate::common::output(repo.isolate(&mut check));
        assert_exit(&check, exit);
        let sync = repo.sync(&["--dry-run", "--format", "json"]);
        assert_exit(&sync, exit);
        reports.push((format!("{name}.check.json"), stdout(&check)));
        reports.push((format!("{name}.sync.json"), stdout(&sync)));
    }
    reports
}

#[test]
fn check_and_sync_reports_match_their_golden_files_and_the_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report/report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the report schema compiles");
    let mut shape = BTreeSet::new();
    let mut parsed = Vec::new();
    for (name, text) in reports() {
        assert_golden(&name, &text);
        let report: Value = serde_json::from_str(&text).unwrap();
        shape.extend(shape_of(&report));
        parsed.push((name, report));
    }
    assert_shape(&shape);
    for (name, report) in parsed {
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name} breaks the schema: {errors:#?}");
    }
}

/// The schema is strict enough to catch a report that lost a field or gained one it does
/// not describe.
#[test]
fn the_schema_refuses_a_report_with_a_field_missing_or_unknown() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report/report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let golden = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(golden_dir().join(name)).unwrap()).unwrap()
    };
    let mut report = golden("with-errors.sync.json");
    assert!(validator.is_valid(&report));
    report["fabrics"][0]["rejected"][0]["findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("severity");
    assert!(!validator.is_valid(&report));
    let mut report = golden("with-errors.check.json");
    report["totals"]["surprise"] = Value::from(1);
    assert!(!validator.is_valid(&report));
}

/// Values of the report's own data rather than its format: any JSON value, not followed.
const OPAQUE: [&str; 2] = [
    "sync.fabrics[].moved[].resources[].diff.fields[].old",
    "sync.fabrics[].moved[].resources[].diff.fields[].new",
];

/// Every path of `report` (prefixed by its command, array items as `[]`) with the type of
/// its value: `sync.fabrics[].dir string`.
fn shape_of(report: &Value) -> BTreeSet<String> {
    fn walk(path: &str, value: &Value, out: &mut BTreeSet<String>) {
        if OPAQUE.contains(&path) {
            out.insert(format!("{path} any"));
            return;
        }
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(items) => {
                for item in items {
                    walk(&format!("{path}[]"), item, out);
                }
                "array"
            }
            Value::Object(fields) => {
                for (key, field) in fields {
                    walk(&format!("{path}.{key}"), field, out);
                }
                "object"
            }
        };
        out.insert(format!("{path} {kind}"));
    }
    let command = report["command"]
        .as_str()
        .expect("a report names its command");
    let mut out = BTreeSet::new();
    walk(command, report, &mut out);
    out
}

/// The recorded shape: `version N` on its first line, then one path and type a line.
fn recorded_shape() -> (u64, BTreeSet<String>) {
    let path = golden_dir().join("report.shape");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (HH_GITOPS_BLESS=1 records it)", path.display()));
    let mut lines = text.lines();
    let version = lines
        .next()
        .and_then(|line| line.strip_prefix("version "))
        .and_then(|n| n.parse().ok())
        .expect("report.shape starts with `version N`");
    (version, lines.map(str::to_owned).collect())
}

/// Holds the reports' `shape` to the recorded one. Under the same format version, a path
/// that is gone or has another type fails even when blessing (bump `FORMAT_VERSION`); a new
/// path (an added field, compatible) fails until blessed. A new version is recorded by
/// blessing.
#[track_caller]
fn assert_shape(shape: &BTreeSet<String>) {
    let version = hh_gitops::report::wire::json::FORMAT_VERSION;
    let (recorded_version, recorded) = recorded_shape();
    let write = || {
        let mut text = format!("version {version}\n");
        for line in shape {
            text.push_str(line);
            text.push('\n');
        }
        std::fs::write(golden_dir().join("report.shape"), text).unwrap();
    };
    if u64::from(version) != recorded_version {
        assert!(
            blessing(),
            "FORMAT_VERSION is {version}, report.shape records {recorded_version}: HH_GITOPS_BLESS=1 records the new shape"
        );
        write();
        return;
    }
    let gone: Vec<&String> = recorded.difference(shape).collect();
    assert!(
        gone.is_empty(),
        "the JSON report's shape changed without a FORMAT_VERSION bump (src/report/wire/json.rs): these paths are gone or changed type: {gone:#?}"
    );
    let added: Vec<&String> = shape.difference(&recorded).collect();
    if !added.is_empty() {
        assert!(
            blessing(),
            "the JSON report has new paths (compatible: no version bump needed); describe them in schemas/report/report.schema.json and record them with HH_GITOPS_BLESS=1: {added:#?}"
        );
        write();
    }
}
