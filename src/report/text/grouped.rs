//! The warnings the text report writes once for many objects: the switches of one fabric
//! that hhfab has not hydrated yet. A GitOps repository usually holds every switch so, and a
//! line per switch buried the findings that matter; the JSON report and SARIF keep one
//! finding per switch, at its own line.

use std::collections::HashMap;

use crate::finding::{Finding, rules};

/// How many switch names the grouped line spells out before it counts the rest.
const NAMES_SHOWN: usize = 8;

/// The unhydrated switches of each fabric, grouped where a fabric has more than one.
#[derive(Default)]
pub struct Unhydrated<'a> {
    /// Per fabric: the first one's finding and every switch's name, in report order.
    groups: HashMap<&'a str, (&'a Finding, Vec<&'a str>)>,
}

/// What the text report writes for one finding.
pub enum Shown {
    /// Its own line.
    Alone,
    /// The grouped finding of its fabric, in its place: it is the first of the group.
    Group(Finding),
    /// Nothing: the grouped line of its fabric, written at the first one, holds it.
    InGroup,
}

impl<'a> Unhydrated<'a> {
    /// The groups of `findings` (each with its fabric folder), in report order.
    pub fn of(findings: impl IntoIterator<Item = (&'a str, &'a Finding)>) -> Self {
        let mut groups: HashMap<&str, (&Finding, Vec<&str>)> = HashMap::new();
        for (fabric, finding) in findings {
            let Some(name) = finding.object.as_deref().filter(|_| is_unhydrated(finding)) else {
                continue;
            };
            groups
                .entry(fabric)
                .or_insert_with(|| (finding, Vec::new()))
                .1
                .push(name);
        }
        groups.retain(|_, (_, names)| names.len() > 1);
        Unhydrated { groups }
    }

    /// How `finding` of the fabric `fabric` is written.
    pub fn shown(&self, fabric: &str, finding: &Finding) -> Shown {
        if !is_unhydrated(finding) {
            return Shown::Alone;
        }
        match self.groups.get(fabric) {
            Some((first, names)) if std::ptr::eq(*first, finding) => Shown::Group(Finding {
                message: message(names),
                pointer: String::new(),
                ..finding.clone()
            }),
            Some(_) => Shown::InGroup,
            None => Shown::Alone,
        }
    }
}

/// Whether `finding` is a warning about a switch's missing hydrated values (denied, as an
/// error, it keeps its own line: each rejects its file).
fn is_unhydrated(finding: &Finding) -> bool {
    finding.rule == Some(rules::SWITCH_HYDRATION) && !finding.is_error()
}

/// `7 switches lack the values hhfab fills ...: leaf-01, ... and 2 more; ...`.
fn message(names: &[&str]) -> String {
    let mut listed = names
        .iter()
        .take(NAMES_SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > NAMES_SHOWN {
        listed.push_str(&format!(" and {} more", names.len() - NAMES_SHOWN));
    }
    format!(
        "{} switches lack the values hhfab fills when it hydrates the wiring (`asn`, `ip`, `protocolIP`, a leaf's `vtepIP`): {listed}; the fabric requires them (each switch's own warning: --format json)",
        names.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn unhydrated(name: &str, line: u32) -> Finding {
        Finding {
            severity: Severity::Warning,
            pointer: "/spec".to_owned(),
            object: Some(name.into()),
            ..Finding::at(line, 3, "`asn` is not set")
        }
        .with_rule(rules::SWITCH_HYDRATION)
    }

    #[test]
    fn a_fabric_with_several_unhydrated_switches_gets_one_line_at_the_first() {
        let names: Vec<String> = (1..=10).map(|n| format!("leaf-{n:02}")).collect();
        let found: Vec<Finding> = names
            .iter()
            .zip(1..)
            .map(|(name, line)| unhydrated(name, line))
            .collect();
        let alone = unhydrated("spine-01", 1);
        let other = Finding::at(2, 1, "something else");
        let groups = Unhydrated::of(
            found
                .iter()
                .map(|f| ("f1", f))
                .chain([("f2", &alone), ("f1", &other)]),
        );
        let Shown::Group(grouped) = groups.shown("f1", &found[0]) else {
            panic!("the first switch carries the group");
        };
        assert_eq!((grouped.line, grouped.pointer.as_str()), (1, ""));
        assert_eq!(
            grouped.message,
            "10 switches lack the values hhfab fills when it hydrates the wiring (`asn`, `ip`, `protocolIP`, a leaf's `vtepIP`): leaf-01, leaf-02, leaf-03, leaf-04, leaf-05, leaf-06, leaf-07, leaf-08 and 2 more; the fabric requires them (each switch's own warning: --format json)"
        );
        assert!(matches!(groups.shown("f1", &found[9]), Shown::InGroup));
        assert!(matches!(groups.shown("f2", &alone), Shown::Alone));
        assert!(matches!(groups.shown("f1", &other), Shown::Alone));
    }
}
