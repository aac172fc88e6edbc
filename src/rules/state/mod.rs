//! The fabric state: every object the cross-object rules may look up, as the fabric would
//! hold it after this run's move. That is the fabric's `managed/` resources and the objects
//! exported into its `cluster/` folder (the fabric's own, which nothing applies), with the
//! run's accepted raw documents laid over them (the same kind and name replaces the managed
//! one, as the move will), plus the objects the fabric creates itself (the built-in
//! SwitchProfiles, and GatewayGroup `default` when gateways are on).
//! Every object is defaulted, labels included, as the fabric stores it.
//!
//! Built once per fabric (and updated after each round of rejections, see `crosscheck`), with
//! the indexes the rules need, so that each rule is a lookup, not a scan of the fabric. Pure:
//! the shell reads the files, this only arranges what it was given.

mod attachments;
mod gateway;
pub mod profiles;
mod vpc;
mod wiring;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::{Typed, Violations, gatewaygroup};
use crate::finding::rules;
use crate::kind::{Kind, kinds};
pub use attachments::AttachmentIndex;
pub use gateway::GatewayIndex;
pub use vpc::VpcIndex;
pub use wiring::WiringIndex;

/// What a reference to an object that is nowhere in the repository is (`--references`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum References {
    /// A warning, and the rules that needed the object are skipped: fabrics rely on objects
    /// Git often does not hold (the `default` namespaces, objects applied by hand).
    #[default]
    Warn,
    /// An error: the repository holds the whole fabric (what the fabric holds that Git
    /// does not apply exported into cluster/).
    Strict,
}

/// The GatewayGroup the fabric creates when gateways are on (`DefaultGatewayGroup`): a
/// Gateway without groups joins it.
const DEFAULT_GATEWAY_GROUP: &str = "default";

/// Where an object of the state was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The file, relative to the fabric folder (`raw/vpcs.yaml`,
    /// `managed/vpcs/vpc-1.yaml`); empty for objects the fabric has built in.
    pub path: String,
    /// 1-based line of the object's document in that file.
    pub line: u32,
}

impl Origin {
    /// The origin of an object the fabric has built in (a default SwitchProfile).
    pub fn built_in() -> Self {
        Origin {
            path: String::new(),
            line: 0,
        }
    }

    /// Whether the object is built into the fabric rather than written in the repository.
    pub fn is_built_in(&self) -> bool {
        self.path.is_empty()
    }

    /// Whether the object comes from the fabric's `managed/` folder (`check` shows a
    /// fabric's paths under the folder the user named, so the folder may come later).
    pub fn is_managed(&self) -> bool {
        self.path.starts_with("managed/") || self.path.contains("/managed/")
    }
}

impl fmt::Display for Origin {
    /// `raw/vpcs.yaml:12`, or `the fabric's built-in objects`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_built_in() {
            f.write_str("the fabric's built-in objects")
        } else {
            write!(f, "{}:{}", self.path, self.line)
        }
    }
}

/// One object of the state.
#[derive(Debug)]
pub struct Entry<T> {
    /// The object, defaulted.
    pub object: Arc<T>,
    /// Where it was written.
    pub origin: Origin,
    /// For a raw document that replaces a managed object: that managed object, as the
    /// update webhooks see the old version.
    pub previous: Option<Arc<T>>,
}

/// The objects of one kind, by name, and the names of those that a rejected raw file
/// defines (and that are therefore not in the state).
#[derive(Debug)]
pub struct Objects<T> {
    live: BTreeMap<String, Entry<T>>,
    withdrawn: BTreeMap<String, (Origin, WithdrawnBecause)>,
    /// Objects the fabric holds whose contents cannot be read (a managed file that does not
    /// parse, or does not fit its kind's model): they exist, and the checks that need their
    /// contents are skipped.
    unreadable: BTreeMap<String, Origin>,
}

impl<T> Default for Objects<T> {
    fn default() -> Self {
        Objects {
            live: BTreeMap::new(),
            withdrawn: BTreeMap::new(),
            unreadable: BTreeMap::new(),
        }
    }
}

impl<T> Objects<T> {
    /// The object named `name`, if it is in the state.
    pub fn get(&self, name: &str) -> Option<&Entry<T>> {
        self.live.get(name)
    }

