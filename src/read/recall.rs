//! Reading a row's orderer again from its file, when the orderer is held
//! by hash ([`super::orderers`]): from the nearest kept record position
//! before the row, its file is read a few kilobytes at a time and the
//! records in between skipped with the same tokenizer, so the text comes
//! back exactly as it was first read (decoded in the file's encoding and
//! trimmed).

use super::orderers::Who;
use super::table::{CsvRecords, Encoding};
use super::Exports;
use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// How a CSV file's records are read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CsvLayout {
    pub delimiter: u8,
    pub encoding: Encoding,
    /// The orderer's column.
    pub column: Option<usize>,
}

/// Bytes read first; a longer stretch of records is read in larger steps.
const FIRST_READ: u64 = 8 << 10;

impl Exports {
    /// Row `i`'s orderer as text.
    pub fn orderer_text(&self, i: usize) -> Cow<'_, str> {
        self.who_text(self.rows.orderer(i), i)
    }

    /// The text of orderer `who`, read at row `i` (any row with it).
    pub fn who_text(&self, who: Who, i: usize) -> Cow<'_, str> {
        match self.rows.orderer_sym(who) {
            Some(sym) => Cow::Borrowed(self.strings.get(sym)),
            None => Cow::Owned(self.recall(i).unwrap_or_default()),
        }
    }

    /// The orderers of `rows` as text, in their order: those read again
    /// from a file are read in one pass per file, in file order, a window
    /// of it at a time (a sheet of call-offs would otherwise open its file
    /// once a row).
    pub fn orderer_texts(&self, rows: &[usize]) -> Vec<Cow<'_, str>> {
        let whos: Vec<(Who, usize)> = rows.iter().map(|&i| (self.rows.orderer(i), i)).collect();
        self.who_texts(&whos)
    }

    /// [`Exports::who_text`] of each (who, row), in one pass per file as
    /// [`Exports::orderer_texts`] reads.
    pub fn who_texts(&self, whos: &[(Who, usize)]) -> Vec<Cow<'_, str>> {
        let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(whos.len());
        let mut wanted: Vec<(usize, usize)> = Vec::new();
        for (k, &(who, i)) in whos.iter().enumerate() {
            match self.rows.orderer_sym(who) {
                Some(sym) => out.push(Cow::Borrowed(self.strings.get(sym))),
                None => {
                    out.push(Cow::Borrowed(""));
                    wanted.push((i, k));
                }
            }
        }
        wanted.sort_unstable();
        for part in wanted.chunk_by(|a, b| self.rows.file_of(a.0) == self.rows.file_of(b.0)) {
            let mut window = Window::default();
            for &(i, k) in part {
                if let (Some(text), Some(slot)) = (self.recall_in(i, &mut window), out.get_mut(k)) {
                    *slot = Cow::Owned(text);
                }
            }
        }
        out
    }

    /// Row `i`'s orderer read again through `window` (its file's bytes
    /// read last).
    fn recall_in(&self, i: usize, window: &mut Window) -> Option<String> {
        let file = self.files.get(self.rows.file_of(i) as usize)?;
        let layout = file.layout?;
        let column = layout.column?;
        let (at, skip) = self.rows.position(i)?;
        window.field(&file.path, (at, skip), layout, column)
    }

    /// Row `i`'s orderer read again from its file.
    fn recall(&self, i: usize) -> Option<String> {
        let file = self.files.get(self.rows.file_of(i) as usize)?;
        let layout = file.layout?;
        let column = layout.column?;
        let (at, skip) = self.rows.position(i)?;
        read_field(&file.path, (at, skip), layout, column).ok().flatten()
    }
}

/// Field `column` of the record `skip` records after the one at byte `at`
/// of the file at `path`, decoded and trimmed; `None` past the end.
fn read_field(
    path: &Path,
    (at, skip): (u64, usize),
    layout: CsvLayout,
    column: usize,
) -> std::io::Result<Option<String>> {
    let mut file = std::fs::File::open(path)?;
    let mut want = FIRST_READ;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        file.seek(SeekFrom::Start(at))?;
        (&mut file).take(want).read_to_end(&mut buf)?;
        let eof = (buf.len() as u64) < want;
        if let Some(text) = field_in(&buf, eof, skip, layout, column) {
            return Ok(text);
        }
        if eof {
            return Ok(None);
        }
        want = want.saturating_mul(4);
    }
}

