//! The command line in the user's language: `--help` and usage errors in
//! Swedish by default, in English with `--lang en`. The argument types stay
//! in [`avropskoll::cli`]; this module only words them.

use avropskoll::cli::Cli;
use avropskoll::lang::Lang;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches};
use std::ffi::OsString;

/// What parsing the command line gave: the arguments, or text to print
/// (help, version, or a usage error) with its exit code.
#[derive(Debug)]
pub enum Parsed {
    Args(Box<Cli>),
    /// Help or version: printed on stdout, exit 0.
    Info(String),
    /// A usage error: printed on stderr, exit 2.
    Usage(String),
}

/// The language asked for on the command line (`--lang en`,
/// `--lang=en`), before the arguments are parsed: help and usage errors
/// need it.
pub fn lang_of_args(args: &[OsString]) -> Lang {
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        if let Some(lang) = value.as_deref().and_then(Lang::parse) {
            return lang;
        }
    }
    Lang::Sv
}

/// Parses `args` (the program name first) with help texts and errors in
/// `lang`.
pub fn parse(args: &[OsString], lang: Lang) -> Parsed {
    // `avropskoll help [KOMMANDO]`, as clap's own help command was.
    if args.get(1).is_some_and(|a| a == "help") {
        let mut asked: Vec<OsString> = args
            .iter()
            .take(1)
            .chain(args.iter().skip(2).take(1))
            .cloned()
            .collect();
        asked.push("--help".into());
        return parse(&asked, lang);
    }
    let mut command = localized(lang);
    let matches = match command.try_get_matches_from_mut(args) {
        Ok(m) => m,
        Err(e) => return from_error(&e, &mut command, lang),
    };
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => Parsed::Args(Box::new(cli)),
        Err(e) => from_error(&e, &mut command, lang),
    }
}

fn from_error(e: &clap::Error, command: &mut clap::Command, lang: Lang) -> Parsed {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Parsed::Info(e.render().to_string()),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            Parsed::Info(command.render_help().to_string())
        }
        _ if lang == Lang::En => Parsed::Usage(e.render().to_string()),
        _ => Parsed::Usage(swedish_error(e)),
    }
}

/// The command with every text a user reads in `lang`.
pub fn localized(lang: Lang) -> clap::Command {
    let command = Cli::command();
    if lang == Lang::En {
        return command;
    }
    let subcommands: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_string()).collect();
    let mut command = swedish_frame(command)
        .about(ABOUT_SV)
        .override_usage("avropskoll <KOMMANDO> [FLAGGOR]")
        .subcommand_help_heading("Kommandon")
        .subcommand_value_name("KOMMANDO")
        .after_help(AFTER_HELP_SV);
    for name in subcommands {
        command = command.mut_subcommand(&name, |sub| swedish_subcommand(swedish_frame(sub), &name));
    }
    command
}

const ABOUT_SV: &str = "Kontrollerar att avropen från ramavtalen följer fördelningsnyckeln, \
    rangordningen och takvolymen.";

const AFTER_HELP_SV: &str = "Kom igång: `avropskoll init` skriver en registermall och inställningarna i \
    den här mappen; fyll i registret i Excel, lägg exporterna i exporter/ och kör `avropskoll run`.\n\
    Skriv `avropskoll KOMMANDO --help` för ett kommandos flaggor. Engelska: --lang en.";

/// Swedish headings and our own help and version flags (clap's own are
/// worded in English).
fn swedish_frame(command: clap::Command) -> clap::Command {
    let command = command
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .next_help_heading("Flaggor")
        .help_template("{about-with-newline}\nAnvändning: {usage}\n\n{all-args}{after-help}")
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Visa den här hjälpen"),
        );
    if command.get_version().is_some() {
        command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Visa versionen"),
        )
    } else {
        command
    }
}

fn swedish_subcommand(command: clap::Command, name: &str) -> clap::Command {
    let (about, usage) = match name {
        "run" => (
            "Läs registret och exporterna, räkna andelarna och skriv rapporterna.",
            "avropskoll run [FLAGGOR]",
        ),
        "init" => (
            "Skriv en registermall (register.xlsx), avropskoll.toml och mappen exporter/.",
            "avropskoll init [FLAGGOR]",
        ),
        "check" => (
            "Kontrollera registret och exporterna utan att skriva rapporter.",
            "avropskoll check [FLAGGOR]",
        ),
        "sample" => (
            "Skapa exempeldata (register, exporter och inställningar).",
            "avropskoll sample --out MAPP [FLAGGOR]",
        ),
        _ => ("", ""),
    };
    let ids: Vec<String> = command.get_arguments().map(|a| a.get_id().to_string()).collect();
    let mut command = command.about(about).override_usage(usage);
    for id in ids {
        if let Some((help, value)) = swedish_arg(name, &id) {
            command = command.mut_arg(&id, |arg| {
                let arg = arg.help(help).help_heading("Flaggor");
                if value.is_empty() {
                    arg
                } else {
                    arg.value_name(value)
                        .hide_default_value(true)
                        .hide_possible_values(true)
                }
            });
        }
    }
    command
}

