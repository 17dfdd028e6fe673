//! One target's kinds, listed through the target's calls and sent as pages: one listing for
//! every kind of the registry, with the kinds' hooks (the cluster link of instance rows, who
//! may restore a snapshot, whether a backup's or snapshot's source still exists, the joins).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;

use super::calls::TargetCalls;
use super::window::Window;
use super::{Event, FetchOptions, KindFailure};
use crate::aws::{AwsContext, CallFailure, FailureKind, Phase};
use crate::joins::{Joins, Maintenance};
use crate::plan::{kinds_in, Target};
use crate::record::{
    ClusterListing, ClusterRecord, Join, Kind, KindVisitor, Page, Place, ResourceKind,
    RestoreAttributes, Shareable, Sharing,
};

/// The output's reader is gone (stdout closed).
pub(super) struct ReceiverGone;

enum Stop {
    /// Failed after this many records were already sent.
    Failed(u64, CallFailure),
    ReceiverGone,
}

/// Records of at most this many items per page sent from a listing held in memory.
const LISTING_PAGE: usize = 100;

/// Lists one target's kinds in turn. A kind that fails costs no other kind its records; a
/// failure to get the account's credentials ends the target (every kind would meet it).
pub(super) async fn fetch_target(
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
        listed: HashMap::new(),
    };
    let mut records = Vec::new();
    let mut failures = Vec::new();
    for kind in kinds_in(kinds, target.lists_account_kinds) {
        let listed = kind
            .visit(ListKind {
                lister: &mut lister,
                calls: &mut calls,
            })
            .await;
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

/// The listing of the kind a [`ResourceKind`] names.
struct ListKind<'l, 't> {
    lister: &'l mut Lister<'t>,
    calls: &'l mut TargetCalls<'t>,
}

type Listing<'l> = Pin<Box<dyn Future<Output = Result<u64, Stop>> + Send + 'l>>;

impl<'l, 't> KindVisitor for ListKind<'l, 't> {
    type Output = Listing<'l>;

    fn visit<K: Kind>(self) -> Listing<'l> {
        Box::pin(self.lister.list::<K>(self.calls))
    }
}

/// What one target's DB clusters are known to be, for the cluster members' instance rows
/// and the clusters kind: listed once, for whichever needs them first.
enum Clusters {
    NotListed,
    Listed(ClusterListing),
    Failed(CallFailure),
}

/// One target's listings.
struct Lister<'a> {
    target: &'a Target,
    joins: &'a Joins,
    events: &'a mpsc::Sender<Event>,
    maintenance: Maintenance,
    clusters: Clusters,
    /// The names of each kind's resources (lower case) once that kind was listed completely
    /// in this target, for other kinds' `source_exists`.
    listed: HashMap<ResourceKind, HashSet<String>>,
}

