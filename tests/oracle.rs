//! Differential test against Hedgehog's own admission code: `hhoracle`
//! (`../shared/oracle/`, built by `.ci/run` when the shared folder is present) runs the
//! fabric's unmodified `Default()` + `Validate()` offline. Every admission case of
//! `tests/admission/*.yaml`, and every single-field mutation of those cases' objects and
//! of Hedgehog's own example resources, goes through both, and the verdicts (accept or
//! reject) must agree.
//!
//! What is not compared (counted as skipped, with the reason): objects the CRD schema (or
//! the name rules) rejects, since the oracle does not apply the schema
//! (`../shared/oracle/README.md`, "What it does NOT model"), objects the oracle cannot
//! decode for a reason the schema also refuses, and the cross-object cases (the oracle runs
//! with `kube: false`, except for the Switch hydration checks, see `with_hydration`).
//! A disagreement that is hh-gitops's design is counted apart as excused, each class by a
//! rule stated in one sentence (`Excuse::rule`); any other fails the test. Run with
//! `HH_ORACLE=path/to/hhoracle cargo test --test oracle -- --ignored --nocapture`; it
//! prints the agreement per kind, the excused classes and the skip reasons.

mod common;

#[path = "admission/cases.rs"]
mod cases;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use hh_gitops::finding::Finding;
use hh_gitops::manifest;
use hh_gitops::rules::config::FabricConfig;
use hh_gitops::rules::{self, Context};
use hh_gitops::schema::Registry;
use hh_gitops::validate::check_file;

/// One object to admit, with the config both sides use.
struct Subject {
    label: String,
    /// `case`, `case mutation` (a mutation of a case's object) or `mutation` (of an example).
    source: &'static str,
    kind: String,
    object: Value,
    /// `None`: a nil config (Go tests that pass none).
    config: Option<FabricConfig>,
    /// Whether hh-gitops is told the config was given: a case without `config:` runs on
    /// fabricator's defaults, not given, as `tests/admission.rs` runs it.
    config_given: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
    /// Not comparable, and why.
    Skip(&'static str),
}

/// hh-gitops's answer: its verdict, its first error and its warnings.
struct Ours {
    verdict: Verdict,
    first_error: String,
    warnings: Vec<Finding>,
}

/// hhoracle's answer: its verdict and Hedgehog's error message.
#[derive(Clone)]
struct Theirs {
    verdict: Verdict,
    error: String,
}

/// A config that turns on every feature switch, so the rules behind them run on both sides.
fn full_config() -> FabricConfig {
    let mut config = FabricConfig::fabricator_defaults();
    config.enable_gateway = true;
    config.include_sonic_clsp = true;
    config.include_cumulus = true;
    config
}

fn ours(registry: &Registry, subject: &Subject) -> Ours {
    let ctx = Context {
        config: subject.config.as_ref(),
        config_given: subject.config_given,
    };
    let text = serde_json::to_string_pretty(&subject.object).unwrap();
    match check_file(registry, &ctx, text.as_bytes()) {
        Ok(resources) => Ours {
            verdict: Verdict::Accept,
            first_error: String::new(),
            warnings: resources.into_iter().flat_map(|r| r.warnings).collect(),
        },
        Err(findings) => {
            let first_error = findings
                .iter()
                .find(|f| f.is_error())
                .map(|f| format!("{} (at {})", f.message, f.pointer))
                .unwrap_or_default();
            let by_rules = rules::admit(&subject.kind, &subject.object, &ctx)
                .iter()
                .any(|v| v.severity == rules::Severity::Error);
            let verdict = if by_rules {
                Verdict::Reject
            } else {
                Verdict::Skip("the CRD schema or the name rules decide")
            };
            Ours {
                verdict,
                first_error,
                warnings: Vec::new(),
            }
        }
    }
}

/// Runs hhoracle on `subjects`, one run per config (the config is per run), with the cluster
/// `objects` when `kube` is set.
fn oracle(binary: &str, subjects: &[&Subject], kube: bool, objects: &[Value]) -> Vec<Theirs> {
    let not_run = Theirs {
        verdict: Verdict::Skip("not run"),
        error: String::new(),
    };
    let mut verdicts = vec![not_run; subjects.len()];
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in subjects.iter().enumerate() {
        groups
            .entry(serde_json::to_string(&s.config).unwrap())
            .or_default()
            .push(i);
    }
    for indexes in groups.values() {
        let config = &subjects[indexes[0]].config;
        let input = json!({
            "kube": kube,
            "objects": objects,
            "fabricConfigNil": config.is_none(),
            "fabricConfig": config,
            "subjects": indexes.iter().map(|i| &subjects[*i].object).collect::<Vec<_>>(),
        });
        let mut child = Command::new(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {binary}: {e}"));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.to_string().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "hhoracle failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), indexes.len());
        for (i, line) in indexes.iter().zip(lines) {
            let error = line["error"].as_str().unwrap_or_default().to_owned();
            let verdict = if line.get("panic").is_some() {
                Verdict::Skip("hhoracle panicked")
            } else if error.starts_with("decode: json: cannot unmarshal number")
                || error.starts_with("decode: time: ")
            {
                // The webhook decodes the object into these same Go types (controller-
                // runtime's admission decoder) and denies the request when a number does
                // not fit its field or a duration does not parse, which the CRD schema lets
                // through: Hedgehog's rejection, not a value the oracle cannot compare.
                Verdict::Reject
            } else if error.starts_with("decode:") || error == "unsupported kind" {
                Verdict::Skip("hhoracle cannot decode it")
            } else if error.is_empty() {
                Verdict::Accept
            } else {
                Verdict::Reject
            };
            verdicts[*i] = Theirs { verdict, error };
        }
    }
    verdicts
}

