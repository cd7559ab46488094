//! Paths as the platform writes them, for everything the terminal prints
//! (the rest of the console's side, UTF-8 output, Explorer, waiting for
//! Enter and opening a report, is the binary's `platform` module).

use std::path::Path;

/// A path as the platform writes it: on Windows every `/` becomes `\`
/// (a path typed with `/` and joined with `\` would print both).
pub fn display_path(path: &Path) -> String {
    let text = path.display().to_string();
    if cfg!(windows) {
        text.replace('/', "\\")
    } else {
        text
    }
}

/// `display_path` of a folder with the platform's separator at its end.
pub fn display_folder(path: &Path) -> String {
    let mut text = display_path(path);
    if !text.ends_with(std::path::MAIN_SEPARATOR) {
        text.push(std::path::MAIN_SEPARATOR);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_end_in_one_separator() {
        let sep = std::path::MAIN_SEPARATOR;
        assert_eq!(display_folder(Path::new("rapporter")), format!("rapporter{sep}"));
        assert_eq!(
            display_folder(&Path::new("rapporter").join("2025-H2")),
            format!("rapporter{sep}2025-H2{sep}")
        );
    }
}
