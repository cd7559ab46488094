//! A file as a table of records: CSV (encoding and delimiter detected) or
//! the first (or a named) sheet of a workbook read through calamine. Both
//! give records of [`Cell`]s with the record's 1-based number in the file.

use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::parse;
use calamine::{Data, Reader};
use chrono::NaiveDate;
use std::borrow::Cow;
use std::path::Path;

/// One cell as read, before any field-specific parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    /// A spreadsheet date cell; `None` when it holds an impossible date.
    Date(Option<NaiveDate>),
    /// A spreadsheet error value such as `#N/A`.
    Error(String),
    Bool(bool),
}

impl Cell<'_> {
    /// The cell as trimmed text (numbers integral without `.0`).
    pub fn text(&self) -> String {
        self.text_cow().into_owned()
    }

    pub fn text_cow(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s.trim()),
            Cell::Number(v) => Cow::Owned(parse::number_text(*v)),
            Cell::Date(Some(d)) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
            Cell::Date(None) => Cow::Borrowed("#DATE?"),
            Cell::Error(e) => Cow::Borrowed(e.as_str()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A spreadsheet date cell's date, if the cell is one.
pub fn cell_date(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => *d,
        _ => None,
    }
}

/// The kinds of file read, by extension (compared without case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Xls,
    Xlsb,
    Ods,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" | "txt" | "tsv" => Format::Csv,
            "xlsx" | "xlsm" => Format::Xlsx,
            "xls" => Format::Xls,
            "xlsb" => Format::Xlsb,
            "ods" => Format::Ods,
            _ => return None,
        })
    }
}

/// A file opened for reading records.
pub enum Source {
    Csv(CsvText),
    /// xls, xlsb, ods: the sheet loaded whole.
    Sheet {
        range: calamine::Range<Data>,
        sheet: String,
    },
    /// Rows of text already split (an HTML table saved as .xls).
    Rows {
        rows: Vec<Vec<String>>,
        what: String,
    },
    /// xlsx: cells streamed, so that a sheet with millions of formatted but
    /// empty rows costs no memory.
    Xlsx {
        workbook: Box<calamine::Xlsx<std::io::BufReader<std::fs::File>>>,
        sheet: String,
        path: std::path::PathBuf,
    },
}

/// Limits on what one file may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file read, bytes.
    pub max_file_bytes: u64,
    /// Largest total a workbook's (zip) parts may expand to, bytes; beyond
    /// it, or at a compression ratio above 200:1 past 100 MB, the file is
    /// taken for a zip bomb and refused.
    pub max_unzipped_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 2 << 30,
            max_unzipped_bytes: 8 << 30,
        }
    }
}

/// How the bytes of a CSV file become text: field by field, so that no
/// decoded copy of the file is ever held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (invalid bytes, when allowed, become U+FFFD and are counted).
    Utf8,
    Windows1252,
}

impl Encoding {
    /// A field's text. `invalid` is set when UTF-8 bytes were not valid.
    pub fn text<'a>(self, bytes: &'a [u8], invalid: &mut bool) -> Cow<'a, str> {
        match self {
            Encoding::Utf8 => match std::str::from_utf8(bytes) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => {
                    *invalid = true;
                    String::from_utf8_lossy(bytes)
                }
            },
            Encoding::Windows1252 => match std::str::from_utf8(bytes) {
                Ok(s) if bytes.is_ascii() => Cow::Borrowed(s),
                _ => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
            },
        }
    }

    fn text_owned(self, bytes: Vec<u8>, invalid: &mut bool) -> String {
        match self.text(&bytes, invalid) {
            Cow::Borrowed(_) => String::from_utf8(bytes).unwrap_or_default(),
            Cow::Owned(s) => s,
        }
    }
}

/// UTF-16 bytes (`raw`) turned into UTF-8 at the end of `out`: all of them
/// when `last`, else up to the last whole character (an odd byte or the
/// first half of a surrogate pair stays in `raw` for the next block), so
/// that decoding block by block gives the text of decoding in one go.
pub fn utf16_to_utf8(enc: &'static encoding_rs::Encoding, raw: &mut Vec<u8>, out: &mut Vec<u8>, last: bool) {
    let mut n = if last { raw.len() } else { raw.len() & !1 };
    if !last && n >= 2 {
        let unit = match (raw.get(n - 2), raw.get(n - 1)) {
            (Some(&a), Some(&b)) if enc == encoding_rs::UTF_16LE => u16::from_le_bytes([a, b]),
            (Some(&a), Some(&b)) => u16::from_be_bytes([a, b]),
            _ => 0,
        };
        if (0xD800..0xDC00).contains(&unit) {
            n -= 2;
        }
    }
    let (text, _) = enc.decode_without_bom_handling(raw.get(..n).unwrap_or(&[]));
    out.extend_from_slice(text.as_bytes());
    raw.drain(..n);
}

