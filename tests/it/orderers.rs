//! Nearly unique orderers (a reference with a purchase-order number in
//! *Er referens*) are held by hash and read again from the export when a
//! report shows them: every orderer in the section workbooks and the main
//! workbook's usage tables is the one written in the export for its row.

use crate::common::*;
use std::collections::HashMap;

/// The sample's clean export in the realistic shape: 30 000 rows, 20
/// units, 3 000 orderers with purchase-order numbers.
fn realistic(d: &Workdir) -> HashMap<String, String> {
    d.command(["sample", "--clean", "--rows", "30000", "--months", "12"])
        .args(["--agreements", "8", "--units", "20"])
        .args(["--orderers", "3000", "--references", "--out"])
        .arg(d.root())
        .assert()
        .success();
    // Verifikationsnummer (2nd column) → Er referens (7th).
    let bytes = std::fs::read(d.path("exports/bench.csv")).expect("export");
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    text.lines()
        .skip(4)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(';').collect();
            Some((cells.get(1)?.to_string(), cells.get(6)?.trim().to_string()))
        })
        .collect()
}

/// The workdir's exports read as the run reads them.
fn read_exports(d: &Workdir) -> avropskoll::read::Exports {
    let (found, _) = avropskoll::read::discover(
        &[d.path("exports")],
        &avropskoll::read::Exclude::default(),
        avropskoll::lang::Lang::En,
    )
    .expect("discover");
    avropskoll::read::read_all(&found, &avropskoll::read::ReadOptions::default(), &|_| {}).expect("read")
}

#[test]
fn orderers_held_by_hash_show_as_written_in_the_export() {
    let d = Workdir::new();
    let by_id = realistic(&d);
    // Read as the run reads it: the orderers are held by hash.
    let e = read_exports(&d);
    assert!(e.rows.orderers_hashed());
    d.command(["run", "--agreements"])
        .arg(d.path("register.toml"))
        .arg("--exports")
        .arg(d.path("exports"))
        .args(["--period", "2024-H2", "--quiet", "--out"])
        .arg(d.out())
        .assert()
        .success();
    let folder = d.report("2024-H2").join("sektioner");
    let mut checked = 0;
    for entry in std::fs::read_dir(&folder).expect("section workbooks") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "xlsx") {
            continue;
        }
        for name in sheet_names(&path) {
            let rows = sheet_rows(&path, &name);
            let Some(head) = rows.first() else { continue };
            if head.get(5).map(String::as_str) != Some("Beställare") {
                continue;
            }
            for row in rows.iter().skip(1) {
                let (Some(orderer), Some(id)) = (row.get(5), row.get(6)) else {
                    continue;
                };
                assert_eq!(Some(orderer), by_id.get(id), "{} {name}: id {id}", path.display());
                assert!(orderer.starts_with("Beställare "), "{orderer}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} call-offs checked");
    // The main workbook's usage tables name their orderers.
    let book = d.report("2024-H2").join("fordelning-2024-H2.xlsx");
    let usage = sheet_rows(&book, "Användning");
    let named = usage
        .iter()
        .flatten()
        .filter(|c| c.starts_with("Beställare ") && c.contains(" PO-"))
        .count();
    assert!(named > 0, "no orderer named on Användning");
}

/// Rule 2 with orderers held by hash: an export of January copied into a
/// second file (as when a monthly and a quarterly export overlap) makes
/// each copied row a duplicate once, and a row that differs only in its
/// orderer is no copy.
#[test]
fn copies_across_files_are_found_with_orderers_held_by_hash() {
    let d = Workdir::new();
    let head = "Bokföringsdatum;Verifikationsnummer;Leverantör;Belopp;Ansvar;Er referens\n";
    let line = |i: usize, orderer: &str| {
        format!(
            "2024-01-{:02};{};Målare AB;{i},50;U{};{orderer}\n",
            i % 28 + 1,
            1000 + i,
            i % 9
        )
    };
    let (mut a, mut b) = (head.to_string(), head.to_string());
    for i in 0..12_000 {
        a.push_str(&line(i, &format!("Beställare {i} PO-{i}")));
    }
    for i in 0..5_000 {
        // The first 4 999 copied; the last differs in its orderer only.
        let orderer = if i == 4_999 {
            "Någon annan".to_string()
        } else {
            format!("Beställare {i} PO-{i}")
        };
        b.push_str(&line(i, &orderer));
    }
    for i in 20_000..30_000 {
        b.push_str(&line(i, &format!("Beställare {i} PO-{i}")));
    }
    d.write("exports/a.csv", a);
    d.write("exports/b.csv", b);
    d.write(
        "register.toml",
        "[[agreement]]\nid = \"RA-1\"\nname = \"Måleri\"\nvalid_from = 2024-01-01\nvalid_to = 2024-12-31\n  [[agreement.supplier]]\n  name = \"Målare AB\"\n  share = 100\n",
    );
    // Read back from the right file: a's 12 000 rows, then b's.
    let e = read_exports(&d);
    assert!(e.rows.orderers_hashed());
    assert_eq!(e.orderer_text(11_999), "Beställare 11999 PO-11999");
    assert_eq!(e.orderer_text(12_000 + 4_999), "Någon annan");
    assert_eq!(e.orderer_text(12_000 + 5_000), "Beställare 20000 PO-20000");
    d.run("2024-H1", &d.path("register.toml"), &d.path("exports"))
        .assert()
        .success();
    let rec = csv_records(&d.report("2024-H1").join("reconciliation.csv"));
    let duplicate = rec.iter().find(|r| r[0] == "duplicate").expect("duplicate line");
    assert_eq!(duplicate[1], "4999");
}
