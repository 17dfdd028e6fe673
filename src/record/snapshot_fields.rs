//! The schemas of the two snapshot kinds, each defined once: every field in output order. The
//! column lists, CSV headers and `rds-inventory fields --kind snapshots|cluster-snapshots` all
//! come from [`SNAPSHOT_FIELDS`] and [`CLUSTER_SNAPSHOT_FIELDS`].

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::{DbClusterSnapshot, DbSnapshot};

use super::item::Derived;
use super::kinds::{DiffKeys, Record};
use super::kinds::{KindMetric, KindSpec, MetricLabel, Scope};
use super::schema::{member, Field, HasItem, Source};
use super::shape::{shape_of, Shape};
use super::shared_fields;
use super::sharing::Sharing;
use super::snapshot::{ClusterSnapshotRecord, SnapshotExtras, SnapshotRecord};
use super::value::{AsFieldValue, FieldValue, TagView};

/// What the derived snapshot fields read from a record of either snapshot kind.
trait SnapshotSource: Derived + 'static {
    fn extras(&self) -> &SnapshotExtras;
}

/// The two snapshot records hold their SDK value alike.
macro_rules! snapshot_source {
    ($record:ident, $sdk:ident) => {
        impl SnapshotSource for $record {
            fn extras(&self) -> &SnapshotExtras {
                &self.extras
            }
        }

        impl Derived for $record {
            fn created(&self) -> Option<&DateTime> {
                self.snapshot.snapshot_create_time.as_ref()
            }
            fn source_exists(&self) -> Option<bool> {
                self.extras.source_exists
            }
        }

        impl HasItem for $record {
            type Item = $sdk;
            fn item(&self) -> &$sdk {
                &self.snapshot
            }
        }
    };
}
snapshot_source!(SnapshotRecord, DbSnapshot);
snapshot_source!(ClusterSnapshotRecord, DbClusterSnapshot);

const fn shared_publicly<R: SnapshotSource>(call: &'static str) -> Field<R> {
    Field {
        name: "shared_publicly",
        meaning: "anyone may restore it: the `restore` attribute holds `all` (false for automated and AWS Backup snapshots, which cannot be shared; null when the attribute call failed)",
        source: Source::Joined(call),
        shape: || Shape::Boolean,
        read: |r, _| match &r.extras().sharing {
            Some(sharing) => FieldValue::Bool(sharing.public),
            None => FieldValue::Absent,
        },
    }
}

const fn shared_with_accounts<R: SnapshotSource>(call: &'static str) -> Field<R> {
    Field {
        name: "shared_with_accounts",
        meaning: "account ids that may restore it, sorted, `all` left out (`[]` when private or not shareable; null when the attribute call failed)",
        source: Source::Joined(call),
        shape: || shape_of(|s: &Sharing| &s.accounts),
        read: |r, _| match &r.extras().sharing {
            Some(sharing) => sharing.accounts.field_value(),
            None => FieldValue::Absent,
        },
    }
}

const fn shared_with_outside_accounts<R: SnapshotSource>() -> Field<R> {
    Field {
        name: "shared_with_outside_accounts",
        meaning: "those of `shared_with_accounts` that are neither an account of the accounts file nor, with Organizations discovery on, a member of the organization, whatever `-a`, `include_ous` or `exclude` leave out of the run (null when the attribute call failed)",
        source: Source::Derived("shared_with_accounts and the run's accounts"),
        shape: || shape_of(|s: &Sharing| &s.outside),
        read: |r, _| match &r.extras().sharing {
            Some(sharing) => sharing.outside.field_value(),
            None => FieldValue::Absent,
        },
    }
}

/// Where a DB snapshot's own members come from.
const SNAPSHOT_CALL: &str = "DescribeDBSnapshots DBSnapshot";

/// A member of `DbSnapshot` under its own snake_case name.
macro_rules! snapshot_member {
    ($($member:tt)*) => { member!(DbSnapshot, SNAPSHOT_CALL, $($member)*) };
}

