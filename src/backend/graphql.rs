//! GitHub's GraphQL API as the GitHub backend needs it: the branch head and one verified
//! commit through the `createCommitOnBranch` mutation, with octocrab as the HTTP client.
//!
//! One mutation carries every addition and deletion it is given (the whole run, unless the
//! caller splits a move too large for one request), so each commit is atomic and needs no
//! push credentials. `expectedHeadOid` is the commit the plan was made from; when
//! the branch moved, the mutation fails with `STALE_DATA` and [`CommitError::BranchMoved`]
//! tells the caller to re-plan. Transient faults (5xx, timeouts, lost connections, rate limits with
//! `retry-after`) are retried here with backoff; octocrab's own retry layer is not compiled
//! in, because a blind resend of a mutation whose answer was lost could make a false failure
//! or a second commit. Instead, after a lost answer the branch head is read: if it is our
//! commit, the mutation worked. A request GitHub refuses as too large is reported as
//! [`MutationError::TooLarge`] and never resent whole; what an HTTP answer means is `reply`.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use octocrab::Octocrab;
use serde_json::{Value, json};

use super::reply::{Reply, classify, says_too_large};
use super::{CommitError, Committed};
use crate::plan::Changes;

/// How many times a transient fault is retried before giving up.
const MAX_TRANSIENT_RETRIES: u32 = 4;
/// First backoff after a transient fault; doubled each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Per-request time limit.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Where and as whom to commit.
#[derive(Clone)]
pub struct GithubTarget {
    /// The GraphQL endpoint (`https://api.github.com/graphql`, or GHES `https://host/api/graphql`).
    pub graphql_url: String,
    /// `owner/name`.
    pub repository: String,
    /// The branch name (without `refs/heads/`).
    pub branch: String,
    /// The token. Never printed.
    pub token: String,
}

impl std::fmt::Debug for GithubTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubTarget")
            .field("graphql_url", &self.graphql_url)
            .field("repository", &self.repository)
            .field("branch", &self.branch)
            .field("token", &"***")
            .finish()
    }
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
}

const HEAD_QUERY: &str = "query($owner: String!, $name: String!, $ref: String!) { repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { target { oid ... on Commit { message parents(first: 1) { nodes { oid } } } } } } }";

const COMMIT_MUTATION: &str = "mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid url } } }";

