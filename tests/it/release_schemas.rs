//! The schemas of each Hedgehog release: what the binary embeds (the base set plus the
//! release's patches) is exactly what importing that release's CRDs gives, and a field
//! that a release does not have is refused at that release and accepted where it exists,
//! through the whole check of a raw file (`validate::check_file`) with that release.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{assert_exit, bin, output};
use hh_gitops::rules::{Context, Release};
use hh_gitops::schema::Registry;
use hh_gitops::validate::check_file;

fn crds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/crds")
}

/// The CRD files of `release`: `schemas/crds/<release>/` laid over the base
/// `schemas/crds/` (a release file replaces the base file of the same name).
fn release_crds(release: Release) -> Vec<PathBuf> {
    let yaml_in = |dir: PathBuf| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect()
    };
    let mut by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in yaml_in(crds_dir())
        .into_iter()
        .chain(yaml_in(crds_dir().join(release.name())))
    {
        by_name.insert(path.file_name().unwrap().to_str().unwrap().to_owned(), path);
    }
    by_name.into_values().collect()
}

#[test]
fn each_release_s_embedded_schemas_are_a_fresh_import_of_its_crds() {
    let registry = Registry::embedded();
    for release in Release::ALL {
        let out_dir = tempfile::tempdir().unwrap();
        let crds = release_crds(release);
        assert_eq!(crds.len(), 15, "{release}");
        let out = output(
            bin()
                .args(["schemas", "import"])
                .args(&crds)
                .arg("--out")
                .arg(out_dir.path()),
        );
        assert_exit(&out, 0);
        let embedded = registry.kinds_at(release);
        assert_eq!(embedded.len(), 15);
        for kind in embedded {
            let name = kind.id.file_name();
            let fresh: serde_json::Value =
                serde_json::from_slice(&std::fs::read(out_dir.path().join(&name)).unwrap())
                    .unwrap();
            assert!(
                *kind.schema().unwrap() == fresh,
                "{release} {name} differs from a fresh import of its CRDs: run `python3 tools/release_schemas.py`"
            );
        }
    }
}

/// The whole check of one raw file at `release`, with no fabric config: `Ok` or the
/// error messages.
fn check_at(release: Release, yaml: &str) -> Result<(), Vec<String>> {
    let ctx = Context {
        config: None,
        config_given: false,
        release,
    };
    match check_file(&Registry::embedded(), &ctx, yaml.as_bytes()) {
        Ok(_) => Ok(()),
        Err(findings) => Err(findings.into_iter().map(|f| f.message).collect()),
    }
}

/// A field and the oldest release that has it: a document setting it (otherwise valid at
/// every release) is refused before, naming the field, and accepted from then on.
struct Added {
    field: &'static str,
    since: Release,
    yaml: &'static str,
}

const SWITCH: &str = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-01\nspec:\n  role: server-leaf\n  profile: vs\n";
const GATEWAY: &str = "apiVersion: gateway.githedgehog.com/v1alpha1\nkind: Gateway\nmetadata:\n  name: gw-1\nspec:\n  protocolIP: 172.30.8.3/32\n  vtepIP: 172.30.12.1/32\n  asn: 65101\n  vtepMAC: ca:fe:ba:be:00:01\n  vtepMTU: 1500\n  interfaces:\n    port0:\n      kernel: eth0\n      ips: [172.30.128.3/31]\n      mtu: 1500\n  neighbors:\n  - {source: eth0, ip: 172.30.128.1, asn: 65100}\n";

