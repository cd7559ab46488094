//! The agreement register: which framework agreements have a distribution
//! key, their suppliers and shares. Read from TOML or from a spreadsheet
//! (one row per agreement supplier), then checked against every rule of the
//! spec; all problems are reported together, each naming its agreement.

use crate::error::{Error, Result};
use crate::parse::{self, OrgNr};
use crate::read::table::{self, Cell};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// What the shares of an agreement are shares of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Shares of the net amount in SEK (the default).
    Amount,
    /// Shares of the number of call-offs.
    Count,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Amount => "amount",
            Basis::Count => "count",
        }
    }
}

/// One supplier of an agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct Supplier {
    pub name: String,
    pub org_nr: Option<OrgNr>,
    /// Agreed share in percent, in (0, 100].
    pub share: f64,
    /// Other spellings of the name seen in exports (this agreement only).
    pub aliases: Vec<String>,
}

/// One framework agreement with a distribution key.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub id: String,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub basis: Basis,
    pub tolerance_pp: Option<f64>,
    /// Account numbers that limit supplier-based matching.
    pub accounts: Option<Vec<String>>,
    pub suppliers: Vec<Supplier>,
}

impl Agreement {
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_to
    }
}

/// The checked register.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub agreements: Vec<Agreement>,
}

