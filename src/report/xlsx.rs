//! The main workbook `fordelning-LABEL.xlsx`: overview, imbalance list, one
//! sheet per agreement with native charts, who uses the imbalanced
//! agreements, and data quality.

use super::labels::{self, labels, Labels};
use super::sheet::{self, header_row, print_setup, status_colours, xlsx_err, Formats, PALETTE};
use super::{detail_text, Context, ReportWriter};
use crate::allocate::monthly::month_start;
use crate::allocate::{AgreementShares, Scope, Status};
use crate::error::Result;
use crate::parse::AMOUNT_SCALE;
use crate::register::{Agreement, Basis};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartLine, ChartLineDashType, ChartSolidFill, ChartType, ExcelDateTime,
    Formula, Table, TableColumn, Workbook, Worksheet, XlsxError,
};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Writes the main workbook.
pub struct WorkbookReport;

/// Excel's last row index; longer lists are cut with a note.
const MAX_ROWS: usize = 1_048_000;

/// An amount (fixed point) as a number of kronor for a cell.
pub(crate) fn kronor(units: impl Into<i128>) -> f64 {
    units.into() as f64 / AMOUNT_SCALE as f64
}

pub(crate) fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// The file name of the main workbook for a window label.
pub fn file_name(label: &str) -> String {
    format!("fordelning-{label}.xlsx")
}

impl ReportWriter for WorkbookReport {
    fn name(&self) -> &'static str {
        "workbook"
    }

    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        let path = dir.join(file_name(&ctx.allocation.window.label));
        let mut wb = build(ctx).map_err(xlsx_err(&path))?;
        super::sheet::save_workbook(&mut wb, &path)?;
        Ok(vec![path])
    }
}

fn build(ctx: &Context) -> Result<Workbook, XlsxError> {
    let l = labels(ctx.lang);
    let f = Formats::new();
    let mut wb = Workbook::new();
    // Fast compression: the file is a little larger, written much sooner.
    wb.set_zip_compression_level(1);
    let mut taken: HashSet<String> = [
        l.overview,
        l.imbalances,
        l.usage,
        l.quality,
        super::ceiling_sheet::NAME_SV,
        super::ceiling_sheet::NAME_EN,
        super::compliance_sheet::NAME_SV,
        super::compliance_sheet::NAME_EN,
        super::rank_sheet::fku_name(crate::lang::Lang::Sv),
        super::rank_sheet::fku_name(crate::lang::Lang::En),
    ]
    .iter()
    .map(|s| s.to_lowercase())
    .collect();
    overview(wb.add_worksheet(), ctx, &f, l)?;
    imbalances(wb.add_worksheet(), ctx, &f, l)?;
    for p in ctx.allocation.shares.iter().filter(|s| s.scope == Scope::Period) {
        let a = &ctx.register.agreements[p.agreement];
        let name = sheet::sheet_name(&a.id, &mut taken);
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        if a.is_rank() {
            super::rank_sheet::rank_agreement_sheet(ws, &name, ctx, p, &f, l)?;
        } else {
            agreement_sheet(ws, &name, ctx, p, &f, l)?;
        }
    }
    if super::rank_sheet::has_fku(ctx) {
        super::rank_sheet::fku_sheet(wb.add_worksheet(), ctx, &f, l)?;
    }
    if !ctx.ceilings.is_empty() || !ctx.life.ending_soon.is_empty() || !ctx.life.ended_in_use.is_empty() {
        super::ceiling_sheet::ceiling_sheet(wb.add_worksheet(), ctx, &f, l)?;
    }
    if !ctx.beside.accounts.is_empty() {
        super::compliance_sheet::compliance_sheet(wb.add_worksheet(), ctx, &f, l)?;
    }
    usage_sheet(wb.add_worksheet(), ctx, &f, l)?;
    quality_sheet(wb.add_worksheet(), ctx, &f, l)?;
    quality_rows_sheet(wb.add_worksheet(), ctx, &f, l)?;
    Ok(wb)
}

fn to_date_of<'a>(ctx: &'a Context, agreement: usize) -> Option<&'a AgreementShares> {
    ctx.allocation.of(agreement, Scope::ToDate)
}

/// The overview's column widths: narrow enough that the sheet prints on
/// A4 landscape at a readable size (about 220 characters wide).
/// Column A holds "Senaste datum i data" beside its value; D, E and G
/// the rank-order table's "Odokumenterade avsteg …" headings; G, J and K a
/// rank-order agreement's "avsteg 14,2 %".
pub(crate) const OVERVIEW_WIDTHS: [f64; 14] = [
    22.0, 26.0, 11.0, 16.0, 15.0, 12.0, 16.0, 20.0, 20.0, 14.0, 14.0, 20.0, 17.0, 22.0,
];

/// A deviation cell of *Sammanfattning*: the largest deviation in
/// percentage points, or for a rank-order agreement its undocumented skips
/// as "avsteg 14,2 %" (as the forum report shows it).
fn deviation_cell(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    s: &AgreementShares,
    f: &Formats,
    skip: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    if let Some(d) = s.largest_deviation() {
        ws.write_number_with_format(r, c, sheet::pp_value(d), &f.pp)?;
    } else if let Some(v) = s.rank.as_ref().and_then(|x| x.skip_pct) {
        ws.write_number_with_format(r, c, v, skip)?;
    }
    Ok(())
}

