//! The forum report `forum-LABEL.html` for the managers' forum: one
//! self-contained page (inline CSS and SVG, no script, no external file),
//! readable on a projector and printing to A4 landscape with a page per
//! part: summary with what changed since the previous window, the
//! overview chart, each imbalanced agreement (suppliers, shares now and
//! before, trend, who sends work beyond the key), ceilings that need
//! attention, data quality in short.

use super::charts::{inline, percent, points};
use super::labels::{self, labels};
use super::{Context, ReportWriter};
use crate::allocate::compare::Change;
use crate::allocate::{AgreementShares, Scope, Status};
use crate::error::{Error, Result};
use crate::format::count;
use crate::format::kr;
use crate::lang::Lang;
use crate::parse::AMOUNT_SCALE;
use crate::register::Basis;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Writes the forum report.
pub struct ForumReport;

/// The file name of the forum report for a window label.
pub fn file_name(label: &str) -> String {
    format!("forum-{label}.html")
}

/// Text safe inside HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters from the input (NUL, escape) are dropped.
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A catch-up in the agreement's unit: kronor or whole call-offs.
fn catch_up_text(basis: Basis, value: f64, lang: Lang) -> String {
    match basis {
        Basis::Amount => kr((value * AMOUNT_SCALE as f64).round() as i128, 0, lang),
        Basis::Count => format!("{} {}", value.round() as i64, lang.pick("avrop", "call-offs")),
    }
}

mod rank;

