//! Reports: every output of a run is a [`ReportWriter`] over the same
//! [`Context`]. All files of a run are written into a fresh folder beside
//! the target and moved into `OUT/LABEL/` only when complete, so a failed
//! run never leaves half a report in place of the last one.

pub(crate) mod ceiling_sheet;
pub(crate) mod charts;
pub(crate) mod compliance_csv;
pub(crate) mod compliance_sheet;
pub(crate) mod csv;
pub(crate) mod drafts;
pub(crate) mod html;
pub(crate) mod html_beside;
pub(crate) mod labels;
pub(crate) mod mime;
pub(crate) mod place;
pub(crate) mod rank_csv;
pub(crate) mod rank_sheet;
pub(crate) mod sections;
pub(crate) mod sections_beside;
pub(crate) mod sheet;
#[cfg(test)]
mod snapshots;
pub mod terminal;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod xlsx;

use crate::allocate::ceiling::{CeilingUse, Life};
use crate::allocate::compare::Comparison;
use crate::allocate::monthly::Monthly;
use crate::allocate::usage::AgreementUsage;
use crate::allocate::Allocation;
use crate::classify::{AgreementIx, Classified, Detail, Finding, Reconciliation};
use crate::error::{Error, Result};
use crate::read::{Exports, Field};
use crate::register::Register;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub use crate::lang::Lang;

/// Facts about the run for the reports' header blocks.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub tolerance_pp: f64,
    pub min_call_offs: u64,
    /// The latest readable date of any row read.
    pub latest_date: Option<chrono::NaiveDate>,
    /// The earliest readable date of any row read: months before it are
    /// not in the exports (shown empty, not as 0 kr).
    pub earliest_date: Option<chrono::NaiveDate>,
    /// When the report was made, local time, `YYYY-MM-DD HH:MM`.
    pub generated: String,
    /// Width and height of the PNG/SVG charts, pixels.
    pub chart_size: (u32, u32),
    /// What the user was warned about (listed on the first sheet).
    pub warnings: Vec<String>,
}

/// The writers of a normal run: CSV (rules 13–15's apart), the main
/// workbook, the section workbooks, the charts, the forum report.
pub fn standard_writers() -> [&'static dyn ReportWriter; 7] {
    [
        &csv::CsvReport,
        &compliance_csv::ComplianceCsv,
        &rank_csv::RankCsvReport,
        &xlsx::WorkbookReport,
        &sections::SectionReport,
        &charts::ChartReport,
        &html::ForumReport,
    ]
}

/// Everything the reports are made from.
pub struct Context<'a> {
    pub register: &'a Register,
    pub exports: &'a Exports,
    pub classified: &'a Classified,
    pub allocation: &'a Allocation,
    pub reconciliation: &'a Reconciliation,
    /// Rule 10 for every agreement and scope in imbalance.
    pub usage: &'a [AgreementUsage],
    /// Rule 10 for every rank agreement and scope: skips per unit and orderer.
    pub rank_usage: &'a [crate::allocate::rank::RankUsage],
    /// Rule 14: the FKU call-offs and their rows.
    pub fku: &'a crate::allocate::fku::Fku,
    /// Monthly series of every reported agreement.
    pub monthly: &'a [Monthly],
    /// Rule 11 for every reported agreement with a ceiling.
    pub ceilings: &'a [CeilingUse],
    /// Rule 12: the previous window's shares.
    pub comparison: Option<&'a Comparison>,
    /// Agreements ending soon, ended but used, used past the ceiling.
    pub life: &'a Life,
    /// Rule 15: purchases beside the agreements, compliance per account.
    pub beside: &'a crate::allocate::beside::Beside,
    /// Sections and their heads, when an organisation file was given.
    pub organisation: Option<&'a crate::organisation::Organisation>,
    pub info: &'a RunInfo,
    pub lang: Lang,
}

