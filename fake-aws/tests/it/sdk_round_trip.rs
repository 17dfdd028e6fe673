//! Proves the real AWS SDK for Rust (STS, RDS, Account) understands every answer the fake gives.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_account::types::RegionOptStatus;
use aws_sdk_rds::error::ProvideErrorMetadata;
use aws_sdk_rds::primitives::DateTimeFormat;
use aws_sdk_rds::types::DbInstance;
use aws_sdk_sts::config::Credentials;
use fake_aws::{FakeAws, FakeConfig, FakeInstance};
use std::time::{Duration, SystemTime};

const REGION: &str = "us-east-1";

fn role_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/InventoryReader")
}

async fn base_config(fake: &FakeAws, retry: RetryConfig) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(fake.endpoint_url())
        .credentials_provider(Credentials::new("AKIDBASE", "x", None, None, "base"))
        .retry_config(retry)
        .load()
        .await
}

fn sts(base: &SdkConfig) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::new(base)
}

struct AssumedKeys {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
}

async fn assume(base: &SdkConfig, account: &str) -> AssumedKeys {
    let output = sts(base)
        .assume_role()
        .role_arn(role_arn(account))
        .role_session_name("rds-inventory")
        .send()
        .await
        .expect("AssumeRole succeeds");
    let credentials = output.credentials().expect("credentials present");
    AssumedKeys {
        access_key_id: credentials.access_key_id().to_string(),
        secret_access_key: credentials.secret_access_key().to_string(),
        session_token: credentials.session_token().to_string(),
    }
}

fn rds(base: &SdkConfig, keys: &AssumedKeys, region: &str) -> aws_sdk_rds::Client {
    let credentials = aws_sdk_rds::config::Credentials::new(
        &keys.access_key_id,
        &keys.secret_access_key,
        Some(keys.session_token.clone()),
        None,
        "assumed",
    );
    let config = aws_sdk_rds::config::Builder::from(base)
        .credentials_provider(credentials)
        .region(Region::new(region.to_string()))
        .build();
    aws_sdk_rds::Client::from_conf(config)
}

/// What the SDK parsed, in the fake's own terms, so it compares with `FakeConfig::inventory`.
fn as_fake_instance(account_id: &str, region: &str, db: &DbInstance) -> FakeInstance {
    let text = |value: Option<&str>| value.expect("field present").to_string();
    let subnet_group = db.db_subnet_group().expect("subnet group present");
    FakeInstance {
        account_id: account_id.to_string(),
        region: region.to_string(),
        identifier: text(db.db_instance_identifier()),
        arn: text(db.db_instance_arn()),
        resource_id: text(db.dbi_resource_id()),
        instance_class: text(db.db_instance_class()),
        engine: text(db.engine()),
        engine_version: text(db.engine_version()),
        status: text(db.db_instance_status()),
        endpoint_address: db.endpoint().and_then(|e| e.address()).map(String::from),
        endpoint_port: db.endpoint().and_then(|e| e.port()),
        allocated_storage: db.allocated_storage().expect("storage present"),
        storage_type: text(db.storage_type()),
        storage_encrypted: db.storage_encrypted().expect("encryption present"),
        multi_az: db.multi_az().expect("multi-AZ present"),
        availability_zone: db.availability_zone().map(String::from),
        publicly_accessible: db.publicly_accessible().expect("public flag present"),
        deletion_protection: db.deletion_protection().expect("protection present"),
        db_cluster_identifier: db.db_cluster_identifier().map(String::from),
        db_subnet_group_name: text(subnet_group.db_subnet_group_name()),
        vpc_id: text(subnet_group.vpc_id()),
        instance_create_time: db.instance_create_time().map(|time| {
            time.fmt(DateTimeFormat::DateTime)
                .expect("formattable time")
        }),
        tags: db
            .tag_list()
            .iter()
            .map(|tag| (text(tag.key()), text(tag.value())))
            .collect(),
    }
}

