//! What every workbook shares: cell formats, writing input text safely
//! (never as a formula), Excel-safe sheet and file names, status colours and
//! print setup.

use super::labels::{self, Labels};
use super::Lang;
use crate::allocate::Status;
use rust_xlsxwriter::{
    ConditionalFormatText, ConditionalFormatTextRule, Format, FormatAlign, FormatBorder, Worksheet, XlsxError,
};
use std::collections::HashSet;

pub use crate::output::{save_workbook, xlsx_err};

/// Colour-blind-safe palette (Okabe–Ito), one colour per supplier index,
/// the same in workbooks and charts. Vermillion (0xD55E00) is left out: it
/// marks values outside the tolerance; orange, close to it, comes late.
pub const PALETTE: [u32; 7] = [0x0072B2, 0x009E73, 0xCC79A7, 0x56B4E9, 0xE69F00, 0x000000, 0xF0E442];

/// The formats of a workbook.
pub struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub label: Format,
    pub header: Format,
    /// Text from the inputs: always a string, quote-prefixed so that an
    /// edit in Excel keeps it text.
    pub text: Format,
    pub text_bold: Format,
    /// Text right of a right-aligned figure: indented, so the two never
    /// touch.
    pub text_gap: Format,
    pub sek: Format,
    pub sek_bold: Format,
    pub pct: Format,
    pub pp: Format,
    pub int: Format,
    pub int_bold: Format,
    pub date: Format,
    pub note: Format,
    /// Values in a header block, left-aligned like the text beside them.
    pub date_left: Format,
    pub number_left: Format,
    pub one_decimal: Format,
    pub warning: Format,
    pub warning_label: Format,
}

