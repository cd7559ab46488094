//! Reading exports: finding the files, finding the header row and mapping
//! its columns to fields, and turning every record into a [`Row`] with its
//! date and amount parsed by the spec's rules. Nothing is matched here; a row
//! that cannot be read is kept as rejected (or a totals row) with its reason.

pub mod header;
pub mod table;

use crate::error::{Error, Result};
use crate::parse::{self, Amount};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use table::{Cell, CsvRecords, Format, Source};

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
}

pub const FIELDS: [Field; 9] = [
    Field::Date,
    Field::Supplier,
    Field::OrgNr,
    Field::Amount,
    Field::Agreement,
    Field::Unit,
    Field::Orderer,
    Field::Account,
    Field::Id,
];

/// The interned text fields, in the order of [`Row::text`]. The invoice
/// id is not interned (it is unique per row: a hash table of ten million
/// ids is bound by memory latency); it is kept in [`Exports::ids`].
pub const TEXT_FIELDS: [Field; 6] = [
    Field::Supplier,
    Field::OrgNr,
    Field::Agreement,
    Field::Unit,
    Field::Orderer,
    Field::Account,
];

impl Field {
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
        }
    }

    pub fn required(self) -> bool {
        matches!(self, Field::Date | Field::Supplier | Field::Amount)
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
/// defaults.
#[derive(Debug, Clone)]
pub struct ColumnNames {
    names: [Vec<String>; 9],
}

impl Default for ColumnNames {
    fn default() -> Self {
        ColumnNames {
            names: FIELDS.map(|f| f.default_names().iter().map(|n| parse::fold_header(n)).collect()),
        }
    }
}

impl ColumnNames {
    /// Defaults extended by the config's names (which win).
    pub fn with_overrides(overrides: &HashMap<String, Vec<String>>) -> Result<Self> {
        let mut names = ColumnNames::default();
        for (key, extra) in overrides {
            let field = Field::from_key(key).ok_or_else(|| Error::Setting {
                setting: format!("columns.{key}"),
                message: format!(
                    "unknown field; the fields are {}",
                    FIELDS.iter().map(|f| f.key()).collect::<Vec<_>>().join(", ")
                ),
            })?;
            let mut list: Vec<String> = extra.iter().map(|n| parse::fold_header(n)).collect();
            list.append(&mut names.names[field.index()]);
            names.names[field.index()] = list;
        }
        Ok(names)
    }

    /// Maps a candidate header record: the column of each field, if any.
    pub fn map(&self, headers: &[String]) -> [Option<usize>; 9] {
        let found = header::map_columns(&self.names, headers);
        std::array::from_fn(|i| found.get(i).copied().flatten())
    }
}

fn has_required(columns: &[Option<usize>; 9]) -> bool {
    FIELDS.iter().all(|f| !f.required() || columns[f.index()].is_some())
}

/// An interned string: the index into [`Strings`]. 0 is the empty string.
pub type Sym = u32;

/// String interner for the text fields of all rows: rows stay small and
/// comparing or hashing them is cheap. The strings live in one arena (no
/// allocation per string); a hash table of indices finds them.
pub struct Strings {
    arena: String,
    spans: Vec<(usize, usize)>,
    table: hashbrown::HashTable<Sym>,
    state: foldhash::quality::FixedState,
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({} distinct)", self.spans.len())
    }
}

impl Default for Strings {
    fn default() -> Self {
        let mut s = Strings {
            arena: String::new(),
            spans: Vec::new(),
            table: hashbrown::HashTable::new(),
            state: foldhash::quality::FixedState::default(),
        };
        s.intern("");
        s
    }
}

impl Strings {
    pub fn intern(&mut self, s: &str) -> Sym {
        use std::hash::BuildHasher;
        let Strings {
            arena,
            spans,
            table,
            state,
        } = self;
        let text = |id: Sym| {
            let (a, b) = spans[id as usize];
            &arena[a..b]
        };
        let hash = state.hash_one(s);
        if let Some(&id) = table.find(hash, |&id| text(id) == s) {
            return id;
        }
        let id = spans.len() as Sym;
        let start = arena.len();
        arena.push_str(s);
        spans.push((start, arena.len()));
        let (arena, spans) = (&*arena, &*spans);
        table.insert_unique(hash, id, |&id| {
            let (a, b) = spans[id as usize];
            state.hash_one(&arena[a..b])
        });
        id
    }

