//! Domain errors, shaped like the csv crate's: a kind with its position
//! (the file, a workbook's sheet; the register's problems name their
//! agreement and rows) and, where a library or the system failed, the
//! source kept (an I/O error inside a message made by [`Text::io`]). [`Error::localized`] words one for the user in Swedish or
//! English; [`Error::exit_code`] maps it onto the exit codes: 2 for input
//! that cannot be used (register, configuration, command line, an export
//! that cannot be read or mapped), 1 for anything else (writing the
//! reports, internal failures).
//!
//! What does not stop the run is a [`Warning`] (`error/warning.rs`): a
//! typed value, worded in the user's language only at the edge.

mod warning;
pub use warning::{worded, DataWarning, FileProblem, Warning, WindowWarning};

use crate::lang::{Lang, Text};
use crate::read::Field;
use std::path::PathBuf;

/// Every failure the pipeline reports to the user. Variants carry a
/// `message: Text` where the words depend on what went wrong in ways a
/// kind of its own would not help the user with (the reason a workbook is
/// unreadable, an operating-system error in plain words); `Text` holds
/// both languages, so the error is worded at display time.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The agreement register breaks one or more rules; each problem names
    /// the agreement, its rows and what to change.
    #[error(
        "invalid agreement register {}:\n  {}",
        path.display(),
        problems.iter().map(|p| p.describe(Lang::En)).collect::<Vec<_>>().join("\n  ")
    )]
    Register {
        path: PathBuf,
        problems: Vec<crate::register::Problem>,
    },

    /// The register or config file could not be read or parsed at all.
    #[error("cannot read {}: {message}", path.display())]
    ConfigFile {
        path: PathBuf,
        /// Keeps an I/O error as the source ([`Text::io`]).
        #[source]
        message: Text,
    },

    /// Something the user asked for is refused (a file that would be
    /// overwritten).
    #[error("{0}")]
    Refused(Text),

    /// A setting (flag or config value) is invalid.
    #[error("invalid setting {setting}: {message}")]
    Setting { setting: String, message: Text },

    /// An export file lacks a required column: the fields missing, the
    /// headers of its best record, and a `[columns]` block for the config
    /// guessed from the values.
    #[error(
        "{}{}: no header row with the required columns ({}) among the first 50 records; headers found: {}{}",
        path.display(),
        sheet.as_ref().map(|s| format!(" (sheet '{s}')")).unwrap_or_default(),
        missing.iter().map(|f| format!("{} ({})", f.key(), f.default_names().join(" / "))).collect::<Vec<_>>().join(", "),
        if found.is_empty() { "(none)".to_string() } else { found.join(" | ") },
        suggestion.as_ref().map(|s| format!("\nA mapping for avropskoll.toml, read from the values:\n{s}")).unwrap_or_default()
    )]
    MissingColumns {
        path: PathBuf,
        sheet: Option<String>,
        missing: Vec<Field>,
        found: Vec<String>,
        suggestion: Option<String>,
    },

    /// An export file could not be opened or decoded.
    #[error("cannot read export {}: {message}", path.display())]
    Export {
        path: PathBuf,
        /// Keeps an I/O error as the source ([`Text::io`]).
        #[source]
        message: Text,
    },

    /// A file is beyond a configured limit (size, rows, expansion).
    #[error("{}: {message}", path.display())]
    Limit { path: PathBuf, message: Text },

    /// Writing the reports failed midway; nothing was moved into place.
    #[error("{source}; no report was written to {}{}", target.display(), if *had_previous { " (the previous report there is unchanged)" } else { "" })]
    ReportNotWritten {
        target: PathBuf,
        /// There was a report at `target` (kept as it was).
        had_previous: bool,
        source: Box<Error>,
    },

    /// An amount sum would overflow (absurd input).
    #[error("amounts too large to sum exactly: {0}")]
    Overflow(Text),

    /// Writing an output failed.
    #[error("cannot write {}: {message}", path.display())]
    Output {
        path: PathBuf,
        /// Keeps an I/O error as the source ([`Text::io`]).
        #[source]
        message: Text,
    },

    /// A chart could not be drawn (a bug, not bad input). Text, not a
    /// source: plotters' errors are generic over the drawing backend.
    #[error("a chart could not be drawn: {0}")]
    Chart(String),

    /// The data has no readable date, so no default window exists.
    #[error("no row with a readable date was found; give the window with --period")]
    NoDates,
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Register { .. }
            | Error::ConfigFile { .. }
            | Error::Setting { .. }
            | Error::Refused(_)
            | Error::MissingColumns { .. }
            | Error::Export { .. }
            | Error::Limit { .. }
            | Error::Overflow(_)
            | Error::NoDates => 2,
            Error::ReportNotWritten { source, .. } => source.exit_code(),
            Error::Output { .. } | Error::Chart(_) => 1,
        }
    }

    /// The error worded for the user.
    pub fn localized(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Error::Register { path, problems } => format!(
                "avtalsregistret {} har fel – rätta dem och kör igen:\n  {}",
                path.display(),
                problems
                    .iter()
                    .map(|p| p.describe(Lang::Sv))
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ),
            Error::ConfigFile { path, message } => format!("kan inte läsa {}: {}", path.display(), message.sv),
            Error::Setting { setting, message } => format!("ogiltig inställning {setting}: {}", message.sv),
            Error::Refused(message) => message.sv.clone(),
            Error::MissingColumns {
                path,
                sheet,
                missing,
                found,
                suggestion,
            } => {
                let names = |f: &Field| format!("{} ({})", f.label(Lang::Sv), f.default_names().join(" / "));
                format!(
                    "{}{}: hittar ingen rubrikrad med de nödvändiga kolumnerna bland de 50 första raderna – saknas: {}. Rubriker som finns: {}.{}",
                    path.display(),
                    sheet.as_ref().map(|s| format!(" (bladet '{s}')")).unwrap_or_default(),
                    missing.iter().map(names).collect::<Vec<_>>().join(", "),
                    if found.is_empty() { "(inga)".to_string() } else { found.join(" | ") },
                    match suggestion {
                        Some(s) => format!(
                            "\nLägg till de här raderna i avropskoll.toml (gissade från kolumnernas värden – kontrollera dem):\n{s}"
                        ),
                        None => "\nAnge kolumnernas namn under [columns] i avropskoll.toml.".to_string(),
                    }
                )
            }
            Error::Export { path, message } => format!("kan inte läsa exporten {}: {}", path.display(), message.sv),
            Error::Limit { path, message } => format!("{}: {}", path.display(), message.sv),
            Error::ReportNotWritten {
                target,
                had_previous,
                source,
            } => format!(
                "{}; ingen rapport skrevs till {}{}",
                source.localized(lang),
                target.display(),
                if *had_previous {
                    " (den tidigare rapporten där är orörd)"
                } else {
                    ""
                }
            ),
            Error::Overflow(what) => format!("beloppen är för stora för att summeras exakt: {}", what.sv),
            Error::Output { path, message } => format!("kan inte skriva {}: {}", path.display(), message.sv),
            Error::Chart(e) => format!("ett diagram kunde inte ritas (ett fel i verktyget, rapportera det): {e}"),
            Error::NoDates => {
                "ingen rad har ett läsbart datum; ange perioden med --period (t.ex. --period 2025-H2)".to_string()
            }
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
