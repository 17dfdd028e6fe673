//! The five kinds added through the kind registry (automated-backups,
//! cluster-automated-backups, proxies, blue-green-deployments, global-clusters) and AWS Backup
//! snapshots, against the fake: every resource listed once over several pages, the account-wide
//! kind listed once per account, `source_exists` of retained backups, a denied kind that costs
//! no other kind its records, and throttled listings retried to completion.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::fake::{self, base_config};
use common::Run;
use fake_aws::{FakeConfig, ResourceKind};
use serde_json::Value;

/// (the tool's kind, the fake's kind, the record field the fake's `arn` or `identifier` is)
const KINDS: [(&str, ResourceKind, &str); 5] = [
    (
        "automated-backups",
        ResourceKind::AutomatedBackups,
        "db_instance_automated_backups_arn",
    ),
    (
        "cluster-automated-backups",
        ResourceKind::ClusterAutomatedBackups,
        "db_cluster_automated_backups_arn",
    ),
    ("proxies", ResourceKind::Proxies, "db_proxy_arn"),
    (
        "blue-green-deployments",
        ResourceKind::BlueGreen,
        "blue_green_deployment_identifier",
    ),
    (
        "global-clusters",
        ResourceKind::GlobalClusters,
        "global_cluster_identifier",
    ),
];

/// 3 accounts x 4 regions, with more than a page (100) of automated backups per target.
fn with_every_kind() -> FakeConfig {
    let mut config = FakeConfig {
        clusters_per_target: 2,
        snapshots_per_target: 3,
        awsbackup_snapshots_per_target: 3,
        ..base_config(3, 130)
    };
    for (count, kind) in [
        (150, ResourceKind::AutomatedBackups),
        (4, ResourceKind::ClusterAutomatedBackups),
        (3, ResourceKind::Proxies),
        (2, ResourceKind::BlueGreen),
        (2, ResourceKind::GlobalClusters),
    ] {
        config.kind_counts.insert(kind, count);
    }
    config
}

