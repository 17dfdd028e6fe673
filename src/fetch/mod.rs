//! Targets -> a stream of pages of records and one outcome per target, with bounded concurrency.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_rds::types::DbCluster;

use futures::FutureExt;
use tokio::sync::{mpsc, Notify, Semaphore};
use tokio::task::JoinSet;

use aws_sdk_rds::config::SharedCredentialsProvider;

use crate::aws::{AccountCredentials, AccountWarning, AwsContext, CallFailure, FailureKind, Phase};
use crate::config::ResourceKind;
use crate::joins::{Joins, Maintenance};
use crate::plan::Target;
use crate::record::{
    ClusterListing, ClusterRecord, InstanceRecord, Joinable, Page, Sharing, Snapshot,
};

/// One page of a paginated Describe call at `marker`, signed as the account and retried as
/// `TargetCalls::call` does; evaluates to the SDK's output or the final failure.
macro_rules! describe_page {
    ($calls:expr, $operation:ident, $marker:expr) => {
        $calls
            .call(|client, signed| {
                let request = client
                    .$operation()
                    .max_records($crate::fetch::PAGE_SIZE)
                    .set_marker($marker.clone())
                    .customize()
                    .config_override(signed);
                async move { request.send().await.map_err(|e| $crate::aws::classify(&e)) }
            })
            .await
    };
}

mod snapshots;
use snapshots::{DbClusterSnapshots, DbSnapshots, SnapshotKind};

/// The largest page DescribeDBInstances and DescribeDBClusters allow: fewest calls per item.
const PAGE_SIZE: i32 = 100;
/// ExpiredToken answers tolerated per page: each discards the account's cached keys once.
const MAX_CREDENTIAL_REFRESHES: u32 = 3;
/// Longest wait between two rounds of retries.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

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

enum Stop {
    /// Failed after this many records were already sent.
    Failed(u64, CallFailure),
    ReceiverGone,
}

/// Lists one target's kinds in turn. A kind that fails costs no other kind its records; a
/// failure to get the account's credentials ends the target (every kind would meet it).
async fn fetch_target(
    aws: &AwsContext,
    target: &Target,
    kinds: &[ResourceKind],
    options: FetchOptions,
    window: &Window,
    joins: &Joins,
    events: &mpsc::Sender<Event>,
) -> Result<(Vec<(ResourceKind, u64)>, Vec<KindFailure>), ReceiverGone> {
    let mut calls = TargetCalls::new(aws, target, options, window);
    let mut lister = Lister {
        target,
        joins,
        events,
        // Before the first page, so that records still stream page by page.
        maintenance: if joins.any() {
            joins
                .maintenance(aws, &|| calls.joins_client(), target)
                .await
        } else {
            None
        },
        clusters: Clusters::NotListed,
        instance_ids: None,
        cluster_ids: None,
    };
    let mut records = Vec::new();
    let mut failures = Vec::new();
    for &kind in kinds {
        let listed = match kind {
            ResourceKind::Instances => lister.instances(&mut calls).await,
            ResourceKind::Clusters => lister.clusters(&mut calls).await,
            ResourceKind::Snapshots => {
                let sources = &lister.instance_ids;
                lister.snapshots::<DbSnapshots>(&mut calls, sources).await
            }
            ResourceKind::ClusterSnapshots => {
                let sources = &lister.cluster_ids;
                lister
                    .snapshots::<DbClusterSnapshots>(&mut calls, sources)
                    .await
            }
        };
        match listed {
            Ok(sent) => records.push((kind, sent)),
            Err(Stop::ReceiverGone) => return Err(ReceiverGone),
            Err(Stop::Failed(sent, failure)) => {
                records.push((kind, sent));
                let whole_target = failure.phase == Phase::AssumeRole;
                failures.push(KindFailure {
                    kind: (!whole_target).then_some(kind),
                    failure,
                });
                if whole_target {
                    break;
                }
            }
        }
    }
    Ok((records, failures))
}

/// The output's reader is gone (stdout closed).
struct ReceiverGone;

/// What one target's DB clusters are known to be, for both kinds that need them.
enum Clusters {
    NotListed,
    Listed(ClusterListing),
    Failed(CallFailure),
}

/// Records of at most this many items per page sent from a listing held in memory.
const LISTING_PAGE: usize = 100;

