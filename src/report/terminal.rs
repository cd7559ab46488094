//! What a run prints, in the user's language: the header mapped to each
//! field per file, a table of agreements with status and largest
//! deviation, the ceilings and the agreements' life that need attention,
//! and the reconciliation.

use super::charts::{percent, points};
use super::labels::{self, labels};
use super::{Context, Lang};
use crate::allocate::{AgreementShares, Scope, Status};
use crate::read::Exports;
use std::fmt::Write;

use crate::format::{count, sek, sek_unit};

/// The org nr column found by its values, the unit-name column, and the
/// columns left unread, each unread one that looks like a field with the
/// `[columns]` line mapping it.
fn layout_notes(f: &crate::read::FileInfo, lang: Lang) -> String {
    let mut s = String::new();
    if let Some(b) = &f.by_contents {
        let h = &crate::lang::shown(&b.header, 80);
        let (valid, filled) = (b.valid, b.filled);
        let _ = writeln!(
            s,
            "    {}",
            lang.pick(
                format!("org.nr lästes ur kolumnen '{h}' (kolumn {}) på innehållet: ingen rubrik heter som ett org.nr, och {valid} av dess {filled} ifyllda celler är giltiga organisationsnummer", b.column + 1),
                format!("org_nr was read from the column '{h}' (column {}) by its contents: no header is named like an org nr, and {valid} of its {filled} filled cells are valid organisation numbers", b.column + 1),
            )
        );
    }
    if let Some(h) = &f.unit_name {
        let h = &crate::lang::shown(h, 80);
        let _ = writeln!(
            s,
            "    {}",
            lang.pick(
                format!("'{h}' används som enhetens namn (visas bredvid enheten; ingår inte i dubblettkontrollen)"),
                format!("'{h}' is used as the unit's name (shown beside the unit; not part of the duplicate check)"),
            )
        );
    }
    if f.unread.is_empty() {
        return s;
    }
    let names: Vec<String> = f.unread.iter().map(|u| crate::lang::quote(&u.header)).collect();
    let _ = writeln!(
        s,
        "    {}: {}",
        lang.pick("kolumner som inte läses", "columns not read"),
        names.join(", ")
    );
    for u in &f.unread {
        let h = &crate::lang::shown(&u.header, 80);
        if let Some(field) = u.field {
            let line = crate::read::contents::columns_line(field, h);
            let _ = writeln!(
                s,
                "      {}",
                lang.pick(
                    format!(
                        "om '{h}' är {}: lägg till under [columns] i avropskoll.toml: {line}",
                        field.label(lang)
                    ),
                    format!(
                        "if '{h}' is the {}: add under [columns] in avropskoll.toml: {line}",
                        field.label(lang)
                    ),
                )
            );
        } else if u.unit_name {
            let line = crate::read::contents::unit_name_line(h);
            let _ = writeln!(
                s,
                "      {}",
                lang.pick(
                    format!("om '{h}' är enhetens namn: lägg till under [columns] i avropskoll.toml: {line}"),
                    format!("if '{h}' is the unit's name: add under [columns] in avropskoll.toml: {line}"),
                )
            );
        }
    }
    s
}

/// Per file: format, header row, rows and the header taken for each field.
pub fn files(exports: &Exports, lang: Lang) -> String {
    files_with_dates(exports, &[], lang)
}

/// [`files`] with each file's date range (`check`).
pub fn files_with_dates(
    exports: &Exports,
    ranges: &[Option<(chrono::NaiveDate, chrono::NaiveDate)>],
    lang: Lang,
) -> String {
    let mut s = String::new();
    let n = exports.files.len();
    let _ = writeln!(
        s,
        "{}",
        lang.pick(
            format!("Läste {n} {}:", if n == 1 { "fil" } else { "filer" }),
            format!("Read {n} file(s):")
        )
    );
    let mut previous: Option<&crate::read::FileInfo> = None;
    for f in &exports.files {
        let rows = count(f.rows as u64, lang);
        let index = exports.files.iter().position(|x| std::ptr::eq(x, f)).unwrap_or(0);
        let dates = match ranges.get(index) {
            Some(Some((a, b))) => lang.pick(format!(", datum {a} – {b}"), format!(", dates {a} to {b}")),
            Some(None) => lang.pick(", inga läsbara datum".to_string(), ", no readable dates".to_string()),
            None => String::new(),
        };
        let _ = writeln!(
            s,
            "  {} ({}): {}{dates}",
            f.display,
            f.description,
            lang.pick(
                format!("rubrikrad {}, {rows} rader", f.header_row),
                format!("header in row {}, {rows} rows", f.header_row)
            )
        );
        let same = |p: &crate::read::FileInfo| {
            p.mapping == f.mapping
                && p.unread == f.unread
                && p.by_contents == f.by_contents
                && p.unit_name == f.unit_name
        };
        // Each layout is described once: a later file with an earlier
        // file's layout names that file.
        let earlier = exports.files.iter().take(index).find(|p| same(p));
        if previous.is_some_and(same) {
            let _ = writeln!(
                s,
                "    {}",
                lang.pick("kolumnerna som i filen ovan", "columns mapped as in the file above")
            );
        } else if let Some(e) = earlier {
            let _ = writeln!(
                s,
                "    {}",
                lang.pick(
                    format!("kolumnerna som i {}", e.display),
                    format!("columns mapped as in {}", e.display)
                )
            );
        } else {
            let mapping: Vec<String> = f
                .mapping
                .iter()
                .map(|(field, h)| format!("{} ← {}", field.label(lang), crate::lang::quote(h)))
                .collect();
            let _ = writeln!(s, "    {}", mapping.join(", "));
            s.push_str(&layout_notes(f, lang));
        }
        previous = Some(f);
    }
    for crate::read::Skipped { file, reason: why } in &exports.skipped {
        let _ = writeln!(s, "  {} {file}: {why}", lang.pick("hoppade över", "skipped"));
    }
    s
}

