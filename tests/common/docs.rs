//! What README.md promises, read from the README itself: the output fields (the schema the
//! tests hold the binary to) and the `--help` block of the Usage section.

/// Opens the generated `--help` block in README.md.
pub const HELP_START: &str = "<!-- help:start: scripts/update-readme-help.sh writes this block -->";
/// Closes the generated `--help` block in README.md.
pub const HELP_END: &str = "<!-- help:end -->";

/// README.md's text.
pub fn text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// One row of the README's output field table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The JSON key and CSV column, e.g. `account_id`.
    pub name: String,
    /// `string`, `number`, `bool` or `object`.
    pub kind: String,
}

/// The output fields in the documented order (the `| field | type | ... |` table of the
/// Output section), which is also the JSON key order and the CSV header.
pub fn output_fields() -> Vec<Field> {
    let readme = text();
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with("| field | type |"))
        .skip(2); // the header and the `| --- |` line
    let mut fields = Vec::new();
    for line in lines.by_ref().take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`');
        fields.push(Field {
            name: name.to_string(),
            kind: cells[2].to_string(),
        });
    }
    assert!(
        !fields.is_empty(),
        "README.md has no `| field | type |` table"
    );
    fields
}

/// The field names of [`output_fields`], in order.
pub fn output_columns() -> Vec<String> {
    output_fields().into_iter().map(|f| f.name).collect()
}

/// README.md split around the generated help block: (before, block, after).
fn split_at_help_block(readme: &str) -> (&str, &str, &str) {
    let (before, after_start) = readme
        .split_once(HELP_START)
        .unwrap_or_else(|| panic!("README.md has no {HELP_START} marker"));
    let (block, after) = after_start
        .split_once(HELP_END)
        .unwrap_or_else(|| panic!("README.md has no {HELP_END} marker"));
    (before, block, after)
}

/// README.md without the generated help block: what people wrote.
pub fn text_without_help_block() -> String {
    let readme = text();
    let (before, _, after) = split_at_help_block(&readme);
    format!("{before}{after}")
}

/// The text of the fenced block between [`HELP_START`] and [`HELP_END`].
pub fn help_block() -> String {
    let readme = text();
    let (_, block, _) = split_at_help_block(&readme);
    let body = block
        .strip_prefix("\n```text\n")
        .and_then(|b| b.strip_suffix("```\n"))
        .unwrap_or_else(|| {
            panic!("the README's help block is not one ```text fence between the markers")
        });
    body.to_string()
}
