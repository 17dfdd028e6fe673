//! Joined data (`--with`): pending maintenance per target and engine support per (region,
//! engine), fetched alongside DescribeDBInstances. A denied or unsupported call is a warning
//! (once per account and kind), its fields stay null, and the target does not fail. A lookup
//! that failed is not asked again in the same run, and its retries are bounded: an optional
//! join must not cost a run minutes.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_rds::config::SharedCredentialsProvider;
use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::{LifecycleSupportName, PendingMaintenanceAction};
use tokio::sync::OnceCell;

use crate::aws::{classify, AccountWarning, AwsContext, CallFailure, FailureKind, Phase};
use crate::parameters::{EngineDefaults, TargetParameters};
use crate::plan::Target;
use crate::price::{InstancePrice, PriceService};
use crate::record::utilization::{Measure, Window};
use crate::record::{InstanceRecord, Join, Joinable, Sharing};
use crate::utilization;

/// Largest page DescribePendingMaintenanceActions and DescribeDBMajorEngineVersions allow.
const PAGE_SIZE: i32 = 100;
/// Attempts of one engine-support call, first included (fewer than `--max-attempts` when that is
/// lower): the fields are optional, the run is not.
const LOOKUP_MAX_ATTEMPTS: u32 = 3;
/// Longest an engine-support call may take, its attempts and backoffs included.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(20);

/// One engine's major versions: (major version, standard support end, extended support end).
type EngineLifecycles = Vec<(String, Option<DateTime>, Option<DateTime>)>;

/// What one (region, engine) lookup came to for the run: its versions, or the failure that
/// outlived its attempts (throttled, 5xx, timed out), kept so that nobody asks again.
type EngineAnswer = Result<EngineLifecycles, CallFailure>;

/// (region, engine) -> its answer, filled by the first target that asks.
type EngineCache = HashMap<(String, String), Arc<OnceCell<EngineAnswer>>>;

/// What a run joins, and the per-run cache of engine support shared by every target.
#[derive(Default)]
pub struct Joins {
    maintenance: bool,
    engine_support: bool,
    /// (region, engine) -> its major versions, asked once per run, failures included.
    engines: Mutex<EngineCache>,
    /// (account id, region) whose role was refused DescribeDBMajorEngineVersions (denied,
    /// region not enabled...): another account may be allowed, this one is not asked again.
    engines_refused: Mutex<HashSet<(String, String)>>,
    /// (account id, kind) already warned about.
    warned: Mutex<HashSet<(String, Phase)>>,
    /// Account ids that are ours: every account of the accounts file and of the organization,
    /// whether this run lists it or not. A snapshot shared with any other id is shared outside.
    inside_accounts: HashSet<String>,
    /// `--with price`: the run's price lookups and its start (seconds since the epoch).
    price: Option<(Arc<PriceService>, i64)>,
    /// `--with utilization`: the window of daily points asked.
    utilization: Option<Window>,
    /// `--with parameters`: the run's engine defaults, per (region, family).
    parameters: Option<EngineDefaults>,
}

/// A target's pending maintenance, by resource ARN; `None` when it could not be asked.
pub type Maintenance = Option<HashMap<String, Vec<PendingMaintenanceAction>>>;

