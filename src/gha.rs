//! The GitHub Actions runner's side of the process, and nothing else: the `GITHUB_*`
//! environment (and the one field of the event payload it needs, a merge group's base),
//! read once into an [`ActionsEnv`] that the configuration is resolved from,
//! and the step outputs written to `$GITHUB_OUTPUT`. What is printed into an Actions log
//! (annotations, groups, neutralised lines) is `report::actions`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::backend::github::GithubTarget;
use crate::secret::Secret;

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

/// Every `GITHUB_*` variable hh-gitops uses, read once.
#[derive(Debug, Clone, Default)]
pub struct ActionsEnv {
    /// Whether hh-gitops runs inside GitHub Actions (`GITHUB_ACTIONS=true`).
    pub in_actions: bool,
    /// The job summary file (`GITHUB_STEP_SUMMARY`).
    pub step_summary: Option<PathBuf>,
    /// The step outputs file (`GITHUB_OUTPUT`).
    pub output: Option<PathBuf>,
    event: Option<String>,
    git_ref: Option<String>,
    base_ref: Option<String>,
    /// The action's `mode` input (`INPUT_MODE`, set by `action.yml`), so that messages
    /// name what the user wrote (`mode: check`) rather than the flag the action passed.
    pub action_mode: Option<String>,
    repository: Option<String>,
    server_url: Option<String>,
    sha: Option<String>,
    token: Option<Secret>,
    graphql_url: Option<String>,
    run_id: Option<String>,
    run_attempt: Option<String>,
    /// On a `merge_group` event, the commit the queued change was built on, or why the
    /// event payload does not say.
    merge_group_base: Option<Result<String, String>>,
}

/// Where a GitHub commit goes, or why this run makes none.
#[derive(Debug)]
pub enum ActionsTarget {
    /// Commit to this branch through the API.
    Branch(GithubTarget),
    /// No commit: check only, for this reason (a pull request, a tag, a detached ref).
    CheckOnly(String),
}

impl ActionsEnv {
    /// Reads the variables from `env`.
    pub fn read(env: &dyn Env) -> Self {
        let event = env.var("GITHUB_EVENT_NAME");
        let merge_group_base = (event.as_deref() == Some("merge_group"))
            .then(|| merge_group_base_sha(env.var("GITHUB_EVENT_PATH").as_deref()));
        ActionsEnv {
            in_actions: env.var("GITHUB_ACTIONS").as_deref() == Some("true"),
            step_summary: env.var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: env.var("GITHUB_OUTPUT").map(PathBuf::from),
            event,
            git_ref: env.var("GITHUB_REF"),
            base_ref: env.var("GITHUB_BASE_REF"),
            action_mode: env.var("INPUT_MODE").map(|m| m.trim().to_ascii_lowercase()),
            repository: env.var("GITHUB_REPOSITORY"),
            server_url: env.var("GITHUB_SERVER_URL"),
            sha: env.var("GITHUB_SHA"),
            token: env.var("GITHUB_TOKEN").map(Secret::new),
            graphql_url: env.var("GITHUB_GRAPHQL_URL"),
            run_id: env.var("GITHUB_RUN_ID"),
            run_attempt: env.var("GITHUB_RUN_ATTEMPT"),
            merge_group_base,
        }
    }

    /// Where the run's files are on GitHub (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/
    /// $GITHUB_SHA`), for links in the job summary; `None` outside Actions.
    pub fn blob_url(&self) -> Option<String> {
        match (
            self.in_actions,
            &self.server_url,
            &self.repository,
            &self.sha,
        ) {
            (true, Some(server), Some(repository), Some(sha)) => Some(format!(
                "{}/{repository}/blob/{sha}",
                server.trim_end_matches('/')
            )),
            _ => None,
        }
    }

