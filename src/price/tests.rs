//! The lookup service against fake-aws's GetProducts: the scenarios priced component
//! by component, and the Price List calls it makes.

use std::collections::BTreeSet;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_pricing::config::Credentials;
use fake_aws::{FakeAws, FakeConfig};
use futures::future::join_all;

use super::compute::InstancePrice;
use super::plan::{
    plan, ClusterMembership, EngineSupport, InstanceFacts, Lookup, PricePlan, StorageVolume,
};
use super::select::PriceQuery;
use super::service::PriceService;

/// The run's start: 2026-06-01T00:00:00Z.
const NOW: i64 = 1_780_272_000;

/// The base identity's config as the tool loads it with `--endpoint-url` (no retries, so a
/// throttled answer is one failure).
async fn base_config(endpoint_url: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::from_static("eu-west-1"))
        .credentials_provider(Credentials::new(
            "AKIDBASE",
            "base-secret",
            None,
            None,
            "base",
        ))
        .retry_config(RetryConfig::disabled());
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

async fn service(fake: &FakeAws) -> PriceService {
    PriceService::new(&base_config(Some(&fake.endpoint_url())).await, None)
}

async fn start(config: FakeConfig) -> FakeAws {
    FakeAws::start(config).await.expect("fake AWS starts")
}

/// The price of one instance from a fresh default fake.
async fn priced(facts: &InstanceFacts) -> InstancePrice {
    let fake = start(FakeConfig::default()).await;
    service(&fake).await.price(facts, NOW).await
}

/// A postgres db.m5.large, Single-AZ, gp3 at its baseline: the base of every scenario.
pub(super) fn postgres_gp3() -> InstanceFacts {
    InstanceFacts {
        region: "us-east-1".into(),
        class: "db.m5.large".into(),
        engine: "postgres".into(),
        engine_version: "16.3".into(),
        license_model: Some("postgresql-license".into()),
        storage_type: Some("gp3".into()),
        allocated_gib: 100,
        iops: Some(3000),
        throughput_mibps: Some(125),
        status: "available".into(),
        ..InstanceFacts::default()
    }
}

fn mysql_multi_az_gp3() -> InstanceFacts {
    InstanceFacts {
        class: "db.r5.large".into(),
        engine: "mysql".into(),
        engine_version: "8.0.39".into(),
        license_model: Some("general-public-license".into()),
        multi_az: true,
        iops: Some(5000),
        throughput_mibps: Some(250),
        ..postgres_gp3()
    }
}

fn oracle_se2_license_included() -> InstanceFacts {
    InstanceFacts {
        engine: "oracle-se2".into(),
        engine_version: "19.0.0.0.ru-2024-04.rur-2024-04.r1".into(),
        license_model: Some("license-included".into()),
        allocated_gib: 200,
        iops: Some(12_000),
        throughput_mibps: Some(500),
        ..postgres_gp3()
    }
}

fn oracle_ee_byol() -> InstanceFacts {
    InstanceFacts {
        class: "db.r5.large".into(),
        engine: "oracle-ee".into(),
        engine_version: "19.0.0.0.ru-2024-04.rur-2024-04.r1".into(),
        license_model: Some("bring-your-own-license".into()),
        storage_type: Some("io1".into()),
        allocated_gib: 200,
        iops: Some(3000),
        throughput_mibps: None,
        ..postgres_gp3()
    }
}

fn sqlserver_se() -> InstanceFacts {
    InstanceFacts {
        class: "db.m5.xlarge".into(),
        engine: "sqlserver-se".into(),
        engine_version: "15.00.4365.2.v1".into(),
        license_model: Some("license-included".into()),
        storage_type: Some("gp2".into()),
        iops: None,
        throughput_mibps: None,
        ..postgres_gp3()
    }
}

fn aurora_postgresql(storage: &str) -> InstanceFacts {
    InstanceFacts {
        class: "db.r6g.large".into(),
        engine: "aurora-postgresql".into(),
        engine_version: "16.1".into(),
        cluster: ClusterMembership::Aurora,
        storage_type: Some(storage.into()),
        allocated_gib: 1,
        iops: None,
        throughput_mibps: None,
        ..postgres_gp3()
    }
}

fn postgres_11_in_extended_support() -> InstanceFacts {
    InstanceFacts {
        engine_version: "11.22".into(),
        support: Some(EngineSupport {
            major_version: "11".into(),
            // Standard support ended 30 days before the run: year 1.
            standard_end: Some(NOW - 30 * 86_400),
            enrolled: true,
        }),
        ..postgres_gp3()
    }
}