fn overview(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<(), XlsxError> {
    ws.set_name(l.overview)?;
    let lang = ctx.lang;
    let head_row = overview_head(ws, ctx, f, l)?;
    let heads = overview_heads(ctx, l);
    header_row(
        ws,
        head_row,
        0,
        &heads.iter().map(String::as_str).collect::<Vec<_>>(),
        f,
    )?;
    let mut rows: Vec<&AgreementShares> = ctx
        .allocation
        .shares
        .iter()
        .filter(|s| s.scope == Scope::Period)
        .collect();
    rows.sort_by(|a, b| {
        let imb = |s: &AgreementShares| s.status != Status::Imbalance;
        let dev = |s: &AgreementShares| s.largest_deviation().map_or(-1.0, f64::abs);
        imb(a).cmp(&imb(b)).then(dev(b).total_cmp(&dev(a)))
    });
    let skip = rust_xlsxwriter::Format::new().set_num_format(lang.pick("\"avsteg \"0.0\" %\"", "\"skips \"0.0\"%\""));
    let mut r = head_row + 1;
    for p in &rows {
        overview_row(ws, ctx, (r, p), f, &skip)?;
        r += 1;
    }
    status_colours(ws, head_row + 1, r.saturating_sub(1), 7, ctx.lang)?;
    status_colours(ws, head_row + 1, r.saturating_sub(1), 8, ctx.lang)?;
    status_colours(ws, head_row + 1, r.saturating_sub(1), 11, ctx.lang)?;
    sheet::ceiling_colours(ws, head_row + 1, r.saturating_sub(1), 13, ctx.lang)?;
    let r = super::rank_sheet::overview_rows(ws, ctx, r + 1, f)?;
    super::compliance_sheet::overview_block(ws, ctx, r, f, &OVERVIEW_WIDTHS)?;
    ws.set_freeze_panes(head_row + 1, 0)?;
    for (c, width) in OVERVIEW_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    // Three lines: "Största avvikelse hittills (pe)" in a narrow column.
    ws.set_row_height(head_row, 45)?;
    print_setup(ws, Some((head_row, head_row)), l)
}

/// The overview's header block: the window, the latest date, the files
/// read, the settings, when it was made and the warnings; returns the row
/// of the table's headings.
fn overview_head(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<u32, XlsxError> {
    let w = &ctx.allocation.window;
    ws.write_string_with_format(0, 0, format!("{} – {}", l.title, w.label), &f.title)?;
    ws.write_string_with_format(2, 0, l.window, &f.label)?;
    ws.write_string(2, 1, format!("{} ({} – {})", w.label, w.start, w.end))?;
    ws.write_string_with_format(3, 0, l.latest_date, &f.label)?;
    if let Some(d) = ctx.info.latest_date {
        ws.write_datetime_with_format(3, 1, excel_date(d)?, &f.date_left)?;
    }
    ws.write_string_with_format(4, 0, l.files_read, &f.label)?;
    let files: Vec<&str> = ctx.exports.files.iter().map(|f| f.display.as_str()).collect();
    let shown = if files.len() > 12 {
        format!(
            "{}: {} … {}",
            files.len(),
            files[..3].join(", "),
            files[files.len() - 3..].join(", ")
        )
    } else {
        format!("{}: {}", files.len(), files.join(", "))
    };
    // Long texts wrap within the table's width: none widens the page.
    let width = |from: usize| OVERVIEW_WIDTHS.iter().skip(from).sum::<f64>();
    let last = OVERVIEW_WIDTHS.len() as u16 - 1;
    sheet::long_text(ws, 4, (1, last), width(1), &shown, &f.text)?;
    ws.write_string_with_format(5, 0, l.tolerance, &f.label)?;
    ws.write_number_with_format(5, 1, ctx.info.tolerance_pp, &f.number_left)?;
    sheet::long_text(ws, 5, (2, last), width(2), l.tolerance_note, &f.note)?;
    ws.write_string_with_format(6, 0, l.min_call_offs, &f.label)?;
    ws.write_number_with_format(6, 1, ctx.info.min_call_offs as f64, &f.number_left)?;
    ws.write_string_with_format(7, 0, l.generated, &f.label)?;
    ws.write_string(7, 1, &ctx.info.generated)?;
    let lang = ctx.lang;
    let mut head_row = 9;
    if !ctx.info.warnings.is_empty() {
        ws.write_string_with_format(9, 0, lang.pick("Varningar", "Warnings"), &f.warning_label)?;
        for (i, w) in ctx.info.warnings.iter().enumerate() {
            sheet::long_text(ws, 9 + i as u32, (1, last), width(1), w, &f.warning)?;
        }
        head_row = 10 + ctx.info.warnings.len() as u32;
    }
    Ok(head_row)
}

/// The headings of the overview's table of agreements.
fn overview_heads(ctx: &Context, l: &Labels) -> Vec<String> {
    let lang = ctx.lang;
    let period_label = labels::scope(ctx.lang, Scope::Period);
    let to_date_label = labels::scope(ctx.lang, Scope::ToDate);
    let heads = [
        l.agreement.to_string(),
        l.name.to_string(),
        l.basis.to_string(),
        format!("{} ({})", l.amount, period_label.to_lowercase()),
        format!("{} ({})", l.call_offs, period_label.to_lowercase()),
        l.suppliers.to_string(),
        l.largest_deviation.to_string(),
        format!("{} ({})", l.status, period_label.to_lowercase()),
        format!("{} ({})", l.status, to_date_label.to_lowercase()),
        // "Största avvikelse (pe)" → "Största avvikelse hittills (pe)": one
        // pair of parentheses in a heading.
        match l.largest_deviation.split_once(" (") {
            Some((head, unit)) => format!("{head} {} ({unit}", to_date_label.to_lowercase()),
            None => format!("{} {}", l.largest_deviation, to_date_label.to_lowercase()),
        },
    ];
    let previous = ctx.comparison.map(|c| c.previous.label.clone()).unwrap_or_default();
    let mut heads = heads.to_vec();
    heads.extend([
        lang.pick(
            format!("Största avvikelse {previous} (pe)"),
            format!("Largest deviation {previous} (pp)"),
        ),
        lang.pick(format!("Status {previous}"), format!("Status {previous}")),
        lang.pick(
            format!("Förändring sedan {previous}"),
            format!("Change since {previous}"),
        ),
        lang.pick("Takvolym".to_string(), "Ceiling".to_string()),
    ]);
    heads
}

/// One agreement's line in the overview's table.
fn overview_row(
    ws: &mut Worksheet,
    ctx: &Context,
    (r, p): (u32, &AgreementShares),
    f: &Formats,
    skip: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let w = &ctx.allocation.window;
    let a = &ctx.register.agreements[p.agreement];
    ws.write_string_with_format(r, 0, &a.id, &f.text)?;
    // An agreement that ended within the window says so beside its name.
    let name = if a.valid_to < w.end {
        lang.pick(
            format!("{} (slutade {})", a.name, a.valid_to),
            format!("{} (ended {})", a.name, a.valid_to),
        )
    } else {
        a.name.clone()
    };
    ws.write_string_with_format(r, 1, name, &f.text)?;
    ws.write_string(r, 2, labels::basis(ctx.lang, a.basis))?;
    ws.write_number_with_format(r, 3, kronor(p.total_amount), &f.sek)?;
    ws.write_number_with_format(r, 4, p.total_call_offs as f64, &f.int)?;
    ws.write_number(r, 5, a.suppliers.len() as f64)?;
    deviation_cell(ws, (r, 6), p, f, skip)?;
    ws.write_string(r, 7, labels::status(ctx.lang, p.status))?;
    if let Some(t) = to_date_of(ctx, p.agreement) {
        ws.write_string(r, 8, labels::status(ctx.lang, t.status))?;
        deviation_cell(ws, (r, 9), t, f, skip)?;
    }
    if let Some(c) = ctx.comparison {
        if let Some(before) = c.of(p.agreement) {
            deviation_cell(ws, (r, 10), before, f, skip)?;
            ws.write_string(r, 11, labels::status(ctx.lang, before.status))?;
        }
        ws.write_string(r, 12, labels::change(ctx.lang, c.change(p)))?;
    }
    if let Some(u) = ctx.ceilings.iter().find(|u| u.agreement == p.agreement) {
        ws.write_string(
            r,
            13,
            format!(
                "{} ({})",
                labels::ceiling_status(lang, u.status),
                super::charts::percent(u.used_pct, 1, lang)
            ),
        )?;
    }
    Ok(())
}

/// The headings of the columns [`supplier_cells`] writes.
fn supplier_heads(l: &Labels) -> [&'static str; 7] {
    [
        l.supplier,
        l.org_nr,
        l.agreed,
        l.actual,
        l.deviation,
        l.amount,
        l.call_offs,
    ]
}

/// Writes supplier, org nr, agreed, actual, deviation, amount and call-offs
/// of one supplier line from column `col`.
fn supplier_cells(
    ws: &mut Worksheet,
    r: u32,
    col: u16,
    a: &Agreement,
    s: &crate::allocate::SupplierShare,
    f: &Formats,
) -> Result<(), XlsxError> {
    let sup = &a.suppliers[s.supplier];
    ws.write_string_with_format(r, col, &sup.name, &f.text)?;
    if let Some(o) = sup.org_nr {
        ws.write_string(r, col + 1, o.to_string())?;
    }
    if !a.is_rank() {
        ws.write_number_with_format(r, col + 2, sup.share / 100.0, &f.pct)?;
    }
    if let Some(p) = s.actual_pct {
        ws.write_number_with_format(r, col + 3, p / 100.0, &f.pct)?;
    }
    if let Some(d) = s.deviation_pp {
        ws.write_number_with_format(r, col + 4, sheet::pp_value(d), &f.pp)?;
    }
    ws.write_number_with_format(r, col + 5, kronor(s.amount), &f.sek)?;
    ws.write_number_with_format(r, col + 6, s.call_offs as f64, &f.int)?;
    Ok(())
}

/// Kronor rounded to öre for a cell: no `−9,3e-10`, no `7,998000000000001`
/// (and no negative zero).
pub(crate) fn ore(kronor: f64) -> f64 {
    let r = (kronor * 100.0).round() / 100.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Catch-up (SEK or whole call-offs, by basis) at `col`; "Taket nått" in
/// red instead when the agreement's ceiling is reached (`reached`): no
/// more call-offs to anyone (allocation.csv keeps the figure).
fn catch_up_cell(
    ws: &mut Worksheet,
    (r, col): (u32, u16),
    a: &Agreement,
    (value, reached): (f64, Option<&str>),
    f: &Formats,
) -> Result<(), XlsxError> {
    if let (Some(text), false) = (reached, a.is_rank()) {
        ws.write_string_with_format(r, col, text, &f.warning)?;
        return Ok(());
    }
    match a.basis {
        // A rank order has no catch-up (rule 13).
        _ if a.is_rank() => return Ok(()),
        Basis::Amount => ws.write_number_with_format(r, col, ore(value), &f.sek)?,
        Basis::Count => ws.write_number_with_format(r, col, ore(value), &f.int)?,
    };
    Ok(())
}

/// "Taket nått" when an agreement's ceiling is reached.
fn reached(ctx: &Context, agreement: usize) -> Option<&'static str> {
    ctx.ceiling_reached(agreement)
        .then(|| labels::ceiling_status(ctx.lang, crate::allocate::ceiling::CeilingStatus::Reached))
}

fn imbalances(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<(), XlsxError> {
    ws.set_name(l.imbalances)?;
    let mut heads = vec![l.agreement, l.name, l.scope];
    heads.extend(supplier_heads(l));
    heads.extend([l.catch_up_sek, l.catch_up_count, l.status]);
    let mut r = 1u32;
    for p in ctx.allocation.shares.iter().filter(|s| s.status == Status::Imbalance) {
        let a = &ctx.register.agreements[p.agreement];
        for s in &p.suppliers {
            ws.write_string_with_format(r, 0, &a.id, &f.text)?;
            ws.write_string_with_format(r, 1, &a.name, &f.text)?;
            ws.write_string(r, 2, labels::scope(ctx.lang, p.scope))?;
            supplier_cells(ws, r, 3, a, s, f)?;
            // Catch-up in SEK or in call-offs: a column each.
            let col = if a.basis == Basis::Count { 11 } else { 10 };
            catch_up_cell(ws, (r, col), a, (s.catch_up, reached(ctx, p.agreement)), f)?;
            ws.write_string(r, 12, labels::status(ctx.lang, s.status))?;
            r += 1;
        }
    }
    if r == 1 {
        header_row(ws, 0, 0, &heads, f)?;
        ws.write_string_with_format(1, 0, l.no_imbalances, &f.note)?;
    } else {
        let columns: Vec<TableColumn> = heads.iter().map(|h| TableColumn::new().set_header(*h)).collect();
        ws.add_table(0, 0, r - 1, 12, &Table::new().set_columns(&columns))?;
        status_colours(ws, 1, r - 1, 12, ctx.lang)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (c, width) in [14, 26, 11, 28, 13, 13, 13, 14, 15, 10, 14, 14, 22].iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    print_setup(ws, Some((0, 0)), l)
}

/// One allocation table (a scope) at `row`; returns the row after it.
fn allocation_table(
    ws: &mut Worksheet,
    row: u32,
    ctx: &Context,
    shares: &AgreementShares,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let a = &ctx.register.agreements[shares.agreement];
    let scope = labels::scope(ctx.lang, shares.scope);
    ws.write_string_with_format(
        row,
        0,
        format!("{scope} ({} – {})", shares.start, shares.end),
        &f.subtitle,
    )?;
    let catch_up = match a.basis {
        Basis::Amount => l.catch_up_sek,
        Basis::Count => l.catch_up_count,
    };
    let mut heads: Vec<String> = supplier_heads(l).iter().map(|h| h.to_string()).collect();
    heads.extend([catch_up.to_string(), l.status.to_string()]);
    // The window's table also holds the previous window's actual share
    // (rule 12), which the column chart shows beside it.
    let previous = match (shares.scope, ctx.comparison) {
        (Scope::Period, Some(c)) => Some((c.previous.label.as_str(), c.of(shares.agreement))),
        _ => None,
    };
    if let Some((label, _)) = previous {
        heads.push(format!("{} {label}", l.actual));
    }
    let head_refs: Vec<&str> = heads.iter().map(String::as_str).collect();
    header_row(ws, row + 1, 0, &head_refs, f)?;
    ws.set_row_height(row + 1, 30)?;
    let mut r = row + 2;
    for s in &shares.suppliers {
        supplier_cells(ws, r, 0, a, s, f)?;
        catch_up_cell(ws, (r, 7), a, (s.catch_up, reached(ctx, shares.agreement)), f)?;
        ws.write_string(r, 8, labels::status(ctx.lang, s.status))?;
        if let Some((_, Some(before))) = previous {
            let pct = before
                .suppliers
                .iter()
                .find(|x| x.supplier == s.supplier)
                .and_then(|x| x.actual_pct);
            if let Some(p) = pct {
                ws.write_number_with_format(r, 9, p / 100.0, &f.pct)?;
            }
        }
        r += 1;
    }
    ws.write_string_with_format(r, 0, l.total, &f.text_bold)?;
    ws.write_number_with_format(r, 5, kronor(shares.total_amount), &f.sek_bold)?;
    ws.write_number_with_format(r, 6, shares.total_call_offs as f64, &f.int_bold)?;
    ws.write_string(r, 8, labels::status(ctx.lang, shares.status))?;
    status_colours(ws, row + 2, r, 8, ctx.lang)?;
    Ok(r + 2)
}

/// An agreement sheet's ceiling line (row 3); a reached ceiling in red,
/// with the advice above it: "Taket är nått: gör inga fler avrop på
/// avtalet". Returns the row of the first table.
fn ceiling_lines(
    ws: &mut Worksheet,
    ctx: &Context,
    agreement: usize,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let Some(u) = ctx.ceilings.iter().find(|u| u.agreement == agreement) else {
        return Ok(3);
    };
    let line = super::ceiling_sheet::ceiling_line(ctx, u);
    if !ctx.ceiling_reached(agreement) {
        ws.write_string_with_format(2, 0, line, &f.note)?;
        return Ok(3);
    }
    let stop = rust_xlsxwriter::Format::new()
        .set_bold()
        .set_font_size(12)
        .set_font_color(0x9C0006)
        .set_background_color(0xFFC7CE);
    ws.merge_range(2, 0, 2, 8, l.ceiling_stop, &stop)?;
    ws.set_row_height(2, 20)?;
    ws.write_string_with_format(3, 0, line, &f.warning)?;
    Ok(4)
}

fn agreement_sheet(
    ws: &mut Worksheet,
    sheet_name: &str,
    ctx: &Context,
    period: &AgreementShares,
    f: &Formats,
    l: &Labels,
) -> Result<(), XlsxError> {
    let a = &ctx.register.agreements[period.agreement];
    ws.write_string_with_format(0, 0, format!("{} – {}", a.id, a.name), &f.title)?;
    let key: Vec<String> = a.suppliers.iter().map(|s| format!("{}", s.share)).collect();
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{}: {} – {} · {}: {} · {}: {} pe · {}: {}",
            l.valid,
            a.valid_from,
            a.valid_to,
            l.basis,
            labels::basis(ctx.lang, a.basis),
            l.tolerance,
            period.tolerance_pp,
            l.key,
            key.join("/")
        ),
        &f.note,
    )?;
    let period_row = ceiling_lines(ws, ctx, period.agreement, f, l)?;
    let mut next = allocation_table(ws, period_row, ctx, period, f, l)?;
    if let Some(t) = to_date_of(ctx, period.agreement) {
        next = allocation_table(ws, next, ctx, t, f, l)?;
    }
    let column = shares_chart(ctx, sheet_name, period, period_row, l);
    // The charts stand side by side below the tables, the monthly table
    // (which the line chart reads) below them.
    let charts_row = next;
    ws.insert_chart(charts_row, 0, &column)?;
    let chart_rows = 19;
    // Monthly table and the cumulative line chart.
    if let Some(m) = ctx.monthly.iter().find(|m| m.agreement == period.agreement) {
        let top = charts_row + chart_rows;
        monthly_table(ws, ctx, m, top, f, l)?;
        let line = trend_chart(sheet_name, a, (top + 2, top + 1 + m.months.len() as u32), l);
        ws.insert_chart(charts_row, 5, &line)?;
    }
    ws.set_column_width(0, 28)?;
    for c in 1..(3 + 3 * a.suppliers.len() as u16).max(10) {
        ws.set_column_width(c, 13)?;
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, Some((0, 0)), l)
}

/// Column chart: agreed against actual share per supplier, the window (and
/// the previous window's when the agreement was valid then), reading the
/// window's table at `period_row`.
fn shares_chart(ctx: &Context, sheet_name: &str, period: &AgreementShares, period_row: u32, l: &Labels) -> Chart {
    let a = &ctx.register.agreements[period.agreement];
    let n = a.suppliers.len() as u32;
    let (first, last) = (period_row + 2, period_row + 1 + n);
    let mut column = Chart::new(ChartType::Column);
    column
        .title()
        .set_name(&format!("{} – {}", l.chart_shares, ctx.allocation.window.label));
    column
        .add_series()
        .set_name(l.agreed)
        .set_categories((sheet_name, first, 0, last, 0))
        .set_values((sheet_name, first, 2, last, 2))
        .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(0xA6A6A6)));
    column
        .add_series()
        .set_name(l.actual)
        .set_categories((sheet_name, first, 0, last, 0))
        .set_values((sheet_name, first, 3, last, 3))
        .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(PALETTE[0])));
    if let Some(c) = ctx.comparison.filter(|c| c.of(period.agreement).is_some()) {
        column
            .add_series()
            .set_name(format!("{} {}", l.actual, c.previous.label).as_str())
            .set_categories((sheet_name, first, 0, last, 0))
            .set_values((sheet_name, first, 9, last, 9))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(0x9DC3E6)));
    }
    column.y_axis().set_num_format("0%").set_min(0);
    column.legend().set_position(ChartLegendPosition::Bottom);
    column.set_width(560).set_height(340);
    column
}

