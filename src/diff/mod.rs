//! `rds-inventory diff OLD NEW`: what changed between two inventories, with diff(1)'s exit
//! codes (0 no differences, 1 differences, 2 trouble).
//!
//! Memory holds one small index entry per OLD record (key, content hash, offset), never two
//! inventories: NEW is streamed against the index, and a record is read again from its file
//! by offset only when it is reported.

mod input;
mod output;
mod record;
mod scan;
mod select;
mod unknown;

use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde_json::Value;

use crate::cli::{DiffArgs, DiffFormat};
use crate::record::kinds::{self, kind_of_record};
use crate::record::{DiffKeys, ResourceKind};
use crate::status::reader_gone;
use input::{Input, Loc};
use output::{escape, ChangeLine, ChangeWriter, Identifier, Kind};
use record::{split_key, RawRecord, KEY_SEPARATOR};
use scan::{Change, Scan};
use select::{Comparer, Selection};
use unknown::{UnknownTarget, UnknownTargets};

/// No differences.
const SAME: u8 = 0;
/// Differences (an `unknown` line counts as one).
const DIFFERENT: u8 = 1;
/// Trouble: unreadable input, a line that is not a record, duplicate keys, usage.
const TROUBLE: u8 = 2;

/// Compares `args.old` with `args.new`, writes the changes to `out`, messages to stderr, and
/// returns the exit code.
pub fn run(args: &DiffArgs, out: impl Write) -> u8 {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    match diff(args, out, &mut err) {
        Ok(false) => SAME,
        Ok(true) => DIFFERENT,
        Err(message) => {
            let _ = writeln!(err, "diff: error: {message}");
            TROUBLE
        }
    }
}

/// `Ok(true)` when there is at least one difference.
fn diff(args: &DiffArgs, out: impl Write, err: &mut dyn Write) -> Result<bool, String> {
    let keys = kind_of_both(&args.old, &args.new)?;
    let selection = Selection::from_args(&args.fields, &args.ignore, keys)?;
    let unknown = match &args.summary {
        Some(path) => UnknownTargets::read(path, keys.kind, err)?,
        None => UnknownTargets::default(),
    };
    let old = Input::open(&args.old)?;
    let new = Input::open(&args.new)?;
    let comparer = Comparer::new(selection, old.is_csv() || new.is_csv());
    let mut scan = Scan::new(keys, old, new, comparer, unknown);
    scan.index_old()?;
    scan.stream_new()?;
    let changes = scan.finish()?;
    if args.summary.is_none() {
        warn_vanished_targets(&scan, err);
    }
    write_changes(&mut scan, changes, args.format, out)
}

/// The kind both files hold, recognised from their first records (no flag needed); an empty
/// file goes with any kind, two kinds are trouble.
fn kind_of_both(old: &Path, new: &Path) -> Result<&'static DiffKeys, String> {
    match (kind_of(old)?, kind_of(new)?) {
        (Some(a), Some(b)) if a.kind != b.kind => Err(format!(
            "{} holds {} and {} holds {}: diff compares two outputs of one kind",
            old.display(),
            a.kind.name(),
            new.display(),
            b.kind.name()
        )),
        (Some(keys), _) | (None, Some(keys)) => Ok(keys),
        (None, None) => Ok(ResourceKind::INSTANCES.diff_keys()),
    }
}

/// The kind of the first record of `path`; `None` for a file without records.
fn kind_of(path: &Path) -> Result<Option<&'static DiffKeys>, String> {
    let mut input = Input::open(path)?;
    let mut buf = Vec::new();
    let Some(loc) = input.next(&mut buf)? else {
        return Ok(None);
    };
    let located = |e: String| format!("{}: {e}", input.at(loc.line));
    let record = RawRecord::parse(&buf).map_err(located)?;
    match kind_of_record(|name| record.raw(name).is_some()).map(ResourceKind::diff_keys) {
        Some(keys) => Ok(Some(keys)),
        None => {
            let names: Vec<&str> = kinds::ALL
                .iter()
                .map(|k| k.diff_keys().identifier)
                .collect();
            Err(located(format!("not a record: no {}", names.join(" or "))))
        }
    }
}

