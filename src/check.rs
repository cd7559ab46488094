//! `avropskoll check`: validates the register (every problem at once) and,
//! with exports, reads them and tells per file the header mapping, the
//! rows, the date range and the files it would skip, without computing or
//! writing reports.

use crate::error::Result;
use crate::read::Exports;
use crate::register::Register;
use chrono::NaiveDate;
use std::path::PathBuf;

/// What `check` found.
#[derive(Debug)]
pub struct CheckReport {
    pub register_path: PathBuf,
    pub register: Register,
    /// The run's tolerance, for agreements without their own.
    pub tolerance_pp: f64,
    /// The exports read, when any were given.
    pub exports: Option<Exports>,
    /// Per file (index into `exports.files`): the earliest and latest
    /// readable date.
    pub date_ranges: Vec<Option<(NaiveDate, NaiveDate)>>,
    /// The direct-award limit of the settings (rule 15), fixed point.
    pub direct_award_limit: i64,
}

/// Checks the register and, when given, the exports.
pub fn check(settings: &crate::config::Settings) -> Result<CheckReport> {
    let (register, exports) = crate::inputs::Inputs::for_check(settings)?;
    let Some(exports) = exports else {
        return Ok(CheckReport {
            register_path: settings.agreements.clone(),
            register,
            tolerance_pp: settings.tolerance_pp,
            exports: None,
            date_ranges: Vec::new(),
            direct_award_limit: settings.direct_award_limit,
        });
    };
    let mut date_ranges: Vec<Option<(NaiveDate, NaiveDate)>> = vec![None; exports.files.len()];
    for row in exports.rows.iter() {
        if let (Some(d), Some(slot)) = (row.date, date_ranges.get_mut(row.file as usize)) {
            let d = crate::parse::days_to_date(d);
            *slot = Some(match *slot {
                Some((a, b)) => (a.min(d), b.max(d)),
                None => (d, d),
            });
        }
    }
    Ok(CheckReport {
        register_path: settings.agreements.clone(),
        register,
        tolerance_pp: settings.tolerance_pp,
        exports: Some(exports),
        date_ranges,
        direct_award_limit: settings.direct_award_limit,
    })
}
