//! What the fake saw: lock-free counters indexed by config position, turned into a
//! serialisable snapshot on demand.

use crate::config::{FakeConfig, ResourceKind};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The API operations the fake tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    AssumeRole,
    DescribeDbInstances,
    ListRegions,
    /// An action, path or service the fake does not implement.
    Unsupported,
    DescribePendingMaintenanceActions,
    DescribeDbMajorEngineVersions,
    DescribeDbClusters,
    DescribeDbSnapshots,
    DescribeDbClusterSnapshots,
    DescribeDbSnapshotAttributes,
    DescribeDbClusterSnapshotAttributes,
    GetProducts,
    /// CloudWatch GetMetricData (RPC v2 CBOR), signed as an account.
    GetMetricData,
    /// The Describe operation of a `ResourceKind` (see `kinds`).
    Kind(ResourceKind),
}

impl Operation {
    /// The operations that are not a `ResourceKind`'s, in slot order.
    const FIXED: [Operation; 13] = [
        Operation::AssumeRole,
        Operation::DescribeDbInstances,
        Operation::ListRegions,
        Operation::Unsupported,
        Operation::DescribePendingMaintenanceActions,
        Operation::DescribeDbMajorEngineVersions,
        Operation::DescribeDbClusters,
        Operation::DescribeDbSnapshots,
        Operation::DescribeDbClusterSnapshots,
        Operation::DescribeDbSnapshotAttributes,
        Operation::DescribeDbClusterSnapshotAttributes,
        Operation::GetProducts,
        Operation::GetMetricData,
    ];

    /// Every operation, in slot order: the fixed ones, then one per `ResourceKind`.
    fn all() -> impl Iterator<Item = Operation> {
        Operation::FIXED
            .into_iter()
            .chain(ResourceKind::ALL.map(Operation::Kind))
    }

    const COUNT: usize = Operation::FIXED.len() + ResourceKind::ALL.len();

    /// The RDS operations, which the per-target RDS controls apply to.
    pub(crate) fn is_rds(self) -> bool {
        matches!(
            self,
            Operation::DescribeDbInstances
                | Operation::DescribePendingMaintenanceActions
                | Operation::DescribeDbMajorEngineVersions
                | Operation::DescribeDbClusters
                | Operation::DescribeDbSnapshots
                | Operation::DescribeDbClusterSnapshots
                | Operation::DescribeDbSnapshotAttributes
                | Operation::DescribeDbClusterSnapshotAttributes
                | Operation::Kind(_)
                | Operation::GetMetricData
        )
    }

    /// The AWS name, used as the key in `CountersSnapshot::calls`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Operation::AssumeRole => "AssumeRole",
            Operation::DescribeDbInstances => "DescribeDBInstances",
            Operation::ListRegions => "ListRegions",
            Operation::Unsupported => "Unsupported",
            Operation::DescribePendingMaintenanceActions => "DescribePendingMaintenanceActions",
            Operation::DescribeDbMajorEngineVersions => "DescribeDBMajorEngineVersions",
            Operation::DescribeDbClusters => "DescribeDBClusters",
            Operation::DescribeDbSnapshots => "DescribeDBSnapshots",
            Operation::DescribeDbClusterSnapshots => "DescribeDBClusterSnapshots",
            Operation::DescribeDbSnapshotAttributes => "DescribeDBSnapshotAttributes",
            Operation::DescribeDbClusterSnapshotAttributes => "DescribeDBClusterSnapshotAttributes",
            Operation::GetProducts => "GetProducts",
            Operation::GetMetricData => "GetMetricData",
            Operation::Kind(kind) => kind.operation_name(),
        }
    }

    fn slot(self) -> usize {
        match self {
            Operation::Kind(kind) => Operation::FIXED.len() + kind as usize,
            fixed => Operation::FIXED
                .iter()
                .position(|op| *op == fixed)
                .unwrap_or_default(),
        }
    }
}

/// Calls per account, then region, then snapshot identifier.
pub type PerSnapshot = BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>>;

/// Faults injected, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FaultCounts {
    /// Answered 400 `Throttling` (429 `TooManyRequestsException` for ListRegions).
    pub throttled: u64,
    /// Answered 503 `ServiceUnavailable`.
    pub unavailable: u64,
    /// Held without an answer (by `hang_rate` or `hang_targets`).
    pub hung: u64,
    /// Answered 200 with truncated XML (`malformed_targets`).
    pub malformed: u64,
}

