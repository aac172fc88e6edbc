//! Running the action's script (`action/run.sh`) the way its composite step does, without
//! a runner: the inputs as `INPUT_*` variables (defaults read from action.yml itself), the
//! Actions environment around it, the real binary committing through the fake GitHub. And
//! an HTTPS release server on 127.0.0.1 for the download path.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::fake_github::FakeGithub;
use crate::common::{Repo, bin, output, stderr, stdout};

pub const TOKEN: &str = "ghs_action_token";

/// The repository root, where action.yml and action/run.sh live.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The names under `section:` (`inputs:`, `outputs:`) of action.yml.
pub fn action_names(section: &str) -> Vec<String> {
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    action
        .lines()
        .skip_while(|line| *line != section)
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .filter_map(|line| line.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|name| !name.starts_with(' '))
        .map(str::to_owned)
        .collect()
}

/// The default of every input, as action.yml declares it.
pub fn input_defaults() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let inputs = &text[text.find("\ninputs:\n").unwrap()..text.find("\noutputs:\n").unwrap()];
    let mut defaults = BTreeMap::new();
    let mut current = String::new();
    for line in inputs.lines() {
        if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':')) {
            if !name.starts_with(' ') {
                current = name.to_owned();
            }
        } else if let Some(value) = line.strip_prefix("    default: ") {
            let value = value.trim_matches('"');
            let value = if value == "${{ github.token }}" {
                TOKEN
            } else {
                value
            };
            defaults.insert(current.clone(), value.to_owned());
        }
    }
    defaults
}

/// A consumer repository (gitops-test-1) with its origin, the fake GitHub serving it, and
/// the runner's temp folder shared by every step of the "job".
pub struct Job {
    pub repo: Repo,
    pub fake: FakeGithub,
    pub runner_temp: tempfile::TempDir,
    /// The folder the action runs from (`GITHUB_ACTION_PATH`): this checkout by default.
    pub action_path: PathBuf,
    /// The workspace (`GITHUB_WORKSPACE`): the clone by default.
    pub workspace: PathBuf,
}

impl Job {
    pub fn new() -> Job {
        let repo = Repo::new(Some("gitops-test-1"));
        let fake = FakeGithub::start(&repo.origin, "example/gitops", TOKEN);
        let workspace = repo.work.clone();
        Job {
            repo,
            fake,
            runner_temp: tempfile::tempdir().unwrap(),
            action_path: root().to_path_buf(),
            workspace,
        }
    }

    /// Runs one use of the action on a push to main, with these inputs over the defaults
    /// (the `binary` input defaults to the test build) and extra environment.
    pub fn step(&self, inputs: &[(&str, &str)], env: &[(&str, &str)]) -> Step {
        let mut values = input_defaults();
        values.insert(
            "binary".into(),
            bin().get_program().to_string_lossy().into(),
        );
        for (name, value) in inputs {
            values.insert((*name).to_owned(), (*value).to_owned());
        }
        let files = tempfile::tempdir_in(self.runner_temp.path()).unwrap();
        let mut command = Command::new("bash");
        command.arg(self.action_path.join("action/run.sh"));
        for (key, _) in std::env::vars() {
            if key.starts_with("GITHUB_") || key.starts_with("INPUT_") || key.starts_with("RUNNER_")
            {
                command.env_remove(key);
            }
        }
        for (name, value) in &values {
            let key = format!("INPUT_{}", name.to_uppercase().replace('-', "_"));
            command.env(key, value);
        }
        command
            .env("GITHUB_ACTION_PATH", &self.action_path)
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("RUNNER_TEMP", self.runner_temp.path())
            .env("HH_RUNNER_OS", "Linux")
            .env("HH_RUNNER_ARCH", "X64")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_REPOSITORY", "example/gitops")
            .env("GITHUB_REF", "refs/heads/main")
            .env("GITHUB_EVENT_NAME", "push")
            .env("GITHUB_GRAPHQL_URL", &self.fake.graphql_url)
            .env("GITHUB_TOKEN", &values["token"])
            .env("GITHUB_OUTPUT", files.path().join("output"))
            .env("GITHUB_STEP_SUMMARY", files.path().join("summary.md"))
            .envs(env.iter().copied());
        let out = output(self.repo.isolate(&mut command));
        Step { out, files }
    }