/// An argument's Swedish help text and value name (empty: a switch or
/// keep the name), by its id.
fn swedish_arg(command: &str, id: &str) -> Option<(&'static str, &'static str)> {
    Some(match (command, id) {
        ("init", "out") => (
            "Mapp att skriva register.xlsx, avropskoll.toml och exporter/ i (standard: den här)",
            "MAPP",
        ),
        ("sample", "out") => (
            "Mapp att skriva exempeldatans register, exporter och inställningar i",
            "MAPP",
        ),
        (_, id) => return swedish_flag(id),
    })
}

fn swedish_flag(id: &str) -> Option<(&'static str, &'static str)> {
    Some(match id {
        "agreements" => ("Avtalsregistret (TOML, xlsx, xls, ods eller csv)", "REGISTER"),
        "exports" => ("Exportfiler och mappar (mappar söks igenom med undermappar)", "SÖKVÄG"),
        "organisation" => (
            "Organisationsfilen: Ansvar → Sektion, Sektionschef, E-post (xlsx, ods eller csv); \
             då skrivs en arbetsbok per sektion",
            "FIL",
        ),
        "period" => (
            "Rapportperiod: 2025, 2025-H1, 2025-T2, 2025-Q3, 2025-05 eller 2025-01..2025-08 \
             (standard: halvåret med det senaste datumet)",
            "PERIOD",
        ),
        "out" => (
            "Mapp för rapporterna; de hamnar i MAPP/PERIOD/ (standard: reports)",
            "MAPP",
        ),
        "tolerance_pp" => ("Tolerans i procentenheter (standard 5)", "X"),
        "min_call_offs" => ("Minsta antal avrop för en bedömning (standard 10)", "N"),
        "config" => ("Inställningsfil (standard: ./avropskoll.toml om den finns)", "FIL"),
        "sheet" => (
            "Blad att läsa i exporter som är arbetsböcker (standard: det första)",
            "BLAD",
        ),
        "lang" => (
            "Språk i terminalen, meddelandena och rapporterna: sv (standard) eller en",
            "SPRÅK",
        ),
        "chart_size" => (
            "Diagrammens storlek i bildpunkter, BREDDxHÖJD (standard 1600x900)",
            "BxH",
        ),
        "max_file_mb" => ("Största exportfil som läses, MB (standard 2048)", "MB"),
        "max_rows" => ("Flest rader som läses från exporterna (standard 200 000 000)", "N"),
        "direct_award_limit" => (
            "Direktupphandlingsgränsen i kronor (standard 700 000); håll den aktuell",
            "KR",
        ),
        "quiet" => ("Skriv bara ut fel", ""),
        "months" => ("Antal månadsexporter (standard 24)", "N"),
        "rows_per_month" => ("Fakturarader per månad (standard 1000)", "N"),
        "start" => ("Första månaden, ÅÅÅÅ-MM (standard 2024-01)", "ÅÅÅÅ-MM"),
        "rows" => (
            "Totalt antal fakturarader (går före --rows-per-month; för prestandamätning)",
            "N",
        ),
        "clean" => ("En ren export som enkla jämförelseverktyg kan läsa", ""),
        "units" => ("Antal enheter i den rena exporten (för prestandamätning)", "N"),
        "orderers" => (
            "Antal beställare i den rena exporten, oberoende av enheten (för prestandamätning)",
            "N",
        ),
        "references" => (
            "Beställarkolumnen heter Er referens och har ett namn och ett inköpsordernummer, nästan unikt per rad",
            "",
        ),
        "format" => ("Den rena exportens format: csv eller xlsx (standard csv)", "FORMAT"),
        "seed" => ("Slumpfrö; samma frö ger samma filer (standard 1)", "N"),
        "help" | "version" => return None,
        _ => return None,
    })
}

