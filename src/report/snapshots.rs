//! Every writer's output on the hand-built analysis of [`super::testing`]
//! (its register and rows are there): the contract CSVs byte for byte, the
//! terminal text whole, the forum report's key parts and the workbooks'
//! cells read back with calamine.
//!
//! The example's figures, worked by hand (window 2024-H1):
//! - RA-K (key 60/40) counts Alfa 1 000 + 2 000 = 3 000 (2 call-offs) and
//!   Beta 1 000 (1); Beta's 4 000 on order P-1 reaches the FKU threshold of
//!   3 000 and counts for the ceiling only (rule 14). Alfa 3 000 / 4 000 =
//!   75 %, +15 pe; Beta 25 %, −15 pe: imbalance. Beta's catch-up: Alfa's
//!   3 000 is 60 % of 5 000, so Beta needs 2 000 − 1 000 = 1 000.
//! - Rule 10: U1 sent its 3 000 to Alfa: 3 000 − 0,6 × 3 000 = 1 200 over
//!   the key; U2 sent only to Beta (behind): none.
//! - Rule 11: used 3 000 + 1 000 + 4 000 = 8 000 of 10 000 = 80 % ≥ the
//!   warning level 80 %. As of the latest date 2024-05-02: 123 of the
//!   agreement's 731 days = 16,8263 %; pace 8 000 / 123 × 30,4375 = 1 979,67
//!   a month; the 2 000 left take ⌈2 000 × 123 / 8 000⌉ = 31 days: 2024-06-02.
//! - RA-R (rank): 500 to rank 1, 500 to rank 2 without a deviation: 50 %
//!   undocumented skips (rule 13), imbalance.
//! - Rule 15, account 4410: through RA-K 8 000 (the FKU row too), beside it
//!   Annan AB's 300: 8 000 / 8 300 = 96,3855 %.
//! - Read 8 rows, 1 000 + 2 000 + 1 000 + 4 000 + 500 + 500 + 300 + 100 =
//!   9 400; in agreements 6 rows, 9 000; outside 1 row, 300; RA-9 unknown:
//!   1 row, 100 (data row 8 is line 9 after the header).

use super::testing::Analysis;
use super::{Context, ReportWriter};
use crate::lang::Lang;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::Path;

/// Runs one writer into a fresh folder.
fn written(writer: &dyn ReportWriter, ctx: &Context) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    writer.write(ctx, dir.path()).expect("written");
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A sheet's rows, every cell as text: numbers as `{}` writes them, dates
/// as `YYYY-MM-DD`, empty cells as "" (trailing ones dropped).
fn cells(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = wb.worksheet_range(sheet).unwrap_or_else(|e| panic!("{sheet}: {e}"));
    range
        .rows()
        .map(|r| {
            let mut row: Vec<String> = r
                .iter()
                .map(|c| match c {
                    Data::DateTime(d) => excel_day(d.as_f64()),
                    other => other.to_string(),
                })
                .collect();
            while row.last().is_some_and(String::is_empty) {
                row.pop();
            }
            row
        })
        .collect()
}

/// An Excel serial day as `YYYY-MM-DD` (day 0 is 1899-12-30).
fn excel_day(serial: f64) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
    (epoch + chrono::Duration::days(serial as i64)).to_string()
}

/// Whether `rows` holds `want` as a row, cell for cell.
fn has(rows: &[Vec<String>], want: &[&str]) -> bool {
    rows.iter()
        .any(|r| r.iter().map(String::as_str).eq(want.iter().copied()))
}

/// An HTML page as its text, each element's text between `|` (the style
/// sheet left out).
fn text_of(html: &str) -> String {
    let html = match (html.find("<style>"), html.find("</style>")) {
        (Some(from), Some(to)) => format!("{}{}", &html[..from], &html[to..]),
        _ => html.to_string(),
    };
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        out.push('|');
        let Some(end) = rest[at..].find('>') else { break };
        rest = &rest[at + end + 1..];
    }
    let mut text = out.replace("&amp;", "&").replace("&#39;", "'");
    while text.contains("||") {
        text = text.replace("||", "|");
    }
    text
}

