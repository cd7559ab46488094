//! End-to-end tests: the binary on small fixture exports, outputs read back
//! and compared with values worked out by hand.
//!
//! `tests/fixtures/base.csv` holds 20 invoice rows that exercise every rule
//! (see the comments at EXPECTED_*); each format test writes the same rows
//! in another format or encoding and must give the very same numbers.

use super::common::{csv_records, fixture, read, xlsx_part, Workdir};

use predicates::prelude::PredicateBooleanExt;
use std::path::{Path, PathBuf};

/// Runs `avropskoll run` with the test register, the reports in `out/`.
fn run(w: &Workdir, exports: &[&Path], extra: &[&str]) -> assert_cmd::assert::Assert {
    w.command(["run", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--out")
        .arg(w.out())
        .arg("--exports")
        .args(exports)
        .args(extra)
        .assert()
}

/// The base rows as text cells (header first).
fn base_rows() -> Vec<Vec<String>> {
    read(&fixture("base.csv"))
        .lines()
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect()
}

// Window 2019-H1, --min-call-offs 2.
// RA-1 period: Måleri Syd 1000 (row 2) + 500 (name "Aktiebolag", no id) +
//   1000 (identical row 18, same file: counts) + 250 (by org nr) + 150 (VAT
//   org nr, no id) = 2900 in 5 call-offs; Färg & Fasad 600 (alias); Pensel-
//   kungen 400 − 100 (credit note) = 300, 1 call-off. Total 3800:
//   76.3158 / 15.7895 / 7.8947 %. T = 2900/0.5 = 5800: catch-up 0, 1140, 860.
// RA-2 (count, 60/40, tolerance 2): Elkraft 1 call-off (the 4420 row is
//   outside: account), Ljus 1 (explicit id, accounts do not limit): 50/50,
//   T = 1/0.4 = 2.5: Elkraft 0.6·2.5 − 1 = 0.5 → 1 call-off.
// RA-1 to date (from 2018-10-01) adds Penselkungen 1000 on 2018-12-15:
//   2900/600/1300 of 4800; T = 1300/0.2 = 6500: catch-up 350, 1350, 0.
// RA-3 starts 2019-07-01: not reported in 2019-H1.
const EXPECTED_ALLOCATION: &str = "\
scope,period_start,period_end,agreement_id,agreement_name,supplier_org_nr,supplier_name,agreed_pct,amount,call_offs,actual_pct,deviation_pp,catch_up,status,agreement_status
period,2019-01-01,2019-06-30,RA-1,Målning,556036-0793,Måleri Syd AB,50.00,2900.00,5,76.3158,26.3158,0.00,imbalance,imbalance
period,2019-01-01,2019-06-30,RA-1,Målning,,Färg & Fasad AB,30.00,600.00,1,15.7895,-14.2105,1140.00,imbalance,imbalance
period,2019-01-01,2019-06-30,RA-1,Målning,,Penselkungen AB,20.00,300.00,1,7.8947,-12.1053,860.00,imbalance,imbalance
period,2019-01-01,2019-06-30,RA-2,El,,Elkraft AB,60.00,300.00,1,50.0000,-10.0000,1,imbalance,imbalance
period,2019-01-01,2019-06-30,RA-2,El,,Ljus AB,40.00,200.00,1,50.0000,10.0000,0,imbalance,imbalance
to_date,2018-10-01,2019-06-30,RA-1,Målning,556036-0793,Måleri Syd AB,50.00,2900.00,5,60.4167,10.4167,350.00,imbalance,imbalance
to_date,2018-10-01,2019-06-30,RA-1,Målning,,Färg & Fasad AB,30.00,600.00,1,12.5000,-17.5000,1350.00,imbalance,imbalance
to_date,2018-10-01,2019-06-30,RA-1,Målning,,Penselkungen AB,20.00,1300.00,2,27.0833,7.0833,0.00,imbalance,imbalance
to_date,2019-01-01,2019-06-30,RA-2,El,,Elkraft AB,60.00,300.00,1,50.0000,-10.0000,1,imbalance,imbalance
to_date,2019-01-01,2019-06-30,RA-2,El,,Ljus AB,40.00,200.00,1,50.0000,10.0000,0,imbalance,imbalance
";

// 20 rows read: 11 counted (5300), 2 outside (Elkraft on 4420, Byggmax
// without id: 2300), 2 rejected (80 readable), the Summa row (4020), and one
// each of unknown (70), ambiguous (110), supplier outside (50), outside
// validity (90). 5300+2300+80+4020+70+110+50+90 = 12020.
const EXPECTED_RECONCILIATION: &str = "\
category,rows,amount
read,20,12020.00
in_agreements,11,5300.00
outside_agreements,2,2300.00
rejected,2,80.00
total_row,1,4020.00
duplicate,0,0.00
unknown_agreement,1,70.00
ambiguous_agreement,1,110.00
supplier_outside_agreement,1,50.00
outside_validity,1,90.00
";

/// (row in base.csv, category, amount) of every data-quality line.
const EXPECTED_QUALITY: [(u32, &str, &str); 7] = [
    (11, "supplier_outside_agreement", "50.00"),
    (12, "unknown_agreement", "70.00"),
    (13, "rejected", "80.00"),
    (14, "rejected", ""),
    (15, "outside_validity", "90.00"),
    (16, "ambiguous_agreement", "110.00"),
    (17, "total_row", "4020.00"),
];

/// data_quality.csv as (file, row, category, detail, amount).
fn quality(dir: &Path) -> Vec<(String, u32, String, String, String)> {
    csv_records(&dir.join("data_quality.csv"))
        .into_iter()
        .map(|rec| {
            (
                rec[0].to_string(),
                rec[1].parse().expect("row number"),
                rec[2].to_string(),
                rec[3].to_string(),
                rec[4].to_string(),
            )
        })
        .collect()
}

/// Runs one export file and checks all three outputs; `offset` is the number
/// of title rows above the header in that file.
fn check_file(path: &Path, offset: u32) {
    let w = Workdir::new();
    run(&w, &[path], &["--period", "2019-H1", "--min-call-offs", "2"]).success();
    let dir = w.report("2019-H1");
    assert_eq!(
        read(&dir.join("allocation.csv")),
        EXPECTED_ALLOCATION,
        "{}",
        path.display()
    );
    assert_eq!(
        read(&dir.join("reconciliation.csv")),
        EXPECTED_RECONCILIATION,
        "{}",
        path.display()
    );
    let name = path.file_name().and_then(|n| n.to_str()).expect("name");
    let got: Vec<(String, u32, String, String)> =
        quality(&dir).into_iter().map(|(f, r, c, _, a)| (f, r, c, a)).collect();
    let want: Vec<(String, u32, String, String)> = EXPECTED_QUALITY
        .iter()
        .map(|(r, c, a)| (name.to_string(), r + offset, c.to_string(), a.to_string()))
        .collect();
    assert_eq!(got, want, "{}", path.display());
}

/// Writes the base rows as CSV with the given delimiter, line ending and
/// encoding; quotes amounts when the delimiter is a comma.
fn write_csv(
    w: &Workdir,
    name: &str,
    delimiter: char,
    eol: &str,
    encode: fn(&str) -> Vec<u8>,
    title: &[&str],
) -> PathBuf {
    let mut text = String::new();
    for t in title {
        text.push_str(t);
        text.push_str(eol);
    }
    for row in base_rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains(delimiter) || (delimiter == ',' && c.contains(',')) {
                    format!("\"{c}\"")
                } else {
                    c.clone()
                }
            })
            .collect();
        text.push_str(&cells.join(&delimiter.to_string()));
        text.push_str(eol);
    }
    w.write(name, encode(&text))
}

