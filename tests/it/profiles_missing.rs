//! A Connection on a switch whose SwitchProfile the fabric does not have: the fabric
//! refuses it (`connection_types.go:845-849`, "switch profile … not found"), so `check`
//! reports it on the Connection itself, not only on the Switch. A real git repository, the
//! real binary.

use crate::common::{Repo, assert_exit, bin, output, stdout};

const F: &str = "gitops/hedgehog/f";

/// A fabric whose managed/ holds the namespaces, a server and a switch of profile
/// `no-such-profile`, and whose raw/ holds a Connection between them.
fn fabric() -> Repo {
    let repo = Repo::new(None);
    let managed = [
        (
            "vlannamespaces/default.yaml",
            "apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges:\n  - from: 1000\n    to: 2999\n",
        ),
        (
            "switches/leaf-01.yaml",
            "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-01\nspec:\n  role: server-leaf\n  profile: no-such-profile\n  asn: 65101\n  ip: 172.30.0.8/21\n  protocolIP: 172.30.8.2/32\n  vtepIP: 172.30.12.0/32\n",
        ),
        (
            "servers/server-01.yaml",
            "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: server-01\nspec: {}\n",
        ),
    ];
    for (path, text) in managed {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(
        &format!("{F}/raw/connection.yaml"),
        b"apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: server-01--unbundled--leaf-01\nspec:\n  unbundled:\n    link:\n      server:\n        port: server-01/enp2s1\n      switch:\n        port: leaf-01/E1/1\n",
    );
    repo.commit_all("a connection on a switch of an unknown profile");
    repo
}

#[test]
fn a_connection_on_a_switch_whose_profile_the_fabric_lacks_is_rejected_naming_switch_and_profile() {
    let repo = fabric();
    let mut command = bin();
    command.current_dir(&repo.work).arg("check");
    let out = output(repo.isolate(&mut command));
    assert_exit(&out, 1);
    let text = stdout(&out);
    let connection: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with(&format!("{F}/raw/connection.yaml:")))
        .collect();
    assert_eq!(
        connection,
        [
            "gitops/hedgehog/f/raw/connection.yaml:11:15: error: Switch `leaf-01` (gitops/hedgehog/f/managed/switches/leaf-01.yaml:1) has SwitchProfile `no-such-profile`, which is not in this fabric, so the fabric refuses this connection: set the switch's `profile` to one of the fabric's built-in profiles (the Switch's own finding lists them), or add the SwitchProfile to the fabric (at /spec/unbundled/link/switch/port)"
        ],
        "{text}"
    );
    // The Switch's own finding, which lists the built-in profiles, is there too.
    assert!(
        text.lines().any(|line| line.starts_with(&format!(
            "{F}/managed/switches/leaf-01.yaml:7:12: error: SwitchProfile `no-such-profile` does not exist: the fabric has only its built-in profiles (`celestica-ds2000`, "
        ))),
        "{text}"
    );
}
