//! The config file `avropskoll.toml` and the checked settings of a run:
//! flags win over the config file, which wins over the defaults. Paths in a
//! config file are relative to the file's folder.

use crate::cli::RunArgs;
use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::read::table::Limits;
use crate::read::{ColumnNames, ReadOptions};
use crate::window::Window;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    pub agreements: Option<PathBuf>,
    pub exports: Option<OneOrMany<PathBuf>>,
    /// Units → sections and section heads (xlsx, ods, csv).
    pub organisation: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub period: Option<String>,
    pub tolerance_pp: Option<toml::Value>,
    pub min_call_offs: Option<i64>,
    /// The direct-award limit in SEK (rule 15).
    pub direct_award_limit_sek: Option<toml::Value>,
    pub sheet: Option<String>,
    pub lang: Option<String>,
    /// Chart size, `"1600x900"`.
    pub chart_size: Option<String>,
    /// Largest export file read, MB.
    pub max_file_mb: Option<u64>,
    /// Most rows read from the exports in all.
    pub max_rows: Option<u64>,
    /// Extra header names per field (`date = ["Bokf dat"]`).
    #[serde(default)]
    pub columns: HashMap<String, OneOrMany<String>>,
}

/// A value or a list of values.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T: Clone> OneOrMany<T> {
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(v) => vec![v.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

impl ConfigFile {
    /// Parses a config file's text; `path` names it in the error.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile> {
        toml::from_str(text).map_err(|e| Error::ConfigFile {
            path: path.to_path_buf(),
            message: Text::new(
                format!("filen är inte giltig TOML eller har en okänd inställning: {e}"),
                e.to_string(),
            ),
        })
    }
}

/// The config file read once (given with `--config`, else
/// ./avropskoll.toml when it exists): its language is known before the
/// settings are checked, for the messages of that check, and the settings
/// are checked from the same text.
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    /// The file and its text, or why it could not be read.
    file: Option<(PathBuf, std::result::Result<String, Text>)>,
}

impl ConfigSource {
    /// Reads the file `config` names, else ./avropskoll.toml if it is a
    /// file; no file: an empty source (every setting from flags or
    /// defaults).
    pub fn read(config: Option<&Path>) -> ConfigSource {
        let path = match config {
            Some(p) => p.to_path_buf(),
            None => match PathBuf::from("avropskoll.toml") {
                p if p.is_file() => p,
                _ => return ConfigSource::default(),
            },
        };
        let text = match std::fs::metadata(&path) {
            Ok(meta) if !meta.is_file() => Err(crate::read::discover::not_regular(&meta)),
            _ => std::fs::read_to_string(&path).map_err(|e| Text::io(&e)),
        };
        ConfigSource {
            file: Some((path, text)),
        }
    }

    /// The language the file asks for (`lang = "en"`), for messages
    /// printed when the settings themselves cannot be checked; `None` when
    /// there is no file or it says nothing readable.
    pub fn lang(&self) -> Option<Lang> {
        let (_, Ok(text)) = self.file.as_ref()? else {
            return None;
        };
        let table: toml::Table = toml::from_str(text).ok()?;
        Lang::parse(table.get("lang")?.as_str()?)
    }