fn cases() -> Vec<Added> {
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    vec![
        Added {
            field: "portFECs",
            since: Release::V26_03,
            yaml: leak(format!("{SWITCH}  portFECs:\n    E1/1: rs\n")),
        },
        Added {
            field: "linkFlapErrDisable",
            since: Release::V26_03,
            yaml: leak(format!(
                "{SWITCH}  linkFlapErrDisable:\n    flapThreshold: 5\n"
            )),
        },
        Added {
            field: "portLocators",
            since: Release::V26_03,
            yaml: leak(format!("{SWITCH}  portLocators:\n    E1/1: 10m\n")),
        },
        Added {
            field: "rateLimit",
            since: Release::V26_03,
            yaml: leak(format!(
                "{GATEWAY}  logs:\n    rateLimit: {{burst: 100, replenishPerSecond: 10}}\n"
            )),
        },
        Added {
            field: "flowTableCapacity",
            since: Release::V26_02,
            yaml: leak(format!("{GATEWAY}  flowTableCapacity: 100000\n")),
        },
        Added {
            field: "acl",
            since: Release::V26_03,
            yaml: "apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayPeering\nmetadata:\n  name: vpc-1--vpc-2\nspec:\n  gatewayGroup: default\n  peering:\n    vpc-1:\n      expose:\n      - ips:\n        - {cidr: 10.0.1.0/24}\n    vpc-2:\n      expose:\n      - ips:\n        - {cidr: 10.0.2.0/24}\n  acl: {default: deny}\n",
        },
        Added {
            field: "inboundACL",
            since: Release::V26_02,
            yaml: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalAttachment\nmetadata:\n  name: ext-att-10\nspec:\n  external: external-01\n  connection: leaf-01--external\n  neighbor: {asn: 64000, ip: 10.90.0.4}\n  switch: {vlan: 100, ip: 10.90.0.5/31}\n  inboundACL: {statements: [{seq: 10, action: permit, protocol: ip, srcPrefix: any, dstPrefix: any}]}\n",
        },
        Added {
            field: "relayVPC",
            since: Release::V26_02,
            yaml: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-01\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      gateway: 10.0.1.1\n      vlan: 100\n      dhcp:\n        relay: 10.99.0.100/24\n        relayVPC: vpc-02\n",
        },
        Added {
            field: "hostBGPMinPrefixLen",
            since: Release::V26_03,
            yaml: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-01\nspec:\n  subnets:\n    bgp:\n      subnet: 10.0.1.0/24\n      hostBGP: true\n      hostBGPMinPrefixLen: 28\n",
        },
        Added {
            field: "hostBGPMaxPrefixLen",
            since: Release::V26_03,
            yaml: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-01\nspec:\n  subnets:\n    bgp:\n      subnet: 10.0.1.0/24\n      hostBGP: true\n      hostBGPMaxPrefixLen: 32\n",
        },
        Added {
            field: "hostBGPExtraPrefixes",
            since: Release::V26_03,
            yaml: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-01\nspec:\n  subnets:\n    bgp:\n      subnet: 10.0.1.0/24\n      hostBGP: true\n      hostBGPExtraPrefixes:\n        10.0.9.0/24: {minPrefixLen: 24, maxPrefixLen: 32}\n",
        },
    ]
}

#[test]
fn a_field_is_refused_at_the_releases_before_it_and_accepted_from_its_release_on() {
    let mut failures = Vec::new();
    for case in cases() {
        for release in Release::ALL {
            let verdict = check_at(release, case.yaml);
            let wanted_refusal = release < case.since;
            let refused_for_the_field = verdict.as_ref().is_err_and(|messages| {
                messages.len() == 1
                    && messages[0].starts_with(&format!("unknown field `{}`", case.field))
            });
            if wanted_refusal != refused_for_the_field || (!wanted_refusal && verdict.is_err()) {
                failures.push(format!("{} at {release}: {verdict:?}", case.field));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_new_26_03_bounds_hold_only_where_the_fields_exist() {
    let vpc = |len: u32| {
        format!(
            "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-01\nspec:\n  subnets:\n    bgp:\n      subnet: 10.0.1.0/24\n      hostBGP: true\n      hostBGPExtraPrefixes:\n        10.0.9.0/24: {{maxPrefixLen: {len}}}\n"
        )
    };
    assert_eq!(check_at(Release::V26_03, &vpc(32)), Ok(()));
    let refused = check_at(Release::V26_03, &vpc(33)).unwrap_err();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("33"), "{refused:?}");
}
