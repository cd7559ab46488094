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

mod container;
mod html;
mod tokenizer;
mod workbook;

pub use container::*;
pub use html::*;
pub use tokenizer::*;
pub use workbook::*;

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
                _ => {
                    let mut text = String::new();
                    push_windows_1252(bytes, &mut text);
                    Cow::Owned(text)
                }
            },
        }
    }

    /// [`Encoding::text`] appended to `out`: Windows-1252 decoded straight
    /// into it.
    pub fn text_into(self, bytes: &[u8], out: &mut String, invalid: &mut bool) {
        if self == Encoding::Windows1252 && !bytes.is_ascii() {
            push_windows_1252(bytes, out);
            return;
        }
        out.push_str(&self.text(bytes, invalid));
    }

    fn text_owned(self, bytes: Vec<u8>, invalid: &mut bool) -> String {
        match self.text(&bytes, invalid) {
            Cow::Borrowed(_) => String::from_utf8(bytes).unwrap_or_default(),
            Cow::Owned(s) => s,
        }
    }
}

/// Windows-1252's characters for the bytes 0x80–0x9F, as WHATWG (and
/// encoding_rs) map them: the five unassigned bytes to the C1 controls.
/// From 0xA0 on the bytes are Latin-1's characters.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{02C6}',
    '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}',
    '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}',
    '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Windows-1252 bytes decoded onto `out`, a byte at a time (a field is a
/// few dozen bytes: cheaper than setting up a decoder for each).
fn push_windows_1252(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len() * 2);
    let mut rest = bytes;
    loop {
        // A run of ASCII as it is, then one other byte.
        let ascii = rest.iter().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        let (run, tail) = rest.split_at(ascii);
        out.push_str(std::str::from_utf8(run).unwrap_or_default());
        let Some((&b, tail)) = tail.split_first() else {
            return;
        };
        out.push(match b {
            0x80..=0x9F => WINDOWS_1252_HIGH
                .get(usize::from(b - 0x80))
                .copied()
                .unwrap_or('\u{FFFD}'),
            _ => char::from(b),
        });
        rest = tail;
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
            Source::Xlsx { workbook, sheet, path } => xlsx_records(workbook, sheet, path, f)?,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_decodes_every_byte_as_encoding_rs_does() {
        let all: Vec<u8> = (0..=255).collect();
        let (expected, _, _) = encoding_rs::WINDOWS_1252.decode(&all);
        let mut ours = String::from("x");
        push_windows_1252(&all, &mut ours);
        assert_eq!(ours.get(1..), Some(&*expected));
        assert_eq!(
            Encoding::Windows1252.text(b"Best\xe4llare \x80", &mut false),
            "Beställare €"
        );
    }

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
    fn decoding_into_a_string_gives_the_text_of_decoding() {
        let fields: [&[u8]; 6] = [
            b"",
            b"Enhet 12",
            b"Best\xe4llare 2411",
            b"\x81\x80\xa0x",
            "Bestä".as_bytes(),
            b"a\xffb",
        ];
        for encoding in [Encoding::Utf8, Encoding::Windows1252] {
            for bytes in fields {
                let (mut a, mut b) = (false, false);
                let mut out = String::from("kept ");
                encoding.text_into(bytes, &mut out, &mut a);
                assert_eq!(out, format!("kept {}", encoding.text(bytes, &mut b)));
                assert_eq!(a, b);
            }
        }
        let mut out = String::new();
        Encoding::Windows1252.text_into(b"Best\xe4llare", &mut out, &mut false);
        assert_eq!(out, "Beställare");
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
