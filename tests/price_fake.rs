//! `--with price` through the binary against the fake: price fields on every instance record,
//! one GetProducts listing per distinct price key for the whole run (many accounts), and a
//! denied price list (one warning, null prices, exit code unchanged).

mod common;

use common::fake::{self, base_config};
use fake_aws::FakeConfig;
use serde_json::Value;

const PRICE_FIELDS: [&str; 5] = [
    "price_currency",
    "price_hourly",
    "price_monthly",
    "price_components",
    "price_missing",
];

fn records(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("an NDJSON record"))
        .collect()
}

#[test]
fn without_price_the_price_fields_are_null() {
    let fake = fake::start(base_config(2, 3));
    let run = fake::run(&fake, &["-q", "-f", "ndjson", "--metrics", "m.prom"]);
    run.assert_code(0, "no --with price");
    let metrics = std::fs::read_to_string(run.path("m.prom")).expect("metrics file");
    assert!(
        !metrics.contains("rds_inventory_list_price_monthly"),
        "no price metric without --with price"
    );
    let records = records(&run.stdout);
    assert!(!records.is_empty());
    for record in &records {
        for field in PRICE_FIELDS {
            assert!(
                record[field].is_null(),
                "{field} is null unless asked: {record}"
            );
        }
    }
    assert_eq!(
        fake.counters().price_list_listings_total(),
        0,
        "no Price List call"
    );
}

#[test]
fn price_list_listings_equal_the_distinct_price_keys_across_many_accounts() {
    let fake = fake::start(base_config(12, 6));
    let run = fake::run(
        &fake,
        &[
            "-q",
            "-f",
            "ndjson",
            "--with",
            "price",
            "--metrics",
            "m.prom",
        ],
    );
    run.assert_code(0, "--with price");
    let records = records(&run.stdout);
    let metrics = std::fs::read_to_string(run.path("m.prom")).expect("metrics file");
    let samples: Vec<f64> = metrics
        .lines()
        .filter(|l| l.starts_with("rds_inventory_list_price_monthly{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse().expect("a number"))
        .collect();
    assert!(!samples.is_empty(), "the price metric: {metrics}");
    let total: f64 = records
        .iter()
        .filter_map(|r| r["price_monthly"].as_f64())
        .sum();
    let metric_total: f64 = samples.iter().sum();
    assert!(
        (total - metric_total).abs() < 1e-2,
        "the metric sums price_monthly: {metric_total} vs {total}"
    );
    assert!(records.len() > 20, "a run of many accounts");
    let counters = fake.counters();
    assert!(
        !counters.price_list_listings.is_empty(),
        "prices were looked up"
    );
    for (key, listings) in &counters.price_list_listings {
        assert_eq!(*listings, 1, "one listing per price key for the run: {key}");
    }
    let priced = records
        .iter()
        .filter(|r| r["price_monthly"].is_number())
        .count();
    eprintln!("priced {priced} of {} instances", records.len());
    assert!(
        priced > 0,
        "some instances match the fake's catalog and are priced end to end"
    );
    let mut reasons: Vec<&str> = records
        .iter()
        .filter_map(|r| r["price_missing"].as_str())
        .collect();
    reasons.sort_unstable();
    reasons.dedup();
    eprintln!("reasons: {reasons:?}");
    for record in &records {
        let missing = &record["price_missing"];
        let monthly = &record["price_monthly"];
        assert!(
            missing.is_string() || monthly.is_number(),
            "every instance is priced or says why not: {record}"
        );
        if let Some(monthly) = monthly.as_f64() {
            assert_eq!(record["price_currency"], "USD", "{record}");
            let sum: f64 = record["price_components"]
                .as_array()
                .expect("components")
                .iter()
                .filter_map(|c| c["monthly"].as_f64())
                .sum();
            assert!(
                (sum - monthly).abs() < 1e-3,
                "monthly is the components' sum: {record}"
            );
        }
    }
}

#[test]
fn a_denied_price_list_is_one_warning_null_prices_and_exit_zero() {
    let fake = fake::start(FakeConfig {
        price_list_denied: true,
        ..base_config(5, 4)
    });
    let run = fake::run(&fake, &["-f", "ndjson", "--with", "price"]);
    run.assert_code(0, "a denied price list does not fail the run");
    let warnings = run.stderr_lines_with("pricing:GetProducts");
    assert_eq!(warnings.len(), 1, "one warning for the run: {warnings:?}");
    let records = records(&run.stdout);
    assert!(!records.is_empty());
    for record in &records {
        assert!(record["price_monthly"].is_null(), "{record}");
        assert!(record["price_hourly"].is_null(), "{record}");
        let missing = record["price_missing"]
            .as_str()
            .expect("price_missing says why");
        assert!(
            missing.contains("denied") || !missing.is_empty(),
            "price_missing: {missing}"
        );
    }
    assert!(
        records.iter().any(|r| r["price_missing"]
            .as_str()
            .is_some_and(|m| m.contains("denied"))),
        "some record names the denial"
    );
    // Asks already in flight when the first denial comes back may be denied too; after it,
    // no call is made: no price key is ever asked twice.
    let counters = fake.counters();
    assert!(counters.price_list_denied >= 1, "the fake denied");
    for (key, listings) in &counters.price_list_listings {
        assert!(
            *listings <= 1,
            "no call for a key after its denial: {key} {listings}"
        );
    }
    assert!(
        counters.price_list_denied <= counters.price_list_listings.len() as u64,
        "denied calls at most the distinct keys"
    );
}
