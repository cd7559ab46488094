//! Rule 11 (docs/rules.md): the ceiling (takvolym) of each reported agreement that has
//! one: how much is used, how much of the agreement's life has passed, the
//! pace over the last year, when the ceiling will be reached at that pace
//! and whether it already was. The per-date sums are those of the same
//! counted rows as the shares ([`Counted`]); the rule itself is
//! [`ceiling_of`], a pure function on those sums.

use super::Counted;
use crate::parse::{self, AMOUNT_SCALE};
use crate::register::{Agreement, Ceiling, Register};
use crate::window::Window;
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};

/// Days in an average month (365.25 / 12), for the monthly pace.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// The status of a ceiling, in the order of rule 11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CeilingStatus {
    /// The running sum reached the ceiling.
    Reached,
    /// Used at or above the warning level.
    Warning,
    /// At the present pace the ceiling is reached before the agreement ends.
    Forecast,
    Ok,
}

impl CeilingStatus {
    pub fn key(self) -> &'static str {
        match self {
            CeilingStatus::Reached => "reached",
            CeilingStatus::Warning => "warning",
            CeilingStatus::Forecast => "forecast",
            CeilingStatus::Ok => "ok",
        }
    }

    /// True for the statuses the terminal and reports warn about.
    pub fn needs_attention(self) -> bool {
        self != CeilingStatus::Ok
    }
}

/// Net amount and number of counted rows of one agreement on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySum {
    pub date: NaiveDate,
    /// Fixed point (see [`parse::Amount`]).
    pub amount: i64,
    pub rows: u64,
}

/// Rule 11 for one agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct CeilingUse {
    /// Index into the register.
    pub agreement: usize,
    pub ceiling: Ceiling,
    pub as_of: NaiveDate,
    /// Net amount from `valid_from` to `as_of`, fixed point.
    pub used: i64,
    pub used_pct: f64,
    pub elapsed_pct: f64,
    /// Days from `valid_from` to min(`as_of`, `valid_to`) and of the whole
    /// validity, both counted inclusive (`elapsed_pct` is their ratio).
    pub elapsed_days: i64,
    pub life_days: i64,
    /// Net amount from `span_start` to `as_of` and the days of that span
    /// (0 when `as_of` is before `valid_from`): the pace is their ratio.
    pub rate_amount: i64,
    pub rate_days: i64,
    pub forecast_date: Option<NaiveDate>,
    pub reached_on: Option<NaiveDate>,
    pub after_reached_rows: u64,
    /// Fixed point.
    pub after_reached_amount: i64,
    pub status: CeilingStatus,
    /// Months from `valid_from` to `as_of` in which no export row is dated:
    /// while any is missing, `used` is a lower bound.
    pub missing_months: Vec<i32>,
}

impl CeilingUse {
    /// The pace in SEK per day (0 without a span).
    pub fn rate_per_day(&self) -> f64 {
        if self.rate_days <= 0 {
            return 0.0;
        }
        self.rate_amount as f64 / AMOUNT_SCALE as f64 / self.rate_days as f64
    }

    /// The pace in SEK per month (rate per day × 30.4375).
    pub fn rate_per_month(&self) -> f64 {
        self.rate_per_day() * DAYS_PER_MONTH
    }

    /// `rate_per_month` with two decimals, rounded exactly (half away
    /// from zero) from the integer sums.
    pub fn rate_per_month_text(&self) -> String {
        if self.rate_days <= 0 {
            return "0.00".into();
        }
        // amount/SCALE × 304375/10000 / days, in hundredths.
        ratio_text(
            self.rate_amount as i128 * 304_375,
            self.rate_days as i128 * 10_000 * AMOUNT_SCALE as i128,
            2,
        )
    }

    /// `used_pct` with four decimals, rounded exactly.
    pub fn used_pct_text(&self) -> String {
        ratio_text(self.used as i128 * 100, self.ceiling.ceiling as i128, 4)
    }

    /// `elapsed_pct` with four decimals, rounded exactly.
    pub fn elapsed_pct_text(&self) -> String {
        ratio_text(self.elapsed_days as i128 * 100, self.life_days as i128, 4)
    }

    /// Used % ÷ elapsed %: above 1 the ceiling is used faster than time
    /// passes (a young agreement's raw figure flatters it).
    pub fn pace_ratio(&self) -> Option<f64> {
        (self.elapsed_pct > 0.0).then(|| self.used_pct / self.elapsed_pct)
    }
}