fn records(run: &Run, kind: &str) -> Vec<Value> {
    let path = run.path(&format!("{kind}.ndjson"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    text.lines()
        .map(|l| serde_json::from_str(l).expect("an NDJSON record"))
        .collect()
}

/// The key the fake knows a resource by, as (account, key field).
fn keys(records: &[Value], field: &str) -> Vec<(String, String)> {
    records
        .iter()
        .map(|r| {
            let text = |n: &str| r[n].as_str().unwrap_or_default().to_owned();
            (text("account_id"), text(field))
        })
        .collect()
}

fn expected(config: &FakeConfig, kind: ResourceKind, field: &str) -> BTreeSet<(String, String)> {
    config
        .reachable_resources(kind)
        .into_iter()
        .map(|r| {
            let key = if field.ends_with("_arn") {
                r.arn
            } else {
                r.identifier
            };
            (r.account_id, key)
        })
        .collect()
}

#[test]
fn every_resource_of_every_new_kind_is_listed_once_and_global_clusters_once_per_account() {
    let fake = fake::start(with_every_kind());
    let run = fake::run(&fake, &["-q", "--kind", "all", "-o", "{kind}.ndjson"]);
    run.assert_code(0, "--kind all");
    let config = fake.config();
    let counters = fake.counters();
    for (name, kind, field) in KINDS {
        let listed = keys(&records(&run, name), field);
        let unique: BTreeSet<(String, String)> = listed.iter().cloned().collect();
        assert_eq!(
            unique.len(),
            listed.len(),
            "{name}: a resource listed twice"
        );
        let want = expected(config, kind, field);
        assert!(!want.is_empty(), "{name}: the scenario has some");
        assert_eq!(unique, want, "{name}: every resource, nothing else");
    }
    // More than a page of automated backups per target: every page asked, none twice.
    let pages = counters.calls["DescribeDBInstanceAutomatedBackups"];
    assert!(
        pages > (config.accounts.len() * config.regions.len()) as u64,
        "{pages} calls"
    );
    for account in &config.accounts {
        assert_eq!(
            counters.account_calls_for("DescribeGlobalClusters", account),
            1,
            "{account}: global clusters are asked once per account, not once per region"
        );
    }
}

#[test]
fn retained_backups_of_deleted_databases_have_no_source() {
    let fake = fake::start(with_every_kind());
    let run = fake::run(&fake, &["-q", "--kind", "all", "-o", "{kind}.ndjson"]);
    run.assert_code(0, "--kind all");
    for name in ["automated-backups", "cluster-automated-backups"] {
        let mut by_status: BTreeMap<(String, String), usize> = BTreeMap::new();
        for record in records(&run, name) {
            let status = record["status"].as_str().unwrap_or_default().to_owned();
            *by_status
                .entry((status, record["source_exists"].to_string()))
                .or_default() += 1;
        }
        let retained = by_status.get(&("retained".into(), "false".into()));
        assert!(retained.is_some_and(|n| *n > 0), "{name}: {by_status:?}");
        let wrong = by_status
            .keys()
            .filter(|(status, exists)| (status == "retained") != (exists == "false"))
            .count();
        assert_eq!(
            wrong, 0,
            "{name}: retained <=> the source is gone: {by_status:?}"
        );
    }
    // Without the source kinds in the run, nobody can say: null.
    let run = fake::run(&fake, &["-q", "--kind", "automated-backups"]);
    run.assert_code(0, "automated-backups alone");
    assert!(run
        .json_lines()
        .iter()
        .all(|r| r["source_exists"].is_null()));
}

#[test]
fn aws_backup_snapshots_are_listed_by_type_and_never_twice() {
    let fake = fake::start(with_every_kind());
    let run = fake::run(&fake, &["-q", "--kind", "snapshots"]);
    run.assert_code(0, "snapshots");
    let listed = run.json_lines();
    let arns: Vec<&str> = listed
        .iter()
        .filter_map(|r| r["db_snapshot_arn"].as_str())
        .collect();
    let unique: BTreeSet<&str> = arns.iter().copied().collect();
    assert_eq!(unique.len(), arns.len(), "no snapshot twice");
    let backup = listed
        .iter()
        .filter(|r| r["snapshot_type"] == "awsbackup")
        .count();
    assert!(
        backup > 0,
        "AWS Backup snapshots come only by type: they are listed"
    );
    let config = fake.config();
    let awsbackup = config.awsbackup_snapshots().len();
    assert!(
        backup >= awsbackup,
        "every AWS Backup snapshot of the type's own listing"
    );
    assert_eq!(
        listed.len(),
        config.snapshots().len() + awsbackup,
        "every snapshot of the fake: the default listing and the AWS Backup one"
    );
}

#[test]
fn a_denied_kind_is_missing_in_that_account_and_costs_no_other_kind_or_account() {
    let mut config = with_every_kind();
    let denied = config.accounts[0].clone();
    config
        .denied_operations
        .insert(("DescribeDBProxies".into(), denied.clone()));
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "all",
            "-o",
            "{kind}.ndjson",
            "--summary",
            "s.json",
        ],
    );
    run.assert_code(3, "a kind failed in some targets");
    let config = fake.config();
    let proxies = keys(&records(&run, "proxies"), "db_proxy_arn");
    assert!(proxies.iter().all(|(account, _)| *account != denied));
    let want = expected(config, ResourceKind::Proxies, "db_proxy_arn");
    assert_eq!(proxies.into_iter().collect::<BTreeSet<_>>(), want);
    for (name, kind, field) in KINDS.into_iter().filter(|(n, ..)| *n != "proxies") {
        let listed: BTreeSet<_> = keys(&records(&run, name), field).into_iter().collect();
        assert_eq!(listed, expected(config, kind, field), "{name} complete");
    }
    let lines = run.stderr_lines_with("DescribeDBProxies");
    assert_eq!(
        lines.len(),
        1,
        "one line for the account, not one per region: {lines:?}"
    );
    assert!(
        lines[0].contains(&denied) && lines[0].contains("denied"),
        "{}",
        lines[0]
    );
    let summary = run.json_file("s.json");
    let failures = summary["failures"].as_array().expect("failures");
    assert_eq!(
        failures.len(),
        config.regions.len(),
        "one per target of the account"
    );
    assert!(failures
        .iter()
        .all(|f| f["kind"] == "proxies" && f["account_id"] == denied.as_str()));
}

#[test]
fn throttled_listings_of_every_new_kind_are_retried_to_completion() {
    for seed in 0..5 {
        let config = FakeConfig {
            throttle_rate: 0.3,
            seed,
            ..with_every_kind()
        };
        let fake = fake::start(config);
        let run = fake::run(&fake, &["-q", "--kind", "all", "-o", "{kind}.ndjson"]);
        run.assert_code(0, "throttled, not failed");
        assert!(
            fake.counters().faults.throttled > 0,
            "seed {seed}: throttled"
        );
        for (name, kind, field) in KINDS {
            let listed: BTreeSet<_> = keys(&records(&run, name), field).into_iter().collect();
            assert_eq!(
                listed,
                expected(fake.config(), kind, field),
                "seed {seed}: {name}"
            );
        }
    }
}
