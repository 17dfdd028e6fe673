//! Reading an inventory record by record while remembering where each record lies, so it can
//! be read again by offset: NDJSON, one JSON array (scanned element by element, never loaded
//! whole) or CSV (each row handed on as a JSON object of strings).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::record::kinds::{self, kind_of_record};

/// Where a record is in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub offset: u64,
    pub len: u32,
    /// 1-based line where the record starts, for messages.
    pub line: u32,
}

/// A reader's error: the line it is about and what is wrong.
type Located = (u32, String);

/// One inventory file, streamed once and read again by offset.
pub struct Input {
    name: String,
    source: Source,
    /// A second handle on the same open file (not the same path: a file replaced meanwhile
    /// must not be mixed in) for reading records again.
    again: File,
}

enum Source {
    Empty,
    Ndjson(LineReader),
    Array(ArrayReader),
    Csv(CsvReader),
}

impl Input {
    pub fn open(path: &Path) -> Result<Input, String> {
        let name = path.display().to_string();
        let fail = |e: io::Error| format!("{name}: cannot read: {e}");
        let mut file = File::open(path).map_err(fail)?;
        if !file.metadata().map_err(fail)?.is_file() {
            return Err(format!(
                "{name}: not a regular file (diff reads records again by offset)"
            ));
        }
        let first = first_byte(&mut file).map_err(fail)?;
        file.seek(SeekFrom::Start(0)).map_err(fail)?;
        let again = second_handle(&file, path).map_err(fail)?;
        let source = match first {
            None => Source::Empty,
            Some(b'{') => Source::Ndjson(LineReader::new(file)),
            Some(b'[') => Source::Array(ArrayReader::new(file)),
            Some(_) => Source::Csv(CsvReader::new(file, &name)?),
        };
        Ok(Input {
            name,
            source,
            again,
        })
    }

    pub fn is_csv(&self) -> bool {
        matches!(self.source, Source::Csv(_))
    }

    /// `file:line`, for messages.
    pub fn at(&self, line: u32) -> String {
        format!("{}:{line}", self.name)
    }

    /// True when the record just returned was a last line without its newline.
    pub fn unterminated(&self) -> bool {
        matches!(&self.source, Source::Ndjson(lines) if lines.unterminated)
    }

    /// The next record's JSON text into `buf`, or `None` at the end.
    pub fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<Loc>, String> {
        let result = match &mut self.source {
            Source::Empty => Ok(None),
            Source::Ndjson(reader) => reader.next(buf),
            Source::Array(reader) => reader.next(buf),
            Source::Csv(reader) => reader.next(buf),
        };
        result.map_err(|(line, message)| format!("{}: {message}", self.at(line)))
    }

    /// The record at `loc` again, as [`Input::next`] gave it.
    pub fn read_at(&mut self, loc: Loc, buf: &mut Vec<u8>) -> Result<(), String> {
        let mut bytes = vec![0; loc.len as usize];
        read_exact_at(&mut self.again, &mut bytes, loc.offset)
            .map_err(|e| format!("{}: cannot read the record again: {e}", self.at(loc.line)))?;
        match &self.source {
            Source::Csv(reader) => reader
                .row_to_json(&bytes, buf)
                .map_err(|e| format!("{}: {e}", self.at(loc.line))),
            _ => {
                *buf = bytes;
                Ok(())
            }
        }
    }
}

#[cfg(unix)]
fn second_handle(file: &File, _path: &Path) -> io::Result<File> {
    file.try_clone()
}

#[cfg(not(unix))]
fn second_handle(_file: &File, path: &Path) -> io::Result<File> {
    // A cloned handle would share the position the streaming reader depends on.
    File::open(path)
}

