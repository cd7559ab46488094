//! Putting a finished report in place without losing anything: the report
//! already in `OUT/LABEL/` is kept in `OUT/arkiv/LABEL DATE HHMM/` (named
//! by when it was made), a file or folder in the way that is not a report
//! stops the run untouched, and a report with a workbook open in Excel (a
//! `~$` lock file beside it) stops the run with the report untouched.

use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use std::path::{Path, PathBuf};

pub use crate::read::discover::ARCHIVE_NAMES;

/// Files that only a report written by this tool holds.
const REPORT_MARKS: [&str; 3] = ["reconciliation.csv", "allocation.csv", "data_quality.csv"];

/// What is at the target before the run writes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Previous {
    /// Nothing (or an empty folder, removed).
    None,
    /// An earlier report, to be archived.
    Report,
}

/// Looks at `target` before anything is written: an earlier report is
/// fine (it will be archived); anything else in the way, or a workbook of
/// the report open in Excel, stops the run with nothing touched.
pub(crate) fn check_target(target: &Path) -> Result<Previous> {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(Previous::None);
    };
    let shown = target.display();
    if !meta.is_dir() {
        return Err(Error::Refused(Text::new(
            format!("{shown} finns redan och är ingen rapportmapp från avropskoll; den rörs inte – flytta eller byt namn på den och kör igen"),
            format!("{shown} exists and is not a report folder of avropskoll; it is left untouched – move or rename it and run again"),
        )));
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(target)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    if entries.is_empty() {
        let _ = std::fs::remove_dir(target);
        return Ok(Previous::None);
    }
    if let Some(lock) = lock_file(target) {
        let name = lock
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let open = lock.with_file_name(
            name.trim_start_matches("~$")
                .trim_start_matches(".~lock.")
                .trim_end_matches('#'),
        );
        let open = open.display();
        return Err(Error::Refused(Text::new(
            format!("{open} är öppen i Excel (låsfilen {name} finns): stäng filen och kör igen; den tidigare rapporten i {shown} är orörd (är filen inte öppen: ta bort låsfilen)"),
            format!("{open} is open in Excel (the lock file {name} exists): close the file and run again; the previous report in {shown} is untouched (if it is not open: delete the lock file)"),
        )));
    }
    let is_report = REPORT_MARKS.iter().any(|m| target.join(m).is_file());
    if !is_report {
        return Err(Error::Refused(Text::new(
            format!("mappen {shown} finns redan men är ingen rapport från avropskoll; den rörs inte – flytta eller byt namn på den, eller välj en annan mapp med --out"),
            format!("the folder {shown} exists but is not a report of avropskoll; it is left untouched – move or rename it, or choose another folder with --out"),
        )));
    }
    Ok(Previous::Report)
}

/// A `~$` lock file in the report folder or one level below.
fn lock_file(dir: &Path) -> Option<PathBuf> {
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            // Excel's `~$name`, LibreOffice's `.~lock.name#`.
            if (name.starts_with("~$") || name.starts_with(".~lock.")) && !is_dir {
                return Some(e.path());
            }
            if is_dir && depth < 2 {
                stack.push((e.path(), depth + 1));
            }
        }
    }
    None
}

/// Moves the earlier report at `target` into `OUT/arkiv/LABEL DATE HHMM/`
/// (the time it was written); returns where it went.
pub(crate) fn archive(out: &Path, target: &Path, label: &str, lang: Lang) -> Result<PathBuf> {
    let archive = out.join(lang.pick(ARCHIVE_NAMES[0], ARCHIVE_NAMES[1]));
    std::fs::create_dir_all(&archive).map_err(|e| Error::Output {
        path: archive.clone(),
        message: Text::io(&e),
    })?;
    let made = REPORT_MARKS
        .iter()
        .find_map(|m| std::fs::metadata(target.join(m)).ok())
        .or_else(|| std::fs::metadata(target).ok())
        .and_then(|m| m.modified().ok())
        .map(chrono::DateTime::<chrono::Local>::from)
        .unwrap_or_else(chrono::Local::now);
    let base = format!("{label} {}", made.format("%Y-%m-%d %H%M"));
    let mut to = archive.join(&base);
    let mut n = 2;
    while std::fs::symlink_metadata(&to).is_ok() {
        to = archive.join(format!("{base} ({n})"));
        n += 1;
    }
    std::fs::rename(target, &to).map_err(|e| in_use(target, &e))?;
    Ok(to)
}

/// The error of a report folder that cannot be moved: on Windows, a
/// workbook in it is open.
pub(crate) fn in_use(target: &Path, e: &std::io::Error) -> Error {
    let shown = target.display();
    let why = Text::io(e);
    Error::Refused(Text::new(
        format!("den tidigare rapporten {shown} kan inte flyttas ({}); är en fil i den öppen i Excel? Stäng filen och kör igen – den tidigare rapporten är orörd", why.sv),
        format!("the previous report {shown} cannot be moved ({}); is a file in it open in Excel? Close the file and run again – the previous report is untouched", why.en),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_archived_and_other_things_in_the_way_stop() {
        let d = tempfile::TempDir::new().expect("tempdir");
        let out = d.path();
        let target = out.join("2019-H1");
        assert_eq!(check_target(&target).ok(), Some(Previous::None));
        std::fs::write(&target, "mine").expect("write");
        assert!(check_target(&target).is_err());
        assert_eq!(std::fs::read_to_string(&target).expect("kept"), "mine");
        std::fs::remove_file(&target).expect("rm");
        std::fs::create_dir(&target).expect("dir");
        std::fs::write(target.join("reconciliation.csv"), "x").expect("write");
        assert_eq!(check_target(&target).ok(), Some(Previous::Report));
        std::fs::write(target.join("~$fordelning-2019-H1.xlsx"), "lock").expect("write");
        assert!(check_target(&target).is_err());
        std::fs::remove_file(target.join("~$fordelning-2019-H1.xlsx")).expect("rm");
        // LibreOffice's lock file, in the section folder.
        std::fs::create_dir(target.join("sektioner")).expect("dir");
        let lo = target.join("sektioner/.~lock.Öster.xlsx#");
        std::fs::write(&lo, "lock").expect("write");
        let err = check_target(&target).expect_err("open");
        assert!(
            err.localized(Lang::Sv).contains("Öster.xlsx är öppen i Excel"),
            "{}",
            err.localized(Lang::Sv)
        );
        std::fs::remove_file(&lo).expect("rm");
        let first = archive(out, &target, "2019-H1", Lang::Sv).expect("archived");
        assert!(first.starts_with(out.join("arkiv")) && first.join("reconciliation.csv").is_file());
        std::fs::create_dir(&target).expect("dir");
        std::fs::write(target.join("reconciliation.csv"), "y").expect("write");
        let second = archive(out, &target, "2019-H1", Lang::Sv).expect("archived");
        assert_ne!(first, second);
    }
}
