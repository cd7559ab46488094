//! What the cell values of an xlsx sheet do not say: which cells are in a
//! percent number format (their value is the fraction, `0,85` shown as
//! `85 %`) and which hold a formula (a formula without a saved value reads
//! as an empty cell). Read for the register (small); other formats give
//! nothing.

use calamine::{Reader, Xlsx};
use std::path::Path;

/// The percent cells and formulas of one sheet.
#[derive(Default)]
pub struct SheetFormats {
    styles: Option<calamine::StyleRange>,
    formulas: Option<calamine::Range<String>>,
}

impl SheetFormats {
    /// Reads `sheet` of the xlsx/xlsm workbook at `path`; empty for any
    /// other file or when it cannot be read (the values are read anyway).
    pub fn read(path: &Path, sheet: Option<&str>) -> SheetFormats {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
        let Some(sheet) = sheet.filter(|_| matches!(ext.as_str(), "xlsx" | "xlsm")) else {
            return SheetFormats::default();
        };
        let Ok(mut wb) = calamine::open_workbook::<Xlsx<_>, _>(path) else {
            return SheetFormats::default();
        };
        SheetFormats {
            styles: wb.worksheet_style(sheet).ok(),
            formulas: wb.worksheet_formula(sheet).ok(),
        }
    }

    /// Whether the number formats could be read (an xlsx workbook).
    pub fn known(&self) -> bool {
        self.styles.is_some()
    }

    /// True when the cell at record `row` (1-based) and column `col`
    /// (0-based) has a percent number format.
    pub fn percent(&self, row: usize, col: usize) -> bool {
        let (Some(styles), Some(pos)) = (&self.styles, position(row, col)) else {
            return false;
        };
        styles
            .get(pos)
            .and_then(|s| s.number_format.as_ref())
            .is_some_and(|f| is_percent_format(&f.format_code))
    }

    /// The formula of the cell, when it holds one.
    pub fn formula(&self, row: usize, col: usize) -> Option<&str> {
        let f = self.formulas.as_ref()?.get_value(position(row, col)?)?;
        (!f.is_empty()).then_some(f.as_str())
    }
}

fn position(row: usize, col: usize) -> Option<(u32, u32)> {
    Some((u32::try_from(row.checked_sub(1)?).ok()?, u32::try_from(col).ok()?))
}

/// A number format code that shows its value in percent: a `%` outside
/// quoted text and not escaped.
pub fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' | '_' | '*' if !quoted => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats_are_told_from_text_and_escapes() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(is_percent_format("0\" \"%"));
        assert!(!is_percent_format("General"));
        assert!(!is_percent_format("0\" %\""));
        assert!(!is_percent_format("0\\%"));
        assert!(!is_percent_format("#,##0"));
    }
}
