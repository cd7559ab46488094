//! Charts for the managers' forum, PNG and SVG, in `diagram/`: per
//! agreement the agreed against actual share with the tolerance band, and
//! the cumulative share month by month; an overview of every agreement's
//! largest deviation. Text is drawn with an embedded font (DejaVu Sans,
//! see README), so charts render on a machine without system fonts.

use super::labels::{self, labels};
use super::sheet::{self, PALETTE};
use super::{Context, Lang, ReportWriter};
use crate::allocate::ceiling::CeilingUse;
use crate::allocate::monthly::{month_start, Monthly};
use crate::allocate::{AgreementShares, Scope, Status};
use crate::error::{Error, Result};
use crate::register::{Agreement, Basis};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod rank;

/// Writes the charts.
pub struct ChartReport;

/// The folder the charts go to.
pub const FOLDER: &str = "diagram";

/// Default size of a chart, pixels.
pub const DEFAULT_SIZE: (u32, u32) = crate::config::DEFAULT_CHART_SIZE;

/// Colour of a value outside the tolerance band (vermillion, kept out of
/// the supplier palette).
const WARNING: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
const TEXT: RGBColor = RGBColor(0x26, 0x26, 0x26);
const FONT: &str = "sans-serif";

fn rgb(c: u32) -> RGBColor {
    RGBColor((c >> 16) as u8, (c >> 8) as u8, c as u8)
}

/// The colour of supplier `i` (the workbook palette, which has no
/// vermillion: that is the warning colour here).
pub fn supplier_colour(i: usize) -> RGBColor {
    rgb(PALETTE[i % PALETTE.len()])
}

fn status_colour(s: Status) -> RGBColor {
    match s {
        Status::Ok => RGBColor(0x00, 0x9E, 0x73),
        Status::Imbalance => WARNING,
        Status::Insufficient => GREY,
    }
}

/// Registers the embedded font once.
fn fonts() -> Result<()> {
    static DONE: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .and_then(|()| plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()))
            .map_err(|_| "the embedded font could not be loaded".to_string())
    })
    .clone()
    .map_err(Error::Chart)
}

/// `32,5 %` (sv) or `32.5%` (en).
pub fn percent(value: f64, decimals: usize, lang: Lang) -> String {
    let s = crate::register::format_number(value, decimals, lang);
    lang.pick(format!("{s} %"), format!("{s}%"))
}

/// `+10,4 pe` (sv) or `+10.4 pp` (en).
pub fn points(value: f64, lang: Lang) -> String {
    let s = if value.abs() < 0.05 {
        "0.0".to_string()
    } else {
        format!("{value:+.1}")
    };
    match lang {
        Lang::Sv => format!("{} pe", s.replace('.', ",")),
        Lang::En => format!("{s} pp"),
    }
}

/// The grid every chart shares: one light line between labels, soft
/// colours, a grey axis.
fn quiet_grid<'m, 'a, 'b, X, Y, DB>(mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType: std::fmt::Debug>,
    Y: Ranged<ValueType: std::fmt::Debug>,
    DB: DrawingBackend,
{
    mesh.max_light_lines(1)
        .light_line_style(RGBColor(0xF2, 0xF2, 0xF2))
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .axis_style(GREY)
}

/// Pixels scaled from the 900-pixel-high design to the chart's size.
fn scaler(scale: f64) -> impl Fn(f64) -> i32 {
    move |v: f64| (v * scale).round() as i32
}

/// Something drawable on any plotters backend.
trait Drawing: Sync {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>;
}

fn draw_err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Saves a drawing as `folder/stem.svg` and `folder/stem.png` (names made
/// by concatenation: a stem may hold dots).
fn save(drawing: &impl Drawing, folder: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    let (w, h) = drawing.size();
    let svg = folder.join(format!("{stem}.svg"));
    let png = folder.join(format!("{stem}.png"));
    let err = |path: &Path, message: String| Error::Output {
        path: path.to_path_buf(),
        message: crate::lang::Text::of_error_text(&message),
    };
    {
        let root = SVGBackend::new(&svg, (w, h)).into_drawing_area();
        drawing.draw(&root).map_err(|m| err(&svg, m))?;
        root.present().map_err(|e| err(&svg, e.to_string()))?;
    }
    let mut buffer = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (w, h)).into_drawing_area();
        drawing.draw(&root).map_err(|m| err(&png, m))?;
        root.present().map_err(|e| err(&png, e.to_string()))?;
    }
    write_png(&png, &buffer, (w, h)).map_err(|m| err(&png, m))?;
    Ok(vec![svg, png])
}

/// RGB buffer to PNG, fast compression (charts are flat colours).
fn write_png(path: &Path, rgb: &[u8], (w, h): (u32, u32)) -> std::result::Result<(), String> {
    let file = std::fs::File::create(path).map_err(draw_err)?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(draw_err)?;
    writer.write_image_data(rgb).map_err(draw_err)
}

