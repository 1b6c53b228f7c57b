//! A source's files as one lazy frame of rows: the entity, the date, and the columns formulas
//! read, each parsed the way its sample says it is written.

use std::path::Path;

use polars::prelude::*;

use super::files::{self, DataFile, FileFormat};
use super::sniff::{self, DateFormat, NumberStyle};
use crate::compile::columns::{DATE, ENTITY, source_column};
use crate::error::{Error, ErrorKind, Errors};
use crate::location::Location;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::Source;
use crate::ruleset::yaml::PathStep::Key;

/// How a formula uses a source column, which decides how it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// In arithmetic, a numeric aggregation or an ordering comparison.
    Number,
    /// Compared with a string.
    Text,
    /// Counted, or taken as is (`first`, `min`): numbers if the values look like numbers.
    AsWritten,
}

/// A column a formula reads, by its logical name.
#[derive(Clone, Debug)]
pub struct RowColumn {
    pub name: String,
    pub usage: Usage,
}

/// Where the parts of one source are configured, to point errors at them.
pub struct SourceRef<'a> {
    pub name: &'a str,
    pub source: &'a Source,
    pub ruleset: &'a CheckedRuleset,
}

impl SourceRef<'_> {
    /// The header of a logical column: its mapping in `columns`, or the name itself.
    pub fn header_of<'b>(&'b self, column: &'b str) -> &'b str {
        self.source.columns.get(column).map_or(column, String::as_str)
    }

    /// Where a column's header is written: its `columns` entry, else the source itself.
    fn location_of(&self, field: Option<&str>, column: Option<&str>) -> Option<Location> {
        let source = [Key("sources"), Key(self.name)];
        let mapped =
            column.and_then(|c| self.ruleset.tree.at(&[Key("sources"), Key(self.name), Key("columns"), Key(c)]));
        let field = field.and_then(|f| self.ruleset.tree.at(&[Key("sources"), Key(self.name), Key(f)]));
        mapped.or(field).or_else(|| self.ruleset.tree.at(&source)).map(|n| n.location.clone())
    }

    pub fn files(&self) -> Result<Vec<DataFile>, Errors> {
        let paths = files::find(self.source, &self.ruleset.base_dir).map_err(|e| self.no_files(e))?;
        let mut opened = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            match DataFile::open(path, self.source) {
                Ok(file) => opened.push(file),
                Err(error) => errors.push(error.at_opt(self.location_of(Some("format"), None))),
            }
        }
        Errors::check(errors, opened)
    }

    /// Why the source has no rows, when no file matches its `path`: a warning, as a client may
    /// not have every export a ruleset can read (no ad campaign, no ad export); the KPIs that
    /// need the source have no data.
    pub fn missing_files(&self) -> Option<Error> {
        files::find(self.source, &self.ruleset.base_dir).err().map(|e| {
            self.no_files(e).note(format!("source `{}` has no rows; what is computed from it has no data", self.name))
        })
    }

    fn no_files(&self, error: Error) -> Error {
        error
            .at_opt(self.location_of(Some("path"), None))
            .help("check `path` and `--data`; paths are relative to the ruleset file or `--data`")
    }

    /// The error for a header the file does not have, at the YAML line that names it.
    pub fn missing_header(
        &self,
        file: &DataFile,
        header: &str,
        field: Option<&str>,
        column: Option<&str>,
        headers: &[String],
    ) -> Error {
        let error = Error::new(ErrorKind::MissingColumn { header: header.to_string(), file: file.display() })
            .at_opt(self.location_of(field, column))
            .note(format!("the file's headers are: {}", headers.join(", ")));
        error.suggest(header, headers.iter().map(String::as_str))
    }
}

/// `wanted`, as the file writes it: exactly, or with stray spaces around it.
pub fn find_header<'a>(headers: &'a [String], wanted: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| *h == wanted)
        .or_else(|| headers.iter().find(|h| h.trim() == wanted.trim()))
        .map(String::as_str)
}

/// The rows of a source: columns `:entity` (text), `:date` (a date, for dated sources) and
/// `c:NAME` for each column in `columns`, from all its files concatenated in name order.
pub fn scan_rows(source: &SourceRef, columns: &[RowColumn]) -> Result<LazyFrame, Errors> {
    let files = source.files()?;
    let mut frames = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        match scan_file(source, file, columns) {
            Ok(frame) => frames.push(frame),
            Err(found) => errors.extend(found.into_vec()),
        }
    }
    Errors::check(errors, ())?;
    let rows = concat(frames, UnionArgs { rechunk: false, parallel: true, ..Default::default() })?;
    Ok(rows)
}

