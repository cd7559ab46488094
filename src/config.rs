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
pub struct ConfigFile {
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
pub enum OneOrMany<T> {
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
    pub fn load(path: &Path) -> Result<ConfigFile> {
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() {
                return Err(Error::ConfigFile {
                    path: path.to_path_buf(),
                    message: crate::read::discover::not_regular(&meta),
                });
            }
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::ConfigFile {
            path: path.to_path_buf(),
            message: Text::io(&e),
        })?;
        toml::from_str(&text).map_err(|e| Error::ConfigFile {
            path: path.to_path_buf(),
            message: Text::new(
                format!("filen är inte giltig TOML eller har en okänd inställning: {e}"),
                e.to_string(),
            ),
        })
    }
}

/// The language asked for on the command line or in the config file,
/// for messages printed when the settings cannot be checked (Swedish
/// unless `--lang en` or `lang = "en"`).
pub fn lang_hint(command: &crate::cli::Command) -> Lang {
    use crate::cli::Command;
    let (flag, config) = match command {
        Command::Run(a) => (a.lang, Some(a.config.as_deref())),
        Command::Check(a) => (a.lang, Some(a.config.as_deref())),
        Command::Init(a) => (a.lang, None),
        Command::Sample(_) => (None, None),
    };
    flag.map(Lang::from)
        .or_else(|| config.and_then(config_lang))
        .unwrap_or(Lang::Sv)
}

/// The language a config file asks for (`lang = "en"`), for messages
/// printed when the settings themselves cannot be checked; `None` when the
/// file is missing or says nothing readable.
pub fn config_lang(config: Option<&Path>) -> Option<Lang> {
    let path = config.map_or_else(|| PathBuf::from("avropskoll.toml"), Path::to_path_buf);
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    Lang::parse(table.get("lang")?.as_str()?)
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
pub fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.trim().split_once(['x', 'X', '×'])?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    ((200..=10_000).contains(&w) && (200..=10_000).contains(&h)).then_some((w, h))
}

/// The charts' size when neither flag nor config file gives one, pixels.
pub const DEFAULT_CHART_SIZE: (u32, u32) = (1600, 900);

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
    /// Merges flags over the config file (given, or ./avropskoll.toml).
    pub fn resolve(args: &RunArgs) -> Result<Settings> {
        Settings::resolve_with(args, true)
    }

    /// [`Settings::resolve`]; without `require_exports` (`check`) an empty
    /// list of exports is allowed.
    pub fn resolve_with(args: &RunArgs, require_exports: bool) -> Result<Settings> {
        let config_path = match &args.config {
            Some(p) => Some(p.clone()),
            None => Some(PathBuf::from("avropskoll.toml")).filter(|p| p.is_file()),
        };
        let (config, base) = match &config_path {
            Some(p) => (
                ConfigFile::load(p)?,
                p.parent().map(Path::to_path_buf).unwrap_or_default(),
            ),
            None => (ConfigFile::default(), PathBuf::new()),
        };
        let rel = |p: &PathBuf| if p.is_absolute() { p.clone() } else { base.join(p) };
        let lang = match (args.lang, config.lang.as_deref()) {
            (Some(l), _) => l.into(),
            (None, None) => Lang::Sv,
            (None, Some(text)) => Lang::parse(text).ok_or_else(|| {
                setting(
                    "lang",
                    Text::new(
                        format!("'{text}' är varken sv eller en"),
                        format!("'{text}' is neither sv nor en"),
                    ),
                )
            })?,
        };
        let agreements = args
            .agreements
            .clone()
            .or_else(|| config.agreements.as_ref().map(rel))
            .ok_or_else(|| {
                setting(
                    "--agreements",
                    Text::new(
                        "inget avtalsregister angivet – ange --agreements FIL eller agreements i avropskoll.toml (`avropskoll init` skapar en mall)",
                        "no agreement register given (flag or config file; `avropskoll init` writes a template)",
                    ),
                )
            })?;
        let exports = if !args.exports.is_empty() {
            args.exports.clone()
        } else {
            config
                .exports
                .as_ref()
                .map(|e| e.to_vec().iter().map(rel).collect())
                .unwrap_or_default()
        };
        if exports.is_empty() && require_exports {
            return Err(setting(
                "--exports",
                Text::new(
                    "inga exportfiler eller mappar angivna – ange --exports MAPP eller exports i avropskoll.toml",
                    "no export files or folders given (flag or config file)",
                ),
            ));
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
            Some(p) => Some(Window::parse(p).ok_or_else(|| {
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
            })?),
        };
        let not_a_number = |name: &str, v: &dyn std::fmt::Display| {
            setting(
                name,
                Text::new(
                    format!("{v} är inte ett tal ≥ 0 (procentenheter)"),
                    format!("{v} is not a number ≥ 0 (percentage points)"),
                ),
            )
        };
        let tolerance_pp = match (args.tolerance_pp, &config.tolerance_pp) {
            (Some(t), _) => t,
            (None, Some(toml::Value::Float(f))) => *f,
            (None, Some(toml::Value::Integer(i))) => *i as f64,
            (None, Some(other)) => return Err(not_a_number("tolerance_pp", other)),
            (None, None) => 5.0,
        };
        if !tolerance_pp.is_finite() || tolerance_pp < 0.0 {
            return Err(not_a_number("--tolerance-pp", &tolerance_pp));
        }
        let min_call_offs = match (args.min_call_offs, config.min_call_offs) {
            (Some(n), _) => n,
            (None, Some(n)) if n >= 0 => n as u64,
            (None, Some(n)) => {
                return Err(setting(
                    "min_call_offs",
                    Text::new(format!("{n} är negativt"), format!("{n} is negative")),
                ))
            }
            (None, None) => 10,
        };
        let direct_award_limit = direct_award_limit(
            args.direct_award_limit.as_deref(),
            config.direct_award_limit_sek.as_ref(),
        )?;
        let chart_size = match args.chart_size.as_ref().or(config.chart_size.as_ref()) {
            None => DEFAULT_CHART_SIZE,
            Some(t) => parse_size(t).ok_or_else(|| {
                setting(
                    "--chart-size",
                    Text::new(
                        format!("'{t}' är inte BREDDxHÖJD i bildpunkter (200 till 10000 vardera), t.ex. 1600x900"),
                        format!("'{t}' is not WIDTHxHEIGHT in pixels (200 to 10000 each), e.g. 1600x900"),
                    ),
                )
            })?,
        };
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
        let overrides: HashMap<String, Vec<String>> =
            config.columns.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
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
            read: ReadOptions {
                names: ColumnNames::with_overrides(&overrides)?,
                sheet: args.sheet.clone().or(config.sheet),
                limits: Limits {
                    max_file_bytes: max_file_mb << 20,
                    max_unzipped_bytes: (max_file_mb << 20)
                        .saturating_mul(4)
                        .max(Limits::default().max_unzipped_bytes),
                },
                max_rows,
                lang,
                ..ReadOptions::default()
            },
            lang,
            chart_size,
            quiet: args.quiet,
        })
    }
}
