//! The call-off model of an agreement (docs/rules.md, rules 13–14): a key
//! (`model = "key"`, the default) or a rank order (`model = "rank"`, each
//! supplier with a `rank`), an optional threshold for renewed competition
//! (`fku_threshold_sek`) and a rank agreement's documented deviations
//! (`[[agreement.deviation]]`, or the *Avsteg* sheet of a spreadsheet
//! register). Read here and checked here; [`super::check`] calls in.

use super::{fill, Draft, Origin, Problem, Supplier};
use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::parse::{self, OrgNr};
use crate::read::header;
use crate::read::table::{self, Cell};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::Path;

/// How an agreement's call-offs are distributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Model {
    /// A percentage key (fördelningsnyckel), rules 7–10.
    #[default]
    Key,
    /// A rank order (rangordning), rule 13.
    Rank,
}

impl Model {
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Key => "key",
            Model::Rank => "rank",
        }
    }

    /// `key`/`nyckel`/`fördelningsnyckel`, `rank`/`rang`/`rangordning`,
    /// any case; empty is `key`.
    pub fn parse(text: &str) -> Option<Model> {
        match text.trim().to_lowercase().as_str() {
            "" | "key" | "nyckel" | "fördelningsnyckel" => Some(Model::Key),
            "rank" | "rang" | "rangordning" => Some(Model::Rank),
            _ => None,
        }
    }

    /// The model's name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Model::Key, Lang::Sv) => "fördelningsnyckel",
            (Model::Key, Lang::En) => "distribution key",
            (Model::Rank, Lang::Sv) => "rangordning",
            (Model::Rank, Lang::En) => "rank order",
        }
    }
}

/// A documented deviation from a rank order (avsteg), rule 13.
#[derive(Debug, Clone, PartialEq)]
pub struct Deviation {
    /// Index into the agreement's suppliers (never its rank-1 supplier).
    pub supplier: usize,
    /// Only this unit's call-offs: the unit trimmed, in lower case.
    pub unit: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub reason: String,
    pub reference: Option<String>,
}

impl Deviation {
    /// True when the deviation covers a row of its supplier on `date` booked
    /// by `unit` (trimmed, any case; a row without a unit matches only a
    /// deviation without one).
    pub fn covers(&self, date: NaiveDate, unit: &str) -> bool {
        self.from.is_none_or(|f| f <= date)
            && self.to.is_none_or(|t| date <= t)
            && self
                .unit
                .as_deref()
                .is_none_or(|u| !unit.trim().is_empty() && unit.trim().to_lowercase() == u)
    }
}

/// A deviation as written.
#[derive(Debug, Default, Clone)]
pub struct DraftDeviation {
    /// The sheet row (spreadsheet) or the n-th `[[agreement.deviation]]`.
    pub place: DeviationPlace,
    pub supplier: String,
    pub unit: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub reference: Option<String>,
}

/// Where a deviation was written, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviationPlace {
    Toml(usize),
    Sheet { sheet: String, row: usize },
}

impl Default for DeviationPlace {
    fn default() -> Self {
        DeviationPlace::Toml(0)
    }
}

