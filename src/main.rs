//! rds-inventory: parse, resolve settings, run, map the outcome to an exit code.

mod app;
mod aws;
mod cli;
mod config;
mod diff;
mod discover;
mod fetch;
mod plan;
mod progress;
mod record;
mod resolve;
mod sink;
mod summary;
mod table;

use std::io::{self, BufWriter, IsTerminal};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::config::{Settings, SettingsError};

/// Exit code for a fatal error (accounts file, base credentials, output file).
const EXIT_FATAL: u8 = 1;
/// Exit code for a command-line mistake; clap uses it too.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match &cli.command {
        // diff compares two files: no accounts file, no AWS.
        Some(cli::Command::Diff(args)) => return ExitCode::from(diff::run(args, io::stdout())),
        Some(cli::Command::Completions { shell }) => {
            let mut command = cli::Cli::command();
            clap_complete::generate(*shell, &mut command, "rds-inventory", &mut io::stdout());
            return ExitCode::SUCCESS;
        }
        Some(cli::Command::Man) => {
            return match clap_mangen::Man::new(cli::Cli::command()).render(&mut io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("rds-inventory: cannot write the man page: {e}");
                    ExitCode::from(EXIT_FATAL)
                }
            };
        }
        _ => {}
    }
    let settings = match Settings::load(&cli) {
        Ok(settings) => settings,
        Err(SettingsError::File(e)) => {
            eprintln!("rds-inventory: {e}");
            return ExitCode::from(EXIT_FATAL);
        }
        Err(SettingsError::Usage(message)) => {
            eprintln!("rds-inventory: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("rds-inventory: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FATAL);
        }
    };
    let result = match cli.command {
        Some(cli::Command::Plan { check }) => {
            let terminal = io::stdout().is_terminal();
            runtime.block_on(app::plan(settings, check, io::stdout().lock(), terminal))
        }
        _ => {
            let stdout = Box::new(BufWriter::with_capacity(64 * 1024, io::stdout()));
            runtime.block_on(app::run(settings, stdout))
        }
    };
    let code = match result {
        Ok(status) => status.exit_code(),
        Err(e) => {
            eprintln!("rds-inventory: {e:#}");
            if e.is::<resolve::UsageError>() {
                EXIT_USAGE
            } else {
                EXIT_FATAL
            }
        }
    };
    // Calls still hanging on a dead connection must not delay the exit.
    runtime.shutdown_background();
    ExitCode::from(code)
}
