//! Test helpers: the real binary, real git repositories in temp folders (a bare `origin`
//! and a clone), with git isolated from the machine's configuration.

pub mod fake_github;
pub mod hhoracle;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The hidden flags that make a sync's waits before trying again short
/// (`hh_gitops::backend::waits::Waits`): the tests prove every retry without sleeping the
/// delays of a real run.
pub const SHORT_WAITS: [&str; 2] = ["--retry-wait-ms=1", "--github-backoff-ms=1"];

/// The README, as the tests that keep it honest read it.
pub fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md")
}

/// The body of the README's fenced block that follows `<!-- marker -->`.
pub fn readme_block_after(marker: &str) -> String {
    let text = readme();
    let start = text.find(marker).expect("marker in README");
    let rest = &text[start..];
    let body = &rest[rest.find("```").expect("a fenced block after the marker")..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").expect("the block ends")].to_owned()
}

/// The part of the README under the heading `heading` (`## Try it / develop`), up to the
/// next heading of the same level.
pub fn readme_section(heading: &str) -> String {
    let text = readme();
    let level = &heading[..=heading.find(' ').expect("a heading")];
    let start = text
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("the README has `{heading}`"));
    let rest = &text[start + heading.len() + 2..];
    let end = rest.find(&format!("\n{level}")).unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// The folder of checked-in fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A command running the hh-gitops binary with no GitHub Actions variables, and none of
/// hh-gitops's own (`HH_GITOPS_REFERENCES`...), in sight.
pub fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hh-gitops"));
    for (key, _) in std::env::vars() {
        if ["GITHUB_", "INPUT_", "RUNNER_", "HH_GITOPS_"]
            .iter()
            .any(|prefix| key.starts_with(prefix))
        {
            command.env_remove(key);
        }
    }
    command
}

/// Runs a command and returns its output, whatever its exit status.
pub fn output(command: &mut Command) -> Output {
    command.output().expect("command runs")
}

/// stdout of an output, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr of an output, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Copies a folder recursively (files, folders; links are recreated as links).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A bare `origin` and a clone of it, in a temp folder, with git configuration isolated
/// (no global or system config; identity given per command where the test needs one).
pub struct Repo {
    pub tmp: tempfile::TempDir,
    pub origin: PathBuf,
    pub work: PathBuf,
    home: PathBuf,
}

impl Repo {
    /// An origin holding one commit of `fixture` (a folder under tests/fixtures, or none),
    /// and a clone of it in `work`.
    pub fn new(fixture: Option<&str>) -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let origin = tmp.path().join("origin.git");
        let seed = tmp.path().join("seed");
        let work = tmp.path().join("work");
        let repo = Repo {
            tmp,
            origin: origin.clone(),
            work: work.clone(),
            home,
        };
        repo.git_in(
            repo.tmp.path(),
            &[
                "init",
                "-q",
                "--bare",
                "-b",
                "main",
                origin.to_str().unwrap(),
            ],
        );
        std::fs::create_dir_all(&seed).unwrap();
        repo.git_in(&seed, &["init", "-q", "-b", "main"]);
        match fixture {
            Some(name) => copy_dir(&fixtures().join(name), &seed),
            None => std::fs::write(seed.join("README.md"), "seed\n").unwrap(),
        }
        repo.git_in(&seed, &["add", "-A"]);
        repo.git_in(
            &seed,
            &[
                "-c",
                "user.name=Seed",
                "-c",
                "user.email=seed@example.com",
                "commit",
                "-q",
                "-m",
                "seed",
            ],
        );
        repo.git_in(&seed, &["push", "-q", origin.to_str().unwrap(), "main"]);
        repo.git_in(
            repo.tmp.path(),
            &[
                "clone",
                "-q",
                origin.to_str().unwrap(),
                work.to_str().unwrap(),
            ],
        );
        repo
    }

    /// Applies the isolated git environment to a command.
    pub fn isolate<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_AUTHOR_NAME")
            .env_remove("GIT_AUTHOR_EMAIL")
            .env_remove("GIT_COMMITTER_NAME")
            .env_remove("GIT_COMMITTER_EMAIL")
            .env_remove("EMAIL")
    }

    /// Runs git in `dir`, asserting success; returns stdout.
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = output(self.isolate(Command::new("git").args(args).current_dir(dir)));
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            stderr(&out)
        );
        stdout(&out)
    }

    /// Runs git in the clone.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.work, args)
    }

    /// Commits everything in the clone as a test user.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&[
            "-c",
            "user.name=Tester",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            message,
        ]);
    }

    /// Runs `hh-gitops sync --repo <clone>` with extra arguments.
    pub fn sync(&self, args: &[&str]) -> Output {
        let mut command = bin();
        command
            .arg("sync")
            .arg("--repo")
            .arg(&self.work)
            .args(SHORT_WAITS)
            .args(args);
        output(self.isolate(&mut command))
    }

    /// The number of commits on HEAD.
    pub fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .unwrap()
    }

    /// Writes a file in the clone (creating folders).
    pub fn write(&self, rel: &str, content: &[u8]) {
        let path = self.work.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Reads a file of the clone.
    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.work.join(rel)).unwrap()
    }

    /// Files (not folders) under a folder of the clone, relative to it, sorted.
    pub fn files_under(&self, rel: &str) -> Vec<String> {
        files_in(&self.work.join(rel))
    }
}

