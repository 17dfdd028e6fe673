//! Resource kinds against moto, judged by boto3: the `clusters` kind carries every member
//! boto3's `describe_db_clusters` returns, under its snake_case name and equal; instance rows
//! of an Aurora cluster show the cluster's values in their `effective_*` fields and the right
//! `cluster_role`; the "public without deletion protection" recipe on the effective fields
//! flags a plain public instance and not the instances of a protected cluster.
//!
//! The expected values come from boto3 in moto's virtualenv, not from values the test wrote.

use crate::common;

use common::boto3::{api_fields, assert_members_equal, records_by};
use common::moto::MotoServer;
use common::{once, Run};
use serde_json::{Map, Value};

const ACCOUNT: &str = "111111111111";
const REGION: &str = "eu-west-1";
const ROLE: &str = "InventoryReadOnly";
/// How the schema spells a `DescribeDBClusters` source.
const API_SOURCE: &str = "DescribeDBClusters DBCluster.";
/// Members moto recomputes on every call ("now"), so two calls never agree on their value.
const MOVING: &[&str] = &["LatestRestorableTime", "EarliestRestorableTime"];

/// boto3, after the prelude in `common::boto3` (`client`, `rfc3339`): `seed`s an Aurora
/// cluster with deletion protection and two public instances, a plain public instance without
/// it and a Multi-AZ DB cluster; `clusters` prints `describe_db_clusters` as JSON (timestamps
/// formatted like the SDK's RFC 3339).
const BOTO3: &str = r#"
mode, endpoint, account, region, role = sys.argv[1:6]
rds = client("rds", endpoint, account, region, role)
if mode == "seed":
    rds.create_db_cluster(
        DBClusterIdentifier="ledger", Engine="aurora-postgresql", EngineVersion="16.4",
        MasterUsername="ledger_admin", MasterUserPassword="not-a-secret-1",
        DeletionProtection=True, StorageEncrypted=True, BackupRetentionPeriod=7,
        Tags=[{"Key": "team", "Value": "payments"}])
    for name in ["ledger-1", "ledger-2"]:
        rds.create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.r6g.large",
            Engine="aurora-postgresql", DBClusterIdentifier="ledger", PubliclyAccessible=True)
    rds.create_db_instance(
        DBInstanceIdentifier="public-plain", DBInstanceClass="db.t3.micro", Engine="postgres",
        EngineVersion="16.3", AllocatedStorage=20, MasterUsername="plain_admin",
        MasterUserPassword="not-a-secret-2", PubliclyAccessible=True, DeletionProtection=False)
    rds.create_db_cluster(
        DBClusterIdentifier="multi", Engine="postgres", EngineVersion="16.3",
        DBClusterInstanceClass="db.m6gd.large", AllocatedStorage=100, StorageType="io1",
        Iops=1000, MasterUsername="multi_admin", MasterUserPassword="not-a-secret-3")
elif mode == "clusters":
    pages = rds.get_paginator("describe_db_clusters").paginate()
    print(json.dumps([c for page in pages for c in page["DBClusters"]], default=rfc3339))
"#;

/// Runs the inline boto3 script against `moto`.
fn boto3(mode: &str, moto: &MotoServer) -> String {
    common::boto3::run_script(BOTO3, &[mode, moto.url(), ACCOUNT, REGION, ROLE])
}

/// One seeded moto, listed once with `--kind all`, shared by the tests that only read it.
const FOUR_KINDS: &str = "instances,clusters,snapshots,cluster-snapshots";

struct Scenario {
    moto: MotoServer,
    run: Run,
}

fn scenario() -> &'static Scenario {
    once!(Scenario, {
        let moto = MotoServer::start();
        boto3("seed", &moto);
        // The four kinds this scenario seeds (moto has no DescribeDBClusterAutomatedBackups).
        let run = inventory(&moto, &["--kind", FOUR_KINDS, "-o", "{kind}.ndjson"]);
        run.assert_code(0, "--kind instances,clusters,snapshots,cluster-snapshots");
        Scenario { moto, run }
    })
}

/// rds-inventory against `moto` for the one account and region, with the base keys.
fn inventory(moto: &MotoServer, args: &[&str]) -> Run {
    let tool = moto.inventory(&[REGION], ROLE, &[(ACCOUNT, "prod")]);
    tool.args(args.iter().copied()).run()
}

#[test]
fn every_member_boto3_returns_for_a_cluster_is_in_its_record_with_the_same_value() {
    let scenario = scenario();
    let clusters: Vec<Map<String, Value>> =
        serde_json::from_str(&boto3("clusters", &scenario.moto)).expect("boto3's answer");
    let records = records_by(&scenario.run, "clusters.ndjson", "db_cluster_identifier");
    let fields = api_fields("clusters", API_SOURCE);
    assert!(fields.len() >= 88, "{}", fields.len());
    assert_eq!(clusters.len(), 2, "ledger and multi");
    for (id, record) in &records {
        assert_eq!(record["account_id"], ACCOUNT, "{id}");
        assert_eq!(record["region"], REGION, "{id}");
        assert_eq!(record["service"], "rds", "{id}");
    }
    assert_members_equal(&clusters, records, &fields, "DBClusterIdentifier", MOVING);
}

