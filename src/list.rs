//! `hh-gitops list`: what a fabric holds in managed/, one table per kind with the fields
//! people pick values from (a VPC's subnets, CIDRs and VLANs; a Connection's switches and
//! ports; a Switch's role, ASN and breakouts; a namespace's ranges or subnets), so that a
//! free VLAN or port is found without opening fifty files (`hh-gitops free` computes it).
//! Pure: the managed files' bytes in (read by `pipeline`), the tables out; a file that
//! cannot be read or parsed is listed with why, never a reason to stop.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::finding::Finding;
use crate::free::port_order;
use crate::kind::Kind;
use crate::manifest;

/// One managed file as the shell read it.
pub struct ManagedText {
    /// Path relative to the fabric folder (`managed/vpcs/vpc-1.yaml`).
    pub path: String,
    /// Its bytes, or why they could not be read (a link, over the size limit, an I/O error).
    pub bytes: Result<Vec<u8>, String>,
}

/// Everything `list` shows.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The one kind listed (`--kind`), or `None` for every kind.
    pub kind: Option<Kind>,
    /// One entry per fabric, in path order.
    pub fabrics: Vec<FabricListing>,
    /// `--fabric` globs that matched no fabric.
    pub unmatched_fabrics: Vec<String>,
}

impl Listing {
    /// A listing of `fabrics`, of every kind or of `kind` alone.
    pub fn new(
        fabrics: Vec<FabricListing>,
        kind: Option<&Kind>,
        unmatched_fabrics: Vec<String>,
    ) -> Self {
        Listing {
            kind: kind.cloned(),
            fabrics,
            unmatched_fabrics,
        }
    }
}

/// The managed resources of one fabric.
#[derive(Debug, Clone)]
pub struct FabricListing {
    /// The fabric folder relative to the repository.
    pub dir: String,
    /// One table per kind, by kind name.
    pub kinds: Vec<KindTable>,
    /// Files (or documents) that could not be listed, and why.
    pub unreadable: Vec<UnreadableFile>,
}

/// The resources of one kind.
#[derive(Debug, Clone)]
pub struct KindTable {
    /// The kind.
    pub kind: Kind,
    /// Its resources, by name.
    pub resources: Vec<ListedResource>,
}

/// One resource and the fields of its kind that `list` shows.
#[derive(Debug, Clone)]
pub struct ListedResource {
    /// `metadata.name`.
    pub name: String,
    /// Its file, relative to the fabric folder.
    pub file: String,
    /// The kind's fields (see [`columns`]); `null` where the resource does not set one.
    pub fields: Map<String, Value>,
}

/// A managed file, or a document of one, that `list` could not read.
#[derive(Debug, Clone)]
pub struct UnreadableFile {
    /// Path relative to the fabric folder.
    pub path: String,
    /// Where and why.
    pub finding: Finding,
}

/// One column of a kind's table: its header and the field of [`ListedResource::fields`]
/// it shows.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header, in capitals.
    pub header: &'static str,
    /// The field's name in the JSON listing.
    pub field: &'static str,
}

