//! The output record: one per DB instance, carrying every member `DescribeDBInstances`
//! returns, plus fields rds-inventory derives or joins. The schema is `fields.rs`.
//!
//! A record owns the SDK's `DbInstance` (moved out of the page, not copied) and writers read
//! each field straight from it through the schema's accessors.

mod columns;
mod engine;
mod fields;
mod json;
mod schema;
mod shape;
mod value;

#[cfg(test)]
mod guard_tests;
#[cfg(test)]
pub(crate) mod tests;

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::{DbInstance, PendingMaintenanceAction};

pub use columns::{select_columns, Column, DefaultColumns};
pub use engine::major_engine_version;
#[cfg(test)]
pub use schema::fields;
pub use schema::{markdown_table, ndjson_rows, table_rows};
pub use shape::Shape;
pub use value::{FieldValue, TagView};

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
}

/// Fields the fetch layer fills from other calls; absent until it does.
#[derive(Debug, Clone, Default, PartialEq)]
struct Joined {
    maintenance: Option<Vec<PendingMaintenanceAction>>,
    engine_major_version: Option<String>,
    standard_support_end: Option<DateTime>,
    extended_support_end: Option<DateTime>,
}

/// One DB instance as rds-inventory reports it; [`fields`] says what is output and how.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceRecord {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    /// Moved out of the instance so the run summary can count by it.
    pub engine: Option<String>,
    instance: DbInstance,
    joined: Joined,
}

impl InstanceRecord {
    /// Takes the SDK's instance as it is; only the tag list is sorted (output stays stable).
    pub fn from_sdk(
        account_id: &str,
        account_name: &str,
        region: &str,
        mut instance: DbInstance,
    ) -> InstanceRecord {
        TagView::sort(&mut instance.tag_list);
        InstanceRecord {
            account_id: account_id.to_owned(),
            account_name: account_name.to_owned(),
            region: region.to_owned(),
            engine: instance.engine.take(),
            instance,
            joined: Joined::default(),
        }
    }

    /// The instance's ARN: what `DescribePendingMaintenanceActions` calls its
    /// `ResourceIdentifier`.
    pub fn db_instance_arn(&self) -> Option<&str> {
        self.instance.db_instance_arn.as_deref()
    }

    /// (engine, major version) to look up with `DescribeDBMajorEngineVersions`, when the
    /// engine is one whose versions [`major_engine_version`] understands.
    pub fn engine_major_key(&self) -> Option<(&str, &str)> {
        let engine = self.engine.as_deref()?;
        let version = self.instance.engine_version.as_deref()?;
        Some((engine, major_engine_version(engine, version)?))
    }

    /// Sets `pending_maintenance_actions`; an empty list means "asked, none pending".
    pub fn set_maintenance(&mut self, actions: Vec<PendingMaintenanceAction>) {
        self.joined.maintenance = Some(actions);
    }

    /// Sets `engine_major_version` and the end dates of standard and Extended Support.
    pub fn set_engine_support(
        &mut self,
        major: &str,
        standard_end: Option<DateTime>,
        extended_end: Option<DateTime>,
    ) {
        self.joined.engine_major_version = Some(major.to_owned());
        self.joined.standard_support_end = standard_end;
        self.joined.extended_support_end = extended_end;
    }

    /// The tags as a map.
    pub fn tags(&self) -> TagView<'_> {
        TagView::of(&self.instance.tag_list)
    }

    fn certificate_valid_till(&self) -> Option<&DateTime> {
        self.instance
            .certificate_details
            .as_ref()?
            .valid_till
            .as_ref()
    }

    /// The record as one JSON object with every field, in schema order (tests, benchmarks).
    #[cfg(test)]
    pub fn to_json(&self, context: &RecordContext) -> String {
        let mut out = Vec::new();
        let mut object = json::Object::start(&mut out);
        for field in fields() {
            object.entry(field.name, &(field.read)(self, context));
        }
        object.end();
        String::from_utf8(out).expect("JSON is UTF-8")
    }
}

impl json::ToJson for FieldValue<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        FieldValue::write_json(self, out);
    }
}