impl RunInfo {
    /// The run's settings and dates, stamped with the local time now.
    pub fn new(settings: &crate::config::Settings, analysis: &crate::analysis::Analysis) -> RunInfo {
        RunInfo {
            tolerance_pp: settings.tolerance_pp,
            min_call_offs: settings.min_call_offs,
            latest_date: analysis.dates.latest,
            earliest_date: analysis.dates.earliest,
            generated: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            chart_size: settings.chart_size,
            warnings: crate::error::worded(&analysis.warnings, settings.lang),
        }
    }
}

impl<'a> Context<'a> {
    /// The reports' view of a run: what was read and what was computed.
    pub fn new(
        inputs: &'a crate::inputs::Inputs,
        analysis: &'a crate::analysis::Analysis,
        info: &'a RunInfo,
        lang: Lang,
    ) -> Context<'a> {
        Context {
            register: &inputs.register,
            exports: &inputs.exports,
            classified: &analysis.classified,
            allocation: &analysis.allocation,
            reconciliation: &analysis.reconciliation,
            usage: &analysis.usage,
            rank_usage: &analysis.rank_usage,
            fku: &analysis.fku,
            monthly: &analysis.monthly,
            ceilings: &analysis.ceilings,
            comparison: analysis.comparison.as_ref(),
            life: &analysis.life,
            beside: &analysis.beside,
            organisation: inputs.organisation.as_ref(),
            info,
            lang,
        }
    }
}

/// A unit's code and name as shown (`1234 Skolfastigheter`): the name,
/// free text from the input, with control characters escaped and cut at
/// 120 characters, so that no terminal, mail or cell is broken by it.
fn with_name(code: &str, name: &str) -> String {
    format!("{code} {}", crate::lang::shown(name, 120))
}

/// The code with its name, or the code alone.
fn shown_with<'t>(code: &'t str, name: Option<&str>) -> std::borrow::Cow<'t, str> {
    match name {
        Some(name) => std::borrow::Cow::Owned(with_name(code, name)),
        None => std::borrow::Cow::Borrowed(code),
    }
}

#[cfg(test)]
#[test]
fn a_unit_name_from_input_is_escaped_and_cut() {
    // A name with a line break and an escape byte, 200 characters long:
    // shown as 120 characters and "…", the controls escaped.
    let name = format!("Skol\nfast\u{1b}{}", "x".repeat(190));
    let shown = with_name("1010", &name);
    assert!(shown.starts_with("1010 Skol\\nfast\\u{1b}xxx"), "{shown}");
    assert!(shown.ends_with("x…"), "{shown}");
    // "1010 " (5) + the first 120 characters, of which the line break
    // shows as 2 ("\\n") and the escape as 6 ("\\u{1b}"): 126, and "…".
    assert_eq!(shown.chars().count(), 5 + 120 + 1 + 5 + 1);
}