/// Every DB snapshot field, in output order: who and where, the SDK's members in the SDK's
/// order, then who can restore it and what rds-inventory derives.
#[rustfmt::skip]
pub const SNAPSHOT_FIELDS: &[Field<SnapshotRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the snapshot was listed in"),
    snapshot_member!(db_snapshot_identifier, "DBSnapshotIdentifier", "the snapshot's name, unique per account and region (`rds:` prefix: automated; `awsbackup:`: AWS Backup)"),
    snapshot_member!(db_instance_identifier, "DBInstanceIdentifier", "the DB instance the snapshot was taken from"),
    snapshot_member!(snapshot_create_time, "SnapshotCreateTime", "when the snapshot was taken"),
    snapshot_member!(engine, "Engine", "database engine, e.g. `postgres`, `mysql`"),
    snapshot_member!(allocated_storage, "AllocatedStorage", "allocated storage of the source, in GiB"),
    snapshot_member!(status, "Status", "state, e.g. `available`, `creating`"),
    snapshot_member!(port, "Port", "port the source instance listened on"),
    snapshot_member!(availability_zone, "AvailabilityZone", "Availability Zone of the source instance when the snapshot was taken"),
    snapshot_member!(vpc_id, "VpcId", "VPC of the source instance"),
    snapshot_member!(instance_create_time, "InstanceCreateTime", "when the source instance was created"),
    snapshot_member!(master_username, "MasterUsername", "the master user's name (never a password)"),
    snapshot_member!(engine_version, "EngineVersion", "engine version"),
    snapshot_member!(license_model, "LicenseModel", "license model of the source instance"),
    snapshot_member!(snapshot_type, "SnapshotType", "`manual`, `automated` or `awsbackup`"),
    snapshot_member!(iops, "Iops", "provisioned IOPS of the source instance"),
    snapshot_member!(storage_throughput, "StorageThroughput", "storage throughput of the source, MiB/s"),
    snapshot_member!(option_group_name, "OptionGroupName", "option group of the source instance"),
    snapshot_member!(percent_progress, "PercentProgress", "percent of the data transferred so far"),
    snapshot_member!(source_region, "SourceRegion", "region the snapshot was copied from, for a copy"),
    snapshot_member!(source_db_snapshot_identifier, "SourceDBSnapshotIdentifier", "ARN of the snapshot this one was copied from"),
    snapshot_member!(storage_type, "StorageType", "storage type, e.g. `gp3`, `io1`"),
    snapshot_member!(tde_credential_arn, "TdeCredentialArn", "TDE key store ARN (Oracle, SQL Server)"),
    snapshot_member!(encrypted, "Encrypted", "whether the snapshot is encrypted"),
    snapshot_member!(storage_encryption_type, "StorageEncryptionType", "type of encryption protecting the snapshot"),
    snapshot_member!(backup_retention_period, "BackupRetentionPeriod", "backup retention period of the source, in days"),
    snapshot_member!(preferred_backup_window, "PreferredBackupWindow", "daily backup window of the source, UTC"),
    snapshot_member!(kms_key_id, "KmsKeyId", "KMS key encrypting the snapshot"),
    snapshot_member!(db_snapshot_arn, "DBSnapshotArn", "the snapshot's ARN"),
    snapshot_member!(timezone, "Timezone", "time zone of the source (SQL Server)"),
    snapshot_member!(iam_database_authentication_enabled, "IAMDatabaseAuthenticationEnabled", "whether IAM database authentication was on"),
    snapshot_member!(processor_features, "ProcessorFeatures", "CPU cores and threads of the source's class"),
    snapshot_member!(dbi_resource_id, "DbiResourceId", "the source instance's immutable resource id (`db-...`)"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: SNAPSHOT_CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.snapshot.tag_list)),
    },
    snapshot_member!(snapshot_target, "SnapshotTarget", "where it is stored: `region`, `outposts` or `local`"),
    snapshot_member!(original_snapshot_create_time, "OriginalSnapshotCreateTime", "when the original snapshot was taken (unchanged by copies)"),
    snapshot_member!(snapshot_database_time, "SnapshotDatabaseTime", "the database's time at the snapshot"),
    snapshot_member!(db_system_id, "DBSystemId", "Oracle SID (RDS Custom)"),
    snapshot_member!(multi_tenant, "MultiTenant", "whether the snapshot is of a multi-tenant (CDB) instance"),
    snapshot_member!(dedicated_log_volume, "DedicatedLogVolume", "whether the source had a dedicated log volume"),
    snapshot_member!(additional_storage_volumes, "AdditionalStorageVolumes", "additional storage volumes of the source"),
    snapshot_member!(snapshot_availability_zone, "SnapshotAvailabilityZone", "Availability Zone the snapshot is in"),
    snapshot_member!(full_snapshot_size_in_bytes, "FullSnapshotSizeInBytes", "full size of the snapshot in bytes"),
    shared_publicly("DescribeDBSnapshotAttributes restore (manual snapshots)"),
    shared_with_accounts("DescribeDBSnapshotAttributes restore (manual snapshots)"),
    shared_with_outside_accounts(),
    shared_fields::age_days(
        "whole days from `snapshot_create_time` to the run's start, rounded down",
        "snapshot_create_time and the run's start",
    ),
    shared_fields::source_exists(
        "whether `db_instance_identifier` is an instance of this account-region in this run; null unless the run lists instances",
        "db_instance_identifier and the run's instances",
    ),
    shared_fields::service(),
];

