//! The complete DBInstance: all 94 members of the SDK's `DbInstance`, with the element names
//! its deserializer reads. Everything beyond the original fields is a pure function of the
//! instance (seeded by its `DbiResourceId`), so it costs O(1) and nothing is stored.

use crate::inventory::FakeInstance;
use crate::lifecycle::major_engine_version;
use crate::record_parts::{
    certificate, dns_suffix, emit_additional_storage_volumes, emit_domain_memberships,
    emit_processor_features, emit_tags, emit_vpc_security_groups, engine_port, hash_str,
    license_model, list_len, log_types, partition, pick, Alnum, RecordShape, Uuid, DAY,
    REFERENCE_UNIX,
};
use crate::rng::hash_parts;
use crate::sink::{JsonSink, Sink};
use serde_json::Value;

impl FakeInstance {
    /// How much of the complete record this instance carries (deterministic).
    pub fn record_shape(&self) -> RecordShape {
        if self.engine.starts_with("aurora") && self.status != "creating" && !self.tags.is_empty() {
            return RecordShape::Complete;
        }
        match hash_parts(&[hash_str(&self.resource_id), 0]) % 10 {
            0 | 1 => RecordShape::Sparse,
            2 | 3 => RecordShape::EmptyLists,
            _ => RecordShape::Typical,
        }
    }

    /// The instance as DescribeDBInstances serves it: one key per `DbInstance` member (94),
    /// named as the SDK names it (`ca_certificate_identifier`, `vpc_security_groups`, ...).
    /// Timestamps are RFC 3339 UTC strings, numbers and booleans are JSON numbers and
    /// booleans, absent members are `null` and empty lists `[]`; nested structures are
    /// objects with every member of theirs as a key.
    /// This is what the fake serves with `complete_records: true`; see
    /// `lean_db_instance_json` for the default.
    pub fn db_instance_json(&self) -> Value {
        let mut sink = JsonSink::new();
        emit_db_instance(self, true, &mut sink);
        sink.finish()
    }

    /// The DB parameter group the instance names (with `complete_records`): about a third
    /// `<family>-custom`, the others `default.<family>`; and its `ParameterApplyStatus`,
    /// `pending-reboot` while the instance is `modifying`, else `in-sync`.
    pub fn db_parameter_group(&self) -> (String, &'static str) {
        let engine = self.engine.as_str();
        let draw = |purpose: u64| hash_parts(&[hash_str(&self.resource_id), purpose]);
        let major = major_engine_version(engine, &self.engine_version);
        let separator = if engine.starts_with("oracle") || engine.starts_with("sqlserver") {
            "-"
        } else {
            ""
        };
        let family = format!("{engine}{separator}{major}");
        let name = if draw(5) % 3 == 0 {
            format!("{family}-custom")
        } else {
            format!("default.{family}")
        };
        let status = if self.status == "modifying" {
            "pending-reboot"
        } else {
            "in-sync"
        };
        (name, status)
    }

    /// The instance as a fake with the default `complete_records: false` serves it: the same
    /// 94 keys, only the original 21 members set (as for `RecordShape::Sparse`).
    pub fn lean_db_instance_json(&self) -> Value {
        let mut sink = JsonSink::new();
        emit_db_instance(self, false, &mut sink);
        sink.finish()
    }
}

