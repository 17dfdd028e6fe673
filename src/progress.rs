//! Everything the user reads on stderr: the optional progress bar, one line per failure,
//! and the end-of-run summary. Nothing here writes to stdout.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::aws::{FailureKind, Phase};
use crate::config::STANDARD_REGIONS;
use crate::fetch::TargetOutcome;
use crate::summary::FailureEntry;

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

    fn update(&self, totals: &Totals) {
        if let Some(bar) = &self.0 {
            bar.set_position(totals.ok + totals.failed);
            bar.set_message(format!(
                "{} instances, {} failed",
                totals.instances, totals.failed
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

/// The stderr line for an account that would not list its enabled regions.
pub fn warning_line(warning: &FailureEntry) -> String {
    format!(
        "warning: account {} ({}): cannot list its enabled regions ({}: {}); using the {} standard regions instead",
        warning.account_id,
        warning.account_name,
        warning.error_code.as_deref().unwrap_or("error"),
        warning.message,
        STANDARD_REGIONS.len()
    )
}

/// Counts of a run so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub ok: u64,
    pub failed: u64,
    pub instances: u64,
}

/// Turns fetch events into what the user sees, and keeps the totals.
pub struct Reporter {
    progress: Progress,
    verbose: u8,
    quiet: bool,
    totals: Totals,
    /// Accounts whose role failure was already reported: one line per account, not per region.
    refused_accounts: HashSet<usize>,
}

impl Reporter {
    pub fn new(progress: Progress, verbose: u8, quiet: bool) -> Reporter {
        Reporter {
            progress,
            verbose,
            quiet,
            totals: Totals::default(),
            refused_accounts: HashSet::new(),
        }
    }

    pub fn page(&mut self, instances: usize) {
        self.totals.instances += instances as u64;
        self.progress.update(&self.totals);
    }

    pub fn target_done(&mut self, outcome: &TargetOutcome) {
        match &outcome.failure {
            None => {
                self.totals.ok += 1;
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
                self.totals.failed += 1;
                if let Some(line) = self.failure_line(outcome) {
                    self.progress.line(&line);
                }
            }
        }
        self.progress.update(&self.totals);
    }

    /// The stderr line for a failed target, or `None` when its account was already reported.
    fn failure_line(&mut self, outcome: &TargetOutcome) -> Option<String> {
        let failure = outcome.failure.as_ref()?;
        let t = &outcome.target;
        let cause = match &failure.code {
            Some(code) => format!("{code}: {}", failure.message),
            None => failure.message.clone(),
        };
        if failure.kind == FailureKind::CannotAssumeRole {
            if !self.refused_accounts.insert(t.account_index) {
                return None;
            }
            return Some(format!(
                "error: account {} ({}), regions {}: cannot assume role {}: {cause}",
                t.account.id,
                t.account.name,
                t.account.regions.listed().join(", "),
                t.account.role_arn
            ));
        }
        let what = match (failure.kind, failure.phase) {
            (FailureKind::RegionNotEnabled, _) => "region not enabled for this account",
            (_, Phase::AssumeRole) => "cannot get credentials",
            (FailureKind::ExpiredToken, _) => "credentials kept expiring",
            _ => "DescribeDBInstances failed",
        };
        let partial = if outcome.instances > 0 {
            format!(" (after {} instances)", outcome.instances)
        } else {
            String::new()
        };
        Some(format!(
            "error: account {} ({}), region {}: {what}{partial}: {cause}",
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

    /// Clears the bar and prints the one-line summary (unless quiet); returns the totals.
    pub fn finish(self, elapsed: Duration, assume_role_calls: u64) -> Totals {
        self.progress.finish();
        if !self.quiet {
            let t = self.totals;
            eprintln!(
                "rds-inventory: {} targets: {} ok, {} failed; {} instances; {} AssumeRole calls; {:.1} s",
                t.ok + t.failed,
                t.ok,
                t.failed,
                t.instances,
                assume_role_calls,
                elapsed.as_secs_f64()
            );
        }
        self.totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::CallFailure;
    use crate::config::AccountSpec;
    use crate::plan::Plan;

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
        Plan::new(&[AccountSpec::for_tests(
            "111111111111",
            "prod",
            &["us-east-1", "eu-west-1"],
        )])
    }

    #[test]
    fn refused_role_is_reported_once_per_account() {
        let plan = plan();
        let mut reporter = Reporter::new(Progress(None), 0, true);
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
        let mut reporter = Reporter::new(Progress(None), 0, true);
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

    #[test]
    fn totals_count_targets_and_instances() {
        let plan = plan();
        let mut reporter = Reporter::new(Progress(None), 0, true);
        reporter.page(7);
        reporter.target_done(&TargetOutcome {
            target: plan.targets[0].clone(),
            instances: 7,
            elapsed: Duration::ZERO,
            failure: None,
        });
        reporter.target_done(&outcome(&plan, 1, FailureKind::Other, Phase::Describe));
        let totals = reporter.finish(Duration::ZERO, 1);
        assert_eq!(
            totals,
            Totals {
                ok: 1,
                failed: 1,
                instances: 7
            }
        );
    }
}
