//! DescribeDBSnapshots, DescribeDBClusterSnapshots and their attribute calls through the real
//! AWS SDK for Rust: every member, paging, lookups, sharing, denials, faults and counters.

use crate::common;

use aws_config::retry::RetryConfig;
use aws_sdk_rds::error::ProvideErrorMetadata;
use aws_sdk_rds::types as rds_types;
use common::{rds_for, unpopulated, ToJson, REGION};
use fake_aws::{FakeAws, FakeConfig, FakeSnapshot, RecordShape, SnapshotType, TargetFailure};
use serde_json::{Map, Value};
use std::collections::HashSet;

struct_json!(rds_types::DbSnapshot {
    db_snapshot_identifier,
    db_instance_identifier,
    snapshot_create_time,
    engine,
    allocated_storage,
    status,
    port,
    availability_zone,
    vpc_id,
    instance_create_time,
    master_username,
    engine_version,
    license_model,
    snapshot_type,
    iops,
    storage_throughput,
    option_group_name,
    percent_progress,
    source_region,
    source_db_snapshot_identifier,
    storage_type,
    tde_credential_arn,
    encrypted,
    storage_encryption_type,
    backup_retention_period,
    preferred_backup_window,
    kms_key_id,
    db_snapshot_arn,
    timezone,
    iam_database_authentication_enabled,
    processor_features,
    dbi_resource_id,
    tag_list,
    snapshot_target,
    original_snapshot_create_time,
    snapshot_database_time,
    db_system_id,
    multi_tenant,
    dedicated_log_volume,
    additional_storage_volumes,
    snapshot_availability_zone,
    full_snapshot_size_in_bytes,
});
struct_json!(rds_types::DbClusterSnapshot {
    availability_zones,
    db_cluster_snapshot_identifier,
    db_cluster_identifier,
    snapshot_create_time,
    engine,
    engine_mode,
    allocated_storage,
    status,
    port,
    vpc_id,
    cluster_create_time,
    master_username,
    engine_version,
    license_model,
    snapshot_type,
    percent_progress,
    storage_encrypted,
    storage_encryption_type,
    backup_retention_period,
    preferred_backup_window,
    kms_key_id,
    db_cluster_snapshot_arn,
    source_db_cluster_snapshot_arn,
    iam_database_authentication_enabled,
    tag_list,
    storage_type,
    storage_throughput,
    db_cluster_resource_id,
    db_system_id,
});

/// One region, `snapshots` DB snapshots and `cluster_snapshots` cluster snapshots (mean) per
/// target, two configured clusters per target that has clusters.
fn with_snapshots(accounts: usize, snapshots: usize, cluster_snapshots: usize) -> FakeConfig {
    FakeConfig {
        regions: vec![REGION.to_string()],
        snapshots_per_target: snapshots,
        cluster_snapshots_per_target: cluster_snapshots,
        clusters_per_target: 2,
        ..FakeConfig::with_accounts(accounts)
    }
}

type SdkError<E> = aws_sdk_rds::error::SdkError<E, aws_sdk_rds::config::http::HttpResponse>;
type SnapshotsError =
    SdkError<aws_sdk_rds::operation::describe_db_snapshots::DescribeDBSnapshotsError>;
type ClusterSnapshotsError = SdkError<
    aws_sdk_rds::operation::describe_db_cluster_snapshots::DescribeDBClusterSnapshotsError,
>;

async fn describe_snapshots(
    client: &aws_sdk_rds::Client,
) -> Result<Vec<rds_types::DbSnapshot>, SnapshotsError> {
    all_pages!(client.describe_db_snapshots())
}

async fn describe_cluster_snapshots(
    client: &aws_sdk_rds::Client,
) -> Result<Vec<rds_types::DbClusterSnapshot>, ClusterSnapshotsError> {
    all_pages!(client.describe_db_cluster_snapshots())
}

/// The `restore` values DescribeDBSnapshotAttributes answers for one snapshot.
async fn restore_of(client: &aws_sdk_rds::Client, identifier: &str) -> Vec<String> {
    let output = client
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(identifier)
        .send()
        .await
        .expect("attributes answer");
    let result = output.db_snapshot_attributes_result().expect("result");
    assert_eq!(result.db_snapshot_identifier(), Some(identifier));
    let attributes = result.db_snapshot_attributes();
    assert_eq!(attributes.len(), 1);
    assert_eq!(attributes[0].attribute_name(), Some("restore"));
    attributes[0].attribute_values().to_vec()
}

