//! Helpers every integration test shares: the fixtures, the binary, files.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A file in `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The avropskoll binary, ready for arguments.
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("avropskoll").expect("binary built");
    c.env_remove("RUST_LOG");
    c
}

/// A text file's contents, naming the file when it cannot be read.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