    pub fn get(&self, id: Sym) -> &str {
        self.spans.get(id as usize).map_or("", |&(a, b)| &self.arena[a..b])
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.len() <= 1
    }

    /// Every string, in order of their [`Sym`].
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(a, b)| &self.arena[a..b])
    }
}

/// How a row came out of reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Date and amount readable.
    Normal,
    /// Date unreadable and a cell begins with Summa/Totalt/Total.
    Total,
    /// Date or amount unreadable; see [`Rejection`].
    Rejected,
}

/// One non-empty record after the header row.
#[derive(Debug, Clone)]
pub struct Row {
    /// Index into [`Exports::files`].
    pub file: u32,
    /// 1-based record number in the file (sheet row in a workbook).
    pub line: u32,
    /// Days since 1970-01-01, when readable.
    pub date: Option<i32>,
    pub amount: Option<Amount>,
    /// Trimmed text of the fields in [`TEXT_FIELDS`] order.
    pub text: [Sym; 6],
    /// The invoice id's place in [`Exports::ids`] (start, end).
    pub id: (u32, u32),
    pub kind: RowKind,
}

impl Row {
    pub fn get(&self, field: Field) -> Sym {
        TEXT_FIELDS.iter().position(|f| *f == field).map_or(0, |i| self.text[i])
    }
}

/// Why a row was rejected: each unreadable column with its header and value.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub row: usize,
    pub problems: Vec<(Field, String, String)>,
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
    pub rows: usize,
}

/// Everything read from the exports.
#[derive(Debug, Default)]
pub struct Exports {
    pub files: Vec<FileInfo>,
    pub rows: Vec<Row>,
    pub rejections: Vec<Rejection>,
    pub strings: Strings,
    /// Files found but skipped, with the reason (for the terminal).
    pub skipped: Vec<Skipped>,
    /// The invoice ids of all rows, one after the other (see [`Row::id`]).
    pub ids: String,
    /// Things the user should know that do not stop the run (an empty file,
    /// a header name used twice, bytes that were not valid UTF-8).
    pub warnings: Vec<String>,
}

/// One export file to read, with its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub path: PathBuf,
    pub display: String,
}

/// A file found but not read, with the reason.
pub type Skipped = (String, String);

/// Finds the export files under the given paths (folders recursively,
/// extensions without case), sorted by path, each file once.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<ExportFile>, Vec<Skipped>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|e| Error::Setting {
            setting: "--exports".into(),
            message: format!("{}: {e}", root.display()),
        })?;
        if meta.is_dir() {
            walk(root, root, &mut files, &mut skipped).map_err(|e| Error::Export {
                path: root.clone(),
                message: e.to_string(),
            })?;
        } else {
            let display = root
                .file_name()
                .map_or_else(|| root.display().to_string(), |n| n.to_string_lossy().into_owned());
            files.push(ExportFile {
                path: root.clone(),
                display,
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone())));
    if files.is_empty() {
        return Err(Error::Setting {
            setting: "--exports".into(),
            message: format!(
                "no export files (csv, xlsx, xls, xlsb, ods) found in {}",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok((files, skipped))
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<ExportFile>, skipped: &mut Vec<Skipped>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(root, &path, files, skipped)?;
            continue;
        }
        let display = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let name = entry.file_name().to_string_lossy().into_owned();
        if Format::from_path(&path).is_none() {
            continue;
        }
        if name.starts_with("~$") || name.starts_with(".~lock") {
            skipped.push((display, "an Excel/LibreOffice lock file".into()));
            continue;
        }
        files.push(ExportFile { path, display });
    }
    Ok(())
}

/// Reads all files into one [`Exports`], in parallel, merged in path order
/// (so the result is the same as reading them one by one). `progress` is
/// called with the bytes of each file once it is read.
pub fn read_all(files: &[ExportFile], options: &ReadOptions, progress: &(dyn Fn(u64) + Sync)) -> Result<Exports> {
    let parts: Vec<Result<Exports>> = files
        .par_iter()
        .map(|f| {
            let mut part = Exports::default();
            let r = read_file(f, options, &mut part).map(|()| part);
            progress(std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0));
            r
        })
        .collect();
    let mut out = Exports::default();
    for part in parts {
        out.append(part?);
        if out.rows.len() as u64 > options.max_rows || out.ids.len() as u64 > u32::MAX as u64 / 2 {
            let last = out.files.last().map(|f| f.path.clone()).unwrap_or_default();
            return Err(Error::Limit {
                path: last,
                message: format!(
                    "the exports hold more than {} rows in all (max_rows in the config), or more than 2 GB of invoice ids",
                    options.max_rows
                ),
            });
        }
    }
    Ok(out)
}

