//! The output schema: one flat, documented record per DB instance.

use std::collections::BTreeMap;

use aws_sdk_rds::primitives::DateTimeFormat;
use aws_sdk_rds::types::DbInstance;
use serde::Serialize;

use crate::config::AccountSpec;

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
    pub fn from_sdk(account: &AccountSpec, region: &str, db: &DbInstance) -> InstanceRecord {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let endpoint = db.endpoint();
        let subnet_group = db.db_subnet_group();
        InstanceRecord {
            account_id: account.id.clone(),
            account_name: account.name.clone(),
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

    /// The record as CSV fields in [`COLUMNS`] order: absent is empty, tags are a JSON object.
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
    use std::time::Duration;

    pub fn account() -> AccountSpec {
        AccountSpec {
            id: "111111111111".into(),
            name: "prod".into(),
            role_arn: "arn:aws:iam::111111111111:role/R".into(),
            external_id: None,
            session_name: "s".into(),
            session_duration: Duration::from_secs(3600),
            regions: vec!["eu-west-1".into()],
        }
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
        let r = InstanceRecord::from_sdk(&account(), "eu-west-1", &full_instance());
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
        let r = InstanceRecord::from_sdk(&account(), "eu-west-1", &DbInstance::builder().build());
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
        let r = InstanceRecord::from_sdk(&account(), "eu-west-1", &full_instance());
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
}
