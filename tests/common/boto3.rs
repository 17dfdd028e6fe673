//! boto3 in moto's virtualenv, the third party that judges the records: one way to run an
//! inline script hermetically, botocore's names as the SDK's snake_case, and one way to hold
//! a kind's records to what boto3 listed.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::moto::run_python;
use super::tool::{Run, Tool};

/// The start of every boto3 script: `client(service, endpoint, account, region, role)` builds a
/// client acting in `account` through `role`, assumed with moto's base keys (moto files what
/// it creates under that account), and `rfc3339` is a `json.dumps` default that writes
/// timestamps as the SDK does.
const PRELUDE: &str = r#"
import datetime, json, sys
import boto3

def client(service, endpoint, account, region, role):
    base = dict(aws_access_key_id="testing", aws_secret_access_key="testing",
                region_name=region, endpoint_url=endpoint)
    creds = boto3.client("sts", **base).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="boto3-test")["Credentials"]
    return boto3.client(service, aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"],
                        region_name=region, endpoint_url=endpoint)

def rfc3339(value):
    if not isinstance(value, datetime.datetime):
        raise TypeError(type(value))
    value = value.astimezone(datetime.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += ("." + "%06d" % value.microsecond).rstrip("0")
    return text + "Z"
"#;

/// Runs the inline boto3 `script` after [`PRELUDE`] with `args`; panics with its stderr
/// unless it succeeds, else returns its stdout.
pub fn run_script(script: &str, args: &[&str]) -> String {
    run_python(&format!("{PRELUDE}{script}"), args)
}

/// botocore's `DBSubnetGroupName` as the SDK's snake_case: `db_subnet_group_name`.
pub fn snake_case(pascal: &str) -> String {
    let chars: Vec<char> = pascal.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let after_lower = i > 0 && !chars[i - 1].is_ascii_uppercase();
            let starts_word = i > 0
                && chars[i - 1].is_ascii_uppercase()
                && chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if after_lower || starts_word {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The schema's fields of `kind` that carry an API member, from `rds-inventory fields`: the
/// member's name under `source` (e.g. `DescribeDBSnapshots DBSnapshot.`) -> field name.
pub fn api_fields(kind: &str, source: &str) -> BTreeMap<String, String> {
    let run = Tool::new()
        .args(["fields", "--kind", kind, "-f", "ndjson"])
        .run();
    run.assert_code(0, "fields");
    run.json_lines()
        .iter()
        .filter_map(|row| {
            let path = row["source"].as_str()?.strip_prefix(source)?.to_owned();
            Some((path, row["name"].as_str()?.to_owned()))
        })
        .collect()
}

/// A boto3 value as the record writes it: nested keys in snake_case, `TagList` as a map.
pub fn as_record_value(aws_name: &str, value: &Value) -> Value {
    match value {
        Value::Array(tags) if aws_name == "TagList" => Value::Object(
            tags.iter()
                .map(|t| {
                    let key = t["Key"].as_str().expect("key").to_owned();
                    (key, t["Value"].clone())
                })
                .collect(),
        ),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (snake_case(k), as_record_value(k, v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| as_record_value("", v)).collect()),
        other => other.clone(),
    }
}

/// The NDJSON file `name` of a run, by the value of `key`.
pub fn records_by(run: &Run, name: &str, key: &str) -> BTreeMap<String, Map<String, Value>> {
    let text =
        std::fs::read_to_string(run.path(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"));
    text.lines()
        .map(|line| {
            let record: Map<String, Value> = serde_json::from_str(line).expect("an NDJSON record");
            let id = record[key].as_str().expect("an identifier").to_owned();
            (id, record)
        })
        .collect()
}

/// Holds each item boto3 listed to its record (found by the member `id_member`): every member
/// boto3 returned is in the record under its snake_case name (`TagList` as `tags`) and equal,
/// except the `moving` ones (timestamps that advance between two calls), which need only be
/// there; every field whose member boto3 left out is null; every record was listed by boto3.
pub fn assert_members_equal(
    listed: &[Map<String, Value>],
    mut records: BTreeMap<String, Map<String, Value>>,
    fields: &BTreeMap<String, String>,
    id_member: &str,
    moving: &[&str],
) {
    assert!(!listed.is_empty(), "boto3 lists some");
    for aws in listed {
        let id = aws[id_member].as_str().expect("an identifier");
        let record = records
            .remove(id)
            .unwrap_or_else(|| panic!("{id} is not in the inventory"));
        for (name, value) in aws {
            let field = fields
                .get(name)
                .unwrap_or_else(|| panic!("{id}: boto3 returned {name}, which no field carries"));
            let expected_name = if name == "TagList" {
                "tags".to_owned()
            } else {
                snake_case(name)
            };
            assert_eq!(
                field, &expected_name,
                "{id}: {name} keeps its snake_case name"
            );
            let got = &record[field.as_str()];
            if moving.contains(&name.as_str()) {
                assert!(got.is_string(), "{id}: {field} is {got}");
                continue;
            }
            assert_eq!(got, &as_record_value(name, value), "{id}: {field}");
        }
        for (name, field) in fields {
            if !aws.contains_key(name) && name != "TagList" {
                assert_eq!(record[field.as_str()], Value::Null, "{id}: {field}");
            }
        }
    }
    assert!(
        records.is_empty(),
        "records boto3 did not list: {records:?}"
    );
}
