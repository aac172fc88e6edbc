//! The repository config file, `.hh-gitops.yaml` at the root of the GitOps repository: the
//! settings a team decides once for every run (which folders are fabrics, how strict
//! references are, whether warnings reject, the Hedgehog release, each fabric's config, and
//! how much each rule's findings matter), instead of repeating flags in the workflow, the
//! pre-commit hook and every shell.
//!
//! Reading it is strict, as hhfab reads a fab.yaml: an unknown key (`refrences:`), a value
//! of the wrong type or outside its set is an error at its line, never silently a default,
//! since a setting the user believes in but hh-gitops ignores gives verdicts they cannot
//! trust. This module is pure: bytes in, settings or the first finding out; finding the
//! file and applying the settings are the shell's (`config`) and the pipeline's.

use std::collections::BTreeMap;

use crate::finding::{FIELD_RULE_PREFIX, Finding, rules};
use crate::manifest::{self, Node, Value};
use crate::rules::Release;
use crate::rules::state::References;
use crate::similar;

/// The file's name, at the repository root.
pub const FILE_NAME: &str = ".hh-gitops.yaml";

/// The keys the file takes, in the order `hh-gitops init` writes them.
const KEYS: [&str; 6] = [
    "fabrics",
    "references",
    "deny-warnings",
    "hedgehog-release",
    "fabric-config",
    "rules",
];

/// How much a rule's findings matter, as the config file sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    /// Its warnings are not reported.
    Off,
    /// Its warnings stay warnings, even with `deny-warnings`.
    Warning,
    /// Its warnings reject their file, as errors do.
    Error,
}

impl RuleLevel {
    /// The word the file uses.
    pub fn name(self) -> &'static str {
        match self {
            RuleLevel::Off => "off",
            RuleLevel::Warning => "warning",
            RuleLevel::Error => "error",
        }
    }
}

/// The `rules:` of the file: a level per rule id. Only warnings are ever changed: an error
/// is what the fabric (or the API server) refuses, and no setting makes it acceptable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleLevels {
    /// The level of each rule id named.
    pub levels: BTreeMap<String, RuleLevel>,
}

impl RuleLevels {
    /// The level set for `rule`, if any.
    pub fn get(&self, rule: &str) -> Option<RuleLevel> {
        self.levels.get(rule).copied()
    }

    /// Whether no rule has a level set.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }
}

/// One entry of `fabric-config:`: the fabric folder and the config file it is checked
/// against, both relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FabricConfigEntry {
    /// The fabric folder (`gitops/hedgehog/fabric-1`).
    pub fabric: String,
    /// The config file (`configs/fabric-1.fab.yaml`).
    pub file: String,
    /// The line of the entry, for messages about it.
    pub line: u32,
}

/// The settings of a `.hh-gitops.yaml`; `None` (or empty) is "not set": the flag, else
/// the built-in default, decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoConfig {
    /// `fabrics:` globs, relative to the repository root.
    pub fabrics: Option<Vec<String>>,
    /// `references: warn|strict`.
    pub references: Option<References>,
    /// `deny-warnings: true|false`.
    pub deny_warnings: Option<bool>,
    /// `hedgehog-release: "26.02"`.
    pub hedgehog_release: Option<Release>,
    /// `fabric-config:`, a config file per fabric folder.
    pub fabric_configs: Vec<FabricConfigEntry>,
    /// `rules:`, a level per rule id.
    pub rules: RuleLevels,
}

/// A finding at `node`.
fn at(node: &Node, message: impl Into<String>) -> Finding {
    Finding::at(node.pos.line, node.pos.col, message)
}

