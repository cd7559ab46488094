//! `compliance.csv` and `beside.csv`: rule 15 of the stable contract
//! (docs/rules.md, "Outputs").

use super::csv::write_csv;
use super::{Context, ReportWriter};
use crate::allocate::beside::Beside;
use crate::error::Result;
use crate::format::format_float;
use crate::parse::{format_fixed, AMOUNT_SCALE};
use crate::register::Register;
use std::path::{Path, PathBuf};

/// Writes `compliance.csv` and `beside.csv`.
pub struct ComplianceCsv;

const COMPLIANCE_HEADER: [&str; 7] = [
    "account",
    "agreement_ids",
    "in_agreements",
    "beside",
    "compliance_pct",
    "beside_suppliers",
    "over_limit_suppliers",
];

const BESIDE_HEADER: [&str; 9] = [
    "account",
    "agreement_ids",
    "supplier_org_nr",
    "supplier_name",
    "rows",
    "amount",
    "year",
    "year_amount",
    "over_direct_award_limit",
];

fn amount(units: i128) -> String {
    format_fixed(units, AMOUNT_SCALE as i128, 2)
}

/// The ids of the agreements (register indices), joined by `;`.
pub(crate) fn agreement_ids(register: &Register, agreements: &[usize]) -> String {
    agreements
        .iter()
        .filter_map(|&i| register.agreements.get(i))
        .map(|a| a.id.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

fn compliance_rows<'a>(beside: &'a Beside, register: &'a Register) -> impl Iterator<Item = Vec<String>> + 'a {
    beside.accounts.iter().map(move |a| {
        vec![
            a.account.clone(),
            agreement_ids(register, &a.agreements),
            amount(a.in_agreements),
            amount(a.beside),
            a.compliance_pct().map(|p| format_float(p, 4)).unwrap_or_default(),
            a.beside_suppliers.to_string(),
            a.over_limit_suppliers.to_string(),
        ]
    })
}

fn beside_rows<'a>(beside: &'a Beside, register: &'a Register) -> impl Iterator<Item = Vec<String>> + 'a {
    beside.lines.iter().filter_map(move |l| {
        let a = beside.accounts.get(l.account)?;
        let s = beside.suppliers.get(l.supplier)?;
        Some(vec![
            a.account.clone(),
            agreement_ids(register, &a.agreements),
            s.org_nr.map(|o| o.to_string()).unwrap_or_default(),
            s.name.clone(),
            l.rows.to_string(),
            amount(l.amount),
            beside.year.to_string(),
            amount(s.year_amount),
            s.over_limit.to_string(),
        ])
    })
}

impl ReportWriter for ComplianceCsv {
    fn name(&self) -> &'static str {
        "compliance_csv"
    }

    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        let c = write_csv(
            &dir.join("compliance.csv"),
            &COMPLIANCE_HEADER,
            compliance_rows(ctx.beside, ctx.register),
        )?;
        let b = write_csv(
            &dir.join("beside.csv"),
            &BESIDE_HEADER,
            beside_rows(ctx.beside, ctx.register),
        )?;
        Ok(vec![c, b])
    }
}
