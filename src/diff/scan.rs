//! The comparison: OLD indexed by key (content hash and offset only), NEW streamed against the
//! index, then removals, renames and duplicates sorted out.

use std::collections::{BTreeMap, HashMap};

use crate::record::DiffKeys;

use super::input::{Input, Loc};
use super::output::Kind;
use super::record::{split_key, Key, RawRecord, KEY_SEPARATOR};
use super::select::{changed_fields, Comparer, FieldChange};
use super::unknown::UnknownTargets;

/// What the index keeps of one OLD record.
struct OldEntry {
    hash: u64,
    /// Hash of (account, region, dbi_resource_id); 0 when the record has none.
    rid: u64,
    loc: Loc,
    /// The NEW line that matched it; 0 while unmatched.
    new_line: u32,
}

/// How often one (account, region, dbi_resource_id) occurs in each file; a rename needs 1 and 1.
#[derive(Default)]
struct RidCount {
    old: u32,
    new: u32,
}

/// Records per (account, region) in each file, for the "failed target?" hint.
#[derive(Default)]
pub struct TargetCount {
    pub account_name: Option<String>,
    pub old: u64,
    pub new: u64,
}

/// One difference found, before it is printed.
pub struct Change {
    /// `account\0region\0identifier` (the NEW identifier for a rename).
    pub key: Box<str>,
    pub kind: Kind,
    pub old: Option<Loc>,
    pub new: Option<Loc>,
    /// From NEW, for changed and renamed (added and removed read it from their record).
    pub account_name: Option<String>,
    pub old_identifier: Option<String>,
    pub fields: Vec<FieldChange>,
    rid: u64,
}

pub struct Scan {
    /// The kind both files hold.
    pub keys: &'static DiffKeys,
    pub old: Input,
    pub new: Input,
    comparer: Comparer,
    pub unknown: UnknownTargets,
    index: HashMap<Box<str>, OldEntry>,
    rids: HashMap<u64, RidCount>,
    /// Keyed by `account\0region`.
    pub targets: BTreeMap<String, TargetCount>,
    changes: Vec<Change>,
}

/// A record parse error located as `file:line:`, or as a cut last line.
fn parse_record<'b>(input: &Input, bytes: &'b [u8], loc: Loc) -> Result<RawRecord<'b>, String> {
    RawRecord::parse(bytes).map_err(|e| {
        if input.unterminated() {
            format!(
                "{}: truncated last line (no newline at the end): {e}",
                input.at(loc.line)
            )
        } else {
            format!("{}: {e}", input.at(loc.line))
        }
    })
}

fn duplicate(input: &Input, keys: &DiffKeys, first: u32, second: u32, key: &str) -> String {
    let (account, region, identifier) = split_key(key);
    let what = keys.kind.spec().noun;
    format!(
        "{} and {}: the same {what} twice (account {account}, region {region}, \
         {} {identifier})",
        input.at(first),
        input.at(second),
        keys.identifier
    )
}

/// The record's key, key string and resource-id hash, errors located.
fn identify<'b>(
    input: &Input,
    (keys, comparer): (&DiffKeys, &Comparer),
    record: &RawRecord<'b>,
    loc: Loc,
    key_text: &mut String,
) -> Result<(Key<'b>, u64), String> {
    let located = |e: String| format!("{}: {e}", input.at(loc.line));
    let key = record.key(keys.identifier).map_err(located)?;
    key.write(key_text);
    let rid = match record.string(keys.rename).map_err(located)? {
        Some(rid) => comparer
            .hash_of((&*key.account_id, &*key.region, &*rid))
            .max(1),
        None => 0,
    };
    Ok((key, rid))
}

impl Scan {
    /// What [`identify`] needs to key a record.
    fn matching(&self) -> (&DiffKeys, &Comparer) {
        (self.keys, &self.comparer)
    }

    pub fn new(
        keys: &'static DiffKeys,
        old: Input,
        new: Input,
        comparer: Comparer,
        unknown: UnknownTargets,
    ) -> Scan {
        Scan {
            keys,
            old,
            new,
            comparer,
            unknown,
            index: HashMap::new(),
            rids: HashMap::new(),
            targets: BTreeMap::new(),
            changes: Vec::new(),
        }
    }

