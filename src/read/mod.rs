//! Reading exports: finding the files, finding the header row and mapping
//! its columns to fields, and turning every record into a row of the
//! columns in [`rows`] with its date and amount parsed by docs/rules.md.
//! CSV files are streamed in blocks and parsed in parallel chunks
//! ([`chunks`]). Nothing is matched here; a row that cannot be read is kept
//! as rejected (or a totals row) with its reason.

mod buyers;
pub(crate) mod chunks;
pub(crate) mod contents;
pub mod discover;
pub mod formats;
pub(crate) mod header;
mod lines;
pub(crate) mod orderers;
mod packed;
mod recall;
pub(crate) mod rows;
pub(crate) mod strings;
pub(crate) mod suggest;
pub mod table;
pub(crate) mod unit_names;

use crate::error::{Error, Result};
use crate::error::{FileProblem, Warning};
use crate::lang::{Lang, Text};
use crate::parse::{self, Amount};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use table::{Cell, CsvRecords, Source};

/// The fields an export row is mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Date,
    Supplier,
    OrgNr,
    Amount,
    Agreement,
    Unit,
    Orderer,
    Account,
    Id,
    Currency,
    /// The order, purchase order or project a call-off was made under (rule 14).
    Order,
}

/// The number of mapped fields.
pub const N_FIELDS: usize = 11;

pub const FIELDS: [Field; N_FIELDS] = [
    Field::Date,
    Field::Supplier,
    Field::OrgNr,
    Field::Amount,
    Field::Agreement,
    Field::Unit,
    Field::Orderer,
    Field::Account,
    Field::Id,
    Field::Currency,
    Field::Order,
];

/// The interned text fields, in the order of [`Row::text`]. The invoice
/// id is not interned (it is unique per row: a hash table of ten million
/// ids is bound by memory latency); it is packed per row (see [`rows::IdRef`]).
pub const TEXT_FIELDS: [Field; 7] = [
    Field::Supplier,
    Field::OrgNr,
    Field::Agreement,
    Field::Unit,
    Field::Orderer,
    Field::Account,
    Field::Order,
];

impl Field {
    /// The field's name for people.
    pub fn label(self, lang: crate::lang::Lang) -> &'static str {
        match (lang, self) {
            (crate::lang::Lang::Sv, Field::Date) => "datum",
            (crate::lang::Lang::Sv, Field::Supplier) => "leverantör",
            (crate::lang::Lang::Sv, Field::OrgNr) => "org.nr",
            (crate::lang::Lang::Sv, Field::Amount) => "belopp",
            (crate::lang::Lang::Sv, Field::Agreement) => "avtal",
            (crate::lang::Lang::Sv, Field::Unit) => "enhet",
            (crate::lang::Lang::Sv, Field::Orderer) => "beställare",
            (crate::lang::Lang::Sv, Field::Account) => "konto",
            (crate::lang::Lang::Sv, Field::Id) => "verifikation",
            (crate::lang::Lang::Sv, Field::Currency) => "valuta",
            (crate::lang::Lang::Sv, Field::Order) => "order",
            (crate::lang::Lang::En, f) => f.key(),
        }
    }

    /// The field's key in config files and messages.
    pub fn key(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Supplier => "supplier",
            Field::OrgNr => "org_nr",
            Field::Amount => "amount",
            Field::Agreement => "agreement",
            Field::Unit => "unit",
            Field::Orderer => "orderer",
            Field::Account => "account",
            Field::Id => "id",
            Field::Currency => "currency",
            Field::Order => "order",
        }
    }

    /// Whether a file must have this field: date, supplier and amount
    /// ([`REQUIRED`]).
    pub fn required(self) -> bool {
        REQUIRED.contains(&self.index())
    }

    /// Header names recognised without configuration, earlier ones winning.
    pub fn default_names(self) -> &'static [&'static str] {
        match self {
            Field::Date => &[
                "Bokföringsdatum",
                "Bokf.datum",
                "Bokföringsdag",
                "bokforingsdatum",
                "Datum",
                "Fakturadatum",
            ],
            Field::Supplier => &[
                "Leverantör",
                "Leverantörsnamn",
                "Lev.namn",
                "leverantor",
                "Leverantörens namn",
            ],
            Field::OrgNr => &[
                "Leverantörens org.nr",
                "Org.nr",
                "Orgnr",
                "leverantor_id",
                "Organisationsnummer",
            ],
            Field::Amount => &[
                "Belopp exkl moms",
                "Konterat belopp exklusive moms",
                "Nettobelopp",
                "Belopp",
                "Belopp SEK",
            ],
            Field::Agreement => &["Avtal", "Avtalsnummer", "Avtals-id", "Avtalsid", "Ramavtal"],
            Field::Unit => &[
                "Ansvar",
                "Ansvarsenhet",
                "Enhet",
                "Sektion",
                "Kostnadsställe",
                "Förvaltning",
            ],
            Field::Orderer => &["Beställare", "Beställar-id", "Er referens"],
            Field::Account => &["Konto", "Kontonummer", "konto_nr"],
            Field::Id => &[
                "Verifikationsnummer",
                "Ver.nr",
                "Verifikation",
                "Fakturanummer",
                "Fakturanr",
            ],
            Field::Currency => &["Valuta", "Valutakod"],
            Field::Order => &[
                "Ordernummer",
                "Ordernr",
                "Beställningsnummer",
                "Inköpsordernummer",
                "Projektnummer",
                "Projekt",
            ],
        }
    }

    pub fn index(self) -> usize {
        FIELDS.iter().position(|f| *f == self).unwrap_or(0)
    }

    pub fn from_key(key: &str) -> Option<Field> {
        FIELDS.iter().copied().find(|f| f.key() == key)
    }
}

/// Header names per field, folded: names from the config first, then the
/// defaults; and the config's names of a unit-name column (`unit_name`,
/// display only: [`unit_names`]).
#[derive(Debug, Clone)]
pub struct ColumnNames {
    names: [Vec<String>; N_FIELDS],
    unit_name: Vec<String>,
}

/// The `[columns]` key of the unit-name column (not a [`Field`]: it is
/// shown, never matched).
pub const UNIT_NAME_KEY: &str = "unit_name";

