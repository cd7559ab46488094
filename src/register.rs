//! The agreement register: which framework agreements have a distribution
//! key, their suppliers, shares and ceilings. Read from TOML or from a
//! spreadsheet as Excel users write it (docs/rules.md, "The register"),
//! then checked against every rule; all problems are reported together,
//! each naming its agreement, where it was written and what to change.

use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::parse::{self, OrgNr};
use chrono::NaiveDate;
use std::path::Path;

mod check;
mod model;
mod sheet;
mod toml_file;
pub use check::check;
pub use model::{Deviation, DraftDeviation, Model};
pub use toml_file::drafts_from_toml;

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

    /// `amount`/`belopp`, `count`/`antal`/`antal avrop`, any case.
    pub fn parse(text: &str) -> Option<Basis> {
        let folded: String = text
            .trim()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match folded.as_str() {
            "" | "amount" | "belopp" | "kronor" | "sek" => Some(Basis::Amount),
            "count" | "antal" | "antal avrop" => Some(Basis::Count),
            _ => None,
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
    /// The rank in a rank-order agreement (1 is called first), rule 13.
    pub rank: Option<u32>,
}

/// The ceiling (takvolym) of an agreement, rule 11.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ceiling {
    /// The maximum value, fixed point (see [`parse::Amount`]), above zero.
    pub ceiling: i64,
    /// The estimated value stated in the procurement, fixed point.
    pub estimated: Option<i64>,
    /// Warning level in percent of the ceiling, in (0, 100] (default 80).
    pub warn_pct: f64,
    /// Other buyers' call-offs count against the same ceiling.
    pub shared: bool,
}

/// The default warning level of a ceiling, percent.
pub(crate) const DEFAULT_WARN_PCT: f64 = 80.0;

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
    pub ceiling: Option<Ceiling>,
    /// A key (the default) or a rank order (rule 13).
    pub model: Model,
    /// Call-offs worth at least this go to renewed competition (rule 14),
    /// fixed point.
    pub fku_threshold: Option<i64>,
    /// A rank agreement's documented deviations (rule 13).
    pub deviations: Vec<Deviation>,
}

impl Agreement {
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_to
    }

    pub fn is_rank(&self) -> bool {
        self.model == Model::Rank
    }

    /// The key's shares as fractions (`50 %` → `0.5`), in supplier order.
    pub fn fractions(&self) -> Vec<f64> {
        self.suppliers.iter().map(|s| s.share / 100.0).collect()
    }

    /// Whether the agreement is valid on some day of the window (rule 6:
    /// the agreements reported).
    pub fn overlaps(&self, window: &crate::window::Window) -> bool {
        self.valid_from <= window.end && self.valid_to >= window.start
    }

    /// The supplier indices by rank (a rank agreement), else register order.
    pub fn by_rank(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.suppliers.len()).collect();
        order.sort_by_key(|&i| self.suppliers[i].rank.unwrap_or(u32::MAX));
        order
    }
}

/// The checked register.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub agreements: Vec<Agreement>,
}

impl Register {
    /// The registered agreement an unknown id probably means: equal once
    /// case and everything but letters and digits are dropped (`RA 2018-010`,
    /// `ra2018010` for `RA-2018-010`), or one letter or digit away for ids
    /// of six or more characters. `None` when no single agreement fits.
    pub fn suggest_id(&self, text: &str) -> Option<usize> {
        let key = |s: &str| -> Vec<char> {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let wanted = key(text);
        if wanted.is_empty() {
            return None;
        }
        let keys: Vec<Vec<char>> = self.agreements.iter().map(|a| key(&a.id)).collect();
        let exact: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] == wanted).collect();
        if exact.len() == 1 {
            return exact.first().copied();
        }
        if !exact.is_empty() || wanted.len() < 6 {
            return None;
        }
        let near: Vec<usize> = (0..keys.len()).filter(|&i| one_edit_apart(&keys[i], &wanted)).collect();
        (near.len() == 1).then(|| near[0])
    }
}

