//! The kinds hh-gitops knows and their JSON Schemas per Hedgehog release: the embedded set
//! generated from the upstream Hedgehog CRDs, plus any a user adds with `--schemas DIR`
//! (which apply to every release).
//!
//! The binary carries one base set (`schemas/*.json`, from fabric@78827deb) and, per release,
//! a JSON merge patch per schema that differs (`schemas/releases/<release>.json`, written by
//! `tools/release_schemas.py` from the release's CRDs): the releases differ by a few fields,
//! so three full sets would triple the schemas' share of the binary for nothing.
//!
//! This is the one place for the kind table: which kinds are authored in Git, where their
//! managed files go (`managed/<plural>/`), and which kinds belong to the fabric itself.

pub mod import;
pub mod patch;

use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use jsonschema::Validator;
use serde_json::Value;

pub use import::KindId;

use crate::kind::Kind;
use crate::release::Release;

/// A schema file compiled into the binary.
struct EmbeddedSchema {
    group: &'static str,
    version: &'static str,
    kind: Kind,
    plural: &'static str,
    text: &'static str,
}

macro_rules! embedded {
    ($($group:literal $version:literal $kind:ident $plural:literal;)*) => {
        &[$(EmbeddedSchema {
            group: $group,
            version: $version,
            kind: Kind::$kind,
            plural: $plural,
            text: include_str!(concat!("../../schemas/", $plural, ".", $group, "_", $version, ".json")),
        },)*]
    };
}

/// The kinds people author in a Hedgehog GitOps repository.
const EMBEDDED: &[EmbeddedSchema] = embedded! {
    "vpc.githedgehog.com" "v1beta1" Vpc "vpcs";
    "vpc.githedgehog.com" "v1beta1" VpcAttachment "vpcattachments";
    "vpc.githedgehog.com" "v1beta1" VpcPeering "vpcpeerings";
    "vpc.githedgehog.com" "v1beta1" External "externals";
    "vpc.githedgehog.com" "v1beta1" ExternalAttachment "externalattachments";
    "vpc.githedgehog.com" "v1beta1" ExternalPeering "externalpeerings";
    "vpc.githedgehog.com" "v1beta1" Ipv4Namespace "ipv4namespaces";
    "wiring.githedgehog.com" "v1beta1" Connection "connections";
    "wiring.githedgehog.com" "v1beta1" Switch "switches";
    "wiring.githedgehog.com" "v1beta1" Server "servers";
    "wiring.githedgehog.com" "v1beta1" SwitchGroup "switchgroups";
    "wiring.githedgehog.com" "v1beta1" VlanNamespace "vlannamespaces";
    "gateway.githedgehog.com" "v1alpha1" Gateway "gateways";
    "gateway.githedgehog.com" "v1alpha1" GatewayGroup "gatewaygroups";
    "gateway.githedgehog.com" "v1alpha1" GatewayPeering "gatewaypeerings";
};

/// The kinds of a fab.yaml, from fabricator's CRDs at `e9b05b8d` (the fabricator that
/// vendors fabric v0.129.1, as 26.03 is checked; `schemas/crds/fabricator/SOURCE.md`).
/// hhfab decodes a fab.yaml strictly (fabricator `pkg/util/apiutil/scheme.go:65`,
/// `serializer.EnableStrict`), so a field these lack stops it. The 26.01 and 26.02
/// fabricators (v0.45.5, v0.47.4) differ from it only in `status` and in lacking
/// `spec.config.control.noPassAuth`, which is not told apart here.
const FAB_YAML: &[EmbeddedSchema] = &[
    EmbeddedSchema {
        group: "fabricator.githedgehog.com",
        version: "v1beta1",
        kind: Kind::Fabricator,
        plural: "fabricators",
        text: include_str!(
            "../../schemas/fabricator/fabricators.fabricator.githedgehog.com_v1beta1.json"
        ),
    },
    EmbeddedSchema {
        group: "fabricator.githedgehog.com",
        version: "v1beta1",
        kind: Kind::ControlNode,
        plural: "controlnodes",
        text: include_str!(
            "../../schemas/fabricator/controlnodes.fabricator.githedgehog.com_v1beta1.json"
        ),
    },
    EmbeddedSchema {
        group: "fabricator.githedgehog.com",
        version: "v1beta1",
        kind: Kind::FabNode,
        plural: "fabnodes",
        text: include_str!(
            "../../schemas/fabricator/fabnodes.fabricator.githedgehog.com_v1beta1.json"
        ),
    },
];

