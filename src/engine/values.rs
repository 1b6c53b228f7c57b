//! How a file's column becomes the values formulas read: numbers, text or dates, as the
//! file's sample shows they are written. Where the reader parses text itself (CSV), plain
//! numbers and ISO dates are left to it, which is fastest.

use polars::prelude::*;

use super::files::DataFile;
use super::instants;
use super::numbers::{self, Decimal, Notation, written_number};
use super::sniff::{self, DateFormat, NumberStyle, Undecided};
use crate::compile::finite;
use crate::error::{Error, ErrorKind};
use crate::expr::Usage;
use crate::format;
use crate::ruleset::model::{OnBadValue, Source};

/// A column a formula reads, by its logical name, and how it is used.
#[derive(Clone, Debug)]
pub struct ColumnUse {
    pub name: String,
    pub usage: Usage,
}

/// A column as formulas read it, and, for a number column read from text, whether each row's
/// value is not a number at all (see [`numbers::bad_number`]).
pub struct ReadColumn {
    pub value: Expr,
    pub bad: Option<Expr>,
}

/// The column under `header`, read for `usage`. `NaN` and `inf` in a file are no data, like
/// any other value that is not a number; a value that is not a number and not a way of writing
/// "no data" is flagged in `bad`: an error, unless the source reads such values as no data
/// (`on_bad_value: null`), which the quality notes count. Every column read is added to
/// `dtypes`; `as_text` reads numbers as text where the reader could parse them.
pub fn column(
    usage: Usage,
    file: &DataFile,
    sample: &DataFrame,
    header: &str,
    (source, notation, as_text): (&Source, Notation, bool),
    dtypes: &mut Vec<(String, DataType)>,
) -> ReadColumn {
    let flag_bad = source.on_bad_value == OnBadValue::Error;
    if usage == Usage::Number
        && let Some((value, bad)) = instants::column(sample, header, notation, dtypes)
    {
        return ReadColumn { value, bad };
    }
    let mut read_as = |dtype: DataType| dtypes.push((header.to_string(), dtype));
    let plain = |value| ReadColumn { value, bad: None };
    match (usage, number_style(sample, header, notation)) {
        (Usage::Text, _) | (Usage::AsWritten, NumberStyle::Text) => {
            read_as(DataType::String);
            plain(col(header).cast(DataType::String))
        }
        // The reader parses the numbers; one that is not fails the read, which
        // `failure::reading` then places.
        (_, NumberStyle::Plain) if file.parses_text() && flag_bad && !as_text => {
            read_as(DataType::Float64);
            plain(finite(col(header)))
        }
        (_, NumberStyle::Plain) if !file.parses_text() => {
            read_as(DataType::Float64);
            plain(finite(col(header).cast(DataType::Float64)))
        }
        (_, NumberStyle::Plain | NumberStyle::Written | NumberStyle::Text) => {
            read_as(DataType::String);
            let bad = Some(numbers::bad_number(col(header), notation));
            ReadColumn { value: finite(written_number(col(header), notation)), bad }
        }
    }
}

/// Whether a column used this way is read as numbers, as its sample shows.
pub fn reads_numbers(usage: Usage, sample: &DataFrame, header: &str, notation: Notation) -> bool {
    match usage {
        Usage::Number => true,
        Usage::Text => false,
        Usage::AsWritten => number_style(sample, header, notation) != NumberStyle::Text,
    }
}

