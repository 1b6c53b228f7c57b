//! One value of a column of the grid (or of any frame of the engine's): the readers every
//! consumer of an evaluation shares.

use polars::prelude::*;

/// The number in a row of a column; `None` for no data.
pub fn number_at(column: &Column, row: usize) -> Option<f64> {
    match column.f64() {
        Ok(numbers) => numbers.get(row),
        Err(_) => column.get(row).ok().and_then(|value| value.extract::<f64>()),
    }
}

/// The text in a row of a column of text; `None` for no data.
pub fn text_at(column: &Column, row: usize) -> Option<&str> {
    column.str().ok().and_then(|texts| texts.get(row))
}

/// Whether a condition holds in a row of a column of conditions; no data does not.
pub fn flag_at(column: &Column, row: usize) -> bool {
    column.bool().ok().and_then(|flags| flags.get(row)) == Some(true)
}
