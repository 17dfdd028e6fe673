//! Which parts of a record are compared (`--fields`, `--ignore`, the default ignore list), the
//! content hash kept in the index, and the exact comparison of a record that hashed differently.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher, RandomState};

use serde_json::{Map, Value};

use crate::record::{DiffKeys, ToJson};

use super::record::RawRecord;

/// The match key of a kind: equal by construction in a match, so never compared (a rename
/// reports the old identifier on its own).
pub fn key_fields(keys: &DiffKeys) -> [&'static str; 3] {
    ["account_id", "region", keys.identifier]
}

/// The `--ignore` value that drops the default list.
const IGNORE_NONE: &str = "none";

/// What is compared of one JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// The whole value.
    Whole,
    /// Nothing of it.
    Nothing,
    /// Inside an object: `listed` members as they say, the others whole when `others`.
    Parts {
        others: bool,
        listed: BTreeMap<String, Selection>,
        /// One bit per listed name (see [`name_bit`]): most names are ruled out without a
        /// string comparison, and this lookup runs for every member of every record.
        mask: u64,
    },
}

/// A name's bit in [`Selection::Parts`]'s mask, from its length and last byte.
fn name_bit(name: &str) -> u64 {
    let last = name.as_bytes().last().copied().unwrap_or(0) as usize;
    1 << ((name.len() + last * 7) % 64)
}

fn parts(others: bool) -> Selection {
    Selection::Parts {
        others,
        listed: BTreeMap::new(),
        mask: 0,
    }
}

static WHOLE: Selection = Selection::Whole;
static NOTHING: Selection = Selection::Nothing;

impl Selection {
    /// The record-level selection from `--fields` and `--ignore`, for records of a kind
    /// with these `keys`: its match key is never compared, its volatile fields by default not.
    pub fn from_args(
        fields: &[String],
        ignore: &[String],
        keys: &DiffKeys,
    ) -> Result<Selection, String> {
        let key_fields = key_fields(keys);
        let mut root = parts(fields.is_empty());
        for name in fields {
            let path = parse_path("--fields", name)?;
            if key_fields.contains(&path[0]) {
                return Err(format!(
                    "--fields: {name} is part of the match key ({}) and is never compared",
                    key_fields.join(", ")
                ));
            }
            root.include(&path);
        }
        let no_defaults = ignore.iter().any(|name| name.trim() == IGNORE_NONE);
        if fields.is_empty() && !no_defaults {
            for name in keys.volatile {
                root.exclude(&[name]);
            }
        }
        for name in ignore.iter().filter(|name| name.trim() != IGNORE_NONE) {
            root.exclude(&parse_path("--ignore", name)?);
        }
        for name in key_fields {
            root.exclude(&[name]);
        }
        Ok(root)
    }

    /// The selection for member `name` of an object.
    pub fn child(&self, name: &str) -> &Selection {
        match self {
            Selection::Whole => &WHOLE,
            Selection::Nothing => &NOTHING,
            Selection::Parts {
                others,
                listed,
                mask,
            } => match (mask & name_bit(name) != 0)
                .then(|| listed.get(name))
                .flatten()
            {
                Some(selection) => selection,
                None if *others => &WHOLE,
                None => &NOTHING,
            },
        }
    }

    fn include(&mut self, path: &[&str]) {
        let Some((first, rest)) = path.split_first() else {
            *self = Selection::Whole;
            return;
        };
        match self {
            Selection::Whole => {}
            Selection::Nothing => {
                *self = parts(false);
                self.include(path);
            }
            Selection::Parts { listed, mask, .. } => {
                *mask |= name_bit(first);
                listed
                    .entry((*first).to_owned())
                    .or_insert(Selection::Nothing)
                    .include(rest);
            }
        }
    }

    fn exclude(&mut self, path: &[&str]) {
        let Some((first, rest)) = path.split_first() else {
            *self = Selection::Nothing;
            return;
        };
        match self {
            Selection::Nothing => {}
            Selection::Whole => {
                *self = parts(true);
                self.exclude(path);
            }
            Selection::Parts {
                others,
                listed,
                mask,
            } => {
                *mask |= name_bit(first);
                let default = if *others {
                    Selection::Whole
                } else {
                    Selection::Nothing
                };
                listed
                    .entry((*first).to_owned())
                    .or_insert(default)
                    .exclude(rest);
            }
        }
    }

