//! Integers as Go's JSON decoder reads them into the fields of Hedgehog's types, shared by
//! every kind's model. The CRD schema only says `integer`, of any size; the webhook then
//! decodes into a `uint16`, `uint32`, … and refuses the object when the value does not fit.
//! So the models read every integer wide, and the rules report a value its Go field cannot
//! hold, rather than the model failing to read it.
//!
//! YAML may write an integer as a float (`1.0e3`), which the API server hands on as that
//! integer, and a value beyond 64 bits arrives as a float too.
//!
//! Also Go's `strconv` readings of integers written as text (port strings, protocol
//! numbers, PCI addresses), so that a string is a number here exactly when Go reads one.

use serde::{Deserialize, Deserializer};
use serde_json::Number;

use super::Violations;

/// `number` as the whole number it stands for: exact for a JSON integer, and for a float
/// with no fraction within `i128` (where `as` is exact). `None` for a fraction or a float
/// beyond `i128`, which no Go integer field accepts.
pub fn integer(number: &Number) -> Option<i128> {
    if let Some(signed) = number.as_i64() {
        return Some(signed.into());
    }
    if let Some(unsigned) = number.as_u64() {
        return Some(unsigned.into());
    }
    // 2^127: the first float beyond `i128`.
    const BOUND: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    let float = number.as_f64()?;
    (float.fract() == 0.0 && (-BOUND..BOUND).contains(&float)).then_some(float as i128)
}

/// Whether Go can decode `number` into an integer field of type `T`.
pub fn fits<T: TryFrom<i128>>(number: &Number) -> bool {
    integer(number).is_some_and(|i| T::try_from(i).is_ok())
}

/// `deserialize_with` for an integer field read wide: [`integer`], with a fraction or a
/// float beyond `i128` read as `i128::MAX`. Every Go integer field is far narrower, so the
/// rule reading the field rejects such a value, as Go's decoder does.
pub fn go_integer<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: From<i128>,
{
    let number = Number::deserialize(deserializer)?;
    Ok(T::from(integer(&number).unwrap_or(i128::MAX)))
}

/// An integer field read wide (see [`go_integer`]); `Default` is Go's zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct JsonInt(#[serde(deserialize_with = "go_integer")] pub i128);

/// Reads `number` (absent: Go's zero) as a Go unsigned integer field of at most `max`. A
/// value out of that range fails the webhook's decoding, so the fabric rejects the object:
/// reported at `pointer`, and `None` so that no other check uses it.
pub fn unsigned(
    number: Option<&Number>,
    max: u64,
    pointer: &str,
    out: &mut Violations,
) -> Option<u64> {
    let Some(number) = number else {
        return Some(0);
    };
    match integer(number).and_then(|i| u64::try_from(i).ok()) {
        Some(value) if value <= max => Some(value),
        _ => {
            let field = field_name(pointer);
            out.error(
                pointer,
                format!(
                    "{field} `{number}` is out of range: it must be a whole number from 0 to {max}"
                ),
            );
            None
        }
    }
}

/// How a message names the field at `pointer`: with its parent when that is a named
/// object (`switch.vlan`), alone inside a list item (`seq`).
fn field_name(pointer: &str) -> String {
    let mut segments = pointer.rsplit('/');
    let field = segments.next().unwrap_or_default();
    match segments.next() {
        Some(parent) if parent.parse::<usize>().is_err() => format!("{parent}.{field}"),
        _ => field.to_owned(),
    }
}

/// `strconv.Atoi` on a 64-bit platform: an optional sign, then decimal digits, within
/// `i64` (Rust's `i64` parser reads exactly that).
pub fn go_atoi(text: &str) -> Option<i64> {
    text.parse().ok()
}

/// `strconv.ParseInt(text, 16, 64)`: an optional sign, then hex digits, within `i64`.
pub fn parse_go_hex(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, 16).ok()?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(json: &str) -> Number {
        serde_json::from_str(json).unwrap()
    }

    fn read(json: &str) -> (Option<u64>, Vec<String>) {
        let mut out = Violations::default();
        let value = unsigned(
            Some(&number(json)),
            u16::MAX.into(),
            "/spec/static/vlan",
            &mut out,
        );
        let messages = out.into_vec().into_iter().map(|v| v.message).collect();
        (value, messages)
    }

    #[test]
    fn integers_from_yaml_floats_and_big_numbers() {
        assert_eq!(integer(&Number::from(5u64)), Some(5));
        assert_eq!(integer(&Number::from_f64(1000.0).unwrap()), Some(1000));
        assert_eq!(integer(&Number::from_f64(1.5).unwrap()), None);
        assert_eq!(integer(&Number::from(u64::MAX)), Some(u64::MAX.into()));
        assert_eq!(
            integer(&number("1e30")),
            Some(1_000_000_000_000_000_019_884_624_838_656)
        );
        assert_eq!(integer(&number("1e40")), None);
        assert_eq!(integer(&number("-1e40")), None);
    }

    #[test]
    fn wide_fields_read_what_does_not_fit_as_the_widest_value() {
        let read = |json: &str| serde_json::from_str::<JsonInt>(json).unwrap().0;
        assert_eq!(read("-1"), -1);
        assert_eq!(read("18446744073709551615"), u64::MAX.into());
        assert_eq!(read("1e3"), 1000);
        assert_eq!(read("1e40"), i128::MAX);
        assert_eq!(read("0.5"), i128::MAX);
    }

    #[test]
    fn numbers_read_as_go_decodes_them_into_an_unsigned_field() {
        assert_eq!(read("65535"), (Some(65535), vec![]));
        assert_eq!(read("100.0"), (Some(100), vec![]));
        assert_eq!(
            read("65536"),
            (
                None,
                vec!["static.vlan `65536` is out of range: it must be a whole number from 0 to 65535".to_owned()]
            )
        );
        for bad in ["-1", "1e20", "18446744073709551616", "0.5", "-0.5"] {
            assert_eq!(read(bad).0, None, "{bad}");
        }
        let mut out = Violations::default();
        assert_eq!(
            unsigned(None, 255, "/x", &mut out),
            Some(0),
            "absent is Go's zero"
        );
    }

    #[test]
    fn fields_are_named_with_their_object_but_not_their_list_index() {
        assert_eq!(field_name("/spec/switch/vlan"), "switch.vlan");
        assert_eq!(field_name("/spec/inboundACL/statements/3/seq"), "seq");
    }

    #[test]
    fn text_is_read_as_gos_strconv_reads_it() {
        assert_eq!(go_atoi("+80"), Some(80));
        assert_eq!(go_atoi("-1"), Some(-1));
        assert_eq!(go_atoi("1_000"), None);
        assert_eq!(go_atoi(" 80"), None);
        assert_eq!(parse_go_hex("1f"), Some(31));
        assert_eq!(parse_go_hex("-8000000000000000"), Some(i64::MIN));
        assert_eq!(parse_go_hex("8000000000000000"), None);
        assert_eq!(parse_go_hex("+"), None);
        assert_eq!(parse_go_hex("+-1"), None);
    }
}
