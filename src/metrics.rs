//! `--metrics FILE`: the run in the Prometheus text exposition format, for node_exporter's
//! textfile collector. Written atomically at the end of every run, whatever its outcome.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;

use crate::aws::Phase;
use crate::output_file::AtomicFile;
use crate::record::kinds::{self, MetricLabel};
use crate::record::ResourceKind;
use crate::status::RunStatus;
use crate::summary::{RunCounts, RunEnd};

const LAST_COMPLETE: &str = "rds_inventory_last_complete_run_timestamp_seconds";

/// The metrics file: its temp file is created at the start (a bad path fails before any AWS
/// call) and renamed over FILE at the end.
pub struct MetricsFile {
    path: PathBuf,
    file: AtomicFile,
}

impl MetricsFile {
    pub fn create(path: &Path) -> anyhow::Result<MetricsFile> {
        let file = AtomicFile::create(path)
            .with_context(|| format!("cannot create metrics file {}", path.display()))?;
        Ok(MetricsFile {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Writes the metrics of a run; `counts` is absent when the run never got a plan.
    pub fn write(mut self, counts: Option<&RunCounts>, end: &RunEnd) -> anyhow::Result<()> {
        // An incomplete run keeps the last complete run's time, so "no complete run for
        // 36 h" can be alerted on.
        let previous = std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|text| last_complete_run(&text));
        // Written sample by sample: an organization has a sample per instance or so.
        render(&mut self.file, counts, end, previous).context("cannot write the metrics")?;
        self.file
            .commit()
            .context("cannot replace the metrics file")
    }
}

/// A metric's samples: (labels, value), made as they are written.
type Samples<'a> = Box<dyn Iterator<Item = (String, f64)> + 'a>;

/// One metric: its name, help text and samples.
type Metric<'a> = (&'static str, &'static str, Samples<'a>);

/// The exposition text: HELP and TYPE for every metric, label values escaped.
fn render(
    out: &mut impl io::Write,
    counts: Option<&RunCounts>,
    end: &RunEnd,
    previous_complete: Option<f64>,
) -> io::Result<()> {
    for (name, help, samples) in counts_metrics(counts)
        .into_iter()
        .chain(ending_metrics(counts, end.started))
        .chain(run_metrics(end, previous_complete))
    {
        writeln!(out, "# HELP {name} {help}")?;
        writeln!(out, "# TYPE {name} gauge")?;
        for (labels, value) in samples {
            writeln!(out, "{name}{labels} {value}")?;
        }
    }
    Ok(())
}

/// Each kind's records and the targets, from the run's counters (zero when it never got a
/// plan). A kind's metric is written when the run lists it (instances always); kinds that
/// share a metric name are told apart by a `kind` label.
fn counts_metrics(counts: Option<&RunCounts>) -> Vec<Metric<'_>> {
    let mut metrics: Vec<Metric<'_>> = Vec::new();
    let mut done: Vec<&str> = Vec::new();
    for kind in kinds::ALL {
        let metric = kind.spec().metric;
        if done.contains(&metric.name) {
            continue;
        }
        let sharing: Vec<ResourceKind> = kinds::ALL
            .into_iter()
            .filter(|k| k.spec().metric.name == metric.name)
            .filter(|k| metric.always || counts.is_some_and(|c| c.lists(*k)))
            .collect();
        if sharing.is_empty() {
            continue;
        }
        done.push(metric.name);
        let samples = sharing
            .into_iter()
            .flat_map(move |kind| kind_samples(counts, kind, metric.label));
        metrics.push((metric.name, metric.help, Box::new(samples)));
    }
    let (ok, failed, unfinished) = counts.map_or((0, 0, 0), |c| {
        (c.targets.ok, c.targets.failed, c.unfinished_count())
    });
    let targets = [("ok", ok), ("failed", failed), ("unfinished", unfinished)]
        .into_iter()
        .map(|(status, n)| (labels(&[("status", status)]), n as f64));
    metrics.push((
        "rds_inventory_targets",
        "Targets (account x region) of the last run, by how they ended.",
        Box::new(targets),
    ));
    metrics.extend(snapshot_metrics(counts));
    metrics.extend(price_metrics(counts));
    metrics.extend(idle_price_metrics(counts));
    metrics.extend(tls_metrics(counts));
    metrics
}

