//! The section workbooks (`sektioner/`): with an organisation file one per
//! section, named after it, with the section head on its first page;
//! without one, one per unit that used an agreement in imbalance. Each
//! says in two sentences what the list is and what the section is asked
//! to do, then per imbalanced agreement the section's split against the
//! key (window and to date), its units (those in balance marked OK) and
//! orderers with their excess beyond the key, and the call-offs row by
//! row.

use super::drafts;
use super::labels::{labels, Labels};
use super::mime;
use super::sheet::{self, header_row, print_setup, xlsx_err, Formats};
use super::xlsx::{excel_date, kronor, ore};
use super::{Context, ReportWriter};
use crate::allocate::section::{self, Split};
use crate::allocate::usage::over_served;
use crate::allocate::{AgreementShares, Scope};
use crate::classify::Outcome;
use crate::error::{Error, Result};

use crate::parse;
use crate::read::Field;

use rayon::prelude::*;
use rust_xlsxwriter::{FormatAlign, Table, TableColumn, Workbook, Worksheet, XlsxError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

pub(crate) mod rank;

/// Writes the section workbooks.
pub struct SectionReport;

/// The folder the section workbooks go to.
pub const FOLDER: &str = "sektioner";

/// Call-offs on one sheet at most (Excel's limit is 1 048 576 rows).
pub const ROWS_PER_SHEET: usize = 1_000_000;

/// Units or orderers listed per agreement (the largest excess first).
const SHOWN: usize = 15;

/// The workbook name for units missing from the organisation file.
pub const NO_SECTION: &str = "Utan sektion";

/// One section workbook: who it is for and the rows it covers.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// The section (or unit) name, also the file name.
    pub name: String,
    /// The section head, with an organisation file.
    pub head: Option<String>,
    pub email: Option<String>,
    /// Rows (indices into the exports) counted for imbalanced agreements,
    /// dated up to the window's end.
    pub rows: Vec<usize>,
    /// Its rows beside the agreements (indices into the beside rows).
    pub beside: Vec<usize>,
}

/// Which agreements (by index) are in imbalance in the window: looked up
/// once a row.
fn imbalanced(ctx: &Context) -> Vec<bool> {
    let mut mask = vec![false; ctx.register.agreements.len()];
    for a in ctx.allocation.imbalanced() {
        if let Some(slot) = mask.get_mut(a) {
            *slot = true;
        }
    }
    mask
}

/// The workbook a unit's rows go to: its section's (organisation file),
/// else its own.
pub(crate) fn group_name(ctx: &Context, unit: crate::read::Sym) -> String {
    let unit = ctx.text(unit);
    match ctx.organisation {
        Some(org) => org
            .section_of(unit)
            .map_or_else(|| NO_SECTION.to_string(), |s| s.name.clone()),
        None => unit.to_string(),
    }
}

