//! The one runner of `hhoracle`, Hedgehog's own `Default()` and `Validate()` behind a JSON
//! interface (`../shared/oracle`), for the oracle and the release tests.

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Runs the hhoracle at `binary` on `input` (the subjects, the cluster, the config) and
/// returns its answers, one JSON object per subject; fails the test if it cannot run or
/// exits with an error.
pub fn run(binary: &str, input: &Value) -> Vec<Value> {
    let mut child = Command::new(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {binary}: {e}"));
    child
        .stdin
        .take()
        .expect("hhoracle's stdin is piped")
        .write_all(input.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("cannot write to {binary}: {e}"));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{binary} did not finish: {e}"));
    assert!(
        out.status.success(),
        "hhoracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("hhoracle writes UTF-8")
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("hhoracle wrote `{line}`, not JSON: {e}"))
        })
        .collect()
}
