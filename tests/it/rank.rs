//! Rules 13–14 end to end: a rank-order agreement with deviations by
//! supplier, unit and dates, and a key agreement with an FKU threshold and
//! an order column; `rank.csv`, `fku.csv`, `allocation.csv` and
//! `comparison.csv` read back and compared with figures worked by hand; a
//! spreadsheet register with an *Avsteg* sheet gives the same files as its
//! TOML twin.

use super::common::{has_row, lines_after_header as lines, read, sheet_rows, workbook, Workdir};
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};

const REGISTER: &str = r#"
[[agreement]]
id = "RA-R"
name = "Järnhandel"
valid_from = 2024-01-01
valid_to = 2025-12-31
model = "rank"
  [[agreement.supplier]]
  name = "Ett AB"
  org_nr = "556036-0793"
  rank = 1
  [[agreement.supplier]]
  name = "Två AB"
  rank = 2
  [[agreement.supplier]]
  name = "Tre AB"
  rank = 3
  [[agreement.deviation]]
  supplier = "Två AB"
  unit = "Öster"
  from = 2024-03-01
  to = 2024-03-31
  reason = "Rang 1 kunde inte leverera i tid"
  reference = "SF-1"
  [[agreement.deviation]]
  supplier = "Tre AB"
  from = 2024-06-01
  reason = "Kapacitet"

[[agreement]]
id = "RA-K"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2025-12-31
fku_threshold_sek = 500000
ceiling_sek = 1000000
  [[agreement.supplier]]
  name = "Alfa AB"
  share = 60
  [[agreement.supplier]]
  name = "Beta AB"
  share = 40
"#;

const EXPORT: &str = "Bokföringsdatum;Leverantör;Belopp;Ansvar;Beställare;Avtal;Ordernummer
2024-01-15;Ett AB;50000;Öster;Anna;RA-R;
2024-02-15;Ett AB;30000;Väster;Bo;RA-R;
2024-03-10;Två AB;10000;Öster;Anna;RA-R;
2024-03-11;Två AB;5000;Väster;Bo;RA-R;
2024-04-01;Två AB;5000;Öster;Anna;RA-R;
2024-05-01;Tre AB;8000;Öster;Anna;RA-R;
2024-06-10;Tre AB;2000;Väster;Bo;RA-R;
2024-06-20;Tre AB;-1000;Väster;Bo;RA-R;
2024-02-01;Alfa AB;300000;;;RA-K;P-1
2024-05-01;Alfa AB;200000;;;RA-K;p-1
2024-03-01;Beta AB;100000;;;RA-K;P-1
2024-03-02;Alfa AB;60000;;;RA-K;
2024-03-03;Alfa AB;60000;;;RA-K;
2024-03-04;Beta AB;40000;;;RA-K;
2024-03-05;Beta AB;40000;;;RA-K;
2024-07-05;Beta AB;600000;;;RA-K;P-9
";

/// Runs 2024-H1 (at least five call-offs) on `register` and the export
/// above; returns the report folder.
fn run(w: &Workdir, register: &Path) -> PathBuf {
    let export = w.write("export.csv", EXPORT);
    w.run("2024-H1", register, &export)
        .args(["--min-call-offs", "5"])
        .assert()
        .success();
    w.report("2024-H1")
}

/// [`run`] on the TOML register above.
fn toml_run(w: &Workdir) -> PathBuf {
    run(w, &w.write("register.toml", REGISTER))
}

#[test]
fn rank_csv_to_the_ore() {
    let w = Workdir::new();
    let out = toml_run(&w);
    // Ett 50 000 + 30 000 = 80 000; Två 10 000 + 5 000 + 5 000 = 20 000;
    // Tre 8 000 + 2 000 − 1 000 = 9 000; total 109 000.
    // Två: 10 000 documented (Öster in March), 5 000 Väster and 5 000 in
    // April undocumented (2 call-offs). Tre: 8 000 on 2024-05-01, before
    // its deviation's start, undocumented; 2 000 − 1 000 documented.
    // skip_pct = 100 × 18 000 / 109 000 = 16.5138 > 5: imbalance. Shares
    // 80/109 = 73.3945 %, 20/109 = 18.3486 %, 9/109 = 8.2569 %.
    let period = "period,2024-01-01,2024-06-30,RA-R,Järnhandel";
    let to_date = "to_date,2024-01-01,2024-06-30,RA-R,Järnhandel";
    let mut want = Vec::new();
    for scope in [period, to_date] {
        want.push(format!(
            "{scope},556036-0793,Ett AB,1,80000.00,2,73.3945,0.00,0.00,0,16.5138,imbalance"
        ));
        want.push(format!(
            "{scope},,Två AB,2,20000.00,3,18.3486,10000.00,10000.00,2,16.5138,imbalance"
        ));
        want.push(format!(
            "{scope},,Tre AB,3,9000.00,2,8.2569,1000.00,8000.00,1,16.5138,imbalance"
        ));
    }
    assert_eq!(lines(&out.join("rank.csv")), want);
}

