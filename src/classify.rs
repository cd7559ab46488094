//! Normalise and match: rules 1–5 of docs/rules.md. Every row read gets exactly
//! one [`Outcome`]: counted for an agreement supplier, a purchase outside the
//! agreements, or one data-quality [`Category`] (the first that applies).

use crate::parse::{self, Amount, OrgNr};
use crate::read::{Exports, Field, RowKind, Sym};
use crate::register::Register;
use std::collections::HashMap;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Data-quality categories, in the order of rule 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Rejected,
    TotalRow,
    Duplicate,
    UnknownAgreement,
    AmbiguousAgreement,
    SupplierOutsideAgreement,
    OutsideValidity,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Rejected,
        Category::TotalRow,
        Category::Duplicate,
        Category::UnknownAgreement,
        Category::AmbiguousAgreement,
        Category::SupplierOutsideAgreement,
        Category::OutsideValidity,
    ];

    /// The category's name in the CSV outputs.
    pub fn key(self) -> &'static str {
        match self {
            Category::Rejected => "rejected",
            Category::TotalRow => "total_row",
            Category::Duplicate => "duplicate",
            Category::UnknownAgreement => "unknown_agreement",
            Category::AmbiguousAgreement => "ambiguous_agreement",
            Category::SupplierOutsideAgreement => "supplier_outside_agreement",
            Category::OutsideValidity => "outside_validity",
        }
    }
}

/// An agreement's place in the register, held in 16 bits in each row's
/// outcome (the register check allows no more agreements than that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgreementIx(std::num::NonZeroU16);

/// A supplier's place among its agreement's suppliers, in 16 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SupplierIx(u16);

impl AgreementIx {
    /// Agreement `i` of the register (which holds at most 65 535), held as
    /// `i + 1`.
    pub(crate) fn new(i: usize) -> AgreementIx {
        let held = u16::try_from(i + 1).ok().and_then(std::num::NonZeroU16::new);
        AgreementIx(held.unwrap_or(std::num::NonZeroU16::MAX))
    }

    /// The index into `Register::agreements`.
    pub fn index(self) -> usize {
        usize::from(self.0.get()) - 1
    }
}

impl SupplierIx {
    /// The index into `Agreement::suppliers`.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Where a row ends up: 4 bytes a row (two 16-bit indexes, the agreement's
/// never 0 once stored, which leaves room for the uncounted outcomes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Counted for supplier `supplier` of agreement `agreement`.
    InAgreement {
        agreement: AgreementIx,
        supplier: SupplierIx,
    },
    /// Not counted in an agreement.
    Uncounted(Uncounted),
}

/// Where a row not counted in an agreement ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uncounted {
    /// A purchase outside the agreements.
    OutsideAgreements,
    /// A data-quality finding; its details are in [`Classified::findings`].
    Quality(Category),
}

/// What a data-quality finding is about, for the `detail` column.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// Unreadable columns: (field, header, value).
    Unreadable(Vec<crate::read::Unreadable>),
    Total,
    /// Identical to the row at (file index, line).
    DuplicateOf {
        file: u32,
        line: u32,
    },
    UnknownAgreement {
        text: String,
        /// A registered agreement the text probably means (not matched:
        /// only suggested to the user).
        suggestion: Option<AgreementIx>,
    },
    Ambiguous {
        supplier: String,
        agreements: Vec<AgreementIx>,
    },
    SupplierOutside {
        supplier: String,
        agreement: AgreementIx,
    },
    OutsideValidity {
        agreement: AgreementIx,
    },
}

/// One data-quality line.
#[derive(Debug, Clone)]
pub struct Finding {
    pub row: usize,
    pub category: Category,
    pub detail: Detail,
}

/// The outcome of every row, and the findings in row order.
#[derive(Debug, Default)]
pub struct Classified {
    pub outcomes: Vec<Outcome>,
    pub findings: Vec<Finding>,
}

impl Classified {
    /// The rows of `range` counted in an agreement: (row, agreement,
    /// supplier), for a piece of a pass over the rows.
    pub fn counted_in(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (usize, AgreementIx, SupplierIx)> + '_ {
        let from = range.start;
        let outcomes = self.outcomes.get(range).unwrap_or_default();
        outcomes.iter().enumerate().filter_map(move |(k, o)| match *o {
            Outcome::InAgreement { agreement, supplier } => Some((from + k, agreement, supplier)),
            Outcome::Uncounted(_) => None,
        })
    }
}

