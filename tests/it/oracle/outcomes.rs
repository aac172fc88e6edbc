//! The changes' outcomes on both sides, compared: hh-gitops must accept a change (reject
//! none of its raw files) exactly when Hedgehog's outcome is `Applies`, and each change
//! written by hand must have the outcome it is written to have.

use std::collections::BTreeMap;

use super::changes::Family;
use super::transitions::{Outcome, Verdicts};

/// The comparison of every change's outcome.
pub struct Outcomes {
    /// Changes per Hedgehog's outcome (`None`: not comparable) and hh-gitops's acceptance.
    by_outcome: BTreeMap<(Option<Outcome>, bool), usize>,
    by_family: BTreeMap<(Family, Option<Outcome>), usize>,
    /// Changes that apply only in an order: in two rounds or more.
    ordered: usize,
    /// Each change written by hand, with both sides' verdicts, in words.
    by_hand: Vec<String>,
    /// Changes written by hand whose outcome is not the one they are written to have.
    miswritten: Vec<String>,
    disagreements: Vec<String>,
}

impl Outcomes {
    pub fn of(verdicts: &[Verdicts]) -> Self {
        let mut outcomes = Outcomes {
            by_outcome: BTreeMap::new(),
            by_family: BTreeMap::new(),
            ordered: 0,
            by_hand: Vec::new(),
            miswritten: Vec::new(),
            disagreements: Vec::new(),
        };
        for verdict in verdicts {
            let change = verdict.change;
            let accepted = verdict.ours.is_empty();
            *outcomes
                .by_outcome
                .entry((verdict.theirs, accepted))
                .or_default() += 1;
            *outcomes
                .by_family
                .entry((change.family, verdict.theirs))
                .or_default() += 1;
            if verdict.theirs == Some(Outcome::Applies) && verdict.rounds > 1 {
                outcomes.ordered += 1;
            }
            let ours = if accepted {
                "accepts every raw file".to_owned()
            } else {
                format!("rejects: {}", verdict.ours.join("; "))
            };
            let theirs = verdict.theirs.map_or("not comparable", Outcome::describe);
            if change.family == Family::ByHand {
                outcomes.by_hand.push(format!(
                    "{}: Hedgehog {theirs} (rounds: {}), hh-gitops {}",
                    change.label,
                    verdict.rounds,
                    if accepted { "accepts" } else { "rejects" }
                ));
            }
            if change.expected.is_some() && change.expected != verdict.theirs {
                outcomes.miswritten.push(format!(
                    "{}: written to be {:?}, Hedgehog's outcome is {theirs}",
                    change.label, change.expected
                ));
            }
            if verdict
                .theirs
                .is_some_and(|outcome| (outcome == Outcome::Applies) != accepted)
            {
                outcomes.disagreements.push(format!(
                    "{}: Hedgehog {theirs}, hh-gitops {ours}",
                    change.label
                ));
            }
        }
        outcomes
    }

    /// The changes written by hand, the count of changes by Hedgehog's outcome against
    /// hh-gitops's verdict, and by family.
    pub fn print(&self) {
        println!("\nchanges written by hand:");
        for line in &self.by_hand {
            println!("  {line}");
        }
        println!("\nchanges by Hedgehog's outcome:");
        println!(
            "{:<44} {:>8} {:>18} {:>18}",
            "Hedgehog's outcome", "changes", "hh-gitops accepts", "hh-gitops rejects"
        );
        let outcomes = [
            Some(Outcome::Applies),
            Some(Outcome::Stuck),
            Some(Outcome::RefusedAtEnd),
            None,
        ];
        for outcome in outcomes {
            let accepts = self.by_outcome.get(&(outcome, true)).copied().unwrap_or(0);
            let rejects = self.by_outcome.get(&(outcome, false)).copied().unwrap_or(0);
            let name = outcome.map_or("not comparable", Outcome::describe);
            println!(
                "{name:<44} {:>8} {accepts:>18} {rejects:>18}",
                accepts + rejects
            );
        }
        println!(
            "({} of the changes that apply need an order: two rounds or more)",
            self.ordered
        );
        println!("\nchanges by family:");
        for ((family, outcome), count) in &self.by_family {
            let name = outcome.map_or("not comparable", Outcome::describe);
            println!("{count:>6}  {family:?}: {name}");
        }
        let total: usize = self.by_outcome.values().sum();
        println!(
            "{total} changes, {} unexplained disagreements on a change's outcome",
            self.disagreements.len()
        );
    }

    /// Fails when a change written by hand does not have the outcome it is written to have:
    /// it then tests something else than it says.
    pub fn assert_written_outcomes(&self) {
        assert!(
            self.miswritten.is_empty(),
            "changes written by hand whose outcome is not the one they are written to have:\n{}",
            self.miswritten.join("\n")
        );
    }

    /// Fails with every change whose outcome the two sides disagree on.
    pub fn assert_agreed(&self) {
        assert!(
            self.disagreements.is_empty(),
            "{} changes whose outcome hh-gitops and Hedgehog's own code disagree on:\n{}",
            self.disagreements.len(),
            self.disagreements.join("\n")
        );
    }
}