/// The bytes read first from a CSV file: enough for the header search and
/// the delimiter; the rest is streamed (see [`super::chunks`]).
pub const HEAD_BYTES: u64 = 4 << 20;

/// A CSV file: its first block (or all of it), the encoding detected and
/// the delimiter.
pub struct CsvText {
    pub path: std::path::PathBuf,
    /// The file's size in bytes.
    pub size: u64,
    /// The file's first bytes after any byte-order mark (all of a small
    /// file; of a UTF-16 file, its first block turned into UTF-8).
    pub head: Vec<u8>,
    /// Where the bytes after `head` start in the file, when there are more.
    pub rest_from: Option<u64>,
    pub encoding: Encoding,
    /// The encoding's name for the user.
    pub encoding_name: &'static str,
    /// Invalid UTF-8 is replaced (a file with a UTF-8 byte-order mark)
    /// rather than taken as a sign of Windows-1252.
    pub lossy: bool,
    /// A UTF-16 file: its bytes are turned into UTF-8 as they are read.
    pub utf16: Option<&'static encoding_rs::Encoding>,
    pub delimiter: u8,
    /// The delimiter was named by Excel's `sep=;` first line.
    pub declared: bool,
}

impl CsvText {
    /// Reads the first block of a CSV file and detects its encoding: a
    /// byte-order mark (UTF-8, UTF-16 LE/BE), else UTF-8 if valid, else
    /// Windows-1252. A file whose head is valid UTF-8 but whose later bytes
    /// are not is read again as Windows-1252 (see [`super::read_all`]).
    pub fn open(path: &Path, size: u64) -> std::io::Result<CsvText> {
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        let mut head = Vec::new();
        (&mut file).take(HEAD_BYTES).read_to_end(&mut head)?;
        let mut read = head.len() as u64;
        let utf16 = if head.starts_with(b"\xFF\xFE") {
            Some(encoding_rs::UTF_16LE)
        } else if head.starts_with(b"\xFE\xFF") {
            Some(encoding_rs::UTF_16BE)
        } else {
            None
        };
        let (encoding, encoding_name, lossy) = if let Some(enc) = utf16 {
            // Decoded a block at a time, like the rest of the file (see
            // `utf16_to_utf8`); bytes of an unfinished character are read
            // again with the next block.
            let mut raw = head.split_off(2);
            let mut text = Vec::new();
            utf16_to_utf8(enc, &mut raw, &mut text, read >= size);
            read -= raw.len() as u64;
            // Byte-order marks at the start (one is usual) are not text.
            let bom = "\u{feff}".as_bytes();
            while text.starts_with(bom) {
                text.drain(..bom.len());
            }
            head = text;
            (
                Encoding::Utf8,
                if enc == encoding_rs::UTF_16LE {
                    "UTF-16LE"
                } else {
                    "UTF-16BE"
                },
                true,
            )
        } else if head.starts_with(b"\xEF\xBB\xBF") {
            head.drain(..3);
            (Encoding::Utf8, "UTF-8 (BOM)", true)
        } else {
            let complete = read >= size;
            let valid = match std::str::from_utf8(&head) {
                Ok(_) => true,
                // Cut inside a character at the end of the block.
                Err(e) => !complete && e.error_len().is_none(),
            };
            if valid {
                (Encoding::Utf8, "UTF-8", false)
            } else {
                (Encoding::Windows1252, "Windows-1252", false)
            }
        };
        let first_line = head.split(|&b| b == b'\n' || b == b'\r').next().unwrap_or(&[]);
        let declared = declared_delimiter(&String::from_utf8_lossy(first_line));
        let mut csv = CsvText {
            path: path.to_path_buf(),
            size,
            head,
            rest_from: (read < size).then_some(read),
            utf16,
            encoding,
            encoding_name,
            lossy,
            delimiter: b';',
            declared: declared.is_some(),
        };
        csv.delimiter =
            declared.unwrap_or_else(|| csv.best_delimiter(|cells| cells.iter().filter(|c| !c.is_empty()).count()));
        Ok(csv)
    }

    /// Appends the bytes from `from` on to the head.
    fn read_rest(&mut self, from: u64) -> std::io::Result<()> {
        use std::io::{Read, Seek};
        let mut file = std::fs::File::open(&self.path)?;
        file.seek(std::io::SeekFrom::Start(from))?;
        match self.utf16 {
            Some(enc) => {
                let mut raw = Vec::new();
                file.read_to_end(&mut raw)?;
                utf16_to_utf8(enc, &mut raw, &mut self.head, true);
            }
            None => {
                file.read_to_end(&mut self.head)?;
            }
        }
        Ok(())
    }

