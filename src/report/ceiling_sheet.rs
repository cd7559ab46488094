//! The workbook's *Takvolym* sheet (rule 11): per agreement with a
//! ceiling, how much is used, how much of its time has passed, the pace,
//! the forecast and whether the ceiling was reached, with a native bar
//! chart; then the agreements' life: ending soon, ended but still used,
//! used after the ceiling.

use super::charts::percent;
use super::labels::{self, Labels};
use super::sheet::{self, header_row, print_setup, Formats, PALETTE};
use super::xlsx::{excel_date, kronor};
use super::Context;
use crate::allocate::ceiling::{CeilingUse, LateUse};
use crate::format::sek_unit;
use rust_xlsxwriter::{Chart, ChartFormat, ChartLegendPosition, ChartSolidFill, ChartType, Worksheet, XlsxError};

/// The sheet's name.
pub const NAME_SV: &str = "Takvolym";
pub const NAME_EN: &str = "Ceiling";

/// One line for an agreement sheet: the ceiling, used, time, status.
pub fn ceiling_line(ctx: &Context, u: &CeilingUse) -> String {
    let lang = ctx.lang;
    let coverage = labels::coverage_note(lang, &u.missing_months);
    let shared = if u.ceiling.shared {
        lang.pick(
            " · delad takvolym: bara våra avrop räknas",
            " · shared ceiling: only our call-offs count",
        )
    } else {
        ""
    };
    format!(
        "{} {} · {} {} ({}) · {} {} · {}: {}{}{}",
        lang.pick("Takvolym", "Ceiling"),
        sek_unit(u.ceiling.ceiling as i128, lang),
        lang.pick("använt", "used"),
        sek_unit(u.used as i128, lang),
        percent(u.used_pct, 1, lang),
        lang.pick("avtalstid som gått", "time elapsed"),
        percent(u.elapsed_pct, 1, lang),
        lang.pick("status", "status"),
        labels::ceiling_status(lang, u.status),
        if coverage.is_empty() {
            String::new()
        } else {
            format!(" · {coverage}")
        },
        shared
    )
}

/// The width of the life tables' unit column (the sheet's third column).
const UNIT_WIDTH: f64 = 14.0;

pub fn ceiling_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let name = lang.pick(NAME_SV, NAME_EN);
    ws.set_name(name)?;
    title_block(ws, ctx, f)?;
    let heads = headings(lang);
    let head = 3u32;
    header_row(ws, head, 0, &heads, f)?;
    ws.set_row_height(head, 45)?;
    let ratio = rust_xlsxwriter::Format::new().set_num_format("0.00");
    let wrap = rust_xlsxwriter::Format::new()
        .set_quote_prefix()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let mut r = head + 1;
    for u in ctx.ceilings {
        ceiling_row(ws, ctx, r, u, f, (&ratio, &wrap))?;
        r += 1;
    }
    if ctx.ceilings.is_empty() {
        ws.write_string_with_format(
            r,
            0,
            lang.pick(
                "Inget rapporterat avtal har en takvolym i registret (kolumnen Takvolym).",
                "No reported agreement has a ceiling in the register (column ceiling_sek).",
            ),
            &f.note,
        )?;
        r += 1;
    }
    let last = r.saturating_sub(1);
    sheet::ceiling_colours(ws, head + 1, last, 13, lang)?;
    let mut next = r + 1;
    if !ctx.ceilings.is_empty() {
        next += ceiling_chart(ws, ctx, (name, head + 1, last), &heads, next)?;
    }
    life_tables(ws, ctx, next, f, l)?;
    for (c, width) in [13, 22, 14, 14, 14, 9, 9, 8, 14, 11, 11, 9, 14, 20, 16, 36]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_freeze_panes(head + 1, 2)?;
    print_setup(ws, Some((head, head)), l)
}

