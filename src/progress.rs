//! Everything the user reads on stderr: the optional progress bar, one line per failure,
//! and the end-of-run summary. Nothing here writes to stdout.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::aws::{AccountWarning, AwsContext, FailureKind, Phase};
use crate::config::STANDARD_REGIONS;
use crate::fetch::TargetOutcome;
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
                "{} instances, {} failed",
                counts.instances, counts.targets.failed
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
        | Phase::EngineVersions => format!(
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
        }
    }

    /// A page was written.
    pub fn page(&mut self, counts: &RunCounts) {
        self.progress.update(counts);
    }

    /// A target finished; `counts` already include it.
    pub fn target_done(&mut self, outcome: &TargetOutcome, counts: &RunCounts) {
        match &outcome.failure {
            None => {
                if self.verbose > 0 {
                    let t = &outcome.target;
                    self.progress.line(&format!(
                        "ok: account {} ({}) {}: {} instances in {:.1} s",
                        t.account.id,
                        t.account.name,
                        t.region,
                        outcome.instances,
                        outcome.elapsed.as_secs_f64()
                    ));
                }
            }
            Some(_) => {
                if let Some(line) = self.failure_line(outcome) {
                    self.progress.line(&line);
                }
            }
        }
        self.progress.update(counts);
    }

    /// The stderr line for a failed target, or `None` when its account was already reported.
    fn failure_line(&mut self, outcome: &TargetOutcome) -> Option<String> {
        let failure = outcome.failure.as_ref()?;
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
        let what = match (failure.kind, failure.phase) {
            (FailureKind::RegionNotEnabled, _) => "region not enabled for this account",
            (_, Phase::AssumeRole) => "cannot get credentials",
            (FailureKind::ExpiredToken, _) => "credentials kept expiring",
            (FailureKind::Throttled, _) => "DescribeDBInstances throttled",
            _ => "DescribeDBInstances failed",
        };
        let partial = if outcome.instances > 0 {
            format!(" (after {} instances)", outcome.instances)
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
                "rds-inventory: {} targets: {} ok, {} failed; {} instances; {} AssumeRole calls{throttled}; {:.1} s",
                t.ok + t.failed,
                t.ok,
                t.failed,
                counts.instances,
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
            instances: 0,
            elapsed: Duration::ZERO,
            failure: Some(CallFailure {
                phase,
                kind,
                code: Some("AccessDenied".into()),
                message: "not authorized".into(),
            }),
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