impl Joins {
    pub fn new(with: &[Join]) -> Joins {
        Joins {
            maintenance: with.contains(&Join::PendingMaintenance),
            // Extended Support is priced from the engine-support dates: price implies them.
            engine_support: with.contains(&Join::EngineSupport) || with.contains(&Join::Price),
            parameters: with
                .contains(&Join::Parameters)
                .then(EngineDefaults::default),
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
        if let Some(message) = service.take_failed_warning() {
            aws.warn(AccountWarning {
                account: Arc::clone(&target.account),
                failure: CallFailure {
                    phase: Phase::PriceList,
                    kind: FailureKind::Transient,
                    code: None,
                    message,
                },
            });
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

    /// The same joins, reading CloudWatch's daily points over `window`.
    pub fn with_utilization(self, window: Window) -> Joins {
        Joins {
            utilization: Some(window),
            ..self
        }
    }

    /// Whether the records of a kind that `--with utilization` measures are held until the
    /// target's listing ends, to be measured together in as few calls as the limit allows.
    pub fn measures(&self) -> bool {
        self.utilization.is_some()
    }

    /// Sets the utilization fields of a target's instance records: their queries together,
    /// 500 a call. A failed call is one warning per account; the fields stay null.
    pub async fn measure_instances(
        &self,
        aws: &AwsContext,
        credentials: SharedCredentialsProvider,
        target: &Target,
        records: &mut [InstanceRecord],
    ) {
        let Some(window) = self.utilization else {
            return;
        };
        let instances: Vec<(usize, utilization::Instance<'_>)> = records
            .iter()
            .enumerate()
            .filter_map(|(index, record)| {
                let identifier = record.db_instance_identifier()?;
                let measures = Measure::of_engine(record.engine.as_deref());
                Some((
                    index,
                    utilization::Instance {
                        identifier,
                        measures,
                    },
                ))
            })
            .collect();
        if instances.is_empty() {
            return;
        }
        let (indices, instances): (Vec<usize>, Vec<_>) = instances.into_iter().unzip();
        let cloudwatch = utilization::client(aws.base(), &target.region, credentials);
        match utilization::measure(&cloudwatch, window, &instances).await {
            Ok(measured) => {
                drop(instances);
                for (index, figures) in indices.into_iter().zip(measured) {
                    records[index].set_utilization(figures);
                }
            }
            Err(failure) => self.warn(aws, target, Phase::Utilization, failure),
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
        self.maintenance
            || self.engine_support
            || self.price.is_some()
            || self.utilization.is_some()
            || self.parameters.is_some()
    }

    /// A failure of a parameter-group kind's own follow-up call: a warning (once per account);
    /// that group's `modified_parameters` stay null.
    pub fn warn_parameters(&self, aws: &AwsContext, target: &Target, failure: CallFailure) {
        self.warn(aws, target, Phase::Parameters, failure);
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
        parameters: &mut TargetParameters,
        records: &mut [&mut (dyn Joinable + Send + Sync)],
    ) {
        if self.engine_support {
            self.look_up_engines(aws, client, target, records).await;
        }
        if let Some(defaults) = &self.parameters {
            let queries: Vec<_> = records.iter().map(|r| r.tls_query()).collect();
            if queries.iter().any(Option::is_some) {
                let client = client();
                let answered = defaults
                    .answer(
                        (&target.account.id, &target.region),
                        &client,
                        &bounded(client.clone()),
                        parameters,
                        queries,
                    )
                    .await;
                for failure in answered.failures {
                    self.warn(aws, target, Phase::Parameters, failure);
                }
                for (record, tls) in records.iter_mut().zip(answered.tls) {
                    if let Some(tls) = tls {
                        record.set_tls(tls);
                    }
                }
            }
        }
        for record in records.iter_mut() {
            if let Some(by_arn) = maintenance {
                let actions = record
                    .arn()
                    .and_then(|arn| by_arn.remove(arn))
                    .unwrap_or_default();
                record.set_maintenance(actions);
            }
            if self.engine_support {
                self.fill_engine_support(aws, target, &mut **record);
            }
        }
    }

    /// The cell of one (region, engine): its answer once someone asked.
    fn engine_cell(&self, region: &str, engine: &str) -> Arc<OnceCell<EngineAnswer>> {
        let mut engines = self.engines.lock().unwrap_or_else(|p| p.into_inner());
        let key = (region.to_owned(), engine.to_owned());
        Arc::clone(engines.entry(key).or_default())
    }

    fn engines_refused(&self, target: &Target) -> bool {
        let refused = self
            .engines_refused
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        refused.contains(&(target.account.id.clone(), target.region.to_string()))
    }

    /// Asks the page's engines not answered yet, together: a page of five engines waits for
    /// one round of lookups, not five in a row.
    async fn look_up_engines(
        &self,
        aws: &AwsContext,
        client: &(impl Fn() -> aws_sdk_rds::Client + Sync),
        target: &Target,
        records: &[&mut (dyn Joinable + Send + Sync)],
    ) {
        let engines: HashSet<&str> = records
            .iter()
            .filter_map(|r| r.engine_major_key().map(|(engine, _)| engine))
            .collect();
        let lookups = engines.into_iter().map(|engine| async move {
            if self.engines_refused(target) {
                return;
            }
            let cell = self.engine_cell(&target.region, engine);
            // Concurrent targets of one (region, engine) wait on one call. A failure that
            // outlived its attempts is the answer for the run; a refusal of this account's
            // role is kept for this account and region only.
            let asked = cell
                .get_or_try_init(|| async {
                    match engine_lifecycles(client(), engine).await {
                        Ok(lifecycles) => Ok(Ok(lifecycles)),
                        Err(failure) if run_wide(&failure) => Ok(Err(failure)),
                        Err(failure) => Err(failure),
                    }
                })
                .await;
            if let Err(failure) = asked {
                // Expired keys are renewed: the account may ask again with the new ones.
                if failure.kind != FailureKind::ExpiredToken {
                    let mut refused = self
                        .engines_refused
                        .lock()
                        .unwrap_or_else(|p| p.into_inner());
                    refused.insert((target.account.id.clone(), target.region.to_string()));
                }
                self.warn(aws, target, Phase::EngineVersions, failure);
            }
        });
        futures::future::join_all(lookups).await;
    }

    /// Sets a record's engine-support fields from the answers [`Self::look_up_engines`] got.
    fn fill_engine_support(
        &self,
        aws: &AwsContext,
        target: &Target,
        record: &mut (dyn Joinable + Send + Sync),
    ) {
        let Some((engine, major)) = record
            .engine_major_key()
            .map(|(e, m)| (e.to_owned(), m.to_owned()))
        else {
            return;
        };
        if self.engines_refused(target) {
            return;
        }
        match self.engine_cell(&target.region, &engine).get() {
            Some(Ok(lifecycles)) => {
                let found = lifecycles.iter().find(|(m, _, _)| *m == major);
                let (standard, extended) = found.map_or((None, None), |(_, s, e)| (*s, *e));
                record.set_engine_support(&major, standard, extended);
            }
            Some(Err(failure)) => self.warn(aws, target, Phase::EngineVersions, failure.clone()),
            None => {}
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
                Phase::Parameters => {
                    "parameter groups for tls_required and modified_parameters \
                     (rds:DescribeDBParameters, rds:DescribeDBClusterParameters, \
                     rds:DescribeDBParameterGroups, rds:DescribeDBClusterParameterGroups, \
                     rds:DescribeEngineDefaultParameters, \
                     rds:DescribeEngineDefaultClusterParameters)"
                }
                Phase::ClusterSnapshotAttributes => {
                    "who can restore DB cluster snapshots for shared_publicly, \
                     shared_with_accounts and shared_with_outside_accounts \
                     (rds:DescribeDBClusterSnapshotAttributes)"
                }
                Phase::Utilization => {
                    "CloudWatch daily points for the utilization fields and idle \
                     (cloudwatch:GetMetricData)"
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

/// A failure that says nothing about the account (throttled or 5xx past the attempts, timed
/// out): every account would meet it, so it answers the (region, engine) for the run.
fn run_wide(failure: &CallFailure) -> bool {
    matches!(
        failure.kind,
        FailureKind::Throttled | FailureKind::Transient | FailureKind::Other
    ) && !failure.is_refusal()
}

/// The client's settings with the engine-support bounds: at most [`LOOKUP_MAX_ATTEMPTS`]
/// attempts (fewer if `--max-attempts` says so), at most [`LOOKUP_TIMEOUT`] per call.
fn bounded(client: aws_sdk_rds::Client) -> aws_sdk_rds::Client {
    let config = client.config();
    let retry = config
        .retry_config()
        .cloned()
        .unwrap_or_else(aws_config::retry::RetryConfig::standard);
    let attempts = retry.max_attempts().min(LOOKUP_MAX_ATTEMPTS);
    let timeouts = config
        .timeout_config()
        .map_or_else(aws_config::timeout::TimeoutConfig::builder, |t| {
            t.to_builder()
        })
        .operation_timeout(LOOKUP_TIMEOUT)
        .build();
    let config = config
        .to_builder()
        .retry_config(retry.with_max_attempts(attempts))
        .timeout_config(timeouts)
        .build();
    aws_sdk_rds::Client::from_conf(config)
}

async fn engine_lifecycles(
    client: aws_sdk_rds::Client,
    engine: &str,
) -> Result<EngineLifecycles, CallFailure> {
    let mut pages = bounded(client)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(kind: FailureKind, code: Option<&str>) -> CallFailure {
        CallFailure {
            phase: Phase::EngineVersions,
            kind,
            code: code.map(str::to_owned),
            message: String::new(),
        }
    }

    /// A 5xx or throttling past the attempts answers the (region, engine) for every account;
    /// a denial or a region the role cannot use answers only that account's.
    #[test]
    fn only_failures_that_say_nothing_about_the_account_are_run_wide() {
        assert!(run_wide(&failure(
            FailureKind::Transient,
            Some("InternalFailure")
        )));
        assert!(run_wide(&failure(
            FailureKind::Throttled,
            Some("Throttling")
        )));
        assert!(run_wide(&failure(
            FailureKind::Other,
            Some("InvalidParameterValue")
        )));
        assert!(!run_wide(&failure(
            FailureKind::Other,
            Some("AccessDenied")
        )));
        assert!(!run_wide(&failure(
            FailureKind::Other,
            Some("AccessDeniedException")
        )));
        assert!(!run_wide(&failure(FailureKind::RegionNotEnabled, None)));
        assert!(!run_wide(&failure(FailureKind::ExpiredToken, None)));
    }
}
