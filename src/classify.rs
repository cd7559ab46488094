//! Normalise and match: rules 1–5 of docs/rules.md. Every row read gets exactly
//! one [`Outcome`]: counted for an agreement supplier, a purchase outside the
//! agreements, or one data-quality [`Category`] (the first that applies).

use crate::parse::{self, Amount, OrgNr};
use crate::read::{rows::IdKey, Exports, Field, RowKind, Sym};
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

/// Where a row ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Counted for supplier `supplier` of agreement `agreement` (indices
    /// into the register; 16 bits keep an outcome at 6 bytes a row).
    InAgreement { agreement: u16, supplier: u16 },
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
        suggestion: Option<u32>,
    },
    Ambiguous {
        supplier: String,
        agreements: Vec<u32>,
    },
    SupplierOutside {
        supplier: String,
        agreement: u32,
    },
    OutsideValidity {
        agreement: u32,
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

/// The register's suppliers indexed for matching (rule 3).
struct Matcher<'r> {
    register: &'r Register,
    ids: HashMap<String, u32>,
    by_org: HashMap<OrgNr, Vec<(u32, u32)>>,
    by_name: HashMap<String, Vec<(u32, u32)>>,
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
            m.ids.insert(a.id.trim().to_lowercase(), ai as u32);
            for (si, s) in a.suppliers.iter().enumerate() {
                let key = (ai as u32, si as u32);
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
    fn resolve(&self, name: &str, org: &str) -> Vec<(u32, u32)> {
        let norm = parse::normalize_supplier(name);
        let by_name = || self.by_name.get(&norm).cloned().unwrap_or_default();
        let mut found = match OrgNr::parse(org).and_then(|o| self.by_org.get(&o)) {
            Some(entries) => {
                let mut v = entries.clone();
                // An entry without an org nr is the same supplier when its
                // name matches.
                v.extend(by_name().into_iter().filter(|&(a, s)| {
                    self.register.agreements[a as usize].suppliers[s as usize]
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
    Unknown { text: String, suggestion: Option<u32> },
    /// The supplier is not one of the named agreement's.
    Outside { agreement: u32 },
    /// The named agreement and the supplier's place in it.
    Named { agreement: u32, supplier: u32 },
    /// No agreement named: the agreements whose supplier this is and whose
    /// accounts (if listed) the row's account satisfies.
    Unnamed(Vec<(u32, u32)>),
}

impl Purchase {
    fn of(matcher: &Matcher, register: &Register, strings: &crate::read::Strings, text: [Sym; 4]) -> Purchase {
        let [supplier, org, agreement, account] = text.map(|s| strings.get(s));
        let entries = matcher.resolve(supplier, org);
        if !agreement.is_empty() {
            return match matcher.ids.get(&agreement.to_lowercase()).copied() {
                None => Purchase::Unknown {
                    text: agreement.to_string(),
                    suggestion: register.suggest_id(agreement).map(|a| a as u32),
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
                    register.agreements[a as usize]
                        .accounts
                        .as_ref()
                        .is_none_or(|list| account_matches(list, account))
                })
                .collect(),
        )
    }
}

fn counted(agreement: u32, supplier: u32) -> Outcome {
    Outcome::InAgreement {
        agreement: agreement as u16,
        supplier: supplier as u16,
    }
}

/// Applies rules 2–5 to every row: what the text fields say is worked out
/// once per distinct purchase, then the rows are classified side by side.
pub fn classify(exports: &Exports, register: &Register) -> Classified {
    use rayon::prelude::*;
    let matcher = Matcher::new(register);
    let strings = &exports.strings;
    let duplicate_of = duplicates(exports);
    let (row_purchase, purchase_texts) = exports.rows.purchases();
    let purchases: Vec<Purchase> = purchase_texts
        .par_iter()
        .map(|&t| Purchase::of(&matcher, register, strings, t))
        .collect();
    // Each agreement's validity in days (rule 5).
    let validity: Vec<(i32, i32)> = register
        .agreements
        .iter()
        .map(|a| (parse::date_to_days(a.valid_from), parse::date_to_days(a.valid_to)))
        .collect();
    const CHUNK: usize = 1 << 16;
    // Each chunk writes its rows' outcomes in place.
    let mut outcomes = vec![Outcome::OutsideAgreements; exports.rows.len()];
    let parts: Vec<Vec<Finding>> = outcomes
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, slots)| {
            let mut findings = Vec::new();
            for (k, slot) in slots.iter_mut().enumerate() {
                let i = c * CHUNK + k;
                let mut finding = |category: Category, detail: Detail| {
                    findings.push(Finding {
                        row: i,
                        category,
                        detail,
                    });
                    Outcome::Quality(category)
                };
                let outcome = match exports.rows.basics(i) {
                    (RowKind::Total, ..) => finding(Category::TotalRow, Detail::Total),
                    (RowKind::Normal, Some(date), Some(_)) => {
                        if let Some(&(file, line)) = duplicate_of.get(&(i as u32)) {
                            // Rule 2: later copies across files are duplicates.
                            finding(Category::Duplicate, Detail::DuplicateOf { file, line })
                        } else {
                            // Rules 3–5.
                            let valid = |a: u32| validity.get(a as usize).is_some_and(|&(f, t)| f <= date && date <= t);
                            let supplier = || strings.get(exports.rows.at(i).get(Field::Supplier)).to_string();
                            let p = row_purchase.get(i).and_then(|&p| purchases.get(p as usize));
                            match p {
                                Some(Purchase::Unknown { text, suggestion }) => finding(
                                    Category::UnknownAgreement,
                                    Detail::UnknownAgreement {
                                        text: text.clone(),
                                        suggestion: *suggestion,
                                    },
                                ),
                                Some(&Purchase::Outside { agreement }) => finding(
                                    Category::SupplierOutsideAgreement,
                                    Detail::SupplierOutside {
                                        supplier: supplier(),
                                        agreement,
                                    },
                                ),
                                Some(&Purchase::Named { agreement, supplier }) if valid(agreement) => {
                                    counted(agreement, supplier)
                                }
                                Some(&Purchase::Named { agreement, .. }) => {
                                    finding(Category::OutsideValidity, Detail::OutsideValidity { agreement })
                                }
                                Some(Purchase::Unnamed(entries)) => {
                                    let mut candidates = entries.iter().filter(|e| valid(e.0));
                                    match (candidates.next(), candidates.next()) {
                                        (None, _) => Outcome::OutsideAgreements,
                                        (Some(&(a, s)), None) => counted(a, s),
                                        _ => finding(
                                            Category::AmbiguousAgreement,
                                            Detail::Ambiguous {
                                                supplier: supplier(),
                                                agreements: entries
                                                    .iter()
                                                    .filter(|e| valid(e.0))
                                                    .map(|e| e.0)
                                                    .collect(),
                                            },
                                        ),
                                    }
                                }
                                None => Outcome::OutsideAgreements,
                            }
                        }
                    }
                    _ => {
                        let problems = exports
                            .rejections
                            .binary_search_by_key(&i, |r| r.row)
                            .ok()
                            .and_then(|k| exports.rejections.get(k))
                            .map(|r| r.problems.clone())
                            .unwrap_or_default();
                        finding(Category::Rejected, Detail::Unreadable(problems))
                    }
                };
                *slot = outcome;
            }
            findings
        })
        .collect();
    Classified {
        outcomes,
        findings: parts.into_iter().flatten().collect(),
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
    type Key<'a> = (i32, i64, u32, [crate::read::Sym; 3], IdKey<'a>);
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
    let mut starts = Vec::with_capacity(exports.files.len() + 1);
    let mut at = 0;
    for f in &exports.files {
        starts.push(at);
        at += f.rows;
    }
    starts.push(at);
    let ranges: Vec<Option<(i32, i32)>> = starts
        .windows(2)
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
    pub fn new(exports: &Exports, classified: &Classified) -> Self {
        let mut r = Reconciliation::default();
        for (amount, outcome) in exports.rows.amounts(0..exports.rows.len()).zip(&classified.outcomes) {
            let amount = amount.map(Amount);
            r.read.add(amount);
            match outcome {
                Outcome::InAgreement { .. } => r.in_agreements.add(amount),
                Outcome::OutsideAgreements => r.outside_agreements.add(amount),
                Outcome::Quality(c) => r.categories[*c as usize].add(amount),
            }
        }
        r
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