    /// The records of the head.
    pub fn records(&self, delimiter: u8) -> CsvRecords<'_> {
        CsvRecords::new(&self.head, delimiter, self.encoding)
    }

    /// Picks the delimiter whose best record among the first 50 scores highest.
    pub fn best_delimiter(&self, score: impl Fn(&[Cell]) -> usize) -> u8 {
        best_delimiter_in(&self.head, self.encoding, score)
    }

    /// The same file read as Windows-1252 (its later bytes were not UTF-8).
    pub fn as_windows_1252(&self) -> std::io::Result<CsvText> {
        let size = std::fs::metadata(&self.path)?.len();
        let mut again = CsvText::open(&self.path, size)?;
        again.encoding = Encoding::Windows1252;
        again.encoding_name = "Windows-1252";
        again.delimiter = self.delimiter;
        again.declared = self.declared;
        Ok(again)
    }
}

/// Excel's `sep=;` (or `sep=,`, `sep=\t`) first line: the delimiter.
pub fn declared_delimiter(text: &str) -> Option<u8> {
    let first = text.lines().next()?.trim_end_matches(['\r', '\n']);
    let rest = first.strip_prefix("sep=").or_else(|| first.strip_prefix("SEP="))?;
    match rest.trim_matches('"') {
        ";" => Some(b';'),
        "," => Some(b','),
        "\t" | "\\t" => Some(b'\t'),
        _ => None,
    }
}

/// Delimiters tried, in order of preference on a tie.
pub const DELIMITERS: [u8; 3] = [b';', b',', b'\t'];

/// Opens a file as a table. For CSV the delimiter is the one that gives the
/// most non-empty cells in its widest record among the first 50; callers
/// that know better (exports: the most mapped fields) use [`Source::with_delimiter`].
pub fn open(path: &Path, sheet: Option<&str>, limits: Limits) -> Result<Source> {
    let io = |e: std::io::Error| Error::Export {
        path: path.to_path_buf(),
        message: Text::io(&e),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(Error::Export {
            path: path.to_path_buf(),
            message: super::discover::not_regular(&meta),
        });
    }
    let size = meta.len();
    if size > limits.max_file_bytes {
        let (mb, max) = (size >> 20, limits.max_file_bytes >> 20);
        return Err(Error::Limit {
            path: path.to_path_buf(),
            message: Text::new(
                format!("filen är {mb} MB, mer än gränsen {max} MB (max_file_mb i avropskoll.toml)"),
                format!("the file is {mb} MB, more than the limit of {max} MB (max_file_mb in the config)"),
            ),
        });
    }
    let format = match Format::from_path(path) {
        // Many economy systems save tab- or semicolon-separated text under
        // `.xls`: read it as the text it is.
        Some(Format::Xls) if is_plain_text(path) => Some(Format::Csv),
        other => other,
    };
    match format {
        Some(Format::Csv) => Ok(Source::Csv(CsvText::open(path, size).map_err(io)?)),
        Some(Format::Xls) if markup_kind(path) == Some(Markup::Html) => {
            let bytes = std::fs::read(path).map_err(io)?;
            let (text, _) = decode(bytes);
            Ok(Source::Rows {
                rows: html_rows(&text),
                what: "HTML".into(),
            })
        }
        Some(Format::Xls) if markup_kind(path) == Some(Markup::Xml) => Err(Error::Export {
            path: path.to_path_buf(),
            message: Text::new(
                "filen är ett XML-kalkylblad (Excel 2003) med ändelsen .xls; öppna den i Excel och spara som Excel-arbetsbok (.xlsx)",
                "the file is an XML spreadsheet (Excel 2003) named .xls; open it in Excel and save it as an Excel workbook (.xlsx)",
            ),
        }),
        Some(format) => {
            check_container(path, format, size, limits)?;
            open_sheet(path, format, sheet)
        }
        None => Err(Error::Export {
            path: path.to_path_buf(),
            message: Text::new(
                "varken en CSV-fil eller en arbetsbok (xlsx, xls, xlsb, ods)",
                "not a CSV file or a workbook (xlsx, xls, xlsb, ods)",
            ),
        }),
    }
}

/// Markup saved under a workbook's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// An HTML table (what many economy systems' "export to Excel" writes).
    Html,
    /// An XML Spreadsheet 2003.
    Xml,
}

/// True when the first kilobyte of a file is text with a delimiter and no
/// NUL byte and no workbook signature (an OLE or zip header).
/// Whether [`open`] reads the file as CSV text (streamed; see
/// [`super::chunks`]) rather than as a workbook.
pub fn reads_as_csv(path: &Path) -> bool {
    match Format::from_path(path) {
        Some(Format::Csv) => true,
        Some(Format::Xls) => is_plain_text(path),
        _ => false,
    }
}

fn is_plain_text(path: &Path) -> bool {
    use std::io::Read;
    let mut head = vec![0u8; 1024];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    head.truncate(n);
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true; // Excel's "Unicode text": UTF-16 with a BOM
    }
    let signature = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || head.starts_with(b"PK");
    let text = String::from_utf8_lossy(&head);
    let markup = text.trim_start_matches('\u{feff}').trim_start().starts_with('<');
    n > 0 && !signature && !markup && !head.contains(&0) && head.iter().any(|b| matches!(b, b';' | b'\t' | b','))
}

