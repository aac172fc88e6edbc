//! IP, prefix and MAC parsing with the semantics of the Go functions Hedgehog's rules call,
//! so that a value is accepted here exactly when Go accepts it. Named after them:
//! `netip.ParsePrefix`, `net.ParseCIDR`, `netip.ParseAddr`, `net.ParseIP`, `net.ParseMAC`.
//! Built on `ipnet` and the standard library's address parsers (which, like Go's, refuse
//! leading zeros in IPv4 octets).

use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};

use super::Release;

/// `netip.ParsePrefix`: `addr/bits`, IPv4 or IPv6, host bits allowed (not masked), no zone,
/// bits in decimal without a sign or leading zeros.
pub fn parse_prefix(text: &str) -> Result<IpNet, String> {
    let (addr, bits) = text
        .rsplit_once('/')
        .ok_or_else(|| format!("`{text}` is not a prefix: no '/'"))?;
    let ip = parse_addr(addr).map_err(|_| format!("`{text}` is not a prefix: bad address"))?;
    let valid_bits = !bits.is_empty()
        && bits.len() <= 3
        && bits.bytes().all(|b| b.is_ascii_digit())
        && !(bits.len() > 1 && bits.starts_with('0'));
    let len: u8 = match bits.parse() {
        Ok(len) if valid_bits => len,
        _ => return Err(format!("`{text}` is not a prefix: bad bits after slash")),
    };
    IpNet::new(ip, len).map_err(|_| format!("`{text}` is not a prefix: prefix length out of range"))
}

/// A VPC or IPv4Namespace subnet as the release's Go parses it: `net.ParseCIDR` at 26.01
/// (fabric v0.115.4 `vpc_types.go:394`, `ipv4namespace_types.go:123`), which takes leading
/// zeros in the length (`10.0.1.0/024`), else `netip.ParsePrefix`, which refuses them.
/// Host bits are kept either way.
pub fn parse_subnet(text: &str, release: Release) -> Result<IpNet, String> {
    if release < Release::V26_02 {
        parse_cidr_as_written(text)
    } else {
        parse_prefix(text)
    }
}

/// `net.ParseCIDR` with the address as written (host bits kept): an IPv4 or IPv6 address
/// (an IPv4-mapped one stays IPv6, as Go sizes the mask by the written form), `/`, then
/// decimal digits, leading zeros allowed. It accepts everything [`parse_prefix`] does, so
/// `Default()`, which has no release, fills a subnet's defaults by it: a subnet the
/// release's parser refuses is rejected whatever was filled.
pub fn parse_cidr_as_written(text: &str) -> Result<IpNet, String> {
    let bad = || format!("invalid CIDR address: {text}");
    let (addr, bits) = text.split_once('/').ok_or_else(bad)?;
    let ip = if addr.contains(':') {
        addr.parse::<std::net::Ipv6Addr>().map(IpAddr::V6)
    } else {
        addr.parse::<Ipv4Addr>().map(IpAddr::V4)
    }
    .map_err(|_| bad())?;
    if bits.is_empty() || !bits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let digits = bits.trim_start_matches('0');
    let len: u8 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| bad())?
    };
    IpNet::new(ip, len).map_err(|_| bad())
}

/// `netip.ParsePrefix` restricted to IPv4, as most fabric fields are.
pub fn parse_prefix_v4(text: &str) -> Result<Ipv4Net, String> {
    match parse_prefix(text)? {
        IpNet::V4(net) => Ok(net),
        IpNet::V6(_) => Err(format!(
            "`{text}` is an IPv6 prefix: only IPv4 is supported"
        )),
    }
}

/// `net.ParseCIDR`: the address as written and its network (masked). Unlike `ParsePrefix`
/// it accepts leading zeros in the bits.
pub fn parse_cidr(text: &str) -> Result<(IpAddr, IpNet), String> {
    let (addr, bits) = text
        .rsplit_once('/')
        .ok_or_else(|| format!("invalid CIDR address: {text}"))?;
    let ip = parse_ip(addr).ok_or_else(|| format!("invalid CIDR address: {text}"))?;
    let len: u8 = if !bits.is_empty() && bits.len() <= 3 && bits.bytes().all(|b| b.is_ascii_digit())
    {
        bits.parse()
            .map_err(|_| format!("invalid CIDR address: {text}"))?
    } else {
        return Err(format!("invalid CIDR address: {text}"));
    };
    let net = IpNet::new(ip, len).map_err(|_| format!("invalid CIDR address: {text}"))?;
    Ok((ip, net.trunc()))
}

