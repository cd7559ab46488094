//! Report windows of whole months (docs/rules.md, rule 6): `2019`, `2019-H1`, `2019-T2`,
//! `2019-Q3`, `2019-05`, `2019-01..2019-08`.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A window of whole months, first and last day inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The window as written in its canonical form (docs/rules.md, rule 6); also the name of
    /// the output folder.
    pub label: String,
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} – {})", self.label, self.start, self.end)
    }
}

/// `year·12 + month − 1`: consecutive months are consecutive numbers.
pub fn month_key(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month0() as i32
}

/// The days of rows that a scan of their dates kept: the earliest and
/// latest, and their months ([`month_key`]).
#[derive(Debug, Default)]
pub struct Days {
    pub span: Option<(i32, i32)>,
    pub months: std::collections::BTreeSet<i32>,
}

impl Days {
    /// The rows' dates (days) that `keep` accepts, looked at in pieces
    /// side by side.
    pub fn of(rows: &crate::read::Rows, keep: impl Fn(i32) -> bool + Sync) -> Days {
        let piece = |mut days: Days, range| {
            let mut last_day = None;
            for d in rows.dates(range).flatten() {
                if last_day == Some(d) || !keep(d) {
                    continue; // rows come mostly in date order
                }
                last_day = Some(d);
                days.span = Some(days.span.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
                days.months.insert(month_key(crate::parse::days_to_date(d)));
            }
            days
        };
        rows.fold(Days::default, piece, Days::merged)
    }

    fn merged(mut self, mut other: Days) -> Days {
        self.months.append(&mut other.months);
        self.span = match (self.span, other.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
        self
    }
}

/// The first day of the month of a [`month_key`].
pub fn month_start(key: i32) -> NaiveDate {
    first_day(key.div_euclid(12), key.rem_euclid(12) as u32 + 1).unwrap_or(NaiveDate::MIN)
}

fn first_day(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    first_day(y, m)?.pred_opt()
}

fn year_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let month: u32 = m.parse().ok()?;
    (1..=12).contains(&month).then_some((y.parse().ok()?, month))
}

impl Window {
    /// From the first to the last month (inclusive).
    fn months(from: (i32, u32), to: (i32, u32), label: String) -> Option<Window> {
        let start = first_day(from.0, from.1)?;
        let end = month_end(to.0, to.1)?;
        (start <= end).then_some(Window { start, end, label })
    }

    /// Parses a window; `None` when it is not one of the forms of rule 6.
    pub fn parse(text: &str) -> Option<Window> {
        let s = text.trim();
        if let Some((a, b)) = s.split_once("..") {
            let from = year_month(a.trim())?;
            let to = year_month(b.trim())?;
            let label = format!("{:04}-{:02}..{:04}-{:02}", from.0, from.1, to.0, to.1);
            return Window::months(from, to, label);
        }
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            let y: i32 = s.parse().ok()?;
            return Window::months((y, 1), (y, 12), s.to_string());
        }
        if let Some((y, rest)) = s.split_once('-') {
            if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let year: i32 = y.parse().ok()?;
            let upper = rest.to_ascii_uppercase();
            // `get` rather than `split_at`: a non-ASCII first character
            // (`2019-ö1`) is no window, not a panic.
            let (Some(kind), Some(n)) = (upper.get(..1), upper.get(1..)) else {
                return None;
            };
            let n: u32 = if kind.bytes().all(|b| b.is_ascii_alphabetic()) {
                n.parse().ok()?
            } else {
                0
            };
            let (first, len) = match (kind, n) {
                ("H", 1..=2) => (1 + (n - 1) * 6, 6),
                ("T", 1..=3) => (1 + (n - 1) * 4, 4),
                ("Q", 1..=4) => (1 + (n - 1) * 3, 3),
                _ => {
                    let (yy, m) = year_month(s)?;
                    return Window::months((yy, m), (yy, m), format!("{yy:04}-{m:02}"));
                }
            };
            return Window::months((year, first), (year, first + len - 1), format!("{year:04}-{kind}{n}"));
        }
        None
    }