/// The workbooks to write: per section (organisation file) or per unit.
pub fn groups(ctx: &Context) -> Vec<Group> {
    let window = &ctx.allocation.window;
    let imbalanced = imbalanced(ctx);
    let mut by_name: BTreeMap<String, Group> = BTreeMap::new();
    if let Some(org) = ctx.organisation {
        for s in &org.sections {
            by_name.insert(
                s.name.clone(),
                Group {
                    name: s.name.clone(),
                    head: Some(s.head.clone()).filter(|h| !h.is_empty()),
                    email: s.email.clone(),
                    rows: Vec::new(),
                    beside: Vec::new(),
                },
            );
        }
    }
    let mut used_in_window: HashSet<String> = HashSet::new();
    let (start, end) = (parse::date_to_days(window.start), parse::date_to_days(window.end));
    // The rows per unit first (whether one is in the window), then each
    // unit's rows to its group: a group's name is worked out once a unit.
    type PerUnit = HashMap<crate::read::Sym, (bool, Vec<usize>), foldhash::fast::RandomState>;
    let rows = &ctx.exports.rows;
    let piece = |mut per_unit: PerUnit, range: std::ops::Range<usize>| {
        for (i, agreement, _) in ctx.classified.counted_in(range) {
            let (_, Some(day), _) = rows.basics(i) else {
                continue;
            };
            // FKU call-offs (rule 14) take no part in the key.
            let listed = imbalanced.get(agreement.index()).copied().unwrap_or(false);
            if !listed || day > end || ctx.fku.rows.contains(i) {
                continue;
            }
            let (used, list) = per_unit.entry(rows.buyer(i)[0]).or_default();
            *used |= day >= start;
            list.push(i);
        }
        per_unit
    };
    let per_unit = rows.fold(PerUnit::default, piece, |mut a, b| {
        for (unit, (used, list)) in b {
            let e = a.entry(unit).or_default();
            e.0 |= used;
            e.1.extend(list);
        }
        a
    });
    for (unit, (used, list)) in per_unit {
        let name = group_name(ctx, unit);
        if used {
            used_in_window.insert(name.clone());
        }
        by_name
            .entry(name.clone())
            .or_insert_with(|| Group {
                name,
                ..Group::default()
            })
            .rows
            .extend(list);
    }
    // Several units' rows in a group: back in row order.
    by_name.values_mut().for_each(|g| g.rows.sort_unstable());
    super::sections_beside::add_groups(ctx, &mut by_name, &mut used_in_window);
    by_name
        .into_values()
        // Without an organisation file only units that used an imbalanced
        // agreement in the window get a workbook.
        .filter(|g| ctx.organisation.is_some() || used_in_window.contains(&g.name))
        .collect()
}

impl ReportWriter for SectionReport {
    fn name(&self) -> &'static str {
        "sections"
    }

    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        let groups = groups(ctx);
        if groups.is_empty() {
            return Ok(Vec::new());
        }
        let folder = dir.join(FOLDER);
        std::fs::create_dir_all(&folder).map_err(|e| Error::Output {
            path: folder.clone(),
            message: crate::lang::Text::io(&e),
        })?;
        let l = labels(ctx.lang);
        // File names first (in name order, so they are the same every run),
        // then the workbooks side by side.
        let mut taken = HashSet::new();
        let fallback = ctx.lang.pick("utan-enhet", "no-unit");
        let jobs: Vec<(String, &Group)> = groups
            .iter()
            .map(|g| (sheet::file_stem(&g.name, fallback, &mut taken), g))
            .collect();
        // With an organisation file, a mail draft beside each workbook
        // whose section has an address.
        let drafts_folder = folder.join(drafts::FOLDER);
        let with_drafts = ctx.organisation.is_some_and(|org| drafts::count(org) > 0);
        if with_drafts {
            std::fs::create_dir_all(&drafts_folder).map_err(|e| Error::Output {
                path: drafts_folder.clone(),
                message: crate::lang::Text::io(&e),
            })?;
        }
        let ceilings = drafts::ceilings_by_section(ctx);
        let written: Vec<Vec<PathBuf>> = jobs
            .par_iter()
            .map(|(stem, group)| {
                let path = folder.join(format!("{stem}.xlsx"));
                let mut wb = group_workbook(ctx, group, l).map_err(xlsx_err(&path))?;
                let draft = with_drafts && group.email.as_deref().and_then(mime::addresses).is_some();
                if !draft {
                    super::sheet::save_workbook(&mut wb, &path)?;
                    return Ok(vec![path]);
                }
                // The draft attaches the very bytes written.
                let bytes = wb.save_to_buffer().map_err(xlsx_err(&path))?;
                std::fs::write(&path, &bytes).map_err(|e| Error::Output {
                    path: path.clone(),
                    message: crate::lang::Text::io(&e),
                })?;
                let own = drafts::ceilings_of(ctx, &ceilings, group);
                let mut files = vec![path];
                files.extend(drafts::write(ctx, group, stem, &bytes, &drafts_folder, &own)?);
                Ok(files)
            })
            .collect::<Result<_>>()?;
        Ok(written.into_iter().flatten().collect())
    }
}

