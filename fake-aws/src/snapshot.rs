//! DB snapshots and DB cluster snapshots: manual, automated and AWS Backup ones, of sources
//! that exist and of sources that are gone, with who may restore them. Like instances, each
//! is a pure function of the config.

use crate::cluster::FakeCluster;
use crate::config::FakeConfig;
use crate::inventory::{
    account_suffix, generate_tags, spread_around, FakeInstance, CREATE_TIME_SPAN_SECS,
    ENVIRONMENTS, OLDEST_CREATE_TIME,
};
use crate::record_parts::{hash_str, partition, RecordShape, Uuid, DAY};
use crate::rng::{hash_parts, SplitMix64, UPPER_ALNUM};
use crate::time::iso8601;
use serde::Serialize;
use std::collections::HashSet;

pub(crate) mod record;

/// Snapshot times lie before this instant (no wall clock): automated snapshot `i` of a
/// target `i + 1` days before it, the others up to 400 days before it.
pub const SNAPSHOT_REFERENCE_TIME: &str = "2026-11-01T00:00:00Z";
const SNAPSHOT_REFERENCE_UNIX: i64 = 1_793_491_200;

/// Account ids outside any config that manual snapshots are shared with.
pub const OUTSIDE_ACCOUNTS: [&str; 2] = ["999900001111", "999900002222"];

const TARGET_SALT: u64 = 0x5A;
const COUNT_SALT: u64 = 0x5B;
const SNAPSHOT_SALT: u64 = 0x5C;
const RETIRED_SALT: u64 = 0x5D;
const ORPHANED_PERCENT: u64 = 25;
const BACKUP_COUNT_SALT: u64 = 0x5E;

/// `SnapshotType` as AWS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SnapshotType {
    Manual,
    Automated,
    /// Made by AWS Backup (`awsbackup`).
    AwsBackup,
}

impl SnapshotType {
    /// `manual`, `automated`, `awsbackup`.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotType::Manual => "manual",
            SnapshotType::Automated => "automated",
            SnapshotType::AwsBackup => "awsbackup",
        }
    }
}

/// What a snapshot was taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotKind {
    /// A DB snapshot (DescribeDBSnapshots) of a DB instance.
    Instance,
    /// A DB cluster snapshot (DescribeDBClusterSnapshots) of a DB cluster.
    Cluster,
}

/// One DB snapshot or DB cluster snapshot as the fake serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FakeSnapshot {
    pub account_id: String,
    pub region: String,
    pub kind: SnapshotKind,
    /// `DBSnapshotIdentifier` / `DBClusterSnapshotIdentifier`: `<source>-manual-<NNNN>`,
    /// `rds:<source>-YYYY-MM-DD-HH-MM`, `awsbackup:job-<uuid>`.
    pub identifier: String,
    /// `arn:<partition>:rds:<region>:<account>:snapshot:<id>` (`cluster-snapshot:` for
    /// cluster snapshots).
    pub arn: String,
    pub snapshot_type: SnapshotType,
    /// `DBInstanceIdentifier` / `DBClusterIdentifier` of the source.
    pub source_identifier: String,
    /// `DbiResourceId` / `DbClusterResourceId` of the source.
    pub source_resource_id: String,
    /// Whether the source is an instance (cluster) of the target in the config's generation.
    pub source_exists: bool,
    pub engine: String,
    pub engine_version: String,
    /// `available`, or `creating` with `percent_progress` below 100.
    pub status: String,
    pub percent_progress: i32,
    pub allocated_storage: i32,
    pub storage_type: String,
    pub iops: Option<i32>,
    /// `Encrypted` / `StorageEncrypted`.
    pub encrypted: bool,
    pub port: i32,
    /// Instance snapshots only.
    pub availability_zone: Option<String>,
    pub vpc_id: String,
    /// ISO 8601 UTC.
    pub snapshot_create_time: String,
    /// `InstanceCreateTime` / `ClusterCreateTime` of the source, ISO 8601 UTC.
    pub source_create_time: String,
    pub master_username: String,
    pub tags: Vec<(String, String)>,
    /// The `restore` attribute in the order served: account ids and/or `all`; empty when
    /// private, and always for automated and AWS Backup snapshots.
    pub restore: Vec<String>,
    /// The snapshot's position among its target's generated snapshots.
    pub index: usize,
    #[serde(skip)]
    shape: RecordShape,
    #[serde(skip)]
    create_unix: i64,
}

