//! Rule 14 (docs/rules.md): renewed competition (FKU). In an agreement
//! with `fku_threshold_sek` a *call-off* is the set of its counted rows with
//! the same register supplier and the same non-empty order (trimmed,
//! compared without case); a row without an order is a call-off by itself.
//! Its value is the net sum of its rows, whatever their dates. One worth at
//! least the threshold is an FKU call-off: its rows still count for the
//! ceiling (rule 11) and the reconciliation, but take no part in rules
//! 7–10, 12 and 13 ([`RowSet`] keeps them out of [`super::Counted`]).

use crate::classify::{AgreementIx, Classified, Outcome, SupplierIx};
use crate::parse;
use crate::read::{Exports, Field, Sym};
use crate::register::Register;
use crate::window::Window;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A set of row indices, as a bitset over the rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowSet {
    bits: Vec<u64>,
    len: usize,
}

impl RowSet {
    pub fn insert(&mut self, row: usize) {
        let word = row / 64;
        if self.bits.len() <= word {
            self.bits.resize(word + 1, 0);
        }
        if let Some(w) = self.bits.get_mut(word) {
            if *w & (1 << (row % 64)) == 0 {
                self.len += 1;
            }
            *w |= 1 << (row % 64);
        }
    }

    pub fn contains(&self, row: usize) -> bool {
        self.bits.get(row / 64).is_some_and(|w| w & (1 << (row % 64)) != 0)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// One FKU call-off.
#[derive(Debug, Clone, PartialEq)]
pub struct FkuCallOff {
    /// Index into the register.
    pub agreement: usize,
    /// Index into the agreement's suppliers.
    pub supplier: usize,
    /// The order as first read (trimmed); empty for a row without one.
    pub order: String,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub rows: u64,
    /// Net amount of all its rows, fixed point.
    pub amount: i64,
}

/// Rule 14's result: the FKU call-offs (ordered by agreement, first date,
/// supplier, order) and their rows.
#[derive(Debug, Clone, Default)]
pub struct Fku {
    pub call_offs: Vec<FkuCallOff>,
    pub rows: RowSet,
}

impl Fku {
    /// The call-offs shown for a window (fku.csv): those of an agreement
    /// whose validity overlaps the window with a row dated from its
    /// `valid_from` to the window's last day. (Counted rows lie within
    /// their agreement's validity, rule 5: a row dated up to the window's
    /// end is one from `valid_from`.)
    pub fn shown<'a>(
        &'a self,
        register: &'a Register,
        window: &'a Window,
    ) -> impl Iterator<Item = &'a FkuCallOff> + 'a {
        self.call_offs.iter().filter(move |c| {
            register
                .agreements
                .get(c.agreement)
                .is_some_and(|a| a.overlaps(window) && c.first_date <= window.end)
        })
    }
}

/// A call-off being gathered: its first order text, rows and sums.
struct Group {
    agreement: usize,
    supplier: usize,
    order: String,
    rows: Vec<usize>,
    amount: i64,
    first: i32,
    last: i32,
}

/// Rule 14 over the counted rows of the agreements with a threshold.
pub fn fku(exports: &Exports, classified: &Classified, register: &Register) -> Fku {
    if register.agreements.iter().all(|a| a.fku_threshold.is_none()) {
        return Fku::default();
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut by_order: HashMap<(AgreementIx, SupplierIx, String), usize> = HashMap::new();
    let mut folded: HashMap<Sym, String> = HashMap::new();
    for (i, outcome) in classified.outcomes.iter().enumerate() {
        let Outcome::InAgreement { agreement, supplier } = *outcome else {
            continue;
        };
        let has_threshold = register
            .agreements
            .get(agreement.index())
            .is_some_and(|a| a.fku_threshold.is_some());
        let Some(row) = exports.rows.get(i).filter(|_| has_threshold) else {
            continue;
        };
        let (Some(date), Some(amount)) = (row.date, row.amount) else {
            continue;
        };
        let sym = row.get(Field::Order);
        let text = exports.strings.get(sym).trim();
        let key = folded.entry(sym).or_insert_with(|| text.to_lowercase()).clone();
        let index = if key.is_empty() {
            None
        } else {
            by_order.get(&(agreement, supplier, key.clone())).copied()
        };
        let g = match index {
            Some(g) => g,
            None => {
                groups.push(Group {
                    agreement: agreement.index(),
                    supplier: supplier.index(),
                    order: text.to_string(),
                    rows: Vec::new(),
                    amount: 0,
                    first: date,
                    last: date,
                });
                if !key.is_empty() {
                    by_order.insert((agreement, supplier, key), groups.len() - 1);
                }
                groups.len() - 1
            }
        };
        if let Some(g) = groups.get_mut(g) {
            g.rows.push(i);
            // Saturating: a sum past i64 is far above any threshold, and
            // the run stops at rule 11's exact sums (`counted`) with an
            // overflow message.
            g.amount = g.amount.saturating_add(amount.0);
            g.first = g.first.min(date);
            g.last = g.last.max(date);
        }
    }
    collect(groups, register)
}

/// Keeps the groups at or above their agreement's threshold.
fn collect(groups: Vec<Group>, register: &Register) -> Fku {
    let mut out = Fku::default();
    for g in groups {
        let threshold = register.agreements.get(g.agreement).and_then(|a| a.fku_threshold);
        if threshold.is_none_or(|t| g.amount < t) {
            continue;
        }
        for &r in &g.rows {
            out.rows.insert(r);
        }
        out.call_offs.push(FkuCallOff {
            agreement: g.agreement,
            supplier: g.supplier,
            order: g.order,
            first_date: parse::days_to_date(g.first),
            last_date: parse::days_to_date(g.last),
            rows: g.rows.len() as u64,
            amount: g.amount,
        });
    }
    out.call_offs.sort_by(|a, b| {
        (a.agreement, a.first_date, a.supplier)
            .cmp(&(b.agreement, b.first_date, b.supplier))
            .then_with(|| a.order.cmp(&b.order))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::super::testkit::run;
    use super::super::Scope;
    use super::*;
    use crate::parse::AMOUNT_SCALE;
    use proptest::prelude::*;

    const REGISTER: &str = r#"
[[agreement]]
id = "RA-K"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2025-12-31
fku_threshold_sek = 500000
  [[agreement.supplier]]
  name = "A AB"
  share = 50
  [[agreement.supplier]]
  name = "B AB"
  share = 50
"#;

    const EXPORT: &str = "Bokföringsdatum;Leverantör;Belopp;Ordernummer
2024-01-10;A AB;300000;P-1
2024-02-01;B AB;100000;P-1
2024-02-15;A AB;600000;
2024-03-05;A AB;250000;P-1
2024-03-06;B AB;200000;
2024-03-07;B AB;150000;
2024-04-01;A AB;-50000;p-1 
2024-05-01;A AB;400000;P-2
2024-05-02;A AB;200000;P-2
2024-05-03;A AB;-200000;P-2
";

    #[test]
    fn call_offs_by_supplier_and_order_at_or_above_the_threshold() {
        let r = run(REGISTER, EXPORT, "2024-H1");
        let found: Vec<(usize, &str, String, String, u64, i64)> = r
            .fku
            .call_offs
            .iter()
            .map(|c| {
                (
                    c.supplier,
                    c.order.as_str(),
                    c.first_date.to_string(),
                    c.last_date.to_string(),
                    c.rows,
                    c.amount / AMOUNT_SCALE,
                )
            })
            .collect();
        // A's P-1 across three months, `p-1 ` the same order (trimmed, any
        // case): 300 000 + 250 000 − 50 000 = 500 000, the threshold met
        // exactly. A's row without an order: 600 000 by itself. B's P-1
        // (100 000) is another supplier's call-off; A's P-2 nets 400 000.
        assert_eq!(
            found,
            vec![
                (0, "P-1", "2024-01-10".into(), "2024-04-01".into(), 3, 500_000),
                (0, "", "2024-02-15".into(), "2024-02-15".into(), 1, 600_000),
            ]
        );
        assert_eq!(r.fku.rows.len(), 4);
        // The key sees the rest: A 400 000 (P-2), B 100 000 + 200 000 +
        // 150 000 = 450 000; total 850 000, A 47.0588 %, B 52.9412 %.
        let sh = r.allocation.of(0, Scope::Period).expect("period");
        let amounts: Vec<i64> = sh.suppliers.iter().map(|s| s.amount / AMOUNT_SCALE).collect();
        assert_eq!(amounts, vec![400_000, 450_000]);
        let pct: Vec<String> = sh
            .suppliers
            .iter()
            .map(|s| crate::format::format_float(s.actual_pct.unwrap_or(f64::NAN), 4))
            .collect();
        assert_eq!(pct, vec!["47.0588", "52.9412"]);
        // Call-offs above zero: A 2 (P-2's positive rows), B 3.
        assert_eq!(sh.total_call_offs, 5);
    }

    #[test]
    fn fku_rows_still_count_for_the_ceiling() {
        let r = run(REGISTER, EXPORT, "2024-H1");
        let all = super::super::counted(&r.exports, &r.classified, &r.register).expect("counted");
        let keyed = super::super::counted_except(&r.exports, &r.classified, &r.register, &r.fku.rows).expect("counted");
        let total = |c: &super::super::Counted| c.sums(|_, _| true).iter().map(|e| e.2).sum::<i64>() / AMOUNT_SCALE;
        // All rows net 1 950 000; without the FKU call-offs (1 100 000): 850 000.
        assert_eq!((total(&all), total(&keyed)), (1_950_000, 850_000));
    }

    #[test]
    fn no_threshold_no_fku() {
        let r = run(&REGISTER.replace("fku_threshold_sek = 500000\n", ""), EXPORT, "2024-H1");
        assert!(r.fku.call_offs.is_empty() && r.fku.rows.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        /// An FKU call-off never changes a key's shares: the same rows
        /// with one more call-off at or above the threshold (any supplier,
        /// rows in any month) give the same amounts, call-offs and shares.
        #[test]
        fn an_fku_call_off_never_changes_the_key(
            base in proptest::collection::vec((0usize..2, 1i64..400_000, 1u32..7), 1..15),
            extra in proptest::collection::vec((1i64..400_000, 1u32..13), 1..4),
            supplier in 0usize..2,
        ) {
            let names = ["A AB", "B AB"];
            let mut csv = String::from("Bokföringsdatum;Leverantör;Belopp;Ordernummer\n");
            for (k, (s, amount, month)) in base.iter().enumerate() {
                csv.push_str(&format!("2024-{month:02}-10;{};{amount};O-{k}\n", names[*s]));
            }
            let before = run(REGISTER, &csv, "2024-H1");
            // The extra order's rows, topped up to reach the threshold.
            let sum: i64 = extra.iter().map(|e| e.0).sum();
            let mut rows = extra.clone();
            rows.push(((500_000 - sum).max(1), 3));
            for (amount, month) in &rows {
                csv.push_str(&format!("2024-{month:02}-20;{};{amount};FKU-1\n", names[supplier]));
            }
            let after = run(REGISTER, &csv, "2024-H1");
            prop_assert_eq!(after.fku.call_offs.len(), 1);
            for scope in [Scope::Period, Scope::ToDate] {
                let (b, a) = (before.allocation.of(0, scope), after.allocation.of(0, scope));
                prop_assert_eq!(b, a);
            }
        }
    }

    #[test]
    fn a_row_set_counts_its_rows() {
        let mut s = RowSet::default();
        s.insert(3);
        s.insert(3);
        s.insert(200);
        assert!(s.contains(3) && s.contains(200) && !s.contains(4) && !s.contains(100_000));
        assert_eq!(s.len(), 2);
    }
}
