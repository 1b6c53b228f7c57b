//! How a file's column becomes the values formulas read: numbers, text or dates, as the
//! file's sample shows they are written. Where the reader parses text itself (CSV), plain
//! numbers and ISO dates are left to it, which is fastest.

use polars::prelude::*;

use super::files::DataFile;
use super::numbers::written_number;
use super::sniff::{self, DateFormat, NumberStyle};
use crate::compile::finite;
use crate::error::{Error, ErrorKind};

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

/// A column a formula reads, by its logical name, and how it is used.
#[derive(Clone, Debug)]
pub struct ColumnUse {
    pub name: String,
    pub usage: Usage,
}

/// The column under `header`, read for `usage`. `NaN` and `inf` in a file are no data, like
/// any other value that is not a number. Columns the reader is to parse are added to
/// `dtypes`.
pub fn column(
    usage: Usage,
    file: &DataFile,
    sample: &DataFrame,
    header: &str,
    markers: &[String],
    dtypes: &mut Vec<(String, DataType)>,
) -> Expr {
    let mut read_as = |dtype: DataType| dtypes.push((header.to_string(), dtype));
    match (usage, number_style(sample, header, markers)) {
        (Usage::Text, _) | (Usage::AsWritten, NumberStyle::Text) => {
            read_as(DataType::String);
            col(header).cast(DataType::String)
        }
        (_, NumberStyle::Plain) if file.parses_text() => {
            read_as(DataType::Float64);
            finite(col(header))
        }
        (_, NumberStyle::Plain) => finite(col(header).cast(DataType::Float64)),
        (_, NumberStyle::Written | NumberStyle::Text) => {
            read_as(DataType::String);
            finite(written_number(col(header), markers))
        }
    }
}

/// How the sample writes a column: typed numbers are plain (unless the source has no-data
/// markers to compare them with), text is judged by its values.
fn number_style(sample: &DataFrame, header: &str, markers: &[String]) -> NumberStyle {
    let Ok(column) = sample.column(header) else { return NumberStyle::Text };
    match column.dtype() {
        dtype if dtype.is_primitive_numeric() && markers.is_empty() => NumberStyle::Plain,
        dtype if dtype.is_primitive_numeric() => NumberStyle::Written,
        DataType::String => sniff::number_style(text_values(column).iter().copied(), markers),
        _ => NumberStyle::Text,
    }
}

fn text_values(column: &Column) -> Vec<&str> {
    column.str().map(|values| values.iter().flatten().collect()).unwrap_or_default()
}

/// A problem with a file's dates, and the key of the source it concerns (`date` or
/// `date_format`), where the caller places it.
pub type DateProblem = (Error, &'static str);

/// The date column parsed to a date, in the format the sample shows (or `declared`, the
/// source's `date_format`).
pub fn date(
    file: &DataFile,
    sample: &DataFrame,
    header: &str,
    declared: Option<&str>,
    dtypes: &mut Vec<(String, DataType)>,
) -> Result<Expr, DateProblem> {
    let column = sample.column(header).map_err(|e| (Error::from(e), "date"))?;
    match column.dtype() {
        DataType::Date => return Ok(col(header)),
        DataType::Datetime(..) => return Ok(col(header).dt().date()),
        DataType::String => {}
        other => {
            let kind = ErrorKind::NotADateColumn {
                column: header.to_string(),
                file: file.display(),
                found: other.to_string(),
            };
            return Err((Error::new(kind), "date"));
        }
    }
    let format = date_format(file, column, header, declared)?;
    if file.parses_text() && format == (DateFormat::Date { format: "%Y-%m-%d".into(), timed: false }) {
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

/// The format that reads every sampled date, or an error at the value none reads.
fn date_format(
    file: &DataFile,
    column: &Column,
    header: &str,
    declared: Option<&str>,
) -> Result<DateFormat, DateProblem> {
    sniff::date_format(text_values(column).iter().copied(), declared).map_err(|bad| {
        let index = column.str().ok().and_then(|c| c.iter().position(|v| v.map(str::trim) == Some(bad.as_str())));
        let kind = ErrorKind::BadDate {
            value: bad,
            column: header.to_string(),
            line: index.map(|i| file.data_line(i)),
            file: file.display(),
        };
        let field = if declared.is_some() { "date_format" } else { "date" };
        (Error::new(kind).help("set `date_format:` on the source, e.g. `date_format: \"%Y/%m/%d\"`"), field)
    })
}
