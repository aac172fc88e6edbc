//! Hedgehog's admission rules: each user kind's `Default()` and `Validate()` from
//! githedgehog/fabric at commit `78827debafabbd0fafc6f6abd154a89da7fb69da`
//! (`api/{vpc,wiring}/v1beta1/*_types.go`, `api/gateway/v1alpha1/*_types.go`), ported one
//! file per upstream file, so that what hh-gitops moves to managed/ is what the fabric's
//! webhooks accept.
//!
//! Pure: a document that already passed its CRD schema comes in as JSON (after the API
//! server's null pruning), is read into a typed model mirroring the Go types' JSON fields,
//! defaulted as `Default()` does, and checked as `Validate()` does. Each problem is a
//! [`Violation`] carrying the JSON pointer of the offending field, so the caller can point
//! at its line and column. Rules that need other objects (the `kube != nil` branches) are
//! checked by [`cross_check`] against a [`state::FabricState`]: the fabric's other objects.

pub mod config;
pub mod config_file;
pub mod net;
pub mod refs;

mod connection;
mod decode;
mod external;
mod externalattachment;
mod externalpeering;
mod gateway;
mod gatewaygroup;
mod gatewaypeering;
mod ipv4namespace;
mod server;
mod switch;
mod switchgroup;
mod vlannamespace;
mod vpc;
mod vpcattachment;
mod vpcpeering;

pub mod state;
#[cfg(test)]
pub(crate) mod test_support;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use crate::finding::Severity;
use crate::kind::{Kind, kinds};
pub use crate::release::Release;
use config::FabricConfig;
/// The VLAN an ExternalAttachment uses on its connection, for `hh-gitops free vlan --connection`.
pub use externalattachment::vlan as external_attachment_vlan;

/// What the rules may read besides the object itself.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The fabric's configuration, as `Validate()` receives it (`nil` in some Go tests).
    pub config: Option<&'a FabricConfig>,
    /// Whether `config` was given by the user (a fab.yaml or fabric-ctrl-config) rather than
    /// fabricator's defaults. Feature switches that a default install leaves off but many
    /// fabrics turn on (gateways, extra switch profiles) are only warnings without one.
    pub config_given: bool,
    /// The Hedgehog release whose rules apply.
    pub release: Release,
}

/// The metadata fields the rules read (`metav1.ObjectMeta`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ObjectMeta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (`Default()` makes an empty one `default`).
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// Prefix of the labels the fabric computes itself (`LabelPrefix`, `wiring/v1beta1/meta.go`
/// and `vpc/v1beta1/meta.go:20`).
const FABRIC_LABEL_PREFIX: &str = "fabric.githedgehog.com/";

/// `meta.DefaultObjectMetadata` (`api/meta/validation.go:32-36`), which every `Default()`
/// starts with, the gateway kinds' included: an empty namespace becomes `default`.
fn default_namespace(metadata: &mut ObjectMeta) {
    if metadata.namespace.is_empty() {
        metadata.namespace = "default".to_owned();
    }
}

/// [`default_namespace`] and the label refresh that follows it in the `Default()` of the
/// vpc and wiring kinds (`CleanupFabricLabels`, `api/wiring/v1beta1/meta.go:99-105`): every
/// label containing `fabric.githedgehog.com/` is dropped, and the computed `labels` are
/// set. The cross-object rules list objects by these labels.
fn default_metadata(metadata: &mut ObjectMeta, labels: &[(&str, &str)]) {
    default_namespace(metadata);
    metadata
        .labels
        .retain(|key, _| !key.contains(FABRIC_LABEL_PREFIX));
    for (name, value) in labels {
        metadata
            .labels
            .insert(format!("{FABRIC_LABEL_PREFIX}{name}"), (*value).to_owned());
    }
}

/// A resource with its kind's spec type: each kind's module defines
/// `pub type Object = Resource<TheSpec>;`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Resource<Spec> {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: Spec,
}

static FABRICATOR_DEFAULTS: std::sync::LazyLock<FabricConfig> =
    std::sync::LazyLock::new(FabricConfig::fabricator_defaults);

