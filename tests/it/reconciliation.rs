//! The reconciliation as an invariant, over generated messy
//! exports: rows and SEK read = counted in shares + outside agreements +
//! every data-quality category; every non-empty row is read, once.

use avropskoll::classify::{self, Outcome, Reconciliation};
use avropskoll::parse::parse_amount;
use avropskoll::read::{self, ReadOptions};
use avropskoll::register;
use proptest::prelude::*;
use std::path::Path;

const DATES: &[&str] = &[
    "2019-03-01",
    "2019-03-01",
    "2019-06-30",
    "2019-02-30",
    "",
    "Summa",
    "Totalt:",
    "20190315",
    "5.3.2019",
    "2021-01-05",
    "2018-12-15",
    "31/03/2019",
    "x",
];
const SUPPLIERS: &[&str] = &[
    "Måleri Syd AB",
    "MÅLERI SYD AKTIEBOLAG",
    "Färg och Fasad AB",
    "Penselkungen AB",
    "Elkraft AB",
    "Ljus AB",
    "Låssmeden AB",
    "Byggmax AB",
    "",
    "=HYPERLINK(\"x\")",
    "  Penselkungen  AB ",
];
const ORGS: &[&str] = &["", "556036-0793", "SE556036079301", "5560360794", "SAKNAS"];
const AGREEMENTS: &[&str] = &["RA-1", "ra-2", " RA-3 ", "RA-9", "", "", ""];
const AMOUNTS: &[&str] = &[
    "100,00",
    "1 000,50",
    "-50",
    "5-",
    "12 5OO,00",
    "",
    "NaN",
    "0,005",
    "1.234,56",
    "(500)",
    "2 000",
    "-0,00",
];
const ACCOUNTS: &[&str] = &["4410", "4420", "", "4410 Reparationer"];

fn cell(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    (0..list.len()).prop_map(move |i| list[i])
}

fn row() -> impl Strategy<Value = Vec<&'static str>> {
    (
        cell(DATES),
        cell(SUPPLIERS),
        cell(ORGS),
        cell(AGREEMENTS),
        cell(AMOUNTS),
        cell(ACCOUNTS),
    )
        .prop_map(|(d, s, o, a, m, k)| vec![d, s, o, a, m, k])
}

/// A CSV line, quoting cells that need it.
fn line(cells: &[&str], delimiter: char) -> String {
    cells
        .iter()
        .map(|c| {
            if c.contains(delimiter) || c.contains('"') {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(&delimiter.to_string())
}

fn write_file(path: &Path, rows: &[Vec<&str>], delimiter: char, title: bool, utf16: bool) {
    let mut text = String::new();
    if title {
        text.push_str("Leverantörsreskontra\n\n");
    }
    text.push_str(&line(
        &["Bokföringsdatum", "Leverantör", "Org.nr", "Avtal", "Belopp", "Konto"],
        delimiter,
    ));
    text.push('\n');
    for r in rows {
        text.push_str(&line(r, delimiter));
        text.push('\n');
    }
    let bytes: Vec<u8> = if utf16 {
        [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    } else {
        text.into_bytes()
    };
    std::fs::write(path, bytes).expect("write export");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_row_lands_in_exactly_one_place(
        files in proptest::collection::vec(proptest::collection::vec(row(), 0..40), 1..4),
        delimiter in prop_oneof![Just(';'), Just(','), Just('\t')],
        title in any::<bool>(),
        utf16 in any::<bool>(),
    ) {
        let dir = tempfile::TempDir::new().expect("tempdir");
        for (i, rows) in files.iter().enumerate() {
            write_file(&dir.path().join(format!("{i}.csv")), rows, delimiter, title, utf16);
        }
        let reg = register::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/register.toml"))
            .expect("register");
        let (found, _) = read::discover(&[dir.path().to_path_buf()], &read::Exclude::default(), avropskoll::lang::Lang::En).expect("discover");
        let exports = read::read_all(&found, &ReadOptions::default(), &|_| {}).expect("read");
        let classified = classify::classify(&exports, &reg);
        let rec = Reconciliation::new(&exports, &classified);

        // Every non-empty row is read, once, with its amount where readable.
        let non_empty: Vec<&Vec<&str>> = files.iter().flatten().filter(|r| r.iter().any(|c| !c.trim().is_empty())).collect();
        prop_assert_eq!(rec.read.rows as usize, non_empty.len());
        let amount: i128 = non_empty.iter().filter_map(|r| parse_amount(r[4])).map(|a| a.0 as i128).sum();
        prop_assert_eq!(rec.read.amount, amount);
        // ... and lands in exactly one place: the parts add up.
        prop_assert!(rec.balances(), "{:?}", rec);
        prop_assert_eq!(classified.outcomes.len(), exports.rows.len());
        let quality_rows: u64 = rec.categories.iter().map(|t| t.rows).sum();
        prop_assert_eq!(classified.findings.len() as u64, quality_rows);
        let counted = classified.outcomes.iter().filter(|o| matches!(o, Outcome::InAgreement { .. })).count();
        prop_assert_eq!(counted as u64, rec.in_agreements.rows);
    }
}
