//! The reconciliation over messy exports: a handful of rows, one for each
//! place a row can land, against the tallies worked out by hand; and over
//! generated exports, every non-empty row read once, with what the cells
//! alone say about where a row cannot land.

use crate::common::{fixture, Workdir};
use avropskoll::classify::{self, Classified, Reconciliation, Tally};
use avropskoll::parse::{parse_amount, AMOUNT_SCALE};
use avropskoll::read::{self, Exports, ReadOptions};
use avropskoll::register;
use proptest::prelude::*;

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

/// Writes an export of `rows` under HEADER's six columns into the workdir.
fn write_file(w: &Workdir, name: &str, rows: &[Vec<&str>], delimiter: char, title: bool, utf16: bool) {
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
    w.write(name, bytes);
}

/// Reads every export of the workdir and classifies it against
/// tests/fixtures/register.toml.
fn classify_folder(w: &Workdir) -> (Exports, Classified, Reconciliation) {
    let reg = register::load(&fixture("register.toml")).expect("register");
    let (found, _) = read::discover(
        &[w.root().to_path_buf()],
        &read::Exclude::default(),
        avropskoll::lang::Lang::En,
    )
    .expect("discover");
    let exports = read::read_all(&found, &ReadOptions::default(), &|_| {}).expect("read");
    let classified = classify::classify(&exports, &reg);
    let rec = Reconciliation::new(&exports, &classified);
    (exports, classified, rec)
}

/// A tally of `rows` rows and `ore` öre.
fn tally(rows: u64, ore: i128) -> Tally {
    Tally {
        rows,
        amount: ore * AMOUNT_SCALE as i128 / 100,
    }
}

/// One row for every place a row can land (register.toml: RA-1 Måleri Syd
/// AB, Färg & Fasad AB (alias Färg och Fasad AB), Penselkungen AB,
/// 2018-10-01 – 2020-12-31; RA-2 Elkraft AB, Ljus AB, 2019; RA-3 Elkraft
/// AB, Låssmeden AB, 2019-07-01 – 2021-06-30; RA-2 lists account 4410).
#[test]
fn each_row_lands_where_the_rules_put_it() {
    let w = Workdir::new();
    let rows: Vec<Vec<&str>> = vec![
        // In agreements: by id, by alias, and by the supplier alone
        // (Penselkungen is in RA-1 only): 100 + 1 000,50 − 50 = 1 050,50.
        vec!["2019-03-01", "Måleri Syd AB", "556036-0793", "RA-1", "100,00", "4410"],
        vec!["2019-03-01", "Färg och Fasad AB", "", "RA-1", "1 000,50", "4410"],
        vec!["2019-06-30", "Penselkungen AB", "", "", "-50", "4420"],
        // Rejected: a 30 February (100 kr counted in the tally), an
        // amount with the letter O (no amount): 2 rows, 100,00.
        vec!["2019-02-30", "Måleri Syd AB", "", "RA-1", "100,00", ""],
        vec!["2019-03-01", "Måleri Syd AB", "", "RA-1", "12 5OO,00", ""],
        // The export's own total: 1 150,50.
        vec!["Summa", "", "", "", "1 150,50", ""],
        // Outside every agreement: a supplier of none, no id: 2 000.
        vec!["2019-03-01", "Byggmax AB", "", "", "2 000", "4410"],
        // Named agreement, supplier not in it: 100.
        vec!["2019-03-01", "Byggmax AB", "", "RA-1", "100,00", ""],
        // An id not in the register: 100.
        vec!["2019-03-01", "Ljus AB", "", "RA-9", "100,00", ""],
        // RA-2 ended 2019-12-31: 100.
        vec!["2021-01-05", "Ljus AB", "", "RA-2", "100,00", ""],
        // Elkraft is in RA-2 (accounts 4410) and RA-3 (no accounts), both
        // valid on 2019-08-01 and both holding account 4410: 100.
        vec!["2019-08-01", "Elkraft AB", "", "", "100,00", "4410"],
    ];
    write_file(&w, "export.csv", &rows, ';', false, false);
    let (_, _, rec) = classify_folder(&w);
    // Read: 11 rows; 1 050,50 + 100 + 1 150,50 + 2 000 + 4 × 100 = 4 701,00.
    let want = [
        ("read", tally(11, 470_100)),
        ("in_agreements", tally(3, 105_050)),
        ("outside_agreements", tally(1, 200_000)),
        ("rejected", tally(2, 10_000)),
        ("total_row", tally(1, 115_050)),
        ("duplicate", tally(0, 0)),
        ("unknown_agreement", tally(1, 10_000)),
        ("ambiguous_agreement", tally(1, 10_000)),
        ("supplier_outside_agreement", tally(1, 10_000)),
        ("outside_validity", tally(1, 10_000)),
    ];
    assert_eq!(rec.lines(), want);
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
        let w = Workdir::new();
        for (i, rows) in files.iter().enumerate() {
            write_file(&w, &format!("{i}.csv"), rows, delimiter, title, utf16);
        }
        let (exports, classified, rec) = classify_folder(&w);

        // Every non-empty row is read, once, with its amount where readable.
        let non_empty: Vec<&Vec<&str>> = files.iter().flatten().filter(|r| r.iter().any(|c| !c.trim().is_empty())).collect();
        prop_assert_eq!(rec.read.rows as usize, non_empty.len());
        prop_assert_eq!(exports.rows.len(), non_empty.len());
        let amount: i128 = non_empty.iter().filter_map(|r| parse_amount(r[4])).map(|a| a.0 as i128).sum();
        prop_assert_eq!(rec.read.amount, amount);
        // What the cells alone decide. A row is counted (in or outside the
        // agreements) only with a readable amount and a date that can be
        // one; in an
        // agreement only with a supplier of the register and an id that is
        // blank or registered.
        let readable = non_empty
            .iter()
            .filter(|r| parse_amount(r[4]).is_some() && !["", "Summa", "Totalt:", "x", "2019-02-30"].contains(&r[0]))
            .count() as u64;
        prop_assert!(rec.in_agreements.rows + rec.outside_agreements.rows <= readable, "{:?}", rec);
        let unregistered = ["Byggmax AB", "", "=HYPERLINK(\"x\")"];
        // Rule 3: a valid org nr of the register names its supplier
        // whatever the name (Måleri Syd AB's, in either form).
        let registered_org = |r: &&Vec<&str>| ["556036-0793", "SE556036079301"].contains(&r[2]);
        let may_be_in = non_empty
            .iter()
            .filter(|r| (!unregistered.contains(&r[1]) || registered_org(r)) && r[3] != "RA-9")
            .count() as u64;
        prop_assert!(rec.in_agreements.rows <= may_be_in, "{:?}", rec);
        // A registered id with a supplier of none of the agreements is never
        // counted in or outside: it is a data-quality row.
        let named_wrong = non_empty
            .iter()
            .filter(|r| r[1] == "Byggmax AB" && !registered_org(r) && r[3].trim().eq_ignore_ascii_case("RA-1"))
            .count() as u64;
        prop_assert!(rec.categories.iter().map(|t| t.rows).sum::<u64>() >= named_wrong, "{:?}", rec);
        prop_assert_eq!(classified.findings.len() as u64, rec.categories.iter().map(|t| t.rows).sum::<u64>());
    }
}