#[test]
fn fku_csv_and_the_key_without_it() {
    let w = Workdir::new();
    let out = toml_run(&w);
    // Alfa's P-1 (and `p-1`, the same order): 300 000 + 200 000 = 500 000,
    // the threshold met exactly, across months. Beta's P-9 (600 000) is an
    // FKU call-off too, but dated after the window: not listed.
    assert_eq!(
        lines(&out.join("fku.csv")),
        vec!["RA-K,Måleri,,Alfa AB,P-1,2024-02-01,2024-05-01,2,500000.00"]
    );
    // The key sees Alfa 60 000 + 60 000 = 120 000 and Beta 100 000 (its own
    // P-1) + 40 000 + 40 000 = 180 000: 40 % and 60 % of 300 000; deviation
    // −20 and +20. Catch-up: T = max(120 000/0.6, 180 000/0.4) = 450 000;
    // Alfa 0.6·450 000 − 120 000 = 150 000, Beta 0.
    let alloc = lines(&out.join("allocation.csv"));
    assert!(alloc.contains(&"period,2024-01-01,2024-06-30,RA-K,Måleri,,Alfa AB,60.00,120000.00,2,40.0000,-20.0000,150000.00,imbalance,imbalance".to_string()), "{alloc:#?}");
    assert!(alloc.contains(&"period,2024-01-01,2024-06-30,RA-K,Måleri,,Beta AB,40.00,180000.00,3,60.0000,20.0000,0.00,imbalance,imbalance".to_string()), "{alloc:#?}");
    // The rank agreement: no agreed share, deviation or catch-up.
    assert!(
        alloc.contains(
            &"period,2024-01-01,2024-06-30,RA-R,Järnhandel,,Två AB,,20000.00,3,18.3486,,,imbalance,imbalance"
                .to_string()
        ),
        "{alloc:#?}"
    );
    assert!(
        alloc.contains(
            &"period,2024-01-01,2024-06-30,RA-R,Järnhandel,556036-0793,Ett AB,,80000.00,2,73.3945,,,ok,imbalance"
                .to_string()
        ),
        "{alloc:#?}"
    );
    // comparison.csv: the previous window 2023-H2 lies before both
    // agreements: previous columns empty; a rank agreement has no agreed_pct.
    let cmp = lines(&out.join("comparison.csv"));
    assert!(
        cmp.contains(&"RA-R,Järnhandel,,Tre AB,,,,,8.2569,,,imbalance".to_string()),
        "{cmp:#?}"
    );
    // The ceiling counts the FKU call-offs: RA-K's rows to as_of
    // 2024-06-30 (the window's end; P-9 is later): 300 000 + 200 000 +
    // 100 000 + 60 000 + 60 000 + 40 000 + 40 000 = 800 000, 80 % of
    // 1 000 000: at the warning level.
    let ceiling = lines(&out.join("ceiling.csv"));
    assert!(
        ceiling.first().is_some_and(|l| l
            .starts_with("RA-K,Måleri,2024-01-01,2025-12-31,2024-06-30,1000000.00,,800000.00,80.0000,")
            && l.contains(",warning,")),
        "{ceiling:?}"
    );
    // FKU rows stay in the agreements: 109 000 + 1 400 000 in 16 rows.
    let recon = read(&out.join("reconciliation.csv"));
    assert!(recon.contains("in_agreements,16,1509000.00"), "{recon}");
}

