//! Replays every input kept in tests/fuzz/regressions/<target>/ through the
//! same checks the fuzz targets make (tests/fuzz/checks.rs).

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

#[test]
fn fuzz_regressions_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/regressions");
    let mut replayed = 0;
    for target in [
        "amount",
        "date",
        "org_nr",
        "csv_sniff",
        "export_reader",
        "window",
        "config",
        "register_toml",
        "register_table",
        "shown_text",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("input");
            let text = std::str::from_utf8(&bytes);
            match (target, text) {
                ("amount", Ok(t)) => checks::amount(t),
                ("date", Ok(t)) => checks::date(t),
                ("org_nr", Ok(t)) => checks::org_nr(t),
                ("csv_sniff", _) => checks::csv_sniff(&bytes),
                ("export_reader", _) => checks::export_reader(&bytes),
                ("window", Ok(t)) => checks::window(t),
                ("config", Ok(t)) => checks::config(t),
                ("register_toml", Ok(t)) => checks::register_toml(t),
                ("register_table", _) => checks::register_table(&bytes),
                ("shown_text", Ok(t)) => checks::shown_text(t),
                _ => continue,
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 1, "the kept regression inputs are replayed");
}
