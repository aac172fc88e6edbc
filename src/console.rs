//! The process's stdout and stderr, written straight to their file descriptors so that no
//! line is lost on a GitHub runner.
//!
//! A runner may hand the process pipes in non-blocking mode (the flag belongs to the pipe,
//! so anything else in the job can set it): when the log reader falls behind and the pipe
//! fills up, a write fails with `EAGAIN`, which Rust's `print!` turns into "failed printing
//! to stdout" and a lost report. Here a write that meets a full pipe waits until the
//! descriptor is writable again (`poll(2)`) and carries on where it stopped, so every byte
//! arrives in order. Other errors (a closed pipe, a full disk) go back to the caller, which
//! decides what they mean for the run (`cli::emit`). Every line hh-gitops prints once its
//! arguments are parsed goes through here, the backend's notices of a wait included
//! (clap's help and usage errors come before, through std).

use std::io::{Error, ErrorKind, Result};
use std::sync::{Mutex, PoisonError};

/// One of the process's two output streams.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    /// File descriptor 1.
    Stdout,
    /// File descriptor 2.
    Stderr,
}

/// Keeps each call's bytes together: two writers never interleave inside one message.
static WRITING: Mutex<()> = Mutex::new(());

/// Writes all of `bytes` to `stream`, waiting out a full non-blocking pipe. A descriptor
/// the process was started without (`EBADF`) takes everything, as Rust's own stdout does.
pub fn write(stream: Stream, bytes: &[u8]) -> Result<()> {
    let _writing = WRITING.lock().unwrap_or_else(PoisonError::into_inner);
    let fd = match stream {
        Stream::Stdout => libc::STDOUT_FILENO,
        Stream::Stderr => libc::STDERR_FILENO,
    };
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: `rest` is a live slice; write(2) reads at most `rest.len()` bytes of it.
        let written = unsafe { libc::write(fd, rest.as_ptr().cast(), rest.len()) };
        if let Ok(written) = usize::try_from(written) {
            if written == 0 {
                return Err(Error::from(ErrorKind::WriteZero));
            }
            rest = &rest[written..];
            continue;
        }
        let error = Error::last_os_error();
        match error.kind() {
            ErrorKind::Interrupted => {}
            ErrorKind::WouldBlock => wait_writable(fd)?,
            _ if error.raw_os_error() == Some(libc::EBADF) => return Ok(()),
            _ => return Err(error),
        }
    }
    Ok(())
}

/// Blocks until `fd` can take more bytes. A descriptor in error or hung up also ends the
/// wait: the next write reports why.
fn wait_writable(fd: libc::c_int) -> Result<()> {
    let mut wanted = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    loop {
        // SAFETY: one valid `pollfd`, as the count says; no timeout.
        if unsafe { libc::poll(&mut wanted, 1, -1) } >= 0 {
            return Ok(());
        }
        let error = Error::last_os_error();
        if error.kind() != ErrorKind::Interrupted {
            return Err(error);
        }
    }
}
