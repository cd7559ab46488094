//! A rank agreement's chart (rule 13): the share of each rank in the
//! window, rank 1 first, the undocumented part of a lower rank's bar
//! marked in the warning colour.

use super::*;
use crate::register::Basis;

pub(super) struct RankChart<'a> {
    pub agreement: &'a Agreement,
    pub shares: &'a AgreementShares,
    pub window: &'a str,
    pub lang: Lang,
    pub size: (u32, u32),
}

impl RankChart<'_> {
    /// Per supplier by rank: (index, share, undocumented part), percent.
    fn bars(&self) -> Vec<(usize, f64, f64)> {
        let p = self.shares;
        let total = match self.agreement.basis {
            Basis::Amount => p.total_amount as f64,
            Basis::Count => p.total_call_offs as f64,
        };
        self.agreement
            .by_rank()
            .into_iter()
            .filter_map(|i| {
                let s = p.suppliers.get(i)?;
                let u = p
                    .rank
                    .as_ref()
                    .and_then(|r| r.undocumented.get(i))
                    .copied()
                    .unwrap_or_default();
                let undoc = match self.agreement.basis {
                    Basis::Amount => u.amount as f64,
                    Basis::Count => u.call_offs as f64,
                };
                let undoc = if total > 0.0 {
                    (100.0 * undoc / total).max(0.0)
                } else {
                    0.0
                };
                let share = s.actual_pct.unwrap_or(0.0).max(0.0);
                Some((i, share, undoc.min(share)))
            })
            .collect()
    }
}

impl RankChart<'_> {
    fn subtitle(&self) -> String {
        let (l, lang, p) = (labels(self.lang), self.lang, self.shares);
        let skip = p
            .rank
            .as_ref()
            .and_then(|r| r.skip_pct)
            .map_or("-".into(), |v| percent(v, 1, lang));
        format!(
            "{} {} · {} · {}: {}",
            l.window,
            self.window,
            lang.pick(
                format!(
                    "odokumenterade avsteg {skip} (tolerans {})",
                    percent(p.tolerance_pp, 0, lang)
                ),
                format!(
                    "undocumented skips {skip} (tolerance {})",
                    percent(p.tolerance_pp, 0, lang)
                )
            ),
            l.status,
            labels::status(lang, p.status)
        )
    }
}

/// A rank's name under its bar, wrapped to the bar's width.
fn bar_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    name: &str,
    (cx, cy): (i32, i32),
    width: i32,
    colour: RGBColor,
    px: &impl Fn(f64) -> i32,
) -> std::result::Result<(), String> {
    let font = TextStyle::from((FONT, px(24.0)).into_font())
        .color(&colour)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (n, line) in wrap(name, &font, width - px(12.0), root).iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (cx, cy + px(14.0) + n as i32 * px(30.0)),
            font.clone(),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

impl Drawing for RankChart<'_> {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        let lang = self.lang;
        let a = self.agreement;
        let scale = self.size.1 as f64 / 900.0;
        let px = scaler(scale);
        let body = titled(root, &format!("{} {}", a.id, a.name), &self.subtitle(), scale)?;
        let bars = self.bars();
        let legend_items = vec![
            (
                supplier_colour(0),
                lang.pick("andel per rang (dokumenterat)", "share by rank (documented)")
                    .to_string(),
                false,
            ),
            (
                WARNING,
                lang.pick("odokumenterat avsteg", "undocumented skip").to_string(),
                false,
            ),
        ];
        legend(&body, &legend_items, (px(40.0), px(0.0)), scale)?;
        let (_, area) = body.split_vertically(px(50.0));
        let y_max = bars.iter().map(|b| b.1).fold(10.0f64, f64::max) * 1.15;
        let y_max = y_max.min(115.0);
        let mut chart = ChartBuilder::on(&area)
            .margin_left(px(30.0))
            .margin_right(px(40.0))
            .x_label_area_size(px(90.0))
            .y_label_area_size(px(90.0))
            .build_cartesian_2d(0f64..bars.len().max(1) as f64, 0f64..y_max)
            .map_err(draw_err)?;
        quiet_grid(&mut chart.configure_mesh())
            .disable_x_mesh()
            .disable_x_axis()
            .y_labels(8)
            .y_label_formatter(&|v| percent(*v, 0, lang))
            .y_label_style((FONT, px(24.0)).into_font().color(&TEXT))
            .draw()
            .map_err(draw_err)?;
        for (k, &(i, share, undoc)) in bars.iter().enumerate() {
            let x = k as f64;
            let colour = supplier_colour(i);
            let documented = share - undoc;
            let rect = |lo: f64, hi: f64, c: RGBColor| Rectangle::new([(x + 0.2, lo), (x + 0.8, hi)], c.filled());
            chart
                .draw_series(std::iter::once(rect(0.0, documented, colour)))
                .map_err(draw_err)?;
            if undoc > 0.0 {
                chart
                    .draw_series(std::iter::once(rect(documented, share, WARNING)))
                    .map_err(draw_err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        lang.pick(
                            format!("varav {}", percent(undoc, 1, lang)),
                            format!("of which {}", percent(undoc, 1, lang)),
                        ),
                        (x + 0.5, documented + undoc / 2.0),
                        TextStyle::from((FONT, px(22.0)).into_font())
                            .color(&WHITE)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    )))
                    .map_err(draw_err)?;
            }
            chart
                .draw_series(std::iter::once(Text::new(
                    percent(share, 1, lang),
                    (x + 0.5, share),
                    value_style(if undoc > 0.0 { &WARNING } else { &TEXT }, true, px(24.0)),
                )))
                .map_err(draw_err)?;
            let sup = &a.suppliers[i];
            let width = chart.backend_coord(&(x + 1.0, 0.0)).0 - chart.backend_coord(&(x, 0.0)).0;
            let name = format!("{}. {}", sup.rank.unwrap_or(0), sup.name);
            bar_label(root, &name, chart.backend_coord(&(x + 0.5, 0.0)), width, colour, &px)?;
        }
        Ok(())
    }
}
