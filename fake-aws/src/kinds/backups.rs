//! DescribeDBInstanceAutomatedBackups and DescribeDBClusterAutomatedBackups: `active` (or
//! `creating`) backups of the target's listed instances / clusters, then `retained` ones of
//! instances / clusters that were deleted (no longer listed).

use super::resource::{each_item, some_tags, Emit, FakeResource, KindSpec, Serve};
use crate::config::{FakeConfig, ResourceKind};
use crate::inventory::account_suffix;
use crate::record_parts::{
    emit_additional_storage_volumes, emit_tags, license_model, partition, Alnum, DAY,
    REFERENCE_UNIX,
};
use crate::rng::SplitMix64;
use crate::sink::Sink;
use crate::time::iso8601;

pub(crate) const INSTANCE_BACKUPS: KindSpec = KindSpec {
    kind: ResourceKind::AutomatedBackups,
    action: "DescribeDBInstanceAutomatedBackups",
    flag: Some("automated-backups"),
    list: "DBInstanceAutomatedBackups",
    item: "DBInstanceAutomatedBackup",
    marker: "ab1",
    account_wide: false,
    lookup: ("DBInstanceIdentifier", None),
    status_filter: true,
    generate: instance_backups,
    serve: Serve::List,
};

pub(crate) const CLUSTER_BACKUPS: KindSpec = KindSpec {
    kind: ResourceKind::ClusterAutomatedBackups,
    action: "DescribeDBClusterAutomatedBackups",
    flag: Some("cluster-automated-backups"),
    list: "DBClusterAutomatedBackups",
    item: "DBClusterAutomatedBackup",
    marker: "cab1",
    account_wide: false,
    lookup: ("DBClusterIdentifier", None),
    status_filter: true,
    generate: cluster_backups,
    serve: Serve::List,
};

/// What a backup copies from its source (a listed instance or cluster, or a deleted one).
struct Source {
    identifier: String,
    arn: String,
    resource_id: String,
    engine: String,
    engine_version: String,
    /// `active`, `creating` (source still creating) or `retained` (source deleted).
    status: &'static str,
    allocated_storage: i64,
    storage_type: String,
    encrypted: bool,
    port: i64,
    availability_zone: String,
    create_time: String,
}

/// One automated backup of either kind; `cluster` picks the record.
struct Backup {
    cluster: bool,
    account: String,
    region: String,
    source: Source,
    vpc_id: String,
    backups_arn: String,
    replica_arn: String,
    recovery_point_arn: String,
    kms_arn: String,
    master_username: &'static str,
    iam_auth: bool,
    backup_hour: u64,
    latest_unix: i64,
    tags: Vec<(String, String)>,
}

/// About a third of the backups (rounded) are retained, the rest active, one per listed
/// source while there are sources.
fn retained_count(count: usize) -> usize {
    count.div_ceil(3)
}

/// A source that no longer exists: `db-`/`cl-<last 4>-<region>-deleted-<NNNN>`.
fn deleted_source(
    cluster: bool,
    (account, region): (&str, &str),
    index: usize,
    rng: &mut SplitMix64,
) -> Source {
    let prefix = if cluster { "cl" } else { "db" };
    let identifier = format!(
        "{prefix}-{}-{region}-deleted-{index:04}",
        account_suffix(account)
    );
    let resource = if cluster { "cluster" } else { "db" };
    let (engine, engine_version, port) = if cluster {
        *rng.pick(&[
            ("aurora-postgresql", "15.8", 5432),
            ("aurora-mysql", "8.0.mysql_aurora.3.05.2", 3306),
        ])
    } else {
        *rng.pick(&[("postgres", "14.12", 5432), ("mysql", "8.0.36", 3306)])
    };
    Source {
        arn: format!(
            "arn:{}:rds:{region}:{account}:{resource}:{identifier}",
            partition(region)
        ),
        identifier,
        resource_id: format!("{}-{}", resource, Alnum(rng.next_u64(), 26)).to_uppercase(),
        engine: engine.to_string(),
        engine_version: engine_version.to_string(),
        status: "retained",
        allocated_storage: if cluster {
            1
        } else {
            20 + rng.below(500) as i64
        },
        storage_type: if cluster { "aurora" } else { "gp3" }.to_string(),
        encrypted: rng.percent(70),
        port,
        availability_zone: format!("{region}{}", rng.pick(&['a', 'b', 'c'])),
        create_time: iso8601(REFERENCE_UNIX - 400 * DAY - rng.below(600) as i64 * DAY),
    }
}

