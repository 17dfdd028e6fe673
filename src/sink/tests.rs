//! Every format written into a `Vec<u8>` and read back.

use super::*;
use crate::record::tests::{bare_record, context, full_record, record_with};
use crate::record::{fields, InstanceRecord};
use serde_json::{json, Value};

fn records() -> Vec<InstanceRecord> {
    let mut bare = bare_record("bare");
    bare.region = "eu-west-1".into();
    vec![full_record(), bare]
}

fn options() -> WriteOptions {
    WriteOptions {
        context: context(),
        csv_raw: false,
    }
}

fn render_with(
    format: Format,
    names: &[&str],
    tags: &[&str],
    options: WriteOptions,
    records: &[InstanceRecord],
) -> String {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let tags: Vec<String> = tags.iter().map(|s| s.to_string()).collect();
    let columns = output_columns::<InstanceRecord>(format, &names, &tags).expect("columns");
    let mut writer =
        RecordWriter::new::<InstanceRecord>(format, &columns, options, Vec::new()).expect("new");
    for r in records {
        writer.write(r).expect("write");
    }
    String::from_utf8(writer.finish().expect("finish")).expect("utf8")
}

fn render(format: Format, records: &[InstanceRecord]) -> String {
    render_with(format, &[], &[], options(), records)
}

fn render_columns(
    format: Format,
    names: &[&str],
    tags: &[&str],
    records: &[InstanceRecord],
) -> String {
    render_with(format, names, tags, options(), records)
}

fn names() -> Vec<&'static str> {
    fields().iter().map(|f| f.name).collect()
}

#[test]
fn ndjson_is_one_object_per_line() {
    let out = render(Format::Ndjson, &records());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    let first: Value = serde_json::from_str(lines[0]).expect("json");
    assert_eq!(first["db_instance_identifier"], "orders");
    assert_eq!(first["tags"]["owner"], "Zoë, \"data\" team\nline 2");
    let second: Value = serde_json::from_str(lines[1]).expect("json");
    assert_eq!(second["endpoint_port"], Value::Null);
    assert_eq!(render(Format::Ndjson, &[]), "");
}

#[test]
fn ndjson_lines_are_the_records_json() {
    let records = records();
    let expected: String = records
        .iter()
        .map(|r| r.to_json(&context()) + "\n")
        .collect();
    assert_eq!(render(Format::Ndjson, &records), expected);
}

#[test]
fn json_is_one_array_and_valid_when_empty() {
    let out = render(Format::Json, &records());
    let value: Vec<Value> = serde_json::from_str(&out).expect("array");
    assert_eq!(value.len(), 2);
    assert_eq!(value[1]["db_instance_identifier"], "bare");
    let empty: Vec<Value> = serde_json::from_str(&render(Format::Json, &[])).expect("empty array");
    assert!(empty.is_empty());
}

/// A CSV cell as the JSON value says it should be: text as is, null empty.
fn expected_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn csv_round_trips_hostile_values() {
    let mut hostile = records();
    hostile[0].account_name = "ops, \"core\"\nteam ✓".into();
    hostile[1] = record_with(|b| {
        b.db_instance_identifier("x").tag_list(
            aws_sdk_rds::types::Tag::builder()
                .key("k,\"\n")
                .value("\u{0}é,\r\n\"x\"")
                .build(),
        )
    });
    let out = render(Format::Csv, &hostile);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        names()
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 2);
    for (row, record) in rows.iter().zip(&hostile) {
        let json: Value = serde_json::from_str(&record.to_json(&context())).expect("json");
        for (cell, name) in row.iter().zip(names()) {
            match &json[name] {
                nested @ (Value::Array(_) | Value::Object(_)) => {
                    let cell: Value = serde_json::from_str(cell).expect("a JSON cell");
                    assert_eq!(&cell, nested, "{name}");
                }
                value => assert_eq!(cell, expected_cell(value), "{name}"),
            }
        }
    }
    let tags_at = names().iter().position(|n| *n == "tags").expect("tags");
    let tags: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&rows[1][tags_at]).expect("tags column is a JSON object");
    assert_eq!(tags["k,\"\n"], "\u{0}é,\r\n\"x\"");
    assert_eq!(&rows[1][10], "", "absent is empty in CSV");
    assert_eq!(&rows[0][14], "true");
}