impl Default for ColumnNames {
    fn default() -> Self {
        ColumnNames {
            names: FIELDS.map(|f| f.default_names().iter().map(|n| parse::fold_header(n)).collect()),
            unit_name: Vec::new(),
        }
    }
}

impl ColumnNames {
    /// Defaults extended by the config's names (which win).
    pub fn with_overrides(overrides: &HashMap<String, Vec<String>>) -> Result<Self> {
        let mut names = ColumnNames::default();
        for (key, extra) in overrides {
            if key == UNIT_NAME_KEY {
                names.unit_name = extra.iter().map(|n| parse::fold_header(n)).collect();
                continue;
            }
            let field = Field::from_key(key).ok_or_else(|| Error::Setting {
                setting: format!("columns.{key}"),
                message: {
                    let list = FIELDS
                        .iter()
                        .map(|f| f.key())
                        .chain([UNIT_NAME_KEY])
                        .collect::<Vec<_>>()
                        .join(", ");
                    Text::new(
                        format!("okänt fält; fälten heter {list}"),
                        format!("unknown field; the fields are {list}"),
                    )
                },
            })?;
            let mut list: Vec<String> = extra.iter().map(|n| parse::fold_header(n)).collect();
            list.append(&mut names.names[field.index()]);
            names.names[field.index()] = list;
        }
        Ok(names)
    }

    /// Maps a candidate header record: the column of each field, if any.
    pub fn map(&self, headers: &[String]) -> [Option<usize>; N_FIELDS] {
        let found = header::map_columns(&self.names, headers);
        std::array::from_fn(|i| found.get(i).copied().flatten())
    }

    /// The unit-name column, when the file reads a unit: the first column
    /// no field maps that the config names `unit_name` (its names in
    /// order), else whose header looks like a unit's name
    /// ([`unit_names::is_unit_name`]).
    pub(crate) fn unit_name_column(&self, headers: &[String], columns: &[Option<usize>; N_FIELDS]) -> Option<usize> {
        columns[Field::Unit.index()]?;
        let folded: Vec<(usize, String)> = headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !columns.contains(&Some(*i)))
            .map(|(i, h)| (i, parse::fold_header(h)))
            .filter(|(_, h)| !h.is_empty())
            .collect();
        let named = self.unit_name.iter().find_map(|n| folded.iter().find(|(_, h)| h == n));
        named
            .or_else(|| folded.iter().find(|(_, h)| unit_names::is_unit_name(h)))
            .map(|(i, _)| *i)
    }
}

fn has_required(columns: &[Option<usize>; N_FIELDS]) -> bool {
    FIELDS.iter().all(|f| !f.required() || columns[f.index()].is_some())
}

/// One unreadable (or refused) cell of a row: the field, the column's
/// header and the cell's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub field: Field,
    pub header: String,
    pub value: String,
}

/// Why a row was rejected: each unreadable column with its header and value.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub row: usize,
    pub problems: Vec<Unreadable>,
}

/// One file read.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub path: PathBuf,
    /// Relative to the export path given, with `/`.
    pub display: String,
    /// Encoding and delimiter, or sheet.
    pub description: String,
    pub header_row: usize,
    /// The header taken for each mapped field.
    pub mapping: Vec<(Field, String)>,
    /// The org nr column found by its values, when no header mapped it.
    pub by_contents: Option<contents::ByContents>,
    /// The columns the run does not read.
    pub unread: Vec<contents::Unread>,
    /// The header of the column read as the unit's name (display only).
    pub unit_name: Option<String>,
    pub rows: usize,
    /// How its records are read again (a CSV file not in UTF-16).
    pub(crate) layout: Option<recall::CsvLayout>,
}

/// Everything read from the exports.
#[derive(Debug, Default)]
pub struct Exports {
    pub files: Vec<FileInfo>,
    pub rows: Rows,
    pub rejections: Vec<Rejection>,
    pub strings: Strings,
    /// Files found but skipped, with the reason (for the terminal).
    pub skipped: Vec<Skipped>,
    /// Things the user should know that do not stop the run (an empty file,
    /// a header name used twice, bytes that were not valid UTF-8).
    pub warnings: Vec<Warning>,
    /// Each unit's name, from a unit-name column (display only).
    pub unit_names: unit_names::UnitNames,
    /// Orderers held by hash read again ahead of the reports.
    pub(crate) ahead: recall::Ahead,
}

pub use discover::{discover, no_exports, Exclude, ExportFile, Skipped};
pub use orderers::Who;
pub use rows::{IdRef, Identity, Row, RowKind, Rows};
pub use strings::{Strings, Sym};

/// Reads all files into one [`Exports`], merged in path order (so the
/// result is the same as reading them one by one). Workbooks are read side
/// by side; a CSV file is streamed in blocks, each parsed in parallel
/// chunks straight into the columns. `progress` is called with the bytes
/// read as reading goes on.
pub fn read_all(files: &[ExportFile], options: &ReadOptions, progress: &(dyn Fn(u64) + Sync)) -> Result<Exports> {
    let sheets: Vec<Option<Result<Exports>>> = files
        .par_iter()
        .map(|f| {
            (!table::reads_as_csv(&f.path)).then(|| {
                let mut part = Exports::default();
                let r = read_file(f, options, &mut part, &|_| {}).map(|()| part);
                progress(std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0));
                r
            })
        })
        .collect();
    let mut out = Exports::default();
    for (f, sheet) in files.iter().zip(sheets) {
        match sheet {
            Some(part) => out.append(part?, 0),
            None => read_file(f, options, &mut out, progress)?,
        }
        if out.rows.len() as u64 > options.max_rows {
            let max = options.max_rows;
            return Err(Error::Limit {
                path: f.path.clone(),
                message: Text::new(
                    format!("exporterna har fler än {max} rader sammanlagt (max_rows i avropskoll.toml)"),
                    format!("the exports hold more than {max} rows in all (max_rows in the config)"),
                ),
            });
        }
    }
    out.rows.shrink_to_fit();
    let names = out.unit_names.warnings(&out.strings);
    out.warnings.extend(names);
    out.strings.shrink_to_fit();
    Ok(out)
}