/// The columns of a kind's table after NAME. `Nested` columns show the items of a list
/// field (a VPC's subnets, a Connection's links), one line each under the resource, to the
/// right of the resource's own columns.
#[derive(Debug, Clone, Copy)]
pub enum Columns {
    /// Only fields of the resource itself.
    Flat(&'static [Column]),
    /// The resource's own columns, then the columns of each item of its list field `list`.
    Nested {
        /// Columns of the resource.
        own: &'static [Column],
        /// The list field.
        list: &'static str,
        /// Columns of each item.
        item: &'static [Column],
    },
}

/// The columns `list` shows for `kind`, after NAME: the fields people pick values from.
pub fn columns(kind: &Kind) -> Columns {
    match kind {
        Kind::Vpc => Columns::Nested {
            own: &[
                Column {
                    header: "IPV4 NAMESPACE",
                    field: "ipv4Namespace",
                },
                Column {
                    header: "VLAN NAMESPACE",
                    field: "vlanNamespace",
                },
            ],
            list: "subnets",
            item: &[
                Column {
                    header: "SUBNET",
                    field: "name",
                },
                Column {
                    header: "CIDR",
                    field: "cidr",
                },
                Column {
                    header: "VLAN",
                    field: "vlan",
                },
            ],
        },
        Kind::Connection => Columns::Nested {
            own: &[
                Column {
                    header: "TYPE",
                    field: "type",
                },
                Column {
                    header: "SWITCHES",
                    field: "switches",
                },
            ],
            list: "links",
            item: &[Column {
                header: "LINK PORTS",
                field: "ports",
            }],
        },
        Kind::Switch => Columns::Nested {
            own: &[
                Column {
                    header: "ROLE",
                    field: "role",
                },
                Column {
                    header: "PROFILE",
                    field: "profile",
                },
                Column {
                    header: "ASN",
                    field: "asn",
                },
            ],
            list: "breakouts",
            item: &[
                Column {
                    header: "BREAKOUT PORT",
                    field: "port",
                },
                Column {
                    header: "MODE",
                    field: "mode",
                },
            ],
        },
        Kind::VlanNamespace => Columns::Flat(&[Column {
            header: "RANGES",
            field: "ranges",
        }]),
        Kind::Ipv4Namespace => Columns::Nested {
            own: &[],
            list: "subnets",
            item: &[Column {
                header: "SUBNET",
                field: "subnet",
            }],
        },
        Kind::External => Columns::Flat(&[
            Column {
                header: "IPV4 NAMESPACE",
                field: "ipv4Namespace",
            },
            Column {
                header: "INBOUND COMMUNITY",
                field: "inboundCommunity",
            },
            Column {
                header: "OUTBOUND COMMUNITY",
                field: "outboundCommunity",
            },
        ]),
        Kind::VpcAttachment => Columns::Flat(&[
            Column {
                header: "SUBNET",
                field: "subnet",
            },
            Column {
                header: "CONNECTION",
                field: "connection",
            },
        ]),
        _ => Columns::Flat(&[]),
    }
}

/// The fields of `kind` that `list` shows, read from the resource's `spec`.
fn fields(kind: &Kind, spec: &Value) -> Map<String, Value> {
    let get = |key: &str| spec.get(key).cloned().unwrap_or(Value::Null);
    let mut out = Map::new();
    match kind {
        Kind::Vpc => {
            let subnets: Vec<Value> = spec
                .get("subnets")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, subnet)| {
                    json!({
                        "name": name,
                        "cidr": subnet.get("subnet").cloned().unwrap_or(Value::Null),
                        "vlan": subnet.get("vlan").cloned().unwrap_or(Value::Null),
                    })
                })
                .collect();
            out.insert("subnets".into(), Value::Array(subnets));
            out.insert("ipv4Namespace".into(), get("ipv4Namespace"));
            out.insert("vlanNamespace".into(), get("vlanNamespace"));
        }
        Kind::Connection => {
            // A Connection's spec has one key, its type (`unbundled`, `mclag`, `fabric`...).
            let (kind, body) = spec
                .as_object()
                .and_then(|spec| spec.iter().next())
                .map_or((Value::Null, &Value::Null), |(k, v)| {
                    (Value::from(k.as_str()), v)
                });
            let mut links = Vec::new();
            collect_links(body, &mut links);
            let mut switches: Vec<&str> = links
                .iter()
                .flatten()
                .filter(|(role, _)| !matches!(role.as_str(), "server" | "gateway"))
                .filter_map(|(_, port)| port.split_once('/').map(|(device, _)| device))
                .collect();
            switches.sort_unstable();
            switches.dedup();
            out.insert("type".into(), kind);
            out.insert("switches".into(), json!(switches));
            let links: Vec<Value> = links
                .iter()
                .map(|link| json!({"ports": link.iter().map(|(_, port)| port).collect::<Vec<_>>()}))
                .collect();
            out.insert("links".into(), Value::Array(links));
        }
        Kind::Switch => {
            out.insert("role".into(), get("role"));
            out.insert("profile".into(), get("profile"));
            out.insert("asn".into(), get("asn"));
            let mut breakouts: Vec<(&String, &Value)> = spec
                .get("portBreakouts")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .collect();
            breakouts.sort_by(|a, b| port_order(a.0, b.0));
            let breakouts = breakouts
                .into_iter()
                .map(|(port, mode)| json!({"port": port, "mode": mode}))
                .collect();
            out.insert("breakouts".into(), Value::Array(breakouts));
        }
        Kind::VlanNamespace => {
            let ranges: Vec<Value> = spec
                .get("ranges")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(range_text)
                .collect();
            out.insert("ranges".into(), Value::Array(ranges));
        }
        Kind::Ipv4Namespace => {
            let subnets: Vec<Value> = spec
                .get("subnets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|subnet| json!({"subnet": subnet}))
                .collect();
            out.insert("subnets".into(), Value::Array(subnets));
        }
        Kind::External => {
            out.insert("ipv4Namespace".into(), get("ipv4Namespace"));
            out.insert("inboundCommunity".into(), get("inboundCommunity"));
            out.insert("outboundCommunity".into(), get("outboundCommunity"));
        }
        Kind::VpcAttachment => {
            out.insert("subnet".into(), get("subnet"));
            out.insert("connection".into(), get("connection"));
        }
        _ => {}
    }
    out
}

