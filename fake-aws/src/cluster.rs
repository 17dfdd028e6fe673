//! DB clusters: the configured ones (`clusters_per_target`, with member instances appended
//! to their target's instances) and the implied one-member cluster of every standalone
//! `aurora-postgresql` instance. Like instances, each is a pure function of the config.

use crate::config::{ClusterEngine, FakeConfig};
use crate::inventory::{
    account_suffix, generate_tags, spread_around, FakeInstance, CREATE_TIME_SPAN_SECS,
    ENVIRONMENTS, OLDEST_CREATE_TIME,
};
use crate::record_parts::{dns_suffix, hash_str, partition, RecordShape};
use crate::rng::{hash_parts, SplitMix64, UPPER_ALNUM};
use crate::time::iso8601;
use serde::Serialize;

pub(crate) mod record;

const CLUSTER_COUNT_SALT: u64 = 0xC1;
const CLUSTER_KIND_SALT: u64 = 0xC2;
const CLUSTER_PLAN_SALT: u64 = 0xC3;
const CLUSTER_DETAIL_SALT: u64 = 0xC4;
const MEMBER_SALT: u64 = 0xC5;
const IMPLIED_SALT: u64 = 0xC6;

struct ClusterProfile {
    engine: &'static str,
    name: &'static str,
    versions: &'static [&'static str],
    port: i32,
    /// Member classes; for a Multi-AZ DB cluster also its `DBClusterInstanceClass`.
    classes: &'static [&'static str],
    members: (usize, usize),
    /// The DNS label of its endpoints: `rds`, `docdb`, `neptune`.
    service: &'static str,
}

const PROFILES: [ClusterProfile; 6] = [
    ClusterProfile {
        engine: "aurora-postgresql",
        name: "aurora-postgresql",
        versions: &["16.4", "15.8", "14.13"],
        port: 5432,
        classes: &["db.r6g.large", "db.r6g.xlarge", "db.serverless"],
        members: (1, 3),
        service: "rds",
    },
    ClusterProfile {
        engine: "aurora-mysql",
        name: "aurora-mysql",
        versions: &[
            "8.0.mysql_aurora.3.05.2",
            "8.0.mysql_aurora.3.07.1",
            "5.7.mysql_aurora.2.11.5",
        ],
        port: 3306,
        classes: &["db.r6g.large", "db.t4g.medium", "db.r7g.xlarge"],
        members: (1, 3),
        service: "rds",
    },
    ClusterProfile {
        engine: "postgres",
        name: "multi-az-postgres",
        versions: &["16.4", "15.8"],
        port: 5432,
        classes: &["db.m6gd.large", "db.r6gd.xlarge", "db.c6gd.2xlarge"],
        members: (3, 3),
        service: "rds",
    },
    ClusterProfile {
        engine: "mysql",
        name: "multi-az-mysql",
        versions: &["8.0.39", "8.4.3"],
        port: 3306,
        classes: &["db.m6gd.large", "db.r6gd.xlarge"],
        members: (3, 3),
        service: "rds",
    },
    ClusterProfile {
        engine: "docdb",
        name: "docdb",
        versions: &["5.0.0", "4.0.0"],
        port: 27017,
        classes: &["db.r6g.large", "db.t4g.medium"],
        members: (1, 3),
        service: "docdb",
    },
    ClusterProfile {
        engine: "neptune",
        name: "neptune",
        versions: &["1.3.2.1", "1.2.1.0"],
        port: 8182,
        classes: &["db.r6g.large", "db.serverless"],
        members: (1, 2),
        service: "neptune",
    },
];

impl ClusterEngine {
    fn profile(self) -> &'static ClusterProfile {
        &PROFILES[self as usize]
    }

    /// The AWS `Engine`: `aurora-postgresql`, `aurora-mysql`, `postgres`, `mysql`, `docdb`,
    /// `neptune`.
    pub fn engine(self) -> &'static str {
        self.profile().engine
    }

    /// The CLI name: `aurora-postgresql`, `aurora-mysql`, `multi-az-postgres`,
    /// `multi-az-mysql`, `docdb`, `neptune`.
    pub fn name(self) -> &'static str {
        self.profile().name
    }

    /// The kind with this CLI name.
    pub fn from_name(name: &str) -> Option<ClusterEngine> {
        ClusterEngine::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
    }

    fn is_aurora(self) -> bool {
        matches!(
            self,
            ClusterEngine::AuroraPostgresql | ClusterEngine::AuroraMysql
        )
    }

    /// A Multi-AZ DB cluster (not Aurora): storage and class are set on the cluster.
    pub fn is_multi_az_db_cluster(self) -> bool {
        matches!(
            self,
            ClusterEngine::MultiAzPostgres | ClusterEngine::MultiAzMysql
        )
    }
}

