//! NDJSON / JSON / CSV / table writers over any `Write`.

use std::io::{self, Write};

use crate::cli::Format;
use crate::config::UsageError;
use crate::record::{select_columns, Column, DefaultColumns, FieldValue, Record, RecordContext};
use crate::table::TableWriter;

/// The output's columns: `--columns` and `--tag-column` checked against the schema of `R`;
/// without `--columns`, every field (a table shows the few a person scans for).
pub fn output_columns<R: Record>(
    format: Format,
    names: &[String],
    tag_keys: &[String],
) -> Result<Vec<Column>, UsageError> {
    let defaults = match format {
        Format::Table => DefaultColumns::Table,
        Format::Ndjson | Format::Json | Format::Csv => DefaultColumns::Every,
    };
    select_columns::<R>(names, tag_keys, defaults).map_err(UsageError)
}

/// How records are written, beyond format and columns.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    /// The run's start, for derived fields.
    pub context: RecordContext,
    /// `--csv-raw`: CSV text cells exactly as AWS sent them, even when a spreadsheet would
    /// take them for a formula.
    pub csv_raw: bool,
}

/// Streams records of one kind in one format; nothing is held back beyond the writer's
/// buffer. The columns are chosen for one record type: `new` and `write` take the same `R`.
pub struct RecordWriter<W: Write> {
    inner: FormatWriter<W>,
    written: u64,
}

enum FormatWriter<W: Write> {
    Ndjson(W, JsonRow),
    Json(W, JsonRow),
    Csv(Box<csv::Writer<W>>, CsvRow),
    Table(TableWriter<W>),
}

impl<W: Write> RecordWriter<W> {
    /// Starts the output; a CSV or table header is written at once, so an empty run still
    /// has one.
    pub fn new<R: Record>(
        format: Format,
        columns: &[Column],
        options: WriteOptions,
        out: W,
    ) -> io::Result<Self> {
        let inner = match format {
            Format::Ndjson => FormatWriter::Ndjson(out, JsonRow::new::<R>(columns, options)),
            Format::Json => FormatWriter::Json(out, JsonRow::new::<R>(columns, options)),
            Format::Csv => {
                let mut writer = csv::WriterBuilder::new().from_writer(out);
                writer
                    .write_record(columns.iter().map(|c| c.name::<R>().into_owned()))
                    .map_err(csv_error)?;
                FormatWriter::Csv(Box::new(writer), CsvRow::new(columns, options))
            }
            Format::Table => {
                FormatWriter::Table(TableWriter::new::<R>(columns, options.context, out)?)
            }
        };
        Ok(RecordWriter { inner, written: 0 })
    }

    pub fn write<R: Record>(&mut self, record: &R) -> io::Result<()> {
        match &mut self.inner {
            FormatWriter::Ndjson(out, row) => {
                row.render(record, b"", b"\n");
                out.write_all(&row.buffer)?;
            }
            FormatWriter::Json(out, row) => {
                // The array is written as it goes: "[" before the first record, "," before others.
                let before: &[u8] = if self.written == 0 { b"[\n" } else { b",\n" };
                row.render(record, before, b"");
                out.write_all(&row.buffer)?;
            }
            FormatWriter::Csv(writer, row) => row.write(writer, record)?,
            FormatWriter::Table(table) => table.write(record)?,
        }
        self.written += 1;
        Ok(())
    }

    /// Pushes buffered records out, so a reader sees each page as soon as it arrived.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            FormatWriter::Ndjson(out, _) | FormatWriter::Json(out, _) => out.flush(),
            FormatWriter::Csv(writer, _) => writer.flush(),
            FormatWriter::Table(table) => table.flush(),
        }
    }

    /// Closes the format (the JSON array) and returns the underlying writer, flushed.
    pub fn finish(self) -> io::Result<W> {
        match self.inner {
            FormatWriter::Ndjson(mut out, _) => {
                out.flush()?;
                Ok(out)
            }
            FormatWriter::Json(mut out, _) => {
                out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
                out.flush()?;
                Ok(out)
            }
            FormatWriter::Csv(writer, _) => writer.into_inner().map_err(|e| e.into_error()),
            FormatWriter::Table(table) => table.into_inner(),
        }
    }
}