/// Go runs a Switch's hydration checks (`HydrationValidation()`, `switch_types.go:291-445`,
/// which hh-gitops ports where they need no other switch) only with the cluster at hand
/// (`kube != nil`), after the checks that look up other objects. So each Switch with a
/// config is admitted a second time against `switch_cluster()`, and a hydration error there
/// is Go's verdict; when a look-up fails first, Go's hydration verdict is unknown. (With a
/// nil config Go's hydration checks dereference it and panic, while hh-gitops skips them:
/// those Switches keep the stand-alone verdict.)
fn with_hydration(standalone: Theirs, with_cluster: Theirs) -> Theirs {
    match (standalone.verdict, with_cluster.verdict) {
        (Verdict::Accept, Verdict::Reject)
            if with_cluster
                .error
                .starts_with("failed hydration validation") =>
        {
            with_cluster
        }
        (Verdict::Accept, Verdict::Reject) => Theirs {
            verdict: Verdict::Skip(
                "a look-up of another object fails before Go's hydration checks",
            ),
            error: with_cluster.error,
        },
        (Verdict::Accept, Verdict::Skip(why)) => Theirs {
            verdict: Verdict::Skip(why),
            error: with_cluster.error,
        },
        _ => standalone,
    }
}

/// `subject` for the hydration run: on the built-in profile `vs` (which has every feature),
/// without the per-port settings that only the profile look-ups read. Neither touches a
/// hydration check, and an example naming a profile that is not built in (`ds4000`) or a
/// port its profile lacks still reaches them.
fn on_profile_vs(subject: &Subject) -> Subject {
    let mut object = subject.object.clone();
    if let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) {
        if spec.contains_key("profile") {
            spec.insert("profile".into(), json!("vs"));
        }
        for per_port in [
            "portGroupSpeeds",
            "portSpeeds",
            "portBreakouts",
            "portAutoNegs",
            "portFECs",
        ] {
            spec.remove(per_port);
        }
    }
    Subject {
        label: subject.label.clone(),
        source: subject.source,
        kind: subject.kind.clone(),
        object,
        config: subject.config.clone(),
        config_given: subject.config_given,
    }
}

