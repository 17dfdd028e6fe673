//! DescribeGlobalClusters: Aurora global databases are account-wide, so every region
//! endpoint of an account answers the same list; each has a writer member in one region
//! and a reader member in another.

use super::resource::{item_rng, some_tags, Emit, FakeResource, KindSpec, Serve};
use crate::config::{FakeConfig, ResourceKind};
use crate::inventory::account_suffix;
use crate::record_parts::{emit_tags, partition, Alnum};
use crate::sink::Sink;
use std::sync::Arc;

pub(crate) const SPEC: KindSpec = KindSpec {
    kind: ResourceKind::GlobalClusters,
    action: "DescribeGlobalClusters",
    flag: Some("global-clusters"),
    list: "GlobalClusters",
    item: "GlobalClusterMember",
    marker: "gc1",
    account_wide: true,
    lookup: (
        "GlobalClusterIdentifier",
        Some("GlobalClusterNotFoundFault"),
    ),
    status_filter: false,
    generate: global_clusters,
    serve: Serve::List,
};

/// (Engine, EngineVersion, DatabaseName).
const ENGINES: [(&str, &str, &str); 2] = [
    ("aurora-postgresql", "15.8", "app"),
    ("aurora-mysql", "8.0.mysql_aurora.3.05.2", "orders"),
];

struct GlobalCluster {
    identifier: String,
    resource_id: String,
    arn: String,
    engine: (&'static str, &'static str, &'static str),
    deletion_protection: bool,
    /// Member cluster ARNs, the writer first.
    members: Vec<String>,
    endpoint: String,
    tags: Vec<(String, String)>,
}

fn global_clusters(
    config: &FakeConfig,
    _generation: u64,
    (a, _): (usize, usize),
    count: usize,
) -> Vec<FakeResource> {
    let account = config.accounts[a].as_str();
    // Members lie in the config's regions, and in us-west-2 when it serves only one.
    let mut regions: Vec<&str> = config.regions.iter().map(String::as_str).collect();
    if regions.len() < 2 {
        regions.push(if regions.first() == Some(&"us-west-2") {
            "us-east-1"
        } else {
            "us-west-2"
        });
    }
    (0..count)
        .map(|index| {
            let mut rng = item_rng(config, ResourceKind::GlobalClusters, (a, 0), index);
            let identifier = format!("gdb-{}-{index:02}", account_suffix(account));
            let writer = regions[index % regions.len()];
            let reader = regions[(index + 1) % regions.len()];
            let p = partition(writer);
            let members = [writer, reader]
                .iter()
                .map(|region| {
                    format!("arn:{p}:rds:{region}:{account}:cluster:{identifier}-{region}")
                })
                .collect();
            let arn = format!("arn:{p}:rds::{account}:global-cluster:{identifier}");
            let cluster = GlobalCluster {
                resource_id: format!("cluster-{}", Alnum(rng.next_u64(), 17)),
                engine: ENGINES[index % ENGINES.len()],
                deletion_protection: index % 2 == 0,
                members,
                endpoint: format!(
                    "{identifier}.global-{}.global.rds.amazonaws.com",
                    Alnum(rng.next_u64(), 12)
                ),
                tags: some_tags(&mut rng),
                arn: arn.clone(),
                identifier: identifier.clone(),
            };
            FakeResource::new(
                ResourceKind::GlobalClusters,
                (account, writer),
                (identifier, arn, "available".to_string()),
                Arc::new(cluster),
            )
        })
        .collect()
}

impl Emit for GlobalCluster {
    fn emit<S: Sink>(&self, s: &mut S) {
        let (engine, version, database) = self.engine;
        s.text(
            "GlobalClusterIdentifier",
            "global_cluster_identifier",
            Some(&self.identifier),
        );
        s.text(
            "GlobalClusterResourceId",
            "global_cluster_resource_id",
            Some(&self.resource_id),
        );
        s.text("GlobalClusterArn", "global_cluster_arn", Some(&self.arn));
        s.text("Status", "status", Some("available"));
        s.text("Engine", "engine", Some(engine));
        s.text("EngineVersion", "engine_version", Some(version));
        s.text(
            "EngineLifecycleSupport",
            "engine_lifecycle_support",
            Some("open-source-rds-extended-support"),
        );
        s.text("DatabaseName", "database_name", Some(database));
        s.boolean("StorageEncrypted", "storage_encrypted", Some(true));
        s.text(
            "StorageEncryptionType",
            "storage_encryption_type",
            Some("sse-kms"),
        );
        s.boolean(
            "DeletionProtection",
            "deletion_protection",
            Some(self.deletion_protection),
        );
        let members = &self.members;
        s.list(
            "GlobalClusterMembers",
            "global_cluster_members",
            Some(members.len()),
            |s, i| {
                s.item_object("GlobalClusterMember", |s| {
                    s.text("DBClusterArn", "db_cluster_arn", Some(&members[i]));
                    // The writer lists the readers; a reader lists none, as AWS reports it.
                    let readers = if i == 0 { members.len() - 1 } else { 0 };
                    s.list("Readers", "readers", Some(readers), |s, j| {
                        s.item_text("member", format_args!("{}", members[j + 1]))
                    });
                    s.boolean("IsWriter", "is_writer", Some(i == 0));
                    s.text(
                        "GlobalWriteForwardingStatus",
                        "global_write_forwarding_status",
                        Some("disabled"),
                    );
                    s.text(
                        "SynchronizationStatus",
                        "synchronization_status",
                        Some("connected"),
                    );
                })
            },
        );
        s.text("Endpoint", "endpoint", Some(&self.endpoint));
        // Every member is set; AWS reports FailoverState only while a switchover runs.
        s.object("FailoverState", "failover_state", true, |s| {
            s.text("Status", "status", Some("pending"));
            s.text("FromDbClusterArn", "from_db_cluster_arn", Some(&members[0]));
            s.text("ToDbClusterArn", "to_db_cluster_arn", Some(&members[1]));
            s.boolean("IsDataLossAllowed", "is_data_loss_allowed", Some(false));
        });
        emit_tags(s, &self.tags);
    }
}