const ALLOCATION: &str = "\
scope,period_start,period_end,agreement_id,agreement_name,supplier_org_nr,supplier_name,agreed_pct,amount,call_offs,actual_pct,deviation_pp,catch_up,status,agreement_status
period,2024-01-01,2024-06-30,RA-K,Måleri,556036-0793,Alfa AB,60.00,3000.00,2,75.0000,15.0000,0.00,imbalance,imbalance
period,2024-01-01,2024-06-30,RA-K,Måleri,,Beta AB,40.00,1000.00,1,25.0000,-15.0000,1000.00,imbalance,imbalance
period,2024-01-01,2024-06-30,RA-R,Järn,,Ett AB,,500.00,1,50.0000,,,ok,imbalance
period,2024-01-01,2024-06-30,RA-R,Järn,,Två AB,,500.00,1,50.0000,,,imbalance,imbalance
to_date,2024-01-01,2024-06-30,RA-K,Måleri,556036-0793,Alfa AB,60.00,3000.00,2,75.0000,15.0000,0.00,imbalance,imbalance
to_date,2024-01-01,2024-06-30,RA-K,Måleri,,Beta AB,40.00,1000.00,1,25.0000,-15.0000,1000.00,imbalance,imbalance
to_date,2024-01-01,2024-06-30,RA-R,Järn,,Ett AB,,500.00,1,50.0000,,,ok,imbalance
to_date,2024-01-01,2024-06-30,RA-R,Järn,,Två AB,,500.00,1,50.0000,,,imbalance,imbalance
";

const RECONCILIATION: &str = "\
category,rows,amount
read,8,9400.00
in_agreements,6,9000.00
outside_agreements,1,300.00
rejected,0,0.00
total_row,0,0.00
duplicate,0,0.00
unknown_agreement,1,100.00
ambiguous_agreement,0,0.00
supplier_outside_agreement,0,0.00
outside_validity,0,0.00
";

const CEILING: &str = "\
agreement_id,agreement_name,valid_from,valid_to,as_of,ceiling_sek,estimated_sek,used,used_pct,elapsed_pct,rate_per_month,forecast_date,reached_on,after_reached_rows,after_reached_amount,status,shared_ceiling
RA-K,Måleri,2024-01-01,2025-12-31,2024-05-02,10000.00,,8000.00,80.0000,16.8263,1979.67,2024-06-02,,0,0.00,warning,false
";

// The previous window 2023-H2 is before both agreements: no figures then.
const COMPARISON: &str = "\
agreement_id,agreement_name,supplier_org_nr,supplier_name,agreed_pct,previous_period_start,previous_period_end,previous_actual_pct,actual_pct,change_pp,previous_agreement_status,agreement_status
RA-K,Måleri,556036-0793,Alfa AB,60.00,,,,75.0000,,,imbalance
RA-K,Måleri,,Beta AB,40.00,,,,25.0000,,,imbalance
RA-R,Järn,,Ett AB,,,,,50.0000,,,imbalance
RA-R,Järn,,Två AB,,,,,50.0000,,,imbalance
";

#[test]
fn the_contract_csvs_to_the_byte() {
    let built = Analysis::builder().build();
    let ctx = built.ctx();
    let dir = written(&super::csv::CsvReport, &ctx);
    let dir = dir.path();
    assert_eq!(read(dir, "allocation.csv"), ALLOCATION);
    assert_eq!(read(dir, "reconciliation.csv"), RECONCILIATION);
    assert_eq!(read(dir, "ceiling.csv"), CEILING);
    assert_eq!(read(dir, "comparison.csv"), COMPARISON);
    assert_eq!(
        read(dir, "data_quality.csv"),
        "file,row,category,detail,amount\n\
         export.csv,9,unknown_agreement,avtalet 'RA-9' finns inte i avtalsregistret,100.00\n"
    );
}