/// The instance hours and storage of [`oracle_se2_license_included`].
fn oracle_se2_lines() -> Vec<Line> {
    vec![
        line(
            "instance hours",
            "Hrs",
            0.544,
            730.0,
            397.12,
            "ORSE2LI000000001",
        ),
        line("storage", "GB-Mo", 0.115, 200.0, 23.0, "GP3SAZOR00000001"),
    ]
}

/// (component, unit, price per unit, quantity, monthly, SKU) of every component.
type Line = (
    &'static str,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<String>,
);

fn lines(price: &InstancePrice) -> Vec<Line> {
    price
        .price_components
        .iter()
        .map(|c| {
            (
                c.component,
                c.unit.clone(),
                c.price_per_unit,
                c.quantity,
                c.monthly,
                c.sku.clone(),
            )
        })
        .collect()
}

fn line(
    component: &'static str,
    unit: &str,
    price: f64,
    quantity: f64,
    monthly: f64,
    sku: &str,
) -> Line {
    (
        component,
        Some(unit.into()),
        Some(price),
        Some(quantity),
        Some(monthly),
        Some(sku.into()),
    )
}

fn assert_priced(price: &InstancePrice, hourly: f64, monthly: f64, expected: &[Line]) {
    assert_eq!(price.price_missing, None, "{price:#?}");
    assert_eq!(price.price_currency.as_deref(), Some("USD"));
    assert_eq!(price.price_hourly, Some(hourly));
    assert_eq!(lines(price), expected);
    assert_eq!(price.price_monthly, Some(monthly));
}

#[tokio::test]
async fn postgres_single_az_gp3_below_the_iops_baseline() {
    let price = priced(&postgres_gp3()).await;
    assert_priced(
        &price,
        0.178,
        141.44,
        &[
            line(
                "instance hours",
                "Hrs",
                0.178,
                730.0,
                129.94,
                "PGM5LSAZ00000001",
            ),
            line("storage", "GB-Mo", 0.115, 100.0, 11.5, "GP3SAZPG00000001"),
        ],
    );
    let usage: Vec<_> = price
        .price_components
        .iter()
        .map(|c| c.usage_type.as_deref())
        .collect();
    assert_eq!(
        usage,
        [Some("InstanceUsage:db.m5.large"), Some("RDS:GP3-Storage")]
    );
}

#[tokio::test]
async fn mysql_multi_az_gp3_above_the_baseline() {
    let price = priced(&mysql_multi_az_gp3()).await;
    assert_priced(
        &price,
        0.48,
        473.4,
        &[
            line(
                "instance hours",
                "Hrs",
                0.48,
                730.0,
                350.4,
                "MYR5LMAZ00000001",
            ),
            line("storage", "GB-Mo", 0.23, 100.0, 23.0, "GP3MAZMY00000001"),
            line(
                "provisioned IOPS",
                "IOPS-Mo",
                0.04,
                2000.0,
                80.0,
                "PIOPSGP3MAZ00001",
            ),
            line(
                "provisioned throughput",
                "MBPS-Mo",
                0.16,
                125.0,
                20.0,
                "THRGP3MAZ0000001",
            ),
        ],
    );
}

#[tokio::test]
async fn oracle_se2_license_included_not_its_byol_twin() {
    let fake = start(FakeConfig::default()).await;
    let price = service(&fake)
        .await
        .price(&oracle_se2_license_included(), NOW)
        .await;
    // 200 GiB reaches Oracle's 12,000 IOPS / 500 MiB/s baseline: no IOPS or throughput.
    assert_priced(&price, 0.544, 420.12, &oracle_se2_lines());
}

#[tokio::test]
async fn oracle_ee_byol_not_its_custom_twin() {
    let price = priced(&oracle_ee_byol()).await;
    assert_priced(
        &price,
        0.25,
        507.5,
        &[
            line(
                "instance hours",
                "Hrs",
                0.25,
                730.0,
                182.5,
                "OREEBYOL00000001",
            ),
            line("storage", "GB-Mo", 0.125, 200.0, 25.0, "IO1SAZOR00000001"),
            line(
                "provisioned IOPS",
                "IOPS-Mo",
                0.1,
                3000.0,
                300.0,
                "PIOPSIO1SAZ00001",
            ),
        ],
    );
}

