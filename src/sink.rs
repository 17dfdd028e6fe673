//! NDJSON / JSON / CSV / table writers over any `Write`.

use std::io::{self, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::cli::Format;
use crate::config::UsageError;
use crate::record::{
    is_every_field, select_columns, Column, DefaultColumns, FieldValue, InstanceRecord,
};
use crate::table::TableWriter;

/// The output's columns: `--columns` and `--tag-column` checked against the record schema;
/// without `--columns`, every field (a table shows the few a person scans for).
pub fn output_columns(
    format: Format,
    names: &[String],
    tag_keys: &[String],
) -> Result<Vec<Column>, UsageError> {
    let defaults = match format {
        Format::Table => DefaultColumns::Table,
        Format::Ndjson | Format::Json | Format::Csv => DefaultColumns::Every,
    };
    select_columns(names, tag_keys, defaults).map_err(UsageError)
}

/// Streams records in one format; nothing is held back beyond the writer's buffer.
pub struct RecordWriter<W: Write> {
    inner: FormatWriter<W>,
    written: u64,
}

enum FormatWriter<W: Write> {
    /// `None`: every field, written as the record's own serialization (the fast path).
    Ndjson(W, Option<Projection>),
    Json(W, Option<Projection>),
    Csv(Box<csv::Writer<W>>, CsvRow),
    Table(TableWriter<W>),
}

impl<W: Write> RecordWriter<W> {
    /// Starts the output; a CSV or table header is written at once, so an empty run still
    /// has one.
    pub fn new(format: Format, columns: &[Column], out: W) -> io::Result<Self> {
        let projection = || (!is_every_field(columns)).then(|| Projection::new(columns));
        let inner = match format {
            Format::Ndjson => FormatWriter::Ndjson(out, projection()),
            Format::Json => FormatWriter::Json(out, projection()),
            Format::Csv => {
                let mut writer = csv::WriterBuilder::new().from_writer(out);
                writer
                    .write_record(columns.iter().map(|c| c.name().into_owned()))
                    .map_err(csv_error)?;
                FormatWriter::Csv(Box::new(writer), CsvRow::new(columns))
            }
            Format::Table => FormatWriter::Table(TableWriter::new(columns, out)?),
        };
        Ok(RecordWriter { inner, written: 0 })
    }

    pub fn write(&mut self, record: &InstanceRecord) -> io::Result<()> {
        match &mut self.inner {
            FormatWriter::Ndjson(out, projection) => {
                write_json(out, record, projection.as_ref())?;
                out.write_all(b"\n")?;
            }
            FormatWriter::Json(out, projection) => {
                // The array is written as it goes: "[" before the first record, "," before others.
                out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
                write_json(out, record, projection.as_ref())?;
            }
            FormatWriter::Csv(writer, row) => row.write(writer, record)?,
            FormatWriter::Table(table) => table.write(record)?,
        }
        self.written += 1;
        Ok(())
    }

    /// Pushes buffered records out, so a reader sees each page as soon as it arrived.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            FormatWriter::Ndjson(out, _) | FormatWriter::Json(out, _) => out.flush(),
            FormatWriter::Csv(writer, _) => writer.flush(),
            FormatWriter::Table(table) => table.flush(),
        }
    }

    /// Closes the format (the JSON array) and returns the underlying writer, flushed.
    pub fn finish(self) -> io::Result<W> {
        match self.inner {
            FormatWriter::Ndjson(mut out, _) => {
                out.flush()?;
                Ok(out)
            }
            FormatWriter::Json(mut out, _) => {
                out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
                out.flush()?;
                Ok(out)
            }
            FormatWriter::Csv(writer, _) => writer.into_inner().map_err(|e| e.into_error()),
            FormatWriter::Table(table) => table.into_inner(),
        }
    }
}

fn write_json<W: Write>(
    out: &mut W,
    record: &InstanceRecord,
    projection: Option<&Projection>,
) -> io::Result<()> {
    match projection {
        None => serde_json::to_writer(&mut *out, record)?,
        Some(projection) => serde_json::to_writer(&mut *out, &Projected { record, projection })?,
    }
    Ok(())
}

/// Chosen columns for JSON output, with their keys computed once.
struct Projection {
    columns: Vec<Column>,
    keys: Vec<String>,
}

impl Projection {
    fn new(columns: &[Column]) -> Projection {
        Projection {
            columns: columns.to_vec(),
            keys: columns.iter().map(|c| c.name().into_owned()).collect(),
        }
    }
}

/// A record seen through chosen columns: an object with exactly those keys, in that order.
struct Projected<'a> {
    record: &'a InstanceRecord,
    projection: &'a Projection,
}

impl Serialize for Projected<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Projection { columns, keys } = self.projection;
        let mut map = serializer.serialize_map(Some(columns.len()))?;
        for (column, key) in columns.iter().zip(keys) {
            map.serialize_entry(key, &column.value(self.record))?;
        }
        map.end()
    }
}

/// Writes CSV rows field by field; numbers and the tags object go through one reused buffer.
struct CsvRow {
    columns: Vec<Column>,
    buffer: Vec<u8>,
}

impl CsvRow {
    fn new(columns: &[Column]) -> CsvRow {
        CsvRow {
            columns: columns.to_vec(),
            buffer: Vec::new(),
        }
    }

