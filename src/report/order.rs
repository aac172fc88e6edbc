//! The order a report shows findings in: within a file errors before warnings, and a file
//! whose rejection causes findings in others before them, so that what to fix first is read
//! first. Stable otherwise: files in path order, findings in line order.

use std::collections::HashMap;

use crate::finding::Finding;

/// Orders one file's findings errors first, each in the order found (line order, as read):
/// what rejects the file is read before what only warns.
pub(super) fn errors_first(findings: &mut [Finding]) {
    findings.sort_by_key(|finding| finding.severity);
}

/// `items` (files, each with its `path` and `findings`) with every file whose rejection
/// causes findings of another ([`Finding::caused_by`]) moved before that one: the root
/// cause is read before what it causes. The order stays otherwise; of a cycle (two files
/// rejecting each other), the file met first comes after the others.
pub(super) fn causes_first<T>(
    items: Vec<T>,
    path: impl Fn(&T) -> &String,
    findings: impl Fn(&T) -> &[Finding],
) -> Vec<T> {
    let index: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(at, item)| (path(item).as_str(), at))
        .collect();
    let causes: Vec<Vec<usize>> = items
        .iter()
        .enumerate()
        .map(|(at, item)| {
            let mut causes: Vec<usize> = findings(item)
                .iter()
                .filter_map(|f| f.caused_by.as_deref())
                .filter_map(|cause| index.get(cause).copied())
                .filter(|&cause| cause != at)
                .collect();
            causes.dedup();
            causes
        })
        .collect();
    if causes.iter().all(Vec::is_empty) {
        return items;
    }
    // Depth first, each file after its causes; iterative, so a long chain cannot overflow.
    let mut order = Vec::with_capacity(items.len());
    let mut seen = vec![false; items.len()];
    for start in 0..items.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0)];
        while let Some((at, next)) = stack.pop() {
            match causes[at].get(next) {
                Some(&cause) => {
                    stack.push((at, next + 1));
                    if !seen[cause] {
                        seen[cause] = true;
                        stack.push((cause, 0));
                    }
                }
                None => order.push(at),
            }
        }
    }
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|at| slots[at].take())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::report::{CheckReport, CheckedFile};

    #[test]
    fn a_file_whose_rejection_causes_findings_elsewhere_comes_first() {
        let file = |path: &str, causes: &[&str]| CheckedFile {
            path: path.to_owned(),
            fabric: String::new(),
            resources: 0,
            findings: causes
                .iter()
                .map(|cause| Finding {
                    caused_by: Some((*cause).into()),
                    ..Finding::at(1, 1, "e")
                })
                .collect(),
            ignored: None,
        };
        let files = vec![
            file("a.yaml", &["c.yaml"]),
            file("b.yaml", &[]),
            file("c.yaml", &["d.yaml"]),
            file("d.yaml", &[]),
            file("e.yaml", &["f.yaml"]),
            file("f.yaml", &["e.yaml"]),
        ];
        let report = CheckReport::new(files, Vec::new(), Vec::new());
        let order: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            order,
            ["d.yaml", "c.yaml", "a.yaml", "b.yaml", "f.yaml", "e.yaml"]
        );
    }

    #[test]
    fn a_files_errors_come_before_its_warnings_each_in_the_order_found() {
        let warning = |line| Finding {
            severity: Severity::Warning,
            ..Finding::at(line, 1, "w")
        };
        let file = CheckedFile {
            path: "f.yaml".to_owned(),
            fabric: String::new(),
            resources: 0,
            findings: vec![
                warning(1),
                Finding::at(9, 1, "e"),
                warning(4),
                Finding::at(2, 1, "e"),
            ],
            ignored: None,
        };
        let report = CheckReport::new(vec![file], Vec::new(), Vec::new());
        let order: Vec<(Severity, u32)> = report.files[0]
            .findings
            .iter()
            .map(|f| (f.severity, f.line))
            .collect();
        assert_eq!(
            order,
            [
                (Severity::Error, 9),
                (Severity::Error, 2),
                (Severity::Warning, 1),
                (Severity::Warning, 4),
            ]
        );
    }
}
