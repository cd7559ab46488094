//! The register's rules (docs/rules.md, "The register"): every draft
//! checked, every problem collected, each naming its agreement and where
//! it was written. The call-off model's rules are in [`super::model`].

use super::{model, yes_no, Agreement, Basis, Ceiling, Draft, DraftSupplier, Model, Problem};
use super::{number, Register, Supplier, DEFAULT_WARN_PCT};
use crate::format::{format_number, plain_number};
use crate::lang::{Lang, Text};
use crate::parse::{self, OrgNr};
use chrono::{Datelike, NaiveDate};
use std::collections::HashSet;

/// Checks drafts against every rule of the register; returns all problems.
pub fn check(drafts: Vec<Draft>) -> std::result::Result<Register, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut agreements = Vec::new();
    let mut seen_ids = HashSet::new();
    for d in drafts {
        let id = d.id.trim().to_string();
        let origin = d.origin.clone();
        let agreement = Some(id.clone()).filter(|i| !i.is_empty());
        let mut p = |message: Text| {
            problems.push(Problem {
                agreement: agreement.clone(),
                origin: origin.clone(),
                message,
            })
        };
        if id.is_empty() {
            p(Text::new("saknar avtals-id", "has no id"));
        } else if !seen_ids.insert(id.to_lowercase()) {
            p(Text::new(
                "avtals-id:t används av ett annat avtal också – ge varje avtal ett eget id",
                "the id is used by another agreement too",
            ));
        }
        agreements.extend(agreement_of(id, d, &mut p));
    }
    if problems.is_empty() {
        Ok(Register { agreements })
    } else {
        Err(problems)
    }
}

/// One draft past its id checked; `None` when its dates are unusable
/// (the problems say why).
fn agreement_of(id: String, d: Draft, p: &mut dyn FnMut(Text)) -> Option<Agreement> {
    let name = d.name.clone().map(|n| n.trim().to_string()).unwrap_or_default();
    if name.is_empty() {
        p(Text::new(
            "saknar benämning – fyll i avtalets namn (Benämning)",
            "has no name",
        ));
    }
    let valid_from = date(("giltigt från", "valid_from"), &d.valid_from, p);
    let valid_to = date(("giltigt till", "valid_to"), &d.valid_to, p);
    if let (Some(f), Some(to)) = (valid_from, valid_to) {
        if f > to {
            p(Text::new(
                format!("giltigt från {f} är efter giltigt till {to} – byt plats på datumen"),
                format!("valid_from {f} is after valid_to {to}"),
            ));
        }
    }
    let basis = basis(&d, p);
    let tolerance_pp = tolerance(&d, p);
    let ceiling = ceiling(&d, p);
    let checked = model::check_model(&d, p);
    let suppliers = suppliers(&d, checked.model, p);
    let deviations = model::check_deviations(&d.deviations, checked.model, &suppliers, p);
    let sum: f64 = suppliers.iter().map(|s| s.share).sum();
    if checked.model == Model::Key && !d.suppliers.is_empty() && (sum - 100.0).abs() > 0.01 + 1e-9 {
        p(Text::new(
            format!(
                "andelarna summerar till {} %, inte 100 % – ändra andelarna så att summan blir 100",
                plain_number(sum, Lang::Sv)
            ),
            format!("shares sum to {} %, not 100", plain_number(sum, Lang::En)),
        ));
    }
    Some(Agreement {
        id,
        name,
        valid_from: valid_from?,
        valid_to: valid_to?,
        basis,
        tolerance_pp,
        accounts: d
            .accounts
            .map(|a| a.into_iter().map(|x| x.trim().to_string()).collect()),
        suppliers,
        ceiling,
        model: checked.model,
        fku_threshold: checked.fku_threshold,
        deviations,
    })
}

