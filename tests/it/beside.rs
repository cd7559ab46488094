//! Rule 15 end to end: `compliance.csv` and `beside.csv` to the öre, the
//! direct-award limit from the flag, the config and the default.

use crate::common::{sheet_rows, Workdir};
use std::path::PathBuf;

const REGISTER: &str = r#"
[[agreement]]
id = "RA-A"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2026-12-31
accounts = ["4410", "4411"]
  [[agreement.supplier]]
  name = "Måleri AB"
  org_nr = "556101-1171"
  share = 100
[[agreement]]
id = "RA-B"
name = "El"
valid_from = 2023-01-01
valid_to = 2025-03-31
accounts = ["4411", "4412"]
  [[agreement.supplier]]
  name = "El AB"
  org_nr = "556402-2662"
  share = 100
"#;

const EXPORT: &str = "\
Bokföringsdatum;Leverantör;Leverantörens org.nr;Ansvar;Beställare;Konto;Belopp exkl moms
2025-02-10;Måleri AB;556101-1171;U1;P1;4410 Reparationer;1000,00
2025-02-11;El AB;556402-2662;U1;P1;4411;3000,00
2025-03-01;Fasad AB;556214-3023;U2;P2;4411;1000,00
2025-05-01;Fasad Aktiebolag;;U2;P3;4411;500,00
2025-05-02;Namnlös Bygg;;U3;P3;4410;200,00
2025-04-15;Namnlös Bygg;;U3;;4410;-50,00
2025-05-03;Annan AB;;U1;;5000;999,00
2025-06-01;Måleri AB;556101-1171;U1;;4411;-200,00
2025-05-05;El AB;556402-2662;U1;;4411;400,00
2025-03-15;Kabel AB;;U1;;4412;300,00
2025-05-06;Kabel AB;;U1;;4412;800,00
2024-12-30;Fasad AB;556214-3023;U2;P2;4411;7000,00
";

/// Writes the register and export above; returns their paths.
fn inputs(w: &Workdir) -> (PathBuf, PathBuf) {
    (w.write("register.toml", REGISTER), w.write("export.csv", EXPORT))
}

/// Runs 2025-H1 on the register and export above with `extra` arguments;
/// returns (compliance.csv, beside.csv).
fn run(w: &Workdir, extra: &[&str]) -> (String, String) {
    let (register, export) = inputs(w);
    w.run("2025-H1", &register, &export)
        .arg("-q")
        .args(extra)
        .assert()
        .success();
    (w.read("out/2025-H1/compliance.csv"), w.read("out/2025-H1/beside.csv"))
}

// 4410: 1000 in RA-A; beside 200 − 50 = 150; 100 × 1000 / 1150 = 86.9565.
// 4411: 3000 (RA-B) − 200 (RA-A) = 2800; beside Fasad 1000 + 500 (one
//       company, with and without org nr) and El AB 400 after RA-B ended;
//       100 × 2800 / 4700 = 59.5745.
// 4412: RA-B's only; Kabel's 300 before its end; the 800 after it is not
//       beside any agreement.
const COMPLIANCE: &str = "\
account,agreement_ids,in_agreements,beside,compliance_pct,beside_suppliers,over_limit_suppliers
4410,RA-A,1000.00,150.00,86.9565,1,0
4411,RA-A;RA-B,2800.00,1900.00,59.5745,2,OVER
4412,RA-B,0.00,300.00,0.0000,1,0
";

const BESIDE: &str = "\
account,agreement_ids,supplier_org_nr,supplier_name,rows,amount,year,year_amount,over_direct_award_limit
4410,RA-A,,Namnlös Bygg,2,150.00,2025,150.00,false
4411,RA-A;RA-B,556214-3023,Fasad AB,2,1500.00,2025,1500.00,FASAD
4411,RA-A;RA-B,556402-2662,El AB,1,400.00,2025,400.00,false
4412,RA-B,,Kabel AB,1,300.00,2025,300.00,false
";

fn expected(fasad_over: bool) -> (String, String) {
    (
        COMPLIANCE.replace("OVER", if fasad_over { "1" } else { "0" }),
        BESIDE.replace("FASAD", &fasad_over.to_string()),
    )
}

#[test]
fn exactly_at_the_limit_given_on_the_command_line_is_not_over() {
    let w = Workdir::new();
    // Fasad's year (2025 to 2025-06-30): 1000 + 500 = 1500, the 2024 row not counted.
    assert_eq!(run(&w, &["--direct-award-limit", "1500"]), expected(false));
    assert_eq!(run(&w, &["--direct-award-limit", "1 499,99"]), expected(true));
}

#[test]
fn the_limit_from_the_config_and_the_default() {
    let w = Workdir::new();
    assert_eq!(run(&w, &[]), expected(false));
    let config = w.write("avropskoll.toml", "direct_award_limit_sek = 1000\n");
    let c = config.to_string_lossy().to_string();
    assert_eq!(run(&w, &["--config", &c]), expected(true));
    // The flag wins over the config.
    assert_eq!(
        run(&w, &["--config", &c, "--direct-award-limit", "2000"]),
        expected(false)
    );
}