/// How exports are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub names: ColumnNames,
    /// Sheet to read in workbooks (default: the first with a header row).
    pub sheet: Option<String>,
    pub limits: table::Limits,
    /// Most rows read in all.
    pub max_rows: u64,
    /// Language of warnings.
    pub lang: Lang,
    /// Bytes of a CSV file read at a time (tests make it small).
    pub block_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            names: ColumnNames::default(),
            sheet: None,
            limits: table::Limits::default(),
            max_rows: 200_000_000,
            lang: Lang::Sv,
            block_bytes: chunks::BLOCK,
        }
    }
}

/// Where reading stood: [`Exports::truncate`] goes back to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    rows: rows::Mark,
    rejections: usize,
    row_count: usize,
    names: unit_names::NamesMark,
}

impl Exports {
    /// A row's invoice id.
    pub fn id(&self, row: &Row) -> Cow<'_, str> {
        self.rows.id_text(row.id)
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            rows: self.rows.mark(),
            rejections: self.rejections.len(),
            row_count: self.rows.len(),
            names: self.unit_names.mark(),
        }
    }

    /// Drops the rows read after `mark`.
    pub(crate) fn truncate(&mut self, mark: Mark) {
        self.rows.truncate(mark.rows);
        self.rejections.truncate(mark.rejections);
        self.unit_names.truncate(mark.names);
    }

    /// The name of a unit (its text interned), from a unit-name column.
    pub fn unit_name(&self, unit: Sym) -> Option<&str> {
        self.unit_names.get(unit).map(|n| self.strings.get(n))
    }

    /// Appends the rows, rejections and warnings of a chunk of the file
    /// being read (record numbers moved by `line_offset`) and empties the
    /// chunk, keeping its memory for the next one. The chunk's record
    /// positions are moved by `at_base` (where it starts in its file).
    pub(crate) fn append_chunk(&mut self, part: &mut Exports, line_offset: u32, at_base: u64) {
        let row_offset = self.rows.len();
        let remap = rows::remap_strings(&mut self.strings, &part.strings);
        self.rows
            .append(&part.rows, &remap, (line_offset, at_base), &self.strings);
        self.unit_names.merge(&part.unit_names, &remap);
        part.unit_names.clear();
        self.rejections.extend(part.rejections.drain(..).map(|mut r| {
            r.row += row_offset;
            r
        }));
        self.warnings.append(&mut part.warnings);
        part.rows.clear();
        part.strings.clear();
    }

    /// Appends what another [`Exports`] read (a whole file, or a chunk of
    /// the file being read), re-interning its strings; its record numbers
    /// are moved by `line_offset`.
    pub(crate) fn append(&mut self, part: Exports, line_offset: u32) {
        let row_offset = self.rows.len();
        if row_offset == 0 && self.files.is_empty() && self.strings.is_empty() && line_offset == 0 {
            // The first part becomes the whole: nothing to re-intern.
            let (skipped, warnings) = (std::mem::take(&mut self.skipped), std::mem::take(&mut self.warnings));
            *self = part;
            self.skipped.splice(0..0, skipped);
            self.warnings.splice(0..0, warnings);
            return;
        }
        let mut part = part;
        self.files.append(&mut part.files);
        self.skipped.append(&mut part.skipped);
        self.append_chunk(&mut part, line_offset, 0);
    }
}

/// Score of a record as a header: required fields found count most.
fn header_score(names: &ColumnNames, cells: &[Cell]) -> usize {
    let texts: Vec<String> = cells.iter().map(Cell::text).collect();
    let cols = names.map(&texts);
    let mapped = cols.iter().filter(|c| c.is_some()).count();
    if has_required(&cols) {
        100 + mapped
    } else {
        mapped
    }
}

/// The header row found: its record number, each field's column, and the
/// header texts.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub(crate) line: usize,
    columns: [Option<usize>; N_FIELDS],
    names: Vec<String>,
    by_contents: Option<contents::ByContents>,
    unread: Vec<contents::Unread>,
    /// The column read as the unit's name (display only).
    unit_name: Option<usize>,
}

impl Header {
    /// The cells of a rejected row that could not be read (those not `ok`),
    /// each with its column's header.
    fn unreadable(&self, checked: [(Field, bool, &Cell); 3]) -> Vec<Unreadable> {
        checked
            .into_iter()
            .filter(|(_, ok, _)| !ok)
            .map(|(field, _, c)| Unreadable {
                field,
                header: self.columns[field.index()]
                    .and_then(|i| self.names.get(i))
                    .cloned()
                    .unwrap_or_default(),
                value: c.text(),
            })
            .collect()
    }
}

/// The slot of the unit in a row's interned text ([`TEXT_FIELDS`]).
const UNIT_SLOT: usize = 3;
/// The slot of the orderer in a row's interned text.
const ORDERER_SLOT: usize = 4;
/// The slot of the order.
const ORDER_SLOT: usize = 6;
/// The slots of a purchase's fields: supplier, org nr, agreement, account.
const PURCHASE_SLOTS: [usize; 4] = [0, 1, 2, 5];

/// The symbol of text field `k`'s raw bytes `r` (0 without the column), as
/// the cell's trimmed text, decoded without allocating.
fn field_sym<'a>(
    cache: &mut strings::RawCache,
    (k, r): (usize, Option<&table::RawField<'a>>),
    records: &mut CsvRecords<'a>,
    strings: &mut Strings,
) -> Sym {
    let Some(r) = r else { return 0 };
    cache.sym(k, &r.bytes, |scratch| {
        records.decode_into(&r.bytes, scratch);
        strings.intern(scratch.trim())
    })
}

/// Whether a source's orderer may be held by hash ([`orderers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hashing {
    /// Never: its records cannot be read again (a workbook, UTF-16).
    Never,
    /// Once its values turn out nearly unique.
    Judged,
    /// From the first row: the run already holds it by hash.
    Now,
}
/// The raw-bytes cache's slot of the unit-name column (after the seven
/// text fields).
const UNIT_NAME_CACHE: usize = 7;

impl Header {
    /// With the first records below the header: the org nr column by its
    /// values when no header maps it, the unit-name column, and the columns
    /// left unread.
    fn settle(&mut self, names: &ColumnNames, below: &[Vec<Cell>]) {
        if self.columns[Field::OrgNr.index()].is_none() {
            self.by_contents = contents::org_nr_column(&self.names, &self.columns, below);
            if let Some(b) = &self.by_contents {
                self.columns[Field::OrgNr.index()] = Some(b.column);
            }
        }
        self.unit_name = names.unit_name_column(&self.names, &self.columns);
        self.unread = contents::unread(&self.names, &self.columns, self.unit_name);
    }
}

