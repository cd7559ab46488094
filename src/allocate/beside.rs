//! Rule 15 of docs/rules.md: purchases *beside* the agreements and the
//! contract compliance (*avtalstrohet*) per account. A purchase outside the
//! agreements on an account that a reported agreement lists, dated when
//! that agreement is valid, is beside it; its supplier's purchases beside
//! the agreements so far in the year are held against the direct-award
//! limit.

use crate::classify::{Classified, Outcome, Uncounted};
use crate::parse::{self, OrgNr};
use crate::read::{Exports, Field, Sym, Who};
use crate::register::Register;
use crate::window::Window;
use std::collections::{BTreeMap, HashMap};

/// The direct-award limit LOU set in 2022, in SEK (the user keeps the
/// setting current).
pub const DEFAULT_DIRECT_AWARD_LIMIT_SEK: i64 = 700_000;

/// Rule 15 for the window.
#[derive(Debug, Clone, Default)]
pub struct Beside {
    /// The year of the window's last day (`year_amount` runs from its 1
    /// January to that day).
    pub year: i32,
    /// The direct-award limit, fixed point ([`parse::AMOUNT_SCALE`]).
    pub limit: i64,
    /// Every account listed by a reported agreement, in text order.
    pub accounts: Vec<AccountCompliance>,
    /// The suppliers with beside rows in the window: those over the limit
    /// first, then by amount in the window (largest first), org nr, name.
    pub suppliers: Vec<BesideSupplier>,
    /// One per account and supplier with beside rows in the window, in the
    /// order of `beside.csv`.
    pub lines: Vec<BesideLine>,
    /// The beside rows dated in the window, in row order.
    pub rows: Vec<BesideRow>,
}

/// The compliance of one account.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountCompliance {
    pub account: String,
    /// The reported agreements listing it (indices, register order).
    pub agreements: Vec<usize>,
    /// Net amount counted for any agreement on the account in the window.
    pub in_agreements: i128,
    /// Net amount beside the agreements on the account in the window.
    pub beside: i128,
    pub beside_suppliers: usize,
    pub over_limit_suppliers: usize,
}

impl AccountCompliance {
    /// 100 × in_agreements / (in_agreements + beside); `None` when that
    /// sum is not above zero.
    pub fn compliance_pct(&self) -> Option<f64> {
        let total = self.in_agreements + self.beside;
        (total > 0).then(|| 100.0 * self.in_agreements as f64 / total as f64)
    }
}

/// A supplier beside the agreements.
#[derive(Debug, Clone, PartialEq)]
pub struct BesideSupplier {
    pub org_nr: Option<OrgNr>,
    /// The name on its first beside row in the window.
    pub name: String,
    /// Beside rows and their net amount in the window, all accounts.
    pub rows: u64,
    pub amount: i128,
    /// Net amount beside the agreements from 1 January to the window's end.
    pub year_amount: i128,
    pub over_limit: bool,
    /// Net amount per unit and per orderer in the window, largest first
    /// (an empty cell is the empty string).
    pub units: Vec<(Sym, i128)>,
    pub orderers: Vec<Named>,
}

/// An orderer's net amount; its text is [`Exports::who_text`] at `row`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Named {
    pub who: Who,
    /// The first beside row it was read at.
    pub row: u32,
    pub amount: i128,
}

/// One line of `beside.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BesideLine {
    /// Index into [`Beside::accounts`].
    pub account: usize,
    /// Index into [`Beside::suppliers`].
    pub supplier: usize,
    pub rows: u64,
    pub amount: i128,
}

/// One beside row dated in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BesideRow {
    /// Index into the exports' rows.
    pub row: u32,
    /// Index into [`Beside::accounts`].
    pub account: u32,
    /// Index into [`Beside::suppliers`].
    pub supplier: u32,
    /// Days since 1970-01-01.
    pub date: i32,
    /// Fixed point ([`parse::AMOUNT_SCALE`]).
    pub amount: i64,
}

