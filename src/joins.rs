//! Joined data (`--with`): pending maintenance per target and engine support per (region,
//! engine), fetched alongside DescribeDBInstances. A denied or unsupported call is a warning
//! (once per account and kind), its fields stay null, and the target does not fail.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::{LifecycleSupportName, PendingMaintenanceAction};
use tokio::sync::OnceCell;

use crate::aws::{classify, AccountWarning, AwsContext, CallFailure, FailureKind, Phase};
use crate::plan::Target;
use crate::price::{InstancePrice, PriceService};
use crate::record::{InstanceRecord, Join, Joinable, Sharing};

/// Largest page DescribePendingMaintenanceActions and DescribeDBMajorEngineVersions allow.
const PAGE_SIZE: i32 = 100;

/// One engine's major versions: (major version, standard support end, extended support end).
type EngineLifecycles = Vec<(String, Option<DateTime>, Option<DateTime>)>;

/// (region, engine) -> its major versions, filled by the first target that asks.
type EngineCache = HashMap<(String, String), Arc<OnceCell<EngineLifecycles>>>;

/// What a run joins, and the per-run cache of engine support shared by every target.
#[derive(Default)]
pub struct Joins {
    maintenance: bool,
    engine_support: bool,
    /// (region, engine) -> its major versions, asked once per run; a failed ask is not kept,
    /// so another account may succeed.
    engines: Mutex<EngineCache>,
    /// (account id, kind) already warned about.
    warned: Mutex<HashSet<(String, Phase)>>,
    /// Account ids that are ours: the run's accounts and the organization's members. A
    /// snapshot shared with any other id is shared outside.
    inside_accounts: HashSet<String>,
    /// `--with price`: the run's price lookups and its start (seconds since the epoch).
    price: Option<(Arc<PriceService>, i64)>,
}

/// A target's pending maintenance, by resource ARN; `None` when it could not be asked.
pub type Maintenance = Option<HashMap<String, Vec<PendingMaintenanceAction>>>;

impl Joins {
    pub fn new(with: &[Join]) -> Joins {
        Joins {
            maintenance: with.contains(&Join::PendingMaintenance),
            // Extended Support is priced from the engine-support dates: price implies them.
            engine_support: with.contains(&Join::EngineSupport) || with.contains(&Join::Price),
            ..Joins::default()
        }
    }

    /// The same joins, pricing instances with `service` as of `now` (the run's start, seconds
    /// since the epoch).
    pub fn with_price(self, service: Arc<PriceService>, now: i64) -> Joins {
        Joins {
            price: Some((service, now)),
            ..self
        }
    }

    /// Sets the price fields of a page's instance records (after the engine-support join).
    /// The page's lookups run together; each price key is listed once per run. A denied price
    /// list is one warning for the run.
    pub async fn price_instances(
        &self,
        aws: &AwsContext,
        target: &Target,
        records: &mut [InstanceRecord],
    ) {
        let Some((service, now)) = &self.price else {
            return;
        };
        let prices = futures::future::join_all(records.iter().map(|record| async move {
            match crate::price::facts_of(record) {
                Ok(facts) => service.price(&facts, *now).await,
                Err(reason) => InstancePrice::missing(reason),
            }
        }))
        .await;
        for (record, price) in records.iter_mut().zip(prices) {
            record.set_price(price);
        }
        if let Some(message) = service.take_denied_warning() {
            aws.warn(AccountWarning {
                account: Arc::clone(&target.account),
                failure: CallFailure {
                    phase: Phase::PriceList,
                    kind: FailureKind::Other,
                    code: Some("AccessDeniedException".into()),
                    message,
                },
            });
        }
    }

    /// The same joins, knowing which account ids are ours (for `shared_with_outside_accounts`).
    pub fn with_inside_accounts(self, ids: impl IntoIterator<Item = String>) -> Joins {
        Joins {
            inside_accounts: ids.into_iter().collect(),
            ..self
        }
    }