impl Formats {
    pub fn new() -> Self {
        let sek = "#,##0 \"kr\"";
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_bold().set_font_size(11),
            label: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(0xD9E1F2)
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new().set_quote_prefix(),
            text_bold: Format::new().set_quote_prefix().set_bold(),
            text_gap: Format::new().set_quote_prefix().set_indent(1),
            sek: Format::new().set_num_format(sek),
            sek_bold: Format::new().set_num_format(sek).set_bold(),
            pct: Format::new().set_num_format("0.0%"),
            pp: Format::new().set_num_format("+0.0;-0.0;0.0"),
            int: Format::new().set_num_format("#,##0"),
            int_bold: Format::new().set_num_format("#,##0").set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            note: Format::new().set_italic().set_font_color(0x595959),
            date_left: Format::new().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Left),
            number_left: Format::new().set_num_format("General").set_align(FormatAlign::Left),
            one_decimal: Format::new().set_num_format("0.0"),
            warning: Format::new().set_quote_prefix().set_font_color(0x9C0006),
            warning_label: Format::new().set_bold().set_font_color(0x9C0006),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

/// A deviation in percentage points for a cell with the signed format
/// `+0.0;-0.0;0.0`: a value that shows as zero at one decimal is written
/// as zero, so the cell reads "0,0", never "-0,0" or "+0,0" (as
/// `charts::points` prints it). Other values keep their precision.
pub fn pp_value(d: f64) -> f64 {
    if d.abs() < 0.05 {
        0.0
    } else {
        d
    }
}

/// Writes a header row of bold, wrapped, shaded cells.
pub fn header_row(ws: &mut Worksheet, row: u32, col: u16, names: &[&str], f: &Formats) -> Result<(), XlsxError> {
    for (i, n) in names.iter().enumerate() {
        ws.write_string_with_format(row, col + i as u16, *n, &f.header)?;
    }
    Ok(())
}

/// Fills for the cells of a column range that begin with a label: one
/// conditional format per (label, fill, font colour).
fn label_colours(
    ws: &mut Worksheet,
    (first_row, last_row): (u32, u32),
    col: u16,
    rules: &[(&str, u32, u32)],
) -> Result<(), XlsxError> {
    if last_row < first_row {
        return Ok(());
    }
    for &(label, fill, font) in rules {
        let cf = ConditionalFormatText::new()
            .set_rule(ConditionalFormatTextRule::BeginsWith(label.to_string()))
            .set_format(Format::new().set_background_color(fill).set_font_color(font));
        ws.add_conditional_format(first_row, col, last_row, col, &cf)?;
    }
    Ok(())
}

/// Green, red and grey fills for the status cells of a column range.
pub fn status_colours(
    ws: &mut Worksheet,
    first_row: u32,
    last_row: u32,
    col: u16,
    lang: Lang,
) -> Result<(), XlsxError> {
    let label = |s| labels::status(lang, s);
    label_colours(
        ws,
        (first_row, last_row),
        col,
        &[
            (label(Status::Imbalance), 0xFFC7CE, 0x9C0006),
            (label(Status::Ok), 0xC6EFCE, 0x006100),
            (label(Status::Insufficient), 0xE7E6E6, 0x3A3838),
        ],
    )
}

/// Red, orange, yellow and green fills for ceiling status cells.
pub fn ceiling_colours(
    ws: &mut Worksheet,
    first_row: u32,
    last_row: u32,
    col: u16,
    lang: Lang,
) -> Result<(), XlsxError> {
    use crate::allocate::ceiling::CeilingStatus as C;
    let label = |s| labels::ceiling_status(lang, s);
    label_colours(
        ws,
        (first_row, last_row),
        col,
        &[
            (label(C::Reached), 0xFFC7CE, 0x9C0006),
            (label(C::Warning), 0xFFD8B0, 0x7A3E00),
            (label(C::Forecast), 0xFFEB9C, 0x7A5C00),
            (label(C::Ok), 0xC6EFCE, 0x006100),
        ],
    )
}

/// A long text over the columns `first..=last`, merged and wrapped, the row
/// as tall as its lines need (`width`: the columns' width in characters):
/// it never overflows to the right, so it never widens the printed page
/// (fit to one page wide would shrink everything to a few points).
pub fn long_text(
    ws: &mut Worksheet,
    row: u32,
    (first, last): (u16, u16),
    width: f64,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    let f = format.clone().set_text_wrap().set_align(FormatAlign::Top);
    if first == last {
        ws.write_string_with_format(row, first, text, &f)?;
    } else {
        ws.merge_range(row, first, row, last, text, &f)?;
    }
    let lines = wrapped_lines(text, width);
    if lines > 1 {
        ws.set_row_height(row, row_height(lines))?;
    }
    Ok(())
}

/// The height of a row of `lines` wrapped lines, points: 15 a line, at most
/// Excel's 409.
pub(crate) fn row_height(lines: usize) -> f64 {
    (15.0 * lines as f64).min(409.0)
}

/// A unit in a cell of a column `width` characters wide: its code alone
/// as plain text, or with its name (`1234 Skolfastigheter`) wrapped, so that
/// a long name never spills into the next column or widens the page.
pub fn unit_cell(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    width: f64,
    ctx: &super::Context,
    unit: crate::read::Sym,
    (empty, format): (&str, &Format),
) -> Result<(), XlsxError> {
    let code = ctx.text(unit);
    if code.is_empty() {
        ws.write_string_with_format(row, col, empty, format)?;
    } else if ctx.unit_name(unit).is_some() {
        // Wrapped, at the foot of the cell like the figures beside it.
        let shown = ctx.unit_shown(unit);
        ws.write_string_with_format(row, col, &*shown, &format.clone().set_text_wrap())?;
        let lines = wrapped_lines(&shown, width);
        if lines > 1 {
            ws.set_row_height(row, row_height(lines))?;
        }
    } else {
        ws.write_string_with_format(row, col, code, format)?;
    }
    Ok(())
}

/// The lines a text takes wrapped at `width` characters (a little less
/// than the columns' width, since proportional letters vary).
pub fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width * 0.95).max(1.0);
    text.split('\n')
        .map(|l| (l.chars().count() as f64 / per_line).ceil().max(1.0) as usize)
        .sum()
}

/// Landscape, one page wide, header rows repeated, sheet name and page
/// number in the footer.
pub fn print_setup(ws: &mut Worksheet, repeat: Option<(u32, u32)>, l: &Labels) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer(format!("&L&A&R{} &P {} &N", l.page, l.of));
    if let Some((first, last)) = repeat {
        ws.set_repeat_rows(first, last)?;
    }
    Ok(())
}

