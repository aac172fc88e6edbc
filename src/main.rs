//! The `hh-gitops` command: everything lives in the library; this only hands over the exit code.

/// musl's allocator serialises threads; mimalloc keeps the static binary as fast as the
/// glibc one (see the benchmark in bench/run.sh).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// musl's `memcpy` was a fifth of the static binary's time: see the module.
#[cfg(all(target_arch = "x86_64", any(test, target_env = "musl")))]
mod memcpy;

fn main() -> std::process::ExitCode {
    hh_gitops::cli::main()
}
