//! Resolution of plain YAML scalars to typed values the way Kubernetes clients do.
//!
//! `kubectl` and the API machinery turn YAML into JSON with sigs.k8s.io/yaml, which follows
//! go-yaml v2 (YAML 1.1 flavoured): `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0x1f` and
//! `0o17`/`017` are integers, `~` is null. Matching those rules means a file is judged by the
//! values the fabric would see, not by what another YAML library would make of it.

use std::borrow::Cow;

use super::tree::Value;

/// The typed value of a plain (unquoted, untagged) scalar.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(text.to_owned());
    }
    // go-yaml ignores `_` in numbers; copied only when there is one to drop.
    let cleaned: Cow<str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    if let Some(int) = parse_int(&cleaned) {
        return Value::Int(int);
    }
    if is_float(&cleaned)
        && let Ok(float) = cleaned.parse::<f64>()
    {
        return Value::Float(float);
    }
    Value::Str(text.to_owned())
}

/// Parses a go-yaml v2 integer: optional sign, then decimal, `0x` hex, `0o` or leading-zero
/// octal, or `0b` binary (`cleaned` of its `_` separators).
fn parse_int(cleaned: &str) -> Option<i64> {
    let (negative, digits) = match cleaned.as_bytes().first()? {
        b'-' => (true, &cleaned[1..]),
        b'+' => (false, &cleaned[1..]),
        _ => (false, cleaned),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(bin) = digits.strip_prefix("0b") {
        (2, bin)
    } else if let Some(oct) = digits.strip_prefix("0o") {
        (8, oct)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// Whether `cleaned` (of its `_` separators) has the shape of a YAML 1.1 float (`1.5`,
/// `-.5`, `1e3`, `6.02e+23`).
fn is_float(cleaned: &str) -> bool {
    let bytes = cleaned.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - frac_start;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        i += 1;
        if i < bytes.len() && matches!(bytes[i], b'-' | b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_booleans_and_nulls() {
        for word in ["yes", "on", "y", "True", "TRUE"] {
            assert_eq!(resolve_plain(word), Value::Bool(true), "{word}");
        }
        for word in ["no", "off", "N", "false"] {
            assert_eq!(resolve_plain(word), Value::Bool(false), "{word}");
        }
        for word in ["", "~", "null", "NULL"] {
            assert_eq!(resolve_plain(word), Value::Null, "{word}");
        }
    }

    #[test]
    fn integers_in_every_base() {
        assert_eq!(resolve_plain("1001"), Value::Int(1001));
        assert_eq!(resolve_plain("-42"), Value::Int(-42));
        assert_eq!(resolve_plain("+7"), Value::Int(7));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("0o17"), Value::Int(15));
        assert_eq!(resolve_plain("017"), Value::Int(15));
        assert_eq!(resolve_plain("0b101"), Value::Int(5));
        assert_eq!(resolve_plain("1_000"), Value::Int(1000));
        assert_eq!(resolve_plain("0"), Value::Int(0));
    }

    #[test]
    fn floats_and_lookalike_strings() {
        assert_eq!(resolve_plain("1.5"), Value::Float(1.5));
        assert_eq!(resolve_plain("-.5"), Value::Float(-0.5));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        // go-yaml v2 falls back to a float when a leading-zero number is not octal.
        assert_eq!(resolve_plain("089"), Value::Float(89.0));
        for text in [
            "10.0.1.0/24",
            "10.0.1.1",
            "0c:20:12:ff:00:00",
            "1.2.3",
            "-",
            ".",
            "1e",
            "E1/1",
            "leaf-01/E1/1",
            "65101a",
        ] {
            assert_eq!(resolve_plain(text), Value::Str(text.to_owned()), "{text}");
        }
    }
}
