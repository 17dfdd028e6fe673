//! Everything the user reads on stderr: the optional progress bar, one line per failure,
//! and the end-of-run summary. Nothing here writes to stdout.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::aws::{AccountWarning, AwsContext, FailureKind, Phase};
use crate::config::{ResourceKind, STANDARD_REGIONS};
use crate::fetch::{KindFailure, TargetOutcome};
use crate::plan::Plan;
use crate::summary::RunCounts;

/// A progress bar that may not exist: with `None`, every call is a no-op, so no other code
/// needs to know whether stderr is a terminal.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar on stderr only when asked for and stderr is a terminal (never in cron).
    pub fn new(total_targets: u64, wanted: bool) -> Progress {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total_targets), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} targets  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(Some(bar))
    }

    fn update(&self, counts: &RunCounts) {
        if let Some(bar) = &self.0 {
            bar.set_position(counts.targets.ok + counts.targets.failed);
            bar.set_message(format!(
                "{}, {} failed",
                counts.records_text(),
                counts.targets.failed
            ));
        }
    }

    /// Prints a line on stderr without tearing the bar.
    fn line(&self, text: &str) {
        match &self.0 {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The stderr line for a problem that did not fail a target.
pub fn warning_line(warning: &AccountWarning) -> String {
    let (account, failure) = (&warning.account, &warning.failure);
    match failure.phase {
        Phase::ListRegions => format!(
            "warning: account {} ({}): cannot list its enabled regions ({}: {}); using the {} standard regions instead",
            account.id,
            account.name,
            failure.code.as_deref().unwrap_or("error"),
            failure.message,
            STANDARD_REGIONS.len()
        ),
        Phase::AssumeRole
        | Phase::Describe
        | Phase::PendingMaintenance
        | Phase::EngineVersions
        | Phase::ClusterLookup
        | Phase::SnapshotAttributes
        | Phase::ClusterSnapshotAttributes
        | Phase::PriceList
        | Phase::Utilization
        | Phase::Parameters => format!(
            "warning: account {} ({}): {}",
            account.id, account.name, failure.message
        ),
    }
}

/// Turns fetch events into what the user sees on stderr.
pub struct Reporter {
    progress: Progress,
    verbose: u8,
    quiet: bool,
    /// Each account's regions, joined, for the one line a refused role gets.
    regions: HashMap<String, String>,
    /// Accounts whose role failure was already reported: one line per account, not per region.
    refused_accounts: HashSet<String>,
    /// (account, kind) whose listing the account's role may not call: reported once.
    denied_kinds: HashSet<(String, ResourceKind)>,
}

impl Reporter {
    pub fn new(progress: Progress, verbose: u8, quiet: bool, plan: &Plan) -> Reporter {
        let regions = plan
            .accounts
            .iter()
            .map(|a| (a.spec.id.clone(), a.regions.join(", ")))
            .collect();
        Reporter {
            progress,
            verbose,
            quiet,
            regions,
            refused_accounts: HashSet::new(),
            denied_kinds: HashSet::new(),
        }
    }

    /// A page was written.
    pub fn page(&mut self, counts: &RunCounts) {
        self.progress.update(counts);
    }

    /// A target finished; `counts` already include it.
    pub fn target_done(&mut self, outcome: &TargetOutcome, counts: &RunCounts) {
        if outcome.failures.is_empty() && self.verbose > 0 {
            let t = &outcome.target;
            let records: Vec<String> = outcome
                .records
                .iter()
                .map(|(kind, n)| format!("{n} {}", kind.name()))
                .collect();
            self.progress.line(&format!(
                "ok: account {} ({}) {}: {} in {:.1} s",
                t.account.id,
                t.account.name,
                t.region,
                records.join(", "),
                outcome.elapsed.as_secs_f64()
            ));
        }
        for failed in &outcome.failures {
            if let Some(line) = self.kind_failure_line(outcome, failed) {
                self.progress.line(&line);
            }
        }
        self.progress.update(counts);
    }

    /// The stderr line for a failed target, or `None` when its account was already reported.
    #[cfg(test)]
    fn failure_line(&mut self, outcome: &TargetOutcome) -> Option<String> {
        let failed = outcome.failures.first()?;
        self.kind_failure_line(outcome, failed)
    }

    /// The stderr line for a kind that failed in a target (see [`Self::failure_line`]).
    fn kind_failure_line(
        &mut self,
        outcome: &TargetOutcome,
        failed: &KindFailure,
    ) -> Option<String> {
        let failure = &failed.failure;
        let kind = failed.kind.unwrap_or(ResourceKind::INSTANCES);
        let t = &outcome.target;
        if failure.kind == FailureKind::CannotAssumeRole {
            if !self.refused_accounts.insert(t.account.id.clone()) {
                return None;
            }
            return Some(format!(
                "error: account {} ({}), regions {}: cannot assume role {}: {failure}",
                t.account.id,
                t.account.name,
                self.regions.get(&t.account.id).map_or("", String::as_str),
                t.account.role_arn
            ));
        }
        let denied = failure.phase == Phase::Describe
            && failure.kind == FailureKind::Other
            && failure
                .code
                .as_deref()
                .is_some_and(|c| c.starts_with("AccessDenied"));
        if denied && failed.kind.is_some() {
            // A role without the kind's action meets the same refusal in every region.
            if !self.denied_kinds.insert((t.account.id.clone(), kind)) {
                return None;
            }
            return Some(format!(
                "error: account {} ({}), regions {}: {} denied; the account's other kinds are \
                 listed: {failure}",
                t.account.id,
                t.account.name,
                self.regions.get(&t.account.id).map_or("", String::as_str),
                kind.call()
            ));
        }
        let what = match (failure.kind, failure.phase) {
            (FailureKind::RegionNotEnabled, _) => "region not enabled for this account".into(),
            (_, Phase::AssumeRole) => "cannot get credentials".into(),
            (FailureKind::ExpiredToken, _) => "credentials kept expiring".into(),
            (FailureKind::Throttled, _) => format!("{} throttled", kind.call()),
            _ => format!("{} failed", kind.call()),
        };
        let sent = outcome.records_of(kind);
        let partial = if sent > 0 {
            format!(" (after {sent} {})", kind.name())
        } else {
            String::new()
        };
        Some(format!(
            "error: account {} ({}), region {}: {what}{partial}: {failure}",
            t.account.id, t.account.name, t.region
        ))
    }

    /// Prints a warning; shown even when quiet, like failures.
    pub fn warn(&self, text: &str) {
        self.progress.line(text);
    }

    /// Prints a line unless quiet (the plan, in verbose mode).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            self.progress.line(text);
        }
    }

    /// Clears the bar and prints the one-line summary (unless quiet).
    pub fn finish(self, counts: &RunCounts, elapsed: Duration, aws: &AwsContext) {
        self.progress.finish();
        if !self.quiet {
            let t = &counts.targets;
            let throttled = match aws.throttled_answers() {
                0 => String::new(),
                n => format!("; {n} throttled answers, {} retries", aws.rds_retries()),
            };
            eprintln!(
                "rds-inventory: {} targets: {} ok, {} failed; {}; {} AssumeRole calls{throttled}; {:.1} s",
                t.ok + t.failed,
                t.ok,
                t.failed,
                counts.records_text(),
                aws.assume_role_calls(),
                elapsed.as_secs_f64()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::AccountSpec;
    use crate::aws::CallFailure;
    use crate::plan::tests::plan_of;

    fn outcome(plan: &Plan, index: usize, kind: FailureKind, phase: Phase) -> TargetOutcome {
        TargetOutcome {
            target: plan.targets[index].clone(),
            records: vec![(ResourceKind::INSTANCES, 0)],
            elapsed: Duration::ZERO,
            failures: vec![KindFailure {
                kind: Some(ResourceKind::INSTANCES),
                failure: CallFailure {
                    phase,
                    kind,
                    code: Some("AccessDenied".into()),
                    message: "not authorized".into(),
                },
            }],
        }
    }

    fn plan() -> Plan {
        plan_of(&[AccountSpec::for_tests(
            "111111111111",
            "prod",
            &["us-east-1", "eu-west-1"],
        )])
    }

    #[test]
    fn refused_role_is_reported_once_per_account() {
        let plan = plan();
        let mut reporter = Reporter::new(Progress(None), 0, true, &plan);
        let first = reporter
            .failure_line(&outcome(
                &plan,
                0,
                FailureKind::CannotAssumeRole,
                Phase::AssumeRole,
            ))
            .expect("first is reported");
        assert!(
            first.contains("cannot assume role arn:aws:iam::111111111111:role/R"),
            "{first}"
        );
        assert!(
            first.contains("111111111111 (prod)") && first.contains("AccessDenied: not authorized")
        );
        assert!(reporter
            .failure_line(&outcome(
                &plan,
                1,
                FailureKind::CannotAssumeRole,
                Phase::AssumeRole
            ))
            .is_none());
    }

    #[test]
    fn region_failure_names_region_and_classification() {
        let plan = plan();
        let mut reporter = Reporter::new(Progress(None), 0, true, &plan);
        let line = reporter
            .failure_line(&outcome(
                &plan,
                1,
                FailureKind::RegionNotEnabled,
                Phase::Describe,
            ))
            .expect("reported");
        assert!(
            line.contains("region eu-west-1: region not enabled for this account"),
            "{line}"
        );
    }
}