/// Where the data records of one file (or one chunk of it) go.
pub(crate) struct Sink<'a> {
    pub(crate) part: &'a mut Exports,
    pub(crate) header: &'a Header,
    pub(crate) max_rows: u64,
    pub(crate) over_limit: bool,
    pub(crate) hashing: Hashing,
    /// Set once any chunk of the file judged its orderers nearly unique:
    /// the others follow at their next row.
    pub(crate) judged: Option<&'a std::sync::atomic::AtomicBool>,
    /// Where the record being read starts in the bytes fed (CSV).
    pub(crate) at: Option<u64>,
}

impl Sink<'_> {
    /// Reads the CSV records of `bytes` (record 1 being its first) until
    /// the end or a limit; returns the number of records and whether some
    /// UTF-8 field was not valid UTF-8.
    pub(crate) fn feed(&mut self, bytes: &[u8], delimiter: u8, encoding: table::Encoding) -> (usize, bool) {
        thread_local! {
            /// A thread's caches, emptied for each chunk it reads: their
            /// memory is touched once, not once a chunk.
            static CACHES: std::cell::RefCell<(strings::RawCache, strings::RawCombos)> = Default::default();
        }
        let mut records = CsvRecords::new(bytes, delimiter, encoding);
        let mut raw = Vec::new();
        let (mut cache, mut combos) = CACHES.with(|c| std::mem::take(&mut *c.borrow_mut()));
        cache.clear();
        combos.clear();
        let mut count = 0;
        if self.hashing == Hashing::Now {
            self.part.rows.hash_orderers(&self.part.strings);
        }
        loop {
            let at = records.position() as u64;
            let Some(n) = records.next_raw(&mut raw) else { break };
            self.at = (self.hashing != Hashing::Never).then_some(at);
            count = n;
            if !self.push_raw(n, &raw, &mut records, (&mut cache, &mut combos)) {
                break;
            }
        }
        CACHES.with(|c| *c.borrow_mut() = (cache, combos));
        (count, records.invalid)
    }

    /// [`Sink::push`] on a CSV record's undecoded fields: a normal row is
    /// stored with only its date, amount, id and currency decoded (the text
    /// fields through `cache`); anything else (blank, totals, rejected)
    /// goes the way of decoded cells, so both give the same row.
    fn push_raw<'a>(
        &mut self,
        line: usize,
        raw: &[table::RawField<'a>],
        records: &mut CsvRecords<'a>,
        (cache, combos): (&mut strings::RawCache, &mut strings::RawCombos),
    ) -> bool {
        if records.encoding() == table::Encoding::Utf8 {
            // Every field counts for the file's encoding, read or not.
            if raw
                .iter()
                .any(|f| !f.bytes.is_ascii() && std::str::from_utf8(&f.bytes).is_err())
            {
                records.invalid = true;
            }
        }
        let blank = |f: &table::RawField| {
            f.bytes
                .iter()
                .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
        };
        let slow = |sink: &mut Self, records: &mut CsvRecords<'a>| {
            let cells: Vec<Cell> = raw.iter().map(|f| records.cell(f.clone())).collect();
            sink.push(line, &cells)
        };
        if raw.iter().all(blank) || self.part.rows.len() as u64 >= self.max_rows {
            return slow(self, records);
        }
        let columns = &self.header.columns;
        let field = |f: Field| columns[f.index()].and_then(|i| raw.get(i));
        let mut text_of = |f: Field| -> Option<Cow<'a, str>> {
            let r = field(f)?;
            (r.quoted || !r.bytes.is_empty()).then(|| records.decode(r.bytes.clone()))
        };
        let date_bytes = field(Field::Date).map_or(&[][..], |r| &r.bytes[..]);
        let date = if cache.date.0 == date_bytes {
            cache.date.1
        } else {
            let date = text_of(Field::Date).and_then(|t| parse::parse_date(&t));
            cache.date = (date_bytes.to_vec(), date);
            date
        };
        // The usual `12 345,67` straight from its bytes (any other byte, a
        // non-ASCII one too, goes the decoded way).
        let amount = match field(Field::Amount).and_then(|r| parse::plain_amount(&r.bytes)) {
            Some(plain) => Some(Amount(plain)),
            None => text_of(Field::Amount).and_then(|t| parse::parse_amount(&t)),
        };
        let currency = text_of(Field::Currency);
        let foreign = currency
            .as_deref()
            .map(str::trim)
            .is_some_and(|c| !c.is_empty() && !c.eq_ignore_ascii_case("SEK"));
        let (Some(date), Some(amount), false) = (date, amount, foreign) else {
            return slow(self, records);
        };
        // An id of digits (a voucher number) straight from its bytes.
        let id_number = field(Field::Id).and_then(|r| rows::IdRef::digits(&r.bytes));
        let id = if id_number.is_some() { None } else { text_of(Field::Id) };
        self.judge_orderers(cache);
        let (text, orderer, purchase) = self.raw_texts(raw, records, (cache, combos));
        self.note_name_raw(text[UNIT_SLOT], raw, records, cache);
        self.part.rows.push(rows::NewRow {
            line: line as u32,
            at: self.at,
            orderer,
            purchase: Some(purchase),
            id_number,
            date: Some(parse::date_to_days(date)),
            amount: Some(amount),
            text,
            id: id.as_deref().map_or("", str::trim),
            kind: RowKind::Normal,
        });
        true
    }

    /// A record's text fields interned (the orderer's key instead when the
    /// rows hold it by hash), its unit's name noted beside.
    fn cell_texts(&mut self, cells: &[Cell]) -> ([Sym; 7], Option<Who>) {
        let Exports {
            rows,
            strings,
            unit_names,
            ..
        } = &mut *self.part;
        let columns = &self.header.columns;
        let cell = |field: Field| {
            columns[field.index()]
                .and_then(|i| cells.get(i))
                .unwrap_or(&Cell::Empty)
        };
        let mut text = [0; 7];
        let mut orderer = None;
        for (slot, field) in text.iter_mut().zip(TEXT_FIELDS) {
            if field == Field::Orderer && rows.orderers_hashed() {
                orderer = Some(Who::of_text(&cell(field).text_cow()));
                continue;
            }
            *slot = strings.intern(&cell(field).text_cow());
        }
        if let Some(name) = self
            .header
            .unit_name
            .and_then(|i| cells.get(i))
            .filter(|c| text[UNIT_SLOT] != 0 && !c.is_empty())
        {
            unit_names.note(text[UNIT_SLOT], strings.intern(&name.text_cow()));
        }
        (text, orderer)
    }

    /// Holds the chunk's orderers by hash from now on when they were judged
    /// nearly unique, here or in another chunk of the file.
    fn judge_orderers(&mut self, cache: &strings::RawCache) {
        if self.hashing != Hashing::Judged || self.part.rows.orderers_hashed() {
            return;
        }
        use std::sync::atomic::Ordering::Relaxed;
        let judged = self.judged.is_some_and(|j| j.load(Relaxed));
        if judged || cache.nearly_unique(ORDERER_SLOT) {
            self.part.rows.hash_orderers(&self.part.strings);
            self.judged.inspect(|j| j.store(true, Relaxed));
        }
    }

    /// The symbols of a CSV record's buyer fields (the orderer's key instead
    /// when held by hash) and its purchase combination, through the
    /// chunk's raw-bytes caches.
    fn raw_texts<'a>(
        &mut self,
        raw: &[table::RawField<'a>],
        records: &mut CsvRecords<'a>,
        (cache, combos): (&mut strings::RawCache, &mut strings::RawCombos),
    ) -> ([Sym; 7], Option<Who>, u32) {
        let columns = &self.header.columns;
        let field = |k: usize| {
            let f = TEXT_FIELDS.get(k)?;
            columns[f.index()].and_then(|i| raw.get(i))
        };
        let hashed = self.part.rows.orderers_hashed();
        let Exports { rows, strings, .. } = &mut *self.part;
        let key = combos.key();
        for k in PURCHASE_SLOTS {
            match field(k) {
                None => key.push(0xFF),
                Some(r) => {
                    key.extend_from_slice(&(r.bytes.len() as u32).to_le_bytes());
                    key.extend_from_slice(&r.bytes);
                }
            }
        }
        let purchase =
            combos.get(|| rows.purchase_of(PURCHASE_SLOTS.map(|k| field_sym(cache, (k, field(k)), records, strings))));
        let mut text = [0; 7];
        let mut orderer = None;
        for k in [UNIT_SLOT, ORDERER_SLOT, ORDER_SLOT] {
            if hashed && k == ORDERER_SLOT {
                let scratch = cache.scratch();
                if let Some(r) = field(k) {
                    records.decode_into(&r.bytes, scratch);
                }
                orderer = Some(Who::of_text(scratch.trim()));
            } else if let Some(slot) = text.get_mut(k) {
                *slot = field_sym(cache, (k, field(k)), records, strings);
            }
        }
        (text, orderer, purchase)
    }

    /// Notes the unit's name of a CSV record beside its row (display only,
    /// never in the row).
    fn note_name_raw<'a>(
        &mut self,
        unit: Sym,
        raw: &[table::RawField<'a>],
        records: &mut CsvRecords<'a>,
        cache: &mut strings::RawCache,
    ) {
        let Some(r) = self.header.unit_name.and_then(|i| raw.get(i)) else {
            return;
        };
        if unit == 0 || r.bytes.is_empty() {
            return;
        }
        let Exports {
            strings, unit_names, ..
        } = &mut *self.part;
        let name = cache.sym(UNIT_NAME_CACHE, &r.bytes, |_| {
            strings.intern(&records.cell(r.clone()).text_cow())
        });
        unit_names.note(unit, name);
    }

    /// Reads one record below the header; false to stop (a limit).
    fn push(&mut self, line: usize, cells: &[Cell]) -> bool {
        if cells.iter().all(Cell::is_empty) {
            return true;
        }
        if self.part.rows.len() as u64 >= self.max_rows {
            self.over_limit = true;
            return false;
        }
        let (text, orderer) = self.cell_texts(cells);
        let Exports { rows, rejections, .. } = &mut *self.part;
        let columns = &self.header.columns;
        let cell = |field: Field| {
            columns[field.index()]
                .and_then(|i| cells.get(i))
                .unwrap_or(&Cell::Empty)
        };
        let date_cell = cell(Field::Date);
        let amount_cell = cell(Field::Amount);
        let date = match date_cell {
            Cell::Date(d) => *d,
            Cell::Number(v) => parse::date_from_number(*v),
            Cell::Text(t) => parse::parse_date(t),
            _ => None,
        };
        let amount = match amount_cell {
            Cell::Number(v) => Amount::from_f64(*v),
            Cell::Text(t) => parse::parse_amount(t),
            _ => None,
        };
        let currency = cell(Field::Currency).text_cow();
        let foreign = !currency.is_empty() && !currency.eq_ignore_ascii_case("SEK");
        let kind = if date.is_none() && cells.iter().any(|c| parse::is_totals_label(&c.text_cow())) {
            RowKind::Total
        } else if date.is_none() || amount.is_none() || foreign {
            let problems = self.header.unreadable([
                (Field::Date, date.is_some(), date_cell),
                (Field::Amount, amount.is_some(), amount_cell),
                (Field::Currency, !foreign, cell(Field::Currency)),
            ]);
            rejections.push(Rejection {
                row: rows.len(),
                problems,
            });
            RowKind::Rejected
        } else {
            RowKind::Normal
        };
        rows.push(rows::NewRow {
            line: line as u32,
            at: self.at,
            orderer,
            purchase: None,
            id_number: None,
            date: date.map(parse::date_to_days),
            amount,
            text,
            id: &cell(Field::Id).text_cow(),
            kind,
        });
        true
    }
}

