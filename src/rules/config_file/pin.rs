//! Which Hedgehog release a fabric is checked against, and why: the fabric version its
//! fab.yaml pins, else the release the user declared (`--hedgehog-release`, the action's
//! `hedgehog-release` input), else the newest release. Pure: a Fabricator node in, a pin
//! or a finding at its line out.
//!
//! A fab.yaml pins fabric versions in `spec.overrides.versions.fabric` (fabricator
//! v0.47.4 `api/fabricator/v1beta1/fabricator_types.go:194-196,365-410`: `FabricVersions`
//! with `api`, `controller`, `dhcpd`, `boot`, `agent`, `ctl`, `nos`, `onie`), and
//! `CalculateVersions` (`fabricator_types.go:989-1001`) lets a pinned field win over the
//! release's own version. Two of those fields decide what hh-gitops checks
//! (`pkg/fab/comp/fabric/fabric.go:87-105`): `api`, the `fabric-api` chart, which holds the
//! CRDs (the schemas), and `controller`, the `fabric` chart and fabric-ctrl image, which
//! serves the admission webhooks (the rules). The other fields pin components admission
//! never runs. When both are set they must name the same release: a fabric whose CRDs and
//! webhooks come from different releases cannot be checked as one release.

use std::fmt;

use crate::finding::Finding;
use crate::manifest::{Node, Value};
use crate::rules::Release;

/// The fab.yaml path of the pinned fabric versions.
const VERSIONS: &str = "spec.overrides.versions.fabric";

/// The pinned fields that decide the release, the webhooks' first: it names the pin when
/// both are set.
const DECIDING: [&str; 2] = ["controller", "api"];

/// The fabric minor version each release ships (`FabricVersion` in fabricator's
/// `pkg/fab/versions.go` at each release's hhfab:
/// [v0.45.5](https://github.com/githedgehog/fabricator/blob/v0.45.5/pkg/fab/versions.go#L18) for 26.01,
/// [v0.47.4](https://github.com/githedgehog/fabricator/blob/v0.47.4/pkg/fab/versions.go#L23) for 26.02,
/// [master](https://github.com/githedgehog/fabricator/blob/fee556700e61d700cc1914d41ddff26c9f571268/pkg/fab/versions.go#L23) for
/// 26.03): any patch of it counts (hhfab v0.47.5, a 26.02 patch release, ships fabric
/// v0.120.4).
const MINORS: [(u32, Release); 3] = [
    (115, Release::V26_01),
    (120, Release::V26_02),
    (129, Release::V26_03),
];

/// A fab.yaml's pin of the fabric version, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The release the version belongs to.
    pub release: Release,
    /// The pinned field that names it: `controller` or `api`.
    pub field: &'static str,
    /// The version as written (`v0.120.3`).
    pub version: String,
    /// 1-based line of the version.
    pub line: u32,
    /// 1-based column of the version.
    pub col: u32,
}

impl Pin {
    /// `spec.overrides.versions.fabric.controller: v0.120.3`.
    pub fn describe(&self) -> String {
        format!("{VERSIONS}.{}: {}", self.field, self.version)
    }
}

/// Where the user declared a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclaredBy {
    /// `--hedgehog-release`, its `HH_GITOPS_HEDGEHOG_RELEASE` variable or the action's
    /// `hedgehog-release` input.
    Flag,
    /// `hedgehog-release:` in the repository config file.
    RepoConfig,
}

impl DeclaredBy {
    /// The place, in words.
    fn describe(self) -> &'static str {
        match self {
            DeclaredBy::Flag => "`--hedgehog-release`",
            DeclaredBy::RepoConfig => "the repository config's `hedgehog-release`",
        }
    }
}

/// A release the user declared, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    /// The release.
    pub release: Release,
    /// Where.
    pub by: DeclaredBy,
}

/// How a fabric's release was chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ChosenBy {
    /// The user named it, there.
    Declared(DeclaredBy),
    /// The fabric's fab.yaml pins a fabric version of it.
    Pinned {
        /// The field and version, as [`Pin::describe`] says them.
        pin: String,
        /// The version pinned (`v0.120.4`).
        version: String,
    },
    /// Nobody said: the newest release.
    #[default]
    Defaulted,
}