    /// The compared part of `value`; `None` when nothing of it is compared. Null is absent, so
    /// a field a newer version adds as null is no change.
    pub fn project(&self, value: Value) -> Option<Value> {
        match (self, value) {
            (_, Value::Null) | (Selection::Nothing, _) => None,
            (Selection::Whole, value) => Some(value),
            (Selection::Parts { others, .. }, Value::Object(map)) => {
                let kept: Map<String, Value> = map
                    .into_iter()
                    .filter_map(|(k, v)| self.child(&k).project(v).map(|v| (k, v)))
                    .collect();
                (*others || !kept.is_empty()).then_some(Value::Object(kept))
            }
            // A path cannot reach inside a scalar: compared whole unless only paths were asked.
            (Selection::Parts { others, .. }, value) => others.then_some(value),
        }
    }
}

/// `a.b.c` -> ["a", "b", "c"]; an empty part is a usage error.
fn parse_path<'a>(flag: &str, name: &'a str) -> Result<Vec<&'a str>, String> {
    let path: Vec<&str> = name.trim().split('.').collect();
    if path.iter().any(|part| part.is_empty()) {
        return Err(format!(
            "{flag}: \"{name}\" is not a field name (expected a name or a.b for a member)"
        ));
    }
    Ok(path)
}

/// A record reduced to what is compared: field name -> value, absent and null left out.
pub type Units = BTreeMap<String, Value>;

/// One compared field that differs; `None` is absent or null.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub name: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Hashes and compares records under one selection.
pub struct Comparer {
    selection: Selection,
    /// Either side is CSV, whose cells are all text: values are compared as text.
    text_mode: bool,
    /// Keyed at random per run, so no crafted input can make a change hash like no change.
    hasher: RandomState,
}

impl Comparer {
    pub fn new(selection: Selection, text_mode: bool) -> Comparer {
        Comparer {
            selection,
            text_mode,
            hasher: RandomState::new(),
        }
    }

    /// A keyed hash of anything (the resource-id index uses it too).
    pub fn hash_of<T: std::hash::Hash>(&self, value: T) -> u64 {
        self.hasher.hash_one(value)
    }

    /// Content hash of the compared fields, in file order: each run of members compared whole
    /// is hashed as the canonical text it spans (see [`RawRecord`]), a member compared in part
    /// as its canonical JSON with sorted members.
    ///
    /// Equal hashes skip the exact comparison, so they must mean equal content (collisions of
    /// the keyed hash aside). They do: two canonical texts are equal only when serde_json
    /// parses them to equal values, as whitespace is dropped and every string and number is
    /// spelled the one way serde_json writes the value it parses to. Spacing, escapes and
    /// number spelling therefore hash alike; equal values that still hash apart (members in
    /// another order) only cost an exact comparison.
    pub fn hash(&self, record: &RawRecord) -> Result<u64, String> {
        let mut state = self.hasher.build_hasher();
        let mut run: Option<(usize, usize)> = None;
        let mut canonical = Vec::new();
        for member in record.members() {
            let selection = self.selection.child(&member.name);
            if *selection == Selection::Whole && !self.text_mode {
                run = Some((run.map_or(member.start, |(start, _)| start), member.end));
                continue;
            }
            if let Some((start, end)) = run.take() {
                write_item(&mut state, Item::Run, record.canonical(start, end));
            }
            if *selection == Selection::Nothing {
                continue;
            }
            let value: Value = serde_json::from_str(member.value)
                .map_err(|e| format!("field {}: not JSON: {e}", member.name))?;
            let Some(value) = self.compared(selection, value) else {
                continue;
            };
            canonical.clear();
            write_canonical(&value, &mut canonical);
            write_item(&mut state, Item::Name, member.name.as_bytes());
            write_item(&mut state, Item::Value, &canonical);
        }
        if let Some((start, end)) = run {
            write_item(&mut state, Item::Run, record.canonical(start, end));
        }
        Ok(state.finish())
    }

