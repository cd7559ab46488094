//! The forum report's parts for rules 13–14: each rank agreement with its
//! shares by rank and its undocumented skips by unit, and the FKU
//! call-offs of the window.

use super::*;

/// The share of rank 1 and the undocumented skips in one sentence.
pub(super) fn sentence(ctx: &Context, p: &AgreementShares) -> String {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[p.agreement];
    let rank1 = a
        .suppliers
        .iter()
        .position(|x| x.rank == Some(1))
        .and_then(|i| p.suppliers.get(i))
        .and_then(|x| x.actual_pct)
        .map_or("-".into(), |v| percent(v, 1, lang));
    let fig = p.rank.as_ref();
    let skip = fig.and_then(|f| f.skip_pct).map_or("-".into(), |v| percent(v, 1, lang));
    let amount: i64 = fig.map_or(0, |f| f.undocumented.iter().map(|u| u.amount).sum());
    lang.pick(
        format!(
            "{} (rangordning): {rank1} till rang 1; avrop från lägre rang utan dokumenterat avsteg {skip} ({})",
            a.name,
            kr(amount as i128, 0, lang)
        ),
        format!(
            "{} (rank order): {rank1} to rank 1; call-offs to a lower rank without a documented deviation {skip} ({})",
            a.name,
            kr(amount as i128, 0, lang)
        ),
    )
}

/// A section per rank agreement reported in the window.
pub(super) fn sections(h: &mut String, ctx: &Context) -> Result<()> {
    for p in ctx.allocation.period() {
        if ctx.register.agreements[p.agreement].is_rank() {
            section(h, ctx, p)?;
        }
    }
    Ok(())
}

fn section(h: &mut String, ctx: &Context, p: &AgreementShares) -> Result<()> {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[p.agreement];
    let _ = write!(
        h,
        "<section><h2>{} {}</h2><p>{}</p>",
        esc(&a.id),
        esc(&a.name),
        esc(&sentence(ctx, p))
    );
    let heads: [&str; 5] = lang.pick(
        [
            "Rang",
            "Leverantör",
            "Andel",
            "Dokumenterade avsteg",
            "Odokumenterade avsteg",
        ],
        ["Rank", "Supplier", "Share", "Documented skips", "Undocumented skips"],
    );
    h.push_str(&table_head(&[8, 36, 14, 21, 21], &heads));
    for i in a.by_rank() {
        let (Some(sup), Some(s)) = (a.suppliers.get(i), p.suppliers.get(i)) else {
            continue;
        };
        let (doc, undoc) = p.rank.as_ref().map_or((0, 0), |f| {
            (
                f.documented_amount(a, p, i),
                f.undocumented.get(i).map_or(0, |u| u.amount),
            )
        });
        let class = if undoc != 0 { " s-imbalance" } else { "" };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num{class}\">{}</td></tr>",
            sup.rank.unwrap_or(0),
            esc(&sup.name),
            esc(&s.actual_pct.map(|v| percent(v, 1, lang)).unwrap_or_default()),
            esc(&kr(doc as i128, 0, lang)),
            esc(&kr(undoc as i128, 0, lang)),
        );
    }
    h.push_str("</table>");
    let chart = inline::rank_svg(ctx, p, (1400, 700))?;
    let _ = write!(h, "<figure>{chart}</figure>");
    units(h, ctx, p);
    h.push_str("</section>\n");
    Ok(())
}

/// The units with undocumented skips in the window (the first ten).
fn units(h: &mut String, ctx: &Context, p: &AgreementShares) {
    let lang = ctx.lang;
    let l = labels(lang);
    let usage = crate::allocate::rank::period_usage(ctx.rank_usage, &ctx.allocation.shares, p.agreement);
    let rows: Vec<_> = usage
        .map(|u| u.by_unit.iter().filter(|x| x.undocumented.rows > 0).take(10).collect())
        .unwrap_or_default();
    if !rows.is_empty() {
        let with_section = ctx.organisation.is_some();
        let _ = write!(
            h,
            "<h3>{}</h3><table><tr><th>{}</th>{}<th class=\"num\">{}</th><th class=\"num\">{}</th></tr>",
            esc(lang.pick(
                "Ansvar med avrop från lägre rang utan dokumenterat avsteg",
                "Units calling off from a lower rank without a documented deviation"
            )),
            esc(l.unit),
            if with_section {
                format!("<th>{}</th>", esc(lang.pick("Sektion", "Section")))
            } else {
                String::new()
            },
            esc(lang.pick("Odokumenterade avrop", "Undocumented call-offs")),
            esc(lang.pick("Belopp", "Amount")),
        );
        for x in rows {
            let name = ctx.who_text(x.who, x.row);
            let shown = ctx.unit_shown(x.who.sym().unwrap_or(0));
            let section = ctx
                .organisation
                .filter(|_| with_section)
                .map(|o| format!("<td>{}</td>", esc(o.section_of(&name).map_or("", |s| s.name.as_str()))))
                .unwrap_or_default();
            let _ = write!(
                h,
                "<tr><td>{}</td>{section}<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(if name.is_empty() { l.no_unit } else { &shown }),
                x.undocumented.call_offs,
                esc(&kr(x.undocumented.amount as i128, 0, lang)),
            );
        }
        h.push_str("</table>");
    }
}

/// The FKU call-offs of the window (rule 14), when any agreement has a
/// threshold.
pub(super) fn fku(h: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let shown: Vec<_> = ctx.fku.shown(ctx.register, &ctx.allocation.window).collect();
    if shown.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section><h2>{}</h2><p>{}</p>",
        esc(lang.pick("Förnyad konkurrensutsättning (FKU)", "Renewed competition (FKU)")),
        esc(lang.pick(
            "Avrop värda minst avtalets FKU-gräns gick till förnyad konkurrensutsättning. De räknas mot takvolymen men inte mot fördelningsnyckeln eller rangordningen.",
            "Call-offs worth at least the agreement's FKU threshold went to renewed competition. They count against the ceiling but not toward the key or the rank order."
        ))
    );
    let heads: [&str; 6] = lang.pick(
        ["Avtal", "Leverantör", "Order", "Första datum", "Sista datum", "Belopp"],
        ["Agreement", "Supplier", "Order", "First date", "Last date", "Amount"],
    );
    h.push_str(&table_head(&[18, 28, 14, 13, 13, 14], &heads));
    for c in shown {
        let Some(a) = ctx.register.agreements.get(c.agreement) else {
            continue;
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&format!("{} {}", a.id, a.name)),
            esc(a.suppliers.get(c.supplier).map_or("", |s| s.name.as_str())),
            esc(&c.order),
            c.first_date,
            c.last_date,
            esc(&kr(c.amount as i128, 0, lang)),
        );
    }
    h.push_str("</table></section>\n");
}
