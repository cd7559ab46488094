//! Month by month over an agreement's to-date span: amount and call-offs
//! per supplier, and each supplier's cumulative actual share (by the
//! agreement's basis) at the end of every month.

use super::Counted;
use crate::parse;
use crate::register::{Basis, Register};
use crate::window::Window;

pub use crate::window::{month_key, month_start};

/// One agreement's months.
#[derive(Debug, Clone, PartialEq)]
pub struct Monthly {
    /// Index into the register.
    pub agreement: usize,
    /// Month keys from `valid_from`'s month to the window's last month.
    pub months: Vec<i32>,
    /// `[supplier][month]` net amount (fixed point).
    pub amounts: Vec<Vec<i64>>,
    /// `[supplier][month]` call-offs.
    pub call_offs: Vec<Vec<u64>>,
    /// `[supplier][month]` cumulative actual share in percent, `None` while
    /// the cumulative basis total is not above zero.
    pub cumulative_pct: Vec<Vec<Option<f64>>>,
    /// A rank agreement's `[supplier][month]` undocumented skips (rule
    /// 13); empty for a key agreement.
    pub undocumented: Vec<Vec<super::Skips>>,
    /// Per month the net amount of the FKU call-offs' rows (rule 14): kept
    /// out of the series above, counted for the ceiling; empty when none.
    pub fku: Vec<i64>,
}

impl Monthly {
    /// The net amount counted for the ceiling in month `i` (rule 11): every
    /// supplier's, FKU call-offs included.
    pub fn ceiling_amount(&self, i: usize) -> i64 {
        self.amounts.iter().map(|s| s.get(i).copied().unwrap_or(0)).sum::<i64>() + self.fku.get(i).copied().unwrap_or(0)
    }
}

/// Sets each series' FKU amounts (rule 14) from the same series over all
/// rows (`all`, FKU call-offs included).
pub fn add_fku(monthly: &mut [Monthly], all: &[Monthly]) {
    for m in monthly.iter_mut() {
        let Some(a) = all.iter().find(|a| a.agreement == m.agreement) else {
            continue;
        };
        m.fku = (0..m.months.len())
            .map(|i| {
                let with: i64 = a.amounts.iter().map(|s| s.get(i).copied().unwrap_or(0)).sum();
                let without: i64 = m.amounts.iter().map(|s| s.get(i).copied().unwrap_or(0)).sum();
                with - without
            })
            .collect();
    }
}

/// Monthly series for the given agreements (indices into the register).
pub fn monthly(counted: &Counted, register: &Register, window: &Window, agreements: &[usize]) -> Vec<Monthly> {
    let we = parse::date_to_days(window.end);
    let valid_from: Vec<i32> = register
        .agreements
        .iter()
        .map(|a| parse::date_to_days(a.valid_from))
        .collect();
    let sums = counted.monthly_sums(|a, d| valid_from.get(a as usize).is_some_and(|&f| f <= d) && d <= we);
    let last = month_key(window.end);
    agreements
        .iter()
        .map(|&ai| {
            let a = &register.agreements[ai];
            let first = month_key(a.valid_from);
            let months: Vec<i32> = (first..=last).collect();
            let n = a.suppliers.len();
            let mut amounts = vec![vec![0i64; months.len()]; n];
            let mut call_offs = vec![vec![0u64; months.len()]; n];
            for (k, m, c) in sums.iter().filter(|(k, ..)| k[0] as usize == ai) {
                let (s, month) = (k[1] as usize, k[2] as i32 - first);
                if s < n && (0..months.len() as i32).contains(&month) {
                    amounts[s][month as usize] += m;
                    call_offs[s][month as usize] += c;
                }
            }
            let mut cumulative_pct = vec![vec![None; months.len()]; n];
            let mut running = vec![0f64; n];
            for m in 0..months.len() {
                for s in 0..n {
                    running[s] += match a.basis {
                        Basis::Amount => amounts[s][m] as f64 / parse::AMOUNT_SCALE as f64,
                        Basis::Count => call_offs[s][m] as f64,
                    };
                }
                let total: f64 = running.iter().sum();
                if total > 0.0 {
                    for s in 0..n {
                        cumulative_pct[s][m] = Some(100.0 * running[s] / total);
                    }
                }
            }
            let mut undocumented = Vec::new();
            if a.is_rank() {
                undocumented = vec![vec![super::Skips::default(); months.len()]; n];
                for ([s, month], k) in counted.monthly_skips(ai) {
                    let month = month as i32 - first;
                    if let Some(slot) = undocumented
                        .get_mut(s as usize)
                        .and_then(|v| v.get_mut(month.max(0) as usize))
                        .filter(|_| month >= 0)
                    {
                        *slot += k;
                    }
                }
            }
            Monthly {
                fku: Vec::new(),
                undocumented,
                agreement: ai,
                months,
                amounts,
                call_offs,
                cumulative_pct,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn month_keys_round_trip() {
        let d = NaiveDate::from_ymd_opt(2019, 12, 15).expect("date");
        assert_eq!(
            month_start(month_key(d)),
            NaiveDate::from_ymd_opt(2019, 12, 1).expect("date")
        );
        assert_eq!(
            month_key(NaiveDate::from_ymd_opt(2020, 1, 1).expect("date")),
            month_key(d) + 1
        );
    }
}