    /// The compared fields of a record, for the exact comparison.
    pub fn units(&self, bytes: &[u8]) -> Result<Units, String> {
        let record: Map<String, Value> =
            serde_json::from_slice(bytes).map_err(|e| format!("not a JSON object: {e}"))?;
        Ok(record
            .into_iter()
            .filter_map(|(name, value)| {
                let value = self.compared(self.selection.child(&name), value)?;
                Some((name, value))
            })
            .collect())
    }

    fn compared(&self, selection: &Selection, value: Value) -> Option<Value> {
        let value = selection.project(value)?;
        if self.text_mode {
            as_text(value)
        } else {
            Some(value)
        }
    }
}

/// What a hashed piece is, so that no two different records feed the hasher the same bytes.
#[derive(Clone, Copy)]
enum Item {
    Run = 1,
    Name = 2,
    Value = 3,
}

fn write_item(state: &mut impl Hasher, item: Item, bytes: &[u8]) {
    state.write_u8(item as u8);
    state.write_usize(bytes.len());
    state.write(bytes);
}

/// The value as a CSV cell holds it: text as is, anything else as compact JSON, empty absent.
/// A cell holding a JSON object or array is brought to canonical form first.
fn as_text(value: Value) -> Option<Value> {
    let text = match value {
        Value::Null => return None,
        Value::String(s) if s.starts_with(['{', '[']) => match serde_json::from_str(&s) {
            Ok(parsed) => canonical_string(&parsed),
            Err(_) => s,
        },
        Value::String(s) => s,
        other => canonical_string(&other),
    };
    (!text.is_empty()).then_some(Value::String(text))
}