fn deviation(a: &AgreementShares, lang: Lang) -> String {
    if let Some(r) = &a.rank {
        // A rank order: its undocumented skips (rule 13).
        return r.skip_pct.map_or("-".into(), |p| {
            lang.pick(
                format!("avsteg {}", percent(p, 1, lang)),
                format!("skips {}", percent(p, 1, lang)),
            )
        });
    }
    a.largest_deviation().map_or("-".into(), |d| points(d, lang))
}

/// The agreements table, the ceilings, the agreements' life and the
/// reconciliation.
pub fn summary(ctx: &Context) -> String {
    let lang = ctx.lang;
    let mut s = String::new();
    let w = &ctx.allocation.window;
    let _ = writeln!(
        s,
        "\n{} {} ({} – {})",
        lang.pick("Period", "Window"),
        w.label,
        w.start,
        w.end
    );
    let reported = agreements_table(&mut s, ctx);
    imbalances(&mut s, ctx, reported);
    rank_orders(&mut s, ctx);
    fku_call_offs(&mut s, ctx);
    ceilings(&mut s, ctx);
    life(&mut s, ctx);
    compliance(&mut s, ctx);
    reconciliation(&mut s, ctx);
    s
}

/// The reported agreements, one line each: status and largest deviation,
/// in the window and to date; returns how many.
fn agreements_table(s: &mut String, ctx: &Context) -> usize {
    let lang = ctx.lang;
    let status = |st: Status| labels::status(lang, st).to_lowercase();
    let rows: Vec<[String; 6]> = ctx
        .allocation
        .shares
        .iter()
        .filter(|a| a.scope == Scope::Period)
        .map(|p| {
            let ag = &ctx.register.agreements[p.agreement];
            let to_date = ctx.allocation.of(p.agreement, Scope::ToDate);
            [
                ag.id.clone(),
                ag.name.clone(),
                status(p.status),
                deviation(p, lang),
                to_date.map_or("-".into(), |t| status(t.status)),
                to_date.map_or("-".into(), |t| deviation(t, lang)),
            ]
        })
        .collect();
    let head: [&str; 6] = lang.pick(
        [
            "avtal",
            "benämning",
            "perioden",
            "största avvikelse",
            "hittills",
            "största avvikelse",
        ],
        ["agreement", "name", "period", "largest dev", "to date", "largest dev"],
    );
    let _ = write!(s, "{}", table(&head, &rows));
    if rows.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "(inget avtal i registret gäller under perioden)",
                "(no agreement of the register is valid in the window)"
            )
        );
    }
    rows.len()
}

/// How many of the `reported` agreements are out of balance, and the
/// change since the previous window (rule 12).
fn imbalances(s: &mut String, ctx: &Context, reported: usize) {
    let lang = ctx.lang;
    let imbalanced = ctx
        .allocation
        .shares
        .iter()
        .filter(|a| a.scope == Scope::Period && a.status == Status::Imbalance)
        .count();
    let _ = writeln!(
        s,
        "{}",
        lang.pick(
            format!("{imbalanced} av {reported} avtal i obalans under perioden."),
            format!("{imbalanced} of {reported} agreement(s) out of balance in the window.")
        )
    );
    if let Some(c) = ctx.comparison {
        let (new, resolved) = c.counts(ctx.allocation);
        let thin = c.now_insufficient(ctx.allocation);
        let thin = match thin {
            0 => String::new(),
            n => lang.pick(
                format!(", för lite underlag nu {n} (var i obalans)"),
                format!(", too little data now {n} (were out of balance)"),
            ),
        };
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                format!(
                    "Jämfört med {}: nya obalanser {new}, åtgärdade {resolved}{thin}.",
                    c.previous.label
                ),
                format!(
                    "Compared with {}: new imbalances {new}, resolved {resolved}{thin}.",
                    c.previous.label
                )
            )
        );
    }
}

