//! The complete DBSnapshot (42 members of the SDK's `DbSnapshot`) and DBClusterSnapshot (29
//! members of `DbClusterSnapshot`), with the element names the SDK's deserializers read.
//! Identity, source, type, times, engine, storage, encryption and tags are present in every
//! shape; the rest follows `RecordShape`.

use super::{FakeSnapshot, SnapshotKind, SnapshotType};
use crate::lifecycle::major_engine_version;
use crate::record_parts::{
    emit_additional_storage_volumes, emit_processor_features, emit_tags, hash_str, license_model,
    list_len, partition, pick, Alnum, RecordShape, Uuid,
};
use crate::rng::hash_parts;
use crate::sink::{JsonSink, Sink};
use serde_json::Value;

/// What both kinds of snapshot derive the same way.
struct Derived {
    shape: RecordShape,
    automated: bool,
    copied: bool,
    kms_arn: String,
    backup_window: String,
    encryption_type: &'static str,
    iam_auth: bool,
    gp3: bool,
}

fn derive(snapshot: &FakeSnapshot) -> (Derived, impl Fn(u64) -> u64) {
    let seed = hash_str(&snapshot.identifier);
    let draw = move |purpose: u64| hash_parts(&[seed, purpose]);
    let (p, region, account) = (
        partition(&snapshot.region),
        snapshot.region.as_str(),
        snapshot.account_id.as_str(),
    );
    let kms_key = Uuid(u128::from(draw(1)) << 64 | u128::from(draw(2)));
    let backup_hour = draw(3) % 24;
    let derived = Derived {
        shape: snapshot.shape,
        automated: snapshot.snapshot_type == SnapshotType::Automated,
        copied: snapshot.snapshot_type == SnapshotType::Manual && draw(4) % 20 == 0,
        kms_arn: format!("arn:{p}:kms:{region}:{account}:key/{kms_key}"),
        backup_window: format!("{backup_hour:02}:00-{backup_hour:02}:30"),
        encryption_type: if snapshot.encrypted {
            "sse-kms"
        } else {
            "none"
        },
        iam_auth: draw(5) % 3 == 0,
        gp3: snapshot.storage_type == "gp3",
    };
    (derived, draw)
}

/// The members both records share, in the order both SDK shapes list them after the
/// kind-specific ones: encryption, retention, backup window and KMS key.
fn emit_encryption_and_backup<S: Sink>(s: &mut S, snapshot: &FakeSnapshot, d: &Derived) {
    s.text(
        "StorageEncryptionType",
        "storage_encryption_type",
        pick(d.shape, "sse-kms", Some(d.encryption_type)),
    );
    s.int(
        "BackupRetentionPeriod",
        "backup_retention_period",
        pick(d.shape, 7, d.automated.then_some(7)),
    );
    s.text(
        "PreferredBackupWindow",
        "preferred_backup_window",
        pick(
            d.shape,
            d.backup_window.as_str(),
            d.automated.then_some(d.backup_window.as_str()),
        ),
    );
    s.text(
        "KmsKeyId",
        "kms_key_id",
        pick(
            d.shape,
            d.kms_arn.as_str(),
            snapshot.encrypted.then_some(d.kms_arn.as_str()),
        ),
    );
}

/// `EngineVersion`, `LicenseModel` and `SnapshotType`, which both records list in this order.
fn emit_version_license_and_type<S: Sink>(s: &mut S, snapshot: &FakeSnapshot, shape: RecordShape) {
    s.text(
        "EngineVersion",
        "engine_version",
        Some(&snapshot.engine_version),
    );
    let license = license_model(&snapshot.engine);
    s.text(
        "LicenseModel",
        "license_model",
        pick(shape, license, Some(license)),
    );
    s.text(
        "SnapshotType",
        "snapshot_type",
        Some(snapshot.snapshot_type.as_str()),
    );
}

impl FakeSnapshot {
    /// The record as served: one key per `DbSnapshot` member (42) for an instance snapshot,
    /// per `DbClusterSnapshot` member (29) for a cluster snapshot, named as the SDK names it,
    /// with the conventions of `FakeInstance::db_instance_json`.
    pub fn record_json(&self) -> Value {
        let mut sink = JsonSink::new();
        match self.kind {
            SnapshotKind::Instance => emit_db_snapshot(self, &mut sink),
            SnapshotKind::Cluster => emit_db_cluster_snapshot(self, &mut sink),
        }
        sink.finish()
    }
}

