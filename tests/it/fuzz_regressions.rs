//! Replays every input kept in tests/fuzz/regressions/<target>/ through the
//! same checks the fuzz targets make (tests/fuzz/checks.rs).

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

#[test]
fn fuzz_regressions_stay_fixed() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let root = tests.join("regressions");
    // The targets as tests/fuzz/fuzz_targets/ has them: a new target needs a
    // replay arm below, and a kept input a target.
    let mut targets: Vec<String> = std::fs::read_dir(tests.join("fuzz_targets"))
        .expect("fuzz_targets")
        .map(|e| e.expect("entry").path())
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
        .collect();
    targets.sort();
    for kept in std::fs::read_dir(&root)
        .expect("regressions")
        .map(|e| e.expect("entry").path())
    {
        if kept.is_dir() {
            let name = kept.file_name().expect("name").to_string_lossy().into_owned();
            assert!(
                targets.contains(&name),
                "{}: no fuzz target of that name",
                kept.display()
            );
        }
    }
    let mut replayed = 0;
    for target in &targets {
        // A target without a folder has had no crash kept yet.
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("input");
            replay(target, &bytes);
            replayed += 1;
        }
    }
    assert!(replayed >= 1, "the kept regression inputs are replayed");
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