impl Context<'static> {
    /// Fabricator's default config, not given by the user.
    pub fn fabricator_defaults() -> Self {
        Context {
            config: Some(&FABRICATOR_DEFAULTS),
            config_given: false,
            release: Release::NEWEST,
        }
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer of the offending field in the document as written (`/spec/subnets/a/vlan`).
    /// A field that `Default()` added points at the closest field that is in the document.
    pub pointer: String,
    /// What is wrong, with the values involved, and what is allowed.
    pub message: String,
    /// Error (rejects the file) or warning.
    pub severity: Severity,
    /// Its class, when the rule names one (one of [`crate::finding::rules`]); `None` for
    /// an id derived from the pointer.
    pub rule: Option<&'static str>,
}

/// Collects the violations of one object.
#[derive(Debug, Default)]
pub struct Violations {
    items: Vec<Violation>,
    /// For violations caused by another file (a reference to an object that a rejected or
    /// deleted file defined): the index of the violation and that file.
    causes: Vec<(usize, state::Origin)>,
    /// For warnings about a reference to an object nowhere in the repository: the index of
    /// the warning and what was missing.
    missing: Vec<(usize, Missing)>,
    /// The other objects each violation is about: the index of the violation and one
    /// object, in the order they were attached (so by index).
    involved: Vec<(usize, Involved)>,
}

/// Another object a violation is about: the other side of a conflict, or the object a reference names.
///
/// The caller decides by these, not by the message text, whether a finding is the doing of
/// a change that edits one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Involved {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Where it is written ([`state::Origin::built_in`] for a built-in SwitchProfile).
    pub origin: state::Origin,
}

/// A referenced object that is nowhere in the repository, and the check that was skipped
/// for want of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// The check that needed it.
    pub needed_for: String,
}

/// A violation of a cross-object rule, with the file that caused it when there is one.
#[derive(Debug, Clone)]
pub struct CrossViolation {
    /// The violation.
    pub violation: Violation,
    /// The file whose rejection or deletion caused it.
    pub cause: Option<state::Origin>,
    /// The object it is about when it only says that object is nowhere in the repository.
    pub missing: Option<Missing>,
    /// The other objects of the fabric state it is about, each once, in the order the rule
    /// named them.
    pub involved: Vec<Involved>,
}

#[cfg(test)]
impl CrossViolation {
    /// The pointer and the involved objects, each as ``Kind `name` (path:line)``: what the
    /// rules' tests assert.
    pub fn involved_described(&self) -> (String, Vec<String>) {
        let described = self
            .involved
            .iter()
            .map(|object| format!("{} `{}` ({})", object.kind, object.name, object.origin))
            .collect();
        (self.violation.pointer.clone(), described)
    }
}

