//! The `hh-gitops` command: everything lives in the library; this only hands over the exit
//! code, and holds the allocator and the static musl build's `memcpy` and `memcmp`.
//!
//! `no_builtins`: the optimiser must not turn the loops and comparisons of those functions
//! into calls to `memcpy` or `memcmp`, that is, into calls to themselves (without it, fat
//! LTO of `memcmp` crashed rustc 1.95's LLVM).
#![no_builtins]

/// mimalloc on every target: musl's allocator serialises threads, and glibc's left the glibc
/// build 1.3-1.5x slower than the static one (see the benchmark in bench/run.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// musl's `memcpy` was a fifth of the static binary's time: see the module.
#[cfg(all(target_arch = "x86_64", any(test, target_env = "musl")))]
mod memcpy;

/// musl's `memcmp` was a third of the instructions of a large fabric's check: see the module.
#[cfg(all(target_arch = "x86_64", any(test, target_env = "musl")))]
mod memcmp;

fn main() -> std::process::ExitCode {
    hh_gitops::cli::main()
}
