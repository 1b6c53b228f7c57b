//! Dates and times written as text, read: as dates where a date places a row in a period, and
//! as seconds since 1970-01-01 00:00 where a formula does arithmetic with them
//! (`service.answered - service.asked`), so that the difference of two is the seconds between
//! them — `/ 60` minutes, `/ 3600` hours, `/ 86400` days — exact for times written to the second.

use polars::prelude::*;

use super::numbers::{self, Notation};
use super::sniff::{self, DateFormat, NumberStyle};

pub use crate::ruleset::model::{FIRST_DATE, LAST_DATE};

/// A time of day after a date: `10:20`, `10:20:05`, `22时30分05秒`.
const TIME_OF_DAY: &str = r"(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2}(?:\.\d+)?))?";
const SECONDS_A_DAY: f64 = 86_400.0;

/// The column under `header` read as seconds, when the sample shows it holds dates or times
/// (typed by a workbook, or written as text in a form dates are read in), and whether each
/// row's value is neither a date from [`FIRST_DATE`] to [`LAST_DATE`] nor a way of writing "no
/// data"; `None` for any other column. A date outside is no data, and flagged.
pub fn column(
    sample: &DataFrame,
    header: &str,
    notation: Notation,
    dtypes: &mut Vec<(String, DataType)>,
) -> Option<(Expr, Option<Expr>)> {
    let (seconds, unread) = match sample.column(header).ok()?.dtype() {
        DataType::Date => (col(header).cast(DataType::Int32).cast(DataType::Float64) * lit(SECONDS_A_DAY), lit(false)),
        DataType::Datetime(..) => {
            (col(header).dt().timestamp(TimeUnit::Milliseconds).cast(DataType::Float64) / lit(1000.0), lit(false))
        }
        DataType::String => {
            let format = written_dates(sample, header, notation)?;
            dtypes.push((header.to_string(), DataType::String));
            (seconds(col(header), format.clone()), bad(col(header), format, notation))
        }
        _ => return None,
    };
    let (first, last) = plausible_seconds();
    let outside = seconds.clone().lt(lit(first)).or(seconds.clone().gt(lit(last))).fill_null(lit(false));
    let marked = numbers::no_data(col(header).cast(DataType::String), notation.markers);
    let value =
        when(outside.clone().or(marked.clone()).not()).then(seconds).otherwise(lit(NULL).cast(DataType::Float64));
    Some((value, Some(unread.or(outside.and(marked.not())))))
}

/// The seconds of [`FIRST_DATE`]'s midnight and of [`LAST_DATE`]'s last second.
fn plausible_seconds() -> (f64, f64) {
    let midnight = |(y, m, d): (i32, u32, u32)| {
        let date = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
        date.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp() as f64
    };
    (midnight(FIRST_DATE), midnight(LAST_DATE) + SECONDS_A_DAY - 1.0)
}

/// For a column of dates or times (as [`column`] tells them), whether each row's value is not a
/// date read. `None` for any other column.
pub fn bad_values(sample: &DataFrame, header: &str, notation: Notation) -> Option<Expr> {
    column(sample, header, notation, &mut Vec::new())?.1
}

/// How the sample writes a text column's dates, if it holds dates or times and no numbers
/// (besides ways of writing "no data"): its other values are to report as not dates, not a
/// reason to read the column as numbers.
fn written_dates(sample: &DataFrame, header: &str, notation: Notation) -> Option<DateFormat> {
    let markers = notation.markers;
    let column = sample.column(header).ok()?.str().ok()?;
    let written = column.iter().flatten().map(str::trim).filter(|v| !v.is_empty());
    let values: Vec<&str> = written.filter(|v| !numbers::is_placeholder(v, markers)).collect();
    if values.is_empty() || sniff::number_style(values.iter().copied(), notation) != NumberStyle::Text {
        return None;
    }
    let dates: Vec<&str> = values.iter().copied().filter(|v| sniff::reads_as_date(v)).collect();
    if dates.is_empty() {
        return None;
    }
    sniff::date_format(dates.into_iter(), None).ok()
}

/// Whether a value written as text is not a date in `format`, and not a way of writing "no
/// data" either.
fn bad(text: Expr, format: DateFormat, notation: Notation) -> Expr {
    seconds(text.clone(), format).is_null().and(numbers::bad_number(text, notation))
}

fn seconds(text: Expr, format: DateFormat) -> Expr {
    let text = text.cast(DataType::String).str().strip_chars(lit(NULL));
    let timed = matches!(format, DateFormat::Date { timed: true, .. });
    let days = parsed_date(text.clone(), format).cast(DataType::Int32).cast(DataType::Float64);
    match timed {
        true => days * lit(SECONDS_A_DAY) + time_of_day(text),
        false => days * lit(SECONDS_A_DAY),
    }
}

/// The time of day written in `text`, in seconds; 0 where none is written.
fn time_of_day(text: Expr) -> Expr {
    let part = |group| text.clone().str().extract(lit(TIME_OF_DAY), group).cast(DataType::Float64).fill_null(lit(0.0));
    part(1) * lit(3600.0) + part(2) * lit(60.0) + part(3)
}

/// Dates written as `text` in `format`, read as dates (a time of day after them dropped).
pub fn parsed_date(text: Expr, format: DateFormat) -> Expr {
    let options =
        |format: &str| StrptimeOptions { format: Some(format.into()), strict: false, exact: true, cache: true };
    match format {
        // A time of day after the date is dropped: the date is what places a row in a period.
        DateFormat::Date { format, timed: true } => {
            // The date before its time: up to a space or `T`, or up to `日` when the time
            // follows without one (`2026年01月05日22时30分05秒`).
            let date_part = if format.ends_with('日') { r"^[^日]*日" } else { r"^[^\sT]+" };
            text.str().extract(lit(date_part), 0).str().to_date(options(&format))
        }
        DateFormat::Date { format, timed: false } => text.str().to_date(options(&format)),
        DateFormat::Month => concat_str([text, lit("-01")], "", true).str().to_date(options("%Y-%m-%d")),
    }
}