fn build(
    config: &FakeConfig,
    cluster: bool,
    (a, r): (usize, usize),
    listed: Vec<Source>,
    count: usize,
) -> Vec<FakeResource> {
    let kind = if cluster {
        ResourceKind::ClusterAutomatedBackups
    } else {
        ResourceKind::AutomatedBackups
    };
    let (account, region) = (config.accounts[a].as_str(), config.regions[r].as_str());
    let p = partition(region);
    let (_, vpc_id) = config.target_network(a, r);
    let active = listed.len().min(count - retained_count(count));
    let replica_region = if region == "us-west-2" {
        "us-east-1"
    } else {
        "us-west-2"
    };
    let mut sources = listed.into_iter().take(active);
    each_item(config, kind, (a, r), count, |index, rng| {
        let source = sources
            .next()
            .unwrap_or_else(|| deleted_source(cluster, (account, region), index, rng));
        let (prefix, resource) = if cluster {
            ("cab", "cluster-auto-backup")
        } else {
            ("ab", "auto-backup")
        };
        let id = Alnum(rng.next_u64(), 26).to_string();
        let backups_arn = format!("arn:{p}:rds:{region}:{account}:{resource}:{prefix}-{id}");
        let retained = source.status == "retained";
        let latest_unix = if retained {
            REFERENCE_UNIX - (30 + rng.below(300) as i64) * DAY
        } else {
            REFERENCE_UNIX - rng.below(3600) as i64
        };
        let backup = Backup {
            cluster,
            account: account.to_string(),
            region: region.to_string(),
            vpc_id: vpc_id.clone(),
            replica_arn: format!(
                "arn:{p}:rds:{replica_region}:{account}:{resource}:{prefix}-{}",
                Alnum(rng.next_u64(), 26)
            ),
            recovery_point_arn: format!(
                "arn:{p}:backup:{region}:{account}:recovery-point:continuous:{}-{}",
                source.identifier,
                Alnum(rng.next_u64(), 8)
            ),
            kms_arn: format!(
                "arn:{p}:kms:{region}:{account}:key/{}",
                crate::record_parts::Uuid(u128::from(rng.next_u64()) << 64)
            ),
            master_username: if source.engine.contains("postgres") {
                "postgres"
            } else {
                "admin"
            },
            iam_auth: rng.percent(30),
            backup_hour: rng.below(24),
            latest_unix,
            tags: some_tags(rng),
            backups_arn: backups_arn.clone(),
            source,
        };
        let identity = (
            backup.source.identifier.clone(),
            backups_arn,
            backup.source.status.to_string(),
        );
        (identity, backup)
    })
}

