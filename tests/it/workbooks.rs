//! The Excel workbooks read back with calamine: sheet names, key cells equal
//! to allocation.csv, the Användning excess figures against hand-computed
//! values, text from the inputs stored as text, and two native charts per
//! agreement sheet.

use super::common::{
    find_row, fixture, number, sheet, sheet_names, text, text_or_empty, workbook, xlsx_parts as parts, Workdir,
};

use calamine::{Data, Reader};
use predicates::prelude::PredicateBooleanExt;
use std::path::{Path, PathBuf};

/// Runs the base fixture for 2019-H1 (as in tests/it/pipeline.rs); returns the
/// report folder.
fn run_base(w: &Workdir, extra: &[&str]) -> PathBuf {
    w.run("2019-H1", &fixture("register.toml"), &fixture("base.csv"))
        .args(["--min-call-offs", "2"])
        .args(extra)
        .assert()
        .success();
    w.report("2019-H1")
}

fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn main_workbook_sheets_and_overview() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let path = dir.join("fordelning-2019-H1.xlsx");
    assert_eq!(
        sheet_names(&path),
        [
            "Sammanfattning",
            "Obalanser",
            "RA-1",
            "RA-2",
            "Takvolym",
            // RA-2 lists account 4410 (rule 15).
            "Avtalstrohet",
            "Användning",
            "Datakvalitet",
            "Datakvalitet, rader"
        ]
    );
    let o = sheet(&path, "Sammanfattning");
    // Imbalances first, then by largest deviation: RA-1 (+26.3) before RA-2 (10).
    let r = find_row(&o, "RA-1", 0);
    assert_eq!(text(&o, r + 1, 0), "RA-2");
    assert_eq!(text(&o, r, 1), "Målning");
    assert!(approx(number(&o, r, 3), 3800.0));
    assert!(approx(number(&o, r, 4), 7.0));
    assert!(approx(number(&o, r, 6), 26.315_789_473_684_21));
    assert_eq!(text(&o, r, 7), "Obalans");
    assert_eq!(text(&o, r, 8), "Obalans");
    assert!(approx(number(&o, r + 1, 6), -10.0));
}

#[test]
fn agreement_and_imbalance_sheets_match_allocation_csv() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let path = dir.join("fordelning-2019-H1.xlsx");
    let mut csv = csv::Reader::from_path(dir.join("allocation.csv")).expect("csv");
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("record")).collect();
    let sheet_ra1 = sheet(&path, "RA-1");
    let imbalances = sheet(&path, "Obalanser");
    for rec in rows.iter().filter(|r| &r[3] == "RA-1") {
        // Agreement sheet: the period table first, then the to-date table.
        let table_start = if &rec[0] == "period" {
            0
        } else {
            find_row(&sheet_ra1, "Totalt", 0) + 1
        };
        let r = find_row(&sheet_ra1, &rec[6], table_start);
        assert_eq!(text_or_empty(&sheet_ra1, r, 1), &rec[5]);
        assert!(approx(
            number(&sheet_ra1, r, 2) * 100.0,
            rec[7].parse().expect("agreed")
        ));
        let actual: f64 = rec[10].parse().expect("actual");
        assert!((number(&sheet_ra1, r, 3) * 100.0 - actual).abs() < 1e-4, "{rec:?}");
        assert!((number(&sheet_ra1, r, 4) - rec[11].parse::<f64>().expect("dev")).abs() < 1e-4);
        assert!(approx(number(&sheet_ra1, r, 5), rec[8].parse().expect("amount")));
        assert!(approx(number(&sheet_ra1, r, 6), rec[9].parse().expect("call-offs")));
        assert!((number(&sheet_ra1, r, 7) - rec[12].parse::<f64>().expect("catch-up")).abs() < 0.005);
        assert_eq!(text(&sheet_ra1, r, 8), "Obalans");
    }
    // The imbalance list: one row per supplier of each imbalanced agreement
    // and scope (here all 10 lines of allocation.csv), as an Excel table.
    assert_eq!(text(&imbalances, 0, 0), "Avtal");
    assert_eq!(imbalances.height(), 11);
    let count_row = (1..11)
        .find(|&i| text(&imbalances, i, 3) == "Elkraft AB")
        .expect("Elkraft");
    assert!(
        approx(number(&imbalances, count_row, 11), 1.0),
        "count catch-up in the call-offs column"
    );
    let xml = parts(&path);
    assert!(
        xml.iter().any(|(n, _)| n.starts_with("xl/tables/table")),
        "the imbalance list is an Excel table"
    );
}

