//! Rule 10 (docs/rules.md): who uses an agreement. Per unit (and per orderer): amount per
//! supplier, the total, and the *excess* Σ_{s∈O} max(0, amount_s − p_s·total)
//! over the suppliers O that are over-served in the scope (deviation_pp
//! above zero): how much was sent beyond the key to them. A unit that buys
//! only from under-served suppliers helps restore the key and has none.
//! Ranked by excess.

use super::AgreementShares;
use crate::classify::{Classified, Outcome};
use crate::error::Result;
use crate::parse::{self, AMOUNT_SCALE};
use crate::read::{Exports, Who};
use crate::register::Register;
use rayon::prelude::*;
use std::collections::HashMap;

/// One unit's (or orderer's) use of an agreement in one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    /// The unit (always interned) or orderer; its text is
    /// [`Exports::who_text`] at `row`.
    pub who: Who,
    /// The first row it was read at.
    pub row: u32,
    /// Net amount per supplier of the agreement (fixed point).
    pub amounts: Vec<i64>,
    pub total: i64,
    /// Excess beyond the key, SEK.
    pub excess: f64,
}

/// Rule 10 for one agreement and scope.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementUsage {
    /// Index into [`super::Allocation::shares`].
    pub shares: usize,
    pub by_unit: Vec<Usage>,
    pub by_orderer: Vec<Usage>,
}

/// Σ_{s∈O} max(0, amount_s − p_s·total) in SEK, with `fractions` p_s and
/// `over` marking the over-served suppliers O.
pub fn excess(amounts: &[i64], fractions: &[f64], over: &[bool]) -> f64 {
    let total: i64 = amounts.iter().sum();
    let total = total as f64 / AMOUNT_SCALE as f64;
    amounts
        .iter()
        .zip(fractions)
        .zip(over)
        .filter(|(_, o)| **o)
        .map(|((a, p), _)| (*a as f64 / AMOUNT_SCALE as f64 - p * total).max(0.0))
        .sum()
}

/// The suppliers over-served in a scope: `deviation_pp` above zero.
pub fn over_served(shares: &AgreementShares) -> Vec<bool> {
    shares
        .suppliers
        .iter()
        .map(|s| s.deviation_pp.is_some_and(|d| d > 0.0))
        .collect()
}

/// Computes rule 10 for each of `selected` (indices into `shares`).
pub fn usage(
    exports: &Exports,
    classified: &Classified,
    register: &Register,
    shares: &[AgreementShares],
    selected: &[usize],
    except: &super::fku::RowSet,
) -> Result<Vec<AgreementUsage>> {
    let chosen: Vec<(usize, &AgreementShares, &crate::register::Agreement)> = selected
        .iter()
        .filter_map(|&i| {
            let s = shares.get(i)?;
            Some((i, s, register.agreements.get(s.agreement)?))
        })
        .collect();
    let scopes: Vec<Scope> = chosen
        .iter()
        .map(|(_, s, a)| Scope {
            agreement: s.agreement,
            days: (parse::date_to_days(s.start), parse::date_to_days(s.end)),
            suppliers: a.suppliers.len(),
        })
        .collect();
    let sums = sums(exports, classified, &scopes, except);
    Ok(chosen
        .into_iter()
        .zip(sums)
        .map(|((i, s, agreement), [units, orderers])| {
            let fractions = agreement.fractions();
            let over = over_served(s);
            AgreementUsage {
                shares: i,
                by_unit: ranked(units, &fractions, &over),
                by_orderer: ranked(orderers, &fractions, &over),
            }
        })
        .collect())
}

/// One agreement and scope rule 10 sums for: its rows dated within `days`
/// (days since 1970, both ends included) and how many suppliers it has.
struct Scope {
    agreement: usize,
    days: (i32, i32),
    suppliers: usize,
}

/// Net amount per supplier, per unit or orderer, with the first row.
type PerWho = HashMap<Who, (u32, Vec<i64>), foldhash::fast::RandomState>;

/// Rows per parallel piece of the sums: enough to outweigh the merge.
const PIECE: usize = 1 << 16;

/// Per scope, the amounts per supplier by unit and by orderer of the
/// counted rows (FKU call-offs `except`ed) of its agreement dated in it.
fn sums(exports: &Exports, classified: &Classified, scopes: &[Scope], except: &super::fku::RowSet) -> Vec<[PerWho; 2]> {
    sums_in_pieces(exports, classified, scopes, except, PIECE)
}

