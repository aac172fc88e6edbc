//! managed/ as the appliers see it: `kubectl apply -R`, Argo CD and Flux apply every
//! `.yaml`, `.yml` and `.json` file under it, so any such file that is not a resource file in
//! its kind's folder is an error of `check` (a warning of `sync`, which does not move it);
//! files they do not read (a README, `.gitkeep`) are fine anywhere.

use crate::common::{Repo, assert_exit, bin, output, stdout, vpc_on};

const F: &str = "gitops/hedgehog/f";

#[test]
fn every_file_an_applier_would_apply_outside_a_kind_folder_is_an_error_and_a_readme_is_not() {
    let repo = Repo::new(None);
    repo.write(
        &format!("{F}/managed/vpcs/vpc-1.yaml"),
        vpc_on("vpc-1", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(&format!("{F}/managed/vpcs/README.md"), b"# the VPCs\n");
    repo.write(&format!("{F}/managed/vpcs/.gitkeep"), b"");
    repo.write(
        &format!("{F}/managed/README.md"),
        b"# managed by hh-gitops\n",
    );
    repo.write(
        &format!("{F}/managed/stray.yaml"),
        vpc_on("vpc-2", "10.0.2.0/24", 1002).as_bytes(),
    );
    repo.write(&format!("{F}/managed/notes/x.yml"), b"a: 1\n");
    repo.write(&format!("{F}/managed/vpcs/x.json"), b"{}\n");
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    repo.commit_all("a managed/ with strays");
    let applied = "`kubectl apply -R` (and Argo CD, and Flux) would apply this file: under managed/ only resource files belong, each in its kind's folder as `managed/<plural>/<metadata.name>.yaml`; move it out of managed/";
    let mut check = bin();
    check.current_dir(&repo.work).args(["check", F]);
    let out = output(repo.isolate(&mut check));
    assert_exit(&out, 1);
    let text = stdout(&out);
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        [
            format!("{F}/managed/notes/x.yml:1:1: error: {applied}"),
            format!("{F}/managed/stray.yaml:1:1: error: {applied}"),
            format!("{F}/managed/vpcs/x.json:1:1: error: {applied}"),
        ]
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
    );
    assert!(!text.contains("README.md"), "{text}");
}