/// Title and subtitle at the top of a chart; returns the area below.
fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    scale: f64,
) -> std::result::Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(draw_err)?;
    let size = |px: f64| (px * scale).round() as i32;
    root.draw_text(
        title,
        &TextStyle::from((FONT, size(40.0)).into_font().style(FontStyle::Bold)).color(&TEXT),
        (size(40.0), size(24.0)),
    )
    .map_err(draw_err)?;
    root.draw_text(
        subtitle,
        &TextStyle::from((FONT, size(26.0)).into_font()).color(&RGBColor(0x59, 0x59, 0x59)),
        (size(40.0), size(76.0)),
    )
    .map_err(draw_err)?;
    Ok(root.split_vertically(size(120.0)).1)
}

/// Coloured squares with text, in a row starting at `(x, y)`.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    items: &[(RGBColor, String, bool)],
    (x, y): (i32, i32),
    scale: f64,
) -> std::result::Result<(), String> {
    let size = |px: f64| (px * scale).round() as i32;
    let font = TextStyle::from((FONT, size(24.0)).into_font()).color(&TEXT);
    let mut cx = x;
    for (colour, text, dashed) in items {
        if *dashed {
            for k in 0..3 {
                let x0 = cx + k * size(12.0);
                root.draw(&PathElement::new(
                    vec![(x0, y + size(11.0)), (x0 + size(7.0), y + size(11.0))],
                    colour.stroke_width(size(4.0) as u32),
                ))
                .map_err(draw_err)?;
            }
        } else {
            root.draw(&Rectangle::new(
                [(cx, y), (cx + size(30.0), y + size(22.0))],
                colour.filled(),
            ))
            .map_err(draw_err)?;
        }
        root.draw_text(text, &font, (cx + size(40.0), y - size(2.0)))
            .map_err(draw_err)?;
        let width = root
            .estimate_text_size(text, &font)
            .map(|(w, _)| w as i32)
            .unwrap_or(200);
        cx += size(40.0) + width + size(36.0);
    }
    Ok(())
}

/// Agreed against actual share per supplier, the tolerance band around each
/// agreed share; actual bars outside the band in the warning colour.
struct SharesChart<'a> {
    agreement: &'a Agreement,
    shares: &'a AgreementShares,
    window: &'a str,
    /// The previous window's shares and label (rule 12), drawn as a mark
    /// on each actual bar.
    previous: Option<(&'a AgreementShares, &'a str)>,
    lang: Lang,
    size: (u32, u32),
}

impl Drawing for SharesChart<'_> {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        let l = labels(self.lang);
        let a = self.agreement;
        let p = self.shares;
        let scale = self.size.1 as f64 / 900.0;
        let px = scaler(scale);
        // The total on the agreement's basis: kronor, or call-offs.
        let total = match a.basis {
            Basis::Amount => crate::format::sek_unit(p.total_amount as i128, self.lang),
            Basis::Count => format!(
                "{} {}",
                crate::format::count(p.total_call_offs, self.lang),
                self.lang.pick("avrop", "call-offs")
            ),
        };
        let title = format!("{} {}", a.id, a.name);
        let subtitle = format!(
            "{} {} · {total} · {}: {}",
            l.window,
            self.window,
            l.status,
            labels::status(self.lang, p.status)
        );
        let body = titled(root, &title, &subtitle, scale)?;
        let tol = p.tolerance_pp;
        let n = a.suppliers.len();
        let top = a
            .suppliers
            .iter()
            .zip(&p.suppliers)
            .map(|(s, x)| (s.share + tol).max(x.actual_pct.unwrap_or(0.0)))
            .fold(10.0f64, f64::max);
        let y_max = (top * 1.18).min(118.0);
        let legend_items = vec![
            (
                RGBColor(0xDD, 0xDD, 0xDD),
                format!("{} ± {}", l.tolerance, points(tol, self.lang).trim_start_matches('+')),
                false,
            ),
            (GREY, l.agreed.to_string(), false),
            (
                supplier_colour(0),
                format!("{} ({})", l.actual, colour_note(self.lang)),
                false,
            ),
            (WARNING, outside_label(self.lang).to_string(), false),
        ];
        let mut legend_items = legend_items;
        if let Some((_, label)) = self.previous {
            legend_items.push((
                TEXT,
                format!("{} {label}", self.lang.pick("Förra perioden", "Previous window")),
                true,
            ));
        }
        legend(&body, &legend_items, (px(40.0), px(0.0)), scale)?;
        let (_, chart_area) = body.split_vertically(px(50.0));
        let mut chart = ChartBuilder::on(&chart_area)
            .margin_left(px(30.0))
            .margin_right(px(40.0))
            .x_label_area_size(px(90.0))
            .y_label_area_size(px(90.0))
            .build_cartesian_2d(0f64..n as f64, 0f64..y_max)
            .map_err(draw_err)?;
        let lang = self.lang;
        quiet_grid(&mut chart.configure_mesh())
            .disable_x_mesh()
            .disable_x_axis()
            .y_labels(8)
            .y_label_formatter(&|v| percent(*v, 0, lang))
            .y_label_style((FONT, px(24.0)).into_font().color(&TEXT))
            .draw()
            .map_err(draw_err)?;
        let value_font = |colour: &'static RGBColor, bold: bool| value_style(colour, bold, px(24.0));
        for (i, (sup, s)) in a.suppliers.iter().zip(&p.suppliers).enumerate() {
            let x = i as f64;
            let colour = supplier_colour(i);
            // The tolerance band around the agreed share.
            let (lo, hi) = ((sup.share - tol).max(0.0), (sup.share + tol).min(y_max));
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.1, lo), (x + 0.9, hi)],
                    RGBColor(0xDD, 0xDD, 0xDD).mix(0.55).filled(),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.18, 0.0), (x + 0.48, sup.share)],
                    GREY.filled(),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    percent(sup.share, 1, lang),
                    (x + 0.33, sup.share),
                    value_font(&TEXT, false),
                )))
                .map_err(draw_err)?;
            // The previous window's actual share: a dark mark across the bar
            // (the value label stands above both).
            let before = self
                .previous
                .and_then(|(p, _)| p.suppliers.iter().find(|x| x.supplier == s.supplier))
                .and_then(|x| x.actual_pct);
            if let Some(actual) = s.actual_pct {
                let outside = (actual - sup.share).abs() > tol;
                let fill = if outside { WARNING } else { colour };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x + 0.52, 0.0), (x + 0.82, actual)],
                        fill.filled(),
                    )))
                    .map_err(draw_err)?;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x + 0.52, 0.0), (x + 0.82, actual)],
                        colour.stroke_width(px(3.0) as u32),
                    )))
                    .map_err(draw_err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        percent(actual, 1, lang),
                        (
                            x + 0.67,
                            before.map_or(actual, |b| actual.max(b.min(y_max) + y_max * 0.01)),
                        ),
                        value_font(if outside { &WARNING } else { &TEXT }, true),
                    )))
                    .map_err(draw_err)?;
            }
            if let Some(b) = before {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x + 0.49, b.min(y_max)), (x + 0.85, b.min(y_max))],
                        TEXT.stroke_width(px(5.0) as u32),
                    )))
                    .map_err(draw_err)?;
            }
            // Supplier name under its group, in its colour, wrapped in two lines.
            let (cx, cy) = chart.backend_coord(&(x + 0.5, 0.0));
            let name_font = TextStyle::from((FONT, px(24.0)).into_font())
                .color(&colour)
                .pos(Pos::new(HPos::Center, VPos::Top));
            let group_width = chart.backend_coord(&(x + 1.0, 0.0)).0 - chart.backend_coord(&(x, 0.0)).0;
            for (k, line) in wrap(&sup.name, &name_font, group_width - px(12.0), root)
                .iter()
                .enumerate()
            {
                root.draw(&Text::new(
                    line.clone(),
                    (cx, cy + px(14.0) + k as i32 * px(30.0)),
                    name_font.clone(),
                ))
                .map_err(draw_err)?;
            }
        }
        Ok(())
    }
}

