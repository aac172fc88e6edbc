//! GitHub's GraphQL API as the GitHub backend needs it: one verified commit through the
//! `createCommitOnBranch` mutation, with octocrab as the HTTP client.
//!
//! One mutation carries every addition and deletion it is given (the whole run, unless the
//! caller splits a move too large for one request), so each commit is atomic and needs no
//! push credentials. `expectedHeadOid` is the commit the plan was made from; when
//! the branch moved, the mutation fails with `STALE_DATA` and [`CommitError::BranchMoved`]
//! tells the caller to re-plan. Transient faults (5xx, timeouts, lost connections, rate
//! limits, GitHub's "Something went wrong") are retried here with backoff, each wait said in
//! the log; octocrab's own retry layer is not compiled in, because a blind resend of a
//! mutation that may have landed could make a false failure or a second commit. Instead,
//! before any resend the branch is searched for the commit by its run marker (`landed`): if
//! it is there, the mutation worked. A request GitHub refuses as too large is reported as
//! [`MutationError::TooLarge`] and never resent whole; what an HTTP answer means is `reply`.

use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use base64::Engine as _;
use octocrab::Octocrab;
use serde_json::{Value, json};

use super::landed::{Landed, RunMarker};
use super::reply::{Reply, classify, refusal, says_too_large};
use super::{CommitError, notice};
use crate::plan::FileChanges;
use crate::secret::Secret;

/// How many times a transient fault is retried before giving up.
const MAX_TRANSIENT_RETRIES: u32 = 4;
/// Per-request time limit.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Where, as whom and for which run to commit.
#[derive(Debug, Clone)]
pub struct GithubTarget {
    /// The GraphQL endpoint (`https://api.github.com/graphql`, or GHES `https://host/api/graphql`).
    pub graphql_url: String,
    /// `owner/name`.
    pub repository: String,
    /// The branch name (without `refs/heads/`).
    pub branch: String,
    /// The token.
    pub token: Secret,
    /// The workflow run and its attempt (`<GITHUB_RUN_ID>.<GITHUB_RUN_ATTEMPT>`), which
    /// the run marker of the commits starts with.
    pub run: String,
}

/// Why a commit mutation was not made.
pub enum MutationError {
    /// The request was too large for GitHub (413, "too large", or no answer to a large
    /// request); nothing was committed, and a smaller request may pass.
    TooLarge(String),
    /// Any other failure, as for a single commit.
    Commit(CommitError),
}

impl From<anyhow::Error> for MutationError {
    fn from(error: anyhow::Error) -> Self {
        MutationError::Commit(CommitError::Other(error))
    }
}

impl From<CommitError> for MutationError {
    fn from(error: CommitError) -> Self {
        MutationError::Commit(error)
    }
}

/// A GraphQL client for one repository and branch.
pub struct GithubApi {
    client: Octocrab,
    runtime: tokio::runtime::Runtime,
    target: GithubTarget,
    path: String,
    requests: usize,
    /// The first wait after a transient fault, doubled each time
    /// ([`github_backoff`](super::waits::Waits::github_backoff)).
    first_backoff: Duration,
}

const COMMIT_MUTATION: &str = "mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid url } } }";

impl GithubApi {
    /// A client for `target`, waiting `first_backoff` after a first transient fault.
    pub fn new(target: GithubTarget, first_backoff: Duration) -> Result<Self> {
        let (origin, path) = split_url(&target.graphql_url).with_context(|| {
            format!(
                "GITHUB_GRAPHQL_URL `{}` is not an http(s) URL",
                target.graphql_url
            )
        })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let client = {
            let _guard = runtime.enter();
            Octocrab::builder()
                .base_uri(origin.as_str())
                .context("GitHub API base URL")?
                .personal_token(target.token.expose().to_owned())
                .set_connect_timeout(Some(Duration::from_secs(20)))
                .set_read_timeout(Some(REQUEST_TIMEOUT))
                .set_write_timeout(Some(REQUEST_TIMEOUT))
                .build()
                .context("building the GitHub client")?
        };
        Ok(GithubApi {
            client,
            runtime,
            target,
            path,
            requests: 0,
            first_backoff,
        })
    }

