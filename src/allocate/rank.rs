//! Rule 13 (docs/rules.md): rank order (rangordning). Rank 1 is called
//! first; a counted row (not of an FKU call-off, rule 14) of a supplier
//! whose rank is above 1 is a *skip*, documented when a deviation of the
//! agreement covers it (supplier, dates, unit), else undocumented.
//! `skip_pct` = 100 × the undocumented rows' basis value / the agreement's
//! basis total; the status follows from it. Rule 10 for a rank agreement:
//! the skips per unit and orderer ([`skips_by`]).

use super::{AgreementShares, Scope, Skips, Status};
use crate::classify::Classified;
use crate::parse::{self, AMOUNT_SCALE};
use crate::read::{Exports, Field, Who};
use crate::register::{Agreement, Basis, Register};
use std::collections::BTreeMap;

/// A rank agreement's skips in one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct RankFigures {
    /// Per supplier (register order): the undocumented skips.
    pub undocumented: Vec<Skips>,
    /// 100 × undocumented basis value / basis total; `None` when the total
    /// is not above zero.
    pub skip_pct: Option<f64>,
}

impl RankFigures {
    /// The documented skips' net amount of supplier `s` (all of its amount
    /// beyond the undocumented part; none for rank 1).
    pub fn documented_amount(&self, agreement: &Agreement, shares: &AgreementShares, s: usize) -> i64 {
        let rank1 = agreement.suppliers.get(s).and_then(|x| x.rank) == Some(1);
        let amount = shares.suppliers.get(s).map_or(0, |x| x.amount);
        let undocumented = self.undocumented.get(s).map_or(0, |u| u.amount);
        if rank1 {
            0
        } else {
            amount - undocumented
        }
    }
}

/// True when row `row` (counted for supplier `supplier` of agreement
/// `agreement`, dated `days`) is an undocumented skip of a rank order.
/// Cheap for key agreements and rank-1 rows: the unit is only looked up
/// when a deviation names one.
pub(crate) fn undocumented(
    exports: &Exports,
    register: &Register,
    row: usize,
    agreement: usize,
    supplier: usize,
    days: i32,
) -> bool {
    let Some(a) = register.agreements.get(agreement).filter(|a| a.is_rank()) else {
        return false;
    };
    if a.suppliers.get(supplier).and_then(|s| s.rank).is_none_or(|r| r <= 1) {
        return false;
    }
    !documented(exports, a, row, supplier, days)
}

/// True when a deviation of `a` covers the row.
fn documented(exports: &Exports, a: &Agreement, row: usize, supplier: usize, days: i32) -> bool {
    let date = parse::days_to_date(days);
    let mut unit: Option<&str> = None;
    a.deviations.iter().filter(|d| d.supplier == supplier).any(|d| {
        let u = match (&d.unit, unit) {
            (None, _) => "",
            (Some(_), Some(u)) => u,
            (Some(_), None) => {
                let u = exports.strings.get(exports.rows.at(row).get(Field::Unit));
                unit = Some(u);
                u
            }
        };
        d.covers(date, u)
    })
}

/// Sets a rank agreement's skips, `skip_pct` and statuses (rule 13) on
/// its shares (computed by rule 7, with no deviation or catch-up).
pub fn apply(shares: &mut AgreementShares, agreement: &Agreement, undocumented: Vec<Skips>) {
    let (value, total) = match agreement.basis {
        Basis::Amount => (
            undocumented.iter().map(|u| u.amount).sum::<i64>() as f64 / AMOUNT_SCALE as f64,
            shares.total_amount as f64 / AMOUNT_SCALE as f64,
        ),
        Basis::Count => (
            undocumented.iter().map(|u| u.call_offs).sum::<u64>() as f64,
            shares.total_call_offs as f64,
        ),
    };
    let skip_pct = (total > 0.0).then(|| 100.0 * value / total);
    let insufficient = shares.status == Status::Insufficient;
    shares.status = if insufficient {
        Status::Insufficient
    } else if skip_pct.is_some_and(|p| p > shares.tolerance_pp) {
        Status::Imbalance
    } else {
        Status::Ok
    };
    for s in &mut shares.suppliers {
        s.status = match shares.status {
            Status::Imbalance if undocumented.get(s.supplier).is_some_and(|u| u.rows > 0) => Status::Imbalance,
            Status::Insufficient => Status::Insufficient,
            _ => Status::Ok,
        };
    }
    shares.rank = Some(RankFigures { undocumented, skip_pct });
}

/// One unit's (or orderer's) skips of a rank agreement in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipUse {
    /// The unit (always interned) or orderer; its text is
    /// [`Exports::who_text`] at `row`.
    pub who: Who,
    /// The first row it was read at.
    pub row: u32,
    /// Net amount and call-offs of its documented skips.
    pub documented: Skips,
    /// Net amount and call-offs of its undocumented skips.
    pub undocumented: Skips,
    /// Its counted rows' net amount (every rank).
    pub total: i64,
}