impl DeviationPlace {
    fn describe(&self, lang: Lang) -> String {
        match self {
            DeviationPlace::Toml(n) => lang.pick(
                format!("avsteg nr {n} ([[agreement.deviation]])"),
                format!("deviation number {n} ([[agreement.deviation]])"),
            ),
            DeviationPlace::Sheet { sheet, row } => lang.pick(
                format!("bladet {sheet}, rad {row}"),
                format!("sheet {sheet}, row {row}"),
            ),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TomlDeviation {
    supplier: String,
    unit: Option<String>,
    from: Option<toml::Value>,
    to: Option<toml::Value>,
    reason: Option<String>,
    reference: Option<toml::Value>,
}

impl TomlDeviation {
    pub(super) fn draft(self, n: usize) -> DraftDeviation {
        DraftDeviation {
            place: DeviationPlace::Toml(n),
            supplier: self.supplier,
            unit: self.unit,
            from: self.from.as_ref().map(super::toml_file::toml_text),
            to: self.to.as_ref().map(super::toml_file::toml_text),
            reason: self.reason,
            reference: self.reference.as_ref().map(super::toml_file::toml_text),
        }
    }
}

/// The model fields of an agreement as checked.
pub(super) struct Checked {
    pub model: Model,
    pub fku_threshold: Option<i64>,
}

/// Checks `model` and `fku_threshold_sek`.
pub(super) fn check_model(d: &Draft, p: &mut dyn FnMut(Text)) -> Checked {
    let model = match d.model.as_deref().map(Model::parse) {
        None => Model::Key,
        Some(Some(m)) => m,
        Some(None) => {
            let other = d.model.as_deref().unwrap_or("").trim();
            p(Text::new(
                format!(
                    "avropsmodellen '{other}' är varken fördelningsnyckel eller rangordning – skriv nyckel eller rang"
                ),
                format!("model '{other}' is neither 'key' nor 'rank'"),
            ));
            Model::Key
        }
    };
    let fku_threshold = match d.fku_threshold_sek.as_deref() {
        None => None,
        Some(c) => match parse::parse_amount(c.trim().trim_end_matches("kr").trim()) {
            Some(a) if a.0 > 0 => Some(a.0),
            _ => {
                p(Text::new(
                    format!("FKU-gränsen '{c}' är inte ett belopp över noll – skriv gränsen för förnyad konkurrensutsättning i kronor, eller lämna tomt"),
                    format!("fku_threshold_sek '{c}' is not an amount above zero"),
                ));
                None
            }
        },
    };
    Checked { model, fku_threshold }
}

/// A rank cell: a whole number from 1 (`1`, `1.0`).
fn rank_number(text: &str) -> Option<u32> {
    let v: f64 = text.trim().replace(',', ".").parse().ok()?;
    (v >= 1.0 && v.fract() == 0.0 && v <= u32::MAX as f64).then_some(v as u32)
}

/// A supplier's share or rank by the agreement's model: the share (0 for a
/// rank agreement) is checked by the caller; here the rank and whatever
/// does not belong to the model.
pub(super) fn check_supplier_rank(
    model: Model,
    s: &super::DraftSupplier,
    who: (&str, &str),
    p: &mut dyn FnMut(Text),
) -> Option<u32> {
    let (who_sv, who_en) = who;
    match (model, s.rank.as_deref()) {
        (Model::Key, None) => None,
        (Model::Key, Some(r)) => {
            p(Text::new(
                format!("{who_sv}: har rang {r} men avtalet har fördelningsnyckel – ta bort rangen, eller skriv rang som avropsmodell och ta bort andelarna"),
                format!("{who_en}: has rank {r} but the agreement has a key – remove the rank, or set model = \"rank\" and remove the shares"),
            ));
            None
        }
        (Model::Rank, None) => {
            p(Text::new(
                format!("{who_sv}: rangen saknas – fyll i kolumnen Rang (1, 2, 3 …)"),
                format!("{who_en}: rank is missing"),
            ));
            None
        }
        (Model::Rank, Some(r)) => {
            let n = rank_number(r);
            if n.is_none() {
                p(Text::new(
                    format!("{who_sv}: rangen '{r}' är inte ett heltal från 1"),
                    format!("{who_en}: rank '{r}' is not a whole number from 1"),
                ));
            }
            n
        }
    }
}

/// A rank agreement's ranks must be exactly 1, 2, …, n, one each.
pub(super) fn check_ranks(ranks: &[Option<u32>], p: &mut dyn FnMut(Text)) {
    if ranks.iter().any(Option::is_none) {
        return; // already reported per supplier
    }
    let mut sorted: Vec<u32> = ranks.iter().flatten().copied().collect();
    sorted.sort_unstable();
    if sorted.iter().enumerate().any(|(i, r)| *r as usize != i + 1) {
        let list = sorted.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let n = sorted.len();
        p(Text::new(
            format!("rangerna är {list} – en rangordning med {n} leverantörer har rang 1 till {n}, en var"),
            format!("the ranks are {list} – a rank order of {n} suppliers has ranks 1 to {n}, one each"),
        ));
    }
}

/// The supplier a deviation names: its name, an alias or its org nr.
fn find_supplier(suppliers: &[Supplier], text: &str) -> Option<usize> {
    let org = OrgNr::parse(text);
    let norm = parse::normalize_supplier(text);
    suppliers.iter().position(|s| {
        (org.is_some() && s.org_nr == org)
            || (!norm.is_empty()
                && (parse::normalize_supplier(&s.name) == norm
                    || s.aliases.iter().any(|a| parse::normalize_supplier(a) == norm)))
    })
}

/// A deviation's optional date; a problem when it cannot be read.
fn deviation_date(label: (&str, &str), v: &Option<String>, q: &mut dyn FnMut(String, String)) -> Option<NaiveDate> {
    let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    let parsed = parse::parse_date(v);
    if parsed.is_none() {
        q(
            format!(
                "{} '{v}' är inte ett datum – skriv ÅÅÅÅ-MM-DD eller lämna tomt",
                label.0
            ),
            format!("{} '{v}' is not a date (YYYY-MM-DD)", label.1),
        );
    }
    parsed
}

/// Checks an agreement's deviations against its model and suppliers.
pub(super) fn check_deviations(
    drafts: &[DraftDeviation],
    model: Model,
    suppliers: &[Supplier],
    p: &mut dyn FnMut(Text),
) -> Vec<Deviation> {
    let mut out = Vec::new();
    for d in drafts {
        let (at_sv, at_en) = (d.place.describe(Lang::Sv), d.place.describe(Lang::En));
        let mut q = |sv: String, en: String| p(Text::new(format!("{at_sv}: {sv}"), format!("{at_en}: {en}")));
        if model == Model::Key {
            q(
                "avsteg hör till en rangordning, men avtalet har fördelningsnyckel – ta bort avsteget eller ändra avropsmodellen till rang".into(),
                "a deviation belongs to a rank order, but the agreement has a key – remove it or set model = \"rank\"".into(),
            );
            continue;
        }
        let name = d.supplier.trim();
        let supplier = find_supplier(suppliers, name);
        match supplier {
            None => q(
                format!("leverantören '{name}' finns inte i avtalet – skriv leverantörens namn, alias eller org.nr som i registret"),
                format!("supplier '{name}' is not a supplier of the agreement – write its name, alias or org nr as in the register"),
            ),
            Some(i) if suppliers.get(i).and_then(|s| s.rank) == Some(1) => q(
                format!("leverantören '{name}' har rang 1 – ett avsteg gäller en leverantör med lägre rang"),
                format!("supplier '{name}' has rank 1 – a deviation is for a supplier of a lower rank"),
            ),
            Some(_) => {}
        }
        let reason = d.reason.as_deref().map(str::trim).unwrap_or("").to_string();
        if reason.is_empty() {
            q(
                "skälet saknas – skriv varför rang 1 inte anlitades (t.ex. kunde inte leverera i tid)".into(),
                "reason is empty – write why rank 1 was not called".into(),
            );
        }
        let from = deviation_date(("från", "from"), &d.from, &mut q);
        let to = deviation_date(("till", "to"), &d.to, &mut q);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                q(
                    format!("från {f} är efter till {t} – byt plats på datumen"),
                    format!("from {f} is after to {t}"),
                );
            }
        }
        if let Some(supplier) = supplier {
            out.push(Deviation {
                supplier,
                unit: d
                    .unit
                    .as_deref()
                    .map(|u| u.trim().to_lowercase())
                    .filter(|u| !u.is_empty()),
                from,
                to,
                reason,
                reference: d
                    .reference
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(String::from),
            });
        }
    }
    out
}

/// The deviation sheet's columns.
#[derive(Clone, Copy)]
enum DevCol {
    Agreement,
    Supplier,
    Unit,
    From,
    To,
    Reason,
    Reference,
}

const DEV_COLS: [DevCol; 7] = [
    DevCol::Agreement,
    DevCol::Supplier,
    DevCol::Unit,
    DevCol::From,
    DevCol::To,
    DevCol::Reason,
    DevCol::Reference,
];

impl DevCol {
    fn names(self) -> &'static [&'static str] {
        match self {
            DevCol::Agreement => &["Avtal", "agreement", "id", "Avtals-id"],
            DevCol::Supplier => &["Leverantör", "supplier"],
            DevCol::Unit => &["Ansvar", "Enhet", "unit"],
            DevCol::From => &["Från", "from"],
            DevCol::To => &["Till", "to"],
            DevCol::Reason => &["Skäl", "reason"],
            DevCol::Reference => &["Diarienummer", "Referens", "reference"],
        }
    }
}