#[test]
fn rank_and_fku_csvs_to_the_byte() {
    let built = Analysis::builder().build();
    let dir = written(&super::rank_csv::RankCsvReport, &built.ctx());
    let dir = dir.path();
    assert_eq!(
        read(dir, "rank.csv"),
        "\
scope,period_start,period_end,agreement_id,agreement_name,supplier_org_nr,supplier_name,rank,amount,call_offs,actual_pct,documented_amount,undocumented_amount,undocumented_call_offs,skip_pct,agreement_status
period,2024-01-01,2024-06-30,RA-R,Järn,,Ett AB,1,500.00,1,50.0000,0.00,0.00,0,50.0000,imbalance
period,2024-01-01,2024-06-30,RA-R,Järn,,Två AB,2,500.00,1,50.0000,0.00,500.00,1,50.0000,imbalance
to_date,2024-01-01,2024-06-30,RA-R,Järn,,Ett AB,1,500.00,1,50.0000,0.00,0.00,0,50.0000,imbalance
to_date,2024-01-01,2024-06-30,RA-R,Järn,,Två AB,2,500.00,1,50.0000,0.00,500.00,1,50.0000,imbalance
"
    );
    assert_eq!(
        read(dir, "fku.csv"),
        "\
agreement_id,agreement_name,supplier_org_nr,supplier_name,order,first_date,last_date,rows,amount
RA-K,Måleri,,Beta AB,P-1,2024-04-10,2024-04-10,1,4000.00
"
    );
}

#[test]
fn compliance_and_beside_csvs_to_the_byte() {
    let built = Analysis::builder().build();
    let dir = written(&super::compliance_csv::ComplianceCsv, &built.ctx());
    let dir = dir.path();
    assert_eq!(
        read(dir, "compliance.csv"),
        "\
account,agreement_ids,in_agreements,beside,compliance_pct,beside_suppliers,over_limit_suppliers
4410,RA-K,8000.00,300.00,96.3855,1,0
"
    );
    // Annan AB's 300 in 2024, under the 700 000 kr limit.
    assert_eq!(
        read(dir, "beside.csv"),
        "\
account,agreement_ids,supplier_org_nr,supplier_name,rows,amount,year,year_amount,over_direct_award_limit
4410,RA-K,,Annan AB,1,300.00,2024,300.00,false
"
    );
}

#[test]
fn the_csvs_in_english_differ_only_in_the_details() {
    let built = Analysis::builder().lang(Lang::En).build();
    let dir = written(&super::csv::CsvReport, &built.ctx());
    let dir = dir.path();
    assert_eq!(read(dir, "allocation.csv"), ALLOCATION);
    assert_eq!(read(dir, "reconciliation.csv"), RECONCILIATION);
    assert_eq!(
        read(dir, "data_quality.csv"),
        "file,row,category,detail,amount\n\
         export.csv,9,unknown_agreement,agreement 'RA-9' is not in the register,100.00\n"
    );
}

const TERMINAL: &str = "
Period 2024-H1 (2024-01-01 – 2024-06-30)
avtal  benämning  perioden  största avvikelse  hittills  största avvikelse
RA-K   Måleri     obalans   +15,0 pe           obalans   +15,0 pe
RA-R   Järn       obalans   avsteg 50,0 %      obalans   avsteg 50,0 %
2 av 2 avtal i obalans under perioden.
Jämfört med 2023-H2: nya obalanser 2, åtgärdade 0.

Rangordning:
  RA-R Järn: 50,0 % till rang 1, odokumenterade avsteg 50,0 % (500,00 kr) – obalans

FKU: 1 avrop på 4\u{a0}000,00 kr gick till förnyad konkurrensutsättning; de räknas mot takvolymen men inte mot nyckeln eller rangordningen (fku.csv).

Takvolym (t.o.m. 2024-05-02): 1 av 1 avtal med takvolym behöver uppmärksamhet.
  RA-K Måleri: 80,0 % av takvolymen använd (varningsnivå 80 %), 16,8 % av avtalstiden har gått

Avtalstrohet per konto (andel av kontots köp som gått genom avtalen):
  4410 (RA-K): 96,4 % – 8\u{a0}000,00 kr genom avtal, 300,00 kr vid sidan av
0 leverantörer vid sidan av avtalen över direktupphandlingsgränsen 700\u{a0}000,00 kr under 2024 (se bladet Avtalstrohet).