#[tokio::test]
async fn assume_role_issues_credentials_the_sdk_parses() {
    let fake = FakeAws::start(FakeConfig::with_accounts(2))
        .await
        .expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let account = fake.config().accounts[1].clone();

    let output = sts(&base)
        .assume_role()
        .role_arn(role_arn(&account))
        .role_session_name("rds-inventory")
        .send()
        .await
        .expect("AssumeRole succeeds");

    let credentials = output.credentials().expect("credentials present");
    let key = credentials.access_key_id();
    assert!(key.starts_with("ASIA") && key.len() == 20, "{key}");
    assert!(key[4..]
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    assert_eq!(credentials.secret_access_key().len(), 40);
    assert_eq!(credentials.session_token().len(), 200);
    let expires_in = credentials.expiration().secs()
        - SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs() as i64;
    assert!((3590..=3600).contains(&expires_in), "{expires_in}");
    let user = output
        .assumed_role_user()
        .expect("assumed role user present");
    assert_eq!(
        user.arn(),
        format!("arn:aws:sts::{account}:assumed-role/InventoryReader/rds-inventory")
    );
    assert!(user.assumed_role_id().starts_with("AROA"));
    assert!(user.assumed_role_id().ends_with(":rds-inventory"));

    let secrets = fake.issued_secrets();
    for secret in [
        key,
        credentials.secret_access_key(),
        credentials.session_token(),
    ] {
        assert!(secrets.iter().any(|issued| issued == secret));
    }
    let counters = fake.counters();
    assert_eq!(counters.assume_role_calls_for(&account), 1);
    assert_eq!(counters.assume_role_calls_total, 1);
    assert_eq!(counters.calls_of("AssumeRole"), 1);
}

#[tokio::test]
async fn describe_paginates_and_every_field_and_hostile_tag_round_trips() {
    let config_for = |seed| FakeConfig {
        seed,
        accounts: FakeConfig::account_ids(1),
        regions: vec![REGION.to_string()],
        instances_per_target: 250,
        ..FakeConfig::default()
    };
    let seed = (1..)
        .find(|&seed| config_for(seed).instance_count(0, 0) >= 250)
        .expect("some seed gives 250 instances");
    let config = config_for(seed);
    let expected = config.inventory();
    let hostile_values = expected
        .iter()
        .flat_map(|instance| &instance.tags)
        .filter(|(_, value)| value.contains('\n') && value.contains('"') && !value.is_ascii())
        .count();
    assert!(hostile_values > 0, "the data set must include hostile tags");
    let fake = FakeAws::start(config).await.expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let account = fake.config().accounts[0].clone();
    let keys = assume(&base, &account).await;

    let mut pages = rds(&base, &keys, REGION)
        .describe_db_instances()
        .max_records(100)
        .into_paginator()
        .send();
    let mut served = Vec::new();
    let mut page_count = 0;
    while let Some(page) = pages.next().await {
        let page = page.expect("page parses");
        page_count += 1;
        served.extend(
            page.db_instances()
                .iter()
                .map(|db| as_fake_instance(&account, REGION, db)),
        );
    }

    assert_eq!(served.len(), expected.len());
    for (served, expected) in served.iter().zip(&expected) {
        assert_eq!(served, expected);
    }
    assert_eq!(page_count, expected.len().div_ceil(100));
    let counters = fake.counters();
    assert_eq!(
        counters.describe_calls_for(&account, REGION),
        page_count as u64
    );
    assert_eq!(counters.calls_of("DescribeDBInstances"), page_count as u64);
}

#[tokio::test]
async fn assume_role_provider_from_aws_config_works_against_the_fake() {
    let fake = FakeAws::start(FakeConfig::with_accounts(1))
        .await
        .expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let account = fake.config().accounts[0].clone();
    let provider = aws_config::sts::AssumeRoleProvider::builder(role_arn(&account))
        .session_name("rds-inventory")
        .configure(&base)
        .build()
        .await;
    let config = aws_sdk_rds::config::Builder::from(&base)
        .credentials_provider(provider)
        .build();

    let output = aws_sdk_rds::Client::from_conf(config)
        .describe_db_instances()
        .send()
        .await
        .expect("describe with provider credentials succeeds");

    assert_eq!(
        output.db_instances().len(),
        fake.config().target_inventory(&account, REGION).len()
    );
    assert_eq!(fake.counters().assume_role_calls_for(&account), 1);
}

#[tokio::test]
async fn expired_credentials_get_expired_token_and_skew_inflates_expiration() {
    let lifetime = Duration::from_secs(1);
    let skew = Duration::from_secs(600);
    let config = FakeConfig {
        credential_lifetime: Some(lifetime),
        expiration_skew: skew,
        ..FakeConfig::with_accounts(1)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let account = fake.config().accounts[0].clone();
    let issued_at = SystemTime::now();
    let output = sts(&base)
        .assume_role()
        .role_arn(role_arn(&account))
        .role_session_name("short")
        .send()
        .await
        .expect("AssumeRole succeeds");
    let credentials = output.credentials().expect("credentials present");
    let issued_at_secs = issued_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    let reported_lifetime = credentials.expiration().secs() - issued_at_secs;
    assert!(
        (600..=602).contains(&reported_lifetime),
        "{reported_lifetime}"
    );
    let keys = AssumedKeys {
        access_key_id: credentials.access_key_id().to_string(),
        secret_access_key: credentials.secret_access_key().to_string(),
        session_token: credentials.session_token().to_string(),
    };
    let client = rds(&base, &keys, REGION);
    client
        .describe_db_instances()
        .send()
        .await
        .expect("fresh credentials work");

    // Waiting for the wall clock to pass the enforced expiry, not for the server.
    tokio::time::sleep(lifetime + Duration::from_millis(200)).await;
    let error = client
        .describe_db_instances()
        .send()
        .await
        .expect_err("expired credentials are refused");

    assert_eq!(error.code(), Some("ExpiredToken"));
    assert_eq!(
        error.message(),
        Some("The security token included in the request is expired")
    );
    assert_eq!(fake.counters().expired_key_calls, 1);
}

#[tokio::test]
async fn denied_and_unknown_accounts_get_access_denied() {
    let mut config = FakeConfig::with_accounts(2);
    let denied = config.accounts[1].clone();
    config.denied_accounts.insert(denied.clone());
    let fake = FakeAws::start(config).await.expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;

    for account in [denied.as_str(), "999999999999"] {
        let error = sts(&base)
            .assume_role()
            .role_arn(role_arn(account))
            .role_session_name("rds-inventory")
            .send()
            .await
            .expect_err("AssumeRole is denied");
        assert_eq!(error.code(), Some("AccessDenied"));
        let message = error.message().expect("message present");
        assert!(message.contains("is not authorized to perform: sts:AssumeRole on resource: "));
        assert!(message.ends_with(&role_arn(account)), "{message}");
    }
    let counters = fake.counters();
    assert_eq!(counters.assume_role_denied, 2);
    assert_eq!(counters.assume_role_calls_total, 2);
    assert_eq!(counters.assume_role_calls_for(&denied), 1);
}

#[tokio::test]
async fn disabled_region_and_base_keys_get_invalid_client_token_id() {
    let mut config = FakeConfig::with_accounts(1);
    let account = config.accounts[0].clone();
    config
        .disabled_regions
        .insert(FakeConfig::target(&account, "eu-west-1"));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let keys = assume(&base, &account).await;
    let base_keys = AssumedKeys {
        access_key_id: "AKIDBASE".to_string(),
        secret_access_key: "x".to_string(),
        session_token: "not-issued".to_string(),
    };

    for (keys, region) in [
        (&keys, "eu-west-1"),
        (&keys, "ap-south-1"),
        (&base_keys, REGION),
    ] {
        let error = rds(&base, keys, region)
            .describe_db_instances()
            .send()
            .await
            .expect_err("refused");
        assert_eq!(error.code(), Some("InvalidClientTokenId"), "{region}");
        assert_eq!(
            error.message(),
            Some("The security token included in the request is invalid.")
        );
    }
    rds(&base, &keys, REGION)
        .describe_db_instances()
        .send()
        .await
        .expect("an enabled region still works");
}

#[tokio::test]
async fn max_records_outside_20_to_100_is_refused() {
    let fake = FakeAws::start(FakeConfig::with_accounts(1))
        .await
        .expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let account = fake.config().accounts[0].clone();
    let keys = assume(&base, &account).await;

    let error = rds(&base, &keys, REGION)
        .describe_db_instances()
        .max_records(10)
        .send()
        .await
        .expect_err("MaxRecords=10 is refused");

    assert_eq!(error.code(), Some("InvalidParameterValue"));
    assert_eq!(
        error.message(),
        Some("Invalid value 10 for MaxRecords. Must be between 20 and 100")
    );
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(400));
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk_and_counted() {
    let config = FakeConfig {
        throttle_rate: 1.0,
        ..FakeConfig::with_accounts(1)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let retry = RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5));
    let base = base_config(&fake, retry).await;
    let account = fake.config().accounts[0].clone();

    let error = sts(&base)
        .assume_role()
        .role_arn(role_arn(&account))
        .role_session_name("rds-inventory")
        .send()
        .await
        .expect_err("always throttled");

    assert_eq!(error.code(), Some("Throttling"));
    assert_eq!(error.message(), Some("Rate exceeded"));
    let counters = fake.counters();
    assert_eq!(counters.faults.throttled, 3);
    assert_eq!(counters.calls_of("AssumeRole"), 3);
    assert_eq!(counters.requests_total, 3);
}

#[tokio::test]
async fn unavailable_is_a_503_the_sdk_sees() {
    let config = FakeConfig {
        unavailable_rate: 1.0,
        ..FakeConfig::with_accounts(1)
    };
    let fake = FakeAws::start(config).await.expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let account = fake.config().accounts[0].clone();

    let error = sts(&base)
        .assume_role()
        .role_arn(role_arn(&account))
        .role_session_name("rds-inventory")
        .send()
        .await
        .expect_err("always unavailable");

    assert_eq!(error.code(), Some("ServiceUnavailable"));
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(503));
    assert_eq!(fake.counters().faults.unavailable, 1);
}