/// Without a summary, a target whose every instance vanished looks like a failed listing
/// rather than a mass deletion: say so once per target.
fn warn_vanished_targets(scan: &Scan, err: &mut dyn Write) {
    for (target, count) in &scan.targets {
        if count.old == 0 || count.new > 0 {
            continue;
        }
        let (account, region, _) = split_key(target);
        let name = count
            .account_name
            .as_deref()
            .map(|name| format!(" ({})", escape(name)))
            .unwrap_or_default();
        let _ = writeln!(
            err,
            "diff: warning: account {account}{name} region {region}: {} {} in OLD, \
             none in NEW — a failed target? pass --summary NEW_SUMMARY",
            count.old,
            scan.keys.kind.name()
        );
    }
}

/// Why writing stopped.
enum Stop {
    Trouble(String),
    /// The reader went away (`| head`): not an error.
    Closed,
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        if reader_gone(&e) {
            Stop::Closed
        } else {
            Stop::Trouble(format!("cannot write the output: {e}"))
        }
    }
}

impl From<String> for Stop {
    fn from(message: String) -> Stop {
        Stop::Trouble(message)
    }
}

enum Item {
    Change(Change),
    Unknown(UnknownTarget),
}

fn write_changes(
    scan: &mut Scan,
    changes: Vec<Change>,
    format: DiffFormat,
    out: impl Write,
) -> Result<bool, String> {
    let mut items: Vec<(Box<str>, Item)> = scan
        .unknown
        .entries()
        .iter()
        .map(|target| {
            let region = target.region.as_deref().unwrap_or_default();
            let key = format!(
                "{}{KEY_SEPARATOR}{region}{KEY_SEPARATOR}",
                target.account_id
            );
            let key = key.into();
            (key, Item::Unknown(target.clone()))
        })
        .collect();
    items.extend(
        changes
            .into_iter()
            .map(|c| (c.key.clone(), Item::Change(c))),
    );
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let any = !items.is_empty();
    match write_items(scan, items, format, BufWriter::new(out)) {
        Ok(()) | Err(Stop::Closed) => Ok(any),
        Err(Stop::Trouble(message)) => Err(message),
    }
}

fn write_items<W: Write>(
    scan: &mut Scan,
    items: Vec<(Box<str>, Item)>,
    format: DiffFormat,
    out: W,
) -> Result<(), Stop> {
    let mut writer = ChangeWriter::new(format, scan.keys.identifier, out)?;
    for (_, item) in items {
        match item {
            Item::Change(change) => write_change(scan, &change, &mut writer)?,
            Item::Unknown(target) => writer.unknown(&target)?,
        }
    }
    writer.finish()?;
    Ok(())
}

fn write_change<W: Write>(
    scan: &mut Scan,
    change: &Change,
    writer: &mut ChangeWriter<W>,
) -> Result<(), Stop> {
    let record = match change.kind {
        Kind::Added => Some(read_record(&mut scan.new, change.new)?),
        Kind::Removed => Some(read_record(&mut scan.old, change.old)?),
        Kind::Changed | Kind::Renamed => None,
    };
    let account_name = match &record {
        Some(record) => record.get("account_name").and_then(Value::as_str),
        None => change.account_name.as_deref(),
    };
    let (account_id, region, identifier) = split_key(&change.key);
    let line = ChangeLine {
        change: change.kind,
        account_id,
        account_name,
        region,
        identifier: Identifier {
            name: scan.keys.identifier,
            value: identifier,
            old: change.old_identifier.as_deref(),
        },
        fields: &change.fields,
        record: record.as_ref(),
    };
    Ok(writer.change(&line)?)
}

/// A whole record read again from its file, for added and removed lines.
fn read_record(input: &mut Input, loc: Option<Loc>) -> Result<Value, String> {
    let Some(loc) = loc else {
        return Ok(Value::Null);
    };
    let mut bytes = Vec::new();
    input.read_at(loc, &mut bytes)?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", input.at(loc.line)))
}

#[cfg(test)]
mod tests;