/// A value label centred above its anchor.
fn value_style(colour: &'static RGBColor, bold: bool, size: i32) -> TextStyle<'static> {
    let f = (FONT, size).into_font();
    let f = if bold { f.style(FontStyle::Bold) } else { f };
    TextStyle::from(f)
        .color(colour)
        .pos(Pos::new(HPos::Center, VPos::Bottom))
}

fn colour_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "leverantörens färg",
        Lang::En => "the supplier's colour",
    }
}

fn outside_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "Utanför toleransen",
        Lang::En => "Outside the tolerance",
    }
}

/// Splits text into lines that fit `width` pixels (at most three).
fn wrap<DB: DrawingBackend>(text: &str, font: &TextStyle, width: i32, area: &DrawingArea<DB, Shift>) -> Vec<String> {
    let fits = |s: &str| {
        area.estimate_text_size(s, font)
            .map(|(w, _)| w as i32 <= width)
            .unwrap_or(true)
    };
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if fits(&candidate) || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines.truncate(3);
    lines
}

/// Cumulative actual share per supplier by month, agreed shares dashed.
struct TrendChart<'a> {
    agreement: &'a Agreement,
    monthly: &'a Monthly,
    /// The report window's first and last month keys (shaded) and label.
    window: (i32, i32),
    window_label: &'a str,
    /// The month of the latest date read: no line after it.
    last_read: i32,
    lang: Lang,
    size: (u32, u32),
}

impl<'a> TrendChart<'a> {
    fn new(ctx: &'a Context, agreement: &'a Agreement, monthly: &'a Monthly, size: (u32, u32)) -> Self {
        use crate::allocate::monthly::month_key;
        let w = &ctx.allocation.window;
        TrendChart {
            agreement,
            monthly,
            window: (month_key(w.start), month_key(w.end)),
            window_label: w.label.as_str(),
            last_read: ctx.info.latest_date.map_or(month_key(w.end), month_key),
            lang: ctx.lang,
            size,
        }
    }
}