/// Looks at the first kilobyte of a file for HTML or XML.
fn markup_kind(path: &Path) -> Option<Markup> {
    use std::io::Read;
    let mut head = vec![0u8; 1024];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    head.truncate(n);
    let text = String::from_utf8_lossy(&head).to_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with('<') {
        return None;
    }
    if text.contains("urn:schemas-microsoft-com:office:spreadsheet") || text.contains("<workbook") {
        Some(Markup::Xml)
    } else if text.contains("<html")
        || text.contains("<table")
        || text.contains("<!doctype html")
        || text.contains("<meta")
    {
        Some(Markup::Html)
    } else {
        None
    }
}

/// The rows of the HTML tables in `text`: each `<tr>` a record, each
/// `<td>`/`<th>` a cell, tags dropped and entities decoded.
pub fn html_rows(text: &str) -> Vec<Vec<String>> {
    let lower = text.to_ascii_lowercase();
    let mut rows = Vec::new();
    let mut pos = 0;
    while let Some(start) = lower.get(pos..).and_then(|t| t.find("<tr")).map(|i| i + pos) {
        let end = lower
            .get(start + 3..)
            .and_then(|t| t.find("<tr").or_else(|| t.find("</table")))
            .map_or(lower.len(), |i| i + start + 3);
        let row_text = text.get(start..end).unwrap_or("");
        let row_lower = lower.get(start..end).unwrap_or("");
        let mut cells = Vec::new();
        let mut cpos = 0;
        loop {
            let td = row_lower.get(cpos..).and_then(|t| t.find("<td")).map(|i| i + cpos);
            let th = row_lower.get(cpos..).and_then(|t| t.find("<th")).map(|i| i + cpos);
            let Some(open) = [td, th].into_iter().flatten().min() else {
                break;
            };
            let Some(content) = row_lower.get(open..).and_then(|t| t.find('>')).map(|i| i + open + 1) else {
                break;
            };
            let close = ["</td", "</th", "<td", "<th"]
                .iter()
                .filter_map(|m| row_lower.get(content..).and_then(|t| t.find(m)))
                .min()
                .map_or(row_lower.len(), |i| i + content);
            let span = row_lower
                .get(open..content)
                .and_then(|tag| tag.split("colspan=").nth(1))
                .and_then(|v| {
                    v.trim_start_matches(['"', '\''])
                        .split(|c: char| !c.is_ascii_digit())
                        .next()
                })
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 100);
            cells.push(html_text(row_text.get(content..close).unwrap_or("")));
            for _ in 1..span {
                cells.push(String::new());
            }
            cpos = close.max(content);
        }
        rows.push(cells);
        pos = end;
    }
    rows
}

/// A cell's text: tags dropped, entities decoded, whitespace collapsed.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let mut decoded = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(amp) = rest.find('&') {
        decoded.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp..).unwrap_or("");
        let semi = after.find(';').filter(|&i| i <= 10);
        let entity = semi.and_then(|i| after.get(1..i));
        let ch = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some("nbsp") => Some('\u{a0}'),
            Some("auml") => Some('ä'),
            Some("Auml") => Some('Ä'),
            Some("ouml") => Some('ö'),
            Some("Ouml") => Some('Ö'),
            Some("aring") => Some('å'),
            Some("Aring") => Some('Å'),
            Some("eacute") => Some('é'),
            Some("Eacute") => Some('É'),
            Some("uuml") => Some('ü'),
            Some("Uuml") => Some('Ü'),
            Some("minus") => Some('−'),
            Some(e) if e.starts_with("#x") || e.starts_with("#X") => e
                .get(2..)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32),
            Some(e) if e.starts_with('#') => e.get(1..).and_then(|d| d.parse().ok()).and_then(char::from_u32),
            _ => None,
        };
        match (ch, semi) {
            (Some(c), Some(i)) => {
                decoded.push(c);
                rest = after.get(i + 1..).unwrap_or("");
            }
            _ => {
                decoded.push('&');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    decoded.push_str(rest);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Before a workbook is opened: an xlsx/xlsb/ods must be a zip whose parts
/// do not expand beyond the limits (a zip bomb is refused, not expanded);
/// an OLE file named .xlsx is an encrypted workbook.
fn check_container(path: &Path, format: Format, size: u64, limits: Limits) -> Result<()> {
    let err = |message: Text| Error::Export {
        path: path.to_path_buf(),
        message,
    };
    let io = |e: std::io::Error| err(Text::io(&e));
    if format == Format::Xls {
        return Ok(());
    }
    let mut head = [0u8; 8];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(io)?;
        let n = f.read(&mut head).map_err(io)?;
        if n < 4 {
            return Err(err(Text::new(
                format!("inte en läsbar {format:?}-arbetsbok: filen är tom eller avkortad"),
                format!("not a {format:?} workbook: the file is empty or truncated"),
            )));
        }
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(err(Text::new(
            format!("inte en läsbar {format:?}-arbetsbok: den är lösenordsskyddad (krypterad), eller en gammal .xls med annat namn; spara den utan lösenord"),
            format!("not a readable {format:?} workbook: it is password-protected (encrypted), or an old .xls under another name; save it without a password"),
        )));
    }
    if !head.starts_with(b"PK") {
        return Err(err(Text::new(
            format!("inte en {format:?}-arbetsbok (en arbetsbok är en zip-fil, den här är det inte); öppna den i Excel och spara som .xlsx"),
            format!("not a {format:?} workbook (a workbook is a zip file; this one is not)"),
        )));
    }
    let broken = |e: &dyn std::fmt::Display| {
        err(Text::new(
            format!("inte en läsbar {format:?}-arbetsbok (skadad eller avkortad?): {e}"),
            format!("not a readable {format:?} workbook: {e}"),
        ))
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| broken(&e))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| broken(&e))?;
        total = total.saturating_add(entry.size());
    }
    if total > limits.max_unzipped_bytes || (total > 100 << 20 && total / size.max(1) > 200) {
        let (kb, mb) = (size >> 10, total >> 20);
        return Err(Error::Limit {
            path: path.to_path_buf(),
            message: Text::new(
                format!("arbetsboken skulle växa från {kb} kB till {mb} MB; den vägras som en möjlig zip-bomb"),
                format!("the workbook would expand from {kb} KB to {mb} MB; refused as a possible zip bomb"),
            ),
        });
    }
    Ok(())
}

