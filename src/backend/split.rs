//! Cutting a move into commits GitHub accepts: the size of a `createCommitOnBranch`
//! request, and the packing of whole raw-file moves (change units) into as few requests as
//! fit a size limit. Pure: changes in, groups out.

use std::ops::Range;

use crate::plan::FileChanges;

/// The default largest request body of one API commit, in bytes. GitHub is reported to
/// refuse commits of about 40 MB through `createCommitOnBranch`, and large requests time
/// out before that: well below both.
pub const DEFAULT_MAX_COMMIT_BYTES: u64 = 16 * 1024 * 1024;

/// Bytes of JSON around each file entry (`{"path": "…", "contents": "…"},`).
const ENTRY_OVERHEAD: usize = 32;

/// The changes of `units`, in order, as one change set.
pub fn merged(units: &[FileChanges]) -> FileChanges {
    let mut all = FileChanges::default();
    for unit in units {
        all.writes.extend(unit.writes.iter().cloned());
        all.deletes.extend(unit.deletes.iter().cloned());
    }
    all
}

/// About how many bytes `changes` add to a commit request: contents are sent in base64.
pub fn request_bytes(changes: &FileChanges) -> usize {
    let writes: usize = changes
        .writes
        .iter()
        .map(|w| w.content.len().div_ceil(3) * 4 + w.path.len() + ENTRY_OVERHEAD)
        .sum();
    let deletes: usize = changes
        .deletes
        .iter()
        .map(|d| d.len() + ENTRY_OVERHEAD)
        .sum();
    writes + deletes
}

/// Packs units of the given request sizes, in order, into as few consecutive groups as
/// fit `limit` bytes each (`overhead` counted once per group). A unit larger than the limit
/// on its own gets a group of its own: a raw file's move is never cut.
pub fn pack(sizes: &[usize], limit: usize, overhead: usize) -> Vec<Range<usize>> {
    let mut groups = Vec::new();
    let mut start = 0;
    let mut bytes = overhead;
    for (i, size) in sizes.iter().enumerate() {
        if i > start && bytes + size > limit {
            groups.push(start..i);
            start = i;
            bytes = overhead;
        }
        bytes += size;
    }
    if start < sizes.len() {
        groups.push(start..sizes.len());
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_packed_in_order_into_as_few_groups_as_fit() {
        assert_eq!(pack(&[4, 4, 4, 4], 10, 1), vec![0..2, 2..4]);
        assert_eq!(pack(&[4, 4, 4, 4], 100, 1), vec![0..4]);
        assert_eq!(
            pack(&[20, 1, 1], 10, 0),
            vec![0..1, 1..3],
            "an oversized unit goes alone"
        );
        assert_eq!(pack(&[], 10, 0), Vec::<Range<usize>>::new());
    }

    #[test]
    fn request_bytes_count_base64_contents_and_paths() {
        let changes = FileChanges {
            writes: vec![crate::plan::Write {
                path: "a".into(),
                content: vec![0; 300],
            }],
            deletes: vec!["raw/x.yaml".into()],
        };
        assert_eq!(request_bytes(&changes), 400 + 1 + 32 + 10 + 32);
    }
}