/// How a file writes its numbers: with the source's `decimal`, or as its sample's text columns
/// show (see [`sniff::decimal`]). A file that writes some with a decimal point and others with
/// a decimal comma is an error at the later one, since either reading would change the other's
/// numbers; so is a `;`-separated file whose `1,200` could be either.
pub fn notation<'a>(file: &DataFile, sample: &DataFrame, source: &'a Source) -> Result<Notation<'a>, Error> {
    let markers = &source.null_values;
    if let Some(decimal) = source.decimal {
        return Ok(Notation { markers, decimal });
    }
    let columns: Vec<(&str, Vec<(usize, &str)>)> = sample
        .columns()
        .iter()
        .filter_map(|column| {
            let values = column.str().ok()?.iter().enumerate().filter_map(|(row, v)| Some((row, v?.trim())));
            Some((column.name().as_str(), values.filter(|(_, v)| !v.is_empty()).collect()))
        })
        .collect();
    let (shown, expected, help) = match sniff::decimal(file.separator(), &columns, markers) {
        Ok(decimal) => return Ok(Notation { markers, decimal }),
        Err(Undecided::Both([later, earlier])) => {
            let expected = match earlier.decimal {
                Decimal::Point => "a number with a decimal point, as the file's first numbers are written",
                Decimal::Comma => "a number with a decimal comma, as the file's first numbers are written",
            };
            let help = format!(
                "line {} writes `{}` with a {}, this line with a {}: save the file again from one Excel, whose locale writes every number alike",
                file.data_line(earlier.row),
                earlier.value,
                earlier.decimal.mark(),
                later.decimal.mark()
            );
            (later, expected, help)
        }
        Err(Undecided::Either(either)) => {
            let read = |decimal| numbers::read(&[either.value], Notation { markers, decimal })[0].unwrap_or_default();
            let help = format!(
                "the file is separated by `;`, as Excel writes where the decimal mark is a comma, but no value shows which it is: set `decimal: comma` on the source (`{0}` is {1}) or `decimal: point` (`{0}` is {2})",
                either.value,
                format::plain(read(Decimal::Comma)),
                format::plain(read(Decimal::Point)),
            );
            (either, "a number that reads one way only", help)
        }
    };
    let (column, line) = (shown.column.to_string(), file.data_line(shown.row));
    let kind = ErrorKind::BadNumber { value: shown.value.to_string(), expected, column, line, file: file.display() };
    Err(Error::new(kind).help(help))
}

/// How the sample writes a column: typed numbers are plain (unless the source has no-data
/// markers to compare them with), text is judged by its values.
fn number_style(sample: &DataFrame, header: &str, notation: Notation) -> NumberStyle {
    let Ok(column) = sample.column(header) else { return NumberStyle::Text };
    match column.dtype() {
        dtype if dtype.is_primitive_numeric() && notation.markers.is_empty() => NumberStyle::Plain,
        dtype if dtype.is_primitive_numeric() => NumberStyle::Written,
        DataType::String => sniff::number_style(text_values(column).iter().copied(), notation),
        _ => NumberStyle::Text,
    }
}

/// Whether the sample's values of a column are whole numbers (and it has some).
pub fn whole_numbers(sample: &DataFrame, header: &str, notation: Notation) -> bool {
    let Ok(column) = sample.column(header) else { return false };
    let numbers: Vec<Option<f64>> = match column.dtype() {
        dtype if dtype.is_primitive_numeric() => match column.cast(&DataType::Float64) {
            Ok(numbers) => numbers.f64().map(|n| n.iter().collect()).unwrap_or_default(),
            Err(_) => return false,
        },
        DataType::String => numbers::read(&text_values(column), notation),
        _ => return false,
    };
    let mut numbers = numbers.into_iter().flatten().peekable();
    numbers.peek().is_some() && numbers.all(|n| n.fract() == 0.0)
}

fn text_values(column: &Column) -> Vec<&str> {
    column.str().map(|values| values.iter().flatten().collect()).unwrap_or_default()
}

/// Whether a row is a total row (`合计`, `合　计`, `小计`, `汇总`, `平均`), by its date or entity
/// cell, as [`sniff::is_total_label`] tells: such rows sum or average the others, and are left
/// out.
pub fn total_row(cell: Expr) -> Expr {
    let label = cell.cast(DataType::String).str().replace_all(lit(sniff::TOTAL_LABEL_NOISE), lit(""), false);
    let totals = Series::new("totals".into(), sniff::TOTAL_LABELS.to_vec());
    label.is_in(lit(totals).implode(false), false).fill_null(lit(false))
}

/// How a column of numbers holds dates, as its sample shows: `20260701` (a date written as a
/// whole number) or an Excel serial (days since 1899-12-30); `None` for anything else.
fn numeric_dates(column: &Column) -> Option<fn(Expr) -> Expr> {
    let values = column.cast(&DataType::Float64).ok()?;
    let values: Vec<f64> = values.f64().ok()?.iter().flatten().collect();
    let whole = values.iter().all(|v| v.fract() == 0.0);
    if !values.is_empty() && whole && values.iter().all(|v| (19_000_101.0..=21_991_231.0).contains(v)) {
        return Some(|x: Expr| {
            let options = StrptimeOptions { format: Some("%Y%m%d".into()), strict: false, exact: true, cache: true };
            x.cast(DataType::Float64).cast(DataType::Int64).cast(DataType::String).str().to_date(options)
        });
    }
    if !values.is_empty() && values.iter().all(|v| (1.0..=110_000.0).contains(v)) {
        // Excel counts days from 1899-12-30 (its 1900 leap-year bug included); polars from 1970.
        return Some(|x: Expr| {
            (x.cast(DataType::Float64).floor() - lit(25_569.0)).cast(DataType::Int32).cast(DataType::Date)
        });
    }
    None
}

