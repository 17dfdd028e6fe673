//! The one place that wires the pieces together:
//! settings -> plan (prepare.rs) -> fetch stream -> one writer -> summary.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use anyhow::Context;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::{TryRecvError, TrySendError};

use aws_sdk_rds::config::ProvideCredentials;

use crate::aws::{credential_failure_text, AccountWarning, AwsContext, WarningSink};
use crate::cli::FieldsFormat;
use crate::config::{output_path_for, Settings};
use crate::fetch::{self, Event, FetchOptions};
use crate::joins::Joins;
use crate::metrics::MetricsFile;
use crate::output_file::AtomicFile;
use crate::plan::{self, Plan, PlanRow};
use crate::prepare::{plan_without_aws, prepare, Prepared};
use crate::price::PriceService;
use crate::progress::{warning_line, Progress, Reporter};
use crate::record::utilization::Window;
use crate::record::{self, Join, Kind, KindVisitor, Page, RecordContext, ResourceKind};
use crate::sink::{output_columns, RecordWriter, WriteOptions};
use crate::status::{reader_gone, RunStatus};
use crate::summary::{RunCounts, RunEnd, SummaryFile};
use crate::table;

/// Pages buffered between the fetchers and the writer; a slow reader slows the fetchers
/// instead of growing memory.
const PAGES_IN_FLIGHT: usize = 16;

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

/// How a run that was not fatal ended, with what its summary needs.
struct Finished {
    status: RunStatus,
    /// Absent when the run was interrupted before it had a plan.
    counted: Option<(Plan, RunCounts)>,
    aws: Option<Arc<AwsContext>>,
}

/// Runs the inventory. Errors returned here are fatal (exit 1 or 2); failed targets are not.
/// With `--summary` and `--metrics`, those files are written whatever the outcome, fatal
/// errors included.
pub async fn run(settings: Settings, stdout: Box<dyn Write + Send>) -> anyhow::Result<RunStatus> {
    let started = SystemTime::now();
    // Listen for Ctrl-C before creating any temp file, so no interrupt can leave one behind.
    let mut interrupt = Interrupt::register().context("cannot listen for Ctrl-C")?;
    let summary = settings
        .summary
        .as_deref()
        .map(SummaryFile::create)
        .transpose()?;
    let metrics = settings
        .metrics
        .as_deref()
        .map(MetricsFile::create)
        .transpose()?;
    let outcome = run_inventory(&settings, stdout, &mut interrupt).await;
    if summary.is_none() && metrics.is_none() {
        return outcome.map(|f| f.status);
    }
    let (end, counted) = match &outcome {
        Ok(finished) => {
            let aws = finished.aws.as_deref();
            let end = RunEnd {
                status: finished.status,
                started,
                finished: SystemTime::now(),
                assume_role_calls: aws.map_or(0, AwsContext::assume_role_calls),
                retries: aws.map_or(0, AwsContext::rds_retries),
                throttled: aws.map_or(0, AwsContext::throttled_answers),
                error: None,
            };
            (end, finished.counted.as_ref().map(|(p, c)| (p, c)))
        }
        Err(error) => {
            let end = RunEnd {
                status: RunStatus::of_error(error),
                started,
                finished: SystemTime::now(),
                assume_role_calls: 0,
                retries: 0,
                throttled: 0,
                error: Some(format!("{error:#}")),
            };
            (end, None)
        }
    };
    if let Some(summary) = summary {
        summary.write(counted, &end)?;
    }
    if let Some(metrics) = metrics {
        metrics.write(counted.map(|(_, counts)| counts), &end)?;
    }
    outcome.map(|f| f.status)
}