/// How exports are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub names: ColumnNames,
    /// Sheet to read in workbooks (default: the first).
    pub sheet: Option<String>,
    pub limits: table::Limits,
    /// Most rows read in all.
    pub max_rows: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            names: ColumnNames::default(),
            sheet: None,
            limits: table::Limits::default(),
            max_rows: 50_000_000,
        }
    }
}

impl Exports {
    /// A row's invoice id.
    pub fn id(&self, row: &Row) -> &str {
        self.ids.get(row.id.0 as usize..row.id.1 as usize).unwrap_or("")
    }

    /// Appends what another [`Exports`] read, re-interning its strings.
    fn append(&mut self, part: Exports) {
        if self.files.is_empty() && self.rows.is_empty() && self.strings.is_empty() {
            // The first part becomes the whole: nothing to re-intern.
            let (skipped, warnings) = (std::mem::take(&mut self.skipped), std::mem::take(&mut self.warnings));
            *self = part;
            self.skipped.splice(0..0, skipped);
            self.warnings.splice(0..0, warnings);
            return;
        }
        let remap: Vec<Sym> = part.strings.iter().map(|s| self.strings.intern(s)).collect();
        let file_offset = self.files.len() as u32;
        let row_offset = self.rows.len();
        self.files.extend(part.files);
        self.rejections.extend(part.rejections.into_iter().map(|mut r| {
            r.row += row_offset;
            r
        }));
        let id_offset = self.ids.len() as u32;
        self.ids.push_str(&part.ids);
        self.rows.extend(part.rows.into_iter().map(|mut r| {
            r.file += file_offset;
            for t in &mut r.text {
                *t = remap[*t as usize];
            }
            r.id = (r.id.0 + id_offset, r.id.1 + id_offset);
            r
        }));
        self.skipped.extend(part.skipped);
        self.warnings.extend(part.warnings);
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
struct Header {
    line: usize,
    columns: [Option<usize>; 9],
    names: Vec<String>,
}

/// Looks at one of the first 50 records: the header if it maps the required
/// fields; remembers the first non-empty record for messages.
fn probe_header(names: &ColumnNames, line: usize, cells: &[Cell], first_texts: &mut Vec<String>) -> Option<Header> {
    let texts: Vec<String> = cells.iter().map(Cell::text).collect();
    if first_texts.is_empty() && texts.iter().any(|t| !t.is_empty()) {
        *first_texts = texts.clone();
    }
    let columns = names.map(&texts);
    has_required(&columns).then_some(Header {
        line,
        columns,
        names: texts,
    })
}

/// Where the data records of one file (or one chunk of it) go.
struct Sink<'a> {
    part: &'a mut Exports,
    header: &'a Header,
    max_rows: u64,
    over_limit: bool,
}

impl Sink<'_> {
    /// Reads the CSV records of `text`, the first being record `first_line`
    /// of the file, until the end or a limit.
    fn feed(&mut self, text: &str, delimiter: u8, first_line: usize) {
        let mut records = CsvRecords::new(text, delimiter);
        let mut cells = Vec::new();
        while let Some(n) = records.next_record(&mut cells) {
            if !self.push(first_line + n - 1, &cells) {
                break;
            }
        }
    }

