//! The command-line entry point: parse, dispatch, map errors to exit codes.

use avropskoll::cli::{Cli, Command};
use avropskoll::config::Settings;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<()> = match &cli.command {
        Command::Run(args) => Settings::resolve(args)
            .and_then(|s| avropskoll::run(&s))
            .map(|_| ())
            .map_err(anyhow::Error::from),
        Command::Sample(args) => avropskoll::sample::write(args).map_err(anyhow::Error::from),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("avropskoll: error: {e:#}");
            let code = e
                .downcast_ref::<avropskoll::error::Error>()
                .map_or(1, |d| d.exit_code());
            ExitCode::from(code as u8)
        }
    }
}
