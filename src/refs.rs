//! `hh-gitops refs KIND/NAME`: every object of a fabric's managed/ that refers to one
//! object, each at the line of the field that names it: who must change (or go) before it
//! can be renamed or deleted.
//!
//! What refers to what is `rules::refs::references_at`, the list the cross-object checks
//! read: defaulted references count (a VPC without `ipv4Namespace` refers to IPv4Namespace
//! `default`, at the field it defaults). Pure: the fabric's resources in, data out;
//! `text` prints it, and the same data serialises as the JSON answer.

use std::fmt::Write as _;

use serde::Serialize;

use crate::kind::Kind;
use crate::report::text::{aligned, shown_cell};
use crate::rules::refs::references_at;
use crate::rules::state::FabricState;
use crate::validate::Resource;

/// The object asked about and everything that refers to it.
#[derive(Debug, Clone, Serialize)]
pub struct Referrers {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// `path:line` of its document, relative to the fabric folder, or where the fabric
    /// has it built in; `None` when the fabric does not hold it.
    pub origin: Option<String>,
    /// Every reference to it, in file and line order.
    pub referrers: Vec<Referrer>,
}

/// One reference to the object.
#[derive(Debug, Clone, Serialize)]
pub struct Referrer {
    /// The referring object's kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Its file, relative to the fabric folder.
    pub path: String,
    /// The line of the field naming the object.
    pub line: u32,
    /// That field, as a JSON pointer.
    pub field: String,
}

/// The references to the `kind` object `name` among `resources` (each with its file,
/// relative to the fabric folder), and where `state` holds the object.
pub fn referrers(
    resources: &[(String, Resource)],
    state: &FabricState,
    kind: &Kind,
    name: &str,
) -> Referrers {
    let mut found: Vec<Referrer> = resources
        .iter()
        .filter_map(|(path, resource)| {
            let pointers: Vec<String> = references_at(resource.object.as_ref()?)
                .into_iter()
                .filter(|reference| reference.kind == *kind && reference.name == name)
                .map(|reference| reference.pointer)
                .collect();
            let lines = resource.locate_all(pointers.iter().map(String::as_str));
            Some(
                pointers
                    .into_iter()
                    .zip(lines)
                    .map(|(field, pos)| Referrer {
                        kind: resource.kind.clone(),
                        name: resource.name.clone(),
                        path: path.clone(),
                        line: pos.line,
                        field,
                    }),
            )
        })
        .flatten()
        .collect();
    found.sort_by(|a, b| (&a.path, a.line, &a.field).cmp(&(&b.path, b.line, &b.field)));
    let built_in = (*kind == Kind::SwitchProfile)
        .then(|| state.switch_profiles.get(name))
        .flatten()
        .map(|entry| entry.origin.to_string());
    let written = resources
        .iter()
        .find(|(_, resource)| resource.kind == *kind && resource.name == name)
        .map(|(path, resource)| format!("{path}:{}", resource.line));
    Referrers {
        kind: kind.clone(),
        name: name.to_owned(),
        origin: written.or(built_in),
        referrers: found,
    }
}

/// The text of `refs` for the fabric `dir`: where the object is, then one aligned row per
/// reference, `file:line` first (relative to the repository, as `check` shows paths). Names
/// come from files, so control characters in them are shown escaped.
pub fn text(dir: &str, answer: &Referrers) -> String {
    let mut out = format!(
        "{}
",
        shown_cell(dir)
    );
    let subject = shown_cell(&format!("{} {}", answer.kind, answer.name));
    let _ = match &answer.origin {
        Some(origin) if origin.contains(':') => {
            writeln!(
                out,
                "{subject} ({})",
                shown_cell(&format!("{dir}/{origin}"))
            )
        }
        Some(origin) => writeln!(out, "{subject} ({origin})"),
        None => writeln!(out, "{subject}: in neither managed/ nor cluster/"),
    };
    if answer.referrers.is_empty() {
        let _ = writeln!(out, "  nothing in managed/ refers to it");
        return out;
    }
    let rows: Vec<Vec<String>> = answer
        .referrers
        .iter()
        .map(|r| {
            vec![
                format!("  {}", shown_cell(&format!("{dir}/{}:{}", r.path, r.line))),
                shown_cell(&format!("{} {}", r.kind, r.name)),
                shown_cell(&r.field),
            ]
        })
        .collect();
    for line in aligned(&rows) {
        let _ = writeln!(out, "{line}");
    }
    out
}