impl Context<'_> {
    /// The text of an interned string.
    pub fn text(&self, sym: crate::read::Sym) -> &str {
        self.exports.strings.get(sym)
    }

    /// The text of a unit or orderer of a ranked list, read at `row`.
    pub fn who_text(&self, who: crate::read::Who, row: u32) -> std::borrow::Cow<'_, str> {
        self.exports.who_text(who, row as usize)
    }

    /// [`Context::who_text`] of every (who, row), orderers read again in
    /// one pass per file.
    pub fn who_texts(&self, whos: impl Iterator<Item = (crate::read::Who, u32)>) -> Vec<std::borrow::Cow<'_, str>> {
        let whos: Vec<(crate::read::Who, usize)> = whos.map(|(w, r)| (w, r as usize)).collect();
        self.exports.who_texts(&whos)
    }

    /// A unit's name: the organisation file's, else an export's unit-name
    /// column's; none when it is only the unit's own text again.
    pub fn unit_name(&self, unit: crate::read::Sym) -> Option<&str> {
        self.name_of(self.text(unit), || self.exports.unit_name(unit))
    }

    /// A unit as people read it: its code and name (`1234
    /// Skolfastigheter`), or the code alone when it has no name.
    pub fn unit_shown(&self, unit: crate::read::Sym) -> std::borrow::Cow<'_, str> {
        shown_with(self.text(unit), self.unit_name(unit))
    }

    /// [`Context::unit_shown`] of a unit known by its text (a per-unit
    /// workbook's name).
    pub fn unit_shown_text<'t>(&self, code: &'t str) -> std::borrow::Cow<'t, str> {
        let e = self.exports;
        let from_exports = || {
            e.unit_names
                .iter()
                .find(|(u, _)| e.strings.get(*u) == code)
                .map(|(_, n)| e.strings.get(n))
        };
        shown_with(code, self.name_of(code, from_exports))
    }

    /// The organisation file's name of the unit `code`, else `from_exports`;
    /// none when empty or only the code again.
    fn name_of<'s>(&'s self, code: &str, from_exports: impl FnOnce() -> Option<&'s str>) -> Option<&'s str> {
        self.organisation
            .and_then(|o| o.unit_name(code))
            .or_else(from_exports)
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(code.trim()))
    }

    /// Whether an agreement's ceiling is reached (rule 11): then no report
    /// advises more call-offs under it, whatever the key says.
    pub fn ceiling_reached(&self, agreement: usize) -> bool {
        self.ceilings
            .iter()
            .any(|u| u.agreement == agreement && u.status == crate::allocate::ceiling::CeilingStatus::Reached)
    }
}

/// One kind of output written into the run's folder.
pub trait ReportWriter: Sync {
    /// A short name, for timings.
    fn name(&self) -> &'static str;

    /// Writes its files into `dir`; returns their paths.
    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>>;
}

/// What [`write_all`] did: the report folder, its files, and where the
/// earlier report for the same window went.
pub struct Written {
    pub folder: PathBuf,
    pub files: Vec<PathBuf>,
    pub archived: Option<PathBuf>,
}

/// Writes all reports into `out/LABEL/`: into a staging folder first, then
/// moved into place; an earlier report there is kept in the archive
/// ([`place`]), and anything else in the way stops the run untouched.
/// The rows whose orderer a report may show: the call-offs of the
/// agreements in imbalance (in either scope) and of the rank agreements,
/// and the rows beside the agreements with their suppliers' orderers.
fn orderers_shown(ctx: &Context) -> Vec<usize> {
    let mut listed = vec![false; ctx.register.agreements.len()];
    let shares = ctx.usage.iter().filter_map(|u| ctx.allocation.shares.get(u.shares));
    let ranked = ctx.register.agreements.iter().enumerate().filter(|(_, a)| a.is_rank());
    let agreements = ctx.allocation.imbalanced().into_iter();
    for a in agreements
        .chain(shares.map(|s| s.agreement))
        .chain(ranked.map(|(i, _)| i))
    {
        if let Some(slot) = listed.get_mut(a) {
            *slot = true;
        }
    }
    let piece = |mut rows: Vec<usize>, range: std::ops::Range<usize>| {
        for (i, agreement, _) in ctx.classified.counted_in(range) {
            if listed.get(agreement.index()).copied().unwrap_or(false) {
                rows.push(i);
            }
        }
        rows
    };
    let mut rows: Vec<usize> = match listed.contains(&true) {
        true => ctx.exports.rows.fold(Vec::new, piece, |mut a, b| {
            a.extend(b);
            a
        }),
        false => Vec::new(),
    };
    rows.extend(ctx.beside.rows.iter().map(|r| r.row as usize));
    let named = ctx.beside.suppliers.iter().flat_map(|s| s.orderers.iter());
    rows.extend(named.map(|o| o.row as usize));
    rows
}

