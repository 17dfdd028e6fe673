//! The `reservations` kind against the fake (moto does not implement
//! DescribeReservedDBInstances): every reservation once over several pages, each record the
//! fake's item with `ends_at`, `days_left` and `active` derived from it, the summary's and the
//! metrics' count of those ending within 30 days, a denied call that costs no other kind,
//! throttled listings retried to completion.

use crate::common;

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use common::fake::{self, base_config};
use fake_aws::{FakeConfig, ResourceKind};
use serde_json::Value;

/// 2 accounts x 2 regions, more than a page (100) of reservations per target.
fn with_reservations(per_target: usize) -> FakeConfig {
    let mut config = base_config(2, 5);
    config
        .kind_counts
        .insert(ResourceKind::ReservedInstances, per_target);
    config
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// (account, reservation ARN) of every reservation the fake serves to a correct client.
fn expected(config: &FakeConfig) -> BTreeSet<(String, String)> {
    config
        .reachable_resources(ResourceKind::ReservedInstances)
        .into_iter()
        .map(|r| (r.account_id, r.arn))
        .collect()
}

fn listed(records: &[Value]) -> Vec<(String, String)> {
    records
        .iter()
        .map(|r| {
            let text = |n: &str| r[n].as_str().unwrap_or_default().to_owned();
            (text("account_id"), text("reserved_db_instance_arn"))
        })
        .collect()
}

/// Seconds since the epoch of an RFC 3339 UTC time.
fn seconds(time: &Value) -> i64 {
    common::text::rfc3339_seconds(time.as_str().expect("a timestamp")) as i64
}

#[test]
fn every_reservation_is_listed_once_over_several_pages_with_its_end() {
    let fake = fake::start(with_reservations(130));
    let run = fake::run(&fake, &["-q", "--kind", "reservations"]);
    run.assert_code(0, "reservations");
    let records = run.json_lines();
    let keys = listed(&records);
    let unique: BTreeSet<(String, String)> = keys.iter().cloned().collect();
    assert_eq!(unique.len(), keys.len(), "no reservation twice");
    assert_eq!(
        unique,
        expected(fake.config()),
        "every reservation, nothing else"
    );
    let config = fake.config();
    let mut pages = 0;
    for account in &config.accounts {
        for region in &config.regions {
            let n = config
                .target_resources(ResourceKind::ReservedInstances, account, region)
                .len();
            pages += n.div_ceil(100).max(1) as u64;
        }
    }
    assert!(
        pages > (config.accounts.len() * config.regions.len()) as u64,
        "several pages"
    );
    let calls = fake.counters().calls["DescribeReservedDBInstances"];
    assert_eq!(calls, pages, "every page of 100 asked once");

    let now = now();
    let mut states = BTreeSet::new();
    for record in &records {
        let start = seconds(&record["start_time"]);
        let duration = record["duration"].as_i64().expect("a duration");
        let end = seconds(&record["ends_at"]);
        assert_eq!(
            end,
            start + duration,
            "ends_at = start + duration: {record}"
        );
        let days_left = record["days_left"].as_i64().expect("days_left");
        assert_eq!(days_left, (end - now).div_euclid(86_400), "{record}");
        let state = record["state"].as_str().expect("a state");
        assert_eq!(record["active"], state == "active" && end > now, "{record}");
        assert_eq!(
            record["recurring_charges"][0]["recurring_charge_frequency"],
            "Hourly"
        );
        states.insert(state.to_owned());
    }
    assert_eq!(
        states.len(),
        3,
        "active, retired and payment-pending: {states:?}"
    );
}

#[test]
fn the_summary_and_metrics_count_active_reservations_ending_within_30_days() {
    let fake = fake::start(with_reservations(12));
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "reservations",
            "--summary",
            "s.json",
            "--metrics",
            "m.prom",
        ],
    );
    run.assert_code(0, "reservations");
    let mut want: std::collections::BTreeMap<(String, String), u64> = Default::default();
    for record in run.json_lines() {
        let text = |n: &str| record[n].as_str().unwrap_or_default().to_owned();
        let soon = record["state"] == "active"
            && (0..30).contains(&record["days_left"].as_i64().expect("days_left"));
        *want
            .entry((text("account_id"), text("region")))
            .or_default() += u64::from(soon);
    }
    let summary = run.json_file("s.json");
    let ending = &summary["kinds"]["reservations"]["ending_soon"];
    // The fake dates active reservations 1-120 days from today: some end within 30.
    assert!(want.values().sum::<u64>() > 0, "none ending soon: {want:?}");
    assert_eq!(ending["within_days"], 30);
    assert_eq!(ending["records"], want.values().sum::<u64>());
    let rows = ending["by_account_region"].as_array().expect("rows");
    assert_eq!(
        rows.len(),
        want.len(),
        "every account and region with reservations"
    );
    for row in rows {
        let key = (
            row["account_id"].as_str().unwrap_or_default().to_owned(),
            row["region"].as_str().unwrap_or_default().to_owned(),
        );
        assert_eq!(row["records"], want[&key], "{row}");
    }
    assert!(summary["kinds"]["instances"].get("ending_soon").is_none());
    let metrics = std::fs::read_to_string(run.path("m.prom")).expect("metrics");
    let samples: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("rds_inventory_reservations_ending_within_30_days{"))
        .collect();
    assert_eq!(samples.len(), want.len(), "{metrics}");
    assert!(metrics.contains("# TYPE rds_inventory_reservations_ending_within_30_days gauge"));
}

