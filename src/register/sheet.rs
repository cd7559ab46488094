//! The register as a spreadsheet (xlsx, xls, ods, csv) as Excel users
//! write it: one row per agreement supplier, the agreement's fields given
//! once or on every row, headers in Swedish or English.

use super::{fill, model, Draft, DraftSupplier, Origin, Problem};
use crate::error::{Error, Result};
use crate::lang::Text;
use crate::parse;
use crate::read::formats::SheetFormats;
use crate::read::header;
use crate::read::table::{self, Cell};
use std::path::Path;

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

/// Reads a spreadsheet register (one row per agreement supplier) into
/// drafts; a row without an id belongs to the agreement above it.
pub(super) fn drafts_from_table(path: &Path) -> Result<Vec<Draft>> {
    let mut source = table::open(path, None, table::Limits::default()).map_err(|e| match e {
        Error::Export { path, message } => Error::ConfigFile { path, message },
        other => other,
    })?;
    let names: Vec<Vec<String>> = COLS.iter().map(|c| header::folded(c.names())).collect();
    let formats = crate::read::formats::SheetFormats::read(path, source.sheet());
    if let table::Source::Csv(c) = &source {
        let d = c.best_delimiter(|cells| {
            let texts: Vec<String> = cells.iter().map(Cell::text).collect();
            header::map_columns(&names, &texts).iter().flatten().count()
        });
        source = source.with_delimiter(d);
    }
    let required = [Col::Id.index(), Col::Supplier.index(), Col::Share.index()];
    // A register of rank orders only may have Rang and no Andel column.
    let required_rank = [Col::Id.index(), Col::Supplier.index(), Col::Rank.index()];
    let mut reader = Reader {
        search: header::HeaderSearch::new(&names, &required),
        search_rank: header::HeaderSearch::new(&names, &required_rank),
        header: None,
        drafts: Vec::new(),
        current: None,
        problems: Vec::new(),
    };
    source.for_each_record(&mut |row, cells| reader.record(row, cells, &formats))?;
    reader.finish(path)
}

/// The reader's state as the records go by.
struct Reader<'n> {
    search: header::HeaderSearch<'n>,
    search_rank: header::HeaderSearch<'n>,
    /// Per column (`Col` order), its index in the records, once found.
    header: Option<Vec<Option<usize>>>,
    drafts: Vec<Draft>,
    /// The draft the last row belonged to.
    current: Option<usize>,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    /// One record: the header looked for, else a row added to its draft.
    /// False stops reading (no header among the first records).
    fn record(&mut self, row: usize, cells: &[Cell], formats: &SheetFormats) -> bool {
        let Some(columns) = &self.header else {
            let texts: Vec<String> = cells.iter().map(Cell::text).collect();
            return match (self.search.look(&texts), self.search_rank.look(&texts)) {
                (header::Look::Header(found), _) | (_, header::Look::Header(found)) => {
                    self.header = Some(found);
                    true
                }
                (header::Look::GaveUp, _) => false,
                _ => true,
            };
        };
        if cells.iter().all(Cell::is_empty) {
            return true;
        }
        let columns = columns.clone();
        let cells = RowCells {
            row,
            cells,
            columns: &columns,
            formats,
        };
        let Some(index) = self.draft_of(&cells) else {
            return true;
        };
        self.current = Some(index);
        if let Some(draft) = self.drafts.get_mut(index) {
            fill_row(draft, &cells);
        }
        true
    }

    /// The draft a row belongs to: its id's (a new one for a new id), else
    /// the one above; `None` (a problem) for a row without either.
    fn draft_of(&mut self, cells: &RowCells) -> Option<usize> {
        let row = cells.row;
        let Some(id) = cells.get(Col::Id) else {
            if self.current.is_none() {
                self.problems.push(Problem {
                    agreement: None,
                    origin: Origin::Rows { first: row, last: row },
                    message: Text::new(
                        "raden saknar avtals-id och står inte under något avtal – fyll i kolumnen Avtal",
                        "the row has no agreement id and stands below no agreement – fill in the id column",
                    ),
                });
            }
            return self.current;
        };
        let found = (self.drafts.iter()).position(|d| d.id.trim().eq_ignore_ascii_case(id.trim()));
        Some(found.unwrap_or_else(|| {
            self.drafts.push(Draft {
                origin: Origin::Rows { first: row, last: row },
                id,
                ..Draft::default()
            });
            self.drafts.len() - 1
        }))
    }

    /// The drafts, or why the register cannot be used.
    fn finish(self, path: &Path) -> Result<Vec<Draft>> {
        if self.header.is_none() {
            return Err(no_header(path, &self.search.first_texts));
        }
        if !self.problems.is_empty() {
            return Err(Error::Register {
                path: path.to_path_buf(),
                problems: self.problems,
            });
        }
        let mut drafts = self.drafts;
        for d in &mut drafts {
            percent_cells_to_percent(d);
        }
        let orphans = model::attach_sheet_deviations(path, &mut drafts)?;
        if !orphans.is_empty() {
            // Reported with every other problem of the register.
            let mut problems = orphans;
            if let Err(more) = super::check(drafts) {
                problems.extend(more);
            }
            return Err(Error::Register {
                path: path.to_path_buf(),
                problems,
            });
        }
        Ok(drafts)
    }
}