pub fn write_all(
    ctx: &Context,
    out: &Path,
    writers: &[&dyn ReportWriter],
    timed: &(dyn Fn(&str, f64) + Sync),
) -> Result<Written> {
    let io = |path: &Path, e: std::io::Error| Error::Output {
        path: path.to_path_buf(),
        message: crate::lang::Text::io(&e),
    };
    let label = &ctx.allocation.window.label;
    let target = out.join(label);
    let previous = place::check_target(&target)?;
    let had_previous = previous == place::Previous::Report;
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let pid = std::process::id();
    let tmp = out.join(format!(".{label}.partial-{pid}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
    }
    let not_written = |e: Error| Error::ReportNotWritten {
        target: target.clone(),
        had_previous,
        source: Box::new(e),
    };
    std::fs::create_dir_all(&tmp).map_err(|e| not_written(io(&tmp, e)))?;
    if ctx.exports.rows.orderers_hashed() {
        ctx.exports.read_orderers_ahead(orderers_shown(ctx));
    }
    // The writers make different files: run them side by side.
    let results: Vec<Result<Vec<PathBuf>>> = writers
        .par_iter()
        .map(|w| {
            let started = std::time::Instant::now();
            let r = w.write(ctx, &tmp);
            timed(w.name(), started.elapsed().as_secs_f64());
            r
        })
        .collect();
    let mut written = Vec::new();
    for r in results {
        match r {
            Ok(files) => written.extend(files),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(not_written(e));
            }
        }
    }
    let archived = if had_previous {
        match place::archive(out, &target, label, ctx.lang) {
            Ok(to) => Some(to),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(e);
            }
        }
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&tmp, &target) {
        if let Some(old) = &archived {
            let _ = std::fs::rename(old, &target);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(not_written(io(&target, e)));
    }
    remove_stale_staging(out, label);
    let files = written
        .into_iter()
        .map(|p| target.join(p.strip_prefix(&tmp).unwrap_or(&p)))
        .collect();
    Ok(Written {
        folder: target,
        files,
        archived,
    })
}