fn scan_file(source: &SourceRef, file: &DataFile, columns: &[RowColumn]) -> Result<LazyFrame, Errors> {
    let sample = file.sample()?;
    let headers: Vec<String> = sample.get_column_names().iter().map(|n| n.to_string()).collect();
    let mut errors = Vec::new();
    let mut header = |wanted: &str, field: Option<&str>, column: Option<&str>| -> Option<String> {
        let found = find_header(&headers, wanted).map(str::to_string);
        if found.is_none() {
            errors.push(source.missing_header(file, wanted, field, column, &headers));
        }
        found
    };
    let date_header = source.source.date.as_deref().and_then(|h| header(h, Some("date"), None));
    let entity_header = source.source.entity.as_deref().and_then(|h| header(h, Some("entity"), None));
    let column_headers: Vec<Option<String>> =
        columns.iter().map(|c| header(source.header_of(&c.name), None, Some(&c.name))).collect();
    Errors::check(errors, ())?;

    let mut dtypes: Vec<(String, DataType)> = Vec::new();
    let mut select = Vec::new();
    select.push(match (&entity_header, &source.source.entity_value) {
        (Some(h), _) => {
            dtypes.push((h.clone(), DataType::String));
            col(h.as_str()).cast(DataType::String).alias(ENTITY)
        }
        (None, Some(value)) => lit(value.clone()).alias(ENTITY),
        (None, None) => unreachable!("validation requires `entity` or `entity_value`"),
    });
    if let Some(date_header) = date_header {
        select.push(date_expr(source, file, &sample, &date_header, &mut dtypes)?.alias(DATE));
    }
    for (column, header) in columns.iter().zip(column_headers) {
        let header = header.expect("checked above");
        let style = sample_style(&sample, &header);
        let expr = match (column.usage, style, file.format) {
            (Usage::Text, _, _) | (Usage::AsWritten, NumberStyle::Text, _) => {
                dtypes.push((header.clone(), DataType::String));
                col(header.as_str()).cast(DataType::String)
            }
            (_, NumberStyle::Plain, FileFormat::Csv { .. }) => {
                dtypes.push((header.clone(), DataType::Float64));
                col(header.as_str())
            }
            (_, NumberStyle::Plain, _) => col(header.as_str()).cast(DataType::Float64),
            (_, NumberStyle::Written | NumberStyle::Text, _) => {
                dtypes.push((header.clone(), DataType::String));
                written_number(col(header.as_str()))
            }
        };
        select.push(expr.alias(source_column(&column.name)));
    }
    Ok(file.scan(&dtypes)?.select(select))
}

/// How the sample writes a column: parquet numbers are plain, parquet text is judged by its
/// values like CSV.
fn sample_style(sample: &DataFrame, header: &str) -> NumberStyle {
    let Ok(column) = sample.column(header) else { return NumberStyle::Text };
    match column.dtype() {
        dtype if dtype.is_primitive_numeric() => NumberStyle::Plain,
        DataType::String => sniff::number_style(sample_values(column).iter().copied()),
        _ => NumberStyle::Text,
    }
}

fn sample_values(column: &Column) -> Vec<&str> {
    column.str().map(|values| values.iter().flatten().collect()).unwrap_or_default()
}

/// The date column parsed to a date, in the format the sample shows (or `date_format`). ISO
/// dates in CSV are parsed by the reader itself, which is fastest.
fn date_expr(
    source: &SourceRef,
    file: &DataFile,
    sample: &DataFrame,
    header: &str,
    dtypes: &mut Vec<(String, DataType)>,
) -> Result<Expr, Error> {
    let column = sample.column(header).map_err(Error::from)?;
    match column.dtype() {
        DataType::Date => return Ok(col(header)),
        DataType::Datetime(..) => return Ok(col(header).dt().date()),
        DataType::String => {}
        other => {
            return Err(Error::bad_data(format!(
                "the date column `{header}` of `{}` holds {other}, not dates",
                file.display()
            ))
            .at_opt(source.location_of(Some("date"), None)));
        }
    }
    let values = sample_values(column);
    let format = sniff::date_format(values.iter().copied(), source.source.date_format.as_deref()).map_err(|bad| {
        let index = column.str().ok().and_then(|c| c.iter().position(|v| v.map(str::trim) == Some(bad.as_str())));
        let line = index.map_or(String::new(), |i| format!("line {} of ", file.data_line(i)));
        Error::bad_data(format!("cannot read `{bad}` as a date (column `{header}`, {line}`{}`)", file.display()))
            .at_opt(source.location_of(
                Some("date_format").filter(|_| source.source.date_format.is_some()).or(Some("date")),
                None,
            ))
            .help("set `date_format:` on the source, e.g. `date_format: \"%Y/%m/%d\"`")
    })?;
    let is_csv = matches!(file.format, FileFormat::Csv { .. });
    if is_csv && format == (DateFormat::Date { format: "%Y-%m-%d".into(), timed: false }) {
        dtypes.push((header.to_string(), DataType::Date));
        return Ok(col(header));
    }
    dtypes.push((header.to_string(), DataType::String));
    let options =
        |format: &str| StrptimeOptions { format: Some(format.into()), strict: false, exact: true, cache: true };
    let text = col(header).str().strip_chars(lit(NULL));
    Ok(match format {
        // A time of day after the date is dropped: the date is what places a row in a period.
        DateFormat::Date { format, timed: true } => {
            text.str().extract(lit(r"^[^\sT]+"), 0).str().to_date(options(&format))
        }
        DateFormat::Date { format, timed: false } => text.str().to_date(options(&format)),
        DateFormat::Month => concat_str([text, lit("-01")], "", true).str().to_date(options("%Y-%m-%d")),
    })
}

/// A number as people write it (`1,234`, `12.5%`, `3.2万`, `10万+`), as the engine reads it; a
/// placeholder such as `-` is no value.
pub fn written_number(column: Expr) -> Expr {
    let text = column
        .cast(DataType::String)
        .str()
        .strip_chars(lit(NULL))
        .str()
        .replace_all(lit(","), lit(""), true)
        .str()
        .replace_all(lit("，"), lit(""), true)
        .str()
        .strip_chars_end(lit("+"));
    let scale = when(text.clone().str().ends_with(lit("%")))
        .then(lit(0.01))
        .when(text.clone().str().ends_with(lit("万")))
        .then(lit(1e4))
        .when(text.clone().str().ends_with(lit("亿")))
        .then(lit(1e8))
        .otherwise(lit(1.0));
    text.str().strip_chars_end(lit("%万亿")).cast(DataType::Float64) * scale
}

/// The headers of a source's first file, when its files can be found and read.
pub fn peek_headers(source: &Source, base: &Path) -> Option<Vec<String>> {
    let path = files::find(source, base).ok()?.into_iter().next()?;
    DataFile::open(path, source).ok()?.headers().ok()
}