/// The register's suppliers indexed for matching (rule 3).
struct Matcher<'r> {
    register: &'r Register,
    ids: HashMap<String, AgreementIx>,
    by_org: HashMap<OrgNr, Vec<(AgreementIx, SupplierIx)>>,
    by_name: HashMap<String, Vec<(AgreementIx, SupplierIx)>>,
}

impl<'r> Matcher<'r> {
    fn new(register: &'r Register) -> Self {
        let mut m = Matcher {
            register,
            ids: HashMap::new(),
            by_org: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (ai, a) in register.agreements.iter().enumerate() {
            // The register holds at most 65 535 agreements and suppliers
            // to an agreement (`register::load` checks).
            m.ids.insert(a.id.trim().to_lowercase(), AgreementIx::new(ai));
            for (si, s) in a.suppliers.iter().enumerate() {
                let key = (AgreementIx::new(ai), SupplierIx(si as u16));
                if let Some(o) = s.org_nr {
                    m.by_org.entry(o).or_default().push(key);
                }
                for name in std::iter::once(&s.name).chain(&s.aliases) {
                    let list = m.by_name.entry(parse::normalize_supplier(name)).or_default();
                    if !list.contains(&key) {
                        list.push(key);
                    }
                }
            }
        }
        m
    }

    /// The register entries (agreement, supplier) that are this row's
    /// supplier: by valid org nr when the register knows it, else by name.
    /// At most one entry per agreement, sorted by agreement.
    fn resolve(&self, name: &str, org: &str) -> Vec<(AgreementIx, SupplierIx)> {
        let norm = parse::normalize_supplier(name);
        let by_name = || self.by_name.get(&norm).cloned().unwrap_or_default();
        let mut found = match OrgNr::parse(org).and_then(|o| self.by_org.get(&o)) {
            Some(entries) => {
                let mut v = entries.clone();
                // An entry without an org nr is the same supplier when its
                // name matches.
                v.extend(by_name().into_iter().filter(|&(a, s)| {
                    self.register.agreements[a.index()].suppliers[s.index()]
                        .org_nr
                        .is_none()
                }));
                v
            }
            None => by_name(),
        };
        found.sort_unstable();
        found.dedup_by_key(|e| e.0);
        found
    }
}

/// Does the row's account satisfy the agreement's `accounts` list? A row's
/// account is the first word of its account cell (rule 4: `4410
/// Reparationer` is `4410`); a row without one matches no list.
fn account_matches(accounts: &[String], account: &str) -> bool {
    let first = crate::allocate::beside::account_of(account);
    !first.is_empty() && accounts.iter().any(|a| a == first)
}

/// What the text fields of a purchase (supplier, org nr, agreement,
/// account) say under rules 3–5, before the row's date is looked at.
enum Purchase {
    /// The agreement cell names no registered agreement.
    Unknown {
        text: String,
        suggestion: Option<AgreementIx>,
    },
    /// The supplier is not one of the named agreement's.
    Outside { agreement: AgreementIx },
    /// The named agreement and the supplier's place in it.
    Named {
        agreement: AgreementIx,
        supplier: SupplierIx,
    },
    /// No agreement named: the agreements whose supplier this is and whose
    /// accounts (if listed) the row's account satisfies.
    Unnamed(Vec<(AgreementIx, SupplierIx)>),
}

impl Purchase {
    fn of(matcher: &Matcher, register: &Register, strings: &crate::read::Strings, text: [Sym; 4]) -> Purchase {
        let [supplier, org, agreement, account] = text.map(|s| strings.get(s));
        let entries = matcher.resolve(supplier, org);
        if !agreement.is_empty() {
            return match matcher.ids.get(&agreement.to_lowercase()).copied() {
                None => Purchase::Unknown {
                    text: agreement.to_string(),
                    suggestion: register.suggest_id(agreement).map(AgreementIx::new),
                },
                Some(a) => match entries.iter().find(|e| e.0 == a) {
                    None => Purchase::Outside { agreement: a },
                    Some(&(_, s)) => Purchase::Named {
                        agreement: a,
                        supplier: s,
                    },
                },
            };
        }
        Purchase::Unnamed(
            entries
                .into_iter()
                .filter(|&(a, _)| {
                    register.agreements[a.index()]
                        .accounts
                        .as_ref()
                        .is_none_or(|list| account_matches(list, account))
                })
                .collect(),
        )
    }
}

fn counted(agreement: AgreementIx, supplier: SupplierIx) -> Outcome {
    Outcome::InAgreement { agreement, supplier }
}

/// Applies rules 2–5 to every row: what the text fields say is worked out
/// once per distinct purchase, then the rows are classified side by side.
pub fn classify(exports: &Exports, register: &Register) -> Classified {
    use rayon::prelude::*;
    let matcher = Matcher::new(register);
    let strings = &exports.strings;
    let (row_purchase, purchase_texts) = exports.rows.purchases();
    let rows = Rows {
        exports,
        duplicate_of: duplicates(exports),
        row_purchase,
        purchases: purchase_texts
            .par_iter()
            .map(|&t| Purchase::of(&matcher, register, strings, t))
            .collect(),
        validity: register
            .agreements
            .iter()
            .map(|a| (parse::date_to_days(a.valid_from), parse::date_to_days(a.valid_to)))
            .collect(),
    };
    // The rows side by side, each outcome written in place as collected
    // (no pass that fills the column first); a finding's details are worked
    // out again for the few rows that have one.
    let outcomes: Vec<Outcome> = (0..exports.rows.len())
        .into_par_iter()
        .with_min_len(1 << 14)
        .map(|row| {
            rows.outcome(row)
                .unwrap_or_else(|(category, _)| Outcome::Uncounted(Uncounted::Quality(category)))
        })
        .collect();
    let findings = outcomes
        .par_iter()
        .enumerate()
        .with_min_len(1 << 14)
        .filter(|(_, o)| matches!(o, Outcome::Uncounted(Uncounted::Quality(_))))
        .filter_map(|(row, _)| {
            let (category, detail) = rows.outcome(row).err()?;
            Some(Finding { row, category, detail })
        })
        .collect();
    Classified { outcomes, findings }
}

/// What classifying a row needs, worked out once for all rows.
struct Rows<'e> {
    exports: &'e Exports,
    /// Rule 2: a later copy's row → the file and line of the first.
    duplicate_of: FastMap<u32, (u32, u32)>,
    /// Per row, its purchase text combination (index into `purchases`).
    row_purchase: &'e [u32],
    /// Rules 3–4 for every combination of agreement and supplier texts.
    purchases: Vec<Purchase>,
    /// Each agreement's validity in days (rule 5).
    validity: Vec<(i32, i32)>,
}

