//! Domain errors. Each variant says where the problem is (file, agreement,
//! row, column) and what it is; [`Error::exit_code`] maps them onto the
//! exit codes: 2 for bad input (register, configuration, command line, or
//! an export that cannot be read or mapped at all), 1 for anything else
//! (writing the reports, internal failures).

use std::path::PathBuf;

/// Every failure the pipeline reports to the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The agreement register breaks one or more rules; one line each,
    /// naming the agreement and the problem.
    #[error("invalid agreement register {}:\n  {}", path.display(), problems.join("\n  "))]
    Register { path: PathBuf, problems: Vec<String> },

    /// The register or config file could not be read or parsed at all.
    #[error("cannot read {}: {message}", path.display())]
    ConfigFile { path: PathBuf, message: String },

    /// A setting (flag or config value) is invalid.
    #[error("invalid setting {setting}: {message}")]
    Setting { setting: String, message: String },

    /// An export file lacks a required column.
    #[error(
        "{}: no header row with the required columns ({}) among the first 50 records; headers found: {}",
        path.display(), missing.join(", "), if found.is_empty() { "(none)".to_string() } else { found.join(" | ") }
    )]
    MissingColumns {
        path: PathBuf,
        missing: Vec<String>,
        found: Vec<String>,
    },

    /// An export file could not be opened or decoded.
    #[error("cannot read export {}: {message}", path.display())]
    Export { path: PathBuf, message: String },

    /// A file is beyond a configured limit (size, rows, expansion).
    #[error("{}: {message}", path.display())]
    Limit { path: PathBuf, message: String },

    /// Writing the reports failed midway; nothing was moved into place.
    #[error("{source}; no report was written to {} (a previous report there is unchanged)", target.display())]
    ReportNotWritten { target: PathBuf, source: Box<Error> },

    /// An amount sum would overflow (absurd input).
    #[error("amounts too large to sum exactly: {0}")]
    Overflow(String),

    /// Writing an output failed.
    #[error("cannot write {}: {message}", path.display())]
    Output { path: PathBuf, message: String },

    /// The aggregation engine failed (a bug, not bad input).
    #[error("aggregation failed: {0}")]
    Compute(String),

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
            | Error::MissingColumns { .. }
            | Error::Export { .. }
            | Error::Limit { .. }
            | Error::NoDates => 2,
            Error::ReportNotWritten { source, .. } => source.exit_code(),
            Error::Overflow(_) | Error::Output { .. } | Error::Compute(_) => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