/// One entry of `DBClusterMembers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FakeClusterMember {
    pub db_instance_identifier: String,
    /// True for exactly one member, the first.
    pub is_cluster_writer: bool,
    pub promotion_tier: i32,
}

/// One DB cluster as DescribeDBClusters serves it; field names follow the RDS API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FakeCluster {
    pub account_id: String,
    pub region: String,
    /// `DBClusterIdentifier`: `cl-<last 4 of account>-<region>-<NNNN>` when configured,
    /// `<instance identifier>-cluster` when implied.
    pub identifier: String,
    /// `arn:<partition>:rds:<region>:<account>:cluster:<identifier>`.
    pub arn: String,
    /// `DbClusterResourceId`: `cluster-` + 26 uppercase alphanumerics.
    pub resource_id: String,
    /// `None` for an implied cluster.
    pub kind: Option<ClusterEngine>,
    pub engine: String,
    pub engine_version: String,
    /// `available`, `stopped`, `modifying`, `backing-up` (implied ones also `creating`).
    pub status: String,
    /// Set for Multi-AZ DB clusters only.
    pub db_cluster_instance_class: Option<String>,
    pub allocated_storage: i32,
    pub storage_type: String,
    pub iops: Option<i32>,
    pub storage_encrypted: bool,
    pub deletion_protection: bool,
    pub backup_retention_period: i32,
    pub multi_az: bool,
    pub port: i32,
    pub endpoint: String,
    pub reader_endpoint: String,
    pub db_subnet_group_name: String,
    pub vpc_id: String,
    /// ISO 8601 UTC.
    pub cluster_create_time: String,
    pub tags: Vec<(String, String)>,
    /// In order; the writer first.
    pub members: Vec<FakeClusterMember>,
    /// The one-member cluster of a standalone `aurora-postgresql` instance.
    pub implied: bool,
    /// The class of its member instances.
    pub member_instance_class: String,
    #[serde(skip)]
    shape: RecordShape,
    #[serde(skip)]
    create_unix: i64,
}

impl FakeCluster {
    /// How much of the complete record this cluster carries: `Complete` for the first
    /// configured cluster of every target, else by hash (about 10% `Sparse`, 10%
    /// `EmptyLists`, 10% `Complete`, the rest `Typical`).
    pub fn record_shape(&self) -> RecordShape {
        self.shape
    }

    /// The instance that writes; `None` for a cluster without members.
    pub fn writer(&self) -> Option<&FakeClusterMember> {
        self.members.iter().find(|member| member.is_cluster_writer)
    }
}

fn shape_by_hash(resource_id: &str) -> RecordShape {
    match hash_parts(&[hash_str(resource_id), 1]) % 10 {
        0 => RecordShape::Sparse,
        1 => RecordShape::EmptyLists,
        2 => RecordShape::Complete,
        _ => RecordShape::Typical,
    }
}

fn cluster_endpoints(
    identifier: &str,
    zone: &str,
    region: &str,
    service: &str,
) -> (String, String) {
    let suffix = dns_suffix(region);
    (
        format!("{identifier}.cluster-{zone}.{region}.{service}.{suffix}"),
        format!("{identifier}.cluster-ro-{zone}.{region}.{service}.{suffix}"),
    )
}

fn cluster_arn(account: &str, region: &str, identifier: &str) -> String {
    format!(
        "arn:{}:rds:{region}:{account}:cluster:{identifier}",
        partition(region)
    )
}

impl FakeConfig {
    /// Configured clusters in the target: 50%..150% of `clusters_per_target`, none in
    /// empty targets and none where `(a*5 + r*3 + seed) % 4 == 2` (config indices).
    pub fn configured_cluster_count(&self, account_index: usize, region_index: usize) -> usize {
        let (a, r) = (account_index as u64, region_index as u64);
        let clusterless = a
            .wrapping_mul(5)
            .wrapping_add(r.wrapping_mul(3))
            .wrapping_add(self.seed)
            % 4
            == 2;
        if self.cluster_engines.is_empty()
            || clusterless
            || self.target_is_empty(account_index, region_index)
        {
            return 0;
        }
        spread_around(
            self.clusters_per_target,
            hash_parts(&[self.seed, a, r, CLUSTER_COUNT_SALT]),
        )
    }

