//! The cluster schema, defined once: every field in output order. The column list, the CSV
//! header and `rds-inventory fields --kind clusters` all come from [`CLUSTER_FIELDS`].

use aws_sdk_rds::types::DbCluster;

use super::cluster::ClusterRecord;
use super::kinds::{Join, KindMetric, KindSpec, MetricLabel, Scope};

use super::kinds::{DiffKeys, Record};
use super::schema::{member, Field, HasItem, Source};
use super::shape::Shape;
use super::shared_fields;
use super::value::{FieldValue, TagView};

/// Where the cluster's own members come from.
const CALL: &str = "DescribeDBClusters DBCluster";

/// A member of `DbCluster` under its own snake_case name.
macro_rules! m {
    ($($member:tt)*) => { member!(DbCluster, CALL, $($member)*) };
}

impl HasItem for ClusterRecord {
    type Item = DbCluster;
    fn item(&self) -> &DbCluster {
        &self.cluster
    }
}

/// Every field, in output order: who and where, then the SDK's members in the SDK's order,
/// then the fields rds-inventory computes or joins from other calls.
#[rustfmt::skip]
pub const CLUSTER_FIELDS: &[Field<ClusterRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the cluster was listed in"),
    m!(allocated_storage, "AllocatedStorage", "allocated storage in GiB (Multi-AZ DB clusters; `1` on Aurora, whose storage grows by itself)"),
    m!(availability_zones, "AvailabilityZones", "list of Availability Zones (AZs) where instances in the DB cluster can be created"),
    m!(backup_retention_period, "BackupRetentionPeriod", "number of days for which automatic DB snapshots are retained"),
    m!(character_set_name, "CharacterSetName", "character set the cluster is associated with"),
    m!(database_name, "DatabaseName", "name of the initial database that was specified for the DB cluster when it was created, if one was provided"),
    m!(db_cluster_identifier, "DBClusterIdentifier", "the cluster's name, unique per account and region"),
    m!(db_cluster_parameter_group, "DBClusterParameterGroup", "name of the DB cluster parameter group for the DB cluster"),
    m!(db_subnet_group, "DBSubnetGroup", "the DB subnet group's name"),
    m!(status, "Status", "state, e.g. `available`, `stopped`, `modifying`"),
    m!(percent_progress, "PercentProgress", "progress of the operation as a percentage"),
    m!(earliest_restorable_time, "EarliestRestorableTime", "earliest time to which a database can be restored with point-in-time restore"),
    m!(endpoint, "Endpoint", "the writer endpoint (DNS name)"),
    m!(reader_endpoint, "ReaderEndpoint", "the reader endpoint (DNS name), load-balanced over the readers"),
    m!(custom_endpoints, "CustomEndpoints", "custom endpoints associated with the DB cluster"),
    m!(multi_az, "MultiAZ", "whether the DB cluster has instances in multiple Availability Zones"),
    m!(engine, "Engine", "database engine, e.g. `aurora-postgresql`, `aurora-mysql`, `postgres`, `docdb`, `neptune`"),
    m!(engine_version, "EngineVersion", "engine version, e.g. `16.4`"),
    m!(latest_restorable_time, "LatestRestorableTime", "latest time to which a database can be restored with point-in-time restore"),
    m!(port, "Port", "port that the database engine is listening on"),
    m!(master_username, "MasterUsername", "the master user's name (never a password)"),
    m!(db_cluster_option_group_memberships, "DBClusterOptionGroupMemberships", "option groups: name and status"),
    m!(preferred_backup_window, "PreferredBackupWindow", "daily backup window, UTC, `hh24:mi-hh24:mi`"),
    m!(preferred_maintenance_window, "PreferredMaintenanceWindow", "weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi`"),
    m!(upgrade_rollout_order, "UpgradeRolloutOrder", "order in which this cluster gets upgrades: `first`, `second`, `last`"),
    m!(replication_source_identifier, "ReplicationSourceIdentifier", "identifier of the source DB cluster if this DB cluster is a read replica"),
    m!(read_replica_identifiers, "ReadReplicaIdentifiers", "one or more identifiers of the read replicas associated with this DB cluster"),
    m!(status_infos, "StatusInfos", "status details: type, normal, status, message"),
    m!(db_cluster_members, "DBClusterMembers", "the member instances: identifier, writer or not, parameter group status, promotion tier"),
    m!(vpc_security_groups, "VpcSecurityGroups", "list of VPC security groups that the DB cluster belongs to"),
    m!(hosted_zone_id, "HostedZoneId", "the Route 53 hosted zone of the endpoints"),
    m!(storage_encrypted, "StorageEncrypted", "whether storage is encrypted at rest"),
    m!(storage_encryption_type, "StorageEncryptionType", "type of encryption used to protect data at rest in the DB cluster"),
    m!(kms_key_id, "KmsKeyId", "KMS key encrypting storage"),
    m!(db_cluster_resource_id, "DbClusterResourceId", "the cluster's immutable resource id (`cluster-...`)"),
    m!(db_cluster_arn, "DBClusterArn", "the cluster's ARN"),
    m!(associated_roles, "AssociatedRoles", "IAM roles associated with the cluster: ARN, status, feature"),
    m!(iam_database_authentication_enabled, "IAMDatabaseAuthenticationEnabled", "whether IAM database authentication is on"),
    m!(clone_group_id, "CloneGroupId", "the clone group the cluster belongs to"),
    m!(cluster_create_time, "ClusterCreateTime", "when the cluster was created"),
    m!(earliest_backtrack_time, "EarliestBacktrackTime", "earliest time to which a DB cluster can be backtracked"),
    m!(backtrack_window, "BacktrackWindow", "Aurora MySQL Backtrack target window in seconds; 0 is off"),
    m!(backtrack_consumed_change_records, "BacktrackConsumedChangeRecords", "number of change records stored for Backtrack"),
    m!(enabled_cloudwatch_logs_exports, "EnabledCloudwatchLogsExports", "a list of log types that this DB cluster is configured to export to CloudWatch Logs"),
    m!(capacity, "Capacity", "current capacity of an Aurora Serverless v1 DB cluster"),
    m!(pending_modified_values, "PendingModifiedValues", "changes waiting to be applied (a pending master password is shown as `****`)"),
    m!(engine_mode, "EngineMode", "`provisioned`, `serverless` (v1), `parallelquery`, `global`, `multimaster`"),
    m!(scaling_configuration_info, "ScalingConfigurationInfo", "Aurora Serverless v1 scaling: min, max, auto pause, timeout action"),
    m!(rds_custom_cluster_configuration, "RdsCustomClusterConfiguration", "RDS Custom cluster settings (reserved by AWS)"),
    m!(db_cluster_instance_class, "DBClusterInstanceClass", "for a Multi-AZ DB cluster: the class of its instances"),
    m!(storage_type, "StorageType", "storage type, e.g. `aurora`, `aurora-iopt1`, `io1`, `gp3`"),
    m!(iops, "Iops", "provisioned IOPS (Multi-AZ DB clusters)"),
    m!(storage_throughput, "StorageThroughput", "provisioned storage throughput, MiB/s"),
    m!(io_optimized_next_allowed_modification_time, "IOOptimizedNextAllowedModificationTime", "next time the cluster may switch to or from `aurora-iopt1` storage"),
    m!(publicly_accessible, "PubliclyAccessible", "whether the DB cluster is publicly accessible"),
    m!(auto_minor_version_upgrade, "AutoMinorVersionUpgrade", "whether minor version patches are applied automatically"),
    m!(deletion_protection, "DeletionProtection", "whether the DB cluster has deletion protection enabled"),
    m!(http_endpoint_enabled, "HttpEndpointEnabled", "whether the HTTP endpoint is enabled for an Aurora DB cluster"),
    m!(activity_stream_mode, "ActivityStreamMode", "mode of the database activity stream"),
    m!(activity_stream_status, "ActivityStreamStatus", "status of the database activity stream"),
    m!(activity_stream_kms_key_id, "ActivityStreamKmsKeyId", "KMS key encrypting the activity stream"),
    m!(activity_stream_kinesis_stream_name, "ActivityStreamKinesisStreamName", "name of the Amazon Kinesis data stream used for the database activity stream"),
    m!(copy_tags_to_snapshot, "CopyTagsToSnapshot", "whether tags are copied from the DB cluster to snapshots of the DB cluster"),
    m!(cross_account_clone, "CrossAccountClone", "whether the DB cluster is a clone of a DB cluster owned by a different Amazon Web Services account"),
    m!(domain_memberships, "DomainMemberships", "active Directory Domain membership records associated with the DB cluster"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.cluster.tag_list)),
    },
    m!(global_cluster_identifier, "GlobalClusterIdentifier", "a user-supplied global database cluster identifier"),
    m!(global_write_forwarding_status, "GlobalWriteForwardingStatus", "status of write forwarding for a secondary cluster in an Aurora global database"),
    m!(global_write_forwarding_requested, "GlobalWriteForwardingRequested", "whether write forwarding is enabled for a secondary cluster in an Aurora global database"),
    m!(network_type, "NetworkType", "network type: `IPV4` or `DUAL`"),
    m!(automatic_restart_time, "AutomaticRestartTime", "time when a stopped DB cluster is restarted automatically"),
    m!(serverless_v2_scaling_configuration, "ServerlessV2ScalingConfiguration", "Aurora Serverless v2 scaling: minimum and maximum capacity (ACUs), seconds until auto-pause"),
    m!(serverless_v2_platform_version, "ServerlessV2PlatformVersion", "the Aurora Serverless v2 platform version"),
    m!(monitoring_interval, "MonitoringInterval", "interval, in seconds, between points when Enhanced Monitoring metrics are collected for the DB cluster"),
    m!(monitoring_role_arn, "MonitoringRoleArn", "IAM role that sends Enhanced Monitoring metrics"),
    m!(database_insights_mode, "DatabaseInsightsMode", "mode of Database Insights that is enabled for the DB cluster"),
    m!(performance_insights_enabled, "PerformanceInsightsEnabled", "whether Performance Insights is enabled for the DB cluster"),
    m!(performance_insights_kms_key_id, "PerformanceInsightsKMSKeyId", "KMS key encrypting Performance Insights data"),
    m!(performance_insights_retention_period, "PerformanceInsightsRetentionPeriod", "number of days to retain Performance Insights data"),
    m!(db_system_id, "DBSystemId", "Oracle SID (RDS Custom)"),
    m!(master_user_secret, "MasterUserSecret", "Secrets Manager secret of the master password: ARN, status, KMS key (not the password)"),
    m!(local_write_forwarding_status, "LocalWriteForwardingStatus", "in-cluster write forwarding: `enabled`, `disabled`, `requested`,, ..."),
    m!(aws_backup_recovery_point_arn, "AwsBackupRecoveryPointArn", "AWS Backup recovery point"),
    m!(limitless_database, "LimitlessDatabase", "details for Aurora Limitless Database"),
    m!(cluster_scalability_type, "ClusterScalabilityType", "scalability mode of the Aurora DB cluster"),
    m!(certificate_details, "CertificateDetails", "the server certificate: CA identifier and expiry (`valid_till`)"),
    m!(engine_lifecycle_support, "EngineLifecycleSupport", "lifecycle support type: `open-source-rds-extended-support` or `...-disabled`"),
    m!(vpc_networking_enabled, "VPCNetworkingEnabled", "whether the DB cluster uses VPC-based networking"),
    m!(internet_access_gateway_enabled, "InternetAccessGatewayEnabled", "whether the DB cluster has internet-based connectivity enabled through an internet access gateway"),
    shared_fields::certificate_valid_till(),
    shared_fields::certificate_days_left(),
    shared_fields::pending_maintenance_actions(
        "maintenance waiting for this cluster: action, description and dates; `[]` when none, null when not asked for",
        "DescribePendingMaintenanceActions PendingMaintenanceActionDetails, by the cluster's ARN",
    ),
    shared_fields::engine_major_version("major version as AWS names it for lifecycle dates, e.g. `16`, `8.0`"),
    shared_fields::standard_support_end_date(),
    shared_fields::extended_support_end_date(),
    shared_fields::tls_required("whether the cluster refuses connections without TLS (`--with parameters`), from its cluster parameter group"),
    shared_fields::tls_required_reason(),
    shared_fields::tls_required_parameter(),
    shared_fields::tls_required_value(),
    shared_fields::tls_required_source(),
    shared_fields::tls_required_group("the DB cluster parameter group the value came from"),
    shared_fields::tls_required_pending("a member's cluster parameter group status is `pending-reboot`: the running value may differ"),
    shared_fields::service(),
];

