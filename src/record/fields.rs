//! The instance schema, defined once: every field in output order. The column list, the CSV
//! header, `rds-inventory fields` and the README's field table all come from [`FIELDS`].

#[cfg(test)]
use aws_sdk_rds::types::DbCluster;
use aws_sdk_rds::types::{DbInstance, DbSubnetGroup, Endpoint};

use super::instance::{ClusterLink, InstanceRecord};
use crate::cli::ResourceKind;

use super::schema::{DiffKeys, Field, Record, Source};
use super::shape::{shape_of, Shape};
use super::shared_fields;
use super::value::{AsFieldValue, FieldValue, TagView};

/// Where the instance's own members come from.
const CALL: &str = "DescribeDBInstances DBInstance";

/// A member of `DbInstance` output under its own snake_case name.
macro_rules! member {
    ($name:ident, $aws:literal, $meaning:literal) => {
        Field {
            name: stringify!($name),
            meaning: $meaning,
            source: Source::Api {
                call: CALL,
                aws: $aws,
                sdk: stringify!($name),
            },
            shape: || shape_of(|d: &DbInstance| &d.$name),
            read: |r, _| r.instance.$name.field_value(),
        }
    };
}

/// A member of a structure inside `DbInstance`, flattened to its own field.
macro_rules! flattened {
    ($name:ident, $parent:ident: $ty:ident . $member:ident, $aws:literal, $meaning:literal) => {
        Field {
            name: stringify!($name),
            meaning: $meaning,
            source: Source::Api {
                call: CALL,
                aws: $aws,
                sdk: concat!(stringify!($parent), ".", stringify!($member)),
            },
            shape: || shape_of(|v: &$ty| &v.$member),
            read: |r, _| match &r.instance.$parent {
                Some(parent) => parent.$member.field_value(),
                None => FieldValue::Absent,
            },
        }
    };
}

/// A member of `DbInstance` that the DB cluster governs for its members, as the value in force:
/// the cluster's for a member (null when the cluster could not be listed), else the instance's.
macro_rules! effective {
    ($name:ident, $aws:literal) => {
        Field {
            name: concat!("effective_", stringify!($name)),
            meaning: concat!(
                "`",
                stringify!($name),
                "` in force: the DB cluster's value for a cluster member (null if the cluster could not be listed), the instance's own otherwise"
            ),
            source: Source::Derived(concat!(
                "DescribeDBClusters DBCluster.",
                $aws,
                " for a cluster member, else DBInstance.",
                $aws
            )),
            shape: || shape_of(|d: &DbInstance| &d.$name),
            read: |r, _| match &r.cluster {
                ClusterLink::NotMember => r.instance.$name.field_value(),
                ClusterLink::Member { cluster, .. } => cluster.$name.field_value(),
                ClusterLink::Unknown => FieldValue::Absent,
            },
        }
    };
}

/// The `DbInstance` members a DB cluster governs for its member instances and also carries
/// itself, so the `effective_*` fields can read them (derived from botocore's model; see
/// docs/fields.md). A test checks each has the same shape in both SDK types.
#[cfg(test)]
pub const GOVERNED: &[&str] = &[
    "master_username",
    "allocated_storage",
    "preferred_backup_window",
    "backup_retention_period",
    "multi_az",
    "engine_version",
    "iops",
    "storage_throughput",
    "character_set_name",
    "storage_type",
    "storage_encrypted",
    "kms_key_id",
    "copy_tags_to_snapshot",
    "deletion_protection",
    "engine_lifecycle_support",
    "vpc_security_groups",
    "domain_memberships",
    "iam_database_authentication_enabled",
    "enabled_cloudwatch_logs_exports",
    "master_user_secret",
];