#[test]
fn every_agreement_sheet_has_a_column_and_a_line_chart() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let parts = parts(&dir.join("fordelning-2019-H1.xlsx"));
    let charts: Vec<&(String, String)> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("xl/charts/chart") && n.ends_with(".xml"))
        .collect();
    assert_eq!(
        charts.len(),
        5,
        "two agreements, two charts each, and Avtalstrohet's (RA-2 lists an account)"
    );
    for sheet in ["RA-1", "RA-2"] {
        let quoted = format!("'{sheet}'!");
        let bar = charts
            .iter()
            .filter(|(_, x)| x.contains("<c:barChart>") && x.contains(&quoted))
            .count();
        let line = charts
            .iter()
            .filter(|(_, x)| x.contains("<c:lineChart>") && x.contains(&quoted))
            .count();
        assert_eq!((bar, line), (1, 1), "{sheet}");
    }
    // The column chart reads the agreed and actual share cells of the
    // period table (rows 6-8, columns C and D for RA-1's three suppliers).
    assert!(charts
        .iter()
        .any(|(_, x)| x.contains("'RA-1'!$C$6:$C$8") && x.contains("'RA-1'!$D$6:$D$8")));
}

#[test]
fn usage_sheet_excess_is_computed_by_rule_10() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let u = sheet(&dir.join("fordelning-2019-H1.xlsx"), "Användning");
    // RA-1, window: Måleri Syd has 2900 of 3800 = 76.3 % against 50 %, the
    // only over-served supplier (rule 10 counts excess toward it alone).
    // Norr sent 2500 to Måleri Syd: excess 2500 − 0.5·2500 = 1250. Väster:
    // 400 − 200 = 200. Söder sent 600 to Färg & Fasad and 300 to
    // Penselkungen, both under-served: it helps restore the key, excess 0.
    let head = find_row(&u, "Enhet", 0);
    assert_eq!(text(&u, head, 1), "Måleri Syd AB");
    let expected = [
        ("Norr", [2500.0, 0.0, 0.0], 2500.0, 1250.0),
        ("Väster", [400.0, 0.0, 0.0], 400.0, 200.0),
        ("Söder", [0.0, 600.0, 300.0], 900.0, 0.0),
    ];
    for (i, (unit, amounts, total, excess)) in expected.iter().enumerate() {
        let r = head + 1 + i as u32;
        assert_eq!(text(&u, r, 0), *unit);
        for (s, a) in amounts.iter().enumerate() {
            assert!(approx(number(&u, r, 1 + s as u32), *a), "{unit} {s}");
        }
        assert!(approx(number(&u, r, 4), *total), "{unit}");
        assert!(approx(number(&u, r, 5), *excess), "{unit}");
    }
    // By orderer: Anna (Norr) 1250 first.
    let orderers = find_row(&u, "Beställare", head);
    assert_eq!(text(&u, orderers + 1, 0), "Anna");
    assert!(approx(number(&u, orderers + 1, 5), 1250.0));
    // To date, Söder also has Penselkungen's 1000 from 2018-12-15; to date
    // Penselkungen has 1300 of 4800 = 27.1 % against 20 %: over-served
    // with Måleri Syd. Söder: 600 + 1300 of 1900; only Penselkungen counts:
    // 1300 − 0.2·1900 = 920 (Färg & Fasad, under-served, is left out).
    let to_date = (0..u.height() as u32)
        .find(|&i| matches!(u.get_value((i, 0)), Some(Data::String(s)) if s.starts_with("RA-1 Målning – Hittills")))
        .expect("RA-1 to-date block");
    let soder = find_row(&u, "Söder", to_date);
    assert!(approx(number(&u, soder, 5), 920.0));
}

#[test]
fn data_quality_sheet_reconciles() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let q = sheet(&dir.join("fordelning-2019-H1.xlsx"), "Datakvalitet");
    let read = find_row(&q, "Lästa rader", 0);
    assert!(approx(number(&q, read, 1), 20.0));
    assert!(approx(number(&q, read, 2), 12020.0));
    let check = find_row(&q, "Kontroll: lästa − summan av delarna", read);
    assert!(approx(number(&q, check, 1), 0.0));
    assert_eq!(text(&q, check, 3), "Stämmer");
    // The printed page: per file and category.
    let per = find_row(&q, "Per fil och kategori", check);
    assert_eq!(text(&q, per + 1, 0), "Fil");
    assert_eq!(text(&q, per + 2, 0), "base.csv");
    assert_eq!(text(&q, per + 2, 1), "Oläsbar rad");
    assert!(approx(number(&q, per + 2, 2), 2.0));
    // Every row on its own sheet, which prints only its header.
    let rows = sheet(&dir.join("fordelning-2019-H1.xlsx"), "Datakvalitet, rader");
    assert_eq!(text(&rows, 0, 0), "Fil");
    assert_eq!(text(&rows, 1, 0), "base.csv");
    assert!(approx(number(&rows, 1, 1), 11.0));
    assert_eq!(text(&rows, 1, 2), "Leverantör utanför avtalet");
    assert_eq!(rows.height(), 8, "seven data-quality rows");
    let workbook = parts(&dir.join("fordelning-2019-H1.xlsx"));
    let names = workbook
        .iter()
        .find(|(n, _)| n == "xl/workbook.xml")
        .map(|(_, x)| x.clone())
        .unwrap_or_default();
    assert!(names.contains("'Datakvalitet, rader'!$A$1:$E$1"), "print area: {names}");
}

