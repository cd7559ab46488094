//! The workbook's parts for rules 13–14: the rank agreements on
//! *Sammanfattning* (share to rank 1, undocumented skips), a sheet per rank
//! agreement (share per rank, documented and undocumented skips per unit
//! and orderer, a chart of the shares by rank over the months) and the
//! *FKU* sheet (the call-offs that went to renewed competition).

use super::labels;
use super::sheet::{header_row, print_setup, status_colours, Formats, PALETTE};
use super::xlsx::{excel_date, kronor};
use super::Context;
use crate::allocate::monthly::month_start;
use crate::allocate::rank::{RankUsage, SkipUse};
use crate::allocate::{AgreementShares, Scope};
use crate::lang::Lang;
use crate::register::{Agreement, Basis};
use rust_xlsxwriter::{Chart, ChartFormat, ChartLegendPosition, ChartSolidFill, ChartType, Worksheet, XlsxError};

/// The FKU sheet's name.
pub fn fku_name(lang: Lang) -> &'static str {
    lang.pick("FKU", "Renewed competition")
}

/// True when the workbook gets an FKU sheet: a reported agreement has a
/// threshold.
pub fn has_fku(ctx: &Context) -> bool {
    ctx.allocation
        .period()
        .any(|p| ctx.register.agreements[p.agreement].fku_threshold.is_some())
}

/// The share of rank 1 in a scope.
fn rank1_pct(a: &Agreement, s: &AgreementShares) -> Option<f64> {
    let i = a.suppliers.iter().position(|x| x.rank == Some(1))?;
    s.suppliers.get(i)?.actual_pct
}

/// The rank agreements on *Sammanfattning*, from row `r`; returns the next
/// free row.
pub fn overview_rows(ws: &mut Worksheet, ctx: &Context, mut r: u32, f: &Formats) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let ranks: Vec<&AgreementShares> = ctx
        .allocation
        .period()
        .filter(|p| ctx.register.agreements[p.agreement].is_rank())
        .collect();
    if ranks.is_empty() {
        return Ok(r);
    }
    ws.write_string_with_format(r, 0, lang.pick("Rangordning", "Rank order"), &f.subtitle)?;
    r += 1;
    let heads: [&str; 7] = lang.pick(
        [
            "Avtal",
            "Benämning",
            "Andel till rang 1",
            "Odokumenterade avsteg (andel)",
            "Odokumenterade avsteg (kr)",
            "Status (perioden)",
            "Odokumenterade avsteg hittills (andel)",
        ],
        [
            "Agreement",
            "Name",
            "Share to rank 1",
            "Undocumented skips (share)",
            "Undocumented skips (SEK)",
            "Status (window)",
            "Undocumented skips to date (share)",
        ],
    );
    header_row(ws, r, 0, &heads, f)?;
    // Three lines: "Odokumenterade / avsteg hittills / (andel)".
    ws.set_row_height(r, 48)?;
    let first = r + 1;
    for p in ranks {
        r += 1;
        let a = &ctx.register.agreements[p.agreement];
        ws.write_string_with_format(r, 0, &a.id, &f.text)?;
        ws.write_string_with_format(r, 1, &a.name, &f.text)?;
        if let Some(v) = rank1_pct(a, p) {
            ws.write_number_with_format(r, 2, v / 100.0, &f.pct)?;
        }
        if let Some(fig) = &p.rank {
            if let Some(v) = fig.skip_pct {
                ws.write_number_with_format(r, 3, v / 100.0, &f.pct)?;
            }
            let amount: i64 = fig.undocumented.iter().map(|u| u.amount).sum();
            ws.write_number_with_format(r, 4, kronor(amount), &f.sek)?;
        }
        ws.write_string(r, 5, labels::status(lang, p.status))?;
        let to_date = ctx.allocation.of(p.agreement, Scope::ToDate);
        if let Some(v) = to_date.and_then(|t| t.rank.as_ref()).and_then(|x| x.skip_pct) {
            ws.write_number_with_format(r, 6, v / 100.0, &f.pct)?;
        }
    }
    status_colours(ws, first, r, 5, lang)?;
    Ok(r + 2)
}

