//! The output schema: one flat, documented record per DB instance.

use std::borrow::Cow;
use std::collections::BTreeMap;

use aws_sdk_rds::primitives::DateTimeFormat;
use aws_sdk_rds::types::DbInstance;
use serde::Serialize;

/// Column order of every format; the CSV header is exactly this list.
pub const COLUMNS: [&str; 24] = [
    "account_id",
    "account_name",
    "region",
    "db_instance_identifier",
    "db_instance_arn",
    "dbi_resource_id",
    "db_instance_class",
    "engine",
    "engine_version",
    "db_instance_status",
    "endpoint_address",
    "endpoint_port",
    "allocated_storage",
    "storage_type",
    "storage_encrypted",
    "multi_az",
    "availability_zone",
    "publicly_accessible",
    "deletion_protection",
    "db_subnet_group",
    "vpc_id",
    "db_cluster_identifier",
    "instance_create_time",
    "tags",
];

/// The `table` format's columns when `--columns` is not given: what a person scans for.
pub const TABLE_DEFAULT_COLUMNS: [&str; 10] = [
    "account_name",
    "region",
    "db_instance_identifier",
    "engine",
    "engine_version",
    "db_instance_class",
    "db_instance_status",
    "multi_az",
    "allocated_storage",
    "publicly_accessible",
];

/// How `--columns` names a tag column: `tag:KEY`.
const TAG_PREFIX: &str = "tag:";

/// One output column: a record field (by its index in [`COLUMNS`]) or one tag's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Field(usize),
    Tag(String),
}

impl Column {
    /// The column's name in output: the field name, or `tag:KEY`.
    pub fn name(&self) -> Cow<'static, str> {
        match self {
            Column::Field(i) => Cow::Borrowed(COLUMNS.get(*i).copied().unwrap_or("")),
            Column::Tag(key) => Cow::Owned(format!("{TAG_PREFIX}{key}")),
        }
    }

    /// This column's value in `record`; a tag the record does not carry is absent.
    pub fn value<'a>(&self, record: &'a InstanceRecord) -> FieldValue<'a> {
        match self {
            Column::Field(i) => record.field(*i),
            Column::Tag(key) => record
                .tags
                .get(key)
                .map_or(FieldValue::Absent, |v| FieldValue::Text(v)),
        }
    }
}

/// True when `columns` are every field in [`COLUMNS`] order and nothing else: the output is
/// then the record's own serialization (the fast path).
pub fn is_every_field(columns: &[Column]) -> bool {
    columns.len() == COLUMNS.len()
        && columns
            .iter()
            .enumerate()
            .all(|(i, c)| *c == Column::Field(i))
}

/// The columns of an output when `--columns` is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultColumns {
    /// Every field, in [`COLUMNS`] order.
    Every,
    /// [`TABLE_DEFAULT_COLUMNS`], for a person reading a terminal.
    Table,
}

/// Resolves `--columns` and `--tag-column` into the output's columns, in order.
/// No `--columns` means `defaults`; each `--tag-column` then adds a tag column unless that
/// tag is already one.
pub fn select_columns(
    names: &[String],
    tag_keys: &[String],
    defaults: DefaultColumns,
) -> Result<Vec<Column>, String> {
    let mut columns: Vec<Column> = Vec::new();
    if names.is_empty() {
        columns = match defaults {
            DefaultColumns::Table => TABLE_DEFAULT_COLUMNS
                .iter()
                .filter_map(|name| COLUMNS.iter().position(|c| c == name))
                .map(Column::Field)
                .collect(),
            DefaultColumns::Every => (0..COLUMNS.len()).map(Column::Field).collect(),
        };
    }
    for raw in names {
        let name = raw.trim();
        let column = if name.is_empty() {
            return Err("--columns: empty column name (expected a,b,c)".into());
        } else if let Some(key) = name.strip_prefix(TAG_PREFIX) {
            if key.is_empty() {
                return Err(format!(
                    "--columns: \"{name}\" names no tag (expected tag:KEY)"
                ));
            }
            Column::Tag(key.to_owned())
        } else if let Some(i) = COLUMNS.iter().position(|c| *c == name) {
            Column::Field(i)
        } else {
            return Err(format!(
                "--columns: unknown column \"{name}\"; valid columns: {}, tag:KEY",
                COLUMNS.join(", ")
            ));
        };
        if columns.contains(&column) {
            return Err(format!("--columns: \"{name}\" is given twice"));
        }
        columns.push(column);
    }
    for key in tag_keys {
        if key.is_empty() {
            return Err("--tag-column: empty tag key".into());
        }
        let column = Column::Tag(key.clone());
        if !columns.contains(&column) {
            columns.push(column);
        }
    }
    Ok(columns)
}

