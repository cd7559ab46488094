//! The catalogue of bad inputs (docs/rules.md; the README lists every case): each one reads correctly, lands in
//! data_quality.csv with a clear detail, or stops with exit code 2 and a
//! message naming the file (and row and column where there is one). The
//! register is tests/fixtures/register.toml (RA-1: Måleri Syd AB 50 %,
//! Färg & Fasad AB 30 %, Penselkungen AB 20 %).

use super::common::{fixture, Workdir};

use predicates::str::contains;
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};

const HEADER: &str = "Bokföringsdatum;Leverantör;Avtal;Belopp\n";

/// A workdir with the export files in `in/`; the reports go to `out/`.
fn case(files: &[(&str, &[u8])]) -> Workdir {
    let w = Workdir::new();
    w.mkdir("in");
    for (name, bytes) in files {
        w.write(&format!("in/{name}"), bytes);
    }
    w
}

/// Runs 2019-H1 on `in/` in English (`--lang en`): the catalogue's
/// messages are asserted in English; [`run_sv`] runs in the default Swedish.
fn run(w: &Workdir, extra: &[&str]) -> assert_cmd::assert::Assert {
    run_in(w, "en", extra)
}

fn run_sv(w: &Workdir, extra: &[&str]) -> assert_cmd::assert::Assert {
    run_in(w, "sv", extra)
}

fn run_in(w: &Workdir, lang: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    w.run("2019-H1", &fixture("register.toml"), &w.path("in"))
        .args(["--lang", lang, "--min-call-offs", "1"])
        .args(extra)
        .assert()
}

/// A file of the report folder.
fn report(w: &Workdir, name: &str) -> String {
    w.read(&format!("out/2019-H1/{name}"))
}

/// data_quality.csv rows as (file, row, category, detail, amount).
fn quality(w: &Workdir) -> Vec<Vec<String>> {
    w.csv("out/2019-H1/data_quality.csv")
}

/// (rows, amount) of a reconciliation category.
fn tally(w: &Workdir, category: &str) -> (u64, String) {
    let text = report(w, "reconciliation.csv");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{category},")))
        .unwrap_or_else(|| panic!("no {category} in {text}"));
    let parts: Vec<&str> = line.split(',').collect();
    (parts[1].parse().expect("rows"), parts[2].to_string())
}

/// The allocation.csv line (period) of a supplier.
fn allocation(w: &Workdir, supplier: &str) -> Vec<String> {
    let text = report(w, "allocation.csv");
    text.lines()
        .find(|l| l.starts_with("period,") && l.contains(&format!(",{supplier},")))
        .unwrap_or_else(|| panic!("no {supplier} in {text}"))
        .split(',')
        .map(str::to_string)
        .collect()
}

const GOOD: &str = "2019-03-01;Måleri Syd AB;RA-1;100,00\n";