fn group_workbook(ctx: &Context, group: &Group, l: &Labels) -> Result<Workbook, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // Many small workbooks: fast compression is most of the time saved.
    wb.set_zip_compression_level(1);
    let in_window = rows_in_window(ctx, group);
    summary_sheet(wb.add_worksheet(), ctx, group, &in_window, &f, l)?;
    // Excel holds 1 048 576 rows a sheet: a longer list goes on to more
    // sheets, nothing is cut.
    let parts = in_window.chunks(ROWS_PER_SHEET).count();
    for (k, part) in in_window.chunks(ROWS_PER_SHEET).enumerate() {
        let name = if parts > 1 {
            format!("{} ({} {} {parts})", l.section_calls, k + 1, ctx.lang.pick("av", "of"))
        } else {
            l.section_calls.to_string()
        };
        calls_sheet(wb.add_worksheet(), &name, ctx, part, &f, l)?;
    }
    if in_window.is_empty() {
        calls_sheet(wb.add_worksheet(), l.section_calls, ctx, &[], &f, l)?;
    }
    super::sections_beside::beside_sheet(&mut wb, ctx, group, &f, l)?;
    Ok(wb)
}

/// The suppliers behind the key (to date, else in the window) of an
/// agreement: where the section's next call-offs should go.
/// None when the agreement's ceiling is reached: no more call-offs at all.
pub(crate) fn behind<'a>(ctx: &'a Context, agreement: usize) -> Vec<&'a str> {
    if ctx.ceiling_reached(agreement) {
        return Vec::new();
    }
    let Some(shares) = shares_of(ctx, agreement, Scope::ToDate).or(shares_of(ctx, agreement, Scope::Period)) else {
        return Vec::new();
    };
    let ag = &ctx.register.agreements[agreement];
    shares
        .suppliers
        .iter()
        .filter(|s| s.catch_up > 0.0)
        .map(|s| ag.suppliers[s.supplier].name.as_str())
        .collect()
}

/// The rows of a group dated in the window.
fn rows_in_window(ctx: &Context, group: &Group) -> Vec<usize> {
    let window = &ctx.allocation.window;
    group
        .rows
        .iter()
        .copied()
        .filter(|&i| {
            ctx.exports
                .rows
                .at(i)
                .date
                .is_some_and(|d| window.contains(parse::days_to_date(d)))
        })
        .collect()
}

/// The group's rows per agreement: (in the window, to date).
pub(crate) type PerAgreement = BTreeMap<usize, (Vec<usize>, Vec<usize>)>;

/// The group's rows per agreement, once (window, to date): each block
/// reads only its own.
pub(crate) fn rows_per_agreement(ctx: &Context, group: &Group) -> PerAgreement {
    rows_per_agreement_in(ctx, group, &rows_in_window(ctx, group))
}

fn rows_per_agreement_in(ctx: &Context, group: &Group, in_window: &[usize]) -> PerAgreement {
    let mut per = PerAgreement::new();
    for &i in &group.rows {
        if let Outcome::InAgreement { agreement, .. } = ctx.classified.outcomes[i] {
            let e = per.entry(agreement.index()).or_default();
            e.1.push(i);
            // Both lists are in row order: a binary search, not a scan.
            if in_window.binary_search(&i).is_ok() {
                e.0.push(i);
            }
        }
    }
    per
}

/// The summary sheet's column widths (A–H).
const SUMMARY_WIDTHS: [f64; 8] = [34.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0, 26.0];

/// The group's split of one agreement over some of its rows.
pub(crate) fn split(ctx: &Context, agreement: usize, rows: &[usize]) -> Split {
    let n = ctx.register.agreements[agreement].suppliers.len();
    Split::of(ctx.exports, ctx.classified, (agreement, n), rows)
}

fn shares_of<'a>(ctx: &'a Context, agreement: usize, scope: Scope) -> Option<&'a AgreementShares> {
    ctx.allocation.of(agreement, scope)
}

/// The group's name in its title: a section's, or a unit's with its name.
fn title_name<'g>(ctx: &Context, group: &'g Group) -> std::borrow::Cow<'g, str> {
    if ctx.organisation.is_some() {
        std::borrow::Cow::Borrowed(&group.name)
    } else {
        ctx.unit_shown_text(&group.name)
    }
}