/// The reconciliation: every line with rows and amount, and its check.
fn reconciliation(s: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let l = labels(lang);
    let _ = writeln!(
        s,
        "\n{}",
        lang.pick(
            "Avstämning (varje läst rad hamnar på exakt en rad):",
            "Reconciliation (every row read lands in exactly one line):"
        )
    );
    let mut names: Vec<&str> = vec![l.read, l.in_agreements, l.outside_agreements];
    names.extend(
        crate::classify::Category::ALL
            .iter()
            .map(|c| labels::category(lang, *c)),
    );
    for (name, (key, t)) in names.iter().zip(ctx.reconciliation.lines()) {
        let name = if lang == Lang::En { key } else { name };
        let _ = writeln!(
            s,
            "  {name:<28} {:>9} {}  {:>20} {}",
            count(t.rows, lang),
            lang.pick("rader", "rows"),
            sek(t.amount, lang),
            lang.pick("kr", "SEK")
        );
    }
    let ok = ctx.reconciliation.balances();
    let _ = writeln!(
        s,
        "  {}",
        match (lang, ok) {
            (Lang::Sv, true) => "kontroll: lästa = i avtal + utanför avtalen + datakvalitetens kategorier: stämmer",
            (Lang::Sv, false) => "kontroll: lästa = i avtal + utanför avtalen + datakvalitetens kategorier: STÄMMER INTE (ett fel i verktyget: rapportera det)",
            (Lang::En, true) => "check: read = in_agreements + outside_agreements + data-quality categories: adds up",
            (Lang::En, false) => "check: read = in_agreements + outside_agreements + data-quality categories: DOES NOT ADD UP (a bug: please report it)",
        }
    );
}