/// The sheets that hold deviations.
pub(crate) const DEVIATION_SHEETS: [&str; 2] = ["Avsteg", "Deviations"];

/// Reads the *Avsteg* sheet of a spreadsheet register (none: no
/// deviations) and attaches each row to its agreement's draft; a row naming
/// an agreement not in the register is a problem.
pub(super) fn attach_sheet_deviations(path: &Path, drafts: &mut [Draft]) -> Result<Vec<Problem>> {
    if table::reads_as_csv(path) {
        return Ok(Vec::new());
    }
    let sheets = table::list_sheets(path);
    let Some(sheet) = sheets
        .iter()
        .find(|s| DEVIATION_SHEETS.iter().any(|d| s.trim().eq_ignore_ascii_case(d)))
    else {
        return Ok(Vec::new());
    };
    let mut source = table::open(path, Some(sheet), table::Limits::default()).map_err(|e| match e {
        Error::Export { path, message } => Error::ConfigFile { path, message },
        other => other,
    })?;
    let names: Vec<Vec<String>> = DEV_COLS.iter().map(|c| header::folded(c.names())).collect();
    let required = [0usize, 1, 5];
    let mut search = header::HeaderSearch::new(&names, &required);
    let mut columns: Option<Vec<Option<usize>>> = None;
    let mut problems = Vec::new();
    source.for_each_record(&mut |row, cells| {
        let Some(cols) = &columns else {
            let texts: Vec<String> = cells.iter().map(Cell::text).collect();
            return match search.look(&texts) {
                header::Look::Header(found) => {
                    columns = Some(found);
                    true
                }
                header::Look::NotYet(_) => true,
                header::Look::GaveUp => false,
            };
        };
        if cells.iter().all(Cell::is_empty) {
            return true;
        }
        let cell = |c: DevCol| cols.get(c as usize).copied().flatten().and_then(|i| cells.get(i));
        let get = |c: DevCol| cell(c).map(Cell::text).filter(|t| !t.is_empty());
        let date = |c: DevCol| match cell(c).and_then(table::cell_date) {
            Some(d) => Some(d.format("%Y-%m-%d").to_string()),
            None => get(c),
        };
        let id = get(DevCol::Agreement).unwrap_or_default();
        let draft = DraftDeviation {
            place: DeviationPlace::Sheet {
                sheet: sheet.clone(),
                row,
            },
            supplier: get(DevCol::Supplier).unwrap_or_default(),
            unit: get(DevCol::Unit),
            from: date(DevCol::From),
            to: date(DevCol::To),
            reason: get(DevCol::Reason),
            reference: get(DevCol::Reference),
        };
        match drafts.iter_mut().find(|d| d.id.trim().eq_ignore_ascii_case(id.trim())) {
            Some(d) if !id.trim().is_empty() => d.deviations.push(draft),
            _ => problems.push(Problem {
                agreement: None,
                origin: Origin::Sheet {
                    sheet: sheet.clone(),
                    row,
                },
                message: Text::new(
                    format!("avtalet '{id}' finns inte i registret – skriv avtalets id som på registrets första blad"),
                    format!("agreement '{id}' is not in the register – write the id as on the register's first sheet"),
                ),
            }),
        }
        true
    })?;
    if columns.is_none() {
        problems.push(no_header(sheet));
    }
    Ok(problems)
}