/// Files (not folders) under `dir`, relative to it, as lossy text, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    collect(dir, "", &mut found);
    found.sort();
    found
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in listing {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            collect(&entry.path(), &format!("{name}/"), out);
        } else {
            out.push(name);
        }
    }
}

/// A valid VPC document named `name`.
pub fn vpc(name: &str, vlan: u32) -> String {
    format!(
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: {name}\nspec:\n  subnets:\n    default:\n      subnet: 10.0.{}.0/24\n      vlan: {vlan}\n",
        vlan % 250
    )
}

/// The `index`-th of many VPCs that fit together in one fabric: each its own /24 and, per
/// VLANNamespace of 2,000 (`default`, then `ns-1`, `ns-2`, ...), its own VLAN.
pub fn unique_vpc(name: &str, index: u32) -> String {
    let namespace = match index / 2000 {
        0 => String::new(),
        n => format!("  vlanNamespace: ns-{n}\n"),
    };
    format!(
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: {name}\nspec:\n{namespace}  subnets:\n    default:\n      subnet: 10.{}.{}.0/24\n      vlan: {}\n",
        index / 256 % 256,
        index % 256,
        1000 + index % 2000
    )
}

/// `text` with every commit id (40 hex digits) replaced by `<sha>`: commits made now
/// differ from run to run.
pub fn without_shas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        if run.len() == 40 {
            out.push_str("<sha>");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// A small consistent fabric in `managed/` terms (path under managed/, text): the default
/// namespaces, a switch, a server and their connection: what the fabric-state tests attach
/// VPCs to.
pub const WIRED_FABRIC: [(&str, &str); 5] = [
    (
        "ipv4namespaces/default.yaml",
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets:\n  - 10.0.0.0/16\n",
    ),
    (
        "vlannamespaces/default.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges:\n  - from: 1000\n    to: 2999\n",
    ),
    (
        "switches/leaf-01.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: leaf-01\nspec:\n  role: server-leaf\n  profile: vs\n  asn: 65101\n  ip: 172.30.0.8/21\n  protocolIP: 172.30.8.2/32\n  vtepIP: 172.30.12.0/32\n",
    ),
    (
        "servers/server-01.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: server-01\nspec: {}\n",
    ),
    (
        "connections/server-01--unbundled--leaf-01.yaml",
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata:\n  name: server-01--unbundled--leaf-01\nspec:\n  unbundled:\n    link:\n      server:\n        port: server-01/enp2s1\n      switch:\n        port: leaf-01/E1/1\n",
    ),
];

/// A VPC `name` with one subnet `default` of `subnet` on `vlan`.
pub fn vpc_on(name: &str, subnet: &str, vlan: u32) -> String {
    format!(
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: {name}\nspec:\n  subnets:\n    default:\n      subnet: {subnet}\n      vlan: {vlan}\n"
    )
}

/// An attachment of the VPC `vpc`'s subnet `default` to [`WIRED_FABRIC`]'s connection.
pub fn attachment(vpc: &str) -> String {
    format!(
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: {vpc}--server-01\nspec:\n  subnet: {vpc}/default\n  connection: server-01--unbundled--leaf-01\n"
    )
}

/// Asserts an exit code, showing stdout and stderr when it differs.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// Asserts that `actual` is exactly the checked-in file `tests/cmd/<name>`, showing both
/// when they differ. With `HH_GITOPS_BLESS=1` the file is (re)written from `actual` instead,
/// for a reviewed change of the expected output.
#[track_caller]
pub fn assert_expected(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cmd")
        .join(name);
    if std::env::var_os("HH_GITOPS_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (HH_GITOPS_BLESS=1 writes it)", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()))
            + 1;
        panic!(
            "{} differs from the actual output, first at line {line}\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}

/// Runs a command to its end, but kills it and fails the test after `seconds`: for
/// commands that must not hang.
pub fn output_within(command: &mut Command, seconds: u64) -> Output {
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("command runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while child
        .try_wait()
        .expect("command can be waited for")
        .is_none()
    {
        if std::time::Instant::now() > deadline {
            child.kill().expect("a hanging command can be killed");
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after {seconds} s\nstdout:\n{}\nstderr:\n{}",
                stdout(&out),
                stderr(&out)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("command output")
}
