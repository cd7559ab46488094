//! The machine-readable outputs of the stable contract (docs/rules.md, "Outputs"):
//! `allocation.csv`, `data_quality.csv` and `reconciliation.csv`.

use super::{detail_text, Context, ReportWriter};
use crate::error::{Error, Result};
use crate::format::format_float;
use crate::parse::{format_fixed, AMOUNT_SCALE};
use crate::register::Basis;
use std::path::{Path, PathBuf};

/// Writes the three CSV files.
pub struct CsvReport;

pub(crate) fn amount(units: i64) -> String {
    format_fixed(units as i128, AMOUNT_SCALE as i128, 2)
}

pub(crate) fn write_csv(path: &Path, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<PathBuf> {
    let err = |e: &dyn std::fmt::Display| Error::Output {
        path: path.to_path_buf(),
        message: crate::lang::Text::of_error_text(&e.to_string()),
    };
    let mut w = ::csv::WriterBuilder::new().from_path(path).map_err(|e| err(&e))?;
    w.write_record(header).map_err(|e| err(&e))?;
    for r in rows {
        w.write_record(&r).map_err(|e| err(&e))?;
    }
    w.flush().map_err(|e| err(&e))?;
    Ok(path.to_path_buf())
}

/// `agreed_pct`: the share with 2 decimals; empty for a rank order (rule 13).
fn agreed(agreement: &crate::register::Agreement, share: f64) -> String {
    if agreement.is_rank() {
        String::new()
    } else {
        format_float(share, 2)
    }
}

const CEILING_HEADER: [&str; 17] = [
    "agreement_id",
    "agreement_name",
    "valid_from",
    "valid_to",
    "as_of",
    "ceiling_sek",
    "estimated_sek",
    "used",
    "used_pct",
    "elapsed_pct",
    "rate_per_month",
    "forecast_date",
    "reached_on",
    "after_reached_rows",
    "after_reached_amount",
    "status",
    "shared_ceiling",
];

/// `ceiling.csv`: rule 11, one row per reported agreement with a ceiling.
fn ceiling_rows<'a>(ctx: &'a Context) -> impl Iterator<Item = Vec<String>> + 'a {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    ctx.ceilings.iter().map(move |u| {
        let ag = &ctx.register.agreements[u.agreement];
        vec![
            ag.id.clone(),
            ag.name.clone(),
            ag.valid_from.to_string(),
            ag.valid_to.to_string(),
            u.as_of.to_string(),
            amount(u.ceiling.ceiling),
            u.ceiling.estimated.map(amount).unwrap_or_default(),
            amount(u.used),
            u.used_pct_text(),
            u.elapsed_pct_text(),
            u.rate_per_month_text(),
            date(u.forecast_date),
            date(u.reached_on),
            u.after_reached_rows.to_string(),
            amount(u.after_reached_amount),
            u.status.key().to_string(),
            u.ceiling.shared.to_string(),
        ]
    })
}

const COMPARISON_HEADER: [&str; 12] = [
    "agreement_id",
    "agreement_name",
    "supplier_org_nr",
    "supplier_name",
    "agreed_pct",
    "previous_period_start",
    "previous_period_end",
    "previous_actual_pct",
    "actual_pct",
    "change_pp",
    "previous_agreement_status",
    "agreement_status",
];

/// `comparison.csv`: rule 12, one row per supplier of every reported
/// agreement, scope period, in the order of `allocation.csv`.
fn comparison_rows<'a>(ctx: &'a Context) -> impl Iterator<Item = Vec<String>> + 'a {
    let pct = |p: Option<f64>| p.map(|p| format_float(p, 4)).unwrap_or_default();
    ctx.allocation
        .shares
        .iter()
        .filter(|a| a.scope == crate::allocate::Scope::Period)
        .flat_map(move |a| {
            let ag = &ctx.register.agreements[a.agreement];
            let before = ctx.comparison.and_then(|c| c.of(a.agreement));
            a.suppliers.iter().map(move |s| {
                let sup = &ag.suppliers[s.supplier];
                let prev = before.and_then(|b| b.suppliers.iter().find(|p| p.supplier == s.supplier));
                let prev_pct = prev.and_then(|p| p.actual_pct);
                let change = match (s.actual_pct, prev_pct) {
                    (Some(now), Some(then)) => Some(now - then),
                    _ => None,
                };
                vec![
                    ag.id.clone(),
                    ag.name.clone(),
                    sup.org_nr.map(|o| o.to_string()).unwrap_or_default(),
                    sup.name.clone(),
                    agreed(ag, sup.share),
                    before.map(|b| b.start.to_string()).unwrap_or_default(),
                    before.map(|b| b.end.to_string()).unwrap_or_default(),
                    pct(prev_pct),
                    pct(s.actual_pct),
                    pct(change),
                    before.map(|b| b.status.key().to_string()).unwrap_or_default(),
                    a.status.key().to_string(),
                ]
            })
        })
}

impl ReportWriter for CsvReport {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        let allocation = ctx.allocation.shares.iter().flat_map(|a| {
            let ag = &ctx.register.agreements[a.agreement];
            a.suppliers.iter().map(move |s| {
                let sup = &ag.suppliers[s.supplier];
                vec![
                    a.scope.key().to_string(),
                    a.start.to_string(),
                    a.end.to_string(),
                    ag.id.clone(),
                    ag.name.clone(),
                    sup.org_nr.map(|o| o.to_string()).unwrap_or_default(),
                    sup.name.clone(),
                    agreed(ag, sup.share),
                    amount(s.amount),
                    s.call_offs.to_string(),
                    s.actual_pct.map(|p| format_float(p, 4)).unwrap_or_default(),
                    s.deviation_pp.map(|p| format_float(p, 4)).unwrap_or_default(),
                    match ag.basis {
                        _ if ag.is_rank() => String::new(),
                        Basis::Amount => format_float(s.catch_up, 2),
                        Basis::Count => format_float(s.catch_up, 0),
                    },
                    s.status.key().to_string(),
                    a.status.key().to_string(),
                ]
            })
        });
        let a = write_csv(
            &dir.join("allocation.csv"),
            &[
                "scope",
                "period_start",
                "period_end",
                "agreement_id",
                "agreement_name",
                "supplier_org_nr",
                "supplier_name",
                "agreed_pct",
                "amount",
                "call_offs",
                "actual_pct",
                "deviation_pp",
                "catch_up",
                "status",
                "agreement_status",
            ],
            allocation,
        )?;
        let quality = ctx.classified.findings.iter().map(|f| {
            let row = &ctx.exports.rows.at(f.row);
            vec![
                ctx.exports.files[row.file as usize].display.clone(),
                row.line.to_string(),
                f.category.key().to_string(),
                detail_text(ctx, f),
                row.amount.map(|a| amount(a.0)).unwrap_or_default(),
            ]
        });
        let q = write_csv(
            &dir.join("data_quality.csv"),
            &["file", "row", "category", "detail", "amount"],
            quality,
        )?;
        let recon = ctx.reconciliation.lines().into_iter().map(|(name, t)| {
            vec![
                name.to_string(),
                t.rows.to_string(),
                format_fixed(t.amount, AMOUNT_SCALE as i128, 2),
            ]
        });
        let r = write_csv(&dir.join("reconciliation.csv"), &["category", "rows", "amount"], recon)?;
        let c = write_csv(&dir.join("ceiling.csv"), &CEILING_HEADER, ceiling_rows(ctx))?;
        let k = write_csv(&dir.join("comparison.csv"), &COMPARISON_HEADER, comparison_rows(ctx))?;
        Ok(vec![a, q, r, c, k])
    }
}