    /// The kind and member count of configured cluster `index`, cheaply (instances need it).
    fn cluster_plan(&self, a: usize, r: usize, index: usize) -> (ClusterEngine, usize) {
        let (a, r, i) = (a as u64, r as u64, index as u64);
        let offset = hash_parts(&[self.seed, a, r, CLUSTER_KIND_SALT]);
        let kinds = self.cluster_engines.len() as u64;
        let kind = self.cluster_engines[(offset.wrapping_add(i) % kinds) as usize];
        let hash = hash_parts(&[self.seed, a, r, i, CLUSTER_PLAN_SALT]);
        let (fewest, most) = kind.profile().members;
        let drawn = fewest + (hash % (most - fewest + 1) as u64) as usize;
        let members = if index == 0 {
            drawn.max(2)
        } else if kind.is_aurora() && (hash >> 16).is_multiple_of(10) {
            0
        } else {
            drawn
        };
        (kind, members)
    }

    /// Instances generated for configured clusters in the target.
    pub(crate) fn cluster_member_count(&self, a: usize, r: usize) -> usize {
        (0..self.configured_cluster_count(a, r))
            .map(|index| self.cluster_plan(a, r, index).1)
            .sum()
    }

    /// The `position`-th cluster member instance of the target (clusters in order, members
    /// in order).
    pub(crate) fn cluster_member_at(&self, a: usize, r: usize, position: usize) -> FakeInstance {
        let mut left = position;
        for index in 0..self.configured_cluster_count(a, r) {
            let members = self.cluster_plan(a, r, index).1;
            if left < members {
                let cluster = self.configured_cluster(a, r, index);
                return self.member_instance(&cluster, a, r, index, left);
            }
            left -= members;
        }
        panic!("no cluster member at position {position} of target ({a}, {r})")
    }

    /// Configured cluster `index` of the target.
    fn configured_cluster(&self, a: usize, r: usize, index: usize) -> FakeCluster {
        let account = &self.accounts[a];
        let region = &self.regions[r];
        let (kind, member_count) = self.cluster_plan(a, r, index);
        let profile = kind.profile();
        let first = index == 0;
        let mut rng = SplitMix64::new(hash_parts(&[
            self.seed,
            a as u64,
            r as u64,
            index as u64,
            CLUSTER_DETAIL_SALT,
        ]));
        let identifier = format!("cl-{}-{region}-{index:04}", account_suffix(account));
        let resource_id = format!("cluster-{}", rng.string_from(UPPER_ALNUM, 26));
        let engine_version = rng.pick(profile.versions).to_string();
        let status = match rng.below(100) {
            _ if first => "available",
            0..=84 => "available",
            85..=91 => "stopped",
            92..=95 => "modifying",
            _ => "backing-up",
        };
        let member_instance_class = rng.pick(profile.classes).to_string();
        let (allocated_storage, storage_type, iops) = if kind.is_multi_az_db_cluster() {
            let storage = 100 + rng.below(1901) as i32;
            if rng.percent(50) {
                (storage, "io1", Some(1000 * (3 + rng.below(8) as i32)))
            } else {
                (storage, "gp3", Some(3000))
            }
        } else if kind.is_aurora() {
            (
                1,
                if rng.percent(25) {
                    "aurora-iopt1"
                } else {
                    "aurora"
                },
                None,
            )
        } else {
            (1, if rng.percent(20) { "iopt1" } else { "standard" }, None)
        };
        let storage_encrypted = rng.percent(85) || first;
        let deletion_protection = rng.percent(50) || first;
        let retention = *rng.pick(&[1, 7, 14, 35]);
        let backup_retention_period = if first { 7 } else { retention };
        let (zone, vpc_id) = self.target_network(a, r);
        let (endpoint, reader_endpoint) =
            cluster_endpoints(&identifier, &zone, region, profile.service);
        let create_time = OLDEST_CREATE_TIME + rng.below(CREATE_TIME_SPAN_SECS) as i64;
        let environment = *rng.pick(ENVIRONMENTS);
        let tags = generate_tags(&mut rng, environment);
        let members = (0..member_count)
            .map(|m| FakeClusterMember {
                db_instance_identifier: format!("{identifier}-instance-{}", m + 1),
                is_cluster_writer: m == 0,
                promotion_tier: (m as i32).min(15),
            })
            .collect();
        let shape = if first {
            RecordShape::Complete
        } else {
            shape_by_hash(&resource_id)
        };
        FakeCluster {
            account_id: account.clone(),
            region: region.clone(),
            arn: cluster_arn(account, region, &identifier),
            resource_id,
            kind: Some(kind),
            engine: profile.engine.to_string(),
            engine_version,
            status: status.to_string(),
            db_cluster_instance_class: kind
                .is_multi_az_db_cluster()
                .then(|| member_instance_class.clone()),
            allocated_storage,
            storage_type: storage_type.to_string(),
            iops,
            storage_encrypted,
            deletion_protection,
            backup_retention_period,
            multi_az: kind.is_multi_az_db_cluster() || member_count >= 2,
            port: profile.port,
            endpoint,
            reader_endpoint,
            db_subnet_group_name: format!("{environment}-db-subnets"),
            vpc_id,
            cluster_create_time: iso8601(create_time),
            tags,
            members,
            implied: false,
            member_instance_class,
            identifier,
            shape,
            create_unix: create_time,
        }
    }

