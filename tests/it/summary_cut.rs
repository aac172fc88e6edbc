//! Issue 10 item 7: a job summary over GitHub's 1 MiB limit keeps what matters. With a
//! fabric of 26,000 resources, one bad file and a second fabric, the cut summary still has
//! the totals, every rejected file with its findings, the warnings and the second fabric;
//! only moved-file rows are left out, every `<details>` is closed, and a visible note says
//! how many rows are missing and where the full JSON report is.

use crate::common::{Repo, assert_exit, unique_vpc, vpc};

const RESOURCES: usize = 26_000;
const PER_FILE: usize = 1_000;
const MAX_SUMMARY_BYTES: usize = 1024 * 1024;

#[test]
fn a_summary_over_1_mib_cuts_only_moved_rows_and_says_so_outside_any_fold() {
    let repo = Repo::new(None);
    let big = "gitops/hedgehog/big";
    // The namespaces the VPCs use, so that they are checked whole and warn about nothing.
    repo.write(
        &format!("{big}/managed/ipv4namespaces/default.yaml"),
        b"apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets:\n  - 10.0.0.0/8\n",
    );
    for n in 0..=RESOURCES / 2000 {
        let name = if n == 0 {
            "default".to_owned()
        } else {
            format!("ns-{n}")
        };
        repo.write(
            &format!("{big}/managed/vlannamespaces/{name}.yaml"),
            format!("apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: {name}\nspec:\n  ranges:\n  - from: 1000\n    to: 2999\n").as_bytes(),
        );
    }
    for plural in ["ipv4namespaces", "vlannamespaces"] {
        let text = repo.read(&format!("{big}/managed/{plural}/default.yaml"));
        repo.write(
            &format!("gitops/hedgehog/small/managed/{plural}/default.yaml"),
            &text,
        );
    }
    for file in 0..RESOURCES / PER_FILE {
        let docs: Vec<String> = (0..PER_FILE)
            .map(|i| unique_vpc(&format!("v{file}-{i}"), (file * PER_FILE + i) as u32))
            .collect();
        repo.write(
            &format!("{big}/raw/vpcs-{file:02}.yaml"),
            docs.join("---\n").as_bytes(),
        );
    }
    repo.write(
        &format!("{big}/raw/zz-bad.yaml"),
        vpc("bad", 1001).replace("vlan:", "vlna:").as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/small/raw/one.yaml",
        vpc("one", 1001).as_bytes(),
    );
    let summary = repo.tmp.path().join("summary.md");
    let report = repo.tmp.path().join("report.json");
    let out = repo.sync(&[
        "--dry-run",
        "--summary",
        summary.to_str().unwrap(),
        "--report-json",
        report.to_str().unwrap(),
    ]);
    assert_exit(&out, 1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.len() <= MAX_SUMMARY_BYTES, "{} bytes", text.len());
    assert!(
        text.len() > MAX_SUMMARY_BYTES - 4096,
        "the rows that fit are kept: {} bytes",
        text.len()
    );

    // Totals first, then the big fabric's rejection, before any moved row.
    assert!(
        text.starts_with(&format!(
            "## hh-gitops sync (dry run)\n\ndry run, nothing changed\\: 27 raw files would move \\({} resources\\: {} created, 0 updated, 0 unchanged\\), 1 rejected \\(1 error\\), 0 ignored, 0 warnings\n\n### gitops/hedgehog/big\n\nFabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n\n**Rejected** (left in raw/): 1 file\n\n| file | at | problem |\n|---|---|---|\n| <code>raw/zz-bad\\.yaml\\:9\\:7</code> | <code>/spec/subnets/default/vlna</code> | unknown field \\`vlna\\`\\: did you mean \\`vlan\\`? |\n\nTo do: fix each rejected file in `raw/` at the lines above and push again; the valid files would move without them.\n\n**Would move**: 26 raw files -> 26000 managed files\n\n<details>",
            RESOURCES + 1,
            RESOURCES + 1
        )),
        "{}",
        &text[..2000]
    );
    // Every fold is closed, and the note sits after the fold that was cut, visible.
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
    let shown = text.matches("| VPC | would create |").count() - 1;
    let note = format!(
        "\n</details>\n\n**{} of {RESOURCES} managed-file rows are left out** to keep this summary under GitHub's 1 MiB limit: every row is in the JSON report <code>{}</code>.\n\n",
        RESOURCES - shown,
        report
            .display()
            .to_string()
            .replace('.', "\\.")
            .replace('_', "\\_")
    );
    assert!(text.contains(&note), "{}", &text[text.len() - 3000..]);
    assert!(shown > 5_000 && shown < RESOURCES, "{shown} rows shown");
    // The second fabric is whole, after the note.
    assert!(
        text.ends_with("### gitops/hedgehog/small\n\nFabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)\n\nHedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)\n\n**Would move**: 1 raw file -> 1 managed file\n\n| raw file | managed file | kind | status |\n|---|---|---|---|\n| <code>raw/one\\.yaml\\:1</code> | <code>managed/vpcs/one\\.yaml</code> | VPC | would create |\n\n"),
        "{}",
        &text[text.len() - 1000..]
    );
    // The JSON report holds every row.
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let rows: usize = json["fabrics"][0]["moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["resources"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows, RESOURCES);
}
