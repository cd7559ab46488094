//! What a file is before it is opened: CSV text, markup saved under a
//! workbook's name, or a workbook whose zip container is checked against
//! the limits first.

use super::*;

/// Markup saved under a workbook's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Markup {
    /// An HTML table (what many economy systems' "export to Excel" writes).
    Html,
    /// An XML Spreadsheet 2003.
    Xml,
}

/// True when the first kilobyte of a file is text with a delimiter and no
/// NUL byte and no workbook signature (an OLE or zip header).
/// Whether [`open`] reads the file as CSV text (streamed; see
/// [`super::chunks`]) rather than as a workbook.
pub fn reads_as_csv(path: &Path) -> bool {
    match Format::from_path(path) {
        Some(Format::Csv) => true,
        Some(Format::Xls) => is_plain_text(path),
        _ => false,
    }
}

pub(super) fn is_plain_text(path: &Path) -> bool {
    use std::io::Read;
    let mut head = vec![0u8; 1024];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    head.truncate(n);
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true; // Excel's "Unicode text": UTF-16 with a BOM
    }
    let signature = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || head.starts_with(b"PK");
    let text = String::from_utf8_lossy(&head);
    let markup = text.trim_start_matches('\u{feff}').trim_start().starts_with('<');
    n > 0 && !signature && !markup && !head.contains(&0) && head.iter().any(|b| matches!(b, b';' | b'\t' | b','))
}

/// Looks at the first kilobyte of a file for HTML or XML.
pub(super) fn markup_kind(path: &Path) -> Option<Markup> {
    use std::io::Read;
    let mut head = vec![0u8; 1024];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    head.truncate(n);
    let text = String::from_utf8_lossy(&head).to_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with('<') {
        return None;
    }
    if text.contains("urn:schemas-microsoft-com:office:spreadsheet") || text.contains("<workbook") {
        Some(Markup::Xml)
    } else if text.contains("<html")
        || text.contains("<table")
        || text.contains("<!doctype html")
        || text.contains("<meta")
    {
        Some(Markup::Html)
    } else {
        None
    }
}

/// Before a workbook is opened: an xlsx/xlsb/ods must be a zip whose parts
/// do not expand beyond the limits (a zip bomb is refused, not expanded);
/// an OLE file named .xlsx is an encrypted workbook.
pub(super) fn check_container(path: &Path, format: Format, size: u64, limits: Limits) -> Result<()> {
    let err = |message: Text| Error::Export {
        path: path.to_path_buf(),
        message,
    };
    let io = |e: std::io::Error| err(Text::io(&e));
    if format == Format::Xls {
        return Ok(());
    }
    let mut head = [0u8; 8];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(io)?;
        let n = f.read(&mut head).map_err(io)?;
        if n < 4 {
            return Err(err(Text::new(
                format!("inte en läsbar {format:?}-arbetsbok: filen är tom eller avkortad"),
                format!("not a {format:?} workbook: the file is empty or truncated"),
            )));
        }
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(err(Text::new(
            format!("inte en läsbar {format:?}-arbetsbok: den är lösenordsskyddad (krypterad), eller en gammal .xls med annat namn; spara den utan lösenord"),
            format!("not a readable {format:?} workbook: it is password-protected (encrypted), or an old .xls under another name; save it without a password"),
        )));
    }
    if !head.starts_with(b"PK") {
        return Err(err(Text::new(
            format!("inte en {format:?}-arbetsbok (en arbetsbok är en zip-fil, den här är det inte); öppna den i Excel och spara som .xlsx"),
            format!("not a {format:?} workbook (a workbook is a zip file; this one is not)"),
        )));
    }
    let broken = |e: &dyn std::fmt::Display| {
        err(Text::new(
            format!("inte en läsbar {format:?}-arbetsbok (skadad eller avkortad?): {e}"),
            format!("not a readable {format:?} workbook: {e}"),
        ))
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| broken(&e))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| broken(&e))?;
        total = total.saturating_add(entry.size());
    }
    if total > limits.max_unzipped_bytes || (total > 100 << 20 && total / size.max(1) > 200) {
        let (kb, mb) = (size >> 10, total >> 20);
        return Err(Error::Limit {
            path: path.to_path_buf(),
            message: Text::new(
                format!("arbetsboken skulle växa från {kb} kB till {mb} MB; den vägras som en möjlig zip-bomb"),
                format!("the workbook would expand from {kb} KB to {mb} MB; refused as a possible zip bomb"),
            ),
        });
    }
    Ok(())
}