/// [`sums`] with `piece` rows per parallel piece.
fn sums_in_pieces(
    exports: &Exports,
    classified: &Classified,
    scopes: &[Scope],
    except: &super::fku::RowSet,
    piece: usize,
) -> Vec<[PerWho; 2]> {
    let mut of_agreement: Vec<Vec<usize>> = Vec::new();
    for (k, s) in scopes.iter().enumerate() {
        if of_agreement.len() <= s.agreement {
            of_agreement.resize(s.agreement + 1, Vec::new());
        }
        if let Some(v) = of_agreement.get_mut(s.agreement) {
            v.push(k);
        }
    }
    let empty = || -> Vec<[PerWho; 2]> { scopes.iter().map(|_| Default::default()).collect() };
    if scopes.is_empty() {
        return Vec::new();
    }
    let (n, piece) = (classified.outcomes.len(), piece.max(1));
    (0..n.div_ceil(piece))
        .into_par_iter()
        .map(|p| {
            let mut acc = empty();
            let range = p * piece..((p + 1) * piece).min(n);
            add_rows(exports, classified, scopes, &of_agreement, except, range, &mut acc);
            acc
        })
        .reduce(empty, merge)
}

/// Adds the rows in `range` to `acc` (see [`sums`]).
fn add_rows(
    exports: &Exports,
    classified: &Classified,
    scopes: &[Scope],
    of_agreement: &[Vec<usize>],
    except: &super::fku::RowSet,
    range: std::ops::Range<usize>,
    acc: &mut [[PerWho; 2]],
) {
    let outcomes = classified.outcomes.get(range.clone()).unwrap_or(&[]);
    for (i, outcome) in range.zip(outcomes) {
        let Outcome::InAgreement { agreement, supplier } = *outcome else {
            continue;
        };
        let Some(ks) = of_agreement.get(agreement.index()).filter(|ks| !ks.is_empty()) else {
            continue;
        };
        if except.contains(i) {
            continue;
        }
        let (_, Some(d), Some(amount)) = exports.rows.basics(i) else {
            continue;
        };
        let who = [Who::of_sym(exports.rows.buyer(i)[0]), exports.rows.orderer(i)];
        for &k in ks {
            let (Some(scope), Some(per)) = (scopes.get(k), acc.get_mut(k)) else {
                continue;
            };
            if d < scope.days.0 || d > scope.days.1 {
                continue;
            }
            for (m, who) in per.iter_mut().zip(who) {
                let (_, v) = m.entry(who).or_insert_with(|| (i as u32, vec![0; scope.suppliers]));
                if let Some(slot) = v.get_mut(supplier.index()) {
                    *slot = slot.wrapping_add(amount);
                }
            }
        }
    }
}

/// The sums of two pieces together.
fn merge(mut a: Vec<[PerWho; 2]>, b: Vec<[PerWho; 2]>) -> Vec<[PerWho; 2]> {
    for (x, y) in a.iter_mut().zip(b) {
        for (mx, my) in x.iter_mut().zip(y) {
            for (who, (row, amounts)) in my {
                match mx.get_mut(&who) {
                    Some((first, v)) => {
                        *first = (*first).min(row);
                        v.iter_mut().zip(&amounts).for_each(|(s, t)| *s = s.wrapping_add(*t));
                    }
                    None => {
                        mx.insert(who, (row, amounts));
                    }
                }
            }
        }
    }
    a
}

