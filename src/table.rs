//! The `table` format: fixed-width, aligned columns for a terminal, written row by row.
//!
//! Widths are fixed per column (not measured over the whole inventory) so that each record
//! can be printed the moment it arrives; longer values are cut with `…`.

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use crate::record::{Column, FieldValue, Record, RecordContext, Shape};

/// Between two columns.
const GAP: &str = "  ";
/// Width of a `tag:KEY` column, unless its header needs more (up to [`MAX_TAG_WIDTH`]).
const TAG_WIDTH: usize = 20;
const MAX_TAG_WIDTH: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// Header label, width and alignment of the fields in every kind's default table (a field
/// shared by kinds keeps one header); any other column is headed by its own name and sized by
/// its type.
const FIELD_LAYOUT: &[(&str, &str, usize, Align)] = &[
    ("account_id", "ACCOUNT ID", 12, Align::Left),
    ("account_name", "ACCOUNT", 16, Align::Left),
    ("region", "REGION", 14, Align::Left),
    ("db_instance_identifier", "IDENTIFIER", 32, Align::Left),
    ("db_instance_arn", "ARN", 64, Align::Left),
    ("dbi_resource_id", "RESOURCE ID", 29, Align::Left),
    ("db_instance_class", "CLASS", 15, Align::Left),
    ("engine", "ENGINE", 18, Align::Left),
    ("engine_version", "VERSION", 15, Align::Left),
    ("db_instance_status", "STATUS", 12, Align::Left),
    ("endpoint_address", "ENDPOINT", 56, Align::Left),
    ("endpoint_port", "PORT", 5, Align::Right),
    ("allocated_storage", "STORAGE", 7, Align::Right),
    ("storage_type", "STORAGE TYPE", 12, Align::Left),
    ("storage_encrypted", "ENCRYPTED", 9, Align::Left),
    ("multi_az", "MULTI-AZ", 8, Align::Left),
    ("availability_zone", "AZ", 15, Align::Left),
    ("publicly_accessible", "PUBLIC", 6, Align::Left),
    ("deletion_protection", "DEL-PROTECT", 11, Align::Left),
    ("db_subnet_group", "SUBNET GROUP", 24, Align::Left),
    ("vpc_id", "VPC", 21, Align::Left),
    ("db_cluster_identifier", "CLUSTER", 32, Align::Left),
    ("instance_create_time", "CREATED", 20, Align::Left),
    ("tags", "TAGS", 40, Align::Left),
    // A cluster's state (an instance's is `db_instance_status`).
    ("status", "STATUS", 12, Align::Left),
    // In the clusters kind's default table.
    ("backup_retention_period", "BACKUP DAYS", 11, Align::Right),
    ("cluster_role", "ROLE", 6, Align::Left),
    // The other kinds' default tables.
    ("db_snapshot_identifier", "SNAPSHOT", 40, Align::Left),
    (
        "db_cluster_snapshot_identifier",
        "SNAPSHOT",
        40,
        Align::Left,
    ),
    ("snapshot_type", "TYPE", 9, Align::Left),
    ("snapshot_create_time", "CREATED", 20, Align::Left),
    ("encrypted", "ENCRYPTED", 9, Align::Left),
    ("shared_publicly", "PUBLIC", 6, Align::Left),
    (
        "shared_with_outside_accounts",
        "SHARED OUTSIDE",
        26,
        Align::Left,
    ),
    ("source_exists", "SOURCE EXISTS", 13, Align::Left),
    ("db_proxy_name", "PROXY", 32, Align::Left),
    ("engine_family", "ENGINE", 10, Align::Left),
    ("require_tls", "TLS", 5, Align::Left),
    ("endpoint", "ENDPOINT", 56, Align::Left),
    ("blue_green_deployment_name", "DEPLOYMENT", 32, Align::Left),
    ("source", "SOURCE", 48, Align::Left),
    ("target", "TARGET", 48, Align::Left),
    ("create_time", "CREATED", 20, Align::Left),
    (
        "global_cluster_identifier",
        "GLOBAL CLUSTER",
        32,
        Align::Left,
    ),
    ("writer_region", "WRITER REGION", 14, Align::Left),
    ("member_regions", "REGIONS", 30, Align::Left),
    ("reserved_db_instance_id", "RESERVATION", 32, Align::Left),
    ("product_description", "PRODUCT", 18, Align::Left),
    ("db_instance_count", "COUNT", 5, Align::Right),
    ("state", "STATE", 15, Align::Left),
    ("ends_at", "ENDS", 20, Align::Left),
    ("days_left", "DAYS LEFT", 9, Align::Right),
    ("db_parameter_group_name", "GROUP", 32, Align::Left),
    ("db_cluster_parameter_group_name", "GROUP", 32, Align::Left),
    ("db_parameter_group_family", "FAMILY", 20, Align::Left),
    ("tls_required", "TLS", 5, Align::Left),
    ("tls_required_value", "VALUE", 8, Align::Left),
    ("tls_required_source", "SOURCE", 14, Align::Left),
];

