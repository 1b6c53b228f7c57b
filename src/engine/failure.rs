//! Polars failures, mapped to what the user can act on. Reading a source's rows can fail on
//! the data: that is the user's to fix (exit 2), at the source's `path` and in the file that
//! fails. Computing the grid can fail on a formula whose values the data makes impossible (a
//! text attribute in arithmetic): also the user's, at the formula. Any other failure is a bug
//! (exit 3).

use polars::prelude::*;

use super::bad_rows;
use super::files::DataFile;
use super::layers::{self, Layer};
use super::sources::{self, SourceRef};
use super::values::ColumnUse;
use crate::error::{Error, ErrorKind, Errors};

/// A failure to read a source's rows.
pub fn reading(source: &SourceRef, columns: &[ColumnUse], error: PolarsError) -> Errors {
    // A number the reader could not parse, past the rows it sampled.
    if let Some(bad) = bad_rows::first_bad_value(source, columns) {
        return bad.into();
    }
    if let Some(ragged) = source.files().ok().and_then(|files| files.iter().find_map(DataFile::broken_line)) {
        return ragged.at_opt(source.location_of(Some("path"), None)).into();
    }
    let (file, error) = match sources::failing_file(source, columns) {
        Some((file, error)) => (Some(file), error),
        None => (None, error),
    };
    let message = reading_in_words(&message(&error));
    let kind = ErrorKind::UnreadableData { source_name: source.name.to_string(), file, message };
    Error::new(kind).at_opt(source.location_of(Some("path"), None)).into()
}

/// A failure to compute the grid's `layers` on `grid`: at the formula that fails, if one does.
pub fn computing(grid: &LazyFrame, layers: &[Layer], error: PolarsError) -> Errors {
    match layers::first_failing(grid, layers) {
        Some((computed, error)) => match computed.formula {
            Some(formula) => {
                let failed =
                    Error::new(ErrorKind::FormulaFailed { message: in_words(&message(&error)) }).at(formula.location());
                failed
                    .help("check that the formula uses numbers where it computes, and text where it compares text")
                    .into()
            }
            None => Error::internal(error).into(),
        },
        None => Error::internal(error).into(),
    }
}

/// A reading failure in the words of data files: polars names its types.
fn reading_in_words(message: &str) -> String {
    match message.starts_with("cannot cast") && (message.contains("List") || message.contains("Struct")) {
        true => "a column holds lists or records, not numbers, text or dates".to_string(),
        false => message.to_string(),
    }
}

/// A computing failure in the words of the formula language: polars names its types.
fn in_words(message: &str) -> String {
    let text_in_arithmetic = message.starts_with("arithmetic on") && message.contains("str");
    match text_in_arithmetic {
        true => "it computes with text: a value here holds words, not numbers".to_string(),
        false => message.to_string(),
    }
}

/// Polars' message up to its first line break, without the names of the engine's columns and
/// the advice for polars' own API that follow it.
fn message(error: &PolarsError) -> String {
    let text = error.to_string();
    let line = text.lines().next().unwrap_or_default();
    let line = line.split(" (lhs: ").next().unwrap_or_default();
    line.split("; try ").next().unwrap_or_default().trim().to_string()
}
