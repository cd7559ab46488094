//! Allocation: rules 6–10 of docs/rules.md. The rows counted for an
//! agreement supplier are summed per agreement, supplier and day in one
//! parallel pass ([`Counted`]), and every window, scope and month (rules
//! 6–9, 11, 12, [`monthly`]) is summed from those day sums; shares, status
//! and catch-up are computed on the (small) result. [`usage`] (rule 10:
//! who uses an agreement) sums the rows of the imbalanced agreements per
//! unit or orderer and supplier straight from the row columns, in
//! parallel pieces.

pub mod beside;
pub mod ceiling;
pub mod compare;
pub mod fku;
pub mod monthly;
pub mod rank;
pub(crate) mod section;
pub mod usage;

use crate::classify::{AgreementIx, Classified, Outcome, SupplierIx};
use crate::error::{Error, Result};
use crate::parse::{self, AMOUNT_SCALE};
use crate::read::Exports;
use crate::register::{Basis, Register};
use crate::window::Window;
use chrono::NaiveDate;

/// The two scopes of rule 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Rows dated in the window.
    Period,
    /// Rows dated from the agreement's `valid_from` to the window's end.
    ToDate,
}

impl Scope {
    pub fn key(self) -> &'static str {
        match self {
            Scope::Period => "period",
            Scope::ToDate => "to_date",
        }
    }
}

/// Status of rule 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Imbalance,
    Insufficient,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Imbalance => "imbalance",
            Status::Insufficient => "insufficient",
        }
    }
}

/// Rule 7: a row is a call-off when its amount is above zero (credit
/// notes and zero rows net the amount but are no call-off).
pub fn is_call_off(amount: i64) -> bool {
    amount > 0
}

/// Settings of the allocation.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Run-wide tolerance in percentage points (agreements may override).
    pub tolerance_pp: f64,
    pub min_call_offs: u64,
}

/// One supplier of an agreement in one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierShare {
    /// Index into the agreement's suppliers.
    pub supplier: usize,
    /// Net amount, fixed point (see [`parse::Amount`]).
    pub amount: i64,
    pub call_offs: u64,
    pub actual_pct: Option<f64>,
    pub deviation_pp: Option<f64>,
    /// SEK for basis amount, whole call-offs for basis count.
    pub catch_up: f64,
    pub status: Status,
}

/// One agreement in one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementShares {
    /// Index into the register.
    pub agreement: usize,
    pub scope: Scope,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub total_amount: i64,
    pub total_call_offs: u64,
    pub tolerance_pp: f64,
    pub status: Status,
    pub suppliers: Vec<SupplierShare>,
    /// A rank agreement's skips (rule 13); `None` for a key agreement.
    pub rank: Option<rank::RankFigures>,
}

impl AgreementShares {
    /// The largest absolute deviation of any supplier, if shares exist.
    pub fn largest_deviation(&self) -> Option<f64> {
        // On a tie the first supplier (register order) wins.
        self.suppliers
            .iter()
            .filter_map(|s| s.deviation_pp)
            .fold(None, |best: Option<f64>, d| match best {
                Some(b) if b.abs() >= d.abs() => Some(b),
                _ => Some(d),
            })
    }
}

/// The result of a run's allocation.
#[derive(Debug, Clone)]
pub struct Allocation {
    pub window: Window,
    /// Period scope first, then to date; agreements in register order.
    pub shares: Vec<AgreementShares>,
}

impl Allocation {
    /// The agreements' shares in the window, in register order.
    pub fn period(&self) -> impl Iterator<Item = &AgreementShares> + '_ {
        self.shares.iter().filter(|s| s.scope == Scope::Period)
    }

    /// One agreement's shares in a scope (a binary search: `shares` is
    /// ordered by scope, then agreement).
    pub fn of(&self, agreement: usize, scope: Scope) -> Option<&AgreementShares> {
        let rank = |s: Scope| (s == Scope::ToDate) as u8;
        self.shares
            .binary_search_by_key(&(rank(scope), agreement), |s| (rank(s.scope), s.agreement))
            .ok()
            .and_then(|i| self.shares.get(i))
    }

    /// The agreements (indices into the register) in imbalance in the
    /// window.
    pub fn imbalanced(&self) -> Vec<usize> {
        self.period()
            .filter(|s| s.status == Status::Imbalance)
            .map(|s| s.agreement)
            .collect()
    }

    /// The key agreements (not rank orders) in imbalance in either scope,
    /// as indices into `shares`: rule 10's usage is worked out for these.
    pub fn imbalanced_key_shares(&self, register: &Register) -> Vec<usize> {
        let is_rank = |a: usize| register.agreements.get(a).is_some_and(|a| a.is_rank());
        (self.shares.iter().enumerate())
            .filter(|(_, s)| s.status == Status::Imbalance && !is_rank(s.agreement))
            .map(|(i, _)| i)
            .collect()
    }
}

