//! Rule 10 for one section's (or unit's) own rows of an agreement: the
//! section's split per supplier, its excess beyond the key toward the
//! over-served suppliers, and the same per unit or orderer in it (the
//! who-tables). The section workbooks and mail drafts show these figures;
//! the arithmetic lives here, beside [`super::usage`].

use super::usage::{excess, over_served};
use super::{Allocation, Scope};
use crate::classify::{Classified, Outcome};
use crate::read::{Exports, Field, Sym};
use crate::register::{Agreement, Basis};
use std::collections::BTreeMap;

/// Amounts (fixed point) and call-offs per supplier of one agreement over
/// some rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Split {
    pub amounts: Vec<i64>,
    pub counts: Vec<u64>,
}

impl Split {
    /// The split of agreement `ai` (with `n` suppliers) over `rows`: rows
    /// of other agreements, or without a readable amount, count nothing.
    pub(crate) fn of(exports: &Exports, classified: &Classified, (ai, n): (usize, usize), rows: &[usize]) -> Split {
        let (mut amounts, mut counts) = (vec![0i64; n], vec![0u64; n]);
        for &i in rows {
            let outcome = classified.outcomes.get(i).copied();
            if let (Some(Outcome::InAgreement { agreement, supplier }), Some(m)) = (outcome, exports.rows.at(i).amount)
            {
                if agreement.index() == ai {
                    if let (Some(a), Some(c)) = (amounts.get_mut(supplier.index()), counts.get_mut(supplier.index())) {
                        *a += m.0;
                        *c += u64::from(super::is_call_off(m.0));
                    }
                }
            }
        }
        Split { amounts, counts }
    }

    /// Supplier `s`'s value on the agreement's basis.
    pub(crate) fn value(&self, basis: Basis, s: usize) -> f64 {
        match basis {
            Basis::Amount => self.amounts.get(s).map_or(0.0, |&m| m as f64),
            Basis::Count => self.counts.get(s).map_or(0.0, |&c| c as f64),
        }
    }

    /// Every supplier's value on the basis, in the agreement's order.
    pub(crate) fn values(&self, basis: Basis) -> Vec<f64> {
        (0..self.amounts.len()).map(|s| self.value(basis, s)).collect()
    }

    /// The net amount over all suppliers (fixed point).
    pub(crate) fn amount(&self) -> i64 {
        self.amounts.iter().sum()
    }

    /// Rule 10's excess of this split, SEK, toward the suppliers `over`.
    pub(crate) fn excess(&self, a: &Agreement, over: &[bool]) -> f64 {
        excess(&self.amounts, &a.fractions(), over)
    }

    /// How far the split went beyond the key toward the over-served
    /// suppliers (`over`), percentage points: the largest of its share
    /// minus the agreed share among them, 0 when it sent them no more than
    /// the key; `None` without call-offs. A unit that buys only from
    /// under-served suppliers helps restore the key and is within it.
    pub(crate) fn over_deviation(&self, a: &Agreement, over: &[bool]) -> Option<f64> {
        let values = self.values(a.basis);
        let total: f64 = values.iter().sum();
        (total > 0.0).then(|| {
            a.suppliers
                .iter()
                .zip(&values)
                .zip(over)
                .filter(|(_, o)| **o)
                .map(|((sup, v), _)| 100.0 * v / total - sup.share)
                .fold(0.0, f64::max)
        })
    }
}

/// One unit's or orderer's use of an agreement within a section.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Who {
    /// The unit or orderer as text (empty when the cell was).
    pub name: String,
    /// The same, interned.
    pub sym: Sym,
    /// Net amount in the window and to date (fixed point).
    pub amount_window: i64,
    pub amount_to_date: i64,
    /// Excess beyond the key in the window and to date, SEK.
    pub excess_window: f64,
    pub excess_to_date: f64,
    /// Its deviation toward the window's over-served suppliers
    /// ([`Split::over_deviation`]).
    pub deviation: Option<f64>,
}