/// A row that is no call-off counted: its category and what it is about.
type Found = (Category, Detail);

impl Rows<'_> {
    /// One row's outcome, or its finding.
    fn outcome(&self, i: usize) -> std::result::Result<Outcome, Found> {
        match self.exports.rows.basics(i) {
            (RowKind::Total, ..) => Err((Category::TotalRow, Detail::Total)),
            (RowKind::Normal, Some(date), Some(_)) => match self.duplicate_of.get(&(i as u32)) {
                // Rule 2: later copies across files are duplicates.
                Some(&(file, line)) => Err((Category::Duplicate, Detail::DuplicateOf { file, line })),
                None => self.matched(i, date),
            },
            _ => {
                let rejections = &self.exports.rejections;
                let problems = (rejections.binary_search_by_key(&i, |r| r.row).ok())
                    .and_then(|k| rejections.get(k))
                    .map(|r| r.problems.clone())
                    .unwrap_or_default();
                Err((Category::Rejected, Detail::Unreadable(problems)))
            }
        }
    }

    /// Rules 3–5 for a readable row dated `date`.
    fn matched(&self, i: usize, date: i32) -> std::result::Result<Outcome, Found> {
        let valid = |a: AgreementIx| {
            self.validity
                .get(a.index())
                .is_some_and(|&(f, t)| f <= date && date <= t)
        };
        let supplier = || {
            let exports = self.exports;
            exports.strings.get(exports.rows.at(i).get(Field::Supplier)).to_string()
        };
        let p = self.row_purchase.get(i).and_then(|&p| self.purchases.get(p as usize));
        match p {
            Some(Purchase::Unknown { text, suggestion }) => Err((
                Category::UnknownAgreement,
                Detail::UnknownAgreement {
                    text: text.clone(),
                    suggestion: *suggestion,
                },
            )),
            Some(&Purchase::Outside { agreement }) => Err((
                Category::SupplierOutsideAgreement,
                Detail::SupplierOutside {
                    supplier: supplier(),
                    agreement,
                },
            )),
            Some(&Purchase::Named { agreement, supplier }) if valid(agreement) => Ok(counted(agreement, supplier)),
            Some(&Purchase::Named { agreement, .. }) => {
                Err((Category::OutsideValidity, Detail::OutsideValidity { agreement }))
            }
            Some(Purchase::Unnamed(entries)) => {
                let mut candidates = entries.iter().filter(|e| valid(e.0));
                match (candidates.next(), candidates.next()) {
                    (None, _) => Ok(Outcome::Uncounted(Uncounted::OutsideAgreements)),
                    (Some(&(a, s)), None) => Ok(counted(a, s)),
                    _ => Err((
                        Category::AmbiguousAgreement,
                        Detail::Ambiguous {
                            supplier: supplier(),
                            agreements: entries.iter().filter(|e| valid(e.0)).map(|e| e.0).collect(),
                        },
                    )),
                }
            }
            None => Ok(Outcome::Uncounted(Uncounted::OutsideAgreements)),
        }
    }
}