/// One field's value, borrowed from a record, for writers that pick columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    Text(&'a str),
    Number(i32),
    Bool(bool),
    Tags(&'a BTreeMap<String, String>),
    Absent,
}

impl Serialize for FieldValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Text(s) => serializer.serialize_str(s),
            FieldValue::Number(n) => serializer.serialize_i32(*n),
            FieldValue::Bool(b) => serializer.serialize_bool(*b),
            FieldValue::Tags(tags) => tags.serialize(serializer),
            FieldValue::Absent => serializer.serialize_none(),
        }
    }
}

/// One DB instance as rds-inventory reports it. Field order is [`COLUMNS`]; absent is `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceRecord {
    pub account_id: String,
    pub account_name: String,
    pub region: String,
    pub db_instance_identifier: Option<String>,
    pub db_instance_arn: Option<String>,
    pub dbi_resource_id: Option<String>,
    pub db_instance_class: Option<String>,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub db_instance_status: Option<String>,
    pub endpoint_address: Option<String>,
    pub endpoint_port: Option<i32>,
    pub allocated_storage: Option<i32>,
    pub storage_type: Option<String>,
    pub storage_encrypted: Option<bool>,
    pub multi_az: Option<bool>,
    pub availability_zone: Option<String>,
    pub publicly_accessible: Option<bool>,
    pub deletion_protection: Option<bool>,
    pub db_subnet_group: Option<String>,
    pub vpc_id: Option<String>,
    pub db_cluster_identifier: Option<String>,
    /// RFC 3339, UTC.
    pub instance_create_time: Option<String>,
    /// Tag key -> value, sorted by key so output is stable.
    pub tags: BTreeMap<String, String>,
}