fn utf8(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}
fn utf8_bom(s: &str) -> Vec<u8> {
    [b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat()
}
fn utf16le(s: &str) -> Vec<u8> {
    [0xFF, 0xFE]
        .into_iter()
        .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}
fn utf16be(s: &str) -> Vec<u8> {
    [0xFE, 0xFF]
        .into_iter()
        .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
        .collect()
}
fn windows1252(s: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(s).0.into_owned()
}

#[test]
fn csv_utf8_semicolon_lf() {
    check_file(&fixture("base.csv"), 0);
}

#[test]
fn csv_utf8_bom_semicolon_crlf() {
    let d = Workdir::new();
    check_file(&write_csv(&d, "bom.csv", ';', "\r\n", utf8_bom, &[]), 0);
}

#[test]
fn csv_utf16le_comma_quoted_decimal_comma() {
    let d = Workdir::new();
    check_file(&write_csv(&d, "utf16le.csv", ',', "\r\n", utf16le, &[]), 0);
}

#[test]
fn csv_utf16be_tab() {
    let d = Workdir::new();
    check_file(&write_csv(&d, "utf16be.CSV", '\t', "\n", utf16be, &[]), 0);
}

#[test]
fn csv_windows1252_bare_cr_with_title_block() {
    let d = Workdir::new();
    let title = ["Leverantörsreskontra;;;", "Period 2019;;;", ""];
    check_file(&write_csv(&d, "ansi.csv", ';', "\r", windows1252, &title), 3);
}

#[test]
fn csv_plain_utf8_without_bom_comma() {
    let d = Workdir::new();
    check_file(&write_csv(&d, "plain.csv", ',', "\n", utf8, &[]), 0);
}

#[test]
fn xls_with_date_cells_and_title_block() {
    check_file(&fixture("base.xls"), 3);
}

#[test]
fn ods_with_date_cells_and_title_block() {
    check_file(&fixture("base.ods"), 3);
}

#[test]
fn xlsx_with_date_and_number_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let d = Workdir::new();
    let path = d.path("base.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string(0, 0, "Leverantörsfakturor").expect("cell");
    ws.write_string(1, 0, "Uttag 2019-06-30").expect("cell");
    for (r, row) in base_rows().iter().enumerate() {
        let r = r as u32 + 3;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            let date = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
            let amount = avropskoll::parse::parse_amount(v);
            match (c, date, amount) {
                (0, Some(dt), _) if r > 3 => {
                    use chrono::Datelike;
                    let x = ExcelDateTime::from_ymd(dt.year() as u16, dt.month() as u8, dt.day() as u8).expect("date");
                    ws.write_datetime_with_format(r, c, &x, &date_format).expect("cell");
                }
                (2 | 6 | 7, _, Some(a)) if r > 3 && v.bytes().all(|b| b.is_ascii_digit() || b" ,-".contains(&b)) => {
                    ws.write_number(r, c, a.to_f64()).expect("cell");
                }
                _ if v.is_empty() => {}
                _ => {
                    ws.write_string(r, c, v).expect("cell");
                }
            }
        }
    }
    wb.save(&path).expect("save xlsx");
    check_file(&path, 3);
}

/// Writes `files` (name, rows below a four-column header) under
/// `exports/` and runs the window 2019-01..2019-02; the report folder.
fn run_jan_feb(w: &Workdir, files: &[(&str, String)]) -> std::path::PathBuf {
    let header = "Bokföringsdatum;Leverantör;Avtal;Belopp\n";
    for (name, rows) in files {
        w.write(&format!("exports/{name}"), format!("{header}{rows}"));
    }
    run(
        w,
        &[&w.path("exports")],
        &["--period", "2019-01..2019-02", "--min-call-offs", "1"],
    )
    .success();
    w.report("2019-01..2019-02")
}