/// Left-aligned columns two spaces apart.
fn table<const N: usize>(head: &[&str; N], rows: &[[String; N]]) -> String {
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([head[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let pad = w.saturating_sub(c.chars().count());
                format!("{c}{}", " ".repeat(pad))
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut s = String::new();
    let _ = writeln!(s, "{}", line(&head.map(String::from)));
    for r in rows {
        let _ = writeln!(s, "{}", line(r));
    }
    s
}

/// Every ceiling that is reached, near or forecast to be reached.
/// One line per rank agreement (rule 13): its share to rank 1, its
/// undocumented skips and its status.
fn rank_orders(s: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let mut first = true;
    for p in ctx.allocation.period() {
        let ag = &ctx.register.agreements[p.agreement];
        let Some(r) = p.rank.as_ref().filter(|_| ag.is_rank()) else {
            continue;
        };
        if std::mem::take(&mut first) {
            let _ = writeln!(s, "\n{}", lang.pick("Rangordning:", "Rank order:"));
        }
        let rank1 = ag
            .suppliers
            .iter()
            .position(|x| x.rank == Some(1))
            .and_then(|i| p.suppliers.get(i))
            .and_then(|x| x.actual_pct);
        let undocumented: i64 = r.undocumented.iter().map(|u| u.amount).sum();
        let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| percent(v, 1, lang));
        let _ = writeln!(
            s,
            "  {}",
            lang.pick(
                format!(
                    "{} {}: {} till rang 1, odokumenterade avsteg {} ({}) – {}",
                    ag.id,
                    ag.name,
                    pct(rank1),
                    pct(r.skip_pct),
                    sek_unit(undocumented as i128, lang),
                    labels::status(lang, p.status).to_lowercase()
                ),
                format!(
                    "{} {}: {} to rank 1, undocumented skips {} ({}) – {}",
                    ag.id,
                    ag.name,
                    pct(rank1),
                    pct(r.skip_pct),
                    sek_unit(undocumented as i128, lang),
                    labels::status(lang, p.status).to_lowercase()
                )
            )
        );
    }
}

/// The count of FKU call-offs shown for the window (rule 14).
fn fku_call_offs(s: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let shown: Vec<_> = ctx.fku.shown(ctx.register, &ctx.allocation.window).collect();
    if shown.is_empty() {
        return;
    }
    let total: i64 = shown.iter().map(|c| c.amount).sum();
    let n = shown.len();
    let _ = writeln!(
        s,
        "\n{}",
        lang.pick(
            format!("FKU: {n} avrop på {} gick till förnyad konkurrensutsättning; de räknas mot takvolymen men inte mot nyckeln eller rangordningen (fku.csv).", sek_unit(total as i128, lang)),
            format!("FKU: {n} call-off(s) worth {} went to renewed competition; they count against the ceiling but not toward the key or rank order (fku.csv).", sek_unit(total as i128, lang)),
        )
    );
}

fn ceilings(s: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let flagged: Vec<_> = ctx.ceilings.iter().filter(|c| c.status.needs_attention()).collect();
    let Some(first) = ctx.ceilings.first() else {
        return;
    };
    let _ = writeln!(
        s,
        "\n{}",
        lang.pick(
            format!(
                "Takvolym (t.o.m. {}): {} av {} avtal med takvolym behöver uppmärksamhet.",
                first.as_of,
                flagged.len(),
                ctx.ceilings.len()
            ),
            format!(
                "Ceilings (as of {}): {} of {} agreement(s) with a ceiling need attention.",
                first.as_of,
                flagged.len(),
                ctx.ceilings.len()
            )
        )
    );
    for c in flagged {
        ceiling_lines(s, ctx, c);
    }
}

/// One ceiling needing attention: what it says, the units after it, what
/// the exports lack, and whether it is shared.
fn ceiling_lines(s: &mut String, ctx: &Context, c: &crate::allocate::ceiling::CeilingUse) {
    use crate::allocate::ceiling::CeilingStatus;
    let lang = ctx.lang;
    let a = &ctx.register.agreements[c.agreement];
    let used = percent(c.used_pct, 1, lang);
    let what = match c.status {
        CeilingStatus::Reached => {
            reached_line(lang, c.reached_on, c.after_reached_rows, c.after_reached_amount as i128)
        }
        CeilingStatus::Warning => lang.pick(
            format!(
                "{used} av takvolymen använd (varningsnivå {}), {} av avtalstiden har gått",
                percent(c.ceiling.warn_pct, 0, lang),
                percent(c.elapsed_pct, 1, lang)
            ),
            format!(
                "{used} of the ceiling used (warning level {}), {} of the agreement's time elapsed",
                percent(c.ceiling.warn_pct, 0, lang),
                percent(c.elapsed_pct, 1, lang)
            ),
        ),
        CeilingStatus::Forecast | CeilingStatus::Ok => lang.pick(
            format!(
                "{used} använd; i nuvarande takt nås taket {}, före avtalets slut {}",
                c.forecast_date.map(|d| d.to_string()).unwrap_or_default(),
                a.valid_to
            ),
            format!(
                "{used} used; at the present pace the ceiling is reached {}, before the agreement ends {}",
                c.forecast_date.map(|d| d.to_string()).unwrap_or_default(),
                a.valid_to
            ),
        ),
    };
    let _ = writeln!(s, "  {} {}: {what}", a.id, a.name);
    if let Some(late) = ctx.life.after_ceiling.iter().find(|l| l.agreement == c.agreement) {
        let units = unit_names(ctx, &late.units, true);
        let _ = writeln!(
            s,
            "    {}: {}",
            lang.pick("efter taket, per enhet", "after the ceiling, per unit"),
            units
        );
    }
    let note = labels::coverage_note(lang, &c.missing_months);
    if !note.is_empty() {
        let _ = writeln!(s, "    ({note})");
    }
    if c.ceiling.shared {
        let _ = writeln!(
            s,
            "    ({})",
            lang.pick(
                "delad takvolym: bara våra avrop räknas, den verkliga användningen är högre",
                "shared ceiling: only our call-offs are counted, the real use is higher"
            )
        );
    }
}

/// The first five units of a list, by name (with their amounts), and how
/// many more there are: "A, B, C, D, E och 3 till".
fn unit_names(ctx: &Context, units: &[crate::allocate::ceiling::UnitUse], amounts: bool) -> String {
    let lang = ctx.lang;
    let names: Vec<String> = units
        .iter()
        .take(SHOWN_UNITS)
        .map(|u| {
            let shown = ctx.unit_shown(u.unit);
            let name = if shown.is_empty() {
                lang.pick("(ingen enhet)", "(no unit)")
            } else {
                &shown
            };
            if amounts {
                format!("{name} {}", sek_unit(u.amount as i128, lang))
            } else {
                name.to_string()
            }
        })
        .collect();
    with_rest(names, units.len(), lang)
}

/// Most units named in a line.
const SHOWN_UNITS: usize = 5;

/// `names` joined, and " och N till" when `total` is more.
fn with_rest(names: Vec<String>, total: usize, lang: Lang) -> String {
    let rest = total.saturating_sub(names.len());
    let joined = names.join(", ");
    if rest == 0 {
        joined
    } else {
        lang.pick(format!("{joined} och {rest} till"), format!("{joined} and {rest} more"))
    }
}

/// "TAKET NÅTT 2024-04-01 – de 2 avropen efter det (−150,00 kr) är
/// direktupphandlingar".
fn reached_line(lang: Lang, on: Option<chrono::NaiveDate>, rows: u64, amount: i128) -> String {
    let on = on.map(|d| d.to_string()).unwrap_or_default();
    let amount = sek_unit(amount, lang);
    let n = count(rows, lang);
    match (lang, rows) {
        (Lang::Sv, 0) => format!("TAKET NÅTT {on} – inga avrop efter det"),
        (Lang::Sv, 1) => format!("TAKET NÅTT {on} – avropet efter det ({amount}) är en direktupphandling"),
        (Lang::Sv, _) => format!("TAKET NÅTT {on} – de {n} avropen efter det ({amount}) är direktupphandlingar"),
        (Lang::En, 0) => format!("CEILING REACHED {on} – no call-offs after it"),
        (Lang::En, 1) => format!("CEILING REACHED {on} – the call-off after it ({amount}) is a direct award"),
        (Lang::En, _) => format!("CEILING REACHED {on} – the {n} call-offs after it ({amount}) are direct awards"),
    }
}

/// Rule 15: the compliance per account, one line each, and how many
/// suppliers beside the agreements passed the direct-award limit.
fn compliance(s: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let b = ctx.beside;
    if b.accounts.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n{}",
        lang.pick(
            "Avtalstrohet per konto (andel av kontots köp som gått genom avtalen):",
            "Contract compliance per account (share of the account's spend through the agreements):"
        )
    );
    for a in &b.accounts {
        let ids = match a.agreements.len() {
            0..=3 => super::compliance_csv::agreement_ids(ctx.register, &a.agreements).replace(';', ", "),
            n => lang.pick(format!("{n} avtal"), format!("{n} agreements")),
        };
        let pct = a
            .compliance_pct()
            .map_or("–".to_string(), |p| crate::report::charts::percent(p, 1, lang));
        let (through, beside) = (sek_unit(a.in_agreements, lang), sek_unit(a.beside, lang));
        let _ = writeln!(
            s,
            "  {}",
            lang.pick(
                format!(
                    "{} ({ids}): {pct} – {through} genom avtal, {beside} vid sidan av",
                    a.account
                ),
                format!(
                    "{} ({ids}): {pct} – {through} through agreements, {beside} beside them",
                    a.account
                ),
            )
        );
    }
    let over = b.over_limit();
    let limit = sek_unit(i128::from(b.limit), lang);
    let year = b.year;
    let _ = writeln!(
        s,
        "{}",
        lang.pick(
            format!(
                "{over} {} vid sidan av avtalen över direktupphandlingsgränsen {limit} under {year} (se bladet Avtalstrohet).",
                if over == 1 { "leverantör" } else { "leverantörer" }
            ),
            format!(
                "{over} supplier(s) beside the agreements over the direct-award limit of {limit} in {year} (see the sheet Compliance)."
            ),
        )
    );
}

/// Agreements that end soon and ended agreements still in use.
fn life(s: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let life = ctx.life;
    if life.ending_soon.is_empty() && life.ended_in_use.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n{}", lang.pick("Avtalens löptid:", "The agreements' life:"));
    for &i in &life.ending_soon {
        let a = &ctx.register.agreements[i];
        let _ = writeln!(
            s,
            "  {} {}: {}",
            a.id,
            a.name,
            lang.pick(
                format!(
                    "löper ut {} – inom sex månader; en ny upphandling tar längre tid",
                    a.valid_to
                ),
                format!(
                    "ends {} – within six months; a new procurement takes longer",
                    a.valid_to
                )
            )
        );
    }
    for u in &life.ended_in_use {
        let a = &ctx.register.agreements[u.agreement];
        let units = unit_names(ctx, &u.units, false);
        let _ = writeln!(
            s,
            "  {} {}: {}",
            a.id,
            a.name,
            lang.pick(
                format!(
                    "upphörde {} men har {} avrop för {} efter det (enheter: {})",
                    a.valid_to,
                    count(u.rows, lang),
                    sek_unit(u.amount as i128, lang),
                    units
                ),
                format!(
                    "ended {} but has {} call-off(s) for {} after it (units: {})",
                    a.valid_to,
                    count(u.rows, lang),
                    sek_unit(u.amount as i128, lang),
                    units
                )
            )
        );
    }
}

/// What `check` prints: the register in short and, with exports, every
/// file with its mapping, rows and dates, and the files it would skip.
/// `check`'s line on rule 15: the accounts whose compliance is measured and
/// the direct-award limit in use.
fn direct_award_line(report: &crate::check::CheckReport, lang: Lang) -> String {
    let mut accounts: Vec<&str> = report
        .register
        .agreements
        .iter()
        .flat_map(|a| a.accounts.iter().flatten())
        .map(String::as_str)
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    let limit = sek_unit(report.direct_award_limit as i128, lang);
    let n = accounts.len();
    lang.pick(
        format!(
            "Avtalstrohet mäts på {n} {} i registret; direktupphandlingsgräns {limit} (direct_award_limit_sek – håll den aktuell).",
            if n == 1 { "konto" } else { "konton" }
        ),
        format!("Contract compliance is measured on {n} account(s) of the register; direct-award limit {limit} (direct_award_limit_sek – keep it current)."),
    )
}

pub fn check_report(report: &crate::check::CheckReport, lang: Lang) -> String {
    let mut s = String::new();
    let reg = &report.register;
    let suppliers: usize = reg.agreements.iter().map(|a| a.suppliers.len()).sum();
    let ceilings = reg.agreements.iter().filter(|a| a.ceiling.is_some()).count();
    let _ = writeln!(
        s,
        "{}",
        lang.pick(
            format!(
                "Avtalsregistret {} är giltigt: {} avtal, {suppliers} leverantörer, {ceilings} med takvolym.",
                report.register_path.display(),
                reg.agreements.len()
            ),
            format!(
                "The register {} is valid: {} agreement(s), {suppliers} supplier(s), {ceilings} with a ceiling.",
                report.register_path.display(),
                reg.agreements.len()
            )
        )
    );
    for line in register_table(report, lang).lines() {
        let _ = writeln!(s, "  {line}");
    }
    let _ = writeln!(s, "{}", direct_award_line(report, lang));
    if let Some(exports) = &report.exports {
        check_exports(&mut s, report, exports, lang);
    }
    s
}

/// The register as `check` read it: one line per agreement with its key,
/// tolerance, ceiling and warning level.
fn register_table(report: &crate::check::CheckReport, lang: Lang) -> String {
    let reg = &report.register;
    let plain = |v: f64| crate::format::plain_number(v, lang);
    let rows: Vec<[String; 10]> = reg
        .agreements
        .iter()
        .map(|a| {
            let (model, key, fku) = model_cells(a, lang);
            let tolerance = match a.tolerance_pp {
                Some(t) => plain(t),
                None => lang.pick(
                    format!("{} (körningens)", plain(report.tolerance_pp)),
                    format!("{} (the run's)", plain(report.tolerance_pp)),
                ),
            };
            [
                a.id.clone(),
                a.name.clone(),
                format!("{} – {}", a.valid_from, a.valid_to),
                labels::basis(lang, a.basis).to_string(),
                model,
                key,
                fku,
                tolerance,
                a.ceiling.map(|c| sek_unit(c.ceiling as i128, lang)).unwrap_or_default(),
                a.ceiling
                    .map(|c| format!("{} %", plain(c.warn_pct)))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let head: [&str; 10] = lang.pick(
        [
            "avtal",
            "benämning",
            "giltigt",
            "grund",
            "modell",
            "nyckel (%) / rang",
            "FKU-gräns",
            "tolerans (pe)",
            "takvolym",
            "varningsnivå",
        ],
        [
            "agreement",
            "name",
            "valid",
            "basis",
            "model",
            "key (%) / ranks",
            "FKU threshold",
            "tolerance (pp)",
            "ceiling",
            "warning level",
        ],
    );
    table(&head, &rows)
}

/// The exports as `check` read them: files, dates, warnings.
fn check_exports(s: &mut String, report: &crate::check::CheckReport, exports: &Exports, lang: Lang) {
    let _ = writeln!(s);
    if exports.files.is_empty() && exports.skipped.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "Inga exportfiler hittades ännu; lägg månadsexporterna (CSV eller Excel) i exportmappen.",
                "No export files were found yet; put the monthly exports (CSV or Excel) in the exports folder."
            )
        );
    }
    let _ = write!(s, "{}", files_with_dates(exports, &report.date_ranges, lang));
    for w in &exports.warnings {
        let _ = writeln!(s, "  {}: {}", lang.pick("varning", "warning"), w.words(lang));
    }
    let _ = writeln!(
        s,
        "{}",
        lang.pick(
            "Inga rapporter skrevs (check räknar inget); kör avropskoll run för rapporterna.",
            "No reports were written (check computes nothing); run avropskoll run for the reports."
        )
    );
}

/// What `init` (or a first double-click) wrote and what to do next.
pub fn init_done(files: &[std::path::PathBuf], lang: Lang) -> String {
    let names: Vec<String> = files.iter().map(|f| crate::console::display_path(f)).collect();
    lang.pick(
        format!(
            "Skrev {}.\n\nSå här går du vidare:\n  1. Öppna register.xlsx i Excel och fyll i era ramavtal: en rad per leverantör,\n     avtalets uppgifter på dess första rad (bladet Instruktioner förklarar kolumnerna).\n  2. Lägg ekonomisystemets månadsexporter (CSV eller Excel) i mappen exporter.\n  3. Starta avropskoll igen (dubbelklicka, eller kör avropskoll check och avropskoll run):\n     rapporterna hamnar i mappen rapporter.\n",
            names.join(", ")
        ),
        format!(
            "Wrote {}.\n\nNext:\n  1. Open register.xlsx in Excel and fill in your framework agreements: one row per supplier,\n     the agreement's fields on its first row (the Instruktioner sheet explains the columns).\n  2. Put the monthly exports of the economy system (CSV or Excel) in the exporter folder.\n  3. Start avropskoll again (double-click, or run avropskoll check and avropskoll run):\n     the reports land in the rapporter folder.\n",
            names.join(", ")
        ),
    )
}

/// The guide a terminal gets when the program is started without
/// arguments in a folder without a register or settings.
pub fn guide(dir: &std::path::Path, lang: Lang) -> String {
    let dir = crate::console::display_path(dir);
    lang.pick(
        format!(
            "avropskoll kontrollerar att avropen från ramavtalen följer fördelningsnyckeln och takvolymen.\n\nI {dir} finns inget avtalsregister och ingen avropskoll.toml. Så här kommer du igång:\n  avropskoll init     skriver en registermall (register.xlsx), avropskoll.toml och mappen exporter här\n  avropskoll check    kontrollerar registret och exporterna\n  avropskoll run      skriver rapporterna i rapporter/PERIOD/\n  avropskoll --help   visar alla kommandon och flaggor\n\nPå Windows räcker det att dubbelklicka på avropskoll.exe i mappen där registret ska ligga.\n"
        ),
        format!(
            "avropskoll checks that call-offs under framework agreements follow the agreed split and ceiling.\n\n{dir} holds no agreement register and no avropskoll.toml. To start:\n  avropskoll init     writes a register template (register.xlsx), avropskoll.toml and the exporter folder here\n  avropskoll check    checks the register and the exports\n  avropskoll run      writes the reports to rapporter/PERIOD/\n  avropskoll --help   shows every command and flag\n\nOn Windows, double-click avropskoll.exe in the folder where the register is to be.\n"
        ),
    )
}

/// The last line of a double-clicked start, so the window stays open.
pub fn press_enter(lang: Lang) -> &'static str {
    lang.pick("Tryck Enter för att stänga.", "Press Enter to close.")
}

