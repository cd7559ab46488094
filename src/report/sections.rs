//! A workbook per unit (`sektioner/<unit>.xlsx`) for every unit that used an
//! agreement in imbalance in the window: the unit's own split against the
//! key, its excess beyond the key, which suppliers should get the next
//! call-offs, and the unit's call-offs row by row.

use super::labels::{labels, Labels};
use super::sheet::{self, header_row, print_setup, xlsx_err, Formats};
use super::xlsx::{excel_date, sek};
use super::{Context, ReportWriter};
use crate::allocate::usage::excess;
use crate::allocate::{AgreementShares, Scope, Status};
use crate::classify::Outcome;
use crate::error::{Error, Result};
use crate::parse;
use crate::read::Field;
use crate::register::Basis;
use rayon::prelude::*;
use rust_xlsxwriter::{Table, TableColumn, Workbook, Worksheet, XlsxError};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Writes the section workbooks.
pub struct SectionReport;

/// The folder the section workbooks go to.
pub const FOLDER: &str = "sektioner";

/// The rows (indices into the exports) of each unit in imbalanced
/// agreements in the window, per unit in order of unit text.
pub fn unit_rows(ctx: &Context) -> BTreeMap<String, Vec<usize>> {
    let window = &ctx.allocation.window;
    let imbalanced: HashSet<usize> = ctx
        .allocation
        .shares
        .iter()
        .filter(|s| s.scope == Scope::Period && s.status == Status::Imbalance)
        .map(|s| s.agreement)
        .collect();
    let mut units: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (row, outcome)) in ctx.exports.rows.iter().zip(&ctx.classified.outcomes).enumerate() {
        let Outcome::InAgreement { agreement, .. } = outcome else {
            continue;
        };
        let in_window = row.date.is_some_and(|d| window.contains(parse::days_to_date(d)));
        if in_window && imbalanced.contains(&(*agreement as usize)) {
            units
                .entry(ctx.text(row.get(Field::Unit)).to_string())
                .or_default()
                .push(i);
        }
    }
    units
}

impl ReportWriter for SectionReport {
    fn name(&self) -> &'static str {
        "sections"
    }

    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        let units = unit_rows(ctx);
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let folder = dir.join(FOLDER);
        std::fs::create_dir_all(&folder).map_err(|e| Error::Output {
            path: folder.clone(),
            message: crate::lang::Text::io(&e),
        })?;
        let l = labels(ctx.lang);
        // File names first (in unit order, so they are the same every run),
        // then the workbooks side by side.
        let mut taken = HashSet::new();
        let fallback = if ctx.lang == super::Lang::Sv {
            "utan-enhet"
        } else {
            "no-unit"
        };
        let jobs: Vec<(PathBuf, &String, &Vec<usize>)> = units
            .iter()
            .map(|(unit_text, rows)| {
                let stem = sheet::file_stem(unit_text, fallback, &mut taken);
                (folder.join(format!("{stem}.xlsx")), unit_text, rows)
            })
            .collect();
        jobs.par_iter()
            .map(|(path, unit_text, rows)| {
                let shown = if unit_text.is_empty() {
                    l.no_unit
                } else {
                    unit_text.as_str()
                };
                unit_workbook(ctx, shown, rows, l)
                    .and_then(|mut wb| wb.save(path))
                    .map_err(xlsx_err(path))?;
                Ok(path.clone())
            })
            .collect()
    }
}

fn unit_workbook(ctx: &Context, unit: &str, rows: &[usize], l: &Labels) -> Result<Workbook, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    summary_sheet(wb.add_worksheet(), ctx, unit, rows, &f, l)?;
    // Excel holds 1 048 576 rows a sheet: a longer list goes on to more
    // sheets, nothing is cut.
    let parts = rows.chunks(ROWS_PER_SHEET).count();
    for (k, part) in rows.chunks(ROWS_PER_SHEET.max(1)).enumerate() {
        let name = if parts > 1 {
            format!("{} ({} {} {parts})", l.section_calls, k + 1, ctx.lang.pick("av", "of"))
        } else {
            l.section_calls.to_string()
        };
        calls_sheet(wb.add_worksheet(), &name, ctx, part, &f, l)?;
    }
    Ok(wb)
}

