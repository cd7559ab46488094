//! Reading a row's orderer again from its file, when the orderer is held
//! by hash ([`super::orderers`]): from the nearest kept record position
//! before the row, a window of its file is read (nearby positions in one
//! read) and the records in between skipped with the same tokenizer, so
//! the text comes back exactly as it was first read (decoded in the file's
//! encoding and trimmed). The rows the reports list are read ahead in one
//! pass ([`Exports::read_orderers_ahead`]).

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

/// Orderers read again ahead of the reports, by row, in row order
/// ([`Exports::read_orderers_ahead`]).
#[derive(Debug, Default)]
pub(crate) struct Ahead(std::sync::OnceLock<Vec<(u32, Box<str>)>>);

impl Ahead {
    fn get(&self, row: usize) -> Option<&str> {
        let list = self.0.get()?;
        let k = list.binary_search_by_key(&row, |&(r, _)| r as usize).ok()?;
        list.get(k).map(|(_, t)| &**t)
    }
}

impl Exports {
    /// Row `i`'s orderer as text.
    pub fn orderer_text(&self, i: usize) -> Cow<'_, str> {
        self.who_text(self.rows.orderer(i), i)
    }

    /// The text of orderer `who`, read at row `i` (any row with it).
    pub fn who_text(&self, who: Who, i: usize) -> Cow<'_, str> {
        match (self.rows.orderer_sym(who), self.ahead.get(i)) {
            (Some(sym), _) => Cow::Borrowed(self.strings.get(sym)),
            (None, Some(text)) => Cow::Borrowed(text),
            (None, None) => Cow::Owned(self.recall(i).unwrap_or_default()),
        }
    }

    /// Reads the orderers of `rows` again in one pass per file, ahead of
    /// the reports that show them (the rows of the agreements they list),
    /// so that each report's many small lists are not read one by one.
    /// Once per run; nothing when the orderers are in memory.
    pub fn read_orderers_ahead(&self, mut rows: Vec<usize>) {
        if !self.rows.orderers_hashed() || self.ahead.0.get().is_some() {
            return;
        }
        rows.sort_unstable();
        rows.dedup();
        rows.retain(|&i| self.rows.orderer_sym(self.rows.orderer(i)).is_none());
        // In as many pieces as there are threads, each read on its own.
        use rayon::prelude::*;
        let piece = (rows.len() / rayon::current_num_threads().max(1)).max(1 << 14);
        let pieces: Vec<Vec<(u32, Box<str>)>> = rows
            .par_chunks(piece)
            .map(|part| {
                let texts = self.orderer_texts(part);
                part.iter()
                    .zip(texts)
                    .map(|(&i, t)| (i as u32, Box::from(&*t)))
                    .collect()
            })
            .collect();
        let _ = self.ahead.0.set(pieces.concat());
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
            match (self.rows.orderer_sym(who), self.ahead.get(i)) {
                (Some(sym), _) => out.push(Cow::Borrowed(self.strings.get(sym))),
                (None, Some(text)) => out.push(Cow::Borrowed(text)),
                (None, None) => {
                    out.push(Cow::Borrowed(""));
                    wanted.push((i, k));
                }
            }
        }
        wanted.sort_unstable();
        for part in wanted.chunk_by(|a, b| self.rows.file_of(a.0) == self.rows.file_of(b.0)) {
            let texts = part.first().map_or_else(Vec::new, |&(i, _)| self.recall_file(i, part));
            for (&(_, k), text) in part.iter().zip(texts) {
                if let (Some(text), Some(slot)) = (text, out.get_mut(k)) {
                    *slot = Cow::Owned(text);
                }
            }
        }
        out
    }

    /// The orderers of `wanted` (rows of one file, the file of row `i`, in
    /// row order) read again: each stretch of records between two kept
    /// positions tokenized once, nearby stretches read together.
    fn recall_file(&self, i: usize, wanted: &[(usize, usize)]) -> Vec<Option<String>> {
        let file = self.files.get(self.rows.file_of(i) as usize);
        let (Some(file), Some(layout)) = (file, file.and_then(|f| f.layout)) else {
            return vec![None; wanted.len()];
        };
        let Some(column) = layout.column else {
            return vec![None; wanted.len()];
        };
        let at: Vec<Option<(u64, usize)>> = wanted.iter().map(|&(i, _)| self.rows.position(i)).collect();
        let starts: Vec<u64> = at.iter().flatten().map(|&(a, _)| a).collect();
        let mut window = Window::default();
        by_position(&at, |start, skips| {
            let ahead = starts.get(starts.partition_point(|&a| a < start)..).unwrap_or(&[]);
            window.group(&file.path, (start, skips, ahead), layout, column)
        })
    }

    /// Row `i`'s orderer read again from its file.
    fn recall(&self, i: usize) -> Option<String> {
        self.recall_file(i, &[(i, 0)]).pop().flatten()
    }
}