/// Width and alignment of a column not in [`FIELD_LAYOUT`], by the shape of its values.
fn layout_by_shape(shape: &Shape) -> (usize, Align) {
    match shape {
        Shape::Number => (8, Align::Right),
        Shape::Boolean => (5, Align::Left),
        Shape::Timestamp => (20, Align::Left),
        Shape::Text => (24, Align::Left),
        Shape::Tags | Shape::Array(_) | Shape::Object(_) => (40, Align::Left),
    }
}

/// One column of the table as laid out.
#[derive(Debug)]
struct TableColumn {
    column: Column,
    width: usize,
    align: Align,
}

/// Writes a header line at once, then one line per record; holds nothing back but a line.
pub struct TableWriter<W: Write> {
    out: W,
    columns: Vec<TableColumn>,
    context: RecordContext,
    /// Reused for every line and cell, so a row costs no allocations once warm.
    line: String,
    cell: String,
}

impl<W: Write> TableWriter<W> {
    /// Lays out `columns` and writes the header line.
    pub fn new<R: Record>(columns: &[Column], context: RecordContext, out: W) -> io::Result<Self> {
        let mut headers = Vec::with_capacity(columns.len());
        let columns = columns
            .iter()
            .map(|column| {
                let name = column.name::<R>();
                let (header, width, align) = match column {
                    Column::Field(_) => match FIELD_LAYOUT.iter().find(|l| l.0 == name) {
                        Some(&(_, label, width, align)) => (label.to_owned(), width, align),
                        None => {
                            let (width, align) = layout_by_shape(&column.shape::<R>());
                            (name.into_owned(), width, align)
                        }
                    },
                    Column::Path { .. } => {
                        let (width, align) = layout_by_shape(&column.shape::<R>());
                        (name.into_owned(), width, align)
                    }
                    Column::Tag(_) => {
                        let width = text_width(&name).clamp(TAG_WIDTH, MAX_TAG_WIDTH);
                        (name.into_owned(), width, Align::Left)
                    }
                };
                // A header is never cut by its own column's width.
                let width = width.max(text_width(&header).min(MAX_TAG_WIDTH)).max(1);
                headers.push(header);
                TableColumn {
                    column: column.clone(),
                    width,
                    align,
                }
            })
            .collect();
        let mut writer = TableWriter {
            out,
            columns,
            context,
            line: String::new(),
            cell: String::new(),
        };
        writer.line.clear();
        for (i, header) in headers.iter().enumerate() {
            let (width, align) = (writer.columns[i].width, writer.columns[i].align);
            push_cell(&mut writer.line, i, header, width, align);
        }
        writer.line.push('\n');
        writer.out.write_all(writer.line.as_bytes())?;
        Ok(writer)
    }