/// What the first 50 records of a source showed: the header search shared
/// with registers ([`header::HeaderSearch`]), plus the best partial match
/// and the records seen, for messages and the `[columns]` suggestion.
#[derive(Debug)]
struct Probe<'n> {
    search: header::HeaderSearch<'n>,
    /// The header row, when one maps every required field.
    header: Option<Header>,
    /// The record that maps the most required fields (and how many).
    best: Option<(usize, Header)>,
    /// The records seen, for the suggestion.
    samples: Vec<(usize, Vec<suggest::Sample>)>,
    /// The reading stopped at `max_rows`.
    over_limit: bool,
    /// Some UTF-8 field held bytes that are not UTF-8.
    invalid: bool,
}

/// The indices (in [`FIELDS`]) of the fields every export must have:
/// date, supplier and amount. The one list of them.
const REQUIRED: [usize; 3] = [0, 1, 3];

#[cfg(test)]
#[test]
fn the_required_fields_are_date_supplier_and_amount() {
    let required: Vec<Field> = FIELDS.into_iter().filter(|f| f.required()).collect();
    assert_eq!(required, [Field::Date, Field::Supplier, Field::Amount]);
}

impl<'n> Probe<'n> {
    fn new(names: &'n ColumnNames) -> Self {
        Probe {
            search: header::HeaderSearch::new(&names.names, &REQUIRED),
            header: None,
            best: None,
            samples: Vec::new(),
            over_limit: false,
            invalid: false,
        }
    }