    /// Every object of the kind, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Entry<T>)> {
        self.live.iter().map(|(name, entry)| (name.as_str(), entry))
    }

    /// Where `name` was defined and why the state lacks it, when it lacks it for a known
    /// reason (its raw file is rejected, or the change deletes its managed file).
    pub fn withdrawn(&self, name: &str) -> Option<&(Origin, WithdrawnBecause)> {
        self.withdrawn.get(name)
    }

    /// Where `name` is held when the fabric holds it but its contents cannot be read.
    pub fn unreadable(&self, name: &str) -> Option<&Origin> {
        self.unreadable.get(name)
    }
}

/// An object handed to [`FabricState::build_at`].
#[derive(Debug, Clone)]
pub struct Member {
    /// The object, defaulted.
    pub object: Typed,
    /// Where it was written.
    pub origin: Origin,
    /// The managed object it replaces, if any (same kind and name).
    pub previous: Option<Typed>,
}

/// A name that the state lacks for a known reason, so that a lookup can say why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn {
    /// The kind.
    pub kind: Kind,
    /// `metadata.name`.
    pub name: String,
    /// Where it was defined.
    pub origin: Origin,
    /// Why it is not in the state.
    pub reason: WithdrawnBecause,
}

/// Why a [`Withdrawn`] object is not in the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawnBecause {
    /// The raw file that defines it is rejected.
    Rejected,
    /// The change being checked deletes the managed file that defined it.
    Deleted,
    /// A raw file's move takes it out of managed/: the managed file holding it is replaced
    /// or removed by the move of the raw file at the origin.
    Displaced,
    /// The change being checked creates it, at a later step than the one being admitted
    /// (see `crosscheck::order`).
    Pending,
}

/// Generates the per-kind stores of [`FabricState`] and the sorting of members into them,
/// from the table of [`kinds!`](crate::kind).
macro_rules! stores {
    (ruled { $($kind:literal => $variant:ident($module:ident) $field:ident,)* } $($unruled:tt)*) => {
        /// The fabric's objects, by kind, with the indexes the cross-object rules use.
        #[derive(Debug, Default)]
        pub struct FabricState {
            /// What a reference to an object that is nowhere in the repository is.
            pub references: References,
            $(
                #[doc = concat!("Every ", $kind, ".")]
                pub $field: Objects<super::$module::Object>,
            )*
            /// The SwitchProfiles the fabric has built in (for its config).
            pub switch_profiles: Objects<profiles::Object>,
            /// VPC subnets and VLANs by namespace.
            pub vpc_index: VpcIndex,
            /// Ports, link addresses and switch addresses.
            pub wiring_index: WiringIndex,
            /// VPC and External attachments by connection.
            pub attachment_index: AttachmentIndex,
            /// Gateway addresses and peerings by VPC.
            pub gateway_index: GatewayIndex,
        }

        impl FabricState {
            fn insert(&mut self, member: Member) {
                let name = member.object.metadata().name.clone();
                match member.object {
                    $(
                        Typed::$variant(object) => {
                            let previous = match member.previous {
                                Some(Typed::$variant(previous)) => Some(previous),
                                _ => None,
                            };
                            let entry = Entry { object, origin: member.origin, previous };
                            self.$field.live.insert(name, entry);
                        }
                    )*
                }
            }

            /// Where the `kind` object `name` of the state was written, if the state holds it.
            pub fn origin_of(&self, kind: &Kind, name: &str) -> Option<&Origin> {
                match kind {
                    $(Kind::$variant => self.$field.get(name).map(|entry| &entry.origin),)*
                    _ => None,
                }
            }

            /// Where the `kind` object `name` was defined and why the state lacks that
            /// version, when it lacks it for a known reason (see [`Objects::withdrawn`]).
            pub fn withdrawn_of(&self, kind: &Kind, name: &str) -> Option<&(Origin, WithdrawnBecause)> {
                match kind {
                    $(Kind::$variant => self.$field.withdrawn(name),)*
                    _ => None,
                }
            }

            /// The name of a `kind` object the state holds (readable or not) that `name` is
            /// probably a typo of: what a reference to a missing `name` meant.
            pub fn typo_of(&self, kind: &Kind, name: &str) -> Option<&str> {
                let near = |candidate: &&str| crate::similar::likely_typo(candidate, name);
                match kind {
                    $(Kind::$variant => self.$field.live.keys()
                        .chain(self.$field.unreadable.keys())
                        .map(String::as_str)
                        .find(near),)*
                    Kind::SwitchProfile => self.switch_profiles.live.keys().map(String::as_str).find(near),
                    _ => None,
                }
            }

            /// The `kind` object `name` of the state, if it holds it readable.
            pub fn typed(&self, kind: &Kind, name: &str) -> Option<Typed> {
                match kind {
                    $(Kind::$variant => self.$field.get(name).map(|entry| Typed::$variant(entry.object.clone())),)*
                    _ => None,
                }
            }

            /// Takes the `kind` object `name` out of the live objects.
            fn remove(&mut self, kind: &Kind, name: &str) {
                match kind {
                    $(Kind::$variant => {
                        self.$field.live.remove(name);
                    })*
                    _ => {}
                }
            }

            /// Records that the fabric holds the `kind` object `name`, written at `origin`,
            /// whose contents cannot be read.
            pub fn hold_unreadable(&mut self, kind: &Kind, name: &str, origin: Origin) {
                match kind {
                    $(Kind::$variant => {
                        self.$field.unreadable.insert(name.to_owned(), origin);
                    })*
                    _ => {}
                }
            }

            fn withdraw(&mut self, withdrawn: Withdrawn) {
                let store = match withdrawn.kind {
                    $(Kind::$variant => &mut self.$field.withdrawn,)*
                    _ => return,
                };
                store
                    .entry(withdrawn.name)
                    .or_insert((withdrawn.origin, withdrawn.reason));
            }
        }
    };
}

