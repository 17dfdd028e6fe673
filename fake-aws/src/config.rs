//! The knobs of the fake: what it serves and which faults it injects.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

/// GetMetricData's default and largest `MaxDatapoints`: AWS's, and so the default of
/// `metric_datapoints_per_page`.
pub const MAX_DATAPOINTS: usize = 100_800;

/// The kinds of DB cluster the fake generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterEngine {
    AuroraPostgresql,
    AuroraMysql,
    /// A Multi-AZ DB cluster of engine `postgres` (`DBClusterInstanceClass` set).
    MultiAzPostgres,
    /// A Multi-AZ DB cluster of engine `mysql`.
    MultiAzMysql,
    /// Amazon DocumentDB (`docdb`).
    DocDb,
    /// Amazon Neptune (`neptune`).
    Neptune,
}

impl ClusterEngine {
    /// Every kind, in the order `cluster_engines` defaults to.
    pub const ALL: [ClusterEngine; 6] = [
        ClusterEngine::AuroraPostgresql,
        ClusterEngine::AuroraMysql,
        ClusterEngine::MultiAzPostgres,
        ClusterEngine::MultiAzMysql,
        ClusterEngine::DocDb,
        ClusterEngine::Neptune,
    ];
}

/// Who may restore manual snapshots, in percent of them; the rest are private.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SnapshotSharing {
    /// `restore` = `all`.
    pub public: u8,
    /// `restore` = 1-2 other accounts of the config.
    pub accounts: u8,
    /// `restore` holds one of `OUTSIDE_ACCOUNTS` (sometimes after an account of the config).
    pub outside: u8,
}

impl Default for SnapshotSharing {
    fn default() -> SnapshotSharing {
        SnapshotSharing {
            public: 10,
            accounts: 20,
            outside: 10,
        }
    }
}