/// The title and the note on what *used* means (rows 0–1).
fn title_block(ws: &mut Worksheet, ctx: &Context, f: &Formats) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let window = &ctx.allocation.window.label;
    ws.write_string_with_format(
        0,
        0,
        lang.pick(
            format!("Takvolym och avtalens löptid – {window}"),
            format!("Ceilings and the agreements' life – {window}"),
        ),
        &f.title,
    )?;
    let as_of = ctx.ceilings.first().map(|u| u.as_of);
    ws.write_string_with_format(
        1,
        0,
        lang.pick(
            format!(
                "Räknat till och med {}. Använt = nettosumman av avropen i de lästa exporterna från avtalets start. När exporterna saknar månader är använt en undre gräns: se kolumnen Saknade månader. Använt ÷ tid över 1 betyder att taket förbrukas snabbare än avtalstiden går.",
                as_of.map(|d| d.to_string()).unwrap_or_default()
            ),
            format!(
                "Counted up to {}. Used = the net sum of the call-offs in the exports read since the agreement started. Where the exports lack months, used is a lower bound: see Missing months. Used ÷ time above 1 means the ceiling is used faster than the agreement's time passes.",
                as_of.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        &f.note,
    )?;
    Ok(())
}

/// The table's column headings.
fn headings(lang: crate::lang::Lang) -> [&'static str; 16] {
    lang.pick(
        [
            "Avtal",
            "Benämning",
            "Takvolym (kr)",
            "Uppskattat värde (kr)",
            "Använt (kr)",
            "Använt av taket",
            "Avtalstid som gått",
            "Använt ÷ tid",
            "Takt per månad (kr)",
            "Taket nås (prognos)",
            "Taket nåddes",
            "Avrop efter taket",
            "Belopp efter taket (kr)",
            "Status",
            "Saknade månader i exporterna",
            "Anmärkning",
        ],
        [
            "Agreement",
            "Name",
            "Ceiling (SEK)",
            "Estimated value (SEK)",
            "Used (SEK)",
            "Used of the ceiling",
            "Time elapsed",
            "Used ÷ time",
            "Pace per month (SEK)",
            "Ceiling reached (forecast)",
            "Ceiling reached on",
            "Call-offs after it",
            "Amount after it (SEK)",
            "Status",
            "Months missing in the exports",
            "Note",
        ],
    )
}

/// One agreement's row; `formats` are the ratio's and the wrapped text's.
fn ceiling_row(
    ws: &mut Worksheet,
    ctx: &Context,
    r: u32,
    u: &CeilingUse,
    f: &Formats,
    (ratio, wrap): (&rust_xlsxwriter::Format, &rust_xlsxwriter::Format),
) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[u.agreement];
    ws.write_string_with_format(r, 0, &a.id, &f.text)?;
    ws.write_string_with_format(r, 1, &a.name, &f.text)?;
    ws.write_number_with_format(r, 2, kronor(u.ceiling.ceiling), &f.sek)?;
    if let Some(e) = u.ceiling.estimated {
        ws.write_number_with_format(r, 3, kronor(e), &f.sek)?;
    }
    ws.write_number_with_format(r, 4, kronor(u.used), &f.sek)?;
    ws.write_number_with_format(r, 5, u.used_pct / 100.0, &f.pct)?;
    ws.write_number_with_format(r, 6, u.elapsed_pct / 100.0, &f.pct)?;
    if let Some(p) = u.pace_ratio() {
        ws.write_number_with_format(r, 7, p, ratio)?;
    }
    ws.write_number_with_format(r, 8, u.rate_per_month(), &f.sek)?;
    match u.forecast_date {
        Some(d) if d <= a.valid_to => {
            ws.write_datetime_with_format(r, 9, excel_date(d)?, &f.date)?;
        }
        Some(_) => {
            ws.write_string(r, 9, labels::forecast(lang, u.forecast_date, a.valid_to))?;
        }
        None => {}
    }
    if let Some(d) = u.reached_on {
        ws.write_datetime_with_format(r, 10, excel_date(d)?, &f.date)?;
    }
    ws.write_number_with_format(r, 11, u.after_reached_rows as f64, &f.int)?;
    ws.write_number_with_format(r, 12, kronor(u.after_reached_amount), &f.sek)?;
    ws.write_string(r, 13, labels::ceiling_status(lang, u.status))?;
    ws.write_string_with_format(r, 14, labels::month_runs(&u.missing_months), wrap)?;
    let notes = row_notes(lang, u).join(" ");
    ws.write_string_with_format(r, 15, &notes, wrap)?;
    if !notes.is_empty() {
        // Wrapped notes need the height (readers do not refit rows).
        ws.set_row_height(
            r,
            (15.0 * (1.0 + notes.chars().count() as f64 / 40.0).ceil()).min(409.0),
        )?;
    }
    Ok(())
}

/// The *Anmärkning* of a row: a shared ceiling, a reached one.
fn row_notes(lang: crate::lang::Lang, u: &CeilingUse) -> Vec<&'static str> {
    let mut notes = Vec::new();
    if u.ceiling.shared {
        notes.push(lang.pick(
            "Delad takvolym: bara den här organisationens avrop räknas; den verkliga användningen är högre.",
            "Shared ceiling: only this organisation's call-offs are counted; the real use is higher.",
        ));
    }
    if u.reached_on.is_some() {
        notes.push(lang.pick(
            "Avtalet har upphört att gälla när taket nåddes: senare avrop är otillåtna direktupphandlingar.",
            "The agreement ceased to have effect when the ceiling was reached: later call-offs are unlawful direct awards.",
        ));
    }
    notes
}

/// The bar chart of used and time elapsed over the rows `first..=last` of
/// sheet `name`, at row `at`; returns the rows it takes.
fn ceiling_chart(
    ws: &mut Worksheet,
    ctx: &Context,
    (name, first, last): (&str, u32, u32),
    heads: &[&str; 16],
    at: u32,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let mut chart = Chart::new(ChartType::Bar);
    chart.title().set_name(lang.pick(
        "Använt av takvolymen och avtalstid som gått",
        "Ceiling used and time elapsed",
    ));
    chart
        .add_series()
        .set_name(heads[5])
        .set_categories((name, first, 0, last, 0))
        .set_values((name, first, 5, last, 5))
        .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(PALETTE[0])));
    chart
        .add_series()
        .set_name(heads[6])
        .set_categories((name, first, 0, last, 0))
        .set_values((name, first, 6, last, 6))
        .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(0xA6A6A6)));
    chart.x_axis().set_num_format("0%").set_min(0);
    chart.y_axis().set_reverse();
    chart.legend().set_position(ChartLegendPosition::Bottom);
    let height = (120 + 40 * ctx.ceilings.len() as u32).clamp(260, 900);
    chart.set_width(820).set_height(height);
    ws.insert_chart(at, 0, &chart)?;
    Ok(height / 20 + 2)
}