Avstämning (varje läst rad hamnar på exakt en rad):
  Lästa rader                          8 rader              9\u{a0}400,00 kr
  Räknade i avtal                      6 rader              9\u{a0}000,00 kr
  Köp utanför avtalen                  1 rader                300,00 kr
  Oläsbar rad                          0 rader                  0,00 kr
  Summeringsrad                        0 rader                  0,00 kr
  Dubblett                             0 rader                  0,00 kr
  Okänt avtal                          1 rader                100,00 kr
  Tvetydigt avtal                      0 rader                  0,00 kr
  Leverantör utanför avtalet           0 rader                  0,00 kr
  Utanför avtalets giltighet           0 rader                  0,00 kr
  kontroll: lästa = i avtal + utanför avtalen + datakvalitetens kategorier: stämmer
";

#[test]
fn the_terminal_summary_whole() {
    let built = Analysis::builder().build();
    assert_eq!(super::terminal::summary(&built.ctx()), TERMINAL);
}

#[test]
fn the_forum_report_key_parts() {
    let built = Analysis::builder().build();
    let html = super::html::page(&built.ctx()).expect("page");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    let text = text_of(&html);
    for part in [
        "|Ramavtalens fördelning – 2024-H1|Perioden 2024-H1 (2024-01-01 – 2024-06-30), jämfört med 2023-H2. Data till och med 2024-05-02.|",
        "|Måleri: Alfa AB fick 75,0 % mot avtalade 60 %; Beta AB behöver 1 000 kr för att nyckeln ska återställas|",
        "|RA-K|Måleri|Obalans|+15,0 pe|gällde inte|Ny obalans|Nära taket (80,0 %)|",
        "|RA-R|Järn|Obalans|avsteg 50,0 %|gällde inte|Ny obalans|",
        "|Alfa AB|60,0 %|75,0 %|+15,0 pe|0 kr|0 kr|Beta AB|40,0 %|25,0 %|-15,0 pe|1 000 kr|1 000 kr|",
        "|U1|3 000 kr|1 200 kr|",
        "|1|Ett AB|50,0 %|0 kr|0 kr|2|Två AB|50,0 %|0 kr|500 kr|",
        "|RA-K Måleri|Beta AB|P-1|2024-04-10|2024-04-10|4 000 kr|",
        "|RA-K Måleri|10 000 kr|8 000 kr (80,0 %)|16,8 %|2024-06-02|Nära taket|",
        "|4410|RA-K|8 000 kr|300 kr|96,4 %|0|",
        "|Lästa rader|8|9 400,00 kr|Räknade i avtal|6|9 000,00 kr|Köp utanför avtalen|1|300,00 kr|",
        "|Okänt avtal|1|100,00 kr|",
        "|Lästa filer (1)|export.csv (8)|",
    ] {
        let part = part.replace(' ', "\u{a0}");
        let flat = text.replace(' ', "\u{a0}");
        assert!(flat.contains(&part), "{part:?} not in\n{text}");
    }
}

/// The main workbook of the example, in its folder.
fn workbook() -> (tempfile::TempDir, std::path::PathBuf) {
    let built = Analysis::builder().build();
    let dir = written(&super::xlsx::WorkbookReport, &built.ctx());
    let book = dir.path().join("fordelning-2024-H1.xlsx");
    (dir, book)
}

#[test]
fn the_workbook_sheets_and_its_overview() {
    let (_dir, book) = workbook();
    let wb: Xlsx<_> = open_workbook(&book).expect("workbook");
    assert_eq!(
        wb.sheet_names(),
        [
            "Sammanfattning",
            "Obalanser",
            "RA-K",
            "RA-R",
            "FKU",
            "Takvolym",
            "Avtalstrohet",
            "Användning",
            "Datakvalitet",
            "Datakvalitet, rader"
        ]
    );
    let overview = cells(&book, "Sammanfattning");
    for row in [
        &["Senaste datum i data", "2024-05-02"][..],
        &["Skapad", "2024-07-01 08:00"],
        // RA-K: 3 000 + 1 000 in 3 call-offs (the FKU row apart), +15 pe.
        &[
            "RA-K",
            "Måleri",
            "belopp",
            "4000",
            "3",
            "2",
            "15",
            "Obalans",
            "Obalans",
            "15",
            "",
            "",
            "Ny obalans",
            "Nära taket (80,0 %)",
        ],
        &[
            "RA-R",
            "Järn",
            "belopp",
            "1000",
            "2",
            "2",
            "50",
            "Obalans",
            "Obalans",
            "50",
            "",
            "",
            "Ny obalans",
        ],
        &["RA-R", "Järn", "0.5", "0.5", "500", "Obalans", "0.5"],
        &["4410", "8000", "300", &(8000.0 / 8300.0).to_string(), "1", "0", "RA-K"],
    ] {
        assert!(has(&overview, row), "{row:?} not in {overview:?}");
    }
}

