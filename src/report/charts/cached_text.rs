//! Text on the PNG charts drawn from a cache. Plotters' default
//! `draw_text` lays a label out and rasterises every glyph on every call;
//! the same labels (ticks, legends, months, percentages) come back chart
//! after chart. [`CachedText`] wraps a pixel backend, forwards every
//! drawing call to it unchanged and overrides only `draw_text`: a label —
//! its text, font family, size, style, colour, anchor and rotation — seen
//! a second time is rasterised once into the pixels the default would
//! draw, relative to the anchor point, and replayed from then on: the same
//! bounds check and the same `draw_pixel` calls in the same order, so the
//! PNG bytes are the same. A label seen once (a chart's title) is drawn
//! straight through and never kept; the cache stops taking labels past
//! [`MAX_PIXELS`] pixels.

use foldhash::fast::FixedState;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{FontStyle, FontTransform};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most pixels kept (8 bytes each): 8 MB of labels at most. The 126
/// charts of a 60-agreement run at the default size keep 106 068 (109
/// labels; 2 092 of its 3 099 labels are drawn from the cache).
const MAX_PIXELS: usize = 1 << 20;

/// The most labels remembered as seen once.
const MAX_SEEN: usize = 64 * 1024;

/// One pixel of a label: where, relative to the anchor point (after the
/// anchor offset and the rotation), and how opaque.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pixel {
    dx: i16,
    dy: i16,
    alpha: f32,
}

/// What the cache knows of a label.
enum Entry {
    /// Drawn once, straight through.
    Once,
    /// Its pixels, to replay.
    Kept(Arc<[Pixel]>),
    /// Not kept: its pixels do not fit [`Pixel`], or drawing it failed.
    Never,
}

/// A label's style as the default `draw_text` uses it, but the family.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Look {
    size: u64,
    style: u8,
    rgb: (u8, u8, u8),
    alpha: u64,
    anchor: (u8, u8),
    transform: u8,
}

impl Look {
    fn of<S: BackendTextStyle>(style: &S) -> Self {
        let anchor = style.anchor();
        let colour = style.color();
        Look {
            size: style.size().to_bits(),
            style: match style.style() {
                FontStyle::Normal => 0,
                FontStyle::Oblique => 1,
                FontStyle::Italic => 2,
                FontStyle::Bold => 3,
            },
            rgb: colour.rgb,
            alpha: colour.alpha.to_bits(),
            anchor: (
                match anchor.h_pos {
                    HPos::Left => 0,
                    HPos::Right => 1,
                    HPos::Center => 2,
                },
                match anchor.v_pos {
                    VPos::Top => 0,
                    VPos::Center => 1,
                    VPos::Bottom => 2,
                },
            ),
            transform: match style.transform() {
                FontTransform::None => 0,
                FontTransform::Rotate90 => 1,
                FontTransform::Rotate180 => 2,
                FontTransform::Rotate270 => 3,
            },
        }
    }
}

/// What to do with a label.
enum Step {
    /// Draw it straight through.
    Through,
    /// Rasterise it, keep it and replay it.
    Keep,
    /// Replay these pixels.
    Replay(Arc<[Pixel]>),
}

/// A look's labels by text.
type Labels = HashMap<Box<str>, Entry, FixedState>;

#[derive(Default)]
struct Store {
    /// Per family and look (a handful), the labels by text.
    looks: Vec<(Box<str>, Look, Labels)>,
    pixels: usize,
    seen: usize,
}

impl Store {
    fn labels(&mut self, family: &str, look: Look) -> &mut Labels {
        let i = match self.looks.iter().position(|(f, l, _)| **f == *family && *l == look) {
            Some(i) => i,
            None => {
                self.looks.push((family.into(), look, Labels::default()));
                self.looks.len() - 1
            }
        };
        &mut self.looks[i].2
    }

    fn step(&mut self, family: &str, look: Look, text: &str) -> Step {
        let full = self.pixels >= MAX_PIXELS;
        let seen_full = self.seen >= MAX_SEEN;
        let labels = self.labels(family, look);
        match labels.get(text) {
            Some(Entry::Kept(pixels)) => Step::Replay(pixels.clone()),
            Some(Entry::Once) if !full => Step::Keep,
            Some(_) => Step::Through,
            None if seen_full || full => Step::Through,
            None => {
                labels.insert(text.into(), Entry::Once);
                self.seen += 1;
                Step::Through
            }
        }
    }

    fn keep(&mut self, family: &str, look: Look, text: &str, pixels: Option<Arc<[Pixel]>>) {
        let added = pixels.as_ref().map_or(0, |p| p.len());
        let labels = self.labels(family, look);
        if let Some(entry) = labels.get_mut(text) {
            if matches!(entry, Entry::Once) {
                *entry = pixels.map_or(Entry::Never, Entry::Kept);
                self.pixels += added;
            }
        }
    }
}

/// Labels' pixels shared by the charts drawn in one run (both threads).
#[derive(Default)]
pub(super) struct TextCache(Mutex<Store>);