impl FakeSnapshot {
    /// `Complete` for the first snapshot of every target, else by hash about 10% `Sparse`,
    /// 10% `EmptyLists`, the rest `Typical`.
    pub fn record_shape(&self) -> RecordShape {
        self.shape
    }

    /// Only manual snapshots can be shared; a tool asks for no other's attributes.
    pub fn is_manual(&self) -> bool {
        self.snapshot_type == SnapshotType::Manual
    }

    /// The `restore` attribute holds `all`.
    pub fn shared_publicly(&self) -> bool {
        self.restore.iter().any(|value| value == "all")
    }

    /// The account ids of `restore`, `all` left out, sorted.
    pub fn shared_with_accounts(&self) -> Vec<String> {
        let mut accounts: Vec<String> = self
            .restore
            .iter()
            .filter(|value| *value != "all")
            .cloned()
            .collect();
        accounts.sort();
        accounts
    }

    /// `shared_with_accounts` that are not in `accounts` (the run's accounts).
    pub fn shared_with_outside_accounts(&self, accounts: &[String]) -> Vec<String> {
        self.shared_with_accounts()
            .into_iter()
            .filter(|id| !accounts.contains(id))
            .collect()
    }

    pub(crate) fn create_unix(&self) -> i64 {
        self.create_unix
    }

    /// An identifier or ARN names the snapshot.
    pub(crate) fn is_named(&self, wanted: &str) -> bool {
        self.identifier == wanted || self.arn == wanted
    }
}

/// What a snapshot copies from its source.
#[derive(Clone)]
struct SnapshotSource {
    identifier: String,
    resource_id: String,
    engine: String,
    engine_version: String,
    allocated_storage: i32,
    storage_type: String,
    iops: Option<i32>,
    encrypted: bool,
    port: i32,
    availability_zone: Option<String>,
    vpc_id: String,
    create_time: String,
}

fn iops_for(storage_type: &str, allocated_storage: i32) -> Option<i32> {
    match storage_type {
        "io1" | "io2" => Some((allocated_storage * 10).clamp(1000, 64_000)),
        "gp3" => Some(3000),
        _ => None,
    }
}

impl SnapshotSource {
    fn of_instance(instance: &FakeInstance) -> SnapshotSource {
        SnapshotSource {
            identifier: instance.identifier.clone(),
            resource_id: instance.resource_id.clone(),
            engine: instance.engine.clone(),
            engine_version: instance.engine_version.clone(),
            allocated_storage: instance.allocated_storage,
            storage_type: instance.storage_type.clone(),
            iops: iops_for(&instance.storage_type, instance.allocated_storage),
            encrypted: instance.storage_encrypted,
            port: instance.endpoint_port.unwrap_or(5432),
            availability_zone: instance.availability_zone.clone(),
            vpc_id: instance.vpc_id.clone(),
            create_time: instance.instance_create_time.clone().unwrap_or_default(),
        }
    }

    fn of_cluster(cluster: &FakeCluster) -> SnapshotSource {
        SnapshotSource {
            identifier: cluster.identifier.clone(),
            resource_id: cluster.resource_id.clone(),
            engine: cluster.engine.clone(),
            engine_version: cluster.engine_version.clone(),
            allocated_storage: cluster.allocated_storage,
            storage_type: cluster.storage_type.clone(),
            iops: cluster.iops,
            encrypted: cluster.storage_encrypted,
            port: cluster.port,
            availability_zone: None,
            vpc_id: cluster.vpc_id.clone(),
            create_time: cluster.cluster_create_time.clone(),
        }
    }
}

/// (engine, version, port) of sources that no longer exist.
const RETIRED_INSTANCE_ENGINES: [(&str, &str, i32); 4] = [
    ("postgres", "14.12", 5432),
    ("mysql", "8.0.36", 3306),
    ("mariadb", "10.6.18", 3306),
    ("oracle-ee", "19.0.0.0.ru-2024-04.rur-2024-04.r1", 1521),
];
const RETIRED_CLUSTER_ENGINES: [(&str, &str, i32); 2] = [
    ("aurora-postgresql", "15.8", 5432),
    ("aurora-mysql", "8.0.mysql_aurora.3.05.2", 3306),
];