/// One target's kinds, listed through the target's calls and sent as pages.
struct Lister<'a> {
    target: &'a Target,
    joins: &'a Joins,
    events: &'a mpsc::Sender<Event>,
    maintenance: Maintenance,
    clusters: Clusters,
    /// The target's instance identifiers (lower case) once the instances kind was listed
    /// completely, for the snapshots' `source_exists`.
    instance_ids: Option<HashSet<String>>,
    /// Likewise the target's clusters, once the clusters kind was listed completely.
    cluster_ids: Option<HashSet<String>>,
}

impl Lister<'_> {
    /// DescribeDBInstances page by page; a page with a cluster member first lists the
    /// target's clusters (once) for the members' `cluster_role` and `effective_*` fields.
    async fn instances(&mut self, calls: &mut TargetCalls<'_>) -> Result<u64, Stop> {
        let target = self.target;
        let mut marker: Option<String> = None;
        let mut sent = 0u64;
        let mut ids = HashSet::new();
        loop {
            let page = describe_page!(calls, describe_db_instances, marker)
                .map_err(|f| Stop::Failed(sent, f))?;
            let next = next_marker(page.marker(), &marker).map_err(|f| Stop::Failed(sent, f))?;
            let mut records: Vec<InstanceRecord> = page
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
            ids.extend(
                records
                    .iter()
                    .filter_map(|r| r.db_instance_identifier())
                    .map(str::to_ascii_lowercase),
            );
            let has_members = records.iter().any(|r| r.db_cluster_identifier().is_some());
            if has_members && matches!(self.clusters, Clusters::NotListed) {
                // The rest of the page goes out first: only the members wait for the
                // listing, so a page is not held in memory for the length of a call.
                let (members, others) = records
                    .into_iter()
                    .partition(|r| r.db_cluster_identifier().is_some());
                sent += self.complete_and_send(calls, others).await?;
                records = members;
                self.list_clusters(calls).await;
            }
            if has_members {
                self.link_clusters(&mut records);
            }
            sent += self.complete_and_send(calls, records).await?;
            marker = next;
            if marker.is_none() {
                self.instance_ids = Some(ids);
                return Ok(sent);
            }
        }
    }

    /// Instance records with their joins and prices, sent as one page.
    async fn complete_and_send(
        &mut self,
        calls: &mut TargetCalls<'_>,
        mut records: Vec<InstanceRecord>,
    ) -> Result<u64, Stop> {
        self.join(calls, &mut records).await;
        if self.joins.any() {
            self.joins
                .price_instances(calls.aws, self.target, &mut records)
                .await;
        }
        self.send(Page::Instances(records)).await
    }

    /// Lists the target's clusters for its cluster members. A listing that fails is a
    /// warning (once per account); the members' cluster fields stay null.
    async fn list_clusters(&mut self, calls: &mut TargetCalls<'_>) {
        self.clusters = match list_clusters(calls).await {
            Ok(listing) => Clusters::Listed(listing),
            Err(failure) => {
                self.joins
                    .warn_cluster_lookup(calls.aws, self.target, failure.clone());
                Clusters::Failed(failure)
            }
        };
    }

    /// Sets each cluster member's cluster from the listing (none when it failed).
    fn link_clusters(&self, records: &mut [InstanceRecord]) {
        for record in records {
            let Some(id) = record.db_cluster_identifier() else {
                continue;
            };
            let cluster = match &self.clusters {
                Clusters::Listed(listing) => listing.get(id),
                _ => None,
            };
            record.set_cluster(cluster);
        }
    }

    /// The target's DB clusters: from the listing the instances already needed, else
    /// DescribeDBClusters page by page.
    async fn clusters(&mut self, calls: &mut TargetCalls<'_>) -> Result<u64, Stop> {
        let listed = self.clusters_listed(calls).await;
        if listed.is_err() {
            // A partial listing cannot say that a source is gone.
            self.cluster_ids = None;
        }
        listed
    }

    async fn clusters_listed(&mut self, calls: &mut TargetCalls<'_>) -> Result<u64, Stop> {
        self.cluster_ids = Some(HashSet::new());
        match std::mem::replace(&mut self.clusters, Clusters::NotListed) {
            Clusters::Failed(failure) => Err(Stop::Failed(0, failure)),
            Clusters::Listed(listing) => {
                let mut sent = 0;
                for chunk in listing.clusters().chunks(LISTING_PAGE) {
                    sent += self.send_clusters(calls, chunk.to_vec()).await?;
                }
                Ok(sent)
            }
            Clusters::NotListed => {
                let mut marker: Option<String> = None;
                let mut sent = 0u64;
                loop {
                    let (clusters, next) = cluster_page(calls, &marker)
                        .await
                        .map_err(|f| Stop::Failed(sent, f))?;
                    let listing = ClusterListing::new(clusters);
                    sent += self
                        .send_clusters(calls, listing.clusters().to_vec())
                        .await?;
                    marker = next;
                    if marker.is_none() {
                        return Ok(sent);
                    }
                }
            }
        }
    }

    async fn send_clusters(
        &mut self,
        calls: &mut TargetCalls<'_>,
        clusters: Vec<Arc<DbCluster>>,
    ) -> Result<u64, Stop> {
        let target = self.target;
        self.cluster_ids.get_or_insert_with(HashSet::new).extend(
            clusters
                .iter()
                .filter_map(|c| c.db_cluster_identifier.as_deref())
                .map(str::to_ascii_lowercase),
        );
        let mut records: Vec<ClusterRecord> = clusters
            .into_iter()
            .map(|c| {
                ClusterRecord::new(&target.account.id, &target.account.name, &target.region, c)
            })
            .collect();
        self.join(calls, &mut records).await;
        self.send(Page::Clusters(records)).await
    }

    /// The `--with` joins (maintenance, engine support) for one page of records.
    async fn join<R: Joinable>(&mut self, calls: &mut TargetCalls<'_>, records: &mut [R]) {
        if self.joins.any() {
            self.joins
                .fill(
                    calls.aws,
                    &|| calls.joins_client(),
                    self.target,
                    &mut self.maintenance,
                    records,
                )
                .await;
        }
    }

    /// A snapshot kind page by page; each manual snapshot gets one attribute call. `sources`:
    /// the target's instances (clusters) when that kind was listed completely.
    async fn snapshots<K: SnapshotKind>(
        &self,
        calls: &mut TargetCalls<'_>,
        sources: &Option<HashSet<String>>,
    ) -> Result<u64, Stop> {
        let mut marker: Option<String> = None;
        let mut sent = 0u64;
        let mut asking = true;
        loop {
            let (page, next) = K::page(calls, self.target, &marker)
                .await
                .map_err(|f| Stop::Failed(sent, f))?;
            let mut records = Vec::with_capacity(page.len());
            for mut record in page {
                let sharing = match (record.is_manual(), record.identifier()) {
                    (false, _) => Some(Sharing::not_shareable()),
                    (true, Some(id)) if asking => {
                        let values = K::restore(calls, id).await;
                        self.sharing_or_warn(calls, K::ATTRIBUTES, values, &mut asking)
                    }
                    (true, _) => None,
                };
                record.set_sharing(sharing);
                record.set_source_exists(source_exists(sources, record.source_identifier()));
                records.push(record);
            }
            sent += self.send(K::into_page(records)).await?;
            marker = next;
            if marker.is_none() {
                return Ok(sent);
            }
        }
    }

    /// The sharing of one snapshot from its attribute call, or `None` and a warning (once per
    /// account and kind). After a failure other than "not found" (a snapshot deleted since
    /// the listing), the target's other snapshots of the kind are not asked: the same
    /// denial, or the spent retry budget, would meet each of them.
    fn sharing_or_warn(
        &self,
        calls: &TargetCalls<'_>,
        phase: Phase,
        values: Result<Vec<String>, CallFailure>,
        asking: &mut bool,
    ) -> Option<Sharing> {
        match values {
            Ok(values) => Some(self.joins.sharing(values.iter().map(String::as_str))),
            Err(failure) => {
                let not_found = failure
                    .code
                    .as_deref()
                    .is_some_and(|c| c.contains("NotFound"));
                *asking = not_found;
                self.joins
                    .warn_snapshot_attributes(calls.aws, self.target, phase, failure);
                None
            }
        }
    }

    /// Sends a non-empty page; returns how many records it held.
    async fn send(&self, page: Page) -> Result<u64, Stop> {
        let count = page.len() as u64;
        if !page.is_empty() {
            self.events
                .send(Event::Page(page))
                .await
                .map_err(|_| Stop::ReceiverGone)?;
        }
        Ok(count)
    }
}