/// Reads a `.hh-gitops.yaml`: the settings, or the first problem at its line.
pub fn parse(bytes: &[u8]) -> Result<RepoConfig, Finding> {
    let documents = manifest::parse(bytes)?;
    let root = match documents.as_slice() {
        [] => return Ok(RepoConfig::default()),
        [document] => &document.root,
        [_, second, ..] => {
            return Err(at(
                &second.root,
                "the config file holds one YAML document: remove the second `---`",
            ));
        }
    };
    let entries = match &root.value {
        Value::Null => return Ok(RepoConfig::default()),
        Value::Map(entries) => entries,
        other => {
            return Err(at(
                root,
                format!(
                    "the config file is a mapping of settings ({}), not {}",
                    KEYS.join(", "),
                    other.type_name()
                ),
            ));
        }
    };
    let mut config = RepoConfig::default();
    for entry in entries {
        let value = &entry.value;
        match entry.key.as_str() {
            "fabrics" => config.fabrics = Some(fabrics(value)?),
            "references" => {
                config.references = Some(match word(value, "references", &["warn", "strict"])? {
                    "warn" => References::Warn,
                    _ => References::Strict,
                });
            }
            "deny-warnings" => config.deny_warnings = Some(boolean(value, "deny-warnings")?),
            "hedgehog-release" => config.hedgehog_release = Some(release(value)?),
            "fabric-config" => config.fabric_configs = fabric_configs(value)?,
            "rules" => config.rules = rule_levels(value)?,
            unknown => {
                let message = match similar::closest(unknown, &KEYS) {
                    Some(meant) => format!("unknown setting `{unknown}`: did you mean `{meant}`?"),
                    None => format!(
                        "unknown setting `{unknown}`: the settings are {}",
                        KEYS.map(|key| format!("`{key}`")).join(", ")
                    ),
                };
                return Err(Finding::at(entry.key_pos.line, entry.key_pos.col, message));
            }
        }
    }
    Ok(config)
}

/// A string setting.
fn string<'a>(node: &'a Node, key: &str) -> Result<&'a str, Finding> {
    match &node.value {
        Value::Str(text) if !text.trim().is_empty() => Ok(text),
        Value::Str(_) => Err(at(node, format!("`{key}` is empty"))),
        other => Err(at(
            node,
            format!("`{key}` must be a string, not {}", other.type_name()),
        )),
    }
}