impl Beside {
    /// The accounts whose compliance can be computed.
    pub fn with_compliance(&self) -> impl Iterator<Item = (&AccountCompliance, f64)> + '_ {
        self.accounts.iter().filter_map(|a| a.compliance_pct().map(|p| (a, p)))
    }

    /// How many suppliers are over the direct-award limit.
    pub fn over_limit(&self) -> usize {
        self.suppliers.iter().filter(|s| s.over_limit).count()
    }

    /// The agreements (register indices) listing the account of `row` and
    /// valid on `date`: the agreements that should have been used.
    pub fn agreements_for(&self, register: &Register, row: &BesideRow) -> Vec<usize> {
        let date = parse::days_to_date(row.date);
        self.accounts
            .get(row.account as usize)
            .map(|a| {
                a.agreements
                    .iter()
                    .copied()
                    .filter(|&i| register.agreements.get(i).is_some_and(|ag| ag.is_valid_on(date)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A row's account: the first word of its trimmed account cell (rule 4).
pub fn account_of(cell: &str) -> &str {
    cell.split_whitespace().next().unwrap_or("")
}

/// A supplier beside the agreements: its org nr, else its normalised name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Org(OrgNr),
    Name(String),
}

/// A beside row found in the first pass (any date).
#[derive(Debug, Clone, Copy)]
struct Found {
    row: u32,
    purchase: u32,
    account: u32,
    date: i32,
    amount: i64,
}

/// The accounts listed by the reported agreements, in text order, each
/// with its agreements in register order.
fn listed_accounts(register: &Register, window: &Window) -> BTreeMap<String, Vec<usize>> {
    let mut accounts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (ai, a) in register.agreements.iter().enumerate() {
        if !a.overlaps(window) {
            continue;
        }
        for acc in a.accounts.iter().flatten() {
            let list = accounts.entry(acc.trim().to_string()).or_default();
            if !list.contains(&ai) {
                list.push(ai);
            }
        }
    }
    accounts.retain(|k, _| !k.is_empty());
    accounts
}

/// Applies rule 15 for the window with the direct-award limit `limit`
/// (fixed point).
pub fn beside(exports: &Exports, classified: &Classified, register: &Register, window: &Window, limit: i64) -> Beside {
    use chrono::Datelike;
    let listed = listed_accounts(register, window);
    let mut accounts: Vec<AccountCompliance> = listed
        .into_iter()
        .map(|(account, agreements)| AccountCompliance {
            account,
            agreements,
            in_agreements: 0,
            beside: 0,
            beside_suppliers: 0,
            over_limit_suppliers: 0,
        })
        .collect();
    let year = window.end.year();
    let mut out = Beside {
        year,
        limit,
        ..Beside::default()
    };
    if accounts.is_empty() {
        return out;
    }
    let found = first_pass(exports, classified, register, window, &mut accounts);
    let keys = supplier_keys(exports, &found);
    let (ws, we) = (parse::date_to_days(window.start), parse::date_to_days(window.end));
    let year_start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).map_or(ws, parse::date_to_days);
    let mut year_sums: HashMap<&Key, i128> = HashMap::new();
    for f in found.iter().filter(|f| year_start <= f.date && f.date <= we) {
        if let Some(k) = keys.get(&f.purchase) {
            *year_sums.entry(k).or_default() += i128::from(f.amount);
        }
    }
    let in_window: Vec<&Found> = found.iter().filter(|f| ws <= f.date && f.date <= we).collect();
    let (suppliers, rows) = suppliers_of(exports, &in_window, &keys, &year_sums, limit);
    out.rows = rows;
    out.suppliers = suppliers;
    for f in &in_window {
        if let Some(a) = accounts.get_mut(f.account as usize) {
            a.beside += i128::from(f.amount);
        }
    }
    out.accounts = accounts;
    order(&mut out);
    out
}

/// One pass over the rows: sums `in_agreements` per account in the window
/// and finds the beside rows of any date.
fn first_pass(
    exports: &Exports,
    classified: &Classified,
    register: &Register,
    window: &Window,
    accounts: &mut [AccountCompliance],
) -> Vec<Found> {
    let strings = &exports.strings;
    let index: HashMap<&str, u32> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.account.as_str(), i as u32))
        .collect();
    let (row_purchase, texts) = exports.rows.purchases();
    let purchase_account: Vec<Option<u32>> = texts
        .iter()
        .map(|t| index.get(account_of(strings.get(t[3]))).copied())
        .collect();
    let validity: Vec<(i32, i32)> = register
        .agreements
        .iter()
        .map(|a| (parse::date_to_days(a.valid_from), parse::date_to_days(a.valid_to)))
        .collect();
    let agreements: Vec<Vec<(i32, i32)>> = accounts
        .iter()
        .map(|a| a.agreements.iter().filter_map(|&i| validity.get(i).copied()).collect())
        .collect();
    let (ws, we) = (parse::date_to_days(window.start), parse::date_to_days(window.end));
    let scan = Scan {
        exports,
        row_purchase,
        purchase_account: &purchase_account,
        agreements: &agreements,
        window: (ws, we),
    };
    let (in_agreements, found) = exports.rows.fold(
        || (vec![0i128; accounts.len()], Vec::new()),
        |acc, range| scan.piece(acc, range, &classified.outcomes),
        |(mut sums, mut found), (more, rows)| {
            for (s, x) in sums.iter_mut().zip(more) {
                *s += x;
            }
            found.extend(rows);
            (sums, found)
        },
    );
    for (a, s) in accounts.iter_mut().zip(in_agreements) {
        a.in_agreements = s;
    }
    found
}

/// What [`first_pass`] looks a row up in.
struct Scan<'a> {
    exports: &'a Exports,
    row_purchase: &'a [u32],
    purchase_account: &'a [Option<u32>],
    agreements: &'a [Vec<(i32, i32)>],
    window: (i32, i32),
}