impl GithubApi {
    /// A client for `target`.
    pub fn new(target: GithubTarget) -> Result<Self> {
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
                .personal_token(target.token.clone())
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

    /// Posts, retrying transient faults with backoff. Before a retry, `before_retry` is told
    /// whether the last attempt got no answer at all, and decides whether retrying is still
    /// right (for a mutation: whether it did not land already, or was too large).
    fn post_with_retries<E: From<anyhow::Error>>(
        &mut self,
        payload: &Value,
        mut before_retry: impl FnMut(&mut Self, bool) -> Result<Option<Value>, E>,
        too_large: impl Fn(String) -> E,
    ) -> Result<Value, E> {
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 0;
        loop {
            let (wait, what, no_answer) = match self.post(payload)? {
                Reply::Graphql(value) => return Ok(value),
                Reply::TooLarge(why) => return Err(too_large(why)),
                Reply::Transient(wait, what) => (wait, what, false),
                Reply::NoAnswer(what) => (Duration::ZERO, what, true),
            };
            attempt += 1;
            if attempt > MAX_TRANSIENT_RETRIES {
                return Err(anyhow!(
                    "GitHub kept failing ({what}); gave up after {MAX_TRANSIENT_RETRIES} retries"
                )
                .into());
            }
            std::thread::sleep(wait.max(backoff));
            backoff *= 2;
            if let Some(done) = before_retry(self, no_answer)? {
                return Ok(done);
            }
        }
    }

    /// The branch head: its id, message and first parent.
    pub fn head(&mut self) -> Result<Option<(String, String, Option<String>)>> {
        let (owner, name) = self
            .target
            .repository
            .split_once('/')
            .context("GITHUB_REPOSITORY must be owner/name")?;
        let payload = json!({
            "query": HEAD_QUERY,
            "variables": {"owner": owner, "name": name, "ref": format!("refs/heads/{}", self.target.branch)},
        });
        let answer = self.post_with_retries(
            &payload,
            |_, _| Ok::<_, anyhow::Error>(None),
            |why| anyhow!("GitHub refused a branch query as too large ({why})"),
        )?;
        fail_on_errors(&answer, &self.target)?;
        let target = answer.pointer("/data/repository/ref/target");
        Ok(target.and_then(|t| {
            let oid = t.get("oid")?.as_str()?.to_owned();
            let message = t
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let parent = t
                .pointer("/parents/nodes/0/oid")
                .and_then(Value::as_str)
                .map(str::to_owned);
            Some((oid, message, parent))
        }))
    }

    /// Creates one commit with `changes` on top of `expected_head`. With `divisible` (the
    /// caller can send the changes in smaller parts), a request that gets no answer and did
    /// not land is reported as too large instead of being sent again whole.
    pub fn create_commit(
        &mut self,
        expected_head: &str,
        changes: &Changes,
        message: &str,
        divisible: bool,
    ) -> Result<Committed, MutationError> {
        let (headline, body) = message.split_once('\n').unwrap_or((message, ""));
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
        let expected = expected_head.to_owned();
        let headline_owned = headline.to_owned();
        let answer = self.post_with_retries(
            &payload,
            |api, no_answer| {
                // The previous attempt may have landed with its answer lost: look before resending.
                match api.head()? {
                    Some((oid, message, parent))
                        if parent.as_deref() == Some(expected.as_str())
                            && message.lines().next() == Some(headline_owned.as_str()) =>
                    {
                        Ok(Some(
                            json!({"data": {"createCommitOnBranch": {"commit": {"oid": oid}}}}),
                        ))
                    }
                    Some((oid, _, _)) if oid != expected => {
                        Err(MutationError::Commit(CommitError::BranchMoved))
                    }
                    _ if no_answer && divisible => Err(MutationError::TooLarge(
                        "no answer in time, and the commit did not land".to_owned(),
                    )),
                    _ => Ok(None),
                }
            },
            MutationError::TooLarge,
        )?;
        if let Some(errors) = answer.get("errors").and_then(Value::as_array) {
            if errors
                .iter()
                .any(|e| e.get("type").and_then(Value::as_str) == Some("STALE_DATA"))
            {
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
        fail_on_errors(&answer, &self.target)?;
        let sha = answer
            .pointer("/data/createCommitOnBranch/commit/oid")
            .and_then(Value::as_str)
            .context("GitHub's answer has no commit id")?;
        Ok(Committed {
            sha: sha.to_owned(),
        })
    }
}

/// Turns GraphQL `errors` into one clear error naming the fix.
fn fail_on_errors(answer: &Value, target: &GithubTarget) -> Result<()> {
    let Some(errors) = answer
        .get("errors")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
    else {
        return Ok(());
    };
    let kinds: Vec<&str> = errors
        .iter()
        .filter_map(|e| e.get("type").and_then(Value::as_str))
        .collect();
    let messages: Vec<&str> = errors
        .iter()
        .filter_map(|e| e.get("message").and_then(Value::as_str))
        .collect();
    let joined = messages.join("; ");
    if kinds.contains(&"FORBIDDEN") {
        bail!(
            "GitHub refused the commit ({joined}): give the workflow `permissions: contents: write`, check branch protection on {}, or pass a token that may push",
            target.branch
        );
    }
    if kinds.contains(&"NOT_FOUND") {
        bail!(
            "GitHub cannot find {} branch {} ({joined}): check GITHUB_REPOSITORY, GITHUB_REF and the token's access",
            target.repository,
            target.branch
        );
    }
    bail!("GitHub refused the commit: {joined}")
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
            token: "ghs_secret".into(),
        };
        assert!(!format!("{target:?}").contains("ghs_secret"));
    }
}
