//! The `snapshots` and `cluster-snapshots` kinds' records: one DB snapshot or DB cluster
//! snapshot of the account's own (manual, automated, AWS Backup), who can restore it, and
//! whether its source still exists.

use aws_sdk_rds::types::{CertificateDetails, DbClusterSnapshot, DbSnapshot};

use super::shared_fields::SharedSource;
use super::sharing::Sharing;
use super::value::TagView;
use super::Joined;

/// What a snapshot record adds to the SDK's value: who can restore it and whether its source
/// is still there (`None`: not known in this run).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SnapshotExtras {
    pub(super) sharing: Option<Sharing>,
    pub(super) source_exists: Option<bool>,
    /// Always empty: snapshots have no certificate or joined data; kept for the shared fields.
    pub(super) joined: Joined,
}

/// Whether a snapshot type can be shared: only manual snapshots can.
pub fn is_manual(snapshot_type: Option<&str>) -> bool {
    snapshot_type == Some("manual")
}

/// What the listing needs of a snapshot of either kind: who to ask about sharing, and where
/// to put the answers.
pub trait Snapshot {
    /// The snapshot's identifier.
    fn identifier(&self) -> Option<&str>;
    /// The instance or cluster it was taken from.
    fn source_identifier(&self) -> Option<&str>;
    /// Whether it is a manual snapshot, the only kind that can be shared.
    fn is_manual(&self) -> bool;
    /// Sets the sharing fields (`None`: the attribute call failed; they stay null).
    fn set_sharing(&mut self, sharing: Option<Sharing>);
    fn set_source_exists(&mut self, exists: Option<bool>);
}

macro_rules! snapshot_record {
    ($record:ident, $sdk:ident, $field:ident, $id:ident, $source:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct $record {
            pub account_id: String,
            pub account_name: String,
            pub region: String,
            pub(super) $field: $sdk,
            pub(super) extras: SnapshotExtras,
        }

        impl $record {
            /// Takes the SDK's value; only the tag list is sorted (output stays stable).
            pub fn from_sdk(
                account_id: &str,
                account_name: &str,
                region: &str,
                mut $field: $sdk,
            ) -> $record {
                TagView::sort(&mut $field.tag_list);
                $record {
                    account_id: account_id.to_owned(),
                    account_name: account_name.to_owned(),
                    region: region.to_owned(),
                    $field,
                    extras: SnapshotExtras::default(),
                }
            }
        }

        impl Snapshot for $record {
            fn identifier(&self) -> Option<&str> {
                self.$field.$id.as_deref()
            }

            fn source_identifier(&self) -> Option<&str> {
                self.$field.$source.as_deref()
            }

            fn is_manual(&self) -> bool {
                is_manual(self.$field.snapshot_type.as_deref())
            }

            fn set_sharing(&mut self, sharing: Option<Sharing>) {
                self.extras.sharing = sharing;
            }

            fn set_source_exists(&mut self, exists: Option<bool>) {
                self.extras.source_exists = exists;
            }
        }

        impl SharedSource for $record {
            fn certificate(&self) -> Option<&CertificateDetails> {
                None
            }

            fn joined(&self) -> &Joined {
                &self.extras.joined
            }
        }
    };
}

snapshot_record!(
    SnapshotRecord,
    DbSnapshot,
    snapshot,
    db_snapshot_identifier,
    db_instance_identifier,
    "One DB snapshot as rds-inventory reports it; `snapshot_fields.rs` says what is output."
);
snapshot_record!(
    ClusterSnapshotRecord,
    DbClusterSnapshot,
    snapshot,
    db_cluster_snapshot_identifier,
    db_cluster_identifier,
    "One DB cluster snapshot as rds-inventory reports it; `snapshot_fields.rs` says what is output."
);