/// Where a DB cluster snapshot's own members come from.
const CLUSTER_SNAPSHOT_CALL: &str = "DescribeDBClusterSnapshots DBClusterSnapshot";

/// A member of `DbClusterSnapshot` under its own snake_case name.
macro_rules! cluster_snapshot_member {
    ($($member:tt)*) => { member!(DbClusterSnapshot, CLUSTER_SNAPSHOT_CALL, $($member)*) };
}

/// Every DB cluster snapshot field, in output order.
#[rustfmt::skip]
pub const CLUSTER_SNAPSHOT_FIELDS: &[Field<ClusterSnapshotRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the snapshot was listed in"),
    cluster_snapshot_member!(availability_zones, "AvailabilityZones", "Availability Zones where instances restored from it can be created"),
    cluster_snapshot_member!(db_cluster_snapshot_identifier, "DBClusterSnapshotIdentifier", "the snapshot's name, unique per account and region (`rds:` prefix: automated)"),
    cluster_snapshot_member!(db_cluster_identifier, "DBClusterIdentifier", "the DB cluster the snapshot was taken from"),
    cluster_snapshot_member!(snapshot_create_time, "SnapshotCreateTime", "when the snapshot was taken"),
    cluster_snapshot_member!(engine, "Engine", "database engine, e.g. `aurora-postgresql`"),
    cluster_snapshot_member!(engine_mode, "EngineMode", "engine mode of the source cluster"),
    cluster_snapshot_member!(allocated_storage, "AllocatedStorage", "allocated storage, in GiB"),
    cluster_snapshot_member!(status, "Status", "state, e.g. `available`, `creating`"),
    cluster_snapshot_member!(port, "Port", "port the source cluster listened on"),
    cluster_snapshot_member!(vpc_id, "VpcId", "VPC of the source cluster"),
    cluster_snapshot_member!(cluster_create_time, "ClusterCreateTime", "when the source cluster was created"),
    cluster_snapshot_member!(master_username, "MasterUsername", "the master user's name (never a password)"),
    cluster_snapshot_member!(engine_version, "EngineVersion", "engine version"),
    cluster_snapshot_member!(license_model, "LicenseModel", "license model"),
    cluster_snapshot_member!(snapshot_type, "SnapshotType", "`manual`, `automated` or `awsbackup`"),
    cluster_snapshot_member!(percent_progress, "PercentProgress", "percent of the data transferred so far"),
    cluster_snapshot_member!(storage_encrypted, "StorageEncrypted", "whether the snapshot is encrypted"),
    cluster_snapshot_member!(storage_encryption_type, "StorageEncryptionType", "type of encryption protecting the snapshot"),
    cluster_snapshot_member!(backup_retention_period, "BackupRetentionPeriod", "backup retention period of the source, in days"),
    cluster_snapshot_member!(preferred_backup_window, "PreferredBackupWindow", "daily backup window of the source, UTC"),
    cluster_snapshot_member!(kms_key_id, "KmsKeyId", "KMS key encrypting the snapshot"),
    cluster_snapshot_member!(db_cluster_snapshot_arn, "DBClusterSnapshotArn", "the snapshot's ARN"),
    cluster_snapshot_member!(source_db_cluster_snapshot_arn, "SourceDBClusterSnapshotArn", "ARN of the snapshot this one was copied from"),
    cluster_snapshot_member!(iam_database_authentication_enabled, "IAMDatabaseAuthenticationEnabled", "whether IAM database authentication was on"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: CLUSTER_SNAPSHOT_CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.snapshot.tag_list)),
    },
    cluster_snapshot_member!(storage_type, "StorageType", "storage type of the source, e.g. `aurora`, `aurora-iopt1`"),
    cluster_snapshot_member!(storage_throughput, "StorageThroughput", "storage throughput of the source, MiB/s"),
    cluster_snapshot_member!(db_cluster_resource_id, "DbClusterResourceId", "the source cluster's immutable resource id (`cluster-...`)"),
    cluster_snapshot_member!(db_system_id, "DBSystemId", "Oracle SID (RDS Custom)"),
    shared_publicly("DescribeDBClusterSnapshotAttributes restore (manual snapshots)"),
    shared_with_accounts("DescribeDBClusterSnapshotAttributes restore (manual snapshots)"),
    shared_with_outside_accounts(),
    shared_fields::age_days(
        "whole days from `snapshot_create_time` to the run's start, rounded down",
        "snapshot_create_time and the run's start",
    ),
    shared_fields::source_exists(
        "whether `db_cluster_identifier` is a cluster of this account-region in this run; null unless the run lists clusters",
        "db_cluster_identifier and the run's clusters",
    ),
    shared_fields::service(),
];

