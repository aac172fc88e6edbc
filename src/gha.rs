//! Everything hh-gitops reads from or writes for GitHub Actions lives here, so the rest of
//! the code never looks at `GITHUB_*` variables: where to commit (repository, branch, API
//! endpoint, token), the job summary file, step outputs, annotations and log groups.
//! Escaping follows actions/toolkit (`@actions/core` `command.ts`).

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::backend::github::GithubTarget;
use crate::finding::Finding;

/// A view of the environment, so the rules can be tested without touching the process's.
pub trait Env {
    /// The value of a variable, if set and not empty.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

/// Whether hh-gitops runs inside GitHub Actions.
pub fn in_actions(env: &dyn Env) -> bool {
    env.var("GITHUB_ACTIONS").as_deref() == Some("true")
}

/// The job summary file GitHub Actions provides (`$GITHUB_STEP_SUMMARY`), if any.
pub fn step_summary_path(env: &dyn Env) -> Option<PathBuf> {
    env.var("GITHUB_STEP_SUMMARY").map(PathBuf::from)
}

/// Where a GitHub commit goes, or why this run makes none.
#[derive(Debug)]
pub enum CommitPlace {
    /// Commit to this branch through the API.
    Branch(GithubTarget),
    /// No commit: check only, for this reason (a pull request, a tag, a detached ref).
    CheckOnly(String),
}

/// Resolves the commit target from `GITHUB_REPOSITORY`, `GITHUB_REF`, `GITHUB_EVENT_NAME`,
/// `GITHUB_GRAPHQL_URL` and the token in `GITHUB_TOKEN`.
pub fn commit_place(env: &dyn Env) -> Result<CommitPlace> {
    let event = env.var("GITHUB_EVENT_NAME").unwrap_or_default();
    if event.starts_with("pull_request") {
        return Ok(CommitPlace::CheckOnly(format!(
            "a {event} event: checking only, the move happens when the change reaches the branch"
        )));
    }
    let git_ref = env
        .var("GITHUB_REF")
        .context("GITHUB_REF is not set: run inside GitHub Actions or use --commit git")?;
    let Some(branch) = git_ref.strip_prefix("refs/heads/") else {
        let what = if git_ref.starts_with("refs/tags/") {
            "a tag"
        } else if git_ref.starts_with("refs/pull/") {
            "a pull request"
        } else {
            "not a branch"
        };
        return Ok(CommitPlace::CheckOnly(format!(
            "{git_ref} is {what}: checking only, nothing to commit to"
        )));
    };
    let repository = env
        .var("GITHUB_REPOSITORY")
        .context("GITHUB_REPOSITORY is not set")?;
    let token = env.var("GITHUB_TOKEN").context(
        "no token: pass the `token` input (default `${{ github.token }}`) as GITHUB_TOKEN",
    )?;
    let graphql_url = env
        .var("GITHUB_GRAPHQL_URL")
        .unwrap_or_else(|| "https://api.github.com/graphql".to_owned());
    Ok(CommitPlace::Branch(GithubTarget {
        graphql_url,
        repository,
        branch: branch.to_owned(),
        token,
    }))
}

/// Escapes a workflow-command message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// At most this many error annotations per step are shown by GitHub.
pub const MAX_ANNOTATIONS: usize = 10;

/// `::error` annotations for the first [`MAX_ANNOTATIONS`] findings, then a notice that
/// points at the job summary for the rest. `findings` pairs a repository path with a finding.
pub fn annotations(findings: &[(String, &Finding)]) -> String {
    let mut out = String::new();
    for (path, finding) in findings.iter().take(MAX_ANNOTATIONS) {
        let title = if finding.pointer.is_empty() {
            "hh-gitops".to_owned()
        } else {
            format!("hh-gitops: {}", finding.pointer)
        };
        out.push_str(&format!(
            "::error file={},line={},col={},title={}::{}\n",
            escape_property(path),
            finding.line,
            finding.col,
            escape_property(&title),
            escape_data(&finding.message)
        ));
    }
    if findings.len() > MAX_ANNOTATIONS {
        out.push_str(&format!(
            "::notice title=hh-gitops::{} more findings are listed in the job summary\n",
            findings.len() - MAX_ANNOTATIONS
        ));
    }
    out
}

/// An `::error` annotation for a failure of the whole run (no file to point at).
pub fn annotations_error(message: &str) -> String {
    format!("::error title=hh-gitops::{}\n", escape_data(message))
}

/// Wraps `text` in a collapsible log group.
pub fn group(title: &str, text: &str) -> String {
    format!("::group::{}\n{text}::endgroup::\n", escape_data(title))
}

/// Appends `name=value` step outputs to `$GITHUB_OUTPUT`, each in the multi-line form with
/// a delimiter that cannot occur in the value.
pub fn write_outputs(env: &dyn Env, outputs: &[(&str, String)]) -> Result<()> {
    let Some(path) = env.var("GITHUB_OUTPUT") else {
        return Ok(());
    };
    let mut text = String::new();
    for (name, value) in outputs {
        let mut delimiter = String::from("ghadelimiter_hh_gitops");
        while value.contains(&delimiter) {
            delimiter.push('_');
        }
        text.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot open GITHUB_OUTPUT {path}"))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write GITHUB_OUTPUT {path}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct FakeEnv(HashMap<&'static str, &'static str>);

    impl Env for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| (*v).to_owned())
        }
    }

    fn env(pairs: &[(&'static str, &'static str)]) -> FakeEnv {
        FakeEnv(pairs.iter().copied().collect())
    }

    const BASE: &[(&str, &str)] = &[
        ("GITHUB_REPOSITORY", "o/r"),
        ("GITHUB_TOKEN", "t"),
        ("GITHUB_EVENT_NAME", "push"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> FakeEnv {
        let mut pairs = BASE.to_vec();
        pairs.extend_from_slice(extra);
        env(&pairs)
    }

    #[test]
    fn branches_commit_and_other_refs_check_only() {
        let CommitPlace::Branch(target) =
            commit_place(&with(&[("GITHUB_REF", "refs/heads/main")])).unwrap()
        else {
            panic!()
        };
        assert_eq!(target.branch, "main");
        assert_eq!(target.graphql_url, "https://api.github.com/graphql");
        for (git_ref, why) in [
            ("refs/tags/v1", "a tag"),
            ("refs/pull/3/merge", "a pull request"),
            ("HEAD", "not a branch"),
        ] {
            let CommitPlace::CheckOnly(reason) =
                commit_place(&with(&[("GITHUB_REF", git_ref)])).unwrap()
            else {
                panic!("{git_ref}")
            };
            assert!(reason.contains(why), "{reason}");
        }
        let pr = env(&[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_REF", "refs/heads/x"),
        ]);
        assert!(matches!(
            commit_place(&pr).unwrap(),
            CommitPlace::CheckOnly(_)
        ));
        let no_token = env(&[
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_REPOSITORY", "o/r"),
        ]);
        assert!(format!("{:#}", commit_place(&no_token).unwrap_err()).contains("token"));
    }

    #[test]
    fn annotations_are_escaped_and_capped() {
        let finding = Finding {
            line: 3,
            col: 7,
            pointer: "/spec/a,b".into(),
            message: "100% wrong\nreally".into(),
            severity: crate::finding::Severity::Error,
        };
        let many: Vec<(String, &Finding)> = (0..12)
            .map(|i| (format!("raw/f{i}:x.yaml"), &finding))
            .collect();
        let text = annotations(&many);
        assert!(text.starts_with("::error file=raw/f0%3Ax.yaml,line=3,col=7,title=hh-gitops%3A /spec/a%2Cb::100%25 wrong%0Areally\n"), "{text}");
        assert_eq!(
            text.lines().filter(|l| l.starts_with("::error")).count(),
            10
        );
        assert!(text.ends_with(
            "::notice title=hh-gitops::2 more findings are listed in the job summary\n"
        ));
    }

    #[test]
    fn outputs_use_safe_delimiters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let path_str: &'static str = Box::leak(path.to_str().unwrap().to_owned().into_boxed_str());
        let fake = env(&[("GITHUB_OUTPUT", path_str)]);
        write_outputs(
            &fake,
            &[
                ("a", "1".into()),
                ("b", "x\nghadelimiter_hh_gitops\ny".into()),
            ],
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "a<<ghadelimiter_hh_gitops\n1\nghadelimiter_hh_gitops\nb<<ghadelimiter_hh_gitops_\nx\nghadelimiter_hh_gitops\ny\nghadelimiter_hh_gitops_\n"
        );
    }
}