async fn run_inventory(
    settings: &Settings,
    stdout: Box<dyn Write + Send>,
    interrupt: &mut Interrupt,
) -> anyhow::Result<Finished> {
    let started = Instant::now();
    let run_start = SystemTime::now();
    let options = WriteOptions {
        context: RecordContext::new(run_start),
        csv_raw: settings.csv_raw,
    };
    // Open the outputs first, so a bad path fails before any AWS call.
    let writer = Outputs::open(settings, options, stdout)?;

    // Opened before any AWS call, so that warnings travel on it with the pages.
    let (events, received) = mpsc::channel(PAGES_IN_FLIGHT);
    let Prepared {
        aws,
        plan,
        warnings,
        organization_accounts,
    } = tokio::select! {
        prepared = prepare(settings, warnings_onto(&events)) => prepared?,
        () = interrupt.recv() => {
            return Ok(Finished { status: RunStatus::Interrupted, counted: None, aws: None });
        }
    };
    let reporter = start_reporting(settings, &plan, &warnings);
    let mut counts = RunCounts::new(&plan, &warnings);
    if settings.metrics.is_none() {
        counts = counts.without_series();
    }

    let mut consumer =
        tokio::task::spawn_blocking(move || consume(received, writer, reporter, counts));
    let options = FetchOptions {
        concurrency: settings.concurrency,
        max_attempts: settings.max_attempts,
        initial_backoff: settings.initial_backoff,
        retry_budget: settings.retry_budget,
    };
    let ours = plan.accounts.iter().map(|a| a.spec.id.clone());
    let mut joins =
        Joins::new(&settings.with).with_inside_accounts(ours.chain(organization_accounts));
    if settings.with.contains(&Join::Price) {
        // One per run, signed by the base identity (not the accounts' roles).
        let service = PriceService::new(aws.base(), settings.endpoint_url.as_deref());
        let now = run_start
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        joins = joins.with_price(Arc::new(service), now);
    }
    if settings.with.contains(&Join::Utilization) {
        let window = Window::ending_before(&run_start.into(), settings.utilization_days);
        joins = joins.with_utilization(window);
    }
    let joins = Arc::new(joins);
    let fetching = fetch::fetch_all(
        Arc::clone(&aws),
        Arc::clone(&plan.targets),
        Arc::clone(&plan.kinds),
        options,
        joins,
        events,
    );

    let interrupted = tokio::select! {
        _ = fetching => false,
        () = interrupt.recv() => true,
        // The writer stops early only on a write error; stop fetching then too.
        consumed = &mut consumer => return finish(consumed, started, aws, plan, false),
    };
    // The fetch future is dropped here: its tasks are aborted and the channel closes.
    finish(consumer.await, started, aws, plan, interrupted)
}

/// Warnings as events of the run: the writer reports and counts them in order with the pages.
/// The sink holds the channel weakly, so the run's end (every fetcher gone) still closes it.
fn warnings_onto(events: &mpsc::Sender<Event>) -> WarningSink {
    let events = events.downgrade();
    WarningSink::new(move |warning| {
        let Some(events) = events.upgrade() else {
            return;
        };
        if let Err(TrySendError::Full(event)) = events.try_send(Event::Warning(warning)) {
            // The writer is behind: deliver it without holding up the AWS call that warned.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let _ = events.send(event).await;
                });
            }
        }
    })
}