kinds!(stores);

impl FabricState {
    /// [`FabricState::build_at`] the newest release: for unit tests of rules whose verdict
    /// does not depend on the release's built-in SwitchProfiles.
    #[cfg(test)]
    pub fn build(
        members: impl IntoIterator<Item = Member>,
        withdrawn: impl IntoIterator<Item = Withdrawn>,
        config: Option<&super::config::FabricConfig>,
        references: References,
    ) -> Self {
        Self::build_at(
            super::Release::NEWEST,
            members,
            withdrawn,
            config,
            references,
        )
    }

    /// Builds the state from `members` (later members replace earlier ones of the same kind
    /// and name: managed first, then raw), the names that rejected raw files define, and the
    /// objects a fabric of `release` with `config` creates itself (its built-in
    /// SwitchProfiles, and GatewayGroup `default` when gateways are on: a member of the same
    /// name replaces it); then its indexes.
    pub fn build_at(
        release: super::Release,
        members: impl IntoIterator<Item = Member>,
        withdrawn: impl IntoIterator<Item = Withdrawn>,
        config: Option<&super::config::FabricConfig>,
        references: References,
    ) -> Self {
        let mut state = FabricState {
            references,
            ..FabricState::default()
        };
        for (name, object) in profiles::built_in(config, release) {
            let entry = Entry {
                object,
                origin: Origin::built_in(),
                previous: None,
            };
            state.switch_profiles.live.insert(name, entry);
        }
        if config.is_some_and(|config| config.enable_gateway) {
            let mut group = gatewaygroup::Object::default();
            group.metadata.name = DEFAULT_GATEWAY_GROUP.to_owned();
            gatewaygroup::default(&mut group);
            let entry = Entry {
                object: Arc::new(group),
                origin: Origin::built_in(),
                previous: None,
            };
            state
                .gateway_groups
                .live
                .insert(DEFAULT_GATEWAY_GROUP.to_owned(), entry);
        }
        for member in members {
            state.insert(member);
        }
        for withdrawn in withdrawn {
            state.withdraw(withdrawn);
        }
        state.reindex();
        state
    }

    /// Takes out the object a raw file defined, now that the file is rejected: the managed
    /// object it was to replace (`restore`) comes back, else the name leaves the state, and
    /// a lookup of the name can say which file was rejected. Cheaper than building the state
    /// again after each round of rejections; call [`FabricState::reindex`] after the round's
    /// last one.
    pub fn reject(&mut self, withdrawn: Withdrawn, restore: Option<Member>) {
        match restore {
            Some(member) => self.insert(member),
            None => self.remove(&withdrawn.kind, &withdrawn.name),
        }
        self.withdraw(withdrawn);
    }

    /// Puts `member` in the state (replacing the object of its kind and name), as the
    /// fabric admits one step of a change; call [`FabricState::reindex`] after the last.
    pub fn put(&mut self, member: Member) {
        self.insert(member);
    }

    /// Takes the `kind` object `name` out of the state, as the fabric deletes it; call
    /// [`FabricState::reindex`] after the last.
    pub fn delete(&mut self, kind: &Kind, name: &str) {
        self.remove(kind, name);
    }

    /// Builds the indexes again from the objects.
    pub fn reindex(&mut self) {
        self.vpc_index = VpcIndex::build(self);
        self.wiring_index = WiringIndex::build(self);
        self.attachment_index = AttachmentIndex::build(self);
        self.gateway_index = GatewayIndex::build(self);
    }

