//! The three output formats of `diff`, over any `Write`: NDJSON (one change per line), a
//! readable table line per change, and CSV with one row per changed field.

use std::io::{self, Write};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use super::select::{write_canonical, FieldChange};
use super::unknown::UnknownTarget;
use crate::cli::DiffFormat;

/// What happened to one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Removed,
    Changed,
    Renamed,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Changed => "changed",
            Kind::Renamed => "renamed",
        }
    }
}

/// One change as printed; `record` (the whole record) for added and removed.
#[derive(Debug, Serialize)]
pub struct ChangeLine<'a> {
    pub change: Kind,
    pub account_id: &'a str,
    pub account_name: Option<&'a str>,
    pub region: &'a str,
    /// `db_instance_identifier` (and `old_db_instance_identifier`) or the cluster's.
    #[serde(flatten)]
    pub identifier: Identifier<'a>,
    #[serde(serialize_with = "serialize_fields")]
    pub fields: &'a [FieldChange],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<&'a Value>,
}

/// The identifier under the kind's own name, and for a rename the old one as `old_<name>`.
#[derive(Debug)]
pub struct Identifier<'a> {
    pub name: &'static str,
    pub value: &'a str,
    pub old: Option<&'a str>,
}

impl Serialize for Identifier<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry(self.name, self.value)?;
        if let Some(old) = self.old {
            map.serialize_entry(&format!("old_{}", self.name), old)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct OldNew<'a> {
    old: &'a Option<Value>,
    new: &'a Option<Value>,
}

fn serialize_fields<S: Serializer>(fields: &&[FieldChange], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(fields.len()))?;
    for field in fields.iter() {
        let old_new = OldNew {
            old: &field.old,
            new: &field.new,
        };
        map.serialize_entry(&field.name, &old_new)?;
    }
    map.end()
}

#[derive(Serialize)]
struct UnknownJson<'a> {
    change: &'static str,
    account_id: &'a str,
    account_name: Option<&'a str>,
    region: Option<&'a str>,
    reason: &'a str,
}

/// Writes changes in one format.
pub enum ChangeWriter<W: Write> {
    Ndjson(W),
    Table(W),
    Csv(Box<csv::Writer<W>>),
}

/// The CSV header; the identifier column is named after the kind's identifier.
fn csv_header(identifier: &str) -> [&str; 8] {
    [
        "change",
        "account_id",
        "account_name",
        "region",
        identifier,
        "field",
        "old",
        "new",
    ]
}

impl<W: Write> ChangeWriter<W> {
    /// Starts the output; CSV gets its header at once, so no differences still has one.
    pub fn new(format: DiffFormat, identifier: &str, out: W) -> io::Result<ChangeWriter<W>> {
        Ok(match format {
            DiffFormat::Ndjson => ChangeWriter::Ndjson(out),
            DiffFormat::Table => ChangeWriter::Table(out),
            DiffFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(csv_header(identifier))?;
                ChangeWriter::Csv(Box::new(writer))
            }
        })
    }

    pub fn change(&mut self, line: &ChangeLine) -> io::Result<()> {
        match self {
            ChangeWriter::Ndjson(out) => {
                serde_json::to_writer(&mut *out, line)?;
                out.write_all(b"\n")
            }
            ChangeWriter::Table(out) => writeln!(out, "{}", table_change(line)),
            ChangeWriter::Csv(writer) => csv_change(writer, line),
        }
    }

    pub fn unknown(&mut self, target: &UnknownTarget) -> io::Result<()> {
        match self {
            ChangeWriter::Ndjson(out) => {
                let line = UnknownJson {
                    change: "unknown",
                    account_id: &target.account_id,
                    account_name: target.account_name.as_deref(),
                    region: target.region.as_deref(),
                    reason: &target.reason,
                };
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")
            }
            ChangeWriter::Table(out) => writeln!(out, "{}", table_unknown(target)),
            ChangeWriter::Csv(writer) => {
                let region = target.region.as_deref().unwrap_or_default();
                let name = target.account_name.as_deref().unwrap_or_default();
                let row = [
                    "unknown",
                    &target.account_id,
                    name,
                    region,
                    "",
                    "",
                    "",
                    &target.reason,
                ];
                writer.write_record(row.map(safe_text).iter())?;
                Ok(())
            }
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self {
            ChangeWriter::Ndjson(mut out) | ChangeWriter::Table(mut out) => out.flush(),
            ChangeWriter::Csv(mut writer) => writer.flush(),
        }
    }
}

