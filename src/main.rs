//! rds-inventory: parse, resolve settings, run, map the outcome to an exit code.

mod accounts;
mod app;
mod aws;
mod cli;
mod config;
mod diff;
mod fetch;
mod joins;
mod metrics;
mod output_file;
mod parameters;
mod plan;
mod prepare;
mod price;
mod progress;
mod record;
mod sink;
mod status;
mod summary;
mod table;
mod utilization;

use std::io::{self, BufWriter, IsTerminal};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::config::Settings;
use crate::status::RunStatus;

/// The SDK allocates and frees many small objects per call; glibc's malloc spent about a
/// quarter of the tool's CPU on them (and contended between the runtime's threads).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    // `plan` takes the run's options after it too; those win over the ones before it.
    if let Some(Command::Plan { run, .. }) = &mut cli.command {
        cli.run = std::mem::take(run).over(std::mem::take(&mut cli.run));
    }
    // diff compares two files, with diff(1)'s exit codes: no accounts file, no AWS.
    if let Some(Command::Diff(args)) = &cli.command {
        return ExitCode::from(diff::run(args, io::stdout()));
    }
    let status = match run(cli) {
        Ok(status) => status,
        Err(error) => {
            eprintln!("rds-inventory: {error:#}");
            RunStatus::of_error(&error)
        }
    };
    ExitCode::from(status.exit_code())
}

fn run(cli: Cli) -> anyhow::Result<RunStatus> {
    match &cli.command {
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            clap_complete::generate(*shell, &mut command, "rds-inventory", &mut io::stdout());
            return Ok(RunStatus::Complete);
        }
        Some(Command::Man) => {
            let written = clap_mangen::Man::new(Cli::command()).render(&mut io::stdout());
            return RunStatus::after_writing(written, "cannot write the man page");
        }
        Some(Command::Kinds { format }) => {
            let terminal = io::stdout().is_terminal();
            return app::kinds(*format, io::stdout().lock(), terminal);
        }
        Some(Command::Fields { format, kind }) => {
            let terminal = io::stdout().is_terminal();
            return app::fields(*format, kind.0, io::stdout().lock(), terminal);
        }
        Some(Command::Plan { .. } | Command::Diff(_)) | None => {}
    }
    let settings = Settings::load(&cli)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::Error::new(e).context("cannot start the async runtime"))?;
    let result = match cli.command {
        Some(Command::Plan { check, .. }) => {
            let terminal = io::stdout().is_terminal();
            runtime.block_on(app::plan(settings, check, io::stdout().lock(), terminal))
        }
        _ => {
            let stdout = Box::new(BufWriter::with_capacity(64 * 1024, io::stdout()));
            runtime.block_on(app::run(settings, stdout))
        }
    };
    // Calls still hanging on a dead connection must not delay the exit.
    runtime.shutdown_background();
    result
}
