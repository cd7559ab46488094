//! What a run prints: the header mapped to each field per file, a table of
//! agreements with status and largest deviation, and the reconciliation.

use super::{Context, Lang};
use crate::allocate::{AgreementShares, Scope};
use crate::parse::format_grouped;
use crate::read::Exports;
use std::fmt::Write;

/// An amount in SEK for people: `1 234 567,89` (sv) or `1,234,567.89` (en).
pub fn sek(units: i128, lang: Lang) -> String {
    match lang {
        Lang::Sv => format_grouped(units, "\u{a0}", ','),
        Lang::En => format_grouped(units, ",", '.'),
    }
}

/// Per file: format, header row, rows and the header taken for each field.
pub fn files(exports: &Exports) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Read {} file(s):", exports.files.len());
    let mut previous: Option<&Vec<(crate::read::Field, String)>> = None;
    for f in &exports.files {
        let _ = writeln!(
            s,
            "  {} ({}): header in row {}, {} rows",
            f.display, f.description, f.header_row, f.rows
        );
        if previous == Some(&f.mapping) {
            let _ = writeln!(s, "    columns mapped as in the file above");
        } else {
            let mapping: Vec<String> = f
                .mapping
                .iter()
                .map(|(field, h)| format!("{} ← '{h}'", field.key()))
                .collect();
            let _ = writeln!(s, "    {}", mapping.join(", "));
        }
        previous = Some(&f.mapping);
    }
    for (file, why) in &exports.skipped {
        let _ = writeln!(s, "  skipped {file}: {why}");
    }
    s
}

fn deviation(a: &AgreementShares) -> String {
    a.largest_deviation().map_or("-".into(), |d| format!("{d:+.1} pp"))
}

/// The agreements table and the reconciliation.
pub fn summary(ctx: &Context) -> String {
    let mut s = String::new();
    let w = &ctx.allocation.window;
    let _ = writeln!(s, "\nWindow {w}");
    let rows: Vec<[String; 6]> = ctx
        .allocation
        .shares
        .iter()
        .filter(|a| a.scope == Scope::Period)
        .map(|p| {
            let ag = &ctx.register.agreements[p.agreement];
            let to_date = ctx
                .allocation
                .shares
                .iter()
                .find(|t| t.scope == Scope::ToDate && t.agreement == p.agreement);
            [
                ag.id.clone(),
                ag.name.clone(),
                p.status.key().to_string(),
                deviation(p),
                to_date.map_or("-".into(), |t| t.status.key().to_string()),
                to_date.map_or("-".into(), deviation),
            ]
        })
        .collect();
    let head = ["agreement", "name", "period", "largest dev", "to date", "largest dev"];
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([head[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(s, "{}", line(&head.map(String::from)));
    for r in &rows {
        let _ = writeln!(s, "{}", line(r));
    }
    if rows.is_empty() {
        let _ = writeln!(s, "(no agreement of the register is valid in the window)");
    }
    let imbalanced = rows.iter().filter(|r| r[2] == "imbalance").count();
    let _ = writeln!(
        s,
        "{imbalanced} of {} agreement(s) out of balance in the window.",
        rows.len()
    );
    let _ = writeln!(s, "\nReconciliation (every row read lands in exactly one line):");
    for (name, t) in ctx.reconciliation.lines() {
        let _ = writeln!(
            s,
            "  {name:<28} {:>9} rows  {:>20} SEK",
            t.rows,
            sek(t.amount, Lang::Sv)
        );
    }
    let ok = ctx.reconciliation.balances();
    let _ = writeln!(
        s,
        "  check: read = in_agreements + outside_agreements + data-quality categories: {}",
        if ok {
            "adds up"
        } else {
            "DOES NOT ADD UP (a bug: please report it)"
        }
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sek_groups_thousands() {
        assert_eq!(sek(12_345_678_900, Lang::Sv), "1\u{a0}234\u{a0}567,89");
        assert_eq!(sek(-12_345_678_900, Lang::En), "-1,234,567.89");
        assert_eq!(sek(5_000, Lang::Sv), "0,50");
    }
}