impl Scan<'_> {
    /// Adds the rows of `range` (`outcomes` being every row's): the sums
    /// in agreements per account in the window, and the beside rows.
    fn piece(
        &self,
        (mut in_agreements, mut found): (Vec<i128>, Vec<Found>),
        range: std::ops::Range<usize>,
        outcomes: &[Outcome],
    ) -> (Vec<i128>, Vec<Found>) {
        let (ws, we) = self.window;
        let from = range.start;
        let outcomes = outcomes.get(range).unwrap_or_default();
        for (k, outcome) in outcomes.iter().enumerate() {
            let i = from + k;
            let Some(&p) = self.row_purchase.get(i) else { continue };
            let Some(Some(acc)) = self.purchase_account.get(p as usize).copied() else {
                continue;
            };
            let (_, Some(date), Some(amount)) = self.exports.rows.basics(i) else {
                continue;
            };
            match outcome {
                Outcome::InAgreement { .. } if ws <= date && date <= we => {
                    if let Some(s) = in_agreements.get_mut(acc as usize) {
                        *s += i128::from(amount);
                    }
                }
                Outcome::Uncounted(Uncounted::OutsideAgreements) => {
                    let valid = self
                        .agreements
                        .get(acc as usize)
                        .is_some_and(|l| l.iter().any(|&(f, t)| f <= date && date <= t));
                    if valid {
                        found.push(Found {
                            row: i as u32,
                            purchase: p,
                            account: acc,
                            date,
                            amount,
                        });
                    }
                }
                _ => {}
            }
        }
        (in_agreements, found)
    }
}