    /// Reads OLD once and keeps (hash, offset) per key.
    pub fn index_old(&mut self) -> Result<(), String> {
        let (mut buf, mut key_text) = (Vec::new(), String::new());
        while let Some(loc) = self.old.next(&mut buf)? {
            let record = parse_record(&self.old, &buf, loc)?;
            let (key, rid) = identify(&self.old, self.matching(), &record, loc, &mut key_text)?;
            let hash = self.hash(&self.old, &record, loc)?;
            self.count_target(&key, &key_text, &record, |c| c.old += 1);
            if rid != 0 {
                self.rids.entry(rid).or_default().old += 1;
            }
            if let Some(first) = self.index.get(key_text.as_str()) {
                return Err(duplicate(
                    &self.old,
                    self.keys,
                    first.loc.line,
                    loc.line,
                    &key_text,
                ));
            }
            let entry = OldEntry {
                hash,
                rid,
                loc,
                new_line: 0,
            };
            self.index.insert(key_text.as_str().into(), entry);
        }
        Ok(())
    }

    fn hash(&self, input: &Input, record: &RawRecord, loc: Loc) -> Result<u64, String> {
        self.comparer
            .hash(record)
            .map_err(|e| format!("{}: {e}", input.at(loc.line)))
    }

    /// Counts the record in its (account, region), keyed by the start of its key string.
    fn count_target(
        &mut self,
        key: &Key,
        key_text: &str,
        record: &RawRecord,
        bump: impl Fn(&mut TargetCount),
    ) {
        let target_key = key_text
            .get(..key.account_id.len() + KEY_SEPARATOR.len_utf8() + key.region.len())
            .unwrap_or(key_text);
        if let Some(count) = self.targets.get_mut(target_key) {
            bump(count);
            return;
        }
        let mut count = TargetCount {
            account_name: record.string("account_name").ok().flatten().map(Into::into),
            ..TargetCount::default()
        };
        bump(&mut count);
        self.targets.insert(target_key.to_owned(), count);
    }

    /// Streams NEW against the index.
    pub fn stream_new(&mut self) -> Result<(), String> {
        let (mut buf, mut key_text) = (Vec::new(), String::new());
        while let Some(loc) = self.new.next(&mut buf)? {
            let record = parse_record(&self.new, &buf, loc)?;
            let (key, rid) = identify(&self.new, self.matching(), &record, loc, &mut key_text)?;
            let hash = self.hash(&self.new, &record, loc)?;
            self.count_target(&key, &key_text, &record, |c| c.new += 1);
            if rid != 0 {
                self.rids.entry(rid).or_default().new += 1;
            }
            let Some(entry) = self.index.get_mut(key_text.as_str()) else {
                let key = key_text.as_str().into();
                self.changes
                    .push(Change::new(key, Kind::Added, None, Some(loc), rid));
                continue;
            };
            if entry.new_line != 0 {
                return Err(duplicate(
                    &self.new,
                    self.keys,
                    entry.new_line,
                    loc.line,
                    &key_text,
                ));
            }
            entry.new_line = loc.line;
            if entry.hash == hash || self.unknown.covers(&key.account_id, &key.region) {
                continue;
            }
            let old_loc = entry.loc;
            let fields = self.compare(old_loc, &buf, loc)?;
            if !fields.is_empty() {
                let key = key_text.as_str().into();
                let mut change = Change::new(key, Kind::Changed, Some(old_loc), Some(loc), 0);
                change.account_name = record.string("account_name").ok().flatten().map(Into::into);
                change.fields = fields;
                self.changes.push(change);
            }
        }
        Ok(())
    }

    /// The exact comparison of OLD's record at `old_loc` with a NEW record's text.
    fn compare(
        &mut self,
        old_loc: Loc,
        new_bytes: &[u8],
        new_loc: Loc,
    ) -> Result<Vec<FieldChange>, String> {
        let mut old_bytes = Vec::new();
        self.old.read_at(old_loc, &mut old_bytes)?;
        let old = self
            .comparer
            .units(&old_bytes)
            .map_err(|e| format!("{}: {e}", self.old.at(old_loc.line)))?;
        let new = self
            .comparer
            .units(new_bytes)
            .map_err(|e| format!("{}: {e}", self.new.at(new_loc.line)))?;
        Ok(changed_fields(old, new))
    }

