//! The workbook's *Avtalstrohet* sheet (rule 15): per account the spend
//! through the agreements and beside them, with the compliance as a native
//! bar chart; then the suppliers beside the agreements, those over the
//! direct-award limit first and marked. Also the compliance block of
//! *Sammanfattning*.

use super::compliance_csv::agreement_ids;
use super::labels::Labels;
use super::sheet::{header_row, print_setup, Formats, PALETTE};
use super::xlsx::kronor;
use super::Context;
use crate::allocate::beside::{AccountCompliance, Beside, BesideSupplier};
use crate::format::sek_unit;
use crate::lang::Lang;
use rust_xlsxwriter::{Chart, ChartFormat, ChartSolidFill, ChartType, Format, Worksheet, XlsxError};

/// The sheet's name.
pub const NAME_SV: &str = "Avtalstrohet";
pub const NAME_EN: &str = "Compliance";

/// Most units or orderers named in one cell.
const MOST_NAMED: usize = 5;

/// The headings of the per-account table.
fn account_heads(lang: Lang) -> [&'static str; 7] {
    lang.pick(
        [
            "Konto",
            "Genom avtalen (kr)",
            "Vid sidan av avtalen (kr)",
            "Avtalstrohet",
            "Leverantörer vid sidan av",
            "Varav över gränsen",
            "Avtal som listar kontot",
        ],
        [
            "Account",
            "Through the agreements (SEK)",
            "Beside the agreements (SEK)",
            "Compliance",
            "Suppliers beside",
            "Of which over the limit",
            "Agreements listing it",
        ],
    )
}

/// The column of the compliance (the chart's values).
const COMPLIANCE_COL: u16 = 3;

/// The last column the agreements of an account span (merged from column
/// 6: a long list stays on one line).
const LAST_COL: u16 = 9;

/// The per-account table from row `r` (heading included); returns the
/// next free row.
///
/// `list_width`: the width in characters of columns 6 to [`LAST_COL`],
/// where the agreements listing an account wrap.
fn account_table(ws: &mut Worksheet, ctx: &Context, r: u32, f: &Formats, list_width: f64) -> Result<u32, XlsxError> {
    let heads = account_heads(ctx.lang);
    header_row(ws, r, 0, &heads[..6], f)?;
    ws.merge_range(r, 6, r, LAST_COL, heads[6], &f.header)?;
    ws.set_row_height(r, 45)?;
    let mut r = r + 1;
    for a in &ctx.beside.accounts {
        account_row(ws, ctx, (r, list_width), a, f)?;
        r += 1;
    }
    Ok(r)
}

fn account_row(
    ws: &mut Worksheet,
    ctx: &Context,
    (r, list_width): (u32, f64),
    a: &AccountCompliance,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(r, 0, &a.account, &f.text)?;
    ws.write_number_with_format(r, 1, kronor(a.in_agreements), &f.sek)?;
    ws.write_number_with_format(r, 2, kronor(a.beside), &f.sek)?;
    if let Some(p) = a.compliance_pct() {
        ws.write_number_with_format(r, COMPLIANCE_COL, p / 100.0, &f.pct)?;
    }
    ws.write_number_with_format(r, 4, a.beside_suppliers as f64, &f.int)?;
    ws.write_number_with_format(r, 5, a.over_limit_suppliers as f64, &f.int)?;
    let ids = agreement_ids(ctx.register, &a.agreements).replace(';', ", ");
    // Wrapped, the row as tall as it needs, indented clear of the count
    // to its left; on the row's baseline like the figures beside it.
    let wrapped = f.text.clone().set_indent(1).set_text_wrap();
    ws.merge_range(r, 6, r, LAST_COL, &ids, &wrapped)?;
    let lines = super::sheet::wrapped_lines(&ids, list_width);
    if lines > 1 {
        ws.set_row_height(r, super::sheet::row_height(lines))?;
    }
    Ok(())
}

/// `Sammanfattning`'s block: the compliance per account from row `r`;
/// returns the next free row (nothing when no agreement lists accounts).
pub fn overview_block(
    ws: &mut Worksheet,
    ctx: &Context,
    r: u32,
    f: &Formats,
    widths: &[f64],
) -> Result<u32, XlsxError> {
    if ctx.beside.accounts.is_empty() {
        return Ok(r);
    }
    let lang = ctx.lang;
    ws.write_string_with_format(
        r,
        0,
        lang.pick(
            "Avtalstrohet per konto (se bladet Avtalstrohet)",
            "Contract compliance per account (see the sheet Compliance)",
        ),
        &f.subtitle,
    )?;
    account_table(ws, ctx, r + 1, f, list_width(widths))
}

/// The width of columns 6 to [`LAST_COL`] of a sheet with `widths`.
fn list_width(widths: &[f64]) -> f64 {
    widths.iter().skip(6).take(usize::from(LAST_COL) - 5).sum()
}

