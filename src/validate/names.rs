//! The naming rules of Hedgehog resources, in one place: Kubernetes' RFC 1123 subdomain
//! rule, Hedgehog's per-kind length limits and its single supported namespace.

use crate::limits::MAX_NAME_LENGTH;

/// Kinds whose names Hedgehog limits further, because they become parts of switch
/// configuration names (`api/vpc/v1beta1/vpc_types.go:368`, `external_types.go:136`,
/// `ipv4namespace_types.go:122`).
const SHORT_NAME_KINDS: &[(&str, usize)] = &[("VPC", 11), ("External", 11), ("IPv4Namespace", 11)];

/// The only namespace Hedgehog supports (`api/meta/validation.go:38-48`).
pub const NAMESPACE: &str = "default";

/// Why `name` is not a valid name for a `kind`, or `None` when it is.
pub fn name_problem(kind: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("metadata.name is empty".to_owned());
    }
    if name.len() > MAX_NAME_LENGTH {
        return Some(format!(
            "metadata.name is {} characters long; the limit is {MAX_NAME_LENGTH}",
            name.len()
        ));
    }
    if !is_rfc1123_subdomain(name) {
        return Some(format!(
            "metadata.name `{name}` is not a lowercase RFC 1123 subdomain: use a-z, 0-9, `-` and `.`, starting and ending with a letter or digit"
        ));
    }
    if let Some((_, limit)) = SHORT_NAME_KINDS.iter().find(|(k, _)| *k == kind)
        && name.len() > *limit
    {
        return Some(format!(
            "a {kind} name may have at most {limit} characters; `{name}` has {}",
            name.len()
        ));
    }
    if kind == "VPC" && name.starts_with("ext.") {
        return Some("a VPC name must not start with `ext.` (reserved for externals)".to_owned());
    }
    None
}

/// Why `namespace` is not allowed, or `None` when it is.
pub fn namespace_problem(namespace: &str) -> Option<String> {
    (namespace != NAMESPACE).then(|| {
        format!("namespace `{namespace}` is not supported: Hedgehog only supports `{NAMESPACE}`; remove metadata.namespace or set it to `{NAMESPACE}`")
    })
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
pub fn is_rfc1123_subdomain(name: &str) -> bool {
    name.split('.').all(|label| {
        let bytes = label.as_bytes();
        let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        !bytes.is_empty()
            && alnum(&bytes[0])
            && alnum(&bytes[bytes.len() - 1])
            && bytes.iter().all(|b| alnum(b) || *b == b'-')
    })
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
            assert_eq!(name_problem("Connection", name), None, "{name}");
        }
        assert_eq!(name_problem("VPC", "vpc-1234567"), None);
    }

    #[test]
    fn bad_names() {
        for name in [
            "", "Leaf-01", "a/b", "..", "a..b", "-a", "a-", "a_b", ".a", "a.",
        ] {
            assert!(name_problem("Server", name).is_some(), "{name}");
        }
        assert!(
            name_problem("Server", &"a".repeat(254))
                .unwrap()
                .contains("253")
        );
        assert_eq!(name_problem("Server", &"a".repeat(253)), None);
        assert!(
            name_problem("VPC", "vpc-12345678")
                .unwrap()
                .contains("at most 11")
        );
        assert!(name_problem("VPC", "ext.a").unwrap().contains("ext."));
    }

    #[test]
    fn namespaces() {
        assert_eq!(namespace_problem("default"), None);
        assert!(
            namespace_problem("fab")
                .unwrap()
                .contains("only supports `default`")
        );
    }
}
