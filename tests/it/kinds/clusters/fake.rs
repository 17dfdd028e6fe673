//! Resource kinds against the fault-injecting fake: how many DescribeDBClusters calls a run
//! makes (one per target with cluster members, shared by both kinds, none elsewhere), clusters
//! paged across pages, a denied DescribeDBClusters (a warning for instance rows, a failure of
//! the clusters kind only), throttling, and pending maintenance joined by cluster ARN.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::fake::{self, base_config};
use common::Run;
use fake_aws::FakeConfig;
use serde_json::Value;

/// (account id, region, identifier).
type Key = (String, String, String);

/// The records of NDJSON file `name` of `run`.
fn records(run: &Run, name: &str) -> Vec<Value> {
    let text =
        std::fs::read_to_string(run.path(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"));
    text.lines()
        .map(|line| serde_json::from_str(line).expect("an NDJSON record"))
        .collect()
}

/// The keys of the records of NDJSON file `name`, identified by field `identifier`.
fn keys_of(run: &Run, name: &str, identifier: &str) -> BTreeSet<Key> {
    records(run, name)
        .iter()
        .map(|r| key(r, identifier))
        .collect()
}

fn key(record: &Value, identifier: &str) -> Key {
    let text = |name: &str| record[name].as_str().expect("a string").to_owned();
    (text("account_id"), text("region"), text(identifier))
}

/// The clusters the fake serves to the tool.
fn expected_clusters(config: &FakeConfig) -> BTreeSet<Key> {
    config
        .reachable_clusters()
        .into_iter()
        .map(|c| (c.account_id, c.region, c.identifier))
        .collect()
}

fn targets(config: &FakeConfig) -> Vec<(String, String)> {
    config
        .accounts
        .iter()
        .flat_map(|a| config.regions.iter().map(move |r| (a.clone(), r.clone())))
        .collect()
}

fn with_clusters(accounts: usize, instances: usize, clusters: usize) -> FakeConfig {
    FakeConfig {
        clusters_per_target: clusters,
        ..base_config(accounts, instances)
    }
}

#[test]
fn an_instances_run_lists_clusters_once_per_target_with_members_and_never_elsewhere() {
    let fake = fake::start(with_clusters(4, 6, 2));
    let run = fake::run(&fake, &["-q"]);
    run.assert_code(0, "instances only");
    fake::assert_complete(fake.config(), &run);
    let with_members: BTreeSet<(String, String)> = fake
        .config()
        .targets_with_cluster_members()
        .into_iter()
        .collect();
    let all = targets(fake.config());
    assert!(!with_members.is_empty(), "the scenario has cluster members");
    assert!(
        with_members.len() < all.len(),
        "the scenario has targets without cluster members"
    );
    let counters = fake.counters();
    for (account, region) in &all {
        let want = u64::from(with_members.contains(&(account.clone(), region.clone())));
        assert_eq!(
            counters.describe_clusters_calls_for(account, region),
            want,
            "{account} {region}"
        );
    }
}

#[test]
fn instance_rows_of_a_protected_cluster_show_its_settings_and_their_role() {
    let fake = fake::start(with_clusters(2, 4, 2));
    let run = fake::run(&fake, &["-q", "-o", "instances.ndjson"]);
    run.assert_code(0, "instances only");
    let rows: BTreeMap<Key, Value> = records(&run, "instances.ndjson")
        .into_iter()
        .map(|r| (key(&r, "db_instance_identifier"), r))
        .collect();
    let mut checked = 0;
    for cluster in fake.config().reachable_clusters() {
        for member in &cluster.members {
            let id = (
                cluster.account_id.clone(),
                cluster.region.clone(),
                member.db_instance_identifier.clone(),
            );
            let row = rows
                .get(&id)
                .unwrap_or_else(|| panic!("member {id:?} is not listed"));
            let role = if member.is_cluster_writer {
                "writer"
            } else {
                "reader"
            };
            assert_eq!(row["cluster_role"], role, "{id:?}");
            assert_eq!(
                row["effective_deletion_protection"], cluster.deletion_protection,
                "{id:?}"
            );
            assert_eq!(
                row["effective_storage_encrypted"], cluster.storage_encrypted,
                "{id:?}"
            );
            assert_eq!(
                row["effective_backup_retention_period"], cluster.backup_retention_period,
                "{id:?}"
            );
            assert_eq!(row["effective_multi_az"], cluster.multi_az, "{id:?}");
            if cluster.deletion_protection {
                assert_eq!(row["deletion_protection"], false, "AWS's own value stays");
            }
            checked += 1;
        }
    }
    assert!(checked > 4, "{checked} members checked");
    for row in rows
        .values()
        .filter(|r| r["db_cluster_identifier"].is_null())
    {
        assert_eq!(row["cluster_role"], Value::Null);
        assert_eq!(
            row["effective_deletion_protection"],
            row["deletion_protection"]
        );
    }
}

#[test]
fn listing_both_kinds_shares_one_cluster_listing_per_target() {
    let fake = fake::start(with_clusters(3, 5, 2));
    let run = fake::run(&fake, &["-q", "--kind", "all", "-o", "{kind}.ndjson"]);
    run.assert_code(0, "--kind all");
    assert_eq!(run.stdout, "", "records go to the files");
    let counters = fake.counters();
    for (account, region) in targets(fake.config()) {
        assert_eq!(
            counters.describe_clusters_calls_for(&account, &region),
            1,
            "{account} {region}: one listing for both kinds"
        );
    }
    let clusters: BTreeSet<Key> = keys_of(&run, "clusters.ndjson", "db_cluster_identifier");
    assert_eq!(clusters, expected_clusters(fake.config()));
    let instances: BTreeSet<Key> = keys_of(&run, "instances.ndjson", "db_instance_identifier");
    assert_eq!(instances, fake::expected_keys(fake.config()));
    assert_eq!(
        counters.assume_role_calls_total,
        fake.config().accounts.len() as u64,
        "one AssumeRole per account for every kind"
    );
}

#[test]
fn clusters_are_listed_across_pages() {
    let fake = fake::start(with_clusters(1, 1, 160));
    let run = fake::run(&fake, &["-q", "--kind", "clusters"]);
    run.assert_code(0, "--kind clusters");
    let got: BTreeSet<Key> = run
        .json_lines()
        .iter()
        .map(|r| key(r, "db_cluster_identifier"))
        .collect();
    let want = expected_clusters(fake.config());
    assert_eq!(got, want);
    let counters = fake.counters();
    let paged = targets(fake.config())
        .into_iter()
        .filter(|(a, r)| fake.config().target_clusters(a, r).len() > 100)
        .inspect(|(a, r)| {
            let pages = fake.config().target_clusters(a, r).len().div_ceil(100) as u64;
            assert_eq!(counters.describe_clusters_calls_for(a, r), pages, "{a} {r}");
        })
        .count();
    assert!(paged > 0, "a target with more than one page of clusters");
}

#[test]
fn a_denied_cluster_lookup_warns_once_per_account_and_leaves_the_effective_fields_null() {
    let mut config = with_clusters(2, 4, 2);
    let denied = config.accounts[0].clone();
    config.clusters_denied_accounts.insert(denied.clone());
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &["-q", "-o", "instances.ndjson", "--summary", "summary.json"],
    );
    run.assert_code(0, "a denied cluster lookup does not fail the run");
    let warnings = run.stderr_lines_with("rds:DescribeDBClusters");
    assert_eq!(
        warnings.len(),
        1,
        "one warning for the account: {warnings:?}"
    );
    assert!(warnings[0].contains(&denied), "{}", warnings[0]);
    let summary = run.json_file("summary.json");
    assert_eq!(summary["targets"]["failed"], 0);
    let lookups: Vec<&Value> = summary["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["phase"] == "cluster_lookup")
        .collect();
    assert_eq!(lookups.len(), 1, "{lookups:?}");
    assert_eq!(lookups[0]["account_id"], denied.as_str());
    let rows = records(&run, "instances.ndjson");
    let members: Vec<&Value> = rows
        .iter()
        .filter(|r| r["db_cluster_identifier"].is_string())
        .collect();
    assert!(members.iter().any(|r| r["account_id"] == denied.as_str()));
    assert!(members.iter().any(|r| r["account_id"] != denied.as_str()));
    for row in members {
        let known = row["account_id"] != denied.as_str();
        assert_eq!(
            !row["effective_deletion_protection"].is_null(),
            known,
            "{row}"
        );
        assert_eq!(!row["cluster_role"].is_null(), known, "{row}");
    }
}

#[test]
fn a_denied_clusters_kind_fails_that_kind_only() {
    let mut config = with_clusters(2, 4, 2);
    let denied = config.accounts[0].clone();
    config.clusters_denied_accounts.insert(denied.clone());
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
            "summary.json",
        ],
    );
    run.assert_code(3, "the clusters of one account could not be listed");
    let instances: BTreeSet<Key> = keys_of(&run, "instances.ndjson", "db_instance_identifier");
    assert_eq!(
        instances,
        fake::expected_keys(fake.config()),
        "every instance is still listed"
    );
    let clusters: BTreeSet<Key> = keys_of(&run, "clusters.ndjson", "db_cluster_identifier");
    assert_eq!(clusters, expected_clusters(fake.config()));
    let summary = run.json_file("summary.json");
    let regions = fake.config().regions.len() as u64;
    assert_eq!(summary["kinds"]["clusters"]["failed_targets"], regions);
    assert_eq!(summary["kinds"]["instances"]["failed_targets"], 0);
    for failure in summary["failures"].as_array().expect("failures") {
        assert_eq!(failure["kind"], "clusters", "{failure}");
        assert_eq!(failure["account_id"], denied.as_str(), "{failure}");
    }
}

