//! The action's inputs as workflow authors write them, through `action/run.sh` with the
//! real binary and the fake GitHub (issue 10, items 1, 3, 5, 12 and 13): booleans in any
//! case, values that start with `-`, two uses in one job, paths, and the `binary` input.

use crate::action_support::Job;

/// The exact log of a step that the action refused before any work.
fn refused(message: &str) -> String {
    format!("::error title=hh-gitops::{message}\n")
}

#[test]
fn every_spelling_of_true_is_a_dry_run_that_commits_nothing() {
    let job = Job::new();
    let before = job.origin_head();
    for spelling in ["true", "True", "TRUE", " true", "true ", "\ttRuE\n"] {
        let step = job.step(&[("dry-run", spelling)], &[]);
        step.assert_success();
        assert_eq!(job.fake.commits_made(), 0, "dry-run: {spelling:?}");
        assert_eq!(step.outputs()["commit-sha"], "", "dry-run: {spelling:?}");
        assert_eq!(
            step.outputs()["processed-files"],
            "4",
            "dry-run: {spelling:?}"
        );
    }
    assert_eq!(job.origin_head(), before);
    // And a false in any case commits.
    job.step(&[("dry-run", " FALSE ")], &[]).assert_success();
    assert_eq!(job.fake.commits_made(), 1);
}

#[test]
fn a_boolean_that_is_neither_true_nor_false_fails_the_step_before_any_work() {
    let job = Job::new();
    for (input, value) in [
        ("dry-run", "yes"),
        ("dry-run", "1"),
        ("dry-run", "on"),
        ("dry-run", "y"),
        ("dry-run", "truee"),
        ("fail-on-rejected", "no"),
        ("fail-on-rejected", "0"),
        ("deny-warnings", "off"),
    ] {
        let step = job.step(&[(input, value)], &[]);
        assert_eq!(step.code(), Some(2), "{input}: {value}");
        // Exactly one line: the binary never ran.
        assert_eq!(
            step.stdout(),
            refused(&format!(
                "input {input} must be true or false (in any case), not '{value}'"
            ))
        );
    }
    assert_eq!(job.fake.requests(), 0);
}

#[test]
fn fail_on_rejected_false_in_any_case_passes_a_run_with_a_rejected_file() {
    let job = Job::new();
    job.repo.write(
        "gitops/hedgehog/fabric-1/raw/bad.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    job.repo.commit_all("a bad file");
    job.repo.git(&["push", "-q", "origin", "main"]);
    let step = job.step(&[("fail-on-rejected", "False"), ("mode", "check")], &[]);
    step.assert_success();
    assert_eq!(step.outputs()["rejected-files"], "1");
    let step = job.step(&[("fail-on-rejected", " TRUE "), ("mode", "check")], &[]);
    assert_eq!(step.code(), Some(1), "{}", step.stdout());
}

#[test]
fn a_commit_message_that_starts_with_a_dash_is_the_message() {
    let job = Job::new();
    job.step(&[("commit-message", "- sync fabrics from hhfab")], &[])
        .assert_success();
    let subject = job
        .repo
        .git_in(&job.repo.origin, &["log", "-1", "--format=%s", "main"]);
    assert_eq!(subject, "- sync fabrics from hhfab\n");
}

#[test]
fn a_fabrics_line_that_looks_like_a_flag_is_a_glob_never_a_flag() {
    let job = Job::new();
    let before = job.origin_head();
    let step = job.step(&[("fabrics", "--push\n--dry-run")], &[]);
    assert_eq!(step.code(), Some(2), "{}", step.stdout());
    assert!(
        crate::common::stderr(&step.out).contains("--push"),
        "the error names the line: {}",
        crate::common::stderr(&step.out)
    );
    assert_eq!(job.fake.requests(), 0);
    assert_eq!(job.origin_head(), before);
}

#[test]
fn two_uses_in_one_job_each_get_their_own_report() {
    let job = Job::new();
    let first = job.step(&[("mode", "check")], &[]);
    first.assert_success();
    let second = job.step(&[], &[]);
    second.assert_success();
    let first_report = &first.outputs()["report"];
    let second_report = &second.outputs()["report"];
    assert_ne!(first_report, second_report);
    let read = |path: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    };
    assert_eq!(read(first_report)["commit"], serde_json::Value::Null);
    assert_eq!(
        read(second_report)["commit"]["sha"],
        second.outputs()["commit-sha"].as_str()
    );
}