    /// Absent is empty, booleans are true/false, tags are one JSON object.
    fn write<W: Write>(
        &mut self,
        writer: &mut csv::Writer<W>,
        record: &InstanceRecord,
    ) -> io::Result<()> {
        let CsvRow { columns, buffer } = self;
        for column in columns.iter() {
            match column.value(record) {
                FieldValue::Text(s) => writer.write_field(s),
                FieldValue::Number(n) => {
                    buffer.clear();
                    write!(buffer, "{n}")?;
                    writer.write_field(&buffer)
                }
                FieldValue::Bool(b) => writer.write_field(if b { "true" } else { "false" }),
                FieldValue::Tags(tags) => {
                    buffer.clear();
                    serde_json::to_writer(&mut *buffer, tags)?;
                    writer.write_field(&buffer)
                }
                FieldValue::Absent => writer.write_field(""),
            }
            .map_err(csv_error)?;
        }
        // Ends the record (an empty iterator adds no field).
        writer
            .write_record(std::iter::empty::<&[u8]>())
            .map_err(csv_error)
    }
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{bare_record, full_record};
    use crate::record::COLUMNS;
    use serde_json::{json, Value};

    fn records() -> Vec<InstanceRecord> {
        let mut bare = bare_record("bare");
        bare.region = "eu-west-1".into();
        vec![full_record(), bare]
    }

    fn render(format: Format, records: &[InstanceRecord]) -> String {
        let columns = output_columns(format, &[], &[]).expect("columns");
        let mut writer = RecordWriter::new(format, &columns, Vec::new()).expect("new");
        for r in records {
            writer.write(r).expect("write");
        }
        String::from_utf8(writer.finish().expect("finish")).expect("utf8")
    }

    #[test]
    fn ndjson_is_one_object_per_line() {
        let out = render(Format::Ndjson, &records());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        let first: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
        assert_eq!(first["db_instance_identifier"], "orders");
        assert_eq!(first["tags"]["owner"], "Zoë, \"data\" team\nline 2");
        let second: serde_json::Value = serde_json::from_str(lines[1]).expect("json");
        assert_eq!(second["endpoint_port"], serde_json::Value::Null);
        assert_eq!(render(Format::Ndjson, &[]), "");
    }

    #[test]
    fn json_is_one_array_and_valid_when_empty() {
        let out = render(Format::Json, &records());
        let value: Vec<serde_json::Value> = serde_json::from_str(&out).expect("array");
        assert_eq!(value.len(), 2);
        assert_eq!(value[1]["db_instance_identifier"], "bare");
        let empty: Vec<serde_json::Value> =
            serde_json::from_str(&render(Format::Json, &[])).expect("empty array");
        assert!(empty.is_empty());
    }

    #[test]
    fn csv_round_trips_hostile_values() {
        let mut hostile = records();
        hostile[0].account_name = "ops, \"core\"\nteam ✓".into();
        hostile[0]
            .tags
            .insert("k,\"\n".into(), "\u{0}é,\r\n\"x\"".into());
        let out = render(Format::Csv, &hostile);
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        assert_eq!(
            reader.headers().expect("header").iter().collect::<Vec<_>>(),
            COLUMNS
        );
        let rows: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().expect("rows");
        assert_eq!(rows.len(), 2);
        for (row, record) in rows.iter().zip(&hostile) {
            assert_eq!(row.iter().collect::<Vec<_>>(), record.csv_fields().to_vec());
            let tags: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&row[23]).expect("tags column is a JSON object");
            assert_eq!(tags, record.tags);
        }
        assert_eq!(&rows[1][10], "", "absent is empty in CSV");
        assert_eq!(&rows[0][14], "true");
    }

    #[test]
    fn csv_header_even_when_empty() {
        assert_eq!(render(Format::Csv, &[]), format!("{}\n", COLUMNS.join(",")));
    }

    fn render_columns(
        format: Format,
        names: &[&str],
        tags: &[&str],
        records: &[InstanceRecord],
    ) -> String {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let tags: Vec<String> = tags.iter().map(|s| s.to_string()).collect();
        let columns = output_columns(format, &names, &tags).expect("columns");
        let mut writer = RecordWriter::new(format, &columns, Vec::new()).expect("new");
        for r in records {
            writer.write(r).expect("write");
        }
        String::from_utf8(writer.finish().expect("finish")).expect("utf8")
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
    fn default_columns_match_the_record_serialization() {
        let records = records();
        let ndjson = render(Format::Ndjson, &records);
        let expected: String = records
            .iter()
            .map(|r| serde_json::to_string(r).expect("json") + "\n")
            .collect();
        assert_eq!(ndjson, expected);
        // The same fields, chosen explicitly, produce the same bytes through the other path.
        let columns: Vec<&str> = COLUMNS.to_vec();
        assert_eq!(
            render_columns(Format::Ndjson, &columns, &[], &records),
            ndjson
        );
        assert_eq!(
            render_columns(Format::Json, &columns, &[], &records),
            render(Format::Json, &records)
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
        let mut expected = serde_json::to_value(&records()[0]).expect("json");
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
        let rows: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().expect("rows");
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
}

#[cfg(test)]
mod bench;