#[test]
fn section_workbooks_per_unit() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let mut names: Vec<String> = std::fs::read_dir(dir.join("sektioner"))
        .expect("sektioner")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Norr.xlsx", "Söder.xlsx", "Väster.xlsx", "Öster.xlsx"]);
    let norr = dir.join("sektioner/Norr.xlsx");
    assert_eq!(sheet_names(&norr), ["Sammanfattning", "Avrop"]);
    let s = sheet(&norr, "Sammanfattning");
    assert_eq!(text(&s, 0, 0), "Norr – Avrop i ramavtal i obalans");
    let m = find_row(&s, "Måleri Syd AB", 0);
    assert!(approx(number(&s, m, 2), 2500.0));
    assert!(
        approx(number(&s, m, 4), 1.0),
        "all of Norr's RA-1 money went to Måleri Syd"
    );
    // Färg & Fasad and Penselkungen are behind the key: they get the next call-offs.
    assert_eq!(text(&s, m + 1, 7), "Ja – ligger efter nyckeln");
    assert!(
        !matches!(s.get_value((m, 7)), Some(Data::String(_))),
        "Måleri Syd is ahead of the key"
    );
    let excess = find_row(&s, "Enhetens överskott utöver nyckeln", m);
    assert!(approx(number(&s, excess, 2), 1250.0));
    let calls = sheet(&norr, "Avrop");
    assert_eq!(
        calls.height(),
        4,
        "header and Norr's three RA-1 call-offs in the window"
    );
    assert_eq!(text(&calls, 1, 1), "RA-1");
}

#[test]
fn english_workbook() {
    let w = Workdir::new();
    let dir = run_base(&w, &["--lang", "en"]);
    let path = dir.join("fordelning-2019-H1.xlsx");
    assert_eq!(
        sheet_names(&path),
        [
            "Overview",
            "Imbalances",
            "RA-1",
            "RA-2",
            "Ceiling",
            "Compliance",
            "Usage",
            "Data quality",
            "Data quality, rows"
        ]
    );
    let o = sheet(&path, "Overview");
    let r = find_row(&o, "RA-1", 0);
    assert_eq!(text(&o, r, 7), "Imbalance");
}

#[test]
fn text_from_the_inputs_never_becomes_a_formula() {
    let w = Workdir::new();
    let reg = w.write(
        "reg.toml",
        "[[agreement]]\nid = \"=RA/1\"\nname = \"+Farligt\"\nvalid_from = 2019-01-01\nvalid_to = 2019-12-31\n\
         [[agreement.supplier]]\nname = '=HYPERLINK(\"x\")'\nshare = 50\n\
         [[agreement.supplier]]\nname = \"@Evil AB\"\nshare = 50\n",
    );
    let exports = w.write(
        "x.csv",
        "Datum;Leverantör;Avtal;Ansvar;Beställare;Verifikation;Belopp\n\
         2019-03-01;\"=HYPERLINK(\"\"x\"\")\";=RA/1;+Sektion;-Bo;=1+1;100\n\
         2019-03-02;\"=HYPERLINK(\"\"x\"\")\";=RA/1;\"\t@unit\r\";@SUM(1);-2+3;100\n\
         2019-03-03;=HYPERLINK(\"y\");=RA/1;+Sektion;-Bo;=2+2;nope\n",
    );
    let out = w.out();
    w.run("2019-H1", &reg, &exports)
        .args(["--min-call-offs", "1"])
        .assert()
        .success();
    let dir = out.join("2019-H1");
    let path = dir.join("fordelning-2019-H1.xlsx");
    let names = sheet_names(&path);
    assert_eq!(names[2], "=RA_1", "sheet name made safe");
    let a = sheet(&path, "=RA_1");
    assert_eq!(text(&a, 0, 0), "=RA/1 – +Farligt");
    let r = find_row(&a, "=HYPERLINK(\"x\")", 0);
    assert_eq!(text(&a, r + 1, 0), "@Evil AB");
    // No cell of any sheet is a formula, except the reconciliation check.
    let quality = names.iter().position(|n| n == "Datakvalitet").expect("quality sheet") + 1;
    let quality_part = format!("xl/worksheets/sheet{quality}.xml");
    for (name, xml) in parts(&path) {
        if name.starts_with("xl/worksheets/sheet") {
            let allowed = if name == quality_part { 3 } else { 0 };
            assert_eq!(xml.matches("<f>").count(), allowed, "{name}");
        }
    }
    // The unit file names are safe and the call-off texts are strings.
    let mut files: Vec<String> = std::fs::read_dir(dir.join("sektioner"))
        .expect("sektioner")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["+Sektion.xlsx", "@unit.xlsx"]);
    let calls = sheet(&dir.join("sektioner/+Sektion.xlsx"), "Avrop");
    assert_eq!(text(&calls, 1, 4), "+Sektion");
    assert_eq!(text(&calls, 1, 5), "-Bo");
    assert_eq!(text(&calls, 1, 6), "=1+1");
    let q = sheet(&path, "Datakvalitet, rader");
    assert!(text(&q, 1, 3).contains("'nope'"));
    for (part, xml) in parts(&dir.join("sektioner/@unit.xlsx")) {
        assert!(!xml.contains("<f>"), "{part}");
    }
}

