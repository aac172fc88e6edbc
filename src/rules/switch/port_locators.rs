//! `Switch.spec.portLocators` from 26.03 (fabric v0.129.1
//! `api/wiring/v1beta1/switch_types.go:273-296`, `:677-694` and `:785-812`): port locator
//! LEDs, each key `*` or an API port of the switch, each value empty (5 minutes), a Go
//! duration (`10m`) or an exact UTC time (`2026-08-05 18:45:47`).
//!
//! `Default()` drops the per-port entries when `*` is there, and the entries already
//! expired, then rewrites each value as an exact time clamped to 20 minutes from now. The
//! rules have no clock: a duration under one second is dropped as Go drops it whenever it
//! runs, but an exact time is kept whatever it is, so a past exact time on a port the
//! switch lacks is refused here where the fabric would drop the entry. Only the value
//! forms are validated.

use std::collections::BTreeMap;

use super::super::{Violations, pointer_segment};
use super::SwitchSpec;
use super::ports::Profile;

/// The key meaning every port of the switch (`PortLocatorAllPorts`).
const ALL_PORTS: &str = "*";

/// `:677-694`, on the entries `Default()` keeps: there are some only on a profile with
/// `features.portLocator`; each key is `*` or an API port; each value parses.
pub(super) fn validate(spec: &SwitchSpec, profile: &Profile, out: &mut Violations) {
    let kept: BTreeMap<&str, &str> = spec
        .port_locators
        .iter()
        .filter(|(name, _)| {
            !spec.port_locators.contains_key(ALL_PORTS) || name.as_str() == ALL_PORTS
        })
        .filter(|(_, value)| !expired(value))
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    if kept.is_empty() {
        return;
    }
    if !profile.spec.features.port_locator {
        profile.error(
            out,
            "/spec/portLocators",
            format!(
                "port locators are not supported by SwitchProfile `{}`: remove `portLocators`, or use a profile with `features.portLocator`",
                profile.name
            ),
        );
        return;
    }
    for (name, value) in kept {
        let pointer = format!("/spec/portLocators/{}", pointer_segment(name));
        if name != ALL_PORTS && !is_api_port(name, spec, profile) {
            profile.error(
                out,
                pointer.clone(),
                format!(
                    "port `{name}` is not a port of SwitchProfile `{}` for port locators: use `*` or a data port of the switch (a broken-out port by its lanes, e.g. `E1/53/1`)",
                    profile.name
                ),
            );
        }
        if !value.is_empty() && go_duration(value).is_none() && !is_date_time(value) {
            out.error(
                pointer,
                format!(
                    "port locator expire `{value}` for port `{name}` is not a duration such as `10m`, an exact UTC time such as `2026-08-05 18:45:47`, or empty for 5 minutes"
                ),
            );
        }
    }
}

/// Whether `Default()` drops the value as already expired whatever the clock: a duration
/// under one second (`:800-802`).
fn expired(value: &str) -> bool {
    go_duration(value).is_some_and(|nanos| nanos < 1_000_000_000)
}

/// `GetAvailableAPIPorts()` (`switchprofile_types.go:1014-1060`): a data port by its name,
/// a broken-out port only by its lanes, never a management port.
fn is_api_port(name: &str, spec: &SwitchSpec, profile: &Profile) -> bool {
    let profile = profile.spec;
    match profile.ports.get(name) {
        Some(port) => {
            !port.management
                && profile
                    .active_breakout(name, port, &spec.port_breakouts)
                    .is_none()
        }
        None => profile.has_port(name, &spec.port_breakouts),
    }
}