/// Picks the delimiter whose best record among the first 50 scores highest.
pub fn best_delimiter(text: &str, score: impl Fn(&[Cell]) -> usize) -> u8 {
    best_delimiter_in(text.as_bytes(), Encoding::Utf8, score)
}

fn best_delimiter_in(bytes: &[u8], encoding: Encoding, score: impl Fn(&[Cell]) -> usize) -> u8 {
    let mut best = (0usize, DELIMITERS[0]);
    for d in DELIMITERS {
        let mut records = CsvRecords::new(bytes, d, encoding);
        let mut cells = Vec::new();
        let mut top = 0;
        while let Some(row) = records.next_record(&mut cells) {
            if row > 50 {
                break;
            }
            top = top.max(score(&cells));
        }
        if top > best.0 {
            best = (top, d);
        }
    }
    best.1
}

/// The sheet names of a workbook (empty when it cannot be opened as one).
pub fn list_sheets(path: &Path) -> Vec<String> {
    calamine::open_workbook_auto(path)
        .map(|wb| wb.sheet_names())
        .unwrap_or_default()
}

/// The named sheet (compared without case), or the first.
fn pick_sheet(names: &[String], sheet: Option<&str>) -> std::result::Result<String, String> {
    match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(s.trim()))
            .cloned()
            .ok_or_else(|| format!("no sheet named '{s}' (sheets: {})", names.join(", "))),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheets".to_string()),
    }
}

fn open_sheet(path: &Path, format: Format, sheet: Option<&str>) -> Result<Source> {
    use calamine::{open_workbook, Ods, Xls, Xlsb, Xlsx};
    let err = |message: String| Error::Export {
        path: path.to_path_buf(),
        message: Text::new(
            format!("inte en läsbar {format:?}-arbetsbok: {message}"),
            format!("not a readable {format:?} workbook: {message}"),
        ),
    };
    /// Opens the workbook as `R` and loads the named (or first) sheet.
    fn load<R: Reader<std::io::BufReader<std::fs::File>>>(
        path: &Path,
        sheet: Option<&str>,
    ) -> std::result::Result<(calamine::Range<Data>, String), String>
    where
        R::Error: std::fmt::Display,
    {
        let mut wb: R = open_workbook(path).map_err(|e: R::Error| e.to_string())?;
        let name = pick_sheet(&wb.sheet_names(), sheet)?;
        let range = wb.worksheet_range(&name).map_err(|e| format!("sheet '{name}': {e}"))?;
        Ok((range, name))
    }
    if format == Format::Xlsx {
        let wb: Xlsx<_> = open_workbook(path).map_err(|e: calamine::XlsxError| err(e.to_string()))?;
        let name = pick_sheet(&wb.sheet_names(), sheet).map_err(err)?;
        return Ok(Source::Xlsx {
            workbook: Box::new(wb),
            sheet: name,
            path: path.to_path_buf(),
        });
    }
    let opened = match format {
        Format::Xlsx => load::<Xlsx<_>>(path, sheet),
        Format::Xls => load::<Xls<_>>(path, sheet),
        Format::Xlsb => load::<Xlsb<_>>(path, sheet),
        Format::Ods => load::<Ods<_>>(path, sheet),
        Format::Csv => Err("not a workbook".to_string()),
    };
    let (range, sheet) = opened.map_err(err)?;
    Ok(Source::Sheet { range, sheet })
}