/// `rds:<source>-YYYY-MM-DD-HH-MM`, as RDS names automated snapshots.
fn automated_name(source: &str, create_unix: i64) -> String {
    let stamp: String = iso8601(create_unix)[..16]
        .chars()
        .map(|c| if c == 'T' || c == ':' { '-' } else { c })
        .collect();
    format!("rds:{source}-{stamp}")
}

impl FakeConfig {
    /// Snapshots of `kind` the target at these config indices generates (before
    /// generation 1 drops automated snapshots of sources that are gone).
    pub fn snapshot_count(
        &self,
        account_index: usize,
        region_index: usize,
        kind: SnapshotKind,
    ) -> usize {
        let (a, r) = (account_index as u64, region_index as u64);
        let mean = match kind {
            SnapshotKind::Instance => self.snapshots_per_target,
            SnapshotKind::Cluster => self.cluster_snapshots_per_target,
        };
        if !self.has_snapshots(a, r) {
            return 0;
        }
        spread_around(
            mean,
            hash_parts(&[self.seed, a, r, kind as u64, COUNT_SALT]),
        )
    }

    fn has_snapshots(&self, a: u64, r: u64) -> bool {
        hash_parts(&[self.seed, a, r, TARGET_SALT]) % 100 < u64::from(self.snapshot_targets_percent)
    }

    /// The AWS Backup DB snapshots of `awsbackup_snapshots_per_target` in the target, which
    /// DescribeDBSnapshots lists only for `SnapshotType=awsbackup`. They are numbered after
    /// the target's other DB snapshots, so names and draws never collide with theirs.
    pub(crate) fn awsbackup_snapshots_in(
        &self,
        generation: u64,
        a: usize,
        r: usize,
    ) -> Vec<FakeSnapshot> {
        let (a64, r64) = (a as u64, r as u64);
        if self.awsbackup_snapshots_per_target == 0 || !self.has_snapshots(a64, r64) {
            return Vec::new();
        }
        let hash = hash_parts(&[self.seed, a64, r64, BACKUP_COUNT_SALT]);
        let count = spread_around(self.awsbackup_snapshots_per_target, hash);
        let first = self.snapshot_count(a, r, SnapshotKind::Instance);
        let kind = SnapshotKind::Instance;
        let sources = self.snapshot_sources(a, r, kind);
        let existing = self.existing_sources(generation, a, r, kind);
        (first..first + count)
            .map(|index| {
                let mut snapshot =
                    self.snapshot_at(a, r, (kind, Some(SnapshotType::AwsBackup)), index, &sources);
                snapshot.source_exists = existing.contains(&snapshot.source_identifier);
                snapshot
            })
            .collect()
    }

    /// The AWS Backup DB snapshots of one (account, region) that only
    /// `SnapshotType=awsbackup` lists (`awsbackup_snapshots_per_target`).
    pub fn target_awsbackup_snapshots(&self, account_id: &str, region: &str) -> Vec<FakeSnapshot> {
        match self.target_indices(account_id, region) {
            Some((a, r)) => self.awsbackup_snapshots_in(self.generation, a, r),
            None => Vec::new(),
        }
    }

    /// Every AWS Backup DB snapshot of `awsbackup_snapshots_per_target`, in config order.
    pub fn awsbackup_snapshots(&self) -> Vec<FakeSnapshot> {
        let mut all = Vec::new();
        for a in 0..self.accounts.len() {
            for r in 0..self.regions.len() {
                all.extend(self.awsbackup_snapshots_in(self.generation, a, r));
            }
        }
        all
    }

    /// The generation-0 sources a snapshot of `kind` can have in the target: standalone
    /// instances that are not Aurora and not `creating`, or clusters.
    fn snapshot_sources(&self, a: usize, r: usize, kind: SnapshotKind) -> Vec<SnapshotSource> {
        match kind {
            SnapshotKind::Instance => (0..self.standalone_count_in(0, a, r))
                .map(|position| self.instance_in(0, a, r, position))
                .filter(|i| !i.engine.starts_with("aurora") && i.status != "creating")
                .map(|i| SnapshotSource::of_instance(&i))
                .collect(),
            SnapshotKind::Cluster => self
                .clusters_in(0, a, r)
                .iter()
                .map(SnapshotSource::of_cluster)
                .collect(),
        }
    }

