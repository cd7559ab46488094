//! The first words a user meets: `--help` and usage errors in Swedish, and a
//! start without arguments (a double-click) in an empty and a filled folder.

use crate::common::{bin, read};
use predicates::str::contains;
use tempfile::TempDir;

#[test]
fn help_is_swedish_unless_english_is_asked_for() {
    bin()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Användning: avropskoll <KOMMANDO> [FLAGGOR]"))
        .stdout(contains(
            "Kontrollera registret och exporterna utan att skriva rapporter.",
        ));
    bin()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(contains("--period <PERIOD>"))
        .stdout(contains("Tolerans i procentenheter (standard 5)"));
    bin()
        .args(["run", "--help", "--lang", "en"])
        .assert()
        .success()
        .stdout(contains("Usage: avropskoll run"))
        .stdout(contains("Tolerance in percentage points"));
}

#[test]
fn usage_errors_are_swedish_with_exit_2() {
    bin()
        .args(["run", "--perod", "2025-H2"])
        .assert()
        .code(2)
        .stderr(contains(
            "avropskoll: fel: okänd flagga '--perod' – menade du --period?",
        ));
    bin()
        .arg("kontroll")
        .assert()
        .code(2)
        .stderr(contains("okänt kommando 'kontroll'"));
    bin()
        .args(["check", "--lang", "en", "--bogus"])
        .assert()
        .code(2)
        .stderr(contains("unexpected argument '--bogus'"));
}

#[test]
fn no_arguments_in_an_empty_folder_prints_a_guide_and_writes_nothing() {
    let dir = TempDir::new().expect("tempdir");
    bin()
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(contains("finns inget avtalsregister och ingen avropskoll.toml"))
        .stdout(contains("avropskoll init"));
    assert_eq!(std::fs::read_dir(dir.path()).map(Iterator::count).unwrap_or(99), 0);
}

#[test]
fn no_arguments_in_a_filled_folder_runs_the_month_without_waiting() {
    let dir = TempDir::new().expect("tempdir");
    bin()
        .args(["sample", "--out"])
        .arg(dir.path())
        .args(["--months", "3", "--rows-per-month", "200"])
        .assert()
        .success();
    // Standard input closed, as under CI or a script: nothing waits.
    bin()
        .current_dir(dir.path())
        .write_stdin("")
        .assert()
        .success()
        .stdout(contains("Rapporterna finns i"));
    let label = std::fs::read_dir(dir.path().join("reports"))
        .expect("reports written")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| !n.starts_with('.'))
        .expect("a report folder");
    let allocation = read(&dir.path().join("reports").join(&label).join("allocation.csv"));
    assert!(
        allocation.starts_with("scope,period_start,period_end,agreement_id"),
        "{allocation}"
    );
}

#[test]
fn no_arguments_with_a_register_but_no_exports_yet_says_where_to_put_them() {
    let dir = TempDir::new().expect("tempdir");
    bin().args(["init", "--out"]).arg(dir.path()).assert().success();
    bin()
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(contains("Inga exportfiler hittades ännu"));
    assert!(!dir.path().join("rapporter").exists());
}