/// A copy of all counters at one moment; also served as JSON by `GET /_fake/counters`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CountersSnapshot {
    /// API requests received (the `/_fake/` control paths are not counted).
    pub requests_total: u64,
    /// Requests per operation (`AssumeRole`, `DescribeDBInstances`, `ListRegions`,
    /// `DescribePendingMaintenanceActions`, `DescribeDBMajorEngineVersions`,
    /// `DescribeDBClusters`, `DescribeDBSnapshots`, `DescribeDBClusterSnapshots`,
    /// `DescribeDBSnapshotAttributes`, `DescribeDBClusterSnapshotAttributes`, `Unsupported`),
    /// whatever their outcome, faults included.
    pub calls: BTreeMap<String, u64>,
    pub faults: FaultCounts,
    /// Every AssumeRole call, including denied and unknown accounts.
    pub assume_role_calls_total: u64,
    /// AssumeRole calls per configured account (accounts with none are left out).
    pub assume_role_calls: BTreeMap<String, u64>,
    /// AssumeRole calls answered `AccessDenied`.
    pub assume_role_denied: u64,
    /// DescribeDBInstances calls per account, then per region, made with keys the fake issued
    /// for a configured region (any outcome).
    pub describe_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// ListRegions calls per configured account.
    pub list_regions_calls: BTreeMap<String, u64>,
    /// Calls made with issued credentials after their enforced expiry (answered `ExpiredToken`).
    pub expired_key_calls: u64,
    /// Requests being handled right now, hung ones included.
    pub in_flight: u64,
    /// The most requests ever handled at once since start or the last reset.
    pub peak_in_flight: u64,
    /// TCP connections accepted: a client with one shared pool opens about as many as its
    /// concurrency; one pool per client opens one per client.
    pub connections_accepted: u64,
    /// RDS calls answered 400 `Throttling` (by `throttle_rate`, `throttle_targets_for`,
    /// `throttle_forever_targets` or a runtime failure), per account, then per region; only
    /// calls with issued keys for a configured region.
    pub throttled_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// RDS calls answered 403 `AccessDenied` (`access_denied_targets`, the per-account
    /// maintenance and engine-version denials, runtime failures).
    pub rds_access_denied: u64,
    /// DescribePendingMaintenanceActions calls per account, then per region (issued keys,
    /// configured region, any outcome).
    pub pending_maintenance_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// DescribeDBClusters calls per account, then per region (issued keys, configured region,
    /// any outcome).
    pub describe_clusters_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// DescribeDBSnapshots calls per account, then per region (issued keys, configured region,
    /// any outcome).
    pub describe_snapshots_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// DescribeDBClusterSnapshots calls per account, then per region (as above).
    pub describe_cluster_snapshots_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// DescribeDBSnapshotAttributes calls per account, then per region (as above).
    pub snapshot_attributes_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// DescribeDBClusterSnapshotAttributes calls per account, then per region (as above).
    pub cluster_snapshot_attributes_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// DescribeDBSnapshotAttributes calls per account, region and `DBSnapshotIdentifier` as
    /// sent (an ARN counts under the identifier it names); any outcome.
    pub snapshot_attributes_calls_by_snapshot: PerSnapshot,
    /// DescribeDBClusterSnapshotAttributes calls per account, region and
    /// `DBClusterSnapshotIdentifier` (as above).
    pub cluster_snapshot_attributes_calls_by_snapshot: PerSnapshot,
    /// Per `ResourceKind` operation (`DescribeDBInstanceAutomatedBackups`,
    /// `DescribeDBClusterAutomatedBackups`, `DescribeDBProxies`,
    /// `DescribeBlueGreenDeployments`, `DescribeGlobalClusters`): calls per account, then per
    /// region (issued keys, configured region, any outcome). Operations without calls are
    /// left out.
    pub kind_calls: BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>>,
    /// DescribeDBMajorEngineVersions calls per SigV4 region, then per `Engine` parameter
    /// (`*` when absent); any caller, any outcome.
    pub major_engine_versions_calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// AssumeRole requests per `RoleArn` as sent (any partition, any outcome, faults included).
    pub assume_role_arns: BTreeMap<String, u64>,
    /// AssumeRole requests per region of their SigV4 credential scope (any outcome).
    pub assume_role_regions: BTreeMap<String, u64>,
    /// Per configured account, the `DurationSeconds` of each AssumeRole in arrival order
    /// (`None` when the request left it out); recorded once the RoleArn is valid and the
    /// value is a number, before range and MaxSessionDuration checks.
    pub assume_role_durations: BTreeMap<String, Vec<Option<u64>>>,
    /// AssumeRole calls refused because DurationSeconds exceeded `max_session_duration`.
    pub assume_role_duration_rejected: u64,
    /// GetProducts requests (every page, any outcome) per price key: the request's filters
    /// as `Field=Value`, sorted, joined with `,`.
    pub price_list_calls: BTreeMap<String, u64>,
    /// GetProducts listings (requests without a NextToken: first pages) per price key.
    pub price_list_listings: BTreeMap<String, u64>,
    /// GetProducts requests per region of their SigV4 credential scope.
    pub price_list_regions: BTreeMap<String, u64>,
    /// GetProducts calls answered `AccessDeniedException` (`price_list_denied`).
    pub price_list_denied: u64,
    /// GetProducts requests signed with keys issued by AssumeRole (an account's role rather
    /// than the base identity).
    pub price_list_role_calls: u64,
}

