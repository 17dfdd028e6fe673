//! One generator, two outputs: the complete DBInstance (and friends) is written once against
//! `Sink`, and the XML sink (what the fake serves) and the JSON sink (what tests expect) can
//! never disagree about a member.

use crate::time::iso8601;
use serde_json::{Map, Value};
use std::fmt::{self, Write};

/// Appends `text` escaped for XML character data; CR, LF and TAB become character
/// references so that no parser normalises them away.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    // Byte scan through a table: every character that needs escaping is ASCII, most values
    // have none, and this runs for every element of every page.
    const NEEDS_ESCAPING: [bool; 256] = {
        let mut table = [false; 256];
        let mut i = 0;
        let special = b"&<>\"'\n\r\t";
        while i < special.len() {
            table[special[i] as usize] = true;
            i += 1;
        }
        table
    };
    if !text.as_bytes().iter().any(|&b| NEEDS_ESCAPING[b as usize]) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push_str("&#x9;"),
            other => out.push(other),
        }
    }
}

/// Receives members in order; `None` means the member is absent (no XML element, JSON null).
pub(crate) trait Sink: Sized {
    fn text(&mut self, xml: &str, json: &str, value: Option<&str>);
    /// Like `text`, formatting straight into the output (no intermediate String for XML).
    fn text_fmt(&mut self, xml: &str, json: &str, value: Option<fmt::Arguments<'_>>);
    fn int(&mut self, xml: &str, json: &str, value: Option<i64>);
    fn boolean(&mut self, xml: &str, json: &str, value: Option<bool>);
    fn float(&mut self, xml: &str, json: &str, value: Option<f64>);
    /// Unix seconds, written as `2021-03-04T05:06:07Z`.
    fn time(&mut self, xml: &str, json: &str, value: Option<i64>);
    /// A nested structure; `fill` runs only when present.
    fn object(&mut self, xml: &str, json: &str, present: bool, fill: impl FnOnce(&mut Self));
    /// A list of `len` items; `item(sink, i)` writes item `i` with `item_object`/`item_text`.
    fn list(
        &mut self,
        xml: &str,
        json: &str,
        len: Option<usize>,
        item: impl FnMut(&mut Self, usize),
    );
    fn item_object(&mut self, member_xml: &str, fill: impl FnOnce(&mut Self));
    fn item_text(&mut self, member_xml: &str, value: fmt::Arguments<'_>);
}

/// Writes query-protocol XML into a String.
pub(crate) struct XmlSink<'a> {
    pub(crate) out: &'a mut String,
}

/// Escapes whatever is formatted through it.
struct Escaping<'a>(&'a mut String);

impl Write for Escaping<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        push_escaped(self.0, text);
        Ok(())
    }
}

impl XmlSink<'_> {
    fn open(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }
}

impl Sink for XmlSink<'_> {
    fn text(&mut self, xml: &str, _json: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.open(xml);
            push_escaped(self.out, value);
            self.close(xml);
        }
    }

    fn text_fmt(&mut self, xml: &str, _json: &str, value: Option<fmt::Arguments<'_>>) {
        if let Some(value) = value {
            self.open(xml);
            // Writing to a String cannot fail.
            let _ = Escaping(self.out).write_fmt(value);
            self.close(xml);
        }
    }

    fn int(&mut self, xml: &str, _json: &str, value: Option<i64>) {
        if let Some(value) = value {
            let _ = write!(self.out, "<{xml}>{value}</{xml}>");
        }
    }

    fn boolean(&mut self, xml: &str, _json: &str, value: Option<bool>) {
        if let Some(value) = value {
            let _ = write!(self.out, "<{xml}>{value}</{xml}>");
        }
    }

    fn float(&mut self, xml: &str, _json: &str, value: Option<f64>) {
        if let Some(value) = value {
            let _ = write!(self.out, "<{xml}>{value}</{xml}>");
        }
    }

    fn time(&mut self, xml: &str, _json: &str, value: Option<i64>) {
        if let Some(value) = value {
            let _ = write!(self.out, "<{xml}>{}</{xml}>", iso8601(value));
        }
    }

    fn object(&mut self, xml: &str, _json: &str, present: bool, fill: impl FnOnce(&mut Self)) {
        if present {
            self.open(xml);
            fill(self);
            self.close(xml);
        }
    }

    fn list(
        &mut self,
        xml: &str,
        _json: &str,
        len: Option<usize>,
        mut item: impl FnMut(&mut Self, usize),
    ) {
        if let Some(len) = len {
            self.open(xml);
            for index in 0..len {
                item(self, index);
            }
            self.close(xml);
        }
    }

    fn item_object(&mut self, member_xml: &str, fill: impl FnOnce(&mut Self)) {
        self.open(member_xml);
        fill(self);
        self.close(member_xml);
    }

    fn item_text(&mut self, member_xml: &str, value: fmt::Arguments<'_>) {
        self.open(member_xml);
        let _ = Escaping(self.out).write_fmt(value);
        self.close(member_xml);
    }
}

/// Builds a `serde_json::Value` keyed by the SDK's snake_case member names.
pub(crate) struct JsonSink {
    /// Open objects and lists, innermost last; starts with the root object.
    stack: Vec<Frame>,
}

enum Frame {
    Object(Map<String, Value>),
    List(Vec<Value>),
}

impl JsonSink {
    pub(crate) fn new() -> JsonSink {
        JsonSink {
            stack: vec![Frame::Object(Map::new())],
        }
    }