    /// The file parsed and the folder its paths are relative to.
    fn parsed(&self) -> Result<(ConfigFile, PathBuf)> {
        let Some((path, text)) = &self.file else {
            return Ok((ConfigFile::default(), PathBuf::new()));
        };
        let text = text.as_ref().map_err(|message| Error::ConfigFile {
            path: path.clone(),
            message: message.clone(),
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok((ConfigFile::parse(path, text)?, base))
    }
}

/// The language of the messages before the settings are checked: the
/// flag, else the config file's, else Swedish.
pub fn lang_hint(flag: Option<crate::cli::LangArg>, config: Option<&ConfigSource>) -> Lang {
    flag.map(Lang::from)
        .or_else(|| config.and_then(ConfigSource::lang))
        .unwrap_or(Lang::Sv)
}

/// Everything a run needs, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub agreements: PathBuf,
    pub exports: Vec<PathBuf>,
    pub organisation: Option<PathBuf>,
    pub out: PathBuf,
    pub period: Option<Window>,
    pub tolerance_pp: f64,
    pub min_call_offs: u64,
    /// The direct-award limit (rule 15), fixed point
    /// ([`crate::parse::AMOUNT_SCALE`]).
    pub direct_award_limit: i64,
    /// How exports are read: header names, sheet, limits.
    pub read: ReadOptions,
    pub lang: Lang,
    pub chart_size: (u32, u32),
    pub quiet: bool,
}

/// `WIDTHxHEIGHT`, each 200 to 10 000 pixels.
pub(crate) fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.trim().split_once(['x', 'X', '×'])?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    ((200..=10_000).contains(&w) && (200..=10_000).contains(&h)).then_some((w, h))
}

/// The charts' size when neither flag nor config file gives one, pixels.
pub(crate) const DEFAULT_CHART_SIZE: (u32, u32) = (1600, 900);

fn setting(name: &str, message: Text) -> Error {
    Error::Setting {
        setting: name.to_string(),
        message,
    }
}

/// The direct-award limit (rule 15) from the flag (text: `700000`, `700 000`,
/// `1 000 000 kr`), else the config (a number or such a text), else 700 000
/// SEK; fixed point. Not a number ≥ 0: an error naming the setting.
fn direct_award_limit(flag: Option<&str>, config: Option<&toml::Value>) -> Result<i64> {
    use crate::parse::{parse_amount, Amount, AMOUNT_LIMIT, AMOUNT_SCALE};
    let (name, value) = match (flag, config) {
        (Some(t), _) => ("--direct-award-limit", parse_amount(t)),
        (None, Some(toml::Value::Integer(i))) => ("direct_award_limit_sek", i.checked_mul(AMOUNT_SCALE).map(Amount)),
        (None, Some(toml::Value::Float(f))) => ("direct_award_limit_sek", Amount::from_f64(*f)),
        (None, Some(toml::Value::String(t))) => ("direct_award_limit_sek", parse_amount(t)),
        (None, Some(_)) => ("direct_award_limit_sek", None),
        (None, None) => {
            return Ok(crate::allocate::beside::DEFAULT_DIRECT_AWARD_LIMIT_SEK * AMOUNT_SCALE);
        }
    };
    match value {
        Some(Amount(v)) if (0..=AMOUNT_LIMIT).contains(&v) => Ok(v),
        _ => {
            let shown = flag
                .map(str::to_string)
                .or_else(|| config.map(|v| v.to_string()))
                .unwrap_or_default();
            Err(setting(
                name,
                Text::new(
                    format!("'{shown}' är inte ett belopp i kronor ≥ 0 (direktupphandlingsgränsen, t.ex. 700000)"),
                    format!("'{shown}' is not an amount in SEK ≥ 0 (the direct-award limit, e.g. 700000)"),
                ),
            ))
        }
    }
}

impl Settings {
    /// Merges flags over the config file (given, or ./avropskoll.toml),
    /// read here.
    pub fn resolve(args: &RunArgs) -> Result<Settings> {
        Settings::from_source(args, &ConfigSource::read(args.config.as_deref()), true)
    }