impl TextCache {
    fn step(&self, family: &str, look: Look, text: &str) -> Step {
        match self.0.lock() {
            Ok(mut store) => store.step(family, look, text),
            Err(_) => Step::Through,
        }
    }

    fn keep(&self, family: &str, look: Look, text: &str, pixels: Option<Arc<[Pixel]>>) {
        if let Ok(mut store) = self.0.lock() {
            store.keep(family, look, text, pixels);
        }
    }

    #[cfg(test)]
    fn pixels(&self) -> usize {
        self.0.lock().map_or(0, |s| s.pixels)
    }
}

/// A pixel backend whose text comes from a [`TextCache`].
pub(super) struct CachedText<'c, DB> {
    inner: DB,
    cache: &'c TextCache,
}

impl<'c, DB: DrawingBackend> CachedText<'c, DB> {
    pub(super) fn new(inner: DB, cache: &'c TextCache) -> Self {
        CachedText { inner, cache }
    }

    /// The default `draw_text`'s pixels, relative to the anchor point, in
    /// its order; `None` when the font fails (the default reports it) or a
    /// pixel does not fit [`Pixel`] (not the style's colour, an alpha that
    /// is no `f32`, an offset past `i16`).
    fn rasterise<S: BackendTextStyle>(text: &str, style: &S) -> Option<Arc<[Pixel]>> {
        let rgb = style.color().rgb;
        let ((min_x, min_y), (max_x, max_y)) = style.layout_box(text).ok()?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let mut pixels = Vec::new();
        let drawn = style.draw(text, (0, 0), |x, y, colour: BackendColor| {
            let (x, y) = trans.transform(x + dx - min_x, y + dy - min_y);
            let alpha = colour.alpha as f32;
            let fits = colour.rgb == rgb && f64::from(alpha).to_bits() == colour.alpha.to_bits();
            match (i16::try_from(x), i16::try_from(y)) {
                (Ok(dx), Ok(dy)) if fits => {
                    pixels.push(Pixel { dx, dy, alpha });
                    Ok(())
                }
                _ => Err(()),
            }
        });
        match drawn {
            Ok(Ok(())) => Some(pixels.into()),
            _ => None,
        }
    }

    /// The pixels drawn at `pos` as the default `draw_text` draws them.
    /// A failing `draw_pixel` comes back as its own error (the default,
    /// through ab_glyph, as a font error); the bitmap's never fails.
    fn replay(
        &mut self,
        pixels: &[Pixel],
        rgb: (u8, u8, u8),
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let (w, h) = self.inner.get_size();
        for p in pixels {
            let (x, y) = (pos.0 + i32::from(p.dx), pos.1 + i32::from(p.dy));
            if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                let colour = BackendColor {
                    alpha: f64::from(p.alpha),
                    rgb,
                };
                self.inner.draw_pixel((x, y), colour)?;
            }
        }
        Ok(())
    }
}