/// What to do about a date that is not read.
pub const DATE_FORMAT_HELP: &str = "set `date_format:` on the source, e.g. `date_format: \"%Y/%m/%d\"`";

/// A problem with a file's dates, and the key of the source it concerns (`date` or
/// `date_format`), where the caller places it.
pub type DateProblem = (Error, &'static str);

/// The date column parsed to a date, in the format the sample shows (or `declared`, the
/// source's `date_format`). ISO dates are left to a reader that parses text, unless `as_text`.
pub fn date(
    file: &DataFile,
    sample: &DataFrame,
    header: &str,
    declared: Option<&str>,
    as_text: bool,
    dtypes: &mut Vec<(String, DataType)>,
) -> Result<Expr, DateProblem> {
    let column = sample.column(header).map_err(|e| (Error::internal(e), "date"))?;
    match column.dtype() {
        DataType::Date => return Ok(col(header)),
        DataType::Datetime(..) => return Ok(col(header).dt().date()),
        DataType::String => {}
        dtype
            if dtype.is_primitive_numeric()
                && let Some(numbers) = numeric_dates(column) =>
        {
            return Ok(numbers(col(header)));
        }
        other => {
            let kind = ErrorKind::NotADateColumn {
                column: header.to_string(),
                file: file.display(),
                found: other.to_string(),
            };
            return Err((Error::new(kind), "date"));
        }
    }
    let format = match date_format(file, column, header, declared) {
        Ok(format) => format,
        // Excel serials written out as text, or by a reader that types a column by its text.
        Err(problem) => match numeric_dates(column).filter(|_| declared.is_none()) {
            Some(numbers) => {
                dtypes.push((header.to_string(), DataType::String));
                return Ok(numbers(col(header)));
            }
            None => return Err(problem),
        },
    };
    let iso = format == (DateFormat::Date { format: "%Y-%m-%d".into(), timed: false });
    if file.parses_text() && iso && !as_text {
        dtypes.push((header.to_string(), DataType::Date));
        return Ok(col(header));
    }
    dtypes.push((header.to_string(), DataType::String));
    Ok(instants::parsed_date(col(header).str().strip_chars(lit(NULL)), format))
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
        (Error::new(kind).help(DATE_FORMAT_HELP), field)
    })
}

/// A column of entity names as rows compare them ([`crate::words::entity_name`]).
pub fn entity_name(text: Expr) -> Expr {
    let names = |column: Column| {
        let mut read = StringChunkedBuilder::new(column.name().clone(), column.len());
        for name in column.str()?.iter() {
            match name {
                Some(name) => read.append_value(crate::words::entity_name(name)),
                None => read.append_null(),
            }
        }
        Ok(read.finish().into_column())
    };
    text.map(names, |_, field| Ok(Field::new(field.name().clone(), DataType::String)))
}

/// Pairs of entities whose names still print alike once read (see [`entity_name`]): equal
/// but for white space inside them (`晨光 咖啡`, `晨光　咖啡`), compatibility forms (`ＡＢＣ`)
/// or variation selectors. Each is a warning showing both names with those characters
/// escaped, since a brand's roll-up would count them as two.
pub fn names_alike(entities: &[String]) -> Vec<Error> {
    let skeleton = crate::words::printed_alike;
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut alike = Vec::new();
    for (index, name) in entities.iter().enumerate() {
        match first.get(&skeleton(name)) {
            Some(&earlier) => {
                let kind = ErrorKind::NamesAlike { first: shown(&entities[earlier]), second: shown(name) };
                alike.push(
                    Error::new(kind)
                        .help("write the name alike in every export, or correct it in the one that differs"),
                );
            }
            None => {
                first.insert(skeleton(name), index);
            }
        }
    }
    alike
}

/// A name with every character that is not a letter, a digit or ASCII punctuation (white
/// space, full-width forms, selectors) written as its code point, so that two names that print
/// alike show how they differ.
fn shown(name: &str) -> String {
    let plain = |c: char| (c.is_alphanumeric() && !('\u{FF00}'..='\u{FFEF}').contains(&c)) || c.is_ascii_graphic();
    name.chars().map(|c| if plain(c) { c.to_string() } else { format!("\\u{{{:X}}}", u32::from(c)) }).collect()
}