/// `num / den` with `decimals` decimals, rounded half away from zero,
/// never `-0`; `den` above zero.
pub fn ratio_text(num: i128, den: i128, decimals: u32) -> String {
    if den <= 0 {
        return String::new();
    }
    let pow = 10i128.pow(decimals);
    let scaled = num.saturating_mul(pow);
    let q = scaled / den;
    let r = scaled % den;
    let rounded = if 2 * r.abs() >= den { q + scaled.signum() } else { q };
    parse::format_fixed(rounded, pow, decimals)
}

/// Days from `a` to `b`, both counted.
fn days_inclusive(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days() + 1
}

/// Rule 11 on one agreement's per-date sums (any order, any dates: only
/// those from `valid_from` to `as_of` count).
pub fn ceiling_of(
    index: usize,
    agreement: &Agreement,
    ceiling: Ceiling,
    as_of: NaiveDate,
    days: &[DaySum],
    missing_months: Vec<i32>,
) -> CeilingUse {
    let from = agreement.valid_from;
    let mut days: Vec<DaySum> = days
        .iter()
        .filter(|d| d.date >= from && d.date <= as_of)
        .copied()
        .collect();
    days.sort_by_key(|d| d.date);
    let used: i64 = days.iter().map(|d| d.amount).sum();
    let c = ceiling.ceiling;
    let used_pct = 100.0 * used as f64 / c as f64;
    let life_days = days_inclusive(from, agreement.valid_to);
    let elapsed_days = if as_of < from {
        0
    } else {
        days_inclusive(from, as_of.min(agreement.valid_to))
    };
    let elapsed_pct = 100.0 * elapsed_days as f64 / life_days as f64;
    let (reached_on, after_reached_rows, after_reached_amount) = reached(&days, c);
    let (rate_amount, rate_days) = if as_of < from {
        (0, 0)
    } else {
        let span_start = from.max(as_of - chrono::Duration::days(364));
        let amount = days.iter().filter(|d| d.date >= span_start).map(|d| d.amount).sum();
        (amount, days_inclusive(span_start, as_of))
    };
    let forecast_date = forecast(as_of, c as i128 - used as i128, rate_amount, rate_days);
    let status = if reached_on.is_some() {
        CeilingStatus::Reached
    } else if used_pct >= ceiling.warn_pct {
        CeilingStatus::Warning
    } else if forecast_date.is_some_and(|f| f <= agreement.valid_to) {
        CeilingStatus::Forecast
    } else {
        CeilingStatus::Ok
    };
    CeilingUse {
        agreement: index,
        ceiling,
        as_of,
        used,
        used_pct,
        elapsed_pct,
        elapsed_days,
        life_days,
        rate_amount,
        rate_days,
        forecast_date,
        reached_on,
        after_reached_rows,
        after_reached_amount,
        status,
        missing_months,
    }
}

/// The day the running sum of `days` (in date order) reaches `ceiling`,
/// and the rows and amount dated after it.
fn reached(days: &[DaySum], ceiling: i64) -> (Option<NaiveDate>, u64, i64) {
    let mut running: i64 = 0;
    let Some(on) = days.iter().find_map(|d| {
        running += d.amount;
        (running >= ceiling).then_some(d.date)
    }) else {
        return (None, 0, 0);
    };
    let (rows, amount) = (days.iter())
        .filter(|d| d.date > on)
        .fold((0, 0), |(n, a), d| (n + d.rows, a + d.amount));
    (Some(on), rows, amount)
}

/// When the `left` of the ceiling is used at the pace of `rate_amount`
/// in `rate_days`: as_of + ceil(left / (rate_amount / rate_days)) days,
/// exactly; `None` when nothing is left or there is no pace.
fn forecast(as_of: NaiveDate, left: i128, rate_amount: i64, rate_days: i64) -> Option<NaiveDate> {
    if left <= 0 || rate_amount <= 0 || rate_days <= 0 {
        return None;
    }
    let num = left * rate_days as i128;
    let den = rate_amount as i128;
    let n = (num + den - 1) / den;
    as_of.checked_add_signed(chrono::Duration::try_days(i64::try_from(n).ok()?)?)
}

/// `as_of` of rule 11: the earlier of the window's last day and the latest
/// readable date of any row read.
pub fn as_of(window: &Window, latest: Option<NaiveDate>) -> NaiveDate {
    latest.map_or(window.end, |l| l.min(window.end))
}