    /// Looks up the `kind` object `name` that the field at `pointer` refers to, for the check
    /// described by `needed_for` (`the subnet containment check`). When it is not in the
    /// state, records why and returns `None`:
    /// - the fabric holds it but its contents cannot be read: nothing (its own file says
    ///   that the checks needing it are skipped);
    /// - a rejected raw file defines it, or the change deletes its managed file: an error
    ///   naming that file (it will not exist), marked as caused by it;
    /// - it is nowhere in the repository: a warning saying the check was skipped, or an error
    ///   with `--references strict`.
    pub fn lookup<'s, T>(
        &self,
        objects: &'s Objects<T>,
        kind: Kind,
        name: &str,
        pointer: &str,
        needed_for: &str,
        out: &mut Violations,
    ) -> Option<&'s Entry<T>> {
        if let Some(entry) = objects.get(name) {
            return Some(entry);
        }
        if objects.unreadable(name).is_some() {
            // It exists; its file says once that its checks are skipped.
            return None;
        }
        if let Some((origin, because)) = objects.withdrawn(name) {
            let message = match because {
                WithdrawnBecause::Rejected => format!(
                    "{kind} `{name}` is defined in {origin}, which is rejected, so it will not exist: fix that file first"
                ),
                WithdrawnBecause::Deleted => format!(
                    "{kind} `{name}` is deleted by this change ({}): keep it, or remove this reference",
                    origin.path
                ),
                WithdrawnBecause::Displaced => format!(
                    "{kind} `{name}` leaves managed/ when {origin} moves (that move replaces or removes the managed file holding it): give {kind} `{name}` a file of its own first"
                ),
                WithdrawnBecause::Pending => {
                    format!("{kind} `{name}` does not exist yet: this change creates it ({origin})")
                }
            };
            out.error(pointer, message);
            out.rule_of_last(rules::REF_WITHDRAWN);
            out.caused_by_last(origin.clone());
        } else {
            self.missing(kind, name, pointer, needed_for, out);
        }
        None
    }

    /// Records that the `kind` object `name` is nowhere in the repository, as the references
    /// policy says.
    pub fn missing(
        &self,
        kind: Kind,
        name: &str,
        pointer: &str,
        needed_for: &str,
        out: &mut Violations,
    ) {
        // A name one slip from an object the fabric has is a typo, whatever the policy:
        // moving the file would leave the fabric to refuse it (`dbb` where `db` exists).
        if let Some(meant) = self.typo_of(&kind, name) {
            out.error(
                pointer,
                format!(
                    "{kind} `{name}` does not exist: did you mean `{meant}`? (this fabric has {kind} `{meant}`, and no `{name}` in its managed/, cluster/ or raw/)"
                ),
            );
            out.rule_of_last(rules::REF_TYPO);
            return;
        }
        match self.references {
            References::Strict => {
                out.error(
                    pointer,
                    format!(
                        "{kind} `{name}` does not exist: it is in none of this fabric's managed/, cluster/ and raw/ (every reference must resolve when references are strict or warnings denied); if the fabric holds it, export it into cluster/"
                    ),
                );
                out.rule_of_last(rules::REF_MISSING);
            }
            References::Warn => {
                out.warning(
                    pointer,
                    format!(
                        "{kind} `{name}` is not in this fabric's managed/, cluster/ or raw/; {needed_for} was skipped (with --references strict this is an error)"
                    ),
                );
                out.rule_of_last(rules::REF_MISSING);
                out.missing_last(super::Missing {
                    kind,
                    name: name.to_owned(),
                    needed_for: needed_for.to_owned(),
                });
            }
        }
    }
}

#[cfg(test)]
impl FabricState {
    /// A state of `objects` (each a path and a whole resource as JSON, defaulted as the
    /// fabric would; an object whose kind has no rules is left out), for unit tests of the
    /// cross-object rules. Each object's origin is its path, line 1.
    pub fn of_objects(
        objects: &[(&str, serde_json::Value)],
        ctx: &super::Context,
        references: References,
    ) -> Self {
        let members = objects.iter().filter_map(|(path, object)| {
            let kind = Kind::from_name(object.get("kind")?.as_str()?);
            let (_, typed) = super::admit_typed(&kind, object, ctx);
            Some(Member {
                object: typed?,
                origin: Origin {
                    path: (*path).to_owned(),
                    line: 1,
                },
                previous: None,
            })
        });
        FabricState::build_at(ctx.release, members, [], ctx.config, references)
    }
}
