//! The one place that wires the pieces together:
//! settings -> plan -> credentials -> fetch stream -> one writer.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use tokio::sync::mpsc;

use crate::aws::{self, AwsContext};
use crate::config::Settings;
use crate::fetch::{self, Event, FetchOptions};
use crate::plan::Plan;
use crate::progress::{Progress, Reporter, Totals};
use crate::sink::{AtomicFile, RecordWriter};

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
pub async fn run(settings: Settings, stdout: Box<dyn Write + Send>) -> anyhow::Result<RunStatus> {
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
    let writer = RecordWriter::new(settings.format, destination).context("cannot write output")?;

    let plan = Plan::new(&settings.accounts);
    let base = aws::load_base_config(&settings).await?;
    let base_credentials = aws::BaseCredentials::load(&base).await?;
    let aws = Arc::new(AwsContext::new(base, base_credentials, &plan.accounts).await);

    let progress = Progress::new(plan.targets.len() as u64, settings.progress);
    let reporter = Reporter::new(progress, settings.verbose, settings.quiet);
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

    let (events, received) = mpsc::channel(PAGES_IN_FLIGHT);
    let mut consumer = tokio::task::spawn_blocking(move || consume(received, writer, reporter));
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

type Consumed = (io::Result<RecordWriter<Destination>>, Reporter);

/// Commits the output of a finished run, or discards it when interrupted.
fn finish(
    consumed: Result<Consumed, tokio::task::JoinError>,
    started: Instant,
    aws: &AwsContext,
    interrupted: bool,
) -> anyhow::Result<RunStatus> {
    let (written, reporter) = consumed.context("the output writer stopped unexpectedly")?;
    let totals = reporter.finish(started.elapsed(), aws.assume_role_calls());
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
) -> Consumed {
    while let Some(event) = events.blocking_recv() {
        match event {
            Event::Page(records) => {
                let written = records
                    .iter()
                    .try_for_each(|r| writer.write(r))
                    .and_then(|()| writer.flush());
                if let Err(e) = written {
                    return (Err(e), reporter);
                }
                reporter.page(records.len());
            }
            Event::Done(outcome) => reporter.target_done(&outcome),
        }
    }
    (Ok(writer), reporter)
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