#[test]
fn ceiling_sheet_chart_and_lines() {
    let w = Workdir::new();
    w.run("2024-H1", &fixture("ceiling.toml"), &fixture("ceiling.csv"))
        .args(["--min-call-offs", "1"])
        .assert()
        .success()
        // The terminal warns about every reached, warning and forecast ceiling.
        .stdout(
            predicates::str::contains(
                "RA-C1 Nådd, sedan kreditnota: TAKET NÅTT 2024-04-01 – de 2 avropen efter det (−150,00 kr) är direktupphandlingar",
            )
            .or(predicates::str::contains(
                "RA-C1 Nådd, sedan kreditnota: TAKET NÅTT 2024-04-01 – de 2 avropen efter det (-150,00 kr) är direktupphandlingar",
            )),
        )
        .stdout(predicates::str::contains(
            "RA-C5 Varning, delad: 85,0 % av takvolymen använd (varningsnivå 80 %)",
        ))
        .stdout(predicates::str::contains(
            "RA-C6 Prognos före slut: 50,0 % använd; i nuvarande takt nås taket 2024-12-29",
        ))
        .stdout(predicates::str::contains("delad takvolym: bara våra avrop räknas"));
    let path = w.out().join("2024-H1/fordelning-2024-H1.xlsx");
    let t = sheet(&path, "Takvolym");
    let r = find_row(&t, "RA-C1", 0);
    assert!(approx(number(&t, r, 2), 1000.0));
    assert!(approx(number(&t, r, 4), 950.0));
    assert!(approx(number(&t, r, 5), 0.95));
    assert!(approx(number(&t, r, 6), 182.0 / 731.0));
    assert!(approx(number(&t, r, 11), 2.0));
    assert!(approx(number(&t, r, 12), -150.0));
    assert_eq!(text(&t, r, 13), "Taket nått");
    let r5 = find_row(&t, "RA-C5", 0);
    assert_eq!(text(&t, r5, 13), "Nära taket");
    assert!(text(&t, r5, 15).contains("Delad takvolym"), "{}", text(&t, r5, 15));
    // Months without exports beside the figure (RA-C7 runs from 2022-01).
    let r7 = find_row(&t, "RA-C7", 0);
    assert!(
        text(&t, r7, 14).starts_with("2022-01–2022-02, 2022-04–2023-10"),
        "{}",
        text(&t, r7, 14)
    );
    // The ceiling line on the agreement sheet and the status on the overview.
    let a = sheet(&path, "RA-C1");
    // Reached: the advice in red above the ceiling line.
    assert_eq!(text(&a, 2, 0), "Taket är nått: gör inga fler avrop på avtalet");
    assert!(
        text(&a, 3, 0).starts_with("Takvolym 1\u{a0}000,00 kr · använt 950,00 kr (95,0 %)"),
        "{}",
        text(&a, 3, 0)
    );
    let o = sheet(&path, "Sammanfattning");
    let ro = find_row(&o, "RA-C1", 0);
    assert_eq!(text(&o, ro, 13), "Taket nått (95,0 %)");
    // A native bar chart on the Takvolym sheet.
    let charts: Vec<(String, String)> = parts(&path)
        .into_iter()
        .filter(|(n, x)| n.starts_with("xl/charts/") && x.contains("<c:barChart>") && x.contains("Takvolym"))
        .collect();
    assert_eq!(charts.len(), 1);
    // A ceiling chart per agreement with a ceiling, PNG and SVG.
    let diagram = w.out().join("2024-H1/diagram");
    assert!(diagram.join("RA-C1-takvolym.png").is_file());
    let svg = std::fs::read_to_string(diagram.join("RA-C6-takvolym.svg")).expect("svg");
    assert!(svg.contains("nås 2024-12-29"), "forecast marked");
    assert!(svg.contains("Avtalet slutar 2024-12-31"), "end marked");
    assert!(!diagram.join("RA-C8-takvolym.png").exists(), "no ceiling, no chart");
}

