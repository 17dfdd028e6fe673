//! `--with price` through the binary against the fake: price fields on every instance record,
//! one GetProducts listing per distinct price key for the whole run (many accounts), a denied
//! price list (one warning, null prices, exit code unchanged), and each promise of
//! docs/price.md that the fake's fleet can show: every record's figures agree with each other.

use crate::common;

use std::collections::BTreeMap;

use common::fake::{self, base_config};
use common::Run;
use fake_aws::{FakeAws, FakeConfig};
use serde_json::Value;

const PRICE_FIELDS: [&str; 5] = [
    "price_currency",
    "price_hourly",
    "price_monthly",
    "price_components",
    "price_missing",
];

/// A run with `--with price` and the metrics in `m.prom`, which must exit 0.
fn priced_run(fake: &FakeAws) -> Run {
    let run = fake::run(
        fake,
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
    run
}

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
    let run = priced_run(&fake);
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

/// The keys of one `price_components` entry, as docs/price.md lists them.
const COMPONENT_KEYS: [&str; 8] = [
    "component",
    "unit",
    "price_per_unit",
    "quantity",
    "monthly",
    "sku",
    "usage_type",
    "note",
];

/// Every component the figure is made of (docs/price.md: "included"), and the usage-based
/// parts that are named but left out.
const COMPONENT_NAMES: [&str; 9] = [
    "instance hours",
    "storage",
    "provisioned IOPS",
    "provisioned throughput",
    "extended support",
    "additional storage",
    "additional provisioned IOPS",
    "additional provisioned throughput",
    "usage-based",
];

/// The fake's generated fleet with complete records (additional storage volumes, engine
/// lifecycles, Outposts subnets) over several accounts and both regions.
fn complete_fleet() -> FakeConfig {
    FakeConfig {
        complete_records: true,
        ..base_config(6, 8)
    }
}

fn components(record: &Value) -> &Vec<Value> {
    record["price_components"]
        .as_array()
        .unwrap_or_else(|| panic!("price_components is an array: {record}"))
}

fn component<'a>(record: &'a Value, name: &str) -> Option<&'a Value> {
    components(record).iter().find(|c| c["component"] == name)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

