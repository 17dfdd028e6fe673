//! Snapshot kinds against moto, judged by boto3 (issue 19, item 5): every member boto3's
//! `describe_db_snapshots` / `describe_db_cluster_snapshots` returns is in the record under its
//! snake_case name and equal, and who can restore each snapshot is right for a public, an
//! inside-shared, an outside-shared, a private, an orphaned and an automated DB snapshot and a
//! publicly shared cluster snapshot.
//!
//! The expected members come from boto3 in moto's virtualenv, not from values the test wrote.

use crate::common;

use std::collections::BTreeMap;

use common::boto3::{api_fields, records_by};
use common::moto::MotoServer;
use common::{once, Run};
use serde_json::{json, Map, Value};

/// The account the snapshots are made in.
const ACCOUNT: &str = "111111111111";
/// The other account of the run: a snapshot shared with it is not shared outside.
const OTHER: &str = "222222222222";
/// An account that is not in the run.
const OUTSIDE: &str = "999900001111";
const REGION: &str = "eu-west-1";
const ROLE: &str = "InventoryReadOnly";

/// boto3, after the prelude in `common::boto3` (`client`, `rfc3339`): `seed` creates two
/// instances (`orders`, kept, and `retired`, snapshotted and then deleted) and an Aurora cluster `ledger` in ACCOUNT; manual snapshots of
/// `orders` made public, shared with OTHER, shared with OUTSIDE (and OTHER), kept private; one
/// of `retired` (an orphan); a manual cluster snapshot of `ledger` made public. moto makes the
/// automated `rds:orders-<date>` itself. `snapshots` / `cluster-snapshots` print the
/// describe call's members as JSON (timestamps formatted like the SDK's RFC 3339).
const BOTO3: &str = r#"
mode, endpoint, account, region, role, other, outside = sys.argv[1:8]
rds = client("rds", endpoint, account, region, role)
if mode == "seed":
    for name in ["orders", "retired"]:
        rds.create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
            EngineVersion="16.3", AllocatedStorage=20, MasterUsername="orders_admin",
            MasterUserPassword="not-a-secret-1", BackupRetentionPeriod=7,
            Tags=[{"Key": "team", "Value": "orders"}])
    shares = {"orders-public": ["all"], "orders-inside": [other],
              "orders-outside": [other, outside], "orders-private": []}
    for name, accounts in shares.items():
        rds.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier="orders",
                               Tags=[{"Key": "purpose", "Value": name}])
        if accounts:
            rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=name, AttributeName="restore",
                                             ValuesToAdd=accounts)
    rds.create_db_snapshot(DBSnapshotIdentifier="retired-final", DBInstanceIdentifier="retired")
    rds.delete_db_instance(DBInstanceIdentifier="retired", SkipFinalSnapshot=True)
    rds.create_db_cluster(
        DBClusterIdentifier="ledger", Engine="aurora-postgresql", EngineVersion="16.4",
        MasterUsername="ledger_admin", MasterUserPassword="not-a-secret-2",
        StorageEncrypted=True, BackupRetentionPeriod=7)
    rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="ledger-public",
                                   DBClusterIdentifier="ledger")
    rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="ledger-public",
                                             AttributeName="restore", ValuesToAdd=["all"])
elif mode == "snapshots":
    pages = rds.get_paginator("describe_db_snapshots").paginate()
    print(json.dumps([s for page in pages for s in page["DBSnapshots"]], default=rfc3339))
elif mode == "cluster-snapshots":
    pages = rds.get_paginator("describe_db_cluster_snapshots").paginate()
    print(json.dumps([s for page in pages for s in page["DBClusterSnapshots"]], default=rfc3339))
"#;

/// Runs the inline boto3 script against `moto`.
fn boto3(mode: &str, moto: &MotoServer) -> String {
    common::boto3::run_script(
        BOTO3,
        &[mode, moto.url(), ACCOUNT, REGION, ROLE, OTHER, OUTSIDE],
    )
}

