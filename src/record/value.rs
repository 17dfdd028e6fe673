//! One field's value, borrowed from a record, and how each format spells it.

use std::fmt;

use aws_sdk_rds::primitives::DateTime;
use aws_sdk_rds::types::Tag;

use super::json::{write_int, write_str, write_time, write_time_json, Object, ToJson};

/// One field's value, for writers that pick columns.
pub enum FieldValue<'a> {
    Absent,
    Text(&'a str),
    Int(i64),
    Bool(bool),
    Time(&'a DateTime),
    Tags(TagView<'a>),
    /// An SDK structure or list: one JSON value.
    Nested(&'a dyn ToJson),
    /// A value reached by a dotted `--columns` path.
    Json(serde_json::Value),
}

impl FieldValue<'_> {
    /// Appends the value as one JSON value; absent is `null`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            FieldValue::Absent => out.extend_from_slice(b"null"),
            FieldValue::Text(s) => write_str(out, s),
            FieldValue::Int(n) => write_int(out, *n),
            FieldValue::Bool(b) => b.write_json(out),
            FieldValue::Time(t) => write_time_json(out, t),
            FieldValue::Tags(tags) => tags.write_json(out),
            FieldValue::Nested(value) => value.write_json(out),
            FieldValue::Json(value) => value.write_json(out),
        }
    }

    /// Appends the value as a CSV cell holds it: text as is, absent empty, `true`/`false`,
    /// timestamps in RFC 3339, anything nested as one JSON value.
    pub fn write_plain(&self, out: &mut Vec<u8>) {
        match self {
            FieldValue::Absent => {}
            FieldValue::Text(s) => out.extend_from_slice(s.as_bytes()),
            FieldValue::Time(t) => {
                write_time(out, t);
            }
            FieldValue::Json(serde_json::Value::Null) => {}
            FieldValue::Json(serde_json::Value::String(s)) => out.extend_from_slice(s.as_bytes()),
            _ => self.write_json(out),
        }
    }

    /// True for text, which a spreadsheet could take for a formula; false for numbers,
    /// booleans, timestamps and JSON values.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            FieldValue::Text(_) | FieldValue::Json(serde_json::Value::String(_))
        )
    }

    /// The value as JSON text (tests and `Debug`).
    pub fn to_json_string(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl fmt::Debug for FieldValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

/// A field's value from the SDK member that holds it.
pub trait AsFieldValue {
    fn field_value(&self) -> FieldValue<'_>;
}

impl<T: AsFieldValue> AsFieldValue for Option<T> {
    fn field_value(&self) -> FieldValue<'_> {
        self.as_ref().map_or(FieldValue::Absent, T::field_value)
    }
}

impl AsFieldValue for String {
    fn field_value(&self) -> FieldValue<'_> {
        FieldValue::Text(self)
    }
}

impl AsFieldValue for i32 {
    fn field_value(&self) -> FieldValue<'_> {
        FieldValue::Int(i64::from(*self))
    }
}

impl AsFieldValue for i64 {
    fn field_value(&self) -> FieldValue<'_> {
        FieldValue::Int(*self)
    }
}

impl AsFieldValue for f64 {
    fn field_value(&self) -> FieldValue<'_> {
        FieldValue::Nested(self)
    }
}

impl AsFieldValue for bool {
    fn field_value(&self) -> FieldValue<'_> {
        FieldValue::Bool(*self)
    }
}

impl AsFieldValue for DateTime {
    fn field_value(&self) -> FieldValue<'_> {
        FieldValue::Time(self)
    }
}

impl<T: ToJson> AsFieldValue for Vec<T> {
    fn field_value(&self) -> FieldValue<'_> {
        FieldValue::Nested(self)
    }
}

/// The tag list as a map: sorted by key when the record was made, so a key given twice keeps
/// its last value and output is stable; a tag without a key is left out.
#[derive(Clone, Copy)]
pub struct TagView<'a>(&'a [Tag]);

impl<'a> TagView<'a> {
    pub fn of(tags: &'a Option<Vec<Tag>>) -> TagView<'a> {
        TagView(tags.as_deref().unwrap_or(&[]))
    }

    /// (key, value) in key order; a tag without a value has the empty string.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let tags = self.0;
        tags.iter().enumerate().filter_map(move |(i, tag)| {
            let key = tag.key.as_deref()?;
            let shadowed = tags
                .get(i + 1)
                .is_some_and(|next| next.key.as_deref() == Some(key));
            (!shadowed).then(|| (key, tag.value.as_deref().unwrap_or("")))
        })
    }

    /// The value of tag `key`.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        let end = self.0.partition_point(|t| t.key.as_deref() <= Some(key));
        let tag = self.0[..end].last()?;
        (tag.key.as_deref() == Some(key)).then(|| tag.value.as_deref().unwrap_or(""))
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Puts a tag list in the order this view needs.
    pub fn sort(tags: &mut Option<Vec<Tag>>) {
        if let Some(tags) = tags {
            // Stable, so of two tags with one key the later stays later.
            tags.sort_by(|a, b| a.key.cmp(&b.key));
        }
    }
}

impl ToJson for TagView<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::start(out);
        for (key, value) in self.iter() {
            object.entry(key, value);
        }
        object.end();
    }
}
