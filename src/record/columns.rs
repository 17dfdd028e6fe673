//! `--columns` and `--tag-column`: which values an output shows, in which order.

use std::borrow::Cow;

use serde_json::Value;

use super::kinds::Record;
use super::schema::field_index;
use super::shape::Shape;
use super::value::FieldValue;
use super::RecordContext;

/// How `--columns` names a tag column: `tag:KEY`.
const TAG_PREFIX: &str = "tag:";
/// Close matches offered for an unknown name.
const MAX_SUGGESTIONS: usize = 3;

/// One output column: a field (by its index in the schema), a member inside a field reached
/// by a dotted path, or one tag's value. Columns are chosen for one kind `R` (see
/// [`select_columns`]) and read with that kind's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Field(usize),
    /// `name` is the dotted path as given, e.g. `certificate_details.valid_till`.
    Path {
        field: usize,
        members: Vec<&'static str>,
        name: String,
    },
    Tag(String),
}

impl Column {
    /// The column's name in output: the field name, the dotted path, or `tag:KEY`.
    pub fn name<R: Record>(&self) -> Cow<'static, str> {
        match self {
            Column::Field(i) => Cow::Borrowed(R::fields().get(*i).map_or("", |f| f.name)),
            Column::Path { name, .. } => Cow::Owned(name.clone()),
            Column::Tag(key) => Cow::Owned(format!("{TAG_PREFIX}{key}")),
        }
    }

    /// The shape of this column's values.
    pub fn shape<R: Record>(&self) -> Shape {
        match self {
            Column::Field(i) => R::fields().get(*i).map_or(Shape::Text, |f| (f.shape)()),
            Column::Path { field, members, .. } => members
                .iter()
                .try_fold((R::fields()[*field].shape)(), |shape, m| shape.member(m))
                .unwrap_or(Shape::Text),
            Column::Tag(_) => Shape::Text,
        }
    }

    /// This column's value in `record`; a tag or member the record does not carry is absent.
    pub fn value<'a, R: Record>(&self, record: &'a R, context: &RecordContext) -> FieldValue<'a> {
        match self {
            Column::Field(i) => match R::fields().get(*i) {
                Some(field) => (field.read)(record, context),
                None => FieldValue::Absent,
            },
            Column::Path { field, members, .. } => {
                let Some(field) = R::fields().get(*field) else {
                    return FieldValue::Absent;
                };
                let whole = (field.read)(record, context);
                if matches!(whole, FieldValue::Absent) {
                    return FieldValue::Absent;
                }
                // Dotted paths are rare: reading the nested value back is simpler than a
                // second accessor for every member of every SDK structure.
                let mut json = Vec::new();
                whole.write_json(&mut json);
                let value = serde_json::from_slice(&json).unwrap_or(Value::Null);
                match members.iter().fold(value, |v, m| descend(v, m)) {
                    Value::Null => FieldValue::Absent,
                    value => FieldValue::Json(value),
                }
            }
            Column::Tag(key) => record
                .tags()
                .get(key)
                .map_or(FieldValue::Absent, FieldValue::Text),
        }
    }
}

/// `value.member`; through an array, the array of each item's member.
fn descend(value: Value, member: &str) -> Value {
    match value {
        Value::Object(mut members) => members.remove(member).unwrap_or(Value::Null),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| descend(v, member)).collect())
        }
        _ => Value::Null,
    }
}

/// The columns of an output when `--columns` is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultColumns {
    /// Every field, in schema order.
    Every,
    /// The kind's `TABLE_COLUMNS`, for a person reading a terminal.
    Table,
}