#[test]
fn the_workbook_agreement_fku_and_usage_sheets() {
    let (_dir, book) = workbook();
    let ra_k = cells(&book, "RA-K");
    assert!(has(
        &ra_k,
        &[
            "Alfa AB",
            "556036-0793",
            "0.6",
            "0.75",
            "15",
            "3000",
            "2",
            "0",
            "Obalans"
        ]
    ));
    assert!(has(
        &ra_k,
        &["Beta AB", "", "0.4", "0.25", "-15", "1000", "1", "1000", "Obalans"]
    ));
    assert!(has(&ra_k, &["Totalt", "", "", "", "", "4000", "3", "", "Obalans"]));
    let ra_r = cells(&book, "RA-R");
    assert!(
        has(&ra_r, &["Två AB", "2", "500", "1", "0.5", "0", "500", "1"]),
        "{ra_r:?}"
    );
    assert!(has(&ra_r, &["U2", "500", "0", "0", "500", "1"]), "{ra_r:?}");
    let fku = cells(&book, "FKU");
    assert!(has(
        &fku,
        &[
            "RA-K",
            "Måleri",
            "Beta AB",
            "P-1",
            "2024-04-10",
            "2024-04-10",
            "1",
            "4000",
            "3000"
        ]
    ));
    let usage = cells(&book, "Användning");
    assert!(has(&usage, &["U1", "3000", "0", "3000", "1200"]), "{usage:?}");
    assert!(has(&usage, &["U2", "0", "1000", "1000", "0"]), "{usage:?}");
}

#[test]
fn the_workbook_ceiling_compliance_and_quality_sheets() {
    let (_dir, book) = workbook();
    let ceiling = cells(&book, "Takvolym");
    let row = ceiling
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "RA-K"))
        .expect("RA-K");
    let number = |i: usize| row[i].parse::<f64>().unwrap_or_else(|e| panic!("{row:?} {i}: {e}"));
    assert_eq!(row[..6], ["RA-K", "Måleri", "10000", "", "8000", "0.8"]);
    // Elapsed 123 / 731; used ÷ time 80 / 16,8263 = 4,7545; pace 1 979,67.
    assert!((number(6) - 123.0 / 731.0).abs() < 1e-9, "{row:?}");
    assert!((number(7) - 0.8 / (123.0 / 731.0)).abs() < 1e-9, "{row:?}");
    assert!((number(8) - 8000.0 / 123.0 * 30.4375).abs() < 1e-9, "{row:?}");
    assert_eq!(row[9..], ["2024-06-02", "", "0", "0", "Nära taket"]);
    let beside = cells(&book, "Avtalstrohet");
    assert!(has(
        &beside,
        &[
            "",
            "",
            "Annan AB",
            "4410",
            "1",
            "300",
            "300",
            "RA-K",
            "U2 (300 kr)",
            "Bo (300 kr)"
        ]
    ));
    let quality = cells(&book, "Datakvalitet");
    assert!(has(&quality, &["Lästa rader", "8", "9400"]));
    assert!(has(&quality, &["Okänt avtal", "1", "100"]));
    assert!(has(
        &quality,
        &["Kontroll: lästa − summan av delarna", "0", "0", "Stämmer"]
    ));
    let rows = cells(&book, "Datakvalitet, rader");
    assert!(has(
        &rows,
        &[
            "export.csv",
            "9",
            "Okänt avtal",
            "avtalet 'RA-9' finns inte i avtalsregistret",
            "100"
        ]
    ));
}