fn summary_sheet(
    ws: &mut Worksheet,
    ctx: &Context,
    group: &Group,
    in_window: &[usize],
    f: &Formats,
    l: &Labels,
) -> Result<(), XlsxError> {
    ws.set_name(l.overview)?;
    let r = summary_head(ws, ctx, group, f, l)?;
    // Which agreements the group used, in register order.
    let mut agreements: Vec<usize> = group
        .rows
        .iter()
        .filter_map(|&i| match ctx.classified.outcomes[i] {
            Outcome::InAgreement { agreement, .. } => Some(agreement.index()),
            _ => None,
        })
        .collect();
    agreements.sort_unstable();
    agreements.dedup();
    let mut r = instructions(ws, ctx, (&agreements, in_window), r, f, l)?;
    r += 1;
    let per = rows_per_agreement_in(ctx, group, in_window);
    for (&ai, (window_rows, all_rows)) in &per {
        r = if ctx.register.agreements[ai].is_rank() {
            rank::block(ws, ctx, window_rows, ai, r, f, l)?
        } else {
            agreement_block(ws, ctx, (window_rows, all_rows), ai, r, f, l)?
        };
    }
    for (c, w) in SUMMARY_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    print_setup(ws, None, l)
}

/// Long texts wrap within the tables' width (columns A–H): none widens the
/// printed page.
const SUMMARY_SPAN: (u16, u16) = (0, 7);

/// The workbook's title, its section head and the window; returns the
/// next free row.
fn summary_head(ws: &mut Worksheet, ctx: &Context, group: &Group, f: &Formats, l: &Labels) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let w = &ctx.allocation.window;
    let (span, width) = (SUMMARY_SPAN, SUMMARY_WIDTHS.iter().sum::<f64>());
    sheet::long_text(
        ws,
        0,
        span,
        width * 0.7,
        &format!("{} – {}", title_name(ctx, group), l.section_title),
        &f.title,
    )?;
    let mut r = 1u32;
    if let Some(head) = &group.head {
        let email = group.email.as_ref().map(|e| format!(" ({e})")).unwrap_or_default();
        sheet::long_text(
            ws,
            r,
            span,
            width,
            &format!("{}: {head}{email}", lang.pick("Sektionschef", "Section head")),
            &f.label,
        )?;
        r += 1;
    }
    ws.write_string_with_format(
        r,
        0,
        format!("{} {} ({} – {})", l.window, w.label, w.start, w.end),
        &f.note,
    )?;
    Ok(r + 1)
}

/// The two sentences (what this is, what to do), a rank order's ask, and a
/// stop for each reached ceiling; returns the next free row.
fn instructions(
    ws: &mut Worksheet,
    ctx: &Context,
    (agreements, in_window): (&[usize], &[usize]),
    mut r: u32,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let (span, width) = (SUMMARY_SPAN, SUMMARY_WIDTHS.iter().sum::<f64>());
    // The two sentences: what this is, what to do.
    sheet::long_text(
        ws,
        r,
        span,
        width,
        lang.pick(
            "Listan visar hur sektionens avrop på ramavtal i obalans fördelar sig mellan leverantörerna, jämfört med avtalets fördelningsnyckel, för perioden och hittills under avtalet.",
            "The list shows how the section's call-offs under agreements out of balance are split between the suppliers, against the agreement's key, for the window and to date.",
        ),
        &rust_xlsxwriter::Format::new(),
    )?;
    r += 1;
    let asks: Vec<String> = agreements
        .iter()
        .filter_map(|&a| {
            let behind = behind(ctx, a);
            let ag = &ctx.register.agreements[a];
            (!behind.is_empty())
                .then(|| format!("{} ({}): {}", ag.name, ag.id, behind.join(lang.pick(" och ", " and "))))
        })
        .collect();
    let ask = if asks.is_empty() {
        lang.pick(
            "Sektionen har inga avrop på ramavtal i obalans under perioden: inget att åtgärda.".to_string(),
            "The section has no call-offs under agreements out of balance in the window: nothing to do.".to_string(),
        )
    } else {
        lang.pick(
            format!(
                "Sektionen ombeds lägga nästa avrop till {} tills nyckeln är återställd.",
                asks.join("; ")
            ),
            format!(
                "The section is asked to send the next call-offs to {} until the key is restored.",
                asks.join("; ")
            ),
        )
    };
    // A rank order's undocumented skips (rule 13) are asked about apart.
    let rank_ask = rank::ask(ctx, in_window);
    if !(asks.is_empty() && rank_ask.is_some()) {
        sheet::long_text(ws, r, span, width, &ask, &f.text_bold)?;
        r += 1;
    }
    if let Some(rank_ask) = rank_ask {
        sheet::long_text(ws, r, span, width, &rank_ask, &f.text_bold)?;
        r += 1;
    }
    // An agreement whose ceiling is reached: no advice to catch up, a stop.
    for &a in agreements.iter().filter(|&&a| ctx.ceiling_reached(a)) {
        let ag = &ctx.register.agreements[a];
        let stop = format!("{} ({}): {}.", ag.name, ag.id, l.ceiling_stop);
        sheet::long_text(ws, r, span, width, &stop, &f.warning_label)?;
        r += 1;
    }
    Ok(r)
}

