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
