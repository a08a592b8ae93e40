//! Reading one CSV file of a feed row by row, with fields that can be parsed with error
//! positions. Rows are streamed: a table holds its header and one record at a time, so a feed
//! of millions of links is never held as text (it was: 1.1 GB of CSV became 4 GB of `String`s).

use crate::report::Report;
use silkroute_model::{Source, Sources};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::str::FromStr;

/// One CSV file being read: its header, and the rows still to come.
pub(crate) struct Table<'r> {
    pub file: String,
    columns: HashMap<String, usize>,
    width: usize,
    reader: csv::Reader<LineCounter<Box<dyn Read + 'r>>>,
    record: csv::StringRecord,
    /// The sources this file cited so far, each kept once.
    sources: RefCell<Sources>,
}

impl<'r> Table<'r> {
    /// Reads the header of the CSV file `file` from `source`. Structural problems (empty file,
    /// bad UTF-8, missing required columns) go to `report`. Returns `None` when nothing usable
    /// is left (no header).
    pub fn open(
        file: &str,
        source: impl Read + 'r,
        required: &[&str],
        known: &[&str],
        report: &mut Report,
    ) -> Option<Table<'r>> {
        let source: Box<dyn Read + 'r> = Box::new(source);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineCounter::new(source));
        let mut header = csv::ByteRecord::new();
        // Empty lines before the header and a byte-order mark are skipped by the reader.
        match reader.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                report.error(file, None, None, "file is empty (expected a header row)");
                return None;
            }
            Err(e) => {
                report.error(file, Some(1), None, format!("cannot read the header: {e}"));
                return None;
            }
        }
        if header.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            let line = header
                .position()
                .map(|p| reader.get_mut().line_at(p.byte()));
            report.error(file, line, None, "the header row is blank");
            return None;
        }
        let mut columns = HashMap::new();
        for (i, raw) in header.iter().enumerate() {
            let Ok(name) = std::str::from_utf8(raw) else {
                report.error(
                    file,
                    Some(1),
                    None,
                    format!("column {} of the header is not valid UTF-8", i + 1),
                );
                continue;
            };
            let name = name.trim().to_string();
            if !known.contains(&name.as_str()) {
                report.warning(file, Some(1), Some(&name), "unknown column, ignored");
            }
            if columns.insert(name.clone(), i).is_some() {
                report.error(
                    file,
                    Some(1),
                    Some(&name),
                    "column appears twice in the header",
                );
            }
        }
        let mut missing = false;
        for col in required {
            if !columns.contains_key(*col) {
                report.error(
                    file,
                    Some(1),
                    Some(col),
                    "required column is missing from the header",
                );
                missing = true;
            }
        }
        if missing {
            return None;
        }
        Some(Table {
            file: file.to_string(),
            columns,
            width: header.len(),
            reader,
            record: csv::StringRecord::new(),
            sources: RefCell::default(),
        })
    }

    /// The next row that can be read, as a [`Row`] that reports its parse errors into
    /// `report`; rows that cannot be read (truncated, overlong, bad UTF-8) are reported and
    /// skipped, blank lines skipped. `None` at the end of the file.
    pub fn next_row(&mut self, report: &mut Report) -> Option<Row<'_>> {
        let mut bytes = std::mem::take(&mut self.record).into_byte_record();
        let line = loop {
            match self.reader.read_byte_record(&mut bytes) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map(|p| self.line_at(p.byte()));
                    report.error(&self.file, line, None, format!("cannot read row: {e}"));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        return None;
                    }
                    continue;
                }
            }
            let line = bytes
                .position()
                .map(|p| self.line_at(p.byte()))
                .unwrap_or(0);
            if bytes.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue; // blank line
            }
            if bytes.len() != self.width {
                report.error(
                    &self.file,
                    Some(line),
                    None,
                    format!(
                        "row has {} field(s) but the header has {}: truncated or extra fields",
                        bytes.len(),
                        self.width
                    ),
                );
                continue;
            }
            match csv::StringRecord::from_byte_record(bytes) {
                Ok(record) => {
                    self.record = record;
                    break line;
                }
                Err(e) => {
                    bytes = e.into_byte_record();
                    for (i, raw) in bytes.iter().enumerate() {
                        if std::str::from_utf8(raw).is_err() {
                            let name = self
                                .columns
                                .iter()
                                .find(|&(_, &c)| c == i)
                                .map(|(n, _)| n.as_str())
                                .unwrap_or("?");
                            report.error(
                                &self.file,
                                Some(line),
                                Some(name),
                                "field is not valid UTF-8",
                            );
                        }
                    }
                }
            }
        };
        Some(Row {
            file: &self.file,
            columns: &self.columns,
            line,
            fields: &self.record,
            sources: &self.sources,
        })
    }

    fn line_at(&mut self, offset: u64) -> u64 {
        self.reader.get_mut().line_at(offset)
    }
}

/// One row of a table.
pub(crate) struct Row<'t> {
    file: &'t str,
    columns: &'t HashMap<String, usize>,
    pub line: u64,
    fields: &'t csv::StringRecord,
    sources: &'t RefCell<Sources>,
}