    /// Merges flags over the config file already read; without
    /// `require_exports` (`check`) an empty list of exports is allowed.
    pub fn from_source(args: &RunArgs, source: &ConfigSource, require_exports: bool) -> Result<Settings> {
        let (config, base) = source.parsed()?;
        let rel = |p: &PathBuf| if p.is_absolute() { p.clone() } else { base.join(p) };
        let lang = lang(args, &config)?;
        let agreements = args
            .agreements
            .clone()
            .or_else(|| config.agreements.as_ref().map(rel))
            .ok_or_else(no_register)?;
        let exports = match args.exports.is_empty() {
            false => args.exports.clone(),
            true => (config.exports.as_ref())
                .map(|e| e.to_vec().iter().map(rel).collect())
                .unwrap_or_default(),
        };
        if exports.is_empty() && require_exports {
            return Err(no_exports());
        }
        let out = args
            .out
            .clone()
            .or_else(|| config.out.as_ref().map(rel))
            .unwrap_or_else(|| PathBuf::from("reports"));
        // The window and the chart size are parsed here, not by clap, since
        // the config file may give them too: one parser, one message.
        let period = match args.period.as_ref().or(config.period.as_ref()) {
            None => None,
            Some(p) => Some(period(p)?),
        };
        let tolerance_pp = tolerance_pp(args.tolerance_pp, config.tolerance_pp.as_ref())?;
        let min_call_offs = min_call_offs(args.min_call_offs, config.min_call_offs)?;
        let direct_award_limit = direct_award_limit(
            args.direct_award_limit.as_deref(),
            config.direct_award_limit_sek.as_ref(),
        )?;
        let chart_size = chart_size(args.chart_size.as_ref().or(config.chart_size.as_ref()))?;
        let read = read_options(args, &config, lang)?;
        let organisation = args
            .organisation
            .clone()
            .or_else(|| config.organisation.as_ref().map(rel));
        Ok(Settings {
            agreements,
            exports,
            organisation,
            out,
            period,
            tolerance_pp,
            min_call_offs,
            direct_award_limit,
            read,
            lang,
            chart_size,
            quiet: args.quiet,
        })
    }
}

/// The language: the flag, else the config file's (`sv` or `en`), else
/// Swedish.
fn lang(args: &RunArgs, config: &ConfigFile) -> Result<Lang> {
    match (args.lang, config.lang.as_deref()) {
        (Some(l), _) => Ok(l.into()),
        (None, None) => Ok(Lang::Sv),
        (None, Some(text)) => Lang::parse(text).ok_or_else(|| {
            setting(
                "lang",
                Text::new(
                    format!("'{text}' är varken sv eller en"),
                    format!("'{text}' is neither sv nor en"),
                ),
            )
        }),
    }
}

fn no_register() -> Error {
    setting(
        "--agreements",
        Text::new(
            "inget avtalsregister angivet – ange --agreements FIL eller agreements i avropskoll.toml (`avropskoll init` skapar en mall)",
            "no agreement register given (flag or config file; `avropskoll init` writes a template)",
        ),
    )
}

fn no_exports() -> Error {
    setting(
        "--exports",
        Text::new(
            "inga exportfiler eller mappar angivna – ange --exports MAPP eller exports i avropskoll.toml",
            "no export files or folders given (flag or config file)",
        ),
    )
}

/// The report window as written (rule 6), with a suggestion when it is
/// close to one.
fn period(p: &str) -> Result<Window> {
    Window::parse(p).ok_or_else(|| {
        let forms = "2019, 2019-H1, 2019-T2, 2019-Q3, 2019-05";
        let message = match Window::suggest(p) {
            Some(m) => Text::new(
                format!("'{p}' är ingen period – menade du {m}? (Perioder skrivs {forms} eller 2019-01..2019-08.)"),
                format!("'{p}' is not a window – did you mean {m}? (Windows are written {forms} or 2019-01..2019-08.)"),
            ),
            None => Text::new(
                format!("'{p}' är ingen period; skriv {forms} eller 2019-01..2019-08"),
                format!("'{p}' is not a window; write {forms} or 2019-01..2019-08"),
            ),
        };
        setting("--period", message)
    })
}

fn not_a_number(name: &str, v: &dyn std::fmt::Display) -> Error {
    setting(
        name,
        Text::new(
            format!("{v} är inte ett tal ≥ 0 (procentenheter)"),
            format!("{v} is not a number ≥ 0 (percentage points)"),
        ),
    )
}

