//! Everything hh-gitops reads from or writes for GitHub Actions lives here, so the rest of
//! the code never looks at `GITHUB_*` variables.

use std::path::PathBuf;

/// The job summary file GitHub Actions provides (`$GITHUB_STEP_SUMMARY`), if any.
pub fn step_summary_path() -> Option<PathBuf> {
    std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