/// The rows counted for agreement suppliers, summed per agreement,
/// supplier and day ([`counted`]).
pub struct Counted {
    /// Sorted by agreement, supplier and date.
    days: Vec<DaySums>,
}

/// The counted rows of one agreement supplier on one day.
#[derive(Debug, Clone, Copy)]
struct DaySums {
    agreement: u32,
    supplier: u32,
    date: i32,
    amount: i64,
    call_offs: u64,
    rows: u64,
    /// The undocumented skips among them (rule 13).
    skips: Skips,
}

/// Undocumented skips of a rank order (rule 13): net amount, call-offs
/// (rows above zero) and rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skips {
    pub amount: i64,
    pub call_offs: u64,
    pub rows: u64,
}

impl std::ops::AddAssign for Skips {
    fn add_assign(&mut self, o: Skips) {
        self.amount = self.amount.saturating_add(o.amount);
        self.call_offs += o.call_offs;
        self.rows += o.rows;
    }
}

/// A day's sums while they are gathered.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    amount: i64,
    call_offs: u64,
    rows: u64,
    skips: Skips,
}

impl std::ops::AddAssign for Acc {
    fn add_assign(&mut self, o: Acc) {
        self.amount += o.amount;
        self.call_offs += o.call_offs;
        self.rows += o.rows;
        self.skips += o.skips;
    }
}

/// Agreement, supplier and date in one 64-bit group key.
fn day_key(agreement: AgreementIx, supplier: SupplierIx, date: i32) -> u64 {
    (agreement.index() as u64) << 48 | (supplier.index() as u64) << 32 | u64::from(date as u32)
}

impl Counted {
    /// Undocumented skips per (agreement, supplier) of the days `keep`
    /// (agreement, date) keeps, sorted by agreement and supplier; only
    /// pairs with a skip.
    pub(crate) fn skip_sums(&self, keep: impl Fn(u32, i32) -> bool) -> Vec<(u32, u32, Skips)> {
        let mut out: Vec<(u32, u32, Skips)> = Vec::new();
        for d in self
            .days
            .iter()
            .filter(|d| d.skips.rows > 0 && keep(d.agreement, d.date))
        {
            match out.last_mut() {
                Some(last) if (last.0, last.1) == (d.agreement, d.supplier) => last.2 += d.skips,
                _ => out.push((d.agreement, d.supplier, d.skips)),
            }
        }
        out
    }

    /// Per (agreement, supplier, month key) the undocumented skips.
    pub(crate) fn monthly_skips(&self, agreement: usize) -> Vec<([u32; 2], Skips)> {
        let mut out: Vec<([u32; 2], Skips)> = Vec::new();
        for d in self
            .days
            .iter()
            .filter(|d| d.skips.rows > 0 && d.agreement as usize == agreement)
        {
            let key = [d.supplier, monthly::month_key(parse::days_to_date(d.date)) as u32];
            match out.last_mut() {
                Some(last) if last.0 == key => last.1 += d.skips,
                _ => out.push((key, d.skips)),
            }
        }
        out
    }

    /// Sum and call-offs per (agreement, supplier) of the days `keep`
    /// (agreement, date) keeps, sorted by agreement and supplier.
    fn sums(&self, keep: impl Fn(u32, i32) -> bool) -> Vec<(u32, u32, i64, u64)> {
        let mut out: Vec<(u32, u32, i64, u64)> = Vec::new();
        for d in self.days.iter().filter(|d| keep(d.agreement, d.date)) {
            match out.last_mut() {
                Some(last) if (last.0, last.1) == (d.agreement, d.supplier) => {
                    last.2 += d.amount;
                    last.3 += d.call_offs;
                }
                _ => out.push((d.agreement, d.supplier, d.amount, d.call_offs)),
            }
        }
        out
    }

