//! The `cluster-automated-backups` kind: the automated backups RDS keeps per DB cluster
//! (DescribeDBClusterAutomatedBackups), the retained backups of deleted clusters among them.

use std::future::Future;

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::DbClusterAutomatedBackup;

use super::{Calls, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, Scope};
use crate::record::item::{Derived, ItemRecord};
use super::{DiffKeys, Record};
use crate::record::schema::{member, Field, Source};
use crate::record::shape::{shape_of, Shape};
use crate::record::value::{AsFieldValue, FieldValue, TagView};
use crate::record::{shared_fields, ClusterRecord};

/// One DB cluster's automated backups.
pub type ClusterAutomatedBackupRecord = ItemRecord<DbClusterAutomatedBackup>;

const CALL: &str = "DescribeDBClusterAutomatedBackups DBClusterAutomatedBackup";

macro_rules! m {
    ($($member:tt)*) => { member!(DbClusterAutomatedBackup, CALL, $($member)*) };
}

#[rustfmt::skip]
const FIELDS: &[Field<ClusterAutomatedBackupRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the backups were listed in"),
    m!(engine, "Engine", "database engine, e.g. `aurora-postgresql`"),
    m!(vpc_id, "VpcId", "VPC of the cluster"),
    m!(db_cluster_automated_backups_arn, "DBClusterAutomatedBackupsArn", "the automated backups' own ARN"),
    m!(db_cluster_identifier, "DBClusterIdentifier", "the DB cluster's identifier"),
    m!(restore_window, "RestoreWindow", "the earliest and latest time the cluster can be restored to"),
    m!(master_username, "MasterUsername", "the master user's name (never a password)"),
    m!(db_cluster_resource_id, "DbClusterResourceId", "the cluster's immutable resource id (`cluster-...`), which outlives its name"),
    // `region` is the run's field in every kind: the SDK's `Region` gets a name of its own.
    Field {
        name: "backup_region",
        meaning: "the AWS Region AWS associates with the automated backup (the SDK member `region`)",
        source: Source::Api { call: CALL, aws: "Region", sdk: "region" },
        shape: || shape_of(|b: &DbClusterAutomatedBackup| &b.region),
        read: |r, _| r.item.region.field_value(),
    },
    m!(license_model, "LicenseModel", "license model"),
    m!(status, "Status", "`retained` for the backups of a deleted cluster"),
    m!(iam_database_authentication_enabled, "IAMDatabaseAuthenticationEnabled", "whether IAM database authentication was on"),
    m!(cluster_create_time, "ClusterCreateTime", "when the cluster was created"),
    m!(storage_encrypted, "StorageEncrypted", "whether the backups are encrypted"),
    m!(storage_encryption_type, "StorageEncryptionType", "type of encryption protecting the backups"),
    m!(allocated_storage, "AllocatedStorage", "allocated storage, in GiB"),
    m!(engine_version, "EngineVersion", "engine version"),
    m!(db_cluster_arn, "DBClusterArn", "ARN of the DB cluster the backups are of"),
    m!(backup_retention_period, "BackupRetentionPeriod", "days the backups are kept"),
    m!(preferred_backup_window, "PreferredBackupWindow", "daily backup window, UTC"),
    m!(engine_mode, "EngineMode", "engine mode of the cluster"),
    m!(availability_zones, "AvailabilityZones", "Availability Zones of the cluster"),
    m!(port, "Port", "port the cluster listened on"),
    m!(kms_key_id, "KmsKeyId", "KMS key encrypting the backups"),
    m!(storage_type, "StorageType", "storage type, e.g. `aurora`, `aurora-iopt1`"),
    m!(iops, "Iops", "provisioned IOPS"),
    m!(storage_throughput, "StorageThroughput", "storage throughput, MiB/s"),
    m!(aws_backup_recovery_point_arn, "AwsBackupRecoveryPointArn", "the AWS Backup recovery point, when AWS Backup manages them"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.item.tag_list)),
    },
    shared_fields::age_days(
        "whole days from `cluster_create_time` to the run's start, rounded down",
        "cluster_create_time and the run's start",
    ),
    shared_fields::source_exists(
        "whether the cluster (by `db_cluster_resource_id`) is a cluster of this account-region in this run: false for the retained backups of a deleted cluster; null unless the run lists clusters",
        "db_cluster_resource_id and the run's clusters",
    ),
    shared_fields::service(),
];

impl Derived for ClusterAutomatedBackupRecord {
    fn created(&self) -> Option<&DateTime> {
        self.item.cluster_create_time.as_ref()
    }
    fn source_exists(&self) -> Option<bool> {
        self.source_exists
    }
}

impl Record for ClusterAutomatedBackupRecord {
    const SPEC: KindSpec = KindSpec {
        name: "cluster-automated-backups",
        noun: "cluster automated backup",
        about: "automated backups of DB clusters, retained ones of deleted clusters included",
        call: "DescribeDBClusterAutomatedBackups",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeDBClusterAutomatedBackups"],
        joins: &[],
        metric: KindMetric {
            name: "rds_inventory_automated_backups",
            help: "Automated backups of DB instances and DB clusters listed by the last run, by account, region and kind.",
            label: MetricLabel::Kind,
            always: false,
        },
    };
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "account_name",
        "region",
        "db_cluster_identifier",
        "status",
        "engine",
        "backup_retention_period",
        "source_exists",
    ];
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "db_cluster_automated_backups_arn",
        rename: "db_cluster_resource_id",
        volatile: &["restore_window", "age_days"],
    };

    fn fields() -> &'static [Field<Self>] {
        FIELDS
    }
    fn engine(&self) -> Option<&str> {
        self.item.engine.as_deref()
    }
    fn tags(&self) -> TagView<'_> {
        TagView::of(&self.item.tag_list)
    }
}

impl Kind for ClusterAutomatedBackupRecord {
    type Item = DbClusterAutomatedBackup;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(calls, marker, describe_db_cluster_automated_backups, db_cluster_automated_backups)
    }

    fn from_item(place: &Place<'_>, mut item: Self::Item) -> Self {
        TagView::sort(&mut item.tag_list);
        ItemRecord::new(place, item)
    }

    /// By resource id (a new database of the same name is another one); by name only when
    /// the answer carries no resource id (AWS always sends one).
    fn source(&self) -> Option<(super::ResourceKind, &str)> {
        let name = self.item.db_cluster_resource_id.as_deref();
        Some((ClusterRecord::KIND, name.or(self.item.db_cluster_identifier.as_deref())?))
    }

    fn set_source_exists(&mut self, exists: Option<bool>) {
        self.source_exists = exists;
    }

    #[cfg(test)]
    fn empty_item() -> Self::Item {
        DbClusterAutomatedBackup::builder().build()
    }
}
