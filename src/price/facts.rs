//! What decides an instance record's list price, read from the record.

use super::plan::{ClusterMembership, EngineSupport, InstanceFacts, StorageVolume};
use crate::record::{ClusterLink, InstanceRecord};

/// What decides the instance's list price: its own values, for a cluster member the
/// cluster's storage and role, and the engine-support join's dates (Extended Support).
/// `Err` says why it cannot be priced.
pub fn facts_of(record: &InstanceRecord) -> Result<InstanceFacts, String> {
    let db = record.instance();
    let engine = record.engine.clone().ok_or("engine unknown")?;
    let class = db
        .db_instance_class
        .clone()
        .ok_or("DB instance class unknown")?;
    let aurora = engine.starts_with("aurora");
    let lifecycle;
    let mut facts = InstanceFacts {
        region: record.region.clone(),
        class,
        engine_version: db.engine_version.clone().unwrap_or_default(),
        license_model: db.license_model.clone(),
        multi_az: db.multi_az.unwrap_or(false),
        status: db.db_instance_status.clone().unwrap_or_default(),
        on_outposts: db.db_subnet_group.as_ref().is_some_and(|group| {
            group.subnets().iter().any(|subnet| {
                subnet
                    .subnet_outpost()
                    .and_then(|o| o.arn())
                    .is_some_and(|arn| !arn.is_empty())
            })
        }),
        ..InstanceFacts::default()
    };
    match record.cluster_link() {
        ClusterLink::NotMember => {
            facts.storage_type = db.storage_type.clone();
            facts.allocated_gib = db.allocated_storage.map_or(0, i64::from);
            facts.iops = db.iops.map(i64::from);
            facts.throughput_mibps = db.storage_throughput.map(i64::from);
            facts.additional_volumes = db
                .additional_storage_volumes()
                .iter()
                .map(|volume| StorageVolume {
                    name: volume.volume_name().unwrap_or_default().to_string(),
                    storage_type: volume.storage_type().map(str::to_string),
                    allocated_gib: volume.allocated_storage().map_or(0, i64::from),
                    iops: volume.iops().map(i64::from),
                    throughput_mibps: volume.storage_throughput().map(i64::from),
                })
                .collect();
            lifecycle = db.engine_lifecycle_support.as_deref();
        }
        ClusterLink::Member { cluster, writer } => {
            if aurora {
                facts.cluster = ClusterMembership::Aurora;
                facts.storage_type = Some(
                    cluster
                        .storage_type
                        .clone()
                        .unwrap_or_else(|| "aurora".into()),
                );
            } else {
                facts.cluster = ClusterMembership::MultiAzCluster {
                    writer: writer.unwrap_or(false),
                };
                facts.storage_type = cluster.storage_type.clone();
                facts.allocated_gib = cluster.allocated_storage.map_or(0, i64::from);
                facts.iops = cluster.iops.map(i64::from);
                facts.throughput_mibps = cluster.storage_throughput.map(i64::from);
            }
            lifecycle = cluster.engine_lifecycle_support.as_deref();
        }
        ClusterLink::Unknown if aurora => {
            // Instance hours need no cluster facts; storage is per cluster anyway.
            facts.cluster = ClusterMembership::Aurora;
            lifecycle = db.engine_lifecycle_support.as_deref();
        }
        ClusterLink::Unknown => {
            return Err("the DB cluster could not be listed (rds:DescribeDBClusters)".into())
        }
    }
    facts.support = record
        .engine_support()
        .map(|(major, standard_end)| EngineSupport {
            major_version: major.to_owned(),
            standard_end: standard_end.map(|t| t.secs()),
            enrolled: lifecycle != Some("open-source-rds-extended-support-disabled"),
        });
    facts.engine = engine;
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_facts_carry_the_additional_storage_volumes() {
        use aws_sdk_rds::types::AdditionalStorageVolumeOutput;

        let record = crate::record::tests::record_with(|b| {
            b.engine("oracle-se2")
                .db_instance_class("db.m5.large")
                .storage_type("gp3")
                .allocated_storage(200)
                .additional_storage_volumes(
                    AdditionalStorageVolumeOutput::builder()
                        .volume_name("rdsdbdata2")
                        .storage_type("IO2")
                        .allocated_storage(300)
                        .iops(5000)
                        .build(),
                )
        });
        let facts = facts_of(&record).expect("facts");
        assert_eq!(
            facts.additional_volumes,
            [StorageVolume {
                name: "rdsdbdata2".into(),
                storage_type: Some("IO2".into()),
                allocated_gib: 300,
                iops: Some(5000),
                throughput_mibps: None,
            }]
        );
    }
}