#[test]
fn duplicates_across_overlapping_files_count_once() {
    // Row X occurs twice in jan.csv and three times in feb.csv: it counts
    // max(2, 3) = 3 times; the first two copies in feb.csv are duplicates.
    let d = Workdir::new();
    let x = "2019-01-31;Måleri Syd AB;RA-1;100,00\n";
    let y = "2019-02-01;Färg & Fasad AB;RA-1;50,00\n";
    d.write("exports/notes.txt.bak", "ignored");
    let dir = run_jan_feb(
        &d,
        &[("jan.csv", format!("{x}{x}")), ("sub/feb.CSV", format!("{x}{y}{x}{x}"))],
    );
    let q = quality(&dir);
    assert_eq!(q.len(), 2);
    assert_eq!(
        (q[0].0.as_str(), q[0].1, q[0].2.as_str()),
        ("sub/feb.CSV", 2, "duplicate")
    );
    assert_eq!(
        (q[1].0.as_str(), q[1].1, q[1].2.as_str()),
        ("sub/feb.CSV", 4, "duplicate")
    );
    assert!(q[0].3.contains("jan.csv"), "{}", q[0].3);
    let alloc = read(&dir.join("allocation.csv"));
    assert!(
        alloc.contains("period,2019-01-01,2019-02-28,RA-1,Målning,556036-0793,Måleri Syd AB,50.00,300.00,3,85.7143,35.7143,0.00,imbalance,imbalance"),
        "{alloc}"
    );
    let recon = read(&dir.join("reconciliation.csv"));
    assert!(recon.contains("read,6,550.00"), "{recon}");
    assert!(recon.contains("in_agreements,4,350.00"), "{recon}");
    assert!(recon.contains("duplicate,2,200.00"), "{recon}");
}

#[test]
fn repeats_within_a_file_or_in_files_of_other_dates_all_count() {
    // Copies within one file all count (rule 2); so do rows repeated in
    // files whose dates do not overlap (no row of one can be a copy of the
    // other's), and a repeat inside the overlap of two files is still found.
    let d = Workdir::new();
    let jan = "2019-01-15;Måleri Syd AB;RA-1;100,00\n";
    let feb = "2019-02-15;Måleri Syd AB;RA-1;100,00\n";
    let dir = run_jan_feb(
        &d,
        &[("a.csv", format!("{jan}{jan}")), ("b.csv", format!("{feb}{feb}"))],
    );
    let recon = read(&dir.join("reconciliation.csv"));
    assert!(recon.contains("read,4,400.00"), "{recon}");
    assert!(recon.contains("duplicate,0,0.00"), "{recon}");
    // A third file spanning both months repeats the January row once: it
    // is a copy (a.csv holds it twice, c.csv once: max(2, 1) = 2).
    let dir = run_jan_feb(&d, &[("c.csv", format!("{jan}2019-02-20;Måleri Syd AB;RA-1;1,00\n"))]);
    let recon = read(&dir.join("reconciliation.csv"));
    assert!(recon.contains("read,6,501.00"), "{recon}");
    assert!(recon.contains("duplicate,1,100.00"), "{recon}");
}

#[test]
fn default_window_is_the_half_year_of_the_latest_date() {
    // The latest readable date in base.csv is 2021-01-05 (an outside-validity
    // row): the window is 2021-H1, where only RA-3 is valid.
    let out = Workdir::new();
    run(&out, &[&fixture("base.csv")], &[])
        .success()
        .stdout(predicates::str::contains("Period 2021-H1"));
    let alloc = read(&out.path("out/2021-H1/allocation.csv"));
    let lines: Vec<&str> = alloc.lines().collect();
    assert_eq!(lines.len(), 5, "{alloc}");
    assert_eq!(
        lines[1],
        "period,2021-01-01,2021-06-30,RA-3,Lås,,Elkraft AB,50.00,0.00,0,,,0.00,insufficient,insufficient"
    );
    assert_eq!(
        lines[3],
        "to_date,2019-07-01,2021-06-30,RA-3,Lås,,Elkraft AB,50.00,0.00,0,,,0.00,insufficient,insufficient"
    );
}

#[test]
fn prints_the_mapping_table_and_reconciliation() {
    let out = Workdir::new();
    run(
        &out,
        &[&fixture("base.csv")],
        &["--period", "2019-H1", "--min-call-offs", "2"],
    )
    .success()
    .stdout(predicates::str::contains(
        "base.csv (CSV, UTF-8, avgränsare ';'): rubrikrad 1, 20 rader",
    ))
    .stdout(predicates::str::contains("datum ← 'Bokföringsdatum'"))
    .stdout(predicates::str::contains("belopp ← 'Belopp'"))
    .stdout(predicates::str::contains("RA-1"))
    .stdout(predicates::str::contains("obalans   +26,3 pe"))
    .stdout(predicates::str::contains(
        "Avstämning (varje läst rad hamnar på exakt en rad):",
    ))
    .stdout(predicates::str::contains("Lästa rader"))
    .stdout(predicates::str::contains("12\u{a0}020,00 kr"))
    .stdout(predicates::str::contains("stämmer"))
    .stdout(predicates::str::contains("SEK").not())
    .stdout(predicates::str::contains("Window").not());
    // The English variant.
    run(
        &out,
        &[&fixture("base.csv")],
        &["--period", "2019-H1", "--min-call-offs", "2", "--lang", "en"],
    )
    .success()
    .stdout(predicates::str::contains(
        "base.csv (CSV, UTF-8, delimiter ';'): header in row 1, 20 rows",
    ))
    .stdout(predicates::str::contains("date ← 'Bokföringsdatum'"))
    .stdout(predicates::str::contains("amount ← 'Belopp'"))
    .stdout(predicates::str::contains("imbalance  +26.3 pp"))
    .stdout(predicates::str::contains("12,020.00 SEK"))
    .stdout(predicates::str::contains("read                                20 rows"))
    .stdout(predicates::str::contains("adds up"));
}