/// The cluster the Switches are admitted against: every VLANNamespace (each with its own
/// range, so that none overlap) and SwitchGroup that one of them names after `Default()`,
/// and nothing else, so no uniqueness check among switches can fire.
fn switch_cluster(switches: &[&Subject]) -> Vec<Value> {
    let mut namespaces = std::collections::BTreeSet::from(["default".to_owned()]);
    let mut groups = std::collections::BTreeSet::new();
    for subject in switches {
        let object = &subject.object;
        let namespace = object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or("default");
        let names = |pointer: &str| -> Vec<String> {
            object
                .pointer(pointer)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        };
        namespaces.extend(names("/spec/vlanNamespaces"));
        let mut named_groups = names("/spec/groups");
        if let Some(group) = object
            .pointer("/spec/redundancy/group")
            .and_then(Value::as_str)
        {
            named_groups.push(group.to_owned());
        }
        for group in named_groups {
            groups.insert((namespace.to_owned(), group));
        }
    }
    let vlan_namespaces = namespaces.into_iter().enumerate().map(|(i, name)| {
        let from = 1000 + 10 * i;
        json!({"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "VLANNamespace",
               "metadata": {"name": name}, "spec": {"ranges": [{"from": from, "to": from + 9}]}})
    });
    let switch_groups = groups.into_iter().map(|(namespace, name)| {
        json!({"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "SwitchGroup",
               "metadata": {"name": name, "namespace": namespace}, "spec": {}})
    });
    vlan_namespaces.chain(switch_groups).collect()
}

/// Go's verdict on every subject: `Default()` + `Validate()` without the cluster, and for
/// Switches also their hydration checks (`with_hydration`).
fn theirs(binary: &str, subjects: &[Subject]) -> Vec<Theirs> {
    let all: Vec<&Subject> = subjects.iter().collect();
    let mut verdicts = oracle(binary, &all, false, &[]);
    let switches: Vec<usize> = (0..subjects.len())
        .filter(|i| subjects[*i].kind == "Switch" && subjects[*i].config.is_some())
        .collect();
    let on_vs: Vec<Subject> = switches
        .iter()
        .map(|i| on_profile_vs(&subjects[*i]))
        .collect();
    let on_vs: Vec<&Subject> = on_vs.iter().collect();
    let with_cluster = oracle(binary, &on_vs, true, &switch_cluster(&on_vs));
    for (i, hydrated) in switches.into_iter().zip(with_cluster) {
        verdicts[i] = with_hydration(verdicts[i].clone(), hydrated);
    }
    verdicts
}

/// A disagreement that is hh-gitops's design, not a bug. Each is counted and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Excuse {
    UnhydratedField,
    GatewaySupportNotGiven,
    StaticLeaseByMapOrder,
}

impl Excuse {
    /// The rule that excuses the class, in one sentence.
    fn rule(self) -> &'static str {
        match self {
            Excuse::UnhydratedField => {
                "Go rejects for a field that hhfab fills when it hydrates the wiring and the subject leaves unset, and hh-gitops accepts with a warning naming that field"
            }
            Excuse::StaticLeaseByMapOrder => {
                "a VPC subnet writes one MAC's static lease under two keys, neither in lowercase colon form, so Go's Default() keeps one of them by map order and its verdict is chance, while hh-gitops checks both"
            }
            Excuse::GatewaySupportNotGiven => {
                "Go rejects a gateway kind because fabricator's default config leaves gateway support off, and hh-gitops, given no config, accepts with a warning that it needs `spec.config.gateway.enable`"
            }
        }
    }
}

