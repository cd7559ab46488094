//! The first words a user meets: `--help` and usage errors in Swedish, and a
//! start without arguments (a double-click) in an empty and a filled folder.

use crate::common::Workdir;
use predicates::str::contains;

#[test]
fn help_is_swedish_unless_english_is_asked_for() {
    let w = Workdir::new();
    w.command(["--help"])
        .assert()
        .success()
        .stdout(contains("Användning: avropskoll <KOMMANDO> [FLAGGOR]"))
        .stdout(contains(
            "Kontrollera registret och exporterna utan att skriva rapporter.",
        ));
    w.command(["run", "--help"])
        .assert()
        .success()
        .stdout(contains("--period <PERIOD>"))
        .stdout(contains("Tolerans i procentenheter (standard 5)"));
    w.command(["run", "--help", "--lang", "en"])
        .assert()
        .success()
        .stdout(contains("Usage: avropskoll run"))
        .stdout(contains("Tolerance in percentage points"));
}

#[test]
fn usage_errors_are_swedish_with_exit_2() {
    let w = Workdir::new();
    w.command(["run", "--perod", "2025-H2"])
        .assert()
        .code(2)
        .stderr(contains(
            "avropskoll: fel: okänd flagga '--perod' – menade du --period?",
        ));
    w.command(["kontroll"])
        .assert()
        .code(2)
        .stderr(contains("okänt kommando 'kontroll'"));
    w.command(["check", "--lang", "en", "--bogus"])
        .assert()
        .code(2)
        .stderr(contains("unexpected argument '--bogus'"));
}

#[test]
fn no_arguments_in_an_empty_folder_prints_a_guide_and_writes_nothing() {
    let w = Workdir::new();
    w.bare()
        .assert()
        .success()
        .stdout(contains("finns inget avtalsregister och ingen avropskoll.toml"))
        .stdout(contains("avropskoll init"));
    assert_eq!(std::fs::read_dir(w.root()).map(Iterator::count).unwrap_or(99), 0);
}

#[test]
fn no_arguments_in_a_filled_folder_runs_the_month_without_waiting() {
    let w = Workdir::new();
    w.command(["sample", "--out"])
        .arg(w.root())
        .args(["--months", "3", "--rows-per-month", "200"])
        .assert()
        .success();
    // Standard input closed, as under CI or a script: nothing waits.
    w.bare()
        .write_stdin("")
        .assert()
        .success()
        .stdout(contains("Rapporterna finns i"));
    let label = std::fs::read_dir(w.path("reports"))
        .expect("reports written")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| !n.starts_with('.'))
        .expect("a report folder");
    let allocation = w.read(&format!("reports/{label}/allocation.csv"));
    assert!(
        allocation.starts_with("scope,period_start,period_end,agreement_id"),
        "{allocation}"
    );
}

#[test]
fn no_arguments_with_a_register_but_no_exports_yet_says_where_to_put_them() {
    let w = Workdir::new();
    w.command(["init", "--out"]).arg(w.root()).assert().success();
    w.bare()
        .assert()
        .success()
        .stdout(contains("Inga exportfiler hittades ännu"));
    assert!(!w.path("rapporter").exists());
}
