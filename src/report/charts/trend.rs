//! An agreement's trend chart: cumulative actual share per supplier by
//! month, agreed shares dashed.

use super::*;

/// Cumulative actual share per supplier by month, agreed shares dashed.
pub(super) struct TrendChart<'a> {
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
    pub(super) fn new(ctx: &'a Context, agreement: &'a Agreement, monthly: &'a Monthly, size: (u32, u32)) -> Self {
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
        let body = titled(root, &title, &self.subtitle(first, last), scale)?;
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
        self.window_band(&mut chart, first, (x_max, y_max), scale)?;
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
        self.lines(&mut chart, lo, x_max, scale)
    }
}

impl TrendChart<'_> {
    /// The months shown and what the dashed lines are (a rank order has no
    /// agreed share to draw, rule 13).
    fn subtitle(&self, first: i32, last: i32) -> String {
        format!(
            "{} – {} · {}",
            month_start(first).format("%Y-%m"),
            month_start(last).format("%Y-%m"),
            if self.agreement.is_rank() {
                self.lang.pick(
                    "rangordning: rang 1 avropas först",
                    "rank order: rank 1 is called first",
                )
            } else {
                dashed_note(self.lang)
            }
        )
    }

    /// The report window, shaded and named (`first`: the first month shown).
    fn window_band<DB: DrawingBackend>(
        &self,
        chart: &mut Plane<DB>,
        first: i32,
        (x_max, y_max): (f64, f64),
        scale: f64,
    ) -> std::result::Result<(), String> {
        let px = scaler(scale);
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
                    format!("{} {}", self.lang.pick("perioden", "window"), self.window_label),
                    ((w0.max(0.0) + w1.min(x_max)) / 2.0, y_max * 0.98),
                    TextStyle::from((FONT, px(20.0)).into_font())
                        .color(&GREY)
                        .pos(Pos::new(HPos::Center, VPos::Top)),
                )))
                .map_err(draw_err)?;
        }
        Ok(())
    }

    /// Each supplier's agreed share dashed and its cumulative share from
    /// month `lo` on. Suppliers with the same agreed share share one dashed
    /// line: their dashes take turns along it, so every colour shows.
    fn lines<DB: DrawingBackend>(
        &self,
        chart: &mut Plane<DB>,
        lo: usize,
        x_max: f64,
        scale: f64,
    ) -> std::result::Result<(), String> {
        let (a, m, px) = (self.agreement, self.monthly, scaler(scale));
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

fn dashed_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "streckad linje = avtalad andel",
        Lang::En => "dashed line = agreed share",
    }
}