/// Rule 2 for all readable rows: the later copies, each with the (file,
/// line) of the first copy kept. Rows are identical when their date, amount
/// and text fields are; a row occurring `k_f` times in file `f` counts
/// `max_f k_f` times, files taken in order.
///
/// Sort-based: each row's key is hashed to 32 bits and the (hash, row)
/// pairs sorted in parallel; only groups of equal hashes are compared
/// field by field. Cheaper than a hash map with an entry per row.
fn duplicates(exports: &Exports) -> FastMap<u32, (u32, u32)> {
    use rayon::prelude::*;
    use std::hash::BuildHasher;
    type Key<'a> = crate::read::Identity<'a>;
    let Some(covered) = other_files_cover(exports) else {
        // No file's dates overlap another's: no row can be a later copy.
        return FastMap::default();
    };
    let key = |i: usize| -> Option<Key> {
        let k = exports.rows.identity(i)?;
        covered(i, k.0).then_some(k)
    };
    let state = foldhash::fast::FixedState::default();
    // 32 bits of hash: equal hashes are compared exactly below.
    // Filled in place (a parallel collect would hold it twice), then the
    // rows without a key dropped.
    let mut hashed: Vec<(u32, u32)> = vec![(0, u32::MAX); exports.rows.len()];
    hashed.par_chunks_mut(1 << 16).enumerate().for_each(|(c, slots)| {
        for (k, slot) in slots.iter_mut().enumerate() {
            let i = (c << 16) + k;
            if let Some(key) = key(i) {
                *slot = (state.hash_one(key) as u32, i as u32);
            }
        }
    });
    hashed.retain(|&(_, i)| i != u32::MAX);
    hashed.par_sort_unstable();
    let mut out = FastMap::default();
    let mut start = 0;
    while start < hashed.len() {
        let mut end = start + 1;
        while end < hashed.len() && hashed[end].0 == hashed[start].0 {
            end += 1;
        }
        if end - start > 1 {
            // Rows in this group may still differ (a hash collision): split
            // them by exact key, keeping row (= file) order.
            let mut group: Vec<(Key, u32)> = hashed[start..end]
                .iter()
                .filter_map(|&(_, i)| key(i as usize).map(|k| (k, i)))
                .collect();
            group.sort_by_key(|&(k, i)| (k, i));
            // An orderer held by hash compares by its 63-bit key: a false
            // copy would need two rows alike in every other field whose
            // orderers' texts share a key.
            for same in group.chunk_by(|a, b| a.0 == b.0) {
                mark_copies(exports, same.iter().map(|&(_, i)| i), &mut out);
            }
        }
        start = end;
    }
    out
}