/// `netip.ParseAddr` without IPv6 zones: for the fields whose address Go goes on to look
/// for in a prefix, which a zoned address never is in (`netip.Prefix.Contains`). Fields Go
/// only parses take [`parse_addr_zoned`].
pub fn parse_addr(text: &str) -> Result<IpAddr, String> {
    text.parse::<IpAddr>()
        .map_err(|_| format!("`{text}` is not an IP address"))
}

/// `netip.ParseAddr` as Go has it: also an IPv6 address with a non-empty zone
/// (`fe80::1%eth0`), returned without its zone.
pub fn parse_addr_zoned(text: &str) -> Result<IpAddr, String> {
    match text.split_once('%') {
        Some((addr, zone)) if !zone.is_empty() => addr
            .parse::<std::net::Ipv6Addr>()
            .map(IpAddr::V6)
            .map_err(|_| {
                format!("`{text}` is not an IP address: only an IPv6 address takes a zone")
            }),
        Some(_) => Err(format!("`{text}` is not an IP address: its zone is empty")),
        None => parse_addr(text),
    }
}

/// An address of a VPC subnet's gateway or DHCP range, as the release's Go parses it:
/// `net.ParseIP` at 26.01 (fabric v0.115.4 `vpc_types.go:422,484,502`), which reads an
/// IPv4-mapped IPv6 address (`::ffff:10.0.1.1`) as IPv4 and so finds it inside an IPv4
/// subnet; `netip.ParseAddr` from 26.02, which keeps it IPv6 and outside.
pub fn parse_subnet_addr(text: &str, release: Release) -> Result<IpAddr, String> {
    if release < Release::V26_02 {
        parse_ip(text).ok_or_else(|| format!("`{text}` is not an IP address"))
    } else {
        parse_addr(text)
    }
}

/// `netip.ParseAddr` restricted to IPv4.
pub fn parse_addr_v4(text: &str) -> Result<Ipv4Addr, String> {
    match parse_addr(text)? {
        IpAddr::V4(ip) => Ok(ip),
        IpAddr::V6(_) => Err(format!(
            "`{text}` is an IPv6 address: only IPv4 is supported"
        )),
    }
}

/// `net.ParseIP`: IPv4 (also in its IPv4-mapped IPv6 form, returned as IPv4) or IPv6;
/// `None` when it is neither.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    match text.parse::<IpAddr>().ok()? {
        IpAddr::V6(v6) => Some(v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)),
        v4 => Some(v4),
    }
}

/// `net.ParseMAC`: IEEE 802 MAC-48, EUI-48, EUI-64 or 20-octet IPoIB addresses, written with
/// `:` or `-` between octets or `.` between groups of four hex digits.
pub fn parse_mac(text: &str) -> Result<Vec<u8>, String> {
    let bad = || format!("`{text}` is not a MAC address");
    let bytes = text.as_bytes();
    if bytes.len() < 14 {
        return Err(bad());
    }
    let hex = |pair: &[u8]| -> Option<u8> {
        std::str::from_utf8(pair)
            .ok()
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .filter(|_| pair.iter().all(u8::is_ascii_hexdigit))
    };
    let octets = if bytes[2] == b':' || bytes[2] == b'-' {
        if !(bytes.len() + 1).is_multiple_of(3) {
            return Err(bad());
        }
        let n = (bytes.len() + 1) / 3;
        let sep = bytes[2];
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let at = i * 3;
            if i + 1 < n && bytes[at + 2] != sep {
                return Err(bad());
            }
            out.push(hex(&bytes[at..at + 2]).ok_or_else(bad)?);
        }
        out
    } else if bytes[4] == b'.' {
        if !(bytes.len() + 1).is_multiple_of(5) {
            return Err(bad());
        }
        let groups = (bytes.len() + 1) / 5;
        let mut out = Vec::with_capacity(groups * 2);
        for i in 0..groups {
            let at = i * 5;
            if i + 1 < groups && bytes[at + 4] != b'.' {
                return Err(bad());
            }
            out.push(hex(&bytes[at..at + 2]).ok_or_else(bad)?);
            out.push(hex(&bytes[at + 2..at + 4]).ok_or_else(bad)?);
        }
        out
    } else {
        return Err(bad());
    };
    if matches!(octets.len(), 6 | 8 | 20) {
        Ok(octets)
    } else {
        Err(bad())
    }
}

/// `net.HardwareAddr.String()`: lowercase hex octets joined by `:`.
pub fn format_mac(octets: &[u8]) -> String {
    octets
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Whether two prefixes share an address (`netip.Prefix.Overlaps`).
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.trunc().contains(&b.network()) || b.trunc().contains(&a.network())
}

