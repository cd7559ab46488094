//! The forum report's section "Köp vid sidan av avtalen" (rule 15): the
//! compliance per account and the suppliers over the direct-award limit,
//! with their units and orderers.

use super::charts::percent;
use super::compliance_csv::agreement_ids;
use super::html::{esc, table_head};
use super::Context;
use crate::format::kr;
use std::fmt::Write;

/// `Name (12 345 kr), …`, the largest four.
fn named(ctx: &Context, s: &crate::allocate::beside::BesideSupplier, units: bool) -> String {
    esc(&super::compliance_sheet::named_amounts(ctx, s, units, 4))
}

/// The per-account table.
fn accounts(h: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let heads: [&str; 6] = lang.pick(
        [
            "Konto",
            "Avtal",
            "Genom avtalen",
            "Vid sidan av",
            "Avtalstrohet",
            "Över gränsen",
        ],
        [
            "Account",
            "Agreements",
            "Through them",
            "Beside them",
            "Compliance",
            "Over the limit",
        ],
    );
    h.push_str(&table_head(&[10, 30, 17, 17, 12, 14], &heads));
    for a in &ctx.beside.accounts {
        let pct = a.compliance_pct().map_or("–".to_string(), |p| percent(p, 1, lang));
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&a.account),
            esc(&agreement_ids(ctx.register, &a.agreements).replace(';', ", ")),
            kr(a.in_agreements, 0, lang),
            kr(a.beside, 0, lang),
            esc(&pct),
            a.over_limit_suppliers
        );
    }
    h.push_str("</table>");
}

/// The suppliers over the limit, with their units and orderers.
fn over_limit(h: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let b = ctx.beside;
    let limit = kr(i128::from(b.limit), 0, lang);
    let _ = write!(
        h,
        "<h3>{}</h3>",
        esc(&lang.pick(
            format!("Leverantörer över direktupphandlingsgränsen ({limit}) under {}", b.year),
            format!("Suppliers over the direct-award limit ({limit}) in {}", b.year),
        ))
    );
    let over: Vec<_> = b.suppliers.iter().filter(|s| s.over_limit).collect();
    if over.is_empty() {
        let _ = write!(
            h,
            "<p>{}</p>",
            esc(lang.pick(
                "Ingen leverantör vid sidan av avtalen har passerat gränsen.",
                "No supplier beside the agreements has passed the limit."
            ))
        );
        return;
    }
    let heads: [&str; 5] = lang.pick(
        ["Leverantör", "I perioden", "Hittills i år", "Enheter", "Beställare"],
        ["Supplier", "In the window", "So far this year", "Units", "Orderers"],
    );
    h.push_str(&table_head(&[22, 12, 12, 27, 27], &heads));
    for s in over {
        let org = s.org_nr.map(|o| format!(" ({o})")).unwrap_or_default();
        let _ = write!(
            h,
            "<tr class=\"s-imbalance\"><td><b>{}</b>{}</td><td class=\"num\">{}</td><td class=\"num\"><b>{}</b></td><td>{}</td><td>{}</td></tr>",
            esc(&s.name),
            esc(&org),
            kr(s.amount, 0, lang),
            kr(s.year_amount, 0, lang),
            named(ctx, s, true),
            named(ctx, s, false)
        );
    }
    h.push_str("</table>");
}

/// The section; nothing when no reported agreement lists accounts.
pub(crate) fn section(h: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    if ctx.beside.accounts.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section><h2>{}</h2><p>{}</p>",
        esc(lang.pick("Köp vid sidan av avtalen", "Purchases beside the agreements")),
        esc(lang.pick(
            "Köp utanför avtalen på konton som avtalen gäller för. Avtalstrohet = andelen av kontots köp som gått genom avtalen. Över direktupphandlingsgränsen under året är ett köp vid sidan av ett avtal sannolikt en otillåten direktupphandling.",
            "Purchases outside the agreements on the accounts the agreements cover. Compliance = the share of the account's spend that went through the agreements. Above the direct-award limit within the year, a purchase beside an agreement is likely an unlawful direct award."
        ))
    );
    accounts(h, ctx);
    over_limit(h, ctx);
    h.push_str("</section>\n");
}
