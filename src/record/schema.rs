//! What a field is: name, type, meaning, source and how it is read; what every kind's record
//! provides ([`Record`]); and the one macro that makes a field of an SDK member ([`member!`]).

use std::fmt;

use super::kinds::{KindSpec, ResourceKind};

use super::json::write_str;
use super::shape::Shape;
use super::value::{FieldValue, TagView};
use super::RecordContext;

/// What `diff` needs of a kind: how two runs' records are matched, and which fields change
/// without anyone acting on the resource (not compared by default).
#[derive(Debug)]
pub struct DiffKeys {
    pub kind: ResourceKind,
    /// With account_id and region, the match key.
    pub identifier: &'static str,
    /// The immutable resource id that tells a rename from a removal and an addition.
    pub rename: &'static str,
    pub volatile: &'static [&'static str],
}

/// One kind's record: its schema and what the run counts it by. Each kind's fields are listed
/// once, in its own table (`fields.rs` for instances, `cluster_fields.rs` for clusters, the
/// kind's file in `kinds/` for the others).
pub trait Record: Sized + Send + 'static {
    /// What the kind is: name, call, scope, IAM actions, joins, metric.
    const SPEC: KindSpec;
    /// The kind this record is one of.
    const KIND: ResourceKind = ResourceKind::named(Self::SPEC.name);
    /// The `table` format's columns when `--columns` is not given: what a person scans for.
    const TABLE_COLUMNS: &'static [&'static str];
    /// How `diff` matches and compares records of this kind.
    const DIFF: DiffKeys;
    /// Every field, in output order.
    fn fields() -> &'static [Field<Self>];
    fn account_id(&self) -> &str;
    fn account_name(&self) -> &str;
    fn region(&self) -> &str;
    fn engine(&self) -> Option<&str>;
    /// The tags as a map.
    fn tags(&self) -> TagView<'_>;
    /// Who may restore it, for kinds that can be shared (snapshots); `None` otherwise or
    /// when it could not be asked.
    fn sharing(&self) -> Option<&super::sharing::Sharing> {
        None
    }
    /// `--with parameters`: `Some(tls_required)` when the record is a database the join
    /// asked about (instances); `None` otherwise.
    fn tls_required(&self) -> Option<Option<bool>> {
        None
    }
    /// `--with price`: (currency, monthly list price); `None` for kinds without a price or
    /// when price was not asked for.
    fn list_price(&self) -> Option<(Option<&str>, Option<f64>)> {
        None
    }
}

/// A record that holds one SDK item, the value its kind's call returned: what [`member!`] reads.
pub trait HasItem {
    type Item;
    fn item(&self) -> &Self::Item;
}

/// A member of the kind's SDK item under its own snake_case name: the one way every kind's
/// table names an SDK member. `$item` is the SDK type, `$call` the call and item it comes
/// from (`"DescribeDBProxies DBProxy"`), `$aws` the member as AWS spells it.
macro_rules! member {
    ($item:ty, $call:expr, $name:ident, $aws:literal, $meaning:literal) => {
        $crate::record::schema::Field {
            name: stringify!($name),
            meaning: $meaning,
            source: $crate::record::schema::Source::Api {
                call: $call,
                aws: $aws,
                sdk: stringify!($name),
            },
            shape: || $crate::record::shape::shape_of(|v: &$item| &v.$name),
            read: |r, _| {
                $crate::record::value::AsFieldValue::field_value(
                    &$crate::record::schema::HasItem::item(r).$name,
                )
            },
        }
    };
}
pub(crate) use member;

/// One output field of records of type `R`.
pub struct Field<R> {
    /// Its name in every format (JSON key, CSV header, `--columns`).
    pub name: &'static str,
    /// What it means, in one line.
    pub meaning: &'static str,
    pub source: Source,
    /// The JSON value's shape; for SDK members, read from the SDK's own type.
    pub shape: fn() -> Shape,
    pub read: for<'a> fn(&'a R, &RecordContext) -> FieldValue<'a>,
}

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The run itself: the accounts file, the region listed.
    Run(&'static str),
    /// The kind's own call: `call` names it and its item (`DescribeDBInstances DBInstance`),
    /// `aws` is the path under that item as AWS spells it, `sdk` the same path in the SDK's type.
    Api {
        call: &'static str,
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
            Source::Api { call, aws, .. } => write!(f, "{call}.{aws}"),
            Source::Derived(from) => write!(f, "derived: {from}"),
            Source::Joined(from) => write!(f, "joined: {from}"),
        }
    }
}

/// The index of field `name` in `R`'s fields.
pub fn field_index<R: Record>(name: &str) -> Option<usize> {
    R::fields().iter().position(|f| f.name == name)
}

impl<R> Field<R> {
    /// The documented type: `string`, `number`, `boolean`, `timestamp`, `object`, `array of ...`.
    pub fn kind(&self) -> String {
        (self.shape)().kind()
    }
}

/// A kind's field table as docs/fields.md shows it (between its `fields:KIND` markers).
pub fn markdown_table<R: Record>() -> String {
    let mut out = String::from("| field | type | meaning | source |\n| --- | --- | --- | --- |\n");
    for field in R::fields() {
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
pub fn ndjson_rows<R: Record>() -> String {
    let mut out = Vec::new();
    for field in R::fields() {
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
pub fn table_rows<R: Record>() -> (Vec<&'static str>, Vec<Vec<String>>) {
    let rows = R::fields()
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
    use crate::record::InstanceRecord;

    const FIELDS: &[Field<InstanceRecord>] = super::super::fields::FIELDS;

    /// A kind's generated table, as `rds-inventory fields --kind KIND -f markdown` prints it.
    fn markdown_table_of(kind: ResourceKind) -> String {
        struct Markdown;
        impl crate::record::KindVisitor for Markdown {
            type Output = String;
            fn visit<K: crate::record::Kind>(self) -> String {
                markdown_table::<K>()
            }
        }
        kind.visit(Markdown)
    }

    #[test]
    fn docs_field_tables_are_the_schema_of_every_kind() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/fields.md"))
            .expect("docs/fields.md");
        for kind in crate::record::kinds::ALL {
            let start = format!("<!-- fields:{}:start -->\n", kind.name());
            let end = format!("<!-- fields:{}:end -->", kind.name());
            let table = doc
                .split_once(&start)
                .and_then(|(_, rest)| rest.split_once(&end))
                .map(|(table, _)| table)
                .unwrap_or_else(|| panic!("docs/fields.md has no {start} / {end} markers"));
            assert!(
                table == markdown_table_of(kind),
                "docs/fields.md's {} table differs from the schema; run scripts/update-docs.sh",
                kind.name()
            );
        }
    }

    #[test]
    fn every_field_has_a_name_type_meaning_and_source() {
        for field in FIELDS {
            assert!(!field.name.is_empty() && !field.meaning.is_empty());
            assert!(!field.kind().is_empty(), "{}", field.name);
            assert!(!field.meaning.contains('\n'), "{}: one line", field.name);
        }
        assert_eq!(field_index::<InstanceRecord>("engine"), Some(7));
        assert_eq!(field_index::<InstanceRecord>("nope"), None);
    }

    #[test]
    fn field_list_formats_have_one_row_per_field() {
        let ndjson = ndjson_rows::<InstanceRecord>();
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
        assert_eq!(
            markdown_table::<InstanceRecord>().lines().count(),
            FIELDS.len() + 2
        );
        let (header, rows) = table_rows::<InstanceRecord>();
        assert_eq!(header, ["NAME", "TYPE", "SOURCE", "MEANING"]);
        assert_eq!(rows.len(), FIELDS.len());
    }
}