const STYLE: &str = r#"
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #262626; margin: 0; font-size: 10.5pt; line-height: 1.35; }
section { padding: 4mm 6mm; }
section:first-of-type { break-after: page; page-break-after: always; }
h1, h2, h3, figcaption { break-after: avoid; page-break-after: avoid; }
h2 + p, h3 + p { break-inside: avoid; page-break-inside: avoid; break-after: avoid; page-break-after: avoid; }
figure, .pair, tr, .figures { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
h1 { font-size: 22pt; margin: 0 0 3mm; }
h2 { font-size: 16pt; margin: 0 0 3mm; }
h3 { font-size: 12pt; margin: 4mm 0 2mm; }
p { margin: 0 0 2.5mm; }
.lead { font-size: 13pt; }
.figures { display: flex; gap: 6mm; margin: 3mm 0 4mm; }
.figure { border-left: 5px solid #0072B2; padding: 1mm 3mm; }
.figure b { display: block; font-size: 20pt; }
ul.sentences { margin: 0 0 4mm; padding-left: 6mm; }
ul.sentences li { margin-bottom: 1.5mm; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 9.5pt; margin-bottom: 3mm; }
th, td { border-bottom: 1px solid #ddd; padding: 2px 5px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #D9E1F2; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.s-imbalance, .s-reached { background: #FFC7CE; color: #9C0006; }
.s-ok { background: #C6EFCE; color: #006100; }
.s-insufficient { background: #E7E6E6; color: #3A3838; }
.s-warning { background: #FFD8B0; color: #7A3E00; }
.s-forecast { background: #FFEB9C; color: #7A5C00; }
.pair { display: flex; gap: 4mm; }
.pair > div { flex: 1 1 0; min-width: 0; }
figure { margin: 0 0 3mm; }
figcaption { font-weight: bold; margin-bottom: 1mm; }
figure svg { width: 100%; height: auto; display: block; }
.pair figure svg { max-height: 80mm; }
figure.wide svg { max-height: 150mm; }
.note { color: #595959; font-style: italic; }
@media screen { body { font-size: 14pt; max-width: 1500px; margin: auto; } section { border-bottom: 3px solid #eee; padding: 10mm; } table { font-size: 12pt; } }
"#;

/// A table's opening: column widths in percent and the header cells.
pub(crate) fn table_head(widths: &[u32], heads: &[&str]) -> String {
    let cols: String = widths.iter().map(|w| format!("<col style=\"width:{w}%\">")).collect();
    let ths: String = heads.iter().map(|t| format!("<th>{}</th>", esc(t))).collect();
    format!("<table><colgroup>{cols}</colgroup><thead><tr>{ths}</tr></thead>")
}

/// A heading and a bulleted list, nothing when the list is empty.
fn list(h: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let items: String = items.iter().map(|l| format!("<li>{}</li>", esc(l))).collect();
    let _ = write!(h, "<h3>{}</h3><ul>{items}</ul>", esc(title));
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Ok => "s-ok",
        Status::Imbalance => "s-imbalance",
        Status::Insufficient => "s-insufficient",
    }
}

impl ReportWriter for ForumReport {
    fn name(&self) -> &'static str {
        "forum"
    }

    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        let path = dir.join(file_name(&ctx.allocation.window.label));
        let html = page(ctx)?;
        std::fs::write(&path, html).map_err(|e| Error::Output {
            path: path.clone(),
            message: crate::lang::Text::io(&e),
        })?;
        Ok(vec![path])
    }
}

/// The whole page.
pub fn page(ctx: &Context) -> Result<String> {
    let lang = ctx.lang;
    let w = &ctx.allocation.window;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        lang.pick("sv", "en"),
        esc(&lang.pick(
            format!("Chefsforum – ramavtalens fördelning {}", w.label),
            format!("Managers' forum – framework agreements {}", w.label)
        ))
    );
    summary(&mut h, ctx);
    let _ = writeln!(
        h,
        "<section><h2>{}</h2><figure class=\"wide\">{}</figure></section>",
        lang.pick(
            "Alla avtal: största avvikelse från nyckeln",
            "All agreements: largest deviation from the key"
        ),
        inline::overview_svg(ctx, (1600, 900))?
    );
    let imbalanced: Vec<&AgreementShares> = period(ctx)
        .filter(|s| s.status == Status::Imbalance && s.rank.is_none())
        .collect();
    for p in imbalanced {
        agreement_section(&mut h, ctx, p)?;
    }
    rank::sections(&mut h, ctx)?;
    rank::fku(&mut h, ctx);
    ceilings(&mut h, ctx)?;
    super::html_beside::section(&mut h, ctx);
    quality(&mut h, ctx);
    h.push_str("</body></html>\n");
    Ok(h)
}

fn period<'a>(ctx: &'a Context) -> impl Iterator<Item = &'a AgreementShares> + 'a {
    ctx.allocation.period()
}

/// One plain sentence per imbalanced agreement: who got too much, who
/// needs how much for the key to be restored.
pub fn sentence(ctx: &Context, p: &AgreementShares) -> String {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[p.agreement];
    if a.is_rank() {
        return rank::sentence(ctx, p);
    }
    let over = p
        .suppliers
        .iter()
        .filter(|s| s.deviation_pp.is_some())
        .max_by(|x, y| x.deviation_pp.unwrap_or(0.0).total_cmp(&y.deviation_pp.unwrap_or(0.0)));
    let under = p
        .suppliers
        .iter()
        .filter(|s| s.catch_up > 0.0)
        .max_by(|x, y| x.catch_up.total_cmp(&y.catch_up));
    let mut text = format!("{}: ", a.name);
    if let Some(o) = over {
        let sup = &a.suppliers[o.supplier];
        let _ = write!(
            text,
            "{}",
            lang.pick(
                format!(
                    "{} fick {} mot avtalade {}",
                    sup.name,
                    percent(o.actual_pct.unwrap_or(0.0), 1, lang),
                    percent(sup.share, 0, lang)
                ),
                format!(
                    "{} got {} against the agreed {}",
                    sup.name,
                    percent(o.actual_pct.unwrap_or(0.0), 1, lang),
                    percent(sup.share, 0, lang)
                )
            )
        );
    }
    if let Some(u) = under {
        let sup = &a.suppliers[u.supplier];
        let _ = write!(
            text,
            "{}",
            lang.pick(
                format!(
                    "; {} behöver {} för att nyckeln ska återställas",
                    sup.name,
                    catch_up_text(a.basis, u.catch_up, lang)
                ),
                format!(
                    "; {} needs {} for the key to be restored",
                    sup.name,
                    catch_up_text(a.basis, u.catch_up, lang)
                )
            )
        );
    }
    text
}

fn summary(h: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let w = &ctx.allocation.window;
    let all: Vec<&AgreementShares> = period(ctx).collect();
    let imbalanced = all.iter().filter(|p| p.status == Status::Imbalance).count();
    let prev = ctx.comparison.map(|c| c.previous.label.clone());
    let (new, resolved) = ctx.comparison.map_or((0, 0), |c| c.counts(ctx.allocation));
    let _ = write!(
        h,
        "<section><h1>{}</h1><p class=\"lead\">{}</p>",
        esc(&lang.pick(
            format!("Ramavtalens fördelning – {}", w.label),
            format!("The framework agreements' split – {}", w.label)
        )),
        esc(&lang.pick(
            format!(
                "Perioden {} ({} – {}), jämfört med {}. Data till och med {}.",
                w.label,
                w.start,
                w.end,
                prev.clone().unwrap_or_else(|| "-".into()),
                ctx.info.latest_date.map(|d| d.to_string()).unwrap_or_default()
            ),
            format!(
                "The window {} ({} – {}), compared with {}. Data up to {}.",
                w.label,
                w.start,
                w.end,
                prev.clone().unwrap_or_else(|| "-".into()),
                ctx.info.latest_date.map(|d| d.to_string()).unwrap_or_default()
            )
        ))
    );
    let _ = write!(
        h,
        "<div class=\"figures\"><div class=\"figure\"><b>{imbalanced} {}</b>{} {}</div><div class=\"figure\"><b>{new}</b>{}</div><div class=\"figure\"><b>{resolved}</b>{}</div></div>",
        lang.pick("av", "of"),
        all.len(),
        lang.pick("avtal i obalans", "agreements out of balance"),
        esc(&lang.pick(
            format!("nya obalanser sedan {}", prev.clone().unwrap_or_default()),
            format!("new imbalances since {}", prev.clone().unwrap_or_default())
        )),
        esc(&lang.pick(
            format!("åtgärdade sedan {}", prev.clone().unwrap_or_default()),
            format!("resolved since {}", prev.clone().unwrap_or_default())
        )),
    );
    summary_sentences(h, ctx, &all);
    summary_table(h, ctx, &all);
}

/// One sentence per imbalanced agreement, or why there are none.
fn summary_sentences(h: &mut String, ctx: &Context, all: &[&AgreementShares]) {
    let lang = ctx.lang;
    let sentences: Vec<String> = all
        .iter()
        .filter(|p| p.status == Status::Imbalance)
        .map(|p| format!("<li>{}</li>", esc(&sentence(ctx, p))))
        .collect();
    let judged = all.iter().filter(|p| p.status != Status::Insufficient).count();
    if sentences.is_empty() && judged == 0 && !all.is_empty() {
        let _ = write!(
            h,
            "<p>{}</p>",
            lang.pick(
                "Inget avtal har tillräckligt underlag under perioden för en bedömning.",
                "No agreement has enough call-offs in the window to be judged."
            )
        );
    } else if sentences.is_empty() {
        let _ = write!(
            h,
            "<p>{}</p>",
            lang.pick(
                "Inget avtal är i obalans under perioden.",
                "No agreement is out of balance in the window."
            )
        );
    } else {
        let _ = write!(h, "<ul class=\"sentences\">{}</ul>", sentences.join(""));
    }
}

/// The agreements of the window: status, largest deviation, the previous
/// window, the change and the ceiling.
fn summary_table(h: &mut String, ctx: &Context, all: &[&AgreementShares]) {
    let lang = ctx.lang;
    let changes: Vec<Change> = match ctx.comparison {
        Some(c) => all.iter().map(|p| c.change(p)).collect(),
        None => Vec::new(),
    };
    let heads: [&str; 7] = lang.pick(
        [
            "Avtal",
            "Benämning",
            "Status",
            "Största avvikelse",
            "Förra perioden",
            "Förändring",
            "Takvolym",
        ],
        [
            "Agreement",
            "Name",
            "Status",
            "Largest deviation",
            "Previous window",
            "Change",
            "Ceiling",
        ],
    );
    h.push_str(&table_head(&[12, 22, 12, 12, 14, 12, 16], &heads));
    for (k, p) in all.iter().enumerate() {
        let a = &ctx.register.agreements[p.agreement];
        let before = ctx.comparison.and_then(|c| c.of(p.agreement));
        let ceiling = ctx
            .ceilings
            .iter()
            .find(|u| u.agreement == p.agreement)
            .map(|u| {
                format!(
                    "<td class=\"s-{}\">{} ({})</td>",
                    u.status.key(),
                    esc(labels::ceiling_status(lang, u.status)),
                    esc(&percent(u.used_pct, 1, lang))
                )
            })
            .unwrap_or_else(|| "<td></td>".into());
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td>{ceiling}</tr>",
            esc(&a.id),
            esc(&a.name),
            status_class(p.status),
            esc(labels::status(lang, p.status)),
            esc(&largest(p, lang)),
            esc(&before
                .map(|b| format!(
                    "{}{}",
                    labels::status(lang, b.status),
                    b.largest_deviation().map(|d| format!(" ({})", points(d, lang))).unwrap_or_default()
                ))
                .unwrap_or_else(|| lang.pick("gällde inte", "not valid").to_string())),
            esc(changes.get(k).map_or("", |c| labels::change(lang, *c))),
        );
    }
    h.push_str("</table></section>\n");
}

/// The summary's largest deviation, or a rank order's undocumented skips.
fn largest(p: &AgreementShares, lang: Lang) -> String {
    match &p.rank {
        Some(r) => r
            .skip_pct
            .map(|v| {
                lang.pick(
                    format!("avsteg {}", percent(v, 1, lang)),
                    format!("skips {}", percent(v, 1, lang)),
                )
            })
            .unwrap_or_default(),
        None => p.largest_deviation().map(|d| points(d, lang)).unwrap_or_default(),
    }
}

fn agreement_section(h: &mut String, ctx: &Context, p: &AgreementShares) -> Result<()> {
    let a = &ctx.register.agreements[p.agreement];
    let _ = write!(
        h,
        "<section><h2>{} {}</h2><p>{}</p>",
        esc(&a.id),
        esc(&a.name),
        esc(&sentence(ctx, p))
    );
    compared_line(h, ctx, p);
    shares_table(h, ctx, p);
    share_figures(h, ctx, p)?;
    // Who sends work beyond the key (rule 10), window.
    if let Some(u) = ctx.usage.iter().find(|u| {
        ctx.allocation
            .shares
            .get(u.shares)
            .is_some_and(|s| s.scope == Scope::Period && s.agreement == p.agreement)
    }) {
        let lang = ctx.lang;
        let units = lang.pick(
            "Ansvar som skickar arbete utöver nyckeln",
            "Units sending work beyond the key",
        );
        let orderers = lang.pick(
            "Beställare som skickar arbete utöver nyckeln",
            "Orderers sending work beyond the key",
        );
        usage_table(h, ctx, units, &u.by_unit, true);
        usage_table(h, ctx, orderers, &u.by_orderer, false);
    }
    h.push_str("</section>\n");
    Ok(())
}

/// The change since the previous window (rule 12), when there is one.
fn compared_line(h: &mut String, ctx: &Context, p: &AgreementShares) {
    let lang = ctx.lang;
    if let Some(c) = ctx.comparison {
        let before = c.of(p.agreement);
        let then = before
            .and_then(|b| b.largest_deviation())
            .map(|d| points(d, lang))
            .unwrap_or_else(|| "-".into());
        let now = p.largest_deviation().map(|d| points(d, lang)).unwrap_or_default();
        let _ = write!(
            h,
            "<p><b>{}</b></p>",
            esc(&lang.pick(
                format!(
                    "Jämfört med {}: {} – största avvikelse {then} då, {now} nu.",
                    c.previous.label,
                    labels::change(lang, c.change(p))
                ),
                format!(
                    "Compared with {}: {} – largest deviation {then} then, {now} now.",
                    c.previous.label,
                    labels::change(lang, c.change(p))
                )
            ))
        );
    }
}

/// The suppliers' key, share, deviation and catch-up (window and to date).
fn shares_table(h: &mut String, ctx: &Context, p: &AgreementShares) {
    let lang = ctx.lang;
    let l = labels(lang);
    let a = &ctx.register.agreements[p.agreement];
    let to_date = ctx.allocation.of(p.agreement, Scope::ToDate);
    let catch_head = match a.basis {
        Basis::Amount => l.catch_up_sek,
        Basis::Count => l.catch_up_count,
    };
    let heads = [
        l.supplier.to_string(),
        l.agreed.to_string(),
        l.actual.to_string(),
        l.deviation.to_string(),
        catch_head.to_string(),
        lang.pick(format!("{catch_head}, hittills"), format!("{catch_head}, to date")),
    ];
    let _ = write!(
        h,
        "<table><colgroup><col style=\"width:30%\"><col style=\"width:11%\"><col style=\"width:11%\"><col style=\"width:12%\"><col style=\"width:18%\"><col style=\"width:18%\"></colgroup><thead><tr>{}</tr></thead>",
        heads
            .iter()
            .enumerate()
            .map(|(i, t)| format!("<th{}>{}</th>", if i > 0 { " class=\"num\"" } else { "" }, esc(t)))
            .collect::<String>()
    );
    for s in &p.suppliers {
        let sup = &a.suppliers[s.supplier];
        let later = to_date.and_then(|t| t.suppliers.iter().find(|x| x.supplier == s.supplier));
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num {}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&sup.name),
            esc(&percent(sup.share, 1, lang)),
            esc(&s.actual_pct.map(|v| percent(v, 1, lang)).unwrap_or_default()),
            status_class(s.status),
            esc(&s.deviation_pp.map(|d| points(d, lang)).unwrap_or_default()),
            esc(&catch_up_text(a.basis, s.catch_up, lang)),
            esc(&later.map(|t| catch_up_text(a.basis, t.catch_up, lang)).unwrap_or_default()),
        );
    }
    h.push_str("</table>");
}

/// The shares now and in the previous window side by side, and the trend.
fn share_figures(h: &mut String, ctx: &Context, p: &AgreementShares) -> Result<()> {
    let lang = ctx.lang;
    let now = inline::shares_svg(ctx, p, &ctx.allocation.window.label, (1100, 700))?;
    let before = match ctx.comparison.and_then(|c| c.of(p.agreement).map(|b| (c, b))) {
        Some((c, b)) => inline::shares_svg(ctx, b, &c.previous.label, (1100, 700))?,
        None => format!(
            "<p class=\"note\">{}</p>",
            lang.pick(
                "Avtalet gällde inte förra perioden.",
                "The agreement was not valid in the previous window."
            )
        ),
    };
    let prev_label = ctx.comparison.map(|c| c.previous.label.clone()).unwrap_or_default();
    let _ = write!(
        h,
        "<div class=\"pair\"><div><figure><figcaption>{}</figcaption>{now}</figure></div><div><figure><figcaption>{}</figcaption>{before}</figure></div></div>",
        esc(&lang.pick(
            format!("Perioden {}", ctx.allocation.window.label),
            format!("Window {}", ctx.allocation.window.label)
        )),
        esc(&lang.pick(format!("Förra perioden {prev_label}"), format!("Previous window {prev_label}"))),
    );
    if let Some(trend) = inline::trend_svg(ctx, p.agreement, (1600, 650))? {
        let _ = write!(h, "<figure>{trend}</figure>");
    }
    Ok(())
}

/// Rule 10's table of units (with their names and, given an organisation
/// file, sections) or orderers: the first ten with an excess.
fn usage_table(h: &mut String, ctx: &Context, title: &str, list: &[crate::allocate::usage::Usage], units: bool) {
    let lang = ctx.lang;
    let l = labels(lang);
    let rows: Vec<_> = list.iter().filter(|x| x.excess >= 0.5).take(10).collect();
    if rows.is_empty() {
        return;
    }
    let (who, nobody) = if units {
        (l.unit, l.no_unit)
    } else {
        (l.orderer, l.no_orderer)
    };
    // The section column only with an organisation file.
    let with_section = units && ctx.organisation.is_some();
    let section_head = if with_section {
        format!("<th>{}</th>", esc(lang.pick("Sektion", "Section")))
    } else {
        String::new()
    };
    let _ = write!(
        h,
        "<h3>{}</h3><table><thead><tr><th>{}</th>{section_head}<th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead>",
        esc(title),
        esc(who),
        esc(l.total),
        esc(l.excess)
    );
    for x in rows {
        let name = ctx.who_text(x.who, x.row);
        let unit_shown = if units {
            ctx.unit_shown(x.who.sym().unwrap_or(0))
        } else {
            name.clone()
        };
        let shown = if name.is_empty() { nobody } else { &unit_shown };
        let section = match ctx.organisation.filter(|_| with_section) {
            Some(o) => format!("<td>{}</td>", esc(o.section_of(&name).map_or("", |s| s.name.as_str()))),
            None => String::new(),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td>{section}<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(shown),
            esc(&kr(x.total as i128, 0, lang)),
            esc(&kr((x.excess * AMOUNT_SCALE as f64).round() as i128, 0, lang)),
        );
    }
    h.push_str("</table>");
}

fn ceilings(h: &mut String, ctx: &Context) -> Result<()> {
    let lang = ctx.lang;
    let flagged: Vec<_> = ctx.ceilings.iter().filter(|u| u.status.needs_attention()).collect();
    if flagged.is_empty() && ctx.life.ending_soon.is_empty() && ctx.life.ended_in_use.is_empty() {
        return Ok(());
    }
    let _ = write!(
        h,
        "<section><h2>{}</h2><p>{}</p>",
        lang.pick("Avtal nära takvolymen eller slutet", "Agreements near their ceiling or end"),
        esc(lang.pick(
            "När takvolymen är nådd har avtalet upphört att gälla: senare avrop är otillåtna direktupphandlingar. Använt räknas på de lästa exporterna; saknas månader är siffran en undre gräns.",
            "Once the ceiling is reached the agreement has ceased to have effect: later call-offs are unlawful direct awards. Used counts the exports read; where months are missing it is a lower bound."
        ))
    );
    if !flagged.is_empty() {
        ceiling_table(h, ctx, &flagged);
    }
    list(
        h,
        lang.pick("Avtalens löptid", "The agreements' life"),
        &life_lines(ctx),
    );
    h.push_str("</section>\n");
    Ok(())
}

/// The ceilings needing attention (rule 11), one row each.
fn ceiling_table(h: &mut String, ctx: &Context, flagged: &[&crate::allocate::ceiling::CeilingUse]) {
    let lang = ctx.lang;
    let heads: [&str; 7] = lang.pick(
        [
            "Avtal",
            "Takvolym",
            "Använt",
            "Avtalstid som gått",
            "Prognos",
            "Status",
            "Anmärkning",
        ],
        [
            "Agreement",
            "Ceiling",
            "Used",
            "Time elapsed",
            "Forecast",
            "Status",
            "Note",
        ],
    );
    h.push_str(&table_head(&[18, 13, 17, 9, 10, 12, 21], &heads));
    for u in flagged {
        let a = &ctx.register.agreements[u.agreement];
        let mut notes = vec![labels::coverage_note(lang, &u.missing_months)];
        if u.ceiling.shared {
            notes.push(
                lang.pick(
                    "delad takvolym: verklig användning är högre",
                    "shared ceiling: real use is higher",
                )
                .into(),
            );
        }
        if let Some(r) = u.reached_on {
            notes.push(lang.pick(
                format!(
                    "nådd {r}; {} avrop för {} efter det",
                    u.after_reached_rows,
                    kr(u.after_reached_amount as i128, 0, lang)
                ),
                format!(
                    "reached {r}; {} call-offs for {} after it",
                    u.after_reached_rows,
                    kr(u.after_reached_amount as i128, 0, lang)
                ),
            ));
        }
        notes.retain(|n| !n.is_empty());
        let _ = write!(
                h,
                "<tr><td>{} {}</td><td class=\"num\">{}</td><td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td>{}</td><td class=\"s-{}\">{}</td><td>{}</td></tr>",
                esc(&a.id),
                esc(&a.name),
                esc(&kr(u.ceiling.ceiling as i128, 0, lang)),
                esc(&kr(u.used as i128, 0, lang)),
                esc(&percent(u.used_pct, 1, lang)),
                esc(&percent(u.elapsed_pct, 1, lang)),
                esc(&labels::forecast(lang, u.forecast_date, a.valid_to)),
                u.status.key(),
                esc(labels::ceiling_status(lang, u.status)),
                esc(&notes.join("; ")),
            );
    }
    h.push_str("</table>");
}

/// Agreements ending soon, and ended ones still called off from.
fn life_lines(ctx: &Context) -> Vec<String> {
    let lang = ctx.lang;
    let mut lines: Vec<String> = Vec::new();
    for &i in &ctx.life.ending_soon {
        let a = &ctx.register.agreements[i];
        lines.push(lang.pick(
            format!(
                "{} {} löper ut {} – en ny upphandling behöver vara igång.",
                a.id, a.name, a.valid_to
            ),
            format!(
                "{} {} ends {} – a new procurement needs to be under way.",
                a.id, a.name, a.valid_to
            ),
        ));
    }
    for late in &ctx.life.ended_in_use {
        let a = &ctx.register.agreements[late.agreement];
        lines.push(lang.pick(
            format!(
                "{} {} upphörde {} men har {} avrop för {} efter det.",
                a.id,
                a.name,
                a.valid_to,
                late.rows,
                kr(late.amount as i128, 0, lang)
            ),
            format!(
                "{} {} ended {} but has {} call-offs for {} after it.",
                a.id,
                a.name,
                a.valid_to,
                late.rows,
                kr(late.amount as i128, 0, lang)
            ),
        ));
    }
    lines
}

fn quality(h: &mut String, ctx: &Context) {
    let lang = ctx.lang;
    let l = labels(lang);
    let _ = write!(
        h,
        "<section><h2>{}</h2><table><colgroup><col style=\"width:50%\"><col style=\"width:20%\"><col style=\"width:30%\"></colgroup><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead>",
        lang.pick("Datakvalitet i korthet", "Data quality in short"),
        esc(l.category),
        esc(l.rows),
        esc(l.amount)
    );
    let mut names: Vec<&str> = vec![l.read, l.in_agreements, l.outside_agreements];
    names.extend(
        crate::classify::Category::ALL
            .iter()
            .map(|c| labels::category(lang, *c)),
    );
    for (name, (_, t)) in names.iter().zip(ctx.reconciliation.lines()) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(name),
            esc(&count(t.rows, lang).replace('\u{a0}', " ")),
            esc(&kr(t.amount, 2, lang).replace('\u{a0}', " "))
        );
    }
    let _ = write!(
        h,
        "</table><p>{}</p>",
        esc(&if ctx.reconciliation.balances() {
            lang.pick(
                "Varje läst rad hamnar på exakt en rad ovan: avstämningen stämmer.",
                "Every row read lands in exactly one line above: the reconciliation adds up.",
            )
            .to_string()
        } else {
            lang.pick("Avstämningen stämmer inte.", "The reconciliation does not add up.")
                .to_string()
        })
    );
    let files: Vec<String> = ctx
        .exports
        .files
        .iter()
        .map(|f| format!("{} ({})", f.display, count(f.rows as u64, lang).replace('\u{a0}', " ")))
        .collect();
    let _ = write!(
        h,
        "<h3>{}</h3><p>{}</p>",
        esc(&lang.pick(
            format!("Lästa filer ({})", files.len()),
            format!("Files read ({})", files.len())
        )),
        esc(&files.join(", "))
    );
    let skipped: Vec<String> = ctx
        .exports
        .skipped
        .iter()
        .map(|x| format!("{}: {}", x.file, x.reason))
        .collect();
    list(h, lang.pick("Filer som inte lästes", "Files not read"), &skipped);
    list(h, lang.pick("Varningar", "Warnings"), &ctx.info.warnings);
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kronor_for_people() {
        assert_eq!(kr(17_055_184_700, 0, Lang::Sv), "1 705 518 kr");
        assert_eq!(kr(17_055_184_700, 2, Lang::Sv), "1\u{a0}705\u{a0}518,47 kr");
        assert_eq!(kr(17_055_185_000, 0, Lang::En), "1,705,519 SEK");
        assert_eq!(kr(-5_000, 0, Lang::Sv), "-1 kr");
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