/// The usages of one scope by unit or orderer, ranked by excess then
/// total, ties in the order of the interned text (of the first row when
/// held by hash: [`Who::tie_order`]).
fn ranked(per: PerWho, fractions: &[f64], over: &[bool]) -> Vec<Usage> {
    let mut list: Vec<Usage> = per
        .into_iter()
        .map(|(who, (row, amounts))| Usage {
            who,
            row,
            total: amounts.iter().sum(),
            excess: excess(&amounts, fractions, over),
            amounts,
        })
        .collect();
    list.sort_by_key(|u| u.who.tie_order(u.row));
    list.sort_by(|a, b| b.excess.total_cmp(&a.excess).then(b.total.cmp(&a.total)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excess_is_what_went_beyond_the_key() {
        // Key 60/40; a unit sent 900 to A and 100 to B: 60% of 1000 = 600,
        // so A got 300 beyond the key; B is under-served (no excess).
        let over = [true, false];
        let e = excess(&[900 * AMOUNT_SCALE, 100 * AMOUNT_SCALE], &[0.6, 0.4], &over);
        assert!((e - 300.0).abs() < 1e-9, "{e}");
        assert_eq!(
            excess(&[600 * AMOUNT_SCALE, 400 * AMOUNT_SCALE], &[0.6, 0.4], &over),
            0.0
        );
    }

    #[test]
    fn a_unit_buying_only_from_the_under_served_has_no_excess() {
        // Key 60/40, A over-served in the scope. A unit that sent 1000 only
        // to B: 1000 − 0.4·1000 = 600 beyond the key to B, but B is
        // under-served, so it counts nothing (rule 10 revised).
        let over = [true, false];
        assert_eq!(excess(&[0, 1000 * AMOUNT_SCALE], &[0.6, 0.4], &over), 0.0);
        // Another unit sent 700 to A and 300 to B: 700 − 600 = 100 to A.
        let e = excess(&[700 * AMOUNT_SCALE, 300 * AMOUNT_SCALE], &[0.6, 0.4], &over);
        assert!((e - 100.0).abs() < 1e-9, "{e}");
    }

    const REGISTER: &str = r#"
[[agreement]]
id = "RA-1"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2025-12-31
  [[agreement.supplier]]
  name = "A AB"
  share = 60
  [[agreement.supplier]]
  name = "B AB"
  share = 40
"#;

    /// Window 2024-T2 (May–August); to date from 2024-01-01. The row of
    /// September is after both scopes.
    const EXPORT: &str = "Bokföringsdatum;Leverantör;Belopp;Ansvar;Beställare
2024-02-01;A AB;900;Öster;Anna
2024-02-02;A AB;700;Väster;Bo
2024-03-01;B AB;100;Öster;Bo
2024-03-02;B AB;300;Väster;Anna
2024-04-01;A AB;500;Norr;Anna
2024-04-02;A AB;-100;Norr;Anna
2024-05-10;A AB;800;Öster;Anna
2024-05-11;A AB;200;Norr;Bo
2024-05-12;B AB;100;Norr;Bo
2024-05-13;B AB;50;Syd;Bo
2024-05-14;B AB;50;Ost;Bo
2024-09-01;B AB;5000;Öster;Anna
";

    /// (who, amounts in SEK, excess) in rank order.
    fn listed(r: &crate::allocate::testkit::Run, list: &[Usage]) -> Vec<(String, Vec<i64>, f64)> {
        list.iter()
            .map(|u| {
                let amounts = u.amounts.iter().map(|a| a / AMOUNT_SCALE).collect();
                (
                    r.exports.who_text(u.who, u.row as usize).into_owned(),
                    amounts,
                    u.excess,
                )
            })
            .collect()
    }

    #[test]
    fn sums_per_unit_and_orderer_in_each_scope() {
        let r = crate::allocate::testkit::run(REGISTER, EXPORT, "2024-T2");
        let all: Vec<usize> = (0..r.allocation.shares.len()).collect();
        let out = usage(
            &r.exports,
            &r.classified,
            &r.register,
            &r.allocation.shares,
            &all,
            &r.fku.rows,
        )
        .expect("usage");
        let of = |scope| {
            out.iter()
                .find(|u| r.allocation.shares[u.shares].scope == scope)
                .expect("scope")
        };
        let s = |t: &str| t.to_string();
        // Period (May): A 1 000, B 200, A over-served. Öster A 800:
        // 800 − 0.6·800 = 320; Norr A 200, B 100: 200 − 0.6·300 = 20; Syd
        // and Ost only B 50 (under-served): 0, total 50 each, a tie kept
        // in the order of their text (Syd interned first).
        let p = of(crate::allocate::Scope::Period);
        assert_eq!(
            listed(&r, &p.by_unit),
            vec![
                (s("Öster"), vec![800, 0], 320.0),
                (s("Norr"), vec![200, 100], 20.0),
                (s("Syd"), vec![0, 50], 0.0),
                (s("Ost"), vec![0, 50], 0.0),
            ]
        );
        // Anna A 800: 320. Bo A 200, B 200: 200 − 0.6·400 < 0: 0.
        assert_eq!(
            listed(&r, &p.by_orderer),
            vec![(s("Anna"), vec![800, 0], 320.0), (s("Bo"), vec![200, 200], 0.0)]
        );
        // To date (January–August): Öster A 900 + 800, B 100: 1 700 −
        // 0.6·1 800 = 620; Norr A 500 − 100 + 200, B 100: 600 − 420 = 180;
        // Väster A 700, B 300: 700 − 600 = 100.
        let t = of(crate::allocate::Scope::ToDate);
        let units: Vec<_> = listed(&r, &t.by_unit).into_iter().take(3).collect();
        assert_eq!(
            units,
            vec![
                (s("Öster"), vec![1700, 100], 620.0),
                (s("Norr"), vec![600, 100], 180.0),
                (s("Väster"), vec![700, 300], 100.0),
            ]
        );
        // Anna A 900 + 500 − 100 + 800 = 2 100, B 300: 2 100 − 0.6·2 400
        // = 660; Bo A 900, B 300: 900 − 0.6·1 200 = 180.
        assert_eq!(
            listed(&r, &t.by_orderer),
            vec![(s("Anna"), vec![2100, 300], 660.0), (s("Bo"), vec![900, 300], 180.0)]
        );
    }

    #[test]
    fn pieces_sum_to_the_whole() {
        let r = crate::allocate::testkit::run(REGISTER, EXPORT, "2024-T2");
        let scopes: Vec<Scope> = r
            .allocation
            .shares
            .iter()
            .map(|s| Scope {
                agreement: s.agreement,
                days: (parse::date_to_days(s.start), parse::date_to_days(s.end)),
                suppliers: 2,
            })
            .collect();
        let whole = sums_in_pieces(&r.exports, &r.classified, &scopes, &r.fku.rows, PIECE);
        for piece in [1, 2, 5] {
            let parts = sums_in_pieces(&r.exports, &r.classified, &scopes, &r.fku.rows, piece);
            assert_eq!(parts, whole, "{piece} rows a piece");
        }
    }
}
