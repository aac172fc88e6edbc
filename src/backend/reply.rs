//! What one HTTP answer of GitHub's GraphQL endpoint means for the caller: a GraphQL
//! answer, a fault worth retrying (5xx, rate limits with their wait, GitHub's own "Something
//! went wrong"), no answer at all, a request too large, or a permanent failure with its fix.
//! GitHub sends GraphQL errors with HTTP 200, so the body is read whatever the status.
//! Pure: status, headers and body in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::graphql::GithubTarget;

/// Longest wait hh-gitops accepts from a rate limit before failing instead.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(10 * 60);
/// How GitHub's GraphQL API starts the message of an internal error (a timeout on its
/// side): the request may or may not have been carried out.
const SOMETHING_WENT_WRONG: &str = "Something went wrong while executing your query";

/// The outcome of one HTTP exchange, classified.
pub enum Reply {
    /// A GraphQL answer (data and/or errors) that is not a fault to retry.
    Graphql(Value),
    /// Worth retrying after this long.
    Transient(Duration, String),
    /// A rate limit: worth retrying once it resets, this long from now.
    RateLimited(Duration, String),
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
    let json = serde_json::from_str::<Value>(body).ok();
    let message = json
        .as_ref()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(one_line))
        .unwrap_or_else(|| one_line(&body.chars().take(200).collect::<String>()));
    let rate_limited = code == 429
        || (code == 403
            && (retry_after.is_some()
                || message.to_ascii_lowercase().contains("rate limit")
                || header("x-ratelimit-remaining").as_deref() == Some("0")));
    if rate_limited {
        let wait = rate_limit_wait(retry_after, &header, &message)?;
        return Ok(Reply::RateLimited(wait, message));
    }
    if code == 413 || (code != 200 && says_too_large(&message)) {
        return Ok(Reply::TooLarge(format!("{code} {message}")));
    }
    match code {
        200 => {
            let answer = json.with_context(|| {
                format!(
                    "GitHub answered with something that is not JSON: {}",
                    one_line(&body.chars().take(200).collect::<String>())
                )
            })?;
            graphql_fault(answer, retry_after, &header)
        }
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

/// A GraphQL answer whose errors are faults to retry: `RATE_LIMITED` (the primary rate limit,
/// which GraphQL reports with HTTP 200) waits for the reset; GitHub's internal error is
/// retried (the caller looks whether a mutation landed first).
fn graphql_fault(
    answer: Value,
    retry_after: Option<Duration>,
    header: &impl Fn(&str) -> Option<String>,
) -> Result<Reply> {
    let errors = answer
        .get("errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let message = |error: &Value| {
        error
            .get("message")
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default()
    };
    if let Some(limited) = errors
        .iter()
        .find(|e| e.get("type").and_then(Value::as_str) == Some("RATE_LIMITED"))
    {
        let message = message(limited);
        let wait = rate_limit_wait(retry_after, header, &message)?;
        return Ok(Reply::RateLimited(wait, format!("RATE_LIMITED: {message}")));
    }
    if let Some(wrong) = errors
        .iter()
        .map(message)
        .find(|m| m.starts_with(SOMETHING_WENT_WRONG))
    {
        return Ok(Reply::Transient(
            retry_after.unwrap_or_default(),
            format!("GitHub could not finish the request ({wrong})"),
        ));
    }
    Ok(Reply::Graphql(answer))
}

/// How long a rate limit asks to wait: `retry-after`, else until `x-ratelimit-reset`, else
/// a minute; an error naming the reset when that is longer than hh-gitops waits.
fn rate_limit_wait(
    retry_after: Option<Duration>,
    header: &impl Fn(&str) -> Option<String>,
    message: &str,
) -> Result<Duration> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let reset = header("x-ratelimit-reset").and_then(|v| v.trim().parse::<u64>().ok());
    let wait = retry_after
        .or(reset.map(|reset| Duration::from_secs(reset.saturating_sub(now))))
        .unwrap_or(Duration::from_secs(60));
    if wait > MAX_RATE_LIMIT_WAIT {
        bail!(
            "GitHub's rate limit is used up until {} ({}s from now), longer than hh-gitops waits ({}s): run again after that ({message})",
            utc_time(now + wait.as_secs()),
            wait.as_secs(),
            MAX_RATE_LIMIT_WAIT.as_secs()
        );
    }
    Ok(wait)
}

/// `HH:MM:SS UTC` of a time in seconds since the epoch.
fn utc_time(seconds: u64) -> String {
    let day = seconds % 86_400;
    format!("{:02}:{:02}:{:02} UTC", day / 3600, day / 60 % 60, day % 60)
}