/// The forum report was opened in the browser.
pub fn opened(file: &std::path::Path, lang: Lang) -> String {
    let file = crate::console::display_path(file);
    lang.pick(
        format!("Forumrapporten {file} öppnades i webbläsaren."),
        format!("The forum report {file} was opened in the browser."),
    )
}

/// An agreement's call-off model as read (rules 13–14), for `check`: the
/// model (with its deviations), the key or the ranks, the FKU threshold.
fn model_cells(a: &crate::register::Agreement, lang: Lang) -> (String, String, String) {
    let model = match a.deviations.len() {
        0 => a.model.label(lang).to_string(),
        n => lang.pick(
            format!("{} ({n} avsteg)", a.model.label(lang)),
            format!("{} ({n} deviation(s))", a.model.label(lang)),
        ),
    };
    let key = if a.is_rank() {
        a.by_rank()
            .iter()
            .filter_map(|&i| a.suppliers.get(i))
            .map(|x| format!("{}. {}", x.rank.unwrap_or(0), x.name))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        a.suppliers
            .iter()
            .map(|x| crate::format::plain_number(x.share, lang))
            .collect::<Vec<_>>()
            .join("/")
    };
    let fku = a.fku_threshold.map(|t| sek_unit(t as i128, lang)).unwrap_or_default();
    (model, key, fku)
}

