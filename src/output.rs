//! Writing a workbook to a file with errors in words: below every stage,
//! so that `init`'s template and the reports write the same way.

use crate::error::Error;
use rust_xlsxwriter::XlsxError;
use std::path::Path;

/// Maps an xlsx error onto the output file it concerns.
pub fn xlsx_err(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::Output {
        path: path.to_path_buf(),
        message: crate::lang::Text::of_error_text(&e.to_string()),
    }
}

/// Saves a workbook: built in memory, then written in one go, so a failed
/// write (a full disk) is a plain I/O error in words, not the zip
/// writer's debug output.
pub fn save_workbook(wb: &mut rust_xlsxwriter::Workbook, path: &Path) -> crate::error::Result<()> {
    let bytes = wb.save_to_buffer().map_err(xlsx_err(path))?;
    std::fs::write(path, bytes).map_err(|e| Error::Output {
        path: path.to_path_buf(),
        message: crate::lang::Text::io(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_a_plain_message() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet();
        let err = save_workbook(&mut wb, Path::new("/dev/full")).expect_err("full");
        assert_eq!(
            err.localized(crate::lang::Lang::Sv),
            "kan inte skriva /dev/full: disken är full"
        );
    }
}