/// `read(start, skips)` for each run of rows read from the same kept
/// position `start` (their records `skips` on), in order; `None` for a
/// row that cannot be read again.
fn by_position(
    at: &[Option<(u64, usize)>],
    mut read: impl FnMut(u64, &[usize]) -> Vec<Option<String>>,
) -> Vec<Option<String>> {
    let mut out = Vec::with_capacity(at.len());
    let mut k = 0;
    while k < at.len() {
        let Some(Some((start, _))) = at.get(k).copied() else {
            out.push(None);
            k += 1;
            continue;
        };
        let rest = at.get(k..).unwrap_or(&[]);
        let n = rest.iter().take_while(|p| p.is_some_and(|(a, _)| a == start)).count();
        let skips: Vec<usize> = rest.iter().take(n).flatten().map(|&(_, s)| s).collect();
        out.extend(read(start, &skips));
        k += n.max(1);
    }
    out
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

/// Positions this close together are read in one go (the records between
/// them are read for nothing, but one read is cheaper than two)...
const NEAR: u64 = 64 << 10;
/// ...up to this much at a time.
const MOST: u64 = 8 << 20;
/// Bytes read past the last position: its records.
const TAIL: u64 = 16 << 10;

impl Window {
    /// The field of the records `skips` after the one at `start` (the
    /// positions of the rows still to read `ahead`, from `start` on).
    fn group(
        &mut self,
        path: &Path,
        (start, skips, ahead): (u64, &[usize], &[u64]),
        layout: CsvLayout,
        column: usize,
    ) -> Vec<Option<String>> {
        // Worked out only when the window must be read (a walk over the
        // positions ahead).
        let mut want = None;
        loop {
            let from = start.checked_sub(self.at).and_then(|d| usize::try_from(d).ok());
            let inside = from.filter(|&f| f < self.bytes.len() || (self.eof && f == self.bytes.len()));
            if let Some(bytes) = inside.and_then(|f| self.bytes.get(f..)) {
                if let Some(texts) = fields_in(bytes, self.eof, skips, layout, column) {
                    return texts;
                }
            }
            let size = want.map_or_else(|| span(start, ahead), |w: u64| w.saturating_mul(4));
            if self.eof && inside.is_some() || self.fill(path, start, size).is_err() {
                return vec![None; skips.len()];
            }
            want = Some(size);
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
        self.bytes.resize(usize::try_from(want).unwrap_or(usize::MAX), 0);
        let mut filled = 0;
        while let Some(rest) = self.bytes.get_mut(filled..).filter(|r| !r.is_empty()) {
            match file.read(rest)? {
                0 => break,
                n => filled += n,
            }
        }
        self.bytes.truncate(filled);
        self.at = at;
        self.eof = (filled as u64) < want;
        Ok(())
    }
}

/// How much to read from `start`: up to the last of the positions
/// `ahead` that follow each other within [`NEAR`], at most [`MOST`], and
/// [`TAIL`] more.
fn span(start: u64, ahead: &[u64]) -> u64 {
    let mut end = start;
    for &a in ahead {
        if a > end + NEAR || a > start + MOST {
            break;
        }
        end = end.max(a);
    }
    end - start + TAIL
}

/// The field of the records `skips` (ascending) after the first in
/// `bytes`; `None` when `bytes` end before the last does (and the file
/// goes on).
fn fields_in(
    bytes: &[u8],
    eof: bool,
    skips: &[usize],
    layout: CsvLayout,
    column: usize,
) -> Option<Vec<Option<String>>> {
    let mut records = CsvRecords::new(bytes, layout.delimiter, layout.encoding);
    let mut raw = Vec::new();
    let mut next = 0;
    let mut out = Vec::with_capacity(skips.len());
    for &skip in skips {
        if skip < next {
            // The same row asked for again.
            let again = out.last().cloned().flatten();
            out.push(again);
            continue;
        }
        for _ in next..skip {
            if records.skip_record().is_none() {
                return eof.then(|| vec![None; skips.len()]);
            }
        }
        if records.next_raw(&mut raw).is_none() {
            return eof.then(|| vec![None; skips.len()]);
        }
        if records.position() >= bytes.len() && !eof {
            return None;
        }
        let mut text = String::new();
        if let Some(r) = raw.get(column) {
            records.decode_into(&r.bytes, &mut text);
        }
        out.push(Some(text.trim().to_string()));
        next = skip + 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field of the record `skip` on from the start of `buf` (`None`
    /// when `buf` ends before it and the file goes on).
    fn field_in(buf: &[u8], eof: bool, skip: usize, layout: CsvLayout, column: usize) -> Option<Option<String>> {
        fields_in(buf, eof, &[skip], layout, column).map(|v| v.into_iter().next().flatten())
    }

    /// The field of the record `skip` on from byte `at` of a file.
    fn read_field(
        path: &Path,
        (at, skip): (u64, usize),
        layout: CsvLayout,
        column: usize,
    ) -> std::io::Result<Option<String>> {
        Ok(Window::default()
            .group(path, (at, &[skip], &[at]), layout, column)
            .pop()
            .flatten())
    }

    #[test]
    fn nearby_positions_are_read_together_and_far_ones_apart() {
        // 10 000, 50 000 and 100 000 follow within 64 KiB of each other;
        // 300 000 does not: read to 100 000 and 16 KiB more.
        assert_eq!(span(10_000, &[10_000, 50_000, 100_000, 300_000]), 90_000 + TAIL);
        assert_eq!(span(7, &[]), TAIL);
        let layout = CsvLayout {
            delimiter: b';',
            encoding: Encoding::Utf8,
            column: Some(1),
        };
        // Records 0, 2 and 2 again (a row asked for twice), 3.
        let bytes = b"a;x\nb;y\nc;z\nd;w\n";
        let got = fields_in(bytes, true, &[0, 2, 2, 3], layout, 1);
        let want = ["x", "z", "z", "w"].map(|t| Some(t.to_string())).to_vec();
        assert_eq!(got, Some(want));
        assert_eq!(fields_in(&bytes[..9], false, &[0, 2], layout, 1), None);
    }

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
        // Through a window: read once for two rows, grown to reach
        // them, and one past the end.
        let mut window = Window::default();
        let got = window.group(&path, (4, &[1500, 1999], &[4]), utf8, 1);
        let want = ["Beställare 1500 PO-1500", "Beställare 1999 PO-1999"].map(|t| Some(t.to_string()));
        assert_eq!(got, want.to_vec());
        assert_eq!(window.group(&path, (4, &[2000], &[4]), utf8, 1), vec![None]);
    }
}
