//! The `hh-gitops` command: everything lives in the library; this only hands over the exit code.

/// mimalloc on every target: musl's allocator serialises threads, and glibc's left the glibc
/// build 1.3-1.5x slower than the static one (see the benchmark in bench/run.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// musl's `memcpy` was a fifth of the static binary's time: see the module.
#[cfg(all(target_arch = "x86_64", any(test, target_env = "musl")))]
mod memcpy;

fn main() -> std::process::ExitCode {
    hh_gitops::cli::main()
}