/// The progress bar and stderr lines of a run, with the warnings found while planning.
fn start_reporting(settings: &Settings, plan: &Plan, warnings: &[AccountWarning]) -> Reporter {
    let progress = Progress::new(plan.targets.len() as u64, settings.progress);
    let reporter = Reporter::new(progress, settings.verbose, settings.quiet, plan);
    for warning in warnings {
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
    reporter
}

/// `rds-inventory plan`: the resolved targets, and with `check`, whether each role works.
pub async fn plan(
    settings: Settings,
    check: bool,
    mut stdout: impl Write,
    terminal: bool,
) -> anyhow::Result<RunStatus> {
    // A plan that needs no AWS call needs no credentials either (`--check` needs both).
    let offline = match check {
        true => None,
        false => plan_without_aws(&settings)?,
    };
    let (plan, role_checks) = match offline {
        Some(plan) => (plan, Vec::new()),
        None => plan_with_aws(&settings, check).await?,
    };
    let rows = PlanRow::all(&plan, &role_checks);
    let rendered = if terminal {
        let (header, cells) = PlanRow::table(&rows);
        table::render_rows(&header, &cells)
    } else {
        plan::render_ndjson(&rows)
    };
    let written = stdout
        .write_all(rendered.as_bytes())
        .and_then(|()| stdout.flush());
    if RunStatus::after_writing(written, "cannot write the plan")? == RunStatus::OutputClosed {
        return Ok(RunStatus::OutputClosed);
    }
    let failed = role_checks.iter().filter(|(_, r)| r.is_err()).count();
    if check && !settings.quiet {
        eprintln!(
            "rds-inventory: {} accounts, {} targets; roles: {} ok, {} failed",
            plan.accounts.len(),
            plan.targets.len(),
            role_checks.len() - failed,
            failed
        );
    }
    Ok(RunStatus::of_failures(failed as u64))
}

/// The plan after discovery, and with `check`, each account's AssumeRole result.
async fn plan_with_aws(
    settings: &Settings,
    check: bool,
) -> anyhow::Result<(Plan, Vec<(String, Result<(), String>)>)> {
    let Prepared {
        aws,
        plan,
        warnings,
        ..
    } = prepare(
        settings,
        WarningSink::new(|w| eprintln!("{}", warning_line(&w))),
    )
    .await?;
    for warning in &warnings {
        eprintln!("{}", warning_line(warning));
    }
    let mut role_checks = Vec::new();
    if check {
        for account in &plan.accounts {
            let (_, credentials) = aws.credentials(&account.spec).current();
            let result = credentials.provide_credentials().await.map(|_| ());
            role_checks.push((
                account.spec.id.clone(),
                result.map_err(|e| credential_failure_text(&e)),
            ));
        }
    }
    Ok((plan, role_checks))
}

/// `rds-inventory fields`: the output schema of one kind, one row per field.
pub fn fields(
    format: Option<FieldsFormat>,
    kind: ResourceKind,
    mut stdout: impl Write,
    terminal: bool,
) -> anyhow::Result<RunStatus> {
    let format = format.unwrap_or(if terminal {
        FieldsFormat::Table
    } else {
        FieldsFormat::Ndjson
    });
    let rendered = kind.visit(RenderFields(format));
    let written = stdout
        .write_all(rendered.as_bytes())
        .and_then(|()| stdout.flush());
    RunStatus::after_writing(written, "cannot write the field list")
}

/// `rds-inventory kinds`: every kind of the registry, one row each.
pub fn kinds(
    format: Option<FieldsFormat>,
    mut stdout: impl Write,
    terminal: bool,
) -> anyhow::Result<RunStatus> {
    let format = format.unwrap_or(if terminal {
        FieldsFormat::Table
    } else {
        FieldsFormat::Ndjson
    });
    let rendered = match format {
        FieldsFormat::Table => {
            let (header, rows) = record::kinds::table_rows();
            table::render_rows(&header, &rows)
        }
        FieldsFormat::Ndjson => record::kinds::ndjson_rows(),
        FieldsFormat::Markdown => record::kinds::markdown_table(),
    };
    let written = stdout
        .write_all(rendered.as_bytes())
        .and_then(|()| stdout.flush());
    RunStatus::after_writing(written, "cannot write the kind list")
}

/// One kind's field list in `format`.
struct RenderFields(FieldsFormat);

impl KindVisitor for RenderFields {
    type Output = String;

    fn visit<K: Kind>(self) -> String {
        match self.0 {
            FieldsFormat::Table => {
                let (header, rows) = record::table_rows(K::fields());
                table::render_rows(&header, &rows)
            }
            FieldsFormat::Ndjson => record::ndjson_rows(K::fields()),
            FieldsFormat::Markdown => record::markdown_table(K::fields()),
        }
    }
}

/// One writer per kind listed: stdout for a single kind without `-o`, else each kind's file.
struct Outputs {
    writers: Vec<(ResourceKind, RecordWriter<Destination>)>,
}

impl Outputs {
    fn open(
        settings: &Settings,
        options: WriteOptions,
        stdout: Box<dyn Write + Send>,
    ) -> anyhow::Result<Outputs> {
        let mut stdout = Some(stdout);
        let mut writers = Vec::new();
        for &kind in &settings.kinds {
            let destination =
                match &settings.output {
                    Some(path) => {
                        let path = output_path_for(path, kind);
                        Destination::File(AtomicFile::create(&path).with_context(|| {
                            format!("cannot create output file {}", path.display())
                        })?)
                    }
                    // Settings refuse several kinds without `-o`: one kind takes stdout.
                    None => match stdout.take() {
                        Some(stdout) => Destination::Stdout(stdout),
                        None => anyhow::bail!("several kinds cannot share stdout"),
                    },
                };
            let writer = kind.visit(OpenWriter {
                settings,
                options,
                destination,
            })?;
            writers.push((kind, writer));
        }
        Ok(Outputs { writers })
    }

    fn writer(&mut self, kind: ResourceKind) -> io::Result<&mut RecordWriter<Destination>> {
        self.writers
            .iter_mut()
            .find(|(k, _)| *k == kind)
            .map(|(_, w)| w)
            .ok_or_else(|| io::Error::other(format!("no output for {}", kind.name())))
    }

    /// Writes a page and counts its records.
    fn write(&mut self, page: &Page, counts: &mut RunCounts) -> io::Result<()> {
        let writer = self.writer(page.kind())?;
        page.kind().visit(WritePage {
            page,
            writer,
            counts,
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writers.iter_mut().try_for_each(|(_, w)| w.flush())
    }
}

/// One kind's writer, its columns checked against the kind's schema.
struct OpenWriter<'a> {
    settings: &'a Settings,
    options: WriteOptions,
    destination: Destination,
}

impl KindVisitor for OpenWriter<'_> {
    type Output = anyhow::Result<RecordWriter<Destination>>;

    fn visit<K: Kind>(self) -> Self::Output {
        let settings = self.settings;
        let columns =
            output_columns::<K>(settings.format, &settings.columns, &settings.tag_columns)?;
        RecordWriter::new::<K>(settings.format, &columns, self.options, self.destination)
            .context("cannot write output")
    }
}

/// One page's records written and counted.
struct WritePage<'a> {
    page: &'a Page,
    writer: &'a mut RecordWriter<Destination>,
    counts: &'a mut RunCounts,
}