/// The same register as a workbook: agreements on the first sheet, the
/// deviations on *Avsteg*.
fn write_xlsx_register(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let heads = [
        "Avtal",
        "Benämning",
        "Giltigt från",
        "Giltigt till",
        "Avropsmodell",
        "FKU-gräns (kr)",
        "Leverantör",
        "Org.nr",
        "Andel (%)",
        "Rang",
    ];
    let rows: [[&str; 10]; 5] = [
        [
            "RA-R",
            "Järnhandel",
            "2024-01-01",
            "2025-12-31",
            "Rangordning",
            "",
            "Ett AB",
            "556036-0793",
            "",
            "1",
        ],
        ["", "", "", "", "", "", "Två AB", "", "", "2"],
        ["", "", "", "", "", "", "Tre AB", "", "", "3"],
        [
            "RA-K",
            "Måleri",
            "2024-01-01",
            "2025-12-31",
            "nyckel",
            "500 000",
            "Alfa AB",
            "",
            "60",
            "",
        ],
        ["", "", "", "", "", "", "Beta AB", "", "40", ""],
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if c == 9 && !v.is_empty() {
                // Ranks as numeric cells.
                ws.write_number(r as u32 + 1, c as u16, v.parse::<f64>().expect("rank"))
                    .expect("cell");
            } else if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).expect("cell");
            }
        }
    }
    let dev = wb.add_worksheet();
    dev.set_name("Avsteg").expect("name");
    dev.write_string(0, 0, "Avvikelser från rangordningen").expect("title");
    let heads = ["Avtal", "Leverantör", "Ansvar", "Från", "Till", "Skäl", "Diarienummer"];
    for (c, h) in heads.iter().enumerate() {
        dev.write_string(2, c as u16, *h).expect("cell");
    }
    let rows = [
        [
            "ra-r",
            "Två AB",
            "Öster",
            "2024-03-01",
            "2024-03-31",
            "Rang 1 kunde inte leverera i tid",
            "SF-1",
        ],
        ["RA-R", "Tre AB", "", "2024-06-01", "", "Kapacitet", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                dev.write_string(r as u32 + 3, c as u16, *v).expect("cell");
            }
        }
    }
    wb.save(path).expect("save");
}

#[test]
fn a_spreadsheet_register_with_avsteg_gives_the_same_numbers() {
    let a = Workdir::new();
    let from_toml = toml_run(&a);
    let b = Workdir::new();
    let reg = b.path("register.xlsx");
    write_xlsx_register(&reg);
    let from_xlsx = run(&b, &reg);
    for name in [
        "allocation.csv",
        "rank.csv",
        "fku.csv",
        "comparison.csv",
        "reconciliation.csv",
    ] {
        assert_eq!(read(&from_toml.join(name)), read(&from_xlsx.join(name)), "{name}");
    }
}

#[test]
fn an_avsteg_row_for_an_unknown_agreement_is_refused() {
    let w = Workdir::new();
    let reg = w.path("register.xlsx");
    write_xlsx_register(&reg);
    // Rewrite with a deviation naming RA-X.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Avtal",
        "Benämning",
        "Giltigt från",
        "Giltigt till",
        "Avropsmodell",
        "Leverantör",
        "Andel",
        "Rang",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("cell");
    }
    for (c, v) in ["RA-R", "Järn", "2024-01-01", "2025-12-31", "rang", "Ett AB", "", "1"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *v).expect("cell");
    }
    ws.write_string(2, 5, "Två AB").expect("cell");
    ws.write_string(2, 7, "2").expect("cell");
    let dev = wb.add_worksheet();
    dev.set_name("Avsteg").expect("name");
    for (c, h) in ["Avtal", "Leverantör", "Skäl"].iter().enumerate() {
        dev.write_string(0, c as u16, *h).expect("cell");
    }
    for (c, v) in ["RA-X", "Två AB", "Kapacitet"].iter().enumerate() {
        dev.write_string(1, c as u16, *v).expect("cell");
    }
    wb.save(&reg).expect("save");
    let out = w.command(["check", "--agreements"]).arg(&reg).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("bladet Avsteg, rad 2: avtalet 'RA-X' finns inte i registret"),
        "{err}"
    );
}

#[test]
fn check_shows_the_model_ranks_and_threshold() {
    let w = Workdir::new();
    let reg = w.write("register.toml", REGISTER);
    let out = w.command(["check", "--agreements"]).arg(&reg).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).replace('\u{a0}', " ");
    assert!(text.contains("rangordning (2 avsteg)"), "{text}");
    assert!(text.contains("1. Ett AB, 2. Två AB, 3. Tre AB"), "{text}");
    assert!(text.contains("fördelningsnyckel"), "{text}");
    assert!(text.contains("60/40"), "{text}");
    assert!(text.contains("500 000,00 kr"), "{text}");
}