/// The monthly table at `top`: per month each supplier's amount (or
/// call-offs), the total, the cumulative shares and the agreed lines.
fn monthly_table(
    ws: &mut Worksheet,
    ctx: &Context,
    m: &crate::allocate::monthly::Monthly,
    top: u32,
    f: &Formats,
    l: &Labels,
) -> Result<(), XlsxError> {
    let a = &ctx.register.agreements[m.agreement];
    ws.write_string_with_format(top, 0, l.chart_trend, &f.subtitle)?;
    let count = a.basis == Basis::Count;
    let mut heads: Vec<String> = vec![l.month.to_string()];
    for s in &a.suppliers {
        heads.push(format!("{} – {}", if count { l.call_offs } else { l.amount }, s.name));
    }
    heads.push(l.total.to_string());
    for s in &a.suppliers {
        heads.push(format!("{} – {}", l.cumulative, s.name));
    }
    for s in &a.suppliers {
        heads.push(format!("{} – {}", s.name, l.agreed_line));
    }
    let head_refs: Vec<&str> = heads.iter().map(String::as_str).collect();
    header_row(ws, top + 1, 0, &head_refs, f)?;
    ws.set_row_height(top + 1, 60)?;
    let n = a.suppliers.len() as u16;
    let month_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm");
    // Months before the first date read are not in the exports: empty,
    // not 0 kr.
    let first_read = ctx.info.earliest_date.map(crate::allocate::monthly::month_key);
    for (i, key) in m.months.iter().enumerate() {
        let r = top + 2 + i as u32;
        ws.write_datetime_with_format(r, 0, excel_date(month_start(*key))?, &month_format)?;
        let missing = first_read.is_some_and(|f| *key < f);
        let mut total = 0f64;
        for s in 0..a.suppliers.len() {
            let c = 1 + s as u16;
            if missing {
                // Only the agreed line, which the chart draws.
            } else if count {
                ws.write_number_with_format(r, c, m.call_offs[s][i] as f64, &f.int)?;
                total += m.call_offs[s][i] as f64;
            } else {
                ws.write_number_with_format(r, c, kronor(m.amounts[s][i]), &f.sek)?;
                total += kronor(m.amounts[s][i]);
            }
            if let Some(p) = m.cumulative_pct[s][i] {
                ws.write_number_with_format(r, 2 + n + s as u16, p / 100.0, &f.pct)?;
            }
            ws.write_number_with_format(r, 2 + 2 * n + s as u16, a.suppliers[s].share / 100.0, &f.pct)?;
        }
        if missing {
            ws.write_string_with_format(r, 1 + n, ctx.lang.pick("ingen export", "no export"), &f.note)?;
        } else {
            ws.write_number_with_format(r, 1 + n, total, if count { &f.int } else { &f.sek })?;
        }
    }
    Ok(())
}