/// Writes every member of one `DBSnapshot` (without the enclosing element).
pub(crate) fn emit_db_snapshot<S: Sink>(snapshot: &FakeSnapshot, s: &mut S) {
    let (d, draw) = derive(snapshot);
    let shape = d.shape;
    let engine = snapshot.engine.as_str();
    let region = snapshot.region.as_str();
    let account = snapshot.account_id.as_str();
    let p = partition(region);
    let oracle = engine.starts_with("oracle");
    let sqlserver = engine.starts_with("sqlserver");
    let create = snapshot.create_unix();
    let az = snapshot.availability_zone.as_deref();

    s.text(
        "DBSnapshotIdentifier",
        "db_snapshot_identifier",
        Some(&snapshot.identifier),
    );
    s.text(
        "DBInstanceIdentifier",
        "db_instance_identifier",
        Some(&snapshot.source_identifier),
    );
    s.time("SnapshotCreateTime", "snapshot_create_time", Some(create));
    s.text("Engine", "engine", Some(engine));
    s.int(
        "AllocatedStorage",
        "allocated_storage",
        Some(i64::from(snapshot.allocated_storage)),
    );
    s.text("Status", "status", Some(&snapshot.status));
    s.int("Port", "port", Some(i64::from(snapshot.port)));
    s.text("AvailabilityZone", "availability_zone", az);
    s.text("VpcId", "vpc_id", Some(&snapshot.vpc_id));
    s.text(
        "InstanceCreateTime",
        "instance_create_time",
        Some(&snapshot.source_create_time),
    );
    s.text(
        "MasterUsername",
        "master_username",
        pick(
            shape,
            snapshot.master_username.as_str(),
            Some(snapshot.master_username.as_str()),
        ),
    );
    emit_version_license_and_type(s, snapshot, shape);
    s.int(
        "Iops",
        "iops",
        pick(shape, 3000, snapshot.iops.map(i64::from)),
    );
    s.int(
        "StorageThroughput",
        "storage_throughput",
        pick(shape, 125, d.gp3.then_some(125)),
    );
    let major = major_engine_version(engine, &snapshot.engine_version);
    let option_group = format!("default:{engine}-{}", major.replace('.', "-"));
    s.text(
        "OptionGroupName",
        "option_group_name",
        pick(shape, option_group.as_str(), Some(option_group.as_str())),
    );
    s.int(
        "PercentProgress",
        "percent_progress",
        Some(i64::from(snapshot.percent_progress)),
    );
    s.text(
        "SourceRegion",
        "source_region",
        pick(shape, "us-west-2", d.copied.then_some("us-west-2")),
    );
    let copied_from = format!(
        "arn:{p}:rds:us-west-2:{account}:snapshot:{}-origin",
        snapshot.source_identifier
    );
    s.text(
        "SourceDBSnapshotIdentifier",
        "source_db_snapshot_identifier",
        pick(
            shape,
            copied_from.as_str(),
            d.copied.then_some(copied_from.as_str()),
        ),
    );
    s.text("StorageType", "storage_type", Some(&snapshot.storage_type));
    s.text_fmt(
        "TdeCredentialArn",
        "tde_credential_arn",
        pick(
            shape,
            format_args!(
                "arn:{p}:rds:{region}:{account}:tde:tde-{}",
                Alnum(draw(6), 8)
            ),
            None,
        ),
    );
    s.boolean("Encrypted", "encrypted", Some(snapshot.encrypted));
    emit_encryption_and_backup(s, snapshot, &d);
    s.text("DBSnapshotArn", "db_snapshot_arn", Some(&snapshot.arn));
    s.text(
        "Timezone",
        "timezone",
        pick(shape, "UTC", sqlserver.then_some("UTC")),
    );
    s.boolean(
        "IAMDatabaseAuthenticationEnabled",
        "iam_database_authentication_enabled",
        pick(shape, true, Some(d.iam_auth)),
    );
    emit_processor_features(s, list_len(shape, 2, oracle.then_some(2)));
    s.text(
        "DbiResourceId",
        "dbi_resource_id",
        Some(&snapshot.source_resource_id),
    );
    emit_tags(s, &snapshot.tags);
    s.text(
        "SnapshotTarget",
        "snapshot_target",
        pick(shape, "region", Some("region")),
    );
    let original = if d.copied { create - 3 * 3600 } else { create };
    s.time(
        "OriginalSnapshotCreateTime",
        "original_snapshot_create_time",
        pick(shape, original, Some(original)),
    );
    s.time(
        "SnapshotDatabaseTime",
        "snapshot_database_time",
        pick(shape, create - 60, Some(create - 60)),
    );
    s.text(
        "DBSystemId",
        "db_system_id",
        pick(shape, "ORCL", oracle.then_some("ORCL")),
    );
    s.boolean(
        "MultiTenant",
        "multi_tenant",
        pick(shape, false, oracle.then_some(false)),
    );
    s.boolean(
        "DedicatedLogVolume",
        "dedicated_log_volume",
        pick(shape, false, Some(false)),
    );
    emit_additional_storage_volumes(s, list_len(shape, 1, None), ("rdsdbdata2", 200));
    s.text(
        "SnapshotAvailabilityZone",
        "snapshot_availability_zone",
        pick(shape, az.unwrap_or_default(), az),
    );
    let used =
        i64::from(snapshot.allocated_storage) * (1 << 30) / 100 * (20 + (draw(7) % 70) as i64);
    s.int(
        "FullSnapshotSizeInBytes",
        "full_snapshot_size_in_bytes",
        pick(shape, used, Some(used)),
    );
}

