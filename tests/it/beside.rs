//! Rule 15 end to end: `compliance.csv` and `beside.csv` to the öre, the
//! direct-award limit from the flag, the config and the default.

use crate::common::{bin, read};
use std::path::Path;
use tempfile::TempDir;

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

/// Runs 2025-H1 on the register and export above with `extra` arguments;
/// returns (compliance.csv, beside.csv).
fn run(d: &Path, extra: &[&str]) -> (String, String) {
    std::fs::write(d.join("register.toml"), REGISTER).expect("register");
    std::fs::write(d.join("export.csv"), EXPORT).expect("export");
    let out = d.join("out");
    bin()
        .args(["run", "--period", "2025-H1", "-q", "--agreements"])
        .arg(d.join("register.toml"))
        .arg("--exports")
        .arg(d.join("export.csv"))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    let dir = out.join("2025-H1");
    (read(&dir.join("compliance.csv")), read(&dir.join("beside.csv")))
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
    let d = TempDir::new().expect("tempdir");
    // Fasad's year (2025 to 2025-06-30): 1000 + 500 = 1500, the 2024 row not counted.
    assert_eq!(run(d.path(), &["--direct-award-limit", "1500"]), expected(false));
    assert_eq!(run(d.path(), &["--direct-award-limit", "1 499,99"]), expected(true));
}

#[test]
fn the_limit_from_the_config_and_the_default() {
    let d = TempDir::new().expect("tempdir");
    assert_eq!(run(d.path(), &[]), expected(false));
    let config = d.path().join("avropskoll.toml");
    std::fs::write(&config, "direct_award_limit_sek = 1000\n").expect("config");
    let c = config.to_string_lossy().to_string();
    assert_eq!(run(d.path(), &["--config", &c]), expected(true));
    // The flag wins over the config.
    assert_eq!(
        run(d.path(), &["--config", &c, "--direct-award-limit", "2000"]),
        expected(false)
    );
}

#[test]
fn an_unreadable_limit_stops_the_run_naming_the_setting() {
    let d = TempDir::new().expect("tempdir");
    std::fs::write(d.path().join("register.toml"), REGISTER).expect("register");
    std::fs::write(d.path().join("export.csv"), EXPORT).expect("export");
    bin()
        .args(["run", "--direct-award-limit", "sjuhundratusen", "--agreements"])
        .arg(d.path().join("register.toml"))
        .arg("--exports")
        .arg(d.path().join("export.csv"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--direct-award-limit"));
}

#[test]
fn without_accounts_the_files_hold_only_their_headers() {
    let d = TempDir::new().expect("tempdir");
    let plain = REGISTER
        .replace("accounts = [\"4410\", \"4411\"]\n", "")
        .replace("accounts = [\"4411\", \"4412\"]\n", "");
    std::fs::write(d.path().join("register.toml"), plain).expect("register");
    std::fs::write(d.path().join("export.csv"), EXPORT).expect("export");
    let out = d.path().join("out");
    bin()
        .args(["run", "--period", "2025-H1", "-q", "--agreements"])
        .arg(d.path().join("register.toml"))
        .arg("--exports")
        .arg(d.path().join("export.csv"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let first = |s: String| s.lines().count();
    assert_eq!(first(read(&out.join("2025-H1/compliance.csv"))), 1);
    assert_eq!(first(read(&out.join("2025-H1/beside.csv"))), 1);
}
