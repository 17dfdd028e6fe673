//! Snapshot kinds against the fake: every snapshot listed with who can restore it, exactly one
//! attribute call per manual snapshot and none per automated or AWS Backup one, and a denied
//! attribute call (null sharing fields, one warning per account and kind, exit unchanged);
//! listings of several pages (one call per page), throttled attribute calls retried until every
//! snapshot has its sharing fields, and `diff` of a snapshot made public between two runs.

use crate::common;

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

#[test]
fn snapshots_paged_across_several_pages_are_all_listed_one_call_per_page() {
    let config = FakeConfig {
        snapshots_per_target: 250,
        cluster_snapshots_per_target: 150,
        clusters_per_target: 1,
        ..base_config(2, 3)
    };
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "snapshots,cluster-snapshots",
            "-o",
            "{kind}.ndjson",
        ],
    );
    run.assert_code(0, "snapshots over several pages");
    let config = fake.config();
    let counters = fake.counters();
    // The tool asks for pages of 100, the most DescribeDBSnapshots gives.
    let pages = |n: usize| n.div_ceil(100).max(1) as u64;
    let mut several = 0;
    for account in &config.accounts {
        for region in &config.regions {
            let listed = config.target_snapshots(account, region);
            let snapshots = listed.len();
            let clusters = config.target_cluster_snapshots(account, region).len();
            // Then the listing of SnapshotType=awsbackup: AWS Backup's own snapshots.
            let backup = listed
                .iter()
                .filter(|s| s.snapshot_type.as_str() == "awsbackup")
                .count()
                + config.target_awsbackup_snapshots(account, region).len();
            assert_eq!(
                counters.target_calls_for("DescribeDBSnapshots", account, region),
                pages(snapshots) + pages(backup),
                "{account} {region}: {snapshots} DB snapshots, {backup} of AWS Backup"
            );
            assert_eq!(
                counters.target_calls_for("DescribeDBClusterSnapshots", account, region),
                pages(clusters),
                "{account} {region}: {clusters} cluster snapshots"
            );
            several += usize::from(pages(snapshots) >= 3);
        }
    }
    assert!(several > 0, "some target has three pages or more");
    let listed = records(&run, "snapshots.ndjson", "db_snapshot_identifier");
    let expected: std::collections::BTreeSet<_> = config
        .snapshots()
        .into_iter()
        .map(|s| (s.account_id, s.region, s.identifier))
        .collect();
    assert_eq!(
        listed
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        expected,
        "every DB snapshot exactly once"
    );
    assert_eq!(listed.len(), config.snapshots().len(), "no duplicates");
    let listed = records(
        &run,
        "cluster-snapshots.ndjson",
        "db_cluster_snapshot_identifier",
    );
    assert_eq!(listed.len(), config.cluster_snapshots().len());
    for s in config.cluster_snapshots() {
        assert!(
            listed.contains_key(&(s.account_id.clone(), s.region.clone(), s.identifier.clone())),
            "{} not listed",
            s.identifier
        );
    }
}