impl CountersSnapshot {
    /// DescribeDBInstances calls for one (account, region); 0 if none.
    pub fn describe_calls_for(&self, account_id: &str, region: &str) -> u64 {
        self.describe_calls
            .get(account_id)
            .and_then(|regions| regions.get(region))
            .copied()
            .unwrap_or(0)
    }

    /// DescribeDBInstances calls over all targets.
    pub fn describe_calls_total(&self) -> u64 {
        self.describe_calls.values().flat_map(|r| r.values()).sum()
    }

    /// AssumeRole calls for one configured account; 0 if none.
    pub fn assume_role_calls_for(&self, account_id: &str) -> u64 {
        self.assume_role_calls.get(account_id).copied().unwrap_or(0)
    }

    /// Calls of one operation by its AWS name; 0 if none.
    pub fn calls_of(&self, operation: &str) -> u64 {
        self.calls.get(operation).copied().unwrap_or(0)
    }

    /// Throttled RDS calls for one (account, region); 0 if none.
    pub fn throttled_calls_for(&self, account_id: &str, region: &str) -> u64 {
        nested(&self.throttled_calls, account_id, region)
    }

    /// DescribePendingMaintenanceActions calls for one (account, region); 0 if none.
    pub fn pending_maintenance_calls_for(&self, account_id: &str, region: &str) -> u64 {
        nested(&self.pending_maintenance_calls, account_id, region)
    }

    /// DescribeDBClusters calls for one (account, region); 0 if none.
    pub fn describe_clusters_calls_for(&self, account_id: &str, region: &str) -> u64 {
        nested(&self.describe_clusters_calls, account_id, region)
    }

    /// DescribeDBClusters calls over all targets.
    pub fn describe_clusters_calls_total(&self) -> u64 {
        self.describe_clusters_calls
            .values()
            .flat_map(|r| r.values())
            .sum()
    }

    /// The per-target map of an operation counted per target (`DescribeDBInstances`,
    /// `DescribeDBClusters`, `DescribePendingMaintenanceActions`, the two snapshot listings
    /// and the two snapshot attribute calls); `None` for others.
    fn per_target(&self, operation: &str) -> Option<&BTreeMap<String, BTreeMap<String, u64>>> {
        match operation {
            "DescribeDBInstances" => Some(&self.describe_calls),
            "DescribeDBClusters" => Some(&self.describe_clusters_calls),
            "DescribePendingMaintenanceActions" => Some(&self.pending_maintenance_calls),
            "DescribeDBSnapshots" => Some(&self.describe_snapshots_calls),
            "DescribeDBClusterSnapshots" => Some(&self.describe_cluster_snapshots_calls),
            "DescribeDBSnapshotAttributes" => Some(&self.snapshot_attributes_calls),
            "DescribeDBClusterSnapshotAttributes" => Some(&self.cluster_snapshot_attributes_calls),
            other => self.kind_calls.get(other),
        }
    }

