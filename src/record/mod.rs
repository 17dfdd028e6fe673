//! The output records, one type per resource kind, each carrying every member its `Describe*`
//! call returns plus fields rds-inventory derives or joins. A kind's schema is one table:
//! `fields.rs` for instances, `cluster_fields.rs` for clusters; `schema.rs` says what a field
//! is and what every kind's record provides ([`Record`]).
//!
//! A record owns the SDK's value (moved out of the page, not copied) and writers read each
//! field straight from it through the schema's accessors.

mod cluster;
mod cluster_fields;
mod columns;
mod engine;
mod fields;
mod instance;
mod item;
mod json;
pub mod kinds;
pub mod parameters;
mod price_fields;
mod schema;
mod sdk_types;
mod shape;
mod shared_fields;
mod sharing;
mod snapshot;
mod snapshot_fields;
pub mod utilization;
mod value;

#[cfg(test)]
pub(crate) mod guard_tests;
#[cfg(test)]
mod kind_tests;
#[cfg(test)]
pub(crate) mod tests;

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::PendingMaintenanceAction;

use parameters::{Tls, TlsQuery};

pub use cluster::{ClusterListing, ClusterRecord};
pub use columns::{select_columns, Column, DefaultColumns};
pub use instance::{ClusterLink, InstanceRecord};
pub use json::ToJson;
pub use kinds::{
    Calls, Join, Kind, KindChoice, KindVisitor, Page, Place, ResourceKind, RestoreAttributes,
    Scope, Shareable,
};
pub use kinds::{DiffKeys, Record};
pub use price_fields::{InstancePrice, PriceComponent};
#[cfg(test)]
pub use schema::Field;
pub use schema::{markdown_table, ndjson_rows, table_rows};
pub use shape::Shape;
pub use sharing::Sharing;
pub use snapshot::{ClusterSnapshotRecord, Snapshot, SnapshotRecord};
pub use value::FieldValue;

/// The instance schema (tests).
#[cfg(test)]
pub fn fields() -> &'static [Field<InstanceRecord>] {
    fields::FIELDS
}

/// What derived fields need from the run: its start ("now"), fixed once so every record of a
/// run agrees and tests can pick it.
#[derive(Debug, Clone, Copy)]
pub struct RecordContext {
    now: DateTime,
}

impl RecordContext {
    /// A context for a run that started at `now`.
    pub fn new(now: impl Into<DateTime>) -> RecordContext {
        RecordContext { now: now.into() }
    }

    /// Whole days from now until `time`, rounded down (negative once `time` has passed).
    pub fn days_until(&self, time: &DateTime) -> i64 {
        const NANOS_PER_DAY: i128 = 86_400 * 1_000_000_000;
        let days = (time.as_nanos() - self.now.as_nanos()).div_euclid(NANOS_PER_DAY);
        i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX })
    }

    /// Whole days from `time` until now, rounded down (negative for a time after the start).
    pub fn days_since(&self, time: &DateTime) -> i64 {
        const NANOS_PER_DAY: i128 = 86_400 * 1_000_000_000;
        let days = (self.now.as_nanos() - time.as_nanos()).div_euclid(NANOS_PER_DAY);
        i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX })
    }
}

/// Which AWS service a record belongs to, from its engine: DocumentDB and Neptune come back
/// from the RDS APIs too.
pub fn service_of(engine: Option<&str>) -> Option<&'static str> {
    let engine = engine?;
    Some(if engine.starts_with("docdb") {
        "docdb"
    } else if engine.starts_with("neptune") {
        "neptune"
    } else {
        "rds"
    })
}

/// Fields the fetch layer fills from other calls; absent until it does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Joined {
    pub(super) maintenance: Option<Vec<PendingMaintenanceAction>>,
    pub(super) engine_major_version: Option<String>,
    pub(super) standard_support_end: Option<DateTime>,
    pub(super) extended_support_end: Option<DateTime>,
    /// `--with parameters`: the `tls_required*` fields.
    pub(super) tls: Option<Tls>,
}

/// A record that `--with` can join data into: pending maintenance by ARN, engine support by
/// (engine, major version).
pub trait Joinable {
    /// The ARN that `DescribePendingMaintenanceActions` calls `ResourceIdentifier`.
    fn arn(&self) -> Option<&str>;
    /// (engine, major version) to look up with `DescribeDBMajorEngineVersions`, when the
    /// engine is one whose versions [`major_engine_version`] understands.
    fn engine_major_key(&self) -> Option<(&str, &str)>;
    fn joined_mut(&mut self) -> &mut Joined;

    /// Sets `pending_maintenance_actions`; an empty list means "asked, none pending".
    fn set_maintenance(&mut self, actions: Vec<PendingMaintenanceAction>) {
        self.joined_mut().maintenance = Some(actions);
    }

    /// What `--with parameters` must find out for the record (None: the kind has no
    /// `tls_required` fields).
    fn tls_query(&self) -> Option<TlsQuery> {
        None
    }

    /// Sets the `tls_required*` fields.
    fn set_tls(&mut self, tls: Tls) {
        self.joined_mut().tls = Some(tls);
    }

    /// Sets `engine_major_version` and the end dates of standard and Extended Support.
    fn set_engine_support(
        &mut self,
        major: &str,
        standard_end: Option<DateTime>,
        extended_end: Option<DateTime>,
    ) {
        let joined = self.joined_mut();
        joined.engine_major_version = Some(major.to_owned());
        joined.standard_support_end = standard_end;
        joined.extended_support_end = extended_end;
    }
}

/// Writes every field of `record`, in schema order, as one JSON object (tests, benchmarks).
#[cfg(test)]
pub fn to_json<R: Record>(record: &R, context: &RecordContext) -> String {
    let mut out = Vec::new();
    let mut object = json::Object::start(&mut out);
    for field in R::fields() {
        object.entry(field.name, &(field.read)(record, context));
    }
    object.end();
    String::from_utf8(out).expect("JSON is UTF-8")
}

impl json::ToJson for FieldValue<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        FieldValue::write_json(self, out);
    }
}
