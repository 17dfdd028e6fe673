//! Price List GetProducts through the real AWS SDK for Rust: documents in the real shape,
//! TERM_MATCH filtering, paging by NextToken, denial, throttling and the per-key counters.

use crate::common;

use aws_config::retry::RetryConfig;
use aws_sdk_pricing::error::ProvideErrorMetadata;
use aws_sdk_pricing::types::{Filter, FilterType};
use common::base_config;
use fake_aws::{FakeAws, FakeConfig};
use serde_json::Value;

async fn pricing(fake: &FakeAws, region: &str) -> aws_sdk_pricing::Client {
    aws_sdk_pricing::Client::new(&base_config(fake, region, RetryConfig::disabled()).await)
}

fn term(field: &str, value: &str) -> Filter {
    Filter::builder()
        .r#type(FilterType::TermMatch)
        .field(field)
        .value(value)
        .build()
        .expect("complete filter")
}

fn postgres_m5_large() -> Vec<Filter> {
    vec![
        term("regionCode", "us-east-1"),
        term("productFamily", "Database Instance"),
        term("instanceType", "db.m5.large"),
        term("databaseEngine", "PostgreSQL"),
        term("deploymentOption", "Single-AZ"),
    ]
}

/// Every document of every page, parsed.
async fn list(client: &aws_sdk_pricing::Client, filters: Vec<Filter>) -> Vec<Value> {
    let pages: Vec<_> = client
        .get_products()
        .service_code("AmazonRDS")
        .format_version("aws_v1")
        .set_filters(Some(filters))
        .into_paginator()
        .page_size(100)
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("GetProducts succeeds");
    pages
        .iter()
        .flat_map(|page| page.price_list())
        .map(|item| serde_json::from_str(item).expect("each item is a JSON document"))
        .collect()
}

fn skus(documents: &[Value]) -> Vec<&str> {
    documents
        .iter()
        .map(|d| {
            d.pointer("/product/sku")
                .and_then(Value::as_str)
                .expect("sku")
        })
        .collect()
}

#[tokio::test]
async fn documents_have_the_real_shape_and_decoys_come_along() {
    let fake = FakeAws::start(FakeConfig::default()).await.expect("starts");
    let client = pricing(&fake, "us-east-1").await;
    let documents = list(&client, postgres_m5_large()).await;
    // The regular SKU, its RDS Custom and Outposts twins: a filter on the attributes alone
    // cannot tell them apart.
    assert_eq!(
        skus(&documents),
        ["PGM5LSAZ00000001", "PGM5LCUSTOM00001", "PGM5LOUTPOST0001"]
    );
    let regular = &documents[0];
    assert_eq!(regular["serviceCode"], "AmazonRDS");
    assert_eq!(regular["product"]["productFamily"], "Database Instance");
    assert_eq!(
        regular["product"]["attributes"]["usagetype"],
        "InstanceUsage:db.m5.large"
    );
    let on_demand = &regular["terms"]["OnDemand"]["PGM5LSAZ00000001.JRTCKXETXF"];
    let dimension = &on_demand["priceDimensions"]["PGM5LSAZ00000001.JRTCKXETXF.6YS6EN2CT7"];
    assert_eq!(dimension["unit"], "Hrs");
    assert_eq!(dimension["pricePerUnit"]["USD"], "0.1780000000");
    assert!(
        regular["terms"]["Reserved"].is_object(),
        "a Reserved decoy term"
    );
    assert_eq!(
        documents[1]["product"]["attributes"]["deploymentModel"],
        "Custom"
    );
    assert_eq!(
        documents[2]["product"]["attributes"]["locationType"],
        "AWS Outposts"
    );
}

