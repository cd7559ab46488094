//! The computing half of a run: [`Inputs`] classified (rules 2–5),
//! allocated (rules 6–9, 13, 14), who used the imbalanced agreements (rule
//! 10), the ceilings and the agreements' life (rule 11), the change
//! (rule 12), the purchases beside the agreements (rule 15) and the
//! warnings of the checks. Everything the reports show, nothing written.

use crate::allocate::{self, beside::Beside, ceiling, compare::Comparison, fku::Fku, monthly::Monthly};
use crate::allocate::{rank::RankUsage, usage::AgreementUsage, Allocation, Counted};
use crate::classify::{self, Classified, Reconciliation};
use crate::config::Settings;
use crate::error::Warning;
use crate::error::{Error, Result};
use crate::inputs::Inputs;
use crate::organisation::Organisation;
use crate::read::Exports;
use crate::window::{self, Window};
use crate::{checks, parse, Observer};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::time::Instant;

/// What the analysis needs from the layer above it (the reports), handed
/// down so that no stage names `report/`.
pub struct Edge<'a> {
    pub observer: &'a dyn Observer,
    /// Called with the window before the work: something in the way of
    /// the report stops the run before the work, not after it.
    pub before_work: &'a dyn Fn(&Window) -> Result<()>,
    /// The warning about sections that get no mail draft, if any.
    pub organisation_warning: &'a dyn Fn(&Organisation) -> Option<Warning>,
}

/// The dates the exports hold: the latest (rule 6), the earliest and the
/// months covered (rule 11's coverage).
#[derive(Debug, Clone, Default)]
pub struct Dates {
    pub latest: Option<NaiveDate>,
    pub earliest: Option<NaiveDate>,
    /// Month keys ([`window::month_key`]) of every month with a dated row.
    pub months: BTreeSet<i32>,
}

impl Dates {
    /// One pass over the rows' dates, in pieces side by side.
    pub fn of(exports: &Exports) -> Dates {
        let days = window::Days::of(&exports.rows, |_| true);
        Dates {
            latest: days.span.map(|r| parse::days_to_date(r.1)),
            earliest: days.span.map(|r| parse::days_to_date(r.0)),
            months: days.months,
        }
    }
}

/// Everything computed from the inputs.
pub struct Analysis {
    pub classified: Classified,
    pub reconciliation: Reconciliation,
    pub dates: Dates,
    pub fku: Fku,
    pub allocation: Allocation,
    pub usage: Vec<AgreementUsage>,
    pub rank_usage: Vec<RankUsage>,
    pub monthly: Vec<Monthly>,
    pub ceilings: Vec<ceiling::CeilingUse>,
    pub comparison: Option<Comparison>,
    pub life: ceiling::Life,
    pub beside: Beside,
    /// The readers' warnings, then the checks' (`new_warnings` onwards).
    pub warnings: Vec<Warning>,
    /// Where the checks' warnings start in `warnings`.
    pub new_warnings: usize,
}

/// The rows counted for the rules: without the FKU call-offs (rule 14),
/// and with them for the ceiling when there are any.
struct Counting {
    fku: Fku,
    counted: Counted,
    all: Option<Counted>,
}

impl Counting {
    fn new(inputs: &Inputs, classified: &Classified) -> Result<Counting> {
        let (exports, register) = (&inputs.exports, &inputs.register);
        let fku = allocate::fku::fku(exports, classified, register);
        let counted = allocate::counted_except(exports, classified, register, &fku.rows)?;
        let all = match fku.rows.is_empty() {
            true => None,
            false => Some(allocate::counted(exports, classified, register)?),
        };
        Ok(Counting { fku, counted, all })
    }

    /// The rows rule 11 counts: every call-off, FKU included.
    fn for_ceiling(&self) -> &Counted {
        self.all.as_ref().unwrap_or(&self.counted)
    }
}

impl Analysis {
    /// Classifies and allocates; tells `edge.observer` the stages' times.
    pub fn new(inputs: &Inputs, settings: &Settings, edge: &Edge) -> Result<Analysis> {
        let mut last = Instant::now();
        let mut lap = |stage: &str| {
            edge.observer.stage(stage, last.elapsed().as_secs_f64());
            last = Instant::now();
        };
        let classified = classify::classify(&inputs.exports, &inputs.register);
        let (reconciliation, dates) = rayon::join(
            || classify::Reconciliation::new(&inputs.exports, &classified),
            || Dates::of(&inputs.exports),
        );
        lap("classify");
        let window = match &settings.period {
            Some(w) => w.clone(),
            None => Window::half_year_of(dates.latest.ok_or(Error::NoDates)?),
        };
        (edge.before_work)(&window)?;
        let analysis = Analysis::allocated(inputs, settings, classified, reconciliation, dates, window)?;
        lap("allocate");
        Ok(analysis.with_warnings(inputs, settings, edge))
    }

