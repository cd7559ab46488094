//! Workbooks through calamine: the sheet picked and its cells as [`Cell`]s.

use super::*;

/// The sheet names of a workbook (empty when it cannot be opened as one).
pub fn list_sheets(path: &Path) -> Vec<String> {
    calamine::open_workbook_auto(path)
        .map(|wb| wb.sheet_names())
        .unwrap_or_default()
}

/// The named sheet (compared without case), or the first.
pub(super) fn pick_sheet(names: &[String], sheet: Option<&str>) -> std::result::Result<String, String> {
    match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(s.trim()))
            .cloned()
            .ok_or_else(|| format!("no sheet named '{s}' (sheets: {})", names.join(", "))),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheets".to_string()),
    }
}

pub(super) fn open_sheet(path: &Path, format: Format, sheet: Option<&str>) -> Result<Source> {
    use calamine::{open_workbook, Ods, Xls, Xlsb, Xlsx};
    let err = |message: String| Error::Export {
        path: path.to_path_buf(),
        message: Text::new(
            format!("inte en läsbar {format:?}-arbetsbok: {message}"),
            format!("not a readable {format:?} workbook: {message}"),
        ),
    };
    /// Opens the workbook as `R` and loads the named (or first) sheet.
    fn load<R: Reader<std::io::BufReader<std::fs::File>>>(
        path: &Path,
        sheet: Option<&str>,
    ) -> std::result::Result<(calamine::Range<Data>, String), String>
    where
        R::Error: std::fmt::Display,
    {
        let mut wb: R = open_workbook(path).map_err(|e: R::Error| e.to_string())?;
        let name = pick_sheet(&wb.sheet_names(), sheet)?;
        let range = wb.worksheet_range(&name).map_err(|e| format!("sheet '{name}': {e}"))?;
        Ok((range, name))
    }
    if format == Format::Xlsx {
        let wb: Xlsx<_> = open_workbook(path).map_err(|e: calamine::XlsxError| err(e.to_string()))?;
        let name = pick_sheet(&wb.sheet_names(), sheet).map_err(err)?;
        return Ok(Source::Xlsx {
            workbook: Box::new(wb),
            sheet: name,
            path: path.to_path_buf(),
        });
    }
    let opened = match format {
        Format::Xlsx => load::<Xlsx<_>>(path, sheet),
        Format::Xls => load::<Xls<_>>(path, sheet),
        Format::Xlsb => load::<Xlsb<_>>(path, sheet),
        Format::Ods => load::<Ods<_>>(path, sheet),
        Format::Csv => Err("not a workbook".to_string()),
    };
    let (range, sheet) = opened.map_err(err)?;
    Ok(Source::Sheet { range, sheet })
}

/// Calls `f` with each row's 1-based number and cells of an xlsx sheet,
/// streamed (formatted but empty cells cost nothing), until it returns
/// false.
pub(super) fn xlsx_records(
    workbook: &mut calamine::Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
    path: &Path,
    f: &mut dyn FnMut(usize, &[Cell]) -> bool,
) -> Result<()> {
    let err = |e: calamine::XlsxError| Error::Export {
        path: path.to_path_buf(),
        message: Text::new(
            format!("bladet '{sheet}' kan inte läsas (skadad arbetsbok?): {e}"),
            format!("sheet '{sheet}': {e}"),
        ),
    };
    let mut reader = workbook.worksheet_cells_reader(sheet).map_err(err)?;
    let mut current: Option<u32> = None;
    let mut cells: Vec<Cell> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(err)? {
        let value = stream_cell(cell.get_value());
        if value.is_empty() {
            continue; // formatted but empty: costs nothing
        }
        let (row, col) = cell.get_position();
        if current != Some(row) {
            if let Some(r) = current {
                if !f(r as usize + 1, &cells) {
                    return Ok(());
                }
            }
            cells.clear();
            current = Some(row);
        }
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = value;
    }
    if let Some(r) = current {
        f(r as usize + 1, &cells);
    }
    Ok(())
}

/// A date cell's date (the time of day dropped); a duration as its number.
pub(super) fn date_time_cell(dt: &calamine::ExcelDateTime) -> Cell<'static> {
    if dt.is_datetime() {
        let (y, m, d, ..) = dt.to_ymd_hms_milli();
        Cell::Date(NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32))
    } else {
        Cell::Number(dt.as_f64())
    }
}

/// A streamed xlsx cell as a [`Cell`].
pub(super) fn stream_cell<'a>(d: &calamine::DataRef<'a>) -> Cell<'a> {
    use calamine::DataRef;
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(s)),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(Cow::Owned(s.clone())),
        DataRef::Float(v) => Cell::Number(*v),
        DataRef::Int(v) => Cell::Number(*v as f64),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_time_cell(dt),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

pub(super) fn sheet_cell(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        Data::Float(v) => Cell::Number(*v),
        Data::Int(v) => Cell::Number(*v as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_time_cell(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}
