//! A `memcpy` for the static musl build on x86_64.
//!
//! Rust moves every value larger than a few registers with a call to `memcpy`, and the
//! YAML parser moves its tokens and events by value many times per scalar. musl's x86_64
//! `memcpy` starts a `rep movsq` for every copy of 8 bytes or more and copies the unaligned
//! head and the tail one `movsb` at a time; on the benchmark corpus it took a fifth of the
//! static binary's time, against a twentieth for glibc's `memcpy` in the glibc build. This
//! one copies up to 256 bytes with a few overlapping unaligned loads and stores, without a
//! loop, and leaves longer copies to `rep movsb`, which CPUs with ERMS (enhanced `rep movsb`)
//! run at full speed and every x86_64 CPU runs correctly.
//!
//! Straight-line code only: a copying loop here could be turned back into a call to
//! `memcpy` by the optimiser, that is, into a call to itself.

use core::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_storeu_si128};

/// The C `memcpy` of the static musl build: linked before musl's `libc.a`, it is the one
/// every caller (Rust code, musl itself, mimalloc) uses.
///
/// # Safety
/// As C's `memcpy`: `src` readable and `dest` writable for `n` bytes, the two not
/// overlapping.
#[cfg(target_env = "musl")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract is `copy`'s.
    unsafe { copy(dest, src, n) };
    dest
}

/// musl's `memmove` copies with `__memcpy_fwd` when the destination lies before the
/// source; musl defines it in the same object as its `memcpy`, which would come back with
/// it (and clash with the one above) unless it is defined here too. `copy` is correct for
/// that overlap: up to 256 bytes it loads everything before it stores, and `rep movsb`
/// moves bytes in order, from the first.
///
/// # Safety
/// As C's `memmove`, with `dest` at or before `src`.
#[cfg(target_env = "musl")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __memcpy_fwd(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract is `copy`'s but for the overlap, which `copy` allows
    // in this direction (see above).
    unsafe { copy(dest, src, n) };
    dest
}

/// Copies `$n` bytes (`16 * B < $n <= 32 * B` for `B` indexes `0..B`) as `B` 16-byte blocks
/// from the start and `B` from the end, which overlap in the middle: all loads, then all
/// stores. Written out rather than looped (see the module documentation).
macro_rules! copy_ends {
    ($dest:ident, $src:ident, $n:ident, $blocks:literal: $($i:literal)+) => {{
        let head = [$(_mm_loadu_si128($src.add(16 * $i).cast::<__m128i>())),+];
        let tail = [$(_mm_loadu_si128($src.add($n - 16 * ($blocks - $i)).cast::<__m128i>())),+];
        $(
            _mm_storeu_si128($dest.add(16 * $i).cast::<__m128i>(), head[$i]);
            _mm_storeu_si128($dest.add($n - 16 * ($blocks - $i)).cast::<__m128i>(), tail[$i]);
        )+
    }};
}

/// Copies `n` bytes from `src` to `dest`.
///
/// # Safety
/// `src` readable and `dest` writable for `n` bytes, the two not overlapping.
#[inline(always)]
unsafe fn copy(dest: *mut u8, src: *const u8, n: usize) {
    // SAFETY (every block): each access lies within the first `n` bytes of `src` or
    // `dest`, as the size tests before it guarantee; unaligned access is what the
    // `read_unaligned`/`write_unaligned`/`loadu`/`storeu` forms are for. All loads of a
    // block come before its stores, which is correct because the ranges do not overlap.
    unsafe {
        if n <= 16 {
            if n >= 8 {
                let head = src.cast::<u64>().read_unaligned();
                let tail = src.add(n - 8).cast::<u64>().read_unaligned();
                dest.cast::<u64>().write_unaligned(head);
                dest.add(n - 8).cast::<u64>().write_unaligned(tail);
            } else if n >= 4 {
                let head = src.cast::<u32>().read_unaligned();
                let tail = src.add(n - 4).cast::<u32>().read_unaligned();
                dest.cast::<u32>().write_unaligned(head);
                dest.add(n - 4).cast::<u32>().write_unaligned(tail);
            } else if n >= 2 {
                let head = src.cast::<u16>().read_unaligned();
                let tail = src.add(n - 2).cast::<u16>().read_unaligned();
                dest.cast::<u16>().write_unaligned(head);
                dest.add(n - 2).cast::<u16>().write_unaligned(tail);
            } else if n == 1 {
                *dest = *src;
            }
        } else if n <= 32 {
            copy_ends!(dest, src, n, 1: 0);
        } else if n <= 64 {
            copy_ends!(dest, src, n, 2: 0 1);
        } else if n <= 128 {
            copy_ends!(dest, src, n, 4: 0 1 2 3);
        } else if n <= 256 {
            copy_ends!(dest, src, n, 8: 0 1 2 3 4 5 6 7);
        } else {
            core::arch::asm!(
                "rep movsb",
                inout("rcx") n => _,
                inout("rdi") dest => _,
                inout("rsi") src => _,
                options(nostack, preserves_flags)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every length up to well past the `rep movsb` threshold, at every alignment of
    /// source and destination within 16 bytes: the bytes copied are exactly the source's,
    /// and the bytes around the destination are untouched.
    #[test]
    fn copies_exactly_n_bytes_at_every_length_and_alignment() {
        let source: Vec<u8> = (0..1200u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..=600 {
            for src_offset in 0..16 {
                for dest_offset in [0, 1, 7, 8, 15] {
                    let mut dest = vec![0xAAu8; n + 48];
                    // SAFETY: both ranges are inside their vectors and do not overlap.
                    unsafe {
                        super::copy(
                            dest.as_mut_ptr().add(16 + dest_offset),
                            source.as_ptr().add(src_offset),
                            n,
                        )
                    };
                    let copied = &dest[16 + dest_offset..16 + dest_offset + n];
                    assert_eq!(copied, &source[src_offset..src_offset + n], "n={n}");
                    assert!(dest[..16 + dest_offset].iter().all(|&b| b == 0xAA), "n={n}");
                    assert!(
                        dest[16 + dest_offset + n..].iter().all(|&b| b == 0xAA),
                        "n={n}"
                    );
                }
            }
        }
    }

    /// musl's `memmove` uses the same copy when the destination lies before the source
    /// (`__memcpy_fwd`): overlapping that way, the result is the source as it was.
    #[test]
    fn copies_forward_over_an_overlapping_source() {
        for n in 0..=600 {
            for gap in [1, 2, 7, 8, 15, 16, 17, 31, 64, 100, 255] {
                let mut buffer: Vec<u8> = (0..n + gap).map(|i| (i * 13 + 5) as u8).collect();
                let expected = buffer[gap..gap + n].to_vec();
                // SAFETY: both ranges are inside `buffer`; the destination starts before the
                // source, the overlap `copy` allows.
                unsafe { super::copy(buffer.as_mut_ptr(), buffer.as_ptr().add(gap), n) };
                assert_eq!(&buffer[..n], &expected[..], "n={n} gap={gap}");
            }
        }
    }
}
