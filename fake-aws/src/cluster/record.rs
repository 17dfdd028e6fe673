//! The complete DBCluster: all 88 members of the SDK's `DbCluster`, with the element names
//! its deserializer reads. Members a cluster governs for its instances (deletion protection,
//! encryption, backup retention, Multi-AZ, storage) are present in every shape.

use super::FakeCluster;
use crate::lifecycle::major_engine_version;
use crate::record_parts::{
    certificate, dns_suffix, emit_domain_memberships, emit_tags, emit_vpc_security_groups,
    hash_str, list_len, log_types, partition, pick, Alnum, RecordShape, Uuid, DAY, REFERENCE_UNIX,
};
use crate::rng::hash_parts;
use crate::sink::{JsonSink, Sink};
use serde_json::Value;

impl FakeCluster {
    /// The cluster as DescribeDBClusters serves it: one key per `DbCluster` member (88),
    /// named as the SDK names it, with the conventions of `FakeInstance::db_instance_json`.
    pub fn db_cluster_json(&self) -> Value {
        let mut sink = JsonSink::new();
        emit_db_cluster(self, &mut sink);
        sink.finish()
    }
}

/// `default.aurora-postgresql16`, `default.aurora-mysql8.0`, `default.docdb5.0`, ...
fn parameter_group_family(engine: &str, version: &str) -> String {
    let major = match engine {
        "docdb" | "neptune" => {
            let mut parts = version.split('.');
            format!(
                "{}.{}",
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default()
            )
        }
        _ => major_engine_version(engine, version),
    };
    format!("{engine}{major}")
}

impl FakeCluster {
    /// The DB cluster parameter group the cluster names: `<family>-custom` for about a third
    /// (and every `Complete` one), else `default.<family>`.
    pub fn db_cluster_parameter_group(&self) -> String {
        let draw = |purpose: u64| hash_parts(&[hash_str(&self.resource_id), purpose]);
        let family = parameter_group_family(&self.engine, &self.engine_version);
        if draw(5) % 3 == 0 || self.shape == RecordShape::Complete {
            format!("{family}-custom")
        } else {
            format!("default.{family}")
        }
    }
}