impl Lister<'_> {
    fn place(&self) -> Place<'_> {
        Place {
            account_id: &self.target.account.id,
            account_name: &self.target.account.name,
            region: &self.target.region,
        }
    }

    /// Every page of kind `K`, each sent as it is complete.
    async fn list<K: Kind>(&mut self, calls: &mut TargetCalls<'_>) -> Result<u64, Stop> {
        let mut names = HashSet::new();
        let listed = match self.held_by_clusters::<K>() {
            Some(held) => self.send_held(calls, held, &mut names).await,
            None => self.list_pages::<K>(calls, &mut names).await,
        };
        if listed.is_ok() {
            // A partial listing cannot say that a source is gone.
            self.listed.insert(K::KIND, names);
        }
        listed
    }

    /// The records of `K` that the cluster listing already holds (the clusters kind after
    /// instance rows needed it), or its failure.
    fn held_by_clusters<K: Kind>(&mut self) -> Option<Result<Vec<K>, CallFailure>> {
        let place = self.place();
        match &self.clusters {
            Clusters::NotListed => None,
            Clusters::Listed(listing) => K::from_cluster_listing(listing, &place).map(Ok),
            Clusters::Failed(failure) => {
                let empty = ClusterListing::default();
                K::from_cluster_listing(&empty, &place).map(|_| Err(failure.clone()))
            }
        }
    }

    async fn send_held<K: Kind>(
        &mut self,
        calls: &mut TargetCalls<'_>,
        held: Result<Vec<K>, CallFailure>,
        names: &mut HashSet<String>,
    ) -> Result<u64, Stop> {
        let mut held = held.map_err(|f| Stop::Failed(0, f))?;
        let mut sent = 0;
        while !held.is_empty() {
            let rest = held.split_off(held.len().min(LISTING_PAGE));
            sent += self.complete_and_send(calls, held, names).await?;
            held = rest;
        }
        Ok(sent)
    }

    /// Every page of `K`. With `--with utilization`, the records of a kind it measures are
    /// held until the listing ends (or fails), then measured together and sent: CloudWatch is
    /// asked in as few calls as its 500-query limit allows, not once per page.
    async fn list_pages<K: Kind>(
        &mut self,
        calls: &mut TargetCalls<'_>,
        names: &mut HashSet<String>,
    ) -> Result<u64, Stop> {
        let mut held =
            (self.joins.measures() && K::SPEC.joins.contains(&Join::Utilization)).then(Vec::new);
        let mut sent = 0u64;
        let listed = self
            .list_pages_into::<K>(calls, names, &mut held, &mut sent)
            .await;
        if let Some(mut held) = held {
            if let Some(instances) = K::priced(&mut held) {
                self.joins
                    .measure_instances(calls.aws, calls.credentials(), self.target, instances)
                    .await;
            }
            while !held.is_empty() {
                let rest = held.split_off(held.len().min(LISTING_PAGE));
                sent += self.send(Page::new(held)).await?;
                held = rest;
            }
        }
        match listed {
            Ok(()) => Ok(sent),
            Err(Stop::Failed(_, failure)) => Err(Stop::Failed(sent, failure)),
            Err(Stop::ReceiverGone) => Err(Stop::ReceiverGone),
        }
    }

    /// The pages of `K`, each completed and then sent, or kept in `held` when it is `Some`;
    /// `sent` counts the records sent.
    async fn list_pages_into<K: Kind>(
        &mut self,
        calls: &mut TargetCalls<'_>,
        names: &mut HashSet<String>,
        held: &mut Option<Vec<K>>,
        sent: &mut u64,
    ) -> Result<(), Stop> {
        let mut marker: Option<String> = None;
        let mut asking = true;
        loop {
            let page = K::page(calls, marker.clone())
                .await
                .map_err(|f| Stop::Failed(0, f))?;
            let next =
                next_marker(page.marker.as_deref(), &marker).map_err(|f| Stop::Failed(0, f))?;
            let place = self.place();
            let mut records: Vec<K> = Vec::with_capacity(page.items.len());
            for item in page.items {
                records.push(K::from_item(&place, item));
            }
            self.share(calls, &mut records, &mut asking).await;
            if let Some(failure) = K::follow_up(&mut records, calls).await {
                self.joins.warn_parameters(calls.aws, self.target, failure);
            }
            let has_members = records.iter().any(|r| r.cluster_member().is_some());
            if has_members && matches!(self.clusters, Clusters::NotListed) {
                // The rest of the page goes out first: only the members wait for the
                // listing, so a page is not held in memory for the length of a call.
                let (members, others) = records
                    .into_iter()
                    .partition(|r| r.cluster_member().is_some());
                self.complete_then_send(calls, others, names, held, sent)
                    .await?;
                records = members;
                self.list_clusters(calls).await;
            }
            self.complete_then_send(calls, records, names, held, sent)
                .await?;
            marker = next;
            if marker.is_none() {
                return Ok(());
            }
        }
    }

    /// Completes records and sends them as a page, or keeps them in `held`.
    async fn complete_then_send<K: Kind>(
        &mut self,
        calls: &mut TargetCalls<'_>,
        records: Vec<K>,
        names: &mut HashSet<String>,
        held: &mut Option<Vec<K>>,
        sent: &mut u64,
    ) -> Result<(), Stop> {
        match held {
            Some(held) => held.extend(self.complete(calls, records, names).await),
            None => *sent += self.complete_and_send(calls, records, names).await?,
        }
        Ok(())
    }

    /// Records with their cluster, sources, joins and prices, sent as one page.
    async fn complete_and_send<K: Kind>(
        &mut self,
        calls: &mut TargetCalls<'_>,
        records: Vec<K>,
        names: &mut HashSet<String>,
    ) -> Result<u64, Stop> {
        let records = self.complete(calls, records, names).await;
        self.send(Page::new(records)).await
    }

    /// Records with their cluster, sources, joins and prices.
    async fn complete<K: Kind>(
        &mut self,
        calls: &mut TargetCalls<'_>,
        mut records: Vec<K>,
        names: &mut HashSet<String>,
    ) -> Vec<K> {
        for record in &mut records {
            for name in record.names().into_iter().flatten() {
                names.insert(name.to_ascii_lowercase());
            }
            if let Some(id) = record.cluster_member() {
                let cluster = match &self.clusters {
                    Clusters::Listed(listing) => listing.get(id),
                    _ => None,
                };
                record.set_cluster(cluster);
            }
            let exists = record.source().and_then(|(kind, name)| {
                Some(self.listed.get(&kind)?.contains(&name.to_ascii_lowercase()))
            });
            if record.source().is_some() {
                record.set_source_exists(exists);
            }
        }
        if self.joins.any() && !K::SPEC.joins.is_empty() {
            let mut joinable: Vec<_> = records.iter_mut().filter_map(Kind::joinable).collect();
            // Taken out for the join (which borrows `calls` for its client), then put back.
            let mut parameters = std::mem::take(&mut calls.parameters);
            self.joins
                .fill(
                    calls.aws,
                    &|| calls.joins_client(),
                    self.target,
                    &mut self.maintenance,
                    &mut parameters,
                    &mut joinable,
                )
                .await;
            calls.parameters = parameters;
            if let Some(priced) = K::priced(&mut records) {
                self.joins
                    .price_instances(calls.aws, self.target, priced)
                    .await;
            }
        }
        records
    }

    /// Who may restore each record of a kind that can be shared: one attribute call per
    /// manual snapshot. After a failure other than "not found" (a snapshot deleted since the
    /// listing), the target's other records of the kind are not asked: the same denial, or
    /// the spent retry budget, would meet each of them.
    async fn share<K: Kind>(
        &self,
        calls: &mut TargetCalls<'_>,
        records: &mut [K],
        asking: &mut bool,
    ) {
        let Some(attributes) = K::RESTORE_ATTRIBUTES else {
            return;
        };
        let phase = match attributes {
            RestoreAttributes::DbSnapshot => Phase::SnapshotAttributes,
            RestoreAttributes::DbClusterSnapshot => Phase::ClusterSnapshotAttributes,
        };
        for record in records {
            let sharing = match record.shareable() {
                Shareable::Never => Some(Sharing::not_shareable()),
                Shareable::Ask(id) if *asking => {
                    let id = id.to_owned();
                    match K::restore_values(calls, &id).await {
                        Ok(values) => Some(self.joins.sharing(values.iter().map(String::as_str))),
                        Err(failure) => {
                            *asking = failure
                                .code
                                .as_deref()
                                .is_some_and(|c| c.contains("NotFound"));
                            self.joins.warn_snapshot_attributes(
                                calls.aws,
                                self.target,
                                phase,
                                failure,
                            );
                            None
                        }
                    }
                }
                Shareable::Ask(_) | Shareable::Unknown => None,
            };
            record.set_sharing(sharing);
        }
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

/// Every DB cluster of the target (DescribeDBClusters, every page).
async fn list_clusters(calls: &mut TargetCalls<'_>) -> Result<ClusterListing, CallFailure> {
    let mut marker: Option<String> = None;
    let mut all = Vec::new();
    loop {
        let page = <ClusterRecord as Kind>::page(calls, marker.clone()).await?;
        let next = next_marker(page.marker.as_deref(), &marker)?;
        all.extend(page.items);
        marker = next;
        if marker.is_none() {
            return Ok(ClusterListing::new(all));
        }
    }
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