#[test]
fn section_workbooks_follow_the_organisation_file() {
    let w = Workdir::new();
    let dir = w.out().join("2019-H1");
    w.run("2019-H1", &fixture("register.toml"), &fixture("base.csv"))
        .args(["--min-call-offs", "2"])
        .arg("--organisation")
        .arg(fixture("organisation.csv"))
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "1 ansvar finns inte i organisationsfilen och hamnar i arbetsboken Utan sektion: Öster",
        ));
    let mut names: Vec<String> = std::fs::read_dir(dir.join("sektioner"))
        .expect("sektioner")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The mail drafts (tests/it/drafts.rs) are in utkast/.
    assert_eq!(
        names,
        [
            "Sektion Nord.xlsx",
            "Sektion Stab.xlsx",
            "Sektion Syd.xlsx",
            "Utan sektion.xlsx",
            "utkast"
        ]
    );
    let nord = dir.join("sektioner/Sektion Nord.xlsx");
    let s = sheet(&nord, "Sammanfattning");
    assert_eq!(text(&s, 0, 0), "Sektion Nord – Avrop i ramavtal i obalans");
    assert_eq!(text(&s, 1, 0), "Sektionschef: Anna Berg (anna.berg@example.se)");
    let ask = (0..8)
        .map(|r| text_or_empty(&s, r, 0))
        .find(|t| t.starts_with("Sektionen ombeds"))
        .expect("the ask");
    // To date (from 2018-10-01) Måleri Syd and Färg & Fasad are behind the key.
    assert!(
        ask.contains("Målning (RA-1): Måleri Syd AB och Färg & Fasad AB tills nyckeln är återställd"),
        "{ask}"
    );
    // Both units of the section, with their excess; orderers too.
    let units = find_row(&s, "Ansvar i sektionen", 0);
    assert_eq!(text(&s, units + 1, 0), "Ansvar");
    let norr = find_row(&s, "Norr", units);
    assert!(approx(number(&s, norr, 2), 1250.0), "Norr's excess in the window");
    assert_eq!(text(&s, norr, 5), "Utanför nyckeln");
    let orderers = find_row(&s, "Beställare i sektionen", units);
    assert_eq!(text(&s, find_row(&s, "Anna", orderers), 0), "Anna");
    // A section's workbook speaks of the section, not of a unit.
    let cells: Vec<String> = s.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.contains(&"Sektionens andel".to_string()), "{cells:?}");
    assert!(cells.contains(&"Sektionens överskott utöver nyckeln".to_string()));
    assert!(!cells.iter().any(|c| c.starts_with("Enhetens")));
    // A section with nothing to do says so.
    let stab = sheet(&dir.join("sektioner/Sektion Stab.xlsx"), "Sammanfattning");
    assert_eq!(text(&stab, 1, 0), "Sektionschef: Cecilia Dahl");
    assert!(text(&stab, 4, 0).starts_with("Sektionen har inga avrop på ramavtal i obalans"));
    // The usage sheet and the forum report name the section beside the unit.
    let html = std::fs::read_to_string(dir.join("forum-2019-H1.html")).expect("html");
    assert!(
        html.contains("<td>Norr</td><td>Sektion Nord</td>"),
        "section beside the unit"
    );
}

#[test]
fn the_forum_report_is_one_self_contained_page() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let html = std::fs::read_to_string(dir.join("forum-2019-H1.html")).expect("html");
    // Every agreement, the previous window and the change.
    for id in ["RA-1", "RA-2"] {
        assert!(html.contains(&format!("<td>{id}</td>")), "{id}");
    }
    assert!(html.contains("jämfört med 2018-H2"));
    assert!(html.contains("nya obalanser sedan 2018-H2"));
    assert!(
        html.contains("Jämfört med 2018-H2: Ny obalans"),
        "the change per agreement"
    );
    // The plain sentence with the catch-up in Swedish format.
    assert!(
        html.contains("Målning: Måleri Syd AB fick 76,3 % mot avtalade 50 %; Färg &amp; Fasad AB behöver 1 140 kr för att nyckeln ska återställas"),
        "sentence"
    );
    assert!(
        html.contains("El: Ljus AB fick 50,0 % mot avtalade 40 %; Elkraft AB behöver 1 avrop"),
        "count basis"
    );
    // Inline charts, no script, no external reference.
    assert!(html.matches("<svg").count() >= 4);
    for bad in ["<script", "<link", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(bad), "{bad}");
    }
    assert!(html.contains("@page { size: A4 landscape"));
}

