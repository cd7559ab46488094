//! The catalogue of bad inputs (issue 6): each one reads correctly, lands in
//! data_quality.csv with a clear detail, or stops with exit code 2 and a
//! message naming the file (and row and column where there is one). The
//! register is tests/fixtures/register.toml (RA-1: Måleri Syd AB 50 %,
//! Färg & Fasad AB 30 %, Penselkungen AB 20 %).

use assert_cmd::Command;
use predicates::str::contains;
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const HEADER: &str = "Bokföringsdatum;Leverantör;Avtal;Belopp\n";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

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

    fn run(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        Command::cargo_bin("avropskoll")
            .expect("binary")
            .args(["run", "--period", "2019-H1", "--min-call-offs", "1", "--agreements"])
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
fn binary_file_named_csv_stops_with_2() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let c = Case::new(&[("binary.csv", &junk)]);
    c.run(&[])
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
    c.run(&["--lang", "en"]).success();
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
    c.run(&["--lang", "en"]).success();
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
    Command::cargo_bin("avropskoll")
        .expect("binary")
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
    Command::cargo_bin("avropskoll")
        .expect("binary")
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
    Command::cargo_bin("avropskoll")
        .expect("binary")
        .env("AVROPSKOLL_FAIL_WRITER", "charts")
        .args(["run", "--period", "2019-H1", "--min-call-offs", "1", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(c.input())
        .arg("--out")
        .arg(c.out())
        .assert()
        .code(1)
        .stderr(contains("injected failure in the charts writer"))
        .stderr(contains("no report was written to"))
        .stderr(contains("a previous report there is unchanged"));
    assert_eq!(c.report("allocation.csv"), before);
    let left: Vec<String> = std::fs::read_dir(c.out())
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["2019-H1"], "no temporary folder is left behind");
    // An output path that is a file: a clear error, exit 1.
    let file = c.dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    Command::cargo_bin("avropskoll")
        .expect("binary")
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
