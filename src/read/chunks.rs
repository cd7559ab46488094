//! Streaming a CSV file: it is read in blocks of [`BLOCK`] bytes (never
//! held whole, never decoded whole); each block is cut at record
//! boundaries into chunks parsed side by side, each into its own small
//! columns, appended in order to the run's columns. A block with quotes is
//! cut by a quote-aware scan with the same rules as the parser, so quoted
//! fields with line breaks and bare CRs read the same as in one go.

use super::table::{CsvRecords, CsvText, Encoding};
use super::{Exports, Hashing, Header, Sink};
use rayon::prelude::*;
use std::io::{Read, Seek};

/// Bytes read at a time at most (the default of
/// [`super::ReadOptions::block_bytes`]). Two blocks and the parsed chunks of
/// about three are held at a time, whatever the file's size: 8 MB keeps
/// that near 40 MB while a block still parses in pieces large enough for
/// both cores.
pub const BLOCK: usize = 8 << 20;

/// How streaming a file ended.
#[derive(Debug, Default)]
pub(crate) struct Streamed {
    /// `max_rows` was reached.
    pub over_limit: bool,
    /// Some UTF-8 field held bytes that are not UTF-8.
    pub invalid: bool,
}

/// One chunk parsed.
struct Parsed {
    /// Its rows.
    part: Exports,
    /// Where its bytes start in the file.
    base: u64,
    /// Its number of records.
    records: usize,
    /// Some UTF-8 field was not valid.
    invalid: bool,
    /// `max_rows` stopped it.
    over: bool,
}

/// Reads the records after the header (from byte `start` of the head on)
/// into `out`; `progress` gets the bytes read from the file as it goes.
/// A pipeline: while one block is parsed, the chunks of the block before
/// are appended to `out` and the next block is read.
pub(crate) fn read_csv_data(
    c: &CsvText,
    start: usize,
    header: &Header,
    options: &super::ReadOptions,
    out: &mut Exports,
    progress: &(dyn Fn(u64) + Sync),
) -> std::io::Result<Streamed> {
    let max_rows = options.max_rows;
    let mut buf: Vec<u8> = c.head.get(start..).unwrap_or(&[]).to_vec();
    // Where `buf` starts in the file (after any byte-order mark; unknown
    // for UTF-16, read as UTF-8: its records are never read again).
    let head_at = c.rest_from.unwrap_or(c.size).saturating_sub(c.head.len() as u64);
    let mut buf_at = head_at + start as u64;
    progress(c.head.len() as u64);
    let mut file = open_rest(c)?;
    let (mut block, min_chunk) = block_sizes(c, options.block_bytes, buf.len());
    let threads = rayon::current_num_threads().max(1);
    reserve_rows(c, out);
    let mut sink = Appender {
        out,
        next_line: header.line as u32 + 1,
        max_rows,
        lossy: c.lossy,
        done: Streamed::default(),
    };
    let mut carry = Vec::new();
    let mut read_more = |buf: &mut Vec<u8>, block: usize, file: &mut Option<std::fs::File>| match c.utf16 {
        None => fill(buf, block, file, progress),
        Some(enc) => {
            // Read as UTF-16, kept as UTF-8: about as many bytes.
            let before = buf.len();
            fill(&mut carry, block.saturating_sub(before), file, progress)?;
            super::table::utf16_to_utf8(enc, &mut carry, buf, file.is_none());
            Ok(())
        }
    };
    read_more(&mut buf, block, &mut file)?;
    let mut pending: Vec<Parsed> = Vec::new();
    let judged = std::sync::atomic::AtomicBool::new(false);
    // Two buffers in turn: one parsed while the next block is read into
    // the other (kept, so that their memory is touched once).
    let mut next: Vec<u8> = Vec::new();
    // Chunks appended and emptied, used again for the block after next.
    let mut pool: Vec<Exports> = Vec::new();
    while !buf.is_empty() {
        let eof = file.is_none();
        let cuts = cut_points(
            &buf,
            eof,
            c.delimiter,
            c.encoding,
            pieces(buf.len(), min_chunk, threads),
        );
        let Some(&end) = cuts.last() else {
            // No whole record in the block: a record longer than it.
            block *= 2;
            read_more(&mut buf, block, &mut file)?;
            continue;
        };
        next.clear();
        next.extend_from_slice(buf.get(end..).unwrap_or(&[]));
        let previous = std::mem::take(&mut pending);
        let spares = std::mem::take(&mut pool);
        let hashing = hashing(c, sink.out);
        let (parsed, (stop, read)) = rayon::join(
            || parse(&buf, (buf_at, &cuts), header, c, (max_rows, hashing, &judged), spares),
            || (sink.append(previous, &mut pool), read_more(&mut next, block, &mut file)),
        );
        if stop {
            return Ok(sink.done);
        }
        read?;
        pending = parsed;
        buf_at += end as u64;
        std::mem::swap(&mut buf, &mut next);
    }
    sink.append(pending, &mut pool);
    Ok(sink.done)
}