#[test]
fn excess_and_catch_up_cells_are_rounded_to_ore() {
    let w = Workdir::new();
    let register = w.write(
        "register.toml",
        "[[agreement]]\nid = \"RA-R\"\nname = \"Rund\"\nvalid_from = 2024-01-01\nvalid_to = 2025-12-31\n\n  [[agreement.supplier]]\n  name = \"Alfa AB\"\n  share = 50\n\n  [[agreement.supplier]]\n  name = \"Beta AB\"\n  share = 30\n\n  [[agreement.supplier]]\n  name = \"Gamma AB\"\n  share = 20\n",
    );
    let exports = w.write(
        "x.csv",
        "Bokföringsdatum;Leverantör;Belopp;Avtal;Ansvar;Beställare\n2024-02-01;Gamma AB;10,00;RA-R;U;Eva\n2024-03-01;Alfa AB;0,01;RA-R;U;Eva\n",
    );
    let out = w.out();
    w.run("2024-H1", &register, &exports)
        .args(["--min-call-offs", "1"])
        .assert()
        .success();
    let book = out.join("2024-H1/fordelning-2024-H1.xlsx");
    // Total 10,01: Gamma's excess is 10 − 0,2 × 10,01 = 7,998 → 8,00 kr
    // (unrounded 7.998000000000001 before).
    let u = sheet(&book, "Användning");
    let row = find_row(&u, "U", 0);
    assert_eq!(
        number(&u, row, 5),
        8.0,
        "Användning: the excess column (after 3 suppliers and the total)"
    );
    let orderer = find_row(&u, "Eva", row);
    assert_eq!(number(&u, orderer, 5), 8.0);
    let s = sheet(&out.join("2024-H1/sektioner/U.xlsx"), "Sammanfattning");
    let excess = find_row(&s, "Enhetens överskott utöver nyckeln", 0);
    assert_eq!(number(&s, excess, 2), 8.0);
    let eva = find_row(&s, "Eva", excess);
    assert_eq!(number(&s, eva, 2), 8.0);
    // Every catch-up on Obalanser is whole öre.
    let o = sheet(&book, "Obalanser");
    for r in 1..o.height() as u32 {
        if let Some(Data::Float(v)) = o.get_value((r, 10)) {
            assert_eq!(*v, (v * 100.0).round() / 100.0, "row {r}: {v}");
        }
    }
}

#[test]
fn the_call_off_sheet_names_the_id_column_it_shows() {
    let w = Workdir::new();
    let out = w.out();
    let run = |exports: &str, name: &str| {
        let path = w.write(name, exports);
        w.run("2019-H1", &fixture("register.toml"), &path)
            .args(["--min-call-offs", "1"])
            .assert()
            .success();
        sheet(&out.join("2019-H1/sektioner/Norr.xlsx"), "Avrop")
    };
    // Only an invoice number: the column says so, not "Verifikation".
    let calls = run(
        "Bokföringsdatum;Leverantör;Avtal;Ansvar;Fakturanr;Belopp\n2019-01-10;Måleri Syd AB;RA-1;Norr;F-4711;1000\n",
        "a.csv",
    );
    assert_eq!(text(&calls, 0, 6), "Fakturanr");
    assert_eq!(text(&calls, 1, 6), "F-4711");
    // Both: the voucher number is read, and named.
    let calls = run(
        "Bokföringsdatum;Leverantör;Avtal;Ansvar;Fakturanummer;Verifikationsnummer;Belopp\n2019-01-10;Måleri Syd AB;RA-1;Norr;F-4711;V-17;1000\n",
        "b.csv",
    );
    assert_eq!(text(&calls, 0, 6), "Verifikationsnummer");
    assert_eq!(text(&calls, 1, 6), "V-17");
}

#[test]
fn a_forecast_after_the_agreement_ends_is_said_in_words() {
    let w = Workdir::new();
    let register = w.write(
        "register.toml",
        "[[agreement]]\nid = \"RA-S\"\nname = \"Delad\"\nvalid_from = 2024-01-01\nvalid_to = 2024-12-31\nceiling_sek = 1000000\nshared_ceiling = true\n\n  [[agreement.supplier]]\n  name = \"Alfa AB\"\n  share = 100\n",
    );
    let exports = w.write(
        "x.csv",
        "Bokföringsdatum;Leverantör;Belopp;Avtal\n2024-02-01;Alfa AB;100;RA-S\n",
    );
    let out = w.out();
    w.run("2024-H1", &register, &exports).assert().success();
    // 100 kr in 182 days (2024-01-01 – 2024-06-30): the pace reaches
    // 1 000 000 kr some 5 000 years on, long after 2024-12-31.
    let csv = std::fs::read_to_string(out.join("2024-H1/ceiling.csv")).expect("csv");
    let line = csv.lines().find(|l| l.starts_with("RA-S,")).expect("RA-S");
    let forecast = line.split(',').nth(11).expect("forecast_date");
    assert!(forecast > "2100", "ceiling.csv keeps the date: {forecast}");
    let t = sheet(&out.join("2024-H1/fordelning-2024-H1.xlsx"), "Takvolym");
    let r = find_row(&t, "RA-S", 0);
    assert_eq!(text(&t, r, 9), "efter avtalets slut");
}

#[test]
fn months_before_the_first_export_are_empty_not_zero() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let s = sheet(&dir.join("fordelning-2019-H1.xlsx"), "RA-1");
    // RA-1 is valid from 2018-10-01; the earliest date read is 2018-12-15:
    // 2018-10 and 2018-11 are in no export.
    let top = find_row(&s, "Ackumulerad andel per månad", 0);
    let first = top + 2;
    // Three suppliers: amounts in columns 1–3, the total in 4.
    for r in [first, first + 1] {
        assert!(
            matches!(s.get_value((r, 1)), None | Some(Data::Empty)),
            "row {r}: no 0 kr"
        );
        assert_eq!(text(&s, r, 4), "ingen export");
        assert!(
            approx(number(&s, r, 8), 0.5),
            "the agreed line stays (column 8: after 3 cumulative)"
        );
    }
    // 2018-12: Penselkungen's 1 000 kr.
    assert!(approx(number(&s, first + 2, 3), 1000.0));
    assert!(approx(number(&s, first + 2, 4), 1000.0));
}