impl Violations {
    /// Records an error at `pointer`.
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(pointer, message, Severity::Error);
    }

    /// Records a warning at `pointer`.
    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(pointer, message, Severity::Warning);
    }

    /// Records at `pointer` a finding that exists only because of the value of the fabric
    /// config's `fields`, which `message` names: an error when the user gave the config,
    /// else a warning saying that value is fabricator's default, assumed. Real fabrics use
    /// other subnets and ranges (NVIDIA's Air demo manages its switches from
    /// 192.168.200.0/24), and must not be refused for a default nobody chose.
    /// `--deny-warnings` makes the warning an error again.
    pub fn against_config(
        &mut self,
        ctx: &Context,
        fields: &[&str],
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        if ctx.config_given {
            self.error(pointer, message);
        } else {
            self.warning(
                pointer,
                format!(
                    "{}; that value is fabricator's default {}, assumed for want of a fabric config: if your fabric uses another, give its config with --fabric-config or <fabric>/fab.yaml",
                    message.into(),
                    backticked(fields)
                ),
            );
        }
    }

    fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>, severity: Severity) {
        self.items.push(Violation {
            pointer: pointer.into(),
            message: message.into(),
            severity,
            rule: None,
        });
    }

    /// Gives the violation recorded last the rule id `rule` (one of
    /// [`crate::finding::rules`]), for a class of problem that is not one field's rule.
    pub fn rule_of_last(&mut self, rule: &'static str) {
        if let Some(last) = self.items.last_mut() {
            last.rule = Some(rule);
        }
    }

    /// Whether an error (not a warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|v| v.severity == Severity::Error)
    }

    /// Marks the violation recorded last as caused by the file at `origin`.
    pub fn caused_by_last(&mut self, origin: state::Origin) {
        if let Some(last) = self.items.len().checked_sub(1) {
            self.causes.push((last, origin));
        }
    }

    /// Marks the violation recorded last as a warning that `missing` is nowhere in the
    /// repository.
    pub fn missing_last(&mut self, missing: Missing) {
        if let Some(last) = self.items.len().checked_sub(1) {
            self.missing.push((last, missing));
        }
    }

    /// Marks the violation recorded last as about the `kind` object `name` written at
    /// `origin` too. A violation may be about several objects; one attached twice counts
    /// once.
    pub fn involving_last(&mut self, kind: Kind, name: &str, origin: &state::Origin) {
        let Some(last) = self.items.len().checked_sub(1) else {
            return;
        };
        let already = self
            .involved
            .iter()
            .rev()
            .take_while(|(at, _)| *at == last)
            .any(|(_, object)| object.kind == kind && object.name == name);
        if !already {
            self.involved.push((
                last,
                Involved {
                    kind,
                    name: name.to_owned(),
                    origin: origin.clone(),
                },
            ));
        }
    }

    /// The violations, in the order they were found.
    pub fn into_vec(self) -> Vec<Violation> {
        self.items
    }

    /// The violations with their causes and the objects they involve, in the order they
    /// were found.
    pub fn into_cross(self) -> Vec<CrossViolation> {
        let mut causes = self.causes.into_iter().peekable();
        let mut missing = self.missing.into_iter().peekable();
        let mut involved = self.involved.into_iter().peekable();
        self.items
            .into_iter()
            .enumerate()
            .map(|(index, violation)| {
                let cause = causes.next_if(|(at, _)| *at == index).map(|(_, o)| o);
                let missing = missing.next_if(|(at, _)| *at == index).map(|(_, m)| m);
                let involved = std::iter::from_fn(|| involved.next_if(|(at, _)| *at == index))
                    .map(|(_, object)| object)
                    .collect();
                CrossViolation {
                    violation,
                    cause,
                    missing,
                    involved,
                }
            })
            .collect()
    }
}

/// `` `a`, `b` ``: names as the messages show them (empty for none).
pub fn backticked<T: std::fmt::Display>(names: impl IntoIterator<Item = T>) -> String {
    names
        .into_iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Escapes one JSON-pointer segment (`~` and `/`), for map keys such as subnet names;
/// borrowed when there is nothing to escape (most keys), so that a pointer costs one copy.
pub fn pointer_segment(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(key)
    }
}

/// Reads `object` into the kind's typed model. The CRD schema already passed, so a failure
/// means the model and the schema disagree: reported at the root rather than ignored.
fn typed<T: DeserializeOwned>(object: &Value, out: &mut Violations) -> Option<T> {
    // Read straight from the borrowed tree: cloning it first cost more than the rules.
    match T::deserialize(object) {
        Ok(typed) => Some(typed),
        Err(e) => {
            out.error("", format!("cannot be read as a Hedgehog resource: {e}"));
            None
        }
    }
}

/// Runs the kind's `Default()` and `Validate()` on `object` (a whole resource, as JSON,
/// after null pruning and the CRD schema check) and returns what it breaks. Kinds without
/// rules return nothing.
pub fn admit(kind: &Kind, object: &Value, ctx: &Context) -> Vec<Violation> {
    admit_typed(kind, object, ctx).0
}