/// The `restore` values DescribeDBClusterSnapshotAttributes answers for one snapshot, asked
/// by its ARN (the answer names its identifier).
async fn cluster_restore_of(client: &aws_sdk_rds::Client, snapshot: &FakeSnapshot) -> Vec<String> {
    let identifier = snapshot.identifier.as_str();
    let output = client
        .describe_db_cluster_snapshot_attributes()
        .db_cluster_snapshot_identifier(&snapshot.arn)
        .send()
        .await
        .expect("attributes answer");
    let result = output
        .db_cluster_snapshot_attributes_result()
        .expect("result");
    assert_eq!(result.db_cluster_snapshot_identifier(), Some(identifier));
    let attributes = result.db_cluster_snapshot_attributes();
    assert_eq!(attributes.len(), 1);
    assert_eq!(attributes[0].attribute_name(), Some("restore"));
    attributes[0].attribute_values().to_vec()
}

fn compare_records(parsed: Value, expected: &FakeSnapshot, members: usize) {
    assert_eq!(parsed.as_object().map(Map::len), Some(members));
    assert_eq!(parsed, expected.record_json(), "{}", expected.identifier);
}

#[tokio::test]
async fn every_snapshot_member_round_trips_through_the_sdk_across_pages() {
    let fake = FakeAws::start(with_snapshots(4, 30, 25))
        .await
        .expect("fake starts");
    let mut shapes = HashSet::new();
    let (mut compared, mut most_pages) = (0, 0);
    for account in fake.config().accounts.clone() {
        let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
        let served = describe_snapshots(&client)
            .await
            .expect("every page parses");
        let served_clusters = describe_cluster_snapshots(&client)
            .await
            .expect("every page parses");

        let expected = fake.config().target_snapshots(&account, REGION);
        let expected_clusters = fake.config().target_cluster_snapshots(&account, REGION);
        assert_eq!(served.len(), expected.len());
        assert_eq!(served_clusters.len(), expected_clusters.len());
        for (db, snapshot) in served.iter().zip(&expected) {
            compare_records(db.to_json(), snapshot, 42);
            shapes.insert(snapshot.record_shape());
        }
        for (db, snapshot) in served_clusters.iter().zip(&expected_clusters) {
            compare_records(db.to_json(), snapshot, 29);
            shapes.insert(snapshot.record_shape());
        }
        compared += served.len() + served_clusters.len();
        let counters = fake.counters();
        for (operation, count) in [
            ("DescribeDBSnapshots", expected.len()),
            ("DescribeDBClusterSnapshots", expected_clusters.len()),
        ] {
            let pages = count.div_ceil(20).max(1) as u64;
            most_pages = most_pages.max(pages);
            assert_eq!(
                counters.target_calls_for(operation, &account, REGION),
                pages
            );
        }
    }
    assert!(compared > 150, "{compared}");
    assert!(most_pages > 1, "{most_pages}");
    assert_eq!(shapes.len(), 4, "{shapes:?}");
}

#[tokio::test]
async fn a_complete_snapshot_has_every_member_set_at_every_depth() {
    let fake = FakeAws::start(with_snapshots(1, 3, 3))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    let first = describe_snapshots(&client).await.expect("parses")[0].to_json();
    let first_cluster = describe_cluster_snapshots(&client).await.expect("parses")[0].to_json();

    for record in [first, first_cluster] {
        let mut found = Vec::new();
        unpopulated(&record, "", &mut found);
        assert!(found.is_empty(), "members the fake left out: {found:?}");
    }
    let expected = &fake.config().target_snapshots(&account, REGION)[0];
    assert_eq!(expected.record_shape(), RecordShape::Complete);
}

#[tokio::test]
async fn one_attribute_call_per_manual_snapshot_answers_its_restore_list_and_is_counted() {
    let fake = FakeAws::start(with_snapshots(3, 20, 8))
        .await
        .expect("fake starts");
    let accounts = fake.config().accounts.clone();
    let mut seen_public = 0;
    let mut seen_outside = 0;
    let mut seen_private = 0;
    for account in &accounts {
        let client = rds_for(&fake, account, REGION, RetryConfig::disabled()).await;
        for snapshot in fake.config().target_snapshots(account, REGION) {
            if snapshot.is_manual() {
                assert_eq!(
                    restore_of(&client, &snapshot.identifier).await,
                    snapshot.restore
                );
            }
        }
        for snapshot in fake.config().target_cluster_snapshots(account, REGION) {
            if snapshot.is_manual() {
                let served = cluster_restore_of(&client, &snapshot).await;
                assert_eq!(served, snapshot.restore);
            }
        }
    }

    let counters = fake.counters();
    for snapshot in fake.config().snapshots() {
        let calls = counters.snapshot_attributes_calls_for(
            &snapshot.account_id,
            &snapshot.region,
            &snapshot.identifier,
        );
        assert_eq!(
            calls,
            u64::from(snapshot.is_manual()),
            "{}",
            snapshot.identifier
        );
        seen_public += usize::from(snapshot.shared_publicly());
        seen_outside += usize::from(!snapshot.shared_with_outside_accounts(&accounts).is_empty());
        seen_private += usize::from(snapshot.is_manual() && snapshot.restore.is_empty());
    }
    for snapshot in fake.config().cluster_snapshots() {
        // Asked by ARN: counted under the identifier it names.
        let calls = counters.cluster_snapshot_attributes_calls_for(
            &snapshot.account_id,
            &snapshot.region,
            &snapshot.identifier,
        );
        assert_eq!(
            calls,
            u64::from(snapshot.is_manual()),
            "{}",
            snapshot.identifier
        );
    }
    let manual = fake
        .config()
        .snapshots()
        .iter()
        .filter(|s| s.is_manual())
        .count() as u64;
    assert_eq!(counters.calls_of("DescribeDBSnapshotAttributes"), manual);
    assert_eq!(
        accounts
            .iter()
            .map(|a| counters.account_calls_for("DescribeDBSnapshotAttributes", a))
            .sum::<u64>(),
        manual
    );
    assert!(seen_public > 0 && seen_outside > 0 && seen_private > 0);
}