    /// How many HTTP requests this client has made.
    pub fn requests(&self) -> usize {
        self.requests
    }

    /// The target repository and branch.
    pub fn target(&self) -> &GithubTarget {
        &self.target
    }

    /// One POST to the GraphQL endpoint, classified; permanent HTTP failures are errors.
    fn post(&mut self, payload: &Value) -> Result<Reply> {
        self.requests += 1;
        let client = &self.client;
        let path = self.path.clone();
        let result = self.runtime.block_on(async {
            let response = client._post(path.as_str(), Some(payload)).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = client.body_to_string(response).await?;
            Ok::<_, octocrab::Error>((status, headers, body))
        });
        let (status, headers, body) = match result {
            Ok(reply) => reply,
            Err(error) => {
                return Ok(Reply::NoAnswer(format!(
                    "no answer from GitHub ({})",
                    short(&error)
                )));
            }
        };
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        classify(status.as_u16(), header, &body, &self.target)
    }

    /// Posts, retrying transient faults with backoff and saying each wait in the log.
    /// Before a retry, `before_retry` is told whether the last attempt got no answer at
    /// all, and decides whether retrying is still right (for a mutation: whether it did not
    /// land already, or was too large); it is asked once more after the last attempt.
    fn post_with_retries<E: From<anyhow::Error>>(
        &mut self,
        payload: &Value,
        mut before_retry: impl FnMut(&mut Self, bool) -> Result<Option<Value>, E>,
        too_large: impl Fn(String) -> E,
    ) -> Result<Value, E> {
        let mut backoff = self.first_backoff;
        let mut attempt = 0;
        loop {
            let reply = self.post(payload)?;
            let no_answer = matches!(reply, Reply::NoAnswer(_));
            // How long to wait, what went wrong, and what the wait is for.
            let (wait, what, until) = match reply {
                Reply::Graphql(value) => return Ok(value),
                Reply::TooLarge(why) => return Err(too_large(why)),
                Reply::Transient(wait, what) => (wait.max(backoff), what, "before trying again"),
                Reply::NoAnswer(what) => (backoff, what, "before trying again"),
                Reply::RateLimited(wait, what) => (
                    wait.max(backoff),
                    format!("GitHub's rate limit is used up ({what})"),
                    "for its reset, then trying again",
                ),
            };
            attempt += 1;
            if attempt > MAX_TRANSIENT_RETRIES {
                // The last attempt may have landed all the same: look once more (as a
                // request that got an answer, so it is never taken for a too-large one).
                if let Some(done) = before_retry(self, false)? {
                    return Ok(done);
                }
                return Err(anyhow!(
                    "GitHub kept failing ({what}); gave up after {MAX_TRANSIENT_RETRIES} retries"
                )
                .into());
            }
            notice(&format!(
                "{what}: waiting {:.1}s {until} (retry {attempt} of {MAX_TRANSIENT_RETRIES})",
                wait.as_secs_f64()
            ));
            std::thread::sleep(wait);
            backoff *= 2;
            if let Some(done) = before_retry(self, no_answer)? {
                return Ok(done);
            }
        }
    }

    /// Runs a query (retrying transient faults) and fails on its GraphQL errors.
    pub(super) fn query(&mut self, payload: &Value) -> Result<Value> {
        let answer = self.post_with_retries(
            payload,
            |_, _| Ok::<_, anyhow::Error>(None),
            |why| anyhow!("GitHub refused a query as too large ({why})"),
        )?;
        refusal(&answer, &self.target)?;
        Ok(answer)
    }