#[test]
fn the_forum_report_prints_without_near_empty_pages_and_repeats_table_headers() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let html = std::fs::read_to_string(dir.join("forum-2019-H1.html")).expect("html");
    // A table split over two pages repeats its header row.
    assert!(html.contains("thead { display: table-header-group; }"));
    let tables = html.matches("<table>").count();
    assert!(tables >= 3);
    assert_eq!(
        html.matches("<thead><tr>").count(),
        tables,
        "every table has its header row in <thead>"
    );
    // Only the first page (the summary) ends in a forced break; the rest
    // flow, headings kept with what follows, charts and rows not split.
    assert_eq!(html.matches("break-after: page").count(), 1);
    assert!(html.contains("section:first-of-type { break-after: page;"));
    assert!(html.contains("h1, h2, h3, figcaption { break-after: avoid;"));
    assert!(html.contains("figure, .pair, tr, .figures { break-inside: avoid;"));
}

#[test]
fn an_agreement_that_ended_in_the_window_is_on_sammanfattning_with_its_end() {
    let w = Workdir::new();
    let register = w.write(
        "register.toml",
        "[[agreement]]\nid = \"RA-X\"\nname = \"Slut\"\nvalid_from = 2023-01-01\nvalid_to = 2024-03-31\n\n  [[agreement.supplier]]\n  name = \"Alfa AB\"\n  share = 50\n\n  [[agreement.supplier]]\n  name = \"Beta AB\"\n  share = 50\n\n[[agreement]]\nid = \"RA-Y\"\nname = \"Ny\"\nvalid_from = 2024-04-01\nvalid_to = 2026-03-31\n\n  [[agreement.supplier]]\n  name = \"Gamma AB\"\n  share = 100\n",
    );
    let exports = w.write(
        "x.csv",
        "Bokföringsdatum;Leverantör;Belopp;Avtal\n2024-02-10;Alfa AB;100;RA-X\n2024-03-10;Beta AB;300;RA-X\n2024-05-10;Gamma AB;100;RA-Y\n",
    );
    let out = w.out();
    w.run("2024-H1", &register, &exports)
        .args(["--min-call-offs", "2"])
        .assert()
        .success();
    let o = sheet(&out.join("2024-H1/fordelning-2024-H1.xlsx"), "Sammanfattning");
    // RA-X: 100 + 300 kr, 25 % / 75 % against 50 / 50: in imbalance, listed
    // first, with its end.
    let x = find_row(&o, "RA-X", 0);
    assert_eq!(text(&o, x, 1), "Slut (slutade 2024-03-31)");
    assert_eq!(text(&o, x, 7), "Obalans");
    let y = find_row(&o, "RA-Y", 0);
    assert_eq!(text(&o, y, 1), "Ny");
}

/// The width (in characters, as Excel shows it) of column `col` (0-based)
/// of a sheet, from the sheet's `<col>` elements; 8.43 when not set.
fn col_width(path: &Path, sheet_name: &str, col: u32) -> f64 {
    let index = sheet_names(path)
        .iter()
        .position(|n| n == sheet_name)
        .unwrap_or_else(|| panic!("no sheet {sheet_name}"));
    let name = format!("xl/worksheets/sheet{}.xml", index + 1);
    let xml = parts(path)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, x)| x)
        .unwrap_or_else(|| panic!("no {name}"));
    let attr = |el: &str, key: &str| -> Option<f64> {
        let at = el.find(&format!(" {key}=\""))? + key.len() + 3;
        el.get(at..)?.split('"').next()?.parse().ok()
    };
    xml.split("<col ")
        .skip(1)
        .filter_map(|el| {
            let el = format!(" {}", el.split("/>").next()?);
            let el = el.as_str();
            let (min, max) = (attr(el, "min")?, attr(el, "max")?);
            ((min..=max).contains(&(col as f64 + 1.0))).then(|| attr(el, "width"))?
        })
        .next()
        .unwrap_or(8.43)
}

#[test]
fn data_quality_rows_and_amounts_never_touch() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let path = dir.join("fordelning-2019-H1.xlsx");
    // The sample's "Lästa rader" line printed "27 194 538 877 835 kr": the
    // amount, 14 characters, filled a 12-wide column. Each amount column
    // (C at the top, D in "Per fil och kategori") now holds
    // "999 999 999 999 kr" (18 characters) with room left.
    for col in [2, 3] {
        let w = col_width(&path, "Datakvalitet", col);
        assert!(w > 19.0, "column {col}: {w}");
    }
    // "Stämmer" beside "0 kr": indented one step in its own column.
    let mut wb = workbook(&path);
    let q = wb.worksheet_range("Datakvalitet").expect("sheet");
    let check = find_row(&q, "Kontroll: lästa − summan av delarna", 0);
    assert_eq!(text(&q, check, 3), "Stämmer");
    let styles = wb.worksheet_style("Datakvalitet").expect("styles");
    let indent = styles
        .get((check, 3))
        .and_then(|s| s.alignment.as_ref())
        .and_then(|a| a.indent);
    assert_eq!(indent, Some(1));
}

