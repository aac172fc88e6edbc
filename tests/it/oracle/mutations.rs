//! The subjects' variations: every single-field mutation of an object, with the values
//! the rules care about.

use serde_json::{Value, json};

use hh_gitops::rules;

/// Replacement values for a scalar: the values the rules care about (prefix lengths,
/// host bits, address families, ranges' edges, malformed forms).
fn replacements(value: &Value) -> Vec<Value> {
    match value {
        Value::Bool(b) => vec![json!(!b)],
        Value::Number(n) => {
            let n = n.as_i64().unwrap_or(0);
            [
                0,
                1,
                2,
                n + 1,
                n - 1,
                64,
                65,
                95,
                96,
                4094,
                4095,
                4096,
                9036,
                9037,
                9100,
                65534,
                65535,
                65536,
                4_294_967_295,
            ]
            .into_iter()
            .filter(|m| *m != n && *m >= 0)
            .map(|m| json!(m))
            .collect()
        }
        Value::String(s) => {
            let mut out: Vec<String> = Vec::new();
            if let Some((addr, len)) = s.split_once('/')
                && len.parse::<u8>().is_ok()
            {
                let octets: Vec<&str> = addr.split('.').collect();
                for l in ["8", "16", "24", "29", "30", "31", "32", "33", "0", "016"] {
                    out.push(format!("{addr}/{l}"));
                }
                if octets.len() == 4 {
                    let [a, b, c, _] = [octets[0], octets[1], octets[2], octets[3]];
                    out.push(format!("{a}.{b}.{c}.5/{len}"));
                    out.push(format!("0{a}.{b}.{c}.0/{len}"));
                }
                out.extend([
                    format!("300.1.1.1/{len}"),
                    "0.0.0.0/0".into(),
                    "127.0.0.0/8".into(),
                    "224.0.0.0/24".into(),
                    "fd00::/64".into(),
                    "fd00::1/128".into(),
                    "fe80::1%eth0/64".into(),
                    format!(" {s}"),
                    addr.to_owned(),
                ]);
            } else if s.parse::<std::net::Ipv4Addr>().is_ok() {
                let octets: Vec<&str> = s.split('.').collect();
                out.extend([
                    "300.1.1.1".to_owned(),
                    "0.0.0.0".into(),
                    "127.0.0.1".into(),
                    "224.0.0.1".into(),
                    "255.255.255.255".into(),
                    "fd00::1".into(),
                    "fe80::1%eth0".into(),
                    format!("0{s}"),
                    format!(" {s}"),
                    format!("{}.{}.{}.255", octets[0], octets[1], octets[2]),
                    format!("{}.{}.{}.0", octets[0], octets[1], octets[2]),
                    format!("{s}/24"),
                ]);
            } else if hh_gitops::rules::net::parse_mac(s).is_ok() {
                out.extend([
                    "0c:20:12:fe:01".into(),
                    "01:00:5e:00:00:01".into(),
                    "00:00:00:00:00:00".into(),
                    "ff:ff:ff:ff:ff:ff".into(),
                    "02:00:00:00:00:01".into(),
                    "zz:20:12:fe:01:00".into(),
                    s.to_uppercase(),
                    s.replace(':', "-"),
                    "0c20.12fe.0100".into(),
                    "0c:20:12:fe:01:00:00:01".into(),
                ]);
            } else if let Some((a, b)) = s.split_once(':')
                && a.parse::<u32>().is_ok()
                && b.parse::<u32>().is_ok()
            {
                out.extend([
                    "65536:1".into(),
                    "65535:65535".into(),
                    "0:0".into(),
                    "4294967295:1".into(),
                    "01:1".into(),
                    "+1:1".into(),
                    "-1:1".into(),
                    format!("{a}:"),
                    format!(":{b}"),
                    format!(" {a}:{b}"),
                    a.to_owned(),
                    format!("{a}:{b}:1"),
                ]);
            } else if let Some((device, port)) = s.split_once('/') {
                out.extend([device.to_owned(), format!("/{port}"), format!("{device}/")]);
            } else {
                out.extend([
                    String::new(),
                    "x".into(),
                    "X".into(),
                    "a b".into(),
                    "-x".into(),
                    "x".repeat(64),
                    s.to_uppercase(),
                    format!("{s} "),
                ]);
            }
            out.into_iter()
                .filter(|m| m != s)
                .map(Value::String)
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Every single-field mutation of `object`'s spec and annotations: each scalar replaced,
/// each mapping key removed.
pub fn mutations(object: &Value) -> Vec<(String, Value)> {
    fn walk(value: &Value, pointer: String, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let child_pointer = format!("{pointer}/{}", rules::pointer_segment(key));
                    out.push((child_pointer.clone(), Value::Null));
                    walk(child, child_pointer, out);
                }
            }
            Value::Array(items) => {
                // An empty list, and the first item twice: the "at least one" and "each
                // once" rules.
                out.push((pointer.clone(), json!([])));
                if let Some(first) = items.first() {
                    let mut doubled = items.clone();
                    doubled.push(first.clone());
                    out.push((pointer.clone(), Value::Array(doubled)));
                }
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{pointer}/{i}"), out);
                }
            }
            scalar => {
                for replacement in replacements(scalar) {
                    out.push((pointer.clone(), replacement));
                }
            }
        }
    }
    let mut edits = Vec::new();
    if let Some(spec) = object.get("spec") {
        walk(spec, "/spec".into(), &mut edits);
    }
    edits
        .into_iter()
        .filter_map(|(pointer, replacement)| {
            let mut mutated = object.clone();
            if replacement.is_null() {
                let (parent, key) = pointer.rsplit_once('/')?;
                let key = key.replace("~1", "/").replace("~0", "~");
                mutated.pointer_mut(parent)?.as_object_mut()?.remove(&key)?;
                Some((format!("{pointer} removed"), mutated))
            } else {
                let label = format!("{pointer} = {replacement}");
                *mutated.pointer_mut(&pointer)? = replacement;
                Some((label, mutated))
            }
        })
        .collect()
}

/// What kubectl sends for a YAML float with no fraction (`100.0`): the integer (`100`),
/// which Go decodes into an integer field, while `100.0` it refuses. Both sides read what
/// the fabric would receive.
pub fn integral_floats_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            let float = n.as_f64().unwrap_or(f64::NAN);
            if float.fract() == 0.0 && float.abs() < 9.0e15 {
                *value = json!(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}