#[test]
fn a_repository_in_a_subfolder_is_found_through_the_path_input() {
    let mut job = Job::new();
    job.workspace = job.repo.tmp.path().to_path_buf();
    let step = job.step(&[("path", "work")], &[]);
    step.assert_success();
    assert_eq!(step.outputs()["processed-files"], "4");
    assert_eq!(job.fake.commits_made(), 1);
}

#[test]
fn absolute_fabric_and_schema_paths_inside_the_workspace_are_accepted() {
    let job = Job::new();
    let schemas = job.repo.work.join("schemas");
    let imported = crate::common::output(
        crate::common::bin()
            .args(["schemas", "import"])
            .arg(crate::action_support::root().join("schemas/crds/vpc.githedgehog.com_vpcs.yaml"))
            .arg("--out")
            .arg(&schemas),
    );
    assert!(
        imported.status.success(),
        "{}",
        crate::common::stderr(&imported)
    );
    let fabrics = format!("{}/gitops/hedgehog/*", job.repo.work.display());
    let step = job.step(
        &[
            ("fabrics", &fabrics),
            ("schemas", schemas.to_str().unwrap()),
        ],
        &[],
    );
    step.assert_success();
    assert_eq!(step.outputs()["processed-files"], "4");
}

#[test]
fn paths_outside_the_repository_are_refused_with_the_reason() {
    let job = Job::new();
    let work = job.repo.work.display().to_string();
    let outside = job.repo.tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let outside = outside.display();
    for (input, value, message) in [
        (
            "fabrics",
            format!("{outside}/*"),
            format!(
                "fabrics line '{outside}/*' is outside the repository {work}: fabric folders must be inside it"
            ),
        ),
        (
            "fabrics",
            format!("{work}/../outside/*"),
            format!(
                "fabrics line '{work}/../outside/*' is outside the repository {work}: fabric folders must be inside it"
            ),
        ),
        (
            "schemas",
            format!("{outside}"),
            format!(
                "input schemas '{outside}' is outside the workspace {work}: give a path inside the repository"
            ),
        ),
        (
            "schemas",
            "../outside".to_owned(),
            format!(
                "input schemas '../outside' leads outside the repository {work}: give a path inside it"
            ),
        ),
        (
            "fabric-config",
            "../../etc/passwd".to_owned(),
            format!(
                "input fabric-config '../../etc/passwd' leads outside the repository {work}: give a path inside it"
            ),
        ),
        (
            "path",
            "..".to_owned(),
            format!(
                "input path '..' is outside the workspace {work}: give the repository's folder inside it, as for actions/checkout"
            ),
        ),
    ] {
        let step = job.step(&[(input, &value)], &[]);
        assert_eq!(step.code(), Some(2), "{input}: {value}");
        assert_eq!(step.stdout(), refused(&message));
    }
    // A relative glob with `..` is refused by the binary, before anything is read.
    let step = job.step(&[("fabrics", "../outside/*")], &[]);
    assert_eq!(step.code(), Some(2));
    assert!(
        crate::common::stderr(&step.out).contains(
            "--fabrics `../outside/*` has a `..` segment: fabric folders must be inside the repository"
        ),
        "{}",
        crate::common::stderr(&step.out)
    );
    assert_eq!(job.fake.requests(), 0);
}

