//! Records for tests elsewhere, and the tests of how a record reads the SDK's instance.

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::builders::DbInstanceBuilder;
use aws_sdk_rds::types::{
    CertificateDetails, DbInstance, DbSubnetGroup, Endpoint, PendingMaintenanceAction,
    PendingModifiedValues, Tag, VpcSecurityGroupMembership,
};
use serde_json::{json, Value};

use super::schema::Source;
use super::*;

/// The run's start in tests: 2025-06-01T00:00:00Z.
pub fn context() -> RecordContext {
    RecordContext::new(DateTime::from_secs(1_748_736_000))
}

/// `full_instance()` as a record of account 111111111111 (prod) in eu-west-1.
pub fn full_record() -> InstanceRecord {
    InstanceRecord::from_sdk("111111111111", "prod", "eu-west-1", full_instance())
}

/// A record with nothing but an identifier.
pub fn bare_record(identifier: &str) -> InstanceRecord {
    record_with(|b| b.db_instance_identifier(identifier))
}

/// A record of account 111111111111 (prod) in us-east-1 of the instance `build` makes.
pub fn record_with(build: impl FnOnce(DbInstanceBuilder) -> DbInstanceBuilder) -> InstanceRecord {
    let db = build(DbInstance::builder()).build();
    InstanceRecord::from_sdk("111111111111", "prod", "us-east-1", db)
}

pub fn full_instance() -> DbInstance {
    DbInstance::builder()
        .db_instance_identifier("orders")
        .db_instance_arn("arn:aws:rds:eu-west-1:111111111111:db:orders")
        .dbi_resource_id("db-ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        .db_instance_class("db.r6g.large")
        .engine("postgres")
        .engine_version("16.3")
        .db_instance_status("available")
        .endpoint(
            Endpoint::builder()
                .address("orders.abc.eu-west-1.rds.amazonaws.com")
                .port(5432)
                .build(),
        )
        .allocated_storage(100)
        .storage_type("gp3")
        .storage_encrypted(true)
        .multi_az(false)
        .availability_zone("eu-west-1a")
        .publicly_accessible(true)
        .deletion_protection(true)
        .db_subnet_group(
            DbSubnetGroup::builder()
                .db_subnet_group_name("private")
                .vpc_id("vpc-1")
                .build(),
        )
        .instance_create_time(DateTime::from_secs(1_700_000_000))
        .tag_list(
            Tag::builder()
                .key("owner")
                .value("Zoë, \"data\" team\nline 2")
                .build(),
        )
        .tag_list(Tag::builder().key("env").value("prod").build())
        .backup_retention_period(0)
        .vpc_security_groups(sg("sg-1"))
        .vpc_security_groups(sg("sg-2"))
        .certificate_details(
            CertificateDetails::builder()
                .ca_identifier("rds-ca-rsa2048-g1")
                .valid_till(DateTime::from_secs(1_787_227_200))
                .build(),
        )
        .build()
}

fn sg(id: &str) -> VpcSecurityGroupMembership {
    VpcSecurityGroupMembership::builder()
        .vpc_security_group_id(id)
        .status("active")
        .build()
}

fn json_of(record: &InstanceRecord) -> Value {
    serde_json::from_str(&record.to_json(&context())).expect("valid JSON")
}

#[test]
fn the_original_fields_keep_their_values_and_types() {
    let r = json_of(&full_record());
    let expected = json!({
        "account_id": "111111111111", "account_name": "prod", "region": "eu-west-1",
        "db_instance_identifier": "orders",
        "db_instance_arn": "arn:aws:rds:eu-west-1:111111111111:db:orders",
        "dbi_resource_id": "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "db_instance_class": "db.r6g.large",
        "engine": "postgres", "engine_version": "16.3", "db_instance_status": "available",
        "endpoint_address": "orders.abc.eu-west-1.rds.amazonaws.com", "endpoint_port": 5432,
        "allocated_storage": 100, "storage_type": "gp3", "storage_encrypted": true,
        "multi_az": false, "availability_zone": "eu-west-1a", "publicly_accessible": true,
        "deletion_protection": true, "db_subnet_group": "private", "vpc_id": "vpc-1",
        "db_cluster_identifier": null, "instance_create_time": "2023-11-14T22:13:20Z",
        "tags": {"env": "prod", "owner": "Zoë, \"data\" team\nline 2"},
    });
    for (name, value) in expected.as_object().expect("object") {
        assert_eq!(&r[name], value, "{name}");
    }
    let first: Vec<&str> = fields().iter().take(24).map(|f| f.name).collect();
    let keys: Vec<&String> = expected.as_object().expect("object").keys().collect();
    let mut sorted = first.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "the first 24 fields are the original record");
}

