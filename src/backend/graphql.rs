//! GitHub's GraphQL API as the GitHub backend needs it: the branch head and one verified
//! commit through the `createCommitOnBranch` mutation, with octocrab as the HTTP client.
//!
//! One mutation carries every addition and deletion of the run, so the commit is atomic and
//! needs no push credentials. `expectedHeadOid` is the commit the plan was made from; when
//! the branch moved, the mutation fails with `STALE_DATA` and [`CommitError::BranchMoved`]
//! tells the caller to re-plan. Transient faults (5xx, timeouts, lost connections, rate limits with
//! `retry-after`) are retried here with backoff; octocrab's own retry layer is not compiled
//! in, because a blind resend of a mutation whose answer was lost could make a false failure
//! or a second commit. Instead, after a lost answer the branch head is read: if it is our
//! commit, the mutation worked.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use octocrab::Octocrab;
use serde_json::{Value, json};

use super::{CommitError, Committed};
use crate::plan::Changes;

/// How many times a transient fault is retried before giving up.
const MAX_TRANSIENT_RETRIES: u32 = 4;
/// First backoff after a transient fault; doubled each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest wait hh-gitops accepts from a rate limit before failing instead.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(120);
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

/// The outcome of one HTTP exchange, classified.
enum Reply {
    /// A GraphQL answer (data and/or errors) with HTTP 200.
    Graphql(Value),
    /// Worth retrying after this long.
    Transient(Duration, String),
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
                return Ok(Reply::Transient(
                    Duration::ZERO,
                    format!("no answer from GitHub ({})", short(&error)),
                ));
            }
        };
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let message = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| body.chars().take(200).collect());
        let code = status.as_u16();
        let rate_limited = code == 429
            || (code == 403
                && (retry_after.is_some()
                    || message.to_ascii_lowercase().contains("rate limit")
                    || header("x-ratelimit-remaining").as_deref() == Some("0")));
        if rate_limited {
            let reset_wait = header("x-ratelimit-reset")
                .and_then(|v| v.parse::<u64>().ok())
                .and_then(|reset| {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .ok()?
                        .as_secs();
                    Some(Duration::from_secs(reset.saturating_sub(now)))
                });
            let wait = retry_after
                .or(reset_wait)
                .unwrap_or(Duration::from_secs(60));
            if wait > MAX_RATE_LIMIT_WAIT {
                bail!(
                    "GitHub rate limit: retry in {}s, longer than hh-gitops waits ({message})",
                    wait.as_secs()
                );
            }
            return Ok(Reply::Transient(wait, format!("rate limited ({message})")));
        }
        match code {
            200 => serde_json::from_str(&body)
                .map(Reply::Graphql)
                .with_context(|| {
                    format!(
                        "GitHub answered with something that is not JSON: {}",
                        body.chars().take(200).collect::<String>()
                    )
                }),
            401 => bail!(
                "GitHub refused the token (401 {message}): check the `token` input (default `${{{{ github.token }}}}`)"
            ),
            403 => bail!(
                "GitHub forbids this (403 {message}): give the workflow `permissions: contents: write`, or a token that may push to {}",
                self.target.repository
            ),
            404 => bail!(
                "GitHub knows no repository {} at {} (404 {message}): check GITHUB_REPOSITORY, GITHUB_GRAPHQL_URL and the token's access",
                self.target.repository,
                self.target.graphql_url
            ),
            500..=599 => Ok(Reply::Transient(
                retry_after.unwrap_or_default(),
                format!("GitHub server error {code}"),
            )),
            _ => bail!("GitHub answered {code}: {message}"),
        }
    }

    /// Posts, retrying transient faults with backoff. `on_retry` decides, before a retry,
    /// whether retrying is still right (for a mutation: whether it did not land already).
    fn post_with_retries<E: From<anyhow::Error>>(
        &mut self,
        payload: &Value,
        mut before_retry: impl FnMut(&mut Self) -> Result<Option<Value>, E>,
    ) -> Result<Value, E> {
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 0;
        loop {
            match self.post(payload)? {
                Reply::Graphql(value) => return Ok(value),
                Reply::Transient(wait, what) => {
                    attempt += 1;
                    if attempt > MAX_TRANSIENT_RETRIES {
                        return Err(anyhow!(
                            "GitHub kept failing ({what}); gave up after {MAX_TRANSIENT_RETRIES} retries"
                        )
                        .into());
                    }
                    std::thread::sleep(wait.max(backoff));
                    backoff *= 2;
                    if let Some(done) = before_retry(self)? {
                        return Ok(done);
                    }
                }
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
        let answer = self.post_with_retries(&payload, |_| Ok::<_, anyhow::Error>(None))?;
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

    /// Creates one commit with `changes` on top of `expected_head`.
    pub fn create_commit(
        &mut self,
        expected_head: &str,
        changes: &Changes,
        message: &str,
    ) -> Result<Committed, CommitError> {
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
        let answer = self.post_with_retries(&payload, |api| {
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
                Some((oid, _, _)) if oid != expected => Err(CommitError::BranchMoved),
                _ => Ok(None),
            }
        })?;
        if let Some(errors) = answer.get("errors").and_then(Value::as_array)
            && errors
                .iter()
                .any(|e| e.get("type").and_then(Value::as_str) == Some("STALE_DATA"))
        {
            return Err(CommitError::BranchMoved);
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
