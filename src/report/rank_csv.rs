//! `rank.csv` (rule 13) and `fku.csv` (rule 14) of the stable contract
//! (docs/rules.md, "Outputs").

use super::csv::{amount, write_csv};
use super::{Context, ReportWriter};
use crate::error::Result;
use crate::format::format_float;
use std::path::{Path, PathBuf};

/// Writes `rank.csv` and `fku.csv`.
pub struct RankCsvReport;

const RANK_HEADER: [&str; 16] = [
    "scope",
    "period_start",
    "period_end",
    "agreement_id",
    "agreement_name",
    "supplier_org_nr",
    "supplier_name",
    "rank",
    "amount",
    "call_offs",
    "actual_pct",
    "documented_amount",
    "undocumented_amount",
    "undocumented_call_offs",
    "skip_pct",
    "agreement_status",
];

const FKU_HEADER: [&str; 9] = [
    "agreement_id",
    "agreement_name",
    "supplier_org_nr",
    "supplier_name",
    "order",
    "first_date",
    "last_date",
    "rows",
    "amount",
];

/// One line per rank agreement, scope and supplier: scope period first,
/// agreements in register order, suppliers by rank.
fn rank_rows<'a>(ctx: &'a Context) -> impl Iterator<Item = Vec<String>> + 'a {
    ctx.allocation.shares.iter().flat_map(move |a| {
        let ag = &ctx.register.agreements[a.agreement];
        let figures = a.rank.as_ref().filter(|_| ag.is_rank());
        let order = if figures.is_some() { ag.by_rank() } else { Vec::new() };
        order.into_iter().filter_map(move |si| {
            let figures = figures?;
            let s = a.suppliers.get(si)?;
            let sup = ag.suppliers.get(si)?;
            let undocumented = figures.undocumented.get(si).copied().unwrap_or_default();
            Some(vec![
                a.scope.key().to_string(),
                a.start.to_string(),
                a.end.to_string(),
                ag.id.clone(),
                ag.name.clone(),
                sup.org_nr.map(|o| o.to_string()).unwrap_or_default(),
                sup.name.clone(),
                sup.rank.map(|r| r.to_string()).unwrap_or_default(),
                amount(s.amount),
                s.call_offs.to_string(),
                s.actual_pct.map(|p| format_float(p, 4)).unwrap_or_default(),
                amount(figures.documented_amount(ag, a, si)),
                amount(undocumented.amount),
                undocumented.call_offs.to_string(),
                figures.skip_pct.map(|p| format_float(p, 4)).unwrap_or_default(),
                a.status.key().to_string(),
            ])
        })
    })
}

/// One line per FKU call-off shown for the window.
fn fku_rows<'a>(ctx: &'a Context) -> impl Iterator<Item = Vec<String>> + 'a {
    ctx.fku
        .shown(ctx.register, &ctx.allocation.window)
        .filter_map(move |c| {
            let ag = ctx.register.agreements.get(c.agreement)?;
            let sup = ag.suppliers.get(c.supplier)?;
            Some(vec![
                ag.id.clone(),
                ag.name.clone(),
                sup.org_nr.map(|o| o.to_string()).unwrap_or_default(),
                sup.name.clone(),
                c.order.clone(),
                c.first_date.to_string(),
                c.last_date.to_string(),
                c.rows.to_string(),
                amount(c.amount),
            ])
        })
}

impl ReportWriter for RankCsvReport {
    fn name(&self) -> &'static str {
        "rank_csv"
    }

    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        let r = write_csv(&dir.join("rank.csv"), &RANK_HEADER, rank_rows(ctx))?;
        let f = write_csv(&dir.join("fku.csv"), &FKU_HEADER, fku_rows(ctx))?;
        Ok(vec![r, f])
    }
}
