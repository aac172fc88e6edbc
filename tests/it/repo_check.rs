//! `hh-gitops check` without a path (issue 11): every fabric of the git repository it runs
//! in, from any subfolder, with the same rules and outcome as `sync --dry-run`; files of a
//! fabric folder that are no resources of it are listed as ignored, never errors.

use crate::common::{Repo, assert_exit, assert_expected, bin, output, stdout, vpc};

/// The raw files each run rejects, by repository path.
fn rejected_by_check(text: &str) -> Vec<String> {
    let mut files: Vec<String> = text
        .lines()
        .filter(|line| line.contains(": error: "))
        .map(|line| {
            line.split(':')
                .next()
                .unwrap()
                .trim_start_matches("../")
                .to_owned()
        })
        .collect();
    files.dedup();
    files
}

#[test]
fn check_without_a_path_checks_every_fabric_from_a_subfolder_as_sync_does() {
    let repo = Repo::new(Some("gitops-test-1"));
    repo.write(
        "gitops/hedgehog/fabric-1/raw/bad.yaml",
        vpc("bad", 1002).replace("vlan: 1002", "vlan: x").as_bytes(),
    );
    repo.write(
        "gitops/hedgehog/test-fabric-1754101157/raw/twice.yaml",
        vpc("test-vpc", 1003).as_bytes(),
    );
    repo.commit_all("a bad file and a duplicate");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    let mut command = bin();
    command
        .current_dir(repo.work.join("gitops/hedgehog"))
        .arg("check");
    let checked = output(repo.isolate(&mut command));
    assert_exit(&checked, 1);
    assert_expected("check-repository.stdout", &stdout(&checked));

    let synced = repo.sync(&["--dry-run", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&synced.stdout).unwrap();
    let mut rejected_by_sync: Vec<String> = report["fabrics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|fabric| {
            let dir = fabric["dir"].as_str().unwrap().to_owned();
            fabric["rejected"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |r| format!("{dir}/{}", r["path"].as_str().unwrap()))
        })
        .collect();
    rejected_by_sync.sort();
    assert_eq!(rejected_by_check(&stdout(&checked)), rejected_by_sync);
}

#[test]
fn a_folder_outside_any_repository_needs_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = output(bin().current_dir(dir.path()).arg("check"));
    assert_exit(&out, 2);
    assert!(
        crate::common::stderr(&out)
            .contains("`hh-gitops check` without a path checks the git repository it runs in"),
        "{}",
        crate::common::stderr(&out)
    );
}

#[test]
fn the_readme_s_everyday_finding_is_real_output() {
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/fabric-1/managed/vpcs/vpc-1.yaml",
        b"apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n",
    );
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpc-db.yaml",
        b"apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-db\nspec:\n  subnets:\n    default:\n      subnet: 10.0.2.0/24\n      vlan: 1001\n",
    );
    repo.commit_all("a VPC on a taken VLAN");
    let mut command = bin();
    command.current_dir(&repo.work).arg("check");
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 1);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let line = stdout(&out)
        .lines()
        .find(|l| l.contains(": error: "))
        .unwrap()
        .to_owned();
    assert!(
        readme.contains(&format!("   {line}\n")),
        "README should show: {line}"
    );
}
