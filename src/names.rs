//! The naming rules of Hedgehog resources, in one place: Kubernetes' RFC 1123 subdomain
//! rule, Hedgehog's per-kind length limits, its single supported namespace, and the limit
//! a name meets as a managed file name.

use crate::finding::{Finding, rules};
use crate::kind::Kind;
use crate::limits::{MAX_FILE_NAME_BYTES, MAX_LABEL_LENGTH, MAX_NAME_LENGTH};
use crate::manifest::Pos;

/// What follows the name in its managed file name (`managed/<plural>/<name>.yaml`, made by
/// `Resource::managed_path`).
const MANAGED_FILE_SUFFIX: &str = ".yaml";

/// Kinds whose names Hedgehog limits further, because they become parts of switch
/// configuration names (`api/vpc/v1beta1/vpc_types.go:368`, `external_types.go:136`,
/// `ipv4namespace_types.go:122`).
const SHORT_NAME_KINDS: &[(Kind, usize)] = &[
    (Kind::Vpc, 11),
    (Kind::External, 11),
    (Kind::Ipv4Namespace, 11),
];

/// The only namespace Hedgehog supports (`api/meta/validation.go:38-48`).
pub const NAMESPACE: &str = "default";

/// A broken naming rule: the class of problem (a rule id of [`rules`]) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameProblem {
    /// `name/invalid`, `name/too-long`, `name/reserved` or `name/namespace`.
    pub rule: &'static str,
    /// What is wrong and the fix.
    pub message: String,
}

impl NameProblem {
    fn new(rule: &'static str, message: impl Into<String>) -> Option<Self> {
        Some(NameProblem {
            rule,
            message: message.into(),
        })
    }

    /// The problem as a finding at `pos`, the node of `pointer`.
    pub fn at(self, pos: Pos, pointer: &str) -> Finding {
        Finding {
            pointer: pointer.to_owned(),
            ..Finding::at(pos.line, pos.col, self.message)
        }
        .with_rule(self.rule)
    }
}

/// Why `name` is not a valid name for a `kind`, or `None` when it is.
pub fn name_problem(kind: &Kind, name: &str) -> Option<NameProblem> {
    if name.is_empty() {
        return NameProblem::new(rules::NAME_INVALID, "metadata.name is empty");
    }
    if name.len() > MAX_NAME_LENGTH {
        return NameProblem::new(
            rules::NAME_TOO_LONG,
            format!(
                "metadata.name is {} characters long; the limit is {MAX_NAME_LENGTH}",
                name.len()
            ),
        );
    }
    if !is_rfc1123_subdomain(name) {
        return NameProblem::new(
            rules::NAME_INVALID,
            format!(
                "metadata.name `{name}` is not a lowercase RFC 1123 subdomain: use a-z, 0-9, `-` and `.`, starting and ending with a letter or digit"
            ),
        );
    }
    let file_name_bytes = name.len() + MANAGED_FILE_SUFFIX.len();
    if file_name_bytes > MAX_FILE_NAME_BYTES {
        // Kubernetes accepts the name, but the commit would hold a file no checkout can
        // create: every clone of the repository would fail.
        return NameProblem::new(
            rules::NAME_TOO_LONG,
            format!(
                "`metadata.name` is {} characters: its managed file name would be {file_name_bytes} bytes, over the {MAX_FILE_NAME_BYTES}-byte file-name limit of common file systems; use a name of at most {} characters",
                name.len(),
                MAX_FILE_NAME_BYTES - MANAGED_FILE_SUFFIX.len()
            ),
        );
    }
    if let Some((_, limit)) = SHORT_NAME_KINDS.iter().find(|(k, _)| k == kind)
        && name.len() > *limit
    {
        return NameProblem::new(
            rules::NAME_TOO_LONG,
            format!(
                "a {kind} name may have at most {limit} characters; `{name}` has {}",
                name.len()
            ),
        );
    }
    if *kind == Kind::Vpc && name.starts_with("ext.") {
        return NameProblem::new(
            rules::NAME_RESERVED,
            "a VPC name must not start with `ext.` (reserved for externals)",
        );
    }
    None
}

