//! The command-line entry point: parse, dispatch, print through the
//! terminal reporter, map errors to exit codes.

use avropskoll::cli::{Cli, Command};
use avropskoll::config::Settings;
use avropskoll::report::terminal::Terminal;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.command.lang_hint();
    let result = match &cli.command {
        Command::Run(args) => Settings::resolve(args).and_then(|s| {
            let terminal = Terminal::new(s.lang, s.quiet);
            avropskoll::run(&s, &terminal).map(|_| ())
        }),
        Command::Sample(args) => avropskoll::sample::write(&args.options()).map(|summary| println!("{summary}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("avropskoll: {}: {}", lang.pick("fel", "error"), e.localized(lang));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
