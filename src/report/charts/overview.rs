//! The overview chart: every agreement's largest deviation.

use super::*;

/// The overview's subtitle: how many of the agreements shown are out of
/// balance; rank-order agreements (not shown: they have no key to deviate
/// from) are counted apart, so the figures add up with page 1's.
pub(super) fn overview_subtitle(lang: Lang, rows: &[(String, f64, f64, Status)], ranked: usize) -> String {
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
pub(super) struct OverviewChart<'a> {
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
        let scale = (self.size.0 as f64 / 1600.0).min(1.5);
        let px = scaler(scale);
        let title = match self.lang {
            Lang::Sv => format!("Största avvikelse per ramavtal – {}", self.window),
            Lang::En => format!("Largest deviation per framework agreement – {}", self.window),
        };
        let subtitle = overview_subtitle(self.lang, &self.rows, self.ranked);
        let body = titled(root, &title, &subtitle, scale)?;
        legend(&body, &self.legend_items(), (px(40.0), px(0.0)), scale)?;
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
        for i in 0..self.rows.len() {
            self.row(&mut chart, root, i, (x_max, label_width), scale)?;
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

impl OverviewChart<'_> {
    fn legend_items(&self) -> Vec<(RGBColor, String, bool)> {
        let l = labels(self.lang);
        vec![
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
        ]
    }

    /// Row `i`: the agreement's tolerance band, its deviation as a bar in
    /// its status colour with the value, and its name (shortened to fit
    /// `label_width`) on the left.
    fn row<DB: DrawingBackend>(
        &self,
        chart: &mut Plane<DB>,
        root: &DrawingArea<DB, Shift>,
        i: usize,
        (x_max, label_width): (f64, i32),
        scale: f64,
    ) -> std::result::Result<(), String> {
        let Some((name, dev, tol, status)) = self.rows.get(i) else {
            return Ok(());
        };
        let (lang, px) = (self.lang, scaler(scale));
        let font_px = px(22.0);
        let n = self.rows.len().max(1);
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
        Ok(())
    }
}

/// The overview chart of every reported agreement's largest deviation.
pub(super) fn overview<'a>(ctx: &'a Context, (w, h): (u32, u32)) -> OverviewChart<'a> {
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