/// True when `a` and `b` differ by exactly one insertion, deletion or
/// substitution.
fn one_edit_apart(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        prefix < short.len() && short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// Loads and checks a register; TOML by extension `.toml`, otherwise a
/// spreadsheet or CSV table. Every message carries both languages.
pub fn load(path: &Path) -> Result<Register> {
    let drafts = read_drafts(path)?;
    if drafts.is_empty() {
        return Err(Error::Refused(Text::new(
            format!(
                "avtalsregistret {} innehåller inga avtal – fyll i minst ett avtal (`avropskoll init` skriver en mall)",
                path.display()
            ),
            format!(
                "the register {} holds no agreement – fill in at least one (`avropskoll init` writes a template)",
                path.display()
            ),
        )));
    }
    // Rows carry agreement and supplier as 16-bit indices.
    let most_suppliers = drafts.iter().map(|d| d.suppliers.len()).max().unwrap_or(0);
    if drafts.len() > u16::MAX as usize || most_suppliers > u16::MAX as usize {
        return Err(Error::Refused(Text::new(
            format!(
                "avtalsregistret {} har fler än 65 535 avtal eller leverantörer i ett avtal – dela upp registret",
                path.display()
            ),
            format!(
                "the register {} has more than 65,535 agreements or suppliers in one agreement – split it",
                path.display()
            ),
        )));
    }
    check(drafts).map_err(|problems| Error::Register {
        path: path.to_path_buf(),
        problems,
    })
}

/// Reads a register's agreements as written, before checking.
pub(crate) fn read_drafts(path: &Path) -> Result<Vec<Draft>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return Err(Error::ConfigFile {
                path: path.to_path_buf(),
                message: crate::read::discover::not_regular(&meta),
            });
        }
    }
    if ext == "toml" {
        let text = std::fs::read_to_string(path).map_err(|e| Error::ConfigFile {
            path: path.to_path_buf(),
            message: Text::io(&e),
        })?;
        drafts_from_toml(&text).map_err(|message| Error::ConfigFile {
            path: path.to_path_buf(),
            message: Text::new(format!("avtalsregistret är inte giltig TOML: {message}"), message),
        })
    } else {
        sheet::drafts_from_table(path)
    }
}

/// Where an agreement was written, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The n-th `[[agreement]]` of a TOML register (1-based).
    Toml(usize),
    /// Sheet rows (1-based, inclusive) of a spreadsheet register.
    Rows { first: usize, last: usize },
    /// A row of another sheet of a spreadsheet register (*Avsteg*).
    Sheet { sheet: String, row: usize },
}

impl Default for Origin {
    fn default() -> Self {
        Origin::Toml(0)
    }
}

impl Origin {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Origin::Toml(n) => lang.pick(format!("[[agreement]] nr {n}"), format!("[[agreement]] number {n}")),
            Origin::Rows { first, last } if first == last => lang.pick(format!("rad {first}"), format!("row {first}")),
            Origin::Rows { first, last } => lang.pick(format!("rad {first}–{last}"), format!("rows {first}–{last}")),
            Origin::Sheet { sheet, row } => lang.pick(
                format!("bladet {sheet}, rad {row}"),
                format!("sheet {sheet}, row {row}"),
            ),
        }
    }

    fn extend_to(&mut self, row: usize) {
        if let Origin::Rows { first, last } = self {
            *first = (*first).min(row);
            *last = (*last).max(row);
        }
    }
}

/// One problem of a register: the agreement (when it has an id), where it
/// was written and what is wrong, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub agreement: Option<String>,
    pub origin: Origin,
    pub message: Text,
}

impl Problem {
    /// `avtal RA-1 (rad 6–8): …` / `agreement RA-1 (rows 6–8): …`.
    pub fn describe(&self, lang: Lang) -> String {
        let place = self.origin.describe(lang);
        let label = match (&self.agreement, &self.origin) {
            (None, _) => place,
            (Some(id), Origin::Rows { .. } | Origin::Sheet { .. }) => {
                lang.pick(format!("avtal {id} ({place})"), format!("agreement {id} ({place})"))
            }
            (Some(id), Origin::Toml(_)) => lang.pick(format!("avtal {id}"), format!("agreement {id}")),
        };
        format!("{label}: {}", self.message.get(lang))
    }
}