    /// Writes one record as one line.
    pub fn write<R: Record>(&mut self, record: &R) -> io::Result<()> {
        let TableWriter {
            out,
            columns,
            context,
            line,
            cell,
        } = self;
        line.clear();
        for (i, column) in columns.iter().enumerate() {
            cell.clear();
            render(cell, column.column.value(record, context));
            push_cell(line, i, cell, column.width, column.align);
        }
        line.push('\n');
        out.write_all(line.as_bytes())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Flushes and returns the writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A value as a person reads it: yes/no, `-` for absent, tags as `key=value, ...`, anything
/// nested as JSON.
fn render(cell: &mut String, value: FieldValue<'_>) {
    match value {
        FieldValue::Text(s) => cell.push_str(s),
        FieldValue::Bool(b) => cell.push_str(if b { "yes" } else { "no" }),
        FieldValue::Tags(tags) if tags.is_empty() => cell.push('-'),
        FieldValue::Tags(tags) => {
            for (n, (key, value)) in tags.iter().enumerate() {
                if n > 0 {
                    cell.push_str(", ");
                }
                cell.push_str(key);
                cell.push('=');
                cell.push_str(value);
            }
        }
        FieldValue::Absent => cell.push('-'),
        other => {
            let mut plain = Vec::new();
            other.write_plain(&mut plain);
            cell.push_str(&String::from_utf8_lossy(&plain));
        }
    }
}

/// Appends `text` to `line` in exactly `width` display columns: control characters become
/// spaces (a row stays one line), too long is cut with `…`, short is padded per `align`.
fn push_cell(line: &mut String, index: usize, text: &str, width: usize, align: Align) {
    if index > 0 {
        line.push_str(GAP);
    }
    let clean = |c: char| if c.is_control() { ' ' } else { c };
    let full = text_width(text);
    if full > width {
        let mut used = 0;
        for c in text.chars() {
            let w = char_width(c);
            if used + w > width - 1 {
                break;
            }
            line.push(clean(c));
            used += w;
        }
        line.push('…');
        // A wide character that did not fit leaves one column to pad.
        pad(line, width - 1 - used);
        return;
    }
    if align == Align::Right {
        pad(line, width - full);
    }
    line.extend(text.chars().map(clean));
    if align == Align::Left {
        pad(line, width - full);
    }
}

fn pad(line: &mut String, n: usize) {
    line.extend(std::iter::repeat_n(' ', n));
}

/// Display columns of `text` on a terminal; a control character prints as one space.
fn text_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(1)
}

/// Rows of text as an aligned table whose widths fit the data (small tables such as the
/// plan); lines end without trailing spaces.
pub fn render_rows(header: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| text_width(cell))
                .chain(std::iter::once(text_width(header[i])))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = String::new();
    let header_row: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        line.clear();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            push_cell(&mut line, i, cell, *width, Align::Left);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{bare_record as bare, context, full_record, record_with};
    use crate::record::{fields, select_columns, DefaultColumns, InstanceRecord};
    use aws_sdk_rds::types::Tag;

    fn table(columns: &[Column], records: &[InstanceRecord]) -> String {
        let mut writer =
            TableWriter::new::<InstanceRecord>(columns, context(), Vec::new()).expect("new");
        for r in records {
            writer.write(r).expect("write");
        }
        String::from_utf8(writer.into_inner().expect("finish")).expect("utf8")
    }

    fn default_columns() -> Vec<Column> {
        select_columns::<InstanceRecord>(&[], &[], DefaultColumns::Table).expect("columns")
    }

    #[test]
    fn every_kinds_default_columns_have_a_short_header() {
        for kind in crate::record::kinds::ALL {
            for column in kind.table_columns() {
                assert!(
                    FIELD_LAYOUT.iter().any(|(name, ..)| name == column),
                    "{kind}: default column {column} has no header in FIELD_LAYOUT"
                );
            }
        }
    }