/// Rule 11 for every reported agreement with a ceiling, in register order.
/// `months_read` holds the month keys in which some row read is dated.
pub fn ceilings(
    counted: &Counted,
    register: &Register,
    window: &Window,
    latest: Option<NaiveDate>,
    months_read: &BTreeSet<i32>,
) -> Vec<CeilingUse> {
    let as_of = as_of(window, latest);
    let per_agreement: Vec<Vec<DaySum>> = counted
        .per_day(register.agreements.len(), parse::date_to_days(as_of))
        .into_iter()
        .map(|days| {
            days.into_iter()
                .map(|(d, amount, rows)| DaySum {
                    date: parse::days_to_date(d),
                    amount,
                    rows,
                })
                .collect()
        })
        .collect();
    register
        .agreements
        .iter()
        .enumerate()
        .filter(|(_, a)| a.overlaps(window))
        .filter_map(|(i, a)| {
            let ceiling = a.ceiling?;
            let missing = missing_months(a.valid_from, as_of, months_read);
            Some(ceiling_of(i, a, ceiling, as_of, &per_agreement[i], missing))
        })
        .collect()
}

/// Months from `from` to `to` (inclusive) that are not in `read`.
pub fn missing_months(from: NaiveDate, to: NaiveDate, read: &BTreeSet<i32>) -> Vec<i32> {
    if to < from {
        return Vec::new();
    }
    use crate::window::month_key;
    (month_key(from)..=month_key(to))
        .filter(|m| !read.contains(m))
        .collect()
}

