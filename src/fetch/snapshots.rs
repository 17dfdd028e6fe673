//! What differs between the two snapshot kinds' listings: the list call, the attribute call
//! that says who can restore a manual snapshot, the record and the page. The listing itself
//! (`Lister::snapshots`) is written once, for both.

use aws_sdk_rds::types::{DbClusterSnapshotAttribute, DbSnapshotAttribute};

use super::{next_marker, TargetCalls};
use crate::aws::{classify, CallFailure, Phase};
use crate::plan::Target;
use crate::record::{ClusterSnapshotRecord, Page, Snapshot, SnapshotRecord};

/// One snapshot kind's calls.
pub(super) trait SnapshotKind {
    type Record: Snapshot;
    /// The phase the attribute call's failures are reported under.
    const ATTRIBUTES: Phase;

    /// One page of the listing at `marker`, as records, and the marker of the next page.
    async fn page(
        calls: &mut TargetCalls<'_>,
        target: &Target,
        marker: &Option<String>,
    ) -> Result<(Vec<Self::Record>, Option<String>), CallFailure>;

    /// The values of the snapshot's `restore` attribute: account ids, or `all`.
    async fn restore(calls: &mut TargetCalls<'_>, id: &str) -> Result<Vec<String>, CallFailure>;

    fn into_page(records: Vec<Self::Record>) -> Page;
}

/// The `snapshots` kind: DescribeDBSnapshots and DescribeDBSnapshotAttributes.
pub(super) struct DbSnapshots;

/// The `cluster-snapshots` kind: DescribeDBClusterSnapshots and
/// DescribeDBClusterSnapshotAttributes.
pub(super) struct DbClusterSnapshots;

/// The two kinds' calls differ only in the SDK's names.
macro_rules! snapshot_kind {
    ($kind:ident, $record:ident, $variant:ident, $phase:ident, list: $list:ident . $items:ident,
     attributes: $attributes:ident ($id:ident) . $result:ident . $values:ident, $attribute:ident) => {
        impl SnapshotKind for $kind {
            type Record = $record;
            const ATTRIBUTES: Phase = Phase::$phase;

            async fn page(
                calls: &mut TargetCalls<'_>,
                target: &Target,
                marker: &Option<String>,
            ) -> Result<(Vec<$record>, Option<String>), CallFailure> {
                let page = describe_page!(calls, $list, marker)?;
                let next = next_marker(page.marker(), marker)?;
                let (id, name, region) = (&target.account.id, &target.account.name, &target.region);
                let records = page
                    .$items
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| $record::from_sdk(id, name, region, s))
                    .collect();
                Ok((records, next))
            }

            async fn restore(
                calls: &mut TargetCalls<'_>,
                id: &str,
            ) -> Result<Vec<String>, CallFailure> {
                let answer = calls
                    .call(|client, signed| {
                        let request = client
                            .$attributes()
                            .$id(id)
                            .customize()
                            .config_override(signed);
                        async move { request.send().await.map_err(|e| classify(&e)) }
                    })
                    .await?;
                let attributes = answer.$result.and_then(|r| r.$values).unwrap_or_default();
                Ok(restore_values(attributes.into_iter().map(
                    |$attribute {
                         attribute_name,
                         attribute_values,
                         ..
                     }| (attribute_name, attribute_values),
                )))
            }

            fn into_page(records: Vec<$record>) -> Page {
                Page::$variant(records)
            }
        }
    };
}

snapshot_kind!(
    DbSnapshots,
    SnapshotRecord,
    Snapshots,
    SnapshotAttributes,
    list: describe_db_snapshots.db_snapshots,
    attributes: describe_db_snapshot_attributes(db_snapshot_identifier)
        .db_snapshot_attributes_result
        .db_snapshot_attributes,
    DbSnapshotAttribute
);
snapshot_kind!(
    DbClusterSnapshots,
    ClusterSnapshotRecord,
    ClusterSnapshots,
    ClusterSnapshotAttributes,
    list: describe_db_cluster_snapshots.db_cluster_snapshots,
    attributes: describe_db_cluster_snapshot_attributes(db_cluster_snapshot_identifier)
        .db_cluster_snapshot_attributes_result
        .db_cluster_snapshot_attributes,
    DbClusterSnapshotAttribute
);

/// The values of the `restore` attribute among (name, values) pairs.
fn restore_values(
    attributes: impl Iterator<Item = (Option<String>, Option<Vec<String>>)>,
) -> Vec<String> {
    attributes
        .filter(|(name, _)| name.as_deref() == Some("restore"))
        .flat_map(|(_, values)| values.unwrap_or_default())
        .collect()
}