impl<DB: DrawingBackend> DrawingBackend for CachedText<'_, DB> {
    type ErrorType = DB::ErrorType;

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        let look = Look::of(style);
        let family = style.family();
        match self.cache.step(family.as_str(), look, text) {
            Step::Through => self.inner.draw_text(text, style, pos),
            Step::Replay(pixels) => self.replay(&pixels, colour.rgb, pos),
            Step::Keep => {
                let pixels = Self::rasterise(text, style);
                self.cache.keep(family.as_str(), look, text, pixels.clone());
                match pixels {
                    Some(p) => self.replay(&p, colour.rgb, pos),
                    None => self.inner.draw_text(text, style, pos),
                }
            }
        }
    }

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.inner.estimate_text_size(text, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{draw_job, fonts, jobs, Drawing, WithDrawing, FONT, TEXT};
    use super::*;
    use crate::report::testing::Analysis;
    use plotters::prelude::*;
    use plotters::style::text_anchor::Pos;

    /// A drawing's RGB pixels, through the cache or through the plain
    /// bitmap backend.
    fn pixels(drawing: &impl Drawing, cache: Option<&TextCache>) -> Vec<u8> {
        let (w, h) = drawing.size();
        let mut buffer = vec![0; w as usize * h as usize * 3];
        {
            let plain = BitMapBackend::with_buffer(&mut buffer, (w, h));
            let drawn = match cache {
                Some(c) => {
                    let root = CachedText::new(plain, c).into_drawing_area();
                    drawing
                        .draw(&root)
                        .and_then(|()| root.present().map_err(|e| e.to_string()))
                }
                None => {
                    let root = plain.into_drawing_area();
                    drawing
                        .draw(&root)
                        .and_then(|()| root.present().map_err(|e| e.to_string()))
                }
            };
            assert_eq!(drawn, Ok(()));
        }
        buffer
    }

    /// Compares a drawing's pixels through both backends.
    struct Same<'c>(&'c TextCache);

    impl WithDrawing for Same<'_> {
        type Out = ();
        fn with(&self, drawing: &impl Drawing, stem: &str) {
            assert!(pixels(drawing, Some(self.0)) == pixels(drawing, None), "{stem}");
        }
    }

    #[test]
    fn every_chart_through_the_cache_is_the_plain_bitmap() {
        fonts().expect("the embedded font");
        let built = Analysis::builder().build();
        let ctx = built.ctx();
        let cache = TextCache::default();
        let jobs = jobs(&ctx);
        // RA-K (shares, trend, ceiling), RA-R (ranks, trend), the overview.
        assert_eq!(jobs.len(), 6);
        // Twice: the second round draws the repeated labels from the cache.
        for _ in 0..2 {
            for job in &jobs {
                draw_job(&ctx, job, &Same(&cache));
            }
        }
        assert!(cache.pixels() > 0);
    }

    /// Texts on a 160 × 100 canvas.
    struct Texts<'s>(Vec<(&'static str, TextStyle<'s>, (i32, i32))>);

    impl Drawing for Texts<'_> {
        fn size(&self) -> (u32, u32) {
            (160, 100)
        }

        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, plotters::coord::Shift>) -> Result<(), String> {
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            for (text, style, at) in &self.0 {
                root.draw_text(text, style, *at).map_err(|e| e.to_string())?;
            }
            Ok(())
        }
    }

    fn style(size: i32, transform: FontTransform, h: HPos, v: VPos) -> TextStyle<'static> {
        TextStyle::from((FONT, size).into_font().transform(transform))
            .color(&TEXT)
            .pos(Pos::new(h, v))
    }

    #[test]
    fn labels_drawn_again_rotated_and_cut_off_are_the_plain_bitmap() {
        fonts().expect("the embedded font");
        let plain = style(20, FontTransform::None, HPos::Left, VPos::Top);
        let bold = TextStyle::from((FONT, 24).into_font().style(FontStyle::Bold))
            .color(&RGBColor(0xD5, 0x5E, 0x00))
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        let blue = BLUE.mix(0.3);
        let see_through = TextStyle::from((FONT, 20).into_font()).color(&blue);
        let mut labels = vec![("Titel en gång", plain.clone(), (4, 2))];
        // "32,5 %" four times: seen, kept, replayed twice; the last two
        // cut off at the left and bottom edges.
        for at in [(10, 30), (60, 60), (-12, 40), (120, 88)] {
            labels.push(("32,5 %", plain.clone(), at));
        }
        for at in [(80, 50), (150, 12), (80, 50)] {
            labels.push(("Ök", bold.clone(), at));
        }
        // Rotated, each twice and once across the top edge.
        for (t, h, v) in [
            (FontTransform::Rotate90, HPos::Center, VPos::Center),
            (FontTransform::Rotate180, HPos::Right, VPos::Top),
            (FontTransform::Rotate270, HPos::Left, VPos::Bottom),
        ] {
            for at in [(40, 50), (100, 5), (70, -6)] {
                labels.push(("Avtalad andel", style(14, t.clone(), h, v), at));
            }
        }
        // An alpha that is no f32 (0.3 × coverage): never kept, still drawn.
        for at in [(5, 70), (30, 75), (55, 80)] {
            labels.push(("jan", see_through.clone(), at));
        }
        let labels = Texts(labels);
        let cache = TextCache::default();
        assert!(pixels(&labels, Some(&cache)) == pixels(&labels, None));
        // Kept: "32,5 %", "Ök" and the three rotations; not the title.
        let kept = |text: &str| {
            cache.0.lock().map_or(0, |s| {
                s.looks
                    .iter()
                    .filter(|l| matches!(l.2.get(text), Some(Entry::Kept(_))))
                    .count()
            })
        };
        assert_eq!(
            (
                kept("Titel en gång"),
                kept("32,5 %"),
                kept("Ök"),
                kept("Avtalad andel"),
                kept("jan")
            ),
            (0, 1, 1, 3, 0)
        );
        // Drawn again with the labels in the cache: still the same.
        assert!(pixels(&labels, Some(&cache)) == pixels(&labels, None));
    }

    #[test]
    fn a_font_error_comes_back_as_the_plain_backends_error() {
        fonts().expect("the embedded font");
        let missing = TextStyle::from(("no-such-font", 20).into_font()).color(&TEXT);
        let (mut a, mut b) = (vec![0u8; 30 * 20 * 3], vec![0u8; 30 * 20 * 3]);
        let cache = TextCache::default();
        let mut cached = CachedText::new(BitMapBackend::with_buffer(&mut a, (30, 20)), &cache);
        let mut plain = BitMapBackend::with_buffer(&mut b, (30, 20));
        // Seen, then tried for the cache, then drawn through.
        for _ in 0..3 {
            let got = cached.draw_text("x", &missing, (2, 2)).map_err(|e| e.to_string());
            let want = plain.draw_text("x", &missing, (2, 2)).map_err(|e| e.to_string());
            assert_eq!(got, want);
            assert_eq!(got, Err("Font loading error: FontUnavailable".to_string()));
        }
    }
}