impl InstanceRecord {
    /// Maps the SDK's type to ours; the SDK's `DbInstance` has no serde support.
    pub fn from_sdk(
        account_id: &str,
        account_name: &str,
        region: &str,
        db: &DbInstance,
    ) -> InstanceRecord {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let endpoint = db.endpoint();
        let subnet_group = db.db_subnet_group();
        InstanceRecord {
            account_id: account_id.to_owned(),
            account_name: account_name.to_owned(),
            region: region.to_owned(),
            db_instance_identifier: owned(db.db_instance_identifier()),
            db_instance_arn: owned(db.db_instance_arn()),
            dbi_resource_id: owned(db.dbi_resource_id()),
            db_instance_class: owned(db.db_instance_class()),
            engine: owned(db.engine()),
            engine_version: owned(db.engine_version()),
            db_instance_status: owned(db.db_instance_status()),
            endpoint_address: owned(endpoint.and_then(|e| e.address())),
            endpoint_port: endpoint.and_then(|e| e.port()),
            allocated_storage: db.allocated_storage(),
            storage_type: owned(db.storage_type()),
            storage_encrypted: db.storage_encrypted(),
            multi_az: db.multi_az(),
            availability_zone: owned(db.availability_zone()),
            publicly_accessible: db.publicly_accessible(),
            deletion_protection: db.deletion_protection(),
            db_subnet_group: owned(subnet_group.and_then(|g| g.db_subnet_group_name())),
            vpc_id: owned(subnet_group.and_then(|g| g.vpc_id())),
            db_cluster_identifier: owned(db.db_cluster_identifier()),
            // A timestamp the SDK parsed always formats; `ok()` keeps a bad one from failing a run.
            instance_create_time: db
                .instance_create_time()
                .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok()),
            tags: db
                .tag_list()
                .iter()
                .filter_map(|t| {
                    Some((
                        t.key()?.to_owned(),
                        t.value().unwrap_or_default().to_owned(),
                    ))
                })
                .collect(),
        }
    }

    /// The field at `index` in [`COLUMNS`]; an index past the end is absent.
    pub fn field(&self, index: usize) -> FieldValue<'_> {
        fn text(v: &Option<String>) -> FieldValue<'_> {
            v.as_deref().map_or(FieldValue::Absent, FieldValue::Text)
        }
        fn number(v: Option<i32>) -> FieldValue<'static> {
            v.map_or(FieldValue::Absent, FieldValue::Number)
        }
        fn flag(v: Option<bool>) -> FieldValue<'static> {
            v.map_or(FieldValue::Absent, FieldValue::Bool)
        }
        match index {
            0 => FieldValue::Text(&self.account_id),
            1 => FieldValue::Text(&self.account_name),
            2 => FieldValue::Text(&self.region),
            3 => text(&self.db_instance_identifier),
            4 => text(&self.db_instance_arn),
            5 => text(&self.dbi_resource_id),
            6 => text(&self.db_instance_class),
            7 => text(&self.engine),
            8 => text(&self.engine_version),
            9 => text(&self.db_instance_status),
            10 => text(&self.endpoint_address),
            11 => number(self.endpoint_port),
            12 => number(self.allocated_storage),
            13 => text(&self.storage_type),
            14 => flag(self.storage_encrypted),
            15 => flag(self.multi_az),
            16 => text(&self.availability_zone),
            17 => flag(self.publicly_accessible),
            18 => flag(self.deletion_protection),
            19 => text(&self.db_subnet_group),
            20 => text(&self.vpc_id),
            21 => text(&self.db_cluster_identifier),
            22 => text(&self.instance_create_time),
            23 => FieldValue::Tags(&self.tags),
            _ => FieldValue::Absent,
        }
    }

    /// The record as CSV fields in [`COLUMNS`] order: absent is empty, tags are a JSON object.
    /// The CSV writer streams fields without this; tests check it against this reference.
    #[cfg(test)]
    pub fn csv_fields(&self) -> [String; COLUMNS.len()] {
        fn text(v: &Option<String>) -> String {
            v.clone().unwrap_or_default()
        }
        fn show<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(ToString::to_string).unwrap_or_default()
        }
        [
            self.account_id.clone(),
            self.account_name.clone(),
            self.region.clone(),
            text(&self.db_instance_identifier),
            text(&self.db_instance_arn),
            text(&self.dbi_resource_id),
            text(&self.db_instance_class),
            text(&self.engine),
            text(&self.engine_version),
            text(&self.db_instance_status),
            text(&self.endpoint_address),
            show(&self.endpoint_port),
            show(&self.allocated_storage),
            text(&self.storage_type),
            show(&self.storage_encrypted),
            show(&self.multi_az),
            text(&self.availability_zone),
            show(&self.publicly_accessible),
            show(&self.deletion_protection),
            text(&self.db_subnet_group),
            text(&self.vpc_id),
            text(&self.db_cluster_identifier),
            text(&self.instance_create_time),
            // A map of strings always serializes; fall back to "{}" rather than panic.
            serde_json::to_string(&self.tags).unwrap_or_else(|_| "{}".into()),
        ]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use aws_sdk_rds::primitives::DateTime;
    use aws_sdk_rds::types::{DbSubnetGroup, Endpoint, Tag};

    /// `full_instance()` as a record of account 111111111111 (prod) in eu-west-1.
    pub fn full_record() -> InstanceRecord {
        InstanceRecord::from_sdk("111111111111", "prod", "eu-west-1", &full_instance())
    }

    /// A record with nothing but an identifier.
    pub fn bare_record(identifier: &str) -> InstanceRecord {
        let db = DbInstance::builder()
            .db_instance_identifier(identifier)
            .build();
        InstanceRecord::from_sdk("111111111111", "prod", "us-east-1", &db)
    }

    pub fn full_instance() -> DbInstance {
        DbInstance::builder()
            .db_instance_identifier("orders")
            .db_instance_arn("arn:aws:rds:eu-west-1:111111111111:db:orders")
            .dbi_resource_id("db-ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            .db_instance_class("db.r6g.large")
            .engine("postgres")
            .engine_version("16.3")
            .db_instance_status("available")
            .endpoint(
                Endpoint::builder()
                    .address("orders.abc.eu-west-1.rds.amazonaws.com")
                    .port(5432)
                    .build(),
            )
            .allocated_storage(100)
            .storage_type("gp3")
            .storage_encrypted(true)
            .multi_az(false)
            .availability_zone("eu-west-1a")
            .publicly_accessible(true)
            .deletion_protection(true)
            .db_subnet_group(
                DbSubnetGroup::builder()
                    .db_subnet_group_name("private")
                    .vpc_id("vpc-1")
                    .build(),
            )
            .instance_create_time(DateTime::from_secs(1_700_000_000))
            .tag_list(
                Tag::builder()
                    .key("owner")
                    .value("Zoë, \"data\" team\nline 2")
                    .build(),
            )
            .tag_list(Tag::builder().key("env").value("prod").build())
            .build()
    }

    #[test]
    fn maps_every_field_from_the_sdk_type() {
        let r = full_record();
        assert_eq!(r.account_id, "111111111111");
        assert_eq!(r.account_name, "prod");
        assert_eq!(r.region, "eu-west-1");
        assert_eq!(r.db_instance_identifier.as_deref(), Some("orders"));
        assert_eq!(
            r.endpoint_address.as_deref(),
            Some("orders.abc.eu-west-1.rds.amazonaws.com")
        );
        assert_eq!(r.endpoint_port, Some(5432));
        assert_eq!(r.allocated_storage, Some(100));
        assert_eq!(r.storage_encrypted, Some(true));
        assert_eq!(r.multi_az, Some(false));
        assert_eq!(r.publicly_accessible, Some(true));
        assert_eq!(r.db_subnet_group.as_deref(), Some("private"));
        assert_eq!(r.vpc_id.as_deref(), Some("vpc-1"));
        assert_eq!(r.db_cluster_identifier, None);
        assert_eq!(
            r.instance_create_time.as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(r.tags.len(), 2);
        assert_eq!(r.tags["owner"], "Zoë, \"data\" team\nline 2");
    }

    #[test]
    fn absent_fields_stay_absent() {
        let r = InstanceRecord::from_sdk("1", "n", "eu-west-1", &DbInstance::builder().build());
        let json = serde_json::to_value(&r).expect("serializes");
        assert_eq!(json["endpoint_address"], serde_json::Value::Null);
        assert_eq!(json["endpoint_port"], serde_json::Value::Null);
        assert_eq!(json["tags"], serde_json::json!({}));
        let fields = r.csv_fields();
        assert_eq!(fields[10], "");
        assert_eq!(fields[23], "{}");
    }

    #[test]
    fn json_keys_follow_columns() {
        let r = full_record();
        let text = serde_json::to_string(&r).expect("serializes");
        let value: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).expect("object");
        let keys: Vec<&str> = value.keys().map(String::as_str).collect();
        let mut sorted_columns = COLUMNS.to_vec();
        sorted_columns.sort_unstable();
        assert_eq!(keys, sorted_columns, "same set of keys");
        let mut last = 0;
        for column in COLUMNS {
            let at = text.find(&format!("\"{column}\":")).expect("key present");
            assert!(at >= last, "{column} out of order");
            last = at;
        }
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn no_columns_means_every_field_then_tag_columns() {
        let columns = select_columns(
            &[],
            &strings(&["env", "owner", "env"]),
            DefaultColumns::Every,
        )
        .expect("columns");
        assert_eq!(columns.len(), COLUMNS.len() + 2);
        assert!(is_every_field(&columns[..COLUMNS.len()]));
        assert!(!is_every_field(&columns));
        assert_eq!(columns[COLUMNS.len()], Column::Tag("env".into()));
        assert_eq!(columns[COLUMNS.len() + 1].name(), "tag:owner");
        assert!(is_every_field(
            &select_columns(&[], &[], DefaultColumns::Every).expect("columns")
        ));
    }

    #[test]
    fn table_defaults_to_the_human_set() {
        let columns = select_columns(&[], &[], DefaultColumns::Table).expect("columns");
        let names: Vec<_> = columns.iter().map(Column::name).collect();
        assert_eq!(names, TABLE_DEFAULT_COLUMNS);
    }

    #[test]
    fn columns_keep_their_order_and_accept_tags() {
        let columns = select_columns(
            &strings(&[
                "engine",
                " region",
                "tag:aws:cloudformation:stack-name",
                "tags",
            ]),
            &strings(&["aws:cloudformation:stack-name", "team"]),
            DefaultColumns::Every,
        )
        .expect("columns");
        assert_eq!(
            columns,
            [
                Column::Field(7),
                Column::Field(2),
                Column::Tag("aws:cloudformation:stack-name".into()),
                Column::Field(23),
                Column::Tag("team".into()),
            ]
        );
    }

    #[test]
    fn bad_column_lists_are_usage_errors() {
        let err = |names: &[&str], tags: &[&str]| {
            select_columns(&strings(names), &strings(tags), DefaultColumns::Every)
                .expect_err("refused")
        };
        let unknown = err(&["region", "regoin"], &[]);
        assert!(unknown.contains("unknown column \"regoin\""), "{unknown}");
        assert!(unknown.contains("account_id, account_name,"), "{unknown}");
        assert!(unknown.contains("tags, tag:KEY"), "{unknown}");
        assert!(err(&["region", "region"], &[]).contains("\"region\" is given twice"));
        assert!(err(&["tag:env", "tag:env"], &[]).contains("given twice"));
        assert!(err(&[""], &[]).contains("empty column name"));
        assert!(err(&["region", " "], &[]).contains("empty column name"));
        assert!(err(&["tag:"], &[]).contains("names no tag"));
        assert!(err(&[], &[""]).contains("--tag-column"));
        assert!(err(&["Region"], &[]).contains("unknown column"));
    }

    #[test]
    fn field_values_follow_columns() {
        let r = full_record();
        let json = serde_json::to_value(&r).expect("serializes");
        for (i, name) in COLUMNS.iter().enumerate() {
            let value = serde_json::to_value(r.field(i)).expect("value");
            assert_eq!(value, json[name], "{name}");
        }
        assert_eq!(r.field(COLUMNS.len()), FieldValue::Absent);
        assert_eq!(
            Column::Tag("env".into()).value(&r),
            FieldValue::Text("prod")
        );
        assert_eq!(Column::Tag("nope".into()).value(&r), FieldValue::Absent);
    }
}