/// Fields that change without anyone acting on a snapshot.
const SNAPSHOT_VOLATILE: &[&str] = &["age_days", "percent_progress"];

impl Record for SnapshotRecord {
    const SPEC: KindSpec = KindSpec {
        name: "snapshots",
        noun: "snapshot",
        about: "the account's own DB snapshots: manual, automated, AWS Backup",
        call: "DescribeDBSnapshots",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeDBSnapshots", "rds:DescribeDBSnapshotAttributes"],
        joins: &[],
        metric: KindMetric {
            name: "rds_inventory_snapshots",
            help: "DB snapshots and DB cluster snapshots listed by the last run, by account, region and kind.",
            label: MetricLabel::Kind,
            always: false,
        },
    };
    // Snapshots cannot be renamed: the ARN (which holds the identifier) never pairs a removal
    // with an addition.
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "db_snapshot_identifier",
        rename: "db_snapshot_arn",
        volatile: SNAPSHOT_VOLATILE,
    };
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "account_name",
        "region",
        "db_snapshot_identifier",
        "db_instance_identifier",
        "snapshot_type",
        "engine",
        "snapshot_create_time",
        "encrypted",
        "shared_publicly",
        "shared_with_outside_accounts",
    ];

    fn fields() -> &'static [Field<Self>] {
        SNAPSHOT_FIELDS
    }

    fn engine(&self) -> Option<&str> {
        self.snapshot.engine.as_deref()
    }

    fn tags(&self) -> TagView<'_> {
        TagView::of(&self.snapshot.tag_list)
    }

    fn sharing(&self) -> Option<&Sharing> {
        self.extras.sharing.as_ref()
    }
}

impl Record for ClusterSnapshotRecord {
    const SPEC: KindSpec = KindSpec {
        name: "cluster-snapshots",
        noun: "cluster snapshot",
        about: "the account's own DB cluster snapshots: manual and automated",
        call: "DescribeDBClusterSnapshots",
        scope: Scope::Region,
        iam_actions: &[
            "rds:DescribeDBClusterSnapshots",
            "rds:DescribeDBClusterSnapshotAttributes",
        ],
        joins: &[],
        metric: KindMetric {
            name: "rds_inventory_snapshots",
            help: "DB snapshots and DB cluster snapshots listed by the last run, by account, region and kind.",
            label: MetricLabel::Kind,
            always: false,
        },
    };
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "db_cluster_snapshot_identifier",
        rename: "db_cluster_snapshot_arn",
        volatile: SNAPSHOT_VOLATILE,
    };
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "account_name",
        "region",
        "db_cluster_snapshot_identifier",
        "db_cluster_identifier",
        "snapshot_type",
        "engine",
        "snapshot_create_time",
        "storage_encrypted",
        "shared_publicly",
        "shared_with_outside_accounts",
    ];

    fn fields() -> &'static [Field<Self>] {
        CLUSTER_SNAPSHOT_FIELDS
    }

    fn engine(&self) -> Option<&str> {
        self.snapshot.engine.as_deref()
    }

    fn tags(&self) -> TagView<'_> {
        TagView::of(&self.snapshot.tag_list)
    }

    fn sharing(&self) -> Option<&Sharing> {
        self.extras.sharing.as_ref()
    }
}