    /// Per (agreement, supplier, month key) the sum and call-offs of the
    /// days `keep` keeps.
    fn monthly_sums(&self, keep: impl Fn(u32, i32) -> bool) -> Vec<([u32; 3], i64, u64)> {
        let mut out: Vec<([u32; 3], i64, u64)> = Vec::new();
        for d in self.days.iter().filter(|d| keep(d.agreement, d.date)) {
            let key = [
                d.agreement,
                d.supplier,
                monthly::month_key(parse::days_to_date(d.date)) as u32,
            ];
            match out.last_mut() {
                Some(last) if last.0 == key => {
                    last.1 += d.amount;
                    last.2 += d.call_offs;
                }
                _ => out.push((key, d.amount, d.call_offs)),
            }
        }
        out
    }

    /// Per agreement, the (date, amount, rows) of each day up to `until`,
    /// suppliers together, in date order.
    fn per_day(&self, agreements: usize, until: i32) -> Vec<Vec<(i32, i64, u64)>> {
        let mut out: Vec<std::collections::BTreeMap<i32, (i64, u64)>> = vec![Default::default(); agreements];
        for d in self.days.iter().filter(|d| d.date <= until) {
            if let Some(map) = out.get_mut(d.agreement as usize) {
                let e = map.entry(d.date).or_default();
                e.0 += d.amount;
                e.1 += d.rows;
            }
        }
        out.into_iter()
            .map(|m| m.into_iter().map(|(d, (a, n))| (d, a, n)).collect())
            .collect()
    }
}

/// The counted rows summed per day ([`Counted`]): the rows are folded
/// side by side, in chunks, into small tables keyed by agreement, supplier
/// and date (a few hundred thousand keys at most, whatever the rows), and
/// the tables merged. Nothing is held per row. An error when an
/// agreement's amounts sum beyond what 64 bits hold.
pub fn counted(exports: &Exports, classified: &Classified, register: &Register) -> Result<Counted> {
    counted_except(exports, classified, register, &fku::RowSet::default())
}

/// [`counted`] without the rows of `except` (the FKU call-offs of rule 14);
/// the undocumented skips of rank orders (rule 13) are summed beside.
pub fn counted_except(
    exports: &Exports,
    classified: &Classified,
    register: &Register,
    except: &fku::RowSet,
) -> Result<Counted> {
    use rayon::prelude::*;
    let n = classified.outcomes.len();
    let chunk = |c: usize| c * COUNT_CHUNK..((c + 1) * COUNT_CHUNK).min(n);
    let parts: Vec<(DayTable, Vec<i128>)> = (0..n.div_ceil(COUNT_CHUNK))
        .into_par_iter()
        .map(|c| sum_chunk(exports, classified, register, except, chunk(c)))
        .collect();
    // The parts' sums side by side in key order, then each key's added up.
    let mut entries: Vec<(u64, Acc)> = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum());
    let mut abs_totals: Vec<i128> = vec![0; register.agreements.len()];
    let mut overflow: Option<(usize, usize)> = None;
    for (c, (table, totals)) in parts.into_iter().enumerate() {
        entries.extend(table);
        for (a, (t, p)) in abs_totals.iter_mut().zip(totals).enumerate() {
            let before = *t;
            *t += p;
            if *t > i64::MAX as i128 && before <= i64::MAX as i128 && overflow.is_none() {
                overflow = Some((a, crossing_row(exports, classified, a, before, chunk(c))));
            }
        }
    }
    if let Some((a, row)) = overflow {
        return Err(overflow_error(exports, register, a, row));
    }
    entries.par_sort_unstable_by_key(|e| e.0);
    let mut merged: Vec<(u64, Acc)> = Vec::with_capacity(entries.len());
    for (k, acc) in entries {
        match merged.last_mut() {
            Some((last, sum)) if *last == k => *sum += acc,
            _ => merged.push((k, acc)),
        }
    }
    let mut days: Vec<DaySums> = merged
        .into_iter()
        .map(|(k, acc)| DaySums {
            agreement: (k >> 48) as u32,
            supplier: ((k >> 32) & 0xFFFF) as u32,
            date: k as u32 as i32,
            amount: acc.amount,
            call_offs: acc.call_offs,
            rows: acc.rows,
            skips: acc.skips,
        })
        .collect();
    days.sort_unstable_by_key(|d| (d.agreement, d.supplier, d.date));
    Ok(Counted { days })
}