    /// The head of main on origin.
    pub fn origin_head(&self) -> String {
        self.repo
            .git_in(&self.repo.origin, &["rev-parse", "main"])
            .trim()
            .to_owned()
    }
}

/// What one use of the action left: its output and its step files.
pub struct Step {
    pub out: Output,
    files: tempfile::TempDir,
}

impl Step {
    pub fn stdout(&self) -> String {
        stdout(&self.out)
    }

    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    /// The job summary the step wrote.
    pub fn summary(&self) -> String {
        std::fs::read_to_string(self.files.path().join("summary.md")).unwrap_or_default()
    }

    /// The step outputs the binary wrote, by name.
    pub fn outputs(&self) -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(self.files.path().join("output")).unwrap_or_default();
        let mut outputs = BTreeMap::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if let Some((name, delimiter)) = line.split_once("<<") {
                let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
                outputs.insert(name.to_owned(), value.join("\n"));
            } else if let Some((name, value)) = line.split_once('=') {
                outputs.insert(name.to_owned(), value.to_owned());
            }
        }
        outputs
    }

    #[track_caller]
    pub fn assert_success(&self) {
        assert!(
            self.out.status.success(),
            "the step failed:\n{}\n{}",
            stdout(&self.out),
            stderr(&self.out)
        );
    }
}

/// An HTTPS file server on 127.0.0.1 (Python's, with a self-signed certificate made by
/// openssl for this test, valid for 127.0.0.1 and for github.com, which curl can be sent
/// here with `connect-to`) standing in for GitHub's release downloads. It logs one line per
/// request. Stopped on drop.
pub struct ReleaseServer {
    child: std::process::Child,
    pub url: String,
    pub ca: PathBuf,
    pub root: PathBuf,
    log: PathBuf,
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const SERVE_HTTPS: &str = r#"
import functools, http.server, ssl, sys
root, cert, key, log = sys.argv[1:5]
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_request(self, code="-", size="-"):
        with open(log, "a") as f:
            f.write(self.path + "\n")
    def log_message(self, format, *args):
        pass
handler = functools.partial(Handler, directory=root)
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
print(httpd.server_address[1], flush=True)
httpd.serve_forever()
"#;

/// The release asset name for the runners the tests pretend to be (Linux X64).
pub const ASSET: &str = "hh-gitops-x86_64-unknown-linux-musl";

impl ReleaseServer {
    /// Starts serving an empty folder from `dir` (which also holds the certificate).
    pub fn start(dir: &Path) -> ReleaseServer {
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        let made = output(
            Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                ])
                .args([
                    "-subj",
                    "/CN=127.0.0.1",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:github.com",
                ])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert),
        );
        assert!(made.status.success(), "{}", stderr(&made));
        let root = dir.join("www");
        let log = dir.join("requests.log");
        std::fs::create_dir_all(&root).unwrap();
        let mut child = Command::new("python3")
            .args(["-c", SERVE_HTTPS])
            .arg(&root)
            .arg(&cert)
            .arg(&key)
            .arg(&log)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        ReleaseServer {
            child,
            url: format!("https://127.0.0.1:{}", line.trim()),
            ca: cert,
            root,
            log,
        }
    }

    /// Publishes `binary` as release `tag` of `repository`, with the SHA256SUMS that
    /// `sums` makes from the real one.
    pub fn publish(
        &self,
        repository: &str,
        tag: &str,
        binary: &Path,
        sums: impl FnOnce(String) -> String,
    ) {
        let assets = self
            .root
            .join(repository)
            .join("releases/download")
            .join(tag);
        std::fs::create_dir_all(&assets).unwrap();
        std::fs::copy(binary, assets.join(ASSET)).unwrap();
        let real = stdout(&output(
            Command::new("sha256sum").arg(ASSET).current_dir(&assets),
        ));
        std::fs::write(assets.join("SHA256SUMS"), sums(real)).unwrap();
    }

    /// The port the server listens on.
    pub fn port(&self) -> &str {
        self.url.rsplit(':').next().unwrap()
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}
