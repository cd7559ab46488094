//! An agreement's shares chart: agreed against actual share per supplier,
//! the tolerance band around each agreed share.

use super::*;

/// Agreed against actual share per supplier, the tolerance band around each
/// agreed share; actual bars outside the band in the warning colour.
pub(super) struct SharesChart<'a> {
    pub(super) agreement: &'a Agreement,
    pub(super) shares: &'a AgreementShares,
    pub(super) window: &'a str,
    /// The previous window's shares and label (rule 12), drawn as a mark
    /// on each actual bar.
    pub(super) previous: Option<(&'a AgreementShares, &'a str)>,
    pub(super) lang: Lang,
    pub(super) size: (u32, u32),
}

impl Drawing for SharesChart<'_> {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        let a = self.agreement;
        let p = self.shares;
        let scale = self.size.1 as f64 / 900.0;
        let px = scaler(scale);
        let title = format!("{} {}", a.id, a.name);
        let body = titled(root, &title, &self.subtitle(), scale)?;
        let tol = p.tolerance_pp;
        let n = a.suppliers.len();
        let top = a
            .suppliers
            .iter()
            .zip(&p.suppliers)
            .map(|(s, x)| (s.share + tol).max(x.actual_pct.unwrap_or(0.0)))
            .fold(10.0f64, f64::max);
        let y_max = (top * 1.18).min(118.0);
        legend(&body, &self.legend_items(), (px(40.0), px(0.0)), scale)?;
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
        for i in 0..a.suppliers.len().min(p.suppliers.len()) {
            self.supplier(&mut chart, root, i, y_max, scale)?;
        }
        Ok(())
    }
}

impl SharesChart<'_> {
    /// The window, the total on the agreement's basis (kronor, or
    /// call-offs) and the status.
    fn subtitle(&self) -> String {
        let (l, p) = (labels(self.lang), self.shares);
        let total = match self.agreement.basis {
            Basis::Amount => crate::format::sek_unit(p.total_amount as i128, self.lang),
            Basis::Count => format!(
                "{} {}",
                crate::format::count(p.total_call_offs, self.lang),
                self.lang.pick("avrop", "call-offs")
            ),
        };
        format!(
            "{} {} · {total} · {}: {}",
            l.window,
            self.window,
            l.status,
            labels::status(self.lang, p.status)
        )
    }

    fn legend_items(&self) -> Vec<(RGBColor, String, bool)> {
        let l = labels(self.lang);
        let tol = self.shares.tolerance_pp;
        let mut legend_items = vec![
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
        if let Some((_, label)) = self.previous {
            legend_items.push((
                TEXT,
                format!("{} {label}", self.lang.pick("Förra perioden", "Previous window")),
                true,
            ));
        }
        legend_items
    }

    /// Supplier `i`'s group: the tolerance band, the agreed and actual
    /// bars with their values, the previous window's mark, the name.
    fn supplier<DB: DrawingBackend>(
        &self,
        chart: &mut Plane<DB>,
        root: &DrawingArea<DB, Shift>,
        i: usize,
        y_max: f64,
        scale: f64,
    ) -> std::result::Result<(), String> {
        let (Some(sup), Some(s)) = (self.agreement.suppliers.get(i), self.shares.suppliers.get(i)) else {
            return Ok(());
        };
        let (lang, px, tol) = (self.lang, scaler(scale), self.shares.tolerance_pp);
        let value_font = |colour: &'static RGBColor, bold: bool| value_style(colour, bold, px(24.0));
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
        self.supplier_name(chart, root, i, &sup.name, scale)
    }

    /// Supplier `i`'s name under its group, in its colour, wrapped in two
    /// lines.
    fn supplier_name<DB: DrawingBackend>(
        &self,
        chart: &Plane<DB>,
        root: &DrawingArea<DB, Shift>,
        i: usize,
        name: &str,
        scale: f64,
    ) -> std::result::Result<(), String> {
        let (x, px, colour) = (i as f64, scaler(scale), supplier_colour(i));
        let (cx, cy) = chart.backend_coord(&(x + 0.5, 0.0));
        let name_font = TextStyle::from((FONT, px(24.0)).into_font())
            .color(&colour)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let group_width = chart.backend_coord(&(x + 1.0, 0.0)).0 - chart.backend_coord(&(x, 0.0)).0;
        for (k, line) in wrap(name, &name_font, group_width - px(12.0), root).iter().enumerate() {
            root.draw(&Text::new(
                line.clone(),
                (cx, cy + px(14.0) + k as i32 * px(30.0)),
                name_font.clone(),
            ))
            .map_err(draw_err)?;
        }
        Ok(())
    }
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