impl Drawing for TrendChart<'_> {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        let l = labels(self.lang);
        let a = self.agreement;
        let m = self.monthly;
        let scale = self.size.1 as f64 / 900.0;
        let px = scaler(scale);
        // From the first month with data (not valid_from when nothing came
        // before) to the window's end; no line after the last month read.
        let has_data = |i: usize| m.cumulative_pct.iter().any(|s| s.get(i).copied().flatten().is_some());
        let lo = (0..m.months.len()).find(|&i| has_data(i)).unwrap_or(0);
        let months: Vec<i32> = m.months.get(lo..).unwrap_or(&[]).to_vec();
        let first = months.first().copied().unwrap_or(0);
        let last = months.last().copied().unwrap_or(0);
        let title = format!("{} {} – {}", a.id, a.name, l.chart_trend.to_lowercase());
        let subtitle = format!(
            "{} – {} · {}",
            month_start(first).format("%Y-%m"),
            month_start(last).format("%Y-%m"),
            if a.is_rank() {
                // A rank order has no agreed share to draw (rule 13).
                self.lang.pick(
                    "rangordning: rang 1 avropas först",
                    "rank order: rank 1 is called first",
                )
            } else {
                dashed_note(self.lang)
            }
        );
        let body = titled(root, &title, &subtitle, scale)?;
        let items: Vec<(RGBColor, String, bool)> = a
            .suppliers
            .iter()
            .enumerate()
            .map(|(i, s)| (supplier_colour(i), s.name.clone(), false))
            .collect();
        legend(&body, &items, (px(40.0), px(0.0)), scale)?;
        let (_, chart_area) = body.split_vertically(px(50.0));
        let top = m
            .cumulative_pct
            .iter()
            .flatten()
            .flatten()
            .copied()
            .chain(a.suppliers.iter().map(|s| s.share))
            .fold(10.0f64, f64::max);
        let y_max = (top * 1.15).min(105.0);
        let x_max = (months.len().max(2) - 1) as f64;
        let mut chart = ChartBuilder::on(&chart_area)
            .margin_left(px(30.0))
            .margin_right(px(50.0))
            .x_label_area_size(px(60.0))
            .y_label_area_size(px(90.0))
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)
            .map_err(draw_err)?;
        let lang = self.lang;
        let labels_of = months.clone();
        // The report window, shaded.
        let at = |key: i32| (key - first) as f64;
        let (w0, w1) = (at(self.window.0).max(0.0) - 0.5, at(self.window.1).min(x_max) + 0.5);
        if w1 > w0 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(w0.max(0.0), 0.0), (w1.min(x_max), y_max)],
                    RGBColor(0xEE, 0xF3, 0xFA).filled(),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{} {}", lang.pick("perioden", "window"), self.window_label),
                    ((w0.max(0.0) + w1.min(x_max)) / 2.0, y_max * 0.98),
                    TextStyle::from((FONT, px(20.0)).into_font())
                        .color(&GREY)
                        .pos(Pos::new(HPos::Center, VPos::Top)),
                )))
                .map_err(draw_err)?;
        }
        quiet_grid(&mut chart.configure_mesh())
            .x_labels(12.min(months.len()))
            .x_label_formatter(&|x| {
                let i = x.round() as usize;
                labels_of
                    .get(i)
                    .map(|k| month_start(*k).format("%Y-%m").to_string())
                    .unwrap_or_default()
            })
            .y_labels(8)
            .y_label_formatter(&|v| percent(*v, 0, lang))
            .label_style((FONT, px(22.0)).into_font().color(&TEXT))
            .draw()
            .map_err(draw_err)?;
        // Suppliers with the same agreed share share one dashed line: their
        // dashes take turns along it, so every colour shows.
        let (dash, gap) = (px(14.0), px(10.0));
        let width = chart.plotting_area().dim_in_pixel().0.max(1) as f64;
        for (s, sup) in a.suppliers.iter().enumerate() {
            let colour = supplier_colour(s);
            let same: Vec<usize> = (0..a.suppliers.len())
                .filter(|&o| (a.suppliers[o].share - sup.share).abs() < 1e-9)
                .collect();
            let turn = same.iter().position(|&o| o == s).unwrap_or(0) as i32;
            let k = same.len().max(1) as i32;
            let start = f64::from(turn * (dash + gap)) * x_max / width;
            // A rank order has no agreed share to draw (rule 13).
            let agreed = (!a.is_rank()).then(|| vec![(start, sup.share), (x_max, sup.share)]);
            chart
                .draw_series(DashedLineSeries::new(
                    agreed.unwrap_or_default(),
                    dash as u32,
                    (k * (dash + gap) - dash) as u32,
                    colour.stroke_width(px(3.0) as u32),
                ))
                .map_err(draw_err)?;
            let points: Vec<(f64, f64)> = m.cumulative_pct[s]
                .iter()
                .enumerate()
                .skip(lo)
                .filter(|(i, _)| m.months.get(*i).is_some_and(|k| *k <= self.last_read))
                .filter_map(|(i, v)| v.map(|v| ((i - lo) as f64, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(px(5.0) as u32)))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

/// Cumulative use of an agreement's ceiling over its life (rule 11): the
/// used amount month by month, the ceiling and the warning level, the
/// forecast dashed to the ceiling at today's pace, the end date marked.
struct CeilingChart<'a> {
    agreement: &'a Agreement,
    usage: &'a CeilingUse,
    monthly: &'a Monthly,
    lang: Lang,
    size: (u32, u32),
}

impl Drawing for CeilingChart<'_> {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        let (a, u, m, lang) = (self.agreement, self.usage, self.monthly, self.lang);
        let scale = self.size.1 as f64 / 900.0;
        let px = scaler(scale);
        let mkr = |units: i64| units as f64 / crate::parse::AMOUNT_SCALE as f64 / 1e6;
        let title = format!("{} {} – {}", a.id, a.name, lang.pick("takvolym", "ceiling"));
        let mut subtitle = format!(
            "{} {} · {} {} · {}",
            lang.pick("använt", "used"),
            percent(u.used_pct, 1, lang),
            lang.pick("avtalstid som gått", "time elapsed"),
            percent(u.elapsed_pct, 1, lang),
            labels::ceiling_status(lang, u.status)
        );
        let coverage = labels::coverage_note(lang, &u.missing_months);
        if !coverage.is_empty() {
            subtitle = format!("{subtitle} · {coverage}");
        }
        if u.ceiling.shared {
            subtitle = format!(
                "{subtitle} · {}",
                lang.pick("delad takvolym: bara våra avrop", "shared ceiling: our call-offs only")
            );
        }
        let body = titled(root, &title, &subtitle, scale)?;
        let items = vec![
            (
                supplier_colour(0),
                lang.pick("Använt, ackumulerat", "Used, cumulative").to_string(),
                false,
            ),
            (
                supplier_colour(0),
                lang.pick("Prognos i nuvarande takt", "Forecast at today's pace")
                    .to_string(),
                true,
            ),
            (WARNING, lang.pick("Takvolym", "Ceiling").to_string(), false),
            (
                GREY,
                format!(
                    "{} {}",
                    lang.pick("Varningsnivå", "Warning level"),
                    percent(u.ceiling.warn_pct, 0, lang)
                ),
                true,
            ),
        ];
        legend(&body, &items, (px(40.0), px(0.0)), scale)?;
        let (_, chart_area) = body.split_vertically(px(50.0));
        // Cumulative used at the end of each month up to as_of.
        let last_month = crate::allocate::monthly::month_key(u.as_of);
        let mut running = 0i64;
        let day = |d: chrono::NaiveDate| (d - a.valid_from).num_days() as f64;
        // Months before the first export read are unknown, not zero: the
        // line starts at the first month the exports cover.
        let first_read = m
            .months
            .iter()
            .copied()
            .find(|k| !u.missing_months.contains(k))
            .unwrap_or(last_month);
        let start = day(month_start(first_read).max(a.valid_from)).max(0.0);
        let mut points: Vec<(f64, f64)> = vec![(start, 0.0)];
        for (i, key) in m.months.iter().enumerate() {
            if *key > last_month {
                break;
            }
            if *key < first_read {
                continue;
            }
            running += m.ceiling_amount(i);
            let month_end = month_start(*key + 1).pred_opt().unwrap_or(u.as_of).min(u.as_of);
            points.push((day(month_end).max(0.0), mkr(running)));
        }
        let end = day(a.valid_to);
        let forecast_end = u.forecast_date.map(day).unwrap_or(end);
        let x_max = end.max(forecast_end.min(end * 1.5)).max(1.0) * 1.03;
        let ceiling = mkr(u.ceiling.ceiling);
        let y_max = points.iter().map(|p| p.1).fold(ceiling, f64::max) * 1.15;
        let mut chart = ChartBuilder::on(&chart_area)
            .margin_left(px(30.0))
            .margin_right(px(60.0))
            .x_label_area_size(px(60.0))
            .y_label_area_size(px(120.0))
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)
            .map_err(draw_err)?;
        let from = a.valid_from;
        quiet_grid(&mut chart.configure_mesh())
            .x_labels(10)
            .x_label_formatter(&|x| {
                (from + chrono::Duration::days(x.round() as i64))
                    .format("%Y-%m")
                    .to_string()
            })
            .y_labels(8)
            .y_label_formatter(&|v| format!("{} {}", crate::parse::format_float(*v, 0), lang.pick("mkr", "MSEK")))
            .label_style((FONT, px(22.0)).into_font().color(&TEXT))
            .draw()
            .map_err(draw_err)?;
        if start > 0.0 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, 0.0), (start, y_max)],
                    RGBColor(0xEE, 0xEE, 0xEE).filled(),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    lang.pick("inga exporter", "no exports").to_string(),
                    (start / 2.0, y_max * 0.5),
                    TextStyle::from((FONT, px(22.0)).into_font())
                        .color(&GREY)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))
                .map_err(draw_err)?;
        }
        let warn = ceiling * u.ceiling.warn_pct / 100.0;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, warn), (x_max, warn)],
                px(10.0),
                px(8.0),
                GREY.stroke_width(px(3.0) as u32),
            ))
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, ceiling), (x_max, ceiling)],
                WARNING.stroke_width(px(4.0) as u32),
            ))
            .map_err(draw_err)?;
        // The agreement's end.
        chart
            .draw_series(LineSeries::new(
                vec![(end, 0.0), (end, y_max)],
                TEXT.stroke_width(px(2.0) as u32),
            ))
            .map_err(draw_err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{} {}", lang.pick("Avtalet slutar", "Agreement ends"), a.valid_to),
                (end, y_max * 0.97),
                TextStyle::from((FONT, px(22.0)).into_font())
                    .color(&TEXT)
                    .pos(Pos::new(HPos::Right, VPos::Top)),
            )))
            .map_err(draw_err)?;
        let colour = supplier_colour(0);
        let last = points.last().copied().unwrap_or((0.0, 0.0));
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(px(5.0) as u32)))
            .map_err(draw_err)?;
        if let Some(f) = u.forecast_date {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![
                        last,
                        (
                            day(f).min(x_max),
                            ceiling.min(last.1 + (ceiling - last.1) * (x_max - last.0) / (day(f) - last.0).max(1.0)),
                        ),
                    ],
                    px(14.0),
                    px(10.0),
                    colour.stroke_width(px(4.0) as u32),
                ))
                .map_err(draw_err)?;
            if day(f) <= x_max {
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{} {f} ", lang.pick("nås", "reached")),
                        (day(f), ceiling * 1.03),
                        TextStyle::from((FONT, px(22.0)).into_font().style(FontStyle::Bold))
                            .color(&TEXT)
                            .pos(Pos::new(HPos::Right, VPos::Bottom)),
                    )))
                    .map_err(draw_err)?;
            }
        }
        if let Some(r) = u.reached_on {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (day(r), ceiling),
                    px(10.0),
                    WARNING.filled(),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{} {r} ", lang.pick("taket nåddes", "reached")),
                    (day(r), ceiling * 1.03),
                    TextStyle::from((FONT, px(24.0)).into_font().style(FontStyle::Bold))
                        .color(&WARNING)
                        .pos(Pos::new(HPos::Right, VPos::Bottom)),
                )))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