    /// The root object.
    pub(crate) fn finish(mut self) -> Value {
        match self.stack.pop() {
            Some(Frame::Object(map)) => Value::Object(map),
            Some(Frame::List(items)) => Value::Array(items),
            None => Value::Null,
        }
    }

    fn put(&mut self, json: &str, value: Value) {
        if let Some(Frame::Object(map)) = self.stack.last_mut() {
            map.insert(json.to_string(), value);
        }
    }

    fn push_item(&mut self, value: Value) {
        if let Some(Frame::List(items)) = self.stack.last_mut() {
            items.push(value);
        }
    }

    fn pop_value(&mut self) -> Value {
        match self.stack.pop() {
            Some(Frame::Object(map)) => Value::Object(map),
            Some(Frame::List(items)) => Value::Array(items),
            None => Value::Null,
        }
    }
}

impl Sink for JsonSink {
    fn text(&mut self, _xml: &str, json: &str, value: Option<&str>) {
        self.put(
            json,
            value.map_or(Value::Null, |v| Value::String(v.to_string())),
        );
    }

    fn text_fmt(&mut self, _xml: &str, json: &str, value: Option<fmt::Arguments<'_>>) {
        self.put(
            json,
            value.map_or(Value::Null, |v| Value::String(v.to_string())),
        );
    }

    fn int(&mut self, _xml: &str, json: &str, value: Option<i64>) {
        self.put(json, value.map_or(Value::Null, Value::from));
    }

    fn boolean(&mut self, _xml: &str, json: &str, value: Option<bool>) {
        self.put(json, value.map_or(Value::Null, Value::Bool));
    }

    fn float(&mut self, _xml: &str, json: &str, value: Option<f64>) {
        self.put(json, value.map_or(Value::Null, Value::from));
    }

    fn time(&mut self, _xml: &str, json: &str, value: Option<i64>) {
        self.put(
            json,
            value.map_or(Value::Null, |v| Value::String(iso8601(v))),
        );
    }

    fn object(&mut self, _xml: &str, json: &str, present: bool, fill: impl FnOnce(&mut Self)) {
        if !present {
            return self.put(json, Value::Null);
        }
        self.stack.push(Frame::Object(Map::new()));
        fill(self);
        let value = self.pop_value();
        self.put(json, value);
    }

    fn list(
        &mut self,
        _xml: &str,
        json: &str,
        len: Option<usize>,
        mut item: impl FnMut(&mut Self, usize),
    ) {
        let Some(len) = len else {
            return self.put(json, Value::Null);
        };
        self.stack.push(Frame::List(Vec::with_capacity(len)));
        for index in 0..len {
            item(self, index);
        }
        let value = self.pop_value();
        self.put(json, value);
    }

    fn item_object(&mut self, _member_xml: &str, fill: impl FnOnce(&mut Self)) {
        self.stack.push(Frame::Object(Map::new()));
        fill(self);
        let value = self.pop_value();
        self.push_item(value);
    }

    fn item_text(&mut self, _member_xml: &str, value: fmt::Arguments<'_>) {
        self.push_item(Value::String(value.to_string()));
    }
}

/// Paths of null values and empty lists in `value`, at any depth (for tests of complete
/// records).
#[cfg(test)]
pub(crate) fn unpopulated(value: &Value, path: &str, found: &mut Vec<String>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write_sample<S: Sink>(sink: &mut S) {
        sink.text("Name", "name", Some("a<b"));
        sink.text("Gone", "gone", None);
        sink.int("Port", "port", Some(5432));
        sink.boolean("On", "on", Some(false));
        sink.float("Acu", "acu", Some(0.5));
        sink.time("At", "at", Some(0));
        sink.object("Endpoint", "endpoint", true, |s| {
            s.text_fmt("Address", "address", Some(format_args!("h-{}", 1)))
        });
        sink.object("Missing", "missing", false, |_| {});
        sink.list("Groups", "groups", Some(2), |s, i| {
            s.item_object("Group", |s| s.int("Id", "id", Some(i as i64)))
        });
        sink.list("Names", "names", Some(1), |s, _| {
            s.item_text("member", format_args!("x&y"))
        });
        sink.list("Empty", "empty", Some(0), |_, _| {});
        sink.list("Absent", "absent", None, |_, _| {});
    }

    #[test]
    fn escapes_markup_quotes_and_line_breaks() {
        let mut out = String::new();
        push_escaped(&mut out, "a<b>&\"c'\r\n\tZoë");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;&#xD;&#xA;&#x9;Zoë");
    }

    #[test]
    fn xml_and_json_sinks_agree() {
        let mut out = String::new();
        write_sample(&mut XmlSink { out: &mut out });
        assert_eq!(
            out,
            "<Name>a&lt;b</Name><Port>5432</Port><On>false</On><Acu>0.5</Acu><At>1970-01-01T00:00:00Z</At>\
             <Endpoint><Address>h-1</Address></Endpoint><Groups><Group><Id>0</Id></Group>\
             <Group><Id>1</Id></Group></Groups><Names><member>x&amp;y</member></Names>\
             <Empty></Empty>"
        );
        let mut sink = JsonSink::new();
        write_sample(&mut sink);
        assert_eq!(
            sink.finish(),
            json!({
                "name": "a<b", "gone": null, "port": 5432, "on": false, "acu": 0.5,
                "at": "1970-01-01T00:00:00Z", "endpoint": {"address": "h-1"}, "missing": null,
                "groups": [{"id": 0}, {"id": 1}], "names": ["x&y"], "empty": [], "absent": null
            })
        );
    }
}
