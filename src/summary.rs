//! The machine-readable summary of a run (`--summary FILE`), written atomically at the end of
//! every run: complete, partial, interrupted or fatal.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

use anyhow::Context;
use aws_sdk_rds::primitives::{DateTime, DateTimeFormat};
use serde::Serialize;

use crate::aws::{CallFailure, Phase};
use crate::fetch::TargetOutcome;
use crate::output_file::AtomicFile;
use crate::plan::Plan;
use crate::record::InstanceRecord;

/// The summary document. Its schema is documented in the README; add fields, never rename.
#[derive(Debug, Serialize)]
pub struct RunSummary {
    pub version: &'static str,
    /// complete | partial | interrupted | output_closed | fatal
    pub status: &'static str,
    pub exit_code: u8,
    pub started_at: String,
    pub finished_at: String,
    pub duration_seconds: f64,
    pub targets: TargetCounts,
    pub instances: u64,
    pub instances_by_account: Vec<AccountCount>,
    pub instances_by_region: BTreeMap<String, u64>,
    pub instances_by_engine: BTreeMap<String, u64>,
    pub failures: Vec<FailureEntry>,
    /// Problems that did not fail a target (an account that would not list its regions).
    pub warnings: Vec<FailureEntry>,
    pub assume_role_calls: u64,
    pub retries: u64,
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

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccountCount {
    pub account_id: String,
    pub account_name: String,
    pub instances: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FailureEntry {
    pub account_id: String,
    pub account_name: String,
    pub region: Option<String>,
    /// assume_role | list_regions | describe
    pub phase: &'static str,
    pub error_code: Option<String>,
    pub message: String,
}

impl FailureEntry {
    pub fn new(
        account_id: &str,
        account_name: &str,
        region: Option<&str>,
        phase: &'static str,
        failure: &CallFailure,
    ) -> Self {
        FailureEntry {
            account_id: account_id.to_owned(),
            account_name: account_name.to_owned(),
            region: region.map(str::to_owned),
            phase,
            error_code: failure.code.clone(),
            message: failure.message.clone(),
        }
    }
}

/// Counts gathered while records stream past; nothing but counters is kept.
#[derive(Debug, Default)]
pub struct SummaryCounts {
    pub targets: TargetCounts,
    pub instances: u64,
    by_account: BTreeMap<String, AccountCount>,
    by_region: BTreeMap<String, u64>,
    by_engine: BTreeMap<String, u64>,
    pub failures: Vec<FailureEntry>,
    pub warnings: Vec<FailureEntry>,
}

impl SummaryCounts {
    /// Every planned account appears, with 0 if it has no instances.
    pub fn new(plan: &Plan, warnings: Vec<FailureEntry>) -> SummaryCounts {
        let by_account = plan
            .accounts
            .iter()
            .map(|a| {
                let count = AccountCount {
                    account_id: a.id.clone(),
                    account_name: a.name.clone(),
                    instances: 0,
                };
                (a.id.clone(), count)
            })
            .collect();
        SummaryCounts {
            targets: TargetCounts {
                planned: plan.targets.len() as u64,
                ..TargetCounts::default()
            },
            by_account,
            warnings,
            ..SummaryCounts::default()
        }
    }

    pub fn record(&mut self, record: &InstanceRecord) {
        self.instances += 1;
        if let Some(account) = self.by_account.get_mut(&record.account_id) {
            account.instances += 1;
        }
        *self.by_region.entry(record.region.clone()).or_default() += 1;
        let engine = record.engine.as_deref().unwrap_or("unknown");
        *self.by_engine.entry(engine.to_owned()).or_default() += 1;
    }

    pub fn target_done(&mut self, outcome: &TargetOutcome) {
        match &outcome.failure {
            None => self.targets.ok += 1,
            Some(failure) => {
                self.targets.failed += 1;
                let phase = match failure.phase {
                    Phase::AssumeRole => "assume_role",
                    Phase::Describe => "describe",
                };
                let t = &outcome.target;
                self.failures.push(FailureEntry::new(
                    &t.account.id,
                    &t.account.name,
                    Some(&t.region),
                    phase,
                    failure,
                ));
            }
        }
    }
}

/// What the run knows at its end, beyond the counts.
pub struct RunEnd {
    pub status: &'static str,
    pub exit_code: u8,
    pub assume_role_calls: u64,
    pub retries: u64,
    pub error: Option<String>,
}

/// The summary file: opened at the start (a bad path fails before any AWS call), written
/// and renamed into place at the end.
pub struct SummaryFile {
    file: AtomicFile,
    started: SystemTime,
}

impl SummaryFile {
    pub fn create(path: &Path) -> anyhow::Result<SummaryFile> {
        let file = AtomicFile::create(path)
            .with_context(|| format!("cannot create summary file {}", path.display()))?;
        Ok(SummaryFile {
            file,
            started: SystemTime::now(),
        })
    }

    pub fn write(mut self, counts: SummaryCounts, end: RunEnd) -> anyhow::Result<()> {
        let summary = build(counts, end, self.started, SystemTime::now());
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

fn build(
    counts: SummaryCounts,
    end: RunEnd,
    started: SystemTime,
    finished: SystemTime,
) -> RunSummary {
    let unfinished = counts
        .targets
        .planned
        .saturating_sub(counts.targets.ok + counts.targets.failed);
    RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        status: end.status,
        exit_code: end.exit_code,
        started_at: rfc3339(started),
        finished_at: rfc3339(finished),
        duration_seconds: finished
            .duration_since(started)
            .map(|d| (d.as_secs_f64() * 1000.0).round() / 1000.0)
            .unwrap_or(0.0),
        targets: TargetCounts {
            unfinished,
            ..counts.targets
        },
        instances: counts.instances,
        instances_by_account: counts.by_account.into_values().collect(),
        instances_by_region: counts.by_region,
        instances_by_engine: counts.by_engine,
        failures: counts.failures,
        warnings: counts.warnings,
        assume_role_calls: end.assume_role_calls,
        retries: end.retries,
        error: end.error,
    }
}

fn rfc3339(time: SystemTime) -> String {
    DateTime::from(time)
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| String::from("unknown"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::FailureKind;
    use crate::config::AccountSpec;
    use std::time::Duration;

    fn plan() -> Plan {
        Plan::new(&[AccountSpec::for_tests(
            "111111111111",
            "prod",
            &["us-east-1", "eu-west-1", "ap-south-1"],
        )])
    }

    #[test]
    fn counts_by_account_region_engine_and_failures() {
        let plan = plan();
        let mut counts = SummaryCounts::new(&plan, Vec::new());
        let record = InstanceRecord::from_sdk(
            &crate::record::tests::account(),
            "eu-west-1",
            &crate::record::tests::full_instance(),
        );
        counts.record(&record);
        counts.record(&record);
        counts.target_done(&TargetOutcome {
            target: plan.targets[0].clone(),
            instances: 2,
            elapsed: Duration::ZERO,
            failure: None,
        });
        counts.target_done(&TargetOutcome {
            target: plan.targets[1].clone(),
            instances: 0,
            elapsed: Duration::ZERO,
            failure: Some(CallFailure {
                phase: Phase::Describe,
                kind: FailureKind::RegionNotEnabled,
                code: Some("InvalidClientTokenId".into()),
                message: "invalid".into(),
            }),
        });
        let end = RunEnd {
            status: "interrupted",
            exit_code: 130,
            assume_role_calls: 1,
            retries: 4,
            error: None,
        };
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let summary = build(counts, end, start, start + Duration::from_millis(1500));
        let json = serde_json::to_value(&summary).expect("serializes");
        assert_eq!(
            json["targets"],
            serde_json::json!({"planned": 3, "ok": 1, "failed": 1, "unfinished": 1})
        );
        assert_eq!(json["instances"], 2);
        assert_eq!(json["instances_by_account"][0]["instances"], 2);
        assert_eq!(json["instances_by_region"]["eu-west-1"], 2);
        assert_eq!(json["instances_by_engine"]["postgres"], 2);
        assert_eq!(json["failures"][0]["phase"], "describe");
        assert_eq!(json["failures"][0]["region"], "eu-west-1");
        assert_eq!(json["failures"][0]["error_code"], "InvalidClientTokenId");
        assert_eq!(json["started_at"], "2023-11-14T22:13:20Z");
        assert_eq!(json["duration_seconds"], 1.5);
        assert_eq!(json["retries"], 4);
        assert_eq!(json["status"], "interrupted");
    }
}
