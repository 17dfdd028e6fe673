//! JSON written straight from the SDK's types into a byte buffer: no `serde_json::Value` and
//! no intermediate copy per record. Escaping follows `serde_json` byte for byte.

use aws_sdk_rds::primitives::DateTime;

/// A value that writes itself as exactly one JSON value.
pub trait ToJson {
    fn write_json(&self, out: &mut Vec<u8>);
}

/// How each byte is escaped in a JSON string: 0 not at all, `u` as `\u00XX`, else `\` and
/// that letter (serde_json's table).
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// A JSON string: quotes, and `"`, `\` and control characters escaped as serde_json does.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A decimal integer.
pub fn write_int(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

/// Appends `time` as RFC 3339 UTC, as the SDK formats it (`2024-01-02T03:04:05Z`, microseconds
/// only when not zero, trailing zeros cut). False, and nothing written, outside years 1-9999.
pub fn write_time(out: &mut Vec<u8>, time: &DateTime) -> bool {
    const NANOS: i128 = 1_000_000_000;
    let total = time.as_nanos();
    let (secs, nanos) = (total.div_euclid(NANOS), total.rem_euclid(NANOS));
    let Ok(secs) = i64::try_from(secs) else {
        return false;
    };
    let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    if !(1..=9999).contains(&year) {
        return false;
    }
    let two = |out: &mut Vec<u8>, n: i64| {
        out.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8])
    };
    two(out, year / 100);
    two(out, year % 100);
    out.push(b'-');
    two(out, month);
    out.push(b'-');
    two(out, day);
    out.push(b'T');
    two(out, of_day / 3600);
    out.push(b':');
    two(out, of_day / 60 % 60);
    out.push(b':');
    two(out, of_day % 60);
    let mut micros = (nanos / 1000) as u32;
    if micros > 0 {
        out.push(b'.');
        let mut place = 100_000;
        while micros > 0 {
            out.push(b'0' + (micros / place) as u8);
            micros %= place;
            place /= 10;
        }
    }
    out.push(b'Z');
    true
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A timestamp as a JSON string, or `null` when it cannot be written as RFC 3339.
pub fn write_time_json(out: &mut Vec<u8>, time: &DateTime) {
    out.push(b'"');
    if write_time(out, time) {
        out.push(b'"');
    } else {
        out.pop();
        out.extend_from_slice(b"null");
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(out, self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(out, self);
    }
}

impl ToJson for i32 {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_int(out, i64::from(*self));
    }
}

impl ToJson for i64 {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_int(out, *self);
    }
}

/// As serde_json writes it (shortest round-trip form); `null` when not finite, as JSON has no
/// NaN or infinity.
impl ToJson for f64 {
    fn write_json(&self, out: &mut Vec<u8>) {
        match serde_json::Number::from_f64(*self) {
            Some(n) => out.extend_from_slice(n.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
    }
}

impl ToJson for DateTime {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_time_json(out, self);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut Vec<u8>) {
        (**self).write_json(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write_json(out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            item.write_json(out);
        }
        out.push(b']');
    }
}

/// A `serde_json::Value` with object members in name order (canonical: the same value is
/// always the same text, whatever order a map kept), escaped like everything else.
impl ToJson for serde_json::Value {
    fn write_json(&self, out: &mut Vec<u8>) {
        use serde_json::Value;
        match self {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => b.write_json(out),
            Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
            Value::String(s) => write_str(out, s),
            Value::Array(items) => items.write_json(out),
            Value::Object(members) => {
                let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
                sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let mut object = Object::start(out);
                for (name, member) in sorted {
                    object.entry(name, member);
                }
                object.end();
            }
        }
    }
}

/// An object being written: keys with a value only (members AWS did not send are left out,
/// as in the API's own answer).
pub struct Object<'o> {
    out: &'o mut Vec<u8>,
    empty: bool,
}

impl<'o> Object<'o> {
    pub fn start(out: &'o mut Vec<u8>) -> Object<'o> {
        out.push(b'{');
        Object { out, empty: true }
    }

    pub fn member<T: ToJson>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.entry(key, value);
        }
    }

    pub fn entry<T: ToJson + ?Sized>(&mut self, key: &str, value: &T) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        write_str(self.out, key);
        self.out.push(b':');
        value.write_json(self.out);
    }

    pub fn end(self) {
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_rds::primitives::DateTimeFormat;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "plain",
            "Zoë, \"data\" team\nline 2",
            "\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}\t\r\\/",
            "東京 ✓ \u{2028}",
        ] {
            let mut ours = Vec::new();
            write_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_vec(s).expect("json"), "{s:?}");
        }
    }

    #[test]
    fn integers_are_decimal() {
        for n in [0, 7, -7, 5432, i64::from(i32::MIN), i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            write_int(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    #[test]
    fn timestamps_are_formatted_as_the_sdk_formats_them() {
        let mut cases = vec![
            DateTime::from_secs(0),
            DateTime::from_secs(1_700_000_000),
            DateTime::from_secs(951_782_400),     // 2000-02-29
            DateTime::from_secs(-62_135_596_800), // 0001-01-01
            DateTime::from_secs(253_402_300_799), // 9999-12-31T23:59:59
            DateTime::from_secs_and_nanos(1_700_000_000, 123_000_000),
            DateTime::from_secs_and_nanos(1_700_000_000, 100_000),
            DateTime::from_secs_and_nanos(1_700_000_000, 999),
            DateTime::from_secs_and_nanos(-1, 500_000_000),
        ];
        // Every day of a few leap cycles, at a varying time of day.
        cases.extend((0..3000).map(|d| DateTime::from_secs(946_684_800 + d * 86_397 * 3)));
        for time in cases {
            let mut ours = Vec::new();
            assert!(write_time(&mut ours, &time), "{time:?}");
            let sdk = time.fmt(DateTimeFormat::DateTime).expect("formats");
            assert_eq!(String::from_utf8(ours).expect("utf8"), sdk, "{time:?}");
        }
    }

    #[test]
    fn timestamps_outside_rfc_3339_are_null() {
        for time in [
            DateTime::from_secs(-62_135_596_801),
            DateTime::from_secs(253_402_300_800),
            DateTime::from_secs(i64::MAX),
        ] {
            let mut out = Vec::new();
            write_time_json(&mut out, &time);
            assert_eq!(out, b"null", "{time:?}");
            assert!(time.fmt(DateTimeFormat::DateTime).is_err(), "as the SDK");
        }
    }
}
