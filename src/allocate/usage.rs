//! Rule 10 (docs/rules.md): who uses an agreement. Per unit (and per orderer): amount per
//! supplier, the total, and the *excess* Σ_{s∈O} max(0, amount_s − p_s·total)
//! over the suppliers O that are over-served in the scope (deviation_pp
//! above zero): how much was sent beyond the key to them. A unit that buys
//! only from under-served suppliers helps restore the key and has none.
//! Ranked by excess.

use super::{grouped_sums, rows_between, rows_of, AgreementShares};
use crate::classify::Classified;
use crate::error::Result;
use crate::parse::AMOUNT_SCALE;
use crate::read::Exports;
use crate::read::Sym;
use crate::register::Register;
use std::collections::BTreeMap;

/// One unit's (or orderer's) use of an agreement in one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    /// The unit or orderer (interned text; 0 = empty).
    pub who: Sym,
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
    let agreements: Vec<usize> = selected
        .iter()
        .filter_map(|&i| shares.get(i))
        .map(|s| s.agreement)
        .collect();
    let frame = rows_of(exports, classified, &agreements, except)?;
    selected
        .iter()
        .map(|&i| {
            let s = &shares[i];
            let agreement = &register.agreements[s.agreement];
            let fractions = agreement.fractions();
            let over = over_served(s);
            let by = |key: &str| -> Result<Vec<Usage>> {
                let rows = rows_between(&frame, Some(s.agreement), s.start, s.end);
                let mut per: BTreeMap<Sym, Vec<i64>> = BTreeMap::new();
                for (k, amount, _) in grouped_sums(rows, &[key, "supplier"])? {
                    let v = per.entry(k[0]).or_insert_with(|| vec![0; fractions.len()]);
                    if let Some(slot) = v.get_mut(k[1] as usize) {
                        *slot += amount;
                    }
                }
                let mut list: Vec<Usage> = per
                    .into_iter()
                    .map(|(who, amounts)| Usage {
                        who,
                        total: amounts.iter().sum(),
                        excess: excess(&amounts, &fractions, &over),
                        amounts,
                    })
                    .collect();
                list.sort_by(|a, b| b.excess.total_cmp(&a.excess).then(b.total.cmp(&a.total)));
                Ok(list)
            };
            Ok(AgreementUsage {
                shares: i,
                by_unit: by("unit")?,
                by_orderer: by("orderer")?,
            })
        })
        .collect()
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
}
