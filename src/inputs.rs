//! The loading half of a run and of `check`: the register, the
//! organisation file and the exports found and read. Nothing is computed
//! here; [`crate::analysis::Analysis`] takes it from there.

use crate::config::Settings;
use crate::error::Result;
use crate::organisation::Organisation;
use crate::read::{self, Exports};
use crate::register::{self, Register};
use crate::Observer;
use std::time::Instant;

/// What a run reads before it computes anything.
pub struct Inputs {
    pub register: Register,
    /// Units → sections and heads, when an organisation file was given.
    pub organisation: Option<Organisation>,
    pub exports: Exports,
}

impl Inputs {
    /// Loads everything a run needs: no export files found is an error.
    /// Tells `observer` the bytes to read, the progress, the reading's time
    /// (stage `read`) and the exports read.
    pub fn load(settings: &Settings, observer: &dyn Observer) -> Result<Inputs> {
        let register = register::load(&settings.agreements)?;
        let organisation = match &settings.organisation {
            Some(p) => Some(Organisation::load(p, settings.lang)?),
            None => None,
        };
        let exports = read_exports(settings, observer, true)?;
        Ok(Inputs {
            register,
            organisation,
            exports,
        })
    }

    /// What `check` reads: the register and, when export paths are given,
    /// the exports (none found is no error there). The organisation file is
    /// not read.
    pub fn for_check(settings: &Settings) -> Result<(Register, Option<Exports>)> {
        let register = register::load(&settings.agreements)?;
        if settings.exports.is_empty() {
            return Ok((register, None));
        }
        let exports = read_exports(settings, &crate::Silent, false)?;
        Ok((register, Some(exports)))
    }
}

/// Finds the export files (never the report folder or the register) and
/// reads them; the skipped files come first in `skipped`.
fn read_exports(settings: &Settings, observer: &dyn Observer, require: bool) -> Result<Exports> {
    let exclude = read::Exclude {
        out: Some(settings.out.clone()),
        register: Some(settings.agreements.clone()),
    };
    let (files, skipped) = read::discover(&settings.exports, &exclude, settings.lang)?;
    if require && files.is_empty() {
        return Err(read::no_exports(&settings.exports));
    }
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    observer.reading(total_bytes);
    let started = Instant::now();
    let mut exports = read::read_all(&files, &settings.read, &|bytes| observer.progress(bytes))?;
    observer.stage("read", started.elapsed().as_secs_f64());
    exports.skipped.splice(0..0, skipped);
    observer.read_done(&exports);
    Ok(exports)
}