#[test]
fn a_denied_reservations_call_is_missing_in_that_account_and_costs_no_other_kind() {
    let mut config = FakeConfig {
        clusters_per_target: 1,
        ..with_reservations(3)
    };
    let denied = config.accounts[0].clone();
    config
        .denied_operations
        .insert(("DescribeReservedDBInstances".into(), denied.clone()));
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "instances,clusters,reservations",
            "-o",
            "{kind}.ndjson",
            "--summary",
            "s.json",
        ],
    );
    run.assert_code(3, "a kind failed in some targets");
    let read = |name: &str| -> Vec<Value> {
        std::fs::read_to_string(run.path(name))
            .expect(name)
            .lines()
            .map(|l| serde_json::from_str(l).expect("NDJSON"))
            .collect()
    };
    let config = fake.config();
    let got: BTreeSet<(String, String)> =
        listed(&read("reservations.ndjson")).into_iter().collect();
    let want: BTreeSet<(String, String)> = expected(config)
        .into_iter()
        .filter(|(account, _)| *account != denied)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want, "the other account's reservations, complete");
    let instances = read("instances.ndjson");
    assert_eq!(
        instances.len(),
        config.reachable_inventory().len(),
        "instances complete"
    );
    assert!(instances.iter().any(|r| r["account_id"] == denied.as_str()));
    let summary = run.json_file("s.json");
    let failures = summary["failures"].as_array().expect("failures");
    assert_eq!(
        failures.len(),
        config.regions.len(),
        "one per target of the account"
    );
    assert!(failures
        .iter()
        .all(|f| f["kind"] == "reservations" && f["account_id"] == denied.as_str()));
}

#[test]
fn throttled_reservation_listings_are_retried_to_completion() {
    for seed in 0..3 {
        let config = FakeConfig {
            throttle_rate: 0.3,
            seed,
            instances_per_target: 150,
            ..with_reservations(130)
        };
        let fake = fake::start(config);
        let run = fake::run(
            &fake,
            &[
                "-q",
                "--kind",
                "instances,reservations",
                "-o",
                "{kind}.ndjson",
            ],
        );
        run.assert_code(0, "throttled, not failed");
        assert!(
            fake.counters().faults.throttled > 0,
            "seed {seed}: throttled"
        );
        let text = std::fs::read_to_string(run.path("reservations.ndjson")).expect("written");
        let records: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("NDJSON"))
            .collect();
        let got: BTreeSet<(String, String)> = listed(&records).into_iter().collect();
        assert_eq!(got, expected(fake.config()), "seed {seed}");
    }
}
