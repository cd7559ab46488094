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

/// A message in both languages; shown in the user's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub sv: String,
    pub en: String,
}

impl Text {
    pub fn new(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            sv: sv.into(),
            en: en.into(),
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
        Text::new(sv, e.to_string())
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
        Text { sv: s.clone(), en: s }
    }
}