/// Why `namespace` is not allowed, or `None` when it is.
pub fn namespace_problem(namespace: &str) -> Option<NameProblem> {
    if namespace == NAMESPACE {
        return None;
    }
    NameProblem::new(
        rules::NAMESPACE_UNSUPPORTED,
        format!(
            "namespace `{namespace}` is not supported: Hedgehog only supports `{NAMESPACE}`; remove metadata.namespace or set it to `{NAMESPACE}`"
        ),
    )
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, the syntax of
/// a Kubernetes object name and an API group (the length is checked apart).
pub fn is_rfc1123_subdomain(name: &str) -> bool {
    name.split('.').all(is_label_syntax)
}

/// A lowercase RFC 1123 label of at most 63 characters (Kubernetes' `IsDNS1123Label`): the
/// shape of a kind's plural and an API version. It has no `.` or `/`, so as a folder or
/// file name segment it can never leave its parent.
pub fn is_rfc1123_label(name: &str) -> bool {
    name.len() <= MAX_LABEL_LENGTH && is_label_syntax(name)
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn is_label_syntax(label: &str) -> bool {
    let bytes = label.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && alnum(&bytes[0])
        && alnum(&bytes[bytes.len() - 1])
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_names() {
        for name in [
            "leaf-01",
            "server-01--mclag--leaf-01--leaf-02",
            "a.b-c.d",
            "0",
        ] {
            assert_eq!(name_problem(&Kind::Connection, name), None, "{name}");
        }
        assert_eq!(name_problem(&Kind::Vpc, "vpc-1234567"), None);
    }

    #[test]
    fn bad_names() {
        for name in [
            "", "Leaf-01", "a/b", "..", "a..b", "-a", "a-", "a_b", ".a", "a.",
        ] {
            assert!(name_problem(&Kind::Server, name).is_some(), "{name}");
        }
        let too_long = name_problem(&Kind::Server, &"a".repeat(254)).unwrap();
        assert_eq!(too_long.rule, "name/too-long");
        assert!(too_long.message.contains("253"));
        assert_eq!(
            name_problem(&Kind::Server, "a_b").unwrap().rule,
            "name/invalid"
        );
        assert_eq!(name_problem(&Kind::Server, &"a".repeat(250)), None);
        let short = name_problem(&Kind::Vpc, "vpc-12345678").unwrap();
        assert_eq!(short.rule, "name/too-long");
        assert!(short.message.contains("at most 11"));
        let reserved = name_problem(&Kind::Vpc, "ext.a").unwrap();
        assert_eq!(reserved.rule, "name/reserved");
        assert!(reserved.message.contains("ext."));
    }

    #[test]
    fn names_whose_managed_file_name_is_too_long_for_a_file_system() {
        let name = "a".repeat(253);
        assert_eq!(
            name_problem(&Kind::SwitchGroup, &name)
                .map(|p| p.message)
                .as_deref(),
            Some(
                "`metadata.name` is 253 characters: its managed file name would be 258 bytes, over the 255-byte file-name limit of common file systems; use a name of at most 250 characters"
            )
        );
        assert!(name_problem(&Kind::SwitchGroup, &"a".repeat(251)).is_some());
        let longest = "a".repeat(250);
        assert_eq!(name_problem(&Kind::SwitchGroup, &longest), None);
        let resource = crate::validate::Resource {
            kind: Kind::SwitchGroup,
            api_version: "wiring.githedgehog.com/v1beta1".into(),
            plural: "switchgroups".into(),
            name: longest.clone(),
            line: 1,
            text: String::new(),
            warnings: Vec::new(),
            object: None,
        };
        let file_name = resource
            .managed_path()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(file_name, format!("{longest}{MANAGED_FILE_SUFFIX}"));
        assert_eq!(file_name.len(), MAX_FILE_NAME_BYTES);
    }

    #[test]
    fn labels() {
        for good in ["vpcs", "v1beta1", "a", "x-1", &"a".repeat(63)] {
            assert!(is_rfc1123_label(good), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "/",
            "../x",
            "a.b",
            "VPCs",
            "-a",
            "a-",
            "a_b",
            &"a".repeat(64),
        ] {
            assert!(!is_rfc1123_label(bad), "{bad}");
        }
    }

    #[test]
    fn namespaces() {
        assert_eq!(namespace_problem("default"), None);
        let problem = namespace_problem("fab").unwrap();
        assert_eq!(problem.rule, "name/namespace");
        assert!(problem.message.contains("only supports `default`"));
    }
}
