//! Knowing our own commit. Every commit hh-gitops makes through the API carries a run
//! marker, a trailer with the workflow run, its attempt and a random nonce; a commit whose
//! answer was lost, or that GitHub may have made despite an error, is recognised on the
//! branch by that marker only, never by its parent or title: two jobs of one workflow run (a
//! matrix) share the run id and may share the default title, and someone may push right
//! after our commit. The search walks the branch history from its head down to the commit
//! the plan was made from.

use std::io::Read as _;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::graphql::GithubApi;

/// The trailer's key.
const TRAILER: &str = "Hh-Gitops-Run";
/// Commits read per page of the branch history (GitHub's largest page).
const PAGE: u32 = 100;
/// Pages read at most: the branch would have to receive more commits than this between
/// our request and the search for our commit to be missed.
const MAX_PAGES: u32 = 10;

const HISTORY_QUERY: &str = "query($owner: String!, $name: String!, $ref: String!, $first: Int!, $after: String) { repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { target { ... on Commit { history(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { oid message } } } } } } }";

/// The mark of one hh-gitops run on its commits: `<run id>.<attempt>.<nonce>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMarker(String);

impl RunMarker {
    /// The marker of `run` (`<run id>.<attempt>`) with a fresh nonce of 8 random bytes,
    /// read from the kernel's generator (the only source of randomness hh-gitops needs, so
    /// no crate for it).
    pub fn new(run: &str) -> Result<Self> {
        let mut nonce = [0u8; 8];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut random| random.read_exact(&mut nonce))
            .context("cannot read /dev/urandom for the run marker of the commit")?;
        let run: String = run
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
        Ok(RunMarker(format!("{run}.{nonce}")))
    }

    /// The trailer line: `Hh-Gitops-Run: <marker>`.
    fn trailer(&self) -> String {
        format!("{TRAILER}: {}", self.0)
    }

    /// `message` with the trailer as its last paragraph.
    pub fn sign(&self, message: &str) -> String {
        format!("{}\n\n{}", message.trim_end(), self.trailer())
    }

    /// Whether `message` carries this marker, as a line of its own.
    fn marks(&self, message: &str) -> bool {
        let trailer = self.trailer();
        message.lines().any(|line| line.trim_end() == trailer)
    }
}

/// Whether a commit of ours is on the branch.
pub enum Landed {
    /// It is: this commit carries our marker.
    Ours(String),
    /// It is not (between the head and the commit the plan was made from); the branch head
    /// now, if the branch exists.
    No {
        /// The branch head.
        head: Option<String>,
    },
}

impl GithubApi {
    /// Looks for the commit carrying `marker` among the commits on the branch since `base`
    /// (the commit the plan was made from), newest first.
    pub fn find_landed(&mut self, base: &str, marker: &RunMarker) -> Result<Landed> {
        let (owner, name) = self
            .target()
            .repository
            .split_once('/')
            .context("GITHUB_REPOSITORY must be owner/name")?;
        let (owner, name) = (owner.to_owned(), name.to_owned());
        let reference = format!("refs/heads/{}", self.target().branch);
        let mut head = None;
        let mut after = Value::Null;
        for _ in 0..MAX_PAGES {
            let payload = json!({
                "query": HISTORY_QUERY,
                "variables": {"owner": owner, "name": name, "ref": reference, "first": PAGE, "after": after},
            });
            let answer = self.query(&payload)?;
            let Some(history) = answer.pointer("/data/repository/ref/target/history") else {
                break;
            };
            let nodes = history
                .get("nodes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for node in &nodes {
                let oid = node.get("oid").and_then(Value::as_str).unwrap_or_default();
                head.get_or_insert_with(|| oid.to_owned());
                if oid == base {
                    return Ok(Landed::No { head });
                }
                let message = node.get("message").and_then(Value::as_str);
                if message.is_some_and(|m| marker.marks(m)) {
                    return Ok(Landed::Ours(oid.to_owned()));
                }
            }
            let next = history.pointer("/pageInfo/endCursor").cloned();
            match next {
                Some(cursor)
                    if history.pointer("/pageInfo/hasNextPage") == Some(&Value::Bool(true)) =>
                {
                    after = cursor;
                }
                _ => break,
            }
        }
        Ok(Landed::No { head })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_is_unique_to_its_run_and_found_only_as_a_line_of_its_own() {
        let one = RunMarker::new("1234.2").unwrap();
        let other = RunMarker::new("1234.2").unwrap();
        assert_ne!(one, other, "two jobs of one run differ by their nonce");
        assert!(one.0.starts_with("1234.2.") && one.0.len() == "1234.2.".len() + 16);
        let signed = one.sign("title\n\nbody\n");
        assert_eq!(signed, format!("title\n\nbody\n\nHh-Gitops-Run: {}", one.0));
        assert!(one.marks(&signed));
        assert!(!other.marks(&signed));
        assert!(!one.marks(&format!("quoting Hh-Gitops-Run: {}", one.0)));
    }

    #[test]
    fn a_run_id_cannot_break_the_trailer() {
        let marker = RunMarker::new("12\n34: x").unwrap();
        assert!(marker.0.starts_with("12_34__x."), "{}", marker.0);
    }
}
