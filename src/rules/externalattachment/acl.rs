//! The inbound ACL of an ExternalAttachment (`ACLSpec`, `externalattachment_types.go:36-180`):
//! its statements and the whole of `ACLSpec.Validate()`, which Hedgehog's own tests call on
//! its own (`TestExternalAttachmentInboundACLValidation`).

use serde::Deserialize;
use serde_json::Number;

use crate::rules::decode::unsigned;
use crate::rules::{Violations, net};

/// `spec.inboundACL` (`ACLSpec`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Acl {
    /// The statements, in the order written.
    pub statements: Vec<Statement>,
}

/// One ACL statement (`ACLStatement`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Statement {
    /// Sequence number (`uint16`; below 10 is reserved).
    pub seq: Option<Number>,
    /// `permit`, `deny`, `discard` or `transit`.
    pub action: String,
    /// `ip`, `tcp`, `udp` or `icmp`.
    pub protocol: String,
    /// Source prefix or `any`.
    pub src_prefix: String,
    /// Destination prefix or `any`.
    pub dst_prefix: String,
    /// First port (`uint16`, tcp and udp only).
    pub port_range_begin: Option<Number>,
    /// Last port (`uint16`).
    pub port_range_end: Option<Number>,
    /// TCP flag matches (tcp only).
    pub tcp_filters: Option<TcpFilters>,
    /// ICMP type (`uint8`, icmp only).
    pub icmp_type: Option<Number>,
    /// ICMP code (`uint8`, icmp only).
    pub icmp_code: Option<Number>,
}

/// `tcpFilters` (`ACLTCPFilters`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TcpFilters {
    /// Packets of an open connection; excludes the individual flags.
    pub established: bool,
    /// FIN set.
    pub fin: bool,
    /// FIN clear.
    pub not_fin: bool,
    /// SYN set.
    pub syn: bool,
    /// SYN clear.
    pub not_syn: bool,
    /// RST set.
    pub rst: bool,
    /// RST clear.
    pub not_rst: bool,
    /// PSH set.
    pub psh: bool,
    /// PSH clear.
    pub not_psh: bool,
    /// ACK set.
    pub ack: bool,
    /// ACK clear.
    pub not_ack: bool,
    /// URG set.
    pub urg: bool,
    /// URG clear.
    pub not_urg: bool,
}

impl TcpFilters {
    /// Each flag with its negation: (name, set, negation's name, set).
    fn flag_pairs(&self) -> [(&'static str, bool, &'static str, bool); 6] {
        [
            ("fin", self.fin, "notFin", self.not_fin),
            ("syn", self.syn, "notSyn", self.not_syn),
            ("rst", self.rst, "notRst", self.not_rst),
            ("psh", self.psh, "notPsh", self.not_psh),
            ("ack", self.ack, "notAck", self.not_ack),
            ("urg", self.urg, "notUrg", self.not_urg),
        ]
    }
}

/// Sequence numbers below this are Hedgehog's own security rules (`ACLUserMinSeq`).
const ACL_USER_MIN_SEQ: u64 = 10;
const ACL_ACTIONS: [&str; 4] = ["permit", "deny", "discard", "transit"];
const ACL_PROTOCOLS: [&str; 4] = ["ip", "tcp", "udp", "icmp"];
/// Written instead of a prefix to match every address (`ACLAny`).
const ACL_ANY: &str = "any";

/// `ACLSpec.Validate()` (`externalattachment_types.go:102-180`), every statement.
pub(super) fn validate(acl: &Acl, out: &mut Violations) {
    let mut seen: Vec<(u64, usize)> = Vec::new();
    for (index, statement) in acl.statements.iter().enumerate() {
        let at = format!("/spec/inboundACL/statements/{index}");
        let seq = unsigned(
            statement.seq.as_ref(),
            u16::MAX.into(),
            &format!("{at}/seq"),
            out,
        );
        if let Some(seq) = seq {
            if seq < ACL_USER_MIN_SEQ {
                out.error(
                    format!("{at}/seq"),
                    format!("seq `{seq}` is reserved for the fabric's security rules: number your statements from {ACL_USER_MIN_SEQ}"),
                );
            } else if let Some((_, first)) = seen.iter().find(|(s, _)| *s == seq) {
                out.error(
                    format!("{at}/seq"),
                    format!("seq `{seq}` is used twice (statements {first} and {index}): give each statement its own sequence number"),
                );
            } else {
                seen.push((seq, index));
            }
        }
        if !ACL_ACTIONS.contains(&statement.action.as_str()) {
            out.error(
                format!("{at}/action"),
                format!(
                    "`{}` is not an ACL action: use {}",
                    statement.action,
                    ACL_ACTIONS.join(", ")
                ),
            );
        }
        for (field, prefix) in [
            ("srcPrefix", &statement.src_prefix),
            ("dstPrefix", &statement.dst_prefix),
        ] {
            if prefix.is_empty() {
                out.error(
                    format!("{at}/{field}"),
                    format!(
                        "{field} is empty: write a prefix such as `10.0.0.0/8`, or `{ACL_ANY}`"
                    ),
                );
            } else if prefix != ACL_ANY && net::parse_cidr(prefix).is_err() {
                out.error(
                    format!("{at}/{field}"),
                    format!("{field} `{prefix}` is not a prefix: write an address with its length such as `10.0.0.0/8`, or `{ACL_ANY}`"),
                );
            }
        }
        let protocol = statement.protocol.as_str();
        if ACL_PROTOCOLS.contains(&protocol) {
            validate_protocol_matches(statement, protocol, &at, out);
        } else {
            out.error(
                format!("{at}/protocol"),
                format!(
                    "`{protocol}` is not an ACL protocol: use {}",
                    ACL_PROTOCOLS.join(", ")
                ),
            );
        }
    }
}