fn canonical_string(value: &Value) -> String {
    let mut out = Vec::new();
    write_canonical(value, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Compact JSON with object members sorted by name, whatever order the map keeps: the
/// records' own JSON writer.
pub fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    value.write_json(out);
}

/// The fields whose compared values differ, by name.
pub fn changed_fields(mut old: Units, new: Units) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for (name, new_value) in new {
        let old_value = old.remove(&name);
        if old_value.as_ref() != Some(&new_value) {
            changes.push(FieldChange {
                name,
                old: old_value,
                new: Some(new_value),
            });
        }
    }
    changes.extend(old.into_iter().map(|(name, value)| FieldChange {
        name,
        old: Some(value),
        new: None,
    }));
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{InstanceRecord, Record};
    use serde_json::json;

    fn select(fields: &[&str], ignore: &[&str]) -> Selection {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Selection::from_args(&owned(fields), &owned(ignore), &InstanceRecord::DIFF)
            .expect("valid selection")
    }

    fn units(comparer: &Comparer, value: Value) -> Units {
        comparer
            .units(value.to_string().as_bytes())
            .expect("record")
    }

    fn hash(comparer: &Comparer, value: &Value) -> u64 {
        let text = value.to_string();
        let record = RawRecord::parse(text.as_bytes()).expect("record");
        comparer.hash(&record).expect("hash")
    }

    #[test]
    fn docs_list_the_default_ignore_list_of_every_kind() {
        let doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diff.md"));
        for keys in crate::record::kinds::ALL.map(|k| k.diff_keys()) {
            let header = format!("| ignored by default ({}) | why |", keys.kind.name());
            let table = doc
                .split(&header)
                .nth(1)
                .unwrap_or_else(|| panic!("docs/diff.md has no table {header}"));
            let listed: Vec<&str> = table
                .lines()
                .skip(2)
                .take_while(|line| line.starts_with('|'))
                .filter_map(|line| line.strip_prefix("| `")?.split('`').next())
                .collect();
            assert_eq!(listed, keys.volatile, "{header}");
        }
    }

    #[test]
    fn default_ignore_list_is_not_compared() {
        let comparer = Comparer::new(select(&[], &[]), false);
        let old = json!({"engine": "postgres", "latest_restorable_time": "a", "certificate_days_left": 3});
        let new = json!({"engine": "postgres", "latest_restorable_time": "b", "certificate_days_left": 2});
        assert_eq!(hash(&comparer, &old), hash(&comparer, &new));
        assert!(changed_fields(units(&comparer, old), units(&comparer, new)).is_empty());
    }

    #[test]
    fn ignore_none_compares_the_default_list_too() {
        let comparer = Comparer::new(select(&[], &["none"]), false);
        let old = json!({"latest_restorable_time": "a"});
        let new = json!({"latest_restorable_time": "b"});
        assert_ne!(hash(&comparer, &old), hash(&comparer, &new));
        let changes = changed_fields(units(&comparer, old), units(&comparer, new));
        assert_eq!(changes[0].name, "latest_restorable_time");
    }

    #[test]
    fn ignore_adds_to_the_default_list() {
        let comparer = Comparer::new(select(&[], &["tags"]), false);
        let old = json!({"tags": {"a": "1"}, "percent_progress": 1, "engine": "x"});
        let new = json!({"tags": {"a": "2"}, "percent_progress": 2, "engine": "x"});
        assert_eq!(hash(&comparer, &old), hash(&comparer, &new));
    }

    #[test]
    fn key_fields_are_never_compared() {
        let comparer = Comparer::new(select(&[], &["none"]), false);
        let old = json!({"db_instance_identifier": "a", "region": "x", "account_id": "1"});
        let new = json!({"db_instance_identifier": "b", "region": "y", "account_id": "2"});
        assert_eq!(hash(&comparer, &old), hash(&comparer, &new));
        let refused = Selection::from_args(&["region".into()], &[], &InstanceRecord::DIFF);
        assert!(refused.is_err());
    }

    #[test]
    fn fields_with_a_dotted_path_compare_only_that_member() {
        let comparer = Comparer::new(select(&["certificate_details.valid_till"], &[]), false);
        let old =
            json!({"engine_version": "1", "certificate_details": {"ca": "a", "valid_till": "x"}});
        let same =
            json!({"engine_version": "2", "certificate_details": {"ca": "b", "valid_till": "x"}});
        let new =
            json!({"engine_version": "2", "certificate_details": {"ca": "b", "valid_till": "y"}});
        assert_eq!(hash(&comparer, &old), hash(&comparer, &same));
        assert_ne!(hash(&comparer, &old), hash(&comparer, &new));
        let changes = changed_fields(units(&comparer, old), units(&comparer, new));
        assert_eq!(
            changes,
            vec![FieldChange {
                name: "certificate_details".into(),
                old: Some(json!({"valid_till": "x"})),
                new: Some(json!({"valid_till": "y"})),
            }]
        );
    }

    #[test]
    fn ignore_with_a_dotted_path_drops_only_that_member() {
        let comparer = Comparer::new(select(&[], &["tags.backup"]), false);
        let old = json!({"tags": {"owner": "a", "backup": "1"}});
        let same = json!({"tags": {"owner": "a", "backup": "2"}});
        let new = json!({"tags": {"owner": "b", "backup": "2"}});
        assert_eq!(hash(&comparer, &old), hash(&comparer, &same));
        let changes = changed_fields(units(&comparer, old), units(&comparer, new));
        assert_eq!(changes[0].old, Some(json!({"owner": "a"})));
    }

    #[test]
    fn bad_field_names_are_usage_errors() {
        for bad in ["", "a..b", ".a", "a."] {
            let keys = &InstanceRecord::DIFF;
            assert!(
                Selection::from_args(&[bad.into()], &[], keys).is_err(),
                "{bad:?}"
            );
            assert!(
                Selection::from_args(&[], &[bad.into()], keys).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn absent_and_null_are_the_same() {
        let comparer = Comparer::new(select(&[], &[]), false);
        let with_null = units(&comparer, json!({"a": 1, "b": null}));
        assert!(changed_fields(with_null, units(&comparer, json!({"a": 1}))).is_empty());
    }

    #[test]
    fn member_order_and_spacing_are_no_change() {
        let comparer = Comparer::new(select(&[], &["tags.x"]), false);
        let one = br#"{"a":1,"tags":{"p":1,"q":2,"x":3}}"#;
        let two = br#"{ "tags" : {"q":2,"p":1}, "a" : 1 }"#;
        let units = |bytes: &[u8]| comparer.units(bytes).expect("record");
        assert!(changed_fields(units(one), units(two)).is_empty());
        let same = |text: &[u8]| comparer.hash(&RawRecord::parse(text).expect("record"));
        assert_eq!(same(one), same(br#"{"a":1,"tags":{"q":2,"p":1}}"#));
    }

    /// One record as the tool writes it, then as other programs may: Python's json.dumps by
    /// default (`, `, `: `, `\u` escapes), with ensure_ascii=False, and with other whitespace,
    /// escapes and number spellings. The clock-driven field differs, as between two nights.
    const SAME_RECORD: [&str; 4] = [
        r#"{"account_id":"1","region":"r","db_instance_identifier":"orders","latest_restorable_time":"t1","port":5432,"size":0.00001,"tags":{"owner":"Zoë 🚀","path":"a/b","note":"x\ny"},"groups":["a","b"],"pending":{}}"#,
        r#"{"account_id": "1", "region": "r", "db_instance_identifier": "orders", "latest_restorable_time": "t2", "port": 5432, "size": 1e-05, "tags": {"owner": "Zo\u00eb \ud83d\ude80", "path": "a/b", "note": "x\ny"}, "groups": ["a", "b"], "pending": {}}"#,
        r#"{"account_id": "1", "region": "r", "db_instance_identifier": "orders", "latest_restorable_time": "t2", "port": 5432, "size": 1e-05, "tags": {"owner": "Zoë 🚀", "path": "a/b", "note": "x\ny"}, "groups": ["a", "b"], "pending": {}}"#,
        "{\n  \"account_id\" : \"1\",\t\"region\":\"r\" ,\"db_instance_identifier\":\"orders\",\r\n  \"latest_restorable_time\":\"t3\", \"port\":5432, \"size\":1.0E-5,\n  \"tags\":{ \"owner\":\"Zo\\u00EB \\uD83D\\uDE80\", \"path\":\"a\\/b\", \"note\":\"x\\u000ay\" },\n  \"groups\":[ \"a\" , \"b\" ], \"pending\":{ } }",
    ];

    fn raw_hash(comparer: &Comparer, text: &str) -> u64 {
        let record = RawRecord::parse(text.as_bytes()).expect("record");
        comparer.hash(&record).expect("hash")
    }

    #[test]
    fn formatting_is_no_change() {
        let comparer = Comparer::new(select(&[], &[]), false);
        let own = raw_hash(&comparer, SAME_RECORD[0]);
        for other in &SAME_RECORD[1..] {
            assert_eq!(raw_hash(&comparer, other), own, "{other}");
            let units = |text: &str| comparer.units(text.as_bytes()).expect("record");
            let changes = changed_fields(units(SAME_RECORD[0]), units(other));
            assert!(changes.is_empty(), "{other}: {changes:?}");
        }
    }

    #[test]
    fn a_change_inside_another_programs_format_is_still_found() {
        let comparer = Comparer::new(select(&[], &[]), false);
        for other in &SAME_RECORD[1..] {
            let changed = other.replace("Zo", "Jo");
            assert_ne!(raw_hash(&comparer, &changed), raw_hash(&comparer, other));
            let changes = changed_fields(
                comparer.units(SAME_RECORD[0].as_bytes()).expect("record"),
                comparer.units(changed.as_bytes()).expect("record"),
            );
            let names: Vec<&str> = changes.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["tags"], "{changed}");
        }
    }

    #[test]
    fn text_mode_compares_csv_text_with_json_values() {
        let comparer = Comparer::new(select(&[], &[]), true);
        let json_side =
            json!({"port": 5432, "multi_az": true, "tags": {"b": "2", "a": "1"}, "x": null});
        let csv_side = json!({"port": "5432", "multi_az": "true", "tags": "{\"a\":\"1\",\"b\":\"2\"}", "x": ""});
        assert_eq!(hash(&comparer, &json_side), hash(&comparer, &csv_side));
        assert!(changed_fields(units(&comparer, json_side), units(&comparer, csv_side)).is_empty());
    }

    #[test]
    fn changed_fields_reports_added_and_dropped_fields() {
        let old: Units = [("a".to_string(), json!(1)), ("b".to_string(), json!(2))].into();
        let new: Units = [("b".to_string(), json!(2)), ("c".to_string(), json!(3))].into();
        let names: Vec<_> = changed_fields(old, new)
            .into_iter()
            .map(|c| (c.name, c.old, c.new))
            .collect();
        assert_eq!(
            names,
            vec![
                ("a".into(), Some(json!(1)), None),
                ("c".into(), None, Some(json!(3)))
            ]
        );
    }
}