    /// Looks at one record; true when the search is over (the header found,
    /// or past the first 50 records).
    fn look(&mut self, line: usize, cells: &[Cell]) -> bool {
        let texts: Vec<String> = cells.iter().map(Cell::text).collect();
        let columns = match self.search.look(&texts) {
            header::Look::GaveUp => return true,
            header::Look::Header(c) | header::Look::NotYet(c) => c,
        };
        self.samples
            .push((line, cells.iter().map(suggest::Sample::of).collect()));
        let columns: [Option<usize>; N_FIELDS] = std::array::from_fn(|i| columns.get(i).copied().flatten());
        let required = REQUIRED.iter().filter(|&&f| columns[f].is_some()).count();
        let header = Header {
            line,
            columns,
            names: texts,
            by_contents: None,
            unread: Vec::new(),
            unit_name: None,
        };
        if required == REQUIRED.len() {
            self.header = Some(header);
            return true;
        }
        if required > self.best.as_ref().map_or(0, |b| b.0) {
            self.best = Some((required, header));
        }
        false
    }

    /// How many required fields the best record maps (3 with a header).
    fn required_found(&self) -> usize {
        if self.header.is_some() {
            REQUIRED.len()
        } else {
            self.best.as_ref().map_or(0, |b| b.0)
        }
    }
}

/// Reads a CSV file: finds the header among the first 50 records of its
/// head and streams the rows below it into `out`.
fn read_csv<'n>(
    c: &table::CsvText,
    names: &'n ColumnNames,
    options: &ReadOptions,
    out: &mut Exports,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Probe<'n>> {
    let mut probe = Probe::new(names);
    let mut records = c.records(c.delimiter);
    let mut cells = Vec::new();
    while let Some(line) = records.next_record(&mut cells) {
        if probe.look(line, &cells) {
            break;
        }
    }
    probe.invalid = records.invalid;
    let start = records.position();
    if let Some(h) = &mut probe.header {
        let mut below = Vec::new();
        while below.len() < contents::CONTENT_RECORDS && records.next_record(&mut cells).is_some() {
            below.push(cells.clone());
        }
        h.settle(names, &below);
    }
    if let Some(h) = &probe.header {
        let streamed = chunks::read_csv_data(c, start, h, options, out, progress).map_err(|e| Error::Export {
            path: c.path.clone(),
            message: Text::io(&e),
        })?;
        probe.over_limit = streamed.over_limit;
        probe.invalid |= streamed.invalid;
    }
    Ok(probe)
}

/// Reads one workbook sheet (or HTML table) in a single streamed pass; the
/// first records below the header wait until the header is settled
/// ([`Header::settle`]).
fn read_sheet<'n>(source: &mut Source, names: &'n ColumnNames, max_rows: u64, out: &mut Exports) -> Result<Probe<'n>> {
    let mut probe = Probe::new(names);
    let mut part = Exports::default();
    let mut limit_hit = false;
    let mut pending: Vec<(usize, Vec<Cell<'static>>)> = Vec::new();
    let mut settled = false;
    source.for_each_record(&mut |line, cells| {
        let Some(h) = &mut probe.header else {
            let done = probe.look(line, cells);
            // Go on past the header (the rows follow); stop after 50 without.
            return !done || probe.header.is_some();
        };
        let mut sink = |h: &Header, line: usize, cells: &[Cell]| {
            let mut sink = Sink {
                part: &mut part,
                header: h,
                max_rows,
                over_limit: false,
                hashing: Hashing::Never,
                judged: None,
                at: None,
            };
            let go_on = sink.push(line, cells);
            limit_hit |= sink.over_limit;
            go_on
        };
        if settled {
            return sink(h, line, cells);
        }
        pending.push((line, cells.iter().map(owned).collect()));
        if pending.len() < contents::CONTENT_RECORDS {
            return true;
        }
        settled = true;
        settle_and_push(h, names, &mut pending, &mut sink)
    })?;
    if let (false, Some(h)) = (settled, &mut probe.header) {
        let mut sink = |h: &Header, line: usize, cells: &[Cell]| {
            let mut sink = Sink {
                part: &mut part,
                header: h,
                max_rows,
                over_limit: false,
                hashing: Hashing::Never,
                judged: None,
                at: None,
            };
            let go_on = sink.push(line, cells);
            limit_hit |= sink.over_limit;
            go_on
        };
        settle_and_push(h, names, &mut pending, &mut sink);
    }
    probe.over_limit = limit_hit;
    out.append(part, 0);
    Ok(probe)
}

/// Settles the header on the records waiting below it, then reads them.
fn settle_and_push(
    h: &mut Header,
    names: &ColumnNames,
    pending: &mut Vec<(usize, Vec<Cell<'static>>)>,
    sink: &mut dyn FnMut(&Header, usize, &[Cell]) -> bool,
) -> bool {
    let below: Vec<Vec<Cell>> = pending.iter().map(|(_, c)| c.clone()).collect();
    h.settle(names, &below);
    for (line, cells) in pending.drain(..) {
        if !sink(h, line, &cells) {
            return false;
        }
    }
    true
}

/// A cell that no longer borrows its text.
fn owned(c: &Cell) -> Cell<'static> {
    match c {
        Cell::Empty => Cell::Empty,
        Cell::Text(t) => Cell::Text(Cow::Owned(t.to_string())),
        Cell::Number(v) => Cell::Number(*v),
        Cell::Date(d) => Cell::Date(*d),
        Cell::Error(e) => Cell::Error(e.clone()),
        Cell::Bool(b) => Cell::Bool(*b),
    }
}