/// Which rows may be copies across files (rule 2): copies within one file
/// all count, so only a row dated within another file's date range can be
/// a later copy or the first of one. `None` when no file's dates overlap
/// another's; else a test of (row, date).
fn other_files_cover(exports: &Exports) -> Option<impl Fn(usize, i32) -> bool + Sync + '_> {
    use rayon::prelude::*;
    if exports.files.len() < 2 {
        return None;
    }
    let mut starts = Vec::with_capacity(exports.files.len() + 1);
    let mut at = 0;
    for f in &exports.files {
        starts.push(at);
        at += f.rows;
    }
    starts.push(at);
    let ranges: Vec<Option<(i32, i32)>> = starts
        .par_windows(2)
        .map(|w| {
            exports
                .rows
                .dates(w[0]..w[1])
                .flatten()
                .fold(None, |r: Option<(i32, i32)>, d| {
                    Some(r.map_or((d, d), |(a, b)| (a.min(d), b.max(d))))
                })
        })
        .collect();
    // Per file: the merged date ranges of all the other files.
    let others: Vec<Vec<(i32, i32)>> = (0..ranges.len())
        .map(|f| {
            let mut list: Vec<(i32, i32)> = ranges
                .iter()
                .enumerate()
                .filter(|&(g, _)| g != f)
                .filter_map(|(_, r)| *r)
                .filter(|&(a, b)| ranges[f].is_some_and(|(fa, fb)| a <= fb && fa <= b))
                .collect();
            list.sort_unstable();
            let mut merged: Vec<(i32, i32)> = Vec::new();
            for (a, b) in list {
                match merged.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            merged
        })
        .collect();
    if others.iter().all(Vec::is_empty) {
        return None;
    }
    Some(move |i: usize, d: i32| {
        let f = starts.partition_point(|&s| s <= i).saturating_sub(1);
        others.get(f).is_some_and(|list| {
            let k = list.partition_point(|r| r.1 < d);
            list.get(k).is_some_and(|r| r.0 <= d)
        })
    })
}

/// Applies the `max_f k_f` rule to the rows (in file order) of one key.
fn mark_copies(exports: &Exports, rows: impl Iterator<Item = u32>, out: &mut FastMap<u32, (u32, u32)>) {
    let mut max_before = 0u32;
    let mut file = u32::MAX;
    let mut count = 0u32;
    let mut first: Option<(u32, u32)> = None;
    for i in rows {
        let r = &exports.rows.at(i as usize);
        let first = *first.get_or_insert((r.file, r.line));
        if r.file != file {
            max_before = max_before.max(count);
            file = r.file;
            count = 0;
        }
        count += 1;
        if count <= max_before {
            out.insert(i, first);
        }
    }
}

/// One line of the reconciliation: rows and summed amount (of the rows
/// whose amount could be read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub rows: u64,
    pub amount: i128,
}

impl Tally {
    fn add(&mut self, amount: Option<Amount>) {
        self.rows += 1;
        self.amount += amount.map_or(0, |a| a.0 as i128);
    }

    fn merge(&mut self, other: Tally) {
        self.rows += other.rows;
        self.amount += other.amount;
    }
}

/// The reconciliation: read = in agreements + outside + each category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciliation {
    pub read: Tally,
    pub in_agreements: Tally,
    pub outside_agreements: Tally,
    pub categories: [Tally; 7],
}

impl Reconciliation {
    /// Tallies every row, in parallel pieces (exact sums: the order of
    /// adding does not matter).
    pub fn new(exports: &Exports, classified: &Classified) -> Self {
        use rayon::prelude::*;
        const PIECE: usize = 1 << 18;
        let n = exports.rows.len().min(classified.outcomes.len());
        (0..n.div_ceil(PIECE))
            .into_par_iter()
            .map(|p| {
                let range = p * PIECE..((p + 1) * PIECE).min(n);
                let outcomes = classified.outcomes.get(range.clone()).unwrap_or(&[]);
                let mut r = Reconciliation::default();
                for (amount, outcome) in exports.rows.amounts(range).zip(outcomes) {
                    let amount = amount.map(Amount);
                    r.read.add(amount);
                    match outcome {
                        Outcome::InAgreement { .. } => r.in_agreements.add(amount),
                        Outcome::Uncounted(Uncounted::OutsideAgreements) => r.outside_agreements.add(amount),
                        Outcome::Uncounted(Uncounted::Quality(c)) => r.categories[*c as usize].add(amount),
                    }
                }
                r
            })
            .reduce(Reconciliation::default, Reconciliation::merge)
    }

    fn merge(mut self, other: Reconciliation) -> Reconciliation {
        self.read.merge(other.read);
        self.in_agreements.merge(other.in_agreements);
        self.outside_agreements.merge(other.outside_agreements);
        for (a, b) in self.categories.iter_mut().zip(other.categories) {
            a.merge(b);
        }
        self
    }

