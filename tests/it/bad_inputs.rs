//! The catalogue of bad inputs (docs/rules.md; the README lists every case): each one reads correctly, lands in
//! data_quality.csv with a clear detail, or stops with exit code 2 and a
//! message naming the file (and row and column where there is one). The
//! register is tests/fixtures/register.toml (RA-1: Måleri Syd AB 50 %,
//! Färg & Fasad AB 30 %, Penselkungen AB 20 %).

use super::common::{bin, fixture};

use predicates::str::contains;
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const HEADER: &str = "Bokföringsdatum;Leverantör;Avtal;Belopp\n";

/// A temp folder with export files in `in/`, reports in `out/`.
struct Case {
    dir: TempDir,
}

impl Case {
    fn new(files: &[(&str, &[u8])]) -> Case {
        let dir = TempDir::new().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("in")).expect("in");
        for (name, bytes) in files {
            std::fs::write(dir.path().join("in").join(name), bytes).expect("write");
        }
        Case { dir }
    }

    fn input(&self) -> PathBuf {
        self.dir.path().join("in")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Runs in English (`--lang en`): the catalogue's messages are asserted
    /// in English; [`Case::run_sv`] runs in the default Swedish.
    fn run(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        self.run_in("en", extra)
    }

    fn run_sv(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        self.run_in("sv", extra)
    }

    fn run_in(&self, lang: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
        bin()
            .args(["run", "--lang", lang])
            .args(["--period", "2019-H1", "--min-call-offs", "1", "--agreements"])
            .arg(fixture("register.toml"))
            .arg("--exports")
            .arg(self.input())
            .arg("--out")
            .arg(self.out())
            .args(extra)
            .assert()
    }

    fn report(&self, name: &str) -> String {
        std::fs::read_to_string(self.out().join("2019-H1").join(name)).expect("report file")
    }

    /// data_quality.csv rows as (file, row, category, detail, amount).
    fn quality(&self) -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_path(self.out().join("2019-H1/data_quality.csv")).expect("csv");
        r.records()
            .map(|x| x.expect("record").iter().map(str::to_string).collect())
            .collect()
    }

    /// (rows, amount) of a reconciliation category.
    fn tally(&self, category: &str) -> (u64, String) {
        let text = self.report("reconciliation.csv");
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{category},")))
            .unwrap_or_else(|| panic!("no {category} in {text}"));
        let parts: Vec<&str> = line.split(',').collect();
        (parts[1].parse().expect("rows"), parts[2].to_string())
    }

    /// The allocation.csv line (period) of a supplier.
    fn allocation(&self, supplier: &str) -> Vec<String> {
        let text = self.report("allocation.csv");
        text.lines()
            .find(|l| l.starts_with("period,") && l.contains(&format!(",{supplier},")))
            .unwrap_or_else(|| panic!("no {supplier} in {text}"))
            .split(',')
            .map(str::to_string)
            .collect()
    }
}

const GOOD: &str = "2019-03-01;Måleri Syd AB;RA-1;100,00\n";