#[test]
fn english_details() {
    let out = Workdir::new();
    run(&out, &[&fixture("base.csv")], &["--period", "2019-H1", "--lang", "en"]).success();
    let q = quality(&out.report("2019-H1"));
    let details: Vec<&str> = q.iter().map(|r| r.3.as_str()).collect();
    assert_eq!(details[0], "supplier 'Byggmax AB' is not a supplier of agreement RA-1");
    assert_eq!(details[1], "agreement 'RA-9' is not in the register");
    assert_eq!(details[2], "unreadable date in column 'Bokföringsdatum': '2019-02-30'");
    assert_eq!(details[3], "unreadable amount in column 'Belopp': '12 5OO,00'");
    assert_eq!(
        details[4],
        "dated 2021-01-05, outside the validity of agreement RA-2 (2019-01-01 to 2019-12-31)"
    );
    assert_eq!(
        details[5],
        "supplier 'Elkraft AB' is in several agreements valid on the date: RA-2, RA-3"
    );
}

#[test]
fn missing_required_column_names_file_and_headers() {
    let d = Workdir::new();
    let p = d.write("bad.csv", "Datum;Leverantör;Belopp inkl moms\n2019-01-01;X AB;5\n");
    run(&d, &[&p], &[])
        .code(2)
        .stderr(predicates::str::contains("bad.csv"))
        .stderr(predicates::str::contains("amount"))
        .stderr(predicates::str::contains("Belopp inkl moms"));
}

#[test]
fn invalid_register_exits_2_naming_the_agreement() {
    let d = Workdir::new();
    let reg = d.write(
        "reg.toml",
        read(&fixture("register.toml")).replace("share = 60", "share = 70"),
    );
    d.command(["run", "--exports"])
        .arg(fixture("base.csv"))
        .arg("--agreements")
        .arg(&reg)
        .arg("--out")
        .arg(d.out())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "avtal RA-2: andelarna summerar till 110 %, inte 100 %",
        ));
}

/// The test register as a table, one row per agreement supplier.
const REGISTER_TABLE: &str = "\
id;name;valid_from;valid_to;basis;tolerance_pp;accounts;supplier;org_nr;share;aliases
RA-1;Målning;2018-10-01;2020-12-31;;;;Måleri Syd AB;5560360793;50;
RA-1;;;;;;;Färg & Fasad AB;;30;Färg och Fasad AB
RA-1;;;;;;;Penselkungen AB;;20;
RA-2;El;2019-01-01;2019-12-31;count;2;4410;Elkraft AB;;60;
RA-2;El;2019-01-01;2019-12-31;count;2;4410;Ljus AB;;40;
RA-3;Lås;2019-07-01;2021-06-30;;;;Elkraft AB;;50;
RA-3;Lås;2019-07-01;2021-06-30;;;;Låssmeden AB;;50;
";

fn check_register(w: &Workdir, reg: &Path) {
    w.run("2019-H1", reg, &fixture("base.csv"))
        .args(["--min-call-offs", "2"])
        .assert()
        .success();
    assert_eq!(w.read("out/2019-H1/allocation.csv"), EXPECTED_ALLOCATION);
}

#[test]
fn register_as_csv_gives_the_same_result() {
    let d = Workdir::new();
    let reg = d.write("register.csv", REGISTER_TABLE);
    check_register(&d, &reg);
}

#[test]
fn register_as_xlsx_with_date_and_number_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let d = Workdir::new();
    let reg = d.path("Register.XLSX");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string(0, 0, "Avtalsregister").expect("cell");
    for (r, line) in REGISTER_TABLE.lines().enumerate() {
        let r = r as u32 + 2;
        for (c, v) in line.split(';').enumerate() {
            let c = c as u16;
            if let Ok(dt) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                use chrono::Datelike;
                let x = ExcelDateTime::from_ymd(dt.year() as u16, dt.month() as u8, dt.day() as u8).expect("date");
                ws.write_datetime_with_format(r, c, &x, &date_format).expect("cell");
            } else if let Ok(n) = v.parse::<f64>() {
                ws.write_number(r, c, n).expect("cell");
            } else if !v.is_empty() {
                ws.write_string(r, c, v).expect("cell");
            }
        }
    }
    wb.save(&reg).expect("save");
    check_register(&d, &reg);
}

#[test]
fn config_file_with_column_names_and_flags_winning() {
    let d = Workdir::new();
    d.write(
        "in/x.csv",
        "Bokf dag;Firma;Avtal;Summa SEK\n2019-03-01;Måleri Syd AB;RA-1;100,00\n2019-03-02;Penselkungen AB;RA-1;100,00\n",
    );
    d.write("reg.toml", read(&fixture("register.toml")));
    let config = d.write(
        "avropskoll.toml",
        "agreements = \"reg.toml\"\nexports = \"in\"\nout = \"rep\"\nperiod = \"2019-Q1\"\nmin_call_offs = 50\n\
         [columns]\ndate = \"Bokf dag\"\nsupplier = [\"Firma\"]\namount = [\"Summa SEK\"]\n",
    );
    d.command(["run", "--min-call-offs", "1", "--config"])
        .arg(config)
        .assert()
        .success();
    let alloc = d.read("rep/2019-Q1/allocation.csv");
    assert!(
        alloc.contains("period,2019-01-01,2019-03-31,RA-1,Målning,556036-0793,Måleri Syd AB,50.00,100.00,1,50.0000,0.0000,150.00,ok,imbalance"),
        "{alloc}"
    );
}