/// Bytes read at a time, and below which a block is parsed in one piece.
/// Blocks are a sixteenth of the file, between 4 MB and the set size (8 MB
/// by default): a small file is not read in blocks larger than it needs,
/// and the two blocks and their parsed chunks held at a time stay a small
/// part of what the rows take, the same for any larger file.
fn block_sizes(c: &CsvText, set: usize, head: usize) -> (usize, usize) {
    let sixteenth = usize::try_from(c.size / 16).unwrap_or(usize::MAX).max(4 << 20);
    let block = set.min(sixteenth).max(1024).max(head);
    (block, (block / 8).min(1 << 20))
}

/// How many chunks a block of `len` bytes is parsed in: four a thread, so
/// that the last chunks to finish leave a core idle only briefly, but none
/// under [`MIN_PIECE`] (a chunk judges its orderers on its first 4,096);
/// one for a block under two `min_chunk`s.
fn pieces(len: usize, min_chunk: usize, threads: usize) -> usize {
    if len < 2 * min_chunk {
        return 1;
    }
    (threads * 4).min(len / MIN_PIECE).max(2)
}

/// The smallest chunk a block is cut into when it is cut at all: about
/// 7,000 records of a usual export.
const MIN_PIECE: usize = 640 << 10;

/// Whether the next block's chunks may hold the orderer by hash: never for
/// UTF-16 (its records are not read again from the file), at once when
/// the run already does.
fn hashing(c: &CsvText, out: &Exports) -> Hashing {
    match (c.utf16, out.rows.orderers_hashed()) {
        (Some(_), _) => Hashing::Never,
        (None, true) => Hashing::Now,
        (None, false) => Hashing::Judged,
    }
}

/// The file opened where its head ends, when there is more than the head.
fn open_rest(c: &CsvText) -> std::io::Result<Option<std::fs::File>> {
    match c.rest_from {
        Some(from) => {
            let mut f = std::fs::File::open(&c.path)?;
            f.seek(std::io::SeekFrom::Start(from))?;
            Ok(Some(f))
        }
        None => Ok(None),
    }
}

/// Room for the file's rows, estimated from the lines of the head: the
/// columns then grow once rather than being copied as they grow.
fn reserve_rows(c: &CsvText, out: &mut Exports) {
    if c.utf16.is_none() && c.rest_from.is_some() {
        let lines = memchr::memchr_iter(b'\n', &c.head).count().max(1);
        let per_line = (c.head.len() / lines).max(1) as u64;
        let rows = c.size / per_line;
        out.rows.reserve(usize::try_from(rows + rows / 20).unwrap_or(0));
    }
}

/// Reads from `file` until `buf` holds `block` bytes; at the end of the
/// file, `file` becomes `None`.
fn fill(
    buf: &mut Vec<u8>,
    block: usize,
    file: &mut Option<std::fs::File>,
    progress: &(dyn Fn(u64) + Sync),
) -> std::io::Result<()> {
    if let Some(f) = file {
        let want = block.saturating_sub(buf.len());
        buf.reserve(want);
        let n = f.by_ref().take(want as u64).read_to_end(buf)?;
        progress(n as u64);
        if n < want {
            *file = None;
        }
    }
    Ok(())
}

/// Parses the chunks of `buf` (at `buf_at` in the file) that `cuts` ends,
/// side by side, into the `spares` (emptied chunks) first.
fn parse(
    buf: &[u8],
    (buf_at, cuts): (u64, &[usize]),
    header: &Header,
    c: &CsvText,
    (max_rows, hashing, judged): (u64, Hashing, &std::sync::atomic::AtomicBool),
    spares: Vec<Exports>,
) -> Vec<Parsed> {
    let mut from = 0;
    let spans: Vec<(usize, usize)> = cuts
        .iter()
        .map(|&to| {
            let span = (from, to);
            from = to;
            span
        })
        .collect();
    let mut spares = spares.into_iter();
    let spans: Vec<((usize, usize), Exports)> = spans
        .into_iter()
        .map(|span| (span, spares.next().unwrap_or_default()))
        .collect();
    spans
        .into_par_iter()
        .map(|((a, b), mut part)| {
            let mut sink = Sink {
                part: &mut part,
                header,
                max_rows,
                over_limit: false,
                hashing,
                judged: Some(judged),
                at: None,
            };
            let (records, invalid) = sink.feed(buf.get(a..b).unwrap_or(&[]), c.delimiter, c.encoding);
            let over = sink.over_limit;
            Parsed {
                part,
                base: buf_at + a as u64,
                records,
                invalid,
                over,
            }
        })
        .collect()
}

/// Appends parsed chunks, in order, to the run's rows.
struct Appender<'o> {
    out: &'o mut Exports,
    /// The record number of the next chunk's first record.
    next_line: u32,
    max_rows: u64,
    lossy: bool,
    done: Streamed,
}

impl Appender<'_> {
    /// True when reading must stop: a limit, or bytes that are not UTF-8
    /// in a file read as UTF-8 (the caller reads it again as Windows-1252).
    fn append(&mut self, parts: Vec<Parsed>, pool: &mut Vec<Exports>) -> bool {
        for Parsed {
            mut part,
            base,
            records,
            invalid,
            over,
        } in parts
        {
            if invalid && !self.lossy {
                self.done.invalid = true;
                return true;
            }
            self.done.invalid |= invalid;
            self.out.append_chunk(&mut part, self.next_line - 1, base);
            pool.push(part);
            self.next_line += records as u32;
            if over || self.out.rows.len() as u64 > self.max_rows {
                self.done.over_limit = true;
                return true;
            }
        }
        false
    }
}