    /// The identifiers snapshots of `kind` can name as existing sources in `generation`.
    fn existing_sources(
        &self,
        generation: u64,
        a: usize,
        r: usize,
        kind: SnapshotKind,
    ) -> HashSet<String> {
        match kind {
            SnapshotKind::Instance => (0..self.instance_count_in(generation, a, r))
                .map(|position| self.instance_in(generation, a, r, position).identifier)
                .collect(),
            SnapshotKind::Cluster => self
                .clusters_in(generation, a, r)
                .into_iter()
                .map(|cluster| cluster.identifier)
                .collect(),
        }
    }

    /// The draws for snapshot `index` of `kind` in the target, for one purpose (`salt`).
    fn snapshot_rng(
        &self,
        (a, r): (usize, usize),
        kind: SnapshotKind,
        index: usize,
        salt: u64,
    ) -> SplitMix64 {
        SplitMix64::new(hash_parts(&[
            self.seed,
            a as u64,
            r as u64,
            kind as u64,
            index as u64,
            salt,
        ]))
    }

    /// The source of an orphaned snapshot: `db-`/`cl-<last 4>-<region>-retired-<NNNN>`.
    fn retired_source(
        &self,
        a: usize,
        r: usize,
        kind: SnapshotKind,
        index: usize,
    ) -> SnapshotSource {
        let account = &self.accounts[a];
        let region = &self.regions[r];
        let mut rng = self.snapshot_rng((a, r), kind, index, RETIRED_SALT);
        let (prefix, resource_prefix, &(engine, version, port)) = match kind {
            SnapshotKind::Instance => ("db", "db", rng.pick(&RETIRED_INSTANCE_ENGINES)),
            SnapshotKind::Cluster => ("cl", "cluster", rng.pick(&RETIRED_CLUSTER_ENGINES)),
        };
        let (allocated_storage, storage_type) = match kind {
            SnapshotKind::Instance => (
                20 + rng.below(981) as i32,
                *rng.pick(&["gp2", "gp3", "io1"]),
            ),
            SnapshotKind::Cluster => (1, "aurora"),
        };
        let (_, vpc_id) = self.target_network(a, r);
        let created = OLDEST_CREATE_TIME + rng.below(CREATE_TIME_SPAN_SECS) as i64;
        SnapshotSource {
            identifier: format!(
                "{prefix}-{}-{region}-retired-{index:04}",
                account_suffix(account)
            ),
            resource_id: format!("{resource_prefix}-{}", rng.string_from(UPPER_ALNUM, 26)),
            engine: engine.to_string(),
            engine_version: version.to_string(),
            allocated_storage,
            storage_type: storage_type.to_string(),
            iops: iops_for(storage_type, allocated_storage),
            encrypted: rng.percent(70),
            port,
            availability_zone: (kind == SnapshotKind::Instance)
                .then(|| format!("{region}{}", rng.pick(&['a', 'b', 'c']))),
            vpc_id,
            create_time: iso8601(created),
        }
    }

    /// Who may restore manual snapshot `index` (see `SnapshotSharing`).
    fn restore_values(&self, a: usize, index: usize, rng: &mut SplitMix64) -> Vec<String> {
        let others: Vec<&String> = self
            .accounts
            .iter()
            .enumerate()
            .filter(|&(position, id)| position != a && *id != self.accounts[a])
            .map(|(_, id)| id)
            .collect();
        let sharing = self.snapshot_sharing;
        let inside =
            |rng: &mut SplitMix64| (!others.is_empty()).then(|| rng.pick(&others).to_string());
        let outside = |rng: &mut SplitMix64| rng.pick(&OUTSIDE_ACCOUNTS).to_string();
        if index == 0 {
            // The first snapshot shows every enabled kind of sharing at once.
            let mut values = Vec::new();
            if sharing.public > 0 {
                values.push("all".to_string());
            }
            if sharing.accounts > 0 {
                values.extend(inside(rng));
            }
            if sharing.outside > 0 {
                values.push(OUTSIDE_ACCOUNTS[0].to_string());
            }
            return values;
        }
        let roll = rng.below(100);
        let public = u64::from(sharing.public);
        let accounts = public + u64::from(sharing.accounts);
        let outside_share = accounts + u64::from(sharing.outside);
        if roll < public {
            vec!["all".to_string()]
        } else if roll < accounts {
            let Some(first) = inside(rng) else {
                return Vec::new();
            };
            // A second account listed before or after the first: AWS keeps no order.
            let mut values = vec![first];
            if let Some(second) = inside(rng).filter(|id| !values.contains(id)) {
                values.push(second);
            }
            values
        } else if roll < outside_share {
            let mut values: Vec<String> = if rng.percent(30) {
                inside(rng).into_iter().collect()
            } else {
                Vec::new()
            };
            values.push(outside(rng));
            values
        } else {
            Vec::new()
        }
    }

