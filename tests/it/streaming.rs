//! The streaming reader: a CSV file read in small blocks, cut into chunks
//! parsed side by side, gives exactly the rows of reading it in one go;
//! and what the run holds per row is bounded by the columns.

use crate::common::Workdir;
use avropskoll::read::{self, Exports, ReadOptions, Row};
use std::path::Path;

/// Every row as plain values: file, record number, date, amount, the six
/// text fields, the invoice id and the kind.
fn rows_of(e: &Exports) -> Vec<String> {
    e.rows
        .iter()
        .enumerate()
        .map(|(i, r): (usize, Row)| {
            let text: Vec<&str> = r.text.iter().map(|&s| e.strings.get(s)).collect();
            format!(
                "{} {} {:?} {:?} {:?} {} {} {:?}",
                e.files[r.file as usize].display,
                r.line,
                r.date,
                r.amount,
                text,
                e.orderer_text(i),
                e.id(&r),
                r.kind
            )
        })
        .collect()
}

fn read_with(path: &Path, block_bytes: usize) -> Exports {
    let (found, _) = read::discover(
        &[path.to_path_buf()],
        &read::Exclude::default(),
        avropskoll::lang::Lang::En,
    )
    .expect("discover");
    let options = ReadOptions {
        block_bytes,
        ..ReadOptions::default()
    };
    read::read_all(&found, &options, &|_| {}).expect("read")
}

fn assert_same_in_small_blocks(path: &Path) -> usize {
    let whole = read_with(path, 1 << 30);
    let rows = rows_of(&whole);
    for block in [1024, 4096, 65_536] {
        let small = read_with(path, block);
        assert_eq!(rows_of(&small), rows, "block of {block} bytes");
        assert_eq!(format!("{:?}", small.rejections), format!("{:?}", whole.rejections));
        assert_eq!(small.warnings, whole.warnings);
        assert_eq!(
            small
                .files
                .iter()
                .map(|f| (f.rows, f.description.clone()))
                .collect::<Vec<_>>(),
            whole
                .files
                .iter()
                .map(|f| (f.rows, f.description.clone()))
                .collect::<Vec<_>>()
        );
    }
    rows.len()
}

#[test]
fn the_messy_sample_reads_the_same_in_small_blocks() {
    let d = Workdir::new();
    d.command(["sample", "--months", "4", "--rows-per-month", "400", "--out"])
        .arg(d.root())
        .assert()
        .success();
    let n = assert_same_in_small_blocks(&d.path("exports"));
    assert!(n > 1600, "{n} rows");
}

