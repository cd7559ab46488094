//! The agreement register: which framework agreements have a distribution
//! key, their suppliers, shares and ceilings. Read from TOML or from a
//! spreadsheet as Excel users write it (docs/rules.md, "The register"),
//! then checked against every rule; all problems are reported together,
//! each naming its agreement, where it was written and what to change.

use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::parse::{self, OrgNr};
use crate::read::header;
use crate::read::table::{self, Cell};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

mod model;
pub use model::{Deviation, DraftDeviation, Model, DEVIATION_SHEETS};

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
pub const DEFAULT_WARN_PCT: f64 = 80.0;

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
pub fn read_drafts(path: &Path) -> Result<Vec<Draft>> {
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
        drafts_from_table(path)
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
    ceiling_sek: Option<toml::Value>,
    estimated_sek: Option<toml::Value>,
    ceiling_warn_pct: Option<toml::Value>,
    shared_ceiling: Option<toml::Value>,
    model: Option<String>,
    fku_threshold_sek: Option<toml::Value>,
    #[serde(default, rename = "supplier")]
    suppliers: Vec<TomlSupplier>,
    #[serde(default, rename = "deviation")]
    deviations: Vec<model::TomlDeviation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSupplier {
    name: String,
    org_nr: Option<toml::Value>,
    share: Option<toml::Value>,
    #[serde(default)]
    aliases: Vec<String>,
    rank: Option<toml::Value>,
}

fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    }
}

/// Parses a TOML register into drafts (public for the fuzz targets).
pub fn drafts_from_toml(text: &str) -> std::result::Result<Vec<Draft>, String> {
    let raw: TomlRegister = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(raw
        .agreements
        .into_iter()
        .enumerate()
        .map(|(i, a)| Draft {
            origin: Origin::Toml(i + 1),
            id: toml_text(&a.id),
            name: a.name,
            valid_from: a.valid_from.as_ref().map(toml_text),
            valid_to: a.valid_to.as_ref().map(toml_text),
            basis: a.basis,
            tolerance_pp: a.tolerance_pp.as_ref().map(toml_text),
            accounts: a.accounts.map(|v| v.iter().map(toml_text).collect()),
            ceiling_sek: a.ceiling_sek.as_ref().map(toml_text),
            estimated_sek: a.estimated_sek.as_ref().map(toml_text),
            ceiling_warn_pct: a.ceiling_warn_pct.as_ref().map(toml_text),
            shared_ceiling: a.shared_ceiling.as_ref().map(toml_text),
            model: a.model,
            fku_threshold_sek: a.fku_threshold_sek.as_ref().map(toml_text),
            deviations: a
                .deviations
                .into_iter()
                .enumerate()
                .map(|(n, d)| d.draft(n + 1))
                .collect(),
            suppliers: a
                .suppliers
                .into_iter()
                .map(|s| DraftSupplier {
                    name: s.name,
                    org_nr: s.org_nr.as_ref().map(toml_text),
                    share: s.share.as_ref().map(toml_text),
                    aliases: s.aliases,
                    share_number: None,
                    rank: s.rank.as_ref().map(toml_text),
                    share_formula: None,
                })
                .collect(),
        })
        .collect())
}

/// The register's spreadsheet columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Name,
    ValidFrom,
    ValidTo,
    Basis,
    Tolerance,
    Accounts,
    Supplier,
    OrgNr,
    Share,
    Aliases,
    Ceiling,
    Estimated,
    WarnPct,
    Shared,
    Model,
    Rank,
    Fku,
}

const COLS: [Col; 18] = [
    Col::Id,
    Col::Name,
    Col::ValidFrom,
    Col::ValidTo,
    Col::Basis,
    Col::Tolerance,
    Col::Accounts,
    Col::Supplier,
    Col::OrgNr,
    Col::Share,
    Col::Aliases,
    Col::Ceiling,
    Col::Estimated,
    Col::WarnPct,
    Col::Shared,
    Col::Model,
    Col::Rank,
    Col::Fku,
];

