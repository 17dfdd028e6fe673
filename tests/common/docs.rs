//! What the documentation promises, read from the documents themselves: README.md and
//! docs/*.md. The output fields (the schema the tests hold the binary to) come from
//! docs/fields.md, the generated `--help` block from docs/usage.md.

use std::path::{Path, PathBuf};

/// Opens the generated `--help` block in docs/usage.md.
pub const HELP_START: &str = "<!-- help:start: scripts/update-docs.sh writes this block -->";
/// Closes the generated `--help` block in docs/usage.md.
pub const HELP_END: &str = "<!-- help:end -->";
/// The document holding the `--help` block.
pub const USAGE: &str = "docs/usage.md";
/// The document holding the field tables, one section per kind.
pub const FIELDS: &str = "docs/fields.md";

/// The text of one document, by its path from the repository root.
pub fn text(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("reading {}: {e}", full.display()))
}

/// Every document, as (path from the repository root, text): README.md, then docs/*.md in
/// name order.
pub fn all() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("reading docs/")
        .map(|entry| entry.expect("reading docs/").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    paths.sort();
    let mut docs = vec![("README.md".to_string(), text("README.md"))];
    for path in paths {
        let relative = path
            .strip_prefix(root)
            .expect("under the repository")
            .to_string_lossy()
            .into_owned();
        let body = text(&relative);
        docs.push((relative, body));
    }
    assert!(docs.len() > 1, "docs/ holds no .md file");
    docs
}

/// One row of a field table of docs/fields.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The JSON key and CSV column, e.g. `account_id`.
    pub name: String,
    /// `string`, `number`, `boolean`, `timestamp`, `object`...
    pub kind: String,
}

/// The output fields of DB instances in the documented order (the generated table of
/// docs/fields.md's `instances` section), which is also the JSON key order and the CSV header.
pub fn output_fields() -> Vec<Field> {
    let doc = text(FIELDS);
    let table = between(
        &doc,
        "<!-- fields:instances:start -->",
        "<!-- fields:instances:end -->",
        FIELDS,
    );
    let fields: Vec<Field> = table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            Field {
                name: cells[1].trim_matches('`').to_string(),
                kind: cells[2].to_string(),
            }
        })
        .collect();
    assert!(
        !fields.is_empty(),
        "{FIELDS} has no field rows for instances"
    );
    fields
}

/// The text between the `start` and `end` marker lines of `doc`.
fn between<'a>(doc: &'a str, start: &str, end: &str, path: &str) -> &'a str {
    let (_, after_start) = doc
        .split_once(start)
        .unwrap_or_else(|| panic!("{path} has no {start} marker"));
    let (block, _) = after_start
        .split_once(end)
        .unwrap_or_else(|| panic!("{path} has no {end} marker"));
    block
}

/// Every document without the generated help block: what people wrote.
pub fn prose() -> String {
    all()
        .into_iter()
        .map(|(path, body)| {
            if path == USAGE {
                let (before, rest) = body.split_once(HELP_START).expect("help block start");
                let (_, after) = rest.split_once(HELP_END).expect("help block end");
                format!("{before}{after}")
            } else {
                body
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of the fenced block between [`HELP_START`] and [`HELP_END`] in docs/usage.md.
pub fn help_block() -> String {
    let doc = text(USAGE);
    let block = between(&doc, HELP_START, HELP_END, USAGE);
    block
        .strip_prefix("\n```text\n")
        .and_then(|b| b.strip_suffix("```\n"))
        .unwrap_or_else(|| panic!("the help block of {USAGE} is not one ```text fence"))
        .to_string()
}
