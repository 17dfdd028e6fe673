//! The `global-clusters` kind: Aurora global databases (DescribeGlobalClusters). The call
//! answers for the whole account from any region, so the kind is account-wide: listed once
//! per account, by its first target, with each member's region and writer flag.

use std::future::Future;

use aws_sdk_rds::types::{
    FailoverState, FailoverStatus, GlobalCluster, GlobalClusterMember,
    GlobalClusterMemberSynchronizationStatus,
};

use super::{Calls, Kind, KindMetric, KindSpec, Listed, MetricLabel, Place, Scope};
use crate::record::item::ItemRecord;
use super::{DiffKeys, Record};
use crate::record::schema::{member, Field, Source};
use crate::record::sdk_types::{sdk_enums, sdk_structs};
use crate::record::shape::Shape;
use crate::record::shared_fields;
use crate::record::value::{FieldValue, TagView};

/// One global cluster of the account.
pub type GlobalClusterRecord = ItemRecord<GlobalCluster>;

const CALL: &str = "DescribeGlobalClusters GlobalCluster";

macro_rules! m {
    ($($member:tt)*) => { member!(GlobalCluster, CALL, $($member)*) };
}

sdk_enums! { FailoverStatus GlobalClusterMemberSynchronizationStatus }

sdk_structs! {
    GlobalClusterMember {
        db_cluster_arn, readers, is_writer, global_write_forwarding_status,
        synchronization_status,
    }
    FailoverState { status, from_db_cluster_arn, to_db_cluster_arn, is_data_loss_allowed }
}

/// The region of a DB cluster ARN: `arn:PARTITION:rds:REGION:ACCOUNT:cluster:NAME`.
fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

fn members(r: &GlobalClusterRecord) -> impl Iterator<Item = &GlobalClusterMember> {
    r.item.global_cluster_members.iter().flatten()
}

#[rustfmt::skip]
const FIELDS: &[Field<GlobalClusterRecord>] = &[
    shared_fields::account_id(),
    shared_fields::account_name(),
    shared_fields::region("the region the account's global clusters were listed from (the call answers for every region)"),
    m!(global_cluster_identifier, "GlobalClusterIdentifier", "the global cluster's name, unique per account"),
    m!(global_cluster_resource_id, "GlobalClusterResourceId", "its immutable resource id"),
    m!(global_cluster_arn, "GlobalClusterArn", "its ARN"),
    m!(status, "Status", "state, e.g. `available`"),
    m!(engine, "Engine", "database engine, e.g. `aurora-postgresql`"),
    m!(engine_version, "EngineVersion", "engine version"),
    m!(engine_lifecycle_support, "EngineLifecycleSupport", "whether RDS Extended Support may apply"),
    m!(database_name, "DatabaseName", "name of the default database"),
    m!(storage_encrypted, "StorageEncrypted", "whether its storage is encrypted"),
    m!(storage_encryption_type, "StorageEncryptionType", "type of encryption of its storage"),
    m!(deletion_protection, "DeletionProtection", "whether it is protected from deletion"),
    m!(global_cluster_members, "GlobalClusterMembers", "its DB clusters: ARN, readers, writer flag, write forwarding, synchronization"),
    m!(endpoint, "Endpoint", "the global writer endpoint"),
    m!(failover_state, "FailoverState", "a switchover or failover in progress, if any"),
    Field {
        name: "tags",
        meaning: "tags as key -> value (the SDK member `tag_list`; a key given twice keeps its last value)",
        source: Source::Api { call: CALL, aws: "TagList", sdk: "tag_list" },
        shape: || Shape::Tags,
        read: |r, _| FieldValue::Tags(TagView::of(&r.item.tag_list)),
    },
    Field {
        name: "writer_region",
        meaning: "the region of the writer member (`is_writer`), from its cluster ARN",
        source: Source::Derived("global_cluster_members[].is_writer and db_cluster_arn"),
        shape: || Shape::Text,
        read: |r, _| {
            let writer = members(r).find(|m| m.is_writer == Some(true));
            match writer.and_then(|m| arn_region(m.db_cluster_arn.as_deref()?)) {
                Some(region) => FieldValue::Text(region),
                None => FieldValue::Absent,
            }
        },
    },
    Field {
        name: "member_regions",
        meaning: "the regions of its member clusters, writer first, from their ARNs",
        source: Source::Derived("global_cluster_members[].db_cluster_arn"),
        shape: || Shape::Array(Box::new(Shape::Text)),
        read: |r, _| {
            let mut regions: Vec<(bool, &str)> = members(r)
                .filter_map(|m| Some((m.is_writer != Some(true), arn_region(m.db_cluster_arn.as_deref()?)?)))
                .collect();
            regions.sort();
            regions.dedup_by(|a, b| a.1 == b.1);
            let regions: Vec<serde_json::Value> =
                regions.into_iter().map(|(_, r)| serde_json::Value::from(r)).collect();
            FieldValue::Json(serde_json::Value::Array(regions))
        },
    },
    shared_fields::service(),
];

impl Record for GlobalClusterRecord {
    const SPEC: KindSpec = KindSpec {
        name: "global-clusters",
        noun: "global cluster",
        about: "Aurora global databases, once per account, with their members' regions",
        call: "DescribeGlobalClusters",
        scope: Scope::Account,
        iam_actions: &["rds:DescribeGlobalClusters"],
        joins: &[],
        metric: KindMetric {
            name: "rds_inventory_global_clusters",
            help: "Aurora global clusters listed by the last run, by account, the region they were listed from, and engine.",
            label: MetricLabel::Engine,
            always: false,
        },
    };
    const TABLE_COLUMNS: &'static [&'static str] = &[
        "account_name",
        "global_cluster_identifier",
        "engine",
        "engine_version",
        "status",
        "writer_region",
        "member_regions",
    ];
    // `region` is where the account's list was asked, not where the global cluster lives: a
    // run listing from another region must not look like a removal and an addition.
    const DIFF: DiffKeys = DiffKeys {
        kind: Self::KIND,
        identifier: "global_cluster_identifier",
        rename: "global_cluster_resource_id",
        volatile: &[],
    };

    fn fields() -> &'static [Field<Self>] {
        FIELDS
    }
    fn engine(&self) -> Option<&str> {
        self.item.engine.as_deref()
    }
    fn tags(&self) -> TagView<'_> {
        TagView::of(&self.item.tag_list)
    }
}

impl Kind for GlobalClusterRecord {
    type Item = GlobalCluster;

    fn page<C: Calls>(
        calls: &mut C,
        marker: Option<String>,
    ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
        list_page!(calls, marker, describe_global_clusters, global_clusters)
    }

    fn from_item(place: &Place<'_>, mut item: Self::Item) -> Self {
        TagView::sort(&mut item.tag_list);
        ItemRecord::new(place, item)
    }

    #[cfg(test)]
    fn empty_item() -> Self::Item {
        GlobalCluster::builder().build()
    }

    #[cfg(test)]
    fn nested_structs() -> Vec<(&'static str, &'static [&'static str], String)> {
        nested_structs()
    }
}