/// Hedgehog kinds that the fabric's controllers create and own: never authored in Git.
pub const FABRIC_MANAGED: &[(&str, Kind)] = &[
    ("agent.githedgehog.com", Kind::Agent),
    ("agent.githedgehog.com", Kind::Catalog),
    ("dhcp.githedgehog.com", Kind::DhcpSubnet),
    ("gateway.githedgehog.com", Kind::VpcInfo),
    ("gwint.githedgehog.com", Kind::GatewayAgent),
    ("wiring.githedgehog.com", Kind::SwitchProfile),
    ("wiring.githedgehog.com", Kind::ServerProfile),
];

/// Where a kind's schema came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary.
    Embedded,
    /// Loaded from this file with `--schemas`.
    File(String),
}

/// One known kind at one release: its identity, schema and (lazily) compiled validator.
pub struct KnownKind {
    /// Group, version, kind and plural.
    pub id: KindId,
    /// Where the schema came from.
    pub origin: Origin,
    /// The embedded base schema's text and the release whose patch it takes, made into
    /// `schema` on first use; `None` for a schema from `--schemas`, which is parsed when
    /// loaded and stored in `schema` at once.
    embedded: Option<(&'static str, Release)>,
    schema: OnceLock<Result<Value, String>>,
    validator: OnceLock<Result<Validator, String>>,
}

impl KnownKind {
    /// The schema as JSON, parsed on first use; findings read it to name the fields a
    /// mapping allows.
    pub fn schema(&self) -> Result<&Value, String> {
        self.schema
            .get_or_init(|| match self.embedded {
                Some((text, release)) => {
                    let mut schema: Value =
                        serde_json::from_str(text).map_err(|e| e.to_string())?;
                    if let Some(diff) = patch::for_release(release, &self.id.file_name()) {
                        patch::merge(&mut schema, diff);
                    }
                    Ok(schema)
                }
                None => Err("no schema text".to_owned()),
            })
            .as_ref()
            .map_err(|e| format!("the schema of {} is broken: {e}", self.id.kind))
    }

    /// The compiled validator, built on first use (most runs touch few kinds).
    pub fn validator(&self) -> Result<&Validator, String> {
        self.validator
            .get_or_init(|| {
                let schema = self.schema()?;
                jsonschema::draft7::new(schema).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| format!("the schema of {} is broken: {e}", self.id.kind))
    }
}

impl EmbeddedSchema {
    /// This schema as a known kind at `release` (whose patch it takes, if any).
    fn known_at(&self, release: Release) -> KnownKind {
        KnownKind {
            id: KindId {
                group: self.group.into(),
                version: self.version.into(),
                kind: self.kind.clone(),
                plural: self.plural.into(),
            },
            origin: Origin::Embedded,
            embedded: Some((self.text, release)),
            schema: OnceLock::new(),
            validator: OnceLock::new(),
        }
    }
}

/// The kinds a fab.yaml holds (`Fabricator`, `ControlNode`, `FabNode`), with their schemas.
pub fn fab_yaml_kinds() -> &'static [KnownKind] {
    static KINDS: std::sync::LazyLock<Vec<KnownKind>> = std::sync::LazyLock::new(|| {
        FAB_YAML
            .iter()
            .map(|e| e.known_at(Release::NEWEST))
            .collect()
    });
    &KINDS
}

/// The result of looking a document's `apiVersion` and `kind` up.
pub enum Lookup<'a> {
    /// A kind with a schema.
    Known(&'a KnownKind),
    /// A Hedgehog kind the fabric manages itself.
    FabricManaged,
    /// A known kind at a version hh-gitops has no schema for; lists the supported ones.
    OtherVersion(Vec<String>),
    /// Nothing known by that group and kind.
    Unknown,
}

/// The known kinds of each release. Every release has the same kinds (only their fields
/// differ), so a kind's identity can be read at any release.
pub struct Registry {
    /// Per release, oldest first (as [`Release::ALL`]), its kinds.
    sets: Vec<(Release, Vec<KnownKind>)>,
}

impl Registry {
    /// The schemas compiled into the binary, for every release.
    pub fn embedded() -> Self {
        let sets = Release::ALL
            .into_iter()
            .map(|release| {
                let kinds = EMBEDDED.iter().map(|e| e.known_at(release)).collect();
                (release, kinds)
            })
            .collect();
        Registry { sets }
    }

