//! A section workbook's part for a rank agreement (rule 13): the section's
//! call-offs from a lower rank without a documented deviation, with what
//! to do about them.

use super::*;

/// The section's undocumented skips of rank agreement `ai` among `rows`.
fn undocumented(ctx: &Context, ai: usize, rows: &[usize]) -> Vec<usize> {
    rows.iter()
        .copied()
        .filter(|&i| match ctx.classified.outcomes[i] {
            Outcome::InAgreement { agreement, supplier } => {
                agreement.index() == ai
                    && ctx.exports.rows.at(i).date.is_some_and(|d| {
                        crate::allocate::rank::undocumented(ctx.exports, ctx.register, i, ai, supplier.index(), d)
                    })
            }
            _ => false,
        })
        .collect()
}

/// [`undocumented`] and the net amount of those rows.
pub(crate) fn undocumented_with_amount(ctx: &Context, ai: usize, rows: &[usize]) -> (Vec<usize>, i64) {
    let skips = undocumented(ctx, ai, rows);
    let amount = skips
        .iter()
        .filter_map(|&i| ctx.exports.rows.at(i).amount)
        .map(|m| m.0)
        .sum();
    (skips, amount)
}

/// What the section is asked to do about its undocumented skips in the
/// window, when it has any.
pub(super) fn ask(ctx: &Context, in_window: &[usize]) -> Option<String> {
    let lang = ctx.lang;
    let named: Vec<String> = ctx
        .register
        .agreements
        .iter()
        .enumerate()
        .filter(|(ai, a)| a.is_rank() && !undocumented(ctx, *ai, in_window).is_empty())
        .map(|(_, a)| format!("{} ({})", a.name, a.id))
        .collect();
    (!named.is_empty()).then(|| {
        lang.pick(
            format!(
                "Sektionen har avropat från lägre rang utan dokumenterat avsteg på {}: dokumentera avsteget eller avropa från rang 1.",
                named.join(", ")
            ),
            format!(
                "The section called off from a lower rank without a documented deviation under {}: document the deviation or call off from rank 1.",
                named.join(", ")
            ),
        )
    })
}

/// A rank agreement's block: the section's undocumented skips in the
/// window, row by row; returns the next free row.
pub(super) fn block(
    ws: &mut Worksheet,
    ctx: &Context,
    in_window: &[usize],
    ai: usize,
    mut r: u32,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[ai];
    ws.write_string_with_format(
        r,
        0,
        format!("{} – {} ({})", a.id, a.name, a.model.label(lang)),
        &f.subtitle,
    )?;
    r += 1;
    let (rows, total) = undocumented_with_amount(ctx, ai, in_window);
    let text = if rows.is_empty() {
        lang.pick(
            "Inga avrop från lägre rang utan dokumenterat avsteg under perioden.".to_string(),
            "No call-offs from a lower rank without a documented deviation in the window.".to_string(),
        )
    } else {
        lang.pick(
            format!(
                "{} avrop ({} kr) från lägre rang utan dokumenterat avsteg under perioden. Gör så här: dokumentera avsteget eller avropa från rang 1. Ett avsteg dokumenteras i en tjänsteanteckning och förs in på bladet Avsteg i avtalsregistret.",
                rows.len(),
                crate::format::sek(total as i128, lang)
            ),
            format!(
                "{} call-off(s) ({} SEK) from a lower rank without a documented deviation in the window. What to do: document the deviation or call off from rank 1. A deviation is documented in a memo and entered on the Avsteg sheet of the register.",
                rows.len(),
                crate::format::sek(total as i128, lang)
            ),
        )
    };
    ws.write_string_with_format(r, 0, text, &f.text_bold)?;
    r += 1;
    if rows.is_empty() {
        return Ok(r + 1);
    }
    rows_table(ws, ctx, a, &rows, r, f, l)
}

/// The undocumented skips row by row (the first 150), each with what to
/// do; returns the next free row.
fn rows_table(
    ws: &mut Worksheet,
    ctx: &Context,
    a: &crate::register::Agreement,
    rows: &[usize],
    mut r: u32,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    // The supplier in the wide first column (names are long), the date
    // left-aligned beside it.
    let heads = [
        l.supplier,
        l.date,
        lang.pick("Rang", "Rank"),
        l.amount,
        l.unit,
        l.orderer,
        lang.pick("Att göra", "To do"),
    ];
    header_row(ws, r, 0, &heads, f)?;
    r += 1;
    let todo = lang.pick(
        "dokumentera avsteget eller avropa från rang 1",
        "document the deviation or call off from rank 1",
    );
    let shown = rows.get(..SHOWN * 10).unwrap_or(rows);
    let orderers = ctx.exports.orderer_texts(shown);
    for (i, orderer) in shown.iter().zip(&orderers) {
        let row = ctx.exports.rows.at(*i);
        if let Some(d) = row.date {
            ws.write_datetime_with_format(r, 1, excel_date(parse::days_to_date(d))?, &f.date_left)?;
        }
        if let Outcome::InAgreement { supplier, .. } = ctx.classified.outcomes[*i] {
            if let Some(sup) = a.suppliers.get(supplier.index()) {
                ws.write_string_with_format(r, 0, &sup.name, &f.text)?;
                ws.write_number_with_format(r, 2, f64::from(sup.rank.unwrap_or(0)), &f.int)?;
            }
        }
        if let Some(m) = row.amount {
            ws.write_number_with_format(r, 3, kronor(m.0), &f.sek)?;
        }
        crate::report::sheet::unit_cell(ws, (r, 4), 15.0, ctx, row.get(Field::Unit), ("", &f.text_gap))?;
        ws.write_string_with_format(r, 5, orderer.as_ref(), &f.text)?;
        ws.write_string_with_format(r, 6, todo, &f.text)?;
        r += 1;
    }
    if rows.len() > SHOWN * 10 {
        ws.write_string_with_format(
            r,
            0,
            lang.pick(
                format!(
                    "… och {} till (alla avrop finns på bladet Avrop)",
                    rows.len() - SHOWN * 10
                ),
                format!(
                    "… and {} more (every call-off is on the Call-offs sheet)",
                    rows.len() - SHOWN * 10
                ),
            ),
            &f.note,
        )?;
        r += 1;
    }
    Ok(r + 1)
}
