//! Targets -> a stream of pages of records and one outcome per target, with bounded
//! concurrency: the scheduler (here), the call budget of a target (`calls.rs`), the
//! concurrency window (`window.rs`) and the listing, generic over the kind registry
//! (`listing.rs`).

mod calls;
mod listing;
mod window;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

use crate::aws::{AccountWarning, AwsContext, CallFailure, FailureKind, Phase};
use crate::joins::Joins;
use crate::plan::Target;
use crate::record::{Page, ResourceKind};
use listing::{fetch_target, ReceiverGone};
use window::Window;

/// What the fetchers send to the single writer.
#[derive(Debug)]
pub enum Event {
    /// One page of one target and kind, sent as soon as it arrived.
    Page(Page),
    /// A target finished, listed completely or failed.
    Done(TargetOutcome),
    /// A problem that did not fail a target (from the AWS layer or a joined call).
    Warning(AccountWarning),
}

/// How one target ended.
#[derive(Debug, Clone)]
pub struct TargetOutcome {
    pub target: Target,
    /// Records sent, per kind listed (a failed kind: those sent before it failed).
    pub records: Vec<(ResourceKind, u64)>,
    pub elapsed: Duration,
    /// The kinds that failed; empty when the target was listed completely.
    pub failures: Vec<KindFailure>,
}

/// A kind that failed in a target, or (kind `None`) the whole target: its credentials.
#[derive(Debug, Clone)]
pub struct KindFailure {
    pub kind: Option<ResourceKind>,
    pub failure: CallFailure,
}

impl TargetOutcome {
    /// Records of `kind` sent.
    pub fn records_of(&self, kind: ResourceKind) -> u64 {
        self.records
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| n)
            .sum()
    }
}

/// Retry settings for failures the SDK does not retry itself.
#[derive(Debug, Clone, Copy)]
pub struct FetchOptions {
    pub concurrency: usize,
    /// Attempts the SDK makes per call; also the rounds for a transient credential failure.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    /// How long a target keeps retrying calls that AWS throttles without a break (zero:
    /// only the SDK's attempts).
    pub retry_budget: Duration,
}

/// Lists every target, at most `concurrency` at once, sending events as they happen.
/// Each target is its own task, so parsing uses every core; dropping this future aborts them
/// all (Ctrl-C). Returns early when the receiver is gone, e.g. stdout was closed.
pub async fn fetch_all(
    aws: Arc<AwsContext>,
    targets: Arc<[Target]>,
    kinds: Arc<[ResourceKind]>,
    options: FetchOptions,
    joins: Arc<Joins>,
    events: mpsc::Sender<Event>,
) {
    let slots = Arc::new(Semaphore::new(options.concurrency));
    let window = Arc::new(Window::new(options.concurrency));
    let mut running = JoinSet::new();
    for target in targets.iter() {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            break;
        };
        window
            .admit(|| options.concurrency - slots.available_permits())
            .await;
        if events.is_closed() {
            break;
        }
        let aws = Arc::clone(&aws);
        let events = events.clone();
        let window = Arc::clone(&window);
        let joins = Arc::clone(&joins);
        let kinds = Arc::clone(&kinds);
        let target = target.clone();
        running.spawn(async move {
            let _slot = slot;
            let started = Instant::now();
            let fetched = guarded(fetch_target(
                &aws, &target, &kinds, options, &window, &joins, &events,
            ))
            .await;
            window.target_done();
            let (records, failures) = match fetched {
                Ok(Ok(listed)) => listed,
                Ok(Err(ReceiverGone)) => return,
                Err(failure) => (
                    Vec::new(),
                    vec![KindFailure {
                        kind: None,
                        failure,
                    }],
                ),
            };
            let outcome = TargetOutcome {
                target,
                records,
                elapsed: started.elapsed(),
                failures,
            };
            let _ = events.send(Event::Done(outcome)).await;
        });
        // Reap finished tasks as we go so the set stays as small as the concurrency.
        while running.try_join_next().is_some() {}
    }
    while running.join_next().await.is_some() {}
}

/// Runs one target's work; a panic in it (a bug) becomes the target's failure, reported and
/// counted like any other, instead of a target that silently drops out of the run.
async fn guarded<F: Future>(work: F) -> Result<F::Output, CallFailure> {
    AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .map_err(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("a panic");
            CallFailure {
                phase: Phase::Describe,
                kind: FailureKind::Other,
                code: Some("InternalError".to_owned()),
                message: format!(
                    "internal error (a bug in rds-inventory; please report it): {what}"
                ),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_that_panics_fails_with_the_panic_message_instead_of_vanishing() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let failure = runtime
            .block_on(guarded(async {
                let url = String::new();
                assert!(!url.is_empty(), "URL was unset");
            }))
            .expect_err("the panic is a failure");
        assert_eq!(failure.kind, FailureKind::Other);
        assert!(
            failure.message.contains("URL was unset"),
            "{}",
            failure.message
        );
        assert!(failure.message.contains("a bug"), "{}", failure.message);
        let fine = runtime.block_on(guarded(async { 7 }));
        assert_eq!(fine.ok(), Some(7));
    }
}