#[test]
fn empty_file_is_read_as_no_rows_with_a_warning() {
    let c = case(&[("a-empty.csv", b""), ("b.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    run(&c, &[])
        .success()
        .stderr(contains("a-empty.csv: the file is empty"));
    assert_eq!(tally(&c, "read"), (1, "100.00".into()));
}

#[test]
fn header_only_reads_no_rows() {
    let c = case(&[("h.csv", HEADER.as_bytes())]);
    run(&c, &[]).success();
    assert_eq!(tally(&c, "read"), (0, "0.00".into()));
    assert_eq!(allocation(&c, "Måleri Syd AB")[8], "0.00");
}

#[test]
fn missing_required_column_stops_with_2() {
    let c = case(&[("m.csv", b"Datum;Leverant\xc3\xb6r\n2019-03-01;X AB\n")]);
    run(&c, &[])
        .code(2)
        .stderr(contains("m.csv"))
        .stderr(contains("amount"))
        .stderr(contains("headers found: Datum | Leverantör"));
}

#[test]
fn duplicated_header_names_take_the_first_with_a_warning() {
    let c = case(&[(
        "d.csv",
        "Bokföringsdatum;Leverantör;Avtal;Belopp;Belopp\n2019-03-01;Måleri Syd AB;RA-1;100,00;999,00\n".as_bytes(),
    )]);
    run(&c, &[]).success().stderr(contains(
        "the header 'Belopp' stands in columns 4, 5; the first was read as amount",
    ));
    assert_eq!(allocation(&c, "Måleri Syd AB")[8], "100.00");
}

#[test]
fn binary_file_named_csv_is_skipped_in_a_folder_and_stops_with_2_when_named() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    // Found in a folder beside a real export: it maps no column, so it is
    // not an export; the run goes on and names it.
    let c = case(&[("binary.csv", &junk), ("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    run(&c, &[])
        .success()
        .stdout(contains("skipped binary.csv: not an export"));
    assert_eq!(tally(&c, "read").0, 1);
    // Named directly: a file the user named must be an export.
    c.command(["run", "--lang", "en", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.path("in").join("binary.csv"))
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(2)
        .stderr(contains("binary.csv"))
        .stderr(contains("no header row with the required columns"));
}

fn small_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Bokföringsdatum", "Leverantör", "Avtal", "Belopp"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    for (c, v) in ["2019-03-01", "Måleri Syd AB", "RA-1"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).expect("cell");
    }
    ws.write_number(1, 3, 100.0).expect("cell");
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn truncated_xlsx_stops_with_2() {
    let bytes = small_xlsx();
    let c = case(&[("cut.xlsx", &bytes[..bytes.len() / 2])]);
    run(&c, &[])
        .code(2)
        .stderr(contains("cut.xlsx"))
        .stderr(contains("not a readable Xlsx workbook"));
}

#[test]
fn zip_that_is_not_a_workbook_stops_with_2() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .expect("entry");
        std::io::Write::write_all(&mut z, b"not a workbook").expect("write");
        z.finish().expect("zip");
    }
    let c = case(&[("notbook.xlsx", buf.get_ref())]);
    run(&c, &[])
        .code(2)
        .stderr(contains("notbook.xlsx"))
        .stderr(contains("not a readable Xlsx workbook"));
}

#[test]
fn encrypted_xlsx_stops_with_2() {
    // Excel saves a password-protected workbook as an OLE compound file.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(std::iter::repeat_n(0u8, 1024));
    let c = case(&[("secret.xlsx", &bytes)]);
    run(&c, &[])
        .code(2)
        .stderr(contains("secret.xlsx"))
        .stderr(contains("password-protected"));
}

#[test]
fn zip_bomb_is_refused_not_expanded() {
    // A real small zip whose directory declares 4 GB for its one part.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        z.start_file("xl/worksheets/sheet1.xml", options).expect("entry");
        std::io::Write::write_all(&mut z, &[b'x'; 64]).expect("write");
        z.finish().expect("zip");
    }
    let mut bytes = buf.into_inner();
    let central = bytes
        .windows(4)
        .rposition(|w| w == [0x50, 0x4B, 0x01, 0x02])
        .expect("central directory");
    bytes[central + 24..central + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let c = case(&[("bomb.xlsx", &bytes)]);
    run(&c, &[])
        .code(2)
        .stderr(contains("bomb.xlsx"))
        .stderr(contains("zip bomb"));
}

#[test]
fn very_long_fields_and_lines_are_read() {
    let long_name = "Lång Leverantör AB ".repeat(100_000); // ~2 MB in one field
    let wide: String = (0..10_000).map(|i| format!(";x{i}")).collect();
    let text = format!("{HEADER}2019-03-01;{long_name};;50,00\n2019-03-02;Måleri Syd AB;RA-1;100,00{wide}\n");
    let c = case(&[("long.csv", text.as_bytes())]);
    run(&c, &[]).success();
    assert_eq!(tally(&c, "read"), (2, "150.00".into()));
    assert_eq!(tally(&c, "outside_agreements"), (1, "50.00".into()));
    assert_eq!(allocation(&c, "Måleri Syd AB")[8], "100.00");
}

#[test]
fn invalid_utf8_in_a_file_claiming_utf8_warns_and_reads_the_rest() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(HEADER.as_bytes());
    bytes.extend(b"2019-03-01;Trasig \xFF\xFE AB;;10,00\n");
    bytes.extend(GOOD.as_bytes());
    let c = case(&[("bad-utf8.csv", &bytes)]);
    run(&c, &[])
        .success()
        .stderr(contains("bad-utf8.csv: the file starts with a UTF-8 byte-order mark"));
    assert_eq!(tally(&c, "read"), (2, "110.00".into()));
    assert_eq!(allocation(&c, "Måleri Syd AB")[8], "100.00");
}

#[test]
fn mixed_encodings_across_files() {
    let utf8 = format!("\u{feff}{HEADER}{GOOD}");
    let ansi = encoding_rs::WINDOWS_1252
        .encode(&format!(
            "{HEADER}2019-03-02;Färg & Fasad AB;RA-1;60,00\n2019-03-03;Penselkungen AB;;40,00\n"
        ))
        .0
        .into_owned();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            format!("{HEADER}2019-03-04;Måleri Syd Aktiebolag;;100,00\n")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let c = case(&[("a.csv", utf8.as_bytes()), ("b.csv", &ansi), ("c.csv", &utf16)]);
    run(&c, &[]).success();
    assert_eq!(allocation(&c, "Måleri Syd AB")[8], "200.00");
    assert_eq!(allocation(&c, "Färg & Fasad AB")[8], "60.00");
    assert_eq!(allocation(&c, "Penselkungen AB")[8], "40.00");
}

#[test]
fn unreadable_numbers_and_dates_land_in_data_quality() {
    let rows = [
        ("2019-03-01", "tolv"),
        ("2019-02-30", "10,00"),
        ("2019-03-02", "1e308"),
        ("2019-03-03", "NaN"),
        ("2019-03-04", "--5"),
        ("2019-03-05", "(500)"),
        ("2019-03-06", "5-"),
        ("2019-03-07", "12 5OO,00"),
    ];
    let text: String = std::iter::once(HEADER.to_string())
        .chain(rows.iter().map(|(d, a)| format!("{d};Måleri Syd AB;RA-1;{a}\n")))
        .collect();
    let c = case(&[("n.csv", text.as_bytes())]);
    run(&c, &[]).success();
    let q = quality(&c);
    let got: Vec<(String, String, String)> = q.iter().map(|r| (r[1].clone(), r[3].clone(), r[4].clone())).collect();
    assert_eq!(
        got,
        [
            (
                "2".into(),
                "unreadable amount in column 'Belopp': 'tolv'".into(),
                "".into()
            ),
            (
                "3".into(),
                "unreadable date in column 'Bokföringsdatum': '2019-02-30'".into(),
                "10.00".into()
            ),
            (
                "4".into(),
                "unreadable amount in column 'Belopp': '1e308'".into(),
                "".into()
            ),
            (
                "5".into(),
                "unreadable amount in column 'Belopp': 'NaN'".into(),
                "".into()
            ),
            (
                "6".into(),
                "unreadable amount in column 'Belopp': '--5'".into(),
                "".into()
            ),
            (
                "7".into(),
                "unreadable amount in column 'Belopp': '(500)'".into(),
                "".into()
            ),
            (
                "9".into(),
                "unreadable amount in column 'Belopp': '12 5OO,00'".into(),
                "".into()
            ),
        ]
    );
    assert!(q.iter().all(|r| r[2] == "rejected"));
    // `5-` is the trailing minus some systems write: −5.00, counted.
    assert_eq!(allocation(&c, "Måleri Syd AB")[8], "-5.00");
    assert_eq!(tally(&c, "rejected"), (7, "10.00".into()));
}

/// An xlsx export written cell by cell; `extra` adds to the sheet.
fn xlsx(extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Bokföringsdatum", "Leverantör", "Avtal", "Belopp"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    extra(ws);
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn excel_error_cells_and_huge_numbers_are_rejected() {
    let bytes = xlsx(|ws| {
        for (r, supplier) in [(1u32, "Måleri Syd AB"), (2, "Penselkungen AB"), (3, "Färg & Fasad AB")] {
            ws.write_string(r, 0, "2019-03-01").expect("cell");
            ws.write_string(r, 1, supplier).expect("cell");
            ws.write_string(r, 2, "RA-1").expect("cell");
        }
        ws.write_formula(1, 3, rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A"))
            .expect("cell");
        ws.write_number(2, 3, 1e308).expect("cell");
        ws.write_number(3, 3, 70.0).expect("cell");
    });
    let c = case(&[("errors.xlsx", &bytes)]);
    run(&c, &[]).success();
    let q = quality(&c);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!((q[0][1].as_str(), q[0][2].as_str()), ("2", "rejected"));
    assert!(q[0][3].contains("'#N/A'"), "{}", q[0][3]);
    assert_eq!(
        (q[1][1].as_str(), q[1][3].as_str()),
        ("3", "unreadable amount in column 'Belopp': '1e308'")
    );
    assert_eq!(allocation(&c, "Färg & Fasad AB")[8], "70.00");
}

#[test]
fn merged_cells_in_the_header() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(0, 0, 0, 3, "Leverantörsfakturor 2019", &Format::new())
        .expect("merge");
    for (c, h) in ["Bokföringsdatum", "Leverantör", "Avtal"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).expect("cell");
    }
    ws.merge_range(1, 3, 1, 4, "Belopp", &Format::new()).expect("merge");
    for (c, v) in ["2019-03-01", "Måleri Syd AB", "RA-1"].iter().enumerate() {
        ws.write_string(2, c as u16, *v).expect("cell");
    }
    ws.write_number(2, 3, 100.0).expect("cell");
    let c = case(&[("merged.xlsx", &wb.save_to_buffer().expect("xlsx"))]);
    run(&c, &[]).success().stdout(contains("header in row 2"));
    assert_eq!(allocation(&c, "Måleri Syd AB")[8], "100.00");
}

#[test]
fn a_million_empty_formatted_rows_cost_nothing() {
    let grey = Format::new().set_background_color(0xEEEEEE);
    let bytes = xlsx(|ws| {
        for (c, v) in ["2019-03-01", "Måleri Syd AB", "RA-1"].iter().enumerate() {
            ws.write_string(1, c as u16, *v).expect("cell");
        }
        ws.write_number(1, 3, 100.0).expect("cell");
        for r in 2..1_000_002u32 {
            ws.write_blank(r, 0, &grey).expect("blank");
        }
    });
    let c = case(&[("formatted.xlsx", &bytes)]);
    run(&c, &[]).success();
    assert_eq!(tally(&c, "read"), (1, "100.00".into()));
}

#[test]
fn limits_on_file_size_and_rows() {
    let big = format!("{HEADER}{}", GOOD.repeat(40_000)); // ~1.6 MB
    let c = case(&[("big.csv", big.as_bytes())]);
    run(&c, &["--max-file-mb", "1"])
        .code(2)
        .stderr(contains("big.csv"))
        .stderr(contains("more than the limit of 1 MB"));
    run(&c, &["--max-rows", "1000"])
        .code(2)
        .stderr(contains("big.csv"))
        .stderr(contains("more than 1000 rows"));
    run(&c, &["--max-rows", "40000"]).success();
}

#[test]
fn register_with_every_validation_error_stops_with_2() {
    let d = Workdir::new();
    let reg = d.write(
        "reg.toml",
        r#"
[[agreement]]
id = "RA-A"
name = "Summerar inte"
valid_from = 2020-01-01
valid_to = 2019-01-01
  [[agreement.supplier]]
  name = "X AB"
  org_nr = "556036-0794"
  share = 60
  [[agreement.supplier]]
  name = "X Aktiebolag"
  share = 30
[[agreement]]
id = "ra-a"
name = "Samma id"
valid_from = 2019-01-01
valid_to = 2019-12-31
  [[agreement.supplier]]
  name = "Y AB"
  share = 0
  [[agreement.supplier]]
  name = "Z AB"
  share = 100
"#,
    );
    let out = d.path("out");
    d.command(["run", "--exports"])
        .arg(fixture("base.csv"))
        .arg("--agreements")
        .arg(&reg)
        .arg("--out")
        .arg(&out)
        .args(["--lang", "en"])
        .assert()
        .code(2)
        .stderr(contains("reg.toml"))
        .stderr(contains(
            "agreement RA-A: valid_from 2020-01-01 is after valid_to 2019-01-01",
        ))
        .stderr(contains(
            "agreement RA-A: supplier 'X AB': org_nr '556036-0794' is not a valid organisation number",
        ))
        .stderr(contains("agreement RA-A: supplier 'X Aktiebolag' appears twice"))
        .stderr(contains("agreement RA-A: shares sum to 90 %, not 100"))
        .stderr(contains("agreement ra-a: the id is used by another agreement too"))
        .stderr(contains("agreement ra-a: supplier 'Y AB': share 0 is not in (0, 100]"));
    assert!(!out.exists(), "nothing is written for an invalid register");
}

#[test]
fn path_separators_and_excel_forbidden_characters_stay_inside_the_report() {
    let d = Workdir::new();
    let reg = d.write(
        "reg.toml",
        "[[agreement]]\nid = \"../RA[1]:*?\"\nname = \"Konstigt\"\nvalid_from = 2019-01-01\nvalid_to = 2019-12-31\n\
         [[agreement.supplier]]\nname = \"A AB\"\nshare = 50\n[[agreement.supplier]]\nname = \"B AB\"\nshare = 50\n",
    );
    let exports = d.write(
        "x.csv",
        "Datum;Leverantör;Avtal;Ansvar;Belopp\n2019-03-01;A AB;../RA[1]:*?;../../etc;100\n2019-03-02;A AB;../RA[1]:*?;a:b*c?\\d;100\n",
    );
    let out = d.path("out");
    d.command(["run", "--period", "2019-H1", "--min-call-offs", "1", "--exports"])
        .arg(&exports)
        .arg("--agreements")
        .arg(&reg)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let dir = out.join("2019-H1");
    let mut sections: Vec<String> = std::fs::read_dir(dir.join("sektioner"))
        .expect("sektioner")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    sections.sort();
    assert_eq!(sections, ["_.._etc.xlsx", "a_b_c__d.xlsx"]);
    assert!(dir.join("diagram/_RA[1]___.png").exists());
    let wb: calamine::Xlsx<_> = calamine::open_workbook(dir.join("fordelning-2019-H1.xlsx")).expect("xlsx");
    assert_eq!(calamine::Reader::sheet_names(&wb)[2], ".._RA_1____");
    let top: Vec<String> = std::fs::read_dir(d.root())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top.len(), 3, "only reg.toml, x.csv and out/: {top:?}");
}

#[test]
fn a_failed_run_leaves_the_previous_report_untouched() {
    let c = case(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    run(&c, &[]).success();
    let before = report(&c, "allocation.csv");
    c.write("in/b.csv", format!("{HEADER}2019-03-05;Penselkungen AB;RA-1;50,00\n"));
    // A writer that fails after writing a file, injected through the library.
    struct Failing;
    impl avropskoll::report::ReportWriter for Failing {
        fn name(&self) -> &'static str {
            "failing"
        }
        fn write(&self, _: &avropskoll::report::Context, dir: &Path) -> avropskoll::error::Result<Vec<PathBuf>> {
            std::fs::write(dir.join("half.txt"), "x").expect("write");
            Err(avropskoll::error::Error::Output {
                path: dir.to_path_buf(),
                message: "injected failure".to_string().into(),
            })
        }
    }
    let args = avropskoll::cli::RunArgs {
        agreements: Some(fixture("register.toml")),
        exports: vec![c.path("in")],
        out: Some(c.out()),
        period: Some("2019-H1".into()),
        min_call_offs: Some(1),
        quiet: true,
        ..Default::default()
    };
    let settings = avropskoll::config::Settings::resolve(&args).expect("settings");
    let mut writers = avropskoll::report::standard_writers().to_vec();
    writers.push(&Failing);
    let err = avropskoll::run_with(&settings, &avropskoll::Silent, &writers).expect_err("the run fails");
    assert_eq!(err.exit_code(), 1);
    let text = err.to_string();
    assert!(text.contains("injected failure"), "{text}");
    assert!(text.contains("no report was written to"), "{text}");
    assert!(text.contains("the previous report there is unchanged"), "{text}");
    assert_eq!(report(&c, "allocation.csv"), before);
    let left: Vec<String> = std::fs::read_dir(c.out())
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["2019-H1"], "no temporary folder is left behind");
    // With no report before, none is claimed to be unchanged.
    let mut fresh = settings.clone();
    fresh.out = c.root().join("fresh");
    let err = avropskoll::run_with(&fresh, &avropskoll::Silent, &writers).expect_err("the run fails");
    let text = err.localized(avropskoll::lang::Lang::Sv);
    assert!(
        text.contains("ingen rapport skrevs till") && !text.contains("tidigare rapport"),
        "{text}"
    );
    // An output path that is a file: a clear error, exit 1.
    let file = c.write("a-file", "x");
    c.command(["run", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.path("in"))
        .arg("--out")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(contains("a-file"));
}

// ---- Robust monthly runs: a real export folder ----

/// The run's stdout, stderr and reconciliation of a folder run whose
/// reports go inside the exports folder itself.
fn run_in_folder(w: &Workdir, register: &Path) -> (String, String, String) {
    let mut run = w.command(["run", "--period", "2019-H1", "--min-call-offs", "1", "--agreements"]);
    run.arg(register)
        .arg("--exports")
        .arg(w.path("exporter"))
        .arg("--out")
        .arg(w.path("exporter/rapporter"));
    let o = w.output(&mut run).expect_code(0);
    (
        o.stdout,
        o.stderr,
        w.read("exporter/rapporter/2019-H1/reconciliation.csv"),
    )
}

#[test]
fn a_shared_folder_with_notes_mac_files_locks_its_own_reports_and_the_register_runs_twice_alike() {
    let d = Workdir::new();
    d.write("exporter/2019-03.csv", format!("{HEADER}{GOOD}"));
    d.write(
        "exporter/LÄSMIG.txt",
        "Exporterna kommer från Raindance varje månad.\nKontakta ekonomienheten vid frågor.\n",
    );
    d.write("exporter/._2019-05.xlsx", [0u8, 5, 22, 7, 0, 2]);
    d.write("exporter/.DS_Store", [0u8, 0, 0, 1, 66, 117, 100, 49]);
    d.write("exporter/~$2019-03.xlsx", [7u8; 162]);
    d.write("exporter/.git/old.csv", "garbage;;\n");
    // The register lies in the exports folder too.
    let register = d.write(
        "exporter/register.csv",
        "Avtal;Benämning;Giltigt från;Giltigt till;Leverantör;Andel\nRA-1;Målning;2018-10-01;2020-12-31;Måleri Syd AB;50\n;;;;Färg & Fasad AB;30\n;;;;Penselkungen AB;20\n",
    );
    let first = run_in_folder(&d, &register);
    assert!(
        first.0.contains("hoppade över LÄSMIG.txt: inte en export"),
        "{}",
        first.0
    );
    assert!(first.0.contains("Läste 1 fil:"), "{}", first.0);
    assert!(first.2.contains("read,1,100.00"), "{}", first.2);
    // The second run finds its own reports in the folder and leaves them be.
    let second = run_in_folder(&d, &register);
    assert_eq!(first.2, second.2);
    assert!(second.0.contains("Läste 1 fil:"), "{}", second.0);
    // The third finds the first one's report in the archive: not read either.
    assert!(second.0.contains("Den tidigare rapporten i"), "{}", second.0);
    let third = run_in_folder(&d, &register);
    assert_eq!(first.2, third.2);
    assert!(third.0.contains("Läste 1 fil:"), "{}", third.0);
    // The workbook's data-quality sheet names the skipped file.
    let q = d.sheet("exporter/rapporter/2019-H1/fordelning-2019-H1.xlsx", "Datakvalitet");
    let texts: Vec<String> = q.into_iter().flatten().collect();
    assert!(texts.iter().any(|t| t.contains("LÄSMIG.txt")), "{texts:?}");
}

#[test]
fn a_file_that_maps_some_required_columns_stops_the_run() {
    let c = case(&[
        ("a.csv", format!("{HEADER}{GOOD}").as_bytes()),
        (
            "b.csv",
            "Datum;Leverantör;Summa\n2019-03-01;Måleri Syd AB;100\n".as_bytes(),
        ),
    ]);
    run_sv(&c, &[])
        .code(2)
        .stderr(contains("b.csv"))
        .stderr(contains("saknas: belopp"))
        .stderr(contains("[columns]\namount = [\"Summa\"]"));
}

#[test]
fn unknown_headers_get_a_columns_suggestion_read_from_the_values() {
    let text = "Export från ekonomisystemet\n\nBokf.dat;Lev;Konto;Belopp (kr);Text\n2019-03-01;Måleri Syd AB;4410;1 250,00;Fönster\n2019-03-02;Penselkungen AB;4411;-300,50;Kredit\n";
    let c = case(&[("x.csv", text.as_bytes())]);
    // Named directly: the run stops with a ready [columns] block.
    c.command(["run", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.path("in").join("x.csv"))
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(2)
        .stderr(contains("x.csv"))
        .stderr(contains("saknas: datum (Bokföringsdatum"))
        .stderr(contains(
            "Lägg till de här raderna i avropskoll.toml (gissade från kolumnernas värden – kontrollera dem):\n[columns]\ndate = [\"Bokf.dat\"]\nsupplier = [\"Lev\"]\namount = [\"Belopp (kr)\"]",
        ));
    // Found in a folder: skipped, and the reason says how to map it.
    run_sv(&c, &[]).stdout(contains(
        "hoppade över x.csv: inte en export: ingen av de 50 första raderna har kolumnerna datum, leverantör eller belopp (om det är en export: lägg till under [columns] i avropskoll.toml: date = [\"Bokf.dat\"], supplier = [\"Lev\"], amount = [\"Belopp (kr)\"])",
    ));
}

#[cfg(unix)]
#[test]
fn symlinked_folders_are_followed_and_loops_named() {
    let c = case(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    let elsewhere = c.root().join("annan");
    std::fs::create_dir_all(&elsewhere).expect("dir");
    std::fs::write(
        elsewhere.join("b.csv"),
        format!("{HEADER}2019-03-02;Penselkungen AB;RA-1;50,00\n"),
    )
    .expect("write");
    std::os::unix::fs::symlink(&elsewhere, c.path("in").join("länk")).expect("symlink");
    std::os::unix::fs::symlink(c.path("in"), c.path("in").join("slinga")).expect("symlink");
    run_sv(&c, &[])
        .success()
        .stdout(contains("hoppade över slinga: en länk till en mapp som redan lästs"));
    assert_eq!(tally(&c, "read"), (2, "150.00".into()));
}

#[test]
fn an_html_table_saved_as_xls_is_read_as_a_table() {
    let html = "<html><head><meta charset=\"utf-8\"></head><body><table>\n<tr><th>Bokföringsdatum</th><th>Leverantör</th><th>Avtal</th><th>Belopp</th></tr>\n<tr><td>2019-03-01</td><td>Måleri Syd AB</td><td>RA-1</td><td>1&nbsp;000,00</td></tr>\n<tr><td>2019-03-02</td><td>F&auml;rg &amp; Fasad AB</td><td>RA-1</td><td>500,00</td></tr>\n</table></body></html>";
    let c = case(&[("export.xls", html.as_bytes())]);
    run_sv(&c, &[]).success().stdout(contains(
        "export.xls (HTML-tabell sparad som .xls): rubrikrad 1, 2 rader",
    ));
    assert_eq!(tally(&c, "in_agreements"), (2, "1500.00".into()));
}

#[test]
fn excel_sep_line_names_the_delimiter() {
    let text = "sep=,\nBokföringsdatum,Leverantör,Avtal,Belopp\n2019-03-01,Måleri Syd AB,RA-1,\"1 000,50\"\n";
    let c = case(&[("a.csv", text.as_bytes())]);
    run(&c, &[])
        .success()
        .stdout(contains("delimiter ','): header in row 2, 1 rows"));
    assert_eq!(tally(&c, "in_agreements"), (1, "1000.50".into()));
    assert_eq!(quality(&c).len(), 0);
}

#[test]
fn a_run_that_counts_nothing_warns() {
    let c = case(&[(
        "a.csv",
        format!("{HEADER}2019-03-01;Okänd Leverantör AB;;100,00\n").as_bytes(),
    )]);
    run_sv(&c, &[])
        .success()
        .stderr(contains("ingen av de 1 lästa raderna räknades för något avtal"));
}

#[test]
fn a_far_date_that_sets_the_default_window_is_named() {
    let mut text = HEADER.to_string();
    for day in 1..=28 {
        text.push_str(&format!("2019-03-{day:02};Måleri Syd AB;RA-1;100,00\n"));
    }
    text.push_str("2052-09-01;Måleri Syd AB;RA-1;100,00\n");
    let c = case(&[("a.csv", text.as_bytes())]);
    c.command(["run", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.path("in"))
        .arg("--out")
        .arg(c.out())
        .assert()
        .success()
        .stderr(contains(
            "perioden 2052-H2 valdes från det senaste datumet 2052-09-01 (a.csv, rad 30)",
        ))
        .stderr(contains("resten av datan pekar på 2019-H1"));
}

#[test]
fn an_unknown_id_close_to_a_registered_one_is_suggested_not_matched() {
    let c = case(&[(
        "a.csv",
        format!("{HEADER}2019-03-01;Måleri Syd AB;RA 1;100,00\n2019-03-02;Måleri Syd AB;ra1;100,00\n").as_bytes(),
    )]);
    run_sv(&c, &[]).success().stderr(contains(
        "avtalet 'RA 1' (1 rader) finns inte i avtalsregistret – menas RA-1?",
    ));
    let q = quality(&c);
    assert_eq!(q.len(), 2);
    assert_eq!(q[0][2], "unknown_agreement");
    assert!(q[0][3].contains("menas RA-1?"), "{}", q[0][3]);
    assert_eq!(tally(&c, "in_agreements").0, 0);
}

#[test]
fn rows_in_another_currency_are_rejected_naming_it() {
    let text = "Bokföringsdatum;Leverantör;Avtal;Belopp;Valuta\n2019-03-01;Måleri Syd AB;RA-1;100,00;SEK\n2019-03-02;Måleri Syd AB;RA-1;50,00;EUR\n2019-03-03;Måleri Syd AB;RA-1;70,00;\nSumma;;;220,00;\n";
    let c = case(&[("a.csv", text.as_bytes())]);
    run_sv(&c, &[]).success();
    let q = quality(&c);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(
        (q[0][1].as_str(), q[0][2].as_str(), q[0][4].as_str()),
        ("3", "rejected", "50.00")
    );
    assert!(q[0][3].contains("beloppet är i EUR"), "{}", q[0][3]);
    assert_eq!(q[1][2], "total_row");
    assert_eq!(tally(&c, "in_agreements"), (2, "170.00".into()));
}

#[test]
fn open_data_faktura_nr_is_the_id_field() {
    let text = "Bokföringsdatum;Leverantör;Avtal;Belopp;faktura_nr\n2019-03-01;Måleri Syd AB;RA-1;100,00;F-1\n";
    let c = case(&[("a.csv", text.as_bytes())]);
    run_sv(&c, &[])
        .success()
        .stdout(contains("verifikation ← 'faktura_nr'"));
}

#[test]
fn a_window_with_non_ascii_is_refused_not_a_panic() {
    let c = case(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    c.command(["run", "--period", "2019-ö1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.path("in"))
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(2)
        .stderr(contains("'2019-ö1' är ingen period"));
}

#[test]
fn a_register_year_outside_1900_to_9999_names_the_agreement() {
    let d = Workdir::new();
    let reg = d.write(
        "reg.toml",
        "[[agreement]]\nid = \"RA-X\"\nname = \"X\"\nvalid_from = 1019-01-01\nvalid_to = 2020-01-01\n  [[agreement.supplier]]\n  name = \"A AB\"\n  share = 100\n",
    );
    d.command(["run", "--agreements"])
        .arg(&reg)
        .arg("--exports")
        .arg(fixture("base.csv"))
        .arg("--out")
        .arg(d.path("out"))
        .assert()
        .code(2)
        .stderr(contains(
            "avtal RA-X: giltigt från 1019-01-01: året måste ligga mellan 1900 och 9999",
        ));
}

#[test]
fn a_cover_sheet_is_passed_over_for_the_sheet_with_the_header() {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("Försättsblad").expect("name");
    cover
        .write_string(0, 0, "Leverantörsreskontra, mars 2019")
        .expect("cell");
    let data = wb.add_worksheet();
    data.set_name("Data").expect("name");
    for (c, h) in ["Bokföringsdatum", "Leverantör", "Avtal", "Belopp"].iter().enumerate() {
        data.write_string(0, c as u16, *h).expect("cell");
    }
    data.write_string(1, 0, "2019-03-01").expect("cell");
    data.write_string(1, 1, "Måleri Syd AB").expect("cell");
    data.write_string(1, 2, "RA-1").expect("cell");
    data.write_number(1, 3, 100.0).expect("cell");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let c = case(&[("mars.xlsx", &bytes)]);
    run_sv(&c, &[])
        .success()
        .stdout(contains("mars.xlsx (bladet 'Data')"))
        .stderr(contains(
            "det första bladet 'Försättsblad' har ingen rubrikrad; bladet 'Data' lästes",
        ));
    assert_eq!(tally(&c, "in_agreements"), (1, "100.00".into()));
    // With no sheet holding a header, the error names the sheet and --sheet.
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Belopp").expect("cell");
    let c = case(&[("tom.xlsx", &wb.save_to_buffer().expect("xlsx"))]);
    run_sv(&c, &[]).code(2).stderr(contains("tom.xlsx (bladet 'Sheet1')"));
}

#[test]
fn interrupted_runs_leave_no_staging_folders_after_the_next_run() {
    let c = case(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    std::fs::create_dir_all(c.out().join(".2019-H1.partial-999999/diagram")).expect("dir");
    std::fs::create_dir_all(c.out().join(".2019-H1.previous-999998")).expect("dir");
    run(&c, &[]).success();
    let left: Vec<String> = std::fs::read_dir(c.out())
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["2019-H1"]);
}

#[test]
fn sums_beyond_the_exact_amount_type_name_the_agreement_and_file() {
    // 1 000 rows of almost 10^12 kr each: one agreement's sum passes what
    // an exact 64-bit amount holds.
    let mut text = HEADER.to_string();
    for day in 0..1000 {
        text.push_str(&format!(
            "2019-03-{:02};Måleri Syd AB;RA-1;999 999 999 999,00\n",
            1 + day % 28
        ));
    }
    let c = case(&[("huge.csv", text.as_bytes())]);
    run_sv(&c, &[])
        .code(2)
        .stderr(contains("raderna för avtal RA-1 summerar till mer än"))
        .stderr(contains("huge.csv"));
}

#[test]
fn a_register_without_agreements_is_refused() {
    let d = Workdir::new();
    let reg = d.write("tomt.csv", "Avtalsregister\nAvtal;Leverantör;Andel\n");
    d.command(["check", "--agreements"])
        .arg(&reg)
        .assert()
        .code(2)
        .stderr(contains("tomt.csv innehåller inga avtal"));
}

#[test]
fn text_saved_as_xls_is_read_as_the_text_it_is() {
    // Tab-separated Windows-1252 text and Excel's "Unicode text" (UTF-16
    // with a BOM), both named .xls, as economy systems save them.
    let tab = "Bokföringsdatum\tLeverantör\tAvtal\tBelopp\r\n2019-03-01\tMåleri Syd AB\tRA-1\t100,00\r\n";
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(tab);
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in
        "Bokföringsdatum\tLeverantör\tAvtal\tBelopp\r\n2019-03-02\tPenselkungen AB\tRA-1\t50,00\r\n".encode_utf16()
    {
        utf16.extend(unit.to_le_bytes());
    }
    let c = case(&[("a.xls", &cp1252), ("b.xls", &utf16)]);
    run_sv(&c, &[])
        .success()
        .stdout(contains(
            "a.xls (CSV, Windows-1252, avgränsare tabb): rubrikrad 1, 1 rader",
        ))
        .stdout(contains("b.xls (CSV, UTF-16LE, avgränsare tabb)"));
    assert_eq!(tally(&c, "in_agreements"), (2, "150.00".into()));
}

/// A Unit4-like workbook: a title block, `Lev.orgnr` (no known org nr
/// name), `Belopp SEK`, `Referens`, `Attestant` and a unit name column.
fn unit4_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Leverantörsfakturor Unit4").expect("cell");
    let head = [
        "Bokföringsdatum",
        "Leverantör",
        "Lev.orgnr",
        "Belopp SEK",
        "Ansvar",
        "Ansvar (T)",
        "Referens",
        "Attestant",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(2, c as u16, *h).expect("cell");
    }
    // Måleri Syd AB (556036-0793) under another name: by its org nr it is
    // RA-1's 50 % supplier; Penselkungen AB has no org nr cell.
    let rows = [
        ("2019-03-01", "Måleri Syd i Skåne AB", "556036-0793", 1000.0),
        ("2019-03-02", "Måleri Syd i Skåne AB", "5560360793", 500.0),
        ("2019-03-03", "Penselkungen AB", "", 300.0),
    ];
    for (i, (d, s, o, a)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, *d).expect("cell");
        ws.write_string(r, 1, *s).expect("cell");
        ws.write_string(r, 2, *o).expect("cell");
        ws.write_number(r, 3, *a).expect("cell");
        ws.write_string(r, 4, "1010").expect("cell");
        ws.write_string(r, 5, "Sektion Öster").expect("cell");
        ws.write_string(r, 6, "ABC123").expect("cell");
        ws.write_string(r, 7, "Anna Berg").expect("cell");
    }
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn org_nr_found_by_its_contents_and_unread_columns_named_with_their_columns_line() {
    let csv = "Bokföringsdatum;Leverantör;Lev.orgnr;Belopp SEK;Referens\n2019-04-01;Måleri Syd i Skåne AB;556036-0793;200,00;R1\n";
    let c = case(&[("a.xlsx", &unit4_xlsx()), ("b.csv", csv.as_bytes())]);
    run_sv(&c, &[])
        .success()
        .stdout(contains("org.nr ← 'Lev.orgnr'"))
        // Workbook: 2 of its 2 filled cells valid; the CSV: 1 of 1.
        .stdout(contains("org.nr lästes ur kolumnen 'Lev.orgnr' (kolumn 3) på innehållet: ingen rubrik heter som ett org.nr, och 2 av dess 2 ifyllda celler är giltiga organisationsnummer"))
        .stdout(contains("kolumner som inte läses: 'Referens', 'Attestant'"))
        .stdout(contains("om 'Attestant' är beställare: lägg till under [columns] i avropskoll.toml: orderer = [\"Attestant\"]"))
        .stdout(contains(
            "'Ansvar (T)' används som enhetens namn (visas bredvid enheten; ingår inte i dubblettkontrollen)",
        ))
        .stdout(contains("1 av dess 1 ifyllda celler"));
    // Måleri Syd AB: 1 000 + 500 + 200 = 1 700,00, none outside the key.
    assert_eq!(allocation(&c, "Måleri Syd AB")[8], "1700.00");
    assert_eq!(allocation(&c, "Penselkungen AB")[8], "300.00");
    assert_eq!(tally(&c, "outside_agreements").0, 0);
    // `check` says the same.
    c.command(["check", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.path("in"))
        .assert()
        .success()
        .stdout(contains("org.nr lästes ur kolumnen 'Lev.orgnr' (kolumn 3)"))
        .stdout(contains(
            "om 'Referens' är beställare: lägg till under [columns] i avropskoll.toml: orderer = [\"Referens\"]",
        ));
}

/// A register workbook like the `init` template: `shares` in percent
/// cells (their fractions), the warning level and tolerance as given.
fn percent_register(shares: [f64; 3], warn: f64, tolerance: f64, tolerance_percent: bool) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let percent = Format::new().set_num_format("0%");
    let head = [
        "Avtal",
        "Benämning",
        "Giltigt från",
        "Giltigt till",
        "Tolerans (pe)",
        "Takvolym (kr)",
        "Varningsnivå (%)",
        "Leverantör",
        "Andel (%)",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    ws.write_string(1, 0, "RA-1").expect("cell");
    ws.write_string(1, 1, "Målning").expect("cell");
    ws.write_string(1, 2, "2018-10-01").expect("cell");
    ws.write_string(1, 3, "2020-12-31").expect("cell");
    if tolerance_percent {
        ws.write_number_with_format(1, 4, tolerance, &percent).expect("cell");
    } else {
        ws.write_number(1, 4, tolerance).expect("cell");
    }
    ws.write_number(1, 5, 1000.0).expect("cell");
    ws.write_number_with_format(1, 6, warn, &percent).expect("cell");
    for (k, (name, share)) in ["Måleri Syd AB", "Färg & Fasad AB", "Penselkungen AB"]
        .iter()
        .zip(shares)
        .enumerate()
    {
        ws.write_string(1 + k as u32, 7, *name).expect("cell");
        ws.write_number_with_format(1 + k as u32, 8, share, &percent)
            .expect("cell");
    }
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn percent_cells_are_read_as_percent_for_share_warning_level_and_tolerance() {
    let c = case(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    let reg = c.root().join("register.xlsx");
    // 85 % stored as 0,85; tolerance 5 % stored as 0,05 (5 points).
    std::fs::write(&reg, percent_register([0.5, 0.3, 0.2], 0.85, 0.05, true)).expect("write");
    let check = |reg: &Path| c.command(["check", "--agreements"]).arg(reg).assert();
    check(&reg)
        .success()
        .stdout(contains("nyckel (%)"))
        .stdout(contains("50/30/20"))
        .stdout(contains("tolerans (pe)"))
        .stdout(contains("1\u{a0}000,00 kr  85 %"));
    // The agreement's line as cells: key, tolerance, ceiling, warning level.
    let cells = |out: &[u8]| -> Vec<String> {
        let text = String::from_utf8_lossy(out);
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("RA-1"))
            .expect("RA-1 line");
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            // id, name, validity, basis, model; an empty FKU threshold is
            // no cell.
            .skip(5)
            .map(str::to_string)
            .collect()
    };
    let out = check(&reg).get_output().stdout.clone();
    assert_eq!(cells(&out), ["50/30/20", "5", "1\u{a0}000,00 kr", "85 %"]);
    // A plain number in the tolerance column is points too: 2.
    std::fs::write(&reg, percent_register([0.5, 0.3, 0.2], 0.85, 2.0, false)).expect("write");
    let out = check(&reg).get_output().stdout.clone();
    assert_eq!(cells(&out), ["50/30/20", "2", "1\u{a0}000,00 kr", "85 %"]);
    // The run reads the warning level as 85 %: 100 kr of a 1 000 kr
    // ceiling is 10 %, not near the ceiling.
    c.command(["run", "--period", "2019-H1", "--min-call-offs", "1", "--agreements"])
        .arg(&reg)
        .arg("--exports")
        .arg(c.path("in"))
        .arg("--out")
        .arg(c.out())
        .assert()
        .success();
    let ceiling = report(&c, "ceiling.csv");
    assert!(ceiling.lines().nth(1).is_some_and(|l| l.contains(",ok")), "{ceiling}");
    // 50 % + 30 % + 19 % in percent cells: the sum as typed.
    std::fs::write(&reg, percent_register([0.5, 0.3, 0.19], 0.8, 5.0, false)).expect("write");
    check(&reg)
        .code(2)
        .stderr(contains("andelarna summerar till 99 %, inte 100 %"));
}

/// The folders in `dir/arkiv/`.
fn archived(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("arkiv"))
        .map(|d| d.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn an_earlier_report_is_archived_and_nothing_else_is_replaced_or_hidden() {
    let c = case(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    run_sv(&c, &[]).success();
    let first = report(&c, "allocation.csv");
    c.write("in/b.csv", format!("{HEADER}2019-03-05;Penselkungen AB;RA-1;50,00\n"));
    // The second run keeps the first report in arkiv/ and says where.
    let out = run_sv(&c, &[]).success().get_output().stdout.clone();
    let out = String::from_utf8_lossy(&out);
    let kept = archived(&c.out());
    assert_eq!(kept.len(), 1, "{kept:?}");
    let name = kept[0].file_name().expect("name").to_string_lossy().into_owned();
    assert!(
        name.starts_with("2019-H1 20") && name.len() == "2019-H1 2026-12-06 0915".len(),
        "{name}"
    );
    assert!(
        out.contains(&format!(
            "Den tidigare rapporten i {}/ sparades i {}/.",
            c.out().join("2019-H1").display(),
            kept[0].display()
        )),
        "{out}"
    );
    assert_eq!(crate::common::read(&kept[0].join("allocation.csv")), first);
    assert_ne!(report(&c, "allocation.csv"), first);
    // A workbook open in Excel (its ~$ lock file): exit 2, nothing moved.
    let lock = c.out().join("2019-H1/~$fordelning-2019-H1.xlsx");
    std::fs::write(&lock, [7u8; 162]).expect("lock");
    let now = report(&c, "allocation.csv");
    run_sv(&c, &[])
        .code(2)
        .stderr(contains("fordelning-2019-H1.xlsx är öppen i Excel"))
        .stderr(contains("stäng filen och kör igen"));
    assert!(lock.is_file(), "the lock file is left alone");
    assert_eq!(report(&c, "allocation.csv"), now);
    assert_eq!(archived(&c.out()).len(), 1);
    std::fs::remove_file(&lock).expect("rm");
    // A regular file of the user's where the report goes: exit 2, untouched,
    // nothing hidden beside it.
    let other = c.root().join("other");
    std::fs::create_dir_all(&other).expect("dir");
    std::fs::write(other.join("2019-H1"), "mina anteckningar").expect("write");
    c.command(["run", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.path("in"))
        .arg("--out")
        .arg(&other)
        .assert()
        .code(2)
        .stderr(contains(
            "2019-H1 finns redan och är ingen rapportmapp från avropskoll; den rörs inte",
        ));
    assert_eq!(crate::common::read(&other.join("2019-H1")), "mina anteckningar");
    let names: Vec<String> = std::fs::read_dir(&other)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["2019-H1"]);
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_not_opened_and_control_bytes_never_reach_messages_or_reports() {
    // A FIFO named like an export in the folder: skipped and named (a
    // read would wait forever).
    let c = case(&[(
        "a.csv",
        format!("{HEADER}2019-03-01;Måleri Syd AB;RA-1;100,00\n2019-03-02;Penselkungen AB;RA-1;12\0,5\n").as_bytes(),
    )]);
    let fifo = c.path("in").join("y.csv");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    c.command(["run", "--period", "2019-H1", "--min-call-offs", "1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.path("in"))
        .arg("--out")
        .arg(c.out())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(contains(
            "hoppade över y.csv: ingen vanlig fil utan en namngiven rörledning (FIFO); den lästes inte",
        ));
    // The NUL byte of the rejected amount is dropped from the detail.
    let q = quality(&c);
    let rejected = q.iter().find(|r| r[2] == "rejected").expect("rejected row");
    assert_eq!(rejected[3], "oläsbart belopp i kolumnen 'Belopp': '12,5'");
    // /dev/zero named as an export: a short message, exit 2.
    let out = c
        .command(["run", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .args(["--exports", "/dev/zero", "--out"])
        .arg(c.out())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("/dev/zero: ingen vanlig fil utan en enhetsfil"));
    assert!(out.get_output().stderr.len() < 300, "{}", out.get_output().stderr.len());
    // Binary junk named directly: the headers it quotes are escaped and
    // capped, no raw NUL byte.
    let junk = c.root().join("junk.csv");
    let mut bytes = vec![0u8; 100_000];
    bytes.extend_from_slice(b";\x1b[31m;x\n");
    std::fs::write(&junk, bytes).expect("write");
    let out = c
        .command(["run", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(&junk)
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(2);
    let err = &out.get_output().stderr;
    assert!(
        err.len() < 2000 && !err.contains(&0u8) && !err.contains(&0x1bu8),
        "{}",
        String::from_utf8_lossy(err)
    );
    // A file name with an escape sequence: escaped in the message.
    let named = c.write("bad\x1b[31m.csv", "nothing here\n");
    let out = c
        .command(["run", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(&named)
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(2)
        .stderr(contains("bad\\u{1b}[31m.csv"));
    assert!(!out.get_output().stderr.contains(&0x1bu8));
}

/// The workbook with the saved values of its formulas removed (as files
/// written by tools that do not calculate: `<f>` without `<v>`).
fn without_saved_values(xlsx: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("zip");
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read");
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(bytes).expect("xml");
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("</f><v>") {
                out.push_str(&rest[..at + 4]);
                let after = &rest[at + 4..];
                let end = after.find("</v>").expect("end") + 4;
                rest = &after[end..];
            }
            out.push_str(rest);
            bytes = out.into_bytes();
        }
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        w.write_all(&bytes).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

#[test]
fn a_share_formula_without_a_saved_value_is_named_as_such() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Avtal",
        "Benämning",
        "Giltigt från",
        "Giltigt till",
        "Leverantör",
        "Andel",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    ws.write_string(1, 0, "RA-9").expect("cell");
    ws.write_string(1, 1, "Städ").expect("cell");
    ws.write_string(1, 2, "2024-01-01").expect("cell");
    ws.write_string(1, 3, "2025-12-31").expect("cell");
    ws.write_string(1, 4, "A AB").expect("cell");
    ws.write_formula(1, 5, "=100-F3").expect("cell");
    ws.write_string(2, 4, "B AB").expect("cell");
    ws.write_number(2, 5, 40.0).expect("cell");
    let d = Workdir::new();
    let reg = d.write(
        "register.xlsx",
        without_saved_values(&wb.save_to_buffer().expect("xlsx")),
    );
    d.command(["check", "--agreements"])
        .arg(&reg)
        .assert()
        .code(2)
        .stderr(contains(
            "leverantören 'A AB': andelens formel '100-F3' saknar sparat värde – öppna och spara filen i Excel",
        ));
}

#[test]
fn change_labels_are_honest_about_windows_with_little_or_no_data() {
    // 2018-H2: 12 call-offs of 100 kr, all to Måleri Syd AB (50 % agreed,
    // 100 % actual): RA-1 in imbalance. 2019-H1: 3 call-offs, all in
    // March: fewer than 10, insufficient – not resolved.
    let mut text = String::from(HEADER);
    for d in 1..=12 {
        text.push_str(&format!("2018-11-{d:02};Måleri Syd AB;RA-1;100,00\n"));
    }
    for d in 1..=3 {
        text.push_str(&format!("2019-03-{d:02};Måleri Syd AB;RA-1;100,00\n"));
    }
    let c = case(&[("a.csv", text.as_bytes())]);
    let run = |period: Option<&str>| {
        let mut cmd = c.command(["run", "--agreements"]);
        cmd.arg(fixture("register.toml"))
            .arg("--exports")
            .arg(c.path("in"))
            .arg("--out")
            .arg(c.out());
        if let Some(p) = period {
            cmd.args(["--period", p]);
        }
        let out = cmd.assert().success().get_output().clone();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // The default window is 2019-H1 (latest date 2019-03-03); its rows lie
    // in one month.
    let (out, err) = run(None);
    assert!(
        out.contains("Jämfört med 2018-H2: nya obalanser 0, åtgärdade 0, för lite underlag nu 1 (var i obalans)."),
        "{out}"
    );
    assert!(
        err.contains("standardperioden 2019-H1 har data från bara en månad (2019-03)"),
        "{err}"
    );
    // RA-2 (El, valid 2019) is reported and has no row.
    assert!(
        err.contains("avtal utan rader i perioden 2019-H1: RA-2 (de bedöms inte)"),
        "{err}"
    );
    let html = crate::common::read(&c.out().join("2019-H1/forum-2019-H1.html"));
    assert!(
        html.contains("Underlag saknas nu") && !html.contains("Åtgärdad"),
        "{html}"
    );
    assert!(html.contains("Inget avtal har tillräckligt underlag under perioden för en bedömning."));
    // A window without any row: a warning, nothing resolved.
    let (out, err) = run(Some("2019-H2"));
    assert!(
        err.contains("perioden 2019-H2 (2019-07-01 – 2019-12-31) har inga rader i exporterna"),
        "{err}"
    );
    assert!(
        out.contains("Jämfört med 2019-H1: nya obalanser 0, åtgärdade 0."),
        "{out}"
    );
}

#[test]
fn a_window_written_the_other_way_gets_a_suggestion() {
    let c = case(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    for (typed, meant) in [
        ("2026 T2", "2026-T2"),
        ("T2 2026", "2026-T2"),
        ("tertial 2 2026", "2026-T2"),
    ] {
        c.command(["run", "--period", typed, "--agreements"])
            .arg(fixture("register.toml"))
            .arg("--exports")
            .arg(c.path("in"))
            .arg("--out")
            .arg(c.out())
            .assert()
            .code(2)
            .stderr(contains(format!("'{typed}' är ingen period – menade du {meant}?")));
    }
}

#[test]
fn sums_past_the_exact_range_stop_cleanly_also_for_fku_orders_and_one_day() {
    // 1 000 rows of 999 999 999 999 kr on one day under one order of an
    // agreement with an FKU threshold: the order's sum and the day's sum
    // pass i64's 922 337 203 685 477,5807 kr (in 1/10 000 öre units).
    let register = "[[agreement]]\nid = \"RA-F\"\nname = \"Tak\"\nvalid_from = 2024-01-01\nvalid_to = 2025-12-31\nfku_threshold_sek = 500000\n\n  [[agreement.supplier]]\n  name = \"Alfa AB\"\n  share = 100\n";
    let mut text = String::from("Bokföringsdatum;Leverantör;Belopp;Avtal;Ordernummer\n");
    for _ in 0..1000 {
        text.push_str("2024-02-01;Alfa AB;999999999999;RA-F;P1\n");
    }
    let c = case(&[("register.toml", register.as_bytes()), ("a.csv", text.as_bytes())]);
    c.command(["run", "--period", "2024-H1", "--agreements"])
        .arg(c.path("in").join("register.toml"))
        .arg("--exports")
        .arg(c.path("in").join("a.csv"))
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(2)
        .stderr(contains("beloppen är för stora för att summeras exakt"));
}