fn dashed_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "streckad linje = avtalad andel",
        Lang::En => "dashed line = agreed share",
    }
}

/// The overview's subtitle: how many of the agreements shown are out of
/// balance; rank-order agreements (not shown: they have no key to deviate
/// from) are counted apart, so the figures add up with page 1's.
fn overview_subtitle(lang: Lang, rows: &[(String, f64, f64, Status)], ranked: usize) -> String {
    let imbalanced = rows.iter().filter(|r| r.3 == Status::Imbalance).count();
    let n = rows.len();
    match (lang, ranked) {
        (Lang::Sv, 0) => {
            format!("{imbalanced} av {n} avtal i obalans · avvikelse i procentenheter från avtalad andel")
        }
        (Lang::Sv, r) => format!(
            "{imbalanced} av {n} avtal med fördelningsnyckel i obalans; {r} {} separat · \
             procentenheter från avtalad andel",
            if r == 1 {
                "rangordnat avtal visas"
            } else {
                "rangordnade avtal visas"
            }
        ),
        (Lang::En, 0) => format!(
            "{imbalanced} of {n} agreements out of balance · deviation in percentage points from the agreed share"
        ),
        (Lang::En, r) => format!(
            "{imbalanced} of {n} agreements with an allocation key out of balance; {r} rank-order \
             {} separately · percentage points from the agreed share",
            if r == 1 { "agreement shown" } else { "agreements shown" }
        ),
    }
}