#[tokio::test]
async fn malformed_target_answers_xml_the_sdk_cannot_parse_full_or_empty() {
    for instances_per_target in [10, 0] {
        let mut config = FakeConfig {
            instances_per_target,
            ..FakeConfig::with_accounts(1)
        };
        let account = config.accounts[0].clone();
        config
            .malformed_targets
            .insert(FakeConfig::target(&account, REGION));
        let fake = FakeAws::start(config).await.expect("fake starts");
        let base = base_config(&fake, RetryConfig::disabled()).await;
        let keys = assume(&base, &account).await;

        let error = rds(&base, &keys, REGION)
            .describe_db_instances()
            .send()
            .await
            .expect_err("truncated XML does not parse");

        assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(200));
        assert_eq!(fake.counters().faults.malformed, 1);
    }
}

#[tokio::test]
async fn hang_target_never_answers_and_is_released_when_the_client_gives_up() {
    let mut config = FakeConfig::with_accounts(1);
    let account = config.accounts[0].clone();
    config
        .hang_targets
        .insert(FakeConfig::target(&account, REGION));
    let fake = FakeAws::start(config).await.expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let keys = assume(&base, &account).await;
    let timeouts = TimeoutConfig::builder()
        .operation_attempt_timeout(Duration::from_millis(300))
        .build();
    let client = aws_sdk_rds::Client::from_conf(
        rds(&base, &keys, REGION)
            .config()
            .to_builder()
            .timeout_config(timeouts)
            .build(),
    );

    let error = client
        .describe_db_instances()
        .send()
        .await
        .expect_err("a hung call times out");

    assert!(
        matches!(error, aws_sdk_rds::error::SdkError::TimeoutError(_)),
        "{error:?}"
    );
    let counters = fake.counters();
    assert_eq!(counters.faults.hung, 1);
    assert!(counters.peak_in_flight >= 1);
    // The client closed its socket; hyper notices and drops the held request.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while fake.counters().in_flight > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "hung request never released"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn account(base: &SdkConfig, keys: &AssumedKeys) -> aws_sdk_account::Client {
    let credentials = aws_sdk_account::config::Credentials::new(
        &keys.access_key_id,
        &keys.secret_access_key,
        Some(keys.session_token.clone()),
        None,
        "assumed",
    );
    let config = aws_sdk_account::config::Builder::from(base)
        .credentials_provider(credentials)
        .build();
    aws_sdk_account::Client::from_conf(config)
}

