//! avropskoll: checks that call-offs under framework agreements follow the
//! agreed supplier split (fördelningsnyckel).
//!
//! The data's way through the modules, one stage each:
//! [`config`]/[`register`] → [`read`] → [`classify`] (normalise & match) →
//! [`allocate`] → [`report`]. [`run`] strings them together.

pub mod allocate;
pub mod classify;
pub mod cli;
pub mod config;
pub mod error;
pub mod lang;
pub mod parse;
pub mod read;
pub mod register;
pub mod report;
pub mod sample;
pub mod window;

use config::Settings;
use error::{Error, Result};
use std::path::PathBuf;
use std::time::Instant;

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub folder: PathBuf,
    pub files: Vec<PathBuf>,
    pub rows_read: u64,
    pub imbalanced: usize,
}

/// The whole job: register and exports in, reports out.
pub fn run(settings: &Settings) -> Result<RunOutcome> {
    let started = Instant::now();
    let register = register::load(&settings.agreements, settings.lang)?;
    let (files, skipped) = read::discover(&settings.exports)?;
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    let bar = progress_bar(total_bytes, settings.quiet);
    let mut timer = StageTimer::new();
    let mut exports = read::read_all(&files, &settings.read, &|bytes| bar.inc(bytes))?;
    bar.finish_and_clear();
    timer.lap("read");
    exports.skipped = skipped;
    if !settings.quiet {
        print!("{}", report::terminal::files(&exports));
        for w in &exports.warnings {
            eprintln!("avropskoll: warning: {w}");
        }
    }
    let classified = classify::classify(&exports, &register);
    let reconciliation = classify::Reconciliation::new(&exports, &classified);
    timer.lap("classify");
    let latest_date = exports
        .rows
        .iter()
        .filter_map(|r| r.date)
        .max()
        .map(parse::days_to_date);
    let window = match &settings.period {
        Some(w) => w.clone(),
        None => window::Window::half_year_of(latest_date.ok_or(Error::NoDates)?),
    };
    let frame = allocate::frame(&exports, &classified, &register)?;
    let rules = allocate::Rules {
        tolerance_pp: settings.tolerance_pp,
        min_call_offs: settings.min_call_offs,
    };
    let allocation = allocate::allocate(&frame, &register, &window, rules)?;
    let imbalanced: Vec<usize> = (0..allocation.shares.len())
        .filter(|&i| allocation.shares[i].status == allocate::Status::Imbalance)
        .collect();
    let usage = allocate::usage::usage(&frame, &register, &allocation.shares, &imbalanced)?;
    let reported: Vec<usize> = allocation
        .shares
        .iter()
        .filter(|s| s.scope == allocate::Scope::Period)
        .map(|s| s.agreement)
        .collect();
    let monthly = allocate::monthly::monthly(&frame, &register, &window, &reported)?;
    let months_read: std::collections::BTreeSet<i32> = exports
        .rows
        .iter()
        .filter_map(|r| r.date)
        .map(|d| allocate::monthly::month_key(parse::days_to_date(d)))
        .collect();
    let ceilings = allocate::ceiling::ceilings(&frame, &register, &window, latest_date, &months_read)?;
    let comparison = allocate::compare::compare(&frame, &register, &allocation, rules)?;
    timer.lap("allocate");
    let info = report::RunInfo {
        tolerance_pp: settings.tolerance_pp,
        min_call_offs: settings.min_call_offs,
        latest_date,
        generated: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        chart_size: settings.chart_size,
    };
    let ctx = report::Context {
        register: &register,
        exports: &exports,
        classified: &classified,
        allocation: &allocation,
        reconciliation: &reconciliation,
        usage: &usage,
        monthly: &monthly,
        ceilings: &ceilings,
        comparison: comparison.as_ref(),
        info: &info,
        lang: settings.lang,
    };
    let writers: [&dyn report::ReportWriter; 4] = [
        &report::csv::CsvReport,
        &report::xlsx::WorkbookReport,
        &report::sections::SectionReport,
        &report::charts::ChartReport,
    ];
    let (folder, written) = report::write_all(&ctx, &settings.out, &writers)?;
    timer.lap("report");
    if !settings.quiet {
        print!("{}", report::terminal::summary(&ctx));
        println!(
            "\nReports written to {}/ ({} files) in {:.1} s.",
            folder.display(),
            written.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let imbalanced = allocation
        .shares
        .iter()
        .filter(|a| a.scope == allocate::Scope::Period && a.status == allocate::Status::Imbalance)
        .count();
    Ok(RunOutcome {
        folder,
        files: written,
        rows_read: reconciliation.read.rows,
        imbalanced,
    })
}

fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("reading exports {bar:30} {bytes}/{total_bytes} ({eta} left)")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}

/// Prints the time of each stage to stderr when `AVROPSKOLL_TIMINGS` is set
/// (for profiling; see bench/).
struct StageTimer {
    enabled: bool,
    last: Instant,
}

impl StageTimer {
    fn new() -> Self {
        StageTimer {
            enabled: std::env::var_os("AVROPSKOLL_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    fn lap(&mut self, stage: &str) {
        if self.enabled {
            eprintln!("timing: {stage:<9} {:>8.3} s", self.last.elapsed().as_secs_f64());
        }
        self.last = Instant::now();
    }
}