/// Removes the staging folders (`.LABEL.partial-PID`, `.LABEL.previous-PID`)
/// that interrupted runs left behind, unless their process still runs.
fn remove_stale_staging(out: &Path, label: &str) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = [".partial-", ".previous-"]
            .iter()
            .find_map(|kind| name.strip_prefix(&format!(".{label}{kind}")));
        let Some(pid) = pid else { continue };
        let running = pid
            .parse::<u32>()
            .is_ok_and(|p| p == std::process::id() || alive(p, &entry.path()));
        if !running {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether the run `pid` that owns the staging folder `dir` may still be
/// writing: on Linux its `/proc` entry says so; where there is none
/// (Windows, macOS) a folder changed within the last hour is left alone.
fn alive(pid: u32, dir: &Path) -> bool {
    let proc = Path::new("/proc");
    if proc.is_dir() {
        return proc.join(pid.to_string()).exists();
    }
    std::fs::metadata(dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(3600))
}

/// The `detail` text of a data-quality finding, in words a user
/// understands; control characters from the input (NUL, escape) dropped.
pub fn detail_text(ctx: &Context, finding: &Finding) -> String {
    let text = detail_words(ctx, finding);
    match crate::lang::printable(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

fn detail_words(ctx: &Context, finding: &Finding) -> String {
    let lang = ctx.lang;
    let agreement = |i: &AgreementIx| ctx.register.agreements.get(i.index());
    let id = |i: &AgreementIx| agreement(i).map_or("?", |a| a.id.as_str()).to_string();
    match (&finding.detail, lang) {
        (Detail::Unreadable(problems), _) => problems
            .iter()
            .map(|p| unreadable_words(lang, p))
            .collect::<Vec<_>>()
            .join("; "),
        (Detail::Total, Lang::Sv) => "summeringsrad (Summa/Totalt), räknas inte som avrop".into(),
        (Detail::Total, Lang::En) => "totals row (Summa/Totalt), not a call-off".into(),
        (Detail::DuplicateOf { file, line }, _) => {
            let f = ctx
                .exports
                .files
                .get(*file as usize)
                .map_or("?", |f| f.display.as_str());
            match lang {
                Lang::Sv => format!("dubblett: samma rad finns som rad {line} i {f}"),
                Lang::En => format!("duplicate: the same row is row {line} of {f}"),
            }
        }
        (Detail::UnknownAgreement { text, suggestion }, _) => {
            let near = suggestion.as_ref().and_then(agreement).map(|a| a.id.as_str());
            unknown_agreement_words(lang, text, near)
        }
        (Detail::Ambiguous { supplier, agreements }, _) => {
            let ids = agreements.iter().map(id).collect::<Vec<_>>().join(", ");
            match lang {
                Lang::Sv => format!("leverantören '{supplier}' finns i flera avtal som gäller på datumet: {ids}"),
                Lang::En => format!("supplier '{supplier}' is in several agreements valid on the date: {ids}"),
            }
        }
        (Detail::SupplierOutside { supplier, agreement: a }, Lang::Sv) => {
            format!("leverantören '{supplier}' är inte leverantör i avtal {}", id(a))
        }
        (Detail::SupplierOutside { supplier, agreement: a }, Lang::En) => {
            format!("supplier '{supplier}' is not a supplier of agreement {}", id(a))
        }
        (Detail::OutsideValidity { agreement: a }, _) => outside_validity_words(ctx, finding, *a),
    }
}

/// One unreadable cell: its field, column and value (a foreign currency
/// says what to do).
fn unreadable_words(lang: Lang, problem: &crate::read::Unreadable) -> String {
    let crate::read::Unreadable { field, header, value } = problem;
    if *field == Field::Currency {
        return match lang {
            Lang::Sv => {
                format!("beloppet är i {value}, inte i kronor (kolumnen '{header}'); räkna om till SEK i exporten")
            }
            Lang::En => {
                format!("the amount is in {value}, not SEK (column '{header}'); convert it to SEK in the export")
            }
        };
    }
    let value = if value.is_empty() {
        match lang {
            Lang::Sv => "tom".to_string(),
            Lang::En => "empty".to_string(),
        }
    } else {
        format!("'{value}'")
    };
    match lang {
        Lang::Sv => format!("oläsbart {} i kolumnen '{header}': {value}", field.label(lang)),
        Lang::En => format!("unreadable {} in column '{header}': {value}", field.label(lang)),
    }
}

/// An id not in the register, with the registered id one step away.
fn unknown_agreement_words(lang: Lang, text: &str, near: Option<&str>) -> String {
    match (lang, near) {
        (Lang::Sv, None) => format!("avtalet '{text}' finns inte i avtalsregistret"),
        (Lang::Sv, Some(id)) => format!(
            "avtalet '{text}' finns inte i avtalsregistret – menas {id}? Rätta id:t i ekonomisystemet (raden räknas inte)"
        ),
        (Lang::En, None) => format!("agreement '{text}' is not in the register"),
        (Lang::En, Some(id)) => format!(
            "agreement '{text}' is not in the register – did you mean {id}? Correct the id in the economy system (the row is not counted)"
        ),
    }
}

/// A row dated outside its agreement's validity: the date and the validity.
fn outside_validity_words(ctx: &Context, finding: &Finding, a: AgreementIx) -> String {
    let agreement = ctx.register.agreements.get(a.index());
    let id = agreement.map_or("?", |a| a.id.as_str());
    let date = ctx
        .exports
        .rows
        .get(finding.row)
        .and_then(|r| r.date)
        .map(|d| crate::parse::days_to_date(d).to_string())
        .unwrap_or_default();
    let (from, to) = agreement.map_or((String::new(), String::new()), |a| {
        (a.valid_from.to_string(), a.valid_to.to_string())
    });
    match ctx.lang {
        Lang::Sv => format!("daterad {date}, utanför avtal {id}:s giltighet {from}–{to}"),
        Lang::En => format!("dated {date}, outside the validity of agreement {id} ({from} to {to})"),
    }
}