    /// Calls of an operation counted per target (`DescribeDBInstances`, `DescribeDBClusters`,
    /// `DescribePendingMaintenanceActions`, `DescribeDBSnapshots`,
    /// `DescribeDBClusterSnapshots`, `DescribeDBSnapshotAttributes`,
    /// `DescribeDBClusterSnapshotAttributes`) for one (account, region); 0 otherwise.
    pub fn target_calls_for(&self, operation: &str, account_id: &str, region: &str) -> u64 {
        self.per_target(operation)
            .map_or(0, |map| nested(map, account_id, region))
    }

    /// Calls of an operation counted per target for one account, over its regions.
    pub fn account_calls_for(&self, operation: &str, account_id: &str) -> u64 {
        self.per_target(operation)
            .and_then(|map| map.get(account_id))
            .map_or(0, |regions| regions.values().sum())
    }

    /// DescribeDBSnapshotAttributes calls for one snapshot of one (account, region).
    pub fn snapshot_attributes_calls_for(
        &self,
        account_id: &str,
        region: &str,
        identifier: &str,
    ) -> u64 {
        per_snapshot(
            &self.snapshot_attributes_calls_by_snapshot,
            account_id,
            region,
            identifier,
        )
    }

    /// DescribeDBClusterSnapshotAttributes calls for one cluster snapshot of one (account,
    /// region).
    pub fn cluster_snapshot_attributes_calls_for(
        &self,
        account_id: &str,
        region: &str,
        identifier: &str,
    ) -> u64 {
        per_snapshot(
            &self.cluster_snapshot_attributes_calls_by_snapshot,
            account_id,
            region,
            identifier,
        )
    }

    /// DescribeDBMajorEngineVersions calls in `region` for `engine` (`*`: no Engine); 0 if none.
    pub fn major_engine_versions_calls_for(&self, region: &str, engine: &str) -> u64 {
        nested(&self.major_engine_versions_calls, region, engine)
    }

    /// AssumeRole requests for one exact RoleArn; 0 if none.
    pub fn assume_role_arn_calls(&self, role_arn: &str) -> u64 {
        self.assume_role_arns.get(role_arn).copied().unwrap_or(0)
    }

    /// AssumeRole requests signed for `region`; 0 if none.
    pub fn assume_role_region_calls(&self, region: &str) -> u64 {
        self.assume_role_regions.get(region).copied().unwrap_or(0)
    }

    /// GetProducts listings (first pages) over all price keys.
    pub fn price_list_listings_total(&self) -> u64 {
        self.price_list_listings.values().sum()
    }

    /// GetProducts listings (first pages) of one price key; 0 if none.
    pub fn price_list_listings_for(&self, key: &str) -> u64 {
        self.price_list_listings.get(key).copied().unwrap_or(0)
    }

    /// The DurationSeconds one account's AssumeRole calls asked for, in order.
    pub fn assume_role_durations_for(&self, account_id: &str) -> Vec<Option<u64>> {
        self.assume_role_durations
            .get(account_id)
            .cloned()
            .unwrap_or_default()
    }
}

fn per_snapshot(map: &PerSnapshot, account: &str, region: &str, identifier: &str) -> u64 {
    map.get(account)
        .and_then(|regions| regions.get(region))
        .and_then(|snapshots| snapshots.get(identifier))
        .copied()
        .unwrap_or(0)
}

fn nested(map: &BTreeMap<String, BTreeMap<String, u64>>, outer: &str, inner: &str) -> u64 {
    map.get(outer)
        .and_then(|inner_map| inner_map.get(inner))
        .copied()
        .unwrap_or(0)
}

/// A map behind a lock, for counters keyed by request data (rare calls, few keys).
struct Tally<K: Ord, V> {
    map: Mutex<BTreeMap<K, V>>,
}

impl<K: Ord + Clone, V: Clone + Default> Tally<K, V> {
    fn new() -> Tally<K, V> {
        Tally {
            map: Mutex::new(BTreeMap::new()),
        }
    }

