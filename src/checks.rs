//! Warnings when the input is plainly wrong but the run still goes on: no
//! row counted for any agreement, a default window chosen from a date far
//! from the rest of the data, unknown agreement ids close to registered
//! ones. They are printed and listed on the workbook's first sheet.

use crate::classify::{Classified, Detail, Reconciliation};
use crate::error::{DataWarning, Warning, WindowWarning};
use crate::parse;
use crate::read::Exports;
use crate::register::Register;
use crate::window::Window;

/// A gap in the dates (days) that sets the latest rows apart from the bulk.
const GAP_DAYS: i32 = 92;

/// Every plausibility warning of a run.
pub fn plausibility(
    exports: &Exports,
    classified: &Classified,
    register: &Register,
    reconciliation: &Reconciliation,
    window: &Window,
    default_window: bool,
) -> Vec<Warning> {
    let mut out = Vec::new();
    if reconciliation.in_agreements.rows == 0 {
        out.push(DataWarning::NothingCounted {
            rows: reconciliation.read.rows,
        });
    }
    if default_window {
        out.extend(far_latest_date(exports, window));
    }
    out.extend(near_miss_ids(classified, register));
    out.into_iter().map(Warning::Data).collect()
}

/// Warnings about a window with little to judge (rule 12's honesty): a
/// window in which no row read is dated; reported agreements without a
/// row in the window; a default window whose rows lie in fewer than two
/// months.
pub fn thin_window(
    exports: &Exports,
    register: &Register,
    allocation: &crate::allocate::Allocation,
    default_window: bool,
) -> Vec<Warning> {
    let w = &allocation.window;
    let (start, end) = (parse::date_to_days(w.start), parse::date_to_days(w.end));
    let months: std::collections::BTreeSet<(i32, u32)> =
        crate::window::Days::of(&exports.rows, |d| (start..=end).contains(&d))
            .months
            .into_iter()
            .map(|key| {
                let first = crate::window::month_start(key);
                (chrono::Datelike::year(&first), chrono::Datelike::month(&first))
            })
            .collect();
    let label = &w.label;
    if months.is_empty() {
        return vec![Warning::Window(WindowWarning::NoRows { window: w.to_string() })];
    }
    let mut out = Vec::new();
    if default_window && months.len() < 2 {
        let (year, month) = months.iter().next().copied().unwrap_or_default();
        out.push(WindowWarning::OneMonth {
            window: label.clone(),
            year,
            month,
        });
    }
    let empty: Vec<String> = allocation
        .period()
        .filter(|a| a.suppliers.iter().all(|s| s.amount == 0 && s.call_offs == 0))
        .filter_map(|a| register.agreements.get(a.agreement).map(|r| r.id.clone()))
        .collect();
    if !empty.is_empty() {
        out.push(WindowWarning::AgreementsWithoutRows {
            window: label.clone(),
            ids: empty,
        });
    }
    out.into_iter().map(Warning::Window).collect()
}

/// How many rows have a date, and the latest `keep` of them as (date,
/// row) in ascending order (among equal dates, by row): the rows looked at
/// in pieces side by side, each keeping only its latest.
fn latest_rows(exports: &Exports, keep: usize) -> (usize, Vec<(i32, usize)>) {
    let rows = &exports.rows;
    let trim = |v: &mut Vec<(i32, usize)>| {
        if v.len() > keep {
            let cut = v.len() - keep;
            v.select_nth_unstable(cut);
            v.drain(..cut);
        }
    };
    let piece = |(mut dated, mut latest): (usize, Vec<(i32, usize)>), range: std::ops::Range<usize>| {
        let from = range.start;
        for (k, d) in rows.dates(range).enumerate() {
            let Some(d) = d else { continue };
            dated += 1;
            latest.push((d, from + k));
            if latest.len() >= 4 * keep {
                trim(&mut latest);
            }
        }
        trim(&mut latest);
        (dated, latest)
    };
    let merge = |(n, mut a): (usize, Vec<(i32, usize)>), (m, b): (usize, Vec<(i32, usize)>)| {
        a.extend(b);
        trim(&mut a);
        (n + m, a)
    };
    let (dated, mut latest) = rows.fold(|| (0, Vec::new()), piece, merge);
    latest.sort_unstable();
    (dated, latest)
}