#[test]
fn throttled_cluster_listings_are_retried_to_completion() {
    let config = FakeConfig {
        throttle_rate: 0.3,
        ..with_clusters(3, 5, 3)
    };
    let fake = fake::start(config);
    let run = fake::run(&fake, &["-q", "--kind", "all", "-o", "{kind}.ndjson"]);
    run.assert_code(0, "throttling slows the run down, it loses nothing");
    assert!(fake.counters().faults.throttled > 0, "the fake throttled");
    let clusters: BTreeSet<Key> = keys_of(&run, "clusters.ndjson", "db_cluster_identifier");
    assert_eq!(clusters, expected_clusters(fake.config()));
    let instances: BTreeSet<Key> = keys_of(&run, "instances.ndjson", "db_instance_identifier");
    assert_eq!(instances, fake::expected_keys(fake.config()));
}

#[test]
fn pending_maintenance_is_joined_into_cluster_records_by_arn_from_one_listing() {
    let config = FakeConfig {
        cluster_maintenance: true,
        ..with_clusters(2, 4, 2)
    };
    let fake = fake::start(config);
    let run = fake::run(
        &fake,
        &[
            "-q",
            "--kind",
            "all",
            "-o",
            "{kind}.ndjson",
            "--with",
            "pending-maintenance",
        ],
    );
    run.assert_code(0, "--with pending-maintenance");
    let counters = fake.counters();
    for (account, region) in targets(fake.config()) {
        assert_eq!(
            counters.target_calls_for("DescribePendingMaintenanceActions", &account, &region),
            1,
            "{account} {region}: one listing serves both kinds"
        );
    }
    let by_key: BTreeMap<Key, Value> = records(&run, "clusters.ndjson")
        .into_iter()
        .map(|r| (key(&r, "db_cluster_identifier"), r))
        .collect();
    let mut with_actions = 0;
    for cluster in fake.config().reachable_clusters() {
        let record = &by_key[&(
            cluster.account_id.clone(),
            cluster.region.clone(),
            cluster.identifier.clone(),
        )];
        let got = record["pending_maintenance_actions"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: asked for, so a list", cluster.identifier));
        let want = cluster.pending_maintenance_actions();
        assert_eq!(got.len(), want.len(), "{}", cluster.identifier);
        with_actions += usize::from(!want.is_empty());
    }
    assert!(with_actions > 0, "some cluster has pending maintenance");
}

#[test]
fn engine_support_is_joined_into_cluster_records() {
    let fake = fake::start(with_clusters(1, 2, 4));
    let run = fake::run(
        &fake,
        &["-q", "--kind", "clusters", "--with", "engine-support"],
    );
    run.assert_code(0, "--with engine-support");
    let lines = run.json_lines();
    let aurora: Vec<&Value> = lines
        .iter()
        .filter(|r| r["engine"] == "aurora-postgresql" || r["engine"] == "aurora-mysql")
        .collect();
    assert!(!aurora.is_empty(), "the scenario has Aurora clusters");
    for record in &aurora {
        assert!(record["engine_major_version"].is_string(), "{record}");
    }
    assert!(
        aurora
            .iter()
            .any(|r| r["standard_support_end_date"].is_string()),
        "some Aurora major version has lifecycle dates"
    );
    let services: BTreeSet<&str> = lines.iter().filter_map(|r| r["service"].as_str()).collect();
    assert!(services.contains("rds"), "{services:?}");
}

#[test]
fn a_table_of_clusters_shows_the_clusters_default_columns() {
    let fake = fake::start(with_clusters(1, 2, 2));
    let run = fake::run(&fake, &["-q", "--kind", "clusters", "-f", "table"]);
    run.assert_code(0, "-f table --kind clusters");
    let header = run.stdout.lines().next().expect("a header");
    let words: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        words,
        [
            "ACCOUNT",
            "REGION",
            "CLUSTER",
            "ENGINE",
            "VERSION",
            "STATUS",
            "MULTI-AZ",
            "ENCRYPTED",
            "DEL-PROTECT",
            "BACKUP",
            "DAYS"
        ]
    );
    assert_eq!(
        run.stdout.lines().count(),
        1 + expected_clusters(fake.config()).len()
    );
}
