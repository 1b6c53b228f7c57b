//! CSV and TSV: sampled from the head of the file, read from disk when the plan runs (or from the
//! decoded text of a GBK file), with plain numbers and ISO dates parsed by the reader itself.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;
use polars_io::prelude::{CsvReadOptions, SerReader};

use super::blocks::{Keep, Records};
use super::deferred::{Wanted, deferred};
use super::{BrokenLine, Reader, SAMPLE_ROWS, encoding};
use crate::ruleset::model::Source;

/// The bytes read from the start of a file for its sample.
const HEAD_BYTES: usize = 256 * 1024;

struct Csv {
    path: PathBuf,
    separator: u8,
    header_row: u32,
    /// The text as UTF-8, for a file that is not UTF-8 on disk.
    decoded: Option<Arc<[u8]>>,
}

pub fn open_comma_separated(path: &Path, source: &Source) -> Result<Box<dyn Reader>, String> {
    open(path, source, b',')
}

pub fn open_tab_separated(path: &Path, source: &Source) -> Result<Box<dyn Reader>, String> {
    open(path, source, b'\t')
}

fn open(path: &Path, source: &Source, separator: u8) -> Result<Box<dyn Reader>, String> {
    let decoded = encoding::decoded(path, source.encoding)?;
    let mut csv = Csv { path: path.to_path_buf(), separator, header_row: source.header_row, decoded };
    // Excel's "Unicode text" and other `.txt` exports separate by tabs, and Excel in a European
    // locale by semicolons: a header line with them and no comma says so.
    let head = csv.head().map_err(|e| e.to_string())?;
    let header_line = head.split(|b| *b == b'\n').nth(csv.rows_above_headers()).unwrap_or_default();
    if separator == b','
        && !header_line.contains(&b',')
        && let Some(other) = [b'\t', b';'].into_iter().find(|s| header_line.contains(s))
    {
        csv.separator = other;
    }
    Ok(Box::new(csv))
}

impl Csv {
    /// The start of the file, up to a line break: enough for the sample rows, without reading
    /// (or counting the lines of) the whole file.
    fn head(&self) -> std::io::Result<Vec<u8>> {
        let mut head = match &self.decoded {
            Some(bytes) => bytes[..bytes.len().min(HEAD_BYTES)].to_vec(),
            None => {
                let mut head = Vec::with_capacity(HEAD_BYTES);
                std::fs::File::open(&self.path)?.take(HEAD_BYTES as u64).read_to_end(&mut head)?;
                head
            }
        };
        if head.len() == HEAD_BYTES {
            let end = head.iter().rposition(|b| *b == b'\n').map_or(head.len(), |at| at + 1);
            head.truncate(end);
        }
        Ok(head)
    }

    fn rows_above_headers(&self) -> usize {
        self.header_row as usize - 1
    }

    /// The schema a scan reads, and the reader's options for it. Every column it reads is
    /// named; one it does not name stays text, never a guess that a later row breaks (`64'` in
    /// a column of numbers nothing uses).
    fn options(&self, dtypes: &[(String, DataType)]) -> Result<(Schema, CsvReadOptions), String> {
        let mut schema = self.sample()?.schema().as_ref().clone();
        for (name, dtype) in dtypes {
            schema.with_column(name.as_str().into(), dtype.clone());
        }
        let separator = self.separator;
        let options = CsvReadOptions::default()
            .with_has_header(true)
            .with_schema(Some(Arc::new(schema.clone())))
            .map_parse_options(move |options| options.with_separator(separator).with_missing_is_null(true));
        Ok((schema, options))
    }
}

impl Reader for Csv {
    fn sample(&self) -> Result<DataFrame, String> {
        let head = self.head().map_err(|e| e.to_string())?;
        let separator = self.separator;
        CsvReadOptions::default()
            .with_has_header(true)
            .with_skip_rows(self.rows_above_headers())
            .with_n_rows(Some(SAMPLE_ROWS))
            .with_infer_schema_length(Some(0))
            .map_parse_options(move |options| options.with_separator(separator).with_missing_is_null(true))
            .into_reader_with_file_handle(Cursor::new(head))
            .finish()
            .map_err(|e| e.to_string())
    }

    fn scan(&self, dtypes: &[(String, DataType)]) -> Result<LazyFrame, String> {
        let (schema, options) = self.options(dtypes)?;
        let options = options.with_skip_rows(self.rows_above_headers());
        let (path, decoded) = (self.path.clone(), self.decoded.clone());
        deferred(schema, move |wanted: Wanted| {
            let options = options.clone().with_columns(wanted.columns).with_n_rows(wanted.rows);
            let read = match &decoded {
                Some(bytes) => options.into_reader_with_file_handle(Cursor::new(bytes.clone())).finish(),
                // Opened here, not by path: the reader would read a leading `~` as the home folder.
                None => options.into_reader_with_file_handle(File::open(&path).map_err(|e| e.to_string())?).finish(),
            };
            read.map_err(|e| e.to_string())
        })
    }