/// The note under the title: what the figures mean and the limit used.
fn note(ctx: &Context) -> String {
    let lang = ctx.lang;
    let b = ctx.beside;
    let limit = sek_unit(i128::from(b.limit), lang);
    let year = b.year;
    lang.pick(
        format!(
            "Vid sidan av avtalen = köp utanför avtalen bokförda på ett konto som ett rapporterat avtal listar, när avtalet gäller. Avtalstrohet = genom avtalen ÷ (genom avtalen + vid sidan av). Direktupphandlingsgränsen är {limit} (inställningen direct_award_limit_sek – håll den aktuell); en leverantör över den räknat från 1 januari {year} är sannolikt en otillåten direktupphandling."
        ),
        format!(
            "Beside the agreements = purchases outside the agreements booked on an account a reported agreement lists, while it is valid. Compliance = through the agreements ÷ (through + beside). The direct-award limit is {limit} (the setting direct_award_limit_sek – keep it current); a supplier above it counted from 1 January {year} is likely an unlawful direct award."
        ),
    )
}

/// The native bar chart of the compliance per account; returns its height
/// in rows.
fn chart(ws: &mut Worksheet, ctx: &Context, name: &str, (first, last): (u32, u32), at: u32) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .title()
        .set_name(lang.pick("Avtalstrohet per konto", "Contract compliance per account"));
    chart
        .add_series()
        .set_name(account_heads(lang)[COMPLIANCE_COL as usize])
        .set_categories((name, first, 0, last, 0))
        .set_values((name, first, COMPLIANCE_COL, last, COMPLIANCE_COL))
        .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(PALETTE[0])));
    chart.x_axis().set_num_format("0%").set_min(0).set_max(1);
    chart.y_axis().set_reverse();
    chart.legend().set_hidden();
    let height = (120 + 30 * ctx.beside.accounts.len() as u32).clamp(240, 900);
    chart.set_width(720).set_height(height);
    ws.insert_chart(at, 0, &chart)?;
    Ok(height / 20 + 2)
}

pub fn compliance_sheet(ws: &mut Worksheet, ctx: &Context, f: &Formats, l: &Labels) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    let name = lang.pick(NAME_SV, NAME_EN);
    ws.set_name(name)?;
    let window = &ctx.allocation.window.label;
    let title = lang.pick(
        format!("Avtalstrohet och köp vid sidan av avtalen – {window}"),
        format!("Contract compliance and purchases beside the agreements – {window}"),
    );
    ws.write_string_with_format(0, 0, title, &f.title)?;
    let wrapped = f
        .note
        .clone()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    ws.merge_range(1, 0, 1, LAST_COL, &note(ctx), &wrapped)?;
    ws.set_row_height(1, 48)?;
    let head = 3u32;
    let next = account_table(ws, ctx, head, f, list_width(&WIDTHS))?;
    let height = chart(ws, ctx, name, (head + 1, next.saturating_sub(1)), next + 1)?;
    let list = next + 1 + height;
    supplier_table(ws, ctx, list, f)?;
    for (c, width) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_freeze_panes(head + 1, 1)?;
    print_setup(ws, Some((head, head)), l)
}

/// The sheet's column widths (both tables share them).
const WIDTHS: [f64; 10] = [14.0, 14.0, 28.0, 14.0, 12.0, 15.0, 15.0, 26.0, 40.0, 40.0];

/// The height of a row whose wrapped cells hold `texts` in `columns`.
fn wrapped_height(texts: &[(&str, u16)]) -> f64 {
    let lines = texts
        .iter()
        .map(|(t, c)| {
            let width = WIDTHS.get(usize::from(*c)).copied().unwrap_or(10.0).max(4.0);
            (t.chars().count() as f64 / (width * 1.1)).ceil().max(1.0)
        })
        .fold(1.0, f64::max);
    (15.0 * lines).min(409.0)
}

/// The suppliers' headings.
fn supplier_heads(lang: Lang) -> [&'static str; 10] {
    lang.pick(
        [
            "Över gränsen",
            "Org.nr",
            "Leverantör",
            "Konton",
            "Rader",
            "Belopp i perioden (kr)",
            "Belopp hittills i år (kr)",
            "Avtal som borde ha använts",
            "Enheter",
            "Beställare",
        ],
        [
            "Over the limit",
            "Org nr",
            "Supplier",
            "Accounts",
            "Rows",
            "Amount in the window (SEK)",
            "Amount so far this year (SEK)",
            "Agreements that should have been used",
            "Units",
            "Orderers",
        ],
    )
}

