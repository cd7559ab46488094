//! The command-line entry point: parse, dispatch, print through the
//! terminal reporter, map errors to exit codes.

use avropskoll::cli::{Cli, Command};
use avropskoll::config::Settings;
use avropskoll::report::terminal::{self, Terminal};
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
        Command::Check(args) => Settings::resolve_with(&args.as_run(), false).and_then(|s| {
            avropskoll::check::check(&s).map(|report| print!("{}", terminal::check_report(&report, s.lang)))
        }),
        Command::Init(args) => avropskoll::template::init(&args.out).map(|files| {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            println!(
                "{}",
                lang.pick(
                    format!(
                        "Skrev {}.\nFyll i register.xlsx i Excel, lägg månadsexporterna i exporter/ och kör\n  avropskoll check   (kontrollerar registret och exporterna)\n  avropskoll run     (skriver rapporterna)",
                        names.join(", ")
                    ),
                    format!(
                        "Wrote {}.\nFill in register.xlsx in Excel, put the monthly exports in exporter/ and run\n  avropskoll check   (checks the register and the exports)\n  avropskoll run     (writes the reports)",
                        names.join(", ")
                    )
                )
            )
        }),
        Command::Sample(args) => avropskoll::sample::write(&args.options()).map(|summary| println!("{summary}")),
    };
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
