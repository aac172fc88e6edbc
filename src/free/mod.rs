//! `hh-gitops free`: what is left to pick in a fabric, the question asked before writing a
//! file. The free VLANs of each VLANNamespace (`vlan`), of an external connection
//! (`vlan --connection`), the first free subnets of each IPv4Namespace (`subnet`) and the
//! unused ports of a switch (`port`).
//!
//! Pure: each answer is computed from a fabric's state (`rules::state::FabricState`, built
//! by `pipeline` from managed/ and cluster/) and returned as data; `report::text::free`
//! prints it, and the same data
//! serialises as the JSON answer. What is "used" is what the cross-object rules count: the
//! VLANs of VPC subnets by their VLANNamespace, VPC subnets by their IPv4Namespace, the
//! ports of Connections (`WiringIndex`), the VLANs of ExternalAttachments by connection.

mod port;
mod subnet;
mod vlan;

use serde::Serialize;

pub use port::{PortState, SwitchPorts, free_ports, port_order};
pub use subnet::{NamespaceSubnets, free_subnets};
pub use vlan::{ConnectionVlans, NamespaceVlans, VlanUser, free_connection_vlans, free_vlans};

/// The answer for one fabric.
#[derive(Debug, Clone, Serialize)]
pub struct FabricAnswer<T> {
    /// The fabric folder relative to the repository.
    pub dir: String,
    /// The answer: what the command computes for the fabric.
    pub answer: T,
}

/// A run of consecutive numbers, `from` to `to` inclusive (VLANs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// First.
    pub from: u16,
    /// Last.
    pub to: u16,
}

/// `1000-1001, 1005`: spans as people write VLAN ranges; `none` when empty.
pub fn spans_text(spans: &[Span]) -> String {
    if spans.is_empty() {
        return "none".to_owned();
    }
    spans
        .iter()
        .map(|span| {
            if span.from == span.to {
                span.from.to_string()
            } else {
                format!("{}-{}", span.from, span.to)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sorted, distinct `numbers` as spans of consecutive ones.
pub fn spans_of(numbers: impl IntoIterator<Item = u16>) -> Vec<Span> {
    let mut numbers: Vec<u16> = numbers.into_iter().collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut spans: Vec<Span> = Vec::new();
    for n in numbers {
        match spans.last_mut() {
            Some(last) if u32::from(last.to) + 1 == u32::from(n) => last.to = n,
            _ => spans.push(Span { from: n, to: n }),
        }
    }
    spans
}

/// `ranges` (inclusive, in any order, possibly overlapping) minus the sorted, distinct
/// `used`, as spans.
pub fn spans_minus(ranges: &[Span], used: &[u16]) -> Vec<Span> {
    let mut ranges = ranges.to_vec();
    ranges.sort_by_key(|span| (span.from, span.to));
    let mut merged: Vec<Span> = Vec::new();
    for span in ranges {
        match merged.last_mut() {
            Some(last) if u32::from(span.from) <= u32::from(last.to) + 1 => {
                last.to = last.to.max(span.to);
            }
            _ => merged.push(span),
        }
    }
    let mut free = Vec::new();
    for span in merged {
        let (first, last) = (u32::from(span.from), u32::from(span.to));
        let mut next = first;
        let inside = used
            .iter()
            .map(|&n| u32::from(n))
            .filter(|&n| n >= first && n <= last);
        for n in inside {
            if n > next {
                free.push(span_of(next, n - 1));
            }
            next = n + 1;
        }
        if next <= u32::from(span.to) {
            free.push(span_of(next, u32::from(span.to)));
        }
    }
    free
}

/// The span `from..=to`, both already within `u16`.
fn span_of(from: u32, to: u32) -> Span {
    let narrow = |n: u32| u16::try_from(n).unwrap_or(u16::MAX);
    Span {
        from: narrow(from),
        to: narrow(to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(from: u16, to: u16) -> Span {
        Span { from, to }
    }

    #[test]
    fn used_numbers_cut_merged_ranges_into_free_spans() {
        let free = spans_minus(&[span(1005, 1999), span(1000, 1004)], &[1002, 1003, 1004]);
        assert_eq!(free, [span(1000, 1001), span(1005, 1999)]);
        assert_eq!(spans_text(&free), "1000-1001, 1005-1999");
        assert_eq!(spans_minus(&[span(10, 11)], &[10, 11]), []);
        assert_eq!(spans_text(&[]), "none");
        assert_eq!(spans_minus(&[span(1, 4094)], &[1, 4094]), [span(2, 4093)]);
    }

    #[test]
    fn numbers_group_into_runs() {
        assert_eq!(
            spans_of([7, 3, 4, 5, 9, 4]),
            [span(3, 5), span(7, 7), span(9, 9)]
        );
    }
}