    /// The token the action passes (`GITHUB_TOKEN`), for fetches from the repository.
    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref()
    }

    /// The branch a pull request event merges into (`GITHUB_BASE_REF`), on a
    /// `pull_request` or `pull_request_target` event.
    pub fn pull_request_base(&self) -> Option<String> {
        let event = self.event.as_deref().unwrap_or_default();
        if event.starts_with("pull_request") {
            self.base_ref.clone()
        } else {
            None
        }
    }

    /// The commit a merge queue run (`merge_group`) judges its change against, as a pull
    /// request is judged against its base: `merge_group.base_sha` of the event payload
    /// (`GITHUB_EVENT_PATH`), or why the payload does not name it.
    pub fn merge_group_base(&self) -> Option<Result<String, String>> {
        self.merge_group_base.clone()
    }

    /// Resolves the commit target from `GITHUB_REPOSITORY`, `GITHUB_REF`,
    /// `GITHUB_EVENT_NAME`, `GITHUB_GRAPHQL_URL`, the token in `GITHUB_TOKEN`, and the run
    /// its commits are marked with (`GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT`; `local.1`
    /// outside a workflow run).
    pub fn actions_target(&self) -> Result<ActionsTarget> {
        let event = self.event.clone().unwrap_or_default();
        // `mode: sync` asks for a commit; say why it does not get one.
        let asked = if self.action_mode.as_deref() == Some("sync") {
            "`mode: sync` only checks here: "
        } else {
            ""
        };
        if event.starts_with("pull_request") {
            return Ok(ActionsTarget::CheckOnly(format!(
                "{asked}a {event} event is checked only; the move happens when the change reaches the branch"
            )));
        }
        let queued_base = self
            .git_ref
            .as_deref()
            .and_then(|r| r.strip_prefix("refs/heads/gh-readonly-queue/"))
            .map(|rest| rest.rsplit_once("/pr-").map_or(rest, |(base, _)| base));
        if event == "merge_group" || queued_base.is_some() {
            let base = queued_base.unwrap_or("the base branch");
            return Ok(ActionsTarget::CheckOnly(format!(
                "{asked}a merge queue run (merge_group) is checked only; the move happens when the queue merges into {base}"
            )));
        }
        let git_ref = self
            .git_ref
            .clone()
            .context("GITHUB_REF is not set: run inside GitHub Actions or use --commit git")?;
        let Some(branch) = git_ref.strip_prefix("refs/heads/") else {
            let what = if git_ref.starts_with("refs/tags/") {
                "a tag"
            } else if git_ref.starts_with("refs/pull/") {
                "a pull request"
            } else {
                "a detached ref"
            };
            return Ok(ActionsTarget::CheckOnly(format!(
                "{asked}{git_ref} is {what}, not a branch to commit to: checked only"
            )));
        };
        let repository = self
            .repository
            .clone()
            .context("GITHUB_REPOSITORY is not set")?;
        let token = self.token.clone().context(
            "no token: pass the `token` input (default `${{ github.token }}`) as GITHUB_TOKEN",
        )?;
        let graphql_url = self
            .graphql_url
            .clone()
            .unwrap_or_else(|| "https://api.github.com/graphql".to_owned());
        Ok(ActionsTarget::Branch(GithubTarget {
            graphql_url,
            repository,
            branch: branch.to_owned(),
            token,
            run: format!(
                "{}.{}",
                self.run_id.as_deref().unwrap_or("local"),
                self.run_attempt.as_deref().unwrap_or("1")
            ),
        }))
    }
}

/// `merge_group.base_sha` of the event payload at `path`: a full commit id (it is passed
/// to git, so nothing else is accepted), or why there is none.
fn merge_group_base_sha(path: Option<&str>) -> Result<String, String> {
    let path = path.ok_or("GITHUB_EVENT_PATH is not set, so the merge group's base is unknown")?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the event payload {path}: {e}"))?;
    let payload: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("the event payload {path} is not JSON: {e}"))?;
    let sha = payload["merge_group"]["base_sha"]
        .as_str()
        .ok_or_else(|| format!("the event payload {path} has no merge_group.base_sha"))?;
    let hex = sha
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if hex && (sha.len() == 40 || sha.len() == 64) {
        Ok(sha.to_owned())
    } else {
        Err(format!(
            "merge_group.base_sha of the event payload {path} is not a full commit id"
        ))
    }
}

