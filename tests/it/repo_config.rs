//! Issue 21, item 1: the repository config file, `.hh-gitops.yaml`. It is found from any
//! subfolder, flags and `HH_GITOPS_*` variables override it, a mistake in it stops the run
//! at its line, and each setting changes what check and sync do.

use std::process::Output;

use crate::common::{
    Repo, WIRED_FABRIC, assert_exit, assert_expected, bin, output, stderr, stdout, vpc_on,
};

/// A clone whose fabric `fabrics/lab` (not under the default `gitops/hedgehog/*`) holds
/// the wired fabric in managed/ but not the `default` IPv4Namespace, and a raw VPC that
/// refers to it.
fn lab_repo(config: &str) -> Repo {
    let repo = Repo::new(None);
    for (path, text) in &WIRED_FABRIC[1..] {
        repo.write(&format!("fabrics/lab/managed/{path}"), text.as_bytes());
    }
    repo.write(
        "fabrics/lab/raw/vpc-1.yaml",
        vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(".hh-gitops.yaml", config.as_bytes());
    repo.commit_all("the lab fabric and its settings");
    // Pushed: a check of unpushed commits would be a check of their change.
    repo.git(&["push", "-q", "origin", "main"]);
    repo
}

/// `hh-gitops ARGS` run in the clone's folder `dir`, with `env` set.
fn run_in(repo: &Repo, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = bin();
    command
        .current_dir(repo.work.join(dir))
        .args(args)
        .envs(env.iter().copied());
    output(repo.isolate(&mut command))
}

#[test]
fn the_config_is_found_from_a_subfolder_and_a_flag_or_variable_overrides_it() {
    let repo = lab_repo("# the lab's settings\nfabrics: fabrics/*\nreferences: strict\n");
    let strict = run_in(&repo, "fabrics/lab/raw", &["check"], &[]);
    assert_exit(&strict, 1);
    assert_expected("repo-config-strict.stdout", &stdout(&strict));

    let flag = run_in(
        &repo,
        "fabrics/lab/raw",
        &["check", "--references", "warn"],
        &[],
    );
    assert_exit(&flag, 0);
    let variable = run_in(
        &repo,
        "fabrics/lab/raw",
        &["check"],
        &[("HH_GITOPS_REFERENCES", "warn")],
    );
    assert_exit(&variable, 0);
    assert_eq!(stdout(&flag), stdout(&variable));
    assert!(
        stdout(&flag)
            .contains("checked 5 files: 5 valid (5 resources), 0 rejected (0 errors), 1 warning"),
        "{}",
        stdout(&flag)
    );
    let ignored = run_in(&repo, "fabrics/lab/raw", &["check", "--no-config"], &[]);
    assert_exit(&ignored, 2);
    assert_eq!(
        stderr(&ignored),
        "hh-gitops: error: no fabric matches `gitops/hedgehog/*` in the git repository of the current folder: a fabric is a matching folder with a raw/ folder; pass --fabrics, or name the files to check\n"
    );
}

#[test]
fn sync_runs_from_any_subfolder_on_the_fabrics_the_config_names() {
    let repo = lab_repo("fabrics: [fabrics/*]\n");
    let out = run_in(&repo, "fabrics/lab/raw", &["sync"], &[]);
    assert_exit(&out, 0);
    assert_eq!(
        repo.git(&["show", "--name-status", "--no-renames", "--format=", "HEAD"]),
        "A\tfabrics/lab/managed/vpcs/vpc-1.yaml\nA\tfabrics/lab/raw/.gitkeep\nD\tfabrics/lab/raw/vpc-1.yaml\n"
    );
    // Without a config, the default globs start at the top of the work tree: the same
    // command in a subfolder finds the same fabrics as at the top.
    let plain = Repo::new(None);
    plain.write(
        "gitops/hedgehog/f/raw/vpc-2.yaml",
        vpc_on("vpc-2", "10.0.2.0/24", 1002).as_bytes(),
    );
    plain.commit_all("a raw VPC");
    let out = run_in(&plain, "gitops/hedgehog/f/raw", &["sync"], &[]);
    assert_exit(&out, 0);
    assert_eq!(
        plain.files_under("gitops/hedgehog/f/managed"),
        ["vpcs/vpc-2.yaml"]
    );
}

#[test]
fn a_mistake_in_the_config_stops_the_run_at_its_line_and_no_config_skips_it() {
    let repo = lab_repo("fabrics: fabrics/*\nrefrences: strict\n");
    for args in [&["check"][..], &["sync", "--dry-run"]] {
        let out = run_in(&repo, "fabrics", args, &[]);
        assert_exit(&out, 2);
        assert_eq!(
            stderr(&out),
            "hh-gitops: error: .hh-gitops.yaml:2:1: error: unknown setting `refrences`: did you mean `references`?\nthe repository config cannot be used: fix it, or run with --no-config\n",
            "{args:?}"
        );
    }
    let skipped = run_in(
        &repo,
        ".",
        &["check", "--no-config", "--fabrics", "fabrics/*"],
        &[],
    );
    assert_exit(&skipped, 0);
    // `--config FILE` reads that file instead, its paths starting at its folder.
    repo.write(
        "fabrics/strict.yaml",
        b"fabrics: ['*']\nreferences: strict\n",
    );
    let chosen = run_in(
        &repo,
        ".",
        &["check", "--config", "fabrics/strict.yaml"],
        &[],
    );
    assert_exit(&chosen, 1);
    assert!(
        stdout(&chosen).contains(
            "fabrics/lab/raw/vpc-1.yaml:6:3: error: IPv4Namespace `default` does not exist"
        ),
        "{}",
        stdout(&chosen)
    );
}

/// A fab.yaml of fabricator's defaults.
const DEFAULT_FAB_YAML: &str = "apiVersion: fabricator.githedgehog.com/v1beta1\nkind: Fabricator\nmetadata:\n  name: default\n  namespace: fab\nspec:\n  config: {}\n";

/// A VPC as `kubectl get -o yaml` exports it, with a server field the fabric fills in.
const EXPORTED_VPC: &str = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\n  creationTimestamp: \"2025-08-06T07:28:42Z\"\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n";

#[test]
fn a_rule_set_to_error_rejects_its_warnings_and_off_silences_them() {
    let export_rule = |level: &str| {
        let repo = lab_repo(&format!(
            "fabrics: fabrics/*\nrules:\n  export/server-fields: {level}\n"
        ));
        repo.write("fabrics/lab/raw/vpc-1.yaml", EXPORTED_VPC.as_bytes());
        repo.commit_all("an exported VPC");
        let out = run_in(&repo, ".", &["sync"], &[]);
        (repo, out)
    };
    let (repo, out) = export_rule("error");
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("fabrics/lab/raw/vpc-1.yaml:5:3: error: this looks like a `kubectl get -o yaml` export: delete line 5 (`metadata.creationTimestamp`); the fabric fills these in (a warning, rejected because .hh-gitops.yaml sets `export/server-fields: error`) (at /metadata/creationTimestamp)\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(repo.files_under("fabrics/lab/raw"), ["vpc-1.yaml"]);

    let (repo, out) = export_rule("off");
    assert_exit(&out, 0);
    assert!(
        !stdout(&out).contains("kubectl get -o yaml"),
        "{}",
        stdout(&out)
    );
    assert_eq!(repo.files_under("fabrics/lab/managed/vpcs"), ["vpc-1.yaml"]);
}

#[test]
fn deny_warnings_in_the_config_rejects_and_the_flag_set_to_false_overrides_it() {
    let repo = lab_repo("fabrics: fabrics/*\ndeny-warnings: true\n");
    repo.write("fabrics/lab/raw/vpc-1.yaml", EXPORTED_VPC.as_bytes());
    repo.commit_all("an exported VPC");
    let denied = run_in(&repo, ".", &["check"], &[]);
    assert_exit(&denied, 1);
    assert!(
        stdout(&denied)
            .contains("(a warning, rejected because warnings are denied: --deny-warnings)")
    );
    let allowed = run_in(&repo, ".", &["check", "--deny-warnings=false"], &[]);
    assert_exit(&allowed, 0);
    let by_variable = run_in(
        &repo,
        ".",
        &["check"],
        &[("HH_GITOPS_DENY_WARNINGS", "false")],
    );
    assert_exit(&by_variable, 0);
}

#[test]
fn each_fabric_gets_the_config_file_and_release_the_repository_config_gives() {
    let repo = Repo::new(None);
    for fabric in ["east", "west"] {
        repo.write(
            &format!("gitops/hedgehog/{fabric}/raw/vpc-1.yaml"),
            vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
        );
    }
    repo.write("configs/east.yaml", DEFAULT_FAB_YAML.as_bytes());
    repo.write(
        ".hh-gitops.yaml",
        b"hedgehog-release: \"26.02\"\nfabric-config:\n  gitops/hedgehog/east: configs/east.yaml\n",
    );
    repo.commit_all("two fabrics, one with a config");
    let out = run_in(&repo, ".", &["sync", "--dry-run"], &[]);
    assert_exit(&out, 0);
    assert_expected("repo-config-per-fabric.stdout", &stdout(&out));

    repo.write(
        ".hh-gitops.yaml",
        b"fabric-config:\n  gitops/hedgehog/north: configs/east.yaml\n",
    );
    let out = run_in(&repo, ".", &["sync", "--dry-run"], &[]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains(".hh-gitops.yaml: `fabric-config` names the fabric folder "),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("gitops/hedgehog/north, which does not exist"));
}

#[test]
fn init_writes_a_config_that_runs_and_the_readme_workflow_and_never_overwrites() {
    let repo = Repo::new(None);
    repo.write(
        "gitops/hedgehog/fabric-1/raw/vpc-1.yaml",
        vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    let out = run_in(&repo, "gitops", &["init"], &[]);
    assert_exit(&out, 0);
    let work = std::fs::canonicalize(&repo.work).unwrap();
    assert_eq!(
        stdout(&out),
        format!(
            "wrote {0}/.hh-gitops.yaml\nwrote {0}/.github/workflows/hh-gitops.yml\n",
            work.display()
        )
    );
    let config = String::from_utf8(repo.read(".hh-gitops.yaml")).unwrap();
    assert!(
        config.contains("# Found by `hh-gitops init`: gitops/hedgehog/fabric-1.\nfabrics:\n  - gitops/hedgehog/*\n"),
        "{config}"
    );
    assert_eq!(
        String::from_utf8(repo.read(".github/workflows/hh-gitops.yml")).unwrap(),
        crate::common::readme_block_after("<!-- consumer-workflow -->"),
        "init writes the README's workflow"
    );
    // The written config is one every command reads.
    let check = run_in(&repo, "gitops/hedgehog", &["check"], &[]);
    assert_exit(&check, 0);

    let again = run_in(&repo, ".", &["init"], &[]);
    assert_exit(&again, 2);
    assert_eq!(
        stderr(&again),
        format!(
            "hh-gitops: error: .hh-gitops.yaml and .github/workflows/hh-gitops.yml already exist in {}: nothing was written; edit them, or delete them and run `hh-gitops init` again\n",
            work.display()
        )
    );
}

#[test]
fn the_readme_example_is_a_config_hh_gitops_reads() {
    let repo = Repo::new(None);
    repo.write("gitops/hedgehog/fabric-1/raw/.gitkeep", b"");
    repo.write("configs/fabric-1.fab.yaml", DEFAULT_FAB_YAML.as_bytes());
    repo.write(
        ".hh-gitops.yaml",
        crate::common::readme_block_after("<!-- repo-config-example -->").as_bytes(),
    );
    let out = run_in(&repo, ".", &["sync", "--dry-run"], &[]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("fabric config: configs/fabric-1.fab.yaml"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn list_free_and_refs_read_the_fabrics_the_config_names_from_any_subfolder() {
    let repo = lab_repo("fabrics: fabrics/*\n");
    for args in [
        &["list", "--kind", "switch"][..],
        &["free", "port", "--switch", "leaf-01"],
        &["refs", "switch/leaf-01"],
    ] {
        let out = run_in(&repo, "fabrics/lab/raw", args, &[]);
        assert_exit(&out, 0);
        assert!(
            stdout(&out).starts_with("fabrics/lab\n"),
            "{args:?}:\n{}",
            stdout(&out)
        );
    }
}

/// A leaf that hhfab has not hydrated yet (no `asn`, `ip`, `protocolIP`, `vtepIP`).
fn unhydrated_leaf(name: &str) -> String {
    format!(
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: {name}\nspec:\n  role: server-leaf\n  profile: vs\n"
    )
}

#[test]
fn ref_missing_set_to_error_makes_references_strict_unless_a_flag_says_warn() {
    let repo = lab_repo("fabrics: fabrics/*\nrules:\n  ref/missing: error\n");
    let strict = run_in(&repo, ".", &["check", "--show-rule"], &[]);
    assert_exit(&strict, 1);
    assert!(
        stdout(&strict).contains("fabrics/lab/raw/vpc-1.yaml:6:3: error: IPv4Namespace `default` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/ (at /spec/ipv4Namespace) [ref/missing]\n"),
        "{}",
        stdout(&strict)
    );
    let warn = run_in(&repo, ".", &["check", "--references", "warn"], &[]);
    assert_exit(&warn, 0);
    assert!(
        stdout(&warn).starts_with("warning: 1 IPv4Namespace the fabric's objects refer to is not in the repository (default)"),
        "{}",
        stdout(&warn)
    );
}

#[test]
fn a_ref_missing_level_decides_over_deny_warnings() {
    let denied = lab_repo("fabrics: fabrics/*\ndeny-warnings: true\n");
    let out = run_in(&denied, ".", &["check"], &[]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("vpc-1.yaml:6:3: error: IPv4Namespace `default` does not exist"),
        "{}",
        stdout(&out)
    );
    for (level, line) in [
        (
            "warning",
            "warning: 1 IPv4Namespace the fabric's objects refer to is not in the repository (default)",
        ),
        (
            "off",
            "checked 5 files: 5 valid (5 resources), 0 rejected (0 errors), 0 warnings\n",
        ),
    ] {
        let repo = lab_repo(&format!(
            "fabrics: fabrics/*\ndeny-warnings: true\nrules:\n  ref/missing: {level}\n"
        ));
        let out = run_in(&repo, ".", &["check"], &[]);
        assert_exit(&out, 0);
        assert!(stdout(&out).contains(line), "{level}: {}", stdout(&out));
    }
}

#[test]
fn rules_set_to_off_silence_missing_objects_and_hydration_in_raw_and_managed_files() {
    let repo_with = |config: &str| {
        let repo = lab_repo(config);
        repo.write(
            "fabrics/lab/managed/switches/leaf-02.yaml",
            unhydrated_leaf("leaf-02").as_bytes(),
        );
        repo.write(
            "fabrics/lab/raw/leaf-03.yaml",
            unhydrated_leaf("leaf-03").as_bytes(),
        );
        repo.commit_all("two unhydrated leaves");
        repo
    };
    let missing =
        "warning: 1 IPv4Namespace the fabric's objects refer to is not in the repository (default)";
    let hydration = "lack the values hhfab fills when it hydrates the wiring";
    let raw_hydration = "fabrics/lab/raw/leaf-03.yaml:6:3: warning: `asn`, `ip`, `protocolIP` and `vtepIP` are not set";

    // Without levels, both warnings are there: in check for raw/ and managed/ alike (one
    // grouped line naming both leaves), in sync for the raw file that moves.
    let repo = repo_with("fabrics: fabrics/*\n");
    let check = stdout(&run_in(&repo, ".", &["check"], &[]));
    assert!(
        check.contains(missing) && check.contains(hydration),
        "{check}"
    );
    assert!(check.contains("leaf-02, leaf-03"), "{check}");
    let sync = stdout(&run_in(&repo, ".", &["sync", "--dry-run"], &[]));
    assert!(
        sync.contains(missing) && sync.contains(raw_hydration),
        "{sync}"
    );

    let repo =
        repo_with("fabrics: fabrics/*\nrules:\n  ref/missing: off\n  switch/hydration: off\n");
    let check = run_in(&repo, ".", &["check"], &[]);
    assert_exit(&check, 0);
    assert!(
        stdout(&check).ends_with(
            "checked 7 files: 7 valid (7 resources), 0 rejected (0 errors), 0 warnings\n"
        ),
        "{}",
        stdout(&check)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&run_in(
        &repo,
        ".",
        &["check", "--format", "json"],
        &[],
    )))
    .unwrap();
    assert!(json.get("missing").is_none(), "{json:#}");
    let sync = run_in(&repo, ".", &["sync", "--dry-run"], &[]);
    assert_exit(&sync, 0);
    assert!(!stdout(&sync).contains("warning:"), "{}", stdout(&sync));
    assert!(
        stdout(&sync).ends_with("dry run, nothing changed: 2 raw files would move (2 resources: 2 created, 0 updated, 0 unchanged), 0 rejected (0 errors), 0 ignored, 0 warnings\n"),
        "{}",
        stdout(&sync)
    );
}

#[test]
fn each_hh_gitops_variable_does_what_its_flag_does() {
    let repo = lab_repo("fabrics: fabrics/*\n");
    repo.write(
        "fabrics/other/raw/vpc-9.yaml",
        vpc_on("vpc-9", "10.0.9.0/24", 1009).as_bytes(),
    );
    repo.write("other.hh-gitops.yaml", b"fabrics: fabrics/other\n");
    repo.commit_all("a second fabric and a second config");
    repo.git(&["push", "-q", "origin", "main"]);
    let seen = |out: Output| (out.status.code(), stdout(&out), stderr(&out));
    let plain = seen(run_in(&repo, ".", &["check"], &[]));
    for (flag, variable, value) in [
        ("--fabrics", "HH_GITOPS_FABRICS", "fabrics/other"),
        ("--hedgehog-release", "HH_GITOPS_HEDGEHOG_RELEASE", "26.02"),
        ("--references", "HH_GITOPS_REFERENCES", "strict"),
        ("--changed-since", "HH_GITOPS_CHANGED_SINCE", "mian"),
        ("--config", "HH_GITOPS_CONFIG", "other.hh-gitops.yaml"),
        (
            "--fabric-config",
            "HH_GITOPS_FABRIC_CONFIG",
            "no-such.fab.yaml",
        ),
        ("--schemas", "HH_GITOPS_SCHEMAS", "no-such-schemas"),
    ] {
        let by_flag = seen(run_in(&repo, ".", &["check", flag, value], &[]));
        let by_variable = seen(run_in(&repo, ".", &["check"], &[(variable, value)]));
        assert_ne!(by_flag, plain, "{flag} {value} changes the run");
        assert_eq!(by_variable, by_flag, "{variable}={value} is {flag} {value}");
    }
}