/// Every field, in output order. The first 24 are the original record and keep their names,
/// order, meaning and JSON types; the SDK's members follow in the SDK's order, then the fields
/// rds-inventory computes or joins from other calls.
#[rustfmt::skip]
pub const FIELDS: &[Field<InstanceRecord>] = &[
    Field {
        name: "account_id",
        meaning: "the account's 12-digit id",
        source: Source::Run("`id` in the accounts file"),
        shape: || Shape::Text,
        read: |r, _| FieldValue::Text(&r.account_id),
    },
    Field {
        name: "account_name",
        meaning: "the account's name (default: its id)",
        source: Source::Run("`name` in the accounts file"),
        shape: || Shape::Text,
        read: |r, _| FieldValue::Text(&r.account_name),
    },
    Field {
        name: "region",
        meaning: "the region the instance was listed in",
        source: Source::Run("the region listed"),
        shape: || Shape::Text,
        read: |r, _| FieldValue::Text(&r.region),
    },
    member!(db_instance_identifier, "DBInstanceIdentifier", "the instance's name, unique per account and region"),
    member!(db_instance_arn, "DBInstanceArn", "the instance's ARN"),
    member!(dbi_resource_id, "DbiResourceId", "the instance's immutable resource id (`db-...`)"),
    member!(db_instance_class, "DBInstanceClass", "compute and memory class, e.g. `db.r6g.large`"),
    Field {
        name: "engine",
        meaning: "database engine, e.g. `postgres`, `aurora-mysql`, `sqlserver-se`",
        source: Source::Api { call: CALL, aws: "Engine", sdk: "engine" },
        shape: || Shape::Text,
        // Kept beside the instance (not in it) because the run summary counts by engine.
        read: |r, _| r.engine.field_value(),
    },
    member!(engine_version, "EngineVersion", "engine version, e.g. `16.3`"),
    member!(db_instance_status, "DBInstanceStatus", "state, e.g. `available`, `stopped`, `modifying`"),
    flattened!(endpoint_address, endpoint: Endpoint.address, "Endpoint.Address", "DNS name clients connect to"),
    flattened!(endpoint_port, endpoint: Endpoint.port, "Endpoint.Port", "port clients connect to"),
    member!(allocated_storage, "AllocatedStorage", "allocated storage in GiB"),
    member!(storage_type, "StorageType", "storage type, e.g. `gp3`, `io2`, `aurora`"),
    member!(storage_encrypted, "StorageEncrypted", "whether storage is encrypted at rest"),
    member!(multi_az, "MultiAZ", "whether the instance is a Multi-AZ deployment"),
    member!(availability_zone, "AvailabilityZone", "the Availability Zone the instance runs in"),
    member!(publicly_accessible, "PubliclyAccessible", "whether the endpoint resolves to a public IP address"),
    member!(deletion_protection, "DeletionProtection", "whether the instance cannot be deleted until this is turned off"),
    flattened!(db_subnet_group, db_subnet_group: DbSubnetGroup.db_subnet_group_name, "DBSubnetGroup.DBSubnetGroupName", "the DB subnet group's name (the rest of the group is in `db_subnet_group_*` and `vpc_id`)"),
    flattened!(vpc_id, db_subnet_group: DbSubnetGroup.vpc_id, "DBSubnetGroup.VpcId", "the VPC of the DB subnet group"),
    member!(db_cluster_identifier, "DBClusterIdentifier", "the cluster the instance belongs to (Aurora, Multi-AZ clusters)"),
    member!(instance_create_time, "InstanceCreateTime", "when the instance was created"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.instance.tag_list)),
    },
    member!(master_username, "MasterUsername", "the master user's name (never a password)"),
    member!(db_name, "DBName", "the database created with the instance (for Oracle: the PDB name)"),
    flattened!(endpoint_hosted_zone_id, endpoint: Endpoint.hosted_zone_id, "Endpoint.HostedZoneId", "the Route 53 hosted zone of the endpoint (`endpoint_address` and `endpoint_port` hold the rest of `Endpoint`)"),
    member!(preferred_backup_window, "PreferredBackupWindow", "daily backup window, UTC, `hh24:mi-hh24:mi`"),
    member!(backup_retention_period, "BackupRetentionPeriod", "days automated backups are kept; 0 means automated backups are off"),
    member!(db_security_groups, "DBSecurityGroups", "EC2-Classic DB security groups: name and status"),
    member!(vpc_security_groups, "VpcSecurityGroups", "VPC security groups: id and status"),
    member!(db_parameter_groups, "DBParameterGroups", "DB parameter groups: name and apply status"),
    flattened!(db_subnet_group_description, db_subnet_group: DbSubnetGroup.db_subnet_group_description, "DBSubnetGroup.DBSubnetGroupDescription", "the DB subnet group's description"),
    flattened!(db_subnet_group_status, db_subnet_group: DbSubnetGroup.subnet_group_status, "DBSubnetGroup.SubnetGroupStatus", "the DB subnet group's status"),
    flattened!(db_subnet_group_subnets, db_subnet_group: DbSubnetGroup.subnets, "DBSubnetGroup.Subnets", "the DB subnet group's subnets: id, Availability Zone, Outpost, status"),
    flattened!(db_subnet_group_arn, db_subnet_group: DbSubnetGroup.db_subnet_group_arn, "DBSubnetGroup.DBSubnetGroupArn", "the DB subnet group's ARN"),
    flattened!(db_subnet_group_supported_network_types, db_subnet_group: DbSubnetGroup.supported_network_types, "DBSubnetGroup.SupportedNetworkTypes", "network types the DB subnet group supports: `IPV4`, `DUAL`"),
    member!(preferred_maintenance_window, "PreferredMaintenanceWindow", "weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi`"),
    member!(upgrade_rollout_order, "UpgradeRolloutOrder", "order in which this instance gets upgrades: `first`, `second`, `last`"),
    member!(pending_modified_values, "PendingModifiedValues", "changes waiting to be applied (a pending master password is shown as `****`)"),
    member!(latest_restorable_time, "LatestRestorableTime", "latest time point-in-time restore can reach"),
    member!(auto_minor_version_upgrade, "AutoMinorVersionUpgrade", "whether minor engine upgrades are applied automatically"),
    member!(read_replica_source_db_instance_identifier, "ReadReplicaSourceDBInstanceIdentifier", "for a read replica: its source instance"),
    member!(read_replica_db_instance_identifiers, "ReadReplicaDBInstanceIdentifiers", "this instance's read replicas"),
    member!(read_replica_db_cluster_identifiers, "ReadReplicaDBClusterIdentifiers", "Aurora clusters that replicate from this instance"),
    member!(replica_mode, "ReplicaMode", "for an Oracle or SQL Server replica: `open-read-only` or `mounted`"),
    member!(license_model, "LicenseModel", "license model, e.g. `license-included`, `bring-your-own-license`"),
    member!(iops, "Iops", "provisioned IOPS"),
    member!(storage_throughput, "StorageThroughput", "provisioned storage throughput, MiB/s"),
    member!(option_group_memberships, "OptionGroupMemberships", "option groups: name and status"),
    member!(character_set_name, "CharacterSetName", "character set (Oracle, Db2)"),
    member!(nchar_character_set_name, "NcharCharacterSetName", "national character set (Oracle)"),
    member!(secondary_availability_zone, "SecondaryAvailabilityZone", "for Multi-AZ: the standby's Availability Zone"),
    member!(status_infos, "StatusInfos", "read replica status: type, normal, status, message"),
    member!(storage_encryption_type, "StorageEncryptionType", "how storage is encrypted: `none`, `sse-rds`, `sse-kms`"),
    member!(tde_credential_arn, "TdeCredentialArn", "ARN of the TDE credential (Oracle, SQL Server)"),
    member!(db_instance_port, "DbInstancePort", "the port, for an instance in a cluster (may differ from the cluster's)"),
    member!(kms_key_id, "KmsKeyId", "KMS key encrypting storage"),
    member!(ca_certificate_identifier, "CACertificateIdentifier", "CA of the server certificate, e.g. `rds-ca-rsa2048-g1`"),
    member!(domain_memberships, "DomainMemberships", "Active Directory domains the instance is joined to"),
    member!(copy_tags_to_snapshot, "CopyTagsToSnapshot", "whether tags are copied to snapshots"),
    member!(monitoring_interval, "MonitoringInterval", "Enhanced Monitoring interval in seconds; 0 is off"),
    member!(enhanced_monitoring_resource_arn, "EnhancedMonitoringResourceArn", "CloudWatch Logs stream receiving Enhanced Monitoring metrics"),
    member!(monitoring_role_arn, "MonitoringRoleArn", "IAM role that sends Enhanced Monitoring metrics"),
    member!(promotion_tier, "PromotionTier", "Aurora failover priority, 0 (first) to 15"),
    member!(timezone, "Timezone", "time zone (SQL Server)"),
    member!(iam_database_authentication_enabled, "IAMDatabaseAuthenticationEnabled", "whether IAM database authentication is on"),
    member!(database_insights_mode, "DatabaseInsightsMode", "Database Insights mode: `standard` or `advanced`"),
    member!(performance_insights_enabled, "PerformanceInsightsEnabled", "whether Performance Insights is on"),
    member!(performance_insights_kms_key_id, "PerformanceInsightsKMSKeyId", "KMS key encrypting Performance Insights data"),
    member!(performance_insights_retention_period, "PerformanceInsightsRetentionPeriod", "days Performance Insights data is kept"),
    member!(enabled_cloudwatch_logs_exports, "EnabledCloudwatchLogsExports", "log types exported to CloudWatch Logs"),
    member!(processor_features, "ProcessorFeatures", "CPU settings of the class: name and value"),
    member!(associated_roles, "AssociatedRoles", "IAM roles associated with the instance: ARN, feature, status"),
    member!(listener_endpoint, "ListenerEndpoint", "SQL Server Always On listener endpoint: address, port, hosted zone"),
    member!(max_allocated_storage, "MaxAllocatedStorage", "storage autoscaling limit in GiB"),
    member!(automation_mode, "AutomationMode", "RDS Custom automation: `full` or `all-paused`"),
    member!(resume_full_automation_mode_time, "ResumeFullAutomationModeTime", "RDS Custom: when paused automation resumes"),
    member!(customer_owned_ip_enabled, "CustomerOwnedIpEnabled", "RDS on Outposts: whether a customer-owned IP address is used"),
    member!(network_type, "NetworkType", "network type: `IPV4` or `DUAL`"),
    member!(activity_stream_status, "ActivityStreamStatus", "database activity stream: `stopped`, `starting`, `started`, `stopping`"),
    member!(activity_stream_kms_key_id, "ActivityStreamKmsKeyId", "KMS key encrypting the activity stream"),
    member!(activity_stream_kinesis_stream_name, "ActivityStreamKinesisStreamName", "Kinesis stream of the activity stream"),
    member!(activity_stream_mode, "ActivityStreamMode", "activity stream mode: `sync` or `async`"),
    member!(activity_stream_engine_native_audit_fields_included, "ActivityStreamEngineNativeAuditFieldsIncluded", "whether the activity stream includes engine-native audit fields"),
    member!(aws_backup_recovery_point_arn, "AwsBackupRecoveryPointArn", "AWS Backup recovery point"),
    member!(db_instance_automated_backups_replications, "DBInstanceAutomatedBackupsReplications", "cross-Region replications of automated backups"),
    member!(backup_target, "BackupTarget", "where backups are stored: `region`, `outposts` or `local`"),
    member!(automatic_restart_time, "AutomaticRestartTime", "when a stopped instance is restarted automatically"),
    member!(custom_iam_instance_profile, "CustomIamInstanceProfile", "RDS Custom: the EC2 instance profile"),
    member!(activity_stream_policy_status, "ActivityStreamPolicyStatus", "activity stream policy: `locked`, `unlocked`, ..."),
    member!(certificate_details, "CertificateDetails", "the server certificate: CA identifier and expiry (`valid_till`)"),
    member!(db_system_id, "DBSystemId", "Oracle SID (the CDB name for a CDB)"),
    member!(master_user_secret, "MasterUserSecret", "Secrets Manager secret of the master password: ARN, status, KMS key (not the password)"),
    member!(read_replica_source_db_cluster_identifier, "ReadReplicaSourceDBClusterIdentifier", "for a replica of a Multi-AZ cluster: the source cluster"),
    member!(percent_progress, "PercentProgress", "progress of the current storage operation, in percent"),
    member!(multi_tenant, "MultiTenant", "whether an Oracle CDB holds several tenant databases"),
    member!(dedicated_log_volume, "DedicatedLogVolume", "whether a dedicated log volume is on"),
    member!(is_storage_config_upgrade_available, "IsStorageConfigUpgradeAvailable", "whether a storage file system upgrade is available"),
    member!(engine_lifecycle_support, "EngineLifecycleSupport", "lifecycle support type: `open-source-rds-extended-support` or `...-disabled`"),
    member!(additional_storage_volumes, "AdditionalStorageVolumes", "additional storage volumes and their settings"),
    member!(storage_volume_status, "StorageVolumeStatus", "status of the storage volume"),
    member!(storage_operation_status, "StorageOperationStatus", "status of the current storage operation"),
    member!(storage_operation_percent_progress, "StorageOperationPercentProgress", "progress of the current storage operation, in percent"),
    member!(db_capacity_reservation_identifier, "DBCapacityReservationIdentifier", "capacity reservation the instance uses"),
    shared_fields::certificate_valid_till(),
    shared_fields::certificate_days_left(),
    shared_fields::pending_maintenance_actions(
        "maintenance waiting for this instance: action, description and dates; `[]` when none, null when not asked for",
        "DescribePendingMaintenanceActions PendingMaintenanceActionDetails",
    ),
    shared_fields::engine_major_version("major version as AWS names it for lifecycle dates, e.g. `16`, `8.0`, `19`"),
    shared_fields::standard_support_end_date(),
    shared_fields::extended_support_end_date(),
    shared_fields::service(),
    Field {
        name: "cluster_role",
        meaning: "for a DB cluster member: `writer` or `reader`; null otherwise or when the cluster could not be listed",
        source: Source::Joined("DescribeDBClusters DBCluster.DBClusterMembers IsClusterWriter"),
        shape: || Shape::Text,
        read: |r, _| r.cluster_role().map_or(FieldValue::Absent, FieldValue::Text),
    },
    effective!(master_username, "MasterUsername"),
    effective!(allocated_storage, "AllocatedStorage"),
    effective!(preferred_backup_window, "PreferredBackupWindow"),
    effective!(backup_retention_period, "BackupRetentionPeriod"),
    effective!(multi_az, "MultiAZ"),
    effective!(engine_version, "EngineVersion"),
    effective!(iops, "Iops"),
    effective!(storage_throughput, "StorageThroughput"),
    effective!(character_set_name, "CharacterSetName"),
    effective!(storage_type, "StorageType"),
    effective!(storage_encrypted, "StorageEncrypted"),
    effective!(kms_key_id, "KmsKeyId"),
    effective!(copy_tags_to_snapshot, "CopyTagsToSnapshot"),
    effective!(deletion_protection, "DeletionProtection"),
    effective!(engine_lifecycle_support, "EngineLifecycleSupport"),
    effective!(vpc_security_groups, "VpcSecurityGroups"),
    effective!(domain_memberships, "DomainMemberships"),
    effective!(iam_database_authentication_enabled, "IAMDatabaseAuthenticationEnabled"),
    effective!(enabled_cloudwatch_logs_exports, "EnabledCloudwatchLogsExports"),
    effective!(master_user_secret, "MasterUserSecret"),
    Field {
        name: "price_currency",
        meaning: "`--with price`: the currency of the price fields, as the price list states it (`USD`, `CNY`); null unless asked for",
        source: Source::Joined(PRICE_LIST),
        shape: || Shape::Text,
        read: |r, _| r.price().and_then(|p| p.price_currency.as_deref()).map_or(FieldValue::Absent, FieldValue::Text),
    },
    Field {
        name: "price_hourly",
        meaning: "`--with price`: on-demand list price of one instance hour (0 when stopped); null unless asked for or when not found",
        source: Source::Joined(PRICE_LIST),
        shape: || Shape::Number,
        read: |r, _| number(r.price().and_then(|p| p.price_hourly)),
    },
    Field {
        name: "price_monthly",
        meaning: "`--with price`: on-demand list price of a 730-hour month: instance hours, storage, provisioned IOPS and throughput, Extended Support; null when any part has no price",
        source: Source::Joined(PRICE_LIST),
        shape: || Shape::Number,
        read: |r, _| number(r.price().and_then(|p| p.price_monthly)),
    },
    Field {
        name: "price_components",
        meaning: "`--with price`: the parts of `price_monthly`: component, unit, price per unit, quantity, monthly amount, SKU, usage type, note",
        source: Source::Joined(PRICE_LIST),
        shape: || Shape::Array(Box::new(Shape::Object(vec![
            ("component", Shape::Text),
            ("unit", Shape::Text),
            ("price_per_unit", Shape::Number),
            ("quantity", Shape::Number),
            ("monthly", Shape::Number),
            ("sku", Shape::Text),
            ("usage_type", Shape::Text),
            ("note", Shape::Text),
        ]))),
        read: |r, _| match r.price() {
            Some(p) => FieldValue::Json(serde_json::to_value(&p.price_components).unwrap_or_default()),
            None => FieldValue::Absent,
        },
    },
    Field {
        name: "price_missing",
        meaning: "`--with price`: why there is no price or part of it (serverless, RDS Custom, Outposts, price list denied, no matching SKU...); null when priced or not asked for",
        source: Source::Joined(PRICE_LIST),
        shape: || Shape::Text,
        read: |r, _| r.price().and_then(|p| p.price_missing.as_deref()).map_or(FieldValue::Absent, FieldValue::Text),
    },
];