impl<'t> Row<'t> {
    /// The file this row is in.
    pub fn file(&self) -> &'t str {
        self.file
    }

    /// The raw text of a column; empty when the column is absent.
    pub fn text(&self, col: &str) -> &'t str {
        self.columns
            .get(col)
            .and_then(|&i| self.fields.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn err(&self, report: &mut Report, col: &str, msg: String) {
        report.error(self.file, Some(self.line), Some(col), msg);
    }

    /// A required non-empty text field.
    pub fn required(&self, col: &str, report: &mut Report) -> Option<String> {
        self.nonempty(col, report).map(str::to_string)
    }

    /// The text of a required column, reported when empty.
    fn nonempty(&self, col: &str, report: &mut Report) -> Option<&'t str> {
        let t = self.text(col);
        if t.is_empty() {
            self.err(report, col, "required value is empty".into());
            None
        } else {
            Some(t)
        }
    }

    /// The required `source` column, shared with the rows before that cite the same source.
    pub fn source(&self, report: &mut Report) -> Option<Source> {
        let text = self.nonempty("source", report)?;
        Some(self.sources.borrow_mut().intern(text))
    }

    /// An optional text field (`None` when empty).
    pub fn optional(&self, col: &str) -> Option<String> {
        let t = self.text(col);
        (!t.is_empty()).then(|| t.to_string())
    }

    /// A required id slug.
    pub fn slug(&self, col: &str, report: &mut Report) -> Option<String> {
        let id = self.required(col, report)?;
        if is_slug(&id) {
            Some(id)
        } else {
            self.err(
                report,
                col,
                format!(
                    "`{id}` is not a valid id (use lowercase letters, digits and `-`, e.g. `xian`)"
                ),
            );
            None
        }
    }

    /// A required value parsed with `FromStr` whose error is a message.
    pub fn parsed<T: FromStr<Err = String>>(&self, col: &str, report: &mut Report) -> Option<T> {
        let t = self.required(col, report)?;
        t.parse().map_err(|e| self.err(report, col, e)).ok()
    }

    /// An optional value parsed with `FromStr`; `Ok(None)` when empty, `Err(())` when invalid.
    pub fn parsed_opt<T: FromStr<Err = String>>(
        &self,
        col: &str,
        report: &mut Report,
    ) -> Result<Option<T>, ()> {
        let t = self.text(col);
        if t.is_empty() {
            return Ok(None);
        }
        t.parse().map(Some).map_err(|e| self.err(report, col, e))
    }

    /// An optional value parsed by `parse`; `Ok(None)` when empty, `Err(())` when invalid.
    pub fn parsed_opt_with<T>(
        &self,
        col: &str,
        report: &mut Report,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ()> {
        let t = self.text(col);
        if t.is_empty() {
            return Ok(None);
        }
        parse(t).map(Some).map_err(|e| self.err(report, col, e))
    }

    /// A required number within `[min, max]`.
    pub fn number(&self, col: &str, min: f64, max: f64, report: &mut Report) -> Option<f64> {
        let t = self.required(col, report)?;
        self.check_number(col, &t, min, max, report)
    }

    /// An optional number within `[min, max]`; `Ok(None)` when empty, `Err(())` when invalid.
    pub fn number_opt(
        &self,
        col: &str,
        min: f64,
        max: f64,
        report: &mut Report,
    ) -> Result<Option<f64>, ()> {
        let t = self.text(col);
        if t.is_empty() {
            return Ok(None);
        }
        self.check_number(col, t, min, max, report)
            .map(Some)
            .ok_or(())
    }

    fn check_number(
        &self,
        col: &str,
        t: &str,
        min: f64,
        max: f64,
        report: &mut Report,
    ) -> Option<f64> {
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= min && v <= max => Some(v),
            Ok(v) if v.is_finite() => {
                self.err(
                    report,
                    col,
                    format!("{v} is out of range (expected {min} to {max})"),
                );
                None
            }
            _ => {
                self.err(report, col, format!("`{t}` is not a number"));
                None
            }
        }
    }

    /// A required `yes`/`no`.
    pub fn yes_no(&self, col: &str, report: &mut Report) -> Option<bool> {
        let t = self.required(col, report)?;
        self.check_yes_no(col, &t, report)
    }

    /// An optional `yes`/`no`.
    pub fn yes_no_opt(&self, col: &str, report: &mut Report) -> Result<Option<bool>, ()> {
        let t = self.text(col);
        if t.is_empty() {
            return Ok(None);
        }
        self.check_yes_no(col, t, report).map(Some).ok_or(())
    }

    fn check_yes_no(&self, col: &str, t: &str, report: &mut Report) -> Option<bool> {
        match t.to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => Some(true),
            "no" | "false" | "0" => Some(false),
            _ => {
                self.err(report, col, format!("`{t}` is not yes or no"));
                None
            }
        }
    }
}

/// A reader that notes where its newlines are, for the 1-based line of a record starting at a
/// byte offset. Counted from the bytes rather than taken from the CSV reader, whose line
/// numbers lag by one in files with CRLF line ends (the record then starts at the LF of the
/// previous CRLF). Offsets are asked in order and the CSV reader reads ahead by one buffer, so
/// only the newlines of that buffer are kept.
struct LineCounter<R> {
    inner: R,
    /// Bytes read so far.
    read: u64,
    /// Newlines before the last offset asked for.
    newlines: u64,
    /// Offsets of the newlines read but not yet passed.
    ahead: VecDeque<u64>,
}

impl<R: Read> LineCounter<R> {
    fn new(inner: R) -> LineCounter<R> {
        LineCounter {
            inner,
            read: 0,
            newlines: 0,
            ahead: VecDeque::new(),
        }
    }

    /// The 1-based line of the record starting at `offset`.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.ahead.front().is_some_and(|&n| n < offset) {
            self.ahead.pop_front();
            self.newlines += 1;
        }
        let mut line = self.newlines + 1;
        if self.ahead.front() == Some(&offset) {
            line += 1;
        }
        line
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' {
                self.ahead.push_back(self.read + i as u64);
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// True for a valid id: lowercase ASCII letters, digits and `-`, starting with a letter or digit.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