    /// Removals, duplicate additions, renames; then the changes in key order, without the
    /// targets NEW cannot vouch for.
    pub fn finish(&mut self) -> Result<Vec<Change>, String> {
        for (key, entry) in std::mem::take(&mut self.index) {
            if entry.new_line == 0 {
                let change = Change::new(key, Kind::Removed, Some(entry.loc), None, entry.rid);
                self.changes.push(change);
            }
        }
        let mut changes = std::mem::take(&mut self.changes);
        changes.sort_by(|a, b| a.key.cmp(&b.key));
        for pair in changes.windows(2) {
            if pair[0].key == pair[1].key {
                let (first, second) = (pair[0].new, pair[1].new);
                let lines = first.zip(second).map_or((0, 0), |(a, b)| (a.line, b.line));
                return Err(duplicate(
                    &self.new,
                    self.keys,
                    lines.0,
                    lines.1,
                    &pair[0].key,
                ));
            }
        }
        self.match_renames(&mut changes)?;
        changes.retain(|change| {
            let (account, region, _) = split_key(&change.key);
            !self.unknown.covers(account, region)
        });
        Ok(changes)
    }

    /// A removed and an added record sharing a dbi_resource_id found once in each file, in
    /// the same account and region, are one rename.
    fn match_renames(&mut self, changes: &mut Vec<Change>) -> Result<(), String> {
        let unique = |rid: u64| {
            rid != 0
                && self
                    .rids
                    .get(&rid)
                    .is_some_and(|c| c.old == 1 && c.new == 1)
        };
        let added: HashMap<u64, usize> = changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Added && unique(c.rid))
            .map(|(i, c)| (c.rid, i))
            .collect();
        let pairs: Vec<(usize, usize)> = changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Removed && unique(c.rid))
            .filter_map(|(i, c)| added.get(&c.rid).map(|&j| (i, j)))
            .collect();
        let mut gone = vec![false; changes.len()];
        for (removed, added) in pairs {
            let (old_loc, old_key) = (changes[removed].old, changes[removed].key.clone());
            if self.rename(old_loc, &old_key, &mut changes[added])? {
                gone[removed] = true;
            }
        }
        let mut flags = gone.into_iter();
        changes.retain(|_| !flags.next().unwrap_or(false));
        Ok(())
    }

    /// Turns `added` into a rename of the removed record at `old_loc` when their resource ids
    /// really match.
    fn rename(
        &mut self,
        old_loc: Option<Loc>,
        old_key: &str,
        added: &mut Change,
    ) -> Result<bool, String> {
        let (Some(old_loc), Some(new_loc)) = (old_loc, added.new) else {
            return Ok(false);
        };
        let (mut old_bytes, mut new_bytes) = (Vec::new(), Vec::new());
        self.old.read_at(old_loc, &mut old_bytes)?;
        self.new.read_at(new_loc, &mut new_bytes)?;
        let old = parse_record(&self.old, &old_bytes, old_loc)?;
        let new = parse_record(&self.new, &new_bytes, new_loc)?;
        let rename = self.keys.rename;
        let (old_rid, new_rid) = (old.string(rename), new.string(rename));
        let (old_key, new_key) = (split_key(old_key), split_key(&added.key));
        if old_rid.ok().flatten() != new_rid.ok().flatten()
            || old_key.0 != new_key.0
            || old_key.1 != new_key.1
        {
            return Ok(false);
        }
        added.account_name = new.string("account_name").ok().flatten().map(Into::into);
        added.fields = self.compare(old_loc, &new_bytes, new_loc)?;
        added.kind = Kind::Renamed;
        added.old = Some(old_loc);
        added.old_identifier = Some(old_key.2.to_owned());
        Ok(true)
    }
}

impl Change {
    fn new(key: Box<str>, kind: Kind, old: Option<Loc>, new: Option<Loc>, rid: u64) -> Change {
        Change {
            key,
            kind,
            old,
            new,
            account_name: None,
            old_identifier: None,
            fields: Vec::new(),
            rid,
        }
    }
}
