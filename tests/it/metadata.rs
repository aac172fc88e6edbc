//! Labels and annotations as the Kubernetes API server checks them: a raw file whose label
//! keys or values, or annotation keys, the API server would refuse stays in raw/ with one
//! error at each offending key or value; one with valid labels and annotations (an
//! annotation key of any case, an empty label value) moves. On a real git repository,
//! through the binary.

use crate::common::{Repo, WIRED_FABRIC, assert_exit, stdout};

const F: &str = "gitops/hedgehog/f";

const REFUSED: &str = "apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  labels:
    team: network
    example.com/Tier: front end
    Example.com/app: web
    owner: 7
  annotations:
    Note/x: free text is fine here
    a/b/c: x
spec:
  subnets:
    default:
      subnet: 10.0.1.0/24
      vlan: 1001
";

const ACCEPTED: &str = "apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
  labels:
    team: network
    example.com/tier: front_end.1
    empty: \"\"
  annotations:
    Example.COM/Note: \"free text, any case: fine\"
spec:
  subnets:
    default:
      subnet: 10.0.2.0/24
      vlan: 1002
";

#[test]
fn labels_and_annotations_the_api_server_refuses_keep_the_file_in_raw() {
    let repo = Repo::new(None);
    for (path, text) in WIRED_FABRIC {
        repo.write(&format!("{F}/managed/{path}"), text.as_bytes());
    }
    repo.write(&format!("{F}/raw/refused.yaml"), REFUSED.as_bytes());
    repo.write(&format!("{F}/raw/accepted.yaml"), ACCEPTED.as_bytes());
    repo.commit_all("labels and annotations");

    let out = repo.sync(&["--dry-run"]);
    assert_exit(&out, 1);
    let value_rule = "must be empty or consist of alphanumeric characters, `-`, `_` or `.`, and start and end with an alphanumeric character (e.g. `MyValue`, `my_value`, `12345`); free text belongs in an annotation";
    let prefix_rule = "is not a lowercase RFC 1123 subdomain: use a-z, 0-9, `-` and `.`, each dot-separated part starting and ending with a letter or digit (e.g. `example.com`)";
    assert_eq!(
        stdout(&out),
        format!(
            "{F}
  fabric config: fabricator's defaults (no fab.yaml found; give one with `--fabric-config`)
  Hedgehog release: 26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)
  rejected raw/refused.yaml (left in raw/)
      {F}/raw/refused.yaml:7:23: error: the value `front end` of label `example.com/Tier` {value_rule} (at /metadata/labels/example.com~1Tier)
      {F}/raw/refused.yaml:8:5: error: the prefix `Example.com` of label key `Example.com/app` {prefix_rule} (at /metadata/labels/Example.com~1app)
      {F}/raw/refused.yaml:9:12: error: 7 is not of type \"string\" (at /metadata/labels/owner)
      {F}/raw/refused.yaml:12:5: error: annotation key `a/b/c` has more than one `/`: a key is a name, optionally after a DNS subdomain prefix and one `/` (e.g. `example.com/MyName`) (at /metadata/annotations/a~1b~1c)
  would move raw/accepted.yaml -> 1 resource
      created   managed/vpcs/vpc-2.yaml
dry run, nothing changed: 1 raw file would move (1 resource: 1 created, 0 updated, 0 unchanged), 1 rejected (4 errors), 0 ignored, 0 warnings
"
        )
    );

    let out = repo.sync(&["--commit", "git"]);
    assert_exit(&out, 1);
    assert_eq!(repo.files_under(&format!("{F}/raw")), ["refused.yaml"]);
    assert_eq!(
        repo.read(&format!("{F}/managed/vpcs/vpc-2.yaml")),
        ACCEPTED.as_bytes()
    );
}