    /// Snapshot `index` of `kind` in the target, from the generation-0 `sources`; of the type
    /// `forced` when given, else drawn.
    fn snapshot_at(
        &self,
        a: usize,
        r: usize,
        (kind, forced): (SnapshotKind, Option<SnapshotType>),
        index: usize,
        sources: &[SnapshotSource],
    ) -> FakeSnapshot {
        let account = &self.accounts[a];
        let region = &self.regions[r];
        let mut rng = self.snapshot_rng((a, r), kind, index, SNAPSHOT_SALT);
        let type_roll = rng.below(100);
        let automated = u64::from(self.automated_snapshot_percent);
        let backup = automated + u64::from(self.backup_snapshot_percent);
        let snapshot_type = match (forced, type_roll) {
            (Some(forced), _) => forced,
            _ if index == 0 => SnapshotType::Manual,
            _ if sources.is_empty() => SnapshotType::Manual,
            (None, roll) if roll < automated => SnapshotType::Automated,
            (None, roll) if roll < backup => SnapshotType::AwsBackup,
            _ => SnapshotType::Manual,
        };
        let orphan_roll = rng.percent(ORPHANED_PERCENT);
        let orphaned = sources.is_empty()
            || (index > 0 && snapshot_type != SnapshotType::Automated && orphan_roll);
        let source = if orphaned {
            self.retired_source(a, r, kind, index)
        } else {
            rng.pick(sources).clone()
        };
        let backup_hour = rng.below(24) as i64;
        let create_unix = match snapshot_type {
            SnapshotType::Automated => {
                SNAPSHOT_REFERENCE_UNIX - (index as i64 + 1) * DAY + backup_hour * 3600 + 12 * 60
            }
            _ => SNAPSHOT_REFERENCE_UNIX - DAY - rng.below(399 * DAY as u64) as i64,
        };
        let identifier = match snapshot_type {
            SnapshotType::Manual => format!("{}-manual-{index:04}", source.identifier),
            SnapshotType::Automated => automated_name(&source.identifier, create_unix),
            SnapshotType::AwsBackup => {
                let bits = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
                format!("awsbackup:job-{}", Uuid(bits))
            }
        };
        let resource = match kind {
            SnapshotKind::Instance => "snapshot",
            SnapshotKind::Cluster => "cluster-snapshot",
        };
        let (status, percent_progress) = if index > 0 && rng.percent(3) {
            ("creating", 10 + rng.below(80) as i32)
        } else {
            ("available", 100)
        };
        let environment = *rng.pick(ENVIRONMENTS);
        let mut tags = generate_tags(&mut rng, environment);
        if index == 0 && tags.is_empty() {
            tags.push(("env".to_string(), environment.to_string()));
        }
        let restore = if snapshot_type == SnapshotType::Manual {
            self.restore_values(a, index, &mut rng)
        } else {
            Vec::new()
        };
        let shape = if index == 0 {
            RecordShape::Complete
        } else {
            match hash_parts(&[hash_str(&identifier), 2]) % 10 {
                0 => RecordShape::Sparse,
                1 => RecordShape::EmptyLists,
                _ => RecordShape::Typical,
            }
        };
        let master_username = if source.engine.contains("postgres") {
            "postgres"
        } else {
            "admin"
        };
        FakeSnapshot {
            account_id: account.clone(),
            region: region.clone(),
            kind,
            arn: format!(
                "arn:{}:rds:{region}:{account}:{resource}:{identifier}",
                partition(region)
            ),
            identifier,
            snapshot_type,
            source_identifier: source.identifier,
            source_resource_id: source.resource_id,
            source_exists: !orphaned,
            engine: source.engine,
            engine_version: source.engine_version,
            status: status.to_string(),
            percent_progress,
            allocated_storage: source.allocated_storage,
            storage_type: source.storage_type,
            iops: source.iops,
            encrypted: source.encrypted,
            port: source.port,
            availability_zone: source.availability_zone,
            vpc_id: source.vpc_id,
            snapshot_create_time: iso8601(create_unix),
            source_create_time: source.create_time,
            master_username: master_username.to_string(),
            tags,
            restore,
            index,
            shape,
            create_unix,
        }
    }