/// The matches that only some protocols have: TCP flags, ICMP type and code, port range
/// (`externalattachment_types.go:142-176`).
fn validate_protocol_matches(
    statement: &Statement,
    protocol: &str,
    at: &str,
    out: &mut Violations,
) {
    if let Some(filters) = &statement.tcp_filters {
        if protocol == "tcp" {
            validate_tcp_filters(filters, &format!("{at}/tcpFilters"), out);
        } else {
            out.error(
                format!("{at}/tcpFilters"),
                format!("tcpFilters only apply to protocol `tcp`, not `{protocol}`: remove them or change the protocol"),
            );
        }
    }
    for (field, value) in [
        ("icmpType", &statement.icmp_type),
        ("icmpCode", &statement.icmp_code),
    ] {
        if let Some(value) = value {
            let pointer = format!("{at}/{field}");
            if unsigned(Some(value), u8::MAX.into(), &pointer, out).is_some() && protocol != "icmp"
            {
                out.error(
                    pointer,
                    format!("{field} only applies to protocol `icmp`, not `{protocol}`: remove it or change the protocol"),
                );
            }
        }
    }
    let begin = unsigned(
        statement.port_range_begin.as_ref(),
        u16::MAX.into(),
        &format!("{at}/portRangeBegin"),
        out,
    );
    let end = unsigned(
        statement.port_range_end.as_ref(),
        u16::MAX.into(),
        &format!("{at}/portRangeEnd"),
        out,
    );
    let (Some(begin), Some(end)) = (begin, end) else {
        return;
    };
    if begin == 0 && end == 0 {
        return;
    }
    if protocol != "tcp" && protocol != "udp" {
        let field = if begin > 0 {
            "portRangeBegin"
        } else {
            "portRangeEnd"
        };
        out.error(
            format!("{at}/{field}"),
            format!("a port range only applies to protocols `tcp` and `udp`, not `{protocol}`: remove portRangeBegin and portRangeEnd or change the protocol"),
        );
    } else if begin == 0 {
        out.error(
            format!("{at}/portRangeBegin"),
            format!("the port range ends at `{end}` but has no start: set portRangeBegin, from 1 to {end}"),
        );
    } else if end == 0 {
        out.error(
            format!("{at}/portRangeBegin"),
            format!("the port range starts at `{begin}` but has no end: set portRangeEnd, from {begin} to 65535 (equal to portRangeBegin for one port)"),
        );
    } else if begin > end {
        out.error(
            format!("{at}/portRangeEnd"),
            format!("the port range `{begin}`-`{end}` ends before it starts: portRangeEnd must be at least portRangeBegin"),
        );
    }
}

/// TCP flags: `established` stands alone, and no flag is required both set and clear
/// (`externalattachment_types.go:146-161`).
fn validate_tcp_filters(filters: &TcpFilters, at: &str, out: &mut Violations) {
    let pairs = filters.flag_pairs();
    let set: Vec<&str> = pairs
        .iter()
        .flat_map(|(flag, on, negation, negated)| [(*flag, *on), (*negation, *negated)])
        .filter_map(|(name, on)| on.then_some(name))
        .collect();
    if filters.established && !set.is_empty() {
        out.error(
            format!("{at}/established"),
            format!("`established` cannot be combined with individual flags (`{}` set): it already matches every packet of an open connection; keep one or the other", set.join("`, `")),
        );
    }
    for (flag, on, negation, negated) in pairs {
        if on && negated {
            out.error(
                format!("{at}/{negation}"),
                format!("`{flag}` and `{negation}` are both set: no packet has a flag both set and clear; keep one"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(statements: serde_json::Value) -> Vec<String> {
        let acl: Acl =
            serde_json::from_value(serde_json::json!({"statements": statements})).unwrap();
        let mut out = Violations::default();
        validate(&acl, &mut out);
        out.into_vec().into_iter().map(|v| v.pointer).collect()
    }

    #[test]
    fn an_unknown_protocol_hides_the_matches_that_depend_on_it() {
        let found = pointers(serde_json::json!([{
            "seq": 10, "action": "permit", "protocol": "gre", "srcPrefix": "any", "dstPrefix": "any",
            "icmpType": 3, "portRangeBegin": 80, "tcpFilters": {"syn": true, "notSyn": true}
        }]));
        assert_eq!(found, ["/spec/inboundACL/statements/0/protocol"]);
    }

    #[test]
    fn a_reserved_or_unreadable_seq_is_not_also_a_duplicate() {
        let statement = |seq: i64| serde_json::json!({"seq": seq, "action": "permit", "protocol": "ip", "srcPrefix": "any", "dstPrefix": "any"});
        let found = pointers(serde_json::json!([
            statement(5),
            statement(5),
            statement(70000),
            statement(70000),
            statement(10),
            statement(10)
        ]));
        assert_eq!(
            found,
            [
                "/spec/inboundACL/statements/0/seq",
                "/spec/inboundACL/statements/1/seq",
                "/spec/inboundACL/statements/2/seq",
                "/spec/inboundACL/statements/3/seq",
                "/spec/inboundACL/statements/5/seq",
            ]
        );
    }
}
