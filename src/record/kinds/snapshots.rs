//! The `snapshots` kind's listing (DescribeDBSnapshots, then again with
//! `SnapshotType=awsbackup`) and its sharing hook (DescribeDBSnapshotAttributes); its schema is
//! `record/snapshot_fields.rs`. `cluster-snapshots` is listed the same way, by the macro here.

use std::future::Future;

use aws_sdk_rds::types::{DbSnapshot, DbSnapshotAttribute};

use super::{Calls, Kind, Listed, Place, RestoreAttributes, Shareable};
use crate::record::{InstanceRecord, Record, Sharing, Snapshot};
pub use crate::record::SnapshotRecord;

/// What a snapshot kind's listing and sharing hook are made of; the two snapshot kinds differ
/// only in the SDK's names.
macro_rules! snapshot_kind {
    ($record:ident, $item:ident, $source:ident, $attributes:ident,
     page: $page:expr,
     restore: $call:ident ($id:ident) . $result:ident . $values:ident, $attribute:ident) => {
        impl Kind for $record {
            type Item = $item;

            fn page<C: Calls>(
                calls: &mut C,
                marker: Option<String>,
            ) -> impl Future<Output = Result<Listed<Self::Item>, C::Failure>> + Send {
                $page(calls, marker)
            }

            fn from_item(place: &Place<'_>, item: $item) -> Self {
                $record::from_sdk(place.account_id, place.account_name, place.region, item)
            }

            fn source(&self) -> Option<(super::ResourceKind, &str)> {
                Some(($source::KIND, self.source_identifier()?))
            }

            fn set_source_exists(&mut self, exists: Option<bool>) {
                Snapshot::set_source_exists(self, exists);
            }

            const RESTORE_ATTRIBUTES: Option<RestoreAttributes> =
                Some(RestoreAttributes::$attributes);

            fn shareable(&self) -> Shareable<'_> {
                match (self.is_manual(), self.identifier()) {
                    (false, _) => Shareable::Never,
                    (true, Some(id)) => Shareable::Ask(id),
                    (true, None) => Shareable::Unknown,
                }
            }

            fn restore_values<C: Calls>(
                calls: &mut C,
                id: &str,
            ) -> impl Future<Output = Result<Vec<String>, C::Failure>> + Send {
                let id = id.to_owned();
                async move {
                    let answer = calls
                        .call(|client, signed| {
                            client
                                .$call()
                                .$id(id.clone())
                                .customize()
                                .config_override(signed)
                                .send()
                        })
                        .await?;
                    let attributes = answer.$result.and_then(|r| r.$values).unwrap_or_default();
                    Ok($crate::record::kinds::snapshots::restore_values(
                        attributes.into_iter().map(
                            |$attribute {
                                 attribute_name,
                                 attribute_values,
                                 ..
                             }| (attribute_name, attribute_values),
                        ),
                    ))
                }
            }

            fn set_sharing(&mut self, sharing: Option<Sharing>) {
                Snapshot::set_sharing(self, sharing);
            }

            #[cfg(test)]
            fn empty_item() -> $item {
                $item::builder().build()
            }
        }
    };
}
pub(super) use snapshot_kind;

snapshot_kind!(
    SnapshotRecord, DbSnapshot, InstanceRecord, DbSnapshot,
    page: db_snapshots_page,
    restore: describe_db_snapshot_attributes(db_snapshot_identifier)
        .db_snapshot_attributes_result
        .db_snapshot_attributes,
    DbSnapshotAttribute
);

/// Marks our marker of the second listing, `SnapshotType=awsbackup`: AWS's markers never
/// start with it.
const AWS_BACKUP: &str = "awsbackup:";

/// The account's own DB snapshots: the default listing (AWS documents "both automated and
/// manual snapshots"), then the AWS Backup ones, which come only when asked for by type. A
/// Backup snapshot in the first listing is left to the second, so none is listed twice.
fn db_snapshots_page<C: Calls>(
    calls: &mut C,
    marker: Option<String>,
) -> impl Future<Output = Result<Listed<DbSnapshot>, C::Failure>> + Send + '_ {
    let (backup, marker) = match marker.as_deref().and_then(|m| m.strip_prefix(AWS_BACKUP)) {
        Some(rest) => (true, Some(rest.to_owned()).filter(|m| !m.is_empty())),
        None => (false, marker),
    };
    async move {
        let page = calls
            .call(|client, signed| {
                client
                    .describe_db_snapshots()
                    .max_records(super::PAGE_SIZE)
                    .set_marker(marker.clone())
                    .set_snapshot_type(backup.then(|| "awsbackup".to_owned()))
                    .customize()
                    .config_override(signed)
                    .send()
            })
            .await?;
        let mut items = page.db_snapshots.unwrap_or_default();
        if !backup {
            items.retain(|s| s.snapshot_type.as_deref() != Some("awsbackup"));
        }
        let next = page.marker.filter(|m| !m.is_empty());
        let marker = match (backup, next) {
            (false, Some(next)) => Some(next),
            (false, None) => Some(AWS_BACKUP.to_owned()),
            (true, Some(next)) => Some(format!("{AWS_BACKUP}{next}")),
            (true, None) => None,
        };
        Ok(Listed { items, marker })
    }
}

/// The values of the `restore` attribute among (name, values) pairs.
pub(super) fn restore_values(
    attributes: impl Iterator<Item = (Option<String>, Option<Vec<String>>)>,
) -> Vec<String> {
    attributes
        .filter(|(name, _)| name.as_deref() == Some("restore"))
        .flat_map(|(_, values)| values.unwrap_or_default())
        .collect()
}
