//! The fabric over time (issue 17): every managed object is part of what the fabric holds,
//! whatever its own findings; hand edits of managed/ are updates of their base versions; and
//! a change must apply one object at a time in some order. Real git repositories: a bare
//! origin whose `main` holds the fabric, a clone where the change is made.

use std::process::Output;

use crate::common::{
    Repo, WIRED_FABRIC, assert_exit, attachment, bin, output, stdout, vpc_on as vpc,
};

const F: &str = "gitops/hedgehog/f";

/// A repository whose `main` holds the wired fabric and `managed` (paths under managed/),
/// with a clone on branch `change`.
fn fabric(managed: &[(&str, String)]) -> Repo {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    for (path, text) in managed {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(&format!("{F}/raw/.gitkeep"), b"");
    repo.commit_all("the fabric");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo
}

/// `hh-gitops check` of the change since main, as the pull-request gate and pre-commit
/// run it, from the clone.
fn check_change(repo: &Repo) -> Output {
    let mut command = bin();
    command
        .args(["check", "--changed-since", "main"])
        .current_dir(&repo.work);
    output(repo.isolate(&mut command))
}

/// The error lines of a run's output.
fn errors(out: &Output) -> Vec<String> {
    stdout(out)
        .lines()
        .map(str::trim)
        .filter(|line| line.contains(": error: "))
        .map(str::to_owned)
        .collect()
}

/// A VPC whose subnet `default` relays DHCP to the VPC `relay_vpc`.
fn relaying_vpc(name: &str, subnet: &str, vlan: u32, relay_vpc: &str) -> String {
    format!(
        "{}      dhcp:\n        relay: 10.0.9.10/24\n        relayVPC: {relay_vpc}\n",
        vpc(name, subnet, vlan)
    )
}

// A: the base state is what the fabric holds.

#[test]
fn a_managed_vpc_with_an_error_of_its_own_still_takes_its_subnet_and_vlan() {
    let broken = vpc("vpc-1", "10.0.1.0/24", 1001).replace("spec:\n", "spec:\n  colour: red\n");
    let repo = fabric(&[("vpcs/vpc-1.yaml", broken)]);
    repo.write(
        &format!("{F}/raw/vpc-9.yaml"),
        vpc("vpc-9", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.commit_all("a VPC on vpc-1's subnet and VLAN");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    let errors = errors(&out);
    assert!(
        errors.iter().any(|e| e.starts_with("gitops/hedgehog/f/raw/vpc-9.yaml:8:15: error: subnet `default` (10.0.1.0/24) overlaps subnet `default` (10.0.1.0/24) of VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1)")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("gitops/hedgehog/f/raw/vpc-9.yaml:9:13: error: VLAN `1001` of subnet `default` is already used by subnet `default` of VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1)")),
        "{errors:#?}"
    );
}

#[test]
fn a_connection_on_a_managed_switch_with_an_error_of_its_own_finds_the_switch() {
    let leaf = WIRED_FABRIC[2]
        .1
        .replace("leaf-01", "leaf-02")
        .replace("spec:\n", "spec:\n  colour: red\n");
    let repo = fabric(&[("switches/leaf-02.yaml", leaf)]);
    let connection = WIRED_FABRIC[4]
        .1
        .replace(
            "server-01--unbundled--leaf-01",
            "server-01--unbundled--leaf-02",
        )
        .replace("leaf-01/E1/1", "leaf-02/E1/1")
        .replace("server-01/enp2s1", "server-01/enp2s2");
    repo.write(&format!("{F}/raw/c.yaml"), connection.as_bytes());
    repo.commit_all("a connection on leaf-02");
    let out = repo.sync(&["--dry-run", "--references", "strict"]);
    let text = stdout(&out);
    assert!(!text.contains("Switch `leaf-02` does not exist"), "{text}");
    assert!(
        text.contains("would move raw/c.yaml -> 1 resource"),
        "{text}"
    );
}

#[test]
fn a_managed_file_that_does_not_parse_still_holds_its_object() {
    let repo = fabric(&[(
        "vpcs/vpc-1.yaml",
        "kind: VPC\nmetadata: {name: [\n".to_owned(),
    )]);
    repo.write(&format!("{F}/raw/a.yaml"), attachment("vpc-1").as_bytes());
    repo.commit_all("an attachment to vpc-1");
    let mut command = bin();
    command
        .args(["check", "--references", "strict"])
        .current_dir(&repo.work);
    let out = output(repo.isolate(&mut command));
    let text = stdout(&out);
    assert!(!text.contains("VPC `vpc-1` does not exist"), "{text}");
    assert!(
        text.contains(&format!("{F}/managed/vpcs/vpc-1.yaml:1:1: warning: the fabric holds VPC `vpc-1` from this file, but its contents cannot be read: the checks that need them (overlaps, ports, what refers to it) are skipped until this file is fixed")),
        "{text}"
    );
}

// B: a change is a set of transitions.

#[test]
fn a_hand_edit_of_a_connections_type_is_refused_like_the_same_raw_update() {
    let repo = fabric(&[]);
    let bundled = WIRED_FABRIC[4]
        .1
        .replace("  unbundled:\n    link:\n", "  bundled:\n    links:\n    - ")
        .replace("      server:\n        port: server-01/enp2s1\n      switch:\n        port: leaf-01/E1/1\n", "server:\n        port: server-01/enp2s1\n      switch:\n        port: leaf-01/E1/1\n");
    repo.write(
        &format!("{F}/managed/connections/server-01--unbundled--leaf-01.yaml"),
        bundled.as_bytes(),
    );
    repo.commit_all("the connection becomes bundled");
    let out = check_change(&repo);
    assert_exit(&out, 1);
    let errors = errors(&out);
    assert!(
        errors.iter().any(|e| e.contains("error: a connection's type cannot change: managed/ has Connection `server-01--unbundled--leaf-01` as `unbundled`, and this makes it `bundled`")),
        "{errors:#?}"
    );
}

#[test]
fn a_raw_update_of_a_managed_object_with_an_error_of_its_own_is_an_update() {
    let broken = WIRED_FABRIC[4]
        .1
        .replace("spec:\n", "spec:\n  colour: red\n");
    let repo = fabric(&[("connections/server-01--unbundled--leaf-01.yaml", broken)]);
    let bundled = WIRED_FABRIC[4]
        .1
        .replace("  unbundled:\n    link:\n", "  bundled:\n    links:\n    - ")
        .replace("      server:\n        port: server-01/enp2s1\n      switch:\n        port: leaf-01/E1/1\n", "server:\n        port: server-01/enp2s1\n      switch:\n        port: leaf-01/E1/1\n");
    repo.write(&format!("{F}/raw/c.yaml"), bundled.as_bytes());
    repo.commit_all("the connection becomes bundled");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    assert!(
        errors(&out)
            .iter()
            .any(|e| e.starts_with("gitops/hedgehog/f/raw/c.yaml:")
                && e.contains("a connection's type cannot change")),
        "{}",
        stdout(&out)
    );
}

// C: the change must apply in some order.

#[test]
fn swapping_the_vlans_of_two_vpcs_applies_in_no_order() {
    let repo = fabric(&[
        ("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
        ("vpcs/vpc-2.yaml", vpc("vpc-2", "10.0.2.0/24", 1002)),
    ]);
    repo.write(
        &format!("{F}/managed/vpcs/vpc-1.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1002).as_bytes(),
    );
    repo.write(
        &format!("{F}/managed/vpcs/vpc-2.yaml"),
        vpc("vpc-2", "10.0.2.0/24", 1001).as_bytes(),
    );
    repo.commit_all("swap the VLANs");
    let out = check_change(&repo);
    assert_exit(&out, 1);
    assert_eq!(
        errors(&out),
        [
            format!(
                "{F}/managed/vpcs/vpc-1.yaml:1:1: error: no order applies this change: the fabric admits one object at a time, and VPC `vpc-1` can be updated only when the fabric no longer holds what it clashes with (VLAN `1002` of subnet `default` is already used by subnet `default` of VPC `vpc-2` ({F}/managed/vpcs/vpc-2.yaml:1) in VLANNamespace `default`: a VLAN of a namespace belongs to one VPC, so pick a free one), which no order of this change reaches first (stuck with it: VPC `vpc-2` ({F}/managed/vpcs/vpc-2.yaml:1)). Split the change into steps that each apply alone: first give VPC `vpc-1` values no other object holds now (a free VLAN, prefix or port), or free them in a change of their own, then the rest"
            ),
            format!(
                "{F}/managed/vpcs/vpc-2.yaml:1:1: error: no order applies this change: the fabric admits one object at a time, and VPC `vpc-2` can be updated only when the fabric no longer holds what it clashes with (VLAN `1001` of subnet `default` is already used by subnet `default` of VPC `vpc-1` ({F}/managed/vpcs/vpc-1.yaml:1) in VLANNamespace `default`: a VLAN of a namespace belongs to one VPC, so pick a free one), which no order of this change reaches first (stuck with it: VPC `vpc-1` ({F}/managed/vpcs/vpc-1.yaml:1)). Split the change into steps that each apply alone: first give VPC `vpc-2` values no other object holds now (a free VLAN, prefix or port), or free them in a change of their own, then the rest"
            ),
        ]
    );
    // The same swap in two steps, through a free VLAN, applies.
    repo.write(
        &format!("{F}/managed/vpcs/vpc-2.yaml"),
        vpc("vpc-2", "10.0.2.0/24", 1002).as_bytes(),
    );
    repo.write(
        &format!("{F}/managed/vpcs/vpc-1.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1003).as_bytes(),
    );
    repo.commit_all("first step: vpc-1 to a free VLAN");
    assert_exit(&check_change(&repo), 0);
}

#[test]
fn renaming_a_vpc_in_place_under_its_attachment_applies_in_no_order_and_the_readme_steps_do() {
    let repo = fabric(&[
        ("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
        ("vpcattachments/vpc-1--server-01.yaml", attachment("vpc-1")),
    ]);
    repo.git(&["rm", "-q", &format!("{F}/managed/vpcs/vpc-1.yaml")]);
    repo.write(
        &format!("{F}/managed/vpcs/vpc-new.yaml"),
        vpc("vpc-new", "10.0.1.0/24", 1001).as_bytes(),
    );
    repo.write(
        &format!("{F}/managed/vpcattachments/vpc-1--server-01.yaml"),
        attachment("vpc-1")
            .replace("subnet: vpc-1/default", "subnet: vpc-new/default")
            .as_bytes(),
    );
    repo.commit_all("rename vpc-1 to vpc-new, the attachment edited in place");
    let out = check_change(&repo);
    assert_exit(&out, 1);
    let errors = errors(&out);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors
            .iter()
            .all(|e| e.contains("error: no order applies this change")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with(&format!("{F}/managed/vpcs/vpc-1.yaml:1:1: error: no order applies this change: the fabric admits one object at a time, and VPC `vpc-1` can be deleted only when VPCAttachment `vpc-1--server-01` ({F}/managed/vpcattachments/vpc-1--server-01.yaml:1) no longer refers to it"))),
        "{errors:#?}"
    );

    // The README's steps: the attachment is renamed too, so it is deleted and created anew.
    repo.git(&[
        "mv",
        &format!("{F}/managed/vpcattachments/vpc-1--server-01.yaml"),
        &format!("{F}/managed/vpcattachments/vpc-new--server-01.yaml"),
    ]);
    repo.write(
        &format!("{F}/managed/vpcattachments/vpc-new--server-01.yaml"),
        attachment("vpc-new").as_bytes(),
    );
    repo.commit_all("the attachment renamed with its VPC");
    let out = check_change(&repo);
    assert_exit(&out, 0);
}

#[test]
fn two_new_vpcs_relaying_dhcp_to_each_other_apply_in_no_order() {
    let repo = fabric(&[]);
    repo.write(
        &format!("{F}/raw/a.yaml"),
        relaying_vpc("vpc-a", "10.0.5.0/24", 1005, "vpc-b").as_bytes(),
    );
    repo.write(
        &format!("{F}/raw/b.yaml"),
        relaying_vpc("vpc-b", "10.0.6.0/24", 1006, "vpc-a").as_bytes(),
    );
    repo.commit_all("two VPCs relaying to each other");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    assert_eq!(
        errors(&out),
        [
            "gitops/hedgehog/f/raw/a.yaml:1:1: error: no order applies this change: the fabric admits one object at a time, and VPC `vpc-a` can be created only when VPC `vpc-b` (raw/b.yaml:1) exists, which no order of this change reaches first (stuck with it: VPC `vpc-b` (raw/b.yaml:1)). Split the change into steps that each apply alone: first create what it refers to (in a change of its own when that waits too), then this",
            "gitops/hedgehog/f/raw/b.yaml:1:1: error: no order applies this change: the fabric admits one object at a time, and VPC `vpc-b` can be created only when VPC `vpc-a` (raw/a.yaml:1) exists, which no order of this change reaches first (stuck with it: VPC `vpc-a` (raw/a.yaml:1)). Split the change into steps that each apply alone: first create what it refers to (in a change of its own when that waits too), then this",
        ]
    );
    // One relaying to the other, which is new too, applies: the other is created first.
    repo.write(
        &format!("{F}/raw/b.yaml"),
        vpc("vpc-b", "10.0.6.0/24", 1006).as_bytes(),
    );
    repo.commit_all("vpc-b relays nowhere");
    assert_exit(&repo.sync(&["--dry-run"]), 0);
}

// E: what the fabric holds, not what a file happens to hold.

#[test]
fn a_raw_update_of_a_misplaced_managed_object_updates_it_and_removes_the_misplaced_file() {
    let repo = fabric(&[("vpcs/old.yaml", vpc("vpc-1", "10.0.1.0/24", 1001))]);
    repo.write(
        &format!("{F}/raw/vpc-1.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1005).as_bytes(),
    );
    repo.commit_all("vpc-1 moves to VLAN 1005");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("  would move raw/vpc-1.yaml -> 1 resource\n      updated   managed/vpcs/vpc-1.yaml\n                  spec.subnets.default.vlan: 1001 → 1005\n      removed   managed/vpcs/old.yaml\n"),
        "{text}"
    );
    let out = repo.sync(&[]);
    assert_exit(&out, 0);
    assert_eq!(
        repo.files_under(&format!("{F}/managed/vpcs")),
        ["vpc-1.yaml"],
        "the misplaced copy is gone, so the fabric has one definition of vpc-1"
    );
}

#[test]
fn a_raw_update_of_a_managed_file_holding_two_objects_deletes_the_other_and_checks_it() {
    let both = format!(
        "{}---\n{}",
        vpc("vpc-1", "10.0.1.0/24", 1001),
        vpc("vpc-2", "10.0.2.0/24", 1002)
    );
    let repo = fabric(&[
        ("vpcs/vpc-1.yaml", both),
        ("vpcattachments/vpc-2--server-01.yaml", attachment("vpc-2")),
    ]);
    repo.write(
        &format!("{F}/raw/vpc-1.yaml"),
        vpc("vpc-1", "10.0.1.0/24", 1005).as_bytes(),
    );
    repo.commit_all("vpc-1 moves to VLAN 1005");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    assert_eq!(
        errors(&out),
        [format!(
            "{F}/raw/vpc-1.yaml:1:1: error: moving this replaces or removes managed/vpcs/vpc-1.yaml, which also holds VPC `vpc-2` (line 11): it would leave managed/ while VPCAttachment `vpc-2--server-01` (managed/vpcattachments/vpc-2--server-01.yaml:1) still refers to it; give VPC `vpc-2` a file of its own first"
        )]
    );
    // Without the attachment, vpc-2 leaves managed/ with the move, and the report says so.
    repo.git(&[
        "rm",
        "-q",
        &format!("{F}/managed/vpcattachments/vpc-2--server-01.yaml"),
    ]);
    repo.commit_all("no attachment to vpc-2");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("      deleted   VPC `vpc-2` (it was in managed/vpcs/vpc-1.yaml:11, which this move replaces or removes)\n"),
        "{text}"
    );
}

// D: a file's verdict does not depend on why another file fails.

#[test]
fn a_file_whose_only_problem_is_a_conflict_with_a_file_rejected_for_its_own_reasons_moves() {
    let repo = fabric(&[]);
    repo.write(
        &format!("{F}/raw/a.yaml"),
        vpc("vpc-a", "10.0.5.0/24", 1005).as_bytes(),
    );
    // vpc-b takes vpc-a's VLAN, and its subnet is outside the IPv4Namespace: a reason of
    // its own, so it never moves, and vpc-a's VLAN is free after all.
    repo.write(
        &format!("{F}/raw/b.yaml"),
        vpc("vpc-b", "10.1.6.0/24", 1005).as_bytes(),
    );
    repo.commit_all("vpc-a, and vpc-b outside the namespace on vpc-a's VLAN");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("  would move raw/a.yaml -> 1 resource\n"),
        "{text}"
    );
    let errors = errors(&out);
    assert!(
        errors
            .iter()
            .all(|e| e.starts_with(&format!("{F}/raw/b.yaml:"))),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("IPv4Namespace `default`")),
        "{errors:#?}"
    );
}

// B: a push and a pull request give one verdict for one change.

#[test]
fn a_move_that_breaks_a_managed_object_it_does_not_edit_is_refused_as_push_and_as_pull_request() {
    let managed = [
        ("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
        ("vpcattachments/vpc-1--server-01.yaml", attachment("vpc-1")),
    ];
    // The update renames the subnet the managed attachment uses.
    let renamed = vpc("vpc-1", "10.0.1.0/24", 1001).replace("    default:\n", "    other:\n");

    let push = fabric(&managed);
    push.write(&format!("{F}/raw/vpc-1.yaml"), renamed.as_bytes());
    push.commit_all("vpc-1's subnet renamed, through raw/");
    let out = push.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    assert_eq!(
        errors(&out),
        [format!(
            "{F}/raw/vpc-1.yaml:1:1: error: moving this breaks VPCAttachment `vpc-1--server-01` (managed/vpcattachments/vpc-1--server-01.yaml:1), which managed/ keeps: VPC `vpc-1` (raw/vpc-1.yaml:1) has no subnet `default` (its subnets: `other`): attach one of its subnets, or add `default` to the VPC (at /spec/subnet); change that object in the same change, or keep what it relies on"
        )]
    );

    let pull_request = fabric(&managed);
    pull_request.write(&format!("{F}/managed/vpcs/vpc-1.yaml"), renamed.as_bytes());
    pull_request.commit_all("vpc-1's subnet renamed, by hand");
    let out = check_change(&pull_request);
    assert_exit(&out, 1);
    assert_eq!(
        errors(&out),
        [format!(
            "{F}/managed/vpcattachments/vpc-1--server-01.yaml:6:11: error: VPC `vpc-1` ({F}/managed/vpcs/vpc-1.yaml:1) has no subnet `default` (its subnets: `other`): attach one of its subnets, or add `default` to the VPC (at /spec/subnet)"
        )]
    );
}

#[test]
fn a_dependent_of_a_rejected_raw_update_names_the_raw_file() {
    let repo = fabric(&[
        ("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
        ("vpcs/vpc-2.yaml", vpc("vpc-2", "10.0.2.0/24", 1002)),
    ]);
    // The update adds subnet `web` on vpc-2's prefix: rejected for that.
    let with_web = format!(
        "{}    web:\n      subnet: 10.0.2.0/24\n      vlan: 1009\n",
        vpc("vpc-1", "10.0.1.0/24", 1001)
    );
    repo.write(&format!("{F}/raw/vpc-1.yaml"), with_web.as_bytes());
    repo.write(
        &format!("{F}/raw/web.yaml"),
        attachment("vpc-1")
            .replace("vpc-1/default", "vpc-1/web")
            .as_bytes(),
    );
    repo.commit_all("subnet web and an attachment to it");
    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    let errors = errors(&out);
    assert!(
        errors.contains(&format!("{F}/raw/web.yaml:6:11: error: VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1) has no subnet `web` (its subnets: `default`): attach one of its subnets, or add `web` to the VPC; VPC `vpc-1` in raw/vpc-1.yaml:1, which is rejected, would change it: fix that file first (at /spec/subnet)")),
        "{errors:#?}"
    );
}

#[test]
fn a_create_that_a_managed_object_needs_differently_is_admitted_as_push_and_as_pull_request() {
    // The managed attachment refers to vpc-1, which the fabric does not hold: it was never
    // admitted against vpc-1, and Hedgehog admits vpc-1's create whatever the attachment
    // needs (its webhooks check the object they admit).
    let managed = [("vpcattachments/vpc-1--server-01.yaml", attachment("vpc-1"))];
    let without_default =
        vpc("vpc-1", "10.0.1.0/24", 1001).replace("    default:\n", "    other:\n");

    let push = fabric(&managed);
    push.write(&format!("{F}/raw/vpc-1.yaml"), without_default.as_bytes());
    push.commit_all("vpc-1 created, through raw/");
    let out = push.sync(&["--dry-run"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("would move raw/vpc-1.yaml -> 1 resource"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("managed/vpcattachments/vpc-1--server-01.yaml:6:11: warning: not this change's doing (VPC `vpc-1` is new, and the fabric admits it whatever the objects that named it before it existed need): VPC `vpc-1` (raw/vpc-1.yaml:1) has no subnet `default`"),
        "{}",
        stdout(&out)
    );

    let pull_request = fabric(&managed);
    pull_request.write(
        &format!("{F}/managed/vpcs/vpc-1.yaml"),
        without_default.as_bytes(),
    );
    pull_request.commit_all("vpc-1 created, by hand");
    let out = check_change(&pull_request);
    assert_exit(&out, 0);
    assert!(errors(&out).is_empty(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!("{F}/managed/vpcattachments/vpc-1--server-01.yaml:6:11: warning: not this change's doing (VPC `vpc-1` is new, and the fabric admits it whatever the objects that named it before it existed need): VPC `vpc-1` ({F}/managed/vpcs/vpc-1.yaml:1) has no subnet `default` (its subnets: `other`)")),
        "the attachment's own problem is reported, not as the change's: {}",
        stdout(&out)
    );
}

#[test]
fn a_switch_update_that_breaks_an_attachment_on_its_connection_is_refused_as_push_and_as_pull_request()
 {
    let managed = [
        (
            "vlannamespaces/other.yaml",
            WIRED_FABRIC[1]
                .1
                .replace("name: default", "name: other")
                .replace("1000\n    to: 2999", "100\n    to: 199"),
        ),
        ("vpcs/vpc-1.yaml", vpc("vpc-1", "10.0.1.0/24", 1001)),
        ("vpcattachments/vpc-1--server-01.yaml", attachment("vpc-1")),
    ];
    // leaf-01 leaves VLANNamespace `default`, which vpc-1 (attached on its connection) uses.
    let moved = WIRED_FABRIC[2]
        .1
        .replace("spec:\n", "spec:\n  vlanNamespaces:\n  - other\n");

    let push = fabric(&managed);
    push.write(&format!("{F}/raw/leaf-01.yaml"), moved.as_bytes());
    push.commit_all("leaf-01 to VLANNamespace other, through raw/");
    let out = push.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    assert_eq!(
        errors(&out),
        [format!(
            "{F}/raw/leaf-01.yaml:1:1: error: moving this breaks VPCAttachment `vpc-1--server-01` (managed/vpcattachments/vpc-1--server-01.yaml:1), which managed/ keeps: Switch `leaf-01` (raw/leaf-01.yaml:1) of Connection `server-01--unbundled--leaf-01` does not have VLANNamespace `default` of VPC `vpc-1` (managed/vpcs/vpc-1.yaml:1) in its `vlanNamespaces` (it lists `other`): add it to the switch, or attach a VPC of one of its namespaces (at /spec/connection); change that object in the same change, or keep what it relies on"
        )]
    );

    let pull_request = fabric(&managed);
    pull_request.write(
        &format!("{F}/managed/switches/leaf-01.yaml"),
        moved.as_bytes(),
    );
    pull_request.commit_all("leaf-01 to VLANNamespace other, by hand");
    let out = check_change(&pull_request);
    assert_exit(&out, 1);
    assert_eq!(
        errors(&out),
        [format!(
            "{F}/managed/vpcattachments/vpc-1--server-01.yaml:7:15: error: Switch `leaf-01` ({F}/managed/switches/leaf-01.yaml:1) of Connection `server-01--unbundled--leaf-01` does not have VLANNamespace `default` of VPC `vpc-1` ({F}/managed/vpcs/vpc-1.yaml:1) in its `vlanNamespaces` (it lists `other`): add it to the switch, or attach a VPC of one of its namespaces (at /spec/connection)"
        )]
    );
}
