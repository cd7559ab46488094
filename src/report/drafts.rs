//! The mail drafts to the section heads (`sektioner/utkast/<section>.eml`):
//! one per section workbook whose section has an e-mail address in the
//! organisation file, the workbook attached byte for byte. The body names
//! the section's agreements in imbalance, its own split against the key,
//! the suppliers its next call-offs should go to and the ceilings reached
//! or near. The tool only writes drafts; the user opens each in the mail
//! program, checks it and sends it.

use super::charts::percent;
use super::mime::{self, Draft};
use super::sections::{self, Group};
use super::Context;
use crate::allocate::ceiling::CeilingUse;
use crate::error::{Error, Result};
use crate::format::sek_unit;
use crate::lang::Lang;
use crate::organisation::Organisation;
use crate::parse;
use crate::read::Field;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The drafts' folder inside `sektioner/`.
pub const FOLDER: &str = "utkast";

/// The width body text is wrapped to.
const WIDTH: usize = 72;

/// The sections whose *E-post* is empty or not an address: (name, cell).
pub fn without_address(org: &Organisation) -> Vec<(&str, &str)> {
    org.sections
        .iter()
        .filter(|s| s.email.as_deref().and_then(mime::addresses).is_none())
        .map(|s| (s.name.as_str(), s.email.as_deref().unwrap_or("")))
        .collect()
}

