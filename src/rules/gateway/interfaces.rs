//! A Gateway's interfaces (`gateway_types.go:276-365`): Linux interface names, IPv4
//! prefixes, and the PCI address or kernel name that picks the NIC.

use std::collections::BTreeMap;

use super::{GatewayInterface, check_u32, present_or_parent};
use crate::rules::decode::parse_go_hex;
use crate::rules::{Violations, net, pointer_segment};

/// What a Linux interface name may be (`linuxIfaceNameRegex`,
/// `^[a-zA-Z][a-zA-Z0-9_.-]{0,8}[a-zA-Z0-9]$`), said for people.
const LINUX_NAME_RULE: &str = "2 to 10 characters of letters, digits, `_`, `.` and `-`, starting with a letter and ending with a letter or digit";

/// Checks every interface; at least one is needed.
pub(super) fn validate(
    interfaces: Option<&BTreeMap<String, GatewayInterface>>,
    out: &mut Violations,
) {
    let interfaces = match interfaces {
        Some(interfaces) if !interfaces.is_empty() => interfaces,
        _ => {
            out.error(
                present_or_parent(interfaces.is_some(), "/spec", "interfaces"),
                "no interfaces: a gateway needs at least one, e.g. `interfaces: {eth1: {kernel: enp2s1, ips: [172.30.128.3/31]}}`",
            );
            return;
        }
    };
    for (name, interface) in interfaces {
        validate_one(name, interface, out);
    }
    // `gateway_types.go:304-307,362-365`: "either PCI or kernel" and "no mix of PCI and
    // kernel interfaces" are commented out upstream, so not checked.
}

fn validate_one(name: &str, interface: &GatewayInterface, out: &mut Violations) {
    let at = interface_pointer(name);
    // Go also rejects names over 15 characters first (`:281-283`); the pattern allows 10.
    if !is_linux_interface_name(name) {
        out.error(
            &at,
            format!(
                "interface name `{name}` is not a valid Linux interface name: {LINUX_NAME_RULE}"
            ),
        );
    }
    match interface.ips.as_deref() {
        Some(ips) if !ips.is_empty() => {
            for (index, ip) in ips.iter().enumerate() {
                let pointer = format!("{at}/ips/{index}");
                match net::parse_prefix(ip) {
                    Err(_) => out.error(
                        pointer,
                        format!("interface `{name}` IP `{ip}` is not an IP prefix: write it as `a.b.c.d/len`, e.g. `172.30.128.3/31`"),
                    ),
                    Ok(ipnet::IpNet::V6(_)) => out.error(
                        pointer,
                        format!("interface `{name}` IP `{ip}` is IPv6: only IPv4 is supported"),
                    ),
                    Ok(ipnet::IpNet::V4(_)) => {}
                }
            }
        }
        ips => out.warning(
            present_or_parent(ips.is_some(), &at, "ips"),
            format!("interface `{name}` has no `ips`: hhfab fills them for a link of a gateway Connection when it hydrates the wiring; the fabric requires at least one IPv4 prefix"),
        ),
    }
    check_u32(interface.mtu, &format!("{at}/mtu"), out);
    if !interface.pci.is_empty() && !interface.kernel.is_empty() {
        out.error(
            &at,
            format!("interface `{name}` has both `pci` and `kernel`: set one of them"),
        );
    }
    if !interface.pci.is_empty()
        && let Err(problem) = check_pci_address(&interface.pci)
    {
        out.error(
            format!("{at}/pci"),
            format!(
                "interface `{name}` PCI address `{}` is not valid ({problem}): write `domain:bus:device.function` in hex, e.g. `0000:02:00.0`",
                interface.pci
            ),
        );
    }
    let kernel = &interface.kernel;
    if !kernel.is_empty() {
        if !is_linux_interface_name(kernel) {
            out.error(
                format!("{at}/kernel"),
                format!("interface `{name}` kernel name `{kernel}` is not a valid Linux interface name: {LINUX_NAME_RULE}"),
            );
        }
        if kernel == name {
            out.error(
                format!("{at}/kernel"),
                format!("interface `{name}` has kernel name `{kernel}`: the interface name and the kernel name must differ"),
            );
        }
    }
}