/// When the latest date stands more than [`GAP_DAYS`] after the rest of the
/// data and only a few rows (at most 1 %, at most 100) lie beyond the gap,
/// the default window was set by what is probably a typo.
fn far_latest_date(exports: &Exports, window: &Window) -> Option<DataWarning> {
    let (dated, dates) = latest_rows(exports, 101);
    if dated < 2 {
        return None;
    }
    let most = (dated / 100).clamp(1, 100);
    // The latest `most + 1` rows (date, row), in order.
    let dates = dates.get(dates.len().saturating_sub(most + 1)..)?;
    // The largest gap among them.
    let top = dates.len() - 1;
    let (gap_at, gap) = (0..top)
        .map(|k| (k, dates[k + 1].0 - dates[k].0))
        .max_by_key(|&(_, g)| g)?;
    if gap <= GAP_DAYS {
        return None;
    }
    let bulk = Window::half_year_of(parse::days_to_date(dates[gap_at].0));
    if bulk.label == window.label {
        return None;
    }
    let (latest, row) = dates[top];
    let r = exports.rows.get(row)?;
    let file = exports.files.get(r.file as usize).map_or("?", |f| f.display.as_str());
    let date = parse::days_to_date(latest);
    Some(DataWarning::FarLatestDate {
        window: window.label.clone(),
        date,
        file: file.to_string(),
        line: r.line,
        beyond: top - gap_at,
        bulk: bulk.label,
    })
}

/// One warning per distinct unknown agreement id that is close to a
/// registered one.
fn near_miss_ids(classified: &Classified, register: &Register) -> Vec<DataWarning> {
    let mut seen: Vec<(String, crate::classify::AgreementIx, usize)> = Vec::new();
    for f in &classified.findings {
        if let Detail::UnknownAgreement {
            text,
            suggestion: Some(a),
        } = &f.detail
        {
            match seen.iter_mut().find(|(t, ..)| t == text) {
                Some(entry) => entry.2 += 1,
                None => seen.push((text.clone(), *a, 1)),
            }
        }
    }
    seen.into_iter()
        .filter_map(|(text, a, rows)| {
            let id = register.agreements.get(a.index())?.id.clone();
            Some(DataWarning::NearMissId { text, rows, id })
        })
        .collect()
}

