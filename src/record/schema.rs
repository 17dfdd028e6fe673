//! What a field is: name, type, meaning, source and how it is read. The fields themselves are
//! listed once, in `fields.rs`.

use std::fmt;

use super::fields::FIELDS;
use super::json::write_str;
use super::shape::Shape;
use super::value::FieldValue;
use super::{InstanceRecord, RecordContext};

/// One output field.
pub struct Field {
    /// Its name in every format (JSON key, CSV header, `--columns`).
    pub name: &'static str,
    /// What it means, in one line.
    pub meaning: &'static str,
    pub source: Source,
    /// The JSON value's shape; for SDK members, read from the SDK's own type.
    pub shape: fn() -> Shape,
    pub read: for<'a> fn(&'a InstanceRecord, &RecordContext) -> FieldValue<'a>,
}

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The run itself: the accounts file, the region listed.
    Run(&'static str),
    /// `DescribeDBInstances`: `aws` is the path under `DBInstance` as AWS spells it,
    /// `sdk` the same path in the SDK's `DbInstance`.
    Api {
        aws: &'static str,
        sdk: &'static str,
    },
    /// Computed by rds-inventory from other fields.
    Derived(&'static str),
    /// Joined from another call by the fetch layer; null unless it was made.
    Joined(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Run(what) => write!(f, "run: {what}"),
            Source::Api { aws, .. } => write!(f, "DescribeDBInstances DBInstance.{aws}"),
            Source::Derived(from) => write!(f, "derived: {from}"),
            Source::Joined(from) => write!(f, "joined: {from}"),
        }
    }
}

/// Every field, in output order.
pub fn fields() -> &'static [Field] {
    FIELDS
}

/// The index of field `name` in [`fields`].
pub fn field_index(name: &str) -> Option<usize> {
    FIELDS.iter().position(|f| f.name == name)
}

impl Field {
    /// The documented type: `string`, `number`, `boolean`, `timestamp`, `object`, `array of ...`.
    pub fn kind(&self) -> String {
        (self.shape)().kind()
    }
}

/// The field table as the README shows it (between its `fields:start`/`fields:end` markers).
pub fn markdown_table() -> String {
    let mut out = String::from("| field | type | meaning | source |\n| --- | --- | --- | --- |\n");
    for field in FIELDS {
        let cell = |s: &str| s.replace('|', "\\|");
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            field.name,
            field.kind(),
            cell(field.meaning),
            cell(&field.source.to_string())
        ));
    }
    out
}

/// One JSON object per field and line: name, type, meaning, source.
pub fn ndjson_rows() -> String {
    let mut out = Vec::new();
    for field in FIELDS {
        out.extend_from_slice(b"{\"name\":");
        write_str(&mut out, field.name);
        out.extend_from_slice(b",\"type\":");
        write_str(&mut out, &field.kind());
        out.extend_from_slice(b",\"meaning\":");
        write_str(&mut out, field.meaning);
        out.extend_from_slice(b",\"source\":");
        write_str(&mut out, &field.source.to_string());
        out.extend_from_slice(b"}\n");
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The fields as table rows: name, type, source, meaning.
pub fn table_rows() -> (Vec<&'static str>, Vec<Vec<String>>) {
    let rows = FIELDS
        .iter()
        .map(|f| {
            vec![
                f.name.to_owned(),
                f.kind(),
                f.source.to_string(),
                f.meaning.to_owned(),
            ]
        })
        .collect();
    (vec!["NAME", "TYPE", "SOURCE", "MEANING"], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = "<!-- fields:instances:start -->\n";
    const END: &str = "<!-- fields:instances:end -->";

    #[test]
    fn docs_field_table_is_the_schema() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/fields.md"))
            .expect("docs/fields.md");
        let table = doc
            .split_once(START)
            .and_then(|(_, rest)| rest.split_once(END))
            .map(|(table, _)| table)
            .expect("docs/fields.md has the fields:instances:start / end markers");
        assert!(
            table == markdown_table(),
            "docs/fields.md's field table differs from src/record/fields.rs; \
             run scripts/update-docs.sh"
        );
    }

    #[test]
    fn every_field_has_a_name_type_meaning_and_source() {
        for field in FIELDS {
            assert!(!field.name.is_empty() && !field.meaning.is_empty());
            assert!(!field.kind().is_empty(), "{}", field.name);
            assert!(!field.meaning.contains('\n'), "{}: one line", field.name);
        }
        assert_eq!(field_index("engine"), Some(7));
        assert_eq!(field_index("nope"), None);
    }

    #[test]
    fn field_list_formats_have_one_row_per_field() {
        let ndjson = ndjson_rows();
        assert_eq!(ndjson.lines().count(), FIELDS.len());
        let first: serde_json::Value =
            serde_json::from_str(ndjson.lines().next().expect("a row")).expect("JSON");
        assert_eq!(
            first,
            serde_json::json!({"name": "account_id", "type": "string",
                "meaning": "the account's 12-digit id", "source": "run: `id` in the accounts file"})
        );
        let ca = ndjson
            .lines()
            .find(|l| l.contains("\"ca_certificate_identifier\""))
            .expect("ca row");
        assert!(
            ca.contains("\"source\":\"DescribeDBInstances DBInstance.CACertificateIdentifier\"")
        );
        assert_eq!(markdown_table().lines().count(), FIELDS.len() + 2);
        let (header, rows) = table_rows();
        assert_eq!(header, ["NAME", "TYPE", "SOURCE", "MEANING"]);
        assert_eq!(rows.len(), FIELDS.len());
    }
}