    /// (category name, tally) in the order of `reconciliation.csv`.
    pub fn lines(&self) -> Vec<(&'static str, Tally)> {
        let mut v = vec![
            ("read", self.read),
            ("in_agreements", self.in_agreements),
            ("outside_agreements", self.outside_agreements),
        ];
        v.extend(Category::ALL.iter().map(|c| (c.key(), self.categories[*c as usize])));
        v
    }

    /// In agreements + outside + every data-quality category.
    pub fn parts(&self) -> Tally {
        self.lines()[1..].iter().fold(Tally::default(), |acc, (_, t)| Tally {
            rows: acc.rows + t.rows,
            amount: acc.amount + t.amount,
        })
    }

    /// True when the parts add up to what was read, in rows and amount.
    pub fn balances(&self) -> bool {
        self.parts() == self.read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two agreements sharing the supplier Färg AB: RA-2024-001 (2024,
    /// any account; Måleri Syd AB by org nr or alias, Färg AB) and
    /// RA-2024-017 (2024–2025, account 4410 only; Färg AB, El AB).
    const REGISTER: &str = r#"
[[agreement]]
id = "RA-2024-001"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2024-12-31
  [[agreement.supplier]]
  name = "Måleri Syd AB"
  org_nr = "556036-0793"
  share = 60
  aliases = ["Måleri Syd Aktiebolag"]
  [[agreement.supplier]]
  name = "Färg AB"
  share = 40
[[agreement]]
id = "RA-2024-017"
name = "El"
valid_from = 2024-01-01
valid_to = 2025-12-31
accounts = ["4410"]
  [[agreement.supplier]]
  name = "Färg AB"
  share = 50
  [[agreement.supplier]]
  name = "El AB"
  share = 50
"#;

    const HEADER: &str = "Bokföringsdatum;Leverantör;Leverantörens org.nr;Avtal;Konto;Belopp\n";

    /// Rows 0–9 (a.csv, lines 2–11), one per case of rules 3–5.
    const A: &str = "2024-03-01;Helt Annat Namn;556036-0793;;4000;1000
2024-03-02;Måleri Syd Aktiebolag;;RA-2024-001;;500
2024-03-03;Färg AB;;;4410 Reparationer;700
2024-03-04;Färg AB;;;4000;700
2024-03-05;El AB;;RA-2024-001;;100
2025-02-01;Måleri Syd AB;;ra-2024-001 ;;100
2024-03-06;El AB;;RA-2024-0011;;100
2024-03-07;El AB;;;;100
2024-03-08;El AB;;;4410;100
2024-03-09;El AB;;;4410;abc
";

    /// Rows 10–11 (b.csv): a.csv's first row twice (rule 2).
    const B: &str = "2024-03-01;Helt Annat Namn;556036-0793;;4000;1000
2024-03-01;Helt Annat Namn;556036-0793;;4000;1000
";

    fn classified() -> (Exports, Classified) {
        let register =
            crate::register::check(crate::register::drafts_from_toml(REGISTER).expect("toml")).expect("valid");
        let dir = tempfile::tempdir().expect("tempdir");
        let files: Vec<crate::read::ExportFile> = [("a.csv", A), ("b.csv", B)]
            .iter()
            .map(|(name, rows)| {
                let path = dir.path().join(name);
                std::fs::write(&path, format!("{HEADER}{rows}")).expect("write");
                crate::read::ExportFile {
                    path,
                    display: name.to_string(),
                    explicit: true,
                }
            })
            .collect();
        let exports = crate::read::read_all(&files, &Default::default(), &|_| {}).expect("read");
        let classified = classify(&exports, &register);
        (exports, classified)
    }

    #[test]
    fn an_outcome_is_four_bytes_and_keeps_its_indexes() {
        assert_eq!(std::mem::size_of::<Outcome>(), 4);
        for i in [0, 1, 65_534] {
            assert_eq!(AgreementIx::new(i).index(), i);
        }
    }

    fn detail(c: &Classified, row: usize) -> Option<&Detail> {
        c.findings.iter().find(|f| f.row == row).map(|f| &f.detail)
    }

    fn counted(agreement: u16, supplier: u16) -> Outcome {
        Outcome::InAgreement {
            agreement: AgreementIx::new(agreement as usize),
            supplier: SupplierIx(supplier),
        }
    }

    #[test]
    fn rule_3_the_supplier_by_org_nr_before_name_and_by_alias() {
        let (_, c) = classified();
        // Row 0: an unknown name, but Måleri Syd AB's org nr; no agreement
        // named, and only RA-2024-001 lists that supplier.
        assert_eq!(c.outcomes[0], counted(0, 0));
        // Row 1: the alias of Måleri Syd AB under the agreement named.
        assert_eq!(c.outcomes[1], counted(0, 0));
    }

    #[test]
    fn rule_4_the_agreement_named_or_the_one_that_lists_the_supplier_and_account() {
        let (_, c) = classified();
        // Row 2: Färg AB is in both; account '4410 Reparationer' is 4410,
        // which RA-2024-017 lists and RA-2024-001 (no list) takes too.
        assert_eq!(
            c.outcomes[2],
            Outcome::Uncounted(Uncounted::Quality(Category::AmbiguousAgreement))
        );
        assert_eq!(
            detail(&c, 2),
            Some(&Detail::Ambiguous {
                supplier: "Färg AB".into(),
                agreements: vec![AgreementIx::new(0), AgreementIx::new(1)]
            })
        );
        // Row 3: account 4000 is not RA-2024-017's: only RA-2024-001.
        assert_eq!(c.outcomes[3], counted(0, 1));
        // Row 6: 'RA-2024-0011' is no id; RA-2024-001 is one insertion
        // away (RA-2024-017 two), suggested but not matched.
        assert_eq!(
            c.outcomes[6],
            Outcome::Uncounted(Uncounted::Quality(Category::UnknownAgreement))
        );
        assert_eq!(
            detail(&c, 6),
            Some(&Detail::UnknownAgreement {
                text: "RA-2024-0011".into(),
                suggestion: Some(AgreementIx::new(0))
            })
        );
        // Row 7: El AB only under RA-2024-017, whose account list a row
        // without an account never satisfies: outside the agreements.
        assert_eq!(c.outcomes[7], Outcome::Uncounted(Uncounted::OutsideAgreements));
        // Row 8: the same with account 4410: RA-2024-017's second supplier.
        assert_eq!(c.outcomes[8], counted(1, 1));
    }

    #[test]
    fn rule_5_a_supplier_outside_the_agreement_and_a_date_outside_its_validity() {
        let (_, c) = classified();
        // Row 4: El AB is not RA-2024-001's supplier.
        assert_eq!(
            c.outcomes[4],
            Outcome::Uncounted(Uncounted::Quality(Category::SupplierOutsideAgreement))
        );
        assert_eq!(
            detail(&c, 4),
            Some(&Detail::SupplierOutside {
                supplier: "El AB".into(),
                agreement: AgreementIx::new(0)
            })
        );
        // Row 5: ' ra-2024-001 ' (any case, trimmed) names RA-2024-001,
        // which ended 2024-12-31; the row is dated 2025-02-01.
        assert_eq!(
            c.outcomes[5],
            Outcome::Uncounted(Uncounted::Quality(Category::OutsideValidity))
        );
        assert_eq!(
            detail(&c, 5),
            Some(&Detail::OutsideValidity {
                agreement: AgreementIx::new(0)
            })
        );
        // Row 9: the amount 'abc' is unreadable: rejected first.
        assert_eq!(
            c.outcomes[9],
            Outcome::Uncounted(Uncounted::Quality(Category::Rejected))
        );
    }

    #[test]
    fn rule_2_copies_count_as_often_as_in_the_file_holding_most() {
        let (exports, c) = classified();
        // a.csv holds the row once, b.csv twice: max(1, 2) = 2 count, so
        // one of the three is a duplicate: b.csv's first (row 10), of
        // a.csv's line 2 (file 0).
        assert_eq!(exports.rows.len(), 12);
        assert_eq!(
            c.outcomes[10],
            Outcome::Uncounted(Uncounted::Quality(Category::Duplicate))
        );
        assert_eq!(detail(&c, 10), Some(&Detail::DuplicateOf { file: 0, line: 2 }));
        assert_eq!(c.outcomes[11], counted(0, 0));
        // Counted: rows 0, 1, 3, 8, 11 = 1000 + 500 + 700 + 100 + 1000 kr.
        let r = Reconciliation::new(&exports, &c);
        assert_eq!(r.in_agreements.rows, 5);
        assert_eq!(r.in_agreements.amount, 3300 * crate::parse::AMOUNT_SCALE as i128);
    }
}
