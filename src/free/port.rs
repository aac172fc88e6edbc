//! Free ports: a switch's data ports after its SwitchProfile's breakouts (a broken-out port
//! is its lanes, `E1/55/1`…, as the profile's breakout mode for the switch gives them) with
//! the port group each belongs to, and the Connections using each, from the port index
//! the Connection rules use (`E1/5` and `E1/5/1` are one port there, as in Go).

use std::cmp::Ordering;

use serde::Serialize;

use crate::rules::Release;
use crate::rules::state::FabricState;

/// One switch and its ports.
#[derive(Debug, Clone, Serialize)]
pub struct SwitchPorts {
    /// The Switch's name.
    pub switch: String,
    /// `path:line` of the Switch, relative to the fabric folder; `None` when managed/ does
    /// not hold it (then it has no ports here).
    pub origin: Option<String>,
    /// Its `spec.profile`.
    pub profile: Option<String>,
    /// Whether the fabric has that SwitchProfile (built in for its release and config).
    pub profile_known: bool,
    /// Every data port in port order, used or not.
    pub ports: Vec<PortState>,
}

impl SwitchPorts {
    /// The ports no Connection uses.
    pub fn free(&self) -> impl Iterator<Item = &PortState> {
        self.ports.iter().filter(|port| port.used_by.is_empty())
    }
}

/// One data port of a switch.
#[derive(Debug, Clone, Serialize)]
pub struct PortState {
    /// Its name on the switch (`E1/1`, `E1/55/2`).
    pub name: String,
    /// The port group whose speed it follows, if any.
    pub group: Option<String>,
    /// The breakout mode it is a lane of (or is in, unbroken), if its port takes one.
    pub breakout: Option<String>,
    /// The Connections using it.
    pub used_by: Vec<String>,
}

/// The ports of Switch `switch` in `state`, with those used by Connections at `release`.
pub fn free_ports(state: &FabricState, switch: &str, release: Release) -> SwitchPorts {
    let Some(entry) = state.switches.get(switch) else {
        return SwitchPorts {
            switch: switch.to_owned(),
            origin: None,
            profile: None,
            profile_known: false,
            ports: Vec::new(),
        };
    };
    let spec = &entry.object.spec;
    let profile = state.switch_profiles.get(&spec.profile);
    let mut ports = Vec::new();
    let profile_spec = profile.map(|entry| &entry.object.spec);
    for (name, port) in profile_spec.iter().flat_map(|p| &p.ports) {
        if port.management {
            continue;
        }
        let group = Some(port.group.clone()).filter(|group| !group.is_empty());
        let mut add = |name: String, breakout: Option<&str>| {
            let used_by = state
                .wiring_index
                .port_users(&format!("{switch}/{name}"), "", release)
                .map(|(connection, _)| connection.to_owned())
                .collect();
            ports.push(PortState {
                name,
                group: group.clone(),
                breakout: breakout.map(str::to_owned),
                used_by,
            });
        };
        match profile_spec.and_then(|p| p.active_breakout(name, port, &spec.port_breakouts)) {
            // A mode the profile lacks: the Switch rule rejects it, and the port has no lanes.
            Some(active) if active.lanes.is_none() => {}
            Some(active) => {
                let lanes = active.lanes.map_or(0, |mode| mode.offsets.len());
                if lanes > 1 {
                    for lane in 1..=lanes {
                        add(format!("{name}/{lane}"), Some(active.mode));
                    }
                } else {
                    add(name.clone(), Some(active.mode));
                }
            }
            None => add(name.clone(), None),
        }
    }
    ports.sort_by(|a, b| port_order(&a.name, &b.name));
    SwitchPorts {
        switch: switch.to_owned(),
        origin: Some(entry.origin.to_string()),
        profile: Some(spec.profile.clone()),
        profile_known: profile.is_some(),
        ports,
    }
}

/// Port names in the order people count them: `E1/2` before `E1/10`, each `/` part
/// compared as a number when it is one.
pub fn port_order(a: &str, b: &str) -> Ordering {
    let parts = |name: &'_ str| -> Vec<(u64, String)> {
        name.split('/')
            .map(|part| {
                let digits: String = part.chars().filter(char::is_ascii_digit).collect();
                let letters: String = part.chars().filter(|c| !c.is_ascii_digit()).collect();
                (digits.parse().unwrap_or(0), letters)
            })
            .collect()
    };
    let (pa, pb) = (parts(a), parts(b));
    pa.iter()
        .zip(&pb)
        .map(|((na, la), (nb, lb))| la.cmp(lb).then(na.cmp(nb)))
        .find(|order| order.is_ne())
        .unwrap_or_else(|| pa.len().cmp(&pb.len()))
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_sort_by_their_numbers() {
        let mut names = vec!["E1/10", "E1/2", "E1/55/2", "E1/55/1", "E1/9", "M1"];
        names.sort_by(|a, b| port_order(a, b));
        assert_eq!(names, ["E1/2", "E1/9", "E1/10", "E1/55/1", "E1/55/2", "M1"]);
    }
}