/// The rows [`counted_except`] sums in one parallel part.
const COUNT_CHUNK: usize = 1 << 18;

/// Sums per agreement, supplier and day ([`day_key`]).
type DayTable = std::collections::HashMap<u64, Acc, foldhash::fast::RandomState>;

/// One part of the rows summed, and the absolute sums per agreement: a sum
/// beyond i64 names its agreement and the file whose row crossed the limit.
fn sum_chunk(
    exports: &Exports,
    classified: &Classified,
    register: &Register,
    except: &fku::RowSet,
    range: std::ops::Range<usize>,
) -> (DayTable, Vec<i128>) {
    let mut table = DayTable::default();
    let mut abs_totals: Vec<i128> = vec![0; register.agreements.len()];
    let dates = exports.rows.dates(range.clone());
    let amounts = exports.rows.amounts(range.clone());
    let outcomes = classified.outcomes.get(range.clone()).unwrap_or(&[]);
    for (i, ((outcome, d), am)) in outcomes.iter().zip(dates).zip(amounts).enumerate() {
        let (
            Outcome::InAgreement {
                agreement: a,
                supplier: s,
            },
            Some(d),
            Some(am),
        ) = (outcome, d, am)
        else {
            continue;
        };
        let row = range.start + i;
        if except.contains(row) {
            continue;
        }
        let e = table.entry(day_key(*a, *s, d)).or_default();
        // Saturating: the agreement's absolute total below stops the run
        // with a message before a sum is used.
        e.amount = e.amount.saturating_add(am);
        e.call_offs += u64::from(is_call_off(am));
        e.rows += 1;
        if rank::undocumented(exports, register, row, a.index(), s.index(), d) {
            e.skips += Skips {
                amount: am,
                call_offs: u64::from(is_call_off(am)),
                rows: 1,
            };
        }
        if let Some(t) = abs_totals.get_mut(a.index()) {
            *t += am.unsigned_abs() as i128;
        }
    }
    (table, abs_totals)
}

/// The row of `range` where agreement `a`'s absolute sum, `before` at the
/// range's start, crosses i64's limit.
fn crossing_row(
    exports: &Exports,
    classified: &Classified,
    a: usize,
    before: i128,
    range: std::ops::Range<usize>,
) -> usize {
    let mut running = before;
    let rows = classified.outcomes.get(range.clone()).unwrap_or(&[]);
    let amounts = exports.rows.amounts(range.clone());
    let at = rows.iter().zip(amounts).position(|(o, am)| {
        if let (Outcome::InAgreement { agreement, .. }, Some(am)) = (o, am) {
            if agreement.index() == a {
                running += am.unsigned_abs() as i128;
            }
        }
        running > i64::MAX as i128
    });
    range.start + at.unwrap_or(0)
}

/// Agreement `a`'s rows sum beyond the exact amount type: the agreement
/// and the file of the row that crossed the limit named.
fn overflow_error(exports: &Exports, register: &Register, a: usize, row: usize) -> Error {
    let id = register.agreements.get(a).map_or("?", |x| x.id.as_str());
    let file = exports
        .files
        .get(exports.rows.file_of(row) as usize)
        .map_or("?", |f| f.display.as_str());
    let limit = crate::format::sek(i64::MAX as i128 / 10_000 * 10_000, crate::lang::Lang::Sv);
    Error::Overflow(crate::lang::Text::new(
        format!("raderna för avtal {id} summerar till mer än {limit} kr (gränsen nåddes i {file}) – kontrollera beloppskolumnen i den filen"),
        format!("the rows of agreement {id} sum to more than {limit} SEK (the limit was crossed in {file}) – check that file's amount column"),
    ))
}