    /// The snapshots of `kind` the target lists in `generation`: made from generation-0
    /// sources; a source that is gone makes its snapshots orphaned, and its automated ones
    /// are no longer listed.
    pub(crate) fn snapshots_in(
        &self,
        generation: u64,
        a: usize,
        r: usize,
        kind: SnapshotKind,
    ) -> Vec<FakeSnapshot> {
        let count = self.snapshot_count(a, r, kind);
        if count == 0 {
            return Vec::new();
        }
        let sources = self.snapshot_sources(a, r, kind);
        let existing = self.existing_sources(generation, a, r, kind);
        (0..count)
            .map(|index| self.snapshot_at(a, r, (kind, None), index, &sources))
            .filter_map(|mut snapshot| {
                snapshot.source_exists = existing.contains(&snapshot.source_identifier);
                let gone_automated =
                    snapshot.snapshot_type == SnapshotType::Automated && !snapshot.source_exists;
                (!gone_automated).then_some(snapshot)
            })
            .collect()
    }

    fn target_snapshots_of(
        &self,
        account_id: &str,
        region: &str,
        kind: SnapshotKind,
    ) -> Vec<FakeSnapshot> {
        match self.target_indices(account_id, region) {
            Some((a, r)) => self.snapshots_in(self.generation, a, r, kind),
            None => Vec::new(),
        }
    }

    /// The DB snapshots of one (account, region), as DescribeDBSnapshots lists them.
    pub fn target_snapshots(&self, account_id: &str, region: &str) -> Vec<FakeSnapshot> {
        self.target_snapshots_of(account_id, region, SnapshotKind::Instance)
    }

    /// The DB cluster snapshots of one (account, region), as DescribeDBClusterSnapshots
    /// lists them.
    pub fn target_cluster_snapshots(&self, account_id: &str, region: &str) -> Vec<FakeSnapshot> {
        self.target_snapshots_of(account_id, region, SnapshotKind::Cluster)
    }

    fn all_snapshots(&self, kind: SnapshotKind, reachable_only: bool) -> Vec<FakeSnapshot> {
        let mut all = Vec::new();
        for (a, account) in self.accounts.iter().enumerate() {
            if reachable_only
                && (self.denied_accounts.contains(account)
                    || self.snapshots_denied_accounts.contains(account))
            {
                continue;
            }
            for (r, region) in self.regions.iter().enumerate() {
                if !reachable_only || self.target_reachable(account, region) {
                    all.extend(self.snapshots_in(self.generation, a, r, kind));
                }
            }
        }
        all
    }

    /// Every DB snapshot of every target, in config order.
    pub fn snapshots(&self) -> Vec<FakeSnapshot> {
        self.all_snapshots(SnapshotKind::Instance, false)
    }

    /// Every DB cluster snapshot of every target, in config order.
    pub fn cluster_snapshots(&self) -> Vec<FakeSnapshot> {
        self.all_snapshots(SnapshotKind::Cluster, false)
    }

    /// The DB snapshots a correct client can list: as `reachable_inventory`, and also
    /// without `snapshots_denied_accounts`.
    pub fn reachable_snapshots(&self) -> Vec<FakeSnapshot> {
        self.all_snapshots(SnapshotKind::Instance, true)
    }

    /// The DB cluster snapshots a correct client can list (as `reachable_snapshots`).
    pub fn reachable_cluster_snapshots(&self) -> Vec<FakeSnapshot> {
        self.all_snapshots(SnapshotKind::Cluster, true)
    }
}

#[cfg(test)]
mod tests;
