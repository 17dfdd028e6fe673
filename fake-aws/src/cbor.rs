//! The CBOR (RFC 8949) that Smithy RPC v2 CBOR needs, through minicbor: decoding a request
//! into a JSON value (maps with text keys, arrays, text, numbers, booleans, null; definite and
//! indefinite lengths; tag 1 timestamps become their epoch seconds) and encoding an answer.

use minicbor::data::{IanaTag, Type};
use minicbor::decode::{self, Decoder};
use minicbor::encode::{self, Encoder, Write};
use minicbor::{Decode, Encode};
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

impl<C> Encode<C> for Cbor {
    fn encode<W: Write>(
        &self,
        e: &mut Encoder<W>,
        ctx: &mut C,
    ) -> Result<(), encode::Error<W::Error>> {
        match self {
            Cbor::Map(entries) => {
                e.map(entries.len() as u64)?;
                for (key, value) in entries {
                    e.str(key)?.encode_with(value, ctx)?;
                }
            }
            Cbor::Array(items) => {
                e.encode_with(items, ctx)?;
            }
            Cbor::Text(text) => {
                e.str(text)?;
            }
            Cbor::Double(number) => {
                e.f64(*number)?;
            }
            Cbor::Time(secs) => {
                e.tag(IanaTag::Timestamp)?.i64(*secs)?;
            }
        }
        Ok(())
    }
}

/// Encodes `value` with definite lengths.
pub(crate) fn encode(value: &Cbor) -> Vec<u8> {
    minicbor::to_vec(value).expect("writing into a Vec cannot fail")
}

/// Decodes one CBOR item that fills `bytes`; `None` for anything malformed or left over.
pub(crate) fn decode(bytes: &[u8]) -> Option<Value> {
    let mut decoder = Decoder::new(bytes);
    let Json(value) = decoder.decode().ok()?;
    (decoder.position() == bytes.len()).then_some(value)
}

/// One CBOR item as JSON. As a `Decode`, it lets minicbor's iterators read the items of
/// arrays and maps of definite and indefinite length.
struct Json(Value);

impl<'b, C> Decode<'b, C> for Json {
    fn decode(d: &mut Decoder<'b>, _: &mut C) -> Result<Json, decode::Error> {
        let value = match d.datatype()? {
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => Value::from(d.u64()?),
            Type::I8 | Type::I16 | Type::I32 | Type::I64 => Value::from(d.i64()?),
            Type::F16 | Type::F32 | Type::F64 => Number::from_f64(d.f64()?)
                .map(Value::Number)
                .ok_or_else(|| decode::Error::message("NaN or infinity"))?,
            Type::Bool => Value::Bool(d.bool()?),
            Type::Null => d.null().map(|()| Value::Null)?,
            Type::Undefined => d.undefined().map(|()| Value::Null)?,
            Type::Bytes | Type::BytesIndef => {
                let chunks: Vec<&[u8]> = d.bytes_iter()?.collect::<Result<_, _>>()?;
                Value::from(chunks.concat())
            }
            Type::String | Type::StringIndef => {
                Value::String(d.str_iter()?.collect::<Result<_, _>>()?)
            }
            Type::Array | Type::ArrayIndef => Value::Array(
                d.array_iter::<Json>()?
                    .map(|item| item.map(|Json(value)| value))
                    .collect::<Result<_, _>>()?,
            ),
            Type::Map | Type::MapIndef => {
                let mut map = Map::new();
                for entry in d.map_iter::<Json, Json>()? {
                    let (Json(Value::String(key)), Json(value)) = entry? else {
                        return Err(decode::Error::message("a map key that is not text"));
                    };
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            // A tag (1: epoch-seconds timestamp) stands for its content here.
            Type::Tag => {
                d.tag()?;
                d.decode::<Json>()?.0
            }
            other => return Err(decode::Error::type_mismatch(other)),
        };
        Ok(Json(value))
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
    fn answers_encode_with_definite_lengths_doubles_and_tag_1_seconds() {
        let answer = Cbor::Map(vec![
            (
                "t".into(),
                Cbor::Array(vec![Cbor::Time(1_700_000_000), Cbor::Time(-1)]),
            ),
            ("v".into(), Cbor::Double(0.5)),
        ]);
        #[rustfmt::skip]
        let bytes = [
            0xa2, 0x61, b't', 0x82, 0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00, 0xc1, 0x20,
            0x61, b'v', 0xfb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(encode(&answer), bytes);
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

    #[test]
    fn tags_bytes_and_integer_edges_decode_and_what_json_cannot_hold_does_not() {
        let cases: [(&[u8], Option<Value>); 16] = [
            (
                &[0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00],
                Some(1_700_000_000.into()),
            ),
            (&[0x42, 1, 2], Some(serde_json::json!([1, 2]))),
            (
                &[0x5f, 0x41, 1, 0x41, 2, 0xff],
                Some(serde_json::json!([1, 2])),
            ),
            (
                &[0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Some(u64::MAX.into()),
            ),
            (
                &[0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Some(i64::MIN.into()),
            ),
            (&[0xfa, 0x3f, 0xc0, 0, 0], Some(1.5.into())),
            (&[0xf7], Some(Value::Null)),
            (&[0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0], None),
            (&[0xf9, 0x7e, 0x00], None),
            (&[0x7f, 0x41, b'x', 0xff], None),
            (&[0xa1, 0x01, 0x02], None),
            (&[0xbf, 0x61, b'a', 0xff], None),
            (
                &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                None,
            ),
            (&[0xf0], None),
            (&[0xff], None),
            (&[0x1c], None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decode(bytes), expected, "{bytes:02x?}");
        }
    }
}