#[test]
fn the_section_workbooks_read_back() {
    let built = Analysis::builder().build();
    let dir = written(&super::sections::SectionReport, &built.ctx());
    let u2 = dir.path().join("sektioner/U2.xlsx");
    let wb: Xlsx<_> = open_workbook(&u2).expect("workbook");
    assert_eq!(wb.sheet_names(), ["Sammanfattning", "Avrop", "Vid sidan av avtalen"]);
    let summary = cells(&u2, "Sammanfattning");
    // U2 sent 1 000 to Beta only: 100 % of its own, 60 pe over Beta's 40.
    assert!(has(
        &summary,
        &[
            "Beta AB",
            "0.4",
            "1000",
            "1",
            "1",
            "60",
            "0.25",
            "Ja – ligger efter nyckeln"
        ]
    ));
    assert!(has(&summary, &["Bo", "1000", "0", "1000", "0", "OK"]));
    assert!(has(
        &summary,
        &[
            "Två AB",
            "2024-03-01",
            "2",
            "500",
            "U2",
            "Bo",
            "dokumentera avsteget eller avropa från rang 1"
        ]
    ));
    let calls = cells(&u2, "Avrop");
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(has(&calls, &["2024-03-10", "RA-K", "Beta AB", "1000", "U2", "Bo"]));
    let beside = cells(&u2, "Vid sidan av avtalen");
    assert!(has(
        &beside,
        &["2024-05-01", "4410", "Annan AB", "", "300", "U2", "Bo", "", "RA-K"]
    ));
}

#[test]
fn a_window_with_fewer_call_offs_than_the_minimum_is_insufficient() {
    // 2024-Q1: RA-K has Alfa 1 000 + 2 000 and Beta 1 000, three call-offs,
    // under the minimum of 5; RA-R has two.
    let built = Analysis::builder().window("2024-Q1").min_call_offs(5).build();
    let dir = written(&super::csv::CsvReport, &built.ctx());
    let allocation = read(dir.path(), "allocation.csv");
    assert!(
        allocation.contains(
            "period,2024-01-01,2024-03-31,RA-K,Måleri,556036-0793,Alfa AB,60.00,3000.00,2,75.0000,15.0000,0.00,insufficient,insufficient\n"
        ),
        "{allocation}"
    );
}

#[test]
fn a_supplier_beside_over_the_limit_is_marked() {
    // Annan AB's 300 in 2024 is over a limit of 299 kr, not over 300.
    for (limit, over) in [(299, "true"), (300, "false")] {
        let built = Analysis::builder().direct_award_limit_sek(limit).build();
        let dir = written(&super::compliance_csv::ComplianceCsv, &built.ctx());
        assert!(
            read(dir.path(), "beside.csv").ends_with(&format!("4410,RA-K,,Annan AB,1,300.00,2024,300.00,{over}\n")),
            "{limit}"
        );
    }
}

#[test]
fn without_accounts_and_rows_beside_compliance_is_its_header() {
    let register = super::testing::REGISTER.replace("accounts = [\"4410\"]\n", "");
    let rows = &super::testing::ROWS[..4];
    let built = Analysis::builder()
        .register(&register)
        .rows(super::testing::HEADER, rows)
        .build();
    let dir = written(&super::compliance_csv::ComplianceCsv, &built.ctx());
    assert_eq!(
        read(dir.path(), "compliance.csv"),
        "account,agreement_ids,in_agreements,beside,compliance_pct,beside_suppliers,over_limit_suppliers\n"
    );
}

/// U2's mail draft: its own split under RA-K (all to Beta, behind the key)
/// and its undocumented skip under RA-R.
const U2_DRAFT: &str = "Hej,

här kommer uppföljningen av ramavtalens fördelningsnycklar för U2,
perioden 2024-H1 (2024-01-01 – 2024-06-30).

Ramavtal i obalans som sektionen har avropat från:

- RA-K Måleri (fördelning efter belopp)
  Sektionens andel under perioden: Alfa AB 0,0\u{a0}% (nyckeln 60\u{a0}%), Beta AB
  100,0\u{a0}% (nyckeln 40\u{a0}%).
  Ansvar: U2.
  Nästa avrop bör gå till Beta AB (ligger efter nyckeln under avtalet
  hittills).

- RA-R Järn (rangordning)
  Sektionens avrop under perioden: rang 1 (Ett AB) 0,0\u{a0}%, rang 2 (Två
  AB) 100,0\u{a0}%.
  1 avrop från lägre rang utan dokumenterat avsteg under perioden
  (500,00\u{a0}kr): dokumentera avsteget eller avropa från rang 1.
  Ansvar: U2.

Sektionen ombeds se till att nästa avrop går till de leverantörer som
ligger efter nyckeln, tills fördelningen är återställd. Under en
rangordning avropar sektionen från rang 1 och dokumenterar varje avsteg
i en tjänsteanteckning.

Hela listan, avrop för avrop, finns i den bifogade arbetsboken U2.xlsx.

Med vänlig hälsning
";

#[test]
fn a_section_draft_body_whole() {
    let built = Analysis::builder().build();
    let ctx = built.ctx();
    let by_section = super::drafts::ceilings_by_section(&ctx);
    let groups = super::sections::groups(&ctx);
    let u2 = groups.iter().find(|g| g.name == "U2").expect("U2");
    let own = super::drafts::ceilings_of(&ctx, &by_section, u2);
    assert_eq!(super::drafts::body(&ctx, u2, "U2.xlsx", &own), U2_DRAFT);
}

#[test]
fn a_draft_names_its_ceilings_and_keeps_the_file_name_whole() {
    let built = Analysis::builder().build();
    let ctx = built.ctx();
    let groups = super::sections::groups(&ctx);
    let u1 = groups.iter().find(|g| g.name == "U1").expect("U1");
    let all: Vec<_> = ctx.ceilings.iter().collect();
    let body = super::drafts::body(&ctx, u1, "U1 2024.xlsx", &all);
    // RA-K: 8 000 of 10 000 used, at the warning level.
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "Takvolym som är nådd eller nära (avtal som sektionen har avropat från): \
             - RA-K Måleri: Nära taket – 80,0 % av takvolymen (10 000,00 kr) är använd."
        ),
        "{body}"
    );
    // U1 sent only to Alfa: 100 % of its own against the key's 60.
    assert!(
        flat.contains("Alfa AB 100,0 % (nyckeln 60 %), Beta AB 0,0 % (nyckeln 40 %)"),
        "{body}"
    );
    // The attachment's name is one word: never broken at its space.
    assert!(body.contains("arbetsboken\nU1\u{a0}2024.xlsx.\n"), "{body}");
    assert!(body.lines().all(|l| l.chars().count() <= 72), "{body}");
}

/// The texts of an SVG chart, in order.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
        .collect()
}

#[test]
fn the_charts_and_their_texts() {
    let built = Analysis::builder().build();
    let dir = written(&super::charts::ChartReport, &built.ctx());
    let charts = dir.path().join("diagram");
    let mut names: Vec<String> = std::fs::read_dir(&charts)
        .expect("diagram")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "RA-K-takvolym.png",
            "RA-K-takvolym.svg",
            "RA-K-trend.png",
            "RA-K-trend.svg",
            "RA-K.png",
            "RA-K.svg",
            "RA-R-trend.png",
            "RA-R-trend.svg",
            "RA-R.png",
            "RA-R.svg",
            "oversikt.png",
            "oversikt.svg"
        ]
    );
    assert_eq!(
        svg_texts(&charts.join("RA-K.svg")),
        [
            "RA-K Måleri",
            "Period 2024-H1 · 4\u{a0}000,00 kr · Status: Obalans",
            "Tolerans ± 5,0 pe",
            "Avtalad andel",
            "Faktisk andel (leverantörens färg)",
            "Utanför toleransen",
            "0 %",
            "20 %",
            "40 %",
            "60 %",
            "80 %",
            "60,0 %",
            "75,0 %",
            "Alfa AB",
            "40,0 %",
            "25,0 %",
            "Beta AB"
        ]
    );
    let rank = svg_texts(&charts.join("RA-R.svg"));
    assert_eq!(
        rank[..2],
        [
            "RA-R Järn",
            "Period 2024-H1 · odokumenterade avsteg 50,0 % (tolerans 5 %) · Status: Obalans"
        ]
    );
    let ceiling = svg_texts(&charts.join("RA-K-takvolym.svg"));
    assert_eq!(
        ceiling[..2],
        [
            "RA-K Måleri – takvolym",
            "använt 80,0 % · avtalstid som gått 16,8 % · Nära taket"
        ]
    );
    assert_eq!(ceiling.last().map(String::as_str), Some("nås 2024-06-02"));
    let overview = svg_texts(&charts.join("oversikt.svg"));
    assert_eq!(overview.last().map(String::as_str), Some("RA-K Måleri"));
    assert!(overview.contains(&"+15,0 pe".to_string()), "{overview:?}");
}