/// Checks one instance record's price fields against each other and against docs/price.md;
/// returns whether it carries a monthly figure.
fn assert_consistent(record: &Value) -> bool {
    let missing = &record["price_missing"];
    let monthly = &record["price_monthly"];
    assert!(
        missing.is_null() != monthly.is_null(),
        "price_missing is null exactly when price_monthly is not: {record}"
    );
    assert!(
        missing.is_null() || missing.as_str().is_some_and(|m| !m.is_empty()),
        "price_missing says why: {record}"
    );
    let components = components(record);
    for c in components {
        let keys: Vec<&str> = c
            .as_object()
            .expect("a component is an object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = COMPONENT_KEYS.to_vec();
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want, "a component's keys: {c}");
        let name = c["component"].as_str().expect("a component name");
        assert!(COMPONENT_NAMES.contains(&name), "a known component: {c}");
        if let (Some(rate), Some(quantity)) = (c["price_per_unit"].as_f64(), c["quantity"].as_f64())
        {
            let amount = c["monthly"].as_f64().expect("a priced component's monthly");
            assert!(
                close(amount, rate * quantity, 1e-6),
                "monthly = price per unit x quantity: {c}"
            );
            assert!(c["sku"].is_string() && c["unit"].is_string(), "{c}");
        }
        if c["monthly"].is_null() {
            assert!(
                c["note"].is_string(),
                "a component without an amount says why: {c}"
            );
        }
    }
    let status = record["db_instance_status"].as_str().unwrap_or_default();
    if let Some(hours) = component(record, "instance hours") {
        let reader = hours["note"]
            .as_str()
            .is_some_and(|n| n.contains("on its writer"));
        if status == "stopped" {
            assert_eq!(
                hours["quantity"], 0.0,
                "stopped: no instance hours: {record}"
            );
            assert_eq!(hours["monthly"], 0.0, "{record}");
            assert_eq!(record["price_hourly"], 0.0, "{record}");
            assert!(
                hours["note"]
                    .as_str()
                    .is_some_and(|n| n.contains("stopped")),
                "the component says the instance is stopped: {record}"
            );
        } else if status == "available" && !reader {
            match hours["quantity"].as_f64() {
                Some(quantity) => {
                    assert_eq!(quantity, 730.0, "a month is 730 hours: {record}");
                    assert_eq!(record["price_hourly"], hours["price_per_unit"], "{record}");
                }
                None => assert!(
                    missing
                        .as_str()
                        .is_some_and(|m| m.contains("instance hours")),
                    "instance hours without a price are named in price_missing: {record}"
                ),
            }
        }
    }
    if status == "stopped" {
        for name in ["storage", "additional storage"] {
            if let Some(storage) =
                component(record, name).filter(|c| c["price_per_unit"].is_number())
            {
                assert!(
                    storage["monthly"].as_f64().is_some_and(|m| m > 0.0),
                    "a stopped instance's storage is still billed: {record}"
                );
            }
        }
    }
    // Additional storage volumes are priced (or named as missing), never left out.
    let volumes = record["additional_storage_volumes"]
        .as_array()
        .map_or(0, Vec::len);
    if component(record, "storage").is_some() {
        let additional: Vec<&Value> = components
            .iter()
            .filter(|c| c["component"] == "additional storage")
            .collect();
        assert_eq!(
            additional.len(),
            volumes,
            "one component per volume: {record}"
        );
        for (c, volume) in additional.iter().zip(
            record["additional_storage_volumes"]
                .as_array()
                .into_iter()
                .flatten(),
        ) {
            let name = volume["volume_name"].as_str().expect("a volume name");
            assert!(
                c["note"].as_str().is_some_and(|n| n.contains(name)),
                "the component names its volume: {c}"
            );
        }
    }
    let Some(monthly) = monthly.as_f64() else {
        return false;
    };
    assert_eq!(record["price_currency"], "USD", "{record}");
    let amounts: Vec<f64> = components
        .iter()
        .filter_map(|c| c["monthly"].as_f64())
        .collect();
    let sum: f64 = amounts.iter().sum();
    assert!(
        close(sum, monthly, 1e-6 * amounts.len().max(1) as f64),
        "price_monthly is the sum of the components: {sum} vs {record}"
    );
    for c in components {
        assert!(
            c["monthly"].is_number() || c["component"] == "usage-based",
            "a figure has every component but the usage-based ones: {record}"
        );
    }
    true
}

