//! Guards against SDK upgrades: a member the SDK adds to `DbInstance`, or to a structure the
//! record writes, fails a test until it is mapped (or skipped here with a reason).

use std::collections::BTreeSet;

use aws_sdk_rds::types::{DbCluster, DbInstance, DbSubnetGroup, Endpoint};

use super::fields::{governed_shapes, GOVERNED};
use super::kinds::Record;
use super::schema::Source;
use super::sdk_types::nested_structs;
use super::{ClusterRecord, InstanceRecord};

/// `DbInstance` members deliberately not output, with the reason a user would accept.
/// (`tag_list` is not here: it is the `tags` field.)
const SKIPPED: &[(&str, &str)] = &[];

/// The member names in `Debug` of an empty SDK value: `Name { a: None, b: None }`.
pub(crate) fn debug_members(debug: &str) -> BTreeSet<String> {
    let inner = debug
        .split_once('{')
        .and_then(|(_, rest)| rest.rsplit_once('}'))
        .map_or("", |(inner, _)| inner);
    inner
        .split(", ")
        .filter_map(|part| part.split_once(':'))
        .map(|(name, _)| name.trim().to_owned())
        .collect()
}

/// SDK paths the schema of `R` reads: `engine`, `endpoint.address`...
fn mapped_paths_of<R: Record>() -> BTreeSet<&'static str> {
    R::fields()
        .iter()
        .filter_map(|f| match f.source {
            Source::Api { sdk, .. } => Some(sdk),
            _ => None,
        })
        .collect()
}

fn mapped_paths() -> BTreeSet<&'static str> {
    mapped_paths_of::<InstanceRecord>()
}

#[test]
fn every_db_cluster_member_is_in_the_record_under_its_own_name() {
    let members = debug_members(&format!("{:?}", DbCluster::builder().build()));
    assert!(members.len() >= 88, "{members:?}");
    let mapped = mapped_paths_of::<ClusterRecord>();
    let missing: Vec<&String> = members
        .iter()
        .filter(|m| !mapped.contains(m.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "DbCluster members not in the cluster schema (src/record/cluster_fields.rs): {missing:?}"
    );
    for path in &mapped {
        assert!(members.contains(*path), "{path} is not a DbCluster member");
    }
    for field in ClusterRecord::fields() {
        if let Source::Api { sdk, .. } = field.source {
            let name = if sdk == "tag_list" { "tags" } else { sdk };
            assert_eq!(
                field.name, name,
                "a cluster member keeps its snake_case name"
            );
        }
    }
    let names: Vec<&str> = ClusterRecord::fields()[..3]
        .iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["account_id", "account_name", "region"]);
}

#[test]
fn every_governed_member_has_an_effective_field_of_the_same_shape_in_both_types() {
    let shapes = governed_shapes();
    let listed: Vec<&str> = shapes.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(listed, GOVERNED);
    for (name, instance, cluster) in shapes {
        assert_eq!(instance, cluster, "{name}: DbInstance and DbCluster differ");
        let effective = format!("effective_{name}");
        let field = InstanceRecord::fields()
            .iter()
            .find(|f| f.name == effective)
            .unwrap_or_else(|| panic!("no field {effective}"));
        assert_eq!((field.shape)(), instance, "{effective}");
    }
    let effective = InstanceRecord::fields()
        .iter()
        .filter(|f| f.name.starts_with("effective_"))
        .count();
    assert_eq!(
        effective,
        GOVERNED.len(),
        "one effective field per governed member"
    );
}

