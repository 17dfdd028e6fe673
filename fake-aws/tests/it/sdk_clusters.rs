//! DescribeDBClusters through the real AWS SDK for Rust: every `DbCluster` member, paging,
//! member instances, lookups, denials, damaged pages and cluster maintenance actions.

use crate::common;

use aws_config::retry::RetryConfig;
use aws_sdk_rds::error::ProvideErrorMetadata;
use aws_sdk_rds::types as rds_types;
use common::{rds_for, unpopulated, ToJson, REGION};
use fake_aws::{FakeAws, FakeConfig, RecordShape};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

enum_json!(
    rds_types::WriteForwardingStatus,
    rds_types::LocalWriteForwardingStatus,
    rds_types::ClusterScalabilityType,
    rds_types::LimitlessDatabaseStatus
);

struct_json!(rds_types::DbClusterOptionGroupStatus {
    db_cluster_option_group_name,
    status
});
struct_json!(rds_types::DbClusterStatusInfo {
    status_type,
    normal,
    status,
    message
});
struct_json!(rds_types::DbClusterMember {
    db_instance_identifier,
    is_cluster_writer,
    db_cluster_parameter_group_status,
    promotion_tier
});
struct_json!(rds_types::DbClusterRole {
    role_arn,
    status,
    feature_name
});
struct_json!(rds_types::RdsCustomClusterConfiguration {
    interconnect_subnet_id,
    transit_gateway_multicast_domain_id,
    replica_mode
});
struct_json!(rds_types::ClusterPendingModifiedValues {
    pending_cloudwatch_logs_exports,
    db_cluster_identifier,
    master_user_password,
    iam_database_authentication_enabled,
    engine_version,
    backup_retention_period,
    storage_type,
    allocated_storage,
    rds_custom_cluster_configuration,
    iops,
    certificate_details,
});
struct_json!(rds_types::ScalingConfigurationInfo {
    min_capacity,
    max_capacity,
    auto_pause,
    seconds_until_auto_pause,
    timeout_action,
    seconds_before_timeout,
});
struct_json!(rds_types::ServerlessV2ScalingConfigurationInfo {
    min_capacity,
    max_capacity,
    seconds_until_auto_pause
});
struct_json!(rds_types::LimitlessDatabase {
    status,
    min_required_acu
});
struct_json!(rds_types::DbCluster {
    allocated_storage,
    availability_zones,
    backup_retention_period,
    character_set_name,
    database_name,
    db_cluster_identifier,
    db_cluster_parameter_group,
    db_subnet_group,
    status,
    percent_progress,
    earliest_restorable_time,
    endpoint,
    reader_endpoint,
    custom_endpoints,
    multi_az,
    engine,
    engine_version,
    latest_restorable_time,
    port,
    master_username,
    db_cluster_option_group_memberships,
    preferred_backup_window,
    preferred_maintenance_window,
    upgrade_rollout_order,
    replication_source_identifier,
    read_replica_identifiers,
    status_infos,
    db_cluster_members,
    vpc_security_groups,
    hosted_zone_id,
    storage_encrypted,
    storage_encryption_type,
    kms_key_id,
    db_cluster_resource_id,
    db_cluster_arn,
    associated_roles,
    iam_database_authentication_enabled,
    clone_group_id,
    cluster_create_time,
    earliest_backtrack_time,
    backtrack_window,
    backtrack_consumed_change_records,
    enabled_cloudwatch_logs_exports,
    capacity,
    pending_modified_values,
    engine_mode,
    scaling_configuration_info,
    rds_custom_cluster_configuration,
    db_cluster_instance_class,
    storage_type,
    iops,
    storage_throughput,
    io_optimized_next_allowed_modification_time,
    publicly_accessible,
    auto_minor_version_upgrade,
    deletion_protection,
    http_endpoint_enabled,
    activity_stream_mode,
    activity_stream_status,
    activity_stream_kms_key_id,
    activity_stream_kinesis_stream_name,
    copy_tags_to_snapshot,
    cross_account_clone,
    domain_memberships,
    tag_list,
    global_cluster_identifier,
    global_write_forwarding_status,
    global_write_forwarding_requested,
    network_type,
    automatic_restart_time,
    serverless_v2_scaling_configuration,
    serverless_v2_platform_version,
    monitoring_interval,
    monitoring_role_arn,
    database_insights_mode,
    performance_insights_enabled,
    performance_insights_kms_key_id,
    performance_insights_retention_period,
    db_system_id,
    master_user_secret,
    local_write_forwarding_status,
    aws_backup_recovery_point_arn,
    limitless_database,
    cluster_scalability_type,
    certificate_details,
    engine_lifecycle_support,
    vpc_networking_enabled,
    internet_access_gateway_enabled,
});

