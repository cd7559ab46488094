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
    /// into the register).
    InAgreement { agreement: u32, supplier: u32 },
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

/// Does the row's account satisfy the agreement's `accounts` list? The
/// account cell may hold the number followed by its name (`4410 Reparationer`).
fn account_matches(accounts: &[String], account: &str) -> bool {
    if account.is_empty() {
        return false;
    }
    let first = account.split_whitespace().next().unwrap_or("");
    accounts.iter().any(|a| a == account || a == first)
}

/// Applies rules 2–5 to every row.
pub fn classify(exports: &Exports, register: &Register) -> Classified {
    let matcher = Matcher::new(register);
    let strings = &exports.strings;
    let mut resolved: FastMap<(Sym, Sym), Vec<(u32, u32)>> = FastMap::default();
    let duplicate_of = duplicates(exports);
    // The register agreement an agreement cell names, per distinct cell text.
    let mut agreement_ids: Vec<Option<Option<u32>>> = vec![None; strings.len()];
    // The registered id an unknown agreement cell probably means.
    let mut suggestions: Vec<Option<Option<u32>>> = vec![None; strings.len()];
    let mut out = Classified {
        outcomes: Vec::with_capacity(exports.rows.len()),
        findings: Vec::new(),
    };
    let mut rejections = exports.rejections.iter().peekable();
    for (i, row) in exports.rows.iter().enumerate() {
        let mut finding = |category: Category, detail: Detail| {
            out.findings.push(Finding {
                row: i,
                category,
                detail,
            });
            Outcome::Quality(category)
        };
        let date = match (row.kind, row.date, row.amount) {
            (RowKind::Total, ..) => {
                out.outcomes.push(finding(Category::TotalRow, Detail::Total));
                continue;
            }
            (RowKind::Normal, Some(d), Some(_)) => d,
            _ => {
                let problems = match rejections.peek() {
                    Some(r) if r.row == i => rejections.next().map(|r| r.problems.clone()).unwrap_or_default(),
                    _ => Vec::new(),
                };
                out.outcomes
                    .push(finding(Category::Rejected, Detail::Unreadable(problems)));
                continue;
            }
        };
        // Rule 2: later copies across files are duplicates.
        if let Some(&(file, line)) = duplicate_of.get(&(i as u32)) {
            out.outcomes
                .push(finding(Category::Duplicate, Detail::DuplicateOf { file, line }));
            continue;
        }
        // Rules 3–5.
        let supplier_sym = row.get(Field::Supplier);
        let entries = resolved
            .entry((supplier_sym, row.get(Field::OrgNr)))
            .or_insert_with(|| matcher.resolve(strings.get(supplier_sym), strings.get(row.get(Field::OrgNr))));
        let day = parse::days_to_date(date);
        let agreement_sym = row.get(Field::Agreement);
        let agreement_text = strings.get(agreement_sym);
        let outcome = if !agreement_text.is_empty() {
            let id = *agreement_ids[agreement_sym as usize]
                .get_or_insert_with(|| matcher.ids.get(&agreement_text.to_lowercase()).copied());
            match id {
                None => finding(
                    Category::UnknownAgreement,
                    Detail::UnknownAgreement {
                        text: agreement_text.to_string(),
                        suggestion: *suggestions[agreement_sym as usize]
                            .get_or_insert_with(|| register.suggest_id(agreement_text).map(|a| a as u32)),
                    },
                ),
                Some(a) => match entries.iter().find(|e| e.0 == a) {
                    None => finding(
                        Category::SupplierOutsideAgreement,
                        Detail::SupplierOutside {
                            supplier: strings.get(supplier_sym).to_string(),
                            agreement: a,
                        },
                    ),
                    Some(&(_, s)) if register.agreements[a as usize].is_valid_on(day) => Outcome::InAgreement {
                        agreement: a,
                        supplier: s,
                    },
                    Some(_) => finding(Category::OutsideValidity, Detail::OutsideValidity { agreement: a }),
                },
            }
        } else {
            let account = strings.get(row.get(Field::Account));
            let candidates: Vec<(u32, u32)> = entries
                .iter()
                .copied()
                .filter(|&(a, _)| {
                    let ag = &register.agreements[a as usize];
                    ag.is_valid_on(day) && ag.accounts.as_ref().is_none_or(|list| account_matches(list, account))
                })
                .collect();
            match candidates.as_slice() {
                [] => Outcome::OutsideAgreements,
                [(a, s)] => Outcome::InAgreement {
                    agreement: *a,
                    supplier: *s,
                },
                many => finding(
                    Category::AmbiguousAgreement,
                    Detail::Ambiguous {
                        supplier: strings.get(supplier_sym).to_string(),
                        agreements: many.iter().map(|e| e.0).collect(),
                    },
                ),
            }
        };
        out.outcomes.push(outcome);
    }
    out
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
    type Key<'a> = (i32, i64, u32, u32, IdKey<'a>);
    let key = |i: usize| -> Option<Key> { exports.rows.identity(i) };
    let state = foldhash::fast::FixedState::default();
    // 32 bits of hash: equal hashes are compared exactly below.
    let mut hashed: Vec<(u32, u32)> = (0..exports.rows.len())
        .into_par_iter()
        .filter_map(|i| key(i).map(|k| (state.hash_one(k) as u32, i as u32)))
        .collect();
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
        for (row, outcome) in exports.rows.iter().zip(&classified.outcomes) {
            r.read.add(row.amount);
            match outcome {
                Outcome::InAgreement { .. } => r.in_agreements.add(row.amount),
                Outcome::OutsideAgreements => r.outside_agreements.add(row.amount),
                Outcome::Quality(c) => r.categories[*c as usize].add(row.amount),
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