/// Consecutive runs of month keys, for messages: `[(first, last)]`.
pub fn month_runs(months: &[i32]) -> Vec<(i32, i32)> {
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for &m in months {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == m => *last = m,
            _ => runs.push((m, m)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{Basis, Supplier};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).expect("date")
    }

    fn agreement(from: NaiveDate, to: NaiveDate) -> Agreement {
        Agreement {
            id: "RA-1".into(),
            name: "Test".into(),
            valid_from: from,
            valid_to: to,
            basis: Basis::Amount,
            tolerance_pp: None,
            accounts: None,
            suppliers: vec![Supplier {
                name: "A".into(),
                org_nr: None,
                share: 100.0,
                aliases: vec![],
                rank: None,
            }],
            ceiling: None,
            model: Default::default(),
            fku_threshold: None,
            deviations: vec![],
        }
    }

    fn ceiling(sek: i64) -> Ceiling {
        Ceiling {
            ceiling: sek * AMOUNT_SCALE,
            estimated: None,
            warn_pct: 80.0,
            shared: false,
        }
    }

    fn day(date: NaiveDate, sek: i64, rows: u64) -> DaySum {
        DaySum {
            date,
            amount: sek * AMOUNT_SCALE,
            rows,
        }
    }

    #[test]
    fn reached_then_pulled_back_by_a_credit_note() {
        let a = agreement(d(2020, 1, 1), d(2023, 12, 31));
        let days = [
            day(d(2020, 3, 1), 600, 1),
            day(d(2020, 4, 1), 500, 2),
            day(d(2020, 5, 1), -200, 1),
            day(d(2020, 6, 1), 50, 1),
        ];
        let u = ceiling_of(0, &a, ceiling(1000), d(2020, 6, 30), &days, vec![]);
        assert_eq!(u.reached_on, Some(d(2020, 4, 1)));
        assert_eq!(u.used, 950 * AMOUNT_SCALE);
        assert_eq!(u.after_reached_rows, 2);
        assert_eq!(u.after_reached_amount, -150 * AMOUNT_SCALE);
        assert_eq!(u.status, CeilingStatus::Reached);
        // No forecast: used is below the ceiling, the pace is positive.
        // 950 over 182 days (2020-01-01..06-30): ceil(50 × 182 / 950) = 10.
        assert_eq!(u.rate_days, 182);
        assert_eq!(u.forecast_date, Some(d(2020, 7, 10)));
        assert_eq!(u.used_pct_text(), "95.0000");
    }

    #[test]
    fn as_of_before_valid_from_and_no_rows() {
        let a = agreement(d(2021, 1, 1), d(2022, 12, 31));
        let u = ceiling_of(0, &a, ceiling(1000), d(2020, 12, 31), &[], vec![]);
        assert_eq!((u.used, u.elapsed_pct, u.rate_days), (0, 0.0, 0));
        assert_eq!(u.rate_per_month_text(), "0.00");
        assert_eq!(
            (u.forecast_date, u.reached_on, u.status),
            (None, None, CeilingStatus::Ok)
        );
        let u = ceiling_of(0, &a, ceiling(1000), d(2021, 6, 30), &[], vec![]);
        assert_eq!(u.forecast_date, None);
        assert_eq!(u.rate_days, 181);
        assert_eq!(u.elapsed_pct_text(), "24.7945");
    }

    #[test]
    fn young_agreement_rate_and_forecast_status() {
        // Started 100 days before as_of: the span is those 100 days.
        let a = agreement(d(2024, 1, 1), d(2025, 12, 31));
        let as_of = d(2024, 4, 9);
        let days = [day(d(2024, 2, 1), 100_000, 1)];
        let u = ceiling_of(0, &a, ceiling(1_000_000), as_of, &days, vec![]);
        assert_eq!(u.rate_days, 100);
        // 1 000 kr/day × 30.4375.
        assert_eq!(u.rate_per_month_text(), "30437.50");
        // 900 000 left at 1 000/day: 900 days → 2026-09-26, after valid_to.
        assert_eq!(u.forecast_date, Some(d(2026, 9, 26)));
        assert_eq!(u.status, CeilingStatus::Ok);
        let u = ceiling_of(0, &a, ceiling(400_000), as_of, &days, vec![]);
        assert_eq!(u.forecast_date, Some(d(2024, 4, 9) + chrono::Duration::days(300)));
        assert_eq!(u.status, CeilingStatus::Forecast);
        let u = ceiling_of(0, &a, ceiling(120_000), as_of, &days, vec![]);
        assert_eq!(u.status, CeilingStatus::Warning);
    }

    #[test]
    fn rate_looks_back_365_days_only() {
        let a = agreement(d(2018, 1, 1), d(2025, 12, 31));
        let as_of = d(2020, 12, 31);
        let days = [day(d(2020, 1, 1), 1000, 1), day(d(2020, 1, 2), 365, 1)];
        let u = ceiling_of(0, &a, ceiling(1_000_000), as_of, &days, vec![]);
        // span_start = 2020-01-02 (as_of − 364): only the 365 counts.
        assert_eq!((u.rate_amount, u.rate_days), (365 * AMOUNT_SCALE, 365));
        assert_eq!(u.rate_per_day(), 1.0);
    }

    #[test]
    fn ratio_text_rounds_half_away_from_zero() {
        assert_eq!(ratio_text(1, 8, 2), "0.13");
        assert_eq!(ratio_text(-1, 8, 2), "-0.13");
        assert_eq!(ratio_text(-1, 1000, 2), "0.00");
        assert_eq!(ratio_text(2, 3, 4), "0.6667");
    }

    #[test]
    fn month_runs_group_consecutive_months() {
        assert_eq!(month_runs(&[1, 2, 3, 7, 9, 10]), vec![(1, 3), (7, 7), (9, 10)]);
    }

    proptest! {
        #[test]
        fn rule_11_invariants(amounts in proptest::collection::vec(-5_000i64..20_000, 0..40), cap in 1i64..200_000, offset in 0i64..1500) {
            let a = agreement(d(2020, 1, 1), d(2023, 12, 31));
            let days: Vec<DaySum> = amounts.iter().enumerate()
                .map(|(i, m)| day(d(2020, 1, 1) + chrono::Duration::days(i as i64 * 20), *m, 1))
                .collect();
            let as_of = d(2020, 1, 1) + chrono::Duration::days(offset);
            let u = ceiling_of(0, &a, ceiling(cap), as_of, &days, vec![]);
            let more = ceiling_of(0, &a, ceiling(cap), as_of, &[days.clone(), vec![day(as_of, 1000, 1)]].concat(), vec![]);
            // used_pct grows with used.
            prop_assert!(more.used > u.used && more.used_pct > u.used_pct);
            // forecast_date is empty exactly when used ≥ ceiling or the pace is not above zero.
            prop_assert_eq!(u.forecast_date.is_none(), u.used >= u.ceiling.ceiling || u.rate_amount <= 0);
            // nothing after a ceiling that was not reached.
            if u.reached_on.is_none() {
                prop_assert_eq!((u.after_reached_rows, u.after_reached_amount), (0, 0));
            } else {
                prop_assert_eq!(u.status, CeilingStatus::Reached);
            }
            prop_assert!((0.0..=100.0).contains(&u.elapsed_pct));
        }
    }
}

/// Call-offs one unit booked, for the agreement's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitUse {
    pub unit: crate::read::Sym,
    pub rows: u64,
    /// Fixed point.
    pub amount: i64,
}

/// Call-offs an agreement should no longer have received: after it ended,
/// or after its ceiling was reached; per unit, the largest amount first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateUse {
    /// Index into the register.
    pub agreement: usize,
    pub rows: u64,
    /// Fixed point.
    pub amount: i64,
    pub units: Vec<UnitUse>,
}

