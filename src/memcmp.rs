//! A `memcmp` and `bcmp` for the static musl build on x86_64.
//!
//! Every comparison of two strings or byte slices (`==`, `Ord`, the keys of a `BTreeMap`
//! of names, sorting) ends in `memcmp` or `bcmp`. musl's compares one byte per loop
//! iteration; checking the 20,000-document fabric of `bench/gen_fabric.py` spends a third
//! of its instructions there (callgrind: 1.0 of 3.0 billion, 12 million calls, most from
//! the fabric state's and the change order's maps of object names, whose long common
//! prefixes such as `p0-leaf-000--unbundled--` make each comparison long). How fast that
//! 36-byte loop runs also depended on where the linker happened to put it: two builds with
//! identical code for every hot function of ours differed by 11-18% in check time. This
//! one compares eight bytes at a time.
//!
//! Straight-line code and a loop of eight-byte loads only: a byte-comparing loop here
//! could be turned back into a call to `memcmp` by the optimiser, that is, into a call to
//! itself.

/// The C `memcmp` of the static musl build: linked before musl's `libc.a`, it is the one
/// every caller uses. Returns a negative, zero or positive value as the first differing
/// byte (as unsigned) of `a` is less than, equal to or greater than that of `b`.
///
/// # Safety
/// As C's `memcmp`: `a` and `b` readable for `n` bytes.
#[cfg(target_env = "musl")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract is `compare`'s.
    unsafe { compare(a, b, n) }
}

/// The C `bcmp`, which Rust's `==` on slices calls: zero when the bytes are equal.
/// musl's calls its `memcmp`; this is the same comparison without that extra call.
///
/// # Safety
/// As C's `bcmp`: `a` and `b` readable for `n` bytes.
#[cfg(target_env = "musl")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract is `compare`'s.
    unsafe { compare(a, b, n) }
}

/// The order of two unequal blocks read from memory in native (little-endian) order:
/// that of their first differing byte, which is the most significant one once the bytes
/// are swapped.
#[inline(always)]
fn order_of(a: u64, b: u64) -> i32 {
    if a.swap_bytes() < b.swap_bytes() {
        -1
    } else {
        1
    }
}

/// Compares the first `n` bytes of `a` and `b` as C's `memcmp` does.
///
/// # Safety
/// `a` and `b` readable for `n` bytes.
#[inline(always)]
unsafe fn compare(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY (every load): each lies within the first `n` bytes of `a` or `b`, as the
    // size tests before it guarantee; `read_unaligned` allows any alignment.
    unsafe {
        if n >= 8 {
            let mut i = 0;
            while i + 8 <= n {
                let x = a.add(i).cast::<u64>().read_unaligned();
                let y = b.add(i).cast::<u64>().read_unaligned();
                if x != y {
                    return order_of(x, y);
                }
                i += 8;
            }
            if i == n {
                return 0;
            }
            // The last eight bytes, overlapping bytes already found equal: the first
            // difference in them is the first difference of all.
            let x = a.add(n - 8).cast::<u64>().read_unaligned();
            let y = b.add(n - 8).cast::<u64>().read_unaligned();
            if x != y { order_of(x, y) } else { 0 }
        } else if n >= 4 {
            // The first four bytes, then the last four (overlapping equal ones). Widened
            // to eight bytes, a block keeps its order under `order_of`: its swapped bytes
            // sit above four zero bytes in both values.
            let x = a.cast::<u32>().read_unaligned();
            let y = b.cast::<u32>().read_unaligned();
            if x != y {
                return order_of(u64::from(x), u64::from(y));
            }
            let x = a.add(n - 4).cast::<u32>().read_unaligned();
            let y = b.add(n - 4).cast::<u32>().read_unaligned();
            if x != y {
                order_of(u64::from(x), u64::from(y))
            } else {
                0
            }
        } else {
            for i in [0, 1, 2] {
                if i == n {
                    break;
                }
                let (x, y) = (*a.add(i), *b.add(i));
                if x != y {
                    return i32::from(x) - i32::from(y);
                }
            }
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    /// What `compare` says, as an ordering.
    fn compared(a: &[u8], b: &[u8]) -> Ordering {
        assert_eq!(a.len(), b.len());
        // SAFETY: both slices hold `a.len()` bytes.
        unsafe { super::compare(a.as_ptr(), b.as_ptr(), a.len()) }.cmp(&0)
    }

    /// Every length up to 80 at every alignment within 8 bytes, with the two inputs equal
    /// or differing at each position, by a byte that is larger or smaller (0x00 against
    /// 0xFF included, so a signed comparison of bytes would be caught): the result is the
    /// order of the slices.
    #[test]
    fn orders_as_slices_do_at_every_length_alignment_and_first_difference() {
        let base: Vec<u8> = (0..100u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..=80 {
            for offset in 0..8 {
                let a = &base[offset..offset + n];
                assert_eq!(compared(a, a), Ordering::Equal, "n={n}");
                for at in 0..n {
                    for (x, y) in [(0x00, 0xFF), (0xFF, 0x00), (0x41, 0x42), (0x7F, 0x80)] {
                        let mut left = a.to_vec();
                        let mut right = a.to_vec();
                        left[at] = x;
                        right[at] = y;
                        // Later bytes ordered the other way, so only the first difference
                        // may decide.
                        for later in at + 1..n {
                            left[later] = 0xFF;
                            right[later] = 0x00;
                        }
                        assert_eq!(
                            compared(&left, &right),
                            left.cmp(&right),
                            "n={n} offset={offset} at={at} {x:#x} vs {y:#x}"
                        );
                    }
                }
            }
        }
    }
}