    /// Rules 6–15 on the classified rows.
    fn allocated(
        inputs: &Inputs,
        settings: &Settings,
        classified: Classified,
        reconciliation: Reconciliation,
        dates: Dates,
        window: Window,
    ) -> Result<Analysis> {
        let (exports, register) = (&inputs.exports, &inputs.register);
        let counting = Counting::new(inputs, &classified)?;
        let rules = allocate::Rules {
            tolerance_pp: settings.tolerance_pp,
            min_call_offs: settings.min_call_offs,
        };
        let allocation = allocate::allocate(&counting.counted, register, &window, rules);
        let key_imbalanced = allocation.imbalanced_key_shares(register);
        let fku = &counting.fku.rows;
        // Each of these passes over the rows on its own: side by side.
        let ((usage, rank_usage), ((monthly, comparison), (ceilings, life, beside))) = rayon::join(
            || {
                let usage =
                    allocate::usage::usage(exports, &classified, register, &allocation.shares, &key_imbalanced, fku);
                let rank = allocate::rank::skips_by(exports, &classified, register, &allocation.shares, fku);
                (usage, rank)
            },
            || {
                rayon::join(
                    || {
                        let monthly = monthly(&counting, inputs, &allocation, &window);
                        (
                            monthly,
                            allocate::compare::compare(&counting.counted, register, &allocation, rules),
                        )
                    },
                    || {
                        let for_ceiling = counting.for_ceiling();
                        let ceilings =
                            allocate::ceiling::ceilings(for_ceiling, register, &window, dates.latest, &dates.months);
                        let as_of = allocate::ceiling::as_of(&window, dates.latest);
                        let life = allocate::ceiling::life(exports, &classified, register, &ceilings, as_of);
                        let limit = settings.direct_award_limit;
                        let beside = allocate::beside::beside(exports, &classified, register, &window, limit);
                        (ceilings, life, beside)
                    },
                )
            },
        );
        let usage = usage?;
        Ok(Analysis {
            classified,
            reconciliation,
            dates,
            fku: counting.fku,
            allocation,
            usage,
            rank_usage,
            monthly,
            ceilings,
            comparison,
            life,
            beside,
            warnings: exports.warnings.clone(),
            new_warnings: exports.warnings.len(),
        })
    }

    /// The checks' warnings after the readers'.
    fn with_warnings(mut self, inputs: &Inputs, settings: &Settings, edge: &Edge) -> Analysis {
        let (exports, register) = (&inputs.exports, &inputs.register);
        let default_window = settings.period.is_none();
        if let Some(org) = &inputs.organisation {
            let units = checks::units_without_section(exports, &self.classified, &self.allocation, org);
            self.warnings.extend(units);
            self.warnings.extend((edge.organisation_warning)(org));
        }
        self.warnings.extend(checks::plausibility(
            exports,
            &self.classified,
            register,
            &self.reconciliation,
            &self.allocation.window,
            default_window,
        ));
        let thin = checks::thin_window(exports, register, &self.allocation, default_window);
        self.warnings.extend(thin);
        self
    }

    /// The warnings the checks added (the readers' were told as read).
    pub fn new_warnings(&self) -> &[Warning] {
        self.warnings.get(self.new_warnings..).unwrap_or_default()
    }
}

/// The monthly series of every agreement reported in the window, the FKU
/// call-offs added for the ceiling's line when there are any.
fn monthly(counting: &Counting, inputs: &Inputs, allocation: &Allocation, window: &Window) -> Vec<Monthly> {
    let register = &inputs.register;
    let reported: Vec<usize> = allocation.period().map(|s| s.agreement).collect();
    let mut monthly = allocate::monthly::monthly(&counting.counted, register, window, &reported);
    if let Some(all) = &counting.all {
        let all = allocate::monthly::monthly(all, register, window, &reported);
        allocate::monthly::add_fku(&mut monthly, &all);
    }
    monthly
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTER: &str = r#"
[[agreement]]
id = "RA-1"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2024-12-31
  [[agreement.supplier]]
  name = "A AB"
  share = 100
"#;

    #[test]
    fn the_dates_read_latest_earliest_and_the_months_covered() {
        // Rows in January and March 2024 (none in February); one without
        // a readable date.
        let csv = "Bokföringsdatum;Leverantör;Belopp
2024-03-05;A AB;100
2024-01-10;A AB;100
2024-03-20;A AB;100
2024-02-30;A AB;100
";
        let r = crate::allocate::testkit::run(REGISTER, csv, "2024-H1");
        let dates = Dates::of(&r.exports);
        let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d);
        assert_eq!(dates.latest, day(3, 20));
        assert_eq!(dates.earliest, day(1, 10));
        // Month keys: 2024 · 12 + 0 (January) and + 2 (March).
        assert_eq!(dates.months, BTreeSet::from([24_288, 24_290]));
    }
}