fn no_header(sheet: &str) -> Problem {
    Problem {
        agreement: None,
        origin: Origin::Sheet {
            sheet: sheet.to_string(),
            row: 1,
        },
        message: Text::new(
            "hittar ingen rubrikrad med kolumnerna Avtal, Leverantör och Skäl bland de 50 första raderna – skapa en mall med `avropskoll init`",
            "no header row with the columns Avtal, Leverantör and Skäl among the first 50 records – `avropskoll init` writes a template",
        ),
    }
}

/// Fills the model fields of a spreadsheet row into its draft.
pub(super) fn fill_model(draft: &mut Draft, model: Option<String>, fku: Option<String>) {
    fill(&mut draft.model, model);
    fill(&mut draft.fku_threshold_sek, fku);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_and_ranks_parse() {
        assert_eq!(Model::parse("Rangordning"), Some(Model::Rank));
        assert_eq!(Model::parse(" nyckel "), Some(Model::Key));
        assert_eq!(Model::parse(""), Some(Model::Key));
        assert_eq!(Model::parse("lottning"), None);
        assert_eq!(rank_number("2"), Some(2));
        assert_eq!(rank_number("1.0"), Some(1));
        assert_eq!(rank_number("0"), None);
        assert_eq!(rank_number("1,5"), None);
    }

    #[test]
    fn a_deviation_covers_its_dates_and_unit() {
        let d = Deviation {
            supplier: 1,
            unit: Some("sektion öster".into()),
            from: NaiveDate::from_ymd_opt(2024, 3, 1),
            to: NaiveDate::from_ymd_opt(2024, 5, 31),
            reason: "x".into(),
            reference: None,
        };
        let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap_or_default();
        assert!(d.covers(day(3, 1), "Sektion Öster"));
        assert!(d.covers(day(5, 31), " SEKTION ÖSTER "));
        assert!(!d.covers(day(6, 1), "Sektion Öster"));
        assert!(!d.covers(day(2, 29), "Sektion Öster"));
        assert!(!d.covers(day(4, 1), "Sektion Väster"));
        assert!(!d.covers(day(4, 1), ""));
        let open = Deviation {
            unit: None,
            from: None,
            to: None,
            ..d
        };
        assert!(open.covers(day(1, 1), ""));
    }
}
