//! A raw update of a Switch that managed/ holds hydrated must keep `asn`, `ip`,
//! `protocolIP` and `vtepIP`: a GitOps applier applies what Git holds, nothing hydrates it
//! on the way, and the fabric requires them. On a real git repository (a bare origin and a
//! clone), through the binary.

use crate::common::{Repo, WIRED_FABRIC, assert_exit, stdout};

const F: &str = "gitops/hedgehog/f";

/// `leaf-01` of [`WIRED_FABRIC`] (hydrated in managed/), with a description and without
/// its hydrated values.
const UNHYDRATED_UPDATE: &str = "apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  profile: vs
  description: the first leaf
";

/// A repository whose fabric `f` holds [`WIRED_FABRIC`] in managed/ and `leaf` as
/// raw/leaf.yaml, committed.
fn fabric(leaf: &str) -> Repo {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(&format!("{F}/raw/leaf.yaml"), leaf.as_bytes());
    repo.commit_all("an update of leaf-01");
    repo
}

#[test]
fn an_update_that_drops_the_hydrated_values_stays_in_raw() {
    let repo = fabric(UNHYDRATED_UPDATE);
    let before = repo.commit_count();
    let out = repo.sync(&["--commit", "git"]);
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        format!(
            "{F}
  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)
  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)
  rejected raw/leaf.yaml (left in raw/)
      {F}/raw/leaf.yaml:6:3: error: this update drops `asn`, `ip`, `protocolIP` and `vtepIP`, which the managed Switch has (managed/switches/leaf-01.yaml): hhfab fills them only in wiring it applies itself, nothing fills them between Git and the fabric, and the fabric requires them; copy them from managed/switches/leaf-01.yaml (at /spec)
      {F}/raw/leaf.yaml:6:3: warning: `asn`, `ip`, `protocolIP` and `vtepIP` are not set: hhfab fills them when it hydrates the wiring; the fabric requires them (`vtepIP` on every leaf) (at /spec)
no commit (nothing to change): 0 raw files moved (0 resources: 0 created, 0 updated, 0 unchanged), 1 rejected (1 error), 0 ignored, 1 warning
"
        )
    );
    assert_eq!(repo.commit_count(), before);
    assert_eq!(repo.files_under(&format!("{F}/raw")), ["leaf.yaml"]);
    assert_eq!(
        repo.read(&format!("{F}/managed/switches/leaf-01.yaml")),
        WIRED_FABRIC[2].1.as_bytes()
    );
}

#[test]
fn an_update_that_keeps_them_moves() {
    let hydrated = WIRED_FABRIC[2].1.replace(
        "  profile: vs\n",
        "  profile: vs\n  description: the first leaf\n",
    );
    let repo = fabric(&hydrated);
    let out = repo.sync(&["--commit", "git"]);
    assert_exit(&out, 0);
    assert_eq!(repo.files_under(&format!("{F}/raw")), [".gitkeep"]);
    assert_eq!(
        repo.read(&format!("{F}/managed/switches/leaf-01.yaml")),
        hydrated.as_bytes()
    );
}