/// Applies rules 6–9 for the window.
pub fn allocate(counted: &Counted, register: &Register, window: &Window, rules: Rules) -> Allocation {
    let (ws, we) = (parse::date_to_days(window.start), parse::date_to_days(window.end));
    let valid_from: Vec<i32> = register
        .agreements
        .iter()
        .map(|a| parse::date_to_days(a.valid_from))
        .collect();
    let in_period = |_: u32, d: i32| ws <= d && d <= we;
    let to_date = |a: u32, d: i32| valid_from.get(a as usize).is_some_and(|&f| f <= d) && d <= we;
    let skips = [counted.skip_sums(in_period), counted.skip_sums(to_date)];
    let period = counted.sums(in_period);
    let to_date = counted.sums(to_date);
    let mut shares = Vec::new();
    for (scope, sums, skips) in [
        (Scope::Period, &period, &skips[0]),
        (Scope::ToDate, &to_date, &skips[1]),
    ] {
        for (ai, a) in register.agreements.iter().enumerate() {
            if !a.overlaps(window) {
                continue;
            }
            let mut amounts = vec![0i64; a.suppliers.len()];
            let mut counts = vec![0u64; a.suppliers.len()];
            for &(_, s, m, c) in sums.iter().filter(|e| e.0 as usize == ai) {
                if let Some(slot) = amounts.get_mut(s as usize) {
                    *slot += m;
                    counts[s as usize] += c;
                }
            }
            let (start, end) = match scope {
                Scope::Period => (window.start, window.end),
                Scope::ToDate => (a.valid_from, window.end),
            };
            let tolerance = a.tolerance_pp.unwrap_or(rules.tolerance_pp);
            let mut share = shares_of(
                ai,
                a,
                scope,
                start,
                end,
                &amounts,
                &counts,
                tolerance,
                rules.min_call_offs,
            );
            if a.is_rank() {
                let mut undocumented = vec![Skips::default(); a.suppliers.len()];
                for (_, s, k) in skips.iter().filter(|e| e.0 as usize == ai) {
                    if let Some(slot) = undocumented.get_mut(*s as usize) {
                        *slot += *k;
                    }
                }
                rank::apply(&mut share, a, undocumented);
            }
            shares.push(share);
        }
    }
    Allocation {
        window: window.clone(),
        shares,
    }
}

/// Rules 7–9 for one agreement and scope, from its suppliers' sums.
#[allow(clippy::too_many_arguments)]
pub fn shares_of(
    index: usize,
    agreement: &crate::register::Agreement,
    scope: Scope,
    start: NaiveDate,
    end: NaiveDate,
    amounts: &[i64],
    counts: &[u64],
    tolerance_pp: f64,
    min_call_offs: u64,
) -> AgreementShares {
    let total_amount: i64 = amounts.iter().sum();
    let total_call_offs: u64 = counts.iter().sum();
    let basis_total = match agreement.basis {
        Basis::Amount => total_amount as f64 / AMOUNT_SCALE as f64,
        Basis::Count => total_call_offs as f64,
    };
    let basis_value = |i: usize| match agreement.basis {
        Basis::Amount => amounts[i] as f64 / AMOUNT_SCALE as f64,
        Basis::Count => counts[i] as f64,
    };
    let insufficient = total_call_offs < min_call_offs || basis_total <= 0.0;
    let catch_up = catch_up(
        &(0..amounts.len()).map(basis_value).collect::<Vec<_>>(),
        &agreement.fractions(),
        agreement.basis,
    );
    let suppliers: Vec<SupplierShare> = agreement
        .suppliers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let actual_pct = (basis_total > 0.0).then(|| 100.0 * basis_value(i) / basis_total);
            // A rank order has no agreed share (rule 13).
            let deviation_pp = actual_pct.map(|p| p - s.share).filter(|_| !agreement.is_rank());
            let status = if insufficient {
                Status::Insufficient
            } else if deviation_pp.is_some_and(|d| d.abs() > tolerance_pp) {
                Status::Imbalance
            } else {
                Status::Ok
            };
            SupplierShare {
                supplier: i,
                amount: amounts[i],
                call_offs: counts[i],
                actual_pct,
                deviation_pp,
                catch_up: if agreement.is_rank() { 0.0 } else { catch_up[i] },
                status,
            }
        })
        .collect();
    let status = if insufficient {
        Status::Insufficient
    } else if suppliers.iter().any(|s| s.status == Status::Imbalance) {
        Status::Imbalance
    } else {
        Status::Ok
    };
    AgreementShares {
        agreement: index,
        scope,
        start,
        end,
        total_amount,
        total_call_offs,
        tolerance_pp,
        status,
        suppliers,
        rank: None,
    }
}

