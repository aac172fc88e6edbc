//! Every size and depth limit hh-gitops enforces, in one place, so that each has one value
//! and one explanation.

/// Largest raw file read by default (bytes); `--max-file-size` changes it. Hedgehog wiring
/// files are a few hundred KiB at most; anything far larger is a mistake or an attack.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Deepest nesting of YAML collections accepted. Hedgehog resources nest fewer than 15
/// levels; the bound keeps validation and drop glue far from stack exhaustion.
pub const MAX_NESTING_DEPTH: usize = 64;

/// Most nodes that alias expansion may add to one file. Bounds "billion laughs" alias bombs
/// in time and memory while leaving room for honest anchors.
pub const MAX_ALIAS_EXPANSION: usize = 100_000;

/// Longest `metadata.name` Kubernetes accepts (RFC 1123 subdomain).
pub const MAX_NAME_LENGTH: usize = 253;

/// Longest RFC 1123 label (Kubernetes' `IsDNS1123Label`): a kind's plural, which names a
/// folder under managed/, and an API version.
pub const MAX_LABEL_LENGTH: usize = 63;

/// Largest Markdown job summary written per run. GitHub refuses step summaries over 1 MiB.
pub const MAX_SUMMARY_BYTES: usize = 1024 * 1024;

/// Longest file name (one path segment, in bytes) that common file systems accept (ext4,
/// XFS, Btrfs, APFS, NTFS in UTF-16 units). A longer managed file name commits, then breaks
/// every checkout of the repository.
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Most findings reported for one document; the rest are counted in one more finding. A
/// document with thousands of problems is fixed by reading the first few, and reports,
/// annotations and summaries stay readable and bounded.
pub const MAX_FINDINGS_PER_DOCUMENT: usize = 100;

/// Most results in a SARIF run: GitHub code scanning refuses a run with more.
pub const MAX_SARIF_RESULTS: usize = 25_000;

/// Largest SARIF file written, in bytes. Code scanning refuses an upload over 10 MB,
/// gzip-compressed, and gzip never makes JSON text larger: a file within this bound is
/// within the upload limit whatever its messages say. (hh-gitops' SARIF compresses about
/// 25-fold, and [`MAX_SARIF_RESULTS`] results of ordinary length fit in it.)
pub const MAX_SARIF_BYTES: usize = 10_000_000;
