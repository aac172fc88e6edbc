//! Managed files committed as Git would store them (issue 18, item 7): with line-end
//! normalisation in `.gitattributes` (or `core.autocrlf`), a sync through the local git backend and one through
//! the fake GitHub both commit the blob `git add` would make, so a fresh clone shows a clean
//! `git status`, while the work tree keeps the raw file's bytes. An external `filter=`
//! driver is refused before anything is committed.

use crate::action_support::Job;
use crate::common::{Repo, assert_exit, stderr, vpc};

const F1: &str = "gitops/hedgehog/fabric-1";

/// A VPC document with CRLF line ends, as an editor on Windows (or a checkout with
/// `eol=crlf`) leaves it.
fn crlf_vpc() -> Vec<u8> {
    vpc("crlf", 1999).replace('\n', "\r\n").into_bytes()
}

/// Commits `attributes` as `.gitattributes` and pushes it, checks the fabrics out again so
/// that the work tree holds what a checkout with those attributes holds (CRLF), and adds a
/// raw file written with CRLF line ends.
fn with_attributes(repo: &Repo, attributes: &str) {
    repo.write(".gitattributes", attributes.as_bytes());
    repo.commit_all("line ends");
    std::fs::remove_dir_all(repo.work.join("gitops")).unwrap();
    repo.git(&["checkout", "--", "gitops"]);
    repo.write(&format!("{F1}/raw/crlf.yaml"), &crlf_vpc());
    repo.commit_all("a raw file with CRLF line ends");
    repo.git(&["push", "-q", "origin", "main"]);
    let raw = repo.read(&format!("{F1}/raw/test-vpc.yaml"));
    assert!(
        raw.windows(2).any(|w| w == b"\r\n"),
        "the checkout has CRLF"
    );
}

/// After a sync: the work tree is clean and keeps the raw bytes; origin holds the blob Git
/// stores for them; a fresh clone of origin is clean.
fn assert_stored_as_git_would(repo: &Repo) {
    let managed = format!("{F1}/managed/vpcs/crlf.yaml");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(
        repo.read(&managed),
        crlf_vpc(),
        "the work tree keeps the bytes"
    );
    let bytes = repo.tmp.path().join("crlf-bytes");
    std::fs::write(&bytes, crlf_vpc()).unwrap();
    let expected = repo.git(&[
        "hash-object",
        &format!("--path={managed}"),
        bytes.to_str().unwrap(),
    ]);
    let committed = repo.git_in(&repo.origin, &["rev-parse", &format!("main:{managed}")]);
    assert_eq!(committed, expected);
    let blob = repo.git_in(
        &repo.origin,
        &["cat-file", "blob", &format!("main:{managed}")],
    );
    assert_eq!(blob, vpc("crlf", 1999), "stored with LF line ends");
    let fresh = repo.tmp.path().join("fresh");
    repo.git_in(
        repo.tmp.path(),
        &[
            "clone",
            "-q",
            repo.origin.to_str().unwrap(),
            fresh.to_str().unwrap(),
        ],
    );
    assert_eq!(repo.git_in(&fresh, &["status", "--porcelain"]), "");
    assert_eq!(
        std::fs::read(fresh.join(&managed)).unwrap(),
        crlf_vpc(),
        "a checkout gives back the raw bytes"
    );
    assert!(
        repo.git_in(&fresh, &["ls-files", "gitops/hedgehog/*/managed/*.yaml"])
            .lines()
            .count()
            > 40,
        "the whole fixture moved"
    );
}

#[test]
fn a_local_commit_stores_managed_files_as_gitattributes_asks() {
    let repo = Repo::new(Some("gitops-test-1"));
    with_attributes(&repo, "*.yaml text eol=crlf\n");
    let out = repo.sync(&["--push"]);
    assert_exit(&out, 0);
    assert_stored_as_git_would(&repo);
}

#[test]
fn core_autocrlf_input_stores_managed_files_with_lf_line_ends() {
    let repo = Repo::new(Some("gitops-test-1"));
    repo.git(&["config", "core.autocrlf", "input"]);
    repo.write(&format!("{F1}/raw/crlf.yaml"), &crlf_vpc());
    repo.commit_all("a raw file with CRLF line ends");
    let out = repo.sync(&["--push"]);
    assert_exit(&out, 0);
    let managed = format!("{F1}/managed/vpcs/crlf.yaml");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(
        repo.read(&managed),
        crlf_vpc(),
        "the work tree keeps the bytes"
    );
    let blob = repo.git_in(
        &repo.origin,
        &["cat-file", "blob", &format!("main:{managed}")],
    );
    assert_eq!(blob, vpc("crlf", 1999), "stored as `git add` stores it");
}

#[test]
fn a_github_commit_stores_managed_files_as_gitattributes_asks() {
    let job = Job::new();
    with_attributes(&job.repo, "* text eol=crlf\n");
    job.step(&[], &[]).assert_success();
    assert_eq!(job.fake.commits_made(), 1);
    assert_stored_as_git_would(&job.repo);
}

#[test]
fn an_external_filter_on_a_managed_path_is_refused_before_any_commit() {
    let repo = Repo::new(None);
    repo.write(".gitattributes", b"gitops/** filter=crypt\n");
    repo.write(&format!("{F1}/raw/a.yaml"), vpc("a", 1001).as_bytes());
    repo.commit_all("a raw file under an encrypting filter");
    let head = repo.git(&["rev-parse", "HEAD"]);
    let out = repo.sync(&[]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        format!(
            "hh-gitops: error: nothing was committed: .gitattributes gives {F1}/managed/vpcs/a.yaml the external filter `filter=crypt`, which hh-gitops does not run (its managed files are committed as their bytes, normalised only by `text`, `eol` and the like): exempt the fabric folders from it with a line such as `{F1}/** -filter` in .gitattributes\n"
        )
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
    assert!(repo.work.join(format!("{F1}/raw/a.yaml")).exists());
}
