//! The Describe operation of every `ResourceKind` (automated backups, proxies, blue/green
//! deployments, global clusters) and AWS Backup DB snapshots through the real AWS SDK for
//! Rust: complete paging, every member set, denial, counters.

use crate::common;

use aws_config::retry::RetryConfig;
use aws_sdk_rds::error::ProvideErrorMetadata;
use common::{rds_for, REGION};
use fake_aws::{FakeAws, FakeConfig, FakeResource, ResourceKind};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Debug;

const OTHER_REGION: &str = "eu-west-1";

/// Two regions, every kind at `count` (mean), clusters so cluster backups have sources.
fn with_kinds(accounts: usize, count: usize) -> FakeConfig {
    let mut config = FakeConfig {
        regions: vec![REGION.to_string(), OTHER_REGION.to_string()],
        clusters_per_target: 2,
        instances_per_target: 30,
        ..FakeConfig::with_accounts(accounts)
    };
    for kind in ResourceKind::ALL {
        config.kind_counts.insert(kind, count);
    }
    config
}

/// The top-level field names of an SDK value's `{:#?}`, and the paths of members that are
/// `None` or an empty list at any depth (a global cluster's reader members list no readers,
/// as AWS reports them).
fn debug_fields(item: &impl Debug) -> (BTreeSet<String>, Vec<String>) {
    let text = format!("{item:#?}");
    let mut top = BTreeSet::new();
    let mut unset = Vec::new();
    let mut previous = "";
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        // `Some([])` spreads over lines: `name: Some(`, then `[],`.
        if line.trim() == "[]," && previous != "readers" {
            unset.push(format!("{previous} at depth {}", indent / 4));
        }
        let Some((name, value)) = line.trim().split_once(": ") else {
            continue;
        };
        previous = name;
        if indent == 4 {
            top.insert(name.to_string());
        }
        if (value == "None," || value == "[],") && name != "readers" {
            unset.push(format!("{name} at depth {}", indent / 4));
        }
    }
    (top, unset)
}

/// The SDK's item agrees with the fake's record: the same member names, every one set.
fn assert_complete(item: &impl Debug, expected: &FakeResource) {
    let (fields, unset) = debug_fields(item);
    assert!(unset.is_empty(), "{}: unset {unset:?}", expected.identifier);
    let Value::Object(record) = expected.record_json() else {
        panic!("a record is an object");
    };
    let keys: BTreeSet<String> = record.keys().cloned().collect();
    assert_eq!(fields, keys, "{:?} member names", expected.kind);
}

async fn client(fake: &FakeAws, account: &str, region: &str) -> aws_sdk_rds::Client {
    rds_for(fake, account, region, RetryConfig::disabled()).await
}

/// Every item of one kind through the paginator, 20 a page, as the SDK parses them.
macro_rules! list_all {
    ($client:expr, $kind:expr) => {
        match $kind {
            ResourceKind::AutomatedBackups => {
                listed(all_pages!($client.describe_db_instance_automated_backups()))
            }
            ResourceKind::ClusterAutomatedBackups => {
                listed(all_pages!($client.describe_db_cluster_automated_backups()))
            }
            ResourceKind::Proxies => listed(all_pages!($client.describe_db_proxies())),
            ResourceKind::BlueGreen => {
                listed(all_pages!($client.describe_blue_green_deployments()))
            }
            ResourceKind::GlobalClusters => listed(all_pages!($client.describe_global_clusters())),
            ResourceKind::ReservedInstances => {
                listed(all_pages!($client.describe_reserved_db_instances()))
            }
            ResourceKind::ParameterGroups => {
                listed(all_pages!($client.describe_db_parameter_groups()))
            }
            ResourceKind::ClusterParameterGroups => {
                listed(all_pages!($client.describe_db_cluster_parameter_groups()))
            }
            other => Err(format!(
                "{other:?} lists the parameters of a group or family"
            )),
        }
    };
}

type Listed = Vec<Box<dyn Debug>>;