/// Generates [`Typed`], one variant per kind with rules, and the dispatch of
/// [`admit_typed`] and [`cross_check`] to each kind's module, from the table of
/// [`kinds!`](crate::kind).
macro_rules! typed {
    (ruled { $($kind:literal => $variant:ident($module:ident) $field:ident,)* } $($unruled:tt)*) => {
        /// A resource read into its kind's typed model and defaulted, as the fabric stores it:
        /// what the fabric state holds and the cross-object rules read.
        #[derive(Debug, Clone)]
        pub enum Typed {
            $(
                #[doc = concat!("A ", $kind, ".")]
                $variant(std::sync::Arc<$module::Object>),
            )*
        }

        impl Typed {
            /// The object's kind.
            pub fn kind(&self) -> Kind {
                match self {
                    $(Typed::$variant(_) => Kind::$variant,)*
                }
            }

            /// The object's metadata.
            pub fn metadata(&self) -> &ObjectMeta {
                match self {
                    $(Typed::$variant(object) => &object.metadata,)*
                }
            }
        }

        /// [`admit`], also returning the defaulted typed object when it could be read.
        pub fn admit_typed(kind: &Kind, object: &Value, ctx: &Context) -> (Vec<Violation>, Option<Typed>) {
            let mut out = Violations::default();
            let typed = match kind {
                $(
                    Kind::$variant => typed::<$module::Object>(object, &mut out).map(|mut typed| {
                        $module::default(&mut typed);
                        $module::validate(&typed, ctx, &mut out);
                        Typed::$variant(std::sync::Arc::new(typed))
                    }),
                )*
                _ => None,
            };
            (out.into_vec(), typed)
        }

        /// The cross-object part of `object`'s `Validate()` (the Go `kube != nil` branches and
        /// the webhooks' update checks), against `state`, which holds `object` itself too.
        pub fn cross_check(object: &Typed, state: &state::FabricState, ctx: &Context) -> Vec<CrossViolation> {
            let mut out = Violations::default();
            match object {
                $(Typed::$variant(typed) => $module::validate_cross(typed, state, ctx, &mut out),)*
            }
            out.into_cross()
        }
    };
}

kinds!(typed);

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str) -> state::Origin {
        state::Origin {
            path: path.to_owned(),
            line: 1,
        }
    }

    fn involved(kind: Kind, name: &str, origin: state::Origin) -> Involved {
        Involved {
            kind,
            name: name.to_owned(),
            origin,
        }
    }

    #[test]
    fn involving_last_attaches_to_the_last_violation_only_and_several_objects_once_each() {
        let mut out = Violations::default();
        // Nothing recorded yet: nothing to attach to.
        out.involving_last(Kind::Vpc, "ghost", &at("managed/vpcs/ghost.yaml"));
        out.error("/spec/a", "first");
        out.involving_last(Kind::Vpc, "vpc-1", &at("managed/vpcs/vpc-1.yaml"));
        out.warning("/spec/b", "second, about nothing else");
        out.error("/spec/c", "third");
        out.involving_last(Kind::Vpc, "vpc-2", &at("raw/vpcs.yaml"));
        out.involving_last(Kind::SwitchProfile, "vs", &state::Origin::built_in());
        out.involving_last(Kind::Vpc, "vpc-2", &at("raw/vpcs.yaml"));
        out.caused_by_last(at("raw/rejected.yaml"));
        let found: Vec<(String, Vec<Involved>, Option<state::Origin>)> = out
            .into_cross()
            .into_iter()
            .map(|cross| (cross.violation.message, cross.involved, cross.cause))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "first".to_owned(),
                    vec![involved(Kind::Vpc, "vpc-1", at("managed/vpcs/vpc-1.yaml"))],
                    None
                ),
                ("second, about nothing else".to_owned(), vec![], None),
                (
                    "third".to_owned(),
                    vec![
                        involved(Kind::Vpc, "vpc-2", at("raw/vpcs.yaml")),
                        involved(Kind::SwitchProfile, "vs", state::Origin::built_in()),
                    ],
                    Some(at("raw/rejected.yaml"))
                ),
            ]
        );
    }
}