/// Writes every member of one `DBCluster` (without the enclosing element).
pub(crate) fn emit_db_cluster<S: Sink>(cluster: &FakeCluster, s: &mut S) {
    let shape = cluster.shape;
    let complete = shape == RecordShape::Complete;
    let seed = hash_str(&cluster.resource_id);
    let draw = |purpose: u64| hash_parts(&[seed, purpose]);
    let uuid =
        |purpose: u64| Uuid(u128::from(draw(purpose)) << 64 | u128::from(draw(purpose + 1000)));
    let region = cluster.region.as_str();
    let account = cluster.account_id.as_str();
    let p = partition(region);
    let suffix = dns_suffix(region);
    let engine = cluster.engine.as_str();
    let kind = cluster.kind;
    let is_aurora = engine.starts_with("aurora");
    let is_aurora_mysql = engine == "aurora-mysql";
    let is_rds = is_aurora || engine == "postgres" || engine == "mysql";
    let is_multi_az_cluster = kind.is_some_and(|k| k.is_multi_az_db_cluster());
    let serverless = cluster.member_instance_class == "db.serverless";
    let stopped = cluster.status == "stopped";
    let kms_key = uuid(17);
    let kms_arn = format!("arn:{p}:kms:{region}:{account}:key/{kms_key}");
    let token = cluster
        .resource_id
        .get(8..16)
        .unwrap_or(&cluster.resource_id)
        .to_ascii_lowercase();
    let (ca, valid_till) = certificate(draw(30));
    let zone_id = format!("Z{:013X}", hash_str(region) & ((1 << 52) - 1));
    let logs = log_types(engine);

    s.int(
        "AllocatedStorage",
        "allocated_storage",
        Some(i64::from(cluster.allocated_storage)),
    );
    s.list(
        "AvailabilityZones",
        "availability_zones",
        Some(3),
        |s, i| {
            s.item_text(
                "AvailabilityZone",
                format_args!("{region}{}", ['a', 'b', 'c'][i]),
            )
        },
    );
    s.int(
        "BackupRetentionPeriod",
        "backup_retention_period",
        Some(i64::from(cluster.backup_retention_period)),
    );
    s.text(
        "CharacterSetName",
        "character_set_name",
        pick(shape, "utf8mb4", None),
    );
    let database = if engine.contains("postgres") {
        "app"
    } else {
        "appdb"
    };
    s.text(
        "DatabaseName",
        "database_name",
        pick(
            shape,
            database,
            (draw(1) % 2 == 0 && is_rds).then_some(database),
        ),
    );
    s.text(
        "DBClusterIdentifier",
        "db_cluster_identifier",
        Some(&cluster.identifier),
    );
    let parameter_group = cluster.db_cluster_parameter_group();
    s.text(
        "DBClusterParameterGroup",
        "db_cluster_parameter_group",
        Some(&parameter_group),
    );
    s.text(
        "DBSubnetGroup",
        "db_subnet_group",
        Some(&cluster.db_subnet_group_name),
    );
    s.text("Status", "status", Some(&cluster.status));
    s.text(
        "PercentProgress",
        "percent_progress",
        pick(shape, "100", None),
    );
    let restorable = REFERENCE_UNIX - 300 - (draw(12) % 3600) as i64;
    let earliest = REFERENCE_UNIX - i64::from(cluster.backup_retention_period) * DAY;
    s.time(
        "EarliestRestorableTime",
        "earliest_restorable_time",
        pick(shape, earliest, Some(earliest)),
    );
    s.text("Endpoint", "endpoint", Some(&cluster.endpoint));
    s.text(
        "ReaderEndpoint",
        "reader_endpoint",
        Some(&cluster.reader_endpoint),
    );
    s.list(
        "CustomEndpoints",
        "custom_endpoints",
        list_len(shape, 1, is_aurora.then_some(0)),
        |s, _| {
            s.item_text(
                "member",
                format_args!(
                    "{}-analytics.cluster-custom-{token}.{region}.rds.{suffix}",
                    cluster.identifier
                ),
            )
        },
    );
    s.boolean("MultiAZ", "multi_az", Some(cluster.multi_az));
    s.text("Engine", "engine", Some(engine));
    s.text(
        "EngineVersion",
        "engine_version",
        Some(&cluster.engine_version),
    );
    s.time(
        "LatestRestorableTime",
        "latest_restorable_time",
        pick(shape, restorable, Some(restorable)),
    );
    s.int("Port", "port", Some(i64::from(cluster.port)));
    let user = if engine.contains("postgres") {
        "postgres"
    } else {
        "admin"
    };
    s.text(
        "MasterUsername",
        "master_username",
        pick(shape, user, (engine != "neptune").then_some(user)),
    );
    s.list(
        "DBClusterOptionGroupMemberships",
        "db_cluster_option_group_memberships",
        list_len(shape, 1, Some(0)),
        |s, _| {
            s.item_object("DBClusterOptionGroup", |s| {
                s.text_fmt(
                    "DBClusterOptionGroupName",
                    "db_cluster_option_group_name",
                    Some(format_args!("default:{engine}")),
                );
                s.text("Status", "status", Some("in-sync"));
            })
        },
    );
    let backup_hour = draw(2) % 24;
    let window = format!("{backup_hour:02}:00-{backup_hour:02}:30");
    s.text(
        "PreferredBackupWindow",
        "preferred_backup_window",
        pick(shape, window.as_str(), Some(window.as_str())),
    );
    let day = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][(draw(7) % 7) as usize];
    let hour = (backup_hour + 4) % 24;
    let maintenance = format!("{day}:{hour:02}:00-{day}:{hour:02}:30");
    s.text(
        "PreferredMaintenanceWindow",
        "preferred_maintenance_window",
        pick(shape, maintenance.as_str(), Some(maintenance.as_str())),
    );
    s.text(
        "UpgradeRolloutOrder",
        "upgrade_rollout_order",
        pick(shape, "second", None),
    );
    let replica_source = format!(
        "arn:{p}:rds:us-west-2:{account}:cluster:{}-source",
        cluster.identifier
    );
    let is_replica = draw(14) % 10 == 0;
    s.text(
        "ReplicationSourceIdentifier",
        "replication_source_identifier",
        pick(
            shape,
            replica_source.as_str(),
            is_replica.then_some(replica_source.as_str()),
        ),
    );
    s.list(
        "ReadReplicaIdentifiers",
        "read_replica_identifiers",
        list_len(shape, 1, Some(0)),
        |s, _| {
            s.item_text(
                "ReadReplicaIdentifier",
                format_args!(
                    "arn:{p}:rds:eu-central-1:{account}:cluster:{}-replica",
                    cluster.identifier
                ),
            )
        },
    );
    s.list(
        "StatusInfos",
        "status_infos",
        list_len(shape, 1, None),
        |s, _| {
            s.item_object("DBClusterStatusInfo", |s| {
                s.text("StatusType", "status_type", Some("read replication"));
                s.boolean("Normal", "normal", Some(true));
                s.text("Status", "status", Some("replicating"));
                s.text(
                    "Message",
                    "message",
                    Some("Replication is running normally."),
                );
            })
        },
    );
    // The members are the cluster's truth in every shape (like the tags).
    let members = Some(cluster.members.len());
    s.list("DBClusterMembers", "db_cluster_members", members, |s, i| {
        let member = &cluster.members[i];
        s.item_object("DBClusterMember", |s| {
            s.text(
                "DBInstanceIdentifier",
                "db_instance_identifier",
                Some(&member.db_instance_identifier),
            );
            s.boolean(
                "IsClusterWriter",
                "is_cluster_writer",
                Some(member.is_cluster_writer),
            );
            s.text(
                "DBClusterParameterGroupStatus",
                "db_cluster_parameter_group_status",
                Some("in-sync"),
            );
            s.int(
                "PromotionTier",
                "promotion_tier",
                Some(i64::from(member.promotion_tier)),
            );
        })
    });
    let vpc_groups = list_len(shape, 2, Some(1 + (draw(4) % 2) as usize));
    emit_vpc_security_groups(s, vpc_groups, |i| draw(40 + i as u64));
    s.text(
        "HostedZoneId",
        "hosted_zone_id",
        pick(shape, zone_id.as_str(), Some(zone_id.as_str())),
    );
    s.boolean(
        "StorageEncrypted",
        "storage_encrypted",
        Some(cluster.storage_encrypted),
    );
    let encryption_type = if cluster.storage_encrypted {
        "sse-kms"
    } else {
        "none"
    };
    s.text(
        "StorageEncryptionType",
        "storage_encryption_type",
        pick(shape, "sse-kms", Some(encryption_type)),
    );
    s.text(
        "KmsKeyId",
        "kms_key_id",
        pick(
            shape,
            kms_arn.as_str(),
            cluster.storage_encrypted.then_some(kms_arn.as_str()),
        ),
    );
    s.text(
        "DbClusterResourceId",
        "db_cluster_resource_id",
        Some(&cluster.resource_id),
    );
    s.text("DBClusterArn", "db_cluster_arn", Some(&cluster.arn));
    s.list(
        "AssociatedRoles",
        "associated_roles",
        list_len(shape, 1, Some(0)),
        |s, _| {
            s.item_object("DBClusterRole", |s| {
                s.text_fmt(
                    "RoleArn",
                    "role_arn",
                    Some(format_args!("arn:{p}:iam::{account}:role/rds-s3-export")),
                );
                s.text("Status", "status", Some("ACTIVE"));
                s.text("FeatureName", "feature_name", Some("s3Export"));
            })
        },
    );
    s.boolean(
        "IAMDatabaseAuthenticationEnabled",
        "iam_database_authentication_enabled",
        pick(shape, true, Some(draw(20) % 3 == 0)),
    );
    let clone_group = uuid(18).to_string();
    s.text(
        "CloneGroupId",
        "clone_group_id",
        pick(
            shape,
            clone_group.as_str(),
            (is_aurora && draw(19) % 10 == 0).then_some(clone_group.as_str()),
        ),
    );
    s.text(
        "ClusterCreateTime",
        "cluster_create_time",
        Some(&cluster.cluster_create_time),
    );
    let backtrack = is_aurora_mysql && draw(21) % 3 == 0;
    s.time(
        "EarliestBacktrackTime",
        "earliest_backtrack_time",
        pick(
            shape,
            REFERENCE_UNIX - DAY,
            backtrack.then_some(REFERENCE_UNIX - DAY),
        ),
    );
    s.int(
        "BacktrackWindow",
        "backtrack_window",
        pick(shape, 86_400, backtrack.then_some(86_400)),
    );
    s.int(
        "BacktrackConsumedChangeRecords",
        "backtrack_consumed_change_records",
        pick(
            shape,
            12_345,
            backtrack.then_some((draw(22) % 100_000) as i64),
        ),
    );
    let typical_logs = (draw(23) % 2 == 0).then(|| 1 + (draw(24) % 2) as usize);
    s.list(
        "EnabledCloudwatchLogsExports",
        "enabled_cloudwatch_logs_exports",
        list_len(shape, 2, typical_logs),
        |s, i| s.item_text("member", format_args!("{}", logs[i % logs.len()])),
    );
    s.int("Capacity", "capacity", pick(shape, 2, None));
    emit_pending_modified_values(s, cluster, complete, draw(11));
    s.text(
        "EngineMode",
        "engine_mode",
        pick(shape, "provisioned", Some("provisioned")),
    );
    s.object(
        "ScalingConfigurationInfo",
        "scaling_configuration_info",
        complete,
        |s| {
            s.int("MinCapacity", "min_capacity", Some(1));
            s.int("MaxCapacity", "max_capacity", Some(16));
            s.boolean("AutoPause", "auto_pause", Some(true));
            s.int(
                "SecondsUntilAutoPause",
                "seconds_until_auto_pause",
                Some(300),
            );
            s.text(
                "TimeoutAction",
                "timeout_action",
                Some("RollbackCapacityChange"),
            );
            s.int("SecondsBeforeTimeout", "seconds_before_timeout", Some(300));
        },
    );
    emit_custom_configuration(s, complete, draw(25));
    s.text(
        "DBClusterInstanceClass",
        "db_cluster_instance_class",
        if complete {
            Some(cluster.member_instance_class.as_str())
        } else {
            cluster.db_cluster_instance_class.as_deref()
        },
    );
    s.text("StorageType", "storage_type", Some(&cluster.storage_type));
    s.int(
        "Iops",
        "iops",
        pick(shape, 3000, cluster.iops.map(i64::from)),
    );
    let gp3 = cluster.storage_type == "gp3";
    s.int(
        "StorageThroughput",
        "storage_throughput",
        pick(shape, 125, gp3.then_some(125)),
    );
    let io_optimized = cluster.storage_type == "aurora-iopt1";
    s.time(
        "IOOptimizedNextAllowedModificationTime",
        "io_optimized_next_allowed_modification_time",
        pick(
            shape,
            REFERENCE_UNIX + 20 * DAY,
            io_optimized.then_some(REFERENCE_UNIX + 20 * DAY),
        ),
    );
    s.boolean(
        "PubliclyAccessible",
        "publicly_accessible",
        pick(
            shape,
            false,
            is_multi_az_cluster.then_some(draw(26) % 5 == 0),
        ),
    );
    s.boolean(
        "AutoMinorVersionUpgrade",
        "auto_minor_version_upgrade",
        pick(shape, true, Some(draw(13) % 4 != 0)),
    );
    s.boolean(
        "DeletionProtection",
        "deletion_protection",
        Some(cluster.deletion_protection),
    );
    s.boolean(
        "HttpEndpointEnabled",
        "http_endpoint_enabled",
        pick(shape, true, Some(is_aurora && draw(27) % 4 == 0)),
    );
    s.text(
        "ActivityStreamMode",
        "activity_stream_mode",
        pick(shape, "async", None),
    );
    s.text(
        "ActivityStreamStatus",
        "activity_stream_status",
        pick(shape, "started", Some("stopped")),
    );
    s.text(
        "ActivityStreamKmsKeyId",
        "activity_stream_kms_key_id",
        pick(shape, kms_arn.as_str(), None),
    );
    s.text_fmt(
        "ActivityStreamKinesisStreamName",
        "activity_stream_kinesis_stream_name",
        pick(
            shape,
            format_args!("aws-rds-das-{}", cluster.resource_id),
            None,
        ),
    );
    s.boolean(
        "CopyTagsToSnapshot",
        "copy_tags_to_snapshot",
        pick(shape, true, Some(draw(18) % 2 == 0)),
    );
    s.boolean(
        "CrossAccountClone",
        "cross_account_clone",
        pick(shape, true, Some(false)),
    );
    let domain = (draw(45), draw(46));
    emit_domain_memberships(s, list_len(shape, 1, Some(0)), (p, region, account), domain);
    emit_tags(s, &cluster.tags);
    let global = is_aurora && draw(28) % 10 == 0;
    let global_name = format!("global-{token}");
    s.text(
        "GlobalClusterIdentifier",
        "global_cluster_identifier",
        pick(
            shape,
            global_name.as_str(),
            global.then_some(global_name.as_str()),
        ),
    );
    s.text(
        "GlobalWriteForwardingStatus",
        "global_write_forwarding_status",
        pick(shape, "disabled", global.then_some("disabled")),
    );
    s.boolean(
        "GlobalWriteForwardingRequested",
        "global_write_forwarding_requested",
        pick(shape, false, global.then_some(false)),
    );
    s.text(
        "NetworkType",
        "network_type",
        pick(shape, "DUAL", Some("IPV4")),
    );
    s.time(
        "AutomaticRestartTime",
        "automatic_restart_time",
        pick(
            shape,
            REFERENCE_UNIX + 7 * DAY,
            stopped.then_some(REFERENCE_UNIX + 7 * DAY),
        ),
    );
    s.object(
        "ServerlessV2ScalingConfiguration",
        "serverless_v2_scaling_configuration",
        complete || (serverless && shape != RecordShape::Sparse),
        |s| {
            s.float("MinCapacity", "min_capacity", Some(0.5));
            s.float("MaxCapacity", "max_capacity", Some(16.0));
            s.int(
                "SecondsUntilAutoPause",
                "seconds_until_auto_pause",
                Some(3600),
            );
        },
    );
    s.text(
        "ServerlessV2PlatformVersion",
        "serverless_v2_platform_version",
        pick(shape, "3", serverless.then_some("3")),
    );
    let monitoring = pick(shape, 60, Some([0, 0, 60, 15][(draw(29) % 4) as usize]));
    s.int("MonitoringInterval", "monitoring_interval", monitoring);
    let monitored = monitoring.is_some_and(|interval| interval > 0);
    s.text_fmt(
        "MonitoringRoleArn",
        "monitoring_role_arn",
        monitored.then_some(format_args!(
            "arn:{p}:iam::{account}:role/rds-monitoring-role"
        )),
    );
    s.text(
        "DatabaseInsightsMode",
        "database_insights_mode",
        pick(shape, "advanced", is_rds.then_some("standard")),
    );
    let insights = pick(shape, true, Some(is_rds && draw(31) % 2 == 0));
    s.boolean(
        "PerformanceInsightsEnabled",
        "performance_insights_enabled",
        insights,
    );
    let insights_on = insights == Some(true);
    s.text(
        "PerformanceInsightsKMSKeyId",
        "performance_insights_kms_key_id",
        insights_on.then_some(kms_arn.as_str()),
    );
    s.int(
        "PerformanceInsightsRetentionPeriod",
        "performance_insights_retention_period",
        insights_on.then_some(if draw(32) % 3 == 0 { 731 } else { 7 }),
    );
    s.text_fmt(
        "DBSystemId",
        "db_system_id",
        pick(shape, format_args!("sys-{}", Alnum(draw(33), 10)), None),
    );
    s.object(
        "MasterUserSecret",
        "master_user_secret",
        complete || (draw(34) % 3 == 0 && shape != RecordShape::Sparse && engine != "neptune"),
        |s| {
            s.text_fmt(
                "SecretArn",
                "secret_arn",
                Some(format_args!(
                    "arn:{p}:secretsmanager:{region}:{account}:secret:rds!cluster-{}-{}",
                    uuid(35),
                    Alnum(draw(36), 6)
                )),
            );
            s.text("SecretStatus", "secret_status", Some("active"));
            s.text("KmsKeyId", "kms_key_id", Some(&kms_arn));
        },
    );
    s.text(
        "LocalWriteForwardingStatus",
        "local_write_forwarding_status",
        pick(shape, "disabled", is_aurora_mysql.then_some("disabled")),
    );
    let recovery_point = draw(37);
    s.text_fmt(
        "AwsBackupRecoveryPointArn",
        "aws_backup_recovery_point_arn",
        pick(
            shape,
            format_args!(
                "arn:{p}:backup:{region}:{account}:recovery-point:continuous:cluster-{:08x}",
                recovery_point & 0xffff_ffff
            ),
            (recovery_point % 5 == 0).then_some(format_args!(
                "arn:{p}:backup:{region}:{account}:recovery-point:continuous:cluster-{:08x}",
                recovery_point & 0xffff_ffff
            )),
        ),
    );
    s.object("LimitlessDatabase", "limitless_database", complete, |s| {
        s.text("Status", "status", Some("not-in-use"));
        s.float("MinRequiredACU", "min_required_acu", Some(16.0));
    });
    s.text(
        "ClusterScalabilityType",
        "cluster_scalability_type",
        pick(shape, "standard", is_aurora.then_some("standard")),
    );
    s.object(
        "CertificateDetails",
        "certificate_details",
        shape != RecordShape::Sparse,
        |s| {
            s.text("CAIdentifier", "ca_identifier", Some(ca));
            s.time("ValidTill", "valid_till", Some(valid_till));
        },
    );
    let lifecycle = if draw(38) % 4 == 0 {
        "open-source-rds-extended-support-disabled"
    } else {
        "open-source-rds-extended-support"
    };
    s.text(
        "EngineLifecycleSupport",
        "engine_lifecycle_support",
        pick(
            shape,
            "open-source-rds-extended-support",
            is_rds.then_some(lifecycle),
        ),
    );
    s.boolean(
        "VPCNetworkingEnabled",
        "vpc_networking_enabled",
        pick(shape, true, None),
    );
    s.boolean(
        "InternetAccessGatewayEnabled",
        "internet_access_gateway_enabled",
        pick(shape, false, None),
    );
}

