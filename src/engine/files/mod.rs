//! The data files of a source: finding them, and one reader per file format behind
//! [`Reader`]. A format is a module here and a row of [`FORMATS`].

mod blocks;
mod csv;
mod deferred;
mod encoding;
mod find;
pub use find::MAX_ENTRIES;
mod html;
mod isolated;
mod ndjson;
mod parquet;
mod spill;
mod text_table;
mod workbook;

use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use blocks::Keep;
pub use spill::Spills;

use crate::error::{Error, ErrorKind};
use crate::ruleset::model::{Source, SourceFormat};

/// Rows read to learn a file's headers, date format and number style.
pub const SAMPLE_ROWS: usize = 200;

/// One file format: how its first rows are sampled and how the whole file is scanned. Errors
/// are messages; [`DataFile`] says which file they are about.
pub trait Reader: Send + Sync {
    /// The first [`SAMPLE_ROWS`] rows: as text where the file is text, in the format's own
    /// types otherwise.
    fn sample(&self) -> Result<DataFrame, String>;

    /// A lazy scan of the whole file, of the columns `dtypes` names (every column the scan
    /// reads is named). Readers that parse text themselves read them as those types; the
    /// others give them as [`Reader::sample`] does.
    fn scan(&self, dtypes: &[(String, DataType)]) -> Result<LazyFrame, String>;

    /// As [`Reader::scan`], of the rows `keep` holds for. Formats that hold large files read
    /// them a block at a time and filter each block as it is read; the others read the file
    /// whole first.
    fn scan_kept(&self, dtypes: &[(String, DataType)], keep: Keep) -> Result<LazyFrame, String> {
        Ok(self.scan(dtypes)?.filter(keep.holds()))
    }

    /// Whether the reader parses plain numbers and ISO dates out of text itself, which is
    /// faster than cleaning the text afterwards.
    fn parses_text(&self) -> bool {
        false
    }

    /// The character between a text file's values (`,`, `;`, tab); none for other formats.
    fn separator(&self) -> Option<u8> {
        None
    }

    /// The line of the file (or the row of the sheet) that holds data row `index` (0-based).
    fn data_line(&self, index: usize) -> usize;

    /// The first line the format cannot read, and what is wrong with it, where the format has
    /// lines: why a read that failed failed.
    fn broken_line(&self) -> Option<(usize, BrokenLine)> {
        None
    }
}

type Open = fn(&Path, &Source) -> Result<Box<dyn Reader>, String>;

/// The formats: what `format:` calls them, the extensions they are recognised by, and how a
/// file of theirs is opened.
const FORMATS: [(SourceFormat, &[&str], Open); 6] = [
    (SourceFormat::Csv, &["csv", "txt"], csv::open_comma_separated),
    (SourceFormat::Tsv, &["tsv", "tab"], csv::open_tab_separated),
    (SourceFormat::Parquet, &["parquet", "pq"], parquet::open),
    (SourceFormat::Xlsx, &["xlsx", "xlsm", "xls", "xlsb", "ods"], workbook::open),
    (SourceFormat::Ndjson, &["ndjson", "jsonl"], ndjson::open),
    (SourceFormat::Html, &["html", "htm"], html::open),
];

/// One data file, ready to sample and scan.
pub struct DataFile {
    pub path: PathBuf,
    reader: Box<dyn Reader>,
    /// The source (or the part of it) the file is read as: its date, entity and headers.
    source: Source,
}

/// The files a source's `path` matches, in name order, each once.
pub fn find(source: &Source, base: &Path) -> Result<Vec<PathBuf>, Error> {
    find::find(&source.path, base)
}

/// The files of every part of a source (the source itself when it has no parts), each with the
/// part it is read as; a file two parts match is read by the first. No file at all is the
/// first part's error.
pub fn find_parts(source: &Source, base: &Path) -> Result<Vec<(PathBuf, Source)>, Error> {
    let mut found: Vec<(PathBuf, Source)> = Vec::new();
    let mut first_error = None;
    for part in source.parts() {
        match find(&part, base) {
            Ok(paths) => {
                for path in paths {
                    if !found.iter().any(|(seen, _)| *seen == path) {
                        found.push((path, part.clone()));
                    }
                }
            }
            Err(error) if matches!(error.kind(), ErrorKind::NoFiles { .. }) => {
                first_error.get_or_insert(error);
            }
            Err(error) => return Err(error),
        }
    }
    match (found.is_empty(), first_error) {
        (true, Some(error)) => Err(error),
        _ => Ok(found),
    }
}

/// The entity a file's path gives, where the source's `path` has `{entity}`.
pub fn entity_in_path(source: &Source, base: &Path, file: &Path) -> Option<String> {
    find::entity_in_path(&source.path, base, file)
}

/// Every entity a file's path could give, shortest (the one it gives) first.
pub fn entity_candidates(source: &Source, base: &Path, file: &Path) -> Vec<String> {
    find::entity_candidates(&source.path, base, file)
}

impl DataFile {
    pub fn open(path: PathBuf, source: &Source) -> Result<DataFile, Error> {
        let open = opener(&path, source.format)?;
        let reader = contained(|| open(&path, source)).map_err(|message| unreadable(&path, message))?;
        Ok(DataFile { path, reader, source: source.clone() })
    }

    /// The source, or its part, this file is read as.
    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    pub fn data_line(&self, index: usize) -> usize {
        self.reader.data_line(index)
    }

    pub fn parses_text(&self) -> bool {
        self.reader.parses_text()
    }

    /// The character between the values of a text file; none for other formats.
    pub fn separator(&self) -> Option<u8> {
        self.reader.separator()
    }

