//! Paths as the repository sees them (issue 18, item 7): with the action's `path:` input
//! (or `--repo`) pointing at a folder inside the repository, the log, annotations, SARIF
//! `uri`s, summary links, the JSON report and the commit name files from the repository's
//! root (what GitHub resolves them against), whether the repository was checked out at the
//! workspace's root or in a folder of it.

use crate::action_support::Job;
use crate::common::{Repo, assert_exit, stdout};

const FABRIC: &str = "infra/gitops/hedgehog/test-fabric-1754101157";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// The job's repository turned into a monorepo whose fabrics live under `infra/`, with a
/// rejected raw file beside the fixture's valid one, pushed.
fn monorepo(job: &Job) {
    std::fs::create_dir_all(job.repo.work.join("infra")).unwrap();
    job.repo.git(&["mv", "gitops", "infra/gitops"]);
    job.repo.write(
        &format!("{FABRIC}/raw/bad.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    job.repo.commit_all("fabrics under infra/, and a bad file");
    job.repo.git(&["push", "-q", "origin", "main"]);
}

/// Runs the action with `path` and checks every place a file is named.
fn assert_paths_from_the_repository_root(job: &Job, path: &str) {
    let sarif = job
        .runner_temp
        .path()
        .join(format!("{}.sarif", path.replace('/', "-")));
    let step = job.step(
        &[("path", path), ("sarif", sarif.to_str().unwrap())],
        &[
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_SHA", SHA),
        ],
    );
    assert_eq!(step.code(), Some(1), "{}", step.stdout());
    let annotation = format!(
        "::error file={FABRIC}/raw/bad.yaml,line=2,col=7,title=hh-gitops%3A /kind::unknown kind ConfigMap (v1): hh-gitops checks the Hedgehog kinds of vpc.githedgehog.com/v1beta1, wiring.githedgehog.com/v1beta1 and gateway.githedgehog.com/v1alpha1 (see `hh-gitops schemas list`)"
    );
    let stdout = step.stdout();
    assert!(
        stdout.lines().any(|line| line == annotation),
        "no `{annotation}` in:\n{stdout}"
    );
    // The fixture's other fabric has warnings: every annotation is inside infra/.
    let files: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split_once(" file=").map(|(_, rest)| rest))
        .collect();
    assert!(files.len() > 1, "{stdout}");
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("infra/gitops/hedgehog/")),
        "{stdout}"
    );
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris[0], format!("{FABRIC}/raw/bad.yaml"));
    assert!(
        uris.iter().all(|u| u.starts_with("infra/gitops/hedgehog/")),
        "{uris:?}"
    );
    let link = format!(
        "| <a href=\"https://github.com/example/gitops/blob/{SHA}/{FABRIC}/raw/bad.yaml#L2\"><code>raw/bad\\.yaml\\:2\\:7</code></a> |"
    );
    let summary = step.summary();
    assert!(summary.contains(&link), "no {link} in:\n{summary}");
    assert!(
        stdout.contains(&format!("::group::{FABRIC}\n")),
        "the log names the fabric from the root:\n{stdout}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&step.outputs()["report"]).unwrap()).unwrap();
    let dirs: Vec<&str> = report["fabrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["dir"].as_str().unwrap())
        .collect();
    assert_eq!(dirs, ["infra/gitops/hedgehog/fabric-1", FABRIC]);
    // The commit moved the valid file inside infra/, nowhere else.
    let committed = job.repo.git_in(
        &job.repo.origin,
        &["ls-tree", "-r", "--name-only", "main", "--", "infra/"],
    );
    assert!(
        committed
            .lines()
            .any(|l| l == format!("{FABRIC}/managed/vpcs/test-vpc.yaml")),
        "{committed}"
    );
    assert!(
        !committed.contains(&format!("{FABRIC}/raw/test-vpc.yaml")),
        "{committed}"
    );
}

#[test]
fn a_path_inside_the_repository_names_files_from_the_repository_root() {
    let job = Job::new();
    monorepo(&job);
    assert_paths_from_the_repository_root(&job, "infra");
    assert_eq!(job.fake.commits_made(), 1);
}

#[test]
fn a_repository_checked_out_in_a_folder_of_the_workspace_names_files_from_its_own_root() {
    let mut job = Job::new();
    monorepo(&job);
    // actions/checkout with `path: work`; hh-gitops with `path: work/infra`. The folder the
    // repository was checked out to is no part of its paths.
    job.workspace = job.repo.tmp.path().to_path_buf();
    assert_paths_from_the_repository_root(&job, "work/infra");
    assert_eq!(job.fake.commits_made(), 1);
}

#[test]
fn sync_with_a_folder_inside_the_work_tree_names_and_commits_files_from_the_root() {
    let repo = Repo::new(None);
    repo.write(
        "infra/gitops/hedgehog/f/raw/v.yaml",
        crate::common::vpc("v", 1001).as_bytes(),
    );
    repo.commit_all("a fabric under infra/");
    let mut command = crate::common::bin();
    command
        .current_dir(repo.work.join("infra"))
        .args(["sync", "--repo", "."]);
    let out = crate::common::output(repo.isolate(&mut command));
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.starts_with("infra/gitops/hedgehog/f\n"),
        "the fabric is named from the root:\n{text}"
    );
    assert_eq!(
        repo.git(&["show", "--name-status", "--no-renames", "--format=", "HEAD"]),
        "A\tinfra/gitops/hedgehog/f/managed/vpcs/v.yaml\nA\tinfra/gitops/hedgehog/f/raw/.gitkeep\nD\tinfra/gitops/hedgehog/f/raw/v.yaml\n"
    );
}