#[cfg(unix)]
fn read_exact_at(file: &mut File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    // A positional read leaves the shared file position to the streaming reader.
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &mut File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// The first byte that is not whitespace, to tell the formats apart.
fn first_byte(file: &mut File) -> io::Result<Option<u8>> {
    let mut chunk = [0u8; 8192];
    loop {
        let n = file.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(&b) = chunk[..n].iter().find(|b| !b.is_ascii_whitespace()) {
            return Ok(Some(b));
        }
    }
}

fn too_long(line: u32) -> Located {
    (line, "record longer than 4 GiB".into())
}

/// NDJSON: one record per line; blank lines are skipped.
struct LineReader {
    reader: BufReader<File>,
    offset: u64,
    line: u32,
    unterminated: bool,
}

impl LineReader {
    fn new(file: File) -> LineReader {
        LineReader {
            reader: BufReader::with_capacity(256 * 1024, file),
            offset: 0,
            line: 0,
            unterminated: false,
        }
    }

    fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<Loc>, Located> {
        loop {
            buf.clear();
            let n = self
                .reader
                .read_until(b'\n', buf)
                .map_err(|e| (self.line + 1, format!("cannot read: {e}")))?;
            if n == 0 {
                return Ok(None);
            }
            let offset = self.offset;
            self.offset += n as u64;
            self.line += 1;
            self.unterminated = buf.last() != Some(&b'\n');
            if !self.unterminated {
                buf.pop();
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let len = u32::try_from(buf.len()).map_err(|_| too_long(self.line))?;
            return Ok(Some(Loc {
                offset,
                len,
                line: self.line,
            }));
        }
    }
}

/// One JSON array of records, element by element: brackets are counted outside strings to
/// find each element's end, and serde_json then checks the element itself.
struct ArrayReader {
    reader: BufReader<File>,
    offset: u64,
    line: u32,
    opened: bool,
    after_element: bool,
    done: bool,
}

impl ArrayReader {
    fn new(file: File) -> ArrayReader {
        ArrayReader {
            reader: BufReader::with_capacity(256 * 1024, file),
            offset: 0,
            line: 1,
            opened: false,
            after_element: false,
            done: false,
        }
    }

    fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<Loc>, Located> {
        if self.done {
            return Ok(None);
        }
        let mut next = self.skip_ws()?;
        if !self.opened || self.after_element {
            let expected: &[u8] = if self.opened { b",]" } else { b"[" };
            match next {
                Some(b']') if self.opened => return self.close(),
                Some(b) if expected.contains(&b) => self.bump(),
                Some(_) if !self.opened => return Err((self.line, "expected [".into())),
                Some(_) => return Err((self.line, "expected , or ] after a record".into())),
                None => return Err(self.truncated()),
            }
            next = self.skip_ws()?;
            if next == Some(b']') && !self.after_element {
                return self.close();
            }
        }
        match next {
            Some(b'{') => {}
            Some(_) => return Err((self.line, "not a record: not a JSON object".into())),
            None => return Err(self.truncated()),
        }
        let (offset, line) = (self.offset, self.line);
        self.read_object(buf)?;
        self.opened = true;
        self.after_element = true;
        let len = u32::try_from(buf.len()).map_err(|_| too_long(line))?;
        Ok(Some(Loc { offset, len, line }))
    }

    fn truncated(&self) -> Located {
        (
            self.line,
            "truncated: the JSON array ends before its closing ]".into(),
        )
    }

    fn close(&mut self) -> Result<Option<Loc>, Located> {
        self.bump();
        self.done = true;
        match self.skip_ws()? {
            None => Ok(None),
            Some(_) => Err((self.line, "text after the closing ] of the array".into())),
        }
    }

    fn bump(&mut self) {
        self.reader.consume(1);
        self.offset += 1;
    }

    /// The next byte that is not whitespace, left unread; `None` at the end of the file.
    fn skip_ws(&mut self) -> Result<Option<u8>, Located> {
        loop {
            let line = self.line;
            let chunk = self
                .reader
                .fill_buf()
                .map_err(|e| (line, format!("cannot read: {e}")))?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let spaces = chunk
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(chunk.len());
            let found = chunk.get(spaces).copied();
            self.line += count_lines(&chunk[..spaces]);
            self.reader.consume(spaces);
            self.offset += spaces as u64;
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    fn read_object(&mut self, buf: &mut Vec<u8>) -> Result<(), Located> {
        buf.clear();
        let mut scan = ObjectScan::default();
        let start_line = self.line;
        loop {
            let chunk = self
                .reader
                .fill_buf()
                .map_err(|e| (start_line, format!("cannot read: {e}")))?;
            if chunk.is_empty() {
                return Err((start_line, "truncated: the last record is cut short".into()));
            }
            let end = scan.feed(chunk);
            let taken = end.unwrap_or(chunk.len());
            buf.extend_from_slice(&chunk[..taken]);
            self.line += count_lines(&chunk[..taken]);
            self.reader.consume(taken);
            self.offset += taken as u64;
            if end.is_some() {
                return Ok(());
            }
        }
    }
}

fn count_lines(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u32
}

/// Finds where a JSON object ends across chunks.
#[derive(Default)]
struct ObjectScan {
    depth: usize,
    in_string: bool,
    escape: bool,
}

impl ObjectScan {
    /// Bytes of `chunk` up to and including the object's last one, once it ends.
    fn feed(&mut self, chunk: &[u8]) -> Option<usize> {
        for (i, &b) in chunk.iter().enumerate() {
            if self.in_string {
                if self.escape {
                    self.escape = false;
                } else if b == b'\\' {
                    self.escape = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// CSV with a header row naming at least the key columns; every cell is text.
struct CsvReader {
    reader: csv::Reader<File>,
    headers: Vec<String>,
    row: csv::StringRecord,
    last_line: u32,
    /// A file not ending in a newline may have been cut inside its last cell.
    unterminated: bool,
}

impl CsvReader {
    fn new(mut file: File, name: &str) -> Result<CsvReader, String> {
        let fail = |e: io::Error| format!("{name}: cannot read: {e}");
        let unterminated = !ends_with_newline(&mut file).map_err(fail)?;
        file.seek(SeekFrom::Start(0)).map_err(fail)?;
        let mut reader = csv::Reader::from_reader(file);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| format!("{name}:1: not NDJSON, a JSON array or CSV: {e}"))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_owned())
            .collect();
        let has = |key: &str| headers.iter().any(|h| h == key);
        let identifiers: Vec<&str> = kinds::ALL
            .iter()
            .map(|k| k.diff_keys().identifier)
            .collect();
        let identifiers = identifiers.join(" or ");
        for key in ["account_id", "region"] {
            if !has(key) {
                return Err(format!(
                    "{name}:1: not an rds-inventory output (NDJSON, a JSON array, or CSV with \
                     columns account_id, region, {identifiers}): no {key} column"
                ));
            }
        }
        if kind_of_record(has).is_none() {
            return Err(format!(
                "{name}:1: not an rds-inventory output (NDJSON, a JSON array, or CSV with \
                 columns account_id, region, {identifiers}): no {identifiers} column"
            ));
        }
        Ok(CsvReader {
            reader,
            headers,
            row: csv::StringRecord::new(),
            last_line: 1,
            unterminated,
        })
    }

    fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<Loc>, Located> {
        let more = self.reader.read_record(&mut self.row).map_err(|e| {
            let line = e.position().map_or(self.last_line, |p| p.line() as u32);
            (line, format!("not CSV: {e}"))
        })?;
        if !more {
            if self.unterminated {
                return Err((
                    self.last_line,
                    "truncated last line (no newline at the end)".into(),
                ));
            }
            return Ok(None);
        }
        let (offset, line) = self
            .row
            .position()
            .map_or((0, 0), |p| (p.byte(), p.line() as u32));
        self.last_line = line;
        let len = self.reader.position().byte() - offset;
        let len = u32::try_from(len).map_err(|_| too_long(line))?;
        csv_to_json(&self.headers, &self.row, buf);
        Ok(Some(Loc { offset, len, line }))
    }

    fn row_to_json(&self, bytes: &[u8], buf: &mut Vec<u8>) -> Result<(), String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes);
        let mut row = csv::StringRecord::new();
        match reader.read_record(&mut row) {
            Ok(true) => {
                csv_to_json(&self.headers, &row, buf);
                Ok(())
            }
            Ok(false) => Err("the record is gone (was the file changed meanwhile?)".into()),
            Err(e) => Err(format!("not CSV: {e}")),
        }
    }
}

fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(true);
    }
    let mut last = [0u8; 1];
    read_exact_at(file, &mut last, len - 1)?;
    Ok(last[0] == b'\n')
}

/// A CSV row as a JSON object of strings, so CSV takes the same path as JSON.
fn csv_to_json(headers: &[String], row: &csv::StringRecord, buf: &mut Vec<u8>) {
    buf.clear();
    buf.push(b'{');
    for (i, (name, cell)) in headers.iter().zip(row.iter()).enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        // Strings serialize into memory without error.
        let _ = serde_json::to_writer(&mut *buf, name);
        buf.push(b':');
        let _ = serde_json::to_writer(&mut *buf, cell);
    }
    buf.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(content: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(content).expect("write");
        f
    }

    /// Every record as (line, text), and each read again by offset.
    fn records(content: &[u8]) -> Result<Vec<(u32, String)>, String> {
        let f = file(content);
        let mut input = Input::open(f.path())?;
        let (mut buf, mut again) = (Vec::new(), Vec::new());
        let mut out = Vec::new();
        while let Some(loc) = input.next(&mut buf)? {
            input.read_at(loc, &mut again)?;
            assert_eq!(buf, again, "read again at {loc:?}");
            out.push((loc.line, String::from_utf8(buf.clone()).expect("utf-8")));
        }
        Ok(out)
    }

    #[test]
    fn ndjson_lines_with_blank_lines_and_crlf() {
        let got = records(b"{\"a\":1}\n\n{\"b\":2}\r\n").expect("records");
        assert_eq!(
            got,
            vec![(1, "{\"a\":1}".into()), (3, "{\"b\":2}\r".into())]
        );
    }

    #[test]
    fn json_array_elements_with_offsets_and_lines() {
        let got = records(b"[\n{\"a\":\"]}\"},\n  {\"b\":{\"c\":[1]}}\n]\n").expect("records");
        assert_eq!(
            got,
            vec![
                (2, "{\"a\":\"]}\"}".into()),
                (3, "{\"b\":{\"c\":[1]}}".into())
            ]
        );
    }

    #[test]
    fn empty_file_and_empty_array_have_no_records() {
        assert_eq!(records(b"").expect("empty"), vec![]);
        assert_eq!(records(b" \n").expect("blank"), vec![]);
        assert_eq!(records(b"[]\n").expect("[]"), vec![]);
        assert_eq!(records(b"[\n]").expect("[ ]"), vec![]);
    }

    #[test]
    fn truncated_json_array_is_an_error() {
        for text in [&b"[{\"a\":1},"[..], b"[{\"a\":1}", b"[{\"a\":"] {
            let error = records(text).expect_err("truncated");
            assert!(error.contains("truncated"), "{error}");
        }
        let error = records(b"[{\"a\":1}] x").expect_err("trailing text");
        assert!(error.contains(":1: text after"), "{error}");
        let error = records(b"[1]").expect_err("not an object");
        assert!(error.contains("not a JSON object"), "{error}");
    }

    #[test]
    fn csv_rows_become_json_objects_of_strings() {
        let text = b"account_id,region,db_instance_identifier,tags\n1,r,\"a\nb\",\"{\"\"k\"\":\"\"v\"\"}\"\n1,r,c,\n";
        let got = records(text).expect("records");
        assert_eq!(got[0].0, 2);
        assert_eq!(
            got[0].1,
            r#"{"account_id":"1","region":"r","db_instance_identifier":"a\nb","tags":"{\"k\":\"v\"}"}"#
        );
        assert_eq!(got[1].0, 4);
    }

    #[test]
    fn csv_without_key_columns_or_final_newline_is_refused() {
        let error = records(b"name,x\n1,2\n").expect_err("no key columns");
        assert!(error.contains("no account_id column"), "{error}");
        let error = records(b"account_id,region,db_instance_identifier\n1,r,ab").expect_err("cut");
        assert!(error.contains(":2: truncated last line"), "{error}");
    }
}