/// One region, `clusters` configured clusters per target that has them.
fn with_clusters(accounts: usize, clusters: usize) -> FakeConfig {
    FakeConfig {
        regions: vec![REGION.to_string()],
        clusters_per_target: clusters,
        ..FakeConfig::with_accounts(accounts)
    }
}

type ClustersError = aws_sdk_rds::error::SdkError<
    aws_sdk_rds::operation::describe_db_clusters::DescribeDBClustersError,
    aws_sdk_rds::config::http::HttpResponse,
>;

async fn describe_clusters(
    client: &aws_sdk_rds::Client,
) -> Result<Vec<rds_types::DbCluster>, ClustersError> {
    all_pages!(client.describe_db_clusters())
}

/// The first account with configured clusters, and its client.
async fn account_with_clusters(fake: &FakeAws) -> (String, aws_sdk_rds::Client) {
    let config = fake.config();
    let account = (0..config.accounts.len())
        .find(|&a| config.configured_cluster_count(a, 0) > 0)
        .map(|a| config.accounts[a].clone())
        .expect("an account with clusters");
    let client = rds_for(fake, &account, REGION, RetryConfig::disabled()).await;
    (account, client)
}

#[tokio::test]
async fn every_db_cluster_member_round_trips_through_the_sdk_across_pages() {
    let fake = FakeAws::start(with_clusters(6, 30))
        .await
        .expect("fake starts");
    let mut shapes = HashSet::new();
    let mut compared = 0;
    let mut most_pages = 0;
    for account in fake.config().accounts.clone() {
        let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
        let served = describe_clusters(&client).await.expect("every page parses");
        let expected = fake.config().target_clusters(&account, REGION);
        assert_eq!(served.len(), expected.len());
        for (db, cluster) in served.iter().zip(&expected) {
            let parsed = db.to_json();
            assert_eq!(parsed.as_object().map(Map::len), Some(88));
            assert_eq!(parsed, cluster.db_cluster_json(), "{}", cluster.identifier);
            shapes.insert(cluster.record_shape());
            compared += 1;
        }
        let pages = expected.len().div_ceil(20).max(1) as u64;
        most_pages = most_pages.max(pages);
        assert_eq!(
            fake.counters()
                .describe_clusters_calls_for(&account, REGION),
            pages
        );
    }
    assert!(compared > 60, "{compared}");
    assert!(most_pages > 1, "{most_pages}");
    assert_eq!(shapes.len(), 4, "{shapes:?}");
    assert!(fake.counters().describe_clusters_calls_total() > 4);
}

#[tokio::test]
async fn a_complete_cluster_has_every_member_set_at_every_depth() {
    let fake = FakeAws::start(with_clusters(3, 3))
        .await
        .expect("fake starts");
    let (_, client) = account_with_clusters(&fake).await;

    let served = describe_clusters(&client).await.expect("parses");

    let complete: Vec<&rds_types::DbCluster> = served
        .iter()
        .filter(|db| {
            db.db_cluster_identifier()
                .is_some_and(|id| id.ends_with("-0000"))
        })
        .collect();
    assert_eq!(complete.len(), 1);
    let mut found = Vec::new();
    unpopulated(&complete[0].to_json(), "", &mut found);
    assert!(found.is_empty(), "members the fake left out: {found:?}");
}