/// A string setting that is one of `allowed`.
fn word<'a>(node: &Node, key: &str, allowed: &[&'a str]) -> Result<&'a str, Finding> {
    let text = string(node, key)?;
    allowed
        .iter()
        .find(|a| **a == text)
        .copied()
        .ok_or_else(|| {
            at(
                node,
                format!(
                    "`{key}` is one of {}, not `{text}`",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
}

fn boolean(node: &Node, key: &str) -> Result<bool, Finding> {
    match &node.value {
        Value::Bool(b) => Ok(*b),
        other => Err(at(
            node,
            format!("`{key}` is true or false, not {}", other.type_name()),
        )),
    }
}

/// `fabrics:`, one glob or a list of them.
fn fabrics(node: &Node) -> Result<Vec<String>, Finding> {
    let globs = match &node.value {
        Value::Seq(items) if !items.is_empty() => items
            .iter()
            .map(|item| string(item, "fabrics").map(str::to_owned))
            .collect::<Result<Vec<_>, _>>()?,
        Value::Seq(_) => return Err(at(node, "`fabrics` lists no glob")),
        _ => vec![string(node, "fabrics")?.to_owned()],
    };
    Ok(globs)
}

/// `hedgehog-release:`, a string: YAML reads `26.02` unquoted as a number, and
/// `26.10` would then be 26.1.
fn release(node: &Node) -> Result<Release, Finding> {
    if let Value::Float(_) | Value::Int(_) = node.value {
        return Err(at(
            node,
            "`hedgehog-release` must be quoted (`hedgehog-release: \"26.02\"`): unquoted, YAML reads it as a number",
        ));
    }
    string(node, "hedgehog-release")?
        .parse()
        .map_err(|why: String| at(node, format!("`hedgehog-release`: {why}")))
}

/// `fabric-config:`, a mapping of fabric folder to config file.
fn fabric_configs(node: &Node) -> Result<Vec<FabricConfigEntry>, Finding> {
    let Value::Map(entries) = &node.value else {
        return Err(at(
            node,
            "`fabric-config` maps a fabric folder to its config file (`gitops/hedgehog/fabric-1: configs/fabric-1.yaml`)",
        ));
    };
    entries
        .iter()
        .map(|entry| {
            let fabric = entry.key.trim_end_matches('/');
            if fabric.is_empty() || fabric.starts_with('/') || fabric.contains('*') {
                return Err(Finding::at(
                    entry.key_pos.line,
                    entry.key_pos.col,
                    format!(
                        "`{}` is not a fabric folder: give its path from the repository root, without a glob",
                        entry.key
                    ),
                ));
            }
            Ok(FabricConfigEntry {
                fabric: fabric.to_owned(),
                file: string(&entry.value, "fabric-config")?.to_owned(),
                line: entry.key_pos.line,
            })
        })
        .collect()
}

/// `rules:`, a mapping of rule id to level.
fn rule_levels(node: &Node) -> Result<RuleLevels, Finding> {
    let Value::Map(entries) = &node.value else {
        return Err(at(
            node,
            "`rules` maps a rule id to off, warning or error (`export/server-fields: error`)",
        ));
    };
    let mut levels = BTreeMap::new();
    for entry in entries {
        let id = entry.key.as_str();
        if !is_rule_id(id) {
            let known: Vec<&str> = rules::ALL.iter().map(|rule| rule.id).collect();
            let halves = ids_with_part(id, &known);
            let hint = match (similar::closest(id, &known), halves.split_last()) {
                (Some(meant), _) => format!("did you mean `{meant}`?"),
                (None, Some((meant, []))) => format!("did you mean `{meant}`?"),
                (None, Some((last, others))) => {
                    let others: Vec<String> = others.iter().map(|id| format!("`{id}`")).collect();
                    format!("did you mean {} or `{last}`?", others.join(", "))
                }
                (None, None) => {
                    "`hh-gitops check --show-rule` prints each finding's rule id".to_owned()
                }
            };
            return Err(Finding::at(
                entry.key_pos.line,
                entry.key_pos.col,
                format!("unknown rule `{id}`: {hint}"),
            ));
        }
        // YAML 1.1, as Kubernetes reads it, takes an unquoted `off` (or `no`) for false.
        if entry.value.value == Value::Bool(false) {
            levels.insert(id.to_owned(), RuleLevel::Off);
            continue;
        }
        let level = match word(&entry.value, id, &["off", "warning", "error"])? {
            "off" => RuleLevel::Off,
            "warning" => RuleLevel::Warning,
            _ => RuleLevel::Error,
        };
        levels.insert(id.to_owned(), level);
    }
    Ok(RuleLevels { levels })
}

/// The ids of `known` that have `word` as one of their `/`-separated parts: what a user
/// who wrote half an id (`hydration` for `switch/hydration`) meant.
fn ids_with_part<'k>(word: &str, known: &[&'k str]) -> Vec<&'k str> {
    known
        .iter()
        .copied()
        .filter(|id| id.split('/').any(|part| part == word))
        .collect()
}

