//! The data files of a source: finding them, decoding them, sampling them and scanning them
//! lazily with polars. CSV and Parquet are scanned from disk; workbooks (xlsx, xls, ods) and
//! NDJSON are read into a table of text first (see [`super::tables`]), and from there follow the
//! same path as CSV.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;

use super::tables;
use crate::error::{Error, ErrorKind};
use crate::ruleset::model::{Source, SourceEncoding, SourceFormat};

/// Rows read to learn a file's headers, date format and number style.
const SAMPLE_ROWS: usize = 200;
/// The bytes read from the start of a file for its sample.
const HEAD_BYTES: usize = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Csv { separator: u8 },
    Parquet,
    Workbook,
    Ndjson,
}

/// What is held of a file before it is scanned.
enum Content {
    /// Read from disk when scanned.
    OnDisk,
    /// GB18030 text, decoded to UTF-8 once.
    Decoded(Arc<[u8]>),
    /// A workbook sheet or NDJSON lines, every value as text.
    Table(DataFrame),
}

/// One data file, ready to sample and scan.
pub struct DataFile {
    pub path: PathBuf,
    pub format: FileFormat,
    header_row: u32,
    content: Content,
}

/// The files a source's `path` matches, in name order.
pub fn find(source: &Source, base: &Path) -> Result<Vec<PathBuf>, Error> {
    let pattern = base.join(&source.path);
    let pattern_text = pattern.to_string_lossy().to_string();
    let mut paths: Vec<PathBuf> = glob::glob(&pattern_text)
        .map_err(|e| Error::new(ErrorKind::NoFiles { pattern: format!("{pattern_text} ({})", e.msg) }))?
        .filter_map(std::result::Result::ok)
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Error::new(ErrorKind::NoFiles { pattern: pattern_text }));
    }
    Ok(paths)
}