/// The terminal reporter: a progress bar while reading, the files read,
/// warnings, the summary and where the reports went. Quiet prints only
/// errors (which `main` prints).
pub struct Terminal {
    lang: Lang,
    quiet: bool,
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
    started: std::time::Instant,
}

impl Terminal {
    pub fn new(lang: Lang, quiet: bool) -> Self {
        Terminal {
            lang,
            quiet,
            bar: std::sync::OnceLock::new(),
            started: std::time::Instant::now(),
        }
    }

    /// `avropskoll: varning: …` on stderr.
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let text: Vec<String> = text.lines().map(|l| crate::lang::shown(l, usize::MAX)).collect();
            eprintln!(
                "avropskoll: {}: {}",
                self.lang.pick("varning", "warning"),
                text.join("\n")
            );
        }
    }
}

impl crate::Observer for Terminal {
    fn reading(&self, total_bytes: u64) {
        let bar = if self.quiet {
            indicatif::ProgressBar::hidden()
        } else {
            let bar =
                indicatif::ProgressBar::with_draw_target(Some(total_bytes), indicatif::ProgressDrawTarget::stderr());
            let template = self.lang.pick(
                "läser exporterna {bar:30} {bytes}/{total_bytes} ({eta} kvar)",
                "reading exports {bar:30} {bytes}/{total_bytes} ({eta} left)",
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(250));
            bar
        };
        let _ = self.bar.set(bar);
    }