#[test]
fn aurora_instances_show_their_clusters_values_in_the_effective_fields() {
    let scenario = scenario();
    let instances = records_by(&scenario.run, "instances.ndjson", "db_instance_identifier");
    let cluster = &records_by(&scenario.run, "clusters.ndjson", "db_cluster_identifier")["ledger"];
    for (name, role) in [("ledger-1", "writer"), ("ledger-2", "reader")] {
        let record = &instances[name];
        assert_eq!(record["cluster_role"], role, "{name}");
        assert_eq!(
            record["deletion_protection"], false,
            "{name}: AWS's own value is kept"
        );
        for member in [
            "deletion_protection",
            "storage_encrypted",
            "backup_retention_period",
            "multi_az",
            "master_username",
            "engine_version",
        ] {
            assert_eq!(
                record[format!("effective_{member}").as_str()],
                cluster[member],
                "{name}: effective_{member}"
            );
        }
        assert_eq!(record["effective_deletion_protection"], true, "{name}");
        assert_eq!(record["effective_backup_retention_period"], 7, "{name}");
    }
    let plain = &instances["public-plain"];
    assert_eq!(plain["cluster_role"], Value::Null);
    for member in ["deletion_protection", "allocated_storage", "multi_az"] {
        assert_eq!(
            plain[format!("effective_{member}").as_str()],
            plain[member],
            "public-plain: its own {member}"
        );
    }
}

/// The documented recipe "publicly accessible instances without deletion protection", on
/// the effective fields: `select(.publicly_accessible and (.effective_deletion_protection |
/// not))`.
#[test]
fn the_public_without_deletion_protection_recipe_flags_only_the_unprotected_instance() {
    let scenario = scenario();
    let instances = records_by(&scenario.run, "instances.ndjson", "db_instance_identifier");
    let flagged: Vec<&str> = instances
        .iter()
        .filter(|(_, r)| {
            r["publicly_accessible"] == true && r["effective_deletion_protection"] != true
        })
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(flagged, ["public-plain"]);
    let naive: Vec<&str> = instances
        .iter()
        .filter(|(_, r)| r["publicly_accessible"] == true && r["deletion_protection"] != true)
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(
        naive.len(),
        3,
        "AWS's own field flags the protected cluster's instances too"
    );
}

#[test]
fn several_kinds_write_one_file_each_and_stdout_is_refused() {
    let scenario = scenario();
    assert!(scenario.run.path("instances.ndjson").is_file());
    assert!(scenario.run.path("clusters.ndjson").is_file());
    assert_eq!(scenario.run.stdout, "", "nothing on stdout");
    let refused = inventory(&scenario.moto, &["--kind", "instances,clusters"]);
    refused.assert_code(2, "several kinds to stdout");
    refused.assert_stderr_contains("{kind}");
    let clusters_only = inventory(&scenario.moto, &["--kind", "clusters"]);
    clusters_only.assert_code(0, "one kind to stdout");
    let ids = clusters_only.json_strings("db_cluster_identifier");
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["ledger", "multi"]);
}

#[test]
fn summary_and_metrics_count_each_kind() {
    let scenario = scenario();
    let run = inventory(
        &scenario.moto,
        &[
            "--kind",
            FOUR_KINDS,
            "-o",
            "out-{kind}.csv",
            "-f",
            "csv",
            "--summary",
            "summary.json",
            "--metrics",
            "metrics.prom",
        ],
    );
    run.assert_code(0, "--kind all");
    let summary = run.json_file("summary.json");
    assert_eq!(summary["instances"], 3);
    assert_eq!(summary["kinds"]["instances"]["records"], 3);
    assert_eq!(summary["kinds"]["clusters"]["records"], 2);
    assert_eq!(
        summary["kinds"]["clusters"]["by_engine"],
        serde_json::json!({"aurora-postgresql": 1, "postgres": 1})
    );
    let metrics = std::fs::read_to_string(run.path("metrics.prom")).expect("metrics");
    assert!(
        metrics.contains(&format!(
            r#"rds_inventory_clusters{{account_id="{ACCOUNT}",account_name="prod",region="{REGION}",engine="aurora-postgresql"}} 1"#
        )),
        "{metrics}"
    );
    let csv = std::fs::read_to_string(run.path("out-clusters.csv")).expect("clusters CSV");
    assert!(csv.starts_with("account_id,account_name,region,allocated_storage,"));
    assert_eq!(csv.lines().count(), 3, "a header and two clusters");
}