fn instance_backups(
    config: &FakeConfig,
    generation: u64,
    (a, r): (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    let listed = (0..config.instance_count_in(generation, a, r))
        .map(|position| config.instance_in(generation, a, r, position))
        .filter(|instance| instance.db_cluster_identifier.is_none())
        .map(|instance| Source {
            status: if instance.status == "creating" {
                "creating"
            } else {
                "active"
            },
            port: instance.endpoint_port.map_or(5432, i64::from),
            availability_zone: instance
                .availability_zone
                .unwrap_or_else(|| format!("{}a", config.regions[r])),
            create_time: instance
                .instance_create_time
                .unwrap_or_else(|| iso8601(REFERENCE_UNIX)),
            identifier: instance.identifier,
            arn: instance.arn,
            resource_id: instance.resource_id,
            engine: instance.engine,
            engine_version: instance.engine_version,
            allocated_storage: i64::from(instance.allocated_storage),
            storage_type: instance.storage_type,
            encrypted: instance.storage_encrypted,
        })
        .collect();
    build(config, false, (a, r), listed, count)
}

fn cluster_backups(
    config: &FakeConfig,
    generation: u64,
    (a, r): (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    let listed = config
        .clusters_in(generation, a, r)
        .into_iter()
        .map(|cluster| Source {
            status: if cluster.status == "creating" {
                "creating"
            } else {
                "active"
            },
            port: i64::from(cluster.port),
            availability_zone: format!("{}a", config.regions[r]),
            identifier: cluster.identifier,
            arn: cluster.arn,
            resource_id: cluster.resource_id,
            engine: cluster.engine,
            engine_version: cluster.engine_version,
            allocated_storage: i64::from(cluster.allocated_storage),
            storage_type: cluster.storage_type,
            encrypted: cluster.storage_encrypted,
            create_time: cluster.cluster_create_time,
        })
        .collect();
    build(config, true, (a, r), listed, count)
}

impl Emit for Backup {
    fn emit<S: Sink>(&self, s: &mut S) {
        let source = &self.source;
        let (id_xml, id_json) = if self.cluster {
            ("DBClusterIdentifier", "db_cluster_identifier")
        } else {
            ("DBInstanceIdentifier", "db_instance_identifier")
        };
        s.text(id_xml, id_json, Some(&source.identifier));
        s.text("Region", "region", Some(&self.region));
        s.object("RestoreWindow", "restore_window", true, |s| {
            s.time(
                "EarliestTime",
                "earliest_time",
                Some(self.latest_unix - 7 * DAY),
            );
            s.time("LatestTime", "latest_time", Some(self.latest_unix));
        });
        s.int(
            "AllocatedStorage",
            "allocated_storage",
            Some(source.allocated_storage),
        );
        s.text("Status", "status", Some(source.status));
        s.int("Port", "port", Some(source.port));
        s.text("VpcId", "vpc_id", Some(&self.vpc_id));
        s.text(
            "MasterUsername",
            "master_username",
            Some(self.master_username),
        );
        s.text("Engine", "engine", Some(&source.engine));
        s.text(
            "EngineVersion",
            "engine_version",
            Some(&source.engine_version),
        );
        let license = license_model(&source.engine);
        s.text("LicenseModel", "license_model", Some(license));
        s.int("Iops", "iops", Some(3000));
        s.int("StorageThroughput", "storage_throughput", Some(125));
        let encryption = if source.encrypted { "sse-kms" } else { "none" };
        s.text(
            "StorageEncryptionType",
            "storage_encryption_type",
            Some(encryption),
        );
        s.text("StorageType", "storage_type", Some(&source.storage_type));
        s.text("KmsKeyId", "kms_key_id", Some(&self.kms_arn));
        s.boolean(
            "IAMDatabaseAuthenticationEnabled",
            "iam_database_authentication_enabled",
            Some(self.iam_auth),
        );
        s.int("BackupRetentionPeriod", "backup_retention_period", Some(7));
        let hour = self.backup_hour;
        s.text_fmt(
            "PreferredBackupWindow",
            "preferred_backup_window",
            Some(format_args!("{hour:02}:00-{hour:02}:30")),
        );
        s.text(
            "AwsBackupRecoveryPointArn",
            "aws_backup_recovery_point_arn",
            Some(&self.recovery_point_arn),
        );
        emit_tags(s, &self.tags);
        if self.cluster {
            self.emit_cluster_members(s);
        } else {
            self.emit_instance_members(s);
        }
    }
}

impl Backup {
    /// The members only `DBClusterAutomatedBackup` has.
    fn emit_cluster_members<S: Sink>(&self, s: &mut S) {
        let source = &self.source;
        s.text(
            "DBClusterAutomatedBackupsArn",
            "db_cluster_automated_backups_arn",
            Some(&self.backups_arn),
        );
        s.text(
            "DbClusterResourceId",
            "db_cluster_resource_id",
            Some(&source.resource_id),
        );
        s.text(
            "ClusterCreateTime",
            "cluster_create_time",
            Some(&source.create_time),
        );
        s.boolean(
            "StorageEncrypted",
            "storage_encrypted",
            Some(source.encrypted),
        );
        s.text("DBClusterArn", "db_cluster_arn", Some(&source.arn));
        s.text("EngineMode", "engine_mode", Some("provisioned"));
        s.list(
            "AvailabilityZones",
            "availability_zones",
            Some(2),
            |s, i| {
                s.item_text(
                    "AvailabilityZone",
                    format_args!("{}{}", self.region, ['a', 'b'][i]),
                )
            },
        );
    }

    /// The members only `DBInstanceAutomatedBackup` has.
    fn emit_instance_members<S: Sink>(&self, s: &mut S) {
        let source = &self.source;
        s.text("DBInstanceArn", "db_instance_arn", Some(&source.arn));
        s.text(
            "DbiResourceId",
            "dbi_resource_id",
            Some(&source.resource_id),
        );
        s.text(
            "AvailabilityZone",
            "availability_zone",
            Some(&source.availability_zone),
        );
        s.text(
            "InstanceCreateTime",
            "instance_create_time",
            Some(&source.create_time),
        );
        let family = source.engine.split('-').next().unwrap_or_default();
        s.text_fmt(
            "OptionGroupName",
            "option_group_name",
            Some(format_args!("default:{family}")),
        );
        s.text_fmt(
            "TdeCredentialArn",
            "tde_credential_arn",
            Some(format_args!(
                "arn:{}:rds:{}:{}:tde-credential:{}",
                partition(&self.region),
                self.region,
                self.account,
                source.identifier
            )),
        );
        s.boolean("Encrypted", "encrypted", Some(source.encrypted));
        s.text("Timezone", "timezone", Some("UTC"));
        s.text(
            "DBInstanceAutomatedBackupsArn",
            "db_instance_automated_backups_arn",
            Some(&self.backups_arn),
        );
        s.list(
            "DBInstanceAutomatedBackupsReplications",
            "db_instance_automated_backups_replications",
            Some(1),
            |s, _| {
                s.item_object("DBInstanceAutomatedBackupsReplication", |s| {
                    s.text(
                        "DBInstanceAutomatedBackupsArn",
                        "db_instance_automated_backups_arn",
                        Some(&self.replica_arn),
                    )
                })
            },
        );
        s.text("BackupTarget", "backup_target", Some("region"));
        s.boolean("MultiTenant", "multi_tenant", Some(false));
        s.boolean("DedicatedLogVolume", "dedicated_log_volume", Some(false));
        emit_additional_storage_volumes(s, Some(1), ("rdsdbdata2", 200));
    }
}
