//! The NAT `idleTimeout` fields are `metav1.Duration`s: the webhook decodes them with Go's
//! `time.ParseDuration` and refuses the object when that fails, before `Validate()` runs.
//! This is that parser (Go 1.26 `time/format.go`), reduced to whether a text parses.

/// 1<<63: the magnitude of the most negative duration.
const LIMIT: u64 = 1 << 63;

/// Nanoseconds per unit, as `time.unitMap` spells them.
const UNITS: &[(&str, u64)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("\u{b5}s", 1_000),
    ("\u{3bc}s", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Whether `time.ParseDuration` accepts `text` (`[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0`,
/// within ±2^63 ns).
pub(super) fn is_go_duration(text: &str) -> bool {
    let mut s = text.as_bytes();
    let mut negative = false;
    if let Some(&sign @ (b'-' | b'+')) = s.first() {
        negative = sign == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut total: u64 = 0;
    while let Some(&first) = s.first() {
        if !(first == b'.' || first.is_ascii_digit()) {
            return false;
        }
        let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
        let Some(whole) = leading_int(&s[..digits]) else {
            return false;
        };
        s = &s[digits..];
        let (mut fraction, mut scale, mut has_fraction) = (0, 1.0, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
            (fraction, scale) = leading_fraction(&s[..digits]);
            has_fraction = digits > 0;
            s = &s[digits..];
        }
        if digits == 0 && !has_fraction {
            return false;
        }
        let unit_len = s
            .iter()
            .take_while(|b| !(**b == b'.' || b.is_ascii_digit()))
            .count();
        let Some(&(_, unit)) = UNITS
            .iter()
            .find(|(name, _)| name.as_bytes() == &s[..unit_len])
        else {
            return false;
        };
        s = &s[unit_len..];
        if whole > LIMIT / unit {
            return false;
        }
        let mut value = whole * unit;
        if fraction > 0 {
            // Go converts this float to uint64, which saturates in Rust as the bounds hold.
            value += (fraction as f64 * (unit as f64 / scale)) as u64;
            if value > LIMIT {
                return false;
            }
        }
        total = match total.checked_add(value) {
            Some(sum) if sum <= LIMIT => sum,
            _ => return false,
        };
    }
    negative || total < LIMIT
}

/// `leadingInt`: decimal digits, refusing more than 2^63.
fn leading_int(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |x, d| {
        let x = x.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        (x <= LIMIT).then_some(x)
    })
}

/// `leadingFraction`: decimal digits after the point, kept while they fit, with their scale.
fn leading_fraction(digits: &[u8]) -> (u64, f64) {
    let (mut x, mut scale) = (0u64, 1.0);
    for d in digits {
        match x.checked_mul(10).map(|y| y + u64::from(d - b'0')) {
            Some(y) if x <= (LIMIT - 1) / 10 && y <= LIMIT => {
                x = y;
                scale *= 10.0;
            }
            _ => break,
        }
    }
    (x, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_go_parses_them() {
        for good in [
            "0",
            "-0",
            "2m",
            "1h30m",
            "1.5s",
            ".5s",
            "5.s",
            "300ms",
            "1\u{b5}s",
            "-1m",
            "+3h",
            "2562047h47m16.854775807s",
            "-2562047h47m16.854775808s",
        ] {
            assert!(is_go_duration(good), "{good}");
        }
        for bad in [
            "",
            "2",
            "m",
            "1x",
            ".s",
            "1.5",
            " 2m",
            "2m ",
            "2M",
            "1h-1m",
            "+",
            "-",
            "2562047h47m16.854775808s",
            "9223372036854775808ns",
            "99999999999999999999s",
        ] {
            assert!(!is_go_duration(bad), "{bad}");
        }
    }
}