/// Declares `ResourceKind` and `ResourceKind::ALL` from one list, so a new kind is one line
/// here (and one in `kinds::KINDS`).
macro_rules! resource_kinds {
    ($($(#[$doc:meta])* $kind:ident,)*) => {
        /// A kind the `kinds` registry serves, one RDS Describe operation each: how many the
        /// fake makes is `FakeConfig::kind_counts`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum ResourceKind {
            $($(#[$doc])* $kind,)*
        }

        impl ResourceKind {
            /// Every kind, in registry order.
            pub const ALL: [ResourceKind; [$(stringify!($kind)),*].len()] =
                [$(ResourceKind::$kind),*];
        }
    };
}

resource_kinds! {
    /// `DescribeDBInstanceAutomatedBackups` (`--automated-backups`).
    AutomatedBackups,
    /// `DescribeDBClusterAutomatedBackups` (`--cluster-automated-backups`).
    ClusterAutomatedBackups,
    /// `DescribeDBProxies` (`--proxies`).
    Proxies,
    /// `DescribeBlueGreenDeployments` (`--blue-green`).
    BlueGreen,
    /// `DescribeGlobalClusters` (`--global-clusters`), account-wide.
    GlobalClusters,
    /// `DescribeReservedDBInstances` (`--reserved-instances`).
    ReservedInstances,
    /// `DescribeDBParameterGroups` (`--parameter-groups`).
    ParameterGroups,
    /// `DescribeDBClusterParameterGroups` (`--cluster-parameter-groups`).
    ClusterParameterGroups,
    /// `DescribeDBParameters`: the parameters of one DB parameter group.
    Parameters,
    /// `DescribeDBClusterParameters`: the parameters of one DB cluster parameter group.
    ClusterParameters,
    /// `DescribeEngineDefaultParameters`: the defaults of one parameter group family.
    EngineDefaultParameters,
    /// `DescribeEngineDefaultClusterParameters`: the defaults of one cluster family.
    EngineDefaultClusterParameters,
}

/// An `(account id, region)` pair, e.g. `("100000000000".into(), "eu-west-1".into())`.
pub type Target = (String, String);

/// Everything the fake serves and every fault it injects; each control is independent.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Seeds the inventory (and the fault draws), so equal configs serve equal data.
    pub seed: u64,
    /// 12-digit account ids whose roles can be assumed.
    pub accounts: Vec<String>,
    /// Regions the fake serves RDS in; an RDS call signed for any other region is refused.
    pub regions: Vec<String>,
    /// Mean number of DB instances per (account, region); each target gets 50%..150% of it,
    /// and roughly every 7th target is empty.
    pub instances_per_target: usize,
    /// Fixed delay added to every API call.
    pub latency: Duration,
    /// Uniform random extra delay in `0..jitter` added to every API call.
    pub jitter: Duration,
    /// Probability that an API call answers 400 `Throttling`.
    pub throttle_rate: f64,
    /// Probability that an API call answers 503 `ServiceUnavailable`.
    pub unavailable_rate: f64,
    /// Probability that an API call is never answered (held until the client disconnects).
    pub hang_rate: f64,
    /// Every RDS call for these targets is never answered.
    pub hang_targets: HashSet<Target>,
    /// Overrides the lifetime of issued credentials (else the requested DurationSeconds).
    pub credential_lifetime: Option<Duration>,
    /// Added to the reported `Expiration`: the client believes credentials live this much
    /// longer than the server honours them.
    pub expiration_skew: Duration,
    /// Accounts whose role cannot be assumed (403 `AccessDenied`).
    pub denied_accounts: HashSet<String>,
    /// Regions not enabled in an account: RDS answers 403 `InvalidClientTokenId`, and
    /// ListRegions reports them `DISABLED`.
    pub disabled_regions: HashSet<Target>,
    /// RDS answers 200 with truncated XML for these targets.
    pub malformed_targets: HashSet<Target>,
    /// RDS answers 200 with XML cut after the first complete instance, which the SDK parses
    /// without error (fewer instances, no Marker).
    pub truncated_targets: HashSet<Target>,
    /// From the second page on, RDS answers with the same Marker it was sent (never ends).
    pub stuck_pagination_targets: HashSet<Target>,
    /// Accounts where Account `ListRegions` answers 403 `AccessDeniedException`.
    pub list_regions_denied: HashSet<String>,
    /// Every RDS call for the target answers 400 `Throttling` until this long after the
    /// target's first RDS call, then serves normally.
    pub throttle_targets_for: HashMap<Target, Duration>,
    /// Every RDS call for the target answers 400 `Throttling`, forever.
    pub throttle_forever_targets: HashSet<Target>,
    /// Every RDS call for the target answers 403 `AccessDenied`.
    pub access_denied_targets: HashSet<Target>,
    /// Per account id: an AssumeRole asking for a longer `DurationSeconds` answers 400
    /// `ValidationError`, as STS does above a role's MaxSessionDuration.
    pub max_session_duration: HashMap<String, Duration>,
    /// Replaces `latency` for STS AssumeRole calls only (jitter still applies).
    pub sts_latency: Option<Duration>,
    /// Accounts where RDS `DescribePendingMaintenanceActions` answers 403 `AccessDenied`.
    pub maintenance_denied_accounts: HashSet<String>,
    /// Accounts where RDS `DescribeDBMajorEngineVersions` answers 403 `AccessDenied`.
    pub engine_versions_denied_accounts: HashSet<String>,
    /// Which inventory is served: 0 (the default) or 1, which differs from 0 by a few
    /// modified, removed, added and one renamed instance; see `generation_changes`.
    pub generation: u64,
    /// Serve the complete DBInstance (all 94 members, see `FakeInstance::db_instance_json`).
    /// Off by default: pages are then the original 21 members, about a quarter of the size,
    /// which keeps tests with tight per-call timeouts and the benchmarks as they were.
    pub complete_records: bool,
    /// The custom parameter groups the target's instances and clusters name
    /// (`<family>-custom`) exist: DescribeDB(Cluster)ParameterGroups lists them after the
    /// generated ones (when the kind's count is above 0) and DescribeDB(Cluster)Parameters
    /// answers for them. Off by default.
    pub attached_parameter_groups: bool,
    /// Mean number of configured DB clusters per (account, region) that has clusters (see
    /// `configured_cluster_count`); their member instances follow the target's standalone
    /// instances. 0 (the default) serves only the implied one-member clusters of standalone
    /// `aurora-postgresql` instances.
    pub clusters_per_target: usize,
    /// Engines of configured clusters, cycled by cluster index (from a per-target offset).
    pub cluster_engines: Vec<ClusterEngine>,
    /// Accounts where RDS `DescribeDBClusters` answers 403 `AccessDenied`.
    pub clusters_denied_accounts: HashSet<String>,
    /// DescribePendingMaintenanceActions also lists clusters (by cluster ARN) with actions.
    pub cluster_maintenance: bool,
    /// Mean number of DB snapshots per (account, region) that has snapshots (see
    /// `snapshot_targets_percent`); 0 (the default) serves none.
    pub snapshots_per_target: usize,
    /// Mean number of DB cluster snapshots per (account, region) that has snapshots.
    pub cluster_snapshots_per_target: usize,
    /// Share of targets, in percent, that have snapshots at all (chosen by hash).
    pub snapshot_targets_percent: u8,
    /// Share of snapshots (after each target's first, which is manual), in percent, that are
    /// `automated`.
    pub automated_snapshot_percent: u8,
    /// Share of snapshots, in percent, that are `awsbackup`; the rest are `manual`.
    pub backup_snapshot_percent: u8,
    /// Who may restore manual snapshots (the `restore` attribute), in percent of them.
    pub snapshot_sharing: SnapshotSharing,
    /// Accounts where DescribeDBSnapshots and DescribeDBClusterSnapshots answer 403
    /// `AccessDenied`.
    pub snapshots_denied_accounts: HashSet<String>,
    /// Accounts where DescribeDBSnapshotAttributes and DescribeDBClusterSnapshotAttributes
    /// answer 403 `AccessDenied` (the Describe calls still work).
    pub snapshot_attributes_denied_accounts: HashSet<String>,
    /// Price List `GetProducts` answers 400 `AccessDeniedException` (to every caller).
    pub price_list_denied: bool,
    /// The first this many GetProducts calls answer 400 `ThrottlingException` (counted as
    /// throttled), then the price list is served.
    pub price_list_throttled_calls: u64,
    /// Most documents per GetProducts page, below any `MaxResults` asked for (default 2, so
    /// most listings span pages as real ones may).
    pub price_list_page_size: usize,
    /// GetProducts answers every query with documents made up to match it (any region, class
    /// and engine priced) instead of the small us-east-1 catalog: organization-scale runs.
    pub price_list_any: bool,
    /// Per `ResourceKind`: the mean number per (account, region) (50%..150% of it per target),
    /// or for the account-wide global clusters exactly this many per account. Absent: 0.
    pub kind_counts: BTreeMap<ResourceKind, usize>,
    /// `(operation, account)`: that RDS operation (its AWS name, e.g. `DescribeDBProxies`)
    /// answers 403 `AccessDenied` in that account; every other call still works.
    pub denied_operations: HashSet<(String, String)>,
    /// GetMetricData: the most datapoints one answer holds (the request's `MaxDatapoints`
    /// can lower it); more are paged with `NextToken`. Default 100,800, AWS's.
    pub metric_datapoints_per_page: usize,
    /// Mean number of AWS Backup DB snapshots per target that has snapshots; DescribeDBSnapshots
    /// lists them only when asked for `SnapshotType=awsbackup`, as AWS documents.
    pub awsbackup_snapshots_per_target: usize,
}

impl Default for FakeConfig {
    fn default() -> FakeConfig {
        FakeConfig {
            seed: 1,
            accounts: FakeConfig::account_ids(2),
            regions: vec!["us-east-1".to_string(), "eu-west-1".to_string()],
            instances_per_target: 10,
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            throttle_rate: 0.0,
            unavailable_rate: 0.0,
            hang_rate: 0.0,
            hang_targets: HashSet::new(),
            credential_lifetime: None,
            expiration_skew: Duration::ZERO,
            denied_accounts: HashSet::new(),
            disabled_regions: HashSet::new(),
            malformed_targets: HashSet::new(),
            truncated_targets: HashSet::new(),
            stuck_pagination_targets: HashSet::new(),
            list_regions_denied: HashSet::new(),
            throttle_targets_for: HashMap::new(),
            throttle_forever_targets: HashSet::new(),
            access_denied_targets: HashSet::new(),
            max_session_duration: HashMap::new(),
            sts_latency: None,
            maintenance_denied_accounts: HashSet::new(),
            engine_versions_denied_accounts: HashSet::new(),
            generation: 0,
            complete_records: false,
            attached_parameter_groups: false,
            clusters_per_target: 0,
            cluster_engines: ClusterEngine::ALL.to_vec(),
            clusters_denied_accounts: HashSet::new(),
            cluster_maintenance: false,
            snapshots_per_target: 0,
            cluster_snapshots_per_target: 0,
            snapshot_targets_percent: 100,
            automated_snapshot_percent: 40,
            backup_snapshot_percent: 10,
            snapshot_sharing: SnapshotSharing::default(),
            snapshots_denied_accounts: HashSet::new(),
            snapshot_attributes_denied_accounts: HashSet::new(),
            price_list_denied: false,
            price_list_throttled_calls: 0,
            price_list_page_size: 2,
            price_list_any: false,
            kind_counts: BTreeMap::new(),
            denied_operations: HashSet::new(),
            metric_datapoints_per_page: MAX_DATAPOINTS,
            awsbackup_snapshots_per_target: 0,
        }
    }
}

impl FakeConfig {
    /// The default config with `count` accounts `100000000000`, `100000000001`, ...
    pub fn with_accounts(count: usize) -> FakeConfig {
        FakeConfig {
            accounts: FakeConfig::account_ids(count),
            ..FakeConfig::default()
        }
    }

    /// The account ids `with_accounts` uses: `100000000000 + i`, 12 digits.
    pub fn account_ids(count: usize) -> Vec<String> {
        (0..count)
            .map(|i| format!("{:012}", 100_000_000_000u64 + i as u64))
            .collect()
    }

    /// How many of `kind` the config asks for (0 when absent from `kind_counts`).
    pub fn kind_count(&self, kind: ResourceKind) -> usize {
        self.kind_counts.get(&kind).copied().unwrap_or(0)
    }

    /// Whether `denied_operations` refuses `operation` in `account`.
    pub fn operation_denied(&self, operation: &str, account: &str) -> bool {
        !self.denied_operations.is_empty()
            && self
                .denied_operations
                .contains(&(operation.to_string(), account.to_string()))
    }

    /// Builds one `(account, region)` key for the per-target controls.
    pub fn target(account: &str, region: &str) -> Target {
        (account.to_string(), region.to_string())
    }
}