#[test]
fn json_keys_are_every_field_in_schema_order() {
    let text = full_record().to_json(&context());
    let mut last = 0;
    for field in fields() {
        let at = text
            .find(&format!("\"{}\":", field.name))
            .unwrap_or_else(|| panic!("{} missing", field.name));
        assert!(at >= last, "{} out of order", field.name);
        last = at;
    }
    let names: std::collections::BTreeSet<&str> = fields().iter().map(|f| f.name).collect();
    assert_eq!(names.len(), fields().len(), "no name is used twice");
}

#[test]
fn absent_members_are_null_and_no_tags_is_an_empty_object() {
    let r = json_of(&InstanceRecord::from_sdk(
        "1",
        "n",
        "eu-west-1",
        DbInstance::builder().build(),
    ));
    for field in fields().iter().skip(3) {
        let expected = if field.name == "tags" {
            json!({})
        } else {
            Value::Null
        };
        assert_eq!(r[field.name], expected, "{}", field.name);
    }
}

#[test]
fn absent_lists_are_null_and_empty_lists_are_empty() {
    let r = json_of(&record_with(|b| {
        b.set_read_replica_db_instance_identifiers(Some(Vec::new()))
            .vpc_security_groups(sg("sg-9"))
    }));
    assert_eq!(r["read_replica_db_instance_identifiers"], json!([]));
    assert_eq!(r["read_replica_db_cluster_identifiers"], Value::Null);
    assert_eq!(
        r["vpc_security_groups"],
        json!([{"vpc_security_group_id": "sg-9", "status": "active"}])
    );
}

#[test]
fn nested_structures_are_objects_with_snake_case_keys_and_only_sent_members() {
    let r = json_of(&full_record());
    assert_eq!(
        r["certificate_details"],
        json!({"ca_identifier": "rds-ca-rsa2048-g1", "valid_till": "2026-08-20T12:00:00Z"})
    );
    assert_eq!(r["db_subnet_group_subnets"], Value::Null);
    assert_eq!(r["endpoint_hosted_zone_id"], Value::Null);
}

#[test]
fn enums_are_spelled_as_aws_spells_them() {
    use aws_sdk_rds::types::{ActivityStreamStatus, StorageEncryptionType};
    let r = json_of(&record_with(|b| {
        b.storage_encryption_type(StorageEncryptionType::Cmk)
            .activity_stream_status(ActivityStreamStatus::from("brand-new-status"))
    }));
    assert_eq!(r["storage_encryption_type"], "sse-kms");
    assert_eq!(r["activity_stream_status"], "brand-new-status");
}

#[test]
fn a_pending_master_password_is_never_written() {
    let r = json_of(&record_with(|b| {
        b.pending_modified_values(
            PendingModifiedValues::builder()
                .master_user_password("hunter2")
                .allocated_storage(200)
                .build(),
        )
    }));
    assert_eq!(
        r["pending_modified_values"],
        json!({"allocated_storage": 200, "master_user_password": "****"})
    );
}