#[test]
fn an_unreadable_limit_stops_the_run_naming_the_setting() {
    let w = Workdir::new();
    let (register, export) = inputs(&w);
    w.command(["run", "--direct-award-limit", "sjuhundratusen", "--agreements"])
        .arg(register)
        .arg("--exports")
        .arg(export)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--direct-award-limit"));
}

#[test]
fn without_accounts_the_files_hold_only_their_headers() {
    let w = Workdir::new();
    let plain = REGISTER
        .replace("accounts = [\"4410\", \"4411\"]\n", "")
        .replace("accounts = [\"4411\", \"4412\"]\n", "");
    let register = w.write("register.toml", plain);
    let export = w.write("export.csv", EXPORT);
    w.run("2025-H1", &register, &export).arg("-q").assert().success();
    let first = |s: String| s.lines().count();
    assert_eq!(first(w.read("out/2025-H1/compliance.csv")), 1);
    assert_eq!(first(w.read("out/2025-H1/beside.csv")), 1);
}

#[test]
fn workbook_forum_and_section_workbooks_name_the_purchases_beside() {
    let w = Workdir::new();
    run(&w, &["--direct-award-limit", "1000"]);
    let dir = w.report("2025-H1");
    let book = dir.join("fordelning-2025-H1.xlsx");
    // Avtalstrohet: the accounts, then the suppliers, Fasad (over) first.
    let sheet = sheet_rows(&book, "Avtalstrohet");
    let account = sheet
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "4411"))
        .expect("4411");
    assert_eq!(
        account[1..7],
        ["2800", "1900", &format!("{}", 2800.0 / 4700.0), "2", "1", "RA-A, RA-B"]
    );
    let first = sheet
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "ÖVER GRÄNSEN"))
        .expect("marked supplier");
    assert_eq!(
        sheet[first][1..8],
        ["556214-3023", "Fasad AB", "4411", "2", "1500", "1500", "RA-A, RA-B"]
    );
    assert_eq!(sheet[first][8], "U2 (1 500 kr)");
    assert_eq!(sheet[first][9], "P2 (1 000 kr), P3 (500 kr)");
    // The other suppliers are not marked.
    assert_eq!(
        sheet
            .iter()
            .filter(|r| r.first().is_some_and(|c| c == "ÖVER GRÄNSEN"))
            .count(),
        1
    );
    // Sammanfattning carries the compliance per account.
    let overview = sheet_rows(&book, "Sammanfattning");
    assert!(overview
        .iter()
        .any(|r| r.first().is_some_and(|c| c == "4412") && r[3] == "0"));
    // The forum report's section.
    let html = w.read("out/2025-H1/forum-2025-H1.html");
    let at = html.find("Köp vid sidan av avtalen").expect("section");
    assert!(html[at..].contains("Fasad AB") && html[at..].contains("59,6 %"));
    // U2's workbook: its two purchases beside, with the agreements to use.
    let u2 = sheet_rows(&dir.join("sektioner/U2.xlsx"), "Vid sidan av avtalen");
    let rows: Vec<[&str; 5]> = u2[1..]
        .iter()
        .map(|r| {
            [
                r[1].as_str(),
                r[2].as_str(),
                r[4].as_str(),
                r[8].as_str(),
                r[9].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ["4411", "Fasad AB", "1000", "RA-A, RA-B", "Ja"],
            // 2025-05-01: RA-B has ended, only RA-A is left.
            ["4411", "Fasad Aktiebolag", "500", "RA-A", "Ja"],
        ]
    );
}

#[test]
fn init_writes_the_limit_and_check_names_it() {
    let w = Workdir::new();
    w.command(["init", "--out"]).arg(w.root()).assert().success();
    let config = w.read("avropskoll.toml");
    assert!(config.contains("direct_award_limit_sek = 700000"), "{config}");
    assert!(config.contains("håll värdet aktuellt"), "{config}");
    w.command(["check"])
        .assert()
        .success()
        .stdout(predicates::str::contains("direktupphandlingsgräns 700\u{a0}000,00 kr"));
    let changed = config.replace("direct_award_limit_sek = 700000", "direct_award_limit_sek = 615000");
    w.write("avropskoll.toml", changed);
    w.command(["check"])
        .assert()
        .success()
        .stdout(predicates::str::contains("direktupphandlingsgräns 615\u{a0}000,00 kr"));
}

#[test]
fn the_terminal_gives_each_account_one_line_and_counts_the_suppliers_over_the_limit() {
    let w = Workdir::new();
    let (register, export) = inputs(&w);
    let mut run = w.run("2025-H1", &register, &export);
    let stdout = w
        .output(run.args(["--direct-award-limit", "1000"]))
        .expect_code(0)
        .stdout;
    for line in [
        "  4410 (RA-A): 87,0 % – 1\u{a0}000,00 kr genom avtal, 150,00 kr vid sidan av",
        "  4411 (RA-A, RA-B): 59,6 % – 2\u{a0}800,00 kr genom avtal, 1\u{a0}900,00 kr vid sidan av",
        "  4412 (RA-B): 0,0 % – 0,00 kr genom avtal, 300,00 kr vid sidan av",
        "1 leverantör vid sidan av avtalen över direktupphandlingsgränsen 1\u{a0}000,00 kr under 2025 (se bladet Avtalstrohet).",
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line:?} not in\n{stdout}");
    }
}