/// Where the price fields come from.
const PRICE_LIST: &str =
    "Price List GetProducts (AmazonRDS, on-demand terms), with the base identity";

/// A price as a JSON number; absent when there is none.
fn number(value: Option<f64>) -> FieldValue<'static> {
    value.map_or(FieldValue::Absent, |v| {
        FieldValue::Json(serde_json::Value::from(v))
    })
}

/// Both SDK types hold a governed member with the same type, so an effective field's shape is
/// the same whichever value it shows (the compiler checks the types; this, the list).
#[cfg(test)]
pub fn governed_shapes() -> Vec<(&'static str, Shape, Shape)> {
    macro_rules! both {
        ($($name:ident)*) => {
            vec![$((
                stringify!($name),
                shape_of(|d: &DbInstance| &d.$name),
                shape_of(|c: &DbCluster| &c.$name),
            )),*]
        };
    }
    both!(master_username allocated_storage preferred_backup_window backup_retention_period
        multi_az engine_version iops storage_throughput character_set_name storage_type
        storage_encrypted kms_key_id copy_tags_to_snapshot deletion_protection
        engine_lifecycle_support vpc_security_groups domain_memberships
        iam_database_authentication_enabled enabled_cloudwatch_logs_exports master_user_secret)
}

/// The `table` format's default columns for instances.
const TABLE_COLUMNS: &[&str] = &[
    "account_name",
    "region",
    "db_instance_identifier",
    "engine",
    "engine_version",
    "db_instance_class",
    "db_instance_status",
    "multi_az",
    "allocated_storage",
    "publicly_accessible",
];

impl Record for InstanceRecord {
    const KIND: ResourceKind = ResourceKind::Instances;
    const DIFF: DiffKeys = DiffKeys {
        kind: ResourceKind::Instances,
        identifier: "db_instance_identifier",
        rename: "dbi_resource_id",
        volatile: &[
            "latest_restorable_time",
            "certificate_days_left",
            "percent_progress",
            "storage_operation_percent_progress",
            "automatic_restart_time",
            "resume_full_automation_mode_time",
        ],
    };
    const TABLE_COLUMNS: &'static [&'static str] = TABLE_COLUMNS;

    fn fields() -> &'static [Field<Self>] {
        FIELDS
    }

    fn account_id(&self) -> &str {
        &self.account_id
    }

    fn region(&self) -> &str {
        &self.region
    }

    fn engine(&self) -> Option<&str> {
        self.engine.as_deref()
    }

    fn tags(&self) -> TagView<'_> {
        TagView::of(&self.instance.tag_list)
    }

    fn list_price(&self) -> Option<(Option<&str>, Option<f64>)> {
        self.price()
            .map(|p| (p.price_currency.as_deref(), p.price_monthly))
    }
}