/// Reads one export file into `out`: its rows, its [`FileInfo`], its
/// warnings; or skips it (not an export), or fails with what to do.
fn read_file(f: &ExportFile, options: &ReadOptions, out: &mut Exports, progress: &(dyn Fn(u64) + Sync)) -> Result<()> {
    let names = &options.names;
    let mark = out.mark();
    let mut source = open_export(f, options)?;
    let mut probe = match &source {
        Source::Csv(c) => read_csv(c, names, options, out, progress)?,
        _ => read_sheet(&mut source, names, options.max_rows, out)?,
    };
    if let Source::Csv(c) = &mut source {
        if probe.invalid {
            if let Some(again) = not_utf8(f, options, c, mark, out)? {
                probe = again;
            }
        }
    }
    // A workbook whose first sheet is not the data (a cover page): look for
    // the sheet with the header row.
    let first_sheet = source.sheet().map(str::to_string);
    if probe.header.is_none() && options.sheet.is_none() {
        if let Some(first) = &first_sheet {
            if let Some(other) = other_sheet(f, options, first, &mut probe, out)? {
                source = other;
            }
        }
    }
    if probe.over_limit {
        let max_rows = options.max_rows;
        return Err(Error::Limit {
            path: f.path.clone(),
            message: Text::new(
                format!("filen har fler än {max_rows} rader (max_rows i avropskoll.toml), eller mer än 2 GB verifikationsnummer"),
                format!("the file holds more than {max_rows} rows (max_rows in the config), or more than 2 GB of invoice ids"),
            ),
        });
    }
    let lang = options.lang;
    if probe.header.is_none() && probe.search.first_texts.is_empty() {
        // Nothing but blank records: an empty export, not a broken one.
        out.warnings.push(Warning::File {
            file: f.display.clone(),
            problem: FileProblem::Empty,
        });
        out.rows.file_from(mark.rows);
        out.files.push(FileInfo {
            path: f.path.clone(),
            display: f.display.clone(),
            description: source.describe(lang),
            header_row: 0,
            mapping: Vec::new(),
            by_contents: None,
            unread: Vec::new(),
            unit_name: None,
            rows: 0,
            layout: None,
        });
        return Ok(());
    }
    let Some(header) = probe.header.take() else {
        return no_header(f, &probe, first_sheet, lang, out);
    };
    let mapping = mapping_of(f, &header, out);
    out.rows.file_from(mark.rows);
    out.files.push(FileInfo {
        path: f.path.clone(),
        display: f.display.clone(),
        description: source.describe(lang),
        header_row: header.line,
        mapping,
        unit_name: header
            .unit_name
            .and_then(|i| header.names.get(i))
            .map(|h| h.trim().to_string()),
        by_contents: header.by_contents,
        unread: header.unread,
        rows: out.rows.len() - mark.row_count,
        layout: match &source {
            Source::Csv(c) if c.utf16.is_none() => Some(recall::CsvLayout {
                delimiter: c.delimiter,
                encoding: c.encoding,
                column: header.columns[Field::Orderer.index()],
            }),
            _ => None,
        },
    });
    Ok(())
}

/// Opens an export; a CSV file's delimiter, unless declared, is the one
/// that maps the most fields.
fn open_export(f: &ExportFile, options: &ReadOptions) -> Result<Source> {
    let source = table::open(&f.path, options.sheet.as_deref(), options.limits)?;
    if let Source::Csv(c) = &source {
        if !c.declared {
            let d = c.best_delimiter(|cells| header_score(&options.names, cells));
            return Ok(source.with_delimiter(d));
        }
    }
    Ok(source)
}

/// A CSV file read as UTF-8 that holds bytes that are not UTF-8: valid
/// UTF-8 at the start, not later, means Windows-1252 (read again, the
/// probe of that reading returned); with a UTF-8 byte-order mark the bytes
/// were read as U+FFFD, with a warning.
fn not_utf8<'n>(
    f: &ExportFile,
    options: &'n ReadOptions,
    c: &mut table::CsvText,
    mark: Mark,
    out: &mut Exports,
) -> Result<Option<Probe<'n>>> {
    if !c.lossy {
        out.truncate(mark);
        let io = |e: std::io::Error| Error::Export {
            path: f.path.clone(),
            message: Text::io(&e),
        };
        *c = c.as_windows_1252().map_err(io)?;
        return read_csv(c, &options.names, options, out, &|_| {}).map(Some);
    }
    c.encoding_name = "UTF-8 (BOM, invalid bytes replaced)";
    out.warnings.push(Warning::File {
        file: f.display.clone(),
        problem: FileProblem::ReplacedBytes,
    });
    Ok(None)
}

/// The workbook's other sheets, in order, for one with a header row (its
/// rows read into `out`, a warning, its source returned); else `probe`
/// becomes the sheet that maps the most required fields.
fn other_sheet<'n>(
    f: &ExportFile,
    options: &'n ReadOptions,
    first: &str,
    probe: &mut Probe<'n>,
    out: &mut Exports,
) -> Result<Option<Source>> {
    for name in table::list_sheets(&f.path).into_iter().filter(|n| n != first) {
        let mut other = table::open(&f.path, Some(&name), options.limits)?;
        let mut part = Exports::default();
        let p = read_sheet(&mut other, &options.names, options.max_rows, &mut part)?;
        if p.header.is_some() {
            out.append(part, 0);
            out.warnings.push(Warning::File {
                file: f.display.clone(),
                problem: FileProblem::OtherSheet {
                    first: first.to_string(),
                    read: name,
                },
            });
            *probe = p;
            return Ok(Some(other));
        }
        if p.required_found() > probe.required_found() {
            *probe = p;
        }
    }
    Ok(None)
}

/// Each mapped field's header; a warning for a header that stands in
/// more than one column (the first is read).
fn mapping_of(f: &ExportFile, header: &Header, out: &mut Exports) -> Vec<(Field, String)> {
    let headers = &header.names;
    let mapping: Vec<(Field, String)> = FIELDS
        .iter()
        .filter_map(|&field| Some((field, headers.get(header.columns[field.index()]?)?.clone())))
        .collect();
    for (field, name) in &mapping {
        let name = &crate::lang::shown(name, 80);
        let folded = parse::fold_header(name);
        let same: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| parse::fold_header(h) == folded)
            .map(|(i, _)| i + 1)
            .collect();
        if same.len() > 1 {
            out.warnings.push(Warning::File {
                file: f.display.clone(),
                problem: FileProblem::HeaderTwice {
                    header: name.clone(),
                    columns: same,
                    field: *field,
                },
            });
        }
    }
    mapping
}