/// A usage error in Swedish, from clap's kind and context.
fn swedish_error(e: &clap::Error) -> String {
    let get = |kind| e.get(kind).map(value_text).unwrap_or_default();
    let arg = get(ContextKind::InvalidArg);
    let message = match e.kind() {
        ErrorKind::UnknownArgument => {
            let hint = match get(ContextKind::SuggestedArg) {
                s if s.is_empty() => String::new(),
                s => format!(" – menade du {s}?"),
            };
            if arg.starts_with('-') {
                format!("okänd flagga '{arg}'{hint}")
            } else {
                format!("oväntat argument '{arg}'{hint}")
            }
        }
        ErrorKind::InvalidSubcommand => {
            let hint = match get(ContextKind::SuggestedSubcommand) {
                s if s.is_empty() => String::new(),
                s => format!(" – menade du {s}?"),
            };
            format!(
                "okänt kommando '{}'{hint}; kommandona är run, check, init och sample",
                get(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            let valid = if valid.is_empty() {
                String::new()
            } else {
                format!("; välj {valid}")
            };
            match get(ContextKind::InvalidValue) {
                v if v.is_empty() => format!("{arg} saknar värde{valid}"),
                v => format!("'{v}' är inget giltigt värde för {arg}{valid}"),
            }
        }
        ErrorKind::ValueValidation => {
            format!("'{}' är inget giltigt värde för {arg}", get(ContextKind::InvalidValue))
        }
        ErrorKind::MissingRequiredArgument => format!("{arg} måste anges"),
        ErrorKind::ArgumentConflict => {
            format!("{arg} kan inte användas tillsammans med {}", get(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("fel antal värden för {arg}")
        }
        ErrorKind::NoEquals => format!("{arg} kräver ett värde efter ="),
        _ => {
            let english = e.render().to_string();
            let first = english.lines().next().unwrap_or_default().trim_start_matches("error: ");
            format!("ogiltig kommandorad ({first})")
        }
    };
    format!(
        "avropskoll: fel: {message}\n\nAnvändning: avropskoll <KOMMANDO> [FLAGGOR]\n\
         Skriv `avropskoll --help` för hjälp (eller `avropskoll KOMMANDO --help`).\n"
    )
}

fn value_text(v: &ContextValue) -> String {
    match v {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(list) => list.join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        std::iter::once("avropskoll")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    fn text(p: Parsed) -> String {
        match p {
            Parsed::Info(t) | Parsed::Usage(t) => t,
            Parsed::Args(cli) => format!("{cli:?}"),
        }
    }

    #[test]
    fn lang_is_found_before_parsing() {
        assert_eq!(lang_of_args(&args(&["run", "--lang", "en"])), Lang::En);
        assert_eq!(lang_of_args(&args(&["run", "--lang=EN"])), Lang::En);
        assert_eq!(lang_of_args(&args(&["run", "--lang"])), Lang::Sv);
        assert_eq!(lang_of_args(&args(&["--help"])), Lang::Sv);
    }

    #[test]
    fn every_argument_has_swedish_help() {
        for sub in Cli::command().get_subcommands() {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                assert!(
                    swedish_arg(sub.get_name(), id).is_some(),
                    "{} --{id} has no Swedish help",
                    sub.get_name()
                );
            }
        }
    }

    #[test]
    fn help_is_swedish_by_default() {
        let help = text(parse(&args(&["--help"]), Lang::Sv));
        assert!(help.contains("Användning: avropskoll <KOMMANDO> [FLAGGOR]"), "{help}");
        assert!(help.contains("Kommandon:"), "{help}");
        assert!(help.contains("Kontrollera registret och exporterna"), "{help}");
        assert!(!help.contains("Usage:") && !help.contains("Options:"), "{help}");
        let run = text(parse(&args(&["run", "--help"]), Lang::Sv));
        assert!(run.contains("Flaggor:") && run.contains("--period <PERIOD>"), "{run}");
        assert!(
            !run.contains("Options:") && run.matches("Flaggor:").count() == 1,
            "{run}"
        );
        assert!(run.contains("Visa den här hjälpen"), "{run}");
        assert!(!run.contains("[default"), "{run}");
    }

    #[test]
    fn help_is_english_on_request() {
        let run = text(parse(&args(&["run", "--help", "--lang", "en"]), Lang::En));
        assert!(run.contains("Usage:") && run.contains("Report window"), "{run}");
    }

    #[test]
    fn usage_errors_are_swedish() {
        let e = text(parse(&args(&["run", "--perod", "2025-H1"]), Lang::Sv));
        assert!(e.contains("okänd flagga '--perod' – menade du --period?"), "{e}");
        let e = text(parse(&args(&["init", "extra"]), Lang::Sv));
        assert!(e.contains("oväntat argument 'extra'"), "{e}");
        let help = text(parse(&args(&["help", "run"]), Lang::Sv));
        assert!(help.contains("Användning: avropskoll run [FLAGGOR]"), "{help}");
        let e = text(parse(&args(&["rum"]), Lang::Sv));
        assert!(e.contains("okänt kommando 'rum' – menade du run?"), "{e}");
        let e = text(parse(&args(&["run", "--lang", "fi"]), Lang::Sv));
        assert!(
            e.contains("'fi' är inget giltigt värde för --lang <SPRÅK>; välj sv, en"),
            "{e}"
        );
        let e = text(parse(&args(&["run", "--min-call-offs", "tio"]), Lang::Sv));
        assert!(
            e.contains("'tio' är inget giltigt värde för --min-call-offs <N>"),
            "{e}"
        );
        assert!(
            matches!(parse(&args(&["run", "--perod"]), Lang::En), Parsed::Usage(t) if t.contains("unexpected argument"))
        );
    }

    #[test]
    fn arguments_parse_as_before() {
        let Parsed::Args(cli) = parse(&args(&["run", "--period", "2025-H2", "--quiet"]), Lang::Sv) else {
            panic!("not parsed")
        };
        let avropskoll::cli::Command::Run(run) = cli.command else {
            panic!("not run")
        };
        assert_eq!(run.period.as_deref(), Some("2025-H2"));
        assert!(run.quiet);
    }
}