/// The sections without an address, for the terminal and the workbook:
/// `Sektion Stab, Sektion Väst ('anna(at)x.se' är ingen e-postadress)`.
pub fn without_address_list(org: &Organisation, lang: Lang) -> String {
    without_address(org)
        .iter()
        .map(|(name, cell)| {
            if cell.trim().is_empty() {
                (*name).to_string()
            } else {
                let cell: String = cell.chars().filter(|c| !c.is_control()).take(80).collect();
                lang.pick(
                    format!("{name} ('{cell}' är ingen e-postadress)"),
                    format!("{name} ('{cell}' is not an e-mail address)"),
                )
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The warning naming the sections that get no draft, if any.
pub fn missing_address_warning(org: &Organisation) -> Option<crate::error::Warning> {
    let n = without_address(org).len();
    let words = |lang: Lang| {
        let list = without_address_list(org, lang);
        lang.pick(
            format!(
                "{n} {} saknar e-postadress och får inget utkast till mejl: {list} – lägg till E-post i organisationsfilen",
                if n == 1 { "sektion" } else { "sektioner" }
            ),
            format!("{n} section(s) without an e-mail address get no mail draft: {list} – add E-post to the organisation file"),
        )
    };
    (n > 0).then(|| crate::error::Warning::Report(crate::lang::Text::new(words(Lang::Sv), words(Lang::En))))
}

/// The number of drafts a run writes: the sections with an address.
pub fn count(org: &Organisation) -> usize {
    org.sections.len() - without_address(org).len()
}

/// Per section, the ceilings needing attention (indices into
/// `ctx.ceilings`) of the agreements its units called off in the window.
pub(crate) fn ceilings_by_section(ctx: &Context) -> HashMap<String, BTreeSet<usize>> {
    let mut out: HashMap<String, BTreeSet<usize>> = HashMap::new();
    let (Some(org), false) = (ctx.organisation, ctx.ceilings.is_empty()) else {
        return out;
    };
    // The flagged ceiling of each agreement (the last, as a map would
    // keep), looked up once a row.
    let mut flagged: Vec<Option<usize>> = vec![None; ctx.register.agreements.len()];
    for (i, c) in ctx
        .ceilings
        .iter()
        .enumerate()
        .filter(|(_, c)| c.status.needs_attention())
    {
        if let Some(slot) = flagged.get_mut(c.agreement) {
            *slot = Some(i);
        }
    }
    if flagged.iter().all(Option::is_none) {
        return out;
    }
    let window = &ctx.allocation.window;
    let (start, end) = (parse::date_to_days(window.start), parse::date_to_days(window.end));
    // Each (unit, ceiling) once, then each unit's section.
    type Pairs = std::collections::HashSet<(crate::read::Sym, usize), foldhash::fast::RandomState>;
    let rows = &ctx.exports.rows;
    let piece = |mut pairs: Pairs, range: std::ops::Range<usize>| {
        for (i, agreement, _) in ctx.classified.counted_in(range) {
            let Some(ceiling) = flagged.get(agreement.index()).copied().flatten() else {
                continue;
            };
            if rows.basics(i).1.is_some_and(|d| (start..=end).contains(&d)) {
                pairs.insert((rows.buyer(i)[0], ceiling));
            }
        }
        pairs
    };
    let pairs = rows.fold(Pairs::default, piece, |mut a, b| {
        a.extend(b);
        a
    });
    let mut section_of: HashMap<crate::read::Sym, Option<String>> = HashMap::new();
    for (unit, ceiling) in pairs {
        let section = section_of
            .entry(unit)
            .or_insert_with(|| org.section_of(ctx.text(unit)).map(|s| s.name.clone()));
        if let Some(s) = section {
            out.entry(s.clone()).or_default().insert(ceiling);
        }
    }
    out
}

/// "Ramavtalens fördelning 2025-H2 – Sektion Öster".
pub(crate) fn subject(ctx: &Context, group: &Group) -> String {
    let label = &ctx.allocation.window.label;
    ctx.lang.pick(
        format!("Ramavtalens fördelning {label} – {}", group.name),
        format!("Framework agreements' split {label} – {}", group.name),
    )
}

/// A key share: `50 %`, `33,3 %`.
fn key_text(share: f64, lang: Lang) -> String {
    let decimals = if (share - share.round()).abs() < 1e-9 { 0 } else { 1 };
    percent(share, decimals, lang)
}

/// Words wrapped at [`WIDTH`]; continuation lines indented by `indent`.
/// A figure and its unit (`50 %`, `1 000 kr`) stay on one line.
fn wrap(text: &str, first: &str, indent: &str) -> String {
    let text = text
        .replace(" %", "\u{a0}%")
        .replace(" kr", "\u{a0}kr")
        .replace(" SEK", "\u{a0}SEK");
    let mut out = String::from(first);
    let mut width = first.chars().count();
    let mut fresh = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let n = word.chars().count();
        if !fresh && width + 1 + n > WIDTH {
            out.push('\n');
            out.push_str(indent);
            width = indent.chars().count();
            fresh = true;
        }
        if !fresh {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += n;
        fresh = false;
    }
    out.push('\n');
    out
}

/// The section's basis value per supplier of one agreement (amounts, or
/// call-offs for basis count) and the scope they are of: the window, or to
/// date when the section has no call-offs in the window.
fn section_values(
    ctx: &Context,
    agreement: usize,
    window_rows: &[usize],
    all_rows: &[usize],
) -> (Vec<f64>, &'static str) {
    let lang = ctx.lang;
    let basis = ctx.register.agreements[agreement].basis;
    let value = |rows: &[usize]| sections::split(ctx, agreement, rows).values(basis);
    match value(window_rows) {
        v if v.iter().sum::<f64>() > 0.0 => (v, lang.pick("under perioden", "in the window")),
        _ => (value(all_rows), lang.pick("hittills under avtalet", "to date")),
    }
}

/// The section's own split of one agreement against the key: in the
/// window, or to date when it has no call-offs in the window.
fn own_split(ctx: &Context, agreement: usize, window_rows: &[usize], all_rows: &[usize]) -> String {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[agreement];
    let (values, scope) = section_values(ctx, agreement, window_rows, all_rows);
    let total: f64 = values.iter().sum();
    if total <= 0.0 {
        return lang
            .pick(
                "Sektionen har inga avrop att räkna.",
                "The section has no call-offs to count.",
            )
            .to_string();
    }
    let parts: Vec<String> = a
        .suppliers
        .iter()
        .zip(&values)
        .map(|(s, v)| {
            lang.pick(
                format!(
                    "{} {} (nyckeln {})",
                    s.name,
                    percent(100.0 * v / total, 1, lang),
                    key_text(s.share, lang)
                ),
                format!(
                    "{} {} (key {})",
                    s.name,
                    percent(100.0 * v / total, 1, lang),
                    key_text(s.share, lang)
                ),
            )
        })
        .collect();
    lang.pick(
        format!("Sektionens andel {scope}: {}.", parts.join(", ")),
        format!("The section's share {scope}: {}.", parts.join(", ")),
    )
}

/// The units whose call-offs `rows` are, each with its name where the
/// organisation file or an export gives one: "Ansvar: 1010 Skolor, 2020."
fn units_line(ctx: &Context, rows: &[usize]) -> String {
    const SHOWN: usize = 8;
    let lang = ctx.lang;
    let mut units: Vec<crate::read::Sym> = rows.iter().map(|&i| ctx.exports.rows.at(i).get(Field::Unit)).collect();
    units.sort_by(|a, b| ctx.text(*a).cmp(ctx.text(*b)));
    units.dedup();
    let mut names: Vec<String> = units
        .iter()
        .take(SHOWN)
        .map(|&u| match ctx.text(u) {
            "" => lang.pick("(ingen enhet)", "(no unit)").to_string(),
            _ => ctx.unit_shown(u).into_owned(),
        })
        .collect();
    if units.len() > SHOWN {
        let more = units.len() - SHOWN;
        names.push(lang.pick(format!("och {more} till"), format!("and {more} more")));
    }
    lang.pick(
        format!("Ansvar: {}.", names.join(", ")),
        format!("Units: {}.", names.join(", ")),
    )
}

/// A rank agreement in the body (rule 13): the section's shares by rank
/// and its call-offs from a lower rank without a documented deviation,
/// with what to do.
fn rank_lines(ctx: &Context, ai: usize, window_rows: &[usize], all_rows: &[usize]) -> String {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[ai];
    let mut s = wrap(
        &lang.pick(
            format!("{} {} (rangordning)", a.id, a.name),
            format!("{} {} (rank order)", a.id, a.name),
        ),
        "- ",
        "  ",
    );
    let (values, scope) = section_values(ctx, ai, window_rows, all_rows);
    let total: f64 = values.iter().sum();
    if total > 0.0 {
        let parts: Vec<String> = a
            .by_rank()
            .into_iter()
            .filter_map(|i| Some((a.suppliers.get(i)?, values.get(i)?)))
            .map(|(x, v)| {
                let rank = x.rank.unwrap_or(0);
                let share = percent(100.0 * v / total, 1, lang);
                lang.pick(
                    format!("rang {rank} ({}) {share}", x.name),
                    format!("rank {rank} ({}) {share}", x.name),
                )
            })
            .collect();
        s.push_str(&wrap(
            &lang.pick(
                format!("Sektionens avrop {scope}: {}.", parts.join(", ")),
                format!("The section's call-offs {scope}: {}.", parts.join(", ")),
            ),
            "  ",
            "  ",
        ));
    }
    let (skips, amount) = sections::rank::undocumented_with_amount(ctx, ai, window_rows);
    let text = if skips.is_empty() {
        lang.pick(
            "Inga avrop från lägre rang utan dokumenterat avsteg under perioden.".to_string(),
            "No call-offs from a lower rank without a documented deviation in the window.".to_string(),
        )
    } else {
        lang.pick(
            format!(
                "{} avrop från lägre rang utan dokumenterat avsteg under perioden ({}): dokumentera avsteget eller avropa från rang 1.",
                skips.len(),
                sek_unit(amount as i128, lang)
            ),
            format!(
                "{} call-off(s) from a lower rank without a documented deviation in the window ({}): document the deviation or call off from rank 1.",
                skips.len(),
                sek_unit(amount as i128, lang)
            ),
        )
    };
    s.push_str(&wrap(&text, "  ", "  "));
    s
}

/// One line per ceiling reached or near.
fn ceiling_line(ctx: &Context, u: &CeilingUse) -> String {
    use crate::allocate::ceiling::CeilingStatus;
    let lang = ctx.lang;
    let a = &ctx.register.agreements[u.agreement];
    let status = super::labels::ceiling_status(lang, u.status);
    let (pct, ceiling) = (percent(u.used_pct, 1, lang), sek_unit(u.ceiling.ceiling as i128, lang));
    let what = match (u.status, u.forecast_date) {
        (CeilingStatus::Reached, _) => lang.pick(
            " Taket är nått: gör inga fler avrop på avtalet.".to_string(),
            " The ceiling is reached: make no more call-offs under the agreement.".to_string(),
        ),
        (CeilingStatus::Forecast, Some(d)) => lang.pick(
            format!(" I nuvarande takt nås taket {d}."),
            format!(" At the present pace it is reached on {d}."),
        ),
        _ => String::new(),
    };
    lang.pick(
        format!(
            "{} {}: {status} – {pct} av takvolymen ({ceiling}) är använd.{what}",
            a.id, a.name
        ),
        format!(
            "{} {}: {status} – {pct} of the ceiling ({ceiling}) is used.{what}",
            a.id, a.name
        ),
    )
}

/// The body: greeting, the imbalanced agreements with the section's split
/// and whom to call off from next, the ceilings, the attachment.
pub(crate) fn body(ctx: &Context, group: &Group, file_name: &str, ceilings: &[&CeilingUse]) -> String {
    let lang = ctx.lang;
    let mut s = greeting(ctx, group);
    let per = sections::rows_per_agreement(ctx, group);
    if per.is_empty() {
        s.push('\n');
        s.push_str(&wrap(
            lang.pick(
                "Sektionen har inga avrop på ramavtal i obalans under perioden: inget att åtgärda.",
                "The section has no call-offs under agreements out of balance in the window: nothing to do.",
            ),
            "",
            "",
        ));
    } else {
        s.push_str(&imbalanced(ctx, &per));
    }
    if !ceilings.is_empty() {
        s.push('\n');
        s.push_str(lang.pick(
            "Takvolym som är nådd eller nära (avtal som sektionen har avropat från):\n",
            "Ceilings reached or near (agreements the section has called off from):\n",
        ));
        for u in ceilings {
            s.push_str(&wrap(&ceiling_line(ctx, u), "- ", "  "));
        }
    }
    // The file name as one word: it is the attachment's name.
    let file_name = file_name.replace(' ', "\u{a0}");
    s.push('\n');
    s.push_str(&wrap(
        &lang.pick(
            format!("Hela listan, avrop för avrop, finns i den bifogade arbetsboken {file_name}."),
            format!("The full list, call-off by call-off, is in the attached workbook {file_name}."),
        ),
        "",
        "",
    ));
    let _ = write!(s, "\n{}\n", lang.pick("Med vänlig hälsning", "Kind regards"));
    s
}

/// "Hej NAME," and what the mail is about.
fn greeting(ctx: &Context, group: &Group) -> String {
    let lang = ctx.lang;
    let w = &ctx.allocation.window;
    let mut s = match &group.head {
        Some(head) => lang.pick(format!("Hej {head},\n\n"), format!("Dear {head},\n\n")),
        None => lang.pick("Hej,\n\n".to_string(), "Hello,\n\n".to_string()),
    };
    s.push_str(&wrap(
        &lang.pick(
            format!(
                "här kommer uppföljningen av ramavtalens fördelningsnycklar för {}, perioden {} ({} – {}).",
                group.name, w.label, w.start, w.end
            ),
            format!(
                "here is the follow-up of the framework agreements' keys for {}, window {} ({} to {}).",
                group.name, w.label, w.start, w.end
            ),
        ),
        "",
        "",
    ));
    s
}

/// The imbalanced agreements the section called off from, each with its
/// split, then what the section is asked to do.
fn imbalanced(ctx: &Context, per: &sections::PerAgreement) -> String {
    let lang = ctx.lang;
    let mut s = String::from("\n");
    s.push_str(lang.pick(
        "Ramavtal i obalans som sektionen har avropat från:\n",
        "Agreements out of balance the section has called off from:\n",
    ));
    for (&ai, (window_rows, all_rows)) in per {
        s.push('\n');
        if ctx.register.agreements[ai].is_rank() {
            s.push_str(&rank_lines(ctx, ai, window_rows, all_rows));
            let units = units_line(ctx, if window_rows.is_empty() { all_rows } else { window_rows });
            s.push_str(&wrap(&units, "  ", "  "));
        } else {
            s.push_str(&key_lines(ctx, ai, window_rows, all_rows));
        }
    }
    let (rank, key): (Vec<usize>, Vec<usize>) = per.keys().partition(|&&ai| ctx.register.agreements[ai].is_rank());
    let mut asks = Vec::new();
    if !key.is_empty() {
        asks.push(lang.pick(
            "Sektionen ombeds se till att nästa avrop går till de leverantörer som ligger efter nyckeln, tills fördelningen är återställd.",
            "The section is asked to send its next call-offs to the suppliers behind the key until the split is restored.",
        ));
    }
    if !rank.is_empty() {
        asks.push(lang.pick(
            "Under en rangordning avropar sektionen från rang 1 och dokumenterar varje avsteg i en tjänsteanteckning.",
            "Under a rank order the section calls off from rank 1 and documents every deviation in a memo.",
        ));
    }
    s.push('\n');
    s.push_str(&wrap(&asks.join(" "), "", ""));
    s
}

/// A key agreement: its name and basis, the section's split, and the
/// suppliers behind the key.
fn key_lines(ctx: &Context, ai: usize, window_rows: &[usize], all_rows: &[usize]) -> String {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[ai];
    let basis = super::labels::basis(lang, a.basis);
    let mut s = wrap(
        &lang.pick(
            format!("{} {} (fördelning efter {basis})", a.id, a.name),
            format!("{} {} (split by {basis})", a.id, a.name),
        ),
        "- ",
        "  ",
    );
    s.push_str(&wrap(&own_split(ctx, ai, window_rows, all_rows), "  ", "  "));
    let units = units_line(ctx, if window_rows.is_empty() { all_rows } else { window_rows });
    s.push_str(&wrap(&units, "  ", "  "));
    let behind = sections::behind(ctx, ai);
    if !behind.is_empty() {
        s.push_str(&wrap(
            &lang.pick(
                format!(
                    "Nästa avrop bör gå till {} (ligger efter nyckeln under avtalet hittills).",
                    behind.join(" och ")
                ),
                format!(
                    "The next call-offs should go to {} (behind the key to date).",
                    behind.join(" and ")
                ),
            ),
            "  ",
            "  ",
        ));
    }
    s
}

/// Writes the draft of one section workbook, when its section has an
/// address; `workbook` is the file's bytes as written.
pub(crate) fn write(
    ctx: &Context,
    group: &Group,
    stem: &str,
    workbook: &[u8],
    folder: &Path,
    ceilings: &[&CeilingUse],
) -> Result<Option<PathBuf>> {
    let Some(to) = group.email.as_deref().and_then(mime::addresses) else {
        return Ok(None);
    };
    let file_name = format!("{stem}.xlsx");
    let now = chrono::Local::now();
    let message_id = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&group.name, now.timestamp_nanos_opt(), std::process::id()).hash(&mut h);
        format!("{}.{:016x}@avropskoll.invalid", now.format("%Y%m%d%H%M%S"), h.finish())
    };
    let body = body(ctx, group, &file_name, ceilings);
    let subject = subject(ctx, group);
    let date = now.to_rfc2822();
    let draft = Draft {
        to_name: group.head.as_deref().unwrap_or(""),
        to: &to,
        subject: &subject,
        date: &date,
        message_id: &message_id,
        body: &body,
        file_name: &file_name,
        content_type: mime::XLSX,
        attachment: workbook,
    };
    let path = folder.join(format!("{stem}.eml"));
    std::fs::write(&path, draft.render()).map_err(|e| Error::Output {
        path: path.clone(),
        message: crate::lang::Text::io(&e),
    })?;
    Ok(Some(path))
}

/// The ceilings of one section, in the order of `ctx.ceilings`.
pub(crate) fn ceilings_of<'a>(
    ctx: &'a Context,
    by_section: &HashMap<String, BTreeSet<usize>>,
    group: &Group,
) -> Vec<&'a CeilingUse> {
    by_section
        .get(&group.name)
        .map(|set| set.iter().filter_map(|&i| ctx.ceilings.get(i)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_wraps_at_72() {
        let text = "ord ".repeat(40);
        let w = wrap(&text, "- ", "  ");
        assert!(w.lines().all(|l| l.chars().count() <= WIDTH), "{w}");
        assert!(w.starts_with("- ord"));
        assert!(w.lines().skip(1).all(|l| l.starts_with("  ord")));
        // 40 words of 3 letters: 2 + 18 × 4 - 1 = 73 > 72 → 17 on the first line.
        assert_eq!(w.lines().next().map(|l| l.matches("ord").count()), Some(17));
    }

    #[test]
    fn key_shares_show_decimals_only_when_needed() {
        assert_eq!(key_text(50.0, Lang::Sv), "50 %");
        assert_eq!(key_text(33.33, Lang::Sv), "33,3 %");
        assert_eq!(key_text(20.0, Lang::En), "20%");
    }
}