/// The Hedgehog release a fabric is checked against, and how it was chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChosenRelease {
    /// The release.
    pub release: Release,
    /// How it was chosen.
    pub by: ChosenBy,
}

/// A declared release that a fab.yaml's pin contradicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The release declared, and where.
    pub declared: Declared,
    /// The pin.
    pub pin: Pin,
}

impl Conflict {
    /// The refusal, naming both releases (its place is the pin's line).
    pub fn message(&self) -> String {
        format!(
            "{} pins Hedgehog {}, but {} declares {}: a fabric runs one release; drop that (the pin decides) or change the pin",
            self.pin.describe(),
            self.pin.release,
            self.declared.by.describe(),
            self.declared.release
        )
    }
}

impl ChosenRelease {
    /// The pin when there is one, else `declared`, else the newest release. A declared
    /// release other than the pinned one is refused: checking against a release the
    /// fabric does not run would give verdicts the user cannot trust.
    pub fn resolve(declared: Option<Declared>, pin: Option<&Pin>) -> Result<Self, Conflict> {
        match (pin, declared) {
            (Some(pin), Some(declared)) if declared.release != pin.release => Err(Conflict {
                declared,
                pin: pin.clone(),
            }),
            (Some(pin), _) => Ok(ChosenRelease {
                release: pin.release,
                by: ChosenBy::Pinned {
                    pin: pin.describe(),
                    version: pin.version.clone(),
                },
            }),
            (None, Some(declared)) => Ok(ChosenRelease {
                release: declared.release,
                by: ChosenBy::Declared(declared.by),
            }),
            (None, None) => Ok(ChosenRelease::default()),
        }
    }

    /// The release and how it was chosen, in the words every report uses, the pin (from
    /// input) shown by `code` (the Markdown summary quotes it): ``26.02 (declared with
    /// `--hedgehog-release`)``. 26.03 adds that its rules follow fabric v0.129.1, and a
    /// pinned patch other than the one the rules follow is named beside it.
    pub fn describe(&self, code: impl Fn(&str) -> String) -> String {
        let checked_as = self.release.checked_as();
        let mut other_patch = false;
        let how = match &self.by {
            ChosenBy::Declared(by) => format!("declared with {}", by.describe()),
            ChosenBy::Pinned { pin, version } => {
                other_patch = version.trim_start_matches('v') != checked_as.trim_start_matches('v');
                format!("pinned by the fab.yaml's {}", code(pin))
            }
            ChosenBy::Defaulted => {
                "the default: the newest; declare yours with `--hedgehog-release`".to_owned()
            }
        };
        let mut line = format!("{} ({how})", self.release);
        if checked_as != self.release.fabric_version() {
            line.push_str(&format!(
                "; checked as fabric {checked_as} ({} ships {})",
                self.release,
                self.release.fabric_version()
            ));
        } else if other_patch {
            line.push_str(&format!("; checked as fabric {checked_as}"));
        }
        line
    }
}

impl fmt::Display for ChosenRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(str::to_owned))
    }
}

