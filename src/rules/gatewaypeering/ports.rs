//! Port strings of port forwarding and ACL matches (`validatePort`,
//! `gatewaypeering_types.go:676-726`): one port or one `start-end` range, 1 to 65535, no
//! lists, no spaces around it. Numbers are read as Go's `strconv.Atoi` reads them, so
//! `+80` is a port and a space inside a range (`80 - 90`) is trimmed.

use crate::rules::decode::go_atoi;

/// What a port string may be, said for people.
pub(super) const PORT_RULE: &str =
    "write one port (`80`) or one range (`8080-8090`) between 1 and 65535 per entry";

/// Why `text` is not a port or port range, or `Ok`.
pub(super) fn check_port(text: &str) -> Result<(), String> {
    if text.trim() != text {
        return Err("it has leading or trailing spaces".into());
    }
    if text.contains(',') {
        return Err("it is a list".into());
    }
    if text.is_empty() {
        return Err("it is empty".into());
    }
    let Some((start, end)) = text.split_once('-') else {
        return port_number(text).map(|_| ());
    };
    if end.contains('-') {
        return Err(format!(
            "`{text}` is neither a number nor a `start-end` range"
        ));
    }
    let (start, end) = (start.trim(), end.trim());
    if start.is_empty() || end.is_empty() {
        return Err("a range needs a start and an end".into());
    }
    let (start, end) = (port_number(start)?, port_number(end)?);
    if start > end {
        return Err(format!("the range starts at {start}, after its end {end}"));
    }
    Ok(())
}

/// A port, 1 to 65535, as `strconv.Atoi` reads it.
fn port_number(text: &str) -> Result<i64, String> {
    match go_atoi(text) {
        None => Err(format!("`{text}` is not a number")),
        Some(port) if !(1..=65535).contains(&port) => Err(format!("`{text}` is outside 1-65535")),
        Some(port) => Ok(port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `TestValidatePort` (`gatewaypeering_types_test.go:1444-1476`), every entry.
    #[test]
    fn go_port_table() {
        for (text, valid) in [
            ("", false),
            ("80", true),
            ("80-80", true),
            ("80,443", false),
            ("80,443,3000-3100", false),
            ("80,443,3000-3100,", false),
            ("80,443,3000-3100,8080", false),
            ("  80  ", false),
            ("  80  ,  443  ", false),
            ("  80  ,  443  ,  3000-3100  ", false),
            ("  80  ,443,3000-3100,8080", false),
            ("80-79", false),
            ("0", false),
            ("65536", false),
            ("1-65536", false),
            ("0-80", false),
            ("-80", false),
            ("80-", false),
            ("  -  80  ", false),
            ("  80  -  ", false),
            ("1-80,65536", false),
        ] {
            assert_eq!(check_port(text).is_ok(), valid, "{text:?}");
        }
    }

    #[test]
    fn what_go_also_accepts_and_why_the_rest_fails() {
        assert_eq!(check_port("+80"), Ok(()));
        assert_eq!(check_port("80 - 90"), Ok(()));
        assert_eq!(
            check_port("1-2-3"),
            Err("`1-2-3` is neither a number nor a `start-end` range".into())
        );
        assert_eq!(check_port("http"), Err("`http` is not a number".into()));
        assert_eq!(
            check_port("99999999999999999999"),
            Err("`99999999999999999999` is not a number".into())
        );
        assert_eq!(
            check_port("90-80"),
            Err("the range starts at 90, after its end 80".into())
        );
    }
}