/// The agreements' life as of `as_of`: ending soon, ended but still used,
/// used after the ceiling was reached.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Life {
    /// Agreements whose `valid_to` is from `as_of` to six months after it
    /// (a new procurement takes longer), earliest end first.
    pub ending_soon: Vec<usize>,
    /// Rows dated after the agreement's `valid_to` (rule 5's
    /// `outside_validity`), per agreement.
    pub ended_in_use: Vec<LateUse>,
    /// Counted rows dated after the ceiling was reached, up to `as_of`.
    pub after_ceiling: Vec<LateUse>,
}

/// Months ahead within which an ending agreement is flagged.
pub const ENDING_MONTHS: u32 = 6;

/// Rows summed per agreement and unit, on the way to [`LateUse`] lists.
type Tally = HashMap<(usize, crate::read::Sym), (u64, i64), foldhash::fast::RandomState>;

/// Adds rows and their amount to a tally under (agreement, unit).
fn tally(t: &mut Tally, key: (usize, crate::read::Sym), (rows, amount): (u64, i64)) {
    let e = t.entry(key).or_default();
    e.0 += rows;
    e.1 += amount;
}

/// A tally as per-agreement lists: agreements in order, each one's units
/// the largest amount first.
fn late_uses(t: Tally) -> Vec<LateUse> {
    let mut list: Vec<LateUse> = Vec::new();
    let mut entries: Vec<_> = t.into_iter().collect();
    entries.sort_by(|((a, u), (_, x)), ((b, v), (_, y))| a.cmp(b).then(y.cmp(x)).then(u.cmp(v)));
    for ((agreement, unit), (rows, amount)) in entries {
        if list.last().is_none_or(|l| l.agreement != agreement) {
            list.push(LateUse {
                agreement,
                rows: 0,
                amount: 0,
                units: Vec::new(),
            });
        }
        if let Some(l) = list.last_mut() {
            l.rows += rows;
            l.amount += amount;
            l.units.push(UnitUse { unit, rows, amount });
        }
    }
    list
}

/// Counted rows dated after their agreement's ceiling was reached (`reached`:
/// agreement and day) and no later than `end`, tallied in pieces side by side.
fn after_ceiling(
    exports: &crate::read::Exports,
    classified: &crate::classify::Classified,
    reached: &[(usize, i32)],
    end: i32,
) -> Tally {
    let rows = &exports.rows;
    let piece = |mut t: Tally, range: std::ops::Range<usize>| {
        for (i, agreement, _) in classified.counted_in(range) {
            let a = agreement.index();
            let (_, Some(d), amount) = rows.basics(i) else {
                continue;
            };
            if reached.iter().any(|&(r, on)| r == a && d > on && d <= end) {
                tally(&mut t, (a, rows.buyer(i)[0]), (1, amount.unwrap_or(0)));
            }
        }
        t
    };
    rows.fold(Tally::default, piece, |mut a, b| {
        b.into_iter().for_each(|(key, sums)| tally(&mut a, key, sums));
        a
    })
}

/// The life of the register's agreements as of `as_of`.
pub fn life(
    exports: &crate::read::Exports,
    classified: &crate::classify::Classified,
    register: &Register,
    ceilings: &[CeilingUse],
    as_of: NaiveDate,
) -> Life {
    use crate::classify::Detail;
    use crate::read::Field;
    let horizon = as_of
        .checked_add_months(chrono::Months::new(ENDING_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    let mut ending_soon: Vec<usize> = (0..register.agreements.len())
        .filter(|&i| {
            let to = register.agreements[i].valid_to;
            to >= as_of && to <= horizon
        })
        .collect();
    ending_soon.sort_by_key(|&i| register.agreements[i].valid_to);
    let mut ended_in_use = Tally::default();
    for f in &classified.findings {
        if let Detail::OutsideValidity { agreement } = f.detail {
            let Some(row) = exports.rows.get(f.row) else { continue };
            let Some(a) = register.agreements.get(agreement.index()) else {
                continue;
            };
            if row.date.is_some_and(|d| parse::days_to_date(d) > a.valid_to) {
                let amount = row.amount.map_or(0, |m| m.0);
                tally(
                    &mut ended_in_use,
                    (agreement.index(), row.get(Field::Unit)),
                    (1, amount),
                );
            }
        }
    }
    let reached: Vec<(usize, i32)> = ceilings
        .iter()
        .filter_map(|c| Some((c.agreement, parse::date_to_days(c.reached_on?))))
        .collect();
    let after_ceiling = match reached.is_empty() {
        true => Vec::new(),
        false => late_uses(after_ceiling(exports, classified, &reached, parse::date_to_days(as_of))),
    };
    let ended_in_use = late_uses(ended_in_use);
    Life {
        ending_soon,
        ended_in_use,
        after_ceiling,
    }
}