#[test]
fn csv_header_even_when_empty() {
    assert_eq!(render(Format::Csv, &[]), format!("{}\n", names().join(",")));
}

/// The keys of a JSON object as written, in order (serde_json's Map would sort them).
fn keys_in_order(object: &str) -> Vec<String> {
    let value: serde_json::Map<String, Value> = serde_json::from_str(object).expect("object");
    let mut keys: Vec<(usize, String)> = value
        .keys()
        .map(|k| {
            let quoted = serde_json::to_string(k).expect("key");
            let at = object.find(&format!("{quoted}:")).expect("key in text");
            (at, k.clone())
        })
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

#[test]
fn every_field_chosen_explicitly_is_the_default_output() {
    let records = records();
    let names = names();
    assert_eq!(
        render_columns(Format::Ndjson, &names, &[], &records),
        render(Format::Ndjson, &records)
    );
    assert_eq!(
        render_columns(Format::Json, &names, &[], &records),
        render(Format::Json, &records)
    );
    assert_eq!(
        keys_in_order(
            render(Format::Ndjson, &records)
                .lines()
                .next()
                .expect("line")
        ),
        names
    );
}

#[test]
fn ndjson_and_json_follow_columns_order() {
    let names = [
        "region",
        "engine",
        "db_instance_identifier",
        "endpoint_port",
    ];
    let out = render_columns(Format::Ndjson, &names, &[], &records());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(keys_in_order(lines[0]), names);
    assert_eq!(
        serde_json::from_str::<Value>(lines[0]).expect("json"),
        json!({"region": "eu-west-1", "engine": "postgres",
               "db_instance_identifier": "orders", "endpoint_port": 5432})
    );
    assert_eq!(
        serde_json::from_str::<Value>(lines[1]).expect("json"),
        json!({"region": "eu-west-1", "engine": null,
               "db_instance_identifier": "bare", "endpoint_port": null})
    );
    let out = render_columns(Format::Json, &names, &[], &records());
    let array: Vec<Value> = serde_json::from_str(&out).expect("array");
    assert_eq!(array.len(), 2);
    assert_eq!(array[1]["db_instance_identifier"], "bare");
    let first = out.lines().nth(1).expect("first object");
    assert_eq!(keys_in_order(first.trim_end_matches(',')), names);
    assert_eq!(render_columns(Format::Json, &names, &[], &[]), "[]\n");
}

#[test]
fn dotted_columns_use_the_dotted_name_everywhere() {
    let names = [
        "db_instance_identifier",
        "certificate_details.valid_till",
        "vpc_security_groups.vpc_security_group_id",
    ];
    let out = render_columns(Format::Ndjson, &names, &[], &records());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(keys_in_order(lines[0]), names);
    assert_eq!(
        serde_json::from_str::<Value>(lines[0]).expect("json"),
        json!({"db_instance_identifier": "orders",
               "certificate_details.valid_till": "2026-08-20T12:00:00Z",
               "vpc_security_groups.vpc_security_group_id": ["sg-1", "sg-2"]})
    );
    assert_eq!(
        serde_json::from_str::<Value>(lines[1]).expect("json")["certificate_details.valid_till"],
        Value::Null
    );
    let csv = render_columns(Format::Csv, &names, &[], &records());
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(names.join(",").as_str()));
    assert_eq!(
        lines.next(),
        Some(r#"orders,2026-08-20T12:00:00Z,"[""sg-1"",""sg-2""]""#)
    );
    let table = render_columns(Format::Table, &names, &[], &records());
    assert!(table.starts_with("IDENTIFIER"), "{table}");
    assert!(table.contains("certificate_details.valid_till"), "{table}");
}

#[test]
fn tag_columns_hold_the_value_or_null() {
    let out = render_columns(
        Format::Ndjson,
        &["db_instance_identifier", "tag:env"],
        &["owner", "env", "missing"],
        &records(),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        keys_in_order(lines[0]),
        [
            "db_instance_identifier",
            "tag:env",
            "tag:owner",
            "tag:missing"
        ]
    );
    let first: Value = serde_json::from_str(lines[0]).expect("json");
    assert_eq!(first["tag:owner"], "Zoë, \"data\" team\nline 2");
    assert_eq!(first["tag:env"], "prod");
    assert_eq!(first["tag:missing"], Value::Null);
    let second: Value = serde_json::from_str(lines[1]).expect("json");
    assert_eq!(second["tag:env"], Value::Null);

    // With every field and a tag column, the object is the record plus that key.
    let out = render_columns(Format::Json, &[], &["env"], &records());
    let array: Vec<Value> = serde_json::from_str(&out).expect("array");
    let mut expected: Value =
        serde_json::from_str(&records()[0].to_json(&context())).expect("json");
    expected["tag:env"] = json!("prod");
    assert_eq!(array[0], expected);
}

#[test]
fn csv_follows_columns_with_tag_columns() {
    let out = render_columns(
        Format::Csv,
        &["tag:owner", "db_instance_identifier", "tags", "multi_az"],
        &["missing"],
        &records(),
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        [
            "tag:owner",
            "db_instance_identifier",
            "tags",
            "multi_az",
            "tag:missing"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        [
            "Zoë, \"data\" team\nline 2",
            "orders",
            r#"{"env":"prod","owner":"Zoë, \"data\" team\nline 2"}"#,
            "false",
            ""
        ]
    );
    assert_eq!(
        rows[1].iter().collect::<Vec<_>>(),
        ["", "bare", "{}", "", ""]
    );
}

#[test]
fn csv_single_empty_column_keeps_its_rows() {
    let out = render_columns(Format::Csv, &["engine"], &[], &records());
    assert_eq!(out, "engine\npostgres\n\"\"\n");
}

/// One instance whose name and tag `note` start with `first`.
fn formula_record(first: char) -> InstanceRecord {
    let text = format!("{first}cmd");
    record_with(|b| {
        b.db_instance_identifier(&text)
            .allocated_storage(-5)
            .tag_list(
                aws_sdk_rds::types::Tag::builder()
                    .key("note")
                    .value(&text)
                    .build(),
            )
    })
}

fn csv_cells(options: WriteOptions, record: InstanceRecord) -> Vec<String> {
    let out = render_with(
        Format::Csv,
        &[
            "db_instance_identifier",
            "tag:note",
            "allocated_storage",
            "tags",
        ],
        &[],
        options,
        &[record],
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let row = reader.records().next().expect("a row").expect("row");
    row.iter().map(str::to_owned).collect()
}

#[test]
fn csv_text_that_a_spreadsheet_would_run_gets_a_quote() {
    for first in ['=', '+', '-', '@', '\t', '\r'] {
        let cells = csv_cells(options(), formula_record(first));
        assert_eq!(cells[0], format!("'{first}cmd"), "{first:?}");
        assert_eq!(cells[1], format!("'{first}cmd"), "tag value {first:?}");
        assert_eq!(cells[2], "-5", "numbers are left alone");
        assert!(cells[3].starts_with('{'), "JSON cells are left alone");
    }
    assert_eq!(csv_cells(options(), formula_record('x'))[0], "xcmd");
}

#[test]
fn csv_raw_keeps_formula_like_text() {
    let raw = WriteOptions {
        csv_raw: true,
        ..options()
    };
    for first in ['=', '+', '-', '@', '\t', '\r'] {
        let cells = csv_cells(raw, formula_record(first));
        assert_eq!(cells[0], format!("{first}cmd"), "{first:?}");
        assert_eq!(cells[1], format!("{first}cmd"), "{first:?}");
    }
}

#[test]
fn json_formats_never_change_values() {
    let out = render_columns(
        Format::Ndjson,
        &["db_instance_identifier", "tag:note"],
        &[],
        &[formula_record('=')],
    );
    assert_eq!(
        out,
        "{\"db_instance_identifier\":\"=cmd\",\"tag:note\":\"=cmd\"}\n"
    );
}

#[test]
fn table_streams_a_header_then_rows() {
    let out = render(Format::Table, &records());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("ACCOUNT "));
    assert!(lines[1].contains("orders"));
    assert!(lines[2].contains("bare"));
    assert_eq!(render(Format::Table, &[]).lines().count(), 1);
}
