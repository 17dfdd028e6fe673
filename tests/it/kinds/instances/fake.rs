//! The complete record and the joined data against the fake: every member the fake serves
//! comes out field for field, pending maintenance is one call per target, engine support one
//! call per (region, engine), and a denied join is a warning, not a failed target.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::fake::Outcome;
use common::fake::{self, base_config};
use fake_aws::{expected_major_engine_lifecycle, FakeConfig};
use serde_json::Value;

/// Where the record keeps the parts of a nested member it flattens (see the field table):
/// (member, part) -> record field.
const FLATTENED: [(&str, &str, &str); 10] = [
    ("endpoint", "address", "endpoint_address"),
    ("endpoint", "port", "endpoint_port"),
    ("endpoint", "hosted_zone_id", "endpoint_hosted_zone_id"),
    ("db_subnet_group", "db_subnet_group_name", "db_subnet_group"),
    ("db_subnet_group", "vpc_id", "vpc_id"),
    (
        "db_subnet_group",
        "db_subnet_group_description",
        "db_subnet_group_description",
    ),
    (
        "db_subnet_group",
        "subnet_group_status",
        "db_subnet_group_status",
    ),
    ("db_subnet_group", "subnets", "db_subnet_group_subnets"),
    (
        "db_subnet_group",
        "db_subnet_group_arn",
        "db_subnet_group_arn",
    ),
    (
        "db_subnet_group",
        "supported_network_types",
        "db_subnet_group_supported_network_types",
    ),
];

/// `value` with every `null` member of a nested object dropped: inside nested values the
/// record leaves absent members out, the fake writes them as `null`.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Records by (account, region, identifier).
fn records(stdout: &str) -> BTreeMap<(String, String, String), Value> {
    stdout
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("an NDJSON record");
            let key = ["account_id", "region", "db_instance_identifier"]
                .map(|k| record[k].as_str().expect("a key field").to_string());
            (key.into(), record)
        })
        .collect()
}

fn joined_run() -> &'static Outcome {
    common::once!(Outcome, {
        let fake = fake::start(FakeConfig {
            complete_records: true,
            ..base_config(3, 30)
        });
        let run = fake::run(&fake, &["--with", "pending-maintenance,engine-support"]);
        Outcome::new(&fake, run, &[])
    })
}

#[test]
fn every_member_the_fake_serves_is_in_the_record_field_for_field() {
    let o = joined_run();
    o.run.assert_code(0, "complete");
    let got = records(&o.run.stdout);
    let inventory = o.config.reachable_inventory();
    assert_eq!(got.len(), inventory.len());
    for instance in inventory {
        let key = (
            instance.account_id.clone(),
            instance.region.clone(),
            instance.identifier.clone(),
        );
        let record = &got[&key];
        let expected = instance.db_instance_json();
        for (member, value) in expected.as_object().expect("an object") {
            let parts: Vec<_> = FLATTENED.iter().filter(|(m, _, _)| m == member).collect();
            if !parts.is_empty() {
                for (_, part, field) in parts {
                    assert_eq!(
                        without_nulls(&record[*field]),
                        without_nulls(&value[*part]),
                        "{member}.{part} of {key:?}"
                    );
                }
                continue;
            }
            // The tag list is the record's `tags` map (see the field table).
            if member == "tag_list" {
                continue;
            }
            assert_eq!(
                without_nulls(&record[member]),
                without_nulls(value),
                "{member} of {key:?}"
            );
        }
    }
}

#[test]
fn pending_maintenance_is_one_call_per_target_and_joined_on_the_arn() {
    let o = joined_run();
    for account in &o.config.accounts {
        for region in &o.config.regions {
            assert_eq!(
                o.counters.pending_maintenance_calls_for(account, region),
                1,
                "{account} {region}"
            );
        }
    }
    let got = records(&o.run.stdout);
    for instance in o.config.reachable_inventory() {
        let key = (
            instance.account_id.clone(),
            instance.region.clone(),
            instance.identifier.clone(),
        );
        assert_eq!(
            without_nulls(&got[&key]["pending_maintenance_actions"]),
            without_nulls(&Value::Array(instance.pending_maintenance_actions())),
            "{key:?}"
        );
    }
}

#[test]
fn engine_support_is_one_call_per_region_and_engine() {
    let o = joined_run();
    let inventory = o.config.reachable_inventory();
    let engines: BTreeSet<(String, String)> = inventory
        .iter()
        .map(|i| (i.region.clone(), i.engine.clone()))
        .collect();
    for (region, engine) in &engines {
        let calls = o.counters.major_engine_versions_calls_for(region, engine);
        assert!(calls <= 1, "{region} {engine}: {calls} calls");
    }
    let got = records(&o.run.stdout);
    for instance in inventory {
        let key = (
            instance.account_id.clone(),
            instance.region.clone(),
            instance.identifier.clone(),
        );
        let record = &got[&key];
        match expected_major_engine_lifecycle(&instance.engine, &instance.engine_version) {
            Some(lifecycle) => {
                assert_eq!(
                    record["engine_major_version"],
                    lifecycle.major_engine_version.as_str(),
                    "{key:?}"
                );
                assert_eq!(
                    record["standard_support_end_date"],
                    lifecycle.standard_support_end.as_str(),
                    "{key:?}"
                );
                assert_eq!(
                    record["extended_support_end_date"],
                    lifecycle
                        .extended_support_end
                        .map_or(Value::Null, Value::from),
                    "{key:?}"
                );
            }
            None => assert_eq!(record["standard_support_end_date"], Value::Null, "{key:?}"),
        }
    }
}

#[test]
fn a_denied_join_is_one_warning_per_account_and_kind_and_fails_no_target() {
    let mut config = base_config(2, 20);
    let denied = config.accounts[1].clone();
    config.maintenance_denied_accounts.insert(denied.clone());
    config
        .engine_versions_denied_accounts
        .insert(denied.clone());
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &[
            "--with",
            "pending-maintenance,engine-support",
            "--max-attempts",
            "2",
        ],
    );
    run.assert_code(0, "a denied join does not fail the run");
    let warnings = run.warning_lines();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert!(warnings.iter().all(|w| w.contains(&denied)), "{warnings:?}");
    assert!(warnings
        .iter()
        .any(|w| w.contains("DescribePendingMaintenanceActions")));
    assert!(warnings
        .iter()
        .any(|w| w.contains("DescribeDBMajorEngineVersions")));
    for record in records(&run.stdout).values() {
        if record["account_id"] == denied.as_str() {
            assert_eq!(record["pending_maintenance_actions"], Value::Null);
        } else {
            assert!(record["pending_maintenance_actions"].is_array());
        }
    }
}

#[test]
fn without_with_no_joined_call_is_made() {
    let fake = fake::start(base_config(2, 10));
    let run = fake::run(&fake, &[]);
    run.assert_code(0, "plain run");
    let counters = fake.counters();
    assert_eq!(counters.calls_of("DescribePendingMaintenanceActions"), 0);
    assert_eq!(counters.calls_of("DescribeDBMajorEngineVersions"), 0);
}
