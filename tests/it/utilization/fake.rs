//! `--with utilization` against the fake's CloudWatch (RPC v2 CBOR): the fields and `idle` of
//! idle, busy and new instances, ceil(queries / 500) GetMetricData calls per target and none
//! where no instance is listed, NextToken paging, a denied account, throttling.

use crate::common;

use std::collections::BTreeMap;

use common::fake::{self, base_config};
use common::Run;
use fake_aws::{utilization_profile, FakeConfig, UtilizationProfile};
use serde_json::Value;

/// Queries the tool asks for an instance: 6 metrics, 5 for Aurora (no FreeStorageSpace).
fn queries_of(engine: &str) -> usize {
    if engine.starts_with("aurora") {
        5
    } else {
        6
    }
}

/// GetMetricData calls a correct client makes: per target, its queries over 500, rounded up.
fn expected_calls(config: &FakeConfig) -> u64 {
    let mut calls = 0;
    for account in &config.accounts {
        for region in &config.regions {
            let queries: usize = config
                .target_inventory(account, region)
                .iter()
                .map(|i| queries_of(&i.engine))
                .sum();
            calls += queries.div_ceil(500) as u64;
        }
    }
    calls
}

fn run_with_utilization(fake: &fake_aws::FakeAws) -> Run {
    let run = fake::run(
        fake,
        &["-q", "--with", "utilization", "--summary", "s.json"],
    );
    run.assert_code(0, "--with utilization");
    run
}

/// Each record's figures against its instance's profile in the fake.
fn assert_fields_follow_the_profiles(records: &[Value]) -> BTreeMap<&'static str, usize> {
    let mut seen = BTreeMap::new();
    for record in records {
        let id = record["db_instance_identifier"]
            .as_str()
            .expect("an identifier");
        let aurora = record["engine"]
            .as_str()
            .unwrap_or_default()
            .starts_with("aurora");
        assert_eq!(record["utilization_days"], 14, "{id}");
        let from =
            common::text::rfc3339_seconds(record["utilization_from"].as_str().expect("from"));
        let to = common::text::rfc3339_seconds(record["utilization_to"].as_str().expect("to"));
        assert_eq!(to - from, 14.0 * 86_400.0, "{id}: whole days");
        assert_eq!(to % 86_400.0, 0.0, "{id}: a UTC midnight");
        assert_eq!(
            record["free_storage_min_bytes"].is_null(),
            aurora,
            "{id}: {record}"
        );
        let name = match utilization_profile(id) {
            UtilizationProfile::Idle => {
                assert_eq!(record["idle"], true, "{id}");
                assert_eq!(record["connections_max"], 0.0, "{id}");
                assert_eq!(record["utilization_datapoints"], 14, "{id}");
                "idle"
            }
            UtilizationProfile::Busy => {
                assert_eq!(record["idle"], false, "{id}");
                assert!(
                    record["connections_max"].as_f64().expect("max") > 0.0,
                    "{id}"
                );
                assert!(record["cpu_max_percent"].as_f64() >= record["cpu_avg_percent"].as_f64());
                "busy"
            }
            UtilizationProfile::New => {
                assert!(
                    record["idle"].is_null(),
                    "{id}: three days of data is no verdict"
                );
                assert_eq!(record["utilization_datapoints"], 3, "{id}");
                "new"
            }
        };
        *seen.entry(name).or_default() += 1;
    }
    seen
}

#[test]
fn idle_busy_and_new_instances_get_their_figures_in_the_fewest_calls() {
    // 120 instances x 6 metrics: two calls in a full target, none in an empty one.
    let fake = fake::start(base_config(2, 120));
    let run = run_with_utilization(&fake);
    let records = run.json_lines();
    let seen = assert_fields_follow_the_profiles(&records);
    assert_eq!(seen.len(), 3, "idle, busy and new instances: {seen:?}");
    let config = fake.config();
    let calls = fake.counters().calls["GetMetricData"];
    assert_eq!(
        calls,
        expected_calls(config),
        "ceil(queries / 500) per target"
    );
    assert!(calls > 2, "some target needs two calls");
    let summary = run.json_file("s.json");
    let queries: usize = records
        .iter()
        .map(|r| queries_of(r["engine"].as_str().unwrap_or_default()))
        .sum();
    assert_eq!(summary["cloudwatch_metrics_requested"], queries);
}

#[test]
fn answers_paged_with_next_token_give_the_same_figures() {
    let config = FakeConfig {
        metric_datapoints_per_page: 100,
        ..base_config(1, 40)
    };
    let fake = fake::start(config);
    let run = run_with_utilization(&fake);
    assert_fields_follow_the_profiles(&run.json_lines());
    assert!(
        fake.counters().calls["GetMetricData"] > expected_calls(fake.config()),
        "NextToken followed"
    );
}

#[test]
fn a_denied_account_is_one_warning_and_null_fields_and_the_run_stays_complete() {
    let mut config = base_config(2, 10);
    let denied = config.accounts[0].clone();
    config
        .denied_operations
        .insert(("GetMetricData".into(), denied.clone()));
    let fake = fake::start(config);
    let run = fake::run(&fake, &["--with", "utilization", "--summary", "s.json"]);
    run.assert_code(0, "a denied join does not fail the run");
    let records = run.json_lines();
    let (theirs, ours): (Vec<&Value>, Vec<&Value>) = records
        .iter()
        .partition(|r| r["account_id"] == denied.as_str());
    assert!(!theirs.is_empty() && !ours.is_empty());
    assert!(theirs
        .iter()
        .all(|r| r["utilization_days"].is_null() && r["idle"].is_null()));
    assert!(ours.iter().all(|r| r["utilization_days"] == 14));
    assert_eq!(run.warning_lines().len(), 1, "{:?}", run.warning_lines());
    run.assert_stderr_contains("cloudwatch:GetMetricData");
    let summary = run.json_file("s.json");
    let warnings = summary["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["phase"], "utilization");
}

#[test]
fn throttled_metric_calls_are_retried() {
    // Random faults: one lucky pass proves little, so five seeds in a row.
    for seed in 0..5 {
        let config = FakeConfig {
            throttle_rate: 0.2,
            seed,
            ..base_config(2, 30)
        };
        let fake = fake::start(config);
        let run = run_with_utilization(&fake);
        assert!(
            fake.counters().faults.throttled > 0,
            "seed {seed}: throttled"
        );
        assert_fields_follow_the_profiles(&run.json_lines());
    }
}