impl Col {
    /// Header names, English then Swedish, earlier names winning.
    fn names(self) -> &'static [&'static str] {
        match self {
            Col::Id => &["id", "Avtal", "Avtals-id", "Avtalsnummer", "Avtalsid"],
            Col::Name => &["name", "Benämning", "Avtalsnamn"],
            Col::ValidFrom => &["valid_from", "Giltigt från", "Giltig från", "Startdatum"],
            Col::ValidTo => &["valid_to", "Giltigt till", "Giltig till", "Slutdatum"],
            Col::Basis => &["basis", "Grund", "Fördelningsgrund"],
            Col::Tolerance => &["tolerance_pp", "Tolerans", "Tolerans (pe)"],
            Col::Accounts => &["accounts", "Konton"],
            Col::Supplier => &["supplier", "Leverantör"],
            Col::OrgNr => &["org_nr", "Org.nr", "Organisationsnummer", "Orgnr"],
            Col::Share => &["share", "Andel", "Andel (%)", "Fördelning"],
            Col::Aliases => &["aliases", "Alias", "Andra stavningar"],
            Col::Ceiling => &["ceiling_sek", "Takvolym", "Takvolym (kr)"],
            Col::Estimated => &["estimated_sek", "Uppskattat värde"],
            Col::WarnPct => &["ceiling_warn_pct", "Varningsnivå (%)"],
            Col::Shared => &["shared_ceiling", "Delad takvolym"],
            Col::Model => &["model", "Avropsmodell", "Modell"],
            Col::Rank => &["rank", "Rang", "Rangordning"],
            Col::Fku => &[
                "fku_threshold_sek",
                "FKU-gräns",
                "FKU-gräns (kr)",
                "Gräns för förnyad konkurrensutsättning",
            ],
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Splits a list cell at `;`, else at `,`.
fn split_list(text: &str) -> Vec<String> {
    let sep = if text.contains(';') { ';' } else { ',' };
    text.split(sep)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn drafts_from_table(path: &Path) -> Result<Vec<Draft>> {
    let mut source = table::open(path, None, table::Limits::default()).map_err(|e| match e {
        Error::Export { path, message } => Error::ConfigFile { path, message },
        other => other,
    })?;
    let names: Vec<Vec<String>> = COLS.iter().map(|c| header::folded(c.names())).collect();
    let formats = crate::read::formats::SheetFormats::read(path, source.sheet());
    let map = |cells: &[Cell]| {
        let texts: Vec<String> = cells.iter().map(Cell::text).collect();
        header::map_columns(&names, &texts)
    };
    if let table::Source::Csv(c) = &source {
        let d = c.best_delimiter(|cells| map(cells).iter().flatten().count());
        source = source.with_delimiter(d);
    }
    let required = [Col::Id.index(), Col::Supplier.index(), Col::Share.index()];
    let mut search = header::HeaderSearch::new(&names, &required);
    // A register of rank orders only may have Rang and no Andel column.
    let required_rank = [Col::Id.index(), Col::Supplier.index(), Col::Rank.index()];
    let mut search_rank = header::HeaderSearch::new(&names, &required_rank);
    let mut header: Option<Vec<Option<usize>>> = None;
    let mut drafts: Vec<Draft> = Vec::new();
    let mut current: Option<usize> = None;
    let mut problems: Vec<Problem> = Vec::new();
    source.for_each_record(&mut |row, cells| {
        let Some(columns) = &header else {
            let texts: Vec<String> = cells.iter().map(Cell::text).collect();
            return match (search.look(&texts), search_rank.look(&texts)) {
                (header::Look::Header(found), _) | (_, header::Look::Header(found)) => {
                    header = Some(found);
                    true
                }
                (header::Look::GaveUp, _) => false,
                _ => true,
            };
        };
        if cells.iter().all(Cell::is_empty) {
            return true;
        }
        let cell = |col: Col| columns[col.index()].and_then(|i| cells.get(i));
        let get = |col: Col| -> Option<String> {
            let v = cell(col)?.text();
            (!v.is_empty()).then_some(v)
        };
        let percent_cell = |col: Col| {
            let i = columns[col.index()]?;
            percent_fraction(cells.get(i), formats.percent(row, i))
        };
        let percent = |col: Col| percent_cell(col).map(parse::number_text).or_else(|| get(col));
        // Where formats cannot be read (ods, xls), a warning level in
        // (0, 1] can only be a percent cell's fraction (85 % is 0,85).
        let warn_level = || {
            let i = columns[Col::WarnPct.index()];
            let fraction = i
                .and_then(|i| cells.get(i))
                .is_some_and(|c| matches!(c, Cell::Number(v) if !formats.known() && *v > 0.0 && *v <= 1.0));
            match i.and_then(|i| percent_fraction(cells.get(i), fraction)) {
                Some(v) => Some(parse::number_text(v)),
                None => percent(Col::WarnPct),
            }
        };
        // Dates may be real date cells: render them as ISO text.
        let date = |col: Col| -> Option<String> {
            match cell(col).and_then(table::cell_date) {
                Some(d) => Some(d.format("%Y-%m-%d").to_string()),
                None => get(col),
            }
        };
        let index = match get(Col::Id) {
            Some(id) => {
                let found = drafts.iter().position(|d| d.id.trim().eq_ignore_ascii_case(id.trim()));
                match found {
                    Some(p) => p,
                    None => {
                        drafts.push(Draft {
                            origin: Origin::Rows { first: row, last: row },
                            id,
                            ..Draft::default()
                        });
                        drafts.len() - 1
                    }
                }
            }
            None => match current {
                Some(p) => p,
                None => {
                    problems.push(Problem {
                        agreement: None,
                        origin: Origin::Rows { first: row, last: row },
                        message: Text::new(
                            "raden saknar avtals-id och står inte under något avtal – fyll i kolumnen Avtal",
                            "the row has no agreement id and stands below no agreement – fill in the id column",
                        ),
                    });
                    return true;
                }
            },
        };
        current = Some(index);
        let Some(draft) = drafts.get_mut(index) else {
            return true;
        };
        draft.origin.extend_to(row);
        // Agreement fields may be repeated on every row or given once.
        fill(&mut draft.name, get(Col::Name));
        fill(&mut draft.valid_from, date(Col::ValidFrom));
        fill(&mut draft.valid_to, date(Col::ValidTo));
        fill(&mut draft.basis, get(Col::Basis));
        fill(&mut draft.tolerance_pp, percent(Col::Tolerance));
        fill(&mut draft.ceiling_sek, get(Col::Ceiling));
        fill(&mut draft.estimated_sek, get(Col::Estimated));
        fill(&mut draft.ceiling_warn_pct, warn_level());
        fill(&mut draft.shared_ceiling, get(Col::Shared));
        model::fill_model(draft, get(Col::Model), get(Col::Fku));
        if draft.accounts.is_none() {
            draft.accounts = get(Col::Accounts).map(|a| split_list(&a));
        }
        let supplier = DraftSupplier {
            name: get(Col::Supplier).unwrap_or_default(),
            org_nr: get(Col::OrgNr),
            share: percent(Col::Share),
            aliases: get(Col::Aliases).map(|a| split_list(&a)).unwrap_or_default(),
            // Converted by its format already, or a plain number.
            share_number: match cell(Col::Share) {
                Some(Cell::Number(v)) if percent_cell(Col::Share).is_none() => Some(*v),
                _ => None,
            },
            rank: get(Col::Rank),
            share_formula: columns[Col::Share.index()]
                .and_then(|i| formats.formula(row, i))
                .filter(|_| get(Col::Share).is_none())
                .map(str::to_string),
        };
        // A row with only agreement fields adds no supplier.
        let empty = supplier.name.is_empty() && supplier.org_nr.is_none() && supplier.share.is_none();
        if !(empty && supplier.rank.is_none()) {
            draft.suppliers.push(supplier);
        }
        true
    })?;
    if header.is_none() {
        return Err(Error::ConfigFile {
            path: path.to_path_buf(),
            message: Text::new(
                format!(
                    "hittar ingen rubrikrad med kolumnerna Avtal, Leverantör och Andel bland de 50 första raderna (avtalsregistrets kolumner: {}); första raden: {}. Skapa en mall med `avropskoll init`.",
                    COLS.iter().map(|c| c.names().get(1).copied().unwrap_or("")).collect::<Vec<_>>().join(", "),
                    search.first_texts.iter().take(40).map(|t| crate::lang::shown(t, 80)).collect::<Vec<_>>().join(" | ")
                ),
                format!(
                    "no header row with the columns id, supplier and share among the first 50 records (register columns: {}); first row found: {}. `avropskoll init` writes a template.",
                    COLS.iter().map(|c| c.names()[0]).collect::<Vec<_>>().join(", "),
                    search.first_texts.iter().take(40).map(|t| crate::lang::shown(t, 80)).collect::<Vec<_>>().join(" | ")
                ),
            ),
        });
    }
    if !problems.is_empty() {
        return Err(Error::Register {
            path: path.to_path_buf(),
            problems,
        });
    }
    for d in &mut drafts {
        percent_cells_to_percent(d);
    }
    let orphans = model::attach_sheet_deviations(path, &mut drafts)?;
    if !orphans.is_empty() {
        // Reported with every other problem of the register.
        let mut problems = orphans;
        if let Err(more) = check(drafts) {
            problems.extend(more);
        }
        return Err(Error::Register {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(drafts)
}

/// A percentage cell's value in percent when it holds a fraction (a cell in
/// a percent number format: `0,85` shown as `85 %` is 85).
fn percent_fraction(cell: Option<&Cell>, fraction: bool) -> Option<f64> {
    match cell {
        Some(Cell::Number(v)) if fraction => Some((v * 100.0 * 1e9).round() / 1e9),
        _ => None,
    }
}

/// Shares in percent-formatted cells whose format could not be read (ods,
/// xls) arrive as fractions (`0,5` shown as `50 %`): when every share of
/// an agreement is a numeric cell in (0, 1], they are taken as fractions
/// and multiplied by 100 (shares that small can never sum to 100, so a
/// key like `0,5/0,3/0,19` is reported as summing to 99 %).
fn percent_cells_to_percent(d: &mut Draft) {
    let numbers: Option<Vec<f64>> = d.suppliers.iter().map(|s| s.share_number).collect();
    let Some(numbers) = numbers else {
        return;
    };
    if numbers.is_empty() || numbers.iter().any(|v| !(*v > 0.0 && *v <= 1.0)) {
        return;
    }
    for s in &mut d.suppliers {
        if let Some(v) = s.share_number {
            s.share = Some(parse::number_text((v * 100.0 * 1e9).round() / 1e9));
        }
    }
}

fn fill(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// A number as written in a register cell: `50`, `33,33`, `33.33`, `50 %`.
pub fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = t.strip_suffix('%').unwrap_or(t);
    parse::parse_amount(t).map(|a| a.to_f64())
}

/// A yes/no cell: `ja`/`nej`/`true`/`false`/`x`/empty.
pub fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "ja" | "j" | "true" | "x" | "yes" | "sant" | "1" => Some(true),
        "nej" | "n" | "false" | "" | "no" | "falskt" | "0" => Some(false),
        _ => None,
    }
}

/// A number with `decimals` decimals in the language's form (`99,00`).
pub fn format_number(value: f64, decimals: usize, lang: Lang) -> String {
    let s = parse::format_float(value, decimals);
    lang.pick(s.replace('.', ","), s)
}

/// A number as a person would type it: at most two decimals, no trailing
/// zeros (`99`, `33,33`).
pub fn plain_number(value: f64, lang: Lang) -> String {
    let s = format_number(value, 2, lang);
    let sep = lang.pick(',', '.');
    if s.contains(sep) {
        s.trim_end_matches('0').trim_end_matches(sep).to_string()
    } else {
        s
    }
}

/// Checks drafts against every rule of the register; returns all problems.
pub fn check(drafts: Vec<Draft>) -> std::result::Result<Register, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut agreements = Vec::new();
    let mut seen_ids = HashSet::new();
    let t = |sv: String, en: String| Text::new(sv, en);
    for d in drafts {
        let id = d.id.trim().to_string();
        let origin = d.origin.clone();
        let agreement = Some(id.clone()).filter(|i| !i.is_empty());
        let mut p = |message: Text| {
            problems.push(Problem {
                agreement: agreement.clone(),
                origin: origin.clone(),
                message,
            })
        };
        if id.is_empty() {
            p(t("saknar avtals-id".into(), "has no id".into()));
        } else if !seen_ids.insert(id.to_lowercase()) {
            p(t(
                "avtals-id:t används av ett annat avtal också – ge varje avtal ett eget id".into(),
                "the id is used by another agreement too".into(),
            ));
        }
        let name = d.name.clone().map(|n| n.trim().to_string()).unwrap_or_default();
        if name.is_empty() {
            p(t(
                "saknar benämning – fyll i avtalets namn (Benämning)".into(),
                "has no name".into(),
            ));
        }
        let mut date = |field: (&str, &str), value: &Option<String>| -> Option<NaiveDate> {
            let (sv, en) = field;
            match value {
                None => {
                    p(t(
                        format!("{sv} saknas – skriv datumet som ÅÅÅÅ-MM-DD"),
                        format!("{en} is missing"),
                    ));
                    None
                }
                Some(v) => match parse::parse_date(v) {
                    None => {
                        p(t(
                            format!("{sv} '{v}' är inte ett datum – skriv ÅÅÅÅ-MM-DD"),
                            format!("{en} '{v}' is not a date (YYYY-MM-DD)"),
                        ));
                        None
                    }
                    Some(d) if !(1900..=9999).contains(&d.year()) => {
                        p(t(
                            format!("{sv} {d}: året måste ligga mellan 1900 och 9999 – rätta årtalet"),
                            format!("{en} {d}: the year must be between 1900 and 9999"),
                        ));
                        None
                    }
                    Some(d) => Some(d),
                },
            }
        };
        let valid_from = date(("giltigt från", "valid_from"), &d.valid_from);
        let valid_to = date(("giltigt till", "valid_to"), &d.valid_to);
        if let (Some(f), Some(to)) = (valid_from, valid_to) {
            if f > to {
                p(t(
                    format!("giltigt från {f} är efter giltigt till {to} – byt plats på datumen"),
                    format!("valid_from {f} is after valid_to {to}"),
                ));
            }
        }
        let basis = match d.basis.as_deref().map(Basis::parse) {
            None => Basis::Amount,
            Some(Some(b)) => b,
            Some(None) => {
                let other = d.basis.as_deref().unwrap_or("").trim();
                p(t(
                    format!("grunden '{other}' är varken belopp eller antal – skriv belopp eller antal"),
                    format!("basis '{other}' is neither 'amount' nor 'count'"),
                ));
                Basis::Amount
            }
        };
        let tolerance_pp = match &d.tolerance_pp {
            None => None,
            Some(tol) => match number(tol) {
                Some(v) if v >= 0.0 => Some(v),
                _ => {
                    p(t(
                        format!("toleransen '{tol}' är inte ett tal ≥ 0 (procentenheter)"),
                        format!("tolerance_pp '{tol}' is not a number of percentage points ≥ 0"),
                    ));
                    None
                }
            },
        };
        let ceiling = match d.ceiling_sek.as_deref() {
            None => None,
            Some(c) => match parse::parse_amount(c) {
                Some(a) if a.0 > 0 => Some(a.0),
                _ => {
                    p(t(
                        format!("takvolymen '{c}' är inte ett belopp över noll – skriv avtalets högsta värde i kronor"),
                        format!("ceiling_sek '{c}' is not an amount above zero"),
                    ));
                    None
                }
            },
        };
        let estimated = match d.estimated_sek.as_deref() {
            None => None,
            Some(e) => match parse::parse_amount(e) {
                Some(a) if a.0 >= 0 => Some(a.0),
                _ => {
                    p(t(
                        format!("uppskattat värde '{e}' är inte ett belopp på noll eller mer"),
                        format!("estimated_sek '{e}' is not an amount of zero or more"),
                    ));
                    None
                }
            },
        };
        let warn_pct = match d.ceiling_warn_pct.as_deref() {
            None => DEFAULT_WARN_PCT,
            Some(w) => match number(w) {
                Some(v) if v > 0.0 && v <= 100.0 => v,
                _ => {
                    p(t(
                        format!("varningsnivån '{w}' ligger inte i (0, 100] procent"),
                        format!("ceiling_warn_pct '{w}' is not in (0, 100]"),
                    ));
                    DEFAULT_WARN_PCT
                }
            },
        };
        let shared = match d.shared_ceiling.as_deref() {
            None => false,
            Some(x) => yes_no(x).unwrap_or_else(|| {
                p(t(
                    format!("delad takvolym '{x}' – skriv ja eller nej"),
                    format!("shared_ceiling '{x}' is neither true nor false"),
                ));
                false
            }),
        };
        let checked = model::check_model(&d, &mut p);
        if d.suppliers.is_empty() {
            p(t("har inga leverantörer".into(), "has no suppliers".into()));
        }
        let mut ranks = Vec::new();
        let mut suppliers = Vec::new();
        let mut names = HashSet::new();
        let mut orgs = HashSet::new();
        let mut sum = 0.0;
        for s in &d.suppliers {
            let sname = s.name.trim().to_string();
            let (who_sv, who_en) = if sname.is_empty() {
                (
                    "en leverantör utan namn".to_string(),
                    "a supplier without a name".to_string(),
                )
            } else {
                (format!("leverantören '{sname}'"), format!("supplier '{sname}'"))
            };
            if sname.is_empty() {
                p(t(
                    format!("{who_sv}: namnet saknas – fyll i kolumnen Leverantör"),
                    format!("{who_en}: name is missing"),
                ));
            }
            let org_nr = match s.org_nr.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(o) => {
                    let parsed = OrgNr::parse(o);
                    if parsed.is_none() {
                        p(t(
                            format!("{who_sv}: organisationsnumret '{o}' stämmer inte (10 siffror, den sista en kontrollsiffra) – kontrollera numret eller lämna cellen tom"),
                            format!("{who_en}: org_nr '{o}' is not a valid organisation number (10 digits, last one a Luhn check digit)"),
                        ));
                    }
                    parsed
                }
            };
            ranks.push(model::check_supplier_rank(checked.model, s, (&who_sv, &who_en), &mut p));
            let share = match s.share.as_deref() {
                Some(text) if checked.model == Model::Rank => {
                    p(t(
                        format!("{who_sv}: har andelen {text} men avtalet har rangordning – ta bort andelen, eller skriv nyckel som avropsmodell"),
                        format!("{who_en}: has share {text} but the agreement is a rank order – remove the share, or set model = \"key\""),
                    ));
                    0.0
                }
                None if checked.model == Model::Rank => 0.0,
                None if s.share_formula.is_some() => {
                    let f = crate::lang::quote(s.share_formula.as_deref().unwrap_or(""));
                    p(t(
                        format!("{who_sv}: andelens formel {f} saknar sparat värde – öppna och spara filen i Excel"),
                        format!(
                            "{who_en}: the share's formula {f} has no saved value – open and save the file in Excel"
                        ),
                    ));
                    0.0
                }
                None => {
                    p(t(
                        format!("{who_sv}: andelen saknas – fyll i kolumnen Andel"),
                        format!("{who_en}: share is missing"),
                    ));
                    0.0
                }
                Some(text) => match number(text) {
                    Some(v) if v > 0.0 && v <= 100.0 => v,
                    Some(v) => {
                        p(t(
                            format!(
                                "{who_sv}: andelen {} % ligger inte mellan 0 och 100",
                                format_number(v, 2, Lang::Sv)
                            ),
                            format!("{who_en}: share {v} is not in (0, 100]"),
                        ));
                        v
                    }
                    None => {
                        p(t(
                            format!("{who_sv}: andelen '{text}' är inte ett tal"),
                            format!("{who_en}: share '{text}' is not a number"),
                        ));
                        0.0
                    }
                },
            };
            sum += share;
            let norm = parse::normalize_supplier(&sname);
            let twice = (!norm.is_empty() && !names.insert(norm)) || org_nr.is_some_and(|o| !orgs.insert(o));
            if twice {
                p(t(
                    format!("{who_sv} står två gånger"),
                    format!("{who_en} appears twice"),
                ));
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
                rank: ranks.last().copied().flatten(),
            });
        }
        if checked.model == Model::Rank {
            model::check_ranks(&ranks, &mut p);
        }
        let deviations = model::check_deviations(&d.deviations, checked.model, &suppliers, &mut p);
        if checked.model == Model::Key && !d.suppliers.is_empty() && (sum - 100.0).abs() > 0.01 + 1e-9 {
            p(t(
                format!(
                    "andelarna summerar till {} %, inte 100 % – ändra andelarna så att summan blir 100",
                    plain_number(sum, Lang::Sv)
                ),
                format!("shares sum to {} %, not 100", plain_number(sum, Lang::En)),
            ));
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
                ceiling: ceiling.map(|ceiling| Ceiling {
                    ceiling,
                    estimated,
                    warn_pct,
                    shared,
                }),
                model: checked.model,
                fku_threshold: checked.fku_threshold,
                deviations,
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
        check(drafts_from_toml(text).expect("toml parses"))
            .expect_err("should be invalid")
            .iter()
            .map(|p| p.describe(Lang::En))
            .collect()
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
