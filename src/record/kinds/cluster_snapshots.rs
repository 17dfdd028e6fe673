//! The `cluster-snapshots` kind's listing (DescribeDBClusterSnapshots) and sharing hook
//! (DescribeDBClusterSnapshotAttributes), made as the `snapshots` kind's; its schema is
//! `record/snapshot_fields.rs`. AWS documents no `awsbackup` type for cluster snapshots.

use std::future::Future;

use aws_sdk_rds::types::{DbClusterSnapshot, DbClusterSnapshotAttribute};

use super::snapshots::snapshot_kind;
use super::{Calls, Kind, Listed, Place, RestoreAttributes, Shareable};
pub use crate::record::ClusterSnapshotRecord;
use crate::record::{ClusterRecord, Record, Sharing, Snapshot};

snapshot_kind!(
    ClusterSnapshotRecord, DbClusterSnapshot, ClusterRecord, DbClusterSnapshot,
    page: cluster_snapshots_page,
    restore: describe_db_cluster_snapshot_attributes(db_cluster_snapshot_identifier)
        .db_cluster_snapshot_attributes_result
        .db_cluster_snapshot_attributes,
    DbClusterSnapshotAttribute
);

fn cluster_snapshots_page<C: Calls>(
    calls: &mut C,
    marker: Option<String>,
) -> impl Future<Output = Result<Listed<DbClusterSnapshot>, C::Failure>> + Send + '_ {
    list_page!(calls, marker, describe_db_cluster_snapshots, db_cluster_snapshots)
}
