//! The complete record and the calls joined with it, through the real AWS SDK for Rust: every
//! `DbInstance` member, pending maintenance actions, major engine versions, the STS controls
//! and counters, throttled and denied targets, and inventory generations.

use crate::common;

use aws_config::retry::RetryConfig;
use aws_sdk_rds::error::ProvideErrorMetadata;
use aws_sdk_rds::primitives::DateTimeFormat;
use aws_sdk_rds::types as rds_types;
use common::{base_config, rds_for, role_arn, unpopulated, ToJson, REGION};
use fake_aws::{
    expected_major_engine_lifecycle, ChangeKind, FakeAws, FakeConfig, RecordShape, TargetFailure,
    EXTENDED_SUPPORT, STANDARD_SUPPORT,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

enum_json!(
    rds_types::AutomationMode,
    rds_types::ActivityStreamPolicyStatus,
    rds_types::LifecycleSupportName
);

struct_json!(rds_types::Endpoint {
    address,
    port,
    hosted_zone_id
});
struct_json!(rds_types::DbSecurityGroupMembership {
    db_security_group_name,
    status
});
struct_json!(rds_types::DbParameterGroupStatus {
    db_parameter_group_name,
    parameter_apply_status
});
struct_json!(rds_types::AvailabilityZone { name });
struct_json!(rds_types::Outpost { arn });
struct_json!(rds_types::Subnet {
    subnet_identifier,
    subnet_availability_zone,
    subnet_outpost,
    subnet_status
});
struct_json!(rds_types::DbSubnetGroup {
    db_subnet_group_name,
    db_subnet_group_description,
    vpc_id,
    subnet_group_status,
    subnets,
    db_subnet_group_arn,
    supported_network_types,
});
struct_json!(rds_types::PendingModifiedValues {
    db_instance_class,
    allocated_storage,
    master_user_password,
    port,
    backup_retention_period,
    multi_az,
    engine_version,
    license_model,
    iops,
    storage_throughput,
    db_instance_identifier,
    storage_type,
    ca_certificate_identifier,
    db_subnet_group_name,
    pending_cloudwatch_logs_exports,
    processor_features,
    automation_mode,
    resume_full_automation_mode_time,
    multi_tenant,
    iam_database_authentication_enabled,
    dedicated_log_volume,
    engine,
    additional_storage_volumes,
    db_capacity_reservation_identifier,
});
struct_json!(rds_types::OptionGroupMembership {
    option_group_name,
    status
});
struct_json!(rds_types::DbInstanceStatusInfo {
    status_type,
    normal,
    status,
    message
});
struct_json!(rds_types::DbInstanceRole {
    role_arn,
    feature_name,
    status
});
struct_json!(rds_types::DbInstanceAutomatedBackupsReplication {
    db_instance_automated_backups_arn
});
struct_json!(rds_types::AdditionalStorageVolumeOutput {
    volume_name,
    storage_volume_status,
    storage_operation_status,
    storage_operation_percent_progress,
    allocated_storage,
    iops,
    max_allocated_storage,
    storage_throughput,
    storage_type,
});
struct_json!(rds_types::DbInstance {
    db_instance_identifier,
    db_instance_class,
    engine,
    db_instance_status,
    master_username,
    db_name,
    endpoint,
    allocated_storage,
    instance_create_time,
    preferred_backup_window,
    backup_retention_period,
    db_security_groups,
    vpc_security_groups,
    db_parameter_groups,
    availability_zone,
    db_subnet_group,
    preferred_maintenance_window,
    upgrade_rollout_order,
    pending_modified_values,
    latest_restorable_time,
    multi_az,
    engine_version,
    auto_minor_version_upgrade,
    read_replica_source_db_instance_identifier,
    read_replica_db_instance_identifiers,
    read_replica_db_cluster_identifiers,
    replica_mode,
    license_model,
    iops,
    storage_throughput,
    option_group_memberships,
    character_set_name,
    nchar_character_set_name,
    secondary_availability_zone,
    publicly_accessible,
    status_infos,
    storage_type,
    storage_encryption_type,
    tde_credential_arn,
    db_instance_port,
    db_cluster_identifier,
    storage_encrypted,
    kms_key_id,
    dbi_resource_id,
    ca_certificate_identifier,
    domain_memberships,
    copy_tags_to_snapshot,
    monitoring_interval,
    enhanced_monitoring_resource_arn,
    monitoring_role_arn,
    promotion_tier,
    db_instance_arn,
    timezone,
    iam_database_authentication_enabled,
    database_insights_mode,
    performance_insights_enabled,
    performance_insights_kms_key_id,
    performance_insights_retention_period,
    enabled_cloudwatch_logs_exports,
    processor_features,
    deletion_protection,
    associated_roles,
    listener_endpoint,
    max_allocated_storage,
    tag_list,
    automation_mode,
    resume_full_automation_mode_time,
    customer_owned_ip_enabled,
    network_type,
    activity_stream_status,
    activity_stream_kms_key_id,
    activity_stream_kinesis_stream_name,
    activity_stream_mode,
    activity_stream_engine_native_audit_fields_included,
    aws_backup_recovery_point_arn,
    db_instance_automated_backups_replications,
    backup_target,
    automatic_restart_time,
    custom_iam_instance_profile,
    activity_stream_policy_status,
    certificate_details,
    db_system_id,
    master_user_secret,
    read_replica_source_db_cluster_identifier,
    percent_progress,
    multi_tenant,
    dedicated_log_volume,
    is_storage_config_upgrade_available,
    engine_lifecycle_support,
    additional_storage_volumes,
    storage_volume_status,
    storage_operation_status,
    storage_operation_percent_progress,
    db_capacity_reservation_identifier,
});

async fn describe_all(client: &aws_sdk_rds::Client) -> Vec<rds_types::DbInstance> {
    all_pages!(client.describe_db_instances()).expect("every page parses")
}

/// One region, complete records on.
fn one_region(accounts: usize, instances_per_target: usize) -> FakeConfig {
    FakeConfig {
        regions: vec![REGION.to_string()],
        instances_per_target,
        complete_records: true,
        ..FakeConfig::with_accounts(accounts)
    }
}

#[tokio::test]
async fn every_db_instance_member_round_trips_through_the_sdk() {
    let fake = FakeAws::start(one_region(3, 40))
        .await
        .expect("fake starts");
    let mut shapes = HashSet::new();
    let mut compared = 0;
    for account in fake.config().accounts.clone() {
        let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
        let served = describe_all(&client).await;
        let expected = fake.config().target_inventory(&account, REGION);
        assert_eq!(served.len(), expected.len());
        for (db, instance) in served.iter().zip(&expected) {
            let parsed = db.to_json();
            assert_eq!(parsed.as_object().map(Map::len), Some(94));
            assert_eq!(
                parsed,
                instance.db_instance_json(),
                "{}",
                instance.identifier
            );
            shapes.insert(instance.record_shape());
            compared += 1;
        }
    }
    assert!(compared > 40, "{compared}");
    assert_eq!(shapes.len(), 4, "{shapes:?}");
}

#[tokio::test]
async fn by_default_only_the_original_members_are_served() {
    let config = FakeConfig {
        complete_records: false,
        ..one_region(1, 30)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let served = describe_all(&client).await;

    let expected = fake.config().target_inventory(&account, REGION);
    assert_eq!(served.len(), expected.len());
    for (db, instance) in served.iter().zip(&expected) {
        assert_eq!(db.to_json(), instance.lean_db_instance_json());
    }
    let set_members = served[0]
        .to_json()
        .as_object()
        .expect("object")
        .values()
        .filter(|v| !v.is_null())
        .count();
    assert!(set_members <= 21, "{set_members}");
}

#[tokio::test]
async fn complete_instances_parse_with_every_member_present_at_every_depth() {
    let config = one_region(1, 80);
    let fake = FakeAws::start(config).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    let served = describe_all(&client).await;
    let expected = fake.config().target_inventory(&account, REGION);

    let complete: Vec<&rds_types::DbInstance> = served
        .iter()
        .zip(&expected)
        .filter(|(_, instance)| instance.record_shape() == RecordShape::Complete)
        .map(|(db, _)| db)
        .collect();

    assert!(!complete.is_empty());
    for db in complete {
        let mut found = Vec::new();
        unpopulated(&db.to_json(), "", &mut found);
        assert!(
            found.is_empty(),
            "{:?}: {found:?}",
            db.db_instance_identifier
        );
    }
}

#[tokio::test]
async fn empty_lists_parse_as_some_empty_and_sparse_lists_as_none() {
    let fake = FakeAws::start(one_region(1, 60))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    let served = describe_all(&client).await;
    let expected = fake.config().target_inventory(&account, REGION);
    let served_with_shape = |shape| {
        served
            .iter()
            .zip(&expected)
            .find(|(_, instance)| instance.record_shape() == shape)
            .map(|(db, _)| db)
            .expect("shape present")
    };

    let empty = served_with_shape(RecordShape::EmptyLists);
    let sparse = served_with_shape(RecordShape::Sparse);

    assert_eq!(empty.vpc_security_groups, Some(vec![]));
    assert_eq!(empty.read_replica_db_instance_identifiers, Some(vec![]));
    assert_eq!(empty.enabled_cloudwatch_logs_exports, Some(vec![]));
    assert_eq!(sparse.vpc_security_groups, None);
    assert_eq!(sparse.certificate_details, None);
    assert_eq!(sparse.ca_certificate_identifier, None);
}

#[tokio::test]
async fn pending_maintenance_actions_page_and_round_trip_with_a_cluster_first() {
    let fake = FakeAws::start(one_region(1, 150))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let mut pages = client
        .describe_pending_maintenance_actions()
        .max_records(20)
        .into_paginator()
        .send();
    let mut served = Vec::new();
    let mut page_count = 0;
    while let Some(page) = pages.next().await {
        let page = page.expect("page parses");
        page_count += 1;
        for resource in page.pending_maintenance_actions() {
            served.push((
                resource.resource_identifier().expect("ARN").to_string(),
                resource
                    .pending_maintenance_action_details()
                    .iter()
                    .map(ToJson::to_json)
                    .collect::<Vec<Value>>(),
            ));
        }
    }

    let expected = fake.config().pending_maintenance(&account, REGION);
    assert_eq!(served, expected);
    assert!(served[0].0.contains(":cluster:db-0000-us-east-1-0000"));
    assert!(served.len() > 20, "{} resources", served.len());
    assert_eq!(page_count, served.len().div_ceil(20));
    let counters = fake.counters();
    assert_eq!(
        counters.pending_maintenance_calls_for(&account, REGION),
        page_count as u64
    );
}

#[tokio::test]
async fn pending_maintenance_of_one_instance_matches_its_expected_actions() {
    let fake = FakeAws::start(one_region(1, 60))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let instance = fake
        .config()
        .target_inventory(&account, REGION)
        .into_iter()
        .find(|i| i.pending_maintenance_actions().len() == 2)
        .expect("an instance with two actions");
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let output = client
        .describe_pending_maintenance_actions()
        .resource_identifier(&instance.arn)
        .send()
        .await
        .expect("answers");

    let resources = output.pending_maintenance_actions();
    assert_eq!(resources.len(), 1);
    let actions: Vec<Value> = resources[0]
        .pending_maintenance_action_details()
        .iter()
        .map(ToJson::to_json)
        .collect();
    assert_eq!(actions, instance.pending_maintenance_actions());
}

#[tokio::test]
async fn major_engine_versions_page_filter_and_match_the_lifecycle_helper() {
    let fake = FakeAws::start(one_region(1, 10))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let all = client
        .describe_db_major_engine_versions()
        .max_records(20)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("pages parse");
    let postgres_16 = client
        .describe_db_major_engine_versions()
        .engine("postgres")
        .major_engine_version("16")
        .send()
        .await
        .expect("answers");

    let engines: HashSet<&str> = all.iter().filter_map(|v| v.engine()).collect();
    assert!(engines.contains("mariadb") && engines.contains("aurora-postgresql"));
    assert!(!engines.contains("oracle-ee") && !engines.contains("sqlserver-se"));
    let rows = postgres_16.db_major_engine_versions();
    assert_eq!(rows.len(), 1);
    let lifecycle = |name: &str| {
        rows[0]
            .supported_engine_lifecycles()
            .iter()
            .find(|l| l.lifecycle_support_name().map(|n| n.as_str()) == Some(name))
            .and_then(|l| l.lifecycle_support_end_date())
            .map(|end| end.fmt(DateTimeFormat::DateTime).expect("formattable"))
    };
    let expected = expected_major_engine_lifecycle("postgres", "16.3").expect("listed");
    assert_eq!(
        lifecycle(STANDARD_SUPPORT),
        Some(expected.standard_support_end)
    );
    assert_eq!(lifecycle(EXTENDED_SUPPORT), expected.extended_support_end);
    let counters = fake.counters();
    assert_eq!(counters.major_engine_versions_calls_for(REGION, "*"), 2);
    assert_eq!(
        counters.major_engine_versions_calls_for(REGION, "postgres"),
        1
    );
}

#[tokio::test]
async fn maintenance_and_engine_versions_denied_accounts_get_access_denied() {
    let mut config = one_region(1, 10);
    let account = config.accounts[0].clone();
    config.maintenance_denied_accounts.insert(account.clone());
    config
        .engine_versions_denied_accounts
        .insert(account.clone());
    let fake = FakeAws::start(config).await.expect("fake starts");
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let maintenance = client
        .describe_pending_maintenance_actions()
        .send()
        .await
        .expect_err("denied");
    let versions = client
        .describe_db_major_engine_versions()
        .send()
        .await
        .expect_err("denied");

    for error in [maintenance.code(), versions.code()] {
        assert_eq!(error, Some("AccessDenied"));
    }
    assert!(maintenance
        .message()
        .is_some_and(|m| m.contains("rds:DescribePendingMaintenanceActions")));
    assert_eq!(
        maintenance.raw_response().map(|r| r.status().as_u16()),
        Some(403)
    );
    describe_all(&client).await;
    assert_eq!(fake.counters().rds_access_denied, 2);
}

#[tokio::test]
async fn assume_role_takes_a_gov_partition_arn_and_records_arn_and_region() {
    let config = FakeConfig {
        regions: vec!["us-gov-west-1".to_string()],
        ..FakeConfig::with_accounts(1)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let base = base_config(&fake, "us-gov-west-1", RetryConfig::disabled()).await;
    let gov_arn = format!("arn:aws-us-gov:iam::{account}:role/InventoryReader");

    let output = aws_sdk_sts::Client::new(&base)
        .assume_role()
        .role_arn(&gov_arn)
        .role_session_name("rds-inventory")
        .send()
        .await
        .expect("AssumeRole succeeds");

    let user = output.assumed_role_user().expect("user present");
    assert_eq!(
        user.arn(),
        format!("arn:aws-us-gov:sts::{account}:assumed-role/InventoryReader/rds-inventory")
    );
    let counters = fake.counters();
    assert_eq!(counters.assume_role_arn_calls(&gov_arn), 1);
    assert_eq!(counters.assume_role_region_calls("us-gov-west-1"), 1);
    assert_eq!(counters.assume_role_calls_for(&account), 1);
    let instances = fake.config().target_inventory(&account, "us-gov-west-1");
    assert!(instances[0]
        .arn
        .starts_with("arn:aws-us-gov:rds:us-gov-west-1:"));
}

#[tokio::test]
async fn duration_above_max_session_is_a_validation_error_and_every_duration_is_recorded() {
    let mut config = FakeConfig::with_accounts(1);
    let account = config.accounts[0].clone();
    config
        .max_session_duration
        .insert(account.clone(), Duration::from_secs(3600));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let base = base_config(&fake, REGION, RetryConfig::disabled()).await;
    let sts = aws_sdk_sts::Client::new(&base);
    let assume = |secs: i32| {
        sts.assume_role()
            .role_arn(role_arn(&account))
            .role_session_name("rds-inventory")
            .duration_seconds(secs)
            .send()
    };

    let error = assume(43_200).await.expect_err("above the maximum");
    assume(3600).await.expect("at the maximum");

    assert_eq!(error.code(), Some("ValidationError"));
    assert_eq!(
        error.message(),
        Some("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    );
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(400));
    let counters = fake.counters();
    assert_eq!(
        counters.assume_role_durations_for(&account),
        [Some(43_200), Some(3600)]
    );
    assert_eq!(counters.assume_role_duration_rejected, 1);
}

#[tokio::test]
async fn sts_latency_delays_assume_role_only() {
    let sts_latency = Duration::from_millis(1500);
    let config = FakeConfig {
        sts_latency: Some(sts_latency),
        ..FakeConfig::with_accounts(1)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();

    let started = Instant::now();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    let assume_took = started.elapsed();
    let started = Instant::now();
    client
        .describe_db_instances()
        .send()
        .await
        .expect("answers");
    let describe_took = started.elapsed();

    assert!(assume_took >= sts_latency, "{assume_took:?}");
    assert!(describe_took < sts_latency, "{describe_took:?}");
}

#[tokio::test]
async fn a_throttle_window_throttles_every_rds_call_until_it_ends() {
    let window = Duration::from_millis(400);
    let mut config = one_region(2, 10);
    let (throttled, other) = (config.accounts[0].clone(), config.accounts[1].clone());
    config
        .throttle_targets_for
        .insert(FakeConfig::target(&throttled, REGION), window);
    let fake = FakeAws::start(config).await.expect("fake starts");
    let client = rds_for(&fake, &throttled, REGION, RetryConfig::disabled()).await;
    let unthrottled = rds_for(&fake, &other, REGION, RetryConfig::disabled()).await;

    let started = Instant::now();
    let first = client
        .describe_pending_maintenance_actions()
        .send()
        .await
        .expect_err("throttled");
    unthrottled
        .describe_db_instances()
        .send()
        .await
        .expect("other target serves");
    let deadline = started + Duration::from_secs(10);
    let mut throttled_retries = 0;
    let served_at = loop {
        match client.describe_db_instances().send().await {
            Ok(_) => break started.elapsed(),
            Err(error) => assert_eq!(error.code(), Some("Throttling")),
        }
        throttled_retries += 1;
        assert!(Instant::now() < deadline, "never served");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    assert_eq!(first.code(), Some("Throttling"));
    assert_eq!(first.raw_response().map(|r| r.status().as_u16()), Some(400));
    // The window opened at the first call, which the server saw after `started`.
    assert!(served_at >= window, "{served_at:?}");
    let counters = fake.counters();
    assert_eq!(
        counters.throttled_calls_for(&throttled, REGION),
        1 + throttled_retries
    );
    assert_eq!(counters.throttled_calls_for(&other, REGION), 0);
}

#[tokio::test]
async fn a_throttle_forever_target_never_serves_and_counts_each_retry() {
    let mut config = one_region(1, 10);
    let account = config.accounts[0].clone();
    config
        .throttle_forever_targets
        .insert(FakeConfig::target(&account, REGION));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let retry = RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5));
    let client = rds_for(&fake, &account, REGION, retry).await;

    let error = client
        .describe_db_instances()
        .send()
        .await
        .expect_err("throttled");

    assert_eq!(error.code(), Some("Throttling"));
    let counters = fake.counters();
    assert_eq!(counters.throttled_calls_for(&account, REGION), 3);
    assert_eq!(counters.faults.throttled, 3);
    assert!(fake.config().reachable_inventory().is_empty());
}

#[tokio::test]
async fn an_access_denied_target_refuses_rds_calls() {
    let mut config = one_region(1, 10);
    let account = config.accounts[0].clone();
    config
        .access_denied_targets
        .insert(FakeConfig::target(&account, REGION));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let error = client
        .describe_db_instances()
        .send()
        .await
        .expect_err("denied");

    assert_eq!(error.code(), Some("AccessDenied"));
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(403));
    assert!(error
        .message()
        .is_some_and(|m| m.contains("is not authorized to perform: rds:DescribeDBInstances")));
}

#[tokio::test]
async fn a_runtime_target_failure_applies_from_the_next_call_and_clears() {
    let fake = FakeAws::start(one_region(1, 10))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    client.describe_db_instances().send().await.expect("serves");

    assert!(fake.set_target_failure(&account, REGION, Some(TargetFailure::AccessDenied)));
    let error = client
        .describe_db_instances()
        .send()
        .await
        .expect_err("denied");
    assert!(fake.set_target_failure(&account, REGION, None));

    assert_eq!(error.code(), Some("AccessDenied"));
    client
        .describe_db_instances()
        .send()
        .await
        .expect("serves again");
    assert!(!fake.set_target_failure("999999999999", REGION, Some(TargetFailure::Hang)));
}

/// (resource id -> instance JSON) as the SDK parsed one target.
async fn served_by_resource_id(client: &aws_sdk_rds::Client) -> BTreeMap<String, Value> {
    describe_all(client)
        .await
        .iter()
        .map(|db| (db.dbi_resource_id().expect("id").to_string(), db.to_json()))
        .collect()
}

#[tokio::test]
async fn switching_to_generation_one_serves_exactly_the_listed_changes() {
    let config = one_region(1, 20);
    let fake = FakeAws::start(config.clone()).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let before = served_by_resource_id(&client).await;
    fake.set_generation(1);
    let after = served_by_resource_id(&client).await;

    let changes = config.generation_changes();
    let removed: HashSet<&str> = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .map(String::as_str)
        .collect();
    let added: HashSet<&str> = after
        .keys()
        .filter(|id| !before.contains_key(*id))
        .map(String::as_str)
        .collect();
    let of_kind = |kind| -> HashSet<&str> {
        changes
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.dbi_resource_id.as_str())
            .collect()
    };
    assert_eq!(removed, of_kind(ChangeKind::Removed));
    assert_eq!(added, of_kind(ChangeKind::Added));
    for change in changes
        .iter()
        .filter(|c| matches!(c.kind, ChangeKind::Modified | ChangeKind::Renamed))
    {
        let (old, new) = (
            &before[&change.dbi_resource_id],
            &after[&change.dbi_resource_id],
        );
        for field in &change.fields {
            assert_eq!(
                (&old[&field.field], &new[&field.field]),
                (&field.old, &field.new)
            );
        }
        let differing = old
            .as_object()
            .expect("object")
            .iter()
            .filter(|(key, value)| new[key.as_str()] != **value)
            .count();
        assert_eq!(differing, change.fields.len());
    }
    let unchanged = before
        .iter()
        .filter(|(id, value)| after.get(*id) == Some(*value))
        .count();
    assert_eq!(
        unchanged
            + changes
                .iter()
                .filter(|c| c.kind != ChangeKind::Added)
                .count(),
        before.len()
    );
    assert_eq!(fake.served_config().inventory().len(), after.len());
}

#[tokio::test]
async fn a_new_fake_at_generation_one_serves_the_same_as_a_switched_one() {
    let config = FakeConfig {
        generation: 1,
        ..one_region(1, 20)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let served = describe_all(&client).await;

    let expected = fake.config().inventory();
    assert_eq!(served.len(), expected.len());
    for (db, instance) in served.iter().zip(&expected) {
        assert_eq!(db.to_json(), instance.db_instance_json());
    }
    assert!(expected.iter().any(|i| i.identifier.ends_with("-renamed")));
}