#[test]
fn throttled_attribute_calls_are_retried_until_every_snapshot_has_its_sharing_fields() {
    let config = FakeConfig {
        throttle_rate: 0.3,
        snapshots_per_target: 12,
        cluster_snapshots_per_target: 4,
        clusters_per_target: 1,
        ..base_config(3, 4)
    };
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "snapshots,cluster-snapshots",
            "-o",
            "{kind}.ndjson",
        ],
    );
    run.assert_code(0, "throttling slows the run down, it loses nothing");
    assert!(run.warning_lines().is_empty(), "{}", run.stderr);
    let config = fake.config();
    let accounts = config.accounts.clone();
    let counters = fake.counters();
    let manual = config.snapshots().iter().filter(|s| s.is_manual()).count() as u64;
    let manual_clusters = config
        .cluster_snapshots()
        .iter()
        .filter(|s| s.is_manual())
        .count() as u64;
    // Calls are counted whatever the answer: more calls than manual snapshots are retries of
    // throttled ones (the seed fixes the draws; 0.3 of several dozen calls is never none).
    assert!(
        counters.calls_of("DescribeDBSnapshotAttributes") > manual,
        "some attribute call was throttled and retried: {} calls, {manual} manual snapshots",
        counters.calls_of("DescribeDBSnapshotAttributes")
    );
    assert!(counters.calls_of("DescribeDBClusterSnapshotAttributes") >= manual_clusters);
    let listed = records(&run, "snapshots.ndjson", "db_snapshot_identifier");
    assert_eq!(listed.len(), config.snapshots().len());
    for s in config.snapshots() {
        let key = (s.account_id.clone(), s.region.clone(), s.identifier.clone());
        let row = &listed[&key];
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
        if !s.is_manual() {
            let calls =
                counters.snapshot_attributes_calls_for(&s.account_id, &s.region, &s.identifier);
            assert_eq!(calls, 0, "{key:?}: never asked for an automated one");
        }
    }
    let listed = records(
        &run,
        "cluster-snapshots.ndjson",
        "db_cluster_snapshot_identifier",
    );
    assert_eq!(listed.len(), config.cluster_snapshots().len());
    for s in config.cluster_snapshots() {
        let key = (s.account_id.clone(), s.region.clone(), s.identifier.clone());
        assert_eq!(
            listed[&key]["shared_publicly"],
            s.shared_publicly(),
            "{key:?}"
        );
    }
}

#[test]
fn a_snapshot_made_public_between_two_runs_is_one_changed_line_naming_shared_publicly() {
    let fake = fake::start(with_snapshots());
    let first = fake::run(&fake, &["-q", "--kind", "snapshots", "-o", "old.ndjson"]);
    first.assert_code(0, "first night");
    let second = fake::run(&fake, &["-q", "--kind", "snapshots", "-o", "new.ndjson"]);
    second.assert_code(0, "second night");
    // The fake cannot share a snapshot between runs: the second night's file has one private
    // manual snapshot made public, as DescribeDBSnapshotAttributes would then say.
    let old = std::fs::read_to_string(first.path("old.ndjson")).expect("old");
    let mut made_public = None;
    let new: Vec<String> = std::fs::read_to_string(second.path("new.ndjson"))
        .expect("new")
        .lines()
        .map(|line| {
            let mut record: Value = serde_json::from_str(line).expect("a record");
            if made_public.is_none()
                && record["snapshot_type"] == "manual"
                && record["shared_publicly"] == false
            {
                record["shared_publicly"] = Value::Bool(true);
                made_public = record["db_snapshot_identifier"].as_str().map(str::to_owned);
            }
            record.to_string()
        })
        .collect();
    let made_public = made_public.expect("a private manual snapshot");

    let tool = common::Tool::new();
    let dir = tool.workdir().to_path_buf();
    std::fs::write(dir.join("old.ndjson"), old).expect("write old");
    std::fs::write(dir.join("new.ndjson"), new.join("\n") + "\n").expect("write new");
    let diff = tool.args(["diff", "old.ndjson", "new.ndjson"]).run();
    diff.assert_code(1, "diff: differences");
    let lines = diff.json_lines();
    assert_eq!(lines.len(), 1, "exactly one change:\n{}", diff.stdout);
    let change = &lines[0];
    assert_eq!(change["change"], "changed");
    assert_eq!(change["db_snapshot_identifier"], made_public.as_str());
    assert_eq!(
        change["fields"],
        serde_json::json!({"shared_publicly": {"old": false, "new": true}})
    );

    let table = common::Tool::new();
    let dir = table.workdir().to_path_buf();
    for name in ["old.ndjson", "new.ndjson"] {
        std::fs::copy(diff.path(name), dir.join(name)).expect("copy");
    }
    let table = table
        .args(["diff", "-f", "table", "old.ndjson", "new.ndjson"])
        .run();
    table.assert_code(1, "diff -f table: differences");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", table.stdout);
    assert!(lines[0].starts_with("changed "), "{}", lines[0]);
    assert!(lines[0].contains(&made_public), "{}", lines[0]);
    assert!(
        lines[0].contains("shared_publicly false -> true"),
        "{}",
        lines[0]
    );
}