/// Whether a snapshot's source is among the target's listed resources (`None`: that kind was
/// not listed completely in this run, or the snapshot names no source).
fn source_exists(listed: &Option<HashSet<String>>, source: Option<&str>) -> Option<bool> {
    Some(listed.as_ref()?.contains(&source?.to_ascii_lowercase()))
}

/// Every DB cluster of the target (DescribeDBClusters, every page).
async fn list_clusters(calls: &mut TargetCalls<'_>) -> Result<ClusterListing, CallFailure> {
    let mut marker: Option<String> = None;
    let mut all = Vec::new();
    loop {
        let (clusters, next) = cluster_page(calls, &marker).await?;
        all.extend(clusters);
        marker = next;
        if marker.is_none() {
            return Ok(ClusterListing::new(all));
        }
    }
}

/// One page of DescribeDBClusters at `marker`, and the marker of the next.
async fn cluster_page(
    calls: &mut TargetCalls<'_>,
    marker: &Option<String>,
) -> Result<(Vec<DbCluster>, Option<String>), CallFailure> {
    let page = describe_page!(calls, describe_db_clusters, marker)?;
    let next = next_marker(page.marker(), marker)?;
    Ok((page.db_clusters.unwrap_or_default(), next))
}

/// The marker to ask for next (None: last page), or a failure when the server handed back
/// the marker it was sent, which would keep us paging (and writing the same page) forever.
fn next_marker(given: Option<&str>, sent: &Option<String>) -> Result<Option<String>, CallFailure> {
    let next = given.filter(|m| !m.is_empty()).map(str::to_owned);
    if next.is_some() && next == *sent {
        return Err(CallFailure {
            phase: Phase::Describe,
            kind: FailureKind::Other,
            code: None,
            message: "malformed answer: pagination did not advance (same Marker twice)".into(),
        });
    }
    Ok(next)
}