/// The cumulative shares per month against the agreed lines, reading the
/// monthly table's rows `first..=last`.
fn trend_chart(sheet_name: &str, a: &crate::register::Agreement, (first, last): (u32, u32), l: &Labels) -> Chart {
    let n = a.suppliers.len() as u16;
    let mut line = Chart::new(ChartType::Line);
    line.title().set_name(l.chart_trend);
    for (s, sup) in a.suppliers.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        line.add_series()
            .set_name(sup.name.as_str())
            .set_categories((sheet_name, first, 0, last, 0))
            .set_values((sheet_name, first, 2 + n + s as u16, last, 2 + n + s as u16))
            .set_format(ChartFormat::new().set_line(ChartLine::new().set_color(colour).set_width(2.25)));
        line.add_series()
            .set_name(format!("{} ({})", sup.name, l.agreed_line).as_str())
            .set_categories((sheet_name, first, 0, last, 0))
            .set_values((sheet_name, first, 2 + 2 * n + s as u16, last, 2 + 2 * n + s as u16))
            .set_format(
                ChartFormat::new().set_line(
                    ChartLine::new()
                        .set_color(colour)
                        .set_width(1.25)
                        .set_dash_type(ChartLineDashType::Dash),
                ),
            );
    }
    line.y_axis().set_num_format("0%").set_min(0);
    line.x_axis().set_num_format("yyyy-mm");
    line.legend().set_position(ChartLegendPosition::Bottom);
    line.set_width(640).set_height(340);
    line
}

