//! The machine-readable summary of a run (`--summary FILE`), written atomically at the end of
//! every run: complete, partial, interrupted or fatal.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::Context;
use aws_sdk_rds::primitives::{DateTime, DateTimeFormat};
use serde::Serialize;

use crate::accounts::AccountSpec;
use crate::aws::{AccountWarning, CallFailure, Phase};
use crate::config::ResourceKind;
use crate::fetch::TargetOutcome;
use crate::output_file::AtomicFile;
use crate::plan::Plan;
use crate::record::kinds::Ending;
use crate::record::Record;
use crate::status::RunStatus;

/// The summary document. Its schema is documented in the README; add fields, never rename.
#[derive(Debug, Serialize)]
pub struct RunSummary {
    pub version: &'static str,
    /// complete | partial | interrupted | output_closed | fatal
    pub status: RunStatus,
    pub exit_code: u8,
    pub started_at: String,
    pub finished_at: String,
    pub duration_seconds: f64,
    pub targets: TargetCounts,
    pub instances: u64,
    pub instances_by_account: Vec<AccountCount>,
    pub instances_by_region: BTreeMap<String, u64>,
    pub instances_by_engine: BTreeMap<String, u64>,
    /// Every kind listed, by name: its records and their counts (instances also above).
    pub kinds: BTreeMap<&'static str, KindSummary>,
    pub failures: Vec<FailureEntry>,
    /// Problems that did not fail a target (an account that would not list its regions).
    pub warnings: Vec<FailureEntry>,
    /// Targets that never finished (interrupted, output closed).
    pub unfinished_targets: Vec<TargetEntry>,
    pub assume_role_calls: u64,
    /// RDS attempts beyond the first of each call, whatever the cause.
    pub retries: u64,
    /// RDS answers that said "slow down" (Throttling and the like).
    pub throttled: u64,
    /// `--with utilization`: CloudWatch metrics requested (GetMetricData bills per metric).
    pub cloudwatch_metrics_requested: u64,
    /// `--with utilization` and `--with price`: the monthly list price of idle instances, by
    /// account, region and currency; empty otherwise.
    pub idle_list_price_monthly: Vec<IdlePrice>,
    /// The fatal error, when status is "fatal".
    pub error: Option<String>,
}

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct TargetCounts {
    pub planned: u64,
    pub ok: u64,
    pub failed: u64,
    /// Not finished: the run was interrupted or its output closed.
    pub unfinished: u64,
}

/// One kind's records in the summary.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KindSummary {
    pub records: u64,
    /// Targets where listing this kind failed.
    pub failed_targets: u64,
    pub by_account: Vec<AccountRecords>,
    pub by_region: BTreeMap<String, u64>,
    pub by_engine: BTreeMap<String, u64>,
    /// For kinds whose records end (reservations): those in force that end soon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ending_soon: Option<EndingSoon>,
}

/// Records in force whose term ends within `within_days` of the run's start.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EndingSoon {
    pub within_days: i64,
    pub records: u64,
    /// Every account and region where the kind had records, 0 where none ends soon.
    pub by_account_region: Vec<AccountRegionRecords>,
}

/// One (account, region)'s records of one kind.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccountRegionRecords {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    pub records: u64,
}

/// The monthly list price of one account-region's idle instances.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IdlePrice {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    pub currency: String,
    pub instances: u64,
    pub monthly: f64,
}