/// Whether `id` is a rule id findings can carry: an explicit one, or one derived from a
/// field (`field/spec.subnets.*.vlan`).
fn is_rule_id(id: &str) -> bool {
    if rules::ALL.iter().any(|rule| rule.id == id) {
        return true;
    }
    id.strip_prefix(FIELD_RULE_PREFIX).is_some_and(|path| {
        !path.is_empty()
            && path.split('.').all(|part| {
                part == "*" || (!part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        let finding = parse(text.as_bytes()).unwrap_err();
        format!("{}:{}: {}", finding.line, finding.col, finding.message)
    }

    #[test]
    fn every_setting_is_read() {
        let config = parse(
            b"# the team's settings\nfabrics: [gitops/hedgehog/*, lab/*]\nreferences: strict\ndeny-warnings: true\nhedgehog-release: \"26.02\"\nfabric-config:\n  gitops/hedgehog/fabric-1/: configs/f1.yaml\nrules:\n  export/server-fields: error\n  field/spec: off\n  kind/fabric-managed: warning\n",
        )
        .unwrap();
        assert_eq!(
            config.fabrics.as_deref(),
            Some(&["gitops/hedgehog/*".to_owned(), "lab/*".to_owned()][..])
        );
        assert_eq!(config.references, Some(References::Strict));
        assert_eq!(config.deny_warnings, Some(true));
        assert_eq!(config.hedgehog_release, Some(Release::V26_02));
        assert_eq!(
            config.fabric_configs,
            [FabricConfigEntry {
                fabric: "gitops/hedgehog/fabric-1".into(),
                file: "configs/f1.yaml".into(),
                line: 7
            }]
        );
        assert_eq!(
            config.rules.get("export/server-fields"),
            Some(RuleLevel::Error)
        );
        assert_eq!(config.rules.get("field/spec"), Some(RuleLevel::Off));
        assert_eq!(
            config.rules.get("kind/fabric-managed"),
            Some(RuleLevel::Warning)
        );
        assert_eq!(config.rules.get("schema/type"), None);
    }

    #[test]
    fn an_empty_or_comment_only_file_sets_nothing() {
        for text in ["", "# nothing yet\n", "---\n"] {
            assert_eq!(
                parse(text.as_bytes()).unwrap(),
                RepoConfig::default(),
                "{text:?}"
            );
        }
        let one_glob = parse(b"fabrics: infra/*\n").unwrap();
        assert_eq!(one_glob.fabrics, Some(vec!["infra/*".to_owned()]));
    }

    #[test]
    fn every_mistake_is_refused_at_its_line() {
        for (text, expected) in [
            (
                "refrences: strict\n",
                "1:1: unknown setting `refrences`: did you mean `references`?",
            ),
            (
                "colour: red\n",
                "1:1: unknown setting `colour`: the settings are `fabrics`, `references`, `deny-warnings`, `hedgehog-release`, `fabric-config`, `rules`",
            ),
            (
                "references: strickt\n",
                "1:13: `references` is one of `warn`, `strict`, not `strickt`",
            ),
            (
                "deny-warnings: yes please\n",
                "1:16: `deny-warnings` is true or false, not a string",
            ),
            (
                "hedgehog-release: 26.02\n",
                "1:19: `hedgehog-release` must be quoted (`hedgehog-release: \"26.02\"`): unquoted, YAML reads it as a number",
            ),
            (
                "hedgehog-release: \"25.10\"\n",
                "1:19: `hedgehog-release`: `25.10` is not a Hedgehog release hh-gitops knows: use one of 26.01, 26.02, 26.03",
            ),
            ("fabrics: []\n", "1:10: `fabrics` lists no glob"),
            (
                "fabrics: [a, 3]\n",
                "1:14: `fabrics` must be a string, not a number",
            ),
            (
                "fabric-config: fab.yaml\n",
                "1:16: `fabric-config` maps a fabric folder to its config file (`gitops/hedgehog/fabric-1: configs/fabric-1.yaml`)",
            ),
            (
                "fabric-config:\n  gitops/*: f.yaml\n",
                "2:3: `gitops/*` is not a fabric folder: give its path from the repository root, without a glob",
            ),
            (
                "rules:\n  export/server-field: off\n",
                "2:3: unknown rule `export/server-field`: did you mean `export/server-fields`?",
            ),
            (
                "rules:\n  hydration: off\n",
                "2:3: unknown rule `hydration`: did you mean `switch/hydration`?",
            ),
            (
                "rules:\n  export: error\n",
                "2:3: unknown rule `export`: did you mean `export/identity` or `export/server-fields`?",
            ),
            (
                "rules:\n  vlans: off\n",
                "2:3: unknown rule `vlans`: `hh-gitops check --show-rule` prints each finding's rule id",
            ),
            (
                "rules:\n  field/spec: of\n",
                "2:15: `field/spec` is one of `off`, `warning`, `error`, not `of`",
            ),
            (
                "rules:\n  field/spec: on\n",
                "2:15: `field/spec` must be a string, not a boolean",
            ),
            (
                "- fabrics\n",
                "1:1: the config file is a mapping of settings (fabrics, references, deny-warnings, hedgehog-release, fabric-config, rules), not a sequence",
            ),
            (
                "references: warn\n---\nreferences: strict\n",
                "3:1: the config file holds one YAML document: remove the second `---`",
            ),
        ] {
            assert_eq!(error(text), expected, "{text:?}");
        }
    }

    #[test]
    fn field_rule_ids_are_dotted_paths_with_stars() {
        for good in [
            "field/spec",
            "field/spec.subnets.*.vlan",
            "schema/unknown-field",
        ] {
            assert!(is_rule_id(good), "{good}");
        }
        for bad in [
            "field/",
            "field/spec..vlan",
            "field/spec/vlan",
            "vpc/nonsense",
        ] {
            assert!(!is_rule_id(bad), "{bad}");
        }
    }
}