/// An agreement as written, before checking. Values are kept as text (or
/// TOML values) so that every problem can be reported in words.
#[derive(Debug, Default, Clone)]
pub struct Draft {
    /// Where it was written, for messages.
    pub origin: Origin,
    pub id: String,
    pub name: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub basis: Option<String>,
    pub tolerance_pp: Option<String>,
    pub accounts: Option<Vec<String>>,
    pub ceiling_sek: Option<String>,
    pub estimated_sek: Option<String>,
    pub ceiling_warn_pct: Option<String>,
    pub shared_ceiling: Option<String>,
    pub model: Option<String>,
    pub fku_threshold_sek: Option<String>,
    pub suppliers: Vec<DraftSupplier>,
    pub deviations: Vec<DraftDeviation>,
}

#[derive(Debug, Default, Clone)]
pub struct DraftSupplier {
    pub name: String,
    pub org_nr: Option<String>,
    pub share: Option<String>,
    pub aliases: Vec<String>,
    /// The share cell's value when it was a numeric spreadsheet cell (a
    /// percent-formatted cell stores the fraction: 0.5 for 50 %).
    pub share_number: Option<f64>,
    pub rank: Option<String>,
    /// The share cell's formula when it has no saved value.
    pub share_formula: Option<String>,
}

fn fill(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// A number as written in a register cell: `50`, `33,33`, `33.33`, `50 %`.
pub(crate) fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = t.strip_suffix('%').unwrap_or(t);
    parse::parse_amount(t).map(|a| a.to_f64())
}

