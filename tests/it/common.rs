//! The one harness every integration test uses: a [`Workdir`] per test (a
//! temp folder that is also the binary's working directory), fixture files
//! written into it, the binary run with arguments, and the outputs read
//! back: text, CSV records, workbook sheets (calamine) and workbook parts.
//!
//! Running: [`Workdir::command`] gives an `assert_cmd` command (assert with
//! `.assert().success()`, `.code(2)`, `.stderr(contains(..))`);
//! [`Workdir::run`] is the usual `avropskoll run` line; [`Workdir::output`]
//! returns stdout, stderr and the exit code as text.

use assert_cmd::Command;
use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A file in `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The avropskoll binary, ready for arguments (run in the test's current
/// folder; prefer [`Workdir::command`]).
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("avropskoll").expect("binary built");
    c.env_remove("RUST_LOG");
    c
}

/// A text file's contents, naming the file when it cannot be read.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A temp folder for one test, removed when dropped.
pub struct Workdir {
    dir: TempDir,
}

impl Default for Workdir {
    fn default() -> Self {
        Workdir::new()
    }
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: TempDir::new().expect("tempdir"),
        }
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `name` (a relative path, `/` allowed) inside the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file (its folders created); returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// Creates a folder (and its parents); returns its path.
    pub fn mkdir(&self, name: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// The binary with `args`, run in this folder.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = bin();
        c.current_dir(self.root()).args(args);
        c
    }

    /// The binary without arguments (a double-click), run in this folder.
    pub fn bare(&self) -> Command {
        let mut c = bin();
        c.current_dir(self.root());
        c
    }

    /// `avropskoll run --period PERIOD --agreements REGISTER --exports
    /// EXPORTS --out out/`, in this folder; add flags and assert.
    pub fn run(&self, period: &str, register: &Path, exports: &Path) -> Command {
        let mut c = self.command(["run", "--period", period]);
        c.arg("--agreements")
            .arg(register)
            .arg("--exports")
            .arg(exports)
            .arg("--out")
            .arg(self.out());
        c
    }

    /// Where [`Workdir::run`] writes: `out/`.
    pub fn out(&self) -> PathBuf {
        self.path("out")
    }

    /// The report folder of a window written by [`Workdir::run`]: `out/LABEL/`.
    pub fn report(&self, label: &str) -> PathBuf {
        self.out().join(label)
    }

    /// Runs a command to its end: its exit code, stdout and stderr.
    pub fn output(&self, cmd: &mut Command) -> Output {
        let o = cmd.output().expect("the binary starts");
        Output {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// A text file of the folder.
    pub fn read(&self, name: &str) -> String {
        read(&self.path(name))
    }

    /// A CSV file of the folder: its records after the header.
    pub fn csv(&self, name: &str) -> Vec<Vec<String>> {
        csv_records(&self.path(name))
    }

    /// A sheet of a workbook of the folder, every cell as text.
    pub fn sheet(&self, book: &str, sheet: &str) -> Vec<Vec<String>> {
        sheet_rows(&self.path(book), sheet)
    }
}

/// What a finished run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panics, showing both streams, unless the run ended with `code`.
    pub fn expect_code(self, code: i32) -> Output {
        assert_eq!(
            self.code,
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// A CSV file's records after its header, every field as text.
pub fn csv_records(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|x| {
            x.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// The lines of a CSV file after its header.
pub fn lines_after_header(path: &Path) -> Vec<String> {
    read(path).lines().skip(1).map(String::from).collect()
}

/// A workbook opened with calamine (for styles; [`sheet`] for values).
pub fn workbook(path: &Path) -> Xlsx<BufReader<File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A sheet of a workbook as calamine reads it.
pub fn sheet(path: &Path, name: &str) -> Range<Data> {
    workbook(path)
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every row of a sheet, every cell as text: strings as they are, numbers
/// as `{}` writes them, empty cells as "".
pub fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
    sheet(path, name)
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The sheet names of a workbook, in order.
pub fn sheet_names(path: &Path) -> Vec<String> {
    workbook(path).sheet_names()
}

/// Whether a row holds every one of `want` (in any cells).
pub fn has_row(rows: &[Vec<String>], want: &[&str]) -> bool {
    rows.iter().any(|r| want.iter().all(|w| r.iter().any(|c| c == w)))
}

/// The text of a cell; panics when it is not text.
pub fn text(r: &Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({row},{col}) is not text: {other:?}"),
    }
}

/// The text of a cell, "" for an empty one.
pub fn text_or_empty(r: &Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        None | Some(Data::Empty) => String::new(),
        _ => text(r, row, col),
    }
}

/// The number of a cell; panics when it is not a number.
pub fn number(r: &Range<Data>, row: u32, col: u32) -> f64 {
    match r.get_value((row, col)) {
        Some(Data::Float(v)) => *v,
        Some(Data::Int(v)) => *v as f64,
        other => panic!("({row},{col}) is not a number: {other:?}"),
    }
}

/// The row whose first cell is `first`, from row `from` on.
pub fn find_row(r: &Range<Data>, first: &str, from: u32) -> u32 {
    (from..r.height() as u32)
        .find(|&i| matches!(r.get_value((i, 0)), Some(Data::String(s)) if s == first))
        .unwrap_or_else(|| panic!("no row starting with {first:?}"))
}

/// The files of an xlsx (a zip) and their text, in the zip's order.
pub fn xlsx_parts(path: &Path) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(File::open(path).expect("open")).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut s = String::new();
            // Binary parts (images) are kept with the text read so far.
            let _ = f.read_to_string(&mut s);
            (f.name().map(|n| n.to_string()).unwrap_or_default(), s)
        })
        .collect()
}

/// The text of one part of an xlsx (a zip).
pub fn xlsx_part(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(File::open(path).expect("open")).expect("zip");
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut s)
        .expect("utf-8 part");
    s
}
