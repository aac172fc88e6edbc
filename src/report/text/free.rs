//! The printing of `free` (and its JSON envelope): per fabric, one aligned table whose
//! every row names its object, so that `grep` finds all of it. Names come from files, so
//! control characters in them are shown escaped.

use std::fmt::Write as _;

use serde::Serialize;

use super::{aligned, shown_cell};
use crate::free::{
    ConnectionVlans, FabricAnswer, NamespaceSubnets, NamespaceVlans, SwitchPorts, spans_of,
    spans_text,
};
use crate::report::wire::json::FORMAT_VERSION;

/// The JSON answer of `free …` (and of `refs`): the command and one entry per fabric.
#[derive(Debug, Serialize)]
pub struct Answer<'a, T> {
    /// The JSON report format version (`FORMAT_VERSION`).
    pub version: u32,
    /// The command (`free vlan`, `refs`).
    pub command: &'static str,
    /// One entry per fabric, in path order.
    pub fabrics: &'a [FabricAnswer<T>],
    /// `--fabric` globs that matched no fabric.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub unmatched_fabrics: &'a [String],
}

impl<'a, T> Answer<'a, T> {
    /// The answer of `command` for `fabrics`.
    pub fn new(
        command: &'static str,
        fabrics: &'a [FabricAnswer<T>],
        unmatched_fabrics: &'a [String],
    ) -> Self {
        Answer {
            version: FORMAT_VERSION,
            command,
            fabrics,
            unmatched_fabrics,
        }
    }
}

/// The warning for each `--fabric` glob that matched no fabric, as `list` prints it.
pub fn unmatched(globs: &[String]) -> String {
    globs
        .iter()
        .map(|glob| {
            format!(
                "warning: --fabric `{}` matches no fabric (a folder with a raw/ folder): check its spelling\n",
                shown_cell(glob)
            )
        })
        .collect()
}

/// `free vlan`: a row per VLANNamespace, then a note for each whose ranges are unknown.
pub fn vlans(dir: &str, namespaces: &[NamespaceVlans]) -> String {
    let mut out = format!("{}\n", shown_cell(dir));
    if namespaces.is_empty() {
        out.push_str("  no VLANNamespace in managed/, and no VPC names one\n");
        return out;
    }
    let mut rows = vec![row(&["VLAN NAMESPACE", "RANGES", "USED", "FREE"])];
    let mut notes = String::new();
    for namespace in namespaces {
        let used = spans_text(&spans_of(namespace.used.iter().map(|u| u.vlan)));
        let (ranges, free) = match (&namespace.ranges, &namespace.free) {
            (Some(ranges), Some(free)) => (spans_text(ranges), spans_text(free)),
            _ => {
                let _ = writeln!(
                    notes,
                    "VLANNamespace `{}` is in neither managed/ nor cluster/: its ranges, and so its free VLANs, are unknown (export it into the fabric's cluster/ folder: see README); its VPC subnets use {used}",
                    shown_cell(&namespace.name)
                );
                ("not in Git".to_owned(), "unknown".to_owned())
            }
        };
        rows.push(vec![shown_cell(&namespace.name), ranges, used, free]);
    }
    push_table(&mut out, &rows);
    out.push_str(&notes);
    out
}

/// `free vlan --connection`: the VLANs of the connection's ExternalAttachments.
pub fn connection_vlans(dir: &str, answer: &ConnectionVlans) -> String {
    let mut out = format!("{}\n", shown_cell(dir));
    let untagged = match answer.used.iter().find(|user| user.vlan == 0) {
        Some(user) => format!("used by {}", shown_cell(&user.by.join(", "))),
        None => "free".to_owned(),
    };
    let tagged = spans_of(answer.used.iter().map(|u| u.vlan).filter(|&vlan| vlan != 0));
    let rows = [
        row(&["CONNECTION", "UNTAGGED", "USED", "FREE"]),
        vec![
            shown_cell(&answer.connection),
            untagged,
            spans_text(&tagged),
            spans_text(&answer.free),
        ],
    ];
    push_table(&mut out, &rows);
    if answer.origin.is_none() {
        let _ = writeln!(
            out,
            "Connection `{}` is in neither managed/ nor cluster/",
            shown_cell(&answer.connection)
        );
    }
    out
}

/// `free subnet`: a row per IPv4Namespace with its first free `/prefix_len` subnets.
pub fn subnets(dir: &str, prefix_len: u8, namespaces: &[NamespaceSubnets]) -> String {
    let mut out = format!("{}\n", shown_cell(dir));
    if namespaces.is_empty() {
        out.push_str("  no IPv4Namespace in managed/, and no VPC names one\n");
        return out;
    }
    let free_header = format!("FREE /{prefix_len}");
    let mut rows = vec![row(&[
        "IPV4 NAMESPACE",
        "SUBNETS",
        "VPC SUBNETS",
        &free_header,
    ])];
    let mut notes = String::new();
    for namespace in namespaces {
        let (subnets, free) = match (&namespace.subnets, &namespace.free) {
            (Some(subnets), Some(free)) => (list(subnets), list(free)),
            _ => {
                let _ = writeln!(
                    notes,
                    "IPv4Namespace `{}` is in neither managed/ nor cluster/: its subnets, and so the free ones, are unknown (export it into the fabric's cluster/ folder: see README)",
                    shown_cell(&namespace.name)
                );
                ("not in Git".to_owned(), "unknown".to_owned())
            }
        };
        rows.push(vec![
            shown_cell(&namespace.name),
            subnets,
            namespace.used.to_string(),
            free,
        ]);
    }
    push_table(&mut out, &rows);
    out.push_str(&notes);
    out
}

/// `free port`: the switch, its profile and how many ports are free, then a row per free
/// port.
pub fn ports(dir: &str, answer: &SwitchPorts) -> String {
    let mut out = format!("{}\n", shown_cell(dir));
    let switch = shown_cell(&answer.switch);
    let (Some(origin), Some(profile)) = (&answer.origin, &answer.profile) else {
        let _ = writeln!(out, "Switch `{switch}` is in neither managed/ nor cluster/");
        return out;
    };
    let profile = shown_cell(profile);
    let at = shown_cell(&format!("{dir}/{origin}"));
    if !answer.profile_known {
        let _ = writeln!(
            out,
            "Switch {switch} ({at}): its SwitchProfile `{profile}` is not one this fabric has, so its ports are unknown"
        );
        return out;
    }
    let free: Vec<_> = answer.free().collect();
    let _ = writeln!(
        out,
        "Switch {switch} ({at}), profile {profile}: {} of {} ports free",
        free.len(),
        answer.ports.len()
    );
    let mut rows = vec![row(&["SWITCH", "PORT", "GROUP", "BREAKOUT"])];
    let cell = |value: &Option<String>| value.as_deref().map_or("-".to_owned(), shown_cell);
    rows.extend(free.iter().map(|port| {
        vec![
            switch.clone(),
            shown_cell(&port.name),
            cell(&port.group),
            cell(&port.breakout),
        ]
    }));
    push_table(&mut out, &rows);
    out
}

/// A header row.
fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|cell| (*cell).to_owned()).collect()
}

/// Texts joined by commas, escaped; `none` when empty.
fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    shown_cell(&items.join(", "))
}

/// Appends `rows`, aligned.
fn push_table(out: &mut String, rows: &[Vec<String>]) {
    for line in aligned(rows) {
        let _ = writeln!(out, "{line}");
    }
}