/// One account's records of one kind.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccountRecords {
    pub account_id: String,
    pub account_name: String,
    pub records: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccountCount {
    pub account_id: String,
    pub account_name: String,
    pub instances: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TargetEntry {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FailureEntry {
    pub account_id: String,
    pub account_name: String,
    pub region: Option<String>,
    pub phase: Phase,
    /// The kind whose listing failed; absent for a failure of the whole target (AssumeRole)
    /// and for warnings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ResourceKind>,
    pub error_code: Option<String>,
    pub message: String,
}

impl FailureEntry {
    pub fn new(account: &AccountSpec, region: Option<&str>, failure: &CallFailure) -> Self {
        FailureEntry {
            account_id: account.id.clone(),
            account_name: account.name.clone(),
            region: region.map(str::to_owned),
            kind: None,
            phase: failure.phase,
            error_code: failure.code.clone(),
            message: failure.message.clone(),
        }
    }
}

/// Adds one to `name`'s count, copying the name only the first time.
fn count(counts: &mut BTreeMap<String, u64>, name: &str) {
    match counts.get_mut(name) {
        Some(n) => *n += 1,
        None => {
            counts.insert(name.to_owned(), 1);
        }
    }
}

/// (account id, region, engine), each a shared name.
type AccountRegionEngine = (Arc<str>, Arc<str>, Arc<str>);

/// One shared copy of each name (account id, region, engine).
#[derive(Debug, Default)]
struct Names(HashSet<Arc<str>>);

impl Names {
    fn get(&mut self, name: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(name) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = name.into();
        self.0.insert(Arc::clone(&shared));
        shared
    }
}

/// (account id, account name, region, count).
pub type AccountRegionCount<'a> = (&'a str, &'a str, &'a str, u64);

/// (account id, region, currency), names shared.
type AccountRegionCurrency = (Arc<str>, Arc<str>, Arc<str>);

/// One kind's counts.
#[derive(Debug, Default)]
struct KindCounts {
    records: u64,
    failed_targets: u64,
    by_account: BTreeMap<String, u64>,
    by_region: BTreeMap<String, u64>,
    by_engine: BTreeMap<String, u64>,
    /// (account id, region, engine) -> records, for the metrics file. An organization has
    /// one key per instance or so: the names are shared, not copied into each key.
    by_account_region_engine: BTreeMap<AccountRegionEngine, u64>,
    /// (account id, region) -> (shared publicly, shared outside), for kinds that can be
    /// shared (snapshots); records whose sharing is unknown are not counted.
    sharing_by_account_region: BTreeMap<(Arc<str>, Arc<str>), (u64, u64)>,
    /// `--with price`: (account id, region, currency) -> the sum of `price_monthly`.
    list_price_by_account_region: BTreeMap<AccountRegionCurrency, f64>,
    /// (account id, region) -> the end (Unix seconds) of each record in force, for kinds
    /// whose records end (reservations: a few per region).
    ends_by_account_region: BTreeMap<(Arc<str>, Arc<str>), Vec<i64>>,
    /// `--with parameters`: (account id, region, engine) -> records whose `tls_required` is
    /// false (every key the join asked about, 0 included).
    tls_not_required: BTreeMap<AccountRegionEngine, u64>,
}

/// The run's counts, kept as records and outcomes stream past: the stderr line, the
/// progress bar and the summary file all read these.
#[derive(Debug, Default)]
pub struct RunCounts {
    pub targets: TargetCounts,
    /// Instance records (the first kind's count, kept for the stderr line and progress bar).
    pub instances: u64,
    /// Every planned account, with its name.
    accounts: BTreeMap<String, String>,
    /// `--with utilization`: CloudWatch metrics requested for the records.
    pub metrics_requested: u64,
    /// `--with utilization` and `--with price`: (account id, region, currency) -> (idle
    /// instances, the sum of their `price_monthly`).
    idle_list_price: BTreeMap<AccountRegionCurrency, (u64, f64)>,
    kinds: BTreeMap<ResourceKind, KindCounts>,
    names: Names,
    pub failures: Vec<FailureEntry>,
    pub warnings: Vec<FailureEntry>,
    /// By target index: whether it finished (listed or failed).
    finished: Vec<bool>,
    /// Whether to count records by (account, region, engine): what `--metrics` writes, one
    /// entry per series (at organization scale, one per target and kind with records).
    series: bool,
}

impl RunCounts {
    /// Every planned account and kind appears, with 0 if it has no records.
    pub fn new(plan: &Plan, warnings: &[AccountWarning]) -> RunCounts {
        let accounts = plan
            .accounts
            .iter()
            .map(|a| (a.spec.id.clone(), a.spec.name.clone()))
            .collect();
        RunCounts {
            targets: TargetCounts {
                planned: plan.targets.len() as u64,
                ..TargetCounts::default()
            },
            accounts,
            kinds: plan
                .kinds
                .iter()
                .map(|k| (*k, KindCounts::default()))
                .collect(),
            warnings: warnings
                .iter()
                .map(|w| FailureEntry::new(&w.account, None, &w.failure))
                .collect(),
            finished: vec![false; plan.targets.len()],
            series: true,
            ..RunCounts::default()
        }
    }

    /// The same counts without the per-(account, region, engine) series, for a run that
    /// writes no `--metrics`; kinds whose records end (reservations) keep them for the
    /// summary's `ending_soon`.
    pub fn without_series(self) -> RunCounts {
        RunCounts {
            series: false,
            ..self
        }
    }

    /// A problem that did not fail a target.
    pub fn warn(&mut self, warning: &AccountWarning) {
        self.warnings
            .push(FailureEntry::new(&warning.account, None, &warning.failure));
    }

    pub fn record<R: Record>(&mut self, record: &R) {
        if R::KIND == ResourceKind::INSTANCES {
            self.instances += 1;
        }
        let kind = self.kinds.entry(R::KIND).or_default();
        kind.records += 1;
        count(&mut kind.by_account, record.account_id());
        count(&mut kind.by_region, record.region());
        let engine = record.engine().unwrap_or("unknown");
        count(&mut kind.by_engine, engine);
        let key = (
            self.names.get(record.account_id()),
            self.names.get(record.region()),
            self.names.get(engine),
        );
        if let Some(sharing) = record.sharing() {
            let key = (Arc::clone(&key.0), Arc::clone(&key.1));
            let (public, outside) = kind.sharing_by_account_region.entry(key).or_default();
            *public += u64::from(sharing.public);
            *outside += u64::from(!sharing.outside.is_empty());
        }
        self.metrics_requested += record.metrics_requested();
        if let Some((currency, monthly)) = record.list_price() {
            let currency = self.names.get(currency.unwrap_or("USD"));
            let key = (Arc::clone(&key.0), Arc::clone(&key.1), currency);
            if record.idle() == Some(true) {
                let (n, sum) = self.idle_list_price.entry(key.clone()).or_default();
                *n += 1;
                *sum += monthly.unwrap_or(0.0);
            }
            *kind.list_price_by_account_region.entry(key).or_default() += monthly.unwrap_or(0.0);
        }
        if let Some(end) = record.ends_at() {
            let key = (Arc::clone(&key.0), Arc::clone(&key.1));
            kind.ends_by_account_region
                .entry(key)
                .or_default()
                .push(end.secs());
        }
        if let Some(required) = record.tls_required() {
            let key = (Arc::clone(&key.0), Arc::clone(&key.1), Arc::clone(&key.2));
            *kind.tls_not_required.entry(key).or_default() += u64::from(required == Some(false));
        }
        if self.series || R::ENDING.is_some() {
            *kind.by_account_region_engine.entry(key).or_default() += 1;
        }
    }

    /// For a kind whose records end: (account id, account name, region, records in force
    /// ending within `within_days` of `now`) for every account and region where the kind had
    /// records, and the total; `None` for other kinds.
    pub fn ending_soon(
        &self,
        kind: ResourceKind,
        now: SystemTime,
    ) -> Option<(Ending, Vec<AccountRegionCount<'_>>)> {
        let ending = kind.ending()?;
        let counts = self.kinds.get(&kind)?;
        let now = DateTime::from(now).secs();
        let soon = now.saturating_add(ending.within_days.saturating_mul(86_400));
        let mut by: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for (account, region, _) in counts.by_account_region_engine.keys() {
            by.insert((&**account, &**region), 0);
        }
        for ((account, region), ends) in &counts.ends_by_account_region {
            let n = ends.iter().filter(|end| (now..soon).contains(*end)).count() as u64;
            *by.entry((&**account, &**region)).or_default() += n;
        }
        let rows = by
            .into_iter()
            .map(|((account, region), n)| {
                let name = self.accounts.get(account).map_or(account, String::as_str);
                (account, name, region, n)
            })
            .collect();
        Some((ending, rows))
    }

    /// `--with parameters`: instances whose `tls_required` is false, by (account id, account
    /// name, region, engine); empty when the join was not asked.
    pub fn tls_not_required(&self) -> impl Iterator<Item = (&str, &str, &str, &str, u64)> + '_ {
        self.named(
            self.kinds
                .get(&ResourceKind::INSTANCES)
                .into_iter()
                .flat_map(|k| k.tls_not_required.iter()),
        )
    }

    /// (account id, account name, region, engine, n) of a count keyed by (account id, region,
    /// engine).
    fn named<'a>(
        &'a self,
        counts: impl Iterator<Item = (&'a AccountRegionEngine, &'a u64)> + 'a,
    ) -> impl Iterator<Item = (&'a str, &'a str, &'a str, &'a str, u64)> + 'a {
        counts.map(|((account, region, engine), n)| {
            let name = self
                .accounts
                .get(&**account)
                .map_or(&**account, String::as_str);
            (&**account, name, &**region, &**engine, *n)
        })
    }

    /// Snapshots of `kind` shared publicly and shared outside, by (account id, account name,
    /// region).
    pub fn sharing_by_account_region(
        &self,
        kind: ResourceKind,
    ) -> impl Iterator<Item = (&str, &str, &str, u64, u64)> + '_ {
        self.kinds
            .get(&kind)
            .into_iter()
            .flat_map(|k| k.sharing_by_account_region.iter())
            .map(|((account, region), (public, outside))| {
                let name = self
                    .accounts
                    .get(&**account)
                    .map_or(&**account, String::as_str);
                (&**account, name, &**region, *public, *outside)
            })
    }

    /// Records of `kind` by (account id, account name, region, engine).
    pub fn by_account_region_engine(
        &self,
        kind: ResourceKind,
    ) -> impl Iterator<Item = (&str, &str, &str, &str, u64)> + '_ {
        let counts = self
            .kinds
            .get(&kind)
            .into_iter()
            .flat_map(|k| k.by_account_region_engine.iter());
        self.named(counts)
    }

    /// `--with price`: (account id, account name, region, currency, monthly list price) of the
    /// instances; empty when no record carried price fields.
    pub fn list_price_by_account_region(
        &self,
    ) -> impl Iterator<Item = (&str, &str, &str, &str, f64)> + '_ {
        self.kinds
            .get(&ResourceKind::INSTANCES)
            .into_iter()
            .flat_map(|k| k.list_price_by_account_region.iter())
            .map(|((account, region, currency), sum)| {
                let name = self
                    .accounts
                    .get(&**account)
                    .map_or(&**account, String::as_str);
                (
                    &**account,
                    name,
                    &**region,
                    &**currency,
                    (*sum * 1e6).round() / 1e6,
                )
            })
    }

    /// `--with utilization` and `--with price`: (account id, account name, region, currency,
    /// idle instances, their monthly list price); empty unless both were asked.
    pub fn idle_list_price(&self) -> impl Iterator<Item = IdlePrice> + '_ {
        self.idle_list_price
            .iter()
            .map(|((account, region, currency), (n, sum))| IdlePrice {
                account_id: account.to_string(),
                account_name: self
                    .accounts
                    .get(&**account)
                    .map_or_else(|| account.to_string(), String::clone),
                region: region.to_string(),
                currency: currency.to_string(),
                instances: *n,
                monthly: (*sum * 1e6).round() / 1e6,
            })
    }

    /// Whether the run lists `kind`.
    pub fn lists(&self, kind: ResourceKind) -> bool {
        self.kinds.contains_key(&kind)
    }

    /// "12 instances" or "12 instances, 3 clusters": the records of each kind listed.
    pub fn records_text(&self) -> String {
        let kinds: Vec<String> = self
            .kinds
            .iter()
            .map(|(kind, counts)| format!("{} {}", counts.records, kind.name()))
            .collect();
        if kinds.is_empty() {
            format!("{} instances", self.instances)
        } else {
            kinds.join(", ")
        }
    }

    fn kind_summary(&self, name: ResourceKind, kind: &KindCounts, now: SystemTime) -> KindSummary {
        let ending_soon = self
            .ending_soon(name, now)
            .map(|(ending, rows)| EndingSoon {
                within_days: ending.within_days,
                records: rows.iter().map(|row| row.3).sum(),
                by_account_region: rows
                    .into_iter()
                    .map(|(id, name, region, records)| AccountRegionRecords {
                        account_id: id.to_owned(),
                        account_name: name.to_owned(),
                        region: region.to_owned(),
                        records,
                    })
                    .collect(),
            });
        KindSummary {
            records: kind.records,
            failed_targets: kind.failed_targets,
            by_account: self
                .accounts
                .iter()
                .map(|(id, name)| AccountRecords {
                    account_id: id.clone(),
                    account_name: name.clone(),
                    records: kind.by_account.get(id).copied().unwrap_or(0),
                })
                .collect(),
            by_region: kind.by_region.clone(),
            by_engine: kind.by_engine.clone(),
            ending_soon,
        }
    }

    /// Targets that finished neither listed nor failed (interrupted, output closed).
    pub fn unfinished_count(&self) -> u64 {
        self.finished.iter().filter(|done| !**done).count() as u64
    }

    pub fn target_done(&mut self, outcome: &TargetOutcome) {
        if let Some(done) = self.finished.get_mut(outcome.target.index) {
            *done = true;
        }
        if outcome.failures.is_empty() {
            self.targets.ok += 1;
            return;
        }
        self.targets.failed += 1;
        let t = &outcome.target;
        for failed in &outcome.failures {
            let kinds: Vec<ResourceKind> = match failed.kind {
                Some(kind) => vec![kind],
                None => self.kinds.keys().copied().collect(),
            };
            for kind in kinds {
                self.kinds.entry(kind).or_default().failed_targets += 1;
            }
            let mut entry = FailureEntry::new(&t.account, Some(&t.region), &failed.failure);
            entry.kind = failed.kind;
            self.failures.push(entry);
        }
    }

    /// Complete, or partial when a target failed (for a run that was not cut short).
    pub fn status(&self) -> RunStatus {
        RunStatus::of_failures(self.targets.failed)
    }

    fn unfinished(&self, plan: &Plan) -> Vec<TargetEntry> {
        plan.targets
            .iter()
            .filter(|t| !self.finished.get(t.index).copied().unwrap_or(false))
            .map(|t| TargetEntry {
                account_id: t.account.id.clone(),
                account_name: t.account.name.clone(),
                region: t.region.to_string(),
            })
            .collect()
    }
}