/// Appends `name=value` step outputs to the `$GITHUB_OUTPUT` file at `path`, each in the
/// multi-line form with a delimiter that cannot occur in the value.
pub fn write_outputs(path: &Path, outputs: &[(&str, String)]) -> Result<()> {
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
        .open(path)
        .with_context(|| format!("cannot open GITHUB_OUTPUT {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write GITHUB_OUTPUT {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct FakeEnv(HashMap<&'static str, String>);

    impl Env for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
    }

    fn env(pairs: &[(&'static str, &'static str)]) -> FakeEnv {
        FakeEnv(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
    }

    const BASE: &[(&str, &str)] = &[
        ("GITHUB_REPOSITORY", "o/r"),
        ("GITHUB_TOKEN", "t"),
        ("GITHUB_EVENT_NAME", "push"),
    ];

    /// The token read from the environment, and the commit target made from it, print as
    /// `<redacted>`: a `dbg!` of either never puts the token in a public log.
    #[test]
    fn the_token_never_shows_in_debug_output() {
        let actions = ActionsEnv::read(&with(&[
            ("GITHUB_TOKEN", "ghs_value"),
            ("GITHUB_REF", "refs/heads/main"),
        ]));
        assert_eq!(actions.token().map(Secret::expose), Some("ghs_value"));
        let ActionsTarget::Branch(target) = actions.actions_target().unwrap() else {
            panic!("a push to a branch commits");
        };
        assert_eq!(target.token.expose(), "ghs_value");
        for shown in [format!("{actions:?}"), format!("{target:?}")] {
            assert!(
                !shown.contains("ghs_value") && shown.contains("<redacted>"),
                "{shown}"
            );
        }
    }

    fn with(extra: &[(&'static str, &'static str)]) -> FakeEnv {
        let mut pairs = BASE.to_vec();
        pairs.extend_from_slice(extra);
        env(&pairs)
    }

    #[test]
    fn branches_commit_and_other_refs_check_only() {
        let ActionsTarget::Branch(target) =
            ActionsEnv::read(&with(&[("GITHUB_REF", "refs/heads/main")]))
                .actions_target()
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(target.branch, "main");
        assert_eq!(target.graphql_url, "https://api.github.com/graphql");
        assert_eq!(target.run, "local.1", "outside a workflow run");
        let ActionsTarget::Branch(target) = ActionsEnv::read(&with(&[
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_RUN_ID", "9876"),
            ("GITHUB_RUN_ATTEMPT", "2"),
        ]))
        .actions_target()
        .unwrap() else {
            panic!()
        };
        assert_eq!(target.run, "9876.2");
        for (git_ref, why) in [
            ("refs/tags/v1", "a tag"),
            ("refs/pull/3/merge", "a pull request"),
            ("HEAD", "not a branch"),
        ] {
            let ActionsTarget::CheckOnly(reason) =
                ActionsEnv::read(&with(&[("GITHUB_REF", git_ref)]))
                    .actions_target()
                    .unwrap()
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
            ActionsEnv::read(&pr).actions_target().unwrap(),
            ActionsTarget::CheckOnly(_)
        ));
        let sync_on_pr = env(&[
            ("GITHUB_EVENT_NAME", "pull_request_target"),
            ("GITHUB_REF", "refs/heads/x"),
            ("INPUT_MODE", "sync"),
        ]);
        let ActionsTarget::CheckOnly(reason) =
            ActionsEnv::read(&sync_on_pr).actions_target().unwrap()
        else {
            panic!("a pull request never commits")
        };
        assert_eq!(
            reason,
            "`mode: sync` only checks here: a pull_request_target event is checked only; the move happens when the change reaches the branch"
        );
        let no_token = env(&[
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_REPOSITORY", "o/r"),
        ]);
        assert!(
            format!(
                "{:#}",
                ActionsEnv::read(&no_token).actions_target().unwrap_err()
            )
            .contains("token")
        );
    }

    /// Issue 10 item 2: a merge queue's temporary branch is never committed to.
    #[test]
    fn merge_queue_runs_check_only_and_name_the_base_branch() {
        let queue =
            "refs/heads/gh-readonly-queue/main/pr-12-0123456789abcdef0123456789abcdef01234567";
        for event in ["merge_group", "push"] {
            let ActionsTarget::CheckOnly(reason) = ActionsEnv::read(&with(&[
                ("GITHUB_REF", queue),
                ("GITHUB_EVENT_NAME", event),
            ]))
            .actions_target()
            .unwrap() else {
                panic!("{event} on a merge queue branch must not commit")
            };
            assert_eq!(
                reason,
                "a merge queue run (merge_group) is checked only; the move happens when the queue merges into main"
            );
        }
    }

    /// Issue 18 item 5: a merge queue run's base is `merge_group.base_sha` of the payload,
    /// a full commit id and nothing else (it is passed to git).
    #[test]
    fn a_merge_group_base_is_read_from_the_event_payload() {
        let dir = tempfile::tempdir().unwrap();
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let payload = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path.display().to_string()
        };
        let good = payload(
            "good.json",
            &format!(r#"{{"merge_group":{{"base_sha":"{sha}","base_ref":"refs/heads/main"}}}}"#),
        );
        let base = |event: &'static str, path: &str| {
            let mut env = with(&[("GITHUB_EVENT_NAME", event)]);
            env.0.insert("GITHUB_EVENT_PATH", path.to_owned());
            ActionsEnv::read(&env).merge_group_base()
        };
        assert_eq!(base("merge_group", &good), Some(Ok(sha.to_owned())));
        assert_eq!(
            base("push", &good),
            None,
            "only a merge_group event has one"
        );
        for (text, why) in [
            (r#"{"merge_group":{}}"#, "has no merge_group.base_sha"),
            (
                r#"{"merge_group":{"base_sha":"--upload-pack=x"}}"#,
                "is not a full commit id",
            ),
            (
                r#"{"merge_group":{"base_sha":"0123abc"}}"#,
                "is not a full commit id",
            ),
            ("not json", "is not JSON: expected ident at line 1 column 2"),
        ] {
            let path = payload("bad.json", text);
            let Some(Err(reason)) = base("merge_group", &path) else {
                panic!("{text} has no base")
            };
            assert!(reason.ends_with(why), "{text}: {reason}");
        }
        let Some(Err(reason)) = base("merge_group", "/no/such/event.json") else {
            panic!("an unreadable payload has no base")
        };
        assert!(
            reason.starts_with("cannot read the event payload /no/such/event.json: "),
            "{reason}"
        );
        let unset = ActionsEnv::read(&with(&[("GITHUB_EVENT_NAME", "merge_group")]));
        assert_eq!(
            unset.merge_group_base(),
            Some(Err(
                "GITHUB_EVENT_PATH is not set, so the merge group's base is unknown".to_owned()
            ))
        );
    }

    #[test]
    fn outputs_use_safe_delimiters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        write_outputs(
            &path,
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
