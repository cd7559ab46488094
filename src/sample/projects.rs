//! The sample's call-off models beside the keys (rules 13–14): a
//! rank-order agreement with documented deviations (one section sends a
//! good part of its orders to rank 3 and none to rank 2, without a memo),
//! and a key agreement with a threshold for renewed competition whose
//! large projects are FKU call-offs. Their rows come from the project
//! ledger, one more export with an order column (`Projektnummer`); a
//! generator of its own, so the monthly exports stay as they were.

use super::{month_add, org_nr, swedish_amount, Rng};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;

/// The project ledger's file name in `exports/`.
pub(super) const FILE: &str = "projektreskontra.csv";

const RANK: [(&str, u32); 3] = [
    ("Järn & Bygg Syd AB", 445_120),
    ("Verktygshuset i Malmö AB", 556_231),
    ("Byggbeslag Öresund AB", 667_342),
];
const ROOF: [(&str, u32); 2] = [("Takmästarna Syd AB", 778_453), ("Plåt & Tak i Skåne AB", 889_564)];

/// The two agreements in the register's TOML.
pub(super) fn register_toml() -> String {
    let mut s = String::from(
        "\n# A rank order (rangordning, rule 13) with its documented deviations.\n[[agreement]]\nid = \"RA-2024-007\"\nname = \"Järnhandel\"\nvalid_from = 2024-01-01\nvalid_to = 2027-12-31\nbasis = \"amount\"\nmodel = \"rank\"\n",
    );
    for (k, (name, org)) in RANK.iter().enumerate() {
        let _ = write!(
            s,
            "\n  [[agreement.supplier]]\n  name = \"{name}\"\n  org_nr = \"{}\"\n  rank = {}\n",
            org_nr(*org),
            k + 1
        );
    }
    s.push_str(
        "\n  [[agreement.deviation]]\n  supplier = \"Verktygshuset i Malmö AB\"\n  unit = \"Sektion Norr\"\n  from = 2025-03-01\n  to = 2025-05-31\n  reason = \"Rang 1 kunde inte leverera inom avtalad tid\"\n  reference = \"SF-2025-0412\"\n\n  [[agreement.deviation]]\n  supplier = \"Byggbeslag Öresund AB\"\n  from = 2025-09-01\n  to = 2025-09-30\n  reason = \"Rang 1 och 2 saknade kapacitet under lagerinventeringen\"\n  reference = \"SF-2025-0733\"\n",
    );
    s.push_str(
        "\n# A combination model: call-offs of 500 000 kr or more go to renewed\n# competition (FKU, rule 14).\n[[agreement]]\nid = \"RA-2025-002\"\nname = \"Takarbeten\"\nvalid_from = 2025-01-01\nvalid_to = 2028-12-31\nbasis = \"amount\"\nceiling_sek = 30000000\nfku_threshold_sek = 500000\n",
    );
    for (name, org) in ROOF {
        let _ = write!(
            s,
            "\n  [[agreement.supplier]]\n  name = \"{name}\"\n  org_nr = \"{}\"\n  share = 50.0\n",
            org_nr(org)
        );
    }
    s
}

const UNITS: [(&str, &str); 4] = [
    ("Sektion Norr", "Anna Lindqvist"),
    ("Sektion Söder", "Johan Berg"),
    ("Sektion Väster", "Lena Björk"),
    ("Projektenheten", "Mats Öberg"),
];

/// One ledger line: date, supplier, org nr, agreement, unit, orderer,
/// project, amount in öre.
type Line = (
    NaiveDate,
    &'static str,
    u32,
    &'static str,
    &'static str,
    &'static str,
    String,
    i64,
);

/// The rank order's lines of one month: mostly rank 1; Sektion Väster
/// sends about a quarter to rank 3 and none to rank 2.
fn rank_lines(rng: &mut Rng, first: NaiveDate, days: usize, out: &mut Vec<Line>) {
    for k in 0..24 {
        let (unit, orderer) = UNITS[rng.below(UNITS.len())];
        let rank = if unit == "Sektion Väster" {
            if rng.chance(0.25) {
                2
            } else {
                0
            }
        } else {
            rng.weighted(&[0.9, 0.07, 0.03])
        };
        let (name, org) = RANK[rank];
        let day = first + chrono::Duration::days(rng.below(days) as i64);
        let ore = (rng.lognormal(8.3, 0.7) * 100.0).round() as i64;
        let project = format!("J-{}{:02}-{k:02}", day.year() % 100, day.month());
        out.push((day, name, org, "RA-2024-007", unit, orderer, project, ore));
    }
}

/// The roof agreement's lines of one month: small projects in the key,
/// and two large projects (FKU call-offs) invoiced over several months.
fn roof_lines(rng: &mut Rng, first: NaiveDate, days: usize, out: &mut Vec<Line>) {
    if first < NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(first) {
        return;
    }
    // Small projects in pairs of about the same size, one to each
    // supplier: the key holds without the large ones.
    for k in 0..4 {
        let ore = (rng.lognormal(10.8, 0.5) * 100.0).round() as i64;
        for (j, (name, org)) in ROOF.iter().enumerate() {
            let (unit, orderer) = UNITS[rng.below(UNITS.len())];
            let day = first + chrono::Duration::days(rng.below(days) as i64);
            let ore = (ore as f64 * (0.95 + 0.1 * rng.f64())).round() as i64;
            let project = format!("P-{}{:02}{k}{j}", day.year() % 100, day.month());
            out.push((day, name, *org, "RA-2025-002", unit, orderer, project, ore));
        }
    }
    // Large projects: a roof renovation of 1 240 000 kr over three months
    // (Takmästarna) and a sheet-metal roof of 610 000 kr in two invoices
    // (Plåt & Tak): each at or above the threshold, competed, not keyed.
    let large: [(u32, u32, usize, &str, i64); 5] = [
        (2025, 8, 0, "P-2025-117", 45_000_000),
        (2025, 9, 0, "P-2025-117", 52_000_000),
        (2025, 10, 0, "p-2025-117 ", 27_000_000),
        (2025, 9, 1, "P-2025-140", 41_000_000),
        (2025, 11, 1, "P-2025-140", 20_000_000),
    ];
    for (y, m, s, project, ore) in large {
        if (first.year() as u32, first.month()) == (y, m) {
            let (name, org) = ROOF[s];
            out.push((
                first + chrono::Duration::days(14),
                name,
                org,
                "RA-2025-002",
                "Projektenheten",
                "Mats Öberg",
                project.into(),
                ore,
            ));
        }
    }
}

/// The project ledger: every month's lines, one file.
pub(super) fn export(seed: u64, start: NaiveDate, months: u32) -> Vec<u8> {
    let mut rng = Rng::new(seed ^ 0x7A3B_11D5);
    let mut lines: Vec<Line> = Vec::new();
    for m in 0..months {
        let first = month_add(start, m);
        let days = (month_add(start, m + 1) - first).num_days().max(1) as usize;
        rank_lines(&mut rng, first, days, &mut lines);
        roof_lines(&mut rng, first, days, &mut lines);
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0).then(a.6.cmp(&b.6)));
    let mut s = String::from(
        "\u{feff}Bokföringsdatum;Leverantör;Org.nr;Avtal;Ansvar;Beställare;Projektnummer;Belopp exkl moms\r\n",
    );
    for (date, name, org, agreement, unit, orderer, project, ore) in lines {
        let _ = write!(
            s,
            "{date};{name};{};{agreement};{unit};{orderer};{project};{}\r\n",
            org_nr(org),
            swedish_amount(ore, true, false)
        );
    }
    s.into_bytes()
}