/// The supplier of every purchase combination among the beside rows: its
/// valid org nr; else the org nr of the first beside row (row order, any
/// date) with one and the same normalised name; else the normalised name.
fn supplier_keys(exports: &Exports, found: &[Found]) -> HashMap<u32, Key> {
    let (_, texts) = exports.rows.purchases();
    let strings = &exports.strings;
    let mut own: HashMap<u32, (Option<OrgNr>, String)> = HashMap::new();
    let mut name_org: HashMap<String, OrgNr> = HashMap::new();
    for f in found {
        let (org, name) = own.entry(f.purchase).or_insert_with(|| {
            let t = texts.get(f.purchase as usize).copied().unwrap_or_default();
            (
                OrgNr::parse(strings.get(t[1])),
                parse::normalize_supplier(strings.get(t[0])),
            )
        });
        if let Some(o) = org {
            name_org.entry(name.clone()).or_insert(*o);
        }
    }
    own.into_iter()
        .map(|(p, (org, name))| {
            let key = match org.or_else(|| name_org.get(&name).copied()) {
                Some(o) => Key::Org(o),
                None => Key::Name(name),
            };
            (p, key)
        })
        .collect()
}

/// The suppliers of the window's beside rows (in the order first seen)
/// with their sums, units and orderers; and the rows with their supplier.
fn suppliers_of(
    exports: &Exports,
    in_window: &[&Found],
    keys: &HashMap<u32, Key>,
    year_sums: &HashMap<&Key, i128>,
    limit: i64,
) -> (Vec<BesideSupplier>, Vec<BesideRow>) {
    let strings = &exports.strings;
    let (_, texts) = exports.rows.purchases();
    let mut index: HashMap<&Key, usize> = HashMap::new();
    let mut suppliers: Vec<BesideSupplier> = Vec::new();
    let mut units: Vec<HashMap<Sym, i128>> = Vec::new();
    let mut orderers: Vec<HashMap<Who, (u32, i128)>> = Vec::new();
    let mut rows = Vec::with_capacity(in_window.len());
    for f in in_window {
        let Some(key) = keys.get(&f.purchase) else { continue };
        let s = *index.entry(key).or_insert_with(|| {
            let t = texts.get(f.purchase as usize).copied().unwrap_or_default();
            let year_amount = year_sums.get(key).copied().unwrap_or(0);
            suppliers.push(BesideSupplier {
                org_nr: match key {
                    Key::Org(o) => Some(*o),
                    Key::Name(_) => None,
                },
                name: strings.get(t[0]).to_string(),
                rows: 0,
                amount: 0,
                year_amount,
                over_limit: year_amount > i128::from(limit),
                units: Vec::new(),
                orderers: Vec::new(),
            });
            units.push(HashMap::new());
            orderers.push(HashMap::new());
            suppliers.len() - 1
        });
        let amount = i128::from(f.amount);
        if let Some(sup) = suppliers.get_mut(s) {
            sup.rows += 1;
            sup.amount += amount;
        }
        let row = exports.rows.at(f.row as usize);
        *units[s].entry(row.get(Field::Unit)).or_default() += amount;
        orderers[s].entry(row.orderer).or_insert((f.row, 0)).1 += amount;
        rows.push(BesideRow {
            row: f.row,
            account: f.account,
            supplier: s as u32,
            date: f.date,
            amount: f.amount,
        });
    }
    let largest_first = |m: HashMap<Sym, i128>| {
        let mut v: Vec<(Sym, i128)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| strings.get(a.0).cmp(strings.get(b.0))));
        v
    };
    // Ties by text, or by first row when held by hash (Who::tie_order).
    let by_text = |a: &Named, b: &Named| match (a.who.sym(), b.who.sym()) {
        (Some(x), Some(y)) => strings.get(x).cmp(strings.get(y)),
        _ => a.who.tie_order(a.row).cmp(&b.who.tie_order(b.row)),
    };
    for ((s, u), o) in suppliers.iter_mut().zip(units).zip(orderers) {
        s.units = largest_first(u);
        let mut list: Vec<Named> = o
            .into_iter()
            .map(|(who, (row, amount))| Named { who, row, amount })
            .collect();
        list.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| by_text(a, b)));
        s.orderers = list;
    }
    (suppliers, rows)
}