/// `--with parameters`: DB instances that accept plaintext connections (`tls_required`
/// false), by account, region and engine; a sample for every (account, region, engine) the
/// join asked about, 0 included. Unknown (null) is not counted.
fn tls_metrics(counts: Option<&RunCounts>) -> Vec<Metric<'_>> {
    let Some(counts) = counts else {
        return Vec::new();
    };
    let samples: Vec<(String, f64)> = counts
        .tls_not_required()
        .map(|(id, name, region, engine, n)| {
            let labels = labels(&[
                ("account_id", id),
                ("account_name", name),
                ("region", region),
                ("engine", engine),
            ]);
            (labels, n as f64)
        })
        .collect();
    if samples.is_empty() {
        return Vec::new();
    }
    vec![(
        "rds_inventory_tls_not_required",
        "DB instances whose parameter groups accept connections without TLS (tls_required false, --with parameters), by account, region and engine.",
        Box::new(samples.into_iter()),
    )]
}

/// One kind's records by account, region and engine (or kind).
fn kind_samples(
    counts: Option<&RunCounts>,
    kind: ResourceKind,
    label: MetricLabel,
) -> Vec<(String, f64)> {
    let Some(counts) = counts else {
        return Vec::new();
    };
    let mut by: BTreeMap<(&str, &str, &str, &str), u64> = BTreeMap::new();
    for (id, name, region, engine, n) in counts.by_account_region_engine(kind) {
        let last = match label {
            MetricLabel::Engine => engine,
            MetricLabel::Kind => kind.name(),
        };
        *by.entry((id, name, region, last)).or_default() += n;
    }
    let last_label = match label {
        MetricLabel::Engine => "engine",
        MetricLabel::Kind => "kind",
    };
    by.into_iter()
        .map(|((id, name, region, last), n)| {
            let labels = labels(&[
                ("account_id", id),
                ("account_name", name),
                ("region", region),
                (last_label, last),
            ]);
            (labels, n as f64)
        })
        .collect()
}

/// `--with price`: the instances' monthly on-demand list price by account and region; only
/// when records carried price fields and the price list was read (no `price_list` warning: a
/// denied or failed listing makes the sum unknown, not 0). Instances without a price count
/// as 0.
fn price_metrics(counts: Option<&RunCounts>) -> Vec<Metric<'_>> {
    let Some(counts) = counts else {
        return Vec::new();
    };
    if counts.warnings.iter().any(|w| w.phase == Phase::PriceList) {
        return Vec::new();
    }
    let samples: Vec<(String, f64)> = counts
        .list_price_by_account_region()
        .map(|(id, name, region, currency, sum)| {
            let labels = labels(&[
                ("account_id", id),
                ("account_name", name),
                ("region", region),
                ("currency", currency),
            ]);
            (labels, sum)
        })
        .collect();
    if samples.is_empty() {
        return Vec::new();
    }
    vec![(
        "rds_inventory_list_price_monthly",
        "On-demand list price of a 730-hour month of the DB instances (--with price), by account, region and currency; instances without a price count 0.",
        Box::new(samples.into_iter()),
    )]
}

/// `--with utilization` and `--with price`: the monthly list price of idle instances by
/// account, region and currency; only when some instance was idle and priced, and not when
/// the price list failed (the sum would be unknown, not 0).
fn idle_price_metrics(counts: Option<&RunCounts>) -> Vec<Metric<'_>> {
    let Some(counts) = counts else {
        return Vec::new();
    };
    if counts.warnings.iter().any(|w| w.phase == Phase::PriceList) {
        return Vec::new();
    }
    let samples: Vec<(String, f64)> = counts
        .idle_list_price()
        .map(|idle| {
            let labels = labels(&[
                ("account_id", &idle.account_id),
                ("account_name", &idle.account_name),
                ("region", &idle.region),
                ("currency", &idle.currency),
            ]);
            (labels, idle.monthly)
        })
        .collect();
    if samples.is_empty() {
        return Vec::new();
    }
    vec![(
        "rds_inventory_idle_list_price_monthly",
        "On-demand list price of a 730-hour month of the DB instances idle over the --utilization-days window (--with utilization and price), by account, region and currency.",
        Box::new(samples.into_iter()),
    )]
}