#[test]
fn every_record_of_the_fleet_prices_consistently_and_several_engines_are_priced() {
    let fake = fake::start(complete_fleet());
    let run = priced_run(&fake);
    let records = records(&run.stdout);
    let mut priced: BTreeMap<String, usize> = BTreeMap::new();
    let (mut stopped, mut with_volumes) = (0, 0);
    for record in &records {
        if assert_consistent(record) {
            let engine = record["engine"].as_str().unwrap_or_default().to_string();
            *priced.entry(engine).or_default() += 1;
            if record["db_instance_status"] == "stopped" {
                stopped += 1;
            }
        }
        if component(record, "additional storage").is_some_and(|c| c["monthly"].is_number()) {
            with_volumes += 1;
        }
    }
    eprintln!("priced by engine: {priced:?}; stopped {stopped}; with volumes {with_volumes}");
    for engine in ["postgres", "mysql", "sqlserver-se"] {
        assert!(
            priced.get(engine).is_some_and(|&n| n >= 1),
            "{engine} is priced end to end: {priced:?}"
        );
    }
    assert!(
        priced.values().sum::<usize>() >= 8,
        "enough of the fleet is priced to mean something: {priced:?}"
    );
    assert!(stopped >= 1, "a stopped instance is priced");
    assert!(
        with_volumes >= 1,
        "an instance with additional volumes is priced"
    );

    // The metric: the sum of price_monthly by account and region, with its labels.
    let mut want: BTreeMap<(String, String), f64> = BTreeMap::new();
    for record in &records {
        let key = (
            record["account_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            record["region"].as_str().unwrap_or_default().to_string(),
        );
        *want.entry(key).or_default() += record["price_monthly"].as_f64().unwrap_or(0.0);
    }
    let metrics = std::fs::read_to_string(run.path("m.prom")).expect("metrics file");
    let mut got: BTreeMap<(String, String), f64> = BTreeMap::new();
    for line in metrics
        .lines()
        .filter(|l| l.starts_with("rds_inventory_list_price_monthly{"))
    {
        let label = |name: &str| {
            let start = line.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
            line[start..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(label("currency"), "USD", "{line}");
        assert!(!label("account_name").is_empty(), "{line}");
        let value: f64 = line
            .rsplit(' ')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number");
        *got.entry((label("account_id"), label("region")))
            .or_default() += value;
    }
    for (key, total) in &want {
        let metric = got.get(key).copied().unwrap_or(0.0);
        assert!(
            close(metric, *total, 1e-2),
            "{key:?}: the metric is the sum of price_monthly: {metric} vs {total}"
        );
    }
    let counters = fake.counters();
    assert_eq!(
        counters.price_list_role_calls, 0,
        "prices are looked up with the base identity, not the accounts' roles"
    );
    assert_eq!(
        counters.price_list_regions.keys().collect::<Vec<_>>(),
        ["us-east-1"],
        "the commercial partition's price list is asked in us-east-1"
    );
}

#[test]
fn with_price_in_the_accounts_file_is_the_flag() {
    let fake = fake::start(base_config(2, 4));
    let accounts = fake::accounts_file(fake.config()).line(r#"with = ["price"]"#);
    let run = fake::report(
        &fake,
        fake::tool_with_accounts(&fake, &accounts)
            .args(["-q", "-f", "ndjson"])
            .run(),
    );
    run.assert_code(0, "with = [\"price\"]");
    let records = records(&run.stdout);
    assert!(!records.is_empty());
    for record in &records {
        assert!(
            record["price_missing"].is_string() || record["price_monthly"].is_number(),
            "price fields are filled: {record}"
        );
    }
    assert!(fake.counters().price_list_listings_total() > 0);
}

#[test]
fn with_price_fills_the_engine_support_fields_too() {
    let fake = fake::start(complete_fleet());
    let records = records(&priced_run(&fake).stdout);
    assert!(
        records
            .iter()
            .any(|r| r["engine_major_version"].is_string()
                && r["standard_support_end_date"].is_string()),
        "--with price implies --with engine-support"
    );
    assert!(fake.counters().calls_of("DescribeDBMajorEngineVersions") > 0);
}

#[test]
fn other_kinds_get_no_price() {
    let fake = fake::start(FakeConfig {
        clusters_per_target: 2,
        snapshots_per_target: 2,
        cluster_snapshots_per_target: 2,
        ..base_config(2, 3)
    });
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "all",
            "--with",
            "price",
            "-o",
            "{kind}.ndjson",
        ],
    );
    run.assert_code(0, "--kind all --with price");
    for kind in ["clusters", "snapshots", "cluster-snapshots"] {
        let text = std::fs::read_to_string(run.path(&format!("{kind}.ndjson"))).expect(kind);
        let rows = records(&text);
        assert!(!rows.is_empty(), "{kind} records");
        for row in &rows {
            for field in PRICE_FIELDS {
                assert!(row[field].is_null(), "{kind} carry no {field}: {row}");
            }
        }
    }
    let instances = std::fs::read_to_string(run.path("instances.ndjson")).expect("instances");
    assert!(records(&instances)
        .iter()
        .all(|r| r["price_missing"].is_string() || r["price_monthly"].is_number()));
}