/// Whose share and excess a workbook's rows show: the section's when an
/// organisation file groups units into sections, else the unit's.
fn own_labels(ctx: &Context, l: &Labels) -> (&'static str, &'static str) {
    if ctx.organisation.is_some() {
        ctx.lang.pick(
            ("Sektionens andel", "Sektionens överskott utöver nyckeln"),
            ("Section's share", "The section's excess beyond the key"),
        )
    } else {
        (l.unit_share, l.unit_excess)
    }
}

/// One imbalanced agreement: the section's split (window and to date), its
/// units and orderers; returns the next free row.
#[allow(clippy::too_many_arguments)]
fn agreement_block(
    ws: &mut Worksheet,
    ctx: &Context,
    (in_window, all_rows): (&[usize], &[usize]),
    ai: usize,
    mut r: u32,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let a = &ctx.register.agreements[ai];
    ws.write_string_with_format(r, 0, format!("{} – {}", a.id, a.name), &f.subtitle)?;
    r += 1;
    for (scope, rows) in [(Scope::Period, in_window), (Scope::ToDate, all_rows)] {
        if let Some(shares) = shares_of(ctx, ai, scope) {
            r = split_table(ws, ctx, (shares, rows), r, f, l)?;
        }
    }
    who_tables(ws, ctx, (in_window, all_rows), ai, r, f, l)
}

/// The section's split of one agreement in one scope against the key: per
/// supplier its amount, call-offs, share and deviation, the agreement's
/// share and whether the next call-offs should go to it; then the
/// section's excess. Returns the next free row.
fn split_table(
    ws: &mut Worksheet,
    ctx: &Context,
    (shares, rows): (&AgreementShares, &[usize]),
    mut r: u32,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let ai = shares.agreement;
    let a = &ctx.register.agreements[ai];
    let scope = shares.scope;
    ws.write_string_with_format(r, 0, super::labels::scope(lang, scope), &f.label)?;
    r += 1;
    let (own_share, own_excess) = own_labels(ctx, l);
    let heads = [
        l.supplier,
        l.agreed,
        l.amount,
        l.call_offs,
        own_share,
        l.deviation,
        l.agreement_actual,
        l.next_call_offs,
    ];
    header_row(ws, r, 0, &heads, f)?;
    ws.set_row_height(r, 30)?;
    r += 1;
    let split = split(ctx, ai, rows);
    let value = |s: usize| split.value(a.basis, s);
    let total: f64 = split.values(a.basis).iter().sum();
    if ctx.ceiling_reached(ai) {
        // "Nästa avrop": none, over the supplier rows.
        let stop = f
            .warning_label
            .clone()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        let last = r + a.suppliers.len().saturating_sub(1) as u32;
        if last > r {
            ws.merge_range(r, 7, last, 7, l.ceiling_stop, &stop)?;
        } else {
            ws.write_string_with_format(r, 7, l.ceiling_stop, &stop)?;
            ws.set_row_height(r, 30)?;
        }
    }
    for (s, sup) in a.suppliers.iter().enumerate() {
        ws.write_string_with_format(r, 0, &sup.name, &f.text)?;
        ws.write_number_with_format(r, 1, sup.share / 100.0, &f.pct)?;
        ws.write_number_with_format(r, 2, kronor(split.amounts[s]), &f.sek)?;
        ws.write_number_with_format(r, 3, split.counts[s] as f64, &f.int)?;
        if total > 0.0 {
            let share = value(s) / total;
            ws.write_number_with_format(r, 4, share, &f.pct)?;
            ws.write_number_with_format(r, 5, sheet::pp_value(100.0 * share - sup.share), &f.pp)?;
        }
        if let Some(p) = shares.suppliers[s].actual_pct {
            ws.write_number_with_format(r, 6, p / 100.0, &f.pct)?;
        }
        if shares.suppliers[s].catch_up > 0.0 && !ctx.ceiling_reached(ai) {
            ws.write_string_with_format(r, 7, l.next_yes, &f.text_gap)?;
        }
        r += 1;
    }
    ws.write_string_with_format(r, 0, own_excess, &f.text_bold)?;
    let excess = split.excess(a, &over_served(shares));
    ws.write_number_with_format(r, 2, ore(excess), &f.sek_bold)?;
    r += 2;
    Ok(r)
}