/// Whether `outer` holds the network address of `inner` (`net.IPNet.Contains(inner.IP)`),
/// the test fabric v0.115.4 (Hedgehog 26.01) uses where later fabrics ask whether prefixes
/// overlap or nest: whatever `inner`'s length, so a wider `inner` that starts inside `outer`
/// passes as inside it, and one that starts before `outer` does not overlap it.
pub fn contains_network(outer: &IpNet, inner: &IpNet) -> bool {
    outer.trunc().contains(&inner.network())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_as_go_parses_them() {
        assert_eq!(
            parse_prefix("10.0.1.5/24").unwrap().to_string(),
            "10.0.1.5/24"
        );
        for bad in [
            "10.0.0.0/33",
            "10.0.0.0",
            "300.1.1.1/8",
            "10.0.0.0/024",
            "10.0.0.0/+8",
            "010.0.0.0/8",
        ] {
            assert!(parse_prefix(bad).is_err(), "{bad}");
        }
        assert!(parse_prefix_v4("fd00::/64").unwrap_err().contains("IPv6"));
        let (ip, net) = parse_cidr("10.0.1.5/24").unwrap();
        assert_eq!(
            (ip.to_string(), net.to_string()),
            ("10.0.1.5".into(), "10.0.1.0/24".into())
        );
    }

    #[test]
    fn a_subnet_takes_leading_zeros_in_its_length_only_at_26_01() {
        let at_26_01 = |text| parse_subnet(text, Release::V26_01).map(|p| p.to_string());
        assert_eq!(at_26_01("10.0.1.5/024"), Ok("10.0.1.5/24".to_owned()));
        assert_eq!(at_26_01("10.0.0.0/0000"), Ok("10.0.0.0/0".to_owned()));
        assert_eq!(
            at_26_01("::ffff:10.0.0.0/104"),
            Ok("::ffff:10.0.0.0/104".to_owned())
        );
        for bad in [
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "010.0.0.0/8",
            "fe80::%1/64",
        ] {
            assert!(at_26_01(bad).is_err(), "{bad}");
        }
        assert!(parse_subnet("10.0.1.0/024", Release::V26_02).is_err());
    }

    #[test]
    fn a_subnet_address_reads_ipv4_mapped_as_ipv4_only_at_26_01() {
        let mapped = "::ffff:10.0.1.1";
        assert_eq!(
            parse_subnet_addr(mapped, Release::V26_01),
            Ok("10.0.1.1".parse().unwrap())
        );
        assert_eq!(
            parse_subnet_addr(mapped, Release::V26_02),
            Ok(mapped.parse().unwrap())
        );
        assert!(parse_subnet_addr("x", Release::V26_01).is_err());
    }

    #[test]
    fn addresses_and_macs() {
        assert!(parse_addr("300.1.1.1").is_err());
        assert_eq!(
            parse_ip("::ffff:10.0.0.1"),
            Some("10.0.0.1".parse().unwrap())
        );
        assert_eq!(
            format_mac(&parse_mac("AA-BB-CC-DD-EE-FF").unwrap()),
            "aa:bb:cc:dd:ee:ff"
        );
        assert_eq!(parse_mac("0000.5e00.5301").unwrap().len(), 6);
        for bad in [
            "aa:bb:cc:dd:ee",
            "aa:bb:cc:dd:ee:fg",
            "aa:bb-cc:dd:ee:ff",
            "aabbccddeeff",
        ] {
            assert!(parse_mac(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overlap_is_any_shared_address() {
        let a = parse_prefix("10.0.0.0/16").unwrap();
        let b = parse_prefix("10.0.5.0/24").unwrap();
        let c = parse_prefix("10.1.0.0/16").unwrap();
        assert!(overlaps(&a, &b) && overlaps(&b, &a));
        assert!(!overlaps(&a, &c));
    }

    #[test]
    fn containing_the_network_address_is_neither_overlap_nor_nesting() {
        let p = |text: &str| parse_prefix(text).unwrap();
        assert!(contains_network(&p("10.0.0.0/16"), &p("10.0.5.0/24")));
        assert!(contains_network(&p("10.0.0.0/16"), &p("10.0.0.0/8")));
        assert!(!contains_network(&p("10.0.5.0/24"), &p("10.0.0.0/16")));
        assert!(!contains_network(&p("10.0.0.0/16"), &p("fd00::/16")));
    }

    #[test]
    fn a_zone_is_taken_only_on_an_ipv6_address_and_never_empty() {
        assert!(parse_addr_zoned("fe80::1%eth0").is_ok());
        assert!(parse_addr_zoned("10.45.0.2").is_ok());
        assert!(parse_addr_zoned("fe80::1%").is_err());
        assert!(parse_addr_zoned("10.45.0.2%eth0").is_err());
        assert!(parse_addr_zoned("10.45.0.2/24").is_err());
    }
}