#[tokio::test]
async fn sqlserver_se_license_included() {
    let price = priced(&sqlserver_se()).await;
    assert_priced(
        &price,
        1.02,
        756.1,
        &[
            line(
                "instance hours",
                "Hrs",
                1.02,
                730.0,
                744.6,
                "SQLSEM5XL0000001",
            ),
            line("storage", "GB-Mo", 0.115, 100.0, 11.5, "GP2SAZSQL0000001"),
        ],
    );
}

#[tokio::test]
async fn aurora_postgresql_prices_the_instance_only() {
    let fake = start(FakeConfig::default()).await;
    let prices = service(&fake).await;
    let standard = prices.price(&aurora_postgresql("aurora"), NOW).await;
    assert_eq!(standard.price_missing, None);
    assert_eq!(standard.price_hourly, Some(0.26));
    assert_eq!(standard.price_monthly, Some(189.8));
    assert_eq!(standard.price_components.len(), 2);
    assert_eq!(
        lines(&standard)[0],
        line(
            "instance hours",
            "Hrs",
            0.26,
            730.0,
            189.8,
            "AUPGR6GL00000001"
        )
    );
    let storage = &standard.price_components[1];
    assert_eq!((storage.component, storage.monthly), ("usage-based", None));
    assert!(storage
        .note
        .as_deref()
        .is_some_and(|n| n.starts_with("Aurora cluster storage and I/O")));
    let io_optimized = prices.price(&aurora_postgresql("aurora-iopt1"), NOW).await;
    assert_eq!(io_optimized.price_hourly, Some(0.338));
    assert_eq!(
        io_optimized.price_components[0].sku.as_deref(),
        Some("AUPGR6GLIO000001")
    );
}

#[tokio::test]
async fn a_major_version_in_extended_support_year_1() {
    let fake = start(FakeConfig::default()).await;
    let price = service(&fake)
        .await
        .price(&postgres_11_in_extended_support(), NOW)
        .await;
    // 2 vCPUs (the instance SKU's vcpu) × 730 h × 0.10, the year 1-2 rate (not year 3's).
    assert_priced(
        &price,
        0.178,
        287.44,
        &[
            line(
                "instance hours",
                "Hrs",
                0.178,
                730.0,
                129.94,
                "PGM5LSAZ00000001",
            ),
            line("storage", "GB-Mo", 0.115, 100.0, 11.5, "GP3SAZPG00000001"),
            line(
                "extended support",
                "vCPU-hour",
                0.1,
                1460.0,
                146.0,
                "ESPG11Y12000001",
            ),
        ],
    );
}

#[tokio::test]
async fn serverless_is_missing_as_acu_based_without_a_call() {
    let fake = start(FakeConfig::default()).await;
    let facts = InstanceFacts {
        class: "db.serverless".into(),
        ..aurora_postgresql("aurora")
    };
    let price = service(&fake).await.price(&facts, NOW).await;
    assert_eq!(
        price.price_missing.as_deref(),
        Some("db.serverless: Aurora Serverless v2 is billed per ACU-hour")
    );
    assert_eq!((price.price_hourly, price.price_monthly), (None, None));
    assert_eq!(fake.counters().calls_of("GetProducts"), 0);
}

#[tokio::test]
async fn a_stopped_instance_bills_storage_only() {
    let fake = start(FakeConfig::default()).await;
    let facts = InstanceFacts {
        status: "stopped".into(),
        ..postgres_gp3()
    };
    let price = service(&fake).await.price(&facts, NOW).await;
    assert_eq!(price.price_missing, None);
    assert_eq!(price.price_hourly, Some(0.0));
    assert_eq!(price.price_monthly, Some(11.5));
    let instance = &price.price_components[0];
    assert_eq!(
        (instance.component, instance.quantity, instance.monthly),
        ("instance hours", Some(0.0), Some(0.0))
    );
    assert_eq!(
        instance.note.as_deref(),
        Some("stopped: instance hours are not billed")
    );
    assert_eq!(
        lines(&price)[1],
        line("storage", "GB-Mo", 0.115, 100.0, 11.5, "GP3SAZPG00000001")
    );
}

fn volume(name: &str, storage_type: &str, gib: i64, iops: i64, mibps: i64) -> StorageVolume {
    StorageVolume {
        name: name.into(),
        storage_type: Some(storage_type.into()),
        allocated_gib: gib,
        iops: Some(iops),
        throughput_mibps: Some(mibps),
    }
}