/// Every agreement's largest deviation as a diverging horizontal bar,
/// sorted, coloured by status, each agreement's tolerance band behind it.
struct OverviewChart<'a> {
    rows: Vec<(String, f64, f64, Status)>,
    /// Rank-order agreements in the window, left out of the bars.
    ranked: usize,
    window: &'a str,
    lang: Lang,
    size: (u32, u32),
}

impl Drawing for OverviewChart<'_> {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        let l = labels(self.lang);
        let scale = (self.size.0 as f64 / 1600.0).min(1.5);
        let px = scaler(scale);
        let title = match self.lang {
            Lang::Sv => format!("Största avvikelse per ramavtal – {}", self.window),
            Lang::En => format!("Largest deviation per framework agreement – {}", self.window),
        };
        let subtitle = overview_subtitle(self.lang, &self.rows, self.ranked);
        let body = titled(root, &title, &subtitle, scale)?;
        let items = vec![
            (
                status_colour(Status::Ok),
                labels::status(self.lang, Status::Ok).to_string(),
                false,
            ),
            (
                status_colour(Status::Imbalance),
                labels::status(self.lang, Status::Imbalance).to_string(),
                false,
            ),
            (
                status_colour(Status::Insufficient),
                labels::status(self.lang, Status::Insufficient).to_string(),
                false,
            ),
            (RGBColor(0xDD, 0xDD, 0xDD), l.tolerance.to_string(), false),
        ];
        legend(&body, &items, (px(40.0), px(0.0)), scale)?;
        let (_, chart_area) = body.split_vertically(px(50.0));
        let n = self.rows.len().max(1);
        let x_max = self.rows.iter().map(|r| r.1.abs().max(r.2)).fold(5.0f64, f64::max) * 1.25;
        let font_px = px(22.0);
        let label_width = self
            .rows
            .iter()
            .map(|r| {
                root.estimate_text_size(&r.0, &TextStyle::from((FONT, font_px).into_font()))
                    .map(|(w, _)| w as i32)
                    .unwrap_or(300)
            })
            .max()
            .unwrap_or(300)
            .min(px(620.0));
        let mut chart = ChartBuilder::on(&chart_area)
            .margin_left(px(20.0) + label_width)
            .margin_right(px(60.0))
            .x_label_area_size(px(50.0))
            .build_cartesian_2d(-x_max..x_max, 0f64..n as f64)
            .map_err(draw_err)?;
        let lang = self.lang;
        quiet_grid(&mut chart.configure_mesh())
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(9)
            .x_label_formatter(&|v| points(*v, lang))
            .label_style((FONT, px(22.0)).into_font().color(&TEXT))
            .draw()
            .map_err(draw_err)?;
        for (i, (name, dev, tol, status)) in self.rows.iter().enumerate() {
            // Top row first: rows are drawn from the top of the y range.
            let y = (n - 1 - i) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(-tol, y + 0.08), (*tol, y + 0.92)],
                    RGBColor(0xDD, 0xDD, 0xDD).mix(0.6).filled(),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.2), (*dev, y + 0.8)],
                    status_colour(*status).filled(),
                )))
                .map_err(draw_err)?;
            let anchor = if *dev >= 0.0 { HPos::Left } else { HPos::Right };
            let offset = if *dev >= 0.0 { px(8.0) } else { -px(8.0) };
            let (bx, by) = chart.backend_coord(&(*dev, y + 0.5));
            root.draw(&Text::new(
                points(*dev, lang),
                (bx + offset, by),
                TextStyle::from((FONT, font_px).into_font())
                    .color(&TEXT)
                    .pos(Pos::new(anchor, VPos::Center)),
            ))
            .map_err(draw_err)?;
            let (lx, ly) = chart.backend_coord(&(-x_max, y + 0.5));
            let mut shown = name.clone();
            while shown.chars().count() > 4
                && root
                    .estimate_text_size(&shown, &TextStyle::from((FONT, font_px).into_font()))
                    .map(|(w, _)| w as i32 > label_width)
                    .unwrap_or(false)
            {
                shown = format!("{}…", shown.chars().take(shown.chars().count() - 2).collect::<String>());
            }
            root.draw(&Text::new(
                shown,
                (lx - px(12.0), ly),
                TextStyle::from((FONT, font_px).into_font())
                    .color(&TEXT)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
        // The zero line.
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                TEXT.stroke_width(2),
            )))
            .map_err(draw_err)?;
        Ok(())
    }
}

