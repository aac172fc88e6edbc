//! Reading the admission cases of `tests/admission/*.yaml` (format: `tests/it/admission.rs`),
//! shared by the case runner and the differential test against Hedgehog's own code (each
//! of which reads only part of a case, hence the allowance below).

use std::path::{Path, PathBuf};

use hh_gitops::crosscheck::{self, Scope};
use hh_gitops::finding::Finding;
use hh_gitops::kind::Kind;
use hh_gitops::manifest::{self, Value};
use hh_gitops::plan::{FabricInput, ManagedFile, RawFile, RawOutcome};
use hh_gitops::rules::config::FabricConfig;
use hh_gitops::rules::state::References;
use hh_gitops::rules::{self, Context, Release};
use hh_gitops::validate::Resource;

/// One case.
pub struct Case {
    pub file: String,
    pub line: u32,
    pub name: String,
    /// `None`: fabricator's defaults (no config given); `Some(None)`: a nil config.
    pub config: Option<Option<FabricConfig>>,
    pub cross_object: bool,
    pub expect: String,
    pub message: Option<String>,
    pub object: serde_json::Value,
    /// The Go test's other objects (its cluster), for cross-object cases.
    pub objects: Vec<serde_json::Value>,
    /// The Hedgehog releases whose tables (and code) give this verdict: `releases:`, or by
    /// default the release its folder is named after (`tests/admission/26.01/`), or every
    /// release for the cases of `tests/admission/` itself.
    pub releases: Vec<Release>,
}

impl Case {
    /// The rules' context for this case, checked against `release`.
    pub fn context(&self, release: Release) -> Context<'_> {
        match &self.config {
            None => Context {
                release,
                ..Context::fabricator_defaults()
            },
            Some(config) => Context {
                config: config.as_ref(),
                config_given: true,
                release,
            },
        }
    }

    /// Whether the case's verdict is the one `release` gives.
    pub fn holds_at(&self, release: Release) -> bool {
        self.releases.contains(&release)
    }

    /// `file:line name`, for messages.
    pub fn label(&self) -> String {
        format!("{}:{} {}", self.file, self.line, self.name)
    }
}

/// Every case file, in name order: those of `tests/admission/`, then those of its release
/// folders (`26.01/`, `26.02/`: the entries of a release's Go tables that differ from the
/// 78827deb tables), oldest release first.
pub fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/admission");
    let yaml_in = |dir: &Path| {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        paths.sort();
        paths
    };
    let mut paths = yaml_in(&dir);
    for release in Release::ALL {
        let folder = dir.join(release.name());
        if folder.is_dir() {
            paths.extend(yaml_in(&folder));
        }
    }
    paths
}

/// Every case of every file.
pub fn all_cases() -> Vec<Case> {
    case_files().iter().flat_map(|p| read_cases(p)).collect()
}

