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

mod cached_text;
mod ceiling;
mod overview;
mod rank;
mod shares;
mod trend;

use cached_text::{CachedText, TextCache};
use ceiling::CeilingChart;
use overview::overview;
use shares::SharesChart;
use trend::TrendChart;

/// Writes the charts.
pub struct ChartReport;

/// The folder the charts go to.
pub const FOLDER: &str = "diagram";

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
    let s = crate::format::format_number(value, decimals, lang);
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

/// A chart's plotting area over two `f64` axes.
type Plane<'c, DB> =
    ChartContext<'c, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// Something drawable on any plotters backend.
trait Drawing: Sync {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>;
}

fn draw_err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Pixel buffers drawn into and used again: a chart's 4 MB buffer is
/// not allocated (and its pages faulted in) once per chart.
#[derive(Default)]
struct Buffers(std::sync::Mutex<Vec<Vec<u8>>>);

impl Buffers {
    fn take(&self) -> Vec<u8> {
        self.0.lock().map(|mut b| b.pop()).ok().flatten().unwrap_or_default()
    }

    fn give(&self, buffer: Vec<u8>) {
        if let Ok(mut b) = self.0.lock() {
            b.push(buffer);
        }
    }
}

/// What the charts of one run draw with again: pixel buffers and the
/// labels' pixels.
#[derive(Default)]
struct Reuse {
    buffers: Buffers,
    texts: TextCache,
}

/// Saves a drawing as `folder/stem.svg` and `folder/stem.png` (names made
/// by concatenation: a stem may hold dots). The pixel buffer comes from
/// `reuse` as the last chart left it: every chart fills its whole area
/// first ([`titled`]); the PNG's text from its labels' pixels
/// ([`CachedText`]; the SVG keeps text as text).
fn save(drawing: &impl Drawing, folder: &Path, stem: &str, reuse: &Reuse) -> Result<Vec<PathBuf>> {
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
    let mut buffer = reuse.buffers.take();
    buffer.resize(w as usize * h as usize * 3, 0);
    let drawn = {
        let pixels = BitMapBackend::with_buffer(&mut buffer, (w, h));
        let root = CachedText::new(pixels, &reuse.texts).into_drawing_area();
        drawing
            .draw(&root)
            .and_then(|()| root.present().map_err(draw_err))
            .map_err(|m| err(&png, m))
    };
    let written = drawn.and_then(|()| write_png(&png, &buffer, (w, h)).map_err(|m| err(&png, m)));
    reuse.buffers.give(buffer);
    written?;
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

/// A value label centred above its anchor.
fn value_style(colour: &'static RGBColor, bold: bool, size: i32) -> TextStyle<'static> {
    let f = (FONT, size).into_font();
    let f = if bold { f.style(FontStyle::Bold) } else { f };
    TextStyle::from(f)
        .color(colour)
        .pos(Pos::new(HPos::Center, VPos::Bottom))
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

impl ReportWriter for ChartReport {
    fn name(&self) -> &'static str {
        "charts"
    }

    /// Every chart is a job of its own, the overview too, so that both
    /// cores draw to the end; the files are listed in the jobs' order.
    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>> {
        fonts()?;
        let folder = dir.join(FOLDER);
        std::fs::create_dir_all(&folder).map_err(|e| Error::Output {
            path: folder.clone(),
            message: crate::lang::Text::io(&e),
        })?;
        let reuse = Reuse::default();
        let to = Save {
            folder: &folder,
            reuse: &reuse,
        };
        let drawn: Vec<Result<Vec<PathBuf>>> = jobs(ctx).par_iter().map(|job| draw_job(ctx, job, &to)).collect();
        let mut written = Vec::new();
        for r in drawn {
            written.extend(r?);
        }
        Ok(written)
    }
}

/// One chart to draw: which, of which agreement's shares, and its file stem.
enum Job<'a> {
    Shares(&'a AgreementShares, String),
    Trend(&'a AgreementShares, &'a Monthly, String),
    Ceiling(&'a AgreementShares, &'a Monthly, &'a CeilingUse, String),
    Overview,
}

/// The charts of every agreement reported (its shares or ranks, its trend
/// when it has a monthly series, its ceiling when it has one too), then
/// the overview; stems unique without case.
fn jobs<'a>(ctx: &Context<'a>) -> Vec<Job<'a>> {
    let mut taken: HashSet<String> = ["oversikt".to_string()].into_iter().collect();
    let mut jobs = Vec::new();
    for p in ctx.allocation.shares.iter().filter(|s| s.scope == Scope::Period) {
        let id = &ctx.register.agreements[p.agreement].id;
        let mut stem = sheet::file_stem(id, "avtal", &mut taken);
        // Keep "<stem>-trend" and "<stem>-takvolym" free.
        taken.insert(format!("{stem}-trend").to_lowercase());
        taken.insert(format!("{stem}-takvolym").to_lowercase());
        if stem.to_lowercase().ends_with("-trend") {
            stem = sheet::file_stem(&format!("{stem}_"), "avtal", &mut taken);
        }
        let monthly = ctx.monthly.iter().find(|m| m.agreement == p.agreement);
        let ceiling = ctx.ceilings.iter().find(|u| u.agreement == p.agreement);
        let (trend, takvolym) = (format!("{stem}-trend"), format!("{stem}-takvolym"));
        jobs.push(Job::Shares(p, stem));
        if let Some(m) = monthly {
            jobs.push(Job::Trend(p, m, trend));
            if let Some(u) = ceiling {
                jobs.push(Job::Ceiling(p, m, u, takvolym));
            }
        }
    }
    jobs.push(Job::Overview);
    jobs
}

/// What is done with a job's drawing: saved ([`Save`]; in the tests,
/// drawn through two backends and compared).
trait WithDrawing {
    type Out;
    fn with(&self, drawing: &impl Drawing, stem: &str) -> Self::Out;
}

/// Saves a drawing into `folder` ([`save`]).
struct Save<'s> {
    folder: &'s Path,
    reuse: &'s Reuse,
}