#[test]
fn sammanfattning_labels_and_account_lists_have_room() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let path = dir.join("fordelning-2019-H1.xlsx");
    // "Senaste datum i data" (20 characters, bold) beside its value in B.
    assert!(col_width(&path, "Sammanfattning", 0) > 21.0);
    // The agreements listing an account wrap within columns G–J, indented
    // clear of the count in F.
    let mut wb = workbook(&path);
    let o = wb.worksheet_range("Sammanfattning").expect("sheet");
    let r = find_row(&o, "4410", 0);
    assert_eq!(text(&o, r, 6), "RA-2");
    let styles = wb.worksheet_style("Sammanfattning").expect("styles");
    let align = styles.get((r, 6)).and_then(|s| s.alignment.clone()).expect("alignment");
    assert!(align.wrap_text);
    assert_eq!(align.indent, Some(1));
}

/// Rule 11 (review): the ceiling of RA-C1 is reached (600 + 500 = 1 100 kr
/// of 1 000 on 2024-04-01), so no workbook advises more call-offs, though
/// Alfa AB is behind the key (400 of 950 kr; allocation.csv keeps its
/// catch-up, what it needs to match Beta AB's 550 kr: 550 − 400 = 150,00).
#[test]
fn a_reached_ceiling_advises_no_more_call_offs() {
    let w = Workdir::new();
    let csv = w.write(
        "out/c.csv",
        "Bokföringsdatum;Leverantör;Belopp;Avtal;Ansvar\n2024-03-01;Alfa AB;600;RA-C1;Öster\n\
         2024-04-01;Beta AB;500;RA-C1;Öster\n2024-05-01;Alfa AB;-200;RA-C1;Öster\n\
         2024-06-01;Beta AB;50;RA-C1;Öster\n",
    );
    w.run("2024-H1", &fixture("ceiling.toml"), &csv)
        .args(["--min-call-offs", "1"])
        .assert()
        .success();
    let dir = w.out().join("2024-H1");
    let allocation = std::fs::read_to_string(dir.join("allocation.csv")).expect("csv");
    assert!(allocation.contains(",Alfa AB,50.00,400.00,1,42.1053,-7.8947,150.00,imbalance,"));
    // The agreement sheet: "Taket nått" in red where the catch-up was.
    let path = dir.join("fordelning-2024-H1.xlsx");
    let a = sheet(&path, "RA-C1");
    let r = find_row(&a, "Alfa AB", 0);
    assert_eq!(text(&a, r, 7), "Taket nått");
    let o = sheet(&path, "Obalanser");
    let r = find_row(&o, "RA-C1", 0);
    assert_eq!(text(&o, r, 10), "Taket nått");
    // The section's workbook: a stop, no "next call-offs to Alfa AB".
    let s = sheet(&dir.join("sektioner/Öster.xlsx"), "Sammanfattning");
    let cells: Vec<String> = s.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        cells.contains(&"Nådd, sedan kreditnota (RA-C1): Taket är nått: gör inga fler avrop på avtalet.".to_string()),
        "{cells:?}"
    );
    assert!(cells.contains(&"Taket är nått: gör inga fler avrop på avtalet".to_string()));
    assert!(!cells
        .iter()
        .any(|c| c.contains("ligger efter nyckeln") || c.contains("lägga nästa avrop")));
}

/// Review: on the Avrop sheet a date fills its column left-aligned (never
/// running into the agreement beside it), and the unit after the
/// right-aligned amount is indented; without an organisation file a
/// workbook is one unit's and says "Enhetens andel".
#[test]
fn section_sheets_keep_dates_and_names_apart() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let book = std::fs::read_dir(dir.join("sektioner"))
        .expect("sektioner")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .expect("a section workbook");
    let mut wb = workbook(&book);
    let styles = wb.worksheet_style("Avrop").expect("styles");
    let align = |r: u32, c: u32| styles.get((r, c)).and_then(|s| s.alignment.clone()).unwrap_or_default();
    assert_eq!(align(1, 0).horizontal, calamine::HorizontalAlignment::Left);
    assert_eq!(align(1, 4).indent, Some(1));
    assert!(col_width(&book, "Avrop", 0) > 11.0, "yyyy-mm-dd with room");
    let s = wb.worksheet_range("Sammanfattning").expect("sheet");
    let cells: Vec<String> = s.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.contains(&"Enhetens andel".to_string()), "{cells:?}");
}