#[tokio::test]
async fn member_instances_name_their_cluster_which_lists_them_with_one_writer() {
    let fake = FakeAws::start(with_clusters(3, 4))
        .await
        .expect("fake starts");
    let (_, client) = account_with_clusters(&fake).await;

    let clusters = describe_clusters(&client).await.expect("parses");
    let instances: Vec<rds_types::DbInstance> = client
        .describe_db_instances()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .expect("parses");

    let mut carried: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
    for instance in &instances {
        if let Some(cluster) = instance.db_cluster_identifier() {
            carried
                .entry(cluster)
                .or_default()
                .insert(instance.db_instance_identifier().expect("id"));
        }
    }
    for cluster in &clusters {
        let members = cluster.db_cluster_members();
        let listed: HashSet<&str> = members
            .iter()
            .filter_map(|m| m.db_instance_identifier())
            .collect();
        let id = cluster.db_cluster_identifier().expect("id");
        assert_eq!(carried.remove(id).unwrap_or_default(), listed, "{id}");
        let writers = members
            .iter()
            .filter(|m| m.is_cluster_writer() == Some(true))
            .count();
        assert_eq!(writers, usize::from(!members.is_empty()), "{id}");
    }
    assert!(carried.is_empty(), "{carried:?}");
    let first = clusters
        .iter()
        .find(|c| {
            c.db_cluster_identifier()
                .is_some_and(|id| id.ends_with("-0000"))
        })
        .expect("cluster 0");
    assert_eq!(
        (
            first.deletion_protection(),
            first.storage_encrypted(),
            first.backup_retention_period()
        ),
        (Some(true), Some(true), Some(7))
    );
    for instance in instances
        .iter()
        .filter(|i| i.db_cluster_identifier() == first.db_cluster_identifier())
    {
        assert_eq!(instance.deletion_protection(), Some(false));
        assert_eq!(instance.multi_az(), Some(false));
        assert_eq!(instance.storage_encrypted(), Some(true));
    }
}

#[tokio::test]
async fn a_cluster_is_found_by_identifier_or_arn_filtered_by_engine_or_not_found() {
    let fake = FakeAws::start(with_clusters(3, 6))
        .await
        .expect("fake starts");
    let (account, client) = account_with_clusters(&fake).await;
    let expected = fake.config().target_clusters(&account, REGION);
    let wanted = &expected[expected.len() / 2];

    for key in [&wanted.identifier, &wanted.arn] {
        let output = client
            .describe_db_clusters()
            .db_cluster_identifier(key)
            .send()
            .await
            .expect("found");
        assert_eq!(output.db_clusters().len(), 1);
        assert_eq!(output.db_clusters()[0].to_json(), wanted.db_cluster_json());
    }
    let filter = rds_types::Filter::builder()
        .name("engine")
        .values(&wanted.engine)
        .build();
    let filtered = client
        .describe_db_clusters()
        .filters(filter)
        .send()
        .await
        .expect("answers");
    let engines: HashSet<&str> = filtered
        .db_clusters()
        .iter()
        .filter_map(|c| c.engine())
        .collect();
    assert_eq!(engines, HashSet::from([wanted.engine.as_str()]));
    let missing = client
        .describe_db_clusters()
        .db_cluster_identifier("no-such-cluster")
        .send()
        .await
        .expect_err("not found");
    assert_eq!(missing.code(), Some("DBClusterNotFoundFault"));
    assert_eq!(
        missing.raw_response().map(|r| r.status().as_u16()),
        Some(404)
    );
}

