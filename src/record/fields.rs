//! The instance schema, defined once: every field in output order. The column list, the CSV
//! header, `rds-inventory fields` and the README's field table all come from [`FIELDS`].

#[cfg(test)]
use aws_sdk_rds::types::DbCluster;
use aws_sdk_rds::types::{DbInstance, DbSubnetGroup, Endpoint};

use super::instance::{ClusterLink, InstanceRecord};
use super::kinds::{Join, KindMetric, KindSpec, MetricLabel, Scope};

use super::kinds::{DiffKeys, Record};
use super::schema::{member, Field, HasItem, Source};
use super::shape::{shape_of, Shape};
use super::shared_fields;
use super::value::{AsFieldValue, FieldValue, TagView};

/// Where the instance's own members come from.
const CALL: &str = "DescribeDBInstances DBInstance";

/// A member of `DbInstance` under its own snake_case name.
macro_rules! m {
    ($($member:tt)*) => { member!(DbInstance, CALL, $($member)*) };
}

impl HasItem for InstanceRecord {
    type Item = DbInstance;
    fn item(&self) -> &DbInstance {
        &self.instance
    }
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
/// A `--with utilization` field: null unless asked for and CloudWatch answered.
macro_rules! utilization {
    ($name:ident, $meaning:literal, $shape:expr, |$u:ident| $read:expr) => {
        Field {
            name: stringify!($name),
            meaning: $meaning,
            source: Source::Joined(CLOUDWATCH),
            shape: || $shape,
            read: |r, _| match r.utilization() {
                Some($u) => $read,
                None => FieldValue::Absent,
            },
        }
    };
}

#[rustfmt::skip]
pub const FIELDS: &[Field<InstanceRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the instance was listed in"),
    m!(db_instance_identifier, "DBInstanceIdentifier", "the instance's name, unique per account and region"),
    m!(db_instance_arn, "DBInstanceArn", "the instance's ARN"),
    m!(dbi_resource_id, "DbiResourceId", "the instance's immutable resource id (`db-...`)"),
    m!(db_instance_class, "DBInstanceClass", "compute and memory class, e.g. `db.r6g.large`"),
    Field {
        name: "engine",
        meaning: "database engine, e.g. `postgres`, `aurora-mysql`, `sqlserver-se`",
        source: Source::Api { call: CALL, aws: "Engine", sdk: "engine" },
        shape: || Shape::Text,
        // Kept beside the instance (not in it) because the run summary counts by engine.
        read: |r, _| r.engine.field_value(),
    },
    m!(engine_version, "EngineVersion", "engine version, e.g. `16.3`"),
    m!(db_instance_status, "DBInstanceStatus", "state, e.g. `available`, `stopped`, `modifying`"),
    flattened!(endpoint_address, endpoint: Endpoint.address, "Endpoint.Address", "DNS name clients connect to"),
    flattened!(endpoint_port, endpoint: Endpoint.port, "Endpoint.Port", "port clients connect to"),
    m!(allocated_storage, "AllocatedStorage", "allocated storage in GiB"),
    m!(storage_type, "StorageType", "storage type, e.g. `gp3`, `io2`, `aurora`"),
    m!(storage_encrypted, "StorageEncrypted", "whether storage is encrypted at rest"),
    m!(multi_az, "MultiAZ", "whether the instance is a Multi-AZ deployment"),
    m!(availability_zone, "AvailabilityZone", "the Availability Zone the instance runs in"),
    m!(publicly_accessible, "PubliclyAccessible", "whether the endpoint resolves to a public IP address"),
    m!(deletion_protection, "DeletionProtection", "whether the instance cannot be deleted until this is turned off"),
    flattened!(db_subnet_group, db_subnet_group: DbSubnetGroup.db_subnet_group_name, "DBSubnetGroup.DBSubnetGroupName", "the DB subnet group's name (the rest of the group is in `db_subnet_group_*` and `vpc_id`)"),
    flattened!(vpc_id, db_subnet_group: DbSubnetGroup.vpc_id, "DBSubnetGroup.VpcId", "the VPC of the DB subnet group"),
    m!(db_cluster_identifier, "DBClusterIdentifier", "the cluster the instance belongs to (Aurora, Multi-AZ clusters)"),
    m!(instance_create_time, "InstanceCreateTime", "when the instance was created"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.instance.tag_list)),
    },
    m!(master_username, "MasterUsername", "the master user's name (never a password)"),
    m!(db_name, "DBName", "the database created with the instance (for Oracle: the PDB name)"),
    flattened!(endpoint_hosted_zone_id, endpoint: Endpoint.hosted_zone_id, "Endpoint.HostedZoneId", "the Route 53 hosted zone of the endpoint (`endpoint_address` and `endpoint_port` hold the rest of `Endpoint`)"),
    m!(preferred_backup_window, "PreferredBackupWindow", "daily backup window, UTC, `hh24:mi-hh24:mi`"),
    m!(backup_retention_period, "BackupRetentionPeriod", "days automated backups are kept; 0 means automated backups are off"),
    m!(db_security_groups, "DBSecurityGroups", "EC2-Classic DB security groups: name and status"),
    m!(vpc_security_groups, "VpcSecurityGroups", "VPC security groups: id and status"),
    m!(db_parameter_groups, "DBParameterGroups", "DB parameter groups: name and apply status"),
    flattened!(db_subnet_group_description, db_subnet_group: DbSubnetGroup.db_subnet_group_description, "DBSubnetGroup.DBSubnetGroupDescription", "the DB subnet group's description"),
    flattened!(db_subnet_group_status, db_subnet_group: DbSubnetGroup.subnet_group_status, "DBSubnetGroup.SubnetGroupStatus", "the DB subnet group's status"),
    flattened!(db_subnet_group_subnets, db_subnet_group: DbSubnetGroup.subnets, "DBSubnetGroup.Subnets", "the DB subnet group's subnets: id, Availability Zone, Outpost, status"),
    flattened!(db_subnet_group_arn, db_subnet_group: DbSubnetGroup.db_subnet_group_arn, "DBSubnetGroup.DBSubnetGroupArn", "the DB subnet group's ARN"),
    flattened!(db_subnet_group_supported_network_types, db_subnet_group: DbSubnetGroup.supported_network_types, "DBSubnetGroup.SupportedNetworkTypes", "network types the DB subnet group supports: `IPV4`, `DUAL`"),
    m!(preferred_maintenance_window, "PreferredMaintenanceWindow", "weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi`"),
    m!(upgrade_rollout_order, "UpgradeRolloutOrder", "order in which this instance gets upgrades: `first`, `second`, `last`"),
    m!(pending_modified_values, "PendingModifiedValues", "changes waiting to be applied (a pending master password is shown as `****`)"),
    m!(latest_restorable_time, "LatestRestorableTime", "latest time point-in-time restore can reach"),
    m!(auto_minor_version_upgrade, "AutoMinorVersionUpgrade", "whether minor engine upgrades are applied automatically"),
    m!(read_replica_source_db_instance_identifier, "ReadReplicaSourceDBInstanceIdentifier", "for a read replica: its source instance"),
    m!(read_replica_db_instance_identifiers, "ReadReplicaDBInstanceIdentifiers", "this instance's read replicas"),
    m!(read_replica_db_cluster_identifiers, "ReadReplicaDBClusterIdentifiers", "Aurora clusters that replicate from this instance"),
    m!(replica_mode, "ReplicaMode", "for an Oracle or SQL Server replica: `open-read-only` or `mounted`"),
    m!(license_model, "LicenseModel", "license model, e.g. `license-included`, `bring-your-own-license`"),
    m!(iops, "Iops", "provisioned IOPS"),
    m!(storage_throughput, "StorageThroughput", "provisioned storage throughput, MiB/s"),
    m!(option_group_memberships, "OptionGroupMemberships", "option groups: name and status"),
    m!(character_set_name, "CharacterSetName", "character set (Oracle, Db2)"),
    m!(nchar_character_set_name, "NcharCharacterSetName", "national character set (Oracle)"),
    m!(secondary_availability_zone, "SecondaryAvailabilityZone", "for Multi-AZ: the standby's Availability Zone"),
    m!(status_infos, "StatusInfos", "read replica status: type, normal, status, message"),
    m!(storage_encryption_type, "StorageEncryptionType", "how storage is encrypted: `none`, `sse-rds`, `sse-kms`"),
    m!(tde_credential_arn, "TdeCredentialArn", "ARN of the TDE credential (Oracle, SQL Server)"),
    m!(db_instance_port, "DbInstancePort", "the port, for an instance in a cluster (may differ from the cluster's)"),
    m!(kms_key_id, "KmsKeyId", "KMS key encrypting storage"),
    m!(ca_certificate_identifier, "CACertificateIdentifier", "CA of the server certificate, e.g. `rds-ca-rsa2048-g1`"),
    m!(domain_memberships, "DomainMemberships", "Active Directory domains the instance is joined to"),
    m!(copy_tags_to_snapshot, "CopyTagsToSnapshot", "whether tags are copied to snapshots"),
    m!(monitoring_interval, "MonitoringInterval", "Enhanced Monitoring interval in seconds; 0 is off"),
    m!(enhanced_monitoring_resource_arn, "EnhancedMonitoringResourceArn", "CloudWatch Logs stream receiving Enhanced Monitoring metrics"),
    m!(monitoring_role_arn, "MonitoringRoleArn", "IAM role that sends Enhanced Monitoring metrics"),
    m!(promotion_tier, "PromotionTier", "Aurora failover priority, 0 (first) to 15"),
    m!(timezone, "Timezone", "time zone (SQL Server)"),
    m!(iam_database_authentication_enabled, "IAMDatabaseAuthenticationEnabled", "whether IAM database authentication is on"),
    m!(database_insights_mode, "DatabaseInsightsMode", "Database Insights mode: `standard` or `advanced`"),
    m!(performance_insights_enabled, "PerformanceInsightsEnabled", "whether Performance Insights is on"),
    m!(performance_insights_kms_key_id, "PerformanceInsightsKMSKeyId", "KMS key encrypting Performance Insights data"),
    m!(performance_insights_retention_period, "PerformanceInsightsRetentionPeriod", "days Performance Insights data is kept"),
    m!(enabled_cloudwatch_logs_exports, "EnabledCloudwatchLogsExports", "log types exported to CloudWatch Logs"),
    m!(processor_features, "ProcessorFeatures", "CPU settings of the class: name and value"),
    m!(associated_roles, "AssociatedRoles", "IAM roles associated with the instance: ARN, feature, status"),
    m!(listener_endpoint, "ListenerEndpoint", "SQL Server Always On listener endpoint: address, port, hosted zone"),
    m!(max_allocated_storage, "MaxAllocatedStorage", "storage autoscaling limit in GiB"),
    m!(automation_mode, "AutomationMode", "RDS Custom automation: `full` or `all-paused`"),
    m!(resume_full_automation_mode_time, "ResumeFullAutomationModeTime", "RDS Custom: when paused automation resumes"),
    m!(customer_owned_ip_enabled, "CustomerOwnedIpEnabled", "RDS on Outposts: whether a customer-owned IP address is used"),
    m!(network_type, "NetworkType", "network type: `IPV4` or `DUAL`"),
    m!(activity_stream_status, "ActivityStreamStatus", "database activity stream: `stopped`, `starting`, `started`, `stopping`"),
    m!(activity_stream_kms_key_id, "ActivityStreamKmsKeyId", "KMS key encrypting the activity stream"),
    m!(activity_stream_kinesis_stream_name, "ActivityStreamKinesisStreamName", "Kinesis stream of the activity stream"),
    m!(activity_stream_mode, "ActivityStreamMode", "activity stream mode: `sync` or `async`"),
    m!(activity_stream_engine_native_audit_fields_included, "ActivityStreamEngineNativeAuditFieldsIncluded", "whether the activity stream includes engine-native audit fields"),
    m!(aws_backup_recovery_point_arn, "AwsBackupRecoveryPointArn", "AWS Backup recovery point"),
    m!(db_instance_automated_backups_replications, "DBInstanceAutomatedBackupsReplications", "cross-Region replications of automated backups"),
    m!(backup_target, "BackupTarget", "where backups are stored: `region`, `outposts` or `local`"),
    m!(automatic_restart_time, "AutomaticRestartTime", "when a stopped instance is restarted automatically"),
    m!(custom_iam_instance_profile, "CustomIamInstanceProfile", "RDS Custom: the EC2 instance profile"),
    m!(activity_stream_policy_status, "ActivityStreamPolicyStatus", "activity stream policy: `locked`, `unlocked`, ..."),
    m!(certificate_details, "CertificateDetails", "the server certificate: CA identifier and expiry (`valid_till`)"),
    m!(db_system_id, "DBSystemId", "Oracle SID (the CDB name for a CDB)"),
    m!(master_user_secret, "MasterUserSecret", "Secrets Manager secret of the master password: ARN, status, KMS key (not the password)"),
    m!(read_replica_source_db_cluster_identifier, "ReadReplicaSourceDBClusterIdentifier", "for a replica of a Multi-AZ cluster: the source cluster"),
    m!(percent_progress, "PercentProgress", "progress of the current storage operation, in percent"),
    m!(multi_tenant, "MultiTenant", "whether an Oracle CDB holds several tenant databases"),
    m!(dedicated_log_volume, "DedicatedLogVolume", "whether a dedicated log volume is on"),
    m!(is_storage_config_upgrade_available, "IsStorageConfigUpgradeAvailable", "whether a storage file system upgrade is available"),
    m!(engine_lifecycle_support, "EngineLifecycleSupport", "lifecycle support type: `open-source-rds-extended-support` or `...-disabled`"),
    m!(additional_storage_volumes, "AdditionalStorageVolumes", "additional storage volumes and their settings"),
    m!(storage_volume_status, "StorageVolumeStatus", "status of the storage volume"),
    m!(storage_operation_status, "StorageOperationStatus", "status of the current storage operation"),
    m!(storage_operation_percent_progress, "StorageOperationPercentProgress", "progress of the current storage operation, in percent"),
    m!(db_capacity_reservation_identifier, "DBCapacityReservationIdentifier", "capacity reservation the instance uses"),
    shared_fields::certificate_valid_till(),
    shared_fields::certificate_days_left(),
    shared_fields::pending_maintenance_actions(
        "maintenance waiting for this instance: action, description and dates; `[]` when none, null when not asked for",
        "DescribePendingMaintenanceActions PendingMaintenanceActionDetails",
    ),
    shared_fields::engine_major_version("major version as AWS names it for lifecycle dates, e.g. `16`, `8.0`, `19`"),
    shared_fields::standard_support_end_date(),
    shared_fields::extended_support_end_date(),
    shared_fields::tls_required("whether the instance refuses connections without TLS (`--with parameters`); for Aurora, from the cluster parameter group"),
    shared_fields::tls_required_reason(),
    shared_fields::tls_required_parameter(),
    shared_fields::tls_required_value(),
    shared_fields::tls_required_source(),
    shared_fields::tls_required_group("the group the value came from: the DB parameter group, or the DB cluster parameter group where the parameter is cluster-level (Aurora, DocumentDB, Neptune)"),
    shared_fields::tls_required_pending("the group is `pending-reboot` for the instance: the running value may differ"),
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
    utilization!(utilization_days, "`--with utilization`: the window asked, in whole UTC days (`--utilization-days`, default 14)", Shape::Number, |u| FieldValue::Int(i64::from(u.window.days))),
    utilization!(utilization_from, "`--with utilization`: the window's start, a UTC midnight", Shape::Timestamp, |u| FieldValue::Time(&u.window.from)),
    utilization!(utilization_to, "`--with utilization`: the window's end (excluded), the UTC midnight before the run's start", Shape::Timestamp, |u| FieldValue::Time(&u.window.to)),
    utilization!(connections_max, "`--with utilization`: the most DatabaseConnections of any day (daily Maximum of the 1-minute samples, so short connections count)", Shape::Number, |u| number(u.connections_max)),
    utilization!(cpu_avg_percent, "`--with utilization`: CPUUtilization, the mean of the daily Averages", Shape::Number, |u| number(u.cpu_avg_percent)),
    utilization!(cpu_max_percent, "`--with utilization`: CPUUtilization, the highest daily Maximum", Shape::Number, |u| number(u.cpu_max_percent)),
    utilization!(read_iops_avg, "`--with utilization`: ReadIOPS, the mean of the daily Averages", Shape::Number, |u| number(u.read_iops_avg)),
    utilization!(write_iops_avg, "`--with utilization`: WriteIOPS, the mean of the daily Averages", Shape::Number, |u| number(u.write_iops_avg)),
    utilization!(free_storage_min_bytes, "`--with utilization`: FreeStorageSpace, the lowest daily Minimum; null for Aurora, which has no such metric", Shape::Number, |u| number(u.free_storage_min_bytes)),
    utilization!(utilization_datapoints, "`--with utilization`: how many daily DatabaseConnections points CloudWatch had in the window", Shape::Number, |u| FieldValue::Int(i64::from(u.datapoints))),
    utilization!(idle, "`--with utilization`: true when every day of the window has a DatabaseConnections point and each is 0; false when any day had a connection, however few the points (a connection is a fact, not a guess); otherwise null with fewer points than days (new, stopped) or when CloudWatch could not be asked", Shape::Boolean, |u| u.idle.map_or(FieldValue::Absent, FieldValue::Bool)),
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