/// 300 GiB of Single-AZ gp3 as an Oracle instance's additional volume.
fn additional_storage_300_gib() -> Line {
    line(
        "additional storage",
        "GB-Mo",
        0.115,
        300.0,
        34.5,
        "GP3SAZOR00000001",
    )
}

#[tokio::test]
async fn additional_storage_volumes_are_priced_each_with_its_own_gp3_baseline() {
    let facts = InstanceFacts {
        additional_volumes: vec![
            // 300 GiB reaches Oracle's 12,000 / 500 baseline: 3,000 IOPS and 100 MiB/s above.
            volume("rdsdbdata2", "GP3", 300, 15_000, 600),
            // 100 GiB has the 3,000 / 125 baseline, not the primary volume's 12,000 / 500.
            volume("rdsdbdata3", "GP3", 100, 12_000, 500),
        ],
        ..oracle_se2_license_included()
    };
    let price = priced(&facts).await;
    assert_priced(
        &price,
        0.544,
        744.12,
        &[
            oracle_se2_lines(),
            vec![
                additional_storage_300_gib(),
                line(
                    "additional provisioned IOPS",
                    "IOPS-Mo",
                    0.02,
                    3000.0,
                    60.0,
                    "PIOPSGP3SAZ00001",
                ),
                line(
                    "additional provisioned throughput",
                    "MBPS-Mo",
                    0.08,
                    100.0,
                    8.0,
                    "THRGP3SAZ0000001",
                ),
                line(
                    "additional storage",
                    "GB-Mo",
                    0.115,
                    100.0,
                    11.5,
                    "GP3SAZOR00000001",
                ),
                line(
                    "additional provisioned IOPS",
                    "IOPS-Mo",
                    0.02,
                    9000.0,
                    180.0,
                    "PIOPSGP3SAZ00001",
                ),
                line(
                    "additional provisioned throughput",
                    "MBPS-Mo",
                    0.08,
                    375.0,
                    30.0,
                    "THRGP3SAZ0000001",
                ),
            ],
        ]
        .concat(),
    );
    let notes: Vec<_> = price
        .price_components
        .iter()
        .map(|c| c.note.as_deref())
        .collect();
    assert_eq!(
        notes,
        [
            None,
            None,
            Some("volume rdsdbdata2"),
            Some("volume rdsdbdata2"),
            Some("volume rdsdbdata2"),
            Some("volume rdsdbdata3"),
            Some("volume rdsdbdata3"),
            Some("volume rdsdbdata3"),
        ]
    );
}

#[tokio::test]
async fn a_stopped_instance_still_bills_its_additional_volumes() {
    let facts = InstanceFacts {
        status: "stopped".into(),
        additional_volumes: vec![volume("rdsdbdata2", "GP3", 300, 12_000, 500)],
        ..oracle_se2_license_included()
    };
    let price = priced(&facts).await;
    assert_eq!(price.price_missing, None, "{price:#?}");
    assert_eq!(price.price_hourly, Some(0.0));
    assert_eq!(price.price_monthly, Some(23.0 + 34.5));
    assert_eq!(lines(&price)[2], additional_storage_300_gib());
}

#[tokio::test]
async fn an_additional_volume_without_a_price_nulls_the_monthly_figure() {
    // The fake's catalog has no io2 SKU: the figure must not be silently short.
    let facts = InstanceFacts {
        additional_volumes: vec![volume("rdsdbdata2", "IO2", 300, 5000, 0)],
        ..oracle_se2_license_included()
    };
    let price = priced(&facts).await;
    assert_eq!(price.price_monthly, None, "{price:#?}");
    assert_eq!(price.price_hourly, Some(0.544));
    assert_eq!(
        price.price_missing.as_deref(),
        Some(
            "additional storage (rdsdbdata2): no matching SKU; \
             additional provisioned IOPS (rdsdbdata2): no matching SKU"
        )
    );
    let storage = &price.price_components[2];
    assert_eq!(
        (storage.component, storage.note.as_deref()),
        (
            "additional storage",
            Some("additional storage (rdsdbdata2): no matching SKU")
        )
    );
}