#[test]
fn bad_command_line_and_config_exit_2() {
    let d = Workdir::new();
    run(&d, &[&fixture("base.csv")], &["--period", "2019-H3"])
        .code(2)
        .stderr(predicates::str::contains("2019-H3"));
    run(&d, &[&d.path("nope")], &[])
        .code(2)
        .stderr(predicates::str::contains("nope"));
    let cfg = d.write("c.toml", "tolerans = 5\n");
    d.command(["run", "--config"])
        .arg(&cfg)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("tolerans"));
    d.command(["run", "--tolerance-pp", "abc"]).assert().code(2);
}

#[test]
fn reports_replace_the_previous_run_atomically_keeping_it_in_the_archive() {
    let out = Workdir::new();
    let args = ["--period", "2019-H1", "--min-call-offs", "2"];
    run(&out, &[&fixture("base.csv")], &args).success();
    out.write("out/2019-H1/stale.txt", "old");
    run(&out, &[&fixture("base.csv")], &args).success();
    assert!(!out.path("out/2019-H1/stale.txt").exists());
    let mut names: Vec<String> = std::fs::read_dir(out.out())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["2019-H1".to_string(), "arkiv".to_string()]);
    // The first run's report, with the file added to it, is in the archive.
    let kept: Vec<std::path::PathBuf> = std::fs::read_dir(out.path("out/arkiv"))
        .expect("archive")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(read(&kept[0].join("stale.txt")), "old");
}

