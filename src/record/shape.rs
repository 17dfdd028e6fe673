//! The shape of a field's JSON value, read from the SDK's types: the schema's type column and
//! what a dotted `--columns` path may name.

use aws_sdk_rds::primitives::DateTime;

/// A JSON value's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Text,
    Number,
    Boolean,
    /// An RFC 3339 UTC string.
    Timestamp,
    /// An object of tag key -> value.
    Tags,
    Array(Box<Shape>),
    /// Members in the order they are written.
    Object(Vec<(&'static str, Shape)>),
}

impl Shape {
    /// The type as the schema documents it: `string`, `array of object`...
    pub fn kind(&self) -> String {
        match self {
            Shape::Text => "string".into(),
            Shape::Number => "number".into(),
            Shape::Boolean => "boolean".into(),
            Shape::Timestamp => "timestamp".into(),
            Shape::Tags => "object (tags)".into(),
            Shape::Array(item) => format!("array of {}", item.kind()),
            Shape::Object(_) => "object".into(),
        }
    }

    /// The shape of `name` inside this value; through an array, that of each item's member.
    pub fn member(&self, name: &str) -> Option<Shape> {
        match self {
            Shape::Object(members) => members
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| s.clone()),
            Shape::Array(item) => item.member(name).map(|s| Shape::Array(Box::new(s))),
            _ => None,
        }
    }

    /// The member names a dotted path may continue with.
    pub fn member_names(&self) -> Vec<&'static str> {
        match self {
            Shape::Object(members) => members.iter().map(|(n, _)| *n).collect(),
            Shape::Array(item) => item.member_names(),
            _ => Vec::new(),
        }
    }
}

/// A type whose JSON shape is known without a value.
pub trait HasShape {
    fn shape() -> Shape;
}

/// The shape of the member `read` returns; the closure names the member, the compiler its type.
pub fn shape_of<P, T: HasShape + ?Sized>(_read: fn(&P) -> &T) -> Shape {
    T::shape()
}

impl HasShape for String {
    fn shape() -> Shape {
        Shape::Text
    }
}

impl HasShape for i32 {
    fn shape() -> Shape {
        Shape::Number
    }
}

impl HasShape for i64 {
    fn shape() -> Shape {
        Shape::Number
    }
}

impl HasShape for f64 {
    fn shape() -> Shape {
        Shape::Number
    }
}

impl HasShape for bool {
    fn shape() -> Shape {
        Shape::Boolean
    }
}

impl HasShape for DateTime {
    fn shape() -> Shape {
        Shape::Timestamp
    }
}

impl<T: HasShape> HasShape for Option<T> {
    fn shape() -> Shape {
        T::shape()
    }
}

impl<T: HasShape> HasShape for Vec<T> {
    fn shape() -> Shape {
        Shape::Array(Box::new(T::shape()))
    }
}
