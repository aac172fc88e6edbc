//! The one rule for every path hh-gitops builds from input (fabric globs, kind plurals,
//! resource names, schema file names): a relative path of normal components, each of which
//! fits in a file name. A path that passes can be joined under its root (the repository, a
//! fabric, `--out`) and stay there, and git accepts it in a tree.
//!
//! Pure: strings in, a reason out. Callers check where they build a path and turn the reason
//! into a finding or an error that names the input; links are the file-system edge's job
//! (`source` never follows them).

use crate::limits::MAX_FILE_NAME_BYTES;

/// Why `component` cannot be one segment of a path under a root, or `None` when it can.
///
/// Refused: empty, `.` and `..` (they do not name a child), anything holding `/` or NUL,
/// `.git` in any case (git refuses it in a tree, and it would write into the repository's
/// own database), and names longer than a file name may be.
pub fn component_problem(component: &str) -> Option<String> {
    if component.is_empty() {
        return Some("has an empty segment".to_owned());
    }
    if component == "." || component == ".." {
        return Some(format!("has a `{component}` segment"));
    }
    if component.contains('/') {
        return Some(format!("segment `{component}` holds a `/`"));
    }
    if component.contains('\0') {
        return Some("has a NUL byte".to_owned());
    }
    if component.eq_ignore_ascii_case(".git") {
        return Some(format!(
            "has a `{component}` segment, which git refuses in a tree"
        ));
    }
    if component.len() > MAX_FILE_NAME_BYTES {
        return Some(format!(
            "has a {}-byte segment, over the {MAX_FILE_NAME_BYTES}-byte file-name limit of common file systems",
            component.len()
        ));
    }
    None
}

/// Why the `/`-separated `path` is not a relative path of normal components, or `None` when
/// it is. The reason reads after the path: "`{path}` {reason}".
pub fn relative_problem(path: &str) -> Option<String> {
    if path.starts_with('/') {
        return Some(ABSOLUTE.to_owned());
    }
    path.split('/').find_map(component_problem)
}

/// The segments of a relative path a person typed (`./gitops/hedgehog/*/`): `.` and empty
/// segments name nothing and are dropped; the path is refused, with the reason, when it is
/// absolute or any other segment is not normal (`..` above all).
pub fn typed_segments(path: &str) -> Result<Vec<&str>, String> {
    if path.starts_with('/') {
        return Err(ABSOLUTE.to_owned());
    }
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    match segments.iter().find_map(|s| component_problem(s)) {
        Some(problem) => Err(problem),
        None => Ok(segments),
    }
}

/// The reason given for a path that starts at the file system's root.
const ABSOLUTE: &str = "is absolute";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_relative_paths_pass() {
        for path in [
            "gitops/hedgehog/fabric-1/managed/vpcs/vpc-1.yaml",
            "a",
            ".gitkeep",
            "raw/..hidden",
            "a.git",
        ] {
            assert_eq!(relative_problem(path), None, "{path}");
        }
        assert_eq!(relative_problem(&"a".repeat(255)), None);
    }

    #[test]
    fn typed_paths_drop_dot_and_empty_segments_but_nothing_else() {
        assert_eq!(
            typed_segments("./gitops//hedgehog/*/"),
            Ok(vec!["gitops", "hedgehog", "*"])
        );
        assert_eq!(
            typed_segments("gitops/../../outside"),
            Err("has a `..` segment".to_owned())
        );
        assert_eq!(typed_segments("/srv/gitops"), Err("is absolute".to_owned()));
        assert_eq!(
            typed_segments(".git/x"),
            Err("has a `.git` segment, which git refuses in a tree".to_owned())
        );
    }

    #[test]
    fn paths_that_leave_or_break_a_tree_are_refused() {
        for (path, reason) in [
            ("../outside", "has a `..` segment"),
            ("a/../../b", "has a `..` segment"),
            ("/etc/passwd", "is absolute"),
            ("a/./b", "has a `.` segment"),
            ("a//b", "has an empty segment"),
            ("", "has an empty segment"),
            ("a/", "has an empty segment"),
            (
                "a/.git/hooks",
                "has a `.git` segment, which git refuses in a tree",
            ),
            (
                "a/.GIT",
                "has a `.GIT` segment, which git refuses in a tree",
            ),
            ("a\0b", "has a NUL byte"),
        ] {
            assert_eq!(relative_problem(path).as_deref(), Some(reason), "{path:?}");
        }
        assert_eq!(
            relative_problem(&"a".repeat(256)).as_deref(),
            Some(
                "has a 256-byte segment, over the 255-byte file-name limit of common file systems"
            )
        );
        assert_eq!(
            component_problem("a/b").as_deref(),
            Some("segment `a/b` holds a `/`")
        );
    }
}