/// The fields hhfab fills when it hydrates a Switch or a Gateway (fabricator
/// `pkg/hhfab/hydrate.go`), each with the start of Go's error when it is unset:
/// `(pointer, field as our warning names it, Go's error)`; a field Go requires in two
/// places has an entry for each.
fn hydrated_fields(kind: &str, object: &Value) -> Vec<(String, String, String)> {
    let plain = |fields: &[(&str, &str)]| -> Vec<(String, String, String)> {
        fields
            .iter()
            .map(|(field, go)| {
                (
                    format!("/spec/{field}"),
                    format!("`{field}`"),
                    (*go).to_owned(),
                )
            })
            .collect()
    };
    match kind {
        // `switch_types.go:457-468`, and for a leaf's VTEP IP outside spine-leaf mode the
        // hydration checks (`:425-429`).
        "Switch" => {
            let mut fields = plain(&[
                ("asn", "ASN is required"),
                ("ip", "IP is required"),
                ("protocolIP", "protocol IP is required"),
                (
                    "vtepIP",
                    "VTEP IP is required for leaf switches in spine-leaf mode",
                ),
            ]);
            let name = object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            fields.push((
                "/spec/vtepIP".into(),
                "`vtepIP`".into(),
                format!("failed hydration validation: parsing switch {name} VTEP IP : "),
            ));
            fields
        }
        // `gateway_types.go:226-388`
        "Gateway" => {
            let mut fields = plain(&[
                ("protocolIP", "invalid ProtocolIP : "),
                ("vtepIP", "invalid VTEPIP : "),
                ("vtepMAC", "VTEPMAC must be set"),
                ("asn", "ASN must be set"),
                ("neighbors", "at least one BGP neighbor must be defined"),
            ]);
            for (name, pointer) in interface_ips(object) {
                fields.push((
                    pointer,
                    format!("`{name}` has no `ips`"),
                    format!("interface {name} must have at least one IP address"),
                ));
            }
            fields
        }
        _ => Vec::new(),
    }
}

/// Each Gateway interface's name and the pointer of its `ips`.
fn interface_ips(gateway: &Value) -> Vec<(String, String)> {
    let interfaces = gateway
        .pointer("/spec/interfaces")
        .and_then(Value::as_object);
    interfaces
        .into_iter()
        .flat_map(|m| m.keys())
        .map(|name| {
            let pointer = format!("/spec/interfaces/{}/ips", rules::pointer_segment(name));
            (name.clone(), pointer)
        })
        .collect()
}