impl WithDrawing for Save<'_> {
    type Out = Result<Vec<PathBuf>>;
    fn with(&self, drawing: &impl Drawing, stem: &str) -> Self::Out {
        save(drawing, self.folder, stem, self.reuse)
    }
}

/// Draws one job's chart and hands it to `to`.
fn draw_job<W: WithDrawing>(ctx: &Context, job: &Job, to: &W) -> W::Out {
    let (size, lang) = (ctx.info.chart_size, ctx.lang);
    let window = ctx.allocation.window.label.as_str();
    match job {
        Job::Shares(p, stem) => {
            let agreement = &ctx.register.agreements[p.agreement];
            if agreement.is_rank() {
                let chart = rank::RankChart {
                    agreement,
                    shares: p,
                    window,
                    lang,
                    size,
                };
                to.with(&chart, stem)
            } else {
                let previous = ctx
                    .comparison
                    .and_then(|c| Some((c.of(p.agreement)?, c.previous.label.as_str())));
                let chart = SharesChart {
                    agreement,
                    shares: p,
                    window,
                    previous,
                    lang,
                    size,
                };
                to.with(&chart, stem)
            }
        }
        Job::Trend(p, m, stem) => {
            let agreement = &ctx.register.agreements[p.agreement];
            to.with(&TrendChart::new(ctx, agreement, m, size), stem)
        }
        Job::Ceiling(p, m, u, stem) => {
            let chart = CeilingChart {
                agreement: &ctx.register.agreements[p.agreement],
                usage: u,
                monthly: m,
                lang,
                size,
            };
            to.with(&chart, stem)
        }
        Job::Overview => to.with(&overview(ctx, size), "oversikt"),
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
    use super::overview::overview_subtitle;
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