    /// The first rows: text as text, typed formats with their own types.
    pub fn sample(&self) -> Result<DataFrame, Error> {
        contained(|| self.reader.sample())
            .map_err(|message| self.broken_line().unwrap_or_else(|| unreadable(&self.path, message)))
    }

    /// The error for the first line the file's format cannot read, if it has one.
    pub fn broken_line(&self) -> Option<Error> {
        let (line, broken) = self.reader.broken_line()?;
        let (problem, help) = match broken {
            BrokenLine::TooManyFields { fields, headers } => (
                format!("has {fields} fields, more than the {headers} headers"),
                "a value with a comma in it needs quotes around it (`\"1,234\"`): check that line of the export, or save the file again from Excel",
            ),
            BrokenLine::UnclosedQuote => (
                "opens a quote (`\"`) that is never closed".to_string(),
                "a quote inside a value is written twice (`\"\"`): check that line of the export, or save the file again from Excel",
            ),
        };
        Some(Error::new(ErrorKind::BrokenLine { file: self.display(), line, problem }).help(help))
    }

    /// The column headers, as written.
    pub fn headers(&self) -> Result<Vec<String>, Error> {
        Ok(self.sample()?.get_column_names().into_iter().map(|n| n.to_string()).collect())
    }

    /// A lazy scan, with the columns of `dtypes` read as those types where the reader parses
    /// text; of the rows `keep` holds for, where it is given.
    pub fn scan(&self, dtypes: &[(String, DataType)], keep: Option<Keep>) -> Result<LazyFrame, Error> {
        let scan = || match keep {
            Some(keep) => self.reader.scan_kept(dtypes, keep),
            None => self.reader.scan(dtypes),
        };
        contained(scan).map_err(|message| unreadable(&self.path, message))
    }
}

/// A reader's work, with a panic inside it (a dependency meeting bytes it did not expect) as
/// the reader's message.
fn contained<T>(work: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    crate::contain::contain(work).unwrap_or_else(|panic| Err(format!("the reader stopped on it: {panic}")))
}

/// What makes a line of a text file unreadable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrokenLine {
    TooManyFields { fields: usize, headers: usize },
    UnclosedQuote,
}

/// A file that cannot be read, with the reader's message up to its first line break and its
/// first 200 characters (a parser's message can quote the rest of the file).
fn unreadable(path: &Path, message: String) -> Error {
    let first_line = message.lines().next().unwrap_or_default();
    let mut message: String = first_line.chars().take(200).collect();
    if message.len() < first_line.len() {
        message.push('…');
    }
    Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message })
}

/// The first bytes of the two workbook containers: an OLE2 compound file (a BIFF `.xls`) and a
/// zip archive (`.xlsx`).
pub(super) const WORKBOOK_MAGIC: [&[u8]; 2] = [&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], b"PK\x03\x04"];

/// How a file is opened: as its source's `format:` says, else as its content shows it is (the
/// platforms' downloads name an HTML page or tab-separated text `.xls`, a BIFF file `.xlsx`),
/// else by its extension.
fn opener(path: &Path, declared: SourceFormat) -> Result<Open, Error> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let sniffed = match declared {
        SourceFormat::Auto => {
            let head = crate::read::head(path, 512).map_err(|e| unreadable(path, e.to_string()))?;
            sniffed_format(&head, &extension)
        }
        _ => None,
    };
    let found = FORMATS.iter().find(|(format, extensions, _)| match sniffed.unwrap_or(declared) {
        SourceFormat::Auto => extensions.contains(&extension.as_str()),
        declared => *format == declared,
    });
    found.map(|(_, _, open)| *open).ok_or_else(|| {
        let message = format!("cannot tell the format from the extension `.{extension}`");
        unreadable(path, message).help("set `format:` on the source: csv, tsv, parquet, xlsx, ndjson or html")
    })
}

/// The format a file's first bytes show, where they show one: a workbook or Parquet by their
/// magic bytes; after a byte-order mark and white space, an HTML page by its `<` and NDJSON by
/// its `{`; and text in a file named like a workbook is the CSV or tab-separated text that
/// some backends name `.xls` (the separator is found from the header line).
fn sniffed_format(head: &[u8], extension: &str) -> Option<SourceFormat> {
    if WORKBOOK_MAGIC.iter().any(|magic| head.starts_with(magic)) {
        return Some(SourceFormat::Xlsx);
    }
    if head.starts_with(b"PAR1") {
        return Some(SourceFormat::Parquet);
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => return Some(SourceFormat::Html),
        Some(b'{') => return Some(SourceFormat::Ndjson),
        _ => {}
    }
    let named_as_workbook =
        FORMATS.iter().any(|(f, extensions, _)| *f == SourceFormat::Xlsx && extensions.contains(&extension));
    let is_text =
        !head.is_empty() && !head.contains(&0) || head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    (named_as_workbook && is_text).then_some(SourceFormat::Csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_a_file_s_format_whatever_its_extension() {
        assert_eq!(sniffed_format(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", "csv"), Some(SourceFormat::Xlsx));
        assert_eq!(sniffed_format(b"PK\x03\x04", "xls"), Some(SourceFormat::Xlsx));
        assert_eq!(sniffed_format(b"PAR1", "csv"), Some(SourceFormat::Parquet));
        assert_eq!(sniffed_format(b"\xEF\xBB\xBF  <html>", "xls"), Some(SourceFormat::Html));
        assert_eq!(sniffed_format(b"{\"a\": 1}", "txt"), Some(SourceFormat::Ndjson));
        assert_eq!(sniffed_format("时间\t人数\n".as_bytes(), "xls"), Some(SourceFormat::Csv));
        assert_eq!(sniffed_format(b"day,account\n", "csv"), None, "text named as text goes by its extension");
    }
}