/// `changed  111111111111 (prod) eu-west-1 orders: engine_version 16.3 -> 16.4`
fn table_change(line: &ChangeLine) -> String {
    let mut text = format!(
        "{:<8} {} {} ",
        line.change.as_str(),
        who(line.account_id, line.account_name),
        escape(line.region)
    );
    if let Some(old) = line.identifier.old {
        text.push_str(&escape(old));
        text.push_str(" -> ");
    }
    text.push_str(&escape(line.identifier.value));
    let details: Vec<String> = match line.record {
        Some(record) if line.fields.is_empty() => ["engine", "engine_version", "db_instance_class"]
            .iter()
            .filter_map(|name| record.get(name).filter(|v| !v.is_null()))
            .map(|v| show(Some(v)))
            .collect(),
        _ => line
            .fields
            .iter()
            .map(|f| {
                format!(
                    "{} {} -> {}",
                    escape(&f.name),
                    show(f.old.as_ref()),
                    show(f.new.as_ref())
                )
            })
            .collect(),
    };
    if !details.is_empty() {
        let separator = if line.fields.is_empty() { " " } else { ", " };
        text.push_str(": ");
        text.push_str(&details.join(separator));
    }
    text
}

fn table_unknown(target: &UnknownTarget) -> String {
    let region = target
        .region
        .as_deref()
        .map_or_else(|| "all regions".into(), escape);
    format!(
        "{:<8} {} {region}: {}",
        "unknown",
        who(&target.account_id, target.account_name.as_deref()),
        escape(&target.reason)
    )
}

fn who(account_id: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{} ({})", escape(account_id), escape(name)),
        None => escape(account_id),
    }
}

/// A value on a table line: text bare when that is unambiguous, JSON-quoted otherwise.
fn show(value: Option<&Value>) -> String {
    match value {
        None => "(none)".into(),
        Some(Value::String(s)) if !needs_quotes(s) => escape(s),
        Some(Value::String(s)) => escape(&serde_json::Value::from(s.as_str()).to_string()),
        Some(other) => {
            let mut out = Vec::new();
            write_canonical(other, &mut out);
            escape(&String::from_utf8_lossy(&out))
        }
    }
}

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s == "(none)"
        || s.chars().any(|c| {
            c.is_whitespace() || c.is_control() || is_invisible(c) || matches!(c, ',' | '"' | '\\')
        })
}

/// Keeps a table line one line and free of terminal tricks: control characters and
/// invisible or direction-changing characters become `\u{..}`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || is_invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Zero-width, bidirectional-override and line/paragraph-separator characters.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// One row per changed field; a rename's first row is the identifier itself.
fn csv_change<W: Write>(writer: &mut csv::Writer<W>, line: &ChangeLine) -> io::Result<()> {
    let name = line.account_name.unwrap_or_default();
    let head = [
        line.change.as_str(),
        line.account_id,
        name,
        line.region,
        line.identifier.value,
    ]
    .map(safe_text);
    let mut rows: Vec<[String; 3]> = Vec::new();
    if let Some(old) = line.identifier.old {
        let new = line.identifier.value;
        rows.push([line.identifier.name, old, new].map(safe_text));
    }
    for field in line.fields {
        let cell = |v: &Option<Value>| v.as_ref().map_or_else(String::new, csv_cell);
        rows.push([safe_text(&field.name), cell(&field.old), cell(&field.new)]);
    }
    if rows.is_empty() {
        rows.push(Default::default());
    }
    for row in rows {
        writer.write_record(head.iter().chain(row.iter()))?;
    }
    Ok(())
}

fn csv_cell(value: &Value) -> String {
    match value {
        Value::String(s) => safe_text(s),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        other => {
            let mut out = Vec::new();
            write_canonical(other, &mut out);
            safe_text(&String::from_utf8_lossy(&out))
        }
    }
}

