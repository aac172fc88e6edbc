//! What one HTTP answer of GitHub's GraphQL endpoint means for the caller: a GraphQL
//! answer, a fault worth retrying (5xx, rate limits with their wait), no answer at all, a
//! request too large, or a permanent failure with its fix. Pure: status, headers and body in.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::graphql::GithubTarget;

/// Longest wait hh-gitops accepts from a rate limit before failing instead.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(120);

/// The outcome of one HTTP exchange, classified.
pub enum Reply {
    /// A GraphQL answer (data and/or errors) with HTTP 200.
    Graphql(Value),
    /// Worth retrying after this long.
    Transient(Duration, String),
    /// No answer at all (a timeout, a lost connection): worth retrying, or, for a large
    /// mutation, a sign that the request is too large to be handled in time.
    NoAnswer(String),
    /// GitHub refused the request for its size (413, "too large").
    TooLarge(String),
}

/// Whether GitHub's message says the request was too large.
pub fn says_too_large(message: &str) -> bool {
    message.to_ascii_lowercase().contains("too large")
}

/// Classifies one answer (`header` reads its headers) to a request for `target`;
/// permanent HTTP failures are errors.
pub fn classify(
    code: u16,
    header: impl Fn(&str) -> Option<String>,
    body: &str,
    target: &GithubTarget,
) -> Result<Reply> {
    let retry_after = header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let message = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(200).collect());
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
    if code == 413 || (code != 200 && says_too_large(&message)) {
        return Ok(Reply::TooLarge(format!("{code} {message}")));
    }
    match code {
        200 => serde_json::from_str(body)
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
            target.repository
        ),
        404 => bail!(
            "GitHub knows no repository {} at {} (404 {message}): check GITHUB_REPOSITORY, GITHUB_GRAPHQL_URL and the token's access",
            target.repository,
            target.graphql_url
        ),
        500..=599 => Ok(Reply::Transient(
            retry_after.unwrap_or_default(),
            format!("GitHub server error {code}"),
        )),
        _ => bail!("GitHub answered {code}: {message}"),
    }
}