/// One seeded moto, listed once, shared by the tests that only read it.
struct Scenario {
    moto: MotoServer,
    run: Run,
}

fn scenario() -> &'static Scenario {
    once!(Scenario, {
        let moto = MotoServer::start();
        boto3("seed", &moto);
        let run = inventory(
            &moto,
            &[
                "--kind",
                "instances,snapshots,cluster-snapshots",
                "-o",
                "{kind}.ndjson",
                "--summary",
                "summary.json",
            ],
        );
        run.assert_code(0, "instances and both snapshot kinds");
        Scenario { moto, run }
    })
}

/// rds-inventory against `moto` for ACCOUNT and OTHER in REGION, with the base keys.
fn inventory(moto: &MotoServer, args: &[&str]) -> Run {
    let tool = moto.inventory(&[REGION], ROLE, &[(ACCOUNT, "prod"), (OTHER, "staging")]);
    tool.args(args.iter().copied()).run()
}

/// Every member boto3 listed for each snapshot (`mode`) is in its record, equal; each record
/// is of ACCOUNT ("prod") in REGION, of the `rds` service.
fn assert_members_equal(
    mode: &str,
    records: BTreeMap<String, Map<String, Value>>,
    fields: &BTreeMap<String, String>,
    id_member: &str,
) {
    let scenario = scenario();
    let listed: Vec<Map<String, Value>> =
        serde_json::from_str(&boto3(mode, &scenario.moto)).expect("boto3's answer");
    for (id, record) in &records {
        assert_eq!(record["account_id"], ACCOUNT, "{id}");
        assert_eq!(record["account_name"], "prod", "{id}");
        assert_eq!(record["region"], REGION, "{id}");
        assert_eq!(record["service"], "rds", "{id}");
    }
    common::boto3::assert_members_equal(&listed, records, fields, id_member, &[]);
}

#[test]
fn every_member_boto3_returns_for_a_db_snapshot_is_in_its_record_with_the_same_value() {
    let scenario = scenario();
    let fields = api_fields("snapshots", "DescribeDBSnapshots DBSnapshot.");
    assert!(fields.len() >= 42, "{}", fields.len());
    let records = records_by(&scenario.run, "snapshots.ndjson", "db_snapshot_identifier");
    assert_members_equal("snapshots", records, &fields, "DBSnapshotIdentifier");
}

#[test]
fn every_member_boto3_returns_for_a_cluster_snapshot_is_in_its_record_with_the_same_value() {
    let scenario = scenario();
    let fields = api_fields(
        "cluster-snapshots",
        "DescribeDBClusterSnapshots DBClusterSnapshot.",
    );
    assert!(fields.len() >= 29, "{}", fields.len());
    let records = records_by(
        &scenario.run,
        "cluster-snapshots.ndjson",
        "db_cluster_snapshot_identifier",
    );
    assert_members_equal(
        "cluster-snapshots",
        records,
        &fields,
        "DBClusterSnapshotIdentifier",
    );
}

/// (shared_publicly, shared_with_accounts, shared_with_outside_accounts, source_exists).
fn sharing(record: &Map<String, Value>) -> (Value, Value, Value, Value) {
    (
        record["shared_publicly"].clone(),
        record["shared_with_accounts"].clone(),
        record["shared_with_outside_accounts"].clone(),
        record["source_exists"].clone(),
    )
}