#[tokio::test]
async fn an_additional_volume_of_unknown_storage_type_is_missing() {
    let mut unknown = volume("rdsdbdata2", "GP3", 300, 3000, 125);
    unknown.storage_type = None;
    let facts = InstanceFacts {
        additional_volumes: vec![unknown, volume("rdsdbdata3", "st1", 300, 3000, 125)],
        ..oracle_se2_license_included()
    };
    let price = priced(&facts).await;
    assert_eq!(price.price_monthly, None, "{price:#?}");
    assert_eq!(
        price.price_missing.as_deref(),
        Some(
            "additional storage (rdsdbdata2): storage type unknown; \
             additional storage (rdsdbdata3): storage type st1 is not in the price mapping"
        )
    );
}

#[tokio::test]
async fn the_price_list_denied_is_one_warning_and_null_prices() {
    let fake = start(FakeConfig {
        price_list_denied: true,
        ..FakeConfig::default()
    })
    .await;
    let prices = service(&fake).await;
    let first = prices.price(&postgres_gp3(), NOW).await;
    assert_eq!(
        first,
        InstancePrice::missing("price list denied (pricing:GetProducts)")
    );
    let calls = fake.counters().calls_of("GetProducts");
    assert!(
        (1..=2).contains(&calls),
        "the instance's two keys at most: {calls}"
    );
    let second = prices.price(&mysql_multi_az_gp3(), NOW).await;
    assert_eq!(second.price_missing, first.price_missing);
    assert_eq!(
        fake.counters().calls_of("GetProducts"),
        calls,
        "no call after a denial"
    );
    assert!(prices.take_denied_warning().is_some());
    assert_eq!(prices.take_denied_warning(), None, "one warning per run");
}

fn all_scenarios() -> Vec<InstanceFacts> {
    vec![
        postgres_gp3(),
        mysql_multi_az_gp3(),
        oracle_se2_license_included(),
        oracle_ee_byol(),
        sqlserver_se(),
        aurora_postgresql("aurora"),
        aurora_postgresql("aurora-iopt1"),
        postgres_11_in_extended_support(),
    ]
}

