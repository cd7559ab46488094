//! The CSV tokenizer: records of raw fields over bytes, and the delimiter
//! that splits a text best.

use super::*;

/// Picks the delimiter whose best record among the first 50 scores highest.
pub fn best_delimiter(text: &str, score: impl Fn(&[Cell]) -> usize) -> u8 {
    best_delimiter_in(text.as_bytes(), Encoding::Utf8, score)
}

pub(super) fn best_delimiter_in(bytes: &[u8], encoding: Encoding, score: impl Fn(&[Cell]) -> usize) -> u8 {
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

    /// Field bytes as text in the file's encoding, appended to `out` (no
    /// allocation per field).
    pub fn decode_into(&mut self, bytes: &[u8], out: &mut String) {
        self.encoding.text_into(bytes, out, &mut self.invalid);
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
                let (field, end, closed) = self.quoted_field(start);
                out.push(field);
                self.pos = end;
                if !closed {
                    return Some(self.row);
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

    /// The quoted field whose opening quote is at `start` (`""` escapes
    /// resolved, text after the closing quote kept), where it ends, and
    /// whether the quote was closed (if not, the rest of the file is the
    /// field).
    fn quoted_field(&self, start: usize) -> (RawField<'a>, usize, bool) {
        let bytes: &'a [u8] = self.bytes;
        let slice = |a: usize, b: usize| bytes.get(a..b).unwrap_or(&[]);
        let mut owned: Option<Vec<u8>> = None;
        let mut seg = start + 1;
        let mut i = start + 1;
        loop {
            match memchr_quote(bytes, i) {
                None => {
                    let v = match owned.take() {
                        Some(mut s) => {
                            s.extend_from_slice(slice(seg, bytes.len()));
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(slice(seg, bytes.len())),
                    };
                    return (RawField { bytes: v, quoted: true }, bytes.len(), false);
                }
                Some(q) if bytes.get(q + 1) == Some(&b'"') => {
                    let s = owned.get_or_insert_with(Vec::new);
                    s.extend_from_slice(slice(seg, q + 1));
                    seg = q + 2;
                    i = q + 2;
                }
                Some(q) => {
                    let j = field_end(bytes, q + 1, self.delimiter);
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
                    let field = RawField {
                        bytes: value,
                        quoted: true,
                    };
                    return (field, j, true);
                }
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

pub(super) fn memchr_quote(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'"', bytes.get(from..)?).map(|p| p + from)
}

/// The end of an unquoted field starting at `from`: the next delimiter or
/// line end, or the end of the text.
pub(super) fn field_end(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| memchr::memchr3(delimiter, b'\r', b'\n', rest))
        .map_or(bytes.len(), |p| p + from)
}
