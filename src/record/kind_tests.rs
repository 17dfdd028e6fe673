//! Cluster records, and the instance fields a DB cluster governs.

use std::collections::BTreeSet;
use std::sync::Arc;

use aws_sdk_rds::types::{
    ClusterPendingModifiedValues, DbCluster, DbClusterMember, LimitlessDatabase,
    LimitlessDatabaseStatus, Tag,
};
use serde_json::Value;

use super::tests::{context, record_with};
use super::*;

fn aurora() -> DbCluster {
    DbCluster::builder()
        .db_cluster_identifier("ledger")
        .db_cluster_arn("arn:aws:rds:eu-west-1:111111111111:cluster:ledger")
        .engine("aurora-postgresql")
        .engine_version("16.4")
        .deletion_protection(true)
        .storage_encrypted(true)
        .kms_key_id("key-1")
        .backup_retention_period(7)
        .multi_az(true)
        .allocated_storage(1)
        .storage_type("aurora-iopt1")
        .backtrack_window(3600)
        .limitless_database(
            LimitlessDatabase::builder()
                .status(LimitlessDatabaseStatus::Active)
                .min_required_acu(0.5)
                .build(),
        )
        .pending_modified_values(
            ClusterPendingModifiedValues::builder()
                .master_user_password("hunter2")
                .build(),
        )
        .db_cluster_members(
            DbClusterMember::builder()
                .db_instance_identifier("ledger-1")
                .is_cluster_writer(true)
                .build(),
        )
        .db_cluster_members(
            DbClusterMember::builder()
                .db_instance_identifier("ledger-2")
                .is_cluster_writer(false)
                .build(),
        )
        .tag_list(Tag::builder().key("team").value("pay").build())
        .tag_list(Tag::builder().key("env").value("prod").build())
        .build()
}

fn cluster_json(cluster: DbCluster) -> Value {
    let record = ClusterRecord::new("111111111111", "prod", "eu-west-1", Arc::new(cluster));
    serde_json::from_str(&record.to_json(&context())).expect("valid JSON")
}

fn member(id: &str) -> InstanceRecord {
    record_with(|b| {
        b.db_instance_identifier(id)
            .engine("aurora-postgresql")
            .db_cluster_identifier("ledger")
            .deletion_protection(false)
            .multi_az(false)
            .allocated_storage(1)
            .storage_encrypted(false)
            .publicly_accessible(true)
    })
}

fn json(record: &InstanceRecord) -> Value {
    serde_json::from_str(&record.to_json(&context())).expect("valid JSON")
}

#[test]
fn a_cluster_record_has_every_member_under_its_snake_case_name() {
    let json = cluster_json(aurora());
    let keys: BTreeSet<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let names: BTreeSet<&str> = ClusterRecord::fields().iter().map(|f| f.name).collect();
    assert_eq!(keys, names, "every field");
    assert_eq!(names.len(), ClusterRecord::fields().len(), "each name once");
    assert_eq!(json["db_cluster_identifier"], "ledger");
    assert_eq!(json["deletion_protection"], true);
    assert_eq!(json["backtrack_window"], 3600);
    assert_eq!(json["limitless_database"]["min_required_acu"], 0.5);
    assert_eq!(json["limitless_database"]["status"], "active");
    assert_eq!(json["db_cluster_members"][0]["is_cluster_writer"], true);
    assert_eq!(
        json["tags"],
        serde_json::json!({"env": "prod", "team": "pay"})
    );
    assert_eq!(json["service"], "rds");
    assert_eq!(json["pending_maintenance_actions"], Value::Null);
    assert_eq!(
        json["pending_modified_values"]["master_user_password"], "****",
        "a pending password is never written"
    );
}

#[test]
fn the_service_comes_from_the_engine() {
    for (engine, service) in [
        ("docdb", "docdb"),
        ("neptune", "neptune"),
        ("aurora-mysql", "rds"),
        ("postgres", "rds"),
    ] {
        let cluster = DbCluster::builder().engine(engine).build();
        assert_eq!(cluster_json(cluster)["service"], service, "{engine}");
        let instance = record_with(|b| b.engine(engine));
        assert_eq!(json(&instance)["service"], service, "{engine}");
    }
    assert_eq!(json(&record_with(|b| b))["service"], Value::Null);
}

#[test]
fn a_cluster_member_shows_the_clusters_values_in_the_effective_fields() {
    let cluster = Arc::new(aurora());
    let mut writer = member("ledger-1");
    writer.set_cluster(Some(Arc::clone(&cluster)));
    let mut reader = member("ledger-2");
    reader.set_cluster(Some(cluster));
    let (writer, reader) = (json(&writer), json(&reader));
    assert_eq!(writer["cluster_role"], "writer");
    assert_eq!(reader["cluster_role"], "reader");
    for record in [&writer, &reader] {
        assert_eq!(
            record["deletion_protection"], false,
            "AWS's own value stays"
        );
        assert_eq!(record["effective_deletion_protection"], true);
        assert_eq!(record["effective_storage_encrypted"], true);
        assert_eq!(record["effective_kms_key_id"], "key-1");
        assert_eq!(record["effective_backup_retention_period"], 7);
        assert_eq!(record["effective_multi_az"], true);
        assert_eq!(record["effective_storage_type"], "aurora-iopt1");
    }
}

#[test]
fn an_instance_outside_a_cluster_shows_its_own_values_in_the_effective_fields() {
    let json = json(&record_with(|b| {
        b.db_instance_identifier("plain")
            .deletion_protection(false)
            .backup_retention_period(0)
    }));
    assert_eq!(json["effective_deletion_protection"], false);
    assert_eq!(json["effective_backup_retention_period"], 0);
    assert_eq!(
        json["effective_multi_az"],
        Value::Null,
        "absent stays absent"
    );
    assert_eq!(json["cluster_role"], Value::Null);
}

#[test]
fn a_member_whose_cluster_could_not_be_listed_has_null_effective_fields() {
    let mut unknown = member("ledger-1");
    let before = json(&unknown);
    unknown.set_cluster(None);
    for json in [before, json(&unknown)] {
        assert_eq!(json["deletion_protection"], false);
        assert_eq!(json["effective_deletion_protection"], Value::Null);
        assert_eq!(json["cluster_role"], Value::Null);
    }
}

#[test]
fn a_listing_finds_clusters_by_identifier_in_any_case() {
    let listing = ClusterListing::new(vec![aurora()]);
    assert!(listing.get("ledger").is_some());
    assert!(listing.get("LEDGER").is_some());
    assert!(listing.get("other").is_none());
    assert_eq!(listing.clusters().len(), 1);
}

#[test]
fn cluster_fields_are_listed_for_the_fields_command() {
    let rows = ndjson_rows(ClusterRecord::fields());
    assert_eq!(rows.lines().count(), ClusterRecord::fields().len());
    assert!(rows.contains(
        r#""name":"deletion_protection","type":"boolean","meaning":"whether the DB cluster has deletion protection enabled","source":"DescribeDBClusters DBCluster.DeletionProtection""#
    ));
    let instance = ndjson_rows(InstanceRecord::fields());
    assert!(instance.contains(r#""name":"effective_deletion_protection","type":"boolean""#));
    assert!(instance.contains(
        "derived: DescribeDBClusters DBCluster.DeletionProtection for a cluster member, else DBInstance.DeletionProtection"
    ));
}