#[tokio::test]
async fn listings_page_and_are_counted_per_price_key() {
    let fake = FakeAws::start(FakeConfig::default()).await.expect("starts");
    let client = pricing(&fake, "us-east-1").await;
    let storage = vec![
        term("regionCode", "us-east-1"),
        term("productFamily", "Database Storage"),
        term("volumeType", "General Purpose-GP3"),
        term("deploymentOption", "Single-AZ"),
    ];
    let documents = list(&client, storage).await;
    assert_eq!(documents.len(), 5, "four engine rows and an Outposts twin");
    let counters = fake.counters();
    let key = "deploymentOption=Single-AZ,productFamily=Database Storage,regionCode=us-east-1,\
               volumeType=General Purpose-GP3";
    assert_eq!(counters.price_list_listings_for(key), 1);
    assert_eq!(counters.price_list_calls[key], 3, "2 documents a page");
    assert_eq!(counters.calls_of("GetProducts"), 3);
    assert_eq!(counters.price_list_regions["us-east-1"], 3);
    let none = list(&client, vec![term("databaseEngine", "postgres")]).await;
    assert!(
        none.is_empty(),
        "values match exactly: the RDS engine name is not a price list value"
    );
    assert_eq!(fake.counters().price_list_listings_total(), 2);
}

#[tokio::test]
async fn byol_twin_and_china_prices() {
    let fake = FakeAws::start(FakeConfig::default()).await.expect("starts");
    let client = pricing(&fake, "us-east-1").await;
    let oracle = |license: &str| {
        vec![
            term("regionCode", "us-east-1"),
            term("databaseEngine", "Oracle"),
            term("databaseEdition", "Standard Two"),
            term("licenseModel", license),
        ]
    };
    assert_eq!(
        skus(&list(&client, oracle("License included")).await),
        ["ORSE2LI000000001"]
    );
    assert_eq!(
        skus(&list(&client, oracle("Bring your own license")).await),
        ["ORSE2BYOL0000001"]
    );
    let china = pricing(&fake, "cn-northwest-1").await;
    let documents = list(
        &china,
        vec![
            term("regionCode", "cn-north-1"),
            term("productFamily", "Database Instance"),
        ],
    )
    .await;
    let price = &documents[0]["terms"]["OnDemand"]["PGM5LCN000000001.JRTCKXETXF"]
        ["priceDimensions"]["PGM5LCN000000001.JRTCKXETXF.6YS6EN2CT7"]["pricePerUnit"];
    assert_eq!(price["CNY"], "1.6500000000");
    assert_eq!(fake.counters().price_list_regions["cn-northwest-1"], 1);
}

#[tokio::test]
async fn denial_throttling_and_unserved_regions_are_errors_the_sdk_reads() {
    let denied = FakeAws::start(FakeConfig {
        price_list_denied: true,
        ..FakeConfig::default()
    })
    .await
    .expect("starts");
    let error = pricing(&denied, "us-east-1")
        .await
        .get_products()
        .service_code("AmazonRDS")
        .send()
        .await
        .expect_err("denied");
    assert_eq!(error.code(), Some("AccessDeniedException"));
    assert!(error
        .as_service_error()
        .is_some_and(|e| e.is_access_denied_exception()));
    assert_eq!(denied.counters().price_list_denied, 1);

    let throttled = FakeAws::start(FakeConfig {
        price_list_throttled_calls: 1,
        ..FakeConfig::default()
    })
    .await
    .expect("starts");
    let client = pricing(&throttled, "us-east-1").await;
    let first = client.get_products().service_code("AmazonRDS").send().await;
    assert_eq!(
        first.expect_err("throttled").code(),
        Some("ThrottlingException")
    );
    let second = client.get_products().service_code("AmazonRDS").send().await;
    assert!(second.is_ok(), "only the first call is throttled");
    assert_eq!(throttled.counters().faults.throttled, 1);

    let wrong_region = pricing(&throttled, "eu-west-1")
        .await
        .get_products()
        .service_code("AmazonRDS")
        .send()
        .await;
    assert_eq!(
        wrong_region.expect_err("no endpoint there").code(),
        Some("InvalidParameterException")
    );
}

#[tokio::test]
async fn a_token_from_another_listing_is_refused() {
    let fake = FakeAws::start(FakeConfig::default()).await.expect("starts");
    let client = pricing(&fake, "us-east-1").await;
    let first = client
        .get_products()
        .service_code("AmazonRDS")
        .set_filters(Some(postgres_m5_large()))
        .send()
        .await
        .expect("first page");
    let token = first.next_token().expect("a second page").to_string();
    let other = client
        .get_products()
        .service_code("AmazonRDS")
        .filters(term("productFamily", "Provisioned IOPS"))
        .next_token(token)
        .send()
        .await;
    assert_eq!(
        other.expect_err("foreign token").code(),
        Some("InvalidNextTokenException")
    );
}
