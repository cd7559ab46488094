//! Domain errors. Each variant says where the problem is (file, agreement,
//! row, column) and what it is; [`Error::exit_code`] maps them onto the
//! spec's exit codes (2 for a bad register, configuration or command line,
//! 1 for anything else).

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
            Error::Register { .. } | Error::ConfigFile { .. } | Error::Setting { .. } => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
