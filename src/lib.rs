//! avropskoll: checks that call-offs under framework agreements follow the
//! agreed supplier split (fördelningsnyckel).
//!
//! The data's way through the modules, one stage each:
//! [`config`]/[`register`] → [`read`] → [`classify`] (normalise & match) →
//! [`allocate`] → [`report`]. [`run`] strings them together:
//! [`inputs::Inputs`] (what is read) → [`analysis::Analysis`] (what is
//! computed) → [`report::Context`] → the report writers.

// The public API is what the binary, the integration tests, the fuzz
// targets and the benchmark example need; everything else is the
// crate's own.
pub(crate) mod allocate;
pub(crate) mod analysis;
pub mod check;
pub(crate) mod checks;
pub mod classify;
pub mod cli;
pub mod config;
pub(crate) mod console;
pub mod error;
pub(crate) mod format;
pub(crate) mod inputs;
pub mod lang;
pub(crate) mod organisation;
pub(crate) mod output;
pub mod parse;
pub mod read;
pub mod register;
pub mod report;
pub mod template;
pub mod window;

use analysis::Analysis;
use config::Settings;
use error::Result;
use inputs::Inputs;
use std::path::PathBuf;
use std::time::Instant;

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub folder: PathBuf,
    pub files: Vec<PathBuf>,
    /// Where the earlier report for the same window was kept.
    pub archived: Option<PathBuf>,
    pub rows_read: u64,
    pub imbalanced: usize,
    /// Everything the user was warned about (also on the workbook's first
    /// sheet).
    pub warnings: Vec<error::Warning>,
    /// Wall time of the whole run.
    pub elapsed: std::time::Duration,
}

/// What a run tells while it works; the library itself prints nothing.
/// The terminal reporter ([`report::terminal::Terminal`]) prints; tests
/// can watch. Every method has a silent default.
pub trait Observer: Sync {
    /// Reading starts: the exports hold `total_bytes`.
    fn reading(&self, _total_bytes: u64) {}
    /// One more export file of `bytes` was read.
    fn progress(&self, _bytes: u64) {}
    /// Every export was read.
    fn read_done(&self, _exports: &read::Exports) {}
    /// Something the user should know that does not stop the run.
    fn warning(&self, _warning: &error::Warning) {}
    /// A stage (or a report writer, `report/NAME`) took `seconds`.
    fn stage(&self, _name: &str, _seconds: f64) {}
    /// The reports are written; `ctx` is what they were made from.
    fn finished(&self, _ctx: &report::Context, _folder: &std::path::Path, _files: usize) {}
    /// The earlier report at `folder` was kept: moved to `to`.
    fn archived(&self, _folder: &std::path::Path, _to: &std::path::Path) {}
}

/// An observer that says nothing.
pub struct Silent;

impl Observer for Silent {}

/// The whole job: register and exports in, reports out.
pub fn run(settings: &Settings, observer: &dyn Observer) -> Result<RunOutcome> {
    run_with(settings, observer, &report::standard_writers())
}

/// [`run`] with the given report writers (tests inject a failing one).
pub fn run_with(
    settings: &Settings,
    observer: &dyn Observer,
    writers: &[&dyn report::ReportWriter],
) -> Result<RunOutcome> {
    let started = Instant::now();
    let inputs = Inputs::load(settings, observer)?;
    let edge = analysis::Edge {
        observer,
        before_work: &|window| report::place::check_target(&settings.out.join(&window.label)).map(|_| ()),
        organisation_warning: &report::drafts::missing_address_warning,
    };
    let analysis = Analysis::new(&inputs, settings, &edge)?;
    for w in analysis.new_warnings() {
        observer.warning(w);
    }
    let written_at = Instant::now();
    let info = report::RunInfo::new(settings, &analysis);
    let ctx = report::Context::new(&inputs, &analysis, &info, settings.lang);
    let written = report::write_all(&ctx, &settings.out, writers, &|name, seconds| {
        observer.stage(&format!("report/{name}"), seconds)
    })?;
    observer.stage("report", written_at.elapsed().as_secs_f64());
    observer.finished(&ctx, &written.folder, written.files.len());
    if let Some(to) = &written.archived {
        observer.archived(&written.folder, to);
    }
    Ok(RunOutcome {
        folder: written.folder,
        archived: written.archived,
        files: written.files,
        rows_read: analysis.reconciliation.read.rows,
        imbalanced: analysis.allocation.imbalanced().len(),
        warnings: analysis.warnings,
        elapsed: started.elapsed(),
    })
}