    #[test]
    fn header_and_rows_are_aligned() {
        let records = [full_record(), bare("b")];
        let out = table(&default_columns(), &records);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("ACCOUNT           REGION          IDENTIFIER"));
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width), "{out}");
        // Each column starts where its header starts.
        for header in ["REGION", "ENGINE", "MULTI-AZ", "PUBLIC"] {
            let at = lines[0].find(header).expect("header");
            assert_ne!(&lines[1][at..at + 1], " ", "{header} in {}", lines[1]);
        }
        assert!(lines[1].contains("  postgres  "));
        assert!(lines[1].contains("  no        "), "multi_az false");
        assert!(
            lines[1].ends_with("  yes   "),
            "publicly accessible, padded"
        );
        // Numbers are right-aligned, absent is "-".
        let storage = lines[0].find("STORAGE").expect("storage");
        assert_eq!(&lines[1][storage..storage + 7], "    100");
        assert_eq!(&lines[2][storage..storage + 7], "      -");
        assert!(lines[2].contains("  -     "));
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        let mut r = bare(&"x".repeat(40));
        r.region = "région-de-test-longue".into();
        let out = table(&default_columns(), &[r]);
        let row = out.lines().nth(1).expect("row");
        assert!(row.contains(&format!("{}…  ", "x".repeat(31))), "{row}");
        assert!(row.contains("région-de-tes…  "), "{row}");
        assert_eq!(
            row.chars().count(),
            out.lines().next().expect("h").chars().count()
        );
    }

    #[test]
    fn control_characters_keep_a_row_on_one_line() {
        let columns = select_columns::<InstanceRecord>(
            &["db_instance_identifier".into(), "tags".into()],
            &["owner".into(), "missing".into()],
            DefaultColumns::Table,
        )
        .expect("columns");
        let record = full_record();
        let tabbed = record_with(|b| {
            b.db_instance_identifier("t")
                .tag_list(Tag::builder().key("owner").value("a\tb\r\nc").build())
        });
        let out = table(&columns, &[record, tabbed]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines[0].contains("TAGS"));
        assert!(lines[0].contains("tag:owner             tag:missing"));
        assert!(lines[1].contains("env=prod, owner=Zoë, \"data\" team line 2"));
        assert!(
            lines[1].contains("Zoë, \"data\" team li…  -"),
            "{}",
            lines[1]
        );
        assert!(lines[2].contains("a b  c  "), "{}", lines[2]);
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width), "{out}");
    }

    #[test]
    fn wide_characters_count_two_columns() {
        assert_eq!(text_width("東京"), 4);
        assert_eq!(text_width("e\u{301}"), 1);
        let mut line = String::new();
        push_cell(&mut line, 0, "東京東京", 5, Align::Left);
        assert_eq!(line, "東京…");
        // A wide character that does not fit before the ellipsis leaves a column of padding.
        line.clear();
        push_cell(&mut line, 0, "東京東京", 6, Align::Left);
        assert_eq!(line, "東京… ");
        assert_eq!(text_width(&line), 6);
        line.clear();
        push_cell(&mut line, 0, "東京", 6, Align::Left);
        assert_eq!(line, "東京  ");
    }

    #[test]
    fn empty_table_is_just_the_header() {
        let out = table(&default_columns(), &[]);
        assert_eq!(out.lines().count(), 1);
        assert!(out.starts_with("ACCOUNT "));
        assert!(out.ends_with("PUBLIC\n"));
    }

    #[test]
    fn every_field_has_a_layout() {
        let columns: Vec<Column> = (0..fields().len()).map(Column::Field).collect();
        let record = full_record();
        let out = table(&columns, &[record]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0].chars().count(), lines[1].chars().count());
        assert!(lines[1].contains("arn:aws:rds:eu-west-1:111111111111:db:orders"));
        assert!(lines[1].contains(" 5432  "));
    }
}

#[cfg(test)]
mod rows_tests {
    use super::*;

    #[test]
    fn rows_align_on_display_width_not_characters() {
        let rows = vec![
            vec!["東京".to_string(), "a".to_string()],
            vec!["x".to_string(), "b".to_string()],
        ];
        let out = render_rows(&["NAME", "NEXT"], &rows);
        let lines: Vec<&str> = out.lines().collect();
        let column = |line: &str| text_width(&line[..line.rfind(' ').expect("gap") + 1]);
        assert_eq!(lines, ["NAME  NEXT", "東京  a", "x     b"]);
        assert!(lines.iter().all(|l| column(l) == 6), "{out}");
    }
}