/// `text` on one line with its runs of white space made one space: GitHub's messages hold
/// line breaks, and a message goes into one line of the log.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Turns the GraphQL `errors` of an answer into one clear error naming the fix; `Ok` when
/// there are none.
pub fn refusal(answer: &Value, target: &GithubTarget) -> Result<()> {
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
    let messages: Vec<String> = errors
        .iter()
        .filter_map(|e| e.get("message").and_then(Value::as_str))
        .map(one_line)
        .collect();
    let joined = messages.join("; ");
    let lower = joined.to_ascii_lowercase();
    // Classic branch protection answers with its own type; a ruleset with its message.
    if kinds.contains(&"BRANCH_PROTECTION_RULE_VIOLATION")
        || lower.contains("repository rule violation")
        || lower.contains("protected branch")
    {
        bail!(
            "GitHub refused the commit: {branch} is protected by a ruleset or branch protection ({joined}). hh-gitops commits as the owner of the `token` input, so either let that token bypass the rule (put a GitHub App or user on the rule's bypass list and pass its token as the `token` input; the workflow's own GITHUB_TOKEN cannot be put on one), or move the files by pull request (run the workflow on pushes to other branches, where hh-gitops commits the move, and merge those into {branch})",
            branch = target.branch
        );
    }
    if kinds.contains(&"FORBIDDEN") {
        bail!(
            "GitHub refused the commit ({joined}): give the workflow `permissions: contents: write`, or pass a token that may push to {}",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use serde_json::json;

    fn target() -> GithubTarget {
        GithubTarget {
            graphql_url: "https://api.github.com/graphql".into(),
            repository: "o/r".into(),
            branch: "main".into(),
            token: Secret::new("t"),
            run: "1.1".into(),
        }
    }

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn a_graphql_rate_limit_with_http_200_waits_for_the_reset_or_fails_naming_it() {
        let body = r#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for installation ID 1."}]}"#;
        let soon = (now() + 30).to_string();
        let headers = |reset: String| {
            move |name: &str| match name {
                "x-ratelimit-remaining" => Some("0".to_owned()),
                "x-ratelimit-reset" => Some(reset.clone()),
                _ => None,
            }
        };
        match classify(200, headers(soon), body, &target()).unwrap() {
            Reply::RateLimited(wait, what) => {
                assert!(wait <= Duration::from_secs(30) && wait >= Duration::from_secs(28));
                assert_eq!(
                    what,
                    "RATE_LIMITED: API rate limit exceeded for installation ID 1."
                );
            }
            _ => panic!("a rate limit"),
        }
        let late = now() + 3600;
        let error = match classify(200, headers(late.to_string()), body, &target()) {
            Err(error) => error.to_string(),
            Ok(_) => panic!("an hour is too long to wait"),
        };
        assert_eq!(
            error,
            format!(
                "GitHub's rate limit is used up until {} (3600s from now), longer than hh-gitops waits (600s): run again after that (API rate limit exceeded for installation ID 1.)",
                utc_time(late)
            )
        );
    }

    /// The integration tests answer `retry-after: 0` so as not to sleep: the wait asked
    /// for is proven here.
    #[test]
    fn a_rate_limit_waits_what_retry_after_asks_for() {
        let retry_after = |name: &str| (name == "retry-after").then(|| "7".to_owned());
        for code in [403, 429] {
            match classify(code, retry_after, r#"{"message":"slow down"}"#, &target()).unwrap() {
                Reply::RateLimited(wait, what) => {
                    assert_eq!((wait, what.as_str()), (Duration::from_secs(7), "slow down"));
                }
                _ => panic!("{code} with retry-after is a rate limit"),
            }
        }
    }

    #[test]
    fn githubs_internal_error_is_a_fault_to_retry() {
        let body = r#"{"data":null,"errors":[{"message":"Something went wrong while executing your query. Please include `AB:CD` when reporting this issue."}]}"#;
        match classify(200, |_| None, body, &target()).unwrap() {
            Reply::Transient(wait, what) => {
                assert_eq!(wait, Duration::ZERO);
                assert!(what.starts_with("GitHub could not finish the request (Something went wrong while executing your query."), "{what}");
            }
            _ => panic!("a fault to retry"),
        }
    }

    #[test]
    fn a_protected_branch_gets_both_ways_out() {
        for answer in [
            json!({"errors": [{"type": "BRANCH_PROTECTION_RULE_VIOLATION", "message": "Protected branch update failed for refs/heads/main."}]}),
            json!({"errors": [{"type": "UNPROCESSABLE", "message": "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"}]}),
        ] {
            let error = refusal(&answer, &target()).unwrap_err().to_string();
            assert!(
                error.starts_with("GitHub refused the commit: main is protected by a ruleset or branch protection ("),
                "{error}"
            );
            assert!(error.contains("bypass list") && error.contains("merge those into main"));
            assert!(!error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn times_are_written_in_utc() {
        assert_eq!(utc_time(0), "00:00:00 UTC");
        assert_eq!(utc_time(86_400 + 3600 * 13 + 60 * 5 + 9), "13:05:09 UTC");
    }
}