#[test]
fn quotes_line_breaks_bare_crs_and_windows_1252_read_the_same_in_small_blocks() {
    let d = Workdir::new();
    let mut text = String::from("Rapport;;;\r\n;;;\r\nDatum;Leverantör;Belopp;Verifikation;Ansvar\r\n");
    for i in 0..3000 {
        let line = match i % 5 {
            0 => format!(
                "2024-01-{:02};\"Bygg \"\"Öst\"\" AB\";\"1 {i:03},50\";V{i};\"rad\nbrytning\"\r\n",
                i % 28 + 1
            ),
            1 => format!("2024-02-{:02};Målare AB;{i},25;{i:06};Söder\r", i % 28 + 1),
            2 => "\r\n".to_string(),
            3 => format!("2024-03-{:02};Elkraft AB;-{i};;Norr\n", i % 28 + 1),
            _ => format!("Summa;;{i};;\r\n"),
        };
        text.push_str(&line);
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    d.write("export.csv", &bytes);
    let n = assert_same_in_small_blocks(d.root());
    assert_eq!(n, 2400);
    let e = read_with(d.root(), 1024);
    assert_eq!(e.files[0].description, "CSV, Windows-1252, avgränsare ';'");
    let first = e.rows.at(0);
    assert_eq!(e.strings.get(first.get(read::Field::Supplier)), "Bygg \"Öst\" AB");
    assert_eq!(e.strings.get(first.get(read::Field::Unit)), "rad\nbrytning");
    assert_eq!(first.line, 4);
    // The record numbers go on across the quoted line breaks.
    assert_eq!(e.rows.at(1).line, 5);
    assert_eq!(e.id(&e.rows.at(1)), "000001");
}

#[test]
fn utf8_that_turns_invalid_after_the_first_block_is_read_as_windows_1252() {
    // The first 4 MB are valid UTF-8 (with "ö" in it); a byte further on
    // is not: the whole file is Windows-1252, as if read in one go.
    let d = Workdir::new();
    let mut bytes = b"Datum;Leverantor;Belopp\n2024-01-02;Sk\xc3\xb6nt AB;100\n".to_vec();
    let mut n = 1;
    while bytes.len() < (5 << 20) {
        bytes.extend_from_slice(format!("2024-01-02;AB {n};100\n").as_bytes());
        n += 1;
    }
    bytes.extend_from_slice(b"2024-01-03;M\xe5lare AB;200\n");
    d.write("export.csv", &bytes);
    let e = read_with(d.root(), 4 << 20);
    assert_eq!(e.files[0].description, "CSV, Windows-1252, avgränsare ';'");
    assert_eq!(e.rows.len(), n + 1);
    assert_eq!(e.strings.get(e.rows.at(0).get(read::Field::Supplier)), "SkÃ¶nt AB");
    let last = e.rows.at(e.rows.len() - 1);
    assert_eq!(e.strings.get(last.get(read::Field::Supplier)), "Målare AB");
    assert_eq!(last.line as usize, n + 2);
}

/// What a run holds grows with the rows, not with the bytes: on a
/// generated 200 000-row export (Windows-1252, title block, 60 agreements,
/// 300 units, three orderers a unit) the columns hold 23 bytes a row plus
/// the distinct text combinations, far below the file's ~100 bytes a row.
#[test]
fn the_columns_hold_23_bytes_a_row_plus_the_text_combinations() {
    let d = Workdir::new();
    d.command([
        "sample",
        "--clean",
        "--rows",
        "200000",
        "--agreements",
        "60",
        "--units",
        "300",
        "--out",
    ])
    .arg(d.root())
    .assert()
    .success();
    let file = d.path("exports/bench.csv");
    let size = std::fs::metadata(&file).expect("size").len() as usize;
    let e = read_with(&file, 1 << 20);
    let rows = e.rows.len();
    assert_eq!(rows, 200_001); // and the totals row
                               // 2 date + 4 amount + 4 purchase + 1 flags + 8 id (the record
                               // numbers are runs), and the buyer's combination 4 (three
                               // orderers a unit: they repeat)
    assert_eq!(read::Rows::BYTES_PER_ROW, 19);
    assert_eq!(e.rows.buyer_bytes_per_row(), 4);
    let combos = e.rows.combinations();
    let held = e.rows.heap_bytes();
    assert!(
        held <= rows * 23 + combos * 32 + 4096,
        "{held} bytes for {rows} rows and {combos} combinations"
    );
    // While reading, the columns grew a quarter at a time: their peak
    // stays within 1.25 times what they end up holding.
    let peak = e.rows.peak_bytes();
    assert!(peak * 4 <= held * 5 + 4096, "peak {peak} bytes, {held} held");
    assert!(peak * 2 < size, "{peak} bytes at most for a file of {size}");
}

#[test]
fn utf16_is_turned_into_utf8_block_by_block() {
    // Over 4 MB of UTF-16 (Excel's "Unicode text"), with characters outside
    // the basic plane (surrogate pairs) that block ends may split: the rows
    // are those of the same text saved as UTF-8, in any block size.
    let mut text = String::from("Datum\tLeverantör\tBelopp\tVerifikation\r\n");
    let mut i = 0;
    while text.len() < (5 << 20) {
        text.push_str(&format!("2024-01-02\tÖrn 𝄞 AB {i}\t{i},50\tV{i}\r\n"));
        i += 1;
    }
    let utf8 = Workdir::new();
    utf8.write("export.csv", &text);
    let want = rows_of(&read_with(utf8.root(), 1 << 30));
    assert_eq!(want.len(), i);
    for (bom, le) in [([0xFF, 0xFE], true), ([0xFE, 0xFF], false)] {
        let d = Workdir::new();
        let bytes: Vec<u8> = bom
            .into_iter()
            .chain(
                text.encode_utf16()
                    .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() }),
            )
            .collect();
        d.write("export.csv", bytes);
        for block in [1 << 30, 4097, 1 << 20] {
            let e = read_with(d.root(), block);
            assert_eq!(rows_of(&e), want, "block {block}");
            assert!(
                e.files[0].description.starts_with("CSV, UTF-16"),
                "{}",
                e.files[0].description
            );
        }
    }
}