/// Absent, null, empty or Go's zero value: what `Default()` leaves unset.
fn unset(object: &Value, pointer: &str) -> bool {
    match object.pointer(pointer) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// Whether a VPC subnet of `object` has two static-lease keys for one MAC, neither in the
/// lowercase colon form `Default()` moves them to (`vpc_types.go:348-359`).
fn lease_kept_by_map_order(object: &Value) -> bool {
    let subnets = object.pointer("/spec/subnets").and_then(Value::as_object);
    subnets.into_iter().flat_map(|s| s.values()).any(|subnet| {
        let mut forms: BTreeMap<String, usize> = BTreeMap::new();
        let leases = subnet.pointer("/dhcp/static").and_then(Value::as_object);
        for mac in leases.into_iter().flat_map(|l| l.keys()) {
            if let Ok(octets) = rules::net::parse_mac(mac) {
                let canonical = rules::net::format_mac(&octets);
                if canonical != *mac {
                    *forms.entry(canonical).or_default() += 1;
                }
            }
        }
        forms.values().any(|count| *count >= 2)
    })
}

/// The excused class a disagreement belongs to, if any.
fn excuse(subject: &Subject, ours: &Ours, theirs: &Theirs) -> Option<Excuse> {
    if subject.kind == "VPC" && lease_kept_by_map_order(&subject.object) {
        return Some(Excuse::StaticLeaseByMapOrder);
    }
    if (ours.verdict, theirs.verdict) != (Verdict::Accept, Verdict::Reject) {
        return None;
    }
    let warned = |words: &str| ours.warnings.iter().any(|w| w.message.contains(words));
    let unhydrated = hydrated_fields(&subject.kind, &subject.object)
        .into_iter()
        .any(|(pointer, named, go)| {
            unset(&subject.object, &pointer) && theirs.error.starts_with(&go) && warned(&named)
        });
    if unhydrated {
        return Some(Excuse::UnhydratedField);
    }
    let gateway_off = subject.config.as_ref().is_some_and(|c| !c.enable_gateway);
    if !subject.config_given
        && gateway_off
        && theirs.error.starts_with("gateway support is not enabled")
        && warned("needs `spec.config.gateway.enable: true`")
    {
        return Some(Excuse::GatewaySupportNotGiven);
    }
    None
}

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
fn mutations(object: &Value) -> Vec<(String, Value)> {
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
fn integral_floats_as_integers(value: &mut Value) {
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

/// `object` with every unset hydrated field (`hydrated_fields`) filled as hhfab would, with
/// values valid for `config`. Most of Hedgehog's example Switches and Gateways are
/// unhydrated, and Go stops at the first unset field: mutating them as written would test
/// that one rule (an excused class) and hide every other. Mutations start from this copy.
fn hydrated(kind: &str, object: &Value, config: &FabricConfig) -> Value {
    let mut object = object.clone();
    let host = |subnet: &str, suffix: &str| -> String {
        let subnet: ipnet::Ipv4Net = subnet.parse().expect("full_config's subnets parse");
        let address = std::net::Ipv4Addr::from(u32::from(subnet.network()) + 10);
        format!(
            "{address}/{}",
            if suffix.is_empty() {
                subnet.prefix_len().to_string()
            } else {
                suffix.to_owned()
            }
        )
    };
    let role = object
        .pointer("/spec/role")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let protocol_ip = (
        "/spec/protocolIP".to_owned(),
        json!(host(&config.protocol_subnet, "32")),
    );
    let vtep_ip = (
        "/spec/vtepIP".to_owned(),
        json!(host(&config.vtep_subnet, "32")),
    );
    let values: Vec<(String, Value)> = match kind {
        "Switch" => {
            let asn = if role == "spine" {
                config.spine_asn
            } else {
                config.leaf_asn_start
            };
            let mut values = vec![
                (
                    "/spec/ip".to_owned(),
                    json!(host(&config.management_subnet, "")),
                ),
                protocol_ip,
                ("/spec/asn".to_owned(), json!(asn)),
            ];
            if role.ends_with("-leaf") {
                values.push(vtep_ip);
            }
            values
        }
        "Gateway" => {
            let mut values = vec![
                protocol_ip,
                vtep_ip,
                ("/spec/vtepMAC".to_owned(), json!("ca:fe:ba:be:00:01")),
                ("/spec/asn".to_owned(), json!(65534)),
                (
                    "/spec/neighbors".to_owned(),
                    json!([{"ip": "172.30.128.0", "asn": config.spine_asn}]),
                ),
            ];
            for (_, pointer) in interface_ips(&object) {
                values.push((pointer, json!(["172.30.128.1/31"])));
            }
            values
        }
        _ => Vec::new(),
    };
    for (pointer, value) in values {
        if unset(&object, &pointer) {
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            if let Some(parent) = object.pointer_mut(parent).and_then(Value::as_object_mut) {
                parent.insert(key, value);
            }
        }
    }
    object
}

/// The full resources of Hedgehog's examples (not partial, template, legacy or internal).
fn example_objects() -> Vec<(String, Value)> {
    let dir = common::fixtures().join("hedgehog-examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".yaml") && name.matches('.').count() == 1
        })
        .collect();
    files.sort();
    let mut objects = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(documents) = manifest::parse(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        for document in documents {
            let object = document.root.to_json();
            if object.get("kind").and_then(Value::as_str).is_some() {
                objects.push((format!("{name}:{}", document.start_line), object));
            }
        }
    }
    objects
}

#[test]
#[ignore = "needs hhoracle (HH_ORACLE), which .ci/run builds from ../shared/oracle"]
fn hh_gitops_and_hedgehogs_own_code_agree() {
    let binary = std::env::var("HH_ORACLE").expect("set HH_ORACLE to the hhoracle binary");
    let registry = Registry::embedded();
    let mut subjects = Vec::new();
    for case in cases::all_cases().into_iter().filter(|c| !c.cross_object) {
        let (config, config_given) = match &case.config {
            None => (Some(FabricConfig::fabricator_defaults()), false),
            Some(config) => (config.clone(), true),
        };
        let kind = case.object["kind"].as_str().unwrap_or_default().to_owned();
        // The cases reach fields and configs that the examples leave out: their mutations
        // run the rules behind those too. A Gateway case is mutated hydrated (see
        // `hydrated`); Go's Gateway rules read no config subnet, so the full config's
        // values serve whatever the case's config. A Switch's hydration values must suit
        // the case's config, which may lack them: Switch cases are mutated as written.
        let mutated_from = if kind == "Gateway" {
            hydrated(&kind, &case.object, &full_config())
        } else {
            case.object.clone()
        };
        for (edit, object) in
            std::iter::once((String::new(), case.object.clone())).chain(mutations(&mutated_from))
        {
            subjects.push(Subject {
                label: format!("{} {edit}", case.label()).trim_end().to_owned(),
                source: if edit.is_empty() {
                    "case"
                } else {
                    "case mutation"
                },
                kind: kind.clone(),
                object,
                config: config.clone(),
                config_given,
            });
        }
    }
    let config = full_config();
    for (label, object) in example_objects() {
        let kind = object["kind"].as_str().unwrap_or_default().to_owned();
        let mutated_from = hydrated(&kind, &object, &config);
        for (edit, mutated) in std::iter::once(("as written".to_owned(), object.clone()))
            .chain(mutations(&mutated_from))
        {
            subjects.push(Subject {
                label: format!("{label} {edit}"),
                source: "mutation",
                kind: kind.clone(),
                object: mutated,
                config: Some(config.clone()),
                config_given: true,
            });
        }
    }
    for subject in &mut subjects {
        integral_floats_as_integers(&mut subject.object);
    }
    let theirs = theirs(&binary, &subjects);
    let mut tally: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut excused: BTreeMap<Excuse, usize> = BTreeMap::new();
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for (subject, their) in subjects.iter().zip(&theirs) {
        let our = ours(&registry, subject);
        let counts = tally.entry(&subject.kind).or_default();
        match (our.verdict, their.verdict) {
            (Verdict::Skip(why), _) | (_, Verdict::Skip(why)) => {
                counts.skipped += 1;
                *skipped.entry(why).or_default() += 1;
            }
            (a, b) if a == b => counts.agreed += 1,
            _ => match excuse(subject, &our, their) {
                Some(class) => {
                    counts.excused += 1;
                    *excused.entry(class).or_default() += 1;
                }
                None => {
                    counts.disagreed += 1;
                    disagreements.push(format!(
                        "{} {}: hh-gitops {:?} `{}`, Hedgehog {:?} `{}`",
                        subject.source,
                        subject.label,
                        our.verdict,
                        our.first_error,
                        their.verdict,
                        their.error
                    ));
                }
            },
        }
    }
    print_report(&tally, &excused, &skipped);
    println!("{} unexplained disagreements", disagreements.len());
    assert!(
        disagreements.is_empty(),
        "{} disagreements with Hedgehog's own code:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// One kind's counts. Compared = agreed + excused + disagreed.
#[derive(Default, Clone, Copy)]
struct Tally {
    agreed: usize,
    excused: usize,
    disagreed: usize,
    skipped: usize,
}

impl Tally {
    fn compared(&self) -> usize {
        self.agreed + self.excused + self.disagreed
    }

    fn add(&mut self, other: &Tally) {
        self.agreed += other.agreed;
        self.excused += other.excused;
        self.disagreed += other.disagreed;
        self.skipped += other.skipped;
    }
}

/// The per-kind table (agreement = agreed / compared), then each excused class with its
/// rule and count, then why subjects were skipped.
fn print_report(
    tally: &BTreeMap<&str, Tally>,
    excused: &BTreeMap<Excuse, usize>,
    skipped: &BTreeMap<&str, usize>,
) {
    println!(
        "{:<20} {:>9} {:>7} {:>8} {:>9} {:>8} {:>10}",
        "kind", "compared", "agreed", "excused", "disagreed", "skipped", "agreement"
    );
    let row = |name: &str, t: &Tally| {
        let agreement = 100.0 * t.agreed as f64 / t.compared().max(1) as f64;
        println!(
            "{name:<20} {:>9} {:>7} {:>8} {:>9} {:>8} {:>9.1}%",
            t.compared(),
            t.agreed,
            t.excused,
            t.disagreed,
            t.skipped,
            agreement
        );
    };
    let mut total = Tally::default();
    for (kind, t) in tally {
        row(kind, t);
        total.add(t);
    }
    row("all", &total);
    println!("\nexcused disagreements:");
    for (class, count) in excused {
        println!("{count:>6}  {class:?}: {}", class.rule());
    }
    println!("\nskipped subjects:");
    for (why, count) in skipped {
        println!("{count:>6}  {why}");
    }
}
