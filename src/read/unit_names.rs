//! Unit names: a column naming the unit (`Ansvar (T)`, `Ansvarsnamn`),
//! read beside the unit's own column for display only. It takes no part in
//! any rule (rule 2's identity among them): the rows keep the unit's code,
//! and the names are a map from unit to its first non-empty name, so that
//! memory does not grow per row.

use super::strings::{Strings, Sym};
use crate::error::Warning;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// Most differing names kept (for the warning): beyond them, only counted.
const KEPT_CONFLICTS: usize = 50;

/// Whether a folded header names a unit: a unit word (`ansvar`, `enhet`,
/// `kostnadsställe`, `sektion`, `ansvarsenhet`, `förvaltning`), an optional
/// joining `s`, then `t` (`Ansvar (T)`, Unit4's text column), `namn`,
/// `text`, `benämning` or `beskrivning`; or `unit name`.
pub(crate) fn is_unit_name(folded: &str) -> bool {
    const UNITS: [&str; 6] = [
        "ansvarsenhet",
        "ansvar",
        "enhet",
        "kostnadsstalle",
        "sektion",
        "forvaltning",
    ];
    const NAMES: [&str; 5] = ["t", "namn", "text", "benamning", "beskrivning"];
    let named = UNITS.iter().any(|unit| {
        folded.strip_prefix(unit).is_some_and(|rest| {
            NAMES.contains(&rest) || rest.strip_prefix('s').is_some_and(|r| r != "t" && NAMES.contains(&r))
        })
    });
    named || matches!(folded, "unitname" | "unittext")
}

/// The first non-empty name of each unit, in the order they were met, and
/// the other names some units were also given.
#[derive(Debug, Default)]
pub struct UnitNames {
    first: HashMap<Sym, Sym, foldhash::fast::FixedState>,
    /// The units in `first`, in the order they were named.
    order: Vec<Sym>,
    /// (unit, another name), each pair once, at most [`KEPT_CONFLICTS`].
    others: Vec<(Sym, Sym)>,
    /// Differing pairs beyond the kept ones (counted per row).
    more_others: u64,
}

/// Where the names stood, for [`UnitNames::truncate`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct NamesMark {
    order: usize,
    others: usize,
    more_others: u64,
}

impl UnitNames {
    /// Notes a row's unit and unit name (both interned; 0 is empty).
    pub(crate) fn note(&mut self, unit: Sym, name: Sym) {
        if unit == 0 || name == 0 {
            return;
        }
        match self.first.entry(unit) {
            Entry::Vacant(e) => {
                e.insert(name);
                self.order.push(unit);
            }
            Entry::Occupied(e) if *e.get() != name => {
                if self.others.contains(&(unit, name)) {
                } else if self.others.len() < KEPT_CONFLICTS {
                    self.others.push((unit, name));
                } else {
                    self.more_others += 1;
                }
            }
            Entry::Occupied(_) => {}
        }
    }

    /// The unit's first non-empty name.
    pub fn get(&self, unit: Sym) -> Option<Sym> {
        self.first.get(&unit).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_empty()
    }

    /// Every named unit and its name, in the order they were named.
    pub fn iter(&self) -> impl Iterator<Item = (Sym, Sym)> + '_ {
        self.order.iter().filter_map(|u| Some((*u, *self.first.get(u)?)))
    }

    /// The other names some units were given: (unit, name) pairs, and how
    /// many more rows differed beyond them.
    pub fn conflicts(&self) -> (&[(Sym, Sym)], u64) {
        (&self.others, self.more_others)
    }

    /// One warning per unit given differing names (at most five, then
    /// how many more): the first name is the one shown.
    pub(crate) fn warnings(&self, strings: &Strings) -> Vec<Warning> {
        let mut units: Vec<Sym> = Vec::new();
        for (unit, _) in &self.others {
            if !units.contains(unit) {
                units.push(*unit);
            }
        }
        let mut out: Vec<Warning> = units
            .iter()
            .take(5)
            .map(|&unit| Warning::UnitNames {
                unit: strings.get(unit).to_string(),
                first: self.get(unit).map_or("", |n| strings.get(n)).to_string(),
                others: self
                    .others
                    .iter()
                    .filter(|(u, _)| *u == unit)
                    .map(|(_, n)| strings.get(*n).to_string())
                    .collect(),
            })
            .collect();
        if units.len() > 5 || self.more_others > 0 {
            out.push(Warning::MoreUnitNames);
        }
        out
    }

    /// Adds what a later part read, its symbols mapped by `remap`.
    pub(crate) fn merge(&mut self, part: &UnitNames, remap: &[Sym]) {
        let map = |s: Sym| remap.get(s as usize).copied().unwrap_or(0);
        for unit in &part.order {
            if let Some(name) = part.first.get(unit) {
                self.note(map(*unit), map(*name));
            }
        }
        for (unit, name) in &part.others {
            self.note(map(*unit), map(*name));
        }
        self.more_others += part.more_others;
    }

    /// Forgets everything, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.first.clear();
        self.order.clear();
        self.others.clear();
        self.more_others = 0;
    }

    pub(crate) fn mark(&self) -> NamesMark {
        NamesMark {
            order: self.order.len(),
            others: self.others.len(),
            more_others: self.more_others,
        }
    }

    /// Drops what was noted after `mark` (a file read again).
    pub(crate) fn truncate(&mut self, mark: NamesMark) {
        for unit in self.order.drain(mark.order.min(self.order.len())..) {
            self.first.remove(&unit);
        }
        self.others.truncate(mark.others);
        self.more_others = mark.more_others;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::fold_header;

    #[test]
    fn unit_name_headers_are_recognised_and_unit_headers_are_not() {
        for h in [
            "Ansvar (T)",
            "Ansvarsnamn",
            "Enhetsnamn",
            "Ansvar namn",
            "Ansvar text",
            "Ansvarstext",
            "Enhet (T)",
            "Kostnadsställe namn",
            "Sektionsnamn",
            "Ansvarsenhet benämning",
            "Unit name",
        ] {
            assert!(is_unit_name(&fold_header(h)), "{h}");
        }
        for h in [
            "Ansvar",
            "Enhet",
            "Ansvarsenhet",
            "Ansvars (T)",
            "Namn",
            "Text",
            "Ansvar 2",
            "Enhetschef",
        ] {
            assert!(!is_unit_name(&fold_header(h)), "{h}");
        }
    }

    #[test]
    fn the_first_name_wins_and_other_names_are_kept_once() {
        let mut names = UnitNames::default();
        // Unit 5 named 7, then 8 twice, then 7 again; unit 6 unnamed (0).
        for (unit, name) in [(5, 7), (5, 8), (5, 8), (5, 7), (6, 0), (0, 9)] {
            names.note(unit, name);
        }
        assert_eq!(names.get(5), Some(7));
        assert_eq!(names.get(6), None);
        assert_eq!(names.conflicts(), (&[(5, 8)][..], 0));
        // A later part: its symbols 1 and 2 are 6 and 9 here, 3 is 5 and 4 is 8.
        let mut part = UnitNames::default();
        part.note(1, 2);
        part.note(3, 4);
        let mark = names.mark();
        names.merge(&part, &[0, 6, 9, 5, 8]);
        assert_eq!(names.get(6), Some(9));
        assert_eq!(names.get(5), Some(7));
        // Read again: back to the mark.
        names.truncate(mark);
        assert_eq!(names.get(6), None);
        assert_eq!(names.conflicts().0.len(), 1);
    }
}