impl DataFile {
    pub fn open(path: PathBuf, source: &Source) -> Result<DataFile, Error> {
        let format = format_of(&path, source.format)?;
        let unreadable =
            |message: String| Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message });
        let content = match format {
            FileFormat::Csv { .. } => decode(&path, source.encoding)?.map_or(Content::OnDisk, Content::Decoded),
            FileFormat::Parquet => Content::OnDisk,
            FileFormat::Workbook => {
                Content::Table(tables::workbook(&path, source.sheet.as_deref(), source.header_row).map_err(unreadable)?)
            }
            FileFormat::Ndjson => {
                let bytes = match decode(&path, source.encoding)? {
                    Some(decoded) => decoded.to_vec(),
                    None => std::fs::read(&path).map_err(|e| unreadable(e.to_string()))?,
                };
                Content::Table(tables::ndjson(&bytes).map_err(unreadable)?)
            }
        };
        Ok(DataFile { path, format, header_row: source.header_row, content })
    }

    /// The line of the file (or the row of the sheet) that holds data row `index` (0-based).
    pub fn data_line(&self, index: usize) -> usize {
        match self.format {
            FileFormat::Ndjson => index + 1,
            _ => self.header_row as usize + 1 + index,
        }
    }

    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    fn unreadable(&self, error: impl std::fmt::Display) -> Error {
        Error::new(ErrorKind::UnreadableFile { path: self.display(), message: error.to_string() })
    }

    /// The first rows: CSV as text, tables as read, parquet with its own types.
    pub fn sample(&self) -> Result<DataFrame, Error> {
        match (&self.content, self.format) {
            (Content::Table(table), _) => Ok(table.head(Some(SAMPLE_ROWS))),
            (_, FileFormat::Csv { separator }) => {
                let head = self.head().map_err(|e| self.unreadable(e))?;
                let options =
                    self.csv_options(separator).with_n_rows(Some(SAMPLE_ROWS)).with_infer_schema_length(Some(0));
                options.into_reader_with_file_handle(Cursor::new(head)).finish().map_err(|e| self.unreadable(e))
            }
            _ => self.scan_parquet()?.limit(SAMPLE_ROWS as IdxSize).collect().map_err(|e| self.unreadable(e)),
        }
    }

    /// The start of the file, up to a line break: enough for the sample rows, without reading
    /// (or counting the lines of) the whole file.
    fn head(&self) -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut head = match &self.content {
            Content::Decoded(bytes) => bytes[..bytes.len().min(HEAD_BYTES)].to_vec(),
            _ => {
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

    /// The column headers, as written.
    pub fn headers(&self) -> Result<Vec<String>, Error> {
        Ok(self.sample()?.get_column_names().into_iter().map(|n| n.to_string()).collect())
    }

    /// A lazy scan, with the columns of `dtypes` read as those types. Parquet files carry their
    /// own types; the text of tables is parsed here.
    pub fn scan(&self, dtypes: &[(String, DataType)]) -> Result<LazyFrame, Error> {
        match (&self.content, self.format) {
            (Content::Table(table), _) => {
                let typed: Vec<Expr> = dtypes
                    .iter()
                    .map(|(name, dtype)| match dtype {
                        DataType::Date => col(name.as_str()).str().to_date(StrptimeOptions {
                            format: Some("%Y-%m-%d".into()),
                            strict: false,
                            ..Default::default()
                        }),
                        dtype => col(name.as_str()).cast(dtype.clone()),
                    })
                    .collect();
                Ok(table.clone().lazy().with_columns(typed))
            }
            (content, FileFormat::Csv { separator }) => {
                let mut schema = Schema::default();
                for (name, dtype) in dtypes {
                    schema.with_column(name.as_str().into(), dtype.clone());
                }
                let reader = match content {
                    Content::Decoded(bytes) => {
                        LazyCsvReader::new_with_sources(ScanSources::Buffers(Arc::from([bytes.to_vec().into()])))
                    }
                    _ => LazyCsvReader::new(PlRefPath::try_from_path(&self.path).map_err(|e| self.unreadable(e))?),
                };
                reader
                    .with_has_header(true)
                    .with_skip_rows(self.header_row as usize - 1)
                    .with_separator(separator)
                    .with_dtype_overwrite(Some(Arc::new(schema)))
                    .with_infer_schema_length(Some(SAMPLE_ROWS))
                    .with_missing_is_null(true)
                    .finish()
                    .map_err(|e| self.unreadable(e))
            }
            _ => self.scan_parquet(),
        }
    }

    fn scan_parquet(&self) -> Result<LazyFrame, Error> {
        let path = PlRefPath::try_from_path(&self.path).map_err(|e| self.unreadable(e))?;
        LazyFrame::scan_parquet(path, ScanArgsParquet::default()).map_err(|e| self.unreadable(e))
    }

    fn csv_options(&self, separator: u8) -> CsvReadOptions {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_skip_rows(self.header_row as usize - 1)
            .map_parse_options(move |options| options.with_separator(separator).with_missing_is_null(true))
    }
}

fn format_of(path: &Path, declared: SourceFormat) -> Result<FileFormat, Error> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    Ok(match declared {
        SourceFormat::Csv => FileFormat::Csv { separator: b',' },
        SourceFormat::Tsv => FileFormat::Csv { separator: b'\t' },
        SourceFormat::Parquet => FileFormat::Parquet,
        SourceFormat::Xlsx => FileFormat::Workbook,
        SourceFormat::Ndjson => FileFormat::Ndjson,
        SourceFormat::Auto => match extension.as_str() {
            "csv" | "txt" => FileFormat::Csv { separator: b',' },
            "tsv" | "tab" => FileFormat::Csv { separator: b'\t' },
            "parquet" | "pq" => FileFormat::Parquet,
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => FileFormat::Workbook,
            "ndjson" | "jsonl" => FileFormat::Ndjson,
            _ => {
                return Err(Error::new(ErrorKind::UnreadableFile {
                    path: path.display().to_string(),
                    message: format!("cannot tell the format from the extension `.{extension}`"),
                })
                .help("set `format:` on the source: csv, tsv, parquet, xlsx or ndjson"));
            }
        },
    })
}

/// The file as UTF-8, when it is not UTF-8 already: GBK exports (as Excel on a Chinese Windows
/// writes them) are decoded as GB18030, their superset.
fn decode(path: &Path, encoding: SourceEncoding) -> Result<Option<Arc<[u8]>>, Error> {
    let unreadable = |e: std::io::Error| {
        Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message: e.to_string() })
    };
    let is_gbk = match encoding {
        SourceEncoding::Utf8 => false,
        SourceEncoding::Gbk => true,
        SourceEncoding::Auto => {
            use std::io::Read;
            let mut head = Vec::with_capacity(64 * 1024);
            std::fs::File::open(path)
                .map_err(unreadable)?
                .take(64 * 1024)
                .read_to_end(&mut head)
                .map_err(unreadable)?;
            match std::str::from_utf8(&head) {
                Ok(_) => false,
                // A character cut in two at the end of the sample is still UTF-8.
                Err(e) => e.error_len().is_some(),
            }
        }
    };
    if !is_gbk {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
    Ok(Some(Arc::from(text.into_owned().into_bytes())))
}