/// A VLAN range as written, as people write it: `1000-2999`, or `1000` when `to` is absent,
/// 0 or the same; anything else as written.
fn range_text(range: &Value) -> Value {
    let number = |key: &str| range.get(key).and_then(Value::as_u64);
    match (number("from"), number("to")) {
        (Some(from), None | Some(0)) => Value::from(from.to_string()),
        (Some(from), Some(to)) if to == from => Value::from(from.to_string()),
        (Some(from), Some(to)) => Value::from(format!("{from}-{to}")),
        _ => range.clone(),
    }
}

/// The links of a Connection's body, each as its (role, port) pairs: a link is a mapping
/// whose values hold a `port` (`{server: {port: s/enp2s1}, switch: {port: leaf-1/E1/1}}`),
/// wherever it sits (`link`, `links`, mclagDomain's `peerLinks` and `sessionLinks`).
fn collect_links(value: &Value, out: &mut Vec<Vec<(String, String)>>) {
    match value {
        Value::Object(map) => {
            let ports: Vec<(String, String)> = map
                .iter()
                .filter_map(|(role, end)| {
                    let port = end.get("port")?.as_str()?;
                    Some((role.clone(), port.to_owned()))
                })
                .collect();
            if ports.is_empty() {
                map.values().for_each(|v| collect_links(v, out));
            } else {
                out.push(ports);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_links(v, out)),
        _ => {}
    }
}

/// The listing of one fabric from its managed files; with `kind`, only resources of that
/// kind.
pub fn fabric_listing(dir: &str, files: Vec<ManagedText>, kind: Option<&Kind>) -> FabricListing {
    let mut tables: BTreeMap<Kind, Vec<ListedResource>> = BTreeMap::new();
    let mut unreadable = Vec::new();
    for file in files {
        let bytes = match file.bytes {
            Ok(bytes) => bytes,
            Err(why) => {
                unreadable.push(UnreadableFile {
                    path: file.path,
                    finding: Finding::at(1, 1, why),
                });
                continue;
            }
        };
        let documents = match manifest::parse(&bytes) {
            Ok(documents) => documents,
            Err(finding) => {
                unreadable.push(UnreadableFile {
                    path: file.path,
                    finding,
                });
                continue;
            }
        };
        for document in documents {
            let object = document.root.to_json();
            let text = |key: &str| object.get(key).and_then(Value::as_str);
            let name = object
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str);
            let (Some(doc_kind), Some(name)) = (text("kind"), name) else {
                unreadable.push(UnreadableFile {
                    path: file.path.clone(),
                    finding: Finding::at(
                        document.start_line,
                        1,
                        "not a resource: a managed document needs a `kind` and a `metadata.name`",
                    ),
                });
                continue;
            };
            let doc_kind = Kind::from_name(doc_kind);
            if kind.is_some_and(|kind| *kind != doc_kind) {
                continue;
            }
            let spec = object.get("spec").unwrap_or(&Value::Null);
            let fields = fields(&doc_kind, spec);
            tables.entry(doc_kind).or_default().push(ListedResource {
                name: name.to_owned(),
                file: file.path.clone(),
                fields,
            });
        }
    }
    let kinds = tables
        .into_iter()
        .map(|(kind, mut resources)| {
            resources.sort_by(|a, b| (&a.name, &a.file).cmp(&(&b.name, &b.file)));
            KindTable { kind, resources }
        })
        .collect();
    FabricListing {
        dir: dir.to_owned(),
        kinds,
        unreadable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> ManagedText {
        ManagedText {
            path: path.into(),
            bytes: Ok(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn a_connection_lists_its_type_switches_and_every_link_wherever_it_sits() {
        let text = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: mc\nspec:\n  mclagDomain:\n    peerLinks:\n    - switch1: {port: leaf-01/E1/3}\n      switch2: {port: leaf-02/E1/3}\n    sessionLinks:\n    - switch1: {port: leaf-01/E1/5}\n      switch2: {port: leaf-02/E1/5}\n---\nkind: Connection\nmetadata:\n  name: srv\nspec:\n  unbundled:\n    link:\n      server: {port: server-1/enp2s1}\n      switch: {port: leaf-03/E1/1}\n";
        let listing = fabric_listing("f", vec![file("managed/connections/c.yaml", text)], None);
        let table = &listing.kinds[0];
        let rows: Vec<Value> = table
            .resources
            .iter()
            .map(|r| json!({"name": r.name, "fields": r.fields}))
            .collect();
        assert_eq!(
            rows,
            [
                json!({"name": "mc", "fields": {
                    "type": "mclagDomain",
                    "switches": ["leaf-01", "leaf-02"],
                    "links": [{"ports": ["leaf-01/E1/3", "leaf-02/E1/3"]},
                              {"ports": ["leaf-01/E1/5", "leaf-02/E1/5"]}]}}),
                json!({"name": "srv", "fields": {
                    "type": "unbundled",
                    "switches": ["leaf-03"],
                    "links": [{"ports": ["server-1/enp2s1", "leaf-03/E1/1"]}]}}),
            ]
        );
    }

    #[test]
    fn unparsable_files_and_documents_without_a_name_are_listed_not_fatal() {
        let listing = fabric_listing(
            "f",
            vec![
                file("managed/vpcs/bad.yaml", "kind: VPC\nspec: [\n"),
                file("managed/vpcs/anon.yaml", "kind: VPC\nspec: {}\n"),
                ManagedText {
                    path: "managed/vpcs/link.yaml".into(),
                    bytes: Err("is a symbolic link".into()),
                },
            ],
            None,
        );
        assert!(listing.kinds.is_empty());
        let unreadable: Vec<String> = listing
            .unreadable
            .iter()
            .map(|u| u.finding.display(&u.path))
            .collect();
        assert_eq!(unreadable.len(), 3, "{unreadable:?}");
        assert!(unreadable[0].starts_with("managed/vpcs/bad.yaml:"));
        assert_eq!(
            unreadable[1],
            "managed/vpcs/anon.yaml:1:1: error: not a resource: a managed document needs a `kind` and a `metadata.name`"
        );
        assert_eq!(
            unreadable[2],
            "managed/vpcs/link.yaml:1:1: error: is a symbolic link"
        );
    }
}
