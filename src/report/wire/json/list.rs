//! The JSON listing of `hh-gitops list --format json`: the managed resources of each fabric,
//! one table per kind.

use serde::Serialize;
use serde_json::{Map, Value};

use super::super::parts::Finding;
use super::FORMAT_VERSION;
use crate::kind::Kind;
use crate::list;

/// Everything `list` shows.
#[derive(Debug, Serialize)]
pub struct Listing<'a> {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// Always `list`.
    pub command: &'static str,
    /// The one kind listed (`--kind`), when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
    /// One entry per fabric, in path order.
    pub fabrics: Vec<FabricListing<'a>>,
    /// `--fabric` globs that matched no fabric.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub unmatched_fabrics: &'a [String],
}

impl<'a> From<&'a list::Listing> for Listing<'a> {
    fn from(listing: &'a list::Listing) -> Self {
        Listing {
            version: FORMAT_VERSION,
            command: "list",
            kind: listing.kind.as_ref().map(Kind::as_str),
            fabrics: listing.fabrics.iter().map(FabricListing::from).collect(),
            unmatched_fabrics: &listing.unmatched_fabrics,
        }
    }
}

/// The managed resources of one fabric.
#[derive(Debug, Serialize)]
pub struct FabricListing<'a> {
    /// The fabric folder relative to the repository.
    pub dir: &'a str,
    /// One table per kind, by kind name.
    pub kinds: Vec<KindTable<'a>>,
    /// Files (or documents) that could not be listed, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<UnreadableFile<'a>>,
}

impl<'a> From<&'a list::FabricListing> for FabricListing<'a> {
    fn from(fabric: &'a list::FabricListing) -> Self {
        FabricListing {
            dir: &fabric.dir,
            kinds: fabric
                .kinds
                .iter()
                .map(|table| KindTable {
                    kind: table.kind.as_str(),
                    resources: table
                        .resources
                        .iter()
                        .map(|resource| ListedResource {
                            name: &resource.name,
                            file: &resource.file,
                            fields: &resource.fields,
                        })
                        .collect(),
                })
                .collect(),
            unreadable: fabric
                .unreadable
                .iter()
                .map(|file| UnreadableFile {
                    path: &file.path,
                    finding: Finding::from(&file.finding),
                })
                .collect(),
        }
    }
}

/// The resources of one kind.
#[derive(Debug, Serialize)]
pub struct KindTable<'a> {
    /// The kind (`VPC`).
    pub kind: &'a str,
    /// Its resources, by name.
    pub resources: Vec<ListedResource<'a>>,
}

/// One resource: its name and file, then the fields of its kind that `list` shows (`null`
/// where the resource does not set one).
#[derive(Debug, Serialize)]
pub struct ListedResource<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// Its file, relative to the fabric folder.
    pub file: &'a str,
    /// The kind's fields, by name.
    #[serde(flatten)]
    pub fields: &'a Map<String, Value>,
}

/// A managed file, or a document of one, that `list` could not read: its path, then where
/// and why.
#[derive(Debug, Serialize)]
pub struct UnreadableFile<'a> {
    /// Path relative to the fabric folder.
    pub path: &'a str,
    /// Where and why.
    #[serde(flatten)]
    pub finding: Finding<'a>,
}