/// One scope's table of a rank agreement: per supplier by rank, amount,
/// call-offs, share, documented and undocumented skips; returns the next
/// free row.
fn rank_table(
    ws: &mut Worksheet,
    ctx: &Context,
    mut r: u32,
    s: &AgreementShares,
    f: &Formats,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[s.agreement];
    let fig = s.rank.as_ref();
    let scope = labels::scope(lang, s.scope);
    let skip = fig
        .and_then(|x| x.skip_pct)
        .map(|p| crate::report::charts::percent(p, 1, lang));
    ws.write_string_with_format(
        r,
        0,
        format!(
            "{scope} ({} – {}): {} · {}",
            s.start,
            s.end,
            labels::status(lang, s.status),
            lang.pick(
                format!("odokumenterade avsteg {}", skip.as_deref().unwrap_or("-")),
                format!("undocumented skips {}", skip.as_deref().unwrap_or("-"))
            )
        ),
        &f.label,
    )?;
    r += 1;
    let heads: [&str; 8] = lang.pick(
        [
            "Leverantör",
            "Rang",
            "Belopp (kr)",
            "Avrop",
            "Andel",
            "Dokumenterade avsteg (kr)",
            "Odokumenterade avsteg (kr)",
            "Odokumenterade avrop",
        ],
        [
            "Supplier",
            "Rank",
            "Amount (SEK)",
            "Call-offs",
            "Share",
            "Documented skips (SEK)",
            "Undocumented skips (SEK)",
            "Undocumented call-offs",
        ],
    );
    header_row(ws, r, 0, &heads, f)?;
    ws.set_row_height(r, 30)?;
    for si in a.by_rank() {
        let (Some(sup), Some(x)) = (a.suppliers.get(si), s.suppliers.get(si)) else {
            continue;
        };
        r += 1;
        ws.write_string_with_format(r, 0, &sup.name, &f.text)?;
        ws.write_number_with_format(r, 1, f64::from(sup.rank.unwrap_or(0)), &f.int)?;
        ws.write_number_with_format(r, 2, kronor(x.amount), &f.sek)?;
        ws.write_number_with_format(r, 3, x.call_offs as f64, &f.int)?;
        if let Some(p) = x.actual_pct {
            ws.write_number_with_format(r, 4, p / 100.0, &f.pct)?;
        }
        if let Some(fig) = fig {
            let u = fig.undocumented.get(si).copied().unwrap_or_default();
            ws.write_number_with_format(r, 5, kronor(fig.documented_amount(a, s, si)), &f.sek)?;
            ws.write_number_with_format(r, 6, kronor(u.amount), &f.sek)?;
            ws.write_number_with_format(r, 7, u.call_offs as f64, &f.int)?;
        }
    }
    Ok(r + 2)
}

/// The skips per unit or orderer (rule 10 for a rank agreement, the
/// window); returns the next free row.
fn skips_table(
    ws: &mut Worksheet,
    ctx: &Context,
    mut r: u32,
    list: &[SkipUse],
    unit: bool,
    f: &Formats,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let title = match (unit, lang) {
        (true, Lang::Sv) => "Avsteg per ansvar (perioden)",
        (true, Lang::En) => "Skips per unit (the window)",
        (false, Lang::Sv) => "Avsteg per beställare (perioden)",
        (false, Lang::En) => "Skips per orderer (the window)",
    };
    ws.write_string_with_format(r, 0, title, &f.label)?;
    r += 1;
    let who = match (unit, lang) {
        (true, Lang::Sv) => "Ansvar",
        (true, Lang::En) => "Unit",
        (false, Lang::Sv) => "Beställare",
        (false, Lang::En) => "Orderer",
    };
    let heads: [&str; 6] = lang.pick(
        [
            who,
            "Belopp (kr)",
            "Dokumenterade avsteg (kr)",
            "Dokumenterade avrop",
            "Odokumenterade avsteg (kr)",
            "Odokumenterade avrop",
        ],
        [
            who,
            "Amount (SEK)",
            "Documented skips (SEK)",
            "Documented call-offs",
            "Undocumented skips (SEK)",
            "Undocumented call-offs",
        ],
    );
    header_row(ws, r, 0, &heads, f)?;
    ws.set_row_height(r, 30)?;
    let names = ctx.who_texts(list.iter().map(|u| (u.who, u.row)));
    for (u, name) in list.iter().zip(names) {
        r += 1;
        let empty = lang.pick("(ingen uppgift)", "(not given)");
        if unit {
            super::sheet::unit_cell(ws, (r, 0), WHO_WIDTH, ctx, u.who.sym().unwrap_or(0), (empty, &f.text))?;
        } else {
            ws.write_string_with_format(r, 0, if name.is_empty() { empty } else { &name }, &f.text)?;
        }
        ws.write_number_with_format(r, 1, kronor(u.total), &f.sek)?;
        ws.write_number_with_format(r, 2, kronor(u.documented.amount), &f.sek)?;
        ws.write_number_with_format(r, 3, u.documented.call_offs as f64, &f.int)?;
        ws.write_number_with_format(r, 4, kronor(u.undocumented.amount), &f.sek)?;
        ws.write_number_with_format(r, 5, u.undocumented.call_offs as f64, &f.int)?;
    }
    Ok(r + 2)
}

