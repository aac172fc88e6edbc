//! Feeds the same text to both YAML readers of `hh_gitops::manifest` and fails on any
//! difference: the fast reader must decline the text or give exactly `saphyr-parser`'s
//! events and spans, and must never take a text `saphyr-parser` rejects. Only valid UTF-8
//! reaches the readers (a raw file that is not UTF-8 is refused before either reads it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Err(divergence) = hh_gitops::manifest::compare_fast_reader(text)
    {
        panic!("{divergence}");
    }
});