fn usage_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<(), XlsxError> {
    ws.set_name(l.usage)?;
    ws.write_string_with_format(0, 0, format!("{} – {}", l.usage, ctx.allocation.window.label), &f.title)?;
    let mut r = 2u32;
    if ctx.usage.is_empty() {
        ws.write_string_with_format(r, 0, l.no_imbalances, &f.note)?;
    }
    for u in ctx.usage {
        let s = &ctx.allocation.shares[u.shares];
        let a = &ctx.register.agreements[s.agreement];
        ws.write_string_with_format(
            r,
            0,
            format!(
                "{} {} – {} ({} – {})",
                a.id,
                a.name,
                labels::scope(ctx.lang, s.scope),
                s.start,
                s.end
            ),
            &f.subtitle,
        )?;
        r += 1;
        for (who_label, list) in [(l.unit, &u.by_unit), (l.orderer, &u.by_orderer)] {
            let mut heads: Vec<&str> = vec![who_label];
            heads.extend(a.suppliers.iter().map(|s| s.name.as_str()));
            heads.push(l.total);
            heads.push(l.excess);
            let with_section = who_label == l.unit && ctx.organisation.is_some();
            if with_section {
                heads.push(ctx.lang.pick("Sektion", "Section"));
            }
            header_row(ws, r, 0, &heads, f)?;
            ws.set_row_height(r, 30)?;
            r += 1;
            let shown = list.get(..MAX_ROWS / 4).unwrap_or(list);
            let names = ctx.who_texts(shown.iter().map(|u| (u.who, u.row)));
            for (usage, who) in shown.iter().zip(names) {
                if who_label == l.unit {
                    super::sheet::unit_cell(
                        ws,
                        (r, 0),
                        30.0,
                        ctx,
                        usage.who.sym().unwrap_or(0),
                        (l.no_unit, &f.text),
                    )?;
                } else {
                    ws.write_string_with_format(r, 0, if who.is_empty() { l.no_orderer } else { &who }, &f.text)?;
                }
                for (i, amount) in usage.amounts.iter().enumerate() {
                    ws.write_number_with_format(r, 1 + i as u16, kronor(*amount), &f.sek)?;
                }
                let n = a.suppliers.len() as u16;
                ws.write_number_with_format(r, 1 + n, kronor(usage.total), &f.sek_bold)?;
                ws.write_number_with_format(r, 2 + n, ore(usage.excess), &f.sek)?;
                if let Some(section) = ctx
                    .organisation
                    .filter(|_| with_section)
                    .and_then(|o| o.section_of(&who))
                {
                    ws.write_string_with_format(r, 3 + n, &section.name, &f.text)?;
                }
                r += 1;
            }
            r += 1;
        }
        r += 1;
    }
    ws.set_column_width(0, 30)?;
    for c in 1..12u16 {
        ws.set_column_width(c, 16)?;
    }
    print_setup(ws, None, l)
}