    /// Adds (or replaces, for the same group, version and kind) a schema generated by
    /// `hh-gitops schemas import`. `name` is where it came from, for messages.
    pub fn add_schema(&mut self, name: &str, text: &str) -> Result<()> {
        let schema: Value =
            serde_json::from_str(text).with_context(|| format!("{name} is not valid JSON"))?;
        let id = import::kind_of(&schema).with_context(|| {
            format!(
                "{name} does not say which kind it describes (no `{}`/`{}`): generate it with `hh-gitops schemas import`",
                import::GVK_KEYWORD,
                import::PLURAL_KEYWORD
            )
        })?;
        if let Some(problem) = id.path_problem() {
            bail!(
                "{name}: {problem} (from `{}`/`{}`); fix it or generate the file again with `hh-gitops schemas import`",
                import::GVK_KEYWORD,
                import::PLURAL_KEYWORD
            );
        }
        jsonschema::draft7::new(&schema)
            .map_err(|e| anyhow::anyhow!("{name} is not a valid JSON Schema: {e}"))?;
        for (_, kinds) in &mut self.sets {
            kinds.retain(|k| {
                !(k.id.group == id.group && k.id.version == id.version && k.id.kind == id.kind)
            });
            kinds.push(KnownKind {
                id: id.clone(),
                origin: Origin::File(name.to_owned()),
                embedded: None,
                schema: OnceLock::from(Ok(schema.clone())),
                validator: OnceLock::new(),
            });
        }
        Ok(())
    }

    /// Every known kind, with the newest release's schemas (the kinds and their identities
    /// are the same at every release).
    pub fn kinds(&self) -> &[KnownKind] {
        self.kinds_at(Release::NEWEST)
    }

    /// Every known kind, with `release`'s schemas.
    pub fn kinds_at(&self, release: Release) -> &[KnownKind] {
        self.sets
            .iter()
            .find(|(r, _)| *r == release)
            .map_or(&[], |(_, kinds)| kinds)
    }

    /// Finds the schema for a document's `apiVersion` and `kind`, at the newest release:
    /// for what does not depend on the release (identity, managed folder).
    pub fn lookup(&self, api_version: &str, kind: &Kind) -> Lookup<'_> {
        self.lookup_at(Release::NEWEST, api_version, kind)
    }

    /// Finds `release`'s schema for a document's `apiVersion` and `kind`.
    pub fn lookup_at(&self, release: Release, api_version: &str, kind: &Kind) -> Lookup<'_> {
        let kinds = self.kinds_at(release);
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        if let Some(known) = kinds
            .iter()
            .find(|k| k.id.group == group && k.id.version == version && k.id.kind == *kind)
        {
            return Lookup::Known(known);
        }
        if FABRIC_MANAGED.iter().any(|(g, k)| *g == group && k == kind) {
            return Lookup::FabricManaged;
        }
        let versions: Vec<String> = kinds
            .iter()
            .filter(|k| k.id.group == group && k.id.kind == *kind)
            .map(|k| k.id.api_version())
            .collect();
        if versions.is_empty() {
            Lookup::Unknown
        } else {
            Lookup::OtherVersion(versions)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_matches_the_schema_files() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".json"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = Registry::embedded()
            .kinds()
            .iter()
            .map(|k| k.id.file_name())
            .collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
        for e in EMBEDDED {
            let schema: Value = serde_json::from_str(e.text).unwrap();
            let id = import::kind_of(&schema).unwrap();
            assert_eq!(id.path_problem(), None);
            assert_eq!(
                (
                    id.group.as_str(),
                    id.version.as_str(),
                    &id.kind,
                    id.plural.as_str()
                ),
                (e.group, e.version, &e.kind, e.plural)
            );
        }
    }

