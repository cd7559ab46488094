//! The command-line entry point: parse (in the user's language), dispatch,
//! print through the terminal reporter, map errors to exit codes. Started
//! without arguments (a double-click), it works in its own folder.

mod help;
mod platform;
mod sample;
mod start;

use avropskoll::cli::{Cli, Command};
use avropskoll::config::{lang_hint, ConfigSource, Settings};
use avropskoll::error::Error;
use avropskoll::lang::Lang;
use avropskoll::report::terminal::{self, Terminal};
use help::Parsed;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    platform::tune_memory();
    platform::tune_threads();
    platform::prepare();
    let args: Vec<OsString> = std::env::args_os().collect();
    // Only a start without arguments waits for Enter: a task or a shortcut
    // with arguments in a console of its own must end by itself.
    let explorer = args.len() <= 1 && platform::started_from_explorer();
    let (code, lang) = if args.len() <= 1 {
        without_arguments(explorer)
    } else {
        with_arguments(&args)
    };
    if explorer {
        print!("\n{}", terminal::press_enter(lang));
        let _ = std::io::stdout().flush();
        platform::wait_for_enter();
    }
    code
}

fn with_arguments(args: &[OsString]) -> (ExitCode, Lang) {
    let lang = help::lang_of_args(args);
    let cli = match help::parse(args, lang) {
        Parsed::Args(cli) => cli,
        Parsed::Info(text) => {
            print!("{text}");
            return (ExitCode::SUCCESS, lang);
        }
        Parsed::Usage(text) => {
            eprint!("{text}");
            return (ExitCode::from(2), lang);
        }
    };
    let (config, lang) = config_and_lang(&cli.command);
    (finish(dispatch(&cli, &config, lang), lang), lang)
}

/// The config file of `run` and `check`, read once, and the language of
/// the messages printed before its settings are checked.
fn config_and_lang(command: &Command) -> (ConfigSource, Lang) {
    let with_config = |config: Option<&std::path::Path>, flag| {
        let source = ConfigSource::read(config);
        let lang = lang_hint(flag, Some(&source));
        (source, lang)
    };
    match command {
        Command::Run(a) => with_config(a.config.as_deref(), a.lang),
        Command::Check(a) => with_config(a.config.as_deref(), a.lang),
        Command::Init(a) => (ConfigSource::default(), lang_hint(a.lang, None)),
        Command::Sample(_) => (ConfigSource::default(), Lang::Sv),
    }
}

fn dispatch(cli: &Cli, config: &ConfigSource, lang: Lang) -> Result<(), Error> {
    match &cli.command {
        Command::Run(args) => Settings::from_source(args, config, true).and_then(|s| {
            let terminal = Terminal::new(s.lang, s.quiet);
            avropskoll::run(&s, &terminal).map(|_| ())
        }),
        Command::Check(args) => Settings::from_source(&args.as_run(), config, false).and_then(|s| {
            avropskoll::check::check(&s).map(|report| print!("{}", terminal::check_report(&report, s.lang)))
        }),
        Command::Init(args) => {
            avropskoll::template::init(&args.out).map(|files| print!("{}", terminal::init_done(&files, lang)))
        }
        Command::Sample(args) => sample::write(&sample::SampleOptions::of(args)).map(|summary| println!("{summary}")),
    }
}

/// A start without arguments: the template in an empty folder, the
/// monthly run in a filled one, a guide on a terminal.
fn without_arguments(explorer: bool) -> (ExitCode, Lang) {
    let cwd = std::env::current_dir().unwrap_or_default();
    let exe = std::env::current_exe().ok();
    let home = exe.as_deref().and_then(std::path::Path::parent);
    let how = start::Start {
        explorer,
        interactive: platform::interactive(),
    };
    match start::plan(&cwd, home, how) {
        start::Plan::Guide(dir) => {
            print!("{}", terminal::guide(&dir, Lang::Sv));
            (ExitCode::SUCCESS, Lang::Sv)
        }
        start::Plan::Init(dir) => {
            let done =
                avropskoll::template::init(&dir).map(|files| print!("{}", terminal::init_done(&files, Lang::Sv)));
            (finish(done, Lang::Sv), Lang::Sv)
        }
        start::Plan::Run(folder) => {
            let args = start::run_args(&folder);
            let config = ConfigSource::read(args.config.as_deref());
            let lang = lang_hint(args.lang, Some(&config));
            (finish(monthly(&args, &config, explorer), lang), lang)
        }
    }
}

/// The monthly routine of a double-click: the register checked alone
/// while there are no exports yet; else the run (which checks the register
/// and every export as it reads them) and the forum report opened.
fn monthly(args: &avropskoll::cli::RunArgs, config: &ConfigSource, explorer: bool) -> Result<(), Error> {
    let checked = Settings::from_source(args, config, false)?;
    if !start::has_exports(&checked)? {
        let report = avropskoll::check::check(&checked)?;
        print!("{}", terminal::check_report(&report, checked.lang));
        return Ok(());
    }
    let settings = Settings::from_source(args, config, true)?;
    let terminal = Terminal::new(settings.lang, settings.quiet);
    let outcome = avropskoll::run(&settings, &terminal)?;
    let forum = outcome.files.iter().find(|f| {
        f.extension().is_some_and(|e| e == "html")
            && f.file_name().is_some_and(|n| n.to_string_lossy().starts_with("forum-"))
    });
    if let (true, Some(forum)) = (explorer, forum) {
        if platform::open(forum) {
            println!("{}", terminal::opened(forum, settings.lang));
        }
    }
    Ok(())
}

fn finish(result: Result<(), Error>, lang: Lang) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Paths and texts from the input may hold control characters:
            // escaped, line by line (the message's own line breaks kept).
            let text: Vec<String> = e
                .localized(lang)
                .lines()
                .map(|l| avropskoll::lang::shown(l, usize::MAX))
                .collect();
            eprintln!("avropskoll: {}: {}", lang.pick("fel", "error"), text.join("\n"));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