/// The benchmark's realistic shape: orderers drawn independently of the
/// unit, in an "Er referens" column with a purchase-order number, so that
/// nearly every row has its own orderer text (as real exports do), read as
/// the orderer field.
#[test]
fn the_realistic_benchmark_shape_has_nearly_unique_orderers() {
    let d = Workdir::new();
    d.command([
        "sample",
        "--clean",
        "--rows",
        "5000",
        "--agreements",
        "60",
        "--units",
        "300",
    ])
    .args(["--orderers", "3000", "--references", "--out"])
    .arg(d.root())
    .assert()
    .success();
    let file = d.path("exports/bench.csv");
    let e = read_with(&file, 1 << 20);
    let orderer = e.files[0].mapping.iter().find(|(f, _)| *f == read::Field::Orderer);
    assert_eq!(orderer.map(|(_, h)| h.as_str()), Some("Er referens"));
    let distinct: std::collections::HashSet<&str> = (0..e.rows.len())
        .map(|i| e.strings.get(e.rows.at(i).get(read::Field::Orderer)))
        .collect();
    // 5 000 rows (and the totals row) with 10 million purchase-order
    // numbers: all but a handful distinct.
    assert!(distinct.len() > 4_900, "{} distinct orderers", distinct.len());
}

/// Unit names (a display-only column) read in small blocks: the same first
/// name per unit and the same warning as in one go; a file found to be
/// Windows-1252 late is read again and its names with it.
#[test]
fn unit_names_read_the_same_in_small_blocks_and_after_a_late_encoding_switch() {
    let d = Workdir::new();
    let path = d.path("names.csv");
    let mut bytes = b"Datum;leverantor;Ansvar;Ansvar (T);Belopp\n".to_vec();
    // 160 000 rows (past the 4 MB head that decides the encoding): units
    // U0..U9 named "Namn 0".."Namn 9" (U5 "Sköla" in UTF-8); from row 2000
    // on, unit U3 is also called "Annat"; the last row names U9 first, in
    // Windows-1252 ("Simhall Malm\xf6"), so the file is read again: the
    // names noted in UTF-8 are forgotten (no second name for U5).
    for i in 0..160_000 {
        let unit = i % 10;
        let name = if i >= 2000 && unit == 3 {
            "Annat".to_string()
        } else {
            format!("Namn {unit}")
        };
        if unit == 5 {
            // UTF-8 "Sköla": read again as Windows-1252, "SkÃ¶la".
            bytes.extend(b"2024-01-01;Lev AB;U5;Sk\xc3\xb6la;10\n");
        } else if unit != 9 {
            bytes.extend(format!("2024-01-01;Lev AB;U{unit};{name};10\n").bytes());
        }
    }
    bytes.extend(b"2024-01-02;Lev AB;U9;Simhall Malm\xf6;10\n");
    std::fs::write(&path, &bytes).expect("write");
    let names = |e: &Exports| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = e
            .unit_names
            .iter()
            .map(|(u, n)| (e.strings.get(u).to_string(), e.strings.get(n).to_string()))
            .collect();
        v.sort();
        v
    };
    let whole = read_with(&path, 1 << 30);
    let expected: Vec<(String, String)> = (0..10)
        .map(|u| {
            let name = match u {
                5 => "SkÃ¶la".to_string(),
                9 => "Simhall Malmö".to_string(),
                _ => format!("Namn {u}"),
            };
            (format!("U{u}"), name)
        })
        .collect();
    assert_eq!(names(&whole), expected);
    let several: Vec<String> = whole
        .warnings
        .iter()
        .map(|w| w.words(avropskoll::lang::Lang::Sv))
        .filter(|w| w.contains("flera namn"))
        .collect();
    assert_eq!(
        several,
        ["enheten 'U3' har flera namn i exporterna: 'Namn 3' (visas), 'Annat'"]
    );
    assert!(bytes.len() as u64 > avropskoll::read::table::HEAD_BYTES);
    for block in [65_536, 1 << 20] {
        let small = read_with(&path, block);
        assert_eq!(names(&small), expected, "block of {block} bytes");
        assert_eq!(small.warnings, whole.warnings, "block of {block} bytes");
    }
}

