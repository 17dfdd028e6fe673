//! The little CBOR (RFC 8949) that Smithy RPC v2 CBOR needs, hand-rolled: decoding a request
//! into a JSON value (maps with text keys, arrays, text, numbers, booleans, null; definite and
//! indefinite lengths; tag 1 timestamps become their epoch seconds) and encoding an answer.
//! A CBOR crate would be a new dependency for some hundred lines; these are they.

use serde_json::{Map, Number, Value};

/// An answer to encode: what GetMetricData and the error bodies hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cbor {
    Map(Vec<(String, Cbor)>),
    Array(Vec<Cbor>),
    Text(String),
    Double(f64),
    /// Tag 1 with integer epoch seconds, as Smithy's `timestamp` shapes are sent.
    Time(i64),
}

/// Encodes `value` with definite lengths.
pub(crate) fn encode(value: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    put(&mut out, value);
    out
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let major = major << 5;
    match n {
        0..=23 => out.push(major | n as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, n as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

fn put(out: &mut Vec<u8>, value: &Cbor) {
    match value {
        Cbor::Map(entries) => {
            head(out, 5, entries.len() as u64);
            for (key, value) in entries {
                put(out, &Cbor::Text(key.clone()));
                put(out, value);
            }
        }
        Cbor::Array(items) => {
            head(out, 4, items.len() as u64);
            items.iter().for_each(|item| put(out, item));
        }
        Cbor::Text(text) => {
            head(out, 3, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        Cbor::Double(number) => {
            out.push(0xfb);
            out.extend_from_slice(&number.to_be_bytes());
        }
        Cbor::Time(secs) => {
            head(out, 6, 1);
            if *secs >= 0 {
                head(out, 0, *secs as u64);
            } else {
                head(out, 1, (-1 - *secs) as u64);
            }
        }
    }
}

/// Decodes one CBOR item that fills `bytes`; `None` for anything malformed or left over.
pub(crate) fn decode(bytes: &[u8]) -> Option<Value> {
    let mut reader = Reader { bytes, at: 0 };
    let value = reader.item()?;
    (reader.at == bytes.len()).then_some(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// What a head announces: a length or value, or an indefinite length.
enum Arg {
    Value(u64),
    Indefinite,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn head(&mut self) -> Option<(u8, u8, Arg)> {
        let first = self.byte()?;
        let (major, info) = (first >> 5, first & 0x1f);
        let arg = match info {
            0..=23 => Arg::Value(u64::from(info)),
            24 => Arg::Value(u64::from(self.byte()?)),
            25 => Arg::Value(u64::from(u16::from_be_bytes(
                self.take(2)?.try_into().ok()?,
            ))),
            26 => Arg::Value(u64::from(u32::from_be_bytes(
                self.take(4)?.try_into().ok()?,
            ))),
            27 => Arg::Value(u64::from_be_bytes(self.take(8)?.try_into().ok()?)),
            31 => Arg::Indefinite,
            _ => return None,
        };
        Some((major, info, arg))
    }

    fn at_break(&self) -> bool {
        self.bytes.get(self.at) == Some(&0xff)
    }

    /// The items of an array or map: `count` of them, or up to the break.
    fn items(&mut self, arg: &Arg, per: usize) -> Option<Vec<Value>> {
        let mut items = Vec::new();
        match arg {
            Arg::Value(n) => {
                for _ in 0..(*n as usize).checked_mul(per)? {
                    items.push(self.item()?);
                }
            }
            Arg::Indefinite => {
                while !self.at_break() {
                    items.push(self.item()?);
                }
                self.at += 1;
            }
        }
        Some(items)
    }

    /// A text or byte string, definite or in chunks.
    fn string(&mut self, major: u8, arg: &Arg) -> Option<Vec<u8>> {
        match arg {
            Arg::Value(n) => Some(self.take(usize::try_from(*n).ok()?)?.to_vec()),
            Arg::Indefinite => {
                let mut all = Vec::new();
                while !self.at_break() {
                    let (chunk_major, _, chunk) = self.head()?;
                    if chunk_major != major {
                        return None;
                    }
                    all.extend(self.string(major, &chunk)?);
                }
                self.at += 1;
                Some(all)
            }
        }
    }

    fn item(&mut self) -> Option<Value> {
        let (major, info, arg) = self.head()?;
        Some(match (major, &arg) {
            (0, Arg::Value(n)) => Value::from(*n),
            (1, Arg::Value(n)) => Value::from(-1 - i64::try_from(*n).ok()?),
            (2, _) => Value::from(self.string(2, &arg)?),
            (3, _) => Value::from(String::from_utf8(self.string(3, &arg)?).ok()?),
            (4, _) => Value::Array(self.items(&arg, 1)?),
            (5, _) => {
                let flat = self.items(&arg, 2)?;
                if flat.len() % 2 != 0 {
                    return None;
                }
                let mut map = Map::new();
                let mut pairs = flat.into_iter();
                while let (Some(key), Some(value)) = (pairs.next(), pairs.next()) {
                    map.insert(key.as_str()?.to_owned(), value);
                }
                Value::Object(map)
            }
            // A tag (1: epoch-seconds timestamp) stands for its content here.
            (6, Arg::Value(_)) => self.item()?,
            (7, _) => match info {
                20 => Value::Bool(false),
                21 => Value::Bool(true),
                22 | 23 => Value::Null,
                25 => {
                    let Arg::Value(bits) = arg else { return None };
                    Value::Number(Number::from_f64(f16_to_f64(bits as u16))?)
                }
                26 => {
                    let Arg::Value(bits) = arg else { return None };
                    Value::Number(Number::from_f64(f64::from(f32::from_bits(bits as u32)))?)
                }
                27 => {
                    let Arg::Value(bits) = arg else { return None };
                    Value::Number(Number::from_f64(f64::from_bits(bits))?)
                }
                _ => return None,
            },
            _ => return None,
        })
    }
}

/// IEEE half precision to double (RFC 8949 appendix D).
fn f16_to_f64(half: u16) -> f64 {
    let exponent = (half >> 10) & 0x1f;
    let mantissa = f64::from(half & 0x3ff);
    let value = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mantissa + 1024.0) * 2f64.powi(i32::from(exponent) - 25),
    };
    if half & 0x8000 != 0 {
        -value
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoded_answer_decodes_to_the_same_values() {
        let answer = Cbor::Map(vec![
            ("Id".into(), Cbor::Text("q0".into())),
            (
                "Values".into(),
                Cbor::Array(vec![Cbor::Double(0.5), Cbor::Double(300.0)]),
            ),
            (
                "Timestamps".into(),
                Cbor::Array(vec![Cbor::Time(1_700_000_000)]),
            ),
        ]);
        let value = decode(&encode(&answer)).expect("decodes");
        assert_eq!(
            value,
            serde_json::json!({"Id": "q0", "Values": [0.5, 300.0], "Timestamps": [1_700_000_000]})
        );
    }

    #[test]
    fn indefinite_maps_arrays_and_strings_and_halves_decode() {
        // {_ "a": [_ 1, -2], "b": (_ "x" "y"), "c": 1.5 (half), "d": true, "e": null}
        let bytes = [
            0xbf, 0x61, b'a', 0x9f, 0x01, 0x21, 0xff, 0x61, b'b', 0x7f, 0x61, b'x', 0x61, b'y',
            0xff, 0x61, b'c', 0xf9, 0x3e, 0x00, 0x61, b'd', 0xf5, 0x61, b'e', 0xf6, 0xff,
        ];
        assert_eq!(
            decode(&bytes),
            Some(serde_json::json!({"a": [1, -2], "b": "xy", "c": 1.5, "d": true, "e": null}))
        );
        assert_eq!(decode(&[0xbf, 0x61]), None, "truncated");
        assert_eq!(decode(&[0x01, 0x02]), None, "left over");
    }
}
