//! The language of everything a user reads: Swedish by default, English
//! with `--lang en`.

/// Language of the terminal, the messages and the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    /// Picks the text for this language.
    pub fn pick<T>(self, sv: T, en: T) -> T {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }

    /// From `sv`/`en` (any case).
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "sv" | "svenska" | "swedish" => Some(Lang::Sv),
            "en" | "engelska" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A message in both languages; shown in the user's. One made from an
/// I/O error ([`Text::io`]) keeps that error as its
/// [`source`](std::error::Error::source); texts are equal when their words
/// are.
#[derive(Debug, Clone)]
pub struct Text {
    pub sv: String,
    pub en: String,
    source: Option<std::sync::Arc<std::io::Error>>,
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.sv == other.sv && self.en == other.en
    }
}

impl Eq for Text {}

impl std::error::Error for Text {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl Text {
    pub fn new(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            sv: sv.into(),
            en: en.into(),
            source: None,
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.sv, &self.en)
    }

    /// An operating-system error in plain words.
    pub fn io(e: &std::io::Error) -> Text {
        use std::io::ErrorKind as K;
        let sv = match e.kind() {
            K::NotFound => "filen eller mappen finns inte".to_string(),
            K::PermissionDenied => "behörighet saknas (är filen öppen i Excel, eller skrivskyddad?)".to_string(),
            K::AlreadyExists => "finns redan".to_string(),
            K::IsADirectory => "är en mapp, inte en fil".to_string(),
            K::NotADirectory => "är en fil, inte en mapp".to_string(),
            K::InvalidData => format!("ogiltigt innehåll ({e})"),
            K::UnexpectedEof => "filen tar slut för tidigt (avkortad?)".to_string(),
            K::StorageFull => "disken är full".to_string(),
            _ => format!("systemfel: {e}"),
        };
        let mut text = Text::new(sv, e.to_string());
        // The error itself cannot be taken from behind `&`: the same error
        // made again (the OS error number when there is one).
        let kept = match e.raw_os_error() {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => std::io::Error::new(e.kind(), e.to_string()),
        };
        text.source = Some(std::sync::Arc::new(kept));
        text
    }
}

impl Text {
    /// An error that reached us as text (a library wrapping an I/O error):
    /// a full disk or a refused permission in plain words, else as it is.
    pub fn of_error_text(message: &str) -> Text {
        // Unix: 28 ENOSPC, 122 EDQUOT, 13 EACCES; Windows: 112 and 39 a
        // full disk, 5 access denied, 32 and 33 a file open in another
        // program (Excel).
        let os = |codes: &[u32]| codes.iter().any(|c| message.contains(&format!("os error {c})")));
        let full = os(&[28, 122, 112, 39]);
        let denied = os(&[13, 5, 32, 33]);
        let too_big = message.contains("os error 27");
        match (full, denied) {
            (true, _) => Text::new("disken är full", message),
            _ if too_big => Text::new("filen blir större än systemet tillåter", message),
            (_, true) => Text::new(
                "behörighet saknas (är filen öppen i Excel, eller skrivskyddad?)",
                message,
            ),
            _ => Text::from(message.to_string()),
        }
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl From<String> for Text {
    /// The same text in both languages (a name, a number, a path).
    fn from(s: String) -> Self {
        Text::new(s.clone(), s)
    }
}

/// Text from input for a message: control characters escaped (`\0`,
/// `\u{1b}`), at most 80 characters (then `…`), in single quotes.
pub fn quote(text: &str) -> String {
    format!("'{}'", shown(text, 80))
}

/// Text from input made safe to show: control characters escaped, at most
/// `max` characters (then `…`).
pub fn shown(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for a report cell: control characters (NUL, escape, …) dropped,
/// a tab or line break kept as a space.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod quote_tests {
    use super::*;

    #[test]
    fn input_is_escaped_and_capped() {
        assert_eq!(quote("a\0b"), "'a\\u{0}b'");
        assert_eq!(shown(&"x".repeat(100), 80), format!("{}…", "x".repeat(80)));
        assert_eq!(printable("a\0b\tc"), "ab c");
        assert_eq!(printable("åäö"), "åäö");
        let full = Text::of_error_text("No space left on device (os error 28)");
        assert_eq!(full.sv, "disken är full");
        // Windows' codes: a full disk, a file open in Excel.
        let full = Text::of_error_text("There is not enough space on the disk. (os error 112)");
        assert_eq!(full.sv, "disken är full");
        let open = Text::of_error_text("The process cannot access the file (os error 32)");
        assert!(
            open.sv.starts_with("behörighet saknas (är filen öppen i Excel"),
            "{}",
            open.sv
        );
        // Another code that begins with the same digits is not taken.
        assert_eq!(Text::of_error_text("x (os error 52)").sv, "x (os error 52)");
    }
}