/// How many snapshots anyone, or an account outside the accounts file and organization, may restore,
/// by account, region and kind; only when the run lists a kind that can be shared.
fn snapshot_metrics(counts: Option<&RunCounts>) -> Vec<Metric<'_>> {
    let Some(counts) = counts else {
        return Vec::new();
    };
    let kinds: Vec<ResourceKind> = kinds::ALL
        .into_iter()
        .filter(|k| k.shareable() && counts.lists(*k))
        .collect();
    if kinds.is_empty() {
        return Vec::new();
    }
    let label = |id: &str, name: &str, region: &str, kind: ResourceKind| {
        labels(&[
            ("account_id", id),
            ("account_name", name),
            ("region", region),
            ("kind", kind.name()),
        ])
    };
    let mut public = Vec::new();
    let mut outside = Vec::new();
    for kind in kinds {
        for (id, name, region, p, o) in counts.sharing_by_account_region(kind) {
            public.push((label(id, name, region, kind), p as f64));
            outside.push((label(id, name, region, kind), o as f64));
        }
    }
    vec![
        (
            "rds_inventory_snapshots_shared_publicly",
            "Manual snapshots anyone may restore (restore attribute `all`), by account, region and kind.",
            Box::new(public.into_iter()),
        ),
        (
            "rds_inventory_snapshots_shared_outside",
            "Manual snapshots shared with an account outside the accounts file and the organization, by account, region and kind.",
            Box::new(outside.into_iter()),
        ),
    ]
}

/// For each listed kind whose records end (reservations): those in force ending soon, by
/// account and region (0 where none does, so an alert can tell "none" from "not listed").
fn ending_metrics(counts: Option<&RunCounts>, started: SystemTime) -> Vec<Metric<'_>> {
    let Some(counts) = counts else {
        return Vec::new();
    };
    kinds::ALL
        .into_iter()
        .filter(|kind| counts.lists(*kind))
        .filter_map(|kind| {
            let (ending, rows) = counts.ending_soon(kind, started)?;
            let samples = rows.into_iter().map(|(id, name, region, n)| {
                let labels = labels(&[
                    ("account_id", id),
                    ("account_name", name),
                    ("region", region),
                ]);
                (labels, n as f64)
            });
            Some((ending.metric, ending.help, Box::new(samples) as Samples<'_>))
        })
        .collect()
}

/// The run as a whole: calls, time, exit code and the last complete run.
fn run_metrics(end: &RunEnd, previous_complete: Option<f64>) -> Vec<Metric<'static>> {
    let one =
        |value: f64| -> Samples<'static> { Box::new(std::iter::once((String::new(), value))) };
    let duration = end
        .finished
        .duration_since(end.started)
        .map_or(0.0, |d| d.as_secs_f64());
    let finished = unix_seconds(end.finished);
    let last_complete = match end.status {
        RunStatus::Complete => Some(finished),
        _ => previous_complete,
    };
    vec![
        (
            "rds_inventory_assume_role_calls",
            "AssumeRole calls the last run sent to STS.",
            one(end.assume_role_calls as f64),
        ),
        (
            "rds_inventory_throttled_answers",
            "RDS answers that said slow down (Throttling and the like) in the last run.",
            one(end.throttled as f64),
        ),
        (
            "rds_inventory_retries",
            "RDS attempts beyond the first of each call in the last run, whatever the cause.",
            one(end.retries as f64),
        ),
        (
            "rds_inventory_run_duration_seconds",
            "Wall time of the last run.",
            one(duration),
        ),
        (
            "rds_inventory_run_end_timestamp_seconds",
            "When the last run ended, in seconds since the Unix epoch.",
            one(finished),
        ),
        (
            "rds_inventory_exit_code",
            "Exit code of the last run (0 complete, 3 partial, 1 fatal, 2 usage, 130 interrupted).",
            one(f64::from(end.status.exit_code())),
        ),
        (
            LAST_COMPLETE,
            "When the last complete run ended (carried over by incomplete runs); 0 if none yet.",
            one(last_complete.unwrap_or(0.0)),
        ),
    ]
}