#[test]
fn empty_file_is_read_as_no_rows_with_a_warning() {
    let c = Case::new(&[("a-empty.csv", b""), ("b.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    c.run(&[]).success().stderr(contains("a-empty.csv: the file is empty"));
    assert_eq!(c.tally("read"), (1, "100.00".into()));
}

#[test]
fn header_only_reads_no_rows() {
    let c = Case::new(&[("h.csv", HEADER.as_bytes())]);
    c.run(&[]).success();
    assert_eq!(c.tally("read"), (0, "0.00".into()));
    assert_eq!(c.allocation("Måleri Syd AB")[8], "0.00");
}

#[test]
fn missing_required_column_stops_with_2() {
    let c = Case::new(&[("m.csv", b"Datum;Leverant\xc3\xb6r\n2019-03-01;X AB\n")]);
    c.run(&[])
        .code(2)
        .stderr(contains("m.csv"))
        .stderr(contains("amount"))
        .stderr(contains("headers found: Datum | Leverantör"));
}

#[test]
fn duplicated_header_names_take_the_first_with_a_warning() {
    let c = Case::new(&[(
        "d.csv",
        "Bokföringsdatum;Leverantör;Avtal;Belopp;Belopp\n2019-03-01;Måleri Syd AB;RA-1;100,00;999,00\n".as_bytes(),
    )]);
    c.run(&[]).success().stderr(contains(
        "the header 'Belopp' stands in columns 4, 5; the first was read as amount",
    ));
    assert_eq!(c.allocation("Måleri Syd AB")[8], "100.00");
}

#[test]
fn binary_file_named_csv_is_skipped_in_a_folder_and_stops_with_2_when_named() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    // Found in a folder beside a real export: it maps no column, so it is
    // not an export; the run goes on and names it.
    let c = Case::new(&[("binary.csv", &junk), ("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    c.run(&[])
        .success()
        .stdout(contains("skipped binary.csv: not an export"));
    assert_eq!(c.tally("read").0, 1);
    // Named directly: a file the user named must be an export.
    bin()
        .args(["run", "--lang", "en", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.input().join("binary.csv"))
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
    let c = Case::new(&[("cut.xlsx", &bytes[..bytes.len() / 2])]);
    c.run(&[])
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
    let c = Case::new(&[("notbook.xlsx", buf.get_ref())]);
    c.run(&[])
        .code(2)
        .stderr(contains("notbook.xlsx"))
        .stderr(contains("not a readable Xlsx workbook"));
}

#[test]
fn encrypted_xlsx_stops_with_2() {
    // Excel saves a password-protected workbook as an OLE compound file.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(std::iter::repeat_n(0u8, 1024));
    let c = Case::new(&[("secret.xlsx", &bytes)]);
    c.run(&[])
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
    let c = Case::new(&[("bomb.xlsx", &bytes)]);
    c.run(&[])
        .code(2)
        .stderr(contains("bomb.xlsx"))
        .stderr(contains("zip bomb"));
}

#[test]
fn very_long_fields_and_lines_are_read() {
    let long_name = "Lång Leverantör AB ".repeat(100_000); // ~2 MB in one field
    let wide: String = (0..10_000).map(|i| format!(";x{i}")).collect();
    let text = format!("{HEADER}2019-03-01;{long_name};;50,00\n2019-03-02;Måleri Syd AB;RA-1;100,00{wide}\n");
    let c = Case::new(&[("long.csv", text.as_bytes())]);
    c.run(&[]).success();
    assert_eq!(c.tally("read"), (2, "150.00".into()));
    assert_eq!(c.tally("outside_agreements"), (1, "50.00".into()));
    assert_eq!(c.allocation("Måleri Syd AB")[8], "100.00");
}

#[test]
fn invalid_utf8_in_a_file_claiming_utf8_warns_and_reads_the_rest() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(HEADER.as_bytes());
    bytes.extend(b"2019-03-01;Trasig \xFF\xFE AB;;10,00\n");
    bytes.extend(GOOD.as_bytes());
    let c = Case::new(&[("bad-utf8.csv", &bytes)]);
    c.run(&[])
        .success()
        .stderr(contains("bad-utf8.csv: the file starts with a UTF-8 byte-order mark"));
    assert_eq!(c.tally("read"), (2, "110.00".into()));
    assert_eq!(c.allocation("Måleri Syd AB")[8], "100.00");
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
    let c = Case::new(&[("a.csv", utf8.as_bytes()), ("b.csv", &ansi), ("c.csv", &utf16)]);
    c.run(&[]).success();
    assert_eq!(c.allocation("Måleri Syd AB")[8], "200.00");
    assert_eq!(c.allocation("Färg & Fasad AB")[8], "60.00");
    assert_eq!(c.allocation("Penselkungen AB")[8], "40.00");
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
    let c = Case::new(&[("n.csv", text.as_bytes())]);
    c.run(&[]).success();
    let q = c.quality();
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
    assert_eq!(c.allocation("Måleri Syd AB")[8], "-5.00");
    assert_eq!(c.tally("rejected"), (7, "10.00".into()));
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
    let c = Case::new(&[("errors.xlsx", &bytes)]);
    c.run(&[]).success();
    let q = c.quality();
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!((q[0][1].as_str(), q[0][2].as_str()), ("2", "rejected"));
    assert!(q[0][3].contains("'#N/A'"), "{}", q[0][3]);
    assert_eq!(
        (q[1][1].as_str(), q[1][3].as_str()),
        ("3", "unreadable amount in column 'Belopp': '1e308'")
    );
    assert_eq!(c.allocation("Färg & Fasad AB")[8], "70.00");
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
    let c = Case::new(&[("merged.xlsx", &wb.save_to_buffer().expect("xlsx"))]);
    c.run(&[]).success().stdout(contains("header in row 2"));
    assert_eq!(c.allocation("Måleri Syd AB")[8], "100.00");
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
    let c = Case::new(&[("formatted.xlsx", &bytes)]);
    c.run(&[]).success();
    assert_eq!(c.tally("read"), (1, "100.00".into()));
}

#[test]
fn limits_on_file_size_and_rows() {
    let big = format!("{HEADER}{}", GOOD.repeat(40_000)); // ~1.6 MB
    let c = Case::new(&[("big.csv", big.as_bytes())]);
    c.run(&["--max-file-mb", "1"])
        .code(2)
        .stderr(contains("big.csv"))
        .stderr(contains("more than the limit of 1 MB"));
    c.run(&["--max-rows", "1000"])
        .code(2)
        .stderr(contains("big.csv"))
        .stderr(contains("more than 1000 rows"));
    c.run(&["--max-rows", "40000"]).success();
}

#[test]
fn register_with_every_validation_error_stops_with_2() {
    let d = TempDir::new().expect("tempdir");
    let reg = d.path().join("reg.toml");
    std::fs::write(
        &reg,
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
    )
    .expect("write");
    let out = d.path().join("out");
    bin()
        .args(["run", "--exports"])
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
        .stderr(contains("agreement RA-A: shares sum to 90.00, not 100"))
        .stderr(contains("agreement ra-a: the id is used by another agreement too"))
        .stderr(contains("agreement ra-a: supplier 'Y AB': share 0 is not in (0, 100]"));
    assert!(!out.exists(), "nothing is written for an invalid register");
}

#[test]
fn path_separators_and_excel_forbidden_characters_stay_inside_the_report() {
    let d = TempDir::new().expect("tempdir");
    let reg = d.path().join("reg.toml");
    std::fs::write(
        &reg,
        "[[agreement]]\nid = \"../RA[1]:*?\"\nname = \"Konstigt\"\nvalid_from = 2019-01-01\nvalid_to = 2019-12-31\n\
         [[agreement.supplier]]\nname = \"A AB\"\nshare = 50\n[[agreement.supplier]]\nname = \"B AB\"\nshare = 50\n",
    )
    .expect("write");
    let exports = d.path().join("x.csv");
    std::fs::write(
        &exports,
        "Datum;Leverantör;Avtal;Ansvar;Belopp\n2019-03-01;A AB;../RA[1]:*?;../../etc;100\n2019-03-02;A AB;../RA[1]:*?;a:b*c?\\d;100\n",
    )
    .expect("write");
    let out = d.path().join("out");
    bin()
        .args(["run", "--period", "2019-H1", "--min-call-offs", "1", "--exports"])
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
    let top: Vec<String> = std::fs::read_dir(d.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top.len(), 3, "only reg.toml, x.csv and out/: {top:?}");
}

#[test]
fn a_failed_run_leaves_the_previous_report_untouched() {
    let c = Case::new(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    c.run(&[]).success();
    let before = c.report("allocation.csv");
    std::fs::write(
        c.input().join("b.csv"),
        format!("{HEADER}2019-03-05;Penselkungen AB;RA-1;50,00\n"),
    )
    .expect("write");
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
        exports: vec![c.input()],
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
    assert!(text.contains("a previous report there is unchanged"), "{text}");
    assert_eq!(c.report("allocation.csv"), before);
    let left: Vec<String> = std::fs::read_dir(c.out())
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["2019-H1"], "no temporary folder is left behind");
    // An output path that is a file: a clear error, exit 1.
    let file = c.dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    bin()
        .args(["run", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.input())
        .arg("--out")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(contains("a-file"));
}

// ---- Robust monthly runs: a real export folder ----

/// The run's stdout, stderr and reconciliation of a folder run whose
/// reports go inside the exports folder itself.
fn run_in_folder(dir: &Path, register: &Path) -> (String, String, String) {
    let out = bin()
        .args(["run", "--period", "2019-H1", "--min-call-offs", "1", "--agreements"])
        .arg(register)
        .arg("--exports")
        .arg(dir)
        .arg("--out")
        .arg(dir.join("rapporter"))
        .assert()
        .success();
    let o = out.get_output();
    let recon = std::fs::read_to_string(dir.join("rapporter/2019-H1/reconciliation.csv")).expect("recon");
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        recon,
    )
}

#[test]
fn a_shared_folder_with_notes_mac_files_locks_its_own_reports_and_the_register_runs_twice_alike() {
    let d = TempDir::new().expect("tempdir");
    let dir = d.path().join("exporter");
    std::fs::create_dir_all(dir.join(".git")).expect("dir");
    std::fs::write(dir.join("2019-03.csv"), format!("{HEADER}{GOOD}")).expect("write");
    std::fs::write(
        dir.join("LÄSMIG.txt"),
        "Exporterna kommer från Raindance varje månad.\nKontakta ekonomienheten vid frågor.\n",
    )
    .expect("write");
    std::fs::write(dir.join("._2019-05.xlsx"), [0u8, 5, 22, 7, 0, 2]).expect("write");
    std::fs::write(dir.join(".DS_Store"), [0u8, 0, 0, 1, 66, 117, 100, 49]).expect("write");
    std::fs::write(dir.join("~$2019-03.xlsx"), [7u8; 162]).expect("write");
    std::fs::write(dir.join(".git/old.csv"), "garbage;;\n").expect("write");
    // The register lies in the exports folder too.
    let register = dir.join("register.csv");
    std::fs::write(
        &register,
        "Avtal;Benämning;Giltigt från;Giltigt till;Leverantör;Andel\nRA-1;Målning;2018-10-01;2020-12-31;Måleri Syd AB;50\n;;;;Färg & Fasad AB;30\n;;;;Penselkungen AB;20\n",
    )
    .expect("write");
    let first = run_in_folder(&dir, &register);
    assert!(
        first.0.contains("hoppade över LÄSMIG.txt: inte en export"),
        "{}",
        first.0
    );
    assert!(first.0.contains("Läste 1 fil:"), "{}", first.0);
    assert!(first.2.contains("read,1,100.00"), "{}", first.2);
    // The second run finds its own reports in the folder and leaves them be.
    let second = run_in_folder(&dir, &register);
    assert_eq!(first.2, second.2);
    assert!(second.0.contains("Läste 1 fil:"), "{}", second.0);
    // The workbook's data-quality sheet names the skipped file.
    let wb: calamine::Xlsx<_> =
        calamine::open_workbook(dir.join("rapporter/2019-H1/fordelning-2019-H1.xlsx")).expect("workbook");
    let mut wb = wb;
    let q = calamine::Reader::worksheet_range(&mut wb, "Datakvalitet").expect("sheet");
    let texts: Vec<String> = q.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(texts.iter().any(|t| t.contains("LÄSMIG.txt")), "{texts:?}");
}

#[test]
fn a_file_that_maps_some_required_columns_stops_the_run() {
    let c = Case::new(&[
        ("a.csv", format!("{HEADER}{GOOD}").as_bytes()),
        (
            "b.csv",
            "Datum;Leverantör;Summa\n2019-03-01;Måleri Syd AB;100\n".as_bytes(),
        ),
    ]);
    c.run_sv(&[])
        .code(2)
        .stderr(contains("b.csv"))
        .stderr(contains("saknas: belopp"))
        .stderr(contains("[columns]\namount = [\"Summa\"]"));
}

#[test]
fn unknown_headers_get_a_columns_suggestion_read_from_the_values() {
    let text = "Export från ekonomisystemet\n\nBokf.dat;Lev;Konto;Belopp (SEK);Text\n2019-03-01;Måleri Syd AB;4410;1 250,00;Fönster\n2019-03-02;Penselkungen AB;4411;-300,50;Kredit\n";
    let c = Case::new(&[("x.csv", text.as_bytes())]);
    // Named directly: the run stops with a ready [columns] block.
    bin()
        .args(["run", "--period", "2019-H1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.input().join("x.csv"))
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(2)
        .stderr(contains("x.csv"))
        .stderr(contains("saknas: datum (Bokföringsdatum"))
        .stderr(contains(
            "Lägg till de här raderna i avropskoll.toml (gissade från kolumnernas värden – kontrollera dem):\n[columns]\ndate = [\"Bokf.dat\"]\nsupplier = [\"Lev\"]\namount = [\"Belopp (SEK)\"]",
        ));
    // Found in a folder: skipped, and the reason says how to map it.
    c.run_sv(&[]).stdout(contains(
        "hoppade över x.csv: inte en export: ingen av de 50 första raderna har kolumnerna datum, leverantör eller belopp (om det är en export: lägg till under [columns] i avropskoll.toml: date = [\"Bokf.dat\"], supplier = [\"Lev\"], amount = [\"Belopp (SEK)\"])",
    ));
}

#[cfg(unix)]
#[test]
fn symlinked_folders_are_followed_and_loops_named() {
    let c = Case::new(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    let elsewhere = c.dir.path().join("annan");
    std::fs::create_dir_all(&elsewhere).expect("dir");
    std::fs::write(
        elsewhere.join("b.csv"),
        format!("{HEADER}2019-03-02;Penselkungen AB;RA-1;50,00\n"),
    )
    .expect("write");
    std::os::unix::fs::symlink(&elsewhere, c.input().join("länk")).expect("symlink");
    std::os::unix::fs::symlink(c.input(), c.input().join("slinga")).expect("symlink");
    c.run_sv(&[])
        .success()
        .stdout(contains("hoppade över slinga: en länk till en mapp som redan lästs"));
    assert_eq!(c.tally("read"), (2, "150.00".into()));
}

#[test]
fn an_html_table_saved_as_xls_is_read_as_a_table() {
    let html = "<html><head><meta charset=\"utf-8\"></head><body><table>\n<tr><th>Bokföringsdatum</th><th>Leverantör</th><th>Avtal</th><th>Belopp</th></tr>\n<tr><td>2019-03-01</td><td>Måleri Syd AB</td><td>RA-1</td><td>1&nbsp;000,00</td></tr>\n<tr><td>2019-03-02</td><td>F&auml;rg &amp; Fasad AB</td><td>RA-1</td><td>500,00</td></tr>\n</table></body></html>";
    let c = Case::new(&[("export.xls", html.as_bytes())]);
    c.run_sv(&[]).success().stdout(contains(
        "export.xls (HTML-tabell sparad som .xls): rubrikrad 1, 2 rader",
    ));
    assert_eq!(c.tally("in_agreements"), (2, "1500.00".into()));
}

#[test]
fn excel_sep_line_names_the_delimiter() {
    let text = "sep=,\nBokföringsdatum,Leverantör,Avtal,Belopp\n2019-03-01,Måleri Syd AB,RA-1,\"1 000,50\"\n";
    let c = Case::new(&[("a.csv", text.as_bytes())]);
    c.run(&[])
        .success()
        .stdout(contains("delimiter ','): header in row 2, 1 rows"));
    assert_eq!(c.tally("in_agreements"), (1, "1000.50".into()));
    assert_eq!(c.quality().len(), 0);
}

#[test]
fn a_run_that_counts_nothing_warns() {
    let c = Case::new(&[(
        "a.csv",
        format!("{HEADER}2019-03-01;Okänd Leverantör AB;;100,00\n").as_bytes(),
    )]);
    c.run_sv(&[])
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
    let c = Case::new(&[("a.csv", text.as_bytes())]);
    bin()
        .args(["run", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.input())
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
    let c = Case::new(&[(
        "a.csv",
        format!("{HEADER}2019-03-01;Måleri Syd AB;RA 1;100,00\n2019-03-02;Måleri Syd AB;ra1;100,00\n").as_bytes(),
    )]);
    c.run_sv(&[]).success().stderr(contains(
        "avtalet 'RA 1' (1 rader) finns inte i avtalsregistret – menas RA-1?",
    ));
    let q = c.quality();
    assert_eq!(q.len(), 2);
    assert_eq!(q[0][2], "unknown_agreement");
    assert!(q[0][3].contains("menas RA-1?"), "{}", q[0][3]);
    assert_eq!(c.tally("in_agreements").0, 0);
}

#[test]
fn rows_in_another_currency_are_rejected_naming_it() {
    let text = "Bokföringsdatum;Leverantör;Avtal;Belopp;Valuta\n2019-03-01;Måleri Syd AB;RA-1;100,00;SEK\n2019-03-02;Måleri Syd AB;RA-1;50,00;EUR\n2019-03-03;Måleri Syd AB;RA-1;70,00;\nSumma;;;220,00;\n";
    let c = Case::new(&[("a.csv", text.as_bytes())]);
    c.run_sv(&[]).success();
    let q = c.quality();
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(
        (q[0][1].as_str(), q[0][2].as_str(), q[0][4].as_str()),
        ("3", "rejected", "50.00")
    );
    assert!(q[0][3].contains("beloppet är i EUR"), "{}", q[0][3]);
    assert_eq!(q[1][2], "total_row");
    assert_eq!(c.tally("in_agreements"), (2, "170.00".into()));
}

#[test]
fn open_data_faktura_nr_is_the_id_field() {
    let text = "Bokföringsdatum;Leverantör;Avtal;Belopp;faktura_nr\n2019-03-01;Måleri Syd AB;RA-1;100,00;F-1\n";
    let c = Case::new(&[("a.csv", text.as_bytes())]);
    c.run_sv(&[]).success().stdout(contains("verifikation ← 'faktura_nr'"));
}

#[test]
fn a_window_with_non_ascii_is_refused_not_a_panic() {
    let c = Case::new(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    bin()
        .args(["run", "--period", "2019-ö1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.input())
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(2)
        .stderr(contains("'2019-ö1' är ingen period"));
}

#[test]
fn a_register_year_outside_1900_to_9999_names_the_agreement() {
    let d = TempDir::new().expect("tempdir");
    let reg = d.path().join("reg.toml");
    std::fs::write(
        &reg,
        "[[agreement]]\nid = \"RA-X\"\nname = \"X\"\nvalid_from = 1019-01-01\nvalid_to = 2020-01-01\n  [[agreement.supplier]]\n  name = \"A AB\"\n  share = 100\n",
    )
    .expect("write");
    bin()
        .args(["run", "--agreements"])
        .arg(&reg)
        .arg("--exports")
        .arg(fixture("base.csv"))
        .arg("--out")
        .arg(d.path().join("out"))
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
    let c = Case::new(&[("mars.xlsx", &bytes)]);
    c.run_sv(&[])
        .success()
        .stdout(contains("mars.xlsx (bladet 'Data')"))
        .stderr(contains(
            "det första bladet 'Försättsblad' har ingen rubrikrad; bladet 'Data' lästes",
        ));
    assert_eq!(c.tally("in_agreements"), (1, "100.00".into()));
    // With no sheet holding a header, the error names the sheet and --sheet.
    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Belopp").expect("cell");
    let c = Case::new(&[("tom.xlsx", &wb.save_to_buffer().expect("xlsx"))]);
    c.run_sv(&[]).code(2).stderr(contains("tom.xlsx (bladet 'Sheet1')"));
}

#[test]
fn interrupted_runs_leave_no_staging_folders_after_the_next_run() {
    let c = Case::new(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    std::fs::create_dir_all(c.out().join(".2019-H1.partial-999999/diagram")).expect("dir");
    std::fs::create_dir_all(c.out().join(".2019-H1.previous-999998")).expect("dir");
    c.run(&[]).success();
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
    let c = Case::new(&[("huge.csv", text.as_bytes())]);
    c.run_sv(&[])
        .code(2)
        .stderr(contains("raderna för avtal RA-1 summerar till mer än"))
        .stderr(contains("huge.csv"));
}

#[test]
fn a_register_without_agreements_is_refused() {
    let d = TempDir::new().expect("tempdir");
    let reg = d.path().join("tomt.csv");
    std::fs::write(&reg, "Avtalsregister\nAvtal;Leverantör;Andel\n").expect("write");
    bin()
        .args(["check", "--agreements"])
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
    let c = Case::new(&[("a.xls", &cp1252), ("b.xls", &utf16)]);
    c.run_sv(&[])
        .success()
        .stdout(contains(
            "a.xls (CSV, Windows-1252, avgränsare tabb): rubrikrad 1, 1 rader",
        ))
        .stdout(contains("b.xls (CSV, UTF-16LE, avgränsare tabb)"));
    assert_eq!(c.tally("in_agreements"), (2, "150.00".into()));
}

#[test]
fn a_window_written_the_other_way_gets_a_suggestion() {
    let c = Case::new(&[("a.csv", format!("{HEADER}{GOOD}").as_bytes())]);
    for (typed, meant) in [
        ("2026 T2", "2026-T2"),
        ("T2 2026", "2026-T2"),
        ("tertial 2 2026", "2026-T2"),
    ] {
        bin()
            .args(["run", "--period", typed, "--agreements"])
            .arg(fixture("register.toml"))
            .arg("--exports")
            .arg(c.input())
            .arg("--out")
            .arg(c.out())
            .assert()
            .code(2)
            .stderr(contains(format!("'{typed}' är ingen period – menade du {meant}?")));
    }
}