/// Resolves `--columns` and `--tag-column` into the output's columns, in order.
/// No `--columns` means `defaults`; each `--tag-column` then adds a tag column unless that
/// tag is already one.
pub fn select_columns<R: Record>(
    names: &[String],
    tag_keys: &[String],
    defaults: DefaultColumns,
) -> Result<Vec<Column>, String> {
    let mut columns: Vec<Column> = Vec::new();
    if names.is_empty() {
        columns = match defaults {
            DefaultColumns::Table => R::TABLE_COLUMNS
                .iter()
                .filter_map(|name| field_index(R::fields(), name))
                .map(Column::Field)
                .collect(),
            DefaultColumns::Every => (0..R::fields().len()).map(Column::Field).collect(),
        };
    }
    for raw in names {
        let name = raw.trim();
        let column = parse_column::<R>(name)?;
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

fn parse_column<R: Record>(name: &str) -> Result<Column, String> {
    if name.is_empty() {
        return Err("--columns: empty column name (expected a,b,c)".into());
    }
    if let Some(key) = name.strip_prefix(TAG_PREFIX) {
        if key.is_empty() {
            return Err(format!(
                "--columns: \"{name}\" names no tag (expected tag:KEY)"
            ));
        }
        return Ok(Column::Tag(key.to_owned()));
    }
    let mut parts = name.split('.');
    let head = parts.next().unwrap_or_default();
    let Some(field) = field_index(R::fields(), head) else {
        let names: Vec<&str> = R::fields().iter().map(|f| f.name).collect();
        let kind = R::KIND.name();
        return Err(format!(
            "--columns: unknown column \"{head}\" of {kind}{} (`rds-inventory fields --kind \
             {kind}` lists them all; tag:KEY names a tag)",
            did_you_mean(head, &names)
        ));
    };
    let mut shape = (R::fields()[field].shape)();
    let mut members = Vec::new();
    let mut path = head.to_owned();
    for part in parts {
        if shape == Shape::Tags {
            return Err(format!(
                "--columns: \"{name}\": use tag:{part} for the value of tag {part}"
            ));
        }
        let known = shape.member_names();
        let Some(member) = known.iter().find(|m| **m == part) else {
            let offer = if known.is_empty() {
                format!("; {path} is a {}, it has no members", shape.kind())
            } else {
                did_you_mean(part, &known)
            };
            return Err(format!(
                "--columns: \"{name}\": {path} has no member \"{part}\"{offer}"
            ));
        };
        shape = shape.member(member).unwrap_or(Shape::Text);
        members.push(*member);
        path.push('.');
        path.push_str(member);
    }
    Ok(if members.is_empty() {
        Column::Field(field)
    } else {
        Column::Path {
            field,
            members,
            name: path,
        }
    })
}

/// `"; did you mean a, b?"` for the names closest to `given` (by edit distance, or containing
/// it), or nothing when none is close.
fn did_you_mean(given: &str, names: &[&str]) -> String {
    let limit = (given.chars().count() / 3).max(2);
    let contains = |n: &str| given.len() >= 4 && n.contains(given);
    let mut close: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (edit_distance(given, n), *n))
        .filter(|(d, n)| *d <= limit || contains(n))
        .collect();
    close.sort();
    close.truncate(MAX_SUGGESTIONS);
    if close.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = close.into_iter().map(|(_, n)| n).collect();
    format!("; did you mean {}?", names.join(", "))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{context, full_record};
    use crate::record::{fields, InstanceRecord};

    fn select_columns(
        names: &[String],
        tag_keys: &[String],
        defaults: DefaultColumns,
    ) -> Result<Vec<Column>, String> {
        super::select_columns::<InstanceRecord>(names, tag_keys, defaults)
    }

    fn field_index(name: &str) -> Option<usize> {
        super::field_index(InstanceRecord::fields(), name)
    }

    fn parse_column(name: &str) -> Result<Column, String> {
        super::parse_column::<InstanceRecord>(name)
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn index(name: &str) -> usize {
        field_index(name).expect("a field")
    }

    fn every() -> Vec<Column> {
        select_columns(&[], &[], DefaultColumns::Every).expect("columns")
    }

    #[test]
    fn no_columns_means_every_field_then_tag_columns() {
        let columns = select_columns(
            &[],
            &strings(&["env", "owner", "env"]),
            DefaultColumns::Every,
        )
        .expect("columns");
        assert_eq!(columns.len(), fields().len() + 2);
        assert_eq!(columns[..fields().len()], every());
        assert_eq!(columns[fields().len()], Column::Tag("env".into()));
        assert_eq!(
            columns[fields().len() + 1].name::<InstanceRecord>(),
            "tag:owner"
        );
        assert!(every()
            .iter()
            .enumerate()
            .all(|(i, c)| *c == Column::Field(i)));
    }

    #[test]
    fn table_defaults_to_the_human_set() {
        let columns = select_columns(&[], &[], DefaultColumns::Table).expect("columns");
        let names: Vec<_> = columns.iter().map(Column::name::<InstanceRecord>).collect();
        assert_eq!(names, InstanceRecord::TABLE_COLUMNS);
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
                Column::Field(index("engine")),
                Column::Field(index("region")),
                Column::Tag("aws:cloudformation:stack-name".into()),
                Column::Field(index("tags")),
                Column::Tag("team".into()),
            ]
        );
    }

    fn refused(names: &[&str], tags: &[&str]) -> String {
        select_columns(&strings(names), &strings(tags), DefaultColumns::Every).expect_err("refused")
    }

    #[test]
    fn bad_column_lists_are_usage_errors() {
        assert!(refused(&["region", "region"], &[]).contains("\"region\" is given twice"));
        assert!(refused(&["tag:env", "tag:env"], &[]).contains("given twice"));
        assert!(refused(&[""], &[]).contains("empty column name"));
        assert!(refused(&["region", " "], &[]).contains("empty column name"));
        assert!(refused(&["tag:"], &[]).contains("names no tag"));
        assert!(refused(&[], &[""]).contains("--tag-column"));
        assert!(refused(&["Region"], &[]).contains("unknown column"));
    }

    #[test]
    fn an_unknown_name_offers_the_close_ones_not_the_whole_list() {
        let message = refused(&["region", "engine_verison"], &[]);
        assert!(
            message.contains("unknown column \"engine_verison\""),
            "{message}"
        );
        assert!(
            message.contains("did you mean engine_version?"),
            "{message}"
        );
        assert!(message.contains("rds-inventory fields"), "{message}");
        assert!(!message.contains("account_id"), "{message}");
        let message = refused(&["zzzzzzzz"], &[]);
        assert!(!message.contains("did you mean"), "{message}");
        let message = refused(&["backup_retention"], &[]);
        assert!(message.contains("backup_retention_period"), "{message}");
    }

    #[test]
    fn dotted_paths_reach_into_nested_values() {
        let columns = select_columns(
            &strings(&[
                "certificate_details.valid_till",
                "db_subnet_group_subnets.subnet_availability_zone.name",
            ]),
            &[],
            DefaultColumns::Every,
        )
        .expect("columns");
        assert_eq!(
            columns[0],
            Column::Path {
                field: index("certificate_details"),
                members: vec!["valid_till"],
                name: "certificate_details.valid_till".into(),
            }
        );
        assert_eq!(columns[0].shape::<InstanceRecord>(), Shape::Timestamp);
        assert_eq!(
            columns[1].shape::<InstanceRecord>().kind(),
            "array of string",
            "a path through a list yields a list"
        );
        let record = full_record();
        assert_eq!(
            columns[0].value(&record, &context()).to_json_string(),
            "\"2026-08-20T12:00:00Z\""
        );
        assert_eq!(
            columns[1].value(&record, &context()).to_json_string(),
            "null"
        );
    }

    #[test]
    fn a_path_through_a_list_of_objects_is_the_list_of_that_member() {
        let column = parse_column("vpc_security_groups.status").expect("column");
        assert_eq!(
            column.value(&full_record(), &context()).to_json_string(),
            r#"["active","active"]"#
        );
    }

    #[test]
    fn bad_dotted_paths_say_what_is_there() {
        let message = refused(&["certificate_details.valid_til"], &[]);
        assert!(
            message.contains(
                "certificate_details has no member \"valid_til\"; did you mean valid_till?"
            ),
            "{message}"
        );
        let message = refused(&["engine.name"], &[]);
        assert!(
            message.contains("engine is a string, it has no members"),
            "{message}"
        );
        let message = refused(&["tags.env"], &[]);
        assert!(message.contains("use tag:env"), "{message}");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("engine", "engine"), 0);
        assert_eq!(edit_distance("engin", "engine"), 1);
        assert_eq!(edit_distance("enigne", "engine"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