#[tokio::test]
async fn list_regions_reports_opt_status_pages_and_denial_through_the_sdk() {
    let mut config = FakeConfig::with_accounts(2);
    config.regions = vec!["us-east-1".into(), "eu-south-1".into(), "eu-west-1".into()];
    let (open, denied) = (config.accounts[0].clone(), config.accounts[1].clone());
    config
        .disabled_regions
        .insert(FakeConfig::target(&open, "eu-west-1"));
    config.list_regions_denied.insert(denied.clone());
    let fake = FakeAws::start(config).await.expect("fake starts");
    let base = base_config(&fake, RetryConfig::disabled()).await;
    let open_keys = assume(&base, &open).await;

    let every_region: Vec<(String, RegionOptStatus)> = account(&base, &open_keys)
        .list_regions()
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListRegions pages parse")
        .iter()
        .map(|region| {
            (
                region.region_name().expect("name present").to_string(),
                region.region_opt_status().expect("status present").clone(),
            )
        })
        .collect();
    let enabled = account(&base, &open_keys)
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .send()
        .await
        .expect("filtered ListRegions parses");

    let expected = [
        ("af-south-1", RegionOptStatus::Disabled),
        ("eu-south-1", RegionOptStatus::Enabled),
        ("eu-west-1", RegionOptStatus::Disabled),
        ("me-south-1", RegionOptStatus::Disabled),
        ("us-east-1", RegionOptStatus::EnabledByDefault),
    ];
    let expected: Vec<(String, RegionOptStatus)> = expected
        .into_iter()
        .map(|(name, status)| (name.to_string(), status))
        .collect();
    assert_eq!(every_region, expected);
    let enabled_names: Vec<&str> = enabled
        .regions()
        .iter()
        .filter_map(|region| region.region_name())
        .collect();
    assert_eq!(enabled_names, ["eu-south-1", "us-east-1"]);
    assert_eq!(enabled.next_token(), None);

    let denied_keys = assume(&base, &denied).await;
    let error = account(&base, &denied_keys)
        .list_regions()
        .send()
        .await
        .expect_err("ListRegions is denied");
    assert_eq!(error.code(), Some("AccessDeniedException"));
    assert!(error
        .as_service_error()
        .is_some_and(|e| e.is_access_denied_exception()));
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(403));
    let counters = fake.counters();
    assert_eq!(counters.list_regions_calls.get(&open), Some(&4));
    assert_eq!(counters.list_regions_calls.get(&denied), Some(&1));
}
