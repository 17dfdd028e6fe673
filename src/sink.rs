//! JSON / NDJSON / CSV writers over any `Write`, and the atomically replaced output file.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::cli::Format;
use crate::record::{InstanceRecord, COLUMNS};

/// Streams records in one format; nothing is held back beyond the writer's buffer.
pub struct RecordWriter<W: Write> {
    inner: FormatWriter<W>,
    written: u64,
}

enum FormatWriter<W: Write> {
    Ndjson(W),
    Json(W),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> RecordWriter<W> {
    /// Starts the output; the CSV header is written at once so an empty run is still valid CSV.
    pub fn new(format: Format, out: W) -> io::Result<Self> {
        let inner = match format {
            Format::Ndjson => FormatWriter::Ndjson(out),
            Format::Json => FormatWriter::Json(out),
            Format::Csv => {
                let mut writer = csv::WriterBuilder::new().from_writer(out);
                writer.write_record(COLUMNS).map_err(csv_error)?;
                FormatWriter::Csv(Box::new(writer))
            }
        };
        Ok(RecordWriter { inner, written: 0 })
    }

    pub fn write(&mut self, record: &InstanceRecord) -> io::Result<()> {
        match &mut self.inner {
            FormatWriter::Ndjson(out) => {
                serde_json::to_writer(&mut *out, record)?;
                out.write_all(b"\n")?;
            }
            FormatWriter::Json(out) => {
                // The array is written as it goes: "[" before the first record, "," before others.
                out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, record)?;
            }
            FormatWriter::Csv(writer) => writer
                .write_record(record.csv_fields())
                .map_err(csv_error)?,
        }
        self.written += 1;
        Ok(())
    }

    /// Pushes buffered records out, so a reader sees each page as soon as it arrived.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            FormatWriter::Ndjson(out) | FormatWriter::Json(out) => out.flush(),
            FormatWriter::Csv(writer) => writer.flush(),
        }
    }

    /// Closes the format (the JSON array) and returns the underlying writer, flushed.
    pub fn finish(self) -> io::Result<W> {
        match self.inner {
            FormatWriter::Ndjson(mut out) => {
                out.flush()?;
                Ok(out)
            }
            FormatWriter::Json(mut out) => {
                out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
                out.flush()?;
                Ok(out)
            }
            FormatWriter::Csv(writer) => writer.into_inner().map_err(|e| e.into_error()),
        }
    }
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// An output file that replaces its target only when the run completes: records go to a
/// temp file in the same directory (so the rename is atomic), which is removed if dropped.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temp file now, so an unwritable destination fails before any AWS call.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
        let temp = dir.join(format!(
            ".{}.{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&temp)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            file: Some(BufWriter::with_capacity(256 * 1024, file)),
        })
    }

    /// Flushes, syncs and renames the temp file over the target.
    pub fn commit(mut self) -> io::Result<()> {
        if let Some(file) = self.file.take() {
            let file = file.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
        }
        std::fs::rename(&self.temp, &self.target)
    }

    #[cfg(test)]
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("output file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            // Not committed: the run failed or was interrupted; the target stays untouched.
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{account, full_instance};
    use aws_sdk_rds::types::DbInstance;

    fn records() -> Vec<InstanceRecord> {
        vec![
            InstanceRecord::from_sdk(&account(), "eu-west-1", &full_instance()),
            InstanceRecord::from_sdk(
                &account(),
                "eu-west-1",
                &DbInstance::builder().db_instance_identifier("bare").build(),
            ),
        ]
    }

    fn render(format: Format, records: &[InstanceRecord]) -> String {
        let mut writer = RecordWriter::new(format, Vec::new()).expect("new");
        for r in records {
            writer.write(r).expect("write");
        }
        String::from_utf8(writer.finish().expect("finish")).expect("utf8")
    }

    #[test]
    fn ndjson_is_one_object_per_line() {
        let out = render(Format::Ndjson, &records());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        let first: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
        assert_eq!(first["db_instance_identifier"], "orders");
        assert_eq!(first["tags"]["owner"], "Zoë, \"data\" team\nline 2");
        let second: serde_json::Value = serde_json::from_str(lines[1]).expect("json");
        assert_eq!(second["endpoint_port"], serde_json::Value::Null);
        assert_eq!(render(Format::Ndjson, &[]), "");
    }

    #[test]
    fn json_is_one_array_and_valid_when_empty() {
        let out = render(Format::Json, &records());
        let value: Vec<serde_json::Value> = serde_json::from_str(&out).expect("array");
        assert_eq!(value.len(), 2);
        assert_eq!(value[1]["db_instance_identifier"], "bare");
        let empty: Vec<serde_json::Value> =
            serde_json::from_str(&render(Format::Json, &[])).expect("empty array");
        assert!(empty.is_empty());
    }

    #[test]
    fn csv_round_trips_hostile_values() {
        let mut hostile = records();
        hostile[0].account_name = "ops, \"core\"\nteam ✓".into();
        hostile[0]
            .tags
            .insert("k,\"\n".into(), "\u{0}é,\r\n\"x\"".into());
        let out = render(Format::Csv, &hostile);
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        assert_eq!(
            reader.headers().expect("header").iter().collect::<Vec<_>>(),
            COLUMNS
        );
        let rows: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().expect("rows");
        assert_eq!(rows.len(), 2);
        for (row, record) in rows.iter().zip(&hostile) {
            assert_eq!(row.iter().collect::<Vec<_>>(), record.csv_fields().to_vec());
            let tags: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&row[23]).expect("tags column is a JSON object");
            assert_eq!(tags, record.tags);
        }
        assert_eq!(&rows[1][10], "", "absent is empty in CSV");
        assert_eq!(&rows[0][14], "true");
    }

    #[test]
    fn csv_header_even_when_empty() {
        assert_eq!(render(Format::Csv, &[]), format!("{}\n", COLUMNS.join(",")));
    }

    #[test]
    fn atomic_file_replaces_only_on_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").expect("write");
        {
            let mut file = AtomicFile::create(&target).expect("create");
            file.write_all(b"partial").expect("write");
            assert!(file.temp_path().exists());
        }
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("ls").count(),
            1,
            "no temp left"
        );
        let mut file = AtomicFile::create(&target).expect("create");
        file.write_all(b"new").expect("write");
        file.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn atomic_file_in_missing_directory_fails_early() {
        assert!(AtomicFile::create(Path::new("/nonexistent-dir/x/out.json")).is_err());
    }
}