/// Writes every member of one `DBClusterSnapshot` (without the enclosing element).
pub(crate) fn emit_db_cluster_snapshot<S: Sink>(snapshot: &FakeSnapshot, s: &mut S) {
    let (d, draw) = derive(snapshot);
    let shape = d.shape;
    let engine = snapshot.engine.as_str();
    let region = snapshot.region.as_str();
    let account = snapshot.account_id.as_str();
    let p = partition(region);

    s.list(
        "AvailabilityZones",
        "availability_zones",
        list_len(shape, 3, Some(3)),
        |s, i| {
            s.item_text(
                "AvailabilityZone",
                format_args!("{region}{}", ['a', 'b', 'c'][i]),
            )
        },
    );
    s.text(
        "DBClusterSnapshotIdentifier",
        "db_cluster_snapshot_identifier",
        Some(&snapshot.identifier),
    );
    s.text(
        "DBClusterIdentifier",
        "db_cluster_identifier",
        Some(&snapshot.source_identifier),
    );
    s.time(
        "SnapshotCreateTime",
        "snapshot_create_time",
        Some(snapshot.create_unix()),
    );
    s.text("Engine", "engine", Some(engine));
    s.text(
        "EngineMode",
        "engine_mode",
        pick(shape, "provisioned", Some("provisioned")),
    );
    s.int(
        "AllocatedStorage",
        "allocated_storage",
        Some(i64::from(snapshot.allocated_storage)),
    );
    s.text("Status", "status", Some(&snapshot.status));
    s.int("Port", "port", Some(i64::from(snapshot.port)));
    s.text("VpcId", "vpc_id", Some(&snapshot.vpc_id));
    s.text(
        "ClusterCreateTime",
        "cluster_create_time",
        Some(&snapshot.source_create_time),
    );
    s.text(
        "MasterUsername",
        "master_username",
        pick(
            shape,
            snapshot.master_username.as_str(),
            (engine != "neptune").then_some(snapshot.master_username.as_str()),
        ),
    );
    emit_version_license_and_type(s, snapshot, shape);
    s.int(
        "PercentProgress",
        "percent_progress",
        Some(i64::from(snapshot.percent_progress)),
    );
    s.boolean(
        "StorageEncrypted",
        "storage_encrypted",
        Some(snapshot.encrypted),
    );
    emit_encryption_and_backup(s, snapshot, &d);
    s.text(
        "DBClusterSnapshotArn",
        "db_cluster_snapshot_arn",
        Some(&snapshot.arn),
    );
    let copied_from = format!(
        "arn:{p}:rds:us-west-2:{account}:cluster-snapshot:{}-origin",
        snapshot.source_identifier
    );
    s.text(
        "SourceDBClusterSnapshotArn",
        "source_db_cluster_snapshot_arn",
        pick(
            shape,
            copied_from.as_str(),
            d.copied.then_some(copied_from.as_str()),
        ),
    );
    s.boolean(
        "IAMDatabaseAuthenticationEnabled",
        "iam_database_authentication_enabled",
        pick(shape, true, Some(d.iam_auth)),
    );
    emit_tags(s, &snapshot.tags);
    s.text("StorageType", "storage_type", Some(&snapshot.storage_type));
    s.int(
        "StorageThroughput",
        "storage_throughput",
        pick(shape, 125, d.gp3.then_some(125)),
    );
    s.text(
        "DbClusterResourceId",
        "db_cluster_resource_id",
        Some(&snapshot.source_resource_id),
    );
    s.text_fmt(
        "DBSystemId",
        "db_system_id",
        pick(shape, format_args!("sys-{}", Alnum(draw(8), 10)), None),
    );
}