/// Where to cut `buf` (which starts at a record boundary) into about
/// `pieces` chunks of whole records: the end of each chunk, the last being
/// the end of the last whole record (all of `buf` at the end of the file).
/// Empty when `buf` holds no whole record.
fn cut_points(buf: &[u8], eof: bool, delimiter: u8, encoding: Encoding, pieces: usize) -> Vec<usize> {
    let mut cuts = Vec::with_capacity(pieces);
    if memchr::memchr(b'"', buf).is_none() {
        // Without quotes every LF ends a record; a bare CR too.
        let end = if eof {
            Some(buf.len())
        } else {
            memchr::memrchr(b'\n', buf).map(|p| p + 1).or_else(|| {
                memchr::memrchr(b'\r', buf)
                    .filter(|&p| p + 1 < buf.len())
                    .map(|p| p + 1)
            })
        };
        let Some(end) = end else { return cuts };
        for k in 1..pieces {
            let target = end * k / pieces;
            let at = buf
                .get(target..end)
                .and_then(|rest| memchr::memchr(b'\n', rest))
                .map(|p| target + p + 1);
            if let Some(at) = at.filter(|&at| at < end && cuts.last().is_none_or(|&l| at > l)) {
                cuts.push(at);
            }
        }
        cuts.push(end);
        return cuts;
    }
    // With quotes: walk the records as the parser does.
    let mut records = CsvRecords::new(buf, delimiter, encoding);
    let step = buf.len() / pieces;
    let mut target = step;
    let mut last = None;
    while let Some(at) = records.skip_record() {
        if at >= buf.len() && !eof {
            // The last record may go on in the next block.
            break;
        }
        last = Some(at);
        if at >= target && at < buf.len() {
            cuts.push(at);
            target = at + step;
        }
    }
    match last {
        Some(end) => {
            cuts.retain(|&c| c < end);
            cuts.push(end);
        }
        None => cuts.clear(),
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_cut_in_four_chunks_a_thread_of_at_least_640_kb() {
        let min_chunk = 1 << 20;
        assert_eq!(pieces(8 << 20, min_chunk, 3), 12);
        assert_eq!(pieces(4 << 20, min_chunk, 3), 6);
        assert_eq!(pieces(2 << 20, min_chunk, 3), 3);
        assert_eq!(pieces((2 << 20) - 1, min_chunk, 3), 1);
        assert_eq!(pieces(8 << 20, min_chunk, 1), 4);
    }

    /// Every cut ends a record: parsing the chunks one by one gives the
    /// same records as parsing the whole.
    fn same_records(text: &str, pieces: usize) {
        let bytes = text.as_bytes();
        let whole: Vec<Vec<String>> = {
            let mut r = CsvRecords::new(bytes, b';', Encoding::Utf8);
            let mut cells = Vec::new();
            let mut all = Vec::new();
            while r.next_record(&mut cells).is_some() {
                all.push(cells.iter().map(|c| c.text()).collect());
            }
            all
        };
        let cuts = cut_points(bytes, true, b';', Encoding::Utf8, pieces);
        assert_eq!(cuts.last(), Some(&bytes.len()));
        let mut from = 0;
        let mut parts = Vec::new();
        for to in cuts {
            let mut r = CsvRecords::new(&bytes[from..to], b';', Encoding::Utf8);
            let mut cells = Vec::new();
            while r.next_record(&mut cells).is_some() {
                parts.push(cells.iter().map(|c| c.text()).collect::<Vec<String>>());
            }
            from = to;
        }
        assert_eq!(parts, whole);
    }

    #[test]
    fn cuts_fall_between_records_with_quotes_and_bare_crs() {
        let mut text = String::new();
        for i in 0..200_000 {
            match i % 4 {
                0 => text.push_str(&format!("a{i};\"multi\nline {i}\";\"x\"\"y\"\r\n")),
                1 => text.push_str(&format!("b{i};2\r")),
                2 => text.push('\n'),
                _ => text.push_str(&format!("c{i};\"q;r\"\n")),
            }
        }
        same_records(&text, 4);
        same_records(&text.replace('"', ""), 4);
    }

    #[test]
    fn an_unfinished_record_waits_for_the_next_block() {
        let buf = b"a;b\n1;\"open\nstill";
        assert_eq!(cut_points(buf, false, b';', Encoding::Utf8, 1), vec![4]);
        assert_eq!(cut_points(b"a;b\n1;2", false, b';', Encoding::Utf8, 1), vec![4]);
        assert_eq!(
            cut_points(b"no end", false, b';', Encoding::Utf8, 1),
            Vec::<usize>::new()
        );
        assert_eq!(cut_points(b"a\r", false, b';', Encoding::Utf8, 1), Vec::<usize>::new());
    }
}
