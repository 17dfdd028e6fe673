//! rds-inventory: parse, resolve settings, run, map the outcome to an exit code.

mod app;
mod aws;
mod cli;
mod config;
mod fetch;
mod plan;
mod progress;
mod record;
mod sink;

use std::io::{self, BufWriter};
use std::process::ExitCode;

use clap::Parser;

use crate::config::{Settings, SettingsError};

/// Exit code for a fatal error (accounts file, base credentials, output file).
const EXIT_FATAL: u8 = 1;
/// Exit code for a command-line mistake; clap uses it too.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
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
    let stdout = Box::new(BufWriter::with_capacity(64 * 1024, io::stdout()));
    let code = match runtime.block_on(app::run(settings, stdout)) {
        Ok(status) => status.exit_code(),
        Err(e) => {
            eprintln!("rds-inventory: {e:#}");
            EXIT_FATAL
        }
    };
    // Calls still hanging on a dead connection must not delay the exit.
    runtime.shutdown_background();
    ExitCode::from(code)
}
