//! The `automated-backups` kind: the automated backups RDS keeps per DB instance
//! (DescribeDBInstanceAutomatedBackups), the retained backups of deleted instances among them —
//! storage that is still paid for after the instance is gone.

use std::future::Future;

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::{DbInstanceAutomatedBackup, RestoreWindow};

use super::{Calls, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, Scope};
use crate::record::item::{Derived, ItemRecord};
use super::{DiffKeys, Record};
use crate::record::schema::{member, Field, Source};
use crate::record::shape::{shape_of, Shape};
use crate::record::value::{AsFieldValue, FieldValue, TagView};
use crate::record::{shared_fields, InstanceRecord};

/// One instance's automated backups.
pub type AutomatedBackupRecord = ItemRecord<DbInstanceAutomatedBackup>;

const CALL: &str = "DescribeDBInstanceAutomatedBackups DBInstanceAutomatedBackup";

macro_rules! m {
    ($($member:tt)*) => { member!(DbInstanceAutomatedBackup, CALL, $($member)*) };
}

crate::record::sdk_types::sdk_structs! { RestoreWindow { earliest_time, latest_time } }


#[rustfmt::skip]
const FIELDS: &[Field<AutomatedBackupRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the backups were listed in"),
    m!(db_instance_arn, "DBInstanceArn", "ARN of the DB instance the backups are of"),
    m!(dbi_resource_id, "DbiResourceId", "the instance's immutable resource id (`db-...`), which outlives its name"),
    // `region` is the run's field in every kind: the SDK's `Region` gets a name of its own.
    Field {
        name: "backup_region",
        meaning: "the AWS Region AWS associates with the automated backup (the SDK member `region`)",
        source: Source::Api { call: CALL, aws: "Region", sdk: "region" },
        shape: || shape_of(|b: &DbInstanceAutomatedBackup| &b.region),
        read: |r, _| r.item.region.field_value(),
    },
    m!(db_instance_identifier, "DBInstanceIdentifier", "the DB instance's identifier"),
    m!(restore_window, "RestoreWindow", "the earliest and latest time the instance can be restored to"),
    m!(allocated_storage, "AllocatedStorage", "allocated storage of the instance, in GiB"),
    m!(status, "Status", "`active` (the instance exists), `retained` (the instance was deleted, the backups kept), `creating`"),
    m!(port, "Port", "port the instance listened on"),
    m!(availability_zone, "AvailabilityZone", "Availability Zone of the instance"),
    m!(vpc_id, "VpcId", "VPC of the instance"),
    m!(instance_create_time, "InstanceCreateTime", "when the instance was created"),
    m!(master_username, "MasterUsername", "the master user's name (never a password)"),
    m!(engine, "Engine", "database engine, e.g. `postgres`, `mysql`"),
    m!(engine_version, "EngineVersion", "engine version"),
    m!(license_model, "LicenseModel", "license model"),
    m!(iops, "Iops", "provisioned IOPS of the instance"),
    m!(storage_throughput, "StorageThroughput", "storage throughput, MiB/s"),
    m!(option_group_name, "OptionGroupName", "option group of the instance"),
    m!(tde_credential_arn, "TdeCredentialArn", "TDE key store ARN (Oracle, SQL Server)"),
    m!(encrypted, "Encrypted", "whether the backups are encrypted"),
    m!(storage_encryption_type, "StorageEncryptionType", "type of encryption protecting the backups"),
    m!(storage_type, "StorageType", "storage type, e.g. `gp3`"),
    m!(kms_key_id, "KmsKeyId", "KMS key encrypting the backups"),
    m!(timezone, "Timezone", "time zone of the instance (SQL Server)"),
    m!(iam_database_authentication_enabled, "IAMDatabaseAuthenticationEnabled", "whether IAM database authentication was on"),
    m!(backup_retention_period, "BackupRetentionPeriod", "days the backups are kept"),
    m!(preferred_backup_window, "PreferredBackupWindow", "daily backup window, UTC"),
    m!(db_instance_automated_backups_arn, "DBInstanceAutomatedBackupsArn", "the automated backups' own ARN"),
    m!(db_instance_automated_backups_replications, "DBInstanceAutomatedBackupsReplications", "replications of the backups to other regions"),
    m!(backup_target, "BackupTarget", "where they are stored: `region`, `outposts` or `local`"),
    m!(multi_tenant, "MultiTenant", "whether the instance was multi-tenant (CDB)"),
    m!(aws_backup_recovery_point_arn, "AwsBackupRecoveryPointArn", "the AWS Backup recovery point, when AWS Backup manages them"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.item.tag_list)),
    },
    m!(dedicated_log_volume, "DedicatedLogVolume", "whether the instance had a dedicated log volume"),
    m!(additional_storage_volumes, "AdditionalStorageVolumes", "additional storage volumes of the instance"),
    shared_fields::age_days(
        "whole days from `instance_create_time` to the run's start, rounded down",
        "instance_create_time and the run's start",
    ),
    shared_fields::source_exists(
        "whether the instance (by `dbi_resource_id`) is an instance of this account-region in this run: false for the retained backups of a deleted instance; null unless the run lists instances",
        "dbi_resource_id and the run's instances",
    ),
    shared_fields::service(),
];

impl Derived for AutomatedBackupRecord {
    fn created(&self) -> Option<&DateTime> {
        self.item.instance_create_time.as_ref()
    }
    fn source_exists(&self) -> Option<bool> {
        self.source_exists
    }
}

impl Record for AutomatedBackupRecord {
    const SPEC: KindSpec = KindSpec {
        name: "automated-backups",
        noun: "automated backup",
        about: "automated backups of DB instances, retained ones of deleted instances included",
        call: "DescribeDBInstanceAutomatedBackups",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeDBInstanceAutomatedBackups"],
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
        "db_instance_identifier",
        "status",
        "engine",
        "allocated_storage",
        "backup_retention_period",
        "source_exists",
    ];
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "db_instance_automated_backups_arn",
        rename: "dbi_resource_id",
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

impl Kind for AutomatedBackupRecord {
    type Item = DbInstanceAutomatedBackup;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(calls, marker, describe_db_instance_automated_backups, db_instance_automated_backups)
    }

    fn from_item(place: &Place<'_>, mut item: Self::Item) -> Self {
        TagView::sort(&mut item.tag_list);
        ItemRecord::new(place, item)
    }

    /// By resource id (a new database of the same name is another one); by name only when
    /// the answer carries no resource id (AWS always sends one).
    fn source(&self) -> Option<(super::ResourceKind, &str)> {
        let name = self.item.dbi_resource_id.as_deref();
        Some((InstanceRecord::KIND, name.or(self.item.db_instance_identifier.as_deref())?))
    }

    fn set_source_exists(&mut self, exists: Option<bool>) {
        self.source_exists = exists;
    }

    #[cfg(test)]
    fn empty_item() -> Self::Item {
        DbInstanceAutomatedBackup::builder().build()
    }

    #[cfg(test)]
    fn nested_structs() -> Vec<(&'static str, &'static [&'static str], String)> {
        nested_structs()
    }
}
