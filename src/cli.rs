//! The command line as typed, before any checking (kept apart from the
//! checked [`crate::config::Settings`], as ripgrep does).

use crate::lang::Lang;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Checks that call-offs under framework agreements follow the agreed
/// supplier split (fördelningsnyckel).
#[derive(Debug, Parser)]
#[command(name = "avropskoll", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the register and exports, compute shares, write the reports.
    Run(RunArgs),
    /// Write a register template (register.xlsx) and avropskoll.toml.
    Init(InitArgs),
    /// Check the register (and the exports) without writing reports.
    Check(CheckArgs),
    /// Generate a realistic, deterministic sample data set.
    Sample(SampleArgs),
}

#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// Folder to write register.xlsx, avropskoll.toml and exporter/ into.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Language of the messages: sv (default) or en.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct CheckArgs {
    /// The agreement register (TOML, xlsx, xls, ods or csv).
    #[arg(long, value_name = "REGISTER")]
    pub agreements: Option<PathBuf>,
    /// Export files and folders to check too (searched recursively).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub exports: Vec<PathBuf>,
    /// Config file (default: ./avropskoll.toml if it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Sheet to read in workbook exports (default: the first with a header row).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Language of the messages: sv (default) or en.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

impl CheckArgs {
    /// As run's arguments (the same settings are checked the same way).
    pub fn as_run(&self) -> RunArgs {
        RunArgs {
            agreements: self.agreements.clone(),
            exports: self.exports.clone(),
            config: self.config.clone(),
            sheet: self.sheet.clone(),
            lang: self.lang,
            ..RunArgs::default()
        }
    }
}

#[derive(Debug, Args, Default, Clone)]
pub struct RunArgs {
    /// The agreement register (TOML, or xlsx/csv with one row per agreement supplier).
    #[arg(long, value_name = "REGISTER")]
    pub agreements: Option<PathBuf>,
    /// Export files and folders (searched recursively).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub exports: Vec<PathBuf>,
    /// Organisation file: units (Ansvar) → Sektion, Sektionschef, E-post
    /// (xlsx, ods or csv); section workbooks then follow it.
    #[arg(long, value_name = "FILE")]
    pub organisation: Option<PathBuf>,
    /// Report window: 2019, 2019-H1, 2019-T2, 2019-Q3, 2019-05 or 2019-01..2019-08.
    /// Default: the half-year of the latest date read.
    #[arg(long, value_name = "WINDOW")]
    pub period: Option<String>,
    /// Output folder; reports go to OUT/WINDOW/ (default: reports).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Tolerance in percentage points (default 5).
    #[arg(long, value_name = "X")]
    pub tolerance_pp: Option<f64>,
    /// Fewest call-offs for a status other than insufficient (default 10).
    #[arg(long, value_name = "N")]
    pub min_call_offs: Option<u64>,
    /// Direct-award limit in SEK: a supplier beside the agreements above it
    /// this year is a likely unlawful direct award (default 700 000).
    #[arg(long, value_name = "SEK")]
    pub direct_award_limit: Option<String>,
    /// Config file (default: ./avropskoll.toml if it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Sheet to read in workbook exports (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Language of the terminal, messages and reports: sv (default) or en.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Size of the PNG/SVG charts, WIDTHxHEIGHT pixels (default 1600x900).
    #[arg(long, value_name = "WxH")]
    pub chart_size: Option<String>,
    /// Largest export file read, MB (default 2048).
    #[arg(long, value_name = "MB")]
    pub max_file_mb: Option<u64>,
    /// Most rows read from the exports in all (default 200 000 000).
    #[arg(long, value_name = "N")]
    pub max_rows: Option<u64>,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--lang` as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    Sv,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Sv => Lang::Sv,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct SampleArgs {
    /// Folder to write the register, exports and config into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of monthly export files.
    #[arg(long, default_value_t = 24)]
    pub months: u32,
    /// Invoice rows per month (before overlaps and messy rows).
    #[arg(long, default_value_t = 1000)]
    pub rows_per_month: u32,
    /// First month, YYYY-MM.
    #[arg(long, default_value = "2024-01")]
    pub start: String,
    /// Total invoice rows (overrides --rows-per-month; for benchmarks).
    #[arg(long)]
    pub rows: Option<u64>,
    /// One clean export (every call-off with its agreement id and register
    /// name, nothing unreadable or repeated), as simple baselines can read.
    #[arg(long)]
    pub clean: bool,
    /// Number of generated units in the clean export (default: the six
    /// units of the sample; for benchmarks).
    #[arg(long)]
    pub units: Option<u32>,
    /// Number of orderers in the clean export, drawn independently of the
    /// unit (for benchmarks).
    #[arg(long)]
    pub orderers: Option<u32>,
    /// The clean export's orderer column is "Er referens" with a name and a
    /// purchase-order number, nearly unique per row (for benchmarks).
    #[arg(long)]
    pub references: bool,
    /// Format of the clean export.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: SampleFormat,
    /// Number of agreements in the register (6 realistic ones, then
    /// generated ones; for benchmarks).
    #[arg(long, default_value_t = 6)]
    pub agreements: u32,
    /// Random seed; the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// The format of the clean benchmark export (`avropskoll sample --clean`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SampleFormat {
    Csv,
    Xlsx,
}