/// OWASP CSV-injection rule: a text cell a spreadsheet would run as a formula starts with '.
fn safe_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(format: DiffFormat, line: &ChangeLine) -> String {
        let mut writer =
            ChangeWriter::new(format, "db_instance_identifier", Vec::new()).expect("writer");
        writer.change(line).expect("write");
        let out = match writer {
            ChangeWriter::Ndjson(out) | ChangeWriter::Table(out) => out,
            ChangeWriter::Csv(writer) => writer.into_inner().expect("flush"),
        };
        String::from_utf8(out).expect("utf-8")
    }

    fn changed(fields: &[FieldChange]) -> ChangeLine<'_> {
        ChangeLine {
            change: Kind::Changed,
            account_id: "111111111111",
            account_name: Some("prod"),
            region: "eu-west-1",
            identifier: Identifier {
                name: "db_instance_identifier",
                value: "orders",
                old: None,
            },
            fields,
            record: None,
        }
    }

    fn field(name: &str, old: Value, new: Value) -> FieldChange {
        FieldChange {
            name: name.into(),
            old: Some(old),
            new: Some(new),
        }
    }

    #[test]
    fn table_line_reads_like_the_readme() {
        let fields = [
            field("deletion_protection", json!(true), json!(false)),
            field("engine_version", json!("16.3"), json!("16.4")),
        ];
        assert_eq!(
            render(DiffFormat::Table, &changed(&fields)),
            "changed  111111111111 (prod) eu-west-1 orders: deletion_protection true -> false, \
             engine_version 16.3 -> 16.4\n"
        );
    }

    #[test]
    fn hostile_values_stay_on_one_table_line() {
        let hostile = "a\nb\r\"c\u{1b}[31m\u{202e}é ✓";
        let fields = [field("tags", json!({"k\n": hostile}), json!(hostile))];
        let text = render(DiffFormat::Table, &changed(&fields));
        assert_eq!(text.matches('\n').count(), 1, "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\r'));
        assert!(text.contains("é ✓"), "unicode text stays readable: {text}");
    }

    #[test]
    fn ndjson_line_carries_old_and_new_per_field() {
        let fields = [FieldChange {
            name: "multi_az".into(),
            old: None,
            new: Some(json!(true)),
        }];
        let line: Value =
            serde_json::from_str(&render(DiffFormat::Ndjson, &changed(&fields))).expect("json");
        assert_eq!(
            line,
            json!({"change": "changed", "account_id": "111111111111", "account_name": "prod",
                   "region": "eu-west-1", "db_instance_identifier": "orders",
                   "fields": {"multi_az": {"old": null, "new": true}}})
        );
    }

    #[test]
    fn csv_has_one_row_per_field_and_defuses_formulas() {
        let fields = [
            field("tags", json!({"a": "1"}), json!({"a": "2"})),
            field("engine_version", json!("=HYPERLINK(\"x\")"), json!(-5)),
        ];
        let text = render(DiffFormat::Csv, &changed(&fields));
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows[0], csv_header("db_instance_identifier").join(","));
        assert_eq!(
            rows[1],
            r#"changed,111111111111,prod,eu-west-1,orders,tags,"{""a"":""1""}","{""a"":""2""}""#
        );
        assert_eq!(
            rows[2],
            r#"changed,111111111111,prod,eu-west-1,orders,engine_version,"'=HYPERLINK(""x"")",-5"#
        );
    }

    #[test]
    fn renamed_shows_both_identifiers() {
        let line = ChangeLine {
            change: Kind::Renamed,
            identifier: Identifier {
                name: "db_instance_identifier",
                value: "orders",
                old: Some("orders-old"),
            },
            ..changed(&[])
        };
        let table = render(DiffFormat::Table, &line);
        assert_eq!(
            table,
            "renamed  111111111111 (prod) eu-west-1 orders-old -> orders\n"
        );
        let csv = render(DiffFormat::Csv, &line);
        assert!(
            csv.contains(",db_instance_identifier,orders-old,orders\n"),
            "{csv}"
        );
    }

    #[test]
    fn unknown_line_in_each_format() {
        let target = UnknownTarget {
            account_id: "2".into(),
            account_name: Some("b".into()),
            region: None,
            reason: "assume_role failed: denied".into(),
        };
        let mut writer = ChangeWriter::new(DiffFormat::Table, "db_instance_identifier", Vec::new())
            .expect("writer");
        writer.unknown(&target).expect("write");
        let ChangeWriter::Table(out) = writer else {
            panic!("table writer")
        };
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "unknown  2 (b) all regions: assume_role failed: denied\n"
        );
    }
}