/// Loads and checks a register; TOML by extension `.toml`, otherwise a
/// spreadsheet or CSV table.
pub fn load(path: &Path) -> Result<Register> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let drafts = if ext == "toml" {
        let text = std::fs::read_to_string(path).map_err(|e| Error::ConfigFile {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        drafts_from_toml(&text).map_err(|message| Error::ConfigFile {
            path: path.to_path_buf(),
            message,
        })?
    } else {
        drafts_from_table(path)?
    };
    check(drafts).map_err(|problems| Error::Register {
        path: path.to_path_buf(),
        problems,
    })
}

/// An agreement as written, before checking. Values are kept as text (or
/// TOML values) so that every problem can be reported in words.
#[derive(Debug, Default, Clone)]
pub struct Draft {
    /// Where it was written (e.g. "row 5"), for messages.
    pub origin: String,
    pub id: String,
    pub name: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub basis: Option<String>,
    pub tolerance_pp: Option<String>,
    pub accounts: Option<Vec<String>>,
    pub suppliers: Vec<DraftSupplier>,
}

#[derive(Debug, Default, Clone)]
pub struct DraftSupplier {
    pub name: String,
    pub org_nr: Option<String>,
    pub share: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlRegister {
    #[serde(default, rename = "agreement")]
    agreements: Vec<TomlAgreement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlAgreement {
    id: toml::Value,
    name: Option<String>,
    valid_from: Option<toml::Value>,
    valid_to: Option<toml::Value>,
    basis: Option<String>,
    tolerance_pp: Option<toml::Value>,
    accounts: Option<Vec<toml::Value>>,
    #[serde(default, rename = "supplier")]
    suppliers: Vec<TomlSupplier>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSupplier {
    name: String,
    org_nr: Option<toml::Value>,
    share: Option<toml::Value>,
    #[serde(default)]
    aliases: Vec<String>,
}

fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    }
}

fn drafts_from_toml(text: &str) -> std::result::Result<Vec<Draft>, String> {
    let raw: TomlRegister = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(raw
        .agreements
        .into_iter()
        .enumerate()
        .map(|(i, a)| Draft {
            origin: format!("[[agreement]] number {}", i + 1),
            id: toml_text(&a.id),
            name: a.name,
            valid_from: a.valid_from.as_ref().map(toml_text),
            valid_to: a.valid_to.as_ref().map(toml_text),
            basis: a.basis,
            tolerance_pp: a.tolerance_pp.as_ref().map(toml_text),
            accounts: a.accounts.map(|v| v.iter().map(toml_text).collect()),
            suppliers: a
                .suppliers
                .into_iter()
                .map(|s| DraftSupplier {
                    name: s.name,
                    org_nr: s.org_nr.as_ref().map(toml_text),
                    share: s.share.as_ref().map(toml_text),
                    aliases: s.aliases,
                })
                .collect(),
        })
        .collect())
}

/// The register's spreadsheet columns, in folded form.
const TABLE_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "valid_from",
    "valid_to",
    "basis",
    "tolerance_pp",
    "accounts",
    "supplier",
    "org_nr",
    "share",
    "aliases",
];

fn split_list(text: &str) -> Vec<String> {
    text.split([';', '|'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn drafts_from_table(path: &Path) -> Result<Vec<Draft>> {
    let mut source = table::open(path, None, table::Limits::default()).map_err(|e| match e {
        Error::Export { path, message } => Error::ConfigFile { path, message },
        other => other,
    })?;
    let required = ["id", "supplier", "share"];
    let folded: Vec<String> = TABLE_COLUMNS.iter().map(|c| parse::fold_header(c)).collect();
    let mut header: Option<Vec<Option<usize>>> = None;
    let mut first_headers: Vec<String> = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut problem: Option<String> = None;
    source.for_each_record(&mut |row, cells| {
        let texts: Vec<String> = cells.iter().map(Cell::text).collect();
        let Some(columns) = &header else {
            if row > 50 {
                return false;
            }
            if first_headers.is_empty() && texts.iter().any(|t| !t.is_empty()) {
                first_headers = texts.clone();
            }
            let positions: Vec<Option<usize>> = folded
                .iter()
                .map(|name| texts.iter().position(|t| parse::fold_header(t) == *name))
                .collect();
            let found = required
                .iter()
                .all(|r| positions[TABLE_COLUMNS.iter().position(|c| c == r).unwrap_or(0)].is_some());
            if found {
                header = Some(positions);
            }
            return true;
        };
        if texts.iter().all(|t| t.is_empty()) {
            return true;
        }
        let get = |name: &str| -> Option<String> {
            let i = TABLE_COLUMNS.iter().position(|c| *c == name)?;
            let v = texts.get(columns[i]?)?.trim().to_string();
            (!v.is_empty()).then_some(v)
        };
        // Dates may be real date cells: render them as ISO text.
        let date = |name: &str| -> Option<String> {
            let i = TABLE_COLUMNS.iter().position(|c| *c == name)?;
            let cell = cells.get(columns[i]?)?;
            match table::cell_date(cell) {
                Some(d) => Some(d.format("%Y-%m-%d").to_string()),
                None => get(name),
            }
        };
        let Some(id) = get("id") else {
            problem = Some(format!("row {row}: no agreement id"));
            return false;
        };
        let supplier = DraftSupplier {
            name: get("supplier").unwrap_or_default(),
            org_nr: get("org_nr"),
            share: get("share"),
            aliases: get("aliases").map(|a| split_list(&a)).unwrap_or_default(),
        };
        let position = drafts.iter().position(|d| d.id.trim().eq_ignore_ascii_case(id.trim()));
        let draft = match position {
            Some(p) => &mut drafts[p],
            None => {
                drafts.push(Draft {
                    origin: format!("row {row}"),
                    id: id.clone(),
                    ..Draft::default()
                });
                let last = drafts.len() - 1;
                &mut drafts[last]
            }
        };
        // Agreement fields may be repeated on every row or given once.
        fill(&mut draft.name, get("name"));
        fill(&mut draft.valid_from, date("valid_from"));
        fill(&mut draft.valid_to, date("valid_to"));
        fill(&mut draft.basis, get("basis"));
        fill(&mut draft.tolerance_pp, get("tolerance_pp"));
        if draft.accounts.is_none() {
            draft.accounts = get("accounts").map(|a| split_list(&a.replace(',', ";")));
        }
        draft.suppliers.push(supplier);
        true
    })?;
    if let Some(message) = problem {
        return Err(Error::Register {
            path: path.to_path_buf(),
            problems: vec![message],
        });
    }
    if header.is_none() {
        return Err(Error::ConfigFile {
            path: path.to_path_buf(),
            message: format!(
                "no header row with the columns id, supplier and share (expected columns: {}); first row found: {}",
                TABLE_COLUMNS.join(", "),
                first_headers.join(" | ")
            ),
        });
    }
    Ok(drafts)
}

fn fill(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

fn number(text: &str) -> Option<f64> {
    parse::parse_amount(text).map(|a| a.to_f64())
}

/// Checks drafts against every rule of the register; returns all problems.
pub fn check(drafts: Vec<Draft>) -> std::result::Result<Register, Vec<String>> {
    let mut problems = Vec::new();
    let mut agreements = Vec::new();
    let mut seen_ids = HashSet::new();
    for d in drafts {
        let id = d.id.trim().to_string();
        let label = if id.is_empty() {
            d.origin.clone()
        } else {
            format!("agreement {id}")
        };
        let mut p = |msg: String| problems.push(format!("{label}: {msg}"));
        if id.is_empty() {
            p("has no id".into());
        } else if !seen_ids.insert(id.to_lowercase()) {
            p("the id is used by another agreement too".into());
        }
        let name = d.name.clone().map(|n| n.trim().to_string()).unwrap_or_default();
        if name.is_empty() {
            p("has no name".into());
        }
        let mut date = |field: &str, value: &Option<String>| -> Option<NaiveDate> {
            match value {
                None => {
                    p(format!("{field} is missing"));
                    None
                }
                Some(v) => {
                    let parsed = parse::parse_date(v);
                    if parsed.is_none() {
                        p(format!("{field} '{v}' is not a date (YYYY-MM-DD)"));
                    }
                    parsed
                }
            }
        };
        let valid_from = date("valid_from", &d.valid_from);
        let valid_to = date("valid_to", &d.valid_to);
        if let (Some(f), Some(t)) = (valid_from, valid_to) {
            if f > t {
                p(format!("valid_from {f} is after valid_to {t}"));
            }
        }
        let basis = match d.basis.as_deref().map(|b| b.trim().to_lowercase()).as_deref() {
            None | Some("") | Some("amount") => Basis::Amount,
            Some("count") => Basis::Count,
            Some(other) => {
                p(format!("basis '{other}' is neither 'amount' nor 'count'"));
                Basis::Amount
            }
        };
        let tolerance_pp = match &d.tolerance_pp {
            None => None,
            Some(t) => match number(t) {
                Some(v) if v >= 0.0 => Some(v),
                _ => {
                    p(format!("tolerance_pp '{t}' is not a number of percentage points ≥ 0"));
                    None
                }
            },
        };
        if d.suppliers.is_empty() {
            p("has no suppliers".into());
        }
        let mut suppliers = Vec::new();
        let mut names = HashSet::new();
        let mut orgs = HashSet::new();
        let mut sum = 0.0;
        for s in &d.suppliers {
            let sname = s.name.trim().to_string();
            let who = if sname.is_empty() {
                "a supplier without a name".to_string()
            } else {
                format!("supplier '{sname}'")
            };
            if sname.is_empty() {
                p(format!("{who}: name is missing"));
            }
            let org_nr = match s.org_nr.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(o) => {
                    let parsed = OrgNr::parse(o);
                    if parsed.is_none() {
                        p(format!(
                            "{who}: org_nr '{o}' is not a valid organisation number (10 digits, last one a Luhn check digit)"
                        ));
                    }
                    parsed
                }
            };
            let share = match s.share.as_deref() {
                None => {
                    p(format!("{who}: share is missing"));
                    0.0
                }
                Some(t) => match number(t) {
                    Some(v) if v > 0.0 && v <= 100.0 => v,
                    Some(v) => {
                        p(format!("{who}: share {v} is not in (0, 100]"));
                        v
                    }
                    None => {
                        p(format!("{who}: share '{t}' is not a number"));
                        0.0
                    }
                },
            };
            sum += share;
            let norm = parse::normalize_supplier(&sname);
            let twice = (!norm.is_empty() && !names.insert(norm)) || org_nr.is_some_and(|o| !orgs.insert(o));
            if twice {
                p(format!("{who} appears twice"));
            }
            suppliers.push(Supplier {
                name: sname,
                org_nr,
                share,
                aliases: s
                    .aliases
                    .iter()
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
            });
        }
        if !d.suppliers.is_empty() && (sum - 100.0).abs() > 0.01 + 1e-9 {
            p(format!("shares sum to {sum:.2}, not 100"));
        }
        if let (Some(valid_from), Some(valid_to)) = (valid_from, valid_to) {
            agreements.push(Agreement {
                id,
                name,
                valid_from,
                valid_to,
                basis,
                tolerance_pp,
                accounts: d
                    .accounts
                    .map(|a| a.into_iter().map(|x| x.trim().to_string()).collect()),
                suppliers,
            });
        }
    }
    if problems.is_empty() {
        Ok(Register { agreements })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[agreement]]
id = "RA-2017-031"
name = "Målningsarbeten"
valid_from = 2017-09-01
valid_to = "2021-08-31"
tolerance_pp = 5
accounts = ["4410", 4411]

  [[agreement.supplier]]
  name = "Måleri Syd AB"
  org_nr = "556036-0793"
  share = 50
  aliases = ["Måleri Syd Aktiebolag"]

  [[agreement.supplier]]
  name = "Färg & Fasad AB"
  share = 30.0

  [[agreement.supplier]]
  name = "Penselkungen AB"
  share = 20
"#;

    fn problems(text: &str) -> Vec<String> {
        check(drafts_from_toml(text).expect("toml parses")).expect_err("should be invalid")
    }

    #[test]
    fn reads_a_good_register() {
        let reg = check(drafts_from_toml(GOOD).expect("parses")).expect("valid");
        let a = &reg.agreements[0];
        assert_eq!(a.id, "RA-2017-031");
        assert_eq!(a.valid_from, NaiveDate::from_ymd_opt(2017, 9, 1).expect("date"));
        assert_eq!(a.valid_to, NaiveDate::from_ymd_opt(2021, 8, 31).expect("date"));
        assert_eq!(a.basis, Basis::Amount);
        assert_eq!(a.tolerance_pp, Some(5.0));
        assert_eq!(
            a.accounts.as_deref(),
            Some(&["4410".to_string(), "4411".to_string()][..])
        );
        assert_eq!(a.suppliers.len(), 3);
        assert_eq!(
            a.suppliers[0].org_nr.map(|o| o.to_string()).as_deref(),
            Some("556036-0793")
        );
        assert_eq!(a.suppliers[1].share, 30.0);
    }

    #[test]
    fn every_rule_is_reported() {
        let text = GOOD
            .replace("share = 20", "share = 10")
            .replace("556036-0793", "556036-0794")
            .replace("valid_from = 2017-09-01", "valid_from = 2022-01-01")
            .replace("Penselkungen AB", "Måleri Syd Aktiebolag")
            + r#"
[[agreement]]
id = "ra-2017-031"
name = "Kopia"
valid_from = 2017-01-01
valid_to = 2018-01-01
  [[agreement.supplier]]
  name = "X AB"
  share = 0
  [[agreement.supplier]]
  name = "Y AB"
  share = 100
"#;
        let p = problems(&text);
        let joined = p.join("\n");
        assert!(
            joined.contains("agreement RA-2017-031: shares sum to 90.00, not 100"),
            "{joined}"
        );
        assert!(
            joined.contains("org_nr '556036-0794' is not a valid organisation number"),
            "{joined}"
        );
        assert!(
            joined.contains("valid_from 2022-01-01 is after valid_to 2021-08-31"),
            "{joined}"
        );
        assert!(
            joined.contains("supplier 'Måleri Syd Aktiebolag' appears twice"),
            "{joined}"
        );
        assert!(
            joined.contains("agreement ra-2017-031: the id is used by another agreement too"),
            "{joined}"
        );
        assert!(
            joined.contains("agreement ra-2017-031: supplier 'X AB': share 0 is not in (0, 100]"),
            "{joined}"
        );
    }

    #[test]
    fn unknown_fields_are_errors() {
        let err = drafts_from_toml(&GOOD.replace("tolerance_pp", "tolerans")).expect_err("unknown field");
        assert!(err.contains("tolerans"), "{err}");
    }
}