/// `linuxIfaceNameRegex`: `^[a-zA-Z][a-zA-Z0-9_.-]{0,8}[a-zA-Z0-9]$`.
fn is_linux_interface_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    (2..=10).contains(&bytes.len())
        && first.is_ascii_alphabetic()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The PCI address check of `gateway_types.go:308-349`, in its order: 12 characters,
/// `<d:b:d>.<function>`, function 0-7, then domain 0-FFFF, bus 0-FF, device 0-1F, each
/// read as Go's `strconv.ParseInt(s, 16, 64)` reads it (a sign is allowed).
fn check_pci_address(pci: &str) -> Result<(), String> {
    if pci.len() != 12 {
        return Err(format!("it has {} characters, not 12", pci.len()));
    }
    let Some((location, function)) = pci.split_once('.').filter(|(_, f)| !f.contains('.')) else {
        return Err("it needs exactly one `.` before the function".into());
    };
    check_hex_part("function", function, 0x7)?;
    let parts: Vec<&str> = location.split(':').collect();
    let [domain, bus, device] = parts.as_slice() else {
        return Err("it needs `domain:bus:device` before the `.`".into());
    };
    check_hex_part("domain", domain, 0xFFFF)?;
    check_hex_part("bus", bus, 0xFF)?;
    check_hex_part("device", device, 0x1F)
}

/// One hexadecimal part of a PCI address, between 0 and `max`.
fn check_hex_part(what: &str, text: &str, max: i64) -> Result<(), String> {
    match parse_go_hex(text) {
        None => Err(format!("{what} `{text}` is not a hexadecimal number")),
        Some(value) if !(0..=max).contains(&value) => {
            Err(format!("{what} `{text}` is outside 0-{max:X}"))
        }
        Some(_) => Ok(()),
    }
}

/// The JSON pointer of interface `name`.
fn interface_pointer(name: &str) -> String {
    format!("/spec/interfaces/{}", pointer_segment(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pci_addresses_as_go_reads_them() {
        assert_eq!(check_pci_address("0000:02:00.0"), Ok(()));
        assert_eq!(check_pci_address("ffff:ff:1f.7"), Ok(()));
        // Only the length is fixed: other splits of 12 characters pass, as in Go.
        assert_eq!(check_pci_address("000:0002:0.7"), Ok(()));
        assert_eq!(check_pci_address("+000:02:00.7"), Ok(()));
        assert_eq!(check_pci_address("0000:02:0.00"), Ok(()));
        for (bad, why) in [
            ("0000:02:00.8", "function `8` is outside 0-7"),
            ("0000:02:20.0", "device `20` is outside 0-1F"),
            ("0000:02:00.-", "function `-` is not a hexadecimal number"),
            ("0000:02:-1.0", "device `-1` is outside 0-1F"),
            ("10000:2:00.0", "domain `10000` is outside 0-FFFF"),
            ("000g:02:00.0", "domain `000g` is not a hexadecimal number"),
            ("0000:02:00:0", "exactly one `.`"),
            ("0000.02.00.0", "exactly one `.`"),
            ("00:00:02:0.0", "`domain:bus:device`"),
            ("0000:02:00.00", "13 characters"),
        ] {
            let problem = check_pci_address(bad).unwrap_err();
            assert!(problem.contains(why), "{bad}: {problem}");
        }
    }

    #[test]
    fn linux_interface_names() {
        for good in ["eth0", "e1", "enp2s1", "a_b.c-d9", "abcdefghij"] {
            assert!(is_linux_interface_name(good), "{good}");
        }
        for bad in ["", "e", "0eth", "eth-", "abcdefghijk", "eth 0", "ethé0"] {
            assert!(!is_linux_interface_name(bad), "{bad}");
        }
    }
}