impl ReportWriter for ChartReport {
    fn name(&self) -> &'static str {
        "charts"
    }

    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        fonts()?;
        let folder = dir.join(FOLDER);
        std::fs::create_dir_all(&folder).map_err(|e| Error::Output {
            path: folder.clone(),
            message: crate::lang::Text::io(&e),
        })?;
        let size = ctx.info.chart_size;
        let window = ctx.allocation.window.label.as_str();
        let mut taken: HashSet<String> = ["oversikt".to_string()].into_iter().collect();
        let jobs: Vec<(String, &AgreementShares)> = ctx
            .allocation
            .shares
            .iter()
            .filter(|s| s.scope == Scope::Period)
            .map(|p| {
                let id = &ctx.register.agreements[p.agreement].id;
                let mut stem = sheet::file_stem(id, "avtal", &mut taken);
                // Keep "<stem>-trend" and "<stem>-takvolym" free.
                taken.insert(format!("{stem}-trend").to_lowercase());
                taken.insert(format!("{stem}-takvolym").to_lowercase());
                if stem.to_lowercase().ends_with("-trend") {
                    stem = sheet::file_stem(&format!("{stem}_"), "avtal", &mut taken);
                }
                (stem, p)
            })
            .collect();
        let per_agreement: Vec<Result<Vec<PathBuf>>> = jobs
            .par_iter()
            .map(|(stem, p)| {
                let agreement = &ctx.register.agreements[p.agreement];
                let mut files = if agreement.is_rank() {
                    save(
                        &rank::RankChart {
                            agreement,
                            shares: p,
                            window,
                            lang: ctx.lang,
                            size,
                        },
                        &folder,
                        stem,
                    )?
                } else {
                    save(
                        &SharesChart {
                            agreement,
                            shares: p,
                            window,
                            previous: ctx
                                .comparison
                                .and_then(|c| Some((c.of(p.agreement)?, c.previous.label.as_str()))),
                            lang: ctx.lang,
                            size,
                        },
                        &folder,
                        stem,
                    )?
                };
                if let Some(m) = ctx.monthly.iter().find(|m| m.agreement == p.agreement) {
                    files.extend(save(
                        &TrendChart::new(ctx, agreement, m, size),
                        &folder,
                        &format!("{stem}-trend"),
                    )?);
                    if let Some(u) = ctx.ceilings.iter().find(|u| u.agreement == p.agreement) {
                        files.extend(save(
                            &CeilingChart {
                                agreement,
                                usage: u,
                                monthly: m,
                                lang: ctx.lang,
                                size,
                            },
                            &folder,
                            &format!("{stem}-takvolym"),
                        )?);
                    }
                }
                Ok(files)
            })
            .collect();
        let mut written = Vec::new();
        for r in per_agreement {
            written.extend(r?);
        }
        written.extend(save(&overview(ctx, size), &folder, "oversikt")?);
        Ok(written)
    }
}