    fn update(&self, key: K, change: impl FnOnce(&mut V)) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        change(map.entry(key).or_default());
    }

    fn copy(&self) -> BTreeMap<K, V> {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn clear(&self) {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

fn zeroed(len: usize) -> Vec<AtomicU64> {
    (0..len).map(|_| AtomicU64::new(0)).collect()
}

fn load(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// The snapshot operations counted per target, in `snapshot_ops_by_target` order.
const SNAPSHOT_OPERATIONS: [Operation; 4] = [
    Operation::DescribeDbSnapshots,
    Operation::DescribeDbClusterSnapshots,
    Operation::DescribeDbSnapshotAttributes,
    Operation::DescribeDbClusterSnapshotAttributes,
];

pub(crate) struct Counters {
    region_count: usize,
    requests_total: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    connections_accepted: AtomicU64,
    calls: Vec<AtomicU64>,
    throttled: AtomicU64,
    unavailable: AtomicU64,
    hung: AtomicU64,
    malformed: AtomicU64,
    assume_role_total: AtomicU64,
    assume_role_denied: AtomicU64,
    expired_key_calls: AtomicU64,
    assume_role_by_account: Vec<AtomicU64>,
    list_regions_by_account: Vec<AtomicU64>,
    /// Indexed by `account_index * region_count + region_index`.
    describe_by_target: Vec<AtomicU64>,
    throttled_by_target: Vec<AtomicU64>,
    maintenance_by_target: Vec<AtomicU64>,
    clusters_by_target: Vec<AtomicU64>,
    /// Per target, for the four snapshot operations in `SNAPSHOT_OPERATIONS` order.
    snapshot_ops_by_target: [Vec<AtomicU64>; 4],
    /// Per `ResourceKind` (by `kind as usize`), per target; made at a kind's first call, so
    /// kinds nobody asks for cost nothing at 10,000 accounts x 17 regions.
    kind_ops_by_target: Vec<OnceLock<Vec<AtomicU64>>>,
    target_count: usize,
    /// (operation slot, account index, region index, identifier) -> calls.
    attributes_by_snapshot: Tally<(usize, usize, usize, String), u64>,
    rds_access_denied: AtomicU64,
    assume_role_duration_rejected: AtomicU64,
    /// (region, engine or `*`) -> calls.
    engine_versions: Tally<(String, String), u64>,
    assume_role_arns: Tally<String, u64>,
    assume_role_regions: Tally<String, u64>,
    assume_role_durations: Tally<String, Vec<Option<u64>>>,
    price_list_calls: Tally<String, u64>,
    price_list_listings: Tally<String, u64>,
    price_list_regions: Tally<String, u64>,
    price_list_denied: AtomicU64,
    price_list_role_calls: AtomicU64,
    /// GetProducts calls that took one of the configured `price_list_throttled_calls`.
    price_list_failures_taken: AtomicU64,
}

impl Counters {
    pub(crate) fn new(account_count: usize, region_count: usize) -> Counters {
        Counters {
            region_count,
            requests_total: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
            connections_accepted: AtomicU64::new(0),
            calls: zeroed(Operation::COUNT),
            throttled: AtomicU64::new(0),
            unavailable: AtomicU64::new(0),
            hung: AtomicU64::new(0),
            malformed: AtomicU64::new(0),
            assume_role_total: AtomicU64::new(0),
            assume_role_denied: AtomicU64::new(0),
            expired_key_calls: AtomicU64::new(0),
            assume_role_by_account: zeroed(account_count),
            list_regions_by_account: zeroed(account_count),
            describe_by_target: zeroed(account_count * region_count),
            throttled_by_target: zeroed(account_count * region_count),
            maintenance_by_target: zeroed(account_count * region_count),
            clusters_by_target: zeroed(account_count * region_count),
            snapshot_ops_by_target: std::array::from_fn(|_| zeroed(account_count * region_count)),
            kind_ops_by_target: ResourceKind::ALL.iter().map(|_| OnceLock::new()).collect(),
            target_count: account_count * region_count,
            attributes_by_snapshot: Tally::new(),
            rds_access_denied: AtomicU64::new(0),
            assume_role_duration_rejected: AtomicU64::new(0),
            engine_versions: Tally::new(),
            assume_role_arns: Tally::new(),
            assume_role_regions: Tally::new(),
            assume_role_durations: Tally::new(),
            price_list_calls: Tally::new(),
            price_list_listings: Tally::new(),
            price_list_regions: Tally::new(),
            price_list_denied: AtomicU64::new(0),
            price_list_role_calls: AtomicU64::new(0),
            price_list_failures_taken: AtomicU64::new(0),
        }
    }

    /// Counts a request in; it stays in flight until the guard drops, which also happens
    /// when hyper drops a hung request because its client went away.
    pub(crate) fn enter(self: &Arc<Counters>) -> InFlightGuard {
        bump(&self.requests_total);
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_in_flight.fetch_max(now, Ordering::Relaxed);
        InFlightGuard {
            counters: Arc::clone(self),
        }
    }

    pub(crate) fn call(&self, operation: Operation) {
        bump(&self.calls[operation.slot()]);
    }
    pub(crate) fn throttled(&self) {
        bump(&self.throttled);
    }
    pub(crate) fn unavailable(&self) {
        bump(&self.unavailable);
    }
    pub(crate) fn connection_accepted(&self) {
        bump(&self.connections_accepted);
    }
    pub(crate) fn hung(&self) {
        bump(&self.hung);
    }
    pub(crate) fn malformed(&self) {
        bump(&self.malformed);
    }
    pub(crate) fn expired_key_call(&self) {
        bump(&self.expired_key_calls);
    }
    pub(crate) fn assume_role(&self, account_index: Option<usize>) {
        bump(&self.assume_role_total);
        if let Some(index) = account_index {
            bump(&self.assume_role_by_account[index]);
        }
    }
    pub(crate) fn assume_role_denied(&self) {
        bump(&self.assume_role_denied);
    }
    pub(crate) fn list_regions(&self, account_index: usize) {
        bump(&self.list_regions_by_account[account_index]);
    }
    pub(crate) fn describe(&self, account_index: usize, region_index: usize) {
        bump(&self.describe_by_target[account_index * self.region_count + region_index]);
    }
    pub(crate) fn throttled_target(&self, account_index: usize, region_index: usize) {
        bump(&self.throttled_by_target[account_index * self.region_count + region_index]);
    }
    pub(crate) fn pending_maintenance(&self, account_index: usize, region_index: usize) {
        bump(&self.maintenance_by_target[account_index * self.region_count + region_index]);
    }
    pub(crate) fn describe_clusters(&self, account_index: usize, region_index: usize) {
        bump(&self.clusters_by_target[account_index * self.region_count + region_index]);
    }
    /// Counts one of the four snapshot operations for its target.
    pub(crate) fn target_call(
        &self,
        operation: Operation,
        account_index: usize,
        region_index: usize,
    ) {
        if let Some(slot) = SNAPSHOT_OPERATIONS.iter().position(|op| *op == operation) {
            bump(
                &self.snapshot_ops_by_target[slot]
                    [account_index * self.region_count + region_index],
            );
        }
    }
    /// Counts a `ResourceKind` operation for its target.
    pub(crate) fn kind_call(&self, kind: ResourceKind, account_index: usize, region_index: usize) {
        let by_target =
            self.kind_ops_by_target[kind as usize].get_or_init(|| zeroed(self.target_count));
        bump(&by_target[account_index * self.region_count + region_index]);
    }
    /// Counts an attribute call for its target and, when it names one, its snapshot.
    pub(crate) fn snapshot_attributes(
        &self,
        operation: Operation,
        (account_index, region_index): (usize, usize),
        identifier: Option<&str>,
    ) {
        self.target_call(operation, account_index, region_index);
        if let Some(identifier) = identifier {
            let key = (
                operation.slot(),
                account_index,
                region_index,
                identifier.to_string(),
            );
            self.attributes_by_snapshot.update(key, |count| *count += 1);
        }
    }
    pub(crate) fn rds_access_denied(&self) {
        bump(&self.rds_access_denied);
    }
    pub(crate) fn assume_role_duration_rejected(&self) {
        bump(&self.assume_role_duration_rejected);
    }
    pub(crate) fn major_engine_versions(&self, region: &str, engine: Option<&str>) {
        let key = (region.to_string(), engine.unwrap_or("*").to_string());
        self.engine_versions.update(key, |count| *count += 1);
    }
    pub(crate) fn assume_role_request(&self, role_arn: Option<&str>, region: &str) {
        if let Some(role_arn) = role_arn {
            self.assume_role_arns
                .update(role_arn.to_string(), |count| *count += 1);
        }
        self.assume_role_regions
            .update(region.to_string(), |count| *count += 1);
    }
    /// Counts one GetProducts request under its price key and region.
    pub(crate) fn price_list_call(
        &self,
        key: String,
        region: &str,
        first_page: bool,
        assumed_role: bool,
    ) {
        if assumed_role {
            bump(&self.price_list_role_calls);
        }
        if first_page {
            self.price_list_listings
                .update(key.clone(), |count| *count += 1);
        }
        self.price_list_calls.update(key, |count| *count += 1);
        self.price_list_regions
            .update(region.to_string(), |count| *count += 1);
    }
    pub(crate) fn price_list_denied(&self) {
        bump(&self.price_list_denied);
    }
    /// Whether this GetProducts call is one of the first `failures` (each is taken once).
    pub(crate) fn take_price_list_failure(&self, failures: u64) -> bool {
        failures > 0
            && self
                .price_list_failures_taken
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |taken| {
                    (taken < failures).then_some(taken + 1)
                })
                .is_ok()
    }
    pub(crate) fn assume_role_duration(&self, account_id: &str, duration_secs: Option<u64>) {
        self.assume_role_durations
            .update(account_id.to_string(), |durations| {
                durations.push(duration_secs)
            });
    }

    /// Zeroes everything; the peak restarts from what is in flight now.
    pub(crate) fn reset(&self) {
        let all_scalars = [
            &self.requests_total,
            &self.throttled,
            &self.unavailable,
            &self.hung,
            &self.malformed,
            &self.assume_role_total,
            &self.assume_role_denied,
            &self.expired_key_calls,
            &self.connections_accepted,
            &self.rds_access_denied,
            &self.assume_role_duration_rejected,
            &self.price_list_denied,
            &self.price_list_role_calls,
        ];
        let all_counters = all_scalars
            .into_iter()
            .chain(&self.calls)
            .chain(&self.assume_role_by_account)
            .chain(&self.list_regions_by_account)
            .chain(&self.describe_by_target)
            .chain(&self.throttled_by_target)
            .chain(&self.maintenance_by_target)
            .chain(&self.clusters_by_target)
            .chain(self.snapshot_ops_by_target.iter().flatten())
            .chain(
                self.kind_ops_by_target
                    .iter()
                    .filter_map(OnceLock::get)
                    .flatten(),
            );
        for counter in all_counters {
            counter.store(0, Ordering::Relaxed);
        }
        self.engine_versions.clear();
        self.attributes_by_snapshot.clear();
        self.assume_role_arns.clear();
        self.assume_role_regions.clear();
        self.assume_role_durations.clear();
        self.price_list_calls.clear();
        self.price_list_listings.clear();
        self.price_list_regions.clear();
        self.peak_in_flight
            .store(load(&self.in_flight), Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self, config: &FakeConfig) -> CountersSnapshot {
        let per_account = |counters: &[AtomicU64]| -> BTreeMap<String, u64> {
            config
                .accounts
                .iter()
                .zip(counters)
                .filter_map(|(account, counter)| {
                    let count = load(counter);
                    (count > 0).then(|| (account.clone(), count))
                })
                .collect()
        };
        let per_target = |counters: &[AtomicU64]| {
            let mut by_account: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
            for (account_index, account) in config.accounts.iter().enumerate() {
                for (region_index, region) in config.regions.iter().enumerate() {
                    let count = load(&counters[account_index * self.region_count + region_index]);
                    if count > 0 {
                        by_account
                            .entry(account.clone())
                            .or_default()
                            .insert(region.clone(), count);
                    }
                }
            }
            by_account
        };
        let mut by_snapshot: [PerSnapshot; 2] = Default::default();
        for ((slot, a, r, identifier), count) in self.attributes_by_snapshot.copy() {
            let which = usize::from(slot == Operation::DescribeDbClusterSnapshotAttributes.slot());
            by_snapshot[which]
                .entry(config.accounts[a].clone())
                .or_default()
                .entry(config.regions[r].clone())
                .or_default()
                .insert(identifier, count);
        }
        let [snapshot_attributes_calls_by_snapshot, cluster_snapshot_attributes_calls_by_snapshot] =
            by_snapshot;
        let [describe_snapshots, describe_cluster_snapshots, snapshot_attributes, cluster_snapshot_attributes] =
            &self.snapshot_ops_by_target;
        let mut major_engine_versions_calls: BTreeMap<String, BTreeMap<String, u64>> =
            BTreeMap::new();
        for ((region, engine), count) in self.engine_versions.copy() {
            major_engine_versions_calls
                .entry(region)
                .or_default()
                .insert(engine, count);
        }
        CountersSnapshot {
            requests_total: load(&self.requests_total),
            calls: Operation::all()
                .map(|op| (op.name().to_string(), load(&self.calls[op.slot()])))
                .collect(),
            kind_calls: ResourceKind::ALL
                .iter()
                .filter_map(|kind| {
                    let by_target = self.kind_ops_by_target[*kind as usize].get()?;
                    Some((kind.operation_name().to_string(), per_target(by_target)))
                })
                .filter(|(_, calls)| !calls.is_empty())
                .collect(),
            faults: FaultCounts {
                throttled: load(&self.throttled),
                unavailable: load(&self.unavailable),
                hung: load(&self.hung),
                malformed: load(&self.malformed),
            },
            assume_role_calls_total: load(&self.assume_role_total),
            assume_role_calls: per_account(&self.assume_role_by_account),
            assume_role_denied: load(&self.assume_role_denied),
            describe_calls: per_target(&self.describe_by_target),
            list_regions_calls: per_account(&self.list_regions_by_account),
            expired_key_calls: load(&self.expired_key_calls),
            in_flight: load(&self.in_flight),
            peak_in_flight: load(&self.peak_in_flight),
            connections_accepted: load(&self.connections_accepted),
            throttled_calls: per_target(&self.throttled_by_target),
            rds_access_denied: load(&self.rds_access_denied),
            pending_maintenance_calls: per_target(&self.maintenance_by_target),
            describe_clusters_calls: per_target(&self.clusters_by_target),
            describe_snapshots_calls: per_target(describe_snapshots),
            describe_cluster_snapshots_calls: per_target(describe_cluster_snapshots),
            snapshot_attributes_calls: per_target(snapshot_attributes),
            cluster_snapshot_attributes_calls: per_target(cluster_snapshot_attributes),
            snapshot_attributes_calls_by_snapshot,
            cluster_snapshot_attributes_calls_by_snapshot,
            major_engine_versions_calls,
            assume_role_arns: self.assume_role_arns.copy(),
            assume_role_regions: self.assume_role_regions.copy(),
            assume_role_durations: self.assume_role_durations.copy(),
            assume_role_duration_rejected: load(&self.assume_role_duration_rejected),
            price_list_calls: self.price_list_calls.copy(),
            price_list_listings: self.price_list_listings.copy(),
            price_list_regions: self.price_list_regions.copy(),
            price_list_denied: load(&self.price_list_denied),
            price_list_role_calls: load(&self.price_list_role_calls),
        }
    }
}

/// Keeps one request counted in flight while alive.
pub(crate) struct InFlightGuard {
    counters: Arc<Counters>,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.counters.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_tracks_concurrent_guards_and_reset_keeps_current() {
        let config = FakeConfig::with_accounts(1);
        let counters = Arc::new(Counters::new(1, 2));
        let first = counters.enter();
        let second = counters.enter();
        drop(first);
        let snapshot = counters.snapshot(&config);
        assert_eq!((snapshot.in_flight, snapshot.peak_in_flight), (1, 2));
        counters.reset();
        let snapshot = counters.snapshot(&config);
        assert_eq!((snapshot.requests_total, snapshot.peak_in_flight), (0, 1));
        drop(second);
        assert_eq!(counters.snapshot(&config).in_flight, 0);
    }

    #[test]
    fn snapshot_names_accounts_and_regions() {
        let config = FakeConfig::with_accounts(2);
        let counters = Counters::new(2, 2);
        counters.describe(1, 1);
        counters.describe(1, 1);
        counters.assume_role(Some(0));
        counters.assume_role(None);
        counters.call(Operation::DescribeDbInstances);
        let snapshot = counters.snapshot(&config);
        assert_eq!(snapshot.describe_calls_for("100000000001", "eu-west-1"), 2);
        assert_eq!(snapshot.describe_calls_total(), 2);
        assert_eq!(snapshot.assume_role_calls_for("100000000000"), 1);
        assert_eq!(snapshot.assume_role_calls_total, 2);
        assert_eq!(snapshot.calls_of("DescribeDBInstances"), 1);
        assert_eq!(snapshot.calls_of("AssumeRole"), 0);
        let json = serde_json::to_value(&snapshot).expect("snapshot serialises");
        assert_eq!(json["describe_calls"]["100000000001"]["eu-west-1"], 2);
    }
}
