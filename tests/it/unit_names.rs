//! Unit names (issue 20): an export's unit-name column (`Ansvar (T)`) and
//! the organisation file's name column are shown beside the unit's code in
//! the workbooks, the forum report and the terminal; the name takes no part
//! in rule 2's identity.
//!
//! The fixture (tests/fixtures/unit-names/) holds RA-1 (Målning, key
//! 50/30/20) in 2019-H1: a.csv has Måleri Syd 1000 (unit 1010,
//! "Skolfastigheter") and 500 (3030, no name), Färg & Fasad 600 and
//! Penselkungen 400 (both 2020, a long name); b.csv repeats the 1000 row
//! with the name "Skolfast.". Måleri Syd has 1500 of 2500 = 60 % against
//! 50 %: imbalance, and the only over-served supplier. Rule 10's excess:
//! 1010: 1000 − 0.5·1000 = 500; 3030: 500 − 0.5·500 = 250; 2020 sent
//! nothing to Måleri Syd: 0.

use super::common::{bin, fixture};

use crate::common::Workdir;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::{Path, PathBuf};

const LONG: &str = "Kultur- och fritidsförvaltningens fastighetsavdelning för bibliotek och simhallar";

/// Runs 2019-H1 on the fixture; returns the report folder and what the run
/// printed (stdout and stderr).
fn run(out: &Path, extra: &[&str]) -> (PathBuf, String) {
    let done = bin()
        .args(["run", "--period", "2019-H1", "--min-call-offs", "2", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(fixture("unit-names"))
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
    let o = done.get_output();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (out.join("2019-H1"), printed)
}

/// A sheet's cells as text ("" for empty), row by row.
fn cells(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = wb.worksheet_range(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The row (from `from` on) whose first cell is `first`.
fn row_of<'a>(rows: &'a [Vec<String>], first: &str, from: usize) -> &'a [String] {
    rows.iter()
        .skip(from)
        .find(|r| r.first().is_some_and(|c| c == first))
        .unwrap_or_else(|| panic!("no row starting with {first:?}: {rows:?}"))
}

fn position(rows: &[Vec<String>], first: &str) -> usize {
    rows.iter()
        .position(|r| r.first().is_some_and(|c| c == first))
        .unwrap_or_else(|| panic!("no row starting with {first:?}"))
}

#[test]
fn an_export_unit_name_column_is_shown_beside_the_code() {
    let out = Workdir::new();
    let (dir, printed) = run(out.root(), &[]);
    // The terminal names the column as the unit's name, not as unread, and
    // the unit given two names.
    assert!(
        printed.contains(
            "'Ansvar (T)' används som enhetens namn (visas bredvid enheten; ingår inte i dubblettkontrollen)"
        ),
        "{printed}"
    );
    assert!(!printed.contains("kolumner som inte läses"), "{printed}");
    assert!(
        printed.contains("enheten '1010' har flera namn i exporterna: 'Skolfastigheter' (visas), 'Skolfast.'"),
        "{printed}"
    );
    // Användning, RA-1 in the window: units by excess, each with its name
    // (3030 has none); amounts per supplier, total and excess as above.
    let usage = cells(&dir.join("fordelning-2019-H1.xlsx"), "Användning");
    let head = position(&usage, "Enhet");
    let expected = [
        ("1010 Skolfastigheter", "1000", "500"),
        ("3030", "500", "250"),
        (&*format!("2020 {LONG}"), "1000", "0"),
    ];
    for (i, (unit, total, excess)) in expected.iter().enumerate() {
        let row = &usage[head + 1 + i];
        assert_eq!(row[0], *unit);
        assert_eq!((row[4].as_str(), row[5].as_str()), (*total, *excess), "{unit}");
    }
    // Orderers keep their own text.
    assert_eq!(usage[position(&usage, "Beställare") + 1][0], "Anna");
    // Without an organisation file each unit has its workbook, its title
    // with the name; the call-offs sheet shows the unit with its name.
    let book = dir.join("sektioner/1010.xlsx");
    let summary = cells(&book, "Sammanfattning");
    assert_eq!(summary[0][0], "1010 Skolfastigheter – Avrop i ramavtal i obalans");
    let calls = cells(&book, "Avrop");
    assert_eq!(calls[1][4], "1010 Skolfastigheter");
    // The forum report.
    let html = std::fs::read_to_string(dir.join("forum-2019-H1.html")).expect("html");
    assert!(html.contains("<td>1010 Skolfastigheter</td>"), "forum report");
    assert!(html.contains("<td>3030</td>"), "a unit without a name");
    // The contract CSVs are unchanged by names: no column for them.
    let allocation = std::fs::read_to_string(dir.join("allocation.csv")).expect("csv");
    assert!(!allocation.contains("Skolfastigheter"));
}

#[test]
fn a_differing_unit_name_does_not_make_rows_different() {
    // b.csv's row differs from a.csv's first row only in the unit's name:
    // rule 2 makes it a duplicate (1 row, 1000.00), so RA-1 counts 4 rows
    // (2500) in the agreements, as if b.csv repeated the name.
    let out = Workdir::new();
    let (dir, _) = run(out.root(), &[]);
    let reconciliation = std::fs::read_to_string(dir.join("reconciliation.csv")).expect("csv");
    assert!(reconciliation.contains("\nread,5,3500.00\n"), "{reconciliation}");
    assert!(
        reconciliation.contains("\nin_agreements,4,2500.00\n"),
        "{reconciliation}"
    );
    assert!(reconciliation.contains("\nduplicate,1,1000.00\n"), "{reconciliation}");
    let quality = std::fs::read_to_string(dir.join("data_quality.csv")).expect("csv");
    assert!(quality.contains("b.csv,2,duplicate,"), "{quality}");
}

#[test]
fn the_organisation_file_names_units_and_wins() {
    let out = Workdir::new();
    let org = fixture("organisation-names.csv");
    let org = org.to_str().expect("utf-8 path");
    let (dir, _) = run(out.root(), &["--organisation", org]);
    // 1010: the organisation file's name wins over the export's; 2020: the
    // file gives none, the export's is shown; 3030: only the file names it.
    let usage = cells(&dir.join("fordelning-2019-H1.xlsx"), "Användning");
    let head = position(&usage, "Enhet");
    let units: Vec<&str> = (1..=3).map(|i| usage[head + i][0].as_str()).collect();
    assert_eq!(
        units,
        [
            "1010 Skolfastigheter i norr",
            "3030 Idrottshallar",
            &*format!("2020 {LONG}")
        ]
    );
    assert_eq!(usage[head + 1][6], "Sektion Nord");
    // Sektion Nord's workbook: its units, each beside its excess (above).
    let nord = cells(&dir.join("sektioner/Sektion Nord.xlsx"), "Sammanfattning");
    let table = position(&nord, "Ansvar i sektionen");
    assert_eq!(row_of(&nord, "1010 Skolfastigheter i norr", table)[2], "500");
    assert_eq!(row_of(&nord, &format!("2020 {LONG}"), table)[2], "0");
    let html = std::fs::read_to_string(dir.join("forum-2019-H1.html")).expect("html");
    assert!(
        html.contains("<td>1010 Skolfastigheter i norr</td><td>Sektion Nord</td>"),
        "forum report"
    );
    // The mail draft to Sektion Nord's head names its units (the body is
    // quoted-printable: soft line breaks joined, the wrapped lines flat).
    let eml = std::fs::read_to_string(dir.join("sektioner/utkast/Sektion Nord.eml")).expect("draft");
    let flat = eml
        .replace("=\r\n", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("Ansvar: 1010 Skolfastigheter i norr, 2020 Kultur- och"),
        "{flat}"
    );
}

#[test]
fn a_unit_name_column_can_be_mapped_in_the_config() {
    // A header the tool does not know as a unit name, mapped under
    // [columns]: read as the name (and not listed as unread).
    let tmp = Workdir::new();
    let exports = tmp.path("exports");
    std::fs::create_dir(&exports).expect("dir");
    std::fs::write(
        exports.join("x.csv"),
        "Bokföringsdatum;Leverantör;Avtal;Ansvar;Klartext;Belopp\n\
         2019-01-10;Måleri Syd AB;RA-1;1010;Skolor;100,00\n",
    )
    .expect("write");
    let config = tmp.path("avropskoll.toml");
    std::fs::write(&config, "[columns]\nunit_name = \"Klartext\"\n").expect("write");
    let done = bin()
        .args(["check", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(&exports)
        .arg("--config")
        .arg(&config)
        .assert()
        .success();
    let printed = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert!(printed.contains("'Klartext' används som enhetens namn"), "{printed}");
    assert!(!printed.contains("kolumner som inte läses"), "{printed}");
}
