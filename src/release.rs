//! The Hedgehog release whose admission rules a fabric is checked against. Teams run a
//! release, not a commit of githedgehog/fabric, and each release ships a different fabric
//! version with different fields and rules (the fabric each release ships: `MINORS` in
//! `rules/config_file/pin.rs`; how their schemas differ: `schemas/releases/`).
//! Rules that differ between releases branch on the [`Release`] in their
//! [`Context`](crate::rules::Context), each branch citing the upstream file and tag it follows.

use std::fmt;
use std::str::FromStr;

/// A Hedgehog release hh-gitops can check against, oldest first (so `<` reads "older than").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Release {
    /// Hedgehog 26.01 (2026-04-02): fabric v0.115.4.
    V26_01,
    /// Hedgehog 26.02 (2026-05-08): fabric v0.120.3.
    V26_02,
    /// Hedgehog 26.03 (2026-08-18): fabric v0.129.4, checked as v0.129.1 (the newest fabric
    /// source available to port).
    #[default]
    V26_03,
}

impl Release {
    /// Every release, oldest first.
    pub const ALL: [Release; 3] = [Release::V26_01, Release::V26_02, Release::V26_03];

    /// The newest release: the default when a repository does not say.
    pub const NEWEST: Release = Release::V26_03;

    /// The release's name as Hedgehog writes it: `26.01`.
    pub fn name(self) -> &'static str {
        match self {
            Release::V26_01 => "26.01",
            Release::V26_02 => "26.02",
            Release::V26_03 => "26.03",
        }
    }

    /// The fabric version the release ships (fabricator's `pkg/fab/versions.go` at the
    /// release's hhfab tag).
    pub fn fabric_version(self) -> &'static str {
        match self {
            Release::V26_01 => "v0.115.4",
            Release::V26_02 => "v0.120.3",
            Release::V26_03 => "v0.129.4",
        }
    }

    /// The fabric version whose code the rules for this release follow: the shipped one,
    /// except for 26.03, whose v0.129.2–v0.129.4 sources are not available to port.
    pub fn checked_as(self) -> &'static str {
        match self {
            Release::V26_03 => "v0.129.1",
            other => other.fabric_version(),
        }
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Release {
    type Err = String;

    /// `26.01`, `26.02` or `26.03`; a patch release (`26.02.1`) names its release.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let release = trimmed.split('.').take(2).collect::<Vec<_>>().join(".");
        let patch_ok = trimmed
            .splitn(3, '.')
            .nth(2)
            .is_none_or(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()));
        Release::ALL
            .into_iter()
            .find(|candidate| patch_ok && candidate.name() == release)
            .ok_or_else(|| {
                format!(
                    "`{text}` is not a Hedgehog release hh-gitops knows: use one of {}",
                    Release::ALL.map(Release::name).join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_parse_by_name_and_by_patch_release() {
        assert_eq!("26.01".parse(), Ok(Release::V26_01));
        assert_eq!("26.02.1".parse(), Ok(Release::V26_02));
        assert_eq!(" 26.03 ".parse(), Ok(Release::V26_03));
        assert_eq!(
            "25.05".parse::<Release>(),
            Err(
                "`25.05` is not a Hedgehog release hh-gitops knows: use one of 26.01, 26.02, 26.03"
                    .to_owned()
            )
        );
        assert!("26.02.x".parse::<Release>().is_err());
        assert!("26.02.".parse::<Release>().is_err());
        assert!("26".parse::<Release>().is_err());
    }

    #[test]
    fn releases_order_oldest_first_and_the_newest_is_the_default() {
        assert!(Release::V26_01 < Release::V26_02 && Release::V26_02 < Release::V26_03);
        assert_eq!(Release::default(), Release::NEWEST);
        assert_eq!(Release::V26_03.checked_as(), "v0.129.1");
        assert_eq!(Release::V26_02.checked_as(), "v0.120.3");
    }
}
