//! RDS `DescribeDBClusters`: pages of the target's clusters (configured, then implied), with
//! the per-target faults of DescribeDBInstances.

use super::rds::{access_denied, damage_page, max_records, rds_target_checks, target_page};
use super::shared::{error_reply, reply, with_request_id, Call, Reply, Shared};
use crate::cluster::record::emit_db_cluster;
use crate::cluster::FakeCluster;
use crate::sink::{Sink, XmlSink};
use crate::xml;
use hyper::StatusCode;

const ACTION: &str = "DescribeDBClusters";
const CLUSTERS_MARKER: &str = "c1";

/// `Filters.Filter.N.Name` with its `Filters.Filter.N.Values.Value.M`, in order.
pub(super) fn query_filters(call: &Call) -> Vec<(&str, Vec<&str>)> {
    (1..)
        .map_while(|n| {
            let name = call.form_field(&format!("Filters.Filter.{n}.Name"))?;
            let values = (1..)
                .map_while(|m| call.form_field(&format!("Filters.Filter.{n}.Values.Value.{m}")))
                .collect();
            Some((name, values))
        })
        .collect()
}

/// An identifier or ARN names the cluster.
fn names(cluster: &FakeCluster, wanted: &str) -> bool {
    cluster.identifier == wanted || cluster.arn == wanted
}

/// `DBClusterIdentifier` (identifier or ARN; 404 `DBClusterNotFoundFault` when absent) and
/// the `db-cluster-id` and `engine` filters; other filters are ignored.
fn select(
    shared: &Shared,
    call: &Call,
    mut clusters: Vec<FakeCluster>,
) -> Result<Vec<FakeCluster>, Box<Reply>> {
    if let Some(wanted) = call.form_field("DBClusterIdentifier") {
        clusters.retain(|cluster| names(cluster, wanted));
        if clusters.is_empty() {
            return Err(Box::new(error_reply(
                shared,
                call.protocol,
                StatusCode::NOT_FOUND,
                "DBClusterNotFoundFault",
                &format!("DBCluster {wanted} not found."),
            )));
        }
    }
    for (name, values) in query_filters(call) {
        match name {
            "db-cluster-id" => {
                clusters.retain(|cluster| values.iter().any(|value| names(cluster, value)))
            }
            "engine" => clusters.retain(|cluster| values.contains(&cluster.engine.as_str())),
            _ => {}
        }
    }
    Ok(clusters)
}

pub(super) async fn describe_db_clusters(shared: &Shared, call: &Call) -> Reply {
    let (account_index, region_index) = match rds_target_checks(shared, call, ACTION) {
        Ok(target) => target,
        Err(refusal) => return refusal.answer(shared).await,
    };
    let account = &shared.config.accounts[account_index];
    if shared.config.clusters_denied_accounts.contains(account) {
        return access_denied(shared, call, ACTION, account);
    }
    let page_size = match max_records(shared, call) {
        Ok(records) => records,
        Err(reply) => return *reply,
    };
    let all = shared
        .config
        .clusters_in(shared.generation(), account_index, region_index);
    let clusters = match select(shared, call, all) {
        Ok(clusters) => clusters,
        Err(reply) => return *reply,
    };
    let target = (account_index, region_index);
    let page = match target_page(
        shared,
        call,
        (CLUSTERS_MARKER, target),
        clusters.len(),
        page_size,
    )
    .await
    {
        Ok(page) => page,
        Err(reply) => return reply,
    };
    let next_marker = page.next_marker;
    let page = &clusters[page.start..page.end];
    let request_id = shared.request_id();
    let mut body = xml::rds_result(ACTION, next_marker.as_deref(), &request_id, |out| {
        XmlSink { out }.list("DBClusters", "db_clusters", Some(page.len()), |s, i| {
            s.item_object("DBCluster", |s| emit_db_cluster(&page[i], s))
        });
    });
    damage_page(
        shared,
        (account_index, region_index),
        &mut body,
        ("DescribeDBClustersResult", "DBCluster"),
        "StorageEncrypted",
    );
    with_request_id(reply(StatusCode::OK, "text/xml", body), &request_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FakeConfig;

    #[test]
    fn identifiers_and_arns_both_name_a_cluster() {
        let config = FakeConfig {
            clusters_per_target: 2,
            ..FakeConfig::with_accounts(1)
        };
        let cluster = config.target_clusters(&config.accounts[0], "us-east-1")[0].clone();
        assert!(names(&cluster, &cluster.identifier));
        assert!(names(&cluster, &cluster.arn));
        assert!(!names(&cluster, "cl-other"));
    }
}