    #[test]
    fn every_embedded_schema_compiles_at_every_release() {
        let registry = Registry::embedded();
        for release in Release::ALL {
            for kind in registry.kinds_at(release) {
                kind.validator().unwrap();
            }
        }
    }

    #[test]
    fn every_release_patch_names_an_embedded_schema() {
        let registry = Registry::embedded();
        for release in Release::ALL {
            for name in patch::file_names(release) {
                assert!(
                    registry.kinds().iter().any(|k| &k.id.file_name() == name),
                    "{release}: {name}"
                );
            }
        }
    }

    #[test]
    fn lookups() {
        let registry = Registry::embedded();
        assert!(
            matches!(registry.lookup("vpc.githedgehog.com/v1beta1", &Kind::Vpc), Lookup::Known(k) if k.id.plural == "vpcs")
        );
        assert!(matches!(
            registry.lookup("agent.githedgehog.com/v1beta1", &Kind::Agent),
            Lookup::FabricManaged
        ));
        assert!(matches!(
            registry.lookup("wiring.githedgehog.com/v1beta1", &Kind::SwitchProfile),
            Lookup::FabricManaged
        ));
        assert!(
            matches!(registry.lookup("vpc.githedgehog.com/v1alpha2", &Kind::Vpc), Lookup::OtherVersion(v) if v == ["vpc.githedgehog.com/v1beta1"])
        );
        assert!(matches!(
            registry.lookup("v1", &Kind::from_name("ConfigMap")),
            Lookup::Unknown
        ));
    }

    #[test]
    fn added_schemas_override_embedded_ones() {
        let mut registry = Registry::embedded();
        let text = serde_json::json!({
            "type": "object",
            "x-kubernetes-group-version-kind": [{"group": "vpc.githedgehog.com", "version": "v1beta1", "kind": "VPC"}],
            "x-hh-gitops-plural": "vpcs"
        }).to_string();
        registry.add_schema("mine.json", &text).unwrap();
        let Lookup::Known(kind) = registry.lookup("vpc.githedgehog.com/v1beta1", &Kind::Vpc) else {
            panic!()
        };
        assert_eq!(kind.origin, Origin::File("mine.json".into()));
        for release in Release::ALL {
            let Lookup::Known(kind) =
                registry.lookup_at(release, "vpc.githedgehog.com/v1beta1", &Kind::Vpc)
            else {
                panic!()
            };
            assert_eq!(kind.schema().unwrap()["type"], "object", "{release}");
            assert_eq!(registry.kinds_at(release).len(), EMBEDDED.len());
        }
        assert!(registry.add_schema("bad.json", "{}").is_err());
    }

    #[test]
    fn added_schemas_whose_plural_is_not_a_folder_name_are_refused() {
        for plural in ["../../../../../pwned", "/", ".", "..", "", "Things", "a/b"] {
            let text = serde_json::json!({
                "type": "object",
                "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Thing"}],
                "x-hh-gitops-plural": plural
            })
            .to_string();
            let error = Registry::embedded()
                .add_schema("extra/thing.json", &text)
                .err()
                .unwrap_or_else(|| panic!("{plural:?} accepted"));
            assert_eq!(
                error.to_string(),
                format!(
                    "extra/thing.json: the plural `{plural}` is not a lowercase RFC 1123 label: it names the kind's folder under managed/, so use a-z, 0-9 and `-` (at most 63 characters, starting and ending with a letter or digit), like `vpcs` (from `x-kubernetes-group-version-kind`/`x-hh-gitops-plural`); fix it or generate the file again with `hh-gitops schemas import`"
                )
            );
        }
    }
}