const SHEET_FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`, not
/// starting or ending with `'`), unique among `taken` without case.
pub fn sheet_name(raw: &str, taken: &mut HashSet<String>) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if SHEET_FORBIDDEN.contains(&c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').to_string();
    let base = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        "Avtal".to_string()
    } else {
        cleaned
    };
    unique(&base, 31, taken)
}

/// `base` cut to `max` characters, with ` (2)`, ` (3)`, … added until it is
/// not in `taken` (compared without case); then taken.
fn unique(base: &str, max: usize, taken: &mut HashSet<String>) -> String {
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(base, max);
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        name = format!("{}{suffix}", cut(base, max.saturating_sub(suffix.chars().count())));
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

const RESERVED_FILE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file name stem safe on Windows, macOS and Linux: no path separators or
/// `<>:"|?*`, no control characters, no leading/trailing dots or spaces, no
/// reserved device names, at most 100 characters; unique among `taken`
/// without case. An empty name becomes `fallback`.
pub fn file_stem(raw: &str, fallback: &str, taken: &mut HashSet<String>) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut cleaned = cleaned
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '_') {
        cleaned = fallback.to_string();
    }
    let stem_lower = cleaned.split('.').next().unwrap_or("").to_lowercase();
    if RESERVED_FILE_NAMES.contains(&stem_lower.as_str()) {
        cleaned = format!("_{cleaned}");
    }
    unique(&cleaned, 100, taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deviations_that_show_as_zero_are_zero() {
        // The sample to date: RA-2023-020's 24,9836 % against 25 % is
        // −0,0164 pe (showed "-0,0"); RA-2023-011's 30,0290 % against 30 %
        // is +0,029 pe (showed "+0,0").
        assert_eq!(pp_value(24.9836 - 25.0), 0.0);
        assert!(pp_value(24.9836 - 25.0).is_sign_positive(), "no −0");
        assert_eq!(pp_value(30.0290 - 30.0), 0.0);
        assert_eq!(pp_value(0.049), 0.0);
        assert_eq!(pp_value(-0.0), 0.0);
        assert!(pp_value(-0.0).is_sign_positive());
        // Anything that shows a digit keeps its precision.
        assert_eq!(pp_value(0.05), 0.05);
        assert_eq!(pp_value(-10.0), -10.0);
        assert_eq!(pp_value(26.315_789), 26.315_789);
    }

    #[test]
    fn sheet_names_are_safe_and_unique() {
        let mut taken = HashSet::new();
        taken.insert("sammanfattning".to_string());
        assert_eq!(sheet_name("RA-2017-031", &mut taken), "RA-2017-031");
        assert_eq!(sheet_name("ra-2017-031", &mut taken), "ra-2017-031 (2)");
        assert_eq!(sheet_name("A/B:C[1]*?", &mut taken), "A_B_C_1___");
        assert_eq!(sheet_name("Sammanfattning", &mut taken), "Sammanfattning (2)");
        let long = sheet_name(&"x".repeat(40), &mut taken);
        assert_eq!(long.chars().count(), 31);
        let long2 = sheet_name(&"x".repeat(40), &mut taken);
        assert_eq!(long2, format!("{} (2)", "x".repeat(27)));
        assert_eq!(sheet_name("'quoted'", &mut taken), "quoted");
        assert_eq!(sheet_name("", &mut taken), "Avtal");
    }

    #[test]
    fn file_stems_are_safe_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(file_stem("Sektion Öster", "x", &mut taken), "Sektion Öster");
        assert_eq!(file_stem("../../etc/passwd", "x", &mut taken), "_.._etc_passwd");
        assert_eq!(file_stem("CON", "x", &mut taken), "_CON");
        assert_eq!(file_stem("nul.txt", "x", &mut taken), "_nul.txt");
        assert_eq!(file_stem("", "utan-enhet", &mut taken), "utan-enhet");
        assert_eq!(file_stem("sektion öster", "x", &mut taken), "sektion öster (2)");
        assert_eq!(file_stem("a\u{0}b\nc", "x", &mut taken), "a_b_c");
        assert_eq!(file_stem(" .. ", "tom", &mut taken), "tom");
    }
}