/// What the run knows at its end, beyond the counts.
pub struct RunEnd {
    pub status: RunStatus,
    pub started: SystemTime,
    pub finished: SystemTime,
    pub assume_role_calls: u64,
    pub retries: u64,
    pub throttled: u64,
    pub error: Option<String>,
}

/// The summary file: opened at the start (a bad path fails before any AWS call), written
/// and renamed into place at the end.
pub struct SummaryFile {
    file: AtomicFile,
}

impl SummaryFile {
    pub fn create(path: &Path) -> anyhow::Result<SummaryFile> {
        let file = AtomicFile::create(path)
            .with_context(|| format!("cannot create summary file {}", path.display()))?;
        Ok(SummaryFile { file })
    }

    /// Writes the summary; `plan` and `counts` are absent when the run never got a plan.
    pub fn write(mut self, run: Option<(&Plan, &RunCounts)>, end: &RunEnd) -> anyhow::Result<()> {
        let summary = build(run, end);
        serde_json::to_writer_pretty(&mut self.file, &summary)
            .context("cannot write the summary")?;
        self.file
            .write_all(b"\n")
            .context("cannot write the summary")?;
        self.file
            .commit()
            .context("cannot replace the summary file")
    }
}

fn build(run: Option<(&Plan, &RunCounts)>, end: &RunEnd) -> RunSummary {
    let (started, finished) = (end.started, end.finished);
    let empty = RunCounts::default();
    let counts = run.map_or(&empty, |(_, counts)| counts);
    let unfinished_targets = run.map_or_else(Vec::new, |(plan, counts)| counts.unfinished(plan));
    let no_instances = KindCounts::default();
    let instances = counts.kind_summary(
        ResourceKind::INSTANCES,
        counts
            .kinds
            .get(&ResourceKind::INSTANCES)
            .unwrap_or(&no_instances),
        started,
    );
    RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        status: end.status,
        exit_code: end.status.exit_code(),
        started_at: rfc3339(started),
        finished_at: rfc3339(finished),
        // A clock set back during the run must not make a negative duration.
        duration_seconds: finished
            .duration_since(started)
            .map_or(0.0, |d| (d.as_secs_f64() * 1000.0).round() / 1000.0),
        targets: TargetCounts {
            unfinished: unfinished_targets.len() as u64,
            ..counts.targets
        },
        instances: instances.records,
        instances_by_account: instances
            .by_account
            .into_iter()
            .map(|a| AccountCount {
                account_id: a.account_id,
                account_name: a.account_name,
                instances: a.records,
            })
            .collect(),
        instances_by_region: instances.by_region,
        instances_by_engine: instances.by_engine,
        kinds: counts
            .kinds
            .iter()
            .map(|(kind, c)| (kind.name(), counts.kind_summary(*kind, c, started)))
            .collect(),
        failures: counts.failures.clone(),
        warnings: counts.warnings.clone(),
        unfinished_targets,
        assume_role_calls: end.assume_role_calls,
        retries: end.retries,
        throttled: end.throttled,
        cloudwatch_metrics_requested: counts.metrics_requested,
        idle_list_price_monthly: counts.idle_list_price().collect(),
        error: end.error.clone(),
    }
}

