//! One input record split into its top-level members without building a JSON tree: enough to
//! key and hash it. Only records that are reported get parsed in full.

use std::borrow::Cow;

use serde::de::IgnoredAny;

/// A JSON object's members as (name, raw JSON text), in file order.
pub struct RawRecord<'a> {
    fields: Vec<(Cow<'a, str>, &'a str)>,
}

/// The match key of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'a> {
    pub account_id: Cow<'a, str>,
    pub region: Cow<'a, str>,
    pub identifier: Cow<'a, str>,
}

/// Separates the parts of a key string; key parts holding control characters are refused, so
/// the joined string sorts by account, then region, then identifier.
pub const KEY_SEPARATOR: char = '\0';

impl Key<'_> {
    /// `account\0region\0identifier`: one allocation per index entry, sorts as the tuple.
    pub fn write(&self, out: &mut String) {
        out.clear();
        out.push_str(&self.account_id);
        out.push(KEY_SEPARATOR);
        out.push_str(&self.region);
        out.push(KEY_SEPARATOR);
        out.push_str(&self.identifier);
    }
}

/// The parts of a key string written by [`Key::write`].
pub fn split_key(key: &str) -> (&str, &str, &str) {
    let mut parts = key.splitn(3, KEY_SEPARATOR);
    let account = parts.next().unwrap_or("");
    let region = parts.next().unwrap_or("");
    let identifier = parts.next().unwrap_or("");
    (account, region, identifier)
}

impl<'a> RawRecord<'a> {
    /// Checks that `bytes` are one JSON object and splits it; the error says what is wrong.
    pub fn parse(bytes: &'a [u8]) -> Result<RawRecord<'a>, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
        serde_json::from_str::<IgnoredAny>(text).map_err(|e| format!("not JSON: {e}"))?;
        let start = skip_ws(text.as_bytes(), 0);
        if text.as_bytes().get(start) != Some(&b'{') {
            return Err("not a record: a JSON value that is not an object".into());
        }
        let fields = split_object(text, start)
            .ok_or_else(|| String::from("not a record: cannot split the object"))?;
        Ok(RawRecord { fields })
    }

    /// Members as (name, raw JSON text).
    pub fn fields(&self) -> impl Iterator<Item = (&str, &'a str)> + '_ {
        self.fields.iter().map(|(name, raw)| (name.as_ref(), *raw))
    }

    /// A member's raw JSON text; the last one wins, as in a JSON parser.
    pub fn raw(&self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .rev()
            .find(|(field, _)| field == name)
            .map(|(_, raw)| *raw)
    }

    /// A member that must be a string when present; null is absent.
    pub fn string(&self, name: &str) -> Result<Option<Cow<'a, str>>, String> {
        match self.raw(name) {
            None | Some("null") => Ok(None),
            Some(raw) if raw.starts_with('"') => decode_string(raw)
                .map(Some)
                .ok_or_else(|| format!("{name} is not a valid string")),
            Some(_) => Err(format!("not a record: {name} is not a string")),
        }
    }

    /// The match key: account_id, region and db_instance_identifier, all required.
    pub fn key(&self) -> Result<Key<'a>, String> {
        let part = |name: &str| {
            let value = self
                .string(name)?
                .ok_or_else(|| format!("not a record: no {name}"))?;
            if value.chars().any(char::is_control) {
                return Err(format!("not a record: {name} holds a control character"));
            }
            Ok(value)
        };
        Ok(Key {
            account_id: part("account_id")?,
            region: part("region")?,
            identifier: part("db_instance_identifier")?,
        })
    }
}

fn decode_string(raw: &str) -> Option<Cow<'_, str>> {
    if raw.contains('\\') {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        raw.get(1..raw.len().checked_sub(1)?).map(Cow::Borrowed)
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Splits an object that serde_json has already accepted; `None` only on text it refused.
fn split_object(text: &str, start: usize) -> Option<Vec<(Cow<'_, str>, &str)>> {
    let bytes = text.as_bytes();
    let mut fields = Vec::with_capacity(48);
    let mut i = skip_ws(bytes, start + 1);
    if bytes.get(i) == Some(&b'}') {
        return Some(fields);
    }
    loop {
        let name_end = string_end(bytes, i)?;
        let name = decode_string(text.get(i..name_end)?)?;
        i = skip_ws(bytes, name_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(bytes, i + 1);
        let value_end = value_end(bytes, value_start)?;
        fields.push((name, text.get(value_start..value_end)?));
        i = skip_ws(bytes, value_end);
        match bytes.get(i)? {
            b',' => i = skip_ws(bytes, i + 1),
            b'}' => return Some(fields),
            _ => return None,
        }
    }
}

/// The index just past the string starting at `i`.
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    while let Some(b) = bytes.get(j) {
        match b {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// The index just past the JSON value starting at `i`.
fn value_end(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => string_end(bytes, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(b) = bytes.get(j) {
                match b {
                    b'"' => {
                        j = string_end(bytes, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while !matches!(
                bytes.get(j),
                None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            ) {
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_members_with_nested_values_and_tricky_strings() {
        let text = br#" {"a\"b" : "x}\"]" , "n":[1,{"y":"}"}], "t":true,"z":-1.5e3 } "#;
        let record = RawRecord::parse(text).expect("record");
        let fields: Vec<_> = record.fields().collect();
        assert_eq!(
            fields,
            vec![
                ("a\"b", r#""x}\"]""#),
                ("n", r#"[1,{"y":"}"}]"#),
                ("t", "true"),
                ("z", "-1.5e3")
            ]
        );
    }

    #[test]
    fn empty_object_has_no_members() {
        let record = RawRecord::parse(b"{}").expect("record");
        assert_eq!(record.fields().count(), 0);
    }

    #[test]
    fn refuses_what_is_not_a_json_object() {
        for (text, wanted) in [
            (&b"[1]"[..], "not an object"),
            (b"{\"a\":", "not JSON"),
            (b"{\"a\":tru}", "not JSON"),
            (b"\xff", "not UTF-8"),
        ] {
            let error = RawRecord::parse(text).err().expect("an error");
            assert!(error.contains(wanted), "{error}");
        }
    }

    #[test]
    fn key_needs_three_strings_without_control_characters() {
        let ok = br#"{"account_id":"1","region":"r","db_instance_identifier":"d\u00e9"}"#;
        let key = RawRecord::parse(ok).expect("record").key().expect("key");
        assert_eq!(key.identifier, "dé");
        let no_region = br#"{"account_id":"1","db_instance_identifier":"d"}"#;
        let error = RawRecord::parse(no_region).expect("record").key().err();
        assert_eq!(error.as_deref(), Some("not a record: no region"));
        let number = br#"{"account_id":1,"region":"r","db_instance_identifier":"d"}"#;
        assert!(RawRecord::parse(number).expect("record").key().is_err());
        let nul = br#"{"account_id":"1","region":"r\u0000x","db_instance_identifier":"d"}"#;
        assert!(RawRecord::parse(nul).expect("record").key().is_err());
    }

    #[test]
    fn key_string_sorts_by_account_then_region_then_identifier() {
        let key = |a: &'static str, r: &'static str, i: &'static str| {
            let mut out = String::new();
            Key {
                account_id: a.into(),
                region: r.into(),
                identifier: i.into(),
            }
            .write(&mut out);
            out
        };
        assert!(key("1", "a", "zz") < key("1", "ab", "a"));
        assert_eq!(split_key(&key("1", "r", "i")), ("1", "r", "i"));
    }
}
