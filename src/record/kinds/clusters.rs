//! The `clusters` kind's listing (DescribeDBClusters) and hooks; its schema is
//! `record/cluster_fields.rs`, its record `record/cluster.rs`.

use std::future::Future;
use std::sync::Arc;

use aws_sdk_rds::types::DbCluster;

use super::{Calls, Kind, Listed, Place};
pub use crate::record::ClusterRecord;
use crate::record::value::TagView;
use crate::record::{ClusterListing, Joinable};

impl Kind for ClusterRecord {
    type Item = DbCluster;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(calls, marker, describe_db_clusters, db_clusters)
    }

    fn from_item(place: &Place<'_>, mut item: DbCluster) -> Self {
        TagView::sort(&mut item.tag_list);
        let cluster = Arc::new(item);
        ClusterRecord::new(place.account_id, place.account_name, place.region, cluster)
    }

    fn names(&self) -> [Option<&str>; 2] {
        [self.db_cluster_identifier(), self.db_cluster_resource_id()]
    }

    /// The listing instances' cluster members needed serves this kind too: no second call.
    fn from_cluster_listing(listing: &ClusterListing, place: &Place<'_>) -> Option<Vec<Self>> {
        let records = listing.clusters().iter().map(|cluster| {
            ClusterRecord::new(
                place.account_id,
                place.account_name,
                place.region,
                Arc::clone(cluster),
            )
        });
        Some(records.collect())
    }

    fn joinable(&mut self) -> Option<&mut (dyn Joinable + Send + Sync)> {
        Some(self)
    }

    #[cfg(test)]
    fn empty_item() -> DbCluster {
        DbCluster::builder().build()
    }
}