/// Writes every member of one `DBInstance` (without the enclosing element); without
/// `complete`, only the original 21 members, whatever the instance's shape.
pub(crate) fn emit_db_instance<S: Sink>(instance: &FakeInstance, complete: bool, s: &mut S) {
    let shape = if complete {
        instance.record_shape()
    } else {
        RecordShape::Sparse
    };
    let seed = hash_str(&instance.resource_id);
    let draw = |purpose: u64| hash_parts(&[seed, purpose]);
    let uuid =
        |purpose: u64| Uuid(u128::from(draw(purpose)) << 64 | u128::from(draw(purpose + 1000)));

    let region = instance.region.as_str();
    let account = instance.account_id.as_str();
    let p = partition(region);
    let suffix = dns_suffix(region);
    let engine = instance.engine.as_str();
    let is_pg = engine.contains("postgres");
    let is_mysql_family = engine.contains("mysql") || engine == "mariadb";
    let is_oracle = engine.starts_with("oracle");
    let is_sqlserver = engine.starts_with("sqlserver");
    let is_aurora = engine.starts_with("aurora");
    let creating = instance.status == "creating";
    let major = major_engine_version(engine, &instance.engine_version);
    let port = instance
        .endpoint_port
        .map_or_else(|| engine_port(engine), i64::from);
    // Names that must survive a rename are built from the resource id, not the identifier.
    let token = instance
        .resource_id
        .get(3..11)
        .unwrap_or(&instance.resource_id)
        .to_ascii_lowercase();
    let resource_lower = instance.resource_id.to_ascii_lowercase();
    let zone_id = format!("Z{:013X}", hash_str(region) & ((1 << 52) - 1));
    let kms_key = uuid(17);
    let (ca, valid_till) = certificate(draw(30));

    s.text(
        "DBInstanceIdentifier",
        "db_instance_identifier",
        Some(&instance.identifier),
    );
    s.text(
        "DBInstanceClass",
        "db_instance_class",
        Some(&instance.instance_class),
    );
    s.text("Engine", "engine", Some(engine));
    s.text(
        "DBInstanceStatus",
        "db_instance_status",
        Some(&instance.status),
    );
    let user = if is_pg { "postgres" } else { "admin" };
    s.text(
        "MasterUsername",
        "master_username",
        pick(shape, user, Some(user)),
    );
    let db_name = if is_oracle { "ORCL" } else { "appdb" };
    let typical_db_name = (draw(1) % 2 == 0 && !is_sqlserver).then_some(db_name);
    s.text("DBName", "db_name", pick(shape, db_name, typical_db_name));
    let endpoint_present = instance.endpoint_address.is_some() && instance.endpoint_port.is_some();
    s.object("Endpoint", "endpoint", endpoint_present, |s| {
        s.text("Address", "address", instance.endpoint_address.as_deref());
        s.int("Port", "port", instance.endpoint_port.map(i64::from));
        s.text(
            "HostedZoneId",
            "hosted_zone_id",
            pick(shape, zone_id.as_str(), Some(zone_id.as_str())),
        );
    });
    s.int(
        "AllocatedStorage",
        "allocated_storage",
        Some(i64::from(instance.allocated_storage)),
    );
    s.text(
        "InstanceCreateTime",
        "instance_create_time",
        instance.instance_create_time.as_deref(),
    );
    let backup_hour = draw(2) % 24;
    s.text_fmt(
        "PreferredBackupWindow",
        "preferred_backup_window",
        pick(
            shape,
            format_args!("{backup_hour:02}:00-{backup_hour:02}:30"),
            Some(format_args!("{backup_hour:02}:00-{backup_hour:02}:30")),
        ),
    );
    let retention = [0, 1, 7, 7, 14, 35][(draw(3) % 6) as usize];
    s.int(
        "BackupRetentionPeriod",
        "backup_retention_period",
        pick(shape, 7, Some(retention)),
    );
    s.list(
        "DBSecurityGroups",
        "db_security_groups",
        list_len(shape, 1, Some(0)),
        |s, _| {
            s.item_object("DBSecurityGroup", |s| {
                s.text(
                    "DBSecurityGroupName",
                    "db_security_group_name",
                    Some("default"),
                );
                s.text("Status", "status", Some("active"));
            })
        },
    );
    let vpc_groups = list_len(shape, 2, Some(1 + (draw(4) % 2) as usize));
    emit_vpc_security_groups(s, vpc_groups, |i| draw(40 + i as u64));
    let (group_name, group_status) = instance.db_parameter_group();
    s.list(
        "DBParameterGroups",
        "db_parameter_groups",
        list_len(shape, 1, Some(1)),
        |s, _| {
            s.item_object("DBParameterGroup", |s| {
                s.text(
                    "DBParameterGroupName",
                    "db_parameter_group_name",
                    Some(&group_name),
                );
                s.text(
                    "ParameterApplyStatus",
                    "parameter_apply_status",
                    Some(group_status),
                );
            })
        },
    );
    s.text(
        "AvailabilityZone",
        "availability_zone",
        instance.availability_zone.as_deref(),
    );
    s.object("DBSubnetGroup", "db_subnet_group", true, |s| {
        let name = instance.db_subnet_group_name.as_str();
        s.text("DBSubnetGroupName", "db_subnet_group_name", Some(name));
        s.text_fmt(
            "DBSubnetGroupDescription",
            "db_subnet_group_description",
            pick(
                shape,
                format_args!("Subnets for {name}"),
                Some(format_args!("Subnets for {name}")),
            ),
        );
        s.text("VpcId", "vpc_id", Some(&instance.vpc_id));
        s.text("SubnetGroupStatus", "subnet_group_status", Some("Complete"));
        let subnets = list_len(shape, 2, Some(2 + (draw(6) % 2) as usize));
        s.list("Subnets", "subnets", subnets, |s, i| {
            s.item_object("Subnet", |s| {
                s.text_fmt(
                    "SubnetIdentifier",
                    "subnet_identifier",
                    Some(format_args!("subnet-0{:016x}", draw(60 + i as u64))),
                );
                s.object(
                    "SubnetAvailabilityZone",
                    "subnet_availability_zone",
                    true,
                    |s| {
                        let letter = ['a', 'b', 'c'][i % 3];
                        s.text_fmt("Name", "name", Some(format_args!("{region}{letter}")));
                    },
                );
                s.object(
                    "SubnetOutpost",
                    "subnet_outpost",
                    shape == RecordShape::Complete,
                    |s| {
                        s.text_fmt(
                            "Arn",
                            "arn",
                            Some(format_args!(
                                "arn:{p}:outposts:{region}:{account}:outpost/op-0{:016x}",
                                draw(70)
                            )),
                        );
                    },
                );
                s.text("SubnetStatus", "subnet_status", Some("Active"));
            })
        });
        s.text_fmt(
            "DBSubnetGroupArn",
            "db_subnet_group_arn",
            pick(
                shape,
                format_args!("arn:{p}:rds:{region}:{account}:subgrp:{name}"),
                Some(format_args!("arn:{p}:rds:{region}:{account}:subgrp:{name}")),
            ),
        );
        s.list(
            "SupportedNetworkTypes",
            "supported_network_types",
            list_len(shape, 2, Some(1)),
            |s, i| s.item_text("member", format_args!("{}", ["IPV4", "DUAL"][i % 2])),
        );
    });
    let maintenance_day = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][(draw(7) % 7) as usize];
    let maintenance_hour = draw(8) % 24;
    s.text_fmt(
        "PreferredMaintenanceWindow",
        "preferred_maintenance_window",
        pick(
            shape,
            format_args!("{maintenance_day}:{maintenance_hour:02}:00-{maintenance_day}:{maintenance_hour:02}:30"),
            Some(format_args!("{maintenance_day}:{maintenance_hour:02}:00-{maintenance_day}:{maintenance_hour:02}:30")),
        ),
    );
    let rollout = (draw(9) % 2 == 0).then(|| ["first", "second", "last"][(draw(10) % 3) as usize]);
    s.text(
        "UpgradeRolloutOrder",
        "upgrade_rollout_order",
        pick(shape, "second", rollout),
    );
    emit_pending_modified_values(s, instance, shape, &major, &token, port, draw(11));
    let restorable = REFERENCE_UNIX - 300 - (draw(12) % 3600) as i64;
    s.time(
        "LatestRestorableTime",
        "latest_restorable_time",
        pick(shape, restorable, (!creating).then_some(restorable)),
    );
    s.boolean("MultiAZ", "multi_az", Some(instance.multi_az));
    s.text(
        "EngineVersion",
        "engine_version",
        Some(&instance.engine_version),
    );
    s.boolean(
        "AutoMinorVersionUpgrade",
        "auto_minor_version_upgrade",
        pick(shape, true, Some(draw(13) % 4 != 0)),
    );
    let is_replica = draw(14) % 10 == 0;
    s.text_fmt(
        "ReadReplicaSourceDBInstanceIdentifier",
        "read_replica_source_db_instance_identifier",
        pick(
            shape,
            format_args!("{token}-source"),
            is_replica.then_some(format_args!("{token}-source")),
        ),
    );
    s.list(
        "ReadReplicaDBInstanceIdentifiers",
        "read_replica_db_instance_identifiers",
        list_len(shape, 1 + (draw(15) % 2) as usize, Some(0)),
        |s, i| {
            s.item_text(
                "ReadReplicaDBInstanceIdentifier",
                format_args!("{token}-replica-{}", i + 1),
            )
        },
    );
    s.list(
        "ReadReplicaDBClusterIdentifiers",
        "read_replica_db_cluster_identifiers",
        list_len(shape, 1, Some(0)),
        |s, _| {
            s.item_text(
                "ReadReplicaDBClusterIdentifier",
                format_args!("{token}-replica-cluster"),
            )
        },
    );
    s.text(
        "ReplicaMode",
        "replica_mode",
        pick(shape, "open-read-only", None),
    );
    let license = license_model(engine);
    s.text(
        "LicenseModel",
        "license_model",
        pick(shape, license, Some(license)),
    );
    let typical_iops = match instance.storage_type.as_str() {
        "io1" => Some(1000 + (draw(16) % 9) as i64 * 1000),
        "gp3" => Some(3000),
        _ => None,
    };
    s.int("Iops", "iops", pick(shape, 3000, typical_iops));
    let is_gp3 = instance.storage_type == "gp3";
    s.int(
        "StorageThroughput",
        "storage_throughput",
        pick(shape, 125, is_gp3.then_some(125)),
    );
    let option_major = major.replace('.', "-");
    s.list(
        "OptionGroupMemberships",
        "option_group_memberships",
        list_len(shape, 1, Some(1)),
        |s, _| {
            s.item_object("OptionGroupMembership", |s| {
                s.text_fmt(
                    "OptionGroupName",
                    "option_group_name",
                    Some(format_args!("default:{engine}-{option_major}")),
                );
                s.text("Status", "status", Some("in-sync"));
            })
        },
    );
    let charset = if is_oracle {
        Some("AL32UTF8")
    } else if is_sqlserver {
        Some("SQL_Latin1_General_CP1_CI_AS")
    } else {
        None
    };
    s.text(
        "CharacterSetName",
        "character_set_name",
        pick(shape, "AL32UTF8", charset),
    );
    s.text(
        "NcharCharacterSetName",
        "nchar_character_set_name",
        pick(shape, "AL16UTF16", is_oracle.then_some("AL16UTF16")),
    );
    let secondary_letter = match instance
        .availability_zone
        .as_deref()
        .and_then(|z| z.chars().last())
    {
        Some('c') => 'a',
        _ => 'c',
    };
    s.text_fmt(
        "SecondaryAvailabilityZone",
        "secondary_availability_zone",
        pick(
            shape,
            format_args!("{region}{secondary_letter}"),
            instance
                .multi_az
                .then_some(format_args!("{region}{secondary_letter}")),
        ),
    );
    s.boolean(
        "PubliclyAccessible",
        "publicly_accessible",
        Some(instance.publicly_accessible),
    );
    s.list(
        "StatusInfos",
        "status_infos",
        list_len(shape, 1, None),
        |s, _| {
            s.item_object("DBInstanceStatusInfo", |s| {
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
    s.text("StorageType", "storage_type", Some(&instance.storage_type));
    let encryption_type = if instance.storage_encrypted {
        "sse-kms"
    } else {
        "none"
    };
    s.text(
        "StorageEncryptionType",
        "storage_encryption_type",
        pick(shape, "sse-kms", Some(encryption_type)),
    );
    s.text_fmt(
        "TdeCredentialArn",
        "tde_credential_arn",
        pick(
            shape,
            format_args!("arn:{p}:rds:{region}:{account}:tde-credential:{token}"),
            None,
        ),
    );
    s.int(
        "DbInstancePort",
        "db_instance_port",
        pick(shape, port, Some(0)),
    );
    s.text(
        "DBClusterIdentifier",
        "db_cluster_identifier",
        instance.db_cluster_identifier.as_deref(),
    );
    s.boolean(
        "StorageEncrypted",
        "storage_encrypted",
        Some(instance.storage_encrypted),
    );
    s.text_fmt(
        "KmsKeyId",
        "kms_key_id",
        pick(
            shape,
            format_args!("arn:{p}:kms:{region}:{account}:key/{kms_key}"),
            instance
                .storage_encrypted
                .then_some(format_args!("arn:{p}:kms:{region}:{account}:key/{kms_key}")),
        ),
    );
    s.text(
        "DbiResourceId",
        "dbi_resource_id",
        Some(&instance.resource_id),
    );
    s.text(
        "CACertificateIdentifier",
        "ca_certificate_identifier",
        pick(shape, ca, Some(ca)),
    );
    let domain = (draw(45), draw(46));
    emit_domain_memberships(s, list_len(shape, 1, Some(0)), (p, region, account), domain);
    s.boolean(
        "CopyTagsToSnapshot",
        "copy_tags_to_snapshot",
        pick(shape, true, Some(draw(18) % 2 == 0)),
    );
    let monitoring = pick(shape, 60, Some([0, 0, 60, 15][(draw(19) % 4) as usize]));
    s.int("MonitoringInterval", "monitoring_interval", monitoring);
    let monitored = monitoring.is_some_and(|interval| interval > 0);
    s.text_fmt(
        "EnhancedMonitoringResourceArn",
        "enhanced_monitoring_resource_arn",
        monitored.then_some(format_args!(
            "arn:{p}:logs:{region}:{account}:log-group:RDSOSMetrics:log-stream:{}",
            instance.resource_id
        )),
    );
    s.text_fmt(
        "MonitoringRoleArn",
        "monitoring_role_arn",
        monitored.then_some(format_args!(
            "arn:{p}:iam::{account}:role/rds-monitoring-role"
        )),
    );
    s.int(
        "PromotionTier",
        "promotion_tier",
        pick(shape, 1, is_aurora.then_some(1)),
    );
    s.text("DBInstanceArn", "db_instance_arn", Some(&instance.arn));
    s.text(
        "Timezone",
        "timezone",
        pick(shape, "UTC", is_sqlserver.then_some("UTC")),
    );
    s.boolean(
        "IAMDatabaseAuthenticationEnabled",
        "iam_database_authentication_enabled",
        pick(shape, true, Some(draw(20) % 3 == 0)),
    );
    s.text(
        "DatabaseInsightsMode",
        "database_insights_mode",
        pick(shape, "advanced", Some("standard")),
    );
    let insights = pick(shape, true, Some(draw(21) % 2 == 0));
    s.boolean(
        "PerformanceInsightsEnabled",
        "performance_insights_enabled",
        insights,
    );
    let insights_on = insights == Some(true);
    s.text_fmt(
        "PerformanceInsightsKMSKeyId",
        "performance_insights_kms_key_id",
        insights_on.then_some(format_args!("arn:{p}:kms:{region}:{account}:key/{kms_key}")),
    );
    let insights_retention = if draw(22) % 3 == 0 { 731 } else { 7 };
    s.int(
        "PerformanceInsightsRetentionPeriod",
        "performance_insights_retention_period",
        pick(shape, 7, insights_on.then_some(insights_retention)),
    );
    let logs = log_types(engine);
    let typical_logs = (draw(23) % 2 == 0).then(|| 1 + (draw(24) % 2) as usize);
    s.list(
        "EnabledCloudwatchLogsExports",
        "enabled_cloudwatch_logs_exports",
        list_len(shape, 2, typical_logs),
        |s, i| s.item_text("member", format_args!("{}", logs[i % logs.len()])),
    );
    emit_processor_features(s, list_len(shape, 2, None));
    s.boolean(
        "DeletionProtection",
        "deletion_protection",
        Some(instance.deletion_protection),
    );
    s.list(
        "AssociatedRoles",
        "associated_roles",
        list_len(shape, 1, Some(0)),
        |s, _| {
            s.item_object("DBInstanceRole", |s| {
                s.text_fmt(
                    "RoleArn",
                    "role_arn",
                    Some(format_args!("arn:{p}:iam::{account}:role/rds-s3-import")),
                );
                s.text("FeatureName", "feature_name", Some("s3Import"));
                s.text("Status", "status", Some("ACTIVE"));
            })
        },
    );
    s.object(
        "ListenerEndpoint",
        "listener_endpoint",
        shape == RecordShape::Complete,
        |s| {
            s.text_fmt(
                "Address",
                "address",
                Some(format_args!("{token}.listener.{region}.rds.{suffix}")),
            );
            s.int("Port", "port", Some(port));
            s.text("HostedZoneId", "hosted_zone_id", Some(&zone_id));
        },
    );
    let autoscaling = (draw(25) % 10 < 3).then(|| i64::from(instance.allocated_storage) * 2);
    s.int(
        "MaxAllocatedStorage",
        "max_allocated_storage",
        pick(shape, 1000, autoscaling),
    );
    emit_tags(s, &instance.tags);
    s.text(
        "AutomationMode",
        "automation_mode",
        pick(shape, "full", None),
    );
    s.time(
        "ResumeFullAutomationModeTime",
        "resume_full_automation_mode_time",
        pick(shape, REFERENCE_UNIX + 2 * DAY, None),
    );
    s.boolean(
        "CustomerOwnedIpEnabled",
        "customer_owned_ip_enabled",
        pick(shape, false, Some(false)),
    );
    s.text(
        "NetworkType",
        "network_type",
        pick(shape, "DUAL", Some("IPV4")),
    );
    s.text(
        "ActivityStreamStatus",
        "activity_stream_status",
        pick(shape, "started", Some("stopped")),
    );
    s.text_fmt(
        "ActivityStreamKmsKeyId",
        "activity_stream_kms_key_id",
        pick(
            shape,
            format_args!("arn:{p}:kms:{region}:{account}:key/{kms_key}"),
            None,
        ),
    );
    s.text_fmt(
        "ActivityStreamKinesisStreamName",
        "activity_stream_kinesis_stream_name",
        pick(
            shape,
            format_args!("aws-rds-das-{}", instance.resource_id),
            None,
        ),
    );
    s.text(
        "ActivityStreamMode",
        "activity_stream_mode",
        pick(shape, "async", None),
    );
    s.boolean(
        "ActivityStreamEngineNativeAuditFieldsIncluded",
        "activity_stream_engine_native_audit_fields_included",
        pick(shape, true, None),
    );
    let recovery_point = draw(26);
    s.text_fmt(
        "AwsBackupRecoveryPointArn",
        "aws_backup_recovery_point_arn",
        pick(
            shape,
            format_args!(
                "arn:{p}:backup:{region}:{account}:recovery-point:continuous:{resource_lower}-{:08x}",
                recovery_point & 0xffff_ffff
            ),
            (recovery_point % 5 == 0).then_some(format_args!(
                "arn:{p}:backup:{region}:{account}:recovery-point:continuous:{resource_lower}-{:08x}",
                recovery_point & 0xffff_ffff
            )),
        ),
    );
    let replica_region = if region == "us-west-2" {
        "us-east-1"
    } else {
        "us-west-2"
    };
    s.list(
        "DBInstanceAutomatedBackupsReplications",
        "db_instance_automated_backups_replications",
        list_len(shape, 1, None),
        |s, _| {
            s.item_object("DBInstanceAutomatedBackupsReplication", |s| {
                s.text_fmt(
                    "DBInstanceAutomatedBackupsArn",
                    "db_instance_automated_backups_arn",
                    Some(format_args!(
                        "arn:{p}:rds:{replica_region}:{account}:auto-backup:ab-{}",
                        Alnum(draw(47), 26)
                    )),
                );
            })
        },
    );
    s.text(
        "BackupTarget",
        "backup_target",
        pick(shape, "region", Some("region")),
    );
    let stopped = instance.status == "stopped";
    let restart = REFERENCE_UNIX + (1 + (draw(27) % 7) as i64) * DAY;
    s.time(
        "AutomaticRestartTime",
        "automatic_restart_time",
        pick(shape, restart, stopped.then_some(restart)),
    );
    s.text(
        "CustomIamInstanceProfile",
        "custom_iam_instance_profile",
        pick(shape, "AWSRDSCustomInstanceProfile", None),
    );
    s.text(
        "ActivityStreamPolicyStatus",
        "activity_stream_policy_status",
        pick(shape, "unlocked", None),
    );
    let has_certificate = pick(shape, true, Some(!creating)).unwrap_or(false);
    s.object(
        "CertificateDetails",
        "certificate_details",
        has_certificate,
        |s| {
            s.text("CAIdentifier", "ca_identifier", Some(ca));
            s.time("ValidTill", "valid_till", Some(valid_till));
        },
    );
    s.text(
        "DBSystemId",
        "db_system_id",
        pick(shape, "RDSCDB", is_oracle.then_some("ORCL")),
    );
    let has_secret = pick(shape, true, Some(draw(28) % 10 < 3)).unwrap_or(false);
    s.object("MasterUserSecret", "master_user_secret", has_secret, |s| {
        s.text_fmt(
            "SecretArn",
            "secret_arn",
            Some(format_args!(
                "arn:{p}:secretsmanager:{region}:{account}:secret:rds!db-{}-{}",
                uuid(48),
                Alnum(draw(49), 6)
            )),
        );
        s.text("SecretStatus", "secret_status", Some("active"));
        s.text_fmt(
            "KmsKeyId",
            "kms_key_id",
            Some(format_args!("arn:{p}:kms:{region}:{account}:key/{kms_key}")),
        );
    });
    s.text_fmt(
        "ReadReplicaSourceDBClusterIdentifier",
        "read_replica_source_db_cluster_identifier",
        pick(shape, format_args!("{token}-source-cluster"), None),
    );
    s.text(
        "PercentProgress",
        "percent_progress",
        pick(shape, "100", None),
    );
    s.boolean(
        "MultiTenant",
        "multi_tenant",
        pick(shape, true, Some(false)),
    );
    s.boolean(
        "DedicatedLogVolume",
        "dedicated_log_volume",
        pick(shape, true, Some(false)),
    );
    s.boolean(
        "IsStorageConfigUpgradeAvailable",
        "is_storage_config_upgrade_available",
        pick(shape, true, (draw(29) % 10 == 0).then_some(true)),
    );
    let lifecycle = if draw(31) % 4 == 0 {
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
            (is_pg || is_mysql_family).then_some(lifecycle),
        ),
    );
    // Only RDS for Oracle and SQL Server have additional volumes: about half of the typical
    // ones show one.
    let additional_volumes = if shape == RecordShape::Typical {
        ((is_oracle || is_sqlserver) && draw(71) % 2 == 0).then_some(1)
    } else {
        list_len(shape, 1, None)
    };
    s.list(
        "AdditionalStorageVolumes",
        "additional_storage_volumes",
        additional_volumes,
        |s, _| {
            s.item_object("member", |s| {
                s.text("VolumeName", "volume_name", Some("rdsdbdata2"));
                s.text(
                    "StorageVolumeStatus",
                    "storage_volume_status",
                    Some("ACTIVE"),
                );
                s.text(
                    "StorageOperationStatus",
                    "storage_operation_status",
                    Some("NONE"),
                );
                s.int(
                    "StorageOperationPercentProgress",
                    "storage_operation_percent_progress",
                    Some(100),
                );
                s.int("AllocatedStorage", "allocated_storage", Some(200));
                s.int("IOPS", "iops", Some(3000));
                s.int("MaxAllocatedStorage", "max_allocated_storage", Some(400));
                s.int("StorageThroughput", "storage_throughput", Some(125));
                s.text("StorageType", "storage_type", Some("gp3"));
            })
        },
    );
    s.text(
        "StorageVolumeStatus",
        "storage_volume_status",
        pick(shape, "ACTIVE", None),
    );
    s.text(
        "StorageOperationStatus",
        "storage_operation_status",
        pick(shape, "NONE", None),
    );
    s.int(
        "StorageOperationPercentProgress",
        "storage_operation_percent_progress",
        pick(shape, 100, None),
    );
    s.text_fmt(
        "DBCapacityReservationIdentifier",
        "db_capacity_reservation_identifier",
        pick(shape, format_args!("dbcr-{}", Alnum(draw(50), 12)), None),
    );
}

/// Always present (empty) unless `Sparse`, as AWS answers; a `modifying` instance has a
/// pending class; `Complete` fills every member.
fn emit_pending_modified_values<S: Sink>(
    s: &mut S,
    instance: &FakeInstance,
    shape: RecordShape,
    major: &str,
    token: &str,
    port: i64,
    draw: u64,
) {
    let complete = shape == RecordShape::Complete;
    s.object(
        "PendingModifiedValues",
        "pending_modified_values",
        shape != RecordShape::Sparse,
        |s| {
            let class = if complete {
                Some("db.r6g.xlarge")
            } else {
                (instance.status == "modifying").then_some("db.m6g.large")
            };
            s.text("DBInstanceClass", "db_instance_class", class);
            s.int(
                "AllocatedStorage",
                "allocated_storage",
                complete.then_some(100),
            );
            s.text(
                "MasterUserPassword",
                "master_user_password",
                complete.then_some("****"),
            );
            s.int("Port", "port", complete.then_some(port + 1));
            s.int(
                "BackupRetentionPeriod",
                "backup_retention_period",
                complete.then_some(14),
            );
            s.boolean("MultiAZ", "multi_az", complete.then_some(true));
            s.text_fmt(
                "EngineVersion",
                "engine_version",
                complete.then_some(format_args!("{major}.{}", 10 + draw % 5)),
            );
            s.text(
                "LicenseModel",
                "license_model",
                complete.then_some(license_model(&instance.engine)),
            );
            s.int("Iops", "iops", complete.then_some(3000));
            s.int(
                "StorageThroughput",
                "storage_throughput",
                complete.then_some(250),
            );
            s.text_fmt(
                "DBInstanceIdentifier",
                "db_instance_identifier",
                complete.then_some(format_args!("{token}-next")),
            );
            s.text("StorageType", "storage_type", complete.then_some("gp3"));
            s.text(
                "CACertificateIdentifier",
                "ca_certificate_identifier",
                complete.then_some("rds-ca-rsa4096-g1"),
            );
            s.text_fmt(
                "DBSubnetGroupName",
                "db_subnet_group_name",
                complete.then_some(format_args!("{}-next", instance.db_subnet_group_name)),
            );
            let logs = log_types(&instance.engine);
            s.object(
                "PendingCloudwatchLogsExports",
                "pending_cloudwatch_logs_exports",
                complete,
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
            emit_processor_features(s, complete.then_some(2));
            s.text(
                "AutomationMode",
                "automation_mode",
                complete.then_some("all-paused"),
            );
            s.time(
                "ResumeFullAutomationModeTime",
                "resume_full_automation_mode_time",
                complete.then_some(REFERENCE_UNIX + 3 * DAY),
            );
            s.boolean("MultiTenant", "multi_tenant", complete.then_some(false));
            s.boolean(
                "IAMDatabaseAuthenticationEnabled",
                "iam_database_authentication_enabled",
                complete.then_some(true),
            );
            s.boolean(
                "DedicatedLogVolume",
                "dedicated_log_volume",
                complete.then_some(true),
            );
            s.text(
                "Engine",
                "engine",
                complete.then_some(instance.engine.as_str()),
            );
            emit_additional_storage_volumes(s, complete.then_some(1), ("rdsdbdata3", 300));
            s.text_fmt(
                "DBCapacityReservationIdentifier",
                "db_capacity_reservation_identifier",
                complete.then_some(format_args!("dbcr-{}", Alnum(draw, 12))),
            );
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FakeConfig;
    use crate::sink::unpopulated;

    /// The members of `aws_sdk_rds::types::DbInstance` 1.159, in the SDK's order.
    const SDK_MEMBERS: &str = "db_instance_identifier db_instance_class engine db_instance_status \
        master_username db_name endpoint allocated_storage instance_create_time \
        preferred_backup_window backup_retention_period db_security_groups vpc_security_groups \
        db_parameter_groups availability_zone db_subnet_group preferred_maintenance_window \
        upgrade_rollout_order pending_modified_values latest_restorable_time multi_az \
        engine_version auto_minor_version_upgrade read_replica_source_db_instance_identifier \
        read_replica_db_instance_identifiers read_replica_db_cluster_identifiers replica_mode \
        license_model iops storage_throughput option_group_memberships character_set_name \
        nchar_character_set_name secondary_availability_zone publicly_accessible status_infos \
        storage_type storage_encryption_type tde_credential_arn db_instance_port \
        db_cluster_identifier storage_encrypted kms_key_id dbi_resource_id \
        ca_certificate_identifier domain_memberships copy_tags_to_snapshot monitoring_interval \
        enhanced_monitoring_resource_arn monitoring_role_arn promotion_tier db_instance_arn \
        timezone iam_database_authentication_enabled database_insights_mode \
        performance_insights_enabled performance_insights_kms_key_id \
        performance_insights_retention_period enabled_cloudwatch_logs_exports processor_features \
        deletion_protection associated_roles listener_endpoint max_allocated_storage tag_list \
        automation_mode resume_full_automation_mode_time customer_owned_ip_enabled network_type \
        activity_stream_status activity_stream_kms_key_id activity_stream_kinesis_stream_name \
        activity_stream_mode activity_stream_engine_native_audit_fields_included \
        aws_backup_recovery_point_arn db_instance_automated_backups_replications backup_target \
        automatic_restart_time custom_iam_instance_profile activity_stream_policy_status \
        certificate_details db_system_id master_user_secret \
        read_replica_source_db_cluster_identifier percent_progress multi_tenant \
        dedicated_log_volume is_storage_config_upgrade_available engine_lifecycle_support \
        additional_storage_volumes storage_volume_status storage_operation_status \
        storage_operation_percent_progress db_capacity_reservation_identifier";

    fn inventory() -> Vec<FakeInstance> {
        FakeConfig {
            instances_per_target: 40,
            ..FakeConfig::with_accounts(3)
        }
        .inventory()
    }

    #[test]
    fn json_has_exactly_the_sdk_members() {
        let mut expected: Vec<&str> = SDK_MEMBERS.split_whitespace().collect();
        assert_eq!(expected.len(), 94);
        expected.sort_unstable();
        for instance in inventory().iter().take(20) {
            let json = instance.db_instance_json();
            let mut keys: Vec<&str> = json
                .as_object()
                .expect("an object")
                .keys()
                .map(String::as_str)
                .collect();
            // Sorted, so the test holds whether or not serde_json preserves insertion order.
            keys.sort_unstable();
            assert_eq!(keys, expected);
        }
    }

    #[test]
    fn complete_instances_have_every_member_at_every_depth() {
        let all = inventory();
        let complete: Vec<&FakeInstance> = all
            .iter()
            .filter(|i| i.record_shape() == RecordShape::Complete)
            .collect();
        assert!(complete.len() > 5, "{}", complete.len());
        for instance in complete {
            let mut found = Vec::new();
            unpopulated(&instance.db_instance_json(), "", &mut found);
            assert!(found.is_empty(), "{found:?}");
        }
    }

    #[test]
    fn shapes_differ_in_absent_and_empty_lists() {
        let all = inventory();
        let of_shape = |shape| {
            all.iter()
                .find(|i| i.record_shape() == shape)
                .expect("shape present")
                .db_instance_json()
        };
        let sparse = of_shape(RecordShape::Sparse);
        assert_eq!(sparse["vpc_security_groups"], Value::Null);
        assert_eq!(sparse["ca_certificate_identifier"], Value::Null);
        assert_eq!(sparse["db_subnet_group"]["subnets"], Value::Null);
        let empty = of_shape(RecordShape::EmptyLists);
        for list in ["vpc_security_groups", "status_infos", "processor_features"] {
            assert_eq!(empty[list], serde_json::json!([]), "{list}");
        }
        assert_eq!(empty["db_subnet_group"]["subnets"], serde_json::json!([]));
        let typical = of_shape(RecordShape::Typical);
        assert!(typical["vpc_security_groups"]
            .as_array()
            .is_some_and(|l| !l.is_empty()));
        assert_eq!(typical["status_infos"], Value::Null);
        assert_eq!(typical["db_security_groups"], serde_json::json!([]));
    }

    #[test]
    fn certificate_expiry_spreads_around_the_reference_time() {
        let days: Vec<i64> = (0..400)
            .map(|i| (certificate(hash_parts(&[i, 9])).1 - REFERENCE_UNIX).div_euclid(DAY))
            .collect();
        assert!(days.iter().any(|&d| d < 0));
        assert!(days.iter().any(|&d| (1..60).contains(&d)));
        assert!(days.iter().any(|&d| d >= 180));
        assert!(days.iter().all(|&d| !(60..180).contains(&d)));
    }

    #[test]
    fn lean_writes_only_the_original_members() {
        let instance = &inventory()[0];
        let mut xml = String::new();
        emit_db_instance(instance, false, &mut crate::sink::XmlSink { out: &mut xml });
        assert!(!xml.contains("CACertificateIdentifier"));
        assert!(!xml.contains("PendingModifiedValues"));
        assert!(xml.contains("<StorageEncrypted>"));
    }

    #[test]
    fn partitions_follow_the_region() {
        assert_eq!(partition("us-east-1"), "aws");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-iso-east-1"), "aws-iso");
        assert_eq!(partition("us-isob-east-1"), "aws-iso-b");
        assert_eq!(dns_suffix("cn-northwest-1"), "amazonaws.com.cn");
    }
}