/// The pin of a fab.yaml's Fabricator, if it pins `controller` or `api`; a version of no
/// known release, or two that disagree, is a finding at its line.
pub fn pin(fabricator: &Node) -> Result<Option<Pin>, Finding> {
    let versions = ["spec", "overrides", "versions", "fabric"]
        .iter()
        .try_fold(fabricator, |node, key| node.value.get(key));
    let Some(versions) = versions else {
        return Ok(None);
    };
    let mut pins: Vec<Pin> = Vec::new();
    for field in DECIDING {
        let Some(node) = versions.value.get(field) else {
            continue;
        };
        let at = |message: String| Finding::at(node.pos.line, node.pos.col, message);
        let version = match &node.value {
            Value::Null => continue,
            Value::Str(version) if version.is_empty() => continue,
            Value::Str(version) => version,
            _ => {
                return Err(at(format!(
                    "{VERSIONS}.{field} must be a version string such as v0.120.3"
                )));
            }
        };
        let release = release_of(version).ok_or_else(|| {
            at(format!(
                "{VERSIONS}.{field} `{version}` is the fabric of no Hedgehog release hh-gitops knows ({}): pin the fabric version of your release, or remove the pin and use --hedgehog-release",
                MINORS
                    .map(|(minor, release)| format!("{release} ships v0.{minor}.x"))
                    .join(", ")
            ))
        })?;
        pins.push(Pin {
            release,
            field,
            version: version.clone(),
            line: node.pos.line,
            col: node.pos.col,
        });
    }
    match pins.as_slice() {
        [webhooks, crds] if webhooks.release != crds.release => Err(Finding::at(
            webhooks.line,
            webhooks.col,
            format!(
                "{} (Hedgehog {}) and {} (Hedgehog {}) pin different releases: the CRDs and the admission webhooks would come from different releases, which cannot be checked as one; pin both to the fabric version of one release",
                crds.describe(),
                crds.release,
                webhooks.describe(),
                webhooks.release
            ),
        )),
        _ => Ok(pins.into_iter().next()),
    }
}