/// The section's rows of one agreement (`ai`) grouped by unit or orderer
/// (`field`), in the window and to date: each name's figures, largest
/// excess in the window first (then by name). An orderer held by hash
/// ([`crate::read::Who`]) is grouped by its key, ties in the order of first
/// rows, and only the first `named` get their name (read again from the
/// file).
pub(crate) fn who(
    (exports, classified, allocation): (&Exports, &Classified, &Allocation),
    (ai, a): (usize, &Agreement),
    (in_window, all_rows): (&[usize], &[usize]),
    (field, named): (Field, usize),
) -> Vec<Who> {
    let over = |scope| allocation.of(ai, scope).map(over_served).unwrap_or_default();
    let (over_window, over_to_date) = (over(Scope::Period), over(Scope::ToDate));
    let hashed = field == Field::Orderer && exports.rows.orderers_hashed();
    let mut groups: BTreeMap<Group, (Sym, usize, Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for &i in all_rows {
        let row = exports.rows.at(i);
        let sym = match field {
            Field::Orderer => row.orderer.sym().unwrap_or(0),
            _ => row.get(field),
        };
        let key = if hashed {
            Group::Key(row.orderer)
        } else {
            Group::Text(exports.strings.get(sym))
        };
        let entry = groups.entry(key).or_insert((sym, i, Vec::new(), Vec::new()));
        entry.3.push(i);
        if in_window.binary_search(&i).is_ok() {
            entry.2.push(i);
        }
    }
    let n = a.suppliers.len();
    let mut list: Vec<(Who, usize)> = groups
        .into_iter()
        .map(|(key, (sym, first, window_rows, all_rows))| {
            let window = Split::of(exports, classified, (ai, n), &window_rows);
            let to_date = Split::of(exports, classified, (ai, n), &all_rows);
            let name = match key {
                Group::Text(t) => t.to_string(),
                Group::Key(_) => String::new(),
            };
            let who = Who {
                name,
                sym,
                amount_window: window.amount(),
                amount_to_date: to_date.amount(),
                excess_window: window.excess(a, &over_window),
                excess_to_date: to_date.excess(a, &over_to_date),
                deviation: window.over_deviation(a, &over_window),
            };
            (who, first)
        })
        .collect();
    list.sort_by(|(x, i), (y, j)| {
        y.excess_window
            .total_cmp(&x.excess_window)
            .then(x.name.cmp(&y.name))
            .then(i.cmp(j))
    });
    if hashed {
        let firsts: Vec<usize> = list.iter().take(named).map(|&(_, first)| first).collect();
        for ((who, _), name) in list.iter_mut().zip(exports.orderer_texts(&firsts)) {
            who.name = name.into_owned();
        }
    }
    list.into_iter().map(|(who, _)| who).collect()
}

/// How the rows of a who-table are grouped: by text, or by the key of an
/// orderer held by hash.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Group<'e> {
    Text(&'e str),
    Key(crate::read::Who),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agreement(basis: Basis) -> Agreement {
        crate::allocate::tests::agreement(&[60.0, 40.0], basis)
    }

    #[test]
    fn over_deviation_counts_only_the_over_served() {
        // Key 60/40. A unit sent 900 to A and 100 to B: 90 % − 60 % = 30 pp
        // toward A when A is over-served. With only B over-served, A does
        // not count, and B's 10 % − 40 % is below the key: 0.
        let split = Split {
            amounts: vec![900, 100],
            counts: vec![1, 1],
        };
        let a = agreement(Basis::Amount);
        assert_eq!(split.over_deviation(&a, &[true, false]), Some(30.0));
        assert_eq!(split.over_deviation(&a, &[false, true]), Some(0.0));
        // On the count basis: 1 of 2 call-offs each, 50 % − 60 % and
        // 50 % − 40 % = 10 pp toward B.
        let c = agreement(Basis::Count);
        assert_eq!(split.over_deviation(&c, &[false, true]), Some(10.0));
        assert_eq!(Split::default().over_deviation(&a, &[true, true]), None);
    }
}