    /// Who may restore a snapshot whose `restore` attribute holds `values`.
    pub fn sharing<'a>(&self, values: impl IntoIterator<Item = &'a str>) -> Sharing {
        Sharing::from_restore(values, |id| self.inside_accounts.contains(id))
    }

    /// A snapshot attribute call failed: a warning (once per account and kind); that
    /// snapshot's sharing fields stay null and the target goes on.
    pub fn warn_snapshot_attributes(
        &self,
        aws: &AwsContext,
        target: &Target,
        phase: Phase,
        failure: CallFailure,
    ) {
        self.warn(aws, target, phase, failure);
    }

    /// Whether any joined data was asked for.
    pub fn any(&self) -> bool {
        self.maintenance || self.engine_support || self.price.is_some()
    }

    /// The target's pending maintenance actions (one paginated call for the whole target).
    pub async fn maintenance(
        &self,
        aws: &AwsContext,
        client: &(impl Fn() -> aws_sdk_rds::Client + Sync),
        target: &Target,
    ) -> Maintenance {
        if !self.maintenance {
            return None;
        }
        match pending_maintenance(&client()).await {
            Ok(actions) => Some(actions),
            Err(failure) => {
                self.warn(aws, target, Phase::PendingMaintenance, failure);
                None
            }
        }
    }

    /// Fills the joined fields of a page's records, of any kind: one pending-maintenance
    /// listing per target serves every kind (resources are told apart by ARN). `client` gives
    /// the account's client, for the calls not answered yet.
    pub async fn fill(
        &self,
        aws: &AwsContext,
        client: &(impl Fn() -> aws_sdk_rds::Client + Sync),
        target: &Target,
        maintenance: &mut Maintenance,
        records: &mut [&mut (dyn Joinable + Send)],
    ) {
        for record in records.iter_mut() {
            if let Some(by_arn) = maintenance {
                let actions = record
                    .arn()
                    .and_then(|arn| by_arn.remove(arn))
                    .unwrap_or_default();
                record.set_maintenance(actions);
            }
            if self.engine_support {
                self.fill_engine_support(aws, client, target, &mut **record)
                    .await;
            }
        }
    }

    async fn fill_engine_support(
        &self,
        aws: &AwsContext,
        client: &(impl Fn() -> aws_sdk_rds::Client + Sync),
        target: &Target,
        record: &mut (dyn Joinable + Send),
    ) {
        let Some((engine, major)) = record
            .engine_major_key()
            .map(|(e, m)| (e.to_owned(), m.to_owned()))
        else {
            return;
        };
        let cell = {
            let mut engines = self.engines.lock().unwrap_or_else(|p| p.into_inner());
            let key = (target.region.to_string(), engine.clone());
            Arc::clone(engines.entry(key).or_default())
        };
        // Concurrent targets of one (region, engine) wait on one call.
        match cell
            .get_or_try_init(|| engine_lifecycles(client(), &engine))
            .await
        {
            Ok(lifecycles) => {
                let found = lifecycles.iter().find(|(m, _, _)| *m == major);
                let (standard, extended) = found.map_or((None, None), |(_, s, e)| (*s, *e));
                record.set_engine_support(&major, standard, extended);
            }
            Err(failure) => self.warn(aws, target, Phase::EngineVersions, failure),
        }
    }

    /// DescribeDBClusters failed for instance records' `cluster_role` and `effective_*`
    /// fields: a warning (once per account), the fields stay null, the target goes on.
    pub fn warn_cluster_lookup(&self, aws: &AwsContext, target: &Target, failure: CallFailure) {
        self.warn(aws, target, Phase::ClusterLookup, failure);
    }

    /// One warning per account and kind.
    fn warn(&self, aws: &AwsContext, target: &Target, phase: Phase, failure: CallFailure) {
        let mut warned = self.warned.lock().unwrap_or_else(|p| p.into_inner());
        if warned.insert((target.account.id.clone(), phase)) {
            let what = match phase {
                Phase::PendingMaintenance => {
                    "pending maintenance (rds:DescribePendingMaintenanceActions)"
                }
                Phase::ClusterLookup => {
                    "the DB clusters of cluster members for cluster_role and effective_* \
                     (rds:DescribeDBClusters)"
                }
                Phase::SnapshotAttributes => {
                    "who can restore DB snapshots for shared_publicly, shared_with_accounts and \
                     shared_with_outside_accounts (rds:DescribeDBSnapshotAttributes)"
                }
                Phase::ClusterSnapshotAttributes => {
                    "who can restore DB cluster snapshots for shared_publicly, \
                     shared_with_accounts and shared_with_outside_accounts \
                     (rds:DescribeDBClusterSnapshotAttributes)"
                }
                _ => "engine support dates (rds:DescribeDBMajorEngineVersions)",
            };
            aws.warn(AccountWarning {
                account: Arc::clone(&target.account),
                failure: CallFailure {
                    phase,
                    message: format!(
                        "cannot list {what} in {}: {failure}; those fields stay null",
                        target.region
                    ),
                    ..failure
                },
            });
        }
    }
}

async fn pending_maintenance(
    client: &aws_sdk_rds::Client,
) -> Result<HashMap<String, Vec<PendingMaintenanceAction>>, CallFailure> {
    let mut pages = client
        .describe_pending_maintenance_actions()
        .max_records(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut by_arn = HashMap::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e))?;
        for resource in page.pending_maintenance_actions() {
            if let Some(arn) = resource.resource_identifier() {
                by_arn
                    .entry(arn.to_owned())
                    .or_insert_with(Vec::new)
                    .extend(
                        resource
                            .pending_maintenance_action_details()
                            .iter()
                            .cloned(),
                    );
            }
        }
    }
    Ok(by_arn)
}

async fn engine_lifecycles(
    client: aws_sdk_rds::Client,
    engine: &str,
) -> Result<EngineLifecycles, CallFailure> {
    let mut pages = client
        .describe_db_major_engine_versions()
        .engine(engine)
        .max_records(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut lifecycles = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e))?;
        for version in page.db_major_engine_versions() {
            let Some(major) = version.major_engine_version() else {
                continue;
            };
            let end = |name: LifecycleSupportName| {
                version
                    .supported_engine_lifecycles()
                    .iter()
                    .find(|l| l.lifecycle_support_name() == Some(&name))
                    .and_then(|l| l.lifecycle_support_end_date().copied())
            };
            lifecycles.push((
                major.to_owned(),
                end(LifecycleSupportName::OpenSourceRdsStandardSupport),
                end(LifecycleSupportName::OpenSourceRdsExtendedSupport),
            ));
        }
    }
    Ok(lifecycles)
}