/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` or `0`, within ±2^63 ns;
/// the nanoseconds (rounded towards zero), or `None` when Go refuses the text.
fn go_duration(text: &str) -> Option<i128> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(digits);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
            return None;
        }
        let unit_len = tail
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_len);
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 6e10,
            "h" => 3.6e12,
            _ => return None,
        };
        let value: f64 = format!(
            "{}.{}",
            if whole.is_empty() { "0" } else { whole },
            fraction
        )
        .parse()
        .ok()?;
        total += value * scale;
        rest = next;
    }
    // 1<<63 ns, the magnitude of the most negative duration.
    if total > 2f64.powi(63) {
        return None;
    }
    let nanos = total as i128;
    Some(if negative { -nanos } else { nanos })
}

/// `time.ParseInLocation(time.DateTime, …)`: `YYYY-MM-DD HH:MM:SS`, a real date and time,
/// optionally with fractional seconds (`.5`), which Go's parser takes after any seconds.
fn is_date_time(text: &str) -> bool {
    let (text, fraction) = text.split_at(text.len().min(19));
    let fraction_ok = fraction.is_empty()
        || (fraction.len() > 1
            && fraction.starts_with(['.', ','])
            && fraction[1..].bytes().all(|c| c.is_ascii_digit()));
    if !fraction_ok {
        return false;
    }
    let b = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return false;
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        number(0..4),
        number(5..7),
        number(8..10),
        number(11..13),
        number(14..16),
        number(17..19),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day) && hour < 24 && minute < 60 && second < 60
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rules::state::{FabricState, Origin, References};
    use crate::rules::{Context, Violations};

    /// The findings of `portLocators` on a switch of the built-in `dell-s5248f-on`, with
    /// `features.portLocator` as 26.03's profile has it when `feature`.
    fn findings(locators: serde_json::Value, feature: bool) -> Vec<(String, String)> {
        let state =
            FabricState::of_objects(&[], &Context::fabricator_defaults(), References::Strict);
        let mut spec = state
            .switch_profiles
            .get("dell-s5248f-on")
            .unwrap()
            .object
            .spec
            .clone();
        spec.features.port_locator = feature;
        let switch: SwitchSpec = serde_json::from_value(
            json!({"role": "server-leaf", "profile": "dell-s5248f-on", "portLocators": locators}),
        )
        .unwrap();
        let origin = Origin::built_in();
        let profile = Profile {
            name: "dell-s5248f-on",
            spec: &spec,
            origin: &origin,
        };
        let mut out = Violations::default();
        validate(&switch, &profile, &mut out);
        out.into_vec()
            .into_iter()
            .map(|v| (v.pointer, v.message))
            .collect()
    }

    /// Oracle 26.03 (each with a `dell-s5248f-on` switch, whose profile has the feature):
    /// `{"E1/1": "", "E1/2": "10m", "E1/3": "2026-08-05 18:45:47"}`, `{"*": "", "E1/999":
    /// "10m"}`, `{"E1/49/1": "10m"}`, `{"E1/999": "-1m"}`, fractional seconds and `.5h`
    /// are accepted.
    #[test]
    fn star_api_ports_and_every_value_form_pass_and_expired_entries_are_dropped() {
        for locators in [
            json!({"E1/1": "", "E1/2": "10m", "E1/3": "2026-08-05 18:45:47"}),
            json!({"*": "", "E1/999": "10m"}),
            json!({"E1/49/1": "10m", "E1/4": ".5h", "E1/5": "2026-08-05 18:45:47.5"}),
            json!({"E1/999": "-1m"}),
        ] {
            assert_eq!(findings(locators.clone(), true), [], "{locators}");
        }
        // Nothing kept: no feature needed either (oracle: `vs` with `{"E1/1": "-5m"}`).
        assert_eq!(findings(json!({"E1/1": "-5m"}), false), []);
    }

    /// Oracle 26.03: "port locators are not supported on switch profile vs"; "port E1/999
    /// (M1, E1/49) is not a valid port for port locators"; "invalid port locator expire
    /// \"10 minutes\" for port E1/1: …" (likewise `2026-02-30 10:00:00` and `10`).
    #[test]
    fn the_feature_api_ports_and_value_forms_are_required() {
        assert_eq!(
            findings(json!({"E1/1": "10m"}), false),
            [(
                "/spec/portLocators".to_owned(),
                "port locators are not supported by SwitchProfile `dell-s5248f-on`: remove `portLocators`, or use a profile with `features.portLocator`".to_owned()
            )]
        );
        for port in ["E1/999", "M1", "E1/49"] {
            assert_eq!(
                findings(json!({port: "10m"}), true),
                [(
                    format!("/spec/portLocators/{}", pointer_segment(port)),
                    format!(
                        "port `{port}` is not a port of SwitchProfile `dell-s5248f-on` for port locators: use `*` or a data port of the switch (a broken-out port by its lanes, e.g. `E1/53/1`)"
                    )
                )]
            );
        }
        for value in ["10 minutes", "2026-02-30 10:00:00", "10"] {
            assert_eq!(
                findings(json!({"E1/1": value}), true),
                [(
                    "/spec/portLocators/E1~11".to_owned(),
                    format!(
                        "port locator expire `{value}` for port `E1/1` is not a duration such as `10m`, an exact UTC time such as `2026-08-05 18:45:47`, or empty for 5 minutes"
                    )
                )]
            );
        }
    }

    #[test]
    fn only_26_03_reads_port_locators() {
        let subject = json!({"kind": "Switch", "metadata": {"name": "leaf-01"},
            "spec": {"role": "server-leaf", "profile": "vs", "portLocators": {"E1/1": "10m"}}});
        let namespace = json!({"kind": "VLANNamespace", "metadata": {"name": "default"},
            "spec": {"ranges": [{"from": 1000, "to": 2999}]}});
        let about_locators = |release| {
            crate::rules::test_support::findings(
                release,
                &subject,
                std::slice::from_ref(&namespace),
            )
            .into_iter()
            .filter(|f| f.contains("/spec/portLocators"))
            .collect::<Vec<_>>()
        };
        assert_eq!(
            about_locators(crate::rules::Release::V26_03),
            [
                "E /spec/portLocators: port locators are not supported by SwitchProfile `vs`: remove `portLocators`, or use a profile with `features.portLocator`"
            ]
        );
        for release in [crate::rules::Release::V26_01, crate::rules::Release::V26_02] {
            assert_eq!(about_locators(release), Vec::<String>::new());
        }
    }
}