pub fn read_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read(path).unwrap();
    let folder_release = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|name| name.to_str()?.parse::<Release>().ok());
    let file = match folder_release {
        Some(release) => format!("{release}/{}", path.file_name().unwrap().to_string_lossy()),
        None => path.file_name().unwrap().to_string_lossy().into_owned(),
    };
    let documents = manifest::parse(&text)
        .unwrap_or_else(|f| panic!("{file}:{}:{}: {}", f.line, f.col, f.message));
    documents
        .into_iter()
        .map(|doc| {
            let at = format!("{file}:{}", doc.start_line);
            let string = |key: &str| match doc.root.value.get(key).map(|n| &n.value) {
                Some(Value::Str(s)) => Some(s.clone()),
                Some(other) => panic!("{at}: `{key}` must be a string, not {}", other.type_name()),
                None => None,
            };
            let config = doc.root.value.get("config").map(|node| match &node.value {
                Value::Null => None,
                _ => {
                    let mut config: FabricConfig = serde_json::from_value(node.to_json())
                        .unwrap_or_else(|e| panic!("{at}: config: {e}"));
                    if !config.reserved_subnets.is_empty() {
                        config.with_reserved_subnets().unwrap();
                    }
                    Some(config)
                }
            });
            let cross_object = matches!(
                doc.root.value.get("crossObject").map(|n| &n.value),
                Some(Value::Bool(true))
            );
            let object = doc
                .root
                .value
                .get("object")
                .unwrap_or_else(|| panic!("{at}: no `object`"))
                .to_json();
            let objects = match doc.root.value.get("objects").map(|n| n.to_json()) {
                Some(serde_json::Value::Array(items)) => items,
                Some(other) => panic!("{at}: `objects` must be a list, not {other}"),
                None => Vec::new(),
            };
            let releases = match doc.root.value.get("releases").map(|n| &n.value) {
                None => folder_release.map_or(Release::ALL.to_vec(), |r| vec![r]),
                Some(Value::Seq(items)) => items
                    .iter()
                    .map(|item| match &item.value {
                        Value::Str(name) => name
                            .parse()
                            .unwrap_or_else(|e| panic!("{at}: releases: {e}")),
                        other => panic!(
                            "{at}: releases: quote each release (`\"26.01\"`), not {}",
                            other.type_name()
                        ),
                    })
                    .collect(),
                Some(other) => panic!("{at}: `releases` must be a list, not {}", other.type_name()),
            };
            assert!(
                string("go").is_some(),
                "{at}: no `go` (the Go table entry, or `none`)"
            );
            Case {
                name: string("case").unwrap_or_else(|| panic!("{at}: no `case`")),
                expect: string("expect").unwrap_or_else(|| panic!("{at}: no `expect`")),
                message: string("message"),
                file: file.clone(),
                line: doc.start_line,
                config,
                cross_object,
                object,
                objects,
                releases,
            }
        })
        .collect()
}

/// A Go test's object as a managed resource: defaulted, not validated.
pub fn managed(object: &serde_json::Value, ctx: &Context, index: usize) -> ManagedFile {
    let kind = Kind::from_name(object["kind"].as_str().unwrap_or_default());
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (_, typed) = rules::admit_typed(&kind, object, ctx);
    ManagedFile {
        path: format!("managed/object-{index}.yaml"),
        outcome: Ok(vec![Resource {
            kind,
            api_version: object["apiVersion"].as_str().unwrap_or_default().to_owned(),
            plural: String::new(),
            name,
            line: 1,
            text: serde_json::to_string_pretty(object).unwrap(),
            warnings: Vec::new(),
            object: typed,
        }]),
        held_despite_findings: Vec::new(),
    }
}

/// The outcome of `resources` (the case's object, valid alone) as a raw file of a fabric
/// whose managed/ holds `objects`.
pub fn in_fabric(
    resources: Vec<Resource>,
    objects: &[serde_json::Value],
    ctx: &Context,
) -> Result<Vec<Resource>, Vec<Finding>> {
    let mut input = FabricInput {
        dir: "fabric".into(),
        files: vec![RawFile {
            path: "raw/case.yaml".into(),
            outcome: RawOutcome::Valid(resources),
            names: Vec::new(),
            untouched: false,
            displaces: Default::default(),
        }],
        targets: Default::default(),
        config: Default::default(),
        managed: objects
            .iter()
            .enumerate()
            .map(|(index, object)| managed(object, ctx, index))
            .collect(),
        managed_findings: Vec::new(),
        deleted: Vec::new(),
        edited: Vec::new(),
        strays: Vec::new(),
        cluster: Vec::new(),
        missing: Vec::new(),
    };
    input.settle(crosscheck::check_fabric(
        &input,
        ctx,
        References::Strict,
        &Scope::AlreadyThere,
    ));
    match input.files.remove(0).outcome {
        RawOutcome::Valid(resources) => Ok(resources),
        RawOutcome::Rejected(findings) => Err(findings),
        RawOutcome::Ignored => unreachable!("a YAML file"),
    }
}