/// The run-wide tolerance in percentage points (default 5), ≥ 0.
fn tolerance_pp(flag: Option<f64>, config: Option<&toml::Value>) -> Result<f64> {
    let tolerance_pp = match (flag, config) {
        (Some(t), _) => t,
        (None, Some(toml::Value::Float(f))) => *f,
        (None, Some(toml::Value::Integer(i))) => *i as f64,
        (None, Some(other)) => return Err(not_a_number("tolerance_pp", other)),
        (None, None) => 5.0,
    };
    if !tolerance_pp.is_finite() || tolerance_pp < 0.0 {
        return Err(not_a_number("--tolerance-pp", &tolerance_pp));
    }
    Ok(tolerance_pp)
}

/// The fewest call-offs for a status (default 10).
fn min_call_offs(flag: Option<u64>, config: Option<i64>) -> Result<u64> {
    match (flag, config) {
        (Some(n), _) => Ok(n),
        (None, Some(n)) => u64::try_from(n).map_err(|_| {
            setting(
                "min_call_offs",
                Text::new(format!("{n} är negativt"), format!("{n} is negative")),
            )
        }),
        (None, None) => Ok(10),
    }
}

/// The charts' size from `WIDTHxHEIGHT` (default 1600x900).
fn chart_size(text: Option<&String>) -> Result<(u32, u32)> {
    let Some(t) = text else {
        return Ok(DEFAULT_CHART_SIZE);
    };
    parse_size(t).ok_or_else(|| {
        setting(
            "--chart-size",
            Text::new(
                format!("'{t}' är inte BREDDxHÖJD i bildpunkter (200 till 10000 vardera), t.ex. 1600x900"),
                format!("'{t}' is not WIDTHxHEIGHT in pixels (200 to 10000 each), e.g. 1600x900"),
            ),
        )
    })
}