#[test]
fn the_binary_input_must_be_an_executable_hh_gitops() {
    let job = Job::new();
    let dir = job.repo.tmp.path().display().to_string();
    let not_executable = job.repo.tmp.path().join("plain");
    std::fs::write(&not_executable, "#!/bin/sh\necho hh-gitops 1.0.0\n").unwrap();
    let not_executable = not_executable.display().to_string();
    let other = job.repo.tmp.path().join("kubeconform");
    std::fs::write(&other, "#!/bin/sh\necho kubeconform 0.7.0\n").unwrap();
    std::fs::set_permissions(&other, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let other = other.display().to_string();
    let failing = job.repo.tmp.path().join("failing");
    std::fs::write(&failing, "#!/bin/sh\necho boom >&2\nexit 3\n").unwrap();
    std::fs::set_permissions(
        &failing,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let failing = failing.display().to_string();
    for (binary, message) in [
        (
            dir.clone(),
            format!("input binary '{dir}' is not an executable file"),
        ),
        (
            not_executable.clone(),
            format!("input binary '{not_executable}' is not an executable file"),
        ),
        (
            other.clone(),
            format!(
                "input binary '{other}' is not hh-gitops: its --version printed 'kubeconform 0.7.0'"
            ),
        ),
        (
            failing.clone(),
            format!("input binary '{failing}' failed to run with --version: boom"),
        ),
    ] {
        let step = job.step(&[("binary", &binary)], &[]);
        assert_eq!(step.code(), Some(2), "{binary}");
        assert_eq!(step.stdout(), refused(&message));
    }
    // The issue's /bin/true: whatever its --version prints, it is not hh-gitops.
    let step = job.step(&[("binary", "/bin/true")], &[]);
    assert_eq!(step.code(), Some(2));
    assert!(
        step.stdout().starts_with(
            "::error title=hh-gitops::input binary '/bin/true' is not hh-gitops: its --version printed '"
        ),
        "{}",
        step.stdout()
    );
    assert_eq!(job.fake.requests(), 0);
}

#[test]
fn an_unknown_mode_names_the_accepted_ones() {
    let job = Job::new();
    let step = job.step(&[("mode", "dry")], &[]);
    assert_eq!(step.code(), Some(2));
    assert_eq!(
        step.stdout(),
        refused("input mode must be auto, sync or check, not 'dry'")
    );
}

#[test]
fn fabric_config_is_read_from_the_repository() {
    let job = Job::new();
    job.repo.write(
        "config/fabric-ctrl.yaml",
        std::fs::read_to_string(crate::common::fixtures().join("fabric-config/config.yaml"))
            .unwrap()
            .replace("  - 172.30.0.0/21\n", "  - 10.0.0.0/16\n")
            .as_bytes(),
    );
    job.repo
        .commit_all("a fabric config that reserves the VPCs' subnets");
    job.repo.git(&["push", "-q", "origin", "main"]);
    let step = job.step(
        &[
            ("fabric-config", "config/fabric-ctrl.yaml"),
            ("mode", "check"),
        ],
        &[],
    );
    assert_eq!(step.code(), Some(1), "{}", step.stdout());
    assert_ne!(step.outputs()["rejected-files"], "0");
    // Without it, the same files pass.
    job.step(&[("mode", "check")], &[]).assert_success();
}

#[test]
fn deny_warnings_in_any_case_turns_a_warning_into_a_rejection() {
    let job = Job::new();
    // gitops-test-1's prepop.yaml has switches without the fields hhfab fills, and its
    // VPCs and switches use the default namespaces, which the repository does not hold:
    // warnings.
    let warned = job.step(&[("mode", "check")], &[]);
    warned.assert_success();
    assert_eq!(warned.outputs()["rejected-files"], "0");
    let denied = job.step(&[("mode", "check"), ("deny-warnings", " True")], &[]);
    assert_eq!(denied.code(), Some(1), "{}", denied.stdout());
    // Every raw file of both fabrics: each has a warning or a missing namespace.
    assert_eq!(denied.outputs()["rejected-files"], "4");
    assert!(
        denied
            .stdout()
            .contains("a warning, rejected because warnings are denied: --deny-warnings"),
        "{}",
        denied.stdout()
    );
}

#[test]
fn references_strict_in_any_case_rejects_a_reference_to_an_object_nowhere_in_the_repository() {
    let job = Job::new();
    // gitops-test-1's VPCs use the `default` IPv4Namespace and VLANNamespace, which the
    // repository does not hold: a warning by default, an error with `references: strict`.
    let warned = job.step(&[("mode", "check")], &[]);
    warned.assert_success();
    assert_eq!(warned.outputs()["rejected-files"], "0");
    assert!(
        warned.stdout().contains(
            "1 IPv4Namespace the fabric's objects refer to is not in the repository (default)"
        ),
        "{}",
        warned.stdout()
    );
    let strict = job.step(&[("mode", "check"), ("references", " Strict ")], &[]);
    assert_eq!(strict.code(), Some(1), "{}", strict.stdout());
    assert_ne!(strict.outputs()["rejected-files"], "0");
    assert!(
        strict.stdout().contains(
            "IPv4Namespace `default` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/"
        ),
        "{}",
        strict.stdout()
    );
}

#[test]
fn a_references_value_other_than_warn_or_strict_fails_the_step_before_any_work() {
    let job = Job::new();
    let step = job.step(&[("references", "loose")], &[]);
    assert_eq!(step.code(), Some(2));
    assert_eq!(
        step.stdout(),
        refused("input references must be warn or strict, not 'loose'")
    );
    assert_eq!(job.fake.requests(), 0);
}

/// Issue 18 item 10: on a macOS or Windows runner the step says, first of all, that
/// hh-gitops runs on Linux only: no other tool the script uses is called (each is a stub
/// here that would say so).
#[test]
fn a_runner_that_is_not_linux_is_told_so_before_any_tool_runs() {
    let job = Job::new();
    let stubs = tempfile::tempdir().unwrap();
    for tool in [
        "realpath",
        "mktemp",
        "sed",
        "cut",
        "tr",
        "head",
        "cat",
        "curl",
        "sha256sum",
        "git",
        "chmod",
        "cargo",
    ] {
        let stub = stubs.path().join(tool);
        std::fs::write(&stub, format!("#!/bin/sh\necho called {tool}\nexit 99\n")).unwrap();
        let mut permissions = std::fs::metadata(&stub).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&stub, permissions).unwrap();
    }
    let path = format!(
        "{}:{}",
        stubs.path().display(),
        std::env::var("PATH").unwrap()
    );
    for os in ["macOS", "Windows"] {
        let step = job.step(&[], &[("HH_RUNNER_OS", os), ("PATH", &path)]);
        assert_eq!(step.code(), Some(2), "{os}");
        assert_eq!(
            step.stdout(),
            refused(&format!(
                "hh-gitops runs on Linux runners only, and this job runs on {os}: give it `runs-on: ubuntu-latest` (or another Linux runner)"
            ))
        );
        assert_eq!(crate::common::stderr(&step.out), "", "{os}");
    }
    assert_eq!(job.fake.requests(), 0);
}

/// Issue 18 item 10: a job without `actions/checkout` before the step (the workspace is an
/// empty folder) is told to add it, in every mode and event, and with the `path` input:
/// never "not a git repository", never a flag of the binary.
#[test]
fn a_workspace_without_a_checkout_asks_for_actions_checkout() {
    let mut job = Job::new();
    let empty = job.repo.tmp.path().join("workspace");
    std::fs::create_dir_all(empty.join("repo")).unwrap();
    let empty = empty.canonicalize().unwrap();
    job.workspace = empty.clone();
    let pull_request: &[(&str, &str)] = &[
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_REF", "refs/pull/1/merge"),
        ("GITHUB_BASE_REF", "main"),
    ];
    for (mode, env) in [
        ("auto", &[][..]),
        ("check", &[][..]),
        ("auto", pull_request),
    ] {
        let step = job.step(&[("mode", mode)], env);
        assert_eq!(step.code(), Some(2), "{mode} {env:?}");
        assert_eq!(
            step.stdout(),
            refused(&format!(
                "no git repository in the workspace {}: add `actions/checkout` before this step",
                empty.display()
            )),
            "{mode} {env:?}"
        );
    }
    let step = job.step(&[("path", "repo")], &[]);
    assert_eq!(step.code(), Some(2));
    assert_eq!(
        step.stdout(),
        refused(&format!(
            "no git repository at {}/repo: add `actions/checkout` with `path: repo` before this step",
            empty.display()
        ))
    );
    assert_eq!(job.fake.requests(), 0);
}

#[test]
fn hedgehog_release_reaches_the_binary_which_names_the_releases_it_knows() {
    let job = Job::new();
    let step = job.step(&[("hedgehog-release", " 26.02 "), ("mode", "check")], &[]);
    step.assert_success();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&step.outputs()["report"]).unwrap()).unwrap();
    for fabric in report["fabrics"].as_array().unwrap() {
        assert_eq!(
            fabric["fabric_config"]["hedgehog_release"],
            serde_json::json!({"release": "26.02", "chosen": "declared", "fabric_version": "v0.120.3", "checked_as": "v0.120.3"})
        );
    }
    assert!(
        step.summary()
            .contains("\n\nHedgehog release: 26.02 (declared with `--hedgehog-release`)\n\n"),
        "{}",
        step.summary()
    );
    // The binary, not the script, knows the releases: an unknown one is its usage error,
    // an annotation in the log.
    let step = job.step(&[("hedgehog-release", "25.05")], &[]);
    assert_eq!(step.code(), Some(2));
    assert!(
        step.stdout().ends_with("::error title=hh-gitops::invalid value '25.05' for '--hedgehog-release <RELEASE>': `25.05` is not a Hedgehog release hh-gitops knows: use one of 26.01, 26.02, 26.03\n"),
        "{}",
        step.stdout()
    );
    assert_eq!(job.fake.commits_made(), 0);
}