#[tokio::test]
async fn a_clusters_denied_account_gets_access_denied_but_lists_its_instances() {
    let mut config = with_clusters(1, 3);
    let account = config.accounts[0].clone();
    config.clusters_denied_accounts.insert(account.clone());
    let fake = FakeAws::start(config).await.expect("fake starts");
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let denied = describe_clusters(&client).await.expect_err("denied");
    let instances = client.describe_db_instances().send().await;

    let denied = denied.into_service_error();
    assert_eq!(denied.code(), Some("AccessDenied"));
    assert!(denied
        .message()
        .is_some_and(|m| m.contains("rds:DescribeDBClusters")));
    assert!(instances.is_ok());
    let counters = fake.counters();
    assert_eq!(counters.rds_access_denied, 1);
    assert_eq!(
        counters.target_calls_for("DescribeDBClusters", &account, REGION),
        1
    );
    assert_eq!(
        counters.account_calls_for("DescribeDBInstances", &account),
        1
    );
    assert!(fake.config().reachable_clusters().is_empty());
}

#[tokio::test]
async fn malformed_cluster_pages_fail_and_truncated_ones_parse_short() {
    let mut config = with_clusters(3, 6);
    let (account, clusters) = (0..3)
        .map(|a| {
            (
                config.accounts[a].clone(),
                config.configured_cluster_count(a, 0),
            )
        })
        .find(|&(_, count)| count > 1)
        .expect("a target with clusters");
    config
        .malformed_targets
        .insert(FakeConfig::target(&account, REGION));
    let fake = FakeAws::start(config.clone()).await.expect("fake starts");
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    assert!(describe_clusters(&client).await.is_err());

    config.malformed_targets.clear();
    config
        .truncated_targets
        .insert(FakeConfig::target(&account, REGION));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    let served = describe_clusters(&client).await.expect("parses");
    assert_eq!(served.len(), 1, "of {clusters}");
    assert_eq!(fake.counters().faults.malformed, 1);
}

#[tokio::test]
async fn cluster_maintenance_lists_actions_by_cluster_arn() {
    let config = FakeConfig {
        cluster_maintenance: true,
        ..with_clusters(3, 6)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let (account, client) = account_with_clusters(&fake).await;

    let served: Vec<(String, Vec<Value>)> = client
        .describe_pending_maintenance_actions()
        .max_records(20)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("parses")
        .iter()
        .map(|resource| {
            let actions = resource
                .pending_maintenance_action_details()
                .iter()
                .map(ToJson::to_json)
                .collect();
            (
                resource.resource_identifier().expect("ARN").to_string(),
                actions,
            )
        })
        .collect();

    assert_eq!(served, fake.config().pending_maintenance(&account, REGION));
    let first = &fake.config().target_clusters(&account, REGION)[0];
    assert_eq!(first.record_shape(), RecordShape::Complete);
    let listed = served
        .iter()
        .find(|(arn, _)| *arn == first.arn)
        .expect("cluster 0 listed by its ARN");
    assert_eq!(listed.1, first.pending_maintenance_actions());
    assert_eq!(listed.1.len(), 2);
}

#[tokio::test]
async fn by_default_instances_are_unchanged_and_only_implied_clusters_are_listed() {
    let fake = FakeAws::start(FakeConfig {
        regions: vec![REGION.to_string()],
        instances_per_target: 30,
        ..FakeConfig::with_accounts(1)
    })
    .await
    .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let served = describe_clusters(&client).await.expect("parses");

    let aurora: Vec<String> = fake
        .config()
        .target_inventory(&account, REGION)
        .into_iter()
        .filter_map(|i| i.db_cluster_identifier)
        .collect();
    let listed: Vec<String> = served
        .iter()
        .filter_map(|c| c.db_cluster_identifier().map(String::from))
        .collect();
    assert!(!aurora.is_empty());
    assert_eq!(listed, aurora);
    assert!(served.iter().all(|c| c.db_cluster_members().len() == 1));
}