/// Nearly unique orderers (the realistic shape) are held by hash, their
/// text never: on 100 000 rows the columns hold 32 bytes a row (the
/// buyer's combination of unit and order 4, the orderer's key 8, a record
/// position every 16th row), only the purchases and buyers are combined,
/// and the strings hold next to no orderer. Each orderer reads back from
/// the file as written.
#[test]
fn nearly_unique_orderers_are_held_by_hash_and_read_back_from_the_file() {
    let d = Workdir::new();
    d.command(["sample", "--clean", "--rows", "100000"])
        .args(["--agreements", "60", "--units", "300"])
        .args(["--orderers", "3000", "--references", "--out"])
        .arg(d.root())
        .assert()
        .success();
    let path = d.path("exports/bench.csv");
    let e = read_with(&path, 4 << 20);
    let rows = e.rows.len();
    assert_eq!(rows, 100_001); // and the totals row
    assert!(e.rows.orderers_hashed());
    assert_eq!(read::Rows::BYTES_PER_ROW + e.rows.buyer_bytes_per_row(), 31);
    let combos = e.rows.combinations();
    assert!(combos < 5_000, "{combos} combinations");
    let held = e.rows.heap_bytes();
    assert!(
        held <= rows * 32 + combos * 32 + 1_000_000,
        "{held} bytes for {rows} rows and {combos} combinations"
    );
    // The orderers of the rows read before the column was judged are
    // kept (the first 4 096 of each chunk of the first block): few.
    let strings = e.strings.len();
    assert!(strings < rows / 4, "{strings} texts");
    // Every orderer as in the file ("Er referens", the 7th column).
    let bytes = std::fs::read(&path).expect("read");
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    let expected: Vec<&str> = text
        .lines()
        .skip(4)
        .map(|l| l.split(';').nth(6).unwrap_or("").trim())
        .collect();
    let back: Vec<String> = (0..rows).map(|i| e.orderer_text(i).into_owned()).collect();
    assert_eq!(back.len(), expected.len());
    assert!(back.iter().zip(&expected).all(|(a, b)| a == b));
    assert!(back[5_000].starts_with("Beställare "), "{}", back[5_000]);
}

/// Held by hash, orderers with quotes, delimiters and line breaks inside,
/// blank records and totals between them read back the same from any
/// block size, and equal texts share a key.
#[test]
fn orderers_held_by_hash_read_back_across_blocks_quotes_and_line_breaks() {
    let d = Workdir::new();
    let mut text = String::from("Rapport;;;\r\nDatum;Leverantör;Belopp;Beställare;Ansvar\r\n");
    let mut expected = Vec::new();
    for i in 0..60_000 {
        let (cell, orderer) = match i % 10 {
            0 => (format!("\"Ref {i};\nrad två\""), format!("Ref {i};\nrad två")),
            1 => ("Anna Ö".to_string(), "Anna Ö".to_string()),
            2 => (format!(" Beställare {i} "), format!("Beställare {i}")),
            _ => (format!("PO-{i}"), format!("PO-{i}")),
        };
        text.push_str(&format!(
            "2024-01-{:02};Målare AB;{i},50;{cell};U{}\r\n",
            i % 28 + 1,
            i % 9
        ));
        expected.push(orderer);
        if i % 1000 == 0 {
            text.push_str("\r\n");
        }
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    d.write("export.csv", &bytes);
    for block in [1 << 20, 1 << 30] {
        let e = read_with(d.root(), block);
        assert!(e.rows.orderers_hashed(), "block of {block} bytes");
        let back: Vec<String> = (0..e.rows.len()).map(|i| e.orderer_text(i).into_owned()).collect();
        assert_eq!(back, expected, "block of {block} bytes");
        // Read in one pass, rows asked for in any order.
        let some: Vec<usize> = (0..e.rows.len()).rev().step_by(3).collect();
        let together: Vec<String> = e.orderer_texts(&some).into_iter().map(|t| t.into_owned()).collect();
        let one_by_one: Vec<String> = some.iter().map(|&i| back[i].clone()).collect();
        assert_eq!(together, one_by_one, "block of {block} bytes");
        // Read ahead (twice: the second asks for nothing), then served
        // from memory, the same texts.
        e.read_orderers_ahead(some.clone());
        e.read_orderers_ahead(vec![0]);
        let ahead: Vec<String> = e.orderer_texts(&some).into_iter().map(|t| t.into_owned()).collect();
        assert_eq!(ahead, one_by_one, "block of {block} bytes");
        assert_eq!(e.orderer_text(0), expected[0]);
        assert_eq!(e.rows.orderer(1), e.rows.orderer(11));
        assert_ne!(e.rows.orderer(2), e.rows.orderer(12));
    }
}