fn rfc3339(time: SystemTime) -> String {
    DateTime::from(time)
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| String::from("unknown"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::aws::FailureKind;
    use crate::plan::tests::plan_of;
    use crate::record::tests::full_record;
    use std::time::Duration;

    pub(crate) fn plan() -> Plan {
        plan_of(&[AccountSpec::for_tests(
            "111111111111",
            "prod",
            &["us-east-1", "eu-west-1", "ap-south-1"],
        )])
    }

    fn outcome(plan: &Plan, index: usize, failure: Option<CallFailure>) -> TargetOutcome {
        TargetOutcome {
            target: plan.targets[index].clone(),
            records: vec![(ResourceKind::INSTANCES, 0)],
            elapsed: Duration::ZERO,
            failures: failure
                .into_iter()
                .map(|failure| crate::fetch::KindFailure {
                    kind: Some(ResourceKind::INSTANCES),
                    failure,
                })
                .collect(),
        }
    }

    fn summary_of(plan: &Plan, counts: &RunCounts) -> serde_json::Value {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let end = RunEnd {
            status: RunStatus::Interrupted,
            started: start,
            finished: start + Duration::from_millis(1500),
            assume_role_calls: 1,
            retries: 4,
            throttled: 3,
            error: None,
        };
        let summary = build(Some((plan, counts)), &end);
        serde_json::to_value(&summary).expect("serializes")
    }

    pub(crate) fn partial_run(plan: &Plan) -> RunCounts {
        let mut counts = RunCounts::new(plan, &[]);
        counts.record(&full_record());
        counts.record(&full_record());
        counts.target_done(&outcome(plan, 0, None));
        let denied = CallFailure {
            phase: Phase::Describe,
            kind: FailureKind::RegionNotEnabled,
            code: Some("InvalidClientTokenId".into()),
            message: "invalid".into(),
        };
        counts.target_done(&outcome(plan, 1, Some(denied)));
        counts
    }

    #[test]
    fn targets_are_counted_by_outcome_and_the_rest_is_unfinished() {
        let plan = plan();
        let json = summary_of(&plan, &partial_run(&plan));
        assert_eq!(
            json["targets"],
            serde_json::json!({"planned": 3, "ok": 1, "failed": 1, "unfinished": 1})
        );
        assert_eq!(
            json["unfinished_targets"],
            serde_json::json!([{"account_id": "111111111111", "account_name": "prod", "region": "ap-south-1"}])
        );
    }

    #[test]
    fn instances_are_counted_by_account_region_and_engine() {
        let plan = plan();
        let json = summary_of(&plan, &partial_run(&plan));
        assert_eq!(json["instances"], 2);
        assert_eq!(json["instances_by_account"][0]["instances"], 2);
        assert_eq!(json["instances_by_region"]["eu-west-1"], 2);
        assert_eq!(json["instances_by_engine"]["postgres"], 2);
    }

    #[test]
    fn a_failure_names_its_target_phase_and_code() {
        let plan = plan();
        let json = summary_of(&plan, &partial_run(&plan));
        assert_eq!(json["failures"][0]["phase"], "describe");
        assert_eq!(json["failures"][0]["region"], "eu-west-1");
        assert_eq!(json["failures"][0]["error_code"], "InvalidClientTokenId");
    }

    #[test]
    fn times_status_and_exit_code_come_from_the_end() {
        let plan = plan();
        let json = summary_of(&plan, &partial_run(&plan));
        assert_eq!(json["started_at"], "2023-11-14T22:13:20Z");
        assert_eq!(json["duration_seconds"], 1.5);
        assert_eq!(json["retries"], 4);
        assert_eq!(json["throttled"], 3);
        assert_eq!(json["status"], "interrupted");
        assert_eq!(json["exit_code"], 130);
    }

    #[test]
    fn without_metrics_the_records_are_counted_but_not_by_series() {
        use crate::record::InstanceRecord;
        use aws_sdk_rds::types::DbInstance;
        let plan = plan();
        let record = InstanceRecord::from_sdk(
            "111111111111",
            "prod",
            "eu-west-1",
            DbInstance::builder().engine("postgres").build(),
        );
        let mut with = RunCounts::new(&plan, &[]);
        let mut without = RunCounts::new(&plan, &[]).without_series();
        with.record(&record);
        without.record(&record);
        assert_eq!((with.instances, without.instances), (1, 1));
        assert_eq!(
            with.by_account_region_engine(ResourceKind::INSTANCES)
                .count(),
            1
        );
        assert_eq!(
            without
                .by_account_region_engine(ResourceKind::INSTANCES)
                .count(),
            0,
            "no per-series entry kept for a run without --metrics"
        );
        assert_eq!(with.records_text(), without.records_text());
    }

    #[test]
    fn active_reservations_ending_within_30_days_are_counted_by_account_and_region() {
        use crate::record::kinds::{Kind, Place, ReservationRecord};
        use aws_sdk_rds::types::ReservedDbInstance;
        let plan = plan().with_kinds(&[ResourceKind::named("reservations")]);
        let mut counts = RunCounts::new(&plan, &[]);
        let now = 1_700_000_000;
        let place = |region| Place {
            account_id: "111111111111",
            account_name: "prod",
            region,
        };
        // (region, state, days from the run's start to its end)
        for (region, state, days) in [
            ("eu-west-1", "active", 29),
            ("eu-west-1", "active", 30),
            ("eu-west-1", "payment-pending", 3),
            ("eu-west-1", "active", -1),
            ("us-east-1", "retired", 3),
        ] {
            let item = ReservedDbInstance::builder()
                .state(state)
                .start_time(DateTime::from_secs(now - 86_400))
                .duration(86_400 * (days + 1) + 10)
                .build();
            counts.record(&ReservationRecord::from_item(&place(region), item));
        }
        let json = summary_of(&plan, &counts);
        assert_eq!(
            json["kinds"]["reservations"]["ending_soon"],
            serde_json::json!({"within_days": 30, "records": 1, "by_account_region": [
                {"account_id": "111111111111", "account_name": "prod", "region": "eu-west-1", "records": 1},
                {"account_id": "111111111111", "account_name": "prod", "region": "us-east-1", "records": 0},
            ]})
        );
    }

    #[test]
    fn idle_instances_list_price_and_the_metrics_requested_are_summed() {
        use crate::record::utilization::{Measure, Utilization, Window};
        use crate::record::InstancePrice;
        let plan = plan();
        let mut counts = RunCounts::new(&plan, &[]);
        let window = Window::ending_before(&DateTime::from_secs(1_700_000_000), 2);
        for (connections, monthly) in [(0.0, 100.0), (0.0, 50.5), (3.0, 1000.0)] {
            let mut record = full_record();
            let points = [connections, connections];
            let figures = Utilization::from_points(window, &Measure::ALL, |m| {
                if m == Measure::ConnectionsMax {
                    &points[..]
                } else {
                    &[]
                }
            });
            record.set_utilization(figures);
            record.set_price(InstancePrice {
                price_currency: Some("USD".into()),
                price_monthly: Some(monthly),
                ..InstancePrice::default()
            });
            counts.record(&record);
        }
        let json = summary_of(&plan, &counts);
        assert_eq!(json["cloudwatch_metrics_requested"], 18);
        assert_eq!(
            json["idle_list_price_monthly"],
            serde_json::json!([{"account_id": "111111111111", "account_name": "prod",
                "region": "eu-west-1", "currency": "USD", "instances": 2, "monthly": 150.5}])
        );
    }

    #[test]
    fn a_fatal_run_without_a_plan_has_zero_counts() {
        let end = RunEnd {
            status: RunStatus::Usage,
            started: SystemTime::UNIX_EPOCH,
            finished: SystemTime::UNIX_EPOCH,
            assume_role_calls: 0,
            retries: 0,
            throttled: 0,
            error: Some("--account x matches nothing".into()),
        };
        let json = serde_json::to_value(build(None, &end)).expect("serializes");
        assert_eq!(json["status"], "fatal");
        assert_eq!(json["exit_code"], 2);
        assert_eq!(json["targets"]["planned"], 0);
        assert_eq!(json["unfinished_targets"], serde_json::json!([]));
    }
}
