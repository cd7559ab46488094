//! Replays every input kept in tests/fuzz/regressions/<target>/ through the
//! same checks the fuzz targets make (tests/fuzz/checks.rs).

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

/// Every fuzz target, as tests/fuzz/fuzz_targets/ holds them: a new target
/// needs a line here and a replay arm below.
const TARGETS: [&str; 10] = [
    "amount",
    "config",
    "csv_sniff",
    "date",
    "export_reader",
    "org_nr",
    "register_table",
    "register_toml",
    "shown_text",
    "window",
];

/// The targets with kept inputs (a folder in tests/fuzz/regressions/ each,
/// none of them empty): a folder gone missing fails the test.
const KEPT: [&str; 6] = [
    "config",
    "org_nr",
    "register_table",
    "register_toml",
    "shown_text",
    "window",
];

/// The names in a folder (files or folders, the README left out), sorted.
fn names(dir: &Path, stem: bool) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .filter_map(|p| {
            let name = if stem { p.file_stem() } else { p.file_name() };
            Some(name?.to_string_lossy().into_owned())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_targets_and_their_kept_inputs_are_the_ones_listed() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    assert_eq!(names(&fuzz.join("fuzz_targets"), true), TARGETS);
    assert_eq!(names(&fuzz.join("regressions"), false), KEPT);
    for target in KEPT {
        assert!(TARGETS.contains(&target), "{target}: no fuzz target of that name");
    }
}

#[test]
fn fuzz_regressions_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/regressions");
    let mut replayed = 0;
    for target in KEPT {
        let folder = root.join(target);
        let inputs: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e} (listed in KEPT)", folder.display()))
            .map(|e| e.expect("entry").path())
            .collect();
        assert!(!inputs.is_empty(), "{}: no kept input", folder.display());
        for input in inputs {
            let bytes = std::fs::read(&input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
            replay(target, &bytes);
            replayed += 1;
        }
    }
    // Kept so far: 2 config, 1 org_nr, 1 register_table, 2 register_toml,
    // 1 shown_text, 3 window.
    assert!(replayed >= 10, "{replayed} kept inputs replayed, 10 or more expected");
}

/// One kept input through its target's checks; text targets take only
/// UTF-8, as their fuzz targets do.
fn replay(target: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes);
    match (target, text) {
        ("amount", Ok(t)) => checks::amount(t),
        ("date", Ok(t)) => checks::date(t),
        ("org_nr", Ok(t)) => checks::org_nr(t),
        ("csv_sniff", _) => checks::csv_sniff(bytes),
        ("export_reader", _) => checks::export_reader(bytes),
        ("window", Ok(t)) => checks::window(t),
        ("config", Ok(t)) => checks::config(t),
        ("register_toml", Ok(t)) => checks::register_toml(t),
        ("register_table", _) => checks::register_table(bytes),
        ("shown_text", Ok(t)) => checks::shown_text(t),
        ("amount" | "date" | "org_nr" | "window" | "config" | "register_toml" | "shown_text", Err(_)) => {}
        (other, _) => panic!("fuzz target {other} has no replay here: add it"),
    }
}
