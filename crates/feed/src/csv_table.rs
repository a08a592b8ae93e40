//! Reading one CSV file of a feed into rows whose fields can be parsed with error positions.

use crate::report::Report;
use std::collections::HashMap;
use std::str::FromStr;

/// One CSV file, split into a header and rows of text fields.
pub(crate) struct Table {
    pub file: String,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    /// Parses `bytes` as the CSV file `file`. Structural problems (empty file, bad UTF-8,
    /// truncated or overlong rows, missing required columns) go to `report`; rows that cannot
    /// be read are skipped. Returns `None` when nothing usable is left (no header).
    pub fn parse(
        file: &str,
        bytes: &[u8],
        required: &[&str],
        known: &[&str],
        report: &mut Report,
    ) -> Option<Table> {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            report.error(file, None, None, "file is empty (expected a header row)");
            return None;
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut records = reader.byte_records();
        let header = match records.next() {
            Some(Ok(h)) => h,
            Some(Err(e)) => {
                report.error(file, Some(1), None, format!("cannot read the header: {e}"));
                return None;
            }
            None => {
                report.error(file, None, None, "file is empty (expected a header row)");
                return None;
            }
        };
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
        let width = header.len();
        let mut rows = Vec::new();
        let mut lines = LineCounter::new(bytes);
        for rec in records {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| lines.line_at(p.byte()));
                    report.error(file, line, None, format!("cannot read row: {e}"));
                    continue;
                }
            };
            let line = rec.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
            if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue; // blank line
            }
            if rec.len() != width {
                report.error(
                    file,
                    Some(line),
                    None,
                    format!(
                        "row has {} field(s) but the header has {width}: truncated or extra fields",
                        rec.len()
                    ),
                );
                continue;
            }
            let mut fields = Vec::with_capacity(width);
            let mut ok = true;
            for (i, raw) in rec.iter().enumerate() {
                match std::str::from_utf8(raw) {
                    Ok(s) => fields.push(s.trim().to_string()),
                    Err(_) => {
                        let name = header
                            .get(i)
                            .and_then(|h| std::str::from_utf8(h).ok())
                            .unwrap_or("?");
                        report.error(file, Some(line), Some(name), "field is not valid UTF-8");
                        ok = false;
                    }
                }
            }
            if ok {
                rows.push((line, fields));
            }
        }
        Some(Table {
            file: file.to_string(),
            columns,
            rows,
        })
    }

    /// The rows, each as a [`Row`] that reports its parse errors into `report`.
    pub fn rows<'t>(&'t self) -> impl Iterator<Item = Row<'t>> + 't {
        self.rows.iter().map(move |(line, fields)| Row {
            table: self,
            line: *line,
            fields,
        })
    }
}

/// One row of a table.
pub(crate) struct Row<'t> {
    table: &'t Table,
    pub line: u64,
    fields: &'t [String],
}

impl<'t> Row<'t> {
    /// The file this row is in.
    pub fn file(&self) -> &str {
        &self.table.file
    }

    /// The raw text of a column; empty when the column is absent.
    pub fn text(&self, col: &str) -> &'t str {
        self.table
            .columns
            .get(col)
            .and_then(|&i| self.fields.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    fn err(&self, report: &mut Report, col: &str, msg: String) {
        report.error(&self.table.file, Some(self.line), Some(col), msg);
    }

    /// A required non-empty text field.
    pub fn required(&self, col: &str, report: &mut Report) -> Option<String> {
        let t = self.text(col);
        if t.is_empty() {
            self.err(report, col, "required value is empty".into());
            None
        } else {
            Some(t.to_string())
        }
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

/// The 1-based line of the record starting at byte `offset`. Counted from the bytes rather than
/// taken from the CSV reader, whose line numbers lag by one in files with CRLF line ends (the
/// record then starts at the LF of the previous CRLF).
/// Line numbers from byte offsets, counting newlines incrementally (offsets come in order, so
/// reading a file stays linear).
struct LineCounter<'b> {
    bytes: &'b [u8],
    offset: usize,
    newlines: u64,
}

impl<'b> LineCounter<'b> {
    fn new(bytes: &'b [u8]) -> LineCounter<'b> {
        LineCounter {
            bytes,
            offset: 0,
            newlines: 0,
        }
    }

    /// The 1-based line of the record starting at `offset`.
    fn line_at(&mut self, offset: u64) -> u64 {
        let offset = (offset as usize).min(self.bytes.len());
        if offset < self.offset {
            self.offset = 0;
            self.newlines = 0;
        }
        self.newlines += self.bytes[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = offset;
        let mut line = self.newlines + 1;
        if self.bytes.get(offset) == Some(&b'\n') {
            line += 1;
        }
        line
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
