//! One input record split into its top-level members without building a JSON tree: enough to
//! key and hash it. Only records that are reported or compared exactly get parsed in full.
//!
//! The same pass writes the record's canonical text, the JSON as serde_json writes it compactly
//! (no whitespace, strings escaped its way, numbers spelled its way), so a record hashes alike
//! whichever program wrote it. The tool's own records already are canonical and are not copied.

use std::borrow::Cow;

/// A JSON object's members in file order, as slices of the record's text.
pub struct RawRecord<'a> {
    /// Borrowed when the record's text already is canonical.
    canonical: Cow<'a, [u8]>,
    members: Vec<Member<'a>>,
}

/// One member: its name, its raw JSON value, and where the whole `"name":value` lies in the
/// record's canonical text.
pub struct Member<'a> {
    pub name: Cow<'a, str>,
    pub value: &'a str,
    pub start: usize,
    pub end: usize,
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
    /// Structure, literals, numbers and escapes are checked here; a control character left raw
    /// inside a string is found by serde_json when a record is parsed in full.
    pub fn parse(bytes: &'a [u8]) -> Result<RawRecord<'a>, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
        let mut scanner = Scanner {
            text,
            pos: 0,
            canonical: Vec::new(),
            copied: 0,
        };
        scanner.skip_ws();
        if scanner.peek() != Some(b'{') {
            return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Ok(_) => "not a record: a JSON value that is not an object".into(),
                Err(e) => format!("not JSON: {e}"),
            });
        }
        let mut members = Vec::with_capacity(48);
        scanner.object(0, Some(&mut members))?;
        scanner.skip_ws();
        if scanner.peek().is_some() {
            return Err(scanner.unexpected("after the record"));
        }
        let canonical = if scanner.copied == 0 {
            Cow::Borrowed(bytes)
        } else {
            scanner.replace(bytes.len(), bytes.len());
            Cow::Owned(scanner.canonical)
        };
        Ok(RawRecord { canonical, members })
    }

    pub fn members(&self) -> &[Member<'a>] {
        &self.members
    }

    /// The record's canonical text from `start` to `end` (member boundaries).
    pub fn canonical(&self, start: usize, end: usize) -> &[u8] {
        self.canonical.get(start..end).unwrap_or_default()
    }

    /// Members as (name, raw JSON text).
    #[cfg(test)]
    pub fn fields(&self) -> impl Iterator<Item = (&str, &'a str)> + '_ {
        self.members.iter().map(|m| (m.name.as_ref(), m.value))
    }

    /// A member's raw JSON text. The key members come first in the tool's records, so the
    /// search runs forward (a name given twice, which the tool never writes, finds the first).
    pub fn raw(&self, name: &str) -> Option<&'a str> {
        self.members
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.value)
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

    /// The match key: account_id, region and the kind's `identifier`, all required.
    pub fn key(&self, identifier: &str) -> Result<Key<'a>, String> {
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
            identifier: part(identifier)?,
        })
    }
}

fn decode_string(raw: &str) -> Option<Cow<'_, str>> {
    if raw.contains('\\') {
        decode_escaped(raw)
    } else {
        raw.get(1..raw.len().checked_sub(1)?).map(Cow::Borrowed)
    }
}

fn decode_escaped(raw: &str) -> Option<Cow<'_, str>> {
    serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
}

/// Nesting deeper than this is refused, as serde_json does.
const MAX_DEPTH: usize = 128;

