//! The `clusters` kind's record: one DB cluster (Aurora, Multi-AZ DB cluster, DocumentDB,
//! Neptune) as `DescribeDBClusters` returns it.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_rds::types::{CertificateDetails, DbCluster};

use super::engine::major_engine_version;
use super::parameters::{Groups, TlsQuery};
use super::shared_fields::SharedSource;
use super::value::TagView;
use super::{Joinable, Joined};

/// One DB cluster as rds-inventory reports it; `cluster_fields.rs` says what is output.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterRecord {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    /// Shared with the instance records of its members (their `effective_*` fields).
    pub(super) cluster: Arc<DbCluster>,
    pub(super) joined: Joined,
}

impl ClusterRecord {
    pub fn new(
        account_id: &str,
        account_name: &str,
        region: &str,
        cluster: Arc<DbCluster>,
    ) -> ClusterRecord {
        ClusterRecord {
            account_id: account_id.to_owned(),
            account_name: account_name.to_owned(),
            region: region.to_owned(),
            cluster,
            joined: Joined::default(),
        }
    }

    pub fn db_cluster_identifier(&self) -> Option<&str> {
        self.cluster.db_cluster_identifier.as_deref()
    }

    /// The cluster's immutable resource id (`cluster-...`).
    pub fn db_cluster_resource_id(&self) -> Option<&str> {
        self.cluster.db_cluster_resource_id.as_deref()
    }

    /// The record as one JSON object with every field, in schema order (tests).
    #[cfg(test)]
    pub fn to_json(&self, context: &super::RecordContext) -> String {
        super::to_json(self, context)
    }
}

impl SharedSource for ClusterRecord {
    fn certificate(&self) -> Option<&CertificateDetails> {
        self.cluster.certificate_details.as_ref()
    }

    fn joined(&self) -> &Joined {
        &self.joined
    }
}

impl Joinable for ClusterRecord {
    fn arn(&self) -> Option<&str> {
        self.cluster.db_cluster_arn.as_deref()
    }

    fn engine_major_key(&self) -> Option<(&str, &str)> {
        let engine = self.cluster.engine.as_deref()?;
        let version = self.cluster.engine_version.as_deref()?;
        Some((engine, major_engine_version(engine, version)?))
    }

    fn joined_mut(&mut self) -> &mut Joined {
        &mut self.joined
    }

    fn tls_query(&self) -> Option<TlsQuery> {
        let members = self.cluster.db_cluster_members();
        let pending = members
            .iter()
            .any(|m| m.db_cluster_parameter_group_status() == Some("pending-reboot"));
        let cluster = self
            .cluster
            .db_cluster_parameter_group()
            .map(|g| (g, (!members.is_empty()).then_some(pending)));
        Some(TlsQuery::of(
            self.cluster.engine.as_deref(),
            Groups {
                cluster: Ok(cluster),
                ..Groups::default()
            },
        ))
    }
}

/// One account-region's DB clusters, listed once and shared by the `clusters` kind and the
/// instance records of their members.
#[derive(Debug, Default, Clone)]
pub struct ClusterListing {
    clusters: Vec<Arc<DbCluster>>,
    by_id: HashMap<String, usize>,
}

impl ClusterListing {
    /// Takes the SDK's clusters; tag lists are sorted (output stays stable).
    pub fn new(clusters: Vec<DbCluster>) -> ClusterListing {
        // A fresh Vec, not `.map(Arc::new).collect()`: that collects in place and keeps the
        // SDK's buffer (2 KB per cluster) to hold 8-byte pointers for the target's lifetime.
        let mut shared = Vec::with_capacity(clusters.len());
        for mut cluster in clusters {
            TagView::sort(&mut cluster.tag_list);
            shared.push(Arc::new(cluster));
        }
        let clusters = shared;
        let by_id = clusters
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((c.db_cluster_identifier.clone()?, i)))
            .collect();
        ClusterListing { clusters, by_id }
    }

    /// The cluster named `id` (AWS compares cluster identifiers case-insensitively and
    /// reports them in lower case).
    pub fn get(&self, id: &str) -> Option<Arc<DbCluster>> {
        let index = self
            .by_id
            .get(id)
            .or_else(|| self.by_id.get(&id.to_ascii_lowercase()))?;
        self.clusters.get(*index).cloned()
    }

    pub fn clusters(&self) -> &[Arc<DbCluster>] {
        &self.clusters
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The listing lives as long as its target: it must not keep the SDK's buffer of whole
    /// clusters to hold its pointers (an in-place collect would keep 267 slots per cluster).
    #[test]
    fn a_listing_holds_one_pointer_slot_per_cluster() {
        let clusters: Vec<DbCluster> = (0..3)
            .map(|i| {
                DbCluster::builder()
                    .db_cluster_identifier(format!("c{i}"))
                    .build()
            })
            .collect();
        let listing = ClusterListing::new(clusters);
        assert_eq!(listing.clusters.len(), 3);
        assert_eq!(listing.clusters.capacity(), 3);
        assert!(listing.get("c1").is_some());
    }
}