/// Rule 10 for a rank agreement and scope.
#[derive(Debug, Clone, PartialEq)]
pub struct RankUsage {
    /// Index into [`super::Allocation::shares`].
    pub shares: usize,
    /// Ranked by undocumented amount, then total.
    pub by_unit: Vec<SkipUse>,
    pub by_orderer: Vec<SkipUse>,
}

/// Rule 10 for every rank agreement in `shares`: per unit and orderer, the
/// documented and undocumented skips; rows of `except` (FKU) left out.
pub fn skips_by(
    exports: &Exports,
    classified: &Classified,
    register: &Register,
    shares: &[AgreementShares],
    except: &super::fku::RowSet,
) -> Vec<RankUsage> {
    let selected = rank_scopes(register, shares);
    if selected.is_empty() {
        return Vec::new();
    }
    type Per = BTreeMap<Who, SkipUse>;
    let piece = |mut per: Vec<[Per; 2]>, range: std::ops::Range<usize>| {
        for (i, agreement, supplier) in classified.counted_in(range) {
            let (a, s) = (agreement.index(), supplier.index());
            let Some(ag) = register.agreements.get(a).filter(|x| x.is_rank()) else {
                continue;
            };
            if except.contains(i) {
                continue;
            }
            let row = exports.rows.at(i);
            let (Some(d), Some(am)) = (row.date, row.amount) else {
                continue;
            };
            let skip = ag.suppliers.get(s).and_then(|x| x.rank).is_some_and(|r| r > 1);
            let undocumented = skip && !documented(exports, ag, i, s, d);
            let one = Skips {
                amount: am.0,
                call_offs: u64::from(super::is_call_off(am.0)),
                rows: 1,
            };
            let mut base = SkipUse {
                who: Who::of_sym(row.get(Field::Unit)),
                row: i as u32,
                documented: Skips::default(),
                undocumented: Skips::default(),
                total: am.0,
            };
            match (skip, undocumented) {
                (true, true) => base.undocumented += one,
                (true, false) => base.documented += one,
                _ => {}
            }
            let scopes = selected.iter().map(|&si| &shares[si]);
            add_to_scopes(
                &mut per,
                scopes,
                (a, parse::days_to_date(d)),
                [base.who, row.orderer],
                base,
            );
        }
        per
    };
    let empty = || vec![<[Per; 2]>::default(); selected.len()];
    let per = exports.rows.fold(empty, piece, |mut a, b| {
        for (x, y) in a.iter_mut().zip(b) {
            for (p, q) in x.iter_mut().zip(y) {
                q.into_values().for_each(|u| add(p, u));
            }
        }
        a
    });
    selected
        .iter()
        .zip(per)
        .map(|(&si, [units, orderers])| RankUsage {
            shares: si,
            by_unit: ranked(units),
            by_orderer: ranked(orderers),
        })
        .collect()
}

/// The scopes in `shares` of rank agreements.
fn rank_scopes(register: &Register, shares: &[AgreementShares]) -> Vec<usize> {
    (0..shares.len())
        .filter(|&i| {
            register
                .agreements
                .get(shares[i].agreement)
                .is_some_and(Agreement::is_rank)
        })
        .collect()
}

/// Adds a row's use (`base`) to each scope of `scopes` whose agreement and
/// dates hold it (agreement `a`, dated `date`), under its unit and under
/// its orderer (`whos`).
fn add_to_scopes<'s>(
    per: &mut [[BTreeMap<Who, SkipUse>; 2]],
    scopes: impl Iterator<Item = &'s AgreementShares>,
    (a, date): (usize, chrono::NaiveDate),
    whos: [Who; 2],
    base: SkipUse,
) {
    for (uses, sh) in per.iter_mut().zip(scopes) {
        if sh.agreement != a || date < sh.start || date > sh.end {
            continue;
        }
        for (slot, who) in uses.iter_mut().zip(whos) {
            add(slot, SkipUse { who, ..base.clone() });
        }
    }
}

/// Adds `u` to the use of its unit or orderer in `per` (the first row kept:
/// `u`'s rows come after those already in `per`).
fn add(per: &mut BTreeMap<Who, SkipUse>, u: SkipUse) {
    match per.entry(u.who) {
        std::collections::btree_map::Entry::Vacant(v) => {
            v.insert(u);
        }
        std::collections::btree_map::Entry::Occupied(mut o) => {
            let e = o.get_mut();
            e.total += u.total;
            e.documented += u.documented;
            e.undocumented += u.undocumented;
        }
    }
}