/// The `table` format's default columns for clusters.
const TABLE_COLUMNS: &[&str] = &[
    "account_name",
    "region",
    "db_cluster_identifier",
    "engine",
    "engine_version",
    "status",
    "multi_az",
    "storage_encrypted",
    "deletion_protection",
    "backup_retention_period",
];

impl Record for ClusterRecord {
    const SPEC: KindSpec = KindSpec {
        name: "clusters",
        noun: "cluster",
        about: "DB clusters: Aurora, Multi-AZ DB clusters, DocumentDB, Neptune",
        call: "DescribeDBClusters",
        scope: Scope::Region,
        iam_actions: &["rds:DescribeDBClusters"],
        joins: &[
            Join::PendingMaintenance,
            Join::EngineSupport,
            Join::Parameters,
        ],
        metric: KindMetric {
            name: "rds_inventory_clusters",
            help: "DB clusters listed by the last run, by account, region and engine.",
            label: MetricLabel::Engine,
            always: false,
        },
    };
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "db_cluster_identifier",
        rename: "db_cluster_resource_id",
        volatile: &[
            "latest_restorable_time",
            "earliest_restorable_time",
            "earliest_backtrack_time",
            "backtrack_consumed_change_records",
            "capacity",
            "certificate_days_left",
            "percent_progress",
            "automatic_restart_time",
        ],
    };
    const TABLE_COLUMNS: &'static [&'static str] = TABLE_COLUMNS;

    fn fields() -> &'static [Field<Self>] {
        CLUSTER_FIELDS
    }

    fn engine(&self) -> Option<&str> {
        self.cluster.engine.as_deref()
    }

    fn tags(&self) -> TagView<'_> {
        TagView::of(&self.cluster.tag_list)
    }
}