/// Decodes bytes by BOM (UTF-8, UTF-16 LE/BE), else UTF-8 if valid, else
/// Windows-1252. Returns the text and the encoding's name.
pub fn decode(bytes: Vec<u8>) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => (s.to_string(), "UTF-8 (BOM)"),
            Err(_) => (
                String::from_utf8_lossy(rest).into_owned(),
                "UTF-8 (BOM, invalid bytes replaced)",
            ),
        };
    }
    if bytes.starts_with(b"\xFF\xFE") {
        let (text, _, _) = encoding_rs::UTF_16LE.decode(&bytes);
        return (text.trim_start_matches('\u{feff}').to_string(), "UTF-16LE");
    }
    if bytes.starts_with(b"\xFE\xFF") {
        let (text, _, _) = encoding_rs::UTF_16BE.decode(&bytes);
        return (text.trim_start_matches('\u{feff}').to_string(), "UTF-16BE");
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, "UTF-8"),
        Err(e) => {
            let bytes = e.into_bytes();
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            (text.into_owned(), "Windows-1252")
        }
    }
}

impl Source {
    /// Sets the CSV delimiter (no effect on workbooks).
    pub fn with_delimiter(mut self, delimiter: u8) -> Self {
        if let Source::Csv(c) = &mut self {
            c.delimiter = delimiter;
        }
        self
    }