/// The width of a rank agreement sheet's first column.
const WHO_WIDTH: f64 = 30.0;

/// A rank agreement's sheet.
pub fn rank_agreement_sheet(
    ws: &mut Worksheet,
    sheet_name: &str,
    ctx: &Context,
    period: &AgreementShares,
    f: &Formats,
    l: &labels::Labels,
) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[period.agreement];
    ws.write_string_with_format(0, 0, format!("{} – {}", a.id, a.name), &f.title)?;
    ws.write_string_with_format(
        1,
        0,
        lang.pick(
            format!(
                "{}: {} – {} · rangordning: rang 1 avropas först; avrop från lägre rang kräver ett dokumenterat avsteg · {} avsteg i registret · tolerans {} %",
                l.valid, a.valid_from, a.valid_to, a.deviations.len(), period.tolerance_pp
            ),
            format!(
                "{}: {} – {} · rank order: rank 1 is called first; a call-off to a lower rank needs a documented deviation · {} deviation(s) in the register · tolerance {} %",
                l.valid, a.valid_from, a.valid_to, a.deviations.len(), period.tolerance_pp
            ),
        ),
        &f.note,
    )?;
    if let Some(u) = ctx.ceilings.iter().find(|u| u.agreement == period.agreement) {
        ws.write_string_with_format(2, 0, super::ceiling_sheet::ceiling_line(ctx, u), &f.note)?;
    }
    let mut r = rank_table(ws, ctx, 3, period, f)?;
    if let Some(t) = ctx.allocation.of(period.agreement, Scope::ToDate) {
        r = rank_table(ws, ctx, r, t, f)?;
    }
    if let Some(u) = crate::allocate::rank::period_usage(ctx.rank_usage, &ctx.allocation.shares, period.agreement) {
        r = usage_tables(ws, ctx, r, u, f)?;
    }
    monthly_chart(ws, sheet_name, ctx, a, period, r, f)?;
    ws.set_column_width(0, WHO_WIDTH)?;
    for c in 1..12u16 {
        ws.set_column_width(c, 15)?;
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, Some((0, 0)), l)
}

fn usage_tables(ws: &mut Worksheet, ctx: &Context, r: u32, u: &RankUsage, f: &Formats) -> Result<u32, XlsxError> {
    let r = skips_table(ws, ctx, r, &u.by_unit, true, f)?;
    skips_table(ws, ctx, r, &u.by_orderer, false, f)
}

/// The monthly table's columns: month, then per rank its documented part
/// (rank 1: all of it) and, below rank 1, its undocumented part; each
/// column as (supplier, undocumented).
fn monthly_columns(a: &Agreement, lang: Lang) -> (Vec<String>, Vec<(usize, bool)>) {
    let mut heads: Vec<String> = vec![lang.pick("Månad", "Month").to_string()];
    let mut cols: Vec<(usize, bool)> = Vec::new();
    for s in a.by_rank() {
        let sup = &a.suppliers[s];
        let rank = sup.rank.unwrap_or(0);
        if rank == 1 {
            heads.push(format!("{rank}. {}", sup.name));
            cols.push((s, false));
        } else {
            heads.push(lang.pick(
                format!("{rank}. {} – dokumenterat", sup.name),
                format!("{rank}. {} – documented", sup.name),
            ));
            cols.push((s, false));
            heads.push(lang.pick(
                format!("{rank}. {} – odokumenterat", sup.name),
                format!("{rank}. {} – undocumented", sup.name),
            ));
            cols.push((s, true));
        }
    }
    (heads, cols)
}

