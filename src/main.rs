//! The `hh-gitops` command: everything lives in the library; this only hands over the exit code.

/// musl's allocator serialises threads; mimalloc keeps the static binary as fast as the
/// glibc one (see the benchmark in bench/run.sh).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    hh_gitops::cli::main()
}
