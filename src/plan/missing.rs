//! The objects a fabric's resources refer to that are nowhere in the repository (with
//! `--references warn`): counted per object, reported as one warning line per kind.

use crate::finding::{Finding, rules};
use crate::kind::Kind;

/// An object that the fabric's resources refer to but that is in none of its managed/,
/// cluster/ and raw/ (with `--references warn`): counted once per fabric, never per
/// reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingReference {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// How many references to it were found.
    pub references: usize,
    /// Each file that refers to it, at its first reference there, in the order found (so
    /// the first is the first reference of all): a code-scanning or editor user sees the
    /// problem in every file that makes it.
    pub referred_from: Vec<Referrer>,
    /// The checks skipped for want of it.
    pub skipped: Vec<String>,
}

/// Where a file first refers to a missing object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referrer {
    /// The file (relative to the fabric for a sync).
    pub path: String,
    /// The line of its first reference.
    pub line: u32,
    /// Its column.
    pub col: u32,
}

impl MissingReference {
    /// The object's line of the summary's table: how often it is referred to, where first,
    /// and what went unchecked.
    pub fn message(&self) -> String {
        let first = self.first();
        format!(
            "{} `{}`: {} (the first at {}:{}:{}) went unchecked ({})",
            self.kind,
            self.name,
            references(self.references),
            first.path,
            first.line,
            first.col,
            self.skipped.join("; ")
        )
    }

    /// The first reference of all (there is always one: an object is recorded by its first
    /// reference).
    pub fn first(&self) -> &Referrer {
        &self.referred_from[0]
    }
}

/// How many names of missing objects one warning line lists before it counts the rest.
const NAMES_SHOWN: usize = 3;

/// The missing objects of one kind in one fabric: one warning line, however many objects
/// and references (the JSON report and the summary list each object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingObjects {
    /// The fabric folder, as the fabric's paths are shown (empty for loose files).
    pub fabric: String,
    /// The kind.
    pub kind: Kind,
    /// Each object, in name order.
    pub objects: Vec<MissingReference>,
}

impl MissingObjects {
    /// The warning as a finding at the first reference, for annotations.
    pub fn finding(&self) -> Finding {
        let first = self.objects[0].first();
        Finding {
            severity: crate::finding::Severity::Warning,
            ..Finding::at(first.line, first.col, self.message()).with_rule(rules::REF_MISSING)
        }
    }

    /// The file of the first reference to the first object.
    pub fn path(&self) -> &str {
        &self.objects[0].first().path
    }

    /// The warning, in words: how many objects (a few names), how many references went
    /// unchecked and which checks, and the two ways out.
    pub fn message(&self) -> String {
        let count = self.objects.len();
        let (kind, verb, pronoun) = if count == 1 {
            (self.kind.to_string(), "is", "it")
        } else {
            (kind_plural(self.kind.as_str()), "are", "them")
        };
        let names: Vec<&str> = self
            .objects
            .iter()
            .take(NAMES_SHOWN)
            .map(|o| o.name.as_str())
            .collect();
        let more = count.saturating_sub(NAMES_SHOWN);
        let names = match more {
            0 => names.join(", "),
            more => format!("{} and {more} more", names.join(", ")),
        };
        let references_total: usize = self.objects.iter().map(|o| o.references).sum();
        let mut skipped: Vec<&str> = Vec::new();
        for check in self.objects.iter().flat_map(|o| &o.skipped) {
            if !skipped.contains(&check.as_str()) {
                skipped.push(check);
            }
        }
        let cluster = if self.fabric.is_empty() {
            "the fabric's cluster/ folder".to_owned()
        } else {
            format!("{}/cluster/", self.fabric.trim_end_matches('/'))
        };
        format!(
            "{count} {kind} the fabric's objects refer to {verb} not in the repository ({names}): {} went unchecked ({}); export {pronoun} into {cluster} (see README) or use --references strict",
            references(references_total),
            skipped.join("; ")
        )
    }
}

/// `1 reference`, `9 references`.
fn references(count: usize) -> String {
    if count == 1 {
        "1 reference".to_owned()
    } else {
        format!("{count} references")
    }
}

/// The plural of a kind's name (`VLANNamespaces`, `Switches`).
fn kind_plural(kind: &str) -> String {
    if kind.ends_with("ch") || kind.ends_with('s') || kind.ends_with('x') {
        format!("{kind}es")
    } else {
        format!("{kind}s")
    }
}

/// Groups `missing` (in kind order) by kind, for the fabric shown as `fabric`.
pub fn missing_by_kind(fabric: &str, missing: Vec<MissingReference>) -> Vec<MissingObjects> {
    let mut grouped: Vec<MissingObjects> = Vec::new();
    for object in missing {
        match grouped.last_mut() {
            Some(group) if group.kind == object.kind => group.objects.push(object),
            _ => grouped.push(MissingObjects {
                fabric: fabric.to_owned(),
                kind: object.kind.clone(),
                objects: vec![object],
            }),
        }
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing(kind: Kind, name: &str, references: usize, skipped: &str) -> MissingReference {
        MissingReference {
            kind,
            name: name.into(),
            references,
            referred_from: vec![Referrer {
                path: "raw/a.yaml".into(),
                line: 6,
                col: 3,
            }],
            skipped: vec![skipped.into()],
        }
    }

    #[test]
    fn one_line_per_kind_names_a_few_and_counts_every_reference() {
        let grouped = missing_by_kind(
            "gitops/hedgehog/f",
            vec![
                missing(Kind::Switch, "leaf-01", 2, "the port check"),
                missing(Kind::Switch, "leaf-02", 1, "the port check"),
                missing(Kind::Switch, "leaf-03", 1, "the VLAN check"),
                missing(Kind::Switch, "leaf-04", 3, "the port check"),
                missing(Kind::Vpc, "db", 1, "the subnet check"),
            ],
        );
        let lines: Vec<String> = grouped.iter().map(MissingObjects::message).collect();
        assert_eq!(
            lines,
            [
                "4 Switches the fabric's objects refer to are not in the repository (leaf-01, leaf-02, leaf-03 and 1 more): 7 references went unchecked (the port check; the VLAN check); export them into gitops/hedgehog/f/cluster/ (see README) or use --references strict",
                "1 VPC the fabric's objects refer to is not in the repository (db): 1 reference went unchecked (the subnet check); export it into gitops/hedgehog/f/cluster/ (see README) or use --references strict",
            ]
        );
        assert_eq!(grouped[0].objects.len(), 4, "every object is kept");
    }
}