#[test]
fn sample_generator_is_deterministic_and_runs_clean() {
    let d = Workdir::new();
    for sub in ["a", "b"] {
        d.command([
            "sample",
            "--months",
            "3",
            "--rows-per-month",
            "200",
            "--seed",
            "9",
            "--out",
        ])
        .arg(d.path(sub))
        .assert()
        .success();
    }
    for f in ["register.toml", "exports/2024-01.csv", "exports/2024-03.csv"] {
        assert_eq!(
            std::fs::read(d.path("a").join(f)).expect("a"),
            std::fs::read(d.path("b").join(f)).expect("b"),
            "{f}"
        );
    }
    let out = d.out();
    d.command(["run", "--config"])
        .arg(d.path("a/avropskoll.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("stämmer"));
    let recon = read(&out.join("2024-H1/reconciliation.csv"));
    let dup: u64 = recon
        .lines()
        .find(|l| l.starts_with("duplicate,"))
        .and_then(|l| l.split(',').nth(1))
        .and_then(|n| n.parse().ok())
        .expect("duplicate line");
    assert!(dup > 0, "overlapping months give duplicates: {recon}");
}

#[test]
fn large_csv_read_in_chunks_matches_reading_it_in_one_go() {
    // Over 8 MB without quotes: read in parallel chunks. The same rows with
    // one quoted cell at the end: read in one go. Same numbers, same row
    // numbers in data_quality.csv (blank lines and CRLF included).
    let d = Workdir::new();
    let mut body = String::new();
    let mut i = 0u32;
    while body.len() < 9 << 20 {
        i += 1;
        let line = match i % 997 {
            0 => "2019-02-30;Måleri Syd AB;RA-1;4410;1 000,00".to_string(),
            1 => String::new(),
            _ => format!(
                "2019-0{}-{:02};{};RA-1;4410;{},{:02}",
                1 + i % 6,
                1 + i % 28,
                ["Måleri Syd AB", "Färg & Fasad AB", "Penselkungen AB"][(i % 3) as usize],
                100 + i % 900,
                i % 100
            ),
        };
        body.push_str(&line);
        body.push_str(if i.is_multiple_of(2) { "\r\n" } else { "\n" });
    }
    let header = "Bokföringsdatum;Leverantör;Avtal;Konto;Belopp\n";
    // Each in a folder of its own, its reports in its own out/.
    let e = Workdir::new();
    d.write("a/x.csv", format!("{header}{body}"));
    e.write(
        "b/x.csv",
        format!("{header}{body}2019-06-30;\"Penselkungen AB\";RA-1;4410;0,00\n"),
    );
    for (w, which) in [(&d, "a"), (&e, "b")] {
        run(w, &[&w.path(which)], &["--period", "2019-H1", "--min-call-offs", "1"]).success();
    }
    let a = d.report("2019-H1");
    let b = e.report("2019-H1");
    assert_eq!(read(&a.join("data_quality.csv")), read(&b.join("data_quality.csv")));
    let quality = read(&a.join("data_quality.csv"));
    assert!(
        quality.contains("x.csv,998,rejected,"),
        "row numbers count blank lines: {}",
        &quality[..300]
    );
    // b has one more row, of 0.00 (no call-off): the same amounts and shares.
    let strip = |s: String| {
        s.lines()
            .map(|l| l.split(',').take(9).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(read(&a.join("allocation.csv"))),
        strip(read(&b.join("allocation.csv")))
    );
}

/// Runs the ceiling fixture for a window; returns the report folder.
fn run_ceiling_fixture(w: &Workdir, period: &str) -> PathBuf {
    w.run(period, &fixture("ceiling.toml"), &fixture("ceiling.csv"))
        .args(["--min-call-offs", "1", "-q"])
        .assert()
        .success();
    w.report(period)
}

// Rule 11 by hand. The latest date read is 2024-06-30, so as_of is
// 2024-06-30 in both 2024-H1 and 2024-H2.
// RA-C1: 600, 500 (running 1100 ≥ 1000: reached 2024-04-01), −200 (credit
//   note pulls it back under), 50: used 950 = 95 %; after it 2 rows, −150.
//   Elapsed 182 of 731 days = 24.8974 %; rate 950 / 182 days × 30.4375 =
//   158.88 a month; 50 left: ceil(50 × 182 / 950) = 10 days → 2024-07-10.
// RA-C2 starts 2024-09-01, after as_of: all zero, no forecast (H2 only).
// RA-C3 has no rows: rate zero, no forecast, ok.
// RA-C4: 900 on 2023-12-15, 100 on 2024-01-01 (the first day of 2024-H1)
//   reaches 1000; 10 after it.
// RA-C5: 850 of 1000 = 85 % ≥ the default 80: warning; shared.
// RA-C6: 500 on 2024-06-30; 500 per 182 days: ceil(500 × 182 / 500) = 182
//   days → 2024-12-29, before valid_to 2024-12-31: forecast.
// RA-C7: 500 in 2022, nothing in the last 365 days: rate zero.
const CEILING_H1: &str = "\
agreement_id,agreement_name,valid_from,valid_to,as_of,ceiling_sek,estimated_sek,used,used_pct,elapsed_pct,rate_per_month,forecast_date,reached_on,after_reached_rows,after_reached_amount,status,shared_ceiling
RA-C1,\"Nådd, sedan kreditnota\",2024-01-01,2025-12-31,2024-06-30,1000.00,,950.00,95.0000,24.8974,158.88,2024-07-10,2024-04-01,2,-150.00,reached,false
RA-C3,Inga rader,2023-01-01,2024-12-31,2024-06-30,100.00,,0.00,0.0000,74.8290,0.00,,,0,0.00,ok,false
RA-C4,Nådd första dagen,2023-01-01,2024-12-31,2024-06-30,1000.00,,1010.00,101.0000,74.8290,84.22,,2024-01-01,1,10.00,reached,false
RA-C5,\"Varning, delad\",2024-01-01,2024-12-31,2024-06-30,1000.00,900.00,850.00,85.0000,49.7268,142.15,2024-08-02,,0,0.00,warning,true
RA-C6,Prognos före slut,2024-01-01,2024-12-31,2024-06-30,1000.00,,500.00,50.0000,49.7268,83.62,2024-12-29,,0,0.00,forecast,false
RA-C7,Takt noll,2022-01-01,2026-12-31,2024-06-30,10000.00,,500.00,5.0000,49.9452,0.00,,,0,0.00,ok,false
";

#[test]
fn ceiling_csv_matches_hand_computed_edges() {
    let d = Workdir::new();
    let h1 = run_ceiling_fixture(&d, "2024-H1");
    assert_eq!(read(&h1.join("ceiling.csv")), CEILING_H1);
    let h2 = run_ceiling_fixture(&d, "2024-H2");
    let text = read(&h2.join("ceiling.csv"));
    assert!(
        text.contains("RA-C2,Börjar efter as_of,2024-09-01,2026-08-31,2024-06-30,500.00,,0.00,0.0000,0.0000,0.00,,,0,0.00,ok,false\n"),
        "{text}"
    );
    // The other agreements read the same with the same as_of.
    let without_c2: String = text
        .lines()
        .filter(|l| !l.starts_with("RA-C2"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(without_c2, CEILING_H1);
}

#[test]
fn ceiling_csv_is_header_only_without_ceilings() {
    let d = Workdir::new();
    run(&d, &[&fixture("base.csv")], &["--period", "2019-H1", "-q"]).success();
    assert_eq!(
        d.read("out/2019-H1/ceiling.csv"),
        "agreement_id,agreement_name,valid_from,valid_to,as_of,ceiling_sek,estimated_sek,used,used_pct,elapsed_pct,rate_per_month,forecast_date,reached_on,after_reached_rows,after_reached_amount,status,shared_ceiling\n"
    );
}

// Rule 12 for 2024-Q1, whose previous window is 2023-Q4 (the year before).
// RA-C1 starts 2024-01-01, inside the window: no previous figures; now
//   Alfa 600 of 600 on 2024-03-01 (100/0: imbalance).
// RA-C3 has no rows: no shares either time (insufficient).
// RA-C4: 900 in 2023-Q4 and 110 in 2024-Q1, one supplier: 100 % both.
// RA-C5 starts in 2024: no previous figures. RA-C6 has nothing in Q1.
// RA-C7: nothing in either quarter.
// RA-C8 (60/40): 300/200 in 2023-Q4 = 60/40 ok; 800/200 in 2024-Q1 =
//   80/20: imbalance, +20 and −20 percentage points.
const COMPARISON_Q1: &str = "\
agreement_id,agreement_name,supplier_org_nr,supplier_name,agreed_pct,previous_period_start,previous_period_end,previous_actual_pct,actual_pct,change_pp,previous_agreement_status,agreement_status
RA-C1,\"Nådd, sedan kreditnota\",,Alfa AB,50.00,,,,100.0000,,,imbalance
RA-C1,\"Nådd, sedan kreditnota\",,Beta AB,50.00,,,,0.0000,,,imbalance
RA-C3,Inga rader,,Delta AB,100.00,2023-10-01,2023-12-31,,,,insufficient,insufficient
RA-C4,Nådd första dagen,,Epsilon AB,100.00,2023-10-01,2023-12-31,100.0000,100.0000,0.0000,ok,ok
RA-C5,\"Varning, delad\",,Zeta AB,100.00,,,,100.0000,,,ok
RA-C6,Prognos före slut,,Eta AB,100.00,,,,,,,insufficient
RA-C7,Takt noll,,Theta AB,100.00,2023-10-01,2023-12-31,,,,insufficient,insufficient
RA-C8,Utan tak,,Iota AB,60.00,2023-10-01,2023-12-31,60.0000,80.0000,20.0000,ok,imbalance
RA-C8,Utan tak,,Kappa AB,40.00,2023-10-01,2023-12-31,40.0000,20.0000,-20.0000,ok,imbalance
";

#[test]
fn comparison_csv_matches_hand_computed_changes() {
    let d = Workdir::new();
    let q1 = run_ceiling_fixture(&d, "2024-Q1");
    assert_eq!(read(&q1.join("comparison.csv")), COMPARISON_Q1);
}

// ---- The register as Swedish Excel users write it ----

/// The test register with RA-3 split 33.33/33.33/33.34 (a key typed with
/// decimal commas), as TOML.
fn thirds_toml() -> String {
    read(&fixture("register.toml")).replace(
        "  [[agreement.supplier]]\n  name = \"Elkraft AB\"\n  share = 50\n\n  [[agreement.supplier]]\n  name = \"Låssmeden AB\"\n  share = 50",
        "  [[agreement.supplier]]\n  name = \"Elkraft AB\"\n  share = 33.33\n\n  [[agreement.supplier]]\n  name = \"Låssmeden AB\"\n  share = 33.33\n\n  [[agreement.supplier]]\n  name = \"Nyckelmannen AB\"\n  share = 33.34",
    )
}

/// allocation.csv of a run over base.csv for 2019 with `register`, in a
/// folder of its own.
fn allocation_with(register: &Path) -> String {
    let w = Workdir::new();
    w.run("2019", register, &fixture("base.csv"))
        .args(["--min-call-offs", "2", "-q"])
        .assert()
        .success();
    w.read("out/2019/allocation.csv")
}

/// The Swedish register: a title block, Swedish headers, agreement fields
/// on the first row only, shares as percent cells (RA-1), `60` and `40 %`
/// (RA-2) and `33,33` (RA-3), `antal avrop`, RA-1's id in a merged cell.
pub fn swedish_register_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Avtal").expect("name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let pct = Format::new().set_num_format("0%");
    let d = |y: u16, m: u8, dd: u8| ExcelDateTime::from_ymd(y, m, dd).expect("date");
    ws.write_string(0, 0, "Avtalsregister – Fastighetskontoret")
        .expect("cell");
    ws.write_string(1, 0, "Uppdaterat 2024-11-01 av projektenheten")
        .expect("cell");
    let heads = [
        "Avtal",
        "Benämning",
        "Giltigt från",
        "Giltigt till",
        "Grund",
        "Tolerans (pe)",
        "Konton",
        "Leverantör",
        "Org.nr",
        "Andel (%)",
        "Andra stavningar",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string(3, c as u16, *h).expect("cell");
    }
    // RA-1, rows 5–7 of the sheet; the id merged over its three rows.
    ws.merge_range(4, 0, 6, 0, "RA-1", &Format::new()).expect("merge");
    ws.write_string(4, 1, "Målning").expect("cell");
    ws.write_datetime_with_format(4, 2, d(2018, 10, 1), &date)
        .expect("cell");
    ws.write_datetime_with_format(4, 3, d(2020, 12, 31), &date)
        .expect("cell");
    ws.write_string(4, 4, "belopp").expect("cell");
    ws.write_number(4, 8, 5_560_360_793.0).expect("cell");
    for (k, (name, share, alias)) in [
        ("Måleri Syd AB", 0.5, ""),
        ("Färg & Fasad AB", 0.3, "Färg och Fasad AB"),
        ("Penselkungen AB", 0.2, ""),
    ]
    .iter()
    .enumerate()
    {
        let r = 4 + k as u32;
        ws.write_string(r, 7, *name).expect("cell");
        ws.write_number_with_format(r, 9, *share, &pct).expect("cell");
        if !alias.is_empty() {
            ws.write_string(r, 10, *alias).expect("cell");
        }
    }
    // RA-2, rows 8–9.
    ws.write_string(7, 0, "RA-2").expect("cell");
    ws.write_string(7, 1, "El").expect("cell");
    ws.write_string(7, 2, "2019-01-01").expect("cell");
    ws.write_datetime_with_format(7, 3, d(2019, 12, 31), &date)
        .expect("cell");
    ws.write_string(7, 4, "Antal avrop").expect("cell");
    ws.write_number(7, 5, 2.0).expect("cell");
    ws.write_number(7, 6, 4410.0).expect("cell");
    ws.write_string(7, 7, "Elkraft AB").expect("cell");
    ws.write_string(7, 9, "60").expect("cell");
    ws.write_string(8, 7, "Ljus AB").expect("cell");
    ws.write_string(8, 9, "40 %").expect("cell");
    // RA-3, rows 11–13 after a blank row.
    ws.write_string(10, 0, "RA-3").expect("cell");
    ws.write_string(10, 1, "Lås").expect("cell");
    ws.write_datetime_with_format(10, 2, d(2019, 7, 1), &date)
        .expect("cell");
    ws.write_datetime_with_format(10, 3, d(2021, 6, 30), &date)
        .expect("cell");
    for (k, (name, share)) in [
        ("Elkraft AB", "33,33"),
        ("Låssmeden AB", "33,33"),
        ("Nyckelmannen AB", "33,34"),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(10 + k as u32, 7, *name).expect("cell");
        ws.write_string(10 + k as u32, 9, *share).expect("cell");
    }
    wb.save_to_buffer().expect("xlsx")
}

/// The same register as Swedish Excel saves a CSV: Windows-1252, `;`,
/// decimal commas.
fn swedish_register_csv() -> Vec<u8> {
    let text = "Avtalsregister – Fastighetskontoret;;;;;;;;;;\r\n\
;;;;;;;;;;\r\n\
Avtal;Benämning;Giltig från;Giltig till;Fördelningsgrund;Tolerans;Konton;Leverantör;Organisationsnummer;Andel;Alias\r\n\
RA-1;Målning;2018-10-01;2020-12-31;Belopp;;;Måleri Syd AB;556036-0793;50,00;\r\n\
;;;;;;;Färg & Fasad AB;;30,00;Färg och Fasad AB\r\n\
;;;;;;;Penselkungen AB;;20,00;\r\n\
RA-2;El;2019-01-01;2019-12-31;antal;2,0;4410;Elkraft AB;;60;\r\n\
;;;;;;;Ljus AB;;40 %;\r\n\
RA-3;Lås;2019-07-01;2021-06-30;;;;Elkraft AB;;33,33;\r\n\
;;;;;;;Låssmeden AB;;33,33;\r\n\
;;;;;;;Nyckelmannen AB;;33,34;\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    bytes.into_owned()
}

#[test]
fn a_register_typed_in_swedish_excel_gives_the_same_allocation_as_toml() {
    let d = Workdir::new();
    let toml = d.write("register.toml", thirds_toml());
    let expected = allocation_with(&toml);
    assert!(expected.contains("RA-3,Lås,,Nyckelmannen AB,33.34,"), "{expected}");
    let xlsx = d.write("Avtalsregister.xlsx", swedish_register_xlsx());
    assert_eq!(allocation_with(&xlsx), expected, "xlsx");
    let csv = d.write("avtalsregister.csv", swedish_register_csv());
    assert_eq!(allocation_with(&csv), expected, "cp1252 csv");
    // tests/fixtures/register-sv.ods: the workbook above converted by
    // LibreOffice (soffice --headless --convert-to ods).
    assert_eq!(allocation_with(&fixture("register-sv.ods")), expected, "ods");
}

#[test]
fn init_then_check_passes_and_a_key_summing_to_99_is_named_with_its_rows() {
    let d = Workdir::new();
    d.command(["init", "--out"])
        .arg(d.root())
        .assert()
        .success()
        .stdout(predicates::str::contains("register.xlsx"));
    // Never overwrites.
    d.command(["init", "--out"])
        .arg(d.root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("finns redan och skrivs inte över"));
    d.command(["check"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "Avtalsregistret register.xlsx är giltigt: 1 avtal, 3 leverantörer, 1 med takvolym.",
        ))
        .stdout(predicates::str::contains("RA-2025-001"))
        .stdout(predicates::str::contains("50/30/20"))
        .stdout(predicates::str::contains("fördelningsnyckel"))
        // Tolerance (none: the run's 5), ceiling and the warning level, a
        // percent cell of 0,8 in the template, as read.
        .stdout(predicates::str::contains(
            "5 (körningens)  40\u{a0}000\u{a0}000,00 kr  80 %",
        ));
    // The template's Grund drop-down and percent format are there.
    let book = d.path("register.xlsx");
    let sheet = xlsx_part(&book, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("<dataValidation type=\"list\"") && sheet.contains("\"belopp,antal\""),
        "drop-down"
    );
    assert!(sheet.contains("\"nyckel,rang\""), "Avropsmodell drop-down");
    let shared = xlsx_part(&book, "xl/sharedStrings.xml");
    for head in ["Avropsmodell", "Rang", "FKU-gräns (kr)"] {
        assert!(shared.contains(&format!(">{head}<")), "{head}");
    }
    let workbook = xlsx_part(&book, "xl/workbook.xml");
    assert!(workbook.contains("name=\"Avsteg\""), "Avsteg sheet");
    // A key summing to 99: exit 2 naming the agreement, the sum and the rows.
    let reg = d.write(
        "fel.csv",
        "Avtalsregister\n\nAvtal;Benämning;Giltigt från;Giltigt till;Leverantör;Andel\nRA-9;Städ;2024-01-01;2025-12-31;A AB;50\n;;;;B AB;49\n",
    );
    d.command(["check", "--agreements"])
        .arg(&reg)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "avtal RA-9 (rad 4–5): andelarna summerar till 99 %, inte 100 %",
        ));
    // With exports: per file its mapping, rows and dates; nothing written.
    let toml = d.write("register.toml", read(&fixture("register.toml")));
    d.command(["check", "--agreements"])
        .arg(&toml)
        .arg("--exports")
        .arg(fixture("base.csv"))
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "base.csv (CSV, UTF-8, avgränsare ';'): rubrikrad 1, 20 rader, datum 2018-12-15 – 2021-01-05",
        ))
        .stdout(predicates::str::contains("datum ← 'Bokföringsdatum'"));
    assert!(!d.path("rapporter").exists() && !d.path("reports").exists());
}

#[test]
fn errors_follow_the_config_files_language() {
    let d = Workdir::new();
    let cfg = d.write(
        "avropskoll.toml",
        "lang = \"en\"\nagreements = \"missing.toml\"\nexports = [\".\"]\n",
    );
    d.command(["run", "--config"])
        .arg(&cfg)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("avropskoll: error: cannot read"))
        .stderr(predicates::str::contains("missing.toml"));
}