    /// Reads one record below the header; false to stop (a limit).
    fn push(&mut self, line: usize, cells: &[Cell]) -> bool {
        if cells.iter().all(Cell::is_empty) {
            return true;
        }
        let Exports {
            rows,
            rejections,
            strings,
            ids,
            ..
        } = &mut *self.part;
        if rows.len() as u64 >= self.max_rows || ids.len() as u64 > u32::MAX as u64 / 2 {
            self.over_limit = true;
            return false;
        }
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
        let mut text = [0; 6];
        for (slot, field) in text.iter_mut().zip(TEXT_FIELDS) {
            *slot = strings.intern(&cell(field).text_cow());
        }
        let id_start = ids.len() as u32;
        ids.push_str(&cell(Field::Id).text_cow());
        let id = (id_start, ids.len() as u32);
        let kind = if date.is_none() && cells.iter().any(|c| parse::is_totals_label(&c.text_cow())) {
            RowKind::Total
        } else if date.is_none() || amount.is_none() {
            let mut problems = Vec::new();
            for (field, ok, c) in [
                (Field::Date, date.is_some(), date_cell),
                (Field::Amount, amount.is_some(), amount_cell),
            ] {
                if !ok {
                    let header = columns[field.index()]
                        .and_then(|i| self.header.names.get(i))
                        .cloned()
                        .unwrap_or_default();
                    problems.push((field, header, c.text()));
                }
            }
            rejections.push(Rejection {
                row: rows.len(),
                problems,
            });
            RowKind::Rejected
        } else {
            RowKind::Normal
        };
        rows.push(Row {
            file: 0,
            line: line as u32,
            date: date.map(parse::date_to_days),
            amount,
            text,
            id,
            kind,
        });
        true
    }
}

/// Reads the CSV records below the header; returns true when a limit
/// stopped it. A large file whose data holds no quote and no bare CR (so
/// that every LF ends a record) is cut at LFs into chunks read side by side
/// and merged in order: the result is the same as reading it in one go.
fn read_csv_data(data: &str, delimiter: u8, header: &Header, max_rows: u64, out: &mut Exports) -> bool {
    let bytes = data.as_bytes();
    let bare_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
    let chunks = rayon::current_num_threads().max(1) * 2;
    if data.len() < 8 << 20 || chunks < 2 || bare_cr || memchr::memchr(b'"', bytes).is_some() {
        let mut sink = Sink {
            part: out,
            header,
            max_rows,
            over_limit: false,
        };
        sink.feed(data, delimiter, header.line + 1);
        return sink.over_limit;
    }
    let mut bounds = vec![0usize];
    for k in 1..chunks {
        let target = data.len() * k / chunks;
        let at = memchr::memchr(b'\n', &bytes[target..]).map_or(data.len(), |p| target + p + 1);
        if at > *bounds.last().unwrap_or(&0) && at < data.len() {
            bounds.push(at);
        }
    }
    bounds.push(data.len());
    let mut first_lines = Vec::with_capacity(bounds.len());
    let mut line = header.line + 1;
    for w in bounds.windows(2) {
        first_lines.push(line);
        line += memchr::memchr_iter(b'\n', &bytes[w[0]..w[1]]).count();
    }
    let parts: Vec<(Exports, bool)> = bounds
        .windows(2)
        .zip(first_lines)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(w, first_line)| {
            let mut part = Exports::default();
            let mut sink = Sink {
                part: &mut part,
                header,
                max_rows,
                over_limit: false,
            };
            sink.feed(&data[w[0]..w[1]], delimiter, first_line);
            let over = sink.over_limit;
            (part, over)
        })
        .collect();
    for (part, over) in parts {
        if over {
            return true;
        }
        out.append(part);
    }
    out.rows.len() as u64 > max_rows
}