    /// Member `m` of configured cluster `index`: the members that the cluster governs look
    /// as AWS reports them on instances (no deletion protection, not Multi-AZ, storage 1 for
    /// Aurora, DocumentDB and Neptune), the rest follow the cluster.
    fn member_instance(
        &self,
        cluster: &FakeCluster,
        a: usize,
        r: usize,
        index: usize,
        m: usize,
    ) -> FakeInstance {
        let mut rng = SplitMix64::new(hash_parts(&[
            self.seed,
            a as u64,
            r as u64,
            index as u64,
            m as u64,
            MEMBER_SALT,
        ]));
        let kind = cluster.kind.unwrap_or(ClusterEngine::AuroraPostgresql);
        let identifier = cluster.members[m].db_instance_identifier.clone();
        let region = cluster.region.as_str();
        let (zone, _) = self.target_network(a, r);
        let status = if cluster.status == "stopped" {
            "stopped"
        } else if m > 0 && rng.percent(5) {
            "modifying"
        } else {
            "available"
        };
        let resource_id = format!("db-{}", rng.string_from(UPPER_ALNUM, 26));
        let (allocated_storage, storage_type) = if kind.is_multi_az_db_cluster() {
            (cluster.allocated_storage, cluster.storage_type.clone())
        } else if kind.is_aurora() {
            (1, cluster.storage_type.clone())
        } else {
            (1, "aurora".to_string())
        };
        let created = cluster.create_unix + 600 * (m as i64 + 1);
        FakeInstance {
            account_id: cluster.account_id.clone(),
            region: cluster.region.clone(),
            arn: format!(
                "arn:{}:rds:{region}:{}:db:{identifier}",
                partition(region),
                cluster.account_id
            ),
            resource_id,
            instance_class: cluster.member_instance_class.clone(),
            engine: cluster.engine.clone(),
            engine_version: cluster.engine_version.clone(),
            status: status.to_string(),
            endpoint_address: Some(format!(
                "{identifier}.{zone}.{region}.{}.{}",
                kind.profile().service,
                dns_suffix(region)
            )),
            endpoint_port: Some(cluster.port),
            allocated_storage,
            storage_type,
            storage_encrypted: cluster.storage_encrypted,
            multi_az: false,
            availability_zone: Some(format!("{region}{}", ['a', 'b', 'c'][m % 3])),
            publicly_accessible: rng.percent(10),
            deletion_protection: false,
            db_cluster_identifier: Some(cluster.identifier.clone()),
            db_subnet_group_name: cluster.db_subnet_group_name.clone(),
            vpc_id: cluster.vpc_id.clone(),
            instance_create_time: Some(iso8601(created)),
            tags: cluster.tags.clone(),
            identifier,
        }
    }

