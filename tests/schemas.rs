//! `hh-gitops schemas`: the committed schemas are exactly what importing the committed CRDs
//! gives, `list` shows every kind, and `--schemas` adds or overrides kinds at run time.

mod common;

use std::path::Path;

use common::{assert_exit, bin, output, stderr, stdout, vpc};

fn schemas_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas"))
}

fn committed_schemas() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(schemas_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

#[test]
fn regenerating_from_the_crds_gives_exactly_the_committed_schemas() {
    let out_dir = tempfile::tempdir().unwrap();
    let mut crds: Vec<_> = std::fs::read_dir(schemas_dir().join("crds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    crds.sort();
    assert_eq!(crds.len(), 15);
    let out = output(
        bin()
            .args(["schemas", "import"])
            .args(&crds)
            .arg("--out")
            .arg(out_dir.path()),
    );
    assert_exit(&out, 0);
    let mut generated: Vec<String> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    generated.sort();
    assert_eq!(generated, committed_schemas());
    for name in generated {
        let fresh = std::fs::read(out_dir.path().join(&name)).unwrap();
        let committed = std::fs::read(schemas_dir().join(&name)).unwrap();
        assert!(
            fresh == committed,
            "{name} differs from a fresh import: run `hh-gitops schemas import schemas/crds/*.yaml --out schemas`"
        );
    }
}

#[test]
fn list_shows_every_kind_and_its_managed_folder() {
    let out = output(bin().args(["schemas", "list"]));
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 15);
    assert!(
        text.lines().any(|l| l.starts_with("VPC ")
            && l.contains("vpc.githedgehog.com/v1beta1")
            && l.contains("managed/vpcs/")
            && l.ends_with("embedded")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("GatewayPeering ")
                && l.contains("gateway.githedgehog.com/v1alpha1")),
        "{text}"
    );
}

#[test]
fn extra_schemas_add_and_override_kinds() {
    let dir = tempfile::tempdir().unwrap();
    // A newer VPC schema that knows a field the embedded one does not.
    let mut schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(schemas_dir().join("vpcs.vpc.githedgehog.com_v1beta1.json")).unwrap(),
    )
    .unwrap();
    schema["properties"]["spec"]["properties"]["newField"] = serde_json::json!({"type": "string"});
    std::fs::write(
        dir.path().join("vpcs.vpc.githedgehog.com_v1beta1.json"),
        schema.to_string(),
    )
    .unwrap();
    let file = dir.path().join("vpc.yaml");
    std::fs::write(
        &file,
        vpc("v", 1001).replace("spec:\n", "spec:\n  newField: x\n"),
    )
    .unwrap();

    let embedded = output(bin().arg("check").arg(&file));
    assert_exit(&embedded, 1);
    assert!(stdout(&embedded).contains("unknown field `newField`"));
    let extended = output(
        bin()
            .arg("check")
            .arg("--schemas")
            .arg(dir.path())
            .arg(&file),
    );
    assert_exit(&extended, 0);
    let listed = stdout(&output(
        bin().args(["schemas", "list", "--schemas"]).arg(dir.path()),
    ));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("VPC ") && l.ends_with("vpcs.vpc.githedgehog.com_v1beta1.json")),
        "{listed}"
    );

    std::fs::write(dir.path().join("broken.json"), "{}").unwrap();
    let broken = output(
        bin()
            .arg("check")
            .arg("--schemas")
            .arg(dir.path())
            .arg(&file),
    );
    assert_exit(&broken, 2);
    assert!(
        stderr(&broken).contains("does not say which kind it describes"),
        "{}",
        stderr(&broken)
    );
}