#[tokio::test]
async fn automated_snapshots_answer_an_empty_restore_list_and_unknown_ones_are_not_found() {
    let fake = FakeAws::start(with_snapshots(1, 12, 6))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    let automated = fake
        .config()
        .target_snapshots(&account, REGION)
        .into_iter()
        .find(|s| s.snapshot_type == SnapshotType::Automated)
        .expect("an automated snapshot");

    assert!(restore_of(&client, &automated.identifier).await.is_empty());
    let missing = client
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier("no-such-snapshot")
        .send()
        .await
        .expect_err("not found");
    let missing_cluster = client
        .describe_db_cluster_snapshot_attributes()
        .db_cluster_snapshot_identifier("no-such-snapshot")
        .send()
        .await
        .expect_err("not found");

    assert_eq!(missing.code(), Some("DBSnapshotNotFound"));
    assert_eq!(
        missing_cluster.code(),
        Some("DBClusterSnapshotNotFoundFault")
    );
    assert_eq!(
        missing.raw_response().map(|r| r.status().as_u16()),
        Some(404)
    );
    let counters = fake.counters();
    assert_eq!(
        counters.snapshot_attributes_calls_for(&account, REGION, &automated.identifier),
        1
    );
    assert_eq!(
        counters.snapshot_attributes_calls_for(&account, REGION, "no-such-snapshot"),
        1
    );
}

#[tokio::test]
async fn snapshots_are_found_by_identifier_arn_source_and_type() {
    let fake = FakeAws::start(with_snapshots(1, 16, 6))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    let expected = fake.config().target_snapshots(&account, REGION);
    let wanted = &expected[expected.len() / 2];

    for key in [&wanted.identifier, &wanted.arn] {
        let output = client
            .describe_db_snapshots()
            .db_snapshot_identifier(key)
            .send()
            .await
            .expect("found");
        assert_eq!(output.db_snapshots().len(), 1);
        assert_eq!(output.db_snapshots()[0].to_json(), wanted.record_json());
    }
    let of_source = client
        .describe_db_snapshots()
        .db_instance_identifier(&wanted.source_identifier)
        .send()
        .await
        .expect("answers");
    let expected_of_source = expected
        .iter()
        .filter(|s| s.source_identifier == wanted.source_identifier)
        .count();
    assert_eq!(of_source.db_snapshots().len(), expected_of_source);
    let automated = client
        .describe_db_snapshots()
        .snapshot_type("automated")
        .send()
        .await
        .expect("answers");
    assert!(automated
        .db_snapshots()
        .iter()
        .all(|s| s.snapshot_type() == Some("automated")));
    assert_eq!(
        automated.db_snapshots().len(),
        expected
            .iter()
            .filter(|s| s.snapshot_type == SnapshotType::Automated)
            .count()
    );
    let missing = client
        .describe_db_cluster_snapshots()
        .db_cluster_snapshot_identifier("no-such-snapshot")
        .send()
        .await
        .expect_err("not found");
    assert_eq!(missing.code(), Some("DBClusterSnapshotNotFoundFault"));
}