#[test]
fn who_can_restore_each_db_snapshot_and_whether_its_source_exists() {
    let scenario = scenario();
    let records = records_by(&scenario.run, "snapshots.ndjson", "db_snapshot_identifier");
    let cases = [
        ("orders-public", json!([true, [], [], true])),
        ("orders-inside", json!([false, [OTHER], [], true])),
        (
            "orders-outside",
            json!([false, [OTHER, OUTSIDE], [OUTSIDE], true]),
        ),
        ("orders-private", json!([false, [], [], true])),
        // The instance was deleted: a manual snapshot outlives it.
        ("retired-final", json!([false, [], [], false])),
    ];
    for (id, expected) in cases {
        let record = records
            .get(id)
            .unwrap_or_else(|| panic!("{id} not listed: {:?}", records.keys()));
        assert_eq!(record["snapshot_type"], "manual", "{id}");
        let (public, accounts, outside, exists) = sharing(record);
        assert_eq!(json!([public, accounts, outside, exists]), expected, "{id}");
    }
    // moto makes an automated snapshot `rds:<instance>-<date>` when an instance is created
    // and removes it with the instance (as AWS does): `orders` has one, `retired` none.
    let automated: Vec<&String> = records
        .iter()
        .filter(|(_, r)| r["snapshot_type"] == "automated")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(automated.len(), 1, "{automated:?}");
    let id = automated[0];
    assert!(id.starts_with("rds:orders-"), "{id}");
    let (public, accounts, outside, exists) = sharing(&records[id]);
    assert_eq!(
        json!([public, accounts, outside, exists]),
        json!([false, [], [], true]),
        "{id}: automated, never shared"
    );
    assert_eq!(records.len(), 6, "{:?}", records.keys());
}

#[test]
fn a_publicly_shared_cluster_snapshot_says_so() {
    let scenario = scenario();
    let records = records_by(
        &scenario.run,
        "cluster-snapshots.ndjson",
        "db_cluster_snapshot_identifier",
    );
    let record = records
        .get("ledger-public")
        .unwrap_or_else(|| panic!("ledger-public not listed: {:?}", records.keys()));
    assert_eq!(record["snapshot_type"], "manual");
    let (public, accounts, outside, _) = sharing(record);
    assert_eq!(json!([public, accounts, outside]), json!([true, [], []]));
    // The run lists no clusters, so whether the source cluster exists is unknown.
    assert_eq!(record["source_exists"], Value::Null);
    for (id, other) in &records {
        if other["snapshot_type"] != "manual" {
            let (public, accounts, outside, _) = sharing(other);
            assert_eq!(
                json!([public, accounts, outside]),
                json!([false, [], []]),
                "{id}"
            );
        }
    }
}

/// Days since 0000-03-01 of a `YYYY-MM-DDTHH:MM:SS...` timestamp, as a fraction.
fn days(timestamp: &str) -> f64 {
    let number = |range: std::ops::Range<usize>| -> i64 {
        timestamp[range]
            .parse()
            .unwrap_or_else(|_| panic!("{timestamp}"))
    };
    let (mut y, mut m, d) = (number(0..4), number(5..7), number(8..10));
    if m <= 2 {
        y -= 1;
        m += 12;
    }
    let day = 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d;
    let seconds = number(11..13) * 3600 + number(14..16) * 60 + number(17..19);
    day as f64 + seconds as f64 / 86_400.0
}

#[test]
fn age_days_counts_whole_days_from_the_snapshot_to_the_runs_start() {
    let scenario = scenario();
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(scenario.run.path("summary.json")).expect("summary"),
    )
    .expect("JSON");
    let started = days(summary["started_at"].as_str().expect("started_at"));
    for (file, key) in [
        ("snapshots.ndjson", "db_snapshot_identifier"),
        ("cluster-snapshots.ndjson", "db_cluster_snapshot_identifier"),
    ] {
        for (id, record) in records_by(&scenario.run, file, key) {
            let created = days(record["snapshot_create_time"].as_str().expect("a time"));
            let expected = (started - created).floor() as i64;
            // moto stamps every snapshot with the time it was made (no way to back-date one),
            // so the age is 0 here unless the test straddles midnight.
            assert!(expected <= 1, "{id}: moto made it {expected} days ago");
            assert_eq!(record["age_days"], expected, "{id}");
        }
    }
}