#[test]
fn the_reports_show_rank_orders_and_fku() {
    let w = Workdir::new();
    let out = toml_run(&w);
    let book = out.join("fordelning-2024-H1.xlsx");
    // Sammanfattning: the rank agreement with its share to rank 1 and skips.
    let overview = sheet_rows(&book, "Sammanfattning");
    assert!(has_row(&overview, &["Rangordning"]), "{overview:?}");
    let rank_row = overview
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "RA-R") && r.iter().any(|c| c == "18000"))
        .expect("RA-R rank row");
    // 80 000 / 109 000 and 18 000 / 109 000 as fractions.
    assert!(rank_row.iter().any(|c| c.starts_with("0.73394")), "{rank_row:?}");
    assert!(rank_row.iter().any(|c| c.starts_with("0.16513")), "{rank_row:?}");
    // The agreement sheet: per rank, documented and undocumented skips.
    let sheet = sheet_rows(&book, "RA-R");
    assert!(
        has_row(&sheet, &["Två AB", "2", "20000", "3", "10000", "10000", "2"]),
        "{sheet:?}"
    );
    assert!(has_row(&sheet, &["Avsteg per ansvar (perioden)"]), "{sheet:?}");
    assert!(
        has_row(&sheet, &["Öster", "73000", "10000", "1", "13000", "2"]),
        "{sheet:?}"
    );
    // The FKU sheet.
    let fku = sheet_rows(&book, "FKU");
    assert!(has_row(&fku, &["RA-K", "Alfa AB", "P-1", "2", "500000"]), "{fku:?}");
    // The forum report: the rank agreement's units and the FKU call-offs.
    let html = read(&out.join("forum-2024-H1.html"));
    assert!(
        html.contains("Ansvar med avrop från lägre rang utan dokumenterat avsteg"),
        "forum units"
    );
    assert!(
        html.contains("<td>Öster</td><td class=\"num\">2</td><td class=\"num\">13 000 kr</td>"),
        "forum Öster"
    );
    assert!(
        html.contains("Förnyad konkurrensutsättning (FKU)") && html.contains("<td>P-1</td>"),
        "forum FKU"
    );
    // A section workbook (one per unit here): what to do.
    let section = sheet_rows(&out.join("sektioner/Öster.xlsx"), "Sammanfattning");
    let text: Vec<&String> = section.iter().flatten().collect();
    assert!(
        text.iter()
            .any(|t| t.contains("dokumentera avsteget eller avropa från rang 1")),
        "{section:?}"
    );
    // The rank list: the supplier in the wide first column, the date
    // beside it (names were cut to "Verktygshuset i Ma" in column B).
    assert!(
        // Två AB's 5 000 kr of 2024-04-01 (Excel day 45383): the 10 000 kr
        // in March is the documented deviation.
        has_row(&section, &["Två AB", "45383", "2", "5000", "Öster", "Anna"]),
        "{section:?}"
    );
    let heads = section
        .iter()
        .find(|r| r.iter().any(|c| c == "Att göra"))
        .expect("rank heads");
    assert_eq!(&heads[..2], ["Leverantör", "Datum"]);
    assert!(out.join("diagram/RA-R.png").exists());
    // The overview chart shows RA-K only, and says where RA-R went.
    let svg = read(&out.join("diagram/oversikt.svg"));
    assert!(
        svg.contains("av 1 avtal med fördelningsnyckel i obalans; 1 rangordnat avtal visas separat"),
        "overview subtitle"
    );
}

