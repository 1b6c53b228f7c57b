//! A column of the evaluated grid, read row by row: how every layer above the engine reads an
//! evaluation, so that it sees numbers, text, dates and conditions, never polars.

use polars::prelude::*;

use super::period::from_epoch_days;

/// One column of the grid. Cheap to clone: it shares the grid's memory.
#[derive(Clone, Debug)]
pub struct GridValues(Column);

/// One value of the grid, as the layers above see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellValue<'a> {
    Number(f64),
    Text(&'a str),
    Flag(bool),
    /// No data.
    None,
}

impl GridValues {
    pub(super) fn new(column: Column) -> GridValues {
        GridValues(column)
    }

    /// The number in a row; `None` for no data.
    pub fn number(&self, row: usize) -> Option<f64> {
        match self.0.f64() {
            Ok(numbers) => numbers.get(row),
            Err(_) => self.0.get(row).ok().and_then(|value| value.extract::<f64>()),
        }
    }

    /// The text in a row of a column of text; `None` for no data.
    pub fn text(&self, row: usize) -> Option<&str> {
        self.0.str().ok().and_then(|texts| texts.get(row))
    }

    /// Whether a condition holds in a row; no data does not.
    pub fn flag(&self, row: usize) -> bool {
        self.0.bool().ok().and_then(|flags| flags.get(row)) == Some(true)
    }

    /// A date, as `2026-10-31`.
    pub fn date(&self, row: usize) -> Option<String> {
        match self.0.get(row) {
            Ok(AnyValue::Date(days)) => Some(from_epoch_days(days).to_string()),
            _ => None,
        }
    }

    /// The value in a row, of whatever type the column holds.
    pub fn value(&self, row: usize) -> CellValue<'_> {
        if let Ok(texts) = self.0.str() {
            return texts.get(row).map_or(CellValue::None, CellValue::Text);
        }
        match self.0.get(row) {
            Ok(AnyValue::Boolean(flag)) => CellValue::Flag(flag),
            Ok(AnyValue::Null) | Err(_) => CellValue::None,
            Ok(other) => other.extract::<f64>().map_or(CellValue::None, CellValue::Number),
        }
    }
}