/// A yes/no cell: `ja`/`nej`/`true`/`false`/`x`/empty.
pub(crate) fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "ja" | "j" | "true" | "x" | "yes" | "sant" | "1" => Some(true),
        "nej" | "n" | "false" | "" | "no" | "falskt" | "0" => Some(false),
        _ => None,
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
        check(drafts_from_toml(text).expect("toml parses"))
            .expect_err("should be invalid")
            .iter()
            .map(|p| p.describe(Lang::En))
            .collect()
    }

    #[test]
    fn the_key_as_fractions_and_the_windows_an_agreement_overlaps() {
        let reg = check(drafts_from_toml(GOOD).expect("parses")).expect("valid");
        let a = &reg.agreements[0];
        // 50/30/20 %.
        assert_eq!(a.fractions(), vec![0.5, 0.3, 0.2]);
        // Valid 2017-09-01 – 2021-08-31: 2017-H2 and 2021-T2 (May–Aug)
        // touch it by a day or more; 2017-H1 and 2021-T3 do not.
        let overlaps = |w: &str| a.overlaps(&crate::window::Window::parse(w).expect("window"));
        assert!(overlaps("2017-H2"));
        assert!(overlaps("2021-T2"));
        assert!(!overlaps("2017-H1"));
        assert!(!overlaps("2021-T3"));
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
            joined.contains("agreement RA-2017-031: shares sum to 90 %, not 100"),
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
    fn suggests_a_registered_id_for_a_near_miss() {
        let reg = check(drafts_from_toml(GOOD).expect("parses")).expect("valid");
        assert_eq!(reg.suggest_id("RA 2017-031"), Some(0));
        assert_eq!(reg.suggest_id("ra2017031"), Some(0));
        assert_eq!(reg.suggest_id("RA-2017-032"), Some(0));
        assert_eq!(reg.suggest_id("RA-2017-0311"), Some(0));
        assert_eq!(reg.suggest_id("RA-2019-999"), None);
        assert_eq!(reg.suggest_id("--"), None);
    }

    const RANK: &str = r#"
[[agreement]]
id = "RA-2024-007"
name = "Järnhandel"
valid_from = 2024-01-01
valid_to = 2027-12-31
model = "rank"
fku_threshold_sek = 500000
  [[agreement.supplier]]
  name = "Järn & Bygg Syd AB"
  org_nr = "556036-0793"
  rank = 1
  [[agreement.supplier]]
  name = "Verktygshuset i Malmö AB"
  aliases = ["Verktygshuset Malmö"]
  rank = 2
  [[agreement.deviation]]
  supplier = "Verktygshuset Malmö"
  unit = " Sektion Öster "
  from = 2024-03-01
  to = "2024-05-31"
  reason = "Rang 1 kunde inte leverera inom avtalad tid"
  reference = "SF-2024-0412"
"#;

    #[test]
    fn reads_a_rank_agreement_with_a_deviation() {
        let reg = check(drafts_from_toml(RANK).expect("parses")).expect("valid");
        let a = &reg.agreements[0];
        assert_eq!(a.model, Model::Rank);
        assert_eq!(a.fku_threshold, Some(500_000 * parse::AMOUNT_SCALE));
        assert_eq!(
            a.suppliers.iter().map(|s| s.rank).collect::<Vec<_>>(),
            vec![Some(1), Some(2)]
        );
        assert_eq!(a.deviations.len(), 1);
        let d = &a.deviations[0];
        // Named by its alias: supplier 1; the unit trimmed, lower case.
        assert_eq!((d.supplier, d.unit.as_deref()), (1, Some("sektion öster")));
        assert_eq!(d.from, NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(d.to, NaiveDate::from_ymd_opt(2024, 5, 31));
        assert_eq!(d.reference.as_deref(), Some("SF-2024-0412"));
    }

    #[test]
    fn every_model_rule_is_reported() {
        // Ranks 1, 3; a share in a rank agreement; a deviation naming rank
        // 1, one naming no supplier, one without a reason, one with from
        // after to; a threshold of zero.
        let text = RANK
            .replace("rank = 2", "rank = 3\n  share = 50")
            .replace("fku_threshold_sek = 500000", "fku_threshold_sek = 0")
            .replace("supplier = \"Verktygshuset Malmö\"", "supplier = \"556036-0793\"")
            + r#"
  [[agreement.deviation]]
  supplier = "Okänd AB"
  reason = " "
  from = 2024-06-01
  to = 2024-05-01
"#;
        let joined = problems(&text).join("\n");
        for want in [
            "supplier 'Verktygshuset i Malmö AB': has share 50 but the agreement is a rank order",
            "the ranks are 1, 3 – a rank order of 2 suppliers has ranks 1 to 2, one each",
            "fku_threshold_sek '0' is not an amount above zero",
            "deviation number 1 ([[agreement.deviation]]): supplier '556036-0793' has rank 1",
            "deviation number 2 ([[agreement.deviation]]): supplier 'Okänd AB' is not a supplier of the agreement",
            "deviation number 2 ([[agreement.deviation]]): reason is empty",
            "deviation number 2 ([[agreement.deviation]]): from 2024-06-01 is after to 2024-05-01",
        ] {
            assert!(joined.contains(want), "missing {want}:\n{joined}");
        }
    }

    #[test]
    fn key_agreements_refuse_ranks_and_deviations() {
        let text = GOOD
            .replace("share = 30.0", "share = 30.0\n  rank = 2")
            .replace("model = ", "x")
            + "  [[agreement.deviation]]\n  supplier = \"Färg & Fasad AB\"\n  reason = \"x\"\n";
        let joined = problems(&text).join("\n");
        assert!(
            joined.contains("supplier 'Färg & Fasad AB': has rank 2 but the agreement has a key"),
            "{joined}"
        );
        assert!(
            joined.contains("a deviation belongs to a rank order, but the agreement has a key"),
            "{joined}"
        );
        let bad_model = GOOD.replace("tolerance_pp = 5", "tolerance_pp = 5\nmodel = \"lottning\"");
        assert!(problems(&bad_model)
            .join("\n")
            .contains("model 'lottning' is neither 'key' nor 'rank'"));
        let no_rank = RANK.replace("  rank = 2\n", "");
        assert!(problems(&no_rank)
            .join("\n")
            .contains("supplier 'Verktygshuset i Malmö AB': rank is missing"));
    }

    #[test]
    fn unknown_fields_are_errors() {
        let err = drafts_from_toml(&GOOD.replace("tolerance_pp", "tolerans")).expect_err("unknown field");
        assert!(err.contains("tolerans"), "{err}");
    }
}