/// One pass over a record: checks its structure, finds each member's text and writes the
/// canonical text. Strings are skipped eight bytes at a time, as most of a record is text.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    /// The canonical form of `text[..copied]`; left empty while the text is canonical as it
    /// stands, so only a record written by another program is copied.
    canonical: Vec<u8>,
    copied: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips whitespace inside the record and leaves it out of the canonical text.
    fn drop_ws(&mut self) {
        let from = self.pos;
        self.skip_ws();
        if self.pos != from {
            self.replace(from, self.pos);
        }
    }

    /// Where `pos` is in the canonical text.
    fn canonical_pos(&self) -> usize {
        self.canonical.len() + self.pos - self.copied
    }

    /// Stands for `text[from..to]` in the canonical text: the text before it is copied, and
    /// the caller pushes the replacement (if any) onto the returned buffer.
    fn replace(&mut self, from: usize, to: usize) -> &mut Vec<u8> {
        if self.copied == 0 {
            self.canonical.reserve(self.text.len());
        }
        let before = self.text.as_bytes().get(self.copied..from);
        self.canonical.extend_from_slice(before.unwrap_or_default());
        self.copied = to;
        &mut self.canonical
    }

    fn unexpected(&self, context: &str) -> String {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            None => format!("not JSON: the text ends early (column {})", self.pos + 1),
            Some(c) => format!(
                "not JSON: unexpected {c:?} {context} (column {})",
                self.pos + 1
            ),
        }
    }

    fn expect(&mut self, byte: u8, context: &str) -> Result<(), String> {
        if self.peek() != Some(byte) {
            return Err(self.unexpected(context));
        }
        self.pos += 1;
        Ok(())
    }

    /// An object; its members go to `members` when given (the record's own level).
    fn object(
        &mut self,
        depth: usize,
        mut members: Option<&mut Vec<Member<'a>>>,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("not JSON: nested too deep".into());
        }
        self.expect(b'{', "where an object starts")?;
        self.drop_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            let (start, canonical_start) = (self.pos, self.canonical_pos());
            let escaped = self.string()?;
            let name_end = self.pos;
            self.drop_ws();
            self.expect(b':', "after a member name")?;
            self.drop_ws();
            let value_start = self.pos;
            self.value(depth)?;
            if let Some(members) = members.as_deref_mut() {
                let name = self.name(start, name_end, escaped)?;
                members.push(Member {
                    name,
                    value: self.text.get(value_start..self.pos).unwrap_or_default(),
                    start: canonical_start,
                    end: self.canonical_pos(),
                });
            }
            self.drop_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.drop_ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.unexpected("where , or } belongs")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("not JSON: nested too deep".into());
        }
        self.expect(b'[', "where an array starts")?;
        self.drop_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.value(depth)?;
            self.drop_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.drop_ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.unexpected("where , or ] belongs")),
            }
        }
    }

    /// The name of the member whose name string lies at `start..name_end`.
    fn name(&self, start: usize, name_end: usize, escaped: bool) -> Result<Cow<'a, str>, String> {
        let slice = |from: usize, to: usize| self.text.get(from..to).unwrap_or_default();
        if escaped {
            decode_escaped(slice(start, name_end)).ok_or_else(|| self.unexpected("in a name"))
        } else {
            Ok(Cow::Borrowed(slice(start + 1, name_end - 1)))
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), String> {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'{') => self.object(depth + 1, None),
            Some(b'[') => self.array(depth + 1),
            _ => self.scalar(),
        }
    }

    /// A string. True when it holds an escape.
    fn string(&mut self) -> Result<bool, String> {
        self.expect(b'"', "where a string belongs")?;
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        let mut escaped = false;
        loop {
            i = quote_or_backslash(bytes, i);
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(escaped);
                }
                Some(_) => {
                    escaped = true;
                    i = self.escape(i)?;
                }
                None => {
                    self.pos = bytes.len();
                    return Err(self.unexpected("in a string"));
                }
            }
        }
    }

    /// The escape at `at` (a backslash): checked, and written to the canonical text as
    /// serde_json writes the character it stands for. Returns where the escape ends.
    fn escape(&mut self, at: usize) -> Result<usize, String> {
        let bytes = self.text.as_bytes();
        let invalid = |scanner: &mut Self| {
            scanner.pos = at;
            scanner.unexpected("in a string (not a valid escape)")
        };
        let unit = match bytes.get(at + 1) {
            Some(b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't') => return Ok(at + 2),
            Some(b'/') => {
                self.replace(at, at + 2).push(b'/');
                return Ok(at + 2);
            }
            Some(b'u') => hex4(bytes, at + 2).ok_or_else(|| invalid(self))?,
            _ => return Err(invalid(self)),
        };
        let (c, end) = match unit {
            0xD800..=0xDBFF => {
                let low = match bytes.get(at + 6..at + 8) {
                    Some(b"\\u") => hex4(bytes, at + 8),
                    _ => None,
                };
                match low {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        (char::from_u32(c), at + 12)
                    }
                    _ => return Err(invalid(self)),
                }
            }
            _ => (char::from_u32(unit), at + 6),
        };
        let c = c.ok_or_else(|| invalid(self))?;
        let mut canonical = [0u8; 6];
        let canonical = canonical_escape(c, &mut canonical);
        if bytes.get(at..end) != Some(canonical) {
            self.replace(at, end).extend_from_slice(canonical);
        }
        Ok(end)
    }

    /// `true`, `false`, `null` or a number.
    fn scalar(&mut self) -> Result<(), String> {
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
        let token = &rest[..len];
        let number = matches!(token.first(), Some(b'-' | b'0'..=b'9'))
            && token
                .iter()
                .all(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'));
        if !(number || matches!(token, b"true" | b"false" | b"null")) {
            return Err(self.unexpected("where a value belongs"));
        }
        if number && !plain_integer(token) {
            self.number(token)?;
        }
        self.pos += len;
        Ok(())
    }

    /// A number that is not a plain integer, spelled in the canonical text as serde_json
    /// writes the value it parses to (`1e-05` and `1.0E-5` become `0.00001`; `-0` becomes `-0.0`).
    fn number(&mut self, token: &[u8]) -> Result<(), String> {
        let value: serde_json::Number = serde_json::from_slice(token)
            .map_err(|_| self.unexpected("where a value belongs (not a valid number)"))?;
        // Longer than any number serde_json writes (at most 24 bytes).
        const ROOM: usize = 40;
        let mut spelled = [0u8; ROOM];
        let mut rest = &mut spelled[..];
        serde_json::to_writer(&mut rest, &value)
            .map_err(|_| self.unexpected("where a value belongs (not a valid number)"))?;
        let written = ROOM - rest.len();
        let spelled = &spelled[..written];
        if spelled != token {
            let from = self.pos;
            self.replace(from, from + token.len())
                .extend_from_slice(spelled);
        }
        Ok(())
    }
}