/// The overview chart of every reported agreement's largest deviation.
fn overview<'a>(ctx: &'a Context, (w, h): (u32, u32)) -> OverviewChart<'a> {
    let mut rows: Vec<(String, f64, f64, Status)> = ctx
        .allocation
        .shares
        .iter()
        // A rank order has no deviation from a key: its own chart shows it.
        .filter(|s| s.scope == Scope::Period && s.rank.is_none())
        .map(|p| {
            let a = &ctx.register.agreements[p.agreement];
            (
                format!("{} {}", a.id, a.name),
                p.largest_deviation().unwrap_or(0.0),
                p.tolerance_pp,
                p.status,
            )
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let ranked = ctx
        .allocation
        .shares
        .iter()
        .filter(|s| s.scope == Scope::Period && s.rank.is_some())
        .count();
    let height = h.max((190.0 * h as f64 / 900.0) as u32 + 44 * rows.len() as u32);
    OverviewChart {
        rows,
        ranked,
        window: ctx.allocation.window.label.as_str(),
        lang: ctx.lang,
        size: (w, height),
    }
}

/// A drawing as SVG text, for embedding in a page.
fn svg_string(drawing: &impl Drawing) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, drawing.size()).into_drawing_area();
        drawing.draw(&root).map_err(Error::Chart)?;
        root.present().map_err(|e| Error::Chart(e.to_string()))?;
    }
    Ok(out)
}

/// Charts as inline SVG for the forum report.
pub mod inline {
    use super::*;

    /// The overview of every agreement's largest deviation.
    pub fn overview_svg(ctx: &Context, size: (u32, u32)) -> Result<String> {
        fonts()?;
        svg_string(&overview(ctx, size))
    }

    /// An agreement's shares in a window (`shares` may be the previous
    /// window's).
    pub fn shares_svg(ctx: &Context, shares: &AgreementShares, window: &str, size: (u32, u32)) -> Result<String> {
        fonts()?;
        svg_string(&SharesChart {
            agreement: &ctx.register.agreements[shares.agreement],
            shares,
            window,
            previous: None,
            lang: ctx.lang,
            size,
        })
    }

    /// A rank agreement's shares by rank, the undocumented part marked.
    pub fn rank_svg(ctx: &Context, shares: &AgreementShares, size: (u32, u32)) -> Result<String> {
        fonts()?;
        svg_string(&rank::RankChart {
            agreement: &ctx.register.agreements[shares.agreement],
            shares,
            window: &ctx.allocation.window.label,
            lang: ctx.lang,
            size,
        })
    }

    /// An agreement's cumulative shares month by month.
    pub fn trend_svg(ctx: &Context, agreement: usize, size: (u32, u32)) -> Result<Option<String>> {
        fonts()?;
        match ctx.monthly.iter().find(|m| m.agreement == agreement) {
            Some(m) => svg_string(&TrendChart::new(ctx, &ctx.register.agreements[agreement], m, size)).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overview_subtitle_counts_what_it_shows_and_names_the_rank_orders() {
        // The sample: 7 key agreements shown, 1 out of balance, and the
        // rank-order agreement (Järnhandel) left out of the bars: page 1's
        // "2 av 8" is these 1 + 1 of 7 + 1.
        let row = |s| (String::new(), 0.0, 5.0, s);
        let mut rows = vec![row(Status::Imbalance)];
        rows.extend((0..6).map(|_| row(Status::Ok)));
        assert_eq!(
            overview_subtitle(Lang::Sv, &rows, 1),
            "1 av 7 avtal med fördelningsnyckel i obalans; 1 rangordnat avtal visas separat · \
             procentenheter från avtalad andel"
        );
        assert!(overview_subtitle(Lang::Sv, &rows, 2).contains("; 2 rangordnade avtal visas separat"));
        assert!(overview_subtitle(Lang::En, &rows, 1)
            .starts_with("1 of 7 agreements with an allocation key out of balance; 1 rank-order agreement shown"));
        // Without rank orders, as before.
        assert_eq!(
            overview_subtitle(Lang::Sv, &rows, 0),
            "1 av 7 avtal i obalans · avvikelse i procentenheter från avtalad andel"
        );
    }

    #[test]
    fn swedish_percentages_and_points() {
        assert_eq!(percent(32.456, 1, Lang::Sv), "32,5 %");
        assert_eq!(percent(32.456, 1, Lang::En), "32.5%");
        assert_eq!(percent(-0.01, 1, Lang::Sv), "0,0 %");
        assert_eq!(points(10.44, Lang::Sv), "+10,4 pe");
        // The terminal, the forum and the charts: no signed zero (the
        // sample's RA-2023-020 and RA-2023-011 to date, -0,0164 and +0,029).
        assert_eq!(points(24.9836 - 25.0, Lang::Sv), "0,0 pe");
        assert_eq!(points(30.0290 - 30.0, Lang::En), "0.0 pp");
        assert_eq!(points(-3.0, Lang::En), "-3.0 pp");
        assert_eq!(points(-0.01, Lang::Sv), "0,0 pe");
    }

    #[test]
    fn suppliers_never_get_the_warning_colour() {
        for i in 0..20 {
            assert_ne!(supplier_colour(i), WARNING);
        }
    }
}