    /// The window a text that is not one probably means, written the way
    /// [`Window::parse`] reads it: `2026 T2`, `T2 2026`, `tertial 2 2026`,
    /// `2026T2`, `H1 2026`, `kvartal 3 2026` → `2026-T2`, `2026-H1`,
    /// `2026-Q3`; `2026 5` → `2026-05`. `None` when nothing fits.
    pub fn suggest(text: &str) -> Option<String> {
        let lower = text.trim().to_lowercase();
        if lower.chars().count() > 40 {
            return None;
        }
        let (mut year, mut kind, mut n) = (None::<&str>, None::<char>, None::<&str>);
        for word in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            // `2026t2`: the year first, the rest as its own word.
            let (y, rest) = match word.char_indices().nth(4) {
                Some((i, c)) if c.is_alphabetic() && word[..i].bytes().all(|b| b.is_ascii_digit()) => {
                    (Some(&word[..i]), &word[i..])
                }
                _ => (None, word),
            };
            let digits = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
            if let Some(y) = y {
                if year.replace(y).is_some() {
                    return None;
                }
            }
            let letters = rest.trim_end_matches(|c: char| c.is_ascii_digit());
            let number = &rest[letters.len()..];
            let this_kind = match letters {
                "" => None,
                "t" | "tertial" | "tertialet" => Some('T'),
                "h" | "halvår" | "halvåret" | "halvar" => Some('H'),
                "q" | "k" | "kvartal" | "kvartalet" | "quarter" => Some('Q'),
                _ => return None,
            };
            match (this_kind, number) {
                (Some(k), _) if kind.is_none() => kind = Some(k),
                (None, num) if num.len() == 4 && digits(num) => {
                    if year.replace(num).is_some() {
                        return None;
                    }
                    continue;
                }
                (None, _) => {}
                _ => return None,
            }
            if !number.is_empty() {
                if n.is_some() || !digits(number) {
                    return None;
                }
                n = Some(number);
            }
        }
        let (year, n) = (year?, n?.trim_start_matches('0'));
        let candidate = match kind {
            Some(k) => format!("{year}-{k}{n}"),
            None => format!("{year}-{:0>2}", n),
        };
        Window::parse(&candidate).map(|w| w.label)
    }

    /// The half-year holding `date` (the default window).
    pub fn half_year_of(date: NaiveDate) -> Window {
        let h = if date.month() <= 6 { 1 } else { 2 };
        let label = format!("{}-H{h}", date.year());
        Window::parse(&label).unwrap_or(Window {
            start: date,
            end: date,
            label,
        })
    }

    /// The window of the same kind just before (rule 12): `2025-H2` →
    /// `2025-H1`, `2025-T1` → `2024-T3`, `2025-05` → `2025-04`, `2025` →
    /// `2024`, a range of N months → the N months before it.
    pub fn previous(&self) -> Option<Window> {
        let label = self.label.as_str();
        let year: i32 = label.get(0..4)?.parse().ok()?;
        if label.len() == 4 {
            return Window::parse(&format!("{:04}", year - 1));
        }
        let rest = label.get(5..)?;
        let lettered = rest.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
        if let Some(n) = rest.get(1..).filter(|_| lettered).and_then(|n| n.parse::<u32>().ok()) {
            let (kind, count) = match rest.get(0..1)? {
                "H" => ("H", 2),
                "T" => ("T", 3),
                "Q" => ("Q", 4),
                _ => return None,
            };
            let (y, k) = if n == 1 { (year - 1, count) } else { (year, n - 1) };
            return Window::parse(&format!("{y:04}-{kind}{k}"));
        }
        // A month or a range: the same number of months just before.
        let (first, last) = (month_key(self.start), month_key(self.end));
        let n = last - first + 1;
        let ym = |key: i32| (key.div_euclid(12), key.rem_euclid(12) as u32 + 1);
        let (from, to) = (ym(first - n), ym(first - 1));
        if label.contains("..") {
            Window::parse(&format!("{:04}-{:02}..{:04}-{:02}", from.0, from.1, to.0, to.1))
        } else {
            Window::parse(&format!("{:04}-{:02}", to.0, to.1))
        }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).expect("valid date")
    }

    #[test]
    fn every_form() {
        let w = |s: &str| Window::parse(s).map(|w| (w.start, w.end, w.label));
        assert_eq!(w("2019"), Some((d(2019, 1, 1), d(2019, 12, 31), "2019".into())));
        assert_eq!(w("2019-H1"), Some((d(2019, 1, 1), d(2019, 6, 30), "2019-H1".into())));
        assert_eq!(w("2019-h2"), Some((d(2019, 7, 1), d(2019, 12, 31), "2019-H2".into())));
        assert_eq!(w("2019-T2"), Some((d(2019, 5, 1), d(2019, 8, 31), "2019-T2".into())));
        assert_eq!(w("2019-T3"), Some((d(2019, 9, 1), d(2019, 12, 31), "2019-T3".into())));
        assert_eq!(w("2019-Q3"), Some((d(2019, 7, 1), d(2019, 9, 30), "2019-Q3".into())));
        assert_eq!(w("2020-02"), Some((d(2020, 2, 1), d(2020, 2, 29), "2020-02".into())));
        assert_eq!(
            w("2019-01..2019-08"),
            Some((d(2019, 1, 1), d(2019, 8, 31), "2019-01..2019-08".into()))
        );
        assert_eq!(w("2019-12..2020-01").map(|x| x.1), Some(d(2020, 1, 31)));
        for bad in [
            "",
            "19",
            "2019-H3",
            "2019-T4",
            "2019-Q5",
            "2019-13",
            "2019-5",
            "2019-08..2019-01",
            "H1-2019",
            "2019-ö1",
            "2019-Ö",
            "2019-",
            "ö019-H1",
            "2019-H1..",
            "2019-01..ö",
        ] {
            assert_eq!(Window::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn suggestions_for_near_misses() {
        let s = |t: &str| Window::suggest(t);
        for (text, meant) in [
            ("2026 T2", "2026-T2"),
            ("T2 2026", "2026-T2"),
            ("tertial 2 2026", "2026-T2"),
            ("Tertial 2, 2026", "2026-T2"),
            ("2026T2", "2026-T2"),
            ("2026 t2", "2026-T2"),
            ("H1 2026", "2026-H1"),
            ("2026 H2", "2026-H2"),
            ("halvår 1 2026", "2026-H1"),
            ("Q3 2026", "2026-Q3"),
            ("kvartal 4 2026", "2026-Q4"),
            ("2026/05", "2026-05"),
            ("2026 5", "2026-05"),
            ("2019-5", "2019-05"),
        ] {
            assert_eq!(s(text).as_deref(), Some(meant), "{text}");
        }
        // No guess where nothing fits: a fourth tertial, two years, a word.
        for text in [
            "2026 T4",
            "T2",
            "2026",
            "2025 2026 T2",
            "nästa tertial",
            "2026 T2 T3",
            "",
            "ö",
        ] {
            assert_eq!(s(text), None, "{text}");
        }
    }

    #[test]
    fn previous_windows() {
        let p = |s: &str| Window::parse(s).and_then(|w| w.previous()).map(|w| w.label);
        assert_eq!(p("2025-H2").as_deref(), Some("2025-H1"));
        assert_eq!(p("2025-H1").as_deref(), Some("2024-H2"));
        assert_eq!(p("2025-T1").as_deref(), Some("2024-T3"));
        assert_eq!(p("2025-T3").as_deref(), Some("2025-T2"));
        assert_eq!(p("2025-Q1").as_deref(), Some("2024-Q4"));
        assert_eq!(p("2025-05").as_deref(), Some("2025-04"));
        assert_eq!(p("2025-01").as_deref(), Some("2024-12"));
        assert_eq!(p("2025").as_deref(), Some("2024"));
        assert_eq!(p("2019-01..2019-08").as_deref(), Some("2018-05..2018-12"));
        assert_eq!(p("2019-12..2020-01").as_deref(), Some("2019-10..2019-11"));
    }

    #[test]
    fn default_is_the_half_year() {
        assert_eq!(Window::half_year_of(d(2019, 6, 30)).label, "2019-H1");
        assert_eq!(Window::half_year_of(d(2019, 7, 1)).label, "2019-H2");
    }
}