fn summary_sheet(
    ws: &mut Worksheet,
    ctx: &Context,
    unit: &str,
    rows: &[usize],
    f: &Formats,
    l: &Labels,
) -> Result<(), XlsxError> {
    ws.set_name(l.overview)?;
    let w = &ctx.allocation.window;
    ws.write_string_with_format(0, 0, format!("{unit} – {}", l.section_title), &f.title)?;
    ws.write_string_with_format(
        1,
        0,
        format!("{} {} ({} – {})", l.window, w.label, w.start, w.end),
        &f.note,
    )?;
    // The unit's amounts and call-offs per agreement and supplier.
    let mut per: BTreeMap<usize, (Vec<i64>, Vec<u64>)> = BTreeMap::new();
    for &i in rows {
        if let (Outcome::InAgreement { agreement, supplier }, Some(a)) =
            (ctx.classified.outcomes[i], ctx.exports.rows[i].amount)
        {
            let n = ctx.register.agreements[agreement as usize].suppliers.len();
            let e = per
                .entry(agreement as usize)
                .or_insert_with(|| (vec![0; n], vec![0; n]));
            e.0[supplier as usize] += a.0;
            e.1[supplier as usize] += u64::from(a.0 > 0);
        }
    }
    let mut r = 3u32;
    for (ai, (amounts, counts)) in &per {
        let a = &ctx.register.agreements[*ai];
        let Some(period) = ctx
            .allocation
            .shares
            .iter()
            .find(|s: &&AgreementShares| s.scope == Scope::Period && s.agreement == *ai)
        else {
            continue;
        };
        ws.write_string_with_format(r, 0, format!("{} – {}", a.id, a.name), &f.subtitle)?;
        r += 1;
        let heads = [
            l.supplier,
            l.agreed,
            l.amount,
            l.call_offs,
            l.unit_share,
            l.deviation,
            l.agreement_actual,
            l.next_call_offs,
        ];
        header_row(ws, r, 0, &heads, f)?;
        ws.set_row_height(r, 30)?;
        r += 1;
        let value = |s: usize| match a.basis {
            Basis::Amount => amounts[s] as f64,
            Basis::Count => counts[s] as f64,
        };
        let total: f64 = (0..a.suppliers.len()).map(value).sum();
        for (s, sup) in a.suppliers.iter().enumerate() {
            ws.write_string_with_format(r, 0, &sup.name, &f.text)?;
            ws.write_number_with_format(r, 1, sup.share / 100.0, &f.pct)?;
            ws.write_number_with_format(r, 2, sek(amounts[s]), &f.sek)?;
            ws.write_number_with_format(r, 3, counts[s] as f64, &f.int)?;
            if total > 0.0 {
                let share = value(s) / total;
                ws.write_number_with_format(r, 4, share, &f.pct)?;
                ws.write_number_with_format(r, 5, 100.0 * share - sup.share, &f.pp)?;
            }
            if let Some(p) = period.suppliers[s].actual_pct {
                ws.write_number_with_format(r, 6, p / 100.0, &f.pct)?;
            }
            if period.suppliers[s].catch_up > 0.0 {
                ws.write_string(r, 7, l.next_yes)?;
            }
            r += 1;
        }
        let fractions: Vec<f64> = a.suppliers.iter().map(|s| s.share / 100.0).collect();
        ws.write_string_with_format(r, 0, l.unit_excess, &f.text_bold)?;
        ws.write_number_with_format(r, 2, excess(amounts, &fractions), &f.sek_bold)?;
        r += 3;
    }
    ws.set_column_width(0, 34)?;
    for c in 1..8u16 {
        ws.set_column_width(c, 15)?;
    }
    ws.set_column_width(7, 26)?;
    print_setup(ws, None, l)
}

/// Call-offs on one sheet at most (Excel's limit is 1 048 576 rows).
pub const ROWS_PER_SHEET: usize = 1_000_000;

fn calls_sheet(
    ws: &mut Worksheet,
    name: &str,
    ctx: &Context,
    rows: &[usize],
    f: &Formats,
    l: &Labels,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let heads = [l.date, l.agreement, l.supplier, l.amount, l.orderer, l.id];
    for (k, &i) in rows.iter().enumerate() {
        let r = 1 + k as u32;
        let row = &ctx.exports.rows[i];
        if let Outcome::InAgreement { agreement, supplier } = ctx.classified.outcomes[i] {
            let a = &ctx.register.agreements[agreement as usize];
            if let Some(d) = row.date {
                ws.write_datetime_with_format(r, 0, excel_date(parse::days_to_date(d))?, &f.date)?;
            }
            ws.write_string_with_format(r, 1, &a.id, &f.text)?;
            ws.write_string_with_format(r, 2, &a.suppliers[supplier as usize].name, &f.text)?;
        }
        if let Some(a) = row.amount {
            ws.write_number_with_format(r, 3, sek(a.0), &f.sek)?;
        }
        ws.write_string_with_format(r, 4, ctx.text(row.get(Field::Orderer)), &f.text)?;
        ws.write_string_with_format(r, 5, ctx.exports.id(row), &f.text)?;
    }
    let columns: Vec<TableColumn> = heads.iter().map(|h| TableColumn::new().set_header(*h)).collect();
    ws.add_table(0, 0, rows.len().max(1) as u32, 5, &Table::new().set_columns(&columns))?;
    ws.set_freeze_panes(1, 0)?;
    for (c, width) in [12, 14, 30, 15, 24, 16].iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    print_setup(ws, Some((0, 0)), l)
}