/// One target's list calls (every kind's), with the recoveries the SDK does not make itself.
/// Paging is by hand (not `into_paginator`) so that a page that fails is retried at the same
/// marker: no page lost, none repeated.
struct TargetCalls<'a> {
    aws: &'a AwsContext,
    target: &'a Target,
    options: FetchOptions,
    credentials: &'a AccountCredentials,
    /// The credential generation `signer` is (see `AccountCredentials::discard`).
    generation: u64,
    /// The account's credentials, which sign every call of the region's shared client.
    signer: SharedCredentialsProvider,
    client: aws_sdk_rds::Client,
    /// Built on first use for `--with` (its paginators take no per-call signer), for `signer`.
    /// Most targets never need it: the engine-support answers are shared by the whole run.
    joins_client: OnceLock<aws_sdk_rds::Client>,
    refreshes: u32,
    credential_rounds: u32,
    throttled: Option<Throttled>,
    window: &'a Window,
}

/// A run of throttled calls without a success in between.
struct Throttled {
    since: Instant,
    rounds: u32,
}

impl<'a> TargetCalls<'a> {
    fn new(
        aws: &'a AwsContext,
        target: &'a Target,
        options: FetchOptions,
        window: &'a Window,
    ) -> Self {
        let credentials = aws.credentials(&target.account);
        let (generation, provider) = credentials.current();
        TargetCalls {
            client: aws.rds_client(&target.region),
            signer: provider,
            joins_client: OnceLock::new(),
            aws,
            target,
            options,
            credentials,
            generation,
            refreshes: 0,
            credential_rounds: 0,
            throttled: None,
            window,
        }
    }

    /// A client signed as the account, for the joins' paginated calls: at most one per target,
    /// built when a join first has to call.
    fn joins_client(&self) -> aws_sdk_rds::Client {
        let (aws, region, signer) = (self.aws, &self.target.region, &self.signer);
        self.joins_client
            .get_or_init(|| aws.account_rds_client(region, signer.clone()))
            .clone()
    }

    /// One call, signed as the account, retried until it answers or a failure is final.
    /// `request` builds the call from the region's client and the per-call signing override.
    async fn call<T, F, Fut>(&mut self, request: F) -> Result<T, CallFailure>
    where
        F: Fn(&aws_sdk_rds::Client, aws_sdk_rds::config::Builder) -> Fut,
        Fut: Future<Output = Result<T, CallFailure>>,
    {
        loop {
            let signed = self.aws.signed_as(self.signer.clone());
            match request(&self.client, signed).await {
                Ok(answer) => {
                    self.refreshes = 0;
                    self.throttled = None;
                    return Ok(answer);
                }
                Err(failure) => self.recover(failure).await?,
            }
        }
    }