/// The section's units (with an organisation file) and orderers for one
/// agreement, window and to date, with their excess; those in balance
/// marked OK. Returns the next free row.
fn who_tables(
    ws: &mut Worksheet,
    ctx: &Context,
    (in_window, all_rows): (&[usize], &[usize]),
    ai: usize,
    mut r: u32,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    // Without an organisation file a workbook is one unit: no units table.
    let units = (Field::Unit, lang.pick("Ansvar i sektionen", "Units in the section"));
    let orderers = (
        Field::Orderer,
        lang.pick("Beställare i sektionen", "Orderers in the section"),
    );
    let fields = if ctx.organisation.is_some() {
        vec![units, orderers]
    } else {
        vec![orderers]
    };
    for (field, title) in fields {
        r = who_table(ws, ctx, (in_window, all_rows), (ai, field, title), r, f, l)?;
    }
    Ok(r + 1)
}

/// One who-table (units or orderers) of an agreement, the 15 with the
/// largest excess; returns the next free row.
fn who_table(
    ws: &mut Worksheet,
    ctx: &Context,
    rows: (&[usize], &[usize]),
    (ai, field, title): (usize, Field, &str),
    mut r: u32,
    f: &Formats,
    l: &Labels,
) -> Result<u32, XlsxError> {
    let lang = ctx.lang;
    let a = &ctx.register.agreements[ai];
    let tolerance = a.tolerance_pp.unwrap_or(ctx.info.tolerance_pp);
    let mut list = section::who(
        (ctx.exports, ctx.classified, ctx.allocation),
        (ai, a),
        rows,
        (field, SHOWN),
    );
    ws.write_string_with_format(r, 0, title, &f.label)?;
    r += 1;
    let heads: [&str; 6] = lang.pick(
        [
            if field == Field::Unit { "Ansvar" } else { "Beställare" },
            "Belopp perioden",
            "Överskott perioden",
            "Belopp hittills",
            "Överskott hittills",
            "Bedömning",
        ],
        [
            if field == Field::Unit { "Unit" } else { "Orderer" },
            "Amount, window",
            "Excess, window",
            "Amount to date",
            "Excess to date",
            "Assessment",
        ],
    );
    header_row(ws, r, 0, &heads, f)?;
    ws.set_row_height(r, 30)?;
    r += 1;
    // The 15 with the largest excess; the rest in one line.
    let rest = list.len().saturating_sub(SHOWN);
    list.truncate(SHOWN);
    for w in list {
        if field == Field::Unit {
            sheet::unit_cell(ws, (r, 0), SUMMARY_WIDTHS[0], ctx, w.sym, (l.no_unit, &f.text))?;
        } else {
            let shown = if w.name.is_empty() { l.no_unit } else { &w.name };
            ws.write_string_with_format(r, 0, shown, &f.text)?;
        }
        ws.write_number_with_format(r, 1, kronor(w.amount_window), &f.sek)?;
        ws.write_number_with_format(r, 2, ore(w.excess_window), &f.sek)?;
        ws.write_number_with_format(r, 3, kronor(w.amount_to_date), &f.sek)?;
        ws.write_number_with_format(r, 4, ore(w.excess_to_date), &f.sek)?;
        let verdict = match w.deviation {
            None => lang.pick("Inga avrop under perioden", "No call-offs in the window"),
            Some(d) if d <= tolerance => "OK",
            Some(_) => lang.pick("Utanför nyckeln", "Outside the key"),
        };
        ws.write_string_with_format(r, 5, verdict, &f.text_gap)?;
        r += 1;
    }
    if rest > 0 {
        ws.write_string_with_format(
            r,
            0,
            lang.pick(
                format!("… och {rest} till (alla avrop finns på bladet Avrop)"),
                format!("… and {rest} more (every call-off is on the Call-offs sheet)"),
            ),
            &f.note,
        )?;
        r += 1;
    }
    Ok(r + 1)
}