/// One JSON object per record, written straight from the record into a reused buffer; the
/// keys (quoted and escaped, with their colon) are made once.
struct JsonRow {
    columns: Vec<Column>,
    keys: Vec<Vec<u8>>,
    context: RecordContext,
    buffer: Vec<u8>,
}

impl JsonRow {
    fn new<R: Record>(columns: &[Column], options: WriteOptions) -> JsonRow {
        let keys = columns
            .iter()
            .map(|c| {
                let mut key = serde_json::to_vec(&c.name::<R>()).unwrap_or_default();
                key.push(b':');
                key
            })
            .collect();
        JsonRow {
            columns: columns.to_vec(),
            keys,
            context: options.context,
            buffer: Vec::new(),
        }
    }

    /// Leaves `before`, the object with exactly the chosen keys in order, and `after` in the
    /// buffer.
    fn render<R: Record>(&mut self, record: &R, before: &[u8], after: &[u8]) {
        let JsonRow {
            columns,
            keys,
            context,
            buffer,
        } = self;
        buffer.clear();
        buffer.extend_from_slice(before);
        buffer.push(b'{');
        for (i, (column, key)) in columns.iter().zip(keys.iter()).enumerate() {
            if i > 0 {
                buffer.push(b',');
            }
            buffer.extend_from_slice(key);
            column.value(record, context).write_json(buffer);
        }
        buffer.push(b'}');
        buffer.extend_from_slice(after);
    }
}

/// Writes CSV rows field by field; everything that is not plain text goes through one reused
/// buffer.
struct CsvRow {
    columns: Vec<Column>,
    context: RecordContext,
    csv_raw: bool,
    buffer: Vec<u8>,
}

impl CsvRow {
    fn new(columns: &[Column], options: WriteOptions) -> CsvRow {
        CsvRow {
            columns: columns.to_vec(),
            context: options.context,
            csv_raw: options.csv_raw,
            buffer: Vec::new(),
        }
    }

    /// Absent is empty, booleans are true/false, nested values are one JSON value; text a
    /// spreadsheet would run as a formula gets a leading `'` unless `--csv-raw`.
    fn write<W: Write, R: Record>(
        &mut self,
        writer: &mut csv::Writer<W>,
        record: &R,
    ) -> io::Result<()> {
        let CsvRow {
            columns,
            context,
            csv_raw,
            buffer,
        } = self;
        for column in columns.iter() {
            let value = column.value(record, context);
            let written = match value {
                FieldValue::Text(s) if *csv_raw || !is_formula_like(s) => writer.write_field(s),
                FieldValue::Absent => writer.write_field(b""),
                FieldValue::Bool(b) => writer.write_field(if b { "true" } else { "false" }),
                value => {
                    buffer.clear();
                    value.write_plain(buffer);
                    if !*csv_raw && value.is_text() && is_formula_like_bytes(buffer) {
                        buffer.insert(0, b'\'');
                    }
                    writer.write_field(&buffer)
                }
            };
            written.map_err(csv_error)?;
        }
        // Ends the record (an empty iterator adds no field).
        writer
            .write_record(std::iter::empty::<&[u8]>())
            .map_err(csv_error)
    }
}

/// A cell a spreadsheet would evaluate: it starts with `=`, `+`, `-`, `@`, TAB or CR (OWASP).
fn is_formula_like(text: &str) -> bool {
    is_formula_like_bytes(text.as_bytes())
}

fn is_formula_like_bytes(text: &[u8]) -> bool {
    matches!(
        text.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod bench;