/// Rule 9: with `x_s` = max(value_s, 0) and `p_s` the agreed fraction,
/// `T = max x_s / p_s` and `catch_up_s = p_s·T − x_s`; for basis count
/// rounded (to 9 decimals, then) up to whole call-offs.
pub fn catch_up(values: &[f64], fractions: &[f64], basis: Basis) -> Vec<f64> {
    let x: Vec<f64> = values.iter().map(|v| v.max(0.0)).collect();
    if x.iter().all(|v| *v == 0.0) {
        return vec![0.0; x.len()];
    }
    let t = x
        .iter()
        .zip(fractions)
        .filter(|(_, p)| **p > 0.0)
        .map(|(x, p)| x / p)
        .fold(0.0f64, f64::max);
    x.iter()
        .zip(fractions)
        .map(|(x, p)| {
            let c = p * t - x;
            match basis {
                Basis::Amount => c,
                Basis::Count => ((c * 1e9).round() / 1e9).ceil().max(0.0),
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::register::{Agreement, Supplier};
    use proptest::prelude::*;

    pub(crate) fn agreement(shares: &[f64], basis: Basis) -> Agreement {
        Agreement {
            id: "RA-1".into(),
            name: "Test".into(),
            valid_from: NaiveDate::from_ymd_opt(2019, 1, 1).expect("date"),
            valid_to: NaiveDate::from_ymd_opt(2020, 12, 31).expect("date"),
            basis,
            tolerance_pp: None,
            accounts: None,
            suppliers: shares
                .iter()
                .enumerate()
                .map(|(i, &share)| Supplier {
                    name: format!("S{i}"),
                    org_nr: None,
                    share,
                    aliases: vec![],
                    rank: None,
                })
                .collect(),
            ceiling: None,
            model: Default::default(),
            fku_threshold: None,
            deviations: vec![],
        }
    }

    fn run(shares: &[f64], amounts_sek: &[i64], counts: &[u64], basis: Basis) -> AgreementShares {
        let a = agreement(shares, basis);
        let amounts: Vec<i64> = amounts_sek.iter().map(|v| v * AMOUNT_SCALE).collect();
        shares_of(
            0,
            &a,
            Scope::Period,
            a.valid_from,
            a.valid_to,
            &amounts,
            counts,
            5.0,
            10,
        )
    }

    #[test]
    fn worked_example_amount_basis() {
        // Key 50/30/20, actual 600/300/100 of 1000: 60/30/10.
        let r = run(&[50.0, 30.0, 20.0], &[600, 300, 100], &[5, 5, 5], Basis::Amount);
        let pct: Vec<f64> = r.suppliers.iter().filter_map(|s| s.actual_pct).collect();
        assert_eq!(pct, vec![60.0, 30.0, 10.0]);
        assert_eq!(r.status, Status::Imbalance);
        assert_eq!(r.suppliers[0].status, Status::Imbalance);
        assert_eq!(r.suppliers[1].status, Status::Ok);
        // T = 600/0.5 = 1200: catch-up 0, 360-300 = 60, 240-100 = 140.
        let c: Vec<String> = r
            .suppliers
            .iter()
            .map(|s| crate::format::format_float(s.catch_up, 2))
            .collect();
        assert_eq!(c, vec!["0.00", "60.00", "140.00"]);
    }

    #[test]
    fn insufficient_and_count_basis() {
        let r = run(&[50.0, 50.0], &[100, 100], &[4, 5], Basis::Amount);
        assert_eq!(r.status, Status::Insufficient);
        assert!(r.suppliers.iter().all(|s| s.status == Status::Insufficient));
        let r = run(&[25.0, 25.0, 25.0, 25.0], &[0, 0, 0, 0], &[7, 3, 0, 0], Basis::Count);
        assert_eq!(r.status, Status::Imbalance);
        let c: Vec<f64> = r.suppliers.iter().map(|s| s.catch_up).collect();
        assert_eq!(c, vec![0.0, 4.0, 7.0, 7.0]);
        // Credit notes only: basis total not above zero.
        let r = run(&[60.0, 40.0], &[-100, 0], &[0, 0], Basis::Amount);
        assert_eq!(r.status, Status::Insufficient);
        assert_eq!(r.suppliers[0].actual_pct, None);
        assert_eq!(r.suppliers[0].catch_up, 0.0);
    }

    proptest! {
        #[test]
        fn shares_sum_to_100(amounts in proptest::collection::vec(0i64..1_000_000, 1..6)) {
            let n = amounts.len();
            let shares: Vec<f64> = (0..n).map(|_| 100.0 / n as f64).collect();
            let r = run(&shares, &amounts, &vec![10; n], Basis::Amount);
            if amounts.iter().sum::<i64>() > 0 {
                let sum: f64 = r.suppliers.iter().filter_map(|s| s.actual_pct).sum();
                prop_assert!((sum - 100.0).abs() < 1e-9);
                let dev: f64 = r.suppliers.iter().filter_map(|s| s.deviation_pp).sum();
                prop_assert!(dev.abs() < 1e-9);
            }
        }

        #[test]
        fn catch_up_is_zero_when_balanced(unit in 1u32..100_000, k in 1usize..5) {
            // Amounts exactly in the key 50/30/20 (times k) need no catch-up.
            let values = [50.0 * unit as f64 * k as f64, 30.0 * unit as f64 * k as f64, 20.0 * unit as f64 * k as f64];
            let c = catch_up(&values, &[0.5, 0.3, 0.2], Basis::Amount);
            for v in c { prop_assert!(v.abs() < 1e-6, "{v}"); }
            let c = catch_up(&[5.0 * k as f64, 3.0 * k as f64, 2.0 * k as f64], &[0.5, 0.3, 0.2], Basis::Count);
            prop_assert_eq!(c, vec![0.0, 0.0, 0.0]);
        }

        #[test]
        fn catch_up_restores_the_key(values in proptest::collection::vec(0.0f64..1e7, 3)) {
            let p = [0.5, 0.3, 0.2];
            let c = catch_up(&values, &p, Basis::Amount);
            let after: Vec<f64> = values.iter().zip(&c).map(|(x, c)| x + c).collect();
            let total: f64 = after.iter().sum();
            prop_assume!(total > 1.0);
            for (a, p) in after.iter().zip(p) {
                prop_assert!((a / total - p).abs() < 1e-9);
            }
            prop_assert!(c.iter().all(|v| *v >= -1e-6));
        }
    }
}

/// A small pipeline for the tests of rules 13–14: a TOML register and CSV
/// text (`;`-separated) in, everything up to the allocation out.
#[cfg(test)]
pub(crate) mod testkit {
    use super::*;
    use crate::register;

    pub(crate) struct Run {
        pub register: Register,
        pub exports: Exports,
        pub classified: Classified,
        pub fku: fku::Fku,
        pub allocation: Allocation,
    }

    pub(crate) fn run(register_toml: &str, csv: &str, window: &str) -> Run {
        let register = register::check(register::drafts_from_toml(register_toml).expect("toml")).expect("valid");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("export.csv");
        std::fs::write(&path, csv).expect("write");
        let files = vec![crate::read::ExportFile {
            path,
            display: "export.csv".into(),
            explicit: true,
        }];
        let exports = crate::read::read_all(&files, &Default::default(), &|_| {}).expect("read");
        let classified = crate::classify::classify(&exports, &register);
        let fku = fku::fku(&exports, &classified, &register);
        let counted = counted_except(&exports, &classified, &register, &fku.rows).expect("counted");
        let window = Window::parse(window).expect("window");
        let rules = Rules {
            tolerance_pp: 5.0,
            min_call_offs: 3,
        };
        let allocation = allocate(&counted, &register, &window, rules);
        Run {
            register,
            exports,
            classified,
            fku,
            allocation,
        }
    }
}
