//! A stateful fake of the GitHub GraphQL API on 127.0.0.1, backed by a real bare git
//! repository: `createCommitOnBranch` builds commits with git plumbing (so `git fetch` sees
//! them), and the branch-history query reads the repository, page by page. It checks the
//! token, counts requests, answers with GitHub's error shapes (`STALE_DATA`, `FORBIDDEN`,
//! `NOT_FOUND`, 401, 502, 429 and secondary rate limits with `retry-after`, 413 over a
//! body-size limit; any status, headers and body, GraphQL errors with HTTP 200 included,
//! as a fault), and can inject faults: for the next request, for the Nth mutation, or for
//! every mutation from the Nth on. Each connection is served on its own thread, and what a
//! fault does on the repository (someone else pushing, a whole other hh-gitops run) runs
//! without holding the fake's state, so the requests it makes are served meanwhile.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde_json::{Value, json};

/// A fault to inject into a request.
pub enum Fault {
    /// Answer with this HTTP status, headers and body instead of handling the request.
    Status(u16, Vec<(&'static str, String)>, String),
    /// Handle the request (a mutation lands), then answer with this HTTP status, headers
    /// and body instead of the real answer.
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Handle the request, then close the connection without answering (a lost response).
    LoseAnswer,
    /// Handle the request, run this on the bare repository (someone else pushes), then close
    /// the connection without answering.
    LoseAnswerThen(Box<dyn FnOnce(&Path) + Send>),
    /// Close the connection without handling the request or answering (a request that
    /// timed out before GitHub finished with it).
    Drop,
    /// Run this on the bare repository first (someone else pushes), then handle normally.
    Before(Box<dyn FnOnce(&Path) + Send>),
    /// Run this on the bare repository first (another run commits), then apply the fault.
    Meanwhile(Box<dyn FnOnce(&Path) + Send>, Box<Fault>),
}

/// A failing answer given to every mutation from the Nth on.
struct FailFrom {
    from: usize,
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

struct State {
    bare: PathBuf,
    repository: String,
    token: String,
    read_only_token: String,
    requests: usize,
    mutation_requests: usize,
    mutations: usize,
    faults: VecDeque<Fault>,
    mutation_faults: BTreeMap<usize, Fault>,
    fail_from: Option<FailFrom>,
    max_body: Option<usize>,
    page_size: usize,
    refused_too_large: usize,
}

/// The running fake.
pub struct FakeGithub {
    /// The GraphQL endpoint URL.
    pub graphql_url: String,
    state: Arc<Mutex<State>>,
}

impl FakeGithub {
    /// Serves `repository` (`owner/name`) from the bare repository `bare`, accepting `token`
    /// for writes and `read-only-token` for reads only.
    pub fn start(bare: &Path, repository: &str, token: &str) -> FakeGithub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            bare: bare.to_path_buf(),
            repository: repository.to_owned(),
            token: token.to_owned(),
            read_only_token: "read-only-token".to_owned(),
            requests: 0,
            mutation_requests: 0,
            mutations: 0,
            faults: VecDeque::new(),
            mutation_faults: BTreeMap::new(),
            fail_from: None,
            max_body: None,
            page_size: 100,
            refused_too_large: 0,
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        FakeGithub {
            graphql_url: format!("http://127.0.0.1:{port}/graphql"),
            state,
        }
    }

    /// Queues a fault for the next request.
    pub fn inject(&self, fault: Fault) {
        self.state.lock().unwrap().faults.push_back(fault);
    }

    /// Sets a fault for the `n`th mutation request (counting from 1), whatever comes
    /// between.
    pub fn inject_on_mutation(&self, n: usize, fault: Fault) {
        self.state.lock().unwrap().mutation_faults.insert(n, fault);
    }

    /// Answers every mutation request from the `n`th on (counting from 1) with this HTTP
    /// status, headers and body, handling none of them.
    pub fn fail_mutations_from(
        &self,
        n: usize,
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: &str,
    ) {
        self.state.lock().unwrap().fail_from = Some(FailFrom {
            from: n,
            status,
            headers,
            body: body.to_owned(),
        });
    }

    /// Drops every fault still waiting, so that requests are handled normally again.
    pub fn heal(&self) {
        let mut state = self.state.lock().unwrap();
        state.faults.clear();
        state.mutation_faults.clear();
        state.fail_from = None;
    }

    /// Gives at most `commits` commits per page of branch history, whatever was asked.
    pub fn page_size(&self, commits: usize) {
        self.state.lock().unwrap().page_size = commits;
    }

    /// Mutation requests received so far, whatever became of them.
    pub fn mutation_requests(&self) -> usize {
        self.state.lock().unwrap().mutation_requests
    }

    /// HTTP requests received so far.
    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().requests
    }

    /// Refuses request bodies over `bytes` with 413, as GitHub refuses a commit too large
    /// for `createCommitOnBranch`.
    pub fn limit_body(&self, bytes: usize) {
        self.state.lock().unwrap().max_body = Some(bytes);
    }

    /// Requests refused with 413 so far.
    pub fn refused_too_large(&self) -> usize {
        self.state.lock().unwrap().refused_too_large
    }

    /// Mutations that created a commit.
    pub fn commits_made(&self) -> usize {
        self.state.lock().unwrap().mutations
    }
}

fn respond(stream: &mut TcpStream, status: u16, headers: &[(&str, String)], body: &str) {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        502 => "Bad Gateway",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

fn serve(mut stream: TcpStream, state: &Arc<Mutex<State>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return;
    }
    let mut length = 0;
    let mut authorization = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = value.trim().to_owned(),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let shared = state;
    let mut state = shared.lock().unwrap();
    state.requests += 1;
    let token = authorization
        .strip_prefix("Bearer ")
        .or_else(|| authorization.strip_prefix("token "))
        .unwrap_or_default()
        .to_owned();
    if state.max_body.is_some_and(|max| body.len() > max) {
        state.refused_too_large += 1;
        respond(
            &mut stream,
            413,
            &[],
            r#"{"message":"Request body too large","documentation_url":"https://docs.github.com/graphql"}"#,
        );
        return;
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let query = request["query"].as_str().unwrap_or_default().to_owned();
    let mutation = query.contains("createCommitOnBranch");
    let mut fault = None;
    if mutation {
        state.mutation_requests += 1;
        let n = state.mutation_requests;
        fault = state.mutation_faults.remove(&n).or_else(|| {
            state
                .fail_from
                .as_ref()
                .filter(|fail| n >= fail.from)
                .map(|fail| Fault::Status(fail.status, fail.headers.clone(), fail.body.clone()))
        });
    }
    let mut fault = fault.or_else(|| state.faults.pop_front());
    let bare = state.bare.clone();
    // What a fault does on the repository runs without the state, so that the requests it
    // makes (another run) are served meanwhile.
    loop {
        match fault {
            Some(Fault::Before(action)) => {
                drop(state);
                action(&bare);
                state = shared.lock().unwrap();
                fault = None;
            }
            Some(Fault::Meanwhile(action, then)) => {
                drop(state);
                action(&bare);
                state = shared.lock().unwrap();
                fault = Some(*then);
                continue;
            }
            _ => {}
        }
        break;
    }
    match fault {
        Some(Fault::Status(status, headers, body)) => {
            respond(&mut stream, status, &headers, &body);
            return;
        }
        Some(Fault::Drop) => {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
        _ => {}
    }
    // github.com serves /graphql; GitHub Enterprise Server serves /api/graphql.
    if !request_line.starts_with("POST /graphql ")
        && !request_line.starts_with("POST /api/graphql ")
    {
        respond(
            &mut stream,
            404,
            &[],
            r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}"#,
        );
        return;
    }
    if token != state.token && token != state.read_only_token {
        respond(
            &mut stream,
            401,
            &[],
            r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql","status":"401"}"#,
        );
        return;
    }
    let answer = if mutation {
        if token == state.read_only_token {
            graphql_error("FORBIDDEN", "Resource not accessible by integration")
        } else {
            let answer = create_commit(&state, &request["variables"]["input"]);
            if answer
                .pointer("/data/createCommitOnBranch/commit/oid")
                .is_some()
            {
                state.mutations += 1;
            }
            answer
        }
    } else if query.contains("history(") {
        history_query(&state, &request["variables"])
    } else {
        graphql_error("INVALID", "unknown query")
    };
    match fault {
        // The request was handled; the answer never arrives.
        Some(Fault::LoseAnswer) => {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Some(Fault::LoseAnswerThen(action)) => {
            drop(state);
            action(&bare);
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Some(Fault::Answer(status, headers, body)) => respond(&mut stream, status, &headers, &body),
        _ => respond(&mut stream, 200, &[], &answer.to_string()),
    }
}

fn graphql_error(kind: &str, message: &str) -> Value {
    json!({"data": null, "errors": [{"type": kind, "path": ["createCommitOnBranch"], "locations": [{"line": 1, "column": 48}], "message": message}]})
}

fn git(
    bare: &Path,
    args: &[&str],
    index: Option<&Path>,
    stdin: Option<&[u8]>,
) -> Result<String, String> {
    let mut command = Command::new("git");
    command.arg("--git-dir").arg(bare).args(args);
    command
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    command
        .env("GIT_AUTHOR_NAME", "hh-gitops-bot")
        .env("GIT_AUTHOR_EMAIL", "bot@example.com")
        .env("GIT_COMMITTER_NAME", "GitHub")
        .env("GIT_COMMITTER_EMAIL", "noreply@github.com");
    if let Some(index) = index {
        command.env("GIT_INDEX_FILE", index);
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

fn create_commit(state: &State, input: &Value) -> Value {
    let bare = &state.bare;
    let repo = input["branch"]["repositoryNameWithOwner"]
        .as_str()
        .unwrap_or_default();
    if repo != state.repository {
        return graphql_error(
            "NOT_FOUND",
            &format!("Could not resolve to a Repository with the name '{repo}'."),
        );
    }
    let branch = input["branch"]["branchName"].as_str().unwrap_or_default();
    let Ok(head) = git(
        bare,
        &["rev-parse", "--verify", &format!("refs/heads/{branch}")],
        None,
        None,
    ) else {
        return graphql_error(
            "NOT_FOUND",
            &format!("Could not resolve to a Ref with the name 'refs/heads/{branch}'."),
        );
    };
    let expected = input["expectedHeadOid"].as_str().unwrap_or_default();
    if expected != head {
        return graphql_error(
            "STALE_DATA",
            &format!(
                "Expected branch to point to \"{expected}\" but it did not.  Pull and try again."
            ),
        );
    }
    let scratch = tempfile::tempdir().unwrap();
    let index = scratch.path().join("index");
    git(bare, &["read-tree", &head], Some(&index), None).unwrap();
    let mut info = String::new();
    for deletion in input["fileChanges"]["deletions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let path = deletion["path"].as_str().unwrap_or_default();
        if git(
            bare,
            &["cat-file", "-e", &format!("{head}:{path}")],
            None,
            None,
        )
        .is_err()
        {
            return json!({"data": null, "errors": [{"message": format!("A path was requested for deletion which does not exist as of commit oid `{head}`")}]});
        }
        info.push_str(&format!(
            "0 0000000000000000000000000000000000000000\t{path}\n"
        ));
    }
    let additions = input["fileChanges"]["additions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut blob_paths = String::new();
    for (i, addition) in additions.iter().enumerate() {
        let content = base64::engine::general_purpose::STANDARD
            .decode(addition["contents"].as_str().unwrap_or_default())
            .unwrap();
        let file = scratch.path().join(format!("blob{i}"));
        std::fs::write(&file, content).unwrap();
        blob_paths.push_str(&format!("{}\n", file.display()));
    }
    if !additions.is_empty() {
        let shas = git(
            bare,
            &["hash-object", "-w", "--stdin-paths"],
            None,
            Some(blob_paths.as_bytes()),
        )
        .unwrap();
        for (sha, addition) in shas.lines().zip(&additions) {
            info.push_str(&format!(
                "100644 {sha}\t{}\n",
                addition["path"].as_str().unwrap_or_default()
            ));
        }
    }
    git(
        bare,
        &["update-index", "--index-info"],
        Some(&index),
        Some(info.as_bytes()),
    )
    .unwrap();
    let tree = git(bare, &["write-tree"], Some(&index), None).unwrap();
    let headline = input["message"]["headline"].as_str().unwrap_or_default();
    let body = input["message"]["body"].as_str().unwrap_or_default();
    let message = if body.is_empty() {
        headline.to_owned()
    } else {
        format!("{headline}\n\n{body}")
    };
    let commit = git(
        bare,
        &["commit-tree", &tree, "-p", &head, "-F", "-"],
        None,
        Some(message.as_bytes()),
    )
    .unwrap();
    git(
        bare,
        &[
            "update-ref",
            &format!("refs/heads/{branch}"),
            &commit,
            &head,
        ],
        None,
        None,
    )
    .unwrap();
    json!({"data": {"createCommitOnBranch": {"commit": {"oid": commit, "url": format!("https://github.com/{repo}/commit/{commit}")}}}})
}

fn history_query(state: &State, variables: &Value) -> Value {
    let owner_name = format!(
        "{}/{}",
        variables["owner"].as_str().unwrap_or_default(),
        variables["name"].as_str().unwrap_or_default()
    );
    if owner_name != state.repository {
        return json!({"data": {"repository": null}, "errors": [{"type": "NOT_FOUND", "message": format!("Could not resolve to a Repository with the name '{owner_name}'.")}]});
    }
    let git_ref = variables["ref"].as_str().unwrap_or_default();
    let first = (variables["first"].as_u64().unwrap_or(100) as usize).min(state.page_size);
    let skip: usize = variables["after"]
        .as_str()
        .and_then(|cursor| cursor.parse().ok())
        .unwrap_or(0);
    let listing = git(
        &state.bare,
        &[
            "log",
            "-z",
            "--format=%H%n%B",
            &format!("--skip={skip}"),
            &format!("--max-count={}", first + 1),
            git_ref,
            "--",
        ],
        None,
        None,
    );
    let Ok(listing) = listing else {
        return json!({"data": {"repository": {"ref": null}}});
    };
    let commits: Vec<Value> = listing
        .split('\0')
        .filter(|record| !record.is_empty())
        .map(|record| {
            let (oid, message) = record.split_once('\n').unwrap_or((record, ""));
            json!({"oid": oid, "message": message.trim_end()})
        })
        .collect();
    let more = commits.len() > first;
    let nodes: Vec<Value> = commits.into_iter().take(first).collect();
    json!({"data": {"repository": {"ref": {"target": {"history": {
        "pageInfo": {"hasNextPage": more, "endCursor": (skip + nodes.len()).to_string()},
        "nodes": nodes,
    }}}}}})
}
