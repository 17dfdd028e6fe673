//! Snapshot kinds against the fake: every snapshot listed with who can restore it, exactly one
//! attribute call per manual snapshot and none per automated or AWS Backup one, and a denied
//! attribute call (null sharing fields, one warning per account and kind, exit unchanged).

mod common;

use std::collections::BTreeMap;

use common::fake::{self, base_config};
use common::Run;
use fake_aws::FakeConfig;
use serde_json::Value;

/// (account id, region, identifier) -> record, from NDJSON file `name` of `run`.
fn records(run: &Run, name: &str, identifier: &str) -> BTreeMap<(String, String, String), Value> {
    let text =
        std::fs::read_to_string(run.path(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"));
    text.lines()
        .map(|line| {
            let r: Value = serde_json::from_str(line).expect("an NDJSON record");
            let text = |n: &str| r[n].as_str().expect("a string").to_owned();
            ((text("account_id"), text("region"), text(identifier)), r)
        })
        .collect()
}

fn with_snapshots() -> FakeConfig {
    FakeConfig {
        snapshots_per_target: 6,
        cluster_snapshots_per_target: 2,
        clusters_per_target: 1,
        ..base_config(3, 4)
    }
}

#[test]
fn every_snapshot_is_listed_with_who_can_restore_it_at_one_call_per_manual_snapshot() {
    let fake = fake::start(with_snapshots());
    let run = fake::run(&fake, &["-q", "--kind", "all", "-o", "{kind}.ndjson"]);
    run.assert_code(0, "all kinds");
    let config = fake.config();
    let accounts: Vec<String> = config.accounts.clone();
    let listed = records(&run, "snapshots.ndjson", "db_snapshot_identifier");
    let expected = config.snapshots();
    assert_eq!(listed.len(), expected.len(), "every DB snapshot once");
    let counters = fake.counters();
    let (mut public, mut outside, mut automated) = (0, 0, 0);
    for s in &expected {
        let key = (s.account_id.clone(), s.region.clone(), s.identifier.clone());
        let row = listed
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?} not listed"));
        assert_eq!(row["shared_publicly"], s.shared_publicly(), "{key:?}");
        assert_eq!(
            row["shared_with_accounts"],
            serde_json::json!(s.shared_with_accounts()),
            "{key:?}"
        );
        assert_eq!(
            row["shared_with_outside_accounts"],
            serde_json::json!(s.shared_with_outside_accounts(&accounts)),
            "{key:?}"
        );
        assert_eq!(row["source_exists"], s.source_exists, "{key:?}");
        assert!(row["age_days"].as_i64().is_some_and(|d| d >= 0), "{key:?}");
        let calls = counters.snapshot_attributes_calls_for(&s.account_id, &s.region, &s.identifier);
        assert_eq!(calls, u64::from(s.is_manual()), "{key:?}");
        public += usize::from(s.shared_publicly());
        outside += usize::from(!s.shared_with_outside_accounts(&accounts).is_empty());
        automated += usize::from(!s.is_manual());
    }
    assert!(
        public > 0 && outside > 0 && automated > 0,
        "the scenario covers each case"
    );

    let listed = records(
        &run,
        "cluster-snapshots.ndjson",
        "db_cluster_snapshot_identifier",
    );
    let expected = config.cluster_snapshots();
    assert_eq!(listed.len(), expected.len(), "every cluster snapshot once");
    for s in &expected {
        let key = (s.account_id.clone(), s.region.clone(), s.identifier.clone());
        let row = listed
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?} not listed"));
        assert_eq!(row["shared_publicly"], s.shared_publicly(), "{key:?}");
        assert_eq!(row["source_exists"], s.source_exists, "{key:?}");
        let calls =
            counters.cluster_snapshot_attributes_calls_for(&s.account_id, &s.region, &s.identifier);
        assert_eq!(calls, u64::from(s.is_manual()), "{key:?}");
    }
}

#[test]
fn source_exists_is_null_when_the_run_does_not_list_the_source_kind() {
    let fake = fake::start(with_snapshots());
    let run = fake::run(&fake, &["-q", "--kind", "snapshots", "-o", "s.ndjson"]);
    run.assert_code(0, "snapshots only");
    let listed = records(&run, "s.ndjson", "db_snapshot_identifier");
    assert!(!listed.is_empty());
    assert!(listed.values().all(|r| r["source_exists"].is_null()));
}

#[test]
fn a_denied_attribute_call_leaves_the_sharing_fields_null_and_warns_once_per_account_and_kind() {
    let mut config = with_snapshots();
    let denied = config.accounts[0].clone();
    config
        .snapshot_attributes_denied_accounts
        .insert(denied.clone());
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &[
            "--kind",
            "snapshots,cluster-snapshots",
            "-o",
            "{kind}.ndjson",
        ],
    );
    run.assert_code(0, "a denied attribute call does not fail the target");
    let listed = records(&run, "snapshots.ndjson", "db_snapshot_identifier");
    assert_eq!(
        listed.len(),
        fake.config().snapshots().len(),
        "still listed"
    );
    for ((account, _, id), row) in &listed {
        let manual = row["snapshot_type"] == "manual";
        if account == &denied && manual {
            assert!(row["shared_publicly"].is_null(), "{id}");
            assert!(row["shared_with_accounts"].is_null(), "{id}");
            assert!(row["shared_with_outside_accounts"].is_null(), "{id}");
        } else {
            assert!(row["shared_publicly"].is_boolean(), "{id}");
        }
    }
    for permission in [
        "rds:DescribeDBSnapshotAttributes",
        "rds:DescribeDBClusterSnapshotAttributes",
    ] {
        let warnings = run
            .stderr
            .lines()
            .filter(|l| l.contains(permission) && l.contains(&denied))
            .count();
        assert_eq!(warnings, 1, "one warning for {permission}:\n{}", run.stderr);
    }
}