/// The org nr as written in the outputs (`NNNNNN-NNNN`, or empty).
fn org_text(s: &BesideSupplier) -> String {
    s.org_nr.map(|o| o.to_string()).unwrap_or_default()
}

/// Sorts the suppliers (over the limit first) and the lines (`beside.csv`'s
/// order), and counts each account's suppliers.
fn order(out: &mut Beside) {
    let mut by: Vec<usize> = (0..out.suppliers.len()).collect();
    by.sort_by(|&a, &b| {
        let (x, y) = (&out.suppliers[a], &out.suppliers[b]);
        y.over_limit
            .cmp(&x.over_limit)
            .then_with(|| y.amount.cmp(&x.amount))
            .then_with(|| org_text(x).cmp(&org_text(y)))
            .then_with(|| x.name.cmp(&y.name))
    });
    let mut new_index = vec![0usize; by.len()];
    for (new, &old) in by.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<BesideSupplier>> = std::mem::take(&mut out.suppliers).into_iter().map(Some).collect();
    out.suppliers = by
        .iter()
        .filter_map(|&old| slots.get_mut(old).and_then(Option::take))
        .collect();
    let mut lines: BTreeMap<(usize, usize), (u64, i128)> = BTreeMap::new();
    for r in &mut out.rows {
        r.supplier = new_index.get(r.supplier as usize).copied().unwrap_or(0) as u32;
    }
    for r in &out.rows {
        let amount = i128::from(r.amount);
        let e = lines.entry((r.account as usize, r.supplier as usize)).or_default();
        e.0 += 1;
        e.1 += amount;
    }
    out.lines = lines
        .into_iter()
        .map(|((account, supplier), (rows, amount))| BesideLine {
            account,
            supplier,
            rows,
            amount,
        })
        .collect();
    let suppliers = &out.suppliers;
    out.lines.sort_by(|a, b| {
        let (x, y) = (&suppliers[a.supplier], &suppliers[b.supplier]);
        a.account
            .cmp(&b.account)
            .then_with(|| b.amount.cmp(&a.amount))
            .then_with(|| org_text(x).cmp(&org_text(y)))
            .then_with(|| x.name.cmp(&y.name))
    });
    for line in &out.lines {
        if let Some(a) = out.accounts.get_mut(line.account) {
            a.beside_suppliers += 1;
            a.over_limit_suppliers += usize::from(suppliers[line.supplier].over_limit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::AMOUNT_SCALE;

    const HEADER: &str = "Bokföringsdatum;Leverantör;Leverantörens org.nr;Ansvar;Beställare;Konto;Belopp exkl moms";

    /// Reads the register and the export rows (`HEADER`'s columns), and
    /// applies rule 15 for `window` with a limit of `limit_sek`.
    fn run(register: &str, rows: &[&str], window: &str, limit_sek: i64) -> (Beside, Exports) {
        let dir = tempfile::tempdir().expect("tempdir");
        let reg = dir.path().join("register.toml");
        std::fs::write(&reg, register).expect("register");
        let export = dir.path().join("export.csv");
        std::fs::write(&export, format!("{HEADER}\n{}\n", rows.join("\n"))).expect("export");
        let register = crate::register::load(&reg).expect("valid register");
        let (files, _) = crate::read::discover(&[export], &crate::read::Exclude::default(), crate::lang::Lang::Sv)
            .expect("discover");
        let exports = crate::read::read_all(&files, &crate::read::ReadOptions::default(), &|_| {}).expect("read");
        let classified = crate::classify::classify(&exports, &register);
        let window = Window::parse(window).expect("window");
        let b = beside(&exports, &classified, &register, &window, limit_sek * AMOUNT_SCALE);
        (b, exports)
    }

    fn sek(v: i128) -> f64 {
        v as f64 / AMOUNT_SCALE as f64
    }

    /// (account, supplier org nr, supplier name, rows, amount in SEK, over).
    fn lines(b: &Beside) -> Vec<(String, String, String, u64, f64, bool)> {
        b.lines
            .iter()
            .map(|l| {
                let s = &b.suppliers[l.supplier];
                (
                    b.accounts[l.account].account.clone(),
                    org_text(s),
                    s.name.clone(),
                    l.rows,
                    sek(l.amount),
                    s.over_limit,
                )
            })
            .collect()
    }

    /// (account, agreements, in agreements, beside, compliance, suppliers,
    /// over the limit).
    type AccountRow<'a> = (&'a str, Vec<usize>, f64, f64, Option<f64>, usize, usize);

    const TWO_SHARING: &str = r#"
[[agreement]]
id = "RA-A"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2026-12-31
accounts = ["4410", "4411"]
  [[agreement.supplier]]
  name = "Måleri AB"
  org_nr = "556101-1171"
  share = 100
[[agreement]]
id = "RA-B"
name = "El"
valid_from = 2023-01-01
valid_to = 2025-03-31
accounts = ["4411", "4412"]
  [[agreement.supplier]]
  name = "El AB"
  org_nr = "556402-2662"
  share = 100
"#;

    #[test]
    fn shared_account_an_agreement_ending_in_the_window_and_name_only_suppliers() {
        let (b, _) = run(
            TWO_SHARING,
            &[
                // In RA-A (4410 is its account; "4410 Reparationer" is 4410).
                "2025-02-10;Måleri AB;556101-1171;U1;P1;4410 Reparationer;1000,00",
                // In RA-B (valid until 2025-03-31).
                "2025-02-11;El AB;556402-2662;U1;P1;4411;3000,00",
                // Beside 4411 (RA-A and RA-B valid); its org nr.
                "2025-03-01;Fasad AB;556214-3023;U2;P2;4411;1000,00",
                // The same company without an org nr: one supplier.
                "2025-05-01;Fasad Aktiebolag;;U2;P3;4411;500,00",
                // Name only, with a credit note.
                "2025-05-02;Namnlös Bygg;;U3;P3;4410;200,00",
                "2025-04-15;Namnlös Bygg;;U3;;4410;-50,00",
                // Outside, on an account no agreement lists: not beside.
                "2025-05-03;Annan AB;;U1;;5000;999,00",
                // In RA-A on 4411 (a credit note).
                "2025-06-01;Måleri AB;556101-1171;U1;;4411;-200,00",
                // RA-B has ended: outside; beside RA-A on 4411.
                "2025-05-05;El AB;556402-2662;U1;;4411;400,00",
                // 4412 is RA-B's only: beside before its end, not after.
                "2025-03-15;Kabel AB;;U1;;4412;300,00",
                "2025-05-06;Kabel AB;;U1;;4412;800,00",
                // Before the window: not in the window's sums.
                "2024-12-30;Fasad AB;556214-3023;U2;P2;4411;7000,00",
            ],
            "2025-H1",
            1500,
        );
        let acc: Vec<AccountRow> = b
            .accounts
            .iter()
            .map(|a| {
                (
                    a.account.as_str(),
                    a.agreements.clone(),
                    sek(a.in_agreements),
                    sek(a.beside),
                    a.compliance_pct(),
                    a.beside_suppliers,
                    a.over_limit_suppliers,
                )
            })
            .collect();
        // 4410: in 1000; beside 200 − 50 = 150; 100 × 1000 / 1150.
        // 4411: in 3000 − 200 = 2800; beside 1000 + 500 + 400 = 1900;
        //       100 × 2800 / 4700.
        // 4412: in 0; beside 300 (the 800 after RA-B ended is not beside).
        assert_eq!(
            acc,
            vec![
                ("4410", vec![0], 1000.0, 150.0, Some(100.0 * 1000.0 / 1150.0), 1, 0),
                ("4411", vec![0, 1], 2800.0, 1900.0, Some(100.0 * 2800.0 / 4700.0), 2, 0),
                ("4412", vec![1], 0.0, 300.0, Some(0.0), 1, 0),
            ]
        );
        // Fasad's year: 1000 + 500 = 1500 (2024 not counted), exactly at
        // the limit: not over it.
        let s = |a: &str, o: &str, n: &str, r, m| (a.to_string(), o.to_string(), n.to_string(), r, m, false);
        assert_eq!(
            lines(&b),
            vec![
                s("4410", "", "Namnlös Bygg", 2, 150.0),
                s("4411", "556214-3023", "Fasad AB", 2, 1500.0),
                s("4411", "556402-2662", "El AB", 1, 400.0),
                s("4412", "", "Kabel AB", 1, 300.0),
            ]
        );
        let fasad = b.suppliers.iter().find(|s| s.name == "Fasad AB").expect("Fasad");
        assert_eq!(sek(fasad.year_amount), 1500.0);
        assert_eq!(b.rows.len(), 6);
        assert_eq!(b.year, 2025);
    }

    const ONE: &str = r#"
[[agreement]]
id = "RA-A"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2026-12-31
accounts = ["4410"]
  [[agreement.supplier]]
  name = "Måleri AB"
  share = 100
"#;

    #[test]
    fn over_the_limit_only_with_the_earlier_months_of_the_year() {
        let (b, exports) = run(
            ONE,
            &[
                // The first beside row has no org nr; a later one has it.
                "2025-05-10;FASAD AB;;U2;Per;4410;500,00",
                "2025-02-01;Fasad AB;556214-3023;U1;Eva;4410;600,00",
                // The year before and after the window: not counted.
                "2024-12-31;Fasad AB;556214-3023;U1;Eva;4410;5000,00",
                "2025-06-10;Fasad AB;556214-3023;U1;Eva;4410;10000,00",
                "2025-05-11;Liten AB;;U3;Per;4410;100,00",
            ],
            "2025-05",
            1000,
        );
        // Year 2025 to 2025-05-31: 600 + 500 = 1100 > 1000; the window
        // alone (500) is not.
        assert_eq!(
            lines(&b),
            vec![
                ("4410".into(), "556214-3023".into(), "FASAD AB".into(), 1, 500.0, true),
                ("4410".into(), "".into(), "Liten AB".into(), 1, 100.0, false),
            ]
        );
        assert_eq!(sek(b.suppliers[0].year_amount), 1100.0);
        assert_eq!(b.accounts[0].over_limit_suppliers, 1);
        assert_eq!(b.accounts[0].compliance_pct(), Some(0.0));
        assert_eq!(b.over_limit(), 1);
        let unit: Vec<&str> = b.suppliers[0].units.iter().map(|u| exports.strings.get(u.0)).collect();
        assert_eq!(unit, vec!["U2"]);
    }

    #[test]
    fn no_accounts_no_lines_and_no_compliance_without_spend() {
        let plain = ONE.replace("accounts = [\"4410\"]\n", "");
        let (b, _) = run(&plain, &["2025-05-10;Fasad AB;;U2;Per;4410;500,00"], "2025-05", 1000);
        assert!(b.accounts.is_empty() && b.lines.is_empty());
        // A listed account with only credit notes beside it: no compliance.
        let (b, _) = run(ONE, &["2025-05-10;Fasad AB;;U2;Per;4410;-500,00"], "2025-05", 1000);
        assert_eq!(b.accounts[0].compliance_pct(), None);
        assert_eq!(
            lines(&b),
            vec![("4410".into(), "".into(), "Fasad AB".into(), 1, -500.0, false)]
        );
    }

    /// A random row of a supplier of no agreement: (supplier 0–2, with its
    /// org nr, account 0–3, year offset, month, day, amount in öre).
    fn outside_row() -> impl proptest::strategy::Strategy<Value = (usize, bool, usize, i32, u32, u32, i64)> {
        use proptest::prelude::*;
        (
            0..3usize,
            any::<bool>(),
            0..4usize,
            0..2i32,
            1..=12u32,
            1..=28u32,
            -50_000..500_000i64,
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Against a naive count: every row is outside the agreements, so
        /// it is beside exactly when its account is listed by an agreement
        /// valid on its date; Fasad is one supplier with or without its org
        /// nr; the lines add up to the accounts and the suppliers.
        #[test]
        fn sums_match_a_naive_count(rows in proptest::collection::vec(outside_row(), 1..30)) {
            const NAMES: [&str; 3] = ["Fasad AB", "Namnlös Bygg", "Annan AB"];
            const ORGS: [&str; 3] = ["556214-3023", "", "556377-0519"];
            const ACCOUNTS: [&str; 4] = ["4410", "4411", "4412", "5000"];
            let text: Vec<String> = rows
                .iter()
                .map(|&(s, org, a, y, m, d, ore)| {
                    let org = if org || s == 2 { ORGS[s] } else { "" };
                    let sign = if ore < 0 { "-" } else { "" };
                    let (whole, cents) = (ore.abs() / 100, ore.abs() % 100);
                    format!("{}-{m:02}-{d:02};{};{org};U;P;{};{sign}{whole},{cents:02}", 2024 + y, NAMES[s], ACCOUNTS[a])
                })
                .collect();
            let lines_text: Vec<&str> = text.iter().map(String::as_str).collect();
            let (b, _) = run(TWO_SHARING, &lines_text, "2025-H1", 1000);
            // RA-A lists 4410, 4411 (2024–2026); RA-B 4411, 4412 (to 2025-03-31).
            let beside = |a: usize, y: i32, m: u32| match a {
                0 | 1 => true,
                2 => y == 0 || m <= 3,
                _ => false,
            };
            let (mut per_account, mut per_supplier_year) = ([0i128; 3], [0i128; 3]);
            for &(s, _, a, y, m, _, ore) in &rows {
                if !beside(a, y, m) {
                    continue;
                }
                if y == 1 && m <= 6 {
                    per_account[a] += i128::from(ore) * 100;
                    per_supplier_year[s] += i128::from(ore) * 100;
                }
            }
            for (i, acc) in b.accounts.iter().enumerate() {
                proptest::prop_assert_eq!(acc.in_agreements, 0);
                proptest::prop_assert_eq!(acc.beside, per_account[i]);
                let on: Vec<&BesideLine> = b.lines.iter().filter(|l| l.account == i).collect();
                proptest::prop_assert_eq!(on.iter().map(|l| l.amount).sum::<i128>(), acc.beside);
                proptest::prop_assert_eq!(on.len(), acc.beside_suppliers);
                let over = on.iter().filter(|l| b.suppliers[l.supplier].over_limit).count();
                proptest::prop_assert_eq!(over, acc.over_limit_suppliers);
            }
            for s in &b.suppliers {
                let k = NAMES.iter().position(|n| *n == s.name).expect("a known name");
                proptest::prop_assert_eq!(s.year_amount, per_supplier_year[k]);
                proptest::prop_assert_eq!(s.over_limit, s.year_amount > 1000 * AMOUNT_SCALE as i128);
            }
            proptest::prop_assert_eq!(
                b.suppliers.iter().map(|s| s.amount).sum::<i128>(),
                b.accounts.iter().map(|a| a.beside).sum::<i128>()
            );
            proptest::prop_assert_eq!(b.suppliers.iter().map(|s| s.rows).sum::<u64>(), b.rows.len() as u64);
        }
    }

    #[test]
    fn the_account_is_the_first_word() {
        assert_eq!(account_of("4410 Reparationer"), "4410");
        assert_eq!(account_of("  4410\tX "), "4410");
        assert_eq!(account_of(""), "");
    }
}