/// An integer serde_json parses to an integer and writes back the same: at most 18 digits
/// (so it fits either integer type), no leading zero, not `-0` (a float).
fn plain_integer(token: &[u8]) -> bool {
    let digits = token.strip_prefix(b"-").unwrap_or(token);
    match digits {
        [b'0'] => digits.len() == token.len(),
        [b'1'..=b'9', rest @ ..] => rest.len() < 18 && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// The four hex digits at `at` as a number.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// `c` as serde_json writes it inside a string: `"`, `\\` and control characters escaped
/// (short forms where JSON has them, else `\u00xx`), everything else as it is.
fn canonical_escape(c: char, out: &mut [u8; 6]) -> &[u8] {
    let short = match c {
        '"' => Some(b'"'),
        '\\' => Some(b'\\'),
        '\u{8}' => Some(b'b'),
        '\u{c}' => Some(b'f'),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        _ => None,
    };
    if let Some(short) = short {
        out[0] = b'\\';
        out[1] = short;
        return &out[..2];
    }
    if c < ' ' {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let c = c as usize;
        *out = [b'\\', b'u', b'0', b'0', HEX[c >> 4], HEX[c & 0xf]];
        return &out[..];
    }
    c.encode_utf8(&mut out[..4]).as_bytes()
}

/// The index of the first `"` or `\\` at or after `from` (or the length), eight bytes at a time.
fn quote_or_backslash(bytes: &[u8], mut from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // High bit set in each byte of `word` equal to `byte`; the lowest one is exact.
    let equal = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    while let Some(chunk) = bytes.get(from..from + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let found = equal(word, b'"') | equal(word, b'\\');
        if found != 0 {
            return from + (found.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while let Some(&b) = bytes.get(from) {
        if b == b'"' || b == b'\\' {
            return from;
        }
        from += 1;
    }
    from
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

    /// Each member's span of the canonical text.
    fn canonical_members(record: &RawRecord) -> Vec<String> {
        let members = record.members().iter();
        let span = |m: &Member| String::from_utf8_lossy(record.canonical(m.start, m.end)).into();
        members.map(span).collect()
    }

    #[test]
    fn canonical_text_is_what_serde_json_writes() {
        let text =
            br#" { "s" : "Jos\u00e9 a\/b \u00C9\ud83d\ude80 \u0022\u005c\u000a\u001F\t\u007f" ,
            "n" : [ 0 , -7 , 2.50 , -0 , 1E+2 , 1e-05 , 123456789012345678901 ] ,
            "o" : { "k" : null , "t" : true } } "#;
        let record = RawRecord::parse(text).expect("record");
        assert_eq!(
            canonical_members(&record),
            [
                concat!(r#""s":"José a/b É🚀 \"\\\n\u001f\t"#, "\u{7f}", "\""),
                r#""n":[0,-7,2.5,-0.0,100.0,0.00001,1.2345678901234567e+20]"#,
                r#""o":{"k":null,"t":true}"#,
            ]
        );
        // Raw values are kept as written: the exact comparison and --fields read them.
        assert_eq!(record.raw("o"), Some(r#"{ "k" : null , "t" : true }"#));
        for member in record.members() {
            let canonical = record.canonical(member.start, member.end);
            let (_, value) = std::str::from_utf8(canonical)
                .expect("UTF-8")
                .split_once(':')
                .expect("name:value");
            let parsed: serde_json::Value = serde_json::from_str(member.value).expect("JSON");
            assert_eq!(value, parsed.to_string(), "{}", member.name);
        }
    }

    #[test]
    fn canonical_text_of_the_tools_own_record_is_the_record_itself() {
        let text = r#"{"a":"x\"\\\n\u0001/é","n":[1,-2,0.5,1e+30],"o":{"k":null}}"#;
        let record = RawRecord::parse(text.as_bytes()).expect("record");
        assert!(matches!(record.canonical, Cow::Borrowed(_)), "not copied");
        assert_eq!(
            canonical_members(&record),
            [
                r#""a":"x\"\\\n\u0001/é""#,
                r#""n":[1,-2,0.5,1e+30]"#,
                r#""o":{"k":null}"#
            ]
        );
    }

    #[test]
    fn refuses_invalid_escapes_and_numbers() {
        for text in [
            &br#"{"a":"\x"}"#[..],
            br#"{"a":"\u12"}"#,
            br#"{"a":"\u12g4"}"#,
            br#"{"a":"\ud800"}"#,
            br#"{"a":"\ud800\u0041"}"#,
            br#"{"a":"\udc00"}"#,
            br#"{"a":"x\"#,
            br#"{"a":01}"#,
            br#"{"a":-}"#,
            br#"{"a":1.2.3}"#,
            br#"{"a":1e400}"#,
        ] {
            let error = RawRecord::parse(text).err();
            assert!(
                error.as_deref().is_some_and(|e| e.starts_with("not JSON")),
                "{}: {error:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn quote_after_an_even_run_of_backslashes_closes_the_string() {
        let text = br#"{"a":"x\\","b":"y\\\"z"}"#;
        let record = RawRecord::parse(text).expect("record");
        let fields: Vec<_> = record.fields().collect();
        assert_eq!(fields, vec![("a", r#""x\\""#), ("b", r#""y\\\"z""#)]);
    }

    #[test]
    fn refuses_broken_structure_anywhere_in_the_record() {
        for text in [
            &br#"{"a":{"b":[1,tru]}}"#[..],
            br#"{"a":{"b" 1}}"#,
            br#"{"a":"unterminated}"#,
            br#"{"a":1}{"b":2}"#,
            br#"{"a":1,}"#,
            br#"{"a":[1 2]}"#,
            br#"{"a":01x}"#,
        ] {
            let error = RawRecord::parse(text).err();
            assert!(
                error.as_deref().is_some_and(|e| e.starts_with("not JSON")),
                "{}: {error:?}",
                String::from_utf8_lossy(text)
            );
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert!(RawRecord::parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn finds_quote_or_backslash_at_every_offset() {
        for len in 0..20 {
            for (mark, at) in [(b'"', len), (b'\\', len)] {
                let mut bytes = "é".repeat(len).into_bytes();
                let at = at.min(bytes.len());
                bytes.insert(at, mark);
                bytes.extend_from_slice(b"abc\"");
                assert_eq!(quote_or_backslash(&bytes, 0), at, "{len}");
            }
        }
        assert_eq!(quote_or_backslash(b"abcdefghijk", 3), 11);
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
        let key = RawRecord::parse(ok)
            .expect("record")
            .key("db_instance_identifier")
            .expect("key");
        assert_eq!(key.identifier, "dé");
        let no_region = br#"{"account_id":"1","db_instance_identifier":"d"}"#;
        let error = RawRecord::parse(no_region)
            .expect("record")
            .key("db_instance_identifier")
            .err();
        assert_eq!(error.as_deref(), Some("not a record: no region"));
        let number = br#"{"account_id":1,"region":"r","db_instance_identifier":"d"}"#;
        assert!(RawRecord::parse(number)
            .expect("record")
            .key("db_instance_identifier")
            .is_err());
        let nul = br#"{"account_id":"1","region":"r\u0000x","db_instance_identifier":"d"}"#;
        assert!(RawRecord::parse(nul)
            .expect("record")
            .key("db_instance_identifier")
            .is_err());
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
