//! Rule ids of cross-object findings (issue 21 item 7): a finding that compares an object
//! with other objects of the fabric (a subnet overlapping another VPC's, a VLAN or a port
//! used twice) has the id of its class, not the id derived from the field it points at, in
//! the text report (`--show-rule`), the JSON report and SARIF (with the rule's help).

use serde_json::Value;

use crate::common::{Repo, WIRED_FABRIC, assert_exit, bin, output, stdout, vpc_on};

const F: &str = "gitops/hedgehog/f";

/// The wired fabric with VPC `vpc-1` in managed/, and in raw/ a VPC `vpc-2` whose subnet
/// overlaps vpc-1's and whose VLAN is vpc-1's, and a connection on the switch port of the
/// wired fabric's connection.
fn clashing_fabric() -> Repo {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(
        &format!("{F}/managed/vpcs/vpc-1.yaml"),
        vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(
        &format!("{F}/raw/vpc-2.yaml"),
        vpc_on("vpc-2", "10.0.1.0/25", 1001).as_bytes(),
    );
    let connection = WIRED_FABRIC[4]
        .1
        .replace(
            "server-01--unbundled--leaf-01",
            "server-01--unbundled--leaf-01-b",
        )
        .replace("server-01/enp2s1", "server-01/enp2s2");
    repo.write(&format!("{F}/raw/connection.yaml"), connection.as_bytes());
    repo.commit_all("a VPC on vpc-1's addresses and VLAN, a connection on a used port");
    repo
}

/// `hh-gitops check F ARGS` in the repository; exits 1 (the clashes are errors).
fn check(repo: &Repo, args: &[&str]) -> String {
    let mut command = bin();
    command
        .current_dir(&repo.work)
        .args(["check", F])
        .args(args);
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 1);
    stdout(&out)
}

/// Each class, the file and the pointer of its finding.
const CLASSES: [(&str, &str, &str); 3] = [
    (
        "vpc/subnet-overlap",
        "raw/vpc-2.yaml",
        "/spec/subnets/default/subnet",
    ),
    (
        "vpc/vlan-in-use",
        "raw/vpc-2.yaml",
        "/spec/subnets/default/vlan",
    ),
    (
        "connection/port-in-use",
        "raw/connection.yaml",
        "/spec/unbundled/link/switch/port",
    ),
];

#[test]
fn cross_object_findings_have_their_class_id_in_text_json_and_sarif() {
    let repo = clashing_fabric();

    let text = check(&repo, &["--show-rule"]);
    for (id, file, pointer) in CLASSES {
        assert!(
            text.lines()
                .any(|line| line.starts_with(&format!("{F}/{file}:"))
                    && line.contains(": error: ")
                    && line.ends_with(&format!("(at {pointer}) [{id}]"))),
            "{id}:\n{text}"
        );
    }

    let report: Value = serde_json::from_str(&check(&repo, &["--format", "json"])).unwrap();
    let findings: Vec<(String, &str, &str)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| {
            let path = file["path"].as_str().unwrap().to_owned();
            file["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |finding| {
                    (
                        path.clone(),
                        finding["pointer"].as_str().unwrap_or_default(),
                        finding["rule"].as_str().unwrap(),
                    )
                })
        })
        .collect();
    for (id, file, pointer) in CLASSES {
        assert!(
            findings
                .iter()
                .any(|(path, at, rule)| path.ends_with(file) && *at == pointer && *rule == id),
            "{id}: {findings:#?}"
        );
    }

    let sarif_file = repo.tmp.path().join("check.sarif");
    let mut command = bin();
    command
        .current_dir(&repo.work)
        .args(["check", F, "--sarif"])
        .arg(&sarif_file);
    assert_exit(&output(repo.isolate(&mut command)), 1);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_file).unwrap()).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for (id, file, _) in CLASSES {
        let results: Vec<&Value> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|result| result["ruleId"] == id)
            .collect();
        assert_eq!(results.len(), 1, "{id}: {sarif:#}");
        let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri.as_str(), Some(format!("{F}/{file}").as_str()), "{id}");
        let index = results[0]["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "{id}: {sarif:#}");
        assert_eq!(
            rules.iter().filter(|rule| rule["id"] == id).count(),
            1,
            "one SARIF rule per id: {id}"
        );
    }
    let help = |id: &str| {
        rules.iter().find(|rule| rule["id"] == id).unwrap()["help"]["text"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        help("vpc/subnet-overlap"),
        "Pick a prefix no other VPC of the IPv4Namespace uses: the VPCs of a namespace must not share addresses."
    );
    assert_eq!(
        help("vpc/vlan-in-use"),
        "Pick a VLAN no other VPC of the VLANNamespace uses: a VLAN of a namespace belongs to one VPC."
    );
    assert_eq!(
        help("connection/port-in-use"),
        "Pick a free port: a port is one end of one link."
    );
}