fn quality_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<(), XlsxError> {
    ws.set_name(l.quality)?;
    ws.write_string_with_format(
        0,
        0,
        format!("{} – {}", l.quality, ctx.allocation.window.label),
        &f.title,
    )?;
    header_row(ws, 2, 0, &[l.category, l.rows, l.amount], f)?;
    let check = reconciliation_lines(ws, ctx, f, l)?;
    let mut top = check + 2;
    if !ctx.exports.skipped.is_empty() {
        ws.write_string_with_format(
            top,
            0,
            ctx.lang.pick("Filer som inte lästes", "Files not read"),
            &f.subtitle,
        )?;
        for (i, crate::read::Skipped { file, reason: why }) in ctx.exports.skipped.iter().enumerate() {
            ws.write_string_with_format(top + 1 + i as u32, 0, file, &f.text)?;
            ws.write_string_with_format(top + 1 + i as u32, 3, why, &f.text)?;
        }
        top += ctx.exports.skipped.len() as u32 + 2;
    }
    per_file(ws, ctx, top, f, l)?;
    // Rows and amounts side by side: each amount column holds
    // "999 999 999 999 kr" (18 characters) with room to spare, so a row
    // count never runs into the amount beside it.
    for (c, width) in QUALITY_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    print_setup(ws, None, l)
}