/// Per month the basis value per rank, the undocumented part apart, and a
/// stacked column chart of the shares by rank (the undocumented part of
/// each lower rank marked with a pattern).
fn monthly_chart(
    ws: &mut Worksheet,
    sheet_name: &str,
    ctx: &Context,
    a: &Agreement,
    period: &AgreementShares,
    top: u32,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let Some(m) = ctx.monthly.iter().find(|m| m.agreement == period.agreement) else {
        return Ok(());
    };
    let count = a.basis == Basis::Count;
    let title = lang.pick("Andel per rang och månad", "Share by rank per month");
    ws.write_string_with_format(top, 0, title, &f.subtitle)?;
    let (heads, cols) = monthly_columns(a, lang);
    let head_refs: Vec<&str> = heads.iter().map(String::as_str).collect();
    header_row(ws, top + 1, 0, &head_refs, f)?;
    ws.set_row_height(top + 1, 45)?;
    let month_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm");
    for (i, key) in m.months.iter().enumerate() {
        let r = top + 2 + i as u32;
        ws.write_datetime_with_format(r, 0, excel_date(month_start(*key))?, &month_format)?;
        for (c, &(s, undocumented)) in cols.iter().enumerate() {
            let u = m
                .undocumented
                .get(s)
                .and_then(|v| v.get(i))
                .copied()
                .unwrap_or_default();
            let (all, undoc) = if count {
                (m.call_offs[s][i] as f64, u.call_offs as f64)
            } else {
                (kronor(m.amounts[s][i]), kronor(u.amount))
            };
            let v = if undocumented { undoc } else { all - undoc };
            ws.write_number_with_format(r, 1 + c as u16, v, if count { &f.int } else { &f.sek })?;
        }
    }
    let (first, last) = (top + 2, top + 1 + m.months.len() as u32);
    let mut chart = Chart::new(ChartType::ColumnPercentStacked);
    chart.title().set_name(title);
    for (c, &(s, undocumented)) in cols.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        let mut fill = ChartFormat::new();
        if undocumented {
            fill.set_pattern_fill(
                rust_xlsxwriter::ChartPatternFill::new()
                    .set_pattern(rust_xlsxwriter::ChartPatternFillType::DiagonalStripesDarkUpwards)
                    .set_foreground_color(0xC00000)
                    .set_background_color(colour),
            );
        } else {
            fill.set_solid_fill(ChartSolidFill::new().set_color(colour));
        }
        let col = 1 + c as u16;
        chart
            .add_series()
            .set_name((sheet_name, top + 1, col))
            .set_categories((sheet_name, first, 0, last, 0))
            .set_values((sheet_name, first, col, last, col))
            .set_format(&mut fill);
    }
    chart.x_axis().set_num_format("yyyy-mm");
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(720).set_height(360);
    ws.insert_chart(top, 3 + cols.len() as u16, &chart)?;
    Ok(())
}

fn fku_heads(lang: Lang) -> [&'static str; 9] {
    lang.pick(
        [
            "Avtal",
            "Benämning",
            "Leverantör",
            "Order",
            "Första datum",
            "Sista datum",
            "Rader",
            "Belopp (kr)",
            "FKU-gräns (kr)",
        ],
        [
            "Agreement",
            "Name",
            "Supplier",
            "Order",
            "First date",
            "Last date",
            "Rows",
            "Amount (SEK)",
            "FKU threshold (SEK)",
        ],
    )
}

/// The *FKU* sheet: the FKU call-offs shown for the window (fku.csv).
pub fn fku_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &labels::Labels) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    ws.set_name(fku_name(lang))?;
    ws.write_string_with_format(
        0,
        0,
        lang.pick("Förnyad konkurrensutsättning (FKU)", "Renewed competition (FKU)"),
        &f.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        lang.pick(
            "Avrop (samma leverantör och order) värda minst avtalets FKU-gräns. De räknas mot takvolymen men inte mot fördelningsnyckeln eller rangordningen.",
            "Call-offs (the same supplier and order) worth at least the agreement's FKU threshold. They count against the ceiling but not toward the key or the rank order.",
        ),
        &f.note,
    )?;
    let heads = fku_heads(lang);
    header_row(ws, 3, 0, &heads, f)?;
    ws.set_row_height(3, 30)?;
    let mut r = 3;
    for c in ctx.fku.shown(ctx.register, &ctx.allocation.window) {
        let Some(a) = ctx.register.agreements.get(c.agreement) else {
            continue;
        };
        r += 1;
        ws.write_string_with_format(r, 0, &a.id, &f.text)?;
        ws.write_string_with_format(r, 1, &a.name, &f.text)?;
        ws.write_string_with_format(
            r,
            2,
            a.suppliers.get(c.supplier).map_or("", |s| s.name.as_str()),
            &f.text,
        )?;
        ws.write_string_with_format(r, 3, &c.order, &f.text)?;
        ws.write_datetime_with_format(r, 4, excel_date(c.first_date)?, &f.date)?;
        ws.write_datetime_with_format(r, 5, excel_date(c.last_date)?, &f.date)?;
        ws.write_number_with_format(r, 6, c.rows as f64, &f.int)?;
        ws.write_number_with_format(r, 7, kronor(c.amount), &f.sek)?;
        if let Some(t) = a.fku_threshold {
            ws.write_number_with_format(r, 8, kronor(t), &f.sek)?;
        }
    }
    if r == 3 {
        ws.write_string_with_format(
            4,
            0,
            lang.pick(
                "Inga avrop över FKU-gränsen under perioden.",
                "No call-offs above the FKU threshold in the window.",
            ),
            &f.note,
        )?;
    }
    for (c, w) in [14, 26, 26, 16, 12, 12, 8, 16, 16].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(4, 0)?;
    print_setup(ws, Some((3, 3)), l)
}
