//! An agreement's ceiling chart (rule 11): cumulative use of the ceiling
//! over the agreement's life.

use super::*;

/// Cumulative use of an agreement's ceiling over its life (rule 11): the
/// used amount month by month, the ceiling and the warning level, the
/// forecast dashed to the ceiling at today's pace, the end date marked.
pub(super) struct CeilingChart<'a> {
    pub(super) agreement: &'a Agreement,
    pub(super) usage: &'a CeilingUse,
    pub(super) monthly: &'a Monthly,
    pub(super) lang: Lang,
    pub(super) size: (u32, u32),
}

impl Drawing for CeilingChart<'_> {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        let (a, u, lang) = (self.agreement, self.usage, self.lang);
        let scale = self.size.1 as f64 / 900.0;
        let px = scaler(scale);
        let title = format!("{} {} – {}", a.id, a.name, lang.pick("takvolym", "ceiling"));
        let body = titled(root, &title, &self.subtitle(), scale)?;
        legend(&body, &self.legend_items(), (px(40.0), px(0.0)), scale)?;
        let (_, chart_area) = body.split_vertically(px(50.0));
        let (start, points) = self.used_points();
        let end = self.day(a.valid_to);
        let forecast_end = u.forecast_date.map(|d| self.day(d)).unwrap_or(end);
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
            .y_label_formatter(&|v| format!("{} {}", crate::format::format_float(*v, 0), lang.pick("mkr", "MSEK")))
            .label_style((FONT, px(22.0)).into_font().color(&TEXT))
            .draw()
            .map_err(draw_err)?;
        if start > 0.0 {
            self.no_exports(&mut chart, start, y_max, scale)?;
        }
        self.levels(&mut chart, (x_max, y_max), scale)?;
        self.used(&mut chart, points, x_max, scale)
    }
}

/// Units of an amount as millions of kronor.
fn mkr(units: i64) -> f64 {
    units as f64 / crate::parse::AMOUNT_SCALE as f64 / 1e6
}

impl CeilingChart<'_> {
    /// Days from the agreement's start.
    fn day(&self, d: chrono::NaiveDate) -> f64 {
        (d - self.agreement.valid_from).num_days() as f64
    }

    fn subtitle(&self) -> String {
        let (u, lang) = (self.usage, self.lang);
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
        subtitle
    }

    fn legend_items(&self) -> Vec<(RGBColor, String, bool)> {
        let lang = self.lang;
        vec![
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
                    percent(self.usage.ceiling.warn_pct, 0, lang)
                ),
                true,
            ),
        ]
    }

    /// Where the line starts (the first month the exports cover: months
    /// before the first export read are unknown, not zero) and the
    /// cumulative used at the end of each month up to `as_of`.
    fn used_points(&self) -> (f64, Vec<(f64, f64)>) {
        let (a, u, m) = (self.agreement, self.usage, self.monthly);
        let last_month = crate::allocate::monthly::month_key(u.as_of);
        let mut running = 0i64;
        let first_read = m
            .months
            .iter()
            .copied()
            .find(|k| !u.missing_months.contains(k))
            .unwrap_or(last_month);
        let start = self.day(month_start(first_read).max(a.valid_from)).max(0.0);
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
            points.push((self.day(month_end).max(0.0), mkr(running)));
        }
        (start, points)
    }

    /// The months before the first export, shaded and named.
    fn no_exports<DB: DrawingBackend>(
        &self,
        chart: &mut Plane<DB>,
        start: f64,
        y_max: f64,
        scale: f64,
    ) -> std::result::Result<(), String> {
        let px = scaler(scale);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, 0.0), (start, y_max)],
                RGBColor(0xEE, 0xEE, 0xEE).filled(),
            )))
            .map_err(draw_err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                self.lang.pick("inga exporter", "no exports").to_string(),
                (start / 2.0, y_max * 0.5),
                TextStyle::from((FONT, px(22.0)).into_font())
                    .color(&GREY)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            )))
            .map_err(draw_err)?;
        Ok(())
    }

    /// The warning level, the ceiling and the agreement's end.
    fn levels<DB: DrawingBackend>(
        &self,
        chart: &mut Plane<DB>,
        (x_max, y_max): (f64, f64),
        scale: f64,
    ) -> std::result::Result<(), String> {
        let (a, u, px) = (self.agreement, self.usage, scaler(scale));
        let ceiling = mkr(u.ceiling.ceiling);
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
        let end = self.day(a.valid_to);
        chart
            .draw_series(LineSeries::new(
                vec![(end, 0.0), (end, y_max)],
                TEXT.stroke_width(px(2.0) as u32),
            ))
            .map_err(draw_err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{} {}", self.lang.pick("Avtalet slutar", "Agreement ends"), a.valid_to),
                (end, y_max * 0.97),
                TextStyle::from((FONT, px(22.0)).into_font())
                    .color(&TEXT)
                    .pos(Pos::new(HPos::Right, VPos::Top)),
            )))
            .map_err(draw_err)?;
        Ok(())
    }

    /// The used line, the forecast dashed to the ceiling, and the date the
    /// ceiling was reached.
    fn used<DB: DrawingBackend>(
        &self,
        chart: &mut Plane<DB>,
        points: Vec<(f64, f64)>,
        x_max: f64,
        scale: f64,
    ) -> std::result::Result<(), String> {
        let (u, lang, px) = (self.usage, self.lang, scaler(scale));
        let ceiling = mkr(u.ceiling.ceiling);
        let colour = supplier_colour(0);
        let last = points.last().copied().unwrap_or((0.0, 0.0));
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(px(5.0) as u32)))
            .map_err(draw_err)?;
        if let Some(f) = u.forecast_date {
            let day = self.day(f);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![
                        last,
                        (
                            day.min(x_max),
                            ceiling.min(last.1 + (ceiling - last.1) * (x_max - last.0) / (day - last.0).max(1.0)),
                        ),
                    ],
                    px(14.0),
                    px(10.0),
                    colour.stroke_width(px(4.0) as u32),
                ))
                .map_err(draw_err)?;
            if day <= x_max {
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{} {f} ", lang.pick("nås", "reached")),
                        (day, ceiling * 1.03),
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
                    (self.day(r), ceiling),
                    px(10.0),
                    WARNING.filled(),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{} {r} ", lang.pick("taket nåddes", "reached")),
                    (self.day(r), ceiling * 1.03),
                    TextStyle::from((FONT, px(24.0)).into_font().style(FontStyle::Bold))
                        .color(&WARNING)
                        .pos(Pos::new(HPos::Right, VPos::Bottom)),
                )))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}