/// Where the utilization fields come from.
const CLOUDWATCH: &str =
    "CloudWatch GetMetricData (AWS/RDS, DBInstanceIdentifier, daily period), as the account";

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
    const SPEC: KindSpec = KindSpec {
        name: "instances",
        noun: "instance",
        about: "DB instances",
        call: "DescribeDBInstances",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
        joins: &[
            Join::PendingMaintenance,
            Join::EngineSupport,
            Join::Price,
            Join::Utilization,
            Join::Parameters,
        ],
        metric: KindMetric {
            name: "rds_inventory_instances",
            help: "DB instances listed by the last run, by account, region and engine.",
            label: MetricLabel::Engine,
            always: true,
        },
    };
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
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

    fn engine(&self) -> Option<&str> {
        self.engine.as_deref()
    }

    fn tags(&self) -> TagView<'_> {
        TagView::of(&self.instance.tag_list)
    }

    fn tls_required(&self) -> Option<Option<bool>> {
        self.joined.tls.as_ref().map(|tls| tls.required)
    }
    fn list_price(&self) -> Option<(Option<&str>, Option<f64>)> {
        self.price()
            .map(|p| (p.price_currency.as_deref(), p.price_monthly))
    }

    fn idle(&self) -> Option<bool> {
        self.utilization()?.idle
    }

    fn metrics_requested(&self) -> u64 {
        self.utilization()
            .map_or(0, |u| u64::from(u.metrics_requested))
    }
}
