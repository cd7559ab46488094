//! Reading a large CSV in parallel: data without quotes and bare CRs is
//! cut at line ends into chunks read side by side and merged in order;
//! the result is the same as reading it in one go.

use super::{Exports, Header, Sink};
use rayon::prelude::*;

/// Reads the CSV records below the header; returns true when a limit
/// stopped it. A large file whose data holds no quote and no bare CR (so
/// that every LF ends a record) is cut at LFs into chunks read side by side
/// and merged in order: the result is the same as reading it in one go.
pub(crate) fn read_csv_data(data: &str, delimiter: u8, header: &Header, max_rows: u64, out: &mut Exports) -> bool {
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
