//! What a change touches, read from git: the base it is compared with (the merge base of a
//! pull request, or `--changed-since REF`), the paths it adds, changes or deletes, and the
//! content of the deleted files at the base.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result, bail};

use super::git::GitRepo;

/// The base a change is compared with, as the user or the event names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseSpec {
    /// `--changed-since REF`: the merge base of REF and HEAD.
    Ref(String),
    /// A pull request into `branch` (`GITHUB_BASE_REF`): the merge base of the remote's
    /// branch and HEAD, fetched when the checkout lacks it.
    PullRequest {
        /// The branch the pull request merges into.
        branch: String,
    },
    /// A merge queue run (`merge_group`): the commit the queued change was built on
    /// (`merge_group.base_sha` of the event), fetched when the checkout lacks it.
    MergeGroup {
        /// The base commit's full id.
        base_sha: String,
    },
    /// The branch's upstream (`origin/main`, what `@{upstream}` names) when HEAD holds
    /// commits it lacks: `check`'s base when no other is given, so that a local change's
    /// deletions are checked before it is pushed.
    Upstream(String),
    /// A base the event should name and does not (an unreadable event payload): every
    /// finding counts, for this reason.
    Unknown(String),
}

/// What a change touches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// The commit the work tree is compared with.
    pub base: String,
    /// Repository paths that differ from the base (added, modified, deleted, untracked).
    pub touched: BTreeSet<String>,
    /// Deleted repository paths, with their content at the base.
    pub deleted: BTreeMap<String, Vec<u8>>,
    /// Modified repository paths read at the base (those `keep_base` asked for), with their
    /// content there: the version an edit updates.
    pub modified: BTreeMap<String, Vec<u8>>,
}

/// What a change touches relative to its base, or why the base was not found (the outcome
/// of looking for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseDiff {
    /// The base was found.
    Known(ChangeSet),
    /// It was not: every finding counts, and the report says why.
    BaseUnknown(String),
}

impl GitRepo {
    /// What the work tree changes relative to the base `spec` names. Deleted and modified
    /// files whose repository path satisfies `keep_base` are read at the base.
    pub fn changes(&self, spec: &BaseSpec, keep_base: impl Fn(&str) -> bool) -> Result<BaseDiff> {
        let base = match self.merge_base(spec)? {
            Ok(base) => base,
            Err(why) => return Ok(BaseDiff::BaseUnknown(why)),
        };
        let listing = self
            .run(
                &["diff", "--name-status", "-z", "--no-renames", &base, "--"],
                None,
            )
            .context("listing what changed since the base")?
            .stdout;
        let mut set = ChangeSet {
            base: base.clone(),
            ..ChangeSet::default()
        };
        let mut fields = listing.split(|b| *b == 0).filter(|f| !f.is_empty());
        while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
            let path = String::from_utf8_lossy(path).into_owned();
            let read_at_base = match status.first() {
                Some(b'D') => Some(&mut set.deleted),
                Some(b'M') => Some(&mut set.modified),
                _ => None,
            };
            if let Some(at_base) = read_at_base.filter(|_| keep_base(&path)) {
                let old = self
                    .run(&["cat-file", "blob", &format!("{base}:{path}")], None)
                    .with_context(|| format!("reading {path} at the base {base}"))?
                    .stdout;
                at_base.insert(path.clone(), old);
            }
            set.touched.insert(path);
        }
        let untracked = self
            .run(
                &[
                    "ls-files",
                    "-z",
                    "--others",
                    "--exclude-standard",
                    "--full-name",
                    ":/",
                ],
                None,
            )
            .context("listing untracked files")?
            .stdout;
        set.touched.extend(
            untracked
                .split(|b| *b == 0)
                .filter(|f| !f.is_empty())
                .map(|f| String::from_utf8_lossy(f).into_owned()),
        );
        Ok(BaseDiff::Known(set))
    }

    /// The merge base of HEAD and what `spec` names, fetching a pull request's base branch
    /// (and, in a shallow checkout, the history down to it); `Err` says why it is unknown.
    fn merge_base(&self, spec: &BaseSpec) -> Result<Result<String, String>> {
        let other = match spec {
            // A ref the user typed that names nothing is their mistake, not a base to do
            // without: checking everything as if nothing were deleted would pass a change
            // whose deletions break the fabric (`--changed-since mian`).
            BaseSpec::Ref(reference) => {
                if !self.has_commit(reference) {
                    bail!(
                        "--changed-since {reference}: no commit, branch or tag of this repository is named `{reference}` (see `git branch -a`)"
                    );
                }
                reference.clone()
            }
            BaseSpec::PullRequest { branch } => {
                let remote = self.remote();
                let tracking = format!("refs/remotes/{remote}/{branch}");
                if let Err(e) = self.run(
                    &[
                        "fetch",
                        "--quiet",
                        "--no-tags",
                        &remote,
                        &format!("+refs/heads/{branch}:{tracking}"),
                    ],
                    None,
                ) {
                    return Ok(Err(format!(
                        "the base branch {branch} cannot be fetched: {e:#}"
                    )));
                }
                tracking
            }
            BaseSpec::MergeGroup { base_sha } => {
                if !self.has_commit(base_sha) {
                    let remote = self.remote();
                    if let Err(e) = self.run(
                        &["fetch", "--quiet", "--no-tags", &remote, base_sha.as_str()],
                        None,
                    ) {
                        return Ok(Err(format!(
                            "the merge group's base {base_sha} cannot be fetched: {e:#}"
                        )));
                    }
                }
                base_sha.clone()
            }
            BaseSpec::Upstream(upstream) => upstream.clone(),
            BaseSpec::Unknown(why) => return Ok(Err(why.clone())),
        };
        if let Ok(base) = self.run_text(&["merge-base", &other, "HEAD"]) {
            return Ok(Ok(base));
        }
        let shallow = self.run_text(&["rev-parse", "--is-shallow-repository"])? == "true";
        if shallow {
            let remote = self.remote();
            self.run(
                &["fetch", "--quiet", "--no-tags", "--unshallow", &remote],
                None,
            )
            .context("fetching the history down to the merge base (the checkout is shallow)")?;
            if let Ok(base) = self.run_text(&["merge-base", &other, "HEAD"]) {
                return Ok(Ok(base));
            }
        }
        Ok(Err(format!("HEAD and {other} have no common commit")))
    }

    /// The current branch's upstream, when HEAD holds commits it lacks (see
    /// [`BaseSpec::Upstream`]); `None` without an upstream or with nothing unpushed.
    pub fn unpushed_upstream(&self) -> Option<String> {
        let upstream = self
            .run_text(&[
                "rev-parse",
                "--abbrev-ref",
                "--symbolic-full-name",
                "@{upstream}",
            ])
            .ok()?;
        let ahead = self
            .run_text(&["rev-list", "--count", "@{upstream}..HEAD"])
            .ok()?;
        (ahead != "0").then_some(upstream)
    }

    /// Whether `reference` names a commit this repository holds.
    fn has_commit(&self, reference: &str) -> bool {
        self.run(
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{reference}^{{commit}}"),
            ],
            None,
        )
        .is_ok()
    }
}
