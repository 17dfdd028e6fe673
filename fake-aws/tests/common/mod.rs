//! Shared by the SDK tests: the SDK's parse as JSON (to compare with what the fake says it
//! serves), and RDS clients signed as an account's assumed role.
#![allow(dead_code)]

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_rds::primitives::{DateTime, DateTimeFormat};
use aws_sdk_rds::types as rds_types;
use aws_sdk_sts::config::Credentials;
use fake_aws::FakeAws;
use serde_json::{Map, Value};

/// The one region these tests serve.
pub const REGION: &str = "us-east-1";

/// The SDK's parse, as JSON keyed by field name: `None` is null, `Some(vec![])` is `[]`.
pub trait ToJson {
    fn to_json(&self) -> Value;
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for i32 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJson for i64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToJson for DateTime {
    fn to_json(&self) -> Value {
        Value::String(self.fmt(DateTimeFormat::DateTime).expect("formattable"))
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToJson::to_json)
    }
}

#[macro_export]
macro_rules! enum_json {
    ($($enum:ty),*) => {$(
        impl ToJson for $enum {
            fn to_json(&self) -> Value {
                Value::String(self.as_str().to_string())
            }
        }
    )*};
}

/// Lists the fields by name: a name the SDK type lacks does not compile.
#[macro_export]
macro_rules! struct_json {
    ($type:ty { $($field:ident),* $(,)? }) => {
        impl ToJson for $type {
            fn to_json(&self) -> Value {
                let mut map = Map::new();
                $( map.insert(stringify!($field).to_string(), self.$field.to_json()); )*
                Value::Object(map)
            }
        }
    };
}

enum_json!(
    rds_types::UpgradeRolloutOrder,
    rds_types::ReplicaMode,
    rds_types::StorageEncryptionType,
    rds_types::DatabaseInsightsMode,
    rds_types::ActivityStreamStatus,
    rds_types::ActivityStreamMode
);

struct_json!(rds_types::VpcSecurityGroupMembership {
    vpc_security_group_id,
    status
});
struct_json!(rds_types::DomainMembership {
    domain,
    status,
    fqdn,
    iam_role_name,
    ou,
    auth_secret_arn,
    dns_ips,
});
struct_json!(rds_types::Tag { key, value });
struct_json!(rds_types::ProcessorFeature { name, value });
struct_json!(rds_types::AdditionalStorageVolume {
    volume_name,
    allocated_storage,
    iops,
    max_allocated_storage,
    storage_throughput,
    storage_type,
});
struct_json!(rds_types::CertificateDetails {
    ca_identifier,
    valid_till
});
struct_json!(rds_types::MasterUserSecret {
    secret_arn,
    secret_status,
    kms_key_id
});
struct_json!(rds_types::PendingCloudwatchLogsExports {
    log_types_to_enable,
    log_types_to_disable
});
struct_json!(rds_types::PendingMaintenanceAction {
    action,
    auto_applied_after_date,
    forced_apply_date,
    opt_in_status,
    current_apply_date,
    description,
});

pub fn role_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/InventoryReader")
}

pub async fn base_config(fake: &FakeAws, region: &str, retry: RetryConfig) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(fake.endpoint_url())
        .credentials_provider(Credentials::new("AKIDBASE", "x", None, None, "base"))
        .retry_config(retry)
        .load()
        .await
}

pub async fn rds_for(
    fake: &FakeAws,
    account: &str,
    region: &str,
    retry: RetryConfig,
) -> aws_sdk_rds::Client {
    let base = base_config(fake, region, RetryConfig::disabled()).await;
    let output = aws_sdk_sts::Client::new(&base)
        .assume_role()
        .role_arn(role_arn(account))
        .role_session_name("rds-inventory")
        .send()
        .await
        .expect("AssumeRole succeeds");
    let keys = output.credentials().expect("credentials present");
    let credentials = aws_sdk_rds::config::Credentials::new(
        keys.access_key_id(),
        keys.secret_access_key(),
        Some(keys.session_token().to_string()),
        None,
        "assumed",
    );
    let config = aws_sdk_rds::config::Builder::from(&base)
        .credentials_provider(credentials)
        .retry_config(retry)
        .build();
    aws_sdk_rds::Client::from_conf(config)
}

/// Every item of every page of a Describe request, 20 records a page.
#[macro_export]
macro_rules! all_pages {
    ($request:expr) => {
        $request
            .max_records(20)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
    };
}

/// Paths of nulls and empty lists at any depth.
pub fn unpopulated(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Null => found.push(path.to_string()),
        Value::Array(items) if items.is_empty() => found.push(path.to_string()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                unpopulated(item, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                unpopulated(item, &format!("{path}.{key}"), found);
            }
        }
        _ => {}
    }
}