    /// Creates one commit with `changes` on top of `expected_head`, its message signed with
    /// `marker`. With `divisible` (the caller can send the changes in smaller parts), a
    /// request that gets no answer and did not land is reported as too large instead of
    /// being sent again whole. Returns the new commit's id.
    pub fn create_commit(
        &mut self,
        expected_head: &str,
        changes: &FileChanges,
        message: &str,
        marker: &RunMarker,
        divisible: bool,
    ) -> Result<String, MutationError> {
        let message = marker.sign(message);
        let (headline, body) = message.split_once('\n').unwrap_or((&message, ""));
        let additions: Vec<Value> = changes
            .writes
            .iter()
            .map(|w| json!({"path": w.path, "contents": base64::engine::general_purpose::STANDARD.encode(&w.content)}))
            .collect();
        let deletions: Vec<Value> = changes.deletes.iter().map(|d| json!({"path": d})).collect();
        let payload = json!({
            "query": COMMIT_MUTATION,
            "variables": {"input": {
                "branch": {"repositoryNameWithOwner": self.target.repository, "branchName": self.target.branch},
                "message": {"headline": headline, "body": body.trim()},
                "expectedHeadOid": expected_head,
                "fileChanges": {"additions": additions, "deletions": deletions},
            }},
        });
        // Whether an attempt was sent again: an earlier one may then land late.
        let mut resent = false;
        let answer = self.post_with_retries(
            &payload,
            |api, no_answer| {
                // The previous attempt may have landed with its answer lost: look before resending.
                match api.find_landed(expected_head, marker)? {
                    Landed::Ours(oid) => Ok(Some(landed_answer(&oid))),
                    Landed::No { head: Some(head) } if head != expected_head => {
                        Err(MutationError::Commit(CommitError::BranchMoved))
                    }
                    _ if no_answer && divisible => Err(MutationError::TooLarge(
                        "no answer in time, and the commit did not land".to_owned(),
                    )),
                    _ => {
                        resent = true;
                        Ok(None)
                    }
                }
            },
            MutationError::TooLarge,
        )?;
        if let Some(errors) = answer.get("errors").and_then(Value::as_array) {
            if errors
                .iter()
                .any(|e| e.get("type").and_then(Value::as_str) == Some("STALE_DATA"))
            {
                if resent && let Landed::Ours(oid) = self.find_landed(expected_head, marker)? {
                    return Ok(oid);
                }
                return Err(CommitError::BranchMoved.into());
            }
            if let Some(message) = errors
                .iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str))
                .find(|m| says_too_large(m))
            {
                return Err(MutationError::TooLarge(message.to_owned()));
            }
        }
        refusal(&answer, &self.target)?;
        let sha = answer
            .pointer("/data/createCommitOnBranch/commit/oid")
            .and_then(Value::as_str)
            .context("GitHub's answer has no commit id")?;
        Ok(sha.to_owned())
    }
}

/// The answer the mutation would have had, for a commit found on the branch.
fn landed_answer(oid: &str) -> Value {
    json!({"data": {"createCommitOnBranch": {"commit": {"oid": oid}}}})
}

/// Splits `scheme://host[:port]/path` into the origin and the path.
fn split_url(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    (!host.is_empty()).then(|| (format!("{scheme}://{host}"), format!("/{path}")))
}

/// A short, token-free description of a client error.
fn short(error: &octocrab::Error) -> String {
    let text = error.to_string();
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_urls() {
        assert_eq!(
            split_url("https://api.github.com/graphql"),
            Some(("https://api.github.com".into(), "/graphql".into()))
        );
        assert_eq!(
            split_url("https://ghe.example.com/api/graphql"),
            Some(("https://ghe.example.com".into(), "/api/graphql".into()))
        );
        assert_eq!(
            split_url("http://127.0.0.1:8080/graphql"),
            Some(("http://127.0.0.1:8080".into(), "/graphql".into()))
        );
        assert_eq!(split_url("ftp://x/graphql"), None);
        assert_eq!(split_url("nonsense"), None);
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let target = GithubTarget {
            graphql_url: "u".into(),
            repository: "o/r".into(),
            branch: "main".into(),
            token: Secret::new("ghs_secret"),
            run: "1.1".into(),
        };
        assert!(!format!("{target:?}").contains("ghs_secret"));
    }
}