/// `Name (1 234 kr), …` for the `most` largest units (or orderers) of a
/// beside supplier.
pub fn named_amounts(ctx: &Context, s: &BesideSupplier, units: bool, most: usize) -> String {
    let lang = ctx.lang;
    let (len, shown): (usize, Vec<(std::borrow::Cow<str>, i128)>) = if units {
        let list = s.units.iter().take(most);
        (s.units.len(), list.map(|&(u, a)| (ctx.unit_shown(u), a)).collect())
    } else {
        let list = s.orderers.iter().take(most);
        (
            s.orderers.len(),
            list.map(|o| (ctx.who_text(o.who, o.row), o.amount)).collect(),
        )
    };
    let mut parts: Vec<String> = shown
        .iter()
        .map(|(text, amount)| {
            let text = if text.is_empty() {
                lang.pick("(tom)", "(empty)")
            } else {
                text
            };
            format!("{text} ({})", crate::format::kr(*amount, 0, lang))
        })
        .collect();
    if len > most {
        parts.push(lang.pick(format!("och {} till", len - most), format!("and {} more", len - most)));
    }
    parts.join(", ")
}

/// The accounts and agreements of one supplier's lines.
fn supplier_accounts(b: &Beside, supplier: usize) -> (Vec<&str>, Vec<usize>) {
    let mut accounts = Vec::new();
    let mut agreements: Vec<usize> = Vec::new();
    for l in b.lines.iter().filter(|l| l.supplier == supplier) {
        if let Some(a) = b.accounts.get(l.account) {
            accounts.push(a.account.as_str());
            agreements.extend(a.agreements.iter().copied());
        }
    }
    agreements.sort_unstable();
    agreements.dedup();
    (accounts, agreements)
}

/// The suppliers beside the agreements from row `r`; returns the next
/// free row.
fn supplier_table(ws: &mut Worksheet, ctx: &Context, r: u32, f: &Formats) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    ws.write_string_with_format(
        r,
        0,
        lang.pick(
            "Leverantörer vid sidan av avtalen (över direktupphandlingsgränsen först)",
            "Suppliers beside the agreements (over the direct-award limit first)",
        ),
        &f.subtitle,
    )?;
    header_row(ws, r + 1, 0, &supplier_heads(lang), f)?;
    ws.set_row_height(r + 1, 30)?;
    let mut r = r + 2;
    let top = Top::new(f);
    for (i, s) in ctx.beside.suppliers.iter().enumerate() {
        supplier_row(ws, ctx, r, i, s, &top)?;
        r += 1;
    }
    if ctx.beside.suppliers.is_empty() {
        ws.write_string_with_format(r, 0, lang.pick("Inga.", "None."), &f.note)?;
        r += 1;
    }
    Ok(r)
}

/// The supplier rows' formats, aligned to the top (rows are as tall as
/// their longest wrapped cell).
struct Top {
    text: Format,
    text_bold: Format,
    int: Format,
    sek: Format,
    sek_bold: Format,
    over: Format,
    wrap: Format,
}

impl Top {
    fn new(f: &Formats) -> Top {
        let top = |x: &Format| x.clone().set_align(rust_xlsxwriter::FormatAlign::Top);
        Top {
            text: top(&f.text),
            text_bold: top(&f.text_bold),
            int: top(&f.int),
            sek: top(&f.sek),
            sek_bold: top(&f.sek_bold),
            over: top(&Format::new()
                .set_bold()
                .set_background_color(0xFFC7CE)
                .set_font_color(0x9C0006)),
            wrap: top(&f.text).set_text_wrap(),
        }
    }
}

fn supplier_row(
    ws: &mut Worksheet,
    ctx: &Context,
    r: u32,
    i: usize,
    s: &BesideSupplier,
    f: &Top,
) -> Result<(), XlsxError> {
    let lang = ctx.lang;
    if s.over_limit {
        ws.write_string_with_format(r, 0, lang.pick("ÖVER GRÄNSEN", "OVER THE LIMIT"), &f.over)?;
    }
    let org = s.org_nr.map(|o| o.to_string()).unwrap_or_default();
    ws.write_string_with_format(r, 1, org, &f.text)?;
    let text = if s.over_limit { &f.text_bold } else { &f.text };
    ws.write_string_with_format(r, 2, &s.name, text)?;
    let (accounts, agreements) = supplier_accounts(ctx.beside, i);
    ws.write_string_with_format(r, 3, accounts.join(", "), &f.text)?;
    ws.write_number_with_format(r, 4, s.rows as f64, &f.int)?;
    ws.write_number_with_format(r, 5, kronor(s.amount), &f.sek)?;
    let year = if s.over_limit { &f.sek_bold } else { &f.sek };
    ws.write_number_with_format(r, 6, kronor(s.year_amount), year)?;
    let ids = agreement_ids(ctx.register, &agreements).replace(';', ", ");
    let (units, orderers) = (
        named_amounts(ctx, s, true, MOST_NAMED),
        named_amounts(ctx, s, false, MOST_NAMED),
    );
    ws.write_string_with_format(r, 7, &ids, &f.wrap)?;
    ws.write_string_with_format(r, 8, &units, &f.wrap)?;
    ws.write_string_with_format(r, 9, &orderers, &f.wrap)?;
    // Readers do not refit wrapped rows.
    ws.set_row_height(r, wrapped_height(&[(&ids, 7), (&units, 8), (&orderers, 9)]))?;
    Ok(())
}