/// How exports are read: the limits, the sheet and extra header names.
fn read_options(args: &RunArgs, config: &ConfigFile, lang: Lang) -> Result<ReadOptions> {
    let at_least_one = |name: &str| setting(name, Text::new("måste vara minst 1", "must be at least 1"));
    let defaults = ReadOptions::default();
    let max_file_mb = match args.max_file_mb.or(config.max_file_mb) {
        Some(0) => return Err(at_least_one("max_file_mb")),
        Some(n) => n,
        None => defaults.limits.max_file_bytes >> 20,
    };
    let max_rows = match args.max_rows.or(config.max_rows) {
        Some(0) => return Err(at_least_one("max_rows")),
        Some(n) => n,
        None => defaults.max_rows,
    };
    let overrides: HashMap<String, Vec<String>> = config.columns.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
    Ok(ReadOptions {
        names: ColumnNames::with_overrides(&overrides)?,
        sheet: args.sheet.clone().or_else(|| config.sheet.clone()),
        limits: Limits {
            max_file_bytes: max_file_mb << 20,
            max_unzipped_bytes: (max_file_mb << 20)
                .saturating_mul(4)
                .max(Limits::default().max_unzipped_bytes),
        },
        max_rows,
        lang,
        ..defaults
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::LangArg;

    /// A config file `avropskoll.toml` in a folder of its own.
    fn config(text: &str) -> (tempfile::TempDir, ConfigSource) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("avropskoll.toml");
        std::fs::write(&path, text).expect("write");
        let source = ConfigSource::read(Some(&path));
        (dir, source)
    }

    fn setting_of(e: Error) -> String {
        match e {
            Error::Setting { setting, .. } => setting,
            other => format!("not a setting error: {other}"),
        }
    }

    #[test]
    fn flags_win_over_the_file_and_its_paths_are_relative_to_its_folder() {
        let (dir, source) = config(
            "agreements = \"register.toml\"\nexports = [\"in\", \"/abs/more\"]\ntolerance_pp = 3\nmin_call_offs = 4\nchart_size = \"800x600\"\n",
        );
        let args = RunArgs {
            tolerance_pp: Some(2.5),
            ..RunArgs::default()
        };
        let s = Settings::from_source(&args, &source, true).expect("settings");
        assert_eq!(s.agreements, dir.path().join("register.toml"));
        assert_eq!(s.exports, vec![dir.path().join("in"), PathBuf::from("/abs/more")]);
        // The flag's 2.5 over the file's 3; the file's 4 over the default 10.
        assert_eq!(s.tolerance_pp, 2.5);
        assert_eq!(s.min_call_offs, 4);
        assert_eq!(s.chart_size, (800, 600));
        assert_eq!(s.out, PathBuf::from("reports"));
        // 700 000 kr by default, in fixed point (4 decimals).
        assert_eq!(s.direct_award_limit, 700_000 * 10_000);
        assert_eq!(s.lang, Lang::Sv);
    }

    #[test]
    fn every_bad_value_names_its_setting() {
        let cases = [
            (
                "agreements = \"r.toml\"\nexports = \"x\"\ntolerance_pp = -1\n",
                "--tolerance-pp",
            ),
            (
                "agreements = \"r.toml\"\nexports = \"x\"\ntolerance_pp = \"fem\"\n",
                "tolerance_pp",
            ),
            (
                "agreements = \"r.toml\"\nexports = \"x\"\nmin_call_offs = -2\n",
                "min_call_offs",
            ),
            (
                "agreements = \"r.toml\"\nexports = \"x\"\nchart_size = \"100x100\"\n",
                "--chart-size",
            ),
            (
                "agreements = \"r.toml\"\nexports = \"x\"\nperiod = \"2025-H3\"\n",
                "--period",
            ),
            ("agreements = \"r.toml\"\nexports = \"x\"\nlang = \"de\"\n", "lang"),
            ("agreements = \"r.toml\"\nexports = \"x\"\nmax_rows = 0\n", "max_rows"),
            (
                "agreements = \"r.toml\"\nexports = \"x\"\ndirect_award_limit_sek = -5\n",
                "direct_award_limit_sek",
            ),
            ("exports = \"x\"\n", "--agreements"),
            ("agreements = \"r.toml\"\n", "--exports"),
        ];
        for (text, name) in cases {
            let (_dir, source) = config(text);
            let e = Settings::from_source(&RunArgs::default(), &source, true).expect_err(text);
            assert_eq!(setting_of(e), name, "{text}");
        }
        // `check` may go without exports.
        let (_dir, source) = config("agreements = \"r.toml\"\n");
        assert!(Settings::from_source(&RunArgs::default(), &source, false).is_ok());
    }

    #[test]
    fn the_language_is_known_from_a_file_the_settings_then_refuse() {
        // An unknown key makes the file invalid, yet its `lang` is read.
        let (_dir, source) = config("lang = \"en\"\ncolour = 1\n");
        assert_eq!(lang_hint(None, Some(&source)), Lang::En);
        assert_eq!(lang_hint(Some(LangArg::Sv), Some(&source)), Lang::Sv);
        let e = Settings::from_source(&RunArgs::default(), &source, true).expect_err("unknown key");
        assert!(matches!(e, Error::ConfigFile { .. }), "{e}");
        // No file: Swedish, and every setting from flags and defaults.
        assert_eq!(lang_hint(None, Some(&ConfigSource::default())), Lang::Sv);
    }

    #[test]
    fn a_missing_file_keeps_the_io_error_as_the_source() {
        use std::error::Error as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let source = ConfigSource::read(Some(&dir.path().join("saknas.toml")));
        assert_eq!(source.lang(), None);
        let e = Settings::from_source(&RunArgs::default(), &source, true).expect_err("missing");
        assert!(e.localized(Lang::Sv).contains("filen eller mappen finns inte"), "{e}");
        let io = e
            .source()
            .and_then(|text| text.source())
            .and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(io.map(std::io::Error::kind), Some(std::io::ErrorKind::NotFound));
    }

    #[test]
    fn chart_sizes_are_200_to_10000_pixels_each() {
        assert_eq!(parse_size("1600x900"), Some((1600, 900)));
        assert_eq!(parse_size(" 200 × 10000 "), Some((200, 10_000)));
        assert_eq!(parse_size("199x900"), None);
        assert_eq!(parse_size("1600x"), None);
    }
}