/// Rule 10 revised (issue 20, point 5): a unit that buys only from the
/// under-served supplier has no excess and is not *Utanför nyckeln*.
#[test]
fn rule_10_blames_no_unit_that_helps() {
    let w = Workdir::new();
    let reg = w.write(
        "register.toml",
        "[[agreement]]\nid = \"RA-1\"\nname = \"Måleri\"\nvalid_from = 2024-01-01\nvalid_to = 2025-12-31\n  [[agreement.supplier]]\n  name = \"A AB\"\n  share = 60\n  [[agreement.supplier]]\n  name = \"B AB\"\n  share = 40\n",
    );
    // U1 sends 9 000 to A; U2 sends 1 000 to B only. A has 90 % (+30 pe,
    // over-served), B 10 %. U1's excess: 9 000 − 0.6·9 000 = 3 600. U2's:
    // B is under-served, so none (before: 1 000 − 0.4·1 000 = 600).
    let mut csv = String::from("Bokföringsdatum;Leverantör;Belopp;Ansvar;Beställare\n");
    for d in 1..=9 {
        csv.push_str(&format!("2024-02-{d:02};A AB;1000;U1;Ulla\n"));
    }
    csv.push_str("2024-03-01;B AB;1000;U2;Urban\n");
    let export = w.write("export.csv", csv);
    w.run("2024-H1", &reg, &export)
        .args(["--min-call-offs", "5"])
        .assert()
        .success();
    let out = w.report("2024-H1");
    let usage = sheet_rows(&out.join("fordelning-2024-H1.xlsx"), "Användning");
    assert!(has_row(&usage, &["U1", "9000", "0", "9000", "3600"]), "{usage:?}");
    assert!(has_row(&usage, &["U2", "0", "1000", "1000", "0"]), "{usage:?}");
    // U2's section workbook: B is behind (next call-offs: yes), and the
    // orderer who sent work only to B is within the key.
    let section = sheet_rows(&out.join("sektioner/U2.xlsx"), "Sammanfattning");
    assert!(has_row(&section, &["B AB", "Ja – ligger efter nyckeln"]), "{section:?}");
    assert!(
        has_row(&section, &["Enhetens överskott utöver nyckeln", "0"]),
        "{section:?}"
    );
    assert!(has_row(&section, &["Urban", "OK"]), "{section:?}");
    assert!(!section.iter().flatten().any(|c| c == "Utanför nyckeln"), "{section:?}");
    let section = sheet_rows(&out.join("sektioner/U1.xlsx"), "Sammanfattning");
    assert!(has_row(&section, &["Ulla", "Utanför nyckeln"]), "{section:?}");
}

#[test]
fn a_csv_register_of_rank_orders_needs_no_share_column() {
    let w = Workdir::new();
    let reg = w.write(
        "register.csv",
        "Avtalsregister\n\nAvtal;Benämning;Giltigt från;Giltigt till;Avropsmodell;Leverantör;Rang;FKU-gräns (kr)\nRA-R;Järnhandel;2024-01-01;2025-12-31;Rangordning;Ett AB;1;250 000\n;;;;;Två AB;2;\n",
    );
    let out = w.command(["check", "--agreements"]).arg(&reg).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).replace('\u{a0}', " ");
    assert!(
        text.contains("rangordning") && text.contains("1. Ett AB, 2. Två AB"),
        "{text}"
    );
    assert!(text.contains("250 000,00 kr"), "{text}");
    // Ranks 1 and 3: refused, naming the rows.
    w.write(
        "register.csv",
        "Avtal;Benämning;Giltigt från;Giltigt till;Avropsmodell;Leverantör;Rang\nRA-R;Järnhandel;2024-01-01;2025-12-31;rang;Ett AB;1\n;;;;;Två AB;3\n",
    );
    let out = w.command(["check", "--agreements"]).arg(&reg).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains(
            "avtal RA-R (rad 2–3): rangerna är 1, 3 – en rangordning med 2 leverantörer har rang 1 till 2, en var"
        ),
        "{err}"
    );
}

/// Review of the rendered workbook: the rank agreement's row in
/// *Sammanfattning*'s main table shows its basis and its undocumented
/// skips in the deviation column, as "avsteg 16,5 %" (the forum's words).
#[test]
fn sammanfattning_shows_the_rank_skips_in_the_deviation_column() {
    use calamine::{Data, Reader};
    let w = Workdir::new();
    let out = toml_run(&w);
    let book = out.join("fordelning-2024-H1.xlsx");
    let mut wb = workbook(&book);
    let range = wb.worksheet_range("Sammanfattning").expect("sheet");
    let styles = wb.worksheet_style("Sammanfattning").expect("styles");
    // The main table's RA-R row: the first with RA-R in column A.
    let r = (0..range.height() as u32)
        .find(|&i| matches!(range.get_value((i, 0)), Some(Data::String(s)) if s == "RA-R"))
        .expect("RA-R row");
    assert_eq!(range.get_value((r, 2)), Some(&Data::String("belopp".into())));
    // Undocumented skips 18 000 of 109 000 kr = 16,51 %, in the period
    // (column G) and, with the same call-offs, to date (column J).
    for col in [6, 9] {
        match range.get_value((r, col)) {
            Some(Data::Float(v)) => assert!((v - 1_800_000.0 / 109_000.0).abs() < 1e-9, "{col}: {v}"),
            other => panic!("column {col}: {other:?}"),
        }
        let code = styles
            .get((r, col))
            .and_then(|s| s.number_format.as_ref())
            .map(|n| n.format_code.clone())
            .unwrap_or_default();
        assert_eq!(code, r#""avsteg "0.0" %""#, "column {col}");
    }
}
