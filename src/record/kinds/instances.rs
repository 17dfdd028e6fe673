//! The `instances` kind's listing (DescribeDBInstances) and hooks; its schema is
//! `record/fields.rs`, its record `record/instance.rs`.

use std::future::Future;
use std::sync::Arc;

use aws_sdk_rds::types::{DbCluster, DbInstance};

use super::{Calls, Kind, Listed, Place};
use crate::record::Joinable;
pub use crate::record::InstanceRecord;

impl Kind for InstanceRecord {
    type Item = DbInstance;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(calls, marker, describe_db_instances, db_instances)
    }

    fn from_item(place: &Place<'_>, item: DbInstance) -> Self {
        InstanceRecord::from_sdk(place.account_id, place.account_name, place.region, item)
    }

    fn names(&self) -> [Option<&str>; 2] {
        [self.db_instance_identifier(), self.dbi_resource_id()]
    }

    fn cluster_member(&self) -> Option<&str> {
        self.db_cluster_identifier()
    }

    fn set_cluster(&mut self, cluster: Option<Arc<DbCluster>>) {
        InstanceRecord::set_cluster(self, cluster);
    }

    fn joinable(&mut self) -> Option<&mut (dyn Joinable + Send + Sync)> {
        Some(self)
    }

    fn priced(records: &mut [Self]) -> Option<&mut [InstanceRecord]> {
        Some(records)
    }

    #[cfg(test)]
    fn empty_item() -> DbInstance {
        DbInstance::builder().build()
    }
}