/// A date of the agreement: given, a date, its year in 1900–9999.
fn date(field: (&str, &str), value: &Option<String>, p: &mut dyn FnMut(Text)) -> Option<NaiveDate> {
    let (sv, en) = field;
    let Some(v) = value else {
        p(Text::new(
            format!("{sv} saknas – skriv datumet som ÅÅÅÅ-MM-DD"),
            format!("{en} is missing"),
        ));
        return None;
    };
    match parse::parse_date(v) {
        None => {
            p(Text::new(
                format!("{sv} '{v}' är inte ett datum – skriv ÅÅÅÅ-MM-DD"),
                format!("{en} '{v}' is not a date (YYYY-MM-DD)"),
            ));
            None
        }
        Some(d) if !(1900..=9999).contains(&d.year()) => {
            p(Text::new(
                format!("{sv} {d}: året måste ligga mellan 1900 och 9999 – rätta årtalet"),
                format!("{en} {d}: the year must be between 1900 and 9999"),
            ));
            None
        }
        Some(d) => Some(d),
    }
}

/// The basis: amount (the default) or count.
fn basis(d: &Draft, p: &mut dyn FnMut(Text)) -> Basis {
    match d.basis.as_deref().map(Basis::parse) {
        None => Basis::Amount,
        Some(Some(b)) => b,
        Some(None) => {
            let other = d.basis.as_deref().unwrap_or("").trim();
            p(Text::new(
                format!("grunden '{other}' är varken belopp eller antal – skriv belopp eller antal"),
                format!("basis '{other}' is neither 'amount' nor 'count'"),
            ));
            Basis::Amount
        }
    }
}

/// The agreement's own tolerance, a number ≥ 0 when given.
fn tolerance(d: &Draft, p: &mut dyn FnMut(Text)) -> Option<f64> {
    let tol = d.tolerance_pp.as_ref()?;
    match number(tol) {
        Some(v) if v >= 0.0 => Some(v),
        _ => {
            p(Text::new(
                format!("toleransen '{tol}' är inte ett tal ≥ 0 (procentenheter)"),
                format!("tolerance_pp '{tol}' is not a number of percentage points ≥ 0"),
            ));
            None
        }
    }
}

/// The ceiling (rule 11) and its estimated value, warning level and
/// sharing; every one checked, the ceiling kept when it is above zero.
fn ceiling(d: &Draft, p: &mut dyn FnMut(Text)) -> Option<Ceiling> {
    let ceiling = d.ceiling_sek.as_deref().and_then(|c| match parse::parse_amount(c) {
        Some(a) if a.0 > 0 => Some(a.0),
        _ => {
            p(Text::new(
                format!("takvolymen '{c}' är inte ett belopp över noll – skriv avtalets högsta värde i kronor"),
                format!("ceiling_sek '{c}' is not an amount above zero"),
            ));
            None
        }
    });
    let estimated = d.estimated_sek.as_deref().and_then(|e| match parse::parse_amount(e) {
        Some(a) if a.0 >= 0 => Some(a.0),
        _ => {
            p(Text::new(
                format!("uppskattat värde '{e}' är inte ett belopp på noll eller mer"),
                format!("estimated_sek '{e}' is not an amount of zero or more"),
            ));
            None
        }
    });
    let warn_pct = match d.ceiling_warn_pct.as_deref() {
        None => DEFAULT_WARN_PCT,
        Some(w) => match number(w) {
            Some(v) if v > 0.0 && v <= 100.0 => v,
            _ => {
                p(Text::new(
                    format!("varningsnivån '{w}' ligger inte i (0, 100] procent"),
                    format!("ceiling_warn_pct '{w}' is not in (0, 100]"),
                ));
                DEFAULT_WARN_PCT
            }
        },
    };
    let shared = d.shared_ceiling.as_deref().is_some_and(|x| {
        yes_no(x).unwrap_or_else(|| {
            p(Text::new(
                format!("delad takvolym '{x}' – skriv ja eller nej"),
                format!("shared_ceiling '{x}' is neither true nor false"),
            ));
            false
        })
    });
    ceiling.map(|ceiling| Ceiling {
        ceiling,
        estimated,
        warn_pct,
        shared,
    })
}

/// The suppliers checked one by one (name, org nr, rank, share, twice),
/// then a rank order's ranks together.
fn suppliers(d: &Draft, model: Model, p: &mut dyn FnMut(Text)) -> Vec<Supplier> {
    if d.suppliers.is_empty() {
        p(Text::new("har inga leverantörer", "has no suppliers"));
    }
    let mut seen = Seen::default();
    let suppliers: Vec<Supplier> = d.suppliers.iter().map(|s| supplier(s, model, &mut seen, p)).collect();
    if model == Model::Rank {
        let ranks: Vec<Option<u32>> = suppliers.iter().map(|s| s.rank).collect();
        model::check_ranks(&ranks, p);
    }
    suppliers
}

