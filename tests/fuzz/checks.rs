#![allow(dead_code)] // each fuzz target uses one of these
                     // The checks each fuzz target makes, shared with tests/it/fuzz_regressions.rs
                     // (which replays the inputs kept in tests/fuzz/regressions/). Each must
                     // return normally for any input; a panic is a finding.

use avropskoll::parse::{date_to_days, days_to_date, parse_amount, parse_date, OrgNr, AMOUNT_LIMIT};
use avropskoll::read::table::{best_delimiter, decode, CsvRecords, Encoding};
use avropskoll::read::{read_all, ExportFile, ReadOptions};

pub fn amount(text: &str) {
    if let Some(a) = parse_amount(text) {
        assert!(a.0.abs() <= AMOUNT_LIMIT);
        // What we write reads back as the same amount, to the öre.
        let written = a.to_string();
        let again = parse_amount(&written).expect("a written amount reads back");
        assert_eq!(again.to_string(), written);
    }
}

pub fn date(text: &str) {
    if let Some(d) = parse_date(text) {
        assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Some(d));
        assert_eq!(days_to_date(date_to_days(d)), d);
    }
}

pub fn org_nr(text: &str) {
    if let Some(o) = OrgNr::parse(text) {
        let written = o.to_string();
        assert_eq!(written.len(), 11);
        assert_eq!(OrgNr::parse(&written), Some(o));
    }
}

pub fn csv_sniff(bytes: &[u8]) {
    let (text, _) = decode(bytes.to_vec());
    let delimiter = best_delimiter(&text, |cells| cells.len());
    let mut records = CsvRecords::of_text(&text, delimiter);
    let mut cells = Vec::new();
    let mut last = 0;
    while let Some(n) = records.next_record(&mut cells) {
        assert_eq!(n, last + 1, "records are numbered one by one");
        assert!(!cells.is_empty());
        last = n;
    }
    assert!(last <= text.len() + 1);
    // On the raw bytes, field by field: the records are split at the same
    // bytes whatever the encoding, and skipping finds the same ends.
    let mut count = |encoding| {
        let mut r = CsvRecords::new(bytes, delimiter, encoding);
        let mut ends = Vec::new();
        while r.next_record(&mut cells).is_some() {
            ends.push(r.position());
        }
        ends
    };
    let ends = count(Encoding::Utf8);
    assert_eq!(ends, count(Encoding::Windows1252));
    let mut skip = CsvRecords::new(bytes, delimiter, Encoding::Utf8);
    let mut skipped = Vec::new();
    while let Some(end) = skip.skip_record() {
        skipped.push(end);
    }
    assert_eq!(ends, skipped);
    // Decoding into a kept string (the reader's fast path) gives the text
    // of decoding, in either encoding.
    for encoding in [Encoding::Utf8, Encoding::Windows1252] {
        let (mut a, mut b) = (false, false);
        let mut out = String::new();
        encoding.text_into(bytes, &mut out, &mut a);
        assert_eq!(out, encoding.text(bytes, &mut b));
        assert_eq!(a, b);
    }
}

/// The whole export reader on arbitrary bytes, as CSV or as a workbook
/// (calamine), chosen by the first byte: rows or an error, never a panic.
pub fn export_reader(data: &[u8]) {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let ext = ["csv", "xlsx", "xls", "xlsb", "ods"][kind as usize % 5];
    let dir = std::env::temp_dir().join(format!("avropskoll-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("export.{ext}"));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let file = ExportFile {
        path,
        display: format!("export.{ext}"),
        explicit: kind % 2 == 0,
    };
    if let Ok(exports) = read_all(&[file], &ReadOptions::default(), &|_| {}) {
        assert!(exports.rows.len() <= bytes.len());
    }
}

/// The window parser: a window or `None`, never a panic; a window read
/// back from its label is the same window, and its previous window is
/// just before it.
pub fn window(text: &str) {
    // A suggestion is always a window that parses to itself.
    if let Some(s) = avropskoll::window::Window::suggest(text) {
        assert_eq!(avropskoll::window::Window::parse(&s).map(|w| w.label), Some(s));
    }
    if let Some(w) = avropskoll::window::Window::parse(text) {
        assert!(w.start <= w.end);
        assert_eq!(avropskoll::window::Window::parse(&w.label), Some(w.clone()));
        if let Some(p) = w.previous() {
            assert!(p.end < w.start);
        }
    }
}

/// The config file: settings or a clear error, never a panic.
pub fn config(text: &str) {
    let dir = std::env::temp_dir().join(format!("avropskoll-fuzz-config-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("avropskoll.toml");
    if std::fs::write(&path, text).is_err() {
        return;
    }
    let args = avropskoll::cli::RunArgs {
        config: Some(path),
        ..Default::default()
    };
    if let Err(e) = avropskoll::config::Settings::resolve(&args) {
        assert!(!e.localized(avropskoll::lang::Lang::Sv).is_empty());
        assert!(e.exit_code() == 2);
    }
}

/// A TOML register: checked agreements or problems, never a panic.
pub fn register_toml(text: &str) {
    if let Ok(drafts) = avropskoll::register::drafts_from_toml(text) {
        match avropskoll::register::check(drafts) {
            Ok(reg) => {
                for a in &reg.agreements {
                    assert!(a.valid_from <= a.valid_to);
                    if a.is_rank() {
                        // Ranks 1..n, one each; deviations name a lower rank.
                        let mut ranks: Vec<u32> = a.suppliers.iter().filter_map(|s| s.rank).collect();
                        ranks.sort_unstable();
                        assert!(ranks.iter().enumerate().all(|(i, r)| *r as usize == i + 1));
                        assert_eq!(ranks.len(), a.suppliers.len());
                        for d in &a.deviations {
                            assert!(a.suppliers.get(d.supplier).and_then(|s| s.rank).is_some_and(|r| r > 1));
                            assert!(!d.reason.is_empty());
                        }
                    } else {
                        let sum: f64 = a.suppliers.iter().map(|s| s.share).sum();
                        assert!((sum - 100.0).abs() <= 0.01 + 1e-9);
                        assert!(a.deviations.is_empty());
                    }
                    assert!(a.fku_threshold.is_none_or(|t| t > 0));
                }
            }
            Err(problems) => assert!(!problems.is_empty()),
        }
    }
}

/// A register table (CSV text or a workbook by the first byte): a register
/// or an error, never a panic.
pub fn register_table(bytes: &[u8]) {
    let Some((&kind, bytes)) = bytes.split_first() else {
        return;
    };
    let ext = ["csv", "xlsx", "ods"][kind as usize % 3];
    let dir = std::env::temp_dir().join(format!("avropskoll-fuzz-register-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("register.{ext}"));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    if let Err(e) = avropskoll::register::load(&path) {
        assert_eq!(e.exit_code(), 2);
    }
}

/// Text quoted from input into messages and reports: no control character
/// survives, the length is capped, and a number format is told without a
/// panic.
pub fn shown_text(text: &str) {
    let shown = avropskoll::lang::shown(text, 80);
    assert!(!shown.chars().any(char::is_control));
    // Each kept character escapes to at most 10 (`\u{10ffff}`), plus `…`.
    assert!(shown.chars().count() <= 80 * 10 + 1);
    assert!(!avropskoll::lang::printable(text).chars().any(char::is_control));
    let _ = avropskoll::read::formats::is_percent_format(text);
}