/// `{a="x",b="y"}` with backslash, double quote and newline escaped per the format.
fn labels(pairs: &[(&str, &str)]) -> String {
    let escaped: Vec<String> = pairs
        .iter()
        .map(|(name, value)| {
            let value = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{name}=\"{value}\"")
        })
        .collect();
    format!("{{{}}}", escaped.join(","))
}

/// The last complete run's time in a previous metrics file (0 counts as none).
fn last_complete_run(text: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(LAST_COMPLETE)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .filter(|value| *value > 0.0)
}

fn unix_seconds(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| (d.as_secs_f64() * 1000.0).round() / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(counts: Option<&RunCounts>, end: &RunEnd, previous: Option<f64>) -> String {
        let mut out = Vec::new();
        render(&mut out, counts, end, previous).expect("writes to memory");
        String::from_utf8(out).expect("UTF-8")
    }
    use crate::summary::tests::{partial_run, plan};
    use std::time::Duration;

    fn end(status: RunStatus) -> RunEnd {
        let started = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        RunEnd {
            status,
            started,
            finished: started + Duration::from_millis(2500),
            assume_role_calls: 1,
            retries: 4,
            throttled: 3,
            error: None,
        }
    }

    fn sample<'a>(text: &'a str, prefix: &str) -> &'a str {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
    }

    #[test]
    fn every_metric_has_help_and_type() {
        let text = rendered(None, &end(RunStatus::Fatal), None);
        let names: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# TYPE "))
            .map(|l| l.split(' ').next().unwrap_or_default())
            .collect();
        assert_eq!(names.len(), 9, "{text}");
        for name in names {
            assert!(text.contains(&format!("# HELP {name} ")), "{name}");
        }
    }

    #[test]
    fn instances_and_targets_come_from_the_counts() {
        let plan = plan();
        let counts = partial_run(&plan);
        let text = rendered(Some(&counts), &end(RunStatus::Partial), None);
        assert_eq!(
            sample(&text, "rds_inventory_instances{"),
            r#"rds_inventory_instances{account_id="111111111111",account_name="prod",region="eu-west-1",engine="postgres"} 2"#
        );
        assert_eq!(
            sample(&text, "rds_inventory_targets{status=\"failed\"}"),
            "rds_inventory_targets{status=\"failed\"} 1"
        );
        assert_eq!(
            sample(&text, "rds_inventory_targets{status=\"unfinished\"}"),
            "rds_inventory_targets{status=\"unfinished\"} 1"
        );
        assert_eq!(
            sample(&text, "rds_inventory_exit_code "),
            "rds_inventory_exit_code 3"
        );
    }

    #[test]
    fn an_incomplete_run_carries_the_last_complete_time_over() {
        let partial = rendered(None, &end(RunStatus::Partial), Some(1_600_000_000.0));
        assert_eq!(
            sample(&partial, LAST_COMPLETE),
            format!("{LAST_COMPLETE} 1600000000")
        );
        let complete = rendered(None, &end(RunStatus::Complete), Some(1_600_000_000.0));
        assert_eq!(
            sample(&complete, LAST_COMPLETE),
            format!("{LAST_COMPLETE} 1700000002.5")
        );
        assert_eq!(last_complete_run(&partial), Some(1_600_000_000.0));
        assert_eq!(last_complete_run("garbage"), None);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(
            labels(&[("account_name", "a\"b\\c\nd")]),
            r#"{account_name="a\"b\\c\nd"}"#
        );
    }
}
