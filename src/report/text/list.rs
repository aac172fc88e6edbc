//! The text of `hh-gitops list`: per fabric, one aligned table per kind with the fields
//! values are picked from. Cells come from the managed files, so control characters in them
//! are shown escaped, never acted on by the terminal.

use std::fmt::Write;

use crate::list::{self, Columns, KindTable, Listing};
use crate::plan::plural;

/// `list`: per fabric, one aligned table per kind (the items of a list field, such as a
/// VPC's subnets, one line each under their resource), then the files that could not be
/// listed, compiler-style.
pub fn list(listing: &Listing) -> String {
    let mut out = String::new();
    for glob in &listing.unmatched_fabrics {
        let _ = writeln!(
            out,
            "warning: --fabric `{}` matches no fabric (a folder with a raw/ folder): check its spelling",
            shown_cell(glob)
        );
    }
    for (i, fabric) in listing.fabrics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", shown_cell(&fabric.dir));
        if fabric.kinds.is_empty() {
            let _ = match &listing.kind {
                Some(kind) => writeln!(out, "  no {} in managed/", shown_cell(kind.as_str())),
                None => writeln!(out, "  nothing in managed/"),
            };
        }
        for table in &fabric.kinds {
            let n = table.resources.len();
            let _ = writeln!(out, "\n{} ({n})", shown_cell(table.kind.as_str()));
            for line in aligned(&kind_rows(table)) {
                let _ = writeln!(out, "{line}");
            }
        }
        if !fabric.unreadable.is_empty() {
            let n = fabric.unreadable.len();
            let _ = writeln!(
                out,
                "\n{n} managed {} could not be listed:",
                plural(n, "file", "files")
            );
            for file in &fabric.unreadable {
                let path = format!("{}/{}", fabric.dir, file.path);
                let _ = writeln!(out, "{}", shown_cell(&file.finding.display(&path)));
            }
        }
    }
    out
}

/// The header and the lines of one kind's table, cell by cell.
fn kind_rows(table: &KindTable) -> Vec<Vec<String>> {
    let (own_columns, list_field, item_columns) = match list::columns(&table.kind) {
        Columns::Flat(own) => (own, None, &[][..]),
        Columns::Nested { own, list, item } => (own, Some(list), item),
    };
    let mut rows = vec![
        std::iter::once("NAME")
            .chain(own_columns.iter().chain(item_columns).map(|c| c.header))
            .map(str::to_owned)
            .collect::<Vec<_>>(),
    ];
    for resource in &table.resources {
        let items: &[serde_json::Value] = list_field
            .and_then(|field| resource.fields.get(field))
            .and_then(serde_json::Value::as_array)
            .map_or(&[], Vec::as_slice);
        let field = |value: Option<&serde_json::Value>| shown_value(value.unwrap_or_default());
        for line in 0..items.len().max(1) {
            let first = line == 0;
            // Every row names its resource, so that `grep NAME` finds all of them.
            let mut row = vec![shown_cell(&resource.name)];
            for column in own_columns {
                row.push(if first {
                    field(resource.fields.get(column.field))
                } else {
                    String::new()
                });
            }
            for column in item_columns {
                row.push(field(
                    items.get(line).and_then(|item| item.get(column.field)),
                ));
            }
            rows.push(row);
        }
    }
    rows
}

/// A listed value in a cell: `-` where it is not set, lists joined by commas.
fn shown_value(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => shown_cell(s),
        Value::Array(items) => {
            if items.is_empty() {
                return "-".to_owned();
            }
            items.iter().map(shown_value).collect::<Vec<_>>().join(", ")
        }
        other => shown_cell(&other.to_string()),
    }
}

/// Text from input made safe for a terminal: control characters (escape sequences, line
/// breaks) are shown escaped instead of acting.
pub fn shown_cell(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Rows padded into columns two spaces apart, without trailing spaces.
pub fn aligned(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (cell, width) in row.iter().zip(&widths) {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', width + 2 - cell.chars().count()));
            }
            line.trim_end().to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;
    use crate::list::{FabricListing, ListedResource};

    #[test]
    fn list_escapes_control_characters_and_aligns_without_trailing_spaces() {
        let resource = |name: &str, role: serde_json::Value| ListedResource {
            name: name.into(),
            file: "managed/switches/x.yaml".into(),
            fields: serde_json::json!({"role": role, "profile": "vs", "asn": null})
                .as_object()
                .cloned()
                .unwrap(),
        };
        let listing = Listing::new(
            vec![FabricListing {
                dir: "f".into(),
                kinds: vec![KindTable {
                    kind: Kind::Switch,
                    resources: vec![
                        resource("evil\u{1b}[31m", "spine".into()),
                        resource("leaf-01", serde_json::Value::Null),
                    ],
                }],
                unreadable: Vec::new(),
            }],
            None,
            Vec::new(),
        );
        assert_eq!(
            list(&listing),
            "f\n\nSwitch (2)\nNAME            ROLE   PROFILE  ASN  BREAKOUT PORT  MODE\nevil\\u{1b}[31m  spine  vs       -    -              -\nleaf-01         -      vs       -    -              -\n"
        );
    }
}
