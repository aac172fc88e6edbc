//! How long a sync waits before trying again or for a lock. Resolved once with the
//! configuration (`SyncConfig::waits`): a real run waits the production values below, and
//! the tests shorten them with hidden flags, so that no test sleeps a production delay to
//! prove a retry.

use std::time::Duration;

/// Every wait of a sync; [`Waits::default`] is what a real run waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waits {
    /// The first wait before planning again after the branch moved, and before fetching
    /// again a commit just made; doubled for each further try.
    pub retry: Duration,
    /// The first wait after a transient GitHub fault (a wait GitHub asks for is honoured
    /// when longer); doubled for each further try.
    pub github_backoff: Duration,
    /// How long the repository lock is waited for while another run commits.
    pub repo_lock: Duration,
    /// How long the index update waits for a `.git/index.lock` held by another git process.
    pub index_lock: Duration,
}

impl Default for Waits {
    fn default() -> Self {
        Waits {
            retry: Duration::from_secs(1),
            github_backoff: Duration::from_millis(500),
            repo_lock: Duration::from_secs(60),
            index_lock: Duration::from_secs(5),
        }
    }
}