fn emit_custom_configuration<S: Sink>(s: &mut S, present: bool, draw: u64) {
    s.object(
        "RdsCustomClusterConfiguration",
        "rds_custom_cluster_configuration",
        present,
        |s| {
            s.text_fmt(
                "InterconnectSubnetId",
                "interconnect_subnet_id",
                Some(format_args!("subnet-0{:016x}", draw)),
            );
            s.text_fmt(
                "TransitGatewayMulticastDomainId",
                "transit_gateway_multicast_domain_id",
                Some(format_args!("tgw-mcast-domain-0{:016x}", draw >> 3)),
            );
            s.text("ReplicaMode", "replica_mode", Some("open-read-only"));
        },
    );
}

/// Absent unless something is pending; `Complete` fills every member.
fn emit_pending_modified_values<S: Sink>(
    s: &mut S,
    cluster: &FakeCluster,
    complete: bool,
    draw: u64,
) {
    let major = major_engine_version(&cluster.engine, &cluster.engine_version);
    s.object(
        "PendingModifiedValues",
        "pending_modified_values",
        complete,
        |s| {
            let logs = log_types(&cluster.engine);
            s.object(
                "PendingCloudwatchLogsExports",
                "pending_cloudwatch_logs_exports",
                true,
                |s| {
                    s.list(
                        "LogTypesToEnable",
                        "log_types_to_enable",
                        Some(1),
                        |s, _| s.item_text("member", format_args!("{}", logs[0])),
                    );
                    s.list(
                        "LogTypesToDisable",
                        "log_types_to_disable",
                        Some(1),
                        |s, _| s.item_text("member", format_args!("{}", logs[1])),
                    );
                },
            );
            s.text_fmt(
                "DBClusterIdentifier",
                "db_cluster_identifier",
                Some(format_args!("{}-next", cluster.identifier)),
            );
            s.text("MasterUserPassword", "master_user_password", Some("****"));
            s.boolean(
                "IAMDatabaseAuthenticationEnabled",
                "iam_database_authentication_enabled",
                Some(true),
            );
            s.text_fmt(
                "EngineVersion",
                "engine_version",
                Some(format_args!("{major}.{}", 1 + draw % 5)),
            );
            s.int("BackupRetentionPeriod", "backup_retention_period", Some(14));
            s.text("StorageType", "storage_type", Some("aurora-iopt1"));
            s.int("AllocatedStorage", "allocated_storage", Some(200));
            emit_custom_configuration(s, true, draw);
            s.int("Iops", "iops", Some(6000));
            s.object("CertificateDetails", "certificate_details", true, |s| {
                s.text("CAIdentifier", "ca_identifier", Some("rds-ca-rsa4096-g1"));
                s.time("ValidTill", "valid_till", Some(REFERENCE_UNIX + 400 * DAY));
            });
        },
    );
}