/// Bytes of one file read last, from `at`: recalls in file order read
/// each stretch of it once.
#[derive(Default)]
struct Window {
    file: Option<std::fs::File>,
    at: u64,
    bytes: Vec<u8>,
    eof: bool,
}

/// Bytes a window reads at least.
const WINDOW: u64 = 256 << 10;

impl Window {
    /// [`read_field`] through the window: read again only when the record
    /// lies outside it.
    fn field(&mut self, path: &Path, (at, skip): (u64, usize), layout: CsvLayout, column: usize) -> Option<String> {
        let mut want = WINDOW;
        loop {
            let from = at.checked_sub(self.at).and_then(|d| usize::try_from(d).ok());
            let inside = from.filter(|&f| f < self.bytes.len() || (self.eof && f == self.bytes.len()));
            if let Some(f) = inside {
                if let Some(text) = field_in(self.bytes.get(f..)?, self.eof, skip, layout, column) {
                    return text;
                }
                if self.eof {
                    return None;
                }
            }
            self.fill(path, at, want).ok()?;
            want = want.saturating_mul(4);
        }
    }

    /// Reads `want` bytes from `at` (the file opened the first time).
    fn fill(&mut self, path: &Path, at: u64, want: u64) -> std::io::Result<()> {
        if self.file.is_none() {
            self.file = Some(std::fs::File::open(path)?);
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        file.seek(SeekFrom::Start(at))?;
        self.bytes.clear();
        file.take(want).read_to_end(&mut self.bytes)?;
        self.at = at;
        self.eof = (self.bytes.len() as u64) < want;
        Ok(())
    }
}

/// [`read_field`] in the bytes read: `None` when they end before the
/// record does (and the file goes on).
fn field_in(buf: &[u8], eof: bool, skip: usize, layout: CsvLayout, column: usize) -> Option<Option<String>> {
    let mut records = CsvRecords::new(buf, layout.delimiter, layout.encoding);
    for _ in 0..skip {
        records.skip_record()?;
    }
    let mut raw = Vec::new();
    let Some(_) = records.next_raw(&mut raw) else {
        return eof.then_some(None);
    };
    if records.position() >= buf.len() && !eof {
        // The record may go on past what was read.
        return None;
    }
    let mut text = String::new();
    if let Some(r) = raw.get(column) {
        records.decode_into(&r.bytes, &mut text);
    }
    Some(Some(text.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_found_records_on_even_across_reads() {
        let layout = CsvLayout {
            delimiter: b';',
            encoding: Encoding::Windows1252,
            column: Some(1),
        };
        // A quoted field with a line break and a blank line count as one
        // record each.
        let bytes = b"a;\"x\r\ny\"\r\n\r\nb; Best\xe4llare 1 \r\nc;\"PO;2\"";
        assert_eq!(field_in(bytes, true, 0, layout, 1), Some(Some("x\r\ny".into())));
        assert_eq!(field_in(bytes, true, 2, layout, 1), Some(Some("Beställare 1".into())));
        assert_eq!(field_in(bytes, true, 3, layout, 1), Some(Some("PO;2".into())));
        assert_eq!(field_in(bytes, true, 4, layout, 1), Some(None));
        // Cut inside the record: read more.
        assert_eq!(field_in(&bytes[..30], false, 3, layout, 1), None);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("e.csv");
        let mut long = b"h;o\n".to_vec();
        for k in 0..2000 {
            long.extend_from_slice(format!("{k};Beställare {k} PO-{k}\n").as_bytes());
        }
        std::fs::write(&path, &long).expect("written");
        let utf8 = CsvLayout {
            encoding: Encoding::Utf8,
            ..layout
        };
        // 1,500 records on: more than the first read holds.
        let text = read_field(&path, (4, 1500), utf8, 1).expect("read");
        assert_eq!(text.as_deref(), Some("Beställare 1500 PO-1500"));
        assert_eq!(read_field(&path, (4, 5000), utf8, 1).expect("read"), None);
    }
}