    fn progress(&self, bytes: u64) {
        if let Some(bar) = self.bar.get() {
            bar.inc(bytes);
        }
    }

    fn read_done(&self, exports: &Exports) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
        if self.quiet {
            return;
        }
        print!("{}", files(exports, self.lang));
        for w in &exports.warnings {
            self.warn(&w.words(self.lang));
        }
    }

    fn warning(&self, warning: &crate::error::Warning) {
        self.warn(&warning.words(self.lang));
    }

    fn stage(&self, name: &str, seconds: f64) {
        if std::env::var_os("AVROPSKOLL_TIMINGS").is_some() {
            // The memory held now and at most so far (Linux), for bench/.
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |key: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                    .map_or_else(String::new, |kb| format!("{:>6} MB", kb / 1024))
            };
            eprintln!(
                "timing: {name:<16} {seconds:>8.3} s   memory {} (peak {})",
                field("VmRSS:"),
                field("VmHWM:")
            );
        }
    }

    fn finished(&self, ctx: &Context, folder: &std::path::Path, written: usize) {
        if self.quiet {
            return;
        }
        print!("{}", summary(ctx));
        let seconds = crate::format::format_float(self.started.elapsed().as_secs_f64(), 1);
        println!(
            "\n{}",
            self.lang.pick(
                format!(
                    "Rapporterna finns i {} ({written} filer, {} s).",
                    crate::console::display_folder(folder),
                    seconds.replace('.', ",")
                ),
                format!(
                    "Reports written to {} ({written} files) in {seconds} s.",
                    crate::console::display_folder(folder)
                ),
            )
        );
        if let Some(lines) = drafts_lines(ctx, folder) {
            print!("{lines}");
        }
    }

    fn archived(&self, folder: &std::path::Path, to: &std::path::Path) {
        if self.quiet {
            return;
        }
        println!(
            "{}",
            self.lang.pick(
                format!(
                    "Den tidigare rapporten i {} sparades i {}.",
                    crate::console::display_folder(folder),
                    crate::console::display_folder(to)
                ),
                format!(
                    "The previous report in {} was kept in {}.",
                    crate::console::display_folder(folder),
                    crate::console::display_folder(to)
                ),
            )
        );
    }
}