/// The reconciliation's lines from row 4 and their check (read minus the
/// parts, live formulas); returns the check's row.
fn reconciliation_lines(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<u32, XlsxError> {
    let rec = &ctx.reconciliation;
    let mut lines: Vec<(&str, crate::classify::Tally)> = vec![
        (l.read, rec.read),
        (l.in_agreements, rec.in_agreements),
        (l.outside_agreements, rec.outside_agreements),
    ];
    for c in crate::classify::Category::ALL {
        lines.push((labels::category(ctx.lang, c), rec.categories[c as usize]));
    }
    for (i, (name, t)) in lines.iter().enumerate() {
        let r = 3 + i as u32;
        let fmt = if i == 0 { &f.text_bold } else { &f.text };
        ws.write_string_with_format(r, 0, *name, fmt)?;
        ws.write_number_with_format(r, 1, t.rows as f64, &f.int)?;
        ws.write_number_with_format(r, 2, t.amount as f64 / AMOUNT_SCALE as f64, &f.sek)?;
    }
    // The check: read minus the sum of the parts, as live formulas (with
    // their values cached for readers that do not recalculate).
    let (first, last) = (5u32, 3 + lines.len() as u32 - 1);
    let check = 3 + lines.len() as u32;
    let parts = rec.parts();
    let row_diff = rec.read.rows as i64 - parts.rows as i64;
    let amount_diff = (rec.read.amount - parts.amount) as f64 / AMOUNT_SCALE as f64;
    ws.write_string_with_format(check, 0, l.check, &f.text_bold)?;
    ws.write_formula_with_format(
        check,
        1,
        Formula::new(format!("=B4-SUM(B{first}:B{})", last + 1)).set_result(row_diff.to_string()),
        &f.int_bold,
    )?;
    ws.write_formula_with_format(
        check,
        2,
        Formula::new(format!("=C4-SUM(C{first}:C{})", last + 1)).set_result(amount_diff.to_string()),
        &f.sek_bold,
    )?;
    let verdict = if rec.balances() { l.adds_up } else { "≠" };
    // Indented: the verdict never touches the amount to its left.
    ws.write_formula_with_format(
        check,
        3,
        Formula::new(format!(
            "=IF(AND(B{r}=0,ABS(C{r})<0.005),\"{}\",\"≠\")",
            l.adds_up,
            r = check + 1
        ))
        .set_result(verdict),
        &rust_xlsxwriter::Format::new().set_indent(1),
    )?;
    Ok(check)
}

/// Per file and category from row `top`, and where every row is.
fn per_file(ws: &mut Worksheet, ctx: &Context, top: u32, f: &Formats, l: &Labels) -> Result<(), XlsxError> {
    // Per file and category: what the printed page shows; the full list
    // is on the next sheet, which is not printed (it can run to thousands
    // of rows).
    let mut per: std::collections::BTreeMap<(u32, crate::classify::Category), (u64, i64)> = Default::default();
    for finding in &ctx.classified.findings {
        let row = &ctx.exports.rows.at(finding.row);
        let e = per.entry((row.file, finding.category)).or_default();
        e.0 += 1;
        e.1 += row.amount.map_or(0, |a| a.0);
    }
    ws.write_string_with_format(
        top,
        0,
        ctx.lang.pick("Per fil och kategori", "Per file and category"),
        &f.subtitle,
    )?;
    header_row(ws, top + 1, 0, &[l.file, l.category, l.rows, l.amount], f)?;
    let mut r = top + 2;
    for ((file, category), (rows, amount)) in &per {
        let name = ctx
            .exports
            .files
            .get(*file as usize)
            .map_or("?", |f| f.display.as_str());
        ws.write_string_with_format(r, 0, name, &f.text)?;
        ws.write_string(r, 1, labels::category(ctx.lang, *category))?;
        ws.write_number_with_format(r, 2, *rows as f64, &f.int)?;
        ws.write_number_with_format(r, 3, kronor(*amount), &f.sek)?;
        r += 1;
    }
    if per.is_empty() {
        ws.write_string_with_format(
            r,
            0,
            ctx.lang.pick("Inga rader med anmärkning.", "No rows with a finding."),
            &f.note,
        )?;
        r += 1;
    }
    ws.write_string_with_format(
        r + 1,
        0,
        ctx.lang.pick(
            format!(
                "Varje rad finns på bladet '{}' (skrivs inte ut) och i data_quality.csv.",
                quality_rows_name(ctx.lang)
            ),
            format!(
                "Every row is on the sheet '{}' (not printed) and in data_quality.csv.",
                quality_rows_name(ctx.lang)
            ),
        ),
        &f.note,
    )?;
    Ok(())
}

/// The column widths of the Datakvalitet sheet.
const QUALITY_WIDTHS: [f64; 5] = [34.0, 26.0, 20.0, 20.0, 80.0];

/// The name of the sheet with every data-quality row.
fn quality_rows_name(lang: crate::lang::Lang) -> &'static str {
    lang.pick("Datakvalitet, rader", "Data quality, rows")
}