    /// A short description: encoding and delimiter, or the sheet.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Source::Csv(c) => {
                let d = match c.delimiter {
                    b'\t' => lang.pick("tabb", "tab").to_string(),
                    other => format!("'{}'", other as char),
                };
                let encoding = c.encoding_name.replace(
                    "invalid bytes replaced",
                    lang.pick("ogiltiga byte ersatta", "invalid bytes replaced"),
                );
                lang.pick(
                    format!("CSV, {encoding}, avgränsare {d}"),
                    format!("CSV, {encoding}, delimiter {d}"),
                )
            }
            Source::Sheet { sheet, .. } | Source::Xlsx { sheet, .. } => {
                lang.pick(format!("bladet '{sheet}'"), format!("sheet '{sheet}'"))
            }
            Source::Rows { what, .. } => lang.pick(
                format!("{what}-tabell sparad som .xls"),
                format!("{what} table saved as .xls"),
            ),
        }
    }

    /// The sheet read, for workbooks.
    pub fn sheet(&self) -> Option<&str> {
        match self {
            Source::Sheet { sheet, .. } | Source::Xlsx { sheet, .. } => Some(sheet),
            _ => None,
        }
    }

    /// Calls `f` with each record's 1-based number and cells until it
    /// returns false. Workbook records are numbered by sheet row.
    pub fn for_each_record(&mut self, f: &mut dyn FnMut(usize, &[Cell]) -> bool) -> Result<()> {
        match self {
            Source::Xlsx { workbook, sheet, path } => {
                let err = |e: calamine::XlsxError| Error::Export {
                    path: path.clone(),
                    message: Text::new(
                        format!("bladet '{sheet}' kan inte läsas (skadad arbetsbok?): {e}"),
                        format!("sheet '{sheet}': {e}"),
                    ),
                };
                let mut reader = workbook.worksheet_cells_reader(sheet).map_err(err)?;
                let mut current: Option<u32> = None;
                let mut cells: Vec<Cell> = Vec::new();
                while let Some(cell) = reader.next_cell().map_err(err)? {
                    let value = stream_cell(cell.get_value());
                    if value.is_empty() {
                        continue; // formatted but empty: costs nothing
                    }
                    let (row, col) = cell.get_position();
                    if current != Some(row) {
                        if let Some(r) = current {
                            if !f(r as usize + 1, &cells) {
                                return Ok(());
                            }
                        }
                        cells.clear();
                        current = Some(row);
                    }
                    let col = col as usize;
                    if cells.len() <= col {
                        cells.resize(col + 1, Cell::Empty);
                    }
                    cells[col] = value;
                }
                if let Some(r) = current {
                    f(r as usize + 1, &cells);
                }
            }
            Source::Csv(c) => {
                // A register or an organisation file: small, read whole.
                if let Some(from) = c.rest_from.take() {
                    c.read_rest(from).map_err(|e| Error::Export {
                        path: c.path.clone(),
                        message: Text::io(&e),
                    })?;
                }
                let mut records = c.records(c.delimiter);
                let mut cells = Vec::new();
                while let Some(row) = records.next_record(&mut cells) {
                    if !f(row, &cells) {
                        break;
                    }
                }
            }
            Source::Rows { rows, .. } => {
                let mut cells: Vec<Cell> = Vec::new();
                for (i, row) in rows.iter().enumerate() {
                    cells.clear();
                    cells.extend(row.iter().map(|t| Cell::Text(Cow::Borrowed(t.as_str()))));
                    if !f(i + 1, &cells) {
                        break;
                    }
                }
            }
            Source::Sheet { range, .. } => {
                let (start_row, start_col) = range.start().unwrap_or((0, 0));
                let mut cells: Vec<Cell> = Vec::new();
                for (i, row) in range.rows().enumerate() {
                    cells.clear();
                    // Keep column positions absolute so that headers and
                    // data line up whatever the range's first column.
                    cells.extend((0..start_col).map(|_| Cell::Empty));
                    cells.extend(row.iter().map(sheet_cell));
                    if !f(start_row as usize + i + 1, &cells) {
                        break;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A date cell's date (the time of day dropped); a duration as its number.
fn date_time_cell(dt: &calamine::ExcelDateTime) -> Cell<'static> {
    if dt.is_datetime() {
        let (y, m, d, ..) = dt.to_ymd_hms_milli();
        Cell::Date(NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32))
    } else {
        Cell::Number(dt.as_f64())
    }
}

/// A streamed xlsx cell as a [`Cell`].
fn stream_cell<'a>(d: &calamine::DataRef<'a>) -> Cell<'a> {
    use calamine::DataRef;
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(s)),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(Cow::Owned(s.clone())),
        DataRef::Float(v) => Cell::Number(*v),
        DataRef::Int(v) => Cell::Number(*v as f64),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_time_cell(dt),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn sheet_cell(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        Data::Float(v) => Cell::Number(*v),
        Data::Int(v) => Cell::Number(*v as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_time_cell(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// A CSV record splitter over bytes, each field decoded on its own:
/// `"` quoting with `""` escapes, records ended by CRLF, LF or a bare CR;
/// a blank line is a record of one empty cell (so record numbers match
/// line numbers outside quoted fields).
pub struct CsvRecords<'a> {
    bytes: &'a [u8],
    pos: usize,
    delimiter: u8,
    row: usize,
    encoding: Encoding,
    /// Some UTF-8 field held bytes that are not UTF-8.
    pub invalid: bool,
    scratch: Vec<RawField<'a>>,
}

/// One CSV field as read: its bytes (quotes and `""` escapes resolved),
/// not yet decoded.
#[derive(Debug, Clone)]
pub struct RawField<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub quoted: bool,
}

impl<'a> CsvRecords<'a> {
    pub fn new(bytes: &'a [u8], delimiter: u8, encoding: Encoding) -> Self {
        CsvRecords {
            bytes,
            pos: 0,
            delimiter,
            row: 0,
            encoding,
            invalid: false,
            scratch: Vec::new(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Over text already decoded.
    pub fn of_text(text: &'a str, delimiter: u8) -> Self {
        CsvRecords::new(text.as_bytes(), delimiter, Encoding::Utf8)
    }

    /// The byte offset where the next record starts.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Fills `out` with the next record's cells and returns its number.
    pub fn next_record(&mut self, out: &mut Vec<Cell<'a>>) -> Option<usize> {
        let mut raw = std::mem::take(&mut self.scratch);
        let n = self.next_raw(&mut raw);
        out.clear();
        for f in raw.drain(..) {
            out.push(self.cell(f));
        }
        self.scratch = raw;
        n
    }

    /// A raw field decoded: an unquoted empty field is [`Cell::Empty`].
    pub fn cell(&mut self, f: RawField<'a>) -> Cell<'a> {
        if !f.quoted && f.bytes.is_empty() {
            return Cell::Empty;
        }
        Cell::Text(self.decode(f.bytes))
    }

    /// Field bytes as text in the file's encoding.
    pub fn decode(&mut self, bytes: Cow<'a, [u8]>) -> Cow<'a, str> {
        match bytes {
            Cow::Borrowed(b) => self.encoding.text(b, &mut self.invalid),
            Cow::Owned(v) => Cow::Owned(self.encoding.text_owned(v, &mut self.invalid)),
        }
    }

    /// Fills `out` with the next record's fields, undecoded (quotes and
    /// `""` escapes resolved), and returns its number.
    pub fn next_raw(&mut self, out: &mut Vec<RawField<'a>>) -> Option<usize> {
        let bytes: &'a [u8] = self.bytes;
        if self.pos >= bytes.len() {
            return None;
        }
        out.clear();
        self.row += 1;
        let d = self.delimiter;
        let slice = |a: usize, b: usize| bytes.get(a..b).unwrap_or(&[]);
        loop {
            // One field starting at self.pos.
            let start = self.pos;
            if bytes.get(start) == Some(&b'"') {
                let mut owned: Option<Vec<u8>> = None;
                let mut seg = start + 1;
                let mut i = start + 1;
                loop {
                    match memchr_quote(bytes, i) {
                        None => {
                            // Unterminated quote: the rest of the file is the field.
                            let v = match owned.take() {
                                Some(mut s) => {
                                    s.extend_from_slice(slice(seg, bytes.len()));
                                    Cow::Owned(s)
                                }
                                None => Cow::Borrowed(slice(seg, bytes.len())),
                            };
                            out.push(RawField { bytes: v, quoted: true });
                            self.pos = bytes.len();
                            return Some(self.row);
                        }
                        Some(q) if bytes.get(q + 1) == Some(&b'"') => {
                            let s = owned.get_or_insert_with(Vec::new);
                            s.extend_from_slice(slice(seg, q + 1));
                            seg = q + 2;
                            i = q + 2;
                        }
                        Some(q) => {
                            // Text after the closing quote belongs to the field.
                            let j = field_end(bytes, q + 1, d);
                            let value = match owned.take() {
                                Some(mut s) => {
                                    s.extend_from_slice(slice(seg, q));
                                    s.extend_from_slice(slice(q + 1, j));
                                    Cow::Owned(s)
                                }
                                None if j > q + 1 => {
                                    let mut s = slice(seg, q).to_vec();
                                    s.extend_from_slice(slice(q + 1, j));
                                    Cow::Owned(s)
                                }
                                None => Cow::Borrowed(slice(seg, q)),
                            };
                            out.push(RawField {
                                bytes: value,
                                quoted: true,
                            });
                            self.pos = j;
                            break;
                        }
                    }
                }
            } else {
                let j = field_end(bytes, start, d);
                out.push(RawField {
                    bytes: Cow::Borrowed(slice(start, j)),
                    quoted: false,
                });
                self.pos = j;
            }
            // After a field: delimiter, line end or end of text.
            match bytes.get(self.pos) {
                Some(&b) if b == d => {
                    self.pos += 1;
                    if self.pos >= bytes.len() {
                        out.push(RawField {
                            bytes: Cow::Borrowed(&[]),
                            quoted: false,
                        });
                        return Some(self.row);
                    }
                }
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    return Some(self.row);
                }
                Some(b'\n') => {
                    self.pos += 1;
                    return Some(self.row);
                }
                _ => return Some(self.row),
            }
        }
    }

    /// Skips the next record without decoding it; returns where it ends.
    pub fn skip_record(&mut self) -> Option<usize> {
        let mut raw = std::mem::take(&mut self.scratch);
        let n = self.next_raw(&mut raw);
        self.scratch = raw;
        n.map(|_| self.pos)
    }
}

fn memchr_quote(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'"', bytes.get(from..)?).map(|p| p + from)
}

/// The end of an unquoted field starting at `from`: the next delimiter or
/// line end, or the end of the text.
fn field_end(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| memchr::memchr3(delimiter, b'\r', b'\n', rest))
        .map_or(bytes.len(), |p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, d: u8) -> Vec<(usize, Vec<String>)> {
        let mut r = CsvRecords::of_text(text, d);
        let mut cells = Vec::new();
        let mut out = Vec::new();
        while let Some(n) = r.next_record(&mut cells) {
            out.push((n, cells.iter().map(|c| c.text()).collect()));
        }
        out
    }

    #[test]
    fn splits_records_with_every_line_ending() {
        let want = vec![
            (1, vec!["a".to_string(), "b".to_string()]),
            (2, vec!["1".to_string(), "2".to_string()]),
        ];
        assert_eq!(records("a;b\r\n1;2\r\n", b';'), want);
        assert_eq!(records("a;b\n1;2", b';'), want);
        assert_eq!(records("a;b\r1;2\r", b';'), want);
    }

    #[test]
    fn quotes_escapes_and_blank_lines() {
        let got = records("x,\"3270,50\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",z,\n", b',');
        assert_eq!(got[0], (1, vec!["x".into(), "3270,50".into(), "say \"hi\"".into()]));
        assert_eq!(got[1], (2, vec!["".into()]));
        assert_eq!(got[2], (3, vec!["multi\nline".into(), "z".into(), "".into()]));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn decodes_boms_and_windows_1252() {
        assert_eq!(decode(b"\xEF\xBB\xBFLev".to_vec()), ("Lev".to_string(), "UTF-8 (BOM)"));
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Leverantör".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(utf16le).0, "Leverantör");
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Belopp".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(decode(utf16be).0, "Belopp");
        assert_eq!(
            decode(b"Leverant\xF6r".to_vec()),
            ("Leverantör".to_string(), "Windows-1252")
        );
        assert_eq!(
            decode("Leverantör".as_bytes().to_vec()),
            ("Leverantör".to_string(), "UTF-8")
        );
    }

    #[test]
    fn picks_the_delimiter_with_most_cells() {
        assert_eq!(best_delimiter("a;b;c\n1;2,5;3", |c| c.len()), b';');
        assert_eq!(best_delimiter("a,b,c\n1,\"2,5\",3", |c| c.len()), b',');
        assert_eq!(best_delimiter("a\tb\tc", |c| c.len()), b'\t');
    }
}