/// Units that booked call-offs under imbalanced agreements in the window
/// but are missing from the organisation file (their section workbook is
/// *Utan sektion*).
pub fn units_without_section(
    exports: &Exports,
    classified: &Classified,
    allocation: &crate::allocate::Allocation,
    organisation: &crate::organisation::Organisation,
) -> Vec<Warning> {
    // Which agreements are in imbalance, looked up once a row.
    let listed = allocation.imbalanced();
    let mut imbalanced = vec![false; listed.iter().max().map_or(0, |&m| m + 1)];
    for a in listed {
        if let Some(slot) = imbalanced.get_mut(a) {
            *slot = true;
        }
    }
    let window = &allocation.window;
    let (start, end) = (parse::date_to_days(window.start), parse::date_to_days(window.end));
    type Units = std::collections::HashSet<crate::read::Sym, foldhash::fast::RandomState>;
    // The units of those rows.
    let rows = &exports.rows;
    let piece = |mut units: Units, range: std::ops::Range<usize>| {
        for (i, agreement, _) in classified.counted_in(range) {
            if imbalanced.get(agreement.index()).copied().unwrap_or(false)
                && rows.basics(i).1.is_some_and(|d| (start..=end).contains(&d))
            {
                units.insert(rows.buyer(i)[0]);
            }
        }
        units
    };
    let units = rows.fold(Units::default, piece, |mut a, b| {
        a.extend(b);
        a
    });
    let mut missing: Vec<String> = Vec::new();
    for unit in units {
        let text = exports.strings.get(unit);
        if organisation.section_of(text).is_none() && !missing.iter().any(|m| m == text) {
            missing.push(text.to_string());
        }
    }
    if missing.is_empty() {
        return Vec::new();
    }
    missing.sort();
    vec![Warning::Data(DataWarning::UnitsWithoutSection { units: missing })]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocate::testkit::{run, Run};
    use crate::lang::Lang;

    /// The warnings as the Swedish user reads them.
    fn sv(warnings: Vec<Warning>) -> Vec<String> {
        crate::error::worded(&warnings, Lang::Sv)
    }

    /// Two key agreements of 2024: RA-2024-001 (A AB, B AB) and
    /// RA-2024-002 (C AB).
    const REGISTER: &str = r#"
[[agreement]]
id = "RA-2024-001"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2024-12-31
  [[agreement.supplier]]
  name = "A AB"
  share = 50
  [[agreement.supplier]]
  name = "B AB"
  share = 50
[[agreement]]
id = "RA-2024-002"
name = "El"
valid_from = 2024-01-01
valid_to = 2024-12-31
  [[agreement.supplier]]
  name = "C AB"
  share = 100
"#;

    const HEADER: &str = "Bokföringsdatum;Leverantör;Avtal;Belopp\n";

    fn plausible(r: &Run, default_window: bool) -> Vec<String> {
        let reconciliation = Reconciliation::new(&r.exports, &r.classified);
        let w = &r.allocation.window;
        sv(plausibility(
            &r.exports,
            &r.classified,
            &r.register,
            &reconciliation,
            w,
            default_window,
        ))
    }

    #[test]
    fn a_window_without_rows_judges_nothing() {
        let csv = format!("{HEADER}2024-01-10;A AB;;100\n2024-02-10;B AB;;100\n");
        let r = run(REGISTER, &csv, "2024-H2");
        let w = sv(thin_window(&r.exports, &r.register, &r.allocation, false));
        assert_eq!(w, vec!["perioden 2024-H2 (2024-07-01 – 2024-12-31) har inga rader i exporterna: inget avtal kan bedömas, och ingen förändring sedan förra perioden är en åtgärd – välj en period med data (--period)".to_string()]);
    }

    #[test]
    fn a_default_window_of_one_month_and_agreements_without_rows_are_named() {
        // Both rows in January 2024: one month; RA-2024-002 has none.
        let csv = format!("{HEADER}2024-01-10;A AB;;100\n2024-01-20;B AB;;100\n");
        let r = run(REGISTER, &csv, "2024-01");
        let w = sv(thin_window(&r.exports, &r.register, &r.allocation, true));
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].starts_with("standardperioden 2024-01 har data från bara en månad (2024-01)"),
            "{}",
            w[0]
        );
        assert_eq!(
            w[1],
            "avtal utan rader i perioden 2024-01: RA-2024-002 (de bedöms inte)"
        );
        // A window the user chose is not second-guessed for its length.
        assert_eq!(sv(thin_window(&r.exports, &r.register, &r.allocation, false)).len(), 1);
    }

    #[test]
    fn nothing_counted_and_ids_one_step_from_a_registered_one_are_warned() {
        // 'RA-2024-0011' is one insertion from RA-2024-001 and two edits
        // from RA-2024-002 (so suggested); three rows, none counted.
        let csv = format!(
            "{HEADER}2024-01-10;A AB;RA-2024-0011;100\n2024-01-11;B AB;RA-2024-0011;100\n2024-01-12;X AB;;100\n"
        );
        let r = run(REGISTER, &csv, "2024-H1");
        let w = plausible(&r, false);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].starts_with("ingen av de 3 lästa raderna räknades för något avtal"),
            "{}",
            w[0]
        );
        assert_eq!(
            w[1],
            "avtalet 'RA-2024-0011' (2 rader) finns inte i avtalsregistret – menas RA-2024-001? Raderna räknas inte förrän id:t rättas."
        );
    }

    #[test]
    fn the_latest_rows_are_those_a_full_sort_puts_last() {
        // Dates out of order, repeated, some rows without a date.
        let mut csv = HEADER.to_string();
        for k in 0..3000u32 {
            let day = (k * 7919) % 300;
            match k % 13 {
                0 => csv.push_str("inget datum;A AB;;100\n"),
                _ => csv.push_str(&format!(
                    "2024-{:02}-{:02};A AB;;100\n",
                    1 + day / 28 % 12,
                    1 + day % 28
                )),
            }
        }
        let r = run(REGISTER, &csv, "2024-H1");
        let mut all: Vec<(i32, usize)> = (0..r.exports.rows.len())
            .filter_map(|i| Some((r.exports.rows.at(i).date?, i)))
            .collect();
        all.sort_unstable();
        for keep in [1, 2, 101] {
            let (dated, latest) = latest_rows(&r.exports, keep);
            assert_eq!(dated, all.len());
            assert_eq!(latest, all[all.len() - keep..]);
        }
    }

    #[test]
    fn a_default_window_set_by_one_far_date_is_questioned() {
        // 150 rows in January–March 2024, one on 2025-09-01 (line 152):
        // the default window 2025-H2 comes from that one row; the bulk
        // points to 2024-H1 (the gap is far over 92 days).
        let mut csv = HEADER.to_string();
        for k in 0..150 {
            csv.push_str(&format!("2024-0{}-{:02};A AB;;100\n", 1 + k / 50, 1 + k % 28));
        }
        csv.push_str("2025-09-01;B AB;;100\n");
        let r = run(REGISTER, &csv, "2025-H2");
        let w = plausible(&r, true);
        assert_eq!(w, vec!["perioden 2025-H2 valdes från det senaste datumet 2025-09-01 (export.csv, rad 152), men 1 rad(er) ligger långt efter alla andra; resten av datan pekar på 2024-H1 – är datumet ett skrivfel? Ange annars --period 2024-H1.".to_string()]);
        // With a window the user gave, no such question.
        assert!(plausible(&r, false).is_empty());
    }
}