/// Every data-quality row, as an Excel table; not printed.
fn quality_rows_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<(), XlsxError> {
    ws.set_name(quality_rows_name(ctx.lang))?;
    let top = 0u32;
    let heads = [l.file, l.row, l.category, l.detail, l.amount];
    let findings = &ctx.classified.findings;
    let shown = findings.len().min(MAX_ROWS - top as usize - 2);
    for (i, finding) in findings.iter().take(shown).enumerate() {
        let r = top + 1 + i as u32;
        let row = &ctx.exports.rows.at(finding.row);
        ws.write_string_with_format(r, 0, &ctx.exports.files[row.file as usize].display, &f.text)?;
        ws.write_number(r, 1, row.line as f64)?;
        ws.write_string(r, 2, labels::category(ctx.lang, finding.category))?;
        ws.write_string_with_format(r, 3, detail_text(ctx, finding), &f.text)?;
        if let Some(a) = row.amount {
            ws.write_number_with_format(r, 4, kronor(a.0), &f.sek)?;
        }
    }
    if shown == 0 {
        header_row(ws, top, 0, &heads, f)?;
    } else {
        let columns: Vec<TableColumn> = heads.iter().map(|h| TableColumn::new().set_header(*h)).collect();
        ws.add_table(top, 0, top + shown as u32, 4, &Table::new().set_columns(&columns))?;
    }
    if shown < findings.len() {
        ws.write_string_with_format(top + shown as u32 + 1, 0, l.truncated, &f.note)?;
    }
    ws.set_freeze_panes(top + 1, 0)?;
    for (c, width) in [34, 12, 26, 80, 16].iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    print_setup(ws, None, l)?;
    // Printing the workbook prints the header row only.
    ws.set_print_area(0, 0, 0, 4)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_rounded_to_ore() {
        assert_eq!(ore(-9.3e-10), 0.0);
        assert!(ore(-9.3e-10).is_sign_positive(), "no −0");
        // 10 − 0,2 × 10,01 = 7,998 (7.998000000000000x in floating point).
        assert_eq!(ore(10.0 - 0.2 * 10.01), 8.0);
        assert_eq!(ore(1140.0), 1140.0);
        assert_eq!(ore(1000.0 / 3.0), 333.33);
        assert_eq!(ore(-2.0 / 3.0), -0.67);
    }
}