const ENGLISH_SHEETS: [&str; 10] = [
    "Overview",
    "Imbalances",
    "RA-K",
    "RA-R",
    "Renewed competition",
    "Ceiling",
    "Compliance",
    "Usage",
    "Data quality",
    "Data quality, rows",
];

const TERMINAL_EN: &str = "
Window 2024-H1 (2024-01-01 – 2024-06-30)
agreement  name    period     largest dev  to date    largest dev
RA-K       Måleri  imbalance  +15.0 pp     imbalance  +15.0 pp
RA-R       Järn    imbalance  skips 50.0%  imbalance  skips 50.0%
2 of 2 agreement(s) out of balance in the window.
Compared with 2023-H2: new imbalances 2, resolved 0.

Rank order:
  RA-R Järn: 50.0% to rank 1, undocumented skips 50.0% (500.00 SEK) – imbalance

FKU: 1 call-off(s) worth 4,000.00 SEK went to renewed competition; they count against the ceiling but not toward the key or rank order (fku.csv).

Ceilings (as of 2024-05-02): 1 of 1 agreement(s) with a ceiling need attention.
  RA-K Måleri: 80.0% of the ceiling used (warning level 80%), 16.8% of the agreement's time elapsed

Contract compliance per account (share of the account's spend through the agreements):
  4410 (RA-K): 96.4% – 8,000.00 SEK through agreements, 300.00 SEK beside them
0 supplier(s) beside the agreements over the direct-award limit of 700,000.00 SEK in 2024 (see the sheet Compliance).

Reconciliation (every row read lands in exactly one line):
  read                                 8 rows              9,400.00 SEK
  in_agreements                        6 rows              9,000.00 SEK
  outside_agreements                   1 rows                300.00 SEK
  rejected                             0 rows                  0.00 SEK
  total_row                            0 rows                  0.00 SEK
  duplicate                            0 rows                  0.00 SEK
  unknown_agreement                    1 rows                100.00 SEK
  ambiguous_agreement                  0 rows                  0.00 SEK
  supplier_outside_agreement           0 rows                  0.00 SEK
  outside_validity                     0 rows                  0.00 SEK
  check: read = in_agreements + outside_agreements + data-quality categories: adds up
";

#[test]
fn the_reports_in_english() {
    let built = Analysis::builder().lang(Lang::En).build();
    let ctx = built.ctx();
    assert_eq!(super::terminal::summary(&ctx), TERMINAL_EN);
    let text = text_of(&super::html::page(&ctx).expect("page"));
    for part in [
        "|Managers' forum – framework agreements 2024-H1|",
        "|The framework agreements' split – 2024-H1|",
        "|RA-K|Måleri|Imbalance|+15.0 pp|",
        "|Alfa AB|60.0%|75.0%|+15.0 pp|",
    ] {
        assert!(text.contains(part), "{part:?} not in\n{text}");
    }
    let dir = written(&super::xlsx::WorkbookReport, &ctx);
    let wb: Xlsx<_> = open_workbook(dir.path().join("fordelning-2024-H1.xlsx")).expect("workbook");
    assert_eq!(wb.sheet_names(), ENGLISH_SHEETS);
}