    /// The one-member cluster a standalone instance with `DBClusterIdentifier` implies.
    fn implied_cluster(&self, a: usize, r: usize, instance: &FakeInstance) -> Option<FakeCluster> {
        let identifier = instance.db_cluster_identifier.clone()?;
        let mut rng = SplitMix64::new(hash_parts(&[
            self.seed,
            hash_str(&identifier),
            IMPLIED_SALT,
        ]));
        let resource_id = format!("cluster-{}", rng.string_from(UPPER_ALNUM, 26));
        let status = match instance.status.as_str() {
            "stopped" | "creating" | "backing-up" => instance.status.as_str(),
            _ => "available",
        };
        let (zone, _) = self.target_network(a, r);
        let (endpoint, reader_endpoint) =
            cluster_endpoints(&identifier, &zone, &instance.region, "rds");
        let created = OLDEST_CREATE_TIME + rng.below(CREATE_TIME_SPAN_SECS) as i64;
        let shape = shape_by_hash(&resource_id);
        Some(FakeCluster {
            account_id: instance.account_id.clone(),
            region: instance.region.clone(),
            arn: cluster_arn(&instance.account_id, &instance.region, &identifier),
            resource_id,
            kind: None,
            engine: instance.engine.clone(),
            engine_version: instance.engine_version.clone(),
            status: status.to_string(),
            db_cluster_instance_class: None,
            allocated_storage: 1,
            storage_type: "aurora".to_string(),
            iops: None,
            storage_encrypted: instance.storage_encrypted,
            deletion_protection: rng.percent(50),
            backup_retention_period: *rng.pick(&[1, 7, 14, 35]),
            multi_az: false,
            port: instance.endpoint_port.unwrap_or(5432),
            endpoint,
            reader_endpoint,
            db_subnet_group_name: instance.db_subnet_group_name.clone(),
            vpc_id: instance.vpc_id.clone(),
            cluster_create_time: iso8601(created),
            tags: instance.tags.clone(),
            members: vec![FakeClusterMember {
                db_instance_identifier: instance.identifier.clone(),
                is_cluster_writer: true,
                promotion_tier: 1,
            }],
            implied: true,
            member_instance_class: instance.instance_class.clone(),
            identifier,
            shape,
            create_unix: created,
        })
    }

    /// Every cluster of the target in `generation`: configured ones, then implied ones in
    /// instance order.
    pub(crate) fn clusters_in(&self, generation: u64, a: usize, r: usize) -> Vec<FakeCluster> {
        let configured = (0..self.configured_cluster_count(a, r))
            .map(|index| self.configured_cluster(a, r, index));
        let implied = (0..self.standalone_count_in(generation, a, r)).filter_map(|position| {
            let instance = self.instance_in(generation, a, r, position);
            self.implied_cluster(a, r, &instance)
        });
        configured.chain(implied).collect()
    }

    /// The clusters of one (account, region) (in `generation`), as DescribeDBClusters lists
    /// them; empty if either is not configured.
    pub fn target_clusters(&self, account_id: &str, region: &str) -> Vec<FakeCluster> {
        match self.target_indices(account_id, region) {
            Some((a, r)) => self.clusters_in(self.generation, a, r),
            None => Vec::new(),
        }
    }

    /// Every cluster of every target, in config order.
    pub fn clusters(&self) -> Vec<FakeCluster> {
        let mut all = Vec::new();
        for a in 0..self.accounts.len() {
            for r in 0..self.regions.len() {
                all.extend(self.clusters_in(self.generation, a, r));
            }
        }
        all
    }

    /// The clusters a correct client can report: as `reachable_inventory`, and also
    /// without `clusters_denied_accounts`.
    pub fn reachable_clusters(&self) -> Vec<FakeCluster> {
        let mut reachable = Vec::new();
        for (a, account) in self.accounts.iter().enumerate() {
            if self.clusters_denied_accounts.contains(account) {
                continue;
            }
            for (r, region) in self.regions.iter().enumerate() {
                if self.target_reachable(account, region) {
                    reachable.extend(self.clusters_in(self.generation, a, r));
                }
            }
        }
        reachable
    }

    /// Targets where some instance carries `DBClusterIdentifier` (in `generation`), in
    /// config order.
    pub fn targets_with_cluster_members(&self) -> Vec<(String, String)> {
        let mut targets = Vec::new();
        for (a, account) in self.accounts.iter().enumerate() {
            for (r, region) in self.regions.iter().enumerate() {
                let has_members = self
                    .clusters_in(self.generation, a, r)
                    .iter()
                    .any(|cluster| !cluster.members.is_empty());
                if has_members {
                    targets.push((account.clone(), region.clone()));
                }
            }
        }
        targets
    }

    pub(crate) fn target_indices(&self, account_id: &str, region: &str) -> Option<(usize, usize)> {
        let a = self.accounts.iter().position(|x| x == account_id)?;
        let r = self.regions.iter().position(|x| x == region)?;
        Some((a, r))
    }
}

#[cfg(test)]
mod tests;