#[tokio::test]
async fn a_denied_attribute_call_leaves_the_listing_working_and_denied_listings_leave_instances() {
    let mut config = with_snapshots(2, 6, 3);
    let (attributes_denied, snapshots_denied) =
        (config.accounts[0].clone(), config.accounts[1].clone());
    config
        .snapshot_attributes_denied_accounts
        .insert(attributes_denied.clone());
    config
        .snapshots_denied_accounts
        .insert(snapshots_denied.clone());
    let fake = FakeAws::start(config).await.expect("fake starts");

    let client = rds_for(&fake, &attributes_denied, REGION, RetryConfig::disabled()).await;
    let listed = describe_snapshots(&client).await.expect("listing works");
    let first = listed[0].db_snapshot_identifier().expect("id");
    let denied = client
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(first)
        .send()
        .await
        .expect_err("denied");
    let denied_cluster = client
        .describe_db_cluster_snapshot_attributes()
        .db_cluster_snapshot_identifier("any")
        .send()
        .await
        .expect_err("denied");
    assert_eq!(denied.code(), Some("AccessDenied"));
    assert_eq!(denied_cluster.code(), Some("AccessDenied"));
    assert!(denied
        .message()
        .is_some_and(|m| m.contains("rds:DescribeDBSnapshotAttributes")));
    assert_eq!(
        denied.raw_response().map(|r| r.status().as_u16()),
        Some(403)
    );

    let client = rds_for(&fake, &snapshots_denied, REGION, RetryConfig::disabled()).await;
    let listing = describe_snapshots(&client).await.expect_err("denied");
    let cluster_listing = describe_cluster_snapshots(&client)
        .await
        .expect_err("denied");
    assert_eq!(listing.code(), Some("AccessDenied"));
    assert_eq!(cluster_listing.code(), Some("AccessDenied"));
    assert!(client.describe_db_instances().send().await.is_ok());

    let counters = fake.counters();
    assert_eq!(counters.rds_access_denied, 4);
    assert_eq!(
        counters.snapshot_attributes_calls_for(&attributes_denied, REGION, first),
        1
    );
    let config = fake.config();
    assert!(config
        .reachable_snapshots()
        .iter()
        .all(|s| s.account_id == attributes_denied));
    assert_eq!(
        config.reachable_snapshots(),
        config.target_snapshots(&attributes_denied, REGION)
    );
}

#[tokio::test]
async fn throttled_attribute_calls_answer_throttling_and_are_counted_for_the_target() {
    let fake = FakeAws::start(with_snapshots(1, 6, 0))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    let listed = describe_snapshots(&client).await.expect("listing works");
    let first = listed[0].db_snapshot_identifier().expect("id").to_string();

    fake.set_target_failure(&account, REGION, Some(TargetFailure::Throttle));
    let throttled = client
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(&first)
        .send()
        .await
        .expect_err("throttled");
    fake.set_target_failure(&account, REGION, None);
    let answered = restore_of(&client, &first).await;

    assert_eq!(throttled.code(), Some("Throttling"));
    assert_eq!(
        answered,
        fake.config().target_snapshots(&account, REGION)[0].restore
    );
    let counters = fake.counters();
    assert_eq!(counters.throttled_calls_for(&account, REGION), 1);
    assert_eq!(
        counters.snapshot_attributes_calls_for(&account, REGION, &first),
        2
    );
}

#[tokio::test]
async fn malformed_snapshot_pages_fail_and_truncated_ones_parse_short() {
    let mut config = with_snapshots(1, 12, 6);
    let account = config.accounts[0].clone();
    let target = FakeConfig::target(&account, REGION);
    let expected = config.target_snapshots(&account, REGION);
    let manual_shared = expected
        .iter()
        .find(|s| s.restore.len() > 1)
        .expect("a snapshot shared more than once")
        .identifier
        .clone();
    config.malformed_targets.insert(target.clone());
    let fake = FakeAws::start(config.clone()).await.expect("fake starts");
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    assert!(describe_snapshots(&client).await.is_err());
    assert!(describe_cluster_snapshots(&client).await.is_err());
    let attributes = client
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(&manual_shared)
        .send()
        .await;
    assert!(attributes.is_err());

    config.malformed_targets.clear();
    config.truncated_targets.insert(target);
    let fake = FakeAws::start(config).await.expect("fake starts");
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;
    let served = describe_snapshots(&client).await.expect("parses");
    assert_eq!(served.len(), 1, "of {}", expected.len());
    assert_eq!(restore_of(&client, &manual_shared).await.len(), 1);
    assert_eq!(fake.counters().faults.malformed, 2);
}

#[tokio::test]
async fn by_default_no_snapshots_are_listed() {
    let fake = FakeAws::start(FakeConfig {
        regions: vec![REGION.to_string()],
        ..FakeConfig::with_accounts(1)
    })
    .await
    .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let client = rds_for(&fake, &account, REGION, RetryConfig::disabled()).await;

    assert!(describe_snapshots(&client)
        .await
        .expect("parses")
        .is_empty());
    assert!(describe_cluster_snapshots(&client)
        .await
        .expect("parses")
        .is_empty());
    assert_eq!(
        fake.counters()
            .target_calls_for("DescribeDBClusterSnapshots", &account, REGION),
        1
    );
}