/// A file without a header row: skipped when found in a folder and no
/// record maps a required field (a read-me, notes), else the error with
/// the columns missing and a `[columns]` suggestion.
fn no_header(f: &ExportFile, probe: &Probe, first_sheet: Option<String>, lang: Lang, out: &mut Exports) -> Result<()> {
    let (found, missing, suggestion) = what_is_missing(probe);
    if probe.required_found() == 0 && !f.explicit {
        // Its values may still read like an export under other names:
        // then the reason says how to map them.
        let hint = suggestion
            .as_ref()
            .filter(|s| s.lines().count() == 4)
            .map(|s| {
                let block = s.lines().skip(1).collect::<Vec<_>>().join(", ");
                lang.pick(
                    format!(" (om det är en export: lägg till under [columns] i avropskoll.toml: {block})"),
                    format!(" (if it is an export: add under [columns] in avropskoll.toml: {block})"),
                )
            })
            .unwrap_or_default();
        out.skipped.push(Skipped {
            file: f.display.clone(),
            reason: lang.pick(
                format!(
                    "inte en export: ingen av de 50 första raderna har kolumnerna datum, leverantör eller belopp{hint}"
                ),
                format!("not an export: none of its first 50 records has a date, supplier or amount column{hint}"),
            ),
        });
        return Ok(());
    }
    Err(Error::MissingColumns {
        path: f.path.clone(),
        sheet: first_sheet,
        missing,
        // Quoted from the file: escaped and capped (a binary file's
        // first "record" may be megabytes of NUL bytes).
        found: found
            .iter()
            .filter(|t| !t.is_empty())
            .take(40)
            .map(|t| crate::lang::shown(t, 80))
            .collect(),
        suggestion,
    })
}

/// Without a header row: the texts taken as the header, the required
/// fields they miss, and the `[columns]` suggestion. With no record
/// mapping a required field, the header is taken to be the record with
/// the most text cells that read as neither dates nor amounts (a title
/// block has fewer).
fn what_is_missing(probe: &Probe) -> (Vec<String>, Vec<Field>, Option<String>) {
    let guessed = probe
        .samples
        .iter()
        .map(|(line, cells)| (cells.iter().filter(|c| c.is_label()).count(), *line))
        .filter(|(n, _)| *n >= 2)
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, line)| line);
    let guessed_texts = guessed
        .and_then(|l| probe.samples.iter().find(|(x, _)| *x == l))
        .map(|(_, cells)| cells.iter().map(suggest::Sample::text).collect::<Vec<_>>());
    let (mapped, found) = match (&probe.best, guessed_texts) {
        (Some((_, h)), _) => (h.columns.to_vec(), h.names.clone()),
        (None, Some(texts)) => (vec![None; N_FIELDS], texts),
        (None, None) => (vec![None; N_FIELDS], probe.search.first_texts.clone()),
    };
    let missing: Vec<Field> = FIELDS
        .iter()
        .copied()
        .filter(|f| f.required() && mapped.get(f.index()).copied().flatten().is_none())
        .collect();
    let header_line = probe.best.as_ref().map(|(_, h)| h.line).or(guessed);
    let below: Vec<Vec<suggest::Sample>> = probe
        .samples
        .iter()
        .filter(|(l, _)| header_line.is_some_and(|h| *l > h))
        .map(|(_, c)| c.clone())
        .collect();
    let suggestion = suggest::suggest(&found, &below, &mapped, &missing);
    (found, missing, suggestion)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn maps_headers_by_folded_names_earlier_names_winning() {
        let names = ColumnNames::default();
        let cols = names.map(&strings(&[
            "Datum",
            "Bokf.datum",
            "Lev.namn",
            "Belopp",
            "Belopp exkl. moms",
            "Konto",
        ]));
        assert_eq!(cols[Field::Date.index()], Some(1));
        assert_eq!(cols[Field::Supplier.index()], Some(2));
        assert_eq!(cols[Field::Amount.index()], Some(4));
        assert_eq!(cols[Field::Account.index()], Some(5));
        assert_eq!(cols[Field::OrgNr.index()], None);
        // "Belopp inkl moms" is not "Belopp".
        let cols = names.map(&strings(&["Datum", "Leverantör", "Belopp inkl moms"]));
        assert_eq!(cols[Field::Amount.index()], None);
    }

    #[test]
    fn a_unit_name_column_is_found_beside_a_unit_only() {
        let names = ColumnNames::default();
        let headers = strings(&["Datum", "Leverantör", "Belopp", "Ansvar", "Ansvar (T)", "Ansvarsnamn"]);
        let columns = names.map(&headers);
        // The first that looks like a name: column 4 (0-based).
        assert_eq!(names.unit_name_column(&headers, &columns), Some(4));
        // Without a unit column a name has nothing to name.
        let headers = strings(&["Datum", "Leverantör", "Belopp", "Ansvarsnamn"]);
        assert_eq!(names.unit_name_column(&headers, &names.map(&headers)), None);
        // The config's name wins over the look of a header.
        let mut o = HashMap::new();
        o.insert(UNIT_NAME_KEY.to_string(), vec!["Klartext".to_string()]);
        let names = ColumnNames::with_overrides(&o).expect("valid");
        let headers = strings(&["Datum", "Leverantör", "Belopp", "Ansvar", "Ansvar (T)", "Klar text"]);
        assert_eq!(names.unit_name_column(&headers, &names.map(&headers)), Some(5));
    }

    #[test]
    fn config_names_come_first() {
        let mut o = HashMap::new();
        o.insert("amount".to_string(), vec!["Summa SEK".to_string()]);
        let names = ColumnNames::with_overrides(&o).expect("valid");
        let cols = names.map(&strings(&["Datum", "Leverantör", "Belopp", "Summa SEK"]));
        assert_eq!(cols[Field::Amount.index()], Some(3));
        o.insert("belopp".to_string(), vec![]);
        assert!(ColumnNames::with_overrides(&o).is_err());
    }
}