impl KindVisitor for WritePage<'_> {
    type Output = io::Result<()>;

    fn visit<K: Kind>(self) -> io::Result<()> {
        let records = self.page.records::<K>().ok_or_else(|| {
            io::Error::other(format!("a page of {} holds another kind", K::SPEC.name))
        })?;
        records.iter().try_for_each(|r| {
            self.counts.record(r);
            self.writer.write(r)
        })
    }
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

type Consumed = (io::Result<Outputs>, Reporter, RunCounts);

/// Commits the output of a finished run, or discards it when interrupted.
fn finish(
    consumed: Result<Consumed, tokio::task::JoinError>,
    started: Instant,
    aws: Arc<AwsContext>,
    plan: Plan,
    interrupted: bool,
) -> anyhow::Result<Finished> {
    let (written, reporter, counts) = consumed.context("the output writer stopped unexpectedly")?;
    reporter.finish(&counts, started.elapsed(), &aws);
    let status = commit(written, interrupted, &counts)?;
    Ok(Finished {
        status,
        counted: Some((plan, counts)),
        aws: Some(aws),
    })
}

/// Finishes the outputs: renames each file into place, or leaves everything as it was.
fn commit(
    written: io::Result<Outputs>,
    interrupted: bool,
    counts: &RunCounts,
) -> anyhow::Result<RunStatus> {
    let outputs = match written {
        Ok(outputs) => outputs,
        Err(e) if reader_gone(&e) => return Ok(RunStatus::OutputClosed),
        Err(e) => return Err(e).context("cannot write output"),
    };
    if interrupted {
        // Dropping the writers removes the temp files; existing output files stay as they were.
        return Ok(RunStatus::Interrupted);
    }
    // Every file is written completely before any is renamed into place.
    let mut files = Vec::new();
    for (_, writer) in outputs.writers {
        match writer.finish() {
            Ok(Destination::File(file)) => files.push(file),
            Ok(Destination::Stdout(_)) => {}
            Err(e) if reader_gone(&e) => return Ok(RunStatus::OutputClosed),
            Err(e) => return Err(e).context("cannot write output"),
        }
    }
    for file in files {
        file.commit().context("cannot replace the output file")?;
    }
    Ok(counts.status())
}

/// The single writer: owns the output, writes each page as it arrives, counts and reports.
fn consume(
    mut events: mpsc::Receiver<Event>,
    mut writer: Outputs,
    mut reporter: Reporter,
    mut counts: RunCounts,
) -> Consumed {
    loop {
        let event = match events.try_recv() {
            Ok(event) => event,
            Err(TryRecvError::Disconnected) => break,
            // Nothing waiting: pass on what was written before sleeping, so records still
            // stream as they arrive, but a busy run writes in big blocks, not one per page.
            Err(TryRecvError::Empty) => {
                if let Err(e) = writer.flush() {
                    return (Err(e), reporter, counts);
                }
                match events.blocking_recv() {
                    Some(event) => event,
                    None => break,
                }
            }
        };
        match event {
            Event::Page(page) => {
                if let Err(e) = writer.write(&page, &mut counts) {
                    return (Err(e), reporter, counts);
                }
                reporter.page(&counts);
            }
            Event::Done(outcome) => {
                counts.target_done(&outcome);
                reporter.target_done(&outcome, &counts);
            }
            Event::Warning(warning) => {
                reporter.warn(&warning_line(&warning));
                counts.warn(&warning);
            }
        }
    }
    (Ok(writer), reporter, counts)
}
