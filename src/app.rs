//! The one place that wires the pieces together:
//! settings -> plan (resolve.rs) -> fetch stream -> one writer.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use tokio::sync::mpsc;

use aws_sdk_rds::config::ProvideCredentials;

use crate::aws::{self, AwsContext};
use crate::config::Settings;
use crate::fetch::{self, Event, FetchOptions};
use crate::output_file::AtomicFile;
use crate::progress::{warning_line, Progress, Reporter, Totals};
use crate::resolve::{prepare, Prepared, UsageError};
use crate::sink::RecordWriter;
use crate::summary::{RunEnd, SummaryCounts, SummaryFile};

/// Pages buffered between the fetchers and the writer; a slow reader slows the fetchers
/// instead of growing memory.
const PAGES_IN_FLIGHT: usize = 16;

/// How a run ended; `main` maps it to the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every target listed.
    Complete,
    /// Some targets failed; the output holds every other target completely.
    Partial,
    /// The reader went away (`| head`): not an error.
    OutputClosed,
    /// Ctrl-C: nothing was committed.
    Interrupted,
}

impl RunStatus {
    pub fn exit_code(self) -> u8 {
        match self {
            RunStatus::Complete | RunStatus::OutputClosed => 0,
            RunStatus::Partial => 3,
            RunStatus::Interrupted => 130,
        }
    }

    /// The name used in the summary file.
    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Complete => "complete",
            RunStatus::Partial => "partial",
            RunStatus::OutputClosed => "output_closed",
            RunStatus::Interrupted => "interrupted",
        }
    }

    fn from_totals(totals: Totals) -> RunStatus {
        if totals.failed == 0 {
            RunStatus::Complete
        } else {
            RunStatus::Partial
        }
    }
}

/// Where records go: the caller's stdout, or a file replaced atomically at the end.
enum Destination {
    Stdout(Box<dyn Write + Send>),
    File(AtomicFile),
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Destination::Stdout(w) => w.write(buf),
            Destination::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Destination::Stdout(w) => w.flush(),
            Destination::File(f) => f.flush(),
        }
    }
}

/// Runs the inventory. Errors returned here are fatal (exit 1); failed targets are not errors.
/// With `--summary`, the summary is written whatever the outcome, fatal errors included.
pub async fn run(settings: Settings, stdout: Box<dyn Write + Send>) -> anyhow::Result<RunStatus> {
    let summary = match &settings.summary {
        Some(path) => Some(SummaryFile::create(path)?),
        None => None,
    };
    let outcome = run_inventory(&settings, stdout).await;
    let Some(summary) = summary else {
        return outcome.map(|o| o.status);
    };
    match outcome {
        Ok(o) => {
            let end = RunEnd {
                status: o.status.name(),
                exit_code: o.status.exit_code(),
                assume_role_calls: o.assume_role_calls,
                retries: o.retries,
                error: None,
            };
            summary.write(o.counts, end)?;
            Ok(o.status)
        }
        Err(error) => {
            let end = RunEnd {
                status: "fatal",
                exit_code: if error.is::<UsageError>() { 2 } else { 1 },
                assume_role_calls: 0,
                retries: 0,
                error: Some(format!("{error:#}")),
            };
            summary.write(SummaryCounts::default(), end)?;
            Err(error)
        }
    }
}

/// How a run that was not fatal ended, with what its summary needs.
struct Outcome {
    status: RunStatus,
    counts: SummaryCounts,
    assume_role_calls: u64,
    retries: u64,
}

async fn run_inventory(
    settings: &Settings,
    stdout: Box<dyn Write + Send>,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    // Listen for Ctrl-C before creating the temp file, so no interrupt can leave it behind.
    let mut interrupt = Interrupt::register().context("cannot listen for Ctrl-C")?;
    // Open the output first, so a bad path fails before any AWS call.
    let destination = match &settings.output {
        Some(path) => Destination::File(
            AtomicFile::create(path)
                .with_context(|| format!("cannot create output file {}", path.display()))?,
        ),
        None => Destination::Stdout(stdout),
    };
    let writer = RecordWriter::new(settings.format, &settings.columns, destination)
        .context("cannot write output")?;

    let Prepared {
        aws,
        plan,
        warnings,
    } = tokio::select! {
        prepared = prepare(settings) => prepared?,
        () = interrupt.recv() => {
            return Ok(Outcome {
                status: RunStatus::Interrupted,
                counts: SummaryCounts::default(),
                assume_role_calls: 0,
                retries: 0,
            })
        }
    };
    let progress = Progress::new(plan.targets.len() as u64, settings.progress);
    let reporter = Reporter::new(progress, settings.verbose, settings.quiet);
    for warning in &warnings {
        reporter.warn(&warning_line(warning));
    }
    if settings.verbose > 0 {
        reporter.note(&format!(
            "plan: {} accounts, {} targets, concurrency {}, {} attempts per call, {:.0} s per attempt",
            plan.accounts.len(),
            plan.targets.len(),
            settings.concurrency,
            settings.max_attempts,
            settings.call_timeout.as_secs_f64()
        ));
    }
    let counts = SummaryCounts::new(&plan, warnings);

    let (events, received) = mpsc::channel(PAGES_IN_FLIGHT);
    let mut consumer =
        tokio::task::spawn_blocking(move || consume(received, writer, reporter, counts));
    let options = FetchOptions {
        concurrency: settings.concurrency,
        credential_rounds: settings.max_attempts,
        initial_backoff: settings.initial_backoff,
    };
    let fetching = fetch::fetch_all(Arc::clone(&aws), plan.targets.clone(), options, events);

    let interrupted = tokio::select! {
        _ = fetching => false,
        () = interrupt.recv() => true,
        // The writer stops early only on a write error; stop fetching then too.
        finished = &mut consumer => return finish(finished, started, &aws, false),
    };
    // The fetch future is dropped here: its tasks are aborted and the channel closes.
    finish(consumer.await, started, &aws, interrupted)
}

