//! Finding the export files: the paths given, folders searched
//! recursively (symlinked folders followed, loops detected), extensions
//! compared without case; hidden files and folders, lock files, the run's
//! own report folders and the register file left out (docs/rules.md,
//! "Files").

use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::read::table::Format;
use crate::window::Window;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The archive folders' names under the reports' folder `OUT`, where a
/// run keeps the earlier report of its window (both languages: a run in the
/// other language finds them too, and neither is ever read as exports).
pub const ARCHIVE_NAMES: [&str; 2] = ["arkiv", "archive"];

/// One export file to read, with its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub path: PathBuf,
    /// Relative to the export path given, with `/`.
    pub display: String,
    /// Named on the command line or in the config (never skipped: a file
    /// the user named that is no export stops the run).
    pub explicit: bool,
}

/// A file or folder found but not read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// As shown to the user (relative to the export path given).
    pub file: String,
    pub reason: String,
}

/// What a folder walk must leave out.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    /// The run's `--out` folder: its report folders are never exports.
    pub out: Option<PathBuf>,
    /// The register file.
    pub register: Option<PathBuf>,
}

/// Finds the export files under the given paths, sorted by path, each
/// file once; also what was found but left out, with the reason. An empty
/// list is no error here ([`no_exports`] is, for a run).
pub fn discover(paths: &[PathBuf], exclude: &Exclude, lang: Lang) -> Result<(Vec<ExportFile>, Vec<Skipped>)> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let out = exclude.out.as_deref().map(canon);
    let register = exclude.register.as_deref().map(canon);
    let mut walk = Walk {
        out,
        register,
        files: Vec::new(),
        skipped: Vec::new(),
        visited: HashSet::new(),
        lang,
    };
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|e| Error::Setting {
            setting: "--exports".into(),
            message: Text::new(
                format!("{}: {}", root.display(), Text::io(&e).sv),
                format!("{}: {e}", root.display()),
            ),
        })?;
        if meta.is_dir() {
            walk.visited.insert(canon(root));
            walk.dir(root, root)?;
        } else {
            if !meta.is_file() {
                return Err(Error::Export {
                    path: root.clone(),
                    message: not_regular(&meta),
                });
            }
            let display = root.file_name().map_or_else(
                || root.display().to_string(),
                |n| crate::lang::shown(&n.to_string_lossy(), usize::MAX),
            );
            walk.files.push(ExportFile {
                path: root.clone(),
                display,
                explicit: true,
            });
        }
    }
    let Walk { mut files, skipped, .. } = walk;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(canon(&f.path)));
    Ok((files, skipped))
}

struct Walk {
    out: Option<PathBuf>,
    register: Option<PathBuf>,
    files: Vec<ExportFile>,
    skipped: Vec<Skipped>,
    /// Folders already walked (canonical), against symlink loops.
    visited: HashSet<PathBuf>,
    lang: Lang,
}

/// A folder that cannot be read.
fn unreadable(dir: &Path, e: std::io::Error) -> Error {
    Error::Export {
        path: dir.to_path_buf(),
        message: Text::new(
            format!("mappen kan inte läsas: {}", Text::io(&e).sv),
            format!("the folder cannot be read: {e}"),
        ),
    }
}

impl Walk {
    fn dir(&mut self, root: &Path, dir: &Path) -> Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| unreadable(dir, e))?
            .collect::<std::io::Result<_>>()
            .map_err(|e| unreadable(dir, e))?;
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            self.entry(root, dir, &entry)?;
        }
        Ok(())
    }

    /// One entry of folder `dir`: an export taken, a folder walked, or
    /// what is not read left out (named when it looks like an export).
    fn entry(&mut self, root: &Path, dir: &Path, entry: &std::fs::DirEntry) -> Result<()> {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with("~$") {
            return Ok(()); // hidden files and folders, lock files
        }
        // Shown in messages and reports: control characters escaped.
        let display = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| crate::lang::shown(&c.as_os_str().to_string_lossy(), usize::MAX))
            .collect::<Vec<_>>()
            .join("/");
        let is_link = entry.file_type().map(|t| t.is_symlink()).unwrap_or(false);
        // Follows symlinks; a dangling one is named and left out.
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if is_link => {
                self.skipped.push(Skipped {
                    file: display,
                    reason: self.lang.pick(
                        format!("en länk som inte pekar på något ({})", Text::io(&e).sv),
                        format!("a link that points nowhere ({e})"),
                    ),
                });
                return Ok(());
            }
            Err(e) => return Err(unreadable(dir, e)),
        };
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if meta.is_dir() {
            return self.subdir(root, &path, canonical, display);
        }
        if Format::from_path(&path).is_none() {
            return Ok(());
        }
        if !meta.is_file() {
            // A FIFO, socket or device under an export's name: opening
            // it could wait forever or never end.
            let why = not_regular(&meta);
            self.skipped.push(Skipped {
                file: display,
                reason: self.lang.pick(why.sv, why.en),
            });
            return Ok(());
        }
        if self.register.as_ref() == Some(&canonical) || name.starts_with(".~lock") {
            return Ok(()); // the register is never an export
        }
        self.files.push(ExportFile {
            path,
            display,
            explicit: false,
        });
        Ok(())
    }

    /// A folder walked, unless it holds reports or was walked already (a
    /// link making a loop: named).
    fn subdir(&mut self, root: &Path, path: &Path, canonical: PathBuf, display: String) -> Result<()> {
        if self.is_report_folder(&canonical) {
            return Ok(());
        }
        if !self.visited.insert(canonical) {
            self.skipped.push(Skipped {
                file: display,
                reason: self
                    .lang
                    .pick(
                        "en länk till en mapp som redan lästs (en slinga); den lästes en gång",
                        "a link to a folder already read (a loop); it was read once",
                    )
                    .to_string(),
            });
            return Ok(());
        }
        self.dir(root, path)
    }

    /// The `--out` folder itself, a window folder (`2025-H2`) in it, or its
    /// archive of earlier reports (`arkiv`).
    fn is_report_folder(&self, dir: &Path) -> bool {
        let Some(out) = &self.out else {
            return false;
        };
        if dir == out {
            return true;
        }
        let label = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        dir.parent() == Some(out.as_path())
            && (Window::parse(label).is_some_and(|w| w.label == label) || ARCHIVE_NAMES.contains(&label))
    }
}

/// What a path that is neither a file nor a folder is, in words.
pub(crate) fn not_regular(meta: &std::fs::Metadata) -> Text {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        let (sv, en) = if t.is_fifo() {
            ("en namngiven rörledning (FIFO)", "a named pipe (FIFO)")
        } else if t.is_socket() {
            ("en socket", "a socket")
        } else if t.is_char_device() || t.is_block_device() {
            ("en enhetsfil", "a device file")
        } else {
            ("inte en vanlig fil", "not a regular file")
        };
        Text::new(
            format!("ingen vanlig fil utan {sv}; den lästes inte"),
            format!("not a regular file but {en}; it was not read"),
        )
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Text::new(
            "ingen vanlig fil; den lästes inte",
            "not a regular file; it was not read",
        )
    }
}

/// The error of a run that found no export file under `paths`.
pub fn no_exports(paths: &[PathBuf]) -> Error {
    let where_ = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Error::Setting {
        setting: "--exports".into(),
        message: Text::new(
            format!("hittar inga exportfiler (csv, txt, tsv, xlsx, xlsm, xls, xlsb, ods) i {where_}"),
            format!("no export files (csv, txt, tsv, xlsx, xlsm, xls, xlsb, ods) found in {where_}"),
        ),
    }
}