    /// Waits or refreshes so that the next attempt can succeed, or gives the failure back.
    async fn recover(&mut self, failure: CallFailure) -> Result<(), CallFailure> {
        match failure.kind {
            FailureKind::ExpiredToken if self.refreshes < MAX_CREDENTIAL_REFRESHES => {
                self.refreshes += 1;
                self.credentials.discard(self.generation);
                let (generation, provider) = self.credentials.current();
                self.generation = generation;
                self.signer = provider;
                self.joins_client = OnceLock::new();
                Ok(())
            }
            FailureKind::Throttled => self.wait_out_throttling(failure).await,
            // STS's own retries are spent and a failed load is not cached: wait, then let the
            // cache ask STS again.
            FailureKind::Transient
                if failure.phase == Phase::AssumeRole
                    && self.credential_rounds < self.options.max_attempts =>
            {
                self.credential_rounds += 1;
                let wait = backoff(self.options.initial_backoff, self.credential_rounds);
                tokio::time::sleep(wait).await;
                Ok(())
            }
            _ => Err(failure),
        }
    }

    /// Throttling slows a target down; it fails only once AWS has throttled it without a
    /// break for the whole retry budget.
    async fn wait_out_throttling(&mut self, failure: CallFailure) -> Result<(), CallFailure> {
        let budget = self.options.retry_budget;
        let throttled = self.throttled.get_or_insert(Throttled {
            since: Instant::now(),
            rounds: 0,
        });
        throttled.rounds += 1;
        self.window.throttled();
        let wait = backoff(self.options.initial_backoff, throttled.rounds);
        if throttled.since.elapsed() + wait > budget {
            let attempts = throttled.rounds * self.options.max_attempts;
            return Err(CallFailure {
                message: format!(
                    "throttled for {} ({attempts} attempts): {}",
                    crate::config::human_duration(budget),
                    failure.message
                ),
                ..failure
            });
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }
}

/// How many targets may be in flight: halved each time a call stays throttled through all
/// its attempts, grown by one as each target finishes (AIMD), between 1 and `--concurrency`.
/// Many throttled targets at once slow the whole run instead of hammering AWS.
struct Window {
    limit: AtomicUsize,
    max: usize,
    changed: Notify,
}

impl Window {
    fn new(max: usize) -> Window {
        Window {
            limit: AtomicUsize::new(max),
            max,
            changed: Notify::new(),
        }
    }

    fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    /// Waits until `in_flight()` (including the target about to start) fits the window.
    async fn admit(&self, in_flight: impl Fn() -> usize) {
        loop {
            let changed = self.changed.notified();
            if in_flight() <= self.limit() {
                return;
            }
            changed.await;
        }
    }

    fn throttled(&self) {
        let _ = self
            .limit
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                Some((l / 2).max(1))
            });
    }

    fn target_done(&self) {
        let max = self.max;
        let _ = self
            .limit
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                Some((l + 1).min(max))
            });
        self.changed.notify_waiters();
    }
}

/// Exponential backoff, 50-100 % of `initial * 2^round` (jittered so targets that failed
/// together do not retry together), capped at 20 s.
fn backoff(initial: Duration, round: u32) -> Duration {
    let ceiling = initial.saturating_mul(1 << round.min(16)).min(MAX_BACKOFF);
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

    #[test]
    fn the_window_halves_on_throttling_and_grows_back_by_one() {
        let window = Window::new(8);
        window.throttled();
        window.throttled();
        assert_eq!(window.limit(), 2);
        for _ in 0..3 {
            window.throttled();
        }
        assert_eq!(window.limit(), 1, "never below one");
        window.target_done();
        assert_eq!(window.limit(), 2);
        for _ in 0..20 {
            window.target_done();
        }
        assert_eq!(window.limit(), 8, "never above --concurrency");
    }

    #[tokio::test]
    async fn a_full_window_admits_once_a_target_finishes() {
        let window = Arc::new(Window::new(4));
        for _ in 0..2 {
            window.throttled();
        }
        let in_flight = Arc::new(AtomicUsize::new(2));
        let waiting = {
            let (window, in_flight) = (Arc::clone(&window), Arc::clone(&in_flight));
            tokio::spawn(async move { window.admit(|| in_flight.load(Ordering::Relaxed)).await })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "2 in flight exceed a window of 1");
        in_flight.store(1, Ordering::Relaxed);
        window.target_done();
        waiting.await.expect("admitted");
    }

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
        assert!(backoff(Duration::from_secs(1), 30) <= MAX_BACKOFF);
    }
}
