//! avropskoll: checks that call-offs under framework agreements follow the
//! agreed supplier split (fördelningsnyckel).
//!
//! The data's way through the modules, one stage each:
//! [`config`]/[`register`] → [`read`] → [`classify`] (normalise & match) →
//! [`allocate`] → [`report`]. [`run`] strings them together.

pub mod allocate;
pub mod check;
pub mod checks;
pub mod classify;
pub mod cli;
pub mod config;
pub mod console;
pub mod error;
pub mod format;
pub mod help;
pub mod lang;
pub mod organisation;
pub mod output;
pub mod parse;
pub mod read;
pub mod register;
pub mod report;
pub mod sample;
pub mod start;
pub mod template;
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
    /// Where the earlier report for the same window was kept.
    pub archived: Option<PathBuf>,
    pub rows_read: u64,
    pub imbalanced: usize,
    /// Everything the user was warned about (also on the workbook's first
    /// sheet).
    pub warnings: Vec<String>,
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
    fn warning(&self, _text: &str) {}
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
    let register = register::load(&settings.agreements)?;
    let organisation = match &settings.organisation {
        Some(p) => Some(organisation::Organisation::load(p, settings.lang)?),
        None => None,
    };
    let exclude = read::Exclude {
        out: Some(settings.out.clone()),
        register: Some(settings.agreements.clone()),
    };
    let (files, skipped) = read::discover(&settings.exports, &exclude, settings.lang)?;
    if files.is_empty() {
        return Err(read::no_exports(&settings.exports));
    }
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    observer.reading(total_bytes);
    let mut timer = StageTimer::new(observer);
    let mut exports = read::read_all(&files, &settings.read, &|bytes| observer.progress(bytes))?;
    timer.lap("read");
    exports.skipped.splice(0..0, skipped);
    observer.read_done(&exports);
    let mut warnings = exports.warnings.clone();
    let classified = classify::classify(&exports, &register);
    let reconciliation = classify::Reconciliation::new(&exports, &classified);
    timer.lap("classify");
    // One pass over the dates: the latest (rule 6) and the months the
    // exports cover (rule 11's coverage).
    let mut months_read = std::collections::BTreeSet::new();
    let mut latest_days: Option<i32> = None;
    let mut earliest_days: Option<i32> = None;
    let mut last_day = None;
    for d in exports.rows.dates(0..exports.rows.len()).flatten() {
        if last_day == Some(d) {
            continue; // rows come mostly in date order
        }
        last_day = Some(d);
        latest_days = Some(latest_days.map_or(d, |l| l.max(d)));
        earliest_days = Some(earliest_days.map_or(d, |l| l.min(d)));
        months_read.insert(allocate::monthly::month_key(parse::days_to_date(d)));
    }
    let latest_date = latest_days.map(parse::days_to_date);
    let window = match &settings.period {
        Some(w) => w.clone(),
        None => window::Window::half_year_of(latest_date.ok_or(Error::NoDates)?),
    };
    // Something in the way of the report (a file, a workbook open in
    // Excel) stops the run before the work, not after it.
    report::place::check_target(&settings.out.join(&window.label))?;
    // Rule 14: FKU call-offs count for the ceiling only.
    let fku = allocate::fku::fku(&exports, &classified, &register);
    let counted = allocate::counted_except(&exports, &classified, &register, &fku.rows)?;
    let counted_all = if fku.rows.is_empty() {
        None
    } else {
        Some(allocate::counted(&exports, &classified, &register)?)
    };
    let rules = allocate::Rules {
        tolerance_pp: settings.tolerance_pp,
        min_call_offs: settings.min_call_offs,
    };
    let allocation = allocate::allocate(&counted, &register, &window, rules)?;
    let imbalanced: Vec<usize> = (0..allocation.shares.len())
        .filter(|&i| allocation.shares[i].status == allocate::Status::Imbalance)
        .filter(|&i| !register.agreements[allocation.shares[i].agreement].is_rank())
        .collect();
    let usage = allocate::usage::usage(
        &exports,
        &classified,
        &register,
        &allocation.shares,
        &imbalanced,
        &fku.rows,
    )?;
    let rank_usage = allocate::rank::skips_by(&exports, &classified, &register, &allocation.shares, &fku.rows);
    let reported: Vec<usize> = allocation
        .shares
        .iter()
        .filter(|s| s.scope == allocate::Scope::Period)
        .map(|s| s.agreement)
        .collect();
    let mut monthly = allocate::monthly::monthly(&counted, &register, &window, &reported)?;
    if let Some(all) = &counted_all {
        let all = allocate::monthly::monthly(all, &register, &window, &reported)?;
        allocate::monthly::add_fku(&mut monthly, &all);
    }
    let ceilings = allocate::ceiling::ceilings(
        counted_all.as_ref().unwrap_or(&counted),
        &register,
        &window,
        latest_date,
        &months_read,
    )?;
    let comparison = allocate::compare::compare(&counted, &register, &allocation, rules)?;
    let life = allocate::ceiling::life(
        &exports,
        &classified,
        &register,
        &ceilings,
        allocate::ceiling::as_of(&window, latest_date),
    );
    let beside = allocate::beside::beside(&exports, &classified, &register, &window, settings.direct_award_limit);
    timer.lap("allocate");
    if let Some(org) = &organisation {
        warnings.extend(checks::units_without_section(
            &exports,
            &classified,
            &allocation,
            org,
            settings.lang,
        ));
        warnings.extend(report::drafts::missing_address_warning(org, settings.lang));
    }
    warnings.extend(checks::plausibility(
        &exports,
        &classified,
        &register,
        &reconciliation,
        &window,
        settings.period.is_none(),
        settings.lang,
    ));
    warnings.extend(checks::thin_window(
        &exports,
        &register,
        &allocation,
        settings.period.is_none(),
        settings.lang,
    ));
    for w in &warnings[exports.warnings.len()..] {
        observer.warning(w);
    }
    let info = report::RunInfo {
        tolerance_pp: settings.tolerance_pp,
        min_call_offs: settings.min_call_offs,
        latest_date,
        earliest_date: earliest_days.map(parse::days_to_date),
        generated: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        chart_size: settings.chart_size,
        warnings: warnings.clone(),
    };
    let ctx = report::Context {
        register: &register,
        exports: &exports,
        classified: &classified,
        allocation: &allocation,
        reconciliation: &reconciliation,
        usage: &usage,
        rank_usage: &rank_usage,
        fku: &fku,
        monthly: &monthly,
        ceilings: &ceilings,
        comparison: comparison.as_ref(),
        life: &life,
        beside: &beside,
        organisation: organisation.as_ref(),
        info: &info,
        lang: settings.lang,
    };
    let report::Written {
        folder,
        files: written,
        archived,
    } = report::write_all(&ctx, &settings.out, writers, &|name, seconds| {
        observer.stage(&format!("report/{name}"), seconds)
    })?;
    timer.lap("report");
    observer.finished(&ctx, &folder, written.len());
    if let Some(to) = &archived {
        observer.archived(&folder, to);
    }
    let imbalanced = allocation
        .shares
        .iter()
        .filter(|a| a.scope == allocate::Scope::Period && a.status == allocate::Status::Imbalance)
        .count();
    Ok(RunOutcome {
        folder,
        archived,
        files: written,
        rows_read: reconciliation.read.rows,
        imbalanced,
        warnings,
        elapsed: started.elapsed(),
    })
}

/// Times the stages of a run and tells the observer (the terminal prints
/// them when `AVROPSKOLL_TIMINGS` is set; see bench/).
struct StageTimer<'o> {
    observer: &'o dyn Observer,
    last: Instant,
}

impl<'o> StageTimer<'o> {
    fn new(observer: &'o dyn Observer) -> Self {
        StageTimer {
            observer,
            last: Instant::now(),
        }
    }

    fn lap(&mut self, stage: &str) {
        self.observer.stage(stage, self.last.elapsed().as_secs_f64());
        self.last = Instant::now();
    }
}