/// No header row: the columns looked for and the first row found.
fn no_header(path: &Path, first_texts: &[String]) -> Error {
    let first = first_texts
        .iter()
        .take(40)
        .map(|t| crate::lang::shown(t, 80))
        .collect::<Vec<_>>()
        .join(" | ");
    let columns = |lang: usize| {
        (COLS.iter())
            .map(|c| c.names().get(lang).copied().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Error::ConfigFile {
        path: path.to_path_buf(),
        message: Text::new(
            format!(
                "hittar ingen rubrikrad med kolumnerna Avtal, Leverantör och Andel bland de 50 första raderna (avtalsregistrets kolumner: {}); första raden: {first}. Skapa en mall med `avropskoll init`.",
                columns(1)
            ),
            format!(
                "no header row with the columns id, supplier and share among the first 50 records (register columns: {}); first row found: {first}. `avropskoll init` writes a template.",
                columns(0)
            ),
        ),
    }
}

/// One record of the register with its columns found.
struct RowCells<'a> {
    row: usize,
    cells: &'a [Cell<'a>],
    columns: &'a [Option<usize>],
    formats: &'a SheetFormats,
}

impl<'a> RowCells<'a> {
    fn index(&self, col: Col) -> Option<usize> {
        self.columns.get(col.index()).copied().flatten()
    }

    fn cell(&self, col: Col) -> Option<&'a Cell<'a>> {
        self.index(col).and_then(|i| self.cells.get(i))
    }

    /// The cell's text, `None` when empty.
    fn get(&self, col: Col) -> Option<String> {
        let v = self.cell(col)?.text();
        (!v.is_empty()).then_some(v)
    }

    /// A cell in a percent format, in percent.
    fn percent_cell(&self, col: Col) -> Option<f64> {
        let i = self.index(col)?;
        percent_fraction(self.cells.get(i), self.formats.percent(self.row, i))
    }

    fn percent(&self, col: Col) -> Option<String> {
        self.percent_cell(col).map(parse::number_text).or_else(|| self.get(col))
    }

    /// Where formats cannot be read (ods, xls), a warning level in (0, 1]
    /// can only be a percent cell's fraction (85 % is 0,85).
    fn warn_level(&self) -> Option<String> {
        let known = self.formats.known();
        let fraction =
            (self.cell(Col::WarnPct)).is_some_and(|c| matches!(c, Cell::Number(v) if !known && *v > 0.0 && *v <= 1.0));
        match percent_fraction(self.cell(Col::WarnPct), fraction) {
            Some(v) => Some(parse::number_text(v)),
            None => self.percent(Col::WarnPct),
        }
    }

    /// Dates may be real date cells: rendered as ISO text.
    fn date(&self, col: Col) -> Option<String> {
        match self.cell(col).and_then(table::cell_date) {
            Some(d) => Some(d.format("%Y-%m-%d").to_string()),
            None => self.get(col),
        }
    }

    /// The row's supplier, as written.
    fn supplier(&self) -> DraftSupplier {
        DraftSupplier {
            name: self.get(Col::Supplier).unwrap_or_default(),
            org_nr: self.get(Col::OrgNr),
            share: self.percent(Col::Share),
            aliases: self.get(Col::Aliases).map(|a| split_list(&a)).unwrap_or_default(),
            // Converted by its format already, or a plain number.
            share_number: match self.cell(Col::Share) {
                Some(Cell::Number(v)) if self.percent_cell(Col::Share).is_none() => Some(*v),
                _ => None,
            },
            rank: self.get(Col::Rank),
            share_formula: (self.index(Col::Share))
                .and_then(|i| self.formats.formula(self.row, i))
                .filter(|_| self.get(Col::Share).is_none())
                .map(str::to_string),
        }
    }
}

/// A row's fields into its draft: agreement fields may be repeated on
/// every row or given once; a row with only agreement fields adds no
/// supplier.
fn fill_row(draft: &mut Draft, cells: &RowCells) {
    draft.origin.extend_to(cells.row);
    fill(&mut draft.name, cells.get(Col::Name));
    fill(&mut draft.valid_from, cells.date(Col::ValidFrom));
    fill(&mut draft.valid_to, cells.date(Col::ValidTo));
    fill(&mut draft.basis, cells.get(Col::Basis));
    fill(&mut draft.tolerance_pp, cells.percent(Col::Tolerance));
    fill(&mut draft.ceiling_sek, cells.get(Col::Ceiling));
    fill(&mut draft.estimated_sek, cells.get(Col::Estimated));
    fill(&mut draft.ceiling_warn_pct, cells.warn_level());
    fill(&mut draft.shared_ceiling, cells.get(Col::Shared));
    model::fill_model(draft, cells.get(Col::Model), cells.get(Col::Fku));
    if draft.accounts.is_none() {
        draft.accounts = cells.get(Col::Accounts).map(|a| split_list(&a));
    }
    let supplier = cells.supplier();
    let empty = supplier.name.is_empty() && supplier.org_nr.is_none() && supplier.share.is_none();
    if !(empty && supplier.rank.is_none()) {
        draft.suppliers.push(supplier);
    }
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
