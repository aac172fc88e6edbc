//! The Kubernetes kinds hh-gitops knows by name, as one enum: a kind is checked by the
//! compiler rather than spelled as a string in every module that tells kinds apart.
//!
//! `kinds!` is the one table of the built-in kinds. It hands the table to a macro, so
//! that each place generated per kind (the [`Kind`] enum here; the typed objects and
//! their dispatch in `rules`; the fabric state's stores) reads the same rows. A new kind
//! is a row here, plus its schema row in `schema` and, for a kind with rules, its module
//! in `rules`. A leaf: it uses no other module of the crate, so every layer may name a
//! kind.

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

/// Calls `$then!` with the table of built-in kinds: first the kinds with admission rules
/// (`"<kind>" => <variant>(<rules module>) <fabric state field>`), then the Hedgehog kinds
/// hh-gitops names without rules of its own (`"<kind>" => <variant>`): the fab.yaml kinds
/// and those the fabric's controllers create and own. `$then` must be in scope where this
/// is invoked, and takes what it needs of both sections.
macro_rules! kinds {
    ($then:ident) => {
        $then! {
            ruled {
                "VPC" => Vpc(vpc) vpcs,
                "VPCAttachment" => VpcAttachment(vpcattachment) vpc_attachments,
                "VPCPeering" => VpcPeering(vpcpeering) vpc_peerings,
                "IPv4Namespace" => Ipv4Namespace(ipv4namespace) ipv4_namespaces,
                "External" => External(external) externals,
                "ExternalAttachment" => ExternalAttachment(externalattachment) external_attachments,
                "ExternalPeering" => ExternalPeering(externalpeering) external_peerings,
                "Connection" => Connection(connection) connections,
                "Switch" => Switch(switch) switches,
                "Server" => Server(server) servers,
                "SwitchGroup" => SwitchGroup(switchgroup) switch_groups,
                "VLANNamespace" => VlanNamespace(vlannamespace) vlan_namespaces,
                "Gateway" => Gateway(gateway) gateways,
                "GatewayGroup" => GatewayGroup(gatewaygroup) gateway_groups,
                "GatewayPeering" => GatewayPeering(gatewaypeering) gateway_peerings,
            }
            unruled {
                "SwitchProfile" => SwitchProfile,
                "ServerProfile" => ServerProfile,
                "Agent" => Agent,
                "Catalog" => Catalog,
                "DHCPSubnet" => DhcpSubnet,
                "VPCInfo" => VpcInfo,
                "GatewayAgent" => GatewayAgent,
                "Fabricator" => Fabricator,
                "ControlNode" => ControlNode,
                "FabNode" => FabNode,
            }
        }
    };
}
pub(crate) use kinds;

/// Generates [`Kind`] and its names from the table of `kinds!`.
macro_rules! kind_enum {
    (
        ruled { $($kind:literal => $variant:ident($module:ident) $field:ident,)* }
        unruled { $($other:literal => $other_variant:ident,)* }
    ) => {
        /// A Kubernetes kind: one of the built-in kinds, or any other kind by name (one from
        /// `--schemas`, or one hh-gitops does not know). Ordered as the kinds' names are, so
        /// that output sorted by kind reads alphabetically.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Kind {
            $(
                #[doc = concat!("`", $kind, "`, which has admission rules.")]
                $variant,
            )*
            $(
                #[doc = concat!("`", $other, "`.")]
                $other_variant,
            )*
            /// Any kind that is not built in.
            Other(OtherKind),
        }

        impl Kind {
            /// The kind's name, exactly as Kubernetes spells it (`VPC`).
            pub fn as_str(&self) -> &str {
                match self {
                    $(Kind::$variant => $kind,)*
                    $(Kind::$other_variant => $other,)*
                    Kind::Other(other) => &other.0,
                }
            }

            /// The kind named `name` (exact and case-sensitive, as Kubernetes matches kinds).
            pub fn from_name(name: &str) -> Kind {
                match name {
                    $($kind => Kind::$variant,)*
                    $($other => Kind::$other_variant,)*
                    _ => Kind::Other(OtherKind(name.into())),
                }
            }

            /// Whether the kind has admission rules (and so a place in the fabric state).
            pub fn has_rules(&self) -> bool {
                matches!(self, $(Kind::$variant)|*)
            }
        }
    };
}

kinds!(kind_enum);

/// The name of a kind that is not built in. Made only by [`Kind::from_name`], so it never
/// holds a built-in kind's name and a kind has one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OtherKind(Box<str>);

/// The kind's name, padded and cut as a string is (`{:<20}` lines up a table's kinds).
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// By name. Two built-in kinds of the same variant are equal without comparing their
/// names: the fabric state's maps, keyed by kind and name, compare kinds millions of times.
impl Ord for Kind {
    fn cmp(&self, other: &Self) -> Ordering {
        let same_builtin = !matches!(self, Kind::Other(_))
            && std::mem::discriminant(self) == std::mem::discriminant(other);
        if same_builtin {
            Ordering::Equal
        } else {
            self.as_str().cmp(other.as_str())
        }
    }
}

impl PartialOrd for Kind {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_exactly() {
        for name in [
            "VPC",
            "VLANNamespace",
            "SwitchProfile",
            "Fabricator",
            "Thing",
        ] {
            assert_eq!(Kind::from_name(name).as_str(), name);
            assert_eq!(Kind::from_name(name).to_string(), name);
        }
        assert_eq!(Kind::from_name("VPC"), Kind::Vpc);
        assert!(matches!(Kind::from_name("vpc"), Kind::Other(_)));
        assert!(Kind::Vpc.has_rules() && !Kind::SwitchProfile.has_rules());
        assert!(!Kind::from_name("Thing").has_rules());
        assert_eq!(format!("[{:<6}]", Kind::Vpc), "[VPC   ]");
    }

    #[test]
    fn kinds_order_as_their_names() {
        let mut kinds: Vec<Kind> = [
            "VPC",
            "Switch",
            "Agent",
            "Thing",
            "Connection",
            "VLANNamespace",
            "Ahead",
            "VPC",
        ]
        .map(Kind::from_name)
        .to_vec();
        kinds.sort();
        let names: Vec<&str> = kinds.iter().map(Kind::as_str).collect();
        assert_eq!(
            names,
            [
                "Agent",
                "Ahead",
                "Connection",
                "Switch",
                "Thing",
                "VLANNamespace",
                "VPC",
                "VPC"
            ]
        );
        assert_eq!(Kind::Vpc.cmp(&Kind::Vpc), Ordering::Equal);
        let thing = Kind::from_name("Thing");
        assert_eq!(thing.cmp(&Kind::from_name("Thing")), Ordering::Equal);
        assert_eq!(thing.cmp(&Kind::from_name("Thin")), Ordering::Greater);
    }

    #[test]
    fn serialises_as_its_name() {
        assert_eq!(
            serde_json::to_string(&Kind::VlanNamespace).unwrap(),
            "\"VLANNamespace\""
        );
    }
}
