//! Targets -> a stream of pages of records and one outcome per target, with bounded concurrency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

use crate::aws::{classify, AwsContext, CallFailure, FailureKind, Phase};
use crate::plan::Target;
use crate::record::InstanceRecord;

/// DescribeDBInstances' largest page: fewest calls per instance.
const PAGE_SIZE: i32 = 100;
/// ExpiredToken answers tolerated per page: each discards the account's cached keys once.
const MAX_CREDENTIAL_REFRESHES: u32 = 3;

/// What the fetchers send to the single writer.
#[derive(Debug)]
pub enum Event {
    /// One page of one target, sent as soon as it arrived.
    Page(Vec<InstanceRecord>),
    /// A target finished, listed completely or failed.
    Done(TargetOutcome),
}

/// How one target ended.
#[derive(Debug, Clone)]
pub struct TargetOutcome {
    pub target: Target,
    pub instances: u64,
    pub elapsed: Duration,
    pub failure: Option<CallFailure>,
}

/// Retry settings for failures the SDK does not retry itself.
#[derive(Debug, Clone, Copy)]
pub struct FetchOptions {
    pub concurrency: usize,
    /// Rounds for a transient credential failure (the STS client's retries already spent).
    pub credential_rounds: u32,
    pub initial_backoff: Duration,
}

/// Lists every target, at most `concurrency` at once, sending events as they happen.
/// Each target is its own task, so parsing uses every core; dropping this future aborts them
/// all (Ctrl-C). Returns early when the receiver is gone, e.g. stdout was closed.
pub async fn fetch_all(
    aws: Arc<AwsContext>,
    targets: Vec<Target>,
    options: FetchOptions,
    events: mpsc::Sender<Event>,
) {
    let slots = Arc::new(Semaphore::new(options.concurrency));
    let mut running = JoinSet::new();
    for target in targets {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            break;
        };
        if events.is_closed() {
            break;
        }
        let aws = Arc::clone(&aws);
        let events = events.clone();
        running.spawn(async move {
            let _slot = slot;
            let started = Instant::now();
            let (instances, failure) = match fetch_target(&aws, &target, options, &events).await {
                Ok(n) => (n, None),
                Err(Stop::Failed(n, failure)) => (n, Some(failure)),
                Err(Stop::ReceiverGone) => return,
            };
            let outcome = TargetOutcome {
                target,
                instances,
                elapsed: started.elapsed(),
                failure,
            };
            let _ = events.send(Event::Done(outcome)).await;
        });
        // Reap finished tasks as we go so the set stays as small as the concurrency.
        while running.try_join_next().is_some() {}
    }
    while running.join_next().await.is_some() {}
}

enum Stop {
    /// Failed after this many instances were already sent.
    Failed(u64, CallFailure),
    ReceiverGone,
}

/// Pages through one target. Paging is by hand (not `into_paginator`) so that a page that
/// fails with ExpiredToken is retried at the same marker: no page lost, none repeated.
async fn fetch_target(
    aws: &AwsContext,
    target: &Target,
    options: FetchOptions,
    events: &mpsc::Sender<Event>,
) -> Result<u64, Stop> {
    let credentials = aws.credentials(&target.account);
    let (mut generation, provider) = credentials.current();
    let mut client = aws.rds_client(&target.region, provider);
    let mut marker: Option<String> = None;
    let mut sent = 0u64;
    let mut refreshes = 0;
    let mut credential_round = 0;
    loop {
        let answer = client
            .describe_db_instances()
            .max_records(PAGE_SIZE)
            .set_marker(marker.clone())
            .send()
            .await;
        let page = match answer {
            Ok(page) => page,
            Err(error) => {
                let failure = classify(&error);
                match failure.kind {
                    FailureKind::ExpiredToken if refreshes < MAX_CREDENTIAL_REFRESHES => {
                        refreshes += 1;
                        credentials.discard(generation);
                        let (next, provider) = credentials.current();
                        generation = next;
                        client = aws.rds_client(&target.region, provider);
                        continue;
                    }
                    // STS's own retries are spent (its retry quota is process-wide) and a
                    // failed load is not cached: wait, then let the cache ask STS again.
                    FailureKind::Transient
                        if failure.phase == Phase::AssumeRole
                            && credential_round < options.credential_rounds =>
                    {
                        credential_round += 1;
                        tokio::time::sleep(backoff(options.initial_backoff, credential_round))
                            .await;
                        continue;
                    }
                    _ => return Err(Stop::Failed(sent, failure)),
                }
            }
        };
        refreshes = 0;
        let next = page.marker().filter(|m| !m.is_empty()).map(str::to_owned);
        if next.is_some() && next == marker {
            // A server that hands back the Marker it was sent would keep us paging (and
            // writing the same page) forever.
            let failure = CallFailure {
                phase: Phase::Describe,
                kind: FailureKind::Other,
                code: None,
                message: "malformed answer: pagination did not advance (same Marker twice)".into(),
            };
            return Err(Stop::Failed(sent, failure));
        }
        let records: Vec<InstanceRecord> = page
            .db_instances
            .unwrap_or_default()
            .into_iter()
            .map(|db| {
                InstanceRecord::from_sdk(
                    &target.account.id,
                    &target.account.name,
                    &target.region,
                    db,
                )
            })
            .collect();
        let count = records.len() as u64;
        if count > 0 {
            events
                .send(Event::Page(records))
                .await
                .map_err(|_| Stop::ReceiverGone)?;
            sent += count;
        }
        marker = next;
        if marker.is_none() {
            return Ok(sent);
        }
    }
}

/// Exponential backoff, 50-100 % of `initial * 2^round` (jittered so accounts that failed
/// together do not retry together), capped at 20 s.
fn backoff(initial: Duration, round: u32) -> Duration {
    let ceiling = initial
        .saturating_mul(1 << round.min(16))
        .min(Duration::from_secs(20));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    ceiling.mul_f64(0.5 + f64::from(nanos % 1000) / 2000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for round in 1..=3 {
            let ceiling = Duration::from_millis(100) * (1 << round);
            let wait = backoff(Duration::from_millis(100), round);
            assert!(
                wait >= ceiling / 2 && wait <= ceiling,
                "round {round}: {wait:?}"
            );
        }
        assert!(backoff(Duration::from_secs(1), 30) <= Duration::from_secs(20));
    }
}