/// One kind's listing as Debug values (the error as text), so one loop covers every kind.
fn listed<T: Debug + 'static, E: Debug>(result: Result<Vec<T>, E>) -> Result<Listed, String> {
    let items = result.map_err(|error| format!("{error:?}"))?;
    Ok(items
        .into_iter()
        .map(|item| Box::new(item) as Box<dyn Debug>)
        .collect())
}

/// The identifier the lookup parameter matches, read from the SDK's Debug.
fn identifier_of(kind: ResourceKind, item: &dyn Debug) -> String {
    let field = match kind {
        ResourceKind::AutomatedBackups => "db_instance_identifier",
        ResourceKind::ClusterAutomatedBackups => "db_cluster_identifier",
        ResourceKind::Proxies => "db_proxy_name",
        ResourceKind::BlueGreen => "blue_green_deployment_identifier",
        ResourceKind::GlobalClusters => "global_cluster_identifier",
        ResourceKind::ReservedInstances => "reserved_db_instance_id",
        ResourceKind::ParameterGroups => "db_parameter_group_name",
        ResourceKind::ClusterParameterGroups => "db_cluster_parameter_group_name",
        _ => "parameter_name",
    };
    let text = format!("{item:#?}");
    let opener = format!("{field}: Some(");
    let mut lines = text.lines().map(str::trim);
    lines
        .find(|line| *line == opener)
        .and_then(|_| lines.next())
        .map(|value| value.trim_end_matches(',').trim_matches('"').to_string())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_pages_completely_with_every_member_set() {
    let fake = FakeAws::start(with_kinds(1, 45))
        .await
        .expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let rds = client(&fake, &account, REGION).await;
    for kind in ResourceKind::ALL.into_iter().filter(|k| k.is_listing()) {
        let expected = fake.config().target_resources(kind, &account, REGION);
        assert!(expected.len() > 20, "{kind:?}: more than one page");
        let listed = list_all!(rds, kind).expect("listing succeeds");
        let names: Vec<String> = listed.iter().map(|i| identifier_of(kind, i)).collect();
        let wanted: Vec<String> = expected.iter().map(|r| r.identifier.clone()).collect();
        assert_eq!(names, wanted, "{kind:?}");
        for (item, resource) in listed.iter().zip(&expected) {
            assert_complete(item, resource);
        }
        let counters = fake.counters();
        let pages = expected.len().div_ceil(20) as u64;
        assert_eq!(
            counters.target_calls_for(kind.operation_name(), &account, REGION),
            pages,
            "{kind:?}"
        );
        assert_eq!(counters.calls_of(kind.operation_name()), pages);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automated_backups_are_active_for_listed_instances_and_retained_for_deleted_ones() {
    let fake = FakeAws::start(with_kinds(1, 9)).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let rds = client(&fake, &account, REGION).await;
    let instances: BTreeSet<String> = fake
        .config()
        .target_inventory(&account, REGION)
        .into_iter()
        .map(|instance| instance.identifier)
        .collect();
    let backups = all_pages!(rds.describe_db_instance_automated_backups()).expect("listing");
    assert!(backups.iter().any(|b| b.status() == Some("retained")));
    for backup in &backups {
        let listed = instances.contains(backup.db_instance_identifier().unwrap_or_default());
        assert_eq!(listed, backup.status() != Some("retained"), "{backup:?}");
    }
    let retained = rds
        .describe_db_instance_automated_backups()
        .filters(
            aws_sdk_rds::types::Filter::builder()
                .name("status")
                .values("retained")
                .build(),
        )
        .send()
        .await
        .expect("filtered listing");
    let count = backups
        .iter()
        .filter(|b| b.status() == Some("retained"))
        .count();
    assert_eq!(retained.db_instance_automated_backups().len(), count);
    let clusters: BTreeSet<String> = fake
        .config()
        .target_clusters(&account, REGION)
        .into_iter()
        .map(|cluster| cluster.identifier)
        .collect();
    let cluster_backups =
        all_pages!(rds.describe_db_cluster_automated_backups()).expect("cluster listing");
    assert!(cluster_backups
        .iter()
        .any(|b| b.status() == Some("retained")));
    for backup in &cluster_backups {
        let listed = clusters.contains(backup.db_cluster_identifier().unwrap_or_default());
        assert_eq!(listed, backup.status() != Some("retained"), "{backup:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxies_come_with_and_without_required_tls() {
    let fake = FakeAws::start(with_kinds(1, 4)).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let rds = client(&fake, &account, REGION).await;
    let proxies = all_pages!(rds.describe_db_proxies()).expect("listing");
    let tls: BTreeSet<Option<bool>> = proxies.iter().map(|p| p.require_tls()).collect();
    assert_eq!(tls, BTreeSet::from([Some(false), Some(true)]));
    let named = rds
        .describe_db_proxies()
        .db_proxy_name(proxies[0].db_proxy_name().unwrap_or_default())
        .send()
        .await
        .expect("lookup");
    assert_eq!(named.db_proxies().len(), 1);
    let missing = rds
        .describe_db_proxies()
        .db_proxy_name("no-such-proxy")
        .send()
        .await
        .expect_err("not found");
    assert_eq!(missing.code(), Some("DBProxyNotFoundFault"));
    let small_page = rds.describe_db_proxies().max_records(10).send().await;
    assert_eq!(
        small_page.expect_err("MaxRecords 10").code(),
        Some("InvalidParameterValue")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_clusters_are_the_same_from_every_region_of_an_account() {
    let fake = FakeAws::start(with_kinds(2, 3)).await.expect("fake starts");
    let account = fake.config().accounts[1].clone();
    let mut answers = Vec::new();
    for region in [REGION, OTHER_REGION] {
        let rds = client(&fake, &account, region).await;
        let clusters = all_pages!(rds.describe_global_clusters()).expect("listing");
        answers.push(format!("{clusters:?}"));
        let writers: BTreeSet<String> = clusters
            .iter()
            .flat_map(|c| c.global_cluster_members())
            .filter(|m| m.is_writer() == Some(true))
            .filter_map(|m| {
                m.db_cluster_arn()
                    .map(|arn| arn.split(':').nth(3).unwrap_or_default().to_string())
            })
            .collect();
        assert_eq!(writers.len(), 2, "writers in two regions: {writers:?}");
        assert_eq!(clusters.len(), 3);
    }
    assert_eq!(answers[0], answers[1]);
    let counters = fake.counters();
    assert_eq!(
        counters.account_calls_for("DescribeGlobalClusters", &account),
        2
    );
    assert_eq!(
        fake.config().resources(ResourceKind::GlobalClusters).len(),
        6
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_denied_kind_leaves_the_others_working() {
    let mut config = with_kinds(2, 3);
    let denied = config.accounts[0].clone();
    config
        .denied_operations
        .insert(("DescribeDBProxies".to_string(), denied.clone()));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let rds = client(&fake, &denied, REGION).await;
    let refused = rds.describe_db_proxies().send().await.expect_err("denied");
    assert_eq!(refused.code(), Some("AccessDenied"));
    assert!(refused
        .message()
        .unwrap_or_default()
        .contains("rds:DescribeDBProxies"));
    for kind in ResourceKind::ALL.into_iter().filter(|k| k.is_listing()) {
        if kind != ResourceKind::Proxies {
            list_all!(rds, kind).expect("other kinds still answer");
        }
    }
    let other = client(&fake, &fake.config().accounts[1], REGION).await;
    all_pages!(other.describe_db_proxies()).expect("another account is not denied");
    assert_eq!(fake.counters().rds_access_denied, 1);
    let reachable = fake.config().reachable_resources(ResourceKind::Proxies);
    assert!(reachable.iter().all(|proxy| proxy.account_id != denied));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awsbackup_snapshots_are_listed_only_by_their_type() {
    let config = FakeConfig {
        regions: vec![REGION.to_string()],
        snapshots_per_target: 6,
        backup_snapshot_percent: 0,
        awsbackup_snapshots_per_target: 4,
        ..FakeConfig::with_accounts(1)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let rds = client(&fake, &account, REGION).await;
    let default = all_pages!(rds.describe_db_snapshots()).expect("listing");
    let expected = fake.config().target_snapshots(&account, REGION);
    assert_eq!(default.len(), expected.len());
    assert!(default
        .iter()
        .all(|s| matches!(s.snapshot_type(), Some("manual" | "automated"))));
    let backups =
        all_pages!(rds.describe_db_snapshots().snapshot_type("awsbackup")).expect("awsbackup");
    let wanted: Vec<String> = fake
        .config()
        .target_awsbackup_snapshots(&account, REGION)
        .into_iter()
        .map(|s| s.identifier)
        .collect();
    assert!(!wanted.is_empty());
    let got: Vec<String> = backups
        .iter()
        .filter_map(|s| s.db_snapshot_identifier().map(str::to_string))
        .collect();
    assert_eq!(got, wanted);
    assert!(backups
        .iter()
        .all(|s| s.snapshot_type() == Some("awsbackup")
            && s.db_snapshot_identifier()
                .is_some_and(|id| id.starts_with("awsbackup:"))));
    let cluster = all_pages!(rds
        .describe_db_cluster_snapshots()
        .snapshot_type("awsbackup"))
    .expect("cluster listing");
    assert!(cluster.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parameters_of_a_group_page_completely_and_filter_by_source() {
    let fake = FakeAws::start(with_kinds(1, 6)).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let rds = client(&fake, &account, REGION).await;
    let groups = all_pages!(rds.describe_db_parameter_groups()).expect("groups");
    let custom = groups
        .iter()
        .filter_map(|g| g.db_parameter_group_name())
        .find(|name| !name.starts_with("default."))
        .expect("a custom group")
        .to_string();
    let parameters = all_pages!(rds
        .describe_db_parameters()
        .db_parameter_group_name(&custom))
    .expect("all");
    let expected = fake_aws::group_parameters(&custom, false);
    assert!(parameters.len() > 20, "spans pages");
    assert_eq!(parameters.len(), expected.len());
    for (parameter, resource) in parameters.iter().zip(&expected) {
        assert_eq!(
            parameter.parameter_name(),
            Some(resource.identifier.as_str())
        );
        assert_complete(parameter, resource);
    }
    let user = all_pages!(rds
        .describe_db_parameters()
        .db_parameter_group_name(&custom)
        .source("user"))
    .expect("user ones");
    assert!(!user.is_empty());
    assert!(user.iter().all(|p| p.source() == Some("user")));
    let wanted = expected.iter().filter(|r| r.status == "user").count();
    assert_eq!(user.len(), wanted);
    let missing = rds
        .describe_db_parameters()
        .db_parameter_group_name("no-such-group")
        .send()
        .await
        .expect_err("not found");
    assert_eq!(missing.code(), Some("DBParameterGroupNotFound"));
    let cluster_groups = all_pages!(rds.describe_db_cluster_parameter_groups()).expect("groups");
    let cluster_group = cluster_groups[0]
        .db_cluster_parameter_group_name()
        .unwrap_or_default()
        .to_string();
    let cluster_parameters = all_pages!(rds
        .describe_db_cluster_parameters()
        .db_cluster_parameter_group_name(&cluster_group))
    .expect("cluster parameters");
    assert_eq!(
        cluster_parameters.len(),
        fake_aws::group_parameters(&cluster_group, true).len()
    );
    let counters = fake.counters();
    assert_eq!(
        counters.target_calls_for("DescribeDBParameters", &account, REGION),
        expected.len().div_ceil(20) as u64 + user.len().div_ceil(20) as u64 + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_defaults_set_force_ssl_per_family() {
    let fake = FakeAws::start(with_kinds(1, 0)).await.expect("fake starts");
    let account = fake.config().accounts[0].clone();
    let rds = client(&fake, &account, REGION).await;
    for (family, force_ssl) in fake_aws::PARAMETER_FAMILIES {
        let defaults = all_pages!(rds
            .describe_engine_default_parameters()
            .db_parameter_group_family(family))
        .expect("defaults");
        let expected = fake_aws::engine_default_parameters(family, false);
        assert_eq!(defaults.len(), expected.len());
        assert!(defaults.len() > 20, "spans pages");
        let ssl = defaults
            .iter()
            .find(|p| p.parameter_name() == Some("rds.force_ssl"))
            .and_then(|p| p.parameter_value());
        assert_eq!(ssl, Some(force_ssl), "{family}");
    }
    for (family, force_ssl) in fake_aws::CLUSTER_PARAMETER_FAMILIES {
        let first = rds
            .describe_engine_default_cluster_parameters()
            .db_parameter_group_family(family)
            .send()
            .await
            .expect("defaults");
        let defaults = first.engine_defaults().expect("EngineDefaults");
        assert_eq!(defaults.db_parameter_group_family(), Some(family));
        let ssl = defaults
            .parameters()
            .iter()
            .find(|p| p.parameter_name() == Some("rds.force_ssl"))
            .and_then(|p| p.parameter_value());
        assert_eq!(ssl, Some(force_ssl), "{family}");
    }
    let unknown = rds
        .describe_engine_default_parameters()
        .db_parameter_group_family("oracle-ee-19")
        .send()
        .await
        .expect("an unknown family answers");
    assert!(unknown
        .engine_defaults()
        .is_some_and(|d| d.parameters().is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_parameter_call_leaves_the_group_listing_working() {
    let mut config = with_kinds(1, 4);
    let account = config.accounts[0].clone();
    config
        .denied_operations
        .insert(("DescribeDBParameters".to_string(), account.clone()));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let rds = client(&fake, &account, REGION).await;
    let groups = all_pages!(rds.describe_db_parameter_groups()).expect("groups still listed");
    let name = groups[0].db_parameter_group_name().unwrap_or_default();
    let refused = rds
        .describe_db_parameters()
        .db_parameter_group_name(name)
        .send()
        .await
        .expect_err("denied");
    assert_eq!(refused.code(), Some("AccessDenied"));
    rds.describe_engine_default_parameters()
        .db_parameter_group_family("postgres16")
        .send()
        .await
        .expect("engine defaults still answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn target_faults_and_expired_keys_apply_to_every_kind() {
    let mut config = with_kinds(2, 3);
    let (throttled, hanging) = (config.accounts[0].clone(), config.accounts[1].clone());
    config
        .throttle_forever_targets
        .insert(FakeConfig::target(&throttled, REGION));
    config
        .hang_targets
        .insert(FakeConfig::target(&hanging, REGION));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let rds = client(&fake, &throttled, REGION).await;
    for kind in ResourceKind::ALL.into_iter().filter(|k| k.is_listing()) {
        let error = list_all!(rds, kind).expect_err("throttled");
        assert!(error.contains("Throttling"), "{kind:?}: {error}");
    }
    let hung = client(&fake, &hanging, REGION).await;
    let held = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        hung.describe_global_clusters().send(),
    )
    .await;
    assert!(held.is_err(), "a hang target holds the call");
    // A fake of its own: the 1 s key lifetime must not race the listings above.
    let short_lived = FakeAws::start(FakeConfig {
        credential_lifetime: Some(std::time::Duration::from_secs(1)),
        ..with_kinds(1, 3)
    })
    .await
    .expect("fake starts");
    let account = short_lived.config().accounts[0].clone();
    let rds = client(&short_lived, &account, REGION).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let expired = rds
        .describe_db_proxies()
        .send()
        .await
        .expect_err("keys expired");
    assert_eq!(expired.code(), Some("ExpiredToken"));
    assert_eq!(short_lived.counters().expired_key_calls, 1);
}