    /// The file a block of records at a time: each parsed under the header line.
    fn scan_kept(&self, dtypes: &[(String, DataType)], keep: Keep) -> Result<LazyFrame, String> {
        let (schema, options) = self.options(dtypes)?;
        let (path, decoded, above) = (self.path.clone(), self.decoded.clone(), self.rows_above_headers());
        let read_as = format!("{}\u{0}{schema:?}", path.display());
        deferred(schema, move |wanted: Wanted| {
            let columns = keep.columns_for(&wanted.columns);
            let options = options.clone().with_columns(columns.clone());
            keep.read(format!("{read_as}\u{0}{columns:?}"), &wanted, || {
                let input: Box<dyn Read> = match &decoded {
                    Some(bytes) => Box::new(Cursor::new(bytes.clone())),
                    None => Box::new(File::open(&path).map_err(|e| e.to_string())?),
                };
                let mut records = Records::new(input);
                records.take_records(above).map_err(|e| e.to_string())?;
                let header = records.take_records(1).map_err(|e| e.to_string())?;
                let parse = move |text: Vec<u8>| {
                    options.clone().into_reader_with_file_handle(Cursor::new(text)).finish().map_err(|e| e.to_string())
                };
                let first = parse(header.clone());
                let rest = std::iter::from_fn(move || match records.next_block() {
                    Ok(block) => block.map(|block| parse([header.as_slice(), &block].concat())),
                    Err(error) => Some(Err(error.to_string())),
                });
                Ok(std::iter::once(first).chain(rest))
            })
        })
    }

    fn parses_text(&self) -> bool {
        true
    }

    fn separator(&self) -> Option<u8> {
        Some(self.separator)
    }

    fn data_line(&self, index: usize) -> usize {
        self.header_row as usize + 1 + index
    }

    fn broken_line(&self) -> Option<(usize, BrokenLine)> {
        let text = match &self.decoded {
            Some(bytes) => bytes.to_vec(),
            None => std::fs::read(&self.path).ok()?,
        };
        first_broken_line(&text, self.separator, self.rows_above_headers())
    }
}

/// The first record after the header line with more fields than it, or whose quote is never
/// closed, and the line it starts on: separators inside quotes do not count, and a quoted value
/// may span lines. Only read once a read has failed.
fn first_broken_line(text: &[u8], separator: u8, lines_above_headers: usize) -> Option<(usize, BrokenLine)> {
    let mut line = 1;
    let mut at = 0;
    for _ in 0..lines_above_headers {
        at += text[at..].iter().position(|b| *b == b'\n')? + 1;
        line += 1;
    }
    let mut headers = None;
    let (mut fields, mut quoted, mut record_line, mut empty) = (1, false, line, true);
    let too_many = |fields: usize, headers: Option<usize>, empty: bool| match headers {
        Some(headers) if fields > headers && !empty => Some(BrokenLine::TooManyFields { fields, headers }),
        _ => None,
    };
    for byte in &text[at..] {
        match *byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if let Some(broken) = too_many(fields, headers, empty) {
                    return Some((record_line, broken));
                }
                headers = headers.or(Some(fields));
                (fields, empty) = (1, true);
                line += 1;
                record_line = line;
                continue;
            }
            b'\n' => line += 1,
            b'\r' => {}
            byte if byte == separator && !quoted => fields += 1,
            _ => {}
        }
        empty = false;
    }
    if quoted {
        return Some((record_line, BrokenLine::UnclosedQuote));
    }
    too_many(fields, headers, empty).map(|broken| (record_line, broken))
}

#[cfg(test)]
mod tests {
    use super::{BrokenLine, first_broken_line};

    #[test]
    fn the_first_line_with_more_fields_than_headers_is_found_past_quoted_separators() {
        let text = b"title\nday,account,reads\n2026-01-01,\"A,B\",1\n2026-01-02,A,\"x\ny\"\n2026-01-03,A,3,4\n";
        let too_many = |fields, headers| BrokenLine::TooManyFields { fields, headers };
        assert_eq!(first_broken_line(text, b',', 1), Some((6, too_many(4, 3))));
        assert_eq!(first_broken_line(b"a,b\n1,2\n3\n", b',', 0), None);
        assert_eq!(first_broken_line(b"a,b\n1,2\n3,4,5", b',', 0), Some((3, too_many(3, 2))));
    }

    #[test]
    fn a_quote_never_closed_is_found_at_the_line_it_opens() {
        let text = b"a,b\n1,2\n3,\"4\n5,6\n";
        assert_eq!(first_broken_line(text, b',', 0), Some((3, BrokenLine::UnclosedQuote)));
    }
}