fn ranked(per: BTreeMap<Who, SkipUse>) -> Vec<SkipUse> {
    let mut list: Vec<SkipUse> = per.into_values().collect();
    list.sort_by(|a, b| {
        b.undocumented
            .amount
            .cmp(&a.undocumented.amount)
            .then(b.total.cmp(&a.total))
            .then(a.who.tie_order(a.row).cmp(&b.who.tie_order(b.row)))
    });
    list
}

/// The period scope's usage of rank agreement `agreement`, if any.
pub fn period_usage<'a>(list: &'a [RankUsage], shares: &[AgreementShares], agreement: usize) -> Option<&'a RankUsage> {
    list.iter().find(|u| {
        shares
            .get(u.shares)
            .is_some_and(|s| s.agreement == agreement && s.scope == Scope::Period)
    })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::run;
    use super::*;
    use crate::format::format_float;

    const REGISTER: &str = r#"
[[agreement]]
id = "RA-R"
name = "Järnhandel"
valid_from = 2024-01-01
valid_to = 2025-12-31
model = "rank"
tolerance_pp = 5
  [[agreement.supplier]]
  name = "Ett AB"
  rank = 1
  [[agreement.supplier]]
  name = "Två AB"
  rank = 2
  [[agreement.supplier]]
  name = "Tre AB"
  rank = 3
  [[agreement.deviation]]
  supplier = "Två AB"
  unit = "Öster"
  from = 2024-03-01
  to = 2024-03-31
  reason = "Rang 1 kunde inte leverera"
"#;

    /// Ett 6 000, Två 3 000 (1 000 Öster in March: documented; 1 000 Öster
    /// in April and 1 000 Väster in March: undocumented), Tre 1 000
    /// (undocumented, no deviation).
    const EXPORT: &str = "Bokföringsdatum;Leverantör;Belopp;Ansvar;Beställare