#[test]
fn tags_are_sorted_and_a_repeated_key_keeps_its_last_value() {
    let tag = |k: Option<&str>, v: Option<&str>| {
        Tag::builder()
            .set_key(k.map(Into::into))
            .set_value(v.map(Into::into))
            .build()
    };
    let record = record_with(|b| {
        b.tag_list(tag(Some("b"), Some("1")))
            .tag_list(tag(None, Some("keyless")))
            .tag_list(tag(Some("a"), None))
            .tag_list(tag(Some("b"), Some("2")))
    });
    let text = record.to_json(&context());
    assert!(text.contains(r#""tags":{"a":"","b":"2"}"#), "{text}");
    assert_eq!(record.tags().get("b"), Some("2"));
    assert_eq!(record.tags().get("a"), Some(""));
    assert_eq!(record.tags().get("c"), None);
}

#[test]
fn certificate_days_left_counts_whole_days_from_the_runs_start() {
    let at = |secs: i64| {
        json_of(&record_with(|b| {
            b.certificate_details(
                CertificateDetails::builder()
                    .valid_till(DateTime::from_secs(secs))
                    .build(),
            )
        }))
    };
    let start = 1_748_736_000;
    let day = 86_400;
    assert_eq!(at(start + 60 * day)["certificate_days_left"], 60);
    assert_eq!(at(start + 60 * day - 1)["certificate_days_left"], 59);
    assert_eq!(at(start)["certificate_days_left"], 0);
    assert_eq!(at(start - 1)["certificate_days_left"], -1, "rounded down");
    assert_eq!(at(start - 3 * day)["certificate_days_left"], -3);
    assert_eq!(
        at(start + 60 * day)["certificate_valid_till"],
        "2025-07-31T00:00:00Z"
    );
    let later = RecordContext::new(DateTime::from_secs(start + 10 * day));
    let record = record_with(|b| {
        b.certificate_details(
            CertificateDetails::builder()
                .valid_till(DateTime::from_secs(start + 60 * day))
                .build(),
        )
    });
    assert!(record
        .to_json(&later)
        .contains("\"certificate_days_left\":50"));
}

#[test]
fn joined_fields_are_null_until_the_fetch_layer_sets_them() {
    let mut record = full_record();
    let r = json_of(&record);
    for name in [
        "pending_maintenance_actions",
        "engine_major_version",
        "standard_support_end_date",
        "extended_support_end_date",
    ] {
        assert_eq!(r[name], Value::Null, "{name}");
    }
    record.set_maintenance(vec![PendingMaintenanceAction::builder()
        .action("system-update")
        .description("Upgrade to 16.4")
        .auto_applied_after_date(DateTime::from_secs(1_750_000_000))
        .opt_in_status("immediate")
        .build()]);
    record.set_engine_support(
        "16",
        Some(DateTime::from_secs(1_920_000_000)),
        Some(DateTime::from_secs(2_000_000_000)),
    );
    let r = json_of(&record);
    assert_eq!(
        r["pending_maintenance_actions"],
        json!([{"action": "system-update", "description": "Upgrade to 16.4",
                "auto_applied_after_date": "2025-06-15T15:06:40Z", "opt_in_status": "immediate"}])
    );
    assert_eq!(r["engine_major_version"], "16");
    assert_eq!(r["standard_support_end_date"], "2030-11-04T05:20:00Z");
    assert_eq!(r["extended_support_end_date"], "2033-05-18T03:33:20Z");
    record.set_maintenance(Vec::new());
    assert_eq!(json_of(&record)["pending_maintenance_actions"], json!([]));
}

#[test]
fn the_fetch_layer_can_find_what_to_join_on() {
    let record = full_record();
    assert_eq!(
        record.db_instance_arn(),
        Some("arn:aws:rds:eu-west-1:111111111111:db:orders")
    );
    assert_eq!(record.engine_major_key(), Some(("postgres", "16")));
    assert_eq!(bare_record("x").engine_major_key(), None);
}

/// An instance with every member set, so a field reading the wrong member shows up as null.
#[rustfmt::skip]
fn every_member_instance() -> DbInstance {
    use aws_sdk_rds::types::*;
    let t = DateTime::from_secs(1_700_000_000);
    let endpoint = || Endpoint::builder().address("a").port(1).hosted_zone_id("Z").build();
    DbInstance::builder()
        .db_instance_identifier("i").db_instance_class("c").engine("postgres")
        .db_instance_status("available").master_username("m").db_name("d").endpoint(endpoint())
        .allocated_storage(1).instance_create_time(t).preferred_backup_window("w")
        .backup_retention_period(1)
        .db_security_groups(DbSecurityGroupMembership::builder().db_security_group_name("n").build())
        .vpc_security_groups(sg("sg"))
        .db_parameter_groups(DbParameterGroupStatus::builder().db_parameter_group_name("p").build())
        .availability_zone("az")
        .db_subnet_group(
            DbSubnetGroup::builder().db_subnet_group_name("n").db_subnet_group_description("d")
                .vpc_id("v").subnet_group_status("s").db_subnet_group_arn("arn")
                .subnets(Subnet::builder().subnet_identifier("s").build())
                .supported_network_types("IPV4").build(),
        )
        .preferred_maintenance_window("w").upgrade_rollout_order(UpgradeRolloutOrder::First)
        .pending_modified_values(PendingModifiedValues::builder().port(1).build())
        .latest_restorable_time(t).multi_az(true).engine_version("16.3")
        .auto_minor_version_upgrade(true).read_replica_source_db_instance_identifier("r")
        .read_replica_db_instance_identifiers("r").read_replica_db_cluster_identifiers("r")
        .replica_mode(ReplicaMode::Mounted).license_model("l").iops(1).storage_throughput(1)
        .option_group_memberships(OptionGroupMembership::builder().option_group_name("o").build())
        .character_set_name("c").nchar_character_set_name("c").secondary_availability_zone("az")
        .publicly_accessible(true)
        .status_infos(DbInstanceStatusInfo::builder().normal(true).build())
        .storage_type("gp3").storage_encryption_type(StorageEncryptionType::Sse)
        .tde_credential_arn("arn").db_instance_port(1).db_cluster_identifier("c")
        .storage_encrypted(true).kms_key_id("k").dbi_resource_id("db-1")
        .ca_certificate_identifier("ca")
        .domain_memberships(DomainMembership::builder().domain("d").build())
        .copy_tags_to_snapshot(true).monitoring_interval(1).enhanced_monitoring_resource_arn("arn")
        .monitoring_role_arn("arn").promotion_tier(1).db_instance_arn("arn").timezone("UTC")
        .iam_database_authentication_enabled(true)
        .database_insights_mode(DatabaseInsightsMode::Advanced).performance_insights_enabled(true)
        .performance_insights_kms_key_id("k").performance_insights_retention_period(7)
        .enabled_cloudwatch_logs_exports("postgresql")
        .processor_features(ProcessorFeature::builder().name("n").value("v").build())
        .deletion_protection(true)
        .associated_roles(DbInstanceRole::builder().role_arn("arn").build())
        .listener_endpoint(endpoint()).max_allocated_storage(1)
        .tag_list(Tag::builder().key("k").value("v").build())
        .automation_mode(AutomationMode::Full).resume_full_automation_mode_time(t)
        .customer_owned_ip_enabled(true).network_type("IPV4")
        .activity_stream_status(ActivityStreamStatus::Started).activity_stream_kms_key_id("k")
        .activity_stream_kinesis_stream_name("s").activity_stream_mode(ActivityStreamMode::Async)
        .activity_stream_engine_native_audit_fields_included(true)
        .aws_backup_recovery_point_arn("arn")
        .db_instance_automated_backups_replications(
            DbInstanceAutomatedBackupsReplication::builder().db_instance_automated_backups_arn("arn").build(),
        )
        .backup_target("region").automatic_restart_time(t).custom_iam_instance_profile("p")
        .activity_stream_policy_status(ActivityStreamPolicyStatus::Locked)
        .certificate_details(CertificateDetails::builder().valid_till(t).build())
        .db_system_id("ORCL")
        .master_user_secret(MasterUserSecret::builder().secret_arn("arn").build())
        .read_replica_source_db_cluster_identifier("c").percent_progress("50").multi_tenant(true)
        .dedicated_log_volume(true).is_storage_config_upgrade_available(true)
        .engine_lifecycle_support("open-source-rds-extended-support")
        .additional_storage_volumes(AdditionalStorageVolumeOutput::builder().volume_name("v").build())
        .storage_volume_status("s").storage_operation_status("s")
        .storage_operation_percent_progress(1).db_capacity_reservation_identifier("r")
        .build()
}

#[test]
fn every_sdk_field_reads_its_member() {
    let r = json_of(&InstanceRecord::from_sdk(
        "1",
        "n",
        "r",
        every_member_instance(),
    ));
    for field in fields() {
        // Joined fields stay null until the fetch layer sets them; so do the effective values
        // of an instance in a cluster (this one) until its cluster is listed.
        let present =
            !matches!(field.source, Source::Joined(_)) && !field.name.starts_with("effective_");
        assert_eq!(
            present,
            !r[field.name].is_null(),
            "{}: {}",
            field.name,
            r[field.name]
        );
    }
    let kind = |value: &Value| match value {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Array(_) => "array",
        _ => "object",
    };
    for field in fields().iter().filter(|f| !r[f.name].is_null()) {
        let documented = field.kind().replace("timestamp", "string");
        assert!(
            documented.starts_with(kind(&r[field.name])),
            "{}: documented {documented}, written {}",
            field.name,
            r[field.name]
        );
    }
}