fn read_file(f: &ExportFile, options: &ReadOptions, out: &mut Exports) -> Result<()> {
    let names = &options.names;
    let mut source = table::open(&f.path, options.sheet.as_deref(), options.limits)?;
    if let Source::Csv(c) = &source {
        let d = table::best_delimiter(&c.text, |cells| header_score(names, cells));
        if c.encoding.contains("invalid") {
            out.warnings.push(format!(
                "{}: the file starts with a UTF-8 byte-order mark but holds bytes that are not UTF-8; they were read as \u{fffd} (check the export's encoding)",
                f.display
            ));
        }
        source = source.with_delimiter(d);
    }
    let max_rows = options.max_rows;
    let mut header: Option<Header> = None;
    let mut first_texts: Vec<String> = Vec::new();
    let mut over_limit = false;
    if let Source::Csv(c) = &source {
        let mut records = CsvRecords::new(&c.text, c.delimiter);
        let mut cells = Vec::new();
        let mut seen = 0;
        while let Some(line) = records.next_record(&mut cells) {
            seen += 1;
            if seen > 50 {
                break;
            }
            if let Some(h) = probe_header(names, line, &cells, &mut first_texts) {
                header = Some(h);
                break;
            }
        }
        if let Some(h) = &header {
            over_limit = read_csv_data(&c.text[records.position()..], c.delimiter, h, max_rows, out);
        }
    } else {
        let mut seen = 0usize;
        let mut found: Option<Header> = None;
        let mut part = Exports::default();
        let mut limit_hit = false;
        source.for_each_record(&mut |line, cells| {
            if let Some(h) = &found {
                let mut sink = Sink {
                    part: &mut part,
                    header: h,
                    max_rows,
                    over_limit: false,
                };
                let go_on = sink.push(line, cells);
                limit_hit |= sink.over_limit;
                return go_on;
            }
            seen += 1;
            if seen > 50 {
                return false;
            }
            found = probe_header(names, line, cells, &mut first_texts);
            true
        })?;
        header = found;
        over_limit = limit_hit;
        out.append(part);
    }
    if over_limit {
        return Err(Error::Limit {
            path: f.path.clone(),
            message: format!(
                "the file holds more than {max_rows} rows (max_rows in the config), or more than 2 GB of invoice ids"
            ),
        });
    }
    if header.is_none() && first_texts.is_empty() {
        // Nothing but blank records: an empty export, not a broken one.
        out.warnings
            .push(format!("{}: the file is empty (no rows read)", f.display));
        out.files.push(FileInfo {
            path: f.path.clone(),
            display: f.display.clone(),
            description: source.describe(),
            header_row: 0,
            mapping: Vec::new(),
            rows: 0,
        });
        return Ok(());
    }
    let Some(Header {
        line: header_row,
        columns,
        names: headers,
    }) = header
    else {
        let missing = FIELDS
            .iter()
            .filter(|f| f.required())
            .map(|f| format!("{} ({})", f.key(), f.default_names().join(" / ")))
            .collect();
        return Err(Error::MissingColumns {
            path: f.path.clone(),
            missing,
            found: first_texts.into_iter().filter(|t| !t.is_empty()).collect(),
        });
    };
    let mapping: Vec<(Field, String)> = FIELDS
        .iter()
        .filter_map(|&field| Some((field, headers.get(columns[field.index()]?)?.clone())))
        .collect();
    for (field, header) in &mapping {
        let folded = parse::fold_header(header);
        let same: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| parse::fold_header(h) == folded)
            .map(|(i, _)| i + 1)
            .collect();
        if same.len() > 1 {
            out.warnings.push(format!(
                "{}: the header '{header}' stands in columns {}; the first was read as {}",
                f.display,
                same.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
                field.key()
            ));
        }
    }
    out.files.push(FileInfo {
        path: f.path.clone(),
        display: f.display.clone(),
        description: source.describe(),
        header_row,
        mapping,
        rows: out.rows.len(),
    });
    Ok(())
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