2024-03-05;Ett AB;4000;Öster;Anna
2024-03-06;Ett AB;2000;Väster;Bo
2024-03-10;Två AB;1000;öster ;Anna
2024-04-10;Två AB;1000;Öster;Anna
2024-03-12;Två AB;1000;Väster;Bo
2024-05-01;Tre AB;1000;;Bo
";

    fn supplier_line(r: &super::super::testkit::Run, s: usize) -> (String, String, String, u64) {
        let sh = r.allocation.of(0, Scope::Period).expect("period");
        let f = sh.rank.as_ref().expect("rank figures");
        let a = &r.register.agreements[0];
        (
            format_float(sh.suppliers[s].actual_pct.unwrap_or(f64::NAN), 4),
            crate::parse::format_fixed(
                f.documented_amount(a, sh, s) as i128,
                crate::parse::AMOUNT_SCALE as i128,
                2,
            ),
            crate::parse::format_fixed(f.undocumented[s].amount as i128, crate::parse::AMOUNT_SCALE as i128, 2),
            f.undocumented[s].call_offs,
        )
    }

    #[test]
    fn skips_documented_by_supplier_unit_and_dates() {
        let r = run(REGISTER, EXPORT, "2024-H1");
        let sh = r.allocation.of(0, Scope::Period).expect("period");
        // Total 10 000: Ett 60 %, Två 30 %, Tre 10 %.
        assert_eq!(
            supplier_line(&r, 0),
            ("60.0000".into(), "0.00".into(), "0.00".into(), 0)
        );
        // Två: 1 000 documented (Öster, March; unit trimmed, any case),
        // 2 000 undocumented (April is after `to`; Väster is another unit).
        assert_eq!(
            supplier_line(&r, 1),
            ("30.0000".into(), "1000.00".into(), "2000.00".into(), 2)
        );
        assert_eq!(
            supplier_line(&r, 2),
            ("10.0000".into(), "0.00".into(), "1000.00".into(), 1)
        );
        // skip_pct = 100 × 3 000 / 10 000 = 30 > 5: imbalance.
        let f = sh.rank.as_ref().expect("figures");
        assert_eq!(format_float(f.skip_pct.unwrap_or(f64::NAN), 4), "30.0000");
        assert_eq!(sh.status, Status::Imbalance);
        let statuses: Vec<Status> = sh.suppliers.iter().map(|s| s.status).collect();
        assert_eq!(statuses, vec![Status::Ok, Status::Imbalance, Status::Imbalance]);
        assert!(sh
            .suppliers
            .iter()
            .all(|s| s.deviation_pp.is_none() && s.catch_up == 0.0));
    }

    #[test]
    fn count_basis_and_credit_notes() {
        let reg = REGISTER.replace("model = \"rank\"", "model = \"rank\"\nbasis = \"count\"");
        // A credit note of Tre: its net is 0, it has no call-off above zero.
        let export = format!("{EXPORT}2024-05-02;Tre AB;-1000;;Bo\n");
        let r = run(&reg, &export, "2024-H1");
        let sh = r.allocation.of(0, Scope::Period).expect("period");
        // Call-offs: Ett 2, Två 3, Tre 1 (the credit is no call-off) = 6;
        // undocumented call-offs: Två 2, Tre 1 = 3; skip_pct = 100 × 3 / 6.
        let f = sh.rank.as_ref().expect("figures");
        assert_eq!(format_float(f.skip_pct.unwrap_or(f64::NAN), 4), "50.0000");
        assert_eq!(
            crate::parse::format_fixed(f.undocumented[2].amount as i128, crate::parse::AMOUNT_SCALE as i128, 2),
            "0.00"
        );
        assert_eq!(f.undocumented[2].rows, 2);
        // Tre still has undocumented rows: imbalance.
        assert_eq!(sh.suppliers[2].status, Status::Imbalance);
    }

    #[test]
    fn per_unit_and_orderer() {
        let r = run(REGISTER, EXPORT, "2024-H1");
        let list = skips_by(
            &r.exports,
            &r.classified,
            &r.register,
            &r.allocation.shares,
            &r.fku.rows,
        );
        let u = period_usage(&list, &r.allocation.shares, 0).expect("usage");
        let name = |x: &SkipUse| r.exports.who_text(x.who, x.row as usize).into_owned();
        // Units (as written: `öster ` is its own unit in rule 10, though
        // the deviation matches it) by undocumented amount, then total:
        // Öster 1 000 (Två in April), total 4 000 + 1 000 = 5 000; Väster
        // 1 000, total 3 000; no unit 1 000 (Tre), total 1 000; öster 0
        // (its March row is documented: 1 000).
        let units: Vec<(String, i64, i64)> = u
            .by_unit
            .iter()
            .map(|x| {
                (
                    name(x),
                    x.undocumented.amount / AMOUNT_SCALE,
                    x.documented.amount / AMOUNT_SCALE,
                )
            })
            .collect();
        assert_eq!(
            units,
            vec![
                ("Öster".to_string(), 1000, 0),
                ("Väster".to_string(), 1000, 0),
                (String::new(), 1000, 0),
                ("öster".to_string(), 0, 1000),
            ]
        );
        let anna = u.by_orderer.iter().find(|x| name(x) == "Anna").expect("Anna");
        // Anna: 4 000 Ett, 1 000 Två documented, 1 000 Två undocumented.
        assert_eq!(
            (anna.total, anna.undocumented.call_offs, anna.documented.rows),
            (6000 * AMOUNT_SCALE, 1, 1)
        );
    }

    #[test]
    fn rank_one_only_is_ok_and_few_call_offs_insufficient() {
        let r = run(
            REGISTER,
            "Bokföringsdatum;Leverantör;Belopp\n2024-02-01;Ett AB;100\n2024-02-02;Ett AB;100\n2024-02-03;Ett AB;100\n",
            "2024-H1",
        );
        let sh = r.allocation.of(0, Scope::Period).expect("period");
        assert_eq!(sh.status, Status::Ok);
        assert_eq!(sh.rank.as_ref().and_then(|f| f.skip_pct), Some(0.0));
        let r = run(
            REGISTER,
            "Bokföringsdatum;Leverantör;Belopp\n2024-02-01;Tre AB;100\n",
            "2024-H1",
        );
        let sh = r.allocation.of(0, Scope::Period).expect("period");
        assert_eq!(sh.status, Status::Insufficient);
        assert_eq!(sh.suppliers[2].status, Status::Insufficient);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
        /// Documenting every skip (one open deviation per supplier below
        /// rank 1) brings skip_pct to zero, whatever the rows.
        #[test]
        fn documenting_every_skip_brings_skip_pct_to_zero(
            rows in proptest::collection::vec((0usize..3, 1i64..100_000, 1u32..28, 0usize..3), 1..30)
        ) {
            let names = ["Ett AB", "Två AB", "Tre AB"];
            let units = ["Öster", "Väster", ""];
            let mut csv = String::from("Bokföringsdatum;Leverantör;Belopp;Ansvar\n");
            for (s, amount, day, u) in &rows {
                csv.push_str(&format!("2024-02-{day:02};{};{amount};{}\n", names[*s], units[*u]));
            }
            let reg = format!("{REGISTER}\n  [[agreement.deviation]]\n  supplier = \"Två AB\"\n  reason = \"Kapacitet\"\n  [[agreement.deviation]]\n  supplier = \"Tre AB\"\n  reason = \"Kapacitet\"\n");
            let r = run(&reg, &csv, "2024-H1");
            for scope in [Scope::Period, Scope::ToDate] {
                let sh = r.allocation.of(0, scope).expect("shares");
                let f = sh.rank.as_ref().expect("figures");
                proptest::prop_assert_eq!(f.skip_pct, Some(0.0));
                proptest::prop_assert!(sh.status != Status::Imbalance);
            }
        }
    }
}