/// The last lines with an organisation file: where the mail drafts are,
/// how to send them, which sections got none.
fn drafts_lines(ctx: &Context, folder: &std::path::Path) -> Option<String> {
    use super::drafts;
    let org = ctx.organisation?;
    let lang = ctx.lang;
    let mut s = String::new();
    let n = drafts::count(org);
    let dir = folder.join(super::sections::FOLDER).join(drafts::FOLDER);
    if n > 0 {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                format!(
                    "Utkast till mejl till sektionscheferna ({n} st, med arbetsboken bifogad): {}\nÖppna varje utkast i Outlook (dubbelklicka), kontrollera det och skicka. Inget har skickats.",
                    crate::console::display_folder(&dir)
                ),
                format!(
                    "Mail drafts to the section heads ({n}, each with its workbook attached): {}\nOpen each draft in Outlook (double-click), check it and send it. Nothing has been sent.",
                    crate::console::display_folder(&dir)
                ),
            )
        );
    }
    let missing = drafts::without_address(org).len();
    if missing > 0 {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                format!(
                    "Inget utkast för {}: lägg till E-post i organisationsfilen.",
                    drafts::without_address_list(org, lang)
                ),
                format!(
                    "No draft for {}: add E-post to the organisation file.",
                    drafts::without_address_list(org, lang)
                ),
            )
        );
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sek_groups_thousands() {
        assert_eq!(sek(12_345_678_900, Lang::Sv), "1\u{a0}234\u{a0}567,89");
        assert_eq!(sek(-12_345_678_900, Lang::En), "-1,234,567.89");
        assert_eq!(sek(5_000, Lang::Sv), "0,50");
        assert_eq!(count(26_410, Lang::Sv), "26\u{a0}410");
        assert_eq!(count(7, Lang::En), "7");
        assert_eq!(count(26_410, Lang::En), "26,410");
    }

    #[test]
    fn a_reached_ceiling_reads_naturally() {
        let on = chrono::NaiveDate::from_ymd_opt(2025, 5, 12);
        // The sample's Markarbeten: 78 call-offs for 1 110 413,03 kr (in
        // ten-thousandths of a krona) after the ceiling.
        let amount = 11_104_130_300;
        assert_eq!(
            reached_line(Lang::Sv, on, 78, amount),
            "TAKET NÅTT 2025-05-12 – de 78 avropen efter det (1\u{a0}110\u{a0}413,03 kr) är direktupphandlingar"
        );
        assert_eq!(
            reached_line(Lang::En, on, 78, amount),
            "CEILING REACHED 2025-05-12 – the 78 call-offs after it (1,110,413.03 SEK) are direct awards"
        );
        assert_eq!(
            reached_line(Lang::Sv, on, 1, 50_000),
            "TAKET NÅTT 2025-05-12 – avropet efter det (5,00 kr) är en direktupphandling"
        );
        assert_eq!(
            reached_line(Lang::Sv, on, 0, 0),
            "TAKET NÅTT 2025-05-12 – inga avrop efter det"
        );
    }

    #[test]
    fn a_cut_list_says_how_many_more() {
        let names = |n: usize| (1..=n).map(|i| format!("E{i}")).collect::<Vec<_>>();
        // Eight units after the ceiling, five named: "och 3 till".
        assert_eq!(with_rest(names(5), 8, Lang::Sv), "E1, E2, E3, E4, E5 och 3 till");
        assert_eq!(with_rest(names(5), 8, Lang::En), "E1, E2, E3, E4, E5 and 3 more");
        assert_eq!(with_rest(names(2), 2, Lang::Sv), "E1, E2");
    }
}