/// `rds-inventory plan`: the resolved targets, and with `check`, whether each role works.
pub async fn plan(
    settings: Settings,
    check: bool,
    mut stdout: impl Write,
    terminal: bool,
) -> anyhow::Result<RunStatus> {
    let Prepared {
        aws,
        plan,
        warnings,
    } = prepare(&settings).await?;
    for warning in &warnings {
        eprintln!("{}", warning_line(warning));
    }
    let mut role_checks = Vec::new();
    if check {
        for (index, account) in plan.accounts.iter().enumerate() {
            let (_, credentials) = aws.account(index).current();
            let result = credentials.provide_credentials().await.map(|_| ());
            role_checks.push((
                account.id.clone(),
                result.map_err(|e| aws::role_failure_text(&e)),
            ));
        }
    }
    let rows = crate::plan::PlanRow::all(&plan, &role_checks);
    let rendered = if terminal {
        crate::plan::render_table(&rows)
    } else {
        crate::plan::render_ndjson(&rows)
    };
    match stdout
        .write_all(rendered.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(RunStatus::OutputClosed),
        other => other.context("cannot write the plan")?,
    }
    let failed: Vec<&(String, Result<(), String>)> =
        role_checks.iter().filter(|(_, r)| r.is_err()).collect();
    if check && !settings.quiet {
        eprintln!(
            "rds-inventory: {} accounts, {} targets; roles: {} ok, {} failed",
            plan.accounts.len(),
            plan.targets.len(),
            role_checks.len() - failed.len(),
            failed.len()
        );
    }
    Ok(if failed.is_empty() {
        RunStatus::Complete
    } else {
        RunStatus::Partial
    })
}

/// SIGINT, registered at once (a plain `ctrl_c()` future registers only when first polled).
struct Interrupt {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupt {
    fn register() -> io::Result<Interrupt> {
        Ok(Interrupt {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?,
        })
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        self.signal.recv().await;
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

type Consumed = (
    io::Result<RecordWriter<Destination>>,
    Reporter,
    SummaryCounts,
);

/// Commits the output of a finished run, or discards it when interrupted.
fn finish(
    consumed: Result<Consumed, tokio::task::JoinError>,
    started: Instant,
    aws: &AwsContext,
    interrupted: bool,
) -> anyhow::Result<Outcome> {
    let (written, reporter, counts) = consumed.context("the output writer stopped unexpectedly")?;
    let totals = reporter.finish(started.elapsed(), aws.assume_role_calls());
    let outcome = |status| Outcome {
        status,
        counts,
        assume_role_calls: aws.assume_role_calls(),
        retries: aws.rds_retries(),
    };
    let status = commit(written, interrupted, totals)?;
    Ok(outcome(status))
}

/// Finishes the output: renames the file into place, or leaves everything as it was.
fn commit(
    written: io::Result<RecordWriter<Destination>>,
    interrupted: bool,
    totals: Totals,
) -> anyhow::Result<RunStatus> {
    let writer = match written {
        Ok(writer) => writer,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(RunStatus::OutputClosed),
        Err(e) => return Err(e).context("cannot write output"),
    };
    if interrupted {
        // Dropping the writer removes the temp file; an existing output file stays as it was.
        return Ok(RunStatus::Interrupted);
    }
    match writer.finish() {
        Ok(Destination::File(file)) => file.commit().context("cannot replace the output file")?,
        Ok(Destination::Stdout(_)) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(RunStatus::OutputClosed),
        Err(e) => return Err(e).context("cannot write output"),
    }
    Ok(RunStatus::from_totals(totals))
}

/// The single writer: owns the output, writes each page as it arrives, reports outcomes.
fn consume(
    mut events: mpsc::Receiver<Event>,
    mut writer: RecordWriter<Destination>,
    mut reporter: Reporter,
    mut counts: SummaryCounts,
) -> Consumed {
    while let Some(event) = events.blocking_recv() {
        match event {
            Event::Page(records) => {
                let written = records
                    .iter()
                    .try_for_each(|r| {
                        counts.record(r);
                        writer.write(r)
                    })
                    .and_then(|()| writer.flush());
                if let Err(e) = written {
                    return (Err(e), reporter, counts);
                }
                reporter.page(records.len());
            }
            Event::Done(outcome) => {
                counts.target_done(&outcome);
                reporter.target_done(&outcome);
            }
        }
    }
    (Ok(writer), reporter, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!(RunStatus::Complete.exit_code(), 0);
        assert_eq!(RunStatus::OutputClosed.exit_code(), 0);
        assert_eq!(RunStatus::Partial.exit_code(), 3);
        assert_eq!(RunStatus::Interrupted.exit_code(), 130);
        assert_eq!(
            RunStatus::from_totals(Totals {
                ok: 3,
                failed: 0,
                instances: 9
            }),
            RunStatus::Complete
        );
        assert_eq!(
            RunStatus::from_totals(Totals {
                ok: 3,
                failed: 1,
                instances: 9
            }),
            RunStatus::Partial
        );
        assert_eq!(
            RunStatus::from_totals(Totals {
                ok: 0,
                failed: 0,
                instances: 0
            }),
            RunStatus::Complete
        );
    }
}