fn distinct_keys(facts: &[InstanceFacts]) -> BTreeSet<PriceQuery> {
    facts
        .iter()
        .flat_map(|facts| match plan(facts, NOW) {
            PricePlan::Components(components) => components,
            PricePlan::Unpriced(_) => Vec::new(),
        })
        .filter_map(|component| match component.lookup {
            Lookup::Price { query, .. } => Some(query),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn price_list_listings_equal_the_distinct_keys_across_accounts() {
    let fake = start(FakeConfig::default()).await;
    let prices = service(&fake).await;
    let scenarios = all_scenarios();
    // Fifty accounts' worth of the same instances, all at once.
    let asks = (0..50)
        .flat_map(|_| scenarios.iter())
        .map(|facts| prices.price(facts, NOW));
    let priced = join_all(asks).await;
    assert!(priced.iter().all(|p| p.price_missing.is_none()));
    let keys = distinct_keys(&scenarios);
    let counters = fake.counters();
    assert_eq!(counters.price_list_listings_total(), keys.len() as u64);
    assert!(
        counters.price_list_listings.values().all(|&n| n == 1),
        "{counters:#?}"
    );
    assert_eq!(
        counters.price_list_regions.keys().collect::<Vec<_>>(),
        ["us-east-1"]
    );
}

/// fake-aws's `price_list_any` (the price list of the organization-scale benchmark) prices
/// every scenario in any region: its made-up documents pass selection component by component.
#[tokio::test]
async fn the_fakes_any_query_price_list_prices_every_scenario_in_any_region() {
    let fake = start(FakeConfig {
        price_list_any: true,
        ..FakeConfig::default()
    })
    .await;
    let prices = service(&fake).await;
    for region in ["eu-central-1", "ap-northeast-3"] {
        for mut facts in all_scenarios() {
            facts.region = region.into();
            let price = prices.price(&facts, NOW).await;
            assert_eq!(price.price_missing, None, "{facts:?}");
            assert!(price.price_monthly.is_some_and(|m| m > 0.0), "{facts:?}");
            let skus = price
                .price_components
                .iter()
                .filter_map(|c| c.sku.as_deref());
            assert!(skus.clone().count() > 0 && skus.clone().all(|s| s.starts_with("ANY")));
        }
    }
    let mut iopt = aurora_postgresql("aurora-iopt1");
    iopt.region = "eu-central-1".into();
    let price = prices.price(&iopt, NOW).await;
    assert_eq!(
        price.price_components[0].usage_type.as_deref(),
        Some("InstanceUsageIOOptimized:db.r6g.large")
    );
}

#[tokio::test]
async fn concurrent_asks_share_one_call() {
    let fake = start(FakeConfig {
        latency: std::time::Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await;
    let prices = service(&fake).await;
    let facts = aurora_postgresql("aurora");
    let priced = join_all((0..20).map(|_| prices.price(&facts, NOW))).await;
    assert!(priced.iter().all(|p| p.price_hourly == Some(0.26)));
    let counters = fake.counters();
    assert_eq!(counters.price_list_listings_total(), 1);
    assert_eq!(
        counters.calls_of("GetProducts"),
        1,
        "the instance key is one page"
    );
}

#[tokio::test]
async fn a_failure_is_the_answer_for_the_run() {
    let fake = start(FakeConfig {
        price_list_throttled_calls: 1,
        ..FakeConfig::default()
    })
    .await;
    let prices = service(&fake).await;
    let facts = aurora_postgresql("aurora");
    let failed = prices.price(&facts, NOW).await;
    let missing = failed
        .price_missing
        .expect("the throttled lookup has no price");
    assert!(
        missing.starts_with("instance hours: price list lookup failed: GetProducts for "),
        "{missing}"
    );
    assert!(missing.contains("ThrottlingException"), "{missing}");
    assert_eq!(failed.price_monthly, None);
    let again = prices.price(&facts, NOW).await;
    assert_eq!(again.price_hourly, None, "not asked again in this run");
    assert_eq!(again.price_missing.as_deref(), Some(missing.as_str()));
    assert_eq!(fake.counters().price_list_listings_total(), 1);
    assert_eq!(
        prices.take_denied_warning(),
        None,
        "throttling is not a denial"
    );
    let warning = prices.take_failed_warning().expect("one warning");
    assert!(warning.contains("ThrottlingException"), "{warning}");
    assert_eq!(prices.take_failed_warning(), None, "once per run");
}

#[tokio::test]
async fn china_is_priced_in_cny_from_cn_northwest_1() {
    let fake = start(FakeConfig::default()).await;
    let facts = InstanceFacts {
        region: "cn-north-1".into(),
        ..postgres_gp3()
    };
    let price = service(&fake).await.price(&facts, NOW).await;
    assert_eq!(price.price_missing, None, "{price:#?}");
    assert_eq!(price.price_currency.as_deref(), Some("CNY"));
    assert_eq!(price.price_monthly, Some(1294.5), "1.65 × 730 + 0.9 × 100");
    assert_eq!(
        fake.counters()
            .price_list_regions
            .keys()
            .collect::<Vec<_>>(),
        ["cn-northwest-1"]
    );
}

#[tokio::test]
async fn an_explicit_endpoint_url_is_used() {
    let fake = start(FakeConfig::default()).await;
    // A base config without an endpoint would call AWS; the explicit one wins.
    let prices = PriceService::new(&base_config(None).await, Some(&fake.endpoint_url()));
    let price = prices.price(&aurora_postgresql("aurora"), NOW).await;
    assert_eq!(price.price_hourly, Some(0.26));
    assert_eq!(fake.counters().calls_of("GetProducts"), 1);
}

/// `AWS_ENDPOINT_URL_PRICING`, the SDK's per-service variable, read through aws-config as the
/// tool loads it. The variable is process-wide, so the test runs itself in a child process.
#[test]
fn aws_endpoint_url_pricing_is_honoured() {
    const CHILD: &str = "RDS_INVENTORY_PRICE_ENDPOINT_CHILD";
    const NAME: &str = "price::tests::aws_endpoint_url_pricing_is_honoured";
    if std::env::var_os(CHILD).is_none() {
        let exe = std::env::current_exe().expect("the test binary's path");
        let output = std::process::Command::new(exe)
            .args(["--exact", NAME, "--test-threads=1"])
            .env(CHILD, "1")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_PRICING")
            .env_remove("AWS_PROFILE")
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "child: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let fake = start(FakeConfig::default()).await;
        // Only this child process runs, on this thread: nothing reads the environment now.
        std::env::set_var("AWS_ENDPOINT_URL_PRICING", fake.endpoint_url());
        // The general variable points nowhere: the per-service one must win.
        std::env::set_var("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        let prices = PriceService::new(&base_config(None).await, None);
        let price = prices.price(&aurora_postgresql("aurora"), NOW).await;
        assert_eq!(price.price_hourly, Some(0.26), "{price:#?}");
        assert_eq!(fake.counters().calls_of("GetProducts"), 1);
    });
}