#[test]
fn every_db_instance_member_is_in_the_record_or_skipped_with_a_reason() {
    let members = debug_members(&format!("{:?}", DbInstance::builder().build()));
    assert!(members.len() >= 94, "{members:?}");
    let mapped: BTreeSet<&str> = mapped_paths()
        .into_iter()
        .map(|p| p.split('.').next().unwrap_or(p))
        .collect();
    let skipped: BTreeSet<&str> = SKIPPED.iter().map(|(m, _)| *m).collect();
    let missing: Vec<&String> = members
        .iter()
        .filter(|m| !mapped.contains(m.as_str()) && !skipped.contains(m.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "DbInstance members neither in the schema (src/record/fields.rs) nor in SKIPPED: \
         {missing:?}"
    );
    for path in mapped.iter().chain(&skipped) {
        assert!(members.contains(*path), "{path} is not a DbInstance member");
    }
}

#[test]
fn flattened_structures_are_flattened_completely() {
    let paths = mapped_paths();
    for (parent, debug) in [
        ("endpoint", format!("{:?}", Endpoint::builder().build())),
        (
            "db_subnet_group",
            format!("{:?}", DbSubnetGroup::builder().build()),
        ),
    ] {
        for member in debug_members(&debug) {
            let path = format!("{parent}.{member}");
            assert!(
                paths.contains(path.as_str()),
                "{path} is not a field: add it to src/record/fields.rs"
            );
        }
    }
}

#[test]
fn nested_structures_write_every_member_the_sdk_has() {
    let structs = nested_structs();
    assert!(structs.len() >= 20);
    for (name, written, debug) in structs {
        let sdk = debug_members(&debug);
        let ours: BTreeSet<String> = written.iter().map(|m| m.to_string()).collect();
        assert_eq!(
            ours, sdk,
            "{name}: members written (left) differ from the SDK's (right); \
             update sdk_structs! in src/record/json.rs"
        );
    }
}

#[test]
fn debug_members_reads_the_names() {
    assert_eq!(
        debug_members("X { a: None, b_c: Some(\"1\"), d: \"*** Sensitive Data Redacted ***\" }"),
        ["a", "b_c", "d"].into_iter().map(String::from).collect()
    );
}

/// Every member of an SDK snapshot type is a field under its own snake_case name (`tags` for
/// `tag_list`), after account_id, account_name and region.
fn every_member_is_a_field<R: Record>(debug: &str, count: usize, table: &str) {
    let members = debug_members(debug);
    assert_eq!(members.len(), count, "{members:?}");
    let mapped = mapped_paths_of::<R>();
    let missing: Vec<&String> = members
        .iter()
        .filter(|m| !mapped.contains(m.as_str()))
        .collect();
    assert!(missing.is_empty(), "members not in {table}: {missing:?}");
    for path in &mapped {
        assert!(members.contains(*path), "{path} is not a member");
    }
    for field in R::fields() {
        if let Source::Api { sdk, .. } = field.source {
            let name = if sdk == "tag_list" { "tags" } else { sdk };
            assert_eq!(field.name, name, "a member keeps its snake_case name");
        }
    }
    let names: Vec<&str> = R::fields()[..3].iter().map(|f| f.name).collect();
    assert_eq!(names, ["account_id", "account_name", "region"]);
    for name in [
        "tags",
        "service",
        "shared_publicly",
        "shared_with_accounts",
        "shared_with_outside_accounts",
        "age_days",
        "source_exists",
    ] {
        assert!(R::fields().iter().any(|f| f.name == name), "{name}");
    }
}

#[test]
fn every_db_snapshot_member_is_in_the_record_under_its_own_name() {
    every_member_is_a_field::<super::SnapshotRecord>(
        &format!("{:?}", aws_sdk_rds::types::DbSnapshot::builder().build()),
        42,
        "src/record/snapshot_fields.rs SNAPSHOT_FIELDS",
    );
}

#[test]
fn every_db_cluster_snapshot_member_is_in_the_record_under_its_own_name() {
    every_member_is_a_field::<super::ClusterSnapshotRecord>(
        &format!(
            "{:?}",
            aws_sdk_rds::types::DbClusterSnapshot::builder().build()
        ),
        29,
        "src/record/snapshot_fields.rs CLUSTER_SNAPSHOT_FIELDS",
    );
}
