//! Builders the rules' unit tests share: objects as the YAML reader gives them, a context
//! with a configuration the user gave, and every finding of an object among others.

use serde_json::{Value, json};

use crate::kind::Kind;
use crate::rules::config::FabricConfig;
use crate::rules::state::{FabricState, References};
use crate::rules::{Context, Release, Severity, admit, cross_check};

/// An object of `kind` named `name` with `spec`, as a manifest holds it.
pub(crate) fn object(kind: &str, name: &str, spec: Value) -> Value {
    json!({"kind": kind, "metadata": {"name": name}, "spec": spec})
}

/// The context of a fabric whose configuration `config` the user gave (a fab.yaml or
/// fabric-ctrl-config), checked at `release`.
pub(crate) fn given_config(config: Option<&FabricConfig>, release: Release) -> Context<'_> {
    Context {
        config,
        config_given: true,
        release,
    }
}

/// Every finding of `subject` (stand-alone and cross-object) at `release` among `others`,
/// with fabricator's default config given (fabric MTU 9100, server-facing offset 64), as
/// `E <pointer>: <message>` or `W ...`: what the release tests of every kind assert.
pub(crate) fn findings(release: Release, subject: &Value, others: &[Value]) -> Vec<String> {
    let config = FabricConfig::fabricator_defaults();
    let ctx = given_config(Some(&config), release);
    let mut objects: Vec<(String, Value)> = others
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("managed/{i}.yaml"), o.clone()))
        .collect();
    objects.push(("raw/conn.yaml".to_owned(), subject.clone()));
    let borrowed: Vec<(&str, Value)> = objects
        .iter()
        .map(|(path, o)| (path.as_str(), o.clone()))
        .collect();
    let state = FabricState::of_objects(&borrowed, &ctx, References::Strict);
    let kind = Kind::from_name(subject["kind"].as_str().unwrap());
    let name = subject["metadata"]["name"].as_str().unwrap();
    let mut found = admit(&kind, subject, &ctx);
    let typed = state.typed(&kind, name).unwrap();
    found.extend(
        cross_check(&typed, &state, &ctx)
            .into_iter()
            .map(|c| c.violation),
    );
    found
        .into_iter()
        .map(|v| {
            let tag = if v.severity == Severity::Error {
                "E"
            } else {
                "W"
            };
            format!("{tag} {}: {}", v.pointer, v.message)
        })
        .collect()
}
