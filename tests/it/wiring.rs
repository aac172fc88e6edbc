//! The wiring's cross-object rules through `hh-gitops sync` on real git repositories: two
//! raw connections on one switch port, and a raw connection on a port of a managed one.

use crate::common::{Repo, assert_exit, stdout};

const F: &str = "gitops/hedgehog/f";

/// A leaf on `dell-s5232f-on` (whose QSFP28 ports have one lane by default, so `E1/1` and
/// `E1/1/1` both exist and are one port), two servers and the VLAN namespace they need.
const WIRING: &str = "\
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
  - from: 1000
    to: 2999
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  profile: dell-s5232f-on
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata:
  name: server-01
spec: {}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata:
  name: server-02
spec: {}
";

fn connection(server: &str, switch_port: &str) -> String {
    format!(
        "apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: {server}--unbundled--leaf-01
spec:
  unbundled:
    link:
      server:
        port: {server}/enp2s1
      switch:
        port: {switch_port}
"
    )
}

/// A repository whose fabric `f` has `files` (path relative to the fabric, content).
fn repo_with(files: &[(&str, String)]) -> Repo {
    let repo = Repo::new(None);
    for (path, content) in files {
        repo.write(&format!("{F}/{path}"), content.as_bytes());
    }
    repo.write(&format!("{F}/managed/.gitkeep"), b"");
    repo.commit_all("fabric");
    repo
}

#[test]
fn two_raw_connections_on_one_port_through_its_alias_are_both_rejected_naming_each_other() {
    let repo = repo_with(&[
        ("raw/wiring.yaml", WIRING.to_owned()),
        ("raw/conn-a.yaml", connection("server-01", "leaf-01/E1/1")),
        ("raw/conn-b.yaml", connection("server-02", "leaf-01/E1/1/1")),
    ]);
    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        [
            "      gitops/hedgehog/f/raw/conn-a.yaml:11:15: error: port `leaf-01/E1/1` is already used by Connection `server-02--unbundled--leaf-01` (raw/conn-b.yaml:1) as `leaf-01/E1/1/1`, the same port (a port without a lane is its first lane): a port is one end of one link; pick a free port (at /spec/unbundled/link/switch/port)",
            "      gitops/hedgehog/f/raw/conn-b.yaml:11:15: error: port `leaf-01/E1/1/1` is already used by Connection `server-01--unbundled--leaf-01` (raw/conn-a.yaml:1) as `leaf-01/E1/1`, the same port (a port without a lane is its first lane): a port is one end of one link; pick a free port (at /spec/unbundled/link/switch/port)",
        ],
        "{text}"
    );
    assert_eq!(
        repo.files_under(&format!("{F}/raw")),
        ["conn-a.yaml", "conn-b.yaml"],
        "the wiring moved, both connections stayed"
    );
    assert!(
        repo.files_under(&format!("{F}/managed"))
            .contains(&"switches/leaf-01.yaml".to_owned())
    );
}

#[test]
fn a_raw_connection_on_a_managed_connection_s_port_is_rejected_and_managed_is_untouched() {
    let managed = connection("server-01", "leaf-01/E1/1");
    let repo = repo_with(&[
        ("raw/wiring.yaml", WIRING.to_owned()),
        (
            "managed/connections/server-01--unbundled--leaf-01.yaml",
            managed.clone(),
        ),
        ("raw/conn-b.yaml", connection("server-02", "leaf-01/E1/1")),
        (
            "raw/conn-c.yaml",
            connection("server-02", "leaf-01/E1/2")
                .replace("server-02--unbundled", "server-02-2--unbundled")
                .replace("server-02/enp2s1", "server-02/enp2s2"),
        ),
    ]);
    let out = repo.sync(&[]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        [
            "      gitops/hedgehog/f/raw/conn-b.yaml:11:15: error: port `leaf-01/E1/1` is already used by Connection `server-01--unbundled--leaf-01` (managed/connections/server-01--unbundled--leaf-01.yaml:1): a port is one end of one link; pick a free port (at /spec/unbundled/link/switch/port)"
        ],
        "{text}"
    );
    assert_eq!(repo.files_under(&format!("{F}/raw")), ["conn-b.yaml"]);
    assert_eq!(
        repo.read(&format!(
            "{F}/managed/connections/server-01--unbundled--leaf-01.yaml"
        )),
        managed.as_bytes()
    );
}