/// The names (normalised) and org nrs of an agreement's suppliers so far.
#[derive(Default)]
struct Seen {
    names: HashSet<String>,
    orgs: HashSet<OrgNr>,
}

/// One supplier of an agreement.
fn supplier(s: &DraftSupplier, model: Model, seen: &mut Seen, p: &mut dyn FnMut(Text)) -> Supplier {
    let name = s.name.trim().to_string();
    let who = match name.is_empty() {
        true => (
            "en leverantör utan namn".to_string(),
            "a supplier without a name".to_string(),
        ),
        false => (format!("leverantören '{name}'"), format!("supplier '{name}'")),
    };
    let (who_sv, who_en) = (&who.0, &who.1);
    if name.is_empty() {
        p(Text::new(
            format!("{who_sv}: namnet saknas – fyll i kolumnen Leverantör"),
            format!("{who_en}: name is missing"),
        ));
    }
    let org_nr = match s.org_nr.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(o) => {
            let parsed = OrgNr::parse(o);
            if parsed.is_none() {
                p(Text::new(
                    format!("{who_sv}: organisationsnumret '{o}' stämmer inte (10 siffror, den sista en kontrollsiffra) – kontrollera numret eller lämna cellen tom"),
                    format!("{who_en}: org_nr '{o}' is not a valid organisation number (10 digits, last one a Luhn check digit)"),
                ));
            }
            parsed
        }
    };
    let rank = model::check_supplier_rank(model, s, (who_sv, who_en), p);
    let share = share(s, model, (who_sv, who_en), p);
    let norm = parse::normalize_supplier(&name);
    let twice = (!norm.is_empty() && !seen.names.insert(norm)) || org_nr.is_some_and(|o| !seen.orgs.insert(o));
    if twice {
        p(Text::new(
            format!("{who_sv} står två gånger"),
            format!("{who_en} appears twice"),
        ));
    }
    Supplier {
        name,
        org_nr,
        share,
        aliases: (s.aliases.iter())
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
        rank,
    }
}

/// A key supplier's share in (0, 100]; a rank supplier has none (0).
fn share(s: &DraftSupplier, model: Model, who: (&str, &str), p: &mut dyn FnMut(Text)) -> f64 {
    let (who_sv, who_en) = who;
    let Some(text) = s.share.as_deref() else {
        if model == Model::Rank {
            return 0.0;
        }
        p(match s.share_formula.as_deref() {
            Some(f) => {
                let f = crate::lang::quote(f);
                Text::new(
                    format!("{who_sv}: andelens formel {f} saknar sparat värde – öppna och spara filen i Excel"),
                    format!("{who_en}: the share's formula {f} has no saved value – open and save the file in Excel"),
                )
            }
            None => Text::new(
                format!("{who_sv}: andelen saknas – fyll i kolumnen Andel"),
                format!("{who_en}: share is missing"),
            ),
        });
        return 0.0;
    };
    if model == Model::Rank {
        p(Text::new(
            format!("{who_sv}: har andelen {text} men avtalet har rangordning – ta bort andelen, eller skriv nyckel som avropsmodell"),
            format!("{who_en}: has share {text} but the agreement is a rank order – remove the share, or set model = \"key\""),
        ));
        return 0.0;
    }
    match number(text) {
        Some(v) if v > 0.0 && v <= 100.0 => v,
        Some(v) => {
            p(Text::new(
                format!(
                    "{who_sv}: andelen {} % ligger inte mellan 0 och 100",
                    format_number(v, 2, Lang::Sv)
                ),
                format!("{who_en}: share {v} is not in (0, 100]"),
            ));
            v
        }
        None => {
            p(Text::new(
                format!("{who_sv}: andelen '{text}' är inte ett tal"),
                format!("{who_en}: share '{text}' is not a number"),
            ));
            0.0
        }
    }
}