/// The heading of the id column: the export's own header when the files
/// agree (`Fakturanummer` when that is what was read, not *Verifikation*),
/// the headers side by side when they differ.
fn id_heading(ctx: &Context, l: &Labels) -> String {
    let mut headers: Vec<&str> = Vec::new();
    for file in &ctx.exports.files {
        for (field, header) in &file.mapping {
            let h = header.trim();
            if *field == Field::Id && !h.is_empty() && !headers.iter().any(|x| x.eq_ignore_ascii_case(h)) {
                headers.push(h);
            }
        }
    }
    let heading = match headers.len() {
        0 => l.id.to_string(),
        1..=3 => headers
            .join(" / ")
            .chars()
            .filter(|c| !c.is_control())
            .take(60)
            .collect(),
        _ => ctx
            .lang
            .pick("Verifikation eller fakturanummer", "Voucher or invoice number")
            .to_string(),
    };
    // A table's headings must differ.
    let others = [l.date, l.agreement, l.supplier, l.amount, l.unit, l.orderer];
    if heading.trim().is_empty() || others.iter().any(|o| o.eq_ignore_ascii_case(heading.trim())) {
        l.id.to_string()
    } else {
        heading
    }
}

fn calls_sheet(
    ws: &mut Worksheet,
    name: &str,
    ctx: &Context,
    rows: &[usize],
    f: &Formats,
    l: &Labels,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let id = id_heading(ctx, l);
    let heads = [
        l.date,
        l.agreement,
        l.supplier,
        l.amount,
        l.unit,
        l.orderer,
        id.as_str(),
    ];
    let orderers = ctx.exports.orderer_texts(rows);
    for ((k, &i), orderer) in rows.iter().enumerate().zip(&orderers) {
        let r = 1 + k as u32;
        let row = &ctx.exports.rows.at(i);
        if let Outcome::InAgreement { agreement, supplier } = ctx.classified.outcomes[i] {
            let a = &ctx.register.agreements[agreement.index()];
            if let Some(d) = row.date {
                ws.write_datetime_with_format(r, 0, excel_date(parse::days_to_date(d))?, &f.date_left)?;
            }
            ws.write_string_with_format(r, 1, &a.id, &f.text)?;
            ws.write_string_with_format(r, 2, &a.suppliers[supplier.index()].name, &f.text)?;
        }
        if let Some(a) = row.amount {
            ws.write_number_with_format(r, 3, kronor(a.0), &f.sek)?;
        }
        sheet::unit_cell(ws, (r, 4), 20.0, ctx, row.get(Field::Unit), ("", &f.text_gap))?;
        ws.write_string_with_format(r, 5, orderer.as_ref(), &f.text)?;
        ws.write_string_with_format(r, 6, ctx.exports.id(row), &f.text)?;
    }
    let columns: Vec<TableColumn> = heads.iter().map(|h| TableColumn::new().set_header(*h)).collect();
    ws.add_table(0, 0, rows.len().max(1) as u32, 6, &Table::new().set_columns(&columns))?;
    ws.set_freeze_panes(1, 0)?;
    for (c, width) in [12, 14, 30, 15, 20, 24, 16].iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    print_setup(ws, Some((0, 0)), l)
}