/// Ending soon, ended but used, used after the ceiling; returns the next
/// free row.
fn life_tables(ws: &mut Worksheet, ctx: &Context, r: u32, f: &Formats, l: &Labels) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let life = ctx.life;
    let mut r = ending_soon(ws, ctx, r, f)?;
    let lists: [(&str, &[LateUse]); 2] = [
        (
            lang.pick(
                "Avslutade avtal som fortfarande får avrop (rader efter slutdatum)",
                "Ended agreements still receiving call-offs (rows after the end date)",
            ),
            &life.ended_in_use,
        ),
        (
            lang.pick(
                "Avrop efter att takvolymen nåtts, per enhet",
                "Call-offs after the ceiling was reached, per unit",
            ),
            &life.after_ceiling,
        ),
    ];
    for (title, list) in lists {
        r = late_uses(ws, ctx, r, (title, list), f, l)?;
    }
    Ok(r)
}

/// The agreements ending within six months; returns the next free row
/// (after a blank one).
fn ending_soon(ws: &mut Worksheet, ctx: &Context, mut r: u32, f: &Formats) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let life = ctx.life;
    ws.write_string_with_format(
        r,
        0,
        lang.pick(
            "Avtal som löper ut inom sex månader (en ny upphandling tar längre tid)",
            "Agreements ending within six months (a new procurement takes longer)",
        ),
        &f.subtitle,
    )?;
    r += 1;
    let heads: [&str; 4] = lang.pick(
        ["Avtal", "Benämning", "Giltigt till", "Månader kvar"],
        ["Agreement", "Name", "Valid to", "Months left"],
    );
    header_row(ws, r, 0, &heads, f)?;
    r += 1;
    let as_of = ctx.ceilings.first().map(|u| u.as_of).or(ctx.info.latest_date);
    for &i in &life.ending_soon {
        let a = &ctx.register.agreements[i];
        ws.write_string_with_format(r, 0, &a.id, &f.text)?;
        ws.write_string_with_format(r, 1, &a.name, &f.text)?;
        ws.write_datetime_with_format(r, 2, excel_date(a.valid_to)?, &f.date)?;
        if let Some(d) = as_of {
            let months = (a.valid_to - d).num_days() as f64 / crate::allocate::ceiling::DAYS_PER_MONTH;
            ws.write_number_with_format(r, 3, months, &f.one_decimal)?;
        }
        r += 1;
    }
    if life.ending_soon.is_empty() {
        ws.write_string_with_format(r, 0, lang.pick("Inga.", "None."), &f.note)?;
        r += 1;
    }
    Ok(r + 1)
}

/// One list of late call-offs (after the end, after the ceiling) by
/// agreement and unit; returns the next free row (after a blank one).
fn late_uses(
    ws: &mut Worksheet,
    ctx: &Context,
    mut r: u32,
    (title, list): (&str, &[LateUse]),
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    ws.write_string_with_format(r, 0, title, &f.subtitle)?;
    r += 1;
    let heads: [&str; 5] = lang.pick(
        ["Avtal", "Benämning", "Enhet", "Avrop", "Belopp (kr)"],
        ["Agreement", "Name", "Unit", "Call-offs", "Amount (SEK)"],
    );
    header_row(ws, r, 0, &heads, f)?;
    r += 1;
    for late in list {
        let a = &ctx.register.agreements[late.agreement];
        ws.write_string_with_format(r, 0, &a.id, &f.text_bold)?;
        ws.write_string_with_format(r, 1, &a.name, &f.text_bold)?;
        ws.write_string_with_format(r, 2, lang.pick("Alla enheter", "All units"), &f.text_bold)?;
        ws.write_number_with_format(r, 3, late.rows as f64, &f.int_bold)?;
        ws.write_number_with_format(r, 4, kronor(late.amount), &f.sek_bold)?;
        r += 1;
        for u in &late.units {
            super::sheet::unit_cell(ws, (r, 2), UNIT_WIDTH, ctx, u.unit, (l.no_unit, &f.text))?;
            ws.write_number_with_format(r, 3, u.rows as f64, &f.int)?;
            ws.write_number_with_format(r, 4, kronor(u.amount), &f.sek)?;
            r += 1;
        }
    }
    if list.is_empty() {
        ws.write_string_with_format(r, 0, lang.pick("Inga.", "None."), &f.note)?;
        r += 1;
    }
    Ok(r + 1)
}