/// The release whose fabric version `version` is: `v0.MINOR.PATCH` (the `v` optional, a
/// pre-release or build suffix allowed) of a minor a release ships.
///
/// Only SemVer's characters (ASCII letters, digits, `.`, `-`, `+`) are taken: the version is
/// echoed into the text report, the job summary and the Actions log, where a newline or
/// Markdown from a fab.yaml must not start a line or a table.
fn release_of(version: &str) -> Option<Release> {
    if !version
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
    {
        return None;
    }
    let core = version.strip_prefix('v').unwrap_or(version);
    let core = core.split(['-', '+']).next()?;
    let parts: Vec<&str> = core.split('.').collect();
    let [major, minor, patch] = parts.as_slice() else {
        return None;
    };
    let number = |part: &str| {
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let (major, minor) = (number(major)?, number(minor)?);
    number(patch)?;
    MINORS
        .iter()
        .find(|(known, _)| major == 0 && minor == *known)
        .map(|(_, release)| *release)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest;

    fn pin_of(overrides: &str) -> Result<Option<Pin>, Finding> {
        let text = format!(
            "kind: Fabricator\nspec:\n  overrides:\n    versions:\n      fabric:\n{overrides}"
        );
        let documents = manifest::parse(text.as_bytes()).unwrap();
        pin(&documents[0].root)
    }

    #[test]
    fn a_suffix_outside_semver_characters_pins_nothing() {
        assert_eq!(release_of("v0.120.3-rc.1+build.7"), Some(Release::V26_02));
        assert_eq!(release_of("v0.120.3-x\n::error::forged"), None);
        assert_eq!(release_of("v0.120.3-a|b"), None);
        assert_eq!(release_of("v0.120.3-`x`"), None);
    }

    #[test]
    fn each_releases_fabric_minor_pins_it_whatever_the_patch() {
        for (version, release) in [
            ("v0.115.4", Release::V26_01),
            ("v0.115.0", Release::V26_01),
            ("v0.120.3", Release::V26_02),
            ("0.120.4", Release::V26_02),
            ("v0.129.1", Release::V26_03),
            ("v0.129.4-rc.1", Release::V26_03),
        ] {
            let found = pin_of(&format!("        api: {version}\n"))
                .unwrap()
                .unwrap();
            assert_eq!(found.release, release, "{version}");
            assert_eq!((found.field, found.line, found.col), ("api", 6, 14));
        }
    }

    #[test]
    fn components_admission_never_runs_pin_nothing() {
        assert_eq!(
            pin_of("        agent: v0.120.3\n        dhcpd: v0.115.4\n"),
            Ok(None)
        );
        assert_eq!(pin_of("        api: \"\"\n"), Ok(None));
        assert_eq!(
            pin(&manifest::parse(b"kind: Fabricator\nspec: {}\n").unwrap()[0].root),
            Ok(None)
        );
    }

    #[test]
    fn a_version_of_no_release_is_refused_at_its_line_naming_the_known_ones() {
        let finding = pin_of("        ctl: v0.1.0\n        controller: v0.123.0\n").unwrap_err();
        assert_eq!(
            finding.display("fab.yaml"),
            "fab.yaml:7:21: error: spec.overrides.versions.fabric.controller `v0.123.0` is the fabric of no Hedgehog release hh-gitops knows (26.01 ships v0.115.x, 26.02 ships v0.120.x, 26.03 ships v0.129.x): pin the fabric version of your release, or remove the pin and use --hedgehog-release"
        );
        for bad in ["latest", "v1.120.3", "v0.120", "v0.120.x", "v0.120.3.1"] {
            assert!(pin_of(&format!("        api: {bad}\n")).is_err(), "{bad}");
        }
        assert!(
            pin_of("        api: 120\n")
                .unwrap_err()
                .message
                .contains("must be a version string")
        );
    }

    #[test]
    fn the_webhooks_name_the_pin_and_must_agree_with_the_crds() {
        let both = pin_of("        api: v0.120.3\n        controller: v0.120.4\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            both.describe(),
            "spec.overrides.versions.fabric.controller: v0.120.4"
        );
        let finding = pin_of("        api: v0.120.3\n        controller: v0.129.1\n").unwrap_err();
        assert_eq!(
            finding.display("fab.yaml"),
            "fab.yaml:7:21: error: spec.overrides.versions.fabric.api: v0.120.3 (Hedgehog 26.02) and spec.overrides.versions.fabric.controller: v0.129.1 (Hedgehog 26.03) pin different releases: the CRDs and the admission webhooks would come from different releases, which cannot be checked as one; pin both to the fabric version of one release"
        );
    }

    #[test]
    fn the_pin_decides_a_declared_release_must_agree_and_the_newest_is_the_default() {
        let pin = pin_of("        controller: v0.120.3\n").unwrap().unwrap();
        let flag = |release| {
            Some(Declared {
                release,
                by: DeclaredBy::Flag,
            })
        };
        let pinned = ChosenRelease::resolve(flag(Release::V26_02), Some(&pin)).unwrap();
        assert_eq!(pinned.release, Release::V26_02);
        assert_eq!(
            pinned.to_string(),
            "26.02 (pinned by the fab.yaml's spec.overrides.versions.fabric.controller: v0.120.3)"
        );
        let patch = pin_of("        controller: v0.120.4\n").unwrap().unwrap();
        assert_eq!(
            ChosenRelease::resolve(None, Some(&patch))
                .unwrap()
                .to_string(),
            "26.02 (pinned by the fab.yaml's spec.overrides.versions.fabric.controller: v0.120.4); checked as fabric v0.120.3"
        );
        let conflict = ChosenRelease::resolve(flag(Release::V26_03), Some(&pin)).unwrap_err();
        assert_eq!(
            conflict.message(),
            "spec.overrides.versions.fabric.controller: v0.120.3 pins Hedgehog 26.02, but `--hedgehog-release` declares 26.03: a fabric runs one release; drop that (the pin decides) or change the pin"
        );
        let declared = ChosenRelease::resolve(flag(Release::V26_01), None).unwrap();
        assert_eq!(
            declared.to_string(),
            "26.01 (declared with `--hedgehog-release`)"
        );
        let in_file = Declared {
            release: Release::V26_01,
            by: DeclaredBy::RepoConfig,
        };
        assert_eq!(
            ChosenRelease::resolve(Some(in_file), None)
                .unwrap()
                .to_string(),
            "26.01 (declared with the repository config's `hedgehog-release`)"
        );
        let defaulted = ChosenRelease::resolve(None, None).unwrap();
        assert_eq!(
            defaulted.to_string(),
            "26.03 (the default: the newest; declare yours with `--hedgehog-release`); checked as fabric v0.129.1 (26.03 ships v0.129.4)"
        );
    }
}
