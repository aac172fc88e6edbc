//! The checks of `HydrationValidation()` (`switch_types.go:291-445`) on the values hhfab
//! fills in (`ip`, `protocolIP`, `asn`, `vtepIP`) that need only the switch and the fabric
//! config: each value that is present lies where the config puts it. Their uniqueness
//! among switches and gateways needs the other objects (issue 8).

use ipnet::IpNet;

use super::super::config::FabricConfig;
use super::super::{Context, Violations, net};
use super::SwitchSpec;

/// The hydration checks of `HydrationValidation()` (`:372-442`) that need no other object.
/// A config field that does not parse skips the checks that need it: the config is not
/// the switch's fault. Each finding rests on a config value: a warning when that value is
/// fabricator's default (`Violations::against_config`).
pub(super) fn validate(
    spec: &SwitchSpec,
    asn: Option<u32>,
    config: &FabricConfig,
    ctx: &Context,
    out: &mut Violations,
) {
    if !spec.ip.is_empty() {
        validate_management_ip(&spec.ip, config, ctx, out);
    }
    if !spec.protocol_ip.is_empty() {
        validate_slash_32(
            "/spec/protocolIP",
            "protocol IP",
            &spec.protocol_ip,
            ("protocol subnet", "protocolSubnet", &config.protocol_subnet),
            ctx,
            out,
        );
    }
    if let Some(asn) = asn {
        if spec.is_leaf() && !(config.leaf_asn_start..=config.leaf_asn_end).contains(&asn) {
            out.against_config(
                ctx,
                &["leafASNStart", "leafASNEnd"],
                "/spec/asn",
                format!(
                    "leaf ASN `{asn}` is outside the fabric's leaf ASN range `{}-{}` (`leafASNStart`..`leafASNEnd`)",
                    config.leaf_asn_start, config.leaf_asn_end
                ),
            );
        }
        if spec.is_spine() && asn != config.spine_asn {
            out.against_config(
                ctx,
                &["spineASN"],
                "/spec/asn",
                format!(
                    "spine ASN `{asn}` is not the fabric's spine ASN `{}` (`spineASN`): every spine uses it",
                    config.spine_asn
                ),
            );
        }
    }
    if spec.is_leaf() && !spec.vtep_ip.is_empty() {
        validate_slash_32(
            "/spec/vtepIP",
            "VTEP IP",
            &spec.vtep_ip,
            ("VTEP subnet", "vtepSubnet", &config.vtep_subnet),
            ctx,
            out,
        );
    }
}

/// `:372-387`: `ip` is a prefix whose address lies in the management subnet, below the
/// management DHCP range, and is not the control VIP.
fn validate_management_ip(ip: &str, config: &FabricConfig, ctx: &Context, out: &mut Violations) {
    let pointer = "/spec/ip";
    let address = match net::parse_prefix(ip) {
        Ok(prefix) => prefix.addr(),
        Err(e) => {
            out.error(
                pointer,
                format!(
                    "management IP {e}: write it with the management subnet's length, e.g. `172.30.0.8/21`"
                ),
            );
            return;
        }
    };
    if let Some(subnet) = config_prefix(&config.management_subnet) {
        if !subnet.contains(&address) {
            out.against_config(
                ctx,
                &["managementSubnet"],
                pointer,
                format!(
                    "management IP `{address}` is outside the fabric's management subnet `{subnet}` (`managementSubnet`)"
                ),
            );
        } else if let Ok(start) = net::parse_addr(&config.management_dhcp_start)
            && address >= start
        {
            out.against_config(
                ctx,
                &["managementDHCPStart"],
                pointer,
                format!(
                    "management IP `{address}` is in the management DHCP range, which starts at `{start}` (`managementDHCPStart`): a switch's IP must be below it"
                ),
            );
        }
    }
    if let Ok(vip) = net::parse_prefix(&config.control_vip)
        && vip.addr() == address
    {
        out.against_config(
            ctx,
            &["controlVIP"],
            pointer,
            format!(
                "management IP `{address}` is the control node's VIP (`controlVIP` `{}`): pick another address",
                config.control_vip
            ),
        );
    }
}

/// `:389-400` and `:425-436`: a protocol or VTEP IP is a /32 inside its config subnet.
fn validate_slash_32(
    pointer: &str,
    what: &str,
    value: &str,
    (subnet_name, subnet_field, subnet): (&str, &str, &str),
    ctx: &Context,
    out: &mut Violations,
) {
    let prefix = match net::parse_prefix(value) {
        Ok(prefix) => prefix,
        Err(e) => {
            out.error(
                pointer,
                format!("{what} {e}: write it as a /32, e.g. `172.30.8.2/32`"),
            );
            return;
        }
    };
    if prefix.prefix_len() != 32 {
        out.error(
            pointer,
            format!(
                "{what} `{value}` is not a /32: it is one address, written `{}/32`",
                prefix.addr()
            ),
        );
    }
    if let Some(subnet) = config_prefix(subnet)
        && !subnet.contains(&prefix.addr())
    {
        out.against_config(
            ctx,
            &[subnet_field],
            pointer,
            format!(
                "{what} `{}` is outside the fabric's {subnet_name} `{subnet}` (`{subnet_field}`)",
                prefix.addr()
            ),
        );
    }
}

/// A config prefix, masked; `None` when it is empty or does not parse.
fn config_prefix(text: &str) -> Option<IpNet> {
    net::parse_prefix(text).ok().map(|p| p.trunc())
}
